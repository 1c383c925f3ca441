//! Standard rescue plans (标准救援方案): the service director defines them for the dealer, and each save is the director's standing approval; the workshop lead applies one to a ticket, which then skips the manager's review and the director's step when the cost stays within the ceiling.

use chrono::NaiveDateTime;
use serde::{Deserialize, Deserializer, Serialize};

use crate::auth::Identity;
use crate::config::PricingSettings;
use crate::db::{AnyConnection, Db};
use crate::domain::ids::{StandardPlanId, TicketId};
use crate::domain::money::Fen;
use crate::domain::plan::{CrewLine, ToolLine};
use crate::domain::role::Action;
use crate::domain::standard_plan::{
    self as rules, Path, StandardDraft, StandardItem, StandardKind, StandardLines,
};
use crate::domain::workflow::Event;
use crate::error::{AppError, ErrorCode, FieldErrors, Thing};
use crate::i18n::Msg;
use crate::repo::staff;
use crate::repo::standard_plans::{
    self as repo, PlanStandardRecord, StandardLinesIn, StandardPlanRecord, StandardPlanRow,
};
use crate::services::common;
use crate::services::notify::Notifier;
use crate::services::plans::{self, PlanView};
use crate::services::request;

/// The field message (catalogue key) of an unknown kind.
pub const KIND_MESSAGE: &str = "svc-std-kind-invalid";

/// A dealer has a handful; the bound keeps a runaway list from filling a page.
pub const MAX_PER_DEALER: i64 = 100;

fn kind<'de, D: Deserializer<'de>>(d: D) -> Result<StandardKind, D::Error> {
    request::name(d, StandardKind::parse, KIND_MESSAGE)
}

fn yes() -> bool {
    true
}

/// A standard plan as the director writes it (`POST` makes one, `PUT` changes one).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct StandardPlanRequest {
    /// Up to 40 characters, unique within the dealer, e.g. 电瓶搭电.
    pub name: String,
    /// `jump_start`, `tyre_change`, `fuel_delivery`, `towing` or `other`.
    #[serde(deserialize_with = "kind")]
    #[schema(value_type = String)]
    pub kind: StandardKind,
    /// How many technicians go (the lead picks who).
    pub crew_size: i64,
    /// Estimated time on site, minutes.
    pub estimated_minutes: i64,
    #[serde(default)]
    pub tools: Vec<ToolLine>,
    /// At least one; charged at the configured labour rate.
    pub items: Vec<StandardItem>,
    /// The most a ticket's plan (labour and travel) may cost and still carry the standing
    /// approval; in fen.
    pub price_ceiling_fen: i64,
    /// The call agent may take the customer's consent (else only the service manager).
    #[serde(default)]
    pub agent_consent: bool,
    /// Inactive plans are kept for the audit trail but cannot be applied.
    #[serde(default = "yes")]
    pub active: bool,
    /// On change: the version the director edited; a newer one refuses the change
    /// (`stale_state`) instead of overwriting what someone else approved.
    #[serde(default)]
    pub version: Option<i32>,
}

