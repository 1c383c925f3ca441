//! Breakdown-site coordinates, always held in WGS-84; GCJ-02 input from Chinese map apps is converted on entry.

use crate::i18n::{Locale, Msg};
use std::f64::consts::PI;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The coordinate reference system a client sent its numbers in.
///
/// Phones' GPS gives WGS-84, but Chinese map SDKs (AMap/Gaode, Tencent) and
/// addresses picked on their maps are GCJ-02, offset by up to several hundred
/// metres; mixing them up sends a crew to the wrong side of a motorway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Crs {
    Wgs84,
    Gcj02,
}

impl Crs {
    pub const ALL: [Crs; 2] = [Crs::Wgs84, Crs::Gcj02];

    pub fn as_str(self) -> &'static str {
        match self {
            Crs::Wgs84 => "wgs84",
            Crs::Gcj02 => "gcj02",
        }
    }

    /// The code as a client or form sends it, in either case (`gcj02`, `GCJ02`).
    pub fn parse(s: &str) -> Option<Crs> {
        Crs::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationError {
    NotFinite,
    LatitudeOutOfRange,
    LongitudeOutOfRange,
    Gcj02OutsideChina,
}

impl LocationError {
    /// The catalogue message saying what is wrong.
    pub fn msg(&self) -> Msg {
        match self {
            Self::NotFinite => Msg::new("error-location-not-finite"),
            Self::LatitudeOutOfRange => Msg::new("error-location-lat-out-of-range"),
            Self::LongitudeOutOfRange => Msg::new("error-location-lon-out-of-range"),
            Self::Gcj02OutsideChina => Msg::new("error-location-gcj02-outside-china"),
        }
    }
}

impl std::fmt::Display for LocationError {
    /// The Chinese message, for logs and serde errors; users read [`LocationError::msg`] in their
    /// language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(Locale::ZhCn))
    }
}

impl std::error::Error for LocationError {}

impl LocationError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFinite => "location_not_finite",
            Self::LatitudeOutOfRange => "location_lat_out_of_range",
            Self::LongitudeOutOfRange => "location_lon_out_of_range",
            Self::Gcj02OutsideChina => "location_gcj02_outside_china",
        }
    }
}

/// A point in WGS-84 degrees; serialised as `{"lat": …, "lon": …}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coordinates {
    lat: f64,
    lon: f64,
}

/// Mean Earth radius (IUGG), good to about 0.5 % for great-circle distances.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// One latitude on its own (forms report each coordinate separately); NaN is out of range too.
pub fn check_latitude(lat: f64) -> Result<(), LocationError> {
    if (-90.0..=90.0).contains(&lat) {
        Ok(())
    } else {
        Err(LocationError::LatitudeOutOfRange)
    }
}

/// One longitude on its own; NaN is out of range too.
pub fn check_longitude(lon: f64) -> Result<(), LocationError> {
    if (-180.0..=180.0).contains(&lon) {
        Ok(())
    } else {
        Err(LocationError::LongitudeOutOfRange)
    }
}

impl Coordinates {
    /// Validates `lat`/`lon` given in `crs` and returns them as WGS-84.
    ///
    /// GCJ-02 exists only inside China (outside, the apps send plain WGS-84), so
    /// a GCJ-02 point outside is refused: it is a typo or swapped numbers, and
    /// taking it as given would put the crew somewhere no one called from.
    pub fn parse(lat: f64, lon: f64, crs: Crs) -> Result<Self, LocationError> {
        if !lat.is_finite() || !lon.is_finite() {
            return Err(LocationError::NotFinite);
        }
        check_latitude(lat)?;
        check_longitude(lon)?;
        let (lat, lon) = match crs {
            Crs::Wgs84 => (lat, lon),
            Crs::Gcj02 if !in_china_box(lat, lon) => return Err(LocationError::Gcj02OutsideChina),
            Crs::Gcj02 => gcj02_to_wgs84(lat, lon),
        };
        Ok(Self { lat, lon })
    }

    /// WGS-84 latitude in degrees.
    pub fn lat(&self) -> f64 {
        self.lat
    }

    /// WGS-84 longitude in degrees.
    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// `(lat, lon)` in the requested system, e.g. GCJ-02 to place a marker on an AMap map.
    pub fn to_crs(&self, crs: Crs) -> (f64, f64) {
        match crs {
            Crs::Wgs84 => (self.lat, self.lon),
            Crs::Gcj02 => wgs84_to_gcj02(self.lat, self.lon),
        }
    }

    /// Rough mainland-China bounding box (the one GCJ-02 itself uses). Points
    /// outside are valid but unusual for a dealer, so callers may warn about them.
    pub fn in_mainland_china(&self) -> bool {
        in_china_box(self.lat, self.lon)
    }

    /// Great-circle distance in kilometres.
    pub fn haversine_km(&self, other: &Coordinates) -> f64 {
        let (lat1, lat2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon - self.lon).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        // min() guards asin against rounding just above 1 for antipodal points.
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

impl fmt::Display for Coordinates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Six decimals is about 0.1 m, finer than any phone fix.
        write!(f, "{:.6},{:.6}", self.lat, self.lon)
    }
}

