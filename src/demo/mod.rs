//! Demo data: a realistic dealer group (dealers, staff, rota, tools, parts, stock, vehicles, service history), generated deterministically from a seed and a scale, and loaded in batches.
//!
//! `generate` is pure: the same `DemoOptions` always give the same rows (ids
//! included, as UUIDv7 built from the RNG and the row's own timestamp), so
//! tests, screenshots and benchmarks can rely on them. Scale 1 is one group of
//! nine Zhejiang sister dealers; scale N grows dealers, crews, vehicles and
//! stock about N-fold and the catalogue with the square root of N.

mod catalogue;
mod fleet;
pub mod history;
pub mod holidays;
mod load;
mod people;
mod places;
pub mod rescue_vehicles;
mod rota;
mod staff;
mod standard;
mod stock;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::db::schema;

pub use catalogue::CATEGORIES;
pub use load::{is_empty, load, load_past, load_streaming, DemoSignIn, DemoSummary, Progress};
pub use staff::{staff_label_key, GRADES, SKILLS};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    pub seed: u64,
    /// 1 = the nine-dealer Zhejiang group; N ≈ N times as much data.
    pub scale: u32,
    /// The demo's "today" (China local date): shifts, service history and
    /// ages are placed relative to it, never relative to the clock.
    pub today: NaiveDate,
    /// What the scale alone does not set (the national preset sets it all); default: as scale 1.
    pub shape: Shape,
}

/// Sizes beyond the scale: the national data set's catalogue, stock, fleet, staff and past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Variants per per-model and per-engine part; `None` grows them with the square root of the scale.
    pub variants: Option<usize>,
    /// Each dealer's stock range, in percent of what its size gives (100 = as always).
    pub stock_percent: u32,
    /// Vehicles in each dealer's care, in percent (100 = as always).
    pub vehicle_percent: u32,
    /// Sign-ins (the eight roles) at every dealer, not only at the nine Zhejiang ones; the past
    /// then has rescues at every dealer.
    pub staff_everywhere: bool,
    /// Days of past rescues ending yesterday; `None` = from the first day of last month.
    pub past_days: Option<u32>,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            variants: None,
            stock_percent: 100,
            vehicle_percent: 100,
            staff_everywhere: false,
            past_days: None,
        }
    }
}

impl DemoOptions {
    /// The issue's national data set: 1,000 dealers in 50 groups, ~50,000 parts, ~5 M stock rows,
    /// ~2 M service visits, ~1 M closed tickets (with `past`), every dealer staffed.
    pub fn national(seed: u64, today: NaiveDate) -> DemoOptions {
        DemoOptions {
            seed,
            scale: 125,
            today,
            shape: Shape {
                variants: Some(NATIONAL_VARIANTS),
                stock_percent: NATIONAL_STOCK_PERCENT,
                vehicle_percent: NATIONAL_VEHICLE_PERCENT,
                staff_everywhere: true,
                past_days: Some(NATIONAL_PAST_DAYS),
            },
        }
    }
}

// Tuned by `national_proportions` (tests) to the issue's numbers.
const NATIONAL_VARIANTS: usize = 115;
const NATIONAL_STOCK_PERCENT: u32 = 28;
const NATIONAL_VEHICLE_PERCENT: u32 = 690;
const NATIONAL_PAST_DAYS: u32 = 600;

/// Every generated row, table by table, in an order that satisfies the foreign keys.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoData {
    pub dealer_groups: Vec<DealerGroup>,
    pub dealers: Vec<Dealer>,
    pub users: Vec<User>,
    pub technicians: Vec<Technician>,
    pub technician_skills: Vec<TechnicianSkill>,
    pub rota_shifts: Vec<RotaShift>,
    pub rota_holidays: Vec<RotaHoliday>,
    pub tools: Vec<Tool>,
    /// Each director's standard rescue plans (标准救援方案).
    pub standard_plans: Vec<standard::StandardPlan>,
    pub standard_plan_tools: Vec<standard::StandardPlanTool>,
    pub standard_plan_items: Vec<standard::StandardPlanItem>,
    pub parts: Vec<Part>,
    pub stock: Vec<StockRow>,
    pub customers: Vec<Customer>,
    pub vehicles: Vec<Vehicle>,
    pub service_visits: Vec<ServiceVisit>,
    pub service_visit_parts: Vec<ServiceVisitPart>,
    /// Each dealer's rescue vehicles (救援车辆) and their latest checks.
    pub rescue_vehicles: Vec<rescue_vehicles::RescueVehicle>,
    pub vehicle_checks: Vec<rescue_vehicles::VehicleCheck>,
    /// Each group's holiday calendar and what the holidays do to parts logistics.
    pub holidays: Vec<holidays::HolidayRow>,
    pub holiday_effects: Vec<holidays::EffectRow>,
    pub showcase: Showcase,
}

