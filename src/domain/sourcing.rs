//! Finding a part the dealer lacks (exception A): sister-dealer transfers and manufacturer emergency orders, ranked by arrival at the rescue site, recommended by response level, under the shipping rules (dangerous goods never fly; monitored parts need a review).

use std::cmp::Ordering;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::eta;
use super::holiday::{Calendar, Channel, Delay};
use super::location::Coordinates;
use super::response_level::ResponseLevel;
use crate::i18n::{Locale, Msg};

/// How a part travels. Stored as the lower-case name (`drive`, `road`, …).
///
/// The derived order (fastest-feeling first) is only a last tie-break in the
/// ranking, so that equal options always come out in the same order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(utoipa::ToSchema)]
pub enum ShippingMode {
    /// A sister dealer's van drives the part straight to the site (专车送达).
    Drive,
    /// Road freight (汽运): manufacturer orders only.
    Road,
    /// Express courier (快递).
    Express,
    /// Air freight (空运).
    Air,
}

impl ShippingMode {
    pub const ALL: [ShippingMode; 4] = [Self::Drive, Self::Road, Self::Express, Self::Air];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Drive => "drive",
            Self::Road => "road",
            Self::Express => "express",
            Self::Air => "air",
        }
    }

    /// Inverse of [`ShippingMode::as_str`], for database text and form values.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The catalogue key of this mode's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Drive => "label-shipping-mode-drive",
            Self::Road => "label-shipping-mode-road",
            Self::Express => "label-shipping-mode-express",
            Self::Air => "label-shipping-mode-air",
        }
    }

    /// Whether the part goes on an aircraft, which is what the dangerous-goods rule is about.
    pub fn flies(self) -> bool {
        matches!(self, Self::Air)
    }
}

/// Where the part comes from. Stored as `sister_transfer` / `manufacturer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum SourcingKind {
    /// 兄弟4S店调货
    SisterTransfer,
    /// 厂家紧急订单
    Manufacturer,
}

impl SourcingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SisterTransfer => "sister_transfer",
            Self::Manufacturer => "manufacturer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::SisterTransfer, Self::Manufacturer]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The catalogue key of this kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::SisterTransfer => "label-sourcing-kind-sister-transfer",
            Self::Manufacturer => "label-sourcing-kind-manufacturer",
        }
    }
}

/// A shipping rule that forbids a choice. Serialised as
/// `{"code": "dangerous_goods_no_air", "un_number": "UN3268"}` so the page and
/// the API can both explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code")]
pub enum RuleRefusal {
    #[serde(rename = "dangerous_goods_no_air")]
    DangerousGoodsNoAir { un_number: Option<String> },
    #[serde(rename = "monitored_part_review_required")]
    ReviewRequired,
}

impl std::fmt::Display for RuleRefusal {
    /// The Chinese message, for logs; users read [`RuleRefusal::msg`] in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(Locale::ZhCn))
    }
}

impl std::error::Error for RuleRefusal {}

impl RuleRefusal {
    /// Stable snake_case code for the API and for tests.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DangerousGoodsNoAir { .. } => "dangerous_goods_no_air",
            Self::ReviewRequired => "monitored_part_review_required",
        }
    }

    /// What is refused, for the staff.
    pub fn msg(&self) -> Msg {
        match self {
            Self::DangerousGoodsNoAir { .. } => Msg::new("dom-sourcing-dangerous-goods-no-air"),
            Self::ReviewRequired => Msg::new("dom-sourcing-review-required"),
        }
    }

    /// What the service manager tells the customer about the slower part.
    pub fn customer_sentence(&self) -> Msg {
        match self {
            Self::DangerousGoodsNoAir { .. } => Msg::new("dom-sourcing-customer-dangerous-goods"),
            Self::ReviewRequired => Msg::new("dom-sourcing-customer-monitored"),
        }
    }
}

/// The catalogue facts about a part that the shipping rules and the costs need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartFacts {
    pub part_id: String,
    pub part_no: String,
    pub name_zh: String,
    pub dangerous_goods: bool,
    /// e.g. `UN3268` (airbag modules), `UN2794` (wet lead-acid batteries).
    pub un_number: Option<String>,
    /// 监控件: keys, immobilisers, ECUs.
    pub monitored: bool,
    /// Shipping weight of one piece in grams; 0 or less counts as the 1 kg minimum.
    pub weight_g: i32,
}

impl PartFacts {
    /// A UN number on its own is enough: refusing a flight because the flag was
    /// left unticked on import is cheap; an airbag on a passenger plane is not.
    pub fn is_dangerous_goods(&self) -> bool {
        self.dangerous_goods
            || self
                .un_number
                .as_deref()
                .is_some_and(|un| !un.trim().is_empty())
    }
}

/// A sister dealer with stock of the part. The service layer leaves out the
/// dealer that is itself short of the part.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub dealer_id: String,
    pub dealer_name: String,
    pub position: Coordinates,
    /// On hand minus reserved at that dealer.
    pub available: i32,
}

/// What the rescue needs: how many, where, and the clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub quantity: i32,
    pub site: Coordinates,
    /// Naive UTC, like every timestamp in the database.
    pub now: NaiveDateTime,
    /// Carried so callers can pass `need.level` to [`recommend`]; the options
    /// themselves do not depend on it.
    pub level: ResponseLevel,
    /// When the crew is expected on site; a part arriving earlier does not fix the car sooner.
    pub crew_arrival: NaiveDateTime,
}

/// One way to get the part to the site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourcingOption {
    pub kind: SourcingKind,
    /// `None` for a manufacturer order.
    pub source_dealer_id: Option<String>,
    /// The sister dealer's name, or [`SourcingConfig::manufacturer_name`].
    pub source_name: String,
    pub mode: ShippingMode,
    /// Estimated road distance from the sister dealer to the site; `None` for the manufacturer.
    pub distance_km: Option<f64>,
    /// Minutes from `need.now` to arrival at the site.
    pub lead_minutes: i64,
    /// UTC, written with its zone like every time in the API.
    #[serde(serialize_with = "crate::time::utc")]
    pub arrives_at: NaiveDateTime,
    /// The later of the crew's and the part's arrival: when the repair can start.
    #[serde(serialize_with = "crate::time::utc")]
    pub fix_at: NaiveDateTime,
    /// Logistics cost (freight, courier, van, emergency fee), not the part's price,
    /// which is the same whichever way it comes.
    pub cost_fen: i64,
    /// `false` when a shipping rule forbids this option; it is still listed so
    /// the page can say why the faster way is not available.
    pub allowed: bool,
    pub refusal: Option<RuleRefusal>,
    /// Monitored part: a recorded review must precede placing the order.
    pub needs_review: bool,
    /// The holidays that make this way slower than usual (arrival already includes them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<Delay>,
}

/// Transport figures for sourcing, all in `[sourcing]` of the configuration.
/// Flat keys so each can be overridden as `RESCUEDESK__SOURCING__KEY`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcingConfig {
    /// Road distance = great-circle distance × this (1.0–3.0). 1.3 suits the
    /// Yangtze-delta expressway network.
    pub road_factor: f64,

    /// Minutes for the sister dealer to pick the part and get a van and driver on the road.
    pub drive_handling_minutes: u32,
    /// Average van speed door to door, mixing expressway and city streets, in km/h.
    pub drive_speed_kmh: u32,
    /// Charged per road kilometre of the one-way distance (billed in whole km,
    /// rounded up); covers fuel, tolls and the driver's return trip. There is no
    /// distance limit: a drive-over is offered wherever it arrives before the
    /// courier and the plane from the same dealer, and this price keeps a long
    /// one from being chosen where time is not worth it.
    pub drive_cost_fen_per_km: u32,

    /// Hours for the sister dealer to pack the part and hand it to the courier.
    pub express_handling_hours: u32,
    /// Courier lead time bands by road distance: up to `express_near_km` …
    pub express_near_km: u32,
    /// … takes `express_near_lead_hours` (same or next province, next morning) …
    pub express_near_lead_hours: u32,
    /// … up to `express_mid_km` …
    pub express_mid_km: u32,
    /// … takes `express_mid_lead_hours` …
    pub express_mid_lead_hours: u32,
    /// … and anything farther `express_far_lead_hours`.
    pub express_far_lead_hours: u32,
    /// Courier price for the first (or only) kilogram (首重).
    pub express_first_kg_fen: u32,
    /// Courier price for each further started kilogram (续重).
    pub express_extra_kg_fen: u32,

    /// Hours to pack and get the part to the airport before the cargo cut-off.
    pub air_handling_hours: u32,
    /// Flight plus delivery from the destination airport to the site.
    pub air_lead_hours: u32,
    pub air_first_kg_fen: u32,
    pub air_extra_kg_fen: u32,

    /// Shown as the source of manufacturer orders, e.g. the brand's parts centre.
    pub manufacturer_name: String,
    /// Flat surcharge the manufacturer adds to any emergency order (紧急订单附加费).
    pub manufacturer_emergency_fee_fen: u32,
    /// Order to arrival at the site by road freight (汽运), in hours.
    pub manufacturer_road_lead_hours: u32,
    pub manufacturer_road_first_kg_fen: u32,
    pub manufacturer_road_extra_kg_fen: u32,
    /// Order to arrival by express courier (快递), in hours.
    pub manufacturer_express_lead_hours: u32,
    pub manufacturer_express_first_kg_fen: u32,
    pub manufacturer_express_extra_kg_fen: u32,
    /// Order to arrival by air (空运), in hours.
    pub manufacturer_air_lead_hours: u32,
    pub manufacturer_air_first_kg_fen: u32,
    pub manufacturer_air_extra_kg_fen: u32,

    /// The consent call offers towing to the workshop when a missing part would keep the
    /// car unrepaired more than this many hours after the crew arrives (or nobody can say
    /// when it comes): crew and customer would wait at the roadside that long otherwise.
    pub tow_offer_wait_hours: u32,
}

