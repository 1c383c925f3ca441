//! Links without passwords: the technician's job link moves the ticket without a sign-in; the customer's
//! status link shows the rescue and takes a shared location; tampered, expired and revoked links get a clear page.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, plan_body, Backend, TestApp};

/// The link code in a message body: `…/j/CODE` or `…/s/CODE`.
pub(crate) fn code_in(text: &str, kind: char) -> String {
    let marker = format!("/{kind}/");
    let at = text
        .find(&marker)
        .unwrap_or_else(|| panic!("no /{kind}/ link in {text}"))
        + marker.len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

pub(crate) async fn approved(app: &TestApp) -> String {
    approved_with(app, &intake_body(), &plan_body()).await
}

/// A ticket from `intake` with `plan`, taken through review, consent and approval.
pub(crate) async fn approved_with(app: &TestApp, intake: &Value, plan: &Value) -> String {
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), intake)
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().unwrap().to_owned();
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    assert_eq!(
        app.put(&app.token("hz.workshop"), &p("/plan"), plan)
            .await
            .0,
        200
    );
    for (who, path, body) in [
        ("hz.workshop", "/plan/submit", json!({"version": 1})),
        ("hz.manager", "/review", json!({"decision": "accept"})),
        (
            "hz.manager",
            "/consent",
            json!({"plan_version": 1, "agreed": true}),
        ),
        (
            "hz.director",
            "/approval",
            json!({"plan_version": 1, "decision": "approve"}),
        ),
    ] {
        let (status, res) = app.post(&app.token(who), &p(path), &body).await;
        assert_eq!(status, 200, "{path}: {res}");
    }
    id
}

pub(crate) fn message_to(
    app: &TestApp,
    template: &'static str,
    recipient_contains: &'static str,
) -> String {
    app.db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::outbox;
            Ok(outbox::table
                .filter(outbox::template.eq(template))
                .filter(outbox::recipient.like(format!("%{recipient_contains}%")))
                .select(outbox::body_text)
                .first::<String>(conn)?)
        })
        .unwrap()
}