/// Parts placed on purpose so the sourcing flow can be shown (part numbers).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Showcase {
    /// Not stocked at `hz`, only at one or two sister dealers (codes listed).
    pub only_at_sisters: Vec<(String, Vec<String>)>,
    /// Stocked nowhere in the group: only a manufacturer emergency order helps.
    pub stocked_nowhere: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::dealer_groups)]
pub struct DealerGroup {
    pub id: String,
    pub name: String,
    pub brand: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::dealers)]
pub struct Dealer {
    pub id: String,
    pub group_id: String,
    pub code: String,
    pub name: String,
    pub city: String,
    pub address: String,
    pub phone: String,
    pub lat: f64,
    pub lon: f64,
    pub created_at: NaiveDateTime,
}

/// A staff sign-in; the password hash is supplied at load time.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: String,
    pub login: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub dealer_id: String,
    pub locale: String,
    /// The one role (`user_roles.role`) of this demo user.
    pub role: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::technicians)]
#[diesel(treat_none_as_default_value = false)]
pub struct Technician {
    pub id: String,
    pub dealer_id: String,
    pub user_id: Option<String>,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub notify_via: String,
    pub grade: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::technician_skills)]
pub struct TechnicianSkill {
    pub technician_id: String,
    pub skill: String,
}

/// A duty rota entry (weekly when `weekday` is set, else for `on_date`), local minutes.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::rota_shifts)]
#[diesel(treat_none_as_default_value = false)]
pub struct RotaShift {
    pub id: String,
    pub dealer_id: String,
    pub technician_id: Option<String>,
    pub user_id: Option<String>,
    pub weekday: Option<i32>,
    pub on_date: Option<String>,
    pub start_min: i32,
    pub end_min: i32,
    pub kind: String,
    pub updated_at: NaiveDateTime,
}

/// A holiday day of a dealer's rota (the Spring Festival).
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::rota_holidays)]
pub struct RotaHoliday {
    pub dealer_id: String,
    pub on_date: String,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::tools)]
pub struct Tool {
    pub id: String,
    pub dealer_id: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i32,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::parts)]
#[diesel(treat_none_as_default_value = false)]
pub struct Part {
    pub id: String,
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    pub category: String,
    pub price_fen: i64,
    pub weight_g: i32,
    pub dangerous_goods: bool,
    pub un_number: Option<String>,
    pub monitored: bool,
    pub created_at: NaiveDateTime,
}

/// One stock line. Stock is the table that reaches millions of rows at
/// benchmark scales, so it points into `DemoData::dealers` / `parts` by index
/// instead of copying two ids per row; `reserved` is always 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StockRow {
    pub dealer: u32,
    pub part: u32,
    pub on_hand: i32,
    pub bin: Bin,
    pub updated_at: NaiveDateTime,
}

/// A shelf location written `A-03-2` (zone, rack, level).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bin {
    pub zone: char,
    pub rack: u8,
    pub level: u8,
}

impl std::fmt::Display for Bin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:02}-{}", self.zone, self.rack, self.level)
    }
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::customers)]
pub struct Customer {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::vehicles)]
#[diesel(treat_none_as_default_value = false)]
pub struct Vehicle {
    pub id: String,
    pub plate: String,
    pub vin: Option<String>,
    pub model: String,
    pub model_year: i32,
    pub customer_id: String,
    pub dealer_id: String,
    pub mileage_km: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::service_visits)]
pub struct ServiceVisit {
    pub id: String,
    pub vehicle_id: String,
    pub dealer_id: String,
    pub visited_at: NaiveDateTime,
    pub mileage_km: i32,
    pub kind: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::service_visit_parts)]
#[diesel(treat_none_as_default_value = false)]
pub struct ServiceVisitPart {
    pub id: String,
    pub visit_id: String,
    pub part_id: Option<String>,
    pub part_no: String,
    pub name: String,
    pub quantity: i32,
}

