//! The crew's side: acknowledge, depart, arrive, report a mismatch, resolve or tow; and cancelling or closing a ticket.

use crate::domain::ids::{PartId, TicketId};
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::eta::RoadModel;
use crate::domain::ticket::TicketStatus;
use crate::domain::workflow::Event;
use crate::error::{AppError, ErrorCode};
use crate::i18n::Msg;
use crate::notify::templates::Message;
use crate::repo::approvals::{self, NewIssue};
use crate::repo::tickets::{self, TicketRecord};
use crate::services::common::{self, current_lines};
use crate::services::notify::{self, Notifier};
use crate::services::request;
use crate::services::transitions;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DepartRequest {
    /// Expected arrival (RFC 3339); defaults to the time told at consent, else now + travel time.
    #[serde(default, deserialize_with = "request::optional_time")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expected_arrival_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReasonRequest {
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ResolveRequest {
    /// What was done on site.
    pub work_done: Option<String>,
    /// Parts actually fitted; whatever else was issued goes back to stock.
    #[serde(default)]
    pub parts_used: Vec<UsedPart>,
    /// The customer's signature drawn on the phone: a PNG, as `data:image/png;base64,…` or plain
    /// base64 (at most 200 KB). Required unless `customer_absent_reason` says why not.
    pub signature: Option<String>,
    /// Why the customer could not sign (not there); required without a signature.
    pub customer_absent_reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct UsedPart {
    #[schema(value_type = String)]
    pub part_id: PartId,
    pub quantity: i32,
}

/// The crew member confirms they have the job; the ticket does not move.
pub async fn acknowledge(db: &Db, actor: &Identity, ticket_id: TicketId) -> Result<(), AppError> {
    let actor = actor.clone();
    db.write(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        let lines = current_lines(conn, &ticket.id)?;
        common::require_crew(&actor, &lines, false)?;
        let status = ticket.status;
        if !matches!(status, TicketStatus::Approved | TicketStatus::Dispatched) {
            return Err(AppError::msg(
                ErrorCode::InvalidTransition,
                "svc-nothing-to-acknowledge",
                &[("status", status.as_str().into())],
            )
            .labelled("status", status.label_key()));
        }
        common::note(conn, &actor, &ticket, "crew.acknowledged", None, None)
    })
    .await
}

pub async fn depart(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    ticket_id: TicketId,
    req: DepartRequest,
    road: RoadModel,
) -> Result<(), AppError> {
    common::require(actor, Event::Depart)?;
    let at = req.expected_arrival_at;
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| {
        let mut ticket = common::load(conn, &actor, &ticket_id)?;
        let lines = current_lines(conn, &ticket.id)?;
        common::require_lead(&actor, &lines)?;
        // The crew goes out now: none of them may be out on another ticket (unless overridden).
        let crew: Vec<String> = lines.crew.iter().map(|c| c.technician_id.clone()).collect();
        crate::services::availability::check_in(conn, &actor, &ticket, &crew, &[])?;
        crate::services::fleet::check_departure(conn, &ticket, lines.vehicle.as_ref())?;
        let arrival = at
            .or(ticket.expected_arrival_at)
            .unwrap_or_else(|| road.default_arrival(crate::repo::now(), lines.plan.travel_km));
        transitions::advance(
            conn,
            &actor,
            &mut ticket,
            Event::Depart,
            None,
            Some(serde_json::json!({ "expected_arrival_at": arrival.and_utc().to_rfc3339() })),
        )?;
        tickets::set_expected_arrival(conn, &ticket.id, arrival)?;
        let lead = lines.crew.iter().find(|c| c.lead);
        let status_link = n.status_link(conn, &ticket.id)?;
        notify::customer(
            conn,
            &ticket,
            &Message::CustomerCrewDeparted {
                customer_name: ticket.customer_name.clone(),
                lead_name: lead.map(|l| l.name.clone()).unwrap_or_default(),
                lead_phone: lead.map(|l| l.phone.clone()).unwrap_or_default(),
                expected_arrival: n.local(arrival),
                status_link,
            },
        )
    })
    .await
}

