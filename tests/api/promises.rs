//! The promise clock: each open ticket's next promise in the ticket views, and pausing and
//! resuming the clock while the rescue waits on the customer.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, Backend, TestApp};

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("a time: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

/// A ticket of `level` called `minutes_ago`; its body as the intake answered.
async fn ticket(app: &TestApp, level: i64, minutes_ago: i64) -> Value {
    let mut body = intake_body();
    body["response_level"] = json!(level);
    body["call_time"] = json!((Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339());
    let res = app.post_ticket(&app.token("hz.agent"), &body).await;
    assert_eq!(res.status().as_u16(), 201);
    res.json().await.unwrap()
}

both!(a_fresh_ticket_promises_the_response, fresh_body);
async fn fresh_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Level 1: the response within 30 minutes of the call (config/default.toml).
    let created = ticket(&app, 1, 5).await;
    let promise = &created["promise"];
    assert_eq!(promise["stage"], "response_started", "{created}");
    assert_eq!(promise["state"], "on_time");
    assert_eq!(promise["paused"], false);
    assert_eq!(
        time(&promise["deadline"]) - time(&created["call_time"]),
        Duration::minutes(30)
    );
    let left = promise["seconds_left"].as_i64().unwrap();
    assert!((24 * 60..=25 * 60).contains(&left), "{left}");

    let id = created["id"].as_str().unwrap();
    let (status, detail) = app
        .get_json(&app.token("hz.manager"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(detail["promise"]["stage"], "response_started");
    assert_eq!(detail["promise"]["deadline"], promise["deadline"]);

    // Level 2, called 100 of its 120 minutes ago: past the 75 % share; level 3 long overdue.
    let warned = ticket(&app, 2, 100).await;
    assert_eq!(warned["promise"]["state"], "warning", "{warned}");
    let late = ticket(&app, 3, 300).await;
    assert_eq!(late["promise"]["state"], "breached", "{late}");
    assert!(late["promise"]["seconds_left"].as_i64().unwrap() < -59 * 60);
}

both!(the_list_items_carry_their_promise, list_body);
async fn list_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let on_time = ticket(&app, 1, 1).await;
    let late = ticket(&app, 3, 300).await;
    let cancelled = ticket(&app, 2, 2).await;
    let token = app.token("hz.agent");
    let (status, _) = app
        .post(
            &token,
            &format!(
                "/api/v1/tickets/{}/cancel",
                cancelled["id"].as_str().unwrap()
            ),
            &json!({"reason": "客户自行解决"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, page) = app.get_json(&token, "/api/v1/tickets").await;
    assert_eq!(status, 200);
    let item = |t: &Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == t["id"])
            .cloned()
            .unwrap()
    };
    assert_eq!(item(&on_time)["promise"]["state"], "on_time", "{page}");
    assert_eq!(item(&late)["promise"]["state"], "breached");
    assert_eq!(item(&late)["promise"]["stage"], "response_started");
    assert!(
        item(&cancelled)["promise"].is_null(),
        "a cancelled rescue promises nothing: {page}"
    );
}

both!(pause_and_resume_move_the_deadline, pause_body);
async fn pause_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let created = ticket(&app, 1, 5).await;
    let id = created["id"].as_str().unwrap();
    let before = time(&created["promise"]["deadline"]);
    let manager = app.token("hz.manager");

    let (status, paused) = app
        .post(
            &manager,
            &format!("/api/v1/tickets/{id}/pause"),
            &json!({"reason": "consent_call_unanswered", "note": "打了两次没人接"}),
        )
        .await;
    assert_eq!(status, 200, "{paused}");
    assert_eq!(paused["pause"]["reason"], "consent_call_unanswered");
    assert_eq!(paused["pause"]["started_by"]["login"], "hz.manager");
    assert!(paused["pause"]["ended_at"].is_null());
    assert_eq!(paused["promise"]["paused"], true);
    let frozen = paused["promise"]["seconds_left"].as_i64().unwrap();

    // While paused, the time left stands still.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (_, detail) = app
        .get_json(&manager, &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(detail["promise"]["paused"], true);
    assert_eq!(detail["promise"]["seconds_left"].as_i64().unwrap(), frozen);
    let paused_event = detail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "clock.paused")
        .cloned()
        .expect("audit event");
    assert_eq!(
        paused_event["comment"], "打了两次没人接",
        "the note as typed"
    );

    // A second pause is refused while one is open.
    let (status, err) = app
        .post(
            &app.token("hz.agent"),
            &format!("/api/v1/tickets/{id}/pause"),
            &json!({"reason": "customer_asked_to_wait"}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (409, Some("clock_already_paused"))
    );

    let (status, resumed) = app
        .post(
            &manager,
            &format!("/api/v1/tickets/{id}/resume"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{resumed}");
    assert!(resumed["pause"]["ended_at"].is_string());
    assert_eq!(resumed["promise"]["paused"], false);
    let after = time(&resumed["promise"]["deadline"]);
    assert!(
        // The wire has whole seconds; the pause lasted over 1.1 s.
        after - before >= Duration::seconds(1),
        "the pause pushed the deadline back: {before} → {after}"
    );
    let (status, err) = app
        .post(
            &manager,
            &format!("/api/v1/tickets/{id}/resume"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (409, Some("clock_not_paused"))
    );
    // Paused again after the resume: a new pause.
    let (status, _) = app
        .post(
            &app.token("hz.agent"),
            &format!("/api/v1/tickets/{id}/pause"),
            &json!({"reason": "customer_asked_to_wait"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.count("ticket_pauses"), 2);
}

both!(who_may_pause, roles_body);
async fn roles_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.new_ticket().await;
    let path = format!("/api/v1/tickets/{id}/pause");
    let body = json!({"reason": "customer_unreachable"});
    for login in ["hz.workshop", "hz.director", "hz.tech", "hz.parts"] {
        let (status, err) = app.post(&app.token(login), &path, &body).await;
        assert_eq!(
            (status, err["error"].as_str()),
            (403, Some("forbidden")),
            "{login}"
        );
        let (status, _) = app
            .post(
                &app.token(login),
                &format!("/api/v1/tickets/{id}/resume"),
                &json!({}),
            )
            .await;
        assert_eq!(status, 403, "{login}");
    }
    // Another dealer's agent does not see the ticket at all.
    let (status, err) = app.post(&app.token("nb.agent"), &path, &body).await;
    assert_eq!((status, err["error"].as_str()), (404, Some("not_found")));
    assert_eq!(app.count("ticket_pauses"), 0);

    // The reason is a code; "other" needs a note.
    let agent = app.token("hz.agent");
    let (status, err) = app.post(&agent, &path, &json!({"reason": "lunch"})).await;
    assert_eq!(status, 400);
    assert!(err["fields"]["reason"].is_string(), "{err}");
    let (status, err) = app.post(&agent, &path, &json!({"reason": "other"})).await;
    assert_eq!(status, 400);
    assert!(err["fields"]["note"].is_string(), "{err}");
    let (status, _) = app
        .post(
            &agent,
            &path,
            &json!({"reason": "other", "note": "客户在开会"}),
        )
        .await;
    assert_eq!(status, 200);

    // The refusal in the client's language.
    let res = app
        .client
        .post(app.url(&path))
        .bearer_auth(&agent)
        .header("accept-language", "en")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 409);
    let err: Value = res.json().await.unwrap();
    assert_eq!(
        err["message"],
        "This ticket's clock is already paused; resume it first."
    );
}

both!(pausing_can_be_switched_off, disabled_body);
async fn disabled_body(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.sla.pause_allowed = false).await;
    let id = app.new_ticket().await;
    let (status, err) = app
        .post(
            &app.token("hz.manager"),
            &format!("/api/v1/tickets/{id}/pause"),
            &json!({"reason": "customer_asked_to_wait"}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (409, Some("pause_disabled"))
    );
}

both!(a_finished_rescue_has_no_clock_to_pause, finished_body);
async fn finished_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.new_ticket().await;
    let agent = app.token("hz.agent");
    let (status, _) = app
        .post(
            &agent,
            &format!("/api/v1/tickets/{id}/cancel"),
            &json!({"reason": "客户自行解决"}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, detail) = app.get_json(&agent, &format!("/api/v1/tickets/{id}")).await;
    assert!(detail["promise"].is_null(), "{detail}");
    let (status, err) = app
        .post(
            &agent,
            &format!("/api/v1/tickets/{id}/pause"),
            &json!({"reason": "customer_asked_to_wait"}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (409, Some("invalid_transition"))
    );
}

both!(the_ticket_page_shows_the_next_promise, page_body);
async fn page_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Level 2, called 100 of its 120 minutes ago: nearly due, about 20 minutes left.
    let warned = ticket(&app, 2, 100).await;
    // Level 3, called 300 of its 240 minutes ago: an hour late.
    let late = ticket(&app, 3, 300).await;
    let manager = crate::pages::signed_in(&app, "hz.manager").await;
    let page = |id: &Value| format!("/tickets/{}", id["id"].as_str().unwrap());

    manager.get(app.url("/lang/en")).send().await.unwrap();
    let en = crate::helpers::page_text(&manager, &app, &page(&warned)).await;
    assert!(
        en.contains(r#"data-testid="promise" data-state="warning""#),
        "{en}"
    );
    assert!(en.contains("Nearly due"), "the state in words");
    assert!(
        en.contains("Response started (plan submitted)"),
        "the stage"
    );
    assert!(
        en.contains("20 min left") || en.contains("19 min left"),
        "the time left"
    );
    let en_late = crate::helpers::page_text(&manager, &app, &page(&late)).await;
    assert!(en_late.contains(r#"data-state="breached""#));
    assert!(
        en_late.contains("1 h late") || en_late.contains("1 h 1 min late"),
        "{en_late}"
    );

    manager.get(app.url("/lang/zh-CN")).send().await.unwrap();
    let zh = crate::helpers::page_text(&manager, &app, &page(&late)).await;
    assert!(
        zh.contains("已超时 1 小时"),
        "the Chinese page says it in Chinese"
    );
    assert!(!zh.contains(" late"), "and not in English");

    // The intake form offers each level with the response it promises, from `[sla]`.
    let agent = crate::pages::signed_in(&app, "hz.agent").await;
    let form = crate::helpers::page_text(&agent, &app, "/tickets/new").await;
    assert!(form.contains("30 分钟内响应"), "level 1: 30 minutes");
    assert!(form.contains("4 小时内响应"), "level 3: 240 minutes");
    agent.get(app.url("/lang/en")).send().await.unwrap();
    let form = crate::helpers::page_text(&agent, &app, "/tickets/new").await;
    assert!(
        form.contains("Level 2 (serious) · respond within 2 h"),
        "{form}"
    );
}