/// Generation facts about a dealer that are not columns.
pub(crate) struct DealerInfo {
    pub code: String,
    pub plate: &'static str,
    pub size: f64,
    pub technicians: usize,
    /// One of the hand-written Zhejiang dealers (these get sign-ins).
    pub home: bool,
}

// Independent RNG streams per section and dealer: adding a table or changing
// one section's draws leaves every other section's data unchanged.
const STREAM_DEALERS: u64 = 1;
const STREAM_CATALOGUE: u64 = 2;
const STREAM_STAFF: u64 = 3;
const STREAM_STOCK: u64 = 4;
const STREAM_FLEET: u64 = 5;
const STREAM_PLATFORM: u64 = 6;
const STREAM_STANDARD: u64 = 11;
const STREAM_ROTA: u64 = 7;
const STREAM_GROUPS: u64 = 13;
const STREAM_RESCUE_VEHICLES: u64 = 14;
const STREAM_HOLIDAYS: u64 = 15;

/// Dealers per dealer group: 1,000 dealers make 50 groups; the nine Zhejiang dealers open the first.
pub const GROUP_SIZE: usize = 20;

fn rng_for(seed: u64, section: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream((section << 32) | index as u64);
    rng
}

/// A UUIDv7 whose time part is the row's own timestamp and whose random part
/// comes from the seeded RNG, so ids are both reproducible and time-ordered.
pub(crate) fn new_id(rng: &mut impl Rng, at: NaiveDateTime) -> String {
    let millis = u64::try_from(at.and_utc().timestamp_millis()).unwrap_or(0);
    let random: [u8; 10] = rng.gen();
    uuid::Builder::from_unix_timestamp_millis(millis, &random)
        .into_uuid()
        .to_string()
}

/// Midnight UTC of a day plus some minutes.
pub(crate) fn at(day: NaiveDate, minutes: i64) -> NaiveDateTime {
    day.and_time(chrono::NaiveTime::MIN) + chrono::Duration::minutes(minutes)
}

/// Builds the whole data set in memory; no I/O, no clock.
pub fn generate(opts: &DemoOptions) -> DemoData {
    let mut b = Builder::new(opts);
    let mut stock = Vec::new();
    for d in 0..b.data.dealers.len() {
        stock.extend(b.stock_of(d));
    }
    b.data.stock = stock;
    for d in 0..b.data.dealers.len() {
        b.fleet_of(d);
    }
    let mut data = b.data;
    data.customers = b.fleet.customers;
    data.vehicles = b.fleet.vehicles;
    data.service_visits = b.fleet.visits;
    data.service_visit_parts = b.fleet.visit_parts;
    data
}

/// The generator in steps, for a loader that streams: `new` makes everything but stock and the
/// fleet (`data.stock`, `customers`, `vehicles`, `service_*` empty); `stock_of` and `fleet_of`
/// then draw one dealer's share, in dealer order — the same rows `generate` holds at once.
pub struct Builder {
    pub data: DemoData,
    opts: DemoOptions,
    infos: Vec<DealerInfo>,
    cat: catalogue::Catalogue,
    stocker: stock::Stocker,
    phones: people::PhoneBook,
    fleet: fleet::Fleet,
}

