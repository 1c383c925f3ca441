//! Weather and area suspensions over HTTP: who may declare and lift one (another dealer sees
//! nothing), the validation by field, a call from inside warned with the words for the customer
//! (never refused), the customers of open tickets inside texted when it is declared and lifted,
//! the board's areas; the page and the intake form's check.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::alerts::messages;
use crate::both;
use crate::helpers::{intake_body, page_text, Backend, TestApp};
use crate::pages::{csrf_of, signed_in};

/// Hangzhou (the intake body's site, GCJ-02), 10 km around; ends in a day.
fn circle() -> Value {
    json!({
        "area": {"shape": "circle", "centre": {"lat": 30.2741, "lon": 120.1551}, "radius_km": 10, "crs": "gcj02"},
        "ends_at": (Utc::now() + Duration::days(1)).to_rfc3339(),
        "reason": "台风红色预警，绕城高速封闭",
        "customer_words": "受台风影响"
    })
}

async fn declare(app: &TestApp, login: &str, body: &Value) -> (u16, Value) {
    app.post(&app.token(login), "/api/v1/suspensions", body)
        .await
}

async fn listed(app: &TestApp, login: &str) -> Vec<Value> {
    let (status, l) = app.get_json(&app.token(login), "/api/v1/suspensions").await;
    assert_eq!(status, 200, "{login}: {l}");
    l["items"].as_array().unwrap().clone()
}

/// A call from Ningbo (far outside the Hangzhou circle), from another mobile.
fn ningbo_call() -> Value {
    let mut body = intake_body();
    body["plate"] = json!("浙B66666");
    body["phone"] = json!("13700001111");
    body["location"] =
        json!({"address": "宁波市鄞州区天童南路", "lat": 29.8683, "lon": 121.5440, "crs": "wgs84"});
    body
}

async fn open(app: &TestApp, body: &Value) -> Value {
    let res = app.post_ticket(&app.token("hz.agent"), body).await;
    assert_eq!(res.status().as_u16(), 201);
    res.json().await.unwrap()
}

fn warning<'a>(t: &'a Value, code: &str) -> Option<&'a Value> {
    t["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == code)
}

