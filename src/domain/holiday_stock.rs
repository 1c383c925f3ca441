//! Holiday stock (节前备货): from the same period in past years, the parts a dealer is likely
//! to need over a holiday, against what it has free now, as a suggested order list ranked by how
//! often the part held a rescue up; and the stored list's lines, adjusted, confirmed, received.
//!
//! How past years are aligned: on the same holiday of that year in the group's calendar (the
//! same name), so 春节 2027-02-05..=02-12 looks at 春节 2026-02-16..=02-23 when the calendar
//! has it — lunar holidays move by up to a month, and the same calendar dates would be ordinary
//! working days. A year the calendar does not have falls back to the holiday's own dates shifted
//! back a calendar year, which is right for fixed holidays (元旦, 国庆) and rough for lunar
//! ones. Each window can be widened by `LOOK_AROUND_DAYS` on each side (0 for now).

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::holiday::Holiday;

/// How many past years are looked at.
pub const PAST_YEARS: u32 = 2;
/// Days added before and after each past window: demand the days around a holiday (people
/// driving home early, coming back late) belongs to it, and the calendar alignment is rough.
pub const LOOK_AROUND_DAYS: u64 = 0;
/// Most lines a stored list may have (an adjusted list sent by the parts manager).
pub const MAX_LINES: usize = 500;
/// Most units of one line: a bigger figure is a typo.
pub const MAX_QUANTITY: i32 = 10_000;

/// The local dates `first..=last` of one past window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The dates are the same holiday's in the calendar (else the dates shifted a year back).
    pub from_calendar: bool,
}

/// Whether two calendar entries are the same holiday in different years: the same Chinese
/// name, or the same English one (ignoring case), once trimmed.
fn same_holiday(a: &Holiday, b: &Holiday) -> bool {
    let en = |h: &Holiday| h.name_en.trim().to_lowercase();
    a.name_zh.trim() == b.name_zh.trim() || (!en(a).is_empty() && en(a) == en(b))
}

/// The past windows of holiday `h`, one and two years back: the same holiday's dates in that
/// year of `calendar` (the group's holidays; the first of that year by date if several), else
/// `h`'s dates a calendar year back (29 February falls back to the 28th).
pub fn past_windows(h: &Holiday, calendar: &[Holiday]) -> Vec<Window> {
    let around = chrono::Days::new(LOOK_AROUND_DAYS);
    (1..=PAST_YEARS)
        .filter_map(|y| {
            let year = h.first_day.year() - i32::try_from(y).ok()?;
            let earlier = calendar
                .iter()
                .filter(|e| e.id != h.id && e.first_day.year() == year && same_holiday(e, h))
                .min_by_key(|e| e.first_day);
            let (first, last, from_calendar) = match earlier {
                Some(e) => (e.first_day, e.last_day, true),
                None => {
                    let back = Months::new(12 * y);
                    (
                        h.first_day.checked_sub_months(back)?,
                        h.last_day.checked_sub_months(back)?,
                        false,
                    )
                }
            };
            Some(Window {
                first: first - around,
                last: last + around,
                from_calendar,
            })
        })
        .collect()
}

/// What one part saw in one past window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct YearUse {
    /// Units on the rescues' plans of record, whether from stock or sourced.
    pub rescue_units: u32,
    /// Units of those that had to come from elsewhere (a sister's transfer, a manufacturer
    /// order); a subset of `rescue_units`, kept apart because it is what the stock lacked.
    pub sourced_units: u32,
    /// Units fitted in the workshop's service visits (service_visit_parts).
    pub service_units: u32,
    /// Rescues the part held up: those that needed it sourced.
    pub held_up_rescues: u32,
}

impl YearUse {
    /// The year's demand: what the rescues and the workshop used. A sourced figure above the
    /// rescue figure (an order for more than the plan line) counts as used: it was needed.
    pub fn demand(&self) -> u32 {
        self.rescue_units
            .max(self.sourced_units)
            .saturating_add(self.service_units)
    }
}

