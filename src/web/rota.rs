//! The duty rota page (值班表): a dealer's week as a grid of people × days, a cell's small form
//! to set or clear a shift (on the weekday or on that date), and the rota's CSV import.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::form::Fields;
use super::session::{Chrome, WebUser};
use super::{html, redirect, refusal_text, OrPage, PageError};
use crate::domain::ids::DealerId;
use crate::domain::role::Action;
use crate::domain::rota::{Duty, ShiftKind};
use crate::error::AppError;
use crate::import::{ImportKind, ImportReport, RowError};
use crate::services::imports;
use crate::services::rota::{self, ClearShiftQuery, RotaWeek, SetShiftRequest, ShiftView};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct RotaQuery {
    dealer: Option<DealerId>,
    week: Option<String>,
    /// The cell whose form is open (without script): a person key and a date.
    person: Option<String>,
    day: Option<String>,
    saved: Option<String>,
}

struct DayHead {
    date: String,
    /// `12-07`.
    short: String,
    weekday: String,
    today: bool,
    holiday: Option<String>,
}

struct Cell {
    date: String,
    /// `on_duty`, `on_call`, `off`, or `none`.
    kind: &'static str,
    /// `08:00–20:00`, with "next day" when it runs past midnight; empty for none.
    hours: String,
    label: String,
    dated: bool,
    holiday: bool,
    today: bool,
}

struct PersonRow {
    person: String,
    name: String,
    roles: String,
    /// Where they stand now (this week only): code and label.
    now: Option<(&'static str, String)>,
    cells: Vec<Cell>,
}

struct Group {
    title: String,
    rows: Vec<PersonRow>,
}

/// The open cell's form.
struct Editor {
    person: String,
    name: String,
    date: String,
    weekday: u32,
    weekday_name: String,
    start: String,
    end: String,
    kind: &'static str,
    /// The form starts on "this date only" when the day has a dated entry or is a holiday.
    dated: bool,
    holiday: bool,
}

#[derive(Template)]
#[template(path = "rota.html", config = "src/web/askama.toml")]
struct RotaPage {
    c: Chrome,
    w: RotaWeek,
    days: Vec<DayHead>,
    groups: Vec<Group>,
    editor: Option<Editor>,
    alert: Option<(&'static str, String)>,
    report: Option<ImportReport>,
    /// `dealer=<id>&` for links, when the page is of another dealer than the viewer's.
    dealer_q: String,
}

impl RotaPage {
    fn reason(&self, e: &RowError) -> String {
        e.problem.render(self.c.locale)
    }

