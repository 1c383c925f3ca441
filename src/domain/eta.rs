//! Distances and arrival estimates: great-circle distance, a road-distance estimate, drive times and clock arithmetic on naive-UTC times.

use chrono::{Duration, NaiveDateTime};
use geo::{Distance, Haversine, Point};

use super::location::Coordinates;

/// Roads are longer than the great circle. Across the Yangtze delta the
/// expressway distance between cities is typically 1.2–1.4 times the straight
/// line (Hangzhou–Ningbo: 141 km straight, about 150–170 km by G92), so 1.3 is
/// a fair single figure when no routing service is available.
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

/// The plan's default travel distance, dealer to site: the road estimate at the default
/// factor, to 0.1 km (the plan shows and prices it at that precision).
pub fn plan_travel_km(dealer: &Coordinates, site: &Coordinates) -> f64 {
    (road_km(dealer, site, DEFAULT_ROAD_FACTOR) * 10.0).round() / 10.0
}

/// Average speed of a rescue van in and around a Chinese city, for default arrival times.
pub const AVERAGE_KMH: f64 = 40.0;
/// Time to load the van and leave once approved.
pub const PREPARE_MINUTES: i64 = 15;

/// The default arrival estimate: preparation plus the plan's travel distance at an average speed.
pub fn default_arrival(now: NaiveDateTime, travel_km: f64) -> NaiveDateTime {
    now + Duration::minutes(PREPARE_MINUTES + (travel_km / AVERAGE_KMH * 60.0).round() as i64)
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
        // 141.062 km straight × 1.3 = 183.38 km.
        assert_eq!(plan_travel_km(&hz, &nb), 183.4);
        assert_eq!(plan_travel_km(&hz, &hz), 0.0);
    }

    #[test]
    fn default_arrival_is_preparation_plus_the_drive() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        // 20 km at 40 km/h is 30 minutes, after 15 minutes of loading.
        assert_eq!(default_arrival(now, 20.0), now + Duration::minutes(45));
        assert_eq!(
            default_arrival(now, 0.0),
            now + Duration::minutes(PREPARE_MINUTES)
        );
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
