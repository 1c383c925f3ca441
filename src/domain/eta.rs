//! Distances and arrival estimates: great-circle distance, a road-distance estimate, drive times and clock arithmetic on naive-UTC times.

use chrono::{Duration, NaiveDateTime};
use geo::{Distance, Haversine, Point};
use serde::Deserialize;

use super::location::Coordinates;

/// Roads are longer than the great circle. Across the Yangtze delta the
/// expressway distance between cities is typically 1.2–1.4 times the straight
/// line (Hangzhou–Ningbo: 141 km straight, about 150–170 km by G92), so 1.3 is
/// a fair single figure when no routing service is available. The figure in use
/// is `[eta] road_factor`; this one is the shipped default (and `[sourcing]`'s).
pub const DEFAULT_ROAD_FACTOR: f64 = 1.3;

/// Great-circle (haversine) distance in kilometres, on the IUGG mean-radius sphere.
pub fn great_circle_km(a: &Coordinates, b: &Coordinates) -> f64 {
    // geo points are (x, y) = (longitude, latitude); the result is in metres.
    let pa = Point::new(a.lon(), a.lat());
    let pb = Point::new(b.lon(), b.lat());
    Haversine.distance(pa, pb) / 1000.0
}

/// Estimated road distance in kilometres: great circle × `road_factor`.
///
/// A factor below 1 (or not a number) would claim a road shorter than the
/// straight line, so it is treated as 1 rather than trusted; configuration
/// validation should have refused it already.
pub fn road_km(a: &Coordinates, b: &Coordinates, road_factor: f64) -> f64 {
    great_circle_km(a, b) * sane_factor(road_factor)
}

/// `[eta]`: how RescueDesk estimates a crew's drive when no routing service answers, the
/// optional routing service (OSRM HTTP API), and when a crew's shared position is stale.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EtaConfig {
    /// Road distance = great-circle distance × this (at least 1).
    pub road_factor: f64,
    /// Average speed, km/h, for the first `urban_km` of straight distance (city streets).
    pub urban_kmh: f64,
    /// Average speed, km/h, beyond it (ring roads and expressways).
    pub highway_kmh: f64,
    /// Straight-line kilometres driven at the urban speed before the highway speed applies.
    pub urban_km: f64,
    /// Minutes to load the van and leave once approved.
    pub prepare_minutes: u32,
    /// Base URL of an OSRM-compatible routing service; empty = estimate only.
    pub routing_url: String,
    /// How long to wait for the routing service, in milliseconds, before estimating instead.
    pub routing_timeout_ms: u64,
    /// A crew position older than this many seconds is shown as stale, never as live.
    pub position_stale_s: u64,
}

impl Default for EtaConfig {
    /// The shipped `[eta]` section (config/default.toml says why these numbers).
    fn default() -> Self {
        EtaConfig {
            road_factor: DEFAULT_ROAD_FACTOR,
            urban_kmh: 40.0,
            highway_kmh: 80.0,
            urban_km: 20.0,
            prepare_minutes: 15,
            routing_url: String::new(),
            routing_timeout_ms: 1500,
            position_stale_s: 300,
        }
    }
}

impl EtaConfig {
    /// The checks serde cannot express: (key, message) of the first bad value.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        let ok = |v: f64, lo: f64, hi: f64| v.is_finite() && (lo..=hi).contains(&v);
        if !ok(self.road_factor, 1.0, 3.0) {
            return Err(("eta.road_factor", "must be between 1.0 and 3.0"));
        }
        if !ok(self.urban_kmh, f64::MIN_POSITIVE, 200.0) {
            return Err(("eta.urban_kmh", "must be above 0 and at most 200"));
        }
        if !ok(self.highway_kmh, f64::MIN_POSITIVE, 200.0) {
            return Err(("eta.highway_kmh", "must be above 0 and at most 200"));
        }
        if !ok(self.urban_km, 0.0, 1000.0) {
            return Err(("eta.urban_km", "must be between 0 and 1000"));
        }
        if self.prepare_minutes > 240 {
            return Err(("eta.prepare_minutes", "must be at most 240"));
        }
        let url = self.routing_url.trim();
        let web = url.starts_with("http://") || url.starts_with("https://");
        if (!url.is_empty() && !web) || url.len() > 500 {
            return Err((
                "eta.routing_url",
                "must be empty or an http:// or https:// URL (at most 500 characters)",
            ));
        }
        if !(50..=30_000).contains(&self.routing_timeout_ms) {
            return Err((
                "eta.routing_timeout_ms",
                "must be between 50 and 30000 milliseconds",
            ));
        }
        if !(30..=86_400).contains(&self.position_stale_s) {
            return Err((
                "eta.position_stale_s",
                "must be between 30 and 86400 seconds",
            ));
        }
        Ok(())
    }

    /// The estimate's figures alone (small and `Copy`, for closures that run on the pool).
    pub fn model(&self) -> RoadModel {
        RoadModel {
            road_factor: sane_factor(self.road_factor),
            urban_kmh: self.urban_kmh,
            highway_kmh: self.highway_kmh,
            urban_km: self.urban_km,
            prepare_minutes: self.prepare_minutes,
        }
    }
}

