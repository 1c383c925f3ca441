//! Stock that cannot be oversold: plans reserve on submission and give back when they go back;
//! many plans racing for the last units — on SQLite, and on PostgreSQL across two server processes.

use diesel::prelude::*;
use futures::future::join_all;
use serde_json::{json, Value};

use crate::both;
use crate::helpers::{intake_body, plan_body, Backend, Node, TestApp};

pub(crate) fn set_stock(app: &TestApp, part: &'static str, on_hand: i32) {
    app.db
        .write_blocking(move |conn| {
            use rescuedesk::db::schema::{dealers, stock};
            let dealer: String = dealers::table
                .filter(dealers::code.eq("hz"))
                .select(dealers::id)
                .first(conn)?;
            diesel::delete(
                stock::table
                    .filter(stock::dealer_id.eq(&dealer))
                    .filter(stock::part_id.eq(part)),
            )
            .execute(conn)?;
            diesel::insert_into(stock::table)
                .values((
                    stock::dealer_id.eq(&dealer),
                    stock::part_id.eq(part),
                    stock::on_hand.eq(on_hand),
                    stock::reserved.eq(0),
                    stock::bin.eq("Z-9"),
                    stock::updated_at.eq(rescuedesk::repo::now()),
                ))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
}

pub(crate) fn stock_of(app: &TestApp, part: &'static str) -> (i32, i32) {
    app.db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::{dealers, stock};
            let dealer: String = dealers::table
                .filter(dealers::code.eq("hz"))
                .select(dealers::id)
                .first(conn)?;
            Ok(stock::table
                .filter(stock::dealer_id.eq(dealer))
                .filter(stock::part_id.eq(part))
                .select((stock::on_hand, stock::reserved))
                .first(conn)?)
        })
        .unwrap()
}

/// A ticket with a draft plan needing one airbag.
pub(crate) async fn airbag_draft(app: &TestApp, agent: &str, workshop: &str) -> String {
    let t: Value = app
        .post_ticket(agent, &intake_body())
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().unwrap().to_owned();
    let mut plan = plan_body();
    plan["parts"] = json!([{"part_id": "airbag", "quantity": 1}]);
    let (status, res) = app
        .put(workshop, &format!("/api/v1/tickets/{id}/plan"), &plan)
        .await;
    assert_eq!(status, 200, "{res}");
    id
}

both!(racing_plans_never_oversell, racing_body);
async fn racing_body(backend: Backend) {
    const UNITS: i32 = 3;
    const PLANS: usize = 12;
    let app = TestApp::spawn(backend).await;
    set_stock(&app, "airbag", UNITS);
    let (agent, workshop) = (app.token("hz.agent"), app.token("hz.workshop"));
    let mut ids = Vec::new();
    for _ in 0..PLANS {
        ids.push(airbag_draft(&app, &agent, &workshop).await);
    }
    // On PostgreSQL half the submissions go through another server process.
    let node = (backend == Backend::Postgres).then(|| Node::start(&app.database_url(), &[]));
    let submits = ids.iter().enumerate().map(|(i, id)| {
        let base = match (&node, i % 2) {
            (Some(n), 1) => n.url.clone(),
            _ => app.address.clone(),
        };
        let req = app
            .client
            .post(format!("{base}/api/v1/tickets/{id}/plan/submit"))
            .bearer_auth(&workshop)
            .json(&json!({"version": 1}));
        async move { req.send().await.unwrap() }
    });
    for res in join_all(submits).await {
        assert_eq!(
            res.status().as_u16(),
            200,
            "every submission goes through; short lines are to be sourced"
        );
    }
    let (on_hand, reserved) = stock_of(&app, "airbag");
    assert_eq!(
        (on_hand, reserved),
        (UNITS, UNITS),
        "exactly the units there are"
    );
    let holding: i64 = app.count("plan_parts WHERE part_id = 'airbag' AND reserved = 1");
    assert_eq!(
        holding,
        i64::from(UNITS),
        "exactly as many plans hold one as there are units"
    );
    assert_eq!(
        app.count("plan_parts WHERE reserved < 0 OR reserved > quantity"),
        0
    );
    assert_eq!(
        app.count("stock WHERE reserved > on_hand OR reserved < 0"),
        0
    );
}

