//! The standard plans pages (标准救援方案): the dealer's list for those who plan, review and take consent calls, and the director's form to define or change one.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::form::Fields;
use super::session::{Chrome, WebUser};
use super::{html, redirect, OrPage, PageError};
use crate::domain::ids::{StandardPlanId, ToolId};
use crate::domain::money::Fen;
use crate::domain::plan::ToolLine;
use crate::domain::role::Action;
use crate::domain::standard_plan::{StandardItem, StandardKind, MAX_ITEMS};
use crate::error::{AppError, ErrorCode, Thing};
use crate::i18n::Msg;
use crate::services::resources;
use crate::services::standard_plans::{self, StandardPlanRequest, StandardPlanView};
use crate::state::AppState;

/// A row of the list, in the page's language.
pub struct Row {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub crew_size: i32,
    pub minutes: i32,
    pub ceiling_yuan: String,
    pub agent_consent: bool,
    pub active: bool,
    pub version: i32,
    pub approved: String,
    pub tools: String,
    pub items: String,
}

#[derive(Template)]
#[template(path = "standard_plans.html", config = "src/web/askama.toml")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    may_manage: bool,
    alert: Option<(&'static str, String)>,
}

/// One tool of the dealer on the form, with the quantity the plan takes.
pub struct ToolInput {
    pub id: String,
    pub name: String,
    pub owned: i32,
    pub qty: String,
}

pub struct ItemInput {
    pub desc: String,
    pub minutes: String,
}

/// The form's values as typed (or as stored, to change them).
pub struct FormValues {
    pub name: String,
    pub kind: String,
    pub crew_size: String,
    pub estimated_minutes: String,
    pub ceiling_yuan: String,
    pub agent_consent: bool,
    pub active: bool,
    pub version: String,
    pub tools: Vec<ToolInput>,
    pub items: Vec<ItemInput>,
}

#[derive(Template)]
#[template(path = "standard_plan_form.html", config = "src/web/askama.toml")]
struct FormPage {
    c: Chrome,
    /// `None`: a new standard plan.
    id: Option<String>,
    v: FormValues,
    kinds: Vec<(&'static str, String)>,
    /// The standing approval now in force, in words (on change).
    approved: String,
    errors: BTreeMap<String, String>,
    alert: Option<(&'static str, String)>,
}

impl FormPage {
    fn mark(&self, field: &str) -> &'static str {
        if self
            .errors
            .keys()
            .any(|k| k == field || k.starts_with(&format!("{field}[")))
        {
            r#" aria-invalid="true""#
        } else {
            ""
        }
    }

    fn error(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|(k, _)| *k == field || k.starts_with(&format!("{field}[")))
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn approved_words(state: &AppState, l: crate::i18n::Locale, p: &StandardPlanView) -> String {
    l.t_with(
        "std-approved-by",
        &[
            ("name", p.approved_by_name.clone().into()),
            ("version", p.version.into()),
            ("when", super::tickets::local(state, &p.approved_at).into()),
        ],
    )
}

fn row(state: &AppState, l: crate::i18n::Locale, p: StandardPlanView) -> Row {
    let sep = l.t("punct-list-sep");
    Row {
        approved: approved_words(state, l, &p),
        kind: l.t(p.kind.label_key()),
        tools: p
            .tools
            .iter()
            .map(|t| format!("{}×{}", l.name(&t.name_zh, &t.name_en), t.quantity))
            .collect::<Vec<_>>()
            .join(&sep),
        items: p
            .items
            .iter()
            .map(|i| i.description.clone())
            .collect::<Vec<_>>()
            .join(&sep),
        id: p.id,
        name: p.name,
        crew_size: p.crew_size,
        minutes: p.estimated_minutes,
        ceiling_yuan: p.price_ceiling_yuan,
        agent_consent: p.agent_consent,
        active: p.active,
        version: p.version,
    }
}

#[derive(serde::Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

/// `/standard-plans`: the dealer's standard plans.
pub async fn list(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<Saved>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ViewStandardPlans)?;
    let l = user.locale;
    let rows = standard_plans::list(&state.db, &user.identity, false)
        .await
        .or_page(l)?
        .into_iter()
        .map(|p| row(&state, l, p))
        .collect();
    Ok(html(
        StatusCode::OK,
        &ListPage {
            c: user.chrome(),
            rows,
            may_manage: user.identity.may(Action::ManageStandardPlans),
            alert: q.saved.as_ref().map(|_| ("ok", l.t("std-saved"))),
        },
    ))
}

fn kinds(l: crate::i18n::Locale) -> Vec<(&'static str, String)> {
    StandardKind::ALL
        .iter()
        .map(|k| (k.as_str(), l.t(k.label_key())))
        .collect()
}

/// The dealer's tools on the form, with the quantities given (by tool id).
async fn tool_inputs(
    state: &AppState,
    user: &WebUser,
    qty: impl Fn(&str) -> String,
) -> Result<Vec<ToolInput>, AppError> {
    let l = user.locale;
    Ok(resources::tools(&state.db, &user.identity)
        .await?
        .into_iter()
        .map(|t| ToolInput {
            name: l.name(&t.name_zh, &t.name_en).to_owned(),
            owned: t.quantity,
            qty: qty(&t.id),
            id: t.id,
        })
        .collect())
}

/// Rows for the items: those given, then blank ones to add, up to the most a plan may list.
fn item_rows(mut items: Vec<ItemInput>) -> Vec<ItemInput> {
    let blanks = if items.is_empty() { 3 } else { 2 };
    for _ in 0..blanks {
        if items.len() < MAX_ITEMS {
            items.push(ItemInput {
                desc: String::new(),
                minutes: String::new(),
            });
        }
    }
    items
}

fn page_id(segment: &str, l: crate::i18n::Locale) -> Result<StandardPlanId, PageError> {
    crate::api::params::page_id(segment, Thing::StandardPlan).or_page(l)
}

/// `/standard-plans/new`: an empty form (director).
pub async fn new_form(
    state: web::Data<AppState>,
    user: WebUser,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ManageStandardPlans)?;
    let l = user.locale;
    let tools = tool_inputs(&state, &user, |_| "0".into())
        .await
        .or_page(l)?;
    let v = FormValues {
        name: String::new(),
        kind: StandardKind::JumpStart.as_str().into(),
        crew_size: "1".into(),
        estimated_minutes: "30".into(),
        ceiling_yuan: String::new(),
        agent_consent: false,
        active: true,
        version: String::new(),
        tools,
        items: item_rows(Vec::new()),
    };
    render(
        &user,
        None,
        v,
        String::new(),
        BTreeMap::new(),
        None,
        StatusCode::OK,
    )
}

