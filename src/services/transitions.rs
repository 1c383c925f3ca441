//! A ticket's transition and what follows it, in the caller's transaction: `workflow::advance`
//! moves the status and returns its effects as data; `apply` is the one place that carries them
//! out (stock reservations, sourcing orders, the follow-up call, the report's row of a finished
//! rescue). Services move tickets through `advance` here.

use serde_json::Value;

use crate::auth::Identity;
use crate::db::AnyConnection;
use crate::domain::ticket::TicketStatus;
use crate::domain::workflow::Event;
use crate::error::AppError;
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::tickets::TicketRecord;
use crate::services::common::note;
use crate::services::reservations::{release_ticket, reserve_current_plan};
use crate::services::sourcing_orders::{follow_plan, hold_for_replan};
use crate::services::workflow::{self, Effect, Moved};

/// Moves the ticket (`workflow::advance`) and applies what follows. Returns the new status.
pub fn advance(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket: &mut TicketRecord,
    event: Event,
    comment: Option<&str>,
    data: Option<Value>,
) -> Result<TicketStatus, AppError> {
    let moved = workflow::advance(conn, actor, ticket, event, comment, data)?;
    apply(conn, actor, ticket, moved)
}

/// Carries out a move's effects, in order. Returns the new status.
pub fn apply(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket: &TicketRecord,
    moved: Moved,
) -> Result<TicketStatus, AppError> {
    for effect in &moved.effects {
        match effect {
            Effect::ReservePlan => {
                let stock = reserve_plan(conn, ticket)?;
                stock_changed(conn, actor, ticket, Some(stock))?;
            }
            Effect::ReleaseStock => {
                let released = release_ticket(conn, ticket)?;
                let stock = (released > 0).then(|| serde_json::json!({ "released": released }));
                stock_changed(conn, actor, ticket, stock)?;
            }
            // The rescue is over: open sourcing orders are cancelled or sent to the shelf too.
            Effect::EndRescue => {
                let released = release_ticket(conn, ticket)?;
                let orders = follow_plan(conn, ticket, true)?;
                let stock = match (released, orders) {
                    (0, None) => None,
                    (released, None) => Some(serde_json::json!({ "released": released })),
                    (released, Some(orders)) => {
                        Some(serde_json::json!({ "released": released, "orders": orders }))
                    }
                };
                stock_changed(conn, actor, ticket, stock)?;
            }
            Effect::OpenFollowUp => {
                if crate::repo::follow_ups::open_for(conn, ticket, crate::repo::now())? {
                    tracing::info!(ticket = %ticket.number, "follow-up call queued");
                }
            }
            Effect::HoldOrdersForReplan => {
                if let Some(held) = hold_for_replan(conn, ticket)? {
                    note(conn, actor, ticket, "sourcing.held", None, Some(held))?;
                }
            }
        }
    }
    // Where the crew drove is kept only while it is on the road: arrived, re-planned or over,
    // the phone's last positions go (nobody learns where a technician went after the job).
    if moved.to != TicketStatus::Dispatched {
        crate::repo::positions::forget(conn, &ticket.id)?;
    }
    // The report's row of the rescue follows its end, in the same transaction (its events are
    // written: `workflow::advance` recorded the move).
    crate::services::report_facts::follow(conn, ticket, moved.from, moved.to)?;
    Ok(moved.to)
}

/// Reserves the submitted plan's parts as far as stock goes; orders of an earlier version follow
/// the new one (or are cancelled). Returns what happened, for the audit.
fn reserve_plan(conn: &mut AnyConnection, ticket: &TicketRecord) -> Result<Value, AppError> {
    let coverage = reserve_current_plan(conn, ticket)?;
    let short: Vec<_> = coverage
        .iter()
        .filter(|(_, want, got)| got < want)
        .collect();
    if !short.is_empty() {
        tracing::info!(ticket = %ticket.number, lines = short.len(), "plan submitted with parts the dealer cannot cover");
    }
    let mut data = serde_json::json!({
        "reserved": coverage.iter().map(|(no, want, got)| serde_json::json!({ "part_no": no, "wanted": want, "reserved": got })).collect::<Vec<_>>()
    });
    if let Some(orders) = follow_plan(conn, ticket, false)? {
        data["orders"] = orders;
    }
    Ok(data)
}

/// The audit event of a stock change; nothing changed, no event.
fn stock_changed(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket: &TicketRecord,
    effect: Option<Value>,
) -> Result<(), AppError> {
    let Some(effect) = effect else {
        return Ok(());
    };
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
    Ok(())
}
