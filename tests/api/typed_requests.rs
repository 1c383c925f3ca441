//! Typed request values: a bad status filter, a malformed id or a time that is not RFC 3339 is a
//! `validation_failed` error naming the field, from the extractor, before any service runs.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{Backend, TestApp};

fn field_error(status: u16, err: &Value, field: &str) {
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["error"], "validation_failed", "{err}");
    assert!(err["fields"][field].is_string(), "{field}: {err}");
}

both!(a_bad_status_filter_is_a_field_error, status_filter_body);
async fn status_filter_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let agent = app.token("hz.agent");
    app.new_ticket().await;
    let (status, err) = app.get_json(&agent, "/api/v1/tickets?status=done").await;
    field_error(status, &err, "status");
    assert!(
        err["fields"]["status"].as_str().unwrap().contains("done"),
        "{err}"
    );
    // A status is a name, not a number or a pattern; an empty filter is no filter.
    let (status, err) = app.get_json(&agent, "/api/v1/tickets?status=NEW").await;
    field_error(status, &err, "status");
    let (status, page) = app.get_json(&agent, "/api/v1/tickets?status=").await;
    assert_eq!((status, page["total"].as_i64()), (200, Some(1)), "{page}");
    let (status, page) = app.get_json(&agent, "/api/v1/tickets?status=new").await;
    assert_eq!((status, page["total"].as_i64()), (200, Some(1)), "{page}");
    // A number that does not read names its parameter too.
    let (status, err) = app.get_json(&agent, "/api/v1/tickets?page=abc").await;
    field_error(status, &err, "page");
}

both!(a_malformed_id_is_a_field_error, malformed_id_body);
async fn malformed_id_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let agent = app.token("hz.agent");
    for path in [
        "/api/v1/tickets/not-an-id",
        "/api/v1/tickets/42/plan",
        "/api/v1/tickets/x/timeline",
    ] {
        let (status, err) = app.get_json(&agent, path).await;
        field_error(status, &err, "id");
    }
    let (status, err) = app
        .post(
            &app.token("hz.parts"),
            "/api/v1/sourcing-orders/x/receive",
            &json!({}),
        )
        .await;
    field_error(status, &err, "id");
    let (status, err) = app
        .post(
            &app.token("hz.admin"),
            "/api/v1/outbox/none/retry",
            &json!(null),
        )
        .await;
    field_error(status, &err, "id");
    // An id of the right shape that names nothing is still "not found".
    let nobody = uuid::Uuid::now_v7();
    let (status, err) = app
        .get_json(&agent, &format!("/api/v1/tickets/{nobody}"))
        .await;
    assert_eq!(status, 404, "{err}");
    assert_eq!(err["error"], "not_found");
    // Without a token the refusal comes first, whatever the id.
    let res = app
        .client
        .get(app.url("/api/v1/tickets/not-an-id"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
}

both!(a_bad_expected_arrival_is_a_field_error, arrival_body);
async fn arrival_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.new_ticket().await;
    let (status, err) = app
        .post(
            &app.token("hz.tech"),
            &format!("/api/v1/tickets/{id}/depart"),
            &json!({"expected_arrival_at": "tomorrow at nine"}),
        )
        .await;
    field_error(status, &err, "expected_arrival_at");
    let (status, err) = app
        .post(
            &app.token("hz.manager"),
            &format!("/api/v1/tickets/{id}/consent"),
            &json!({"plan_version": 1, "agreed": true, "expected_arrival_at": "2026-11-22 09:30"}),
        )
        .await;
    field_error(status, &err, "expected_arrival_at");
    // In English: a value of the wrong type, and the field's own words.
    let (status, err) = depart_in_english(&app, &id, json!({"expected_arrival_at": 42})).await;
    field_error(status, &err, "expected_arrival_at");
    let (status, err) = depart_in_english(&app, &id, json!({"expected_arrival_at": "soon"})).await;
    field_error(status, &err, "expected_arrival_at");
    assert_eq!(
        err["fields"]["expected_arrival_at"], "Use RFC 3339",
        "{err}"
    );
}

async fn depart_in_english(app: &TestApp, id: &str, body: Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/tickets/{id}/depart")))
        .bearer_auth(app.token("hz.tech"))
        .header("accept-language", "en")
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}