/// One part's past and present for the suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartPast {
    pub part_id: String,
    pub part_no: String,
    /// One entry per past window that saw the part (missing years saw nothing).
    pub years: Vec<YearUse>,
    /// On hand minus reserved now; negative if over-reserved.
    pub available: i32,
}

/// A line of the suggested order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub part_id: String,
    pub part_no: String,
    /// Rescues held up by the part, all past windows together.
    pub held_up_rescues: u32,
    /// Expected units over the holiday: the busiest past year's demand.
    pub expected: u32,
    /// Free now (on hand minus reserved, never below zero).
    pub available: u32,
    /// `expected - available`, never below zero.
    pub suggested: u32,
}

/// The suggested order list. The rule: expected demand = the largest past year's demand (a
/// holiday's worst year, not its average: a part short over the Spring Festival strands a car
/// for a week); suggested = expected minus what is free now, and only parts needing something
/// are listed. Ranked by rescues held up, then expected demand (both most first), then part
/// number.
pub fn suggest(parts: &[PartPast]) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = parts
        .iter()
        .filter_map(|p| {
            let expected = p.years.iter().map(YearUse::demand).max().unwrap_or(0);
            let available = u32::try_from(p.available.max(0)).unwrap_or(0);
            let suggested = expected.saturating_sub(available);
            (suggested > 0).then(|| Suggestion {
                part_id: p.part_id.clone(),
                part_no: p.part_no.clone(),
                held_up_rescues: p
                    .years
                    .iter()
                    .fold(0u32, |s, y| s.saturating_add(y.held_up_rescues)),
                expected,
                available,
                suggested,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.held_up_rescues
            .cmp(&a.held_up_rescues)
            .then(b.expected.cmp(&a.expected))
            .then(a.part_no.cmp(&b.part_no))
    });
    out
}

/// Where a stored list stands: the parts manager adjusts a draft, confirms it (then it is
/// ordered), and each line is received; the list is received when every line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListStatus {
    Draft,
    Confirmed,
    Received,
}

text_names!(ListStatus {
    Draft => "draft",
    Confirmed => "confirmed",
    Received => "received",
});

impl ListStatus {
    pub fn label_key(self) -> &'static str {
        match self {
            ListStatus::Draft => "holiday-stock-status-draft",
            ListStatus::Confirmed => "holiday-stock-status-confirmed",
            ListStatus::Received => "holiday-stock-status-received",
        }
    }
}

/// A quantity the parts manager typed, in `0..=MAX_QUANTITY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(i32);

impl Quantity {
    pub fn new(n: i64) -> Option<Quantity> {
        i32::try_from(n)
            .ok()
            .filter(|q| (0..=MAX_QUANTITY).contains(q))
            .map(Quantity)
    }
    pub fn get(self) -> i32 {
        self.0
    }
}

/// Why a list change is refused: stable codes for the API's field errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListError {
    /// Only a draft may be adjusted or confirmed.
    NotDraft,
    /// Only a confirmed list's lines may be received.
    NotConfirmed,
    /// A line already received in full.
    AlreadyReceived,
}

impl ListError {
    pub fn code(self) -> &'static str {
        match self {
            ListError::NotDraft => "holiday_stock_not_draft",
            ListError::NotConfirmed => "holiday_stock_not_confirmed",
            ListError::AlreadyReceived => "holiday_stock_line_received",
        }
    }
    pub fn message_key(self) -> &'static str {
        match self {
            ListError::NotDraft => "holiday-stock-error-not-draft",
            ListError::NotConfirmed => "holiday-stock-error-not-confirmed",
            ListError::AlreadyReceived => "holiday-stock-error-line-received",
        }
    }
}

/// May the list be adjusted or confirmed?
pub fn check_draft(status: ListStatus) -> Result<(), ListError> {
    (status == ListStatus::Draft)
        .then_some(())
        .ok_or(ListError::NotDraft)
}

