//! Photos of a ticket and its signed resolution: the bytes live in the database (nodes stay
//! stateless); lists read everything but the bytes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{ticket_photos, ticket_signatures};
use crate::db::AnyConnection;
use crate::error::AppError;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ticket_photos)]
pub struct NewPhoto<'a> {
    pub id: &'a str,
    pub ticket_id: &'a str,
    pub kind: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i32,
    pub data: &'a [u8],
    pub technician_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
    pub taken_by: &'a str,
    pub created_at: NaiveDateTime,
}

/// A photo without its bytes.
#[derive(Debug, Clone, Queryable)]
pub struct PhotoRow {
    pub id: String,
    pub kind: String,
    pub content_type: String,
    pub size_bytes: i32,
    pub taken_by: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, photo: &NewPhoto<'_>) -> Result<(), AppError> {
    diesel::insert_into(ticket_photos::table)
        .values(photo)
        .execute(conn)?;
    Ok(())
}

/// How many photos the ticket has, and how many since `since`.
pub fn counts(
    conn: &mut AnyConnection,
    ticket_id: &str,
    since: NaiveDateTime,
) -> Result<(i64, i64), AppError> {
    let all = ticket_photos::table
        .filter(ticket_photos::ticket_id.eq(ticket_id))
        .count()
        .get_result(conn)?;
    let recent = ticket_photos::table
        .filter(ticket_photos::ticket_id.eq(ticket_id))
        .filter(ticket_photos::created_at.ge(since))
        .count()
        .get_result(conn)?;
    Ok((all, recent))
}

pub fn has_kind(conn: &mut AnyConnection, ticket_id: &str, kind: &str) -> Result<bool, AppError> {
    let n: i64 = ticket_photos::table
        .filter(ticket_photos::ticket_id.eq(ticket_id))
        .filter(ticket_photos::kind.eq(kind))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The ticket's photos, oldest first, without their bytes.
pub fn list(conn: &mut AnyConnection, ticket_id: &str) -> Result<Vec<PhotoRow>, AppError> {
    Ok(ticket_photos::table
        .filter(ticket_photos::ticket_id.eq(ticket_id))
        .order((ticket_photos::created_at.asc(), ticket_photos::id.asc()))
        .select((
            ticket_photos::id,
            ticket_photos::kind,
            ticket_photos::content_type,
            ticket_photos::size_bytes,
            ticket_photos::taken_by,
            ticket_photos::created_at,
        ))
        .load(conn)?)
}

/// One photo of this ticket: its content type and bytes.
pub fn bytes(
    conn: &mut AnyConnection,
    ticket_id: &str,
    photo_id: &str,
) -> Result<Option<(String, Vec<u8>)>, AppError> {
    Ok(ticket_photos::table
        .filter(ticket_photos::ticket_id.eq(ticket_id))
        .filter(ticket_photos::id.eq(photo_id))
        .select((ticket_photos::content_type, ticket_photos::data))
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ticket_signatures)]
pub struct NewSignature<'a> {
    pub ticket_id: &'a str,
    pub work_done: &'a str,
    pub png: Option<&'a [u8]>,
    pub absent_reason: Option<&'a str>,
    pub taken_by: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert_signature(conn: &mut AnyConnection, s: &NewSignature<'_>) -> Result<(), AppError> {
    diesel::insert_into(ticket_signatures::table)
        .values(s)
        .execute(conn)?;
    Ok(())
}

/// What was done, whether the customer signed, why not, who recorded it and when.
pub type SignatureRow = (String, bool, Option<String>, String, NaiveDateTime);

pub fn signature(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Option<SignatureRow>, AppError> {
    type Stored = (
        String,
        Option<Vec<u8>>,
        Option<String>,
        String,
        NaiveDateTime,
    );
    let row: Option<Stored> = ticket_signatures::table
        .filter(ticket_signatures::ticket_id.eq(ticket_id))
        .select((
            ticket_signatures::work_done,
            ticket_signatures::png,
            ticket_signatures::absent_reason,
            ticket_signatures::taken_by,
            ticket_signatures::created_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(w, png, r, by, at)| (w, png.is_some(), r, by, at)))
}

pub fn signature_png(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Option<Vec<u8>>, AppError> {
    Ok(ticket_signatures::table
        .filter(ticket_signatures::ticket_id.eq(ticket_id))
        .select(ticket_signatures::png)
        .first::<Option<Vec<u8>>>(conn)
        .optional()?
        .flatten())
}
