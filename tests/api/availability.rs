//! One active job per technician over HTTP: a technician out on another ticket is refused with
//! `technician_busy` (naming them and the other ticket), accepted with an override and a reason
//! (audited, in the timeline), and two crews leaving at once with the same technician: one goes.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, plan_body, Backend, TestApp};
use crate::pages::signed_in;
use crate::photos::{approved_with, on_site, SIGNATURE};

async fn new_ticket(app: &TestApp) -> (String, String) {
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &intake_body())
        .await
        .json()
        .await
        .unwrap();
    (
        t["id"].as_str().unwrap().to_owned(),
        t["number"].as_str().unwrap().to_owned(),
    )
}

both!(a_busy_technician_needs_an_override_and_a_reason, busy_body);
async fn busy_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (out, out_no) = on_site(&app).await;
    let (id, _) = new_ticket(&app).await;
    let ws = app.token("hz.workshop");
    let plan = format!("/api/v1/tickets/{id}/plan");

    // The editor marks them, with the other ticket and its status.
    let workshop = signed_in(&app, "hz.workshop").await;
    let editor = page_text(&workshop, &app, &format!("/tickets/{id}/plan")).await;
    assert!(
        editor.contains(&format!("忙 · {out_no}（已到达现场）"))
            || editor.contains(&format!("忙 · {out_no}（")),
        "{editor}"
    );
    assert!(editor.contains("name=\"override\" value=\"hz-t1\""));

    let (status, res) = app.put(&ws, &plan, &plan_body()).await;
    assert_eq!(
        (status, res["error"].as_str()),
        (409, Some("technician_busy")),
        "{res}"
    );
    assert_eq!(res["params"]["ticket"], out_no.as_str());
    assert_eq!(res["params"]["technician_id"], "hz-t1");
    let message = res["message"].as_str().unwrap();
    assert!(
        message.contains("hz周师傅") && message.contains(&out_no),
        "{message}"
    );
    let en: Value = reqwest::Client::new()
        .put(app.url(&plan))
        .bearer_auth(&ws)
        .header("accept-language", "en")
        .json(&plan_body())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        en["message"].as_str().unwrap().contains("is out on ticket"),
        "{en}"
    );

    // An override for one is not enough; a blank reason is not a reason.
    let mut body = plan_body();
    body["overrides"] = json!([{"technician_id": "hz-t1", "reason": "离得最近"}]);
    let (status, res) = app.put(&ws, &plan, &body).await;
    assert_eq!(status, 409, "{res}");
    assert_eq!(res["params"]["technician_id"], "hz-t2");
    body["overrides"] = json!([
        {"technician_id": "hz-t1", "reason": "离得最近"},
        {"technician_id": "hz-t2", "reason": "   "}
    ]);
    let (status, res) = app.put(&ws, &plan, &body).await;
    assert_eq!(status, 400, "{res}");
    assert!(res["fields"]["overrides[1].reason"].is_string(), "{res}");
    body["overrides"][1]["reason"] = json!("长".repeat(201));
    assert_eq!(app.put(&ws, &plan, &body).await.0, 400, "bounded");
    body["overrides"][1]["reason"] = json!("那边只剩收尾，客户同意等");
    let (status, res) = app.put(&ws, &plan, &body).await;
    assert_eq!(status, 200, "{res}");

    // Audited with the reason and the other ticket, and in the timeline.
    let rows: Vec<(String, Option<String>, Option<String>)> = app
        .db
        .read_blocking({
            let id = id.clone();
            move |conn| {
                use diesel::prelude::*;
                use rescuedesk::db::schema::audit_events as a;
                Ok(a::table
                    .filter(a::ticket_id.eq(id))
                    .filter(a::action.eq("crew.busy_override"))
                    .select((a::action, a::comment, a::data))
                    .load(conn)?)
            }
        })
        .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().any(|r| r.1.as_deref() == Some("离得最近")));
    assert!(rows.iter().all(|r| r.2.as_deref().unwrap().contains(&out)));
    let page = page_text(&workshop, &app, &format!("/tickets/{id}")).await;
    assert!(
        page.contains("忙碌技师仍被派遣") && page.contains("离得最近"),
        "timeline"
    );

    // Saving the same draft again needs no new reason: the override stands for that ticket.
    let (status, res) = app.put(&ws, &plan, &plan_body()).await;
    assert_eq!(status, 200, "{res}");
    // A crew without busy technicians is not held up.
    let (other, _) = new_ticket(&app).await;
    let mut free = plan_body();
    free["crew"] = json!([{"technician_id": "hz-t3", "lead": true}]);
    let (status, res) = app
        .put(&ws, &format!("/api/v1/tickets/{other}/plan"), &free)
        .await;
    assert_eq!(status, 200, "{res}");

    // Through the editor's form: refused with the message, then accepted with the flag and reason.
    let (form_id, _) = new_ticket(&app).await;
    let editor = page_text(&workshop, &app, &format!("/tickets/{form_id}/plan")).await;
    let csrf = crate::pages::csrf_of(&editor);
    let base = vec![
        ("csrf", csrf.clone()),
        ("crew", "hz-t1".to_owned()),
        ("lead", "hz-t1".to_owned()),
        ("item_desc", "检测".to_owned()),
        ("item_minutes", "30".to_owned()),
        ("estimated_minutes", "30".to_owned()),
        ("travel_km", "10".to_owned()),
    ];
    let res = workshop
        .post(app.url(&format!("/tickets/{form_id}/plan")))
        .form(&base)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 409);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&out_no) && html.contains("仍然派遣"),
        "{html}"
    );
    let mut with = base.clone();
    with.push(("override", "hz-t1".into()));
    with.push(("override_reason:hz-t1", "顺路".into()));
    let res = workshop
        .post(app.url(&format!("/tickets/{form_id}/plan")))
        .form(&with)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
}

