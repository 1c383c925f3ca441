//! The ticket list (filters, paging) and the vehicle history endpoint.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, Backend, TestApp, KNOWN_PLATE};

both!(filters_and_paging, filters_body);
async fn filters_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    for (plate, phone) in [
        ("浙A11111", "13800000001"),
        ("浙A22222", "13800000002"),
        ("浙B33333", "0574-87654321"),
    ] {
        let mut body = intake_body();
        body["plate"] = json!(plate);
        body["phone"] = json!(phone);
        assert_eq!(app.post_ticket(&token, &body).await.status().as_u16(), 201);
    }
    let (status, page) = app.get_json(&token, "/api/v1/tickets?per_page=2").await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 3);
    assert_eq!(page["per_page"], 2);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["plate"], "浙B33333", "newest call first");
    let (_, page2) = app
        .get_json(&token, "/api/v1/tickets?per_page=2&page=2")
        .await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert_eq!(page2["items"][0]["plate"], "浙A11111");

    // Plates and phones are matched as intake normalises them.
    let (_, by_plate) = app
        .get_json(&token, "/api/v1/tickets?plate=%E6%B5%99a%2022222")
        .await;
    assert_eq!(by_plate["total"], 1, "{by_plate}");
    assert_eq!(by_plate["items"][0]["plate"], "浙A22222");
    let (_, by_phone) = app
        .get_json(&token, "/api/v1/tickets?phone=0574%2087654321")
        .await;
    assert_eq!(by_phone["total"], 1);
    let (_, by_status) = app.get_json(&token, "/api/v1/tickets?status=new").await;
    assert_eq!(by_status["total"], 3);
    let (_, none) = app.get_json(&token, "/api/v1/tickets?status=closed").await;
    assert_eq!(none["total"], 0);
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let (_, range) = app
        .get_json(&token, &format!("/api/v1/tickets?from={today}&to={today}"))
        .await;
    assert_eq!(range["total"], 3);
    let tomorrow = today.succ_opt().unwrap();
    let (_, future) = app
        .get_json(&token, &format!("/api/v1/tickets?from={tomorrow}"))
        .await;
    assert_eq!(future["total"], 0);

    for (query, field) in [
        ("status=done", "status"),
        ("from=yesterday", "from"),
        ("per_page=1000", "per_page"),
        ("page=0", "page"),
    ] {
        let (status, err) = app
            .get_json(&token, &format!("/api/v1/tickets?{query}"))
            .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(err["error"], "validation_failed");
        assert!(err["fields"][field].is_string(), "{query}: {err}");
    }
    let (status, err) = app.get_json(&token, "/api/v1/tickets?page=abc").await;
    assert_eq!(status, 400);
    assert_eq!(err["error"], "validation_failed");
}

both!(vehicle_history_by_plate, history_body);
async fn history_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let (status, h) = app
        .get_json(&token, "/api/v1/vehicles/%E6%B5%99a8k27m/history")
        .await;
    assert_eq!(status, 200, "{h}");
    assert_eq!(h["vehicle"]["plate"], KNOWN_PLATE);
    assert_eq!(h["vehicle"]["owner_phone"], "13705710000");
    let visits = h["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 2);
    assert_eq!(visits[0]["kind"], "repair");
    assert_eq!(visits[0]["mileage_km"], 48200);
    assert_eq!(visits[0]["parts"][0]["part_no"], "000 915 105 DE");
    assert_eq!(h["last_visit_at"], visits[0]["visited_at"]);
    let (status, err) = app
        .get_json(&token, "/api/v1/vehicles/%E6%B5%99A99999/history")
        .await;
    assert_eq!(status, 404);
    assert_eq!(err["error"], "not_found");
    let (status, err) = app
        .get_json(&token, "/api/v1/vehicles/nonsense/history")
        .await;
    assert_eq!(status, 400);
    assert!(err["fields"]["plate"].is_string());
    let (status, err): (u16, Value) = app.get_json(&token, "/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(err["error"], "not_found");
}

both!(plan_resources, resources_body);
async fn resources_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.workshop");
    let (status, techs) = app.get_json(&token, "/api/v1/technicians").await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = techs
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(
        ids.iter().all(|id| id.starts_with("hz-")),
        "only this dealer's: {ids:?}"
    );
    let (_, tools) = app.get_json(&token, "/api/v1/tools").await;
    assert_eq!(tools.as_array().unwrap().len(), 2);
    let (status, parts) = app
        .get_json(&token, "/api/v1/parts?q=%E8%93%84%E7%94%B5%E6%B1%A0")
        .await;
    assert_eq!(status, 200);
    assert_eq!(parts[0]["id"], "battery");
    assert_eq!(parts[0]["available_here"], 3);
    assert_eq!(parts[0]["dangerous_goods"], true);
    let (_, airbag) = app.get_json(&token, "/api/v1/parts?q=5G0%20880").await;
    assert_eq!(airbag[0]["available_here"], 0);
    let (status, err) = app.get_json(&token, "/api/v1/parts?q=x").await;
    assert_eq!(
        (status, err["error"].as_str()),
        (400, Some("validation_failed"))
    );
    let (_, other) = app
        .get_json(&app.token("nb.workshop"), "/api/v1/parts?q=battery")
        .await;
    assert_eq!(other[0]["available_here"], 0, "availability is per dealer");
}

both!(
    an_unknown_ticket_status_in_the_database_is_an_error,
    unknown_status_body
);
async fn unknown_status_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let id = app.new_ticket().await;
    let path = format!("/api/v1/tickets/{id}");
    assert_eq!(app.get_json(&token, &path).await.0, 200);
    // A status this build does not know is not read as "new" (which would reopen the ticket):
    // the read fails, and the log names the value.
    let ticket = id.clone();
    app.db
        .write_blocking(move |conn| {
            use diesel::prelude::*;
            use rescuedesk::db::schema::tickets;
            Ok(diesel::update(tickets::table.find(ticket))
                .set(tickets::status.eq("finished"))
                .execute(conn)?)
        })
        .unwrap();
    for path in [path, "/api/v1/tickets".to_owned()] {
        let (status, err) = app.get_json(&token, &path).await;
        assert_eq!(
            (status, err["error"].as_str()),
            (500, Some("internal")),
            "{path}: {err}"
        );
    }
    let (status, _) = app
        .post(
            &token,
            &format!("/api/v1/tickets/{id}/cancel"),
            &json!({"reason": "test"}),
        )
        .await;
    assert_eq!(status, 500, "no step acts on a status nobody can read");
}