/// The road estimate: a detour factor and two speed bands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadModel {
    pub road_factor: f64,
    pub urban_kmh: f64,
    pub highway_kmh: f64,
    pub urban_km: f64,
    pub prepare_minutes: u32,
}

impl Default for RoadModel {
    fn default() -> Self {
        EtaConfig::default().model()
    }
}

/// Which figure an arrival estimate rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The routing service's route (road distance and duration).
    Routed,
    /// The straight line × road factor at the speed bands.
    Estimated,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Routed => "routed",
            Source::Estimated => "estimated",
        }
    }
}

/// A drive from one point to another: road kilometres, whole minutes (rounded up), and whence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drive {
    pub km: f64,
    pub minutes: i64,
    pub source: Source,
}

impl RoadModel {
    /// Minutes to drive `road_km`: the first `urban_km × road_factor` road kilometres at the
    /// urban speed, the rest at the highway speed; rounded up (a promise to the customer should
    /// never be earlier than the sum). 0 for a negative or non-finite distance.
    pub fn minutes_for_road_km(&self, road_km: f64) -> i64 {
        if !road_km.is_finite() || road_km <= 0.0 {
            return 0;
        }
        let urban_road = (self.urban_km * self.road_factor).max(0.0);
        let in_town = road_km.min(urban_road);
        let beyond = (road_km - in_town).max(0.0);
        let hours = in_town / self.urban_kmh.max(f64::MIN_POSITIVE)
            + beyond / self.highway_kmh.max(f64::MIN_POSITIVE);
        // `as` saturates; no real drive gets near the limit, but it must not wrap.
        ((hours * 60.0) - 1e-9).ceil().max(0.0) as i64
    }

    /// The estimated drive from `a` to `b`.
    pub fn estimate(&self, a: &Coordinates, b: &Coordinates) -> Drive {
        let km = road_km(a, b, self.road_factor);
        Drive {
            km,
            minutes: self.minutes_for_road_km(km),
            source: Source::Estimated,
        }
    }

    /// The plan's default travel distance, dealer to site: the road estimate, to 0.1 km (the
    /// plan shows and prices it at that precision).
    pub fn plan_travel_km(&self, dealer: &Coordinates, site: &Coordinates) -> f64 {
        (road_km(dealer, site, self.road_factor) * 10.0).round() / 10.0
    }

    /// The default arrival estimate: preparation plus the plan's travel distance at the speed
    /// bands.
    pub fn default_arrival(&self, now: NaiveDateTime, travel_km: f64) -> NaiveDateTime {
        after_minutes(
            now,
            i64::from(self.prepare_minutes) + self.minutes_for_road_km(travel_km),
        )
    }
}

/// A crew position is stale once it is older than `stale_s` seconds (`[eta] position_stale_s`):
/// pages show it as such, never as live. A fix from the future (a phone's clock ahead) counts
/// as now.
pub fn is_stale(fixed_at: NaiveDateTime, now: NaiveDateTime, stale_s: u64) -> bool {
    let age = now.signed_duration_since(fixed_at).num_seconds();
    age > i64::try_from(stale_s).unwrap_or(i64::MAX)
}

