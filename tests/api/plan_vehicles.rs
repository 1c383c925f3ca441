//! The rescue vehicle a plan sends, over HTTP: one of the dealer's register; a tow needs a tow
//! truck or flatbed; a vehicle whose check failed, or that is out on another rescue, is refused
//! `vehicle_unavailable` unless the lead gives a reason (audited); a failed check after the
//! approval stops the crew at departure; the plan editor lists the vehicles with their markers.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, plan_body, Backend, TestApp};
use crate::pages::signed_in;
use crate::photos::approved_with;

fn passed() -> Value {
    json!({"fuel": true, "water": true, "tyre_pressure": true, "tool_kit": true, "lights": true})
}

fn failed() -> Value {
    let mut f = passed();
    f["lights"] = json!(false);
    f["note"] = json!("右尾灯不亮");
    f
}

/// Registers a vehicle of 杭州 and records a check; its id.
async fn vehicle(app: &TestApp, plate: &str, kind: &str, check: Option<Value>) -> String {
    let (status, v) = app
        .post(
            &app.token("hz.workshop"),
            "/api/v1/rescue-vehicles",
            &json!({"plate": plate, "kind": kind, "carries": ["tool_kit"], "base": "城北站"}),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    if let Some(c) = check {
        let (status, v) = app
            .post(
                &app.token("hz.tech"),
                &format!("/api/v1/rescue-vehicles/{id}/checks"),
                &c,
            )
            .await;
        assert_eq!(status, 201, "{v}");
    }
    id
}

async fn new_ticket(app: &TestApp) -> String {
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &intake_body())
        .await
        .json()
        .await
        .unwrap();
    t["id"].as_str().unwrap().to_owned()
}

fn with_vehicle(id: &str, tow: bool, reason: Option<&str>) -> Value {
    let mut p = plan_body();
    p["vehicle_id"] = json!(id);
    p["tow"] = json!(tow);
    if let Some(r) = reason {
        p["vehicle_override"] = json!(r);
    }
    p
}

