//! A technician a sister dealer lends to a crew, over HTTP on both databases: Hangzhou's lead puts
//! a Ningbo technician on the crew; they are sent by the same messages, open and work the job,
//! and the ticket shows on Ningbo's board marked as lent (on Hangzhou's once); nobody else of
//! Ningbo sees it; a technician of another group, or an inactive one, is refused; Ningbo's rota
//! decides whether its technician may be sent.

use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;
use rescuedesk::db::schema::technicians;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{page_text, plan_body, Backend, TestApp};
use crate::links::{code_in, message_to};
use crate::pages::{csrf_of, signed_in};
use crate::photos::{add_photo, approved_with, jpeg, SIGNATURE};

/// nb-t1 (who signs in as `nb.tech`) with a phone of their own: the seed gives hz-t1 the same.
const NB_TECH_PHONE: &str = "13900007777";

/// Hangzhou's lead technician leading, Ningbo's `nb_tech` with them.
fn sister_plan(nb_tech: &str) -> Value {
    let mut plan = plan_body();
    plan["crew"] = json!([{"technician_id": "hz-t1", "lead": true}, {"technician_id": nb_tech}]);
    plan
}

fn own_phone(app: &TestApp) {
    app.db
        .write_blocking(|conn| {
            diesel::update(technicians::table.filter(technicians::id.eq("nb-t1")))
                .set(technicians::phone.eq(NB_TECH_PHONE))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
}

async fn ok(app: &TestApp, who: &str, path: String, body: Value) -> Value {
    let (status, res) = app.post(&app.token(who), &path, &body).await;
    assert_eq!(status, 200, "{who} POST {path} {body}: {res}");
    res
}

async fn board(app: &TestApp, login: &str) -> Value {
    let (status, b) = app.get_json(&app.token(login), "/api/v1/board").await;
    assert_eq!(status, 200, "{login}: {b}");
    b
}

/// The board's rows of ticket `id`.
fn rows_of(b: &Value, id: &str) -> Vec<Value> {
    b["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["id"] == id)
        .cloned()
        .collect()
}

both!(a_sister_technician_is_sent_and_works_the_job, job_body);
async fn job_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    own_phone(&app);
    let (id, number) = approved_with(&app, &sister_plan("nb-t1")).await;

    // Sent by the same message as Hangzhou's own, with a job link of their own.
    let sms = message_to(&app, "technician_dispatch", NB_TECH_PHONE);
    assert!(sms.contains(&number), "{sms}");
    let code = code_in(&sms, 'j');
    let res = app
        .client
        .get(app.url(&format!("/j/{code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "the job link opens");

    // Signed in, they find the job in their list and open it.
    let nb_tech = app.token("nb.tech");
    let (status, d) = app
        .get_json(&nb_tech, &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(
        (status, d["number"].as_str()),
        (200, Some(number.as_str())),
        "{d}"
    );
    let phone = signed_in(&app, "nb.tech").await;
    let jobs = page_text(&phone, &app, "/jobs").await;
    assert!(jobs.contains(&number), "{jobs}");
    let job = page_text(&phone, &app, &format!("/jobs/{id}")).await;
    assert!(job.contains(&number), "{job}");

    // Nobody else of Ningbo sees or acts on it.
    let nb_lead = app.token("nb.workshop");
    for path in [
        format!("/api/v1/tickets/{id}"),
        format!("/api/v1/tickets/{id}/plan"),
    ] {
        let (status, res) = app.get_json(&nb_lead, &path).await;
        assert_eq!(status, 404, "{path}: {res}");
    }
    let (status, res) = app
        .put(
            &nb_lead,
            &format!("/api/v1/tickets/{id}/plan"),
            &plan_body(),
        )
        .await;
    assert_eq!(status, 404, "{res}");
    let workshop = signed_in(&app, "nb.workshop").await;
    let res = workshop
        .get(app.url(&format!("/tickets/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);

    // Only the lead departs; then the Ningbo phone shares where the crew is.
    let (status, res) = app
        .post(
            &nb_tech,
            &format!("/api/v1/tickets/{id}/depart"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, res["error"].as_str()),
        (403, Some("not_rescue_lead")),
        "{res}"
    );
    ok(
        &app,
        "hz.tech",
        format!("/api/v1/tickets/{id}/depart"),
        json!({}),
    )
    .await;
    let job = page_text(&phone, &app, &format!("/jobs/{id}")).await;
    let res = phone
        .post(app.url(&format!("/jobs/{id}/position")))
        .header("x-csrf-token", csrf_of(&job))
        .json(&json!({"lat": 30.21, "lon": 120.09, "accuracy": 12.0, "at": Utc::now().timestamp_millis()}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());

    // Ningbo's board has it, marked as Hangzhou's, with its crew where the phone is.
    let nb = board(&app, "nb.manager").await;
    let rows = rows_of(&nb, &id);
    assert_eq!(rows.len(), 1, "{nb}");
    assert_eq!(rows[0]["lent"], true);
    assert_eq!(rows[0]["dealer_name"], "杭州测试4S店");
    assert_eq!(nb["counts"]["open"], 1);
    assert_eq!(nb["counts"]["crews_out"], 1);
    let crew = nb["crews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["ticket_id"] == id.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("the crew on Ningbo's board: {nb}"));
    assert_eq!(crew["members"], 2);
    assert_eq!(crew["lead"], "hz周师傅");
    assert!(
        (crew["lat"].as_f64().unwrap() - 30.21).abs() < 1e-9,
        "{crew}"
    );
    assert!(crew["position"].is_object(), "{crew}");
    let page = page_text(&signed_in(&app, "nb.manager").await, &app, "/board").await;
    assert!(page.contains("借调·杭州测试4S店"), "{page}");
    assert!(
        !page.contains(&format!("href=\"/tickets/{id}\"")),
        "no link to a ticket Ningbo may not open"
    );

    // Hangzhou's boards: once, its own; the group board: once.
    for login in ["hz.manager", "hz.director", "nb.director"] {
        let b = board(&app, login).await;
        let rows = rows_of(&b, &id);
        assert_eq!(rows.len(), 1, "{login}: {b}");
        assert_eq!(rows[0]["lent"], false, "{login}");
        assert_eq!(rows[0]["dealer_name"], "杭州测试4S店", "{login}");
        assert_eq!(b["counts"]["open"], 1, "{login}");
    }
    let agent = signed_in(&app, "nb.agent").await;
    agent.get(app.url("/lang/en")).send().await.unwrap();
    let en = page_text(&agent, &app, "/board").await;
    assert!(en.contains("Lent to 杭州测试4S店"), "{en}");

    // The Ningbo technician arrives and resolves with the customer's signature.
    ok(
        &app,
        "nb.tech",
        format!("/api/v1/tickets/{id}/arrive"),
        json!({}),
    )
    .await;
    ok(
        &app,
        "nb.tech",
        format!("/api/v1/tickets/{id}/resolve"),
        json!({"work_done": "更换蓄电池，车辆启动正常", "signature": SIGNATURE}),
    )
    .await;
    let (_, d) = app
        .get_json(&app.token("hz.agent"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(d["status"], "resolved", "{d}");

    // On the next job they find another fault: a photo of it, and the mismatch report.
    let (next, _) = approved_with(&app, &sister_plan("nb-t1")).await;
    ok(
        &app,
        "hz.tech",
        format!("/api/v1/tickets/{next}/depart"),
        json!({}),
    )
    .await;
    ok(
        &app,
        "nb.tech",
        format!("/api/v1/tickets/{next}/arrive"),
        json!({}),
    )
    .await;
    let (status, res) = add_photo(&app, "nb.tech", &next, "fault_on_arrival", &jpeg(2000)).await;
    assert_eq!(status, 201, "{res}");
    let photos = page_text(&phone, &app, &format!("/tickets/{next}/photos")).await;
    assert!(
        photos.contains("/photos/"),
        "the crew sees its photos: {photos}"
    );
    ok(
        &app,
        "nb.tech",
        format!("/api/v1/tickets/{next}/mismatch"),
        json!({"reason": "是发电机故障，不是蓄电池"}),
    )
    .await;
    let (_, d) = app
        .get_json(&app.token("hz.agent"), &format!("/api/v1/tickets/{next}"))
        .await;
    assert_eq!(d["status"], "replanning", "{d}");
    let res = workshop
        .get(app.url(&format!("/tickets/{next}/photos")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404, "not for Ningbo's lead");
}

/// A dealer of another group with one active technician, `sh-t1` (rows only).
fn other_group_technician(app: &TestApp) {
    app.db
        .write_blocking(|conn| {
            let now = rescuedesk::repo::now();
            let dealer = crate::helpers::insert_other_group(
                conn,
                crate::helpers::OtherGroup {
                    group: "别的集团",
                    brand: "别的",
                    dealer: "上海别家4S店",
                    address: "别的路 1 号",
                },
            )?;
            diesel::insert_into(technicians::table)
                .values((
                    technicians::id.eq("sh-t1"),
                    technicians::dealer_id.eq(dealer),
                    technicians::name.eq("sh王师傅"),
                    technicians::phone.eq("13900008888"),
                    technicians::email.eq("sh@test.cn"),
                    technicians::notify_via.eq("sms"),
                    technicians::grade.eq("senior"),
                    technicians::active.eq(true),
                    technicians::created_at.eq(now),
                ))
                .execute(conn)?;
            // A Ningbo technician who left.
            diesel::update(technicians::table.filter(technicians::id.eq("nb-t2")))
                .set(technicians::active.eq(false))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
}

both!(
    a_crew_takes_only_active_technicians_of_the_group,
    refused_body
);
async fn refused_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    other_group_technician(&app);
    let id = app.new_ticket().await;
    let plan = format!("/api/v1/tickets/{id}/plan");
    let lead = app.token("hz.workshop");
    for (who, why) in [("sh-t1", "another group's"), ("nb-t2", "inactive")] {
        let (status, res) = app.put(&lead, &plan, &sister_plan(who)).await;
        assert_eq!(
            (status, res["error"].as_str()),
            (400, Some("validation_failed")),
            "{why}: {res}"
        );
        assert_eq!(
            res["fields"]["crew[1].technician_id"], "不是本店技师",
            "{why}: {res}"
        );
        assert_eq!(res["fields"].as_object().unwrap().len(), 1, "{why}: {res}");
    }
    // An active Ningbo technician is taken.
    let (status, res) = app.put(&lead, &plan, &sister_plan("nb-t3")).await;
    assert_eq!(status, 200, "{res}");
    let crew: Vec<&str> = res["crew"]
        .as_array()
        .unwrap_or_else(|| panic!("crew in {res}"))
        .iter()
        .map(|c| c["technician_id"].as_str().unwrap())
        .collect();
    assert!(crew.contains(&"nb-t3"), "{res}");
}

/// China's wall-clock date now.
fn today() -> NaiveDate {
    (Utc::now().naive_utc() + Duration::hours(8)).date()
}

both!(
    a_sister_technician_off_on_their_own_rota_is_not_sent,
    rota_body
);
async fn rota_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let off = json!({"person": "technician:nb-t3", "date": today().to_string(), "kind": "off"});
    // Hangzhou's rota cannot name them; Ningbo's has them off today.
    let (status, res) = app
        .put(&app.token("hz.workshop"), "/api/v1/rota/shifts", &off)
        .await;
    assert_eq!(status, 404, "{res}");
    let (status, res) = app
        .put(&app.token("nb.workshop"), "/api/v1/rota/shifts", &off)
        .await;
    assert_eq!(status, 200, "{res}");

    let id = app.new_ticket().await;
    let lead = app.token("hz.workshop");
    let (status, res) = app
        .put(
            &lead,
            &format!("/api/v1/tickets/{id}/plan"),
            &sister_plan("nb-t3"),
        )
        .await;
    assert_eq!(status, 200, "{res}");
    // Ningbo's desk sees already that its technician is planned for Hangzhou's rescue.
    let nb = board(&app, "nb.manager").await;
    assert_eq!(rows_of(&nb, &id).len(), 1, "{nb}");
    assert_eq!(rows_of(&nb, &id)[0]["lent"], true);
    let submit = format!("/api/v1/tickets/{id}/plan/submit");
    let (status, res) = app.post(&lead, &submit, &json!({"version": 1})).await;
    assert_eq!(
        (status, res["error"].as_str()),
        (409, Some("technician_off_duty")),
        "{res}"
    );
    let named: Vec<&String> = res["fields"].as_object().unwrap().keys().collect();
    assert_eq!(named, ["crew[1].technician_id"], "only nb-t3: {res}");

    // On duty at Ningbo: sent.
    let (status, res) = app
        .put(
            &app.token("nb.workshop"),
            "/api/v1/rota/shifts",
            &json!({"person": "technician:nb-t3", "date": today().to_string(), "start": "00:00", "end": "24:00", "kind": "on_duty"}),
        )
        .await;
    assert_eq!(status, 200, "{res}");
    let (status, res) = app.post(&lead, &submit, &json!({"version": 1})).await;
    assert_eq!(status, 200, "{res}");
}
