//! DMS imports: good, bad and repeated files of parts, stock and history over the API, the admin
//! page and the `rescuedesk import` command — on SQLite and on PostgreSQL.

use diesel::prelude::*;
use rescuedesk::db::schema::{dealers, parts, service_visit_parts, service_visits, stock};
use serde_json::Value;

use crate::both;
use crate::helpers::{page_text, Backend, TestApp, KNOWN_PLATE, KNOWN_VIN};
use crate::pages::{csrf_of, signed_in};

/// Posts a file asking for English reasons and messages (`post_csv_in` for another language).
async fn post_csv(
    app: &TestApp,
    token: &str,
    kind: &str,
    csv: &str,
    skip_bad: bool,
) -> (u16, Value) {
    post_csv_in(app, Some("en"), token, kind, csv, skip_bad).await
}

async fn post_csv_in(
    app: &TestApp,
    language: Option<&str>,
    token: &str,
    kind: &str,
    csv: &str,
    skip_bad: bool,
) -> (u16, Value) {
    let mut req = app
        .client
        .post(app.url(&format!("/api/v1/imports/{kind}?skip_bad={skip_bad}")))
        .bearer_auth(token)
        .header("content-type", "text/csv");
    if let Some(l) = language {
        req = req.header("accept-language", l);
    }
    let res = req.body(csv.to_owned()).send().await.expect("request");
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

/// The platform's catalogue admin, the one role that imports the shared parts catalogue.
const CATALOGUE: &str = "platform.catalogue";

const PARTS: &str = "\u{feff}配件号,名称,name_en,类别,单价,重量(克),危险品,UN编号,监控件\n\
000 915 105 DE,12V 蓄电池 70Ah,battery,test,780.00,1000,是,UN2794,否\n\
N 102 621 02,保险丝套装,fuse,test,\"1,650.5\",1000,0,,0\n\
5K0 959 753 AB,遥控钥匙,key,security,350,60,false,,true\n";

both!(parts_import_and_reimport, parts_body);
async fn parts_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token(CATALOGUE);
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

    for login in ["hz.parts", "hz.admin"] {
        let (status, r) = post_csv(&app, &app.token(login), "parts", PARTS, false).await;
        assert_eq!(
            (status, r["error"].as_str()),
            (403, Some("forbidden")),
            "{login}"
        );
    }
    let (status, _) = post_csv(&app, &admin, "tyres", PARTS, false).await;
    assert_eq!(status, 404);
}

