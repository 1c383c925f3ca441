//! The group's holiday calendar: the holidays that may touch a shipment sent now, a year's
//! holidays for the admin's page, and a holiday written, replaced or removed with its effects.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{holiday_effects, holidays};
use crate::db::AnyConnection;
use crate::domain::holiday::{Channel, Effect, Holiday, HolidayEntry};
use crate::error::AppError;

type Row = (String, String, String, String, String);

fn date(id: &str, s: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::internal(format!("holiday {id}: date {s:?}")))
}

/// The rows with their effects, read in one more query.
fn with_effects(conn: &mut AnyConnection, rows: Vec<Row>) -> Result<Vec<Holiday>, AppError> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let effects: Vec<(String, Channel, bool, i32)> = holiday_effects::table
        .filter(holiday_effects::holiday_id.eq_any(ids))
        .select((
            holiday_effects::holiday_id,
            holiday_effects::channel,
            holiday_effects::stopped,
            holiday_effects::extra_hours,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name_zh, name_en, first, last)| {
            let mut mine: Vec<Effect> = effects
                .iter()
                .filter(|e| e.0 == id)
                .map(|(_, channel, stopped, extra)| Effect {
                    channel: *channel,
                    stopped: *stopped,
                    extra_hours: u32::try_from(*extra).unwrap_or(0),
                })
                .collect();
            // The domain's order (manufacturer first), not the names' alphabetical one.
            mine.sort_by_key(|e| e.channel);
            Ok(Holiday {
                first_day: date(&id, &first)?,
                last_day: date(&id, &last)?,
                effects: mine,
                id,
                name_zh,
                name_en,
            })
        })
        .collect()
}

fn columns() -> (
    holidays::id,
    holidays::name_zh,
    holidays::name_en,
    holidays::first_day,
    holidays::last_day,
) {
    (
        holidays::id,
        holidays::name_zh,
        holidays::name_en,
        holidays::first_day,
        holidays::last_day,
    )
}

/// The group's holidays not over before `from` (a local date), earliest first, at most `limit`.
pub fn from_day(
    conn: &mut AnyConnection,
    group_id: &str,
    from: NaiveDate,
    limit: i64,
) -> Result<Vec<Holiday>, AppError> {
    let rows: Vec<Row> = holidays::table
        .filter(holidays::group_id.eq(group_id))
        .filter(holidays::last_day.ge(from.to_string()))
        .order((holidays::first_day.asc(), holidays::id.asc()))
        .limit(limit)
        .select(columns())
        .load(conn)?;
    with_effects(conn, rows)
}

/// The group's holidays that touch the days `first..=last` (local dates), earliest first.
pub fn between(
    conn: &mut AnyConnection,
    group_id: &str,
    first: NaiveDate,
    last: NaiveDate,
    limit: i64,
) -> Result<Vec<Holiday>, AppError> {
    let rows: Vec<Row> = holidays::table
        .filter(holidays::group_id.eq(group_id))
        .filter(holidays::last_day.ge(first.to_string()))
        .filter(holidays::first_day.le(last.to_string()))
        .order((holidays::first_day.asc(), holidays::id.asc()))
        .limit(limit)
        .select(columns())
        .load(conn)?;
    with_effects(conn, rows)
}

pub fn get(
    conn: &mut AnyConnection,
    group_id: &str,
    id: &str,
) -> Result<Option<Holiday>, AppError> {
    let rows: Vec<Row> = holidays::table
        .filter(holidays::group_id.eq(group_id))
        .filter(holidays::id.eq(id))
        .select(columns())
        .load(conn)?;
    Ok(with_effects(conn, rows)?.pop())
}

fn write_effects(conn: &mut AnyConnection, id: &str, effects: &[Effect]) -> Result<(), AppError> {
    diesel::delete(holiday_effects::table.filter(holiday_effects::holiday_id.eq(id)))
        .execute(conn)?;
    for e in effects {
        diesel::insert_into(holiday_effects::table)
            .values((
                holiday_effects::holiday_id.eq(id),
                holiday_effects::channel.eq(e.channel),
                holiday_effects::stopped.eq(e.stopped),
                // Bounded by domain::holiday::MAX_EXTRA_HOURS.
                holiday_effects::extra_hours.eq(i32::try_from(e.extra_hours).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A new holiday of the group; its id.
pub fn insert(
    conn: &mut AnyConnection,
    group_id: &str,
    e: &HolidayEntry,
    by: &str,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let id = super::new_id();
    diesel::insert_into(holidays::table)
        .values((
            holidays::id.eq(&id),
            holidays::group_id.eq(group_id),
            holidays::name_zh.eq(e.name_zh.as_str()),
            holidays::name_en.eq(e.name_en.as_ref().map_or("", |n| n.as_str())),
            holidays::first_day.eq(e.first_day.to_string()),
            holidays::last_day.eq(e.last_day.to_string()),
            holidays::updated_by.eq(by),
            holidays::updated_at.eq(now),
        ))
        .execute(conn)?;
    write_effects(conn, &id, &e.effects)?;
    Ok(id)
}

/// Replaces a holiday of the group with `e`; `false` when the group has no such holiday.
pub fn update(
    conn: &mut AnyConnection,
    group_id: &str,
    id: &str,
    e: &HolidayEntry,
    by: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        holidays::table
            .filter(holidays::group_id.eq(group_id))
            .filter(holidays::id.eq(id)),
    )
    .set((
        holidays::name_zh.eq(e.name_zh.as_str()),
        holidays::name_en.eq(e.name_en.as_ref().map_or("", |n| n.as_str())),
        holidays::first_day.eq(e.first_day.to_string()),
        holidays::last_day.eq(e.last_day.to_string()),
        holidays::updated_by.eq(by),
        holidays::updated_at.eq(now),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    write_effects(conn, id, &e.effects)?;
    Ok(true)
}

/// Removes a holiday of the group and its effects; `false` when there was none.
pub fn delete(conn: &mut AnyConnection, group_id: &str, id: &str) -> Result<bool, AppError> {
    let mine = holidays::table
        .filter(holidays::group_id.eq(group_id))
        .filter(holidays::id.eq(id))
        .select(holidays::id)
        .first::<String>(conn)
        .optional()?;
    if mine.is_none() {
        return Ok(false);
    }
    diesel::delete(holiday_effects::table.filter(holiday_effects::holiday_id.eq(id)))
        .execute(conn)?;
    diesel::delete(holidays::table.filter(holidays::id.eq(id))).execute(conn)?;
    Ok(true)
}
