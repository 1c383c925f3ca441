//! Standard rescue plans (标准救援方案): the director defines them once (each save is a standing
//! approval), the workshop lead applies one, and within the price ceiling the ticket goes from the
//! call to the crew with only the customer's consent; over it, the normal chain.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{own_phones, page_text, Backend, TestApp, DIRECTOR_PHONE, MANAGER_PHONE};
use crate::pages::{csrf_of, signed_in};

/// A jump start: one technician, the jump starter, half an hour; up to ¥300.
fn jump_start() -> Value {
    json!({
        "name": "电瓶搭电",
        "kind": "jump_start",
        "crew_size": 1,
        "estimated_minutes": 30,
        "tools": [{"tool_id": "hz-jump", "quantity": 1}],
        "items": [{"description": "搭电启动并检测蓄电池", "labour_minutes": 30}],
        "price_ceiling_fen": 30000,
        "agent_consent": true
    })
}

async fn define(app: &TestApp, body: &Value) -> Value {
    let (status, plan) = app
        .post(&app.token("hz.director"), "/api/v1/standard-plans", body)
        .await;
    assert_eq!(status, 201, "{plan}");
    plan
}

async fn apply(app: &TestApp, id: &str, standard: &str, travel_km: f64) -> (u16, Value) {
    app.post(
        &app.token("hz.workshop"),
        &format!("/api/v1/tickets/{id}/standard-plan"),
        &json!({
            "standard_plan_id": standard,
            "crew": [{"technician_id": "hz-t1"}],
            "travel_km": travel_km
        }),
    )
    .await
}

async fn ticket(app: &TestApp, id: &str) -> Value {
    let (status, t) = app
        .get_json(&app.token("hz.manager"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(status, 200, "{t}");
    t
}

/// Messages of `template` to `recipient` in the outbox.
fn sent(app: &TestApp, template: &'static str, recipient: &'static str) -> i64 {
    app.db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::outbox;
            Ok(outbox::table
                .filter(outbox::template.eq(template))
                .filter(outbox::recipient.eq(recipient))
                .count()
                .get_result(conn)?)
        })
        .unwrap()
}

/// The data of the ticket's audit events with this action, oldest first.
fn audit(app: &TestApp, id: &str, action: &'static str) -> Vec<(Option<String>, Value)> {
    let id = id.to_owned();
    let rows: Vec<(Option<String>, Option<String>)> = app
        .db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::audit_events;
            Ok(audit_events::table
                .filter(audit_events::ticket_id.eq(id))
                .filter(audit_events::action.eq(action))
                .order(audit_events::created_at.asc())
                .select((audit_events::actor_id, audit_events::data))
                .load(conn)?)
        })
        .unwrap();
    rows.into_iter()
        .map(|(a, d)| {
            (
                a,
                serde_json::from_str(&d.unwrap_or_default()).unwrap_or(Value::Null),
            )
        })
        .collect()
}

fn user_id(app: &TestApp, login: &'static str) -> String {
    app.db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::users;
            Ok(users::table
                .filter(users::login.eq(login))
                .select(users::id)
                .first(conn)?)
        })
        .unwrap()
}

