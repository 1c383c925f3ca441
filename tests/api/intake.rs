//! Call intake over the API: validation by field, GCJ-02 conversion, idempotency, concurrent numbering, audit.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, plan_body, Backend, TestApp, KNOWN_PLATE, KNOWN_VIN};
use crate::links::{code_in, message_to};
use crate::pages::{csrf_of, signed_in};

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

/// The intake body of a caller who cannot say where they are: the address alone.
fn address_only() -> Value {
    let mut body = intake_body();
    body["location"] = json!({"address": "G60 沪昆高速杭州方向，说不清公里数"});
    body["location_pending"] = json!(true);
    body
}

both!(
    address_only_intake_is_location_pending_until_the_phone_sends_it,
    location_pending_body
);
async fn location_pending_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let res = app.post_ticket(&token, &address_only()).await;
    assert_eq!(res.status().as_u16(), 201);
    let t: Value = res.json().await.unwrap();
    let id = t["id"].as_str().unwrap().to_owned();
    assert_eq!(t["location_pending"], true);
    assert_eq!(t["location"]["lat"], Value::Null);
    assert_eq!(t["location"]["lon"], Value::Null);
    assert_eq!(
        t["location"]["address"],
        "G60 沪昆高速杭州方向，说不清公里数"
    );
    assert_eq!(t["warnings"], json!([]));
    // The location request went out with the ticket, to the caller's mobile.
    let sms = message_to(&app, "customer_location_request", "13812345678");
    let code = code_in(&sms, 's');

    // Pending everywhere: list, detail.
    let (_, list) = app.get_json(&token, "/api/v1/tickets").await;
    assert_eq!(list["items"][0]["location_pending"], true);
    let (_, d) = app.get_json(&token, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(d["location_pending"], true);
    assert!(d["audit"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "customer.location_requested"));

    // Nothing measures a distance to an unknown site: a plan without a distance
    // cannot be saved, one with a distance can, but it is not submitted.
    let workshop = app.token("hz.workshop");
    let plan_path = format!("/api/v1/tickets/{id}/plan");
    let mut no_distance = plan_body();
    no_distance.as_object_mut().unwrap().remove("travel_km");
    let (status, err) = app.put(&workshop, &plan_path, &no_distance).await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(err["error"], "location_pending");
    let (status, _) = app.put(&workshop, &plan_path, &plan_body()).await;
    assert_eq!(status, 200);
    let (status, err) = app
        .post(
            &workshop,
            &format!("{plan_path}/submit"),
            &json!({"version": 1}),
        )
        .await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(err["error"], "location_pending");
    assert!(err["message"].as_str().unwrap().contains("待定位"));
    let (status, err) = app
        .get_json(&workshop, &format!("/api/v1/tickets/{id}/sourcing"))
        .await;
    assert!(
        status == 409 && err["error"] == "location_pending",
        "{status} {err}"
    );

    // The customer's phone sends its position: it becomes the ticket's site.
    let anon = reqwest::Client::new();
    let res = anon
        .post(app.url(&format!("/s/{code}/location")))
        .json(&json!({"lat": 30.2801, "lon": 120.1602, "accuracy": 15.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["location_filled"], true);
    let (_, d) = app.get_json(&token, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(d["location_pending"], false);
    assert_eq!(d["location"]["lat"], 30.2801);
    assert_eq!(d["location"]["lon"], 120.1602);
    assert_eq!(d["location"]["source_crs"], "wgs84");
    let filled: Vec<&Value> = d["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "ticket.location_filled")
        .collect();
    assert_eq!(filled.len(), 1, "audited once");
    let (status, res) = app
        .post(
            &workshop,
            &format!("{plan_path}/submit"),
            &json!({"version": 1}),
        )
        .await;
    assert_eq!(status, 200, "submitted once the site is known: {res}");

    // A later share is kept beside the ticket; the site stays as it was.
    let res = anon
        .post(app.url(&format!("/s/{code}/location")))
        .json(&json!({"lat": 30.3, "lon": 120.2}))
        .send()
        .await
        .unwrap();
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["location_filled"], false);
    let (_, d) = app.get_json(&token, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(d["location"]["lat"], 30.2801);
    assert_eq!(d["shared_location"]["lat"], 30.3);
    assert_eq!(
        app.count("audit_events WHERE action = 'ticket.location_filled'"),
        1
    );
}

both!(location_pending_rules, location_pending_rules_body);
async fn location_pending_rules_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let fields_of = |err: &Value| -> Vec<String> {
        err["fields"].as_object().unwrap().keys().cloned().collect()
    };
    // Without the flag, the coordinates are still required.
    let mut body = address_only();
    body["location_pending"] = json!(false);
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 400);
    let err: Value = res.json().await.unwrap();
    assert_eq!(fields_of(&err), ["location.lat", "location.lon"]);
    // With it, the address is required and the SMS needs a mobile.
    let mut body = address_only();
    body["location"]["address"] = json!("  ");
    body["phone"] = json!("0571-88889999");
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 400);
    let err: Value = res.json().await.unwrap();
    assert_eq!(fields_of(&err), ["location.address", "phone"]);
    assert_eq!(app.count("tickets"), 0);
    assert_eq!(app.count("outbox"), 0);
    // Flag and coordinates: the site is known, the caller still gets the link.
    let mut body = intake_body();
    body["location_pending"] = json!(true);
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 201);
    let t: Value = res.json().await.unwrap();
    assert_eq!(t["location_pending"], false);
    assert!(t["location"]["lat"].is_f64());
    assert_eq!(
        app.count("outbox WHERE template = 'customer_location_request'"),
        1
    );
}

