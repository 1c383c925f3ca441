//! A past of finished rescues for the demo: from the first day of last month to yesterday, each
//! Zhejiang dealer's calls walked through the real state machine with believable times — plans,
//! approvals, the timeline, the breaches the promise rules find in those times, re-plans after a
//! fault that did not match, parts from a sister dealer or the manufacturer, follow-up calls and
//! the complaints they opened — so the monthly report and the ticket list are not empty on the
//! first start. Before that month comes last year's Spring Festival: more calls, shelves run
//! empty, the manufacturer closed, so many rescues wait for a part — the past the holiday stock
//! suggestion learns from.
//!
//! Pure like the rest of `demo`: the same options give the same rows. Rows come one day at a time
//! (`Past::day`), so a long past never sits in memory whole.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;
use serde_json::json;

use super::{at, new_id, rng_for, DemoData, DemoOptions, Technician, Vehicle};
use crate::db::schema;
use crate::domain::approval::{ApprovalStep, Decision};
use crate::domain::follow_up::{ComplaintStatus, FollowUpStatus};
use crate::domain::plan::PlanStatus;
use crate::domain::promise::{late_stages, SlaConfig};
use crate::domain::response_level::ResponseLevel;
use crate::domain::sourcing::{ShippingMode, SourcingKind};
use crate::domain::sourcing_order::{Destination, OrderStatus};
use crate::domain::system_text::SystemText;
use crate::domain::ticket::{format_ticket_number, TicketStatus};
use crate::domain::workflow::{transition, Context, Event};
use crate::repo::audit::AuditRecord;
use crate::repo::plans::PlanRecord;
use crate::repo::tickets::TicketRecord;

const STREAM_HISTORY: u64 = 12;

/// China local time is UTC+8 all year: the demo's days are Beijing days.
const LOCAL_OFFSET_MIN: i64 = 8 * 60;

/// What the generated past follows of the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub sla: &'a SlaConfig,
    pub labour_fen_per_hour: i64,
    pub travel_fen_per_km: i64,
    pub number_prefix: &'a str,
    /// A score at or below this opened a complaint.
    pub complaint_at_or_below: i32,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::plan_crew)]
pub struct CrewRow {
    pub plan_id: String,
    pub technician_id: String,
    pub is_lead: bool,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::plan_items)]
pub struct ItemRow {
    pub id: String,
    pub plan_id: String,
    pub position: i32,
    pub description: String,
    pub labour_minutes: i32,
    pub rate_fen_per_hour: i64,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::plan_parts)]
pub struct PlanPartRow {
    pub id: String,
    pub plan_id: String,
    pub part_id: String,
    pub quantity: i32,
    pub unit_price_fen: i64,
    pub reserved: i32,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::approvals)]
#[diesel(treat_none_as_default_value = false)]
pub struct ApprovalRow {
    pub id: String,
    pub ticket_id: String,
    pub plan_id: String,
    pub step: ApprovalStep,
    pub decision: Decision,
    pub actor_id: String,
    pub reason: Option<String>,
    pub told_values: Option<String>,
    pub created_at: NaiveDateTime,
    pub voided_at: Option<NaiveDateTime>,
    pub void_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::part_issues)]
#[diesel(treat_none_as_default_value = false)]
pub struct IssueRow {
    pub id: String,
    pub ticket_id: String,
    pub plan_id: String,
    pub part_id: String,
    pub dealer_id: String,
    pub quantity: i32,
    pub issued_by: String,
    pub received_by: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::audit_events)]
#[diesel(treat_none_as_default_value = false)]
pub struct EventRow {
    pub id: String,
    pub dealer_id: Option<String>,
    pub ticket_id: Option<String>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub actor_id: Option<String>,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub comment: Option<String>,
    pub data: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::sla_alerts)]
#[diesel(treat_none_as_default_value = false)]
pub struct AlertRow {
    pub id: String,
    pub ticket_id: String,
    pub stage: String,
    pub kind: String,
    pub created_at: NaiveDateTime,
    pub deadline: Option<NaiveDateTime>,
    pub response_level: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::sourcing_orders)]
#[diesel(treat_none_as_default_value = false)]
pub struct OrderRow {
    pub id: String,
    pub ticket_id: String,
    pub plan_part_id: String,
    pub part_id: String,
    pub quantity: i32,
    pub kind: SourcingKind,
    pub source_dealer_id: Option<String>,
    pub mode: ShippingMode,
    pub status: OrderStatus,
    pub cost_fen: i64,
    pub eta: Option<NaiveDateTime>,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub review_note: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub destination: Destination,
    pub placed_at: Option<NaiveDateTime>,
    pub shipped_at: Option<NaiveDateTime>,
    pub received_at: Option<NaiveDateTime>,
    pub received_by: Option<String>,
    pub consumed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub held_at: Option<NaiveDateTime>,
    pub hold_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::follow_ups)]
#[diesel(treat_none_as_default_value = false)]
pub struct FollowUpRow {
    pub id: String,
    pub ticket_id: String,
    pub dealer_id: String,
    pub status: FollowUpStatus,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_try_at: Option<NaiveDateTime>,
    pub score: Option<i32>,
    pub comment: Option<String>,
    pub done_by: Option<String>,
    pub done_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::complaints)]
#[diesel(treat_none_as_default_value = false)]
pub struct ComplaintRow {
    pub id: String,
    pub ticket_id: String,
    pub dealer_id: String,
    pub follow_up_id: Option<String>,
    pub status: ComplaintStatus,
    pub summary: String,
    pub owner_id: Option<String>,
    pub opened_by: String,
    pub opened_at: NaiveDateTime,
    pub escalated_at: Option<NaiveDateTime>,
    pub closed_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub closing_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::complaint_steps)]
pub struct StepRow {
    pub id: String,
    pub complaint_id: String,
    pub note: String,
    pub taken_by: String,
    pub taken_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::ticket_counters)]
pub struct CounterRow {
    pub dealer_id: String,
    pub day: String,
    pub last_seq: i32,
}

/// One day's rows, table by table in foreign-key order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rescues {
    pub tickets: Vec<TicketRecord>,
    pub counters: Vec<CounterRow>,
    pub plans: Vec<PlanRecord>,
    pub crew: Vec<CrewRow>,
    pub items: Vec<ItemRow>,
    pub plan_parts: Vec<PlanPartRow>,
    pub approvals: Vec<ApprovalRow>,
    /// Parts handed to the crew from the dealer's shelf.
    pub issues: Vec<IssueRow>,
    pub events: Vec<EventRow>,
    pub alerts: Vec<AlertRow>,
    pub orders: Vec<OrderRow>,
    pub follow_ups: Vec<FollowUpRow>,
    pub complaints: Vec<ComplaintRow>,
    pub steps: Vec<StepRow>,
}

/// A kind of breakdown: what the caller says, what the crew does, what it may need.
struct Fault {
    says: &'static str,
    /// Repair items and their labour minutes.
    items: &'static [(&'static str, i32)],
    /// Category of the part the repair may use.
    part_category: Option<&'static str>,
    /// How often the car has to be towed instead.
    tow_share: f64,
    weight: u32,
}

