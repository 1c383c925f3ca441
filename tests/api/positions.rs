//! The crew's phone on the road: who may post a position (the crew, by link or signed in, only
//! while on the road), its bounds and rate limit, and where it shows: the board (JSON and map
//! markers), the ticket page and the customer's status page, stale after the configured age.

use diesel::prelude::*;
use rescuedesk::db::schema::crew_positions;
use rescuedesk::domain::location::{Coordinates, Crs};
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{page_text, Backend, TestApp};
use crate::links::{approved, code_in, message_to};
use crate::pages::{csrf_of, signed_in};

/// Where the van is in these tests (WGS-84): south-west of the site in Hangzhou, ~9 km away.
const VAN: (f64, f64) = (30.2100, 120.0900);

struct Job {
    id: String,
    /// 周师傅's (the lead's) job link code, and 吴师傅's.
    lead: String,
    wu: String,
    /// The customer's status link code.
    status: String,
}

/// A ticket whose crew has departed (the lead, hz.tech, marks it).
async fn on_the_road(app: &TestApp) -> Job {
    let id = approved(app).await;
    let lead = code_in(&message_to(app, "technician_dispatch", "13900000001"), 'j');
    let wu = code_in(&message_to(app, "technician_dispatch", "@test.cn"), 'j');
    let (status, body) = app
        .post(
            &app.token("hz.tech"),
            &format!("/api/v1/tickets/{id}/depart"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let status = code_in(
        &message_to(app, "customer_crew_departed", "13812345678"),
        's',
    );
    Job {
        id,
        lead,
        wu,
        status,
    }
}

fn at(lat: f64, lon: f64) -> Value {
    json!({"lat": lat, "lon": lon, "accuracy": 12.0, "at": chrono::Utc::now().timestamp_millis()})
}

/// Posts a position by job link: (status, body as text).
async fn by_link(app: &TestApp, code: &str, body: &Value) -> (u16, String) {
    let res = app
        .client
        .post(app.url(&format!("/j/{code}/position")))
        .json(body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Posts a position signed in (`client`), with the CSRF token of `page` if given: (status, body).
async fn signed_in_post(
    app: &TestApp,
    client: &reqwest::Client,
    ticket: &str,
    page: Option<&str>,
    body: &Value,
) -> (u16, String) {
    let mut req = client.post(app.url(&format!("/jobs/{ticket}/position")));
    if let Some(page) = page {
        req = req.header("x-csrf-token", csrf_of(page));
    }
    let res = req.json(body).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn error_of(text: &str) -> String {
    let v: Value = serde_json::from_str(text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    v["error"].as_str().unwrap_or_default().to_owned()
}

fn rows(app: &TestApp) -> i64 {
    app.count("crew_positions")
}

/// Moves every stored position of the ticket `seconds` into the past (fix and receipt).
fn age(app: &TestApp, ticket: &str, seconds: i64) {
    let ticket = ticket.to_owned();
    app.db
        .write_blocking(move |conn| {
            let then = rescuedesk::repo::now() - chrono::Duration::seconds(seconds);
            diesel::update(crew_positions::table.filter(crew_positions::ticket_id.eq(ticket)))
                .set((
                    crew_positions::fixed_at.eq(then),
                    crew_positions::received_at.eq(then),
                ))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
}

async fn board_crew(app: &TestApp, id: &str) -> (Value, Value) {
    let (status, b) = app
        .get_json(&app.token("hz.manager"), "/api/v1/board")
        .await;
    assert_eq!(status, 200, "{b}");
    let crew = b["crews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["ticket_id"] == id)
        .cloned()
        .unwrap_or(Value::Null);
    (crew, b["counts"].clone())
}

both!(
    the_crew_shares_its_position_and_the_pages_show_it,
    shares_body
);
async fn shares_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let job = on_the_road(&app).await;
    let (crew, _) = board_crew(&app, &job.id).await;
    assert!(
        crew["map"].is_null() && crew["position"].is_null(),
        "{crew}"
    );

    let (status, text) = by_link(&app, &job.lead, &at(VAN.0, VAN.1)).await;
    assert_eq!(status, 200, "{text}");
    // The link is a capability: its answer tells nothing but that it worked.
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        json!({"ok": true})
    );
    assert_eq!(rows(&app), 1);

    // The board: the crew at the van's position, in the tiles' system (GCJ-02 for Amap).
    let (crew, counts) = board_crew(&app, &job.id).await;
    assert_eq!(counts["crews_out"], 1, "{counts}");
    assert_eq!(crew["state"], "departed");
    assert!(
        (crew["lat"].as_f64().unwrap() - VAN.0).abs() < 1e-9,
        "{crew}"
    );
    assert!((crew["lon"].as_f64().unwrap() - VAN.1).abs() < 1e-9);
    let (glat, glon) = Coordinates::parse(VAN.0, VAN.1, Crs::Wgs84)
        .unwrap()
        .to_crs(Crs::Gcj02);
    assert!(
        (crew["map"]["lat"].as_f64().unwrap() - glat).abs() < 1e-9,
        "{crew}"
    );
    assert!((crew["map"]["lon"].as_f64().unwrap() - glon).abs() < 1e-9);
    let p = &crew["position"];
    assert_eq!(p["stale"], false, "{p}");
    assert_eq!(p["source"], "estimated", "no routing service configured");
    let km = p["km"].as_f64().unwrap();
    assert!(
        (8.0..20.0).contains(&km),
        "road km from the van to the site: {km}"
    );
    let minutes = p["minutes_left"].as_i64().unwrap();
    assert!((10..40).contains(&minutes), "{p}");
    assert!(p["arrival_at"].as_str().unwrap().ends_with('Z'));

    // The board page draws the crew's marker from its position.
    let manager = signed_in(&app, "hz.manager").await;
    let live = page_text(&manager, &app, "/board/live").await;
    let marker = live
        .split("<li ")
        .find(|li| li.contains(&format!("data-id=\"crew-{}\"", job.id)))
        .unwrap_or_else(|| panic!("no crew marker: {live}"));
    assert!(marker.contains("data-state=\"departed\""), "{marker}");
    assert!(marker.contains(&format!("data-lat=\"{glat}\"")), "{marker}");
    assert!(live.contains("data-testid=\"crew-position\""), "{live}");

    // The ticket page: how far and how long, as of when.
    let page = page_text(&manager, &app, &format!("/tickets/{}", job.id)).await;
    let line = format!("救援车距现场 {km:.1} 公里，约 {minutes} 分钟");
    assert!(page.contains(&line), "{line} in {page}");
    assert!(page.contains("data-stale=\"false\""));

    // The customer: distance and a counted-down arrival, never the crew's coordinates.
    let anon = reqwest::Client::new();
    let status_page = page_text(&anon, &app, &format!("/s/{}", job.status)).await;
    assert!(
        status_page.contains(&format!("救援车距您约 {km:.1} 公里")),
        "{status_page}"
    );
    assert!(status_page.contains("id=\"crew-arrival\""), "{status_page}");
    assert!(
        status_page.contains(&format!("还有 {minutes} 分钟")),
        "{status_page}"
    );
    assert!(status_page.contains("/static/crew.js"));
    for leak in [
        format!("{:.4}", VAN.0),
        format!("{:.4}", VAN.1),
        format!("{glat:.4}"),
    ] {
        assert!(
            !status_page.contains(&leak),
            "coordinates on the customer's page: {leak}"
        );
    }
    // The told arrival gives way to the one the position gives.
    assert!(!status_page.contains("id=\"eta\""), "{status_page}");

    // 吴师傅 (no sign-in, by his e-mailed link) shares too: one row each.
    let (status, text) = by_link(&app, &job.wu, &at(VAN.0 + 0.01, VAN.1)).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(rows(&app), 2);

    // Signed in, the lead shares from /jobs/{id} with the page's CSRF token.
    age(&app, &job.id, 20);
    let tech = signed_in(&app, "hz.tech").await;
    let job_page = page_text(&tech, &app, &format!("/jobs/{}", job.id)).await;
    assert!(job_page.contains("id=\"share-position\""), "{job_page}");
    assert!(job_page.contains(&format!("data-url=\"/jobs/{}/position\"", job.id)));
    let (status, text) = signed_in_post(
        &app,
        &tech,
        &job.id,
        Some(&job_page),
        &at(VAN.0 + 0.02, VAN.1),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(rows(&app), 2, "the lead's row is overwritten, not appended");
    let link_page = page_text(&anon, &app, &format!("/j/{}", job.lead)).await;
    assert!(
        link_page.contains(&format!("data-url=\"/j/{}/position\"", job.lead)),
        "{link_page}"
    );
}

both!(only_the_crew_may_post_a_position, crew_only_body);
async fn crew_only_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let job = on_the_road(&app).await;
    // The service manager is no crew member: 403, whatever he sends.
    let manager = signed_in(&app, "hz.manager").await;
    let ticket_page = page_text(&manager, &app, &format!("/tickets/{}", job.id)).await;
    let (status, text) = signed_in_post(
        &app,
        &manager,
        &job.id,
        Some(&ticket_page),
        &at(VAN.0, VAN.1),
    )
    .await;
    assert_eq!((status, error_of(&text).as_str()), (403, "not_in_crew"));
    // Without the page's token: refused before anything else.
    let tech = signed_in(&app, "hz.tech").await;
    let (status, text) = signed_in_post(&app, &tech, &job.id, None, &at(VAN.0, VAN.1)).await;
    assert_eq!((status, error_of(&text).as_str()), (403, "csrf_failed"));
    // Another dealer's technician does not learn the ticket exists.
    let nb = signed_in(&app, "nb.tech").await;
    let nb_page = page_text(&nb, &app, "/jobs").await;
    let (status, _) = signed_in_post(&app, &nb, &job.id, Some(&nb_page), &at(VAN.0, VAN.1)).await;
    assert_eq!(status, 404);
    // A tampered or unknown link, or the customer's status link, is refused.
    let mut bad = job.lead.clone();
    bad.replace_range(0..1, if bad.starts_with('A') { "B" } else { "A" });
    for code in [bad.as_str(), "nonsense", job.status.as_str()] {
        let (status, text) = by_link(&app, code, &at(VAN.0, VAN.1)).await;
        assert_eq!(status, 403, "{code}: {text}");
        assert_eq!(error_of(&text), "forbidden");
    }
    assert_eq!(rows(&app), 0);
}

both!(positions_are_taken_only_while_on_the_road, on_the_road_body);
async fn on_the_road_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Approved but not yet departed: no position.
    let id = approved(&app).await;
    let lead = code_in(&message_to(&app, "technician_dispatch", "13900000001"), 'j');
    let (status, text) = by_link(&app, &lead, &at(VAN.0, VAN.1)).await;
    assert_eq!(status, 409, "{text}");
    assert_eq!(error_of(&text), "job_not_active");
    let job_page = page_text(&reqwest::Client::new(), &app, &format!("/j/{lead}")).await;
    assert!(!job_page.contains("id=\"share-position\""), "{job_page}");

    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    let tech = app.token("hz.tech");
    assert_eq!(app.post(&tech, &p("/depart"), &json!({})).await.0, 200);
    assert_eq!(by_link(&app, &lead, &at(VAN.0, VAN.1)).await.0, 200);
    assert_eq!(rows(&app), 1);
    // Arrived: the positions are forgotten and no more are taken.
    assert_eq!(app.post(&tech, &p("/arrive"), &json!({})).await.0, 200);
    assert_eq!(rows(&app), 0, "no trace of where the crew drove");
    age(&app, &id, 60);
    let (status, text) = by_link(&app, &lead, &at(VAN.0, VAN.1)).await;
    assert_eq!((status, error_of(&text).as_str()), (409, "job_not_active"));
    let (crew, _) = board_crew(&app, &id).await;
    assert_eq!(crew["state"], "on_site");
    assert!(crew["position"].is_null(), "{crew}");
    // Resolved: still refused, in English too.
    let (status, body) = app
        .post(
            &tech,
            &p("/resolve"),
            &json!({"work_done": "更换蓄电池", "customer_absent_reason": "客户已离开现场"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let res = app
        .client
        .post(app.url(&format!("/j/{lead}/position")))
        .header("accept-language", "en")
        .json(&at(VAN.0, VAN.1))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    assert!(
        status == 409 || status == 410,
        "a finished job's link: {status} {body}"
    );
    if status == 409 {
        assert_eq!(body["error"], "job_not_active");
    }
    assert_eq!(rows(&app), 0);
}

both!(bad_positions_are_refused, bounds_body);
async fn bounds_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let job = on_the_road(&app).await;
    let now = chrono::Utc::now().timestamp_millis();
    for (body, field) in [
        (
            json!({"lat": 91.0, "lon": 120.0, "accuracy": 10.0}),
            "position",
        ),
        (
            json!({"lat": 30.0, "lon": 181.0, "accuracy": 10.0}),
            "position",
        ),
        (
            json!({"lat": 30.0, "lon": 120.0, "accuracy": -1.0}),
            "accuracy",
        ),
        (
            json!({"lat": 30.0, "lon": 120.0, "accuracy": 99999.0}),
            "accuracy",
        ),
        (
            json!({"lat": 30.0, "lon": 120.0, "accuracy": 10.0, "at": now + 3_600_000}),
            "at",
        ),
        (
            json!({"lat": 30.0, "lon": 120.0, "accuracy": 10.0, "at": now - 3 * 86_400_000}),
            "at",
        ),
    ] {
        let (status, text) = by_link(&app, &job.lead, &body).await;
        assert_eq!(status, 400, "{body}: {text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["error"], "validation_failed", "{v}");
        assert!(v["fields"][field].is_string(), "{field}: {v}");
    }
    for raw in [
        "{\"lat\": \"north\", \"lon\": 1, \"accuracy\": 1}",
        "not json",
        "{}",
    ] {
        let res = app
            .client
            .post(app.url(&format!("/j/{}/position", job.lead)))
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 400, "{raw}");
    }
    // A body far beyond a position is refused without being read whole.
    let res = app
        .client
        .post(app.url(&format!("/j/{}/position", job.lead)))
        .header("content-type", "application/json")
        .body(format!("{{\"pad\": \"{}\"}}", "x".repeat(400 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 413);
    assert_eq!(rows(&app), 0);
}

both!(a_phone_is_stored_at_most_once_per_ten_seconds, rate_body);
async fn rate_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let job = on_the_road(&app).await;
    assert_eq!(by_link(&app, &job.lead, &at(VAN.0, VAN.1)).await.0, 200);
    for _ in 0..5 {
        let (status, text) = by_link(&app, &job.lead, &at(VAN.0 + 0.05, VAN.1)).await;
        assert_eq!(status, 429, "{text}");
        assert_eq!(error_of(&text), "too_many_attempts");
    }
    let (crew, _) = board_crew(&app, &job.id).await;
    assert!(
        (crew["lat"].as_f64().unwrap() - VAN.0).abs() < 1e-9,
        "kept the first: {crew}"
    );
    // Another member's phone has its own turn.
    assert_eq!(by_link(&app, &job.wu, &at(VAN.0, VAN.1)).await.0, 200);
    // Ten seconds later the next one is stored.
    age(&app, &job.id, 11);
    assert_eq!(
        by_link(&app, &job.lead, &at(VAN.0 + 0.05, VAN.1)).await.0,
        200
    );
    assert_eq!(rows(&app), 2);
    let (crew, _) = board_crew(&app, &job.id).await;
    assert!(
        (crew["lat"].as_f64().unwrap() - (VAN.0 + 0.05)).abs() < 1e-9,
        "{crew}"
    );
}

both!(a_position_goes_stale_after_the_configured_age, stale_body);
async fn stale_body(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.eta.position_stale_s = 60).await;
    let job = on_the_road(&app).await;
    assert_eq!(by_link(&app, &job.lead, &at(VAN.0, VAN.1)).await.0, 200);
    age(&app, &job.id, 50);
    let (crew, _) = board_crew(&app, &job.id).await;
    assert_eq!(crew["position"]["stale"], false, "50 s of 60: live");
    age(&app, &job.id, 90);
    let (crew, counts) = board_crew(&app, &job.id).await;
    assert_eq!(crew["position"]["stale"], true, "{crew}");
    assert_eq!(counts["crews_out"], 1, "a stale crew is still out");
    assert!(
        !crew["map"].is_null(),
        "drawn at its last position, as stale"
    );

    let manager = signed_in(&app, "hz.manager").await;
    let live = page_text(&manager, &app, "/board/live").await;
    let marker = live
        .split("<li ")
        .find(|li| li.contains(&format!("data-id=\"crew-{}\"", job.id)))
        .unwrap();
    assert!(marker.contains("data-state=\"stale\""), "{marker}");
    assert!(live.contains("位置已过时"), "{live}");
    let page = page_text(&manager, &app, &format!("/tickets/{}", job.id)).await;
    assert!(page.contains("data-stale=\"true\""), "{page}");
    assert!(page.contains("之后未再收到，因此不显示距离"), "{page}");
    assert!(!page.contains("救援车距现场"), "no stale distance as live");

    // The customer: said to be stale, no distance, the told arrival again.
    let status_page = page_text(&reqwest::Client::new(), &app, &format!("/s/{}", job.status)).await;
    assert!(status_page.contains("id=\"crew-stale\""), "{status_page}");
    assert!(!status_page.contains("救援车距您"), "{status_page}");
    assert!(!status_page.contains("id=\"crew-arrival\""));
    assert!(
        status_page.contains("id=\"eta\""),
        "the time they were told: {status_page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_schema_names_the_crew_position() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = crate::openapi::served_document(&app).await;
    let schemas = &doc["components"]["schemas"];
    assert!(
        schemas["BoardCrew"]["properties"]["position"].is_object(),
        "{}",
        schemas["BoardCrew"]
    );
    let eta = &schemas["CrewEta"]["properties"];
    for field in [
        "km",
        "minutes_left",
        "arrival_at",
        "fixed_at",
        "stale",
        "source",
    ] {
        assert!(
            eta[field].is_object(),
            "CrewEta.{field}: {}",
            schemas["CrewEta"]
        );
    }
}
