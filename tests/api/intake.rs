//! Call intake over the API: validation by field, GCJ-02 conversion, idempotency, concurrent numbering, audit.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, Backend, TestApp, KNOWN_PLATE, KNOWN_VIN};

/// Sets a field by JSON pointer, creating it when the good body leaves it out.
fn set(body: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        body
    } else {
        body.pointer_mut(parent).unwrap()
    };
    target[key] = value;
}

both!(creates_a_ticket, creates_a_ticket_body);
async fn creates_a_ticket_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let res = app.post_ticket(&token, &intake_body()).await;
    assert_eq!(res.status().as_u16(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let t: Value = res.json().await.unwrap();
    let number = t["number"].as_str().unwrap();
    let re_ok = number.len() == 16
        && number.starts_with("RS-")
        && number[3..11].chars().all(|c| c.is_ascii_digit())
        && number.ends_with("-0001");
    assert!(re_ok, "number {number}");
    assert_eq!(t["status"], "new");
    assert_eq!(t["phone"], "13812345678");
    assert_eq!(t["plate"], "浙A12345");
    assert_eq!(t["customer_name"], "王建国");
    assert_eq!(t["mileage_km"], 56000);
    assert_eq!(t["response_level"], 2);
    assert_eq!(t["repaired_elsewhere"], false);
    assert_eq!(t["vehicle_known"], false);
    assert_eq!(t["location"]["crs"], "wgs84");
    assert_eq!(t["location"]["source_crs"], "gcj02");
    // GCJ-02 shifts Hangzhou by a few hundred metres: east (so WGS-84 lies west) and south.
    let (lat, lon) = (
        t["location"]["lat"].as_f64().unwrap(),
        t["location"]["lon"].as_f64().unwrap(),
    );
    assert!(
        (lat - 30.2741) > 0.001 && (lat - 30.2741) < 0.01,
        "lat {lat}"
    );
    assert!(
        (120.1551 - lon) > 0.001 && (120.1551 - lon) < 0.01,
        "lon {lon}"
    );
    assert_eq!(
        location,
        format!("/api/v1/tickets/{}", t["id"].as_str().unwrap())
    );

    let (status, got) = app.get_json(&token, &location).await;
    assert_eq!(status, 200);
    assert_eq!(got["number"], t["number"]);
    assert_eq!(got["location"], t["location"]);
    assert_eq!(got["audit"][0]["action"], "ticket.created");
    assert_eq!(got["audit"][0]["actor"]["login"], "hz.agent");
    assert_eq!(got["audit"][0]["to_status"], "new");
    assert_eq!(app.count("audit_events WHERE action = 'ticket.created'"), 1);
}

both!(
    wgs84_is_stored_unchanged_and_known_vehicle_linked,
    wgs84_body
);
async fn wgs84_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let mut body = intake_body();
    body["location"]["crs"] = json!("wgs84");
    body["plate"] = json!(KNOWN_PLATE);
    body["vin"] = json!(KNOWN_VIN.to_lowercase());
    body["call_time"] = json!((chrono::Utc::now() - chrono::Duration::minutes(10))
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .to_rfc3339());
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 201);
    let t: Value = res.json().await.unwrap();
    assert_eq!(t["location"]["lat"], 30.2741);
    assert_eq!(t["location"]["lon"], 120.1551);
    assert_eq!(t["vin"], KNOWN_VIN);
    assert_eq!(t["vehicle_known"], true);
    assert!(t["call_time"].as_str().unwrap().ends_with('Z'));

    let (_, detail) = app
        .get_json(
            &token,
            &format!("/api/v1/tickets/{}", t["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(detail["vehicle"]["model"], "途观L 330TSI");
    assert_eq!(detail["vehicle"]["owner_name"], "李娜");
    let visits = detail["recent_visits"].as_array().unwrap();
    assert_eq!(visits.len(), 2);
    assert_eq!(visits[0]["summary"], "更换蓄电池", "newest first");
    assert_eq!(visits[0]["parts"][0]["name"], "12V 蓄电池 70Ah");
}

// Every field, one bad value at a time: 400, `validation_failed`, exactly that field named.
both!(each_bad_field_is_named, each_bad_field_body);
async fn each_bad_field_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let cases: Vec<(&str, &str, Value)> = vec![
        ("customer_name", "/customer_name", json!("")),
        ("customer_name", "/customer_name", json!("王".repeat(51))),
        ("phone", "/phone", json!("12345")),
        ("phone", "/phone", json!("0571-1234")),
        ("phone", "/phone", json!("+852 9123 4567")),
        ("location.address", "/location/address", json!("  ")),
        ("location.lat", "/location/lat", json!(91.0)),
        ("location.lon", "/location/lon", json!(-181.0)),
        ("location.crs", "/location/crs", json!("bd09")),
        ("plate", "/plate", json!("AB12345")),
        ("plate", "/plate", json!("浙A1234")),
        ("plate", "/plate", json!("粤Z1234港")),
        ("model", "/model", json!("")),
        ("vin", "/vin", json!("LSVAU2180N2183294")),
        ("vin", "/vin", json!("LSVAU218XN218329")),
        ("vin", "/vin", json!("LSVAU218XN21832I4")),
        ("mileage_km", "/mileage_km", json!(-5)),
        ("mileage_km", "/mileage_km", json!(3_000_000)),
        ("fault", "/fault", json!("")),
        ("response_level", "/response_level", json!(0)),
        ("response_level", "/response_level", json!(4)),
        ("call_time", "/call_time", json!("22/11/2026 09:30")),
        ("call_time", "/call_time", json!("2099-01-01T00:00:00Z")),
        (
            "call_time",
            "/call_time",
            json!("2020-01-01T00:00:00+08:00"),
        ),
    ];
    for (field, pointer, value) in cases {
        let mut body = intake_body();
        set(&mut body, pointer, value.clone());
        let res = app.post_ticket(&token, &body).await;
        assert_eq!(res.status().as_u16(), 400, "{field} = {value}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"], "validation_failed", "{field} = {value}");
        let fields: Vec<&String> = err["fields"].as_object().unwrap().keys().collect();
        assert_eq!(fields, vec![field], "{field} = {value}: {err}");
        assert!(!err["fields"][field].as_str().unwrap().is_empty());
    }
    assert_eq!(app.count("tickets"), 0, "no half-written ticket");
    assert_eq!(app.count("audit_events WHERE action = 'ticket.created'"), 0);
}