const FAULTS: &[Fault] = &[
    Fault {
        says: "电瓶亏电，车辆无法启动",
        items: &[("搭电启动并检测蓄电池", 30)],
        part_category: Some("battery"),
        tow_share: 0.02,
        weight: 30,
    },
    Fault {
        says: "轮胎爆胎，无备胎或无法自行更换",
        items: &[("更换备胎并检查轮毂", 45)],
        part_category: Some("wheels_tyres"),
        tow_share: 0.05,
        weight: 22,
    },
    Fault {
        says: "燃油耗尽，停在路边",
        items: &[("送油并启动车辆", 30)],
        part_category: None,
        tow_share: 0.0,
        weight: 8,
    },
    Fault {
        says: "发动机故障灯亮，抖动严重，动力不足",
        items: &[("读取故障码并诊断", 40), ("更换点火线圈", 40)],
        part_category: Some("ignition"),
        tow_share: 0.35,
        weight: 14,
    },
    Fault {
        says: "水温过高报警，发动机舱冒白烟",
        items: &[("检查冷却系统", 40), ("更换冷却液管路", 60)],
        part_category: Some("cooling"),
        tow_share: 0.45,
        weight: 10,
    },
    Fault {
        says: "刹车异响，制动踏板发软",
        items: &[("检查制动系统", 40), ("更换制动片", 60)],
        part_category: Some("brakes"),
        tow_share: 0.3,
        weight: 8,
    },
    Fault {
        says: "仪表报警，挂不上挡",
        items: &[("读取故障码并诊断", 40)],
        part_category: Some("sensors"),
        tow_share: 0.6,
        weight: 8,
    },
];

/// What the follow-up call heard, by score.
const COMMENTS: [&[&str]; 5] = [
    &[
        "等了太久，没人告诉我技师什么时候到",
        "技师态度很差，修完还是有问题",
    ],
    &["到达时间比说的晚了一个多小时", "费用比电话里说的高"],
    &["还行，就是等的时间有点长", ""],
    &["技师很专业", "处理得挺快", ""],
    &["非常满意，技师很快就到了", "服务很好，谢谢", ""],
];

const COMPLAINT_STEPS: &[&str] = &[
    "已致电客户致歉，说明延误原因",
    "与救援技师核实现场情况",
    "为客户安排免费检测一次",
    "退还部分救援费用，客户接受",
];

const CANCEL_REASONS: &[&str] = &["客户已自行解决", "客户已联系保险公司拖车", "客户来电取消"];

/// One dealer's people and things the past draws on.
struct DealerPast<'a> {
    index: usize,
    agent: &'a str,
    lead: &'a str,
    manager: &'a str,
    director: &'a str,
    parts_desk: &'a str,
    technicians: Vec<&'a Technician>,
    vehicles: Vec<&'a Vehicle>,
    /// Rescues a day, on average.
    per_day: f64,
}

/// The demo's past, ready to be drawn one day at a time.
pub struct Past<'a> {
    data: &'a DemoData,
    seed: u64,
    today: NaiveDate,
    /// The first day of the past.
    first: NaiveDate,
    dealers: Vec<DealerPast<'a>>,
    /// Parts each dealer (by index) stocks, sorted.
    stock: Vec<Vec<u32>>,
    customers: HashMap<&'a str, (&'a str, &'a str)>,
    /// Catalogue indices per category, parts that may fly and need no review first.
    by_category: HashMap<&'a str, Vec<u32>>,
    /// The dealers (indices) of each dealer's group, in order, for the sister transfers.
    group_of: Vec<std::rc::Rc<Vec<usize>>>,
    /// The last Spring Festival over before today (local days, both ends counted).
    festival: Option<(NaiveDate, NaiveDate)>,
    /// Whether its days come before the past's first day (the demo's past of last month; a
    /// past of a given length is that many days, festival or not).
    festival_first: bool,
}

/// Streams of the Spring Festival's days when they come before the past's first day (the
/// stream index keeps the day below 4096).
const FESTIVAL_DAY_STREAMS: usize = 2048;

/// The last Spring Festival the demo's calendar knows that is over before `today`, if it is
/// within the last year (older ones the holiday stock looks at less, and the demo need not).
fn last_festival(today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    (today.year() - 1..=today.year())
        .rev()
        .filter_map(super::holidays::spring_festival_eve)
        .map(|eve| {
            (
                eve,
                eve + Duration::days(super::holidays::SPRING_FESTIVAL_DAYS - 1),
            )
        })
        .find(|(_, last)| *last < today && today - *last < Duration::days(366))
}

/// The first day of the month before `today`.
pub fn first_day(today: NaiveDate) -> NaiveDate {
    let this_month = today.with_day(1).unwrap_or(today);
    this_month
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(this_month)
}

/// The Beijing day of a UTC time.
fn local_date(utc: NaiveDateTime) -> NaiveDate {
    (utc + Duration::minutes(LOCAL_OFFSET_MIN)).date()
}

/// UTC of a Beijing local time on `day`, `minutes` after local midnight.
fn local(day: NaiveDate, minutes: i64) -> NaiveDateTime {
    at(day, minutes - LOCAL_OFFSET_MIN)
}

impl<'a> Past<'a> {
    /// The dealers that have the staff a rescue needs (the Zhejiang ones: others have no
    /// sign-ins) take part.
    pub fn new(data: &'a DemoData, opts: &DemoOptions) -> Past<'a> {
        let mut stock: Vec<Vec<u32>> = vec![Vec::new(); data.dealers.len()];
        for s in &data.stock {
            stock[s.dealer as usize].push(s.part);
        }
        Past::with_stock(data, opts, stock)
    }

    /// As `new`, with the parts each dealer stocks given (a loader that streamed the stock
    /// kept only these), indexed like `data.dealers`.
    pub fn with_stock(
        data: &'a DemoData,
        opts: &DemoOptions,
        mut stock: Vec<Vec<u32>>,
    ) -> Past<'a> {
        for s in &mut stock {
            s.sort_unstable();
        }
        let mut users: HashMap<(&str, &str), &str> = HashMap::new();
        for u in &data.users {
            users.entry((&u.dealer_id, &u.role)).or_insert(&u.id);
        }
        let user = |dealer: &'a str, role: &'static str| users.get(&(dealer, role)).copied();
        let mut techs: HashMap<&str, Vec<&Technician>> = HashMap::new();
        for t in data.technicians.iter().filter(|t| t.active) {
            techs.entry(&t.dealer_id).or_default().push(t);
        }
        let mut cars: HashMap<&str, Vec<&Vehicle>> = HashMap::new();
        for v in &data.vehicles {
            cars.entry(&v.dealer_id).or_default().push(v);
        }
        let mut groups: HashMap<&str, std::rc::Rc<Vec<usize>>> = HashMap::new();
        for (i, d) in data.dealers.iter().enumerate() {
            let g = groups.entry(&d.group_id).or_default();
            std::rc::Rc::get_mut(g).expect("not shared yet").push(i);
        }
        let group_of = data
            .dealers
            .iter()
            .map(|d| groups[d.group_id.as_str()].clone())
            .collect();
        let mut dealers = Vec::new();
        for (index, d) in data.dealers.iter().enumerate() {
            let people = (
                user(&d.id, "call_agent"),
                user(&d.id, "workshop_lead"),
                user(&d.id, "service_manager"),
                user(&d.id, "service_director"),
                user(&d.id, "parts_desk"),
            );
            let (Some(agent), Some(lead), Some(manager), Some(director), Some(parts_desk)) = people
            else {
                continue;
            };
            let technicians = techs.remove(d.id.as_str()).unwrap_or_default();
            let vehicles = cars.remove(d.id.as_str()).unwrap_or_default();
            if technicians.is_empty() || vehicles.is_empty() {
                continue;
            }
            let per_day = 0.6 + technicians.len() as f64 * 0.25;
            dealers.push(DealerPast {
                index,
                agent,
                lead,
                manager,
                director,
                parts_desk,
                technicians,
                vehicles,
                per_day,
            });
        }
        let mut by_category: HashMap<&str, Vec<u32>> = HashMap::new();
        for (i, p) in data.parts.iter().enumerate() {
            if !p.monitored && !p.dangerous_goods {
                by_category.entry(&p.category).or_default().push(i as u32);
            }
        }
        let first = match opts.shape.past_days {
            Some(days) => opts.today - Duration::days(i64::from(days.max(1))),
            None => first_day(opts.today),
        };
        Past {
            data,
            seed: opts.seed,
            today: opts.today,
            festival: last_festival(opts.today),
            festival_first: opts.shape.past_days.is_none(),
            first,
            dealers,
            stock,
            customers: data
                .customers
                .iter()
                .map(|c| (c.id.as_str(), (c.name.as_str(), c.phone.as_str())))
                .collect(),
            by_category,
            group_of,
        }
    }

