//! Pages on a phone and in the director's inbox: a technician lands on their jobs, most urgent
//! first, resolving needs the work done; the customer's status page says what is true at each
//! step; the director approves the named plan version from the inbox.

use reqwest::header::LOCATION;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, plan_body, Backend, TestApp, PASSWORD};
use crate::links::message_to;
use crate::pages::{csrf_of, signed_in};

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn text(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "GET {path}");
    res.text().await.unwrap()
}

async fn step(app: &TestApp, who: &str, path: String, body: Value) {
    let (status, res) = app.post(&app.token(who), &path, &body).await;
    assert_eq!(status, 200, "POST {path} {body}: {res}");
}

/// A ticket with this plate and level, its plan submitted and accepted (a job of hz.tech's).
async fn ticket_with_plan(app: &TestApp, plate: &str, level: i64) -> String {
    let mut body = intake_body();
    body["plate"] = json!(plate);
    body["response_level"] = json!(level);
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &body)
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().expect("ticket id").to_owned();
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    assert_eq!(
        app.put(&app.token("hz.workshop"), &p("/plan"), &plan_body())
            .await
            .0,
        200
    );
    step(app, "hz.workshop", p("/plan/submit"), json!({"version": 1})).await;
    step(
        app,
        "hz.manager",
        p("/review"),
        json!({"decision": "accept"}),
    )
    .await;
    id
}

async fn to_director(app: &TestApp, id: &str, version: i64) {
    step(
        app,
        "hz.manager",
        format!("/api/v1/tickets/{id}/consent"),
        json!({"plan_version": version, "agreed": true}),
    )
    .await;
}

both!(
    technicians_land_on_their_jobs_most_urgent_first,
    landing_body
);
async fn landing_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let older = ticket_with_plan(&app, "浙A10001", 2).await;
    let urgent = ticket_with_plan(&app, "浙A10002", 1).await;
    let newer = ticket_with_plan(&app, "浙A10003", 2).await;

    // Sign in from the bare login page (its default next): the technician lands on /jobs.
    let client = no_redirects();
    let login = text(&client, &app, "/login").await;
    let next_field = "name=\"next\" value=\"";
    let at = login.find(next_field).expect("next field") + next_field.len();
    let next = login[at..].split('"').next().unwrap().to_owned();
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("login", "hz.tech"),
            ("password", PASSWORD),
            ("csrf", &csrf_of(&login)),
            ("next", &next),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        res.headers()[LOCATION],
        "/jobs",
        "a technician lands on 我的派工单"
    );
    let res = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        res.headers()[LOCATION],
        "/jobs",
        "/ is the technician's jobs"
    );
    // Anybody else keeps the desk.
    let agent = signed_in(&app, "hz.agent").await;
    let res = agent.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.headers()[LOCATION], "/tickets");

    let jobs = text(&client, &app, "/jobs").await;
    assert!(
        jobs.contains("id=\"nav-jobs\""),
        "the navigation has 我的派工单"
    );
    assert!(!text(&agent, &app, "/tickets")
        .await
        .contains("id=\"nav-jobs\""));
    let pos = |id: &str| {
        jobs.find(&format!("href=\"/jobs/{id}\""))
            .unwrap_or_else(|| panic!("job {id} listed"))
    };
    assert!(
        pos(&urgent) < pos(&older) && pos(&older) < pos(&newer),
        "level 1 first, then by call time"
    );
}