both!(
    a_jump_start_goes_from_the_call_to_the_crew_on_a_standard_plan,
    standing_body
);
async fn standing_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    own_phones(&app);
    let standard = define(&app, &jump_start()).await;
    assert_eq!(standard["version"], 1);
    assert_eq!(standard["price_ceiling_yuan"], "300.00");
    let director = user_id(&app, "hz.director");
    assert_eq!(standard["approved_by"], director.as_str());
    let sid = standard["id"].as_str().unwrap();

    // The lead sees it, and applies it to a fresh call 5 km away: ¥60 labour + ¥30 travel.
    let (status, list) = app
        .get_json(
            &app.token("hz.workshop"),
            "/api/v1/standard-plans?active=true",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["id"], sid, "{list}");
    let id = app.new_ticket().await;
    let (status, applied) = apply(&app, &id, sid, 5.0).await;
    assert_eq!(status, 200, "{applied}");
    assert_eq!(applied["path"], "standing");
    assert_eq!(applied["plan"]["cost"]["total_fen"], 9000);
    assert_eq!(applied["plan"]["tools"][0]["tool_id"], "hz-jump");
    assert_eq!(applied["plan"]["standard"]["standing"], true);
    let t = ticket(&app, &id).await;
    assert_eq!(t["status"], "awaiting_customer_consent", "skips the review");

    // The manager is asked for the consent call, not for a review.
    assert_eq!(sent(&app, "consent_call", MANAGER_PHONE), 1);
    assert_eq!(sent(&app, "plan_review", MANAGER_PHONE), 0);

    // The call agent, still on the phone, records the consent: approved, crew dispatched.
    let (status, told) = app
        .post(
            &app.token("hz.agent"),
            &format!("/api/v1/tickets/{id}/consent"),
            &json!({"plan_version": 1, "agreed": true}),
        )
        .await;
    assert_eq!(status, 200, "{told}");
    let t = ticket(&app, &id).await;
    assert_eq!(t["status"], "approved", "{t}");
    assert_eq!(t["plan"]["director_approved"], true);
    let director_step = t["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["step"] == "director")
        .cloned()
        .unwrap_or_else(|| panic!("a director record: {t}"));
    assert_eq!(director_step["decision"], "approved");
    assert_eq!(director_step["reason_code"], "standing_approval");
    assert_eq!(sent(&app, "technician_dispatch", "13900000001"), 1);
    assert_eq!(
        sent(&app, "plan_approval", DIRECTOR_PHONE),
        0,
        "no approval asked"
    );

    // The audit names the standard plan, its version and whose standing approval it used.
    let applied = audit(&app, &id, "plan.standard_applied");
    assert_eq!(applied.len(), 1);
    let data = &applied[0].1;
    assert_eq!(data["standard_plan_id"], sid);
    assert_eq!(data["standard_plan_name"], "电瓶搭电");
    assert_eq!(data["standard_plan_version"], 1);
    assert_eq!(data["standing"], true);
    assert_eq!(data["standing_approval_by"], director.as_str());
    let approved = audit(&app, &id, "approval.approved");
    assert_eq!(approved.len(), 1);
    assert_eq!(approved[0].0.as_deref(), Some(director.as_str()));
    assert_eq!(approved[0].1["standing"], true);
    assert_eq!(
        approved[0].1["consent_recorded_by"],
        user_id(&app, "hz.agent")
    );

    // The crew leaves: dispatched, on the promise clock's "approved" milestone too.
    let (status, body) = app
        .post(
            &app.token("hz.tech"),
            &format!("/api/v1/tickets/{id}/depart"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, timeline) = app
        .get_json(
            &app.token("hz.manager"),
            &format!("/api/v1/tickets/{id}/timeline"),
        )
        .await;
    let stages: Vec<&str> = timeline["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert!(
        stages.contains(&"plan_submitted_to_approved") && stages.contains(&"approved_to_departed"),
        "{stages:?}"
    );
}

both!(over_the_ceiling_the_normal_chain_decides, over_body);
async fn over_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sid = define(&app, &jump_start()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = app.new_ticket().await;
    // 80 km out: ¥480 of travel alone.
    let (status, applied) = apply(&app, &id, &sid, 80.0).await;
    assert_eq!(status, 200, "{applied}");
    assert_eq!(applied["path"], "normal_chain");
    assert_eq!(applied["plan"]["standard"]["standing"], false);
    assert_eq!(ticket(&app, &id).await["status"], "awaiting_manager_review");
    let data = &audit(&app, &id, "plan.standard_applied")[0].1;
    assert_eq!(data["standing"], false);
    assert_eq!(data["standing_approval_by"], Value::Null);

    // The manager accepts; the agent may not take the consent of an ordinary chain.
    let (status, _) = app
        .post(
            &app.token("hz.manager"),
            &format!("/api/v1/tickets/{id}/review"),
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app
        .post(
            &app.token("hz.agent"),
            &format!("/api/v1/tickets/{id}/consent"),
            &json!({"plan_version": 1, "agreed": true}),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = app
        .post(
            &app.token("hz.manager"),
            &format!("/api/v1/tickets/{id}/consent"),
            &json!({"plan_version": 1, "agreed": true}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        ticket(&app, &id).await["status"],
        "awaiting_director",
        "the director still decides"
    );

    // A far customer does not fit under the ceiling by typing a short distance.
    let mut far = crate::helpers::intake_body();
    far["location"] =
        json!({"address": "宁波市鄞州区", "lat": 29.8683, "lon": 121.544, "crs": "wgs84"});
    let res = app.post_ticket(&app.token("hz.agent"), &far).await;
    assert_eq!(res.status().as_u16(), 201);
    let far_id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, applied) = apply(&app, &far_id, &sid, 0.0).await;
    assert_eq!(status, 200, "{applied}");
    assert_eq!(applied["path"], "normal_chain", "{applied}");
    assert!(
        applied["plan"]["travel_km"].as_f64().unwrap() > 100.0,
        "the estimate, not 0 km: {applied}"
    );
}

both!(
    the_agent_takes_the_consent_only_where_the_director_allowed_it,
    agent_body
);
async fn agent_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut body = jump_start();
    body["agent_consent"] = json!(false);
    let sid = define(&app, &body).await["id"].as_str().unwrap().to_owned();
    let id = app.new_ticket().await;
    assert_eq!(apply(&app, &id, &sid, 5.0).await.0, 200);
    let consent = json!({"plan_version": 1, "agreed": true});
    let path = format!("/api/v1/tickets/{id}/consent");
    let (status, refused) = app.post(&app.token("hz.agent"), &path, &consent).await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["error"], "forbidden");
    assert_eq!(
        ticket(&app, &id).await["status"],
        "awaiting_customer_consent"
    );
    let (status, _) = app.post(&app.token("hz.manager"), &path, &consent).await;
    assert_eq!(status, 200);
    assert_eq!(ticket(&app, &id).await["status"], "approved");
}

both!(revising_the_plan_drops_the_standing_approval, revise_body);
async fn revise_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sid = define(&app, &jump_start()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = app.new_ticket().await;
    assert_eq!(apply(&app, &id, &sid, 5.0).await.0, 200);
    // The lead changes the plan by hand: a new version, an ordinary one.
    let (status, plan) = app
        .put(
            &app.token("hz.workshop"),
            &format!("/api/v1/tickets/{id}/plan"),
            &crate::helpers::plan_body(),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["version"], 2);
    assert_eq!(plan["standard"], Value::Null);
    let (status, _) = app
        .post(
            &app.token("hz.workshop"),
            &format!("/api/v1/tickets/{id}/plan/submit"),
            &json!({"version": 2}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(ticket(&app, &id).await["status"], "awaiting_manager_review");
}

both!(only_the_director_defines_and_bad_input_is_named, rules_body);
async fn rules_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for login in ["hz.workshop", "hz.manager", "hz.agent"] {
        let (status, body) = app
            .post(&app.token(login), "/api/v1/standard-plans", &jump_start())
            .await;
        assert_eq!(status, 403, "{login}: {body}");
    }
    let director = app.token("hz.director");
    let (status, body) = app
        .post(
            &director,
            "/api/v1/standard-plans",
            &json!({
                "name": " ",
                "kind": "jump_start",
                "crew_size": 0,
                "estimated_minutes": 0,
                "tools": [{"tool_id": "nb-jump", "quantity": 1}],
                "items": [],
                "price_ceiling_fen": -1
            }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "validation_failed");
    for field in [
        "name",
        "crew_size",
        "estimated_minutes",
        "items",
        "price_ceiling_fen",
    ] {
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    let mut bad_kind = jump_start();
    bad_kind["kind"] = json!("teleport");
    let (status, body) = app
        .post(&director, "/api/v1/standard-plans", &bad_kind)
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["kind"].is_string(), "{body}");
    let mut other_tool = jump_start();
    other_tool["tools"] = json!([{"tool_id": "nb-jump", "quantity": 1}]);
    let (status, body) = app
        .post(&director, "/api/v1/standard-plans", &other_tool)
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["tools[0].tool_id"].is_string(), "{body}");

    let made = define(&app, &jump_start()).await;
    let sid = made["id"].as_str().unwrap();
    let (status, body) = app
        .post(&director, "/api/v1/standard-plans", &jump_start())
        .await;
    assert_eq!(status, 400);
    assert!(
        body["fields"]["name"].is_string(),
        "same name twice: {body}"
    );

    // A change is a new version; one made over a stale version is refused.
    let mut change = jump_start();
    change["price_ceiling_fen"] = json!(35000);
    change["version"] = json!(1);
    let path = format!("/api/v1/standard-plans/{sid}");
    let (status, changed) = app.put(&director, &path, &change).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["price_ceiling_fen"], 35000);
    let (status, stale) = app.put(&director, &path, &change).await;
    assert_eq!(status, 409, "{stale}");
    assert_eq!(stale["error"], "stale_state");

    // Another dealer's director does not see it; a malformed id is named, as every API id is.
    let (status, _) = app.get_json(&app.token("nb.director"), &path).await;
    assert_eq!(status, 404);
    let (status, body) = app
        .get_json(&director, "/api/v1/standard-plans/not-an-id")
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["id"].is_string(), "{body}");
}