    /// Whether dealer `index` stocks catalogue part `part`.
    fn stocks(&self, index: usize, part: u32) -> bool {
        self.stock[index].binary_search(&part).is_ok()
    }

    /// The days the past covers: last year's Spring Festival (when it comes before the rest and
    /// no length was asked for), then the first of last month (or the length asked) to
    /// yesterday.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let (first, today) = (self.first, self.today);
        let festival = self
            .festival
            .filter(|(_, last)| self.festival_first && *last < first)
            .into_iter()
            .flat_map(|(a, b)| a.iter_days().take_while(move |d| *d <= b));
        festival.chain(first.iter_days().take_while(move |d| *d < today))
    }

    /// Whether `day` is a day of last year's Spring Festival.
    fn in_festival(&self, day: NaiveDate) -> bool {
        self.festival.is_some_and(|(a, b)| (a..=b).contains(&day))
    }

    /// Everything before this moment (the demo's midnight, Beijing time) is the past.
    fn cutoff(&self) -> NaiveDateTime {
        local(self.today, 0) - Duration::minutes(1)
    }

    /// The rows of one day's rescues at every dealer taking part.
    pub fn day(&self, rules: &Rules<'_>, day: NaiveDate) -> Rescues {
        let mut out = Rescues::default();
        let day_no = match (day - self.first).num_days() {
            n if n >= 0 => n as usize,
            n => FESTIVAL_DAY_STREAMS + n.unsigned_abs() as usize,
        };
        let festival = self.in_festival(day);
        for d in &self.dealers {
            let mut rng = rng_for(self.seed, STREAM_HISTORY, (d.index << 12) | day_no);
            // A weekend has a few more calls (long drives), and one day in ten a storm has more.
            let mut mean = d.per_day;
            if matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
                mean *= 1.3;
            }
            if rng.gen_bool(0.1) {
                mean *= 1.8;
            }
            // The Spring Festival: families driving home and back, cold mornings.
            if festival {
                mean *= 1.6;
            }
            let count = (mean + rng.gen_range(-1.0..1.0)).round().max(0.0) as i32;
            // The last day ends early enough that every rescue of it is over by midnight.
            let latest = if day + Duration::days(1) == self.today {
                14 * 60
            } else {
                22 * 60
            };
            let mut calls: Vec<i64> = (0..count)
                .map(|_| {
                    if rng.gen_bool(0.08) {
                        rng.gen_range(0..7 * 60)
                    } else {
                        rng.gen_range(7 * 60..latest)
                    }
                })
                .filter(|m| *m < latest)
                .collect();
            calls.sort_unstable();
            for (seq, minute) in calls.iter().enumerate() {
                let call = local(day, *minute);
                let number = format_ticket_number(rules.number_prefix, day, seq as i32 + 1);
                self.rescue(&mut rng, rules, d, call, number, &mut out);
            }
            if !calls.is_empty() {
                out.counters.push(CounterRow {
                    dealer_id: self.data.dealers[d.index].id.clone(),
                    day: day.format("%Y%m%d").to_string(),
                    last_seq: calls.len() as i32,
                });
            }
        }
        out
    }

    fn rescue(
        &self,
        rng: &mut impl Rng,
        rules: &Rules<'_>,
        d: &DealerPast<'_>,
        call: NaiveDateTime,
        number: String,
        out: &mut Rescues,
    ) {
        let dealer = &self.data.dealers[d.index];
        let vehicle = d.vehicles[rng.gen_range(0..d.vehicles.len())];
        let (name, phone) = self
            .customers
            .get(vehicle.customer_id.as_str())
            .copied()
            .unwrap_or(("客户", "13800000000"));
        let fault = pick_fault(rng);
        let level: i32 = match rng.gen_range(0..100) {
            0..=11 => 1,
            12..=54 => 2,
            _ => 3,
        };
        let (dlat, dlon) = (rng.gen_range(-0.22..0.22), rng.gen_range(-0.25..0.25));
        let (lat, lon) = (round6(dealer.lat + dlat), round6(dealer.lon + dlon));
        // Road kilometres: the straight line at ~105 km a degree, a third longer by road.
        let km = ((dlat * 111.0f64).powi(2) + (dlon * 96.0f64).powi(2)).sqrt() * 1.3;
        let road = super::places::ROADS[rng.gen_range(0..super::places::ROADS.len())];
        let ticket_id = new_id(rng, call);
        let mut t = Walk {
            ticket_id: ticket_id.clone(),
            dealer_id: dealer.id.clone(),
            status: TicketStatus::New,
            crew_on_site: false,
            events: Vec::new(),
        };
        let mut now = call;
        t.note(rng, now, "ticket.created", Some(d.agent), None);

        // Some calls end before anyone leaves: the customer sorted it out or called elsewhere.
        let cancelled = rng.gen_bool(0.06);
        let mut ticket = TicketRecord {
            id: ticket_id.clone(),
            dealer_id: dealer.id.clone(),
            number,
            status: TicketStatus::New,
            call_time: call,
            customer_name: name.to_owned(),
            phone: phone.to_owned(),
            address: format!("{}市{}{}号附近", dealer.city, road, rng.gen_range(1..=1800)),
            lat: Some(lat),
            lon: Some(lon),
            source_crs: "wgs84".to_owned(),
            plate: vehicle.plate.clone(),
            model: vehicle.model.clone(),
            vin: vehicle.vin.clone(),
            mileage_km: vehicle.mileage_km,
            fault: fault.says.to_owned(),
            repaired_elsewhere: false,
            repaired_elsewhere_note: None,
            response_level: level,
            vehicle_id: Some(vehicle.id.clone()),
            customer_id: Some(vehicle.customer_id.clone()),
            created_by: d.agent.to_owned(),
            idempotency_key: None,
            request_hash: None,
            cancel_reason: None,
            expected_arrival_at: None,
            created_at: call,
            updated_at: call,
            crew_on_site: false,
            location_pending: false,
        };

        // How quick this dealer's desk is today, in minutes, by level: mostly on time, now and
        // then late enough to break a promise.
        let slow = if rng.gen_bool(0.12) { 2.2 } else { 1.0 };
        let respond = match level {
            1 => rng.gen_range(6.0..26.0),
            2 => rng.gen_range(15.0..90.0),
            _ => rng.gen_range(30.0..200.0),
        } * slow;
        now += mins(rng.gen_range(1.0..4.0));
        t.step(rng, now, Event::StartPlanning, Some(d.lead));
        if cancelled && rng.gen_bool(0.5) {
            now += mins(rng.gen_range(5.0..25.0));
            return self.cancel(rng, d, ticket, t, now, out);
        }

        // The plan: crew, items, perhaps a part.
        let crew_size = if fault.items.len() > 1 && rng.gen_bool(0.4) {
            2
        } else {
            1
        };
        let mut crew: Vec<&Technician> = Vec::new();
        while crew.len() < crew_size.min(d.technicians.len()) {
            let tech = d.technicians[rng.gen_range(0..d.technicians.len())];
            if !crew.iter().any(|c| c.id == tech.id) {
                crew.push(tech);
            }
        }
        // Over the Spring Festival more calls need a part, mostly the category's common few,
        // and a shelf stocked for an ordinary week runs empty half the time.
        let festival = self.in_festival(local_date(call));
        let part = fault.part_category.and_then(|c| {
            let parts = self.by_category.get(c)?;
            let common = if festival {
                parts.len().min(3)
            } else {
                parts.len()
            };
            rng.gen_bool(if festival { 0.85 } else { 0.55 })
                .then(|| parts[rng.gen_range(0..common)])
        });
        let lacking = part.filter(|p| !self.stocks(d.index, *p) || (festival && rng.gen_bool(0.5)));
        now = (call + mins(respond)).max(now + mins(2.0));
        let plan = self.plan(rng, rules, &t, 1, now, d, &crew, fault, part, km, out);
        t.step(rng, now, Event::SubmitPlan, Some(d.lead));

        // The sourcing order for a part the dealer lacks, placed as the plan goes in. A part
        // more than four hours away sends the car to the workshop to wait for it there.
        let mut order = lacking
            .zip(plan.line.clone())
            .map(|(p, line)| self.order(rng, d, &t, line, p, km, now));
        let part_eta = order.as_ref().and_then(|o| o.eta);
        let tow = rng.gen_bool(fault.tow_share)
            || part_eta.is_some_and(|eta| eta - now > Duration::hours(4));
        let arrive_minutes = 10.0 + km / 35.0 * 60.0 * rng.gen_range(0.9..1.4);
        let expected = now + mins(rng.gen_range(20.0..40.0) + arrive_minutes);
        ticket.expected_arrival_at = Some(expected);
        now = self.chain(rng, d, &mut t, &plan, crew[0], expected, now, out);
        if cancelled {
            now += mins(rng.gen_range(3.0..20.0));
            if let Some(o) = order {
                out.orders.push(cancelled_order(o, now));
            }
            return self.cancel(rng, d, ticket, t, now, out);
        }

        // The crew goes, with the part from the shelf issued against the approved plan.
        let tech = crew[0].user_id.as_deref();
        now += mins(rng.gen_range(3.0..25.0) * slow);
        if let (Some(p), Some(_), None) = (part, &plan.line, lacking) {
            out.issues.push(IssueRow {
                id: new_id(rng, now),
                ticket_id: t.ticket_id.clone(),
                plan_id: plan.id.clone(),
                part_id: self.data.parts[p as usize].id.clone(),
                dealer_id: t.dealer_id.clone(),
                quantity: 1,
                issued_by: d.parts_desk.to_owned(),
                received_by: Some(crew[0].id.clone()),
                created_at: now - mins(2.0),
            });
        }
        t.step(rng, now, Event::Depart, tech);
        now += mins(arrive_minutes * if slow > 1.0 { 1.5 } else { 1.0 });
        t.crew_on_site = true;
        t.step(rng, now, Event::Arrive, tech);

        // One crew in twelve finds another fault: a revised plan goes through the chain again
        // (carrying the part on order, if any).
        if rng.gen_bool(0.08) {
            now += mins(rng.gen_range(10.0..25.0));
            t.step(rng, now, Event::ReportMismatch, tech);
            now += mins(rng.gen_range(15.0..35.0));
            let reason = SystemText::SupersededBy { version: 2 }.stored();
            // This ticket's rows are the last ones written (a day holds thousands at national scale).
            for a in out
                .approvals
                .iter_mut()
                .rev()
                .take_while(|a| a.ticket_id == t.ticket_id)
            {
                a.voided_at = Some(now - mins(5.0));
                a.void_reason = Some(reason.clone());
            }
            for p in out
                .plans
                .iter_mut()
                .rev()
                .take_while(|p| p.ticket_id == t.ticket_id)
            {
                p.status = PlanStatus::Superseded;
            }
            let again = if order.is_some() {
                part
            } else {
                fault.part_category.and_then(|c| {
                    let parts = self.by_category.get(c)?;
                    let p = parts[rng.gen_range(0..parts.len())];
                    self.stocks(d.index, p).then_some(p)
                })
            };
            let plan = self.plan(rng, rules, &t, 2, now, d, &crew, fault, again, km, out);
            if let (Some(o), Some(line)) = (order.as_mut(), plan.line.clone()) {
                o.plan_part_id = line;
            }
            t.step(rng, now, Event::SubmitPlan, Some(d.lead));
            now = self.chain(rng, d, &mut t, &plan, crew[0], now, now, out);
        }

        // The work (once the part is there), or the tow.
        let ended = if tow {
            now += mins(rng.gen_range(25.0..70.0));
            t.step(rng, now, Event::TowToWorkshop, tech);
            now
        } else {
            let work: i32 = fault.items.iter().map(|(_, m)| m).sum();
            now = now.max(part_eta.unwrap_or(now));
            now += mins(f64::from(work) * rng.gen_range(0.7..1.5));
            t.step(rng, now, Event::Resolve, tech);
            now
        };
        if let Some(mut o) = order {
            finish_order(&mut o, ended, tow, d.parts_desk, self.cutoff());
            out.orders.push(o);
        }
        now += mins(rng.gen_range(20.0..180.0));
        now = now.min(self.cutoff());
        t.step(rng, now, Event::Close, Some(d.manager));
        ticket.status = t.status;
        ticket.crew_on_site = t.crew_on_site;
        ticket.updated_at = now;

        self.breaches(rng, rules, &ticket, &t, out);
        self.follow_up(rng, rules, d, &ticket, ended, out);
        out.events.append(&mut t.events);
        out.tickets.push(ticket);
    }

    /// The review, the consent call and the director's approval of `plan`; returns when the
    /// approval came.
    #[allow(clippy::too_many_arguments)]
    fn chain(
        &self,
        rng: &mut impl Rng,
        d: &DealerPast<'_>,
        t: &mut Walk,
        plan: &Made,
        lead: &Technician,
        expected: NaiveDateTime,
        mut now: NaiveDateTime,
        out: &mut Rescues,
    ) -> NaiveDateTime {
        now += mins(rng.gen_range(2.0..12.0));
        let review = (ApprovalStep::ManagerReview, Decision::Accepted);
        out.approvals
            .push(approval(rng, t, plan, now, review, d.manager, None));
        t.step(rng, now, Event::ManagerAccept, Some(d.manager));
        now += mins(rng.gen_range(3.0..15.0));
        // The plan's items are the last written.
        let first = out
            .items
            .iter()
            .rposition(|i| i.plan_id != plan.id)
            .map_or(0, |p| p + 1);
        let items: Vec<String> = out.items[first..]
            .iter()
            .map(|i| i.description.clone())
            .collect();
        let told = json!({
            "plan_version": plan.version,
            "expected_arrival_at": expected.and_utc().to_rfc3339(),
            "rescue_lead_name": lead.name,
            "rescue_lead_phone": lead.phone,
            "repair_items": items,
            "estimated_cost_fen": plan.total,
            "estimated_cost_yuan": format!("{}.{:02}", plan.total / 100, plan.total % 100),
        });
        let consent = (ApprovalStep::CustomerConsent, Decision::Agreed);
        let told = Some(told.to_string());
        out.approvals
            .push(approval(rng, t, plan, now, consent, d.manager, told));
        t.step(rng, now, Event::CustomerAgree, Some(d.manager));
        now += mins(rng.gen_range(2.0..20.0));
        let approve = (ApprovalStep::Director, Decision::Approved);
        out.approvals
            .push(approval(rng, t, plan, now, approve, d.director, None));
        t.step(rng, now, Event::DirectorApprove, Some(d.director));
        now
    }

    /// A plan version with its crew, items and part.
    #[allow(clippy::too_many_arguments)]
    fn plan(
        &self,
        rng: &mut impl Rng,
        rules: &Rules<'_>,
        t: &Walk,
        version: i32,
        at: NaiveDateTime,
        d: &DealerPast<'_>,
        crew: &[&Technician],
        fault: &Fault,
        part: Option<u32>,
        km: f64,
        out: &mut Rescues,
    ) -> Made {
        let id = new_id(rng, at);
        let mut labour = 0i64;
        for (position, (description, minutes)) in fault.items.iter().enumerate() {
            labour += i64::from(*minutes) * rules.labour_fen_per_hour / 60 * crew.len() as i64;
            out.items.push(ItemRow {
                id: new_id(rng, at),
                plan_id: id.clone(),
                position: position as i32,
                description: (*description).to_owned(),
                labour_minutes: *minutes,
                rate_fen_per_hour: rules.labour_fen_per_hour,
            });
        }
        let mut parts_fen = 0;
        let mut line = None;
        if let Some(p) = part {
            let price = self.data.parts[p as usize].price_fen;
            parts_fen = price;
            let line_id = new_id(rng, at);
            line = Some(line_id.clone());
            out.plan_parts.push(PlanPartRow {
                id: line_id,
                plan_id: id.clone(),
                part_id: self.data.parts[p as usize].id.clone(),
                quantity: 1,
                unit_price_fen: price,
                reserved: 0,
            });
        }
        // Both ways.
        let travel_km = (km * 10.0).round() / 10.0;
        let travel = (travel_km * 2.0 * rules.travel_fen_per_km as f64).round() as i64;
        for (i, c) in crew.iter().enumerate() {
            out.crew.push(CrewRow {
                plan_id: id.clone(),
                technician_id: c.id.clone(),
                is_lead: i == 0,
            });
        }
        let total = parts_fen + labour + travel;
        out.plans.push(PlanRecord {
            id: id.clone(),
            ticket_id: t.ticket_id.clone(),
            version,
            status: PlanStatus::Submitted,
            estimated_minutes: fault.items.iter().map(|(_, m)| m).sum(),
            travel_km,
            special_notes: String::new(),
            parts_fen,
            labour_fen: labour,
            travel_fen: travel,
            total_fen: total,
            created_by: d.lead.to_owned(),
            created_at: at - mins(5.0),
            submitted_at: Some(at),
        });
        Made {
            id,
            version,
            total,
            line,
        }
    }

    /// The order for a part the dealer lacks (the plan's line `line`): from the nearest-looking sister dealer that stocks
    /// it, else the manufacturer.
    #[allow(clippy::too_many_arguments)]
    fn order(
        &self,
        rng: &mut impl Rng,
        d: &DealerPast<'_>,
        t: &Walk,
        line: String,
        part: u32,
        km: f64,
        at: NaiveDateTime,
    ) -> OrderRow {
        let same: Vec<usize> = self.group_of[d.index]
            .iter()
            .copied()
            .filter(|h| *h != d.index && self.stocks(*h, part))
            .collect();
        let sister = (!same.is_empty()).then(|| same[rng.gen_range(0..same.len())]);
        let (kind, source, mode, cost) = match sister {
            Some(s) if rng.gen_bool(0.8) => {
                let drive = rng.gen_bool(0.6);
                let mode = if drive {
                    ShippingMode::Drive
                } else {
                    ShippingMode::Express
                };
                let cost = if drive {
                    ((60.0 + km) * 300.0) as i64
                } else {
                    rng.gen_range(2_500..6_000)
                };
                (
                    SourcingKind::SisterTransfer,
                    Some(self.data.dealers[s].id.clone()),
                    mode,
                    cost,
                )
            }
            _ => {
                let (mode, cost) = match rng.gen_range(0..10) {
                    0..=4 => (ShippingMode::Express, rng.gen_range(3_000..8_000)),
                    5..=7 => (ShippingMode::Air, rng.gen_range(15_000..32_000)),
                    _ => (ShippingMode::Road, rng.gen_range(1_500..4_000)),
                };
                (SourcingKind::Manufacturer, None, mode, cost)
            }
        };
        let placed = at + mins(rng.gen_range(8.0..20.0));
        let mut lead_minutes = match (kind, mode) {
            (_, ShippingMode::Drive) => rng.gen_range(50.0..130.0),
            (SourcingKind::SisterTransfer, _) => rng.gen_range(8.0 * 60.0..20.0 * 60.0),
            (_, ShippingMode::Air) => rng.gen_range(10.0 * 60.0..30.0 * 60.0),
            (_, ShippingMode::Express) => rng.gen_range(20.0 * 60.0..48.0 * 60.0),
            (_, ShippingMode::Road) => rng.gen_range(48.0 * 60.0..96.0 * 60.0),
        };
        // As the demo's calendar has it: the manufacturer's dispatch waits for the festival's
        // end, couriers take two days more.
        if let Some((_, last)) = self
            .festival
            .filter(|_| self.in_festival(local_date(placed)))
        {
            let reopens = local(last + Duration::days(1), 8 * 60);
            if kind == SourcingKind::Manufacturer {
                lead_minutes += (reopens - placed).num_minutes().max(0) as f64;
            } else if mode == ShippingMode::Express {
                lead_minutes += 48.0 * 60.0;
            }
        }
        let shipped = placed + mins(rng.gen_range(15.0..90.0_f64).min(lead_minutes / 2.0));
        let carrier = (mode != ShippingMode::Drive).then(|| "顺丰速运".to_owned());
        let tracking_no = carrier
            .as_ref()
            .map(|_| format!("SF{}", rng.gen_range(1_000_000_000u64..9_999_999_999)));
        OrderRow {
            id: new_id(rng, at),
            ticket_id: t.ticket_id.clone(),
            plan_part_id: line,
            part_id: self.data.parts[part as usize].id.clone(),
            quantity: 1,
            kind,
            source_dealer_id: source,
            mode,
            status: OrderStatus::Shipped,
            cost_fen: cost,
            eta: Some(placed + mins(lead_minutes)),
            carrier,
            tracking_no,
            reviewed_by: None,
            reviewed_at: None,
            review_note: None,
            created_by: d.parts_desk.to_owned(),
            created_at: at + mins(5.0),
            updated_at: at + mins(5.0),
            // A driver brings it to the crew; a parcel comes to the dealer.
            destination: if mode == ShippingMode::Drive {
                Destination::Site
            } else {
                Destination::Dealer
            },
            placed_at: Some(placed),
            shipped_at: Some(shipped),
            received_at: None,
            received_by: None,
            consumed_at: None,
            cancelled_at: None,
            cancel_reason: None,
            held_at: None,
            hold_reason: None,
        }
    }

    fn cancel(
        &self,
        rng: &mut impl Rng,
        d: &DealerPast<'_>,
        mut ticket: TicketRecord,
        mut t: Walk,
        now: NaiveDateTime,
        out: &mut Rescues,
    ) {
        let reason = CANCEL_REASONS[rng.gen_range(0..CANCEL_REASONS.len())];
        t.step(rng, now, Event::Cancel, Some(d.agent));
        if let Some(e) = t.events.last_mut() {
            e.comment = Some(reason.to_owned());
        }
        ticket.status = t.status;
        ticket.cancel_reason = Some(reason.to_owned());
        ticket.updated_at = now;
        out.events.append(&mut t.events);
        out.tickets.push(ticket);
    }

    /// The promises the rescue broke, found by the same rule the timer uses, recorded as the
    /// timer records a breach it found after the fact.
    fn breaches(
        &self,
        rng: &mut impl Rng,
        rules: &Rules<'_>,
        ticket: &TicketRecord,
        t: &Walk,
        out: &mut Rescues,
    ) {
        let Ok(level) = ResponseLevel::try_from(i64::from(ticket.response_level)) else {
            return;
        };
        // Read as the timer reads a finished ticket's timeline.
        let trail: Vec<AuditRecord> = t
            .events
            .iter()
            .map(|e| AuditRecord {
                id: e.id.clone(),
                action: e.action.clone(),
                from_status: e.from_status.clone(),
                to_status: e.to_status.clone(),
                comment: None,
                created_at: e.created_at,
                actor_login: None,
                actor_name: None,
                data: None,
            })
            .collect();
        let reached =
            crate::services::promises::reached(ticket.call_time, &trail, ticket.updated_at, true);
        for late in late_stages(rules.sla, ticket.call_time, level, &reached, &[]) {
            out.alerts.push(AlertRow {
                id: new_id(rng, late.reached_at),
                ticket_id: ticket.id.clone(),
                stage: late.stage.as_str().to_owned(),
                kind: "breach".to_owned(),
                created_at: late.reached_at,
                deadline: Some(late.deadline),
                response_level: Some(ticket.response_level),
            });
            out.events.push(EventRow {
                id: new_id(rng, late.reached_at),
                dealer_id: Some(ticket.dealer_id.clone()),
                ticket_id: Some(ticket.id.clone()),
                entity: "ticket".to_owned(),
                entity_id: ticket.id.clone(),
                action: crate::services::alerts::LATE.to_owned(),
                actor_id: None,
                from_status: None,
                to_status: None,
                comment: None,
                data: Some(
                    json!({
                        "stage": late.stage.as_str(),
                        "deadline": late.deadline.and_utc().to_rfc3339(),
                        "reached_at": late.reached_at.and_utc().to_rfc3339(),
                        "response_level": ticket.response_level,
                    })
                    .to_string(),
                ),
                created_at: late.reached_at,
            });
        }
    }

    /// The call after the job: most answer and are content; a low score opened a complaint,
    /// followed until the customer was satisfied.
    fn follow_up(
        &self,
        rng: &mut impl Rng,
        rules: &Rules<'_>,
        d: &DealerPast<'_>,
        ticket: &TicketRecord,
        ended: NaiveDateTime,
        out: &mut Rescues,
    ) {
        let cutoff = self.cutoff();
        let id = new_id(rng, ended);
        let done_at = (ended + mins(rng.gen_range(60.0..1200.0))).min(cutoff);
        let late = out.alerts.iter().any(|a| a.ticket_id == ticket.id);
        if rng.gen_bool(0.1) {
            out.follow_ups.push(FollowUpRow {
                id,
                ticket_id: ticket.id.clone(),
                dealer_id: ticket.dealer_id.clone(),
                status: FollowUpStatus::Unreached,
                created_at: ended,
                attempts: 3,
                next_try_at: None,
                score: None,
                comment: None,
                done_by: Some(d.agent.to_owned()),
                done_at: Some(done_at),
            });
            return;
        }
        // A broken promise lowers the score.
        let roll = rng.gen_range(0..100) - if late { 30 } else { 0 };
        let score: i32 = match roll {
            i32::MIN..=4 => 1,
            5..=11 => 2,
            12..=24 => 3,
            25..=54 => 4,
            _ => 5,
        };
        let said = COMMENTS[score as usize - 1];
        let comment = said[rng.gen_range(0..said.len())];
        let comment = (!comment.is_empty()).then(|| comment.to_owned());
        out.follow_ups.push(FollowUpRow {
            id: id.clone(),
            ticket_id: ticket.id.clone(),
            dealer_id: ticket.dealer_id.clone(),
            status: FollowUpStatus::Done,
            created_at: ended,
            attempts: 1,
            next_try_at: None,
            score: Some(score),
            comment: comment.clone(),
            done_by: Some(d.agent.to_owned()),
            done_at: Some(done_at),
        });
        if score > rules.complaint_at_or_below {
            return;
        }
        let complaint = new_id(rng, done_at);
        let mut at = done_at;
        for note in COMPLAINT_STEPS.iter().take(rng.gen_range(1..=3)) {
            at = (at + mins(rng.gen_range(60.0..900.0))).min(cutoff);
            out.steps.push(StepRow {
                id: new_id(rng, at),
                complaint_id: complaint.clone(),
                note: (*note).to_owned(),
                taken_by: d.manager.to_owned(),
                taken_at: at,
            });
        }
        let closed_at = (at + mins(rng.gen_range(30.0..600.0))).min(cutoff);
        out.complaints.push(ComplaintRow {
            id: complaint,
            ticket_id: ticket.id.clone(),
            dealer_id: ticket.dealer_id.clone(),
            follow_up_id: Some(id),
            status: ComplaintStatus::Closed,
            summary: comment.unwrap_or_else(|| COMMENTS[score as usize - 1][0].to_owned()),
            owner_id: Some(d.manager.to_owned()),
            opened_by: d.agent.to_owned(),
            opened_at: done_at,
            escalated_at: None,
            closed_by: Some(d.manager.to_owned()),
            closed_at: Some(closed_at),
            closing_note: Some("客户表示满意".to_owned()),
        });
    }
}

