//! Reads of what a plan can draw on: the dealer's technicians and tools, the parts catalogue
//! with local availability, and the plan editor's options; handlers call these, never the repo.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::Identity;
use crate::db::Db;
use crate::domain::fit::FitHints;
use crate::domain::ids::TicketId;
use crate::domain::role::Action;
use crate::domain::search::SearchTerm;
use crate::error::AppError;
use crate::repo::staff;
use crate::services::tickets::TicketView;
use crate::services::views::{Part, Technician, Tool};
use crate::services::{plans, views, workflow};

#[derive(Serialize, utoipa::ToSchema)]
pub struct TechnicianView {
    #[serde(flatten)]
    pub technician: views::Technician,
    pub skills: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PartView {
    #[serde(flatten)]
    pub part: views::Part,
    /// On hand − reserved at the caller's dealer.
    pub available_here: i32,
}

/// The caller's dealer's active technicians with their skills.
pub async fn technicians(db: &Db, actor: &Identity) -> Result<Vec<TechnicianView>, AppError> {
    actor.require(Action::ViewTickets)?;
    let dealer = actor.dealer_id.clone();
    db.read(move |conn| {
        let techs = staff::technicians_of(conn, &dealer)?;
        let ids: Vec<String> = techs.iter().map(|t| t.id.clone()).collect();
        let skills = staff::skills_of(conn, &ids)?;
        Ok(techs
            .into_iter()
            .map(|t| TechnicianView {
                skills: skills
                    .iter()
                    .filter(|(id, _)| *id == t.id)
                    .map(|(_, s)| s.clone())
                    .collect(),
                technician: t.into(),
            })
            .collect::<Vec<_>>())
    })
    .await
}

/// The caller's dealer's rescue tools.
pub async fn tools(db: &Db, actor: &Identity) -> Result<Vec<views::Tool>, AppError> {
    actor.require(Action::ViewTickets)?;
    let dealer = actor.dealer_id.clone();
    let tools = db.read(move |conn| staff::tools_of(conn, &dealer)).await?;
    Ok(tools.into_iter().map(Into::into).collect())
}

/// Catalogue hits for a search, each with what the caller's dealer has available.
pub async fn parts(
    db: &Db,
    actor: &Identity,
    query: SearchTerm,
    limit: i64,
) -> Result<Vec<PartView>, AppError> {
    actor.require(Action::ViewTickets)?;
    let dealer = actor.dealer_id.clone();
    let hits = db
        .read(move |conn| staff::search_parts(conn, &dealer, &query, limit))
        .await?;
    Ok(hits
        .into_iter()
        .map(|(part, available_here)| PartView {
            part: part.into(),
            available_here,
        })
        .collect())
}

/// What the plan editor offers for a ticket: the dealer's technicians (skills, another active
/// job, sign-in) with the sister dealers' it recommends or the crew holds, the recommendation,
/// tools, and the current plan to edit or to start the next version from.
pub struct EditorOptions {
    pub ticket: TicketView,
    pub technicians: Vec<Technician>,
    /// `(technician id, skill)`.
    pub skills: Vec<(String, String)>,
    /// Technicians out on another ticket (`domain::availability`), with that ticket.
    pub busy: Vec<crate::domain::availability::Engagement>,
    /// `(technician id, login)` of technicians who sign in.
    pub logins: Vec<(String, String)>,
    /// Where each technician stands on the duty rota now (`services::rota::dispatchable`).
    pub duty: std::collections::HashMap<String, crate::domain::rota::Duty>,
    pub tools: Vec<Tool>,
    pub plan: Option<plans::PlanView>,
    /// The dealer's name of each sister dealer's technician listed, by technician id.
    pub sister_dealer: std::collections::HashMap<String, String>,
    /// The technicians recommended for the ticket (`services::recommend`), reasons not yet in
    /// words.
    pub recommended: crate::services::recommend::Recommendations,
    /// The dealer's rescue vehicles, each with its readiness and the rescue it is out on.
    pub vehicles: Vec<crate::services::fleet::VehicleOption>,
}

/// Where each of these technicians stands on their own dealer's rota at `now` (each dealer
/// keeps its own).
fn duty_of(
    conn: &mut crate::db::AnyConnection,
    technicians: &[staff::Technician],
    now: NaiveDateTime,
) -> Result<std::collections::HashMap<String, crate::domain::rota::Duty>, AppError> {
    let mut out = std::collections::HashMap::new();
    let mut dealers: Vec<&str> = technicians.iter().map(|t| t.dealer_id.as_str()).collect();
    dealers.sort_unstable();
    dealers.dedup();
    for d in dealers {
        let ids: Vec<String> = technicians
            .iter()
            .filter(|t| t.dealer_id == d)
            .map(|t| t.id.clone())
            .collect();
        out.extend(crate::services::rota::dispatchable(conn, d, &ids, now)?);
    }
    Ok(out)
}

pub async fn editor_options(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    recommend: crate::domain::recommend::RecommendConfig,
    road: crate::domain::eta::RoadModel,
) -> Result<EditorOptions, AppError> {
    let actor = actor.clone();
    db.read(move |conn| {
        let ticket = workflow::load(conn, &actor, &ticket_id)?;
        let now = crate::repo::now();
        let plan = plans::current_view(conn, &ticket)?;
        let on_crew: Vec<String> = plan
            .as_ref()
            .map(|p| p.crew.iter().map(|c| c.technician_id.clone()).collect())
            .unwrap_or_default();
        let recommended =
            crate::services::recommend::for_ticket(conn, &recommend, road, &ticket, &on_crew, now)?;
        // The dealer's own, then the sister dealers' the recommendation offers or the crew holds.
        let mut technicians = staff::technicians_of(conn, &ticket.dealer_id)?;
        let others: Vec<String> = recommended
            .items
            .iter()
            .map(|r| r.technician_id.clone())
            .chain(on_crew.iter().cloned())
            .filter(|id| !technicians.iter().any(|t| t.id == *id))
            .collect();
        if !others.is_empty() {
            let mut sisters = staff::technicians_by_ids(conn, &others)?;
            sisters.sort_by(|a, b| a.name.cmp(&b.name));
            technicians.extend(sisters);
        }
        let ids: Vec<String> = technicians.iter().map(|t| t.id.clone()).collect();
        // The sister dealers' names, from one read of the group.
        let group = crate::repo::recommend::group_of(conn, &ticket.dealer_id)?;
        let dealer_names: std::collections::HashMap<String, String> = technicians
            .iter()
            .filter(|t| t.dealer_id != ticket.dealer_id)
            .filter_map(|t| {
                let d = group.iter().find(|d| d.id == t.dealer_id)?;
                Some((t.id.clone(), d.name.clone()))
            })
            .collect();
        Ok(EditorOptions {
            skills: staff::skills_of(conn, &ids)?,
            busy: crate::services::availability::busy_elsewhere(conn, &ids, &ticket.id)?,
            duty: duty_of(conn, &technicians, now)?,
            logins: staff::technician_logins(conn, &ticket.dealer_id)?,
            tools: staff::tools_of(conn, &ticket.dealer_id)?
                .into_iter()
                .map(Into::into)
                .collect(),
            vehicles: crate::services::fleet::options_for(conn, &ticket)?,
            plan,
            sister_dealer: dealer_names,
            recommended,
            technicians: technicians.into_iter().map(Into::into).collect(),
            ticket: crate::services::tickets::view(ticket, None),
        })
    })
    .await
}

/// The named catalogue parts with what the actor's dealer has available (a refused plan drawn
/// again).
pub async fn parts_by_ids(
    db: &Db,
    actor: &Identity,
    ids: Vec<String>,
) -> Result<Vec<(Part, i32)>, AppError> {
    let dealer_id = actor.dealer_id.clone();
    db.read(move |conn| {
        let parts = staff::parts_by_ids(conn, &ids)?;
        let avail = staff::available_at(conn, &dealer_id, &ids)?;
        Ok(parts
            .into_iter()
            .map(|p| {
                let a = avail
                    .iter()
                    .find(|(id, _)| *id == p.id)
                    .map_or(0, |(_, a)| *a);
                (p.into(), a)
            })
            .collect::<Vec<_>>())
    })
    .await
}

/// How many catalogue hits are ranked by fit before the first 20 are shown.
const RANKED_HITS: i64 = 200;

/// The editor's catalogue search for a ticket: parts that fit the car first, each with what the
/// dealer has available and, for a part it lacks, when the fastest allowed sourcing option could
/// bring it.
pub async fn search_for_ticket(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    term: SearchTerm,
    cfg: crate::domain::sourcing::SourcingConfig,
    road: crate::domain::eta::RoadModel,
) -> Result<Vec<(Part, i32, Option<NaiveDateTime>)>, AppError> {
    let actor = actor.clone();
    db.read(move |conn| {
        let ticket = workflow::load(conn, &actor, &ticket_id)?;
        let history = match &ticket.vehicle_id {
            Some(v) => crate::repo::vehicles::history(conn, v, 50)?,
            None => Vec::new(),
        };
        let hints = FitHints::of(
            &ticket.model,
            history
                .iter()
                .flat_map(|v| v.parts.iter())
                .map(|p| (p.part_no.as_str(), p.name.as_str())),
        );
        let mut found = staff::search_parts(conn, &ticket.dealer_id, &term, RANKED_HITS)?;
        // Stable: within a rank the catalogue's part-number order stays.
        found.sort_by_key(|(p, _)| hints.rank(&p.part_no, &p.name_zh, &p.name_en));
        found.truncate(20);
        // Without the site (location pending) no arrival can be promised.
        let at = match crate::services::sourcing::Situation::of(
            conn,
            &actor.group_id,
            &ticket,
            0.0,
            road,
        ) {
            Ok(at) => Some(at),
            Err(e) if e.code == crate::error::ErrorCode::LocationPending => None,
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for (p, available) in found {
            let eta = match (&at, available) {
                (Some(at), 0) => crate::services::sourcing::line_options(
                    conn,
                    &actor.group_id,
                    &ticket,
                    &crate::services::sourcing::facts(&p),
                    1,
                    at,
                    &cfg,
                )?
                .iter()
                .filter(|o| o.allowed)
                .map(|o| o.arrives_at)
                .min(),
                _ => None,
            };
            out.push((p.into(), available, eta));
        }
        Ok(out)
    })
    .await
}
