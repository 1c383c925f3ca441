//! Call intake: the raw request of a breakdown call and its validation into a rescue ticket's fields.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::location::{check_latitude, check_longitude, Coordinates, Crs, LocationError};
use super::phone::PhoneNumber;
use super::plate::Plate;
use super::response_level::ResponseLevel;
use super::text::NonEmptyText;
use super::ticket::TicketStatus;
use super::vin::Vin;
use crate::i18n::{Locale, Msg};

/// What a telephony integration or the intake page sends. Everything is optional
/// here so that every missing or bad field is reported at once, by name.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct IntakeRequest {
    /// RFC 3339 (with its offset); defaults to the time the request arrives.
    #[serde(default, deserialize_with = "call_time")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-11-22T09:30:00+08:00")]
    pub call_time: Option<DateTime<Utc>>,
    #[schema(example = "王先生")]
    pub customer_name: Option<String>,
    /// Mainland mobile (13812345678) or landline with area code (0571-88889999).
    #[schema(example = "13812345678")]
    pub phone: Option<String>,
    pub location: Option<LocationRequest>,
    /// The caller cannot say where they are: the ticket may be opened with the
    /// address alone (coordinates left out), and the caller's mobile gets an SMS
    /// link to send the phone's position. Coordinates given as well are kept.
    #[schema(example = false)]
    pub location_pending: Option<bool>,
    /// Chinese plate, 7 characters or 8 for new-energy vehicles.
    #[schema(example = "浙A12345")]
    pub plate: Option<String>,
    #[schema(example = "朗逸 1.5L")]
    pub model: Option<String>,
    /// 17 characters with a valid check digit; optional.
    pub vin: Option<String>,
    #[schema(example = 56000)]
    pub mileage_km: Option<i64>,
    #[schema(example = "高速上熄火后无法启动，仪表盘电瓶灯亮")]
    pub fault: Option<String>,
    pub repaired_elsewhere: Option<bool>,
    pub repaired_elsewhere_note: Option<String>,
    /// 1 major (一级), 2 serious (二级), 3 general (三级).
    #[schema(example = 2)]
    pub response_level: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct LocationRequest {
    #[schema(example = "杭州市西湖区文三路 90 号附近")]
    pub address: Option<String>,
    #[schema(example = 30.2741)]
    pub lat: Option<f64>,
    #[schema(example = 120.1551)]
    pub lon: Option<f64>,
    /// `wgs84` (GPS) or `gcj02` (Chinese map apps); defaults to `wgs84`.
    #[serde(default, deserialize_with = "crs")]
    #[schema(example = "gcj02")]
    pub crs: Option<Crs>,
}

/// A call time that is not RFC 3339: the field's message (with an example).
pub const CALL_TIME_MESSAGE: &str = "dom-intake-call-time-format";
/// A coordinate system other than the two the intake knows.
pub const CRS_MESSAGE: &str = "dom-intake-crs-invalid";

/// The call time, parsed once while the body is read: RFC 3339 only (a telephony system's local
/// time without an offset would be hours off); absent, `null` or blank is "now".
fn call_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(d)?.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| crate::i18n::serde_key::error(CALL_TIME_MESSAGE)),
    }
}

/// The coordinate system, as its code (`wgs84`, `gcj02`, either case); absent, `null` or blank
/// is WGS-84, what a phone's GPS gives.
fn crs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Crs>, D::Error> {
    match Option::<String>::deserialize(d)?.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => Crs::parse(s)
            .map(Some)
            .ok_or_else(|| crate::i18n::serde_key::error(CRS_MESSAGE)),
    }
}

/// A validated intake; coordinates are WGS-84 whatever the caller sent.
#[derive(Debug, Clone)]
pub struct TicketIntake {
    pub call_time: NaiveDateTime,
    pub customer_name: NonEmptyText,
    pub phone: PhoneNumber,
    pub address: NonEmptyText,
    /// `None` while the location is pending: the customer's phone will send it.
    pub coordinates: Option<Coordinates>,
    pub source_crs: Crs,
    /// The caller gets the SMS link to share their position (the flag was set).
    pub request_location: bool,
    pub plate: Plate,
    pub model: NonEmptyText,
    pub vin: Option<Vin>,
    pub mileage_km: i32,
    pub fault: NonEmptyText,
    pub repaired_elsewhere: bool,
    pub repaired_elsewhere_note: Option<NonEmptyText>,
    pub response_level: ResponseLevel,
}

