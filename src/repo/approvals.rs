//! Approval-chain records (review, consent, director) and the parts handed out against a plan.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{approvals, part_issues, parts, technicians, users};
use crate::db::AnyConnection;
use crate::domain::approval::{ApprovalStep, Decision};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable)]
pub struct ApprovalRow {
    pub id: String,
    pub plan_id: String,
    pub plan_version: i32,
    pub step: ApprovalStep,
    pub decision: Decision,
    pub actor_name: String,
    pub reason: Option<String>,
    /// What the customer was told, exactly (consent only), as JSON text.
    pub told_values: Option<String>,
    pub created_at: NaiveDateTime,
    pub voided_at: Option<NaiveDateTime>,
    pub void_reason: Option<String>,
}

pub struct NewApproval<'a> {
    pub ticket_id: &'a str,
    pub plan_id: &'a str,
    pub step: ApprovalStep,
    pub decision: Decision,
    pub actor_id: &'a str,
    pub reason: Option<&'a str>,
    pub told_values: Option<String>,
}

pub fn insert(conn: &mut AnyConnection, a: NewApproval<'_>) -> Result<(), AppError> {
    diesel::insert_into(approvals::table)
        .values((
            approvals::id.eq(super::new_id()),
            approvals::ticket_id.eq(a.ticket_id),
            approvals::plan_id.eq(a.plan_id),
            approvals::step.eq(a.step),
            approvals::decision.eq(a.decision),
            approvals::actor_id.eq(a.actor_id),
            approvals::reason.eq(a.reason),
            approvals::told_values.eq(a.told_values),
            approvals::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A new plan version makes earlier consent and approvals worthless; they stay visible, voided.
pub fn void_for_ticket(
    conn: &mut AnyConnection,
    ticket_id: &str,
    reason: &str,
) -> Result<usize, AppError> {
    Ok(diesel::update(
        approvals::table
            .filter(approvals::ticket_id.eq(ticket_id))
            .filter(approvals::voided_at.is_null()),
    )
    .set((
        approvals::voided_at.eq(super::now()),
        approvals::void_reason.eq(reason),
    ))
    .execute(conn)?)
}

/// Whether the director approved exactly this plan version and it still stands.
pub fn director_approved(conn: &mut AnyConnection, plan_id: &str) -> Result<bool, AppError> {
    let n: i64 = approvals::table
        .filter(approvals::plan_id.eq(plan_id))
        .filter(approvals::step.eq(ApprovalStep::Director))
        .filter(approvals::decision.eq(Decision::Approved))
        .filter(approvals::voided_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn for_ticket(conn: &mut AnyConnection, ticket_id: &str) -> Result<Vec<ApprovalRow>, AppError> {
    use crate::db::schema::plans;
    Ok(approvals::table
        .inner_join(users::table)
        .inner_join(plans::table)
        .filter(approvals::ticket_id.eq(ticket_id))
        .order((approvals::created_at.asc(), approvals::id.asc()))
        .select((
            approvals::id,
            approvals::plan_id,
            plans::version,
            approvals::step,
            approvals::decision,
            users::name,
            approvals::reason,
            approvals::told_values,
            approvals::created_at,
            approvals::voided_at,
            approvals::void_reason,
        ))
        .load(conn)?)
}

#[derive(Debug, Clone, Queryable)]
pub struct IssueRow {
    pub part_id: String,
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    /// Positive: handed out; negative: returned to stock.
    pub quantity: i32,
    pub plan_id: String,
    pub issued_by: String,
    /// The technician who took the parts (the rescue lead, unless someone else came to the desk).
    pub received_by: Option<String>,
    pub created_at: NaiveDateTime,
}

pub struct NewIssue<'a> {
    pub ticket_id: &'a str,
    pub plan_id: &'a str,
    pub part_id: &'a str,
    pub dealer_id: &'a str,
    pub quantity: i32,
    pub issued_by: &'a str,
    pub received_by: Option<&'a str>,
}

pub fn insert_issue(conn: &mut AnyConnection, i: NewIssue<'_>) -> Result<(), AppError> {
    diesel::insert_into(part_issues::table)
        .values((
            part_issues::id.eq(super::new_id()),
            part_issues::ticket_id.eq(i.ticket_id),
            part_issues::plan_id.eq(i.plan_id),
            part_issues::part_id.eq(i.part_id),
            part_issues::dealer_id.eq(i.dealer_id),
            part_issues::quantity.eq(i.quantity),
            part_issues::issued_by.eq(i.issued_by),
            part_issues::received_by.eq(i.received_by),
            part_issues::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn issues_for_ticket(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Vec<IssueRow>, AppError> {
    Ok(part_issues::table
        .inner_join(parts::table)
        .inner_join(users::table)
        .left_join(technicians::table)
        .filter(part_issues::ticket_id.eq(ticket_id))
        .order((part_issues::created_at.asc(), part_issues::id.asc()))
        .select((
            part_issues::part_id,
            parts::part_no,
            parts::name_zh,
            parts::name_en,
            part_issues::quantity,
            part_issues::plan_id,
            users::name,
            technicians::name.nullable(),
            part_issues::created_at,
        ))
        .load(conn)?)
}

/// Net quantity handed out per part (issued minus returned) for a ticket.
pub fn net_issued(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Vec<(String, i32)>, AppError> {
    let rows: Vec<(String, i32)> = part_issues::table
        .filter(part_issues::ticket_id.eq(ticket_id))
        .select((part_issues::part_id, part_issues::quantity))
        .load(conn)?;
    let mut net: Vec<(String, i32)> = Vec::new();
    for (part, q) in rows {
        match net.iter_mut().find(|(p, _)| *p == part) {
            Some((_, n)) => *n += q,
            None => net.push((part, q)),
        }
    }
    Ok(net)
}

/// Who handed out the ticket's parts first; returns through a job link are booked to them.
pub fn first_issuer(conn: &mut AnyConnection, ticket_id: &str) -> Result<Option<String>, AppError> {
    Ok(part_issues::table
        .filter(part_issues::ticket_id.eq(ticket_id))
        .order(part_issues::created_at.asc())
        .select(part_issues::issued_by)
        .first(conn)
        .optional()?)
}
