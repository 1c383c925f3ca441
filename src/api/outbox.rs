//! The outbox over the API: what was (or will be) sent, and retrying a dead message.

use actix_web::{get, post, web, HttpResponse};

use super::params::{PathId, Query};
use crate::auth::ApiUser;
use crate::domain::ids::MessageId;
use crate::domain::role::Action;
use crate::error::{AppError, ErrorBody};
use crate::services::outbox::{self, OutboxPage, OutboxQuery};
use crate::state::AppState;

/// Messages of the caller's dealer, newest first.
#[utoipa::path(tag = "outbox", security(("bearer" = [])), params(OutboxQuery),
    responses((status = 200, body = OutboxPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/outbox")]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiUser,
    q: Result<Query<OutboxQuery>, AppError>,
) -> Result<HttpResponse, AppError> {
    // A refusal comes before what is wrong with the filters.
    user.0.require(Action::ViewOutbox)?;
    let q = q?.into_inner();
    Ok(HttpResponse::Ok().json(outbox::list(&state.db, &user.0, state.viewer, q).await?))
}

/// Put a dead-lettered message back in the queue (attempts start again).
#[utoipa::path(tag = "outbox", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")),
    responses((status = 200), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "not dead", body = ErrorBody)))]
#[post("/outbox/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<MessageId>,
) -> Result<HttpResponse, AppError> {
    outbox::retry(&state.db, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "ok": true })))
}