/// `/standard-plans/{id}`: the form with what is stored (director), or the list's row for others.
pub async fn edit_form(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ManageStandardPlans)?;
    let l = user.locale;
    let id = page_id(&id, l)?;
    let p = standard_plans::get(&state.db, &user.identity, id)
        .await
        .or_page(l)?;
    let tools = tool_inputs(&state, &user, |tid| {
        p.tools
            .iter()
            .find(|t| t.tool_id == tid)
            .map_or("0".into(), |t| t.quantity.to_string())
    })
    .await
    .or_page(l)?;
    let v = FormValues {
        name: p.name.clone(),
        kind: p.kind.as_str().into(),
        crew_size: p.crew_size.to_string(),
        estimated_minutes: p.estimated_minutes.to_string(),
        ceiling_yuan: p.price_ceiling_yuan.clone(),
        agent_consent: p.agent_consent,
        active: p.active,
        version: p.version.to_string(),
        tools,
        items: item_rows(
            p.items
                .iter()
                .map(|i| ItemInput {
                    desc: i.description.clone(),
                    minutes: i.labour_minutes.to_string(),
                })
                .collect(),
        ),
    };
    let approved = approved_words(&state, l, &p);
    render(
        &user,
        Some(p.id),
        v,
        approved,
        BTreeMap::new(),
        None,
        StatusCode::OK,
    )
}

fn render(
    user: &WebUser,
    id: Option<String>,
    v: FormValues,
    approved: String,
    errors: BTreeMap<String, String>,
    alert: Option<(&'static str, String)>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    Ok(html(
        status,
        &FormPage {
            c: user.chrome(),
            kinds: kinds(user.locale),
            id,
            v,
            approved,
            errors,
            alert,
        },
    ))
}

/// A whole number typed on the form; what does not read is reported on that field.
fn number(f: &Fields, name: &str, errors: &mut BTreeMap<String, Msg>) -> i64 {
    let text = f.get(name).trim();
    text.parse::<i64>().unwrap_or_else(|_| {
        errors.insert(name.to_owned(), Msg::new("web-enter-whole-number"));
        0
    })
}

