//! The technician recommendation over HTTP and in the plan editor: the free technician with the
//! skill the fault's words call for first, with the reasons in the reader's language; busy and
//! inactive ones left out; a sister dealer's technicians when none of ours is free or theirs are
//! much nearer; another dealer's ticket not found.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, Backend, TestApp};
use crate::pages::signed_in;
use crate::photos::{on_site, SIGNATURE};

/// A ticket taken by hz's agent with this fault, at these coordinates (GCJ-02).
async fn ticket_at(app: &TestApp, fault: &str, lat: f64, lon: f64) -> String {
    let mut body = intake_body();
    body["fault"] = json!(fault);
    body["location"]["lat"] = json!(lat);
    body["location"]["lon"] = json!(lon);
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &body)
        .await
        .json()
        .await
        .unwrap();
    t["id"].as_str().unwrap().to_owned()
}

fn give_skill(app: &TestApp, technician: &'static str, skill: &'static str) {
    app.db
        .write_blocking(move |conn| {
            use rescuedesk::db::schema::technician_skills;
            diesel::insert_into(technician_skills::table)
                .values((
                    technician_skills::technician_id.eq(technician),
                    technician_skills::skill.eq(skill),
                ))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
}

fn retire(app: &TestApp, technician: &'static str) {
    app.db
        .write_blocking(move |conn| {
            use rescuedesk::db::schema::technicians;
            diesel::update(technicians::table.filter(technicians::id.eq(technician)))
                .set(technicians::active.eq(false))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
}

async fn recommended(app: &TestApp, id: &str, lang: &str) -> Value {
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/tickets/{id}/recommendations")))
        .bearer_auth(app.token("hz.workshop"))
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.json().await.unwrap()
}

fn ids(r: &Value) -> Vec<&str> {
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["technician_id"].as_str().unwrap())
        .collect()
}

fn reasons(item: &Value) -> String {
    item["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" | ")
}

both!(
    a_battery_fault_recommends_the_free_technician_with_the_skill,
    battery_body
);
async fn battery_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    give_skill(&app, "hz-t2", "electrical");
    // A flat battery 8 km north of the Hangzhou dealer.
    let id = ticket_at(&app, "电瓶没电，打不着火", 30.345, 120.158).await;

    let r = recommended(&app, &id, "zh-CN").await;
    assert_eq!(r["wanted_skills"], json!(["electrical"]));
    assert_eq!(r["site_known"], true);
    // All three start at the dealer; the one with the skill first, the sister dealer's (150 km
    // off) not at all.
    assert_eq!(ids(&r)[0], "hz-t2", "{r}");
    assert_eq!(ids(&r).len(), 3, "{r}");
    let first = &r["items"][0];
    assert_eq!(first["own_dealer"], true);
    assert_eq!(first["from"], "dealer");
    let minutes = first["drive_minutes"].as_i64().unwrap();
    assert!((10..=40).contains(&minutes), "{first}");
    let why = reasons(first);
    assert!(
        why.contains(&format!("约 {minutes} 分钟到达")) && why.contains("从门店出发"),
        "{why}"
    );
    assert!(why.contains("具备所需技能：电器"), "{why}");
    assert!(why.contains("今日尚未出车"), "{why}");
    assert!(reasons(&r["items"][1]).contains("缺少技能：电器"));
    let scores: Vec<i64> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["score_minutes"].as_i64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
    // The skill is worth its weight over an equal drive ([recommend] missing_skill_minutes).
    assert_eq!(scores[1] - scores[0], 45, "{scores:?}");

    let en = recommended(&app, &id, "en").await;
    let why = reasons(&en["items"][0]);
    assert!(why.contains(&format!("About {minutes} min away")), "{why}");
    assert!(why.contains("Has the skills needed"), "{why}");
    assert!(!why.contains("分钟"), "{why}");

    // Another dealer's staff do not find the ticket.
    let (status, body) = app
        .get_json(
            &app.token("nb.workshop"),
            &format!("/api/v1/tickets/{id}/recommendations"),
        )
        .await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
}

both!(
    busy_and_inactive_technicians_are_left_out_and_sisters_step_in,
    busy_body
);
async fn busy_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // hz-t1 and hz-t2 are out on another rescue.
    let _ = on_site(&app).await;
    let id = ticket_at(&app, "左前轮爆胎", 30.30, 120.16).await;
    let r = recommended(&app, &id, "zh-CN").await;
    assert_eq!(r["wanted_skills"], json!(["tyres"]));
    assert_eq!(ids(&r), ["hz-t3"], "{r}");

    // With hz-t3 gone too, none of ours is free: Ningbo's come in, saying why.
    retire(&app, "hz-t3");
    let r = recommended(&app, &id, "zh-CN").await;
    let got = ids(&r);
    assert_eq!(got.len(), 3, "{r}");
    assert!(got.iter().all(|t| t.starts_with("nb-")), "{r}");
    let first = &r["items"][0];
    assert_eq!(first["own_dealer"], false);
    assert_eq!(first["dealer_name"], "宁波测试4S店");
    assert!(
        reasons(first).contains("本店无空闲技师，由宁波测试4S店支援"),
        "{first}"
    );

    // The editor offers them with the dealer's badge, on the crew table too (to tick).
    let workshop = signed_in(&app, "hz.workshop").await;
    let editor = page_text(&workshop, &app, &format!("/tickets/{id}/plan")).await;
    assert!(editor.contains(r#"data-testid="recommend""#), "{editor}");
    assert!(
        editor.contains(r#"class="add-crew" data-technician="nb-t1""#),
        "{editor}"
    );
    assert!(editor.contains(r#"id="crew-nb-t1""#), "{editor}");
    assert!(editor.contains("兄弟店 · 宁波测试4S店"), "{editor}");
}

both!(
    a_sister_technician_much_nearer_is_offered_first,
    nearer_body
);
async fn nearer_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Hangzhou's agent takes a call from a driver stuck in Ningbo, 2 km from the Ningbo dealer.
    let id = ticket_at(&app, "钥匙丢了，车锁着", 29.88, 121.55).await;
    let r = recommended(&app, &id, "en").await;
    assert_eq!(r["wanted_skills"], json!(["keys_immobiliser"]));
    let items = r["items"].as_array().unwrap();
    // Five shown ([recommend] shown): Ningbo's three, then two of ours.
    assert_eq!(items.len(), 5, "{r}");
    assert_eq!(items[0]["own_dealer"], false, "{r}");
    assert!(
        reasons(&items[0]).contains("sooner than our fastest"),
        "{}",
        reasons(&items[0])
    );
    // Ours follow, each about two hours away.
    let own: Vec<&Value> = items.iter().filter(|i| i["own_dealer"] == true).collect();
    assert_eq!(own.len(), 2);
    assert!(items[..3].iter().all(|i| i["own_dealer"] == false), "{r}");
    assert!(own
        .iter()
        .all(|i| i["drive_minutes"].as_i64().unwrap() > 90));
    assert!(items[0]["drive_minutes"].as_i64().unwrap() < 20);

    // The editor's box, in English, one language only.
    let workshop = signed_in(&app, "hz.workshop").await;
    workshop.get(app.url("/lang/en")).send().await.unwrap();
    let editor = page_text(&workshop, &app, &format!("/tickets/{id}/plan")).await;
    assert!(editor.contains("Recommended technicians"), "{editor}");
    assert!(editor.contains("Skills the fault needs"), "{editor}");
    assert!(!editor.contains("推荐技师"), "{editor}");
}

both!(
    a_technician_just_done_sets_off_from_that_site_with_a_job_counted,
    last_site_body
);
async fn last_site_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // hz-t1 and hz-t2 finish a rescue at the intake body's site (West Lake, by the dealer)...
    let (done, _) = on_site(&app).await;
    let (status, res) = app
        .post(
            &app.token("hz.tech"),
            &format!("/api/v1/tickets/{done}/resolve"),
            &json!({"work_done": "更换蓄电池", "signature": SIGNATURE}),
        )
        .await;
    assert_eq!(status, 200, "{res}");
    // ...and a call comes in 30 km west of it.
    let id = ticket_at(&app, "发动机故障灯亮", 30.27, 119.84).await;
    let r = recommended(&app, &id, "zh-CN").await;
    let item = |t: &str| {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["technician_id"] == t)
            .cloned()
            .unwrap_or_else(|| panic!("{t} in {r}"))
    };
    let (t1, t3) = (item("hz-t1"), item("hz-t3"));
    assert_eq!(t1["from"], "last_site", "{t1}");
    assert_eq!(t1["jobs_today"], 1, "{t1}");
    assert!(reasons(&t1).contains("分钟前完工的现场出发"), "{t1}");
    assert!(reasons(&t1).contains("今日已出车 1 次"), "{t1}");
    assert_eq!(t3["from"], "dealer");
    assert_eq!(t3["jobs_today"], 0);
    // Today's job weighs 10 minutes against an equal drive (the site is by the dealer).
    let diff = t1["score_minutes"].as_i64().unwrap() - t3["score_minutes"].as_i64().unwrap();
    assert!((9..=11).contains(&diff), "{t1} {t3}");
}
