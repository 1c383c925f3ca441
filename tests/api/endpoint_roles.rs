//! Who may call what, tried: every operation of the OpenAPI document and every form post of the
//! pages, as every role of the Hangzhou dealer, signed out, as staff of the sister dealer (Ningbo)
//! and as staff of another dealer group, against real resources of Hangzhou. The tables below say
//! which action (or workflow step) guards each; ARCHITECTURE.md prints them (regenerate with
//! `UPDATE_PERMISSIONS=1 cargo test --test api permission_table`). An operation or a form post
//! missing from the tables, or one the tables name that no longer exists, fails the test.
//!
//! What a cell expects:
//! - signed out: 401 (API), a redirect to the sign-in page (pages);
//! - a role the guard does not name: 403;
//! - staff of the sister dealer or of another group, holding a role the guard names: 403 or 404
//!   on a resource of Hangzhou, unless the design opens it to them ([`Reach`]); or a 400 that is
//!   the same (but for the path echoed) as for an id that is no row's (the body is refused
//!   before the lookup: nothing says the resource exists); on a collection (no id in the path)
//!   their own data, holding none of the Hangzhou fixture's ids (nor, for another group, the
//!   Hangzhou dealer);
//! - allowed: anything but 401, 403 and 5xx (and, for pages, the sign-in redirect). Bodies are
//!   of the documented shape (generated from the OpenAPI schemas; pages get the few fields each
//!   action reads first), so a call reaches the permission check; most allowed calls then end
//!   in 400/409 (values that make no sense, a ticket in another state), one that finds nothing
//!   (a holiday deleted by an earlier cell, an id that is a well-formed unknown one) in 404, an
//!   import beyond the two at once in 429: each proves the call passed the permission check.
//! - a link's route (`/j/{code}`, `/s/{code}`, `/a/{code}`: the code is the credential) with a
//!   code that is no link: 403 or 404, signed out or in; the sign-in form and signing out are
//!   posted signed out only (no 5xx).
//!
//! Denied cells run first, and the row counts of 28 tables (the audit trail among them) must be
//! the same after them as before: a refusal writes nothing.

use std::collections::BTreeSet;

use diesel::prelude::*;
use futures_util::StreamExt;
use rescuedesk::db::schema::{
    dealers, holidays, plan_parts, plans, rescue_vehicles, sessions, stock, technicians, tools,
    users, vehicles,
};
use rescuedesk::domain::role::{Action, Role};
use rescuedesk::domain::sourcing_order::OrderEvent;
use rescuedesk::domain::workflow::Event;
use serde_json::json;

use crate::both;
use crate::helpers::{Backend, TestApp};

/// What an endpoint asks of the caller's roles (the dealer or group it reaches is [`Reach`]).
#[derive(Debug, Clone, Copy)]
pub enum Guard {
    /// No sign-in (the sign-in form itself).
    Public,
    /// The code in the path is the credential (a customer's or technician's link): no sign-in.
    Link,
    /// An action of the permission table.
    Act(Action),
    /// A step of the rescue workflow (the event's roles).
    Step(Event),
    /// Both: an action and a workflow step (applying a standard plan).
    ActStep(Action, Event),
    /// A step of a sourcing order (`OrderEvent::allowed_roles`).
    Order(OrderEvent),
    /// A role checked in the service itself (issuing parts is the parts desk's).
    Roles(&'static [Role]),
    /// Only a member of the ticket's crew (of its current plan), whatever their role.
    Crew,
    /// What the import of `{kind}` needs: [`IMPORT_KINDS`].
    PerImportKind,
}

impl Guard {
    fn permits(self, role: Role) -> bool {
        match self {
            Guard::Public | Guard::Link => true,
            Guard::Act(a) => a.permitted(&[role]),
            Guard::Step(e) => e.permitted(&[role]),
            Guard::ActStep(a, e) => a.permitted(&[role]) && e.permitted(&[role]),
            Guard::Order(o) => o.permitted(&[role]),
            Guard::Roles(r) => r.contains(&role),
            // The fixture's crew is the Hangzhou lead technician (`hz.tech`) alone.
            Guard::Crew => role == Role::Technician,
            Guard::PerImportKind => unreachable!("expanded by api_rows"),
        }
    }

