//! Standard rescue plans with their tools and items, and which plan version was made from which.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{
    plan_standard, plans, standard_plan_items, standard_plan_tools, standard_plans, tools, users,
};
use crate::db::AnyConnection;
use crate::domain::standard_plan::StandardKind;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = standard_plans)]
pub struct StandardPlanRecord {
    pub id: String,
    pub dealer_id: String,
    pub name: String,
    pub kind: StandardKind,
    pub crew_size: i32,
    pub estimated_minutes: i32,
    pub price_ceiling_fen: i64,
    pub agent_consent: bool,
    pub active: bool,
    pub version: i32,
    pub approved_by: String,
    pub approved_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A standard plan with the name of the director whose standing approval it is.
#[derive(Debug, Clone)]
pub struct StandardPlanRow {
    pub plan: StandardPlanRecord,
    pub approved_by_name: String,
}

#[derive(Debug, Clone, Queryable)]
pub struct StandardToolRow {
    pub tool_id: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i32,
}

#[derive(Debug, Clone, Queryable)]
pub struct StandardItemRow {
    pub position: i32,
    pub description: String,
    pub labour_minutes: i32,
}

/// What a plan version took from a standard plan.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = plan_standard)]
pub struct PlanStandardRecord {
    pub plan_id: String,
    pub standard_plan_id: String,
    pub standard_plan_version: i32,
    /// The director whose standing approval the plan carries; `None` over the ceiling.
    pub standing_approval_by: Option<String>,
    pub agent_consent: bool,
}

/// The same, with the names a page shows.
#[derive(Debug, Clone)]
pub struct PlanStandardRow {
    pub record: PlanStandardRecord,
    pub name: String,
    pub standing_approval_name: Option<String>,
}

/// The lines a standard plan is saved with.
pub struct StandardLinesIn<'a> {
    pub tools: &'a [(String, i32)],
    pub items: &'a [(String, i32)],
}

pub fn insert(
    conn: &mut AnyConnection,
    record: &StandardPlanRecord,
    lines: &StandardLinesIn<'_>,
) -> Result<(), AppError> {
    diesel::insert_into(standard_plans::table)
        .values(record)
        .execute(conn)?;
    write_lines(conn, &record.id, lines)
}

