//! DMS imports: good, bad and repeated files of parts, stock and history over the API, the admin
//! page and the `rescuedesk import` command — on SQLite and on PostgreSQL.

use diesel::prelude::*;
use rescuedesk::db::schema::{dealers, parts, service_visit_parts, service_visits, stock};
use serde_json::Value;

use crate::both;
use crate::helpers::{Backend, TestApp, KNOWN_PLATE, KNOWN_VIN};
use crate::pages::{csrf_of, signed_in};

async fn post_csv(
    app: &TestApp,
    token: &str,
    kind: &str,
    csv: &str,
    skip_bad: bool,
) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/imports/{kind}?skip_bad={skip_bad}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn counts(report: &Value) -> [u64; 5] {
    ["rows", "inserted", "updated", "unchanged", "skipped"].map(|k| report[k].as_u64().unwrap())
}

type PartRow = (String, String, String, i64, i32, bool, Option<String>, bool);

fn catalogue(app: &TestApp) -> Vec<PartRow> {
    app.db
        .read_blocking(|conn| {
            Ok(parts::table
                .order(parts::part_no)
                .select((
                    parts::part_no,
                    parts::name_zh,
                    parts::category,
                    parts::price_fen,
                    parts::weight_g,
                    parts::dangerous_goods,
                    parts::un_number,
                    parts::monitored,
                ))
                .load(conn)?)
        })
        .unwrap()
}

type StockRow = (String, String, i32, i32, String, chrono::NaiveDateTime);

fn all_stock(app: &TestApp) -> Vec<StockRow> {
    app.db
        .read_blocking(|conn| {
            Ok(stock::table
                .inner_join(dealers::table)
                .inner_join(parts::table)
                .order((dealers::code, parts::part_no))
                .select((
                    dealers::code,
                    parts::part_no,
                    stock::on_hand,
                    stock::reserved,
                    stock::bin,
                    stock::updated_at,
                ))
                .load(conn)?)
        })
        .unwrap()
}

const PARTS: &str = "\u{feff}配件号,名称,name_en,类别,单价,重量(克),危险品,UN编号,监控件\n\
000 915 105 DE,12V 蓄电池 70Ah,battery,test,780.00,1000,是,UN2794,否\n\
N 102 621 02,保险丝套装,fuse,test,\"1,650.5\",1000,0,,0\n\
5K0 959 753 AB,遥控钥匙,key,security,350,60,false,,true\n";

both!(parts_import_and_reimport, parts_body);
async fn parts_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("hz.admin");
    let (status, r) = post_csv(&app, &admin, "parts", PARTS, false).await;
    assert_eq!(status, 200, "{r}");
    // battery gains its UN number, the fuse kit a new price, the key is new.
    assert_eq!(counts(&r), [3, 1, 2, 0, 0], "{r}");
    assert_eq!(r["written"], true);
    let after = catalogue(&app);
    let key = after.iter().find(|p| p.0 == "5K0 959 753 AB").unwrap();
    assert_eq!((key.3, key.4, key.5, key.7), (35_000, 60, false, true));
    let fuse = after.iter().find(|p| p.0 == "N 102 621 02").unwrap();
    assert_eq!(fuse.3, 165_050);
    let battery = after.iter().find(|p| p.0 == "000 915 105 DE").unwrap();
    assert_eq!(battery.6.as_deref(), Some("UN2794"));

    let (status, r) = post_csv(&app, &admin, "parts", PARTS, false).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        counts(&r),
        [3, 0, 0, 3, 0],
        "a re-import changes nothing: {r}"
    );
    assert_eq!(catalogue(&app), after);

    let (status, r) = post_csv(&app, &app.token("hz.parts"), "parts", PARTS, false).await;
    assert_eq!((status, r["error"].as_str()), (403, Some("forbidden")));
    let (status, _) = post_csv(&app, &admin, "tyres", PARTS, false).await;
    assert_eq!(status, 404);
}