    fn label(self) -> String {
        match self {
            Guard::Public => "public".into(),
            Guard::Link => "the link's code".into(),
            Guard::Act(a) => format!("`{}`", a.code()),
            Guard::Step(e) => format!("event `{}`", e.as_str()),
            Guard::ActStep(a, e) => format!("`{}` and event `{}`", a.code(), e.as_str()),
            Guard::Order(o) => format!("order step `{}`", o.as_str()),
            Guard::Roles(r) => r
                .iter()
                .map(|r| format!("`{}`", r.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            Guard::Crew => "on the ticket's crew".into(),
            Guard::PerImportKind => "the kind's action".into(),
        }
    }
}

/// Whose resources a permitted caller reaches beyond their own dealer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Their own dealer's only: a sister dealer's or another group's staff find nothing of it.
    Dealer,
    /// What the group shares: its holiday calendar (and each dealer's stock list for a holiday of
    /// it), its users, a car's service history. A sister dealer's staff reach it; another
    /// group's do not.
    Group,
    /// Their own account: sessions and tokens.
    Own,
    /// The sister dealer a transfer is asked of ships it.
    Source,
    /// Every group: the parts catalogue is the platform's.
    Platform,
}

impl Reach {
    fn label(self) -> &'static str {
        match self {
            Reach::Dealer => "own dealer",
            Reach::Group => "the group",
            Reach::Own => "own account",
            Reach::Source => "the dealer a transfer is asked of",
            Reach::Platform => "every group (the platform's)",
        }
    }
}

use Guard::{Act, ActStep, Crew, Order, Step};
use Reach::{Dealer, Group, Own, Platform, Source};

/// What each kind of `POST /imports/{kind}` needs (`ImportKind::action`); a new kind must be
/// added here.
pub const IMPORT_KINDS: &[(&str, Action, Reach)] = &[
    ("parts", Action::ImportCatalogue, Platform),
    ("stock", Action::ImportGroupData, Group),
    ("history", Action::ImportGroupData, Group),
    ("rota", Action::EditRota, Dealer),
];

/// The API table with `/imports/{kind}` one row per kind: (method, path, guard, reach, the
/// document's path).
fn api_rows() -> Vec<(&'static str, String, Guard, Reach, &'static str)> {
    let mut out = Vec::new();
    for (m, p, g, r) in API {
        if matches!(g, Guard::PerImportKind) {
            for (kind, action, reach) in IMPORT_KINDS {
                out.push((*m, p.replace("{kind}", kind), Act(*action), *reach, *p));
            }
        } else {
            out.push((*m, p.to_string(), *g, *r, *p));
        }
    }
    out
}

/// Every operation of the OpenAPI document (under `/api/v1`): method, path, guard, reach.
pub const API: &[(&str, &str, Guard, Reach)] = &[
    ("GET", "/board", Act(Action::ViewBoard), Dealer),
    ("GET", "/complaints", Act(Action::ViewComplaints), Dealer),
    (
        "GET",
        "/complaints/{id}",
        Act(Action::ViewComplaints),
        Dealer,
    ),
    (
        "POST",
        "/complaints/{id}/close",
        Act(Action::HandleComplaints),
        Dealer,
    ),
    (
        "POST",
        "/complaints/{id}/steps",
        Act(Action::HandleComplaints),
        Dealer,
    ),
    ("GET", "/follow-ups", Act(Action::FollowUp), Dealer),
    ("GET", "/follow-ups/{id}", Act(Action::FollowUp), Dealer),
    (
        "POST",
        "/follow-ups/{id}/answer",
        Act(Action::FollowUp),
        Dealer,
    ),
    (
        "POST",
        "/follow-ups/{id}/no-answer",
        Act(Action::FollowUp),
        Dealer,
    ),
    (
        "GET",
        "/holiday-stock/{id}",
        Act(Action::ViewHolidayStock),
        Group,
    ),
    (
        "PUT",
        "/holiday-stock/{id}",
        Act(Action::ConfirmHolidayStock),
        Group,
    ),
    (
        "POST",
        "/holiday-stock/{id}/confirm",
        Act(Action::ConfirmHolidayStock),
        Group,
    ),
    (
        "GET",
        "/holiday-stock/{id}/csv",
        Act(Action::ViewHolidayStock),
        Group,
    ),
    (
        "POST",
        "/holiday-stock/{id}/receipts",
        Act(Action::ReceiveHolidayStock),
        Group,
    ),
    (
        "GET",
        "/holiday-stock/{id}/suggestion",
        Act(Action::ViewHolidayStock),
        Group,
    ),
    (
        "GET",
        "/holiday-stock/{id}/xlsx",
        Act(Action::ViewHolidayStock),
        Group,
    ),
    ("GET", "/holidays", Act(Action::ViewHolidays), Group),
    ("POST", "/holidays", Act(Action::ManageHolidays), Group),
    (
        "DELETE",
        "/holidays/{id}",
        Act(Action::ManageHolidays),
        Group,
    ),
    ("GET", "/holidays/{id}", Act(Action::ViewHolidays), Group),
    ("PUT", "/holidays/{id}", Act(Action::ManageHolidays), Group),
    // One row per kind in the generated table: [`IMPORT_KINDS`].
    ("POST", "/imports/{kind}", Guard::PerImportKind, Group),
    ("GET", "/me", Act(Action::ManageOwnSessions), Own),
    (
        "DELETE",
        "/me/sessions",
        Act(Action::ManageOwnSessions),
        Own,
    ),
    ("GET", "/me/sessions", Act(Action::ManageOwnSessions), Own),
    (
        "DELETE",
        "/me/sessions/{id}",
        Act(Action::ManageOwnSessions),
        Own,
    ),
    ("GET", "/me/tokens", Act(Action::ManageOwnSessions), Own),
    (
        "DELETE",
        "/me/tokens/{id}",
        Act(Action::ManageOwnSessions),
        Own,
    ),
    ("GET", "/outbox", Act(Action::ViewOutbox), Dealer),
    (
        "POST",
        "/outbox/{id}/retry",
        Act(Action::RetryMessages),
        Dealer,
    ),
    ("GET", "/parts", Act(Action::ViewTickets), Dealer),
    // The transfers asked of the caller's dealer: other dealers' tickets among them.
    (
        "GET",
        "/parts-desk/outgoing",
        Act(Action::ViewPartsDesk),
        Source,
    ),
    (
        "GET",
        "/parts-desk/queue",
        Act(Action::ViewPartsDesk),
        Dealer,
    ),
    ("GET", "/reports", Act(Action::ViewReports), Dealer),
    ("GET", "/reports/csv", Act(Action::ViewReports), Dealer),
    ("GET", "/reports/xlsx", Act(Action::ViewReports), Dealer),
    ("GET", "/rescue-vehicles", Act(Action::ViewFleet), Dealer),
    ("POST", "/rescue-vehicles", Act(Action::ManageFleet), Dealer),
    (
        "GET",
        "/rescue-vehicles/{id}/checks",
        Act(Action::ViewFleet),
        Dealer,
    ),
    (
        "POST",
        "/rescue-vehicles/{id}/checks",
        Act(Action::CheckVehicles),
        Dealer,
    ),
    ("GET", "/rota", Act(Action::ViewRota), Dealer),
    (
        "DELETE",
        "/rota/holidays/{date}",
        Act(Action::EditRota),
        Dealer,
    ),
    (
        "PUT",
        "/rota/holidays/{date}",
        Act(Action::EditRota),
        Dealer,
    ),
    ("DELETE", "/rota/shifts", Act(Action::EditRota), Dealer),
    ("PUT", "/rota/shifts", Act(Action::EditRota), Dealer),
    (
        "POST",
        "/sourcing-orders/{id}/cancel",
        Order(OrderEvent::Cancel),
        Dealer,
    ),
    (
        "POST",
        "/sourcing-orders/{id}/deliver",
        Order(OrderEvent::Deliver),
        Dealer,
    ),
    (
        "POST",
        "/sourcing-orders/{id}/place",
        Order(OrderEvent::Place),
        Dealer,
    ),
    (
        "POST",
        "/sourcing-orders/{id}/receive",
        Order(OrderEvent::Receive),
        Dealer,
    ),
    (
        "POST",
        "/sourcing-orders/{id}/review",
        Order(OrderEvent::Review),
        Dealer,
    ),
    (
        "POST",
        "/sourcing-orders/{id}/ship",
        Order(OrderEvent::Ship),
        Source,
    ),
    (
        "GET",
        "/standard-plans",
        Act(Action::ViewStandardPlans),
        Dealer,
    ),
    (
        "POST",
        "/standard-plans",
        Act(Action::ManageStandardPlans),
        Dealer,
    ),
    (
        "GET",
        "/standard-plans/{id}",
        Act(Action::ViewStandardPlans),
        Dealer,
    ),
    (
        "PUT",
        "/standard-plans/{id}",
        Act(Action::ManageStandardPlans),
        Dealer,
    ),
    ("GET", "/suspensions", Act(Action::ViewBoard), Dealer),
    (
        "POST",
        "/suspensions",
        Act(Action::ManageSuspensions),
        Dealer,
    ),
    (
        "POST",
        "/suspensions/{id}/lift",
        Act(Action::ManageSuspensions),
        Dealer,
    ),
    ("GET", "/technicians", Act(Action::ViewTickets), Dealer),
    ("GET", "/tickets", Act(Action::ViewTickets), Dealer),
    ("POST", "/tickets", Act(Action::CreateTicket), Dealer),
    ("GET", "/tickets/{id}", Act(Action::ViewTickets), Dealer),
    ("POST", "/tickets/{id}/acknowledge", Crew, Dealer),
    (
        "POST",
        "/tickets/{id}/approval",
        Step(Event::DirectorApprove),
        Dealer,
    ),
    ("POST", "/tickets/{id}/arrive", Step(Event::Arrive), Dealer),
    ("POST", "/tickets/{id}/cancel", Step(Event::Cancel), Dealer),
    ("POST", "/tickets/{id}/close", Step(Event::Close), Dealer),
    (
        "POST",
        "/tickets/{id}/consent",
        Step(Event::CustomerAgree),
        Dealer,
    ),
    ("POST", "/tickets/{id}/depart", Step(Event::Depart), Dealer),
    (
        "POST",
        "/tickets/{id}/mismatch",
        Step(Event::ReportMismatch),
        Dealer,
    ),
    (
        "POST",
        "/tickets/{id}/parts-issues",
        Guard::Roles(&[Role::PartsDesk]),
        Dealer,
    ),
    (
        "POST",
        "/tickets/{id}/pause",
        Act(Action::PauseClock),
        Dealer,
    ),
    (
        "GET",
        "/tickets/{id}/photos",
        Act(Action::ViewTickets),
        Dealer,
    ),
    ("POST", "/tickets/{id}/photos", Crew, Dealer),
    (
        "GET",
        "/tickets/{id}/photos/{photo_id}",
        Act(Action::ViewTickets),
        Dealer,
    ),
    (
        "GET",
        "/tickets/{id}/plan",
        Act(Action::ViewTickets),
        Dealer,
    ),
    (
        "PUT",
        "/tickets/{id}/plan",
        Step(Event::StartPlanning),
        Dealer,
    ),
    (
        "POST",
        "/tickets/{id}/plan/submit",
        Step(Event::SubmitPlan),
        Dealer,
    ),
    (
        "GET",
        "/tickets/{id}/recommendations",
        Act(Action::ViewTickets),
        Dealer,
    ),
    (
        "POST",
        "/tickets/{id}/resolve",
        Step(Event::Resolve),
        Dealer,
    ),
    (
        "POST",
        "/tickets/{id}/resume",
        Act(Action::PauseClock),
        Dealer,
    ),
    (
        "POST",
        "/tickets/{id}/review",
        Step(Event::ManagerAccept),
        Dealer,
    ),
    (
        "GET",
        "/tickets/{id}/signature",
        Act(Action::ViewTickets),
        Dealer,
    ),
    (
        "GET",
        "/tickets/{id}/sourcing",
        Act(Action::ViewPartsDesk),
        Dealer,
    ),
    (
        "POST",
        "/tickets/{id}/sourcing-orders",
        Order(OrderEvent::Place),
        Dealer,
    ),
    (
        "POST",
        "/tickets/{id}/standard-plan",
        ActStep(Action::ViewStandardPlans, Event::SubmitPlan),
        Dealer,
    ),
    (
        "GET",
        "/tickets/{id}/timeline",
        Act(Action::ViewTickets),
        Dealer,
    ),
    (
        "POST",
        "/tickets/{id}/tow",
        Step(Event::TowToWorkshop),
        Dealer,
    ),
    ("GET", "/tools", Act(Action::ViewTickets), Dealer),
    ("GET", "/users", Act(Action::ManageGroupSessions), Group),
    (
        "DELETE",
        "/users/{id}/sessions",
        Act(Action::ManageGroupSessions),
        Group,
    ),
    (
        "GET",
        "/users/{id}/sessions",
        Act(Action::ManageGroupSessions),
        Group,
    ),
    (
        "DELETE",
        "/users/{id}/sessions/{session_id}",
        Act(Action::ManageGroupSessions),
        Group,
    ),
    (
        "GET",
        "/users/{id}/tokens",
        Act(Action::ManageGroupSessions),
        Group,
    ),
    (
        "DELETE",
        "/users/{id}/tokens/{token_id}",
        Act(Action::ManageGroupSessions),
        Group,
    ),
    // A car serviced anywhere in the group has one history (`services::tickets::vehicle_history`).
    (
        "GET",
        "/vehicles/{plate}/history",
        Act(Action::ViewVehicleHistory),
        Group,
    ),
];

/// Every form post of the pages but the per-action ones ([`ticket_action`], [`parts_action`],
/// and the links' `/j/{code}/act/…`, `/a/{code}/act/…`): path, guard, reach.
pub const PAGES: &[(&str, Guard, Reach)] = &[
    ("/login", Guard::Public, Own),
    ("/logout", Guard::Public, Own),
    (
        "/account/sessions/revoke-others",
        Act(Action::ManageOwnSessions),
        Own,
    ),
    (
        "/account/sessions/revoke-all",
        Act(Action::ManageOwnSessions),
        Own,
    ),
    (
        "/account/sessions/{id}/revoke",
        Act(Action::ManageOwnSessions),
        Own,
    ),
    (
        "/account/tokens/{id}/revoke",
        Act(Action::ManageOwnSessions),
        Own,
    ),
    (
        "/admin/users/{id}/sessions/revoke-all",
        Act(Action::ManageGroupSessions),
        Group,
    ),
    (
        "/admin/users/{id}/sessions/{session}/revoke",
        Act(Action::ManageGroupSessions),
        Group,
    ),
    (
        "/admin/users/{id}/tokens/{token}/revoke",
        Act(Action::ManageGroupSessions),
        Group,
    ),
    ("/tickets/new", Act(Action::CreateTicket), Dealer),
    ("/tickets/{id}/plan", Step(Event::StartPlanning), Dealer),
    ("/tickets/{id}/plan/submit", Step(Event::SubmitPlan), Dealer),
    (
        "/tickets/{id}/plan/standard",
        ActStep(Action::ViewStandardPlans, Event::SubmitPlan),
        Dealer,
    ),
    (
        "/tickets/{id}/plan/preview",
        Act(Action::ViewTickets),
        Dealer,
    ),
    ("/follow-ups/{id}", Act(Action::FollowUp), Dealer),
    ("/complaints/{id}", Act(Action::HandleComplaints), Dealer),
    ("/standard-plans", Act(Action::ManageStandardPlans), Dealer),
    (
        "/standard-plans/{id}",
        Act(Action::ManageStandardPlans),
        Dealer,
    ),
    (
        "/holiday-stock/{id}/adjust",
        Act(Action::ConfirmHolidayStock),
        Group,
    ),
    (
        "/holiday-stock/{id}/receive",
        Act(Action::ReceiveHolidayStock),
        Group,
    ),
    ("/holidays", Act(Action::ManageHolidays), Group),
    ("/holidays/{id}/delete", Act(Action::ManageHolidays), Group),
    ("/suspensions", Act(Action::ManageSuspensions), Dealer),
    (
        "/suspensions/{id}/lift",
        Act(Action::ManageSuspensions),
        Dealer,
    ),
    ("/parts/outgoing/{id}/ship", Order(OrderEvent::Ship), Source),
    ("/s/{code}/location", Guard::Link, Dealer),
    ("/s/{code}/rating", Guard::Link, Dealer),
    ("/outbox/{id}/retry", Act(Action::RetryMessages), Dealer),
    ("/admin/import", Act(Action::ImportData), Group),
    ("/jobs/{id}/position", Crew, Dealer),
    ("/j/{code}/position", Guard::Link, Dealer),
    ("/jobs/{id}/photos", Crew, Dealer),
    ("/j/{code}/photos", Guard::Link, Dealer),
    ("/rota/shift", Act(Action::EditRota), Dealer),
    ("/rota/holiday", Act(Action::EditRota), Dealer),
    ("/rota/import", Act(Action::EditRota), Dealer),
    ("/vehicles", Act(Action::ManageFleet), Dealer),
    ("/vehicles/{id}/check", Act(Action::CheckVehicles), Dealer),
];

/// The guard of each `/tickets/{id}/act/{name}` button; a new one must be added here.
fn ticket_action(name: &str) -> Guard {
    match name {
        "submit" => Step(Event::SubmitPlan),
        "review" => Step(Event::ManagerAccept),
        "consent" => Step(Event::CustomerAgree),
        "approval" => Step(Event::DirectorApprove),
        "issue" => Guard::Roles(&[Role::PartsDesk]),
        "cancel" => Step(Event::Cancel),
        "location-request" => Act(Action::CreateTicket),
        "close" => Step(Event::Close),
        "pause" | "resume" => Act(Action::PauseClock),
        "ack" => Crew,
        "depart" => Step(Event::Depart),
        "arrive" => Step(Event::Arrive),
        "mismatch" => Step(Event::ReportMismatch),
        "resolve" => Step(Event::Resolve),
        "tow" => Step(Event::TowToWorkshop),
        other => panic!("/tickets/{{id}}/act/{other} has no guard in endpoint_roles.rs"),
    }
}

/// The guard and reach of each `/tickets/{id}/parts/act/{name}` button.
fn parts_action(name: &str) -> (Guard, Reach) {
    match name {
        "propose" | "place" => (Order(OrderEvent::Place), Dealer),
        "review" => (Order(OrderEvent::Review), Dealer),
        // The ticket's page: the order's source ships from the outgoing list, not from here.
        "ship" => (Order(OrderEvent::Ship), Dealer),
        "receive" => (Order(OrderEvent::Receive), Dealer),
        "deliver" => (Order(OrderEvent::Deliver), Dealer),
        "cancel" => (Order(OrderEvent::Cancel), Dealer),
        other => panic!("/tickets/{{id}}/parts/act/{other} has no guard in endpoint_roles.rs"),
    }
}

/// Every form post of the pages as the tables above see it.
fn page_table() -> Vec<(String, Guard, Reach)> {
    let mut out: Vec<(String, Guard, Reach)> = PAGES
        .iter()
        .map(|(p, g, r)| (p.to_string(), *g, *r))
        .collect();
    for (name, _) in rescuedesk::web::actions::TicketAction::ALL {
        out.push((
            format!("/tickets/{{id}}/act/{name}"),
            ticket_action(name),
            Dealer,
        ));
    }
    for (name, _) in rescuedesk::web::parts_desk::PartsAction::ALL {
        let (g, r) = parts_action(name);
        out.push((format!("/tickets/{{id}}/parts/act/{name}"), g, r));
    }
    for (name, _) in rescuedesk::web::actions::CrewAction::ALL {
        out.push((format!("/j/{{code}}/act/{name}"), Guard::Link, Dealer));
    }
    for (name, _) in rescuedesk::services::decide::Step::ALL {
        out.push((format!("/a/{{code}}/act/{name}"), Guard::Link, Dealer));
    }
    out
}

/// Every POST route `src/web/mod.rs` registers. Actix does not list an app's routes, so the
/// registration is read as text: each `.route("…", web::post()…)`, and the `format!` loops over
/// the action enums (expanded with the same `ALL` lists the loops use).
fn registered_post_routes() -> BTreeSet<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/mod.rs");
    let text: String = std::fs::read_to_string(path)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut out = BTreeSet::new();
    for chunk in text.split("route(").skip(1) {
        let (template, rest) = if let Some(r) = chunk.strip_prefix("&format!(\"") {
            let end = r.find('"').unwrap();
            (
                r[..end].replace("{{", "{").replace("}}", "}"),
                &r[end + 3..],
            )
        } else if let Some(r) = chunk.strip_prefix('"') {
            let end = r.find('"').unwrap();
            (r[..end].to_owned(), &r[end + 2..])
        } else {
            panic!("a route registered in an unexpected way: {chunk:.80}");
        };
        if !rest.starts_with("web::post()") {
            continue;
        }
        let names: Vec<&str> = match template.as_str() {
            "/tickets/{id}/act/{name}" => rescuedesk::web::actions::TicketAction::ALL
                .iter()
                .map(|(n, _)| *n)
                .collect(),
            "/tickets/{id}/parts/act/{name}" => rescuedesk::web::parts_desk::PartsAction::ALL
                .iter()
                .map(|(n, _)| *n)
                .collect(),
            "/j/{code}/act/{name}" => rescuedesk::web::actions::CrewAction::ALL
                .iter()
                .map(|(n, _)| *n)
                .collect(),
            "/a/{code}/act/{name}" => rescuedesk::services::decide::Step::ALL
                .iter()
                .map(|(n, _)| *n)
                .collect(),
            t if t.contains("{name}") => panic!("a POST loop endpoint_roles.rs does not know: {t}"),
            _ => {
                out.insert(template);
                continue;
            }
        };
        for n in names {
            out.insert(template.replace("{name}", n));
        }
    }
    out
}

