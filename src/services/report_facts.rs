//! What a rescue gives the monthly report that no longer changes once it is over: its outcome,
//! when each stage was reached, the mismatch, the plan of record and its cost. Read from the
//! audit trail and the plans (for an open rescue on every report), and kept as a `rescue_facts`
//! row once it finishes: written by `services::transitions` in the finishing transaction, or by
//! the backfill for rescues loaded in bulk (the demo's past, `rescuedesk seed`) or finished
//! before the table existed. A group's year then reads one row per rescue instead of its events.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::db::{AnyConnection, Db};
use crate::domain::promise::Stage;
use crate::domain::report::Outcome;
use crate::domain::ticket::TicketStatus;
use crate::domain::workflow::Event;
use crate::error::AppError;
use crate::repo::rescue_facts::{self as repo, FactRow};

/// A ticket as the report lists it: (id, response level, status, call time).
pub(crate) type TicketRow = (String, i32, TicketStatus, NaiveDateTime);

/// Tickets read per query (SQLite binds at most 32,766 parameters; the event query binds the ids
/// and the milestone actions).
pub(crate) const BATCH: usize = 500;

/// The part of a rescue's report figures that its timeline and plans give.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fixed {
    pub outcome: Outcome,
    /// In stage order.
    pub reached: Vec<(Stage, NaiveDateTime)>,
    pub mismatch: bool,
    /// The plan of record: the latest version submitted.
    pub plan_id: Option<String>,
    pub cost_fen: Option<i64>,
}

fn outcome(status: TicketStatus, towed: bool) -> Outcome {
    match status {
        TicketStatus::Resolved => Outcome::ResolvedOnSite,
        TicketStatus::TowedToWorkshop => Outcome::Towed,
        TicketStatus::Closed if towed => Outcome::Towed,
        TicketStatus::Closed => Outcome::ResolvedOnSite,
        TicketStatus::Cancelled => Outcome::Cancelled,
        _ => Outcome::Open,
    }
}

/// Reads the fixed figures of these tickets (at most [`BATCH`]) from their events and plans, as
/// they stand at `now`.
pub(crate) fn compute(
    conn: &mut AnyConnection,
    rows: &[&TicketRow],
    now: NaiveDateTime,
) -> Result<HashMap<String, Fixed>, AppError> {
    let mismatch = Event::ReportMismatch.as_str();
    let towed = Event::TowToWorkshop.as_str();
    let mut actions: Vec<&str> = crate::services::timeline::milestone_actions().to_vec();
    actions.extend([mismatch, towed]);
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let mut events: HashMap<String, Vec<_>> = HashMap::new();
    for (t, e) in crate::repo::promises::events_for_tickets(conn, &ids, &actions)? {
        events.entry(t).or_default().push(e);
    }
    let mut plans: HashMap<String, (String, i32, i64)> = HashMap::new();
    for (t, plan, version, total) in crate::repo::reports::submitted_plans(conn, &ids)? {
        if plans.get(&t).is_none_or(|p| p.1 < version) {
            plans.insert(t, (plan, version, total));
        }
    }
    let mut out = HashMap::with_capacity(rows.len());
    for (id, _, status, call_time) in rows.iter().map(|r| &**r) {
        let evs = events.remove(id).unwrap_or_default();
        let has = |a: &str| evs.iter().any(|e| e.action == a);
        let finished = !crate::domain::intake::still_open(*status);
        let plan = plans.remove(id);
        out.insert(
            id.clone(),
            Fixed {
                outcome: outcome(*status, has(towed)),
                reached: crate::services::promises::reached(*call_time, &evs, now, finished),
                mismatch: has(mismatch),
                cost_fen: plan.as_ref().map(|p| p.2),
                plan_id: plan.map(|p| p.0),
            },
        );
    }
    Ok(out)
}

/// The stored figures of those of these tickets that are finished and have a row.
pub(crate) fn stored(
    conn: &mut AnyConnection,
    rows: &[TicketRow],
) -> Result<HashMap<String, Fixed>, AppError> {
    let ids: Vec<&str> = rows
        .iter()
        .filter(|r| !crate::domain::intake::still_open(r.2))
        .map(|r| r.0.as_str())
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(repo::for_tickets(conn, &ids)?
        .into_iter()
        .map(|r| (r.ticket_id.clone(), fixed_of(r)))
        .collect())
}

fn fixed_of(r: FactRow) -> Fixed {
    let reached = [
        (Stage::ResponseStarted, r.response_started_at),
        (Stage::Approved, r.approved_at),
        (Stage::Departed, r.departed_at),
        (Stage::OnSite, r.on_site_at),
        (Stage::Resolved, r.resolved_at),
    ]
    .into_iter()
    .filter_map(|(s, at)| Some((s, at?)))
    .collect();
    Fixed {
        outcome: r.outcome,
        reached,
        mismatch: r.mismatch,
        plan_id: r.plan_id,
        cost_fen: r.cost_fen,
    }
}