/// A plan version written: its id, version, total and the line of its part, if any.
struct Made {
    id: String,
    version: i32,
    total: i64,
    line: Option<String>,
}

fn approval(
    rng: &mut impl Rng,
    t: &Walk,
    plan: &Made,
    at: NaiveDateTime,
    (step, decision): (ApprovalStep, Decision),
    actor: &str,
    told_values: Option<String>,
) -> ApprovalRow {
    ApprovalRow {
        id: new_id(rng, at),
        ticket_id: t.ticket_id.clone(),
        plan_id: plan.id.clone(),
        step,
        decision,
        actor_id: actor.to_owned(),
        reason: None,
        told_values,
        created_at: at,
        voided_at: None,
        void_reason: None,
    }
}

/// A ticket being walked through the state machine, with its audit trail.
struct Walk {
    ticket_id: String,
    dealer_id: String,
    status: TicketStatus,
    crew_on_site: bool,
    events: Vec<EventRow>,
}

impl Walk {
    /// Moves by the one transition function; a step it refuses is a bug in this generator.
    fn step(&mut self, rng: &mut impl Rng, at: NaiveDateTime, event: Event, actor: Option<&str>) {
        let ctx = Context::crew(self.crew_on_site);
        let to = transition(self.status, event, ctx)
            .unwrap_or_else(|e| panic!("demo past: {e} (ticket {})", self.ticket_id));
        let from = self.status;
        self.status = to;
        self.events.push(EventRow {
            id: new_id(rng, at),
            dealer_id: Some(self.dealer_id.clone()),
            ticket_id: Some(self.ticket_id.clone()),
            entity: "ticket".to_owned(),
            entity_id: self.ticket_id.clone(),
            action: event.as_str().to_owned(),
            actor_id: actor.map(str::to_owned),
            from_status: Some(from.as_str().to_owned()),
            to_status: Some(to.as_str().to_owned()),
            comment: None,
            data: None,
            created_at: at,
        });
    }