impl StandardPlanRequest {
    fn draft(&self) -> StandardDraft {
        StandardDraft {
            name: self.name.clone(),
            kind: self.kind,
            crew_size: self.crew_size,
            estimated_minutes: self.estimated_minutes,
            tools: self.tools.clone(),
            items: self.items.clone(),
            price_ceiling_fen: self.price_ceiling_fen,
            agent_consent: self.agent_consent,
            active: self.active,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StandardToolView {
    pub tool_id: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StandardItemView {
    pub description: String,
    pub labour_minutes: i32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StandardPlanView {
    pub id: String,
    pub name: String,
    #[schema(value_type = String)]
    pub kind: StandardKind,
    pub crew_size: i32,
    pub estimated_minutes: i32,
    pub price_ceiling_fen: i64,
    pub price_ceiling_yuan: String,
    pub agent_consent: bool,
    pub active: bool,
    /// Goes up with every change; each version is a new standing approval.
    pub version: i32,
    /// The director whose standing approval it is (the last to save it), and when.
    pub approved_by: String,
    pub approved_by_name: String,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub approved_at: NaiveDateTime,
    pub tools: Vec<StandardToolView>,
    pub items: Vec<StandardItemView>,
}

fn view(conn: &mut AnyConnection, row: StandardPlanRow) -> Result<StandardPlanView, AppError> {
    let tools = repo::tools_of(conn, &row.plan.id)?
        .into_iter()
        .map(|t| StandardToolView {
            tool_id: t.tool_id,
            code: t.code,
            name_zh: t.name_zh,
            name_en: t.name_en,
            quantity: t.quantity,
        })
        .collect();
    let items = repo::items_of(conn, &row.plan.id)?
        .into_iter()
        .map(|i| StandardItemView {
            description: i.description,
            labour_minutes: i.labour_minutes,
        })
        .collect();
    let p = row.plan;
    Ok(StandardPlanView {
        price_ceiling_yuan: Fen::from_fen(p.price_ceiling_fen).yuan_string(),
        id: p.id,
        name: p.name,
        kind: p.kind,
        crew_size: p.crew_size,
        estimated_minutes: p.estimated_minutes,
        price_ceiling_fen: p.price_ceiling_fen,
        agent_consent: p.agent_consent,
        active: p.active,
        version: p.version,
        approved_by: p.approved_by,
        approved_by_name: row.approved_by_name,
        approved_at: p.approved_at,
        tools,
        items,
    })
}

/// The user's dealer's standard plans, active first; with `only_active`, those a lead may apply.
pub async fn list(
    db: &Db,
    actor: &Identity,
    only_active: bool,
) -> Result<Vec<StandardPlanView>, AppError> {
    actor.require(Action::ViewStandardPlans)?;
    let actor = actor.clone();
    db.read(move |conn| {
        repo::for_dealer(conn, &actor.dealer_id, only_active, MAX_PER_DEALER)?
            .into_iter()
            .map(|row| view(conn, row))
            .collect()
    })
    .await
}

/// The standard plan, if it is one of the user's dealer's: another dealer's is "not found".
fn load(conn: &mut AnyConnection, actor: &Identity, id: &str) -> Result<StandardPlanRow, AppError> {
    repo::get(conn, id)?
        .filter(|r| r.plan.dealer_id == actor.dealer_id)
        .ok_or_else(|| AppError::not_found(Thing::StandardPlan))
}

pub async fn get(
    db: &Db,
    actor: &Identity,
    id: StandardPlanId,
) -> Result<StandardPlanView, AppError> {
    actor.require(Action::ViewStandardPlans)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let row = load(conn, &actor, &id)?;
        view(conn, row)
    })
    .await
}

/// Checks the draft and its tools (each one of the dealer's, no more than it owns).
fn checked(
    conn: &mut AnyConnection,
    actor: &Identity,
    req: &StandardPlanRequest,
    except: Option<&str>,
) -> Result<rules::ValidStandard, AppError> {
    let mut fields = FieldErrors::new();
    let valid = req.draft().validate().map_err(|errors| {
        for (f, m) in errors {
            fields.entry(f).or_insert(m);
        }
    });
    if let Ok(v) = &valid {
        let ids: Vec<String> = v.tools.iter().map(|t| t.0.clone()).collect();
        let owned = staff::tools_by_ids(conn, &actor.dealer_id, &ids)?;
        for (i, (id, qty)) in v.tools.iter().enumerate() {
            match owned.iter().find(|t| t.id == *id) {
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
        if repo::name_taken(conn, &actor.dealer_id, v.name.as_str(), except)? {
            fields.insert("name".into(), Msg::new("svc-std-name-taken"));
        }
    }
    match valid {
        Ok(v) if fields.is_empty() => Ok(v),
        _ => Err(AppError::validation(fields)),
    }
}

fn record_of(
    actor: &Identity,
    id: String,
    v: &rules::ValidStandard,
    version: i32,
    now: NaiveDateTime,
) -> Result<StandardPlanRecord, AppError> {
    Ok(StandardPlanRecord {
        id,
        dealer_id: actor.dealer_id.to_string(),
        name: v.name.as_str().to_owned(),
        kind: v.kind,
        crew_size: v.crew_size,
        estimated_minutes: v.estimated_minutes,
        price_ceiling_fen: v.price_ceiling.as_fen(),
        agent_consent: v.agent_consent,
        active: v.active,
        version,
        approved_by: actor.user()?.to_string(),
        approved_at: now,
        created_at: now,
    })
}

fn lines_of(v: &rules::ValidStandard) -> Vec<(String, i32)> {
    v.items
        .iter()
        .map(|(d, m)| (d.as_str().to_owned(), *m))
        .collect()
}

/// Audit of a standard plan saved: it is a standing approval, so who gave it and what it says.
fn audit_saved(
    conn: &mut AnyConnection,
    actor: &Identity,
    record: &StandardPlanRecord,
    action: &str,
) -> Result<(), AppError> {
    crate::repo::audit::append(
        conn,
        crate::repo::audit::NewAuditEvent {
            dealer_id: Some(&record.dealer_id),
            ticket_id: None,
            entity: "standard_plan",
            entity_id: &record.id,
            action,
            actor_id: actor.audit_actor(),
            from_status: None,
            to_status: None,
            comment: None,
            data: Some(serde_json::json!({
                "name": record.name,
                "version": record.version,
                "price_ceiling_fen": record.price_ceiling_fen,
                "crew_size": record.crew_size,
                "agent_consent": record.agent_consent,
                "active": record.active,
            })),
        },
    )
}

/// The director defines a standard plan: saving it is the director's standing approval.
pub async fn create(
    db: &Db,
    actor: &Identity,
    req: StandardPlanRequest,
) -> Result<StandardPlanView, AppError> {
    actor.require(Action::ManageStandardPlans)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let v = checked(conn, &actor, &req, None)?;
        let record = record_of(&actor, crate::repo::new_id(), &v, 1, crate::repo::now())?;
        let items = lines_of(&v);
        repo::insert(
            conn,
            &record,
            &StandardLinesIn {
                tools: &v.tools,
                items: &items,
            },
        )?;
        audit_saved(conn, &actor, &record, "standard_plan.created")?;
        tracing::info!(user = %actor.login, standard_plan = %record.name, "standard plan created");
        let row = load(conn, &actor, &record.id)?;
        view(conn, row)
    })
    .await
}

/// The director changes one: a new version, and the standing approval is now this director's.
/// Plans already made from an earlier version keep what they were approved with.
pub async fn update(
    db: &Db,
    actor: &Identity,
    id: StandardPlanId,
    req: StandardPlanRequest,
) -> Result<StandardPlanView, AppError> {
    actor.require(Action::ManageStandardPlans)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let current = load(conn, &actor, &id)?;
        let version = current.plan.version;
        if let Some(asked) = req.version.filter(|v| *v != version) {
            return Err(AppError::msg(
                ErrorCode::StaleState,
                "svc-std-version-stale",
                &[("current", version.into()), ("asked", asked.into())],
            ));
        }
        let v = checked(conn, &actor, &req, Some(&id))?;
        let record = StandardPlanRecord {
            created_at: current.plan.created_at,
            ..record_of(&actor, id.to_string(), &v, version + 1, crate::repo::now())?
        };
        let items = lines_of(&v);
        let lines = StandardLinesIn {
            tools: &v.tools,
            items: &items,
        };
        if !repo::update(conn, &record, version, &lines)? {
            return Err(AppError::msg(
                ErrorCode::StaleState,
                "svc-std-version-stale",
                &[("current", (version + 1).into()), ("asked", version.into())],
            ));
        }
        audit_saved(conn, &actor, &record, "standard_plan.changed")?;
        let row = load(conn, &actor, &record.id)?;
        view(conn, row)
    })
    .await
}

/// The workshop lead applies a standard plan to a ticket, with the crew they picked.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ApplyRequest {
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub standard_plan_id: StandardPlanId,
    /// Exactly as many as the standard plan's crew size; one marked `lead` (else the first).
    pub crew: Vec<CrewLine>,
    /// Road distance one way; defaults to the estimate from the dealer, and is never taken
    /// shorter than that estimate (nobody reviews it).
    #[serde(default)]
    pub travel_km: Option<f64>,
    /// Crew members busy on another job who go all the same, each with the reason (audited).
    #[serde(default)]
    pub overrides: Vec<crate::domain::availability::BusyOverride>,
}

