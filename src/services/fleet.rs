//! The dealer's rescue vehicles (救援车辆): the register with each vehicle's readiness, a
//! vehicle registered, a readiness check recorded, and a vehicle's checks.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::fleet::{
    readiness, Check, CheckOccasion, CheckRequest, Equipment, Readiness, Vehicle, VehicleKind,
    VehicleRequest,
};
use crate::domain::ids::RescueVehicleId;
use crate::domain::role::Action;
use crate::error::{AppError, Thing};
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::fleet::{self as repo, CheckRecord, VehicleRecord};

/// The most vehicles a dealer's list shows: a dealer runs a handful, a big one a few dozen.
pub const MAX_VEHICLES: i64 = 200;
/// The most checks one page of a vehicle's history shows.
pub const MAX_CHECKS_PER_PAGE: i64 = 100;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckView {
    pub id: String,
    pub occasion: CheckOccasion,
    pub fuel: bool,
    pub water: bool,
    pub tyre_pressure: bool,
    pub tool_kit: bool,
    pub lights: bool,
    pub passed: bool,
    pub note: Option<String>,
    pub checked_by: String,
    pub checked_by_name: String,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub checked_at: NaiveDateTime,
}

fn check_view(c: CheckRecord, name: String) -> CheckView {
    CheckView {
        id: c.id,
        occasion: c.occasion,
        fuel: c.fuel,
        water: c.water,
        tyre_pressure: c.tyre_pressure,
        tool_kit: c.tool_kit,
        lights: c.lights,
        passed: c.passed,
        note: c.note,
        checked_by: c.checked_by,
        checked_by_name: name,
        checked_at: c.checked_at,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VehicleView {
    pub id: String,
    pub plate: String,
    pub kind: VehicleKind,
    pub carries: Vec<Equipment>,
    pub base: String,
    /// From the latest check: `ready`, `check_failed`, `check_overdue` or `never_checked`.
    #[schema(value_type = String, example = "ready")]
    pub readiness: Readiness,
    pub latest_check: Option<CheckView>,
}

fn vehicle_view(
    v: VehicleRecord,
    latest: Option<CheckView>,
    now: NaiveDateTime,
) -> Result<VehicleView, AppError> {
    let carries = v.equipment()?;
    Ok(VehicleView {
        readiness: readiness(latest.as_ref().map(|c| (c.checked_at, c.passed)), now),
        id: v.id,
        plate: v.plate,
        kind: v.kind,
        carries,
        base: v.base,
        latest_check: latest,
    })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FleetList {
    pub vehicles: Vec<VehicleView>,
    /// How many of them may go out now.
    pub ready: usize,
    pub not_ready: usize,
    /// Whether the caller may register vehicles (the page shows the form).
    pub may_manage: bool,
    /// Whether the caller may record checks.
    pub may_check: bool,
}

/// The dealer's vehicles by plate, each with its latest check and readiness.
pub async fn list(db: &Db, actor: &Identity) -> Result<FleetList, AppError> {
    actor.require(Action::ViewFleet)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let now = crate::repo::now();
        let rows = repo::of_dealer(conn, &actor.dealer_id, MAX_VEHICLES)?;
        let vehicles = with_latest(conn, rows, now)?;
        let ready = vehicles.iter().filter(|v| v.readiness.is_ready()).count();
        Ok(FleetList {
            not_ready: vehicles.len() - ready,
            ready,
            vehicles,
            may_manage: actor.may(Action::ManageFleet),
            may_check: actor.may(Action::CheckVehicles),
        })
    })
    .await
}

/// The views of these vehicles, with their latest checks read in one query.
fn with_latest(
    conn: &mut AnyConnection,
    vehicles: Vec<VehicleRecord>,
    now: NaiveDateTime,
) -> Result<Vec<VehicleView>, AppError> {
    let ids: Vec<String> = vehicles.iter().map(|v| v.id.clone()).collect();
    let mut latest: std::collections::HashMap<String, CheckView> = repo::latest_checks(conn, &ids)?
        .into_iter()
        .map(|(c, name)| (c.vehicle_id.clone(), check_view(c, name)))
        .collect();
    vehicles
        .into_iter()
        .map(|v| {
            let l = latest.remove(&v.id);
            vehicle_view(v, l, now)
        })
        .collect()
}

/// Registers a vehicle of the actor's dealer; `409 conflict` when the dealer has that plate.
pub async fn register(
    db: &Db,
    actor: &Identity,
    req: VehicleRequest,
) -> Result<VehicleView, AppError> {
    actor.require(Action::ManageFleet)?;
    let v = Vehicle::parse(&req).map_err(crate::services::tickets::field_errors)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let now = crate::repo::now();
        let id = repo::insert(conn, &actor.dealer_id, &v, actor.user()?, now)?
            .ok_or_else(|| AppError::conflict("fleet-plate-taken"))?;
        audit::append(
            conn,
            NewAuditEvent {
                dealer_id: Some(&actor.dealer_id),
                ticket_id: None,
                entity: "rescue_vehicle",
                entity_id: &id,
                action: "vehicle.registered",
                actor_id: actor.audit_actor(),
                from_status: None,
                to_status: None,
                comment: None,
                data: Some(serde_json::json!({ "plate": v.plate.as_str(), "kind": v.kind })),
            },
        )?;
        tracing::info!(vehicle = %id, dealer = %actor.dealer_id, plate = v.plate.as_str(), "rescue vehicle registered");
        let r = repo::get(conn, &actor.dealer_id, &id)?
            .ok_or_else(|| AppError::internal("registered vehicle vanished"))?;
        vehicle_view(r, None, now)
    })
    .await
}

