//! A holiday as the readiness and holiday stock pages name it, and the choice among the group's
//! coming holidays those pages offer (`templates/holiday_choices.html`).

use crate::i18n::Locale;
use crate::services::holidays::CalendarHolidayView;

/// One of the coming holidays, as a link or, when shown, in bold.
pub struct Choice {
    pub id: String,
    pub label: String,
    pub chosen: bool,
}

/// "春节（02-05 至 02-12）".
pub fn title(l: Locale, h: &CalendarHolidayView) -> String {
    l.t_with(
        "ready-holiday",
        &[
            ("name", l.name(&h.name_zh, &h.name_en).to_owned().into()),
            ("first", h.first_day.format("%m-%d").to_string().into()),
            ("last", h.last_day.format("%m-%d").to_string().into()),
        ],
    )
}

/// The coming holidays to choose from, `chosen` marked.
pub fn choices(l: Locale, list: &[CalendarHolidayView], chosen: Option<&str>) -> Vec<Choice> {
    list.iter()
        .map(|h| Choice {
            id: h.id.clone(),
            label: title(l, h),
            chosen: Some(h.id.as_str()) == chosen,
        })
        .collect()
}
