//! The workshop lead's plan editor: crew and rescue lead, tools, parts from the catalogue, repair items; the cost is the server's, live.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::form::Fields;
use super::session::{Chrome, WebUser};
use super::{html, redirect, OrPage, PageError};
use crate::domain::ids::StandardPlanId;
use crate::domain::money::Fen;
use crate::domain::plan::{CrewLine, ItemLine, PartLine, PlanRequest, PlanStatus, ToolLine};
use crate::domain::role::Action;
use crate::domain::rota::Duty;
use crate::domain::workflow::Event;
use crate::error::{AppError, ErrorCode};
use crate::i18n::Msg;
use crate::services::standard_plans::{self, ApplyRequest};
use crate::services::tickets::TicketView;
use crate::services::views::Part;
use crate::services::{plans, resources, workflow};
use crate::state::AppState;

pub struct CrewOption {
    pub id: String,
    pub name: String,
    pub grade: String,
    pub skills: String,
    pub login: String,
    pub checked: bool,
    pub lead: bool,
    /// The number of another ticket whose crew is out (dispatched, on site) with them.
    pub busy_on: Option<String>,
    /// That ticket's status in words.
    pub busy_status: String,
    /// The lead puts them on this crew all the same (`override`), and says why.
    pub override_on: bool,
    pub override_reason: String,
    /// The duty rota now: `on_call` or `off` (with its label) is shown; on duty or not on the
    /// rota says nothing.
    pub duty: Option<(&'static str, String)>,
    /// A sister dealer's technician: that dealer's name.
    pub sister: Option<String>,
}

/// A recommended technician as the editor lists them.
pub struct RecommendedOption {
    pub id: String,
    pub name: String,
    pub grade: String,
    /// A sister dealer's: its badge.
    pub sister: Option<String>,
    pub reasons: Vec<String>,
}

/// The editor's recommendation box.
pub struct RecommendedBox {
    /// The skills the fault calls for, in a sentence.
    pub wanted: String,
    pub items: Vec<RecommendedOption>,
}

pub struct ToolOption {
    pub id: String,
    pub code: String,
    pub name: String,
    pub owned: i32,
    pub qty: String,
}

pub struct PartInput {
    pub part_id: String,
    pub label: String,
    pub qty: String,
    pub available: i32,
    pub flags: String,
}

/// A standard plan (标准救援方案) the lead may apply instead of writing the lines.
pub struct StandardOption {
    pub id: String,
    /// Name, crew size and ceiling in the page's language.
    pub label: String,
    pub selected: bool,
}

pub struct ItemInput {
    pub desc: String,
    pub minutes: String,
    pub rate: String,
}

/// A rescue vehicle the lead may pick.
pub struct VehicleChoice {
    pub id: String,
    pub plate: String,
    pub kind: String,
    /// It can take the car away (tow truck, flatbed).
    pub tows: bool,
    /// What stands in its way, in words (out on R-…, check failed …); `None`: ready and free.
    pub blocked: Option<String>,
}

/// What the editor shows: the dealer's options and the values of the plan being written.
pub struct EditorState {
    pub crew: Vec<CrewOption>,
    pub tools: Vec<ToolOption>,
    pub parts: Vec<PartInput>,
    pub items: Vec<ItemInput>,
    pub estimated_minutes: String,
    pub travel_km: String,
    pub special_notes: String,
    /// The standard plan picked on the form, kept when the page comes back with errors.
    pub standard_plan_id: String,
    pub recommended: RecommendedBox,
    /// The dealer's rescue vehicles; empty hides the box.
    pub vehicles: Vec<VehicleChoice>,
    /// The vehicle picked (an id of `vehicles`, or empty).
    pub vehicle_id: String,
    pub tow: bool,
    pub vehicle_override: String,
}

#[derive(Template)]
#[template(path = "plan_editor.html", config = "src/web/askama.toml")]
struct EditorPage {
    c: Chrome,
    ticket_id: String,
    number: String,
    fault: String,
    model: String,
    s: EditorState,
    version_note: String,
    cost_total_fen: i64,
    cost_yuan: String,
    parts_yuan: String,
    labour_yuan: String,
    travel_yuan: String,
    travel_used: String,
    submit_version: Option<i32>,
    /// The dealer's active standard plans; empty hides the box.
    standards: Vec<StandardOption>,
    errors: BTreeMap<String, String>,
    alert: Option<(&'static str, String)>,
}

impl EditorPage {
    fn field_label(&self, field: &str) -> String {
        field_label(self.c.locale, field)
    }

