//! Each page speaks one language: in English no Chinese is left outside the user's own data, and
//! in Chinese none of the English catalogue's sentences shows.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, plan_body, Backend, TestApp, KNOWN_PLATE};
use crate::links::{approved_with, code_in, message_to};
use crate::pages::signed_in;

/// Gives every name the pages show from the database a Latin spelling, so that any Chinese left
/// on an English page is the product's own text. Catalogue parts and tools keep their Chinese
/// names: an English page must show their English one.
fn latin_data(app: &TestApp) {
    app.db
        .write_blocking(|conn| {
            for sql in [
                "UPDATE dealer_groups SET name = 'Test Group'",
                "UPDATE dealers SET name = 'Dealer ' || code, city = 'City', address = 'Road 1'",
                "UPDATE users SET name = 'User ' || login",
                "UPDATE technicians SET name = 'Tech ' || phone",
                "UPDATE customers SET name = 'Customer ' || phone",
                "UPDATE vehicles SET model = 'Lavida 1.5L'",
                "UPDATE service_visits SET summary = 'Regular service'",
                "UPDATE service_visit_parts SET name = 'Oil filter'",
            ] {
                diesel::sql_query(sql).execute(conn)?;
            }
            Ok(())
        })
        .expect("latin data");
}

fn latin_intake(plate: &str) -> Value {
    let mut body = intake_body();
    body["customer_name"] = json!("Wang Jianguo");
    body["location"]["address"] = json!("90 Wensan Road, Hangzhou");
    body["model"] = json!("Lavida 1.5L");
    body["fault"] = json!("Engine stalled on the motorway, battery light on");
    body["plate"] = json!(plate);
    body
}

fn latin_plan() -> Value {
    let mut plan = plan_body();
    plan["items"] = json!([{"description": "Test and replace the battery", "labour_minutes": 30}]);
    plan["special_notes"] = json!("The battery is dangerous goods");
    plan
}

/// A ticket of Latin data with a draft plan.
async fn latin_draft(app: &TestApp, plate: &str) -> String {
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &latin_intake(plate))
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/tickets/{id}/plan");
    let (status, _) = app
        .put(&app.token("hz.workshop"), &path, &latin_plan())
        .await;
    assert_eq!(status, 200);
    id
}

/// A rescue vehicle of hz with Latin words (its base, the note of its failed check); its id.
async fn latin_vehicle(app: &TestApp) -> String {
    let (status, v) = app
        .post(
            &app.token("hz.workshop"),
            "/api/v1/rescue-vehicles",
            &json!({"plate": "浙A·J1234", "kind": "tow_truck", "carries": ["tool_kit"], "base": "North yard"}),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    let (status, c) = app
        .post(
            &app.token("hz.tech"),
            &format!("/api/v1/rescue-vehicles/{id}/checks"),
            &json!({"fuel": true, "water": true, "tyre_pressure": false, "tool_kit": true,
                    "lights": true, "occasion": "holiday", "note": "Front right tyre low"}),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    id
}

/// The page's visible words: tags removed; the language switch (which names Chinese in
/// Chinese), the texts of sent messages (in their recipient's language) and the plates (whose
/// first character is the province's Chinese name) taken out.
fn words(html: &str, plates: &[&str]) -> String {
    let mut html = html.replace(">中文</a>", "></a>");
    while let Some(at) = html.find("<pre class=\"body\">") {
        let end = html[at..].find("</pre>").map_or(html.len(), |e| at + e);
        html.replace_range(at..end, "");
    }
    // The Chinese column headers an import accepts are what DMS files say, in any language.
    while let Some(at) = html.find("<td class=\"aliases\">") {
        let end = html[at..].find("</td>").map_or(html.len(), |e| at + e);
        html.replace_range(at..end, "");
    }
    while let Some(at) = html.find("<p><strong>") {
        let end = html[at..].find("</p>").map_or(html.len(), |e| at + e);
        html.replace_range(at..end, "");
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    for p in plates {
        out = out.replace(p, " ");
    }
    out
}

/// Chinese runs in `text`, except a lone province abbreviation: plates (and their examples,
/// "such as 浙") are written the Chinese way in any language.
fn chinese_in(text: &str) -> Vec<String> {
    const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
    chinese_runs(text)
        .into_iter()
        .filter(|r| !(r.chars().count() == 1 && PROVINCES.contains(r.as_str())))
        .collect()
}

fn chinese_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run = String::new();
    for c in text.chars() {
        let cjk = ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{4e00}'..='\u{9fff}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c);
        if cjk {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// The English catalogue's sentences (values of three words or more, arguments left out).
fn english_sentences() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/en");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            let Some((_, value)) = line.split_once(" = ") else {
                continue;
            };
            if value.contains('{') || value.split_whitespace().count() < 3 {
                continue;
            }
            out.push(value.trim().to_owned());
        }
    }
    out
}

