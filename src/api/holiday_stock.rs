//! Holiday stock over the API: the suggestion from past years, the dealer's stored list, the
//! parts manager's quantities and confirmation, receipts, and the list as CSV and Excel.

use actix_web::http::header;
use actix_web::{get, post, put, web, HttpResponse};

use super::body::Json;
use super::params::PathId;
use crate::auth::ApiUser;
use crate::domain::ids::HolidayId;
use crate::error::{AppError, ErrorBody};
use crate::services::holiday_stock::{self, AdjustRequest, HolidayStock, ReceiptRequest};
use crate::services::holiday_stock_export as export;
use crate::state::AppState;

const ADJUST_ERRORS: &str = "validation_failed: `lines` (more than 500), `lines[i].part_id` (repeated or not in the catalogue), `lines[i].quantity` (not 0..=10000)";
const STATE_ERRORS: &str = "conflict, params.reason: `holiday_stock_not_draft`, `holiday_stock_not_confirmed`, `holiday_stock_line_received`";

/// A fresh suggestion for the caller's dealer from the same dates one and two years back:
/// the parts the rescues and the workshop used, ranked by rescues they held up; nothing saved.
#[utoipa::path(tag = "holiday-stock", security(("bearer" = [])), params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Holiday id")),
    responses((status = 200, body = HolidayStock), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/holiday-stock/{id}/suggestion")]
pub async fn get_holiday_stock_suggestion(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<HolidayId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok()
        .json(holiday_stock::suggestion(&state.db, &user.0, id.into_inner()).await?))
}

/// The dealer's stored list for the holiday (`stored: true`), or the suggestion if none yet.
#[utoipa::path(tag = "holiday-stock", security(("bearer" = [])), params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Holiday id")),
    responses((status = 200, body = HolidayStock), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/holiday-stock/{id}")]
pub async fn get_holiday_stock(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<HolidayId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(holiday_stock::list(&state.db, &user.0, id.into_inner()).await?))
}

/// The parts manager's quantities on the draft (stored from the suggestion first); a part not
/// on the list is added.
#[utoipa::path(tag = "holiday-stock", security(("bearer" = [])), request_body = AdjustRequest,
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Holiday id")),
    responses(
        (status = 200, body = HolidayStock),
        (status = 400, description = ADJUST_ERRORS, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = STATE_ERRORS, body = ErrorBody),
    ))]
#[put("/holiday-stock/{id}")]
pub async fn adjust_holiday_stock(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<HolidayId>,
    body: Result<Json<AdjustRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    Ok(HttpResponse::Ok()
        .json(holiday_stock::adjust(&state.db, &user.0, id.into_inner(), req).await?))
}

/// The parts manager confirms the list: it is ordered, and tracked until every line arrives.
#[utoipa::path(tag = "holiday-stock", security(("bearer" = [])), params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Holiday id")),
    responses((status = 200, body = HolidayStock), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = STATE_ERRORS, body = ErrorBody)))]
#[post("/holiday-stock/{id}/confirm")]
pub async fn confirm_holiday_stock(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<HolidayId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(holiday_stock::confirm(&state.db, &user.0, id.into_inner()).await?))
}

/// Units of one line of the confirmed list arrived.
#[utoipa::path(tag = "holiday-stock", security(("bearer" = [])), request_body = ReceiptRequest,
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Holiday id")),
    responses(
        (status = 200, body = HolidayStock),
        (status = 400, description = "validation_failed: `quantity` (not 0..=10000)", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = STATE_ERRORS, body = ErrorBody),
    ))]
#[post("/holiday-stock/{id}/receipts")]
pub async fn receive_holiday_stock(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<HolidayId>,
    body: Result<Json<ReceiptRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    Ok(HttpResponse::Ok()
        .json(holiday_stock::receive(&state.db, &user.0, id.into_inner(), req).await?))
}

fn attachment(content_type: &str, name: String, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// The list (stored, or the suggestion) as CSV: UTF-8 with a BOM so Excel on Windows reads the
/// Chinese; headers in the `Accept-Language` language.
#[utoipa::path(tag = "holiday-stock", security(("bearer" = [])), params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Holiday id")),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/holiday-stock/{id}/csv")]
pub async fn holiday_stock_csv(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<HolidayId>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let s = holiday_stock::list(&state.db, &user.0, id.into_inner()).await?;
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(export::csv(&s, lang.0)?);
    Ok(attachment(
        "text/csv; charset=utf-8",
        export::file_name(&s, "csv"),
        body,
    ))
}

/// The list (stored, or the suggestion) as an Excel workbook, one sheet.
#[utoipa::path(tag = "holiday-stock", security(("bearer" = [])), params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Holiday id")),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/holiday-stock/{id}/xlsx")]
pub async fn holiday_stock_xlsx(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<HolidayId>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let s = holiday_stock::list(&state.db, &user.0, id.into_inner()).await?;
    let body = export::xlsx(&s, lang.0)?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        export::file_name(&s, "xlsx"),
        body,
    ))
}
