//! The plan editor's technician recommendation: the candidates of the ticket's dealer and its
//! sister dealers with their rota, other jobs, today's load and drive to the customer, ranked by
//! `domain::recommend`; and the reasons in the reader's language.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::eta::RoadModel;
use crate::domain::ids::TicketId;
use crate::domain::location::{Coordinates, Crs};
use crate::domain::recommend::{grade_rank, rank, Candidate, Origin, Reason, RecommendConfig};
use crate::domain::role::Action;
use crate::domain::rota::{local_time, Duty};
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::repo::recommend::{self as repo, GroupDealer};
use crate::repo::staff;
use crate::repo::tickets::TicketRecord;
use crate::services::{availability, rota, workflow};

/// One recommended technician, as the API and the plan editor show them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecommendedTechnician {
    pub technician_id: String,
    pub name: String,
    /// Stored grade code (`junior`, `intermediate`, `senior`, `master`).
    pub grade: String,
    pub skills: Vec<String>,
    pub dealer_id: String,
    pub dealer_name: String,
    /// Of the ticket's dealer; `false` for a sister dealer's technician.
    pub own_dealer: bool,
    /// Minutes by road to the customer (the `[eta]` estimate), when the site is known.
    pub drive_minutes: Option<i64>,
    pub road_km: Option<f64>,
    /// `dealer`, or `last_site` (the site of a job they just finished).
    pub from: &'static str,
    /// Jobs they went out on today.
    pub jobs_today: i64,
    /// Where the duty rota has them now: `on_duty`, `on_call` or `not_rostered`.
    pub duty: Duty,
    /// The ranking's figure: arrival minutes plus the `[recommend]` weights (smaller is better).
    pub score_minutes: i64,
    /// Why, in the reader's language (`Accept-Language`), in the order shown.
    pub reasons: Vec<String>,
    #[serde(skip)]
    pub why: Vec<Reason>,
}

/// The recommendation for a ticket.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Recommendations {
    /// The skills the fault's words call for (`[recommend] skills`).
    pub wanted_skills: Vec<String>,
    /// The customer's position is known (else nobody is ranked by distance).
    pub site_known: bool,
    /// Best first, at most `[recommend] shown`.
    pub items: Vec<RecommendedTechnician>,
}

/// Local midnight of `now`'s day, in stored UTC.
fn start_of_today(now: NaiveDateTime) -> NaiveDateTime {
    let offset = rota::utc_offset();
    let local = local_time(now, offset);
    local.date().and_time(chrono::NaiveTime::MIN) - Duration::hours(offset.into())
}

/// The recommendation for `ticket`, read in the caller's transaction: a fixed number of queries
/// for the whole group (dealers, technicians, skills, rota, other jobs, recent jobs).
pub fn for_ticket(
    conn: &mut AnyConnection,
    cfg: &RecommendConfig,
    road: RoadModel,
    ticket: &TicketRecord,
    on_crew: &[String],
    now: NaiveDateTime,
) -> Result<Recommendations, AppError> {
    let wanted = cfg.wanted_skills(&ticket.fault);
    let site = ticket.site().ok();
    let dealers = repo::group_of(conn, &ticket.dealer_id)?;
    let dealer_ids: Vec<String> = dealers.iter().map(|d| d.id.clone()).collect();
    let techs = staff::technicians_of_dealers(conn, &dealer_ids)?;
    let ids: Vec<String> = techs.iter().map(|t| t.id.clone()).collect();
    let mut skills: HashMap<String, Vec<String>> = HashMap::new();
    for (id, skill) in staff::skills_of(conn, &ids)? {
        skills.entry(id).or_default().push(skill);
    }
    let busy = availability::busy_elsewhere(conn, &ids, &ticket.id)?;
    // Each dealer keeps its own rota.
    let mut duty: HashMap<String, Duty> = HashMap::new();
    for d in &dealers {
        let of_dealer: Vec<String> = techs
            .iter()
            .filter(|t| t.dealer_id == d.id)
            .map(|t| t.id.clone())
            .collect();
        if !of_dealer.is_empty() {
            duty.extend(rota::dispatchable(conn, &d.id, &of_dealer, now)?);
        }
    }
    let today = start_of_today(now);
    let last_site_from = now - Duration::minutes(cfg.last_site_minutes);
    let jobs = repo::recent_jobs(conn, &dealer_ids, &ids, today.min(last_site_from))?;
    let dealer_of = |id: &str| dealers.iter().find(|d| d.id == id);
    let candidates: Vec<Candidate> = techs
        .iter()
        .map(|t| {
            let mine: Vec<&repo::RecentJob> =
                jobs.iter().filter(|j| j.technician_id == t.id).collect();
            let jobs_today = mine.iter().filter(|j| j.updated_at >= today).count() as i64;
            // The latest job finished lately, when its site is known.
            let last_site = (cfg.last_site_minutes > 0)
                .then(|| {
                    mine.iter().find(|j| {
                        j.updated_at >= last_site_from
                            && finished(j.status)
                            && j.ticket_id != ticket.id
                    })
                })
                .flatten()
                .and_then(|j| Some((j, site_of(j.lat?, j.lon?)?)));
            let (origin, from) = match (&last_site, dealer_of(&t.dealer_id)) {
                (Some((j, at)), _) => (
                    Origin::LastSite {
                        minutes_ago: (now - j.updated_at).num_minutes().max(0),
                    },
                    Some(*at),
                ),
                (None, Some(d)) => (Origin::Dealer, dealer_point(d)),
                (None, None) => (Origin::Dealer, None),
            };
            Candidate {
                technician_id: t.id.clone(),
                own: t.dealer_id == ticket.dealer_id,
                skills: skills.get(&t.id).cloned().unwrap_or_default(),
                grade_rank: grade_rank(&t.grade),
                jobs_today,
                duty: duty.get(&t.id).copied().unwrap_or(Duty::NotRostered),
                busy: busy.iter().any(|e| e.technician_id == t.id),
                on_crew: on_crew.contains(&t.id),
                drive: site.as_ref().zip(from).map(|(s, f)| road.estimate(&f, s)),
                origin,
            }
        })
        .collect();
    let ranked = rank(cfg, &wanted, &candidates);
    let items = ranked
        .into_iter()
        .filter_map(|r| {
            let t = techs.iter().find(|t| t.id == r.technician_id)?;
            let c = candidates
                .iter()
                .find(|c| c.technician_id == r.technician_id)?;
            Some(RecommendedTechnician {
                technician_id: t.id.clone(),
                name: t.name.clone(),
                grade: t.grade.clone(),
                skills: c.skills.clone(),
                dealer_id: t.dealer_id.clone(),
                dealer_name: dealer_of(&t.dealer_id)
                    .map(|d| d.name.clone())
                    .unwrap_or_default(),
                own_dealer: c.own,
                drive_minutes: c.drive.map(|d| d.minutes),
                road_km: c.drive.map(|d| (d.km * 10.0).round() / 10.0),
                from: match c.origin {
                    Origin::Dealer => "dealer",
                    Origin::LastSite { .. } => "last_site",
                },
                jobs_today: c.jobs_today,
                duty: c.duty,
                score_minutes: r.score,
                reasons: Vec::new(),
                why: r.reasons,
            })
        })
        .collect();
    Ok(Recommendations {
        wanted_skills: wanted,
        site_known: site.is_some(),
        items,
    })
}

