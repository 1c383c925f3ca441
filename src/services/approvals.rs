//! The approval chain: service manager review, the customer's consent (what was told, exactly:
//! the crew's arrival, and when the car can be fixed if a part is missing), the director's decision.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Deserializer, Serialize};

use crate::auth::Identity;
use crate::db::Db;
use crate::domain::approval::{DirectorDecision, OnDecline, ReviewDecision};
use crate::domain::eta::RoadModel;
use crate::domain::ids::TicketId;
use crate::domain::money::Fen;
use crate::domain::sourcing::SourcingConfig;
use crate::domain::system_text::SystemText;
use crate::domain::workflow::Event;
use crate::error::{AppError, ErrorCode};
use crate::i18n::Msg;
use crate::notify::templates::Message;
use crate::repo::approvals::{self, NewApproval};
use crate::repo::plans::PlanLines;
use crate::repo::staff;
use crate::repo::tickets;
use crate::services::common::{self, current_lines};
use crate::services::notify::{self, Notifier};
use crate::services::request;
use crate::services::sourcing::{self, PartsOutlook};
use crate::services::{transitions, workflow};

/// The field messages (catalogue keys) of a bad decision.
pub const REVIEW_DECISION_MESSAGE: &str = "svc-review-decision-invalid";
pub const ON_DECLINE_MESSAGE: &str = "svc-on-decline-invalid";
pub const DIRECTOR_DECISION_MESSAGE: &str = "svc-director-decision-invalid";

fn review_decision<'de, D: Deserializer<'de>>(d: D) -> Result<ReviewDecision, D::Error> {
    request::name(d, ReviewDecision::parse, REVIEW_DECISION_MESSAGE)
}

fn on_decline<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OnDecline>, D::Error> {
    request::optional_name(d, OnDecline::parse, ON_DECLINE_MESSAGE)
}

