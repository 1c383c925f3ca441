//! The rescue vehicles page (救援车辆) on a phone: the dealer's vehicles as cards with their
//! readiness, the readiness check a technician records with thumb-sized pass/fail controls, and
//! the workshop lead's form to register a vehicle.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::form::Fields;
use super::session::{Chrome, WebUser};
use super::tickets::local;
use super::{html, redirect, OrPage, PageError};
use crate::domain::fleet::{CheckOccasion, CheckRequest, Equipment, VehicleKind, VehicleRequest};
use crate::domain::ids::RescueVehicleId;
use crate::domain::role::Action;
use crate::error::{ErrorCode, Thing};
use crate::i18n::Locale;
use crate::services::fleet::{self, CheckView, FleetList, VehicleView};
use crate::state::AppState;

/// The five items of a check: the form field (the API's name) and its label, in the order the
/// phone lists them.
const ITEMS: [(&str, &str); 5] = [
    ("fuel", "fleet-item-fuel"),
    ("water", "fleet-item-water"),
    ("tyre_pressure", "fleet-item-tyre-pressure"),
    ("tool_kit", "fleet-item-tool-kit"),
    ("lights", "fleet-item-lights"),
];

/// A vehicle's card, in the viewer's language.
struct Card {
    id: String,
    plate: String,
    kind: String,
    base: String,
    /// What it carries, as a list in words; empty when nothing is listed.
    carries: String,
    /// The readiness code (`ready`, `check_failed`, …): the marker's class.
    readiness: &'static str,
    readiness_label: String,
    /// Who made the latest check, when (local time), and why when it was not the daily one.
    checked: Option<String>,
    /// The items the latest check failed, in words, and its note.
    failed_items: String,
    note: Option<String>,
}

fn card(state: &AppState, l: Locale, v: &VehicleView) -> Card {
    let sep = l.t("punct-list-sep");
    let latest = v.latest_check.as_ref();
    Card {
        id: v.id.clone(),
        plate: v.plate.clone(),
        kind: l.t(v.kind.label_key()),
        base: v.base.clone(),
        carries: v
            .carries
            .iter()
            .map(|e| l.t(e.label_key()))
            .collect::<Vec<_>>()
            .join(&sep),
        readiness: v.readiness.as_str(),
        readiness_label: l.t(v.readiness.label_key()),
        checked: latest.map(|c| {
            let mut s = format!("{} · {}", c.checked_by_name, local(state, &c.checked_at));
            if c.occasion != CheckOccasion::Daily {
                s.push_str(" · ");
                s.push_str(&l.t(occasion_key(c.occasion)));
            }
            s
        }),
        failed_items: latest
            .filter(|c| !c.passed)
            .map(|c| failed(c).map(|key| l.t(key)).collect::<Vec<_>>().join(&sep))
            .unwrap_or_default(),
        // The note says what is wrong; on a passed check it is only a remark, shown all the same.
        note: latest.and_then(|c| c.note.clone()),
    }
}

/// The label keys of the items a check failed.
fn failed(c: &CheckView) -> impl Iterator<Item = &'static str> {
    let answers = [c.fuel, c.water, c.tyre_pressure, c.tool_kit, c.lights];
    ITEMS
        .into_iter()
        .zip(answers)
        .filter(|(_, ok)| !ok)
        .map(|((_, key), _)| key)
}

fn occasion_key(o: CheckOccasion) -> &'static str {
    match o {
        CheckOccasion::Daily => "fleet-occasion-daily",
        CheckOccasion::Holiday => "fleet-occasion-holiday",
    }
}

/// The register form as typed, so a refused registration shows it again unchanged.
#[derive(Default)]
struct RegisterValues {
    plate: String,
    kind: String,
    carries: Vec<String>,
    base: String,
}

/// One choice of a radio group or a set of checkboxes on a form.
struct Choice {
    value: &'static str,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "fleet.html", config = "src/web/askama.toml")]
struct ListPage {
    c: Chrome,
    cards: Vec<Card>,
    ready: usize,
    not_ready: usize,
    may_check: bool,
    may_manage: bool,
    /// What was registered or checked.
    alert: Option<(&'static str, String)>,
    /// Why a registration was refused, shown on the form.
    form_alert: Option<String>,
    f: RegisterValues,
    kinds: Vec<Choice>,
    equipment: Vec<Choice>,
    errors: BTreeMap<String, String>,
}

impl ListPage {
    fn mark(&self, field: &str) -> &'static str {
        if self.errors.contains_key(field) {
            r#" aria-invalid="true""#
        } else {
            ""
        }
    }

