//! The ticket page: the call, the vehicle, the plan and its approvals, the timeline — and the one step that is the viewer's to take.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Duration;

use super::session::{Chrome, WebUser};
use super::tickets::{local, promise_row, visit_rows, PromiseRow, VisitRow};
use super::{html, OrPage, PageError};
use crate::domain::intake::still_open;
use crate::domain::money::Fen;
use crate::domain::plan::PlanStatus;
use crate::domain::promise::PauseReason;
use crate::domain::role::{Action, Role};
use crate::domain::system_text;
use crate::domain::ticket::TicketStatus;
use crate::domain::workflow::{transition, Context, Event};
use crate::i18n::Locale;
use crate::services::tickets::TicketDetail;
use crate::state::AppState;

/// What the viewer may do now; derived from the same state machine and role table the server enforces.
#[derive(Default)]
pub struct Actions {
    pub edit_plan: bool,
    pub submit_version: Option<i32>,
    pub review: bool,
    pub consent: bool,
    pub approval: bool,
    pub issue: bool,
    pub job_link: bool,
    pub depart: bool,
    pub cancel: bool,
    pub close: bool,
    /// Text the caller a link to share their phone's location.
    pub location_request: bool,
    /// Stop the promise clock (`Action::PauseClock`, `[sla] pause_allowed`, the rescue open).
    pub pause: bool,
    /// Start it again (also when pausing was switched off since).
    pub resume: bool,
}

impl Actions {
    /// Whether the "your step" box has anything in it. Editing and submitting the plan sit in
    /// the plan's own card, so they alone must not open an empty box.
    pub fn any(&self) -> bool {
        self.review
            || self.consent
            || self.approval
            || self.issue
            || self.job_link
            || self.depart
            || self.cancel
            || self.close
            || self.location_request
    }
}

pub fn actions(user: &WebUser, d: &TicketDetail, pause_allowed: bool) -> Actions {
    let (status, crew_on_site) = (d.ticket.status, d.ticket.crew_on_site);
    let clock = user.identity.may(Action::PauseClock) && still_open(status);
    let paused = d.ticket.promise.is_some_and(|p| p.paused);
    let roles = &user.identity.roles;
    let plan = d.plan.as_ref();
    let standing = plan.filter(|p| p.standing());
    let ctx = Context {
        standing_approval: standing.is_some(),
        agent_consent: standing
            .is_some_and(|p| p.standard.as_ref().is_some_and(|s| s.agent_consent)),
        ..Context::crew(crew_on_site)
    };
    let can = |e: Event| e.permitted_in(roles, ctx) && transition(status, e, ctx).is_ok();
    let on_crew = plan.is_some_and(|p| {
        p.crew
            .iter()
            .any(|c| c.user_id.as_deref() == user.identity.user_id.as_deref())
    });
    let workshop = roles.contains(&Role::WorkshopLead);
    Actions {
        edit_plan: workshop
            && (can(Event::StartPlanning)
                || can(Event::RevisePlan)
                || matches!(status, TicketStatus::Planning | TicketStatus::Replanning)),
        submit_version: plan
            .filter(|p| p.status == PlanStatus::Draft && can(Event::SubmitPlan))
            .map(|p| p.version),
        review: can(Event::ManagerAccept),
        consent: can(Event::CustomerAgree),
        approval: can(Event::DirectorApprove),
        issue: roles.contains(&Role::PartsDesk)
            && plan.is_some_and(|p| {
                p.director_approved && p.parts.iter().any(|l| l.issued < l.line.quantity)
            })
            && status.parts_may_be_issued(),
        job_link: on_crew
            && matches!(
                status,
                TicketStatus::Approved
                    | TicketStatus::Dispatched
                    | TicketStatus::OnSite
                    | TicketStatus::Replanning
            ),
        depart: roles.contains(&Role::ServiceManager) && can(Event::Depart),
        cancel: can(Event::Cancel),
        close: can(Event::Close),
        pause: clock && pause_allowed && d.ticket.promise.is_some() && !paused,
        resume: clock && paused,
        // Only while nobody knows where the car is: a known site needs no link.
        location_request: user.identity.may(Action::CreateTicket)
            && d.ticket.location_pending
            && !matches!(
                status,
                TicketStatus::Resolved
                    | TicketStatus::TowedToWorkshop
                    | TicketStatus::Closed
                    | TicketStatus::Cancelled
            ),
    }
}

