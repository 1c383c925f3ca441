//! The holiday calendar page (节假日): a year's holidays with what each does to the ways parts
//! travel, and for the group's admins the form to add, change or remove one. Also the sentences
//! other pages say about holidays: an option's note on the sourcing page, a holiday's effects,
//! and what the consent script tells the customer.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::form::Fields;
use super::session::{Chrome, WebUser};
use super::{html, redirect, OrPage, PageError};
use crate::domain::holiday::{CalendarHolidayRequest, Channel, Delay, Effect};
use crate::domain::ids::HolidayId;
use crate::domain::role::Action;
use crate::error::{AppError, ErrorCode, Thing};
use crate::i18n::Locale;
use crate::services::holidays::{self, CalendarHolidayView};
use crate::state::AppState;

fn day(d: chrono::NaiveDate) -> String {
    d.format("%m-%d").to_string()
}

fn name(l: Locale, zh: &str, en: &str) -> String {
    l.name(zh, en).to_owned()
}

/// "厂家紧急订单停发，节后另需 24 小时；快递慢 48 小时".
pub fn describe_effects(l: Locale, effects: &[Effect]) -> String {
    if effects.is_empty() {
        return l.t("holiday-effects-none");
    }
    effects
        .iter()
        .map(|e| {
            let channel = l.t(e.channel.label_key());
            let hours = i64::from(e.extra_hours);
            match (e.stopped, e.extra_hours) {
                (true, 0) => l.t_with("holiday-effect-stopped", &[("channel", channel.into())]),
                (true, _) => l.t_with(
                    "holiday-effect-stopped-extra",
                    &[("channel", channel.into()), ("hours", hours.into())],
                ),
                (false, _) => l.t_with(
                    "holiday-effect-slower",
                    &[("channel", channel.into()), ("hours", hours.into())],
                ),
            }
        })
        .collect::<Vec<_>>()
        .join(&l.t("punct-semicolon"))
}

/// The sourcing page's note under an option's arrival: "春节停运，节后另需 60 小时".
pub fn option_note(l: Locale, delays: &[Delay]) -> String {
    delays
        .iter()
        .map(|d| {
            let holiday = name(l, &d.name_zh, &d.name_en);
            let hours = i64::from(d.extra_hours);
            match (d.stopped, d.extra_hours) {
                (true, 0) => l.t_with("holiday-option-stopped", &[("name", holiday.into())]),
                (true, _) => l.t_with(
                    "holiday-option-stopped-extra",
                    &[("name", holiday.into()), ("hours", hours.into())],
                ),
                (false, _) => l.t_with(
                    "holiday-option-slower",
                    &[("name", holiday.into()), ("hours", hours.into())],
                ),
            }
        })
        .collect::<Vec<_>>()
        .join(&l.t("punct-list-sep"))
}

/// What the consent script tells the customer about a holiday that makes the part later.
pub fn told(l: Locale, d: &Delay) -> String {
    let args = [
        ("name", name(l, &d.name_zh, &d.name_en).into()),
        ("first", day(d.first_day).into()),
        ("last", day(d.last_day).into()),
        ("hours", i64::from(d.extra_hours).into()),
    ];
    if d.stopped {
        l.t_with("holiday-told-stopped", &args)
    } else {
        l.t_with("holiday-told-slower", &args)
    }
}

/// A holiday as a line of a page: its name, days and effects.
pub fn banner(l: Locale, h: &CalendarHolidayView) -> String {
    l.t_with(
        "holiday-banner",
        &[
            ("name", name(l, &h.name_zh, &h.name_en).into()),
            ("first", day(h.first_day).into()),
            ("last", day(h.last_day).into()),
            ("effects", describe_effects(l, &h.effects).into()),
        ],
    )
}

/// How a channel is set in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Usual,
    Slower,
    Stopped,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Usual => "usual",
            Mode::Slower => "slower",
            Mode::Stopped => "stopped",
        }
    }

    fn parse(s: &str) -> Mode {
        match s {
            "slower" => Mode::Slower,
            "stopped" => Mode::Stopped,
            _ => Mode::Usual,
        }
    }
}

struct ChannelRow {
    code: &'static str,
    label: String,
    mode: &'static str,
    hours: String,
}

