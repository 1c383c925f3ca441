//! The dispatch board: who sees which dealer's tickets, the urgency order, the counts and crews,
//! map positions in the tiles' system, the board page and its image policy.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use rescuedesk::db::schema::tickets;
use rescuedesk::domain::location::{Coordinates, Crs};
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, Backend, TestApp};
use crate::pages::signed_in;

/// A ticket taken by `agent`, of `level`, called `minutes_ago`; its id.
async fn call(app: &TestApp, agent: &str, plate: &str, level: i64, minutes_ago: i64) -> String {
    let mut body = intake_body();
    body["plate"] = json!(plate);
    body["response_level"] = json!(level);
    body["call_time"] = json!((Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339());
    let res = app.post_ticket(&app.token(agent), &body).await;
    assert_eq!(res.status().as_u16(), 201);
    let t: Value = res.json().await.unwrap();
    t["id"].as_str().unwrap().to_owned()
}

async fn board(app: &TestApp, login: &str) -> Value {
    let (status, b) = app.get_json(&app.token(login), "/api/v1/board").await;
    assert_eq!(status, 200, "{login}: {b}");
    b
}

fn ids(b: &Value) -> Vec<String> {
    b["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A dealer of another group with one open ticket (inserted as rows: no user of that group
/// exists); the ticket's id.
fn other_group_ticket(app: &TestApp) -> String {
    app.db
        .write_blocking(|conn| {
            let dealer = crate::helpers::insert_other_group(
                conn,
                crate::helpers::OtherGroup {
                    group: "别的集团",
                    brand: "别的",
                    dealer: "上海别家4S店",
                    address: "别的路 1 号",
                },
            )?;
            // A copy of an hz ticket, moved to the other dealer.
            let mut t: rescuedesk::repo::tickets::TicketRecord = tickets::table
                .select(rescuedesk::repo::tickets::TicketRecord::as_select())
                .first(conn)?;
            t.id = rescuedesk::repo::new_id();
            t.dealer_id = dealer;
            t.number = "RS-20261201-9999".into();
            t.idempotency_key = None;
            rescuedesk::repo::tickets::insert(conn, &t)?;
            Ok(t.id)
        })
        .expect("other group")
}

both!(
    each_user_sees_their_dealer_and_group_roles_the_group,
    scope_body
);
async fn scope_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let hz = call(&app, "hz.agent", "浙A11111", 2, 5).await;
    let nb = call(&app, "nb.agent", "浙B22222", 2, 5).await;
    let elsewhere = other_group_ticket(&app);

    let manager = board(&app, "hz.manager").await;
    assert_eq!(manager["scope"], "dealer");
    assert_eq!(ids(&manager), [hz.as_str()], "{manager}");
    assert_eq!(manager["dealers"].as_array().unwrap().len(), 1);
    assert_eq!(manager["counts"]["open"], 1);
    assert_eq!(ids(&board(&app, "nb.manager").await), [nb.as_str()]);
    assert_eq!(ids(&board(&app, "nb.agent").await), [nb.as_str()]);

    for login in ["hz.director", "nb.admin"] {
        let group = board(&app, login).await;
        assert_eq!(group["scope"], "group", "{login}");
        let mut seen = ids(&group);
        seen.sort();
        let mut want = vec![hz.clone(), nb.clone()];
        want.sort();
        assert_eq!(
            seen, want,
            "{login}: the group, not the other group's {elsewhere}"
        );
        assert_eq!(group["counts"]["open"], 2);
        let names: Vec<&str> = group["dealers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["杭州测试4S店", "宁波测试4S店"], "{login}");
    }
    let row = &board(&app, "hz.director").await["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == nb.as_str())
        .cloned()
        .unwrap();
    assert_eq!(row["dealer_name"], "宁波测试4S店");
    assert_eq!(row["plate"], "浙B22222");
    assert_eq!(row["customer"], "王**", "the wall shows no full name");
    assert!(row.get("phone").is_none(), "nor a phone number: {row}");
    assert_eq!(row["status"], "new");
    assert_eq!(row["next_step"], "plan.started");
    assert_eq!(row["holder"], "workshop_lead");
}

both!(the_board_is_for_the_desk_not_the_crews, roles_body);
async fn roles_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    call(&app, "hz.agent", "浙A11111", 2, 5).await;
    let (status, body) = app.get_json(&app.token("hz.tech"), "/api/v1/board").await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "forbidden");
    let (status, _) = app
        .get_json(&app.token("platform.catalogue"), "/api/v1/board")
        .await;
    assert_eq!(status, 403);
    let res = app
        .client
        .get(app.url("/api/v1/board"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    for login in ["hz.agent", "hz.workshop", "hz.parts", "hz.partsmgr"] {
        assert_eq!(board(&app, login).await["counts"]["open"], 1, "{login}");
    }
}

both!(the_most_urgent_come_first_with_the_counts, urgency_body);
async fn urgency_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Level targets for the response (config/default.toml): 30, 120, 240 minutes.
    let fresh = call(&app, "hz.agent", "浙A00001", 2, 1).await; // 119 min left
    let soon = call(&app, "hz.agent", "浙A00002", 1, 5).await; // 25 min left
    let warned = call(&app, "hz.agent", "浙A00003", 2, 100).await; // 20 min left, past 75 %
    let long_late = call(&app, "hz.agent", "浙A00004", 3, 300).await; // 60 min late
    let late = call(&app, "hz.agent", "浙A00005", 1, 45).await; // 15 min late
    let b = board(&app, "hz.manager").await;
    assert_eq!(
        ids(&b),
        [&long_late, &late, &warned, &soon, &fresh].map(|s| s.as_str()),
        "breached, warning, then the least time left: {b}"
    );
    let states: Vec<&str> = b["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["promise"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        ["breached", "breached", "warning", "on_time", "on_time"]
    );
    assert_eq!(
        b["counts"],
        json!({"open": 5, "warning": 1, "breached": 2, "crews_out": 0, "open_complaints": 0,
            "vehicles_ready": 0, "vehicles_out": 0, "vehicles_not_ready": 0})
    );
    assert_eq!(b["truncated"], false);
    assert!(b["crews"].as_array().unwrap().is_empty());

    // One crew on the road, one on site (as their steps leave the rows); a finished rescue goes.
    let moves = [
        (fresh.clone(), "dispatched", false),
        (soon.clone(), "on_site", true),
        (warned.clone(), "resolved", true),
    ];
    app.db
        .write_blocking(move |conn| {
            for (id, status, on_site) in moves {
                diesel::update(tickets::table.filter(tickets::id.eq(id)))
                    .set((
                        tickets::status.eq(status),
                        tickets::crew_on_site.eq(on_site),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })
        .unwrap();
    let b = board(&app, "hz.manager").await;
    assert_eq!(b["counts"]["open"], 4, "{b}");
    assert_eq!(b["counts"]["crews_out"], 2);
    assert_eq!(b["counts"]["warning"], 0);
    let crews = b["crews"].as_array().unwrap();
    let crew = |id: &str| crews.iter().find(|c| c["ticket_id"] == id).unwrap();
    assert_eq!(crew(&fresh)["state"], "departed");
    assert!(
        crew(&fresh)["lat"].is_null() && crew(&fresh)["map"].is_null(),
        "no position is recorded for a crew on the road: {b}"
    );
    assert_eq!(crew(&soon)["state"], "on_site");
    let site = b["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == soon.as_str())
        .unwrap();
    assert_eq!(crew(&soon)["lat"], site["lat"], "on site: at the site");
    assert_eq!(crew(&soon)["map"], site["map"]);
    assert_eq!(site["next_step"], "site.resolved");
    assert_eq!(site["holder"], "technician");
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() < 1e-9
}

both!(map_positions_are_in_the_system_of_the_tiles, crs_body);
async fn crs_body(backend: Backend) {
    // Default tiles: Amap, GCJ-02. The intake point was typed in GCJ-02 and stored as WGS-84.
    let app = TestApp::spawn(backend).await;
    call(&app, "hz.agent", "浙A11111", 2, 5).await;
    let b = board(&app, "hz.manager").await;
    assert_eq!(b["map_crs"], "gcj02");
    let t = &b["tickets"][0];
    let stored = Coordinates::parse(
        t["lat"].as_f64().unwrap(),
        t["lon"].as_f64().unwrap(),
        Crs::Wgs84,
    )
    .unwrap();
    let (lat, lon) = stored.to_crs(Crs::Gcj02);
    assert!(
        close(&t["map"]["lat"], lat) && close(&t["map"]["lon"], lon),
        "{t}"
    );
    // The conversion moves the point by hundreds of metres, back onto what was typed.
    assert!((t["lat"].as_f64().unwrap() - lat).abs() > 1e-3, "{t}");
    assert!((lat - 30.2741).abs() < 1e-5 && (lon - 120.1551).abs() < 1e-5);
    let d = &b["dealers"][0];
    let (lat, lon) = Coordinates::parse(30.2741, 120.1551, Crs::Wgs84)
        .unwrap()
        .to_crs(Crs::Gcj02);
    assert_eq!(d["lat"], 30.2741);
    assert!(
        close(&d["map"]["lat"], lat) && close(&d["map"]["lon"], lon),
        "{d}"
    );

    // OpenStreetMap tiles are WGS-84: the positions as stored.
    let app = TestApp::spawn_with(backend, |s| {
        s.map.tile_url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into();
        s.map.subdomains = String::new();
        s.map.crs = Crs::Wgs84;
    })
    .await;
    call(&app, "hz.agent", "浙A11111", 2, 5).await;
    let b = board(&app, "hz.manager").await;
    assert_eq!(b["map_crs"], "wgs84");
    let t = &b["tickets"][0];
    assert_eq!(t["map"]["lat"], t["lat"], "{t}");
    assert_eq!(t["map"]["lon"], t["lon"]);
    assert_eq!(
        b["dealers"][0]["map"],
        json!({"lat": 30.2741, "lon": 120.1551})
    );
}

both!(the_board_page_lists_counts_and_allows_the_tiles, page_body);
async fn page_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let director = signed_in(&app, "hz.director").await;
    let empty = page_text(&director, &app, "/board").await;
    assert!(empty.contains("data-testid=\"board-empty\""), "{empty}");
    assert!(empty.contains("目前没有未结的救援单"));
    assert!(
        empty.contains("id=\"nav-board\""),
        "the header links the board"
    );

    let late = call(&app, "hz.agent", "浙A00004", 3, 300).await;
    call(&app, "nb.agent", "浙B00001", 1, 1).await;
    let res = director.get(app.url("/board")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains(
            "img-src 'self' data: https://webrd01.is.autonavi.com https://webrd02.is.autonavi.com \
             https://webrd03.is.autonavi.com https://webrd04.is.autonavi.com;"
        ),
        "{csp}"
    );
    assert!(csp.contains("script-src 'self';"), "{csp}");
    let html = res.text().await.unwrap();
    assert!(html.contains("data-tile-url=\"https://webrd0{s}.is.autonavi.com/appmaptile?"));
    assert!(html.contains("/static/leaflet/leaflet.js"));
    assert!(html.contains(&format!("data-ticket=\"{late}\" data-state=\"breached\"")));
    assert_eq!(html.matches("class=\"board-row ").count(), 2, "{html}");
    assert!(html.contains("集团全部门店"));
    // Other pages load no tiles.
    let res = director.get(app.url("/tickets")).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(!csp.contains("autonavi"), "{csp}");

    // The live part alone, for the page's refresh; in English once switched.
    director.get(app.url("/lang/en")).send().await.unwrap();
    let live = page_text(&director, &app, "/board/live").await;
    assert!(!live.contains("<html"), "{live}");
    assert!(live.contains("data-testid=\"count-open\">2<"), "{live}");
    assert!(live.contains("Breached"), "{live}");

    // Vendored Leaflet, with its marker images where its stylesheet looks for them.
    for (path, kind) in [
        ("/static/leaflet/leaflet.js", "text/javascript"),
        ("/static/leaflet/leaflet.css", "text/css"),
        ("/static/leaflet/images/marker-icon.png", "image/png"),
        ("/static/leaflet/LICENSE", "text/plain"),
        ("/static/board.js", "text/javascript"),
    ] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{path}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind),
            "{path}"
        );
    }

    let tech = signed_in(&app, "hz.tech").await;
    let res = tech.get(app.url("/board")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let jobs = page_text(&tech, &app, "/jobs").await;
    assert!(
        !jobs.contains("id=\"nav-board\""),
        "no board link for the crews"
    );
}

#[test]
fn a_tile_url_cannot_widen_the_policy() {
    for bad in [
        "https://a.example/{z}/{x}/{y}.png; script-src *",
        "https://a.example 'unsafe-inline'/{z}/{x}/{y}",
        "javascript:alert(1)//{z}/{x}/{y}",
        "https://a.example/tiles.png",
        "https://*.example/{z}/{x}/{y}.png",
        "https://a.example/{z}/{x}/{y}.png\"><script>",
    ] {
        let env = [("RESCUEDESK__MAP__TILE_URL".to_owned(), bad.to_owned())];
        let err = rescuedesk::config::Settings::load(None, env).expect_err(bad);
        assert!(err.to_string().contains("map.tile_url"), "{bad}: {err}");
    }
    let env = [(
        "RESCUEDESK__MAP__TILE_URL".to_owned(),
        "http://127.0.0.1:9/{z}/{x}/{y}.png".to_owned(),
    )];
    let s = rescuedesk::config::Settings::load(None, env).unwrap();
    assert_eq!(s.map.tile_origins(), ["http://127.0.0.1:9"]);
}

both!(a_full_board_says_it_was_cut, cut_body);
async fn cut_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let newest = call(&app, "hz.agent", "浙A11111", 2, 1).await;
    // 500 older open calls, copies of the first (the board keeps the oldest 500).
    app.db
        .write_blocking(|conn| {
            let t: rescuedesk::repo::tickets::TicketRecord = tickets::table
                .select(rescuedesk::repo::tickets::TicketRecord::as_select())
                .first(conn)?;
            for i in 0..500 {
                let mut copy = t.clone();
                copy.id = rescuedesk::repo::new_id();
                copy.number = format!("RS-20261201-{i:04}");
                copy.idempotency_key = None;
                copy.call_time = t.call_time - Duration::minutes(10 + i);
                rescuedesk::repo::tickets::insert(conn, &copy)?;
            }
            Ok(())
        })
        .unwrap();
    let b = board(&app, "hz.manager").await;
    assert_eq!(b["truncated"], true);
    assert_eq!(b["counts"]["open"], 501);
    assert_eq!(b["tickets"].as_array().unwrap().len(), 500);
    assert!(!ids(&b).contains(&newest), "the newest call is left off");
    let page = page_text(&signed_in(&app, "hz.manager").await, &app, "/board").await;
    assert!(
        page.contains("只显示最早来电的 500 单（共 501 单未结）"),
        "the page says it was cut"
    );
}

both!(
    open_complaints_are_counted_and_listed_until_closed,
    complaints_body
);
async fn complaints_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, number) = crate::photos::on_site(&app).await;
    let (status, r) = app
        .post(
            &app.token("hz.tech"),
            &format!("/api/v1/tickets/{id}/resolve"),
            &json!({"work_done": "更换蓄电池，车辆启动正常", "signature": crate::photos::SIGNATURE}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let b = board(&app, "hz.agent").await;
    assert_eq!(b["counts"]["open_complaints"], 0);
    assert!(b["complaints"].as_array().unwrap().is_empty());

    let (_, q) = app
        .get_json(&app.token("hz.agent"), "/api/v1/follow-ups")
        .await;
    let f = q["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, a) = app
        .post(
            &app.token("hz.agent"),
            &format!("/api/v1/follow-ups/{f}/answer"),
            &json!({"attempts": 0, "score": 2, "comment": "技师迟到一小时"}),
        )
        .await;
    assert_eq!(status, 200, "{a}");
    let cid = a["complaint_id"].as_str().unwrap().to_owned();

    let b = board(&app, "hz.agent").await;
    assert_eq!(b["counts"]["open_complaints"], 1, "{b}");
    let c = &b["complaints"][0];
    assert_eq!(c["id"], cid.as_str());
    assert_eq!(c["ticket_id"], id.as_str());
    assert_eq!(c["ticket_number"], number.as_str());
    assert_eq!(c["customer"], "王**");
    assert!(c["open_minutes"].as_i64().unwrap() >= 0);
    assert_eq!(
        board(&app, "hz.director").await["counts"]["open_complaints"],
        1
    );
    assert_eq!(
        board(&app, "nb.agent").await["counts"]["open_complaints"],
        0
    );

    // The wall shows the tile and links the case.
    let client = signed_in(&app, "hz.agent").await;
    let live = page_text(&client, &app, "/board/live").await;
    assert!(
        live.contains("data-testid=\"count-complaints\">1<"),
        "{live}"
    );
    assert!(live.contains("未结投诉"));
    assert!(live.contains(&format!("href=\"/complaints/{cid}\"")));

    // Closed as satisfied: off the board.
    let (status, c) = app
        .post(
            &app.token("hz.manager"),
            &format!("/api/v1/complaints/{cid}/close"),
            &json!({"customer_satisfied": true, "note": "客户表示满意"}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    let b = board(&app, "hz.agent").await;
    assert_eq!(b["counts"]["open_complaints"], 0);
    assert!(b["complaints"].as_array().unwrap().is_empty());
}
