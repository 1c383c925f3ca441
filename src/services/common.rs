//! Helpers every use case shares: the actor's ticket (the one place that finds it), an audit
//! note that does not move it, the current plan with its lines, and the role and crew checks.
//! Kept apart from `workflow` so the services that `advance` calls (reservations, sourcing
//! orders) need not import it back.

use serde_json::Value;

use crate::auth::Identity;
use crate::db::AnyConnection;
use crate::domain::plan::PlanStatus;
use crate::domain::role::Role;
use crate::domain::workflow::{Context, Event};
use crate::error::{AppError, ErrorCode, Thing};
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::plans::{self, PlanLines};
use crate::repo::tickets::{self, TicketRecord};

/// A ticket the actor may see, or 404.
pub fn load(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket_id: &str,
) -> Result<TicketRecord, AppError> {
    find(conn, actor, ticket_id)?
        .map(|(t, _, _)| t)
        .ok_or_else(|| AppError::not_found(Thing::Ticket))
}

/// The one door to a ticket for an actor, with its taker's login and name: a ticket of the
/// actor's dealer; or, for a technician a sister dealer lent to its crew, a ticket whose current
/// (not superseded) plan has them on the crew (by their job link or their own sign-in). Nobody
/// else of another dealer finds it: not the sister's workshop lead, nor a technician taken off
/// the crew by a newer version.
pub fn find(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket_id: &str,
) -> Result<Option<(TicketRecord, String, String)>, AppError> {
    if let Some(found) = tickets::get(conn, &actor.dealer_id, ticket_id)? {
        return Ok(Some(found));
    }
    if actor.technician_id.is_none() && !actor.roles.contains(&Role::Technician) {
        return Ok(None);
    }
    let Some(plan) = plans::current(conn, ticket_id)? else {
        return Ok(None);
    };
    if plan.status == PlanStatus::Superseded {
        return Ok(None);
    }
    let on_crew = plans::lines(conn, plan)?
        .crew
        .iter()
        .any(|c| is_member(actor, &c.technician_id, c.user_id.as_deref()));
    if !on_crew {
        return Ok(None);
    }
    let dealer = tickets::dealer_of(conn, ticket_id)?;
    tickets::get(conn, &dealer, ticket_id)
}

/// Refuses an actor whose roles do not allow the event.
pub fn require(actor: &Identity, event: Event) -> Result<(), AppError> {
    require_in(actor, event, Context::default())
}

/// [`require`] where the ticket's context widens who may act (the call agent taking the consent
/// for a standard plan that allows it).
pub fn require_in(actor: &Identity, event: Event, ctx: Context) -> Result<(), AppError> {
    if event.permitted_in(&actor.roles, ctx) {
        Ok(())
    } else {
        tracing::info!(user = %actor.login, event = event.as_str(), "refused: role");
        Err(AppError::msg(
            ErrorCode::Forbidden,
            "svc-forbidden-step",
            &[("action", event.as_str().into())],
        )
        .labelled("action", event.label_key()))
    }
}

/// The current plan with its lines, or 409 when there is none yet.
pub fn current_lines(conn: &mut AnyConnection, ticket_id: &str) -> Result<PlanLines, AppError> {
    let plan = plans::current(conn, ticket_id)?
        .ok_or_else(|| AppError::msg(ErrorCode::InvalidTransition, "svc-ticket-no-plan", &[]))?;
    plans::lines(conn, plan)
}

/// An audit event that does not move the ticket (plan saved, parts issued, job acknowledged).
pub fn note(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket: &TicketRecord,
    action: &str,
    comment: Option<&str>,
    data: Option<Value>,
) -> Result<(), AppError> {
    let data = with_link_actor(actor, data);
    audit::append(
        conn,
        NewAuditEvent {
            dealer_id: Some(&ticket.dealer_id),
            ticket_id: Some(&ticket.id),
            entity: "ticket",
            entity_id: &ticket.id,
            action,
            actor_id: actor.audit_actor(),
            comment,
            data,
            ..Default::default()
        },
    )
}

/// Acting through a link: the event's data names the link, and the technician (who has no user
/// row) behind a job link.
pub(crate) fn with_link_actor(actor: &Identity, data: Option<Value>) -> Option<Value> {
    let Some(link) = &actor.link_id else {
        return data;
    };
    let mut data = data.unwrap_or_else(|| serde_json::json!({}));
    if let Some(map) = data.as_object_mut() {
        if let Some(tech) = &actor.technician_id {
            map.insert("technician_id".into(), tech.to_string().into());
            map.insert("technician".into(), actor.name.clone().into());
        }
        // A manager or director deciding from the SMS: the user is the event's actor, the link
        // says how they acted.
        map.insert("via".into(), "link".into());
        map.insert("link_id".into(), link.clone().into());
    }
    Some(data)
}

/// Whether the actor is this crew member: the technician behind a job link, or their own sign-in.
pub fn is_member(actor: &Identity, technician_id: &str, user_id: Option<&str>) -> bool {
    match &actor.technician_id {
        Some(tech) => tech == technician_id,
        None => actor.user_id.is_some() && user_id == actor.user_id.as_deref(),
    }
}

/// Crew actions are for the crew of the current plan; a service manager may mark departure for them.
pub fn require_crew(actor: &Identity, plan: &PlanLines, manager_may: bool) -> Result<(), AppError> {
    if manager_may && actor.roles.contains(&Role::ServiceManager) {
        return Ok(());
    }
    if plan
        .crew
        .iter()
        .any(|c| is_member(actor, &c.technician_id, c.user_id.as_deref()))
    {
        Ok(())
    } else {
        Err(AppError::msg(ErrorCode::NotInCrew, "svc-not-in-crew", &[]))
    }
}

/// Departure commits the whole crew and starts the customer's clock: only the rescue lead, or
/// the service manager for them, may mark it.
pub fn require_lead(actor: &Identity, plan: &PlanLines) -> Result<(), AppError> {
    if actor.roles.contains(&Role::ServiceManager) {
        return Ok(());
    }
    require_crew(actor, plan, false)?;
    if plan
        .crew
        .iter()
        .any(|c| c.lead && is_member(actor, &c.technician_id, c.user_id.as_deref()))
    {
        Ok(())
    } else {
        Err(AppError::msg(
            ErrorCode::NotRescueLead,
            "svc-not-rescue-lead",
            &[],
        ))
    }
}
