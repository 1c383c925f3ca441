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
    let today =
        crate::domain::rota::local_time(crate::repo::now(), crate::services::rota::utc_offset())
            .date();
    let (first, last) = reports::period(&q, today)?;
    let group = match q.scope.as_deref() {
        None | Some("dealer") => false,
        Some("group") => true,
        Some(_) => {
            return Err(AppError::field(
                "scope",
                crate::i18n::Msg::new("rep-scope-invalid"),
            ))
        }
    };
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
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(reports::csv(&r, lang.0)?);
    let name = format!("rescuedesk-report-{}-{}.csv", r.first_day, r.last_day);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body))
}
