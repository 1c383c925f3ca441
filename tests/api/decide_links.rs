//! One-tap decision links: the service manager's and director's SMS carry a link for that
//! person, that ticket and that plan version, which opens a phone page with the one step that
//! waits on them (accept, consent, approve) — the same checks as the ticket page, the link's id
//! in the audit.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{own_phones, plan_body, Backend, TestApp, DIRECTOR_PHONE, MANAGER_PHONE};
use crate::links::code_in;

/// The code of the newest `template` SMS to `phone`.
fn link_to(app: &TestApp, template: &'static str, phone: &'static str) -> String {
    let body: String = app
        .db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::outbox;
            Ok(outbox::table
                .filter(outbox::template.eq(template))
                .filter(outbox::recipient.eq(phone))
                .order(outbox::created_at.desc())
                .select(outbox::body_text)
                .first(conn)?)
        })
        .unwrap();
    code_in(&body, 'a')
}

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn tap(app: &TestApp, code: &str, step: &str) -> (u16, String) {
    let res = app
        .client
        .post(app.url(&format!("/a/{code}/act/{step}")))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = res.text().await.unwrap();
    (status, location.unwrap_or(body))
}

async fn status_of(app: &TestApp, id: &str) -> String {
    let (_, t) = app
        .get_json(&app.token("hz.manager"), &format!("/api/v1/tickets/{id}"))
        .await;
    t["status"].as_str().unwrap().to_owned()
}

/// A new ticket with plan version 1 submitted by the workshop lead.
async fn submitted(app: &TestApp) -> String {
    let id = app.new_ticket().await;
    let lead = app.token("hz.workshop");
    let (status, plan) = app
        .put(&lead, &format!("/api/v1/tickets/{id}/plan"), &plan_body())
        .await;
    assert_eq!(status, 200, "{plan}");
    let (status, plan) = app
        .post(
            &lead,
            &format!("/api/v1/tickets/{id}/plan/submit"),
            &json!({"version": 1}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    id
}

/// The data of the ticket's audit events with this action.
fn audit_data(app: &TestApp, id: &str, action: &'static str) -> Vec<Value> {
    let id = id.to_owned();
    let rows: Vec<Option<String>> = app
        .db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::audit_events;
            Ok(audit_events::table
                .filter(audit_events::ticket_id.eq(id))
                .filter(audit_events::action.eq(action))
                .select(audit_events::data)
                .load(conn)?)
        })
        .unwrap();
    rows.into_iter()
        .map(|d| serde_json::from_str(&d.unwrap_or_default()).unwrap_or(Value::Null))
        .collect()
}