/// `standing`: within the ceiling, the plan waits only for the customer's consent;
/// `normal_chain`: over it, the plan went to the service manager's review as any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplyPath {
    Standing,
    NormalChain,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Applied {
    pub path: ApplyPath,
    pub price_ceiling_fen: i64,
    pub plan: PlanView,
}

/// Makes the ticket's plan from the standard plan and submits it, in one transaction: within
/// the ceiling with the director's standing approval (the ticket goes straight to the customer's
/// consent), over it into the normal chain. The audit names the standard plan, its version and
/// whose standing approval it carries.
pub async fn apply(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    ticket_id: TicketId,
    req: ApplyRequest,
    pricing: &PricingSettings,
    road: crate::domain::eta::RoadModel,
) -> Result<Applied, AppError> {
    actor.require(Action::ViewStandardPlans)?;
    common::require(actor, Event::SubmitPlan)?;
    let default_rate = Fen::from_fen(i64::from(pricing.labour_rate_fen_per_hour));
    let travel_rate = Fen::from_fen(i64::from(pricing.travel_fen_per_km));
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| {
        // The ticket first: someone else's ticket is "not found" before any standard plan is.
        let ticket = common::load(conn, &actor, &ticket_id)?;
        let standard = load(conn, &actor, &req.standard_plan_id)
            .map_err(|_| AppError::field("standard_plan_id", Msg::new("svc-std-not-ours")))?;
        if !standard.plan.active {
            return Err(AppError::field(
                "standard_plan_id",
                Msg::new("svc-std-inactive"),
            ));
        }
        let lines = StandardLines {
            crew_size: standard.plan.crew_size,
            estimated_minutes: standard.plan.estimated_minutes,
            tools: repo::tools_of(conn, &standard.plan.id)?
                .into_iter()
                .map(|t| (t.tool_id, t.quantity))
                .collect(),
            items: repo::items_of(conn, &standard.plan.id)?
                .into_iter()
                .map(|i| (i.description, i.labour_minutes))
                .collect(),
        };
        let invalid = |errors: Vec<(String, Msg)>| {
            let mut fields = FieldErrors::new();
            for (f, m) in errors {
                fields.entry(f).or_insert(m);
            }
            AppError::validation(fields)
        };
        // Nobody reviews the distance of a standing approval: the lead may make it longer than
        // the estimate (a closed road), never shorter (typing 0 km must not fit a far customer
        // under the ceiling).
        let travel_km = match (req.travel_km, plans::default_travel_km(conn, &ticket, road).ok()) {
            (Some(given), Some(estimate)) => Some(given.max(estimate)),
            (given, estimate) => given.or(estimate),
        };
        let plan_req = rules::plan_request(&lines, &req.crew, travel_km, &req.overrides)
            .map_err(invalid)?;
        let valid = plan_req.validate(default_rate).map_err(invalid)?;
        let overrides =
            crate::domain::availability::validate_overrides(&plan_req.overrides, &valid.crew)
                .map_err(invalid)?;
        let (ticket, saved) = plans::save_in(
            conn,
            &actor,
            &ticket_id,
            &valid,
            &overrides,
            travel_rate,
            road,
        )?;
        let ceiling = Fen::from_fen(standard.plan.price_ceiling_fen);
        let path = rules::path(Fen::from_fen(saved.total_fen), ceiling);
        let standing = path == Path::Standing;
        repo::mark_plan(
            conn,
            &PlanStandardRecord {
                plan_id: saved.id.clone(),
                standard_plan_id: standard.plan.id.clone(),
                standard_plan_version: standard.plan.version,
                standing_approval_by: standing.then(|| standard.plan.approved_by.clone()),
                agent_consent: standing && standard.plan.agent_consent,
            },
        )?;
        common::note(
            conn,
            &actor,
            &ticket,
            "plan.standard_applied",
            None,
            Some(serde_json::json!({
                "plan_version": saved.version,
                "standard_plan_id": standard.plan.id,
                "standard_plan_name": standard.plan.name,
                "standard_plan_version": standard.plan.version,
                "price_ceiling_fen": standard.plan.price_ceiling_fen,
                "total_fen": saved.total_fen,
                "standing": standing,
                "standing_approval_by": standing.then_some(&standard.plan.approved_by),
                "standing_approval_by_name": standing.then_some(&standard.approved_by_name),
                "standing_approved_at": standing.then(|| standard.plan.approved_at.and_utc().to_rfc3339()),
            })),
        )?;
        let plan = plans::submit_in(conn, &n, &actor, &ticket.id, saved.version)?;
        tracing::info!(
            ticket = %ticket.number,
            standard_plan = %standard.plan.name,
            standing,
            "standard plan applied"
        );
        Ok(Applied {
            path: if standing {
                ApplyPath::Standing
            } else {
                ApplyPath::NormalChain
            },
            price_ceiling_fen: standard.plan.price_ceiling_fen,
            plan,
        })
    })
    .await
}