both!(resolving_needs_the_work_done_and_confirms, resolve_body);
async fn resolve_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = ticket_with_plan(&app, "浙A20001", 2).await;
    to_director(&app, &id, 1).await;
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    step(
        &app,
        "hz.director",
        p("/approval"),
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    step(&app, "hz.tech", p("/depart"), json!({})).await;
    step(&app, "hz.tech", p("/arrive"), json!({})).await;

    let tech = signed_in(&app, "hz.tech").await;
    let job = text(&tech, &app, &format!("/jobs/{id}")).await;
    assert!(
        job.contains("data-confirm=") && job.contains("name=\"work_done\" rows=\"2\" required"),
        "the resolve form asks for the work done and confirms"
    );
    assert!(
        !job.contains("onsubmit") && !job.contains("onclick"),
        "no inline handler"
    );
    let res = tech
        .post(app.url(&format!("/tickets/{id}/act/resolve")))
        .form(&[
            ("csrf", csrf_of(&job).as_str()),
            ("back", "job"),
            ("work_done", "   "),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    assert!(html.contains("请填写处理情况"), "{html}");
    // The refusal is drawn at the step's URL; the page names its own, which the script puts
    // back in the address bar, so the technician stays on the job page.
    assert!(
        html.contains(&format!("data-page-url=\"/jobs/{id}\"")),
        "{html}"
    );
    assert!(job.contains("标记已解决"), "the button says what it does");
    // The API refuses it the same way, with the field named.
    let (status, err) = app
        .post(&app.token("hz.tech"), &p("/resolve"), &json!({}))
        .await;
    assert_eq!(status, 400, "{err}");
    assert!(err.to_string().contains("work_done"), "{err}");
    let (_, d) = app.get_json(&app.token("hz.agent"), &p("")).await;
    assert_eq!(d["status"], "on_site", "nothing resolved");
    step(
        &app,
        "hz.tech",
        p("/resolve"),
        json!({"work_done": "更换蓄电池，车辆启动正常", "signature": crate::photos::SIGNATURE}),
    )
    .await;
}

/// The customer's status page text and what it offers.
async fn status_page(app: &TestApp, code: &str) -> String {
    text(&reqwest::Client::new(), app, &format!("/s/{code}")).await
}

fn says(html: &str, status: &str, wording: &str, share: bool, eta: bool, refresh: bool) {
    assert!(
        html.contains(&format!("data-status=\"{status}\"")),
        "{status}: {html}"
    );
    assert!(html.contains(wording), "{status} says {wording}: {html}");
    assert_eq!(
        html.contains("id=\"share-location\""),
        share,
        "{status}: location button"
    );
    assert_eq!(html.contains("id=\"eta\""), eta, "{status}: arrival time");
    assert_eq!(
        html.contains("http-equiv=\"refresh\""),
        refresh,
        "{status}: refreshes by itself"
    );
}

both!(
    customer_status_page_says_what_is_true_at_each_step,
    status_body
);
async fn status_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &intake_body())
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().unwrap().to_owned();
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    // The intake desk texts the status link (the location request) while the ticket is new.
    let code = location_request_code(&app, &id).await;

    says(
        &status_page(&app, &code).await,
        "new",
        "我们已收到您的求助",
        true,
        false,
        true,
    );
    assert_eq!(
        app.put(&app.token("hz.workshop"), &p("/plan"), &plan_body())
            .await
            .0,
        200
    );
    says(
        &status_page(&app, &code).await,
        "planning",
        "正在为您制定救援方案",
        true,
        false,
        true,
    );
    step(
        &app,
        "hz.workshop",
        p("/plan/submit"),
        json!({"version": 1}),
    )
    .await;
    step(
        &app,
        "hz.manager",
        p("/review"),
        json!({"decision": "accept"}),
    )
    .await;
    says(
        &status_page(&app, &code).await,
        "awaiting_customer_consent",
        "致电您确认救援方案和费用",
        true,
        false,
        true,
    );
    to_director(&app, &id, 1).await;
    says(
        &status_page(&app, &code).await,
        "awaiting_director",
        "等待最终批准",
        true,
        true,
        true,
    );
    step(
        &app,
        "hz.director",
        p("/approval"),
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    says(
        &status_page(&app, &code).await,
        "approved",
        "正在准备出发",
        true,
        true,
        true,
    );
    step(&app, "hz.tech", p("/depart"), json!({})).await;
    says(
        &status_page(&app, &code).await,
        "dispatched",
        "正在赶往您的位置",
        true,
        true,
        true,
    );
    step(&app, "hz.tech", p("/arrive"), json!({})).await;
    let html = status_page(&app, &code).await;
    says(
        &html,
        "on_site",
        "救援人员已到达，正在为您处理",
        false,
        false,
        true,
    );
    assert!(
        !html.contains("预计到达"),
        "no arrival time once the crew is there"
    );
    crate::photos::fault_photo(&app, &id).await;
    step(
        &app,
        "hz.tech",
        p("/mismatch"),
        json!({"reason": "实为起动机故障"}),
    )
    .await;
    let html = status_page(&app, &code).await;
    says(&html, "replanning", "救援人员在您身边", false, false, true);
    assert!(
        html.contains("修订后的方案") && !html.contains("正在为您安排"),
        "{html}"
    );
    // English too.
    let en = reqwest::Client::new()
        .get(app.url(&format!("/s/{code}")))
        .header("Cookie", "rd_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        en.contains("lang=\"en\"")
            && en.contains("The crew is with you")
            && en.contains("revised plan"),
        "{en}"
    );
    step(
        &app,
        "hz.tech",
        p("/tow"),
        json!({"reason": "起动机需进站更换"}),
    )
    .await;
    says(
        &status_page(&app, &code).await,
        "towed_to_workshop",
        "车辆已拖回维修站",
        false,
        false,
        false,
    );
}

