//! The technician's phone pages: my jobs, and one job with big buttons for each step on the road.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::session::{Chrome, WebUser};
use super::tickets::local;
use super::{html, OrPage, PageError};
use crate::domain::role::Role;
use crate::domain::ticket::TicketStatus;
use crate::domain::workflow::{transition, Context, Event};
use crate::error::AppError;
use crate::services::tickets::{self, TicketDetail, TicketView};
use crate::services::work;
use crate::services::workflow::is_member;
use crate::state::AppState;

/// The rescues a technician's list shows: the ones the crew works on, and those waiting on
/// the customer or the director (so a crew sees what is coming).
const LISTED: [TicketStatus; 7] = [
    TicketStatus::Approved,
    TicketStatus::Dispatched,
    TicketStatus::OnSite,
    TicketStatus::Replanning,
    TicketStatus::AwaitingManagerReview,
    TicketStatus::AwaitingCustomerConsent,
    TicketStatus::AwaitingDirector,
];

pub struct JobRow {
    pub t: TicketView,
    pub status_label: String,
    pub call_time: String,
}

#[derive(Template)]
#[template(path = "jobs.html", config = "src/web/askama.toml")]
struct JobsPage {
    c: Chrome,
    jobs: Vec<JobRow>,
    linked: bool,
}

pub async fn list(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    if !user.identity.roles.contains(&Role::Technician) {
        return Err(PageError::App(
            AppError::forbidden("view_technician_jobs", "label-action-view-technician-jobs"),
            user.locale,
        ));
    }
    let me = user.identity.user().or_page(user.locale)?.clone();
    let (records, linked) = work::jobs_of_user(&state.db, me, &LISTED)
        .await
        .or_page(user.locale)?;
    let jobs = by_urgency(records)
        .into_iter()
        .map(|t| {
            let s = t.status;
            JobRow {
                status_label: user.locale.t(s.label_key()),
                call_time: local(&state, &t.call_time),
                t,
            }
        })
        .collect();
    Ok(html(
        StatusCode::OK,
        &JobsPage {
            c: user.chrome(),
            jobs,
            linked,
        },
    ))
}

/// The most urgent job first: response level 1 before 2, then whoever called first.
fn by_urgency(mut records: Vec<TicketView>) -> Vec<TicketView> {
    records.sort_by_key(|t| (t.response_level, t.call_time));
    records
}

pub struct UsedLine {
    pub part_id: String,
    pub name: String,
    pub issued: i32,
}

#[derive(Template)]
#[template(path = "job.html", config = "src/web/askama.toml")]
struct JobPage {
    c: Chrome,
    action_base: String,
    /// Where this page lives: a refused step renders it at the step's URL, and the script puts
    /// this one back in the address bar so a reload shows the job, not a repeated post.
    page_url: String,
    d: TicketDetail,
    alert: Option<(&'static str, String)>,
    status_code: &'static str,
    status_label: String,
    expected_arrival: String,
    amap_link: String,
    can_ack: bool,
    can_depart: bool,
    can_arrive: bool,
    can_mismatch: bool,
    can_resolve: bool,
    can_tow: bool,
    acknowledged: bool,
    used: Vec<UsedLine>,
    /// Parts following the crew: (part, status, expected arrival), so nobody waits blindly.
    coming: Vec<(String, String, String)>,
}

pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = super::page_ticket_id(&id, user.locale)?;
    render(&state, &user, id, None, StatusCode::OK).await
}

pub async fn render(
    state: &AppState,
    user: &WebUser,
    id: crate::domain::ids::TicketId,
    alert: Option<(&'static str, String)>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let base = format!("/tickets/{id}/act");
    render_for(
        state,
        &user.identity,
        user.chrome(),
        user.locale,
        id,
        base,
        alert,
        status,
    )
    .await
}

/// The job page for a signed-in technician or one holding a job link (`action_base` differs).
#[allow(clippy::too_many_arguments)]
pub async fn render_for(
    state: &AppState,
    identity: &crate::auth::Identity,
    chrome: Chrome,
    locale: crate::i18n::Locale,
    id: crate::domain::ids::TicketId,
    action_base: String,
    alert: Option<(&'static str, String)>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let d = tickets::detail(&state.db, identity, id)
        .await
        .or_page(locale)?;
    let me = d.plan.as_ref().and_then(|p| {
        p.crew
            .iter()
            .find(|c| is_member(identity, &c.technician_id, c.user_id.as_deref()))
    });
    let on_crew = me.is_some();
    let is_lead = me.is_some_and(|c| c.lead);
    if !on_crew {
        return Err(PageError::App(
            AppError::msg(crate::error::ErrorCode::NotInCrew, "job-not-on-crew", &[]),
            locale,
        ));
    }
    let t = &d.ticket;
    let ctx = Context::crew(t.crew_on_site);
    let can = |e: Event| e.permitted(&identity.roles) && transition(t.status, e, ctx).is_ok();
    // Jobs exist only for submitted plans, which wait for the location; empty otherwise.
    let amap_link = super::tickets::map_links(&t.location)
        .map(|(amap, _)| amap)
        .unwrap_or_default();
    let mut used: Vec<UsedLine> = Vec::new();
    for i in &d.part_issues {
        match used.iter_mut().find(|u| u.part_id == i.part_id) {
            Some(u) => u.issued += i.quantity,
            None => used.push(UsedLine {
                part_id: i.part_id.clone(),
                name: format!("{} {}", i.part_no, locale.name(&i.name_zh, &i.name_en)),
                issued: i.quantity,
            }),
        }
    }
    used.retain(|u| u.issued > 0);
    let coming = d
        .sourcing_orders
        .iter()
        .filter(|o| o.order.status.in_flight())
        .map(|o| {
            let s = o.order.status;
            (
                format!(
                    "{} {} ×{}",
                    o.part_no,
                    locale.name(&o.part_name_zh, &o.part_name_en),
                    o.order.quantity
                ),
                locale.t(s.label_key()),
                o.order.eta.map(|e| local(state, &e)).unwrap_or_default(),
            )
        })
        .collect();
    let page_url = match action_base.strip_suffix("/act") {
        Some(link) if link.starts_with("/j/") => link.to_owned(),
        _ => format!("/jobs/{}", d.ticket.id),
    };
    let page = JobPage {
        c: chrome,
        page_url,
        action_base,
        status_code: t.status.as_str(),
        status_label: locale.t(t.status.label_key()),
        // The arrival estimate matters until the crew is there.
        expected_arrival: d
            .expected_arrival_at
            .filter(|_| matches!(t.status, TicketStatus::Approved | TicketStatus::Dispatched))
            .map(|e| local(state, &e))
            .unwrap_or_default(),
        amap_link,
        can_ack: matches!(t.status, TicketStatus::Approved | TicketStatus::Dispatched),
        acknowledged: d.audit.iter().any(|e| e.action == "crew.acknowledged"),
        // Only the rescue lead departs the crew (the service manager does it from the ticket page).
        can_depart: is_lead && can(Event::Depart),
        can_arrive: can(Event::Arrive),
        can_mismatch: can(Event::ReportMismatch),
        can_resolve: can(Event::Resolve),
        can_tow: can(Event::TowToWorkshop),
        used,
        coming,
        alert,
        d,
    };
    Ok(html(status, &page))
}