/// Reads the form into the service's request; errors of fields that do not even read.
fn to_request(f: &Fields) -> (StandardPlanRequest, BTreeMap<String, Msg>, FormValues) {
    let mut errors = BTreeMap::new();
    let kind = StandardKind::parse(f.get("kind")).unwrap_or_else(|| {
        errors.insert("kind".into(), Msg::new(standard_plans::KIND_MESSAGE));
        StandardKind::Other
    });
    let crew_size = number(f, "crew_size", &mut errors);
    let estimated_minutes = number(f, "estimated_minutes", &mut errors);
    let ceiling = f.get("ceiling_yuan").trim();
    let price_ceiling_fen = match Fen::from_yuan_str(ceiling) {
        Ok(fen) => fen.as_fen(),
        Err(e) => {
            errors.insert("price_ceiling_fen".into(), e.msg());
            0
        }
    };
    let mut tools = Vec::new();
    for (id, q) in f.prefixed("tool:") {
        match q.parse::<i64>() {
            // Zero or blank: the plan does not take that tool.
            Ok(0) => {}
            Err(_) if q.is_empty() => {}
            Ok(n) => tools.push(ToolLine {
                tool_id: ToolId::from(id),
                quantity: n,
            }),
            Err(_) => {
                errors.insert("tools".into(), Msg::new("web-enter-whole-number"));
            }
        }
    }
    let (descs, minutes) = (f.all("item_desc"), f.all("item_minutes"));
    let mut items = Vec::new();
    let mut item_inputs = Vec::new();
    for (i, d) in descs.iter().enumerate() {
        let m = minutes.get(i).copied().unwrap_or("").trim();
        item_inputs.push(ItemInput {
            desc: (*d).to_owned(),
            minutes: m.to_owned(),
        });
        // A blank row is a row not used.
        if d.trim().is_empty() && m.is_empty() {
            continue;
        }
        let labour_minutes = m.parse::<i64>().unwrap_or_else(|_| {
            errors.insert(
                format!("items[{}].labour_minutes", items.len()),
                Msg::new("web-enter-whole-number"),
            );
            0
        });
        items.push(StandardItem {
            description: (*d).to_owned(),
            labour_minutes,
        });
    }
    let version = f.get("version").trim().parse::<i32>().ok();
    let req = StandardPlanRequest {
        name: f.get("name").to_owned(),
        kind,
        crew_size,
        estimated_minutes,
        tools,
        items,
        price_ceiling_fen,
        agent_consent: !f.get("agent_consent").is_empty(),
        active: !f.get("active").is_empty(),
        version,
    };
    let values = FormValues {
        name: req.name.clone(),
        kind: f.get("kind").to_owned(),
        crew_size: f.get("crew_size").to_owned(),
        estimated_minutes: f.get("estimated_minutes").to_owned(),
        ceiling_yuan: ceiling.to_owned(),
        agent_consent: req.agent_consent,
        active: req.active,
        version: f.get("version").to_owned(),
        tools: Vec::new(),
        items: item_rows(
            item_inputs
                .into_iter()
                .filter(|i| !i.desc.trim().is_empty() || !i.minutes.is_empty())
                .collect(),
        ),
    };
    (req, errors, values)
}

/// `POST /standard-plans` (new) and `POST /standard-plans/{id}` (change).
pub async fn save(
    state: web::Data<AppState>,
    user: WebUser,
    id: Option<web::Path<String>>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    user.require(Action::ManageStandardPlans)?;
    let l = user.locale;
    let id = match id {
        Some(segment) => Some(page_id(&segment, l)?),
        None => None,
    };
    let (req, form_errors, mut v) = to_request(&f);
    let typed: Vec<(String, String)> = f
        .prefixed("tool:")
        .map(|(id, q)| (id.to_owned(), q.to_owned()))
        .collect();
    let result = if form_errors.is_empty() {
        match &id {
            Some(id) => standard_plans::update(&state.db, &user.identity, id.clone(), req).await,
            None => standard_plans::create(&state.db, &user.identity, req).await,
        }
    } else {
        Err(AppError::validation(form_errors.clone()))
    };
    match result {
        Ok(_) => Ok(redirect("/standard-plans?saved=1")),
        Err(e) if e.code == ErrorCode::ValidationFailed || e.code == ErrorCode::StaleState => {
            let mut errors: BTreeMap<String, String> = form_errors
                .iter()
                .map(|(k, m)| (k.clone(), m.render(l)))
                .collect();
            for (k, m) in &e.fields {
                errors.entry(k.clone()).or_insert_with(|| m.render(l));
            }
            let alert = Some((
                "error",
                if e.fields.is_empty() && e.code != ErrorCode::ValidationFailed {
                    e.message_in(l)
                } else {
                    l.t("form-correct-marked-fields")
                },
            ));
            v.tools = tool_inputs(&state, &user, |tid| {
                typed
                    .iter()
                    .find(|(id, _)| id == tid)
                    .map_or("0".into(), |(_, q)| q.clone())
            })
            .await
            .or_page(l)?;
            render(
                &user,
                id.map(|i| i.to_string()),
                v,
                String::new(),
                errors,
                alert,
                StatusCode::BAD_REQUEST,
            )
        }
        Err(e) => Err(PageError::App(e, l)),
    }
}

/// `POST /standard-plans`.
pub async fn create(
    state: web::Data<AppState>,
    user: WebUser,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    save(state, user, None, body).await
}

/// `POST /standard-plans/{id}`.
pub async fn change(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    save(state, user, Some(id), body).await
}