both!(
    a_suspension_is_declared_by_managers_validated_by_field_and_kept_to_its_dealer,
    declare_body
);
async fn declare_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, e) = declare(&app, "hz.agent", &circle()).await;
    assert_eq!(
        (status, e["error"].as_str()),
        (403, Some("forbidden")),
        "{e}"
    );
    let (status, _) = app
        .get_json(&app.token("hz.tech"), "/api/v1/suspensions")
        .await;
    assert_eq!(status, 403, "not the crews'");

    let later = |days: i64| (Utc::now() + Duration::days(days)).to_rfc3339();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = circle();
        f(&mut b);
        b
    };
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({}), vec!["area", "ends_at", "reason"]),
        (
            with(&|b| b["area"]["radius_km"] = json!(500)),
            vec!["area.radius_km"],
        ),
        (
            with(&|b| b["area"]["centre"] = json!({"lat": 95, "lon": 120})),
            vec!["area.centre"],
        ),
        (
            with(&|b| b["area"]["shape"] = json!("square")),
            vec!["area.shape"],
        ),
        (
            with(&|b| b["area"]["crs"] = json!("bd09")),
            vec!["area.crs"],
        ),
        (
            with(
                &|b| b["area"] = json!({"shape": "polygon", "points": [{"lat": 30.0, "lon": 120.0}, {"lat": 30.1, "lon": 120.1}]}),
            ),
            vec!["area.points"],
        ),
        (
            with(&|b| {
                let points: Vec<Value> = (0..51)
                    .map(|i| {
                        let a = f64::from(i) / 51.0 * std::f64::consts::TAU;
                        json!({"lat": 30.0 + 0.1 * a.sin(), "lon": 120.0 + 0.1 * a.cos()})
                    })
                    .collect();
                b["area"] = json!({"shape": "polygon", "points": points});
            }),
            vec!["area.points"],
        ),
        (
            with(&|b| {
                b["starts_at"] = json!(later(2));
                b["ends_at"] = json!(later(1));
            }),
            vec!["ends_at"],
        ),
        (with(&|b| b["ends_at"] = json!(later(15))), vec!["ends_at"]),
        (with(&|b| b["ends_at"] = json!("明天")), vec!["ends_at"]),
        (
            with(&|b| b["customer_words"] = json!("很".repeat(41))),
            vec!["customer_words"],
        ),
        (with(&|b| b["reason"] = json!("  ")), vec!["reason"]),
    ];
    for (body, fields) in cases {
        let (status, e) = declare(&app, "hz.manager", &body).await;
        assert_eq!(
            (status, e["error"].as_str()),
            (400, Some("validation_failed")),
            "{body}: {e}"
        );
        let named: Vec<&str> = e["fields"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut want = fields.clone();
        want.sort();
        assert_eq!(named, want, "{body}: {e}");
    }
    assert!(
        listed(&app, "hz.agent").await.is_empty(),
        "nothing declared"
    );

    let (status, d) = declare(&app, "hz.manager", &circle()).await;
    assert_eq!(status, 201, "{d}");
    let s = &d["suspension"];
    assert_eq!(s["state"], "active");
    assert_eq!(s["shape"], "circle");
    assert_eq!(s["radius_km"], 10.0);
    assert_eq!(s["customer_words"], "受台风影响");
    assert_eq!(s["declared_by"], "杭州manager");
    assert_eq!(d["customers_told"], 0);
    // Stored in WGS-84: the GCJ-02 centre moved by a few hundred metres.
    let lat = s["centre"]["lat"].as_f64().unwrap();
    assert!(
        (lat - 30.2741).abs() > 1e-4 && (lat - 30.2741).abs() < 0.01,
        "{s}"
    );
    let id = s["id"].as_str().unwrap().to_owned();

    // The whole desk of the dealer sees it; another dealer neither sees nor lifts it.
    assert_eq!(listed(&app, "hz.agent").await.len(), 1);
    assert!(listed(&app, "nb.manager").await.is_empty());
    let lift = format!("/api/v1/suspensions/{id}/lift");
    let (status, e) = app.post(&app.token("nb.manager"), &lift, &json!({})).await;
    assert_eq!(
        (status, e["error"].as_str()),
        (404, Some("not_found")),
        "{e}"
    );
    let (status, _) = app.post(&app.token("hz.agent"), &lift, &json!({})).await;
    assert_eq!(status, 403);
    let (status, e) = app
        .post(
            &app.token("hz.manager"),
            "/api/v1/suspensions/nope/lift",
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, e["error"].as_str()),
        (400, Some("validation_failed"))
    );

    // The director lifts it: who and when are recorded; once.
    let (status, l) = app.post(&app.token("hz.director"), &lift, &json!({})).await;
    assert_eq!(status, 200, "{l}");
    assert_eq!(l["suspension"]["state"], "lifted");
    assert_eq!(l["suspension"]["lifted_by"], "杭州director");
    assert!(l["suspension"]["lifted_at"].is_string());
    let (status, e) = app.post(&app.token("hz.manager"), &lift, &json!({})).await;
    assert_eq!(
        (status, e["error"].as_str()),
        (409, Some("stale_state")),
        "{e}"
    );
    assert_eq!(listed(&app, "hz.agent").await[0]["state"], "lifted");

    // A polygon (WGS-84) is taken too.
    let (status, d) = declare(
        &app,
        "hz.director",
        &json!({
            "area": {"shape": "polygon", "crs": "wgs84", "points": [
                {"lat": 30.0, "lon": 120.0}, {"lat": 30.0, "lon": 120.5}, {"lat": 30.5, "lon": 120.5}, {"lat": 30.5, "lon": 120.0}
            ]},
            "ends_at": (Utc::now() + Duration::hours(6)).to_rfc3339(),
            "reason": "暴雨内涝"
        }),
    )
    .await;
    assert_eq!(status, 201, "{d}");
    assert_eq!(d["suspension"]["points"].as_array().unwrap().len(), 4);
    assert!(d["suspension"]["customer_words"].is_null());
}