const START: &str = "<!-- endpoint table: start (generated, see tests/api/endpoint_roles.rs) -->\n";
const END: &str = "<!-- endpoint table: end -->";

fn roles_of(g: Guard) -> String {
    match g {
        Guard::Public => "anyone".into(),
        Guard::Link => "whoever holds the link".into(),
        Guard::Crew => "the crew (`technician`, by membership)".into(),
        _ => Role::ALL
            .iter()
            .filter(|r| g.permits(**r))
            .map(|r| format!("`{}`", r.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The tables as ARCHITECTURE.md prints them.
fn endpoint_table() -> String {
    let mut out = String::from("| Endpoint | Needs | Roles | Reaches |\n|---|---|---|---|\n");
    for (method, path, g, r, _) in api_rows() {
        out.push_str(&format!(
            "| `{method} /api/v1{path}` | {} | {} | {} |\n",
            g.label(),
            roles_of(g),
            r.label()
        ));
    }
    for (path, g, r) in page_table() {
        out.push_str(&format!(
            "| page `POST {path}` | {} | {} | {} |\n",
            g.label(),
            roles_of(g),
            r.label()
        ));
    }
    out
}

#[test]
fn architecture_md_prints_the_endpoint_permission_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let table = endpoint_table();
    let (Some(a), Some(b)) = (doc.find(START), doc.find(END)) else {
        panic!("ARCHITECTURE.md lacks the endpoint table's markers");
    };
    if doc[a + START.len()..b] != table {
        if std::env::var_os("UPDATE_PERMISSIONS").is_some() {
            let updated = format!("{}{START}{table}{}", &doc[..a], &doc[b..]);
            // Whole or not at all: the other generated table's test reads the file meanwhile.
            let tmp = path.with_extension("md.endpoints-tmp");
            std::fs::write(&tmp, updated).unwrap();
            std::fs::rename(&tmp, &path).unwrap();
        } else {
            panic!("the endpoint table in ARCHITECTURE.md is out of date; run UPDATE_PERMISSIONS=1 cargo test --test api permission_table\n{table}");
        }
    }
    assert!(
        table.contains("| `POST /api/v1/tickets/{id}/approval` | event `approval.approved` | `service_director` |"),
        "{table}"
    );
}

#[test]
fn every_import_kind_is_in_the_table() {
    let listed: BTreeSet<&str> = IMPORT_KINDS.iter().map(|(k, _, _)| *k).collect();
    let kinds: BTreeSet<&str> = rescuedesk::import::ImportKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(listed, kinds);
}

#[test]
fn every_registered_form_post_is_in_the_table() {
    let registered = registered_post_routes();
    let listed: BTreeSet<String> = page_table().into_iter().map(|(p, _, _)| p).collect();
    let missing: Vec<_> = registered.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&registered).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "form posts missing from endpoint_roles.rs: {missing:?}; listed but not registered: {gone:?}"
    );
    assert!(registered.len() > 60, "{registered:?}");
}

/// Who calls: a login (or none: signed out) and what the cell expects of it.
#[derive(Debug, Clone)]
struct Caller {
    login: Option<String>,
    who: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Anything but 401, 403 and 5xx (and, for pages, the sign-in redirect).
    Allow,
    /// Any answer but a 5xx (the sign-in form and signing out, posted signed out).
    Answer,
    /// Allowed, and the answer must carry nothing of Hangzhou's (staff elsewhere, own data).
    AllowClean,
    SignIn,
    Forbidden,
    /// 403 or 404.
    Hidden,
}

/// The demo's resources the sweep aims at, and what of Hangzhou must not show elsewhere.
struct Fixture {
    ticket: String,
    follow_up: String,
    complaint: String,
    holiday: String,
    outbox: String,
    rescue_vehicle: String,
    order: String,
    standard_plan: String,
    suspension: String,
    plate: String,
    victim: String,
    victim_session: String,
    victim_token: String,
    hz_dealer: String,
    hz_name: String,
    /// A part of the fixture's plan, in stock at Hangzhou.
    part: String,
    /// A photo of the fixture's ticket.
    photo: String,
    /// What was not found in the demo and was aimed at as a well-formed unknown id.
    unknown: Vec<&'static str>,
}

impl Fixture {
    fn fill(&self, template: &str) -> String {
        let first = template.trim_start_matches('/').split('/').next().unwrap();
        let mut out = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').unwrap() + open;
            let name = &rest[open + 1..close];
            let unknown = UNKNOWN.to_owned();
            let v = match (first, name) {
                ("tickets" | "jobs", "id") => self.ticket.clone(),
                ("tickets", "photo_id") => self.photo.clone(),
                ("complaints", "id") => self.complaint.clone(),
                ("follow-ups", "id") => self.follow_up.clone(),
                ("holiday-stock" | "holidays", "id") => self.holiday.clone(),
                ("imports", "kind") => "stock".into(),
                ("me" | "account", "id") => unknown,
                ("outbox", "id") => self.outbox.clone(),
                ("rescue-vehicles" | "vehicles", "id") => self.rescue_vehicle.clone(),
                ("rota", "date") => "2027-02-17".into(),
                ("sourcing-orders" | "parts", "id") => self.order.clone(),
                ("standard-plans", "id") => self.standard_plan.clone(),
                ("suspensions", "id") => self.suspension.clone(),
                ("users" | "admin", "id") => self.victim.clone(),
                ("users" | "admin", "session_id" | "session") => self.victim_session.clone(),
                ("users" | "admin", "token_id" | "token") => self.victim_token.clone(),
                ("vehicles", "plate") => self.plate.clone(),
                // A code that is no link: the link routes find nothing with it.
                ("s" | "j" | "a", "code") => "AAAAAAAAAAAAAAAAAAAAAA".into(),
                _ => panic!("endpoint_roles.rs does not know how to fill {{{name}}} of {template}"),
            };
            out.push_str(&v);
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// `text` with every id of the fixture replaced by one that is no row's.
    fn unknown_in(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for id in [
            &self.ticket,
            &self.follow_up,
            &self.complaint,
            &self.holiday,
            &self.outbox,
            &self.rescue_vehicle,
            &self.order,
            &self.standard_plan,
            &self.suspension,
            &self.victim,
            &self.victim_session,
            &self.victim_token,
            &self.photo,
        ] {
            out = out.replace(id.as_str(), UNKNOWN);
        }
        out.replace(&self.plate, "浙Z99999")
    }

    /// Hangzhou's traces in an answer to staff elsewhere: its resources always, the dealer
    /// itself too for another group.
    fn leak(&self, body: &str, other_group: bool) -> Option<&str> {
        for (id, what) in [
            (&self.ticket, "the Hangzhou ticket"),
            (&self.follow_up, "the Hangzhou follow-up"),
            (&self.complaint, "the Hangzhou complaint"),
            (&self.outbox, "the Hangzhou message"),
            (&self.rescue_vehicle, "the Hangzhou rescue vehicle"),
            (&self.standard_plan, "the Hangzhou standard plan"),
            (&self.suspension, "the Hangzhou suspension"),
        ] {
            if body.contains(id.as_str()) {
                return Some(what);
            }
        }
        if other_group && (body.contains(&self.hz_dealer) || body.contains(&self.hz_name)) {
            return Some("the Hangzhou dealer");
        }
        None
    }
}

const LOGIN_ROLES: [(&str, Role); 8] = [
    ("agent", Role::CallAgent),
    ("workshop", Role::WorkshopLead),
    ("manager", Role::ServiceManager),
    ("director", Role::ServiceDirector),
    ("parts", Role::PartsDesk),
    ("partsmgr", Role::PartsManager),
    ("tech", Role::Technician),
    ("admin", Role::Admin),
];

fn login_of(dealer: &str, role: Role) -> String {
    if role == Role::CatalogueAdmin {
        return "platform.catalogue".into();
    }
    let suffix = LOGIN_ROLES.iter().find(|(_, r)| *r == role).unwrap().0;
    format!("{dealer}.{suffix}")
}

/// The callers of one endpoint and what each expects.
fn cells(guard: Guard, reach: Reach, has_id: bool) -> Vec<(Caller, Expect)> {
    let mut out = Vec::new();
    match guard {
        Guard::Public => {
            out.push((
                Caller {
                    login: None,
                    who: "signed out",
                },
                Expect::Answer,
            ));
            return out;
        }
        // A code that is no link: nobody finds anything with it, signed in or not.
        Guard::Link => {
            out.push((
                Caller {
                    login: None,
                    who: "signed out",
                },
                Expect::Hidden,
            ));
            out.push((
                Caller {
                    login: Some("hz.admin".into()),
                    who: "hz role",
                },
                Expect::Hidden,
            ));
            return out;
        }
        _ => {}
    }
    out.push((
        Caller {
            login: None,
            who: "signed out",
        },
        Expect::SignIn,
    ));
    for role in Role::ALL {
        let e = if guard.permits(role) {
            Expect::Allow
        } else {
            Expect::Forbidden
        };
        out.push((
            Caller {
                login: Some(login_of("hz", role)),
                who: "hz role",
            },
            e,
        ));
    }
    // Staff elsewhere, holding a role the guard names (the crew's technician, for crew steps).
    let Some(role) = LOGIN_ROLES
        .iter()
        .map(|(_, r)| *r)
        .find(|r| guard.permits(*r))
    else {
        return out;
    };
    let sister = match (reach, has_id) {
        (Own | Group | Source | Platform, _) => Expect::Allow,
        (Dealer, false) => Expect::AllowClean,
        (Dealer, true) => Expect::Hidden,
    };
    let sister = if matches!(guard, Crew) {
        Expect::Hidden
    } else {
        sister
    };
    out.push((
        Caller {
            login: Some(login_of("nb", role)),
            who: "sister dealer",
        },
        sister,
    ));
    let other = match (reach, has_id) {
        (Own | Platform, _) => Expect::Allow,
        (_, false) => Expect::AllowClean,
        (_, true) => Expect::Hidden,
    };
    out.push((
        Caller {
            login: Some(login_of("sh", role)),
            who: "other group",
        },
        other,
    ));
    out
}

/// Whether the path names a resource of Hangzhou (a rota date or an import's kind names none:
/// at another dealer they are that dealer's own).
fn names_a_resource(template: &str) -> bool {
    template
        .split('/')
        .any(|s| s.starts_with('{') && s != "{date}" && s != "{kind}")
}

/// A second dealer group (`sh`, Shanghai) with one sign-in per role, rows only.
fn other_group(app: &TestApp, hash: &str) {
    let hash = hash.to_owned();
    app.db
        .write_blocking(move |conn| {
            let dealer = crate::helpers::insert_other_group(
                conn,
                crate::helpers::OtherGroup {
                    group: "另一集团",
                    brand: "测试",
                    dealer: "上海测试4S店",
                    address: "测试路 2 号",
                },
            )?;
            for (suffix, role) in LOGIN_ROLES {
                rescuedesk::repo::users::insert_user(
                    conn,
                    &rescuedesk::repo::users::NewUser {
                        login: format!("sh.{suffix}"),
                        name: format!("上海{suffix}"),
                        phone: "13900001111".into(),
                        email: format!("sh.{suffix}@test.cn"),
                        dealer_id: dealer.clone(),
                        password_hash: hash.clone(),
                        roles: vec![role],
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
}

/// The id of the first row `sql` finds, if any.
fn first_id(app: &TestApp, sql: String) -> Option<String> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    app.db
        .read_blocking(move |conn| {
            Ok(diesel::sql_query(sql)
                .load::<Id>(conn)?
                .into_iter()
                .next()
                .map(|i| i.id))
        })
        .unwrap()
}

/// A ticket of Hangzhou with a plan (its lead technician `hz.tech` the crew), and a transfer of
/// one of its parts asked of Ningbo; the victim user whose sessions the admins' cells end; the
/// rest found in the demo.
async fn fixture(app: &TestApp, hash: &str) -> Fixture {
    let hz: (String, String, String) = app
        .db
        .read_blocking(|conn| {
            Ok(dealers::table
                .filter(dealers::code.eq("hz"))
                .select((dealers::id, dealers::name, dealers::group_id))
                .first(conn)?)
        })
        .unwrap();
    let (hz_dealer, hz_name, hz_group) = hz;
    let ticket = app.new_ticket().await;
    let fx_ticket = ticket.clone();
    let d = hz_dealer.clone();
    let (tech, tool, part) = app
        .db
        .read_blocking(move |conn| {
            let tech_user: String = users::table
                .filter(users::login.eq("hz.tech"))
                .select(users::id)
                .first(conn)?;
            let tech: String = technicians::table
                .filter(technicians::user_id.eq(tech_user))
                .select(technicians::id)
                .first(conn)?;
            let tool: String = tools::table
                .filter(tools::dealer_id.eq(&d))
                .select(tools::id)
                .first(conn)?;
            let part: String = stock::table
                .filter(stock::dealer_id.eq(&d))
                .filter(stock::on_hand.gt(0))
                .select(stock::part_id)
                .first(conn)?;
            Ok((tech, tool, part))
        })
        .unwrap();
    let plan = json!({
        "crew": [{"technician_id": tech, "lead": true}],
        "tools": [{"tool_id": tool, "quantity": 1}],
        "parts": [{"part_id": &part, "quantity": 1}],
        "items": [{"description": "检测并更换蓄电池", "labour_minutes": 30}],
        "estimated_minutes": 45,
        "travel_km": 10.0
    });
    let (status, body) = app
        .put(
            &app.token("hz.workshop"),
            &format!("/api/v1/tickets/{ticket}/plan"),
            &plan,
        )
        .await;
    assert!(status < 300, "the fixture's plan: {status} {body}");
    let nb = app.nb_dealer.clone();
    let t = ticket.clone();
    let order = app
        .db
        .write_blocking(move |conn| {
            let plan: String = plans::table
                .filter(plans::ticket_id.eq(&t))
                .select(plans::id)
                .first(conn)?;
            let (plan_part, part): (String, String) = plan_parts::table
                .filter(plan_parts::plan_id.eq(plan))
                .select((plan_parts::id, plan_parts::part_id))
                .first(conn)?;
            let by: String = users::table
                .filter(users::login.eq("hz.parts"))
                .select(users::id)
                .first(conn)?;
            let id = rescuedesk::repo::new_id();
            let now = rescuedesk::repo::now();
            use rescuedesk::db::schema::sourcing_orders as o;
            diesel::insert_into(o::table)
                .values((
                    o::id.eq(&id),
                    o::ticket_id.eq(&t),
                    o::plan_part_id.eq(plan_part),
                    o::part_id.eq(part),
                    o::quantity.eq(1),
                    o::kind.eq("sister_transfer"),
                    o::source_dealer_id.eq(nb),
                    o::mode.eq("road"),
                    o::status.eq("placed"),
                    o::cost_fen.eq(0_i64),
                    o::created_by.eq(by),
                    o::created_at.eq(now),
                    o::updated_at.eq(now),
                    o::destination.eq("dealer"),
                    o::placed_at.eq(now),
                ))
                .execute(conn)?;
            Ok(id)
        })
        .unwrap();
    // The victim: a Hangzhou user with a page session and a token, for the admins' cells.
    let hash = hash.to_owned();
    let d = hz_dealer.clone();
    let victim = app
        .db
        .write_blocking(move |conn| {
            rescuedesk::repo::users::insert_user(
                conn,
                &rescuedesk::repo::users::NewUser {
                    login: "hz.victim".into(),
                    name: "杭州受害者".into(),
                    phone: "13900001111".into(),
                    email: "hz.victim@test.cn".into(),
                    dealer_id: d,
                    password_hash: hash,
                    roles: vec![Role::CallAgent],
                },
            )?;
            Ok(users::table
                .filter(users::login.eq("hz.victim"))
                .select(users::id)
                .first::<String>(conn)?)
        })
        .unwrap();
    sign_in(app, "hz.victim").await;
    app.token("hz.victim");
    let v = victim.clone();
    let victim_session = app
        .db
        .read_blocking(move |conn| {
            Ok(sessions::table
                .filter(sessions::user_id.eq(v))
                .select(sessions::id)
                .first::<String>(conn)?)
        })
        .unwrap();
    let victim_token = first_id(
        app,
        format!("SELECT id FROM api_tokens WHERE user_id = '{victim}'"),
    )
    .unwrap();
    let mut unknown = Vec::new();
    let mut found = |what: &'static str, sql: String| {
        first_id(app, sql).unwrap_or_else(|| {
            unknown.push(what);
            UNKNOWN.into()
        })
    };
    let dl = &hz_dealer;
    let follow_up = found(
        "follow-up",
        format!("SELECT id FROM follow_ups WHERE dealer_id = '{dl}' ORDER BY id"),
    );
    let complaint = found(
        "complaint",
        format!("SELECT id FROM complaints WHERE dealer_id = '{dl}' ORDER BY id"),
    );
    // A photo the crew took on arrival (rows only: the ticket is not that far).
    let t = fx_ticket.clone();
    let photo = app
        .db
        .write_blocking(move |conn| {
            use base64::Engine;
            use rescuedesk::db::schema::ticket_photos as ph;
            let data = base64::engine::general_purpose::STANDARD
                .decode(PNG)
                .unwrap();
            let id = rescuedesk::repo::new_id();
            diesel::insert_into(ph::table)
                .values((
                    ph::id.eq(&id),
                    ph::ticket_id.eq(t),
                    ph::kind.eq("fault_on_arrival"),
                    ph::content_type.eq("image/png"),
                    ph::size_bytes.eq(data.len() as i32),
                    ph::data.eq(data),
                    ph::taken_by.eq("周师傅"),
                    ph::created_at.eq(rescuedesk::repo::now()),
                ))
                .execute(conn)?;
            Ok(id)
        })
        .unwrap();
    // A message to the ticket's customer that gave up (what a retry is for).
    let t = fx_ticket.clone();
    app.db
        .write_blocking(move |conn| {
            use rescuedesk::db::schema::outbox as m;
            let now = rescuedesk::repo::now();
            diesel::insert_into(m::table)
                .values((
                    m::id.eq(rescuedesk::repo::new_id()),
                    m::channel.eq("sms"),
                    m::recipient.eq("13812345678"),
                    m::locale.eq("zh-CN"),
                    m::template.eq("intake_received"),
                    m::subject.eq(""),
                    m::body_text.eq("您的救援请求已受理"),
                    m::ticket_id.eq(t),
                    m::status.eq("dead"),
                    m::attempts.eq(5),
                    m::next_attempt_at.eq(now),
                    m::last_error.eq("gateway down"),
                    m::idempotency_key.eq(rescuedesk::repo::new_id()),
                    m::created_at.eq(now),
                    m::params.eq("{}"),
                ))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
    let outbox = found(
        "outbox message",
        format!("SELECT o.id AS id FROM outbox o JOIN tickets t ON t.id = o.ticket_id WHERE t.dealer_id = '{dl}' ORDER BY o.id"),
    );
    let standard_plan = found(
        "standard plan",
        format!("SELECT id FROM standard_plans WHERE dealer_id = '{dl}' ORDER BY id"),
    );
    let suspension = found(
        "suspension",
        format!("SELECT id FROM suspensions WHERE dealer_id = '{dl}' ORDER BY id"),
    );
    let g = hz_group.clone();
    let holiday = app
        .db
        .read_blocking(move |conn| {
            Ok(holidays::table
                .filter(holidays::group_id.eq(g))
                .select(holidays::id)
                .first::<String>(conn)?)
        })
        .unwrap();
    let d = hz_dealer.clone();
    let (rescue_vehicle, plate) = app
        .db
        .read_blocking(move |conn| {
            let rv: String = rescue_vehicles::table
                .filter(rescue_vehicles::dealer_id.eq(&d))
                .select(rescue_vehicles::id)
                .first(conn)?;
            let plate: String = vehicles::table
                .filter(vehicles::dealer_id.eq(&d))
                .select(vehicles::plate)
                .first(conn)?;
            Ok((rv, plate))
        })
        .unwrap();
    Fixture {
        ticket,
        follow_up,
        complaint,
        holiday,
        outbox,
        rescue_vehicle,
        order,
        standard_plan,
        suspension,
        plate,
        victim,
        victim_session,
        victim_token,
        hz_dealer,
        hz_name,
        part,
        photo,
        unknown,
    }
}

fn demo_password() -> String {
    crate::helpers::settings_for("sqlite://unused")
        .demo
        .password
}

/// A signed-in page client of a demo login, and its CSRF token.
async fn sign_in(app: &TestApp, login: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = crate::helpers::page_text(&client, app, "/login").await;
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("login", login),
            ("password", &demo_password()),
            ("csrf", &crate::pages::csrf_of(&page)),
            ("next", "/account/sessions"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "sign-in of {login}");
    let html = crate::helpers::page_text(&client, app, "/account/sessions").await;
    let csrf = crate::pages::csrf_of(&html);
    (client, csrf)
}

/// Row counts a refused call must leave as they were.
fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    [
        "tickets",
        "plans",
        "plan_parts",
        "approvals",
        "part_issues",
        "sourcing_orders",
        "audit_events",
        "outbox",
        "links",
        "ticket_pauses",
        "ticket_photos",
        "crew_positions",
        "location_shares",
        "follow_ups WHERE status <> 'open'",
        "complaints WHERE status <> 'open'",
        "complaint_steps",
        "standard_plans",
        "suspensions WHERE lifted_at IS NULL",
        "rescue_vehicles",
        "vehicle_checks",
        "holidays",
        "holiday_stock_lists",
        "holiday_stock_lines",
        "rota_shifts",
        "rota_holidays",
        "sessions",
        "api_tokens WHERE revoked_at IS NULL",
        "stock",
    ]
    .into_iter()
    .map(|t| (t, app.count(t)))
    .collect()
}

/// One checked cell: what was asked, by whom, what came back.
struct Outcome {
    what: String,
    expect: Expect,
    status: u16,
    location: String,
    body: String,
    other_group: bool,
    /// For a hidden cell answered 400: the same request with an unknown id instead.
    twin: Option<(u16, String)>,
}

fn judge(o: &Outcome, fx: &Fixture, page: bool) -> Option<String> {
    let s = o.status;
    let to_sign_in = (300..400).contains(&s) && o.location.starts_with("/login");
    // Ending all one's own sessions signs one out: its success is the way to the sign-in page.
    let signs_out = o
        .what
        .starts_with("page POST /account/sessions/revoke-all ");
    let ok = match o.expect {
        Expect::SignIn if page => to_sign_in,
        Expect::SignIn => s == 401,
        Expect::Forbidden => s == 403,
        // A body refused before the resource is looked up is a 400, the same (but for the
        // caller's own path echoed) for an id that is no row's: nothing tells the caller the
        // resource exists.
        Expect::Hidden => {
            s == 403 || s == 404 || (s == 400 && o.twin == Some((s, fx.unknown_in(&o.body))))
        }
        Expect::Allow | Expect::AllowClean => {
            s != 401 && s != 403 && s < 500 && (!to_sign_in || signs_out)
        }
        Expect::Answer => s < 500,
    };
    if !ok {
        return Some(format!(
            "{}: expected {:?}, got {s} {} {:.300}",
            o.what, o.expect, o.location, o.body
        ));
    }
    if s >= 500 {
        return Some(format!("{}: {s} {:.300}", o.what, o.body));
    }
    if o.expect == Expect::AllowClean {
        if let Some(leak) = fx.leak(&o.body, o.other_group) {
            return Some(format!("{}: {leak} leaked: {:.300}", o.what, o.body));
        }
    }
    None
}

/// A planned call: the URL, the API's or the page's, and its cell.
struct Planned {
    method: reqwest::Method,
    path: String,
    template: String,
    caller: Caller,
    expect: Expect,
    /// The API's JSON body; the page's form fields beyond the CSRF token.
    body: Option<serde_json::Value>,
    form: Vec<(String, String)>,
}

/// A well-formed id that is no row's.
const UNKNOWN: &str = "0193a4f0-0000-7000-8000-000000000000";

/// A 1×1 PNG, base64.
const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII=";

/// A value of the documented shape: each required property with a plain value of its type, so
/// the body parses and the call reaches the permission check (the values need not make sense).
fn sample(schema: &serde_json::Value, doc: &serde_json::Value, fx: &Fixture) -> serde_json::Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return sample(&doc["components"]["schemas"][name], doc, fx);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(first) = schema[key]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["type"] != "null"))
        {
            return sample(first, doc, fx);
        }
    }
    if let Some(first) = schema["enum"].as_array().and_then(|a| a.first()) {
        return first.clone();
    }
    let ty = match &schema["type"] {
        serde_json::Value::Array(a) => a
            .iter()
            .find(|t| *t != "null")
            .and_then(|t| t.as_str())
            .unwrap_or("null"),
        t => t.as_str().unwrap_or("object"),
    };
    match ty {
        "object" => {
            let mut out = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                let value = match name {
                    "standard_plan_id" => json!(fx.standard_plan),
                    "image_base64" => json!(PNG),
                    n if n.ends_with("_id") => json!(UNKNOWN),
                    _ => sample(&schema["properties"][name], doc, fx),
                };
                out.insert(name.into(), value);
            }
            out.into()
        }
        "array" => json!([]),
        "integer" => json!(1),
        "number" => json!(1.0),
        "boolean" => json!(false),
        "string" => match schema["format"].as_str() {
            Some("date") => json!("2027-02-17"),
            Some("date-time") => json!("2027-02-17T08:00:00+08:00"),
            _ => json!("x"),
        },
        _ => serde_json::Value::Null,
    }
}

/// The documented body of an operation (`{}` where none is documented), and its required query
/// parameters.
fn documented_input(
    fx: &Fixture,
    doc: &serde_json::Value,
    method: &str,
    template: &str,
) -> (Option<serde_json::Value>, String) {
    let op = &doc["paths"][format!("/api/v1{template}")][method.to_lowercase()];
    let body = match &op["requestBody"]["content"]["application/json"]["schema"] {
        serde_json::Value::Null if method == "POST" || method == "PUT" => Some(json!({})),
        serde_json::Value::Null => None,
        schema => Some(sample(schema, doc, fx)),
    };
    let mut query = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        if p["in"] == "query" && p["required"] == true {
            let v = match sample(&p["schema"], doc, fx) {
                serde_json::Value::String(s) => s,
                v => v.to_string(),
            };
            query.push(format!("{}={v}", p["name"].as_str().unwrap()));
        }
    }
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    (body, query)
}