fn in_china_box(lat: f64, lon: f64) -> bool {
    (72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat)
}

// Krasovsky 1940 ellipsoid, as the GCJ-02 algorithm uses.
const KRASOVSKY_A: f64 = 6_378_245.0;
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;

/// The GCJ-02 obfuscation, as published in the widely circulated reverse-engineered form.
fn wgs84_to_gcj02(lat: f64, lon: f64) -> (f64, f64) {
    if !in_china_box(lat, lon) {
        return (lat, lon);
    }
    let (x, y) = (lon - 105.0, lat - 35.0);
    let rad_lat = lat / 180.0 * PI;
    let magic = 1.0 - KRASOVSKY_EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let dlat = offset_lat(x, y) * 180.0
        / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let dlon = offset_lon(x, y) * 180.0 / (KRASOVSKY_A / sqrt_magic * rad_lat.cos() * PI);
    (lat + dlat, lon + dlon)
}

// Tighter than the 1e-7° asked for, so callers comparing at 1e-7 never sit on the edge.
const INVERSE_TOLERANCE_DEG: f64 = 1e-9;
const INVERSE_MAX_ITERATIONS: usize = 20;

/// GCJ-02 has no closed-form inverse; the offset changes slowly, so a
/// fixed-point iteration converges to well under a millimetre in a few steps.
fn gcj02_to_wgs84(lat: f64, lon: f64) -> (f64, f64) {
    let (mut wlat, mut wlon) = (lat, lon);
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let (glat, glon) = wgs84_to_gcj02(wlat, wlon);
        let (dlat, dlon) = (glat - lat, glon - lon);
        if dlat.abs() < INVERSE_TOLERANCE_DEG && dlon.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
        wlat -= dlat;
        wlon -= dlon;
    }
    // Near the box edge the iteration could step a hair outside the valid range.
    (wlat.clamp(-90.0, 90.0), wlon.clamp(-180.0, 180.0))
}