impl Default for SourcingConfig {
    /// Figures for a Zhejiang dealer group in 2025: SF-style courier tariffs,
    /// a 3-day manufacturer road-freight run, about 4 yuan per van kilometre.
    fn default() -> Self {
        Self {
            road_factor: eta::DEFAULT_ROAD_FACTOR,
            drive_handling_minutes: 20,
            drive_speed_kmh: 60,
            drive_cost_fen_per_km: 400,
            express_handling_hours: 2,
            express_near_km: 300,
            express_near_lead_hours: 12,
            express_mid_km: 1000,
            express_mid_lead_hours: 24,
            express_far_lead_hours: 36,
            express_first_kg_fen: 2300,
            express_extra_kg_fen: 1000,
            air_handling_hours: 2,
            air_lead_hours: 8,
            air_first_kg_fen: 6000,
            air_extra_kg_fen: 2000,
            manufacturer_name: "厂家".to_owned(),
            manufacturer_emergency_fee_fen: 5000,
            manufacturer_road_lead_hours: 72,
            manufacturer_road_first_kg_fen: 3000,
            manufacturer_road_extra_kg_fen: 200,
            manufacturer_express_lead_hours: 36,
            manufacturer_express_first_kg_fen: 3000,
            manufacturer_express_extra_kg_fen: 1000,
            manufacturer_air_lead_hours: 18,
            manufacturer_air_first_kg_fen: 8000,
            manufacturer_air_extra_kg_fen: 2500,
            tow_offer_wait_hours: 4,
        }
    }
}

/// A configuration value serde accepts but the rules cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SourcingConfigError {
    /// The key inside `[sourcing]`.
    pub field: &'static str,
    pub message: &'static str,
}

impl SourcingConfig {
    /// Rules serde cannot express; call it when loading the settings.
    pub fn validate(&self) -> Result<(), SourcingConfigError> {
        let bad = |field, message| Err(SourcingConfigError { field, message });
        if !(self.road_factor.is_finite() && (1.0..=3.0).contains(&self.road_factor)) {
            return bad("road_factor", "must be between 1.0 and 3.0");
        }
        if self.drive_speed_kmh == 0 {
            return bad("drive_speed_kmh", "must be at least 1");
        }
        if self.express_near_km > self.express_mid_km {
            return bad("express_near_km", "must not exceed express_mid_km");
        }
        if self.express_near_lead_hours > self.express_mid_lead_hours
            || self.express_mid_lead_hours > self.express_far_lead_hours
        {
            return bad(
                "express_mid_lead_hours",
                "lead hours must not shrink with distance (near <= mid <= far)",
            );
        }
        if self.manufacturer_name.trim().is_empty() {
            return bad("manufacturer_name", "must not be empty");
        }
        Ok(())
    }

    fn express_lead_hours(&self, road_km: f64) -> u32 {
        if road_km <= f64::from(self.express_near_km) {
            self.express_near_lead_hours
        } else if road_km <= f64::from(self.express_mid_km) {
            self.express_mid_lead_hours
        } else {
            self.express_far_lead_hours
        }
    }
}

/// Every way to get `need.quantity` of `part` to the site, best first.
///
/// - A sister dealer is a candidate only if it can cover the whole quantity:
///   one leg per part line keeps reservation, tracking and receipt simple.
/// - Drive-over from a sister dealer whenever it arrives before every other
///   allowed way from that dealer (courier, and air unless the part may not fly),
///   at any distance: a driver 184 km away is there in under four hours while a
///   plane needs ten. Where it does not beat them it is left out: nobody sends a
///   van to arrive after the courier.
/// - Air for dangerous goods is listed with `allowed: false` and the refusal,
///   never left out silently: the parts desk sees why the fast way is closed
///   and has the sentence for the customer, and [`recommend`] never picks it.
/// - Monitored parts: every option has `needs_review`.
/// - Order: allowed first, then earliest arrival, cheapest, nearest, then
///   sister before manufacturer, mode, dealer id, so equal inputs always give
///   the same list.
///
/// Every arrival is reckoned with the holiday calendar: a way that stops over a holiday waits
/// it out, a slower one takes its extra hours (see [`Calendar::arrival`]).
///
/// A quantity of zero or less needs nothing and gives an empty list.
pub fn options(
    part: &PartFacts,
    need: &Need,
    candidates: &[Candidate],
    cfg: &SourcingConfig,
    calendar: &Calendar,
) -> Vec<SourcingOption> {
    if need.quantity <= 0 {
        return Vec::new();
    }
    let kg = chargeable_kg(part.weight_g, need.quantity);
    let ask = Ask {
        part,
        need,
        calendar,
    };
    let mut out = Vec::new();

    for c in candidates.iter().filter(|c| c.available >= need.quantity) {
        let km = eta::road_km(&c.position, &need.site, cfg.road_factor);
        let sister = |mode, lead_minutes, cost_fen| {
            build(
                &ask,
                Source::Sister(c),
                mode,
                Some(km),
                lead_minutes,
                cost_fen,
            )
        };
        // Saturating: a mistyped huge figure must not overflow; validate() does not cap hours.
        let express_hours = cfg
            .express_handling_hours
            .saturating_add(cfg.express_lead_hours(km));
        let express = sister(
            ShippingMode::Express,
            hours_to_minutes(express_hours),
            tariff(cfg.express_first_kg_fen, cfg.express_extra_kg_fen, kg),
        );
        let air = sister(
            ShippingMode::Air,
            hours_to_minutes(cfg.air_handling_hours.saturating_add(cfg.air_lead_hours)),
            tariff(cfg.air_first_kg_fen, cfg.air_extra_kg_fen, kg),
        );
        if let Some(drive) = eta::drive_time(km, cfg.drive_speed_kmh) {
            let lead = i64::from(cfg.drive_handling_minutes).saturating_add(drive.num_minutes());
            // km is finite and non-negative here, so the cast is exact enough.
            let billed_km = km.ceil() as i64;
            let cost = billed_km.saturating_mul(i64::from(cfg.drive_cost_fen_per_km));
            let drive = sister(ShippingMode::Drive, lead, cost);
            // Compared on lead minutes (holidays included), not clock times, so a clock
            // saturated at its end does not make every option arrive "at the same time".
            let beaten_by = [&express, &air]
                .into_iter()
                .filter(|o| o.allowed)
                .map(|o| o.lead_minutes)
                .min();
            if beaten_by.is_none_or(|other| drive.lead_minutes < other) {
                out.push(drive);
            }
        }
        out.push(express);
        out.push(air);
    }

    let fee = i64::from(cfg.manufacturer_emergency_fee_fen);
    for (mode, hours, first, extra) in [
        (
            ShippingMode::Road,
            cfg.manufacturer_road_lead_hours,
            cfg.manufacturer_road_first_kg_fen,
            cfg.manufacturer_road_extra_kg_fen,
        ),
        (
            ShippingMode::Express,
            cfg.manufacturer_express_lead_hours,
            cfg.manufacturer_express_first_kg_fen,
            cfg.manufacturer_express_extra_kg_fen,
        ),
        (
            ShippingMode::Air,
            cfg.manufacturer_air_lead_hours,
            cfg.manufacturer_air_first_kg_fen,
            cfg.manufacturer_air_extra_kg_fen,
        ),
    ] {
        out.push(build(
            &ask,
            Source::Manufacturer(&cfg.manufacturer_name),
            mode,
            None,
            hours_to_minutes(hours),
            fee.saturating_add(tariff(first, extra, kg)),
        ));
    }

    out.sort_by(rank);
    out
}

