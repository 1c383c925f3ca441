//! The plan editor over HTTP: submit sends what is on screen, labels in the page's language,
//! busy technicians, parts that fit the car first, and when a missing part could arrive.

use diesel::prelude::*;
use reqwest::header::LOCATION;
use serde_json::Value;

use crate::both;
use crate::helpers::{intake_body, page_text, plan_body, Backend, TestApp, KNOWN_PLATE};
use crate::pages::{csrf_of, signed_in};

async fn new_ticket(app: &TestApp, body: &Value) -> (String, String) {
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), body)
        .await
        .json()
        .await
        .unwrap();
    (
        t["id"].as_str().unwrap().to_owned(),
        t["number"].as_str().unwrap().to_owned(),
    )
}

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "GET {path}");
    res.text().await.unwrap()
}

fn sql(app: &TestApp, statement: String) {
    app.db
        .write_blocking(move |conn| Ok(diesel::sql_query(statement).execute(conn)?))
        .expect("sql");
}

/// The editor's form for a battery plan; `minutes` of labour.
fn form<'a>(csrf: &'a str, minutes: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("crew", "hz-t1"),
        ("lead", "hz-t1"),
        ("tool:hz-jump", "1"),
        ("part_id", "battery"),
        ("part_qty", "1"),
        ("item_desc", "更换蓄电池"),
        ("item_minutes", minutes),
        ("item_rate", ""),
        ("estimated_minutes", "45"),
        ("travel_km", "10"),
        ("special_notes", ""),
    ]
}

