//! Writing and submitting the rescue plan: drafts change in place, anything past a draft makes a new version.

use serde::Serialize;

use crate::auth::Identity;
use crate::config::PricingSettings;
use crate::db::{AnyConnection, Db};
use crate::domain::eta::RoadModel;
use crate::domain::ids::TicketId;
use crate::domain::location::{Coordinates, Crs};
use crate::domain::money::Fen;
use crate::domain::plan::{estimate, CostEstimate, PlanRequest, PlanStatus, ValidPlan};
use crate::domain::system_text::SystemText;
use crate::domain::ticket::TicketStatus;
use crate::domain::workflow::Event;
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::i18n::Msg;
use crate::notify::templates::Message;
use crate::repo::approvals;
use crate::repo::plans::{
    self, CrewMember, ItemRow, NewLines, PartRow, PlanLines, PlanRecord, ToolRow,
};
use crate::repo::staff;
use crate::repo::tickets::TicketRecord;
use crate::services::common::{self, current_lines};
use crate::services::notify::{self, Notifier};
use crate::services::{transitions, workflow};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    pub id: String,
    pub version: i32,
    pub status: PlanStatus,
    pub estimated_minutes: i32,
    pub travel_km: f64,
    pub special_notes: String,
    /// Computed by the server from catalogue prices, labour and travel; in fen.
    pub cost: CostEstimate,
    /// The same total in yuan, as shown to people.
    pub total_yuan: String,
    pub crew: Vec<PlanCrewView>,
    pub tools: Vec<PlanToolView>,
    pub parts: Vec<PlanPartView>,
    pub items: Vec<PlanItemView>,
    /// The rescue vehicle that goes, if the plan names one.
    pub vehicle: Option<crate::services::fleet::PlanVehicleView>,
    /// The director approved exactly this version and it still stands.
    pub director_approved: bool,
    /// The standard plan this version was made from, if any.
    pub standard: Option<PlanStandardView>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub submitted_at: Option<chrono::NaiveDateTime>,
}

impl PlanView {
    /// The version carries a director's standing approval (a standard plan within its ceiling).
    pub fn standing(&self) -> bool {
        self.standard.as_ref().is_some_and(|s| s.standing)
    }
}

/// What a plan version took from a standard plan (标准救援方案).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanStandardView {
    pub standard_plan_id: String,
    pub name: String,
    /// The standard plan's version when it was applied.
    pub version: i32,
    /// Within the ceiling: the director's standing approval stands in for the manager's review
    /// and the director's step. `false`: over the ceiling, the normal chain.
    pub standing: bool,
    /// The call agent may take the customer's consent.
    pub agent_consent: bool,
    /// Whose standing approval it carries.
    pub standing_approval_by: Option<String>,
}

impl From<crate::repo::standard_plans::PlanStandardRow> for PlanStandardView {
    fn from(r: crate::repo::standard_plans::PlanStandardRow) -> Self {
        PlanStandardView {
            standard_plan_id: r.record.standard_plan_id,
            name: r.name,
            version: r.record.standard_plan_version,
            standing: r.record.standing_approval_by.is_some(),
            agent_consent: r.record.agent_consent,
            standing_approval_by: r.standing_approval_name,
        }
    }
}

/// A technician on the plan's crew.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanCrewView {
    pub technician_id: String,
    pub name: String,
    pub phone: String,
    pub lead: bool,
    /// Their sign-in, if they have one: who may act as this crew member (never sent).
    #[serde(skip)]
    pub user_id: Option<String>,
}

impl From<CrewMember> for PlanCrewView {
    fn from(c: CrewMember) -> Self {
        PlanCrewView {
            technician_id: c.technician_id,
            name: c.name,
            phone: c.phone,
            lead: c.lead,
            user_id: c.user_id,
        }
    }
}

/// A tool the plan takes along.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanToolView {
    pub tool_id: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i32,
}

impl From<ToolRow> for PlanToolView {
    fn from(t: ToolRow) -> Self {
        PlanToolView {
            tool_id: t.tool_id,
            code: t.code,
            name_zh: t.name_zh,
            name_en: t.name_en,
            quantity: t.quantity,
        }
    }
}