both!(bad_rows_write_nothing_unless_skipped, bad_rows_body);
async fn bad_rows_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token(CATALOGUE);
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
    assert!(html.contains("id=\"import-form\"") && html.contains("on_hand"));
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
    let html = page_text(&parts_desk, &app, "/tickets").await;
    assert!(!html.contains("nav-import"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_over_the_cap_is_refused_clearly() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let big = "x".repeat(rescuedesk::services::imports::MAX_UPLOAD_BYTES + 1);
    let (status, r) = post_csv(&app, &app.token(CATALOGUE), "parts", &big, false).await;
    assert_eq!(
        (status, r["error"].as_str()),
        (413, Some("payload_too_large")),
        "{r}"
    );
    let client = signed_in(&app, CATALOGUE).await;
    let html = page_text(&client, &app, "/admin/import").await;
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

    // Excel's GBK file, taking two safety flags off: refused until confirmed on the command line.
    let (gbk, _, _) = encoding_rs::GBK.encode(DOWNGRADES);
    std::fs::write(dir.path().join("gbk.csv"), &gbk).unwrap();
    let out = run(&["import", "parts", "gbk.csv"]);
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("encoding: GB18030"), "{stdout}");
    assert!(
        stdout.contains("5G0 959 753 AB monitored: true → false"),
        "{stdout}"
    );
    assert!(
        text(&out.stderr).contains("--confirm-downgrades"),
        "{}",
        text(&out.stderr)
    );
    assert!(catalogue(&app)
        .iter()
        .any(|p| p.0 == "5G0 959 753 AB" && p.7));
    let out = run(&["import", "parts", "gbk.csv", "--confirm-downgrades"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(catalogue(&app)
        .iter()
        .any(|p| p.0 == "5G0 959 753 AB" && !p.7));
    assert_eq!(
        app.count("audit_events WHERE action = 'part.safety_flag_removed'"),
        2
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

    // A duty rota is one dealer's: the command asks which, by its code.
    std::fs::write(
        dir.path().join("rota.csv"),
        "工号,星期,日期,开始,结束,类型\nhz.manager,周一,,08:30,17:30,值班\n13900000002,,2027-02-05,20:00,08:00,备班\n",
    )
    .unwrap();
    let out = run(&["import", "rota", "rota.csv"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--dealer"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["import", "rota", "rota.csv", "--dealer", "zz"]);
    assert!(!out.status.success());
    assert_eq!(app.count("rota_shifts"), 0);
    let out = run(&["import", "stock", "stock.csv", "--dealer", "hz"]);
    assert!(!out.status.success(), "--dealer is for the rota only");
    let out = run(&["import", "rota", "rota.csv", "--dealer", "hz"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains('2'), "{}", text(&out.stdout));
    assert_eq!(app.count("rota_shifts"), 2);
}

/// A multipart body with the file as bytes (any encoding) and extra form fields.
fn multipart_bytes(csrf: &str, kind: &str, file: &[u8], extra: &[(&str, &str)]) -> Vec<u8> {
    let b = "----rdtest";
    let mut out = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n"
    );
    for (name, value) in extra {
        out.push_str(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    out.push_str(&format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dms.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    ));
    let mut out = out.into_bytes();
    out.extend_from_slice(file);
    out.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    out
}

async fn post_bytes(app: &TestApp, token: &str, path: &str, body: Vec<u8>) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

both!(
    group_admins_cannot_change_the_shared_catalogue,
    catalogue_owner_body
);
async fn catalogue_owner_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let before = catalogue(&app);
    // A group admin: no parts import on the API, not on the page either.
    let (status, r) = post_csv(&app, &app.token("hz.admin"), "parts", PARTS, true).await;
    assert_eq!(
        (status, r["error"].as_str()),
        (403, Some("forbidden")),
        "{r}"
    );
    let client = signed_in(&app, "hz.admin").await;
    let html = page_text(&client, &app, "/admin/import").await;
    assert!(
        !html.contains("<option value=\"parts\""),
        "parts are not offered"
    );
    assert!(html.contains("<option value=\"stock\""));
    let res = client
        .post(app.url("/admin/import"))
        .header("content-type", "multipart/form-data; boundary=----rdtest")
        .body(multipart(&csrf_of(&html), "parts", PARTS))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(catalogue(&app), before, "nothing written");

    // The group's own stock still imports (history: history_import_groups_visits).
    let stock = "dealer_code,part_no,on_hand\nhz,N 102 621 02,9\n";
    let (status, r) = post_csv(&app, &app.token("hz.admin"), "stock", stock, false).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(app.on_hand("fuse"), 9);

    // The platform's catalogue admin imports parts, and only parts.
    let platform = app.token(CATALOGUE);
    let (status, r) = post_csv(&app, &platform, "stock", stock, false).await;
    assert_eq!(
        (status, r["error"].as_str()),
        (403, Some("forbidden")),
        "{r}"
    );
    let (status, r) = post_csv(&app, &platform, "parts", PARTS, false).await;
    assert_eq!(status, 200, "{r}");
    let client = signed_in(&app, CATALOGUE).await;
    let html = page_text(&client, &app, "/admin/import").await;
    assert!(html.contains("<option value=\"parts\""), "{html}");
    assert!(!html.contains("<option value=\"stock\""));
    assert!(html.contains("id=\"nav-import\""));
}

/// The battery loses `dangerous_goods` (and its UN number), the key loses `monitored`.
const DOWNGRADES: &str =
    "part_no,name_zh,category,price_yuan,weight_g,dangerous_goods,un_number,monitored\n\
    000 915 105 DE,12V 蓄电池 70Ah,test,780,1000,否,,否\n\
    N 102 621 02,保险丝套装,test,15.5,1000,否,,否\n\
    5G0 959 753 AB,遥控钥匙,test,1200,1000,否,,否\n";

type AuditRow = (String, Option<String>, Option<String>, Option<String>);

fn downgrade_events(app: &TestApp) -> Vec<AuditRow> {
    use rescuedesk::db::schema::audit_events;
    app.db
        .read_blocking(|conn| {
            Ok(audit_events::table
                .filter(audit_events::action.eq("part.safety_flag_removed"))
                .order(audit_events::entity_id)
                .select((
                    audit_events::entity_id,
                    audit_events::actor_id,
                    audit_events::dealer_id,
                    audit_events::data,
                ))
                .load(conn)?)
        })
        .unwrap()
}

both!(
    safety_downgrades_are_refused_unless_confirmed,
    downgrades_body
);
async fn downgrades_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let platform = app.token(CATALOGUE);
    let before = catalogue(&app);
    for skip_bad in [false, true] {
        let (status, r) = post_csv(&app, &platform, "parts", DOWNGRADES, skip_bad).await;
        assert_eq!(status, 409, "{r}");
        assert_eq!(r["error"], "safety_downgrade_unconfirmed");
        let report = &r["report"];
        assert_eq!(report["written"], false);
        assert_eq!(report["refused"], "safety_downgrade_unconfirmed");
        assert_eq!(report["downgrades_total"], 2);
        let listed: Vec<(u64, &str, &str, bool, bool)> = report["downgrades"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["row"].as_u64().unwrap(),
                    d["part_no"].as_str().unwrap(),
                    d["field"].as_str().unwrap(),
                    d["old"].as_bool().unwrap(),
                    d["new"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            vec![
                (2, "000 915 105 DE", "dangerous_goods", true, false),
                (4, "5G0 959 753 AB", "monitored", true, false),
            ]
        );
    }
    assert_eq!(catalogue(&app), before, "nothing written");
    assert!(downgrade_events(&app).is_empty());

    // The page refuses it the same way and lists the parts.
    let client = signed_in(&app, CATALOGUE).await;
    let html = page_text(&client, &app, "/admin/import").await;
    let csrf = csrf_of(&html);
    assert!(html.contains("name=\"confirm_downgrades\""));
    let send = |extra: &'static [(&'static str, &'static str)]| {
        client
            .post(app.url("/admin/import"))
            .header("content-type", "multipart/form-data; boundary=----rdtest")
            .body(multipart_bytes(
                &csrf,
                "parts",
                DOWNGRADES.as_bytes(),
                extra,
            ))
            .send()
    };
    let res = send(&[]).await.unwrap();
    assert_eq!(res.status().as_u16(), 409);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"import-downgrade-refused\""), "{html}");
    assert!(
        html.contains("data-part=\"5G0 959 753 AB\" data-field=\"monitored\""),
        "{html}"
    );
    assert_eq!(catalogue(&app), before, "nothing written");

    // Confirmed: written, and each removed flag audited with who, old and new.
    let (status, r) = app
        .client
        .post(app.url("/api/v1/imports/parts?confirm_downgrades=true"))
        .bearer_auth(&platform)
        .header("content-type", "text/csv")
        .body(DOWNGRADES)
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    let r: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        (&r["written"], &r["downgrades_confirmed"]),
        (&Value::Bool(true), &Value::Bool(true))
    );
    let after = catalogue(&app);
    let battery = after.iter().find(|p| p.0 == "000 915 105 DE").unwrap();
    let key = after.iter().find(|p| p.0 == "5G0 959 753 AB").unwrap();
    assert_eq!(
        (battery.5, battery.6.as_deref(), key.7),
        (false, None, false)
    );
    let me: String = app
        .db
        .read_blocking(|conn| {
            use rescuedesk::db::schema::users;
            Ok(users::table
                .filter(users::login.eq(CATALOGUE))
                .select(users::id)
                .first(conn)?)
        })
        .unwrap();
    let events = downgrade_events(&app);
    assert_eq!(events.len(), 2, "{events:?}");
    let expected = [("battery", "dangerous_goods"), ("key", "monitored")];
    for ((part, field), (entity, actor, dealer, data)) in expected.iter().zip(&events) {
        assert_eq!(entity, part);
        assert_eq!(actor.as_deref(), Some(me.as_str()));
        assert_eq!(dealer, &None, "the catalogue is the platform's");
        let data: Value = serde_json::from_str(data.as_deref().unwrap()).unwrap();
        assert_eq!(
            (&data["field"], &data["old"], &data["new"]),
            (
                &Value::from(*field),
                &Value::Bool(true),
                &Value::Bool(false)
            ),
            "{data}"
        );
    }

    // The page's checkbox confirms too: the key is monitored again, then not.
    app.db
        .write_blocking(|conn| {
            diesel::update(parts::table.filter(parts::id.eq("key")))
                .set(parts::monitored.eq(true))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
    let res = send(&[("confirm_downgrades", "on")]).await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.text().await.unwrap().contains("data-written=\"true\""));
    assert_eq!(downgrade_events(&app).len(), 3);
}

both!(reports_are_bounded, bounded_body);
async fn bounded_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let platform = app.token(CATALOGUE);
    // 20,000 rows with two bad cells each: 1,000 listed, all counted.
    let mut csv =
        String::from("part_no,name_zh,category,price_yuan,weight_g,dangerous_goods,monitored\n");
    for i in 0..20_000 {
        csv.push_str(&format!("BAD-{i},坏,misc,x,y,否,否\n"));
    }
    let (status, r) = post_csv(&app, &platform, "parts", &csv, false).await;
    assert_eq!(status, 400);
    let report = &r["report"];
    assert_eq!(report["errors"].as_array().unwrap().len(), 1_000);
    assert_eq!(
        (
            report["errors_total"].as_u64(),
            report["rows_with_errors"].as_u64()
        ),
        (Some(40_000), Some(20_000))
    );
    assert!(
        r.to_string().len() < 300_000,
        "{} bytes",
        r.to_string().len()
    );
    assert!(
        r["message"].as_str().unwrap().contains("20000 bad row(s)"),
        "{r}"
    );

    // Unknown columns: the first 50 named, all counted.
    let mut header =
        String::from("part_no,name_zh,category,price_yuan,weight_g,dangerous_goods,monitored");
    for i in 0..150 {
        header.push_str(&format!(",extra{i}"));
    }
    let (status, r) = post_csv(
        &app,
        &platform,
        "parts",
        &format!("{header}\nP-1,新,misc,1,1,否,否\n"),
        false,
    )
    .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["ignored_columns"].as_array().unwrap().len(), 50);
    assert_eq!(r["ignored_columns_total"], 150);

    // A header of 400,000 columns (800 KB, under the line bound) is refused at once, with one
    // error.
    let wide = format!("part_no{}\nA\n", ",x".repeat(400_000));
    let started = std::time::Instant::now();
    let (status, r) = post_csv(&app, &platform, "parts", &wide, false).await;
    assert_eq!(status, 400, "{r}");
    let errors = r["report"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]["reason"]
            .as_str()
            .unwrap()
            .contains("at most 200"),
        "{r}"
    );
    assert!(r.to_string().len() < 10_000);
    eprintln!("400,000-column header refused in {:?}", started.elapsed());
}

