//! Demo staff: one sign-in per role per Zhejiang dealer, technician crews with skills, and each dealer's rescue tools.

use chrono::{Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;

use super::people::{person_name, PhoneBook};
use super::{at, new_id, Dealer, DealerInfo, Technician, TechnicianSkill, Tool, User};

/// Technician skills: stored code and the catalogue key of its name.
pub const SKILLS: &[(&str, &str)] = &[
    ("engine", "label-skill-engine"),
    ("electrical", "label-skill-electrical"),
    ("battery_ev", "label-skill-battery-ev"),
    ("transmission", "label-skill-transmission"),
    ("brakes", "label-skill-brakes"),
    ("tyres", "label-skill-tyres"),
    ("towing", "label-skill-towing"),
    ("diagnostics", "label-skill-diagnostics"),
    ("air_conditioning", "label-skill-air-conditioning"),
    ("body", "label-skill-body"),
    ("keys_immobiliser", "label-skill-keys-immobiliser"),
];

/// Technician grades: stored code and the catalogue key of its name.
pub const GRADES: &[(&str, &str)] = &[
    ("junior", "label-grade-junior"),
    ("intermediate", "label-grade-intermediate"),
    ("senior", "label-grade-senior"),
    ("master", "label-grade-master"),
];

/// The catalogue key naming a skill or grade code; `None` for a code these tables do not know.
pub fn staff_label_key(code: &str) -> Option<&'static str> {
    SKILLS
        .iter()
        .chain(GRADES)
        .find(|(c, _)| *c == code)
        .map(|(_, key)| *key)
}

/// Login suffix and role of the eight sign-ins every Zhejiang dealer gets.
const ROLES: &[(&str, &str)] = &[
    ("agent", "call_agent"),
    ("workshop", "workshop_lead"),
    ("manager", "service_manager"),
    ("director", "service_director"),
    ("parts", "parts_desk"),
    ("partsmgr", "parts_manager"),
    ("tech", "technician"),
    ("admin", "admin"),
];

// Every dealer must be able to send a crew for the common rescue jobs, so
// these skills are topped up when the random draw leaves a gap.
const REQUIRED_SKILLS: &[&str] = &[
    "towing",
    "tyres",
    "electrical",
    "battery_ev",
    "keys_immobiliser",
];

const EMAIL_DOMAIN: &str = "demo.rescuedesk.cn";

struct ToolSpec {
    code: &'static str,
    zh: &'static str,
    en: &'static str,
    base: f64,
    /// Dealers smaller than this do without (they borrow from a sister).
    min_size: f64,
}

const fn tool(
    code: &'static str,
    zh: &'static str,
    en: &'static str,
    base: f64,
    min_size: f64,
) -> ToolSpec {
    ToolSpec {
        code,
        zh,
        en,
        base,
        min_size,
    }
}