both!(the_approval_chain_runs_from_the_sms, chain_body);
async fn chain_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    own_phones(&app);
    let id = submitted(&app).await;

    // The manager's review SMS opens the page with one step: accept.
    let review = link_to(&app, "plan_review", MANAGER_PHONE);
    let (status, html) = page(&app, &format!("/a/{review}")).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"data-step="accept""#), "{html}");
    assert!(html.contains("审核通过"), "{html}");
    assert!(html.contains("救援方案 第 1 版"));
    let (status, to) = tap(&app, &review, "accept").await;
    assert_eq!(
        (status, to.as_str()),
        (303, format!("/a/{review}").as_str())
    );
    assert_eq!(status_of(&app, &id).await, "awaiting_customer_consent");
    let data = audit_data(&app, &id, "review.accepted");
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["via"], "link", "{data:?}");
    assert!(data[0]["link_id"].as_str().is_some_and(|l| l.len() == 16));
    // The same person and version: the page goes on to the next step that waits on them (the
    // consent call); accepting again changes nothing.
    let (_, html) = page(&app, &format!("/a/{review}")).await;
    assert!(html.contains(r#"data-step="consent""#), "{html}");
    let (status, _) = tap(&app, &review, "accept").await;
    assert_eq!(status, 409);
    assert_eq!(status_of(&app, &id).await, "awaiting_customer_consent");

    // Consent, from the consent-call SMS.
    let consent = link_to(&app, "consent_call", MANAGER_PHONE);
    let (_, html) = page(&app, &format!("/a/{consent}")).await;
    assert!(html.contains(r#"data-step="consent""#), "{html}");
    assert!(
        html.contains(r#"data-testid="decide-arrival""#),
        "what to tell: {html}"
    );
    let (status, _) = tap(&app, &consent, "consent").await;
    assert_eq!(status, 303);
    assert_eq!(status_of(&app, &id).await, "awaiting_director");

    // The director approves from theirs; the crew is dispatched.
    let approve = link_to(&app, "plan_approval", DIRECTOR_PHONE);
    let res = app
        .client
        .get(app.url(&format!("/a/{approve}")))
        .header("Cookie", "rd_lang=en")
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("Approve and dispatch"), "{html}");
    assert!(!html.contains("批准并派工"), "one language at a time");
    let (status, _) = tap(&app, &approve, "approve").await;
    assert_eq!(status, 303);
    assert_eq!(status_of(&app, &id).await, "approved");
    // The crew is dispatched by the approval: the lead's SMS carries their job link.
    let dispatch = crate::links::message_to(&app, "technician_dispatch", "13900000001");
    assert_eq!(code_in(&dispatch, 'j').len(), 16, "{dispatch}");
    // Nothing waits on the manager any more: their link says so and offers no button.
    let (_, html) = page(&app, &format!("/a/{review}")).await;
    assert!(html.contains("此步骤已处理"), "{html}");
    assert!(!html.contains(r#"action="/a/"#), "{html}");
    let data = audit_data(&app, &id, "approval.approved");
    assert_eq!(data[0]["via"], "link", "{data:?}");

    // A manager reading the outbox (the demo's viewer shows them job and status links) sees that
    // decision links were sent, never a code that works.
    let (_, outbox) = app
        .get_json(&app.token("hz.manager"), "/api/v1/outbox")
        .await;
    let text = outbox.to_string();
    assert!(
        !text.contains(&approve) && !text.contains(&review),
        "{text}"
    );
    assert!(text.contains("/a/••••••"), "{text}");
    // The demo's viewer stands in for the phones: there the admin may follow it.
    let (_, outbox) = app.get_json(&app.token("hz.admin"), "/api/v1/outbox").await;
    assert!(outbox.to_string().contains(&approve), "{outbox}");
}

both!(a_link_is_for_its_person_step_and_version, scope_body);
async fn scope_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    own_phones(&app);
    let id = submitted(&app).await;
    let review = link_to(&app, "plan_review", MANAGER_PHONE);

    // The manager's link cannot approve: the role check of the ticket page refuses it.
    let (status, html) = tap(&app, &review, "approve").await;
    assert_eq!(status, 403, "{html}");
    assert!(html.contains("role=\"alert\""), "{html}");
    assert_eq!(status_of(&app, &id).await, "awaiting_manager_review");

    // A new version voids the link of the old one.
    let lead = app.token("hz.workshop");
    let (_, plan) = app
        .put(&lead, &format!("/api/v1/tickets/{id}/plan"), &plan_body())
        .await;
    assert_eq!(plan["version"], 2, "{plan}");
    let (status, _) = app
        .post(
            &lead,
            &format!("/api/v1/tickets/{id}/plan/submit"),
            &json!({"version": 2}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, html) = page(&app, &format!("/a/{review}")).await;
    assert!(html.contains("此链接对应方案第 1 版"), "{html}");
    assert!(
        !html.contains(r#"action="/a/"#),
        "no button on a stale link: {html}"
    );
    let (status, _) = tap(&app, &review, "accept").await;
    assert_eq!(status, 409, "version 1's link accepts nothing");
    assert_eq!(status_of(&app, &id).await, "awaiting_manager_review");
    let fresh = link_to(&app, "plan_review", MANAGER_PHONE);
    assert_ne!(fresh, review);

    // A user deactivated since the SMS: the link is gone.
    app.db
        .write_blocking(|conn| {
            use rescuedesk::db::schema::users;
            diesel::update(users::table.filter(users::login.eq("hz.manager")))
                .set(users::active.eq(false))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
    let (status, _) = page(&app, &format!("/a/{fresh}")).await;
    assert_eq!(status, 410);
    let (status, _) = tap(&app, &fresh, "accept").await;
    assert_eq!(status, 410);

    // Made-up and malformed codes.
    for code in ["AAAAAAAAAAAAAAAA", "short", "%%%%"] {
        let (status, _) = page(&app, &format!("/a/{code}")).await;
        assert!(status == 404 || status == 403, "{code}: {status}");
    }
    // A step that does not exist is no route.
    let (status, _) = tap(&app, "AAAAAAAAAAAAAAAA", "nonsense").await;
    assert_eq!(status, 404);
}
