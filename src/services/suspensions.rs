//! Weather and area suspensions (停止服务区域): the service manager or director declares an area
//! and a period in which no crew goes there, and lifts it early; the customers of open tickets
//! inside are texted both times; the desk sees them (list, board, intake warning).

use chrono::{Duration, NaiveDateTime, Utc};
use serde::Serialize;

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::ids::SuspensionId;
use crate::domain::intake::{still_open, IntakeWarning};
use crate::domain::location::{Coordinates, Crs};
use crate::domain::role::Action;
use crate::domain::suspension::{is_active, Area, Suspension, SuspensionRequest};
use crate::domain::ticket::TicketStatus;
use crate::error::{AppError, ErrorCode, Thing};
use crate::notify::templates::Message;
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::suspensions::{self as repo, SuspensionRecord};
use crate::services::notify::{self, Notifier};

/// How long an ended suspension stays on the list (the desk looks back at last week's storm).
pub const LIST_DAYS: i64 = 30;
/// The most suspensions the list shows.
pub const LIST_LIMIT: i64 = 100;

/// A point of an area: WGS-84 where the view says so, else in the map's system.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AreaPoint {
    pub lat: f64,
    pub lon: f64,
}

/// `scheduled` (starts later), `active`, `ended` (its period is over) or `lifted` (ended early).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuspensionState {
    Scheduled,
    Active,
    Ended,
    Lifted,
}

impl SuspensionState {
    pub fn as_str(self) -> &'static str {
        match self {
            SuspensionState::Scheduled => "scheduled",
            SuspensionState::Active => "active",
            SuspensionState::Ended => "ended",
            SuspensionState::Lifted => "lifted",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            SuspensionState::Scheduled => "susp-state-scheduled",
            SuspensionState::Active => "susp-state-active",
            SuspensionState::Ended => "susp-state-ended",
            SuspensionState::Lifted => "susp-state-lifted",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SuspensionView {
    pub id: String,
    pub dealer_id: String,
    /// `circle` or `polygon`.
    #[schema(example = "circle")]
    pub shape: String,
    /// The circle's centre (WGS-84); null for a polygon.
    pub centre: Option<AreaPoint>,
    pub radius_km: Option<f64>,
    /// The polygon's points (WGS-84); empty for a circle.
    pub points: Vec<AreaPoint>,
    /// The centre in `map_crs`, where the map draws it.
    pub map_centre: Option<AreaPoint>,
    /// The points in `map_crs`.
    pub map_points: Vec<AreaPoint>,
    #[schema(value_type = String, example = "gcj02")]
    pub map_crs: Crs,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: NaiveDateTime,
    pub reason: String,
    /// What the customers are told; null: the catalogue's own words.
    pub customer_words: Option<String>,
    pub declared_by: String,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub declared_at: NaiveDateTime,
    /// Who lifted it early (a name), and when.
    pub lifted_by: Option<String>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub lifted_at: Option<NaiveDateTime>,
    pub state: SuspensionState,
}

/// `GET /api/v1/suspensions`: the dealer's suspensions not over or ended within 30 days, the
/// latest end first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SuspensionList {
    pub items: Vec<SuspensionView>,
    /// The actor may declare and lift them.
    pub may_manage: bool,
}

/// The answer to a declaration or a lifting: the suspension and how many customers were texted.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SuspensionChanged {
    pub suspension: SuspensionView,
    /// Open tickets inside the area whose caller got the SMS (a landline caller gets none).
    pub customers_told: usize,
}

fn pt(c: &Coordinates, crs: Crs) -> AreaPoint {
    let (lat, lon) = c.to_crs(crs);
    AreaPoint { lat, lon }
}

fn state_of(r: &SuspensionRecord, now: NaiveDateTime) -> SuspensionState {
    if r.lifted_at.is_some_and(|l| l < r.ends_at) {
        SuspensionState::Lifted
    } else if is_active(r.starts_at, r.ends_at, r.lifted_at, now) {
        SuspensionState::Active
    } else if now < r.starts_at {
        SuspensionState::Scheduled
    } else {
        SuspensionState::Ended
    }
}

