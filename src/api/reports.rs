//! The monthly report over the API: the figures as JSON, and the same as CSV.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

use super::params::Query;
use crate::auth::ApiUser;
use crate::domain::role::Action;
use crate::error::{AppError, ErrorBody};
use crate::services::reports::{self, Report, ReportQuery};
use crate::state::AppState;

async fn build(state: &AppState, user: &ApiUser, q: ReportQuery) -> Result<Report, AppError> {
    // Role first: the query is checked only for those who may read reports.
    user.0.require(Action::ViewReports)?;
    let (first, last, group) = reports::resolve(&q)?;
    reports::report(&state.db, &user.0, first, last, group).await
}

/// The report for a month (`month=2026-11`) or days (`from`, `to`), of the user's dealer or,
/// `scope=group`, of the group (directors, admins): tickets by level and outcome, each stage's
/// median and 90th percentile in minutes, promise compliance per level and stage, breaches,
/// the mismatch rate, satisfaction and complaints.
#[utoipa::path(tag = "reports", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, body = Report), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/reports")]
pub async fn get_report(
    state: web::Data<AppState>,
    user: ApiUser,
    q: Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let r = build(&state, &user, q.into_inner()).await?;
    Ok(HttpResponse::Ok().json(r))
}

/// The same figures as CSV (UTF-8 with a BOM, so Excel reads the Chinese headers), one figure
/// per row: `section, level, stage, measure, value`.
#[utoipa::path(tag = "reports", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/reports/csv")]
pub async fn get_report_csv(
    state: web::Data<AppState>,
    user: ApiUser,
    q: Query<ReportQuery>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let r = build(&state, &user, q.into_inner()).await?;
    csv_response(&r, lang.0)
}

/// The report as a CSV download named for its days, with a BOM so Excel reads the Chinese (the
/// pages answer with it too).
pub(crate) fn csv_response(r: &Report, l: crate::i18n::Locale) -> Result<HttpResponse, AppError> {
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(reports::csv(r, l)?);
    let name = format!("rescuedesk-report-{}-{}.csv", r.first_day, r.last_day);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body))
}

/// The same figures as an Excel workbook (a sheet each: outcomes, stage times, promises,
/// quality), headers in the `Accept-Language` language.
#[utoipa::path(tag = "reports", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/reports/xlsx")]
pub async fn get_report_xlsx(
    state: web::Data<AppState>,
    user: ApiUser,
    q: Query<ReportQuery>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let r = build(&state, &user, q.into_inner()).await?;
    Ok(xlsx_response(&r, reports::xlsx(&r, lang.0)?))
}

/// A workbook download named for the report's days (the pages answer with it too).
pub(crate) fn xlsx_response(r: &Report, body: Vec<u8>) -> HttpResponse {
    let name = format!("rescuedesk-report-{}-{}.xlsx", r.first_day, r.last_day);
    HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}
