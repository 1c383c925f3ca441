//! Three `rescuedesk serve` processes on one PostgreSQL, each with its outbox worker and promise
//! timer, the load spread across them: ticket numbers stay unique, one approval per plan, no
//! oversold stock, one place per sourcing order, every message sent once, one escalation per
//! breach. The rules live in the database (unique rows, guarded updates, row locks), so this is
//! what proves they hold when no process sees the others.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::future::join_all;
use serde_json::{json, Value};

use crate::helpers::{
    intake_body, plan_body, postgres_url, recording_gateway, Backend, Node, TestApp,
};
use crate::sourcing::{approved_with, sister_offering};
use crate::stock::{airbag_draft, set_stock, set_stock_at, stock_of};

const NODES: usize = 3;

/// POSTs `body` to `path` on every node at once; the statuses, sorted.
async fn on_every_node(
    app: &TestApp,
    nodes: &[Node],
    token: &str,
    path: &str,
    body: &Value,
) -> Vec<u16> {
    let sends = nodes.iter().map(|n| {
        app.client
            .post(format!("{}{path}", n.url))
            .bearer_auth(token)
            .json(body)
            .send()
    });
    let mut statuses: Vec<u16> = join_all(sends)
        .await
        .into_iter()
        .map(|r| r.expect("request").status().as_u16())
        .collect();
    statuses.sort();
    statuses
}

/// POST to one node, expecting 200.
async fn step(app: &TestApp, node: &Node, token: &str, path: &str, body: Value) {
    let res = app
        .client
        .post(format!("{}{path}", node.url))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    assert_eq!(
        status,
        200,
        "POST {path} on {}: {:?}",
        node.url,
        res.text().await
    );
}

