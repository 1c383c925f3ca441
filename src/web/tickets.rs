//! Ticket pages: the intake form used while on the phone, the filtered list and the ticket page.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDateTime};
use serde::Deserialize;

use super::session::{Chrome, WebUser};
use super::{html, redirect, url_encode, OrPage, PageError};
use crate::api::params::Query;
use crate::domain::intake::{IntakeRequest, LocationRequest, TicketIntake};
use crate::domain::location::{Coordinates, Crs};
use crate::domain::plate::Plate;
use crate::domain::role::Action;
use crate::domain::ticket::TicketStatus;
use crate::error::{AppError, ErrorCode};
use crate::i18n::Msg;
use crate::services::tickets::{self, TicketQuery, TicketView, VehicleHistory};
use crate::services::views::Visit;
use crate::state::AppState;

/// A span of time as people say it: "1 d 3 h", "2 h 5 min", "2 h", "40 min" (and in Chinese).
pub(super) fn duration_text(l: crate::i18n::Locale, minutes: i64) -> String {
    let m = minutes.max(0);
    let (days, hours, minutes) = (m / 1440, (m % 1440) / 60, m % 60);
    if days > 0 {
        l.t_with(
            "web-duration-days",
            &[("days", days.into()), ("hours", hours.into())],
        )
    } else {
        l.t_with(
            "web-duration",
            &[("hours", hours.into()), ("minutes", minutes.into())],
        )
    }
}

/// A ticket's next promise as the pages show it, in the page's language and the dealer's local
/// time: the ticket page, the ticket list and the work queues (`promise_badge.html`).
pub struct PromiseRow {
    /// `on_time`, `warning` or `breached`: the badge's colour and the tests' hook.
    pub state: &'static str,
    pub state_label: String,
    pub stage: String,
    /// "due 12-01 14:30".
    pub deadline: String,
    /// "2 h 5 min left" or "10 min late".
    pub left: String,
    pub paused: bool,
}

/// A response level's name in `l` (一级（重大）…); empty for a level no ticket can hold.
pub(super) fn level_label(l: crate::i18n::Locale, level: i32) -> String {
    crate::domain::response_level::ResponseLevel::try_from(i64::from(level))
        .map(|r| l.t(r.label_key()))
        .unwrap_or_default()
}

pub(super) fn promise_row(
    state: &AppState,
    l: crate::i18n::Locale,
    p: &crate::services::promises::PromiseView,
) -> PromiseRow {
    let time = duration_text(l, p.whole_minutes());
    let key = if p.seconds_left >= 0 {
        "ticket-promise-left"
    } else {
        "ticket-promise-late"
    };
    PromiseRow {
        state: p.state.as_str(),
        state_label: l.t(p.state.label_key()),
        stage: l.t(p.stage.label_key()),
        deadline: l.t_with(
            "ticket-promise-by",
            &crate::i18n::fluent_args([(
                "time",
                &serde_json::Value::from(local(state, &p.deadline)),
            )]),
        ),
        left: l.t_with(
            key,
            &crate::i18n::fluent_args([("time", &serde_json::Value::from(time))]),
        ),
        paused: p.paused,
    }
}

/// A response level to choose at intake, with the response it promises (`[sla]`).
struct LevelOption {
    value: String,
    label: String,
}

fn level_options(
    l: crate::i18n::Locale,
    sla: &crate::domain::promise::SlaConfig,
) -> Vec<LevelOption> {
    use crate::domain::promise::Stage;
    crate::domain::response_level::ResponseLevel::ALL
        .into_iter()
        .map(|level| {
            let within = duration_text(l, sla.target(level, Stage::ResponseStarted).num_minutes());
            LevelOption {
                value: level.as_i32().to_string(),
                label: l.t_with(
                    "new-ticket-level-option",
                    &crate::i18n::fluent_args([
                        ("level", &serde_json::Value::from(l.t(level.label_key()))),
                        ("within", &serde_json::Value::from(within)),
                    ]),
                ),
            }
        })
        .collect()
}