/// The form fields a page action reads before it asks the service (a decision, the order it
/// acts on), so that the call reaches the permission check.
fn form_of(template: &str, fx: &Fixture) -> Vec<(String, String)> {
    let f = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    let name = template.rsplit('/').next().unwrap();
    if template.contains("/parts/act/") {
        return f(&[("order_id", &fx.order)]);
    }
    match (template, name) {
        (t, _) if t.starts_with("/parts/outgoing/") => {
            f(&[("carrier", "顺丰"), ("tracking_no", "SF1234567890")])
        }
        (t, "review") if t.contains("/act/") => f(&[("decision", "accept"), ("plan_version", "1")]),
        (t, "approval") if t.contains("/act/") => {
            f(&[("decision", "approve"), ("plan_version", "1")])
        }
        (t, "consent") if t.contains("/act/") => f(&[("agreed", "yes"), ("plan_version", "1")]),
        (t, "submit") if t.contains("/act/") => f(&[("version", "1")]),
        (t, "issue") if t.contains("/act/") => vec![
            (format!("qty:{}", fx.part), "1".into()),
            ("plan_version".into(), "1".into()),
        ],
        (t, "pause") if t.contains("/act/") => {
            f(&[("reason", "customer_asked_to_wait"), ("note", "稍后再来")])
        }
        _ => Vec::new(),
    }
}