#[rustfmt::skip]
const TOOLS: &[ToolSpec] = &[
    tool("diag_scanner", "诊断仪（ODIS）", "Diagnostic scanner (ODIS)", 2.0, 0.0),
    tool("battery_tester", "蓄电池检测仪", "Battery tester", 2.0, 0.0),
    tool("jump_starter", "应急搭电宝", "Jump starter pack", 3.0, 0.0),
    tool("floor_jack", "卧式千斤顶（3吨）", "Floor jack (3 t)", 2.0, 0.0),
    tool("torque_wrench", "扭力扳手", "Torque wrench", 2.0, 0.0),
    tool("impact_wrench", "充电式冲击扳手", "Cordless impact wrench", 2.0, 0.0),
    tool("socket_set", "套筒工具组", "Socket set", 3.0, 0.0),
    tool("multimeter", "万用表", "Digital multimeter", 3.0, 0.0),
    tool("tyre_gauge", "胎压计", "Tyre pressure gauge", 4.0, 0.0),
    tool("air_compressor", "车载充气泵", "Portable air compressor", 2.0, 0.0),
    tool("tyre_repair_kit", "补胎工具套装", "Tyre plug kit", 2.0, 0.0),
    tool("wheel_dollies", "拖车轮胎滑轮（一组）", "Wheel dollies (set)", 1.0, 0.6),
    tool("tow_truck", "平板拖车", "Flatbed tow truck", 1.0, 0.45),
    tool("service_van", "救援服务车", "Rescue service van", 2.0, 0.0),
    tool("tow_strap", "拖车绳", "Tow strap", 4.0, 0.0),
    tool("warning_triangle", "三角警示牌", "Warning triangle", 4.0, 0.0),
    tool("traffic_cones", "反光锥（一组）", "Traffic cones (set)", 3.0, 0.0),
    tool("reflective_vest", "反光背心", "Reflective vest", 6.0, 0.0),
    tool("fire_extinguisher", "灭火器", "Fire extinguisher", 3.0, 0.0),
    tool("work_light", "充电式工作灯", "Rechargeable work light", 3.0, 0.0),
    tool("insulated_gloves", "绝缘手套（1000V）", "Insulated gloves (1000 V)", 3.0, 0.0),
    tool("hv_isolation_kit", "高压断电工具包", "HV isolation tool kit", 1.0, 0.0),
    tool("insulation_tester", "绝缘电阻测试仪", "Insulation resistance tester", 1.0, 0.5),
    tool("portable_charger", "便携式充电桩", "Portable EV charger", 1.0, 0.5),
    tool("key_programmer", "钥匙匹配仪", "Key programmer", 1.0, 0.6),
    tool("ac_gauges", "空调压力表组", "A/C manifold gauge set", 1.0, 0.0),
    tool("coolant_tester", "冷却液冰点仪", "Coolant refractometer", 1.0, 0.0),
    tool("fuel_pressure_gauge", "燃油压力表", "Fuel pressure gauge", 1.0, 0.0),
    tool("borescope", "工业内窥镜", "Borescope", 1.0, 0.7),
];

#[derive(Default)]
pub(crate) struct Crew {
    pub users: Vec<User>,
    pub technicians: Vec<Technician>,
    pub skills: Vec<TechnicianSkill>,
    pub tools: Vec<Tool>,
}

pub(crate) fn generate(
    rng: &mut impl Rng,
    dealer: &Dealer,
    info: &DealerInfo,
    today: NaiveDate,
    everywhere: bool,
    phones: &mut PhoneBook,
    crew: &mut Crew,
) {
    let hired = at(today - Duration::days(60), 60);
    let code = &info.code;

    let mut tech_user: Option<(String, String, String, String)> = None;
    if info.home || everywhere {
        for (suffix, role) in ROLES {
            let login = format!("{code}.{suffix}");
            let user = User {
                id: new_id(rng, hired),
                email: format!("{login}@{EMAIL_DOMAIN}"),
                login,
                name: person_name(rng),
                phone: phones.mobile(rng),
                dealer_id: dealer.id.clone(),
                locale: "zh-CN".to_owned(),
                role: (*role).to_owned(),
                created_at: hired,
            };
            if *role == "technician" {
                tech_user = Some((
                    user.id.clone(),
                    user.name.clone(),
                    user.phone.clone(),
                    user.email.clone(),
                ));
            }
            crew.users.push(user);
        }
    }

    let first_tech = crew.technicians.len();
    let first_skill = crew.skills.len();
    for n in 0..info.technicians {
        // The first technician is the dealer's senior rescue lead; at the
        // Zhejiang dealers that is the `<code>.tech` sign-in.
        let (user_id, name, phone, email) = match (n, &tech_user) {
            (0, Some((id, name, phone, email))) => {
                (Some(id.clone()), name.clone(), phone.clone(), email.clone())
            }
            _ => (
                None,
                person_name(rng),
                phones.mobile(rng),
                format!("{code}.t{:02}@{EMAIL_DOMAIN}", n + 1),
            ),
        };
        let grade = if n == 0 {
            "master"
        } else {
            match rng.gen_range(0..10) {
                0..=2 => "junior",
                3..=6 => "intermediate",
                _ => "senior",
            }
        };
        let notify_via = if n == 0 || rng.gen_bool(0.85) {
            "sms"
        } else {
            "email"
        };
        let technician = Technician {
            id: new_id(rng, hired),
            dealer_id: dealer.id.clone(),
            user_id,
            name,
            phone,
            email,
            notify_via: notify_via.to_owned(),
            grade: grade.to_owned(),
            active: true,
            created_at: hired,
        };
        let skills = draw_skills(rng, n == 0);
        crew.skills
            .extend(skills.into_iter().map(|skill| TechnicianSkill {
                technician_id: technician.id.clone(),
                skill: skill.to_owned(),
            }));
        crew.technicians.push(technician);
    }
    top_up_skills(rng, crew, first_tech, first_skill);
    tools(rng, dealer, info, crew);
}

