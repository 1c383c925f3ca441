//! The outbox: messages written in the transaction of the change that causes them; the delivery worker sends them later.

use diesel::prelude::*;

use crate::db::schema::outbox;
use crate::db::AnyConnection;
use crate::error::AppError;

pub struct NewMessage<'a> {
    pub channel: &'a str,
    pub recipient: &'a str,
    pub locale: &'a str,
    pub template: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub ticket_id: Option<&'a str>,
}

pub fn enqueue(conn: &mut AnyConnection, m: NewMessage<'_>) -> Result<(), AppError> {
    let id = super::new_id();
    let now = super::now();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(&id),
            outbox::channel.eq(m.channel),
            outbox::recipient.eq(m.recipient),
            outbox::locale.eq(m.locale),
            outbox::template.eq(m.template),
            outbox::subject.eq(m.subject),
            outbox::body_text.eq(m.body_text),
            outbox::ticket_id.eq(m.ticket_id),
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            // The row id doubles as the provider idempotency key: unique and stable across retries.
            outbox::idempotency_key.eq(&id),
            outbox::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, serde::Serialize, utoipa::ToSchema)]
pub struct MessageRow {
    pub channel: String,
    pub recipient: String,
    pub template: String,
    pub body_text: String,
    pub status: String,
}

pub fn for_ticket(conn: &mut AnyConnection, ticket_id: &str) -> Result<Vec<MessageRow>, AppError> {
    Ok(outbox::table
        .filter(outbox::ticket_id.eq(ticket_id))
        .order((outbox::created_at.asc(), outbox::id.asc()))
        .select((
            outbox::channel,
            outbox::recipient,
            outbox::template,
            outbox::body_text,
            outbox::status,
        ))
        .load(conn)?)
}
