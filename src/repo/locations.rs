//! Locations customers share from their phone's browser.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::location_shares;
use crate::db::AnyConnection;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable)]
pub struct SharedLocation {
    /// WGS-84 (browsers report GPS coordinates).
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f64>,
    pub created_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut AnyConnection,
    ticket_id: &str,
    lat: f64,
    lon: f64,
    accuracy_m: Option<f64>,
) -> Result<(), AppError> {
    diesel::insert_into(location_shares::table)
        .values((
            location_shares::id.eq(super::new_id()),
            location_shares::ticket_id.eq(ticket_id),
            location_shares::lat.eq(lat),
            location_shares::lon.eq(lon),
            location_shares::accuracy_m.eq(accuracy_m),
            location_shares::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn latest(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Option<SharedLocation>, AppError> {
    Ok(location_shares::table
        .filter(location_shares::ticket_id.eq(ticket_id))
        .order(location_shares::created_at.desc())
        .select((
            location_shares::lat,
            location_shares::lon,
            location_shares::accuracy_m,
            location_shares::created_at,
        ))
        .first(conn)
        .optional()?)
}
