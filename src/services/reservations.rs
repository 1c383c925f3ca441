//! What a plan holds in stock: reserved when it is submitted, released when it goes back, is replaced,
//! cancelled or finished — and open sourcing orders follow the plan; called from the one place the
//! ticket's status changes.

use crate::db::AnyConnection;
use crate::domain::workflow::Event;
use crate::error::AppError;
use crate::repo::stock;
use crate::repo::tickets::TicketRecord;

/// (part no, wanted, reserved) per line: what the dealer itself covers; the rest must be sourced.
pub type Coverage = Vec<(String, i32, i32)>;

/// Reserves the current plan's parts at the ticket's dealer, as far as stock goes.
pub fn reserve_current_plan(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
) -> Result<Coverage, AppError> {
    let Some(plan) = crate::repo::plans::current(conn, &ticket.id)? else {
        return Ok(Vec::new());
    };
    let lines = crate::repo::plans::lines(conn, plan)?;
    let mut coverage = Vec::new();
    for line in &lines.parts {
        let wanted = line.quantity - line.reserved;
        let got = if wanted > 0 {
            stock::reserve_up_to(conn, &ticket.dealer_id, &line.part_id, wanted)?
        } else {
            0
        };
        if got > 0 {
            stock::set_line_reserved(conn, &line.id, line.reserved + got)?;
        }
        coverage.push((line.part_no.clone(), line.quantity, line.reserved + got));
    }
    Ok(coverage)
}

/// Gives back everything the ticket's plans still hold.
pub fn release_ticket(conn: &mut AnyConnection, ticket: &TicketRecord) -> Result<i32, AppError> {
    let mut released = 0;
    for (line, part, units) in stock::held_by_ticket(conn, &ticket.id)? {
        stock::release(conn, &ticket.dealer_id, &part, units)?;
        stock::set_line_reserved(conn, &line, 0)?;
        released += units;
    }
    Ok(released)
}

/// The stock consequence of a transition, in its transaction.
pub fn after_transition(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    event: Event,
) -> Result<Option<serde_json::Value>, AppError> {
    match event {
        Event::SubmitPlan => {
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
            // Orders of an earlier version follow the new one (or are cancelled): say so.
            if let Some(orders) =
                crate::services::sourcing_orders::follow_plan(conn, ticket, false)?
            {
                data["orders"] = orders;
            }
            Ok(Some(data))
        }
        Event::ManagerReturn
        | Event::CustomerDeclineReplan
        | Event::CustomerDeclineCancel
        | Event::DirectorReject
        | Event::RevisePlan
        | Event::ReportMismatch => {
            let released = release_ticket(conn, ticket)?;
            Ok((released > 0).then(|| serde_json::json!({ "released": released })))
        }
        // The rescue is over: open sourcing orders are cancelled or sent to the shelf too.
        Event::Resolve | Event::TowToWorkshop | Event::Cancel => {
            let released = release_ticket(conn, ticket)?;
            let orders = crate::services::sourcing_orders::follow_plan(conn, ticket, true)?;
            Ok(match (released, orders) {
                (0, None) => None,
                (released, None) => Some(serde_json::json!({ "released": released })),
                (released, Some(orders)) => {
                    Some(serde_json::json!({ "released": released, "orders": orders }))
                }
            })
        }
        _ => Ok(None),
    }
}