/// A part line of the plan, at the price it was planned with.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanPartLine {
    pub id: String,
    pub part_id: String,
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i32,
    pub unit_price_fen: i64,
    pub dangerous_goods: bool,
    pub monitored: bool,
    /// Units held for this line in the dealer's stock (not yet issued).
    pub reserved: i32,
}

impl From<PartRow> for PlanPartLine {
    fn from(p: PartRow) -> Self {
        PlanPartLine {
            id: p.id,
            part_id: p.part_id,
            part_no: p.part_no,
            name_zh: p.name_zh,
            name_en: p.name_en,
            quantity: p.quantity,
            unit_price_fen: p.unit_price_fen,
            dangerous_goods: p.dangerous_goods,
            monitored: p.monitored,
            reserved: p.reserved,
        }
    }
}

/// A repair item: labour at a rate.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanItemView {
    pub position: i32,
    pub description: String,
    pub labour_minutes: i32,
    pub rate_fen_per_hour: i64,
}

impl From<ItemRow> for PlanItemView {
    fn from(i: ItemRow) -> Self {
        PlanItemView {
            position: i.position,
            description: i.description,
            labour_minutes: i.labour_minutes,
            rate_fen_per_hour: i.rate_fen_per_hour,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanPartView {
    #[serde(flatten)]
    pub line: PlanPartLine,
    /// On hand − reserved at the ticket's dealer now.
    pub available_here: i32,
    /// Net quantity already handed out for this ticket.
    pub issued: i32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanVersionView {
    pub version: i32,
    pub status: PlanStatus,
    pub total_fen: i64,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub submitted_at: Option<chrono::NaiveDateTime>,
}

pub fn view(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    lines: PlanLines,
) -> Result<PlanView, AppError> {
    let ids: Vec<String> = lines.parts.iter().map(|p| p.part_id.clone()).collect();
    let available = staff::available_at(conn, &ticket.dealer_id, &ids)?;
    let issued = approvals::net_issued(conn, &ticket.id)?;
    let director_approved = approvals::director_approved(conn, &lines.plan.id)?;
    let standard = crate::repo::standard_plans::of_plan(conn, &lines.plan.id)?.map(Into::into);
    let p = lines.plan;
    Ok(PlanView {
        total_yuan: Fen::from_fen(p.total_fen).yuan_string(),
        cost: CostEstimate {
            parts_fen: p.parts_fen,
            labour_fen: p.labour_fen,
            travel_fen: p.travel_fen,
            total_fen: p.total_fen,
        },
        parts: lines
            .parts
            .into_iter()
            .map(|line| PlanPartView {
                available_here: available
                    .iter()
                    .find(|(id, _)| *id == line.part_id)
                    .map_or(0, |(_, a)| *a),
                issued: issued
                    .iter()
                    .find(|(id, _)| *id == line.part_id)
                    .map_or(0, |(_, q)| *q),
                line: line.into(),
            })
            .collect(),
        id: p.id,
        version: p.version,
        status: p.status,
        estimated_minutes: p.estimated_minutes,
        travel_km: p.travel_km,
        special_notes: p.special_notes,
        crew: lines.crew.into_iter().map(Into::into).collect(),
        tools: lines.tools.into_iter().map(Into::into).collect(),
        items: lines.items.into_iter().map(Into::into).collect(),
        vehicle: lines.vehicle.map(Into::into),
        director_approved,
        standard,
        submitted_at: p.submitted_at,
    })
}

/// The current plan, read as a view with its lines; `None` before the first plan. The one read
/// behind the API's plan, the ticket detail and the plan editor.
pub fn current_view(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
) -> Result<Option<PlanView>, AppError> {
    match plans::current(conn, &ticket.id)? {
        Some(p) => {
            let lines = plans::lines(conn, p)?;
            Ok(Some(view(conn, ticket, lines)?))
        }
        None => Ok(None),
    }
}

/// The current plan and the list of its versions.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PlanResponse {
    pub plan: Option<PlanView>,
    pub versions: Vec<PlanVersionView>,
}

/// The current plan and its versions, for anyone who may see the ticket.
pub async fn current(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
) -> Result<PlanResponse, AppError> {
    actor.require(crate::domain::role::Action::ViewTickets)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let ticket = workflow::load(conn, &actor, &ticket_id)?;
        Ok(PlanResponse {
            plan: current_view(conn, &ticket)?,
            versions: versions(conn, &ticket.id)?,
        })
    })
    .await
}

/// Saves the workshop lead's plan: a new draft, an edit of the draft, or a new version
/// that voids the consent and approvals of the one before.
pub async fn save(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    req: PlanRequest,
    pricing: &PricingSettings,
    road: RoadModel,
) -> Result<PlanView, AppError> {
    save_then(db, None, actor, ticket_id, req, pricing, road).await
}

/// Saves the plan as the editor shows it and submits that very version, in one transaction:
/// the service manager never receives an older text than the one on the lead's screen.
pub async fn save_and_submit(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    ticket_id: TicketId,
    req: PlanRequest,
    pricing: &PricingSettings,
    road: RoadModel,
) -> Result<PlanView, AppError> {
    common::require(actor, Event::SubmitPlan)?;
    save_then(db, Some(n.clone()), actor, ticket_id, req, pricing, road).await
}

async fn save_then(
    db: &Db,
    then_submit: Option<Notifier>,
    actor: &Identity,
    ticket_id: TicketId,
    req: PlanRequest,
    pricing: &PricingSettings,
    road: RoadModel,
) -> Result<PlanView, AppError> {
    common::require(actor, Event::StartPlanning)?;
    let default_rate = Fen::from_fen(i64::from(pricing.labour_rate_fen_per_hour));
    let valid = req.validate(default_rate).map_err(|errors| {
        let mut fields = FieldErrors::new();
        for (f, m) in errors {
            fields.entry(f).or_insert(m);
        }
        AppError::validation(fields)
    })?;
    let overrides = crate::domain::availability::validate_overrides(&req.overrides, &valid.crew)
        .map_err(|errors| AppError::validation(errors.into_iter().collect()))?;
    let (actor, travel_rate) = (
        actor.clone(),
        Fen::from_fen(i64::from(pricing.travel_fen_per_km)),
    );
    db.write(move |conn| {
        let (ticket, saved) = save_in(
            conn,
            &actor,
            &ticket_id,
            &valid,
            &overrides,
            travel_rate,
            road,
        )?;
        if let Some(n) = &then_submit {
            return submit_in(conn, n, &actor, &ticket.id, saved.version);
        }
        let lines = plans::lines(conn, saved)?;
        view(conn, &ticket, lines)
    })
    .await
}

/// Saves a valid plan inside the caller's transaction: the draft changes in place, anything past
/// a draft becomes a new version (and sends the ticket back to planning). Returns the ticket as
/// it now stands and the version saved.
pub(crate) fn save_in(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket_id: &str,
    valid: &ValidPlan,
    overrides: &[(String, String)],
    travel_rate: Fen,
    road: RoadModel,
) -> Result<(TicketRecord, PlanRecord), AppError> {
    {
        let mut ticket = common::load(conn, actor, ticket_id)?;
        let status = ticket.status;

        // Everything named must belong to this dealer (or the catalogue); the crew may also
        // take an active technician a sister dealer lends.
        let mut fields = FieldErrors::new();
        let techs = staff::technicians_by_ids(conn, &valid.crew)?;
        let lent = lent_technicians(conn, &ticket.dealer_id, &techs)?;
        for (i, id) in valid.crew.iter().enumerate() {
            if !techs
                .iter()
                .any(|t| t.id == *id && (t.dealer_id == ticket.dealer_id || lent.contains(id)))
            {
                fields.insert(
                    format!("crew[{i}].technician_id"),
                    Msg::new("svc-plan-not-our-technician"),
                );
            }
        }
        let tool_ids: Vec<String> = valid.tools.iter().map(|t| t.0.clone()).collect();
        let tools = staff::tools_by_ids(conn, &ticket.dealer_id, &tool_ids)?;
        for (i, (id, qty)) in valid.tools.iter().enumerate() {
            match tools.iter().find(|t| t.id == *id) {
                None => {
                    fields.insert(
                        format!("tools[{i}].tool_id"),
                        Msg::new("svc-plan-not-our-tool"),
                    );
                }
                Some(t) if *qty > t.quantity => {
                    fields.insert(
                        format!("tools[{i}].quantity"),
                        Msg::with("svc-plan-tool-only", &[("count", t.quantity.into())]),
                    );
                }
                Some(_) => {}
            }
        }
        let part_ids: Vec<String> = valid.parts.iter().map(|p| p.0.clone()).collect();
        let catalogue = staff::parts_by_ids(conn, &part_ids)?;
        let mut priced = Vec::new();
        for (i, (id, qty)) in valid.parts.iter().enumerate() {
            match catalogue.iter().find(|p| p.id == *id) {
                Some(p) => priced.push((id.clone(), *qty, p.price_fen)),
                None => {
                    fields.insert(
                        format!("parts[{i}].part_id"),
                        Msg::new("svc-plan-part-not-in-catalogue"),
                    );
                }
            }
        }
        if !fields.is_empty() {
            return Err(AppError::validation(fields));
        }
        // One active job per technician, checked and written in this transaction.
        crate::services::availability::check_in(conn, actor, &ticket, &valid.crew, overrides)?;
        if let Some(line) = &valid.vehicle {
            crate::services::fleet::check_plan_vehicle(conn, actor, &ticket, line)?;
        }

        let travel_km = match valid.travel_km {
            Some(km) => km,
            None => {
                let (lat, lon) = staff::dealer_position(conn, &ticket.dealer_id)?;
                let dealer =
                    Coordinates::parse(lat, lon, Crs::Wgs84).map_err(AppError::internal)?;
                // No made-up distance while the customer's position is awaited.
                let site = ticket.site().map_err(|_| {
                    AppError::msg(ErrorCode::LocationPending, "svc-plan-location-pending", &[])
                })?;
                road.plan_travel_km(&dealer, &site)
            }
        };
        let cost = estimate(
            &priced
                .iter()
                .map(|(_, q, p)| (*q, Fen::from_fen(*p)))
                .collect::<Vec<_>>(),
            &valid
                .items
                .iter()
                .map(|(_, m, r)| (*m, *r))
                .collect::<Vec<_>>(),
            travel_km,
            travel_rate,
        );
        let crew: Vec<(String, bool)> = valid
            .crew
            .iter()
            .map(|id| (id.clone(), *id == valid.lead))
            .collect();
        let items: Vec<(String, i32, i64)> = valid
            .items
            .iter()
            .map(|(d, m, r)| (d.as_str().to_owned(), *m, r.as_fen()))
            .collect();
        let lines = NewLines {
            crew: &crew,
            tools: &valid.tools,
            parts: &priced,
            items: &items,
            vehicle: valid.vehicle.as_ref(),
        };

        let current = plans::current(conn, &ticket.id)?;
        let created_by = actor.user()?.to_string();
        let record = |version: i32| PlanRecord {
            id: crate::repo::new_id(),
            ticket_id: ticket.id.clone(),
            version,
            status: PlanStatus::Draft,
            estimated_minutes: valid.estimated_minutes,
            travel_km,
            special_notes: valid.special_notes.clone(),
            parts_fen: cost.parts_fen,
            labour_fen: cost.labour_fen,
            travel_fen: cost.travel_fen,
            total_fen: cost.total_fen,
            created_by: created_by.clone(),
            created_at: crate::repo::now(),
            submitted_at: None,
        };
        let saved = match (status, current) {
            (TicketStatus::New, _) => {
                let plan = record(1);
                plans::insert(conn, &plan, &lines)?;
                transitions::advance(conn, actor, &mut ticket, Event::StartPlanning, None, None)?;
                plan
            }
            (TicketStatus::Planning | TicketStatus::Replanning, Some(draft))
                if draft.status == PlanStatus::Draft =>
            {
                let plan = PlanRecord {
                    id: draft.id,
                    version: draft.version,
                    created_at: draft.created_at,
                    ..record(draft.version)
                };
                plans::replace_draft(conn, &plan, &lines)?;
                plan
            }
            (TicketStatus::Planning | TicketStatus::Replanning, previous) => {
                let plan = record(previous.as_ref().map_or(1, |p| p.version + 1));
                new_version(conn, &ticket, &plan, &lines)?;
                plan
            }
            (
                TicketStatus::AwaitingManagerReview
                | TicketStatus::AwaitingCustomerConsent
                | TicketStatus::AwaitingDirector
                | TicketStatus::Approved,
                Some(previous),
            ) => {
                let plan = record(previous.version + 1);
                new_version(conn, &ticket, &plan, &lines)?;
                let why = SystemText::PlanRevised {
                    version: plan.version,
                }
                .stored();
                transitions::advance(
                    conn,
                    actor,
                    &mut ticket,
                    Event::RevisePlan,
                    Some(&why),
                    None,
                )?;
                plan
            }
            (from, _) => {
                return Err(AppError::msg(
                    ErrorCode::InvalidTransition,
                    "svc-plan-not-now",
                    &[("status", from.as_str().into())],
                )
                .labelled("status", from.label_key()))
            }
        };
        common::note(
            conn,
            actor,
            &ticket,
            "plan.saved",
            None,
            Some(serde_json::json!({ "version": saved.version, "total_fen": saved.total_fen })),
        )?;
        Ok((ticket, saved))
    }
}

/// A new version: older ones are superseded and every consent and approval so far is voided.
/// Which of `techs` a sister dealer may lend to a crew of `dealer_id`: the active technicians
/// of another dealer of the same group (one of another group, or inactive, is not).
fn lent_technicians(
    conn: &mut AnyConnection,
    dealer_id: &str,
    techs: &[staff::Technician],
) -> Result<Vec<String>, AppError> {
    let mut others: Vec<&str> = techs
        .iter()
        .map(|t| t.dealer_id.as_str())
        .filter(|d| *d != dealer_id)
        .collect();
    others.sort_unstable();
    others.dedup();
    if others.is_empty() {
        return Ok(Vec::new());
    }
    let Some((_, group, _, _)) = crate::repo::rota::dealer(conn, dealer_id)? else {
        return Ok(Vec::new());
    };
    let sisters = crate::repo::rota::group_dealers(conn, &group)?;
    let mut lent = Vec::new();
    for d in others {
        if sisters.iter().any(|(id, _, _)| id == d) {
            lent.extend(staff::technicians_of(conn, d)?.into_iter().map(|t| t.id));
        }
    }
    Ok(lent)
}

fn new_version(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    plan: &PlanRecord,
    lines: &NewLines<'_>,
) -> Result<(), AppError> {
    plans::insert(conn, plan, lines)?;
    plans::supersede_older(conn, &ticket.id, plan.version)?;
    let reason = SystemText::SupersededBy {
        version: plan.version,
    }
    .stored();
    approvals::void_for_ticket(conn, &ticket.id, &reason)?;
    Ok(())
}

/// Freezes the draft and sends it to the service manager.
pub async fn submit(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    ticket_id: TicketId,
    version: i32,
) -> Result<PlanView, AppError> {
    common::require(actor, Event::SubmitPlan)?;
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| submit_in(conn, &n, &actor, &ticket_id, version))
        .await
}