    fn summary(&self, r: &ImportReport) -> String {
        r.summary(self.c.locale)
    }
}

#[derive(Template)]
#[template(path = "rota_cell.html", config = "src/web/askama.toml")]
struct CellForm {
    c: Chrome,
    w: RotaWeek,
    e: Editor,
    dealer_q: String,
}

fn weekday_key(n: u32) -> &'static str {
    match n {
        1 => "rota-weekday-1",
        2 => "rota-weekday-2",
        3 => "rota-weekday-3",
        4 => "rota-weekday-4",
        5 => "rota-weekday-5",
        6 => "rota-weekday-6",
        _ => "rota-weekday-7",
    }
}

fn hours(c: &Chrome, s: &ShiftView) -> String {
    if s.kind == ShiftKind::Off {
        return String::new();
    }
    if s.crosses_midnight {
        c.t2("rota-hours-next-day", "start", &s.start, "end", &s.end)
    } else {
        c.t2("rota-hours", "start", &s.start, "end", &s.end)
    }
}

fn build(c: &Chrome, w: &RotaWeek) -> (Vec<DayHead>, Vec<Group>) {
    let days = w
        .days
        .iter()
        .map(|d| DayHead {
            short: d.date.get(5..).unwrap_or_default().to_owned(),
            date: d.date.clone(),
            weekday: c.t(weekday_key(d.weekday)),
            today: d.today,
            holiday: d
                .holiday
                .as_ref()
                .map(|h| c.name(&h.name_zh, &h.name_en).to_owned()),
        })
        .collect();
    let mut techs = Group {
        title: c.t("rota-group-technicians"),
        rows: Vec::new(),
    };
    let mut staff = Group {
        title: c.t("rota-group-staff"),
        rows: Vec::new(),
    };
    for p in &w.people {
        let cells = p
            .days
            .iter()
            .zip(&w.days)
            .map(|(cell, day)| {
                let (kind, label) = match &cell.shift {
                    Some(s) => (s.kind.as_str(), c.t(s.kind.label_key())),
                    None => ("none", String::new()),
                };
                Cell {
                    date: cell.date.clone(),
                    kind,
                    hours: cell.shift.as_ref().map(|s| hours(c, s)).unwrap_or_default(),
                    label,
                    dated: cell.shift.as_ref().is_some_and(|s| s.dated),
                    holiday: day.holiday.is_some(),
                    today: day.today,
                }
            })
            .collect();
        let row = PersonRow {
            person: p.person.clone(),
            name: p.name.clone(),
            roles: p
                .roles
                .iter()
                .map(|r| c.t(r.label_key()))
                .collect::<Vec<_>>()
                .join(&c.t("punct-list-sep")),
            now: p
                .now
                .filter(|d| *d != Duty::NotRostered)
                .map(|d| (d.as_str(), c.t(d.label_key()))),
            cells,
        };
        if p.group == "technician" {
            techs.rows.push(row);
        } else {
            staff.rows.push(row);
        }
    }
    (days, vec![techs, staff])
}

fn editor_for(c: &Chrome, w: &RotaWeek, person: &str, day: &str) -> Option<Editor> {
    let p = w.people.iter().find(|p| p.person == person)?;
    let i = w.days.iter().position(|d| d.date == day)?;
    let d = &w.days[i];
    let shift = p.days[i].shift.as_ref();
    let weekly = p.weekly[i].as_ref();
    let shown = shift.or(weekly);
    Some(Editor {
        person: p.person.clone(),
        name: p.name.clone(),
        date: d.date.clone(),
        weekday: d.weekday,
        weekday_name: c.t(weekday_key(d.weekday)),
        start: shown
            .filter(|s| s.kind != ShiftKind::Off)
            .map_or("08:00".into(), |s| s.start.clone()),
        end: shown
            .filter(|s| s.kind != ShiftKind::Off)
            .map_or("20:00".into(), |s| s.end.clone()),
        kind: shown.map_or("on_duty", |s| s.kind.as_str()),
        dated: shift.is_some_and(|s| s.dated) || d.holiday.is_some(),
        holiday: d.holiday.is_some(),
    })
}

fn dealer_q(user: &WebUser, w: &RotaWeek) -> String {
    if w.dealer.id == user.identity.dealer_id {
        String::new()
    } else {
        format!("dealer={}&", w.dealer.id)
    }
}

async fn load(
    state: &AppState,
    user: &WebUser,
    dealer: Option<DealerId>,
    week: Option<String>,
) -> Result<RotaWeek, PageError> {
    rota::week(&state.db, &user.identity, dealer, week, crate::repo::now())
        .await
        .or_page(user.locale)
}

fn page(user: &WebUser, w: RotaWeek, q: &RotaQuery) -> RotaPage {
    let c = user.chrome();
    let (days, groups) = build(&c, &w);
    let editor = match (&q.person, &q.day) {
        (Some(p), Some(d)) if w.may_edit => editor_for(&c, &w, p, d),
        _ => None,
    };
    let alert = q.saved.is_some().then(|| ("ok", c.t("rota-saved")));
    RotaPage {
        dealer_q: dealer_q(user, &w),
        c,
        w,
        days,
        groups,
        editor,
        alert,
        report: None,
    }
}

/// `GET /rota?dealer=…&week=2026-W49` (or a date).
pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<RotaQuery>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ViewRota)?;
    let q = q.into_inner();
    let w = load(&state, &user, q.dealer.clone(), q.week.clone()).await?;
    Ok(html(StatusCode::OK, &page(&user, w, &q)))
}

/// `GET /rota/cell?person=…&day=…&week=…`: the small form of one cell, for htmx to put in place.
pub async fn cell(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<RotaQuery>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::EditRota)?;
    let q = q.into_inner();
    let w = load(&state, &user, None, q.week.clone()).await?;
    let c = user.chrome();
    let e = editor_for(
        &c,
        &w,
        q.person.as_deref().unwrap_or_default(),
        q.day.as_deref().unwrap_or_default(),
    )
    .ok_or_else(|| {
        PageError::App(
            AppError::not_found(crate::error::Thing::Record),
            user.locale,
        )
    })?;
    let dealer_q = dealer_q(&user, &w);
    Ok(html(StatusCode::OK, &CellForm { c, w, e, dealer_q }))
}

