//! Attacks on sign-in and the pages: password guessing (throttling), open redirects, CSP and cookie flags, stalled bodies, token stamping.

use std::time::Duration;

use diesel::prelude::*;
use reqwest::header::{LOCATION, RETRY_AFTER, SET_COOKIE};
use rescuedesk::db::schema::{api_tokens, audit_events};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::both;
use crate::helpers::{page_text, Backend, TestApp, PASSWORD};
use crate::pages::{csrf_of, signed_in};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Fetches the sign-in form (for its CSRF cookie and token) and posts it.
async fn try_sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    login: &str,
    password: &str,
    next: &str,
) -> reqwest::Response {
    let page = page_text(client, app, "/login").await;
    client
        .post(app.url("/login"))
        .form(&[
            ("login", login),
            ("password", password),
            ("csrf", &csrf_of(&page)),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

fn audit_count(app: &TestApp, action: &'static str) -> i64 {
    app.db
        .read_blocking(move |conn| {
            Ok(audit_events::table
                .filter(audit_events::action.eq(action))
                .count()
                .get_result(conn)?)
        })
        .unwrap()
}

both!(repeated_wrong_passwords_are_throttled, throttle_body);
async fn throttle_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = client();
    // Default [auth] throttle_login_failures = 5: four plain refusals, then a lock-out.
    for n in 1..5 {
        let res = try_sign_in(&app, &c, "hz.agent", "wrong-password", "/tickets").await;
        assert_eq!(res.status().as_u16(), 401, "attempt {n}");
        assert!(res.headers().get(RETRY_AFTER).is_none());
    }
    assert_eq!(audit_count(&app, "user.sign_in_locked"), 0);
    let res = try_sign_in(&app, &c, "hz.agent", "wrong-password", "/tickets").await;
    assert_eq!(
        res.status().as_u16(),
        429,
        "the fifth failure locks the login"
    );
    let wait: u64 = res.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    let html = res.text().await.unwrap();
    assert!(html.contains("登录失败次数过多，请于"), "{html}");
    assert!(html.contains("后再试"), "says when: {html}");
    assert_eq!(
        audit_count(&app, "user.sign_in_locked"),
        1,
        "the lock-out is audited"
    );

    // Locked: even the right password waits, and the page (in English too) says until when.
    let en = client();
    en.get(app.url("/lang/en")).send().await.unwrap();
    let res = try_sign_in(&app, &en, "hz.agent", PASSWORD, "/tickets").await;
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().get(RETRY_AFTER).is_some());
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Too many failed sign-ins; try again after"),
        "{html}"
    );
    assert_eq!(
        audit_count(&app, "user.sign_in_locked"),
        1,
        "one event per lock-out, not per refused try"
    );
    assert_eq!(audit_count(&app, "user.signed_in"), 0);

    // Another login, from the same address, is not affected.
    let res = try_sign_in(&app, &client(), "hz.manager", PASSWORD, "/tickets").await;
    assert_eq!(res.status().as_u16(), 303, "hz.manager signs in");
    assert_eq!(audit_count(&app, "user.signed_in"), 1);
}

both!(sign_in_next_stays_on_this_site, redirect_body);
async fn redirect_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // The reported attack: a tab after the first slash, which browsers drop (`//evil.example/`).
    let c = client();
    let page = page_text(&c, &app, "/login?next=/%09/evil.example/").await;
    assert!(
        page.contains("name=\"next\" value=\"/tickets\""),
        "the form carries a local next"
    );
    let res = c
        .post(app.url("/login"))
        .form(&[
            ("login", "hz.agent"),
            ("password", PASSWORD),
            ("csrf", &csrf_of(&page)),
            ("next", "/tickets"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()[LOCATION], "/tickets");

    // A forged form posting the bad next itself, and its cousins, land on a local path as well.
    for next in [
        "/\t/evil.example/",
        "/%09/evil.example/",
        "/\\evil.example",
        "/%2F/evil.example",
    ] {
        let res = try_sign_in(&app, &client(), "hz.agent", PASSWORD, next).await;
        assert_eq!(res.status().as_u16(), 303, "{next:?}");
        assert_eq!(res.headers()[LOCATION], "/tickets", "{next:?}");
    }

    // CR/LF in next: refused before a session is written, never a 500 after.
    let sessions_before = app.count("sessions");
    let res = try_sign_in(
        &app,
        &client(),
        "hz.agent",
        PASSWORD,
        "/tickets\r\nSet-Cookie: evil=1",
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()[LOCATION], "/tickets");
    assert!(!res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("evil")));
    assert_eq!(app.count("sessions"), sessions_before + 1);
}