/// The row of ticket `t` of `dealer_id`.
fn row_of(dealer_id: &str, t: &TicketRow, f: Fixed, now: NaiveDateTime) -> FactRow {
    let at = |stage: Stage| f.reached.iter().find(|(s, _)| *s == stage).map(|r| r.1);
    FactRow {
        ticket_id: t.0.clone(),
        dealer_id: dealer_id.to_owned(),
        call_time: t.3,
        response_level: t.1,
        outcome: f.outcome,
        response_started_at: at(Stage::ResponseStarted),
        approved_at: at(Stage::Approved),
        departed_at: at(Stage::Departed),
        on_site_at: at(Stage::OnSite),
        resolved_at: at(Stage::Resolved),
        mismatch: f.mismatch,
        plan_id: f.plan_id,
        cost_fen: f.cost_fen,
        written_at: now,
    }
}

/// Keeps the ticket's row in step with its new status, in the transition's transaction: written
/// when it finishes (again when a towed rescue is closed), removed when it is reopened.
pub(crate) fn follow(
    conn: &mut AnyConnection,
    ticket: &crate::repo::tickets::TicketRecord,
    from: TicketStatus,
    to: TicketStatus,
) -> Result<(), AppError> {
    use crate::domain::intake::still_open;
    if still_open(to) {
        if !still_open(from) {
            repo::forget(conn, &[ticket.id.as_str()])?;
        }
        return Ok(());
    }
    let row: TicketRow = (
        ticket.id.clone(),
        ticket.response_level,
        to,
        ticket.call_time,
    );
    let now = crate::repo::now();
    let mut fixed = compute(conn, &[&row], now)?;
    let f = fixed
        .remove(&ticket.id)
        .ok_or_else(|| AppError::internal(format!("no report facts for {}", ticket.number)))?;
    repo::replace(conn, &[row_of(&ticket.dealer_id, &row, f, now)])?;
    Ok(())
}

/// The next batch of finished tickets after `after` (by id) that lack a row, as (dealer, ticket).
fn next_missing(
    conn: &mut AnyConnection,
    after: &str,
) -> Result<Vec<(String, TicketRow)>, AppError> {
    Ok(repo::missing(conn, after, BATCH as i64)?
        .into_iter()
        .map(|(id, dealer, level, status, call)| (dealer, (id, level, status, call)))
        .collect())
}

/// Writes the rows of these tickets, in the caller's transaction. Returns how many.
fn write_missing(
    conn: &mut AnyConnection,
    rows: &[(String, TicketRow)],
) -> Result<usize, AppError> {
    let now = crate::repo::now();
    let refs: Vec<&TicketRow> = rows.iter().map(|r| &r.1).collect();
    let mut fixed = compute(conn, &refs, now)?;
    let facts: Vec<FactRow> = rows
        .iter()
        .filter_map(|(dealer, t)| {
            let f = fixed.remove(&t.0)?;
            Some(row_of(dealer, t, f, now))
        })
        .collect();
    repo::replace(conn, &facts)
}

/// Writes every missing row in the caller's transaction (a bulk load's), telling `progress` the
/// rows written so far after each batch. Returns how many.
pub fn backfill(
    conn: &mut AnyConnection,
    progress: &mut dyn FnMut(usize),
) -> Result<usize, AppError> {
    let (mut total, mut after) = (0, String::new());
    loop {
        let rows = next_missing(conn, &after)?;
        let Some(last) = rows.last().map(|r| r.1 .0.clone()) else {
            return Ok(total);
        };
        total += write_missing(conn, &rows)?;
        after = last;
        progress(total);
    }
}

/// Writes every missing row (a server started on a database that predates the table). The walk
/// reads on a pooled connection, and only a batch that lacks rows takes the writer, for that batch
/// alone: on a database whose rows are all there the writer is never held. Returns how many.
pub async fn backfill_all(db: &Db) -> Result<usize, AppError> {
    let started = std::time::Instant::now();
    let (mut total, mut after) = (0, String::new());
    loop {
        let from = after.clone();
        let rows = db.read(move |conn| next_missing(conn, &from)).await?;
        let Some(last) = rows.last().map(|r| r.1 .0.clone()) else {
            break;
        };
        total += db.write(move |conn| write_missing(conn, &rows)).await?;
        after = last;
    }
    let elapsed_ms = started.elapsed().as_millis() as u64;
    if total > 0 {
        tracing::info!(
            rows = total,
            elapsed_ms,
            "report rows written for rescues finished without one"
        );
    } else {
        tracing::debug!(elapsed_ms, "every finished rescue has its report row");
    }
    Ok(total)
}
