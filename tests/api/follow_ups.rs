//! After the job over HTTP: a resolved rescue puts a follow-up call on the agents' queue (a
//! cancelled one does not); nobody answering is tried again up to the limit; a low score opens a
//! complaint, followed step by step and closed only with the customer satisfied; two agents
//! recording one call: one wins.

use serde_json::{json, Value};

use crate::alerts::{messages, timer};
use crate::both;
use crate::helpers::{intake_body, own_phones, page_text, Backend, TestApp, DIRECTOR_PHONE};
use crate::pages::{csrf_of, signed_in};
use crate::photos::{on_site, SIGNATURE};

/// A rescue resolved on site: its ticket id.
async fn resolved(app: &TestApp) -> String {
    let (id, _) = on_site(app).await;
    resolve(app, &id).await;
    id
}

/// The lead resolves the rescue on site, with the customer's signature.
pub async fn resolve(app: &TestApp, id: &str) {
    let (status, res) = app
        .post(
            &app.token("hz.tech"),
            &format!("/api/v1/tickets/{id}/resolve"),
            &json!({"work_done": "更换蓄电池，车辆启动正常", "signature": SIGNATURE}),
        )
        .await;
    assert_eq!(status, 200, "{res}");
}

async fn queue(app: &TestApp, login: &str) -> Value {
    let (status, q) = app.get_json(&app.token(login), "/api/v1/follow-ups").await;
    assert_eq!(status, 200, "{q}");
    q
}

fn follow_up_of<'a>(q: &'a Value, ticket: &str) -> Option<&'a Value> {
    q["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ticket_id"] == ticket)
}

