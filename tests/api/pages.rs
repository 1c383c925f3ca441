//! Staff pages over HTTP: sign-in with CSRF and cookie flags, intake form round trip, role refusal.

use reqwest::header::{LOCATION, SET_COOKIE};

use crate::both;
use crate::helpers::{page_text, Backend, TestApp, PASSWORD};

/// The value of `name="csrf" value="…"` in a page.
pub fn csrf_of(html: &str) -> String {
    let at =
        html.find("name=\"csrf\" value=\"").expect("csrf field") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

fn form_key_of(html: &str) -> String {
    let at = html.find("name=\"form_key\" value=\"").expect("form_key")
        + "name=\"form_key\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

pub async fn signed_in(app: &TestApp, login: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
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
            ("next", "/tickets"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "sign-in of {login}");
    client
}

both!(pages_require_sign_in_with_csrf, sign_in_body);
async fn sign_in_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app
        .client
        .get(app.url("/tickets?plate=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()[LOCATION], "/login?next=/tickets%3Fplate%3Dx");

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = page_text(&client, &app, "/login").await;
    assert!(page.contains("<html lang=\"zh-CN\">"), "Chinese first");
    assert!(page.contains("id=\"login-form\""));
    let csrf = csrf_of(&page);

    let res = client
        .post(app.url("/login"))
        .form(&[
            ("login", "hz.agent"),
            ("password", PASSWORD),
            ("csrf", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        403,
        "login form without its CSRF token"
    );

    let page = page_text(&client, &app, "/login").await;
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("login", "hz.agent"),
            ("password", "wrong-password"),
            ("csrf", &csrf_of(&page)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert!(res.text().await.unwrap().contains("alert-error"));

    let page = page_text(&client, &app, "/login").await;
    assert_ne!(csrf, csrf_of(&page), "a fresh token per form");
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("login", "HZ.Agent"),
            ("password", PASSWORD),
            ("csrf", &csrf_of(&page)),
            ("next", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()[LOCATION], "/tickets", "no open redirect");
    let cookie = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("rd_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );

    let list = client.get(app.url("/tickets")).send().await.unwrap();
    assert_eq!(list.status().as_u16(), 200);
    let html = list.text().await.unwrap();
    assert!(html.contains("没有符合条件的救援单"), "empty state");

    // Sign-out needs the session's CSRF token too.
    let res = client
        .post(app.url("/logout"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = client
        .post(app.url("/logout"))
        .form(&[("csrf", csrf_of(&html).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let res = client.get(app.url("/tickets")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303, "signed out");
}

both!(intake_form_round_trip, intake_form_body);
async fn intake_form_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = signed_in(&app, "hz.agent").await;
    let page = page_text(&client, &app, "/tickets/new").await;
    assert!(page.contains("id=\"intake-form\""));
    let (csrf, key) = (csrf_of(&page), form_key_of(&page));
    let mut form = vec![
        ("csrf", csrf.clone()),
        ("form_key", key.clone()),
        ("customer_name", "陈女士".to_owned()),
        ("phone", "12345".to_owned()),
        ("address", "宁波市鄞州区天童南路".to_owned()),
        ("lat", "29.8".to_owned()),
        ("lon", "121.55".to_owned()),
        ("crs", "gcj02".to_owned()),
        ("plate", "浙B12345".to_owned()),
        ("model", "ID.4 CROZZ".to_owned()),
        ("mileage_km", "12,000".to_owned()),
        ("fault", "仪表报高压系统故障".to_owned()),
        ("response_level", "1".to_owned()),
    ];
    let res = client
        .post(app.url("/tickets/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("class=\"field-error\" data-field=\"phone\""),
        "inline error"
    );
    assert!(
        html.contains("value=\"陈女士\"") && html.contains("仪表报高压系统故障"),
        "typed values kept"
    );
    assert_eq!(app.count("tickets"), 0);

    let res = client
        .post(app.url("/tickets/new"))
        .form(&[("csrf", "forged"), ("customer_name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);

    form[3].1 = "13812345678".to_owned();
    form.push(("send_location_request", "on".to_owned()));
    let res = client
        .post(app.url("/tickets/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let ticket_path = res.headers()[LOCATION].to_str().unwrap().to_owned();
    // A double-clicked submit (same form key) lands on the same ticket.
    let again = client
        .post(app.url("/tickets/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(again.headers()[LOCATION].to_str().unwrap(), ticket_path);
    assert_eq!(app.count("tickets"), 1);
    assert_eq!(
        app.count(
            "outbox WHERE template = 'customer_location_request' AND recipient = '13812345678'"
        ),
        1,
        "the caller gets one link to send their location, double-click or not"
    );

    let html = page_text(&client, &app, &ticket_path).await;
    assert!(html.contains("data-testid=\"ticket-number\">RS-"));
    assert!(html.contains("登记救援单"), "timeline shows the intake");
    assert!(html.contains("12000 km"));

    let en = client
        .get(app.url("/lang/en"))
        .header("referer", app.url(&ticket_path))
        .send()
        .await
        .unwrap();
    assert_eq!(en.headers()[LOCATION].to_str().unwrap(), ticket_path);
    let html = page_text(&client, &app, &ticket_path).await;
    assert!(html.contains("<html lang=\"en\">") && html.contains("Ticket opened"));
}

both!(technicians_get_no_intake_form, technician_body);
async fn technician_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = signed_in(&app, "hz.tech").await;
    let res = client.get(app.url("/tickets/new")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("data-error-code=\"forbidden\""));
    let res = client
        .get(app.url("/tickets/does-not-exist"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
}

both!(
    a_page_query_that_does_not_parse_is_an_error_page,
    bad_query_page_body
);
/// An unknown or malformed query parameter on a page is answered with the error page in the
/// user's frame and language, not the framework's plain-text message.
async fn bad_query_page_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = signed_in(&app, "hz.director").await;
    for path in [
        "/reports?month=2026-11&lang=en",
        "/reports?from=2026-11-01&to=2026-11-30&extra=1",
    ] {
        let res = client.get(app.url(path)).send().await.unwrap();
        let status = res.status().as_u16();
        let kind = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = res.text().await.unwrap();
        assert!((400..500).contains(&status), "{path}: {status}");
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        assert!(
            body.contains("data-error-code=\"validation_failed\""),
            "{path}: {body}"
        );
        assert!(body.contains("查询参数有误"), "{path}: {body}");
        // The navigation stays: the user is still signed in.
        assert!(body.contains("href=\"/reports\""), "{path}: {body}");
        assert!(!body.contains("Query deserialize error"), "{path}");
    }
}
