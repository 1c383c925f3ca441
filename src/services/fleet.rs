//! The dealer's rescue vehicles (救援车辆): the register with each vehicle's readiness, a
//! vehicle registered, a readiness check recorded, a vehicle's checks; and the rule that a plan
//! sends a vehicle that is ready and free, or says why not.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::fleet::{
    check_tow, readiness, unavailable, Check, CheckOccasion, CheckRequest, Equipment, Readiness,
    Unavailable, Vehicle, VehicleKind, VehicleRequest,
};
use crate::domain::ids::RescueVehicleId;
use crate::domain::plan::PlanVehicle;
use crate::domain::role::Action;
use crate::error::{AppError, ErrorCode, FieldErrors, Thing};
use crate::i18n::Msg;
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::fleet::{self as repo, CheckRecord, VehicleRecord};
use crate::repo::tickets::TicketRecord;

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
    pub dealer_id: String,
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
        dealer_id: v.dealer_id,
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

/// The audit action of a vehicle sent although it was not ready or out.
pub const OVERRIDDEN: &str = "vehicle.override";

/// The catalogue key of an audit action of this module, for the timeline.
pub fn action_label_key(action: &str) -> Option<&'static str> {
    match action {
        OVERRIDDEN => Some("fleet-audit-override"),
        _ => None,
    }
}

/// The vehicle a plan sends, as the plan shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanVehicleView {
    pub vehicle_id: String,
    pub plate: String,
    pub kind: VehicleKind,
    /// The car is towed to the workshop.
    pub tows: bool,
    /// Why it goes although it was not ready or out, if the lead had to say.
    pub override_reason: Option<String>,
}

impl From<repo::PlanVehicleRow> for PlanVehicleView {
    fn from(r: repo::PlanVehicleRow) -> Self {
        PlanVehicleView {
            vehicle_id: r.vehicle_id,
            plate: r.plate,
            kind: r.kind,
            tows: r.tows,
            override_reason: r.override_reason,
        }
    }
}

/// Where a vehicle of the dealer stands for a plan of `ticket`: its readiness and the other
/// ticket it is out on, read with the row locked (inside the caller's write transaction).
fn standing(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    v: &VehicleRecord,
) -> Result<Option<Unavailable>, AppError> {
    repo::lock(conn, &v.id)?;
    let latest = repo::latest_checks(conn, std::slice::from_ref(&v.id))?;
    let ready = readiness(
        latest.first().map(|(c, _)| (c.checked_at, c.passed)),
        crate::repo::now(),
    );
    let out = repo::out(
        conn,
        std::slice::from_ref(&ticket.dealer_id),
        Some(&ticket.id),
    )?;
    let out_on = out
        .iter()
        .find(|(vehicle, _, _)| *vehicle == v.id)
        .map(|(_, _, number)| number.as_str());
    Ok(unavailable(ready, out_on))
}

fn refusal(v: &VehicleRecord, why: &Unavailable) -> AppError {
    let (ticket, ready) = match why {
        Unavailable::Out { number } => (number.clone(), Readiness::Ready),
        Unavailable::NotReady(r) => (String::new(), *r),
    };
    AppError::msg(
        ErrorCode::VehicleUnavailable,
        why.key(),
        &[
            ("plate", v.plate.clone().into()),
            ("vehicle_id", v.id.clone().into()),
            ("ticket", ticket.into()),
            ("readiness", ready.as_str().into()),
        ],
    )
    .labelled("readiness", ready.label_key())
}

/// Checks the vehicle a plan of `ticket` sends, inside the save's transaction: one of the
/// dealer's; a tow truck or flatbed for a tow; ready and not out elsewhere, unless the lead gave
/// a reason (audited).
pub(crate) fn check_plan_vehicle(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket: &TicketRecord,
    line: &PlanVehicle,
) -> Result<(), AppError> {
    let field = |key: &'static str| {
        let mut fields = FieldErrors::new();
        fields.insert("vehicle_id".into(), Msg::new(key));
        AppError::validation(fields)
    };
    let v = repo::get(conn, &ticket.dealer_id, &line.vehicle_id)?
        .ok_or_else(|| field("fleet-not-our-vehicle"))?;
    if check_tow(v.kind, line.tows).is_err() {
        return Err(field("fleet-tow-needs-tow-truck"));
    }
    let Some(why) = standing(conn, ticket, &v)? else {
        return Ok(());
    };
    let Some(reason) = &line.override_reason else {
        tracing::info!(ticket = %ticket.number, vehicle = %v.plate, why = why.key(), "refused: rescue vehicle unavailable");
        return Err(refusal(&v, &why));
    };
    let (other, ready) = match &why {
        Unavailable::Out { number } => (Some(number.as_str()), None),
        Unavailable::NotReady(r) => (None, Some(r.as_str())),
    };
    crate::services::common::note(
        conn,
        actor,
        ticket,
        OVERRIDDEN,
        Some(reason),
        Some(serde_json::json!({
            "vehicle_id": v.id,
            "plate": v.plate,
            "other_ticket": other,
            "readiness": ready,
            "reason": reason,
        })),
    )
}