both!(
    a_call_inside_is_warned_and_the_customers_inside_are_texted_both_times,
    inside_body
);
async fn inside_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let inside = open(&app, &intake_body()).await;
    let outside = open(&app, &ningbo_call()).await;
    assert!(warning(&inside, "inside_suspension").is_none());

    let (status, d) = declare(&app, "hz.manager", &circle()).await;
    assert_eq!(status, 201, "{d}");
    assert_eq!(d["customers_told"], 1, "{d}");
    let told = messages(&app, "customer_suspension");
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].0, "13812345678");
    assert!(told[0].1.contains("受台风影响"), "{}", told[0].1);
    assert!(told[0].1.contains(inside["number"].as_str().unwrap()));
    assert!(!told.iter().any(|(to, _)| to == "13700001111"), "outside");

    // A call from inside is taken, with the words for the caller; one from outside is not warned.
    let mut again = intake_body();
    again["plate"] = json!("浙A77777");
    let t = open(&app, &again).await;
    let w = warning(&t, "inside_suspension").expect("inside warns");
    assert_eq!(w["customer_words"], "受台风影响");
    assert_eq!(w["suspension_id"], d["suspension"]["id"]);
    assert!(
        w["message"].as_str().unwrap().contains("台风红色预警"),
        "{w}"
    );
    let mut english = intake_body();
    english["plate"] = json!("浙A88888");
    let (status, en) = app
        .post_in("en", &app.token("hz.agent"), "/api/v1/tickets", &english)
        .await;
    assert_eq!(status, 201, "{en}");
    let w = warning(&en, "inside_suspension").expect("in English too");
    assert!(
        w["message"].as_str().unwrap().starts_with("This location"),
        "{w}"
    );
    let mut far = ningbo_call();
    far["plate"] = json!("浙B77777");
    assert!(warning(&open(&app, &far).await, "inside_suspension").is_none());
    // Another dealer's calls from the same place are not its business.
    let res = app
        .post_ticket(&app.token("nb.agent"), &intake_body())
        .await;
    let nb: Value = res.json().await.unwrap();
    assert!(warning(&nb, "inside_suspension").is_none(), "{nb}");

    // The board shows the area (in the tiles' system) to the dealer and the group, not to Ningbo.
    let (_, b) = app.get_json(&app.token("hz.agent"), "/api/v1/board").await;
    let areas = b["suspensions"].as_array().unwrap();
    assert_eq!(areas.len(), 1, "{b}");
    assert_eq!(areas[0]["shape"], "circle");
    assert!(areas[0]["map_centre"]["lat"].is_f64());
    let (_, g) = app
        .get_json(&app.token("hz.director"), "/api/v1/board")
        .await;
    assert_eq!(g["suspensions"].as_array().unwrap().len(), 1);
    let (_, nb) = app.get_json(&app.token("nb.agent"), "/api/v1/board").await;
    assert!(nb["suspensions"].as_array().unwrap().is_empty());
    let wall = signed_in(&app, "hz.agent").await;
    let live = page_text(&wall, &app, "/board/live").await;
    assert!(live.contains("data-testid=\"board-suspensions\""), "{live}");
    assert!(live.contains("台风红色预警"));
    assert!(
        live.contains("<ul id=\"board-areas\" hidden>\n  <li data-shape=\"circle\""),
        "{live}"
    );

    // Lifted: the open tickets inside are texted again (three calls from 138…), Ningbo not.
    let id = d["suspension"]["id"].as_str().unwrap();
    let (status, l) = app
        .post(
            &app.token("hz.manager"),
            &format!("/api/v1/suspensions/{id}/lift"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{l}");
    assert_eq!(l["customers_told"], 3, "{l}");
    let lifted = messages(&app, "customer_suspension_lifted");
    assert_eq!(lifted.len(), 3, "{lifted:?}");
    assert!(lifted.iter().all(|(to, _)| to == "13812345678"));
    let (_, b) = app.get_json(&app.token("hz.agent"), "/api/v1/board").await;
    assert!(b["suspensions"].as_array().unwrap().is_empty(), "{b}");
    let mut after = intake_body();
    after["plate"] = json!("浙A99999");
    assert!(warning(&open(&app, &after).await, "inside_suspension").is_none());
    let _ = outside;
}

both!(
    the_page_declares_lifts_and_checks_the_intake_site,
    page_body
);
async fn page_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = signed_in(&app, "hz.manager").await;
    let page = page_text(&manager, &app, "/suspensions").await;
    assert!(page.contains("id=\"susp-form\""), "the form");
    assert!(page.contains("/static/suspensions.js"));
    assert!(page.contains("id=\"nav-suspensions\""));
    let csrf = csrf_of(&page);
    let local = |h: i64| {
        (Utc::now() + Duration::hours(8 + h))
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    // A radius that is no number: said under its field, nothing declared.
    let res = manager
        .post(app.url("/suspensions"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("shape", "circle"),
            ("crs", "gcj02"),
            ("centre_lat", "30.2741"),
            ("centre_lon", "120.1551"),
            ("radius_km", "十"),
            ("ends_at", &local(5)),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-field=\"area.radius_km\""), "{html}");
    assert!(html.contains("data-field=\"reason\""));
    assert_eq!(app.count("suspensions"), 0);

    let res = manager
        .post(app.url("/suspensions"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("shape", "polygon"),
            ("crs", "wgs84"),
            ("points", "30.0,120.0\n30.0,120.5\n30.5,120.5\n30.5,120.0"),
            ("ends_at", &local(5)),
            ("reason", "暴雨内涝"),
            ("customer_words", "受暴雨影响"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(app.count("suspensions"), 1);
    let page = page_text(&manager, &app, "/suspensions").await;
    assert!(page.contains("暴雨内涝") && page.contains("data-state=\"active\""));
    assert!(page.contains("data-shape=\"polygon\""), "on the map");

    // The agent sees the list, no form; the intake form's check warns about a site inside.
    let agent = signed_in(&app, "hz.agent").await;
    let page = page_text(&agent, &app, "/suspensions").await;
    assert!(page.contains("暴雨内涝") && !page.contains("id=\"susp-form\""));
    let intake = page_text(&agent, &app, "/tickets/new").await;
    assert!(intake.contains("hx-get=\"/suspensions/check\""));
    let inside = page_text(
        &agent,
        &app,
        "/suspensions/check?lat=30.2&lon=120.2&crs=wgs84",
    )
    .await;
    assert!(
        inside.contains("data-warning=\"inside_suspension\""),
        "{inside}"
    );
    assert!(inside.contains("受暴雨影响"));
    let outside = page_text(
        &agent,
        &app,
        "/suspensions/check?lat=29.8&lon=121.5&crs=wgs84",
    )
    .await;
    assert!(!outside.contains("inside_suspension"), "{outside}");
    let blank = page_text(&agent, &app, "/suspensions/check?lat=&lon=&crs=gcj02").await;
    assert!(!blank.contains("inside_suspension"));

    // Lifting from the page.
    let id = {
        let (_, l) = app
            .get_json(&app.token("hz.agent"), "/api/v1/suspensions")
            .await;
        l["items"][0]["id"].as_str().unwrap().to_owned()
    };
    let res = manager
        .post(app.url(&format!("/suspensions/{id}/lift")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let page = page_text(&manager, &app, "/suspensions").await;
    assert!(page.contains("data-state=\"lifted\""));
    // The map's tiles may load on this page.
    let res = manager.get(app.url("/suspensions")).send().await.unwrap();
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let board = manager.get(app.url("/board")).send().await.unwrap();
    assert_eq!(
        csp,
        board.headers()["content-security-policy"].to_str().unwrap()
    );
}

both!(
    a_suspension_that_runs_out_tells_its_customers_once,
    ran_out_body
);
async fn ran_out_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let inside = open(&app, &intake_body()).await;
    let mut body = circle();
    body["ends_at"] = json!((Utc::now() + Duration::minutes(2)).to_rfc3339());
    let (status, d) = declare(&app, "hz.manager", &body).await;
    assert_eq!(status, 201, "{d}");
    let worker = crate::alerts::timer(&app);
    // Still on: nothing to say.
    let r = worker.run_at(Utc::now().naive_utc()).await.unwrap();
    assert_eq!(r.resumed, 0, "{r:?}");
    assert!(messages(&app, "customer_suspension_lifted").is_empty());
    // Past its end: the customer inside hears that service is back, once, whatever the workers.
    let later = Utc::now().naive_utc() + Duration::minutes(3);
    let (a, b) = (crate::alerts::timer(&app), crate::alerts::timer(&app));
    let (ra, rb) = tokio::join!(a.run_at(later), b.run_at(later));
    assert_eq!(ra.unwrap().resumed + rb.unwrap().resumed, 1);
    let told = messages(&app, "customer_suspension_lifted");
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].0, "13812345678");
    assert!(told[0].1.contains(inside["number"].as_str().unwrap()));
    assert_eq!(worker.run_at(later).await.unwrap().resumed, 0);
    // Long after (the worker was down for a day): not texted a day late.
    let (_, d2) = declare(&app, "hz.manager", &body).await;
    assert!(d2["suspension"]["id"].is_string(), "{d2}");
    let day_late = Utc::now().naive_utc() + Duration::hours(24);
    assert_eq!(worker.run_at(day_late).await.unwrap().resumed, 0);
}