both!(reservations_follow_the_plan, follow_body);
async fn follow_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    set_stock(&app, "airbag", 2);
    let (agent, workshop, manager) = (
        app.token("hz.agent"),
        app.token("hz.workshop"),
        app.token("hz.manager"),
    );
    let id = airbag_draft(&app, &agent, &workshop).await;
    let p = |s: &str| format!("/api/v1/tickets/{id}{s}");
    assert_eq!(stock_of(&app, "airbag"), (2, 0), "a draft holds nothing");
    app.post(&workshop, &p("/plan/submit"), &json!({"version": 1}))
        .await;
    assert_eq!(stock_of(&app, "airbag"), (2, 1), "submitted: reserved");
    let (_, plan) = app.get_json(&agent, &p("/plan")).await;
    assert_eq!(plan["plan"]["parts"][0]["reserved"], 1);
    assert_eq!(
        plan["plan"]["parts"][0]["available_here"], 1,
        "available = on hand − reserved"
    );
    app.post(
        &manager,
        &p("/review"),
        &json!({"decision": "return", "reason": "再确认"}),
    )
    .await;
    assert_eq!(stock_of(&app, "airbag"), (2, 0), "returned: released");
    let (_, v2) = app
        .put(&workshop, &p("/plan"), &{
            let mut b = plan_body();
            b["parts"] = json!([{"part_id": "airbag", "quantity": 2}]);
            b
        })
        .await;
    assert_eq!(v2["version"], 2);
    app.post(&workshop, &p("/plan/submit"), &json!({"version": 2}))
        .await;
    assert_eq!(stock_of(&app, "airbag"), (2, 2));
    app.post(&manager, &p("/review"), &json!({"decision": "accept"}))
        .await;
    app.post(
        &manager,
        &p("/consent"),
        &json!({"plan_version": 2, "agreed": true}),
    )
    .await;
    app.post(
        &app.token("hz.director"),
        &p("/approval"),
        &json!({"plan_version": 2, "decision": "approve"}),
    )
    .await;
    let (status, _) = app
        .post(
            &app.token("hz.parts"),
            &p("/parts-issues"),
            &json!({"plan_version": 2, "lines": [{"part_id": "airbag", "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        stock_of(&app, "airbag"),
        (1, 1),
        "issuing turns a reservation into a stock decrease"
    );
    let (status, _) = app
        .post(&agent, &p("/cancel"), &json!({"reason": "客户已自行解决"}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        stock_of(&app, "airbag"),
        (2, 0),
        "cancelled: reservation released, issued part back on the shelf"
    );
}

/// Sets a part's stock at a dealer by code.
pub(crate) fn set_stock_at(app: &TestApp, code: &'static str, part: &'static str, on_hand: i32) {
    app.db
        .write_blocking(move |conn| {
            use rescuedesk::db::schema::{dealers, stock};
            let dealer: String = dealers::table
                .filter(dealers::code.eq(code))
                .select(dealers::id)
                .first(conn)?;
            diesel::insert_into(stock::table)
                .values((
                    stock::dealer_id.eq(&dealer),
                    stock::part_id.eq(part),
                    stock::on_hand.eq(on_hand),
                    stock::reserved.eq(0),
                    stock::bin.eq("N-1"),
                    stock::updated_at.eq(rescuedesk::repo::now()),
                ))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
}

both!(missing_parts_get_ranked_options, sourcing_body);
async fn sourcing_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // hz has no airbag; its sister dealer in Ningbo has two.
    set_stock_at(&app, "nb", "airbag", 2);
    let (agent, workshop) = (app.token("hz.agent"), app.token("hz.workshop"));
    let id = airbag_draft(&app, &agent, &workshop).await;
    app.post(
        &workshop,
        &format!("/api/v1/tickets/{id}/plan/submit"),
        &json!({"version": 1}),
    )
    .await;
    let (status, r) = app
        .get_json(
            &app.token("hz.parts"),
            &format!("/api/v1/tickets/{id}/sourcing"),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let line = &r["lines"][0];
    assert_eq!(
        (
            line["part_id"].as_str(),
            line["short"].as_i64(),
            line["covered_here"].as_i64()
        ),
        (Some("airbag"), Some(1), Some(0))
    );
    let opts = line["options"].as_array().unwrap();
    assert!(
        opts.iter().any(|o| o["kind"] == "sister_transfer"
            && o["source_name"].as_str().unwrap().contains("宁波")),
        "the sister dealer is offered: {opts:?}"
    );
    assert!(opts.iter().any(|o| o["kind"] == "manufacturer"));
    // An airbag (UN3268) never flies: air is listed as refused, with the sentence for the customer.
    for o in opts.iter().filter(|o| o["mode"] == "air") {
        assert_eq!(o["allowed"], false, "{o}");
    }
    assert!(line["customer_sentence"]
        .as_str()
        .unwrap()
        .contains("不能空运"));
    let rec = &opts[line["recommended"].as_u64().unwrap() as usize];
    assert_eq!(rec["allowed"], true);
    assert_ne!(rec["mode"], "air");
    // Allowed options come first, each no later than the next.
    let allowed: Vec<&Value> = opts.iter().take_while(|o| o["allowed"] == true).collect();
    assert!(allowed
        .windows(2)
        .all(|w| w[0]["arrives_at"].as_str() <= w[1]["arrives_at"].as_str()));
    assert!(opts
        .iter()
        .skip(allowed.len())
        .all(|o| o["allowed"] == false));
    assert_eq!(
        r["held_up_by"], "5G0 880 201 K",
        "the part, not the crew, is the limit"
    );
    // The sentence comes in the reader's language like every other text.
    let en: Value = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/tickets/{id}/sourcing")))
        .bearer_auth(app.token("hz.parts"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sentence = en["lines"][0]["customer_sentence"].as_str().unwrap();
    assert!(sentence.contains("may not travel by air"), "{sentence}");
    let (status, _) = app
        .get_json(
            &app.token("hz.tech"),
            &format!("/api/v1/tickets/{id}/sourcing"),
        )
        .await;
    assert_eq!(status, 403);
}