/// Writes a changed standard plan over `expected_version`; `false` when someone saved it
/// meanwhile (the caller answers `stale_state`).
pub fn update(
    conn: &mut AnyConnection,
    record: &StandardPlanRecord,
    expected_version: i32,
    lines: &StandardLinesIn<'_>,
) -> Result<bool, AppError> {
    let n = diesel::update(
        standard_plans::table
            .filter(standard_plans::id.eq(&record.id))
            .filter(standard_plans::version.eq(expected_version)),
    )
    .set((
        standard_plans::name.eq(&record.name),
        standard_plans::kind.eq(record.kind),
        standard_plans::crew_size.eq(record.crew_size),
        standard_plans::estimated_minutes.eq(record.estimated_minutes),
        standard_plans::price_ceiling_fen.eq(record.price_ceiling_fen),
        standard_plans::agent_consent.eq(record.agent_consent),
        standard_plans::active.eq(record.active),
        standard_plans::version.eq(record.version),
        standard_plans::approved_by.eq(&record.approved_by),
        standard_plans::approved_at.eq(record.approved_at),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    diesel::delete(
        standard_plan_tools::table.filter(standard_plan_tools::standard_plan_id.eq(&record.id)),
    )
    .execute(conn)?;
    diesel::delete(
        standard_plan_items::table.filter(standard_plan_items::standard_plan_id.eq(&record.id)),
    )
    .execute(conn)?;
    write_lines(conn, &record.id, lines)?;
    Ok(true)
}

fn write_lines(
    conn: &mut AnyConnection,
    id: &str,
    lines: &StandardLinesIn<'_>,
) -> Result<(), AppError> {
    for (tool_id, quantity) in lines.tools {
        diesel::insert_into(standard_plan_tools::table)
            .values((
                standard_plan_tools::standard_plan_id.eq(id),
                standard_plan_tools::tool_id.eq(tool_id),
                standard_plan_tools::quantity.eq(*quantity),
            ))
            .execute(conn)?;
    }
    for (position, (description, minutes)) in lines.items.iter().enumerate() {
        diesel::insert_into(standard_plan_items::table)
            .values((
                standard_plan_items::id.eq(super::new_id()),
                standard_plan_items::standard_plan_id.eq(id),
                standard_plan_items::position.eq(position as i32),
                standard_plan_items::description.eq(description),
                standard_plan_items::labour_minutes.eq(*minutes),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether the dealer already has a standard plan of that name (other than `except`).
pub fn name_taken(
    conn: &mut AnyConnection,
    dealer_id: &str,
    name: &str,
    except: Option<&str>,
) -> Result<bool, AppError> {
    let mut q = standard_plans::table
        .filter(standard_plans::dealer_id.eq(dealer_id))
        .filter(standard_plans::name.eq(name))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(standard_plans::id.ne(id));
    }
    let n: i64 = q.count().get_result(conn)?;
    Ok(n > 0)
}

/// The dealer's standard plans, active first, then by name; at most `limit` (a dealer has a
/// handful; the bound only keeps a runaway list from filling a page).
pub fn for_dealer(
    conn: &mut AnyConnection,
    dealer_id: &str,
    only_active: bool,
    limit: i64,
) -> Result<Vec<StandardPlanRow>, AppError> {
    let mut q = standard_plans::table
        .inner_join(users::table)
        .filter(standard_plans::dealer_id.eq(dealer_id))
        .into_boxed();
    if only_active {
        q = q.filter(standard_plans::active.eq(true));
    }
    let rows: Vec<(StandardPlanRecord, String)> = q
        .order((standard_plans::active.desc(), standard_plans::name.asc()))
        .limit(limit)
        .select((StandardPlanRecord::as_select(), users::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(plan, approved_by_name)| StandardPlanRow {
            plan,
            approved_by_name,
        })
        .collect())
}

pub fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<StandardPlanRow>, AppError> {
    let row: Option<(StandardPlanRecord, String)> = standard_plans::table
        .inner_join(users::table)
        .filter(standard_plans::id.eq(id))
        .select((StandardPlanRecord::as_select(), users::name))
        .first(conn)
        .optional()?;
    Ok(row.map(|(plan, approved_by_name)| StandardPlanRow {
        plan,
        approved_by_name,
    }))
}

pub fn tools_of(conn: &mut AnyConnection, id: &str) -> Result<Vec<StandardToolRow>, AppError> {
    Ok(standard_plan_tools::table
        .inner_join(tools::table)
        .filter(standard_plan_tools::standard_plan_id.eq(id))
        .order(tools::code.asc())
        .select((
            standard_plan_tools::tool_id,
            tools::code,
            tools::name_zh,
            tools::name_en,
            standard_plan_tools::quantity,
        ))
        .load(conn)?)
}

pub fn items_of(conn: &mut AnyConnection, id: &str) -> Result<Vec<StandardItemRow>, AppError> {
    Ok(standard_plan_items::table
        .filter(standard_plan_items::standard_plan_id.eq(id))
        .order(standard_plan_items::position.asc())
        .select((
            standard_plan_items::position,
            standard_plan_items::description,
            standard_plan_items::labour_minutes,
        ))
        .load(conn)?)
}

/// Marks a plan version as made from a standard plan (once: a version is made once).
pub fn mark_plan(conn: &mut AnyConnection, record: &PlanStandardRecord) -> Result<(), AppError> {
    diesel::insert_into(plan_standard::table)
        .values(record)
        .execute(conn)?;
    Ok(())
}

/// A draft edited by hand is no longer the standard plan it came from.
pub fn unmark_plan(conn: &mut AnyConnection, plan_id: &str) -> Result<(), AppError> {
    diesel::delete(plan_standard::table.filter(plan_standard::plan_id.eq(plan_id)))
        .execute(conn)?;
    Ok(())
}

/// What the plan version took from a standard plan, with the names to show.
pub fn of_plan(
    conn: &mut AnyConnection,
    plan_id: &str,
) -> Result<Option<PlanStandardRow>, AppError> {
    let row: Option<(PlanStandardRecord, String)> = plan_standard::table
        .inner_join(standard_plans::table)
        .filter(plan_standard::plan_id.eq(plan_id))
        .select((PlanStandardRecord::as_select(), standard_plans::name))
        .first(conn)
        .optional()?;
    let Some((record, name)) = row else {
        return Ok(None);
    };
    let standing_approval_name = match &record.standing_approval_by {
        Some(id) => users::table
            .filter(users::id.eq(id))
            .select(users::name)
            .first::<String>(conn)
            .optional()?,
        None => None,
    };
    Ok(Some(PlanStandardRow {
        record,
        name,
        standing_approval_name,
    }))
}

/// The standing facts of a ticket's current plan (its highest version), for the workflow.
pub fn of_current_plan(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Option<PlanStandardRecord>, AppError> {
    let current: Option<String> = plans::table
        .filter(plans::ticket_id.eq(ticket_id))
        .order(plans::version.desc())
        .select(plans::id)
        .first(conn)
        .optional()?;
    let Some(plan_id) = current else {
        return Ok(None);
    };
    Ok(plan_standard::table
        .filter(plan_standard::plan_id.eq(plan_id))
        .select(PlanStandardRecord::as_select())
        .first(conn)
        .optional()?)
}