both!(gb18030_files_from_excel_import, gb18030_body);
async fn gb18030_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let platform = app.token(CATALOGUE);
    // Excel's plain "CSV" on a Chinese Windows: GBK, no BOM; Chinese header and names.
    let text = "配件号,中文名称,类别,单价,重量(克),危险品,UN编号,监控件\n\
        GB-1,机油滤清器（原厂）,filter,45.5,300,否,,否\n\
        GB-2,锂离子电池组,battery,9800,42000,是,UN3480,否\n";
    let (bytes, _, bad) = encoding_rs::GB18030.encode(text);
    assert!(!bad);
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    let (status, r) = post_bytes(&app, &platform, "/api/v1/imports/parts", bytes.to_vec()).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["encoding"], "GB18030");
    assert_eq!(counts(&r), [2, 2, 0, 0, 0]);
    let stored = catalogue(&app);
    let names: Vec<&str> = stored
        .iter()
        .filter(|p| p.0.starts_with("GB-"))
        .map(|p| p.1.as_str())
        .collect();
    assert_eq!(names, vec!["机油滤清器（原厂）", "锂离子电池组"]);

    // UTF-8 is named as such; the page shows the encoding it read.
    let (_, r) = post_csv(&app, &platform, "parts", PARTS, false).await;
    assert_eq!(r["encoding"], "UTF-8");
    let client = signed_in(&app, CATALOGUE).await;
    let html = page_text(&client, &app, "/admin/import").await;
    let res = client
        .post(app.url("/admin/import"))
        .header("content-type", "multipart/form-data; boundary=----rdtest")
        .body(multipart_bytes(&csrf_of(&html), "parts", &bytes, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-encoding=\"GB18030\""), "{html}");
    assert!(html.contains("id=\"import-encoding\""));
}