/// The view of a stored suspension; `declared_by` and `lifted_by` are names.
pub fn view(
    r: SuspensionRecord,
    declared_by: String,
    lifted_by: Option<String>,
    map_crs: Crs,
    now: NaiveDateTime,
) -> SuspensionView {
    let area = r.area();
    let (centre, points) = match &area {
        Some(Area::Circle { centre, .. }) => (Some(*centre), Vec::new()),
        Some(Area::Polygon(points)) => (None, points.clone()),
        None => (None, Vec::new()),
    };
    SuspensionView {
        state: state_of(&r, now),
        centre: centre.map(|c| pt(&c, Crs::Wgs84)),
        map_centre: centre.map(|c| pt(&c, map_crs)),
        points: points.iter().map(|c| pt(c, Crs::Wgs84)).collect(),
        map_points: points.iter().map(|c| pt(c, map_crs)).collect(),
        map_crs,
        id: r.id,
        dealer_id: r.dealer_id,
        shape: r.shape,
        radius_km: r.radius_km,
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        reason: r.reason,
        customer_words: r.customer_words,
        declared_by,
        declared_at: r.declared_at,
        lifted_by,
        lifted_at: r.lifted_at,
    }
}

/// The dealer's suspensions (the whole desk may see them).
pub async fn list(db: &Db, map_crs: Crs, actor: &Identity) -> Result<SuspensionList, AppError> {
    actor.require(Action::ViewBoard)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let now = crate::repo::now();
        let rows = repo::recent(
            conn,
            &actor.dealer_id,
            now - Duration::days(LIST_DAYS),
            LIST_LIMIT,
        )?;
        let mut items = Vec::with_capacity(rows.len());
        for (r, declared_by) in rows {
            let lifted_by = match &r.lifted_by {
                Some(id) => repo::user_name(conn, id)?,
                None => None,
            };
            items.push(view(r, declared_by, lifted_by, map_crs, now));
        }
        Ok(SuspensionList {
            items,
            may_manage: actor.may(Action::ManageSuspensions),
        })
    })
    .await
}

/// Declares a suspension for the actor's dealer and texts the customers of its open tickets
/// inside the area, in one transaction.
pub async fn declare(
    db: &Db,
    n: &Notifier,
    map_crs: Crs,
    actor: &Identity,
    req: SuspensionRequest,
) -> Result<SuspensionChanged, AppError> {
    actor.require(Action::ManageSuspensions)?;
    let s = Suspension::parse(&req, Utc::now()).map_err(crate::services::tickets::field_errors)?;
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| {
        let now = crate::repo::now();
        let id = repo::insert(conn, &actor.dealer_id, &s, actor.user()?, now)?;
        let r = repo::get(conn, &actor.dealer_id, &id)?
            .ok_or_else(|| AppError::internal("declared suspension vanished"))?;
        let told = tell_customers(conn, &n, &r, &s.area, false)?;
        audit::append(
            conn,
            NewAuditEvent {
                dealer_id: Some(&actor.dealer_id),
                ticket_id: None,
                entity: "suspension",
                entity_id: &id,
                action: "suspension.declared",
                actor_id: actor.audit_actor(),
                from_status: None,
                to_status: None,
                comment: Some(s.reason.as_str()),
                data: Some(serde_json::json!({ "customers_told": told })),
            },
        )?;
        tracing::info!(suspension = %id, dealer = %actor.dealer_id, customers_told = told, "area suspended");
        Ok(SuspensionChanged {
            suspension: view(r, actor.name.clone(), None, map_crs, now),
            customers_told: told,
        })
    })
    .await
}