    /// An event that moves nothing (the intake).
    fn note(
        &mut self,
        rng: &mut impl Rng,
        at: NaiveDateTime,
        action: &str,
        actor: Option<&str>,
        data: Option<String>,
    ) {
        self.events.push(EventRow {
            id: new_id(rng, at),
            dealer_id: Some(self.dealer_id.clone()),
            ticket_id: Some(self.ticket_id.clone()),
            entity: "ticket".to_owned(),
            entity_id: self.ticket_id.clone(),
            action: action.to_owned(),
            actor_id: actor.map(str::to_owned),
            from_status: None,
            to_status: Some(self.status.as_str().to_owned()),
            comment: None,
            data,
            created_at: at,
        });
    }
}

/// The rest of an order's way once the rescue ended: arrived (at its eta) and used, or to the
/// shelf for the towed car; still on the road if it arrives after the demo's today began.
fn finish_order(
    o: &mut OrderRow,
    ended: NaiveDateTime,
    towed: bool,
    desk: &str,
    cutoff: NaiveDateTime,
) {
    match o.eta.filter(|eta| *eta <= cutoff) {
        Some(arrived) => {
            o.received_at = Some(arrived);
            o.received_by = Some(desk.to_owned());
            if towed {
                o.status = OrderStatus::Received;
            } else {
                o.status = OrderStatus::Consumed;
                o.consumed_at = Some(ended.max(arrived));
            }
        }
        None => o.status = OrderStatus::Shipped,
    }
    o.updated_at = o.received_at.or(o.shipped_at).unwrap_or(o.updated_at);
}

