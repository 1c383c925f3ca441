//! Each dealer group's holiday calendar (节假日): New Year's Day, the Spring Festival and National
//! Day of 2026 (the past the holiday stock looks back on) and of 2027 (the Spring Festival on the
//! same days as the rota's, 除夕 to 初七), with what each does to the ways parts travel. Over the
//! Spring Festival the manufacturer and road freight stop and couriers and air run slower, so a
//! manufacturer order placed on its eve shows the real arrival.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use super::rota::SPRING_FESTIVAL_EVE_2027;

/// 除夕 of the Spring Festival 2026 (初一 is Tuesday 2026-02-17): the demo's past has its rescues.
pub const SPRING_FESTIVAL_EVE_2026: (i32, u32, u32) = (2026, 2, 16);

/// The Spring Festival's days in the calendar: 除夕 to 初七.
pub const SPRING_FESTIVAL_DAYS: i64 = 8;

/// 除夕 of `year`'s Spring Festival, for the years the demo knows (the lunar calendar is not
/// computed: two years are all the demo's calendar and past need).
pub fn spring_festival_eve(year: i32) -> Option<NaiveDate> {
    [SPRING_FESTIVAL_EVE_2026, SPRING_FESTIVAL_EVE_2027]
        .into_iter()
        .find(|e| e.0 == year)
        .and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}
use super::{at, new_id, Dealer, DealerGroup, User};
use crate::db::schema;

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::holidays)]
pub struct HolidayRow {
    pub id: String,
    pub group_id: String,
    pub name_zh: String,
    pub name_en: String,
    pub first_day: String,
    pub last_day: String,
    pub updated_by: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::holiday_effects)]
pub struct EffectRow {
    pub holiday_id: String,
    pub channel: String,
    pub stopped: bool,
    pub extra_hours: i32,
}

/// Name, first day (month and day, or `None` for the Spring Festival's eve of the year), length,
/// and the effects: channel, stopped, extra hours.
struct Template {
    zh: &'static str,
    en: &'static str,
    first: Option<(u32, u32)>,
    days: i64,
    effects: &'static [(&'static str, bool, i32)],
}

const CALENDAR: &[Template] = &[
    Template {
        zh: "元旦",
        en: "New Year's Day",
        first: Some((1, 1)),
        days: 3,
        effects: &[("express", false, 12)],
    },
    Template {
        zh: "春节",
        en: "Spring Festival",
        first: None,
        days: SPRING_FESTIVAL_DAYS,
        effects: &[
            ("manufacturer", true, 24),
            ("road", true, 0),
            ("express", false, 48),
            ("air", false, 24),
        ],
    },
    Template {
        zh: "国庆节",
        en: "National Day",
        first: Some((10, 1)),
        days: 7,
        effects: &[("road", false, 24), ("express", false, 24)],
    },
];

/// The calendar of 2026 and 2027 of every group with an admin (the admin of its first dealer
/// keeps it).
pub fn generate(
    rng: &mut impl Rng,
    groups: &[DealerGroup],
    dealers: &[Dealer],
    users: &[User],
    today: NaiveDate,
    holidays: &mut Vec<HolidayRow>,
    effects: &mut Vec<EffectRow>,
) {
    for g in groups {
        let Some(admin) = dealers.iter().filter(|d| d.group_id == g.id).find_map(|d| {
            users
                .iter()
                .find(|u| u.dealer_id == d.id && u.role == "admin")
        }) else {
            continue;
        };
        for (year, t) in [SPRING_FESTIVAL_EVE_2026.0, SPRING_FESTIVAL_EVE_2027.0]
            .into_iter()
            .flat_map(|y| CALENDAR.iter().map(move |t| (y, t)))
        {
            let first = match t.first {
                Some((month, day)) => NaiveDate::from_ymd_opt(year, month, day),
                None => spring_festival_eve(year),
            };
            let Some(first) = first else {
                continue;
            };
            let last = first + chrono::Duration::days(t.days - 1);
            let written = at(today, 8 * 60);
            let id = new_id(rng, written);
            for &(channel, stopped, extra_hours) in t.effects {
                effects.push(EffectRow {
                    holiday_id: id.clone(),
                    channel: channel.into(),
                    stopped,
                    extra_hours,
                });
            }
            holidays.push(HolidayRow {
                id,
                group_id: g.id.clone(),
                name_zh: t.zh.into(),
                name_en: t.en.into(),
                first_day: first.to_string(),
                last_day: last.to_string(),
                updated_by: admin.id.clone(),
                updated_at: written,
            });
        }
    }
}
