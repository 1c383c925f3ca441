//! The crew's last shared positions: one row per technician and ticket, written with a guard so a
//! phone that sends too often is refused in SQL (across nodes), and read per ticket or per board.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::crew_positions;
use crate::db::AnyConnection;
use crate::error::AppError;

/// A stored position (WGS-84) and the drive to the site from there.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = crew_positions)]
pub struct PositionRecord {
    pub ticket_id: String,
    pub technician_id: String,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    /// When the phone took the fix (never later than `received_at`).
    pub fixed_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
    pub road_km: f64,
    pub drive_minutes: i32,
    /// `routed` or `estimated`.
    pub source: String,
}

/// When this technician's phone was last heard for this ticket.
pub fn last_received(
    conn: &mut AnyConnection,
    ticket_id: &str,
    technician_id: &str,
) -> Result<Option<NaiveDateTime>, AppError> {
    Ok(crew_positions::table
        .filter(crew_positions::ticket_id.eq(ticket_id))
        .filter(crew_positions::technician_id.eq(technician_id))
        .select(crew_positions::received_at)
        .first(conn)
        .optional()?)
}

/// Stores `p` unless this technician's last one for the ticket arrived after `not_after`:
/// `false` when it was too soon. The update is guarded and the first insert races on the
/// primary key, so two nodes cannot both store within the interval.
pub fn store(
    conn: &mut AnyConnection,
    p: &PositionRecord,
    not_after: NaiveDateTime,
) -> Result<bool, AppError> {
    // Every column, for the update and the insert alike (the key columns set to themselves).
    let row = || {
        (
            crew_positions::ticket_id.eq(&p.ticket_id),
            crew_positions::technician_id.eq(&p.technician_id),
            crew_positions::lat.eq(p.lat),
            crew_positions::lon.eq(p.lon),
            crew_positions::accuracy_m.eq(p.accuracy_m),
            crew_positions::fixed_at.eq(p.fixed_at),
            crew_positions::received_at.eq(p.received_at),
            crew_positions::road_km.eq(p.road_km),
            crew_positions::drive_minutes.eq(p.drive_minutes),
            crew_positions::source.eq(&p.source),
        )
    };
    let updated = diesel::update(
        crew_positions::table
            .filter(crew_positions::ticket_id.eq(&p.ticket_id))
            .filter(crew_positions::technician_id.eq(&p.technician_id))
            .filter(crew_positions::received_at.le(not_after)),
    )
    .set(row())
    .execute(conn)?;
    if updated == 1 {
        return Ok(true);
    }
    if last_received(conn, &p.ticket_id, &p.technician_id)?.is_some() {
        return Ok(false);
    }
    // MultiConnection has no ON CONFLICT (see `repo::alerts::insert_new`): the same statement on
    // each backend. The loser of a race stores nothing, as if it came too soon.
    let inserted = match conn {
        AnyConnection::Sqlite(c) => diesel::insert_into(crew_positions::table)
            .values(row())
            .on_conflict((crew_positions::ticket_id, crew_positions::technician_id))
            .do_nothing()
            .execute(c)?,
        AnyConnection::Postgresql(c) => diesel::insert_into(crew_positions::table)
            .values(row())
            .on_conflict((crew_positions::ticket_id, crew_positions::technician_id))
            .do_nothing()
            .execute(c)?,
    };
    Ok(inserted == 1)
}

/// The freshest position of each of these tickets' crews (any member), newest first per ticket.
pub fn latest_for(
    conn: &mut AnyConnection,
    ticket_ids: &[&str],
) -> Result<Vec<PositionRecord>, AppError> {
    if ticket_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<PositionRecord> = crew_positions::table
        .filter(crew_positions::ticket_id.eq_any(ticket_ids))
        .order((crew_positions::ticket_id, crew_positions::fixed_at.desc()))
        .select(PositionRecord::as_select())
        .load(conn)?;
    let mut out: Vec<PositionRecord> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|l| l.ticket_id != r.ticket_id) {
            out.push(r);
        }
    }
    Ok(out)
}

/// A finished rescue keeps no trace of where its crew drove: the rows go when the crew arrives
/// or the ticket ends (the audit trail says when they arrived, not where they were).
pub fn forget(conn: &mut AnyConnection, ticket_id: &str) -> Result<usize, AppError> {
    Ok(
        diesel::delete(crew_positions::table.filter(crew_positions::ticket_id.eq(ticket_id)))
            .execute(conn)?,
    )
}