both!(good_variants_are_accepted, good_variants_body);
async fn good_variants_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let cases: Vec<(&str, Value, &str, Value)> = vec![
        (
            "/phone",
            json!("0571-8888 9999"),
            "/phone",
            json!("0571-88889999"),
        ),
        (
            "/phone",
            json!("+86 139 0571 1234"),
            "/phone",
            json!("13905711234"),
        ),
        (
            "/phone",
            json!("010-65529988"),
            "/phone",
            json!("010-65529988"),
        ),
        ("/plate", json!("浙AD12345"), "/plate", json!("浙AD12345")),
        ("/plate", json!("沪A12345F"), "/plate", json!("沪A12345F")),
        ("/plate", json!("京a·b123c"), "/plate", json!("京AB123C")),
        ("/response_level", json!(1), "/response_level", json!(1)),
        (
            "/repaired_elsewhere",
            json!(true),
            "/repaired_elsewhere",
            json!(true),
        ),
    ];
    for (pointer, value, out_pointer, expected) in cases {
        let mut body = intake_body();
        set(&mut body, pointer, value.clone());
        let res = app.post_ticket(&token, &body).await;
        assert_eq!(res.status().as_u16(), 201, "{pointer} = {value}");
        let t: Value = res.json().await.unwrap();
        assert_eq!(
            t.pointer(out_pointer).unwrap(),
            &expected,
            "{pointer} = {value}"
        );
    }
}