/// The arrival a crew's position gives: when the fix was taken plus the drive from there, and
/// the whole minutes left from `now` (0 once it is due: the crew is late, not early).
pub fn arrival_from(
    fixed_at: NaiveDateTime,
    drive_minutes: i64,
    now: NaiveDateTime,
) -> (NaiveDateTime, i64) {
    let arrival = after_minutes(fixed_at, drive_minutes);
    let left_s = arrival.signed_duration_since(now).num_seconds().max(0);
    (arrival, (left_s + 59) / 60)
}

fn sane_factor(factor: f64) -> f64 {
    if factor.is_finite() && factor >= 1.0 {
        factor
    } else {
        1.0
    }
}

/// Time to drive `road_km` at an average `speed_kmh`, rounded up to whole
/// minutes: a promise to the customer should never be earlier than the sum.
///
/// `None` when the inputs cannot give a time (speed 0, negative or
/// non-finite distance) so callers drop the option instead of showing nonsense.
pub fn drive_time(road_km: f64, speed_kmh: u32) -> Option<Duration> {
    if speed_kmh == 0 || !road_km.is_finite() || road_km < 0.0 {
        return None;
    }
    let minutes = (road_km * 60.0 / f64::from(speed_kmh)).ceil();
    // `as` saturates; no real drive gets near the limit, but it must not wrap.
    Duration::try_minutes(minutes as i64)
}

/// `at + by`, saturating at chrono's limits instead of panicking: an absurd
/// configured lead time must not bring down the page that shows it.
pub fn after(at: NaiveDateTime, by: Duration) -> NaiveDateTime {
    at.checked_add_signed(by)
        .unwrap_or(if by < Duration::zero() {
            NaiveDateTime::MIN
        } else {
            NaiveDateTime::MAX
        })
}

/// `at` plus whole minutes (saturating, like [`after`]).
pub fn after_minutes(at: NaiveDateTime, minutes: i64) -> NaiveDateTime {
    match Duration::try_minutes(minutes) {
        Some(d) => after(at, d),
        None if minutes < 0 => NaiveDateTime::MIN,
        None => NaiveDateTime::MAX,
    }
}

/// `at` plus whole hours (saturating, like [`after`]).
pub fn after_hours(at: NaiveDateTime, hours: i64) -> NaiveDateTime {
    after_minutes(at, hours.saturating_mul(60))
}