/// `POST /rota/shift`: set (or, with `clear`, clear) the cell's shift on its date or weekday.
pub async fn save(
    state: web::Data<AppState>,
    user: WebUser,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    user.require(Action::EditRota)?;
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let week = f.get("week").to_owned();
    let (person, date) = (f.get("person").to_owned(), f.get("date").to_owned());
    let weekly = f.get("applies") == "weekly";
    let weekday: Option<i64> = weekly.then(|| f.get("weekday").parse().unwrap_or(0));
    let on_date = (!weekly).then(|| date.clone());
    let now = crate::repo::now();
    let result = if f.get("clear").is_empty() {
        rota::set_shift(
            &state.db,
            &user.identity,
            SetShiftRequest {
                person: person.clone(),
                weekday,
                date: on_date,
                start: Some(f.get("start").to_owned()),
                end: Some(f.get("end").to_owned()),
                kind: f.get("kind").to_owned(),
            },
            now,
        )
        .await
        .map(|_| ())
    } else {
        rota::clear_shift(
            &state.db,
            &user.identity,
            ClearShiftQuery {
                person: person.clone(),
                weekday,
                date: on_date,
            },
            now,
        )
        .await
    };
    let q = RotaQuery {
        person: Some(person),
        day: Some(date),
        ..Default::default()
    };
    answer(&state, &user, result, &week, &week, q).await
}

/// `POST /rota/holiday`: mark a day as a holiday of the user's dealer, or (`clear`) unmark it.
pub async fn holiday(
    state: web::Data<AppState>,
    user: WebUser,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    user.require(Action::EditRota)?;
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let (week, date) = (f.get("week").to_owned(), f.get("date").to_owned());
    let now = crate::repo::now();
    let result = if f.get("clear").is_empty() {
        let req = rota::HolidayRequest {
            name_zh: f.get("name_zh").to_owned(),
            name_en: f.get("name_en").to_owned(),
        };
        rota::set_holiday(&state.db, &user.identity, &date, req, now)
            .await
            .map(|_| ())
    } else {
        rota::clear_holiday(&state.db, &user.identity, &date, now).await
    };
    // Back to the week of the day just changed.
    answer(&state, &user, result, &date, &week, RotaQuery::default()).await
}

/// A form post's answer: back to the week (`to`) when done; a refused one draws the page of
/// `week` again with the refusal (the cell form of `q` open), status 400.
async fn answer(
    state: &AppState,
    user: &WebUser,
    result: Result<(), AppError>,
    to: &str,
    week: &str,
    q: RotaQuery,
) -> Result<HttpResponse, PageError> {
    match result {
        Ok(()) => Ok(redirect(&format!("/rota?week={}&saved=1", urlencoding(to)))),
        Err(e) if e.code == crate::error::ErrorCode::ValidationFailed => {
            let w = load(state, user, None, Some(week.to_owned())).await?;
            let mut p = page(user, w, &q);
            p.alert = Some(("error", refusal_text(user.locale, &e)));
            Ok(html(StatusCode::BAD_REQUEST, &p))
        }
        Err(e) => Err(PageError::App(e, user.locale)),
    }
}

/// A week label or date, as a query value (they hold only digits, letters and `-`).
fn urlencoding(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(20)
        .collect()
}

/// `POST /rota/import`: a rota CSV of the user's own dealer; the week again with the report.
pub async fn import(
    state: web::Data<AppState>,
    user: WebUser,
    form: Multipart,
) -> Result<HttpResponse, PageError> {
    // The role first: nobody else gets to send 20 MB.
    user.require(Action::EditRota)?;
    let u = super::import_page::read_upload(form)
        .await
        .or_page(user.locale)?;
    user.check_csrf(&u.csrf)?;
    let w = load(&state, &user, None, None).await?;
    let mut p = page(&user, w, &RotaQuery::default());
    let file = match (u.too_large, u.file) {
        (false, Some(f)) if !f.is_empty() => f,
        (true, _) => {
            p.alert = Some(("error", user.locale.t("import-file-over-the-limit")));
            return Ok(html(StatusCode::PAYLOAD_TOO_LARGE, &p));
        }
        _ => {
            p.alert = Some(("error", user.locale.t("import-choose-a-csv-file")));
            return Ok(html(StatusCode::BAD_REQUEST, &p));
        }
    };
    let report = imports::import_upload(
        &state.db,
        &user.identity,
        imports::Upload {
            kind: ImportKind::Rota,
            body: file,
            skip_bad: u.skip_bad,
            confirm_downgrades: false,
        },
        state.settings.tickets.utc_offset_hours,
    )
    .await
    .or_page(user.locale)?;
    let status = if report.written {
        // The grid again, with what the file changed.
        let w = load(&state, &user, None, None).await?;
        p = page(&user, w, &RotaQuery::default());
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    p.report = Some(report);
    Ok(html(status, &p))
}