fn cancelled_order(mut o: OrderRow, at: NaiveDateTime) -> OrderRow {
    o.status = OrderStatus::Cancelled;
    o.cancelled_at = Some(at);
    o.cancel_reason = Some(SystemText::RescueOver.stored());
    o.updated_at = at;
    o
}

fn pick_fault(rng: &mut impl Rng) -> &'static Fault {
    let total: u32 = FAULTS.iter().map(|f| f.weight).sum();
    let mut roll = rng.gen_range(0..total);
    for f in FAULTS {
        if roll < f.weight {
            return f;
        }
        roll -= f.weight;
    }
    &FAULTS[0]
}

fn mins(m: f64) -> Duration {
    Duration::seconds((m * 60.0).round() as i64)
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = schema::suspensions)]
#[diesel(treat_none_as_default_value = false)]
pub struct SuspensionRow {
    pub id: String,
    pub dealer_id: String,
    pub shape: String,
    pub centre_lat: Option<f64>,
    pub centre_lon: Option<f64>,
    pub radius_km: Option<f64>,
    pub points: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub reason: String,
    pub customer_words: Option<String>,
    pub declared_by: String,
    pub declared_at: NaiveDateTime,
    pub lifted_by: Option<String>,
    pub lifted_at: Option<NaiveDateTime>,
    pub resumed_told_at: Option<NaiveDateTime>,
}

