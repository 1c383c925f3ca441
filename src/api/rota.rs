//! The duty rota over the API: a dealer's week, and setting or clearing one shift. The CSV
//! import is `POST /api/v1/imports/rota`.

use actix_web::{delete, get, put, web, HttpResponse};
use serde::Deserialize;

use super::body::Json;
use super::params::Query;
use crate::auth::ApiUser;
use crate::domain::ids::DealerId;
use crate::domain::role::Action;
use crate::error::{AppError, ErrorBody};
use crate::services::rota::{
    self, ClearShiftQuery, HolidayRequest, HolidayView, RotaEntry, RotaWeek, SetShiftRequest,
};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// A dealer id of the caller's group (service directors and admins); default: their own.
    #[param(value_type = Option<String>)]
    pub dealer: Option<DealerId>,
    /// `2026-W49` or a date in the week (`2026-12-03`); default: this week. Years 2000 to 2099
    /// in the pattern (the code takes 2000 to 2100).
    #[param(
        pattern = "^ *((20[0-9]{2})-[Ww](0[1-9]|[1-4][0-9]|5[0-2])|(20[0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]))? *$"
    )]
    pub week: Option<String>,
}

/// A week of a dealer's duty rota: every active technician and staff member with their shift on
/// each of the seven days (the dated one where there is one, else the weekly pattern; a holiday
/// day counts only dated shifts), their weekly pattern, and — this week — where each stands now.
/// Workshop leads, service managers, service directors and admins; directors and admins may name
/// another dealer of their group (`403` for others, `404` for a dealer outside the group).
#[utoipa::path(tag = "rota", security(("bearer" = [])), params(WeekQuery),
    responses(
        (status = 200, description = "The week", body = RotaWeek),
        (status = 400, description = "`week` does not read", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
#[get("/rota")]
pub async fn get_week(
    state: web::Data<AppState>,
    user: ApiUser,
    q: Query<WeekQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let week = rota::week(&state.db, &user.0, q.dealer, q.week, crate::repo::now()).await?;
    Ok(HttpResponse::Ok().json(week))
}

/// Set one shift of a technician or staff member of the caller's own dealer (workshop lead,
/// service manager): on a weekday (the weekly pattern) or on a date (which replaces the weekly
/// shift of that day; `off` makes it a day off). Times are the dealer's local `HH:MM`; an end at
/// or before the start is the next day (`20:00`–`08:00`). One shift per person and slot: a new
/// one replaces the old. `400 validation_failed` names the field; someone of another dealer is
/// `404`.
#[utoipa::path(tag = "rota", security(("bearer" = [])), request_body = SetShiftRequest,
    responses(
        (status = 200, description = "Stored", body = RotaEntry),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
#[put("/rota/shifts")]
pub async fn put_shift(
    state: web::Data<AppState>,
    user: ApiUser,
    body: Result<Json<SetShiftRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    user.0.require(Action::EditRota)?;
    let Json(req) = body?;
    let entry = rota::set_shift(&state.db, &user.0, req, crate::repo::now()).await?;
    Ok(HttpResponse::Ok().json(entry))
}

/// Clear a person's shift on a weekday, or their dated entry on a date (the weekly pattern
/// counts again). Clearing an empty slot is not an error.
#[utoipa::path(tag = "rota", security(("bearer" = [])), params(ClearShiftQuery),
    responses(
        (status = 204, description = "Cleared"),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
#[delete("/rota/shifts")]
pub async fn delete_shift(
    state: web::Data<AppState>,
    user: ApiUser,
    q: Query<ClearShiftQuery>,
) -> Result<HttpResponse, AppError> {
    user.0.require(Action::EditRota)?;
    rota::clear_shift(&state.db, &user.0, q.into_inner(), crate::repo::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark a day of the caller's own dealer as a holiday (workshop lead, service manager): on it
/// the weekly pattern does not apply and only dated shifts count — whoever has none is off. The
/// names show on the week grid (`name_en` on English pages, the Chinese one when empty).
#[utoipa::path(tag = "rota", security(("bearer" = [])),
    params(("date" = String, Path, description = "YYYY-MM-DD, the dealer's local date")),
    request_body = HolidayRequest,
    responses(
        (status = 200, description = "Stored", body = HolidayView),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
#[put("/rota/holidays/{date}")]
pub async fn put_holiday(
    state: web::Data<AppState>,
    user: ApiUser,
    date: web::Path<String>,
    body: Result<Json<HolidayRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    user.0.require(Action::EditRota)?;
    let Json(req) = body?;
    let view = rota::set_holiday(&state.db, &user.0, &date, req, crate::repo::now()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Make a holiday day of the caller's own dealer an ordinary day again.
#[utoipa::path(tag = "rota", security(("bearer" = [])),
    params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses(
        (status = 204, description = "Cleared"),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
#[delete("/rota/holidays/{date}")]
pub async fn delete_holiday(
    state: web::Data<AppState>,
    user: ApiUser,
    date: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.0.require(Action::EditRota)?;
    rota::clear_holiday(&state.db, &user.0, &date, crate::repo::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}