/// Whole minutes from `from` to `to` (negative when `to` is earlier),
/// truncated towards zero.
pub fn minutes_between(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    to.signed_duration_since(from).num_minutes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::location::Crs;
    use chrono::NaiveDate;

    fn at(lat: f64, lon: f64) -> Coordinates {
        Coordinates::parse(lat, lon, Crs::Wgs84).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 3, 10)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    /// The haversine formula written out, independent of geo.
    fn hand_haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
        let r = 6371.0088;
        let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
        let dp = p2 - p1;
        let dl = (b.1 - a.1).to_radians();
        let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * r * h.sqrt().asin()
    }

    #[test]
    fn hangzhou_to_ningbo_great_circle() {
        let (hz, nb) = ((30.2741, 120.1551), (29.8683, 121.5440));
        let km = great_circle_km(&at(hz.0, hz.1), &at(nb.0, nb.1));
        // 141.06 km by the formula above (and by any online great-circle calculator).
        assert!((km - 141.062).abs() < 0.01, "{km}");
        assert!((km - hand_haversine_km(hz, nb)).abs() < 1e-6);
        // Agrees with the crate's own hand-written haversine too.
        assert!((km - at(hz.0, hz.1).haversine_km(&at(nb.0, nb.1))).abs() < 1e-6);
        // Symmetric.
        assert!((km - great_circle_km(&at(nb.0, nb.1), &at(hz.0, hz.1))).abs() < 1e-9);
    }

    #[test]
    fn road_estimate_applies_the_factor() {
        let (hz, nb) = (at(30.2741, 120.1551), at(29.8683, 121.5440));
        let straight = great_circle_km(&hz, &nb);
        assert!((road_km(&hz, &nb, DEFAULT_ROAD_FACTOR) - straight * 1.3).abs() < 1e-9);
        assert!((road_km(&hz, &nb, 1.5) - straight * 1.5).abs() < 1e-9);
        // Nonsense factors never make the road shorter than the straight line.
        for bad in [0.5, 0.0, -2.0, f64::NAN, f64::INFINITY] {
            assert!((road_km(&hz, &nb, bad) - straight).abs() < 1e-9, "{bad}");
        }
        assert_eq!(road_km(&hz, &hz, DEFAULT_ROAD_FACTOR), 0.0);
    }

    #[test]
    fn plan_travel_is_the_road_estimate_to_a_tenth() {
        let (hz, nb) = (at(30.2741, 120.1551), at(29.8683, 121.5440));
        let m = RoadModel::default();
        // 141.062 km straight × 1.3 = 183.38 km.
        assert_eq!(m.plan_travel_km(&hz, &nb), 183.4);
        assert_eq!(m.plan_travel_km(&hz, &hz), 0.0);
        let wider = RoadModel {
            road_factor: 1.5,
            ..m
        };
        // × 1.5 = 211.59 km.
        assert_eq!(wider.plan_travel_km(&hz, &nb), 211.6);
    }

    #[test]
    fn default_arrival_is_preparation_plus_the_drive() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        let m = RoadModel::default();
        // 20 km inside town at 40 km/h is 30 minutes, after 15 minutes of loading.
        assert_eq!(m.default_arrival(now, 20.0), now + Duration::minutes(45));
        assert_eq!(m.default_arrival(now, 0.0), now + Duration::minutes(15));
        let slow_start = RoadModel {
            prepare_minutes: 30,
            ..m
        };
        assert_eq!(
            slow_start.default_arrival(now, 20.0),
            now + Duration::minutes(60)
        );
    }

    #[test]
    fn speed_bands_split_the_road_at_the_urban_distance() {
        // 20 km straight × 1.3 = 26 road km in town at 40 km/h (39 min), the rest at 80 km/h.
        let m = RoadModel::default();
        assert_eq!(m.minutes_for_road_km(26.0), 39);
        // 106 road km: 26 in town (39 min) + 80 on the expressway (60 min).
        assert_eq!(m.minutes_for_road_km(106.0), 99);
        // Hangzhou–Ningbo: 183.38 road km = 39 min + 157.38 km at 80 km/h (118.04 min) → 158.
        let (hz, nb) = (at(30.2741, 120.1551), at(29.8683, 121.5440));
        let d = m.estimate(&hz, &nb);
        assert!((d.km - 183.381).abs() < 0.01, "{d:?}");
        assert_eq!(d.minutes, 158);
        assert_eq!(d.source, Source::Estimated);
        // No urban band: all at the highway speed; an urban band longer than the trip: all urban.
        let open_road = RoadModel { urban_km: 0.0, ..m };
        assert_eq!(open_road.minutes_for_road_km(80.0), 60);
        let all_town = RoadModel {
            urban_km: 1000.0,
            ..m
        };
        assert_eq!(all_town.minutes_for_road_km(80.0), 120);
        // Rounded up, never early; nothing for nothing or nonsense.
        assert_eq!(m.minutes_for_road_km(0.1), 1);
        assert_eq!(m.minutes_for_road_km(0.0), 0);
        assert_eq!(m.minutes_for_road_km(-3.0), 0);
        assert_eq!(m.minutes_for_road_km(f64::NAN), 0);
    }

    #[test]
    fn a_position_goes_stale_after_the_configured_age() {
        let fix = t(10, 42);
        assert!(!is_stale(fix, fix, 300));
        assert!(
            !is_stale(fix, fix + Duration::seconds(300), 300),
            "at the limit: live"
        );
        assert!(is_stale(fix, fix + Duration::seconds(301), 300));
        assert!(is_stale(fix, t(11, 0), 300));
        assert!(!is_stale(fix, t(11, 0), 3600));
        assert!(
            !is_stale(t(10, 50), fix, 300),
            "a phone clock ahead is not stale"
        );
    }

    #[test]
    fn the_arrival_counts_down_from_the_fix() {
        // Fixed at 10:42, 15 minutes from the site: due 10:57.
        let (at, left) = arrival_from(t(10, 42), 15, t(10, 42));
        assert_eq!((at, left), (t(10, 57), 15));
        assert_eq!(arrival_from(t(10, 42), 15, t(10, 50)).1, 7);
        assert_eq!(
            arrival_from(t(10, 42), 15, t(10, 50) + Duration::seconds(1)).1,
            7,
            "6 min 59 s left reads 7 minutes"
        );
        assert_eq!(
            arrival_from(t(10, 42), 15, t(11, 30)).1,
            0,
            "late: 0, never negative"
        );
    }

    #[test]
    fn the_configuration_is_checked() {
        let good = EtaConfig::default();
        assert_eq!(good.validate(), Ok(()));
        let check = |f: fn(&mut EtaConfig)| {
            let mut c = EtaConfig::default();
            f(&mut c);
            c.validate().unwrap_err().0
        };
        assert_eq!(check(|c| c.road_factor = 0.9), "eta.road_factor");
        assert_eq!(check(|c| c.road_factor = f64::NAN), "eta.road_factor");
        assert_eq!(check(|c| c.urban_kmh = 0.0), "eta.urban_kmh");
        assert_eq!(check(|c| c.highway_kmh = -80.0), "eta.highway_kmh");
        assert_eq!(check(|c| c.urban_km = -1.0), "eta.urban_km");
        assert_eq!(
            check(|c| c.routing_url = "ftp://x".into()),
            "eta.routing_url"
        );
        assert_eq!(
            check(|c| c.routing_timeout_ms = 0),
            "eta.routing_timeout_ms"
        );
        assert_eq!(check(|c| c.position_stale_s = 5), "eta.position_stale_s");
        let routed = EtaConfig {
            routing_url: "http://127.0.0.1:5000".into(),
            ..EtaConfig::default()
        };
        assert_eq!(routed.validate(), Ok(()));
    }

    #[test]
    fn drive_time_rounds_up_to_whole_minutes() {
        assert_eq!(drive_time(60.0, 60), Some(Duration::minutes(60)));
        assert_eq!(drive_time(60.01, 60), Some(Duration::minutes(61)));
        assert_eq!(drive_time(0.0, 60), Some(Duration::zero()));
        assert_eq!(drive_time(0.1, 60), Some(Duration::minutes(1)));
        assert_eq!(drive_time(100.0, 80), Some(Duration::minutes(75)));
        assert_eq!(drive_time(36.376, 60), Some(Duration::minutes(37)));
    }

    #[test]
    fn drive_time_refuses_impossible_inputs() {
        assert_eq!(drive_time(10.0, 0), None);
        assert_eq!(drive_time(-1.0, 60), None);
        assert_eq!(drive_time(f64::NAN, 60), None);
        assert_eq!(drive_time(f64::INFINITY, 60), None);
        // Huge but finite: no panic, whatever chrono can represent or None.
        let _ = drive_time(f64::MAX, 1);
    }

    #[test]
    fn clock_arithmetic() {
        assert_eq!(after_minutes(t(9, 0), 57), t(9, 57));
        assert_eq!(after_hours(t(9, 0), 14), t(23, 0));
        assert_eq!(
            after_hours(t(9, 0), 18),
            NaiveDate::from_ymd_opt(2025, 3, 11)
                .unwrap()
                .and_hms_opt(3, 0, 0)
                .unwrap()
        );
        assert_eq!(after(t(9, 0), Duration::minutes(-30)), t(8, 30));
        assert_eq!(minutes_between(t(9, 0), t(10, 49)), 109);
        assert_eq!(minutes_between(t(10, 49), t(9, 0)), -109);
    }

    #[test]
    fn clock_arithmetic_saturates_instead_of_panicking() {
        assert_eq!(after_hours(t(9, 0), i64::MAX), NaiveDateTime::MAX);
        assert_eq!(after_minutes(t(9, 0), i64::MIN), NaiveDateTime::MIN);
        assert_eq!(after_minutes(NaiveDateTime::MAX, 1), NaiveDateTime::MAX);
        assert_eq!(
            after(NaiveDateTime::MIN, Duration::minutes(-1)),
            NaiveDateTime::MIN
        );
        assert_eq!(after(NaiveDateTime::MAX, Duration::MAX), NaiveDateTime::MAX);
    }
}
