//! The group's holiday calendar over the API: a year's holidays, and a holiday added, replaced
//! or removed (admin).

use actix_web::{delete, get, post, put, web, HttpResponse};
use serde::Deserialize;

use super::body::Json;
use super::params::{PathId, Query};
use crate::auth::ApiUser;
use crate::domain::holiday::CalendarHolidayRequest;
use crate::domain::ids::HolidayId;
use crate::error::{AppError, ErrorBody};
use crate::services::holidays::{self, CalendarHolidayView, HolidayYear};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// This year by default; at most two years either side.
    pub year: Option<i32>,
}

/// A year's holidays of the group, earliest first, each with what it does to the ways parts
/// travel (a channel not listed runs as usual).
#[utoipa::path(tag = "holidays", security(("bearer" = [])), params(YearQuery),
    responses((status = 200, body = HolidayYear), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/holidays")]
pub async fn list_holidays(
    state: web::Data<AppState>,
    user: ApiUser,
    q: Query<YearQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(holidays::year(&state.db, &user.0, q.into_inner().year).await?))
}

const WRITE_ERRORS: &str = "validation_failed: the fields named (`name_zh`, `name_en`, `first_day`, `last_day` — also when it overlaps another holiday or the year is full — and `effects`)";

/// Add a holiday to the group's calendar (admin).
#[utoipa::path(tag = "holidays", security(("bearer" = [])), request_body = CalendarHolidayRequest,
    responses(
        (status = 201, body = CalendarHolidayView),
        (status = 400, description = WRITE_ERRORS, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
#[post("/holidays")]
pub async fn add_holiday(
    state: web::Data<AppState>,
    user: ApiUser,
    body: Result<Json<CalendarHolidayRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    Ok(HttpResponse::Created().json(holidays::create(&state.db, &user.0, req).await?))
}

/// One holiday of the group.
#[utoipa::path(tag = "holidays", security(("bearer" = [])), params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Holiday id")),
    responses((status = 200, body = CalendarHolidayView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/holidays/{id}")]
pub async fn get_holiday(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<HolidayId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(holidays::get(&state.db, &user.0, id.into_inner()).await?))
}

/// Replace a holiday (admin): names, days and effects at once. Orders already placed keep the
/// arrival they were given.
#[utoipa::path(tag = "holidays", security(("bearer" = [])), request_body = CalendarHolidayRequest,
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Holiday id")),
    responses(
        (status = 200, body = CalendarHolidayView),
        (status = 400, description = WRITE_ERRORS, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
#[put("/holidays/{id}")]
pub async fn replace_holiday(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<HolidayId>,
    body: Result<Json<CalendarHolidayRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    Ok(HttpResponse::Ok().json(holidays::update(&state.db, &user.0, id.into_inner(), req).await?))
}

/// Remove a holiday (admin).
#[utoipa::path(tag = "holidays", security(("bearer" = [])), params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Holiday id")),
    responses((status = 204, description = "Removed"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/holidays/{id}")]
pub async fn remove_holiday(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<HolidayId>,
) -> Result<HttpResponse, AppError> {
    holidays::delete(&state.db, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
