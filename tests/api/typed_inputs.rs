//! Typed inputs of the services: ids parsed once at the edge (a page answers a malformed id with
//! its "not found"), closed sets of values as enums, times parsed once, and the texts the system
//! stores drawn in the reader's language next to their stable code.

use crate::both;
use crate::helpers::{page_text, Backend, TestApp};
use crate::pages::{csrf_of, signed_in};

// A page answers a malformed ticket id like an unknown one: a 404 page, never a 500.
both!(
    a_malformed_id_on_a_page_is_not_found,
    malformed_page_id_body
);
async fn malformed_page_id_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let lead = signed_in(&app, "hz.workshop").await;
    for path in [
        "/tickets/not-an-id",
        "/tickets/42/plan",
        "/tickets/x/parts",
        "/jobs/x",
    ] {
        let res = lead.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 404, "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains("not_found"), "{path}: {html}");
    }
    // Form posts (with a good CSRF token) the same way.
    let csrf = csrf_of(&page_text(&lead, &app, "/tickets").await);
    for path in [
        "/tickets/x/act/close",
        "/tickets/x/plan",
        "/tickets/x/plan/preview",
        "/tickets/x/parts/act/propose",
    ] {
        let res = lead
            .post(app.url(path))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 404, "{path}");
    }
    // A malformed message id on the outbox page's retry, and a malformed order id on the parts
    // desk: the unknown message or order they are.
    let admin = signed_in(&app, "hz.admin").await;
    let csrf = csrf_of(&page_text(&admin, &app, "/outbox").await);
    let res = admin
        .post(app.url("/outbox/none/retry"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let parts = signed_in(&app, "hz.parts").await;
    let csrf = csrf_of(&page_text(&parts, &app, "/parts").await);
    let res = parts
        .post(app.url("/parts/outgoing/x/ship"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    // The API keeps naming the segment (`400`), its clients send the ids they were given.
    let (status, err) = app
        .post(
            &app.token("hz.manager"),
            "/api/v1/tickets/x/close",
            &serde_json::json!(null),
        )
        .await;
    assert_eq!(status, 400, "{err}");
    assert!(err["fields"]["id"].is_string(), "{err}");
}
