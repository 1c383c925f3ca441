//! Secrets stay out of the logs: a real `rescuedesk serve` process, its SMS provider secret, SMTP
//! password and link secret set, logging at debug level, takes sign-ins (one wrong), API calls
//! with a bearer token (one wrong), a call whose location is pending (the customer's SMS with a
//! status link goes out through a gateway on loopback that fails first), a plan submitted (the
//! manager's message with a one-tap link), the links opened; then every line it wrote is searched
//! for each secret, token, password, session cookie and link code.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, plan_body, Backend, TestApp, PASSWORD};

const WEBHOOK_SECRET: &str = "whsec-4f1c9e7d2b8a";
const SMTP_PASSWORD: &str = "smtp-pw-91b2c3d4e5";
const LINK_SECRET: &str = "link-secret-0a9b8c7d6e5f4a3b2c1d";

/// A gateway that refuses the first message (so the failure is logged) and takes the rest;
/// it keeps every body, where the link codes are.
async fn gateway(bodies: Arc<Mutex<Vec<String>>>) -> (String, actix_web::dev::ServerHandle) {
    use actix_web::{web, App, HttpResponse, HttpServer};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        let bodies = bodies.clone();
        App::new().route(
            "/sms",
            web::post().to(move |body: String| {
                let bodies = bodies.clone();
                async move {
                    let mut b = bodies.lock().unwrap();
                    b.push(body);
                    if b.len() == 1 {
                        HttpResponse::InternalServerError().body("try again")
                    } else {
                        HttpResponse::Ok().json(json!({ "id": format!("m{}", b.len()) }))
                    }
                }
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}/sms"), handle)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn link_codes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for prefix in ["/j/", "/s/", "/a/"] {
        for (i, _) in text.match_indices(prefix) {
            let code: String = text[i + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            if code.len() >= 16 {
                out.push(code);
            }
        }
    }
    out
}

both!(secrets_never_reach_the_logs, secrets_body);
async fn secrets_body(backend: Backend) {
    // The seeded database, served by the process under test (the in-process app sends nothing).
    let app = TestApp::spawn_with(backend, |s| s.outbox.worker = false).await;
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let (sms_url, sms_server) = gateway(bodies.clone()).await;
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut serve = std::process::Command::new(env!("CARGO_BIN_EXE_rescuedesk"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(dir.path())
        .env("RUST_LOG", "debug")
        .env("RESCUEDESK__DATABASE__URL", app.database_url())
        .env("RESCUEDESK__SMS__PROVIDER", "webhook")
        .env("RESCUEDESK__SMS__WEBHOOK_URL", &sms_url)
        .env("RESCUEDESK__SMS__WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("RESCUEDESK__EMAIL__TRANSPORT", "smtp")
        .env("RESCUEDESK__EMAIL__SMTP_HOST", "127.0.0.1")
        // Nothing listens there: every mail fails, and the failure is logged.
        .env("RESCUEDESK__EMAIL__SMTP_PORT", free_port().to_string())
        .env("RESCUEDESK__EMAIL__SMTP_TLS", "none")
        .env("RESCUEDESK__EMAIL__SMTP_USERNAME", "rescue")
        .env("RESCUEDESK__EMAIL__SMTP_PASSWORD", SMTP_PASSWORD)
        .env("RESCUEDESK__LINKS__SECRET", LINK_SECRET)
        .env("RESCUEDESK__OUTBOX__POLL_INTERVAL_MS", "100")
        .env("RESCUEDESK__OUTBOX__BACKOFF_BASE_S", "1")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start rescuedesk serve");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .map_or(true, |r| !r.status().is_success())
    {
        assert!(std::time::Instant::now() < deadline, "serve never came up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Sign-ins: one wrong, one right; the session cookie is a secret too.
    let csrf = |html: &str| crate::pages::csrf_of(html);
    let wrong = "wrong-pass-777";
    for password in [wrong, PASSWORD] {
        let page = client
            .get(format!("{base}/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let res = client
            .post(format!("{base}/login"))
            .form(&[
                ("login", "hz.manager"),
                ("password", password),
                ("csrf", &csrf(&page)),
                ("next", "/tickets"),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            res.status().as_u16() == 303 || password == wrong,
            "{}",
            res.status()
        );
    }
    let res = client.get(format!("{base}/tickets")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "signed in");

    // API calls with a token, and one with a wrong token.
    let agent = app.token("hz.agent");
    let workshop = app.token("hz.workshop");
    let bogus = "rdk_thisisnotatokenatall1234567890";
    let api = |token: &str, method: reqwest::Method, path: &str, body: Value| {
        client
            .request(method, format!("{base}/api/v1{path}"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    assert_eq!(
        api(bogus, reqwest::Method::GET, "/me", json!(null))
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    let mut pending = intake_body();
    pending["location"] = json!({"address": "G60 沪昆高速 杭州段"});
    pending["location_pending"] = json!(true);
    let t: Value = api(&agent, reqwest::Method::POST, "/tickets", pending)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().unwrap_or_else(|| panic!("{t}")).to_owned();
    let t2: Value = api(&agent, reqwest::Method::POST, "/tickets", intake_body())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id2 = t2["id"].as_str().unwrap().to_owned();
    let res = api(
        &workshop,
        reqwest::Method::PUT,
        &format!("/tickets/{id2}/plan"),
        plan_body(),
    )
    .await
    .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let res = api(
        &workshop,
        reqwest::Method::POST,
        &format!("/tickets/{id2}/plan/submit"),
        json!({"version": 1}),
    )
    .await
    .unwrap();
    assert_eq!(res.status().as_u16(), 200);

    // The messages go out (the first after a refusal); their links are opened.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let codes = loop {
        let codes = link_codes(&bodies.lock().unwrap().join("\n"));
        if bodies.lock().unwrap().len() >= 3 && !codes.is_empty() {
            break codes;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "messages never reached the gateway: {:?}",
            bodies.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for code in &codes {
        for prefix in ["j", "s", "a"] {
            let _ = reqwest::get(format!("{base}/{prefix}/{code}")).await;
        }
    }
    let _ = id;
    // Let the failed mails be tried and logged.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let cookie = client
        .get(format!("{base}/tickets"))
        .send()
        .await
        .unwrap()
        .cookies()
        .map(|c| c.value().to_owned())
        .collect::<Vec<_>>();

    serve.kill().unwrap();
    serve.wait().unwrap();
    sms_server.stop(true).await;
    let mut logs = String::new();
    std::fs::File::open(&log_path)
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    assert!(logs.lines().count() > 20, "debug logs were written: {logs}");
    assert!(logs.contains("HTTP request"), "requests are logged");

    let mut secrets: Vec<(String, String)> = vec![
        ("webhook secret".into(), WEBHOOK_SECRET.into()),
        ("smtp password".into(), SMTP_PASSWORD.into()),
        ("link secret".into(), LINK_SECRET.into()),
        ("password".into(), PASSWORD.into()),
        ("wrong password".into(), wrong.into()),
        ("agent token".into(), agent.clone()),
        ("workshop token".into(), workshop.clone()),
        ("bogus token".into(), bogus.into()),
    ];
    secrets.extend(cookie.into_iter().map(|c| ("session cookie".into(), c)));
    secrets.extend(codes.iter().map(|c| ("link code".into(), c.clone())));
    let leaks: Vec<String> = secrets
        .iter()
        .filter(|(_, s)| logs.contains(s.as_str()))
        .map(|(what, _)| what.clone())
        .collect();
    assert!(leaks.is_empty(), "in the logs: {leaks:?}");
    eprintln!(
        "[figures] secrets test: {} log lines searched for {} secrets, none found",
        logs.lines().count(),
        secrets.len()
    );
}
