//! The holiday calendar over HTTP: only the group's admin keeps it, bad entries name their
//! fields, and a holiday that stops the manufacturer makes its orders later on the sourcing
//! report, on the consent script and in what the customer was told.

use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{Backend, TestApp};
use crate::sourcing::{awaiting_consent, consent_script, local_minutes, ok, stored_consent, utc};

/// The dealers' local date today (UTC+8).
fn local_today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

fn holiday(first: NaiveDate, days: i64, effects: Value) -> Value {
    json!({
        "name_zh": "测试节",
        "name_en": "Test Festival",
        "first_day": first.to_string(),
        "last_day": (first + Duration::days(days - 1)).to_string(),
        "effects": effects,
    })
}

fn audit_actions(app: &TestApp) -> Vec<String> {
    app.db
        .read_blocking(|conn| {
            use rescuedesk::db::schema::audit_events;
            Ok(audit_events::table
                .filter(audit_events::entity.eq("holiday"))
                .order(audit_events::id.asc())
                .select(audit_events::action)
                .load(conn)?)
        })
        .unwrap()
}

async fn delete(app: &TestApp, token: &str, path: &str) -> u16 {
    app.client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

both!(the_admin_keeps_the_holiday_calendar, calendar_body);
async fn calendar_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("hz.admin");
    let first = local_today() + Duration::days(30);
    let body = holiday(
        first,
        7,
        json!([
            {"channel": "express", "stopped": false, "extra_hours": 48},
            {"channel": "manufacturer", "stopped": true, "extra_hours": 24},
            {"channel": "drive", "stopped": false, "extra_hours": 0}
        ]),
    );

    // Only the admin writes; the desk reads; the crews do not see it.
    let (status, res) = app
        .post(&app.token("hz.manager"), "/api/v1/holidays", &body)
        .await;
    assert_eq!(
        (status, res["error"].as_str()),
        (403, Some("forbidden")),
        "{res}"
    );
    let (status, _) = app
        .get_json(&app.token("hz.tech"), "/api/v1/holidays")
        .await;
    assert_eq!(status, 403);
    assert_eq!(app.count("holidays"), 0);

    let (status, h) = app.post(&admin, "/api/v1/holidays", &body).await;
    assert_eq!(status, 201, "{h}");
    let id = h["id"].as_str().unwrap().to_owned();
    assert_eq!(h["days"], 7);
    // Sorted, and the channel left as usual is not stored.
    assert_eq!(
        h["effects"],
        json!([
            {"channel": "manufacturer", "stopped": true, "extra_hours": 24},
            {"channel": "express", "stopped": false, "extra_hours": 48}
        ])
    );
    let year = chrono::Datelike::year(&first);
    let (status, list) = app
        .get_json(
            &app.token("hz.agent"),
            &format!("/api/v1/holidays?year={year}"),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["holidays"][0]["id"], id.as_str());
    assert_eq!(list["may_manage"], false);

    // A second holiday on the same days is refused, naming the first.
    let (status, res) = app
        .post(
            &admin,
            "/api/v1/holidays",
            &holiday(first + Duration::days(3), 2, json!([])),
        )
        .await;
    assert_eq!(status, 400, "{res}");
    let overlap = res["fields"]["first_day"].as_str().unwrap();
    assert!(overlap.contains("测试节"), "{overlap}");

    // Bad fields, each named; nothing written.
    let (status, res) = app
        .post(
            &admin,
            "/api/v1/holidays",
            &json!({"name_zh": " ", "first_day": "2027-02-30", "last_day": first.to_string(),
                    "effects": [{"channel": "air", "stopped": false, "extra_hours": 9999}]}),
        )
        .await;
    assert_eq!(status, 400, "{res}");
    for field in ["name_zh", "first_day", "effects"] {
        assert!(res["fields"][field].is_string(), "{field}: {res}");
    }
    let (status, res) = app
        .post(
            &admin,
            "/api/v1/holidays",
            &json!({"name_zh": "x", "first_day": first.to_string(), "last_day": first.to_string(),
                    "effects": [{"channel": "boat", "stopped": true, "extra_hours": 0}]}),
        )
        .await;
    assert_eq!(status, 400, "an unknown channel: {res}");
    let (status, res) = app
        .post(
            &admin,
            "/api/v1/holidays",
            &holiday(first + Duration::days(40), 40, json!([])),
        )
        .await;
    assert_eq!(status, 400, "{res}");
    assert!(
        res["fields"]["last_day"].as_str().unwrap().contains("31"),
        "{res}"
    );
    assert_eq!(app.count("holidays"), 1);

    // Replaced whole: the effects are what the new body says.
    let mut changed = body.clone();
    changed["effects"] = json!([{"channel": "road", "stopped": true, "extra_hours": 0}]);
    let (status, h) = app
        .put(&admin, &format!("/api/v1/holidays/{id}"), &changed)
        .await;
    assert_eq!(status, 200, "{h}");
    assert_eq!(
        h["effects"],
        json!([{"channel": "road", "stopped": true, "extra_hours": 0}])
    );
    assert_eq!(app.count("holiday_effects"), 1);

    // Another group's admin would not find it; an id that is no id is a 400, a stranger 404.
    let (status, _) = app
        .get_json(
            &admin,
            "/api/v1/holidays/018f0000-0000-7000-8000-000000000000",
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(&admin, "/api/v1/holidays/not-an-id").await;
    assert!(status == 400 || status == 404, "{status}");
    let (status, res) = app.get_json(&admin, "/api/v1/holidays?year=1999").await;
    assert_eq!(status, 400, "{res}");

    assert_eq!(
        delete(
            &app,
            &app.token("hz.manager"),
            &format!("/api/v1/holidays/{id}")
        )
        .await,
        403
    );
    assert_eq!(
        delete(&app, &admin, &format!("/api/v1/holidays/{id}")).await,
        204
    );
    assert_eq!(
        delete(&app, &admin, &format!("/api/v1/holidays/{id}")).await,
        404
    );
    assert_eq!(
        (app.count("holidays"), app.count("holiday_effects")),
        (0, 0)
    );
    assert_eq!(
        audit_actions(&app),
        ["holiday.added", "holiday.changed", "holiday.removed"]
    );
}

/// The manufacturer's express option of a ticket's short line, from the sourcing report.
async fn manufacturer_express(app: &TestApp, ticket: &str) -> (Value, Value) {
    let (status, r) = app
        .get_json(
            &app.token("hz.parts"),
            &format!("/api/v1/tickets/{ticket}/sourcing"),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let option = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["options"].as_array().unwrap().iter())
        .find(|o| o["kind"] == "manufacturer" && o["mode"] == "express")
        .unwrap_or_else(|| panic!("a manufacturer express option: {r}"))
        .clone();
    (option, r)
}

both!(
    a_holiday_makes_manufacturer_orders_later_and_the_customer_hears_why,
    logistics_body
);
async fn logistics_body(backend: Backend) {
    use crate::pages::signed_in;
    let app = TestApp::spawn(backend).await;
    // The key is stocked nowhere in the group: only the manufacturer has it (36 h by courier).
    let id = awaiting_consent(&app, Some("key")).await;
    let (before, _) = manufacturer_express(&app, &id).await;
    assert!(before.get("holidays").is_none(), "no holiday yet: {before}");

    // From tomorrow, three days: the manufacturer stops (24 h backlog after), couriers run 48 h
    // slower. An order placed today is on the eve.
    let (status, h) = app
        .post(
            &app.token("hz.admin"),
            "/api/v1/holidays",
            &holiday(
                local_today() + Duration::days(1),
                3,
                json!([
                    {"channel": "manufacturer", "stopped": true, "extra_hours": 24},
                    {"channel": "express", "stopped": false, "extra_hours": 48}
                ]),
            ),
        )
        .await;
    assert_eq!(status, 201, "{h}");
    let (after, report) = manufacturer_express(&app, &id).await;
    // Under way when the holiday begins: its clock stands for the three days, then 24 + 48 h.
    let later = utc(&after["arrives_at"]) - utc(&before["arrives_at"]);
    assert!(
        (later - Duration::hours(72 + 72)).num_seconds().abs() < 120,
        "{later} later: {before} → {after}"
    );
    assert_eq!(after["holidays"][0]["holiday_id"], h["id"]);
    assert_eq!(after["holidays"][0]["stopped"], true);
    assert_eq!(after["holidays"][0]["extra_hours"], 72);
    assert_eq!(report["holidays"][0]["name_zh"], "测试节");
    // Whatever is recommended waits out the holiday too: the car is fixed three days later
    // than the plain express would have allowed at the least.
    let fix = utc(&report["earliest_fix_at"]);
    assert!(
        fix >= utc(&before["arrives_at"]) + Duration::hours(72),
        "{report}"
    );
    let line = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["part_id"] == "key")
        .unwrap();
    let recommended = &line["options"][line["recommended"].as_u64().unwrap() as usize];
    assert_eq!(recommended["holidays"][0]["holiday_id"], h["id"], "{line}");

    // The sourcing page says why the arrival is late.
    let parts = signed_in(&app, "hz.parts").await;
    let page = crate::helpers::page_text(&parts, &app, &format!("/tickets/{id}/parts")).await;
    assert!(
        page.contains("holiday-banner") && page.contains("测试节（"),
        "{page}"
    );
    assert!(page.contains("测试节停运，节后另需 72 小时"), "{page}");

    // The consent script gives the later fix time and tells the customer why.
    let manager = signed_in(&app, "hz.manager").await;
    let page = crate::helpers::page_text(&manager, &app, &format!("/tickets/{id}")).await;
    let script = consent_script(&page);
    assert!(script.contains("正值测试节"), "{script}");
    assert!(
        local_minutes(fix)
            .iter()
            .any(|m| script.contains(m.as_str())),
        "{script} names {fix}"
    );
    manager.get(app.url("/lang/en")).send().await.unwrap();
    let page = crate::helpers::page_text(&manager, &app, &format!("/tickets/{id}")).await;
    assert!(
        consent_script(&page).contains("It is Test Festival"),
        "{}",
        consent_script(&page)
    );

    // What was told is stored with the consent, holiday included.
    ok(
        &app,
        &app.token("hz.manager"),
        &format!("/api/v1/tickets/{id}/consent"),
        json!({"plan_version": 1, "agreed": true}),
    )
    .await;
    let told = stored_consent(&app, &id).await;
    assert_eq!(told["holidays"][0]["name_zh"], "测试节", "{told}");
    assert!(
        (utc(&told["earliest_fix_at"]) - fix).num_seconds().abs() < 120,
        "{told}"
    );
    assert_eq!(told["tow_offered"], true, "days away: towing is offered");
}

