//! Sign-in and sign-out pages and the language switch.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::session::{cookie, request_locale, Chrome, WebUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use super::{html, redirect, safe_next, PageError};
use crate::auth::secret;
use crate::i18n::Locale;
use crate::services::users::SignInAttempt;
use crate::state::AppState;
use crate::web::session::LANG_COOKIE;

#[derive(Template)]
#[template(path = "login.html", config = "src/web/askama.toml")]
struct LoginPage {
    c: Chrome,
    next: String,
    login: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

fn login_page(
    req: &HttpRequest,
    status: StatusCode,
    next: String,
    login: String,
    error: Option<String>,
) -> HttpResponse {
    let locale = request_locale(req, None);
    // Before sign-in there is no session: the CSRF token lives in its own cookie (double submit).
    let csrf = secret::random_token();
    let secure = secure_cookies(req);
    let mut c = Chrome::anonymous(locale);
    c.csrf = csrf.clone();
    let mut res = html(
        status,
        &LoginPage {
            c,
            next,
            login,
            error,
        },
    );
    let _ = res.add_cookie(&cookie(LOGIN_CSRF_COOKIE, csrf, secure, 1));
    res
}

/// Secure cookies when the flag is set or `server.public_url` is https.
fn secure_cookies(req: &HttpRequest) -> bool {
    req.app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.secure_cookies())
}

/// The address failed sign-ins are counted against: the peer, or behind a proxy we were told to
/// trust, the last X-Forwarded-For entry (the one that proxy added; earlier ones are the
/// client's own say).
fn client_address(req: &HttpRequest, trust_forwarded_for: bool) -> String {
    let forwarded = trust_forwarded_for
        .then(|| req.headers().get("x-forwarded-for")?.to_str().ok())
        .flatten()
        .and_then(|v| v.rsplit(',').next())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    match forwarded {
        Some(addr) => addr.to_owned(),
        None => req
            .peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|| "unknown".into()),
    }
}

pub async fn form(req: HttpRequest, q: web::Query<NextQuery>) -> HttpResponse {
    login_page(
        &req,
        StatusCode::OK,
        safe_next(q.next.as_deref()),
        String::new(),
        None,
    )
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let locale = request_locale(&req, None);
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let expected = req.cookie(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned());
    if !expected.is_some_and(|e| secret::same(&e, &form.csrf)) {
        let msg = locale.t("login-page-expired");
        return login_page(&req, StatusCode::FORBIDDEN, next, form.login, Some(msg));
    }
    let attempt = SignInAttempt {
        login: form.login.clone(),
        password: form.password,
        client: client_address(&req, state.settings.auth.trust_forwarded_for),
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .map(|v| v.as_bytes().to_vec())
            .unwrap_or_default(),
    };
    match crate::services::users::sign_in(&state.db, &state.throttle, &state.settings, attempt)
        .await
    {
        Ok(session) => {
            let mut res = redirect(&super::session::after_sign_in(
                &session.identity.roles,
                &next,
            ));
            let hours = i64::from(state.settings.auth.session_hours);
            let _ = res.add_cookie(&cookie(
                SESSION_COOKIE,
                session.cookie_value,
                state.secure_cookies(),
                hours,
            ));
            let _ =
                res.add_removal_cookie(&Cookie::build(LOGIN_CSRF_COOKIE, "").path("/").finish());
            res
        }
        Err(e) => {
            let status = e.code.status();
            let mut res = login_page(&req, status, next, form.login, Some(e.message_in(locale)));
            if let Some(secs) = e.retry_after_s {
                res.headers_mut().insert(
                    actix_web::http::header::RETRY_AFTER,
                    actix_web::http::header::HeaderValue::from(secs),
                );
            }
            res
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    if let Some(c) = req.cookie(SESSION_COOKIE) {
        crate::services::users::sign_out(&state.db, c.value())
            .await
            .map_err(|e| PageError::App(e, user.locale))?;
    }
    let mut res = redirect("/login");
    let _ = res.add_removal_cookie(&Cookie::build(SESSION_COOKIE, "").path("/").finish());
    Ok(res)
}

/// Sets the language cookie and goes back where the user was.
pub async fn switch_language(req: HttpRequest, locale: web::Path<String>) -> HttpResponse {
    let Some(locale) = Locale::parse(&locale) else {
        return redirect("/");
    };
    let back = req
        .headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| {
            // Only the path of our own pages: never bounce to another site.
            let host = req.connection_info().host().to_owned();
            let rest = r.split_once("://").map(|(_, rest)| rest)?;
            let path = rest.strip_prefix(&host)?;
            Some(safe_next(Some(if path.is_empty() { "/" } else { path })))
        })
        .unwrap_or_else(|| "/tickets".into());
    let mut res = redirect(&back);
    let _ = res.add_cookie(&cookie(
        LANG_COOKIE,
        locale.tag().to_owned(),
        secure_cookies(&req),
        24 * 365,
    ));
    res
}
