//! Weather and area suspensions (停止服务区域): an area (a circle or a polygon) and a period in which
//! the dealer does not send crews; whether a point lies inside, whether one is active, and the
//! validation of a declaration.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use geo::{
    Area as _, Contains, Coord, Distance, Haversine, LineString, Point, Polygon, Validation,
};
use serde::{Deserialize, Serialize};

use super::location::{Coordinates, Crs, LocationError};
use super::text::NonEmptyText;
use crate::i18n::Msg;

/// The smallest circle: a few hundred metres is a flooded underpass, less is a typo.
pub const MIN_RADIUS_KM: f64 = 0.1;
/// The largest circle: a typhoon warning covers a city and its surroundings, not a province.
pub const MAX_RADIUS_KM: f64 = 200.0;
pub const MIN_POINTS: usize = 3;
/// Enough for any area drawn by hand on the map; more is a pasted track, not an area.
pub const MAX_POINTS: usize = 50;
/// A suspension is declared for a weather event, not as a standing rule: at most two weeks.
pub const MAX_DAYS: i64 = 14;
/// A start further back than this is a typo (the declaration is meant for now).
pub const MAX_PAST_HOURS: i64 = 24;
pub const MAX_REASON_CHARS: usize = 200;
/// The customer's words go into an SMS that must stay within two segments (134 UTF-16 units).
pub const MAX_CUSTOMER_WORDS_CHARS: usize = 40;

/// A point as a client sends it: each coordinate optional so that both are reported.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PointRequest {
    #[schema(example = 30.2741)]
    pub lat: Option<f64>,
    #[schema(example = 120.1551)]
    pub lon: Option<f64>,
}

/// The area of a declaration: `shape` `circle` (with `centre` and `radius_km`) or `polygon`
/// (with 3 to 50 `points`), every point in `crs`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AreaRequest {
    /// `circle` or `polygon`.
    #[schema(example = "circle")]
    pub shape: Option<String>,
    pub centre: Option<PointRequest>,
    #[schema(example = 15.0)]
    pub radius_km: Option<f64>,
    pub points: Option<Vec<PointRequest>>,
    /// `wgs84` or `gcj02` (Chinese map apps, the default: areas are drawn on Chinese maps).
    #[schema(example = "gcj02")]
    pub crs: Option<String>,
}

/// `POST /api/v1/suspensions` and the form of `/suspensions`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct SuspensionRequest {
    pub area: Option<AreaRequest>,
    /// RFC 3339 with its offset; defaults to now.
    #[schema(example = "2026-12-02T08:00:00+08:00")]
    pub starts_at: Option<String>,
    /// RFC 3339 with its offset; after `starts_at`, at most 14 days later.
    #[schema(example = "2026-12-03T20:00:00+08:00")]
    pub ends_at: Option<String>,
    /// Why (for the desk), e.g. 台风"海葵"红色预警.
    #[schema(example = "台风红色预警，高速封闭")]
    pub reason: Option<String>,
    /// What the customers are told (SMS and the agent on the phone); at most 40 characters.
    #[schema(example = "受台风影响")]
    pub customer_words: Option<String>,
}

/// The area, in WGS-84.
#[derive(Debug, Clone, PartialEq)]
pub enum Area {
    Circle { centre: Coordinates, radius_km: f64 },
    Polygon(Vec<Coordinates>),
}

impl Area {
    /// `circle` or `polygon`, as stored.
    pub fn shape(&self) -> &'static str {
        match self {
            Area::Circle { .. } => "circle",
            Area::Polygon(_) => "polygon",
        }
    }

    /// Whether the point lies inside (a circle's edge counts as inside; a polygon's does not,
    /// as `geo::Contains` has it: a drawn edge is never that precise anyway).
    pub fn contains(&self, p: &Coordinates) -> bool {
        let point = Point::new(p.lon(), p.lat());
        match self {
            Area::Circle { centre, radius_km } => {
                let c = Point::new(centre.lon(), centre.lat());
                Haversine.distance(c, point) <= radius_km * 1000.0
            }
            Area::Polygon(points) => polygon(points).contains(&point),
        }
    }

    /// The polygon's points as stored: `[[lat, lon], …]`; `None` for a circle.
    pub fn points_json(&self) -> Option<String> {
        match self {
            Area::Circle { .. } => None,
            Area::Polygon(points) => {
                let pairs: Vec<[f64; 2]> = points.iter().map(|p| [p.lat(), p.lon()]).collect();
                serde_json::to_string(&pairs).ok()
            }
        }
    }

    /// The area from its stored columns; `None` when they do not make one (a broken row).
    pub fn from_stored(
        shape: &str,
        centre: Option<(f64, f64)>,
        radius_km: Option<f64>,
        points: Option<&str>,
    ) -> Option<Area> {
        match shape {
            "circle" => {
                let (lat, lon) = centre?;
                Some(Area::Circle {
                    centre: Coordinates::parse(lat, lon, Crs::Wgs84).ok()?,
                    radius_km: radius_km?,
                })
            }
            "polygon" => {
                let pairs: Vec<[f64; 2]> = serde_json::from_str(points?).ok()?;
                let points = pairs
                    .into_iter()
                    .map(|[lat, lon]| Coordinates::parse(lat, lon, Crs::Wgs84).ok())
                    .collect::<Option<Vec<_>>>()?;
                (points.len() >= MIN_POINTS).then_some(Area::Polygon(points))
            }
            _ => None,
        }
    }
}

