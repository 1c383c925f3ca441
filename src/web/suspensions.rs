//! The suspensions page (停止服务区域): the dealer's areas on a map and in a list; for service
//! managers and directors the form to declare one (a circle clicked on the map, or a polygon
//! clicked point by point) and the button to lift one. Also the intake form's check of a site.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::session::{Chrome, WebUser};
use super::{html, redirect, OrPage, PageError};
use crate::domain::ids::SuspensionId;
use crate::domain::location::{Coordinates, Crs};
use crate::domain::role::Action;
use crate::domain::suspension::{AreaRequest, PointRequest, Suspension, SuspensionRequest};
use crate::error::{AppError, ErrorCode, Thing};
use crate::i18n::Msg;
use crate::services::suspensions::{self, SuspensionState, SuspensionView};
use crate::state::AppState;

/// The form as typed, so a refused declaration shows it again unchanged.
#[derive(Debug, Default, Deserialize)]
pub struct DeclareForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub shape: String,
    #[serde(default)]
    pub crs: String,
    #[serde(default)]
    pub centre_lat: String,
    #[serde(default)]
    pub centre_lon: String,
    #[serde(default)]
    pub radius_km: String,
    /// One `lat,lon` per line (the map's clicks write them).
    #[serde(default)]
    pub points: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub customer_words: String,
}

struct Row {
    id: String,
    state: &'static str,
    state_label: String,
    area: String,
    period: String,
    reason: String,
    words: String,
    declared: String,
    lifted: String,
    may_lift: bool,
}

/// An area for the map (in the map's system): a circle or a polygon's `lat,lon;lat,lon…`.
struct MapArea {
    shape: String,
    lat: f64,
    lon: f64,
    radius_m: f64,
    points: String,
    label: String,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "suspensions.html", config = "src/web/askama.toml")]
struct Page {
    c: Chrome,
    may_manage: bool,
    f: DeclareForm,
    errors: BTreeMap<String, String>,
    message: Option<String>,
    rows: Vec<Row>,
    areas: Vec<MapArea>,
    tile_url: String,
    subdomains: String,
    attribution: String,
    max_zoom: u8,
    map_crs: &'static str,
}

impl Page {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

fn local(state: &AppState, t: &chrono::NaiveDateTime) -> String {
    super::tickets::local(state, t)
}

fn area_text(l: crate::i18n::Locale, s: &SuspensionView) -> String {
    match (s.shape.as_str(), s.radius_km) {
        ("circle", Some(r)) => l.t_with("susp-area-circle", &[("km", r.into())]),
        _ => l.t_with(
            "susp-area-polygon",
            &[("count", (s.points.len() as i64).into())],
        ),
    }
}

async fn page(
    state: &AppState,
    user: &WebUser,
    f: DeclareForm,
    errors: BTreeMap<String, String>,
    message: Option<String>,
) -> Result<Page, PageError> {
    user.require(Action::ViewBoard)?;
    let l = user.locale;
    let list = suspensions::list(&state.db, state.settings.map.crs, &user.identity)
        .await
        .or_page(l)?;
    let mut areas = Vec::new();
    let mut rows = Vec::new();
    for s in list.items {
        let live = matches!(
            s.state,
            SuspensionState::Active | SuspensionState::Scheduled
        );
        if live {
            let centre = s
                .map_centre
                .unwrap_or(suspensions::AreaPoint { lat: 0.0, lon: 0.0 });
            areas.push(MapArea {
                shape: s.shape.clone(),
                lat: centre.lat,
                lon: centre.lon,
                radius_m: s.radius_km.unwrap_or_default() * 1000.0,
                points: s
                    .map_points
                    .iter()
                    .map(|p| format!("{},{}", p.lat, p.lon))
                    .collect::<Vec<_>>()
                    .join(";"),
                label: s.reason.clone(),
                state: s.state.as_str(),
            });
        }
        rows.push(Row {
            state: s.state.as_str(),
            state_label: l.t(s.state.label_key()),
            area: area_text(l, &s),
            period: format!(
                "{} – {}",
                local(state, &s.starts_at),
                local(state, &s.ends_at)
            ),
            words: s
                .customer_words
                .clone()
                .unwrap_or_else(|| l.t("susp-words-default")),
            declared: format!("{} · {}", s.declared_by, local(state, &s.declared_at)),
            lifted: match (&s.lifted_by, &s.lifted_at) {
                (Some(by), Some(at)) => format!("{by} · {}", local(state, at)),
                _ => String::new(),
            },
            may_lift: list.may_manage && live,
            reason: s.reason,
            id: s.id,
        });
    }
    let map = &state.settings.map;
    Ok(Page {
        c: user.chrome(),
        may_manage: list.may_manage,
        f,
        errors,
        message,
        rows,
        areas,
        tile_url: map.tile_url.clone(),
        subdomains: map.subdomains.clone(),
        attribution: map.attribution.clone(),
        max_zoom: map.max_zoom,
        map_crs: map.crs.as_str(),
    })
}

/// `GET /suspensions`.
pub async fn show(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    let f = DeclareForm {
        shape: "circle".into(),
        crs: state.settings.map.crs.as_str().into(),
        radius_km: "10".into(),
        ..Default::default()
    };
    let p = page(&state, &user, f, BTreeMap::new(), None).await?;
    Ok(html(StatusCode::OK, &p))
}

fn number(s: &str) -> Result<Option<f64>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>().map(Some).map_err(|_| ())
}

