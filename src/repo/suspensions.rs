//! Weather and area suspensions: the declaration, the guarded lifting, the dealer's list, the
//! active ones of some dealers, and the open tickets with a known site that may lie inside.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{suspensions, tickets, users};
use crate::db::AnyConnection;
use crate::domain::suspension::{Area, Suspension};
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::repo::tickets::TicketRecord;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = suspensions)]
pub struct SuspensionRecord {
    pub id: String,
    pub dealer_id: String,
    pub shape: String,
    pub centre_lat: Option<f64>,
    pub centre_lon: Option<f64>,
    pub radius_km: Option<f64>,
    pub points: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub reason: String,
    pub customer_words: Option<String>,
    pub declared_by: String,
    pub declared_at: NaiveDateTime,
    pub lifted_by: Option<String>,
    pub lifted_at: Option<NaiveDateTime>,
}

impl SuspensionRecord {
    /// The stored area; `None` for a row that does not make one (never written by the service).
    pub fn area(&self) -> Option<Area> {
        Area::from_stored(
            &self.shape,
            self.centre_lat.zip(self.centre_lon),
            self.radius_km,
            self.points.as_deref(),
        )
    }
}

/// Writes a declaration of the dealer; its id.
pub fn insert(
    conn: &mut AnyConnection,
    dealer_id: &str,
    s: &Suspension,
    by: &str,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let id = super::new_id();
    let (centre, radius) = match &s.area {
        Area::Circle { centre, radius_km } => {
            (Some((centre.lat(), centre.lon())), Some(*radius_km))
        }
        Area::Polygon(_) => (None, None),
    };
    diesel::insert_into(suspensions::table)
        .values((
            suspensions::id.eq(&id),
            suspensions::dealer_id.eq(dealer_id),
            suspensions::shape.eq(s.area.shape()),
            suspensions::centre_lat.eq(centre.map(|c| c.0)),
            suspensions::centre_lon.eq(centre.map(|c| c.1)),
            suspensions::radius_km.eq(radius),
            suspensions::points.eq(s.area.points_json()),
            suspensions::starts_at.eq(s.starts_at),
            suspensions::ends_at.eq(s.ends_at),
            suspensions::reason.eq(s.reason.as_str()),
            suspensions::customer_words.eq(s.customer_words.as_ref().map(|w| w.as_str())),
            suspensions::declared_by.eq(by),
            suspensions::declared_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A suspension of the dealer.
pub fn get(
    conn: &mut AnyConnection,
    dealer_id: &str,
    id: &str,
) -> Result<Option<SuspensionRecord>, AppError> {
    Ok(suspensions::table
        .filter(suspensions::dealer_id.eq(dealer_id))
        .filter(suspensions::id.eq(id))
        .select(SuspensionRecord::as_select())
        .first(conn)
        .optional()?)
}

/// A suspension of any dealer, by id (the timer's view).
pub fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<SuspensionRecord>, AppError> {
    Ok(suspensions::table
        .filter(suspensions::id.eq(id))
        .select(SuspensionRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Lifts it if it is neither lifted nor over: false when it is (or someone lifted it meanwhile).
pub fn lift(
    conn: &mut AnyConnection,
    id: &str,
    by: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        suspensions::table
            .filter(suspensions::id.eq(id))
            .filter(suspensions::lifted_at.is_null())
            .filter(suspensions::ends_at.gt(now)),
    )
    .set((
        suspensions::lifted_by.eq(by),
        suspensions::lifted_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The dealer's suspensions that are not over or ended within `since`, the latest end first,
/// with the names of who declared and who lifted them.
pub fn recent(
    conn: &mut AnyConnection,
    dealer_id: &str,
    since: NaiveDateTime,
    limit: i64,
) -> Result<Vec<(SuspensionRecord, String)>, AppError> {
    Ok(suspensions::table
        .inner_join(users::table.on(users::id.eq(suspensions::declared_by)))
        .filter(suspensions::dealer_id.eq(dealer_id))
        .filter(suspensions::ends_at.ge(since))
        .order((suspensions::ends_at.desc(), suspensions::id.asc()))
        .limit(limit)
        .select((SuspensionRecord::as_select(), users::name))
        .load(conn)?)
}

/// A user's name (who lifted a suspension).
pub fn user_name(conn: &mut AnyConnection, id: &str) -> Result<Option<String>, AppError> {
    Ok(users::table
        .filter(users::id.eq(id))
        .select(users::name)
        .first(conn)
        .optional()?)
}

/// The suspensions of these dealers active at `now` (started, neither over nor lifted), the
/// earliest end first.
pub fn active(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    now: NaiveDateTime,
) -> Result<Vec<SuspensionRecord>, AppError> {
    Ok(suspensions::table
        .filter(suspensions::dealer_id.eq_any(dealer_ids))
        .filter(suspensions::starts_at.le(now))
        .filter(suspensions::ends_at.gt(now))
        .filter(suspensions::lifted_at.is_null())
        .order((suspensions::ends_at.asc(), suspensions::id.asc()))
        .select(SuspensionRecord::as_select())
        .load(conn)?)
}

/// The dealer's tickets in these states whose site is known (the area decides which are inside).
pub fn tickets_with_site(
    conn: &mut AnyConnection,
    dealer_id: &str,
    states: &[TicketStatus],
) -> Result<Vec<TicketRecord>, AppError> {
    Ok(tickets::table
        .filter(tickets::dealer_id.eq(dealer_id))
        .filter(tickets::status.eq_any(states))
        .filter(tickets::lat.is_not_null())
        .filter(tickets::lon.is_not_null())
        .order((tickets::call_time.asc(), tickets::id.asc()))
        .select(TicketRecord::as_select())
        .load(conn)?)
}

/// Suspensions of every dealer that ran out at their end within `[since, now]`, not lifted early
/// and whose customers were not told yet, the earliest end first.
pub fn ran_out(
    conn: &mut AnyConnection,
    since: NaiveDateTime,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<SuspensionRecord>, AppError> {
    Ok(suspensions::table
        .filter(suspensions::lifted_at.is_null())
        .filter(suspensions::resumed_told_at.is_null())
        .filter(suspensions::ends_at.le(now))
        .filter(suspensions::ends_at.ge(since))
        .order(suspensions::ends_at.asc())
        .limit(limit)
        .select(SuspensionRecord::as_select())
        .load(conn)?)
}

/// Marks that the customers were told the service is back; true for the one caller that did.
pub fn mark_resumed(
    conn: &mut AnyConnection,
    id: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        suspensions::table
            .filter(suspensions::id.eq(id))
            .filter(suspensions::lifted_at.is_null())
            .filter(suspensions::resumed_told_at.is_null()),
    )
    .set(suspensions::resumed_told_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}
