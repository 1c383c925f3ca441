//! DMS imports over the API: the CSV file is the request body, the report the answer.

use actix_web::{post, web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::ApiUser;
use crate::domain::role::Action;
use crate::error::{AppError, ErrorBody, ErrorCode};
use crate::import::{ImportKind, ImportReport};
use crate::services::imports::{self, MAX_UPLOAD_BYTES};
use crate::startup::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Write the good rows even when some are bad (default false: a bad row refuses the file).
    pub skip_bad: Option<bool>,
}

/// The answer when bad rows refused the file: nothing was written.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportRejected {
    /// Always `validation_failed`.
    pub error: &'static str,
    pub message: String,
    pub report: ImportReport,
}

/// Import a DMS export: `parts`, `stock` or `history` as CSV (UTF-8, header row first; columns in
/// the README). Every row is checked before anything is written; a re-import of the same file
/// changes nothing. Administrators only; stock and history only for dealers of the caller's group.
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "imports", security(("bearer" = [])),
    params(("kind" = String, Path, description = "parts, stock or history"), ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, at most 20 MiB"),
    responses(
        (status = 200, description = "Imported (bad rows skipped with skip_bad=true are in the report)", body = ImportReport),
        (status = 400, description = "Bad rows or an unreadable file: nothing written", body = ImportRejected),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)))]
#[post("/imports/{kind}")]
pub async fn import(
    state: web::Data<AppState>,
    user: ApiUser,
    kind: web::Path<String>,
    q: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let kind = ImportKind::parse(&kind).ok_or_else(|| {
        AppError::not_found(
            "导入类型（parts、stock、history） / import kind (parts, stock, history)",
        )
    })?;
    // Refused before a 20 MiB body is read.
    user.0.require(Action::ImportData)?;
    let body = crate::api::read_body(payload, MAX_UPLOAD_BYTES).await?;
    let report = imports::import_upload(
        &state.db,
        &user.0,
        kind,
        body.to_vec(),
        q.skip_bad.unwrap_or(false),
        state.settings.tickets.utc_offset_hours,
    )
    .await?;
    if report.rejected() {
        let n = report.bad_rows();
        return Ok(HttpResponse::BadRequest().json(ImportRejected {
            error: ErrorCode::ValidationFailed.as_str(),
            message: format!("{n} 行有误，未写入任何数据 / {n} bad row(s): nothing written"),
            report,
        }));
    }
    Ok(HttpResponse::Ok().json(report))
}
