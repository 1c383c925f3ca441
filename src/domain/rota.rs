//! The duty rota's rules: a person's weekly pattern and dated shifts, the dealer's holiday days,
//! and whether someone is on duty (on site), on call (reachable, not on site) or off at an instant.
//!
//! Times are the dealer's wall clock (China: UTC+8, no daylight saving), as minutes after local
//! midnight; a shift whose end is at or before its start runs into the next day (20:00–08:00).
//! For each local day, a person's shifts are their dated ones when the day is one of the dealer's
//! holidays or they have a dated entry that day (a dated `off` is a day off), else their weekly
//! one for that weekday. A shift started the day before that runs past midnight counts as well.
//! Someone with no entry at all is not on the rota, and the rota does not restrict them.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use crate::i18n::{Locale, Msg};

/// Minutes in a day: the latest end of a shift (24:00).
pub const DAY_MINUTES: u16 = 24 * 60;

/// What a shift makes its person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShiftKind {
    /// 值班: on site.
    OnDuty,
    /// 备班: reachable by phone, not on site.
    OnCall,
    /// 休息: a dated day off (only on a date: it takes the weekly shift away for that day).
    Off,
}

text_names!(ShiftKind { OnDuty => "on_duty", OnCall => "on_call", Off => "off" });

impl ShiftKind {
    pub fn label_key(self) -> &'static str {
        match self {
            ShiftKind::OnDuty => "rota-kind-on-duty",
            ShiftKind::OnCall => "rota-kind-on-call",
            ShiftKind::Off => "rota-kind-off",
        }
    }

    /// The kind as a DMS file writes it: 值班 / 备班 / 休息 or the stored names.
    pub fn parse_cell(s: &str) -> Option<ShiftKind> {
        match s.trim() {
            "值班" | "在岗" | "on duty" | "On duty" | "duty" => Some(ShiftKind::OnDuty),
            "备班" | "待命" | "on call" | "On call" | "call" => Some(ShiftKind::OnCall),
            "休息" | "休" | "off" | "Off" => Some(ShiftKind::Off),
            other => ShiftKind::parse(other),
        }
    }
}

/// Where a person stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    OnDuty,
    OnCall,
    Off,
    /// No rota entry at all: the rota does not restrict them (a dealer not using the rota).
    NotRostered,
}

impl Duty {
    pub fn as_str(self) -> &'static str {
        match self {
            Duty::OnDuty => "on_duty",
            Duty::OnCall => "on_call",
            Duty::Off => "off",
            Duty::NotRostered => "not_rostered",
        }
    }

    /// May be sent out or told now: anyone but those the rota has off.
    pub fn reachable(self) -> bool {
        self != Duty::Off
    }

    /// Reachable because the rota says so (not merely because they have no rota).
    pub fn rostered_on(self) -> bool {
        matches!(self, Duty::OnDuty | Duty::OnCall)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Duty::OnDuty => "rota-duty-on-duty",
            Duty::OnCall => "rota-duty-on-call",
            Duty::Off => "rota-duty-off",
            Duty::NotRostered => "rota-duty-not-rostered",
        }
    }
}

/// Why a shift, a time or a week is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotaError {
    /// Not a time of day such as `08:00` (or `24:00` for an end).
    TimeInvalid { value: String },
    /// Not a weekday 1 (Monday) … 7 (Sunday).
    WeekdayInvalid { value: String },
    /// Not a date such as `2027-02-05`.
    DateInvalid { value: String },
    /// Not an ISO week such as `2026-W49` (or a date).
    WeekInvalid { value: String },
    /// `off` on a weekday: the weekly pattern is cleared instead.
    OffOnWeekday,
    /// Neither or both of a weekday and a date.
    SlotAmbiguous,
    /// A date too far from today to be a rota's (more than two years either way).
    DateOutOfRange,
}