both!(applying_checks_the_crew_and_the_plan, apply_rules_body);
async fn apply_rules_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sid = define(&app, &jump_start()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = app.new_ticket().await;
    let lead = app.token("hz.workshop");
    let path = format!("/api/v1/tickets/{id}/standard-plan");
    let (status, body) = app
        .post(
            &lead,
            &path,
            &json!({"standard_plan_id": sid, "crew": [{"technician_id": "hz-t1"}, {"technician_id": "hz-t2"}]}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["crew"].is_string(), "{body}");
    // Only the lead applies.
    let (status, _) = app
        .post(
            &app.token("hz.manager"),
            &path,
            &json!({"standard_plan_id": sid, "crew": [{"technician_id": "hz-t1"}]}),
        )
        .await;
    assert_eq!(status, 403);
    // Another dealer's standard plan, or one switched off, cannot be applied.
    let nb = app
        .post(&app.token("nb.director"), "/api/v1/standard-plans", &{
            let mut b = jump_start();
            b["tools"] = json!([]);
            b
        })
        .await
        .1;
    let (status, body) = apply(&app, &id, nb["id"].as_str().unwrap(), 5.0).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["standard_plan_id"].is_string());
    let mut off = jump_start();
    off["active"] = json!(false);
    off["version"] = json!(1);
    let (status, _) = app
        .put(
            &app.token("hz.director"),
            &format!("/api/v1/standard-plans/{sid}"),
            &off,
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = apply(&app, &id, &sid, 5.0).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["standard_plan_id"].is_string());
    // Nothing was written by the refusals.
    assert_eq!(ticket(&app, &id).await["status"], "new");
    assert_eq!(app.count("plans"), 0);
}