both!(submit_sends_the_edits_on_screen, submit_edits_body);
async fn submit_edits_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, _) = new_ticket(&app, &intake_body()).await;
    let workshop = signed_in(&app, "hz.workshop").await;
    let editor = get(&workshop, &app, &format!("/tickets/{id}/plan")).await;
    let csrf = csrf_of(&editor);
    // Saved with 30 minutes of labour: 780 + 60 + 60 = ¥900.
    let res = workshop
        .post(app.url(&format!("/tickets/{id}/plan")))
        .form(&form(&csrf, "30"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let editor = get(&workshop, &app, &format!("/tickets/{id}/plan")).await;
    assert!(
        editor.contains("formaction=\"/tickets/") && editor.contains("id=\"submit-plan\""),
        "the submit button posts the editor's form"
    );
    // Then 120 minutes typed but not saved (+¥180): submitting sends ¥1,080, not ¥900.
    let res = workshop
        .post(app.url(&format!("/tickets/{id}/plan/submit")))
        .form(&form(&csrf, "120"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        res.headers()[LOCATION].to_str().unwrap(),
        format!("/tickets/{id}")
    );
    let (_, t) = app
        .get_json(&app.token("hz.manager"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(t["status"], "awaiting_manager_review", "{t}");
    assert_eq!(t["plan"]["status"], "submitted");
    assert_eq!(t["plan"]["version"], 1);
    assert_eq!(t["plan"]["cost"]["total_fen"], 108_000, "{}", t["plan"]);

    // Bad input is refused with the form kept, and nothing is submitted.
    let (id2, _) = new_ticket(&app, &intake_body()).await;
    let res = workshop
        .post(app.url(&format!("/tickets/{id2}/plan/submit")))
        .form(&form(&csrf, "many"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let (_, t) = app
        .get_json(&app.token("hz.manager"), &format!("/api/v1/tickets/{id2}"))
        .await;
    assert_eq!(t["status"], "new");
}

both!(skills_grades_and_busy_crews_are_labelled, labels_body);
async fn labels_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    sql(
        &app,
        "INSERT INTO technician_skills (technician_id, skill) VALUES ('hz-t1', 'diagnostics'), ('hz-t1', 'electrical'), ('hz-t2', 'welding_x')".into(),
    );
    // 周师傅 and 吴师傅 crew another ticket that is already out.
    let (busy, busy_no) = new_ticket(&app, &intake_body()).await;
    let ws = app.token("hz.workshop");
    let (s, _) = app
        .put(&ws, &format!("/api/v1/tickets/{busy}/plan"), &plan_body())
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .post(
            &ws,
            &format!("/api/v1/tickets/{busy}/plan/submit"),
            &serde_json::json!({"version": 1}),
        )
        .await;
    assert_eq!(s, 200);
    sql(
        &app,
        format!("UPDATE tickets SET status = 'dispatched' WHERE id = '{busy}'"),
    );

    let (id, _) = new_ticket(&app, &intake_body()).await;
    let workshop = signed_in(&app, "hz.workshop").await;
    let zh = get(&workshop, &app, &format!("/tickets/{id}/plan")).await;
    assert!(zh.contains("故障诊断、电器"), "skills in Chinese");
    assert!(zh.contains("高级技师"), "grade in Chinese");
    assert!(!zh.contains(">diagnostics") && !zh.contains("senior"));
    assert!(
        zh.contains("welding_x"),
        "an unknown code is shown as stored"
    );
    assert!(
        zh.contains(&format!("data-busy-on=\"{busy_no}\""))
            && zh.contains(&format!("忙 · {busy_no}")),
        "周师傅 is marked busy with the other ticket's number"
    );
    assert_eq!(
        zh.matches("data-busy-on=").count(),
        2,
        "周师傅 and 吴师傅 are out, 郑师傅 is free"
    );
    // Its own ticket does not make a technician busy.
    let own = get(&workshop, &app, &format!("/tickets/{busy}/plan")).await;
    assert!(!own.contains("data-busy-on="));

    workshop.get(app.url("/lang/en")).send().await.unwrap();
    let en = get(&workshop, &app, &format!("/tickets/{id}/plan")).await;
    assert!(en.contains("Diagnostics, Electrical"), "skills in English");
    assert!(en.contains("Senior technician"));
    assert!(en.contains(&format!("busy · {busy_no}")));
}

both!(parts_that_fit_the_car_come_first, ranking_body);
async fn ranking_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Two coils; the catalogue order puts the EA211's first. The car's history has a 06L
    // part (its EA888), so the 06L coil fits.
    sql(
        &app,
        "INSERT INTO parts (id, part_no, name_zh, name_en, category, price_fen, weight_g, dangerous_goods, monitored, created_at) VALUES \
         ('coil211', '04E 905 110', '点火线圈（EA211 1.4T）', 'Ignition coil (EA211 1.4 TSI)', 'ignition', 42000, 300, FALSE, FALSE, '2026-01-01 00:00:00'), \
         ('coil888', '06L 905 110', '点火线圈（EA888 2.0T）', 'Ignition coil (EA888 2.0 TSI)', 'ignition', 46000, 300, FALSE, FALSE, '2026-01-01 00:00:00')"
            .into(),
    );
    let mut body = intake_body();
    body["plate"] = KNOWN_PLATE.into();
    body["model"] = "途观L 330TSI".into();
    let (id, _) = new_ticket(&app, &body).await;
    let workshop = signed_in(&app, "hz.workshop").await;
    let q = "%E7%82%B9%E7%81%AB%E7%BA%BF%E5%9C%88"; // 点火线圈
    let html = get(&workshop, &app, &format!("/tickets/{id}/plan/parts?q={q}")).await;
    let (a, b) = (
        html.find("data-part-id=\"coil888\"")
            .expect("EA888 coil found"),
        html.find("data-part-id=\"coil211\"")
            .expect("EA211 coil found"),
    );
    assert!(a < b, "the coil for the car's engine comes first: {html}");
    // Neither is in stock: the result says it must be sourced and when it could arrive.
    assert!(html.contains("需调货，最早"), "{html}");

    // A car without history keeps the catalogue order.
    let (other, _) = new_ticket(&app, &intake_body()).await;
    let html = get(
        &workshop,
        &app,
        &format!("/tickets/{other}/plan/parts?q={q}"),
    )
    .await;
    assert!(
        html.find("data-part-id=\"coil211\"").unwrap()
            < html.find("data-part-id=\"coil888\"").unwrap()
    );
    workshop.get(app.url("/lang/en")).send().await.unwrap();
    let html = get(&workshop, &app, &format!("/tickets/{id}/plan/parts?q={q}")).await;
    assert!(html.contains("must be sourced, earliest"), "{html}");
}

both!(pages_speak_the_pages_language, language_body);
async fn language_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, _) = new_ticket(&app, &intake_body()).await;
    let workshop = signed_in(&app, "hz.workshop").await;
    let editor = get(&workshop, &app, &format!("/tickets/{id}/plan")).await;
    let csrf = csrf_of(&editor);
    let mut f = form(&csrf, "30");
    f.retain(|(k, _)| *k != "special_notes");
    f.push(("special_notes", "带两块备用电池"));
    let res = workshop
        .post(app.url(&format!("/tickets/{id}/plan")))
        .form(&f)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);

    // The workshop lead's steps (edit, submit) live in the plan card: no empty step box.
    let zh = get(&workshop, &app, &format!("/tickets/{id}")).await;
    assert!(zh.contains("id=\"submit-plan\""));
    assert!(!zh.contains("id=\"actions\""), "no empty 待您处理 box");
    let agent = signed_in(&app, "hz.director").await;
    let director = get(&agent, &app, &format!("/tickets/{id}")).await;
    assert!(
        !director.contains("id=\"actions\""),
        "nothing to do, no box"
    );

    workshop.get(app.url("/lang/en")).send().await.unwrap();
    let en = get(&workshop, &app, &format!("/tickets/{id}")).await;
    assert!(en.contains("Special notes: "), "English punctuation");
    assert!(en.contains("jump"), "the English tool name");
    assert!(
        !en.contains('：') && !en.contains('、'),
        "no full-width punctuation on the English page"
    );

    // Submitted: the service manager gets a plan_review message, named for people.
    let res = workshop
        .post(app.url(&format!("/tickets/{id}/plan/submit")))
        .form(&form(&csrf, "30"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let admin = signed_in(&app, "hz.admin").await;
    let outbox = get(&admin, &app, "/outbox").await;
    assert!(outbox.contains("data-template=\"plan_review\""));
    assert!(
        outbox.contains("<span class=\"template-name\">方案待审核</span>"),
        "{outbox}"
    );
    assert!(!outbox.contains("· plan_review ·"));
    let ticket = get(&admin, &app, &format!("/tickets/{id}")).await;
    assert!(ticket.contains("方案待审核") && !ticket.contains("· plan_review ·"));
    admin.get(app.url("/lang/en")).send().await.unwrap();
    let outbox = get(&admin, &app, "/outbox").await;
    assert!(outbox.contains("<span class=\"template-name\">Plan to review</span>"));
}

both!(error_pages_keep_the_navigation, error_nav_body);
async fn error_nav_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let agent = signed_in(&app, "hz.agent").await;
    for path in ["/no-such-page", "/tickets/no-such-ticket"] {
        let res = agent.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 404, "{path}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains("id=\"nav-work\""),
            "{path}: signed in, the nav stays"
        );
        assert!(html.contains("data-error-code=\"not_found\""));
    }
    // A page the role may not open: 403, with the nav.
    let res = agent.get(app.url("/admin/import")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert!(res.text().await.unwrap().contains("id=\"nav-work\""));
    // Signed out: the plain frame.
    let res = app
        .client
        .get(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    assert!(!res.text().await.unwrap().contains("id=\"nav-work\""));
    // In English the message is one English sentence, and the way back is to the ticket list.
    agent.get(app.url("/lang/en")).send().await.unwrap();
    let html = page_text(&agent, &app, "/tickets/no-such-ticket").await;
    assert!(
        html.contains("<p class=\"alert alert-error\">Ticket not found</p>"),
        "{html}"
    );
    assert!(html.contains("<a href=\"/tickets\">Back to the ticket list</a>"));
    // A technician is sent back to their jobs, not to a desk they cannot open.
    let tech = signed_in(&app, "hz.tech").await;
    let html = page_text(&tech, &app, "/tickets/no-such-ticket").await;
    assert!(
        html.contains("<p class=\"alert alert-error\">找不到救援单</p>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/jobs\">返回我的派工单</a>"),
        "{html}"
    );
}

both!(plan_errors_name_fields_in_words, plan_error_words_body);
async fn plan_error_words_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, _) = new_ticket(&app, &intake_body()).await;
    let workshop = signed_in(&app, "hz.workshop").await;
    for (lang, crew, items) in [
        ("zh-CN", "救援组：", "维修项目："),
        ("en", "Crew: ", "Repair items: "),
    ] {
        workshop
            .get(app.url(&format!("/lang/{lang}")))
            .send()
            .await
            .unwrap();
        let editor = get(&workshop, &app, &format!("/tickets/{id}/plan")).await;
        // An empty plan: no crew, no repair item.
        let res = workshop
            .post(app.url(&format!("/tickets/{id}/plan")))
            .form(&[("csrf", csrf_of(&editor).as_str())])
            .send()
            .await
            .unwrap();
        let html = res.text().await.unwrap();
        assert!(
            html.contains(&format!("data-field=\"crew\">{crew}")),
            "{lang}: {html}"
        );
        assert!(
            html.contains(&format!("data-field=\"items\">{items}")),
            "{lang}: {html}"
        );
    }
    assert_eq!(app.count("plans"), 0, "nothing saved");
}
