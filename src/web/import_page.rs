//! The import page: upload a CSV file, see the bad rows (the first 1,000) and the counts. Group
//! admins import their group's stock and history; the platform catalogue admin, the parts.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use futures_util::StreamExt;

use super::session::{Chrome, WebUser};
use super::{html, OrPage, PageError};
use crate::domain::role::Action;
use crate::error::{AppError, ErrorCode};
use crate::import::{ImportKind, ImportReport, Refusal, RowError};
use crate::services::imports::{self, MAX_UPLOAD_BYTES};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "import.html", config = "src/web/askama.toml")]
struct ImportPage {
    c: Chrome,
    /// The kinds this user may import (the select offers only these).
    kinds: Vec<ImportKind>,
    kind: ImportKind,
    skip_bad: bool,
    file_name: String,
    report: Option<ImportReport>,
    message: Option<String>,
    max_mb: usize,
}

impl ImportPage {
    fn may_import_parts(&self) -> bool {
        self.kinds.contains(&ImportKind::Parts)
    }

    /// A problem of the report in the viewer's language.
    fn reason(&self, e: &RowError) -> String {
        e.problem.render(self.c.locale)
    }

    fn summary(&self, r: &ImportReport) -> String {
        r.summary(self.c.locale)
    }

    fn refused_for_downgrades(&self) -> bool {
        self.report
            .as_ref()
            .is_some_and(|r| r.refused == Some(Refusal::UnconfirmedDowngrades))
    }
}

fn page(user: &WebUser, kind: Option<ImportKind>) -> ImportPage {
    let kinds: Vec<ImportKind> = ImportKind::ALL
        .into_iter()
        .filter(|k| user.identity.may(k.action()))
        .collect();
    ImportPage {
        c: user.chrome(),
        kind: kind.or(kinds.first().copied()).unwrap_or(ImportKind::Stock),
        kinds,
        skip_bad: false,
        file_name: String::new(),
        report: None,
        message: None,
        max_mb: MAX_UPLOAD_BYTES / 1024 / 1024,
    }
}

pub async fn form(user: WebUser) -> Result<HttpResponse, PageError> {
    user.require(Action::ImportData)?;
    Ok(html(StatusCode::OK, &page(&user, None)))
}

/// The form's fields; the file is read up to the cap, and the rest of an oversized one drained
/// (not kept) so the browser gets the page instead of a reset connection.
#[derive(Default)]
pub(super) struct Upload {
    pub(super) csrf: String,
    pub(super) kind: String,
    pub(super) skip_bad: bool,
    pub(super) confirm_downgrades: bool,
    pub(super) file_name: String,
    pub(super) file: Option<Vec<u8>>,
    pub(super) too_large: bool,
}

pub(super) async fn read_upload(mut form: Multipart) -> Result<Upload, AppError> {
    let bad = |e: &dyn std::fmt::Display| {
        AppError::msg(
            ErrorCode::ValidationFailed,
            "import-report-form-unreadable",
            &[("detail", e.to_string().into())],
        )
    };
    let mut u = Upload::default();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| bad(&e))?;
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            u.file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or_default()
                .to_owned();
            match field.bytes(MAX_UPLOAD_BYTES).await {
                // The field's buffer itself, not a copy.
                Ok(Ok(b)) => u.file = Some(b.into()),
                Ok(Err(e)) => return Err(bad(&e)),
                // `bytes` has drained the rest, so the other fields still come.
                Err(_) => u.too_large = true,
            }
            continue;
        }
        let value = match field.bytes(4096).await {
            Ok(Ok(b)) => String::from_utf8_lossy(&b).trim().to_owned(),
            _ => return Err(bad(&"field too long")),
        };
        match name.as_str() {
            "csrf" => u.csrf = value,
            "kind" => u.kind = value,
            "skip_bad" => u.skip_bad = !value.is_empty(),
            "confirm_downgrades" => u.confirm_downgrades = !value.is_empty(),
            _ => {}
        }
    }
    Ok(u)
}

pub async fn submit(
    state: web::Data<AppState>,
    user: WebUser,
    form: Multipart,
) -> Result<HttpResponse, PageError> {
    // The role first: nobody else gets to send 20 MB.
    user.require(Action::ImportData)?;
    // A place among the uploads at once, before the file is read.
    let _slot = match state.imports.take() {
        Ok(slot) => slot,
        Err(e) => {
            let mut p = page(&user, None);
            p.message = Some(super::refusal_text(user.locale, &e));
            return Ok(html(StatusCode::TOO_MANY_REQUESTS, &p));
        }
    };
    let u = read_upload(form).await.or_page(user.locale)?;
    user.check_csrf(&u.csrf)?;
    let kind = ImportKind::parse(&u.kind).unwrap_or(ImportKind::Parts);
    // A group admin may open the page, not change the catalogue every group shares.
    user.require(kind.action())?;
    let mut p = page(&user, Some(kind));
    p.skip_bad = u.skip_bad;
    p.file_name = u.file_name;
    let file = match (u.too_large, u.file) {
        (true, _) => {
            p.message = Some(user.locale.t("import-file-over-the-limit"));
            return Ok(html(StatusCode::PAYLOAD_TOO_LARGE, &p));
        }
        (false, Some(f)) if !f.is_empty() => f,
        _ => {
            p.message = Some(user.locale.t("import-choose-a-csv-file"));
            return Ok(html(StatusCode::BAD_REQUEST, &p));
        }
    };
    let upload = imports::Upload {
        kind,
        body: file,
        skip_bad: u.skip_bad,
        confirm_downgrades: u.confirm_downgrades,
    };
    let report = imports::import_upload(
        &state.db,
        &user.identity,
        upload,
        state.settings.tickets.utc_offset_hours,
    )
    .await
    .or_page(user.locale)?;
    let status = match report.refused {
        None => StatusCode::OK,
        Some(Refusal::BadRows) => StatusCode::UNPROCESSABLE_ENTITY,
        Some(Refusal::UnconfirmedDowngrades) => StatusCode::CONFLICT,
    };
    p.report = Some(report);
    Ok(html(status, &p))
}