pub async fn arrive(db: &Db, actor: &Identity, ticket_id: TicketId) -> Result<(), AppError> {
    crew_step(
        db,
        actor,
        ticket_id,
        Event::Arrive,
        None,
        Box::new(|_, _, _| Ok(())),
    )
    .await
}

pub async fn tow(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    req: ReasonRequest,
) -> Result<(), AppError> {
    crew_step(
        db,
        actor,
        ticket_id,
        Event::TowToWorkshop,
        req.reason,
        Box::new(|_, _, _| Ok(())),
    )
    .await
}

/// Exception B: the fault on site is not what was planned. The crew stays; planning
/// starts again, and the workshop lead, service manager and director are told.
pub async fn mismatch(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    ticket_id: TicketId,
    req: ReasonRequest,
) -> Result<(), AppError> {
    let n = n.clone();
    crew_step(
        db,
        actor,
        ticket_id,
        Event::ReportMismatch,
        req.reason,
        Box::new(move |conn, ticket, found| {
            // The others decide on a new plan from what the crew saw: a photo of it first.
            crate::services::photos::require_fault_photo(conn, &ticket.id)?;
            let msg = Message::StaffMismatch {
                number: ticket.number.clone(),
                found: found.unwrap_or_default().to_owned(),
                link: n.ticket_link(&ticket.id),
            };
            for role in ["workshop_lead", "service_manager", "service_director"] {
                notify::staff(conn, ticket, role, &msg)?;
            }
            crate::services::sourcing_orders::tell_of_hold(
                conn,
                &n,
                ticket,
                found.unwrap_or_default(),
            )
        }),
    )
    .await
}

type After =
    Box<dyn FnOnce(&mut AnyConnection, &TicketRecord, Option<&str>) -> Result<(), AppError> + Send>;

/// A crew member's step, and what follows from it, in one transaction.
async fn crew_step(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    event: Event,
    reason: Option<String>,
    after: After,
) -> Result<(), AppError> {
    common::require(actor, event)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let mut ticket = common::load(conn, &actor, &ticket_id)?;
        let lines = current_lines(conn, &ticket.id)?;
        common::require_crew(&actor, &lines, false)?;
        transitions::advance(conn, &actor, &mut ticket, event, reason.as_deref(), None)?;
        after(conn, &ticket, reason.as_deref())
    })
    .await
}

pub async fn resolve(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    ticket_id: TicketId,
    req: ResolveRequest,
) -> Result<(), AppError> {
    common::require(actor, Event::Resolve)?;
    // The ticket's record of the repair: the service manager closes on it and the next
    // visit reads it, so a rescue is never resolved without saying what was done.
    if req.work_done.as_deref().is_none_or(|w| w.trim().is_empty()) {
        return Err(AppError::field(
            "work_done",
            Msg::new("svc-work-done-required"),
        ));
    }
    let work_done = crate::domain::text::NonEmptyText::parse(
        req.work_done.as_deref().unwrap_or_default(),
        crate::domain::photo::MAX_WORK_DONE_CHARS,
    )
    .map_err(|e| AppError::field("work_done", e.msg()))?;
    // The customer's word that it is fixed; refused after the state check below, so a step
    // out of turn still says so first.
    let confirmed = crate::services::photos::confirmation(
        req.signature.as_deref(),
        req.customer_absent_reason.as_deref(),
    );
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| {
        let mut ticket = common::load(conn, &actor, &ticket_id)?;
        let lines = current_lines(conn, &ticket.id)?;
        common::require_crew(&actor, &lines, false)?;
        let issued = approvals::net_issued(conn, &ticket.id)?;
        for (i, used) in req.parts_used.iter().enumerate() {
            let have = issued.iter().find(|(p, _)| *p == used.part_id).map_or(0, |(_, q)| *q);
            if used.quantity < 0 || used.quantity > have {
                return Err(AppError::field(&format!("parts_used[{i}].quantity"), Msg::with(
                    "svc-parts-used-range",
                    &[("issued", have.into())],
                )));
            }
        }
        let work = req.work_done.clone();
        let signed = matches!(confirmed, Ok(crate::services::photos::Confirmation::Signed(_)));
        transitions::advance(conn, &actor, &mut ticket, Event::Resolve, work.as_deref(), Some(serde_json::json!({
            "parts_used": req.parts_used.iter().map(|u| serde_json::json!({ "part_id": u.part_id, "quantity": u.quantity })).collect::<Vec<_>>(),
            "signed": signed,
        })))?;
        crate::services::photos::record_resolution(conn, &actor, &ticket.id, work_done.as_str(), &confirmed?)?;
        let returned = return_unused(conn, &actor, &ticket, &lines.plan.id, &issued, &req.parts_used)?;
        if returned > 0 {
            common::note(conn, &actor, &ticket, "parts.returned", None, Some(serde_json::json!({ "quantity": returned })))?;
        }
        let used: Vec<(String, i32)> = req.parts_used.iter().map(|u| (u.part_id.as_str().to_owned(), u.quantity)).collect();
        crate::services::sourcing_orders::consume_used(conn, &ticket, &used)?;
        let status_link = n.status_link(conn, &ticket.id)?;
        notify::customer(conn, &ticket, &Message::CustomerResolved {
            customer_name: ticket.customer_name.clone(),
            plate: ticket.plate.clone(),
            status_link,
        })
    })
    .await
}