/// Item 5, measured: a large parts file is parsed and checked on a read connection, so an intake
/// (which needs the writer) does not queue behind the check. Prints the waits; asserts only that
/// no intake waited anywhere near as long as the import took.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn intakes_do_not_wait_for_a_large_import_to_be_checked() {
    let app = std::sync::Arc::new(TestApp::spawn(Backend::Sqlite).await);
    let importer = app.token(CATALOGUE);
    let agent = app.token("hz.agent");
    let rows = 200_000;
    // A whole catalogue, refused at its last row: all checking, no writing.
    let mut csv = String::with_capacity(rows * 60);
    csv.push_str(
        "part_no,name_zh,category,price_yuan,weight_g,dangerous_goods,un_number,monitored\n",
    );
    for i in 0..rows {
        csv.push_str(&format!("BULK-{i:06},批量配件{i},misc,12.50,100,否,,否\n"));
    }
    csv.push_str("BULK-LAST,坏行,misc,x,100,否,,否\n");
    for (label, file) in [
        ("refused (check only)", csv.clone()),
        (
            "written",
            csv.replace("BULK-LAST,坏行,misc,x", "BULK-LAST,好行,misc,1"),
        ),
    ] {
        let import = {
            let app = app.clone();
            let importer = importer.clone();
            tokio::spawn(async move {
                let started = std::time::Instant::now();
                let res = post_csv(&app, &importer, "parts", &file, false).await;
                (res.0, started.elapsed())
            })
        };
        let mut waits = Vec::new();
        while !import.is_finished() {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            let sent = std::time::Instant::now();
            let res = app
                .client
                .post(app.url("/api/v1/tickets"))
                .bearer_auth(&agent)
                .json(&crate::helpers::intake_body())
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap());
            waits.push(sent.elapsed());
        }
        let (status, took) = import.await.unwrap();
        assert!(status == 200 || status == 400, "{status}");
        waits.sort();
        let max = *waits.last().unwrap();
        eprintln!(
            "{label}: import of {rows} rows took {took:?} ({status}); {} intakes meanwhile, median wait {:?}, max {:?}",
            waits.len(),
            waits[waits.len() / 2],
            max
        );
        if label.starts_with("refused") {
            assert!(
                max < took / 2,
                "an intake waited {max:?} of an import's {took:?}"
            );
        }
    }
}

