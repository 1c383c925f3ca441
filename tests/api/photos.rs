//! The crew's phone over HTTP: photos checked by size, type (magic bytes), crew and status,
//! served only to the dealer's staff and the crew; a mismatch needs a fault photo; resolving
//! needs the customer's signature (or why they could not sign), shown on the ticket page.

use base64::Engine;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, plan_body, Backend, TestApp};
use crate::links::code_in;
use crate::pages::{csrf_of, signed_in};

/// Bytes that start like a JPEG (the server tells the type by them; it never decodes).
pub fn jpeg(len: usize) -> Vec<u8> {
    let mut b = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
    ];
    b.resize(len.max(12), 0x42);
    b.extend([0xFF, 0xD9]);
    b
}

/// A 1×1 PNG: a signature as the canvas sends it.
pub const SIGNATURE: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

async fn fetch(client: &reqwest::Client, app: &TestApp, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.expect("request")
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn ok(app: &TestApp, who: &str, path: String, body: Value) {
    let (status, res) = app.post(&app.token(who), &path, &body).await;
    assert_eq!(status, 200, "POST {path} {body}: {res}");
}

/// A new ticket with `plan` saved, submitted and approved up to the director.
pub async fn approved_with(app: &TestApp, plan: &Value) -> (String, String) {
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &intake_body())
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().unwrap().to_owned();
    let number = t["number"].as_str().unwrap().to_owned();
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    let (status, res) = app.put(&app.token("hz.workshop"), &p("/plan"), plan).await;
    assert_eq!(status, 200, "{res}");
    ok(app, "hz.workshop", p("/plan/submit"), json!({"version": 1})).await;
    ok(
        app,
        "hz.manager",
        p("/review"),
        json!({"decision": "accept"}),
    )
    .await;
    ok(
        app,
        "hz.manager",
        p("/consent"),
        json!({"plan_version": 1, "agreed": true}),
    )
    .await;
    ok(
        app,
        "hz.director",
        p("/approval"),
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    (id, number)
}

/// A ticket whose crew (周师傅 leading, 吴师傅) stands at the car.
pub async fn on_site(app: &TestApp) -> (String, String) {
    let (id, number) = approved_with(app, &plan_body()).await;
    ok(
        app,
        "hz.tech",
        format!("/api/v1/tickets/{id}/depart"),
        json!({}),
    )
    .await;
    ok(
        app,
        "hz.tech",
        format!("/api/v1/tickets/{id}/arrive"),
        json!({}),
    )
    .await;
    (id, number)
}

/// The crew's photo through the API: (status, body).
pub async fn add_photo(
    app: &TestApp,
    who: &str,
    id: &str,
    kind: &str,
    bytes: &[u8],
) -> (u16, Value) {
    app.post(
        &app.token(who),
        &format!("/api/v1/tickets/{id}/photos"),
        &json!({"kind": kind, "image_base64": b64(bytes)}),
    )
    .await
}

/// What a mismatch report needs first.
pub async fn fault_photo(app: &TestApp, id: &str) {
    let (status, res) = add_photo(app, "hz.tech", id, "fault_on_arrival", &jpeg(2000)).await;
    assert_eq!(status, 201, "{res}");
}

both!(photos_are_checked_served_and_shown, photos_body);
async fn photos_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (before, _) = approved_with(&app, &plan_body()).await;
    let (status, res) = add_photo(&app, "hz.tech", &before, "repair", &jpeg(500)).await;
    assert_eq!(
        (status, res["error"].as_str()),
        (409, Some("invalid_transition")),
        "not before the crew is out: {res}"
    );

    let (id, _) = on_site(&app).await;
    let (status, photo) = add_photo(&app, "hz.tech", &id, "fault_on_arrival", &jpeg(3000)).await;
    assert_eq!(status, 201, "{photo}");
    assert_eq!(photo["kind"], "fault_on_arrival");
    assert_eq!(photo["content_type"], "image/jpeg");
    let pid = photo["id"].as_str().unwrap().to_owned();

    // The type is told by the bytes, not the name: an SVG (script inside) is refused.
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
    let (status, res) = add_photo(&app, "hz.tech", &id, "repair", svg).await;
    assert_eq!(
        (status, res["error"].as_str()),
        (415, Some("unsupported_image")),
        "{res}"
    );
    let (status, res) = add_photo(&app, "hz.tech", &id, "selfie", &jpeg(100)).await;
    assert_eq!(status, 400, "unknown kind: {res}");
    // Too large: refused with a stable code (also through the page, before the body is read).
    let (status, res) = add_photo(&app, "hz.tech", &id, "repair", &jpeg(1_600_000)).await;
    assert_eq!(
        (status, res["error"].as_str()),
        (413, Some("payload_too_large")),
        "{res}"
    );
    let tech = signed_in(&app, "hz.tech").await;
    let job = page_text(&tech, &app, &format!("/jobs/{id}")).await;
    assert!(
        job.contains("capture=\"environment\"") && job.contains("accept=\"image/*\""),
        "camera inputs"
    );
    assert!(job.contains("/static/photos.js"), "the resizing script");
    let csrf = job
        .split("data-csrf=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let res = tech
        .post(app.url(&format!("/jobs/{id}/photos?kind=repair")))
        .header("x-csrf-token", &csrf)
        .header("content-type", "image/jpeg")
        .body(jpeg(1_600_000))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 413);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "payload_too_large"
    );
    // From the page: the raw (already resized) bytes, with the CSRF token; without it, refused.
    let res = tech
        .post(app.url(&format!("/jobs/{id}/photos?kind=repair")))
        .body(jpeg(800))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403, "no CSRF token");
    let res = tech
        .post(app.url(&format!("/jobs/{id}/photos?kind=repair")))
        .header("x-csrf-token", &csrf)
        .header("content-type", "text/html")
        .body(jpeg(800))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201, "the Content-Type is not asked");

    // Only the crew adds photos: the workshop lead is refused.
    let (status, res) = add_photo(&app, "hz.workshop", &id, "repair", &jpeg(100)).await;
    assert_eq!(
        (status, res["error"].as_str()),
        (403, Some("not_in_crew")),
        "{res}"
    );

    // Staff of the dealer see them, with their type and nosniff; another dealer's do not.
    let agent = signed_in(&app, "hz.agent").await;
    let res = fetch(&agent, &app, &format!("/tickets/{id}/photos/{pid}")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().to_vec(), jpeg(3000));
    let other = signed_in(&app, "nb.agent").await;
    let res = fetch(&other, &app, &format!("/tickets/{id}/photos/{pid}")).await;
    assert_eq!(res.status().as_u16(), 404, "another dealer's staff");
    let (status, _) = app
        .get_json(
            &app.token("nb.agent"),
            &format!("/api/v1/tickets/{id}/photos"),
        )
        .await;
    assert_eq!(status, 404);
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = fetch(&anon, &app, &format!("/tickets/{id}/photos/{pid}")).await;
    assert_eq!(res.status().as_u16(), 303, "the URL alone shows nothing");
    let (status, list) = app
        .get_json(
            &app.token("hz.agent"),
            &format!("/api/v1/tickets/{id}/photos"),
        )
        .await;
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(2)));
    // The bytes over the API too, for the dealer's staff only.
    let api = |token: String, path: String| {
        let app = &app;
        async move {
            reqwest::Client::new()
                .get(app.url(&path))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }
    };
    let res = api(
        app.token("hz.agent"),
        format!("/api/v1/tickets/{id}/photos/{pid}"),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().to_vec(), jpeg(3000));
    for (token, path) in [
        (
            app.token("nb.agent"),
            format!("/api/v1/tickets/{id}/photos/{pid}"),
        ),
        (
            app.token("hz.agent"),
            format!("/api/v1/tickets/{id}/photos/nope"),
        ),
        (
            app.token("hz.agent"),
            format!("/api/v1/tickets/{id}/photos/{}", "x".repeat(500)),
        ),
    ] {
        let res = api(token, path.clone()).await;
        assert_eq!(res.status().as_u16(), 404, "{path}");
    }

    // The job link's holder adds and sees photos through the link.
    // Both tickets sent 周师傅 a job link; this one's page offers resolving.
    let codes: Vec<String> = app
        .db
        .read_blocking(|conn| {
            use diesel::prelude::*;
            use rescuedesk::db::schema::outbox;
            Ok(outbox::table
                .filter(outbox::template.eq("technician_dispatch"))
                .filter(outbox::recipient.like("%13900000001%"))
                .select(outbox::body_text)
                .load::<String>(conn)?)
        })
        .unwrap()
        .iter()
        .map(|t| code_in(t, 'j'))
        .collect();
    let mut linked = None;
    for code in codes {
        let page = page_text(&anon, &app, &format!("/j/{code}")).await;
        if page.contains(&format!("data-upload=\"/j/{code}/photos\""))
            && page.contains("id=\"resolve\"")
        {
            linked = Some(code);
        }
    }
    let code = linked.expect("this ticket's job link");
    let res = anon
        .post(app.url(&format!("/j/{code}/photos?kind=parts_used")))
        .body(jpeg(700))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let list = page_text(&anon, &app, &format!("/j/{code}/photos")).await;
    assert_eq!(list.matches("<figure class=\"photo\"").count(), 3, "{list}");
    assert!(list.contains(&format!("/j/{code}/photos/")));

    // The ticket page shows thumbnails and the timeline says who added which.
    let fragment = page_text(&agent, &app, &format!("/tickets/{id}/photos")).await;
    assert!(
        fragment.contains(&format!("src=\"/tickets/{id}/photos/{pid}\"")),
        "{fragment}"
    );
    assert!(
        fragment.contains("到场故障") && fragment.contains("所用配件"),
        "{fragment}"
    );
    let page = page_text(&agent, &app, &format!("/tickets/{id}")).await;
    assert!(
        page.contains(&format!("hx-get=\"/tickets/{id}/photos\"")),
        "the ticket page loads them"
    );
    assert!(
        page.contains("添加照片") && page.contains("到场故障"),
        "in the timeline"
    );
}