/// Puts back on the shelf whatever was handed out and not used.
fn return_unused(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket: &TicketRecord,
    plan_id: &str,
    issued: &[(String, i32)],
    used: &[UsedPart],
) -> Result<i32, AppError> {
    // The parts desk user who issued stands for a technician returning through a link.
    let booked_by = match actor.audit_actor() {
        Some(user) => user.to_owned(),
        None => match approvals::first_issuer(conn, &ticket.id)? {
            Some(user) => user,
            None => return Ok(0),
        },
    };
    let mut total = 0;
    for (part, have) in issued {
        let used = used
            .iter()
            .filter(|u| u.part_id == *part)
            .map(|u| u.quantity)
            .sum::<i32>();
        let back = have - used;
        if back > 0 {
            crate::repo::stock::put_away(conn, &ticket.dealer_id, part, back, 0)?;
            approvals::insert_issue(
                conn,
                NewIssue {
                    ticket_id: &ticket.id,
                    plan_id,
                    part_id: part,
                    dealer_id: &ticket.dealer_id,
                    quantity: -back,
                    issued_by: &booked_by,
                    received_by: None,
                },
            )?;
            total += back;
        }
    }
    Ok(total)
}

/// Cancels before dispatch; parts already handed out go back to stock.
pub async fn cancel(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    req: ReasonRequest,
) -> Result<(), AppError> {
    common::require(actor, Event::Cancel)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let mut ticket = common::load(conn, &actor, &ticket_id)?;
        transitions::advance(
            conn,
            &actor,
            &mut ticket,
            Event::Cancel,
            req.reason.as_deref(),
            None,
        )?;
        crate::repo::links::revoke_job_links_except(conn, &ticket.id, &[])?;
        tickets::set_cancel_reason(
            conn,
            &ticket.id,
            req.reason.as_deref().unwrap_or_default().trim(),
        )?;
        let issued = approvals::net_issued(conn, &ticket.id)?;
        if issued.iter().any(|(_, q)| *q > 0) {
            let plan = current_lines(conn, &ticket.id)?;
            return_unused(conn, &actor, &ticket, &plan.plan.id, &issued, &[])?;
        }
        Ok(())
    })
    .await
}

pub async fn close(db: &Db, actor: &Identity, ticket_id: TicketId) -> Result<(), AppError> {
    common::require(actor, Event::Close)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let mut ticket = common::load(conn, &actor, &ticket_id)?;
        transitions::advance(conn, &actor, &mut ticket, Event::Close, None, None)?;
        Ok(())
    })
    .await
}
