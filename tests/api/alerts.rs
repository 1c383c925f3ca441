//! The promise timer, one round at a time with a clock the test moves: a warning at the share,
//! an escalation at the breach, each once per ticket and stage (also across restarts and with
//! two workers racing), nothing while the clock is paused, nothing for a stage finished in time.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{json, Value};

use rescuedesk::workers::timer::{Round, TimerWorker};

use crate::both;
use crate::helpers::{
    intake_body, own_phones, plan_body, settings_for, Backend, TestApp, DIRECTOR_PHONE,
    MANAGER_PHONE,
};

/// A timer on the app's database, with the default configuration.
pub(crate) fn timer(app: &TestApp) -> TimerWorker {
    let settings = settings_for(&app.database_url());
    let notifier = rescuedesk::startup::notifier(&settings, &app.db, 8080).expect("notifier");
    TimerWorker::new(
        app.db.clone(),
        settings.sla.clone(),
        settings.follow_up.clone(),
        notifier,
        settings.timer.clone(),
    )
}

/// A level-`level` ticket called `minutes_ago`: its id and call time.
pub(crate) async fn ticket(app: &TestApp, level: i64, minutes_ago: i64) -> (String, NaiveDateTime) {
    let mut body = intake_body();
    body["response_level"] = json!(level);
    body["call_time"] = json!((Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339());
    let res = app.post_ticket(&app.token("hz.agent"), &body).await;
    assert_eq!(res.status().as_u16(), 201);
    let v: Value = res.json().await.unwrap();
    let call = DateTime::parse_from_rfc3339(v["call_time"].as_str().unwrap())
        .unwrap()
        .naive_utc();
    (v["id"].as_str().unwrap().to_owned(), call)
}

/// The outbox messages of one template: (recipient, body), in the order queued.
pub(crate) fn messages(app: &TestApp, template: &'static str) -> Vec<(String, String)> {
    app.db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::outbox;
            Ok(outbox::table
                .filter(outbox::template.eq(template))
                .order(outbox::created_at.asc())
                .select((outbox::recipient, outbox::body_text))
                .load(conn)?)
        })
        .unwrap()
}

/// The ticket's alert rows: (stage, kind).
fn alerts(app: &TestApp, ticket: &str) -> Vec<(String, String)> {
    let ticket = ticket.to_owned();
    app.db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::sla_alerts;
            Ok(sla_alerts::table
                .filter(sla_alerts::ticket_id.eq(ticket))
                .order(sla_alerts::created_at.asc())
                .select((sla_alerts::stage, sla_alerts::kind))
                .load(conn)?)
        })
        .unwrap()
}

fn audit_actions(app: &TestApp, ticket: &str) -> Vec<String> {
    let ticket = ticket.to_owned();
    app.db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::audit_events;
            Ok(audit_events::table
                .filter(audit_events::ticket_id.eq(ticket))
                .filter(audit_events::action.like("sla.%"))
                .order(audit_events::created_at.asc())
                .select(audit_events::action)
                .load(conn)?)
        })
        .unwrap()
}

fn pair(stage: &str, kind: &str) -> (String, String) {
    (stage.to_owned(), kind.to_owned())
}

