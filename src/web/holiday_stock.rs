//! The holiday stock page (节前备货): the suggested order list for the dealer and a holiday, from
//! past years' same period, ranked by how often each part held a rescue up; the parts manager
//! adjusts the quantities and confirms, the parts desk records each line as it arrives, and
//! both download it as CSV or Excel for the manufacturer order.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::form::Fields;
use super::holiday_choice::{choices, Choice};
use super::session::{Chrome, WebUser};
use super::{html, redirect, OrPage, PageError};
use crate::domain::holiday_stock::ListStatus;
use crate::domain::ids::HolidayId;
use crate::domain::role::Action;
use crate::error::{AppError, ErrorCode, Thing};
use crate::services::holiday_stock::{self as stock, AdjustRequest, LineChange, ReceiptRequest};
use crate::services::holiday_stock_export as export;
use crate::state::AppState;

/// The most lines the adjust form reads (the service's own bound).
const MAX_FORM_LINES: usize = 500;

struct Row {
    part_id: String,
    part_no: String,
    name: String,
    held_up: i32,
    expected: i32,
    available: i32,
    suggested: i32,
    quantity: i32,
    received: i32,
    waiting: bool,
}

#[derive(Template)]
#[template(path = "holiday_stock.html", config = "src/web/askama.toml")]
struct Page {
    c: Chrome,
    holiday_id: String,
    holiday: String,
    choices: Vec<Choice>,
    choice_href: &'static str,
    past: String,
    status: &'static str,
    status_label: String,
    editable: bool,
    receivable: bool,
    rows: Vec<Row>,
    alert: Option<(&'static str, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct StockQuery {
    holiday: Option<String>,
    saved: Option<String>,
}

fn holiday_id(s: &str, l: crate::i18n::Locale) -> Result<HolidayId, PageError> {
    crate::api::params::page_id(s.trim(), Thing::Holiday).or_page(l)
}

async fn render(
    state: &AppState,
    user: &WebUser,
    id: HolidayId,
    status: StatusCode,
    alert: Option<(&'static str, String)>,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    let s = stock::list(&state.db, &user.identity, id)
        .await
        .or_page(l)?;
    let coming = crate::services::holidays::coming(&state.db, &user.identity)
        .await
        .or_page(l)?;
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let page = Page {
        c: user.chrome(),
        holiday_id: s.holiday.id.clone(),
        holiday: super::holiday_choice::title(l, &s.holiday),
        choices: choices(l, &coming, Some(s.holiday.id.as_str())),
        choice_href: "/holiday-stock?holiday=",
        past: s
            .past
            .iter()
            .map(|w| {
                let dates = format!("{} – {}", day(w.first_day), day(w.last_day));
                if w.from_calendar {
                    dates
                } else {
                    l.t_with("hstock-page-past-same-dates", &[("dates", dates.into())])
                }
            })
            .collect::<Vec<_>>()
            .join(&l.t("punct-list-sep")),
        status: s.status.as_str(),
        status_label: if s.stored {
            l.t(s.status.label_key())
        } else {
            l.t("hstock-page-not-stored")
        },
        editable: s.may_confirm && s.status == ListStatus::Draft,
        receivable: s.may_receive && s.status == ListStatus::Confirmed,
        rows: s
            .lines
            .iter()
            .map(|x| Row {
                part_id: x.part_id.clone(),
                part_no: x.part_no.clone(),
                name: l.name(&x.name_zh, &x.name_en).to_owned(),
                held_up: x.held_up_rescues,
                expected: x.expected,
                available: x.available,
                suggested: x.suggested,
                quantity: x.quantity,
                received: x.received,
                // Only an ordered line can be waited for: a draft's zeros are not late.
                waiting: s.status == ListStatus::Confirmed
                    && x.quantity > 0
                    && x.received < x.quantity,
            })
            .collect(),
        alert,
    };
    Ok(html(status, &page))
}

/// `GET /holiday-stock?holiday=<id>`.
pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<StockQuery>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ViewHolidayStock)?;
    let l = user.locale;
    let q = q.into_inner();
    let Some(h) = q.holiday.as_deref().filter(|h| !h.trim().is_empty()) else {
        // No holiday named (the parts desk's link): the next one not over; with none to come,
        // the calendar says so.
        let coming = crate::services::holidays::coming(&state.db, &user.identity)
            .await
            .or_page(l)?;
        if let Some(next) = coming.first() {
            return Ok(redirect(&format!("/holiday-stock?holiday={}", next.id)));
        }
        return Ok(redirect("/holidays"));
    };
    let alert = q.saved.map(|_| ("ok", l.t("holiday-saved")));
    render(&state, &user, holiday_id(h, l)?, StatusCode::OK, alert).await
}

