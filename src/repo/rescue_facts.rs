//! The fact rows of finished rescues (`rescue_facts`, one per ticket): written when a rescue
//! finishes, removed if it is reopened, read by the monthly report instead of the audit trail.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{rescue_facts, tickets};
use crate::db::AnyConnection;
use crate::domain::report::Outcome;
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = rescue_facts)]
pub struct FactRow {
    pub ticket_id: String,
    pub dealer_id: String,
    pub call_time: NaiveDateTime,
    pub response_level: i32,
    pub outcome: Outcome,
    pub response_started_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
    pub departed_at: Option<NaiveDateTime>,
    pub on_site_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub mismatch: bool,
    /// The plan of record (the last version submitted), whose crew the report counts.
    pub plan_id: Option<String>,
    pub cost_fen: Option<i64>,
    pub written_at: NaiveDateTime,
}

/// Writes these rows, replacing a ticket's earlier row (a towed rescue is written again when it
/// is closed). Delete, then one multi-row insert per chunk: the same statements on both backends.
pub fn replace(conn: &mut AnyConnection, rows: &[FactRow]) -> Result<usize, AppError> {
    let mut written = 0;
    // SQLite binds at most 32,766 parameters; 14 columns a row.
    for chunk in rows.chunks(1_000) {
        let ids: Vec<&str> = chunk.iter().map(|r| r.ticket_id.as_str()).collect();
        forget(conn, &ids)?;
        written += crate::db::execute_insert!(conn, rescue_facts::table, chunk);
    }
    Ok(written)
}

/// Removes the rows of these tickets (reopened, or about to be rewritten).
pub fn forget(conn: &mut AnyConnection, ticket_ids: &[&str]) -> Result<usize, AppError> {
    Ok(
        diesel::delete(rescue_facts::table.filter(rescue_facts::ticket_id.eq_any(ticket_ids)))
            .execute(conn)?,
    )
}

/// The rows of these tickets (those that have one).
pub fn for_tickets(
    conn: &mut AnyConnection,
    ticket_ids: &[&str],
) -> Result<Vec<FactRow>, AppError> {
    Ok(rescue_facts::table
        .filter(rescue_facts::ticket_id.eq_any(ticket_ids))
        .select(FactRow::as_select())
        .load(conn)?)
}

/// A finished ticket without a row: (id, dealer, response level, status, call time).
pub type Missing = (String, String, i32, TicketStatus, NaiveDateTime);

/// The [`Missing`] rows of up to `limit` finished tickets with ids
/// after `after` that have no row yet (finished before the table existed, or loaded in bulk), by
/// id: the caller walks the table once, whatever its size.
pub fn missing(
    conn: &mut AnyConnection,
    after: &str,
    limit: i64,
) -> Result<Vec<Missing>, AppError> {
    let finished: Vec<TicketStatus> = TicketStatus::ALL
        .into_iter()
        .filter(|s| !crate::domain::intake::still_open(*s))
        .collect();
    Ok(tickets::table
        .left_join(rescue_facts::table)
        .filter(tickets::id.gt(after))
        .filter(rescue_facts::ticket_id.is_null())
        .filter(tickets::status.eq_any(finished))
        .order(tickets::id.asc())
        .limit(limit)
        .select((
            tickets::id,
            tickets::dealer_id,
            tickets::response_level,
            tickets::status,
            tickets::call_time,
        ))
        .load(conn)?)
}
