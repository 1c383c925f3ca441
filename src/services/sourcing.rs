//! Finding the parts a dealer lacks: ranked options per short plan line (sister dealers, manufacturer),
//! the recommendation for the ticket's response level, and the earliest time the car can be fixed
//! (also for the consent call's script).

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::eta::RoadModel;
use crate::domain::holiday::{Calendar, Delay};
use crate::domain::ids::TicketId;
use crate::domain::location::{Coordinates, Crs};
use crate::domain::response_level::ResponseLevel;
use crate::domain::role::Action;
use crate::domain::sourcing::{
    earliest_fix, options, recommend, towing_is_better, Candidate, Need, PartFacts, SourcingConfig,
    SourcingOption,
};
use crate::error::AppError;
use crate::repo::plans::PlanLines;
use crate::repo::sourcing_orders::OrderRecord;
use crate::repo::staff::Part;
use crate::repo::tickets::TicketRecord;
use crate::services::common::{self, current_lines};
use crate::services::views;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourcingReport {
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub crew_arrival: NaiveDateTime,
    /// The later of the crew's arrival and the last recommended part's arrival.
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub earliest_fix_at: NaiveDateTime,
    /// The part number that holds the repair up, if a part (not the crew) is the limit.
    pub held_up_by: Option<String>,
    pub lines: Vec<LineReport>,
    /// Every sourcing order of the ticket, oldest first: the parts' journeys.
    pub orders: Vec<views::OrderView>,
    /// The group's holidays that slow a listed option, earliest first, with all their effects.
    pub holidays: Vec<crate::services::holidays::CalendarHolidayView>,
}

