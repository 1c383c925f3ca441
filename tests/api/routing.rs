//! The routing client against a real OSRM-speaking server on loopback: a good route is used and
//! says so; a slow, failing, oversized or nonsensical answer falls back to the estimate in time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rescuedesk::domain::eta::{EtaConfig, Source};
use rescuedesk::domain::location::{Coordinates, Crs};
use rescuedesk::routing::Router;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{Backend, TestApp};

/// How the fake routing service answers.
#[derive(Clone, Copy)]
enum Mode {
    /// 12.3 km, 15 min 1 s.
    Good,
    /// The good answer after 2 s.
    Slow,
    Fails,
    Garbage,
    /// A valid route padded far beyond any route answer.
    Huge,
    /// 1 km of road for a 10 km trip.
    Nonsense,
    /// `{"code": "NoRoute"}`.
    NoRoute,
}

/// An OSRM stand-in on loopback; records the paths and queries it was asked for.
async fn osrm(
    mode: Mode,
    asked: Arc<Mutex<Vec<String>>>,
) -> (String, actix_web::dev::ServerHandle) {
    use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        let asked = asked.clone();
        App::new().default_service(web::to(move |req: HttpRequest| {
            let asked = asked.clone();
            async move {
                asked.lock().unwrap().push(req.uri().to_string());
                let good = json!({"code": "Ok", "routes": [{"distance": 12_300.0, "duration": 901.0,
                    "legs": [], "weight": 901.0}], "waypoints": []});
                match mode {
                    Mode::Good => HttpResponse::Ok().json(good),
                    Mode::Slow => {
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        HttpResponse::Ok().json(good)
                    }
                    Mode::Fails => HttpResponse::InternalServerError().body("osrm-routed crashed"),
                    Mode::Garbage => HttpResponse::Ok()
                        .content_type("application/json")
                        .body("<html>captive portal</html>"),
                    Mode::Huge => {
                        let mut v = good;
                        v["pad"] = Value::String("x".repeat(200 * 1024));
                        HttpResponse::Ok().json(v)
                    }
                    Mode::Nonsense => HttpResponse::Ok().json(
                        json!({"code": "Ok", "routes": [{"distance": 1_000.0, "duration": 60.0}]}),
                    ),
                    Mode::NoRoute => HttpResponse::Ok().json(json!({"code": "NoRoute"})),
                }
            }
        }))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}"), handle)
}

fn config(url: &str) -> EtaConfig {
    EtaConfig {
        routing_url: url.to_owned(),
        routing_timeout_ms: 400,
        ..EtaConfig::default()
    }
}

/// About 10 km apart in Hangzhou (WGS-84).
fn ends() -> (Coordinates, Coordinates) {
    (
        Coordinates::parse(30.2100, 120.0900, Crs::Wgs84).unwrap(),
        Coordinates::parse(30.2765, 120.1504, Crs::Wgs84).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_route_is_used_and_says_so() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let (url, server) = osrm(Mode::Good, asked.clone()).await;
    let (from, to) = ends();
    let d = Router::from_settings(&config(&format!("{url}/")))
        .drive(&from, &to)
        .await;
    assert_eq!(d.source, Source::Routed);
    assert!((d.km - 12.3).abs() < 1e-9, "{d:?}");
    assert_eq!(d.minutes, 16, "901 s rounds up");
    // OSRM's order: longitude first, the trailing slash of the base URL dropped.
    assert_eq!(
        asked.lock().unwrap().as_slice(),
        ["/route/v1/driving/120.090000,30.210000;120.150400,30.276500?overview=false"]
    );
    server.stop(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_failing_or_nonsensical_service_gives_the_estimate() {
    let (from, to) = ends();
    let estimate = rescuedesk::domain::eta::RoadModel::default().estimate(&from, &to);
    for (mode, name) in [
        (Mode::Slow, "slow"),
        (Mode::Fails, "500"),
        (Mode::Garbage, "garbage"),
        (Mode::Huge, "huge"),
        (Mode::Nonsense, "nonsense"),
        (Mode::NoRoute, "no route"),
    ] {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let (url, server) = osrm(mode, asked.clone()).await;
        let started = Instant::now();
        let d = Router::from_settings(&config(&url)).drive(&from, &to).await;
        let took = started.elapsed();
        assert_eq!(d, estimate, "{name}");
        assert_eq!(d.source, Source::Estimated, "{name}");
        assert_eq!(asked.lock().unwrap().len(), 1, "{name}: asked once");
        assert!(
            took < Duration::from_millis(1500),
            "{name}: waited {took:?}"
        );
        server.stop(false).await;
    }
    // Nobody listening at all.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let d = Router::from_settings(&config(&closed))
        .drive(&from, &to)
        .await;
    assert_eq!(d.source, Source::Estimated);
}

both!(
    a_shared_position_is_routed_when_a_service_is_configured,
    app_body
);
async fn app_body(backend: Backend) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let (url, server) = osrm(Mode::Good, asked.clone()).await;
    let app = TestApp::spawn_with(backend, |s| {
        s.eta.routing_url = url.clone();
        s.eta.routing_timeout_ms = 1000;
    })
    .await;
    let id = crate::links::approved(&app).await;
    let code = crate::links::code_in(
        &crate::links::message_to(&app, "technician_dispatch", "13900000001"),
        'j',
    );
    let tech = app.token("hz.tech");
    let (status, body) = app
        .post(&tech, &format!("/api/v1/tickets/{id}/depart"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let res = app
        .client
        .post(app.url(&format!("/j/{code}/position")))
        .json(&json!({"lat": 30.21, "lon": 120.09, "accuracy": 8.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(asked.lock().unwrap().len(), 1);
    let (_, b) = app
        .get_json(&app.token("hz.manager"), "/api/v1/board")
        .await;
    let p = &b["crews"][0]["position"];
    assert_eq!(p["source"], "routed", "{b}");
    assert_eq!(p["km"], 12.3);
    assert!(p["minutes_left"].as_i64().unwrap() <= 16, "{p}");
    server.stop(true).await;
}
