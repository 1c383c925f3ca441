//! The rescue pages over HTTP: each role's form appears only for them, posts move the ticket, refusals show an alert.

use reqwest::header::LOCATION;
use serde_json::Value;

use crate::both;
use crate::helpers::{intake_body, Backend, TestApp};
use crate::pages::{csrf_of, signed_in};

const FORMS: [&str; 7] = [
    "id=\"edit-plan\"",
    "id=\"review-form\"",
    "id=\"consent-form\"",
    "id=\"approval-form\"",
    "id=\"issue-form\"",
    "id=\"job-link\"",
    "id=\"submit-plan\"",
];

/// Which of the step forms a page shows.
fn forms_in(html: &str) -> Vec<&'static str> {
    FORMS.iter().copied().filter(|f| html.contains(f)).collect()
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "GET {path}");
    res.text().await.unwrap()
}

async fn post_form(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client.post(app.url(path)).form(form).send().await.unwrap()
}

both!(each_role_sees_only_its_step, only_their_step_body);
async fn only_their_step_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &intake_body())
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().unwrap().to_owned();
    let ticket = format!("/tickets/{id}");
    let users = [
        "hz.agent",
        "hz.workshop",
        "hz.manager",
        "hz.director",
        "hz.parts",
        "hz.tech",
    ];
    let mut clients = Vec::new();
    for u in users {
        clients.push(signed_in(&app, u).await);
    }
    let [agent, workshop, manager, director, parts, tech] = &clients[..] else {
        unreachable!()
    };
    let seen = |html: &str| forms_in(html);

    assert_eq!(seen(&page(agent, &app, &ticket).await), Vec::<&str>::new());
    assert_eq!(
        seen(&page(workshop, &app, &ticket).await),
        vec!["id=\"edit-plan\""]
    );
    assert!(seen(&page(director, &app, &ticket).await).is_empty());

    // The workshop lead writes the plan in the editor.
    let editor = page(workshop, &app, &format!("{ticket}/plan")).await;
    assert!(
        editor.contains("data-login=\"hz.tech\""),
        "technicians who sign in are marked"
    );
    let csrf = csrf_of(&editor);
    // Each step has its own route: a name that is not a step is not routed at all.
    for path in [
        format!("{ticket}/act/nonsense"),
        format!("{ticket}/parts/act/nonsense"),
    ] {
        let res = post_form(workshop, &app, &path, &[("csrf", &csrf)]).await;
        assert_eq!(res.status().as_u16(), 404, "{path}");
    }
    let form = [
        ("csrf", csrf.as_str()),
        ("crew", "hz-t1"),
        ("crew", "hz-t2"),
        ("lead", "hz-t1"),
        ("tool:hz-jump", "1"),
        ("tool:hz-scanner", "0"),
        ("part_id", "battery"),
        ("part_qty", "1"),
        ("item_desc", "更换蓄电池"),
        ("item_minutes", "30"),
        ("item_rate", ""),
        ("estimated_minutes", "45"),
        ("travel_km", "10"),
        ("special_notes", ""),
    ];
    let res = post_form(workshop, &app, &format!("{ticket}/plan/preview"), &form).await;
    let cost = res.text().await.unwrap();
    assert!(
        cost.contains("data-total-fen=\"90000\""),
        "780 + 60 + 60 yuan: {cost}"
    );
    let mut bad = form.to_vec();
    bad[3] = ("lead", "");
    let res = post_form(workshop, &app, &format!("{ticket}/plan"), &bad).await;
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("data-field=\"crew\""),
        "no lead: the crew is flagged"
    );
    assert!(html.contains("value=\"更换蓄电池\""), "typed items kept");
    let res = post_form(workshop, &app, &format!("{ticket}/plan"), &form).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        res.headers()[LOCATION].to_str().unwrap(),
        format!("{ticket}/plan?saved=1")
    );
    let editor = page(workshop, &app, &format!("{ticket}/plan?saved=1")).await;
    assert!(editor.contains("alert-ok") && editor.contains("id=\"submit-plan\""));
    let search = page(
        workshop,
        &app,
        &format!("{ticket}/plan/parts?q=%E8%93%84%E7%94%B5%E6%B1%A0"),
    )
    .await;
    assert!(
        search.contains("data-part-id=\"battery\"") && search.contains("data-available=\"3\""),
        "{search}"
    );

    let res = post_form(
        workshop,
        &app,
        &format!("{ticket}/act/submit"),
        &[("csrf", &csrf), ("version", "1")],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        seen(&page(manager, &app, &ticket).await),
        vec!["id=\"review-form\""]
    );
    assert_eq!(
        seen(&page(workshop, &app, &ticket).await),
        vec!["id=\"edit-plan\""],
        "revising stays possible"
    );
    assert!(seen(&page(director, &app, &ticket).await).is_empty());

    let mcsrf = csrf_of(&page(manager, &app, &ticket).await);
    post_form(
        manager,
        &app,
        &format!("{ticket}/act/review"),
        &[("csrf", &mcsrf), ("decision", "accept")],
    )
    .await;
    let consent_page = page(manager, &app, &ticket).await;
    assert_eq!(seen(&consent_page), vec!["id=\"consent-form\""]);
    assert!(
        consent_page.contains("hz周师傅")
            && consent_page.contains("13900000001")
            && consent_page.contains("¥900.00"),
        "the script to read"
    );
    post_form(
        manager,
        &app,
        &format!("{ticket}/act/consent"),
        &[
            ("csrf", &mcsrf),
            ("plan_version", "1"),
            ("agreed", "yes"),
            ("expected_arrival_at", ""),
        ],
    )
    .await;
    assert_eq!(
        seen(&page(director, &app, &ticket).await),
        vec!["id=\"approval-form\""]
    );
    assert!(seen(&page(manager, &app, &ticket).await).is_empty());

    // A refusal is shown on the page, not as an error dump.
    let dcsrf = csrf_of(&page(director, &app, &ticket).await);
    let res = post_form(
        director,
        &app,
        &format!("{ticket}/act/approval"),
        &[
            ("csrf", &dcsrf),
            ("plan_version", "1"),
            ("decision", "reject"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 400);
    assert!(res.text().await.unwrap().contains("alert-error"));
    let res = post_form(
        director,
        &app,
        &format!("{ticket}/act/approval"),
        &[
            ("csrf", &dcsrf),
            ("plan_version", "1"),
            ("decision", "approve"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let res = post_form(
        director,
        &app,
        &format!("{ticket}/act/approval"),
        &[
            ("csrf", &dcsrf),
            ("plan_version", "1"),
            ("decision", "approve"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 409, "approving twice");

    assert_eq!(
        seen(&page(parts, &app, &ticket).await),
        vec!["id=\"issue-form\""]
    );
    assert_eq!(
        seen(&page(tech, &app, &ticket).await),
        vec!["id=\"job-link\""]
    );
    let pcsrf = csrf_of(&page(parts, &app, &ticket).await);
    let res = post_form(
        parts,
        &app,
        &format!("{ticket}/act/issue"),
        &[
            ("csrf", &pcsrf),
            ("plan_version", "1"),
            ("qty:battery", "1"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(app.on_hand("battery"), 2);
    assert!(
        seen(&page(parts, &app, &ticket).await).is_empty(),
        "everything issued"
    );

    // The technician's phone page walks the rest.
    let jobs = page(tech, &app, "/jobs").await;
    assert!(jobs.contains(&format!("href=\"/jobs/{id}\"")));
    let job = page(tech, &app, &format!("/jobs/{id}")).await;
    assert!(
        job.contains("id=\"ack\"")
            && job.contains("id=\"depart\"")
            && !job.contains("id=\"arrive\"")
    );
    let tcsrf = csrf_of(&job);
    for step in ["ack", "depart", "arrive"] {
        let res = post_form(
            tech,
            &app,
            &format!("{ticket}/act/{step}"),
            &[("csrf", &tcsrf), ("back", "job")],
        )
        .await;
        assert_eq!(
            res.headers()[LOCATION].to_str().unwrap(),
            format!("/jobs/{id}"),
            "{step}"
        );
    }
    let job = page(tech, &app, &format!("/jobs/{id}")).await;
    assert!(
        job.contains("data-status=\"on_site\"")
            && job.contains("id=\"resolve\"")
            && job.contains("name=\"used:battery\"")
    );
    let res = post_form(
        tech,
        &app,
        &format!("{ticket}/act/resolve"),
        &[
            ("csrf", &tcsrf),
            ("back", "job"),
            ("work_done", "更换蓄电池"),
            ("used:battery", "1"),
            ("signature", crate::photos::SIGNATURE),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let html = page(agent, &app, &ticket).await;
    assert!(html.contains("data-status=\"resolved\""));
    assert!(
        html.matches("<li><time>").count() >= 10,
        "the timeline lists every step"
    );

    // Someone else's job page is refused plainly.
    let other = signed_in(&app, "nb.tech").await;
    let res = other
        .get(app.url(&format!("/jobs/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let queue = page(manager, &app, "/work").await;
    assert!(
        queue.contains(&format!(
            "data-ticket-number=\"{}\"",
            t["number"].as_str().unwrap()
        )),
        "resolved tickets wait to be closed"
    );
}