impl RotaError {
    pub fn code(&self) -> &'static str {
        match self {
            RotaError::TimeInvalid { .. } => "time_invalid",
            RotaError::WeekdayInvalid { .. } => "weekday_invalid",
            RotaError::DateInvalid { .. } => "date_invalid",
            RotaError::WeekInvalid { .. } => "week_invalid",
            RotaError::OffOnWeekday => "off_on_weekday",
            RotaError::SlotAmbiguous => "slot_ambiguous",
            RotaError::DateOutOfRange => "date_out_of_range",
        }
    }

    pub fn msg(&self) -> Msg {
        let v = |s: &str| serde_json::Value::from(s);
        match self {
            RotaError::TimeInvalid { value } => {
                Msg::with("rota-error-time-invalid", &[("value", v(value))])
            }
            RotaError::WeekdayInvalid { value } => {
                Msg::with("rota-error-weekday-invalid", &[("value", v(value))])
            }
            RotaError::DateInvalid { value } => {
                Msg::with("rota-error-date-invalid", &[("value", v(value))])
            }
            RotaError::WeekInvalid { value } => {
                Msg::with("rota-error-week-invalid", &[("value", v(value))])
            }
            RotaError::OffOnWeekday => Msg::new("rota-error-off-on-weekday"),
            RotaError::SlotAmbiguous => Msg::new("rota-error-slot-ambiguous"),
            RotaError::DateOutOfRange => Msg::new("rota-error-date-out-of-range"),
        }
    }
}

impl std::fmt::Display for RotaError {
    /// The Chinese message, for logs; users read [`RotaError::msg`] in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(Locale::ZhCn))
    }
}

impl std::error::Error for RotaError {}

/// A time of day as minutes after midnight: `8:00`, `08:00`, `08:00:00`, `0800`, `8点`; `24:00`
/// only where `allow_end_of_day` (an end).
pub fn parse_clock(s: &str, allow_end_of_day: bool) -> Result<u16, RotaError> {
    let bad = || RotaError::TimeInvalid {
        value: s.chars().take(20).collect(),
    };
    let t = s.trim().replace('：', ":").replace('点', ":00");
    let parts: Vec<&str> = if t.contains(':') {
        t.split(':').collect()
    } else if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        vec![&t[..2], &t[2..]]
    } else {
        return Err(bad());
    };
    let num = |p: &str| -> Option<u16> {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (h, m) = match parts.as_slice() {
        [h, m] => (num(h), num(m)),
        [h, m, "00"] => (num(h), num(m)),
        _ => (None, None),
    };
    let (Some(h), Some(m)) = (h, m) else {
        return Err(bad());
    };
    let total = h * 60 + m;
    if m >= 60 || total > DAY_MINUTES || (total == DAY_MINUTES && !allow_end_of_day) {
        return Err(bad());
    }
    Ok(total)
}

/// `HH:MM` of minutes after midnight (`24:00` for the end of the day).
pub fn clock_text(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The hours of a shift: start and end as minutes after local midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    start: u16,
    end: u16,
}

impl Span {
    /// `start` in 0..1440, `end` in 1..=1440; an end at or before the start is the next day's.
    pub fn new(start: u16, end: u16) -> Result<Span, RotaError> {
        if start >= DAY_MINUTES {
            return Err(RotaError::TimeInvalid {
                value: clock_text(start),
            });
        }
        if end == 0 || end > DAY_MINUTES {
            return Err(RotaError::TimeInvalid {
                value: clock_text(end),
            });
        }
        Ok(Span { start, end })
    }

    /// From `HH:MM` texts; an end of `00:00` is midnight, the same as `24:00`.
    pub fn parse(start: &str, end: &str) -> Result<Span, RotaError> {
        let s = parse_clock(start, false)?;
        let e = match parse_clock(end, true)? {
            0 => DAY_MINUTES,
            e => e,
        };
        Span::new(s, e)
    }