both!(bad_rows_write_nothing_unless_skipped, bad_rows_body);
async fn bad_rows_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("hz.admin");
    let csv = "part_no,name_zh,category,price_yuan,weight_g,dangerous_goods,un_number,monitored\n\
        NEW-1,新配件,misc,10,5,否,,否\n\
        NEW-2,坏价格,misc,12.345,5,否,,否\n\
        NEW-3,危险品,misc,10,5,是,,maybe\n\
        NEW-1,重复,misc,10,5,否,,否\n";
    let before = catalogue(&app);
    let (status, r) = post_csv(&app, &admin, "parts", csv, false).await;
    assert_eq!(status, 400, "{r}");
    assert_eq!(r["error"], "validation_failed");
    let report = &r["report"];
    assert_eq!(report["written"], false);
    assert_eq!(counts(report), [4, 1, 0, 0, 3]);
    let errors: Vec<(u64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (3, "price_yuan"),
            (4, "un_number"),
            (4, "monitored"),
            (5, "part_no")
        ]
    );
    let reason = report["errors"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("two decimal places"), "{reason}");
    assert!(report["errors"][3]["reason"]
        .as_str()
        .unwrap()
        .contains("Repeats row 2"));
    assert_eq!(catalogue(&app), before, "nothing written");

    let (status, r) = post_csv(&app, &admin, "parts", csv, true).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(counts(&r), [4, 1, 0, 0, 3]);
    assert_eq!(r["errors"].as_array().unwrap().len(), 4, "still reported");
    assert_eq!(catalogue(&app).len(), before.len() + 1);

    // A header without the required columns refuses the file whatever skip_bad says.
    let (status, r) = post_csv(&app, &admin, "parts", "part_no,名称\nX,y\n", true).await;
    assert_eq!(status, 400, "{r}");
    let e = &r["report"]["errors"][0];
    assert_eq!(
        (e["row"].as_u64(), e["column"].as_str()),
        (Some(1), Some("category"))
    );
}

