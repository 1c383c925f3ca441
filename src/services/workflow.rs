//! Moving a ticket: the role check, the pure transition, the guarded status update and the audit event — in that order, in the caller's transaction.

use serde_json::Value;

use crate::auth::Identity;
use crate::db::AnyConnection;
use crate::domain::ticket::TicketStatus;
use crate::domain::workflow::{transition, Context, Event};
use crate::error::{AppError, ErrorCode};
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::tickets::{self, TicketRecord};
use crate::services::common::with_link_actor;
// Callers outside the services keep their paths; the services use `common` directly.
pub use crate::services::common::{is_member, load, note, require, require_crew, require_lead};

/// The one place a ticket's status changes. Returns the new status.
pub fn advance(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket: &mut TicketRecord,
    event: Event,
    comment: Option<&str>,
    data: Option<Value>,
) -> Result<TicketStatus, AppError> {
    let data = with_link_actor(actor, data);
    require(actor, event)?;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if event.needs_reason() && comment.is_none() {
        return Err(AppError::field(
            "reason",
            crate::i18n::Msg::new("svc-reason-required"),
        ));
    }
    let from = ticket.status;
    let ctx = Context {
        crew_on_site: ticket.crew_on_site,
    };
    let to = transition(from, event, ctx).map_err(|e| {
        let m = e.msg();
        AppError::msg(ErrorCode::InvalidTransition, m.key, &m.params)
    })?;
    let on_site = match event {
        Event::Arrive => true,
        _ => ticket.crew_on_site,
    };
    if !tickets::set_status(conn, &ticket.id, from, to, on_site)? {
        // Someone acted on this ticket between our read and our write.
        return Err(AppError::msg(
            ErrorCode::StaleState,
            "svc-ticket-stale",
            &[],
        ));
    }
    audit::append(
        conn,
        NewAuditEvent {
            dealer_id: Some(&ticket.dealer_id),
            ticket_id: Some(&ticket.id),
            entity: "ticket",
            entity_id: &ticket.id,
            action: event.as_str(),
            actor_id: actor.audit_actor(),
            from_status: Some(from.as_str()),
            to_status: Some(to.as_str()),
            comment,
            data,
        },
    )?;
    tracing::info!(ticket = %ticket.number, user = %actor.login, from = from.as_str(), to = to.as_str(), "ticket moved");
    // Stock follows the plan: reserved on submission, released when it goes back or ends.
    if let Some(effect) = crate::services::reservations::after_transition(conn, ticket, event)? {
        audit::append(
            conn,
            NewAuditEvent {
                dealer_id: Some(&ticket.dealer_id),
                ticket_id: Some(&ticket.id),
                entity: "stock",
                entity_id: &ticket.id,
                action: "stock.changed",
                actor_id: actor.audit_actor(),
                data: Some(effect),
                ..Default::default()
            },
        )?;
    }
    // The crew found another fault: orders for the old plan stop until the revised plan decides.
    if event == Event::ReportMismatch {
        if let Some(held) = crate::services::sourcing_orders::hold_for_replan(conn, ticket)? {
            note(conn, actor, ticket, "sourcing.held", None, Some(held))?;
        }
    }
    ticket.status = to;
    ticket.crew_on_site = on_site;
    Ok(to)
}