both!(towed_and_resolved_pages_stop_refreshing, finished_body);
async fn finished_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = ticket_with_plan(&app, "浙A30001", 2).await;
    to_director(&app, &id, 1).await;
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    step(
        &app,
        "hz.director",
        p("/approval"),
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    step(&app, "hz.tech", p("/depart"), json!({})).await;
    let sms = message_to(&app, "customer_crew_departed", "13812345678");
    let code = crate::links::code_in(&sms, 's');
    step(&app, "hz.tech", p("/arrive"), json!({})).await;
    step(
        &app,
        "hz.tech",
        p("/resolve"),
        json!({"work_done": "更换蓄电池", "signature": crate::photos::SIGNATURE}),
    )
    .await;
    says(
        &status_page(&app, &code).await,
        "resolved",
        "故障已排除",
        false,
        false,
        false,
    );

    // A rescue cancelled before anyone left: over, no button, no reloading.
    let other = ticket_with_plan(&app, "浙A30002", 2).await;
    let code = location_request_code(&app, &other).await;
    step(
        &app,
        "hz.agent",
        format!("/api/v1/tickets/{other}/cancel"),
        json!({"reason": "客户已自行解决"}),
    )
    .await;
    says(
        &status_page(&app, &code).await,
        "cancelled",
        "此次救援已取消",
        false,
        false,
        false,
    );
}

/// The status link the intake desk texts (only call of this in a test: the outbox has one).
async fn location_request_code(app: &TestApp, id: &str) -> String {
    let agent = signed_in(app, "hz.agent").await;
    let page = text(&agent, app, &format!("/tickets/{id}")).await;
    let res = agent
        .post(app.url(&format!("/tickets/{id}/act/location-request")))
        .form(&[("csrf", csrf_of(&page).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let sms = message_to(app, "customer_location_request", "13812345678");
    crate::links::code_in(&sms, 's')
}

both!(
    director_approves_the_named_version_from_the_inbox,
    inbox_body
);
async fn inbox_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = ticket_with_plan(&app, "浙A40001", 2).await;
    to_director(&app, &id, 1).await;
    let (_, d) = app
        .get_json(&app.token("hz.agent"), &format!("/api/v1/tickets/{id}"))
        .await;
    let total = d["plan"]["total_yuan"]
        .as_str()
        .expect("plan total")
        .to_owned();

    let director = signed_in(&app, "hz.director").await;
    let work = text(&director, &app, "/work").await;
    let row_at = work
        .find(&format!("action=\"/tickets/{id}/act/approval\""))
        .expect("one-click approve in the inbox");
    assert!(
        work.contains(&format!("v1 · ¥{total}")),
        "the amount of v1 (¥{total}): {work}"
    );
    assert!(
        work.contains("data-testid=\"waited\">0 分钟")
            || work.contains("data-testid=\"waited\">1 分钟"),
        "{work}"
    );
    assert!(work[row_at..].contains("name=\"plan_version\" value=\"1\""));

    // The workshop revises to v2 and it comes back: the inbox form of v1 is stale.
    assert_eq!(
        app.put(
            &app.token("hz.workshop"),
            &format!("/api/v1/tickets/{id}/plan"),
            &plan_body()
        )
        .await
        .0,
        200
    );
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    step(
        &app,
        "hz.workshop",
        p("/plan/submit"),
        json!({"version": 2}),
    )
    .await;
    step(
        &app,
        "hz.manager",
        p("/review"),
        json!({"decision": "accept"}),
    )
    .await;
    to_director(&app, &id, 2).await;
    let approve = |version: &'static str| {
        let csrf = csrf_of(&work);
        let director = director.clone();
        let url = app.url(&format!("/tickets/{id}/act/approval"));
        async move {
            director
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("plan_version", version),
                    ("back", "work"),
                    ("decision", "approve"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let res = approve("1").await;
    assert_eq!(res.status().as_u16(), 409, "a stale version is refused");
    let html = res.text().await.unwrap();
    assert!(
        html.contains("v2") && html.contains("v1"),
        "says which version: {html}"
    );
    let (_, d) = app.get_json(&app.token("hz.agent"), &p("")).await;
    assert_eq!(d["status"], "awaiting_director");

    let work = text(&director, &app, "/work").await;
    assert!(work.contains("name=\"plan_version\" value=\"2\""), "{work}");
    let res = approve("2").await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()[LOCATION], "/work", "back to the inbox");
    let (_, d) = app.get_json(&app.token("hz.agent"), &p("")).await;
    assert_eq!(d["status"], "approved");
    let approved: Vec<&Value> = d["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["step"] == "director")
        .collect();
    assert_eq!(approved.len(), 1, "{approved:?}");
    assert_eq!(approved[0]["plan_version"], 2, "the named version");
}

both!(the_browser_finds_the_icon, favicon_body);
async fn favicon_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = reqwest::get(app.url("/favicon.ico")).await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    let tech = signed_in(&app, "hz.tech").await;
    let jobs = text(&tech, &app, "/jobs").await;
    assert!(jobs.contains("rel=\"icon\" href=\"/static/favicon.svg\""));
}