    /// The whole day, for a dated day off.
    pub fn whole_day() -> Span {
        Span {
            start: 0,
            end: DAY_MINUTES,
        }
    }

    pub fn start(self) -> u16 {
        self.start
    }

    pub fn end(self) -> u16 {
        self.end
    }

    /// Ends the next day (20:00–08:00; a start equal to the end is a 24-hour shift).
    pub fn crosses_midnight(self) -> bool {
        self.end <= self.start
    }

    pub fn minutes(self) -> u16 {
        if self.crosses_midnight() {
            self.end + DAY_MINUTES - self.start
        } else {
            self.end - self.start
        }
    }

    pub fn start_text(self) -> String {
        clock_text(self.start)
    }

    pub fn end_text(self) -> String {
        clock_text(self.end)
    }
}

/// Which day a shift is for: a weekday of the weekly pattern, or one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    Weekly(Weekday),
    Dated(NaiveDate),
}

impl Slot {
    /// From the request's two optional fields: exactly one of a weekday (1–7) and a date.
    pub fn from_parts(weekday: Option<i64>, date: Option<&str>) -> Result<Slot, RotaError> {
        match (weekday, date.map(str::trim).filter(|d| !d.is_empty())) {
            (Some(w), None) => weekday_of(w).map(Slot::Weekly),
            (None, Some(d)) => parse_date(d).map(Slot::Dated),
            _ => Err(RotaError::SlotAmbiguous),
        }
    }

    pub fn is_dated(self) -> bool {
        matches!(self, Slot::Dated(_))
    }
}

/// ISO weekday number 1 (Monday) … 7 (Sunday).
pub fn weekday_of(n: i64) -> Result<Weekday, RotaError> {
    match n {
        1..=7 => Ok(Weekday::try_from((n - 1) as u8).expect("0..=6")),
        _ => Err(RotaError::WeekdayInvalid {
            value: n.to_string(),
        }),
    }
}

/// A weekday as a DMS file or a person writes it: `1`–`7`, 周一 / 星期一 / 礼拜天, `Mon`, `Monday`.
pub fn parse_weekday(s: &str) -> Result<Weekday, RotaError> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return weekday_of(n);
    }
    let stripped = t
        .trim_start_matches("星期")
        .trim_start_matches("周")
        .trim_start_matches("礼拜");
    let zh = ["一", "二", "三", "四", "五", "六", "日"];
    if let Some(i) = zh.iter().position(|d| *d == stripped) {
        return weekday_of(i as i64 + 1);
    }
    if stripped == "天" {
        return Ok(Weekday::Sun);
    }
    t.parse::<Weekday>().map_err(|_| RotaError::WeekdayInvalid {
        value: t.chars().take(20).collect(),
    })
}

/// `2027-02-05` or `2027/2/5`.
pub fn parse_date(s: &str) -> Result<NaiveDate, RotaError> {
    let t = s.trim().replace('/', "-");
    NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| RotaError::DateInvalid {
        value: s.chars().take(20).collect(),
    })
}

/// A rota date must lie within two years of today: a typo (2207) is refused, not stored.
pub fn check_date_near(date: NaiveDate, today: NaiveDate) -> Result<(), RotaError> {
    if (date - today).num_days().abs() > 2 * 366 {
        Err(RotaError::DateOutOfRange)
    } else {
        Ok(())
    }
}

/// One rota entry of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub slot: Slot,
    pub span: Span,
    pub kind: ShiftKind,
}

impl Shift {
    /// A shift as asked for: a weekday may not be `off` (clear it instead).
    pub fn new(slot: Slot, span: Span, kind: ShiftKind) -> Result<Shift, RotaError> {
        match (slot, kind) {
            (Slot::Weekly(_), ShiftKind::Off) => Err(RotaError::OffOnWeekday),
            (_, ShiftKind::Off) => Ok(Shift {
                slot,
                span: Span::whole_day(),
                kind,
            }),
            _ => Ok(Shift { slot, span, kind }),
        }
    }
}

