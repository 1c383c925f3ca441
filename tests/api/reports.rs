//! The monthly report over HTTP: the month's rescues by level and outcome, stage times, promises,
//! satisfaction and complaints, for the dealer or the group; the same as CSV; bad periods refused.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, Backend, TestApp};
use crate::photos::{on_site, SIGNATURE};

/// This month in Beijing, as the report names it.
fn this_month() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m")
        .to_string()
}

both!(the_month_counts_what_happened, month_body);
async fn month_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // One rescue resolved on site and called back with a 2 (a complaint), one cancelled.
    let (id, _) = on_site(&app).await;
    let (status, res) = app
        .post(
            &app.token("hz.tech"),
            &format!("/api/v1/tickets/{id}/resolve"),
            &json!({"work_done": "更换蓄电池", "signature": SIGNATURE}),
        )
        .await;
    assert_eq!(status, 200, "{res}");
    let (_, q) = app
        .get_json(&app.token("hz.agent"), "/api/v1/follow-ups")
        .await;
    let fid = q["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .post(
            &app.token("hz.agent"),
            &format!("/api/v1/follow-ups/{fid}/answer"),
            &json!({"attempts": 0, "score": 2, "comment": "太慢了"}),
        )
        .await;
    assert_eq!(status, 200);
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &intake_body())
        .await
        .json()
        .await
        .unwrap();
    let (status, _) = app
        .post(
            &app.token("hz.agent"),
            &format!("/api/v1/tickets/{}/cancel", t["id"].as_str().unwrap()),
            &json!({"reason": "客户自行解决"}),
        )
        .await;
    assert_eq!(status, 200);

    // Both finished rescues got their report row when they ended.
    assert_eq!(fact_counts(&app), (2, 2));

    let manager = app.token("hz.manager");
    let month = this_month();
    let (status, r) = app
        .get_json(&manager, &format!("/api/v1/reports?month={month}"))
        .await;
    assert_eq!(status, 200, "{r}");
    let s = &r["summary"];
    assert_eq!(s["tickets"], 2, "{r}");
    let level2 = &s["by_level"][1];
    assert_eq!(
        (
            &level2["level"],
            &level2["total"],
            &level2["resolved_on_site"],
            &level2["cancelled"]
        ),
        (&json!(2), &json!(2), &json!(1), &json!(1)),
        "{s}"
    );
    // Every stage reached once, by the resolved rescue.
    for st in s["stages"].as_array().unwrap() {
        assert_eq!(st["count"], 1, "{st}");
        assert!(st["median_minutes"].as_f64().unwrap() >= 0.0);
    }
    assert_eq!(s["answered_calls"], 1);
    assert_eq!(s["mean_score"], 2.0);
    assert_eq!(s["scores"], json!([0, 1, 0, 0, 0]));
    assert_eq!(s["complaints"], 1);
    assert_eq!(s["mismatch_rate"], 0.0);
    assert_eq!(r["group"], false);
    // The plan of record's cost, and its crew's work (plan_body: hz-t1 leads, hz-t2).
    assert_eq!(s["costed"], 1);
    assert!(s["cost_fen"].as_i64().unwrap() > 0);
    assert_eq!(s["mean_cost_fen"], s["cost_fen"]);
    let crew: Vec<(&str, i64)> = s["workload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["name"].as_str().unwrap(), w["rescues"].as_i64().unwrap()))
        .collect();
    assert_eq!(crew, [("hz周师傅", 1), ("hz吴师傅", 1)], "{s}");
    assert!(
        s["missing_parts"].as_array().unwrap().is_empty(),
        "hz had the parts"
    );

    // Ningbo's month is empty; the group's (the director's) holds both of Hangzhou's.
    let (_, nb) = app
        .get_json(
            &app.token("nb.manager"),
            &format!("/api/v1/reports?month={month}"),
        )
        .await;
    assert_eq!(nb["summary"]["tickets"], 0);
    let (status, _) = app
        .get_json(
            &manager,
            &format!("/api/v1/reports?month={month}&scope=group"),
        )
        .await;
    assert_eq!(status, 403, "a manager sees the dealer's only");
    let (status, g) = app
        .get_json(
            &app.token("hz.director"),
            &format!("/api/v1/reports?month={month}&scope=group"),
        )
        .await;
    assert_eq!(status, 200, "{g}");
    assert_eq!(
        (g["group"].as_bool(), g["summary"]["tickets"].as_i64()),
        (Some(true), Some(2))
    );

    // The CSV: a BOM for Excel, one figure a row.
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/reports/csv?month={month}")))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'), "a BOM");
    assert!(csv.contains("分类,响应级别,环节,指标,数值"), "{csv}");
    assert!(csv.contains("tickets,,,count,2"), "{csv}");
    assert!(csv.contains("outcomes,2,,cancelled,1"), "{csv}");
    assert!(csv.contains("scores,,2,answers,1"), "{csv}");

    // The finished rescues' timelines come from their rows: the same figures without them (read
    // from the events), and a row changed by hand shows in the report.
    forget_facts(&app);
    let (_, live) = app
        .get_json(&manager, &format!("/api/v1/reports?month={month}"))
        .await;
    assert_eq!(r["summary"], live["summary"]);
    rescuedesk::services::report_facts::backfill_all(&app.db)
        .await
        .unwrap();
    {
        use diesel::prelude::*;
        use rescuedesk::db::schema::rescue_facts;
        app.db
            .write_blocking(|conn| {
                diesel::update(rescue_facts::table.filter(rescue_facts::ticket_id.eq(&id)))
                    .set(rescue_facts::mismatch.eq(true))
                    .execute(conn)?;
                Ok(())
            })
            .unwrap();
    }
    let (_, changed) = app
        .get_json(&manager, &format!("/api/v1/reports?month={month}"))
        .await;
    assert_eq!(changed["summary"]["mismatches"], 1, "{changed}");
}