both!(every_bad_field_is_reported_at_once, all_fields_at_once_body);
async fn all_fields_at_once_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let mut body = intake_body();
    body["phone"] = json!("12345");
    body["plate"] = json!("ABC");
    body["location"]["lat"] = json!(95.0);
    body["location"]["lon"] = json!(-190.0);
    body["customer_name"] = json!("\u{200B}");
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 400);
    let err: Value = res.json().await.unwrap();
    let fields: Vec<&String> = err["fields"].as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        [
            "customer_name",
            "location.lat",
            "location.lon",
            "phone",
            "plate"
        ],
        "{err}"
    );
    let lat = err["fields"]["location.lat"].as_str().unwrap();
    let lon = err["fields"]["location.lon"].as_str().unwrap();
    assert!(lat.contains("纬度") && lat.contains("-90"), "{lat}");
    assert!(lon.contains("经度") && lon.contains("-180"), "{lon}");
    // In English, the same fields in English.
    let err: Value = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        err["fields"]["location.lat"]
            .as_str()
            .unwrap()
            .starts_with("Latitude must be between -90 and 90"),
        "{err}"
    );
}

both!(gcj02_outside_china_is_refused, gcj02_outside_body);
async fn gcj02_outside_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let mut body = intake_body();
    body["location"] = json!({"address": "Paris", "lat": 48.8584, "lon": 2.2945, "crs": "gcj02"});
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 400);
    let err: Value = res.json().await.unwrap();
    let fields: Vec<&String> = err["fields"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["location.crs"], "{err}");
    assert!(err["fields"]["location.crs"]
        .as_str()
        .unwrap()
        .contains("GCJ-02"));
    body["location"]["crs"] = json!("wgs84");
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 201);
}

both!(
    warns_about_an_open_ticket_and_a_lower_mileage,
    warnings_body
);
async fn warnings_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let mut body = intake_body();
    body["plate"] = json!(KNOWN_PLATE);
    body["mileage_km"] = json!(50_000);
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 201);
    let first: Value = res.json().await.unwrap();
    assert_eq!(first["warnings"], json!([]), "48,200 km last time: fine");

    body["mileage_km"] = json!(4_820);
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 201, "warnings never refuse");
    let second: Value = res.json().await.unwrap();
    let codes: Vec<&str> = second["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["open_ticket_for_plate", "mileage_below_last_visit"]);
    let open = second["warnings"][0]["message"].as_str().unwrap();
    assert!(open.contains(first["number"].as_str().unwrap()), "{open}");
    let km = second["warnings"][1]["message"].as_str().unwrap();
    assert!(km.contains("4820") && km.contains("48200"), "{km}");
    // Another dealer's agent sees no open ticket of ours.
    let res = app.post_ticket(&app.token("nb.agent"), &body).await;
    let other: Value = res.json().await.unwrap();
    let codes: Vec<&str> = other["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["mileage_below_last_visit"]);
}

both!(
    names_with_no_visible_character_are_refused,
    invisible_name_body
);
async fn invisible_name_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    for name in [
        "\u{200B}",
        "\u{200B}\u{200C}\u{200D}\u{FEFF}\u{2060}",
        " \u{200B}\u{3000}\u{FEFF} ",
    ] {
        let mut body = intake_body();
        body["customer_name"] = json!(name);
        body["model"] = json!("\u{2060}");
        let res = app.post_ticket(&token, &body).await;
        assert_eq!(res.status().as_u16(), 400, "{name:?}");
        let err: Value = res.json().await.unwrap();
        let fields: Vec<&String> = err["fields"].as_object().unwrap().keys().collect();
        assert_eq!(fields, ["customer_name", "model"], "{name:?}: {err}");
    }
    let mut body = intake_body();
    body["customer_name"] = json!("\u{FEFF}王建国\u{200B}");
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 201);
    let t: Value = res.json().await.unwrap();
    assert_eq!(t["customer_name"], "王建国", "trimmed like spaces");
}