enum Source<'a> {
    Sister(&'a Candidate),
    Manufacturer(&'a str),
}

/// What every option of one request is built from.
struct Ask<'a> {
    part: &'a PartFacts,
    need: &'a Need,
    calendar: &'a Calendar,
}

fn build(
    ask: &Ask<'_>,
    source: Source<'_>,
    mode: ShippingMode,
    distance_km: Option<f64>,
    lead_minutes: i64,
    cost_fen: i64,
) -> SourcingOption {
    let Ask {
        part,
        need,
        calendar,
    } = *ask;
    let (kind, source_dealer_id, source_name) = match source {
        Source::Sister(c) => (
            SourcingKind::SisterTransfer,
            Some(c.dealer_id.clone()),
            c.dealer_name.clone(),
        ),
        Source::Manufacturer(name) => (SourcingKind::Manufacturer, None, name.to_owned()),
    };
    let carrier = match mode {
        ShippingMode::Drive => Channel::Drive,
        ShippingMode::Road => Channel::Road,
        ShippingMode::Express => Channel::Express,
        ShippingMode::Air => Channel::Air,
    };
    let (arrives_at, holidays) = match kind {
        SourcingKind::Manufacturer => {
            calendar.arrival(need.now, lead_minutes, &[Channel::Manufacturer, carrier])
        }
        SourcingKind::SisterTransfer => calendar.arrival(need.now, lead_minutes, &[carrier]),
    };
    let lead_minutes = if holidays.is_empty() {
        lead_minutes
    } else {
        (arrives_at - need.now).num_minutes()
    };
    let refusal = check_choice(part, mode).err();
    SourcingOption {
        kind,
        source_dealer_id,
        source_name,
        mode,
        distance_km,
        lead_minutes,
        holidays,
        arrives_at,
        fix_at: arrives_at.max(need.crew_arrival),
        cost_fen,
        allowed: refusal.is_none(),
        refusal,
        needs_review: part.monitored,
    }
}

fn hours_to_minutes(hours: u32) -> i64 {
    i64::from(hours) * 60
}

/// Couriers bill started kilograms with a 1 kg minimum.
fn chargeable_kg(weight_g: i32, quantity: i32) -> i64 {
    let grams = i64::from(weight_g.max(0)) * i64::from(quantity.max(0));
    ((grams + 999) / 1000).max(1)
}

/// 首重 + 续重: first kilogram, then each further started kilogram.
fn tariff(first_kg_fen: u32, extra_kg_fen: u32, kg: i64) -> i64 {
    i64::from(first_kg_fen)
        .saturating_add(i64::from(extra_kg_fen).saturating_mul(kg.saturating_sub(1)))
}