fn finished(status: TicketStatus) -> bool {
    matches!(
        status,
        TicketStatus::Resolved | TicketStatus::TowedToWorkshop | TicketStatus::Closed
    )
}

fn site_of(lat: f64, lon: f64) -> Option<Coordinates> {
    Coordinates::parse(lat, lon, Crs::Wgs84).ok()
}

fn dealer_point(d: &GroupDealer) -> Option<Coordinates> {
    site_of(d.lat, d.lon)
}

/// `GET /api/v1/tickets/{id}/recommendations`: the recommendation with its reasons in `l`.
pub async fn recommend(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    cfg: RecommendConfig,
    road: RoadModel,
    l: Locale,
) -> Result<Recommendations, AppError> {
    actor.require(Action::ViewTickets)?;
    let actor = actor.clone();
    let mut out = db
        .read(move |conn| {
            let ticket = workflow::load(conn, &actor, &ticket_id)?;
            let crew: Vec<String> = crate::services::plans::current_view(conn, &ticket)?
                .map(|p| p.crew.iter().map(|c| c.technician_id.clone()).collect())
                .unwrap_or_default();
            for_ticket(conn, &cfg, road, &ticket, &crew, crate::repo::now())
        })
        .await?;
    render(&mut out, l);
    Ok(out)
}

/// Writes each recommendation's reasons in `l`.
pub fn render(r: &mut Recommendations, l: Locale) {
    for item in &mut r.items {
        item.reasons = item
            .why
            .iter()
            .map(|w| reason_text(l, w, &item.dealer_name, &item.grade))
            .collect();
    }
}

/// Skill (or grade) codes in `l` (a code the tables do not know, as stored).
fn skill_names(l: Locale, skills: &[String]) -> String {
    skills
        .iter()
        .map(|s| crate::demo::staff_label_key(s).map_or_else(|| s.clone(), |k| l.t(k)))
        .collect::<Vec<_>>()
        .join(&l.t("punct-list-sep"))
}

/// One reason in words (the technician's dealer and grade code fill in theirs).
pub fn reason_text(l: Locale, r: &Reason, dealer_name: &str, grade: &str) -> String {
    match r {
        Reason::Arrives {
            minutes,
            km,
            origin: Origin::Dealer,
        } => l.t_with(
            "rec-arrives-from-dealer",
            &[
                ("minutes", (*minutes).into()),
                ("km", format!("{km:.1}").into()),
            ],
        ),
        Reason::Arrives {
            minutes,
            km,
            origin: Origin::LastSite { minutes_ago },
        } => l.t_with(
            "rec-arrives-from-last-site",
            &[
                ("minutes", (*minutes).into()),
                ("km", format!("{km:.1}").into()),
                ("ago", (*minutes_ago).into()),
            ],
        ),
        Reason::SiteUnknown => l.t("rec-site-unknown"),
        Reason::HasSkills(s) => l.t_with("rec-has-skills", &[("skills", skill_names(l, s).into())]),
        Reason::LacksSkills(s) => {
            l.t_with("rec-lacks-skills", &[("skills", skill_names(l, s).into())])
        }
        Reason::Grade => l.t_with(
            "rec-grade",
            &[("grade", skill_names(l, &[grade.to_owned()]).into())],
        ),
        Reason::JobsToday(0) => l.t("rec-no-job-today"),
        Reason::JobsToday(n) => l.t_with("rec-jobs-today", &[("count", (*n).into())]),
        Reason::OnCall => l.t("rec-on-call"),
        Reason::SisterNoneFree => l.t_with(
            "rec-sister-none-free",
            &[("dealer", dealer_name.to_owned().into())],
        ),
        Reason::SisterSooner(m) => l.t_with(
            "rec-sister-sooner",
            &[
                ("dealer", dealer_name.to_owned().into()),
                ("minutes", (*m).into()),
            ],
        ),
    }
}