/// The platform's catalogue admin (平台配件目录管理员), `platform.catalogue`: alone imports the parts
/// catalogue every dealer group shares. The schema gives every user a dealer, so this one sits at
/// the first; the role reaches no dealer's tickets, stock or history.
pub(crate) fn platform_staff(
    rng: &mut impl Rng,
    dealer: &Dealer,
    today: NaiveDate,
    phones: &mut PhoneBook,
    crew: &mut Crew,
) {
    let login = "platform.catalogue".to_owned();
    crew.users.push(User {
        id: new_id(rng, at(today - Duration::days(60), 60)),
        email: format!("{login}@{EMAIL_DOMAIN}"),
        login,
        name: person_name(rng),
        phone: phones.mobile(rng),
        dealer_id: dealer.id.clone(),
        locale: "zh-CN".to_owned(),
        role: "catalogue_admin".to_owned(),
        created_at: at(today - Duration::days(60), 60),
    });
}

fn draw_skills(rng: &mut impl Rng, lead: bool) -> Vec<&'static str> {
    let mut picked: Vec<&'static str> = if lead {
        vec!["engine", "electrical", "diagnostics", "towing"]
    } else {
        Vec::new()
    };
    let want = if lead { 5 } else { rng.gen_range(2..=4) };
    let mut pool: Vec<&'static str> = SKILLS.iter().map(|(code, _)| *code).collect();
    pool.shuffle(rng);
    for skill in pool {
        if picked.len() >= want {
            break;
        }
        if !picked.contains(&skill) {
            picked.push(skill);
        }
    }
    // Vocabulary order keeps rows stable and readable.
    picked.sort_by_key(|s| SKILLS.iter().position(|(code, _)| code == s));
    picked
}

fn top_up_skills(rng: &mut impl Rng, crew: &mut Crew, first_tech: usize, first_skill: usize) {
    let techs: Vec<String> = crew.technicians[first_tech..]
        .iter()
        .map(|t| t.id.clone())
        .collect();
    for skill in REQUIRED_SKILLS {
        let covered = crew.skills[first_skill..].iter().any(|s| s.skill == *skill);
        if !covered {
            if let Some(id) = techs.choose(rng) {
                crew.skills.push(TechnicianSkill {
                    technician_id: id.clone(),
                    skill: (*skill).to_owned(),
                });
            }
        }
    }
}

fn tools(rng: &mut impl Rng, dealer: &Dealer, info: &DealerInfo, crew: &mut Crew) {
    let factor = 0.6 + 0.8 * info.size;
    for spec in TOOLS.iter().filter(|t| info.size >= t.min_size) {
        let quantity = (spec.base * factor).round().max(1.0) as i32 + i32::from(rng.gen_bool(0.25));
        crew.tools.push(Tool {
            id: new_id(rng, dealer.created_at),
            dealer_id: dealer.id.clone(),
            code: spec.code.to_owned(),
            name_zh: spec.zh.to_owned(),
            name_en: spec.en.to_owned(),
            quantity,
        });
    }
}
