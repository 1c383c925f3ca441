//! Links are capabilities: staff reading a ticket or the outbox see that a job or status link was
//! sent, to whom and when, never a working code; only the demo's viewer shows it, to admins and
//! service managers. An action through a link names the link's id in the audit trail.

use diesel::prelude::*;
use serde_json::Value;

use crate::both;
use crate::helpers::{page_text, Backend, TestApp};
use crate::links::{approved, code_in, message_to};
use crate::pages::signed_in;

/// Every link code stored for the app's tickets.
fn all_codes(app: &TestApp) -> Vec<String> {
    app.db
        .read_blocking(|conn| {
            use rescuedesk::db::schema::links;
            Ok(links::table.select(links::code).load::<String>(conn)?)
        })
        .unwrap()
}

fn assert_no_code(what: &str, text: &str, codes: &[String]) {
    for c in codes {
        assert!(
            !text.contains(c.as_str()),
            "{what} leaks link code {c}: {text}"
        );
    }
}

both!(
    staff_never_read_link_codes,
    staff_never_read_link_codes_body
);
async fn staff_never_read_link_codes_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = approved(&app).await;
    let codes = all_codes(&app);
    assert!(codes.len() >= 2, "the dispatch wrote job links: {codes:?}");
    let agent = app.token("hz.agent");

    // The ticket, as the call agent: the dispatch is listed, to whom and when, its code hidden.
    let (status, d) = app.get_json(&agent, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(status, 200);
    assert_no_code("ticket detail", &d.to_string(), &codes);
    let dispatch: Vec<&Value> = d["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["template"] == "technician_dispatch")
        .collect();
    assert!(!dispatch.is_empty(), "{d}");
    for m in &dispatch {
        assert!(
            m["body_text"].as_str().unwrap().contains("/j/••••••"),
            "{m}"
        );
        assert!(m["created_at"].as_str().unwrap().ends_with('Z'), "{m}");
        assert!(!m["recipient"].as_str().unwrap().is_empty(), "{m}");
    }

    // The outbox, as the call agent: hidden in the API and on the page.
    let (status, o) = app.get_json(&agent, "/api/v1/outbox?per_page=200").await;
    assert_eq!(status, 200);
    assert_no_code("agent's outbox", &o.to_string(), &codes);
    assert!(o["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["links_hidden"] == true));
    let html = page_text(
        &signed_in(&app, "hz.agent").await,
        &app,
        "/outbox?per_page=200",
    )
    .await;
    assert_no_code("agent's outbox page", &html, &codes);
    assert!(html.contains("links-hidden"), "the page says why");

    // The director reads the outbox too, and gets no working code either.
    let (_, o) = app
        .get_json(&app.token("hz.director"), "/api/v1/outbox?per_page=200")
        .await;
    assert_no_code("director's outbox", &o.to_string(), &codes);

    // In the demo's viewer mode (no provider configured) the manager reads the full text.
    let (_, o) = app
        .get_json(&app.token("hz.manager"), "/api/v1/outbox?per_page=200")
        .await;
    let lead_code = code_in(&message_to(&app, "technician_dispatch", "13900000001"), 'j');
    assert!(o.to_string().contains(&lead_code), "{o}");
}

both!(
    configured_provider_hides_codes_from_managers,
    configured_provider_body
);
async fn configured_provider_body(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.sms.provider = rescuedesk::config::SmsProviderKind::Webhook;
        s.sms.webhook_url = "http://127.0.0.1:9/sms".into();
        s.sms.webhook_secret = "s3cret".into();
    })
    .await;
    approved(&app).await;
    let codes = all_codes(&app);
    let (_, o) = app
        .get_json(&app.token("hz.manager"), "/api/v1/outbox?per_page=200")
        .await;
    let items = o["items"].as_array().unwrap();
    let sms: Vec<&Value> = items.iter().filter(|m| m["channel"] == "sms").collect();
    assert!(!sms.is_empty(), "{o}");
    for m in sms {
        assert_eq!(m["links_hidden"], true, "SMS goes to a real provider: {m}");
        assert_no_code("manager's SMS", &m.to_string(), &codes);
    }
    // E-mail still ends in the viewer (no SMTP configured): the manager reads it whole.
    let mail = message_to(&app, "technician_dispatch", "@test.cn");
    assert!(o.to_string().contains(&code_in(&mail, 'j')), "{o}");
}

both!(link_actions_name_the_link, link_actions_name_the_link_body);
async fn link_actions_name_the_link_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = approved(&app).await;
    let code = code_in(&message_to(&app, "technician_dispatch", "13900000001"), 'j');
    let res = app
        .client
        .post(app.url(&format!("/j/{code}/act/ack")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let nonce = {
        let code = code.clone();
        app.db
            .read_blocking(move |conn| {
                use rescuedesk::db::schema::links;
                Ok(links::table
                    .filter(links::code.eq(code))
                    .select(links::nonce)
                    .first::<String>(conn)?)
            })
            .unwrap()
    };
    let data: Vec<String> = {
        let id = id.clone();
        app.db
            .read_blocking(move |conn| {
                use rescuedesk::db::schema::audit_events;
                Ok(audit_events::table
                    .filter(audit_events::ticket_id.eq(id))
                    .filter(audit_events::action.eq("crew.acknowledged"))
                    .select(audit_events::data)
                    .load::<Option<String>>(conn)?
                    .into_iter()
                    .flatten()
                    .collect())
            })
            .unwrap()
    };
    assert_eq!(data.len(), 1, "{data:?}");
    let ack: Value = serde_json::from_str(&data[0]).unwrap();
    assert_eq!(ack["via"], "link", "{ack}");
    assert_eq!(ack["link_id"], nonce.as_str(), "{ack}");
    assert!(!data[0].contains(&code), "the audit never carries the code");
    let (_, d) = app
        .get_json(&app.token("hz.agent"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_ne!(nonce, code);
    assert!(
        !d.to_string().contains(&code),
        "the audit never carries the code"
    );
}
