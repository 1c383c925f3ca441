//! Rescue tickets: numbering, insert, lookup and the filtered, paged list.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{ticket_counters, tickets, users};
use crate::db::{AnyConnection, MultiBackend};
use crate::domain::location::{Coordinates, Crs};
use crate::domain::ticket::TicketStatus;
use crate::error::{AppError, ErrorCode};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = tickets)]
pub struct TicketRecord {
    pub id: String,
    pub dealer_id: String,
    pub number: String,
    pub status: TicketStatus,
    pub call_time: NaiveDateTime,
    pub customer_name: String,
    pub phone: String,
    pub address: String,
    /// WGS-84; `None` while the location is pending (see [`TicketRecord::site`]).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub source_crs: String,
    pub plate: String,
    pub model: String,
    pub vin: Option<String>,
    pub mileage_km: i32,
    pub fault: String,
    pub repaired_elsewhere: bool,
    pub repaired_elsewhere_note: Option<String>,
    pub response_level: i32,
    pub vehicle_id: Option<String>,
    pub customer_id: Option<String>,
    pub created_by: String,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    pub cancel_reason: Option<String>,
    pub expected_arrival_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub crew_on_site: bool,
    /// The caller could not say where they are; the customer's phone has not sent its position yet.
    pub location_pending: bool,
}

impl TicketRecord {
    /// The breakdown site. Everything that measures a distance asks here, so a
    /// ticket still waiting for the customer's position answers `location_pending`
    /// (409) with a message saying what to wait for, instead of a made-up distance.
    pub fn site(&self) -> Result<Coordinates, AppError> {
        match (self.lat, self.lon) {
            (Some(lat), Some(lon)) => {
                Coordinates::parse(lat, lon, Crs::Wgs84).map_err(AppError::internal)
            }
            _ => Err(location_pending()),
        }
    }
}

/// The refusal of a step that needs the breakdown site while it is not known yet.
pub fn location_pending() -> AppError {
    AppError::msg(ErrorCode::LocationPending, "svc-location-pending", &[])
}

/// Next sequence number of a dealer's day. The upsert is one atomic statement on
/// both databases, so concurrent intakes (several nodes included) never share a
/// number; the row lock it takes is held until the intake commits.
pub fn next_sequence(
    conn: &mut AnyConnection,
    dealer_id: &str,
    day: NaiveDate,
) -> Result<i32, AppError> {
    use diesel::upsert::excluded;
    let day = day.format("%Y%m%d").to_string();
    let row = (
        ticket_counters::dealer_id.eq(dealer_id),
        ticket_counters::day.eq(&day),
        ticket_counters::last_seq.eq(1),
    );
    // MultiConnection has no ON CONFLICT, so this is the one place that matches
    // the backend; the statement is the same text on both.
    let seq = match conn {
        AnyConnection::Sqlite(c) => diesel::insert_into(ticket_counters::table)
            .values(row)
            .on_conflict((ticket_counters::dealer_id, ticket_counters::day))
            .do_update()
            .set(
                ticket_counters::last_seq
                    .eq(ticket_counters::last_seq + excluded(ticket_counters::last_seq)),
            )
            .returning(ticket_counters::last_seq)
            .get_result(c)?,
        AnyConnection::Postgresql(c) => diesel::insert_into(ticket_counters::table)
            .values(row)
            .on_conflict((ticket_counters::dealer_id, ticket_counters::day))
            .do_update()
            .set(
                ticket_counters::last_seq
                    .eq(ticket_counters::last_seq + excluded(ticket_counters::last_seq)),
            )
            .returning(ticket_counters::last_seq)
            .get_result(c)?,
    };
    Ok(seq)
}

pub fn insert(
    conn: &mut AnyConnection,
    record: &TicketRecord,
) -> Result<(), diesel::result::Error> {
    diesel::insert_into(tickets::table)
        .values(record)
        .execute(conn)
        .map(|_| ())
}

/// (ticket id, request hash) of an earlier intake with this idempotency key.
pub fn by_idempotency_key(
    conn: &mut AnyConnection,
    dealer_id: &str,
    key: &str,
) -> Result<Option<(String, Option<String>)>, AppError> {
    Ok(tickets::table
        .filter(tickets::dealer_id.eq(dealer_id))
        .filter(tickets::idempotency_key.eq(key))
        .select((tickets::id, tickets::request_hash))
        .first(conn)
        .optional()?)
}