impl Past<'_> {
    /// Last month's snow in the hills west of the first dealer: two days without service there,
    /// over and told, so the suspensions page has a past to show.
    pub fn suspension(&self) -> Option<SuspensionRow> {
        let d = self.dealers.first()?;
        let dealer = &self.data.dealers[d.index];
        let starts_at = local(first_day(self.today) + Duration::days(12), 6 * 60);
        let ends_at = starts_at + Duration::hours(40);
        let mut rng = rng_for(self.seed, STREAM_HISTORY, 1 << 30);
        Some(SuspensionRow {
            id: new_id(&mut rng, starts_at),
            dealer_id: dealer.id.clone(),
            shape: "circle".to_owned(),
            centre_lat: Some(round6(dealer.lat + 0.15)),
            centre_lon: Some(round6(dealer.lon - 0.45)),
            radius_km: Some(15.0),
            points: None,
            starts_at,
            ends_at,
            reason: "暴雪，山区道路结冰封闭".to_owned(),
            customer_words: Some("山区道路结冰，暂停救援，恢复后第一时间联系您".to_owned()),
            declared_by: d.manager.to_owned(),
            declared_at: starts_at - Duration::minutes(20),
            lifted_by: None,
            lifted_at: None,
            resumed_told_at: Some(ends_at + Duration::minutes(1)),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::demo::generate;

    fn options() -> DemoOptions {
        DemoOptions {
            seed: 20261123,
            scale: 1,
            today: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            shape: Default::default(),
        }
    }

    fn rules(sla: &SlaConfig) -> Rules<'_> {
        Rules {
            sla,
            labour_fen_per_hour: 12_000,
            travel_fen_per_km: 300,
            number_prefix: "RS",
            complaint_at_or_below: 2,
        }
    }

    fn sla() -> SlaConfig {
        crate::config::Settings::load(None, std::iter::empty())
            .expect("default settings")
            .sla
    }

    /// Every day of the past, in one set of rows.
    fn all(data: &DemoData) -> Rescues {
        let sla = sla();
        let past = Past::new(data, &options());
        let mut out = Rescues::default();
        for day in past.days() {
            let mut r = past.day(&rules(&sla), day);
            out.tickets.append(&mut r.tickets);
            out.counters.append(&mut r.counters);
            out.plans.append(&mut r.plans);
            out.crew.append(&mut r.crew);
            out.plan_parts.append(&mut r.plan_parts);
            out.approvals.append(&mut r.approvals);
            out.events.append(&mut r.events);
            out.alerts.append(&mut r.alerts);
            out.orders.append(&mut r.orders);
            out.follow_ups.append(&mut r.follow_ups);
            out.complaints.append(&mut r.complaints);
            out.steps.append(&mut r.steps);
            out.issues.append(&mut r.issues);
        }
        out
    }

    #[test]
    fn the_past_runs_from_the_first_of_last_month_to_yesterday() {
        let data = generate(&options());
        let past = Past::new(&data, &options());
        let days: Vec<NaiveDate> = past.days().collect();
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        // Last year's Spring Festival first, 除夕 to 初七.
        assert_eq!(
            days[..8],
            day(2, 16).iter_days().take(8).collect::<Vec<_>>()
        );
        assert_eq!(days[8], day(11, 1));
        assert_eq!(days.last(), Some(&day(12, 1)));
        assert_eq!(days.len(), 8 + 31);
        assert_eq!(
            first_day(NaiveDate::from_ymd_opt(2027, 1, 15).unwrap()),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
    }

    #[test]
    fn last_years_spring_festival_waits_for_parts_more_than_an_ordinary_month() {
        let data = generate(&options());
        let sla = sla();
        let past = Past::new(&data, &options());
        let (eve, last) = (
            NaiveDate::from_ymd_opt(2026, 2, 16).unwrap(),
            NaiveDate::from_ymd_opt(2026, 2, 23).unwrap(),
        );
        let (mut festival, mut november) = (Rescues::default(), Rescues::default());
        for day in past.days() {
            let mut r = past.day(&rules(&sla), day);
            let into = if day <= last {
                &mut festival
            } else {
                &mut november
            };
            into.tickets.append(&mut r.tickets);
            into.orders.append(&mut r.orders);
        }
        let per_day = |r: &Rescues, days: f64| r.tickets.len() as f64 / days;
        let held = |r: &Rescues| r.orders.len() as f64 / r.tickets.len() as f64;
        assert!(festival.tickets.len() > 20, "{}", festival.tickets.len());
        assert!(per_day(&festival, 8.0) > per_day(&november, 31.0));
        assert!(
            held(&festival) > 2.0 * held(&november),
            "{} against {}",
            held(&festival),
            held(&november)
        );
        // Every call of those days is a festival day's, in Beijing time.
        assert!(festival
            .tickets
            .iter()
            .all(|t| (eve..=last).contains(&local_date(t.call_time))));
        // A part held up by the festival: some part more than once at one dealer.
        let mut by_part: HashMap<(&str, &str), usize> = HashMap::new();
        for o in &festival.orders {
            let t = festival
                .tickets
                .iter()
                .find(|t| t.id == o.ticket_id)
                .unwrap();
            *by_part.entry((&t.dealer_id, &o.part_id)).or_default() += 1;
        }
        assert!(by_part.values().any(|n| *n >= 2), "{by_part:?}");
        // The manufacturer ships after the festival.
        let reopens = local(last + Duration::days(1), 8 * 60);
        let from_maker: Vec<&OrderRow> = festival
            .orders
            .iter()
            .filter(|o| o.kind == SourcingKind::Manufacturer)
            .collect();
        assert!(!from_maker.is_empty());
        assert!(from_maker.iter().all(|o| o.eta.unwrap() > reopens));
    }

    #[test]
    fn the_same_options_give_the_same_past() {
        let data = generate(&options());
        let sla = sla();
        let past = Past::new(&data, &options());
        let day = NaiveDate::from_ymd_opt(2026, 11, 14).unwrap();
        assert_eq!(past.day(&rules(&sla), day), past.day(&rules(&sla), day));
        let other = NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
        assert_ne!(
            past.day(&rules(&sla), day).tickets,
            past.day(&rules(&sla), other).tickets
        );
    }

    #[test]
    fn every_rescue_is_over_before_today_with_its_story_in_order() {
        let data = generate(&options());
        let r = all(&data);
        let cutoff = local(options().today, 0);
        assert!(r.tickets.len() > 300, "{} rescues", r.tickets.len());
        let mut numbers = HashSet::new();
        for t in &r.tickets {
            assert!(
                matches!(t.status, TicketStatus::Closed | TicketStatus::Cancelled),
                "{} is {:?}",
                t.number,
                t.status
            );
            assert!(numbers.insert((t.dealer_id.clone(), t.number.clone())));
            let mut story: Vec<&EventRow> = r
                .events
                .iter()
                .filter(|e| e.ticket_id.as_deref() == Some(&t.id))
                .collect();
            story.sort_by_key(|e| e.created_at);
            assert_eq!(story[0].action, "ticket.created");
            assert_eq!(story[0].created_at, t.call_time);
            let moves: Vec<&&EventRow> = story.iter().filter(|e| e.from_status.is_some()).collect();
            for pair in moves.windows(2) {
                assert!(pair[0].created_at <= pair[1].created_at, "{}", t.number);
                assert_eq!(pair[0].to_status, pair[1].from_status, "{}", t.number);
            }
            assert_eq!(
                moves.last().unwrap().to_status.as_deref(),
                Some(t.status.as_str())
            );
            assert!(story.iter().all(|e| e.created_at < cutoff), "{}", t.number);
        }
        assert!(r.follow_ups.iter().all(|f| f.done_at.unwrap() < cutoff));
        assert!(r.complaints.iter().all(|c| c.closed_at.unwrap() < cutoff));
        // The counters carry on where the past stopped.
        let seqs: usize = r.counters.iter().map(|c| c.last_seq as usize).sum();
        assert_eq!(seqs, r.tickets.len());
    }

    #[test]
    fn the_past_has_each_thing_the_report_counts() {
        let data = generate(&options());
        let r = all(&data);
        let count = |action: &str| r.events.iter().filter(|e| e.action == action).count();
        let n = r.tickets.len();
        // Breaches: some, not most.
        let late: HashSet<&str> = r.alerts.iter().map(|a| a.ticket_id.as_str()).collect();
        assert!(
            late.len() * 20 > n && late.len() * 3 < n,
            "{} of {n} late",
            late.len()
        );
        assert_eq!(count("sla.late"), r.alerts.len());
        assert!(count("site.mismatch_reported") * 40 > n, "mismatches");
        assert!(count("site.towed") * 20 > n, "tows");
        assert!(count("ticket.cancelled") * 50 > n, "cancellations");
        let each = |kind: SourcingKind, mode: ShippingMode| {
            r.orders
                .iter()
                .filter(|o| o.kind == kind && o.mode == mode)
                .count()
        };
        assert!(each(SourcingKind::SisterTransfer, ShippingMode::Drive) > 0);
        assert!(each(SourcingKind::SisterTransfer, ShippingMode::Express) > 0);
        assert!(each(SourcingKind::Manufacturer, ShippingMode::Express) > 0);
        assert!(each(SourcingKind::Manufacturer, ShippingMode::Air) > 0);
        // An order's line is a line of its ticket's plan, and a sister holds the part.
        for o in &r.orders {
            let line = r
                .plan_parts
                .iter()
                .find(|l| l.id == o.plan_part_id)
                .unwrap();
            assert_eq!(line.part_id, o.part_id);
            let plan = r.plans.iter().find(|p| p.id == line.plan_id).unwrap();
            assert_eq!(plan.ticket_id, o.ticket_id);
            if let Some(source) = &o.source_dealer_id {
                let s = data.dealers.iter().position(|d| &d.id == source).unwrap() as u32;
                let p = data.parts.iter().position(|p| p.id == o.part_id).unwrap() as u32;
                assert!(data.stock.iter().any(|x| x.dealer == s && x.part == p));
            }
        }
        // Follow-ups for every rescue that ended with the crew; low scores opened complaints.
        let finished = r
            .tickets
            .iter()
            .filter(|t| t.status == TicketStatus::Closed)
            .count();
        assert_eq!(r.follow_ups.len(), finished);
        let low = r
            .follow_ups
            .iter()
            .filter(|f| f.score.is_some_and(|s| s <= 2))
            .count();
        assert!(low > 0 && low == r.complaints.len());
        assert!(r
            .follow_ups
            .iter()
            .any(|f| f.status == FollowUpStatus::Unreached));
        assert!(r.steps.len() >= r.complaints.len());
        // Parts from the shelf were issued against a line of the plan, to its rescue lead.
        assert!(!r.issues.is_empty());
        for i in &r.issues {
            assert!(r
                .plan_parts
                .iter()
                .any(|l| l.plan_id == i.plan_id && l.part_id == i.part_id));
            assert!(r.crew.iter().any(|c| c.plan_id == i.plan_id
                && c.is_lead
                && Some(&c.technician_id) == i.received_by.as_ref()));
        }
        // One plan of record per ticket that got one; superseded ones had their approvals voided.
        for p in r
            .plans
            .iter()
            .filter(|p| p.status == PlanStatus::Superseded)
        {
            assert!(r
                .approvals
                .iter()
                .filter(|a| a.plan_id == p.id)
                .all(|a| a.voided_at.is_some()));
        }
    }

    #[test]
    fn the_breaches_are_those_the_promise_rules_find() {
        let data = generate(&options());
        let r = all(&data);
        let sla = sla();
        for a in &r.alerts {
            let t = r.tickets.iter().find(|t| t.id == a.ticket_id).unwrap();
            let level = ResponseLevel::try_from(i64::from(t.response_level)).unwrap();
            let stage = crate::domain::promise::Stage::parse(&a.stage).unwrap();
            let deadline = t.call_time + sla.target(level, stage);
            assert_eq!(a.deadline, Some(deadline), "{}", t.number);
            assert!(a.created_at > deadline);
        }
    }
}