both!(
    every_endpoint_and_page_action_allows_and_denies_as_the_table_says,
    sweep
);
async fn sweep(backend: Backend) {
    let started = std::time::Instant::now();
    let app = TestApp::spawn_demo(backend).await;
    let hash = rescuedesk::auth::password::hash_password(&demo_password()).unwrap();
    other_group(&app, &hash);
    let fx = fixture(&app, &hash).await;

    // The table and the document name the same operations.
    let doc = crate::openapi::served_document(&app).await;
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let listed: BTreeSet<(String, String)> = API
        .iter()
        .map(|(m, p, _, _)| (m.to_string(), format!("/api/v1{p}")))
        .collect();
    let missing: Vec<_> = documented.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&documented).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "operations missing from endpoint_roles.rs: {missing:?}; listed but not in the document: {gone:?}"
    );

    let mut api_cells = Vec::new();
    for (method, template, guard, reach, documented) in api_rows() {
        for (caller, expect) in cells(guard, reach, names_a_resource(&template)) {
            let (body, query) = documented_input(&fx, &doc, method, documented);
            api_cells.push(Planned {
                method: method.parse().unwrap(),
                path: format!("/api/v1{}{query}", fx.fill(&template)),
                template: format!("{method} /api/v1{template}"),
                caller,
                expect,
                body,
                form: Vec::new(),
            });
        }
    }
    let mut page_cells = Vec::new();
    for (template, guard, reach) in page_table() {
        // Signing in again or out would end the callers' sessions: only signed out.
        let cells = if matches!(guard, Guard::Public) {
            cells(guard, reach, false)
        } else {
            cells(guard, reach, names_a_resource(&template))
        };
        for (caller, expect) in cells {
            let mut path = fx.fill(&template);
            if template.ends_with("/photos") {
                path.push_str("?kind=fault_on_arrival");
            }
            page_cells.push(Planned {
                method: reqwest::Method::POST,
                path,
                template: format!("page POST {template}"),
                caller,
                expect,
                body: None,
                form: form_of(&template, &fx),
            });
        }
    }

    // Every caller's token; page sessions are signed in after the API's allowed cells (some end
    // the caller's own sessions).
    let mut logins: BTreeSet<String> = BTreeSet::new();
    for c in api_cells.iter().chain(&page_cells) {
        if let Some(l) = &c.caller.login {
            logins.insert(l.clone());
        }
    }
    let tokens: std::collections::HashMap<String, String> =
        logins.iter().map(|l| (l.clone(), app.token(l))).collect();

    let mut failures = Vec::new();
    let (mut allowed, mut denied) = (0usize, 0usize);
    // What the allowed cells answered: mostly 2xx/3xx and refusals of the empty body, few 404s.
    let mut answers = std::collections::BTreeMap::<u16, usize>::new();
    let denied_of = |c: &&Planned| {
        !matches!(
            c.expect,
            Expect::Allow | Expect::AllowClean | Expect::Answer
        )
    };

    // API: the refusals, which must write nothing; then the allowed calls, each with a fresh
    // token (an allowed call may end the caller's sessions and tokens).
    let before = counts(&app);
    let refused: Vec<&Planned> = api_cells.iter().filter(denied_of).collect();
    for o in run_api(&app, &fx, &refused, |c| {
        c.caller.login.as_ref().map(|l| tokens[l].clone())
    })
    .await
    {
        failures.extend(judge(&o, &fx, false));
        denied += 1;
    }
    let after = counts(&app);
    assert_eq!(before, after, "the API's refusals wrote nothing");
    let permitted: Vec<&Planned> = api_cells.iter().filter(|c| !denied_of(c)).collect();
    for o in run_api(&app, &fx, &permitted, |c| {
        c.caller.login.as_ref().map(|l| app.token(l))
    })
    .await
    {
        failures.extend(judge(&o, &fx, false));
        *answers.entry(o.status).or_insert(0) += 1;
        allowed += 1;
    }

    // Pages: one session per caller, signed in now.
    let mut clients = std::collections::HashMap::new();
    let page_logins: BTreeSet<String> = page_cells
        .iter()
        .filter_map(|c| c.caller.login.clone())
        .collect();
    for l in page_logins {
        let c = sign_in(&app, &l).await;
        clients.insert(l, c);
    }

    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let before = counts(&app);
    let refused: Vec<&Planned> = page_cells.iter().filter(denied_of).collect();
    for o in run_pages(&app, &fx, &refused, &clients, &anonymous).await {
        failures.extend(judge(&o, &fx, true));
        denied += 1;
    }
    let after = counts(&app);
    assert_eq!(before, after, "the pages' refusals wrote nothing");
    // Allowed form posts that end the caller's own sessions go last: the others', then all.
    let batch_of = |c: &Planned| match c.template.as_str() {
        "page POST /account/sessions/revoke-others" => 1,
        "page POST /account/sessions/revoke-all" => 2,
        _ => 0,
    };
    let permitted: Vec<&Planned> = page_cells.iter().filter(|c| !denied_of(c)).collect();
    for n in 0..3 {
        let batch: Vec<&Planned> = permitted
            .iter()
            .copied()
            .filter(|c| batch_of(c) == n)
            .collect();
        for o in run_pages(&app, &fx, &batch, &clients, &anonymous).await {
            failures.extend(judge(&o, &fx, true));
            *answers.entry(o.status).or_insert(0) += 1;
            allowed += 1;
        }
    }

    assert!(
        failures.is_empty(),
        "{} of {} permission cells failed:\n{}",
        failures.len(),
        allowed + denied,
        failures.join("\n")
    );
    assert!(
        allowed > 300 && denied > 600,
        "{allowed} allowed, {denied} denied"
    );
    eprintln!(
        "[figures] permission cells checked: {} (allowed {allowed}, denied {denied}) on {backend:?} in {:.1} s; allowed answered {answers:?}; aimed at unknown ids for: {:?}",
        allowed + denied,
        started.elapsed().as_secs_f64(),
        fx.unknown
    );
}