both!(stock_import_respects_reservations, stock_body);
async fn stock_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("hz.admin");
    let csv = "dealer_code,part_no,on_hand,bin\n\
        hz,N 102 621 02,12,B-02\n\
        hz,5G0 880 201 K,2,C-01\n\
        nb,000 915 105 DE,5,\n\
        hz,000 915 105 DE,3,A-01-1\n";
    let (status, r) = post_csv(&app, &admin, "stock", csv, false).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(counts(&r), [4, 2, 1, 1, 0], "{r}");
    assert_eq!(app.on_hand("fuse"), 12);
    assert_eq!(app.on_hand("airbag"), 2);
    let after = all_stock(&app);
    assert_eq!(after.len(), 4, "two seeded, two new");

    let (status, r) = post_csv(&app, &admin, "stock", csv, false).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(counts(&r), [4, 0, 0, 4, 0]);
    assert_eq!(all_stock(&app), after, "same rows, same updated_at");

    // Four fuse kits are held by rescue plans: the shelf may not be set below that.
    app.db
        .write_blocking(|conn| {
            diesel::update(stock::table.filter(stock::part_id.eq("fuse")))
                .set(stock::reserved.eq(4))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
    let bad = "dealer_code,part_no,on_hand\n\
        hz,N 102 621 02,3\n\
        zz,N 102 621 02,3\n\
        hz,NOPE,1\n\
        hz,5G0 880 201 K,1\n";
    let (status, r) = post_csv(&app, &admin, "stock", bad, false).await;
    assert_eq!(status, 400, "{r}");
    let errors = r["report"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3, "{r}");
    assert_eq!(
        (errors[0]["row"].as_u64(), errors[0]["column"].as_str()),
        (Some(2), Some("on_hand"))
    );
    assert!(
        errors[0]["reason"]
            .as_str()
            .unwrap()
            .contains("4 units reserved"),
        "{r}"
    );
    assert_eq!(errors[1]["column"], "dealer_code");
    assert_eq!(errors[2]["column"], "part_no");
    assert_eq!(
        app.on_hand("airbag"),
        2,
        "the good row was not written either"
    );

    let (status, r) = post_csv(&app, &admin, "stock", bad, true).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(counts(&r), [4, 0, 1, 0, 3]);
    let after_skip = all_stock(&app);
    assert_eq!(app.on_hand("airbag"), 1);
    let fuse = all_stock(&app)
        .into_iter()
        .find(|s| s.1 == "N 102 621 02")
        .unwrap();
    assert_eq!(
        (fuse.2, fuse.3),
        (12, 4),
        "reserved untouched, on hand kept"
    );

    // The guard in SQL, for a reservation made after the file was checked.
    let err = app
        .db
        .write_blocking(|conn| {
            let hz: String = dealers::table
                .filter(dealers::code.eq("hz"))
                .select(dealers::id)
                .first(conn)?;
            let rows = [
                (hz.as_str(), "battery", 3, "X"),
                (hz.as_str(), "fuse", 3, "X"),
            ];
            rescuedesk::repo::imports::update_stock_many(conn, &rows, rescuedesk::repo::now())
        })
        .unwrap_err();
    assert_eq!(err.code.as_str(), "stale_state");
    assert_eq!(all_stock(&app), after_skip, "rolled back whole");
}

both!(history_import_groups_visits, history_body);
async fn history_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("hz.admin");
    let csv = format!(
        "车牌,车架号,进厂时间,里程,类型,维修内容,门店代码,配件号,数量\n\
        {KNOWN_PLATE},{KNOWN_VIN},2025-06-01 10:00,44000,保养,常规保养,hz,N 102 621 02,1\n\
        {KNOWN_PLATE},,2025-06-01 10:00,44000,保养,常规保养,hz,OLD-PART,2\n\
        {KNOWN_PLATE},,2025-09-20,46500,rescue,高速救援搭电,nb,,\n"
    );
    let visits_before = app.count("service_visits");
    let parts_before = app.count("service_visit_parts");
    let (status, r) = post_csv(&app, &admin, "history", &csv, false).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(counts(&r), [3, 3, 0, 0, 0], "{r}");
    assert_eq!(app.count("service_visits"), visits_before + 2);
    assert_eq!(app.count("service_visit_parts"), parts_before + 2);
    let stored: Vec<(chrono::NaiveDateTime, String, Option<String>, i32)> = app
        .db
        .read_blocking(|conn| {
            Ok(service_visit_parts::table
                .inner_join(service_visits::table)
                .filter(service_visits::mileage_km.eq(44_000))
                .order(service_visit_parts::part_no)
                .select((
                    service_visits::visited_at,
                    service_visit_parts::name,
                    service_visit_parts::part_id,
                    service_visit_parts::quantity,
                ))
                .load(conn)?)
        })
        .unwrap();
    assert_eq!(stored.len(), 2, "both parts on one visit");
    assert_eq!(
        stored[0].0.to_string(),
        "2025-06-01 02:00:00",
        "China time stored as UTC"
    );
    assert_eq!(
        (stored[0].2.as_deref(), stored[0].1.as_str()),
        (Some("fuse"), "保险丝套装")
    );
    assert_eq!(
        (stored[1].2.as_deref(), stored[1].1.as_str(), stored[1].3),
        (None, "OLD-PART", 2)
    );

    let (status, r) = post_csv(&app, &admin, "history", &csv, false).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(counts(&r), [3, 0, 0, 3, 0], "{r}");
    assert_eq!(app.count("service_visits"), visits_before + 2);
    assert_eq!(app.count("service_visit_parts"), parts_before + 2);

    let bad = format!(
        "plate,vin,visited_at,mileage_km,kind,summary,dealer_code,part_no,quantity\n\
        浙B00000,,2025-06-01,1,repair,x,hz,,\n\
        {KNOWN_PLATE},LSVAU218XN2183294,2025-06-01 10:00,45000,保养,常规保养,hz,N 102 621 02,3\n\
        {KNOWN_PLATE},WVWZZZ1KZAW000001,2025-07-01,1,repair,x,hz,,\n\
        {KNOWN_PLATE},,2025-07-02,1,wash,x,hz,,\n"
    );
    let (status, r) = post_csv(&app, &admin, "history", &bad, false).await;
    assert_eq!(status, 400, "{r}");
    let cols: Vec<(u64, &str)> = r["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    // Row 3 changes the mileage of a stored visit: an update, not an error.
    assert_eq!(cols, vec![(2, "plate"), (4, "vin"), (5, "kind")], "{r}");
    assert_eq!(counts(&r["report"]), [4, 0, 1, 0, 3]);
}

/// A multipart body as a browser sends the admin form.
fn multipart(csrf: &str, kind: &str, csv: &str) -> String {
    let b = "----rdtest";
    format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dms.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n\
         --{b}--\r\n"
    )
}