/// The entries that decide a person's local `day`: the dated ones when the day is a holiday or
/// they have one on it, else the weekly one of its weekday (a dated `off` among them).
pub fn entries_of_day<'a>(
    shifts: &'a [Shift],
    holidays: &[NaiveDate],
    day: NaiveDate,
) -> Vec<&'a Shift> {
    let dated: Vec<&Shift> = shifts
        .iter()
        .filter(|s| s.slot == Slot::Dated(day))
        .collect();
    if !dated.is_empty() || holidays.contains(&day) {
        return dated;
    }
    shifts
        .iter()
        .filter(|s| s.slot == Slot::Weekly(day.weekday()))
        .collect()
}

/// Where a person stands at `local` (the dealer's wall-clock time), and the shift that makes it
/// so: a shift of that day that has begun and not ended (the end is not part of it), or one of
/// the day before that runs past midnight. On duty wins over on call when two overlap.
pub fn duty_at<'a>(
    shifts: &'a [Shift],
    holidays: &[NaiveDate],
    local: NaiveDateTime,
) -> (Duty, Option<&'a Shift>) {
    if shifts.is_empty() {
        return (Duty::NotRostered, None);
    }
    let day = local.date();
    let now = (local.hour() * 60 + local.minute()) as u16;
    let today = entries_of_day(shifts, holidays, day)
        .into_iter()
        .filter(|s| s.span.start <= now && (s.span.crosses_midnight() || now < s.span.end));
    let yesterday = entries_of_day(shifts, holidays, day - Duration::days(1))
        .into_iter()
        .filter(|s| s.span.crosses_midnight() && now < s.span.end);
    let mut best: Option<&Shift> = None;
    for s in today.chain(yesterday) {
        match s.kind {
            ShiftKind::Off => {}
            ShiftKind::OnDuty => return (Duty::OnDuty, Some(s)),
            ShiftKind::OnCall => best = best.or(Some(s)),
        }
    }
    match best {
        Some(s) => (Duty::OnCall, Some(s)),
        None => (Duty::Off, None),
    }
}

/// The dealer's wall clock at a stored (naive UTC) instant.
pub fn local_time(utc: NaiveDateTime, utc_offset_hours: i32) -> NaiveDateTime {
    utc + Duration::hours(i64::from(utc_offset_hours))
}

