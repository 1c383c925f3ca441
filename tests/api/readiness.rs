//! Holiday readiness over HTTP: the dealer's page names each day without a technician or a
//! manager and each vehicle without a holiday check or not ready, and clears them as the rota
//! and the checks are put in place; the director sees every dealer of the group.

use chrono::{Duration, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{page_text, Backend, TestApp};
use crate::pages::signed_in;
use crate::rota::person;

fn local_today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// The red lines of the gaps list.
fn gaps(html: &str) -> Vec<String> {
    html.split("<li class=\"gap\">")
        .skip(1)
        .map(|s| s.split("</li>").next().unwrap().to_owned())
        .collect()
}

async fn ok(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (status, res) = app.post(token, path, &body).await;
    assert!(status == 200 || status == 201, "{path}: {status} {res}");
    res
}

both!(
    the_readiness_page_shows_every_gap_until_it_is_closed,
    readiness_body
);
async fn readiness_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Two days from three days on: a holiday check made today counts (its window opens a week
    // before the first day).
    let first = local_today() + Duration::days(3);
    let second = first + Duration::days(1);
    let (status, h) = app
        .post(
            &app.token("hz.admin"),
            "/api/v1/holidays",
            &json!({"name_zh": "测试节", "name_en": "Test Festival",
                    "first_day": first.to_string(), "last_day": second.to_string()}),
        )
        .await;
    assert_eq!(status, 201, "{h}");
    let lead = signed_in(&app, "hz.workshop").await;
    let md = |d: NaiveDate| d.format("%m-%d").to_string();

    // Nothing in place: both days lack both roles.
    let html = page_text(&lead, &app, "/readiness").await;
    assert!(html.contains("测试节（"), "{html}");
    assert_eq!(
        gaps(&html),
        [
            format!("{} 没有技师值班或备班", md(first)),
            format!("{} 没有经理值班或备班", md(first)),
            format!("{} 没有技师值班或备班", md(second)),
            format!("{} 没有经理值班或备班", md(second)),
            "节前备货清单尚未确认订购".to_owned(),
        ]
    );
    assert!(html.contains("还没有登记救援车辆"));
    assert!(html.contains("还没有节前备货清单"));

    // The rota: a technician on the first day only, the manager on call both days.
    let token = app.token("hz.workshop");
    let tech = person(&app, &token, "hz-t1").await;
    let manager = person(&app, &token, "hz.manager").await;
    for (who, day, kind) in [
        (&tech, first, "on_duty"),
        (&manager, first, "on_call"),
        (&manager, second, "on_call"),
    ] {
        let (status, res) = app
            .put(
                &token,
                "/api/v1/rota/shifts",
                &json!({"person": who, "date": day.to_string(), "start": "08:00", "end": "20:00", "kind": kind}),
            )
            .await;
        assert_eq!(status, 200, "{res}");
    }
    // A van checked daily (ready, but not for the holiday), a tow truck whose holiday check failed.
    let van = ok(
        &app,
        &token,
        "/api/v1/rescue-vehicles",
        json!({"plate": "浙A·J1234", "kind": "service_van", "base": "城北站"}),
    )
    .await;
    let tow = ok(
        &app,
        &token,
        "/api/v1/rescue-vehicles",
        json!({"plate": "浙A·T5678", "kind": "tow_truck", "base": "城北站"}),
    )
    .await;
    let all = |pass: bool| json!({"fuel": true, "water": true, "tyre_pressure": pass, "tool_kit": true, "lights": true});
    let tech_token = app.token("hz.tech");
    let mut daily = all(true);
    daily["occasion"] = json!("daily");
    ok(
        &app,
        &tech_token,
        &format!(
            "/api/v1/rescue-vehicles/{}/checks",
            van["id"].as_str().unwrap()
        ),
        daily,
    )
    .await;
    let mut failed = all(false);
    failed["occasion"] = json!("holiday");
    failed["note"] = json!("右前胎气压低");
    let tow_checks = format!(
        "/api/v1/rescue-vehicles/{}/checks",
        tow["id"].as_str().unwrap()
    );
    ok(&app, &tech_token, &tow_checks, failed).await;

    let html = page_text(&lead, &app, "/readiness").await;
    assert_eq!(
        gaps(&html),
        [
            format!("{} 没有技师值班或备班", md(second)),
            "浙AJ1234 未做节前检查".to_owned(),
            "浙AT5678 未做节前检查".to_owned(),
            "浙AT5678 目前不能出车".to_owned(),
            "节前备货清单尚未确认订购".to_owned(),
        ]
    );

    // The group's director sees Hangzhou with its counts, and Ningbo with its own gaps.
    let director = signed_in(&app, "hz.director").await;
    let group = page_text(&director, &app, "/readiness/group").await;
    let hz_row = group
        .split("<tr data-dealer=")
        .find(|r| r.contains("浙AT5678"))
        .unwrap_or_else(|| panic!("hz's row: {group}"));
    assert!(
        hz_row.contains("1 项未落实") && hz_row.contains("3 项未落实"),
        "{hz_row}"
    );
    assert!(
        group.matches("<tr data-dealer=").count() >= 2,
        "every dealer: {group}"
    );

    // Closed: the technician on the second day, both vehicles pass a holiday check.
    let (status, _) = app
        .put(
            &token,
            "/api/v1/rota/shifts",
            &json!({"person": tech, "date": second.to_string(), "start": "20:00", "end": "08:00", "kind": "on_call"}),
        )
        .await;
    assert_eq!(status, 200);
    let mut holiday_pass = all(true);
    holiday_pass["occasion"] = json!("holiday");
    ok(&app, &tech_token, &tow_checks, holiday_pass.clone()).await;
    ok(
        &app,
        &tech_token,
        &format!(
            "/api/v1/rescue-vehicles/{}/checks",
            van["id"].as_str().unwrap()
        ),
        holiday_pass,
    )
    .await;
    // The holiday stock: two batteries ordered, then received.
    let stock = format!("/api/v1/holiday-stock/{}", h["id"].as_str().unwrap());
    let parts_manager = app.token("hz.partsmgr");
    let (status, res) = app
        .put(
            &parts_manager,
            &stock,
            &json!({"lines": [{"part_id": "battery", "quantity": 2}]}),
        )
        .await;
    assert_eq!(status, 200, "{res}");
    ok(&app, &parts_manager, &format!("{stock}/confirm"), json!({})).await;
    let html = page_text(&lead, &app, "/readiness").await;
    assert_eq!(gaps(&html), ["节前备货还有 1 种配件未到货"]);
    ok(
        &app,
        &app.token("hz.parts"),
        &format!("{stock}/receipts"),
        json!({"part_id": "battery", "quantity": 2}),
    )
    .await;
    let html = page_text(&lead, &app, "/readiness").await;
    assert!(gaps(&html).is_empty(), "{:?}", gaps(&html));
    assert!(html.contains("id=\"ready-all\""));

    // English, one language.
    lead.get(app.url("/lang/en")).send().await.unwrap();
    let html = page_text(
        &lead,
        &app,
        &format!("/readiness?holiday={}", h["id"].as_str().unwrap()),
    )
    .await;
    assert!(
        html.contains("All in place") && html.contains("Test Festival ("),
        "{html}"
    );

    // Who may not look, and what is not there.
    let res = signed_in(&app, "hz.agent")
        .await
        .get(app.url("/readiness"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = signed_in(&app, "hz.tech")
        .await
        .get(app.url("/readiness"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = lead.get(app.url("/readiness/group")).send().await.unwrap();
    assert_eq!(
        res.status().as_u16(),
        403,
        "the group's page is the director's"
    );
    let res = lead
        .get(app.url("/readiness?holiday=018f0000-0000-7000-8000-000000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
}

both!(without_a_coming_holiday_the_page_says_so, empty_body);
async fn empty_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let html = page_text(&signed_in(&app, "hz.manager").await, &app, "/readiness").await;
    assert!(html.contains("id=\"ready-no-holiday\""), "{html}");
    let html = page_text(
        &signed_in(&app, "hz.director").await,
        &app,
        "/readiness/group",
    )
    .await;
    assert!(html.contains("id=\"ready-no-holiday\""), "{html}");
}