both!(admin_page_uploads, page_body);
async fn page_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = signed_in(&app, "hz.admin").await;
    let page = client.get(app.url("/admin/import")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"import-form\"") && html.contains("price_yuan"));
    assert!(html.contains("id=\"nav-import\""), "admins see the link");
    let csrf = csrf_of(&html);
    let send = |body: String| {
        client
            .post(app.url("/admin/import"))
            .header("content-type", "multipart/form-data; boundary=----rdtest")
            .body(body)
            .send()
    };
    let bad = "dealer_code,part_no,on_hand\nhz,N 102 621 02,x\n";
    let res = send(multipart(&csrf, "stock", bad)).await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("data-row=\"2\" data-column=\"on_hand\""),
        "{html}"
    );
    assert!(html.contains("data-written=\"false\""));

    let good = "dealer_code,part_no,on_hand\nhz,N 102 621 02,7\n";
    let res = send(multipart(&csrf, "stock", good)).await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.text().await.unwrap().contains("data-updated=\"1\""));
    assert_eq!(app.on_hand("fuse"), 7);

    let res = send(multipart("forged", "stock", good)).await.unwrap();
    assert_eq!(res.status().as_u16(), 403);

    let parts_desk = signed_in(&app, "hz.parts").await;
    let res = parts_desk
        .get(app.url("/admin/import"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let html = parts_desk
        .get(app.url("/tickets"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("nav-import"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_over_the_cap_is_refused_clearly() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let big = "x".repeat(rescuedesk::services::imports::MAX_UPLOAD_BYTES + 1);
    let (status, r) = post_csv(&app, &app.token("hz.admin"), "parts", &big, false).await;
    assert_eq!(
        (status, r["error"].as_str()),
        (413, Some("payload_too_large")),
        "{r}"
    );
    let client = signed_in(&app, "hz.admin").await;
    let html = client
        .get(app.url("/admin/import"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = client
        .post(app.url("/admin/import"))
        .header("content-type", "multipart/form-data; boundary=----rdtest")
        .body(multipart(&csrf_of(&html), "parts", &big))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 413);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"import-message\""), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_imports_files() {
    use std::process::Command;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rescuedesk"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("RUST_LOG")
            .env("RESCUEDESK__DATABASE__URL", app.database_url())
            .output()
            .unwrap()
    };
    let text = |o: &[u8]| String::from_utf8_lossy(o).into_owned();
    std::fs::write(dir.path().join("parts.csv"), PARTS).unwrap();
    let out = run(&["import", "parts", "parts.csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("3 rows read: 1 inserted, 2 updated, 0 unchanged, 0 skipped"),
        "{}",
        text(&out.stdout)
    );
    let out = run(&["import", "parts", "parts.csv"]);
    assert!(
        text(&out.stdout).contains("0 inserted, 0 updated, 3 unchanged"),
        "{}",
        text(&out.stdout)
    );

    std::fs::write(
        dir.path().join("stock.csv"),
        "dealer_code,part_no,on_hand\nhz,5G0 880 201 K,4\nhz,5G0 880 201 K,x\n",
    )
    .unwrap();
    let out = run(&["import", "stock", "stock.csv"]);
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("row 3, on_hand: "), "{stdout}");
    assert!(
        text(&out.stderr).contains("nothing written"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(all_stock(&app).len(), 2);
    let out = run(&["import", "stock", "stock.csv", "--skip-bad"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(app.on_hand("airbag"), 4);
}
