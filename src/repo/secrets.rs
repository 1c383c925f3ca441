//! Secrets the nodes share through the database (the link-signing key when none is configured).

use diesel::prelude::*;

use crate::db::schema::app_secrets;
use crate::db::{is_unique_violation, Db};
use crate::error::AppError;

/// The named secret, created on first use; of two nodes starting at once, the first insert wins.
pub fn get_or_create(db: &Db, name: &str) -> Result<String, AppError> {
    let read = |name: String| {
        db.read_blocking(move |conn| {
            Ok(app_secrets::table
                .filter(app_secrets::name.eq(&name))
                .select(app_secrets::value)
                .first::<String>(conn)
                .optional()?)
        })
    };
    if let Some(v) = read(name.to_owned())? {
        return Ok(v);
    }
    let value = format!(
        "{}{}",
        crate::auth::secret::random_token(),
        crate::auth::secret::random_token()
    );
    let insert = db.write_blocking(|conn| {
        diesel::insert_into(app_secrets::table)
            .values((
                app_secrets::name.eq(name),
                app_secrets::value.eq(&value),
                app_secrets::created_at.eq(super::now()),
            ))
            .execute(conn)
            .map_err(|e| {
                if is_unique_violation(&e) {
                    AppError::conflict("svc-secret-exists")
                } else {
                    AppError::from(e)
                }
            })?;
        Ok(())
    });
    match insert {
        Ok(()) => {
            tracing::info!(secret = name, "generated and stored a new secret");
            Ok(value)
        }
        Err(_) => read(name.to_owned())?.ok_or_else(|| AppError::internal("secret vanished")),
    }
}