/// The add/change form as typed, so a refused one comes back unchanged.
struct EditForm {
    /// Empty for a new holiday.
    id: String,
    name_zh: String,
    name_en: String,
    first_day: String,
    last_day: String,
    channels: Vec<ChannelRow>,
}

impl EditForm {
    fn blank(l: Locale) -> EditForm {
        EditForm::of(l, None)
    }

    fn of(l: Locale, h: Option<&CalendarHolidayView>) -> EditForm {
        let effect = |c: Channel| h.and_then(|h| h.effects.iter().find(|e| e.channel == c));
        EditForm {
            id: h.map(|h| h.id.clone()).unwrap_or_default(),
            name_zh: h.map(|h| h.name_zh.clone()).unwrap_or_default(),
            name_en: h.map(|h| h.name_en.clone()).unwrap_or_default(),
            first_day: h.map(|h| h.first_day.to_string()).unwrap_or_default(),
            last_day: h.map(|h| h.last_day.to_string()).unwrap_or_default(),
            channels: Channel::ALL
                .iter()
                .map(|&c| {
                    let e = effect(c);
                    let mode = match e {
                        Some(e) if e.stopped => Mode::Stopped,
                        Some(_) => Mode::Slower,
                        None => Mode::Usual,
                    };
                    ChannelRow {
                        code: c.as_str(),
                        label: l.t(c.label_key()),
                        mode: mode.as_str(),
                        hours: e
                            .filter(|e| e.extra_hours > 0)
                            .map(|e| e.extra_hours.to_string())
                            .unwrap_or_default(),
                    }
                })
                .collect(),
        }
    }

    fn read(l: Locale, f: &Fields) -> EditForm {
        EditForm {
            id: f.get("id").to_owned(),
            name_zh: f.get("name_zh").to_owned(),
            name_en: f.get("name_en").to_owned(),
            first_day: f.get("first_day").to_owned(),
            last_day: f.get("last_day").to_owned(),
            channels: Channel::ALL
                .iter()
                .map(|&c| ChannelRow {
                    code: c.as_str(),
                    label: l.t(c.label_key()),
                    mode: Mode::parse(f.get(&format!("{}_mode", c.as_str()))).as_str(),
                    hours: f
                        .get(&format!("{}_hours", c.as_str()))
                        .chars()
                        .take(10)
                        .collect(),
                })
                .collect(),
        }
    }

    /// The request the API takes; hours that do not read are a field error of `effects`.
    fn to_request(&self) -> Result<CalendarHolidayRequest, ()> {
        let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        let mut effects = Vec::new();
        for row in &self.channels {
            let mode = Mode::parse(row.mode);
            if mode == Mode::Usual {
                continue;
            }
            let extra_hours = match row.hours.trim() {
                "" => 0,
                h => h.parse::<u32>().map_err(|_| ())?,
            };
            let channel = Channel::parse(row.code).ok_or(())?;
            effects.push(Effect {
                channel,
                stopped: mode == Mode::Stopped,
                extra_hours,
            });
        }
        Ok(CalendarHolidayRequest {
            name_zh: opt(&self.name_zh),
            name_en: opt(&self.name_en),
            first_day: opt(&self.first_day),
            last_day: opt(&self.last_day),
            effects,
        })
    }
}

struct Row {
    id: String,
    name: String,
    /// `02-05 – 02-11 · 7 天`.
    days: String,
    effects: String,
}

#[derive(Template)]
#[template(path = "holidays.html", config = "src/web/askama.toml")]
struct Page {
    c: Chrome,
    year: i32,
    rows: Vec<Row>,
    may_manage: bool,
    f: EditForm,
    errors: BTreeMap<String, String>,
    message: Option<String>,
    saved: bool,
    /// The viewer may open the readiness page (its link on each holiday).
    may_readiness: bool,
    /// The viewer may open the holiday stock list (its link on each holiday).
    may_stock: bool,
}

