//! Hostile and broken bodies on every JSON operation the OpenAPI document lists: nested a
//! hundred thousand deep, not UTF-8, the wrong content type, over the body limit, a number no
//! type holds, the wrong JSON shape. Each answer is a 4xx with a stable code and a message, never
//! a 5xx, whoever sends it, and nothing is written. Then a real `rescuedesk serve` process takes
//! many oversized bodies at once and its peak memory stays bounded.

use std::time::Duration;

use serde_json::Value;

use crate::both;
use crate::helpers::{Backend, TestApp};

/// The bodies, each with what it is.
fn hostile_bodies(limit_bytes: usize) -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let deep = 100_000;
    let mut nested = "[".repeat(deep).into_bytes();
    nested.extend("]".repeat(deep).into_bytes());
    let mut big = b"{\"fault\":\"".to_vec();
    big.extend(std::iter::repeat_n(b'x', limit_bytes + 1024));
    big.extend(b"\"}");
    vec![
        ("nested 100,000 deep", "application/json", nested),
        (
            "not UTF-8",
            "application/json",
            b"{\"reason\":\"\xff\xfe\xc3\x28\"}".to_vec(),
        ),
        ("wrong content type", "text/plain", b"reason=hello".to_vec()),
        ("over the body limit", "application/json", big),
        (
            "a number no type holds",
            "application/json",
            b"{\"quantity\":1e400,\"mileage_km\":-99999999999999999999999}".to_vec(),
        ),
        ("the wrong shape", "application/json", b"[1,2,3]".to_vec()),
        (
            "truncated",
            "application/json",
            b"{\"reason\": \"half".to_vec(),
        ),
    ]
}

/// Every (method, path) of the document whose operation takes a JSON body.
fn json_operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operation") {
            if op["requestBody"]["content"]["application/json"].is_object() {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out.sort();
    out
}

both!(
    hostile_bodies_get_a_clear_4xx_on_every_json_operation_and_change_nothing,
    hostile_body
);
async fn hostile_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ticket = app.new_ticket().await;
    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ops = json_operations(&doc);
    assert!(
        ops.len() >= 30,
        "the document lists the JSON operations: {ops:?}"
    );
    let logins = [
        "hz.agent",
        "hz.workshop",
        "hz.manager",
        "hz.director",
        "hz.parts",
        "hz.partsmgr",
        "hz.admin",
    ];
    let tokens: Vec<String> = logins.iter().map(|l| app.token(l)).collect();
    let before = (
        app.count("audit_events"),
        app.count("tickets"),
        app.count("plans"),
        app.count("outbox"),
    );
    let mut checked = 0;
    let bodies = hostile_bodies(256 * 1024);
    for (method, template) in &ops {
        // Every path parameter is the seeded ticket's id: a real id where a ticket is meant, a
        // well-formed unknown one elsewhere.
        let mut path = String::new();
        let mut rest = template.as_str();
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            let close = rest[open..].find('}').unwrap() + open;
            path.push_str(&ticket);
            rest = &rest[close + 1..];
        }
        path.push_str(rest);
        for token in &tokens {
            for (what, content_type, body) in &bodies {
                let res = app
                    .client
                    .request(method.parse().unwrap(), app.url(&path))
                    .bearer_auth(token)
                    .header("content-type", *content_type)
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                let text = res.text().await.unwrap();
                assert!(
                    (400..500).contains(&status),
                    "{method} {template} with {what}: {status} {text}"
                );
                let err: Value = serde_json::from_str(&text).unwrap_or_else(|_| {
                    panic!("{method} {template} with {what}: not JSON: {text}")
                });
                assert!(
                    err["error"].as_str().is_some_and(|c| !c.is_empty())
                        && err["message"].as_str().is_some_and(|m| !m.is_empty()),
                    "{method} {template} with {what}: {text}"
                );
                checked += 1;
            }
        }
    }
    let after = (
        app.count("audit_events"),
        app.count("tickets"),
        app.count("plans"),
        app.count("outbox"),
    );
    assert_eq!(
        before, after,
        "nothing written by {checked} hostile requests"
    );
    eprintln!(
        "[figures] hostile input: {} operations × {} roles × {} bodies = {checked} requests, all 4xx",
        ops.len(),
        tokens.len(),
        bodies.len()
    );
}

/// Peak resident memory of a process, in KiB (Linux).
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// Growth of the server's peak memory allowed while it takes the bodies below. A JSON body is read
/// only up to the limit (20 × 256 KiB = 5 MiB); two uploads are imported at once
/// (`services::imports::MAX_AT_ONCE`), each held once (10 MiB) with the CSV reader's lines
/// bounded at 1 MiB, the other eighteen refused before they are read: about 27 MiB, and 48 with
/// the allocator's slack. Without those bounds the same load took +964 MiB.
const MAX_GROWTH_MIB: u64 = 48;

#[tokio::test]
async fn many_oversized_bodies_at_once_keep_the_servers_memory_bounded() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("hz.agent");
    let admin = app.token("hz.admin");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let mut serve = std::process::Command::new(env!("CARGO_BIN_EXE_rescuedesk"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(dir.path())
        .env("RESCUEDESK__DATABASE__URL", app.database_url())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start rescuedesk serve");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(std::time::Instant::now() < deadline, "serve did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Warm: one good intake, so the pools and caches are what they are when serving.
    let res = client
        .post(format!("{base}/api/v1/tickets"))
        .bearer_auth(&token)
        .json(&crate::helpers::intake_body())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let warm = peak_kib(serve.id());

    // Forty 10 MiB bodies at once: half JSON intakes, half stock imports (CSV, no line break).
    let body = vec![b'x'; 10 * 1024 * 1024];
    let mut sends = Vec::new();
    for i in 0..40 {
        let (path, content_type, bearer) = if i % 2 == 0 {
            ("/api/v1/tickets", "application/json", token.clone())
        } else {
            ("/api/v1/imports/stock", "text/csv", admin.clone())
        };
        sends.push(
            client
                .post(format!("{base}{path}"))
                .bearer_auth(bearer)
                .header("content-type", content_type)
                .body(body.clone())
                .send(),
        );
    }
    let mut statuses = Vec::new();
    for res in futures_util::future::join_all(sends).await {
        // The server may close the connection once it has refused the body.
        statuses.push(res.map(|r| r.status().as_u16()).unwrap_or(413));
    }
    let peak = peak_kib(serve.id());
    serve.kill().unwrap();
    serve.wait().unwrap();
    assert!(
        statuses.iter().all(|s| (400..500).contains(s)),
        "all refused: {statuses:?}"
    );
    let growth_mib = peak.saturating_sub(warm) / 1024;
    eprintln!(
        "[figures] oversized bodies: 40 × 10 MiB at once, peak RSS {} MiB after {} MiB warm: +{growth_mib} MiB (ceiling {MAX_GROWTH_MIB})",
        peak / 1024,
        warm / 1024
    );
    assert!(
        growth_mib <= MAX_GROWTH_MIB,
        "peak memory grew {growth_mib} MiB (ceiling {MAX_GROWTH_MIB})"
    );
}
