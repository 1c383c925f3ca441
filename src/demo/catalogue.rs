//! The brand's models and engines and the parts catalogue built from them (component lists × fitments × variants).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use rand::Rng;

use super::{new_id, Part};

pub(crate) const BRAND: &str = "上汽大众 SAIC Volkswagen";

/// Part categories: stored code, Chinese and English label.
pub const CATEGORIES: &[(&str, &str, &str)] = &[
    ("battery", "蓄电池", "Batteries"),
    ("electrical", "电器", "Electrical"),
    ("ignition", "点火系统", "Ignition"),
    ("engine", "发动机", "Engine"),
    ("cooling", "冷却系统", "Cooling"),
    ("fuel", "燃油系统", "Fuel system"),
    ("brakes", "制动系统", "Brakes"),
    ("wheels_tyres", "轮胎轮毂", "Wheels and tyres"),
    ("filters", "滤清器", "Filters"),
    ("fluids", "油液", "Fluids"),
    ("belts_hoses", "皮带管路", "Belts and hoses"),
    ("sensors", "传感器", "Sensors"),
    ("body", "车身附件", "Body"),
    ("suspension", "悬挂传动", "Suspension and driveline"),
    ("safety", "安全系统", "Safety"),
    ("keys_locks", "钥匙与锁", "Keys and locks"),
    ("control_units", "控制单元", "Control units"),
    ("lighting", "灯光", "Lighting"),
    ("air_conditioning", "空调", "Air conditioning"),
    ("ev", "新能源高压", "EV high voltage"),
    ("chemicals", "化学品", "Chemicals"),
    ("accessories", "随车工具", "Accessories"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Power {
    Ice,
    /// Plug-in hybrid: an engine and a high-voltage battery (green F plate).
    Phev,
    /// Battery electric (green D plate).
    Ev,
}

pub(crate) struct Engine {
    pub prefix: &'static str,
    pub oil: &'static str,
    /// 4-litre cans per oil change.
    pub oil_cans: i32,
}

// EA211 1.5 naturally aspirated, EA211 1.4T, EA888 2.0T.
pub(crate) const ENGINES: &[Engine] = &[
    Engine {
        prefix: "05E",
        oil: "oil_0w20",
        oil_cans: 1,
    },
    Engine {
        prefix: "04E",
        oil: "oil_5w30",
        oil_cans: 1,
    },
    Engine {
        prefix: "06K",
        oil: "oil_5w40",
        oil_cans: 2,
    },
];

pub(crate) struct Model {
    pub zh: &'static str,
    pub en: &'static str,
    /// Stored in `vehicles.model` and shown in tickets.
    pub label: &'static str,
    pub prefix: &'static str,
    pub engine: Option<usize>,
    pub power: Power,
    pub years: (i32, i32),
    /// Relative share of the dealers' customer base.
    pub share: u32,
    /// Price level of the model's parts relative to the compact Lavida.
    pub tier: f64,
    pub battery: &'static str,
    pub tyre: usize,
    /// VIN positions 4–8 (vehicle descriptor section).
    pub vds: &'static str,
    /// VIN position 11: assembly plant.
    pub plant: char,
}

#[allow(clippy::too_many_arguments)]
const fn model(
    zh: &'static str,
    en: &'static str,
    label: &'static str,
    prefix: &'static str,
    engine: Option<usize>,
    power: Power,
    years: (i32, i32),
    share: u32,
    tier: f64,
    battery: &'static str,
    tyre: usize,
    vds: &'static str,
    plant: char,
) -> Model {
    Model {
        zh,
        en,
        label,
        prefix,
        engine,
        power,
        years,
        share,
        tier,
        battery,
        tyre,
        vds,
        plant,
    }
}

// SAIC Volkswagen's line-up; part-number prefixes are invented but follow
// the brand's three-character scheme, so no two models share one.
#[rustfmt::skip]
pub(crate) const MODELS: &[Model] = &[
    model("朗逸", "Lavida", "朗逸 Lavida", "18G", Some(0), Power::Ice, (2015, 2026), 22, 0.8, "battery_60", 0, "AA6C1", 'Y'),
    model("帕萨特", "Passat", "帕萨特 Passat", "3GD", Some(2), Power::Ice, (2016, 2026), 12, 1.1, "agm_70", 4, "AC7A3", 'N'),
    model("途观L", "Tiguan L", "途观L Tiguan L", "5NG", Some(2), Power::Ice, (2017, 2026), 14, 1.15, "agm_70", 5, "AL4N2", 'A'),
    model("途观L PHEV", "Tiguan L PHEV", "途观L PHEV Tiguan L PHEV", "5NE", Some(1), Power::Phev, (2018, 2023), 3, 1.2, "agm_68", 5, "AL4N8", 'A'),
    model("途昂", "Teramont", "途昂 Teramont", "3CN", Some(2), Power::Ice, (2017, 2026), 6, 1.3, "agm_80", 6, "AE6P5", 'N'),
    model("途岳", "Tharu", "途岳 Tharu", "2GM", Some(1), Power::Ice, (2018, 2026), 8, 0.95, "efb_61", 2, "AB5F3", 'N'),
    model("凌渡L", "Lamando L", "凌渡L Lamando L", "5GM", Some(1), Power::Ice, (2022, 2026), 6, 1.0, "efb_61", 3, "AA7H4", 'Y'),
    model("威然", "Viloran", "威然 Viloran", "7NG", Some(2), Power::Ice, (2020, 2026), 3, 1.35, "agm_70", 7, "AV8B2", 'N'),
    model("途铠", "T-Cross", "途铠 T-Cross", "2GH", Some(0), Power::Ice, (2019, 2025), 6, 0.8, "battery_60", 1, "AB3E1", 'C'),
    model("ID.3", "ID.3", "ID.3", "10A", None, Power::Ev, (2021, 2026), 6, 1.0, "agm_59", 8, "AD3M1", 'A'),
    model("ID.4 X", "ID.4 X", "ID.4 X", "11D", None, Power::Ev, (2021, 2026), 9, 1.1, "agm_59", 9, "AD4M2", 'A'),
    model("ID.6 X", "ID.6 X", "ID.6 X", "12G", None, Power::Ev, (2021, 2025), 5, 1.25, "agm_59", 6, "AD6M3", 'A'),
];

pub(crate) struct TyreSize {
    pub width: u32,
    pub aspect: u32,
    pub rim: u32,
    pub load_speed: &'static str,
}

const fn tyre(width: u32, aspect: u32, rim: u32, load_speed: &'static str) -> TyreSize {
    TyreSize {
        width,
        aspect,
        rim,
        load_speed,
    }
}

#[rustfmt::skip]
pub(crate) const TYRE_SIZES: &[TyreSize] = &[
    tyre(205, 55, 16, "91V"),
    tyre(205, 60, 16, "92H"),
    tyre(215, 55, 17, "94V"),
    tyre(225, 45, 18, "91W"),
    tyre(235, 45, 18, "94W"),
    tyre(235, 50, 19, "99V"),
    tyre(255, 45, 20, "101V"),
    tyre(235, 55, 18, "100V"),
    tyre(215, 55, 18, "95T"),
    tyre(235, 50, 20, "100T"),
];

const TYRE_BRANDS: &[(&str, &str, &str)] = &[
    ("MI", "米其林", "Michelin"),
    ("CO", "马牌", "Continental"),
    ("BS", "普利司通", "Bridgestone"),
    ("GY", "固特异", "Goodyear"),
];

/// How fast a part moves; drives how many dealers stock it and how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Turnover {
    Fast,
    Medium,
    Slow,
    Rare,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fits {
    All,
    /// Models with an engine (ICE and PHEV).
    Engine,
    /// Models with a high-voltage battery (EV and PHEV).
    HighVoltage,
    /// Battery-electric only.
    Ev,
}

impl Fits {
    fn matches(self, power: Power) -> bool {
        match self {
            Fits::All => true,
            Fits::Engine => power != Power::Ev,
            Fits::HighVoltage => power != Power::Ice,
            Fits::Ev => power == Power::Ev,
        }
    }
}

/// A component that exists once per model (or per engine) and variant.
struct Component {
    key: &'static str,
    zh: &'static str,
    en: &'static str,
    category: &'static str,
    group: &'static str,
    number: u16,
    /// Revision-letter index of the first variant (0 = none, 1 = A, …).
    suffix: usize,
    yuan: (u32, u32),
    weight_g: u32,
    un: Option<&'static str>,
    monitored: bool,
    turnover: Turnover,
    fits: Fits,
}

#[allow(clippy::too_many_arguments)]
const fn comp(
    key: &'static str,
    zh: &'static str,
    en: &'static str,
    category: &'static str,
    group: &'static str,
    number: u16,
    suffix: usize,
    yuan: (u32, u32),
    weight_g: u32,
    un: Option<&'static str>,
    monitored: bool,
    turnover: Turnover,
    fits: Fits,
) -> Component {
    Component {
        key,
        zh,
        en,
        category,
        group,
        number,
        suffix,
        yuan,
        weight_g,
        un,
        monitored,
        turnover,
        fits,
    }
}

use Fits::{All, Engine as EngineFit, Ev, HighVoltage};
use Turnover::{Fast, Medium, Rare, Slow};

// Main groups follow the brand's scheme: 1xx engine, 4xx axles, 6xx wheels and
// brakes, 8xx body, 9xx electrical. Airbags and pretensioners are UN3268,
// gas struts UN3164, high-voltage modules UN3480; keys, locks and the
// theft-relevant control units are monitored parts (监控件).
#[rustfmt::skip]
const PER_MODEL: &[Component] = &[
    comp("airbag_driver", "驾驶员安全气囊", "Driver airbag module", "safety", "880", 201, 4, (2600, 4200), 1300, Some("UN3268"), false, Rare, All),
    comp("airbag_passenger", "副驾驶安全气囊", "Passenger airbag module", "safety", "880", 204, 3, (3500, 5800), 2400, Some("UN3268"), false, Rare, All),
    comp("airbag_curtain", "左侧头部气帘", "Left curtain airbag", "safety", "880", 741, 2, (2800, 4500), 1900, Some("UN3268"), false, Rare, All),
    comp("belt_pretensioner", "前排安全带（带预紧器）", "Front seat belt with pretensioner", "safety", "857", 705, 1, (1400, 2300), 1500, Some("UN3268"), false, Rare, All),
    comp("smart_key", "智能钥匙（无钥匙进入）", "Smart key (keyless entry)", "keys_locks", "959", 752, 2, (1500, 2800), 60, None, true, Slow, All),
    comp("remote_key", "折叠遥控钥匙", "Folding remote key", "keys_locks", "959", 753, 7, (900, 1600), 50, None, true, Slow, All),
    comp("kessy_unit", "防盗控制单元（无钥匙进入）", "Immobiliser / keyless-entry control unit", "control_units", "959", 434, 1, (2400, 3800), 300, None, true, Rare, All),
    comp("bcm", "车身控制模块", "Body control module (BCM)", "control_units", "937", 84, 4, (2800, 4600), 700, None, true, Rare, All),
    comp("cluster", "组合仪表（含防盗）", "Instrument cluster with immobiliser", "control_units", "920", 730, 2, (3200, 6500), 1500, None, true, Rare, All),
    comp("lock_cylinder", "驾驶员侧门锁芯", "Driver door lock cylinder", "keys_locks", "837", 167, 0, (600, 1200), 250, None, true, Slow, All),
    comp("steering_lock", "电子转向柱锁", "Electronic steering column lock", "keys_locks", "905", 861, 1, (1800, 2800), 600, None, true, Rare, All),
    comp("brake_pads_front", "前刹车片", "Front brake pads (set)", "brakes", "698", 151, 4, (450, 950), 1700, None, false, Medium, All),
    comp("brake_pads_rear", "后刹车片", "Rear brake pads (set)", "brakes", "698", 451, 1, (350, 700), 1100, None, false, Medium, All),
    comp("brake_disc_front", "前刹车盘", "Front brake disc", "brakes", "615", 301, 6, (480, 980), 9000, None, false, Slow, All),
    comp("abs_sensor", "前轮速传感器", "Front wheel-speed sensor (ABS)", "sensors", "927", 807, 2, (260, 520), 150, None, false, Slow, All),
    comp("fuel_pump", "燃油泵总成", "Fuel pump module", "fuel", "919", 51, 8, (1300, 2600), 1200, None, false, Slow, EngineFit),
    comp("radiator", "散热器", "Radiator", "cooling", "121", 251, 2, (1200, 2600), 4500, None, false, Rare, All),
    comp("coolant_hose", "散热器上水管", "Upper radiator hose", "belts_hoses", "122", 101, 5, (180, 450), 400, None, false, Slow, All),
    comp("ac_compressor", "空调压缩机", "A/C compressor", "air_conditioning", "820", 803, 4, (3800, 7600), 6500, None, false, Rare, All),
    comp("cabin_filter", "空调滤清器", "Cabin air filter", "filters", "819", 653, 0, (90, 220), 250, None, false, Fast, All),
    comp("air_filter", "空气滤清器", "Engine air filter", "filters", "129", 620, 4, (120, 260), 450, None, false, Fast, EngineFit),
    comp("wiper_blades", "雨刮片（一对）", "Wiper blades (pair)", "body", "998", 2, 0, (160, 380), 600, None, false, Fast, All),
    comp("headlight", "左前大灯总成（LED）", "Left LED headlight assembly", "lighting", "941", 35, 2, (3800, 8800), 4200, None, false, Rare, All),
    comp("alloy_wheel", "铝合金轮毂", "Alloy wheel rim", "wheels_tyres", "601", 25, 8, (1500, 3200), 10500, None, false, Slow, All),
    comp("spare_wheel", "应急备胎", "Space-saver spare wheel", "wheels_tyres", "601", 27, 1, (900, 1500), 12000, None, false, Slow, EngineFit),
    comp("tailgate_strut", "后备箱气弹簧", "Tailgate gas strut", "body", "827", 550, 3, (160, 360), 450, Some("UN3164"), false, Slow, All),
    comp("control_arm", "前下摆臂", "Front lower control arm", "suspension", "407", 151, 6, (520, 1100), 3300, None, false, Slow, All),
    comp("drive_shaft", "左前驱动轴", "Left front drive shaft", "suspension", "407", 271, 4, (1600, 3200), 7800, None, false, Rare, All),
    comp("tpms_sensor", "胎压传感器", "Tyre-pressure sensor (TPMS)", "sensors", "907", 275, 3, (280, 520), 40, None, false, Slow, All),
    comp("park_sensor", "倒车雷达探头", "Parking sensor", "sensors", "919", 275, 9, (160, 380), 50, None, false, Slow, All),
    comp("hv_module", "高压电池模组", "High-voltage battery module", "ev", "915", 591, 2, (16000, 32000), 28000, Some("UN3480"), false, Rare, HighVoltage),
    comp("obc", "车载充电机", "On-board charger", "ev", "915", 684, 2, (6000, 11000), 6800, None, false, Rare, HighVoltage),
    comp("charge_socket", "交流充电插座", "AC charging socket", "ev", "971", 853, 4, (1100, 2200), 900, None, false, Slow, HighVoltage),
    comp("charging_cable", "随车充电枪（便携式）", "Portable charging cable (mode 2)", "ev", "971", 675, 0, (1600, 2600), 3200, None, false, Slow, HighVoltage),
    comp("dcdc", "直流变换器（DC/DC）", "DC/DC converter", "ev", "959", 663, 1, (4500, 8000), 4500, None, false, Rare, Ev),
    comp("hv_coolant_pump", "电池冷却液泵", "HV battery coolant pump", "ev", "965", 567, 1, (900, 1800), 600, None, false, Slow, Ev),
    comp("vcu", "整车控制器（VCU）", "Vehicle control unit (VCU)", "control_units", "907", 121, 3, (5200, 9800), 700, None, true, Rare, Ev),
];

#[rustfmt::skip]
const PER_ENGINE: &[Component] = &[
    comp("spark_plug", "火花塞", "Spark plug", "ignition", "905", 601, 2, (55, 95), 60, None, false, Fast, All),
    comp("ignition_coil", "点火线圈", "Ignition coil", "ignition", "905", 110, 11, (320, 560), 300, None, false, Medium, All),
    comp("oil_filter", "机油滤清器", "Oil filter", "filters", "115", 561, 8, (55, 120), 300, None, false, Fast, All),
    comp("starter", "起动机", "Starter motor", "electrical", "911", 23, 18, (1800, 3600), 3800, None, false, Slow, All),
    comp("alternator", "发电机", "Alternator", "electrical", "903", 23, 1, (2600, 4800), 5500, None, false, Slow, All),
    comp("water_pump", "水泵", "Water pump", "cooling", "121", 600, 30, (900, 1900), 1800, None, false, Slow, All),
    comp("thermostat", "节温器总成", "Thermostat housing", "cooling", "121", 113, 1, (380, 900), 500, None, false, Slow, All),
    comp("serpentine_belt", "多楔带", "Serpentine (poly-V) belt", "belts_hoses", "145", 933, 0, (160, 320), 200, None, false, Medium, All),
    comp("timing_kit", "正时套件", "Timing belt / chain kit", "engine", "109", 119, 6, (900, 2400), 2500, None, false, Rare, All),
    comp("ecu", "发动机控制单元（ECU）", "Engine control unit (ECU)", "control_units", "906", 27, 19, (6000, 12500), 800, None, true, Rare, All),
    comp("crank_sensor", "曲轴位置传感器", "Crankshaft position sensor", "sensors", "906", 433, 3, (260, 480), 100, None, false, Slow, All),
    comp("cam_sensor", "凸轮轴位置传感器", "Camshaft position sensor", "sensors", "907", 601, 1, (220, 420), 80, None, false, Slow, All),
    comp("o2_sensor", "前氧传感器", "Upstream oxygen sensor", "sensors", "906", 262, 2, (620, 1200), 150, None, false, Slow, All),
    comp("map_sensor", "进气压力传感器", "Intake manifold pressure sensor", "sensors", "906", 51, 0, (320, 650), 60, None, false, Slow, All),
    comp("ect_sensor", "冷却液温度传感器", "Coolant temperature sensor", "sensors", "919", 501, 0, (120, 260), 40, None, false, Slow, All),
    comp("throttle_body", "电子节气门", "Electronic throttle body", "fuel", "133", 62, 2, (1300, 2400), 900, None, false, Rare, All),
    comp("injector", "喷油嘴", "Fuel injector", "fuel", "906", 36, 5, (500, 950), 120, None, false, Slow, All),
    comp("hp_fuel_pump", "高压油泵", "High-pressure fuel pump", "fuel", "127", 26, 1, (2200, 4200), 1400, None, false, Rare, All),
    comp("oil_pressure_switch", "机油压力开关", "Oil pressure switch", "sensors", "919", 81, 0, (110, 240), 60, None, false, Slow, All),
    comp("charge_air_hose", "增压管", "Charge-air hose", "belts_hoses", "145", 673, 2, (320, 780), 500, None, false, Slow, All),
];

/// A brand-wide part with a fixed part number.
struct Generic {
    key: &'static str,
    part_no: &'static str,
    zh: &'static str,
    en: &'static str,
    category: &'static str,
    yuan: (u32, u32),
    weight_g: u32,
    un: Option<&'static str>,
    monitored: bool,
    turnover: Turnover,
}

#[allow(clippy::too_many_arguments)]
const fn generic(
    key: &'static str,
    part_no: &'static str,
    zh: &'static str,
    en: &'static str,
    category: &'static str,
    yuan: (u32, u32),
    weight_g: u32,
    un: Option<&'static str>,
    monitored: bool,
    turnover: Turnover,
) -> Generic {
    Generic {
        key,
        part_no,
        zh,
        en,
        category,
        yuan,
        weight_g,
        un,
        monitored,
        turnover,
    }
}

// Flooded and EFB 12 V batteries are UN2794 (wet, filled with acid); AGM
// batteries are UN2800 (non-spillable). Both are dangerous goods that the
// sourcing rules keep off aircraft. Aerosols are UN1950, extinguishers
// UN1044, refrigerant cans UN3159 (R134a) / UN3161 (R1234yf, flammable),
// the lithium jump starter UN3480.
#[rustfmt::skip]
const GENERIC: &[Generic] = &[
    generic("battery_45", "000 915 105 DC", "蓄电池 12V 45Ah", "Battery 12 V 45 Ah (flooded)", "battery", (520, 680), 12500, Some("UN2794"), false, Medium),
    generic("battery_60", "000 915 105 DE", "蓄电池 12V 60Ah", "Battery 12 V 60 Ah (flooded)", "battery", (620, 820), 15500, Some("UN2794"), false, Medium),
    generic("battery_72", "000 915 105 DG", "蓄电池 12V 72Ah", "Battery 12 V 72 Ah (flooded)", "battery", (760, 980), 18000, Some("UN2794"), false, Medium),
    generic("efb_61", "JZW 915 105 B", "EFB 启停蓄电池 12V 61Ah", "EFB start-stop battery 12 V 61 Ah", "battery", (980, 1280), 16500, Some("UN2794"), false, Medium),
    generic("agm_59", "000 915 105 CF", "AGM 蓄电池 12V 59Ah", "AGM battery 12 V 59 Ah", "battery", (1150, 1450), 16800, Some("UN2800"), false, Medium),
    generic("agm_68", "000 915 105 CH", "AGM 启停蓄电池 12V 68Ah", "AGM start-stop battery 12 V 68 Ah", "battery", (1350, 1680), 19500, Some("UN2800"), false, Medium),
    generic("agm_70", "000 915 105 DK", "AGM 启停蓄电池 12V 70Ah", "AGM start-stop battery 12 V 70 Ah", "battery", (1450, 1780), 20500, Some("UN2800"), false, Medium),
    generic("agm_80", "000 915 105 CK", "AGM 启停蓄电池 12V 80Ah", "AGM start-stop battery 12 V 80 Ah", "battery", (1650, 2100), 22500, Some("UN2800"), false, Slow),
    generic("battery_sensor", "5Q0 915 181 H", "蓄电池监控传感器", "Battery monitoring sensor", "electrical", (380, 620), 120, None, false, Slow),
    generic("battery_terminal", "5Q0 915 459 E", "蓄电池正极接线端子", "Battery positive terminal clamp", "electrical", (60, 120), 150, None, false, Medium),
    generic("battery_holddown", "5Q0 803 219 A", "蓄电池压板", "Battery hold-down clamp", "body", (25, 45), 120, None, false, Medium),
    generic("fuse_5", "N 102 215 01", "插片保险丝 5A", "Mini blade fuse 5 A", "electrical", (3, 6), 2, None, false, Fast),
    generic("fuse_7_5", "N 102 216 01", "插片保险丝 7.5A", "Mini blade fuse 7.5 A", "electrical", (3, 6), 2, None, false, Fast),
    generic("fuse_10", "N 102 217 01", "插片保险丝 10A", "Mini blade fuse 10 A", "electrical", (3, 6), 2, None, false, Fast),
    generic("fuse_15", "N 102 218 01", "插片保险丝 15A", "Mini blade fuse 15 A", "electrical", (3, 6), 2, None, false, Fast),
    generic("fuse_20", "N 102 219 01", "插片保险丝 20A", "Mini blade fuse 20 A", "electrical", (3, 6), 2, None, false, Fast),
    generic("fuse_25", "N 102 220 01", "插片保险丝 25A", "Mini blade fuse 25 A", "electrical", (3, 6), 2, None, false, Fast),
    generic("fuse_30", "N 102 221 01", "插片保险丝 30A", "Mini blade fuse 30 A", "electrical", (3, 6), 2, None, false, Fast),
    generic("maxi_40", "N 102 479 01", "大号插片保险丝 40A", "Maxi fuse 40 A", "electrical", (8, 15), 8, None, false, Fast),
    generic("maxi_50", "N 102 480 01", "大号插片保险丝 50A", "Maxi fuse 50 A", "electrical", (8, 15), 8, None, false, Fast),
    generic("maxi_60", "N 102 481 01", "大号插片保险丝 60A", "Maxi fuse 60 A", "electrical", (8, 15), 8, None, false, Fast),
    generic("midi_150", "N 102 501 01", "螺栓式主保险丝 150A", "MIDI main fuse 150 A", "electrical", (35, 70), 20, None, false, Medium),
    generic("relay_4pin", "1K0 951 253 A", "通用继电器（4脚）", "Universal relay (4-pin)", "electrical", (60, 110), 30, None, false, Medium),
    generic("relay_fuel", "1K0 906 383 E", "燃油泵继电器", "Fuel pump relay", "electrical", (90, 160), 30, None, false, Medium),
    generic("relay_starter", "4H0 951 253", "起动机继电器", "Starter relay", "electrical", (90, 160), 30, None, false, Medium),
    generic("relay_fan", "8K0 951 253 A", "冷却风扇继电器", "Radiator fan relay", "electrical", (110, 180), 35, None, false, Medium),
    generic("bulb_h7", "N 101 641 08", "卤素灯泡 H7 12V 55W", "Halogen bulb H7 12 V 55 W", "lighting", (45, 80), 20, None, false, Fast),
    generic("bulb_h8", "N 106 397 01", "雾灯灯泡 H8 12V 35W", "Fog-lamp bulb H8 12 V 35 W", "lighting", (50, 90), 20, None, false, Fast),
    generic("bulb_p21w", "N 177 344 03", "刹车灯灯泡 P21W", "Brake-light bulb P21W", "lighting", (8, 15), 10, None, false, Fast),
    generic("bulb_w5w", "N 017 717 2", "示宽灯灯泡 W5W", "Side-light bulb W5W", "lighting", (4, 8), 5, None, false, Fast),
    generic("oil_0w20", "G 052 577 M4", "发动机机油 0W-20（4升）", "Engine oil 0W-20 (4 l)", "fluids", (360, 460), 3700, None, false, Fast),
    generic("oil_5w30", "G 052 195 M4", "发动机机油 5W-30（4升）", "Engine oil 5W-30 (4 l)", "fluids", (340, 440), 3700, None, false, Fast),
    generic("oil_5w40", "G 052 167 M4", "发动机机油 5W-40（4升）", "Engine oil 5W-40 (4 l)", "fluids", (320, 420), 3700, None, false, Fast),
    generic("coolant_g13", "G 013 A8J M1", "冷却液 G13（1.5升）", "Coolant G13 (1.5 l)", "fluids", (75, 110), 1700, None, false, Fast),
    generic("brake_fluid", "B 000 750 M3", "制动液 DOT 4（1升）", "Brake fluid DOT 4 (1 l)", "fluids", (70, 110), 1100, None, false, Fast),
    generic("dsg_oil", "G 052 182 A2", "双离合变速箱油（1升）", "DSG transmission oil (1 l)", "fluids", (140, 210), 1000, None, false, Medium),
    generic("washer_fluid", "G 052 164 M2", "玻璃水（2升）", "Screen wash (2 l)", "fluids", (18, 35), 2100, None, false, Fast),
    generic("r134a", "G 052 154 A1", "空调制冷剂 R134a（300克罐装）", "A/C refrigerant R134a (300 g can)", "air_conditioning", (80, 140), 420, Some("UN3159"), false, Medium),
    generic("r1234yf", "G 052 158 A1", "空调制冷剂 R1234yf（250克罐装）", "A/C refrigerant R1234yf (250 g can)", "air_conditioning", (260, 420), 380, Some("UN3161"), false, Medium),
    generic("brake_cleaner", "D 009 600 A2", "刹车系统清洗剂（喷罐）", "Brake cleaner (aerosol)", "chemicals", (30, 55), 600, Some("UN1950"), false, Fast),
    generic("tyre_inflator", "000 093 044 A", "快速补胎充气剂（喷罐）", "Tyre sealant and inflator (aerosol can)", "chemicals", (60, 110), 550, Some("UN1950"), false, Medium),
    generic("deicer", "000 096 311", "车窗除冰剂（喷罐）", "Windscreen de-icer (aerosol)", "chemicals", (35, 60), 500, Some("UN1950"), false, Medium),
    generic("rust_spray", "G 052 778 A2", "防锈润滑剂（喷罐）", "Penetrating lubricant (aerosol)", "chemicals", (35, 65), 450, Some("UN1950"), false, Medium),
    generic("contact_cleaner", "D 009 800 A2", "电器触点清洁剂（喷罐）", "Electrical contact cleaner (aerosol)", "chemicals", (45, 75), 400, Some("UN1950"), false, Medium),
    generic("extinguisher_1kg", "000 093 056 B", "车载干粉灭火器（1千克）", "Dry-powder fire extinguisher (1 kg)", "safety", (60, 110), 1800, Some("UN1044"), false, Medium),
    generic("extinguisher_2kg", "000 093 056 C", "车载干粉灭火器（2千克）", "Dry-powder fire extinguisher (2 kg)", "safety", (90, 150), 3200, Some("UN1044"), false, Medium),
    generic("jump_starter", "000 054 410 A", "锂电应急启动电源", "Lithium jump-starter pack", "accessories", (580, 980), 1200, Some("UN3480"), false, Slow),
    generic("tms_kit", "5Q0 012 615 A", "轮胎应急修补套装（充气泵+补胎液）", "Tyre mobility set (compressor and sealant)", "wheels_tyres", (780, 1200), 2300, None, false, Slow),
    generic("tms_sealant", "5Q0 012 619 C", "补胎液（补充瓶）", "Tyre sealant refill bottle", "wheels_tyres", (220, 320), 550, None, false, Medium),
    generic("tow_eye", "1K0 805 615 A", "拖车钩", "Towing eye", "accessories", (60, 120), 400, None, false, Slow),
    generic("warning_triangle", "1K0 860 251", "三角警示牌", "Warning triangle", "accessories", (80, 140), 900, None, false, Slow),
    generic("safety_vest", "000 093 090 A", "反光背心", "Reflective safety vest", "accessories", (40, 70), 150, None, false, Slow),
    generic("key_blank", "5G0 837 219 A", "钥匙胚（未编程）", "Key blade blank (unprogrammed)", "keys_locks", (180, 320), 20, None, true, Slow),
    generic("horn", "5Q0 951 223", "电喇叭（低音）", "Horn (low tone)", "electrical", (160, 260), 500, None, false, Slow),
    generic("washer_pump", "1K0 955 651", "洗涤泵", "Washer pump", "electrical", (150, 260), 200, None, false, Slow),
    generic("brake_switch", "1K0 945 459 A", "刹车灯开关", "Brake-light switch", "sensors", (90, 160), 50, None, false, Slow),
    generic("wheel_bolt", "WHT 002 437", "车轮螺栓", "Wheel bolt", "wheels_tyres", (12, 22), 60, None, false, Fast),
    generic("locking_bolts", "5G0 601 139", "防盗螺栓套装", "Locking wheel bolt set", "wheels_tyres", (280, 420), 400, None, false, Slow),
    generic("valve_stem", "1K0 601 361 A", "气门嘴", "Tyre valve", "wheels_tyres", (15, 30), 10, None, false, Fast),
    generic("expansion_cap", "5Q0 121 321", "冷却液膨胀罐盖", "Coolant expansion-tank cap", "cooling", (60, 110), 60, None, false, Medium),
];

// Trim levels name the extra variants larger scales add to every per-model part.
const TRIMS: &[(&str, &str)] = &[
    ("舒适版", "Comfort"),
    ("豪华版", "Luxury"),
    ("尊贵版", "Premium"),
    ("旗舰版", "Flagship"),
    ("运动版", "Sport"),
    ("四驱版", "4MOTION"),
    ("商务版", "Business"),
    ("长续航版", "Long Range"),
    ("性能版", "Performance"),
    ("出租车版", "Taxi"),
    ("越野版", "Offroad"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Fit {
    Model(usize),
    Engine(usize),
    Generic,
    Tyre(usize),
}

pub(crate) struct Catalogue {
    pub parts: Vec<Part>,
    /// Variants per per-model / per-engine component (trim levels).
    pub variants: usize,
    pub turnover: Vec<Turnover>,
    lookup: HashMap<(&'static str, Fit), Vec<usize>>,
}

impl Catalogue {
    fn push(
        &mut self,
        rng: &mut impl Rng,
        created_at: NaiveDateTime,
        spec: PartSpec,
        key: &'static str,
        fit: Fit,
    ) {
        let part = Part {
            id: new_id(rng, created_at),
            part_no: spec.part_no,
            name_zh: spec.name_zh,
            name_en: spec.name_en,
            category: spec.category.to_owned(),
            price_fen: spec.price_fen,
            weight_g: spec.weight_g,
            dangerous_goods: spec.un.is_some(),
            un_number: spec.un.map(str::to_owned),
            monitored: spec.monitored,
            created_at,
        };
        self.lookup
            .entry((key, fit))
            .or_default()
            .push(self.parts.len());
        self.parts.push(part);
        self.turnover.push(spec.turnover);
    }

    fn variant(&self, key: &'static str, fit: Fit, variant: usize) -> Option<usize> {
        let variants = self.lookup.get(&(key, fit))?;
        variants.get(variant % variants.len().max(1)).copied()
    }

    pub fn model_part(&self, key: &'static str, model: usize, variant: usize) -> Option<usize> {
        self.variant(key, Fit::Model(model), variant)
    }

    pub fn engine_part(&self, key: &'static str, engine: usize, variant: usize) -> Option<usize> {
        self.variant(key, Fit::Engine(engine), variant)
    }

    pub fn generic(&self, key: &'static str) -> Option<usize> {
        self.variant(key, Fit::Generic, 0)
    }

    /// One of the brands stocked for a tyre size.
    pub fn tyre(&self, size: usize, pick: usize) -> Option<usize> {
        self.variant("tyre", Fit::Tyre(size), pick)
    }
}

/// How many variants each per-model and per-engine part has: one at scale 1,
/// growing with the square root of the scale so that 1,000 dealers meet a
/// catalogue of some thousands of parts.
pub(crate) fn variants_for(scale: u32) -> usize {
    // Exact for every scale a u32 can hold; f64 keeps the rounding simple.
    let root = f64::from(scale.max(1)).sqrt().round();
    (root as usize).max(1)
}

pub(crate) fn build(rng: &mut impl Rng, variants: usize, created_at: NaiveDateTime) -> Catalogue {
    let variants = variants.max(1);
    let mut cat = Catalogue {
        parts: Vec::new(),
        variants,
        turnover: Vec::new(),
        lookup: HashMap::new(),
    };
    for g in GENERIC {
        let spec = PartSpec {
            part_no: g.part_no.to_owned(),
            name_zh: g.zh.to_owned(),
            name_en: g.en.to_owned(),
            category: g.category,
            price_fen: price_fen(rng, g.yuan, 1.0),
            weight_g: weight(g.weight_g, 1.0),
            un: g.un,
            monitored: g.monitored,
            turnover: g.turnover,
        };
        cat.push(rng, created_at, spec, g.key, Fit::Generic);
    }

    for (size_idx, size) in TYRE_SIZES.iter().enumerate() {
        // Two brands per size, rotating so every brand appears.
        for pick in 0..2 {
            let (code, brand_zh, brand_en) = TYRE_BRANDS[(size_idx + pick) % TYRE_BRANDS.len()];
            let dims = format!("{}/{} R{}", size.width, size.aspect, size.rim);
            let base = match size.rim {
                16 => (520, 720),
                17 => (680, 900),
                18 => (850, 1200),
                19 => (1050, 1450),
                _ => (1300, 1800),
            };
            let spec = PartSpec {
                part_no: format!("ZTR {} {}{} {code}", size.width, size.aspect, size.rim),
                name_zh: format!("{brand_zh}轮胎 {dims} {}", size.load_speed),
                name_en: format!("{brand_en} tyre {dims} {}", size.load_speed),
                category: "wheels_tyres",
                price_fen: price_fen(rng, base, 1.0),
                weight_g: weight(7000 + 280 * size.rim + 10 * size.width, 1.0),
                un: None,
                monitored: false,
                turnover: Turnover::Medium,
            };
            cat.push(rng, created_at, spec, "tyre", Fit::Tyre(size_idx));
        }
    }

    for (engine_idx, engine) in ENGINES.iter().enumerate() {
        let fitment = engine_label(engine_idx);
        for c in PER_ENGINE {
            for v in 0..variants {
                let spec = component_spec(rng, c, engine.prefix, fitment, v, variants, 1.0);
                cat.push(rng, created_at, spec, c.key, Fit::Engine(engine_idx));
            }
        }
    }

    for (model_idx, m) in MODELS.iter().enumerate() {
        for c in PER_MODEL.iter().filter(|c| c.fits.matches(m.power)) {
            for v in 0..variants {
                let spec = component_spec(rng, c, m.prefix, (m.zh, m.en), v, variants, m.tier);
                cat.push(rng, created_at, spec, c.key, Fit::Model(model_idx));
            }
        }
    }
    cat
}

struct PartSpec {
    part_no: String,
    name_zh: String,
    name_en: String,
    category: &'static str,
    price_fen: i64,
    weight_g: i32,
    un: Option<&'static str>,
    monitored: bool,
    turnover: Turnover,
}

fn engine_label(engine: usize) -> (&'static str, &'static str) {
    match engine {
        0 => ("EA211 1.5L", "EA211 1.5 l"),
        1 => ("EA211 1.4T", "EA211 1.4 TSI"),
        _ => ("EA888 2.0T", "EA888 2.0 TSI"),
    }
}

fn component_spec(
    rng: &mut impl Rng,
    c: &Component,
    prefix: &str,
    (fit_zh, fit_en): (&str, &str),
    variant: usize,
    variants: usize,
    tier: f64,
) -> PartSpec {
    let suffix = revision_letters(c.suffix + variant);
    let part_no = if suffix.is_empty() {
        format!("{prefix} {} {:03}", c.group, c.number)
    } else {
        format!("{prefix} {} {:03} {suffix}", c.group, c.number)
    };
    let (name_zh, name_en) = if variants > 1 && variant > 0 {
        let (trim_zh, trim_en) = TRIMS
            .get(variant - 1)
            .copied()
            .unwrap_or(("改款", "facelift"));
        // Beyond the named trims, the revision letter keeps names distinct.
        let extra = if variant > TRIMS.len() {
            format!(" {suffix}")
        } else {
            String::new()
        };
        (
            format!("{}（{fit_zh} {trim_zh}{extra}）", c.zh),
            format!("{} ({fit_en} {trim_en}{extra})", c.en),
        )
    } else {
        (
            format!("{}（{fit_zh}）", c.zh),
            format!("{} ({fit_en})", c.en),
        )
    };
    // Variants of one component differ a little in price and weight.
    let jitter = 1.0 + 0.06 * variant.min(5) as f64;
    PartSpec {
        part_no,
        name_zh,
        name_en,
        category: c.category,
        price_fen: price_fen(rng, c.yuan, tier * jitter),
        weight_g: weight(c.weight_g, 1.0 + 0.03 * variant.min(5) as f64),
        un: c.un,
        monitored: c.monitored,
        turnover: c.turnover,
    }
}

/// Revision letters: "", "A" … "Z", "AA", "AB" …, leaving out I, O and Q,
/// which read as digits on a parts label.
fn revision_letters(index: usize) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    let mut n = index;
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(char::from(LETTERS[n % LETTERS.len()]));
        n /= LETTERS.len();
    }
    out.iter().rev().collect()
}

/// A list price in fen: small parts to the ten fen, others to the whole yuan,
/// big-ticket parts to ten yuan, as price lists are written.
fn price_fen(rng: &mut impl Rng, (lo, hi): (u32, u32), factor: f64) -> i64 {
    let fen = f64::from(rng.gen_range(lo * 100..=hi * 100)) * factor;
    let step = if fen < 5_000.0 {
        10.0
    } else if fen < 1_000_000.0 {
        100.0
    } else {
        1_000.0
    };
    ((fen / step).round() * step) as i64
}

fn weight(grams: u32, factor: f64) -> i32 {
    (f64::from(grams) * factor).round() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_letters_skip_i_o_and_q() {
        assert_eq!(revision_letters(0), "");
        assert_eq!(revision_letters(1), "A");
        assert_eq!(revision_letters(8), "H");
        assert_eq!(revision_letters(9), "J");
        assert_eq!(revision_letters(23), "Z");
        assert_eq!(revision_letters(24), "AA");
        assert_eq!(revision_letters(25), "AB");
    }

    #[test]
    fn every_model_refers_to_known_parts() {
        for m in MODELS {
            assert!(GENERIC.iter().any(|g| g.key == m.battery), "{}", m.zh);
            assert!(m.tyre < TYRE_SIZES.len(), "{}", m.zh);
            assert_eq!(m.vds.len(), 5, "{}", m.zh);
            assert_eq!(m.engine.is_none(), m.power == Power::Ev, "{}", m.zh);
        }
        for e in ENGINES {
            assert!(GENERIC.iter().any(|g| g.key == e.oil));
        }
        for c in PER_MODEL.iter().chain(PER_ENGINE) {
            assert!(
                CATEGORIES.iter().any(|(code, _, _)| *code == c.category),
                "{}",
                c.key
            );
        }
        for g in GENERIC {
            assert!(
                CATEGORIES.iter().any(|(code, _, _)| *code == g.category),
                "{}",
                g.key
            );
        }
    }

    #[test]
    fn variants_grow_slowly_with_scale() {
        assert_eq!(variants_for(0), 1);
        assert_eq!(variants_for(1), 1);
        assert_eq!(variants_for(3), 2);
        assert_eq!(variants_for(125), 11);
    }
}
