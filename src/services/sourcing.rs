//! Finding the parts a dealer lacks: ranked options per short plan line (sister dealers, manufacturer),
//! the recommendation for the ticket's response level, and the earliest time the car can be fixed.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::Identity;
use crate::db::Db;
use crate::domain::location::{Coordinates, Crs};
use crate::domain::response_level::ResponseLevel;
use crate::domain::role::Action;
use crate::domain::sourcing::{
    earliest_fix, options, recommend, Candidate, Need, PartFacts, SourcingConfig, SourcingOption,
};
use crate::error::AppError;
use crate::services::approvals::default_arrival;
use crate::services::plans::current_lines;
use crate::services::workflow;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourcingReport {
    #[serde(serialize_with = "crate::api::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub crew_arrival: NaiveDateTime,
    /// The later of the crew's arrival and the last recommended part's arrival.
    #[serde(serialize_with = "crate::api::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub earliest_fix_at: NaiveDateTime,
    /// The part number that holds the repair up, if a part (not the crew) is the limit.
    pub held_up_by: Option<String>,
    pub lines: Vec<LineReport>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineReport {
    pub part_id: String,
    pub part_no: String,
    pub name_zh: String,
    pub dangerous_goods: bool,
    pub monitored: bool,
    pub quantity: i32,
    /// Covered here: reserved for this line plus already issued.
    pub covered_here: i32,
    /// Still to be found elsewhere.
    pub short: i32,
    /// Ranked: allowed first, then earliest arrival, cheapest, nearest. Refused air options stay
    /// listed (with the reason) so the desk can tell the customer why the part is slower.
    #[schema(value_type = Vec<Object>)]
    pub options: Vec<SourcingOption>,
    /// Index into `options` of the recommendation for the ticket's response level.
    pub recommended: Option<usize>,
    /// For dangerous goods: the sentence to tell the customer why the part cannot fly.
    pub customer_sentence: Option<String>,
}

pub async fn report(
    db: &Db,
    actor: &Identity,
    ticket_id: String,
    cfg: SourcingConfig,
) -> Result<SourcingReport, AppError> {
    actor.require(Action::ViewVehicleHistory)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let ticket = workflow::load(conn, &actor, &ticket_id)?;
        let lines = current_lines(conn, &ticket.id)?;
        let now = crate::repo::now();
        let site =
            Coordinates::parse(ticket.lat, ticket.lon, Crs::Wgs84).map_err(AppError::internal)?;
        let level = ResponseLevel::try_from(i64::from(ticket.response_level))
            .unwrap_or(ResponseLevel::General);
        let crew_arrival = ticket
            .expected_arrival_at
            .unwrap_or_else(|| default_arrival(now, lines.plan.travel_km));
        let issued = crate::repo::approvals::net_issued(conn, &ticket.id)?;
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
        for line in &lines.parts {
            let issued_here = issued
                .iter()
                .find(|(p, _)| *p == line.part_id)
                .map_or(0, |(_, q)| *q);
            let covered = line.reserved + issued_here;
            let short = (line.quantity - covered).max(0);
            let facts = catalogue.iter().find(|p| p.id == line.part_id);
            let part = PartFacts {
                part_id: line.part_id.clone(),
                part_no: line.part_no.clone(),
                name_zh: line.name_zh.clone(),
                dangerous_goods: line.dangerous_goods,
                un_number: facts.and_then(|p| p.un_number.clone()),
                monitored: line.monitored,
                weight_g: crate::repo::staff::part_weight(conn, &line.part_id)?,
            };
            let (opts, recommended) = if short > 0 {
                let candidates: Vec<Candidate> = crate::repo::stock::sister_stock(
                    conn,
                    &actor.group_id,
                    &ticket.dealer_id,
                    &line.part_id,
                )?
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
                    quantity: short,
                    site,
                    now,
                    level,
                    crew_arrival,
                };
                let opts = options(&part, &need, &candidates, &cfg);
                let rec = recommend(&opts, level).and_then(|r| opts.iter().position(|o| o == r));
                if let Some(r) = rec {
                    arrivals.push((line.part_no.clone(), opts[r].arrives_at));
                }
                (opts, rec)
            } else {
                (Vec::new(), None)
            };
            let sentence = opts
                .iter()
                .find_map(|o| o.refusal.as_ref())
                .map(|r| r.customer_sentence(true).to_owned());
            out.push(LineReport {
                part_id: line.part_id.clone(),
                part_no: line.part_no.clone(),
                name_zh: line.name_zh.clone(),
                dangerous_goods: line.dangerous_goods,
                monitored: line.monitored,
                quantity: line.quantity,
                covered_here: covered.min(line.quantity),
                short,
                options: opts,
                recommended,
                customer_sentence: sentence,
            });
        }
        let (earliest_fix_at, held_up_by) = earliest_fix(crew_arrival, &arrivals);
        Ok(SourcingReport {
            crew_arrival,
            earliest_fix_at,
            held_up_by,
            lines: out,
        })
    })
    .await
}