/// Local wall-clock time of the dealer for display.
pub(super) fn local(state: &AppState, t: &NaiveDateTime) -> String {
    (*t + Duration::hours(i64::from(state.settings.tickets.utc_offset_hours)))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub struct StatusOption {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

pub struct Row {
    pub t: TicketView,
    pub call_time: String,
    pub status_label: String,
    pub promise: Option<PromiseRow>,
}

#[derive(Template)]
#[template(path = "tickets_list.html", config = "src/web/askama.toml")]
struct ListPage {
    c: Chrome,
    q: TicketQuery,
    statuses: Vec<StatusOption>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
    errors: BTreeMap<String, String>,
}

pub async fn list(
    state: web::Data<AppState>,
    user: WebUser,
    query: Result<Query<TicketQuery>, AppError>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ViewTickets)?;
    // A filter that does not read (an unknown status) is shown on the form like any other.
    let (q, refused) = match query {
        Ok(q) => (q.into_inner(), None),
        Err(e) => (TicketQuery::default(), Some(e)),
    };
    let statuses = TicketStatus::ALL
        .iter()
        .map(|s| StatusOption {
            code: s.as_str(),
            label: user.locale.t(s.label_key()),
            selected: q.status == Some(*s),
        })
        .collect();
    let parsed = match refused {
        Some(e) => Err(e),
        None => q.parse(
            state.settings.tickets.utc_offset_hours,
            i64::from(state.settings.ui.page_size),
        ),
    };
    let (page_data, errors) = match parsed {
        Ok((filter, page, per_page)) => (
            Some(
                crate::services::promises::list(
                    &state.db,
                    &state.settings.sla,
                    &user.identity,
                    filter,
                    page,
                    per_page,
                )
                .await
                .or_page(user.locale)?,
            ),
            BTreeMap::new(),
        ),
        Err(e) if e.code == ErrorCode::ValidationFailed => (
            None,
            e.fields
                .iter()
                .map(|(k, v)| (k.clone(), v.render(user.locale)))
                .collect(),
        ),
        Err(e) => return Err(PageError::App(e, user.locale)),
    };
    let (rows, total, page, pages) = match page_data {
        Some(p) => {
            let pages = (p.total + p.per_page - 1) / p.per_page;
            let rows = p
                .items
                .into_iter()
                .map(|t| Row {
                    call_time: local(&state, &t.call_time),
                    status_label: user.locale.t(t.status.label_key()),
                    promise: t
                        .promise
                        .as_ref()
                        .map(|p| promise_row(&state, user.locale, p)),
                    t,
                })
                .collect();
            (rows, p.total, p.page, pages.max(1))
        }
        None => (Vec::new(), 0, 1, 1),
    };
    let link = |to: i64| {
        let mut parts = vec![format!("page={to}")];
        for (k, v) in [
            ("status", &q.status.map(|s| s.as_str().to_owned())),
            ("from", &q.from),
            ("to", &q.to),
            ("plate", &q.plate),
            ("phone", &q.phone),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", url_encode(v)));
            }
        }
        format!("/tickets?{}", parts.join("&"))
    };
    let prev_link = (page > 1).then(|| link(page - 1));
    let next_link = (page < pages).then(|| link(page + 1));
    Ok(html(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        },
        &ListPage {
            c: user.chrome(),
            q,
            statuses,
            rows,
            total,
            page,
            pages,
            prev_link,
            next_link,
            errors,
        },
    ))
}

/// The intake form's fields as typed, so a failed submit shows them again unchanged.
#[derive(Debug, Default, Deserialize)]
pub struct IntakeForm {
    #[serde(default)]
    pub csrf: String,
    /// One key per rendered form: a double-clicked submit opens one ticket.
    #[serde(default)]
    pub form_key: String,
    #[serde(default)]
    pub call_time: String,
    #[serde(default)]
    pub customer_name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub lat: String,
    #[serde(default)]
    pub lon: String,
    #[serde(default)]
    pub crs: String,
    #[serde(default)]
    pub plate: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub vin: String,
    #[serde(default)]
    pub mileage_km: String,
    #[serde(default)]
    pub fault: String,
    pub repaired_elsewhere: Option<String>,
    /// Text the caller a link to send their phone's location (callers who cannot say where they are).
    pub send_location_request: Option<String>,
    #[serde(default)]
    pub repaired_elsewhere_note: String,
    #[serde(default)]
    pub response_level: String,
}

#[derive(Template)]
#[template(path = "ticket_new.html", config = "src/web/askama.toml")]
struct NewPage {
    c: Chrome,
    f: IntakeForm,
    errors: BTreeMap<String, String>,
    message: Option<String>,
    /// The vehicle panel as it was before a failed submit (rendered fragment).
    panel: Option<String>,
    levels: Vec<LevelOption>,
}

