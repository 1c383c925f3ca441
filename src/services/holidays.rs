//! The group's holiday calendar (节假日): a year's holidays with what each does to the ways
//! parts travel, a holiday added, changed or removed by an admin, and the calendar that
//! sourcing, the consent script and the readiness pages reckon with.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::holiday::{
    Calendar, CalendarHolidayRequest, Effect, Holiday, HolidayEntry, MAX_EXTRA_HOURS,
    MAX_HOLIDAY_DAYS,
};
use crate::domain::ids::HolidayId;
use crate::domain::role::Action;
use crate::error::{AppError, Thing};
use crate::i18n::Msg;
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::holidays as repo;

/// The most holidays a group's year may hold: China has seven public holidays; a group adds a
/// few of its own (a regional festival, the dealer's stock-taking days).
pub const MAX_PER_YEAR: usize = 30;
/// The most holidays a shipment is reckoned against: every one not over yet, in the order they
/// come; more than a year's worth is never reached by any lead time.
const MAX_UPCOMING: i64 = 40;

/// How many of the group's coming holidays the readiness and holiday stock pages offer.
pub const MAX_CHOICES: i64 = 6;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CalendarHolidayView {
    pub id: String,
    pub name_zh: String,
    /// Empty when none was given.
    pub name_en: String,
    #[schema(value_type = String, format = Date)]
    pub first_day: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub last_day: NaiveDate,
    pub days: i64,
    /// Only the channels the holiday changes; the others run as usual.
    pub effects: Vec<Effect>,
}

