//! The promise clock's rows: pauses of a ticket's clock, and what the clock reads for a page of
//! tickets at once (their milestone events and pauses: two queries, whatever the page size).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{audit_events, ticket_pauses, users};
use crate::db::AnyConnection;
use crate::domain::promise::Pause;
use crate::error::AppError;
use crate::repo::audit::AuditRecord;

/// One pause, with the login and name of who paused (selected joined with `users`).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ticket_pauses)]
pub struct PauseRecord {
    pub id: String,
    pub ticket_id: String,
    pub started_at: NaiveDateTime,
    pub reason: String,
    pub note: Option<String>,
    pub ended_at: Option<NaiveDateTime>,
    #[diesel(select_expression = users::login)]
    #[diesel(select_expression_type = users::login)]
    pub started_by_login: String,
    #[diesel(select_expression = users::name)]
    #[diesel(select_expression_type = users::name)]
    pub started_by_name: String,
}

pub struct NewPause<'a> {
    pub ticket_id: &'a str,
    pub started_at: NaiveDateTime,
    pub started_by: &'a str,
    pub reason: &'a str,
    pub note: Option<&'a str>,
}

/// Inserts an open pause; its id. A unique violation means the ticket has an open pause already
/// (`ticket_pauses_one_open`), which the caller turns into its refusal.
pub fn insert(
    conn: &mut AnyConnection,
    pause: &NewPause<'_>,
) -> Result<String, diesel::result::Error> {
    let id = super::new_id();
    diesel::insert_into(ticket_pauses::table)
        .values((
            ticket_pauses::id.eq(&id),
            ticket_pauses::ticket_id.eq(pause.ticket_id),
            ticket_pauses::started_at.eq(pause.started_at),
            ticket_pauses::started_by.eq(pause.started_by),
            ticket_pauses::reason.eq(pause.reason),
            ticket_pauses::note.eq(pause.note),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The ticket's open pause, if its clock stands still.
pub fn open(conn: &mut AnyConnection, ticket_id: &str) -> Result<Option<PauseRecord>, AppError> {
    Ok(ticket_pauses::table
        .inner_join(users::table)
        .filter(ticket_pauses::ticket_id.eq(ticket_id))
        .filter(ticket_pauses::ended_at.is_null())
        .select(PauseRecord::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(conn: &mut AnyConnection, id: &str) -> Result<PauseRecord, AppError> {
    Ok(ticket_pauses::table
        .inner_join(users::table)
        .filter(ticket_pauses::id.eq(id))
        .select(PauseRecord::as_select())
        .first(conn)?)
}

/// Ends the pause if it is still open; false when someone else ended it first.
pub fn end(
    conn: &mut AnyConnection,
    id: &str,
    by: &str,
    at: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        ticket_pauses::table
            .filter(ticket_pauses::id.eq(id))
            .filter(ticket_pauses::ended_at.is_null()),
    )
    .set((
        ticket_pauses::ended_at.eq(at),
        ticket_pauses::ended_by.eq(by),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The pauses of these tickets, each with its ticket id.
pub fn for_tickets(
    conn: &mut AnyConnection,
    ticket_ids: &[&str],
) -> Result<Vec<(String, Pause)>, AppError> {
    let rows: Vec<(String, NaiveDateTime, Option<NaiveDateTime>)> = ticket_pauses::table
        .filter(ticket_pauses::ticket_id.eq_any(ticket_ids))
        .order((ticket_pauses::ticket_id, ticket_pauses::started_at))
        .select((
            ticket_pauses::ticket_id,
            ticket_pauses::started_at,
            ticket_pauses::ended_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(ticket, started_at, ended_at)| {
            (
                ticket,
                Pause {
                    started_at,
                    ended_at,
                },
            )
        })
        .collect())
}

/// The audit events of these tickets whose action is one of `actions`, oldest first per ticket,
/// each with its ticket id (actor and data left out: the clock reads only action and time).
pub fn events_for_tickets(
    conn: &mut AnyConnection,
    ticket_ids: &[&str],
    actions: &[&str],
) -> Result<Vec<(String, AuditRecord)>, AppError> {
    let rows: Vec<(Option<String>, String, String, NaiveDateTime)> = audit_events::table
        .filter(audit_events::ticket_id.eq_any(ticket_ids))
        .filter(audit_events::action.eq_any(actions))
        .order((audit_events::created_at.asc(), audit_events::id.asc()))
        .select((
            audit_events::ticket_id,
            audit_events::id,
            audit_events::action,
            audit_events::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(ticket, id, action, created_at)| {
            Some((ticket?, milestone_event(id, action, created_at)))
        })
        .collect())
}

/// An audit event as the clock reads it: action and time (and the id that orders ties).
pub fn milestone_event(id: String, action: String, created_at: NaiveDateTime) -> AuditRecord {
    AuditRecord {
        id,
        action,
        from_status: None,
        to_status: None,
        comment: None,
        created_at,
        actor_login: None,
        actor_name: None,
        data: None,
    }
}