/// Requests at once: enough to keep both server workers busy.
const AT_ONCE: usize = 8;

async fn run_api(
    app: &TestApp,
    fx: &Fixture,
    cells: &[&Planned],
    token: impl Fn(&Planned) -> Option<String>,
) -> Vec<Outcome> {
    let planned: Vec<_> = cells.iter().map(|c| (*c, token(c))).collect();
    futures_util::stream::iter(planned)
        .map(|(c, token)| async move {
            let send = |path: String| {
                let mut req = app.client.request(c.method.clone(), app.url(&path));
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                if c.template.contains("/imports/") {
                    req = req
                        .header("content-type", "text/csv")
                        .body("no,such,columns\n");
                } else if let Some(body) = &c.body {
                    req = req.json(body);
                }
                req.send()
            };
            let res = send(c.path.clone()).await.unwrap();
            let twin = if c.expect == Expect::Hidden && res.status().as_u16() == 400 {
                let twin = send(fx.unknown_in(&c.path)).await.unwrap();
                Some((
                    twin.status().as_u16(),
                    twin.text().await.unwrap_or_default(),
                ))
            } else {
                None
            };
            outcome(c, res, twin).await
        })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await
}

async fn run_pages(
    app: &TestApp,
    fx: &Fixture,
    cells: &[&Planned],
    clients: &std::collections::HashMap<String, (reqwest::Client, String)>,
    anonymous: &reqwest::Client,
) -> Vec<Outcome> {
    futures_util::stream::iter(cells.iter().copied())
        .map(|c| async move {
            let (client, csrf) = match &c.caller.login {
                Some(l) => (&clients[l].0, clients[l].1.as_str()),
                None => (anonymous, "none"),
            };
            let send = |path: String, form: Vec<(String, String)>| {
                let req = client.post(app.url(&path)).header("x-csrf-token", csrf);
                // The phone's position is JSON, its photos the image's bytes; the rest are forms.
                let req = if c.template.ends_with("/position") {
                    req.json(&json!({"lat": 30.27, "lon": 120.15, "accuracy": 10.0}))
                } else if c.template.ends_with("/photos") {
                    req.header("content-type", "image/jpeg")
                        .body(vec![0xff_u8, 0xd8, 0xff, 0xe0, 0, 0x10])
                } else {
                    let mut all = vec![("csrf".to_owned(), csrf.to_owned())];
                    all.extend(form);
                    req.form(&all)
                };
                req.send()
            };
            let res = send(c.path.clone(), c.form.clone()).await.unwrap();
            let twin = if c.expect == Expect::Hidden && res.status().as_u16() == 400 {
                let form = c
                    .form
                    .iter()
                    .map(|(k, v)| (k.clone(), fx.unknown_in(v)))
                    .collect();
                let twin = send(fx.unknown_in(&c.path), form).await.unwrap();
                Some((
                    twin.status().as_u16(),
                    twin.text().await.unwrap_or_default(),
                ))
            } else {
                None
            };
            outcome(c, res, twin).await
        })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await
}

