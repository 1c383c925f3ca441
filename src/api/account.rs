//! Sessions and tokens over the API: the caller's own (`/me/sessions`, `/me/tokens`) and, for
//! the group's admins, those of any user of the group (`/users/{id}/…`). Lists are capped at
//! 100 (the total says how many there are); every revoke is audited.

use actix_web::{delete, get, web, HttpResponse};
use serde::Deserialize;

use super::params::{PathId, Query};
use crate::auth::ApiUser;
use crate::domain::ids::{ApiTokenId, Id, SessionId};
use crate::domain::role::Action;
use crate::error::{AppError, ErrorBody};
use crate::i18n::Msg;
use crate::services::sessions::{self, GroupUsers, Revoked, SessionList, TokenList, Whose};
use crate::state::AppState;

/// A path segment as its id type, else `400` naming the segment.
fn segment<T: Id>(name: &str, value: &str) -> Result<T, AppError> {
    T::parse(value).ok_or_else(|| AppError::field(name, Msg::new("request-id-malformed")))
}

/// The user of an admin's path, once the role allows (a refusal tells nothing of who exists).
fn group_user(user: &ApiUser, value: &str) -> Result<Whose, AppError> {
    user.0.require(Action::ManageGroupSessions)?;
    let id = sessions::user_id(value)
        .map_err(|_| AppError::field("id", Msg::new("request-id-malformed")))?;
    Ok(Whose::User(id))
}

/// The caller's live page sessions, the latest used first. `current` is always false here: a
/// bearer token is not a page session.
#[utoipa::path(tag = "account", security(("bearer" = [])),
    responses((status = 200, body = SessionList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/me/sessions")]
pub async fn my_sessions(
    state: web::Data<AppState>,
    user: ApiUser,
) -> Result<HttpResponse, AppError> {
    let expiry = state.settings.auth.session_expiry();
    let list = sessions::sessions(&state.db, &user.0, Whose::Own, None, expiry).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Sign out everywhere: ends every page session of the caller.
#[utoipa::path(tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Revoked), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[delete("/me/sessions")]
pub async fn end_my_sessions(
    state: web::Data<AppState>,
    user: ApiUser,
) -> Result<HttpResponse, AppError> {
    let n = sessions::revoke_sessions(&state.db, &user.0, Whose::Own, None).await?;
    Ok(HttpResponse::Ok().json(n))
}

/// End one page session of the caller: it is refused from its next request on.
#[utoipa::path(tag = "account", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Session id (from the list)")),
    responses((status = 204, description = "Ended"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, description = "not_found: the caller has no such session", body = ErrorBody)))]
#[delete("/me/sessions/{id}")]
pub async fn end_my_session(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<SessionId>,
) -> Result<HttpResponse, AppError> {
    sessions::revoke_session(&state.db, &user.0, Whose::Own, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's API tokens: the working ones first, then the newest. Never the token itself.
#[utoipa::path(tag = "account", security(("bearer" = [])),
    responses((status = 200, body = TokenList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/me/tokens")]
pub async fn my_tokens(
    state: web::Data<AppState>,
    user: ApiUser,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(sessions::tokens(&state.db, &user.0, Whose::Own).await?))
}

/// Revoke one of the caller's API tokens (the one this request carries too, if named): requests
/// with it are refused from the next one on. Revoking a revoked token changes nothing.
#[utoipa::path(tag = "account", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Token id (from the list)")),
    responses((status = 204, description = "Revoked"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, description = "not_found: the caller has no such token", body = ErrorBody)))]
#[delete("/me/tokens/{id}")]
pub async fn revoke_my_token(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<ApiTokenId>,
) -> Result<HttpResponse, AppError> {
    sessions::revoke_token(&state.db, &user.0, Whose::Own, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// 1-based page number; 50 users a page (beyond page 1000: page 1000).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 4294967295.0)]
    pub page: Option<u32>,
}

/// The users of the group's dealers with their live sessions and tokens, 50 a page (admins).
#[utoipa::path(tag = "account", security(("bearer" = [])), params(UsersQuery),
    responses((status = 200, body = GroupUsers), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/users")]
pub async fn group_users(
    state: web::Data<AppState>,
    user: ApiUser,
    q: Result<Query<UsersQuery>, AppError>,
) -> Result<HttpResponse, AppError> {
    user.0.require(Action::ManageGroupSessions)?;
    let page = q?.into_inner().page.unwrap_or(1);
    if page == 0 {
        return Err(AppError::field("page", Msg::new("svc-page-from-one")));
    }
    let expiry = state.settings.auth.session_expiry();
    Ok(HttpResponse::Ok().json(sessions::group_users(&state.db, &user.0, page, expiry).await?))
}

const USER_ID: &str = "User id (of a dealer of the caller's group; another group's is not_found)";

/// A user's live page sessions (admins of the user's group).
#[utoipa::path(tag = "account", security(("bearer" = [])), params(("id" = String, Path, description = USER_ID)),
    responses((status = 200, body = SessionList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/users/{id}/sessions")]
pub async fn user_sessions(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let whose = group_user(&user, &id)?;
    let expiry = state.settings.auth.session_expiry();
    let list = sessions::sessions(&state.db, &user.0, whose, None, expiry).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// End every page session of a user (admins of the user's group).
#[utoipa::path(tag = "account", security(("bearer" = [])), params(("id" = String, Path, description = USER_ID)),
    responses((status = 200, body = Revoked), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/users/{id}/sessions")]
pub async fn end_user_sessions(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let whose = group_user(&user, &id)?;
    Ok(HttpResponse::Ok().json(sessions::revoke_sessions(&state.db, &user.0, whose, None).await?))
}

/// End one page session of a user (admins of the user's group).
#[utoipa::path(tag = "account", security(("bearer" = [])),
    params(("id" = String, Path, description = USER_ID), ("session_id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Session id (from the list)")),
    responses((status = 204, description = "Ended"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/users/{id}/sessions/{session_id}")]
pub async fn end_user_session(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, session) = path.into_inner();
    let whose = group_user(&user, &id)?;
    let session: SessionId = segment("session_id", &session)?;
    sessions::revoke_session(&state.db, &user.0, whose, session).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A user's API tokens (admins of the user's group).
#[utoipa::path(tag = "account", security(("bearer" = [])), params(("id" = String, Path, description = USER_ID)),
    responses((status = 200, body = TokenList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/users/{id}/tokens")]
pub async fn user_tokens(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let whose = group_user(&user, &id)?;
    Ok(HttpResponse::Ok().json(sessions::tokens(&state.db, &user.0, whose).await?))
}

/// Revoke an API token of a user (admins of the user's group).
#[utoipa::path(tag = "account", security(("bearer" = [])),
    params(("id" = String, Path, description = USER_ID), ("token_id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Token id (from the list)")),
    responses((status = 204, description = "Revoked"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/users/{id}/tokens/{token_id}")]
pub async fn revoke_user_token(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, token) = path.into_inner();
    let whose = group_user(&user, &id)?;
    let token: ApiTokenId = segment("token_id", &token)?;
    sessions::revoke_token(&state.db, &user.0, whose, token).await?;
    Ok(HttpResponse::NoContent().finish())
}