impl Builder {
    pub fn new(opts: &DemoOptions) -> Builder {
        let scale = opts.scale.max(1);
        let founded = at(opts.today - chrono::Duration::days(3 * 365 + 30), 60);

        let mut rng = rng_for(opts.seed, STREAM_DEALERS, 0);
        let group = DealerGroup {
            id: new_id(&mut rng, founded),
            name: "浙江之江汽车集团".to_owned(),
            brand: catalogue::BRAND.to_owned(),
            created_at: founded,
        };
        let mut phones = people::PhoneBook::default();
        let count = dealer_count(scale);
        // Further groups draw from their own stream, so the first group and its dealers stay as they were.
        let mut groups = vec![group];
        for g in 1..count.div_ceil(GROUP_SIZE) {
            let mut rng = rng_for(opts.seed, STREAM_GROUPS, g);
            groups.push(DealerGroup {
                id: new_id(&mut rng, founded),
                name: format!("之江汽车集团第{}区域公司", g + 1),
                brand: catalogue::BRAND.to_owned(),
                created_at: founded,
            });
        }
        let (dealers, infos) = dealers(&mut rng, &groups, count, founded, &mut phones);

        let mut rng = rng_for(opts.seed, STREAM_CATALOGUE, 0);
        let variants = opts
            .shape
            .variants
            .unwrap_or_else(|| catalogue::variants_for(scale));
        let cat = catalogue::build(&mut rng, variants, founded);

        let mut crew = staff::Crew::default();
        for (idx, (dealer, info)) in dealers.iter().zip(&infos).enumerate() {
            let mut rng = rng_for(opts.seed, STREAM_STAFF, idx);
            staff::generate(
                &mut rng,
                dealer,
                info,
                opts.today,
                opts.shape.staff_everywhere,
                &mut phones,
                &mut crew,
            );
        }
        // Its own stream, so the dealers' staff stay as they were.
        let mut rng = rng_for(opts.seed, STREAM_PLATFORM, 0);
        staff::platform_staff(&mut rng, &dealers[0], opts.today, &mut phones, &mut crew);

        // Its own stream too: the rota draws only ids, and the rest of the demo stays as it was.
        let (mut rota_shifts, mut rota_holidays) = (Vec::new(), Vec::new());
        let mut techs_of: std::collections::HashMap<&str, Vec<Technician>> = Default::default();
        for t in &crew.technicians {
            techs_of.entry(&t.dealer_id).or_default().push(t.clone());
        }
        let mut users_of: std::collections::HashMap<&str, Vec<User>> = Default::default();
        for u in crew.users.iter().filter(|u| u.role != "catalogue_admin") {
            users_of.entry(&u.dealer_id).or_default().push(u.clone());
        }
        for (idx, dealer) in dealers.iter().enumerate() {
            let mut rng = rng_for(opts.seed, STREAM_ROTA, idx);
            let r = rota::Rota {
                dealer,
                technicians: techs_of.get(dealer.id.as_str()).map_or(&[], |v| v),
                users: users_of.get(dealer.id.as_str()).map_or(&[], |v| v),
                today: opts.today,
            };
            rota::generate(&mut rng, &r, &mut rota_shifts, &mut rota_holidays);
        }
        drop((techs_of, users_of));

        // Its own stream too: the rescue vehicles draw only ids.
        let (mut rescue_vehicles, mut vehicle_checks) = (Vec::new(), Vec::new());
        for (idx, (dealer, info)) in dealers.iter().zip(&infos).enumerate() {
            let mut rng = rng_for(opts.seed, STREAM_RESCUE_VEHICLES, idx);
            rescue_vehicles::generate(
                &mut rng,
                dealer,
                info,
                &crew.users,
                opts.today,
                &mut rescue_vehicles,
                &mut vehicle_checks,
            );
        }

        // Its own stream too: the calendar draws only ids.
        let (mut holiday_rows, mut holiday_effects) = (Vec::new(), Vec::new());
        holidays::generate(
            &mut rng_for(opts.seed, STREAM_HOLIDAYS, 0),
            &groups,
            &dealers,
            &crew.users,
            opts.today,
            &mut holiday_rows,
            &mut holiday_effects,
        );

        let (stocker, showcase) = stock::Stocker::new(&infos, &cat);

        // Its own stream too: adding standard plans changed nothing else.
        let mut rng = rng_for(opts.seed, STREAM_STANDARD, 0);
        let standards = standard::generate(&mut rng, &crew.users, &crew.tools, opts.today);

        let data = DemoData {
            standard_plans: standards.plans,
            standard_plan_tools: standards.tools,
            standard_plan_items: standards.items,
            dealer_groups: groups,
            dealers,
            users: crew.users,
            technicians: crew.technicians,
            technician_skills: crew.skills,
            rota_shifts,
            rota_holidays,
            tools: crew.tools,
            parts: cat.parts.clone(),
            stock: Vec::new(),
            customers: Vec::new(),
            vehicles: Vec::new(),
            service_visits: Vec::new(),
            service_visit_parts: Vec::new(),
            rescue_vehicles,
            vehicle_checks,
            holidays: holiday_rows,
            holiday_effects,
            showcase,
        };
        Builder {
            data,
            opts: opts.clone(),
            infos,
            cat,
            stocker,
            phones,
            fleet: fleet::Fleet::default(),
        }
    }

    /// Dealer `d`'s stock lines.
    pub fn stock_of(&self, d: usize) -> Vec<StockRow> {
        self.stocker.dealer(
            self.opts.seed,
            STREAM_STOCK,
            d,
            &self.infos[d],
            self.opts.today,
            self.opts.shape.stock_percent,
        )
    }