impl NewPage {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    /// Attributes that outline a refused field and tie it to its message
    /// (`err-<field>`), so screen readers read the message with the field.
    fn mark(&self, field: &str) -> String {
        if self.errors.contains_key(field) {
            format!(r#" aria-invalid="true" aria-describedby="err-{field}" class="invalid""#)
        } else {
            String::new()
        }
    }

    /// The same for a field that has classes of its own.
    fn mark_with(&self, field: &str, class: &str) -> String {
        if self.errors.contains_key(field) {
            format!(
                r#" aria-invalid="true" aria-describedby="err-{field}" class="{class} invalid""#
            )
        } else {
            format!(r#" class="{class}""#)
        }
    }
}

/// (Amap link in GCJ-02, OpenStreetMap link in WGS-84) of a ticket's site; `None`
/// while the location is pending.
pub(super) fn map_links(l: &tickets::LocationView) -> Option<(String, String)> {
    let point = Coordinates::parse(l.lat?, l.lon?, Crs::Wgs84).ok()?;
    let (lat, lon) = (point.lat(), point.lon());
    let (glat, glon) = point.to_crs(Crs::Gcj02);
    Some((
        format!("https://uri.amap.com/marker?position={glon:.6},{glat:.6}&coordinate=gaode"),
        format!(
            "https://www.openstreetmap.org/?mlat={lat:.6}&mlon={lon:.6}#map=16/{lat:.6}/{lon:.6}"
        ),
    ))
}

pub async fn new_form(
    state: web::Data<AppState>,
    user: WebUser,
) -> Result<HttpResponse, PageError> {
    user.require(Action::CreateTicket)?;
    let f = IntakeForm {
        crs: "gcj02".into(),
        response_level: "2".into(),
        form_key: crate::auth::secret::random_token(),
        ..Default::default()
    };
    Ok(html(
        StatusCode::OK,
        &NewPage {
            c: user.chrome(),
            f,
            errors: BTreeMap::new(),
            message: None,
            panel: None,
            levels: level_options(user.locale, &state.settings.sla),
        },
    ))
}

/// Reads a number field; `None` when empty, an error message when not a number.
fn number<T: std::str::FromStr>(s: &str) -> Result<Option<T>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| ())
}

impl IntakeForm {
    /// The same request the API takes; typing errors in number fields are reported by field.
    fn to_request(&self, utc_offset_hours: i32) -> (IntakeRequest, BTreeMap<String, Msg>) {
        let mut errors = BTreeMap::new();
        let mut num_f64 = |field: &str, v: &str| {
            number::<f64>(v).unwrap_or_else(|_| {
                errors.insert(field.to_owned(), Msg::new("new-ticket-enter-a-number"));
                None
            })
        };
        let lat = num_f64("lat", &self.lat);
        let lon = num_f64("lon", &self.lon);
        let mileage_km = number::<i64>(&self.mileage_km.replace([',', '，', ' '], ""))
            .unwrap_or_else(|_| {
                errors.insert(
                    "mileage_km".into(),
                    Msg::new("new-ticket-enter-whole-kilometres"),
                );
                None
            });
        let response_level = number::<i64>(&self.response_level).unwrap_or(None);
        let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        // The form's datetime-local has no zone: it is the dealer's local time.
        let call_time = opt(&self.call_time).and_then(|t| {
            let t = if t.len() == 16 { format!("{t}:00") } else { t };
            let sign = if utc_offset_hours < 0 { '-' } else { '+' };
            let zoned = format!("{t}{sign}{:02}:00", utc_offset_hours.abs());
            chrono::DateTime::parse_from_rfc3339(&zoned)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|_| {
                    let m = Msg::new(crate::domain::intake::CALL_TIME_MESSAGE);
                    errors.insert("call_time".into(), m);
                })
                .ok()
        });
        let crs = opt(&self.crs).and_then(|c| {
            let crs = Crs::parse(c.trim());
            if crs.is_none() {
                let m = Msg::new(crate::domain::intake::CRS_MESSAGE);
                errors.insert("crs".into(), m);
            }
            crs
        });
        let req = IntakeRequest {
            call_time,
            customer_name: opt(&self.customer_name),
            phone: opt(&self.phone),
            location: Some(LocationRequest {
                address: opt(&self.address),
                lat,
                lon,
                crs,
            }),
            location_pending: Some(self.send_location_request.is_some()),
            plate: opt(&self.plate),
            model: opt(&self.model),
            vin: opt(&self.vin),
            mileage_km,
            fault: opt(&self.fault),
            repaired_elsewhere: Some(self.repaired_elsewhere.is_some()),
            repaired_elsewhere_note: opt(&self.repaired_elsewhere_note),
            response_level,
        };
        (req, errors)
    }
}

