//! Sourcing orders over HTTP: a sister transfer whose stock moves exactly once (even when the
//! receipt is posted twice at the same moment), monitored parts blocked until reviewed, shipping
//! rules on forced choices, a fault mismatch holding orders until the revised plan carries or
//! cancels them, and re-planning cancelling what is no longer needed.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, page_text, plan_body, Backend, TestApp};
use crate::stock::set_stock_at;

/// (on hand, reserved) of a part at a dealer by code.
fn stock_at(app: &TestApp, code: &'static str, part: &'static str) -> (i32, i32) {
    app.db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::{dealers, stock};
            let dealer: String = dealers::table
                .filter(dealers::code.eq(code))
                .select(dealers::id)
                .first(conn)?;
            Ok(stock::table
                .filter(stock::dealer_id.eq(dealer))
                .filter(stock::part_id.eq(part))
                .select((stock::on_hand, stock::reserved))
                .first(conn)
                .optional()?
                .unwrap_or((0, 0)))
        })
        .unwrap()
}

pub(crate) async fn ok(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (status, res) = app.post(token, path, &body).await;
    assert!(
        status == 200 || status == 201,
        "POST {path} {body}: {status} {res}"
    );
    res
}

/// A ticket whose director-approved plan v1 needs one `part` besides the usual battery and fuses.
pub(crate) async fn approved_with(app: &TestApp, part: &str) -> String {
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &intake_body())
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().unwrap().to_owned();
    let mut plan = plan_body();
    plan["parts"]
        .as_array_mut()
        .unwrap()
        .push(json!({"part_id": part, "quantity": 1}));
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    let (status, res) = app.put(&app.token("hz.workshop"), &p("/plan"), &plan).await;
    assert_eq!(status, 200, "{res}");
    let (manager, director) = (app.token("hz.manager"), app.token("hz.director"));
    ok(
        app,
        &app.token("hz.workshop"),
        &p("/plan/submit"),
        json!({"version": 1}),
    )
    .await;
    ok(app, &manager, &p("/review"), json!({"decision": "accept"})).await;
    ok(
        app,
        &manager,
        &p("/consent"),
        json!({"plan_version": 1, "agreed": true}),
    )
    .await;
    ok(
        app,
        &director,
        &p("/approval"),
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    id
}

/// The id of the sister dealer the sourcing report offers for a part.
pub(crate) async fn sister_offering(
    app: &TestApp,
    token: &str,
    ticket: &str,
    part: &str,
) -> String {
    let (_, report) = app
        .get_json(token, &format!("/api/v1/tickets/{ticket}/sourcing"))
        .await;
    let line = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["part_id"] == part)
        .unwrap_or_else(|| panic!("{part} is short: {report}"));
    line["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "sister_transfer")
        .unwrap_or_else(|| panic!("a sister dealer is offered: {line}"))["source_dealer_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

both!(a_sister_transfer_moves_stock_exactly_once, transfer_body);
async fn transfer_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    set_stock_at(&app, "nb", "airbag", 2);
    let id = approved_with(&app, "airbag").await;
    let (parts, tech) = (app.token("hz.parts"), app.token("hz.tech"));
    let t = |s: &str| format!("/api/v1/tickets/{id}{s}");
    // The crew leaves with what the dealer has; the airbag follows.
    ok(&app, &tech, &t("/depart"), json!({})).await;

    let nb = sister_offering(&app, &parts, &id, "airbag").await;
    // Forcing air for an airbag (UN3268) is refused with its code; nothing is written.
    let (status, err) = app
        .post(
            &parts,
            &t("/sourcing-orders"),
            &json!({"part_id": "airbag", "kind": "sister_transfer", "source_dealer_id": nb, "mode": "air"}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (422, Some("dangerous_goods_no_air")),
        "{err}"
    );
    assert_eq!(app.count("sourcing_orders"), 0);
    // Technicians do not order parts.
    let (status, _) = app
        .post(&tech, &t("/sourcing-orders"), &json!({"part_id": "airbag"}))
        .await;
    assert_eq!(status, 403);

    let order = ok(
        &app,
        &parts,
        &t("/sourcing-orders"),
        json!({"part_id": "airbag", "kind": "sister_transfer", "source_dealer_id": nb, "mode": "express"}),
    )
    .await;
    assert_eq!(order["status"], "proposed");
    assert_eq!(
        order["destination"], "site",
        "the crew is out: straight to the site"
    );
    let o = |s: &str| {
        format!(
            "/api/v1/sourcing-orders/{}{s}",
            order["id"].as_str().unwrap()
        )
    };
    // The line is covered by the order now: a second one is refused.
    let (status, err) = app
        .post(
            &parts,
            &t("/sourcing-orders"),
            &json!({"part_id": "airbag"}),
        )
        .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (409, Some("over_issue")),
        "{err}"
    );

    ok(&app, &parts, &o("/place"), json!({})).await;
    assert_eq!(
        stock_at(&app, "nb", "airbag"),
        (2, 1),
        "held at the sister dealer"
    );
    // Express is slower than the crew: the customer is told, with the dangerous-goods sentence.
    let delay: i64 =
        app.count("outbox WHERE template = 'customer_parts_delay' AND body_text LIKE '%危险品%'");
    assert_eq!(delay, 1);
    // The customer's status page says when the part is due.
    let sms = crate::links::message_to(&app, "customer_parts_delay", "");
    let code = crate::links::code_in(&sms, 's');
    let page = page_text(&app.client, &app, &format!("/s/{code}")).await;
    assert!(page.contains("id=\"parts-eta\""), "{page}");

    let (status, err) = app
        .post(&parts, &o("/ship"), &json!({"carrier": "顺丰"}))
        .await;
    assert_eq!(status, 400, "express needs a waybill: {err}");
    ok(
        &app,
        &parts,
        &o("/ship"),
        json!({"carrier": "顺丰", "tracking_no": "SF1234567890"}),
    )
    .await;

    // Two receipts at once (a double click, a retry): one counts, the other is refused.
    let (receipt, empty) = (o("/receive"), json!({}));
    let (a, b) = futures::join!(
        app.post(&parts, &receipt, &empty),
        app.post(&parts, &receipt, &empty)
    );
    let mut codes = [a.0, b.0];
    codes.sort();
    assert_eq!(codes, [200, 409], "{a:?} {b:?}");
    let (status, _) = app.post(&parts, &o("/receive"), &json!({})).await;
    assert_eq!(status, 409, "and once more, later");
    assert_eq!(stock_at(&app, "nb", "airbag"), (1, 0), "left Ningbo once");
    assert_eq!(
        stock_at(&app, "hz", "airbag"),
        (1, 1),
        "arrived once, held for the plan"
    );

    let (_, report) = app.get_json(&parts, &t("/sourcing")).await;
    let line = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["part_id"] == "airbag")
        .unwrap()
        .clone();
    assert_eq!(
        (line["short"].as_i64(), line["covered_here"].as_i64()),
        (Some(0), Some(1))
    );
    assert_eq!(report["orders"][0]["status"], "received");
    assert_eq!(report["orders"][0]["tracking_no"], "SF1234567890");

    ok(
        &app,
        &parts,
        &t("/parts-issues"),
        json!({"plan_version": 1, "lines": [{"part_id": "airbag", "quantity": 1}]}),
    )
    .await;
    assert_eq!(stock_at(&app, "hz", "airbag"), (0, 0));
    ok(&app, &tech, &t("/arrive"), json!({})).await;
    ok(
        &app,
        &tech,
        &t("/resolve"),
        json!({"work_done": "更换气囊", "parts_used": [{"part_id": "airbag", "quantity": 1}], "signature": crate::photos::SIGNATURE}),
    )
    .await;
    let (_, report) = app.get_json(&parts, &t("/sourcing")).await;
    assert_eq!(report["orders"][0]["status"], "consumed");
    assert_eq!(stock_at(&app, "nb", "airbag"), (1, 0));
    assert_eq!(stock_at(&app, "hz", "airbag"), (0, 0), "used, not returned");
    // The journey is on the ticket's timeline.
    let (_, timeline) = app.get_json(&parts, &t("/timeline")).await;
    let kinds: Vec<&str> = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|k| k.starts_with("sourcing."))
        .collect();
    assert_eq!(
        kinds,
        [
            "sourcing.proposed",
            "sourcing.placed",
            "sourcing.shipped",
            "sourcing.received"
        ]
    );
}