    /// Draws dealer `d`'s customers, vehicles and service history into the builder's fleet;
    /// call for every dealer in order.
    pub fn fleet_of(&mut self, d: usize) {
        let mut rng = rng_for(self.opts.seed, STREAM_FLEET, d);
        fleet::generate(
            &mut rng,
            d,
            &self.data.dealers,
            &self.infos,
            &self.cat,
            self.opts.today,
            self.opts.shape.vehicle_percent,
            &mut self.phones,
            &mut self.fleet,
        );
    }

    /// Takes the fleet rows drawn since the last call: (customers, vehicles, visits, visit parts).
    pub fn take_fleet(
        &mut self,
    ) -> (
        Vec<Customer>,
        Vec<Vehicle>,
        Vec<ServiceVisit>,
        Vec<ServiceVisitPart>,
    ) {
        (
            std::mem::take(&mut self.fleet.customers),
            std::mem::take(&mut self.fleet.vehicles),
            std::mem::take(&mut self.fleet.visits),
            std::mem::take(&mut self.fleet.visit_parts),
        )
    }
}

/// Dealers in all: the nine Zhejiang ones, then `d0010`, … up to eight per scale step.
fn dealer_count(scale: u32) -> usize {
    (8 * scale as usize).max(places::HOME_DEALERS.len())
}