pub const MAX_NAME_CHARS: usize = 50;
pub const MAX_ADDRESS_CHARS: usize = 200;
pub const MAX_MODEL_CHARS: usize = 60;
pub const MAX_FAULT_CHARS: usize = 2000;
pub const MAX_NOTE_CHARS: usize = 500;
pub const MAX_MILEAGE_KM: i64 = 2_000_000;
/// Calls are logged as they happen; a call time further back is a typo.
pub const MAX_CALL_AGE_DAYS: i64 = 7;
/// Clocks of telephony systems drift; a few minutes ahead is tolerated.
pub const MAX_CLOCK_SKEW_MINUTES: i64 = 5;

const REQUIRED: &str = "dom-required";

impl TicketIntake {
    /// Validates every field; on failure returns field path → message for all bad fields.
    pub fn parse(
        req: &IntakeRequest,
        now: DateTime<Utc>,
    ) -> Result<TicketIntake, Vec<(&'static str, Msg)>> {
        let mut errors: Vec<(&'static str, Msg)> = Vec::new();
        let mut fail = |field: &'static str, msg: Msg| errors.push((field, msg));

        let call_time = match req.call_time {
            None => Some(now),
            Some(t) if t > now + Duration::minutes(MAX_CLOCK_SKEW_MINUTES) => {
                fail("call_time", Msg::new("dom-intake-call-time-future"));
                None
            }
            Some(t) if t < now - Duration::days(MAX_CALL_AGE_DAYS) => {
                fail(
                    "call_time",
                    Msg::with(
                        "dom-intake-call-time-too-old",
                        &[("days", MAX_CALL_AGE_DAYS.into())],
                    ),
                );
                None
            }
            Some(t) => Some(t),
        };

        let mut text = |field: &'static str, value: Option<&str>, max: usize| match value {
            None => {
                fail(field, Msg::new(REQUIRED));
                None
            }
            Some(v) => NonEmptyText::parse(v, max)
                .map_err(|e| fail(field, e.msg()))
                .ok(),
        };
        let customer_name = text(
            "customer_name",
            req.customer_name.as_deref(),
            MAX_NAME_CHARS,
        );
        let location = req.location.clone().unwrap_or_default();
        let address = text(
            "location.address",
            location.address.as_deref(),
            MAX_ADDRESS_CHARS,
        );
        let model = text("model", req.model.as_deref(), MAX_MODEL_CHARS);
        let fault = text("fault", req.fault.as_deref(), MAX_FAULT_CHARS);
        let note = match req.repaired_elsewhere_note.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(v) => text("repaired_elsewhere_note", Some(v), MAX_NOTE_CHARS).map(Some),
        };

