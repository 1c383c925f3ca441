//! Holiday readiness (节前准备): for a dealer and the coming holiday of the group's calendar, the
//! rota day by day (a technician and a manager on duty or on call), the rescue vehicles (a
//! holiday check passed in the week before, and ready now), and every gap; for the service
//! director, the same for each dealer of the group on one page.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::fleet::{readiness, Readiness, VehicleKind};
use crate::domain::holiday::Holiday;
use crate::domain::ids::{DealerId, HolidayId};
use crate::domain::readiness::{check_window_start, rota_gaps, Gap};
use crate::domain::role::Action;
use crate::error::{AppError, Thing};
use crate::repo::fleet as fleet_repo;
use crate::services::holidays::{self, CalendarHolidayView};
use crate::services::rota::{self, RotaDealer};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadyDay {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub technicians: Vec<String>,
    pub managers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadyVehicle {
    pub id: String,
    pub plate: String,
    pub kind: VehicleKind,
    #[schema(value_type = String, example = "ready")]
    pub readiness: Readiness,
    /// The latest passed holiday check since the window opened (the week before the holiday).
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub holiday_check_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DealerReadiness {
    pub dealer: RotaDealer,
    pub holiday: CalendarHolidayView,
    /// The first day a holiday check counts on.
    #[schema(value_type = String, format = Date)]
    pub check_from: NaiveDate,
    pub days: Vec<ReadyDay>,
    pub vehicles: Vec<ReadyVehicle>,
    pub stock: ReadyStock,
    /// Everything missing: empty when the dealer is ready.
    pub gaps: Vec<Gap>,
}

/// The dealer's holiday stock list for the holiday, as far as it has come.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadyStock {
    /// `None` while no list is stored (the suggestion is only a suggestion).
    pub status: Option<crate::domain::holiday_stock::ListStatus>,
    pub lines: usize,
    /// Lines ordered but not yet received in full.
    pub waiting: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HolidayReadiness {
    /// `None` when the group's calendar has no holiday to come.
    pub dealer: Option<DealerReadiness>,
    /// The coming holidays to choose from, earliest first.
    pub holidays: Vec<CalendarHolidayView>,
}

/// The holiday asked for (one of the group's), or the first not over yet; and the choices.
fn pick(
    conn: &mut AnyConnection,
    actor: &Identity,
    id: Option<&HolidayId>,
    now: NaiveDateTime,
) -> Result<(Option<Holiday>, Vec<Holiday>), AppError> {
    let coming = crate::repo::holidays::from_day(
        conn,
        actor.group_id.as_str(),
        holidays::today_at(now),
        holidays::MAX_CHOICES,
    )?;
    let chosen = match id {
        Some(id) => Some(
            crate::repo::holidays::get(conn, actor.group_id.as_str(), id.as_str())?
                .ok_or_else(|| AppError::not_found(Thing::Holiday))?,
        ),
        None => coming.first().cloned(),
    };
    Ok((chosen, coming))
}

/// A dealer's readiness for a holiday, read on the open connection.
fn of_dealer(
    conn: &mut AnyConnection,
    dealer: RotaDealer,
    h: &Holiday,
    now: NaiveDateTime,
) -> Result<DealerReadiness, AppError> {
    let days: Vec<NaiveDate> = (0..h.days())
        .map(|i| h.first_day + Duration::days(i))
        .collect();
    let cover = rota::coverage(conn, &dealer.id, &days)?;
    let mut gaps = rota_gaps(
        &cover
            .iter()
            .map(|d| (d.date, !d.technicians.is_empty(), !d.managers.is_empty()))
            .collect::<Vec<_>>(),
    );
    let check_from = check_window_start(h.first_day);
    let since = crate::domain::rota::local_time(
        check_from.and_time(chrono::NaiveTime::MIN),
        -rota::utc_offset(),
    );
    let records = fleet_repo::of_dealer(conn, &dealer.id, crate::services::fleet::MAX_VEHICLES)?;
    let ids: Vec<String> = records.iter().map(|v| v.id.clone()).collect();
    let latest: std::collections::HashMap<String, (NaiveDateTime, bool)> =
        fleet_repo::latest_checks(conn, &ids)?
            .into_iter()
            .map(|(c, _)| (c.vehicle_id.clone(), (c.checked_at, c.passed)))
            .collect();
    let holiday_checks: std::collections::HashMap<String, NaiveDateTime> =
        fleet_repo::holiday_checks_since(conn, &ids, since)?
            .into_iter()
            .collect();
    let mut vehicles = Vec::new();
    for v in records {
        let ready = readiness(latest.get(&v.id).copied(), now);
        let checked = holiday_checks.get(&v.id).copied();
        if checked.is_none() {
            gaps.push(Gap::VehicleNotChecked {
                plate: v.plate.clone(),
            });
        }
        if !ready.is_ready() {
            gaps.push(Gap::VehicleNotReady {
                plate: v.plate.clone(),
            });
        }
        vehicles.push(ReadyVehicle {
            id: v.id,
            plate: v.plate,
            kind: v.kind,
            readiness: ready,
            holiday_check_at: checked,
        });
    }
    let list = crate::repo::holiday_stock::list_of(conn, &dealer.id, &h.id)?;
    let lines = match &list {
        Some(l) => crate::repo::holiday_stock::lines_of(conn, &l.id)?,
        None => Vec::new(),
    };
    let waiting = lines
        .iter()
        .filter(|l| l.quantity > 0 && l.received < l.quantity)
        .count();
    let status = list.map(|l| l.status);
    gaps.extend(crate::domain::readiness::stock_gap(status, waiting));
    Ok(DealerReadiness {
        stock: ReadyStock {
            status,
            lines: lines.len(),
            waiting,
        },
        dealer,
        holiday: h.clone().into(),
        check_from,
        days: cover
            .into_iter()
            .map(|d| ReadyDay {
                date: d.date,
                technicians: d.technicians,
                managers: d.managers,
            })
            .collect(),
        vehicles,
        gaps,
    })
}

/// The readiness of a dealer (the caller's own; another of the group with the group's rota
/// view) for a holiday (the next one by default).
pub async fn dealer(
    db: &Db,
    actor: &Identity,
    dealer: Option<DealerId>,
    holiday: Option<HolidayId>,
) -> Result<HolidayReadiness, AppError> {
    actor.require(Action::ViewReadiness)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let now = crate::repo::now();
        let dealer = rota::dealer_for(conn, &actor, dealer.as_ref())?;
        let (chosen, coming) = pick(conn, &actor, holiday.as_ref(), now)?;
        Ok(HolidayReadiness {
            dealer: chosen
                .map(|h| of_dealer(conn, dealer, &h, now))
                .transpose()?,
            holidays: coming.into_iter().map(Into::into).collect(),
        })
    })
    .await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroupReadiness {
    pub holiday: Option<CalendarHolidayView>,
    pub holidays: Vec<CalendarHolidayView>,
    /// Every dealer of the group, by code.
    pub dealers: Vec<DealerReadiness>,
}

/// Every dealer of the group for a holiday (service director, admin).
pub async fn group(
    db: &Db,
    actor: &Identity,
    holiday: Option<HolidayId>,
) -> Result<GroupReadiness, AppError> {
    actor.require(Action::ViewGroupBoard)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let now = crate::repo::now();
        let (chosen, coming) = pick(conn, &actor, holiday.as_ref(), now)?;
        let mut dealers = Vec::new();
        if let Some(h) = &chosen {
            for (id, code, name) in crate::repo::rota::group_dealers(conn, &actor.group_id)? {
                dealers.push(of_dealer(conn, RotaDealer { id, code, name }, h, now)?);
            }
        }
        Ok(GroupReadiness {
            holiday: chosen.map(Into::into),
            holidays: coming.into_iter().map(Into::into).collect(),
            dealers,
        })
    })
    .await
}
