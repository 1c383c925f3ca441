//! Holiday stock over HTTP: the suggestion from a hand-built past with a known answer, who may
//! see and confirm, bounded adjustments, confirm, receive, and the CSV and Excel downloads.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use rescuedesk::db::schema::{
    plan_parts, plans, rescue_facts, service_visit_parts, service_visits, sourcing_orders, users,
    vehicles,
};
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{Backend, TestApp};

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// A finished rescue of hz at local noon of `day`: a plan of record with these parts
/// `(part, quantity)` and the sourcing orders `(part, quantity, status)` it needed.
async fn past_rescue(
    app: &TestApp,
    day: NaiveDate,
    parts: &'static [(&'static str, i32)],
    orders: &'static [(&'static str, i32, &'static str)],
) {
    let ticket = app.new_ticket().await;
    let dealer = app.nb_dealer.clone();
    app.db
        .write_blocking(move |conn| {
            let hz: String = rescuedesk::db::schema::tickets::table
                .find(&ticket)
                .select(rescuedesk::db::schema::tickets::dealer_id)
                .first(conn)?;
            assert_ne!(hz, dealer, "the test ticket is hz's");
            let by: String = users::table
                .filter(users::login.eq("hz.workshop"))
                .select(users::id)
                .first(conn)?;
            // Local noon is 04:00 UTC.
            let at: NaiveDateTime = day.and_hms_opt(4, 0, 0).unwrap();
            let plan = rescuedesk::repo::new_id();
            diesel::insert_into(plans::table)
                .values((
                    plans::id.eq(&plan),
                    plans::ticket_id.eq(&ticket),
                    plans::version.eq(1),
                    plans::status.eq("submitted"),
                    plans::estimated_minutes.eq(30),
                    plans::travel_km.eq(5.0),
                    plans::special_notes.eq(""),
                    plans::parts_fen.eq(0_i64),
                    plans::labour_fen.eq(0_i64),
                    plans::travel_fen.eq(0_i64),
                    plans::total_fen.eq(0_i64),
                    plans::created_by.eq(&by),
                    plans::created_at.eq(at),
                    plans::submitted_at.eq(Some(at)),
                ))
                .execute(conn)?;
            let mut line_of = std::collections::HashMap::new();
            for (part, q) in parts {
                let line = rescuedesk::repo::new_id();
                diesel::insert_into(plan_parts::table)
                    .values((
                        plan_parts::id.eq(&line),
                        plan_parts::plan_id.eq(&plan),
                        plan_parts::part_id.eq(*part),
                        plan_parts::quantity.eq(*q),
                        plan_parts::unit_price_fen.eq(0_i64),
                        plan_parts::reserved.eq(0),
                    ))
                    .execute(conn)?;
                line_of.insert(*part, line);
            }
            for (part, q, status) in orders {
                diesel::insert_into(sourcing_orders::table)
                    .values((
                        sourcing_orders::id.eq(rescuedesk::repo::new_id()),
                        sourcing_orders::ticket_id.eq(&ticket),
                        sourcing_orders::plan_part_id.eq(&line_of[part]),
                        sourcing_orders::part_id.eq(*part),
                        sourcing_orders::quantity.eq(*q),
                        sourcing_orders::kind.eq("manufacturer"),
                        sourcing_orders::mode.eq("express"),
                        sourcing_orders::status.eq(*status),
                        sourcing_orders::cost_fen.eq(0_i64),
                        sourcing_orders::created_by.eq(&by),
                        sourcing_orders::created_at.eq(at),
                        sourcing_orders::updated_at.eq(at),
                        sourcing_orders::destination.eq("dealer"),
                    ))
                    .execute(conn)?;
            }
            diesel::insert_into(rescue_facts::table)
                .values((
                    rescue_facts::ticket_id.eq(&ticket),
                    rescue_facts::dealer_id.eq(&hz),
                    rescue_facts::call_time.eq(at),
                    rescue_facts::response_level.eq(2),
                    rescue_facts::outcome.eq("resolved_on_site"),
                    rescue_facts::mismatch.eq(false),
                    rescue_facts::plan_id.eq(Some(&plan)),
                    rescue_facts::written_at.eq(at),
                ))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
}

/// A workshop visit at hz on `day` fitting `quantity` of a part named by number only (as
/// imported history is).
fn past_service(app: &TestApp, day: NaiveDate, part_no: &'static str, quantity: i32) {
    app.db
        .write_blocking(move |conn| {
            let (vehicle, dealer): (String, String) = vehicles::table
                .inner_join(service_visits::table)
                .select((vehicles::id, service_visits::dealer_id))
                .first(conn)?;
            let visit = rescuedesk::repo::new_id();
            diesel::insert_into(service_visits::table)
                .values((
                    service_visits::id.eq(&visit),
                    service_visits::vehicle_id.eq(&vehicle),
                    service_visits::dealer_id.eq(&dealer),
                    service_visits::visited_at.eq(day.and_hms_opt(4, 0, 0).unwrap()),
                    service_visits::mileage_km.eq(40_000),
                    service_visits::kind.eq("repair"),
                    service_visits::summary.eq("更换保险丝"),
                ))
                .execute(conn)?;
            diesel::insert_into(service_visit_parts::table)
                .values((
                    service_visit_parts::id.eq(rescuedesk::repo::new_id()),
                    service_visit_parts::visit_id.eq(&visit),
                    service_visit_parts::part_no.eq(part_no),
                    service_visit_parts::name.eq("保险丝套装"),
                    service_visit_parts::quantity.eq(quantity),
                ))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
}

/// The holiday (three days from 40 days ahead) and the hand-built past of hz; the id.
///
/// Last year's window (the same dates): rescue A used 4 batteries, 3 of them ordered (held up),
/// and 1 fuse; rescue B 1 battery, ordered (held up); a service visit fitted 3 fuses. Battery
/// 5 units, 2 held up; fuse 1 + 3 = 4.
/// Two years back: rescue C used 1 battery and 12 fuses, all 12 ordered (held up once); a
/// cancelled battery order on it does not count. Battery 1, fuse 12.
/// Outside the windows: a rescue of 50 batteries ten days after last year's, ignored.
///
/// Expected: battery max(5, 1) = 5, free 3 (seed) → 2, held up 2; fuse max(4, 12) = 12,
/// free 10 → 2, held up 1. Key and airbag were never used: left out. Ranked battery, fuse.
async fn history(app: &TestApp) -> String {
    let first = today() + Duration::days(40);
    let (status, h) = app
        .post(
            &app.token("hz.admin"),
            "/api/v1/holidays",
            &json!({
                "name_zh": "测试节",
                "name_en": "Test Festival",
                "first_day": first.to_string(),
                "last_day": (first + Duration::days(2)).to_string(),
                "effects": [],
            }),
        )
        .await;
    assert_eq!(status, 201, "{h}");
    let back = |years: i32, days: i64| {
        first
            .with_year(first.year() - years)
            .unwrap_or(first - Duration::days(365))
            + Duration::days(days)
    };
    past_rescue(
        app,
        back(1, 0),
        &[("battery", 4), ("fuse", 1)],
        &[("battery", 3, "consumed")],
    )
    .await;
    past_rescue(
        app,
        back(1, 2),
        &[("battery", 1)],
        &[("battery", 1, "received")],
    )
    .await;
    past_service(app, back(1, 1), "N 102 621 02", 3);
    past_rescue(
        app,
        back(2, 1),
        &[("battery", 1), ("fuse", 12)],
        &[("fuse", 12, "consumed"), ("battery", 1, "cancelled")],
    )
    .await;
    past_rescue(
        app,
        back(1, 10),
        &[("battery", 50)],
        &[("battery", 50, "consumed")],
    )
    .await;
    h["id"].as_str().unwrap().to_owned()
}

fn lines(v: &Value) -> Vec<(String, i64, i64, i64, i64, i64, i64)> {
    v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["part_id"].as_str().unwrap().to_owned(),
                l["held_up_rescues"].as_i64().unwrap(),
                l["expected"].as_i64().unwrap(),
                l["available"].as_i64().unwrap(),
                l["suggested"].as_i64().unwrap(),
                l["quantity"].as_i64().unwrap(),
                l["received"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn s(x: &str) -> String {
    x.to_owned()
}

both!(holiday_stock_suggests_from_a_known_past, suggestion_body);
async fn suggestion_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = history(&app).await;
    let mgr = app.token("hz.partsmgr");
    let (status, v) = app
        .get_json(&mgr, &format!("/api/v1/holiday-stock/{id}/suggestion"))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        lines(&v),
        vec![
            (s("battery"), 2, 5, 3, 2, 2, 0),
            (s("fuse"), 1, 12, 10, 2, 2, 0)
        ],
        "{v}"
    );
    assert_eq!(v["past"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["stored"], false);
    // The stored list is the suggestion until something is saved.
    let (_, l) = app
        .get_json(&mgr, &format!("/api/v1/holiday-stock/{id}"))
        .await;
    assert_eq!(lines(&l), lines(&v));
    assert_eq!(app.count("holiday_stock_lists"), 0);

    // A technician may not see it; an unknown holiday is not found.
    let (status, _) = app
        .get_json(
            &app.token("hz.tech"),
            &format!("/api/v1/holiday-stock/{id}"),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .get_json(
            &mgr,
            "/api/v1/holiday-stock/018f0000-0000-7000-8000-000000000000",
        )
        .await;
    assert_eq!(status, 404);
}

both!(
    holiday_stock_is_adjusted_confirmed_and_received,
    confirm_body
);
async fn confirm_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = history(&app).await;
    let mgr = app.token("hz.partsmgr");
    let path = format!("/api/v1/holiday-stock/{id}");

    // Bounds: quantities 0..=10000, each part once, at most 500 lines.
    let (status, e) = app
        .put(
            &mgr,
            &path,
            &json!({"lines": [{"part_id": "battery", "quantity": 10001}, {"part_id": "battery", "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, 400, "{e}");
    assert!(e["fields"]["lines[0].quantity"].is_string(), "{e}");
    assert!(e["fields"]["lines[1].part_id"].is_string(), "{e}");
    let many: Vec<Value> = (0..501)
        .map(|n| json!({"part_id": format!("p{n}"), "quantity": 1}))
        .collect();
    let (status, e) = app.put(&mgr, &path, &json!({ "lines": many })).await;
    assert_eq!(status, 400);
    assert!(e["fields"]["lines"].is_string(), "{e}");
    let (status, e) = app
        .put(
            &mgr,
            &path,
            &json!({"lines": [{"part_id": "nope", "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(e["fields"]["lines[0].part_id"].is_string(), "{e}");
    assert_eq!(
        app.count("holiday_stock_lists"),
        0,
        "a refused change saves nothing"
    );

    // A call agent may neither adjust nor confirm.
    let agent = app.token("hz.agent");
    let (status, _) = app
        .post(&agent, &format!("{path}/confirm"), &json!({}))
        .await;
    assert_eq!(status, 403);
    let (status, _) = app.put(&agent, &path, &json!({"lines": []})).await;
    assert_eq!(status, 403);

    // The parts manager orders 3 batteries and adds a key.
    let (status, v) = app
        .put(
            &mgr,
            &path,
            &json!({"lines": [{"part_id": "battery", "quantity": 3}, {"part_id": "key", "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["stored"], true);
    assert_eq!(
        lines(&v),
        vec![
            (s("battery"), 2, 5, 3, 2, 3, 0),
            (s("fuse"), 1, 12, 10, 2, 2, 0),
            (s("key"), 0, 0, 0, 0, 1, 0)
        ]
    );

    // Receiving before confirming is refused.
    let (status, e) = app
        .post(
            &mgr,
            &format!("{path}/receipts"),
            &json!({"part_id": "battery", "quantity": 3}),
        )
        .await;
    assert_eq!(
        (status, e["params"]["reason"].clone()),
        (409, json!("holiday_stock_not_confirmed"))
    );

    let (status, v) = app.post(&mgr, &format!("{path}/confirm"), &json!({})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "confirmed");
    assert!(v["confirmed_by"].is_string());
    let (status, e) = app.post(&mgr, &format!("{path}/confirm"), &json!({})).await;
    assert_eq!(
        (status, e["params"]["reason"].clone()),
        (409, json!("holiday_stock_not_draft"))
    );
    let (status, _) = app
        .put(
            &mgr,
            &path,
            &json!({"lines": [{"part_id": "battery", "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, 409);

    // The parts desk takes the deliveries; the list is received when every line is.
    let desk = app.token("hz.parts");
    let receipts = format!("{path}/receipts");
    let (status, e) = app
        .post(
            &desk,
            &receipts,
            &json!({"part_id": "battery", "quantity": -1}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(e["fields"]["quantity"].is_string(), "{e}");
    for (part, q) in [("battery", 2), ("battery", 1), ("fuse", 2)] {
        let (status, v) = app
            .post(&desk, &receipts, &json!({"part_id": part, "quantity": q}))
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["status"], "confirmed");
    }
    let (status, e) = app
        .post(
            &desk,
            &receipts,
            &json!({"part_id": "battery", "quantity": 1}),
        )
        .await;
    assert_eq!(
        (status, e["params"]["reason"].clone()),
        (409, json!("holiday_stock_line_received"))
    );
    let (status, v) = app
        .post(&desk, &receipts, &json!({"part_id": "key", "quantity": 1}))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "received");
    assert_eq!(
        lines(&v).iter().map(|l| l.6).collect::<Vec<_>>(),
        vec![3, 2, 1]
    );
    // Every change is in the audit trail.
    assert_eq!(app.count("holiday_stock_lines"), 3);
    let audited: i64 = app
        .db
        .read_blocking(|conn| {
            use rescuedesk::db::schema::audit_events;
            Ok(audit_events::table
                .filter(audit_events::entity.eq("holiday_stock_list"))
                .count()
                .get_result(conn)?)
        })
        .unwrap();
    assert_eq!(audited, 1 + 1 + 4, "adjusted, confirmed, four receipts");
}

both!(holiday_stock_downloads_as_csv_and_xlsx, download_body);
async fn download_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = history(&app).await;
    let mgr = app.token("hz.partsmgr");
    let res = app
        .client
        .get(app.url(&format!("/api/v1/holiday-stock/{id}/csv")))
        .bearer_auth(&mgr)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let body = res.text().await.unwrap();
    assert_eq!(
        body,
        "\u{feff}配件号,配件名称,耽误救援次数,预计用量,可用库存,建议订购,订购数量,已到货\n\
         000 915 105 DE,12V 蓄电池 70Ah,2,5,3,2,2,0\n\
         N 102 621 02,保险丝套装,1,12,10,2,2,0\n"
    );
    let res = app
        .client
        .get(app.url(&format!("/api/v1/holiday-stock/{id}/csv")))
        .header("accept-language", "en")
        .bearer_auth(&mgr)
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert!(
        body.starts_with("\u{feff}Part number,Part,Rescues held up,Expected,Available,Suggested,Order,Received\n"),
        "{body}"
    );

    let res = app
        .client
        .get(app.url(&format!("/api/v1/holiday-stock/{id}/xlsx")))
        .bearer_auth(&mgr)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04", "a zip file");
    // The entries' names are plain in the zip's headers; the sheet's own name is inside the
    // deflated xl/workbook.xml, which no dev-dependency here reads.
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("xl/workbook.xml"), "a workbook");
    assert!(text.contains("xl/worksheets/sheet1.xml"), "with one sheet");
    let (status, _) = app
        .get_json(
            &app.token("hz.tech"),
            &format!("/api/v1/holiday-stock/{id}/xlsx"),
        )
        .await;
    assert_eq!(status, 403);
}

both!(
    the_holiday_stock_page_adjusts_confirms_and_receives,
    page_body
);
async fn page_body(backend: Backend) {
    use crate::helpers::page_text;
    use crate::pages::{csrf_of, signed_in};
    let app = TestApp::spawn(backend).await;
    let holiday = history(&app).await;
    let page_path = format!("/holiday-stock?holiday={holiday}");
    let mgr = signed_in(&app, "hz.partsmgr").await;
    // From the parts desk: its link opens the coming holiday's list.
    let parts = page_text(&mgr, &app, "/parts").await;
    assert!(parts.contains("href=\"/holiday-stock\""), "{parts}");
    let res = mgr.get(app.url("/holiday-stock")).send().await.unwrap();
    assert_eq!(
        res.headers().get("location").and_then(|l| l.to_str().ok()),
        Some(page_path.as_str())
    );
    let html = page_text(&mgr, &app, &page_path).await;
    // The known answer, ranked: battery held 2 rescues up (suggest 2), fuse 1 (suggest 2).
    let battery = html.find("data-part=\"battery\"").expect("battery listed");
    let fuse = html.find("data-part=\"fuse\"").expect("fuse listed");
    assert!(battery < fuse, "ranked by rescues held up");
    assert!(html.contains("name=\"qty:battery\" value=\"2\""), "{html}");
    let csrf = csrf_of(&html);
    let post = |client: &reqwest::Client, path: String, form: Vec<(&'static str, String)>| {
        let (client, url) = (client.clone(), app.url(&path));
        async move {
            let res = client.post(url).form(&form).send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let adjust = format!("/holiday-stock/{holiday}/adjust");
    // A quantity that does not read is refused on the page; nothing stored.
    let (status, html) = post(
        &mgr,
        adjust.clone(),
        vec![("csrf", csrf.clone()), ("qty:battery", "lots".into())],
    )
    .await;
    assert_eq!(status, 400, "{html}");
    assert!(html.contains("id=\"hstock-alert\""));
    assert_eq!(app.count("holiday_stock_lists"), 0);
    // Adjusted and confirmed in one press.
    let (status, _) = post(
        &mgr,
        adjust,
        vec![
            ("csrf", csrf.clone()),
            ("qty:battery", "4".into()),
            ("qty:fuse", "2".into()),
            ("confirm", "1".into()),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let html = page_text(&mgr, &app, &page_path).await;
    assert!(html.contains("data-status=\"confirmed\""), "{html}");
    assert!(!html.contains("name=\"qty:battery\""), "no longer editable");

    // The parts desk records what arrived; a call agent may not.
    let desk = signed_in(&app, "hz.parts").await;
    let html = page_text(&desk, &app, &page_path).await;
    let desk_csrf = csrf_of(&html);
    let receive = format!("/holiday-stock/{holiday}/receive");
    for (part, q) in [("battery", "4"), ("fuse", "2")] {
        let (status, html) = post(
            &desk,
            receive.clone(),
            vec![
                ("csrf", desk_csrf.clone()),
                ("part_id", part.into()),
                ("quantity", q.into()),
            ],
        )
        .await;
        assert_eq!(status, 303, "{html}");
    }
    let html = page_text(&desk, &app, &page_path).await;
    assert!(html.contains("data-status=\"received\""), "{html}");
    let agent = signed_in(&app, "hz.agent").await;
    let res = agent.get(app.url(&page_path)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);

    // The downloads, from the page's session.
    let res = desk
        .get(app.url(&format!("/holiday-stock/{holiday}/download/csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body = res.bytes().await.unwrap();
    assert!(
        body.starts_with("\u{feff}配件号".as_bytes()),
        "{:?}",
        &body[..20]
    );
    let res = desk
        .get(app.url(&format!("/holiday-stock/{holiday}/download/xlsx")))
        .send()
        .await
        .unwrap();
    assert!(res.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
    let res = desk
        .get(app.url(&format!("/holiday-stock/{holiday}/download/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
}

both!(
    the_demos_spring_festival_stock_comes_from_last_years_festival_rescues,
    demo_body
);
async fn demo_body(backend: Backend) {
    let app = TestApp::spawn_demo(backend).await;
    rescuedesk::services::report_facts::backfill_all(&app.db)
        .await
        .unwrap();
    let mgr = app.token("hz.partsmgr");
    let (_, y) = app.get_json(&mgr, "/api/v1/holidays?year=2027").await;
    let spring = y["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name_zh"] == "春节")
        .unwrap_or_else(|| panic!("the Spring Festival: {y}"))
        .clone();
    let (status, v) = app
        .get_json(
            &mgr,
            &format!(
                "/api/v1/holiday-stock/{}/suggestion",
                spring["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    // Last year's Spring Festival from the calendar (除夕 2026-02-16 to 初七), not 2026-02-05..12.
    assert_eq!(
        v["past"][0],
        json!({"first_day": "2026-02-16", "last_day": "2026-02-23", "from_calendar": true}),
        "{v}"
    );
    assert_eq!(
        v["past"][1]["from_calendar"], false,
        "2025 is not in the calendar"
    );
    let lines = v["lines"].as_array().unwrap();
    assert!(lines.len() >= 2, "{v}");
    let held: Vec<i64> = lines
        .iter()
        .map(|l| l["held_up_rescues"].as_i64().unwrap())
        .collect();
    assert!(held[0] >= 2, "the top part held several rescues up: {v}");
    assert!(
        held.windows(2).all(|w| w[0] >= w[1]),
        "ranked by held up: {held:?}"
    );

    // The top line's count is the festival's finished hz rescues that waited for that part.
    let top = lines[0]["part_id"].as_str().unwrap().to_owned();
    let counted = app
        .db
        .read_blocking(move |conn| {
            let hz: String = rescuedesk::db::schema::dealers::table
                .filter(rescuedesk::db::schema::dealers::code.eq("hz"))
                .select(rescuedesk::db::schema::dealers::id)
                .first(conn)?;
            // Beijing 2026-02-16 00:00 to 2026-02-24 00:00, in UTC.
            let from = NaiveDate::from_ymd_opt(2026, 2, 15)
                .unwrap()
                .and_hms_opt(16, 0, 0)
                .unwrap();
            let to = from + Duration::days(8);
            let tickets: Vec<String> = rescue_facts::table
                .filter(rescue_facts::dealer_id.eq(&hz))
                .filter(rescue_facts::call_time.ge(from))
                .filter(rescue_facts::call_time.lt(to))
                .select(rescue_facts::ticket_id)
                .load(conn)?;
            let mut waited: Vec<String> = sourcing_orders::table
                .filter(sourcing_orders::ticket_id.eq_any(&tickets))
                .filter(sourcing_orders::part_id.eq(&top))
                .filter(sourcing_orders::status.ne("cancelled"))
                .select(sourcing_orders::ticket_id)
                .load(conn)?;
            waited.sort();
            waited.dedup();
            Ok(waited.len() as i64)
        })
        .unwrap();
    assert_eq!(held[0], counted, "{v}");
}

both!(
    the_first_requests_for_a_list_at_once_make_one_list,
    at_once_body
);
/// Adjusting and confirming side by side before the dealer has a list: each request makes the
/// list if it finds none, and on PostgreSQL (requests in parallel) the loser of the race used to
/// fail on the list's unique key with a 500. Now one list, and every answer a 200 or a 409.
async fn at_once_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = history(&app).await;
    let mgr = app.token("hz.partsmgr");
    let path = format!("/api/v1/holiday-stock/{id}");
    let confirm = format!("{path}/confirm");
    let mut sends = Vec::new();
    for n in 0..8 {
        let req = if n % 2 == 0 {
            app.client
                .put(app.url(&path))
                .json(&json!({"lines": [{"part_id": "battery", "quantity": 2}]}))
        } else {
            app.client.post(app.url(&confirm))
        };
        sends.push(req.bearer_auth(&mgr).send());
    }
    let mut statuses = Vec::new();
    for res in futures_util::future::join_all(sends).await {
        statuses.push(res.unwrap().status().as_u16());
    }
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(app.count("holiday_stock_lists"), 1, "{statuses:?}");
}