impl DeclareForm {
    /// The request the API takes; numbers that do not read are reported by field. Public for
    /// the fuzz target that pastes any text into the points (fuzz/fuzz_targets/pasted_area.rs).
    pub fn to_request(&self, utc_offset_hours: i32) -> (SuspensionRequest, BTreeMap<String, Msg>) {
        let mut errors = BTreeMap::new();
        let mut num = |field: &str, v: &str| {
            number(v).unwrap_or_else(|_| {
                errors.insert(field.to_owned(), Msg::new("new-ticket-enter-a-number"));
                None
            })
        };
        let centre = PointRequest {
            lat: num("area.centre", &self.centre_lat),
            lon: num("area.centre", &self.centre_lon),
        };
        let radius_km = num("area.radius_km", &self.radius_km);
        let mut points = Vec::new();
        let mut misshapen = false;
        for line in self.points.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let nums: Vec<Option<f64>> = line
                .split([',', '，', ' ', '\t'])
                .filter(|s| !s.is_empty())
                .map(|s| num("area.points", s))
                .collect();
            match nums.as_slice() {
                [lat, lon] => points.push(PointRequest {
                    lat: *lat,
                    lon: *lon,
                }),
                _ => misshapen = true,
            }
        }
        if misshapen {
            errors.insert("area.points".into(), Msg::new("susp-form-points-format"));
        }
        // The form's datetime-local has no zone: it is the dealer's local time.
        let zoned = |t: &str| {
            let t = t.trim();
            if t.is_empty() {
                return None;
            }
            let t = if t.len() == 16 {
                format!("{t}:00")
            } else {
                t.to_owned()
            };
            let sign = if utc_offset_hours < 0 { '-' } else { '+' };
            Some(format!("{t}{sign}{:02}:00", utc_offset_hours.abs()))
        };
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let shape = opt(&self.shape);
        let polygon = shape.as_deref() == Some("polygon");
        let req = SuspensionRequest {
            area: Some(AreaRequest {
                shape,
                centre: (!polygon).then_some(centre),
                radius_km: if polygon { None } else { radius_km },
                points: polygon.then_some(points),
                crs: opt(&self.crs),
            }),
            starts_at: zoned(&self.starts_at),
            ends_at: zoned(&self.ends_at),
            reason: opt(&self.reason),
            customer_words: opt(&self.customer_words),
        };
        if !polygon {
            errors.remove("area.points");
        } else {
            errors.remove("area.centre");
            errors.remove("area.radius_km");
        }
        (req, errors)
    }
}

