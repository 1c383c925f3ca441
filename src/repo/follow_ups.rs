//! Follow-up calls and complaints: one follow-up per finished rescue (the unique ticket id
//! decides, on every node), the agents' queue, guarded updates so two agents recording the same
//! call cannot both win, and the complaint cases with their steps.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{complaint_steps, complaints, follow_ups, tickets, users};
use crate::db::AnyConnection;
use crate::domain::follow_up::{ComplaintStatus, FollowUpStatus};
use crate::error::AppError;
use crate::repo::tickets::TicketRecord;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = follow_ups)]
pub struct FollowUpRecord {
    pub id: String,
    pub ticket_id: String,
    pub dealer_id: String,
    pub status: FollowUpStatus,
    /// When the rescue ended (resolved or towed): the due time counts from it.
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_try_at: Option<NaiveDateTime>,
    pub score: Option<i32>,
    pub comment: Option<String>,
    /// The agent who recorded the answer (or the last call nobody answered); none when the
    /// customer rated on their status link.
    pub done_by: Option<String>,
    pub done_at: Option<NaiveDateTime>,
    /// The customer answered themself, on their status link.
    pub by_customer: bool,
}

/// Opens the follow-up of a rescue that just ended, unless it has one (a ticket towed and then
/// closed gets one call). True when this call made it.
pub fn open_for(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let row = (
        follow_ups::id.eq(super::new_id()),
        follow_ups::ticket_id.eq(&ticket.id),
        follow_ups::dealer_id.eq(&ticket.dealer_id),
        follow_ups::status.eq(FollowUpStatus::Open),
        follow_ups::created_at.eq(now),
        follow_ups::attempts.eq(0),
    );
    let n = match conn {
        AnyConnection::Sqlite(c) => diesel::insert_into(follow_ups::table)
            .values(row)
            .on_conflict(follow_ups::ticket_id)
            .do_nothing()
            .execute(c)?,
        AnyConnection::Postgresql(c) => diesel::insert_into(follow_ups::table)
            .values(row)
            .on_conflict(follow_ups::ticket_id)
            .do_nothing()
            .execute(c)?,
    };
    Ok(n == 1)
}

/// A page of the dealer's open follow-ups with their tickets, the earliest due first (the rescue
/// that ended first), and how many there are in all.
pub fn open_of_dealer(
    conn: &mut AnyConnection,
    dealer_id: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(FollowUpRecord, TicketRecord)>, i64), AppError> {
    let total = follow_ups::table
        .filter(follow_ups::dealer_id.eq(dealer_id))
        .filter(follow_ups::status.eq(FollowUpStatus::Open))
        .count()
        .get_result(conn)?;
    let rows = follow_ups::table
        .inner_join(tickets::table)
        .filter(follow_ups::dealer_id.eq(dealer_id))
        .filter(follow_ups::status.eq(FollowUpStatus::Open))
        .order((follow_ups::created_at.asc(), follow_ups::id.asc()))
        .limit(limit)
        .offset(offset)
        .select((FollowUpRecord::as_select(), TicketRecord::as_select()))
        .load(conn)?;
    Ok((rows, total))
}

/// A follow-up of the dealer, with its ticket.
pub fn get(
    conn: &mut AnyConnection,
    dealer_id: &str,
    id: &str,
) -> Result<Option<(FollowUpRecord, TicketRecord)>, AppError> {
    Ok(follow_ups::table
        .inner_join(tickets::table)
        .filter(follow_ups::dealer_id.eq(dealer_id))
        .filter(follow_ups::id.eq(id))
        .select((FollowUpRecord::as_select(), TicketRecord::as_select()))
        .first(conn)
        .optional()?)
}

