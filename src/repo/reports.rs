//! What the monthly report reads: the dealers' tickets called in a period, and for a batch of
//! them their breaches, the follow-up scores and the complaint counts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{complaints, follow_ups, sla_alerts, tickets};
use crate::db::AnyConnection;
use crate::domain::follow_up::FollowUpStatus;
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;

/// (id, response level, status, call time) of the tickets of these dealers called in
/// `[from, to)`, by call time.
pub fn tickets_called(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> Result<Vec<(String, i32, TicketStatus, NaiveDateTime)>, AppError> {
    Ok(tickets::table
        .filter(tickets::dealer_id.eq_any(dealer_ids))
        .filter(tickets::call_time.ge(from))
        .filter(tickets::call_time.lt(to))
        .order((tickets::call_time.asc(), tickets::id.asc()))
        .limit(limit)
        .select((
            tickets::id,
            tickets::response_level,
            tickets::status,
            tickets::call_time,
        ))
        .load(conn)?)
}

/// (ticket, stage) of the breaches recorded for these tickets.
pub fn breaches(
    conn: &mut AnyConnection,
    ticket_ids: &[&str],
) -> Result<Vec<(String, String)>, AppError> {
    Ok(sla_alerts::table
        .filter(sla_alerts::ticket_id.eq_any(ticket_ids))
        .filter(sla_alerts::kind.eq("breach"))
        .select((sla_alerts::ticket_id, sla_alerts::stage))
        .load(conn)?)
}

/// (ticket, score) of the answered follow-up calls of these tickets.
pub fn scores(
    conn: &mut AnyConnection,
    ticket_ids: &[&str],
) -> Result<Vec<(String, Option<i32>)>, AppError> {
    Ok(follow_ups::table
        .filter(follow_ups::ticket_id.eq_any(ticket_ids))
        .filter(follow_ups::status.eq(FollowUpStatus::Done))
        .select((follow_ups::ticket_id, follow_ups::score))
        .load(conn)?)
}

/// The ticket of each complaint about these tickets (one entry per complaint).
pub fn complaints(conn: &mut AnyConnection, ticket_ids: &[&str]) -> Result<Vec<String>, AppError> {
    Ok(complaints::table
        .filter(complaints::ticket_id.eq_any(ticket_ids))
        .select(complaints::ticket_id)
        .load(conn)?)
}

/// (ticket, plan id, version, total fen) of the submitted plans of these tickets.
pub fn submitted_plans(
    conn: &mut AnyConnection,
    ticket_ids: &[&str],
) -> Result<Vec<(String, String, i32, i64)>, AppError> {
    use crate::db::schema::plans;
    Ok(plans::table
        .filter(plans::ticket_id.eq_any(ticket_ids))
        .filter(plans::status.eq(crate::domain::plan::PlanStatus::Submitted))
        .select((
            plans::ticket_id,
            plans::id,
            plans::version,
            plans::total_fen,
        ))
        .load(conn)?)
}

/// (plan, technician) of these plans' crews.
pub fn crews(
    conn: &mut AnyConnection,
    plan_ids: &[&str],
) -> Result<Vec<(String, String)>, AppError> {
    use crate::db::schema::plan_crew;
    Ok(plan_crew::table
        .filter(plan_crew::plan_id.eq_any(plan_ids))
        .select((plan_crew::plan_id, plan_crew::technician_id))
        .load(conn)?)
}

/// A sourcing order of the report's tickets, with its part.
#[derive(Debug, Clone, Queryable)]
pub struct OrderRow {
    pub ticket_id: String,
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: crate::domain::sourcing::SourcingKind,
    pub mode: crate::domain::sourcing::ShippingMode,
    pub quantity: i32,
    pub cost_fen: i64,
    pub created_at: NaiveDateTime,
    pub placed_at: Option<NaiveDateTime>,
    pub received_at: Option<NaiveDateTime>,
}

/// The sourcing orders of these tickets that were not cancelled.
pub fn orders(conn: &mut AnyConnection, ticket_ids: &[&str]) -> Result<Vec<OrderRow>, AppError> {
    use crate::db::schema::{parts, sourcing_orders};
    Ok(sourcing_orders::table
        .inner_join(parts::table)
        .filter(sourcing_orders::ticket_id.eq_any(ticket_ids))
        .filter(sourcing_orders::cancelled_at.is_null())
        .select((
            sourcing_orders::ticket_id,
            parts::part_no,
            parts::name_zh,
            parts::name_en,
            sourcing_orders::kind,
            sourcing_orders::mode,
            sourcing_orders::quantity,
            sourcing_orders::cost_fen,
            sourcing_orders::created_at,
            sourcing_orders::placed_at,
            sourcing_orders::received_at,
        ))
        .load(conn)?)
}
