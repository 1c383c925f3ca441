//! DMS imports over the API: the CSV file is the request body, the report the answer.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody, ErrorCode};
use crate::i18n::Locale;
use crate::import::{ImportKind, ImportReport, Refusal, RowError};
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

/// One bad cell (or the header) as the API gives it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportProblem {
    /// Counted like a spreadsheet: the header is row 1, the first data row is 2.
    pub row: u64,
    /// The column's canonical name, e.g. `price_yuan`; empty for the file as a whole.
    pub column: String,
    /// Stable snake_case code of the problem, e.g. `not_a_whole_number`, `repeats_row`.
    pub code: &'static str,
    /// The values the reason names (e.g. `value`, `min`, `max`, `first`), for clients that
    /// write their own.
    #[schema(value_type = Object)]
    pub params: BTreeMap<&'static str, serde_json::Value>,
    /// The problem in the language of `Accept-Language` (Chinese unless English is asked for).
    pub reason: String,
}

impl ImportProblem {
    fn of(e: RowError, locale: Locale) -> ImportProblem {
        ImportProblem {
            row: e.row,
            code: e.problem.code(),
            params: e.problem.params(),
            reason: e.problem.render(locale),
            column: e.column,
        }
    }
}

/// The answer when the file was refused: nothing was written.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportRejected {
    /// `validation_failed` (bad rows, 400) or `safety_downgrade_unconfirmed` (409).
    pub error: &'static str,
    /// In the language of `Accept-Language`.
    pub message: String,
    /// The values the message names: `count`.
    #[schema(value_type = Object)]
    pub params: BTreeMap<&'static str, serde_json::Value>,
    pub report: ImportReport<ImportProblem>,
}

/// Import a DMS export: `parts`, `stock` or `history` as CSV (UTF-8, UTF-16 with a BOM, or
/// GB18030/GBK as Excel saves it in China; header row first, at most 200 columns; columns in the
/// README). Every row is checked before anything is written; a re-import of the same file
/// changes nothing. The shared parts catalogue: the platform catalogue admin only (taking a
/// dangerous-goods or monitored flag off a part needs `confirm_downgrades=true` and is audited).
/// Stock and history: administrators, for the dealers of their own group. The duty rota
/// (`rota`): the workshop lead and the service manager, for their own dealer (`PUT
/// /api/v1/rota/shifts` one row at a time). The report lists the
/// first 1,000 problems and counts them all.
#[utoipa::path(tag = "imports", security(("bearer" = [])),
    params(("kind" = String, Path, description = "parts, stock, history or rota"), ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, at most 20 MiB"),
    responses(
        (status = 200, description = "Imported (bad rows skipped with skip_bad=true are in the report)", body = ImportReport<ImportProblem>),
        (status = 400, description = "Bad rows or an unreadable file: nothing written", body = ImportRejected),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Unconfirmed safety downgrades (listed in the report), or the data changed during the import: nothing written", body = ImportRejected),
        (status = 413, body = ErrorBody),
        (status = 429, description = "too_many_attempts: other uploads are being imported on this node; nothing read", body = ErrorBody)))]
#[post("/imports/{kind}")]
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    kind: web::Path<String>,
    q: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let kind = ImportKind::parse(&kind)
        .ok_or_else(|| AppError::not_found(crate::error::Thing::ImportKind))?;
    // Refused before a 20 MiB body is read: the role, then a place among the uploads at once.
    user.0.require(kind.action())?;
    let _slot = state.imports.take()?;
    let body = super::body::read_body(payload, MAX_UPLOAD_BYTES).await?;
    let upload = Upload {
        kind,
        // The request's buffer itself, not a copy (it has no other owner).
        body: body.into(),
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
    let locale = Locale::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let (code, key, count) = match report.refused {
        None => {
            let body = report.map_errors(|e| ImportProblem::of(e, locale));
            return Ok(HttpResponse::Ok().json(body));
        }
        Some(Refusal::BadRows) => (
            ErrorCode::ValidationFailed,
            "import-report-refused-bad-rows",
            report.bad_rows(),
        ),
        Some(Refusal::UnconfirmedDowngrades) => (
            ErrorCode::SafetyDowngradeUnconfirmed,
            "import-report-refused-downgrades",
            report.downgrades_total,
        ),
    };
    let msg = crate::i18n::Msg::with(key, &[("count", count.into())]);
    Ok(HttpResponse::build(code.status()).json(ImportRejected {
        error: code.as_str(),
        message: msg.render(locale),
        params: msg.params.into_iter().collect(),
        report: report.map_errors(|e| ImportProblem::of(e, locale)),
    }))
}
