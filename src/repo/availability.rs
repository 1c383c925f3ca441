//! Who is out on which ticket (one active job per technician), the overrides leads gave, and the
//! row lock that makes two writers for the same technician go one after the other.

use diesel::prelude::*;

use crate::db::schema::{busy_overrides, plan_crew, plans, technicians, tickets};
use crate::db::AnyConnection;
use crate::domain::availability::{Engagement, CREW_ACTIVE};
use crate::domain::plan::PlanStatus;
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;

/// Technicians of `ids` on the current plan's crew of another ticket whose crew is out
/// (`CREW_ACTIVE`), with that ticket.
pub fn engagements(
    conn: &mut AnyConnection,
    ids: &[String],
    except_ticket: &str,
) -> Result<Vec<Engagement>, AppError> {
    let rows: Vec<(String, String, String, TicketStatus)> = plan_crew::table
        .inner_join(plans::table.inner_join(tickets::table))
        .filter(plan_crew::technician_id.eq_any(ids))
        // The highest version is the only one not superseded.
        .filter(plans::status.ne(PlanStatus::Superseded))
        .filter(tickets::status.eq_any(CREW_ACTIVE))
        .filter(tickets::id.ne(except_ticket))
        .order(tickets::number.asc())
        .select((
            plan_crew::technician_id,
            tickets::id,
            tickets::number,
            tickets::status,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(technician_id, ticket_id, number, status)| Engagement {
            technician_id,
            ticket_id,
            number,
            status,
        })
        .collect())
}

/// Takes the row locks of these technicians until the transaction ends (in id order, so two
/// writers never wait on each other crosswise). On PostgreSQL a second transaction for the same
/// technician waits here and then reads what the first committed; SQLite has one writer anyway.
pub fn lock_technicians(conn: &mut AnyConnection, ids: &[String]) -> Result<(), AppError> {
    let mut sorted: Vec<&String> = ids.iter().collect();
    sorted.sort();
    sorted.dedup();
    for id in sorted {
        diesel::update(technicians::table.filter(technicians::id.eq(id)))
            .set(technicians::active.eq(technicians::active))
            .execute(conn)?;
    }
    Ok(())
}

/// `(technician, other ticket, reason)` the leads gave for this ticket's crew.
pub fn overrides_of(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(busy_overrides::table
        .filter(busy_overrides::ticket_id.eq(ticket_id))
        .select((
            busy_overrides::technician_id,
            busy_overrides::other_ticket_id,
            busy_overrides::reason,
        ))
        .load(conn)?)
}

/// Records (or replaces) the override for one technician on this ticket.
pub fn save_override(
    conn: &mut AnyConnection,
    ticket_id: &str,
    technician_id: &str,
    other_ticket_id: &str,
    reason: &str,
    created_by: &str,
) -> Result<(), AppError> {
    diesel::delete(
        busy_overrides::table
            .filter(busy_overrides::ticket_id.eq(ticket_id))
            .filter(busy_overrides::technician_id.eq(technician_id)),
    )
    .execute(conn)?;
    diesel::insert_into(busy_overrides::table)
        .values((
            busy_overrides::ticket_id.eq(ticket_id),
            busy_overrides::technician_id.eq(technician_id),
            busy_overrides::other_ticket_id.eq(other_ticket_id),
            busy_overrides::reason.eq(reason),
            busy_overrides::created_by.eq(created_by),
            busy_overrides::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Names of technicians, for messages.
pub fn names(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<(String, String)>, AppError> {
    Ok(technicians::table
        .filter(technicians::id.eq_any(ids))
        .select((technicians::id, technicians::name))
        .load(conn)?)
}