/// A refused change comes back on the page with its message; anything else is the error page.
async fn after(
    state: &AppState,
    user: &WebUser,
    id: HolidayId,
    result: Result<(), AppError>,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    match result {
        Ok(()) => Ok(redirect(&format!(
            "/holiday-stock?holiday={}&saved=1",
            id.as_str()
        ))),
        Err(e)
            if matches!(
                e.code,
                ErrorCode::ValidationFailed | ErrorCode::InvalidTransition
            ) || e.code.status() == StatusCode::CONFLICT =>
        {
            let status = e.code.status();
            render(
                state,
                user,
                id,
                status,
                Some(("error", super::refusal_text(l, &e))),
            )
            .await
        }
        Err(e) => Err(PageError::App(e, l)),
    }
}

/// `POST /holiday-stock/{id}/adjust`: the quantities typed (`qty:<part id>`); `confirm` also
/// confirms the list once they are stored.
pub async fn adjust(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ConfirmHolidayStock)?;
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let l = user.locale;
    let id = holiday_id(&path.into_inner(), l)?;
    let mut lines = Vec::new();
    let mut unreadable = false;
    for (part, v) in f.prefixed("qty:").take(MAX_FORM_LINES + 1) {
        match v.parse::<i64>() {
            Ok(quantity) => lines.push(LineChange {
                part_id: part.to_owned(),
                quantity,
            }),
            Err(_) => unreadable = true,
        }
    }
    let result = if unreadable {
        Err(AppError::field(
            "quantity",
            crate::i18n::Msg::with("holiday-stock-quantity-range", &[("max", 10_000.into())]),
        ))
    } else {
        let adjusted = stock::adjust(
            &state.db,
            &user.identity,
            id.clone(),
            AdjustRequest { lines },
        )
        .await
        .map(|_| ());
        match adjusted {
            Ok(()) if !f.get("confirm").is_empty() => {
                stock::confirm(&state.db, &user.identity, id.clone())
                    .await
                    .map(|_| ())
            }
            other => other,
        }
    };
    after(&state, &user, id, result).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ReceiveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    part_id: String,
    #[serde(default)]
    quantity: String,
}

/// `POST /holiday-stock/{id}/receive`: units of one line arrived.
pub async fn receive(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<ReceiveForm>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ReceiveHolidayStock)?;
    user.check_csrf(&form.csrf)?;
    let l = user.locale;
    let id = holiday_id(&path.into_inner(), l)?;
    let result = match form.quantity.trim().parse::<i64>() {
        Ok(quantity) => stock::receive(
            &state.db,
            &user.identity,
            id.clone(),
            ReceiptRequest {
                part_id: form.part_id.chars().take(80).collect(),
                quantity,
            },
        )
        .await
        .map(|_| ()),
        Err(_) => Err(AppError::field(
            "quantity",
            crate::i18n::Msg::with("holiday-stock-quantity-range", &[("max", 10_000.into())]),
        )),
    };
    after(&state, &user, id, result).await
}

/// `GET /holiday-stock/{id}/download.csv` and `.xlsx`: the list for the manufacturer order, in
/// the page's language.
pub async fn download(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    let (id, ext) = path.into_inner();
    let s = stock::list(&state.db, &user.identity, holiday_id(&id, l)?)
        .await
        .or_page(l)?;
    let (content_type, body) = match ext.as_str() {
        "csv" => {
            let mut body = "\u{feff}".as_bytes().to_vec();
            body.extend(export::csv(&s, l).or_page(l)?);
            ("text/csv; charset=utf-8", body)
        }
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            export::xlsx(&s, l).or_page(l)?,
        ),
        _ => return Err(PageError::App(AppError::not_found(Thing::Page), l)),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"{}\"", export::file_name(&s, &ext)),
        ))
        .body(body))
}
