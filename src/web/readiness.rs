//! The holiday readiness pages (节前准备): a dealer's rota day by day, its rescue vehicles and
//! every gap in red for the coming holiday; and the service director's page with each dealer of
//! the group on one line.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::holiday_choice::{choices, Choice};
use super::session::{Chrome, WebUser};
use super::{html, OrPage, PageError};
use crate::domain::ids::{DealerId, HolidayId};
use crate::domain::readiness::Gap;
use crate::error::Thing;
use crate::i18n::Locale;
use crate::services::readiness::{self, DealerReadiness};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ReadinessQuery {
    dealer: Option<DealerId>,
    holiday: Option<String>,
}

struct DayRow {
    date: String,
    technicians: String,
    managers: String,
}

struct VehicleRow {
    plate: String,
    kind: String,
    ready: bool,
    readiness: String,
    /// Local time of the holiday check; empty when none.
    checked: String,
}

struct Ready {
    dealer_name: String,
    holiday: String,
    check_from: String,
    gaps: Vec<String>,
    days: Vec<DayRow>,
    vehicles: Vec<VehicleRow>,
    /// Where the holiday stock list stands, in words; `stock_ok` when nothing is missing.
    stock: String,
    stock_ok: bool,
}

#[derive(Template)]
#[template(path = "readiness.html", config = "src/web/askama.toml")]
struct Page {
    c: Chrome,
    r: Option<Ready>,
    choices: Vec<Choice>,
    choice_href: String,
    /// `dealer=<id>&` when another dealer's page, for the choice links.
    dealer_q: String,
    /// The viewer sees the whole group (the link to its page).
    may_group: bool,
    /// The viewer may open the holiday stock list (the link to it).
    may_stock: bool,
    holiday_id: String,
}

struct GroupRow {
    dealer_id: String,
    name: String,
    rota_gaps: usize,
    vehicle_gaps: usize,
    stock_gaps: usize,
    gaps: Vec<String>,
}

#[derive(Template)]
#[template(path = "readiness_group.html", config = "src/web/askama.toml")]
struct GroupPage {
    c: Chrome,
    holiday: String,
    holiday_id: String,
    choices: Vec<Choice>,
    choice_href: String,
    rows: Vec<GroupRow>,
}

fn holiday_id(q: &Option<String>, l: Locale) -> Result<Option<HolidayId>, PageError> {
    match q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Ok(Some(
            crate::api::params::page_id(s, Thing::Holiday).or_page(l)?,
        )),
    }
}

fn is_rota(g: &Gap) -> bool {
    matches!(g, Gap::NoTechnician { .. } | Gap::NoManager { .. })
}

fn is_stock(g: &Gap) -> bool {
    matches!(g, Gap::StockNotOrdered | Gap::StockNotReceived { .. })
}

fn ready_view(state: &AppState, l: Locale, d: &DealerReadiness) -> Ready {
    let names = |v: &[String]| v.join(&l.t("punct-list-sep"));
    Ready {
        dealer_name: d.dealer.name.clone(),
        holiday: super::holiday_choice::title(l, &d.holiday),
        check_from: d.check_from.format("%m-%d").to_string(),
        gaps: d.gaps.iter().map(|g| g.msg().render(l)).collect(),
        stock: match d.stock.status {
            None => l.t("ready-stock-none"),
            Some(st) => l.t_with(
                "ready-stock-status",
                &[
                    ("status", l.t(st.label_key()).into()),
                    ("lines", (d.stock.lines as u64).into()),
                    ("waiting", (d.stock.waiting as u64).into()),
                ],
            ),
        },
        stock_ok: !d.gaps.iter().any(is_stock),
        days: d
            .days
            .iter()
            .map(|day| DayRow {
                date: day.date.format("%m-%d").to_string(),
                technicians: names(&day.technicians),
                managers: names(&day.managers),
            })
            .collect(),
        vehicles: d
            .vehicles
            .iter()
            .map(|v| VehicleRow {
                plate: v.plate.clone(),
                kind: l.t(v.kind.label_key()),
                ready: v.readiness.is_ready(),
                readiness: l.t(v.readiness.label_key()),
                checked: v
                    .holiday_check_at
                    .map(|t| super::tickets::local(state, &t))
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

/// `GET /readiness?dealer=&holiday=`.
pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<ReadinessQuery>,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    let q = q.into_inner();
    let holiday = holiday_id(&q.holiday, l)?;
    let dealer_q = q
        .dealer
        .as_ref()
        .filter(|d| d.as_str() != user.identity.dealer_id.as_str())
        .map(|d| format!("dealer={}&", d.as_str()))
        .unwrap_or_default();
    let r = readiness::dealer(&state.db, &user.identity, q.dealer, holiday)
        .await
        .or_page(l)?;
    let chosen = r.dealer.as_ref().map(|d| d.holiday.id.clone());
    let page = Page {
        c: user.chrome(),
        choices: choices(l, &r.holidays, chosen.as_deref()),
        choice_href: format!("/readiness?{dealer_q}holiday="),
        r: r.dealer.as_ref().map(|d| ready_view(&state, l, d)),
        dealer_q,
        may_group: user
            .identity
            .may(crate::domain::role::Action::ViewGroupBoard),
        may_stock: user
            .identity
            .may(crate::domain::role::Action::ViewHolidayStock),
        holiday_id: chosen.clone().unwrap_or_default(),
    };
    Ok(html(StatusCode::OK, &page))
}

/// `GET /readiness/group?holiday=`.
pub async fn group(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<ReadinessQuery>,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    let holiday = holiday_id(&q.holiday, l)?;
    let g = readiness::group(&state.db, &user.identity, holiday)
        .await
        .or_page(l)?;
    let chosen = g.holiday.as_ref().map(|h| h.id.clone());
    let page = GroupPage {
        c: user.chrome(),
        holiday: g
            .holiday
            .as_ref()
            .map(|h| super::holiday_choice::title(l, h))
            .unwrap_or_default(),
        holiday_id: chosen.clone().unwrap_or_default(),
        choices: choices(l, &g.holidays, chosen.as_deref()),
        choice_href: "/readiness/group?holiday=".to_owned(),
        rows: g
            .dealers
            .iter()
            .map(|d| GroupRow {
                dealer_id: d.dealer.id.clone(),
                name: d.dealer.name.clone(),
                rota_gaps: d.gaps.iter().filter(|g| is_rota(g)).count(),
                vehicle_gaps: d
                    .gaps
                    .iter()
                    .filter(|g| !is_rota(g) && !is_stock(g))
                    .count(),
                stock_gaps: d.gaps.iter().filter(|g| is_stock(g)).count(),
                gaps: d.gaps.iter().map(|g| g.msg().render(l)).collect(),
            })
            .collect(),
    };
    Ok(html(StatusCode::OK, &page))
}
