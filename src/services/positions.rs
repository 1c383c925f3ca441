//! The crew's phone on the road: a crew member's shared position (browser geolocation, WGS-84),
//! stored as the last one per technician and ticket with the drive from there to the site, and
//! read back as the distance and arrival the ticket page, the board and the customer see.
//!
//! Why the arrival is computed at read and not written on the ticket: `tickets.expected_arrival_at`
//! is what the customer was told at the consent call (the parts outlook and the audit rest on it),
//! and a phone sends every 30 seconds: writing the ticket each time would contend with every
//! guarded status update. The position row holds the drive (routed or estimated, worked out once
//! when the position arrives, outside the transaction); pages add it to the fix time and count
//! down from there.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::auth::Identity;
use crate::db::Db;
use crate::domain::eta::{self, EtaConfig, Source};
use crate::domain::ids::TicketId;
use crate::domain::location::{Coordinates, Crs};
use crate::domain::ticket::TicketStatus;
use crate::error::{AppError, ErrorCode};
use crate::i18n::Msg;
use crate::repo::positions::{self as repo, PositionRecord};
use crate::repo::tickets::TicketRecord;
use crate::routing::Router;
use crate::services::common;

/// At most one stored position per technician and ticket in this many seconds: a phone that
/// sends more often costs a read, never a write.
pub const MIN_INTERVAL_S: i64 = 10;
/// A fix less precise than this (metres) says nothing about where the van is.
pub const MAX_ACCURACY_M: f64 = 5000.0;
/// A phone's fix time is believed within this many hours before the server's clock.
const MAX_FIX_AGE_H: i64 = 24;
/// … and this many minutes after it (phone clocks run a little ahead).
const MAX_FIX_AHEAD_MIN: i64 = 5;

/// What the phone sends.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PositionReport {
    /// WGS-84 latitude (browser geolocation is GPS).
    pub lat: f64,
    pub lon: f64,
    /// The fix's accuracy in metres (`coords.accuracy`), 0 to 5000.
    pub accuracy: f64,
    /// When the phone took the fix, in ms since the epoch (`GeolocationPosition.timestamp`).
    pub at: Option<i64>,
}

/// The crew's drive to the site as pages show it: never where the crew is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CrewEta {
    /// Road kilometres from the crew's last position to the site, to 0.1 km.
    pub km: f64,
    /// Whole minutes left until the arrival this position gives (0 once it is due).
    pub minutes_left: i64,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub arrival_at: NaiveDateTime,
    /// When the phone took the position.
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub fixed_at: NaiveDateTime,
    /// Older than `[eta] position_stale_s`: shown as stale, never as live.
    pub stale: bool,
    /// Whether the drive is the routing service's or the estimate.
    pub source: Source,
}

/// The crew is on the road: departed and not yet at the car. Only then are positions taken and
/// shown.
pub fn on_the_road(status: TicketStatus, crew_on_site: bool) -> bool {
    status == TicketStatus::Dispatched && !crew_on_site
}

fn not_on_the_road(t: &TicketRecord) -> AppError {
    AppError::msg(
        ErrorCode::JobNotActive,
        "crew-position-job-not-active",
        &[("status", t.status.as_str().into())],
    )
    .labelled("status", t.status.label_key())
}

fn too_soon() -> AppError {
    AppError::msg(
        ErrorCode::TooManyAttempts,
        "crew-position-too-soon",
        &[("seconds", MIN_INTERVAL_S.into())],
    )
    .with_retry_after(MIN_INTERVAL_S as u64)
}

/// The fix time the phone gave, if believable, never later than `now`; `now` when none came.
fn fix_time(at: Option<i64>, now: NaiveDateTime) -> Result<NaiveDateTime, AppError> {
    let Some(ms) = at else {
        return Ok(now);
    };
    match chrono::DateTime::from_timestamp_millis(ms).map(|t| t.naive_utc()) {
        Some(t)
            if t >= now - chrono::Duration::hours(MAX_FIX_AGE_H)
                && t <= now + chrono::Duration::minutes(MAX_FIX_AHEAD_MIN) =>
        {
            Ok(t.min(now))
        }
        _ => Err(AppError::field("at", Msg::new("crew-position-time-bad"))),
    }
}