/// The follow-up of a ticket, if it has one.
pub fn of_ticket(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Option<FollowUpRecord>, AppError> {
    Ok(follow_ups::table
        .filter(follow_ups::ticket_id.eq(ticket_id))
        .select(FollowUpRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Who recorded an answer: the agent's user, or the customer on their link (no user).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsweredBy<'a> {
    Agent(&'a str),
    Customer,
}

/// Records the customer's answer if the follow-up is still open with `attempts` tries: false
/// when someone else recorded it first.
pub fn record_answer(
    conn: &mut AnyConnection,
    id: &str,
    attempts: i32,
    score: i32,
    comment: Option<&str>,
    by: AnsweredBy<'_>,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let (done_by, by_customer) = match by {
        AnsweredBy::Agent(user) => (Some(user), false),
        AnsweredBy::Customer => (None, true),
    };
    let n = diesel::update(
        follow_ups::table
            .filter(follow_ups::id.eq(id))
            .filter(follow_ups::status.eq(FollowUpStatus::Open))
            .filter(follow_ups::attempts.eq(attempts)),
    )
    .set((
        follow_ups::status.eq(FollowUpStatus::Done),
        follow_ups::attempts.eq(attempts + 1),
        follow_ups::score.eq(Some(score)),
        follow_ups::comment.eq(comment),
        follow_ups::done_by.eq(done_by),
        follow_ups::by_customer.eq(by_customer),
        follow_ups::done_at.eq(Some(now)),
        follow_ups::next_try_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records a call nobody answered (guarded like [`record_answer`]): tried again at `next`, or
/// closed as unreached when `next` is none.
pub fn record_no_answer(
    conn: &mut AnyConnection,
    id: &str,
    attempts: i32,
    next: Option<NaiveDateTime>,
    by: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let (status, done_by, done_at) = match next {
        Some(_) => (FollowUpStatus::Open, None, None),
        None => (FollowUpStatus::Unreached, Some(by), Some(now)),
    };
    let n = diesel::update(
        follow_ups::table
            .filter(follow_ups::id.eq(id))
            .filter(follow_ups::status.eq(FollowUpStatus::Open))
            .filter(follow_ups::attempts.eq(attempts)),
    )
    .set((
        follow_ups::status.eq(status),
        follow_ups::attempts.eq(attempts + 1),
        follow_ups::next_try_at.eq(next),
        follow_ups::done_by.eq(done_by),
        follow_ups::done_at.eq(done_at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = complaints)]
pub struct ComplaintRecord {
    pub id: String,
    pub ticket_id: String,
    pub dealer_id: String,
    pub follow_up_id: Option<String>,
    pub status: ComplaintStatus,
    pub summary: String,
    pub owner_id: Option<String>,
    /// None: opened by the customer's own low score on their status link.
    pub opened_by: Option<String>,
    pub opened_at: NaiveDateTime,
    pub escalated_at: Option<NaiveDateTime>,
    pub closed_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub closing_note: Option<String>,
}

/// A complaint about to be opened.
pub struct NewComplaint<'a> {
    pub ticket: &'a TicketRecord,
    pub follow_up_id: Option<&'a str>,
    pub summary: &'a str,
    pub owner_id: Option<&'a str>,
    /// None: the customer's low score on their status link opened it.
    pub opened_by: Option<&'a str>,
    pub at: NaiveDateTime,
}

pub fn open_complaint(conn: &mut AnyConnection, c: &NewComplaint<'_>) -> Result<String, AppError> {
    let id = super::new_id();
    diesel::insert_into(complaints::table)
        .values((
            complaints::id.eq(&id),
            complaints::ticket_id.eq(&c.ticket.id),
            complaints::dealer_id.eq(&c.ticket.dealer_id),
            complaints::follow_up_id.eq(c.follow_up_id),
            complaints::status.eq(ComplaintStatus::Open),
            complaints::summary.eq(c.summary),
            complaints::owner_id.eq(c.owner_id),
            complaints::opened_by.eq(c.opened_by),
            complaints::opened_at.eq(c.at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A complaint of one of these dealers (every dealer: `None`, the timer's view) with its ticket.
pub fn complaint(
    conn: &mut AnyConnection,
    dealer_ids: Option<&[String]>,
    id: &str,
) -> Result<Option<(ComplaintRecord, TicketRecord)>, AppError> {
    let mut q = complaints::table
        .inner_join(tickets::table)
        .filter(complaints::id.eq(id))
        .select((ComplaintRecord::as_select(), TicketRecord::as_select()))
        .into_boxed();
    if let Some(ids) = dealer_ids {
        q = q.filter(complaints::dealer_id.eq_any(ids.to_vec()));
    }
    Ok(q.first(conn).optional()?)
}

/// A page of the dealers' complaints in `status` (open: the oldest first; closed: the latest
/// first), with their tickets, and how many there are in all.
pub fn complaints_of(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    status: ComplaintStatus,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(ComplaintRecord, TicketRecord)>, i64), AppError> {
    let total = complaints::table
        .filter(complaints::dealer_id.eq_any(dealer_ids))
        .filter(complaints::status.eq(status))
        .count()
        .get_result(conn)?;
    let q = complaints::table
        .inner_join(tickets::table)
        .filter(complaints::dealer_id.eq_any(dealer_ids))
        .filter(complaints::status.eq(status))
        .select((ComplaintRecord::as_select(), TicketRecord::as_select()))
        .limit(limit)
        .offset(offset);
    let rows = match status {
        ComplaintStatus::Open => q
            .order((complaints::opened_at.asc(), complaints::id.asc()))
            .load(conn)?,
        ComplaintStatus::Closed => q
            .order((complaints::closed_at.desc(), complaints::id.asc()))
            .load(conn)?,
    };
    Ok((rows, total))
}

/// The complaints of a ticket, the latest first.
pub fn complaints_of_ticket(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Vec<ComplaintRecord>, AppError> {
    Ok(complaints::table
        .filter(complaints::ticket_id.eq(ticket_id))
        .order(complaints::opened_at.desc())
        .select(ComplaintRecord::as_select())
        .load(conn)?)
}

/// A step taken on a complaint: (note, who by name, when), in order.
pub fn steps(
    conn: &mut AnyConnection,
    complaint_id: &str,
) -> Result<Vec<(String, String, NaiveDateTime)>, AppError> {
    Ok(complaint_steps::table
        .inner_join(users::table)
        .filter(complaint_steps::complaint_id.eq(complaint_id))
        .order((complaint_steps::taken_at.asc(), complaint_steps::id.asc()))
        .select((
            complaint_steps::note,
            users::name,
            complaint_steps::taken_at,
        ))
        .load(conn)?)
}

pub fn add_step(
    conn: &mut AnyConnection,
    complaint_id: &str,
    note: &str,
    by: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(complaint_steps::table)
        .values((
            complaint_steps::id.eq(super::new_id()),
            complaint_steps::complaint_id.eq(complaint_id),
            complaint_steps::note.eq(note),
            complaint_steps::taken_by.eq(by),
            complaint_steps::taken_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Closes an open complaint: false when it was closed already.
pub fn close(
    conn: &mut AnyConnection,
    id: &str,
    note: &str,
    by: &str,
    at: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        complaints::table
            .filter(complaints::id.eq(id))
            .filter(complaints::status.eq(ComplaintStatus::Open)),
    )
    .set((
        complaints::status.eq(ComplaintStatus::Closed),
        complaints::closed_by.eq(Some(by)),
        complaints::closed_at.eq(Some(at)),
        complaints::closing_note.eq(Some(note)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Open complaints of every dealer opened at or before `before` and not escalated yet, the
/// oldest first: the timer's work.
pub fn overdue(
    conn: &mut AnyConnection,
    before: NaiveDateTime,
    limit: i64,
) -> Result<Vec<(ComplaintRecord, TicketRecord)>, AppError> {
    Ok(complaints::table
        .inner_join(tickets::table)
        .filter(complaints::status.eq(ComplaintStatus::Open))
        .filter(complaints::escalated_at.is_null())
        .filter(complaints::opened_at.le(before))
        .order(complaints::opened_at.asc())
        .limit(limit)
        .select((ComplaintRecord::as_select(), TicketRecord::as_select()))
        .load(conn)?)
}

/// Marks an open complaint escalated unless it is already: true for the one caller that did.
pub fn mark_escalated(
    conn: &mut AnyConnection,
    id: &str,
    at: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        complaints::table
            .filter(complaints::id.eq(id))
            .filter(complaints::status.eq(ComplaintStatus::Open))
            .filter(complaints::escalated_at.is_null()),
    )
    .set(complaints::escalated_at.eq(Some(at)))
    .execute(conn)?;
    Ok(n == 1)
}

/// How many complaints of these dealers are open.
pub fn open_count(conn: &mut AnyConnection, dealer_ids: &[String]) -> Result<i64, AppError> {
    Ok(complaints::table
        .filter(complaints::dealer_id.eq_any(dealer_ids))
        .filter(complaints::status.eq(ComplaintStatus::Open))
        .count()
        .get_result(conn)?)
}
