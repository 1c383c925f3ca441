//! Page defects found in the Chromium walk: refusals beside their own fields on the intake form
//! and in the plan editor (every bad field at once), one word for a blank required field, the
//! location request only while the site is unknown.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, Backend, TestApp};
use crate::pages::{csrf_of, signed_in};

/// The text of the field error `err-<field>`.
fn field_error<'a>(html: &'a str, field: &str) -> &'a str {
    let marker = format!("id=\"err-{field}\">");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no error for {field}: {html}"))
        + marker.len();
    &html[at..at + html[at..].find("</p>").unwrap()]
}

both!(intake_errors_stand_under_their_own_fields, intake_body_fn);
async fn intake_body_fn(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let agent = signed_in(&app, "hz.agent").await;
    let (csrf, key) = crate::intake::intake_page(&agent, &app).await;
    let form = [
        ("csrf", csrf),
        ("form_key", key),
        ("customer_name", String::new()),
        ("phone", "13812345678".into()),
        ("address", "宁波市鄞州区天童南路".into()),
        ("lat", "north".into()),
        ("lon", "200".into()),
        ("crs", "gcj02".into()),
        ("plate", "ABC".into()),
        ("model", String::new()),
        ("mileage_km", "12000".into()),
        ("fault", "仪表报高压系统故障".into()),
        ("response_level", "1".into()),
    ];
    let res = agent
        .post(app.url("/tickets/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} in {html}"));
    // Each error inside its field's column, before the next field (on a phone the columns
    // stack, so an error after the row stood under the wrong field).
    assert!(at("id=\"err-lat\"") < at("name=\"lon\""));
    assert!(at("name=\"lon\"") < at("id=\"err-lon\""));
    assert!(at("id=\"err-lon\"") < at("name=\"crs\""));
    assert!(at("id=\"err-model\"") < at("name=\"mileage_km\""));
    // A plate that does not read is said once, under its field, not again in the vehicle panel.
    let plate = field_error(&html, "plate");
    assert!(!plate.is_empty());
    assert_eq!(html.matches(plate).count(), 1, "{plate}: {html}");
    // A blank name is "required", as an absent one is.
    assert_eq!(field_error(&html, "customer_name"), "必填");
    assert_eq!(field_error(&html, "model"), "必填");
    assert_eq!(app.count("tickets"), 0);
}

both!(a_blank_required_text_is_required_over_the_api, blank_body);
async fn blank_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    let mut body = intake_body();
    body["customer_name"] = json!("  ");
    for (lang, word) in [("zh-CN", "必填"), ("en", "Required")] {
        let err: Value = app
            .client
            .post(app.url("/api/v1/tickets"))
            .bearer_auth(&token)
            .header("accept-language", lang)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(err["error"], "validation_failed", "{err}");
        assert_eq!(err["fields"]["customer_name"], word, "{err}");
    }
    body.as_object_mut().unwrap().remove("customer_name");
    let (status, err) = app.post(&token, "/api/v1/tickets", &body).await;
    assert_eq!(status, 400);
    assert_eq!(
        err["fields"]["customer_name"], "必填",
        "absent says the same"
    );
}

both!(
    the_location_request_only_while_the_site_is_unknown,
    location_body
);
async fn location_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let known = app.new_ticket().await;
    let mut body = intake_body();
    body["plate"] = json!("浙B54321");
    body["location"] = json!({"address": "G92 杭州湾环线 某服务区附近"});
    body["location_pending"] = json!(true);
    let res = app.post_ticket(&app.token("hz.agent"), &body).await;
    assert_eq!(res.status().as_u16(), 201);
    let pending: Value = res.json().await.unwrap();
    let agent = signed_in(&app, "hz.agent").await;
    let page = page_text(&agent, &app, &format!("/tickets/{known}")).await;
    assert!(!page.contains("location-request-form"), "{page}");
    let page = page_text(
        &agent,
        &app,
        &format!("/tickets/{}", pending["id"].as_str().unwrap()),
    )
    .await;
    assert!(page.contains("id=\"location-request-form\""), "{page}");
}

