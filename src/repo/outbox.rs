//! The outbox: messages written in the transaction of the change that causes them, claimed and settled by the delivery worker.

use chrono::NaiveDateTime;
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
    pub body_html: Option<&'a str>,
    pub params: &'a serde_json::Value,
    pub ticket_id: Option<&'a str>,
}

pub fn enqueue(conn: &mut AnyConnection, m: NewMessage<'_>) -> Result<String, AppError> {
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
            outbox::body_html.eq(m.body_html),
            outbox::params.eq(m.params.to_string()),
            outbox::ticket_id.eq(m.ticket_id),
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            // The row id doubles as the provider idempotency key: unique and stable across retries.
            outbox::idempotency_key.eq(&id),
            outbox::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct MessageRecord {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub locale: String,
    pub template: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub params: String,
    pub ticket_id: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub idempotency_key: String,
    pub provider_id: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Ids of messages due now: pending and due, or claimed by a worker whose lease ran out.
pub fn due(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    lease_cutoff: NaiveDateTime,
    limit: i64,
) -> Result<Vec<String>, AppError> {
    Ok(outbox::table
        .filter(
            outbox::status
                .eq("pending")
                .and(outbox::next_attempt_at.le(now))
                .or(outbox::status
                    .eq("sending")
                    .and(outbox::claimed_at.lt(lease_cutoff))),
        )
        .order(outbox::next_attempt_at.asc())
        .limit(limit)
        .select(outbox::id)
        .load(conn)?)
}

/// Takes one message for this worker. The guard repeats the "due" condition, so
/// of two workers racing for a row exactly one update matches — on either database.
pub fn claim(
    conn: &mut AnyConnection,
    id: &str,
    node: &str,
    now: NaiveDateTime,
    lease_cutoff: NaiveDateTime,
) -> Result<Option<MessageRecord>, AppError> {
    let n = diesel::update(
        outbox::table.filter(outbox::id.eq(id)).filter(
            outbox::status
                .eq("pending")
                .and(outbox::next_attempt_at.le(now))
                .or(outbox::status
                    .eq("sending")
                    .and(outbox::claimed_at.lt(lease_cutoff))),
        ),
    )
    .set((
        outbox::status.eq("sending"),
        outbox::claimed_by.eq(node),
        outbox::claimed_at.eq(now),
        outbox::attempts.eq(outbox::attempts + 1),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(
        outbox::table
            .filter(outbox::id.eq(id))
            .select(MessageRecord::as_select())
            .first(conn)?,
    ))
}

/// Settles a claimed message; only the worker holding the claim may.
pub fn settle(
    conn: &mut AnyConnection,
    id: &str,
    node: &str,
    status: &str,
    next_attempt_at: NaiveDateTime,
    error: Option<&str>,
    provider_id: Option<&str>,
) -> Result<bool, AppError> {
    let sent_at = (status == "sent").then(super::now);
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq("sending"))
            .filter(outbox::claimed_by.eq(node)),
    )
    .set((
        outbox::status.eq(status),
        outbox::next_attempt_at.eq(next_attempt_at),
        outbox::last_error.eq(error),
        outbox::provider_id.eq(provider_id),
        outbox::sent_at.eq(sent_at),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Puts a dead message back in the queue with fresh attempts.
pub fn retry_dead(conn: &mut AnyConnection, id: &str) -> Result<bool, AppError> {
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq("dead")),
    )
    .set((
        outbox::status.eq("pending"),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(super::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<MessageRecord>, AppError> {
    Ok(outbox::table
        .filter(outbox::id.eq(id))
        .select(MessageRecord::as_select())
        .first(conn)
        .optional()?)
}

/// A dealer's messages, newest first, optionally by status and channel; with the total.
pub fn list(
    conn: &mut AnyConnection,
    dealer_id: &str,
    status: Option<&str>,
    channel: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<MessageRecord>, i64), AppError> {
    use crate::db::schema::tickets;
    let filtered = || {
        let mut q = outbox::table
            .inner_join(tickets::table)
            .filter(tickets::dealer_id.eq(dealer_id.to_owned()))
            .into_boxed::<crate::db::MultiBackend>();
        if let Some(s) = status {
            q = q.filter(outbox::status.eq(s.to_owned()));
        }
        if let Some(c) = channel {
            q = q.filter(outbox::channel.eq(c.to_owned()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(MessageRecord::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// A message of one of the dealer's tickets.
pub fn get_for_dealer(
    conn: &mut AnyConnection,
    dealer_id: &str,
    id: &str,
) -> Result<Option<MessageRecord>, AppError> {
    use crate::db::schema::tickets;
    Ok(outbox::table
        .inner_join(tickets::table)
        .filter(tickets::dealer_id.eq(dealer_id))
        .filter(outbox::id.eq(id))
        .select(MessageRecord::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Queryable)]
pub struct MessageRow {
    pub channel: String,
    pub recipient: String,
    pub template: String,
    /// Link codes in it are hidden by the service before anyone reads it.
    pub body_text: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
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
            outbox::created_at,
            outbox::sent_at,
        ))
        .load(conn)?)
}