impl views::Localise for SourcingReport {
    fn localise(&mut self, locale: crate::i18n::Locale) {
        self.orders.localise(locale);
        for line in &mut self.lines {
            line.customer_sentence = line.sentence.as_ref().map(|m| m.render(locale));
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineReport {
    pub part_id: String,
    pub part_no: String,
    pub name_zh: String,
    /// The English name; empty where the catalogue gives none.
    pub name_en: String,
    pub dangerous_goods: bool,
    pub monitored: bool,
    pub quantity: i32,
    /// Covered here: reserved for this line plus already issued.
    pub covered_here: i32,
    /// On their way: units of open sourcing orders (proposed, reviewed, placed, shipped).
    pub on_the_way: i32,
    /// Still to be found elsewhere.
    pub short: i32,
    /// Ranked: allowed first, then earliest arrival, cheapest, nearest. Refused air options stay
    /// listed (with the reason) so the desk can tell the customer why the part is slower.
    #[schema(value_type = Vec<Object>)]
    pub options: Vec<SourcingOption>,
    /// Index into `options` of the recommendation for the ticket's response level.
    pub recommended: Option<usize>,
    /// For dangerous goods: the sentence to tell the customer why the part cannot fly, in the
    /// reader's language (`Accept-Language`; the customer hears it in Chinese from the page).
    pub customer_sentence: Option<String>,
    #[serde(skip)]
    sentence: Option<crate::i18n::Msg>,
}

/// What the options for one line are computed from.
pub(crate) struct Situation {
    pub site: Coordinates,
    pub now: NaiveDateTime,
    pub level: ResponseLevel,
    pub crew_arrival: NaiveDateTime,
    /// The group's holidays from today: every arrival is reckoned with them.
    pub calendar: Calendar,
}

impl Situation {
    pub fn of(
        conn: &mut AnyConnection,
        group_id: &str,
        ticket: &TicketRecord,
        travel_km: f64,
        road: RoadModel,
    ) -> Result<Self, AppError> {
        let now = crate::repo::now();
        Ok(Situation {
            calendar: crate::services::holidays::calendar(conn, group_id, now)?,
            // Sourcing ETAs need the site: while pending, location_pending (409).
            site: ticket.site()?,
            now,
            level: ResponseLevel::try_from(i64::from(ticket.response_level))
                .unwrap_or(ResponseLevel::General),
            crew_arrival: ticket
                .expected_arrival_at
                .unwrap_or_else(|| road.default_arrival(now, travel_km)),
        })
    }
}

pub(crate) fn facts(part: &Part) -> PartFacts {
    PartFacts {
        part_id: part.id.clone(),
        part_no: part.part_no.clone(),
        name_zh: part.name_zh.clone(),
        dangerous_goods: part.dangerous_goods,
        un_number: part.un_number.clone(),
        monitored: part.monitored,
        weight_g: part.weight_g,
    }
}

/// Ranked options for `quantity` units of a part the ticket's dealer lacks.
pub(crate) fn line_options(
    conn: &mut AnyConnection,
    group_id: &str,
    ticket: &TicketRecord,
    part: &PartFacts,
    quantity: i32,
    at: &Situation,
    cfg: &SourcingConfig,
) -> Result<Vec<SourcingOption>, AppError> {
    let candidates: Vec<Candidate> =
        crate::repo::stock::sister_stock(conn, group_id, &ticket.dealer_id, &part.part_id)?
            .into_iter()
            .filter_map(|(dealer_id, dealer_name, lat, lon, available)| {
                Some(Candidate {
                    dealer_id,
                    dealer_name,
                    position: Coordinates::parse(lat, lon, Crs::Wgs84).ok()?,
                    available,
                })
            })
            .collect();
    let need = Need {
        quantity,
        site: at.site,
        now: at.now,
        level: at.level,
        crew_arrival: at.crew_arrival,
    };
    Ok(options(part, &need, &candidates, cfg, &at.calendar))
}

/// Units of each part the ticket's orders still have to bring (not yet arrived, not cancelled).
pub(crate) fn in_flight(orders: &[OrderRecord], part_id: &str) -> i32 {
    orders
        .iter()
        .filter(|o| o.part_id == part_id && o.status.in_flight())
        .map(|o| o.quantity)
        .sum()
}

/// Every line of the plan with what covers it and, for what is still short, the ranked options;
/// plus the arrivals that bound the repair (orders on their way, and each short line's
/// recommendation), and the part numbers nobody can supply at all.
pub(crate) struct Assessment {
    pub lines: Vec<LineReport>,
    pub arrivals: Vec<(String, NaiveDateTime)>,
    pub unsourceable: Vec<String>,
    /// The holidays that slow a recommended way, each once: what the customer is told.
    pub holidays: Vec<Delay>,
}

impl Assessment {
    /// Some part is not in the dealer's stock: it is on its way or still to be found.
    pub fn parts_from_elsewhere(&self) -> bool {
        self.lines.iter().any(|l| l.short > 0 || l.on_the_way > 0)
    }
}

pub(crate) fn assess(
    conn: &mut AnyConnection,
    group_id: &str,
    ticket: &TicketRecord,
    lines: &PlanLines,
    at: &Situation,
    cfg: &SourcingConfig,
) -> Result<Assessment, AppError> {
    let issued = crate::repo::approvals::net_issued(conn, &ticket.id)?;
    let orders = crate::repo::sourcing_orders::for_ticket(conn, &ticket.id)?;
    let catalogue = crate::repo::staff::parts_by_ids(
        conn,
        &lines
            .parts
            .iter()
            .map(|p| p.part_id.clone())
            .collect::<Vec<_>>(),
    )?;
    let mut out = Vec::new();
    let mut arrivals = Vec::new();
    let mut unsourceable = Vec::new();
    let mut holidays: Vec<Delay> = Vec::new();
    for line in &lines.parts {
        let Some(part) = catalogue.iter().find(|p| p.id == line.part_id) else {
            continue;
        };
        let part = facts(part);
        let issued_here = issued
            .iter()
            .find(|(p, _)| *p == line.part_id)
            .map_or(0, |(_, q)| *q);
        let covered = line.reserved + issued_here;
        let coming = in_flight(&orders, &line.part_id);
        let short = (line.quantity - covered - coming).max(0);
        // Parts already on their way hold the repair up until they arrive.
        for o in orders
            .iter()
            .filter(|o| o.part_id == line.part_id && o.status.in_flight())
        {
            if let Some(eta) = o.eta {
                arrivals.push((line.part_no.clone(), eta));
            }
        }
        let (opts, recommended) = if short > 0 {
            let opts = line_options(conn, group_id, ticket, &part, short, at, cfg)?;
            let rec = recommend(&opts, at.level).and_then(|r| opts.iter().position(|o| o == r));
            match rec {
                Some(r) => {
                    arrivals.push((line.part_no.clone(), opts[r].arrives_at));
                    for d in &opts[r].holidays {
                        if !holidays.iter().any(|h| h.holiday_id == d.holiday_id) {
                            holidays.push(d.clone());
                        }
                    }
                }
                None => unsourceable.push(line.part_no.clone()),
            }
            (opts, rec)
        } else {
            (Vec::new(), None)
        };
        let sentence = opts
            .iter()
            .find_map(|o| o.refusal.as_ref())
            .map(|r| r.customer_sentence());
        out.push(LineReport {
            part_id: line.part_id.clone(),
            part_no: line.part_no.clone(),
            name_zh: line.name_zh.clone(),
            name_en: line.name_en.clone(),
            dangerous_goods: line.dangerous_goods,
            monitored: line.monitored,
            quantity: line.quantity,
            covered_here: covered.min(line.quantity),
            on_the_way: coming,
            short,
            options: opts,
            recommended,
            // Chinese until the reader's language is known (`Localise`).
            customer_sentence: sentence
                .as_ref()
                .map(|m| m.render(crate::i18n::Locale::ZhCn)),
            sentence,
        });
    }
    Ok(Assessment {
        lines: out,
        arrivals,
        unsourceable,
        holidays,
    })
}

/// What the consent call must say about the parts: when the car can be fixed at the earliest
/// (not only when the crew arrives), and whether towing is the better offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartsOutlook {
    /// `None` when a missing part has no source at all: nobody can promise a time.
    pub earliest_fix_at: Option<NaiveDateTime>,
    /// The part that holds the repair up (or has no source).
    pub held_up_by: Option<String>,
    /// `part_no name_zh` of each line not (fully) in the dealer's stock.
    pub parts: Vec<String>,
    /// The same lines with both catalogue names, for a page in either language.
    pub named: Vec<OutlookPart>,
    pub tow_offered: bool,
    /// The holidays that make the parts later than usual: the customer hears why.
    pub holidays: Vec<Delay>,
}

/// A part the consent call names: its number and catalogue names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlookPart {
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
}

/// `None` when the dealer's own stock covers every part: the crew's arrival is the whole story.
pub(crate) fn outlook(
    conn: &mut AnyConnection,
    group_id: &str,
    ticket: &TicketRecord,
    lines: &PlanLines,
    crew_arrival: NaiveDateTime,
    cfg: &SourcingConfig,
    road: RoadModel,
) -> Result<Option<PartsOutlook>, AppError> {
    let mut at = Situation::of(conn, group_id, ticket, lines.plan.travel_km, road)?;
    at.crew_arrival = crew_arrival;
    let a = assess(conn, group_id, ticket, lines, &at, cfg)?;
    if !a.parts_from_elsewhere() {
        return Ok(None);
    }
    let (fix, by) = earliest_fix(crew_arrival, &a.arrivals);
    let (earliest_fix_at, held_up_by) = match a.unsourceable.first() {
        Some(p) => (None, Some(p.clone())),
        None => (Some(fix), by),
    };
    let elsewhere = || a.lines.iter().filter(|l| l.short > 0 || l.on_the_way > 0);
    Ok(Some(PartsOutlook {
        earliest_fix_at,
        held_up_by,
        parts: elsewhere()
            .map(|l| format!("{} {}", l.part_no, l.name_zh))
            .collect(),
        named: elsewhere()
            .map(|l| OutlookPart {
                part_no: l.part_no.clone(),
                name_zh: l.name_zh.clone(),
                name_en: l.name_en.clone(),
            })
            .collect(),
        tow_offered: towing_is_better(crew_arrival, earliest_fix_at, cfg),
        holidays: a.holidays,
    }))
}

pub async fn report(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    cfg: SourcingConfig,
    road: RoadModel,
) -> Result<SourcingReport, AppError> {
    actor.require(Action::ViewPartsDesk)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        let lines = current_lines(conn, &ticket.id)?;
        let at = Situation::of(conn, &actor.group_id, &ticket, lines.plan.travel_km, road)?;
        let a = assess(conn, &actor.group_id, &ticket, &lines, &at, &cfg)?;
        let (earliest_fix_at, held_up_by) = earliest_fix(at.crew_arrival, &a.arrivals);
        Ok(SourcingReport {
            crew_arrival: at.crew_arrival,
            earliest_fix_at,
            held_up_by,
            holidays: at
                .calendar
                .holidays()
                .iter()
                .filter(|h| {
                    a.lines.iter().any(|l| {
                        l.options
                            .iter()
                            .any(|o| o.holidays.iter().any(|d| d.holiday_id == h.id))
                    })
                })
                .cloned()
                .map(Into::into)
                .collect(),
            lines: a.lines,
            orders: views::into_views(crate::repo::sourcing_orders::views_for_ticket(
                conn, &ticket.id,
            )?),
        })
    })
    .await
}