/// The submit step inside a caller's transaction.
pub(crate) fn submit_in(
    conn: &mut AnyConnection,
    n: &Notifier,
    actor: &Identity,
    ticket_id: &str,
    version: i32,
) -> Result<PlanView, AppError> {
    {
        let mut ticket = common::load(conn, actor, ticket_id)?;
        // A crew is not sent to an address alone: the plan waits for the position
        // (sourcing ETAs and the technicians' map link need it too).
        ticket.site()?;
        let lines = current_lines(conn, &ticket.id)?;
        if lines.plan.version != version || lines.plan.status != PlanStatus::Draft {
            return Err(AppError::msg(
                ErrorCode::StaleState,
                "svc-plan-submit-stale",
                &[
                    ("current", lines.plan.version.into()),
                    ("asked", version.into()),
                    ("status", lines.plan.status.as_str().into()),
                ],
            ));
        }
        // The rota decides who may be sent: nobody it has off at the moment of dispatch.
        let crew: Vec<String> = lines.crew.iter().map(|c| c.technician_id.clone()).collect();
        crate::services::rota::refuse_off_duty(conn, &ticket.dealer_id, &crew, crate::repo::now())?;
        transitions::advance(
            conn,
            actor,
            &mut ticket,
            Event::SubmitPlan,
            None,
            Some(serde_json::json!({ "version": version })),
        )?;
        if !plans::submit(conn, &lines.plan.id)? {
            return Err(AppError::msg(
                ErrorCode::StaleState,
                "svc-plan-already-submitted",
                &[],
            ));
        }
        // Each manager gets a one-tap link of their own for this version: to review it, or,
        // when a standing approval skipped the review, to take the customer's consent.
        let total_yuan = Fen::from_fen(lines.plan.total_fen).yuan_string();
        let standing = ticket.status == TicketStatus::AwaitingCustomerConsent;
        notify::staff_each(conn, &ticket, "service_manager", |conn, who| {
            let link = n.decide_link(conn, &ticket.id, &who.user_id, version)?;
            Ok(if standing {
                Message::StaffConsentCall {
                    number: ticket.number.clone(),
                    link,
                }
            } else {
                Message::StaffPlanReview {
                    number: ticket.number.clone(),
                    version: version.to_string(),
                    total_yuan: total_yuan.clone(),
                    link,
                }
            })
        })?;
        let lines = current_lines(conn, &ticket.id)?;
        view(conn, &ticket, lines)
    }
}

