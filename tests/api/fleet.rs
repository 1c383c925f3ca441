//! Rescue vehicles over HTTP: who may register and check them (another dealer sees none of
//! them), validation by field, a plate once per dealer, readiness from the latest check (a
//! failed check holds a vehicle back until one passes; an old one is overdue), the history.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{Backend, TestApp};

fn van() -> Value {
    json!({"plate": "浙A·J1234", "kind": "service_van", "carries": ["tyre_kit", "tool_kit", "jump_pack"], "base": "城北站"})
}

fn passed() -> Value {
    json!({"fuel": true, "water": true, "tyre_pressure": true, "tool_kit": true, "lights": true})
}

fn fields(e: &Value) -> Vec<String> {
    e["fields"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// The vehicle of this id in a list.
fn find<'a>(l: &'a Value, id: &str) -> &'a Value {
    l["vehicles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {l}"))
}

fn count(l: &Value, key: &str) -> u64 {
    l[key].as_u64().unwrap()
}

async fn list(app: &TestApp, login: &str) -> Value {
    let (status, l) = app
        .get_json(&app.token(login), "/api/v1/rescue-vehicles")
        .await;
    assert_eq!(status, 200, "{login}: {l}");
    l
}

both!(
    vehicles_are_registered_by_the_workshop_validated_by_field_and_kept_to_their_dealer,
    register_body
);
async fn register_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // The demo's own register, before this test adds one.
    let before = list(&app, "hz.tech").await;
    let (status, e) = app
        .post(&app.token("hz.agent"), "/api/v1/rescue-vehicles", &van())
        .await;
    assert_eq!(
        (status, e["error"].as_str()),
        (403, Some("forbidden")),
        "{e}"
    );

    for (body, want) in [
        (json!({}), vec!["base", "kind", "plate"]),
        (
            json!({"plate": "ABC", "kind": "service_van", "base": "城北站"}),
            vec!["plate"],
        ),
        (
            json!({"plate": "浙A12345", "kind": "tow_truck", "base": "站".repeat(41)}),
            vec!["base"],
        ),
    ] {
        let (status, e) = app
            .post(&app.token("hz.workshop"), "/api/v1/rescue-vehicles", &body)
            .await;
        assert_eq!(
            (status, e["error"].as_str()),
            (400, Some("validation_failed")),
            "{body}: {e}"
        );
        assert_eq!(fields(&e), want, "{body}: {e}");
    }
    // A kind the API does not know is the extractor's field error, before any service runs.
    let (status, e) = app
        .post(
            &app.token("hz.workshop"),
            "/api/v1/rescue-vehicles",
            &json!({"plate": "浙A12345", "kind": "rocket", "base": "城北站"}),
        )
        .await;
    assert_eq!(status, 400, "{e}");

    let (status, v) = app
        .post(&app.token("hz.workshop"), "/api/v1/rescue-vehicles", &van())
        .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        v["plate"], "浙AJ1234",
        "the plate as Chinese practice writes it: {v}"
    );
    assert_eq!(
        v["carries"],
        json!(["tool_kit", "jump_pack", "tyre_kit"]),
        "a set in a fixed order"
    );
    assert_eq!(v["readiness"], "never_checked");
    assert!(v["latest_check"].is_null());

    // The same plate again, spelt differently, is the same vehicle.
    let mut again = van();
    again["plate"] = json!("浙aj1234");
    let (status, e) = app
        .post(&app.token("hz.manager"), "/api/v1/rescue-vehicles", &again)
        .await;
    assert_eq!(
        (status, e["error"].as_str()),
        (409, Some("conflict")),
        "{e}"
    );

    let l = list(&app, "hz.tech").await;
    assert_eq!(
        l["vehicles"].as_array().unwrap().len(),
        before["vehicles"].as_array().unwrap().len() + 1,
        "{l}"
    );
    assert_eq!(
        (count(&l, "ready"), count(&l, "not_ready")),
        (count(&before, "ready"), count(&before, "not_ready") + 1)
    );
    assert_eq!(
        find(&l, v["id"].as_str().unwrap())["readiness"],
        "never_checked"
    );
    assert_eq!(
        (l["may_manage"].as_bool(), l["may_check"].as_bool()),
        (Some(false), Some(true))
    );
    // Another dealer of the group sees none of them, and cannot check or read one.
    let other = list(&app, "nb.workshop").await;
    let id = v["id"].as_str().unwrap();
    assert!(
        other["vehicles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["id"] != id && !o["plate"].as_str().unwrap().starts_with("浙A")),
        "{other}"
    );
    let (status, _) = app
        .post(
            &app.token("nb.tech"),
            &format!("/api/v1/rescue-vehicles/{id}/checks"),
            &passed(),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get_json(
            &app.token("nb.workshop"),
            &format!("/api/v1/rescue-vehicles/{id}/checks"),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get_json(&app.token("hz.parts"), "/api/v1/rescue-vehicles")
        .await;
    assert_eq!(status, 403, "the parts desk has no say in vehicles");
    let (status, e) = app
        .get_json(
            &app.token("hz.workshop"),
            "/api/v1/rescue-vehicles/not-an-id/checks",
        )
        .await;
    assert_eq!((status, fields(&e)), (400, vec!["id".to_owned()]), "{e}");
}

both!(
    a_failed_check_holds_the_vehicle_back_until_one_passes,
    check_body
);
async fn check_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let before = list(&app, "hz.agent").await;
    let (_, v) = app
        .post(&app.token("hz.workshop"), "/api/v1/rescue-vehicles", &van())
        .await;
    let id = v["id"].as_str().unwrap().to_owned();
    let checks = format!("/api/v1/rescue-vehicles/{id}/checks");

    let (status, e) = app.post(&app.token("hz.agent"), &checks, &passed()).await;
    assert_eq!(status, 403, "{e}");
    // An unanswered item is not a pass; a failure needs a note.
    let (status, e) = app
        .post(&app.token("hz.tech"), &checks, &json!({"fuel": true}))
        .await;
    assert_eq!(status, 400, "{e}");
    assert_eq!(
        fields(&e),
        ["lights", "tool_kit", "tyre_pressure", "water"],
        "{e}"
    );
    let mut failed = passed();
    failed["tyre_pressure"] = json!(false);
    let (status, e) = app.post(&app.token("hz.tech"), &checks, &failed).await;
    assert_eq!((status, fields(&e)), (400, vec!["note".to_owned()]), "{e}");
    let (_, h) = app.get_json(&app.token("hz.workshop"), &checks).await;
    assert_eq!(h["checks"], json!([]), "refused checks write nothing: {h}");

    failed["note"] = json!("左前胎气压低");
    let (status, v) = app.post(&app.token("hz.tech"), &checks, &failed).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["readiness"], "check_failed", "{v}");
    assert_eq!(v["latest_check"]["note"], "左前胎气压低");
    assert_eq!(
        v["latest_check"]["checked_by_name"], "杭州tech",
        "the checker, by name"
    );

    let (status, v) = app
        .post(&app.token("hz.workshop"), &checks, &passed())
        .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["readiness"], "ready", "{v}");
    let l = list(&app, "hz.agent").await;
    assert_eq!(
        (count(&l, "ready"), count(&l, "not_ready")),
        (count(&before, "ready") + 1, count(&before, "not_ready")),
        "{l}"
    );
    assert_eq!(find(&l, &id)["readiness"], "ready");

    // The latest check decides: one passed a day and a half ago is overdue.
    app.db
        .write_blocking({
            let id = id.clone();
            move |conn| {
                use diesel::prelude::*;
                use rescuedesk::db::schema::vehicle_checks as c;
                let old = chrono::Utc::now().naive_utc() - chrono::Duration::hours(36);
                let mine = c::vehicle_id.eq(id);
                diesel::update(c::table.filter(mine.clone()).filter(c::passed.eq(true)))
                    .set(c::checked_at.eq(old))
                    .execute(conn)?;
                let older = old - chrono::Duration::hours(1);
                diesel::update(c::table.filter(mine).filter(c::passed.eq(false)))
                    .set(c::checked_at.eq(older))
                    .execute(conn)?;
                Ok(())
            }
        })
        .unwrap();
    let l = list(&app, "hz.agent").await;
    assert_eq!(find(&l, &id)["readiness"], "check_overdue", "{l}");

    // The history, newest first, paged without counting.
    let (status, h) = app
        .get_json(&app.token("hz.workshop"), &format!("{checks}?per_page=1"))
        .await;
    assert_eq!(status, 200, "{h}");
    assert_eq!(h["checks"].as_array().unwrap().len(), 1);
    assert_eq!(h["checks"][0]["passed"], true);
    assert_eq!(h["more"], true);
    let (_, h) = app
        .get_json(
            &app.token("hz.workshop"),
            &format!("{checks}?per_page=1&page=2"),
        )
        .await;
    assert_eq!(h["checks"][0]["passed"], false, "{h}");
    assert_eq!(h["more"], false);
    let (status, h) = app
        .get_json(
            &app.token("hz.workshop"),
            &format!("{checks}?per_page=1000"),
        )
        .await;
    // Bounded as the document says (1 to 100), and refused beyond, as on the ticket list.
    assert_eq!(status, 400, "{h}");
    assert!(h["fields"]["per_page"].is_string(), "{h}");

    // Each registration and check is in the audit trail.
    let events: i64 = app
        .db
        .read_blocking(move |conn| {
            use diesel::prelude::*;
            use rescuedesk::db::schema::audit_events;
            Ok(audit_events::table
                .filter(audit_events::entity.eq("rescue_vehicle"))
                .filter(audit_events::entity_id.eq(id))
                .count()
                .get_result(conn)?)
        })
        .unwrap();
    assert_eq!(events, 3);
}