/// The list order; see [`options`].
fn rank(a: &SourcingOption, b: &SourcingOption) -> Ordering {
    b.allowed
        .cmp(&a.allowed)
        .then(a.arrives_at.cmp(&b.arrives_at))
        .then(a.cost_fen.cmp(&b.cost_fen))
        .then_with(|| match (a.distance_km, b.distance_km) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            // A known nearby dealer before an unknown manufacturer warehouse.
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then(a.kind.cmp(&b.kind))
        .then(a.mode.cmp(&b.mode))
        .then_with(|| a.source_dealer_id.cmp(&b.source_dealer_id))
}

/// Level 2 accepts a later option if the repair can still start within this
/// many minutes of the earliest option's …
pub const SERIOUS_SLACK_MINUTES: i64 = 120;
/// … and it costs at most this percentage of the earliest option's cost.
pub const SERIOUS_MAX_COST_PERCENT: i64 = 50;
/// Level 3 takes the cheapest option arriving within this many minutes of now:
/// the plans promise every service problem solved within 24 hours.
pub const GENERAL_WINDOW_MINUTES: i64 = 24 * 60;

/// The manufacturer transport modes in order of preference for a level; the
/// first one the shipping rules allow is the default.
fn manufacturer_preference(level: ResponseLevel) -> [ShippingMode; 3] {
    use ShippingMode::*;
    match level {
        ResponseLevel::Major => [Air, Express, Road],
        ResponseLevel::Serious => [Express, Air, Road],
        ResponseLevel::General => [Road, Express, Air],
    }
}

/// The default manufacturer transport for a level: 1 → air (express for
/// dangerous goods), 2 → express, 3 → road.
pub fn manufacturer_default_mode(level: ResponseLevel, dangerous_goods: bool) -> ShippingMode {
    manufacturer_preference(level)
        .into_iter()
        .find(|m| !(dangerous_goods && m.flies()))
        .unwrap_or(ShippingMode::Road)
}

/// The option to propose, or `None` when no option is allowed.
///
/// Candidates are the allowed sister options plus the manufacturer option in
/// the level's default mode (the level sets the urgency of a manufacturer
/// order; the other manufacturer modes stay on the list for a manual choice),
/// or in the mode that arrives no later for no more money when one does (a
/// holiday that slows couriers but not road freight).
/// Among them:
/// - **Level 1 (major):** the earliest arrival, whatever it costs.
/// - **Level 2 (serious):** the earliest arrival, unless another option lets
///   the repair start no more than 2 hours after the earliest one would
///   (compared on `fix_at`, since a part waiting for the crew gains nothing)
///   and costs at most half as much; then the cheapest such option.
/// - **Level 3 (general):** the cheapest option arriving within 24 hours of
///   now; if none does, the earliest arrival.
///
/// Ties are broken by the list order of [`options`]; the input order does not matter.
pub fn recommend(options: &[SourcingOption], level: ResponseLevel) -> Option<&SourcingOption> {
    let manufacturer = |o: &&SourcingOption| o.kind == SourcingKind::Manufacturer && o.allowed;
    let default_mode = manufacturer_preference(level)
        .into_iter()
        .find(|&mode| options.iter().filter(manufacturer).any(|o| o.mode == mode));
    // A holiday can make the level's mode both later and dearer than another (couriers slowed,
    // road freight running): nobody pays more to wait longer, so the one that beats it on both
    // stands in for it.
    let manufacturer_mode = default_mode.map(|mode| {
        let Some(default) = options.iter().filter(manufacturer).find(|o| o.mode == mode) else {
            return mode;
        };
        options
            .iter()
            .filter(manufacturer)
            .filter(|o| o.arrives_at <= default.arrives_at && o.cost_fen <= default.cost_fen)
            .min_by(|a, b| rank(a, b))
            .map_or(mode, |o| o.mode)
    });
    let mut candidates: Vec<&SourcingOption> = options
        .iter()
        .filter(|o| {
            o.allowed
                && match o.kind {
                    SourcingKind::SisterTransfer => true,
                    SourcingKind::Manufacturer => Some(o.mode) == manufacturer_mode,
                }
        })
        .collect();
    candidates.sort_by(|a, b| rank(a, b));
    let earliest = *candidates.first()?;
    let chosen = match level {
        ResponseLevel::Major => None,
        ResponseLevel::Serious => {
            let latest_fix = eta::after_minutes(earliest.fix_at, SERIOUS_SLACK_MINUTES);
            cheapest_of(
                candidates
                    .iter()
                    .copied()
                    .filter(|o| {
                        o.fix_at <= latest_fix
                            && o.cost_fen.saturating_mul(100)
                                <= earliest.cost_fen.saturating_mul(SERIOUS_MAX_COST_PERCENT)
                    })
                    .collect(),
            )
        }
        ResponseLevel::General => cheapest_of(
            candidates
                .iter()
                .copied()
                .filter(|o| o.lead_minutes <= GENERAL_WINDOW_MINUTES)
                .collect(),
        ),
    };
    Some(chosen.unwrap_or(earliest))
}

fn cheapest_of(pool: Vec<&SourcingOption>) -> Option<&SourcingOption> {
    pool.into_iter()
        .min_by(|a, b| a.cost_fen.cmp(&b.cost_fen).then_with(|| rank(a, b)))
}

/// Whether the shipping rules let `part` travel by `mode`: air is refused for
/// dangerous goods, whoever asks.
pub fn check_choice(part: &PartFacts, mode: ShippingMode) -> Result<(), RuleRefusal> {
    if mode.flies() && part.is_dangerous_goods() {
        return Err(RuleRefusal::DangerousGoodsNoAir {
            un_number: part.un_number.clone(),
        });
    }
    Ok(())
}

/// The check before an order is placed: the shipping rule, then the review a
/// monitored part needs (`reviewed` = a review with VIN and owner checked is recorded).
pub fn check_placement(
    part: &PartFacts,
    mode: ShippingMode,
    reviewed: bool,
) -> Result<(), RuleRefusal> {
    check_choice(part, mode)?;
    if part.monitored && !reviewed {
        return Err(RuleRefusal::ReviewRequired);
    }
    Ok(())
}

/// Whether the consent call should offer towing instead of a repair at the roadside: the repair
/// could start more than `tow_offer_wait_hours` after the crew arrives, or (`fix_at` = `None`)
/// a missing part has no source and nobody can say when.
pub fn towing_is_better(
    crew_arrival: NaiveDateTime,
    fix_at: Option<NaiveDateTime>,
    cfg: &SourcingConfig,
) -> bool {
    match fix_at {
        None => true,
        Some(fix) => {
            eta::minutes_between(crew_arrival, fix) > hours_to_minutes(cfg.tow_offer_wait_hours)
        }
    }
}

/// When the repair can start: the later of the crew's arrival and the last
/// part's arrival, with the part number holding it up, or `None` when the
/// crew is the limit (also when the last part arrives exactly with the crew).
/// Among parts arriving at the same last moment the smallest part number is
/// named, so the answer does not depend on the order of the lines.
pub fn earliest_fix(
    crew_arrival: NaiveDateTime,
    parts: &[(String, NaiveDateTime)],
) -> (NaiveDateTime, Option<String>) {
    let last = parts
        .iter()
        .max_by(|(a_no, a_at), (b_no, b_at)| a_at.cmp(b_at).then_with(|| b_no.cmp(a_no)));
    match last {
        Some((part_no, at)) if *at > crew_arrival => (*at, Some(part_no.clone())),
        _ => (crew_arrival, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::location::Crs;
    use chrono::NaiveDate;
    use ShippingMode::{Air, Drive, Express, Road};

    fn day(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 3, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    /// 2025-03-10, the day of the breakdown.
    fn t(h: u32, m: u32) -> NaiveDateTime {
        day(10, h, m)
    }

    fn at(lat: f64, lon: f64) -> Coordinates {
        Coordinates::parse(lat, lon, Crs::Wgs84).unwrap()
    }

    // Real city-centre positions of a Zhejiang dealer group plus Shanghai.
    const HZ: (f64, f64) = (30.2741, 120.1551);
    const SX: (f64, f64) = (30.0303, 120.5802);
    const NB: (f64, f64) = (29.8683, 121.5440);
    const WZ: (f64, f64) = (28.0006, 120.6994);
    const SH: (f64, f64) = (31.2304, 121.4737);
    /// Breakdown on the G92 Hangzhou Bay ring expressway near Shangyu.
    const SITE: (f64, f64) = (30.05, 120.87);

    fn dealer(id: &str, name: &str, pos: (f64, f64), available: i32) -> Candidate {
        Candidate {
            dealer_id: id.into(),
            dealer_name: name.into(),
            position: at(pos.0, pos.1),
            available,
        }
    }

    fn network() -> Vec<Candidate> {
        vec![
            dealer("D-HZ", "杭州西湖4S店", HZ, 2),
            dealer("D-SX", "绍兴越城4S店", SX, 1),
            dealer("D-NB", "宁波鄞州4S店", NB, 5),
            dealer("D-WZ", "温州鹿城4S店", WZ, 1),
            dealer("D-SH", "上海浦东4S店", SH, 3),
        ]
    }

    fn headlamp() -> PartFacts {
        PartFacts {
            part_id: "p-1".into(),
            part_no: "5G0941005".into(),
            name_zh: "左前大灯总成".into(),
            dangerous_goods: false,
            un_number: None,
            monitored: false,
            weight_g: 3500,
        }
    }

    fn airbag() -> PartFacts {
        PartFacts {
            part_id: "p-2".into(),
            part_no: "5G0880201".into(),
            name_zh: "驾驶员安全气囊".into(),
            dangerous_goods: true,
            un_number: Some("UN3268".into()),
            monitored: false,
            weight_g: 1200,
        }
    }

    fn battery() -> PartFacts {
        PartFacts {
            part_id: "p-3".into(),
            part_no: "000915105".into(),
            name_zh: "铅酸蓄电池 12V 60Ah".into(),
            dangerous_goods: true,
            un_number: Some("UN2794".into()),
            monitored: false,
            weight_g: 16_000,
        }
    }

    fn ecu() -> PartFacts {
        PartFacts {
            part_id: "p-4".into(),
            part_no: "04E906027".into(),
            name_zh: "发动机控制单元".into(),
            dangerous_goods: false,
            un_number: None,
            monitored: true,
            weight_g: 800,
        }
    }

    fn need(quantity: i32, level: ResponseLevel) -> Need {
        Need {
            quantity,
            site: at(SITE.0, SITE.1),
            now: t(9, 0),
            level,
            crew_arrival: t(10, 30),
        }
    }

    /// The haversine formula written out, independent of geo and of location.rs.
    fn hand_haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
        let r = 6371.0088;
        let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
        let dp = p2 - p1;
        let dl = (b.1 - a.1).to_radians();
        let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * r * h.sqrt().asin()
    }

    #[test]
    fn network_distances_are_hand_checked() {
        let site = at(SITE.0, SITE.1);
        // Great-circle km to the site, from hand_haversine_km (R = 6371.0088 km),
        // and road km = × 1.3; the drive minutes at 60 km/h equal the road km.
        for (pos, straight, road) in [
            (SX, 27.9817, 36.3762),
            (NB, 68.0020, 88.4026),
            (HZ, 73.1082, 95.0407),
            (SH, 143.3992, 186.4190),
            (WZ, 228.4860, 297.0318),
        ] {
            let gc = eta::great_circle_km(&at(pos.0, pos.1), &site);
            assert!((gc - straight).abs() < 1e-3, "{pos:?}: {gc}");
            assert!((gc - hand_haversine_km(pos, SITE)).abs() < 1e-6);
            let r = eta::road_km(&at(pos.0, pos.1), &site, 1.3);
            assert!((r - road).abs() < 1e-3, "{pos:?}: {r}");
        }
        // The usual sanity figure: Hangzhou–Ningbo is about 141 km in a straight line.
        let hz_nb = eta::great_circle_km(&at(HZ.0, HZ.1), &at(NB.0, NB.1));
        assert!((hz_nb - 141.06).abs() < 0.01, "{hz_nb}");
    }

    type Row = (Option<&'static str>, ShippingMode, NaiveDateTime, i64);

    fn rows(opts: &[SourcingOption]) -> Vec<(Option<&str>, ShippingMode, NaiveDateTime, i64)> {
        opts.iter()
            .map(|o| {
                (
                    o.source_dealer_id.as_deref(),
                    o.mode,
                    o.arrives_at,
                    o.cost_fen,
                )
            })
            .collect()
    }

    /// The full ranked list for one headlamp (3.5 kg → 4 chargeable kg), now = 09:00.
    fn expected_headlamp_rows() -> Vec<Row> {
        vec![
            // Drive: 20 min handling + road km at 60 km/h rounded up; 400 fen × whole km rounded up.
            (Some("D-SX"), Drive, t(9, 57), 14_800), // 20 + 37 min; 37 km
            (Some("D-NB"), Drive, t(10, 49), 35_600), // 20 + 89 min; 89 km
            (Some("D-HZ"), Drive, t(10, 56), 38_400), // 20 + 96 min; 96 km
            // Farther vans still beat the plane's 10 h, so they are offered (dearer).
            (Some("D-SH"), Drive, t(12, 27), 74_800), // 20 + 187 min; 187 km
            (Some("D-WZ"), Drive, t(14, 18), 119_200), // 20 + 298 min; 298 km
            // Air: 2 h + 8 h; 6000 + 3 × 2000. Equal times and costs: nearest first.
            (Some("D-SX"), Air, t(19, 0), 12_000),
            (Some("D-NB"), Air, t(19, 0), 12_000),
            (Some("D-HZ"), Air, t(19, 0), 12_000),
            (Some("D-SH"), Air, t(19, 0), 12_000),
            (Some("D-WZ"), Air, t(19, 0), 12_000),
            // Express: 2 h + 12 h (all within 300 road km); 2300 + 3 × 1000.
            (Some("D-SX"), Express, t(23, 0), 5_300),
            (Some("D-NB"), Express, t(23, 0), 5_300),
            (Some("D-HZ"), Express, t(23, 0), 5_300),
            (Some("D-SH"), Express, t(23, 0), 5_300),
            (Some("D-WZ"), Express, t(23, 0), 5_300),
            // Manufacturer: 5000 emergency fee + tariff.
            (None, Air, day(11, 3, 0), 5_000 + 8_000 + 3 * 2_500), // 18 h
            (None, Express, day(11, 21, 0), 5_000 + 3_000 + 3 * 1_000), // 36 h
            (None, Road, day(13, 9, 0), 5_000 + 3_000 + 3 * 200),  // 72 h
        ]
    }

    /// A three-day holiday from the next local day (2025-03-11 to 03-13): the manufacturer and
    /// road freight stop, couriers run 48 h slower; the sister's van is unchanged.
    fn holiday_from_tomorrow() -> Calendar {
        use crate::domain::holiday::{Channel, Effect, Holiday};
        let effect = |channel, stopped, extra_hours| Effect {
            channel,
            stopped,
            extra_hours,
        };
        Calendar::new(
            vec![Holiday {
                id: "h".into(),
                name_zh: "测试假期".into(),
                name_en: "Test holiday".into(),
                first_day: NaiveDate::from_ymd_opt(2025, 3, 11).unwrap(),
                last_day: NaiveDate::from_ymd_opt(2025, 3, 13).unwrap(),
                effects: vec![
                    effect(Channel::Manufacturer, true, 12),
                    effect(Channel::Road, true, 0),
                    effect(Channel::Express, false, 48),
                ],
            }],
            8,
        )
    }

    #[test]
    fn holidays_move_the_arrivals_of_the_ways_they_slow_and_no_other() {
        let cfg = SourcingConfig::default();
        let n = need(1, ResponseLevel::Serious);
        let plain = options(&headlamp(), &n, &network(), &cfg, &Calendar::none());
        let festive = options(&headlamp(), &n, &network(), &cfg, &holiday_from_tomorrow());
        let find = |opts: &[SourcingOption], dealer: Option<&str>, mode| {
            opts.iter()
                .find(|o| o.source_dealer_id.as_deref() == dealer && o.mode == mode)
                .cloned()
                .unwrap()
        };
        // The holiday's window in UTC: 03-10 16:00 to 03-13 16:00.
        let reopens = day(13, 16, 0);
        // The manufacturer's express, ordered 03-10 09:00 UTC: 7 h before the stop, 29 h after
        // it, plus the 12 h backlog and the courier's 48 h.
        let m = find(&festive, None, Express);
        assert_eq!(
            m.arrives_at,
            reopens + chrono::Duration::hours(29 + 12 + 48)
        );
        assert_eq!(m.lead_minutes, eta::minutes_between(t(9, 0), m.arrives_at));
        assert_eq!(m.holidays.len(), 1);
        assert!(m.holidays[0].stopped);
        assert_eq!(m.holidays[0].extra_hours, 60);
        // Air is not slowed, but the manufacturer's dispatch stops all the same.
        let air = find(&festive, None, Air);
        assert!(air.arrives_at > reopens && air.holidays[0].extra_hours == 12);
        // A sister's courier only runs slower.
        let wz = find(&festive, Some("D-WZ"), Express);
        let wz_plain = find(&plain, Some("D-WZ"), Express);
        assert_eq!(
            wz.arrives_at,
            wz_plain.arrives_at + chrono::Duration::hours(48)
        );
        assert!(!wz.holidays[0].stopped);
        // The van does not meet the holiday at all and keeps its time.
        let sx = find(&festive, Some("D-SX"), Drive);
        assert_eq!(sx, find(&plain, Some("D-SX"), Drive));
        assert!(sx.holidays.is_empty());
        // Ranking follows the real arrivals: the stopped manufacturer's express, usually before
        // its road freight, is still ahead of it, and both come after every sister option.
        let first_manufacturer = festive
            .iter()
            .position(|o| o.kind == SourcingKind::Manufacturer)
            .unwrap();
        assert!(festive[first_manufacturer..]
            .iter()
            .all(|o| o.kind == SourcingKind::Manufacturer));
    }

    #[test]
    fn a_holiday_that_slows_the_levels_mode_past_a_cheaper_one_recommends_the_cheaper() {
        use crate::domain::holiday::{Channel, Effect, Holiday};
        // Couriers 72 h slower from tomorrow, road freight as usual: the manufacturer's express
        // (36 h + 72 h) arrives after its road freight (72 h), which costs less.
        let cal = Calendar::new(
            vec![Holiday {
                id: "h".into(),
                name_zh: "测试假期".into(),
                name_en: String::new(),
                first_day: NaiveDate::from_ymd_opt(2025, 3, 11).unwrap(),
                last_day: NaiveDate::from_ymd_opt(2025, 3, 13).unwrap(),
                effects: vec![Effect {
                    channel: Channel::Express,
                    stopped: false,
                    extra_hours: 72,
                }],
            }],
            8,
        );
        let cfg = SourcingConfig::default();
        let n = need(1, ResponseLevel::Serious);
        let opts = options(&headlamp(), &n, &[], &cfg, &cal);
        let express = opts.iter().find(|o| o.mode == Express).unwrap();
        let road = opts.iter().find(|o| o.mode == Road).unwrap();
        assert!(road.arrives_at < express.arrives_at && road.cost_fen < express.cost_fen);
        assert_eq!(recommend(&opts, ResponseLevel::Serious).unwrap().mode, Road);
        // Without the holiday the level's express stands.
        let plain = options(&headlamp(), &n, &[], &cfg, &Calendar::none());
        assert_eq!(
            recommend(&plain, ResponseLevel::Serious).unwrap().mode,
            Express
        );
    }

    #[test]
    fn ranks_the_known_network() {
        let cfg = SourcingConfig::default();
        let opts = options(
            &headlamp(),
            &need(1, ResponseLevel::Serious),
            &network(),
            &cfg,
            &Calendar::none(),
        );
        assert_eq!(rows(&opts), expected_headlamp_rows());
        for o in &opts {
            assert!(o.allowed && o.refusal.is_none() && !o.needs_review);
            assert_eq!(o.lead_minutes, eta::minutes_between(t(9, 0), o.arrives_at));
            assert_eq!(o.fix_at, o.arrives_at.max(t(10, 30)));
            match o.kind {
                SourcingKind::SisterTransfer => assert!(o.distance_km.is_some()),
                SourcingKind::Manufacturer => {
                    assert_eq!(o.distance_km, None);
                    assert_eq!(o.source_name, "厂家");
                }
            }
        }
        let sx_drive = &opts[0];
        assert_eq!(sx_drive.source_name, "绍兴越城4S店");
        assert_eq!(sx_drive.kind, SourcingKind::SisterTransfer);
        assert!((sx_drive.distance_km.unwrap() - 36.3762).abs() < 1e-3);
        assert_eq!(sx_drive.lead_minutes, 57);
        assert_eq!(sx_drive.fix_at, t(10, 30));
    }

    #[test]
    fn ranking_does_not_depend_on_input_order() {
        let cfg = SourcingConfig::default();
        let n = need(1, ResponseLevel::Major);
        let forward = options(&headlamp(), &n, &network(), &cfg, &Calendar::none());
        let mut reversed = network();
        reversed.reverse();
        assert_eq!(
            options(&headlamp(), &n, &reversed, &cfg, &Calendar::none()),
            forward
        );
        // Two dealers at the same spot differ only by id, and sort by it.
        let twins = vec![dealer("D-B", "乙", SX, 1), dealer("D-A", "甲", SX, 1)];
        let opts = options(&headlamp(), &n, &twins, &cfg, &Calendar::none());
        let ids: Vec<_> = opts
            .iter()
            .filter(|o| o.mode == Drive)
            .map(|o| o.source_dealer_id.as_deref().unwrap())
            .collect();
        assert_eq!(ids, ["D-A", "D-B"]);
    }

    // Farther cities, great-circle km to the site by hand_haversine_km, road km = × 1.3.
    /// Hefei: 399.3081 km straight, 519.1005 road km.
    const HF: (f64, f64) = (31.8206, 117.2272);
    /// Wuhan: 632.8814 km straight, 822.7458 road km.
    const WH: (f64, f64) = (30.5928, 114.3055);

    /// (dealer, arrival, cost) of every drive-over offered, in list order.
    fn drives(
        part: &PartFacts,
        cands: &[Candidate],
        cfg: &SourcingConfig,
    ) -> Vec<(String, NaiveDateTime, i64)> {
        options(
            part,
            &need(1, ResponseLevel::Major),
            cands,
            cfg,
            &Calendar::none(),
        )
        .into_iter()
        .filter(|o| o.mode == Drive)
        .map(|o| (o.source_dealer_id.unwrap(), o.arrives_at, o.cost_fen))
        .collect()
    }

    #[test]
    fn drive_over_wherever_it_beats_courier_and_air() {
        let cfg = SourcingConfig::default();
        for (pos, road) in [(HF, 519.1005), (WH, 822.7458)] {
            let r = eta::road_km(&at(pos.0, pos.1), &at(SITE.0, SITE.1), 1.3);
            assert!((r - road).abs() < 1e-3, "{pos:?}: {r}");
        }
        // Every dealer of the network: even Wenzhou's 298 km (5 h 18 min) beats the plane's 10 h.
        let ids: Vec<_> = drives(&headlamp(), &network(), &cfg)
            .into_iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(ids, ["D-SX", "D-NB", "D-HZ", "D-SH", "D-WZ"]);
        // Hefei: 20 + 520 min = 18:00, an hour before the plane; 520 km × 400 fen.
        let hf = vec![dealer("D-HF", "合肥4S店", HF, 1)];
        assert_eq!(
            drives(&headlamp(), &hf, &cfg),
            [("D-HF".to_owned(), t(18, 0), 208_000)]
        );
        // Wuhan: 20 + 823 min = 23:03, after the plane (19:00): no van for a headlamp …
        let wh = vec![dealer("D-WH", "武汉4S店", WH, 1)];
        assert!(drives(&headlamp(), &wh, &cfg).is_empty());
        // … but an airbag may not fly, and the courier (2 + 24 h, mid band) is slower still.
        assert_eq!(
            drives(&airbag(), &wh, &cfg),
            [("D-WH".to_owned(), t(23, 3), 823 * 400)]
        );
        // Shaoxing's van takes 20 + 37 = 57 min. Offered only if strictly faster than the plane:
        let sx = vec![dealer("D-SX", "绍兴越城4S店", SX, 1)];
        let fast_air = |handling| SourcingConfig {
            drive_handling_minutes: handling,
            air_handling_hours: 0,
            air_lead_hours: 1,
            ..SourcingConfig::default()
        };
        assert_eq!(
            drives(&headlamp(), &sx, &fast_air(22)).len(),
            1,
            "59 < 60 min"
        );
        assert!(
            drives(&headlamp(), &sx, &fast_air(23)).is_empty(),
            "60 = 60 min"
        );
    }

    /// The defect report's case: a monitored ECU held in Ningbo for a breakdown in Hangzhou
    /// (183.38 road km), found at 13:59 with the crew due at 14:29. The plane arrives 23:59;
    /// a driver is there at 17:23.
    #[test]
    fn a_far_drive_over_beats_the_plane_for_the_ecu() {
        let cfg = SourcingConfig::default();
        let n = Need {
            quantity: 1,
            site: at(HZ.0, HZ.1),
            now: t(13, 59),
            level: ResponseLevel::Major,
            crew_arrival: t(14, 29),
        };
        let road = eta::road_km(&at(NB.0, NB.1), &n.site, 1.3);
        assert!((road - 183.3809).abs() < 1e-3, "{road}"); // 141.0622 km straight × 1.3
        let nb = vec![dealer("D-NB", "宁波鄞州4S店", NB, 1)];
        let opts = options(&ecu(), &n, &nb, &cfg, &Calendar::none());
        assert_eq!(
            rows(&opts),
            [
                // 20 + 184 min (183.38 km at 60 km/h, rounded up); 184 km × 400 fen.
                (Some("D-NB"), Drive, t(17, 23), 73_600),
                // 2 + 8 h; 0.8 kg bills as the 1 kg minimum.
                (Some("D-NB"), Air, t(23, 59), 6_000),
                // 2 + 12 h; near band.
                (Some("D-NB"), Express, day(11, 3, 59), 2_300),
                (None, Air, day(11, 7, 59), 5_000 + 8_000), // 18 h
                (None, Express, day(12, 1, 59), 5_000 + 3_000), // 36 h
                (None, Road, day(13, 13, 59), 5_000 + 3_000), // 72 h
            ]
        );
        assert!(opts.iter().all(|o| o.needs_review && o.allowed));
        for (level, want) in [
            // The earliest, whatever it costs.
            (ResponseLevel::Major, Drive),
            // Nothing else lets the repair start by 19:23 (fix 17:23 + 2 h).
            (ResponseLevel::Serious, Drive),
            // The cheapest within 24 h: the ¥23 courier at 03:59.
            (ResponseLevel::General, Express),
        ] {
            let o = recommend(&opts, level).unwrap();
            assert_eq!(
                (o.source_dealer_id.as_deref(), o.mode),
                (Some("D-NB"), want),
                "{level:?}"
            );
        }
        let drive = recommend(&opts, ResponseLevel::Major).unwrap();
        assert_eq!((drive.lead_minutes, drive.fix_at), (204, t(17, 23)));
    }

    #[test]
    fn express_lead_time_follows_the_distance_bands() {
        let cfg = SourcingConfig {
            // SH (186 road km) moves to the 24 h band, WZ (297) beyond it to 36 h.
            express_near_km: 150,
            express_mid_km: 250,
            ..SourcingConfig::default()
        };
        let opts = options(
            &headlamp(),
            &need(1, ResponseLevel::Major),
            &network(),
            &cfg,
            &Calendar::none(),
        );
        let express = |id: &str| {
            opts.iter()
                .find(|o| o.mode == Express && o.source_dealer_id.as_deref() == Some(id))
                .unwrap()
                .arrives_at
        };
        assert_eq!(express("D-HZ"), t(23, 0)); // 2 + 12 h
        assert_eq!(express("D-SH"), day(11, 11, 0)); // 2 + 24 h
        assert_eq!(express("D-WZ"), day(11, 23, 0)); // 2 + 36 h
    }

    #[test]
    fn a_sister_must_cover_the_whole_quantity() {
        let cfg = SourcingConfig::default();
        // Two headlamps: 7 kg. SX and WZ have only one each.
        let opts = options(
            &headlamp(),
            &need(2, ResponseLevel::Major),
            &network(),
            &cfg,
            &Calendar::none(),
        );
        let mut dealers: Vec<_> = opts
            .iter()
            .filter_map(|o| o.source_dealer_id.as_deref())
            .collect();
        dealers.sort();
        dealers.dedup();
        assert_eq!(dealers, ["D-HZ", "D-NB", "D-SH"]);
        let express = opts.iter().find(|o| o.mode == Express).unwrap();
        assert_eq!(express.cost_fen, 2_300 + 6 * 1_000);
        let drive = opts.iter().find(|o| o.mode == Drive).unwrap();
        // The van costs the same whatever it carries.
        assert_eq!(
            (drive.source_dealer_id.as_deref(), drive.cost_fen),
            (Some("D-NB"), 35_600)
        );
        // Nobody has 6: only the manufacturer is left.
        let opts = options(
            &headlamp(),
            &need(6, ResponseLevel::Major),
            &network(),
            &cfg,
            &Calendar::none(),
        );
        assert_eq!(opts.len(), 3);
        assert!(opts.iter().all(|o| o.kind == SourcingKind::Manufacturer));
    }

    #[test]
    fn dangerous_goods_never_fly() {
        let cfg = SourcingConfig::default();
        let mut un_only = headlamp();
        un_only.un_number = Some("UN3268".into()); // flag forgotten on import
        for part in [airbag(), battery(), un_only] {
            for level in ResponseLevel::ALL {
                for cands in [network(), vec![]] {
                    let opts = options(&part, &need(1, level), &cands, &cfg, &Calendar::none());
                    assert!(!opts.is_empty());
                    for o in &opts {
                        if o.mode == Air {
                            assert!(!o.allowed, "{} {:?}", part.part_no, o);
                            assert_eq!(
                                o.refusal,
                                Some(RuleRefusal::DangerousGoodsNoAir {
                                    un_number: part.un_number.clone()
                                })
                            );
                        } else {
                            assert!(o.allowed && o.refusal.is_none());
                        }
                    }
                    // Refused rows are listed, but after every allowed one.
                    let first_refused = opts.iter().position(|o| !o.allowed).unwrap();
                    assert!(opts[first_refused..].iter().all(|o| !o.allowed));
                    let pick = recommend(&opts, level).unwrap();
                    assert_ne!(pick.mode, Air, "{level:?}");
                    assert!(pick.allowed);
                }
            }
        }
        // A drive-over carries an airbag fine: it is road transport.
        let opts = options(
            &airbag(),
            &need(1, ResponseLevel::Major),
            &network(),
            &cfg,
            &Calendar::none(),
        );
        assert_eq!(opts[0].mode, Drive);
        assert!(opts[0].allowed);
    }

    #[test]
    fn forcing_air_is_refused_with_a_code() {
        for mode in [Drive, Road, Express] {
            assert_eq!(check_choice(&airbag(), mode), Ok(()));
        }
        let err = check_choice(&airbag(), Air).unwrap_err();
        assert_eq!(
            err,
            RuleRefusal::DangerousGoodsNoAir {
                un_number: Some("UN3268".into())
            }
        );
        assert_eq!(err.code(), "dangerous_goods_no_air");
        assert_eq!(
            err.customer_sentence().render(Locale::ZhCn),
            "该配件属于危险品（如安全气囊、铅酸蓄电池），按规定不能空运，只能陆运，因此到货较慢，敬请谅解。"
        );
        assert!(err
            .customer_sentence()
            .render(Locale::En)
            .contains("may not travel by air"));
        assert_eq!(err.to_string(), "危险品不能空运");
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            serde_json::json!({"code": "dangerous_goods_no_air", "un_number": "UN3268"})
        );
        // A review does not lift the flight ban.
        assert_eq!(
            check_placement(&battery(), Air, true).unwrap_err().code(),
            "dangerous_goods_no_air"
        );
        assert_eq!(check_choice(&headlamp(), Air), Ok(()));
    }

    #[test]
    fn monitored_parts_need_a_review_everywhere() {
        let cfg = SourcingConfig::default();
        for cands in [network(), vec![]] {
            let opts = options(
                &ecu(),
                &need(1, ResponseLevel::Major),
                &cands,
                &cfg,
                &Calendar::none(),
            );
            assert!(!opts.is_empty());
            // Flagged, not refused: the review is a step before placing, not a ban.
            assert!(opts.iter().all(|o| o.needs_review && o.allowed));
        }
        let err = check_placement(&ecu(), Express, false).unwrap_err();
        assert_eq!(err, RuleRefusal::ReviewRequired);
        assert_eq!(err.code(), "monitored_part_review_required");
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            serde_json::json!({"code": "monitored_part_review_required"})
        );
        assert!(err
            .customer_sentence()
            .render(Locale::ZhCn)
            .contains("监控件"));
        assert!(err
            .customer_sentence()
            .render(Locale::En)
            .contains("monitored part"));
        assert_eq!(check_placement(&ecu(), Express, true), Ok(()));
        assert_eq!(check_placement(&ecu(), Air, true), Ok(()));
        assert_eq!(check_placement(&headlamp(), Air, false), Ok(()));
    }

    fn pick(level: ResponseLevel, n: &Need) -> (Option<String>, ShippingMode) {
        let opts = options(
            &headlamp(),
            n,
            &network(),
            &SourcingConfig::default(),
            &Calendar::none(),
        );
        let o = recommend(&opts, level).unwrap();
        (o.source_dealer_id.clone(), o.mode)
    }

    #[test]
    fn recommend_per_level_on_the_network() {
        let n = need(1, ResponseLevel::Major);
        let sx = Some("D-SX".to_owned());
        // 1: earliest, the Shaoxing van at 09:57 for ¥148.
        assert_eq!(pick(ResponseLevel::Major, &n), (sx.clone(), Drive));
        // 2: nothing within 2 h of the 10:30 fix costs ≤ ¥74, so still the van.
        assert_eq!(pick(ResponseLevel::Serious, &n), (sx.clone(), Drive));
        // 3: cheapest within 24 h: Shaoxing express, ¥53 at 23:00 (nearest of the ¥53s).
        assert_eq!(pick(ResponseLevel::General, &n), (sx.clone(), Express));

        // The crew will not be there before 22:00: the van's part would wait,
        // so level 2 takes the ¥53 courier arriving at 23:00 (fix ≤ 22:00 + 2 h).
        let late_crew = Need {
            crew_arrival: t(22, 0),
            ..n.clone()
        };
        assert_eq!(
            pick(ResponseLevel::Serious, &late_crew),
            (sx.clone(), Express)
        );
        assert_eq!(pick(ResponseLevel::Major, &late_crew), (sx, Drive));
    }

    #[test]
    fn recommend_uses_the_level_default_manufacturer_mode() {
        let cfg = SourcingConfig::default();
        for (level, normal, dangerous) in [
            (ResponseLevel::Major, Air, Express),
            (ResponseLevel::Serious, Express, Express),
            (ResponseLevel::General, Road, Road),
        ] {
            assert_eq!(manufacturer_default_mode(level, false), normal);
            assert_eq!(manufacturer_default_mode(level, true), dangerous);
            for (part, want) in [(headlamp(), normal), (airbag(), dangerous)] {
                let opts = options(&part, &need(1, level), &[], &cfg, &Calendar::none());
                let o = recommend(&opts, level).unwrap();
                assert_eq!(
                    (o.kind, o.mode),
                    (SourcingKind::Manufacturer, want),
                    "{level:?}"
                );
            }
        }
        // Level 3 with a sister 14 h away by courier: the courier beats 72 h road freight.
        let only_wz = vec![dealer("D-WZ", "温州鹿城4S店", WZ, 1)];
        let opts = options(
            &headlamp(),
            &need(1, ResponseLevel::General),
            &only_wz,
            &cfg,
            &Calendar::none(),
        );
        let o = recommend(&opts, ResponseLevel::General).unwrap();
        assert_eq!(
            (o.source_dealer_id.as_deref(), o.mode),
            (Some("D-WZ"), Express)
        );
    }

    fn synthetic(
        id: &str,
        arrives: NaiveDateTime,
        crew: NaiveDateTime,
        cost: i64,
    ) -> SourcingOption {
        SourcingOption {
            kind: SourcingKind::SisterTransfer,
            source_dealer_id: Some(id.into()),
            source_name: id.into(),
            mode: Express,
            distance_km: Some(10.0),
            lead_minutes: eta::minutes_between(t(9, 0), arrives),
            arrives_at: arrives,
            fix_at: arrives.max(crew),
            cost_fen: cost,
            allowed: true,
            refusal: None,
            needs_review: false,
            holidays: vec![],
        }
    }

    fn chosen(opts: &[SourcingOption], level: ResponseLevel) -> &str {
        recommend(opts, level)
            .unwrap()
            .source_dealer_id
            .as_deref()
            .unwrap()
    }

    #[test]
    fn serious_takes_half_price_within_two_hours() {
        let crew = t(9, 0);
        let a = synthetic("A", t(10, 0), crew, 10_000);
        // Exactly +2 h and exactly half: both limits are inclusive.
        let b = synthetic("B", t(12, 0), crew, 5_000);
        assert_eq!(chosen(&[a.clone(), b.clone()], ResponseLevel::Serious), "B");
        assert_eq!(chosen(&[b.clone(), a.clone()], ResponseLevel::Serious), "B");
        let late = synthetic("B", t(12, 1), crew, 5_000);
        assert_eq!(chosen(&[a.clone(), late], ResponseLevel::Serious), "A");
        let dearer = synthetic("B", t(11, 0), crew, 5_001);
        assert_eq!(chosen(&[a.clone(), dearer], ResponseLevel::Serious), "A");
        // Of two qualifying, the cheaper; level 1 ignores cost altogether.
        let c = synthetic("C", t(11, 0), crew, 4_000);
        let all = [a.clone(), b.clone(), c];
        assert_eq!(chosen(&all, ResponseLevel::Serious), "C");
        assert_eq!(chosen(&all, ResponseLevel::Major), "A");
        // With the crew arriving at 14:00, a part at 15:30 delays the repair by
        // 1.5 h only, so it qualifies although it arrives 5.5 h after A.
        let crew = t(14, 0);
        let a = synthetic("A", t(10, 0), crew, 10_000);
        let d = synthetic("D", t(15, 30), crew, 5_000);
        assert_eq!(chosen(&[a, d], ResponseLevel::Serious), "D");
    }

    #[test]
    fn general_takes_the_cheapest_within_a_day_else_the_earliest() {
        let crew = t(10, 0);
        let a = synthetic("A", t(10, 0), crew, 30_000);
        let b = synthetic("B", t(20, 0), crew, 8_000);
        let edge = synthetic("C", day(11, 9, 0), crew, 7_000); // exactly 24 h
        let over = synthetic("D", day(11, 9, 1), crew, 1_000);
        let all = [a.clone(), b, edge, over.clone()];
        assert_eq!(chosen(&all, ResponseLevel::General), "C");
        assert_eq!(chosen(&all, ResponseLevel::Major), "A");
        // Nothing within 24 h: the earliest, not the cheapest.
        let slow = synthetic("E", day(12, 9, 0), crew, 500);
        let late = synthetic("F", day(11, 10, 0), crew, 20_000);
        assert_eq!(chosen(&[slow, late, over], ResponseLevel::General), "D");
    }

    #[test]
    fn recommend_skips_refused_options_and_empty_lists() {
        assert!(recommend(&[], ResponseLevel::Major).is_none());
        let mut refused = synthetic("A", t(10, 0), t(9, 0), 100);
        refused.mode = Air;
        refused.allowed = false;
        refused.refusal = check_choice(&airbag(), Air).err();
        for level in ResponseLevel::ALL {
            assert!(recommend(std::slice::from_ref(&refused), level).is_none());
        }
        let ok = synthetic("B", t(20, 0), t(9, 0), 1_000);
        assert_eq!(chosen(&[refused, ok], ResponseLevel::Major), "B");
    }

    #[test]
    fn earliest_fix_names_what_holds_the_repair_up() {
        let crew = t(10, 30);
        // Crew is the limit: all parts earlier, or exactly with the crew.
        let parts = vec![("A1".to_owned(), t(9, 57)), ("B2".to_owned(), t(10, 30))];
        assert_eq!(earliest_fix(crew, &parts), (crew, None));
        assert_eq!(earliest_fix(crew, &[]), (crew, None));
        // A part is the limit.
        let parts = vec![
            ("A1".to_owned(), t(9, 57)),
            ("C3".to_owned(), t(23, 0)),
            ("B2".to_owned(), t(19, 0)),
        ];
        assert_eq!(
            earliest_fix(crew, &parts),
            (t(23, 0), Some("C3".to_owned()))
        );
        // Two parts share the last moment: the smaller number, whatever the order.
        let mut tied = vec![("Z9".to_owned(), t(23, 0)), ("C3".to_owned(), t(23, 0))];
        assert_eq!(earliest_fix(crew, &tied).1.as_deref(), Some("C3"));
        tied.reverse();
        assert_eq!(earliest_fix(crew, &tied).1.as_deref(), Some("C3"));
    }

    #[test]
    fn towing_is_offered_when_the_part_keeps_the_car_waiting() {
        let cfg = SourcingConfig::default(); // 4 h
        let crew = t(14, 29);
        // The defect report's case: the part comes at 23:59, 9 h 30 min after the crew.
        assert!(towing_is_better(crew, Some(t(23, 59)), &cfg));
        // Exactly 4 h is still worth the wait; one minute more is not.
        assert!(!towing_is_better(crew, Some(t(18, 29)), &cfg));
        assert!(towing_is_better(crew, Some(t(18, 30)), &cfg));
        // The crew is the limit, or nobody knows when the part comes.
        assert!(!towing_is_better(crew, Some(crew), &cfg));
        assert!(towing_is_better(crew, None, &cfg));
        let patient = SourcingConfig {
            tow_offer_wait_hours: 24,
            ..SourcingConfig::default()
        };
        assert!(!towing_is_better(crew, Some(t(23, 59)), &patient));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let cfg = SourcingConfig::default();
        // Nothing to source.
        for q in [0, -1, i32::MIN] {
            assert!(options(
                &headlamp(),
                &need(q, ResponseLevel::Major),
                &network(),
                &cfg,
                &Calendar::none()
            )
            .is_empty());
        }
        // No sisters: the three manufacturer modes.
        let opts = options(
            &headlamp(),
            &need(1, ResponseLevel::Major),
            &[],
            &cfg,
            &Calendar::none(),
        );
        assert_eq!(
            opts.iter().map(|o| o.mode).collect::<Vec<_>>(),
            [Air, Express, Road]
        );
        // A sister standing at the site: 0 km, handling time only, no km to bill.
        let here = vec![dealer("D-0", "现场", SITE, 1)];
        let opts = options(
            &headlamp(),
            &need(1, ResponseLevel::Major),
            &here,
            &cfg,
            &Calendar::none(),
        );
        assert_eq!(
            (
                opts[0].mode,
                opts[0].arrives_at,
                opts[0].cost_fen,
                opts[0].distance_km
            ),
            (Drive, t(9, 20), 0, Some(0.0))
        );
        // Weightless part: the 1 kg minimum; enormous quantity and weight saturate.
        let mut feather = headlamp();
        feather.weight_g = -5;
        let opts = options(
            &feather,
            &need(1, ResponseLevel::Major),
            &here,
            &cfg,
            &Calendar::none(),
        );
        assert_eq!(
            opts.iter().find(|o| o.mode == Express).unwrap().cost_fen,
            2_300
        );
        let mut anvil = headlamp();
        anvil.weight_g = i32::MAX;
        let huge = dealer("D-X", "大", SITE, i32::MAX);
        let dear = SourcingConfig {
            express_extra_kg_fen: u32::MAX,
            ..SourcingConfig::default()
        };
        let opts = options(
            &anvil,
            &need(i32::MAX, ResponseLevel::Major),
            &[huge],
            &dear,
            &Calendar::none(),
        );
        assert!(opts
            .iter()
            .filter(|o| o.mode != Drive)
            .all(|o| o.cost_fen > 0));
        let express = opts.iter().find(|o| o.mode == Express).unwrap();
        assert_eq!(express.cost_fen, i64::MAX);
        // A clock at the end of time and absurd lead hours saturate.
        let mut end = need(1, ResponseLevel::General);
        end.now = NaiveDateTime::MAX;
        end.crew_arrival = NaiveDateTime::MAX;
        let big = SourcingConfig {
            manufacturer_road_lead_hours: u32::MAX,
            drive_cost_fen_per_km: u32::MAX,
            air_handling_hours: u32::MAX,
            air_lead_hours: u32::MAX,
            express_handling_hours: u32::MAX,
            ..SourcingConfig::default()
        };
        let opts = options(&headlamp(), &end, &network(), &big, &Calendar::none());
        assert!(opts.iter().all(|o| o.arrives_at == NaiveDateTime::MAX));
        assert!(recommend(&opts, ResponseLevel::General).is_some());
    }

    /// The block for `[sourcing]` in config/default.toml; kept here so a test
    /// proves it matches `Default` and passes validation.
    const DEFAULT_TOML: &str = r#"
road_factor = 1.3
drive_handling_minutes = 20
drive_speed_kmh = 60
drive_cost_fen_per_km = 400
express_handling_hours = 2
express_near_km = 300
express_near_lead_hours = 12
express_mid_km = 1000
express_mid_lead_hours = 24
express_far_lead_hours = 36
express_first_kg_fen = 2300
express_extra_kg_fen = 1000
air_handling_hours = 2
air_lead_hours = 8
air_first_kg_fen = 6000
air_extra_kg_fen = 2000
manufacturer_name = "厂家"
manufacturer_emergency_fee_fen = 5000
manufacturer_road_lead_hours = 72
manufacturer_road_first_kg_fen = 3000
manufacturer_road_extra_kg_fen = 200
manufacturer_express_lead_hours = 36
manufacturer_express_first_kg_fen = 3000
manufacturer_express_extra_kg_fen = 1000
manufacturer_air_lead_hours = 18
manufacturer_air_first_kg_fen = 8000
manufacturer_air_extra_kg_fen = 2500
tow_offer_wait_hours = 4
"#;

    #[test]
    fn default_config_matches_its_toml_and_validates() {
        let parsed: SourcingConfig = toml::from_str(DEFAULT_TOML).unwrap();
        assert_eq!(parsed, SourcingConfig::default());
        assert_eq!(parsed.validate(), Ok(()));
        let unknown = format!("{DEFAULT_TOML}\nair_speed = 800\n");
        assert!(toml::from_str::<SourcingConfig>(&unknown).is_err());
        let negative = DEFAULT_TOML.replace("drive_speed_kmh = 60", "drive_speed_kmh = -1");
        assert!(toml::from_str::<SourcingConfig>(&negative).is_err());
    }

    #[test]
    fn config_validation_names_the_key() {
        let check = |f: fn(&mut SourcingConfig)| {
            let mut cfg = SourcingConfig::default();
            f(&mut cfg);
            cfg.validate().unwrap_err().field
        };
        assert_eq!(check(|c| c.road_factor = 0.9), "road_factor");
        assert_eq!(check(|c| c.road_factor = f64::NAN), "road_factor");
        assert_eq!(check(|c| c.drive_speed_kmh = 0), "drive_speed_kmh");
        assert_eq!(check(|c| c.express_near_km = 2000), "express_near_km");
        assert_eq!(
            check(|c| c.express_far_lead_hours = 1),
            "express_mid_lead_hours"
        );
        assert_eq!(
            check(|c| c.manufacturer_name = " ".into()),
            "manufacturer_name"
        );
    }

    #[test]
    fn names_round_trip() {
        for m in ShippingMode::ALL {
            assert_eq!(ShippingMode::parse(m.as_str()), Some(m));
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
            assert!(m.label_key().starts_with("label-shipping-mode-"));
        }
        assert_eq!(ShippingMode::parse("AIR"), None);
        for k in [SourcingKind::SisterTransfer, SourcingKind::Manufacturer] {
            assert_eq!(SourcingKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        use crate::i18n::Locale;
        assert_eq!(Locale::ZhCn.t(ShippingMode::Road.label_key()), "汽运");
        assert_eq!(
            Locale::ZhCn.t(SourcingKind::SisterTransfer.label_key()),
            "兄弟4S店调货"
        );
    }
}
