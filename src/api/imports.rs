//! DMS imports over the API: the CSV file is the request body, the report the answer.

use actix_web::{post, web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody, ErrorCode};
use crate::import::{ImportKind, ImportReport, Refusal};
use crate::services::imports::{self, Upload, MAX_UPLOAD_BYTES};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Write the good rows even when some are bad (default false: a bad row refuses the file).
    pub skip_bad: Option<bool>,
    /// Parts only: take `dangerous_goods` / `monitored` off the parts the file says (default
    /// false: such a file is refused with `safety_downgrade_unconfirmed` and its report lists them).
    pub confirm_downgrades: Option<bool>,
}

/// The answer when the file was refused: nothing was written.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportRejected {
    /// `validation_failed` (bad rows, 400) or `safety_downgrade_unconfirmed` (409).
    pub error: &'static str,
    pub message: String,
    pub report: ImportReport,
}

/// Import a DMS export: `parts`, `stock` or `history` as CSV (UTF-8, UTF-16 with a BOM, or
/// GB18030/GBK as Excel saves it in China; header row first, at most 200 columns; columns in the
/// README). Every row is checked before anything is written; a re-import of the same file
/// changes nothing. The shared parts catalogue: the platform catalogue admin only (taking a
/// dangerous-goods or monitored flag off a part needs `confirm_downgrades=true` and is audited).
/// Stock and history: administrators, for the dealers of their own group. The report lists the
/// first 1,000 problems and counts them all.
#[utoipa::path(tag = "imports", security(("bearer" = [])),
    params(("kind" = String, Path, description = "parts, stock or history"), ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, at most 20 MiB"),
    responses(
        (status = 200, description = "Imported (bad rows skipped with skip_bad=true are in the report)", body = ImportReport),
        (status = 400, description = "Bad rows or an unreadable file: nothing written", body = ImportRejected),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Unconfirmed safety downgrades (listed in the report), or the data changed during the import: nothing written", body = ImportRejected),
        (status = 413, body = ErrorBody)))]
#[post("/imports/{kind}")]
pub async fn import(
    state: web::Data<AppState>,
    user: ApiUser,
    kind: web::Path<String>,
    q: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let kind = ImportKind::parse(&kind)
        .ok_or_else(|| AppError::not_found(crate::error::Thing::ImportKind))?;
    // Refused before a 20 MiB body is read.
    user.0.require(kind.action())?;
    let body = super::body::read_body(payload, MAX_UPLOAD_BYTES).await?;
    let upload = Upload {
        kind,
        body: body.to_vec(),
        skip_bad: q.skip_bad.unwrap_or(false),
        confirm_downgrades: q.confirm_downgrades.unwrap_or(false),
    };
    let report = imports::import_upload(
        &state.db,
        &user.0,
        upload,
        state.settings.tickets.utc_offset_hours,
    )
    .await?;
    let (code, message) = match report.refused {
        None => return Ok(HttpResponse::Ok().json(report)),
        Some(Refusal::BadRows) => {
            let n = report.bad_rows();
            (
                ErrorCode::ValidationFailed,
                format!("{n} 行有误，未写入任何数据 / {n} bad row(s): nothing written"),
            )
        }
        Some(Refusal::UnconfirmedDowngrades) => {
            let n = report.downgrades_total;
            (
                ErrorCode::SafetyDowngradeUnconfirmed,
                format!(
                    "文件会取消 {n} 处危险品或监控件标记，未写入任何数据；核实后以 confirm_downgrades=true 确认 / The file removes {n} dangerous-goods or monitored flag(s): nothing written; check them and confirm with confirm_downgrades=true"
                ),
            )
        }
    };
    Ok(HttpResponse::build(code.status()).json(ImportRejected {
        error: code.as_str(),
        message,
        report,
    }))
}
