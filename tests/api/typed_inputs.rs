//! Typed inputs of the services: ids parsed once at the edge (a page answers a malformed id with
//! its "not found"), closed sets of values as enums, times parsed once, and the texts the system
//! stores drawn in the reader's language next to their stable code.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, Backend, TestApp};
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
    // Form posts (with a good CSRF token) the same way; a malformed message id on the outbox
    // page's retry and a malformed order id on the parts desk are the unknown message or order
    // they are.
    for (login, form_page, path) in [
        ("hz.workshop", "/tickets", "/tickets/x/act/close"),
        ("hz.workshop", "/tickets", "/tickets/x/plan"),
        ("hz.workshop", "/tickets", "/tickets/x/plan/preview"),
        ("hz.parts", "/parts", "/tickets/x/parts/act/propose"),
        ("hz.parts", "/parts", "/parts/outgoing/x/ship"),
        ("hz.admin", "/outbox", "/outbox/none/retry"),
    ] {
        let client = signed_in(&app, login).await;
        let csrf = csrf_of(&page_text(&client, &app, form_page).await);
        let res = client
            .post(app.url(path))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 404, "{path}");
    }
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

fn field_error(status: u16, err: &Value, field: &str) -> String {
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["error"], "validation_failed", "{err}");
    err["fields"][field]
        .as_str()
        .unwrap_or_else(|| panic!("{field}: {err}"))
        .to_owned()
}

