//! The account page (`/account/sessions`): the signed-in user's page sessions and API tokens,
//! each revocable, "sign out everywhere else" and everywhere; and the group admin's user list
//! (`/admin/users`) with the same page for any user of the group. Every form carries the
//! session's CSRF token; nothing shown is a cookie, a token or a hash of one.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::session::{Chrome, WebUser, SESSION_COOKIE};
use super::tickets::local;
use super::{html, redirect, OrPage, PageError};
use crate::api::params::page_id;
use crate::domain::ids::{ApiTokenId, SessionId, UserId};
use crate::domain::role::Action;
use crate::error::Thing;
use crate::services::sessions::{self, Security, Whose};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

/// What the last revoke did, as the page's notice: only the known words, never the query's.
fn notice(c: &Chrome, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "session" => "acct-done-session",
        "others" => "acct-done-others",
        "all" => "acct-done-all",
        "token" => "acct-done-token",
        _ => return None,
    };
    Some(c.t(key))
}

struct SessionLine {
    id: String,
    signed_in: String,
    last_seen: String,
    ends: String,
    browser: String,
    /// The stored header, for the row's tooltip (bounded when stored).
    user_agent: String,
    ip: String,
    current: bool,
}

struct TokenLine {
    id: String,
    label: String,
    created: String,
    last_used: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "account_sessions.html", config = "src/web/askama.toml")]
struct SecurityPage {
    c: Chrome,
    /// The user's own page (else an admin's page of another user, or of themself).
    own: bool,
    heading: String,
    /// Where this page's forms post: `/account` or `/admin/users/{id}`.
    base: String,
    sessions: Vec<SessionLine>,
    sessions_total: i64,
    tokens: Vec<TokenLine>,
    tokens_total: i64,
    notice: Option<String>,
    shown_max: i64,
}

impl SecurityPage {
    fn more_sessions(&self) -> bool {
        self.sessions_total > self.sessions.len() as i64
    }

    fn more_tokens(&self) -> bool {
        self.tokens_total > self.tokens.len() as i64
    }

    fn other_sessions(&self) -> bool {
        self.sessions.iter().any(|s| !s.current)
    }
}

fn page(
    state: &AppState,
    user: &WebUser,
    s: Security,
    own: bool,
    base: String,
    done: Option<&str>,
) -> SecurityPage {
    let c = user.chrome();
    let unknown = c.t("acct-unknown");
    let never = c.t("acct-never");
    let heading = if own {
        c.t("acct-title")
    } else {
        c.t2("acct-user-title", "name", &s.name, "dealer", &s.dealer_name)
    };
    SecurityPage {
        notice: notice(&c, done),
        heading,
        own,
        base,
        sessions_total: s.sessions.total,
        sessions: s
            .sessions
            .sessions
            .into_iter()
            .map(|v| SessionLine {
                id: v.id.to_string(),
                signed_in: local(state, &v.signed_in_at),
                last_seen: local(state, &v.last_seen_at),
                ends: local(state, &v.ends_at),
                browser: v.browser.unwrap_or_else(|| unknown.clone()),
                user_agent: v.user_agent,
                ip: v.client_ip.unwrap_or_else(|| unknown.clone()),
                current: v.current,
            })
            .collect(),
        tokens_total: s.tokens.total,
        tokens: s
            .tokens
            .tokens
            .into_iter()
            .map(|t| TokenLine {
                id: t.id.to_string(),
                label: t.label,
                created: local(state, &t.created_at),
                last_used: t
                    .last_used_at
                    .map_or_else(|| never.clone(), |at| local(state, &at)),
                revoked: t.revoked_at.map(|at| local(state, &at)),
            })
            .collect(),
        shown_max: sessions::MAX_LISTED,
        c,
    }
}

/// `GET /account/sessions`: the user's own sessions and tokens.
pub async fn own(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let expiry = state.settings.auth.session_expiry();
    let s = sessions::security(
        &state.db,
        &user.identity,
        Whose::Own,
        Some(user.session_hash.clone()),
        expiry,
    )
    .await
    .or_page(user.locale)?;
    let p = page(&state, &user, s, true, "/account".into(), q.done.as_deref());
    Ok(html(StatusCode::OK, &p))
}

/// `POST /account/sessions/{id}/revoke`.
pub async fn revoke_own_session(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let id: SessionId = page_id(&path.into_inner(), Thing::Session).or_page(user.locale)?;
    sessions::revoke_session(&state.db, &user.identity, Whose::Own, id)
        .await
        .or_page(user.locale)?;
    Ok(redirect("/account/sessions?done=session"))
}

/// `POST /account/sessions/revoke-others`: every session but this one.
pub async fn revoke_own_others(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let keep = Some(user.session_hash.clone());
    sessions::revoke_sessions(&state.db, &user.identity, Whose::Own, keep)
        .await
        .or_page(user.locale)?;
    Ok(redirect("/account/sessions?done=others"))
}

