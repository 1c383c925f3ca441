//! Readiness: whether this node can serve, i.e. the database answers a query.

use crate::db::Db;
use crate::error::AppError;

/// Ready when the database answers `SELECT 1`.
pub async fn database_ready(db: &Db) -> Result<(), AppError> {
    db.read(crate::repo::ping).await
}
