//! Customers, their vehicles (plates, VINs with a correct check digit, mileage) and three years of service history with the parts replaced.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;

use super::catalogue::{Catalogue, Power, ENGINES, MODELS};
use super::people::{person_name, PhoneBook};
use super::places::{HOME_DEALERS, NEIGHBOUR_PLATES, ZHEJIANG_PLATES};
use super::{at, new_id, Customer, Dealer, DealerInfo, ServiceVisit, ServiceVisitPart, Vehicle};

/// Vehicles in care at scale 1 across the nine Zhejiang dealers.
const VEHICLES_AT_SCALE_ONE: f64 = 300.0;
const HISTORY_DAYS: i64 = 3 * 365;
const MAX_VISITS: f64 = 8.0;

// Serial letters never include I and O (they read as 1 and 0).
const PLATE_LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
// VIN model-year codes repeat every 30 years; 2010 is A.
const VIN_YEARS: &[u8] = b"ABCDEFGHJKLMNPRSTVWXY123456789";
const VIN_WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

#[derive(Default)]
pub(crate) struct Fleet {
    pub customers: Vec<Customer>,
    pub vehicles: Vec<Vehicle>,
    pub visits: Vec<ServiceVisit>,
    pub visit_parts: Vec<ServiceVisitPart>,
    plates: HashSet<String>,
    vins: HashSet<String>,
}

