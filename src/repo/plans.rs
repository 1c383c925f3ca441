//! Plan versions and their lines (crew, tools, parts, repair items, the vehicle).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{
    parts, plan_crew, plan_items, plan_parts, plan_tools, plans, technicians, tools,
};
use crate::db::AnyConnection;
use crate::domain::plan::PlanStatus;
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = plans)]
pub struct PlanRecord {
    pub id: String,
    pub ticket_id: String,
    pub version: i32,
    pub status: PlanStatus,
    pub estimated_minutes: i32,
    pub travel_km: f64,
    pub special_notes: String,
    pub parts_fen: i64,
    pub labour_fen: i64,
    pub travel_fen: i64,
    pub total_fen: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable)]
pub struct CrewMember {
    pub technician_id: String,
    pub name: String,
    pub phone: String,
    pub lead: bool,
    pub user_id: Option<String>,
}

#[derive(Debug, Clone, Queryable)]
pub struct ToolRow {
    pub tool_id: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i32,
}

#[derive(Debug, Clone, Queryable)]
pub struct PartRow {
    pub id: String,
    pub part_id: String,
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i32,
    pub unit_price_fen: i64,
    pub dangerous_goods: bool,
    pub monitored: bool,
    /// Units held for this line in the dealer's stock (not yet issued).
    pub reserved: i32,
}

#[derive(Debug, Clone, Queryable)]
pub struct ItemRow {
    pub position: i32,
    pub description: String,
    pub labour_minutes: i32,
    pub rate_fen_per_hour: i64,
}

/// One version with all its lines.
#[derive(Debug, Clone)]
pub struct PlanLines {
    pub plan: PlanRecord,
    pub crew: Vec<CrewMember>,
    pub tools: Vec<ToolRow>,
    pub parts: Vec<PartRow>,
    pub items: Vec<ItemRow>,
    pub vehicle: Option<super::fleet::PlanVehicleRow>,
}

pub struct NewLines<'a> {
    pub crew: &'a [(String, bool)],
    pub tools: &'a [(String, i32)],
    pub parts: &'a [(String, i32, i64)],
    pub items: &'a [(String, i32, i64)],
    pub vehicle: Option<&'a crate::domain::plan::PlanVehicle>,
}

/// The highest version of a ticket's plan: the one that counts.
pub fn current(conn: &mut AnyConnection, ticket_id: &str) -> Result<Option<PlanRecord>, AppError> {
    Ok(plans::table
        .filter(plans::ticket_id.eq(ticket_id))
        .order(plans::version.desc())
        .select(PlanRecord::as_select())
        .first(conn)
        .optional()?)
}

