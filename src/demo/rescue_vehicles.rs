//! Each home dealer's rescue vehicles (救援车辆) and this morning's readiness checks: two service
//! vans and a tow truck, Hangzhou main a flatbed too. Hangzhou's tow truck failed its check this
//! morning, so the demo shows a tow that cannot go out without a reason; its flatbed was last
//! checked yesterday (overdue).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use super::{at, new_id, Dealer, DealerInfo, User};
use crate::db::schema;

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::rescue_vehicles)]
pub struct RescueVehicle {
    pub id: String,
    pub dealer_id: String,
    pub plate: String,
    pub kind: String,
    pub carries: String,
    pub base: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::vehicle_checks)]
pub struct VehicleCheck {
    pub id: String,
    pub vehicle_id: String,
    pub occasion: String,
    pub fuel: bool,
    pub water: bool,
    pub tyre_pressure: bool,
    pub tool_kit: bool,
    pub lights: bool,
    pub passed: bool,
    pub note: Option<String>,
    pub checked_by: String,
    pub checked_at: NaiveDateTime,
}

/// A vehicle of the template: serial of its plate, kind, what it carries, and its last check
/// (days before today, passed, the note of a failure).
struct Template {
    serial: &'static str,
    kind: &'static str,
    carries: &'static str,
    check: Option<(i64, bool, Option<&'static str>)>,
}

const EVERY_DEALER: &[Template] = &[
    Template {
        serial: "J1001",
        kind: "service_van",
        carries: "tool_kit,jump_pack,tyre_kit",
        check: Some((0, true, None)),
    },
    Template {
        serial: "J1002",
        kind: "service_van",
        carries: "tool_kit,jump_pack",
        check: Some((0, true, None)),
    },
];

/// The tow truck: at Hangzhou main it failed this morning; elsewhere it passed.
const TOW_FAILED: Template = Template {
    serial: "T2001",
    kind: "tow_truck",
    carries: "tool_kit",
    check: Some((0, false, Some("右前胎气压低，待补气"))),
};
const TOW_READY: Template = Template {
    serial: "T2001",
    kind: "tow_truck",
    carries: "tool_kit",
    check: Some((0, true, None)),
};
const FLATBED: Template = Template {
    serial: "T2002",
    kind: "flatbed",
    carries: "",
    check: Some((1, true, None)),
};

/// Vehicles and checks of one dealer; none for a dealer without a workshop lead to sign for them.
pub(crate) fn generate(
    rng: &mut impl Rng,
    dealer: &Dealer,
    info: &DealerInfo,
    users: &[User],
    today: NaiveDate,
    vehicles: &mut Vec<RescueVehicle>,
    checks: &mut Vec<VehicleCheck>,
) {
    let lead = users
        .iter()
        .find(|u| u.dealer_id == dealer.id && u.role == "workshop_lead");
    let tech = users
        .iter()
        .find(|u| u.dealer_id == dealer.id && u.role == "technician")
        .or(lead);
    let (Some(lead), Some(tech)) = (lead, tech) else {
        return;
    };
    let hangzhou_main = info.code == "hz";
    let mut list: Vec<&Template> = EVERY_DEALER.iter().collect();
    list.push(if hangzhou_main {
        &TOW_FAILED
    } else {
        &TOW_READY
    });
    if hangzhou_main {
        list.push(&FLATBED);
    }
    let registered = at(today - Duration::days(400), 9 * 60);
    let base = format!("{}服务站", dealer.city);
    for t in list {
        let id = new_id(rng, registered);
        if let Some((days_ago, passed, note)) = t.check {
            // 07:30 Beijing time (23:30 UTC the day before), as the morning shift starts.
            let checked_at = at(today - Duration::days(days_ago), -30);
            checks.push(VehicleCheck {
                id: new_id(rng, checked_at),
                vehicle_id: id.clone(),
                occasion: "daily".to_owned(),
                fuel: true,
                water: true,
                tyre_pressure: passed,
                tool_kit: true,
                lights: true,
                passed,
                note: note.map(str::to_owned),
                checked_by: tech.id.clone(),
                checked_at,
            });
        }
        vehicles.push(RescueVehicle {
            id,
            dealer_id: dealer.id.clone(),
            plate: format!("{}{}", info.plate, t.serial),
            kind: t.kind.to_owned(),
            carries: t.carries.to_owned(),
            base: base.clone(),
            created_by: lead.id.clone(),
            created_at: registered,
        });
    }
}