both!(a_warning_then_an_escalation_once_each, warn_breach_body);
async fn warn_breach_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    own_phones(&app);
    // Level 1: the response within 30 minutes, the warning at 75 % (22.5 minutes).
    let (id, call) = ticket(&app, 1, 5).await;
    let worker = timer(&app);

    let quiet = worker.run_at(call + Duration::minutes(22)).await.unwrap();
    assert_eq!((quiet.warnings, quiet.breaches), (0, 0), "{quiet:?}");
    assert!(quiet.checked >= 1);

    let warned = worker.run_at(call + Duration::minutes(23)).await.unwrap();
    assert_eq!(
        warned,
        Round {
            checked: warned.checked,
            warnings: 1,
            breaches: 0,
            messages: 2,
            late: 0,
            complaints: 0,
            resumed: 0,
        }
    );
    let sms = messages(&app, "promise_warning");
    let mut to: Vec<&str> = sms.iter().map(|(r, _)| r.as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, [MANAGER_PHONE, DIRECTOR_PHONE], "level 1 warns both");
    assert!(sms[0].1.contains("还剩7分钟"), "{}", sms[0].1);
    assert!(sms[0].1.contains("一级（重大）救援单"), "{}", sms[0].1);
    assert!(sms[0].1.contains(&format!("/tickets/{id}")), "{}", sms[0].1);

    // Once: a later round and a restarted worker tell nobody again.
    let again = worker.run_at(call + Duration::minutes(25)).await.unwrap();
    assert_eq!((again.warnings, again.messages), (0, 0));
    let restarted = timer(&app)
        .run_at(call + Duration::minutes(26))
        .await
        .unwrap();
    assert_eq!((restarted.warnings, restarted.messages), (0, 0));

    let late = worker.run_at(call + Duration::minutes(31)).await.unwrap();
    assert_eq!((late.warnings, late.breaches, late.messages), (0, 1, 2));
    let sms = messages(&app, "promise_breached");
    assert_eq!(
        sms.len(),
        2,
        "manager and director; the duty manager falls back to them"
    );
    assert!(sms[0].1.contains("已超1分钟"), "{}", sms[0].1);
    let still = worker.run_at(call + Duration::minutes(40)).await.unwrap();
    assert_eq!((still.breaches, still.messages), (0, 0));

    assert_eq!(
        alerts(&app, &id),
        [
            pair("response_started", "warning"),
            pair("response_started", "breach")
        ]
    );
    assert_eq!(audit_actions(&app, &id), ["sla.warning", "sla.breached"]);

    // The ticket's trail shows both, by nobody (the system).
    let (status, detail) = app
        .get_json(&app.token("hz.manager"), &format!("/api/v1/tickets/{id}"))
        .await;
    assert_eq!(status, 200);
    let trail: Vec<&Value> = detail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("sla."))
        .collect();
    assert_eq!(trail.len(), 2, "{detail}");
    assert!(trail.iter().all(|e| e["actor"].is_null()));

    // The ticket page's timeline names them, by the system, with the stage and who was told.
    let client = crate::pages::signed_in(&app, "hz.manager").await;
    let page = crate::helpers::page_text(&client, &app, &format!("/tickets/{id}")).await;
    for words in [
        "承诺已超时，已升级",
        "承诺即将超时，已提醒",
        "系统自动",
        "启动响应（方案提交）：已通知",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
}

both!(a_ticket_found_late_gets_the_escalation_only, late_only_body);
async fn late_only_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Level 3: the response within 4 hours; the worker was down until well past it.
    let (id, call) = ticket(&app, 3, 1).await;
    let round = timer(&app).run_at(call + Duration::hours(5)).await.unwrap();
    assert_eq!((round.warnings, round.breaches), (0, 1));
    assert_eq!(alerts(&app, &id), [pair("response_started", "breach")]);
    // Level 3 breaches tell the manager only (config/default.toml), by one SMS.
    assert_eq!(messages(&app, "promise_breached").len(), 1);
    assert!(messages(&app, "promise_warning").is_empty());
}

