//! What the technician recommendation reads beyond the staff lists: the group's dealers with
//! their positions, and the jobs the candidates went out on lately (today's load, the site of a
//! job just finished).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{dealers, plan_crew, plans, tickets};
use crate::db::AnyConnection;
use crate::domain::plan::PlanStatus;
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;

/// A dealer of the group: id, name, position (WGS-84).
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct GroupDealer {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// The dealers of `dealer_id`'s group, itself included, by code.
pub fn group_of(conn: &mut AnyConnection, dealer_id: &str) -> Result<Vec<GroupDealer>, AppError> {
    let group: String = dealers::table
        .filter(dealers::id.eq(dealer_id))
        .select(dealers::group_id)
        .first(conn)?;
    Ok(dealers::table
        .filter(dealers::group_id.eq(group))
        .order(dealers::code.asc())
        .select((dealers::id, dealers::name, dealers::lat, dealers::lon))
        .load(conn)?)
}

/// A job a candidate went out on: the ticket's state, when it last moved, where it was.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct RecentJob {
    pub technician_id: String,
    pub ticket_id: String,
    pub status: TicketStatus,
    pub updated_at: NaiveDateTime,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// The statuses of a ticket whose crew went out (or came back).
const WENT_OUT: [TicketStatus; 6] = [
    TicketStatus::Dispatched,
    TicketStatus::OnSite,
    TicketStatus::Replanning,
    TicketStatus::Resolved,
    TicketStatus::TowedToWorkshop,
    TicketStatus::Closed,
];

/// The tickets of these dealers that moved at or after `since` and whose current plan's crew
/// holds one of `technician_ids` and went out, latest first.
pub fn recent_jobs(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    technician_ids: &[String],
    since: NaiveDateTime,
) -> Result<Vec<RecentJob>, AppError> {
    Ok(plan_crew::table
        .inner_join(plans::table.inner_join(tickets::table))
        .filter(tickets::dealer_id.eq_any(dealer_ids))
        .filter(tickets::updated_at.ge(since))
        .filter(tickets::status.eq_any(WENT_OUT))
        .filter(plans::status.ne(PlanStatus::Superseded))
        .filter(plan_crew::technician_id.eq_any(technician_ids))
        .order(tickets::updated_at.desc())
        .select((
            plan_crew::technician_id,
            tickets::id,
            tickets::status,
            tickets::updated_at,
            tickets::lat,
            tickets::lon,
        ))
        .load(conn)?)
}