both!(pages_speak_one_language, one_language_body);
async fn one_language_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    latin_data(&app);
    // One ticket approved (parts to issue, a crew with job links)…
    let approved_id = approved_with(&app, &latin_intake("浙A12345"), &latin_plan()).await;
    let job = code_in(&message_to(&app, "technician_dispatch", "13900000001"), 'j');
    // …and one in planning, with a draft.
    let planning = latin_draft(&app, "浙B54321").await;
    // A rescue vehicle whose check failed (its note and the checker on the card).
    let vehicle = latin_vehicle(&app).await;
    let plates = ["浙A12345", "浙B54321", KNOWN_PLATE, "浙AJ1234"];
    // The account pages list the agent's sessions and tokens (signed in below; one token here).
    let _ = app.token("hz.agent");
    let agent_id: String = app
        .db
        .read_blocking(|conn| {
            use rescuedesk::db::schema::users;
            Ok(users::table
                .filter(users::login.eq("hz.agent"))
                .select(users::id)
                .first(conn)?)
        })
        .unwrap();
    let pages: Vec<(&str, Vec<String>)> = vec![
        (
            "hz.agent",
            vec![
                "/tickets".into(),
                "/tickets/new".into(),
                format!("/tickets/{approved_id}"),
                format!("/tickets/{planning}"),
                "/work".into(),
                "/no-such-page".into(),
                "/account/sessions".into(),
            ],
        ),
        (
            "hz.workshop",
            vec![
                format!("/tickets/{planning}/plan"),
                "/work".into(),
                "/rota?week=2027-W05".into(),
                "/vehicles".into(),
                format!("/vehicles/{vehicle}/check"),
            ],
        ),
        (
            "hz.manager",
            vec![
                "/work".into(),
                "/board".into(),
                "/suspensions".into(),
                "/readiness".into(),
            ],
        ),
        (
            "hz.director",
            vec![
                "/work".into(),
                "/board".into(),
                "/rota".into(),
                "/readiness/group".into(),
            ],
        ),
        (
            "hz.parts",
            vec!["/parts".into(), format!("/tickets/{approved_id}/parts")],
        ),
        (
            "hz.tech",
            vec![
                "/jobs".into(),
                format!("/jobs/{approved_id}"),
                "/vehicles".into(),
                format!("/vehicles/{vehicle}/check"),
            ],
        ),
        (
            "hz.admin",
            vec![
                "/outbox".into(),
                "/admin/import".into(),
                "/holidays".into(),
                "/admin/users".into(),
                format!("/admin/users/{agent_id}/sessions"),
            ],
        ),
    ];
    let sentences = english_sentences();
    assert!(sentences.len() > 50, "the catalogue is read");
    let mut leaks = Vec::new();
    for (login, paths) in &pages {
        let client = signed_in(&app, login).await;
        for lang in ["en", "zh-CN"] {
            client
                .get(app.url(&format!("/lang/{lang}")))
                .send()
                .await
                .unwrap();
            for path in paths {
                let html = page_text(&client, &app, path).await;
                let text = words(&html, &plates);
                if lang == "en" {
                    for run in chinese_in(&text) {
                        leaks.push(format!("{login} {path} (en): {run}"));
                    }
                } else {
                    for s in sentences.iter().filter(|s| text.contains(s.as_str())) {
                        leaks.push(format!("{login} {path} (zh): {s}"));
                    }
                }
            }
        }
    }
    // A refused form in English: the alert and every field message in English.
    let agent = signed_in(&app, "hz.agent").await;
    agent.get(app.url("/lang/en")).send().await.unwrap();
    let form = page_text(&agent, &app, "/tickets/new").await;
    let res = agent
        .post(app.url("/tickets/new"))
        .form(&[
            ("csrf", crate::pages::csrf_of(&form).as_str()),
            ("phone", "12345"),
            ("plate", "XYZ"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Please correct the marked fields ("),
        "{html}"
    );
    for run in chinese_in(&words(&html, &plates)) {
        leaks.push(format!("hz.agent POST /tickets/new (en): {run}"));
    }
    // A refused vehicle check in English: a failed item without a note.
    let tech = signed_in(&app, "hz.tech").await;
    tech.get(app.url("/lang/en")).send().await.unwrap();
    let form = page_text(&tech, &app, &format!("/vehicles/{vehicle}/check")).await;
    let res = tech
        .post(app.url(&format!("/vehicles/{vehicle}/check")))
        .form(&[
            ("csrf", crate::pages::csrf_of(&form).as_str()),
            ("fuel", "fail"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    assert!(html.contains("Answer each item: passed or not"), "{html}");
    for run in chinese_in(&words(&html, &plates)) {
        leaks.push(format!("hz.tech POST /vehicles/…/check (en): {run}"));
    }
    // The pages nobody signs in for: sign-in, the crew's job link.
    let anon = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    anon.get(app.url("/lang/en")).send().await.unwrap();
    for path in [
        "/login".to_owned(),
        format!("/j/{job}"),
        "/j/no-such-code".into(),
    ] {
        let text = words(&page_text(&anon, &app, &path).await, &plates);
        for run in chinese_in(&text) {
            leaks.push(format!("anonymous {path} (en): {run}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}