fn dealers(
    rng: &mut ChaCha8Rng,
    groups: &[DealerGroup],
    count: usize,
    created_at: NaiveDateTime,
    phones: &mut people::PhoneBook,
) -> (Vec<Dealer>, Vec<DealerInfo>) {
    let group_of = |n: usize| groups[n / GROUP_SIZE].id.clone();
    let mut dealers = Vec::with_capacity(count);
    let mut infos = Vec::with_capacity(count);
    for home in places::HOME_DEALERS {
        dealers.push(Dealer {
            id: new_id(rng, created_at),
            group_id: group_of(dealers.len()),
            code: home.code.to_owned(),
            name: home.name.to_owned(),
            city: home.city.to_owned(),
            address: home.address.to_owned(),
            phone: phones.landline(rng, home.area_code),
            lat: home.lat,
            lon: home.lon,
            created_at,
        });
        infos.push(DealerInfo {
            code: home.code.to_owned(),
            plate: home.plate,
            size: home.size,
            technicians: home.technicians,
            home: true,
        });
    }
    for n in dealers.len()..count {
        let city = &places::CITIES[(n - places::HOME_DEALERS.len()) % places::CITIES.len()];
        // Cycling through the city table at large scales: the branch number
        // keeps names unique and the jitter (a few km) keeps points apart.
        let branch = (n - places::HOME_DEALERS.len()) / places::CITIES.len() + 1;
        let code = format!("d{:04}", n + 1);
        let road = places::ROADS[rng.gen_range(0..places::ROADS.len())];
        let size = rng.gen_range(0.4..0.9);
        dealers.push(Dealer {
            id: new_id(rng, created_at),
            group_id: group_of(n),
            code: code.clone(),
            name: format!("{}之江上汽大众4S店（{}号店）", city.name, branch),
            city: city.name.to_owned(),
            address: format!(
                "{}{}市{}{}号",
                city.province,
                city.name,
                road,
                rng.gen_range(1..=3000)
            ),
            phone: phones.landline(rng, city.area_code),
            lat: round6(city.lat + rng.gen_range(-0.06..0.06)),
            lon: round6(city.lon + rng.gen_range(-0.06..0.06)),
            created_at,
        });
        infos.push(DealerInfo {
            code,
            plate: city.plate,
            size,
            technicians: if size > 0.6 { 4 } else { 3 },
            home: false,
        });
    }
    (dealers, infos)
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn opts(seed: u64, scale: u32) -> DemoOptions {
        DemoOptions {
            seed,
            scale,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            shape: Shape::default(),
        }
    }

    #[test]
    fn dealers_come_in_groups_of_twenty_with_zhejiang_first() {
        let d = generate(&opts(9, 13));
        assert_eq!(d.dealers.len(), 104);
        assert_eq!(d.dealer_groups.len(), 6);
        let ids: Vec<&str> = d.dealer_groups.iter().map(|g| g.id.as_str()).collect();
        let distinct: HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), 6, "group ids are unique");
        for (n, dealer) in d.dealers.iter().enumerate() {
            assert_eq!(dealer.group_id, ids[n / GROUP_SIZE], "{}", dealer.code);
        }
        let codes: Vec<&str> = d.dealers[..9].iter().map(|x| x.code.as_str()).collect();
        assert_eq!(
            codes,
            places::HOME_DEALERS
                .iter()
                .map(|h| h.code)
                .collect::<Vec<_>>()
        );
        // The first group keeps the name and id it had when it was the only one.
        let one = generate(&opts(9, 1));
        assert_eq!(one.dealer_groups, d.dealer_groups[..1]);
        assert_eq!(one.dealers[..9], d.dealers[..9]);
        let last = d.dealers.iter().filter(|x| x.group_id == ids[5]).count();
        assert_eq!(last, 4);
    }

    /// The national preset at 32 dealers: per ordinary dealer (not the hand-written Zhejiang
    /// ones) what 1,000 of them make the issue's numbers with.
    #[test]
    fn the_national_preset_has_the_issues_proportions() {
        let mut o = DemoOptions::national(4, opts(4, 1).today);
        assert_eq!(dealer_count(o.scale), 1000);
        assert_eq!(dealer_count(o.scale).div_ceil(GROUP_SIZE), 50);
        o.scale = 4;
        let d = generate(&o);
        assert_eq!(d.dealers.len(), 32);
        assert!(
            (45_000..55_000).contains(&d.parts.len()),
            "{}",
            d.parts.len()
        );
        let part_nos: HashSet<_> = d.parts.iter().map(|p| &p.part_no).collect();
        assert_eq!(part_nos.len(), d.parts.len());
        let ordinary: HashSet<u32> = (0..d.dealers.len() as u32)
            .filter(|i| d.dealers[*i as usize].code.starts_with('d'))
            .collect();
        let ordinary_ids: HashSet<&str> = d
            .dealers
            .iter()
            .filter(|x| x.code.starts_with('d'))
            .map(|x| x.id.as_str())
            .collect();
        let n = ordinary.len() as f64;
        let stock = d
            .stock
            .iter()
            .filter(|s| ordinary.contains(&s.dealer))
            .count() as f64;
        assert!((4_000.0..6_000.0).contains(&(stock / n)), "{}", stock / n);
        let visits: HashSet<&str> = d
            .service_visits
            .iter()
            .filter(|v| ordinary_ids.contains(v.dealer_id.as_str()))
            .map(|v| v.id.as_str())
            .collect();
        let lines = d
            .service_visit_parts
            .iter()
            .filter(|l| visits.contains(l.visit_id.as_str()))
            .count();
        let history = (visits.len() + lines) as f64 / n;
        assert!((1_600.0..2_400.0).contains(&history), "{history}");
        // Every dealer is staffed (eight roles), and the catalogue admin.
        assert_eq!(d.users.len(), 8 * d.dealers.len() + 1);
        assert!(d.users.iter().any(|u| u.login == "d0010.agent"));
        // A month of the past, scaled to 600 days: about 1,000 tickets a dealer.
        o.shape.past_days = Some(30);
        let sla = crate::config::Settings::load(None, std::iter::empty())
            .expect("default settings")
            .sla;
        let rules = history::Rules {
            sla: &sla,
            labour_fen_per_hour: 18_000,
            travel_fen_per_km: 300,
            number_prefix: "RD",
            complaint_at_or_below: 2,
        };
        let past = history::Past::new(&d, &o);
        assert_eq!(past.days().count(), 30);
        let mut tickets = 0usize;
        for day in past.days() {
            tickets += past
                .day(&rules, day)
                .tickets
                .iter()
                .filter(|t| ordinary_ids.contains(t.dealer_id.as_str()))
                .count();
        }
        let per_dealer = tickets as f64 / n * f64::from(NATIONAL_PAST_DAYS) / 30.0;
        assert!((800.0..1_300.0).contains(&per_dealer), "{per_dealer}");
    }

    fn vin_check_ok(vin: &str) -> bool {
        const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
        let value = |c: char| -> Option<u32> {
            match c {
                '0'..='9' => c.to_digit(10),
                'I' | 'O' | 'Q' => None,
                'A'..='H' => Some(c as u32 - 'A' as u32 + 1),
                'J'..='N' => Some(c as u32 - 'J' as u32 + 1),
                'P' => Some(7),
                'R' => Some(9),
                'S'..='Z' => Some(c as u32 - 'S' as u32 + 2),
                _ => None,
            }
        };
        let chars: Vec<char> = vin.chars().collect();
        if chars.len() != 17 {
            return false;
        }
        let mut sum = 0;
        for (c, w) in chars.iter().zip(WEIGHTS) {
            match value(*c) {
                Some(v) => sum += v * w,
                None => return false,
            }
        }
        let expected = match sum % 11 {
            10 => 'X',
            n => char::from_digit(n, 10).unwrap(),
        };
        chars[8] == expected
    }

    #[test]
    fn vin_checker_agrees_with_the_textbook_example() {
        assert!(vin_check_ok("1M8GDM9AXKP042788"));
        assert!(!vin_check_ok("1M8GDM9A1KP042788"));
        assert!(vin_check_ok("11111111111111111"));
    }

    #[test]
    fn same_seed_same_data_other_seed_other_data() {
        let a = generate(&opts(7, 1));
        let b = generate(&opts(7, 1));
        assert!(a == b, "same options must give identical data");
        let c = generate(&opts(8, 1));
        assert_ne!(a.dealers[0].id, c.dealers[0].id);
        assert_ne!(a.vehicles, c.vehicles);
    }

    #[test]
    fn scale_one_is_a_believable_group() {
        let d = generate(&opts(20261123, 1));
        assert_eq!(d.dealer_groups.len(), 1);
        assert!(d.dealers.len() >= 6);
        assert_eq!(d.dealers[0].code, "hz");
        assert_eq!(d.dealers[1].code, "nb");
        assert!(d.technicians.len() >= 20, "{}", d.technicians.len());
        assert!(d.parts.len() >= 300, "{}", d.parts.len());
        assert!(d.vehicles.len() >= 250, "{}", d.vehicles.len());
        assert!(d.parts.iter().any(|p| p.monitored));
        for un in ["UN3268", "UN2794", "UN3480", "UN1950", "UN1044"] {
            assert!(
                d.parts
                    .iter()
                    .any(|p| p.dangerous_goods && p.un_number.as_deref() == Some(un)),
                "{un}"
            );
        }
        assert!(d
            .parts
            .iter()
            .all(|p| p.dangerous_goods == p.un_number.is_some()));
        let part_nos: HashSet<_> = d.parts.iter().map(|p| &p.part_no).collect();
        assert_eq!(part_nos.len(), d.parts.len(), "part numbers are unique");

        // One sign-in per role per dealer, and the platform's catalogue admin; each `.tech`
        // user is a technician.
        assert_eq!(d.users.len(), 8 * d.dealers.len() + 1);
        assert!(d
            .users
            .iter()
            .any(|u| u.login == "platform.catalogue" && u.role == "catalogue_admin"));
        for u in d.users.iter().filter(|u| u.role == "technician") {
            assert!(d
                .technicians
                .iter()
                .any(|t| t.user_id.as_ref() == Some(&u.id)));
        }
        assert!(d.users.iter().any(|u| u.login == "hz.agent"));
        assert!(d.users.iter().all(|u| is_mobile(&u.phone)));

        for dealer in &d.dealers {
            assert!((18.0..54.0).contains(&dealer.lat), "{}", dealer.name);
            assert!((73.0..135.0).contains(&dealer.lon), "{}", dealer.name);
        }
    }

    fn is_mobile(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() == 11
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
            && s.chars().all(|c| c.is_ascii_digit())
    }

    #[test]
    fn some_parts_are_only_at_sister_dealers() {
        let d = generate(&opts(1, 1));
        let hz = d.dealers.iter().position(|x| x.code == "hz").unwrap() as u32;
        assert!(!d.showcase.only_at_sisters.is_empty());
        for (part_no, holders) in &d.showcase.only_at_sisters {
            let part = d.parts.iter().position(|p| &p.part_no == part_no).unwrap() as u32;
            let at: Vec<u32> = d
                .stock
                .iter()
                .filter(|s| s.part == part)
                .map(|s| s.dealer)
                .collect();
            assert!(!at.contains(&hz), "{part_no} must not be at hz");
            assert!(!at.is_empty() && at.len() <= 2, "{part_no}: {at:?}");
            assert_eq!(at.len(), holders.len());
        }
        for part_no in &d.showcase.stocked_nowhere {
            let part = d.parts.iter().position(|p| &p.part_no == part_no).unwrap() as u32;
            assert!(d.stock.iter().all(|s| s.part != part), "{part_no}");
        }
        // Uneven spread: the big Hangzhou dealer carries the widest range.
        let lines = |dealer: u32| d.stock.iter().filter(|s| s.dealer == dealer).count();
        let huz = d.dealers.iter().position(|x| x.code == "huz").unwrap() as u32;
        assert!(
            lines(hz) > lines(huz) + 50,
            "{} vs {}",
            lines(hz),
            lines(huz)
        );
        assert!(d.stock.iter().all(|s| s.on_hand > 0));
        let keys: HashSet<_> = d.stock.iter().map(|s| (s.dealer, s.part)).collect();
        assert_eq!(keys.len(), d.stock.len());
    }

    #[test]
    fn plates_and_vins_are_unique_and_valid() {
        let d = generate(&opts(3, 1));
        let plates: HashSet<_> = d.vehicles.iter().map(|v| &v.plate).collect();
        assert_eq!(plates.len(), d.vehicles.len());
        let vins: HashSet<_> = d.vehicles.iter().filter_map(|v| v.vin.as_ref()).collect();
        assert_eq!(vins.len(), d.vehicles.len());
        for v in &d.vehicles {
            let vin = v.vin.as_deref().unwrap();
            assert!(vin.starts_with('L') && vin_check_ok(vin), "{vin}");
            let serial = v.plate.chars().count();
            assert!(serial == 7 || serial == 8, "{}", v.plate);
            if serial == 8 {
                assert!(
                    v.model.starts_with("ID.") || v.model.contains("PHEV"),
                    "{}",
                    v.plate
                );
            }
        }
        assert!(d.vehicles.iter().any(|v| v.plate.chars().count() == 8));
        let zhejiang = d
            .vehicles
            .iter()
            .filter(|v| v.plate.starts_with('浙'))
            .count();
        assert!(zhejiang * 10 >= d.vehicles.len() * 9);
    }

    #[test]
    fn service_history_is_consistent() {
        let d = generate(&opts(5, 1));
        let today = opts(5, 1).today;
        let by_id: std::collections::HashMap<_, _> =
            d.vehicles.iter().map(|v| (&v.id, v)).collect();
        let mut last: std::collections::HashMap<&String, (NaiveDateTime, i32)> = Default::default();
        for visit in &d.service_visits {
            let vehicle = by_id[&visit.vehicle_id];
            assert!(visit.visited_at.date() < today);
            assert!(visit.visited_at.date() >= today - chrono::Duration::days(3 * 366));
            assert!(visit.mileage_km <= vehicle.mileage_km);
            if let Some((when, km)) = last.get(&visit.vehicle_id) {
                assert!(visit.visited_at > *when && visit.mileage_km > *km);
            }
            last.insert(&visit.vehicle_id, (visit.visited_at, visit.mileage_km));
        }
        assert!(d.service_visits.len() > d.vehicles.len());
        let part_ids: HashSet<_> = d.parts.iter().map(|p| &p.id).collect();
        assert!(!d.service_visit_parts.is_empty());
        for line in &d.service_visit_parts {
            assert!(part_ids.contains(line.part_id.as_ref().unwrap()));
            assert!(line.quantity > 0);
        }
    }

    #[test]
    fn scale_three_is_about_three_times_bigger() {
        let one = generate(&opts(11, 1));
        let three = generate(&opts(11, 3));
        let ratio = |a: usize, b: usize| b as f64 / a as f64;
        assert!((2.3..3.7).contains(&ratio(one.dealers.len(), three.dealers.len())));
        assert!((2.3..3.7).contains(&ratio(one.technicians.len(), three.technicians.len())));
        assert!((2.3..3.7).contains(&ratio(one.vehicles.len(), three.vehicles.len())));
        assert!(ratio(one.stock.len(), three.stock.len()) > 2.5);
        assert!(three.parts.len() > one.parts.len());
        let part_nos: HashSet<_> = three.parts.iter().map(|p| &p.part_no).collect();
        assert_eq!(
            part_nos.len(),
            three.parts.len(),
            "variants keep part numbers unique"
        );
        // Sign-ins stay those of the Zhejiang dealers.
        assert_eq!(one.users.len(), three.users.len());
        let codes: HashSet<_> = three.dealers.iter().map(|d| &d.code).collect();
        assert_eq!(codes.len(), three.dealers.len());
        assert!(three.dealers.iter().any(|d| d.code == "d0010"));
    }
}