fn field_keys(e: &Value) -> Vec<String> {
    e["fields"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

async fn overrides(app: &TestApp, ticket: &str) -> Vec<(Option<String>, Option<String>)> {
    app.db
        .read_blocking({
            let ticket = ticket.to_owned();
            move |conn| {
                use diesel::prelude::*;
                use rescuedesk::db::schema::audit_events as a;
                Ok(a::table
                    .filter(a::ticket_id.eq(ticket))
                    .filter(a::action.eq("vehicle.override"))
                    .select((a::comment, a::data))
                    .load(conn)?)
            }
        })
        .unwrap()
}

both!(
    a_plan_sends_a_ready_vehicle_of_its_dealer_and_a_tow_needs_a_tow_truck,
    choose_body
);
async fn choose_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let van = vehicle(&app, "浙A·V1001", "service_van", Some(passed())).await;
    let tow = vehicle(&app, "浙A·T2002", "tow_truck", Some(failed())).await;
    let (_, nb) = app
        .post(
            &app.token("nb.workshop"),
            "/api/v1/rescue-vehicles",
            &json!({"plate": "浙B·V3003", "kind": "tow_truck", "base": "宁波站"}),
        )
        .await;
    let nb = nb["id"].as_str().unwrap().to_owned();
    let id = new_ticket(&app).await;
    let ws = app.token("hz.workshop");
    let plan = format!("/api/v1/tickets/{id}/plan");

    // The board lists the tow truck as not ready, with what is wrong; the van counts as ready.
    let (_, board) = app
        .get_json(&app.token("hz.manager"), "/api/v1/board")
        .await;
    assert_eq!(
        (
            &board["counts"]["vehicles_ready"],
            &board["counts"]["vehicles_not_ready"]
        ),
        (&json!(1), &json!(1)),
        "{board}"
    );
    assert_eq!(board["vehicles"][0]["readiness"], "check_failed");
    assert_eq!(board["vehicles"][0]["note"], "右尾灯不亮");

    // A tow names a vehicle; a van cannot tow; another dealer's vehicle is not ours.
    let mut body = plan_body();
    body["tow"] = json!(true);
    let (status, e) = app.put(&ws, &plan, &body).await;
    assert_eq!(
        (status, field_keys(&e)),
        (400, vec!["vehicle_id".into()]),
        "{e}"
    );
    for (body, why) in [
        (with_vehicle(&van, true, None), "不能拖车"),
        (with_vehicle(&nb, false, None), "不是本店"),
    ] {
        let (status, e) = app.put(&ws, &plan, &body).await;
        assert_eq!(
            (status, field_keys(&e)),
            (400, vec!["vehicle_id".into()]),
            "{e}"
        );
        assert!(
            e["fields"]["vehicle_id"].as_str().unwrap().contains(why),
            "{e}"
        );
    }
    // A malformed id is the extractor's field error.
    let mut bad = plan_body();
    bad["vehicle_id"] = json!("not-a-vehicle");
    assert_eq!(app.put(&ws, &plan, &bad).await.0, 400);

    // The tow truck failed its check: refused, naming it, in the reader's language.
    let (status, e) = app.put(&ws, &plan, &with_vehicle(&tow, true, None)).await;
    assert_eq!(
        (status, e["error"].as_str()),
        (409, Some("vehicle_unavailable")),
        "{e}"
    );
    assert_eq!(e["params"]["plate"], "浙AT2002");
    assert_eq!(e["params"]["readiness"], "check_failed");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("浙AT2002") && message.contains("检查未通过"),
        "{message}"
    );
    let (_, p) = app.get_json(&ws, &plan).await;
    assert!(p["plan"].is_null(), "a refused save writes nothing: {p}");

    // With a reason it goes, and the reason is audited.
    let (status, p) = app
        .put(
            &ws,
            &plan,
            &with_vehicle(&tow, true, Some("唯一的拖车，尾灯用警示灯代替")),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["vehicle"]["plate"], "浙AT2002", "{p}");
    assert_eq!(p["vehicle"]["kind"], "tow_truck");
    assert_eq!(p["vehicle"]["tows"], true);
    assert_eq!(
        p["vehicle"]["override_reason"],
        "唯一的拖车，尾灯用警示灯代替"
    );
    let audited = overrides(&app, &id).await;
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(
        audited[0].0.as_deref(),
        Some("唯一的拖车，尾灯用警示灯代替")
    );
    assert!(audited[0].1.as_deref().unwrap().contains("check_failed"));

    // The ready van needs no reason; the draft now sends it and tows nothing.
    let (status, p) = app.put(&ws, &plan, &with_vehicle(&van, false, None)).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["vehicle"]["plate"], "浙AV1001");
    assert_eq!(p["vehicle"]["override_reason"], Value::Null);
    assert_eq!(overrides(&app, &id).await.len(), 1, "no new override");

    // The editor lists both with their markers, the van picked.
    let workshop = signed_in(&app, "hz.workshop").await;
    let editor = page_text(&workshop, &app, &format!("/tickets/{id}/plan")).await;
    assert!(
        editor.contains("浙AT2002") && editor.contains("检查未通过"),
        "{editor}"
    );
    assert!(
        editor.contains(&format!(
            "name=\"vehicle_id\" value=\"{van}\" data-tows=\"false\" checked"
        )),
        "{editor}"
    );
    assert!(
        !editor.contains("浙BV3003"),
        "another dealer's vehicle is not offered"
    );
}