both!(
    a_change_between_check_and_write_refuses_the_file,
    between_body
);
async fn between_body(backend: Backend) {
    use rescuedesk::import::{ImportKind, Step};
    use rescuedesk::services::imports::{import_blocking, Options};
    let app = TestApp::spawn(backend).await;
    // The file only changes the fuse kit's price; it says the kit is no dangerous good.
    let csv = "part_no,name_zh,category,price_yuan,weight_g,dangerous_goods,un_number,monitored\n\
        N 102 621 02,保险丝套装,test,99,1000,否,,否\n";
    let options = Options {
        kind: ImportKind::Parts,
        skip_bad: false,
        confirm_downgrades: false,
        group_id: None,
        utc_offset_hours: 8,
        actor_id: None,
        actor_dealer_id: None,
    };
    let db = app.db.clone();
    let mut changed = false;
    // While the file is being checked (the writer free), someone marks the kit dangerous:
    // writing the file's row now would take that flag off without anyone confirming it.
    let err = import_blocking(&app.db, csv.as_bytes(), &options, &mut |step| {
        if matches!(step, Step::Checking { .. }) && !changed {
            changed = true;
            db.write_blocking(|conn| {
                diesel::update(parts::table.filter(parts::id.eq("fuse")))
                    .set((
                        parts::dangerous_goods.eq(true),
                        parts::un_number.eq(Some("UN3268")),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .unwrap();
        }
    })
    .unwrap_err();
    assert_eq!(err.code.as_str(), "stale_state", "{err:?}");
    let fuse = catalogue(&app)
        .into_iter()
        .find(|p| p.0 == "N 102 621 02")
        .unwrap();
    assert_eq!((fuse.3, fuse.5), (1_550, true), "nothing written");
}

/// A stock file with one problem of each kind the services find: bad quantity, unknown dealer,
/// unknown part, a repeated row.
const STOCK_PROBLEMS: &str = "dealer_code,part_no,on_hand\n\
    hz,N 102 621 02,x\n\
    zz,N 102 621 02,3\n\
    hz,NOPE,1\n\
    hz,5G0 880 201 K,1\n\
    hz,5G0 880 201 K,2\n";

both!(api_problems_carry_a_code_and_params, api_problems_body);
async fn api_problems_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("hz.admin");
    let (status, zh) = post_csv_in(&app, None, &admin, "stock", STOCK_PROBLEMS, false).await;
    assert_eq!(status, 400, "{zh}");
    let (_, en) = post_csv(&app, &admin, "stock", STOCK_PROBLEMS, false).await;
    let problems = |r: &Value| -> Vec<(u64, String, String, Value)> {
        r["report"]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["row"].as_u64().unwrap(),
                    e["column"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                    e["params"].clone(),
                )
            })
            .collect()
    };
    let want = vec![
        (
            2,
            "on_hand".to_owned(),
            "not_a_whole_number".to_owned(),
            serde_json::json!({"value": "x"}),
        ),
        (
            3,
            "dealer_code".into(),
            "dealer_not_in_group".into(),
            serde_json::json!({"code": "zz"}),
        ),
        (
            4,
            "part_no".into(),
            "part_unknown".into(),
            serde_json::json!({"part_no": "NOPE"}),
        ),
        (
            6,
            "part_no".into(),
            "repeats_row".into(),
            serde_json::json!({"first": 5}),
        ),
    ];
    assert_eq!(problems(&zh), want, "{zh}");
    assert_eq!(problems(&en), want, "the same data in any language");
    // The reason and the message in the language asked for, Chinese by default.
    assert_eq!(zh["report"]["errors"][0]["reason"], "应为整数，而不是“x”");
    assert_eq!(
        en["report"]["errors"][0]["reason"],
        "Expected a whole number, not \"x\""
    );
    assert_eq!(en["report"]["errors"][3]["reason"], "Repeats row 5");
    assert_eq!(
        (zh["message"].as_str(), en["message"].as_str()),
        (
            Some("4 行有误，未写入任何数据"),
            Some("4 bad row(s): nothing written")
        )
    );
    assert_eq!(
        (&zh["params"], &en["params"]),
        (
            &serde_json::json!({"count": 4}),
            &serde_json::json!({"count": 4})
        )
    );

    // A written report names its skipped rows' problems the same way.
    let (status, r) = post_csv(&app, &admin, "stock", STOCK_PROBLEMS, true).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["errors"][1]["code"], "dealer_not_in_group", "{r}");
    assert_eq!(
        r["errors"][1]["reason"],
        "Your dealer group has no dealer with code \"zz\""
    );

    // An unknown kind is a catalogue message too.
    let (status, body) = post_csv(&app, &admin, "tyres", "x\n", false).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "not_found");
    assert_eq!(
        body["message"],
        "Import kind (parts, stock, history) not found"
    );
}