both!(the_pages_define_and_apply_a_standard_plan, pages_body);
async fn pages_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // The director's form.
    let director = signed_in(&app, "hz.director").await;
    let form = page_text(&director, &app, "/standard-plans/new").await;
    assert!(form.contains("name=\"ceiling_yuan\""), "{form}");
    let res = director
        .post(app.url("/standard-plans"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("name", "更换备胎"),
            ("kind", "tyre_change"),
            ("crew_size", "1"),
            ("estimated_minutes", "45"),
            ("ceiling_yuan", "400"),
            ("tool:hz-jump", "0"),
            ("item_desc", "更换备胎"),
            ("item_minutes", "40"),
            ("item_desc", ""),
            ("item_minutes", ""),
            ("agent_consent", "1"),
            ("active", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
    // A bad ceiling comes back on its field, with what was typed.
    let res = director
        .post(app.url("/standard-plans"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("name", "送油"),
            ("kind", "fuel_delivery"),
            ("crew_size", "1"),
            ("estimated_minutes", "30"),
            ("ceiling_yuan", "三百"),
            ("item_desc", "送油"),
            ("item_minutes", "20"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let page = res.text().await.unwrap();
    assert!(page.contains("data-field=\"price_ceiling_fen\""), "{page}");
    assert!(page.contains("value=\"送油\""));

    // The list, for the lead, in Chinese.
    let lead = signed_in(&app, "hz.workshop").await;
    let list = page_text(&lead, &app, "/standard-plans").await;
    assert!(
        list.contains("更换备胎") && list.contains("¥400.00"),
        "{list}"
    );
    assert!(
        !list.contains("/standard-plans/new"),
        "the lead does not define"
    );

    // The plan editor's box applies it with the ticked crew.
    let id = app.new_ticket().await;
    let editor = page_text(&lead, &app, &format!("/tickets/{id}/plan")).await;
    assert!(editor.contains("id=\"standard-box\""), "{editor}");
    let (_, list) = app
        .get_json(&app.token("hz.workshop"), "/api/v1/standard-plans")
        .await;
    let sid = list[0]["id"].as_str().unwrap().to_owned();
    let res = lead
        .post(app.url(&format!("/tickets/{id}/plan/standard")))
        .form(&[
            ("csrf", csrf_of(&editor).as_str()),
            ("crew", "hz-t1"),
            ("lead", "hz-t1"),
            ("standard_plan_id", sid.as_str()),
            ("travel_km", "5"),
            ("estimated_minutes", "oops"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
    let show = page_text(&lead, &app, &format!("/tickets/{id}")).await;
    assert!(show.contains("data-standing=\"true\""), "{show}");
    assert!(show.contains("更换备胎"));
    assert_eq!(
        ticket(&app, &id).await["status"],
        "awaiting_customer_consent"
    );

    // Nothing picked: the field says so.
    let other = app.new_ticket().await;
    let res = lead
        .post(app.url(&format!("/tickets/{other}/plan/standard")))
        .form(&[
            ("csrf", csrf_of(&editor).as_str()),
            ("crew", "hz-t1"),
            ("lead", "hz-t1"),
            ("standard_plan_id", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let page = res.text().await.unwrap();
    assert!(page.contains("data-field=\"standard_plan_id\""), "{page}");
}
