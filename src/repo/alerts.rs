//! The timer worker's rows: the open tickets it watches, page by page, and the alerts it
//! recorded (one row per ticket, stage and kind, so a warning or a breach is told once, whatever
//! the number of workers and restarts).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{sla_alerts, tickets};
use crate::db::AnyConnection;
use crate::domain::intake::still_open;
use crate::domain::promise::{AlertKind, Stage};
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::repo::tickets::TicketRecord;

/// One alert the worker is about to record.
pub struct NewAlert<'a> {
    pub ticket_id: &'a str,
    pub stage: Stage,
    pub kind: AlertKind,
    pub deadline: NaiveDateTime,
    pub response_level: i32,
    pub at: NaiveDateTime,
}

/// Records the alert unless it exists; true when this call recorded it. The unique
/// (ticket, stage, kind) decides between racing workers without an error: `ON CONFLICT DO
/// NOTHING` leaves the loser's transaction usable on PostgreSQL too.
pub fn insert_new(conn: &mut AnyConnection, a: &NewAlert<'_>) -> Result<bool, AppError> {
    let id = super::new_id();
    let row = (
        sla_alerts::id.eq(&id),
        sla_alerts::ticket_id.eq(a.ticket_id),
        sla_alerts::stage.eq(a.stage.as_str()),
        sla_alerts::kind.eq(a.kind.as_str()),
        sla_alerts::created_at.eq(a.at),
        sla_alerts::deadline.eq(Some(a.deadline)),
        sla_alerts::response_level.eq(Some(a.response_level)),
    );
    // MultiConnection has no ON CONFLICT (see `tickets::next_sequence`): the same statement on
    // each backend.
    let n = match conn {
        AnyConnection::Sqlite(c) => diesel::insert_into(sla_alerts::table)
            .values(row)
            .on_conflict((sla_alerts::ticket_id, sla_alerts::stage, sla_alerts::kind))
            .do_nothing()
            .execute(c)?,
        AnyConnection::Postgresql(c) => diesel::insert_into(sla_alerts::table)
            .values(row)
            .on_conflict((sla_alerts::ticket_id, sla_alerts::stage, sla_alerts::kind))
            .do_nothing()
            .execute(c)?,
    };
    Ok(n == 1)
}

/// The alerts already recorded for these tickets: (ticket id, stage, kind) as stored.
pub fn for_tickets(
    conn: &mut AnyConnection,
    ticket_ids: &[&str],
) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(sla_alerts::table
        .filter(sla_alerts::ticket_id.eq_any(ticket_ids))
        .select((sla_alerts::ticket_id, sla_alerts::stage, sla_alerts::kind))
        .load(conn)?)
}

/// The statuses of a rescue still going on, the ones the clock runs in.
fn open_statuses() -> Vec<TicketStatus> {
    TicketStatus::ALL
        .into_iter()
        .filter(|s| still_open(*s))
        .collect()
}

/// A page of open tickets of every dealer, oldest call first, after the cursor (the last
/// ticket of the page before: its call time and id).
pub fn open_tickets(
    conn: &mut AnyConnection,
    after: Option<&(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<TicketRecord>, AppError> {
    let mut q = tickets::table
        .filter(tickets::status.eq_any(open_statuses()))
        .select(TicketRecord::as_select())
        .order((tickets::call_time.asc(), tickets::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((time, id)) = after {
        q = q.filter(
            tickets::call_time
                .gt(*time)
                .or(tickets::call_time.eq(*time).and(tickets::id.gt(id.clone()))),
        );
    }
    Ok(q.load(conn)?)
}

/// A page of the tickets, open or finished, with a milestone event (one of `actions`) at or
/// after `since`, by id after the cursor: the tickets whose stage may have ended late between
/// two rounds of the timer (`audit_events_action_time` keeps this a range read).
pub fn with_milestones_since(
    conn: &mut AnyConnection,
    actions: &[&str],
    since: NaiveDateTime,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<TicketRecord>, AppError> {
    use crate::db::schema::audit_events;
    let moved = audit_events::table
        .filter(audit_events::action.eq_any(actions.to_vec()))
        .filter(audit_events::created_at.ge(since))
        .select(audit_events::ticket_id);
    let mut q = tickets::table
        .filter(tickets::id.nullable().eq_any(moved))
        .select(TicketRecord::as_select())
        .order(tickets::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(id) = after {
        q = q.filter(tickets::id.gt(id.to_owned()));
    }
    Ok(q.load(conn)?)
}