/// A receipt of `got` units on a line that has `received` of `confirmed`: the line's new
/// received figure (a delivery may come in parts, and more than ordered is recorded as it came).
pub fn receive(
    status: ListStatus,
    confirmed: i32,
    received: i32,
    got: Quantity,
) -> Result<i32, ListError> {
    if status == ListStatus::Draft {
        return Err(ListError::NotConfirmed);
    }
    if received >= confirmed {
        return Err(ListError::AlreadyReceived);
    }
    Ok(received.saturating_add(got.get()))
}

/// The list's status after a receipt: received when every line has its confirmed quantity.
pub fn status_after_receipt(lines: &[(i32, i32)]) -> ListStatus {
    if lines
        .iter()
        .all(|(confirmed, received)| received >= confirmed)
    {
        ListStatus::Received
    } else {
        ListStatus::Confirmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn y(rescue: u32, sourced: u32, service: u32, held: u32) -> YearUse {
        YearUse {
            rescue_units: rescue,
            sourced_units: sourced,
            service_units: service,
            held_up_rescues: held,
        }
    }

    fn part(no: &str, years: Vec<YearUse>, available: i32) -> PartPast {
        PartPast {
            part_id: format!("id-{no}"),
            part_no: no.into(),
            years,
            available,
        }
    }

    fn holiday(id: &str, zh: &str, en: &str, first: &str, last: &str) -> Holiday {
        Holiday {
            id: id.into(),
            name_zh: zh.into(),
            name_en: en.into(),
            first_day: d(first),
            last_day: d(last),
            effects: Vec::new(),
        }
    }

    #[test]
    fn past_windows_without_the_holiday_in_the_calendar_are_the_same_dates_back() {
        let h = holiday("h", "春节", "Spring Festival", "2027-02-06", "2027-02-12");
        let w = past_windows(&h, std::slice::from_ref(&h));
        assert_eq!(
            w,
            vec![
                Window {
                    first: d("2026-02-06"),
                    last: d("2026-02-12"),
                    from_calendar: false,
                },
                Window {
                    first: d("2025-02-06"),
                    last: d("2025-02-12"),
                    from_calendar: false,
                },
            ]
        );
        // A leap day falls back to the 28th.
        let leap = holiday("l", "x", "", "2028-02-29", "2028-03-02");
        let w = past_windows(&leap, &[]);
        assert_eq!(w[0].first, d("2027-02-28"));
        assert_eq!(w[1].first, d("2026-02-28"));
    }

    #[test]
    fn past_windows_take_the_same_holiday_of_that_year_from_the_calendar() {
        let h = holiday("h27", "春节", "Spring Festival", "2027-02-05", "2027-02-12");
        let calendar = vec![
            holiday("n26", "国庆节", "National Day", "2026-10-01", "2026-10-07"),
            // The same holiday by its English name, spelt with other spaces and case.
            holiday(
                "s26",
                " 春节假期 ",
                " spring festival",
                "2026-02-16",
                "2026-02-23",
            ),
            holiday("s25", "春节", "", "2025-01-28", "2025-02-04"),
            // Two years back is 2025, not 2024.
            holiday("s24", "春节", "Spring Festival", "2024-02-09", "2024-02-17"),
            h.clone(),
        ];
        let w = past_windows(&h, &calendar);
        assert_eq!(
            w,
            vec![
                Window {
                    first: d("2026-02-16"),
                    last: d("2026-02-23"),
                    from_calendar: true,
                },
                Window {
                    first: d("2025-01-28"),
                    last: d("2025-02-04"),
                    from_calendar: true,
                },
            ]
        );
        // Another holiday of that year is not taken for this one.
        let national = holiday("n27", "国庆节", "National Day", "2027-10-01", "2027-10-07");
        let w = past_windows(&national, &calendar);
        assert_eq!((w[0].first, w[0].from_calendar), (d("2026-10-01"), true));
        assert_eq!((w[1].first, w[1].from_calendar), (d("2025-10-01"), false));
    }

    /// A hand-built history of five parts:
    /// - BAT (battery): 2026: 4 on rescues of which 3 sourced, 1 in service, 3 rescues held
    ///   up → demand max(4,3)+1 = 5; 2025: 2 on rescues, 2 sourced, 0 service, 2 held → 2.
    ///   expected 5, free 6 on hand − 5 reserved = 1 → suggest 4; held up 3+2 = 5.
    /// - TYR (tyre): 2026: 6 rescue, 0 sourced, 2 service → 8; 2025: 3+0 → 3. expected 8,
    ///   free 2 → suggest 6; held up 0.
    /// - FUS (fuse): 2026: 1 rescue, 2 sourced (ordered more than planned), 0 service, 1 held
    ///   → max(1,2) = 2; expected 2, free −1 (over-reserved) counts 0 → suggest 2; held 1.
    /// - OIL: 2026: 0 rescue, 10 service → 10; free 10 → suggest 0: left out.
    /// - LMP (lamp): no past at all → expected 0: left out.
    ///
    /// Ranked by held up (BAT 5, FUS 1, TYR 0), so BAT, FUS, TYR.
    #[test]
    fn suggests_the_busiest_year_less_what_is_free_ranked_by_held_up() {
        let parts = vec![
            part("TYR", vec![y(6, 0, 2, 0), y(3, 0, 0, 0)], 2),
            part("OIL", vec![y(0, 0, 10, 0)], 10),
            part("BAT", vec![y(4, 3, 1, 3), y(2, 2, 0, 2)], 1),
            part("LMP", vec![], 0),
            part("FUS", vec![y(1, 2, 0, 1)], -1),
        ];
        let got: Vec<(String, u32, u32, u32, u32)> = suggest(&parts)
            .into_iter()
            .map(|s| {
                (
                    s.part_no,
                    s.held_up_rescues,
                    s.expected,
                    s.available,
                    s.suggested,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("BAT".into(), 5, 5, 1, 4),
                ("FUS".into(), 1, 2, 0, 2),
                ("TYR".into(), 0, 8, 2, 6)
            ]
        );
    }

    /// Equal held-up counts go by expected demand, then part number.
    #[test]
    fn ties_go_by_expected_then_part_number() {
        let parts = vec![
            part("B", vec![y(3, 0, 0, 1)], 0),
            part("A", vec![y(3, 0, 0, 1)], 0),
            part("C", vec![y(5, 0, 0, 1)], 0),
        ];
        let order: Vec<String> = suggest(&parts).into_iter().map(|s| s.part_no).collect();
        assert_eq!(order, ["C", "A", "B"]);
    }

    #[test]
    fn quantities_are_bounded() {
        assert_eq!(Quantity::new(0).map(Quantity::get), Some(0));
        assert_eq!(Quantity::new(10_000).map(Quantity::get), Some(10_000));
        assert_eq!(Quantity::new(10_001), None);
        assert_eq!(Quantity::new(-1), None);
    }

    #[test]
    fn a_list_moves_draft_confirmed_received() {
        assert_eq!(check_draft(ListStatus::Draft), Ok(()));
        assert_eq!(check_draft(ListStatus::Confirmed), Err(ListError::NotDraft));
        let q = |n| Quantity::new(n).unwrap();
        assert_eq!(
            receive(ListStatus::Draft, 4, 0, q(4)),
            Err(ListError::NotConfirmed)
        );
        assert_eq!(receive(ListStatus::Confirmed, 4, 0, q(3)), Ok(3));
        assert_eq!(receive(ListStatus::Confirmed, 4, 3, q(1)), Ok(4));
        assert_eq!(
            receive(ListStatus::Confirmed, 4, 4, q(1)),
            Err(ListError::AlreadyReceived)
        );
        assert_eq!(
            status_after_receipt(&[(4, 4), (2, 1)]),
            ListStatus::Confirmed
        );
        assert_eq!(
            status_after_receipt(&[(4, 4), (0, 0)]),
            ListStatus::Received
        );
    }

    #[test]
    fn status_names_round_trip() {
        crate::domain::assert_names_round_trip(
            ListStatus::ALL,
            ListStatus::as_str,
            ListStatus::parse,
        );
    }
}