    fn err(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    /// The first field the form marks takes the focus, so a refused registration at the foot
    /// of a long list opens where the fix is to be made.
    fn focus(&self, field: &str) -> &'static str {
        let first = ["plate", "kind", "base"]
            .into_iter()
            .find(|f| self.errors.contains_key(*f));
        if first == Some(field) {
            " autofocus"
        } else {
            ""
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// The vehicle just registered.
    registered: Option<String>,
    /// The vehicle just checked.
    checked: Option<String>,
}

fn list_page(
    state: &AppState,
    user: &WebUser,
    list: FleetList,
    f: RegisterValues,
    errors: BTreeMap<String, String>,
    alert: Option<(&'static str, String)>,
    form_alert: Option<String>,
) -> ListPage {
    let l = user.locale;
    let kinds = VehicleKind::ALL
        .iter()
        .copied()
        .map(|k| Choice {
            value: k.as_str(),
            label: l.t(k.label_key()),
            checked: f.kind == k.as_str(),
        })
        .collect();
    let equipment = Equipment::ALL
        .iter()
        .copied()
        .map(|e| Choice {
            value: e.as_str(),
            label: l.t(e.label_key()),
            checked: f.carries.iter().any(|c| c == e.as_str()),
        })
        .collect();
    ListPage {
        c: user.chrome(),
        cards: list.vehicles.iter().map(|v| card(state, l, v)).collect(),
        ready: list.ready,
        not_ready: list.not_ready,
        may_check: list.may_check,
        may_manage: list.may_manage,
        alert,
        form_alert,
        f,
        kinds,
        equipment,
        errors,
    }
}

/// What the page says after a registration or a check, naming the vehicle by its plate.
fn notice(l: Locale, list: &FleetList, q: &ListQuery) -> Option<(&'static str, String)> {
    let find = |id: &str| list.vehicles.iter().find(|v| v.id == id);
    if let Some(v) = q.checked.as_deref().and_then(find) {
        let plate = [("plate", v.plate.clone().into())];
        return Some(if v.readiness.is_ready() {
            ("ok", l.t_with("fleet-check-saved-ready", &plate))
        } else {
            ("warn", l.t_with("fleet-check-saved-not-ready", &plate))
        });
    }
    let v = q.registered.as_deref().and_then(find)?;
    Some((
        "ok",
        l.t_with("fleet-registered", &[("plate", v.plate.clone().into())]),
    ))
}

/// `GET /vehicles`: the dealer's vehicles, the check buttons and the register form.
pub async fn list(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ViewFleet)?;
    let list = fleet::list(&state.db, &user.identity)
        .await
        .or_page(user.locale)?;
    let alert = notice(user.locale, &list, &q);
    let f = RegisterValues {
        kind: VehicleKind::ServiceVan.as_str().into(),
        ..Default::default()
    };
    let p = list_page(&state, &user, list, f, BTreeMap::new(), alert, None);
    Ok(html(StatusCode::OK, &p))
}

/// `POST /vehicles`: register a vehicle (workshop lead, service manager, admin).
pub async fn register(
    state: web::Data<AppState>,
    user: WebUser,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    // The role first: a refusal tells nothing about what was typed.
    user.require(Action::ManageFleet)?;
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let l = user.locale;
    let values = RegisterValues {
        plate: f.get("plate").to_owned(),
        kind: f.get("kind").to_owned(),
        carries: f.all("carries").into_iter().map(str::to_owned).collect(),
        base: f.get("base").to_owned(),
    };
    let req = VehicleRequest {
        plate: Some(values.plate.clone()),
        kind: VehicleKind::parse(&values.kind),
        // A box the form does not offer is nothing the vehicle carries.
        carries: values
            .carries
            .iter()
            .filter_map(|c| Equipment::parse(c))
            .collect(),
        base: Some(values.base.clone()),
    };
    let e = match fleet::register(&state.db, &user.identity, req).await {
        Ok(v) => return Ok(redirect(&format!("/vehicles?registered={}", v.id))),
        Err(e) => e,
    };
    let mut errors = BTreeMap::new();
    match e.code {
        ErrorCode::ValidationFailed => {
            for (field, m) in &e.fields {
                errors.insert(field.clone(), m.render(l));
            }
        }
        // The one conflict a registration has: the dealer has that plate already.
        ErrorCode::Conflict => {
            errors.insert("plate".to_owned(), e.message_in(l));
        }
        _ => return Err(PageError::App(e, l)),
    }
    let list = fleet::list(&state.db, &user.identity).await.or_page(l)?;
    let form_alert = Some(l.t_with(
        "form-correct-marked-fields-count",
        &[("count", errors.len().into())],
    ));
    let p = list_page(&state, &user, list, values, errors, None, form_alert);
    Ok(html(StatusCode::BAD_REQUEST, &p))
}

/// One item on the check form: its field, label, the answer given (`pass`, `fail` or empty)
/// and its message.
struct ItemInput {
    name: &'static str,
    label: String,
    answer: &'static str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "fleet_check.html", config = "src/web/askama.toml")]
struct CheckPage {
    c: Chrome,
    v: Card,
    occasions: Vec<Choice>,
    items: Vec<ItemInput>,
    note: String,
    note_error: Option<String>,
    alert: Option<String>,
}

impl CheckPage {
    fn mark_note(&self) -> &'static str {
        if self.note_error.is_some() {
            r#" aria-invalid="true""#
        } else {
            ""
        }
    }

    /// A refused check opens at the first thing to fix: an unanswered item, else the note.
    fn focus(&self, field: &str) -> &'static str {
        let first = self
            .items
            .iter()
            .find(|i| i.error.is_some())
            .map(|i| i.name)
            .or(self.note_error.as_ref().map(|_| "note"));
        if first == Some(field) {
            " autofocus"
        } else {
            ""
        }
    }
}

/// A pass/fail answer of the form; anything else is no answer (the service names the item).
fn answer(value: &str) -> Option<bool> {
    match value {
        "pass" => Some(true),
        "fail" => Some(false),
        _ => None,
    }
}

fn answer_code(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "pass",
        Some(false) => "fail",
        None => "",
    }
}

fn vehicle_id(segment: &str, l: Locale) -> Result<RescueVehicleId, PageError> {
    crate::api::params::page_id(segment, Thing::RescueVehicle).or_page(l)
}

/// The vehicle as it stands now (a foreign or unknown one is the page's 404).
async fn vehicle(
    state: &AppState,
    user: &WebUser,
    id: RescueVehicleId,
) -> Result<VehicleView, PageError> {
    Ok(fleet::checks(&state.db, &user.identity, id, 1, 1)
        .await
        .or_page(user.locale)?
        .vehicle)
}

fn check_page(
    state: &AppState,
    user: &WebUser,
    v: &VehicleView,
    req: &CheckRequest,
    errors: &BTreeMap<String, String>,
) -> CheckPage {
    let l = user.locale;
    let given = [
        req.fuel,
        req.water,
        req.tyre_pressure,
        req.tool_kit,
        req.lights,
    ];
    let occasion = req.occasion.unwrap_or(CheckOccasion::Daily);
    CheckPage {
        c: user.chrome(),
        v: card(state, l, v),
        occasions: CheckOccasion::ALL
            .iter()
            .copied()
            .map(|o| Choice {
                value: o.as_str(),
                label: l.t(occasion_key(o)),
                checked: o == occasion,
            })
            .collect(),
        items: ITEMS
            .into_iter()
            .zip(given)
            .map(|((name, key), value)| ItemInput {
                name,
                label: l.t(key),
                answer: answer_code(value),
                error: errors.get(name).cloned(),
            })
            .collect(),
        note: req.note.clone().unwrap_or_default(),
        note_error: errors.get("note").cloned(),
        alert: (!errors.is_empty()).then(|| {
            l.t_with(
                "form-correct-marked-fields-count",
                &[("count", errors.len().into())],
            )
        }),
    }
}

/// `GET /vehicles/{id}/check`: the check form (technician, workshop lead).
pub async fn check_form(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::CheckVehicles)?;
    let id = vehicle_id(&id, user.locale)?;
    let v = vehicle(&state, &user, id).await?;
    let p = check_page(
        &state,
        &user,
        &v,
        &CheckRequest::default(),
        &BTreeMap::new(),
    );
    Ok(html(StatusCode::OK, &p))
}