pub struct IssueLineView {
    pub part_id: String,
    pub part_no: String,
    pub name: String,
    pub remaining: i32,
    pub available: i32,
    /// What the form offers to hand out now: the rest of the line, as far as this ticket's
    /// reservation and the free stock go. A line with nothing on the shelf starts at 0, so it
    /// does not make the desk's whole issue fail.
    pub suggested: i32,
}

pub struct StageRow {
    pub label: String,
    pub minutes: i64,
    pub open: bool,
}

pub struct AuditRow {
    pub at: String,
    pub action: String,
    pub actor: String,
    pub detail: String,
}

pub struct ApprovalView {
    pub version: i32,
    pub step: String,
    pub decision: String,
    pub actor: String,
    pub reason: String,
    pub at: String,
    pub voided: Option<String>,
}

#[derive(Template)]
#[template(path = "ticket_show.html", config = "src/web/askama.toml")]
struct ShowPage {
    c: Chrome,
    d: TicketDetail,
    alert: Option<(&'static str, String)>,
    a: Actions,
    status_code: &'static str,
    status_label: String,
    level_label: String,
    call_time: String,
    created_at: String,
    expected_arrival: String,
    visits: Vec<VisitRow>,
    audit: Vec<AuditRow>,
    stages: Vec<StageRow>,
    approvals: Vec<ApprovalView>,
    issue_lines: Vec<IssueLineView>,
    osm_link: String,
    amap_link: String,
    lead_name: String,
    lead_phone: String,
    total_yuan: String,
    arrival_input: String,
    arrival_told: String,
    /// For the consent script, when a part is not in the dealer's stock.
    parts_told: Option<PartsTold>,
    /// Parts being fetched for this rescue and where each is.
    orders: Vec<super::parts_desk::OrderRow>,
    /// The crew on the road: its distance and arrival from the phone's last position.
    crew: Option<super::positions::CrewLine>,
    /// The parts desk may open the sourcing page (once a plan is approved).
    sourcing_link: bool,
    /// The next promise to the customer while the rescue runs.
    promise: Option<PromiseRow>,
    /// The pause form: its reasons, and what a refused pause posted.
    pause_reasons: Vec<(&'static str, String)>,
    pause: PauseInput,
}

impl ShowPage {
    /// The message of a refused pause field.
    fn pause_err(&self, field: &str) -> Option<&String> {
        self.pause.errors.get(field)
    }

    /// Attributes that outline a refused pause field and tie it to its message.
    fn pause_mark(&self, field: &str) -> String {
        if self.pause.errors.contains_key(field) {
            format!(r#" aria-invalid="true" aria-describedby="err-pause-{field}""#)
        } else {
            String::new()
        }
    }
}

/// What a refused pause posted, drawn again beside its fields; empty when nothing was refused.
#[derive(Default)]
pub struct PauseInput {
    pub reason: String,
    pub note: String,
    /// Field name → message in the page's language.
    pub errors: std::collections::BTreeMap<String, String>,
}

/// What the consent script says about missing parts, in the dealer's local time.
pub struct PartsTold {
    /// `part_no name` of each part to come from elsewhere, joined.
    pub parts: String,
    /// Empty when no source is known yet.
    pub fix: String,
    pub tow: bool,
    /// Why the parts come later than usual: a sentence per holiday, for the customer.
    pub holidays: Vec<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = super::page_ticket_id(&id, user.locale)?;
    render(&state, &user, id, None, StatusCode::OK).await
}

/// Renders the page, with an alert after an action (ok or refused) when given.
pub async fn render(
    state: &AppState,
    user: &WebUser,
    id: crate::domain::ids::TicketId,
    alert: Option<(&'static str, String)>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    render_with(state, user, id, alert, status, PauseInput::default()).await
}

/// `render`, with a refused pause's fields and messages.
pub async fn render_with(
    state: &AppState,
    user: &WebUser,
    id: crate::domain::ids::TicketId,
    alert: Option<(&'static str, String)>,
    status: StatusCode,
    pause: PauseInput,
) -> Result<HttpResponse, PageError> {
    let d = crate::services::promises::detail(
        &state.db,
        &state.settings.sla,
        &user.identity,
        id.clone(),
    )
    .await
    .or_page(user.locale)?;
    let t = &d.ticket;
    let l = user.locale;
    let a = actions(user, &d, state.settings.sla.pause_allowed);
    let level_label = super::tickets::level_label(l, t.response_level);
    let (amap_link, osm_link) = super::tickets::map_links(&t.location).unwrap_or_default();
    let status_label = |s: &str| {
        TicketStatus::parse(s)
            .map(|s| l.t(s.label_key()))
            .unwrap_or_else(|| s.to_owned())
    };
    let audit = d
        .audit
        .iter()
        .map(|e| AuditRow {
            at: local(state, &e.at),
            action: action_label(l, &e.action),
            actor: match &e.actor {
                Some(p) => p.name.clone(),
                // The promise timer acts on its own: say so rather than leave a dash.
                None if crate::services::alerts::by_system(&e.action) => {
                    l.t("alert-audit-by-system")
                }
                // The customer rating on their status link has no user: say it was them.
                None if e.data.as_ref().is_some_and(|d| d["by"] == "customer") => {
                    l.t("fu-by-customer-link")
                }
                None => "—".into(),
            },
            detail: [
                match (&e.from_status, &e.to_status) {
                    (Some(f), Some(to)) => format!("{} → {}", status_label(f), status_label(to)),
                    (None, Some(to)) => format!("→ {}", status_label(to)),
                    _ => String::new(),
                },
                event_detail(l, &e.action, e.data.as_ref()).unwrap_or_default(),
                e.comment
                    .as_deref()
                    .map(|c| system_text::render(c, l))
                    .unwrap_or_default(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        })
        .collect();
    let stages = d
        .stages
        .iter()
        .map(|s| StageRow {
            label: s.label(l),
            minutes: (s.seconds + 59) / 60,
            open: s.open,
        })
        .collect();
    let approvals = d
        .approvals
        .iter()
        .map(|ap| ApprovalView {
            version: ap.plan_version,
            step: l.t(ap.step.label_key()),
            decision: l.t(ap.decision.label_key()),
            actor: ap.actor_name.clone(),
            reason: ap
                .reason
                .as_deref()
                .map(|r| system_text::render(r, l))
                .unwrap_or_default(),
            at: local(state, &ap.created_at),
            voided: ap.voided_at.map(|_| {
                ap.void_reason.as_deref().map_or_else(
                    || l.t("label-approval-voided"),
                    |r| system_text::render(r, l),
                )
            }),
        })
        .collect();
    let plan = d.plan.as_ref();
    let issue_lines = plan
        .map(|p| {
            p.parts
                .iter()
                .filter(|x| x.issued < x.line.quantity)
                .map(|x| IssueLineView {
                    part_id: x.line.part_id.clone(),
                    part_no: x.line.part_no.clone(),
                    name: l.name(&x.line.name_zh, &x.line.name_en).to_owned(),
                    remaining: x.line.quantity - x.issued,
                    available: x.available_here,
                    suggested: (x.line.quantity - x.issued)
                        .min(x.line.reserved + x.available_here.max(0))
                        .max(0),
                })
                .collect()
        })
        .unwrap_or_default();
    let lead = plan.and_then(|p| p.crew.iter().find(|c| c.lead));
    let offset = Duration::hours(i64::from(state.settings.tickets.utc_offset_hours));
    let arrival = d.expected_arrival_at.unwrap_or_else(|| {
        state.settings.eta.model().default_arrival(
            chrono::Utc::now().naive_utc(),
            plan.map_or(0.0, |p| p.travel_km),
        )
    });
    // The consent call promises what the parts allow, not only the crew's arrival.
    let parts_told = match (a.consent, plan) {
        (true, Some(_)) => crate::services::approvals::consent_outlook(
            &state.db,
            &user.identity,
            id.clone(),
            arrival,
            state.settings.sourcing.clone(),
            state.settings.eta.model(),
        )
        .await
        .or_page(l)?
        .map(|o| PartsTold {
            parts: o
                .named
                .iter()
                .map(|p| format!("{} {}", p.part_no, l.name(&p.name_zh, &p.name_en)))
                .collect::<Vec<_>>()
                .join(&l.t("punct-list-sep")),
            fix: o
                .earliest_fix_at
                .map(|f| (f + offset).format("%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            tow: o.tow_offered,
            holidays: o
                .holidays
                .iter()
                .map(|d| super::holidays::told(l, d))
                .collect(),
        }),
        _ => None,
    };
    let orders = super::parts_desk::order_rows(
        state,
        user,
        &d.sourcing_orders,
        matches!(t.status, TicketStatus::Dispatched | TicketStatus::OnSite),
    );
    let promise = t.promise.as_ref().map(|p| promise_row(state, l, p));
    let crew = match crate::services::positions::on_the_road(t.status, t.crew_on_site) {
        true => crate::services::positions::for_ticket(
            &state.db,
            &state.settings.eta,
            &user.identity,
            id.clone(),
        )
        .await
        .or_page(l)?
        .map(|e| super::positions::crew_line(l, &e, state.settings.tickets.utc_offset_hours)),
        false => None,
    };
    let page = ShowPage {
        crew,
        c: user.chrome(),
        promise,
        pause_reasons: PauseReason::ALL
            .iter()
            .map(|r| (r.as_str(), l.t(r.label_key())))
            .collect(),
        pause,
        status_code: t.status.as_str(),
        status_label: l.t(t.status.label_key()),
        level_label,
        call_time: local(state, &t.call_time),
        created_at: local(state, &t.created_at),
        expected_arrival: d
            .expected_arrival_at
            .map(|e| local(state, &e))
            .unwrap_or_default(),
        visits: visit_rows(user, d.recent_visits.clone()),
        audit,
        stages,
        approvals,
        issue_lines,
        osm_link,
        amap_link,
        lead_name: lead.map(|c| c.name.clone()).unwrap_or_default(),
        lead_phone: lead.map(|c| c.phone.clone()).unwrap_or_default(),
        total_yuan: plan
            .map(|p| Fen::from_fen(p.cost.total_fen).yuan_string())
            .unwrap_or_default(),
        arrival_input: (arrival + offset).format("%Y-%m-%dT%H:%M").to_string(),
        arrival_told: (arrival + offset).format("%m-%d %H:%M").to_string(),
        parts_told,
        sourcing_link: (user.chrome().may_parts
            && t.status.parts_may_be_issued())
            // The director signs off monitored parts on the sourcing page too.
            || orders.iter().any(|o| o.may_review),
        orders,
        alert,
        a,
        d,
    };
    Ok(html(status, &page))
}

/// What an event's data says that its name does not: which parts a stock change reserved (and
/// how many it could not), how many units went back, why the clock was paused.
fn event_detail(l: Locale, action: &str, data: Option<&serde_json::Value>) -> Option<String> {
    let data = data?;
    match action {
        // The score, whoever gave it (the agent's call, the customer's link).
        crate::services::follow_ups::ANSWERED => data["score"]
            .as_i64()
            .map(|s| l.t_with("fu-scored", &[("score", s.into())])),
        // Which standard plan, its ceiling and this plan's cost, and whose standing approval.
        "plan.standard_applied" => {
            let name = data["standard_plan_name"].as_str()?.to_owned();
            let yuan = |k: &str| {
                crate::domain::money::Fen::from_fen(data[k].as_i64().unwrap_or(0)).yuan_string()
            };
            let args = [
                ("name", name.into()),
                (
                    "version",
                    data["standard_plan_version"].as_i64().unwrap_or(0).into(),
                ),
                ("ceiling", yuan("price_ceiling_fen").into()),
                ("total", yuan("total_fen").into()),
                (
                    "director",
                    data["standing_approval_by_name"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned()
                        .into(),
                ),
            ];
            Some(if data["standing"].as_bool() == Some(true) {
                l.t_with("std-audit-standing", &args)
            } else {
                l.t_with("std-audit-over-ceiling", &args)
            })
        }
        // A standing approval: the standard plan it came from.
        "approval.approved" if data["standing"].as_bool() == Some(true) => Some(
            l.t_with(
                "std-audit-approved",
                &[(
                    "name",
                    data["standard_plan_name"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned()
                        .into(),
                )],
            ),
        ),
        "stock.changed" => {
            let mut out = Vec::new();
            let reserved: Vec<String> = data["reserved"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|line| {
                    let part = line["part_no"].as_str()?;
                    let (wanted, got) = (line["wanted"].as_i64()?, line["reserved"].as_i64()?);
                    Some(if got < wanted {
                        l.t_with(
                            "ticket-audit-part-short",
                            &[
                                ("part", part.to_owned().into()),
                                ("reserved", got.into()),
                                ("wanted", wanted.into()),
                            ],
                        )
                    } else {
                        l.t_with(
                            "ticket-audit-part",
                            &[("part", part.to_owned().into()), ("reserved", got.into())],
                        )
                    })
                })
                .collect();
            if !reserved.is_empty() {
                out.push(l.t_with(
                    "ticket-audit-reserved",
                    &[("parts", reserved.join(&l.t("punct-list-sep")).into())],
                ));
            }
            if let Some(n) = data["released"].as_i64().filter(|n| *n > 0) {
                out.push(l.t_with("ticket-audit-released", &[("count", n.into())]));
            }
            Some(out.join(" · ")).filter(|s| !s.is_empty())
        }
        crate::services::promises::PAUSED => data["reason"]
            .as_str()
            .and_then(PauseReason::parse)
            .map(|r| l.t(r.label_key())),
        crate::services::alerts::WARNED | crate::services::alerts::BREACHED => {
            let stage = data["stage"]
                .as_str()
                .and_then(crate::domain::promise::Stage::parse)
                .map(|s| l.t(s.label_key()))?;
            let told: Vec<&str> = data["told"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str())
                .collect();
            Some(if told.is_empty() {
                stage
            } else {
                l.t_with(
                    "alert-audit-told",
                    &[
                        ("stage", stage.into()),
                        ("people", told.join(&l.t("punct-list-sep")).into()),
                    ],
                )
            })
        }
        crate::services::alerts::LATE => {
            let stage = data["stage"]
                .as_str()
                .and_then(crate::domain::promise::Stage::parse)
                .map(|s| l.t(s.label_key()))?;
            let at = |key: &str| {
                data[key]
                    .as_str()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.naive_utc())
            };
            let minutes = (at("reached_at")? - at("deadline")?).num_seconds().max(1);
            Some(l.t_with(
                "alert-audit-late-detail",
                &[
                    ("stage", stage.into()),
                    ("minutes", ((minutes + 59) / 60).into()),
                ],
            ))
        }
        _ => super::photos::event_detail(l, action, data),
    }
}

/// The name of an audit action in `l`; an action this table does not know is shown as stored.
pub fn action_label(l: crate::i18n::Locale, action: &str) -> String {
    if let Some(key) = crate::services::promises::action_label_key(action) {
        return l.t(key);
    }
    if let Some(key) = crate::services::photos::action_label_key(action) {
        return l.t(key);
    }
    if let Some(key) = crate::services::follow_ups::action_label_key(action) {
        return l.t(key);
    }
    if let Some(key) = crate::services::fleet::action_label_key(action) {
        return l.t(key);
    }
    let key = match action {
        "ticket.created" => "label-audit-ticket-created",
        "plan.started" => "label-audit-plan-started",
        "plan.saved" => "label-audit-plan-saved",
        "plan.submitted" => "label-audit-plan-submitted",
        "plan.standard_applied" => "label-audit-standard-applied",
        "plan.revised" => "label-audit-plan-revised",
        "review.accepted" => "label-audit-review-accepted",
        "review.returned" => "label-audit-review-returned",
        "consent.agreed" => "label-audit-consent-agreed",
        "consent.declined_replan" => "label-audit-consent-declined-replan",
        "consent.declined_cancel" => "label-audit-consent-declined-cancel",
        "approval.approved" => "label-audit-approval-approved",
        "approval.rejected" => "label-audit-approval-rejected",
        "parts.issued" => "label-audit-parts-issued",
        "parts.returned" => "label-audit-parts-returned",
        "sourcing.proposed" => "label-audit-sourcing-proposed",
        "sourcing.reviewed" => "label-audit-sourcing-reviewed",
        "sourcing.placed" => "label-audit-sourcing-placed",
        "sourcing.shipped" => "label-audit-sourcing-shipped",
        "sourcing.received" => "label-audit-sourcing-received",
        "sourcing.delivered" => "label-audit-sourcing-delivered",
        "sourcing.cancelled" => "label-audit-sourcing-cancelled",
        "sourcing.held" => "label-audit-sourcing-held",
        "stock.changed" => "label-audit-stock-changed",
        "customer.location_shared" => "label-audit-customer-location-shared",
        "customer.location_requested" => "label-audit-customer-location-requested",
        "crew.acknowledged" => "label-audit-crew-acknowledged",
        "crew.departed" => "label-audit-crew-departed",
        "crew.arrived" => "label-audit-crew-arrived",
        "site.mismatch_reported" => "label-audit-site-mismatch-reported",
        "site.resolved" => "label-audit-site-resolved",
        "site.towed" => "label-audit-site-towed",
        "ticket.closed" => "label-audit-ticket-closed",
        "ticket.cancelled" => "label-audit-ticket-cancelled",
        other => return other.to_owned(),
    };
    l.t(key)
}
