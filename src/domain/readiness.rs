//! Holiday readiness (节前准备): what a dealer must have in place before a holiday, from the
//! Spring Festival plan — someone on the rota every day (a technician and a manager), every
//! rescue vehicle checked for the holiday and ready — and the gaps a page shows in red.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::holiday_stock::ListStatus;
use super::rota::{entries_of_day, Shift, ShiftKind};
use crate::i18n::Msg;

/// A holiday check (occasion `holiday`) counts from this many days before the first day: the
/// week before, when the plans ask for the vehicles to be gone over.
pub const CHECK_WINDOW_DAYS: i64 = 7;

/// The first local day a holiday check of `first_day`'s holiday counts on.
pub fn check_window_start(first_day: NaiveDate) -> NaiveDate {
    first_day - Duration::days(CHECK_WINDOW_DAYS)
}

/// Whether a person's rota puts them on duty or on call at some time of `day` (a dated `off`
/// takes the weekly shift away; on a rota holiday only dated shifts count).
pub fn works_on(shifts: &[Shift], rota_holidays: &[NaiveDate], day: NaiveDate) -> bool {
    entries_of_day(shifts, rota_holidays, day)
        .iter()
        .any(|s| matches!(s.kind, ShiftKind::OnDuty | ShiftKind::OnCall))
}

/// One thing missing before the holiday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "gap", rename_all = "snake_case")]
pub enum Gap {
    /// No technician on duty or on call that day.
    NoTechnician {
        #[schema(value_type = String, format = Date)]
        date: NaiveDate,
    },
    /// No service manager or director on duty or on call that day.
    NoManager {
        #[schema(value_type = String, format = Date)]
        date: NaiveDate,
    },
    /// No passed holiday check since the window opened.
    VehicleNotChecked { plate: String },
    /// Its latest check failed, is overdue or was never made: it cannot go out now.
    VehicleNotReady { plate: String },
    /// No holiday stock list confirmed (ordered) yet.
    StockNotOrdered,
    /// The ordered list still waits for this many of its parts.
    StockNotReceived { parts: usize },
}

impl Gap {
    pub fn msg(&self) -> Msg {
        let s = |v: &str| serde_json::Value::from(v);
        match self {
            Gap::NoTechnician { date } => Msg::with(
                "ready-gap-no-technician",
                &[("date", s(&date.format("%m-%d").to_string()))],
            ),
            Gap::NoManager { date } => Msg::with(
                "ready-gap-no-manager",
                &[("date", s(&date.format("%m-%d").to_string()))],
            ),
            Gap::VehicleNotChecked { plate } => {
                Msg::with("ready-gap-vehicle-not-checked", &[("plate", s(plate))])
            }
            Gap::VehicleNotReady { plate } => {
                Msg::with("ready-gap-vehicle-not-ready", &[("plate", s(plate))])
            }
            Gap::StockNotOrdered => Msg::new("ready-gap-stock-not-ordered"),
            Gap::StockNotReceived { parts } => Msg::with(
                "ready-gap-stock-not-received",
                &[("count", (*parts as u64).into())],
            ),
        }
    }
}

/// The holiday stock's gap: `None` when the list is received (or ordered and nothing is
/// missing), from its status and how many of its lines still wait for parts.
pub fn stock_gap(status: Option<ListStatus>, lines_waiting: usize) -> Option<Gap> {
    match status {
        None | Some(ListStatus::Draft) => Some(Gap::StockNotOrdered),
        Some(ListStatus::Confirmed) if lines_waiting > 0 => Some(Gap::StockNotReceived {
            parts: lines_waiting,
        }),
        Some(_) => None,
    }
}

/// The rota's gaps over the holiday's days: for each day, whether a technician and a manager
/// work it (as [`works_on`] says of each of them).
pub fn rota_gaps(days: &[(NaiveDate, bool, bool)]) -> Vec<Gap> {
    let mut out = Vec::new();
    for &(date, technician, manager) in days {
        if !technician {
            out.push(Gap::NoTechnician { date });
        }
        if !manager {
            out.push(Gap::NoManager { date });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rota::{Slot, Span};
    use chrono::Weekday;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn shift(slot: Slot, kind: ShiftKind) -> Shift {
        Shift {
            slot,
            span: Span::parse("08:00", "20:00").unwrap(),
            kind,
        }
    }

    #[test]
    fn a_day_is_worked_by_a_weekly_or_dated_shift_on_duty_or_on_call() {
        // Friday 2027-02-05 (除夕) and Saturday 02-06.
        let weekly_friday = [shift(Slot::Weekly(Weekday::Fri), ShiftKind::OnDuty)];
        assert!(works_on(&weekly_friday, &[], day("2027-02-05")));
        assert!(!works_on(&weekly_friday, &[], day("2027-02-06")));
        // A rota holiday: the weekly shift no longer counts, a dated one does.
        let holiday = [day("2027-02-05")];
        assert!(!works_on(&weekly_friday, &holiday, day("2027-02-05")));
        let dated = [
            weekly_friday[0],
            shift(Slot::Dated(day("2027-02-05")), ShiftKind::OnCall),
        ];
        assert!(works_on(&dated, &holiday, day("2027-02-05")));
        // A dated day off takes the weekly shift away.
        let off = [
            weekly_friday[0],
            shift(Slot::Dated(day("2027-02-05")), ShiftKind::Off),
        ];
        assert!(!works_on(&off, &[], day("2027-02-05")));
    }

    #[test]
    fn each_missing_role_of_each_day_is_a_gap() {
        let gaps = rota_gaps(&[
            (day("2027-02-05"), true, true),
            (day("2027-02-06"), false, true),
            (day("2027-02-07"), false, false),
        ]);
        assert_eq!(
            gaps,
            [
                Gap::NoTechnician {
                    date: day("2027-02-06")
                },
                Gap::NoTechnician {
                    date: day("2027-02-07")
                },
                Gap::NoManager {
                    date: day("2027-02-07")
                },
            ]
        );
        assert_eq!(gaps[0].msg().key, "ready-gap-no-technician");
        assert_eq!(check_window_start(day("2027-02-05")), day("2027-01-29"));
        assert_eq!(stock_gap(None, 0), Some(Gap::StockNotOrdered));
        assert_eq!(
            stock_gap(Some(ListStatus::Draft), 3),
            Some(Gap::StockNotOrdered)
        );
        assert_eq!(
            stock_gap(Some(ListStatus::Confirmed), 2),
            Some(Gap::StockNotReceived { parts: 2 })
        );
        assert_eq!(stock_gap(Some(ListStatus::Confirmed), 0), None);
        assert_eq!(stock_gap(Some(ListStatus::Received), 0), None);
    }
}