/// At departure: the plan's vehicle must still be ready and free, unless the lead's reason
/// stands with the plan (a check failed since the approval stops the crew here).
pub(crate) fn check_departure(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    line: Option<&repo::PlanVehicleRow>,
) -> Result<(), AppError> {
    let Some(line) = line else { return Ok(()) };
    if line.override_reason.is_some() {
        return Ok(());
    }
    let v = repo::get(conn, &ticket.dealer_id, &line.vehicle_id)?
        .ok_or_else(|| AppError::internal("plan vehicle of another dealer"))?;
    match standing(conn, ticket, &v)? {
        None => Ok(()),
        Some(why) => {
            tracing::info!(ticket = %ticket.number, vehicle = %v.plate, why = why.key(), "departure refused: rescue vehicle unavailable");
            Err(refusal(&v, &why))
        }
    }
}

/// A vehicle the plan editor offers, with what stands in its way.
#[derive(Debug, Clone)]
pub struct VehicleOption {
    pub id: String,
    pub plate: String,
    pub kind: VehicleKind,
    pub readiness: Readiness,
    /// The number of the other ticket it is out on.
    pub out_on: Option<String>,
}

impl VehicleOption {
    pub fn unavailable(&self) -> Option<Unavailable> {
        unavailable(self.readiness, self.out_on.as_deref())
    }
}

/// The dealer's vehicles for a plan of `ticket`: readiness now and the other rescue each is out
/// on; in the register's order (by plate).
pub fn options_for(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
) -> Result<Vec<VehicleOption>, AppError> {
    let now = crate::repo::now();
    let rows = repo::of_dealer(conn, &ticket.dealer_id, MAX_VEHICLES)?;
    let out = repo::out(
        conn,
        std::slice::from_ref(&ticket.dealer_id),
        Some(&ticket.id),
    )?;
    Ok(with_latest(conn, rows, now)?
        .into_iter()
        .map(|v| VehicleOption {
            out_on: out
                .iter()
                .find(|(id, _, _)| *id == v.id)
                .map(|(_, _, n)| n.clone()),
            id: v.id,
            plate: v.plate,
            kind: v.kind,
            readiness: v.readiness,
        })
        .collect())
}

/// The most vehicles a board lists (out or not ready): a group runs a few hundred at most.
pub const MAX_BOARD_VEHICLES: i64 = 1_000;

/// A vehicle the board shows: out on a rescue, or not ready to go.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardVehicle {
    pub id: String,
    pub dealer_id: String,
    pub plate: String,
    pub kind: VehicleKind,
    #[schema(value_type = String, example = "check_failed")]
    pub readiness: Readiness,
    /// The rescue it is out on.
    pub ticket_id: Option<String>,
    pub ticket_number: Option<String>,
    /// The note of a failed check: what is wrong.
    pub note: Option<String>,
}

/// The board's dealers' vehicles that are out or not ready (out first, then by plate), and how
/// many are ready at home.
pub fn for_board(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    now: NaiveDateTime,
) -> Result<(Vec<BoardVehicle>, usize), AppError> {
    let rows = repo::of_dealers(conn, dealer_ids, MAX_BOARD_VEHICLES)?;
    let out = repo::out(conn, dealer_ids, None)?;
    let mut ready_home = 0;
    let mut shown = Vec::new();
    for v in with_latest(conn, rows, now)? {
        let on = out.iter().find(|(id, _, _)| *id == v.id);
        if on.is_none() && v.readiness.is_ready() {
            ready_home += 1;
            continue;
        }
        shown.push(BoardVehicle {
            dealer_id: v.dealer_id,
            note: v
                .latest_check
                .as_ref()
                .filter(|c| !c.passed)
                .and_then(|c| c.note.clone()),
            ticket_id: on.map(|(_, t, _)| t.clone()),
            ticket_number: on.map(|(_, _, n)| n.clone()),
            id: v.id,
            plate: v.plate,
            kind: v.kind,
            readiness: v.readiness,
        });
    }
    shown.sort_by(|a, b| (a.ticket_id.is_none(), &a.plate).cmp(&(b.ticket_id.is_none(), &b.plate)));
    Ok((shown, ready_home))
}