both!(photos_are_capped_per_ticket, cap_body);
async fn cap_body(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.photos.max_per_ticket = 2;
        s.photos.per_minute = 100;
    })
    .await;
    let (id, _) = on_site(&app).await;
    repair_photo(&app, &id, (201, None)).await;
    repair_photo(&app, &id, (201, None)).await;
    repair_photo(&app, &id, (409, Some("photo_limit_reached"))).await;
    let app = TestApp::spawn_with(backend, |s| s.photos.per_minute = 1).await;
    let (id, _) = on_site(&app).await;
    repair_photo(&app, &id, (201, None)).await;
    repair_photo(&app, &id, (429, Some("too_many_attempts"))).await;
}

/// Adds a small repair photo: the answer's status and error code are `expect`.
async fn repair_photo(app: &TestApp, id: &str, expect: (u16, Option<&str>)) {
    let (status, res) = add_photo(app, "hz.tech", id, "repair", &jpeg(100)).await;
    assert_eq!((status, res["error"].as_str()), expect, "{res}");
}

both!(a_mismatch_report_needs_a_fault_photo, mismatch_body);
async fn mismatch_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, _) = on_site(&app).await;
    let path = format!("/api/v1/tickets/{id}/mismatch");
    let body = json!({"reason": "是发电机故障，不是蓄电池"});
    let (status, res) = app.post(&app.token("hz.tech"), &path, &body).await;
    assert_eq!(
        (status, res["error"].as_str()),
        (409, Some("fault_photo_required")),
        "{res}"
    );
    assert!(
        res["message"].as_str().unwrap().contains("到场故障照片"),
        "{res}"
    );
    assert_eq!(
        add_photo(&app, "hz.tech", &id, "repair", &jpeg(100))
            .await
            .0,
        201
    );
    let (status, _) = app.post(&app.token("hz.tech"), &path, &body).await;
    assert_eq!(status, 409, "a repair photo is not the fault as found");
    fault_photo(&app, &id).await;
    let (status, res) = app.post(&app.token("hz.tech"), &path, &body).await;
    assert_eq!(status, 200, "{res}");
}

