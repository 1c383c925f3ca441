//! Reads of the dispatch board: the dealers it covers, their open tickets (bounded), how many
//! there are, the sister dealers' tickets their technicians are lent to, and the crews of the
//! tickets whose crew is out.

use diesel::prelude::*;

use crate::db::schema::{dealers, plan_crew, plans, technicians, tickets};
use crate::db::AnyConnection;
use crate::domain::plan::PlanStatus;
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::repo::tickets::TicketRecord;

/// A dealer on the board's map (WGS-84).
#[derive(Debug, Clone, Queryable)]
pub struct DealerPoint {
    pub id: String,
    pub name: String,
    pub city: String,
    pub lat: f64,
    pub lon: f64,
}

/// The dealers of a group, by code; or the one dealer when `group_id` is `None`.
pub fn dealers(
    conn: &mut AnyConnection,
    group_id: Option<&str>,
    dealer_id: &str,
) -> Result<Vec<DealerPoint>, AppError> {
    let q = dealers::table
        .select((
            dealers::id,
            dealers::name,
            dealers::city,
            dealers::lat,
            dealers::lon,
        ))
        .order(dealers::code)
        .into_boxed();
    let q = match group_id {
        Some(group) => q.filter(dealers::group_id.eq(group.to_owned())),
        None => q.filter(dealers::id.eq(dealer_id.to_owned())),
    };
    Ok(q.load(conn)?)
}

/// How many tickets of these dealers are in each of `states`, and with the crew on site:
/// (status, crew on site, count).
pub fn counts(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    states: &[TicketStatus],
) -> Result<Vec<(TicketStatus, bool, i64)>, AppError> {
    Ok(tickets::table
        .filter(tickets::dealer_id.eq_any(dealer_ids))
        .filter(tickets::status.eq_any(states))
        .group_by((tickets::status, tickets::crew_on_site))
        .select((
            tickets::status,
            tickets::crew_on_site,
            diesel::dsl::count_star(),
        ))
        .load(conn)?)
}

/// At most `limit` tickets of these dealers in `states`, the oldest calls first (they are the
/// nearest to their promises; the caller sorts by urgency).
pub fn open_tickets(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    states: &[TicketStatus],
    limit: i64,
) -> Result<Vec<TicketRecord>, AppError> {
    Ok(tickets::table
        .filter(tickets::dealer_id.eq_any(dealer_ids))
        .filter(tickets::status.eq_any(states))
        .order((tickets::call_time.asc(), tickets::id.asc()))
        .limit(limit)
        .select(TicketRecord::as_select())
        .load(conn)?)
}

/// At most `limit` tickets in `states` of the other dealers of `group_id` whose current (not
/// superseded) plan has a technician of `dealer_ids` on the crew (lent to the sister's rescue:
/// the plan that lets them open the ticket, also a draft while the crew waits on site for a
/// revised one), the oldest calls first, each with its dealer's name. None of `dealer_ids`'
/// own: a ticket is on a board once.
pub fn lent_tickets(
    conn: &mut AnyConnection,
    group_id: &str,
    dealer_ids: &[String],
    states: &[TicketStatus],
    limit: i64,
) -> Result<Vec<(TicketRecord, String)>, AppError> {
    let ours = plan_crew::table
        .inner_join(plans::table)
        .inner_join(technicians::table)
        .filter(plans::status.ne(PlanStatus::Superseded))
        .filter(technicians::dealer_id.eq_any(dealer_ids.to_vec()))
        .select(plans::ticket_id);
    Ok(tickets::table
        .inner_join(dealers::table)
        .filter(dealers::group_id.eq(group_id))
        .filter(diesel::dsl::not(tickets::dealer_id.eq_any(dealer_ids)))
        .filter(tickets::status.eq_any(states))
        .filter(tickets::id.eq_any(ours))
        .order((tickets::call_time.asc(), tickets::id.asc()))
        .limit(limit)
        .select((TicketRecord::as_select(), dealers::name))
        .load(conn)?)
}

/// The crew of each ticket's live (submitted) plan: (ticket id, technician name, is lead).
pub fn crews(
    conn: &mut AnyConnection,
    ticket_ids: &[&str],
) -> Result<Vec<(String, String, bool)>, AppError> {
    Ok(plan_crew::table
        .inner_join(plans::table)
        .inner_join(technicians::table)
        .filter(plans::ticket_id.eq_any(ticket_ids))
        .filter(plans::status.eq(PlanStatus::Submitted))
        .order((
            plans::ticket_id,
            plan_crew::is_lead.desc(),
            technicians::name,
        ))
        .select((plans::ticket_id, technicians::name, plan_crew::is_lead))
        .load(conn)?)
}

/// Runs `f` in one read-only transaction that sees one snapshot: the counts, the tickets and
/// their promises of a board agree even while calls come in. (PostgreSQL's default isolation
/// takes a new snapshot per statement; a SQLite transaction reads one snapshot already.)
pub fn snapshot<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    conn.transaction(|conn| {
        if let AnyConnection::Postgresql(_) = conn {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(conn)?;
        }
        f(conn)
    })
}