both!(status_link_location_errors_are_json, share_errors_body);
async fn share_errors_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app
        .post_ticket(&app.token("hz.agent"), &address_only())
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let code = code_in(
        &message_to(&app, "customer_location_request", "13812345678"),
        's',
    );
    let anon = reqwest::Client::new();
    let send = |path: String, content_type: &'static str, body: &'static str| {
        let req = anon
            .post(app.url(&path))
            .header("content-type", content_type)
            .body(body);
        async move {
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
            let text = res.text().await.unwrap();
            (status, ct, text)
        }
    };
    let location = format!("/s/{code}/location");
    for (path, content_type, body, status, error) in [
        (
            location.clone(),
            "application/json",
            "{\"lat\": ",
            400,
            "invalid_json",
        ),
        (
            location.clone(),
            "application/json",
            "",
            400,
            "invalid_json",
        ),
        (
            location.clone(),
            "text/plain",
            "lat=30",
            400,
            "invalid_json",
        ),
        (
            location.clone(),
            "application/json",
            "{\"lat\": \"north\", \"lon\": 120}",
            400,
            "validation_failed",
        ),
        (
            location.clone(),
            "application/json",
            "{\"lat\": 95, \"lon\": 120}",
            400,
            "validation_failed",
        ),
        (
            "/s/forged-code-000/location".into(),
            "application/json",
            "{\"lat\": 30, \"lon\": 120}",
            403,
            "forbidden",
        ),
    ] {
        let (got, ct, text) = send(path.clone(), content_type, body).await;
        assert_eq!(got, status, "{body}: {text}");
        assert!(ct.starts_with("application/json"), "{body}: {ct}");
        let err: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        assert_eq!(err["error"], error, "{body}: {text}");
        assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Nothing was filled by the refused attempts.
    let (_, list) = app
        .get_json(&app.token("hz.agent"), "/api/v1/tickets")
        .await;
    assert_eq!(list["items"][0]["location_pending"], true);
}

