//! Demo set-up: fills an empty database with the generated dealer group and reports the sign-ins.

use crate::config::DemoSettings;
use crate::db::Db;
use crate::error::AppError;

/// Loads demo data when the database has no dealers yet; returns a printable report.
pub fn load_if_empty(db: &Db, _settings: &DemoSettings) -> Result<String, AppError> {
    let _ = db;
    Ok(String::from("demo data: generator not wired yet"))
}
