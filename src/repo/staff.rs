//! The dealer's people and things a plan draws on: technicians, tools, the parts catalogue, staff by role.

use diesel::prelude::*;

use crate::db::schema::{
    dealers, parts, stock, technician_skills, technicians, tools, user_roles, users,
};
use crate::db::AnyConnection;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable)]
pub struct Technician {
    pub id: String,
    pub dealer_id: String,
    pub user_id: Option<String>,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub notify_via: String,
    pub grade: String,
}

#[derive(Debug, Clone, Queryable)]
pub struct Tool {
    pub id: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i32,
}

#[derive(Debug, Clone, Queryable)]
pub struct Part {
    pub id: String,
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    pub category: String,
    pub price_fen: i64,
    pub dangerous_goods: bool,
    pub un_number: Option<String>,
    pub monitored: bool,
    pub weight_g: i32,
}

/// Someone to tell: a staff member with a role at a dealer.
#[derive(Debug, Clone, Queryable)]
pub struct Contact {
    pub user_id: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub locale: String,
}

type TechnicianCols = (
    technicians::id,
    technicians::dealer_id,
    technicians::user_id,
    technicians::name,
    technicians::phone,
    technicians::email,
    technicians::notify_via,
    technicians::grade,
);

const TECHNICIAN: TechnicianCols = (
    technicians::id,
    technicians::dealer_id,
    technicians::user_id,
    technicians::name,
    technicians::phone,
    technicians::email,
    technicians::notify_via,
    technicians::grade,
);

pub fn technicians_of(
    conn: &mut AnyConnection,
    dealer_id: &str,
) -> Result<Vec<Technician>, AppError> {
    Ok(technicians::table
        .filter(technicians::dealer_id.eq(dealer_id))
        .filter(technicians::active.eq(true))
        .order(technicians::name.asc())
        .select(TECHNICIAN)
        .load(conn)?)
}

/// The active technicians of these dealers (a group), by dealer and name.
pub fn technicians_of_dealers(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
) -> Result<Vec<Technician>, AppError> {
    Ok(technicians::table
        .filter(technicians::dealer_id.eq_any(dealer_ids))
        .filter(technicians::active.eq(true))
        .order((technicians::dealer_id.asc(), technicians::name.asc()))
        .select(TECHNICIAN)
        .load(conn)?)
}

