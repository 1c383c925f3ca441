//! The customer rates the rescue on their status link: the form only once the rescue is over and
//! its follow-up open; a 5 answers the follow-up as the customer's, a wordless 2 opens a complaint
//! nobody signed in opened; once only; an unfinished or cancelled rescue, bad input and dead links
//! are refused with nothing written.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::both;
use crate::follow_ups::resolve;
use crate::helpers::{page_text, Backend, TestApp};
use crate::links::{code_in, message_to};
use crate::pages::{csrf_of, signed_in};
use crate::photos::on_site;

const CUSTOMER_PHONE: &str = "13812345678";

/// A client that keeps the language cookie and shows redirects as they are.
fn anon() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A rescue with the crew on site: (its ticket id, the customer's status link code from the
/// "crew departed" SMS).
async fn on_site_with_link(app: &TestApp) -> (String, String) {
    let (id, _) = on_site(app).await;
    let code = code_in(
        &message_to(app, "customer_crew_departed", CUSTOMER_PHONE),
        's',
    );
    (id, code)
}

/// The rating posted as JSON: (status, body).
async fn rate_json(app: &TestApp, code: &str, body: &Value) -> (u16, Value) {
    let res = anon()
        .post(app.url(&format!("/s/{code}/rating")))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The rating posted by the page's form: (status, the Location header, the body).
async fn rate_form(
    client: &reqwest::Client,
    app: &TestApp,
    code: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let res = client
        .post(app.url(&format!("/s/{code}/rating")))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, res.text().await.unwrap())
}

/// A follow-up row as the database holds it: (status, attempts, score, done_by, by_customer).
type FollowUpRow = (String, i32, Option<i32>, Option<String>, bool);

/// An audit event as stored: (action, actor_id, comment, data).
type AuditRow = (String, Option<String>, Option<String>, Option<String>);

/// The ticket's follow-up row, if it has one.
fn follow_up_row(app: &TestApp, ticket: &str) -> Option<FollowUpRow> {
    let ticket = ticket.to_owned();
    app.db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::follow_ups as f;
            Ok(f::table
                .filter(f::ticket_id.eq(ticket))
                .select((f::status, f::attempts, f::score, f::done_by, f::by_customer))
                .first(conn)
                .optional()?)
        })
        .unwrap()
}

/// The ticket's audit events as stored (the API leaves their data out): action, actor, comment
/// and data.
fn audit(app: &TestApp, ticket: &str) -> Vec<Value> {
    let ticket = ticket.to_owned();
    let rows: Vec<AuditRow> = app
        .db
        .read_blocking(move |conn| {
            use rescuedesk::db::schema::audit_events as a;
            Ok(a::table
                .filter(a::ticket_id.eq(ticket))
                .order((a::created_at.asc(), a::id.asc()))
                .select((a::action, a::actor_id, a::comment, a::data))
                .load(conn)?)
        })
        .unwrap();
    rows.into_iter()
        .map(|(action, actor, comment, data)| {
            json!({
                "action": action,
                "actor": actor,
                "comment": comment,
                "data": data.map(|d| serde_json::from_str::<Value>(&d).unwrap()),
            })
        })
        .collect()
}