impl From<Holiday> for CalendarHolidayView {
    fn from(h: Holiday) -> Self {
        CalendarHolidayView {
            days: h.days(),
            id: h.id,
            name_zh: h.name_zh,
            name_en: h.name_en,
            first_day: h.first_day,
            last_day: h.last_day,
            effects: h.effects,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HolidayYear {
    pub year: i32,
    /// The year's holidays, earliest first.
    pub holidays: Vec<CalendarHolidayView>,
    /// Whether the caller may edit the calendar (the page shows the forms).
    pub may_manage: bool,
    pub max_days: i64,
    pub max_extra_hours: u32,
}

/// The dealers' local date now.
pub fn today() -> NaiveDate {
    today_at(crate::repo::now())
}

/// The dealers' local date at `now` (stored UTC).
pub fn today_at(now: NaiveDateTime) -> NaiveDate {
    crate::domain::rota::local_time(now, crate::services::rota::utc_offset()).date()
}

/// A year's holidays of the caller's group; this year's by default.
pub async fn year(db: &Db, actor: &Identity, year: Option<i32>) -> Result<HolidayYear, AppError> {
    actor.require(Action::ViewHolidays)?;
    let this_year = today().year();
    let year = year.unwrap_or(this_year);
    if (year - this_year).abs() > 2 {
        return Err(AppError::field(
            "year",
            Msg::with(
                "holiday-error-year",
                &[
                    ("from", (this_year - 2).into()),
                    ("to", (this_year + 2).into()),
                ],
            ),
        ));
    }
    let actor = actor.clone();
    db.read(move |conn| {
        let (first, last) = year_bounds(year);
        let holidays = repo::between(
            conn,
            actor.group_id.as_str(),
            first,
            last,
            MAX_PER_YEAR as i64 + 1,
        )?;
        Ok(HolidayYear {
            year,
            holidays: holidays.into_iter().map(Into::into).collect(),
            may_manage: actor.may(Action::ManageHolidays),
            max_days: MAX_HOLIDAY_DAYS,
            max_extra_hours: MAX_EXTRA_HOURS,
        })
    })
    .await
}

/// The group's holidays not over yet, earliest first, at most `MAX_CHOICES`.
pub async fn coming(db: &Db, actor: &Identity) -> Result<Vec<CalendarHolidayView>, AppError> {
    actor.require(Action::ViewHolidays)?;
    let group = actor.group_id.clone();
    db.read(move |conn| {
        let coming = repo::from_day(conn, group.as_str(), today(), MAX_CHOICES)?;
        Ok(coming.into_iter().map(Into::into).collect())
    })
    .await
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

/// One holiday of the caller's group.
pub async fn get(
    db: &Db,
    actor: &Identity,
    id: HolidayId,
) -> Result<CalendarHolidayView, AppError> {
    actor.require(Action::ViewHolidays)?;
    let actor = actor.clone();
    db.read(move |conn| {
        repo::get(conn, actor.group_id.as_str(), id.as_str())?
            .map(Into::into)
            .ok_or_else(|| AppError::not_found(Thing::Holiday))
    })
    .await
}

/// A holiday must not overlap another of the group (one day, one set of effects), and a year
/// holds at most [`MAX_PER_YEAR`].
fn check_fits(
    conn: &mut AnyConnection,
    group_id: &str,
    e: &HolidayEntry,
    except: Option<&str>,
) -> Result<(), AppError> {
    let overlapping = repo::between(conn, group_id, e.first_day, e.last_day, 2)?;
    if let Some(other) = overlapping.iter().find(|h| Some(h.id.as_str()) != except) {
        return Err(AppError::field(
            "first_day",
            Msg::with(
                "holiday-error-overlaps",
                &[
                    ("name", other.name_zh.clone().into()),
                    ("first", other.first_day.to_string().into()),
                    ("last", other.last_day.to_string().into()),
                ],
            ),
        ));
    }
    let (first, last) = year_bounds(e.first_day.year());
    let in_year = repo::between(conn, group_id, first, last, MAX_PER_YEAR as i64 + 1)?;
    if in_year
        .iter()
        .filter(|h| Some(h.id.as_str()) != except)
        .count()
        >= MAX_PER_YEAR
    {
        return Err(AppError::field(
            "first_day",
            Msg::with("holiday-error-too-many", &[("max", MAX_PER_YEAR.into())]),
        ));
    }
    Ok(())
}

fn audit_holiday(
    conn: &mut AnyConnection,
    actor: &Identity,
    action: &str,
    id: &str,
    data: serde_json::Value,
) -> Result<(), AppError> {
    audit::append(
        conn,
        NewAuditEvent {
            dealer_id: Some(&actor.dealer_id),
            entity: "holiday",
            entity_id: id,
            action,
            actor_id: actor.audit_actor(),
            data: Some(data),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Adds a holiday to the caller's group's calendar (admin).
pub async fn create(
    db: &Db,
    actor: &Identity,
    req: CalendarHolidayRequest,
) -> Result<CalendarHolidayView, AppError> {
    actor.require(Action::ManageHolidays)?;
    let e = HolidayEntry::parse(&req, today()).map_err(crate::services::tickets::field_errors)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let group = actor.group_id.as_str();
        check_fits(conn, group, &e, None)?;
        let id = repo::insert(conn, group, &e, actor.user()?.as_str(), crate::repo::now())?;
        let h = repo::get(conn, group, &id)?
            .ok_or_else(|| AppError::internal("added holiday vanished"))?;
        audit_holiday(conn, &actor, "holiday.added", &id, serde_json::to_value(CalendarHolidayView::from(h.clone())).map_err(AppError::internal)?)?;
        tracing::info!(holiday = %id, group = %group, name = %h.name_zh, first = %h.first_day, last = %h.last_day, "holiday added");
        Ok(h.into())
    })
    .await
}

/// Replaces a holiday of the caller's group (admin): names, days and effects at once.
pub async fn update(
    db: &Db,
    actor: &Identity,
    id: HolidayId,
    req: CalendarHolidayRequest,
) -> Result<CalendarHolidayView, AppError> {
    actor.require(Action::ManageHolidays)?;
    let e = HolidayEntry::parse(&req, today()).map_err(crate::services::tickets::field_errors)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let group = actor.group_id.as_str();
        let before = repo::get(conn, group, id.as_str())?
            .ok_or_else(|| AppError::not_found(Thing::Holiday))?;
        check_fits(conn, group, &e, Some(id.as_str()))?;
        repo::update(
            conn,
            group,
            id.as_str(),
            &e,
            actor.user()?.as_str(),
            crate::repo::now(),
        )?;
        let after = repo::get(conn, group, id.as_str())?
            .ok_or_else(|| AppError::internal("changed holiday vanished"))?;
        audit_holiday(
            conn,
            &actor,
            "holiday.changed",
            id.as_str(),
            serde_json::json!({
                "before": CalendarHolidayView::from(before),
                "after": CalendarHolidayView::from(after.clone()),
            }),
        )?;
        tracing::info!(holiday = %id.as_str(), group = %group, "holiday changed");
        Ok(after.into())
    })
    .await
}

/// Removes a holiday of the caller's group (admin). Orders already placed keep the arrival
/// they were given; new options reckon without it.
pub async fn delete(db: &Db, actor: &Identity, id: HolidayId) -> Result<(), AppError> {
    actor.require(Action::ManageHolidays)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let group = actor.group_id.as_str();
        let h = repo::get(conn, group, id.as_str())?
            .ok_or_else(|| AppError::not_found(Thing::Holiday))?;
        repo::delete(conn, group, id.as_str())?;
        audit_holiday(
            conn,
            &actor,
            "holiday.removed",
            id.as_str(),
            serde_json::to_value(CalendarHolidayView::from(h)).map_err(AppError::internal)?,
        )?;
        tracing::info!(holiday = %id.as_str(), group = %group, "holiday removed");
        Ok(())
    })
    .await
}

/// The group's calendar from today on: what a shipment sent now may meet.
pub(crate) fn calendar(
    conn: &mut AnyConnection,
    group_id: &str,
    now: NaiveDateTime,
) -> Result<Calendar, AppError> {
    Ok(Calendar::new(
        repo::from_day(conn, group_id, today_at(now), MAX_UPCOMING)?,
        crate::services::rota::utc_offset(),
    ))
}