/// A crew member's phone reports where it is. Checks, in this order: the ticket is the actor's
/// dealer's (else 404), the actor is on its crew (403 `not_in_crew`), the crew is on the road
/// (409 `job_not_active`), the last position is at least [`MIN_INTERVAL_S`] old (429). The
/// route to the site is asked outside any transaction; the write is guarded again.
pub async fn report(
    db: &Db,
    router: &Router,
    actor: &Identity,
    ticket_id: TicketId,
    req: PositionReport,
) -> Result<(), AppError> {
    let now = crate::repo::now();
    let point = Coordinates::parse(req.lat, req.lon, Crs::Wgs84)
        .map_err(|e| AppError::field("position", e.msg()))?;
    if !(req.accuracy.is_finite() && (0.0..=MAX_ACCURACY_M).contains(&req.accuracy)) {
        return Err(AppError::field(
            "accuracy",
            Msg::with(
                "crew-position-accuracy-range",
                &[("max", (MAX_ACCURACY_M as i64).into())],
            ),
        ));
    }
    let fixed_at = fix_time(req.at, now)?;
    let cutoff = now - chrono::Duration::seconds(MIN_INTERVAL_S);
    let (who, id) = (actor.clone(), ticket_id.clone());
    let (technician_id, site) = db
        .read(move |conn| {
            let ticket = common::load(conn, &who, &id)?;
            let crew = crate::repo::plans::current(conn, &ticket.id)?
                .map(|p| crate::repo::plans::lines(conn, p))
                .transpose()?
                .map(|l| l.crew)
                .unwrap_or_default();
            let me = crew
                .iter()
                .find(|c| common::is_member(&who, &c.technician_id, c.user_id.as_deref()))
                .ok_or_else(|| AppError::msg(ErrorCode::NotInCrew, "job-not-on-crew", &[]))?;
            if !on_the_road(ticket.status, ticket.crew_on_site) {
                return Err(not_on_the_road(&ticket));
            }
            if repo::last_received(conn, &ticket.id, &me.technician_id)?.is_some_and(|t| t > cutoff)
            {
                return Err(too_soon());
            }
            Ok((me.technician_id.clone(), ticket.site()?))
        })
        .await?;
    let drive = router.drive(&point, &site).await;
    let record = PositionRecord {
        ticket_id: ticket_id.to_string(),
        technician_id,
        lat: point.lat(),
        lon: point.lon(),
        accuracy_m: req.accuracy,
        fixed_at,
        received_at: now,
        road_km: drive.km,
        drive_minutes: i32::try_from(drive.minutes).unwrap_or(i32::MAX),
        source: drive.source.as_str().to_owned(),
    };
    let actor = actor.clone();
    db.write(move |conn| {
        // The crew may have arrived while the route was asked for.
        let ticket = common::load(conn, &actor, &record.ticket_id)?;
        if !on_the_road(ticket.status, ticket.crew_on_site) {
            return Err(not_on_the_road(&ticket));
        }
        if !repo::store(conn, &record, cutoff)? {
            return Err(too_soon());
        }
        Ok(())
    })
    .await
}

/// The drive a stored position gives, as of `now`.
pub fn eta_of(p: &PositionRecord, now: NaiveDateTime, stale_s: u64) -> CrewEta {
    let (arrival_at, minutes_left) = eta::arrival_from(p.fixed_at, i64::from(p.drive_minutes), now);
    CrewEta {
        km: (p.road_km * 10.0).round() / 10.0,
        minutes_left,
        arrival_at,
        fixed_at: p.fixed_at,
        stale: eta::is_stale(p.fixed_at, now, stale_s),
        source: if p.source == Source::Routed.as_str() {
            Source::Routed
        } else {
            Source::Estimated
        },
    }
}

/// The crew's drive for one ticket of the actor's dealer (the ticket page), while on the road.
pub async fn for_ticket(
    db: &Db,
    eta: &EtaConfig,
    actor: &Identity,
    ticket_id: TicketId,
) -> Result<Option<CrewEta>, AppError> {
    let (actor, stale_s) = (actor.clone(), eta.position_stale_s);
    db.read(move |conn| {
        let t = common::load(conn, &actor, &ticket_id)?;
        latest(conn, &t, stale_s)
    })
    .await
}

/// The crew's drive for the customer's status page (the link was checked by the caller).
pub async fn for_customer(
    db: &Db,
    eta: &EtaConfig,
    ticket_id: TicketId,
) -> Result<Option<CrewEta>, AppError> {
    let stale_s = eta.position_stale_s;
    db.read(move |conn| {
        let t = crate::repo::tickets::by_id(conn, &ticket_id)?;
        latest(conn, &t, stale_s)
    })
    .await
}

fn latest(
    conn: &mut crate::db::AnyConnection,
    t: &TicketRecord,
    stale_s: u64,
) -> Result<Option<CrewEta>, AppError> {
    if !on_the_road(t.status, t.crew_on_site) {
        return Ok(None);
    }
    let now = crate::repo::now();
    Ok(repo::latest_for(conn, &[t.id.as_str()])?
        .first()
        .map(|p| eta_of(p, now, stale_s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn only_a_crew_on_the_road_shares_its_position() {
        assert!(on_the_road(TicketStatus::Dispatched, false));
        assert!(!on_the_road(TicketStatus::Dispatched, true));
        for s in [
            TicketStatus::Approved,
            TicketStatus::OnSite,
            TicketStatus::Replanning,
            TicketStatus::Resolved,
            TicketStatus::Closed,
            TicketStatus::Cancelled,
        ] {
            assert!(!on_the_road(s, false), "{s:?}");
        }
    }

    #[test]
    fn the_phone_time_is_bounded_and_never_ahead() {
        let now = t(10, 42);
        let ms = |x: NaiveDateTime| x.and_utc().timestamp_millis();
        assert_eq!(fix_time(None, now).unwrap(), now);
        assert_eq!(fix_time(Some(ms(t(10, 40))), now).unwrap(), t(10, 40));
        assert_eq!(fix_time(Some(ms(t(10, 44))), now).unwrap(), now);
        assert!(fix_time(Some(ms(t(10, 50))), now).is_err());
        assert!(fix_time(Some(ms(now - chrono::Duration::hours(25))), now).is_err());
        assert!(fix_time(Some(i64::MAX), now).is_err());
    }

    #[test]
    fn a_stored_position_reads_as_distance_and_arrival() {
        let p = PositionRecord {
            ticket_id: "t".into(),
            technician_id: "x".into(),
            lat: 30.0,
            lon: 120.0,
            accuracy_m: 10.0,
            fixed_at: t(10, 42),
            received_at: t(10, 42),
            road_km: 12.04,
            drive_minutes: 15,
            source: "routed".into(),
        };
        let e = eta_of(&p, t(10, 45), 300);
        assert_eq!(e.km, 12.0);
        assert_eq!(e.minutes_left, 12);
        assert_eq!(e.arrival_at, t(10, 57));
        assert!(!e.stale);
        assert_eq!(e.source, Source::Routed);
        assert!(eta_of(&p, t(10, 48), 300).stale);
    }
}
