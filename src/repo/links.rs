//! Stored link claims, looked up by the code in the URL.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::links::{Claims, Scope};
use crate::db::schema::links;
use crate::db::AnyConnection;
use crate::error::AppError;

pub fn insert(conn: &mut AnyConnection, code: &str, c: &Claims) -> Result<(), AppError> {
    let expires = chrono::DateTime::from_timestamp(c.expires, 0)
        .map(|t| t.naive_utc())
        .unwrap_or_default();
    diesel::insert_into(links::table)
        .values((
            links::code.eq(code),
            links::ticket_id.eq(&c.ticket_id),
            links::person.eq(&c.person),
            links::scope.eq(c.scope.as_str()),
            links::nonce.eq(&c.nonce),
            links::plan_version.eq(c.plan_version),
            links::expires_at.eq(expires),
            links::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A stored link: ticket, person, scope, nonce, expiry, revoked at, plan version.
type LinkRow = (
    String,
    String,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<i32>,
);

/// The claims behind a code and whether the link was revoked.
pub fn find(conn: &mut AnyConnection, code: &str) -> Result<Option<(Claims, bool)>, AppError> {
    let row: Option<LinkRow> = links::table
        .filter(links::code.eq(code))
        .select((
            links::ticket_id,
            links::person,
            links::scope,
            links::nonce,
            links::expires_at,
            links::revoked_at,
            links::plan_version,
        ))
        .first(conn)
        .optional()?;
    let Some((ticket_id, person, scope, nonce, expires, revoked, plan_version)) = row else {
        return Ok(None);
    };
    let scope = Scope::parse(&scope)
        .ok_or_else(|| AppError::internal(format!("link with unknown scope {scope:?}")))?;
    Ok(Some((
        Claims {
            ticket_id,
            person,
            scope,
            plan_version,
            expires: expires.and_utc().timestamp(),
            nonce,
        },
        revoked.is_some(),
    )))
}

/// Revokes every link of a person on a ticket (a technician taken off the crew, say).
pub fn revoke(conn: &mut AnyConnection, ticket_id: &str, person: &str) -> Result<usize, AppError> {
    Ok(diesel::update(
        links::table
            .filter(links::ticket_id.eq(ticket_id))
            .filter(links::person.eq(person))
            .filter(links::revoked_at.is_null()),
    )
    .set(links::revoked_at.eq(super::now()))
    .execute(conn)?)
}

/// Revokes the job links of a ticket whose holders are not in `keep` (a new crew, or nobody).
pub fn revoke_job_links_except(
    conn: &mut AnyConnection,
    ticket_id: &str,
    keep: &[String],
) -> Result<usize, AppError> {
    Ok(diesel::update(
        links::table
            .filter(links::ticket_id.eq(ticket_id))
            .filter(links::scope.eq("job"))
            .filter(links::person.ne_all(keep.to_vec()))
            .filter(links::revoked_at.is_null()),
    )
    .set(links::revoked_at.eq(super::now()))
    .execute(conn)?)
}