both!(a_refused_plan_marks_every_bad_field_at_once, plan_body_fn);
async fn plan_body_fn(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.new_ticket().await;
    let lead = signed_in(&app, "hz.workshop").await;
    let editor = page_text(&lead, &app, &format!("/tickets/{id}/plan")).await;
    // No crew; a blank first item row; an item without its words; one whose minutes are no
    // number; the repair time no number either.
    let form = [
        ("csrf", csrf_of(&editor)),
        ("item_desc", String::new()),
        ("item_minutes", String::new()),
        ("item_rate", String::new()),
        ("item_desc", String::new()),
        ("item_minutes", "30".into()),
        ("item_rate", String::new()),
        ("item_desc", "更换轮胎".into()),
        ("item_minutes", "half an hour".into()),
        ("item_rate", String::new()),
        ("estimated_minutes", "soon".into()),
        ("travel_km", String::new()),
        ("special_notes", String::new()),
    ];
    let res = lead
        .post(app.url(&format!("/tickets/{id}/plan")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    for field in [
        "crew",
        "items[1].description",
        "items[2].labour_minutes",
        "estimated_minutes",
    ] {
        assert!(
            html.contains(&format!("class=\"field-error\" data-field=\"{field}\"")),
            "{field} is listed: {html}"
        );
    }
    // …and each is marked where it is typed.
    assert!(
        html.contains("<fieldset class=\"plan-crew invalid\">"),
        "{html}"
    );
    assert!(html.contains("name=\"estimated_minutes\" value=\"soon\" aria-invalid=\"true\""));
    assert!(html.contains(
        "name=\"item_minutes\" value=\"half an hour\" class=\"qty\" aria-invalid=\"true\""
    ));
    // The second row's words are missing; the first (blank) row is no line at all.
    let descs: Vec<&str> = html
        .match_indices("<input name=\"item_desc\"")
        .map(|(at, _)| &html[at..at + html[at..].find('>').unwrap()])
        .collect();
    assert_eq!(descs.len(), 3, "{html}");
    assert!(!descs[0].contains("aria-invalid"), "{}", descs[0]);
    assert!(descs[1].contains("aria-invalid=\"true\""), "{}", descs[1]);
    assert!(!descs[2].contains("aria-invalid"), "{}", descs[2]);
    assert!(
        html.contains("<fieldset class=\"plan-tools\">"),
        "no tool is wrong"
    );
    assert!(
        html.contains("<fieldset class=\"plan-items\">"),
        "the items' own inputs are marked, not the whole list"
    );
    assert_eq!(app.count("plans"), 0, "nothing saved");
}

both!(the_timeline_says_which_parts_and_why_paused, timeline_body);
async fn timeline_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.new_ticket().await;
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    let workshop = app.token("hz.workshop");
    let (status, res) = app
        .put(&workshop, &p("/plan"), &crate::helpers::plan_body())
        .await;
    assert_eq!(status, 200, "{res}");
    let (status, res) = app
        .post(&workshop, &p("/plan/submit"), &json!({"version": 1}))
        .await;
    assert_eq!(status, 200, "{res}");
    let (status, res) = app
        .post(
            &app.token("hz.manager"),
            &p("/pause"),
            &json!({"reason": "consent_call_unanswered"}),
        )
        .await;
    assert_eq!(status, 200, "{res}");
    let agent = signed_in(&app, "hz.agent").await;
    for (lang, reserved, why) in [
        (
            "zh-CN",
            "预留：000 915 105 DE ×1、N 102 621 02 ×2",
            "确认电话无人接听",
        ),
        (
            "en",
            "Reserved: 000 915 105 DE ×1, N 102 621 02 ×2",
            "Consent call unanswered",
        ),
    ] {
        agent
            .get(app.url(&format!("/lang/{lang}")))
            .send()
            .await
            .unwrap();
        let html = page_text(&agent, &app, &format!("/tickets/{id}")).await;
        let timeline = &html[html.find("id=\"timeline\"").unwrap()..];
        assert!(timeline.contains(reserved), "{timeline}");
        assert!(timeline.contains(why), "{timeline}");
    }
}
