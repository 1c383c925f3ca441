//! The rescue flow over HTTP, acting as each role: happy path, decline, mismatch and re-plan,
//! wrong role (403), wrong state (409), racing directors, issuing against an old version.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, plan_body, Backend, TestApp};

/// Tokens of the hz staff, one per role.
struct Crew {
    agent: String,
    workshop: String,
    manager: String,
    director: String,
    parts: String,
    tech: String,
}

impl Crew {
    fn of(app: &TestApp) -> Crew {
        Crew {
            agent: app.token("hz.agent"),
            workshop: app.token("hz.workshop"),
            manager: app.token("hz.manager"),
            director: app.token("hz.director"),
            parts: app.token("hz.parts"),
            tech: app.token("hz.tech"),
        }
    }
}

async fn new_ticket(app: &TestApp, c: &Crew) -> String {
    let t: Value = app
        .post_ticket(&c.agent, &intake_body())
        .await
        .json()
        .await
        .unwrap();
    t["id"].as_str().unwrap().to_owned()
}

async fn ok(app: &TestApp, token: &str, path: String, body: Value) -> Value {
    let (status, res) = app.post(token, &path, &body).await;
    assert_eq!(status, 200, "POST {path} {body}: {res}");
    res
}

async fn status_of(app: &TestApp, c: &Crew, id: &str) -> String {
    let (_, t) = app
        .get_json(&c.agent, &format!("/api/v1/tickets/{id}"))
        .await;
    t["status"].as_str().unwrap().to_owned()
}

/// Runs a ticket from intake to director approval of plan version 1.
async fn approved_ticket(app: &TestApp, c: &Crew) -> String {
    approved_ticket_with(app, c, &plan_body()).await
}

/// The standard plan with 郑师傅 alone as the crew.
fn other_crew() -> Value {
    let mut plan = plan_body();
    plan["crew"] = json!([{"technician_id": "hz-t3", "lead": true}]);
    plan
}