both!(empty_and_malformed_bodies, malformed_body);
async fn malformed_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let res = app.post_ticket(&token, &json!({})).await;
    assert_eq!(res.status().as_u16(), 400);
    let err: Value = res.json().await.unwrap();
    let fields = err["fields"].as_object().unwrap();
    for f in [
        "customer_name",
        "phone",
        "location.address",
        "location.lat",
        "location.lon",
        "plate",
        "model",
        "mileage_km",
        "fault",
        "response_level",
    ] {
        assert!(fields.contains_key(f), "{f} missing in {err}");
    }
    assert!(!fields.contains_key("vin") && !fields.contains_key("call_time"));

    let mut wrong_type = intake_body();
    wrong_type["location"]["lat"] = json!("north");
    let res = app.post_ticket(&token, &wrong_type).await;
    assert_eq!(res.status().as_u16(), 400);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"], "validation_failed");
    assert!(err["fields"]["location.lat"].is_string(), "{err}");

    let res = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"customer_name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"], "invalid_json");

    let res = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(vec![b' '; 300 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 413);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"], "payload_too_large");
    assert_eq!(app.count("tickets"), 0);
}

both!(idempotent_retry_returns_the_same_ticket, idempotent_body);
async fn idempotent_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let send = |body: Value, key: &'static str| {
        let req = app
            .client
            .post(app.url("/api/v1/tickets"))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&body);
        async move { req.send().await.unwrap() }
    };
    let first = send(intake_body(), "call-42").await;
    assert_eq!(first.status().as_u16(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = send(intake_body(), "call-42").await;
    assert_eq!(again.status().as_u16(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    assert_eq!(first["number"], again["number"]);

    let mut other = intake_body();
    other["fault"] = json!("另一个故障");
    let reused = send(other, "call-42").await;
    assert_eq!(reused.status().as_u16(), 422);
    let err: Value = reused.json().await.unwrap();
    assert_eq!(err["error"], "idempotency_key_reused");
    assert_eq!(app.count("tickets"), 1);

    // Ten retries racing each other still make one ticket.
    let racers: Vec<_> = (0..10).map(|_| send(intake_body(), "call-43")).collect();
    let results = futures::future::join_all(racers).await;
    let mut ids = HashSet::new();
    for r in results {
        assert_eq!(r.status().as_u16(), 201);
        let t: Value = r.json().await.unwrap();
        ids.insert(t["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(app.count("tickets"), 2);
}

both!(concurrent_intakes_get_distinct_numbers, concurrent_body);
async fn concurrent_body(backend: Backend) {
    const N: usize = 120;
    let app = TestApp::spawn(backend).await;
    let hz = app.token("hz.agent");
    let nb = app.token("nb.agent");
    let requests: Vec<_> = (0..N)
        .map(|i| {
            // Two dealers interleaved: each keeps its own sequence.
            let token = if i % 4 == 0 { nb.clone() } else { hz.clone() };
            let req = app
                .client
                .post(app.url("/api/v1/tickets"))
                .bearer_auth(token)
                .json(&intake_body());
            async move { req.send().await.unwrap() }
        })
        .collect();
    let responses = futures::future::join_all(requests).await;
    let mut numbers: HashSet<(String, String)> = HashSet::new();
    for r in responses {
        assert_eq!(r.status().as_u16(), 201);
        let t: Value = r.json().await.unwrap();
        let dealer = t["created_by"]["login"].as_str().unwrap()[..2].to_owned();
        assert!(
            numbers.insert((dealer, t["number"].as_str().unwrap().to_owned())),
            "duplicate number"
        );
    }
    for (dealer, count) in [("hz", N - N / 4), ("nb", N / 4)] {
        let mut seqs: Vec<usize> = numbers
            .iter()
            .filter(|(d, _)| d == dealer)
            .map(|(_, n)| n.rsplit('-').next().unwrap().parse().unwrap())
            .collect();
        seqs.sort();
        assert_eq!(
            seqs,
            (1..=count).collect::<Vec<_>>(),
            "{dealer}: gap-free sequence"
        );
    }
    assert_eq!(app.count("tickets"), N as i64);
    assert_eq!(
        app.count("audit_events WHERE action = 'ticket.created'"),
        N as i64
    );
}