pub fn versions(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Vec<PlanVersionView>, AppError> {
    Ok(plans::all_versions(conn, ticket_id)?
        .into_iter()
        .map(|p| PlanVersionView {
            version: p.version,
            status: p.status,
            total_fen: p.total_fen,
            submitted_at: p.submitted_at,
        })
        .collect())
}

/// The cost of a plan being edited, without saving it: lines that do not parse yet count as nothing.
pub async fn preview(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    req: PlanRequest,
    pricing: &PricingSettings,
    road: RoadModel,
) -> Result<(CostEstimate, f64), AppError> {
    // The preview reads the ticket (where it is, so the travel): whoever may see the plan.
    actor.require(crate::domain::role::Action::ViewTickets)?;
    let actor = actor.clone();
    let (labour_rate, travel_rate) = (
        i64::from(pricing.labour_rate_fen_per_hour),
        Fen::from_fen(i64::from(pricing.travel_fen_per_km)),
    );
    db.read(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        let ids: Vec<String> = req
            .parts
            .iter()
            .map(|p| p.part_id.as_str().to_owned())
            .collect();
        let catalogue = staff::parts_by_ids(conn, &ids)?;
        let parts: Vec<(i32, Fen)> = req
            .parts
            .iter()
            .filter(|p| (1..=crate::domain::plan::MAX_QUANTITY).contains(&p.quantity))
            .filter_map(|p| {
                catalogue
                    .iter()
                    .find(|c| c.id == p.part_id)
                    .map(|c| (p.quantity as i32, Fen::from_fen(c.price_fen)))
            })
            .collect();
        let items: Vec<(i32, Fen)> = req
            .items
            .iter()
            .filter(|i| (0..=crate::domain::plan::MAX_LABOUR_MINUTES).contains(&i.labour_minutes))
            .map(|i| {
                (
                    i.labour_minutes as i32,
                    Fen::from_fen(
                        i.rate_fen_per_hour
                            .unwrap_or(labour_rate)
                            .clamp(0, crate::domain::plan::MAX_RATE_FEN_PER_HOUR),
                    ),
                )
            })
            .collect();
        let travel_km = match req
            .travel_km
            .filter(|k| k.is_finite() && (0.0..=crate::domain::plan::MAX_TRAVEL_KM).contains(k))
        {
            Some(km) => km,
            // The cost on screen leaves travel out until the position is known;
            // saving without a distance then says so (location_pending).
            None if ticket.location_pending => 0.0,
            None => default_travel_km(conn, &ticket, road)?,
        };
        Ok((estimate(&parts, &items, travel_km, travel_rate), travel_km))
    })
    .await
}

/// Straight line from the dealer to the site, times the road factor.
pub fn default_travel_km(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    road: RoadModel,
) -> Result<f64, AppError> {
    let (lat, lon) = staff::dealer_position(conn, &ticket.dealer_id)?;
    let dealer = Coordinates::parse(lat, lon, Crs::Wgs84).map_err(AppError::internal)?;
    let site = ticket.site()?;
    Ok(road.plan_travel_km(&dealer, &site))
}
