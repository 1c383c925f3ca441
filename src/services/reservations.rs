//! What a plan holds in stock: reserved when it is submitted, released when it goes back, is replaced,
//! cancelled or finished; `services::transitions::apply` decides when.

use crate::db::AnyConnection;
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