    /// ` aria-invalid="true"` on the input of a refused field (`estimated_minutes`,
    /// `items[1].labour_minutes`); the rate is checked as typed and in fen.
    fn mark(&self, field: &str) -> &'static str {
        let rate = field
            .strip_suffix(".rate")
            .map(|line| format!("{line}.rate_fen_per_hour"));
        if self.errors.contains_key(field) || rate.is_some_and(|r| self.errors.contains_key(&r)) {
            r#" aria-invalid="true""#
        } else {
            ""
        }
    }

    /// The same for a line's field, by the line's row on the form.
    fn mark_line(&self, kind: &str, row: &usize, field: &str) -> &'static str {
        self.mark(&format!("{kind}[{row}].{field}"))
    }

    /// ` invalid` on a part of the form (crew, tools, parts, items) with a refusal of its own,
    /// for the fieldset to be outlined. A line's refusal marks its row or input instead; the crew
    /// has no input per line, so its lines' refusals mark the fieldset too.
    fn group(&self, kind: &str) -> &'static str {
        if self
            .errors
            .keys()
            .any(|k| k == kind || kind == "crew" && k.starts_with("crew["))
        {
            " invalid"
        } else {
            ""
        }
    }

    /// ` invalid` on a line (`parts[2]`, `tools[0]`) with any refusal.
    fn row_mark(&self, kind: &str, row: &usize) -> &'static str {
        let line = format!("{kind}[{row}]");
        if self.errors.keys().any(|k| k.starts_with(&line)) {
            " invalid"
        } else {
            ""
        }
    }
}

#[derive(Template)]
#[template(path = "plan_cost.html", config = "src/web/askama.toml")]
struct CostFragment {
    c: Chrome,
    cost_total_fen: i64,
    cost_yuan: String,
    parts_yuan: String,
    labour_yuan: String,
    travel_yuan: String,
    travel_used: String,
}

#[derive(Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