both!(
    a_stage_ended_late_between_rounds_is_recorded_once_and_tells_nobody,
    ended_late_body
);
async fn ended_late_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    own_phones(&app);
    // Level 1, called 40 minutes ago: the response was due at 30 and no round has run since the
    // call (the worker was down). The plan goes in now, 10 minutes late.
    let (id, _) = ticket(&app, 1, 40).await;
    let workshop = app.token("hz.workshop");
    let (status, plan) = app
        .put(
            &workshop,
            &format!("/api/v1/tickets/{id}/plan"),
            &plan_body(),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    let (status, plan) = app
        .post(
            &workshop,
            &format!("/api/v1/tickets/{id}/plan/submit"),
            &json!({"version": 1}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");

    // Two nodes' timers come up together: one of them records the breach.
    let now = Utc::now().naive_utc();
    let (a, b) = (timer(&app), timer(&app));
    let (ra, rb) = tokio::join!(a.run_at(now), b.run_at(now));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.late + rb.late, 1, "{ra:?} {rb:?}");
    assert_eq!(ra.breaches + rb.breaches, 0, "{ra:?} {rb:?}");
    assert_eq!(alerts(&app, &id), [pair("response_started", "breach")]);
    assert_eq!(audit_actions(&app, &id), ["sla.late"]);
    // The step it would chase is done: nobody is told.
    assert!(messages(&app, "promise_breached").is_empty());
    assert!(messages(&app, "promise_warning").is_empty());
    let deadline: String = {
        let id = id.clone();
        app.db
            .read_blocking(move |conn| {
                use rescuedesk::db::schema::audit_events;
                let data: Option<String> = audit_events::table
                    .filter(audit_events::ticket_id.eq(id))
                    .filter(audit_events::action.eq("sla.late"))
                    .select(audit_events::data)
                    .first(conn)?;
                Ok(data.unwrap_or_default())
            })
            .unwrap()
    };
    let data: Value = serde_json::from_str(&deadline).unwrap();
    assert_eq!(data["stage"], "response_started", "{data}");
    assert!(data["reached_at"].as_str().unwrap() > data["deadline"].as_str().unwrap());

    // The next round, and a worker started afresh (it looks back again), record nothing more.
    assert_eq!(a.run_at(now).await.unwrap().late, 0);
    assert_eq!(timer(&app).run_at(now).await.unwrap().late, 0);
    // The ticket page tells the story in words.
    let manager = crate::pages::signed_in(&app, "hz.manager").await;
    let page = crate::helpers::page_text(&manager, &app, &format!("/tickets/{id}")).await;
    assert!(page.contains("环节完成时已超时，已记录"), "{page}");
    assert!(
        page.contains("超时 10 分钟完成") || page.contains("超时 11 分钟完成"),
        "{page}"
    );
    manager.get(app.url("/lang/en")).send().await.unwrap();
    let en = crate::helpers::page_text(&manager, &app, &format!("/tickets/{id}")).await;
    assert!(
        en.contains("Promise broken when the stage ended: recorded"),
        "{en}"
    );
}

both!(a_paused_clock_is_not_chased, paused_body);
async fn paused_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, _) = ticket(&app, 1, 5).await;
    let manager = app.token("hz.manager");
    let (status, body) = app
        .post(
            &manager,
            &format!("/api/v1/tickets/{id}/pause"),
            &json!({"reason": "customer_asked_to_wait"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let worker = timer(&app);
    let now = Utc::now().naive_utc();
    // An hour on: the clock stood still since the pause (5 minutes on it), so nobody is told.
    let paused = worker.run_at(now + Duration::hours(1)).await.unwrap();
    assert_eq!((paused.warnings, paused.breaches), (0, 0), "{paused:?}");

    let (status, body) = app
        .post(
            &manager,
            &format!("/api/v1/tickets/{id}/resume"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Resumed now with about 25 minutes left: on time in 10 minutes, warned in 20, late in 26.
    let now = Utc::now().naive_utc();
    let r = worker.run_at(now + Duration::minutes(10)).await.unwrap();
    assert_eq!((r.warnings, r.breaches), (0, 0), "{r:?}");
    let r = worker.run_at(now + Duration::minutes(20)).await.unwrap();
    assert_eq!((r.warnings, r.breaches), (1, 0), "{r:?}");
    let r = worker.run_at(now + Duration::minutes(26)).await.unwrap();
    assert_eq!((r.warnings, r.breaches), (0, 1), "{r:?}");
}

both!(a_stage_finished_in_time_breaks_no_promise, in_time_body);
async fn in_time_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Level 1, called 20 minutes ago; the plan goes in now, 10 minutes before the deadline.
    let (id, call) = ticket(&app, 1, 20).await;
    let workshop = app.token("hz.workshop");
    let (status, plan) = app
        .put(
            &workshop,
            &format!("/api/v1/tickets/{id}/plan"),
            &plan_body(),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    let (status, plan) = app
        .post(
            &workshop,
            &format!("/api/v1/tickets/{id}/plan/submit"),
            &json!({"version": 1}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    // Past the response deadline: that promise was kept; the approval's (60 minutes) is not due.
    let r = timer(&app)
        .run_at(call + Duration::minutes(31))
        .await
        .unwrap();
    assert_eq!((r.warnings, r.breaches), (0, 0), "{r:?}");
    assert!(alerts(&app, &id).is_empty());
    // The approval's warning comes at 45 minutes, for the approval stage.
    let r = timer(&app)
        .run_at(call + Duration::minutes(46))
        .await
        .unwrap();
    assert_eq!((r.warnings, r.breaches), (1, 0), "{r:?}");
    assert_eq!(alerts(&app, &id), [pair("approved", "warning")]);
}

both!(a_finished_rescue_is_left_alone, finished_body);
async fn finished_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, call) = ticket(&app, 1, 5).await;
    let (status, body) = app
        .post(
            &app.token("hz.agent"),
            &format!("/api/v1/tickets/{id}/cancel"),
            &json!({"reason": "客户自行解决"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let r = timer(&app).run_at(call + Duration::hours(2)).await.unwrap();
    assert_eq!((r.checked, r.warnings, r.breaches), (0, 0, 0), "{r:?}");
}

both!(two_workers_racing_tell_once, racing_body);
async fn racing_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    own_phones(&app);
    let mut ids = Vec::new();
    for _ in 0..6 {
        ids.push(ticket(&app, 2, 1).await.0);
    }
    // Level 2: the response within 2 hours. Two nodes' timers look at the same moment.
    let at = Utc::now().naive_utc() + Duration::hours(3);
    let (a, b) = (timer(&app), timer(&app));
    let (ra, rb) = tokio::join!(a.run_at(at), b.run_at(at));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.breaches + rb.breaches, 6, "{ra:?} {rb:?}");
    assert_eq!(ra.warnings + rb.warnings, 0);
    // Level 2 breaches tell manager and director: two messages per ticket, none twice.
    assert_eq!(ra.messages + rb.messages, 12);
    assert_eq!(messages(&app, "promise_breached").len(), 12);
    for id in &ids {
        assert_eq!(alerts(&app, id), [pair("response_started", "breach")]);
    }
}

both!(a_page_boundary_skips_no_ticket, paging_body);
async fn paging_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for _ in 0..5 {
        ticket(&app, 3, 1).await;
    }
    // Three tickets a page: the round reads two pages and tells all five.
    let settings = settings_for(&app.database_url());
    let mut timer_settings = settings.timer.clone();
    timer_settings.batch_size = 3;
    let notifier = rescuedesk::startup::notifier(&settings, &app.db, 8080).unwrap();
    let worker = TimerWorker::new(
        app.db.clone(),
        settings.sla,
        settings.follow_up,
        notifier,
        timer_settings,
    );
    let r = worker
        .run_at(Utc::now().naive_utc() + Duration::hours(5))
        .await
        .unwrap();
    assert_eq!((r.checked, r.breaches), (5, 5), "{r:?}");
}

both!(
    the_alert_row_decides_between_workers_that_saw_the_same,
    same_due_body
);
async fn same_due_body(backend: Backend) {
    use rescuedesk::services::alerts;
    let app = TestApp::spawn(backend).await;
    let (id, call) = ticket(&app, 1, 1).await;
    let settings = settings_for(&app.database_url());
    let notifier = rescuedesk::startup::notifier(&settings, &app.db, 8080).unwrap();
    let at = call + Duration::minutes(40);
    // Both workers read before either writes: each holds the same due escalation.
    let sla = settings.sla.clone();
    let seen = app
        .db
        .read_blocking(move |conn| {
            let page = rescuedesk::repo::alerts::open_tickets(conn, None, 10)?;
            alerts::due(conn, &sla, &page, at)
        })
        .unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let mut told = Vec::new();
    for _ in 0..2 {
        let (sla, notifier, due) = (settings.sla.clone(), notifier.clone(), seen[0].clone());
        told.push(
            app.db
                .write_blocking(move |conn| alerts::record(conn, &sla, &notifier, &due, at))
                .unwrap(),
        );
    }
    assert!(told[0].is_some() && told[1].is_none(), "{told:?}");
    assert_eq!(alerts(&app, &id), [pair("response_started", "breach")]);
    assert_eq!(audit_actions(&app, &id), ["sla.breached"]);
}
