//! Audit events: who did what, when — written in the transaction of the change itself.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{audit_events, users};
use crate::db::AnyConnection;
use crate::error::AppError;

#[derive(Debug, Clone, Default)]
pub struct NewAuditEvent<'a> {
    pub dealer_id: Option<&'a str>,
    pub ticket_id: Option<&'a str>,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub actor_id: Option<&'a str>,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub data: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Queryable)]
pub struct AuditRecord {
    pub id: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub comment: Option<String>,
    pub created_at: NaiveDateTime,
    pub actor_login: Option<String>,
    pub actor_name: Option<String>,
    pub data: Option<String>,
}

pub fn append(conn: &mut AnyConnection, event: NewAuditEvent<'_>) -> Result<(), AppError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(super::new_id()),
            audit_events::dealer_id.eq(event.dealer_id),
            audit_events::ticket_id.eq(event.ticket_id),
            audit_events::entity.eq(event.entity),
            audit_events::entity_id.eq(event.entity_id),
            audit_events::action.eq(event.action),
            audit_events::actor_id.eq(event.actor_id),
            audit_events::from_status.eq(event.from_status),
            audit_events::to_status.eq(event.to_status),
            audit_events::comment.eq(event.comment),
            audit_events::data.eq(event.data.map(|d| d.to_string())),
            audit_events::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A ticket's events, oldest first (UUIDv7 ids break ties within one microsecond).
pub fn for_ticket(conn: &mut AnyConnection, ticket_id: &str) -> Result<Vec<AuditRecord>, AppError> {
    Ok(audit_events::table
        .left_join(users::table)
        .filter(audit_events::ticket_id.eq(ticket_id))
        .order((audit_events::created_at.asc(), audit_events::id.asc()))
        .select((
            audit_events::id,
            audit_events::action,
            audit_events::from_status,
            audit_events::to_status,
            audit_events::comment,
            audit_events::created_at,
            users::login.nullable(),
            users::name.nullable(),
            audit_events::data,
        ))
        .load(conn)?)
}

/// When the ticket last entered `status` (the director's inbox shows how long a plan waits).
pub fn entered_status_at(
    conn: &mut AnyConnection,
    ticket_id: &str,
    status: &str,
) -> Result<Option<NaiveDateTime>, AppError> {
    Ok(audit_events::table
        .filter(audit_events::ticket_id.eq(ticket_id))
        .filter(audit_events::to_status.eq(status))
        .select(diesel::dsl::max(audit_events::created_at))
        .first::<Option<NaiveDateTime>>(conn)?)
}