/// The intake page's form key (one per rendered form).
fn form_key(html: &str) -> String {
    let marker = "name=\"form_key\" value=\"";
    let at = html.find(marker).expect("form_key") + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

pub(crate) async fn intake_page(client: &reqwest::Client, app: &TestApp) -> (String, String) {
    let page = page_text(client, app, "/tickets/new").await;
    (csrf_of(&page), form_key(&page))
}

/// The `<input name="…" …>` tag of a field in a page.
fn input_tag<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no field {name}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

both!(
    intake_page_reports_every_field_and_keeps_the_vehicle,
    intake_page_errors_body
);
async fn intake_page_errors_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = signed_in(&app, "hz.agent").await;
    let (csrf, key) = intake_page(&client, &app).await;
    let form = vec![
        ("csrf", csrf.clone()),
        ("form_key", key.clone()),
        ("customer_name", "李娜".to_owned()),
        ("phone", "12345".to_owned()),
        ("address", "杭州市文三路".to_owned()),
        // Not a number: once hid every other error until it was fixed.
        ("lat", "三十".to_owned()),
        ("lon", "200".to_owned()),
        ("crs", "gcj02".to_owned()),
        ("plate", KNOWN_PLATE.to_owned()),
        ("model", "".to_owned()),
        ("mileage_km", "52000".to_owned()),
        ("fault", "无法启动".to_owned()),
        ("response_level", "2".to_owned()),
    ];
    let res = client
        .post(app.url("/tickets/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    for field in ["phone", "lat", "lon", "model"] {
        assert!(
            html.contains(&format!("data-field=\"{field}\" id=\"err-{field}\"")),
            "{field} reported"
        );
        let tag = input_tag(&html, field);
        assert!(
            tag.contains("aria-invalid=\"true\"") && tag.contains("class=\"invalid\""),
            "{field} outlined: {tag}"
        );
    }
    assert!(!input_tag(&html, "customer_name").contains("aria-invalid"));
    assert!(html.contains("请输入数字"), "latitude: not a number");
    assert!(
        html.contains("经度必须在 -180 到 180 之间"),
        "which coordinate, with the range"
    );
    // The vehicle file stays beside the form.
    assert!(
        html.contains("id=\"vehicle-known\"") && html.contains("途观L 330TSI"),
        "vehicle panel kept"
    );
    assert_eq!(app.count("tickets"), 0);
}

both!(
    intake_page_registers_a_caller_who_cannot_say_where,
    intake_page_pending_body
);
async fn intake_page_pending_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = signed_in(&app, "hz.agent").await;
    let (csrf, key) = intake_page(&client, &app).await;
    let form = vec![
        ("csrf", csrf),
        ("form_key", key),
        ("customer_name", "陈女士".to_owned()),
        ("phone", "13812345678".to_owned()),
        ("address", "G60 高速，不知道在哪一段".to_owned()),
        ("send_location_request", "on".to_owned()),
        ("lat", "".to_owned()),
        ("lon", "".to_owned()),
        ("crs", "gcj02".to_owned()),
        ("plate", "浙B12345".to_owned()),
        ("model", "ID.4 CROZZ".to_owned()),
        ("mileage_km", "12000".to_owned()),
        ("fault", "仪表报高压系统故障".to_owned()),
        ("response_level", "1".to_owned()),
    ];
    let res = client
        .post(app.url("/tickets/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let ticket_path = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        app.count(
            "outbox WHERE template = 'customer_location_request' AND recipient = '13812345678'"
        ),
        1
    );
    let page = |path: String| {
        let req = client.get(app.url(&path));
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let html = page(ticket_path.clone()).await;
    assert!(
        html.contains("data-testid=\"location-pending\""),
        "ticket page"
    );
    assert!(!html.contains("uri.amap.com"), "no map link to nowhere");
    let html = page("/tickets".into()).await;
    assert!(
        html.contains("data-testid=\"location-pending\">待定位"),
        "ticket list"
    );
    let workshop = signed_in(&app, "hz.workshop").await;
    let html = page_text(&workshop, &app, "/work").await;
    assert!(
        html.contains("data-testid=\"location-pending\""),
        "work queue"
    );
    // The plan editor opens (its cost leaves travel out until the site is known).
    let res = workshop
        .get(app.url(&format!("{ticket_path}/plan")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
}

both!(
    vehicle_panel_warns_while_typing,
    vehicle_panel_warnings_body
);
async fn vehicle_panel_warnings_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut body = intake_body();
    body["plate"] = json!(KNOWN_PLATE);
    let res = app.post_ticket(&app.token("hz.agent"), &body).await;
    let open: Value = res.json().await.unwrap();
    let client = signed_in(&app, "hz.agent").await;
    let panel = |mileage: &'static str| {
        let req = client
            .get(app.url("/tickets/new/vehicle"))
            .query(&[("plate", KNOWN_PLATE), ("mileage_km", mileage)]);
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let html = panel("").await;
    assert!(html.contains("data-warning=\"open_ticket_for_plate\""));
    assert!(html.contains(open["number"].as_str().unwrap()));
    assert!(!html.contains("mileage_below_last_visit"));
    let html = panel("4,820").await;
    assert!(
        html.contains("data-warning=\"mileage_below_last_visit\""),
        "{html}"
    );
    let html = panel("60000").await;
    assert!(!html.contains("mileage_below_last_visit"));
}

both!(
    errors_speak_the_language_the_client_asks_for,
    error_language_body
);
async fn error_language_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let mut bad = intake_body();
    bad["phone"] = json!("12345");
    bad["plate"] = json!("");
    let send = |lang: Option<&'static str>| {
        let mut req = app
            .client
            .post(app.url("/api/v1/tickets"))
            .bearer_auth(&token)
            .json(&bad);
        if let Some(lang) = lang {
            req = req.header("accept-language", lang);
        }
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status().as_u16(), 400);
            res.json::<Value>().await.unwrap()
        }
    };
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for (lang, chinese) in [
        (None, true),
        (Some("zh-CN"), true),
        (Some("en-US,en;q=0.8"), false),
    ] {
        let err = send(lang).await;
        assert_eq!(err["error"], "validation_failed", "{err}");
        let mut texts = vec![err["message"].as_str().unwrap().to_owned()];
        for (_, m) in err["fields"].as_object().unwrap() {
            texts.push(m.as_str().unwrap().to_owned());
        }
        assert!(texts.len() >= 3, "message and both fields: {err}");
        for t in &texts {
            assert!(!t.contains(" / "), "{lang:?}: one language, not both: {t}");
            assert_eq!(cjk(t), chinese, "{lang:?}: {t}");
        }
    }
    assert_eq!(
        send(Some("en")).await["message"],
        "2 fields need correcting"
    );
    // The same error a page shows: nothing was written.
    assert_eq!(app.count("tickets"), 0);
}
