//! The demo's duty rota: a weekly pattern for every technician and every desk sign-in, night
//! on-call for the crews, and the Spring Festival 2027 (除夕 2027-02-05 to 初七 2027-02-12) as
//! holiday days with a reduced crew — someone on duty or on call every day and every night.
//!
//! The rescue lead (the first technician, `<code>.tech` at the Zhejiang dealers) carries the
//! rescue phone: on call around the clock, so a crew can always be sent.

use chrono::{Duration, NaiveDate};
use rand::Rng;

use super::{at, new_id, Dealer, RotaHoliday, RotaShift, Technician, User};

/// 除夕 of the Spring Festival 2027 (初一 is Saturday 2027-02-06).
pub const SPRING_FESTIVAL_EVE_2027: (i32, u32, u32) = (2027, 2, 5);

const HOLIDAY_NAMES: [(&str, &str); 8] = [
    ("除夕", "New Year's Eve"),
    ("春节·初一", "Spring Festival day 1"),
    ("春节·初二", "Spring Festival day 2"),
    ("春节·初三", "Spring Festival day 3"),
    ("春节·初四", "Spring Festival day 4"),
    ("春节·初五", "Spring Festival day 5"),
    ("春节·初六", "Spring Festival day 6"),
    ("春节·初七", "Spring Festival day 7"),
];

/// A weekly line: role, weekdays, hours (local minutes), kind.
type Weekly<'a> = (&'a str, &'a [i32], (i32, i32), &'a str);

const DAY: (i32, i32) = (8 * 60, 20 * 60);
const NIGHT: (i32, i32) = (20 * 60, 8 * 60);
const AROUND_THE_CLOCK: (i32, i32) = (8 * 60, 8 * 60);

pub(crate) struct Rota<'a> {
    pub dealer: &'a Dealer,
    pub technicians: &'a [Technician],
    /// The dealer's desk sign-ins (none at the dealers outside Zhejiang).
    pub users: &'a [User],
    pub today: NaiveDate,
}

enum Whom<'a> {
    Tech(&'a str),
    User(&'a str),
}

pub(crate) fn generate(
    rng: &mut impl Rng,
    r: &Rota,
    shifts: &mut Vec<RotaShift>,
    holidays: &mut Vec<RotaHoliday>,
) {
    let stamp = at(r.today - Duration::days(7), 9 * 60);
    let mut push = |rng: &mut _,
                    who: Whom,
                    weekday: Option<i32>,
                    date: Option<NaiveDate>,
                    span: (i32, i32),
                    kind: &str| {
        let (technician_id, user_id) = match who {
            Whom::Tech(id) => (Some(id.to_owned()), None),
            Whom::User(id) => (None, Some(id.to_owned())),
        };
        shifts.push(RotaShift {
            id: new_id(rng, stamp),
            dealer_id: r.dealer.id.clone(),
            technician_id,
            user_id,
            weekday,
            on_date: date.map(|d| d.format("%Y-%m-%d").to_string()),
            start_min: span.0,
            end_min: span.1,
            kind: kind.to_owned(),
            updated_at: stamp,
        });
    };
    let crew: Vec<&str> = r.technicians.iter().map(|t| t.id.as_str()).collect();
    let Some((lead, others)) = crew.split_first() else {
        return;
    };
    // Weekdays 1..=7. The night on call of weekday w goes round the crew; whoever has it works
    // no day shift that day or the next (rest after the night).
    let night = |w: i32| -> Option<&str> {
        (!others.is_empty()).then(|| others[(w as usize - 1) % others.len()])
    };
    for w in 1..=7 {
        push(
            rng,
            Whom::Tech(lead),
            Some(w),
            None,
            AROUND_THE_CLOCK,
            "on_call",
        );
    }
    for t in others {
        for w in 1..=7 {
            let before = if w == 1 { 7 } else { w - 1 };
            if night(w) == Some(t) {
                push(rng, Whom::Tech(t), Some(w), None, NIGHT, "on_call");
            } else if night(before) != Some(t) || others.len() == 1 {
                push(rng, Whom::Tech(t), Some(w), None, DAY, "on_duty");
            }
        }
    }
    let role_user = |role: &str| {
        r.users
            .iter()
            .find(|u| u.role == role)
            .map(|u| u.id.as_str())
    };
    let weekly: &[Weekly] = &[
        ("call_agent", &[1, 2, 3, 4, 5, 6, 7], DAY, "on_duty"),
        (
            "workshop_lead",
            &[1, 2, 3, 4, 5],
            (8 * 60, 17 * 60 + 30),
            "on_duty",
        ),
        ("workshop_lead", &[6], (8 * 60, 12 * 60), "on_duty"),
        (
            "service_manager",
            &[1, 2, 3, 4, 5],
            (8 * 60 + 30, 17 * 60 + 30),
            "on_duty",
        ),
        ("service_manager", &[6, 7], (9 * 60, 21 * 60), "on_call"),
        (
            "service_director",
            &[1, 2, 3, 4, 5],
            (9 * 60, 18 * 60),
            "on_duty",
        ),
        (
            "parts_desk",
            &[1, 2, 3, 4, 5, 6],
            (8 * 60, 17 * 60),
            "on_duty",
        ),
        (
            "parts_manager",
            &[1, 2, 3, 4, 5],
            (8 * 60 + 30, 17 * 60 + 30),
            "on_duty",
        ),
    ];
    for (role, days, span, kind) in weekly {
        if let Some(u) = role_user(role) {
            for w in *days {
                push(rng, Whom::User(u), Some(*w), None, *span, kind);
            }
        }
    }

    // The Spring Festival: the weekly pattern stops; a reduced crew and desk, every day.
    let eve = NaiveDate::from_ymd_opt(
        SPRING_FESTIVAL_EVE_2027.0,
        SPRING_FESTIVAL_EVE_2027.1,
        SPRING_FESTIVAL_EVE_2027.2,
    )
    .expect("a date");
    for (k, (zh, en)) in HOLIDAY_NAMES.iter().enumerate() {
        let day = eve + Duration::days(k as i64);
        holidays.push(RotaHoliday {
            dealer_id: r.dealer.id.clone(),
            on_date: day.format("%Y-%m-%d").to_string(),
            name_zh: (*zh).to_owned(),
            name_en: (*en).to_owned(),
        });
        push(
            rng,
            Whom::Tech(lead),
            None,
            Some(day),
            AROUND_THE_CLOCK,
            "on_call",
        );
        if !others.is_empty() {
            let on = others[k % others.len()];
            push(rng, Whom::Tech(on), None, Some(day), DAY, "on_duty");
            if others.len() > 1 {
                let nights = others[(k + 1) % others.len()];
                push(rng, Whom::Tech(nights), None, Some(day), NIGHT, "on_call");
            }
        }
        if let Some(u) = role_user("call_agent") {
            push(rng, Whom::User(u), None, Some(day), DAY, "on_duty");
        }
        let boss = if k % 2 == 0 {
            "service_manager"
        } else {
            "service_director"
        };
        if let Some(u) = role_user(boss) {
            push(rng, Whom::User(u), None, Some(day), DAY, "on_call");
        }
        if k >= 4 {
            if let Some(u) = role_user("workshop_lead") {
                push(
                    rng,
                    Whom::User(u),
                    None,
                    Some(day),
                    (9 * 60, 17 * 60),
                    "on_duty",
                );
            }
        }
    }
}
