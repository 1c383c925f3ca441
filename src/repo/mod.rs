//! Queries per aggregate; every function takes the connection of the caller's transaction.

pub mod alerts;
pub mod approvals;
pub mod audit;
pub mod availability;
pub mod board;
pub mod fleet;
pub mod follow_ups;
pub mod holiday_stock;
pub mod holidays;
pub mod imports;
pub mod links;
pub mod locations;
pub mod outbox;
pub mod photos;
pub mod plans;
pub mod positions;
pub mod promises;
pub mod recommend;
pub mod reports;
pub mod rescue_facts;
pub mod rota;
pub mod secrets;
pub mod sessions;
pub mod sourcing_orders;
pub mod staff;
pub mod standard_plans;
pub mod stock;
pub mod suspensions;
pub mod tickets;
pub mod users;
pub mod vehicles;

/// The cheapest query there is: the database answers.
pub fn ping(conn: &mut crate::db::AnyConnection) -> Result<(), crate::error::AppError> {
    use diesel::RunQueryDsl;
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}

/// Current time as stored: naive UTC, truncated to microseconds so both
/// databases return exactly what was written.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    let now = chrono::Utc::now().naive_utc();
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
}

/// New ids are UUIDv7: time-ordered, so indexes stay append-mostly.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