both!(every_page_carries_a_content_security_policy, csp_body);
async fn csp_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let staff = signed_in(&app, "hz.agent").await;
    let anonymous = client();
    for (client, path) in [
        (&anonymous, "/login"),
        (&staff, "/tickets"),
        (&staff, "/tickets/new"),
        (&staff, "/work"),
        (&anonymous, "/s/forged-code-000"),
        (&anonymous, "/no-such-page"),
    ] {
        let res = client.get(app.url(path)).send().await.unwrap();
        let csp = res
            .headers()
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path} has a CSP"))
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-eval"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains("\"includeIndicatorStyles\": false"),
            "{path}: htmx told not to inject its <style>"
        );
    }
    // Swagger UI has its own policy: still no inline script, but inline styles for its widgets.
    let res = anonymous.get(app.url("/api/docs/")).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(csp.contains("style-src 'self' 'unsafe-inline'"), "{csp}");
}

/// No inline script and no on…= handler in any template: the CSP would block them.
#[test]
fn templates_have_no_inline_script() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/templates");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        checked += 1;
        let lower = text.to_ascii_lowercase();
        assert!(!lower.contains("javascript:"), "{name}: javascript: URL");
        assert!(!lower.contains("hx-on"), "{name}: hx-on handler (eval)");
        // Every tag: a <script> must have src, and no attribute may be an event handler.
        for tag in lower.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            if tag.starts_with("script") {
                assert!(tag.contains(" src="), "{name}: inline <{tag}>");
            }
            for attr in tag.split_whitespace().skip(1) {
                let attr_name = attr.split('=').next().unwrap_or_default();
                let handler = attr.contains('=')
                    && attr_name.len() > 2
                    && attr_name.starts_with("on")
                    && attr_name[2..].chars().all(|c| c.is_ascii_alphabetic());
                assert!(!handler, "{name}: event handler attribute in <{tag}>");
            }
        }
    }
    assert!(checked > 10, "read the templates ({checked})");
}

both!(https_public_url_makes_cookies_secure, secure_cookie_body);
async fn secure_cookie_body(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.server.public_url = "https://rescue.example.cn".into();
        s.auth.cookie_secure = false;
    })
    .await;
    // A browser would not send Secure cookies back over plain http: carry them by hand.
    let res = app.client.get(app.url("/login")).send().await.unwrap();
    let csrf_cookie = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("rd_login_csrf="))
        .expect("login CSRF cookie");
    assert!(csrf_cookie.contains("Secure"), "{csrf_cookie}");
    let pair = csrf_cookie.split(';').next().unwrap().to_owned();
    let page = res.text().await.unwrap();
    let res = app
        .client
        .post(app.url("/login"))
        .header("cookie", pair)
        .form(&[
            ("login", "hz.agent"),
            ("password", PASSWORD),
            ("csrf", &csrf_of(&page)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let session = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("rd_session="))
        .expect("session cookie");
    assert!(
        session.contains("Secure") && session.contains("HttpOnly"),
        "{session}"
    );
}

fn last_used(app: &TestApp) -> Option<chrono::NaiveDateTime> {
    app.db
        .read_blocking(|conn| {
            Ok(api_tokens::table
                .select(api_tokens::last_used_at)
                .first::<Option<chrono::NaiveDateTime>>(conn)?)
        })
        .unwrap()
}

both!(token_last_use_is_written_once_a_minute, token_stamp_body);
async fn token_stamp_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("hz.agent");
    assert_eq!(last_used(&app), None);
    let (status, _) = app.get_json(&token, "/api/v1/me").await;
    assert_eq!(status, 200);
    // The stamp is written off the request's path: wait for it.
    let mut first = None;
    for _ in 0..50 {
        first = last_used(&app);
        if first.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let first = first.expect("the first use is stamped");
    for _ in 0..3 {
        let (status, _) = app.get_json(&token, "/api/v1/tickets").await;
        assert_eq!(status, 200);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        last_used(&app),
        Some(first),
        "uses within a minute write nothing more"
    );
}

/// Sends a request head announcing a 100-byte body, then nothing; returns what the server
/// answered before closing (empty: closed without a word), or None if it kept waiting.
async fn stall_body(app: &TestApp, head: &str) -> Option<String> {
    let addr = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(6), async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
            // A whole JSON answer is enough: the client need not wait for the close itself.
            let text = String::from_utf8_lossy(&answer);
            if text.contains("\r\n\r\n") && text.ends_with('}') {
                break;
            }
        }
    })
    .await;
    read.ok()
        .map(|_| String::from_utf8_lossy(&answer).into_owned())
}

both!(stalled_request_bodies_are_timed_out, stalled_body);
async fn stalled_body(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.server.body_timeout_s = 1).await;
    let started = std::time::Instant::now();
    let answer = stall_body(
        &app,
        "POST /login HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n",
    )
    .await
    .expect("the server closes a stalled page form");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    let token = app.token("hz.agent");
    let answer = stall_body(
        &app,
        &format!(
            "POST /api/v1/tickets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"customer"
        ),
    )
    .await
    .expect("the server closes a stalled API body");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert_eq!(app.count("tickets"), 0);
}
