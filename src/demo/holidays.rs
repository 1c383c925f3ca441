//! Each dealer group's holiday calendar (节假日): New Year's Day, the Spring Festival 2027 (the
//! same days as the rota's, 除夕 to 初七) and National Day, with what each does to the ways
//! parts travel. Over the Spring Festival the manufacturer and road freight stop and couriers
//! and air run slower, so a manufacturer order placed on its eve shows the real arrival.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use super::rota::SPRING_FESTIVAL_EVE_2027;
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

/// Name, first and last day (month, day in 2027, or the Spring Festival's eve and its length),
/// and the effects: channel, stopped, extra hours.
struct Template {
    zh: &'static str,
    en: &'static str,
    first: (u32, u32),
    days: i64,
    effects: &'static [(&'static str, bool, i32)],
}

const CALENDAR_2027: &[Template] = &[
    Template {
        zh: "元旦",
        en: "New Year's Day",
        first: (1, 1),
        days: 3,
        effects: &[("express", false, 12)],
    },
    Template {
        zh: "春节",
        en: "Spring Festival",
        first: (SPRING_FESTIVAL_EVE_2027.1, SPRING_FESTIVAL_EVE_2027.2),
        days: 8,
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
        first: (10, 1),
        days: 7,
        effects: &[("road", false, 24), ("express", false, 24)],
    },
];

/// The calendar of every group with an admin (the admin of its first dealer keeps it).
pub fn generate(
    rng: &mut impl Rng,
    groups: &[DealerGroup],
    dealers: &[Dealer],
    users: &[User],
    today: NaiveDate,
    holidays: &mut Vec<HolidayRow>,
    effects: &mut Vec<EffectRow>,
) {
    let year = SPRING_FESTIVAL_EVE_2027.0;
    for g in groups {
        let Some(admin) = dealers.iter().filter(|d| d.group_id == g.id).find_map(|d| {
            users
                .iter()
                .find(|u| u.dealer_id == d.id && u.role == "admin")
        }) else {
            continue;
        };
        for t in CALENDAR_2027 {
            let Some(first) = NaiveDate::from_ymd_opt(year, t.first.0, t.first.1) else {
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
