//! Sessions and tokens (issue 15): the user's own list with revoke and sign-out everywhere, the
//! group admin's revokes, the idle and absolute expiry; a revoked session or token is refused on
//! its very next request; nothing listed is a cookie, a token or a hash of one.

use diesel::prelude::*;
use reqwest::header::LOCATION;
use serde_json::Value;

use crate::both;
use crate::helpers::{page_text, Backend, TestApp, PASSWORD};
use crate::pages::csrf_of;
use rescuedesk::db::schema::{audit_events, sessions, users};

/// A client signed in as `login`, announcing itself as `agent` (its browser), and its cookie.
async fn browser(app: &TestApp, login: &str, agent: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .user_agent(agent)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = page_text(&client, app, "/login").await;
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("login", login),
            ("password", PASSWORD),
            ("csrf", &csrf_of(&page)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "sign-in of {login}");
    let cookie = res
        .cookies()
        .find(|c| c.name() == "rd_session")
        .expect("session cookie")
        .value()
        .to_owned();
    (client, cookie)
}

/// Whether the client's session still lets it in (a page answers, not the sign-in redirect).
async fn signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    let res = client.get(app.url("/work")).send().await.unwrap();
    match res.status().as_u16() {
        200 => true,
        303 => {
            assert!(res.headers()[LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/login"));
            false
        }
        s => panic!("unexpected {s}"),
    }
}

async fn post_form(client: &reqwest::Client, app: &TestApp, path: &str, csrf: &str) -> u16 {
    client
        .post(app.url(path))
        .form(&[("csrf", csrf)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn delete(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let res = app
        .client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn user_id(app: &TestApp, login: &'static str) -> String {
    app.db
        .read_blocking(move |conn| {
            Ok(users::table
                .filter(users::login.eq(login))
                .select(users::id)
                .first(conn)?)
        })
        .unwrap()
}

fn audits(app: &TestApp, action: &'static str) -> Vec<(String, Option<String>, Option<String>)> {
    app.db
        .read_blocking(move |conn| {
            Ok(audit_events::table
                .filter(audit_events::action.eq(action))
                .order((audit_events::created_at.asc(), audit_events::id.asc()))
                .select((
                    audit_events::entity_id,
                    audit_events::actor_id,
                    audit_events::data,
                ))
                .load(conn)?)
        })
        .unwrap()
}

/// The id of the session a listed browser signed in with.
fn session_of(list: &Value, agent: &str) -> String {
    list["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["user_agent"] == agent)
        .unwrap_or_else(|| panic!("no session of {agent} in {list}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const WECHAT: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.44";

both!(own_sessions_are_listed_and_revoked, own_sessions_body);
async fn own_sessions_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (desk, desk_cookie) = browser(&app, "hz.agent", CHROME).await;
    let (phone, phone_cookie) = browser(&app, "hz.agent", WECHAT).await;
    let html = page_text(&desk, &app, "/account/sessions").await;
    assert!(
        html.contains("href=\"/account/sessions\""),
        "linked from the header"
    );
    assert!(html.contains("Chrome 120 · Windows") && html.contains("WeChat 8 · iPhone"));
    assert_eq!(
        html.matches("本会话").count(),
        1,
        "this session marked once"
    );
    assert!(html.contains("127.0.0.1"), "the address");
    // Neither the cookies nor their hashes are on the page.
    for c in [&desk_cookie, &phone_cookie] {
        assert!(!html.contains(c.as_str()));
        assert!(!html.contains(&rescuedesk::auth::secret::token_hash(c)));
    }

    let token = app.token("hz.agent");
    let (status, list) = app.get_json(&token, "/api/v1/me/sessions").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 2);
    let body = list.to_string();
    assert!(!body.contains(&desk_cookie) && !body.contains(&phone_cookie));
    assert!(
        !body.contains("id_hash") && !body.contains("csrf"),
        "{body}"
    );
    assert!(list["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["current"] == false));
    let phone_session = session_of(&list, WECHAT);

    // A forged form is refused; the real one ends the phone's session on its next request.
    let path = format!("/account/sessions/{phone_session}/revoke");
    assert_eq!(post_form(&desk, &app, &path, "forged").await, 403);
    assert!(signed_in(&app, &phone).await);
    assert_eq!(post_form(&desk, &app, &path, &csrf_of(&html)).await, 303);
    assert!(!signed_in(&app, &phone).await, "revoked: refused at once");
    assert!(signed_in(&app, &desk).await, "the other session goes on");
    let html = page_text(&desk, &app, "/account/sessions?done=session").await;
    assert!(html.contains("已结束该登录会话"), "the notice");
    assert!(!html.contains("WeChat"));
    // Again: it is gone.
    assert_eq!(post_form(&desk, &app, &path, &csrf_of(&html)).await, 404);
    let (status, _) = delete(
        &app,
        &token,
        &format!("/api/v1/me/sessions/{phone_session}"),
    )
    .await;
    assert_eq!(status, 404);
    let agent = user_id(&app, "hz.agent");
    let events = audits(&app, "session.revoked");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, agent);
    assert_eq!(events[0].1.as_deref(), Some(agent.as_str()));
    assert!(events[0].2.as_deref().unwrap().contains(&phone_session));

    // Over the API the desk's session ends the same way.
    let desk_session = session_of(&app.get_json(&token, "/api/v1/me/sessions").await.1, CHROME);
    let (status, _) = delete(&app, &token, &format!("/api/v1/me/sessions/{desk_session}")).await;
    assert_eq!(status, 204);
    assert!(!signed_in(&app, &desk).await);
    // A malformed id is the API's 400 naming it, and a page's 404.
    let (status, e) = delete(&app, &token, "/api/v1/me/sessions/not-an-id").await;
    assert_eq!((status, e["fields"]["id"].is_string()), (400, true), "{e}");
    let (desk, _) = browser(&app, "hz.agent", CHROME).await;
    let html = page_text(&desk, &app, "/account/sessions").await;
    let long = format!("/account/sessions/{}/revoke", "x".repeat(5000));
    assert_eq!(post_form(&desk, &app, &long, &csrf_of(&html)).await, 404);
}

both!(another_users_sessions_and_tokens_are_not_found, others_body);
async fn others_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (manager, _) = browser(&app, "hz.manager", CHROME).await;
    let manager_token = app.token("hz.manager");
    let (_, list) = app.get_json(&manager_token, "/api/v1/me/sessions").await;
    let manager_session = session_of(&list, CHROME);
    let (_, tokens) = app.get_json(&manager_token, "/api/v1/me/tokens").await;
    let manager_token_id = tokens["tokens"][0]["id"].as_str().unwrap().to_owned();

    let (agent, _) = browser(&app, "hz.agent", CHROME).await;
    let agent_token = app.token("hz.agent");
    let html = page_text(&agent, &app, "/account/sessions").await;
    let csrf = csrf_of(&html);
    let path = format!("/account/sessions/{manager_session}/revoke");
    assert_eq!(post_form(&agent, &app, &path, &csrf).await, 404);
    let path = format!("/account/tokens/{manager_token_id}/revoke");
    assert_eq!(post_form(&agent, &app, &path, &csrf).await, 404);
    let (status, e) = delete(
        &app,
        &agent_token,
        &format!("/api/v1/me/sessions/{manager_session}"),
    )
    .await;
    assert_eq!(
        (status, e["error"].as_str()),
        (404, Some("not_found")),
        "{e}"
    );
    let (status, _) = delete(
        &app,
        &agent_token,
        &format!("/api/v1/me/tokens/{manager_token_id}"),
    )
    .await;
    assert_eq!(status, 404);
    // Nor through the admin's door: the agent is no admin.
    let manager_id = user_id(&app, "hz.manager");
    let (status, e) = app
        .get_json(
            &agent_token,
            &format!("/api/v1/users/{manager_id}/sessions"),
        )
        .await;
    assert_eq!(
        (status, e["error"].as_str()),
        (403, Some("forbidden")),
        "{e}"
    );
    let (status, _) = delete(
        &app,
        &agent_token,
        &format!("/api/v1/users/{manager_id}/sessions"),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = app.get_json(&agent_token, "/api/v1/users").await;
    assert_eq!(status, 403);
    let res = agent.get(app.url("/admin/users")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let path = format!("/admin/users/{manager_id}/sessions/revoke-all");
    assert_eq!(post_form(&agent, &app, &path, &csrf).await, 403);
    // The manager is still in, the token still works.
    assert!(signed_in(&app, &manager).await);
    let (status, _) = app.get_json(&manager_token, "/api/v1/me").await;
    assert_eq!(status, 200);
    assert!(audits(&app, "session.revoked").is_empty());
    assert!(audits(&app, "token.revoked").is_empty());
}

both!(sign_out_everywhere_else_and_everywhere, everywhere_body);
async fn everywhere_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (a, _) = browser(&app, "hz.workshop", CHROME).await;
    let (b, _) = browser(&app, "hz.workshop", WECHAT).await;
    let (c, _) = browser(&app, "hz.workshop", "curl/8.5.0").await;
    let (other_user, _) = browser(&app, "hz.manager", CHROME).await;
    let html = page_text(&a, &app, "/account/sessions").await;
    assert!(html.contains("id=\"revoke-others\""));
    let status = post_form(&a, &app, "/account/sessions/revoke-others", &csrf_of(&html)).await;
    assert_eq!(status, 303);
    assert!(!signed_in(&app, &b).await && !signed_in(&app, &c).await);
    assert!(signed_in(&app, &a).await, "this one stays");
    assert!(signed_in(&app, &other_user).await, "nobody else's ends");
    let html = page_text(&a, &app, "/account/sessions?done=others").await;
    assert!(
        !html.contains("id=\"revoke-others\""),
        "no other session left"
    );
    let res = a
        .post(app.url("/account/sessions/revoke-all"))
        .form(&[("csrf", csrf_of(&html).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()[LOCATION], "/login");
    assert!(!signed_in(&app, &a).await);
    let events = audits(&app, "session.revoked_all");
    assert_eq!(events.len(), 2);
    assert!(
        events[0].2.as_deref().unwrap().contains("\"revoked\":2"),
        "{events:?}"
    );
    // Over the API: every page session of the caller.
    let (d, _) = browser(&app, "hz.workshop", CHROME).await;
    let (status, n) = delete(&app, &app.token("hz.workshop"), "/api/v1/me/sessions").await;
    assert_eq!((status, n["revoked"].as_i64()), (200, Some(1)), "{n}");
    assert!(!signed_in(&app, &d).await);
    assert!(signed_in(&app, &other_user).await);
}

both!(tokens_are_listed_and_revoked_by_their_owner, tokens_body);
async fn tokens_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app.token("hz.parts");
    let second =
        rescuedesk::services::users::create_token(&app.db, "hz.parts", "dms-sync").unwrap();
    let (status, list) = app.get_json(&first, "/api/v1/me/tokens").await;
    assert_eq!((status, list["total"].as_i64()), (200, Some(2)), "{list}");
    let body = list.to_string();
    assert!(
        !body.contains(&first) && !body.contains(&second),
        "never the token"
    );
    assert!(!body.contains(&rescuedesk::auth::secret::token_hash(&second)));
    let sync = list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "dms-sync")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.get_json(&second, "/api/v1/me").await.0, 200);
    let (status, _) = delete(&app, &first, &format!("/api/v1/me/tokens/{sync}")).await;
    assert_eq!(status, 204);
    let (status, e) = app.get_json(&second, "/api/v1/me").await;
    assert_eq!(
        (status, e["error"].as_str()),
        (401, Some("unauthenticated")),
        "revoked at once"
    );
    // A retry changes nothing; the list says when.
    let (status, _) = delete(&app, &first, &format!("/api/v1/me/tokens/{sync}")).await;
    assert_eq!(status, 204);
    let (_, list) = app.get_json(&first, "/api/v1/me/tokens").await;
    let revoked = list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == sync.as_str())
        .unwrap();
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    assert_eq!(audits(&app, "token.revoked").len(), 1);

    // On the page: the working token is revoked with the form.
    let (page_user, _) = browser(&app, "hz.parts", CHROME).await;
    let html = page_text(&page_user, &app, "/account/sessions").await;
    assert!(
        html.contains("dms-sync") && html.contains("已于"),
        "the revoked one, marked"
    );
    assert!(!html.contains(&first) && !html.contains(&second));
    let live = list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["revoked_at"].is_null())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/account/tokens/{live}/revoke");
    assert_eq!(
        post_form(&page_user, &app, &path, &csrf_of(&html)).await,
        303
    );
    assert_eq!(app.get_json(&first, "/api/v1/me").await.0, 401);
    assert_eq!(audits(&app, "token.revoked").len(), 2);
}

/// A second dealer group with an admin `sh.admin`: staff of another group.
fn other_group(app: &TestApp) {
    app.db
        .write_blocking(|conn| {
            let dealer = crate::helpers::insert_other_group(
                conn,
                crate::helpers::OtherGroup {
                    group: "另一集团",
                    brand: "测试",
                    dealer: "上海测试4S店",
                    address: "测试路 2 号",
                },
            )?;
            rescuedesk::repo::users::insert_user(
                conn,
                &rescuedesk::repo::users::NewUser {
                    login: "sh.admin".into(),
                    name: "上海admin".into(),
                    phone: "13900001111".into(),
                    email: "sh.admin@test.cn".into(),
                    dealer_id: dealer,
                    password_hash: rescuedesk::auth::password::hash_password(PASSWORD)?,
                    roles: vec![rescuedesk::domain::role::Role::Admin],
                },
            )?;
            Ok(())
        })
        .unwrap();
}

both!(admins_revoke_within_their_group_only, admin_body);
async fn admin_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    other_group(&app);
    let (nb_agent, _) = browser(&app, "nb.agent", CHROME).await;
    let nb_token = app.token("nb.agent");
    let nb_id = user_id(&app, "nb.agent");

    // The admin of hz sees the sister dealer's users (one group) and ends nb.agent's session.
    let (admin, _) = browser(&app, "hz.admin", CHROME).await;
    let html = page_text(&admin, &app, "/admin/users").await;
    assert!(
        html.contains("id=\"nav-users\""),
        "in the admin's navigation"
    );
    assert!(html.contains("nb.agent") && html.contains("hz.agent"));
    assert!(!html.contains("sh.admin"), "not another group's");
    let page = format!("/admin/users/{nb_id}/sessions");
    let html = page_text(&admin, &app, &page).await;
    assert!(html.contains("Chrome 120 · Windows"), "{html}");
    let admin_token = app.token("hz.admin");
    let (status, list) = app
        .get_json(&admin_token, &format!("/api/v1/users/{nb_id}/sessions"))
        .await;
    assert_eq!(status, 200, "{list}");
    let session = session_of(&list, CHROME);
    let path = format!("/admin/users/{nb_id}/sessions/{session}/revoke");
    assert_eq!(post_form(&admin, &app, &path, &csrf_of(&html)).await, 303);
    assert!(!signed_in(&app, &nb_agent).await, "ended by the admin");
    let admin_id = user_id(&app, "hz.admin");
    let events = audits(&app, "session.revoked");
    assert_eq!(
        (events[0].0.as_str(), events[0].1.as_deref()),
        (nb_id.as_str(), Some(admin_id.as_str()))
    );
    // …and the token, over the API.
    let (_, tokens) = app
        .get_json(&admin_token, &format!("/api/v1/users/{nb_id}/tokens"))
        .await;
    let token_id = tokens["tokens"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = delete(
        &app,
        &admin_token,
        &format!("/api/v1/users/{nb_id}/tokens/{token_id}"),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(app.get_json(&nb_token, "/api/v1/me").await.0, 401);
    let (status, list) = app.get_json(&admin_token, "/api/v1/users").await;
    assert_eq!(status, 200);
    assert_eq!(
        list["total"], 17,
        "both dealers' 8 roles and the catalogue admin: {list}"
    );

    // The admin of another group finds nothing of this one: 404 on every door.
    let (nb_agent, _) = browser(&app, "nb.agent", CHROME).await;
    let (sh, _) = browser(&app, "sh.admin", CHROME).await;
    let sh_token = app.token("sh.admin");
    let res = sh.get(app.url(&page)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let html = page_text(&sh, &app, "/admin/users").await;
    assert!(!html.contains("nb.agent") && html.contains("sh.admin"));
    let (_, list) = app
        .get_json(&admin_token, &format!("/api/v1/users/{nb_id}/sessions"))
        .await;
    let session = session_of(&list, CHROME);
    let path = format!("/admin/users/{nb_id}/sessions/{session}/revoke");
    assert_eq!(post_form(&sh, &app, &path, &csrf_of(&html)).await, 404);
    let path = format!("/admin/users/{nb_id}/sessions/revoke-all");
    assert_eq!(post_form(&sh, &app, &path, &csrf_of(&html)).await, 404);
    for path in [
        format!("/api/v1/users/{nb_id}/sessions/{session}"),
        format!("/api/v1/users/{nb_id}/sessions"),
    ] {
        let (status, e) = delete(&app, &sh_token, &path).await;
        assert_eq!(
            (status, e["error"].as_str()),
            (404, Some("not_found")),
            "{path}: {e}"
        );
    }
    let (status, _) = app
        .get_json(&sh_token, &format!("/api/v1/users/{nb_id}/tokens"))
        .await;
    assert_eq!(status, 404);
    assert!(
        signed_in(&app, &nb_agent).await,
        "untouched by the other group"
    );
    // A hostile id is refused before any read.
    let (status, _) = app
        .get_json(
            &admin_token,
            &format!("/api/v1/users/{}/sessions", "a".repeat(65)),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = app.get_json(&admin_token, "/api/v1/users?page=0").await;
    assert_eq!(status, 400);
    // The admin ends all of nb.agent's sessions.
    let html = page_text(&admin, &app, &page).await;
    let path = format!("/admin/users/{nb_id}/sessions/revoke-all");
    assert_eq!(post_form(&admin, &app, &path, &csrf_of(&html)).await, 303);
    assert!(!signed_in(&app, &nb_agent).await);
    assert!(signed_in(&app, &admin).await);
}

fn age_session(app: &TestApp, login: &'static str, last_seen_min: i64, expires_min: i64) {
    app.db
        .write_blocking(move |conn| {
            let user: String = users::table
                .filter(users::login.eq(login))
                .select(users::id)
                .first(conn)?;
            let now = rescuedesk::repo::now();
            diesel::update(sessions::table.filter(sessions::user_id.eq(user)))
                .set((
                    sessions::last_seen_at.eq(now - chrono::Duration::minutes(last_seen_min)),
                    sessions::expires_at.eq(now + chrono::Duration::minutes(expires_min)),
                ))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
}

both!(expired_sessions_are_refused, expiry_body);
async fn expiry_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Idle (240 minutes by default): used 4 hours ago is over, 3 hours 59 minutes is not.
    let (idle, _) = browser(&app, "hz.agent", CHROME).await;
    age_session(&app, "hz.agent", 239, 60);
    assert!(signed_in(&app, &idle).await);
    // That use was written (at most once a minute), so the idle time starts again.
    let mut stamped = false;
    for _ in 0..50 {
        let seen: chrono::NaiveDateTime = app
            .db
            .read_blocking(|conn| Ok(sessions::table.select(sessions::last_seen_at).first(conn)?))
            .unwrap();
        if rescuedesk::repo::now() - seen < chrono::Duration::minutes(1) {
            stamped = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(stamped, "the last use is written");
    age_session(&app, "hz.agent", 240, 60);
    assert!(!signed_in(&app, &idle).await, "idle too long");
    // Absolute: busy a minute ago, but past its end.
    let (busy, _) = browser(&app, "hz.manager", CHROME).await;
    age_session(&app, "hz.manager", 1, -1);
    assert!(!signed_in(&app, &busy).await, "past its absolute end");
    // Neither is listed; the next sign-in clears them away.
    let token = app.token("hz.agent");
    let (_, list) = app.get_json(&token, "/api/v1/me/sessions").await;
    assert_eq!(list["total"], 0, "{list}");
    let _ = browser(&app, "hz.parts", CHROME).await;
    assert_eq!(app.count("sessions"), 1);

    // Both limits come from the configuration.
    let app = TestApp::spawn_with(backend, |s| {
        s.auth.session_hours = 1;
        s.auth.session_idle_minutes = 5;
    })
    .await;
    let (short, _) = browser(&app, "hz.agent", CHROME).await;
    app.db
        .read_blocking(|conn| {
            let (created, expires): (chrono::NaiveDateTime, chrono::NaiveDateTime) =
                sessions::table
                    .select((sessions::created_at, sessions::expires_at))
                    .first(conn)?;
            assert_eq!(expires - created, chrono::Duration::hours(1));
            Ok(())
        })
        .unwrap();
    age_session(&app, "hz.agent", 5, 30);
    assert!(!signed_in(&app, &short).await, "idle 5 minutes");
}