fn director_decision<'de, D: Deserializer<'de>>(d: D) -> Result<DirectorDecision, D::Error> {
    request::name(d, DirectorDecision::parse, DIRECTOR_DECISION_MESSAGE)
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReviewRequest {
    #[serde(deserialize_with = "review_decision")]
    pub decision: ReviewDecision,
    /// Required when returning the plan to the workshop lead.
    pub reason: Option<String>,
    /// The plan version reviewed; when given, a newer version refuses the review
    /// (`stale_state`) instead of accepting a plan the reviewer has not seen.
    #[serde(default)]
    pub plan_version: Option<i32>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ConsentRequest {
    /// The plan version the customer was told about.
    pub plan_version: i32,
    pub agreed: bool,
    /// Expected arrival time told to the customer (RFC 3339); defaults to now + travel time.
    #[serde(default, deserialize_with = "request::optional_time")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expected_arrival_at: Option<NaiveDateTime>,
    /// When declined: `replan` (back to the workshop lead, the default) or `cancel`.
    #[serde(default, deserialize_with = "on_decline")]
    pub on_decline: Option<OnDecline>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DecisionRequest {
    /// The plan version the director decides on: it must be the current one.
    pub plan_version: i32,
    #[serde(deserialize_with = "director_decision")]
    pub decision: DirectorDecision,
    /// Required to reject.
    pub reason: Option<String>,
}

/// What the service manager tells the customer, stored with the consent exactly as told.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct ToldValues {
    pub plan_version: i32,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub expected_arrival_at: NaiveDateTime,
    pub rescue_lead_name: String,
    pub rescue_lead_phone: String,
    pub repair_items: Vec<String>,
    pub estimated_cost_fen: i64,
    pub estimated_cost_yuan: String,
    /// Parts (number and name) the dealer's stock does not cover: they are on their way or still
    /// to be sourced. Empty when the dealer has everything, and then the crew's arrival is the
    /// whole promise.
    #[serde(default)]
    pub parts_from_elsewhere: Vec<String>,
    /// With parts from elsewhere: the earliest the car can be fixed (the later of the crew's and
    /// the last part's arrival, as the sourcing page computes it); `null` when no source is known.
    #[serde(default, serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub earliest_fix_at: Option<NaiveDateTime>,
    /// The part that holds the repair up, if a part (not the crew) is the limit.
    #[serde(default)]
    pub held_up_by: Option<String>,
    /// Towing to the workshop was offered: the wait for the part is longer than
    /// `[sourcing] tow_offer_wait_hours`, or nobody can say when it comes.
    #[serde(default)]
    pub tow_offered: bool,
    /// The holidays that make the parts later than usual (the script says why).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<crate::domain::holiday::Delay>,
}

/// The script of the consent call, from the current plan and what the parts allow.
pub fn told_values(
    lines: &PlanLines,
    expected_arrival_at: NaiveDateTime,
    parts: Option<&PartsOutlook>,
) -> Result<ToldValues, AppError> {
    let lead = lines
        .crew
        .iter()
        .find(|c| c.lead)
        .ok_or_else(|| AppError::internal("plan without rescue lead"))?;
    Ok(ToldValues {
        plan_version: lines.plan.version,
        expected_arrival_at,
        rescue_lead_name: lead.name.clone(),
        rescue_lead_phone: lead.phone.clone(),
        repair_items: lines.items.iter().map(|i| i.description.clone()).collect(),
        estimated_cost_fen: lines.plan.total_fen,
        estimated_cost_yuan: Fen::from_fen(lines.plan.total_fen).yuan_string(),
        parts_from_elsewhere: parts.map(|p| p.parts.clone()).unwrap_or_default(),
        earliest_fix_at: parts.and_then(|p| p.earliest_fix_at),
        held_up_by: parts.and_then(|p| p.held_up_by.clone()),
        tow_offered: parts.is_some_and(|p| p.tow_offered),
        holidays: parts.map(|p| p.holidays.clone()).unwrap_or_default(),
    })
}

/// What the consent script says about the parts if the crew arrives at `arrival`: for the
/// service manager's page before the call. `None` when the dealer's stock covers every part.
pub async fn consent_outlook(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    arrival: NaiveDateTime,
    cfg: SourcingConfig,
    road: RoadModel,
) -> Result<Option<PartsOutlook>, AppError> {
    let actor = actor.clone();
    db.read(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        let ctx = workflow::context(conn, &ticket)?;
        common::require_in(&actor, Event::CustomerAgree, ctx)?;
        let lines = current_lines(conn, &ticket.id)?;
        sourcing::outlook(conn, &actor.group_id, &ticket, &lines, arrival, &cfg, road)
    })
    .await
}

/// The step's transition and its record in the approval chain, naming the plan version.
fn record(
    conn: &mut crate::db::AnyConnection,
    actor: &Identity,
    ticket: &mut crate::repo::tickets::TicketRecord,
    lines: &PlanLines,
    event: Event,
    reason: Option<&str>,
    told_values: Option<String>,
) -> Result<(), AppError> {
    let (step, decision) = event
        .approval_record()
        .ok_or_else(|| AppError::internal("not an approval step"))?;
    transitions::advance(
        conn,
        actor,
        ticket,
        event,
        reason,
        Some(serde_json::json!({ "plan_version": lines.plan.version })),
    )?;
    approvals::insert(
        conn,
        NewApproval {
            ticket_id: &ticket.id,
            plan_id: &lines.plan.id,
            step,
            decision,
            actor_id: actor.user()?,
            reason,
            told_values,
        },
    )
}

fn stale_version(asked: i32, current: i32) -> AppError {
    AppError::msg(
        ErrorCode::StaleState,
        "error-plan-version-stale",
        &[("current", current.into()), ("asked", asked.into())],
    )
}

pub async fn review(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    ticket_id: TicketId,
    req: ReviewRequest,
) -> Result<(), AppError> {
    let event = match req.decision {
        ReviewDecision::Accept => Event::ManagerAccept,
        ReviewDecision::Return => Event::ManagerReturn,
    };
    common::require(actor, event)?;
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| {
        let mut ticket = common::load(conn, &actor, &ticket_id)?;
        let lines = current_lines(conn, &ticket.id)?;
        if let Some(asked) = req.plan_version.filter(|v| *v != lines.plan.version) {
            return Err(stale_version(asked, lines.plan.version));
        }
        record(
            conn,
            &actor,
            &mut ticket,
            &lines,
            event,
            req.reason.as_deref(),
            None,
        )?;
        let link = n.ticket_link(&ticket.id);
        if event == Event::ManagerReturn {
            notify::staff(
                conn,
                &ticket,
                "workshop_lead",
                &Message::StaffPlanReturned {
                    number: ticket.number.clone(),
                    reason: req.reason.clone().unwrap_or_default(),
                    link,
                },
            )?;
        } else {
            let version = lines.plan.version;
            notify::staff_each(conn, &ticket, "service_manager", |conn, who| {
                Ok(Message::StaffConsentCall {
                    number: ticket.number.clone(),
                    link: n.decide_link(conn, &ticket.id, &who.user_id, version)?,
                })
            })?;
        }
        Ok(())
    })
    .await
}

