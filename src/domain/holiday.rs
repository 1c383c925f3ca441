//! The holiday calendar (节假日) and its logistics: which days the manufacturer's emergency
//! orders, road freight, couriers, air freight and a sister dealer's van run slower or stop, and
//! when a part sent at a given moment really arrives. The source plans: during the Spring
//! Festival "the parts supply chain slows", so an order placed on its eve must show the true
//! arrival and the customer must hear why.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::eta;
use super::rota::{check_date_near, parse_date};
use super::text::NonEmptyText;
use crate::i18n::Msg;

/// A way a part travels, as a holiday affects it. A manufacturer order goes through two: the
/// manufacturer's own dispatch (closed over the Spring Festival) and the carrier.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The manufacturer's emergency-order dispatch (厂家紧急订单).
    Manufacturer,
    /// Road freight (汽运).
    Road,
    /// Express couriers (快递).
    Express,
    /// Air freight (空运).
    Air,
    /// A sister dealer's van (专车送达): its own staff, fewer over a holiday.
    Drive,
}

text_names!(Channel {
    Manufacturer => "manufacturer",
    Road => "road",
    Express => "express",
    Air => "air",
    Drive => "drive",
});

impl Channel {
    pub fn label_key(self) -> &'static str {
        match self {
            Channel::Manufacturer => "holiday-channel-manufacturer",
            Channel::Road => "holiday-channel-road",
            Channel::Express => "holiday-channel-express",
            Channel::Air => "holiday-channel-air",
            Channel::Drive => "holiday-channel-drive",
        }
    }
}

/// What a holiday does to one channel: it stops for the holiday's days (the clock of a shipment
/// stands still from the first day to the end of the last) and then needs `extra_hours` more
/// for the backlog; or it keeps running, `extra_hours` slower.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Effect {
    pub channel: Channel,
    pub stopped: bool,
    pub extra_hours: u32,
}

/// The longest a holiday may last: the Spring Festival's week and its make-up days fit.
pub const MAX_HOLIDAY_DAYS: i64 = 31;
/// The most a channel may be slowed: a month; a bigger figure is a typo.
pub const MAX_EXTRA_HOURS: u32 = 720;
/// Longest name of a holiday (春节, National Day, …).
pub const MAX_NAME_CHARS: usize = 40;

/// A holiday of the group's calendar, with its effects (each channel at most once).
#[derive(Debug, Clone, PartialEq)]
pub struct Holiday {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// Local dates (the dealers' wall clock), both included.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub effects: Vec<Effect>,
}

impl Holiday {
    /// UTC `[start, end)`: local midnight of the first day to local midnight after the last.
    pub fn window(&self, utc_offset_hours: i32) -> (NaiveDateTime, NaiveDateTime) {
        let offset = Duration::hours(i64::from(utc_offset_hours));
        let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN) - offset;
        (
            midnight(self.first_day),
            midnight(self.last_day.succ_opt().unwrap_or(self.last_day)),
        )
    }

    /// What the holiday does to a shipment using all of `channels`: stopped if any of them
    /// stops, and the extra hours of each added (the manufacturer's backlog, then the
    /// carrier's). `None` when it leaves them all as they are.
    fn effect_on(&self, channels: &[Channel]) -> Option<(bool, u32)> {
        let mine: Vec<&Effect> = self
            .effects
            .iter()
            .filter(|e| channels.contains(&e.channel))
            .collect();
        let stopped = mine.iter().any(|e| e.stopped);
        let extra = mine
            .iter()
            .fold(0u32, |sum, e| sum.saturating_add(e.extra_hours));
        (stopped || extra > 0).then_some((stopped, extra))
    }

    /// The number of days, both ends counted.
    pub fn days(&self) -> i64 {
        (self.last_day - self.first_day).num_days() + 1
    }
}

/// How a holiday changed one shipment's arrival: for the sourcing page and the consent script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Delay {
    pub holiday_id: String,
    pub name_zh: String,
    pub name_en: String,
    #[schema(value_type = String, format = Date)]
    pub first_day: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub last_day: NaiveDate,
    /// The shipment waited out the holiday.
    pub stopped: bool,
    /// Hours added on top (a backlog after a stop, or a slower service).
    pub extra_hours: u32,
}

/// The holidays that may touch shipments sent from now on, in the dealers' time zone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calendar {
    holidays: Vec<Holiday>,
    utc_offset_hours: i32,
}