/// The Monday of the ISO week holding `day`.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// `2026-W49` of a week's Monday.
pub fn week_label(monday: NaiveDate) -> String {
    let w = monday.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// A week as the page and the API name it: `2026-W49`, or any date in it (`2026-12-03`); the
/// Monday it starts on.
pub fn parse_week(s: &str) -> Result<NaiveDate, RotaError> {
    let t = s.trim();
    let bad = || RotaError::WeekInvalid {
        value: t.chars().take(20).collect(),
    };
    if let Some((y, w)) = t.split_once("-W").or_else(|| t.split_once("-w")) {
        let (Ok(y), Ok(w)) = (y.parse::<i32>(), w.parse::<u32>()) else {
            return Err(bad());
        };
        if !(2000..=2100).contains(&y) {
            return Err(bad());
        }
        return NaiveDate::from_isoywd_opt(y, w, Weekday::Mon).ok_or_else(bad);
    }
    parse_date(t)
        .ok()
        .filter(|d| (2000..=2100).contains(&d.year()))
        .map(monday_of)
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(day: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
        day.and_hms_opt(h, m, 0).unwrap()
    }

    fn weekly(w: Weekday, start: &str, end: &str, kind: ShiftKind) -> Shift {
        Shift::new(Slot::Weekly(w), Span::parse(start, end).unwrap(), kind).unwrap()
    }

    fn dated(day: NaiveDate, start: &str, end: &str, kind: ShiftKind) -> Shift {
        Shift::new(Slot::Dated(day), Span::parse(start, end).unwrap(), kind).unwrap()
    }

    // 2026-12-06 is a Sunday, 2026-12-07 a Monday.
    const SUN: (i32, u32, u32) = (2026, 12, 6);

    #[test]
    fn the_spring_festival_2027_runs_from_the_eve_on_friday_5_february_to_the_seventh_day() {
        // 除夕 2027-02-05 (a Friday), 初一 2027-02-06, 初七 2027-02-12.
        assert_eq!(d(2027, 2, 5).weekday(), Weekday::Fri);
        assert_eq!((d(2027, 2, 12) - d(2027, 2, 5)).num_days(), 7);
    }

    #[test]
    fn a_night_shift_from_sunday_covers_monday_morning_across_the_week_boundary() {
        let sun = d(SUN.0, SUN.1, SUN.2);
        let mon = sun + Duration::days(1);
        assert_eq!(mon.weekday(), Weekday::Mon);
        let s = [weekly(Weekday::Sun, "22:00", "06:00", ShiftKind::OnCall)];
        assert!(s[0].span.crosses_midnight());
        assert_eq!(s[0].span.minutes(), 8 * 60);
        let (duty, shift) = duty_at(&s, &[], at(mon, 3, 0));
        assert_eq!(duty, Duty::OnCall);
        assert_eq!(shift, Some(&s[0]));
        assert_eq!(duty_at(&s, &[], at(sun, 22, 0)).0, Duty::OnCall);
        assert_eq!(duty_at(&s, &[], at(sun, 21, 59)).0, Duty::Off);
        // Monday's own evening is not Sunday's shift.
        assert_eq!(duty_at(&s, &[], at(mon, 23, 0)).0, Duty::Off);
        // The Monday a week before belongs to the Sunday before it: on call too.
        assert_eq!(
            duty_at(&s, &[], at(mon - Duration::days(7), 5, 59)).0,
            Duty::OnCall
        );
    }

    #[test]
    fn the_end_is_not_part_of_the_shift() {
        let mon = d(2026, 12, 7);
        let s = [weekly(Weekday::Mon, "08:00", "20:00", ShiftKind::OnDuty)];
        assert_eq!(duty_at(&s, &[], at(mon, 8, 0)).0, Duty::OnDuty);
        assert_eq!(duty_at(&s, &[], at(mon, 19, 59)).0, Duty::OnDuty);
        assert_eq!(duty_at(&s, &[], at(mon, 20, 0)).0, Duty::Off);
        assert_eq!(duty_at(&s, &[], at(mon, 7, 59)).0, Duty::Off);
        let night = [weekly(Weekday::Sun, "20:00", "08:00", ShiftKind::OnCall)];
        assert_eq!(duty_at(&night, &[], at(mon, 7, 59)).0, Duty::OnCall);
        assert_eq!(duty_at(&night, &[], at(mon, 8, 0)).0, Duty::Off);
        // A shift to midnight ends at 24:00, written 00:00 too.
        let late = [weekly(Weekday::Mon, "16:00", "00:00", ShiftKind::OnDuty)];
        assert!(!late[0].span.crosses_midnight());
        assert_eq!(late[0].span.end_text(), "24:00");
        assert_eq!(duty_at(&late, &[], at(mon, 23, 59)).0, Duty::OnDuty);
        assert_eq!(
            duty_at(&late, &[], at(mon + Duration::days(1), 0, 0)).0,
            Duty::Off
        );
    }

    #[test]
    fn a_dated_shift_replaces_the_weekly_one_of_its_day_only() {
        let fri = d(2027, 2, 5);
        let s = [
            weekly(Weekday::Fri, "08:00", "17:00", ShiftKind::OnDuty),
            dated(fri, "12:00", "20:00", ShiftKind::OnCall),
        ];
        assert_eq!(duty_at(&s, &[], at(fri, 9, 0)).0, Duty::Off);
        assert_eq!(duty_at(&s, &[], at(fri, 13, 0)).0, Duty::OnCall);
        // The next Friday is the weekly pattern again.
        let next = fri + Duration::days(7);
        assert_eq!(duty_at(&s, &[], at(next, 9, 0)).0, Duty::OnDuty);
        // A dated day off takes the weekly shift away.
        let off = [
            weekly(Weekday::Fri, "08:00", "17:00", ShiftKind::OnDuty),
            dated(next, "00:00", "24:00", ShiftKind::Off),
        ];
        assert_eq!(duty_at(&off, &[], at(next, 9, 0)), (Duty::Off, None));
    }

    #[test]
    fn a_holiday_overrides_the_weekly_pattern_and_a_holiday_without_a_shift_is_off() {
        let eve = d(2027, 2, 5);
        let first = d(2027, 2, 6);
        let holidays: Vec<NaiveDate> = (0..8).map(|i| eve + Duration::days(i)).collect();
        let s = [
            weekly(Weekday::Fri, "08:00", "17:00", ShiftKind::OnDuty),
            weekly(Weekday::Sat, "08:00", "17:00", ShiftKind::OnDuty),
            dated(eve, "10:00", "22:00", ShiftKind::OnCall),
        ];
        // The eve: the holiday shift, not Friday's.
        assert_eq!(duty_at(&s, &holidays, at(eve, 9, 0)).0, Duty::Off);
        assert_eq!(duty_at(&s, &holidays, at(eve, 21, 0)).0, Duty::OnCall);
        // 初一 has no holiday shift for this person: off, although Saturdays are on.
        assert_eq!(duty_at(&s, &holidays, at(first, 9, 0)).0, Duty::Off);
        // Without the holiday the Saturday pattern holds.
        assert_eq!(duty_at(&s, &[], at(first, 9, 0)).0, Duty::OnDuty);
        // After the holiday, the weekly pattern is back.
        let after = d(2027, 2, 13);
        assert_eq!(duty_at(&s, &holidays, at(after, 9, 0)).0, Duty::OnDuty);
    }

    #[test]
    fn a_holiday_night_shift_runs_into_the_next_day_and_the_eve_of_a_holiday_still_counts() {
        let eve = d(2027, 2, 5);
        let first = d(2027, 2, 6);
        let holidays = [first];
        // Thursday night's weekly shift runs into the eve (not a holiday here).
        let s = [
            weekly(Weekday::Thu, "20:00", "08:00", ShiftKind::OnCall),
            dated(first, "20:00", "08:00", ShiftKind::OnDuty),
        ];
        assert_eq!(duty_at(&s, &holidays, at(eve, 7, 0)).0, Duty::OnCall);
        assert_eq!(
            duty_at(&s, &holidays, at(first + Duration::days(1), 7, 0)).0,
            Duty::OnDuty
        );
        // A holiday day's weekly night shift does not run: 初一 is a Saturday with no weekly
        // Saturday shift here, and a weekly Friday night on the eve (a holiday in this set) is gone.
        let s2 = [weekly(Weekday::Fri, "20:00", "08:00", ShiftKind::OnCall)];
        assert_eq!(duty_at(&s2, &[eve], at(first, 3, 0)).0, Duty::Off);
        assert_eq!(duty_at(&s2, &[], at(first, 3, 0)).0, Duty::OnCall);
    }

    #[test]
    fn on_duty_wins_over_on_call_and_nobody_on_the_rota_is_not_restricted() {
        let mon = d(2026, 12, 7);
        let s = [
            weekly(Weekday::Sun, "20:00", "09:00", ShiftKind::OnCall),
            weekly(Weekday::Mon, "08:00", "17:00", ShiftKind::OnDuty),
        ];
        assert_eq!(duty_at(&s, &[], at(mon, 8, 30)).0, Duty::OnDuty);
        assert_eq!(duty_at(&s, &[], at(mon, 7, 30)).0, Duty::OnCall);
        assert_eq!(duty_at(&[], &[], at(mon, 3, 0)), (Duty::NotRostered, None));
        assert!(Duty::NotRostered.reachable() && !Duty::NotRostered.rostered_on());
        assert!(Duty::OnCall.reachable() && !Duty::Off.reachable());
    }

    #[test]
    fn times_weekdays_and_weeks_parse_and_refuse() {
        assert_eq!(parse_clock("8:00", false), Ok(480));
        assert_eq!(parse_clock("08:30:00", false), Ok(510));
        assert_eq!(parse_clock("2000", false), Ok(1200));
        assert_eq!(parse_clock("20：00", false), Ok(1200));
        assert_eq!(parse_clock("24:00", true), Ok(1440));
        for bad in [
            "24:00", "8:60", "25:00", "abc", "", "8", "08:00:30", "-1:00",
        ] {
            assert!(parse_clock(bad, false).is_err(), "{bad}");
        }
        assert!(Span::parse("08:00", "24:01").is_err());
        assert_eq!(Span::parse("08:00", "08:00").unwrap().minutes(), 1440);
        assert_eq!(parse_weekday("周一"), Ok(Weekday::Mon));
        assert_eq!(parse_weekday("星期日"), Ok(Weekday::Sun));
        assert_eq!(parse_weekday("礼拜天"), Ok(Weekday::Sun));
        assert_eq!(parse_weekday("7"), Ok(Weekday::Sun));
        assert_eq!(parse_weekday("Tue"), Ok(Weekday::Tue));
        assert!(parse_weekday("8").is_err() && parse_weekday("周八").is_err());
        assert_eq!(
            Slot::from_parts(Some(1), None),
            Ok(Slot::Weekly(Weekday::Mon))
        );
        assert_eq!(
            Slot::from_parts(None, Some("2027/2/5")),
            Ok(Slot::Dated(d(2027, 2, 5)))
        );
        assert_eq!(
            Slot::from_parts(Some(1), Some("2027-02-05")),
            Err(RotaError::SlotAmbiguous)
        );
        assert_eq!(Slot::from_parts(None, None), Err(RotaError::SlotAmbiguous));
        assert_eq!(
            Shift::new(
                Slot::Weekly(Weekday::Mon),
                Span::whole_day(),
                ShiftKind::Off
            ),
            Err(RotaError::OffOnWeekday)
        );
        assert_eq!(parse_week("2026-W49"), Ok(d(2026, 11, 30)));
        assert_eq!(parse_week("2026-12-03"), Ok(d(2026, 11, 30)));
        assert_eq!(week_label(d(2026, 11, 30)), "2026-W49");
        // 2027-01-01 is a Friday of 2026's week 53.
        assert_eq!(week_label(monday_of(d(2027, 1, 1))), "2026-W53");
        assert_eq!(parse_week("2026-W53"), Ok(d(2026, 12, 28)));
        for bad in ["2026-W54", "1500-W01", "2026-13-01", "W49", ""] {
            assert!(parse_week(bad).is_err(), "{bad}");
        }
        assert!(check_date_near(d(2207, 2, 5), d(2026, 12, 1)).is_err());
        assert!(check_date_near(d(2027, 2, 5), d(2026, 12, 1)).is_ok());
        assert_eq!(ShiftKind::parse_cell("备班"), Some(ShiftKind::OnCall));
        assert_eq!(ShiftKind::parse_cell("值班"), Some(ShiftKind::OnDuty));
        assert_eq!(ShiftKind::parse_cell("on_call"), Some(ShiftKind::OnCall));
        assert_eq!(ShiftKind::parse_cell("加班"), None);
    }

    #[test]
    fn kinds_round_trip() {
        crate::domain::assert_names_round_trip(ShiftKind::ALL, ShiftKind::as_str, ShiftKind::parse);
    }
}