fn breaches_of(ticket: &str) -> String {
    format!("sla_alerts WHERE ticket_id = '{ticket}' AND kind = 'breach'")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_nodes_on_one_postgres_keep_every_rule() {
    if postgres_url().is_none() {
        return;
    }
    let app = TestApp::spawn(Backend::Postgres).await;
    let received = Arc::new(Mutex::new(Vec::new()));
    let (sms_url, server) = recording_gateway(received.clone(), Duration::from_millis(5)).await;
    let env = [
        ("RESCUEDESK__OUTBOX__WORKER", "true"),
        ("RESCUEDESK__OUTBOX__POLL_INTERVAL_MS", "20"),
        ("RESCUEDESK__OUTBOX__BATCH_SIZE", "5"),
        ("RESCUEDESK__TIMER__WORKER", "true"),
        ("RESCUEDESK__TIMER__INTERVAL_S", "1"),
        ("RESCUEDESK__SMS__PROVIDER", "webhook"),
        ("RESCUEDESK__SMS__WEBHOOK_URL", sms_url.as_str()),
        ("RESCUEDESK__SMS__WEBHOOK_SECRET", "nodes-test-secret"),
    ];
    let nodes: Vec<Node> = (0..NODES)
        .map(|_| Node::start(&app.database_url(), &env))
        .collect();
    let (agent, workshop) = (app.token("hz.agent"), app.token("hz.workshop"));
    let (manager, director) = (app.token("hz.manager"), app.token("hz.director"));

    // Ticket numbers: sixty intakes at once, twenty through each node.
    let intakes = (0..60).map(|i| {
        let mut body = intake_body();
        body["plate"] = format!("浙A7{i:04}").into();
        app.client
            .post(format!("{}/api/v1/tickets", nodes[i % NODES].url))
            .bearer_auth(&agent)
            .json(&body)
            .send()
    });
    let mut numbers = BTreeSet::new();
    for res in join_all(intakes).await {
        let res = res.expect("intake");
        assert_eq!(res.status().as_u16(), 201);
        let t: Value = res.json().await.unwrap();
        numbers.insert(t["number"].as_str().unwrap().to_owned());
    }
    assert_eq!(numbers.len(), 60, "sixty tickets, sixty numbers");
    assert_eq!(app.count("tickets"), 60);

    // Approvals: the director's approval sent to all three nodes at once lands once.
    for k in 0..4 {
        let id = app.new_ticket().await;
        let t = |s: &str| format!("/api/v1/tickets/{id}{s}");
        let n = |i: usize| &nodes[(k + i) % NODES];
        let res = app
            .client
            .put(format!("{}{}", n(0).url, t("/plan")))
            .bearer_auth(&workshop)
            .json(&plan_body())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        step(
            &app,
            n(1),
            &workshop,
            &t("/plan/submit"),
            json!({"version": 1}),
        )
        .await;
        step(
            &app,
            n(2),
            &manager,
            &t("/review"),
            json!({"decision": "accept"}),
        )
        .await;
        let consent = json!({"plan_version": 1, "agreed": true});
        step(&app, n(0), &manager, &t("/consent"), consent).await;
        let approve = json!({"plan_version": 1, "decision": "approve"});
        let statuses = on_every_node(&app, &nodes, &director, &t("/approval"), &approve).await;
        assert_eq!(statuses, [200, 409, 409], "ticket {id}");
        let approvals = app.count(format!(
            "approvals WHERE ticket_id = '{id}' AND step = 'director' AND voided_at IS NULL"
        ));
        assert_eq!(approvals, 1, "one director's approval of {id}");
    }

    // Reservations: twelve plans for three airbags, submitted through the three nodes at once.
    set_stock(&app, "airbag", 3);
    let mut drafts = Vec::new();
    for _ in 0..12 {
        drafts.push(airbag_draft(&app, &agent, &workshop).await);
    }
    let submits = drafts.iter().enumerate().map(|(i, id)| {
        app.client
            .post(format!(
                "{}/api/v1/tickets/{id}/plan/submit",
                nodes[i % NODES].url
            ))
            .bearer_auth(&workshop)
            .json(&json!({"version": 1}))
            .send()
    });
    for res in join_all(submits).await {
        assert_eq!(res.unwrap().status().as_u16(), 200);
    }
    assert_eq!(
        stock_of(&app, "airbag"),
        (3, 3),
        "exactly the units there are"
    );
    assert_eq!(
        app.count("plan_parts WHERE part_id = 'airbag' AND reserved = 1"),
        3
    );
    assert_eq!(
        app.count("stock WHERE reserved > on_hand OR reserved < 0"),
        0
    );

    // A sourcing order's step: placing one transfer from Ningbo, asked of all three nodes at once.
    set_stock(&app, "airbag", 0);
    set_stock_at(&app, "nb", "airbag", 1);
    let parts = app.token("hz.parts");
    let id = approved_with(&app, "airbag").await;
    let nb = sister_offering(&app, &parts, &id, "airbag").await;
    let (status, order) = app
        .post(
            &parts,
            &format!("/api/v1/tickets/{id}/sourcing-orders"),
            &json!({"part_id": "airbag", "kind": "sister_transfer", "source_dealer_id": nb, "mode": "express"}),
        )
        .await;
    assert!(status == 200 || status == 201, "{status} {order}");
    let place = format!(
        "/api/v1/sourcing-orders/{}/place",
        order["id"].as_str().unwrap()
    );
    let statuses = on_every_node(&app, &nodes, &parts, &place, &json!({})).await;
    assert_eq!(statuses, [200, 409, 409], "one place");
    assert_eq!(
        app.count("outbox WHERE template = 'transfer_to_send'"),
        1,
        "Ningbo is asked to send it once"
    );

    // Escalations: five tickets already past their promise; every node's timer looks at them.
    let mut late = Vec::new();
    for _ in 0..5 {
        let mut body = intake_body();
        body["response_level"] = json!(3);
        body["call_time"] = json!((Utc::now() - chrono::Duration::minutes(300)).to_rfc3339());
        let res = app.post_ticket(&agent, &body).await;
        assert_eq!(res.status().as_u16(), 201);
        let t: Value = res.json().await.unwrap();
        late.push(t["id"].as_str().unwrap().to_owned());
    }
    // Three rounds of every timer at least (interval 1 s).
    let deadline = Instant::now() + Duration::from_secs(30);
    while late.iter().any(|id| app.count(breaches_of(id)) == 0) {
        assert!(
            Instant::now() < deadline,
            "the timers never recorded the breaches"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    for id in &late {
        assert_eq!(
            app.count(breaches_of(id)),
            1,
            "one breach recorded for {id}"
        );
    }
    let told = app.count("outbox WHERE template = 'promise_breached'");
    let distinct = app.count(
        "(SELECT DISTINCT ticket_id, channel, recipient FROM outbox WHERE template = 'promise_breached') d",
    );
    assert!(told >= 5, "each breach tells somebody: {told}");
    assert_eq!(told, distinct, "nobody told twice of one breach");

    // Messages: 150 more at once, then everything drains through the three nodes' workers.
    app.db
        .write_blocking(|conn| {
            for i in 0..150 {
                rescuedesk::repo::outbox::enqueue(
                    conn,
                    rescuedesk::repo::outbox::NewMessage {
                        channel: "sms",
                        recipient: "13800001111",
                        locale: "zh-CN",
                        template: "test",
                        subject: "",
                        body_text: &format!("第 {i} 条"),
                        body_html: None,
                        params: &json!({}),
                        ticket_id: None,
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while app.count("outbox WHERE channel = 'sms' AND status IN ('pending', 'sending')") > 0 {
        assert!(
            Instant::now() < deadline,
            "the nodes never drained the outbox"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(nodes);
    server.stop(true).await;
    let got = received.lock().unwrap().clone();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for k in &got {
        *counts.entry(k.as_str()).or_default() += 1;
    }
    let sent = app.count("outbox WHERE channel = 'sms' AND status = 'sent'");
    assert!(sent >= 150 + 5, "{sent}");
    assert_eq!(
        app.count("outbox WHERE channel = 'sms' AND status <> 'sent'"),
        0,
        "every text sent"
    );
    let twice: Vec<_> = counts.iter().filter(|(_, &n)| n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    assert_eq!(
        got.len() as i64,
        sent,
        "the gateway got each sent text once"
    );
    eprintln!(
        "[figures] three nodes: 60 intakes, 4 approvals raced, 12 plans for 3 units, 1 order placed once, \
         5 breaches, {sent} texts each sent once"
    );
}
