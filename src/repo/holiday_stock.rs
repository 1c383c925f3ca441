//! Holiday stock: what a dealer's rescues and workshop used in a past window (a few queries per
//! window), what it has free now, and the stored order list per dealer and holiday.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{
    holiday_stock_lines, holiday_stock_lists, parts, plan_parts, rescue_facts, service_visit_parts,
    service_visits, sourcing_orders, stock,
};
use crate::db::AnyConnection;
use crate::domain::holiday_stock::{ListStatus, Suggestion, YearUse};
use crate::domain::sourcing_order::OrderStatus;
use crate::error::AppError;

fn n(q: i32) -> u32 {
    u32::try_from(q).unwrap_or(0)
}

/// Each part's use in the UTC window `[start, end)` at this dealer: the finished rescues'
/// plans of record (rescue_facts), the orders that sourced their parts (not cancelled: a
/// cancelled order neither came nor, by itself, held the rescue up), and the service visits.
pub fn use_in(
    conn: &mut AnyConnection,
    dealer_id: &str,
    (start, end): (NaiveDateTime, NaiveDateTime),
) -> Result<HashMap<String, YearUse>, AppError> {
    let facts: Vec<(String, Option<String>)> = rescue_facts::table
        .filter(rescue_facts::dealer_id.eq(dealer_id))
        .filter(rescue_facts::call_time.ge(start))
        .filter(rescue_facts::call_time.lt(end))
        .select((rescue_facts::ticket_id, rescue_facts::plan_id))
        .load(conn)?;
    let tickets: Vec<&str> = facts.iter().map(|f| f.0.as_str()).collect();
    let plans: Vec<&str> = facts.iter().filter_map(|f| f.1.as_deref()).collect();
    let mut out: HashMap<String, YearUse> = HashMap::new();
    let on_plans: Vec<(String, i32)> = plan_parts::table
        .filter(plan_parts::plan_id.eq_any(&plans))
        .select((plan_parts::part_id, plan_parts::quantity))
        .load(conn)?;
    for (part, q) in on_plans {
        let u = out.entry(part).or_default();
        u.rescue_units = u.rescue_units.saturating_add(n(q));
    }
    let sourced: Vec<(String, String, i32)> = sourcing_orders::table
        .filter(sourcing_orders::ticket_id.eq_any(&tickets))
        .filter(sourcing_orders::status.ne(OrderStatus::Cancelled.as_str()))
        .select((
            sourcing_orders::ticket_id,
            sourcing_orders::part_id,
            sourcing_orders::quantity,
        ))
        .load(conn)?;
    let mut held: std::collections::HashSet<(String, String)> = Default::default();
    for (ticket, part, q) in sourced {
        let u = out.entry(part.clone()).or_default();
        u.sourced_units = u.sourced_units.saturating_add(n(q));
        // Two orders for one part of one rescue held it up once.
        if held.insert((ticket, part)) {
            u.held_up_rescues += 1;
        }
    }
    let serviced: Vec<(Option<String>, String, i32)> = service_visit_parts::table
        .inner_join(service_visits::table)
        .filter(service_visits::dealer_id.eq(dealer_id))
        .filter(service_visits::visited_at.ge(start))
        .filter(service_visits::visited_at.lt(end))
        .select((
            service_visit_parts::part_id,
            service_visit_parts::part_no,
            service_visit_parts::quantity,
        ))
        .load(conn)?;
    // Imported history often names the part by number only: find those in the catalogue; a
    // number it does not know cannot be ordered, so it is left out.
    let numbers: Vec<&str> = serviced
        .iter()
        .filter(|s| s.0.is_none())
        .map(|s| s.1.as_str())
        .collect();
    let by_number: HashMap<String, String> = parts::table
        .filter(parts::part_no.eq_any(&numbers))
        .select((parts::part_no, parts::id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    for (part, no, q) in serviced {
        if let Some(part) = part.or_else(|| by_number.get(&no).cloned()) {
            let u = out.entry(part).or_default();
            u.service_units = u.service_units.saturating_add(n(q));
        }
    }
    Ok(out)
}

/// On hand minus reserved of each part the dealer stocks.
pub fn free(conn: &mut AnyConnection, dealer_id: &str) -> Result<HashMap<String, i32>, AppError> {
    let rows: Vec<(String, i32, i32)> = stock::table
        .filter(stock::dealer_id.eq(dealer_id))
        .select((stock::part_id, stock::on_hand, stock::reserved))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(p, on_hand, reserved)| (p, on_hand.saturating_sub(reserved)))
        .collect())
}