impl Calendar {
    pub fn new(mut holidays: Vec<Holiday>, utc_offset_hours: i32) -> Calendar {
        holidays.sort_by(|a, b| {
            a.first_day
                .cmp(&b.first_day)
                .then(a.last_day.cmp(&b.last_day))
        });
        Calendar {
            holidays,
            utc_offset_hours,
        }
    }

    /// No holidays: every lead time as configured.
    pub fn none() -> Calendar {
        Calendar::default()
    }

    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    /// When a shipment sent at `start` that needs `lead_minutes` on ordinary days arrives,
    /// travelling on every one of `channels`, and the holidays that made it later.
    ///
    /// A stopping holiday that begins while the shipment is under way freezes its clock until
    /// the holiday ends (what was travelled before counts); one under way at `start` makes it
    /// wait for the end. Extra hours are added once per holiday the shipment meets. Holidays
    /// are met in order, so a delay that pushes the shipment into the next holiday meets that
    /// one too.
    pub fn arrival(
        &self,
        start: NaiveDateTime,
        lead_minutes: i64,
        channels: &[Channel],
    ) -> (NaiveDateTime, Vec<Delay>) {
        let mut at = start;
        let mut remaining = lead_minutes.max(0);
        let mut delays = Vec::new();
        for h in &self.holidays {
            let (from, to) = h.window(self.utc_offset_hours);
            if to <= at {
                continue;
            }
            if from >= eta::after_minutes(at, remaining) {
                // Sorted by first day: every later holiday begins later still.
                break;
            }
            let Some((stopped, extra)) = h.effect_on(channels) else {
                continue;
            };
            if stopped {
                if from > at {
                    remaining -= (from - at).num_minutes();
                }
                at = to;
            }
            remaining = remaining.saturating_add(i64::from(extra) * 60);
            delays.push(Delay {
                holiday_id: h.id.clone(),
                name_zh: h.name_zh.clone(),
                name_en: h.name_en.clone(),
                first_day: h.first_day,
                last_day: h.last_day,
                stopped,
                extra_hours: extra,
            });
        }
        (eta::after_minutes(at, remaining), delays)
    }
}

/// `POST /api/v1/holidays` and `PUT /api/v1/holidays/{id}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CalendarHolidayRequest {
    #[schema(example = "春节")]
    pub name_zh: Option<String>,
    /// Optional; pages in English fall back to the Chinese name.
    #[schema(example = "Spring Festival")]
    pub name_en: Option<String>,
    /// Local date, `2027-02-05`.
    #[schema(example = "2027-02-05")]
    pub first_day: Option<String>,
    /// Local date, included; at most 31 days after the first.
    #[schema(example = "2027-02-11")]
    pub last_day: Option<String>,
    /// What the holiday does to each channel; a channel left out runs as usual.
    #[serde(default)]
    pub effects: Vec<Effect>,
}

/// A holiday as the admin entered it: validated, without its id.
#[derive(Debug, Clone, PartialEq)]
pub struct HolidayEntry {
    pub name_zh: NonEmptyText,
    pub name_en: Option<NonEmptyText>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub effects: Vec<Effect>,
}