both!(the_holiday_page_adds_changes_and_removes, page_body);
async fn page_body(backend: Backend) {
    use crate::helpers::page_text;
    use crate::pages::{csrf_of, signed_in};
    let app = TestApp::spawn(backend).await;
    let first = local_today() + Duration::days(20);
    let last = first + Duration::days(6);
    let year = chrono::Datelike::year(&first);
    let admin = signed_in(&app, "hz.admin").await;
    let list = format!("/holidays?year={year}");
    let page = page_text(&admin, &app, &list).await;
    assert!(page.contains("id=\"holiday-empty\"") && page.contains("id=\"holiday-form\""));
    let csrf = csrf_of(&page);
    let post = |fields: Vec<(&'static str, String)>| {
        let (admin, url) = (admin.clone(), app.url("/holidays"));
        async move {
            let res = admin.post(url).form(&fields).send().await.unwrap();
            let status = res.status().as_u16();
            let location = res
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_owned());
            (status, location, res.text().await.unwrap())
        }
    };
    let form = |name: &str, first: NaiveDate, last: NaiveDate, hours: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("id", String::new()),
            ("name_zh", name.to_owned()),
            ("name_en", "Spring Festival".to_owned()),
            ("first_day", first.to_string()),
            ("last_day", last.to_string()),
            ("manufacturer_mode", "stopped".to_owned()),
            ("manufacturer_hours", "24".to_owned()),
            ("express_mode", "slower".to_owned()),
            ("express_hours", hours.to_owned()),
            ("drive_mode", "usual".to_owned()),
            ("drive_hours", "5".to_owned()),
        ]
    };

    // Refused forms come back with the field marked and what was typed kept.
    let (status, _, html) = post(form("春节", first, last, "two days")).await;
    assert_eq!(status, 400);
    assert!(
        html.contains("data-field=\"effects\"") && html.contains("value=\"two days\""),
        "{html}"
    );
    let (status, _, html) = post(form("春节", last, first, "48")).await;
    assert_eq!(status, 400);
    assert!(
        html.contains("data-field=\"last_day\"") && html.contains("value=\"春节\""),
        "{html}"
    );
    assert_eq!(app.count("holidays"), 0);

    let (status, location, _) = post(form("春节", first, last, "48")).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(format!("{list}&saved=1").as_str()))
    );
    let page = page_text(&admin, &app, &location.unwrap()).await;
    assert!(page.contains("id=\"holiday-saved\""));
    assert!(
        page.contains("厂家紧急订单停运，节后另需 24 小时；快递慢 48 小时"),
        "{page}"
    );
    assert!(
        !page.contains("兄弟店专车慢"),
        "the van left as usual: {page}"
    );
    let id: String = app
        .db
        .read_blocking(|conn| {
            use rescuedesk::db::schema::holidays;
            Ok(holidays::table.select(holidays::id).first(conn)?)
        })
        .unwrap();

    // Changed through the same form, opened on the holiday.
    let edit = page_text(&admin, &app, &format!("{list}&edit={id}")).await;
    assert!(
        edit.contains(&format!("name=\"id\" value=\"{id}\"")),
        "{edit}"
    );
    assert!(edit.contains("value=\"春节\""));
    let mut changed = form("春节（调休）", first, last, "48");
    changed[1].1 = id.clone();
    let (status, _, _) = post(changed).await;
    assert_eq!(status, 303);
    let page = page_text(&admin, &app, &list).await;
    assert!(page.contains("春节（调休）"), "{page}");
    assert_eq!(app.count("holidays"), 1);

    // The desk reads it without the forms; the crews may not.
    let agent = signed_in(&app, "hz.agent").await;
    let page = page_text(&agent, &app, &list).await;
    assert!(page.contains("春节（调休）") && !page.contains("id=\"holiday-form\""));
    let res = agent
        .post(app.url("/holidays"))
        .form(&form("x", first, first, "1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let tech = signed_in(&app, "hz.tech").await;
    let res = tech.get(app.url("/holidays")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);

    // Removed.
    let res = admin
        .post(app.url(&format!("/holidays/{id}/delete")))
        .form(&[("csrf", csrf.as_str()), ("year", &year.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(app.count("holidays"), 0);
    let res = admin
        .post(app.url("/holidays/not-an-id/delete"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
}

both!(the_demo_ships_the_next_spring_festival, demo_body);
async fn demo_body(backend: Backend) {
    let app = TestApp::spawn_demo(backend).await;
    let (status, y) = app
        .get_json(&app.token("hz.director"), "/api/v1/holidays?year=2027")
        .await;
    assert_eq!(status, 200, "{y}");
    let spring = y["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name_zh"] == "春节")
        .unwrap_or_else(|| panic!("the Spring Festival: {y}"));
    // The rota's days (除夕 to 初七), with the manufacturer and road freight stopped.
    assert_eq!(
        (spring["first_day"].as_str(), spring["last_day"].as_str()),
        (Some("2027-02-05"), Some("2027-02-12"))
    );
    assert_eq!(
        spring["effects"][0],
        json!({"channel": "manufacturer", "stopped": true, "extra_hours": 24})
    );
}