async fn get_in(app: &TestApp, lang: &str, token: &str, path: &str) -> (u16, Value) {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

// The outbox filters are names of a closed set: anything else is a 400 naming the filter and
// the values there are; an empty filter is no filter.
both!(
    an_unknown_outbox_filter_is_a_field_error,
    outbox_filter_body
);
async fn outbox_filter_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("hz.admin");
    app.new_ticket().await;
    let (status, err) = get_in(&app, "en", &admin, "/api/v1/outbox?status=lost").await;
    let message = field_error(status, &err, "status");
    for name in ["pending", "sending", "sent", "dead"] {
        assert!(message.contains(name), "{message}");
    }
    let (status, err) = get_in(&app, "en", &admin, "/api/v1/outbox?channel=fax").await;
    let message = field_error(status, &err, "channel");
    assert!(
        message.contains("sms") && message.contains("email"),
        "{message}"
    );
    // In Chinese by default.
    let (status, err) = app.get_json(&admin, "/api/v1/outbox?channel=SMS").await;
    let message = field_error(status, &err, "channel");
    assert!(message.contains("应为"), "{message}");
    let (status, page) = app
        .get_json(&admin, "/api/v1/outbox?status=pending&channel=sms")
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["status"] == "pending" && m["channel"] == "sms"));
    let (status, all) = app
        .get_json(&admin, "/api/v1/outbox?status=&channel=")
        .await;
    assert_eq!(status, 200, "{all}");
    assert!(all["total"].as_i64().unwrap() >= page["total"].as_i64().unwrap());
    // A role that may not read the outbox is refused before its filters are looked at.
    let (status, err) = app
        .get_json(&app.token("hz.tech"), "/api/v1/outbox?status=lost")
        .await;
    assert_eq!(status, 403, "{err}");
    // The page: the same filters, a bad one answered with a 400 page, never a 500.
    let page_user = signed_in(&app, "hz.admin").await;
    let res = page_user
        .get(app.url("/outbox?status=lost"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let html = page_text(&page_user, &app, "/outbox?status=pending&channel=sms").await;
    assert!(
        html.contains(r#"<option value="pending" selected>"#),
        "{html}"
    );
    assert!(html.contains(r#"<option value="sms" selected>"#), "{html}");
}

// The call time is read once, as RFC 3339, while the body is parsed; the coordinate system is
// one of the two the intake knows.
both!(a_bad_call_time_or_crs_is_a_field_error, call_time_crs_body);
async fn call_time_crs_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let agent = app.token("hz.agent");
    for bad in ["22/11/2026 09:30", "2026-11-22 09:30", "yesterday", "42"] {
        let mut body = intake_body();
        body["call_time"] = json!(bad);
        let (status, err) = app.post_in("en", &agent, "/api/v1/tickets", &body).await;
        let message = field_error(status, &err, "call_time");
        assert!(message.contains("RFC 3339"), "{bad}: {message}");
    }
    let mut body = intake_body();
    body["call_time"] = json!(12);
    let (status, err) = app.post(&agent, "/api/v1/tickets", &body).await;
    field_error(status, &err, "call_time");
    for bad in ["bd09", "wgs-84", "mars"] {
        let mut body = intake_body();
        body["location"]["crs"] = json!(bad);
        let (status, err) = app.post_in("en", &agent, "/api/v1/tickets", &body).await;
        let message = field_error(status, &err, "location.crs");
        assert!(
            message.contains("wgs84") && message.contains("gcj02"),
            "{message}"
        );
    }
    assert_eq!(app.count("tickets"), 0, "nothing written");
    // Good values still open the ticket: either case, an offset, a blank for "now".
    let mut body = intake_body();
    body["location"]["crs"] = json!("GCJ02");
    body["call_time"] = json!((chrono::Utc::now() - chrono::Duration::minutes(3)).to_rfc3339());
    let (status, t) = app.post(&agent, "/api/v1/tickets", &body).await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(t["location"]["source_crs"], "gcj02");
    let mut body = intake_body();
    body["call_time"] = json!(" ");
    body["location"]["crs"] = json!(null);
    body["plate"] = json!("浙A99999");
    let (status, t) = app.post(&agent, "/api/v1/tickets", &body).await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(t["location"]["source_crs"], "wgs84");
}

async fn openapi(app: &TestApp) -> Value {
    let res = app.client.get(app.url("/api/openapi.json")).send().await;
    res.unwrap().json().await.unwrap()
}

/// Every `enum` array anywhere below `v`.
fn enums(v: &Value) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    match v {
        Value::Object(o) => {
            if let Some(Value::Array(a)) = o.get("enum") {
                found.push(
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect(),
                );
            }
            o.values().for_each(|x| found.extend(enums(x)));
        }
        Value::Array(a) => a.iter().for_each(|x| found.extend(enums(x))),
        _ => {}
    }
    found
}

// The OpenAPI document shows the closed sets as enums and the call time as a date-time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_openapi_document_shows_the_enums() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = openapi(&app).await;
    let param = |path: &str, name: &str| -> Value {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{path} {name}"))
    };
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        enums(&param("/api/v1/outbox", "status")),
        [strings(&["pending", "sending", "sent", "dead"])]
    );
    assert_eq!(
        enums(&param("/api/v1/outbox", "channel")),
        [strings(&["sms", "email"])]
    );
    assert!(enums(&param("/api/v1/tickets", "status"))[0].contains(&"on_site".to_owned()));
    let schemas = &doc["components"]["schemas"];
    assert_eq!(enums(&schemas["Crs"]), [strings(&["wgs84", "gcj02"])]);
    let crs = schemas["LocationRequest"]["properties"]["crs"].to_string();
    assert!(crs.contains("#/components/schemas/Crs"), "{crs}");
    let call_time = &schemas["IntakeRequest"]["properties"]["call_time"];
    assert_eq!(call_time["format"], "date-time", "{call_time}");
    let reason = schemas["PauseRequest"]["properties"]["reason"].to_string();
    assert!(
        reason.contains("#/components/schemas/PauseReason"),
        "{reason}"
    );
    let propose = &schemas["ProposeRequest"]["properties"];
    for (field, schema) in [("mode", "ShippingMode"), ("kind", "SourcingKind")] {
        let text = propose[field].to_string();
        assert!(
            text.contains(&format!("#/components/schemas/{schema}")),
            "{field}: {text}"
        );
        assert!(!enums(&schemas[schema]).is_empty(), "{schema}");
    }
    assert_eq!(
        enums(&schemas["SourcingKind"]),
        [strings(&["sister_transfer", "manufacturer"])]
    );
    for schema in ["ShippingMode", "PauseReason"] {
        assert!(enums(&schemas[schema])[0]
            .iter()
            .all(|v| v.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    }
}

// A text the system stored (why approvals were voided, that the customer declined) comes back
// drawn in the client's language, Chinese by default, with its stable code next to it; a
// person's words come back as typed, with no code.
both!(
    stored_system_texts_are_drawn_in_the_clients_language,
    system_texts_body
);
async fn system_texts_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (workshop, manager) = (app.token("hz.workshop"), app.token("hz.manager"));
    let id = app.new_ticket().await;
    let t = |p: &str| format!("/api/v1/tickets/{id}{p}");
    let ok = |(status, body): (u16, Value)| assert_eq!(status, 200, "{body}");
    ok(app
        .put(&workshop, &t("/plan"), &crate::helpers::plan_body())
        .await);
    ok(app
        .post(&workshop, &t("/plan/submit"), &json!({"version": 1}))
        .await);
    let returned = json!({"decision": "return", "reason": "请补充拖车方案"});
    ok(app.post(&manager, &t("/review"), &returned).await);
    // Version 2 voids the review of version 1.
    ok(app
        .put(&workshop, &t("/plan"), &crate::helpers::plan_body())
        .await);
    ok(app
        .post(&workshop, &t("/plan/submit"), &json!({"version": 2}))
        .await);
    ok(app
        .post(&manager, &t("/review"), &json!({"decision": "accept"}))
        .await);
    let declined = json!({"plan_version": 2, "agreed": false});
    ok(app.post(&manager, &t("/consent"), &declined).await);

    let approval = |d: &Value, version: i64, decision: &str| -> Value {
        d["approvals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["plan_version"] == version && a["decision"] == decision)
            .cloned()
            .unwrap_or_else(|| panic!("{version} {decision}: {d}"))
    };
    let (status, zh) = app.get_json(&manager, &t("")).await;
    assert_eq!(status, 200, "{zh}");
    let (status, en) = get_in(&app, "en", &manager, &t("")).await;
    assert_eq!(status, 200, "{en}");
    for d in [&zh, &en] {
        assert!(!d.to_string().contains("sys:"), "{d}");
    }
    let (old_zh, old_en) = (approval(&zh, 1, "returned"), approval(&en, 1, "returned"));
    assert_eq!(old_zh["void_reason"], "被第 2 版方案取代");
    assert_eq!(old_en["void_reason"], "superseded by plan v2");
    assert_eq!(old_zh["void_reason_code"], "superseded_by:2");
    assert_eq!(old_en["void_reason_code"], "superseded_by:2");
    // The manager's own words, as typed, in both.
    assert_eq!(old_en["reason"], "请补充拖车方案");
    assert!(old_en["reason_code"].is_null(), "{old_en}");
    let (no_zh, no_en) = (approval(&zh, 2, "declined"), approval(&en, 2, "declined"));
    assert_eq!(no_zh["reason"], "客户不同意方案");
    assert_eq!(no_en["reason"], "customer declined");
    assert_eq!(no_en["reason_code"], "customer_declined");
    assert!(no_en["void_reason"].is_null() && no_en["void_reason_code"].is_null());

    // The timeline draws its notes the same way.
    let (_, tl_zh) = app.get_json(&manager, &t("/timeline")).await;
    let (_, tl_en) = get_in(&app, "en", &manager, &t("/timeline")).await;
    for tl in [&tl_zh, &tl_en] {
        assert!(!tl.to_string().contains("sys:"), "{tl}");
        assert!(tl["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["comment_code"].is_null() || e["comment"] != e["comment_code"]));
    }
    // The document says so.
    let doc = openapi(&app).await;
    let schemas = &doc["components"]["schemas"];
    for (schema, field) in [
        ("ApprovalRow", "void_reason_code"),
        ("ApprovalRow", "reason_code"),
        ("AuditView", "comment_code"),
        ("OrderRecord", "hold_reason_code"),
        ("OrderRecord", "cancel_reason_code"),
    ] {
        assert!(
            schemas[schema]["properties"][field]["description"].is_string(),
            "{schema}.{field}: {}",
            schemas[schema]
        );
    }
}

// A stage's name comes in the reader's language (`label`), next to the Chinese one clients
// already read (`label_zh`).
both!(stage_names_follow_the_readers_language, stage_label_body);
async fn stage_label_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.new_ticket().await;
    let token = app.token("hz.agent");
    let path = format!("/api/v1/tickets/{id}/timeline");
    let (status, en) = get_in(&app, "en", &token, &path).await;
    assert_eq!(status, 200, "{en}");
    assert_eq!(en["stages"][0]["label"], "Call → Plan submitted", "{en}");
    assert_eq!(en["stages"][0]["label_zh"], "来电 → 方案提交");
    let (_, zh) = get_in(&app, "zh-CN", &token, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(zh["stages"][0]["label"], "来电 → 方案提交", "{zh}");
}