/// `POST /account/sessions/revoke-all`: this one too, so back to the sign-in page.
pub async fn revoke_own_all(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    sessions::revoke_sessions(&state.db, &user.identity, Whose::Own, None)
        .await
        .or_page(user.locale)?;
    let mut res = redirect("/login");
    let _ = res.add_removal_cookie(&Cookie::build(SESSION_COOKIE, "").path("/").finish());
    Ok(res)
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke_own_token(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let id: ApiTokenId = page_id(&path.into_inner(), Thing::ApiToken).or_page(user.locale)?;
    sessions::revoke_token(&state.db, &user.identity, Whose::Own, id)
        .await
        .or_page(user.locale)?;
    Ok(redirect("/account/sessions?done=token"))
}

struct UserLine {
    id: String,
    login: String,
    name: String,
    dealer_name: String,
    active: bool,
    sessions: i64,
    tokens: i64,
}

#[derive(Template)]
#[template(path = "admin_users.html", config = "src/web/askama.toml")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserLine>,
    page: u32,
    total: i64,
    previous: Option<u32>,
    next: Option<u32>,
}

/// `GET /admin/users?page=N`: the group's users, 50 a page (admins).
pub async fn users(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    // A page number that does not read is the first page: a bookmark is never an error.
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(1);
    let expiry = state.settings.auth.session_expiry();
    let list = sessions::group_users(&state.db, &user.identity, page, expiry)
        .await
        .or_page(user.locale)?;
    let shown_to = i64::from(list.page) * list.per_page;
    let p = UsersPage {
        c: user.chrome(),
        previous: (list.page > 1).then(|| list.page - 1),
        next: (shown_to < list.total && list.page < sessions::MAX_PAGE).then(|| list.page + 1),
        page: list.page,
        total: list.total,
        users: list
            .users
            .into_iter()
            .map(|u| UserLine {
                id: u.id,
                login: u.login,
                name: u.name,
                dealer_name: u.dealer_name,
                active: u.active,
                sessions: u.sessions,
                tokens: u.tokens,
            })
            .collect(),
    };
    Ok(html(StatusCode::OK, &p))
}

/// The user of an admin's path, once the role allows: a non-admin is refused before the id
/// is read, so the answer tells them nothing of who exists.
fn user_path(segment: &str, user: &WebUser) -> Result<UserId, PageError> {
    user.require(Action::ManageGroupSessions)?;
    sessions::user_id(segment).or_page(user.locale)
}

/// `GET /admin/users/{id}/sessions`: one user's sessions and tokens (admins of their group).
pub async fn user_sessions(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let id = user_path(&path.into_inner(), &user)?;
    let base = format!("/admin/users/{id}");
    let expiry = state.settings.auth.session_expiry();
    let s = sessions::security(
        &state.db,
        &user.identity,
        Whose::User(id),
        Some(user.session_hash.clone()),
        expiry,
    )
    .await
    .or_page(user.locale)?;
    let p = page(&state, &user, s, false, base, q.done.as_deref());
    Ok(html(StatusCode::OK, &p))
}

/// `POST /admin/users/{id}/sessions/{session}/revoke`.
pub async fn revoke_user_session(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let (id, session) = path.into_inner();
    let id = user_path(&id, &user)?;
    let session: SessionId = page_id(&session, Thing::Session).or_page(user.locale)?;
    let back = format!("/admin/users/{id}/sessions?done=session");
    sessions::revoke_session(&state.db, &user.identity, Whose::User(id), session)
        .await
        .or_page(user.locale)?;
    Ok(redirect(&back))
}

/// `POST /admin/users/{id}/sessions/revoke-all`: every session of the user (the admin's own
/// page session stays when the user is themself: they signed out elsewhere, not here).
pub async fn revoke_user_all(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let id = user_path(&path.into_inner(), &user)?;
    let back = format!("/admin/users/{id}/sessions?done=all");
    let keep = (user.identity.user_id.as_ref() == Some(&id)).then(|| user.session_hash.clone());
    sessions::revoke_sessions(&state.db, &user.identity, Whose::User(id), keep)
        .await
        .or_page(user.locale)?;
    Ok(redirect(&back))
}

/// `POST /admin/users/{id}/tokens/{token}/revoke`.
pub async fn revoke_user_token(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let (id, token) = path.into_inner();
    let id = user_path(&id, &user)?;
    let token: ApiTokenId = page_id(&token, Thing::ApiToken).or_page(user.locale)?;
    let back = format!("/admin/users/{id}/sessions?done=token");
    sessions::revoke_token(&state.db, &user.identity, Whose::User(id), token)
        .await
        .or_page(user.locale)?;
    Ok(redirect(&back))
}
