//! Rescue vehicles over the API: the dealer's register with readiness, a registration, a
//! readiness check, and a vehicle's checks.

use actix_web::{get, post, web, HttpResponse};

use super::body::Json;
use super::follow_ups::PageQuery;
use super::params::{PathId, Query};
use crate::auth::ApiUser;
use crate::domain::fleet::{CheckRequest, VehicleRequest};
use crate::domain::ids::RescueVehicleId;
use crate::error::{AppError, ErrorBody};
use crate::services::fleet::{self, CheckPage, FleetList, VehicleView};
use crate::state::AppState;

/// The dealer's rescue vehicles by plate, each with its latest check and whether it may go out.
#[utoipa::path(tag = "fleet", security(("bearer" = [])),
    responses((status = 200, body = FleetList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/rescue-vehicles")]
pub async fn list_vehicles(
    state: web::Data<AppState>,
    user: ApiUser,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(fleet::list(&state.db, &user.0).await?))
}

/// Register a rescue vehicle of the dealer (workshop lead, service manager, admin).
#[utoipa::path(tag = "fleet", security(("bearer" = [])), request_body = VehicleRequest,
    responses(
        (status = 201, body = VehicleView),
        (status = 400, description = "validation_failed: the fields named (`plate`, `kind`, `base`)", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "conflict: the dealer has a vehicle with that plate", body = ErrorBody),
    ))]
#[post("/rescue-vehicles")]
pub async fn register_vehicle(
    state: web::Data<AppState>,
    user: ApiUser,
    body: Result<Json<VehicleRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    let v = fleet::register(&state.db, &user.0, req).await?;
    Ok(HttpResponse::Created().json(v))
}

/// Record a readiness check (technician, workshop lead): every item answered; a failed item
/// needs a `note`, and the vehicle is not ready until a later check passes.
#[utoipa::path(tag = "fleet", security(("bearer" = [])), request_body = CheckRequest,
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Rescue vehicle id")),
    responses(
        (status = 201, body = VehicleView),
        (status = 400, description = "validation_failed: the fields named (`fuel`, `water`, `tyre_pressure`, `tool_kit`, `lights`, `note`)", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
#[post("/rescue-vehicles/{id}/checks")]
pub async fn check_vehicle(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<RescueVehicleId>,
    body: Result<Json<CheckRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    let v = fleet::check(&state.db, &user.0, id.into_inner(), req).await?;
    Ok(HttpResponse::Created().json(v))
}

/// One vehicle with its checks, newest first.
#[utoipa::path(tag = "fleet", security(("bearer" = [])), params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Rescue vehicle id"), PageQuery),
    responses((status = 200, body = CheckPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/rescue-vehicles/{id}/checks")]
pub async fn vehicle_checks(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<RescueVehicleId>,
    q: Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let (page, per_page) = q.checked(i64::from(state.settings.ui.page_size))?;
    let page = fleet::checks(&state.db, &user.0, id.into_inner(), page, per_page).await?;
    Ok(HttpResponse::Ok().json(page))
}