async fn audit(app: &TestApp, ticket: &str) -> Vec<String> {
    let (_, d) = app
        .get_json(
            &app.token("hz.manager"),
            &format!("/api/v1/tickets/{ticket}"),
        )
        .await;
    d["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

both!(
    a_resolved_rescue_is_called_back_and_a_cancelled_one_is_not,
    queue_body
);
async fn queue_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = resolved(&app).await;
    let cancelled: Value = app
        .post_ticket(&app.token("hz.agent"), &intake_body())
        .await
        .json()
        .await
        .unwrap();
    let cancelled = cancelled["id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .post(
            &app.token("hz.agent"),
            &format!("/api/v1/tickets/{cancelled}/cancel"),
            &json!({"reason": "客户自行解决"}),
        )
        .await;
    assert_eq!(status, 200);

    let q = queue(&app, "hz.agent").await;
    assert_eq!(q["total"], 1, "{q}");
    let f = follow_up_of(&q, &id).expect("the resolved rescue");
    assert_eq!(f["status"], "open");
    assert_eq!(f["ticket_status"], "resolved");
    assert_eq!(f["attempts"], 0);
    assert_eq!(f["overdue"], false);
    let ended = chrono::DateTime::parse_from_rfc3339(f["ended_at"].as_str().unwrap()).unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(f["due_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        due - ended,
        chrono::Duration::hours(24),
        "[follow_up] due_hours"
    );

    // The story for the agent on the phone.
    let (status, d) = app
        .get_json(
            &app.token("hz.agent"),
            &format!("/api/v1/follow-ups/{}", f["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["story"]["work_done"], "更换蓄电池，车辆启动正常");
    assert_eq!(d["story"]["signed"], true);
    assert_eq!(d["story"]["crew"][0], "hz周师傅", "the lead first: {d}");

    // Not the crews' work, and not another dealer's.
    let (status, _) = app
        .get_json(&app.token("hz.tech"), "/api/v1/follow-ups")
        .await;
    assert_eq!(status, 403);
    assert_eq!(queue(&app, "nb.agent").await["total"], 0);
    let (status, _) = app
        .get_json(
            &app.token("nb.agent"),
            &format!("/api/v1/follow-ups/{}", f["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, 404);
    let (status, e) = app
        .get_json(&app.token("hz.agent"), "/api/v1/follow-ups/not-an-id")
        .await;
    assert_eq!(
        (status, e["error"].as_str()),
        (400, Some("validation_failed"))
    );
}

both!(
    nobody_answering_is_tried_again_up_to_the_limit,
    no_answer_body
);
async fn no_answer_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = resolved(&app).await;
    let f = follow_up_of(&queue(&app, "hz.agent").await, &id)
        .unwrap()
        .clone();
    let path = format!("/api/v1/follow-ups/{}/no-answer", f["id"].as_str().unwrap());
    let agent = app.token("hz.agent");

    let (status, v) = app.post(&agent, &path, &json!({"attempts": 0})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["attempts"].as_i64()),
        (Some("open"), Some(1))
    );
    assert!(v["next_try_at"].is_string(), "tried again later: {v}");
    // Recorded from a stale view (someone else just did it): refused.
    let (status, e) = app.post(&agent, &path, &json!({"attempts": 0})).await;
    assert_eq!((status, e["error"].as_str()), (409, Some("stale_state")));
    let (status, _) = app.post(&agent, &path, &json!({"attempts": 1})).await;
    assert_eq!(status, 200);
    // The third try nobody answers closes it ([follow_up] max_attempts = 3).
    let (status, v) = app.post(&agent, &path, &json!({"attempts": 2})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "unreached");
    assert!(follow_up_of(&queue(&app, "hz.agent").await, &id).is_none());
    let (status, e) = app.post(&agent, &path, &json!({"attempts": 3})).await;
    assert_eq!((status, e["error"].as_str()), (409, Some("stale_state")));
    let actions = audit(&app, &id).await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "follow_up.no_answer")
            .count(),
        3,
        "{actions:?}"
    );
}

both!(
    a_low_score_opens_a_complaint_closed_only_when_satisfied,
    complaint_body
);
async fn complaint_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = resolved(&app).await;
    let f = follow_up_of(&queue(&app, "hz.agent").await, &id)
        .unwrap()
        .clone();
    let answer = format!("/api/v1/follow-ups/{}/answer", f["id"].as_str().unwrap());
    let agent = app.token("hz.agent");

    // Bad input loses nothing.
    for (body, field) in [
        (json!({"attempts": 0, "score": 6}), "score"),
        (json!({"attempts": 0, "score": 0}), "score"),
        (json!({"attempts": 0, "score": 2}), "comment"),
        (
            json!({"attempts": 0, "score": 2, "comment": "  "}),
            "comment",
        ),
        (
            json!({"attempts": 0, "score": 4, "comment": "好".repeat(1001)}),
            "comment",
        ),
    ] {
        let (status, e) = app.post(&agent, &answer, &body).await;
        assert_eq!(status, 400, "{body}: {e}");
        assert!(e["fields"][field].is_string(), "{field}: {e}");
    }
    assert_eq!(
        follow_up_of(&queue(&app, "hz.agent").await, &id).unwrap()["attempts"],
        0
    );

    let (status, a) = app
        .post(
            &agent,
            &answer,
            &json!({"attempts": 0, "score": 2, "comment": "技师迟到一小时，态度一般"}),
        )
        .await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["follow_up"]["status"], "done");
    assert_eq!(a["follow_up"]["score"], 2);
    let cid = a["complaint_id"].as_str().expect("a complaint").to_owned();
    let (status, _) = app
        .post(&agent, &answer, &json!({"attempts": 1, "score": 5}))
        .await;
    assert_eq!(status, 409, "recorded once");

    let manager = app.token("hz.manager");
    let (status, c) = app
        .get_json(&manager, &format!("/api/v1/complaints/{cid}"))
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["status"], "open");
    assert_eq!(c["summary"], "技师迟到一小时，态度一般");
    assert!(c["owner"].is_string(), "a service manager owns it: {c}");
    let (_, open) = app.get_json(&manager, "/api/v1/complaints").await;
    assert_eq!(open["total"], 1, "{open}");

    // The agent records calls; the manager handles the case.
    let steps = format!("/api/v1/complaints/{cid}/steps");
    let (status, _) = app
        .post(&agent, &steps, &json!({"note": "致电客户致歉"}))
        .await;
    assert_eq!(status, 403);
    let (status, c) = app
        .post(
            &manager,
            &steps,
            &json!({"note": "致电客户致歉，赠送一次免费保养"}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["steps"][0]["note"], "致电客户致歉，赠送一次免费保养");
    let close = format!("/api/v1/complaints/{cid}/close");
    let (status, e) = app
        .post(
            &manager,
            &close,
            &json!({"customer_satisfied": false, "note": "客户仍不满意"}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(e["fields"]["customer_satisfied"].is_string(), "{e}");
    let (status, c) = app
        .post(
            &manager,
            &close,
            &json!({"customer_satisfied": true, "note": "客户表示满意"}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["status"], "closed");
    let (status, e) = app
        .post(
            &manager,
            &close,
            &json!({"customer_satisfied": true, "note": "再次结案"}),
        )
        .await;
    assert_eq!(
        (status, e["error"].as_str()),
        (409, Some("invalid_transition"))
    );
    let (status, _) = app.post(&manager, &steps, &json!({"note": "补充"})).await;
    assert_eq!(status, 409, "no steps on a closed case");
    let (_, open) = app.get_json(&manager, "/api/v1/complaints").await;
    assert_eq!(open["total"], 0);
    let (_, closed) = app
        .get_json(&manager, "/api/v1/complaints?status=closed")
        .await;
    assert_eq!(closed["total"], 1);
    let (status, _) = app
        .get_json(&manager, "/api/v1/complaints?status=maybe")
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .get_json(
            &app.token("nb.manager"),
            &format!("/api/v1/complaints/{cid}"),
        )
        .await;
    assert_eq!(status, 404, "another dealer's");

    let actions = audit(&app, &id).await;
    for a in [
        "follow_up.answered",
        "complaint.opened",
        "complaint.step",
        "complaint.closed",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

both!(
    a_good_score_closes_the_call_and_two_agents_record_it_once,
    race_body
);
async fn race_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = resolved(&app).await;
    let f = follow_up_of(&queue(&app, "hz.agent").await, &id)
        .unwrap()
        .clone();
    let answer = format!("/api/v1/follow-ups/{}/answer", f["id"].as_str().unwrap());
    let (a, b) = (app.token("hz.agent"), app.token("hz.manager"));
    let body = json!({"attempts": 0, "score": 5, "comment": "很满意"});
    let ((sa, ra), (sb, rb)) =
        tokio::join!(app.post(&a, &answer, &body), app.post(&b, &answer, &body));
    let mut statuses = [sa, sb];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{ra} {rb}");
    let winner = if sa == 200 { ra } else { rb };
    assert!(winner["complaint_id"].is_null(), "a 5 opens no complaint");
    let (_, open) = app
        .get_json(&app.token("hz.manager"), "/api/v1/complaints")
        .await;
    assert_eq!(open["total"], 0);
}

both!(
    the_agent_calls_back_from_the_pages_and_the_manager_settles_the_complaint,
    pages_body
);
async fn pages_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = resolved(&app).await;
    let f = follow_up_of(&queue(&app, "hz.agent").await, &id)
        .unwrap()
        .clone();
    let fid = f["id"].as_str().unwrap().to_owned();

    // The agent's work page lists the call.
    let agent = signed_in(&app, "hz.agent").await;
    let work = page_text(&agent, &app, "/work").await;
    assert!(work.contains(r#"id="queue-follow-up""#), "{work}");
    assert!(work.contains(&format!("/follow-ups/{fid}")), "{work}");
    let page = page_text(&agent, &app, &format!("/follow-ups/{fid}")).await;
    assert!(
        page.contains("更换蓄电池，车辆启动正常"),
        "the story: {page}"
    );
    assert!(page.contains(r#"name="score" value="2""#), "{page}");
    let csrf = csrf_of(&page);
    let post = |form: Vec<(&'static str, String)>| {
        let (agent, app, fid) = (&agent, &app, &fid);
        async move {
            agent
                .post(app.url(&format!("/follow-ups/{fid}")))
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };
    // A 2 without the customer's words: refused on the field, the score kept.
    let res = post(vec![
        ("csrf", csrf.clone()),
        ("attempts", "0".into()),
        ("score", "2".into()),
        ("outcome", "answer".into()),
    ])
    .await;
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"data-field="comment""#), "{html}");
    assert!(html.contains(r#"value="2" checked"#), "{html}");
    // No score picked at all.
    let res = post(vec![
        ("csrf", csrf.clone()),
        ("attempts", "0".into()),
        ("outcome", "answer".into()),
    ])
    .await;
    assert_eq!(res.status().as_u16(), 400);
    assert!(res.text().await.unwrap().contains("请选择满意度"));
    let res = post(vec![
        ("csrf", csrf.clone()),
        ("attempts", "0".into()),
        ("score", "2".into()),
        ("comment", "等了三个小时".into()),
        ("outcome", "answer".into()),
    ])
    .await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/work?followed=1"));
    assert!(!page_text(&agent, &app, "/work")
        .await
        .contains(&format!("/follow-ups/{fid}")));

    // The manager finds the complaint, records a step and closes it.
    let manager = signed_in(&app, "hz.manager").await;
    let list = page_text(&manager, &app, "/complaints").await;
    assert!(list.contains("等了三个小时"), "{list}");
    let (_, open) = app
        .get_json(&app.token("hz.manager"), "/api/v1/complaints")
        .await;
    let cid = open["items"][0]["id"].as_str().unwrap().to_owned();
    let page = page_text(&manager, &app, &format!("/complaints/{cid}")).await;
    assert!(page.contains(r#"id="close-form""#), "{page}");
    let csrf = csrf_of(&page);
    let act = |form: Vec<(&'static str, String)>| {
        let (manager, app, cid) = (&manager, &app, &cid);
        async move {
            manager
                .post(app.url(&format!("/complaints/{cid}")))
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };
    let res = act(vec![
        ("csrf", csrf.clone()),
        ("do", "step".into()),
        ("note", "致电致歉".into()),
    ])
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let res = act(vec![
        ("csrf", csrf.clone()),
        ("do", "close".into()),
        ("closing_note", "客户接受道歉".into()),
    ])
    .await;
    assert_eq!(
        res.status().as_u16(),
        400,
        "not without the customer satisfied"
    );
    assert!(res
        .text()
        .await
        .unwrap()
        .contains(r#"data-field="customer_satisfied""#));
    let res = act(vec![
        ("csrf", csrf.clone()),
        ("do", "close".into()),
        ("customer_satisfied", "1".into()),
        ("closing_note", "客户接受道歉".into()),
    ])
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let page = page_text(&manager, &app, &format!("/complaints/{cid}")).await;
    assert!(
        page.contains("致电致歉") && page.contains("客户接受道歉"),
        "{page}"
    );
    assert!(!page.contains(r#"id="close-form""#), "closed: {page}");

    // In English, the pages speak English alone (the customer's own words aside).
    manager.get(app.url("/lang/en")).send().await.unwrap();
    let en = page_text(&manager, &app, &format!("/complaints/{cid}")).await;
    assert!(en.contains("Steps taken") && en.contains("Closed"), "{en}");
    for zh in ["处理经过", "结案", "客户投诉", "负责人"] {
        assert!(!en.contains(zh), "{zh} in {en}");
    }
    agent.get(app.url("/lang/en")).send().await.unwrap();
    let en = page_text(&agent, &app, &format!("/follow-ups/{fid}")).await;
    assert!(en.contains("This follow-up is done"), "{en}");
    for zh in ["回访", "满意度", "救援组"] {
        assert!(!en.contains(zh), "{zh} in {en}");
    }
    // Who may not.
    let tech = signed_in(&app, "hz.tech").await;
    let res = tech
        .get(app.url(&format!("/follow-ups/{fid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = agent
        .post(app.url(&format!("/complaints/{cid}")))
        .form(&[("csrf", csrf.as_str()), ("do", "step"), ("note", "x")])
        .send()
        .await
        .unwrap();
    assert!(matches!(res.status().as_u16(), 403), "{}", res.status());
}

both!(
    a_complaint_left_open_is_told_to_the_director_once,
    escalate_body
);
async fn escalate_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    own_phones(&app);
    let id = resolved(&app).await;
    let f = follow_up_of(&queue(&app, "hz.agent").await, &id)
        .unwrap()
        .clone();
    let (status, a) = app
        .post(
            &app.token("hz.agent"),
            &format!("/api/v1/follow-ups/{}/answer", f["id"].as_str().unwrap()),
            &json!({"attempts": 0, "score": 1, "comment": "车又坏了"}),
        )
        .await;
    assert_eq!(status, 200, "{a}");
    let cid = a["complaint_id"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now().naive_utc();
    // [follow_up] complaint_escalate_hours = 48.
    let quiet = timer(&app)
        .run_at(now + chrono::Duration::hours(47))
        .await
        .unwrap();
    assert_eq!(quiet.complaints, 0, "{quiet:?}");
    let at = now + chrono::Duration::hours(49);
    let (a, b) = (timer(&app), timer(&app));
    let (ra, rb) = tokio::join!(a.run_at(at), b.run_at(at));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.complaints + rb.complaints, 1, "{ra:?} {rb:?}");
    let sms = messages(&app, "complaint_overdue");
    assert_eq!(sms.len(), 1, "the director, once: {sms:?}");
    assert_eq!(sms[0].0, DIRECTOR_PHONE);
    assert!(
        sms[0].1.contains("车又坏了") || sms[0].1.contains("小时未结案"),
        "{}",
        sms[0].1
    );
    assert!(
        sms[0].1.contains(&format!("/complaints/{cid}")),
        "{}",
        sms[0].1
    );
    assert_eq!(timer(&app).run_at(at).await.unwrap().complaints, 0);
    let (_, c) = app
        .get_json(
            &app.token("hz.manager"),
            &format!("/api/v1/complaints/{cid}"),
        )
        .await;
    assert!(c["escalated_at"].is_string(), "{c}");
    assert!(audit(&app, &id)
        .await
        .iter()
        .any(|a| a == "complaint.escalated"));
}