/// Part number and names of these parts: `id → (part_no, name_zh, name_en)`.
pub fn part_names(
    conn: &mut AnyConnection,
    ids: &[&str],
) -> Result<HashMap<String, (String, String, String)>, AppError> {
    let rows: Vec<(String, String, String, String)> = parts::table
        .filter(parts::id.eq_any(ids))
        .select((parts::id, parts::part_no, parts::name_zh, parts::name_en))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, no, zh, en)| (id, (no, zh, en)))
        .collect())
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct ListRow {
    pub id: String,
    pub status: ListStatus,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

/// The stored list of a dealer and holiday, if any.
pub fn list_of(
    conn: &mut AnyConnection,
    dealer_id: &str,
    holiday_id: &str,
) -> Result<Option<ListRow>, AppError> {
    Ok(holiday_stock_lists::table
        .filter(holiday_stock_lists::dealer_id.eq(dealer_id))
        .filter(holiday_stock_lists::holiday_id.eq(holiday_id))
        .select((
            holiday_stock_lists::id,
            holiday_stock_lists::status,
            holiday_stock_lists::confirmed_by,
            holiday_stock_lists::confirmed_at,
            holiday_stock_lists::updated_at,
        ))
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct LineRow {
    pub part_id: String,
    pub held_up: i32,
    pub expected: i32,
    pub available: i32,
    pub suggested: i32,
    pub quantity: i32,
    pub received: i32,
    pub received_at: Option<NaiveDateTime>,
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A list's lines with their parts, in the order they were suggested then added.
pub fn lines_of(conn: &mut AnyConnection, list_id: &str) -> Result<Vec<LineRow>, AppError> {
    Ok(holiday_stock_lines::table
        .inner_join(parts::table)
        .filter(holiday_stock_lines::list_id.eq(list_id))
        .select((
            holiday_stock_lines::part_id,
            holiday_stock_lines::held_up,
            holiday_stock_lines::expected,
            holiday_stock_lines::available,
            holiday_stock_lines::suggested,
            holiday_stock_lines::quantity,
            holiday_stock_lines::received,
            holiday_stock_lines::received_at,
            parts::part_no,
            parts::name_zh,
            parts::name_en,
        ))
        .load(conn)?)
}

fn i(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// A new draft list holding the suggestion (quantity = suggested); its id.
pub fn insert_list(
    conn: &mut AnyConnection,
    dealer_id: &str,
    holiday_id: &str,
    lines: &[Suggestion],
    by: &str,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let id = super::new_id();
    let row = (
        holiday_stock_lists::id.eq(&id),
        holiday_stock_lists::dealer_id.eq(dealer_id),
        holiday_stock_lists::holiday_id.eq(holiday_id),
        holiday_stock_lists::status.eq(ListStatus::Draft),
        holiday_stock_lists::created_by.eq(by),
        holiday_stock_lists::created_at.eq(now),
        holiday_stock_lists::updated_at.eq(now),
    );
    // Two first requests for the same list at once (PostgreSQL runs them side by side): the
    // second finds the first's list instead of failing on the unique key with a 500.
    let key = (
        holiday_stock_lists::dealer_id,
        holiday_stock_lists::holiday_id,
    );
    let inserted = match conn {
        AnyConnection::Sqlite(c) => diesel::insert_into(holiday_stock_lists::table)
            .values(row)
            .on_conflict(key)
            .do_nothing()
            .execute(c)?,
        AnyConnection::Postgresql(c) => diesel::insert_into(holiday_stock_lists::table)
            .values(row)
            .on_conflict(key)
            .do_nothing()
            .execute(c)?,
    };
    if inserted == 0 {
        return Ok(holiday_stock_lists::table
            .filter(holiday_stock_lists::dealer_id.eq(dealer_id))
            .filter(holiday_stock_lists::holiday_id.eq(holiday_id))
            .select(holiday_stock_lists::id)
            .first(conn)?);
    }
    for s in lines {
        insert_line(conn, &id, s, i(s.suggested))?;
    }
    Ok(id)
}

/// Adds a line to a list.
pub fn insert_line(
    conn: &mut AnyConnection,
    list_id: &str,
    s: &Suggestion,
    quantity: i32,
) -> Result<(), AppError> {
    diesel::insert_into(holiday_stock_lines::table)
        .values((
            holiday_stock_lines::list_id.eq(list_id),
            holiday_stock_lines::part_id.eq(&s.part_id),
            holiday_stock_lines::held_up.eq(i(s.held_up_rescues)),
            holiday_stock_lines::expected.eq(i(s.expected)),
            holiday_stock_lines::available.eq(i(s.available)),
            holiday_stock_lines::suggested.eq(i(s.suggested)),
            holiday_stock_lines::quantity.eq(quantity),
            holiday_stock_lines::received.eq(0),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_quantity(
    conn: &mut AnyConnection,
    list_id: &str,
    part_id: &str,
    quantity: i32,
) -> Result<(), AppError> {
    diesel::update(
        holiday_stock_lines::table
            .filter(holiday_stock_lines::list_id.eq(list_id))
            .filter(holiday_stock_lines::part_id.eq(part_id)),
    )
    .set(holiday_stock_lines::quantity.eq(quantity))
    .execute(conn)?;
    Ok(())
}

pub fn set_received(
    conn: &mut AnyConnection,
    list_id: &str,
    part_id: &str,
    received: i32,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(
        holiday_stock_lines::table
            .filter(holiday_stock_lines::list_id.eq(list_id))
            .filter(holiday_stock_lines::part_id.eq(part_id)),
    )
    .set((
        holiday_stock_lines::received.eq(received),
        holiday_stock_lines::received_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(())
}

/// Moves a list to `status`; confirming records who and when.
pub fn set_status(
    conn: &mut AnyConnection,
    list_id: &str,
    status: ListStatus,
    by: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let target = holiday_stock_lists::table.filter(holiday_stock_lists::id.eq(list_id));
    if status == ListStatus::Confirmed {
        diesel::update(target)
            .set((
                holiday_stock_lists::status.eq(status),
                holiday_stock_lists::confirmed_by.eq(Some(by)),
                holiday_stock_lists::confirmed_at.eq(Some(now)),
                holiday_stock_lists::updated_at.eq(now),
            ))
            .execute(conn)?;
    } else {
        diesel::update(target)
            .set((
                holiday_stock_lists::status.eq(status),
                holiday_stock_lists::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Marks a list changed (an adjustment).
pub fn touch(conn: &mut AnyConnection, list_id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(holiday_stock_lists::table.filter(holiday_stock_lists::id.eq(list_id)))
        .set(holiday_stock_lists::updated_at.eq(now))
        .execute(conn)?;
    Ok(())
}