/// An approved ticket needing `part`, which only the sister dealer nb has (`at_nb` units), and
/// the order the parts desk proposed for it: (ticket id, order).
pub(crate) async fn proposed_order(
    app: &TestApp,
    part: &'static str,
    at_nb: i32,
) -> (String, Value) {
    set_stock_at(app, "nb", part, at_nb);
    let id = approved_with(app, part).await;
    let order = ok(
        app,
        &app.token("hz.parts"),
        &format!("/api/v1/tickets/{id}/sourcing-orders"),
        json!({"part_id": part}),
    )
    .await;
    (id, order)
}

both!(a_monitored_part_waits_for_its_review, monitored_body);
async fn monitored_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, order) = proposed_order(&app, "key", 1).await;
    let parts = app.token("hz.parts");
    assert_eq!(order["destination"], "dealer", "the crew has not left yet");
    // The parts manager and the director are asked for the review.
    let asked: i64 =
        app.count("outbox WHERE template = 'part_review' AND body_text LIKE '%5G0 959 753 AB%'");
    assert_eq!(asked, 2, "one to hz.partsmgr, one to hz.director");
    let o = |s: &str| {
        format!(
            "/api/v1/sourcing-orders/{}{s}",
            order["id"].as_str().unwrap()
        )
    };
    let (status, err) = app.post(&parts, &o("/place"), &json!({})).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (409, Some("monitored_part_review_required")),
        "{err}"
    );
    assert_eq!(
        stock_at(&app, "nb", "key"),
        (1, 0),
        "nothing held before the review"
    );
    let (status, _) = app
        .post(
            &parts,
            &o("/review"),
            &json!({"vin_checked": true, "owner_checked": true}),
        )
        .await;
    assert_eq!(
        status, 403,
        "the parts desk does not sign off its own order"
    );
    let manager = app.token("hz.partsmgr");
    let (status, err) = app
        .post(&manager, &o("/review"), &json!({"vin_checked": true}))
        .await;
    assert_eq!(status, 400);
    assert!(err["fields"]["owner_checked"].is_string(), "{err}");
    let reviewed = ok(
        &app,
        &manager,
        &o("/review"),
        json!({"vin_checked": true, "owner_checked": true, "note": "行驶证与身份证一致"}),
    )
    .await;
    assert_eq!(reviewed["status"], "reviewed");
    assert!(reviewed["reviewed_by"].is_string());
    ok(&app, &parts, &o("/place"), json!({})).await;
    assert_eq!(stock_at(&app, "nb", "key"), (1, 1));
    let (status, _) = app.post(&parts, &o("/cancel"), &json!({})).await;
    assert_eq!(status, 400, "a cancellation needs a reason");
    let cancelled = ok(
        &app,
        &parts,
        &o("/cancel"),
        json!({"reason": "客户自行配钥匙"}),
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(stock_at(&app, "nb", "key"), (1, 0), "the hold is released");
    // Another dealer's staff cannot work the order (the source dealer may only ship it).
    let (status, _) = app
        .post(&app.token("nb.parts"), &o("/place"), &json!({}))
        .await;
    assert_eq!(status, 404);
}

/// The crew on site, and Ningbo's only airbag ordered and placed for them; returns the ticket id.
async fn airbag_placed_with_crew_on_site(app: &TestApp) -> String {
    set_stock_at(app, "nb", "airbag", 1);
    let id = approved_with(app, "airbag").await;
    let (parts, tech) = (app.token("hz.parts"), app.token("hz.tech"));
    let t = |s: &str| format!("/api/v1/tickets/{id}{s}");
    ok(app, &tech, &t("/depart"), json!({})).await;
    ok(app, &tech, &t("/arrive"), json!({})).await;
    let order = ok(
        app,
        &parts,
        &t("/sourcing-orders"),
        json!({"part_id": "airbag"}),
    )
    .await;
    let oid = order["id"].as_str().unwrap();
    ok(
        app,
        &parts,
        &format!("/api/v1/sourcing-orders/{oid}/place"),
        json!({}),
    )
    .await;
    id
}