both!(
    the_status_page_offers_the_rating_only_once_the_rescue_is_over,
    offered_body
);
async fn offered_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, code) = on_site_with_link(&app).await;
    let client = anon();
    let page = page_text(&client, &app, &format!("/s/{code}")).await;
    assert!(page.contains(r#"data-status="on_site""#), "{page}");
    assert!(!page.contains(r#"id="rating-form""#), "not while on site");
    // Rating a rescue still going on: refused, and nothing written.
    let (status, e) = rate_json(&app, &code, &json!({"score": 5})).await;
    assert_eq!(
        (status, e["error"].as_str()),
        (409, Some("invalid_transition"))
    );
    assert_eq!(e["params"]["status"], "on_site", "{e}");
    assert!(follow_up_row(&app, &id).is_none());

    resolve(&app, &id).await;
    let page = page_text(&client, &app, &format!("/s/{code}")).await;
    assert!(page.contains(r#"id="rating-form""#), "{page}");
    // The "fixed" SMS invites the rating on its status link, and that link offers it too.
    let sms = message_to(&app, "customer_resolved", CUSTOMER_PHONE);
    assert!(sms.contains("为本次服务打分"), "{sms}");
    let resolved_code = code_in(&sms, 's');
    let page = page_text(&client, &app, &format!("/s/{resolved_code}")).await;
    assert!(page.contains(r#"id="rating-form""#), "{page}");
    assert!(page.contains(&format!(r#"action="/s/{resolved_code}/rating""#)));
    for n in 1..=5 {
        assert!(
            page.contains(&format!(r#"name="score" value="{n}" id="score-{n}""#)),
            "star {n}: {page}"
        );
    }
    assert!(page.contains("请为本次救援服务打分") && page.contains("5 星 · 非常满意"));
    assert!(!page.contains(r#"data-testid="rating-thanks""#));
    // English by the page's switch, English alone.
    client.get(app.url("/lang/en")).send().await.unwrap();
    let en = page_text(&client, &app, &format!("/s/{code}")).await;
    assert!(
        en.contains("Please rate our rescue service") && en.contains("1 star · very dissatisfied"),
        "{en}"
    );
    for zh in ["打分", "满意", "提交评价", "选填"] {
        assert!(!en.contains(zh), "{zh} in {en}");
    }
}

both!(
    a_five_on_the_link_answers_the_follow_up_as_the_customer_once,
    five_body
);
async fn five_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, code) = on_site_with_link(&app).await;
    resolve(&app, &id).await;
    let events_before = audit(&app, &id).len();

    // Bad input: refused on its field, nothing written.
    for (body, field) in [
        (json!({"score": 0}), "score"),
        (json!({"score": 6}), "score"),
        (json!({"score": "five"}), "score"),
        (json!({"score": 4, "comment": "好".repeat(1001)}), "comment"),
    ] {
        let (status, e) = rate_json(&app, &code, &body).await;
        assert_eq!(status, 400, "{body}: {e}");
        assert_eq!(e["error"], "validation_failed", "{e}");
        assert!(e["fields"][field].is_string(), "{field}: {e}");
    }
    let (status, e) = rate_json(&app, &code, &json!({"stars": 5})).await;
    assert_eq!(status, 400, "unknown field: {e}");
    let client = anon();
    for form in [
        vec![("comment", "没选分")],
        vec![("score", "abc")],
        vec![("score", "9")],
    ] {
        let (status, _, html) = rate_form(&client, &app, &code, &form).await;
        assert_eq!(status, 400, "{form:?}");
        assert!(html.contains(r#"data-field="score""#), "{html}");
        assert!(html.contains(r#"data-error="validation_failed""#), "{html}");
        assert!(html.contains(r#"id="rating-form""#), "the form again");
    }
    let long = "好".repeat(1001);
    let (status, _, html) =
        rate_form(&client, &app, &code, &[("score", "4"), ("comment", &long)]).await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"data-field="comment""#), "{html}");
    assert!(
        html.contains(r#"value="4" id="score-4" checked"#),
        "the score kept"
    );
    assert_eq!(
        follow_up_row(&app, &id).unwrap(),
        ("open".to_owned(), 0, None, None, false)
    );
    assert_eq!(audit(&app, &id).len(), events_before);

    let (status, r) = rate_json(
        &app,
        &code,
        &json!({"score": 5, "comment": "来得很快，师傅很专业"}),
    )
    .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["rating"], json!({"state": "rated", "score": 5}));
    assert_eq!(
        follow_up_row(&app, &id).unwrap(),
        ("done".to_owned(), 1, Some(5), None, true),
        "answered by the customer, no agent"
    );
    // Once only, whichever way it comes again.
    let (status, e) = rate_json(&app, &code, &json!({"score": 1})).await;
    assert_eq!((status, e["error"].as_str()), (409, Some("stale_state")));
    let (status, _, html) = rate_form(&client, &app, &code, &[("score", "1")]).await;
    assert_eq!(status, 409);
    assert!(html.contains(r#"data-testid="rating-thanks""#), "{html}");
    assert!(html.contains(r#"data-error="stale_state""#) && html.contains("您已经评价过了"));
    assert!(!html.contains(r#"id="rating-form""#));
    assert_eq!(follow_up_row(&app, &id).unwrap().2, Some(5));

    // The timeline: one answer, from the customer's link, with no user.
    let answered: Vec<Value> = audit(&app, &id)
        .into_iter()
        .filter(|e| e["action"] == "follow_up.answered")
        .collect();
    assert_eq!(answered.len(), 1, "{answered:?}");
    let e = &answered[0];
    assert!(e["actor"].is_null(), "{e}");
    assert_eq!(e["comment"], "来得很快，师傅很专业");
    assert_eq!(
        (&e["data"]["by"], &e["data"]["via"], &e["data"]["score"]),
        (&json!("customer"), &json!("link"), &json!(5)),
        "{e}"
    );
    assert!(e["data"]["link_id"].is_string(), "{e}");
    assert!(!audit(&app, &id)
        .iter()
        .any(|e| e["action"] == "complaint.opened"));

    // The page: thanks and the score, never the form again.
    let page = page_text(&client, &app, &format!("/s/{code}")).await;
    assert!(
        page.contains(r#"data-score="5""#) && page.contains("感谢您的评价"),
        "{page}"
    );
    assert!(page.contains("★★★★★"));
    assert!(!page.contains(r#"id="rating-form""#));

    // The desk: off the queue, answered by the customer.
    let agent = app.token("hz.agent");
    let (_, q) = app.get_json(&agent, "/api/v1/follow-ups").await;
    assert_eq!(q["total"], 0, "{q}");
    let fid: String = {
        let t = id.clone();
        app.db
            .read_blocking(move |conn| {
                use rescuedesk::db::schema::follow_ups as f;
                Ok(f::table
                    .filter(f::ticket_id.eq(t))
                    .select(f::id)
                    .first(conn)?)
            })
            .unwrap()
    };
    let (status, d) = app
        .get_json(&agent, &format!("/api/v1/follow-ups/{fid}"))
        .await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["follow_up"]["status"], "done");
    assert_eq!(d["follow_up"]["score"], 5);
    assert_eq!(d["follow_up"]["by_customer"], true);
    assert_eq!(d["follow_up"]["comment"], "来得很快，师傅很专业");
    let desk = signed_in(&app, "hz.agent").await;
    let html = page_text(&desk, &app, &format!("/follow-ups/{fid}")).await;
    assert!(
        html.contains(r#"data-testid="by-customer""#) && html.contains("客户通过短信链接评价"),
        "{html}"
    );
    assert!(!html.contains(r#"id="follow-up-form""#), "nothing to call");
    // The agent's stale form is refused, the customer's answer kept.
    let (status, e) = app
        .post(
            &agent,
            &format!("/api/v1/follow-ups/{fid}/answer"),
            &json!({"attempts": 0, "score": 3}),
        )
        .await;
    assert_eq!((status, e["error"].as_str()), (409, Some("stale_state")));
    let ticket = page_text(&desk, &app, &format!("/tickets/{id}")).await;
    assert!(
        ticket.contains("客户通过短信链接评价") && ticket.contains("满意度 5 分"),
        "the timeline names the customer: {ticket}"
    );
}

both!(
    a_wordless_two_on_the_link_opens_a_complaint_nobody_signed_in_opened,
    two_body
);
async fn two_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, code) = on_site_with_link(&app).await;
    resolve(&app, &id).await;
    let client = anon();
    let (status, location, _) =
        rate_form(&client, &app, &code, &[("score", "2"), ("comment", "")]).await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("/s/{code}#rating"));
    let page = page_text(&client, &app, &format!("/s/{code}")).await;
    assert!(page.contains(r#"data-score="2""#), "{page}");

    let manager = app.token("hz.manager");
    let (_, open) = app.get_json(&manager, "/api/v1/complaints").await;
    assert_eq!(open["total"], 1, "{open}");
    let c = &open["items"][0];
    assert_eq!(c["summary"], "客户通过短信链接打了 2 分", "{c}");
    assert_eq!(c["summary_code"], "customer_link_score:2");
    assert!(c["opened_by"].is_null(), "{c}");
    assert_eq!(c["opened_by_customer"], true);
    assert!(c["owner"].is_string(), "a service manager owns it: {c}");
    let cid = c["id"].as_str().unwrap().to_owned();
    let res = app
        .client
        .get(app.url(&format!("/api/v1/complaints/{cid}")))
        .bearer_auth(&manager)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let en: Value = res.json().await.unwrap();
    assert_eq!(
        en["summary"], "The customer gave 2 out of 5 on their SMS link",
        "{en}"
    );
    let opened_by: Option<Option<String>> = {
        let c = cid.clone();
        app.db
            .read_blocking(move |conn| {
                use rescuedesk::db::schema::complaints;
                Ok(complaints::table
                    .filter(complaints::id.eq(c))
                    .select(complaints::opened_by)
                    .first(conn)
                    .optional()?)
            })
            .unwrap()
    };
    assert_eq!(opened_by, Some(None), "no user opened it");
    let opened: Vec<Value> = audit(&app, &id)
        .into_iter()
        .filter(|e| e["action"] == "complaint.opened")
        .collect();
    assert_eq!(opened.len(), 1);
    assert!(opened[0]["actor"].is_null());
    assert_eq!(opened[0]["data"]["by"], "customer");

    // The manager's pages: the complaints list and the case say who opened it.
    let desk = signed_in(&app, "hz.manager").await;
    let list = page_text(&desk, &app, "/complaints").await;
    assert!(list.contains("客户通过短信链接打了 2 分"), "{list}");
    let case = page_text(&desk, &app, &format!("/complaints/{cid}")).await;
    assert!(case.contains("客户通过短信链接评价"), "{case}");
    assert!(!case.contains("sys:"), "{case}");

    // A second rating: 409, still one complaint.
    let (status, e) = rate_json(&app, &code, &json!({"score": 1})).await;
    assert_eq!((status, e["error"].as_str()), (409, Some("stale_state")));
    let (_, open) = app.get_json(&manager, "/api/v1/complaints").await;
    assert_eq!(open["total"], 1);
}

both!(
    a_cancelled_rescue_and_dead_links_cannot_be_rated,
    refused_body
);
async fn refused_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // A caller texted a status link to send their location, then the rescue was cancelled.
    let t: Value = app
        .post_ticket(&app.token("hz.agent"), &crate::helpers::intake_body())
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().unwrap().to_owned();
    let agent = signed_in(&app, "hz.agent").await;
    let csrf = csrf_of(&page_text(&agent, &app, &format!("/tickets/{id}")).await);
    let res = agent
        .post(app.url(&format!("/tickets/{id}/act/location-request")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
    let code = code_in(
        &message_to(&app, "customer_location_request", CUSTOMER_PHONE),
        's',
    );
    let (status, _) = app
        .post(
            &app.token("hz.agent"),
            &format!("/api/v1/tickets/{id}/cancel"),
            &json!({"reason": "客户自行解决"}),
        )
        .await;
    assert_eq!(status, 200);
    let client = anon();
    let page = page_text(&client, &app, &format!("/s/{code}")).await;
    assert!(page.contains(r#"data-status="cancelled""#), "{page}");
    assert!(!page.contains(r#"id="rating""#), "{page}");
    let (status, e) = rate_json(&app, &code, &json!({"score": 1})).await;
    assert_eq!(
        (status, e["error"].as_str()),
        (409, Some("invalid_transition"))
    );
    assert_eq!(e["params"]["status"], "cancelled");
    let (status, _, html) = rate_form(&client, &app, &code, &[("score", "1")]).await;
    assert_eq!(status, 409);
    assert!(
        html.contains(r#"data-error="invalid_transition""#),
        "{html}"
    );
    assert!(follow_up_row(&app, &id).is_none());
    assert_eq!(app.count("complaints"), 0);

    // Links: a forged code as for the location post (403 JSON); the form gets the link's page.
    let (status, e) = rate_json(&app, "forged-code-000", &json!({"score": 5})).await;
    assert_eq!((status, e["error"].as_str()), (403, Some("forbidden")));
    let res = anon()
        .post(app.url("/s/forged-code-000/location"))
        .json(&json!({"lat": 30.0, "lon": 120.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403, "the same as the location post");
    let (status, _, _) = rate_form(&client, &app, "forged-code-000", &[("score", "5")]).await;
    assert_eq!(status, 404);

    // A revoked link of a finished rescue: refused, nothing written.
    let (done, live) = on_site_with_link(&app).await;
    resolve(&app, &done).await;
    let ticket = done.clone();
    app.db
        .write_blocking(move |conn| rescuedesk::repo::links::revoke(conn, &ticket, "customer"))
        .unwrap();
    let (status, e) = rate_json(&app, &live, &json!({"score": 5})).await;
    assert_eq!(
        (status, e["error"].as_str()),
        (403, Some("forbidden")),
        "{e}"
    );
    let (status, _, _) = rate_form(&client, &app, &live, &[("score", "5")]).await;
    assert_eq!(status, 410, "revoked");
    assert_eq!(follow_up_row(&app, &done).unwrap().0, "open");
}
