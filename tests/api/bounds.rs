//! Inputs are bounded: an oversized search is a 400 (never a 500 from the database), a page past
//! the end is empty, and the API reads JSON bodies only when they say they are JSON.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, Backend, TestApp};
use crate::pages::signed_in;

both!(oversized_searches_are_refused, oversized_searches_body);
async fn oversized_searches_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.workshop");
    let long = "蓄".repeat(5_000);
    let (status, err) = app
        .get_json(&token, &format!("/api/v1/parts?q={long}"))
        .await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["error"], "validation_failed");
    assert!(err["fields"]["q"].as_str().unwrap().contains("64"), "{err}");
    // At the limit it still searches.
    let (status, hits) = app.get_json(&token, "/api/v1/parts?q=蓄电池").await;
    assert_eq!(status, 200, "{hits}");
    assert!(!hits.as_array().unwrap().is_empty());
    // `%` is not a wildcard that matches the whole catalogue.
    let (status, hits) = app.get_json(&token, "/api/v1/parts?q=%25%25%25").await;
    assert_eq!(status, 400, "{hits}");

    // The plan editor's search answers the same way.
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &intake_body())
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().unwrap();
    let web = signed_in(&app, "hz.workshop").await;
    let res = web
        .get(app.url(&format!("/tickets/{id}/plan/parts?q={long}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let res = web
        .get(app.url(&format!("/tickets/{id}/plan/parts?q=蓄电池")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);

    // Ticket list filters.
    let (status, err) = app
        .get_json(
            &app.token("hz.agent"),
            &format!("/api/v1/tickets?plate={}", "浙".repeat(1_000)),
        )
        .await;
    assert_eq!(status, 400, "{err}");
    assert!(err["fields"]["plate"].is_string(), "{err}");
}

both!(pages_past_the_end_are_empty, pages_past_the_end_body);
async fn pages_past_the_end_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let agent = app.token("hz.agent");
    for _ in 0..3 {
        assert_eq!(app.post_ticket(&agent, &intake_body()).await.status(), 201);
    }
    let (_, first) = app.get_json(&agent, "/api/v1/tickets?per_page=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    for page in ["2", "3", "1000", "9223372036854775807"] {
        let (status, p) = app
            .get_json(&agent, &format!("/api/v1/tickets?per_page=2&page={page}"))
            .await;
        assert_eq!(status, 200, "page {page}: {p}");
        let expected = if page == "2" { 1 } else { 0 };
        assert_eq!(
            p["items"].as_array().unwrap().len(),
            expected,
            "page {page}: {p}"
        );
        assert_eq!(p["total"], 3);
    }
    let (status, p) = app
        .get_json(
            &app.token("hz.manager"),
            "/api/v1/outbox?per_page=200&page=9223372036854775807",
        )
        .await;
    assert_eq!(status, 200, "{p}");
    assert!(p["items"].as_array().unwrap().is_empty(), "{p}");
}

both!(json_bodies_must_say_so, json_bodies_must_say_so_body);
async fn json_bodies_must_say_so_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let body = intake_body().to_string();
    for media in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("text/csv"),
        None,
    ] {
        let mut req = app
            .client
            .post(app.url("/api/v1/tickets"))
            .bearer_auth(&token)
            .body(body.clone());
        if let Some(m) = media {
            req = req.header("content-type", m);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status().as_u16(), 415, "{media:?}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"], "unsupported_media_type", "{err}");
        assert!(err["message"]
            .as_str()
            .unwrap()
            .contains("application/json"));
    }
    assert_eq!(app.count("tickets"), 0, "nothing was written");
    let res = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(&token)
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    // A step without a body needs no type.
    let (status, _) = app
        .post(
            &app.token("hz.admin"),
            "/api/v1/outbox/none/retry",
            &json!(null),
        )
        .await;
    assert_ne!(status, 415);
    // Imports take CSV, and only CSV.
    let res = app
        .client
        .post(app.url("/api/v1/imports/stock"))
        .bearer_auth(app.token("hz.admin"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 415);
}