/// Loads the dealer's technicians, tools and the current plan (to edit it, or to start the next version from it).
async fn load_state(
    state: &AppState,
    user: &WebUser,
    ticket_id: &crate::domain::ids::TicketId,
) -> Result<(EditorState, TicketView, Option<plans::PlanView>), AppError> {
    let l = user.locale;
    let o = resources::editor_options(
        &state.db,
        &user.identity,
        ticket_id.to_owned(),
        state.settings.recommend.clone(),
        state.settings.eta.model(),
    )
    .await?;
    let (techs, skills, busy, logins, tools, plan) =
        (o.technicians, o.skills, o.busy, o.logins, o.tools, o.plan);
    let (duty, sisters) = (o.duty, o.sister_dealer);
    let mut recommended = o.recommended;
    crate::services::recommend::render(&mut recommended, l);
    let recommended = RecommendedBox {
        wanted: if recommended.wanted_skills.is_empty() {
            l.t("rec-wanted-none")
        } else {
            let names: Vec<String> = recommended
                .wanted_skills
                .iter()
                .map(|s| staff_label(l, s))
                .collect();
            l.t_with(
                "rec-wanted",
                &[("skills", names.join(&l.t("punct-list-sep")).into())],
            )
        },
        items: recommended
            .items
            .into_iter()
            .map(|r| RecommendedOption {
                sister: (!r.own_dealer)
                    .then(|| l.t_with("rec-sister-badge", &[("dealer", r.dealer_name.into())])),
                grade: staff_label(l, &r.grade),
                id: r.technician_id,
                name: r.name,
                reasons: r.reasons,
            })
            .collect(),
    };
    let mut state = EditorState {
        crew: techs
            .iter()
            .map(|t| {
                let member = plan
                    .as_ref()
                    .and_then(|p| p.crew.iter().find(|c| c.technician_id == t.id));
                CrewOption {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    grade: staff_label(l, &t.grade),
                    skills: skills
                        .iter()
                        .filter(|(id, _)| *id == t.id)
                        .map(|(_, s)| staff_label(l, s))
                        .collect::<Vec<_>>()
                        .join(&l.t("punct-list-sep")),
                    busy_on: busy
                        .iter()
                        .find(|e| e.technician_id == t.id)
                        .map(|e| e.number.clone()),
                    busy_status: busy
                        .iter()
                        .find(|e| e.technician_id == t.id)
                        .map(|e| l.t(e.status.label_key()))
                        .unwrap_or_default(),
                    override_on: false,
                    override_reason: String::new(),
                    login: logins
                        .iter()
                        .find(|(id, _)| *id == t.id)
                        .map(|(_, l)| l.clone())
                        .unwrap_or_default(),
                    checked: member.is_some(),
                    lead: member.is_some_and(|m| m.lead),
                    duty: duty
                        .get(&t.id)
                        .filter(|d| matches!(d, Duty::OnCall | Duty::Off))
                        .map(|d| (d.as_str(), l.t(d.label_key()))),
                    sister: sisters.get(&t.id).map(|name| {
                        l.t_with("rec-sister-badge", &[("dealer", name.clone().into())])
                    }),
                }
            })
            .collect(),
        tools: tools
            .iter()
            .map(|t| ToolOption {
                id: t.id.clone(),
                code: t.code.clone(),
                name: l.name(&t.name_zh, &t.name_en).to_owned(),
                owned: t.quantity,
                qty: plan
                    .as_ref()
                    .and_then(|p| p.tools.iter().find(|x| x.tool_id == t.id))
                    .map_or("0".into(), |x| x.quantity.to_string()),
            })
            .collect(),
        parts: plan
            .as_ref()
            .map(|p| {
                p.parts
                    .iter()
                    .map(|x| PartInput {
                        part_id: x.line.part_id.clone(),
                        label: format!(
                            "{} {}",
                            x.line.part_no,
                            l.name(&x.line.name_zh, &x.line.name_en)
                        ),
                        qty: x.line.quantity.to_string(),
                        available: x.available_here,
                        flags: flags(l, x.line.dangerous_goods, x.line.monitored),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        items: plan
            .as_ref()
            .map(|p| {
                p.items
                    .iter()
                    .map(|i| ItemInput {
                        desc: i.description.clone(),
                        minutes: i.labour_minutes.to_string(),
                        rate: Fen::from_fen(i.rate_fen_per_hour).yuan_string(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        estimated_minutes: plan
            .as_ref()
            .map(|p| p.estimated_minutes.to_string())
            .unwrap_or_default(),
        travel_km: plan
            .as_ref()
            .map(|p| format!("{:.1}", p.travel_km))
            .unwrap_or_default(),
        special_notes: plan
            .as_ref()
            .map(|p| p.special_notes.clone())
            .unwrap_or_default(),
        standard_plan_id: String::new(),
        recommended,
        vehicles: o
            .vehicles
            .iter()
            .map(|v| VehicleChoice {
                id: v.id.clone(),
                plate: v.plate.clone(),
                kind: l.t(v.kind.label_key()),
                tows: v.kind.tows(),
                blocked: v.unavailable().map(|why| vehicle_blocked(l, &why)),
            })
            .collect(),
        vehicle_id: plan
            .as_ref()
            .and_then(|p| p.vehicle.as_ref())
            .map(|v| v.vehicle_id.clone())
            .unwrap_or_default(),
        tow: plan
            .as_ref()
            .and_then(|p| p.vehicle.as_ref())
            .is_some_and(|v| v.tows),
        vehicle_override: plan
            .as_ref()
            .and_then(|p| p.vehicle.as_ref())
            .and_then(|v| v.override_reason.clone())
            .unwrap_or_default(),
    };
    // Those the rota has off last: the ones who may be sent come first.
    state
        .crew
        .sort_by_key(|c| c.duty.as_ref().is_some_and(|d| d.0 == "off"));
    Ok((state, o.ticket, plan))
}

/// Why a vehicle may not simply go, in a few words for its radio button.
fn vehicle_blocked(l: crate::i18n::Locale, why: &crate::domain::fleet::Unavailable) -> String {
    match why {
        crate::domain::fleet::Unavailable::Out { number } => {
            l.t_with("fleet-marker-out", &[("ticket", number.clone().into())])
        }
        crate::domain::fleet::Unavailable::NotReady(r) => l.t(r.label_key()),
    }
}

/// A technician's skill or grade code in the page's language; a code the demo's tables do not
/// know is shown as stored.
fn staff_label(l: crate::i18n::Locale, code: &str) -> String {
    crate::demo::staff_label_key(code).map_or_else(|| code.to_owned(), |key| l.t(key))
}

fn flags(l: crate::i18n::Locale, dangerous: bool, monitored: bool) -> String {
    let mut f = Vec::new();
    if dangerous {
        f.push(l.t("plan-editor-flag-dangerous"));
    }
    if monitored {
        f.push(l.t("plan-editor-flag-monitored"));
    }
    f.join(" ")
}

pub async fn edit(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    q: web::Query<Saved>,
) -> Result<HttpResponse, PageError> {
    workflow::require(&user.identity, Event::StartPlanning).or_page(user.locale)?;
    let id = super::page_ticket_id(&id, user.locale)?;
    let (mut s, ticket, plan) = load_state(&state, &user, &id).await.or_page(user.locale)?;
    if s.items.is_empty() {
        s.items.push(ItemInput {
            desc: String::new(),
            minutes: String::new(),
            rate: String::new(),
        });
    }
    let alert = q
        .saved
        .as_ref()
        .map(|_| ("ok", user.locale.t("plan-editor-plan-saved")));
    render(
        &state,
        &user,
        ticket,
        s,
        plan,
        BTreeMap::new(),
        alert,
        StatusCode::OK,
    )
    .await
}

/// The standard plans the lead may pick, the one on the form selected.
async fn standard_options(
    state: &AppState,
    user: &WebUser,
    selected: &str,
) -> Result<Vec<StandardOption>, AppError> {
    let l = user.locale;
    if !user.identity.may(Action::ViewStandardPlans) {
        return Ok(Vec::new());
    }
    Ok(standard_plans::list(&state.db, &user.identity, true)
        .await?
        .into_iter()
        .map(|p| StandardOption {
            label: l.t_with(
                "std-option",
                &[
                    ("name", p.name.clone().into()),
                    ("crew", p.crew_size.into()),
                    ("ceiling", p.price_ceiling_yuan.clone().into()),
                ],
            ),
            selected: p.id == selected,
            id: p.id,
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    user: &WebUser,
    ticket: TicketView,
    s: EditorState,
    plan: Option<plans::PlanView>,
    errors: BTreeMap<String, String>,
    alert: Option<(&'static str, String)>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    let standards = standard_options(state, user, &s.standard_plan_id)
        .await
        .or_page(l)?;
    let (cost, travel) = plans::preview(
        &state.db,
        &user.identity,
        super::page_ticket_id(&ticket.id, l)?,
        to_request(&Fields::from_state(&s)).0,
        &state.settings.pricing,
        state.settings.eta.model(),
    )
    .await
    .or_page(l)?;
    let ticket_status = ticket.status;
    let version_note = match &plan {
        None => l.t("plan-editor-new-plan"),
        Some(p) if p.status == PlanStatus::Draft => l.t_with(
            "plan-editor-draft-version",
            &[("version", p.version.into())],
        ),
        Some(p) => l.t_with(
            "plan-editor-saving-makes-version",
            &[("version", (p.version + 1).into())],
        ),
    };
    let submit_version = plan
        .as_ref()
        .filter(|p| {
            p.status == PlanStatus::Draft
                && crate::domain::workflow::transition(
                    ticket_status,
                    Event::SubmitPlan,
                    Default::default(),
                )
                .is_ok()
        })
        .map(|p| p.version);
    Ok(html(
        status,
        &EditorPage {
            c: user.chrome(),
            ticket_id: ticket.id,
            number: ticket.number,
            fault: ticket.fault,
            model: ticket.model,
            s,
            version_note,
            cost_total_fen: cost.total_fen,
            cost_yuan: Fen::from_fen(cost.total_fen).yuan_string(),
            parts_yuan: Fen::from_fen(cost.parts_fen).yuan_string(),
            labour_yuan: Fen::from_fen(cost.labour_fen).yuan_string(),
            travel_yuan: Fen::from_fen(cost.travel_fen).yuan_string(),
            travel_used: format!("{travel:.1}"),
            submit_version,
            standards,
            errors,
            alert,
        },
    ))
}

impl Fields {
    /// The editor's own values as a form, so render and preview read them the same way.
    fn from_state(s: &EditorState) -> Fields {
        let mut pairs = Vec::new();
        for c in s.crew.iter().filter(|c| c.checked) {
            pairs.push(("crew".to_owned(), c.id.clone()));
            if c.lead {
                pairs.push(("lead".to_owned(), c.id.clone()));
            }
        }
        for t in &s.tools {
            pairs.push((format!("tool:{}", t.id), t.qty.clone()));
        }
        for p in &s.parts {
            pairs.push(("part_id".to_owned(), p.part_id.clone()));
            pairs.push(("part_qty".to_owned(), p.qty.clone()));
        }
        for i in &s.items {
            pairs.push(("item_desc".to_owned(), i.desc.clone()));
            pairs.push(("item_minutes".to_owned(), i.minutes.clone()));
            pairs.push(("item_rate".to_owned(), i.rate.clone()));
        }
        pairs.push(("estimated_minutes".to_owned(), s.estimated_minutes.clone()));
        pairs.push(("travel_km".to_owned(), s.travel_km.clone()));
        pairs.push(("special_notes".to_owned(), s.special_notes.clone()));
        pairs.push(("vehicle_id".to_owned(), s.vehicle_id.clone()));
        if s.tow {
            pairs.push(("tow".to_owned(), "1".to_owned()));
        }
        pairs.push(("vehicle_override".to_owned(), s.vehicle_override.clone()));
        Fields::from_pairs(pairs)
    }
}

/// Where each line of a plan request stands on the form: the request leaves out tools set to 0,
/// part lines whose quantity is not a number and blank repair items, so the request's line `k`
/// is the form's row `tools[k]` / `parts[k]` / `items[k]`.
#[derive(Default)]
struct Rows {
    tools: Vec<usize>,
    parts: Vec<usize>,
    items: Vec<usize>,
}

impl Rows {
    /// A request field (`items[0].description`) as the form's field (`items[2].description`).
    fn on_form(&self, field: &str) -> String {
        let Some((kind, rest)) = field.split_once('[') else {
            return field.to_owned();
        };
        let rows = match kind {
            "tools" => &self.tools,
            "parts" => &self.parts,
            "items" => &self.items,
            _ => return field.to_owned(),
        };
        let Some((k, rest)) = rest.split_once(']') else {
            return field.to_owned();
        };
        match k.parse::<usize>().ok().and_then(|k| rows.get(k)) {
            Some(row) => format!("{kind}[{row}]{rest}"),
            None => field.to_owned(),
        }
    }
}

/// The plan request the form describes, the fields whose text is not a number (by form row),
/// and where each request line stands on the form.
fn to_request(f: &Fields) -> (PlanRequest, BTreeMap<String, Msg>, Rows) {
    let mut errors = BTreeMap::new();
    let mut rows = Rows::default();
    let lead = f.get("lead");
    let crew = f
        .all("crew")
        .into_iter()
        .map(|id| CrewLine {
            technician_id: id.into(),
            lead: id == lead,
        })
        .collect();
    let mut tools = Vec::new();
    for (i, (id, qty)) in f.prefixed("tool:").enumerate() {
        match qty.parse::<i64>() {
            Ok(0) => {}
            Ok(q) => {
                rows.tools.push(i);
                tools.push(ToolLine {
                    tool_id: id.into(),
                    quantity: q,
                })
            }
            Err(_) if qty.is_empty() => {}
            Err(_) => {
                errors.insert(
                    format!("tools[{i}].quantity"),
                    Msg::new("plan-editor-enter-whole-number"),
                );
            }
        }
    }
    let mut parts = Vec::new();
    for (i, (id, qty)) in f
        .all("part_id")
        .into_iter()
        .zip(f.all("part_qty"))
        .enumerate()
    {
        match qty.parse::<i64>() {
            Ok(q) => {
                rows.parts.push(i);
                parts.push(PartLine {
                    part_id: id.into(),
                    quantity: q,
                })
            }
            Err(_) => {
                errors.insert(
                    format!("parts[{i}].quantity"),
                    Msg::new("plan-editor-enter-whole-number"),
                );
            }
        }
    }
    let mut items = Vec::new();
    let (descs, minutes, rates) = (
        f.all("item_desc"),
        f.all("item_minutes"),
        f.all("item_rate"),
    );
    for (i, desc) in descs.iter().enumerate() {
        let (m, r) = (
            minutes.get(i).copied().unwrap_or(""),
            rates.get(i).copied().unwrap_or(""),
        );
        if desc.is_empty() && m.is_empty() && r.is_empty() {
            continue;
        }
        rows.items.push(i);
        let labour_minutes = m.parse::<i64>().unwrap_or_else(|_| {
            errors.insert(
                format!("items[{i}].labour_minutes"),
                Msg::new("plan-editor-enter-whole-minutes"),
            );
            0
        });
        let rate_fen_per_hour = if r.is_empty() {
            None
        } else {
            match Fen::from_yuan_str(r) {
                Ok(fen) => Some(fen.as_fen()),
                Err(e) => {
                    errors.insert(format!("items[{i}].rate"), e.msg());
                    None
                }
            }
        };
        items.push(ItemLine {
            description: (*desc).to_owned(),
            labour_minutes,
            rate_fen_per_hour,
        });
    }
    let estimated_minutes = match f.get("estimated_minutes") {
        "" => None,
        s => s.parse().map(Some).unwrap_or_else(|_| {
            errors.insert(
                "estimated_minutes".into(),
                Msg::new("plan-editor-enter-whole-minutes"),
            );
            None
        }),
    };
    let travel_km = match f.get("travel_km") {
        "" => None,
        s => s.parse().map(Some).unwrap_or_else(|_| {
            errors.insert("travel_km".into(), Msg::new("plan-editor-enter-kilometres"));
            None
        }),
    };
    let vehicle_id = match f.get("vehicle_id").trim() {
        "" => None,
        v => crate::domain::ids::RescueVehicleId::parse(v).or_else(|| {
            errors.insert("vehicle_id".into(), Msg::new("fleet-not-our-vehicle"));
            None
        }),
    };
    let vehicle_override = Some(f.get("vehicle_override").to_owned()).filter(|r| !r.is_empty());
    (
        PlanRequest {
            vehicle_id,
            tow: f.get("tow") == "1",
            vehicle_override,
            crew,
            tools,
            parts,
            items,
            estimated_minutes,
            travel_km,
            special_notes: f.get("special_notes").to_owned(),
            overrides: f
                .all("override")
                .into_iter()
                .map(|id| crate::domain::availability::BusyOverride {
                    technician_id: id.into(),
                    reason: f.get(&format!("override_reason:{id}")).to_owned(),
                })
                .collect(),
        },
        errors,
        rows,
    )
}

/// Rebuilds the editor from what was posted, keeping every typed value.
fn state_from(
    f: &Fields,
    mut s: EditorState,
    l: crate::i18n::Locale,
    catalogue: &[(Part, i32)],
) -> EditorState {
    let crew = f.all("crew");
    let lead = f.get("lead");
    let overridden = f.all("override");
    for c in &mut s.crew {
        c.checked = crew.contains(&c.id.as_str());
        c.lead = c.id == lead;
        c.override_on = overridden.contains(&c.id.as_str());
        c.override_reason = f.get(&format!("override_reason:{}", c.id)).to_owned();
    }
    for t in &mut s.tools {
        t.qty = f
            .prefixed("tool:")
            .find(|(id, _)| *id == t.id)
            .map_or("0".into(), |(_, q)| q.to_owned());
    }
    s.parts = f
        .all("part_id")
        .into_iter()
        .zip(f.all("part_qty"))
        .map(|(id, qty)| {
            let known = catalogue.iter().find(|(p, _)| p.id == id);
            PartInput {
                part_id: id.into(),
                label: known.map_or(id.to_owned(), |(p, _)| {
                    format!("{} {}", p.part_no, l.name(&p.name_zh, &p.name_en))
                }),
                qty: qty.to_owned(),
                available: known.map_or(0, |(_, a)| *a),
                flags: known.map_or(String::new(), |(p, _)| {
                    flags(l, p.dangerous_goods, p.monitored)
                }),
            }
        })
        .collect();
    let (descs, minutes, rates) = (
        f.all("item_desc"),
        f.all("item_minutes"),
        f.all("item_rate"),
    );
    s.items = descs
        .iter()
        .enumerate()
        .map(|(i, d)| ItemInput {
            desc: (*d).to_owned(),
            minutes: minutes.get(i).copied().unwrap_or("").to_owned(),
            rate: rates.get(i).copied().unwrap_or("").to_owned(),
        })
        .collect();
    if s.items.is_empty() {
        s.items.push(ItemInput {
            desc: String::new(),
            minutes: String::new(),
            rate: String::new(),
        });
    }
    s.estimated_minutes = f.get("estimated_minutes").to_owned();
    s.travel_km = f.get("travel_km").to_owned();
    s.special_notes = f.get("special_notes").to_owned();
    s.standard_plan_id = f.get("standard_plan_id").to_owned();
    s.vehicle_id = f.get("vehicle_id").to_owned();
    s.tow = f.get("tow") == "1";
    s.vehicle_override = f.get("vehicle_override").to_owned();
    s
}

/// What the editor's buttons ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Save,
    Submit,
    /// Make the plan from the picked standard plan with the ticked crew, and submit it.
    Standard,
}

pub async fn save(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    save_or_submit(state, user, id.into_inner(), body, Mode::Save).await
}

/// The standard plan box: the picked standard plan's tools and items with the crew ticked on the
/// form (and its distance, if typed); what else is typed is not used.
pub async fn apply_standard(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    save_or_submit(state, user, id.into_inner(), body, Mode::Standard).await
}

/// The editor's submit button: the form as typed is saved and that version submitted,
/// so unsaved edits are never left behind.
pub async fn submit(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    save_or_submit(state, user, id.into_inner(), body, Mode::Submit).await
}

async fn save_or_submit(
    state: web::Data<AppState>,
    user: WebUser,
    id: String,
    body: web::Bytes,
    mode: Mode,
) -> Result<HttpResponse, PageError> {
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    workflow::require(&user.identity, Event::StartPlanning).or_page(user.locale)?;
    if mode != Mode::Save {
        workflow::require(&user.identity, Event::SubmitPlan).or_page(user.locale)?;
    }
    let id = super::page_ticket_id(&id, user.locale)?;
    let (req, mut form_errors, rows) = to_request(&f);
    if mode == Mode::Standard {
        // Only the crew and the distance are taken from the form.
        form_errors.retain(|k, _| k == "travel_km" || k.starts_with("crew"));
    }
    let result = if mode == Mode::Standard && form_errors.is_empty() {
        match StandardPlanId::parse(f.get("standard_plan_id").trim()) {
            None => Err(AppError::field(
                "standard_plan_id",
                Msg::new("svc-std-pick-one"),
            )),
            Some(standard_plan_id) => standard_plans::apply(
                &state.db,
                &state.notifier,
                &user.identity,
                id.clone(),
                ApplyRequest {
                    standard_plan_id,
                    crew: req.crew.clone(),
                    travel_km: req.travel_km,
                    overrides: req.overrides.clone(),
                },
                &state.settings.pricing,
                state.settings.eta.model(),
            )
            .await
            .map(|_| ()),
        }
    } else if !form_errors.is_empty() {
        // A field that is not even a number must not hide the others: the rest of the plan is
        // checked now, so every bad field is marked in one round.
        let default_rate =
            Fen::from_fen(i64::from(state.settings.pricing.labour_rate_fen_per_hour));
        let rest = req.validate(default_rate).err().unwrap_or_default();
        Err(AppError::validation(rest.into_iter().collect()))
    } else if mode == Mode::Submit {
        plans::save_and_submit(
            &state.db,
            &state.notifier,
            &user.identity,
            id.clone(),
            req,
            &state.settings.pricing,
            state.settings.eta.model(),
        )
        .await
        .map(|_| ())
    } else {
        plans::save(
            &state.db,
            &user.identity,
            id.clone(),
            req,
            &state.settings.pricing,
            state.settings.eta.model(),
        )
        .await
        .map(|_| ())
    };
    match result {
        Ok(()) if mode != Mode::Save => Ok(redirect(&format!("/tickets/{id}"))),
        Ok(()) => Ok(redirect(&format!("/tickets/{id}/plan?saved=1"))),
        Err(e)
            if e.code == ErrorCode::ValidationFailed
                || e.code == ErrorCode::InvalidTransition
                || e.code == ErrorCode::StaleState
                || e.code == ErrorCode::LocationPending
                || e.code == ErrorCode::VehicleUnavailable =>
        {
            let l = user.locale;
            let mut errors: BTreeMap<String, String> = form_errors
                .iter()
                .map(|(k, m)| (k.clone(), m.render(l)))
                .collect();
            if e.code == ErrorCode::VehicleUnavailable {
                // Marks the reason box: that is what the lead fills in to send it all the same.
                errors.insert("vehicle_override".into(), l.t("fleet-override-needed"));
            }
            for (k, v) in &e.fields {
                errors.entry(rows.on_form(k)).or_insert_with(|| v.render(l));
            }
            let alert = Some((
                "error",
                if e.fields.is_empty() && e.code != ErrorCode::ValidationFailed {
                    e.message_in(l)
                } else {
                    l.t("form-correct-marked-fields")
                },
            ));
            let (base, ticket, plan) = load_state(&state, &user, &id).await.or_page(l)?;
            let ids: Vec<String> = f.all("part_id").into_iter().map(str::to_owned).collect();
            let catalogue = resources::parts_by_ids(&state.db, &user.identity, ids)
                .await
                .or_page(l)?;
            let s = state_from(&f, base, l, &catalogue);
            render(
                &state,
                &user,
                ticket,
                s,
                plan,
                errors,
                alert,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(PageError::App(e, user.locale)),
    }
}

/// htmx: the server's cost for the plan as currently typed.
pub async fn preview(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let f = Fields::parse(&body);
    let (req, _, _) = to_request(&f);
    let (cost, travel) = plans::preview(
        &state.db,
        &user.identity,
        super::page_ticket_id(&id, user.locale)?,
        req,
        &state.settings.pricing,
        state.settings.eta.model(),
    )
    .await
    .or_page(user.locale)?;
    let y = |fen: i64| Fen::from_fen(fen).yuan_string();
    Ok(html(
        StatusCode::OK,
        &CostFragment {
            c: user.chrome(),
            cost_total_fen: cost.total_fen,
            cost_yuan: y(cost.total_fen),
            parts_yuan: y(cost.parts_fen),
            labour_yuan: y(cost.labour_fen),
            travel_yuan: y(cost.travel_fen),
            travel_used: format!("{travel:.1}"),
        },
    ))
}

pub struct PartResult {
    pub id: String,
    pub label: String,
    pub price: String,
    pub available: i32,
    pub flags: String,
    /// For a part the dealer lacks: when the fastest allowed sourcing option could bring it.
    pub sourced_by: Option<String>,
}

#[derive(Template)]
#[template(path = "part_results.html", config = "src/web/askama.toml")]
struct PartResults {
    c: Chrome,
    q: String,
    results: Vec<PartResult>,
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

/// htmx: catalogue search with what this dealer has available, parts that fit the car first,
/// and for a part the dealer lacks, when it could be brought.
pub async fn search_parts(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    q: web::Query<SearchQuery>,
) -> Result<HttpResponse, PageError> {
    let raw = q.q.clone().unwrap_or_default();
    let l = user.locale;
    let term = crate::domain::search::SearchTerm::parse(&raw);
    // A pasted paragraph is answered like the API answers it, with the reason, never searched.
    if let Err(e @ crate::domain::search::SearchTermError::TooLong { .. }) = term {
        return Err(PageError::App(AppError::field("q", e.msg()), l));
    }
    let query: String = raw
        .trim()
        .chars()
        .take(crate::domain::search::MAX_CHARS)
        .collect();
    let results = if let Ok(term) = term {
        let found = resources::search_for_ticket(
            &state.db,
            &user.identity,
            super::page_ticket_id(&id, l)?,
            term,
            state.settings.sourcing.clone(),
            state.settings.eta.model(),
        )
        .await
        .or_page(l)?;
        found
            .into_iter()
            .map(|(p, available, eta)| PartResult {
                label: format!("{} {}", p.part_no, l.name(&p.name_zh, &p.name_en)),
                price: Fen::from_fen(p.price_fen).yuan_string(),
                flags: flags(l, p.dangerous_goods, p.monitored),
                sourced_by: eta.map(|t| super::tickets::local(&state, &t)),
                id: p.id,
                available,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(html(
        StatusCode::OK,
        &PartResults {
            c: user.chrome(),
            q: query,
            results,
        },
    ))
}

/// A plan field's name in words, for the error list (`items[1].labour_minutes` → "维修项目 第 2 行").
pub fn field_label(l: crate::i18n::Locale, field: &str) -> String {
    let (name, rest) = field.split_once('[').unwrap_or((field, ""));
    let key = match name {
        "crew" => "plan-field-crew",
        "tools" => "plan-field-tools",
        "parts" => "plan-field-parts",
        "items" => "plan-field-items",
        "estimated_minutes" => "plan-field-estimated-minutes",
        "travel_km" => "plan-field-travel-km",
        "special_notes" => "plan-field-special-notes",
        "overrides" => "phone-field-override",
        "version" => "plan-field-version",
        "standard_plan_id" => "std-field-standard-plan",
        "vehicle_id" => "fleet-field-vehicle",
        "vehicle_override" => "fleet-field-override",
        // A field this list does not know is shown as sent: better a code than nothing.
        _ => return field.to_owned(),
    };
    let mut label = l.t(key);
    if let Some(i) = rest.split(']').next().and_then(|i| i.parse::<u64>().ok()) {
        label.push(' ');
        label.push_str(&l.t_with("plan-field-line", &[("line", (i + 1).into())]));
    }
    label
}