        let phone = match req.phone.as_deref() {
            None => {
                fail("phone", Msg::new(REQUIRED));
                None
            }
            Some(p) => PhoneNumber::parse(p)
                .map_err(|e| fail("phone", e.msg()))
                .ok(),
        };
        let plate = match req.plate.as_deref() {
            None => {
                fail("plate", Msg::new(REQUIRED));
                None
            }
            Some(p) => Plate::parse(p).map_err(|e| fail("plate", e.msg())).ok(),
        };
        let vin = match req.vin.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(v) => Vin::parse(v)
                .map_err(|e| fail("vin", e.msg()))
                .ok()
                .map(Some),
        };

        let crs = Some(location.crs.unwrap_or(Crs::Wgs84));
        let request_location = req.location_pending.unwrap_or(false);
        // Each coordinate is checked on its own, so a bad latitude does not hide a
        // bad longitude; both may be left out only when the caller cannot say.
        let coordinate =
            |field: &'static str,
             value: Option<f64>,
             check: fn(f64) -> Result<(), LocationError>,
             fail: &mut dyn FnMut(&'static str, Msg)| match value {
                None if request_location && location.lat.is_none() && location.lon.is_none() => {
                    Some(None)
                }
                None => {
                    fail(field, Msg::new(REQUIRED));
                    None
                }
                Some(v) => match check(v) {
                    Ok(()) => Some(Some(v)),
                    Err(e) => {
                        fail(field, e.msg());
                        None
                    }
                },
            };
        let lat = coordinate("location.lat", location.lat, check_latitude, &mut fail);
        let lon = coordinate("location.lon", location.lon, check_longitude, &mut fail);
        let coordinates = match (lat, lon, crs) {
            (Some(Some(lat)), Some(Some(lon)), Some(crs)) => {
                match Coordinates::parse(lat, lon, crs) {
                    Ok(c) => Some(Some(c)),
                    Err(e) => {
                        // Ranges were checked above: what is left is GCJ-02 outside China.
                        fail("location.crs", e.msg());
                        None
                    }
                }
            }
            (Some(None), Some(None), _) => Some(None),
            _ => None,
        };
        // The location request is an SMS: without a mobile it could never arrive.
        if let (true, Some(p)) = (request_location, &phone) {
            if !p.is_mobile() {
                fail(
                    "phone",
                    Msg::new("dom-intake-location-request-needs-mobile"),
                );
            }
        }

        let mileage_km = match req.mileage_km {
            None => {
                fail("mileage_km", Msg::new(REQUIRED));
                None
            }
            Some(m) if (0..=MAX_MILEAGE_KM).contains(&m) => i32::try_from(m).ok(),
            Some(_) => {
                fail(
                    "mileage_km",
                    Msg::with(
                        "dom-intake-mileage-range",
                        &[("max", MAX_MILEAGE_KM.into())],
                    ),
                );
                None
            }
        };
        let response_level = match req.response_level {
            None => {
                fail("response_level", Msg::new(REQUIRED));
                None
            }
            Some(l) => ResponseLevel::try_from(l)
                .map_err(|_| {
                    fail(
                        "response_level",
                        Msg::new("dom-intake-response-level-invalid"),
                    )
                })
                .ok(),
        };
        let repaired_elsewhere = req.repaired_elsewhere.unwrap_or(false);

        match (
            call_time,
            customer_name,
            phone,
            address,
            coordinates,
            crs,
            plate,
            model,
            vin,
            mileage_km,
            fault,
            note,
            response_level,
        ) {
            (
                Some(call_time),
                Some(customer_name),
                Some(phone),
                Some(address),
                Some(coordinates),
                Some(source_crs),
                Some(plate),
                Some(model),
                Some(vin),
                Some(mileage_km),
                Some(fault),
                Some(repaired_elsewhere_note),
                Some(response_level),
            ) if errors.is_empty() => Ok(TicketIntake {
                call_time: call_time.naive_utc(),
                customer_name,
                phone,
                address,
                coordinates,
                source_crs,
                request_location,
                plate,
                model,
                vin,
                mileage_km,
                fault,
                repaired_elsewhere,
                repaired_elsewhere_note,
                response_level,
            }),
            _ => Err(errors),
        }
    }
}

/// Something the call agent should check with the caller; the ticket is opened anyway.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IntakeWarning {
    /// `open_ticket_for_plate`, `mileage_below_last_visit` or `inside_suspension`.
    #[schema(example = "open_ticket_for_plate")]
    pub code: &'static str,
    /// What to check, in the client's language.
    pub message: String,
    /// The catalogue message `message` is rendered from (in Chinese until the edge renders it
    /// in the reader's language with [`IntakeWarning::in_locale`]).
    #[serde(skip)]
    pub msg: Msg,
    /// `inside_suspension`: the suspension the site lies in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspension_id: Option<String>,
    /// `inside_suspension`: what to tell the caller, as the manager wrote it (null: the
    /// message says it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_words: Option<String>,
}

impl IntakeWarning {
    fn new(code: &'static str, msg: Msg) -> IntakeWarning {
        IntakeWarning {
            code,
            message: msg.render(Locale::ZhCn),
            msg,
            suspension_id: None,
            customer_words: None,
        }
    }