/// The import report's section of a page.
fn report_section(html: &str) -> &str {
    let at = html
        .find("id=\"import-report\"")
        .expect("a report on the page");
    let end = html[at..].find("</section>").map_or(html.len(), |e| at + e);
    &html[at..end]
}

both!(
    english_import_page_shows_row_problems_in_english,
    english_page_body
);
/// Uploads a stock file on the admin page in `lang`; the status and the page.
async fn upload_in(
    app: &TestApp,
    client: &reqwest::Client,
    lang: &str,
    csv: &str,
) -> (u16, String) {
    client
        .get(app.url(&format!("/lang/{lang}")))
        .send()
        .await
        .unwrap();
    let csrf = csrf_of(&page_text(client, app, "/admin/import").await);
    let res = client
        .post(app.url("/admin/import"))
        .header("content-type", "multipart/form-data; boundary=----rdtest")
        .body(multipart(&csrf, "stock", csv))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn english_page_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = signed_in(&app, "hz.admin").await;
    for lang in ["en", "zh-CN"] {
        let (status, html) = upload_in(&app, &client, lang, STOCK_PROBLEMS).await;
        assert_eq!(status, 422);
        let report = report_section(&html);
        assert!(
            report.contains("data-row=\"3\" data-column=\"dealer_code\"")
                && report.contains("data-code=\"dealer_not_in_group\""),
            "{report}"
        );
        let han = report
            .chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .collect::<String>();
        if lang == "en" {
            for words in [
                "Expected a whole number, not",
                "Your dealer group has no dealer with code",
                "is not in the parts catalogue; import parts first",
                "Repeats row 5",
                "5 rows read: 1 inserted, 0 updated, 0 unchanged, 4 skipped (not written)",
                "Stock",
            ] {
                assert!(report.contains(words), "{words}: {report}");
            }
            assert_eq!(han, "", "no Chinese in the English report: {report}");
        } else {
            for words in [
                "应为整数",
                "本集团没有门店代码",
                "与第 5 行重复",
                "读取 5 行",
                "库存",
            ] {
                assert!(report.contains(words), "{words}: {report}");
            }
            assert!(!report.contains("Repeats row"), "{report}");
        }
    }

    // A header problem (the file refused as a whole) in English too.
    let (_, html) = upload_in(&app, &client, "en", "dealer_code,part_no\nhz,x\n").await;
    assert!(
        report_section(&html).contains("Missing column on_hand"),
        "{html}"
    );
}