/// Records a readiness check of one of the dealer's vehicles; the vehicle as it now stands.
pub async fn check(
    db: &Db,
    actor: &Identity,
    id: RescueVehicleId,
    req: CheckRequest,
) -> Result<VehicleView, AppError> {
    actor.require(Action::CheckVehicles)?;
    let c = Check::parse(&req).map_err(crate::services::tickets::field_errors)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let now = crate::repo::now();
        let v = repo::get(conn, &actor.dealer_id, id.as_str())?
            .ok_or_else(|| AppError::not_found(Thing::RescueVehicle))?;
        let check_id = repo::insert_check(conn, &v.id, &c, actor.user()?, now)?;
        audit::append(
            conn,
            NewAuditEvent {
                dealer_id: Some(&actor.dealer_id),
                ticket_id: None,
                entity: "rescue_vehicle",
                entity_id: &v.id,
                action: "vehicle.checked",
                actor_id: actor.audit_actor(),
                from_status: None,
                to_status: None,
                comment: c.note.as_ref().map(|n| n.as_str()),
                data: Some(serde_json::json!({
                    "check": check_id,
                    "occasion": c.occasion,
                    "passed": c.items.passed(),
                })),
            },
        )?;
        if !c.items.passed() {
            // The workshop lead's morning question: which vehicle cannot go, and why.
            tracing::warn!(vehicle = %v.id, plate = %v.plate, dealer = %actor.dealer_id, "rescue vehicle failed its check");
        }
        let mut views = with_latest(conn, vec![v], now)?;
        views
            .pop()
            .ok_or_else(|| AppError::internal("checked vehicle vanished"))
    })
    .await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckPage {
    pub vehicle: VehicleView,
    /// Newest first.
    pub checks: Vec<CheckView>,
    pub page: i64,
    pub per_page: i64,
    /// Whether a further page has older checks (found by reading one more, not by counting).
    pub more: bool,
}

/// One vehicle of the dealer with its checks, newest first.
pub async fn checks(
    db: &Db,
    actor: &Identity,
    id: RescueVehicleId,
    page: i64,
    per_page: i64,
) -> Result<CheckPage, AppError> {
    actor.require(Action::ViewFleet)?;
    let (page, per_page) = (page.max(1), per_page.clamp(1, MAX_CHECKS_PER_PAGE));
    let actor = actor.clone();
    db.read(move |conn| {
        let now = crate::repo::now();
        let v = repo::get(conn, &actor.dealer_id, id.as_str())?
            .ok_or_else(|| AppError::not_found(Thing::RescueVehicle))?;
        let mut checks: Vec<CheckView> = repo::checks_of(
            conn,
            &v.id,
            (page - 1).saturating_mul(per_page),
            per_page + 1,
        )?
        .into_iter()
        .map(|(c, name)| check_view(c, name))
        .collect();
        let more = checks.len() as i64 > per_page;
        checks.truncate(per_page as usize);
        let vehicle = with_latest(conn, vec![v], now)?
            .pop()
            .ok_or_else(|| AppError::internal("vehicle vanished"))?;
        Ok(CheckPage {
            vehicle,
            checks,
            page,
            per_page,
            more,
        })
    })
    .await
}