async fn outcome(c: &Planned, res: reqwest::Response, twin: Option<(u16, String)>) -> Outcome {
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = res.text().await.unwrap_or_default();
    Outcome {
        what: format!(
            "{} as {} ({})",
            c.template,
            c.caller.login.as_deref().unwrap_or("nobody"),
            c.caller.who
        ),
        expect: c.expect,
        status,
        location,
        body,
        other_group: c
            .caller
            .login
            .as_deref()
            .is_some_and(|l| l.starts_with("sh.")),
        twin,
    }
}

#[test]
fn the_cells_of_a_guard_follow_the_table() {
    // The director approves; the agent is refused; Ningbo's director finds no Hangzhou ticket.
    let c = cells(Step(Event::DirectorApprove), Dealer, true);
    let of = |login: &str| {
        c.iter()
            .find(|(k, _)| k.login.as_deref() == Some(login))
            .unwrap()
            .1
    };
    assert_eq!(of("hz.director"), Expect::Allow);
    assert_eq!(of("hz.agent"), Expect::Forbidden);
    assert_eq!(of("nb.director"), Expect::Hidden);
    assert_eq!(of("sh.director"), Expect::Hidden);
    assert_eq!(c[0].1, Expect::SignIn);
    // The group's calendar is the sister dealer's too, not another group's.
    let c = cells(Act(Action::ManageHolidays), Group, true);
    let of = |login: &str| {
        c.iter()
            .find(|(k, _)| k.login.as_deref() == Some(login))
            .unwrap()
            .1
    };
    assert_eq!(of("nb.admin"), Expect::Allow);
    assert_eq!(of("sh.admin"), Expect::Hidden);
    assert_eq!(c.len(), 1 + Role::ALL.len() + 2);
}