both!(resolving_needs_the_customers_signature, signature_body);
async fn signature_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, _) = on_site(&app).await;
    let path = format!("/api/v1/tickets/{id}/resolve");
    let tech = app.token("hz.tech");
    let (status, res) = app
        .post(&tech, &path, &json!({"work_done": "更换蓄电池"}))
        .await;
    assert_eq!(status, 400, "{res}");
    assert!(res["fields"]["signature"].is_string(), "{res}");
    let not_png = format!("data:image/png;base64,{}", b64(&jpeg(100)));
    let (status, res) = app
        .post(
            &tech,
            &path,
            &json!({"work_done": "更换蓄电池", "signature": not_png}),
        )
        .await;
    assert_eq!(status, 400, "{res}");
    assert!(
        res["fields"]["signature"].as_str().unwrap().contains("PNG"),
        "{res}"
    );
    let huge = format!("data:image/png;base64,{}", "A".repeat(300_000));
    let (status, _) = app
        .post(
            &tech,
            &path,
            &json!({"work_done": "更换蓄电池", "signature": huge}),
        )
        .await;
    assert!(matches!(status, 400 | 413), "bounded: {status}");
    let (status, res) = app
        .post(
            &tech,
            &path,
            &json!({"work_done": "x".repeat(2001), "signature": SIGNATURE}),
        )
        .await;
    assert!(
        status == 400 && res["fields"]["work_done"].is_string(),
        "{res}"
    );
    let (_, d) = app
        .get_json(&app.token("hz.agent"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(d["status"], "on_site", "nothing resolved");
    let (status, res) = app
        .post(
            &tech,
            &path,
            &json!({"work_done": "更换蓄电池，车辆启动正常", "signature": SIGNATURE}),
        )
        .await;
    assert_eq!(status, 200, "{res}");

    // Stored with the ticket and shown on its page.
    let agent = signed_in(&app, "hz.agent").await;
    let fragment = page_text(&agent, &app, &format!("/tickets/{id}/photos")).await;
    assert!(
        fragment.contains("id=\"signature-image\"")
            && fragment.contains("更换蓄电池，车辆启动正常"),
        "{fragment}"
    );
    let res = fetch(&agent, &app, &format!("/tickets/{id}/signature")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let png = base64::engine::general_purpose::STANDARD
        .decode(SIGNATURE.trim_start_matches("data:image/png;base64,"))
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().to_vec(), png);
    let other = signed_in(&app, "nb.agent").await;
    let res = fetch(&other, &app, &format!("/tickets/{id}/signature")).await;
    assert_eq!(res.status().as_u16(), 404);
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/tickets/{id}/signature")))
        .bearer_auth(app.token("hz.manager"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().to_vec(), png);

    // From the job page without the customer there: the reason instead of a signature.
    let (id2, _) = on_site(&app).await;
    let tech = signed_in(&app, "hz.tech").await;
    let job = page_text(&tech, &app, &format!("/jobs/{id2}")).await;
    assert!(
        job.contains("id=\"signature-canvas\"") && job.contains("/static/signature.js"),
        "the pad"
    );
    let post = |fields: Vec<(&'static str, String)>| {
        let tech = tech.clone();
        let url = app.url(&format!("/tickets/{id2}/act/resolve"));
        async move { tech.post(url).form(&fields).send().await.unwrap() }
    };
    let csrf = csrf_of(&job);
    let res = post(vec![
        ("csrf", csrf.clone()),
        ("back", "job".into()),
        ("work_done", "已充电".into()),
    ])
    .await;
    assert_eq!(res.status().as_u16(), 400);
    assert!(res.text().await.unwrap().contains("请客户签名"));
    let res = post(vec![
        ("csrf", csrf),
        ("back", "job".into()),
        ("work_done", "已充电".into()),
        ("customer_absent_reason", "客户在医院，车交给朋友".into()),
    ])
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let fragment = page_text(&agent, &app, &format!("/tickets/{id2}/photos")).await;
    assert!(
        fragment.contains("id=\"customer-absent\"") && fragment.contains("客户在医院"),
        "{fragment}"
    );
}