    /// The site lies in an area where the service is suspended until `until` (local time): the
    /// call is taken all the same, and the agent tells the caller the suspension's words.
    pub fn inside_suspension(
        suspension_id: String,
        reason: &str,
        until: String,
        customer_words: Option<String>,
    ) -> IntakeWarning {
        let msg = match &customer_words {
            Some(words) => Msg::with(
                "dom-intake-inside-suspension-words",
                &[
                    ("reason", reason.into()),
                    ("until", until.into()),
                    ("words", words.as_str().into()),
                ],
            ),
            None => Msg::with(
                "dom-intake-inside-suspension",
                &[("reason", reason.into()), ("until", until.into())],
            ),
        };
        IntakeWarning {
            suspension_id: Some(suspension_id),
            customer_words,
            ..IntakeWarning::new("inside_suspension", msg)
        }
    }

    /// The same warning with its message in `locale`.
    pub fn in_locale(mut self, locale: Locale) -> IntakeWarning {
        self.message = self.msg.render(locale);
        self
    }
}

/// Ticket states in which the car is still being looked after (a second call for
/// it is probably the same breakdown).
pub fn still_open(status: TicketStatus) -> bool {
    !matches!(
        status,
        TicketStatus::Resolved
            | TicketStatus::TowedToWorkshop
            | TicketStatus::Closed
            | TicketStatus::Cancelled
    )
}

