//! Known vehicles, their owners and service history, looked up by plate.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{customers, dealers, service_visit_parts, service_visits, vehicles};
use crate::db::AnyConnection;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable)]
pub struct VehicleInfo {
    pub id: String,
    pub customer_id: String,
    pub group_id: String,
    pub plate: String,
    pub vin: Option<String>,
    pub model: String,
    pub model_year: i32,
    pub mileage_km: i32,
    pub owner_name: String,
    pub owner_phone: String,
    pub home_dealer: String,
}

#[derive(Debug, Clone)]
pub struct Visit {
    pub id: String,
    pub visited_at: NaiveDateTime,
    pub dealer: String,
    pub mileage_km: i32,
    pub kind: String,
    pub summary: String,
    pub parts: Vec<ReplacedPart>,
}

#[derive(Debug, Clone, Queryable)]
pub struct ReplacedPart {
    pub visit_id: String,
    pub part_no: String,
    pub name: String,
    pub quantity: i32,
}

pub fn by_plate(conn: &mut AnyConnection, plate: &str) -> Result<Option<VehicleInfo>, AppError> {
    Ok(vehicles::table
        .inner_join(customers::table)
        .inner_join(dealers::table)
        .filter(vehicles::plate.eq(plate))
        .select((
            vehicles::id,
            vehicles::customer_id,
            dealers::group_id,
            vehicles::plate,
            vehicles::vin,
            vehicles::model,
            vehicles::model_year,
            vehicles::mileage_km,
            customers::name,
            customers::phone,
            dealers::name,
        ))
        .first(conn)
        .optional()?)
}

/// The most recent visits, newest first, each with its replaced parts.
pub fn history(
    conn: &mut AnyConnection,
    vehicle_id: &str,
    limit: i64,
) -> Result<Vec<Visit>, AppError> {
    let rows: Vec<(String, NaiveDateTime, String, i32, String, String)> = service_visits::table
        .inner_join(dealers::table)
        .filter(service_visits::vehicle_id.eq(vehicle_id))
        .order(service_visits::visited_at.desc())
        .limit(limit)
        .select((
            service_visits::id,
            service_visits::visited_at,
            dealers::name,
            service_visits::mileage_km,
            service_visits::kind,
            service_visits::summary,
        ))
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let parts: Vec<ReplacedPart> = service_visit_parts::table
        .filter(service_visit_parts::visit_id.eq_any(ids))
        .order(service_visit_parts::part_no.asc())
        .select((
            service_visit_parts::visit_id,
            service_visit_parts::part_no,
            service_visit_parts::name,
            service_visit_parts::quantity,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, visited_at, dealer, mileage_km, kind, summary)| Visit {
                parts: parts.iter().filter(|p| p.visit_id == id).cloned().collect(),
                id,
                visited_at,
                dealer,
                mileage_km,
                kind,
                summary,
            },
        )
        .collect())
}