/// Lifts a suspension of the actor's dealer early (who and when are recorded) and texts the
/// customers of the open tickets inside again; `409 stale_state` when it is over or lifted.
pub async fn lift(
    db: &Db,
    n: &Notifier,
    map_crs: Crs,
    actor: &Identity,
    id: SuspensionId,
) -> Result<SuspensionChanged, AppError> {
    actor.require(Action::ManageSuspensions)?;
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| {
        let now = crate::repo::now();
        let r = repo::get(conn, &actor.dealer_id, id.as_str())?
            .ok_or_else(|| AppError::not_found(Thing::Record))?;
        if !repo::lift(conn, &r.id, actor.user()?, now)? {
            return Err(AppError::msg(
                ErrorCode::StaleState,
                "susp-already-over",
                &[],
            ));
        }
        let area = r
            .area()
            .ok_or_else(|| AppError::internal("stored suspension has no area"))?;
        let told = tell_customers(conn, &n, &r, &area, true)?;
        audit::append(
            conn,
            NewAuditEvent {
                dealer_id: Some(&actor.dealer_id),
                ticket_id: None,
                entity: "suspension",
                entity_id: &r.id,
                action: "suspension.lifted",
                actor_id: actor.audit_actor(),
                from_status: None,
                to_status: None,
                comment: None,
                data: Some(serde_json::json!({ "customers_told": told })),
            },
        )?;
        let declared_by = repo::user_name(conn, &r.declared_by)?.unwrap_or_default();
        let r = repo::get(conn, &actor.dealer_id, &r.id)?
            .ok_or_else(|| AppError::internal("lifted suspension vanished"))?;
        Ok(SuspensionChanged {
            suspension: view(r, declared_by, Some(actor.name.clone()), map_crs, now),
            customers_told: told,
        })
    })
    .await
}

/// How far back the timer looks for a suspension that ran out: a worker down longer than this
/// does not text customers a day late that service is back.
pub const RESUMED_LOOKBACK_HOURS: i64 = 6;