#[derive(Clone, Copy)]
enum Need {
    Model(&'static str),
    Engine(&'static str),
    Generic(&'static str),
    Battery,
    Tyre,
    Oil,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Maintenance,
    Repair,
    Warranty,
    Rescue,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Maintenance => "maintenance",
            Kind::Repair => "repair",
            Kind::Warranty => "warranty",
            Kind::Rescue => "rescue",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum For {
    All,
    Engine,
    HighVoltage,
    Ev,
}

impl For {
    fn matches(self, power: Power) -> bool {
        match self {
            For::All => true,
            For::Engine => power != Power::Ev,
            For::HighVoltage => power != Power::Ice,
            For::Ev => power == Power::Ev,
        }
    }
}

struct Job {
    kind: Kind,
    weight: u32,
    fits: For,
    summary: &'static str,
    needs: &'static [(Need, i32)],
}

const fn job(
    kind: Kind,
    weight: u32,
    fits: For,
    summary: &'static str,
    needs: &'static [(Need, i32)],
) -> Job {
    Job {
        kind,
        weight,
        fits,
        summary,
        needs,
    }
}

use Kind::{Maintenance, Repair, Rescue, Warranty};
use Need::{Battery, Engine as E, Generic as G, Model as M, Oil, Tyre};

#[rustfmt::skip]
const JOBS: &[Job] = &[
    job(Maintenance, 10, For::Engine, "常规保养：更换机油、机油滤清器", &[(Oil, 1), (E("oil_filter"), 1)]),
    job(Maintenance, 6, For::Engine, "常规保养：更换机油、机油滤清器、空气滤清器、空调滤清器", &[(Oil, 1), (E("oil_filter"), 1), (M("air_filter"), 1), (M("cabin_filter"), 1)]),
    job(Maintenance, 3, For::Engine, "大保养：更换机油、机油滤清器、火花塞，检查制动系统", &[(Oil, 1), (E("oil_filter"), 1), (E("spark_plug"), 4)]),
    job(Maintenance, 3, For::All, "两年保养：更换制动液、空调滤清器", &[(G("brake_fluid"), 1), (M("cabin_filter"), 1)]),
    job(Maintenance, 10, For::Ev, "电动车保养：高压系统绝缘检测，更换空调滤清器", &[(M("cabin_filter"), 1)]),
    job(Maintenance, 5, For::Ev, "电动车保养：更换制动液、雨刮片，检查电池冷却液", &[(G("brake_fluid"), 1), (M("wiper_blades"), 1)]),
    job(Maintenance, 2, For::All, "更换雨刮片，补充玻璃水", &[(M("wiper_blades"), 1), (G("washer_fluid"), 1)]),
    job(Repair, 5, For::All, "前刹车片磨损到限，更换前刹车片", &[(M("brake_pads_front"), 1)]),
    job(Repair, 2, For::All, "前刹车盘磨损起槽，更换前刹车盘及前刹车片", &[(M("brake_disc_front"), 2), (M("brake_pads_front"), 1)]),
    job(Repair, 3, For::All, "后刹车片磨损，更换后刹车片", &[(M("brake_pads_rear"), 1)]),
    job(Repair, 5, For::Engine, "蓄电池老化，启动困难，更换蓄电池", &[(Battery, 1)]),
    job(Repair, 3, For::Engine, "发动机抖动，故障码P0301，更换点火线圈和火花塞", &[(E("ignition_coil"), 1), (E("spark_plug"), 4)]),
    job(Repair, 1, For::Engine, "发电机不发电，充电指示灯亮，更换发电机", &[(E("alternator"), 1)]),
    job(Repair, 2, For::Engine, "多楔带异响开裂，更换多楔带", &[(E("serpentine_belt"), 1)]),
    job(Repair, 1, For::Engine, "水温过高，节温器卡滞，更换节温器总成并加注冷却液", &[(E("thermostat"), 1), (G("coolant_g13"), 2)]),
    job(Repair, 3, For::All, "轮胎侧面鼓包，更换轮胎", &[(Tyre, 1)]),
    job(Repair, 2, For::All, "两条前轮胎磨损到限，更换轮胎及气门嘴并做四轮定位", &[(Tyre, 2), (G("valve_stem"), 2)]),
    job(Repair, 1, For::All, "胎压报警灯亮，更换胎压传感器", &[(M("tpms_sensor"), 1)]),
    job(Repair, 1, For::All, "ABS故障灯亮，更换左前轮速传感器", &[(M("abs_sensor"), 1)]),
    job(Repair, 2, For::All, "空调不制冷，检漏后补充制冷剂", &[(G("r1234yf"), 2)]),
    job(Repair, 1, For::All, "后备箱无法保持开启，更换后备箱气弹簧", &[(M("tailgate_strut"), 2)]),
    job(Repair, 1, For::All, "遥控钥匙丢失，核实车主身份后补配遥控钥匙并匹配", &[(M("remote_key"), 1)]),
    job(Repair, 1, For::All, "倒车雷达误报，更换倒车雷达探头", &[(M("park_sensor"), 1)]),
    job(Repair, 2, For::Ev, "12V蓄电池亏电，更换蓄电池并升级车辆软件", &[(Battery, 1)]),
    job(Repair, 1, For::HighVoltage, "交流充电无法启动，更换交流充电插座", &[(M("charge_socket"), 1)]),
    job(Warranty, 2, For::Engine, "质保：水泵渗漏，更换水泵并加注冷却液", &[(E("water_pump"), 1), (G("coolant_g13"), 3)]),
    job(Warranty, 1, For::Engine, "质保：燃油泵供油不足，更换燃油泵总成", &[(M("fuel_pump"), 1)]),
    job(Warranty, 1, For::Engine, "质保：节气门卡滞，更换电子节气门", &[(E("throttle_body"), 1)]),
    job(Warranty, 1, For::All, "召回：更换驾驶员安全气囊", &[(M("airbag_driver"), 1)]),
    job(Warranty, 1, For::All, "质保：车身控制模块故障，更换并在线编程", &[(M("bcm"), 1)]),
    job(Warranty, 1, For::Ev, "质保：直流变换器故障，更换DC/DC", &[(M("dcdc"), 1)]),
    job(Warranty, 1, For::HighVoltage, "质保：高压电池单体压差过大，更换高压电池模组", &[(M("hv_module"), 1)]),
    job(Rescue, 4, For::All, "道路救援：蓄电池亏电无法启动，现场搭电后更换蓄电池", &[(Battery, 1)]),
    job(Rescue, 2, For::Engine, "道路救援：高速爆胎，现场换上备胎，回店更换轮胎", &[(Tyre, 1)]),
    job(Rescue, 2, For::Ev, "道路救援：轮胎扎钉漏气，现场补胎液应急，回店更换轮胎", &[(G("tms_sealant"), 1), (Tyre, 1)]),
    job(Rescue, 1, For::Engine, "道路救援：无法启动，拖车回店更换起动机", &[(E("starter"), 1)]),
    job(Rescue, 1, For::All, "道路救援：钥匙丢失，现场核实车主身份后补配智能钥匙", &[(M("smart_key"), 1)]),
    job(Rescue, 1, For::All, "道路救援：冷却液泄漏，拖车回店更换散热器上水管", &[(M("coolant_hose"), 1), (G("coolant_g13"), 2)]),
    job(Rescue, 1, For::All, "道路救援：保险丝熔断致仪表黑屏，现场更换保险丝", &[(G("fuse_15"), 2)]),
    job(Rescue, 1, For::Engine, "道路救援：燃油泵继电器故障，现场更换继电器", &[(G("relay_fuel"), 1)]),
    job(Rescue, 1, For::All, "道路救援：剐蹭路肩致下摆臂变形，拖车回店更换前下摆臂", &[(M("control_arm"), 1)]),
    job(Rescue, 1, For::Ev, "道路救援：车辆无法上电，拖车回店检修高压系统（未更换零件）", &[]),
];

struct Car {
    model: usize,
    variant: usize,
    tyre_pick: usize,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn generate(
    rng: &mut impl Rng,
    idx: usize,
    dealers: &[Dealer],
    infos: &[DealerInfo],
    cat: &Catalogue,
    today: NaiveDate,
    percent: u32,
    phones: &mut PhoneBook,
    fleet: &mut Fleet,
) {
    let info = &infos[idx];
    let dealer = &dealers[idx];
    let per_size = VEHICLES_AT_SCALE_ONE / HOME_DEALERS.iter().map(|d| d.size).sum::<f64>();
    let mut wanted = info.size * per_size;
    if percent != 100 {
        wanted *= f64::from(percent) / 100.0;
    }
    let count = wanted.round() as usize;
    let this_year = today.year();
    let available: Vec<usize> = (0..MODELS.len())
        .filter(|m| MODELS[*m].years.0 <= this_year)
        .collect();
    let first_customer = fleet.customers.len();

    for _ in 0..count {
        let model_idx = *available
            .choose_weighted(rng, |m| MODELS[*m].share)
            .unwrap_or(&0);
        let model = &MODELS[model_idx];
        let hi = model.years.1.min(this_year);
        let lo = model.years.0.min(hi);
        let model_year = rng.gen_range(lo..=hi);
        let sold_from = NaiveDate::from_ymd_opt(model_year - 1, 9, 1).unwrap_or(today);
        let sold_to = NaiveDate::from_ymd_opt(model_year, 12, 31)
            .unwrap_or(today)
            .min(today - Duration::days(7))
            .max(sold_from);
        let span = (sold_to - sold_from).num_days().max(0);
        let sold = sold_from + Duration::days(rng.gen_range(0..=span));
        let sold_at = at(sold, rng.gen_range(60..540));

        // About one owner in eight has a second car in the dealer's care.
        let customer_id = if fleet.customers.len() > first_customer && rng.gen_bool(0.12) {
            let i = rng.gen_range(first_customer..fleet.customers.len());
            fleet.customers[i].id.clone()
        } else {
            let customer = Customer {
                id: new_id(rng, sold_at),
                name: person_name(rng),
                phone: phones.mobile(rng),
                created_at: sold_at,
            };
            let id = customer.id.clone();
            fleet.customers.push(customer);
            id
        };

        let plate = unique_plate(rng, info, model.power, &mut fleet.plates);
        let vin = unique_vin(rng, model_idx, model_year, &mut fleet.vins);
        let annual_km = match model.power {
            Power::Ev => rng.gen_range(10_000..=20_000),
            _ => rng.gen_range(8_000..=22_000),
        };
        let delivery_km = rng.gen_range(5..=60);
        let km_on = |day: NaiveDate| -> i32 {
            let days = (day - sold).num_days().max(0);
            delivery_km + (annual_km * days / 365) as i32
        };
        let vehicle = Vehicle {
            id: new_id(rng, sold_at),
            plate,
            vin: Some(vin),
            model: model.label.to_owned(),
            model_year,
            customer_id,
            dealer_id: dealer.id.clone(),
            mileage_km: km_on(today) + rng.gen_range(0..300),
            created_at: sold_at,
        };
        let car = Car {
            model: model_idx,
            variant: rng.gen_range(0..cat.variants),
            tyre_pick: rng.gen_range(0..2),
        };
        history(
            rng, &vehicle, &car, sold, idx, dealers, infos, cat, today, &km_on, fleet,
        );
        fleet.vehicles.push(vehicle);
    }
}

#[allow(clippy::too_many_arguments)]
fn history(
    rng: &mut impl Rng,
    vehicle: &Vehicle,
    car: &Car,
    sold: NaiveDate,
    home: usize,
    dealers: &[Dealer],
    infos: &[DealerInfo],
    cat: &Catalogue,
    today: NaiveDate,
    km_on: &dyn Fn(NaiveDate) -> i32,
    fleet: &mut Fleet,
) {
    let model = &MODELS[car.model];
    let first = (sold + Duration::days(30)).max(today - Duration::days(HISTORY_DAYS));
    let last = today - Duration::days(1);
    let window = (last - first).num_days();
    if window <= 0 {
        return;
    }
    let most = (MAX_VISITS * window as f64 / HISTORY_DAYS as f64).round() as usize;
    let count = rng.gen_range(0..=most.min(window as usize));
    // Distinct days, so visits are strictly ordered in time and mileage.
    let mut days: Vec<i64> = rand::seq::index::sample(rng, window as usize + 1, count)
        .into_iter()
        .map(|d| d as i64)
        .collect();
    days.sort_unstable();

    for offset in days {
        let day = first + Duration::days(offset);
        let under_warranty = (day - sold).num_days() < 3 * 365;
        let mut kind = match rng.gen_range(0..100) {
            0..=54 => Kind::Maintenance,
            55..=79 => Kind::Repair,
            80..=87 => Kind::Warranty,
            _ => Kind::Rescue,
        };
        if kind == Kind::Warranty && !under_warranty {
            kind = Kind::Repair;
        }
        let candidates: Vec<&Job> = JOBS
            .iter()
            .filter(|j| j.kind == kind && j.fits.matches(model.power))
            .collect();
        let Ok(job) = candidates.choose_weighted(rng, |j| j.weight) else {
            continue;
        };
        let minutes = if kind == Kind::Rescue {
            rng.gen_range(0..24 * 60)
        } else {
            // Workshop hours 08:30–17:30 China time.
            rng.gen_range(30..9 * 60 + 30)
        };
        let visited_at = at(day, minutes);
        let dealer = if rng.gen_bool(0.85) {
            home
        } else {
            other_dealer(rng, home, infos)
        };
        let visit = ServiceVisit {
            id: new_id(rng, visited_at),
            vehicle_id: vehicle.id.clone(),
            dealer_id: dealers[dealer].id.clone(),
            visited_at,
            mileage_km: km_on(day),
            kind: kind.as_str().to_owned(),
            summary: job.summary.to_owned(),
        };
        for (need, quantity) in job.needs {
            let Some(p) = resolve(*need, car, cat) else {
                continue;
            };
            let part = &cat.parts[p];
            // An EA888 takes more than one 4-litre can per oil change.
            let quantity = match need {
                Need::Oil => quantity * model.engine.map_or(1, |e| ENGINES[e].oil_cans),
                _ => *quantity,
            };
            fleet.visit_parts.push(ServiceVisitPart {
                id: new_id(rng, visited_at),
                visit_id: visit.id.clone(),
                part_id: Some(part.id.clone()),
                part_no: part.part_no.clone(),
                name: part.name_zh.clone(),
                quantity,
            });
        }
        fleet.visits.push(visit);
    }
}

/// A sister dealer for a visit away from home: another Zhejiang dealer for
/// Zhejiang cars, any other dealer otherwise.
fn other_dealer(rng: &mut impl Rng, home: usize, infos: &[DealerInfo]) -> usize {
    let pool = if infos[home].home {
        HOME_DEALERS.len().min(infos.len())
    } else {
        infos.len()
    };
    if pool < 2 {
        return home;
    }
    let pick = rng.gen_range(0..pool - 1);
    if pick >= home {
        pick + 1
    } else {
        pick
    }
}

fn resolve(need: Need, car: &Car, cat: &Catalogue) -> Option<usize> {
    let model = &MODELS[car.model];
    match need {
        Need::Model(key) => cat.model_part(key, car.model, car.variant),
        Need::Engine(key) => cat.engine_part(key, model.engine?, car.variant),
        Need::Generic(key) => cat.generic(key),
        Need::Battery => cat.generic(model.battery),
        Need::Tyre => cat.tyre(model.tyre, car.tyre_pick),
        Need::Oil => cat.generic(ENGINES[model.engine?].oil),
    }
}

fn unique_plate(
    rng: &mut impl Rng,
    info: &DealerInfo,
    power: Power,
    used: &mut HashSet<String>,
) -> String {
    loop {
        // Most owners register in the dealer's city; a few elsewhere in the
        // province or next door (Shanghai, Jiangsu …) but service here.
        let prefix = if !info.home || rng.gen_bool(0.85) {
            info.plate
        } else if rng.gen_bool(0.67) {
            ZHEJIANG_PLATES.choose(rng).copied().unwrap_or(info.plate)
        } else {
            NEIGHBOUR_PLATES.choose(rng).copied().unwrap_or(info.plate)
        };
        let serial = match power {
            Power::Ev => new_energy_serial(rng, 'D'),
            Power::Phev => new_energy_serial(rng, 'F'),
            Power::Ice => ordinary_serial(rng),
        };
        let plate = format!("{prefix}{serial}");
        if used.insert(plate.clone()) {
            return plate;
        }
    }
}

/// Five characters with at most two letters (as issued since 2007).
fn ordinary_serial(rng: &mut impl Rng) -> String {
    let letters = match rng.gen_range(0..10) {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    let positions = rand::seq::index::sample(rng, 5, letters).into_vec();
    (0..5)
        .map(|i| {
            if positions.contains(&i) {
                char::from(PLATE_LETTERS[rng.gen_range(0..PLATE_LETTERS.len())])
            } else {
                char::from(b'0' + rng.gen_range(0..10u8))
            }
        })
        .collect()
}

/// Small new-energy plate: energy letter (D electric, F plug-in hybrid), a
/// letter or digit, then four digits — 浙AD12345.
fn new_energy_serial(rng: &mut impl Rng, energy: char) -> String {
    let second = if rng.gen_bool(0.5) {
        char::from(PLATE_LETTERS[rng.gen_range(0..PLATE_LETTERS.len())])
    } else {
        char::from(b'0' + rng.gen_range(0..10u8))
    };
    format!("{energy}{second}{:04}", rng.gen_range(0..10_000))
}

fn unique_vin(
    rng: &mut impl Rng,
    model: usize,
    model_year: i32,
    used: &mut HashSet<String>,
) -> String {
    let m = &MODELS[model];
    let year_code = VIN_YEARS[(model_year - 2010).rem_euclid(30) as usize] as char;
    loop {
        // LSV is SAIC Volkswagen's world manufacturer identifier.
        let mut chars: Vec<char> = format!(
            "LSV{}0{year_code}{}{:06}",
            m.vds,
            m.plant,
            rng.gen_range(0..1_000_000)
        )
        .chars()
        .collect();
        chars[8] = vin_check_digit(&chars);
        let vin: String = chars.into_iter().collect();
        if used.insert(vin.clone()) {
            return vin;
        }
    }
}

/// ISO 3779 check digit (position 9): weighted sum of the transliterated
/// characters modulo 11, with 10 written as X.
pub(crate) fn vin_check_digit(chars: &[char]) -> char {
    let value = |c: char| -> u32 {
        match c {
            '0'..='9' => u32::from(c) - u32::from('0'),
            'A' | 'J' => 1,
            'B' | 'K' | 'S' => 2,
            'C' | 'L' | 'T' => 3,
            'D' | 'M' | 'U' => 4,
            'E' | 'N' | 'V' => 5,
            'F' | 'W' => 6,
            'G' | 'P' | 'X' => 7,
            'H' | 'Y' => 8,
            'R' | 'Z' => 9,
            _ => 0,
        }
    };
    let sum: u32 = chars
        .iter()
        .zip(VIN_WEIGHTS)
        .map(|(c, w)| value(*c) * w)
        .sum();
    match sum % 11 {
        10 => 'X',
        n => char::from_digit(n, 10).unwrap_or('X'),
    }
}