pub fn all_versions(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Vec<PlanRecord>, AppError> {
    Ok(plans::table
        .filter(plans::ticket_id.eq(ticket_id))
        .order(plans::version.desc())
        .select(PlanRecord::as_select())
        .load(conn)?)
}

pub fn insert(
    conn: &mut AnyConnection,
    plan: &PlanRecord,
    lines: &NewLines<'_>,
) -> Result<(), AppError> {
    diesel::insert_into(plans::table)
        .values(plan)
        .execute(conn)?;
    write_lines(conn, &plan.id, lines)
}

/// Replaces a draft's lines and totals (a draft is the one thing that may change in place).
pub fn replace_draft(
    conn: &mut AnyConnection,
    plan: &PlanRecord,
    lines: &NewLines<'_>,
) -> Result<(), AppError> {
    let n = diesel::update(
        plans::table
            .filter(plans::id.eq(&plan.id))
            .filter(plans::status.eq(PlanStatus::Draft)),
    )
    .set((
        plans::estimated_minutes.eq(plan.estimated_minutes),
        plans::travel_km.eq(plan.travel_km),
        plans::special_notes.eq(&plan.special_notes),
        plans::parts_fen.eq(plan.parts_fen),
        plans::labour_fen.eq(plan.labour_fen),
        plans::travel_fen.eq(plan.travel_fen),
        plans::total_fen.eq(plan.total_fen),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(AppError::msg(
            crate::error::ErrorCode::StaleState,
            "svc-plan-submitted-meanwhile",
            &[],
        ));
    }
    // Edited by hand, a draft is no longer the standard plan it came from.
    super::standard_plans::unmark_plan(conn, &plan.id)?;
    diesel::delete(plan_crew::table.filter(plan_crew::plan_id.eq(&plan.id))).execute(conn)?;
    diesel::delete(plan_tools::table.filter(plan_tools::plan_id.eq(&plan.id))).execute(conn)?;
    diesel::delete(plan_parts::table.filter(plan_parts::plan_id.eq(&plan.id))).execute(conn)?;
    diesel::delete(plan_items::table.filter(plan_items::plan_id.eq(&plan.id))).execute(conn)?;
    write_lines(conn, &plan.id, lines)
}

fn write_lines(
    conn: &mut AnyConnection,
    plan_id: &str,
    lines: &NewLines<'_>,
) -> Result<(), AppError> {
    for (technician_id, lead) in lines.crew {
        diesel::insert_into(plan_crew::table)
            .values((
                plan_crew::plan_id.eq(plan_id),
                plan_crew::technician_id.eq(technician_id),
                plan_crew::is_lead.eq(*lead),
            ))
            .execute(conn)?;
    }
    for (tool_id, quantity) in lines.tools {
        diesel::insert_into(plan_tools::table)
            .values((
                plan_tools::plan_id.eq(plan_id),
                plan_tools::tool_id.eq(tool_id),
                plan_tools::quantity.eq(*quantity),
            ))
            .execute(conn)?;
    }
    for (part_id, quantity, price) in lines.parts {
        diesel::insert_into(plan_parts::table)
            .values((
                plan_parts::id.eq(super::new_id()),
                plan_parts::plan_id.eq(plan_id),
                plan_parts::part_id.eq(part_id),
                plan_parts::quantity.eq(*quantity),
                plan_parts::unit_price_fen.eq(*price),
            ))
            .execute(conn)?;
    }
    for (position, (description, minutes, rate)) in lines.items.iter().enumerate() {
        diesel::insert_into(plan_items::table)
            .values((
                plan_items::id.eq(super::new_id()),
                plan_items::plan_id.eq(plan_id),
                plan_items::position.eq(position as i32),
                plan_items::description.eq(description),
                plan_items::labour_minutes.eq(*minutes),
                plan_items::rate_fen_per_hour.eq(*rate),
            ))
            .execute(conn)?;
    }
    super::fleet::set_plan_vehicle(conn, plan_id, lines.vehicle)
}

/// Freezes a draft; false if it was not a draft any more.
pub fn submit(conn: &mut AnyConnection, plan_id: &str) -> Result<bool, AppError> {
    let n = diesel::update(
        plans::table
            .filter(plans::id.eq(plan_id))
            .filter(plans::status.eq(PlanStatus::Draft)),
    )
    .set((
        plans::status.eq(PlanStatus::Submitted),
        plans::submitted_at.eq(super::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Earlier versions give way to a new one.
pub fn supersede_older(
    conn: &mut AnyConnection,
    ticket_id: &str,
    below_version: i32,
) -> Result<(), AppError> {
    diesel::update(
        plans::table
            .filter(plans::ticket_id.eq(ticket_id))
            .filter(plans::version.lt(below_version))
            .filter(plans::status.ne(PlanStatus::Superseded)),
    )
    .set(plans::status.eq(PlanStatus::Superseded))
    .execute(conn)?;
    Ok(())
}

pub fn lines(conn: &mut AnyConnection, plan: PlanRecord) -> Result<PlanLines, AppError> {
    let crew = plan_crew::table
        .inner_join(technicians::table)
        .filter(plan_crew::plan_id.eq(&plan.id))
        .order((plan_crew::is_lead.desc(), technicians::name.asc()))
        .select((
            technicians::id,
            technicians::name,
            technicians::phone,
            plan_crew::is_lead,
            technicians::user_id,
        ))
        .load(conn)?;
    let tools = plan_tools::table
        .inner_join(tools::table)
        .filter(plan_tools::plan_id.eq(&plan.id))
        .order(tools::code.asc())
        .select((
            tools::id,
            tools::code,
            tools::name_zh,
            tools::name_en,
            plan_tools::quantity,
        ))
        .load(conn)?;
    let parts = plan_parts::table
        .inner_join(parts::table)
        .filter(plan_parts::plan_id.eq(&plan.id))
        .order(parts::part_no.asc())
        .select((
            plan_parts::id,
            parts::id,
            parts::part_no,
            parts::name_zh,
            parts::name_en,
            plan_parts::quantity,
            plan_parts::unit_price_fen,
            parts::dangerous_goods,
            parts::monitored,
            plan_parts::reserved,
        ))
        .load(conn)?;
    let items = plan_items::table
        .filter(plan_items::plan_id.eq(&plan.id))
        .order(plan_items::position.asc())
        .select((
            plan_items::position,
            plan_items::description,
            plan_items::labour_minutes,
            plan_items::rate_fen_per_hour,
        ))
        .load(conn)?;
    let vehicle = super::fleet::of_plan(conn, &plan.id)?;
    Ok(PlanLines {
        plan,
        crew,
        tools,
        parts,
        items,
        vehicle,
    })
}

/// Tickets whose live (submitted, not superseded) plan has this technician on the crew.
pub fn jobs_of_technician(
    conn: &mut AnyConnection,
    technician_id: &str,
    states: &[TicketStatus],
) -> Result<Vec<crate::repo::tickets::TicketRecord>, AppError> {
    use crate::db::schema::tickets;
    use crate::repo::tickets::TicketRecord;
    Ok(plan_crew::table
        .inner_join(plans::table.inner_join(tickets::table))
        .filter(plan_crew::technician_id.eq(technician_id))
        .filter(plans::status.eq(PlanStatus::Submitted))
        .filter(tickets::status.eq_any(states))
        .order(tickets::call_time.desc())
        .limit(50)
        .select(TicketRecord::as_select())
        .load(conn)?)
}
