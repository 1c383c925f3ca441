//! What the monthly report reads: the dealers' tickets called in a period, and for a batch of
//! them their breaches, the follow-up scores and the complaint counts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{complaints, follow_ups, sla_alerts, tickets};
use crate::db::AnyConnection;
use crate::domain::follow_up::FollowUpStatus;
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;

/// (id, response level, status, call time) of the tickets of these dealers called in
/// `[from, to)`, by call time.
pub fn tickets_called(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> Result<Vec<(String, i32, TicketStatus, NaiveDateTime)>, AppError> {
    Ok(tickets::table
        .filter(tickets::dealer_id.eq_any(dealer_ids))
        .filter(tickets::call_time.ge(from))
        .filter(tickets::call_time.lt(to))
        .order((tickets::call_time.asc(), tickets::id.asc()))
        .limit(limit)
        .select((
            tickets::id,
            tickets::response_level,
            tickets::status,
            tickets::call_time,
        ))
        .load(conn)?)
}

/// (ticket, stage) of the breaches recorded for these tickets.
pub fn breaches(
    conn: &mut AnyConnection,
    ticket_ids: &[&str],
) -> Result<Vec<(String, String)>, AppError> {
    Ok(sla_alerts::table
        .filter(sla_alerts::ticket_id.eq_any(ticket_ids))
        .filter(sla_alerts::kind.eq("breach"))
        .select((sla_alerts::ticket_id, sla_alerts::stage))
        .load(conn)?)
}

/// (ticket, score) of the answered follow-up calls of these tickets.
pub fn scores(
    conn: &mut AnyConnection,
    ticket_ids: &[&str],
) -> Result<Vec<(String, Option<i32>)>, AppError> {
    Ok(follow_ups::table
        .filter(follow_ups::ticket_id.eq_any(ticket_ids))
        .filter(follow_ups::status.eq(FollowUpStatus::Done))
        .select((follow_ups::ticket_id, follow_ups::score))
        .load(conn)?)
}

/// The ticket of each complaint about these tickets (one entry per complaint).
pub fn complaints(conn: &mut AnyConnection, ticket_ids: &[&str]) -> Result<Vec<String>, AppError> {
    Ok(complaints::table
        .filter(complaints::ticket_id.eq_any(ticket_ids))
        .select(complaints::ticket_id)
        .load(conn)?)
}