both!(replanning_cancels_orders_no_longer_needed, replan_body);
async fn replan_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = airbag_placed_with_crew_on_site(&app).await;
    let (parts, tech, workshop) = (
        app.token("hz.parts"),
        app.token("hz.tech"),
        app.token("hz.workshop"),
    );
    let t = |s: &str| format!("/api/v1/tickets/{id}{s}");
    assert_eq!(stock_at(&app, "nb", "airbag"), (1, 1));
    // On site the airbag turns out fine: the new plan has no airbag.
    crate::photos::fault_photo(&app, &id).await;
    ok(
        &app,
        &tech,
        &t("/mismatch"),
        json!({"reason": "气囊正常，仅保险丝烧断"}),
    )
    .await;
    let (_, report) = app.get_json(&parts, &t("/sourcing")).await;
    assert!(report["orders"][0]["held_at"].is_string(), "{report}");
    let (_, v2) = app.put(&workshop, &t("/plan"), &plan_body()).await;
    assert_eq!(v2["version"], 2);
    ok(&app, &workshop, &t("/plan/submit"), json!({"version": 2})).await;
    let (_, report) = app.get_json(&parts, &t("/sourcing")).await;
    assert_eq!(report["orders"][0]["status"], "cancelled", "{report}");
    assert!(
        report["orders"][0]["held_at"].is_null(),
        "the hold ends with the order"
    );
    assert_eq!(
        stock_at(&app, "nb", "airbag"),
        (1, 0),
        "Ningbo's unit is free again"
    );
}

both!(the_parts_desk_queue_shows_what_holds_tickets_up, queue_body);
async fn queue_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = approved_with(&app, "airbag").await;
    let (status, q) = app
        .get_json(&app.token("hz.parts"), "/api/v1/parts-desk/queue")
        .await;
    assert_eq!(status, 200, "{q}");
    let row = q
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ticket_id"] == id.as_str())
        .unwrap();
    assert_eq!(
        row["held_up_by"], "5G0 880 201 K",
        "nobody has the airbag yet"
    );
    assert_eq!(row["unsourced"], 1);
    assert_eq!(row["to_issue"], 2, "battery and fuses wait here");
    let (status, _) = app
        .get_json(&app.token("hz.tech"), "/api/v1/parts-desk/queue")
        .await;
    assert_eq!(status, 403);
    let (_, other) = app
        .get_json(&app.token("nb.parts"), "/api/v1/parts-desk/queue")
        .await;
    assert_eq!(other, json!([]), "another dealer's desk sees none of it");
}