impl Page {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    year: Option<String>,
    edit: Option<String>,
    saved: Option<String>,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    year: Option<i32>,
    f: Option<EditForm>,
    edit: Option<String>,
    errors: BTreeMap<String, String>,
) -> Result<Page, PageError> {
    user.require(Action::ViewHolidays)?;
    let l = user.locale;
    let y = holidays::year(&state.db, &user.identity, year)
        .await
        .or_page(l)?;
    let f = match (f, edit) {
        (Some(f), _) => f,
        (None, Some(id)) => {
            let id: HolidayId = crate::api::params::page_id(&id, Thing::Holiday).or_page(l)?;
            let h = holidays::get(&state.db, &user.identity, id)
                .await
                .or_page(l)?;
            EditForm::of(l, Some(&h))
        }
        (None, None) => EditForm::blank(l),
    };
    let message = (!errors.is_empty()).then(|| {
        l.t_with(
            "form-correct-marked-fields-count",
            &[("count", errors.len().into())],
        )
    });
    Ok(Page {
        c: user.chrome(),
        year: y.year,
        rows: y
            .holidays
            .iter()
            .map(|h| Row {
                id: h.id.clone(),
                name: name(l, &h.name_zh, &h.name_en),
                days: l.t_with(
                    "holiday-days",
                    &[
                        ("first", day(h.first_day).into()),
                        ("last", day(h.last_day).into()),
                        ("count", h.days.into()),
                    ],
                ),
                effects: describe_effects(l, &h.effects),
            })
            .collect(),
        may_manage: y.may_manage,
        f,
        errors,
        message,
        saved: false,
        may_readiness: user.identity.may(Action::ViewReadiness),
        may_stock: user.identity.may(Action::ViewHolidayStock),
    })
}

fn year_of(q: &Option<String>) -> Option<i32> {
    q.as_deref().and_then(|y| y.trim().parse().ok())
}

/// `GET /holidays?year=2027&edit=<id>`.
pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<YearQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let mut p = page(
        &state,
        &user,
        year_of(&q.year),
        None,
        q.edit,
        BTreeMap::new(),
    )
    .await?;
    p.saved = q.saved.is_some();
    Ok(html(StatusCode::OK, &p))
}

/// `POST /holidays`: add one, or change the one named by `id`.
pub async fn save(
    state: web::Data<AppState>,
    user: WebUser,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ManageHolidays)?;
    let fields = Fields::parse(&body);
    user.check_csrf(fields.get("csrf"))?;
    let l = user.locale;
    let form = EditForm::read(l, &fields);
    let result = match form.to_request() {
        Err(()) => Err(AppError::field(
            "effects",
            crate::i18n::Msg::new("holiday-error-hours-number"),
        )),
        Ok(req) if form.id.is_empty() => holidays::create(&state.db, &user.identity, req).await,
        Ok(req) => {
            let id: HolidayId = crate::api::params::page_id(&form.id, Thing::Holiday).or_page(l)?;
            holidays::update(&state.db, &user.identity, id, req).await
        }
    };
    match result {
        Ok(h) => Ok(redirect(&format!(
            "/holidays?year={}&saved=1",
            chrono::Datelike::year(&h.first_day)
        ))),
        Err(e) if e.code == ErrorCode::ValidationFailed => {
            let errors = e
                .fields
                .iter()
                .map(|(k, m)| (k.clone(), m.render(l)))
                .collect();
            let year = chrono::NaiveDate::parse_from_str(&form.first_day, "%Y-%m-%d")
                .ok()
                .map(|d| chrono::Datelike::year(&d));
            let p = page(&state, &user, year, Some(form), None, errors).await?;
            Ok(html(StatusCode::BAD_REQUEST, &p))
        }
        Err(e) => Err(PageError::App(e, l)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    year: String,
}

/// `POST /holidays/{id}/delete`.
pub async fn remove(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ManageHolidays)?;
    user.check_csrf(&form.csrf)?;
    let id: HolidayId =
        crate::api::params::page_id(&path.into_inner(), Thing::Holiday).or_page(user.locale)?;
    holidays::delete(&state.db, &user.identity, id)
        .await
        .or_page(user.locale)?;
    let year: Option<i32> = form.year.trim().parse().ok();
    Ok(redirect(&match year {
        Some(y) => format!("/holidays?year={y}&saved=1"),
        None => "/holidays?saved=1".to_owned(),
    }))
}
