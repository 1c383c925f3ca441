//! Demo standard rescue plans (标准救援方案): the four common faults of the seeds, defined by each dealer's service director, with ceilings that cover a customer in town and not one far out.

use chrono::NaiveDate;
use diesel::prelude::*;
use rand::Rng;

use super::{at, new_id, Tool, User};
use crate::db::schema;

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::standard_plans)]
pub struct StandardPlan {
    pub id: String,
    pub dealer_id: String,
    pub name: String,
    pub kind: String,
    pub crew_size: i32,
    pub estimated_minutes: i32,
    pub price_ceiling_fen: i64,
    pub agent_consent: bool,
    pub active: bool,
    pub version: i32,
    pub approved_by: String,
    pub approved_at: chrono::NaiveDateTime,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::standard_plan_tools)]
pub struct StandardPlanTool {
    pub standard_plan_id: String,
    pub tool_id: String,
    pub quantity: i32,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::standard_plan_items)]
pub struct StandardPlanItem {
    pub id: String,
    pub standard_plan_id: String,
    pub position: i32,
    pub description: String,
    pub labour_minutes: i32,
}

#[derive(Default)]
pub struct Standards {
    pub plans: Vec<StandardPlan>,
    pub tools: Vec<StandardPlanTool>,
    pub items: Vec<StandardPlanItem>,
}

struct Spec {
    name: &'static str,
    kind: &'static str,
    crew: i32,
    minutes: i32,
    /// At ¥120/h labour and ¥3/km each way: a jump start 30 km out costs ¥60 + ¥180.
    ceiling_fen: i64,
    agent_consent: bool,
    tools: &'static [&'static str],
    items: &'static [(&'static str, i32)],
}

const SPECS: &[Spec] = &[
    Spec {
        name: "电瓶搭电",
        kind: "jump_start",
        crew: 1,
        minutes: 30,
        ceiling_fen: 30_000,
        agent_consent: true,
        tools: &["jump_starter", "battery_tester", "service_van"],
        items: &[("搭电启动并检测蓄电池", 30)],
    },
    Spec {
        name: "更换备胎",
        kind: "tyre_change",
        crew: 1,
        minutes: 45,
        ceiling_fen: 40_000,
        agent_consent: false,
        tools: &["floor_jack", "impact_wrench", "tyre_gauge", "service_van"],
        items: &[("更换备胎", 40), ("检查胎压", 5)],
    },
    Spec {
        name: "应急送油",
        kind: "fuel_delivery",
        crew: 1,
        minutes: 30,
        ceiling_fen: 30_000,
        agent_consent: true,
        tools: &["service_van"],
        items: &[("送油 5 升并启动", 20)],
    },
    Spec {
        name: "拖车回店",
        kind: "towing",
        crew: 2,
        minutes: 60,
        ceiling_fen: 80_000,
        agent_consent: false,
        tools: &[
            "tow_truck",
            "wheel_dollies",
            "tow_strap",
            "warning_triangle",
        ],
        items: &[("装车、固定并拖回服务站", 60)],
    },
];

/// Every dealer with a service director gets the four, approved by that director a month ago.
/// A tool the dealer does not have is left out of the plan rather than made up.
pub fn generate(rng: &mut impl Rng, users: &[User], tools: &[Tool], today: NaiveDate) -> Standards {
    let mut out = Standards::default();
    let when = at(today - chrono::Duration::days(30), 90);
    for director in users.iter().filter(|u| u.role == "service_director") {
        for spec in SPECS {
            let id = new_id(rng, when);
            for code in spec.tools {
                if let Some(t) = tools.iter().find(|t| {
                    t.dealer_id == director.dealer_id && t.code == *code && t.quantity > 0
                }) {
                    out.tools.push(StandardPlanTool {
                        standard_plan_id: id.clone(),
                        tool_id: t.id.clone(),
                        quantity: 1,
                    });
                }
            }
            for (position, (description, minutes)) in spec.items.iter().enumerate() {
                out.items.push(StandardPlanItem {
                    id: new_id(rng, when),
                    standard_plan_id: id.clone(),
                    position: position as i32,
                    description: (*description).to_owned(),
                    labour_minutes: *minutes,
                });
            }
            out.plans.push(StandardPlan {
                id,
                dealer_id: director.dealer_id.clone(),
                name: spec.name.to_owned(),
                kind: spec.kind.to_owned(),
                crew_size: spec.crew,
                estimated_minutes: spec.minutes,
                price_ceiling_fen: spec.ceiling_fen,
                agent_consent: spec.agent_consent,
                active: true,
                version: 1,
                approved_by: director.id.clone(),
                approved_at: when,
                created_at: when,
            });
        }
    }
    out
}