/// The suspensions that ran out and whose customers are still to be told (the timer's read).
pub fn ran_out(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<String>, AppError> {
    let since = now - chrono::Duration::hours(RESUMED_LOOKBACK_HOURS);
    Ok(repo::ran_out(conn, since, now, limit)?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// Tells the customers of the open tickets inside a suspension that ran out that service is
/// back, once (the guarded mark decides between workers), with an audit event; the number
/// texted, or `None` when it was not (or no longer) due.
pub fn tell_resumed(
    conn: &mut AnyConnection,
    n: &Notifier,
    id: &str,
    now: NaiveDateTime,
) -> Result<Option<usize>, AppError> {
    // The guarded mark decides between workers; the row is read to tell its customers.
    let Some(r) = repo::by_id(conn, id)? else {
        return Ok(None);
    };
    if r.ends_at > now || !repo::mark_resumed(conn, &r.id, now)? {
        return Ok(None);
    }
    let area = r
        .area()
        .ok_or_else(|| AppError::internal("stored suspension has no area"))?;
    let told = tell_customers(conn, n, &r, &area, true)?;
    audit::append(
        conn,
        NewAuditEvent {
            dealer_id: Some(&r.dealer_id),
            ticket_id: None,
            entity: "suspension",
            entity_id: &r.id,
            action: "suspension.ran_out",
            actor_id: None,
            from_status: None,
            to_status: None,
            comment: None,
            data: Some(serde_json::json!({ "customers_told": told })),
        },
    )?;
    tracing::info!(suspension = %r.id, told, "suspension ran out: customers told service is back");
    Ok(Some(told))
}

fn open_states() -> Vec<TicketStatus> {
    TicketStatus::ALL
        .into_iter()
        .filter(|s| still_open(*s))
        .collect()
}

/// Texts the caller of each open ticket of the dealer whose site lies inside; how many were
/// texted (a landline caller gets no SMS).
fn tell_customers(
    conn: &mut AnyConnection,
    n: &Notifier,
    r: &SuspensionRecord,
    area: &Area,
    lifted: bool,
) -> Result<usize, AppError> {
    let mut told = 0;
    for t in repo::tickets_with_site(conn, &r.dealer_id, &open_states())? {
        let Ok(site) = t.site() else { continue };
        if !area.contains(&site) {
            continue;
        }
        let msg = if lifted {
            Message::CustomerSuspensionLifted {
                customer_name: t.customer_name.clone(),
                number: t.number.clone(),
            }
        } else {
            Message::CustomerSuspension {
                customer_name: t.customer_name.clone(),
                number: t.number.clone(),
                words: r.customer_words.clone(),
                from: n.local(r.starts_at),
                until: n.local(r.ends_at),
            }
        };
        // The same test `notify::customer` makes: SMS reach mobiles only.
        if crate::domain::phone::PhoneNumber::parse(&t.phone).is_ok_and(|p| p.is_mobile()) {
            told += 1;
        }
        notify::customer(conn, &t, &msg)?;
    }
    Ok(told)
}

/// The intake's warnings for a site inside an active suspension of the dealer: the reason, the
/// end (local time) and the words for the customer.
pub fn warnings_at(
    conn: &mut AnyConnection,
    dealer_id: &str,
    site: &Coordinates,
    utc_offset_hours: i32,
) -> Result<Vec<IntakeWarning>, AppError> {
    let now = crate::repo::now();
    let offset = Duration::hours(i64::from(utc_offset_hours));
    Ok(repo::active(conn, &[dealer_id.to_owned()], now)?
        .into_iter()
        .filter(|r| r.area().is_some_and(|a| a.contains(site)))
        .map(|r| {
            let until = (r.ends_at + offset).format("%m-%d %H:%M").to_string();
            IntakeWarning::inside_suspension(r.id, &r.reason, until, r.customer_words)
        })
        .collect())
}

/// The same warnings for a site being typed on the intake form (no ticket yet).
pub async fn site_warnings(
    db: &Db,
    actor: &Identity,
    site: Coordinates,
    utc_offset_hours: i32,
) -> Result<Vec<IntakeWarning>, AppError> {
    actor.require(Action::CreateTicket)?;
    let dealer = actor.dealer_id.clone();
    db.read(move |conn| warnings_at(conn, &dealer, &site, utc_offset_hours))
        .await
}

/// The active suspensions of these dealers, for the board.
pub fn active_views(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    map_crs: Crs,
) -> Result<Vec<SuspensionView>, AppError> {
    let now = crate::repo::now();
    let mut out = Vec::new();
    for r in repo::active(conn, dealer_ids, now)? {
        let declared_by = repo::user_name(conn, &r.declared_by)?.unwrap_or_default();
        out.push(view(r, declared_by, None, map_crs, now));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(lifted_at: Option<NaiveDateTime>) -> SuspensionRecord {
        let t = chrono::DateTime::parse_from_rfc3339("2026-12-02T02:00:00Z")
            .unwrap()
            .naive_utc();
        SuspensionRecord {
            id: "s".into(),
            dealer_id: "d".into(),
            shape: "circle".into(),
            centre_lat: Some(30.0),
            centre_lon: Some(120.0),
            radius_km: Some(5.0),
            points: None,
            starts_at: t,
            ends_at: t + Duration::hours(10),
            reason: "台风".into(),
            customer_words: None,
            declared_by: "u".into(),
            declared_at: t,
            lifted_by: lifted_at.map(|_| "u".into()),
            lifted_at,
        }
    }

    #[test]
    fn the_state_follows_the_period_and_the_lifting() {
        let r = record(None);
        let h = |n: i64| r.starts_at + Duration::hours(n);
        assert_eq!(state_of(&r, h(-1)), SuspensionState::Scheduled);
        assert_eq!(state_of(&r, h(0)), SuspensionState::Active);
        assert_eq!(state_of(&r, h(10)), SuspensionState::Ended);
        let lifted = record(Some(h(2)));
        assert_eq!(state_of(&lifted, h(1)), SuspensionState::Lifted);
        assert_eq!(state_of(&lifted, h(11)), SuspensionState::Lifted);
    }
}
