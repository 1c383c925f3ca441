//! Weather and area suspensions over the API: the dealer's list, a declaration, the lifting.

use actix_web::{get, post, web, HttpResponse};

use super::body::Json;
use super::params::PathId;
use crate::auth::ApiUser;
use crate::domain::ids::SuspensionId;
use crate::domain::role::Action;
use crate::domain::suspension::SuspensionRequest;
use crate::error::{AppError, ErrorBody};
use crate::services::suspensions::{self, SuspensionChanged, SuspensionList};
use crate::state::AppState;

/// The dealer's suspensions that are not over or ended within 30 days, the latest end first
/// (the whole desk; technicians get `403`).
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    responses((status = 200, body = SuspensionList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/suspensions")]
pub async fn list_suspensions(
    state: web::Data<AppState>,
    user: ApiUser,
) -> Result<HttpResponse, AppError> {
    let list = suspensions::list(&state.db, state.settings.map.crs, &user.0).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Declare a suspension (service manager, director): an area (a circle with `centre` and
/// `radius_km` 0.1–200, or a polygon of 3–50 `points`; `crs` `gcj02` by default) and a period of
/// at most 14 days. The callers of the dealer's open tickets inside get an SMS; a call from
/// inside is still taken, with the warning `inside_suspension`.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = SuspensionRequest,
    responses(
        (status = 201, body = SuspensionChanged),
        (status = 400, description = "validation_failed: the fields named (`area.shape`, `area.centre`, `area.radius_km`, `area.points`, `area.crs`, `starts_at`, `ends_at`, `reason`, `customer_words`)", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
#[post("/suspensions")]
pub async fn declare_suspension(
    state: web::Data<AppState>,
    user: ApiUser,
    body: Result<Json<SuspensionRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    user.0.require(Action::ManageSuspensions)?;
    let Json(req) = body?;
    let changed = suspensions::declare(
        &state.db,
        &state.notifier,
        state.settings.map.crs,
        &user.0,
        req,
    )
    .await?;
    Ok(HttpResponse::Created().json(changed))
}

/// Lift a suspension early (service manager, director): who and when are recorded, and the
/// callers of the open tickets inside are texted again.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Suspension id")),
    responses(
        (status = 200, body = SuspensionChanged),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "stale_state: lifted already, or over", body = ErrorBody),
    ))]
#[post("/suspensions/{id}/lift")]
pub async fn lift_suspension(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<SuspensionId>,
) -> Result<HttpResponse, AppError> {
    let changed = suspensions::lift(
        &state.db,
        &state.notifier,
        state.settings.map.crs,
        &user.0,
        id.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(changed))
}