/// `POST /vehicles/{id}/check`: record the check, then back to the vehicles; a refused one shows
/// the form again with the answers given and the messages.
pub async fn check(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    user.require(Action::CheckVehicles)?;
    let l = user.locale;
    let id = vehicle_id(&id, l)?;
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let req = CheckRequest {
        occasion: CheckOccasion::parse(f.get("occasion")),
        fuel: answer(f.get("fuel")),
        water: answer(f.get("water")),
        tyre_pressure: answer(f.get("tyre_pressure")),
        tool_kit: answer(f.get("tool_kit")),
        lights: answer(f.get("lights")),
        note: Some(f.get("note").to_owned()).filter(|n| !n.is_empty()),
    };
    match fleet::check(&state.db, &user.identity, id.clone(), req.clone()).await {
        Ok(v) => Ok(redirect(&format!("/vehicles?checked={}", v.id))),
        Err(e) if e.code == ErrorCode::ValidationFailed => {
            let errors: BTreeMap<String, String> = e
                .fields
                .iter()
                .map(|(k, m)| (k.clone(), m.render(l)))
                .collect();
            let v = vehicle(&state, &user, id).await?;
            let p = check_page(&state, &user, &v, &req, &errors);
            Ok(html(StatusCode::BAD_REQUEST, &p))
        }
        Err(e) => Err(PageError::App(e, l)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_pass_fail_or_nothing() {
        assert_eq!(answer("pass"), Some(true));
        assert_eq!(answer("fail"), Some(false));
        assert_eq!(answer(""), None);
        assert_eq!(answer("yes"), None);
        for a in [Some(true), Some(false), None] {
            assert_eq!(answer(answer_code(a)), a);
        }
    }

    #[test]
    fn the_items_are_the_domain_s_five_in_its_order() {
        let names: Vec<_> = ITEMS.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            ["fuel", "water", "tyre_pressure", "tool_kit", "lights"]
        );
    }
}