fn offset_lat(x: f64, y: f64) -> f64 {
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn offset_lon(x: f64, y: f64) -> f64 {
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn wgs84_is_kept_as_given() {
        let p = Coordinates::parse(30.2741, 120.1551, Crs::Wgs84).unwrap();
        assert_eq!((p.lat(), p.lon()), (30.2741, 120.1551));
        assert!(p.in_mainland_china());
        for (lat, lon) in [(90.0, 180.0), (-90.0, -180.0), (0.0, 0.0), (-0.0, -0.0)] {
            assert!(Coordinates::parse(lat, lon, Crs::Wgs84).is_ok());
        }
    }

    #[test]
    fn rejects_out_of_range_and_non_finite() {
        use LocationError::*;
        for (lat, lon, want) in [
            (f64::NAN, 120.0, NotFinite),
            (30.0, f64::NAN, NotFinite),
            (f64::INFINITY, 120.0, NotFinite),
            (30.0, f64::NEG_INFINITY, NotFinite),
            (90.000001, 120.0, LatitudeOutOfRange),
            (-91.0, 120.0, LatitudeOutOfRange),
            (30.0, 180.5, LongitudeOutOfRange),
            (30.0, -181.0, LongitudeOutOfRange),
            (f64::MAX, f64::MIN, LatitudeOutOfRange),
        ] {
            for crs in [Crs::Wgs84, Crs::Gcj02] {
                assert_eq!(Coordinates::parse(lat, lon, crs), Err(want));
            }
        }
    }

    #[test]
    fn forward_transform_matches_a_known_pair() {
        // Tiananmen: WGS-84 39.9087, 116.3975 shows at about 39.91010, 116.40374 on AMap.
        let (glat, glon) = wgs84_to_gcj02(39.9087, 116.3975);
        assert!(close(glat, 39.91010, 1e-4), "{glat}");
        assert!(close(glon, 116.40374, 1e-4), "{glon}");
    }

    #[test]
    fn gcj02_input_is_converted_back_to_wgs84() {
        let p = Coordinates::parse(39.91010, 116.40374, Crs::Gcj02).unwrap();
        assert!(close(p.lat(), 39.9087, 1e-4), "{}", p.lat());
        assert!(close(p.lon(), 116.3975, 1e-4), "{}", p.lon());
        let (glat, glon) = p.to_crs(Crs::Gcj02);
        assert!(close(glat, 39.91010, 1e-7) && close(glon, 116.40374, 1e-7));
        assert_eq!(p.to_crs(Crs::Wgs84), (p.lat(), p.lon()));
    }

    #[test]
    fn inverse_undoes_forward_across_china() {
        let mut lat = 18.0;
        while lat <= 53.5 {
            let mut lon = 73.5;
            while lon <= 135.0 {
                let (glat, glon) = wgs84_to_gcj02(lat, lon);
                let (wlat, wlon) = gcj02_to_wgs84(glat, glon);
                assert!(
                    close(wlat, lat, 1e-6) && close(wlon, lon, 1e-6),
                    "{lat},{lon}"
                );
                lon += 0.7;
            }
            lat += 0.45;
        }
    }

    #[test]
    fn outside_china_gcj02_is_refused_and_wgs84_kept() {
        for (lat, lon) in [
            (51.5007, -0.1246),
            (-33.8568, 151.2153),
            (35.6586, 139.7454),
            // Hangzhou with latitude and longitude's signs lost.
            (-30.2741, -120.1551),
        ] {
            assert_eq!(
                Coordinates::parse(lat, lon, Crs::Gcj02),
                Err(LocationError::Gcj02OutsideChina)
            );
            let p = Coordinates::parse(lat, lon, Crs::Wgs84).unwrap();
            assert_eq!((p.lat(), p.lon()), (lat, lon));
            assert!(!p.in_mainland_china());
            // Shown on a Chinese map, a point outside is not shifted.
            assert_eq!(p.to_crs(Crs::Gcj02), (lat, lon));
        }
    }

    #[test]
    fn each_coordinate_is_checked_alone() {
        assert_eq!(check_latitude(90.0), Ok(()));
        assert_eq!(
            check_latitude(-90.5),
            Err(LocationError::LatitudeOutOfRange)
        );
        assert_eq!(
            check_latitude(f64::NAN),
            Err(LocationError::LatitudeOutOfRange)
        );
        assert_eq!(check_longitude(-180.0), Ok(()));
        assert_eq!(
            check_longitude(181.0),
            Err(LocationError::LongitudeOutOfRange)
        );
        assert_eq!(
            check_longitude(f64::INFINITY),
            Err(LocationError::LongitudeOutOfRange)
        );
        assert!(LocationError::LatitudeOutOfRange
            .to_string()
            .contains("-90 到 90"));
        assert!(LocationError::LongitudeOutOfRange
            .msg()
            .render(Locale::En)
            .contains("between -180 and 180"));
    }

    #[test]
    fn conversion_near_the_box_edge_stays_valid() {
        for (lat, lon) in [
            (0.8293, 72.004),
            (55.8271, 137.8347),
            (0.83, 137.83),
            (55.82, 72.01),
        ] {
            let p = Coordinates::parse(lat, lon, Crs::Gcj02).unwrap();
            assert!(p.lat().is_finite() && p.lon().is_finite());
            assert!(close(p.lat(), lat, 0.01) && close(p.lon(), lon, 0.01));
        }
    }

    #[test]
    fn haversine_distances() {
        let beijing = Coordinates::parse(39.9042, 116.4074, Crs::Wgs84).unwrap();
        let shanghai = Coordinates::parse(31.2304, 121.4737, Crs::Wgs84).unwrap();
        let d = beijing.haversine_km(&shanghai);
        assert!((1060.0..1075.0).contains(&d), "{d}");
        assert!(close(shanghai.haversine_km(&beijing), d, 1e-9));
        assert_eq!(beijing.haversine_km(&beijing), 0.0);
        let north = Coordinates::parse(90.0, 0.0, Crs::Wgs84).unwrap();
        let south = Coordinates::parse(-90.0, 0.0, Crs::Wgs84).unwrap();
        let half_circumference = PI * EARTH_RADIUS_KM;
        assert!(close(north.haversine_km(&south), half_circumference, 1e-6));
        // One degree of longitude at the equator is about 111.2 km.
        let a = Coordinates::parse(0.0, 179.5, Crs::Wgs84).unwrap();
        let b = Coordinates::parse(0.0, -179.5, Crs::Wgs84).unwrap();
        assert!(
            close(a.haversine_km(&b), 111.19, 0.01),
            "{}",
            a.haversine_km(&b)
        );
    }

    #[test]
    fn serde_and_display() {
        let p = Coordinates::parse(30.2741, 120.1551, Crs::Wgs84).unwrap();
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"lat":30.2741,"lon":120.1551}"#
        );
        assert_eq!(p.to_string(), "30.274100,120.155100");
        assert_eq!(serde_json::to_string(&Crs::Wgs84).unwrap(), "\"wgs84\"");
        assert_eq!(serde_json::to_string(&Crs::Gcj02).unwrap(), "\"gcj02\"");
        assert_eq!(
            serde_json::from_str::<Crs>("\"gcj02\"").unwrap(),
            Crs::Gcj02
        );
        assert!(serde_json::from_str::<Crs>("\"bd09\"").is_err());
    }

    #[test]
    fn error_codes_and_messages() {
        for e in [
            LocationError::NotFinite,
            LocationError::LatitudeOutOfRange,
            LocationError::LongitudeOutOfRange,
            LocationError::Gcj02OutsideChina,
        ] {
            assert!(e.code().starts_with("location_"));
            // The Chinese message alone (for logs); English comes from the catalogue.
            assert_eq!(e.to_string(), e.msg().render(Locale::ZhCn));
            assert_ne!(e.msg().render(Locale::En), e.to_string());
        }
    }
}