/// Warnings for a call about a car: other open tickets for its plate (their
/// numbers), and a mileage below the one last recorded (a typo, or a swapped
/// odometer that the workshop should know about).
pub fn warnings(
    mileage_km: Option<i64>,
    last_mileage_km: Option<i64>,
    open_tickets: &[String],
) -> Vec<IntakeWarning> {
    let mut out = Vec::new();
    if !open_tickets.is_empty() {
        // A list reads with each language's separator; the numbers themselves are the same.
        out.push(IntakeWarning::new(
            "open_ticket_for_plate",
            Msg::with(
                "dom-intake-open-ticket-for-plate",
                &[
                    ("numbers", open_tickets.join(", ").into()),
                    ("numbers_zh", open_tickets.join("、").into()),
                ],
            ),
        ));
    }
    if let (Some(now), Some(last)) = (mileage_km, last_mileage_km) {
        if now < last {
            out.push(IntakeWarning::new(
                "mileage_below_last_visit",
                Msg::with(
                    "dom-intake-mileage-below-last-visit",
                    &[("now", now.into()), ("last", last.into())],
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn good() -> IntakeRequest {
        IntakeRequest {
            call_time: None,
            customer_name: Some("王先生".into()),
            phone: Some("138 1234 5678".into()),
            location: Some(LocationRequest {
                address: Some("杭州市西湖区文三路 90 号".into()),
                lat: Some(30.2741),
                lon: Some(120.1551),
                crs: Some(Crs::Gcj02),
            }),
            location_pending: None,
            plate: Some("浙a12345".into()),
            model: Some("朗逸".into()),
            vin: None,
            mileage_km: Some(56_000),
            fault: Some("无法启动".into()),
            repaired_elsewhere: Some(false),
            repaired_elsewhere_note: None,
            response_level: Some(2),
        }
    }

    fn fields(req: &IntakeRequest) -> Vec<&'static str> {
        TicketIntake::parse(req, Utc::now())
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    #[test]
    fn good_request_parses_and_normalises() {
        let now = Utc::now();
        let t = TicketIntake::parse(&good(), now).unwrap();
        assert_eq!(t.phone.as_str(), "13812345678");
        assert_eq!(t.plate.as_str(), "浙A12345");
        assert_eq!(t.call_time, now.naive_utc());
        assert_eq!(t.source_crs, Crs::Gcj02);
        // GCJ-02 input is stored as WGS-84, a few hundred metres away.
        let c = t.coordinates.unwrap();
        assert!((c.lat() - 30.2741).abs() > 1e-4);
        assert!((c.lat() - 30.2741).abs() < 0.01);
        assert!(!t.request_location);
    }

    #[test]
    fn empty_request_names_every_required_field() {
        let f = fields(&IntakeRequest::default());
        for name in [
            "customer_name",
            "phone",
            "location.address",
            "location.lat",
            "location.lon",
            "plate",
            "model",
            "mileage_km",
            "fault",
            "response_level",
        ] {
            assert!(f.contains(&name), "{name} missing from {f:?}");
        }
        assert!(!f.contains(&"vin") && !f.contains(&"call_time"));
    }

    #[test]
    fn each_bad_field_is_named() {
        type Mutation = Box<dyn Fn(&mut IntakeRequest)>;
        let cases: Vec<(&str, Mutation)> = vec![
            ("phone", Box::new(|r| r.phone = Some("12345".into()))),
            ("plate", Box::new(|r| r.plate = Some("ABC123".into()))),
            ("vin", Box::new(|r| r.vin = Some("LSVAU2180N218329".into()))),
            ("mileage_km", Box::new(|r| r.mileage_km = Some(-1))),
            ("response_level", Box::new(|r| r.response_level = Some(4))),
            (
                "customer_name",
                Box::new(|r| r.customer_name = Some("   ".into())),
            ),
            (
                "call_time",
                Box::new(|r| r.call_time = Some("2099-01-01T00:00:00Z".parse().unwrap())),
            ),
            (
                "location.lat",
                Box::new(|r| r.location.as_mut().unwrap().lat = Some(91.0)),
            ),
            (
                "location.lon",
                Box::new(|r| r.location.as_mut().unwrap().lon = Some(181.0)),
            ),
            (
                "fault",
                Box::new(|r| r.fault = Some("x".repeat(MAX_FAULT_CHARS + 1))),
            ),
        ];
        for (field, mutate) in cases {
            let mut req = good();
            mutate(&mut req);
            assert_eq!(fields(&req), vec![field], "case {field}");
        }
    }

    #[test]
    fn a_bad_call_time_or_crs_is_refused_while_the_body_is_read() {
        let read = |body: serde_json::Value| serde_json::from_value::<IntakeRequest>(body);
        let key = |e: serde_json::Error| {
            crate::i18n::serde_key::read(&e.to_string()).map(|(k, _)| k.to_owned())
        };
        let e = read(serde_json::json!({"call_time": "yesterday"})).unwrap_err();
        assert_eq!(key(e).as_deref(), Some(CALL_TIME_MESSAGE));
        // chrono's own parser would take a blank for the `T`; RFC 3339 is asked for.
        let e = read(serde_json::json!({"call_time": "2026-11-22 09:30"})).unwrap_err();
        assert_eq!(key(e).as_deref(), Some(CALL_TIME_MESSAGE));
        let e = read(serde_json::json!({"location": {"crs": "bd09"}})).unwrap_err();
        assert_eq!(key(e).as_deref(), Some(CRS_MESSAGE));
        let ok = read(serde_json::json!({
            "call_time": "2026-11-22T09:30:00+08:00",
            "location": {"crs": "GCJ02"},
        }))
        .unwrap();
        assert_eq!(
            ok.call_time.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-11-22T01:30:00+00:00")
        );
        assert_eq!(ok.location.unwrap().crs, Some(Crs::Gcj02));
        let blank = read(serde_json::json!({"call_time": " ", "location": {"crs": ""}})).unwrap();
        assert_eq!((blank.call_time, blank.location.unwrap().crs), (None, None));
    }

    #[test]
    fn call_time_with_offset_is_stored_in_utc() {
        let now = Utc::now();
        let mut req = good();
        let local = (now - Duration::hours(1))
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
        req.call_time = serde_json::from_value(serde_json::json!(local.to_rfc3339())).unwrap();
        let t = TicketIntake::parse(&req, now).unwrap();
        assert_eq!(
            t.call_time.and_utc().timestamp(),
            (now - Duration::hours(1)).timestamp()
        );
    }

    #[test]
    fn every_bad_field_at_once_and_each_coordinate_named() {
        let mut req = good();
        req.phone = Some("12345".into());
        req.plate = Some("ABC".into());
        let loc = req.location.as_mut().unwrap();
        loc.lat = Some(95.0);
        loc.lon = Some(-190.0);
        let errors = TicketIntake::parse(&req, Utc::now()).unwrap_err();
        let f: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(f, ["phone", "plate", "location.lat", "location.lon"]);
        // Each field's message in both languages, from the catalogue.
        let msg = |name: &str| {
            let t = &errors.iter().find(|(f, _)| *f == name).unwrap().1;
            let (zh, en) = (t.render(Locale::ZhCn), t.render(Locale::En));
            assert!(
                !zh.contains(" / ") && !en.contains(" / "),
                "one language each"
            );
            format!("{zh} {en}")
        };
        assert!(msg("location.lat").contains("纬度") && msg("location.lat").contains("-90 and 90"));
        assert!(
            msg("location.lon").contains("经度") && msg("location.lon").contains("-180 and 180")
        );

        // A missing latitude does not hide a bad longitude either.
        let mut req = good();
        req.location.as_mut().unwrap().lat = None;
        req.location.as_mut().unwrap().lon = Some(500.0);
        assert_eq!(fields(&req), ["location.lat", "location.lon"]);
    }

    #[test]
    fn gcj02_outside_china_is_refused() {
        let mut req = good();
        let loc = req.location.as_mut().unwrap();
        loc.lat = Some(48.8584);
        loc.lon = Some(2.2945);
        assert_eq!(fields(&req), ["location.crs"]);
        req.location.as_mut().unwrap().crs = Some(Crs::Wgs84);
        assert!(TicketIntake::parse(&req, Utc::now()).is_ok());
    }

    #[test]
    fn location_pending_needs_the_address_and_a_mobile_only() {
        let mut req = good();
        req.location_pending = Some(true);
        let loc = req.location.as_mut().unwrap();
        loc.lat = None;
        loc.lon = None;
        let t = TicketIntake::parse(&req, Utc::now()).unwrap();
        assert!(t.coordinates.is_none() && t.request_location);

        // Without the flag, the coordinates are required as before.
        req.location_pending = Some(false);
        assert_eq!(fields(&req), ["location.lat", "location.lon"]);
        req.location_pending = Some(true);

        // Half a coordinate is a typo, not an unknown location.
        req.location.as_mut().unwrap().lat = Some(30.0);
        assert_eq!(fields(&req), ["location.lon"]);
        req.location.as_mut().unwrap().lat = None;

        req.location.as_mut().unwrap().address = Some("\u{200B} ".into());
        assert_eq!(fields(&req), ["location.address"]);
        req.location.as_mut().unwrap().address = Some("G60 沪昆高速 杭州段".into());

        // The location request is an SMS: a landline cannot get it.
        req.phone = Some("0571-88889999".into());
        assert_eq!(fields(&req), ["phone"]);

        // Flag and coordinates: the coordinates are kept and the SMS still goes.
        let t = TicketIntake::parse(&good_with_flag(), Utc::now()).unwrap();
        assert!(t.coordinates.is_some() && t.request_location);
    }

    fn good_with_flag() -> IntakeRequest {
        IntakeRequest {
            location_pending: Some(true),
            ..good()
        }
    }

    #[test]
    fn zero_width_name_is_refused() {
        let mut req = good();
        req.customer_name = Some("\u{200B}\u{200C}\u{200D}\u{FEFF}\u{2060} ".into());
        req.fault = Some("\u{200B}".into());
        req.model = Some("\u{FEFF}\u{3000}".into());
        assert_eq!(fields(&req), ["customer_name", "model", "fault"]);
    }

    #[test]
    fn warnings_for_open_tickets_and_lower_mileage() {
        assert!(warnings(Some(56_000), Some(55_000), &[]).is_empty());
        assert!(warnings(None, Some(55_000), &[]).is_empty());
        assert!(warnings(Some(1), None, &[]).is_empty());
        let w = warnings(Some(12_000), Some(56_000), &["RS-20261201-0001".into()]);
        let codes: Vec<_> = w.iter().map(|w| w.code).collect();
        assert_eq!(codes, ["open_ticket_for_plate", "mileage_below_last_visit"]);
        assert!(w[0].message.contains("RS-20261201-0001"));
        assert!(w[1].message.contains("12000") && w[1].message.contains("56000"));
        let en = w[1].clone().in_locale(Locale::En).message;
        assert_eq!(
            en,
            "Mileage 12000 km is below the 56000 km recorded at the last visit: check with the caller"
        );
        assert!(still_open(TicketStatus::New) && still_open(TicketStatus::OnSite));
        assert!(!still_open(TicketStatus::Closed) && !still_open(TicketStatus::Cancelled));
    }
}