/// Records the customer's answer with exactly what was told: the crew's arrival and, when a part
/// must come from elsewhere, when the car can be fixed and whether towing was offered (`cfg` is
/// the `[sourcing]` configuration the sourcing page uses, so both say the same).
pub async fn consent(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    ticket_id: TicketId,
    req: ConsentRequest,
    cfg: SourcingConfig,
    road: RoadModel,
) -> Result<ToldValues, AppError> {
    let event = match (req.agreed, req.on_decline) {
        (true, _) => Event::CustomerAgree,
        (false, Some(OnDecline::Replan) | None) => Event::CustomerDeclineReplan,
        (false, Some(OnDecline::Cancel)) => Event::CustomerDeclineCancel,
    };
    let arrival = req.expected_arrival_at;
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| {
        let mut ticket = common::load(conn, &actor, &ticket_id)?;
        // Who may take the consent depends on the plan (a standard plan may let the agent).
        let ctx = workflow::context(conn, &ticket)?;
        common::require_in(&actor, event, ctx)?;
        let lines = current_lines(conn, &ticket.id)?;
        if lines.plan.version != req.plan_version {
            return Err(stale_version(req.plan_version, lines.plan.version));
        }
        let now = crate::repo::now();
        let arrival = arrival.unwrap_or_else(|| road.default_arrival(now, lines.plan.travel_km));
        if arrival < now - Duration::minutes(5) {
            return Err(AppError::field(
                "expected_arrival_at",
                Msg::new("svc-arrival-in-past"),
            ));
        }
        let parts = sourcing::outlook(conn, &actor.group_id, &ticket, &lines, arrival, &cfg, road)?;
        let told = told_values(&lines, arrival, parts.as_ref())?;
        let reason = if req.agreed {
            req.note.clone()
        } else {
            req.note
                .clone()
                .or_else(|| Some(SystemText::CustomerDeclined.stored()))
        };
        record(
            conn,
            &actor,
            &mut ticket,
            &lines,
            event,
            reason.as_deref(),
            Some(serde_json::to_string(&told).map_err(AppError::internal)?),
        )?;
        if req.agreed && ctx.standing_approval {
            tickets::set_expected_arrival(conn, &ticket.id, arrival)?;
            ticket.expected_arrival_at = Some(arrival);
            standing_approval(conn, &actor, &ticket, &lines)?;
            dispatch(conn, &n, &ticket, &lines)?;
        } else if req.agreed {
            tickets::set_expected_arrival(conn, &ticket.id, arrival)?;
            let version = lines.plan.version;
            notify::staff_each(conn, &ticket, "service_director", |conn, who| {
                Ok(Message::StaffApproval {
                    number: ticket.number.clone(),
                    version: version.to_string(),
                    total_yuan: told.estimated_cost_yuan.clone(),
                    link: n.decide_link(conn, &ticket.id, &who.user_id, version)?,
                })
            })?;
        }
        Ok(told)
    })
    .await
}

/// The director approves or rejects exactly the current plan version. Two directors at
/// once: the guarded status update lets one win; the other's transaction rolls back.
pub async fn decide(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    ticket_id: TicketId,
    req: DecisionRequest,
) -> Result<(), AppError> {
    let event = match req.decision {
        DirectorDecision::Approve => Event::DirectorApprove,
        DirectorDecision::Reject => Event::DirectorReject,
    };
    common::require(actor, event)?;
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| {
        let mut ticket = common::load(conn, &actor, &ticket_id)?;
        let lines = current_lines(conn, &ticket.id)?;
        if lines.plan.version != req.plan_version {
            return Err(stale_version(req.plan_version, lines.plan.version));
        }
        record(
            conn,
            &actor,
            &mut ticket,
            &lines,
            event,
            req.reason.as_deref(),
            None,
        )?;
        if event == Event::DirectorApprove {
            dispatch(conn, &n, &ticket, &lines)?;
        } else {
            notify::staff(
                conn,
                &ticket,
                "workshop_lead",
                &Message::StaffPlanRejected {
                    number: ticket.number.clone(),
                    reason: req.reason.clone().unwrap_or_default(),
                    link: n.ticket_link(&ticket.id),
                },
            )?;
        }
        Ok(())
    })
    .await
}