both!(job_links_work_without_signing_in, job_link_body);
async fn job_link_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = approved(&app).await;
    // 周师傅 gets an SMS; 吴师傅 (no sign-in of his own) an e-mail: both carry a job link.
    let sms = message_to(&app, "technician_dispatch", "13900000001");
    let mail = message_to(&app, "technician_dispatch", "@test.cn");
    let (lead_code, wu_code) = (code_in(&sms, 'j'), code_in(&mail, 'j'));
    assert_eq!(lead_code.len(), 16, "short enough for an SMS");
    assert!(sms.chars().count() < 400, "{sms}");

    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = anon
        .get(app.url(&format!("/j/{wu_code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    // 吴师傅 is on the crew but not its lead: he acknowledges, and departure is not his to mark.
    assert!(
        html.contains("id=\"ack\"") && !html.contains("id=\"depart\""),
        "{html}"
    );
    let res = anon
        .post(app.url(&format!("/j/{wu_code}/act/depart")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403, "only the lead departs");
    let (_, d) = app
        .get_json(&app.token("hz.agent"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(d["status"], "approved", "nothing moved");
    let lead_page = page_text(&anon, &app, &format!("/j/{lead_code}")).await;
    assert!(lead_page.contains("id=\"depart\""), "{lead_page}");
    for (code, step) in [
        (&wu_code, "ack"),
        (&lead_code, "depart"),
        (&wu_code, "arrive"),
    ] {
        let res = anon
            .post(app.url(&format!("/j/{code}/act/{step}")))
            .form(&[("work_done", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303, "{step}");
        assert_eq!(
            res.headers()["location"].to_str().unwrap(),
            format!("/j/{code}")
        );
    }
    let (_, d) = app
        .get_json(&app.token("hz.agent"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(d["status"], "on_site");
    // Only the crew's steps are routed under the link.
    let res = anon
        .post(app.url(&format!("/j/{wu_code}/act/nonsense")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    // A step out of order shows the refusal on the job page.
    let res = anon
        .post(app.url(&format!("/j/{lead_code}/act/depart")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 409);
    assert!(res.text().await.unwrap().contains("alert-error"));

    // Tampered, unknown, wrong page, expired, revoked: a clear page each time.
    let mut tampered = lead_code.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for (path, status) in [
        (format!("/j/{tampered}"), 404),
        (format!("/s/{lead_code}"), 404),
        ("/j/not-a-code".to_owned(), 404),
    ] {
        let res = anon.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{path}");
        assert!(
            res.text().await.unwrap().contains("id=\"link-error\""),
            "{path}"
        );
    }
    let wu = wu_code.clone();
    app.db
        .write_blocking(move |conn| {
            use rescuedesk::db::schema::links;
            diesel::update(links::table.filter(links::code.eq(&wu)))
                .set(links::expires_at.eq(rescuedesk::repo::now() - chrono::Duration::minutes(1)))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
    // The expiry is signed: a stored link edited by hand (here, its expiry) no longer
    // matches its code. Expiry itself is covered by auth::links' unit tests.
    let res = anon
        .get(app.url(&format!("/j/{wu_code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403, "edited row");
    let (ticket, lead) = (id.clone(), "hz-t1");
    app.db
        .write_blocking(move |conn| rescuedesk::repo::links::revoke(conn, &ticket, lead))
        .unwrap();
    let res = anon
        .post(app.url(&format!("/j/{lead_code}/act/resolve")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 410, "revoked");
    let (_, d) = app
        .get_json(&app.token("hz.agent"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(d["status"], "on_site", "nothing moved through dead links");
}

both!(customer_status_link_and_location, status_link_body);
async fn status_link_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = approved(&app).await;
    let (status, _) = app
        .post(
            &app.token("hz.tech"),
            &format!("/api/v1/tickets/{id}/depart"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let sms = message_to(&app, "customer_crew_departed", "13812345678");
    assert!(
        sms.contains("hz周师傅") && sms.contains("13900000001"),
        "lead's name and phone: {sms}"
    );
    let segments = rescuedesk::notify::segments::segments(&sms);
    assert!(segments.parts <= 3, "{} parts: {sms}", segments.parts);
    let code = code_in(&sms, 's');
    let anon = reqwest::Client::new();
    let html = page_text(&anon, &app, &format!("/s/{code}")).await;
    assert!(
        html.contains("data-status=\"dispatched\"")
            && html.contains("hz周师傅")
            && html.contains("id=\"share-location\"")
    );
    let res = anon
        .post(app.url(&format!("/s/{code}/location")))
        .json(&json!({"lat": 30.2801, "lon": 120.1602, "accuracy": 12.5}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let res = anon
        .post(app.url(&format!("/s/{code}/location")))
        .json(&json!({"lat": 95.0, "lon": 120.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let res = anon
        .post(app.url("/s/forged-code-000/location"))
        .json(&json!({"lat": 30.0, "lon": 120.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let (_, d) = app
        .get_json(&app.token("hz.agent"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(d["shared_location"]["lat"], 30.2801);
    assert_eq!(d["shared_location"]["accuracy_m"], 12.5);
    assert!(d["audit"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "customer.location_shared"));
    // The agent's ticket page shows it, also when no step waits on the agent (the crew is out).
    let agent = crate::pages::signed_in(&app, "hz.agent").await;
    let html = page_text(&agent, &app, &format!("/tickets/{id}")).await;
    assert!(
        html.contains(r#"id="shared-location""#) && html.contains("30.280100, 120.160200"),
        "{html}"
    );
}

both!(messages_follow_the_recipients_language, language_body);
async fn language_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.db
        .write_blocking(|conn| {
            use rescuedesk::db::schema::users;
            diesel::update(users::table.filter(users::login.eq("hz.director")))
                .set(users::locale.eq("en"))
                .execute(conn)?;
            diesel::update(users::table.filter(users::login.eq("hz.director")))
                .set(users::phone.eq("13911110000"))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
    approved(&app).await;
    let director = message_to(&app, "plan_approval", "13911110000");
    assert!(
        director.is_ascii() || !director.contains("审批"),
        "English for an English-speaking director: {director}"
    );
    let manager = message_to(&app, "plan_review", "13900001111");
    assert!(
        manager.contains("救援"),
        "Chinese for the others: {manager}"
    );
}
