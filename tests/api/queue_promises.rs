//! The next promise on the ticket list, on every work queue and in the parts desk's queue; the
//! queues by urgency; pausing and resuming the clock from the ticket page.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, plan_body, Backend, TestApp};
use crate::pages::{csrf_of, signed_in};

/// A ticket of `level` called `minutes_ago` (with its own plate); its body as the intake answered.
async fn ticket(app: &TestApp, level: i64, minutes_ago: i64, plate: &str) -> Value {
    let mut body = intake_body();
    body["response_level"] = json!(level);
    body["plate"] = json!(plate);
    body["call_time"] = json!((Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339());
    let res = app.post_ticket(&app.token("hz.agent"), &body).await;
    assert_eq!(res.status().as_u16(), 201);
    res.json().await.unwrap()
}

/// The part of a work page that is the queue `id`.
fn queue<'a>(html: &'a str, id: &str) -> &'a str {
    let from = html
        .find(&format!(r#"id="queue-{id}""#))
        .unwrap_or_else(|| panic!("queue {id} in {html}"));
    let rest = &html[from..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The row of the ticket numbered `number` in a piece of a page.
fn row<'a>(html: &'a str, number: &str) -> &'a str {
    let from = html
        .find(&format!(r#"data-ticket-number="{number}""#))
        .unwrap_or_else(|| panic!("row {number} in {html}"));
    let rest = &html[from..];
    &rest[..rest.find("</tr>").unwrap_or(rest.len())]
}

fn badge(row: &str) -> Option<&str> {
    let at = row.find(r#"data-testid="promise" data-state=""#)?
        + r#"data-testid="promise" data-state=""#.len();
    row[at..].split('"').next()
}

async fn ok(app: &TestApp, who: &str, path: String, body: Value) {
    let (status, res) = app.post(&app.token(who), &path, &body).await;
    assert_eq!(status, 200, "{path}: {res}");
}

both!(every_queue_shows_the_promise, queues_body);
async fn queues_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let t = ticket(&app, 2, 100, "浙A12345").await;
    let (id, number) = (t["id"].as_str().unwrap(), t["number"].as_str().unwrap());
    let work = |login: &'static str, q: &'static str| {
        let app = &app;
        async move {
            let client = signed_in(app, login).await;
            let html = page_text(&client, app, "/work").await;
            badge(row(queue(&html, q), number)).map(str::to_owned)
        }
    };
    // Level 2 called 100 of its 120 minutes ago: past the warning share.
    assert_eq!(work("hz.agent", "new").await.as_deref(), Some("warning"));
    assert_eq!(
        work("hz.workshop", "planning").await.as_deref(),
        Some("warning")
    );
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    let (status, res) = app
        .put(&app.token("hz.workshop"), &p("/plan"), &plan_body())
        .await;
    assert_eq!(status, 200, "{res}");
    ok(
        &app,
        "hz.workshop",
        p("/plan/submit"),
        json!({"version": 1}),
    )
    .await;
    // The response has started: the approval is next (180 minutes for level 2).
    assert_eq!(
        work("hz.manager", "review").await.as_deref(),
        Some("on_time")
    );
    ok(
        &app,
        "hz.manager",
        p("/review"),
        json!({"decision": "accept"}),
    )
    .await;
    assert_eq!(
        work("hz.manager", "consent").await.as_deref(),
        Some("on_time")
    );
    ok(
        &app,
        "hz.manager",
        p("/consent"),
        json!({"plan_version": 1, "agreed": true}),
    )
    .await;
    assert_eq!(
        work("hz.director", "approval").await.as_deref(),
        Some("on_time")
    );
    ok(
        &app,
        "hz.director",
        p("/approval"),
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    assert_eq!(work("hz.parts", "parts").await.as_deref(), Some("on_time"));
    // The parts desk's own queue, on the page and over the API.
    let desk = signed_in(&app, "hz.parts").await;
    let html = page_text(&desk, &app, "/parts").await;
    assert_eq!(badge(row(&html, number)), Some("on_time"), "{html}");
    let (status, q) = app
        .get_json(&app.token("hz.parts"), "/api/v1/parts-desk/queue")
        .await;
    assert_eq!(status, 200, "{q}");
    let item = q
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ticket_id"] == id)
        .cloned()
        .unwrap();
    assert_eq!(item["promise"]["stage"], "departed", "{item}");
    assert_eq!(item["promise"]["state"], "on_time");
    assert_eq!(item["call_time"], t["call_time"]);
}

both!(the_ticket_list_shows_the_promise, list_body);
async fn list_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let late = ticket(&app, 3, 300, "浙A12345").await;
    let fresh = ticket(&app, 1, 1, "浙B54321").await;
    let agent = signed_in(&app, "hz.agent").await;
    for (lang, overdue) in [("zh-CN", "已超时"), ("en", "Overdue")] {
        agent
            .get(app.url(&format!("/lang/{lang}")))
            .send()
            .await
            .unwrap();
        let html = page_text(&agent, &app, "/tickets").await;
        let late_row = row(&html, late["number"].as_str().unwrap());
        assert_eq!(badge(late_row), Some("breached"), "{html}");
        assert!(late_row.contains(overdue), "{late_row}");
        let fresh_row = row(&html, fresh["number"].as_str().unwrap());
        assert_eq!(badge(fresh_row), Some("on_time"));
        // The list keeps its order: the newest call first.
        assert!(
            html.find(fresh["number"].as_str().unwrap())
                < html.find(late["number"].as_str().unwrap()),
            "{html}"
        );
    }
}

both!(the_leads_queue_puts_the_most_urgent_first, order_body);
async fn order_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Called first, but on time (level 3: 240 minutes); on time with less left (level 2, 50 of
    // 120); the newest call, already late (level 1: 30 minutes); and, older than all but the
    // first, one nearly due (level 2, 100 of 120).
    let on_time = ticket(&app, 3, 60, "浙A12345").await;
    let sooner = ticket(&app, 2, 50, "浙B54321").await;
    let breached = ticket(&app, 1, 40, "浙C11111").await;
    let mut body = intake_body();
    body["plate"] = json!("浙D22222");
    body["response_level"] = json!(2);
    body["call_time"] = json!((Utc::now() - Duration::minutes(100)).to_rfc3339());
    let warning_older = app.post_ticket(&app.token("hz.agent"), &body).await;
    assert_eq!(warning_older.status().as_u16(), 201);
    let warning_older: Value = warning_older.json().await.unwrap();
    let lead = signed_in(&app, "hz.workshop").await;
    let html = page_text(&lead, &app, "/work").await;
    let planning = queue(&html, "planning");
    let at = |t: &Value| {
        planning
            .find(&format!(
                r#"data-ticket-number="{}""#,
                t["number"].as_str().unwrap()
            ))
            .unwrap_or_else(|| panic!("{t} in {planning}"))
    };
    assert_eq!(
        badge(row(planning, breached["number"].as_str().unwrap())),
        Some("breached")
    );
    assert_eq!(
        badge(row(planning, warning_older["number"].as_str().unwrap())),
        Some("warning")
    );
    assert_eq!(
        badge(row(planning, sooner["number"].as_str().unwrap())),
        Some("on_time"),
        "50 of 120 minutes"
    );
    assert!(at(&breached) < at(&warning_older), "{planning}");
    assert!(at(&warning_older) < at(&sooner), "{planning}");
    // Both on time: the one with less time left first (70 minutes before 180).
    assert!(at(&sooner) < at(&on_time), "{planning}");
}

/// Posts a form of the ticket page; the answer's status and its `Location` or body.
async fn post_form(
    client: &reqwest::Client,
    app: &TestApp,
    id: &str,
    step: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let page = page_text(client, app, &format!("/tickets/{id}")).await;
    let csrf = csrf_of(&page);
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend_from_slice(fields);
    let res = client
        .post(app.url(&format!("/tickets/{id}/act/{step}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    if status == 303 {
        let to = res.headers()["location"].to_str().unwrap().to_owned();
        (status, to)
    } else {
        (status, res.text().await.unwrap())
    }
}

both!(the_ticket_page_pauses_and_resumes_the_clock, pause_body);
async fn pause_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let t = ticket(&app, 1, 5, "浙A12345").await;
    let id = t["id"].as_str().unwrap();
    let path = format!("/tickets/{id}");
    let manager = signed_in(&app, "hz.manager").await;
    let page = page_text(&manager, &app, &path).await;
    assert!(page.contains(r#"id="pause-form""#), "{page}");
    assert!(!page.contains(r#"id="resume-form""#));
    for reason in [
        "consent_call_unanswered",
        "customer_asked_to_wait",
        "customer_unreachable",
        "other",
    ] {
        assert!(page.contains(&format!(r#"value="{reason}""#)), "{reason}");
    }
    // The workshop lead may not stop the clock: no form.
    let lead = signed_in(&app, "hz.workshop").await;
    assert!(!page_text(&lead, &app, &path).await.contains("pause-form"));

    // "Other" says nothing by itself: the note is asked for beside its field, in both languages.
    for (lang, says) in [
        ("zh-CN", "原因为“其他”时请写明说明。"),
        ("en", "Say why in a note when the reason is"),
    ] {
        manager
            .get(app.url(&format!("/lang/{lang}")))
            .send()
            .await
            .unwrap();
        let (status, html) = post_form(&manager, &app, id, "pause", &[("reason", "other")]).await;
        assert_eq!(status, 400, "{html}");
        let at = html
            .find(r#"id="err-pause-note""#)
            .expect("the note's error");
        let message = &html[at..];
        let message = &message[..message.find("</p>").unwrap()];
        assert!(message.contains(says), "{message}");
        assert!(html.contains(r#"name="note" maxlength="200" value="" aria-invalid="true""#));
        assert!(
            html.contains(r#"value="other" selected"#),
            "the reason stays chosen"
        );
        assert!(html.contains(r#"<details id="pause-clock" open>"#));
    }
    let long = "长".repeat(201);
    let (status, html) = post_form(
        &manager,
        &app,
        id,
        "pause",
        &[("reason", "other"), ("note", &long)],
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"id="err-pause-note""#));
    assert_eq!(app.count("ticket_pauses"), 0);

    // A pause posts, redirects, and the page says the clock stands still.
    let (status, to) = post_form(
        &manager,
        &app,
        id,
        "pause",
        &[
            ("reason", "customer_asked_to_wait"),
            ("note", "客户说半小时后再来"),
        ],
    )
    .await;
    assert_eq!((status, to.as_str()), (303, path.as_str()));
    for (lang, paused, label) in [
        ("zh-CN", "计时已暂停", "<strong>暂停计时</strong>"),
        ("en", "Clock paused", "<strong>Clock paused</strong>"),
    ] {
        manager
            .get(app.url(&format!("/lang/{lang}")))
            .send()
            .await
            .unwrap();
        let page = page_text(&manager, &app, &path).await;
        assert!(page.contains(r#"id="resume-form""#), "{page}");
        assert!(!page.contains(r#"id="pause-form""#));
        assert!(page.contains(&format!(r#"<span class="badge">{paused}</span>"#)));
        assert!(
            page.contains(label),
            "the audit trail names the pause: {page}"
        );
        assert!(page.contains("客户说半小时后再来"));
    }
    // The call agent may resume it.
    let agent = signed_in(&app, "hz.agent").await;
    let (status, to) = post_form(&agent, &app, id, "resume", &[]).await;
    assert_eq!((status, to.as_str()), (303, path.as_str()));
    agent.get(app.url("/lang/en")).send().await.unwrap();
    let page = page_text(&agent, &app, &path).await;
    assert!(page.contains(r#"id="pause-form""#));
    assert!(page.contains("<strong>Clock resumed</strong>"), "{page}");
    // A resume with nothing paused is refused on the page.
    let (status, html) = post_form(&agent, &app, id, "resume", &[]).await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("clock is not paused"), "{html}");
}

both!(no_pause_form_when_pausing_is_off, pause_off_body);
async fn pause_off_body(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.sla.pause_allowed = false).await;
    let t = ticket(&app, 1, 5, "浙A12345").await;
    let manager = signed_in(&app, "hz.manager").await;
    let page = page_text(
        &manager,
        &app,
        &format!("/tickets/{}", t["id"].as_str().unwrap()),
    )
    .await;
    assert!(!page.contains("pause-form"), "{page}");
}