both!(bad_periods_and_roles_are_refused, refusals_body);
async fn refusals_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.token("hz.manager");
    for (q, field) in [
        ("month=2026-13", "month"),
        ("month=soon", "month"),
        ("month=2026-11&from=2026-11-01&to=2026-11-30", "month"),
        ("from=2026-11-30&to=2026-11-01", "to"),
        ("from=2025-01-01&to=2026-11-30", "to"),
        ("from=2026-11-01&to=x", "to"),
        ("scope=world", "scope"),
    ] {
        let (status, e) = app
            .get_json(&manager, &format!("/api/v1/reports?{q}"))
            .await;
        assert_eq!(status, 400, "{q}: {e}");
        assert!(e["fields"][field].is_string(), "{q}: {e}");
    }
    let (status, ok) = app
        .get_json(&manager, "/api/v1/reports?from=2026-11-01&to=2026-11-30")
        .await;
    assert_eq!(status, 200, "{ok}");
    assert_eq!(ok["summary"]["tickets"], 0);
    assert_eq!(ok["first_day"], "2026-11-01");
    let (status, _) = app
        .get_json(&app.token("hz.agent"), "/api/v1/reports")
        .await;
    assert_eq!(status, 403);
}

both!(the_report_page_draws_its_charts_and_downloads, page_body);
async fn page_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, _) = on_site(&app).await;
    let (status, _) = app
        .post(
            &app.token("hz.tech"),
            &format!("/api/v1/tickets/{id}/resolve"),
            &json!({"work_done": "更换蓄电池", "signature": SIGNATURE}),
        )
        .await;
    assert_eq!(status, 200);
    let month = this_month();
    let manager = crate::pages::signed_in(&app, "hz.manager").await;
    let page = crate::helpers::page_text(&manager, &app, &format!("/reports?month={month}")).await;
    assert!(page.contains(r#"id="nav-reports""#), "{page}");
    assert_eq!(
        page.matches("<svg").count(),
        3,
        "three charts drawn on the server"
    );
    assert!(page.contains("各环节用时（分钟）"), "{page}");
    assert!(page.contains(r#"data-testid="quality""#));
    assert!(
        !page.contains(r#"name="scope""#),
        "a manager has no group scope"
    );
    // The downloads, by the page's session.
    let res = manager
        .get(app.url(&format!("/reports/xlsx?month={month}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip, as every xlsx is");
    let res = manager
        .get(app.url(&format!("/reports/csv?month={month}")))
        .send()
        .await
        .unwrap();
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("stage_minutes,,resolved,count,1"));
    // A bad month: the form again with the reason, 400.
    let res = manager
        .get(app.url("/reports?month=2026-13"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert!(res.text().await.unwrap().contains("月份格式为 2026-11"));
    // In English alone.
    manager.get(app.url("/lang/en")).send().await.unwrap();
    let en = crate::helpers::page_text(&manager, &app, &format!("/reports?month={month}")).await;
    assert!(
        en.contains("Minutes per stage") && en.contains("Monthly report"),
        "{en}"
    );
    for zh in ["月度报表", "分钟", "达成率", "回访"] {
        assert!(!en.contains(zh), "{zh} in the English page");
    }
    // The director may see the group; the call agent no report at all.
    let director = crate::pages::signed_in(&app, "hz.director").await;
    let page = crate::helpers::page_text(
        &director,
        &app,
        &format!("/reports?month={month}&scope=group"),
    )
    .await;
    assert!(page.contains(r#"<option value="group" selected"#), "{page}");
    let agent = crate::pages::signed_in(&app, "hz.agent").await;
    let res = agent.get(app.url("/reports")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
}

both!(
    parts_the_dealer_lacked_are_counted_by_part_and_way,
    parts_body
);
async fn parts_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // hz has no airbag; the parts desk proposes Ningbo's.
    let (_, order) = crate::sourcing::proposed_order(&app, "airbag", 2).await;
    let (status, r) = app
        .get_json(
            &app.token("hz.manager"),
            &format!("/api/v1/reports?month={}", this_month()),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let s = &r["summary"];
    assert_eq!(s["missing_parts"][0]["part_no"], "5G0 880 201 K", "{s}");
    assert_eq!(s["missing_parts"][0]["orders"], 1);
    let way = &s["sourcing"][0];
    assert_eq!(way["kind"], "sister_transfer", "{s}");
    assert_eq!(way["mode"], order["mode"]);
    assert_eq!(way["cost_fen"], order["cost_fen"]);
    assert!(way["median_lead_minutes"].is_null(), "not arrived yet");
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/reports/csv?month={}", this_month())))
        .bearer_auth(app.token("hz.manager"))
        .send()
        .await
        .unwrap();
    let csv = res.text().await.unwrap();
    assert!(
        csv.contains("missing_parts,,5G0 880 201 K,orders,1"),
        "{csv}"
    );
}

both!(the_demos_past_fills_last_months_report, demo_past_body);
/// `rescuedesk demo` on a first start: last month's report for the group has every figure, and
/// a rescue of the past opens in the API with its whole story.
async fn demo_past_body(backend: Backend) {
    let app = TestApp::spawn_demo(backend).await;
    let last_month = {
        let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
        rescuedesk::demo::history::first_day(today)
            .format("%Y-%m")
            .to_string()
    };
    let director = app.token("hz.director");
    let (status, r) = app
        .get_json(
            &director,
            &format!("/api/v1/reports?month={last_month}&scope=group"),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let s = &r["summary"];
    let tickets = s["tickets"].as_u64().unwrap();
    assert!(tickets > 200, "{tickets} rescues last month");
    let n = |v: &Value| v.as_u64().unwrap_or(0);
    let levels = s["by_level"].as_array().unwrap();
    let towed: u64 = levels.iter().map(|l| n(&l["towed"])).sum();
    let cancelled: u64 = levels.iter().map(|l| n(&l["cancelled"])).sum();
    let open: u64 = levels.iter().map(|l| n(&l["open"])).sum();
    assert!(towed > 0 && cancelled > 0, "{s}");
    assert_eq!(open, 0, "the past is over: {s}");
    assert!(n(&s["breaches"]) > 0 && n(&s["mismatches"]) > 0, "{s}");
    for st in s["stages"].as_array().unwrap() {
        assert!(n(&st["count"]) > 0, "{st}");
        assert!(st["p90_minutes"].as_f64().unwrap() >= st["median_minutes"].as_f64().unwrap());
    }
    assert!(n(&s["answered_calls"]) > tickets / 2, "{s}");
    assert!(n(&s["complaints"]) > 0, "{s}");
    assert!(!s["missing_parts"].as_array().unwrap().is_empty(), "{s}");
    let kinds: Vec<&str> = s["sourcing"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| n(&m["orders"]) > 0)
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"sister_transfer") && kinds.contains(&"manufacturer"),
        "{kinds:?}"
    );
    assert!(n(&s["mean_cost_fen"]) > 0 && !s["workload"].as_array().unwrap().is_empty());

    // A rescue of the past: closed, its timeline complete, its follow-up done.
    let (status, list) = app
        .get_json(
            &app.token("hz.manager"),
            "/api/v1/tickets?status=closed&per_page=5",
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let id = list["items"][0]["id"].as_str().expect("a closed rescue");
    let (status, t) = app
        .get_json(&app.token("hz.manager"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["status"], "closed", "{t}");
    let (status, timeline) = app
        .get_json(
            &app.token("hz.manager"),
            &format!("/api/v1/tickets/{id}/timeline"),
        )
        .await;
    assert_eq!(status, 200, "{timeline}");
    let stages = timeline["stages"].as_array().unwrap();
    assert!(stages.len() >= 3, "{timeline}");
    assert!(stages.iter().all(|st| st["open"] == false), "{timeline}");
    let actions: Vec<&str> = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in [
        "ticket.created",
        "plan.submitted",
        "approval.approved",
        "ticket.closed",
    ] {
        assert!(actions.contains(&a), "{a} missing: {actions:?}");
    }
    // Nothing of the past waits on anyone.
    let (_, queue) = app
        .get_json(&app.token("hz.agent"), "/api/v1/follow-ups")
        .await;
    assert_eq!(queue["items"].as_array().map(Vec::len), Some(0), "{queue}");
}

/// The rows of `rescue_facts` (finished rescues) and the finished tickets.
fn fact_counts(app: &TestApp) -> (i64, i64) {
    use diesel::prelude::*;
    use rescuedesk::db::schema::{rescue_facts, tickets};
    use rescuedesk::domain::ticket::TicketStatus;
    let finished: Vec<TicketStatus> = TicketStatus::ALL
        .into_iter()
        .filter(|s| !rescuedesk::domain::intake::still_open(*s))
        .collect();
    app.db
        .read_blocking(|conn| {
            let facts = rescue_facts::table.count().get_result(conn)?;
            let finished = tickets::table
                .filter(tickets::status.eq_any(finished))
                .count()
                .get_result(conn)?;
            Ok((facts, finished))
        })
        .unwrap()
}

fn forget_facts(app: &TestApp) {
    use diesel::prelude::*;
    app.db
        .write_blocking(|conn| {
            diesel::delete(rescuedesk::db::schema::rescue_facts::table).execute(conn)?;
            Ok(())
        })
        .unwrap();
}

both!(
    the_stored_rows_of_finished_rescues_give_the_same_report_as_their_events,
    stored_facts_body
);
/// The demo's past (breaches, mismatches, tows, re-plans, cancellations) read from the rows
/// written at the load, then from the events alone with the rows gone, then from the rows the
/// backfill writes again: the same report, figure for figure.
async fn stored_facts_body(backend: Backend) {
    let app = TestApp::spawn_demo(backend).await;
    let (facts, finished) = fact_counts(&app);
    assert!(finished > 200, "{finished} finished rescues");
    assert_eq!(facts, finished, "the load writes a row per finished rescue");
    let last_month = {
        let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
        rescuedesk::demo::history::first_day(today)
            .format("%Y-%m")
            .to_string()
    };
    let director = app.token("hz.director");
    let path = format!("/api/v1/reports?month={last_month}&scope=group");
    let (status, stored) = app.get_json(&director, &path).await;
    assert_eq!(status, 200, "{stored}");
    assert!(stored["summary"]["tickets"].as_u64().unwrap() > 200);

    forget_facts(&app);
    assert_eq!(fact_counts(&app).0, 0);
    let (_, live) = app.get_json(&director, &path).await;
    assert_eq!(
        stored["summary"], live["summary"],
        "rows and events disagree"
    );

    let written = rescuedesk::services::report_facts::backfill_all(&app.db)
        .await
        .unwrap();
    assert_eq!(written as i64, finished);
    assert_eq!(fact_counts(&app), (finished, finished));
    let (_, again) = app.get_json(&director, &path).await;
    assert_eq!(stored["summary"], again["summary"]);
    // A second walk finds nothing to do.
    assert_eq!(
        rescuedesk::services::report_facts::backfill_all(&app.db)
            .await
            .unwrap(),
        0
    );
}