impl HolidayEntry {
    pub fn parse(
        req: &CalendarHolidayRequest,
        today: NaiveDate,
    ) -> Result<HolidayEntry, Vec<(&'static str, Msg)>> {
        let mut errors: Vec<(&'static str, Msg)> = Vec::new();
        let name = |field: &'static str, v: Option<&str>, errors: &mut Vec<_>| match v
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => match NonEmptyText::parse_line(s, MAX_NAME_CHARS) {
                Ok(n) => Some(n),
                Err(e) => {
                    errors.push((field, e.msg()));
                    None
                }
            },
        };
        let name_zh = name("name_zh", req.name_zh.as_deref(), &mut errors);
        if name_zh.is_none() && !errors.iter().any(|(f, _)| *f == "name_zh") {
            errors.push(("name_zh", Msg::new("dom-required")));
        }
        let name_en = name("name_en", req.name_en.as_deref(), &mut errors);
        let mut day = |field: &'static str, v: Option<&str>| {
            let v = v.map(str::trim).filter(|s| !s.is_empty());
            let Some(v) = v else {
                errors.push((field, Msg::new("dom-required")));
                return None;
            };
            match parse_date(v).and_then(|d| check_date_near(d, today).map(|()| d)) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push((field, e.msg()));
                    None
                }
            }
        };
        let first_day = day("first_day", req.first_day.as_deref());
        let last_day = day("last_day", req.last_day.as_deref());
        if let (Some(first), Some(last)) = (first_day, last_day) {
            if last < first {
                errors.push(("last_day", Msg::new("holiday-error-ends-before-start")));
            } else if (last - first).num_days() + 1 > MAX_HOLIDAY_DAYS {
                errors.push((
                    "last_day",
                    Msg::with(
                        "holiday-error-too-long",
                        &[("max", MAX_HOLIDAY_DAYS.into())],
                    ),
                ));
            }
        }
        let mut effects: Vec<Effect> = Vec::new();
        for e in &req.effects {
            if effects.iter().any(|k| k.channel == e.channel) {
                errors.push(("effects", Msg::new("holiday-error-channel-twice")));
                break;
            }
            if e.extra_hours > MAX_EXTRA_HOURS {
                errors.push((
                    "effects",
                    Msg::with(
                        "holiday-error-extra-hours",
                        &[("max", MAX_EXTRA_HOURS.into())],
                    ),
                ));
                break;
            }
            // "As usual" is the absence of an effect: not stored, so the list shows only changes.
            if e.stopped || e.extra_hours > 0 {
                effects.push(*e);
            }
        }
        effects.sort_by_key(|e| e.channel);
        match (name_zh, first_day, last_day) {
            (Some(name_zh), Some(first_day), Some(last_day)) if errors.is_empty() => {
                Ok(HolidayEntry {
                    name_zh,
                    name_en,
                    first_day,
                    last_day,
                    effects,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn effect(channel: Channel, stopped: bool, extra_hours: u32) -> Effect {
        Effect {
            channel,
            stopped,
            extra_hours,
        }
    }

    /// The Spring Festival of 2027 as a dealer group would enter it: the manufacturer and road
    /// freight stop, couriers run two days slower, air a day slower, vans as usual.
    fn spring_festival() -> Holiday {
        Holiday {
            id: "h1".into(),
            name_zh: "春节".into(),
            name_en: "Spring Festival".into(),
            first_day: day("2027-02-05"),
            last_day: day("2027-02-11"),
            effects: vec![
                effect(Channel::Manufacturer, true, 24),
                effect(Channel::Road, true, 0),
                effect(Channel::Express, false, 48),
                effect(Channel::Air, false, 24),
            ],
        }
    }

    fn calendar() -> Calendar {
        Calendar::new(vec![spring_festival()], 8)
    }

    #[test]
    fn the_window_is_local_midnight_to_midnight_in_utc() {
        assert_eq!(
            spring_festival().window(8),
            (utc("2027-02-04 16:00"), utc("2027-02-11 16:00"))
        );
        assert_eq!(spring_festival().days(), 7);
    }

    #[test]
    fn an_order_on_the_eve_waits_for_the_manufacturer_to_reopen_and_its_backlog() {
        // 2027-02-04 10:00 local = 02:00 UTC; 36 h express would arrive 02-05 22:00 local.
        let (at, delays) = calendar().arrival(
            utc("2027-02-04 02:00"),
            36 * 60,
            &[Channel::Manufacturer, Channel::Express],
        );
        // 14 h travelled before the holiday (02:00 → 16:00 UTC), 22 h left after it ends at
        // 02-11 16:00 UTC, plus 24 h backlog and 48 h slower courier.
        assert_eq!(at, utc("2027-02-11 16:00") + Duration::hours(22 + 24 + 48));
        assert_eq!(delays.len(), 1);
        assert!(delays[0].stopped);
        assert_eq!(delays[0].extra_hours, 72);
        assert_eq!(delays[0].name_zh, "春节");
    }

    #[test]
    fn an_order_during_the_holiday_starts_when_it_ends() {
        let (at, _) = calendar().arrival(
            utc("2027-02-07 03:00"),
            72 * 60,
            &[Channel::Manufacturer, Channel::Road],
        );
        assert_eq!(at, utc("2027-02-11 16:00") + Duration::hours(72 + 24));
    }

    #[test]
    fn a_running_but_slower_channel_only_adds_its_hours() {
        let start = utc("2027-02-06 01:00");
        let (at, delays) = calendar().arrival(start, 8 * 60, &[Channel::Air]);
        assert_eq!(at, start + Duration::hours(8 + 24));
        assert!(!delays[0].stopped);
    }

    #[test]
    fn a_channel_the_holiday_leaves_alone_and_shipments_clear_of_it_are_unchanged() {
        let start = utc("2027-02-06 01:00");
        assert_eq!(
            calendar().arrival(start, 90, &[Channel::Drive]),
            (start + Duration::minutes(90), vec![])
        );
        // Arrives just before the holiday begins: untouched.
        let before = utc("2027-02-03 16:00");
        assert_eq!(
            calendar().arrival(before, 24 * 60, &[Channel::Express]).0,
            before + Duration::hours(24)
        );
        // Sent after it ended: untouched.
        let after = utc("2027-02-11 16:00");
        assert_eq!(
            calendar().arrival(after, 60, &[Channel::Manufacturer]).0,
            after + Duration::hours(1)
        );
    }

    #[test]
    fn a_delay_that_runs_into_the_next_holiday_meets_it_too() {
        let next = Holiday {
            id: "h2".into(),
            name_zh: "元宵".into(),
            name_en: String::new(),
            first_day: day("2027-02-13"),
            last_day: day("2027-02-13"),
            effects: vec![effect(Channel::Express, true, 0)],
        };
        let cal = Calendar::new(vec![next, spring_festival()], 8);
        let (at, delays) = cal.arrival(utc("2027-02-10 00:00"), 24 * 60, &[Channel::Express]);
        // 48 h slower: 72 h in all, due 02-13 00:00 UTC, inside the one-day stop (02-12 16:00
        // to 02-13 16:00 UTC). 64 h were travelled before it; the last 8 h run after it.
        assert_eq!(at, utc("2027-02-13 16:00") + Duration::hours(72 - 64));
        assert_eq!(
            delays
                .iter()
                .map(|d| d.holiday_id.as_str())
                .collect::<Vec<_>>(),
            ["h1", "h2"]
        );
    }

    fn request() -> CalendarHolidayRequest {
        CalendarHolidayRequest {
            name_zh: Some(" 春节 ".into()),
            name_en: Some("Spring Festival".into()),
            first_day: Some("2027-02-05".into()),
            last_day: Some("2027/2/11".into()),
            effects: vec![
                effect(Channel::Express, false, 48),
                effect(Channel::Manufacturer, true, 24),
                effect(Channel::Drive, false, 0),
            ],
        }
    }

    #[test]
    fn an_entry_is_trimmed_sorted_and_drops_channels_left_as_usual() {
        let e = HolidayEntry::parse(&request(), day("2026-12-01")).unwrap();
        assert_eq!(e.name_zh.as_str(), "春节");
        assert_eq!(e.last_day, day("2027-02-11"));
        assert_eq!(
            e.effects,
            vec![
                effect(Channel::Manufacturer, true, 24),
                effect(Channel::Express, false, 48)
            ]
        );
    }

    fn refused(req: CalendarHolidayRequest) -> Vec<(&'static str, &'static str)> {
        HolidayEntry::parse(&req, day("2026-12-01"))
            .unwrap_err()
            .into_iter()
            .map(|(f, m)| (f, m.key))
            .collect()
    }

    #[test]
    fn bad_entries_name_their_fields() {
        let mut r = request();
        r.name_zh = Some("  ".into());
        r.first_day = Some("2027-02-30".into());
        assert_eq!(
            refused(r),
            [
                ("name_zh", "dom-required"),
                ("first_day", "rota-error-date-invalid")
            ]
        );
        let mut r = request();
        r.last_day = Some("2027-02-01".into());
        assert_eq!(
            refused(r),
            [("last_day", "holiday-error-ends-before-start")]
        );
        let mut r = request();
        r.last_day = Some("2027-03-08".into());
        assert_eq!(refused(r), [("last_day", "holiday-error-too-long")]);
        let mut r = request();
        r.first_day = Some("2207-02-05".into());
        r.last_day = Some("2207-02-06".into());
        assert_eq!(
            refused(r),
            [
                ("first_day", "rota-error-date-out-of-range"),
                ("last_day", "rota-error-date-out-of-range")
            ]
        );
        let mut r = request();
        r.effects.push(effect(Channel::Express, true, 0));
        assert_eq!(refused(r), [("effects", "holiday-error-channel-twice")]);
        let mut r = request();
        r.effects = vec![effect(Channel::Air, false, MAX_EXTRA_HOURS + 1)];
        assert_eq!(refused(r), [("effects", "holiday-error-extra-hours")]);
    }

    #[test]
    fn channel_names_round_trip() {
        crate::domain::assert_names_round_trip(Channel::ALL, Channel::as_str, Channel::parse);
    }
}