both!(
    a_vehicle_out_or_failed_after_approval_does_not_go_without_a_reason,
    out_body
);
async fn out_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let van = vehicle(&app, "浙A·V1001", "service_van", Some(passed())).await;
    let (a, a_no) = approved_with(&app, &with_vehicle(&van, false, None)).await;
    let tech = app.token("hz.tech");
    let depart = format!("/api/v1/tickets/{a}/depart");

    // The check failed since the approval: the crew cannot leave with it.
    let (status, _) = app
        .post(
            &tech,
            &format!("/api/v1/rescue-vehicles/{van}/checks"),
            &failed(),
        )
        .await;
    assert_eq!(status, 201);
    let (status, e) = app.post(&tech, &depart, &json!({})).await;
    assert_eq!(
        (status, e["error"].as_str()),
        (409, Some("vehicle_unavailable")),
        "{e}"
    );
    let (_, d) = app
        .get_json(&app.token("hz.agent"), &format!("/api/v1/tickets/{a}"))
        .await;
    assert_eq!(d["status"], "approved", "nothing moved");
    // A passing check lets it go.
    app.post(
        &tech,
        &format!("/api/v1/rescue-vehicles/{van}/checks"),
        &passed(),
    )
    .await;
    let (status, e) = app.post(&tech, &depart, &json!({})).await;
    assert_eq!(status, 200, "{e}");
    // The board shows it out, on that rescue.
    let (_, board) = app
        .get_json(&app.token("hz.manager"), "/api/v1/board")
        .await;
    assert_eq!(board["counts"]["vehicles_out"], 1, "{board}");
    assert_eq!(board["vehicles"][0]["plate"], "浙AV1001");
    assert_eq!(board["vehicles"][0]["ticket_number"], a_no.as_str());
    let manager = signed_in(&app, "hz.manager").await;
    let live = page_text(&manager, &app, "/board/live").await;
    assert!(
        live.contains("data-state=\"out\"") && live.contains(&a_no),
        "{live}"
    );

    // Now it is out: another plan may not send it, unless the lead says why.
    let b = new_ticket(&app).await;
    let plan = format!("/api/v1/tickets/{b}/plan");
    let mut body = with_vehicle(&van, false, None);
    body["crew"] = json!([{"technician_id": "hz-t3", "lead": true}]);
    let ws = app.token("hz.workshop");
    let (status, e) = app.put(&ws, &plan, &body).await;
    assert_eq!(
        (status, e["error"].as_str()),
        (409, Some("vehicle_unavailable")),
        "{e}"
    );
    assert_eq!(e["params"]["ticket"], a_no.as_str());
    assert!(e["message"].as_str().unwrap().contains(&a_no), "{e}");
    let workshop = signed_in(&app, "hz.workshop").await;
    let editor = page_text(&workshop, &app, &format!("/tickets/{b}/plan")).await;
    assert!(editor.contains(&format!("出车中 · {a_no}")), "{editor}");
    body["vehicle_override"] = json!("另一单只剩收尾，车辆半小时后可到");
    let (status, p) = app.put(&ws, &plan, &body).await;
    assert_eq!(status, 200, "{p}");
    let audited = overrides(&app, &b).await;
    assert_eq!(audited.len(), 1);
    assert!(audited[0].1.as_deref().unwrap().contains(&a_no));

    // Through the editor's form: refused with the reason box marked, kept as typed.
    let c = new_ticket(&app).await;
    let csrf =
        crate::pages::csrf_of(&page_text(&workshop, &app, &format!("/tickets/{c}/plan")).await);
    let form = vec![
        ("csrf", csrf),
        ("crew", "hz-t3".to_owned()),
        ("lead", "hz-t3".to_owned()),
        ("item_desc", "检测".to_owned()),
        ("item_minutes", "30".to_owned()),
        ("estimated_minutes", "30".to_owned()),
        ("travel_km", "10".to_owned()),
        ("vehicle_id", van.clone()),
    ];
    let res = workshop
        .post(app.url(&format!("/tickets/{c}/plan")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&a_no) && html.contains("请填写仍然派出这辆车的原因"),
        "{html}"
    );
    assert!(
        html.contains(
            "name=\"vehicle_override\" value=\"\" maxlength=\"200\" aria-invalid=\"true\""
        ),
        "{html}"
    );
    let mut with = form.clone();
    with.push(("vehicle_override", "顺路".to_owned()));
    let res = workshop
        .post(app.url(&format!("/tickets/{c}/plan")))
        .form(&with)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
}

both!(
    the_demos_tow_truck_that_failed_its_check_cannot_go_out,
    demo_body
);
async fn demo_body(backend: Backend) {
    let app = TestApp::spawn_demo(backend).await;
    let (status, l) = app
        .get_json(&app.token("hz.workshop"), "/api/v1/rescue-vehicles")
        .await;
    assert_eq!(status, 200, "{l}");
    let vehicles = l["vehicles"].as_array().unwrap();
    assert!(vehicles.len() >= 3, "the demo ships a register: {l}");
    let tow = vehicles
        .iter()
        .find(|v| v["kind"] == "tow_truck")
        .expect("a tow truck");
    assert_eq!(tow["readiness"], "check_failed", "{tow}");
    assert!(tow["latest_check"]["note"].as_str().unwrap().contains("胎"));
    assert!(vehicles
        .iter()
        .any(|v| v["kind"] == "service_van" && v["readiness"] == "ready"));

    // A plan of the demo's own crew, with the tow truck.
    let (_, techs) = app
        .get_json(&app.token("hz.workshop"), "/api/v1/technicians")
        .await;
    let tech = techs
        .as_array()
        .and_then(|a| a.first())
        .or_else(|| techs["items"].as_array().and_then(|a| a.first()))
        .unwrap_or_else(|| panic!("{techs}"));
    let id = new_ticket(&app).await;
    let plan = json!({
        "crew": [{"technician_id": tech["id"], "lead": true}],
        "items": [{"description": "拖车回店", "labour_minutes": 30}],
        "estimated_minutes": 60,
        "travel_km": 12.0,
        "vehicle_id": tow["id"],
        "tow": true
    });
    let (status, e) = app
        .put(
            &app.token("hz.workshop"),
            &format!("/api/v1/tickets/{id}/plan"),
            &plan,
        )
        .await;
    assert_eq!(
        (status, e["error"].as_str()),
        (409, Some("vehicle_unavailable")),
        "{e}"
    );
}