fn polygon(points: &[Coordinates]) -> Polygon<f64> {
    let ring: Vec<Coord<f64>> = points
        .iter()
        .map(|p| Coord {
            x: p.lon(),
            y: p.lat(),
        })
        .collect();
    // `Polygon::new` closes the ring itself.
    Polygon::new(LineString::from(ring), vec![])
}

/// A suspension is active from its start until its end or until it was lifted, whichever is
/// first (the end is exclusive: at `ends_at` the service is back).
pub fn is_active(
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    lifted_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> bool {
    let end = lifted_at.map_or(ends_at, |l| l.min(ends_at));
    starts_at <= now && now < end
}

/// A validated declaration.
#[derive(Debug, Clone)]
pub struct Suspension {
    pub area: Area,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub reason: NonEmptyText,
    pub customer_words: Option<NonEmptyText>,
}

const REQUIRED: &str = "dom-required";

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

impl Suspension {
    /// Validates every field; on failure every bad field (by its path) with its message.
    pub fn parse(
        req: &SuspensionRequest,
        now: DateTime<Utc>,
    ) -> Result<Suspension, Vec<(&'static str, Msg)>> {
        let mut errors: Vec<(&'static str, Msg)> = Vec::new();
        let area = parse_area(req.area.as_ref(), &mut errors);

        let starts_at = match blank(&req.starts_at) {
            None => Some(now),
            Some(s) => match time(s) {
                Some(t) if t < now - Duration::hours(MAX_PAST_HOURS) => {
                    errors.push((
                        "starts_at",
                        Msg::with(
                            "dom-suspension-starts-too-early",
                            &[("hours", MAX_PAST_HOURS.into())],
                        ),
                    ));
                    None
                }
                Some(t) => Some(t),
                None => {
                    errors.push(("starts_at", Msg::new("dom-suspension-time-format")));
                    None
                }
            },
        };
        let ends_at = match blank(&req.ends_at) {
            None => {
                errors.push(("ends_at", Msg::new(REQUIRED)));
                None
            }
            Some(s) => match (time(s), starts_at) {
                (None, _) => {
                    errors.push(("ends_at", Msg::new("dom-suspension-time-format")));
                    None
                }
                (Some(e), Some(s)) if e <= s || e <= now => {
                    errors.push(("ends_at", Msg::new("dom-suspension-ends-before-start")));
                    None
                }
                (Some(e), Some(s)) if e - s > Duration::days(MAX_DAYS) => {
                    errors.push((
                        "ends_at",
                        Msg::with("dom-suspension-too-long", &[("days", MAX_DAYS.into())]),
                    ));
                    None
                }
                (Some(e), _) => Some(e),
            },
        };
        let reason = match blank(&req.reason) {
            None => {
                errors.push(("reason", Msg::new(REQUIRED)));
                None
            }
            Some(r) => NonEmptyText::parse(r, MAX_REASON_CHARS)
                .map_err(|e| errors.push(("reason", e.msg())))
                .ok(),
        };
        let customer_words = match blank(&req.customer_words) {
            None => Some(None),
            // One line: it is read out on the phone and sent as one SMS sentence.
            Some(w) => NonEmptyText::parse_line(w, MAX_CUSTOMER_WORDS_CHARS)
                .map_err(|e| errors.push(("customer_words", e.msg())))
                .ok()
                .map(Some),
        };
        match (area, starts_at, ends_at, reason, customer_words) {
            (Some(area), Some(s), Some(e), Some(reason), Some(customer_words))
                if errors.is_empty() =>
            {
                Ok(Suspension {
                    area,
                    starts_at: s.naive_utc(),
                    ends_at: e.naive_utc(),
                    reason,
                    customer_words,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The coordinate system of the area: GCJ-02 unless said otherwise (areas are drawn on Chinese
/// maps); `None` (and an error) for an unknown one.
fn area_crs(raw: Option<&str>, errors: &mut Vec<(&'static str, Msg)>) -> Option<Crs> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(Crs::Gcj02),
        Some(s) => {
            let crs = Crs::parse(s);
            if crs.is_none() {
                errors.push(("area.crs", Msg::new(super::intake::CRS_MESSAGE)));
            }
            crs
        }
    }
}

fn point(
    p: &PointRequest,
    crs: Crs,
    field: &'static str,
    errors: &mut Vec<(&'static str, Msg)>,
) -> Option<Coordinates> {
    let (Some(lat), Some(lon)) = (p.lat, p.lon) else {
        errors.push((field, Msg::new(REQUIRED)));
        return None;
    };
    match Coordinates::parse(lat, lon, crs) {
        Ok(c) => Some(c),
        Err(LocationError::Gcj02OutsideChina) => {
            errors.push(("area.crs", LocationError::Gcj02OutsideChina.msg()));
            None
        }
        Err(e) => {
            errors.push((field, e.msg()));
            None
        }
    }
}

fn parse_area(req: Option<&AreaRequest>, errors: &mut Vec<(&'static str, Msg)>) -> Option<Area> {
    let Some(req) = req else {
        errors.push(("area", Msg::new(REQUIRED)));
        return None;
    };
    let crs = area_crs(req.crs.as_deref(), errors)?;
    match req.shape.as_deref().map(str::trim) {
        Some("circle") => {
            let centre = match &req.centre {
                Some(c) => point(c, crs, "area.centre", errors),
                None => {
                    errors.push(("area.centre", Msg::new(REQUIRED)));
                    None
                }
            };
            let radius_km = match req.radius_km {
                None => {
                    errors.push(("area.radius_km", Msg::new(REQUIRED)));
                    None
                }
                Some(r) if r.is_finite() && (MIN_RADIUS_KM..=MAX_RADIUS_KM).contains(&r) => Some(r),
                Some(_) => {
                    errors.push((
                        "area.radius_km",
                        Msg::with(
                            "dom-suspension-radius-range",
                            &[("min", MIN_RADIUS_KM.into()), ("max", MAX_RADIUS_KM.into())],
                        ),
                    ));
                    None
                }
            };
            Some(Area::Circle {
                centre: centre?,
                radius_km: radius_km?,
            })
        }
        Some("polygon") => {
            let raw = req.points.as_deref().unwrap_or_default();
            if !(MIN_POINTS..=MAX_POINTS).contains(&raw.len()) {
                errors.push((
                    "area.points",
                    Msg::with(
                        "dom-suspension-points-count",
                        &[
                            ("min", (MIN_POINTS as i64).into()),
                            ("max", (MAX_POINTS as i64).into()),
                        ],
                    ),
                ));
                return None;
            }
            let before = errors.len();
            let mut points: Vec<Coordinates> = raw
                .iter()
                .filter_map(|p| point(p, crs, "area.points", errors))
                .collect();
            // A double click on the map adds the same point twice: one is enough.
            points.dedup();
            if errors.len() > before {
                // One message per field: the first bad point says what is wrong.
                let mut seen = false;
                errors.retain(|(f, _)| *f != "area.points" || !std::mem::replace(&mut seen, true));
                return None;
            }
            // Three points on a line, or one point clicked thrice, enclose nothing.
            let shape = polygon(&points);
            if points.len() < MIN_POINTS || shape.unsigned_area() < 1e-9 {
                errors.push(("area.points", Msg::new("dom-suspension-points-no-area")));
                return None;
            }
            // A bow tie (edges that cross) has no clear inside.
            if !shape.is_valid() {
                errors.push(("area.points", Msg::new("dom-suspension-points-crossing")));
                return None;
            }
            Some(Area::Polygon(points))
        }
        None | Some("") => {
            errors.push(("area.shape", Msg::new(REQUIRED)));
            None
        }
        Some(_) => {
            errors.push(("area.shape", Msg::new("dom-suspension-shape-invalid")));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> Coordinates {
        Coordinates::parse(lat, lon, Crs::Wgs84).unwrap()
    }

    fn p(lat: f64, lon: f64) -> PointRequest {
        PointRequest {
            lat: Some(lat),
            lon: Some(lon),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-02T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn circle_request() -> SuspensionRequest {
        SuspensionRequest {
            area: Some(AreaRequest {
                shape: Some("circle".into()),
                centre: Some(p(30.2741, 120.1551)),
                radius_km: Some(10.0),
                points: None,
                crs: Some("wgs84".into()),
            }),
            starts_at: None,
            ends_at: Some("2026-12-03T20:00:00+08:00".into()),
            reason: Some("台风红色预警".into()),
            customer_words: Some("受台风影响".into()),
        }
    }

    fn fields(req: &SuspensionRequest) -> Vec<&'static str> {
        Suspension::parse(req, now())
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    #[test]
    fn a_point_inside_and_outside_a_circle() {
        let area = Area::Circle {
            centre: at(30.2741, 120.1551),
            radius_km: 10.0,
        };
        assert!(area.contains(&at(30.2741, 120.1551)));
        // About 5.6 km north.
        assert!(area.contains(&at(30.3241, 120.1551)));
        // Ningbo, about 150 km away.
        assert!(!area.contains(&at(29.8683, 121.5440)));
        // Just beyond the edge: 0.1° of latitude is about 11.1 km.
        assert!(!area.contains(&at(30.3741, 120.1551)));
    }

    #[test]
    fn a_point_inside_and_outside_a_polygon() {
        let area = Area::Polygon(vec![
            at(30.0, 120.0),
            at(30.0, 120.5),
            at(30.5, 120.5),
            at(30.5, 120.0),
        ]);
        assert!(area.contains(&at(30.2741, 120.1551)));
        assert!(!area.contains(&at(29.8683, 121.5440)));
        assert!(!area.contains(&at(30.6, 120.2)));
        // A concave one: the notch is outside.
        let l_shape = Area::Polygon(vec![
            at(30.0, 120.0),
            at(30.0, 120.4),
            at(30.2, 120.4),
            at(30.2, 120.2),
            at(30.4, 120.2),
            at(30.4, 120.0),
        ]);
        assert!(l_shape.contains(&at(30.1, 120.3)));
        assert!(!l_shape.contains(&at(30.3, 120.3)));
    }

    #[test]
    fn the_stored_area_reads_back() {
        let poly = Area::Polygon(vec![at(30.0, 120.0), at(30.0, 120.5), at(30.5, 120.5)]);
        let json = poly.points_json().unwrap();
        assert_eq!(
            Area::from_stored("polygon", None, None, Some(&json)),
            Some(poly)
        );
        assert_eq!(
            Area::from_stored("circle", Some((30.0, 120.0)), Some(5.0), None),
            Some(Area::Circle {
                centre: at(30.0, 120.0),
                radius_km: 5.0
            })
        );
        assert_eq!(Area::from_stored("circle", None, Some(5.0), None), None);
        assert_eq!(Area::from_stored("polygon", None, None, Some("[1]")), None);
    }

    #[test]
    fn active_from_the_start_until_the_end_or_the_lifting() {
        let t = |h: i64| now().naive_utc() + Duration::hours(h);
        assert!(!is_active(t(1), t(5), None, t(0)), "not yet");
        assert!(is_active(t(1), t(5), None, t(1)), "the start counts");
        assert!(is_active(t(1), t(5), None, t(4)));
        assert!(!is_active(t(1), t(5), None, t(5)), "the end does not");
        assert!(!is_active(t(1), t(5), Some(t(3)), t(3)), "lifted");
        assert!(
            is_active(t(1), t(5), Some(t(3)), t(2)),
            "before the lifting"
        );
    }

    #[test]
    fn a_good_declaration_is_in_wgs84() {
        let s = Suspension::parse(&circle_request(), now()).unwrap();
        assert_eq!(s.starts_at, now().naive_utc());
        assert_eq!(s.ends_at.to_string(), "2026-12-03 12:00:00");
        assert_eq!(s.customer_words.unwrap().as_str(), "受台风影响");
        // GCJ-02 (the default) is converted: the centre moves by a few hundred metres.
        let mut req = circle_request();
        req.area.as_mut().unwrap().crs = None;
        let Area::Circle { centre, .. } = Suspension::parse(&req, now()).unwrap().area else {
            panic!("a circle");
        };
        assert!((centre.lat() - 30.2741).abs() > 1e-4);
    }

    #[test]
    fn every_bad_field_is_named() {
        assert_eq!(
            fields(&SuspensionRequest::default()),
            ["area", "ends_at", "reason"]
        );
        let mut req = circle_request();
        let area = req.area.as_mut().unwrap();
        area.radius_km = Some(0.01);
        area.centre = Some(p(95.0, 120.0));
        req.ends_at = Some("明天".into());
        req.customer_words = Some("很".repeat(41));
        assert_eq!(
            fields(&req),
            ["area.centre", "area.radius_km", "ends_at", "customer_words"]
        );
        let mut req = circle_request();
        req.area.as_mut().unwrap().radius_km = Some(201.0);
        assert_eq!(fields(&req), ["area.radius_km"]);
        req.area.as_mut().unwrap().radius_km = Some(f64::NAN);
        assert_eq!(fields(&req), ["area.radius_km"]);
        let mut req = circle_request();
        req.area.as_mut().unwrap().shape = Some("square".into());
        assert_eq!(fields(&req), ["area.shape"]);
        req.area.as_mut().unwrap().crs = Some("bd09".into());
        assert_eq!(fields(&req), ["area.crs"]);
        let mut req = circle_request();
        let area = req.area.as_mut().unwrap();
        area.crs = Some("gcj02".into());
        area.centre = Some(p(48.85, 2.35));
        assert_eq!(fields(&req), ["area.crs"], "GCJ-02 only inside China");
    }

    #[test]
    fn the_period_is_checked() {
        let mut req = circle_request();
        req.ends_at = Some("2026-12-02T09:00:00+08:00".into());
        assert_eq!(fields(&req), ["ends_at"], "ends when it starts");
        req.starts_at = Some("2026-12-02T12:00:00+08:00".into());
        req.ends_at = Some("2026-12-02T11:00:00+08:00".into());
        assert_eq!(fields(&req), ["ends_at"], "ends before it starts");
        req.ends_at = Some("2026-12-16T12:00:01+08:00".into());
        assert_eq!(fields(&req), ["ends_at"], "longer than 14 days");
        req.ends_at = Some("2026-12-16T12:00:00+08:00".into());
        assert_eq!(fields(&req), Vec::<&str>::new(), "14 days exactly");
        req.starts_at = Some("2026-11-30T12:00:00+08:00".into());
        req.ends_at = Some("2026-12-03T12:00:00+08:00".into());
        assert_eq!(fields(&req), ["starts_at"], "two days back");
        req.starts_at = Some("yesterday".into());
        assert_eq!(fields(&req), ["starts_at"]);
    }

    #[test]
    fn a_polygon_has_3_to_50_points_enclosing_something() {
        let polygon = |points: Vec<PointRequest>| {
            let mut req = circle_request();
            req.area = Some(AreaRequest {
                shape: Some("polygon".into()),
                points: Some(points),
                crs: Some("wgs84".into()),
                ..Default::default()
            });
            req
        };
        let triangle = vec![p(30.0, 120.0), p(30.0, 120.5), p(30.5, 120.5)];
        assert!(fields(&polygon(triangle.clone())).is_empty());
        assert_eq!(fields(&polygon(triangle[..2].to_vec())), ["area.points"]);
        let many: Vec<PointRequest> = (0..51)
            .map(|i| {
                let a = f64::from(i) / 51.0 * std::f64::consts::TAU;
                p(30.0 + 0.1 * a.sin(), 120.0 + 0.1 * a.cos())
            })
            .collect();
        assert_eq!(fields(&polygon(many.clone())), ["area.points"], "51 points");
        assert!(
            fields(&polygon(many[..50].to_vec())).is_empty(),
            "50 points"
        );
        assert_eq!(
            fields(&polygon(vec![p(30.0, 120.0); 3])),
            ["area.points"],
            "one point thrice"
        );
        assert_eq!(
            fields(&polygon(vec![
                p(30.0, 120.0),
                p(30.1, 120.1),
                p(30.2, 120.2)
            ])),
            ["area.points"],
            "on a line"
        );
        assert_eq!(
            fields(&polygon(vec![
                p(30.0, 120.0),
                p(30.5, 120.5),
                p(30.0, 120.5),
                p(30.5, 120.0)
            ])),
            ["area.points"],
            "a bow tie"
        );
        let doubled = vec![
            p(30.0, 120.0),
            p(30.0, 120.5),
            p(30.0, 120.5),
            p(30.5, 120.5),
        ];
        let Area::Polygon(kept) = Suspension::parse(&polygon(doubled), now()).unwrap().area else {
            panic!("a polygon");
        };
        assert_eq!(kept.len(), 3, "a double click counts once");
        assert_eq!(
            fields(&polygon(vec![
                p(30.0, 120.0),
                p(91.0, 120.1),
                p(30.2, 200.0)
            ])),
            ["area.points"],
            "one message for the field"
        );
        assert_eq!(
            fields(&polygon(vec![
                p(30.0, 120.0),
                PointRequest::default(),
                p(30.2, 120.5)
            ])),
            ["area.points"]
        );
    }
}