both!(the_parts_desk_pages_source_a_missing_part, pages_body);
async fn pages_body(backend: Backend) {
    use crate::pages::{csrf_of, signed_in};
    let app = TestApp::spawn(backend).await;
    set_stock_at(&app, "nb", "airbag", 2);
    let id = approved_with(&app, "airbag").await;
    let desk = signed_in(&app, "hz.parts").await;
    let get = |path: String| {
        let desk = desk.clone();
        let url = app.url(&path);
        async move {
            let res = desk.get(url).send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let (status, queue) = get("/parts".into()).await;
    assert_eq!(status, 200);
    assert!(
        queue.contains(&format!("/tickets/{id}/parts")),
        "the ticket is queued"
    );
    assert!(queue.contains("缺货未寻源"));
    let (status, page) = get(format!("/tickets/{id}/parts")).await;
    assert_eq!(status, 200);
    assert!(page.contains("推荐"), "a recommendation is shown");
    assert!(
        page.contains("不能空运"),
        "the dangerous-goods sentence for the customer"
    );
    assert!(page.contains("宁波测试4S店"));
    let csrf = csrf_of(&page);
    let act = app.url(&format!("/tickets/{id}/parts/act/propose"));
    // A hand-made form forcing air is refused on the page, and nothing is written.
    let res = desk
        .post(&act)
        .form(&[
            ("csrf", csrf.as_str()),
            ("part_id", "airbag"),
            ("kind", "manufacturer"),
            ("mode", "air"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("危险品不能空运"));
    assert_eq!(app.count("sourcing_orders"), 0);
    // The recommendation, to the dealer.
    let res = desk
        .post(&act)
        .form(&[
            ("csrf", csrf.as_str()),
            ("part_id", "airbag"),
            ("destination", "dealer"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "post, redirect, get");
    let (_, page) = get(format!("/tickets/{id}/parts")).await;
    assert!(
        page.contains("data-status=\"proposed\""),
        "the order is listed"
    );
    assert!(page.contains("place-form"), "with its next step");
    let (_, ticket) = get(format!("/tickets/{id}")).await;
    assert!(ticket.contains("id=\"parts-journey\""));
    assert!(ticket.contains("data-status=\"proposed\""));
    // In English the part goes by its English name on both pages.
    desk.get(app.url("/lang/en")).send().await.unwrap();
    for path in ["/parts".to_owned(), format!("/tickets/{id}/parts")] {
        let (_, page) = get(path.clone()).await;
        assert!(
            page.contains("<span class=\"mono\">5G0 880 201 K</span> airbag ×"),
            "{path}: {page}"
        );
        assert!(!page.contains("驾驶员安全气囊"), "{path}: {page}");
    }
    let tech = signed_in(&app, "hz.tech").await;
    let res = tech.get(app.url("/parts")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    // The refusal names the parts desk, not vehicle history.
    tech.get(app.url("/lang/en")).send().await.unwrap();
    let res = tech.get(app.url("/parts")).send().await.unwrap();
    let text = res.text().await.unwrap();
    assert!(text.contains("view the parts desk"), "{text}");
    // The call centre takes calls; it has no business on the parts desk.
    let agent = signed_in(&app, "hz.agent").await;
    for path in ["/parts".to_owned(), format!("/tickets/{id}/parts")] {
        let res = agent.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 403, "{path}");
    }
}

both!(
    the_issue_form_offers_only_what_is_on_the_shelf,
    issue_offer_body
);
async fn issue_offer_body(backend: Backend) {
    use crate::pages::{csrf_of, signed_in};
    let app = TestApp::spawn(backend).await;
    // The airbag is nowhere in this dealer's stock; the battery and the fuses are.
    let id = approved_with(&app, "airbag").await;
    let desk = signed_in(&app, "hz.parts").await;
    let page = crate::helpers::page_text(&desk, &app, &format!("/tickets/{id}")).await;
    assert!(page.contains("name=\"qty:airbag\" value=\"0\""), "{page}");
    assert!(page.contains("name=\"qty:battery\" value=\"1\""), "{page}");
    assert!(page.contains("name=\"qty:fuse\" value=\"2\""), "{page}");
    // Sent as offered, the shelf's parts go out and the missing one waits.
    let res = desk
        .post(app.url(&format!("/tickets/{id}/act/issue")))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("plan_version", "1"),
            ("qty:airbag", "0"),
            ("qty:battery", "1"),
            ("qty:fuse", "2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
    assert_eq!(app.count("part_issues"), 2, "battery and fuses handed out");
}

both!(replanning_keeps_orders_still_needed, keep_body);
async fn keep_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = airbag_placed_with_crew_on_site(&app).await;
    let (parts, tech, workshop) = (
        app.token("hz.parts"),
        app.token("hz.tech"),
        app.token("hz.workshop"),
    );
    let t = |s: &str| format!("/api/v1/tickets/{id}{s}");
    crate::photos::fault_photo(&app, &id).await;
    ok(
        &app,
        &tech,
        &t("/mismatch"),
        json!({"reason": "还需更换保险丝盒"}),
    )
    .await;
    // The new plan still needs the airbag: the order follows it to the new line.
    let mut plan = plan_body();
    plan["parts"] =
        json!([{"part_id": "fuse", "quantity": 3}, {"part_id": "airbag", "quantity": 1}]);
    let (_, v2) = app.put(&workshop, &t("/plan"), &plan).await;
    assert_eq!(v2["version"], 2);
    ok(&app, &workshop, &t("/plan/submit"), json!({"version": 2})).await;
    let (_, report) = app.get_json(&parts, &t("/sourcing")).await;
    assert_eq!(report["orders"][0]["status"], "placed", "{report}");
    assert!(
        report["orders"][0]["held_at"].is_null(),
        "the new plan decided: the hold is off"
    );
    let new_line: String = app
        .db
        .read_blocking(|conn| {
            use rescuedesk::db::schema::{plan_parts, plans};
            Ok(plan_parts::table
                .inner_join(plans::table)
                .filter(plans::version.eq(2))
                .filter(plan_parts::part_id.eq("airbag"))
                .select(plan_parts::id)
                .first(conn)?)
        })
        .unwrap();
    assert_eq!(report["orders"][0]["plan_part_id"], new_line.as_str());
    let airbag = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["part_id"] == "airbag")
        .unwrap()
        .clone();
    assert_eq!(
        (airbag["on_the_way"].as_i64(), airbag["short"].as_i64()),
        (Some(1), Some(0)),
        "nothing new to source"
    );
    assert_eq!(
        stock_at(&app, "nb", "airbag"),
        (1, 1),
        "still held at Ningbo"
    );
}

both!(
    the_sending_dealer_sees_and_ships_its_transfer,
    outgoing_body
);
async fn outgoing_body(backend: Backend) {
    use crate::pages::{csrf_of, signed_in};
    let app = TestApp::spawn(backend).await;
    set_stock_at(&app, "nb", "airbag", 1);
    let id = approved_with(&app, "airbag").await;
    let (hz, nb) = (app.token("hz.parts"), app.token("nb.parts"));
    let t = |s: &str| format!("/api/v1/tickets/{id}{s}");
    let nb_id = sister_offering(&app, &hz, &id, "airbag").await;
    let order = ok(
        &app,
        &hz,
        &t("/sourcing-orders"),
        json!({"part_id": "airbag", "kind": "sister_transfer", "source_dealer_id": nb_id, "mode": "express"}),
    )
    .await;
    let oid = order["id"].as_str().unwrap().to_owned();
    let (_, before) = app.get_json(&nb, "/api/v1/parts-desk/outgoing").await;
    assert_eq!(before, json!([]), "nothing to send before it is placed");
    ok(
        &app,
        &hz,
        &format!("/api/v1/sourcing-orders/{oid}/place"),
        json!({}),
    )
    .await;
    // Ningbo's parts desk (one user) is texted to send it.
    let texted: i64 = app.count(
        "outbox WHERE template = 'transfer_to_send' AND body_text LIKE '%5G0 880 201 K%' AND body_text LIKE '%杭州测试4S店%'",
    );
    assert_eq!(texted, 1);
    let (status, out) = app.get_json(&nb, "/api/v1/parts-desk/outgoing").await;
    assert_eq!(status, 200);
    assert_eq!(out.as_array().unwrap().len(), 1, "{out}");
    assert_eq!(out[0]["id"], oid.as_str());
    assert_eq!(out[0]["to_dealer"], "杭州测试4S店");
    let (_, mine) = app.get_json(&hz, "/api/v1/parts-desk/outgoing").await;
    assert_eq!(mine, json!([]), "the requesting dealer sends nothing");
    // The sending dealer may record the shipping, and nothing else about the order or ticket.
    let (status, _) = app
        .post(
            &nb,
            &format!("/api/v1/sourcing-orders/{oid}/receive"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(&nb, &t("")).await;
    assert_eq!(status, 404);
    let desk = signed_in(&app, "nb.parts").await;
    let page = page_text(&desk, &app, "/parts").await;
    assert!(
        page.contains(&format!("/parts/outgoing/{oid}/ship")),
        "{page}"
    );
    let res = desk
        .post(app.url(&format!("/parts/outgoing/{oid}/ship")))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("carrier", "顺丰速运"),
            ("tracking_no", "SF0000000001"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let (_, report) = app.get_json(&hz, &t("/sourcing")).await;
    assert_eq!(report["orders"][0]["status"], "shipped");
    assert_eq!(report["orders"][0]["tracking_no"], "SF0000000001");
    let (_, after) = app.get_json(&nb, "/api/v1/parts-desk/outgoing").await;
    assert_eq!(after, json!([]), "sent: off the list");
}

both!(
    a_mismatch_holds_open_orders_and_tells_the_parts_desk,
    mismatch_hold_body
);
async fn mismatch_hold_body(backend: Backend) {
    use crate::pages::signed_in;
    let app = TestApp::spawn(backend).await;
    set_stock_at(&app, "nb", "airbag", 1);
    set_stock_at(&app, "nb", "key", 1);
    // Plan v1 needs an airbag and a key besides battery and fuses; neither is in Hangzhou.
    let t0: Value = app
        .post_ticket(&app.token("hz.agent"), &intake_body())
        .await
        .json()
        .await
        .unwrap();
    let id = t0["id"].as_str().unwrap().to_owned();
    let t = |s: &str| format!("/api/v1/tickets/{id}{s}");
    let mut plan = plan_body();
    plan["parts"] = json!([
        {"part_id": "battery", "quantity": 1}, {"part_id": "fuse", "quantity": 2},
        {"part_id": "airbag", "quantity": 1}, {"part_id": "key", "quantity": 1}
    ]);
    let (manager, director, workshop) = (
        app.token("hz.manager"),
        app.token("hz.director"),
        app.token("hz.workshop"),
    );
    let (parts, tech, nb) = (
        app.token("hz.parts"),
        app.token("hz.tech"),
        app.token("nb.parts"),
    );
    let (status, res) = app.put(&workshop, &t("/plan"), &plan).await;
    assert_eq!(status, 200, "{res}");
    ok(&app, &workshop, &t("/plan/submit"), json!({"version": 1})).await;
    ok(&app, &manager, &t("/review"), json!({"decision": "accept"})).await;
    ok(
        &app,
        &manager,
        &t("/consent"),
        json!({"plan_version": 1, "agreed": true}),
    )
    .await;
    ok(
        &app,
        &director,
        &t("/approval"),
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    ok(&app, &tech, &t("/depart"), json!({})).await;
    ok(&app, &tech, &t("/arrive"), json!({})).await;
    // The airbag is placed with Ningbo; the key is chosen but waits for its review.
    let nb_id = sister_offering(&app, &parts, &id, "airbag").await;
    let airbag = ok(
        &app,
        &parts,
        &t("/sourcing-orders"),
        json!({"part_id": "airbag", "kind": "sister_transfer", "source_dealer_id": nb_id, "mode": "express"}),
    )
    .await;
    let airbag = airbag["id"].as_str().unwrap().to_owned();
    let key = ok(
        &app,
        &parts,
        &t("/sourcing-orders"),
        json!({"part_id": "key"}),
    )
    .await;
    let key = key["id"].as_str().unwrap().to_owned();
    let o = |id: &str, s: &str| format!("/api/v1/sourcing-orders/{id}{s}");
    ok(&app, &parts, &o(&airbag, "/place"), json!({})).await;
    assert_eq!(stock_at(&app, "nb", "airbag"), (1, 1));
    let held_texts = |app: &TestApp| {
        app.count("outbox WHERE template = 'orders_held' AND body_text LIKE '%5G0 880 201 K%'")
    };
    assert_eq!(held_texts(&app), 0);

    crate::photos::fault_photo(&app, &id).await;
    ok(
        &app,
        &tech,
        &t("/mismatch"),
        json!({"reason": "起动机损坏，气囊正常"}),
    )
    .await;
    // Both orders are held; their statuses stay as they were.
    let (_, report) = app.get_json(&parts, &t("/sourcing")).await;
    let order = |id: &str| {
        report["orders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(order(&airbag)["status"], "placed", "{report}");
    assert_eq!(order(&key)["status"], "proposed");
    assert!(order(&airbag)["held_at"].is_string() && order(&key)["held_at"].is_string());
    assert_eq!(
        stock_at(&app, "nb", "airbag"),
        (1, 1),
        "Ningbo still holds it"
    );
    // Told at once: our parts desk and parts manager, and Ningbo's desk which is to send the airbag.
    assert_eq!(held_texts(&app), 3);
    assert_eq!(
        app.count("outbox WHERE template = 'orders_held' AND body_text LIKE '%5G0 959 753 AB%'"),
        2,
        "the key is ours alone to hold"
    );
    // Nothing held moves: not the placing, not the sending (by us or by Ningbo).
    for (who, path) in [
        (&parts, o(&key, "/place")),
        (&parts, o(&airbag, "/ship")),
        (&nb, o(&airbag, "/ship")),
    ] {
        let body = json!({"carrier": "顺丰", "tracking_no": "SF1"});
        let (status, err) = app.post(who, &path, &body).await;
        assert_eq!(
            (status, err["error"].as_str()),
            (409, Some("invalid_transition")),
            "{path}: {err}"
        );
        assert!(err["message"].as_str().unwrap().contains("暂停"), "{err}");
    }
    let (status, err) = app
        .post(
            &app.token("hz.partsmgr"),
            &o(&key, "/review"),
            &json!({"vin_checked": true, "owner_checked": true}),
        )
        .await;
    assert_eq!(status, 409, "{err}");
    // The queue and both dealers' pages say so.
    let (_, q) = app.get_json(&parts, "/api/v1/parts-desk/queue").await;
    let row = q
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ticket_id"] == id.as_str())
        .unwrap();
    let line = |p: &str| {
        row["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["part_id"] == p)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            line("airbag")["held"].as_i64(),
            line("key")["held"].as_i64()
        ),
        (Some(1), Some(1)),
        "{row}"
    );
    let page = |login: &'static str, path: String| {
        let app = &app;
        async move { page_text(&signed_in(app, login).await, app, &path).await }
    };
    let desk = page("hz.parts", format!("/tickets/{id}/parts")).await;
    assert!(desk.contains("暂停，待新方案"), "{desk}");
    assert!(!desk.contains("place-form"), "no placing a held order");
    let queue = page("hz.parts", "/parts".into()).await;
    assert!(queue.contains("class=\"badge warn held\""), "{queue}");
    let outgoing = page("nb.parts", "/parts".into()).await;
    assert!(outgoing.contains(&format!("data-order-id=\"{airbag}\"")));
    assert!(outgoing.contains("请勿发出"), "{outgoing}");
    assert!(!outgoing.contains(&format!("/parts/outgoing/{airbag}/ship")));

    // The revised plan still needs the airbag but not the key: one carried on, one cancelled.
    let mut v2 = plan_body();
    v2["parts"] = json!([{"part_id": "fuse", "quantity": 2}, {"part_id": "airbag", "quantity": 1}]);
    let (status, res) = app.put(&workshop, &t("/plan"), &v2).await;
    assert_eq!(status, 200, "{res}");
    ok(&app, &workshop, &t("/plan/submit"), json!({"version": 2})).await;
    let (_, report) = app.get_json(&parts, &t("/sourcing")).await;
    let order = |id: &str| {
        report["orders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(order(&airbag)["status"], "placed", "{report}");
    assert!(order(&airbag)["held_at"].is_null(), "{report}");
    assert_eq!(order(&key)["status"], "cancelled");
    assert_eq!(
        stock_at(&app, "nb", "airbag"),
        (1, 1),
        "still Ningbo's to send"
    );
    assert_eq!(stock_at(&app, "nb", "key"), (1, 0), "never held there");
    // Ningbo may send it now.
    ok(
        &app,
        &nb,
        &o(&airbag, "/ship"),
        json!({"carrier": "顺丰", "tracking_no": "SF0000000002"}),
    )
    .await;
    let (_, timeline) = app.get_json(&parts, &t("/timeline")).await;
    assert!(
        timeline["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "sourcing.held"),
        "{timeline}"
    );
}

/// A ticket whose plan v1 (battery, fuses and `extra` if given) waits for the customer's consent.
pub(crate) async fn awaiting_consent(app: &TestApp, extra: Option<&str>) -> String {
    let t0: Value = app
        .post_ticket(&app.token("hz.agent"), &intake_body())
        .await
        .json()
        .await
        .unwrap();
    let id = t0["id"].as_str().unwrap().to_owned();
    let mut plan = plan_body();
    if let Some(part) = extra {
        plan["parts"]
            .as_array_mut()
            .unwrap()
            .push(json!({"part_id": part, "quantity": 1}));
    }
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    let workshop = app.token("hz.workshop");
    let (status, res) = app.put(&workshop, &p("/plan"), &plan).await;
    assert_eq!(status, 200, "{res}");
    ok(app, &workshop, &p("/plan/submit"), json!({"version": 1})).await;
    ok(
        app,
        &app.token("hz.manager"),
        &p("/review"),
        json!({"decision": "accept"}),
    )
    .await;
    id
}

/// The told values stored with the customer's consent.
pub(crate) async fn stored_consent(app: &TestApp, id: &str) -> Value {
    let (_, d) = app
        .get_json(&app.token("hz.manager"), &format!("/api/v1/tickets/{id}"))
        .await;
    let consent = d["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["step"] == "customer_consent")
        .unwrap_or_else(|| panic!("a consent is stored: {d}"))
        .clone();
    serde_json::from_str(consent["told_values"].as_str().unwrap()).unwrap()
}

pub(crate) fn utc(v: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("a time: {v}")))
        .unwrap()
        .to_utc()
}

/// The consent script's text (tags dropped), from the ticket page.
pub(crate) fn consent_script(page: &str) -> String {
    let start = page
        .find("id=\"consent-script\"")
        .unwrap_or_else(|| panic!("a consent script: {page}"));
    let end = start + page[start..].find("</div>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for ch in page[start..end].chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The dealer's wall-clock time as the page writes it, and the minute either side of it (the
/// page and the report are computed a moment apart).
pub(crate) fn local_minutes(at: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    (-1..=1)
        .map(|m| {
            (at + chrono::Duration::hours(8) + chrono::Duration::minutes(m))
                .format("%m-%d %H:%M")
                .to_string()
        })
        .collect()
}

both!(
    the_consent_call_says_when_the_car_can_be_fixed,
    consent_fix_body
);
async fn consent_fix_body(backend: Backend) {
    use crate::pages::{csrf_of, signed_in};
    let app = TestApp::spawn(backend).await;
    let manager = signed_in(&app, "hz.manager").await;
    let page_of = |id: &str| {
        let (manager, url) = (manager.clone(), app.url(&format!("/tickets/{id}")));
        async move { manager.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let report_fix = |id: &str| {
        let path = format!("/api/v1/tickets/{id}/sourcing");
        let app = &app;
        async move {
            let (status, r) = app.get_json(&app.token("hz.parts"), &path).await;
            assert_eq!(status, 200, "{r}");
            utc(&r["earliest_fix_at"])
        }
    };

    // 1. Everything in stock here: the crew's arrival is the whole promise.
    let id = awaiting_consent(&app, None).await;
    let script = consent_script(&page_of(&id).await);
    assert!(script.contains("预计到达时间"), "{script}");
    assert!(!script.contains("最早修复时间"), "{script}");
    ok(
        &app,
        &app.token("hz.manager"),
        &format!("/api/v1/tickets/{id}/consent"),
        json!({"plan_version": 1, "agreed": true}),
    )
    .await;
    let told = stored_consent(&app, &id).await;
    assert!(told["earliest_fix_at"].is_null(), "{told}");
    assert_eq!(told["parts_from_elsewhere"], json!([]));
    assert_eq!(told["tow_offered"], false);

    // 2. The airbag must come from Ningbo (183 road km): a driver brings it in about 3 h 24 min.
    set_stock_at(&app, "nb", "airbag", 1);
    let id = awaiting_consent(&app, Some("airbag")).await;
    let fix = report_fix(&id).await;
    let page = page_of(&id).await;
    let script = consent_script(&page);
    assert!(page.contains("id=\"consent-fix\""), "{script}");
    assert!(
        script.contains("5G0 880 201 K") && script.contains("最早修复时间"),
        "{script}"
    );
    assert!(
        local_minutes(fix)
            .iter()
            .any(|m| script.contains(m.as_str())),
        "{script} names {fix}"
    );
    assert!(
        !page.contains("id=\"consent-tow\""),
        "under 4 h: no towing offered"
    );
    let told = ok(
        &app,
        &app.token("hz.manager"),
        &format!("/api/v1/tickets/{id}/consent"),
        json!({"plan_version": 1, "agreed": true}),
    )
    .await;
    let stored = stored_consent(&app, &id).await;
    assert_eq!(stored, told, "stored exactly as told");
    let crew = utc(&stored["expected_arrival_at"]);
    let told_fix = utc(&stored["earliest_fix_at"]);
    assert!(
        (told_fix - fix).num_seconds().abs() < 120,
        "{told_fix} vs {fix}"
    );
    assert!(
        told_fix > crew + chrono::Duration::hours(2),
        "the part is the limit: {stored}"
    );
    assert_eq!(stored["held_up_by"], "5G0 880 201 K");
    assert_eq!(
        stored["parts_from_elsewhere"],
        json!(["5G0 880 201 K 驾驶员安全气囊"])
    );
    assert_eq!(stored["tow_offered"], false);

    // 3. Nobody near has one: the manufacturer's courier takes 36 h, so towing is offered, and
    //    the consent recorded through the page stores the same.
    let id = awaiting_consent(&app, Some("key")).await;
    let fix = report_fix(&id).await;
    let page = page_of(&id).await;
    let script = consent_script(&page);
    assert!(script.contains("5G0 959 753 AB"), "{script}");
    assert!(
        local_minutes(fix)
            .iter()
            .any(|m| script.contains(m.as_str())),
        "{script} names {fix}"
    );
    assert!(page.contains("id=\"consent-tow\""), "{script}");
    assert!(script.contains("拖车"));
    let res = manager
        .post(app.url(&format!("/tickets/{id}/act/consent")))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("plan_version", "1"),
            ("agreed", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let stored = stored_consent(&app, &id).await;
    let told_fix = utc(&stored["earliest_fix_at"]);
    assert!(
        (told_fix - fix).num_seconds().abs() < 120,
        "{told_fix} vs {fix}"
    );
    assert!(
        told_fix > utc(&stored["expected_arrival_at"]) + chrono::Duration::hours(24),
        "{stored}"
    );
    assert_eq!(stored["tow_offered"], true);
}

both!(
    an_unknown_order_status_in_the_database_is_an_error,
    unknown_order_status_body
);
async fn unknown_order_status_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, order) = proposed_order(&app, "airbag", 2).await;
    let parts = app.token("hz.parts");
    let (status, queue) = app.get_json(&parts, "/api/v1/parts-desk/queue").await;
    assert_eq!(status, 200, "{queue}");
    // A status this build does not know (a newer release's, or a typo in a manual fix) must not
    // be read as "cancelled", which would let the part be ordered a second time.
    let order_id = order["id"].as_str().unwrap().to_owned();
    app.db
        .write_blocking(move |conn| {
            use rescuedesk::db::schema::sourcing_orders;
            Ok(diesel::update(sourcing_orders::table.find(order_id))
                .set(sourcing_orders::status.eq("lost_in_transit"))
                .execute(conn)?)
        })
        .unwrap();
    let (status, err) = app.get_json(&parts, "/api/v1/parts-desk/queue").await;
    assert_eq!(
        (status, err["error"].as_str()),
        (500, Some("internal")),
        "{err}"
    );
    let (status, _) = app
        .post(
            &parts,
            &format!("/api/v1/tickets/{id}/sourcing-orders"),
            &json!({"part_id": "airbag"}),
        )
        .await;
    assert_eq!(status, 500, "no second order on a row nobody can read");
}

/// POSTs `body` and expects `validation_failed` naming `field` with `message`.
async fn field_error(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
    field: &str,
    message: &str,
) {
    let (status, err) = app.post(token, path, &body).await;
    // The service's message is "中文 / English"; without Accept-Language the Chinese is shown.
    let zh = message.split_once(" / ").map_or(message, |(zh, _)| zh);
    assert_eq!(
        (status, err["error"].as_str(), err["fields"][field].as_str()),
        (400, Some("validation_failed"), Some(zh)),
        "POST {path} {body}: {err}"
    );
}

both!(a_bad_name_in_a_request_is_a_field_error, bad_names_body);
async fn bad_names_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.new_ticket().await;
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    let workshop = app.token("hz.workshop");
    assert_eq!(app.put(&workshop, &p("/plan"), &plan_body()).await.0, 200);
    ok(&app, &workshop, &p("/plan/submit"), json!({"version": 1})).await;
    let (manager, director) = (app.token("hz.manager"), app.token("hz.director"));
    let review = "应为 accept 或 return / Must be accept or return";
    field_error(
        &app,
        &manager,
        &p("/review"),
        json!({"decision": "maybe"}),
        "decision",
        review,
    )
    .await;
    // The body is read before any service runs: even a role that may not review hears about the field.
    field_error(
        &app,
        &director,
        &p("/review"),
        json!({"decision": "ok"}),
        "decision",
        review,
    )
    .await;
    ok(&app, &manager, &p("/review"), json!({"decision": "accept"})).await;
    field_error(
        &app,
        &manager,
        &p("/consent"),
        json!({"plan_version": 1, "agreed": false, "on_decline": "later"}),
        "on_decline",
        "应为 replan 或 cancel / Must be replan or cancel",
    )
    .await;
    ok(
        &app,
        &manager,
        &p("/consent"),
        json!({"plan_version": 1, "agreed": true}),
    )
    .await;
    field_error(
        &app,
        &director,
        &p("/approval"),
        json!({"plan_version": 1, "decision": "yes"}),
        "decision",
        "应为 approve 或 reject / Must be approve or reject",
    )
    .await;
    ok(
        &app,
        &director,
        &p("/approval"),
        json!({"plan_version": 1, "decision": "approve"}),
    )
    .await;
    let parts = app.token("hz.parts");
    let orders = p("/sourcing-orders");
    for (field, value, message) in [
        (
            "kind",
            "gift",
            "应为 sister_transfer 或 manufacturer / Use sister_transfer or manufacturer",
        ),
        (
            "mode",
            "boat",
            "应为 drive、road、express 或 air / Use drive, road, express or air",
        ),
        (
            "destination",
            "moon",
            "应为 dealer 或 site / Use dealer or site",
        ),
    ] {
        let mut body = json!({"part_id": "battery"});
        body[field] = json!(value);
        field_error(&app, &parts, &orders, body, field, message).await;
    }
    assert_eq!(app.count("sourcing_orders"), 0);
}

both!(
    a_sister_dealer_sees_the_transfer_asked_of_it_never_the_customer,
    sister_privacy_body
);
async fn sister_privacy_body(backend: Backend) {
    use crate::pages::signed_in;
    let app = TestApp::spawn(backend).await;
    set_stock_at(&app, "nb", "airbag", 2);
    let id = approved_with(&app, "airbag").await;
    let parts = app.token("hz.parts");
    let t = |s: &str| format!("/api/v1/tickets/{id}{s}");
    let nb = sister_offering(&app, &parts, &id, "airbag").await;
    let order = ok(
        &app,
        &parts,
        &t("/sourcing-orders"),
        json!({"part_id": "airbag", "kind": "sister_transfer", "source_dealer_id": nb, "mode": "express"}),
    )
    .await;
    let order_id = order["id"].as_str().unwrap().to_owned();
    ok(
        &app,
        &parts,
        &format!("/api/v1/sourcing-orders/{order_id}/place"),
        json!({}),
    )
    .await;

    // What the customer told the Hangzhou desk (helpers::intake_body), in any form it is shown.
    // The group's director and admin oversee every dealer of the group (the group board:
    // `Action::ViewGroupBoard`), so for them the car, the place and the fault are work; the
    // customer's name (masked there) and phone are not.
    let who = ["王建国", "138-1234-5678", "13812345678", "1234-5678"];
    let what = ["浙A12345", "文三路", "仪表盘电瓶灯亮"];
    let mut found = Vec::new();
    let mut cells = 0;
    for login in [
        "nb.agent",
        "nb.workshop",
        "nb.manager",
        "nb.parts",
        "nb.partsmgr",
        "nb.tech",
        "nb.director",
        "nb.admin",
    ] {
        let group_level = matches!(login, "nb.director" | "nb.admin");
        let private: Vec<&str> = if group_level {
            who.to_vec()
        } else {
            who.iter().chain(&what).copied().collect()
        };
        let mut leaks = |place: &str, text: &str| {
            found.extend(
                private
                    .iter()
                    .filter(|p| text.contains(*p))
                    .map(|p| format!("{login} {place} shows {p}")),
            );
        };
        let token = app.token(login);
        // The ticket and everything under it: not found for another dealer.
        for path in [
            t(""),
            t("/plan"),
            t("/timeline"),
            t("/sourcing"),
            "/api/v1/vehicles/浙A12345/history".to_owned(),
        ] {
            let (status, body) = app.get_json(&token, &path).await;
            assert!(
                status == 403 || status == 404,
                "{login} {path}: {status} {body}"
            );
            leaks(&path, &body.to_string());
            cells += 1;
        }
        // Lists and searches: none of Hangzhou's tickets (but on the group board).
        for path in [
            "/api/v1/tickets",
            "/api/v1/tickets?q=%E7%8E%8B%E5%BB%BA%E5%9B%BD",
            "/api/v1/tickets?plate=%E6%B5%99A12345",
            "/api/v1/parts-desk/outgoing",
            "/api/v1/parts-desk/queue",
            "/api/v1/board",
        ] {
            let (status, body) = app.get_json(&token, path).await;
            let listed = status == 200 && body.to_string().contains(id.as_str());
            let may_list = path.ends_with("outgoing") || (group_level && path.ends_with("board"));
            assert!(
                !listed || may_list,
                "{login} {path} lists the Hangzhou ticket: {body}"
            );
            leaks(path, &body.to_string());
            cells += 1;
        }
        // The pages a sister's staff may open, and the ticket's own page.
        let browser = signed_in(&app, login).await;
        for path in ["/parts", "/tickets", "/board", &format!("/tickets/{id}")] {
            let res = browser.get(app.url(path)).send().await.unwrap();
            let status = res.status().as_u16();
            let text = res.text().await.unwrap();
            if path.starts_with("/tickets/") {
                assert!(status == 403 || status == 404, "{login} {path}: {status}");
            }
            // The plate filter's example ("浙A12345") is the page's, not a customer's.
            let text = text.replace("placeholder=\"浙A12345\"", "");
            leaks(&format!("page {path}"), &text);
            cells += 1;
        }
    }
    assert!(
        found.is_empty(),
        "customer data reached the sister dealer: {found:#?}"
    );

    // What Ningbo's parts desk does see: the transfer asked of it, with the part and where to.
    let (status, outgoing) = app
        .get_json(&app.token("nb.parts"), "/api/v1/parts-desk/outgoing")
        .await;
    assert_eq!(status, 200, "{outgoing}");
    let asked = outgoing.to_string();
    assert!(
        asked.contains(&order_id),
        "the transfer is listed: {outgoing}"
    );
    assert!(asked.contains("airbag"), "{outgoing}");
    eprintln!(
        "[figures] sister dealer: {cells} requests as Ningbo's eight roles, no customer data"
    );
}