pub async fn submit(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<IntakeForm>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::CreateTicket)?;
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let (request, form_errors) = form.to_request(state.settings.tickets.utc_offset_hours);
    let mut errors: BTreeMap<String, String> = form_errors
        .iter()
        .map(|(k, m)| (k.clone(), m.render(user.locale)))
        .collect();
    let result = if errors.is_empty() {
        let key = Some(format!("form:{}", form.form_key)).filter(|_| !form.form_key.is_empty());
        tickets::create(
            &state.db,
            &state.notifier,
            &user.identity,
            request,
            key,
            &state.numbering,
        )
        .await
    } else {
        // A field that is not even a number must not hide the others: validate
        // the rest now, so every bad field is reported in one round.
        let fields = TicketIntake::parse(&request, chrono::Utc::now())
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|(f, m)| (f.to_owned(), m))
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        Err(AppError::validation(fields))
    };
    match result {
        Ok(created) => Ok(redirect(&format!("/tickets/{}", created.ticket.id))),
        Err(e) if e.code == ErrorCode::ValidationFailed => {
            for (field, msg) in e.fields {
                // API paths (`location.lat`) map to the flat form's names; a
                // "not a number" found by the form itself says more than "required".
                let name = field.strip_prefix("location.").unwrap_or(&field).to_owned();
                errors.entry(name).or_insert(msg.render(user.locale));
            }
            let message = Some(user.locale.t_with(
                "form-correct-marked-fields-count",
                &[("count", errors.len().into())],
            ));
            // The agent is still on the phone: the car's file stays beside the form. A plate
            // that does not read is said once, under its field.
            let panel = if errors.contains_key("plate") {
                None
            } else {
                panel_for(&state, &user, &form.plate, &form.mileage_km)
                    .await?
                    .render()
                    .ok()
            };
            Ok(html(
                StatusCode::BAD_REQUEST,
                &NewPage {
                    c: user.chrome(),
                    f: form,
                    errors,
                    message,
                    panel,
                    levels: level_options(user.locale, &state.settings.sla),
                },
            ))
        }
        Err(e) => Err(PageError::App(e, user.locale)),
    }
}

pub struct VisitRow {
    pub v: Visit,
    pub date: String,
    pub kind: String,
}

pub(super) fn visit_rows(user: &WebUser, visits: Vec<Visit>) -> Vec<VisitRow> {
    visits
        .into_iter()
        .map(|v| VisitRow {
            date: v.visited_at.format("%Y-%m-%d").to_string(),
            kind: visit_kind(user, &v.kind),
            v,
        })
        .collect()
}

/// A service visit's kind in the page's language; a kind this table does not know as stored.
fn visit_kind(user: &WebUser, kind: &str) -> String {
    let key = match kind {
        "maintenance" => "label-visit-maintenance",
        "repair" => "label-visit-repair",
        "rescue" => "label-visit-rescue",
        "warranty" => "label-visit-warranty",
        other => return other.to_owned(),
    };
    user.locale.t(key)
}

#[derive(Template)]
#[template(path = "vehicle_panel.html", config = "src/web/askama.toml")]
struct VehiclePanel {
    c: Chrome,
    plate: String,
    history: Option<VehicleHistory>,
    visits: Vec<VisitRow>,
    invalid: Option<String>,
    /// Open ticket for the plate, mileage below the last visit's: shown, never refused.
    warnings: Vec<(&'static str, String)>,
}

#[derive(Deserialize)]
pub struct PlateQuery {
    plate: Option<String>,
    /// What the agent typed so far, to compare with the last recorded mileage.
    mileage_km: Option<String>,
}

/// htmx fragment beside the intake form: what we know about the car being typed in.
pub async fn vehicle_panel(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<PlateQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let panel = panel_for(
        &state,
        &user,
        q.plate.as_deref().unwrap_or_default(),
        q.mileage_km.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(html(StatusCode::OK, &panel))
}

async fn panel_for(
    state: &AppState,
    user: &WebUser,
    raw: &str,
    mileage: &str,
) -> Result<VehiclePanel, PageError> {
    let empty = |invalid: Option<String>| VehiclePanel {
        c: user.chrome(),
        plate: raw.to_owned(),
        history: None,
        visits: Vec::new(),
        invalid,
        warnings: Vec::new(),
    };
    if raw.trim().is_empty() || !user.identity.may(Action::ViewVehicleHistory) {
        return Ok(empty(None));
    }
    let plate = match Plate::parse(raw) {
        Ok(p) => p,
        Err(e) => return Ok(empty(Some(e.msg().render(user.locale)))),
    };
    let history = tickets::vehicle_history(&state.db, &user.identity, plate.as_str().to_owned(), 5)
        .await
        .or_page(user.locale)?;
    let mileage = number::<i64>(&mileage.replace([',', '，', ' '], "")).unwrap_or(None);
    // Warnings are for whoever takes the call; others only see the vehicle file.
    let warnings = if user.identity.may(Action::CreateTicket) {
        tickets::plate_warnings(
            &state.db,
            &user.identity,
            plate.as_str().to_owned(),
            mileage,
        )
        .await
        .or_page(user.locale)?
        .into_iter()
        .map(|w| (w.code, w.msg.render(user.locale)))
        .collect()
    } else {
        Vec::new()
    };
    let visits = history
        .as_ref()
        .map(|h| visit_rows(user, h.visits.clone()))
        .unwrap_or_default();
    Ok(VehiclePanel {
        c: user.chrome(),
        plate: plate.as_str().to_owned(),
        history,
        visits,
        invalid: None,
        warnings,
    })
}