/// A ticket of the given dealer; other dealers' tickets are "not found", not "forbidden",
/// so ids do not reveal that a ticket exists elsewhere. An actor comes through
/// `services::common::find`, which also lets in a sister dealer's technician on the crew.
pub fn get(
    conn: &mut AnyConnection,
    dealer_id: &str,
    id: &str,
) -> Result<Option<(TicketRecord, String, String)>, AppError> {
    Ok(tickets::table
        .inner_join(users::table)
        .filter(tickets::dealer_id.eq(dealer_id))
        .filter(tickets::id.eq(id))
        .select((TicketRecord::as_select(), users::login, users::name))
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub plate: Option<String>,
    pub phone: Option<String>,
}

fn filtered<'a>(dealer_id: &'a str, f: &'a TicketFilter) -> tickets::BoxedQuery<'a, MultiBackend> {
    let mut q = tickets::table
        .filter(tickets::dealer_id.eq(dealer_id))
        .into_boxed();
    if let Some(status) = f.status {
        q = q.filter(tickets::status.eq(status.as_str()));
    }
    if let Some(from) = f.from {
        q = q.filter(tickets::call_time.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(tickets::call_time.lt(to));
    }
    if let Some(plate) = &f.plate {
        q = q.filter(tickets::plate.eq(plate));
    }
    if let Some(phone) = &f.phone {
        q = q.filter(tickets::phone.eq(phone));
    }
    q
}

/// One page of tickets, newest call first, and the total matching.
pub fn list(
    conn: &mut AnyConnection,
    dealer_id: &str,
    filter: &TicketFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<TicketRecord>, i64), AppError> {
    let total: i64 = filtered(dealer_id, filter).count().get_result(conn)?;
    let rows = filtered(dealer_id, filter)
        .order((tickets::call_time.desc(), tickets::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(TicketRecord::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Moves a ticket from `expected` to `to`; false when someone else moved it first.
/// The `WHERE status = expected` makes the check and the write one atomic step on
/// both databases and across nodes.
pub fn set_status(
    conn: &mut AnyConnection,
    id: &str,
    expected: TicketStatus,
    to: TicketStatus,
    crew_on_site: bool,
) -> Result<bool, AppError> {
    let n = diesel::update(
        tickets::table
            .filter(tickets::id.eq(id))
            .filter(tickets::status.eq(expected)),
    )
    .set((
        tickets::status.eq(to),
        tickets::crew_on_site.eq(crew_on_site),
        tickets::updated_at.eq(super::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn set_expected_arrival(
    conn: &mut AnyConnection,
    id: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(tickets::table.filter(tickets::id.eq(id)))
        .set(tickets::expected_arrival_at.eq(at))
        .execute(conn)?;
    Ok(())
}

pub fn set_cancel_reason(conn: &mut AnyConnection, id: &str, reason: &str) -> Result<(), AppError> {
    diesel::update(tickets::table.filter(tickets::id.eq(id)))
        .set(tickets::cancel_reason.eq(reason))
        .execute(conn)?;
    Ok(())
}

/// Tickets of a dealer in any of the given states, oldest call first (work queues).
pub fn in_states(
    conn: &mut AnyConnection,
    dealer_id: &str,
    states: &[TicketStatus],
) -> Result<Vec<TicketRecord>, AppError> {
    Ok(tickets::table
        .filter(tickets::dealer_id.eq(dealer_id))
        .filter(tickets::status.eq_any(states))
        .order(tickets::call_time.asc())
        .limit(200)
        .select(TicketRecord::as_select())
        .load(conn)?)
}

/// The dealer a ticket belongs to (for link holders, who are not staff of any dealer).
pub fn dealer_of(conn: &mut AnyConnection, id: &str) -> Result<String, AppError> {
    Ok(tickets::table
        .filter(tickets::id.eq(id))
        .select(tickets::dealer_id)
        .first(conn)?)
}

/// A ticket by id alone; only for callers that proved access another way (a signed link).
pub fn by_id(conn: &mut AnyConnection, id: &str) -> Result<TicketRecord, AppError> {
    Ok(tickets::table
        .filter(tickets::id.eq(id))
        .select(TicketRecord::as_select())
        .first(conn)?)
}

/// Fills a pending ticket's coordinates (WGS-84) and clears the flag; false when
/// the ticket was not pending (its position is known already and stays as it is).
pub fn fill_pending_location(
    conn: &mut AnyConnection,
    id: &str,
    lat: f64,
    lon: f64,
) -> Result<bool, AppError> {
    let n = diesel::update(
        tickets::table
            .filter(tickets::id.eq(id))
            .filter(tickets::location_pending.eq(true)),
    )
    .set((
        tickets::lat.eq(Some(lat)),
        tickets::lon.eq(Some(lon)),
        tickets::source_crs.eq("wgs84"),
        tickets::location_pending.eq(false),
        tickets::updated_at.eq(super::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// (id, number) of the dealer's tickets for this plate in any of the given (open)
/// states, newest call first: intake warns about a second ticket for the same car.
pub fn for_plate_in_states(
    conn: &mut AnyConnection,
    dealer_id: &str,
    plate: &str,
    states: &[TicketStatus],
) -> Result<Vec<(String, String)>, AppError> {
    Ok(tickets::table
        .filter(tickets::dealer_id.eq(dealer_id))
        .filter(tickets::plate.eq(plate))
        .filter(tickets::status.eq_any(states))
        .order(tickets::call_time.desc())
        .limit(5)
        .select((tickets::id, tickets::number))
        .load(conn)?)
}
