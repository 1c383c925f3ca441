//! Rescue vehicles and their checks: the register of a dealer, each vehicle with its latest
//! check, a check written, a vehicle's checks newest first; the vehicle a plan sends and the
//! vehicles out on a rescue.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{plan_vehicles, plans, rescue_vehicles, tickets, users, vehicle_checks};
use crate::db::AnyConnection;
use crate::domain::availability::CREW_ACTIVE;
use crate::domain::fleet::{Check, CheckOccasion, Equipment, Vehicle, VehicleKind};
use crate::domain::plan::{PlanStatus, PlanVehicle};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = rescue_vehicles)]
pub struct VehicleRecord {
    pub id: String,
    pub dealer_id: String,
    pub plate: String,
    pub kind: VehicleKind,
    pub carries: String,
    pub base: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl VehicleRecord {
    /// What it carries; an unknown name in the row is an error, as for status columns.
    pub fn equipment(&self) -> Result<Vec<Equipment>, AppError> {
        Equipment::split(&self.carries).ok_or_else(|| {
            AppError::internal(format!(
                "rescue vehicle {}: carries {:?}",
                self.id, self.carries
            ))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = vehicle_checks)]
pub struct CheckRecord {
    pub id: String,
    pub vehicle_id: String,
    pub occasion: CheckOccasion,
    pub fuel: bool,
    pub water: bool,
    pub tyre_pressure: bool,
    pub tool_kit: bool,
    pub lights: bool,
    pub passed: bool,
    pub note: Option<String>,
    pub checked_by: String,
    pub checked_at: NaiveDateTime,
}

/// Registers a vehicle of the dealer; its id, or `None` when the dealer has one with that plate
/// (checked by the unique key, so two registrations at once cannot both pass).
pub fn insert(
    conn: &mut AnyConnection,
    dealer_id: &str,
    v: &Vehicle,
    by: &str,
    now: NaiveDateTime,
) -> Result<Option<String>, AppError> {
    let id = super::new_id();
    let written = diesel::insert_into(rescue_vehicles::table)
        .values((
            rescue_vehicles::id.eq(&id),
            rescue_vehicles::dealer_id.eq(dealer_id),
            rescue_vehicles::plate.eq(v.plate.as_str()),
            rescue_vehicles::kind.eq(v.kind),
            rescue_vehicles::carries.eq(Equipment::join(&v.carries)),
            rescue_vehicles::base.eq(v.base.as_str()),
            rescue_vehicles::created_by.eq(by),
            rescue_vehicles::created_at.eq(now),
        ))
        .execute(conn);
    match written {
        Ok(_) => Ok(Some(id)),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A vehicle of the dealer.
pub fn get(
    conn: &mut AnyConnection,
    dealer_id: &str,
    id: &str,
) -> Result<Option<VehicleRecord>, AppError> {
    Ok(rescue_vehicles::table
        .filter(rescue_vehicles::dealer_id.eq(dealer_id))
        .filter(rescue_vehicles::id.eq(id))
        .select(VehicleRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The dealer's vehicles by plate, at most `limit`.
pub fn of_dealer(
    conn: &mut AnyConnection,
    dealer_id: &str,
    limit: i64,
) -> Result<Vec<VehicleRecord>, AppError> {
    Ok(rescue_vehicles::table
        .filter(rescue_vehicles::dealer_id.eq(dealer_id))
        .order(rescue_vehicles::plate.asc())
        .limit(limit)
        .select(VehicleRecord::as_select())
        .load(conn)?)
}

/// The vehicles of these dealers by dealer and plate, at most `limit`.
pub fn of_dealers(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    limit: i64,
) -> Result<Vec<VehicleRecord>, AppError> {
    Ok(rescue_vehicles::table
        .filter(rescue_vehicles::dealer_id.eq_any(dealer_ids))
        .order((
            rescue_vehicles::dealer_id.asc(),
            rescue_vehicles::plate.asc(),
        ))
        .limit(limit)
        .select(VehicleRecord::as_select())
        .load(conn)?)
}

/// The latest check of each of these vehicles, with the checker's name: one query for the list.
pub fn latest_checks(
    conn: &mut AnyConnection,
    vehicle_ids: &[String],
) -> Result<Vec<(CheckRecord, String)>, AppError> {
    if vehicle_ids.is_empty() {
        return Ok(Vec::new());
    }
    // The newest per vehicle: no later check of the same vehicle exists (index
    // vehicle_checks_latest answers both sides).
    let later = diesel::alias!(vehicle_checks as later);
    Ok(vehicle_checks::table
        .inner_join(users::table.on(users::id.eq(vehicle_checks::checked_by)))
        .filter(vehicle_checks::vehicle_id.eq_any(vehicle_ids))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            later
                .filter(
                    later
                        .field(vehicle_checks::vehicle_id)
                        .eq(vehicle_checks::vehicle_id),
                )
                .filter(
                    later
                        .field(vehicle_checks::checked_at)
                        .gt(vehicle_checks::checked_at)
                        .or(later
                            .field(vehicle_checks::checked_at)
                            .eq(vehicle_checks::checked_at)
                            .and(later.field(vehicle_checks::id).gt(vehicle_checks::id))),
                ),
        )))
        .select((CheckRecord::as_select(), users::name))
        .load(conn)?)
}

/// Writes a check of a vehicle; its id.
pub fn insert_check(
    conn: &mut AnyConnection,
    vehicle_id: &str,
    c: &Check,
    by: &str,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let id = super::new_id();
    diesel::insert_into(vehicle_checks::table)
        .values((
            vehicle_checks::id.eq(&id),
            vehicle_checks::vehicle_id.eq(vehicle_id),
            vehicle_checks::occasion.eq(c.occasion),
            vehicle_checks::fuel.eq(c.items.fuel),
            vehicle_checks::water.eq(c.items.water),
            vehicle_checks::tyre_pressure.eq(c.items.tyre_pressure),
            vehicle_checks::tool_kit.eq(c.items.tool_kit),
            vehicle_checks::lights.eq(c.items.lights),
            vehicle_checks::passed.eq(c.items.passed()),
            vehicle_checks::note.eq(c.note.as_ref().map(|n| n.as_str())),
            vehicle_checks::checked_by.eq(by),
            vehicle_checks::checked_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A vehicle's checks, newest first, with the checkers' names: `limit` from `offset`.
pub fn checks_of(
    conn: &mut AnyConnection,
    vehicle_id: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<(CheckRecord, String)>, AppError> {
    Ok(vehicle_checks::table
        .inner_join(users::table.on(users::id.eq(vehicle_checks::checked_by)))
        .filter(vehicle_checks::vehicle_id.eq(vehicle_id))
        .order((vehicle_checks::checked_at.desc(), vehicle_checks::id.desc()))
        .offset(offset)
        .limit(limit)
        .select((CheckRecord::as_select(), users::name))
        .load(conn)?)
}

/// Takes the vehicle's row lock until the transaction ends, so two leads sending the same
/// vehicle at once on PostgreSQL go one after the other (SQLite has one writer anyway).
pub fn lock(conn: &mut AnyConnection, id: &str) -> Result<(), AppError> {
    diesel::update(rescue_vehicles::table.filter(rescue_vehicles::id.eq(id)))
        .set(rescue_vehicles::plate.eq(rescue_vehicles::plate))
        .execute(conn)?;
    Ok(())
}

/// The vehicles of these dealers out on a rescue (the current plan of a ticket whose crew is on
/// the road or on site names them), other than `except_ticket`: vehicle id, ticket id, number.
pub fn out(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    except_ticket: Option<&str>,
) -> Result<Vec<(String, String, String)>, AppError> {
    let mut q = plan_vehicles::table
        .inner_join(plans::table.inner_join(tickets::table))
        .filter(tickets::dealer_id.eq_any(dealer_ids))
        // The highest version is the only one not superseded.
        .filter(plans::status.ne(PlanStatus::Superseded))
        .filter(tickets::status.eq_any(CREW_ACTIVE))
        .select((plan_vehicles::vehicle_id, tickets::id, tickets::number))
        .order(tickets::number.asc())
        .into_boxed();
    if let Some(t) = except_ticket {
        q = q.filter(tickets::id.ne(t.to_owned()));
    }
    Ok(q.load(conn)?)
}

/// The vehicle line of a plan version, with the vehicle.
#[derive(Debug, Clone, Queryable)]
pub struct PlanVehicleRow {
    pub vehicle_id: String,
    pub plate: String,
    pub kind: VehicleKind,
    pub tows: bool,
    pub override_reason: Option<String>,
}

pub fn of_plan(
    conn: &mut AnyConnection,
    plan_id: &str,
) -> Result<Option<PlanVehicleRow>, AppError> {
    Ok(plan_vehicles::table
        .inner_join(rescue_vehicles::table)
        .filter(plan_vehicles::plan_id.eq(plan_id))
        .select((
            rescue_vehicles::id,
            rescue_vehicles::plate,
            rescue_vehicles::kind,
            plan_vehicles::tows,
            plan_vehicles::override_reason,
        ))
        .first(conn)
        .optional()?)
}

/// Writes the vehicle line of a plan version (after its old one was deleted, for a draft).
pub fn set_plan_vehicle(
    conn: &mut AnyConnection,
    plan_id: &str,
    line: Option<&PlanVehicle>,
) -> Result<(), AppError> {
    diesel::delete(plan_vehicles::table.filter(plan_vehicles::plan_id.eq(plan_id)))
        .execute(conn)?;
    if let Some(v) = line {
        diesel::insert_into(plan_vehicles::table)
            .values((
                plan_vehicles::plan_id.eq(plan_id),
                plan_vehicles::vehicle_id.eq(&v.vehicle_id),
                plan_vehicles::tows.eq(v.tows),
                plan_vehicles::override_reason.eq(v.override_reason.as_deref()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The latest passed holiday check (occasion `holiday`) of each of these vehicles made at or
/// after `since`: (vehicle id, when).
pub fn holiday_checks_since(
    conn: &mut AnyConnection,
    vehicle_ids: &[String],
    since: NaiveDateTime,
) -> Result<Vec<(String, NaiveDateTime)>, AppError> {
    let rows: Vec<(String, NaiveDateTime)> = vehicle_checks::table
        .filter(vehicle_checks::vehicle_id.eq_any(vehicle_ids))
        .filter(vehicle_checks::occasion.eq(CheckOccasion::Holiday))
        .filter(vehicle_checks::passed.eq(true))
        .filter(vehicle_checks::checked_at.ge(since))
        .select((vehicle_checks::vehicle_id, vehicle_checks::checked_at))
        .load(conn)?;
    let mut latest: std::collections::HashMap<String, NaiveDateTime> = Default::default();
    for (v, at) in rows {
        let e = latest.entry(v).or_insert(at);
        *e = (*e).max(at);
    }
    Ok(latest.into_iter().collect())
}