both!(a_crew_with_a_busy_technician_does_not_leave, depart_body);
async fn depart_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Both planned while nobody was out; the first leaves, the second may not.
    let (a, _) = approved_with(&app, &plan_body()).await;
    let (b, _) = approved_with(&app, &plan_body()).await;
    let tech = app.token("hz.tech");
    let (status, _) = app
        .post(&tech, &format!("/api/v1/tickets/{a}/depart"), &json!({}))
        .await;
    assert_eq!(status, 200);
    let (status, res) = app
        .post(&tech, &format!("/api/v1/tickets/{b}/depart"), &json!({}))
        .await;
    assert_eq!(
        (status, res["error"].as_str()),
        (409, Some("technician_busy")),
        "{res}"
    );
    let (_, d) = app
        .get_json(&app.token("hz.agent"), &format!("/api/v1/tickets/{b}"))
        .await;
    assert_eq!(d["status"], "approved");
    // Once the first job is done the crew is free again.
    app.post(&tech, &format!("/api/v1/tickets/{a}/arrive"), &json!({}))
        .await;
    let (status, res) = app
        .post(
            &tech,
            &format!("/api/v1/tickets/{a}/resolve"),
            &json!({"work_done": "更换蓄电池", "signature": SIGNATURE}),
        )
        .await;
    assert_eq!(status, 200, "{res}");
    let (status, res) = app
        .post(&tech, &format!("/api/v1/tickets/{b}/depart"), &json!({}))
        .await;
    assert_eq!(status, 200, "{res}");
}

both!(
    two_crews_leaving_at_once_with_one_technician_one_goes,
    race_body
);
async fn race_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let tech = app.token("hz.tech");
    for round in 0..3 {
        let (a, _) = approved_with(&app, &plan_body()).await;
        let (b, _) = approved_with(&app, &plan_body()).await;
        let (pa, pb) = (
            format!("/api/v1/tickets/{a}/depart"),
            format!("/api/v1/tickets/{b}/depart"),
        );
        let empty = json!({});
        let (ra, rb) = tokio::join!(app.post(&tech, &pa, &empty), app.post(&tech, &pb, &empty));
        let mut statuses = [ra.0, rb.0];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "round {round}: {ra:?} {rb:?}");
        let loser = if ra.0 == 409 { &ra.1 } else { &rb.1 };
        assert_eq!(loser["error"], "technician_busy");
        // The winner finishes, so the next round starts with a free crew.
        let winner = if ra.0 == 200 { &a } else { &b };
        app.post(
            &tech,
            &format!("/api/v1/tickets/{winner}/arrive"),
            &json!({}),
        )
        .await;
        let (status, res) = app
            .post(
                &tech,
                &format!("/api/v1/tickets/{winner}/resolve"),
                &json!({"work_done": "更换蓄电池", "customer_absent_reason": "客户不在车旁"}),
            )
            .await;
        assert_eq!(status, 200, "{res}");
    }
}