async fn approved_ticket_with(app: &TestApp, c: &Crew, plan: &Value) -> String {
    let id = new_ticket(app, c).await;
    let (status, plan) = app
        .put(&c.workshop, &format!("/api/v1/tickets/{id}/plan"), plan)
        .await;
    assert_eq!(status, 200, "{plan}");
    ok(
        app,
        &c.workshop,
        format!("/api/v1/tickets/{id}/plan/submit"),
        json!({"version": 1}),
    )
    .await;
    ok(
        app,
        &c.manager,
        format!("/api/v1/tickets/{id}/review"),
        json!({"decision": "accept"}),
    )
    .await;
    ok(
        app,
        &c.manager,
        format!("/api/v1/tickets/{id}/consent"),
        json!({"plan_version": 1, "agreed": true}),
    )
    .await;
    ok(
        app,
        &c.director,
        format!("/api/v1/tickets/{id}/approval"),
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    id
}

both!(happy_path_from_call_to_closed, happy_body);
async fn happy_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = Crew::of(&app);
    let id = new_ticket(&app, &c).await;
    let t = |p: &str| format!("/api/v1/tickets/{id}{p}");

    let (status, plan) = app.put(&c.workshop, &t("/plan"), &plan_body()).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["version"], 1);
    assert_eq!(plan["status"], "draft");
    // 780.00 + 2 × 15.50 parts, 30 min at ¥120/h, 10 km there and back at ¥3/km.
    assert_eq!(
        plan["cost"],
        json!({"parts_fen": 81_100, "labour_fen": 6_000, "travel_fen": 6_000, "total_fen": 93_100})
    );
    assert_eq!(plan["total_yuan"], "931.00");
    assert_eq!(plan["crew"][0]["name"], "hz周师傅");
    assert_eq!(plan["crew"][0]["lead"], true);
    assert_eq!(plan["parts"][0]["available_here"], 3);
    assert_eq!(status_of(&app, &c, &id).await, "planning");

    // A client cannot set prices: unknown fields are ignored, the server computes.
    let mut cheap = plan_body();
    cheap["parts"][0]["unit_price_fen"] = json!(1);
    cheap["total_fen"] = json!(1);
    let (_, plan) = app.put(&c.workshop, &t("/plan"), &cheap).await;
    assert_eq!(plan["cost"]["total_fen"], 93_100);
    assert_eq!(plan["version"], 1, "a draft changes in place");

    let plan = ok(&app, &c.workshop, t("/plan/submit"), json!({"version": 1})).await;
    assert_eq!(plan["status"], "submitted");
    assert_eq!(status_of(&app, &c, &id).await, "awaiting_manager_review");
    ok(
        &app,
        &c.manager,
        t("/review"),
        json!({"decision": "accept"}),
    )
    .await;
    assert_eq!(status_of(&app, &c, &id).await, "awaiting_customer_consent");
    let arrival = (chrono::Utc::now() + chrono::Duration::minutes(50))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let told = ok(
        &app,
        &c.manager,
        t("/consent"),
        json!({"plan_version": 1, "agreed": true, "expected_arrival_at": arrival}),
    )
    .await;
    assert_eq!(told["rescue_lead_name"], "hz周师傅");
    assert_eq!(told["rescue_lead_phone"], "13900000001");
    assert_eq!(told["repair_items"], json!(["检测并更换蓄电池"]));
    assert_eq!(told["estimated_cost_yuan"], "931.00");
    assert_eq!(told["expected_arrival_at"], arrival);
    ok(
        &app,
        &c.director,
        t("/approval"),
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    assert_eq!(status_of(&app, &c, &id).await, "approved");

    ok(&app, &c.parts, t("/parts-issues"), json!({"plan_version": 1, "lines": [{"part_id": "battery", "quantity": 1}, {"part_id": "fuse", "quantity": 2}], "received_by": "hz-t2"})).await;
    assert_eq!(app.on_hand("battery"), 2);
    assert_eq!(app.on_hand("fuse"), 8);
    // Who took the parts is shown, in the API and on the ticket page.
    let (_, d) = app
        .get_json(&c.agent, &format!("/api/v1/tickets/{id}"))
        .await;
    let issues = d["part_issues"].as_array().unwrap();
    assert_eq!(issues.len(), 2, "{d}");
    for i in issues {
        assert_eq!(i["received_by"], "hz吴师傅", "{i}");
        assert_eq!(i["issued_by"], "杭州parts", "{i}");
    }
    let page = page_text(
        &crate::pages::signed_in(&app, "hz.agent").await,
        &app,
        &format!("/tickets/{id}"),
    )
    .await;
    assert!(
        page.contains("领取人 hz吴师傅"),
        "the ticket page names the receiver"
    );
    let (status, err) = app
        .post(
            &c.parts,
            &t("/parts-issues"),
            &json!({"plan_version": 1, "lines": [{"part_id": "battery", "quantity": 1}]}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (409, Some("over_issue")),
        "not more than planned"
    );

    ok(&app, &c.tech, t("/acknowledge"), json!({})).await;
    ok(&app, &c.tech, t("/depart"), json!({})).await;
    ok(&app, &c.tech, t("/arrive"), json!({})).await;
    ok(&app, &c.tech, t("/resolve"), json!({"work_done": "更换蓄电池，车辆启动正常", "parts_used": [{"part_id": "battery", "quantity": 1}, {"part_id": "fuse", "quantity": 1}], "signature": crate::photos::SIGNATURE})).await;
    assert_eq!(app.on_hand("fuse"), 9, "the unused fuse went back to stock");
    assert_eq!(app.on_hand("battery"), 2);
    ok(&app, &c.manager, t("/close"), json!({})).await;

    let (_, d) = app.get_json(&c.agent, &t("")).await;
    assert_eq!(d["status"], "closed");
    assert_eq!(d["approvals"].as_array().unwrap().len(), 3);
    let consent = d["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["step"] == "customer_consent")
        .unwrap();
    let stored: Value = serde_json::from_str(consent["told_values"].as_str().unwrap()).unwrap();
    assert_eq!(stored, told, "consent stores exactly what was told");
    let director = d["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["step"] == "director")
        .unwrap();
    assert_eq!(
        director["plan_version"], 1,
        "the approval names the plan version"
    );
    let templates: Vec<&str> = d["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["template"].as_str().unwrap())
        .collect();
    for expected in [
        "plan_review",
        "plan_approval",
        "technician_dispatch",
        "parts_to_issue",
        "customer_crew_departed",
        "customer_resolved",
    ] {
        assert!(
            templates.contains(&expected),
            "{expected} recorded in {templates:?}"
        );
    }
    let dispatch: Vec<&Value> = d["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["template"] == "technician_dispatch")
        .collect();
    assert_eq!(dispatch.len(), 2, "each crew member by their preference");
    assert!(dispatch
        .iter()
        .any(|m| m["channel"] == "sms" && m["recipient"] == "13900000001"));
    assert!(dispatch.iter().any(|m| m["channel"] == "email"));

    let (status, tl) = app.get_json(&c.agent, &t("/timeline")).await;
    assert_eq!(status, 200);
    let stages: Vec<&str> = tl["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        vec![
            "call_to_plan_submitted",
            "plan_submitted_to_approved",
            "approved_to_departed",
            "departed_to_on_site",
            "on_site_to_resolved"
        ]
    );
    assert!(tl["stages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["open"] == false && s["seconds"].as_i64().unwrap() >= 0));
    let moves: Vec<(&str, &str)> = tl["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["to_status"].is_string() && e["from_status"].is_string())
        .map(|e| {
            (
                e["from_status"].as_str().unwrap(),
                e["to_status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        vec![
            ("new", "planning"),
            ("planning", "awaiting_manager_review"),
            ("awaiting_manager_review", "awaiting_customer_consent"),
            ("awaiting_customer_consent", "awaiting_director"),
            ("awaiting_director", "approved"),
            ("approved", "dispatched"),
            ("dispatched", "on_site"),
            ("on_site", "resolved"),
            ("resolved", "closed"),
        ]
    );
    assert!(tl["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"]["login"].is_string()));
}

both!(declined_consent_goes_back_or_cancels, decline_body);
async fn decline_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = Crew::of(&app);
    let id = new_ticket(&app, &c).await;
    let t = |p: &str| format!("/api/v1/tickets/{id}{p}");
    app.put(&c.workshop, &t("/plan"), &plan_body()).await;
    ok(&app, &c.workshop, t("/plan/submit"), json!({"version": 1})).await;
    let (status, err) = app
        .post(&c.manager, &t("/review"), &json!({"decision": "return"}))
        .await;
    assert_eq!(
        (status, err["fields"]["reason"].is_string()),
        (400, true),
        "returning needs a reason"
    );
    ok(
        &app,
        &c.manager,
        t("/review"),
        json!({"decision": "return", "reason": "请补充拖车方案"}),
    )
    .await;
    assert_eq!(status_of(&app, &c, &id).await, "planning");

    // Version 1 is frozen: the edit becomes version 2 and voids the review of version 1.
    let (_, plan) = app.put(&c.workshop, &t("/plan"), &plan_body()).await;
    assert_eq!(plan["version"], 2);
    let (status, err) = app
        .post(&c.workshop, &t("/plan/submit"), &json!({"version": 1}))
        .await;
    assert_eq!((status, err["error"].as_str()), (409, Some("stale_state")));
    assert_eq!(
        err["params"],
        json!({"current": 2, "asked": 1, "status": "draft"}),
        "the versions in the body: {err}"
    );
    assert_eq!(
        err["message"],
        "要提交的是第 1 版，但当前是第 2 版（draft）"
    );
    ok(&app, &c.workshop, t("/plan/submit"), json!({"version": 2})).await;
    ok(
        &app,
        &c.manager,
        t("/review"),
        json!({"decision": "accept"}),
    )
    .await;
    let (status, err) = app
        .post(
            &c.manager,
            &t("/consent"),
            &json!({"plan_version": 1, "agreed": true}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (409, Some("stale_state")),
        "consent names the current version"
    );
    assert_eq!(err["params"], json!({"current": 2, "asked": 1}), "{err}");
    assert_eq!(
        err["message"], "方案已更新为第 2 版（您看到的是第 1 版），请刷新",
        "Chinese by default, one language"
    );
    let (_, err) = app
        .post_in(
            "en-GB,en;q=0.9,zh;q=0.5",
            &c.manager,
            &t("/consent"),
            &json!({"plan_version": 1, "agreed": true}),
        )
        .await;
    assert_eq!(err["message"], "The plan is now v2 (you saw v1); reload");
    ok(
        &app,
        &c.manager,
        t("/consent"),
        json!({"plan_version": 2, "agreed": false, "on_decline": "replan", "note": "客户嫌贵"}),
    )
    .await;
    assert_eq!(status_of(&app, &c, &id).await, "planning");

    let (_, plan) = app.put(&c.workshop, &t("/plan"), &plan_body()).await;
    assert_eq!(plan["version"], 3);
    ok(&app, &c.workshop, t("/plan/submit"), json!({"version": 3})).await;
    ok(
        &app,
        &c.manager,
        t("/review"),
        json!({"decision": "accept"}),
    )
    .await;
    ok(&app, &c.manager, t("/consent"), json!({"plan_version": 3, "agreed": false, "on_decline": "cancel", "note": "客户自行联系拖车"})).await;
    let (_, d) = app.get_json(&c.agent, &t("")).await;
    assert_eq!(d["status"], "cancelled");
    let approvals = d["approvals"].as_array().unwrap();
    let live: Vec<(i64, &str)> = approvals
        .iter()
        .filter(|a| a["voided_at"].is_null())
        .map(|a| {
            (
                a["plan_version"].as_i64().unwrap(),
                a["decision"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(live, vec![(3, "accepted"), (3, "declined")]);
    assert!(approvals
        .iter()
        .filter(|a| a["plan_version"] != 3)
        .all(|a| a["void_reason_code"] == "superseded_by:3"
            || a["void_reason_code"] == "superseded_by:2"));
    let versions: Vec<&str> = d["plan_versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert_eq!(versions, vec!["submitted", "superseded", "superseded"]);
}

both!(mismatch_on_site_replans_while_the_crew_waits, mismatch_body);
async fn mismatch_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = Crew::of(&app);
    let id = approved_ticket(&app, &c).await;
    let t = |p: &str| format!("/api/v1/tickets/{id}{p}");
    ok(
        &app,
        &c.parts,
        t("/parts-issues"),
        json!({"plan_version": 1, "lines": [{"part_id": "battery", "quantity": 1}]}),
    )
    .await;
    ok(&app, &c.tech, t("/depart"), json!({})).await;
    ok(&app, &c.tech, t("/arrive"), json!({})).await;
    let (status, _) = app.post(&c.tech, &t("/mismatch"), &json!({})).await;
    assert_eq!(status, 400, "say what was found");
    crate::photos::fault_photo(&app, &id).await;
    ok(
        &app,
        &c.tech,
        t("/mismatch"),
        json!({"reason": "电瓶正常，实为起动机故障"}),
    )
    .await;
    assert_eq!(status_of(&app, &c, &id).await, "replanning");

    let mut plan = plan_body();
    plan["items"] = json!([{"description": "更换起动机", "labour_minutes": 90}]);
    plan["parts"] = json!([{"part_id": "fuse", "quantity": 1}]);
    let (_, v2) = app.put(&c.workshop, &t("/plan"), &plan).await;
    assert_eq!(v2["version"], 2);
    assert_eq!(
        status_of(&app, &c, &id).await,
        "replanning",
        "the crew stays on site"
    );
    ok(&app, &c.workshop, t("/plan/submit"), json!({"version": 2})).await;
    ok(
        &app,
        &c.manager,
        t("/review"),
        json!({"decision": "accept"}),
    )
    .await;
    ok(
        &app,
        &c.manager,
        t("/consent"),
        json!({"plan_version": 2, "agreed": true}),
    )
    .await;
    let (status, err) = app
        .post(
            &c.parts,
            &t("/parts-issues"),
            &json!({"plan_version": 2, "lines": [{"part_id": "fuse", "quantity": 1}]}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (409, Some("plan_not_approved")),
        "v2 not yet approved"
    );
    ok(
        &app,
        &c.director,
        t("/approval"),
        json!({"plan_version": 2, "decision": "approve"}),
    )
    .await;
    assert_eq!(
        status_of(&app, &c, &id).await,
        "on_site",
        "approval returns the ticket to the crew on site"
    );
    let (status, err) = app
        .post(
            &c.parts,
            &t("/parts-issues"),
            &json!({"plan_version": 1, "lines": [{"part_id": "battery", "quantity": 1}]}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (409, Some("plan_not_approved")),
        "the old version is dead"
    );
    assert_eq!(err["params"], json!({"current": 2, "asked": 1}), "{err}");
    assert_eq!(
        err["message"],
        "只能按当前第 2 版已批准方案领料（请求的是第 1 版）"
    );
    let (_, err) = app
        .post_in(
            "en",
            &c.parts,
            &t("/parts-issues"),
            &json!({"plan_version": 1, "lines": [{"part_id": "battery", "quantity": 1}]}),
        )
        .await;
    assert_eq!(
        err["message"],
        "Parts are issued only against the current approved plan v2 (you asked for v1)"
    );
    ok(
        &app,
        &c.parts,
        t("/parts-issues"),
        json!({"plan_version": 2, "lines": [{"part_id": "fuse", "quantity": 1}]}),
    )
    .await;
    ok(
        &app,
        &c.tech,
        t("/resolve"),
        json!({"work_done": "更换起动机保险丝", "parts_used": [{"part_id": "fuse", "quantity": 1}], "signature": crate::photos::SIGNATURE}),
    )
    .await;
    assert_eq!(
        app.on_hand("battery"),
        3,
        "the battery issued for v1 came back"
    );
    let (_, d) = app.get_json(&c.agent, &t("")).await;
    let mismatch: Vec<&Value> = d["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["template"] == "fault_mismatch")
        .collect();
    assert_eq!(
        mismatch.len(),
        3,
        "workshop lead, service manager and director are told"
    );
}

both!(every_step_refuses_the_wrong_role, roles_body);
async fn roles_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = Crew::of(&app);
    let id = new_ticket(&app, &c).await;
    let t = |p: &str| format!("/api/v1/tickets/{id}{p}");
    let steps: Vec<(&str, Value, Vec<&String>)> = vec![
        (
            "/plan/submit",
            json!({"version": 1}),
            vec![&c.agent, &c.manager, &c.director, &c.parts, &c.tech],
        ),
        (
            "/review",
            json!({"decision": "accept"}),
            vec![&c.agent, &c.workshop, &c.director, &c.parts, &c.tech],
        ),
        (
            "/consent",
            json!({"plan_version": 1, "agreed": true}),
            vec![&c.agent, &c.workshop, &c.director, &c.parts, &c.tech],
        ),
        (
            "/approval",
            json!({"plan_version": 1, "decision": "approve"}),
            vec![&c.agent, &c.workshop, &c.manager, &c.parts, &c.tech],
        ),
        (
            "/parts-issues",
            json!({"plan_version": 1, "lines": [{"part_id": "battery", "quantity": 1}]}),
            vec![&c.agent, &c.workshop, &c.manager, &c.director, &c.tech],
        ),
        (
            "/depart",
            json!({}),
            vec![&c.agent, &c.workshop, &c.director, &c.parts],
        ),
        (
            "/arrive",
            json!({}),
            vec![&c.agent, &c.workshop, &c.manager, &c.director, &c.parts],
        ),
        (
            "/mismatch",
            json!({"reason": "x"}),
            vec![&c.agent, &c.workshop, &c.manager, &c.director, &c.parts],
        ),
        (
            "/resolve",
            json!({}),
            vec![&c.agent, &c.workshop, &c.manager, &c.director, &c.parts],
        ),
        (
            "/close",
            json!({}),
            vec![&c.agent, &c.workshop, &c.director, &c.parts, &c.tech],
        ),
        (
            "/cancel",
            json!({"reason": "x"}),
            vec![&c.workshop, &c.director, &c.parts, &c.tech],
        ),
    ];
    for (path, body, refused) in steps {
        for token in refused {
            let (status, err) = app.post(token, &t(path), &body).await;
            assert_eq!(status, 403, "{path}: {err}");
            assert_eq!(err["error"], "forbidden", "{path}");
        }
    }
    for token in [&c.agent, &c.manager, &c.director, &c.parts, &c.tech] {
        let (status, _) = app.put(token, &t("/plan"), &plan_body()).await;
        assert_eq!(status, 403);
    }
    assert_eq!(status_of(&app, &c, &id).await, "new", "nothing moved");

    // Another dealer's technician is not on this crew, nor can anyone see the ticket elsewhere.
    let id = approved_ticket(&app, &c).await;
    let other_tech = app.token("nb.tech");
    let (status, _) = app
        .post(
            &other_tech,
            &format!("/api/v1/tickets/{id}/depart"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 404);
    rescuedesk::services::users::add_user(
        &app.db,
        rescuedesk::services::users::AddUser {
            login: "hz.tech2".into(),
            name: "钱师傅".into(),
            phone: "13911112222".into(),
            email: "q@test.cn".into(),
            dealer_code: "hz".into(),
            roles: vec!["technician".into()],
            password: "password-123".into(),
        },
    )
    .unwrap();
    let (status, err) = app
        .post(
            &app.token("hz.tech2"),
            &format!("/api/v1/tickets/{id}/depart"),
            &json!({}),
        )
        .await;
    assert_eq!((status, err["error"].as_str()), (403, Some("not_in_crew")));
}

both!(out_of_order_steps_get_409, order_body);
async fn order_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = Crew::of(&app);
    let id = new_ticket(&app, &c).await;
    let t = |p: &str| format!("/api/v1/tickets/{id}{p}");
    let expect_409 = |token: &str, path: &str, body: Value| {
        let (token, path) = (token.to_owned(), t(path));
        let app = &app;
        async move {
            let (status, err) = app.post(&token, &path, &body).await;
            assert_eq!(status, 409, "{path}: {err}");
            assert!(
                ["invalid_transition", "plan_not_approved", "stale_state"]
                    .contains(&err["error"].as_str().unwrap()),
                "{err}"
            );
        }
    };
    expect_409(&c.manager, "/review", json!({"decision": "accept"})).await;
    expect_409(
        &c.director,
        "/approval",
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    app.put(&c.workshop, &t("/plan"), &plan_body()).await;
    expect_409(
        &c.manager,
        "/consent",
        json!({"plan_version": 1, "agreed": true}),
    )
    .await;
    expect_409(
        &c.parts,
        "/parts-issues",
        json!({"plan_version": 1, "lines": [{"part_id": "battery", "quantity": 1}]}),
    )
    .await;
    expect_409(&c.tech, "/depart", json!({})).await;
    ok(&app, &c.workshop, t("/plan/submit"), json!({"version": 1})).await;
    expect_409(&c.workshop, "/plan/submit", json!({"version": 1})).await;
    expect_409(
        &c.director,
        "/approval",
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    ok(
        &app,
        &c.manager,
        t("/review"),
        json!({"decision": "accept"}),
    )
    .await;
    ok(
        &app,
        &c.manager,
        t("/consent"),
        json!({"plan_version": 1, "agreed": true}),
    )
    .await;
    expect_409(&c.tech, "/arrive", json!({})).await;
    ok(
        &app,
        &c.director,
        t("/approval"),
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    expect_409(&c.tech, "/arrive", json!({})).await;
    expect_409(&c.tech, "/resolve", json!({"work_done": "x"})).await;
    ok(&app, &c.tech, t("/depart"), json!({})).await;
    expect_409(&c.agent, "/cancel", json!({"reason": "客户已自行解决"})).await;
    let (status, _) = app.put(&c.workshop, &t("/plan"), &plan_body()).await;
    assert_eq!(
        status, 409,
        "no re-plan on the road without a mismatch report"
    );

    // Cancel before departure, with parts already out: they go back.
    // Another crew: 周师傅 and 吴师傅 are out on the first one (one active job per technician).
    let id2 = approved_ticket_with(&app, &c, &other_crew()).await;
    ok(
        &app,
        &c.parts,
        format!("/api/v1/tickets/{id2}/parts-issues"),
        json!({"plan_version": 1, "lines": [{"part_id": "battery", "quantity": 1}]}),
    )
    .await;
    let before = app.on_hand("battery");
    let (status, _) = app
        .post(
            &c.agent,
            &format!("/api/v1/tickets/{id2}/cancel"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 400, "a reason is required");
    ok(
        &app,
        &c.agent,
        format!("/api/v1/tickets/{id2}/cancel"),
        json!({"reason": "客户已自行解决"}),
    )
    .await;
    assert_eq!(app.on_hand("battery"), before + 1);
    let (_, d) = app
        .get_json(&c.agent, &format!("/api/v1/tickets/{id2}"))
        .await;
    assert_eq!(d["cancel_reason"], "客户已自行解决");
}

both!(two_directors_at_once_make_one_approval, racing_body);
async fn racing_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = Crew::of(&app);
    rescuedesk::services::users::add_user(
        &app.db,
        rescuedesk::services::users::AddUser {
            login: "hz.director2".into(),
            name: "孙总监".into(),
            phone: "13911113333".into(),
            email: "s@test.cn".into(),
            dealer_code: "hz".into(),
            roles: vec!["service_director".into()],
            password: "password-123".into(),
        },
    )
    .unwrap();
    let second = app.token("hz.director2");
    for _ in 0..5 {
        let id = new_ticket(&app, &c).await;
        let t = |p: &str| format!("/api/v1/tickets/{id}{p}");
        app.put(&c.workshop, &t("/plan"), &plan_body()).await;
        ok(&app, &c.workshop, t("/plan/submit"), json!({"version": 1})).await;
        ok(
            &app,
            &c.manager,
            t("/review"),
            json!({"decision": "accept"}),
        )
        .await;
        ok(
            &app,
            &c.manager,
            t("/consent"),
            json!({"plan_version": 1, "agreed": true}),
        )
        .await;
        let body = json!({"plan_version": 1, "decision": "approve"});
        let path = t("/approval");
        let (a, b) = tokio::join!(
            app.post(&c.director, &path, &body),
            app.post(&second, &path, &body)
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
        let (_, d) = app.get_json(&c.agent, &t("")).await;
        let approvals = d["approvals"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["step"] == "director")
            .count();
        assert_eq!(approvals, 1);
        assert_eq!(d["status"], "approved");
    }
}

both!(revising_an_approved_plan_voids_the_approval, revise_body);
async fn revise_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = Crew::of(&app);
    let id = approved_ticket(&app, &c).await;
    let t = |p: &str| format!("/api/v1/tickets/{id}{p}");
    let (status, v2) = app.put(&c.workshop, &t("/plan"), &plan_body()).await;
    assert_eq!((status, v2["version"].as_i64()), (200, Some(2)));
    assert_eq!(status_of(&app, &c, &id).await, "planning");
    let (status, err) = app
        .post(
            &c.parts,
            &t("/parts-issues"),
            &json!({"plan_version": 1, "lines": [{"part_id": "battery", "quantity": 1}]}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (409, Some("plan_not_approved"))
    );
    assert_eq!(app.on_hand("battery"), 3);
    let (_, tl) = app.get_json(&c.agent, &t("/timeline")).await;
    let revised = tl["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "plan.revised")
        .unwrap();
    assert_eq!(
        revised["comment_code"], "plan_revised:2",
        "the timeline says why, as a stable code the pages render"
    );
}

both!(plan_validation_names_fields, plan_validation_body);
async fn plan_validation_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = Crew::of(&app);
    let id = new_ticket(&app, &c).await;
    let path = format!("/api/v1/tickets/{id}/plan");
    let mut no_lead = plan_body();
    no_lead["crew"][0]["lead"] = json!(false);
    let mut foreign = plan_body();
    // A sister dealer's active technician may be lent (tests/api/sister_crew.rs): one unknown is not.
    foreign["crew"][1]["technician_id"] = json!("no-such-technician");
    foreign["tools"][0]["tool_id"] = json!("nb-jump");
    foreign["parts"][0]["part_id"] = json!("no-such-part");
    let mut too_many = plan_body();
    too_many["tools"][0]["quantity"] = json!(5);
    for (body, fields) in [
        (no_lead, vec!["crew"]),
        (
            foreign,
            vec![
                "crew[1].technician_id",
                "parts[0].part_id",
                "tools[0].tool_id",
            ],
        ),
        (too_many, vec!["tools[0].quantity"]),
        (json!({}), vec!["crew", "estimated_minutes", "items"]),
    ] {
        let (status, err) = app.put(&c.workshop, &path, &body).await;
        assert_eq!(status, 400, "{err}");
        let got: Vec<&String> = err["fields"].as_object().unwrap().keys().collect();
        assert_eq!(got, fields, "{err}");
    }
    assert_eq!(
        status_of(&app, &c, &id).await,
        "new",
        "nothing half-written"
    );
    assert_eq!(app.count("plans"), 0);
}