/// `POST /suspensions`: declare one.
pub async fn declare(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<DeclareForm>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ManageSuspensions)?;
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let (req, form_errors) = form.to_request(state.settings.tickets.utc_offset_hours);
    let mut errors: BTreeMap<String, String> = form_errors
        .iter()
        .map(|(k, m)| (k.clone(), m.render(user.locale)))
        .collect();
    let result = if errors.is_empty() {
        suspensions::declare(
            &state.db,
            &state.notifier,
            state.settings.map.crs,
            &user.identity,
            req,
        )
        .await
        .map(|_| ())
    } else {
        // A number that does not read must not hide the other fields, nor be declared without.
        let fields = Suspension::parse(&req, chrono::Utc::now())
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|(f, m)| (f.to_owned(), m))
            .collect();
        Err(AppError::validation(fields))
    };
    match result {
        Ok(()) => Ok(redirect("/suspensions")),
        Err(e) if e.code == ErrorCode::ValidationFailed => {
            for (field, msg) in e.fields {
                errors.entry(field).or_insert(msg.render(user.locale));
            }
            let message = Some(user.locale.t_with(
                "form-correct-marked-fields-count",
                &[("count", errors.len().into())],
            ));
            let p = page(&state, &user, form, errors, message).await?;
            Ok(html(StatusCode::BAD_REQUEST, &p))
        }
        Err(e) => Err(PageError::App(e, user.locale)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LiftForm {
    #[serde(default)]
    pub csrf: String,
}

/// `POST /suspensions/{id}/lift`.
pub async fn lift(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<LiftForm>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ManageSuspensions)?;
    user.check_csrf(&form.csrf)?;
    let id: SuspensionId =
        crate::api::params::page_id(&path.into_inner(), Thing::Record).or_page(user.locale)?;
    suspensions::lift(
        &state.db,
        &state.notifier,
        state.settings.map.crs,
        &user.identity,
        id,
    )
    .await
    .or_page(user.locale)?;
    Ok(redirect("/suspensions"))
}

#[derive(Template)]
#[template(path = "suspension_check.html", config = "src/web/askama.toml")]
struct Check {
    c: Chrome,
    warnings: Vec<(String, Option<String>)>,
}

#[derive(Debug, Deserialize)]
pub struct CheckQuery {
    lat: Option<String>,
    lon: Option<String>,
    crs: Option<String>,
}

/// `GET /suspensions/check?lat=…&lon=…&crs=…`: htmx fragment beside the intake form's location:
/// the site lies in a suspended area (the reason, until when, what to tell the caller). Nothing
/// while the coordinates do not read: the form says that itself on submit.
pub async fn check(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<CheckQuery>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::CreateTicket)?;
    let q = q.into_inner();
    let read = |s: &Option<String>| s.as_deref().and_then(|v| v.trim().parse::<f64>().ok());
    let crs = q.crs.as_deref().and_then(Crs::parse).unwrap_or(Crs::Wgs84);
    let site = match (read(&q.lat), read(&q.lon)) {
        (Some(lat), Some(lon)) => Coordinates::parse(lat, lon, crs).ok(),
        _ => None,
    };
    let warnings = match site {
        Some(site) => suspensions::site_warnings(
            &state.db,
            &user.identity,
            site,
            state.settings.tickets.utc_offset_hours,
        )
        .await
        .or_page(user.locale)?
        .into_iter()
        .map(|w| (w.msg.render(user.locale), w.customer_words))
        .collect(),
        None => Vec::new(),
    };
    Ok(html(
        StatusCode::OK,
        &Check {
            c: user.chrome(),
            warnings,
        },
    ))
}