/// The director's standing approval, applied when the customer agreed to a standard plan within
/// its ceiling: the approval chain's director record (so the parts desk issues against this
/// version as after any approval) in the name of the director who gave it, and an audit event
/// that says which standard plan, which version, and who recorded the consent that set it off.
fn standing_approval(
    conn: &mut crate::db::AnyConnection,
    actor: &Identity,
    ticket: &crate::repo::tickets::TicketRecord,
    lines: &PlanLines,
) -> Result<(), AppError> {
    let standard = crate::repo::standard_plans::of_plan(conn, &lines.plan.id)?
        .ok_or_else(|| AppError::internal("standing approval without a standard plan"))?;
    let director = standard
        .record
        .standing_approval_by
        .clone()
        .ok_or_else(|| AppError::internal("standard plan over its ceiling"))?;
    let why = SystemText::StandingApproval.stored();
    approvals::insert(
        conn,
        NewApproval {
            ticket_id: &ticket.id,
            plan_id: &lines.plan.id,
            step: crate::domain::approval::ApprovalStep::Director,
            decision: crate::domain::approval::Decision::Approved,
            actor_id: &director,
            reason: Some(&why),
            told_values: None,
        },
    )?;
    crate::repo::audit::append(
        conn,
        crate::repo::audit::NewAuditEvent {
            dealer_id: Some(&ticket.dealer_id),
            ticket_id: Some(&ticket.id),
            entity: "ticket",
            entity_id: &ticket.id,
            action: Event::DirectorApprove.as_str(),
            actor_id: Some(&director),
            from_status: None,
            to_status: None,
            // The detail names the standard plan; the approval record carries `why`.
            comment: None,
            data: Some(serde_json::json!({
                "plan_version": lines.plan.version,
                "standing": true,
                "standard_plan_id": standard.record.standard_plan_id,
                "standard_plan_name": standard.name,
                "standard_plan_version": standard.record.standard_plan_version,
                "standing_approval_by": director,
                "standing_approval_by_name": standard.standing_approval_name,
                "consent_recorded_by": actor.user_id,
            })),
        },
    )?;
    tracing::info!(ticket = %ticket.number, standard_plan = %standard.name, "standing approval applied");
    Ok(())
}

/// What follows an approval, by the director or standing: the crew's dispatch messages with
/// their job links (technicians taken off the crew by this version lose theirs), and the parts
/// desk told what to issue.
fn dispatch(
    conn: &mut crate::db::AnyConnection,
    n: &Notifier,
    ticket: &crate::repo::tickets::TicketRecord,
    lines: &PlanLines,
) -> Result<(), AppError> {
    let crew_ids: Vec<String> = lines.crew.iter().map(|c| c.technician_id.clone()).collect();
    // Technicians taken off the crew by this version lose their job links.
    crate::repo::links::revoke_job_links_except(conn, &ticket.id, &crew_ids)?;
    for t in staff::technicians_by_ids(conn, &crew_ids)? {
        let job_link = n.job_link(conn, &ticket.id, &t.id)?;
        notify::technician(
            conn,
            ticket,
            &t,
            &Message::TechnicianDispatch {
                number: ticket.number.clone(),
                customer_name: ticket.customer_name.clone(),
                customer_phone: ticket.phone.clone(),
                address: ticket.address.clone(),
                // Plans are not submitted while the location is pending, so it is known
                // here; NaN would only leave the map link out of the text.
                lat: ticket.lat.unwrap_or(f64::NAN),
                lon: ticket.lon.unwrap_or(f64::NAN),
                source_crs: ticket.source_crs.clone(),
                fault: ticket.fault.clone(),
                items: lines.items.iter().map(|i| i.description.clone()).collect(),
                tools: lines
                    .tools
                    .iter()
                    .map(|t| format!("{}×{}", t.name_zh, t.quantity))
                    .collect(),
                parts: lines
                    .parts
                    .iter()
                    .map(|p| format!("{}×{}", p.name_zh, p.quantity))
                    .collect(),
                expected_arrival: ticket.expected_arrival_at.map(|t| n.local(t)),
                job_link,
            },
        )?;
    }
    notify::staff(
        conn,
        ticket,
        "parts_desk",
        &Message::StaffPartsToIssue {
            number: ticket.number.clone(),
            version: lines.plan.version.to_string(),
            link: n.ticket_link(&ticket.id),
        },
    )?;
    Ok(())
}