pub fn technicians_by_ids(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<Technician>, AppError> {
    Ok(technicians::table
        .filter(technicians::id.eq_any(ids))
        .select(TECHNICIAN)
        .load(conn)?)
}

/// The technician record of a signed-in user, if they are one.
pub fn technician_of_user(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Option<Technician>, AppError> {
    Ok(technicians::table
        .filter(technicians::user_id.eq(user_id))
        .select(TECHNICIAN)
        .first(conn)
        .optional()?)
}

/// Skills per technician id, for the plan editor.
pub fn skills_of(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<(String, String)>, AppError> {
    Ok(technician_skills::table
        .filter(technician_skills::technician_id.eq_any(ids))
        .select((technician_skills::technician_id, technician_skills::skill))
        .load(conn)?)
}

pub fn tools_of(conn: &mut AnyConnection, dealer_id: &str) -> Result<Vec<Tool>, AppError> {
    Ok(tools::table
        .filter(tools::dealer_id.eq(dealer_id))
        .order(tools::code.asc())
        .select((
            tools::id,
            tools::code,
            tools::name_zh,
            tools::name_en,
            tools::quantity,
        ))
        .load(conn)?)
}

pub fn tools_by_ids(
    conn: &mut AnyConnection,
    dealer_id: &str,
    ids: &[String],
) -> Result<Vec<Tool>, AppError> {
    Ok(tools::table
        .filter(tools::dealer_id.eq(dealer_id))
        .filter(tools::id.eq_any(ids))
        .select((
            tools::id,
            tools::code,
            tools::name_zh,
            tools::name_en,
            tools::quantity,
        ))
        .load(conn)?)
}

const PART: (
    parts::id,
    parts::part_no,
    parts::name_zh,
    parts::name_en,
    parts::category,
    parts::price_fen,
    parts::dangerous_goods,
    parts::un_number,
    parts::monitored,
    parts::weight_g,
) = (
    parts::id,
    parts::part_no,
    parts::name_zh,
    parts::name_en,
    parts::category,
    parts::price_fen,
    parts::dangerous_goods,
    parts::un_number,
    parts::monitored,
    parts::weight_g,
);

pub fn parts_by_ids(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<Part>, AppError> {
    Ok(parts::table
        .filter(parts::id.eq_any(ids))
        .select(PART)
        .load(conn)?)
}

/// Catalogue search by part number or name, with the dealer's available stock.
pub fn search_parts(
    conn: &mut AnyConnection,
    dealer_id: &str,
    query: &crate::domain::search::SearchTerm,
    limit: i64,
) -> Result<Vec<(Part, i32)>, AppError> {
    let pattern = query.like_pattern();
    let found: Vec<Part> = parts::table
        .filter(
            parts::part_no
                .like(&pattern)
                .or(parts::name_zh.like(&pattern))
                .or(parts::name_en.like(&pattern)),
        )
        .order(parts::part_no.asc())
        .limit(limit)
        .select(PART)
        .load(conn)?;
    let ids: Vec<String> = found.iter().map(|p| p.id.clone()).collect();
    let available = available_at(conn, dealer_id, &ids)?;
    Ok(found
        .into_iter()
        .map(|p| {
            let a = available
                .iter()
                .find(|(id, _)| *id == p.id)
                .map_or(0, |(_, a)| *a);
            (p, a)
        })
        .collect())
}

/// Available = on hand − reserved, per part, at one dealer (parts without a row have none).
pub fn available_at(
    conn: &mut AnyConnection,
    dealer_id: &str,
    part_ids: &[String],
) -> Result<Vec<(String, i32)>, AppError> {
    let rows: Vec<(String, i32, i32)> = stock::table
        .filter(stock::dealer_id.eq(dealer_id))
        .filter(stock::part_id.eq_any(part_ids))
        .select((stock::part_id, stock::on_hand, stock::reserved))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, on_hand, reserved)| (id, on_hand - reserved))
        .collect())
}

/// Active staff of a dealer holding a role.
pub fn contacts_with_role(
    conn: &mut AnyConnection,
    dealer_id: &str,
    role: &str,
) -> Result<Vec<Contact>, AppError> {
    Ok(users::table
        .inner_join(user_roles::table)
        .filter(users::dealer_id.eq(dealer_id))
        .filter(users::active.eq(true))
        .filter(user_roles::role.eq(role))
        .select((
            users::id,
            users::name,
            users::phone,
            users::email,
            users::locale,
        ))
        .load(conn)?)
}

/// The dealer's own coordinates, for travel estimates.
pub fn dealer_position(conn: &mut AnyConnection, dealer_id: &str) -> Result<(f64, f64), AppError> {
    Ok(dealers::table
        .filter(dealers::id.eq(dealer_id))
        .select((dealers::lat, dealers::lon))
        .first(conn)?)
}

/// (technician id, login) of technicians who sign in themselves.
pub fn technician_logins(
    conn: &mut AnyConnection,
    dealer_id: &str,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(technicians::table
        .inner_join(users::table.on(technicians::user_id.eq(users::id.nullable())))
        .filter(technicians::dealer_id.eq(dealer_id))
        .select((technicians::id, users::login))
        .load(conn)?)
}

/// A dealer's display name (e.g. for a message to a sister dealer).
pub fn dealer_name(conn: &mut AnyConnection, dealer_id: &str) -> Result<String, AppError> {
    use crate::db::schema::dealers;
    Ok(dealers::table
        .filter(dealers::id.eq(dealer_id))
        .select(dealers::name)
        .first(conn)?)
}
