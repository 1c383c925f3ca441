//! After the job, on the desk: the follow-up call page (the rescue's story, the customer's score
//! or "no answer"), the agents' queue on "my work", and the complaints with their steps.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::form::Fields;
use super::session::{Chrome, WebUser};
use super::tickets::local;
use super::{html, redirect, OrPage, PageError};
use crate::api::params::page_id;
use crate::domain::follow_up::ComplaintStatus;
use crate::domain::ids::{ComplaintId, FollowUpId};
use crate::domain::role::Action;
use crate::error::{AppError, ErrorCode, Thing};
use crate::i18n::{Locale, Msg};
use crate::services::follow_ups::{
    self, AnswerRequest, CloseRequest, ComplaintView, FollowUpView, NoAnswerRequest, StepRequest,
};
use crate::state::AppState;

/// A follow-up in the page's words.
pub struct FollowUpRow {
    pub id: String,
    pub ticket_id: String,
    pub number: String,
    pub customer: String,
    pub phone: String,
    pub plate: String,
    pub fault: String,
    pub ended: String,
    pub due: String,
    pub overdue: bool,
    pub attempts: i32,
    /// After a call nobody answered: when to try again.
    pub next_try: String,
    pub outcome: String,
}

fn row(state: &AppState, l: Locale, f: &FollowUpView) -> FollowUpRow {
    FollowUpRow {
        id: f.id.clone(),
        ticket_id: f.ticket_id.clone(),
        number: f.number.clone(),
        customer: f.customer_name.clone(),
        phone: f.phone.clone(),
        plate: f.plate.clone(),
        fault: f.fault.clone(),
        ended: local(state, &f.ended_at),
        due: local(state, &f.due_at),
        overdue: f.overdue,
        attempts: f.attempts,
        next_try: f
            .next_try_at
            .as_ref()
            .map(|t| local(state, t))
            .unwrap_or_default(),
        outcome: l.t(f.ticket_status.label_key()),
    }
}

/// The "my work" queue of follow-up calls: the first page, for those who make them.
pub async fn queue_rows(
    state: &AppState,
    user: &WebUser,
) -> Result<Option<(Vec<FollowUpRow>, i64)>, PageError> {
    if !user.identity.may(Action::FollowUp) {
        return Ok(None);
    }
    let page = follow_ups::queue(
        &state.db,
        &state.settings.follow_up,
        &user.identity,
        1,
        follow_ups::MAX_PER_PAGE,
    )
    .await
    .or_page(user.locale)?;
    let rows = page
        .items
        .iter()
        .map(|f| row(state, user.locale, f))
        .collect();
    Ok(Some((rows, page.total)))
}

/// A complaint in the page's words.
pub struct ComplaintRow {
    pub id: String,
    pub ticket_id: String,
    pub number: String,
    pub customer: String,
    pub phone: String,
    pub status: String,
    pub open: bool,
    pub summary: String,
    pub owner: String,
    pub opened_by: String,
    pub opened: String,
    pub escalated: bool,
    pub closed: String,
    pub closing_note: String,
    /// (note, by, when).
    pub steps: Vec<(String, String, String)>,
}

fn complaint_row(state: &AppState, l: Locale, c: &ComplaintView) -> ComplaintRow {
    ComplaintRow {
        id: c.id.clone(),
        ticket_id: c.ticket_id.clone(),
        number: c.number.clone(),
        customer: c.customer_name.clone(),
        phone: c.phone.clone(),
        status: l.t(c.status.label_key()),
        open: c.status == ComplaintStatus::Open,
        summary: crate::domain::system_text::render(&c.summary, l),
        owner: c.owner.clone().unwrap_or_else(|| l.t("cp-no-owner")),
        opened_by: c
            .opened_by
            .clone()
            .unwrap_or_else(|| l.t("fu-by-customer-link")),
        opened: local(state, &c.opened_at),
        escalated: c.escalated_at.is_some(),
        closed: c
            .closed_at
            .as_ref()
            .map(|t| local(state, t))
            .unwrap_or_default(),
        closing_note: c.closing_note.clone().unwrap_or_default(),
        steps: c
            .steps
            .iter()
            .map(|s| (s.note.clone(), s.by.clone(), local(state, &s.at)))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "follow_up.html", config = "src/web/askama.toml")]
struct FollowUpPage {
    c: Chrome,
    f: FollowUpRow,
    open: bool,
    status: String,
    level: i32,
    call_time: String,
    address: String,
    model: String,
    crew: String,
    work_done: String,
    signed: bool,
    score: String,
    comment: String,
    /// The customer answered themself on their status link.
    by_customer: bool,
    complaint: bool,
    /// (the score as the form sends it, its words).
    scores: Vec<(String, String)>,
    complaints: Vec<ComplaintRow>,
    errors: BTreeMap<String, String>,
    alert: Option<(&'static str, String)>,
}

impl FollowUpPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

/// The words of each score, 1 to 5.
const SCORE_KEYS: [&str; 5] = [
    "fu-score-1",
    "fu-score-2",
    "fu-score-3",
    "fu-score-4",
    "fu-score-5",
];

/// What the form held, to show it again with its errors.
#[derive(Default)]
struct Typed {
    score: String,
    comment: String,
    complaint: bool,
}

async fn follow_up_page(
    state: &AppState,
    user: &WebUser,
    id: FollowUpId,
    typed: Typed,
    errors: BTreeMap<String, String>,
    alert: Option<(&'static str, String)>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    let d = follow_ups::detail(&state.db, &state.settings.follow_up, &user.identity, id)
        .await
        .or_page(l)?;
    let f = &d.follow_up;
    let done = d.follow_up.score.map(|s| s.to_string()).unwrap_or_default();
    Ok(html(
        status,
        &FollowUpPage {
            c: user.chrome(),
            open: f.status == crate::domain::follow_up::FollowUpStatus::Open,
            status: l.t(f.status.label_key()),
            level: d.story.response_level,
            call_time: local(state, &d.story.call_time),
            address: d.story.address.clone(),
            model: d.story.model.clone(),
            crew: d.story.crew.join(&l.t("punct-list-sep")),
            work_done: d.story.work_done.clone().unwrap_or_default(),
            signed: d.story.signed,
            score: if typed.score.is_empty() {
                done
            } else {
                typed.score
            },
            comment: if typed.comment.is_empty() {
                f.comment.clone().unwrap_or_default()
            } else {
                typed.comment
            },
            by_customer: f.by_customer,
            complaint: typed.complaint,
            scores: SCORE_KEYS
                .iter()
                .zip(1..)
                .map(|(key, n)| (n.to_string(), l.t(key)))
                .collect(),
            complaints: d
                .complaints
                .iter()
                .map(|c| complaint_row(state, l, c))
                .collect(),
            f: row(state, l, f),
            errors,
            alert,
        },
    ))
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// `GET /follow-ups/{id}`.
pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    q: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    user.require(Action::FollowUp)?;
    let id: FollowUpId = page_id(&id, Thing::FollowUp).or_page(l)?;
    let alert = q.done.as_ref().map(|_| ("ok", l.t("fu-page-recorded")));
    follow_up_page(
        &state,
        &user,
        id,
        Typed::default(),
        BTreeMap::new(),
        alert,
        StatusCode::OK,
    )
    .await
}

/// The page again with the service's refusal on its fields (400) or as a message (409).
async fn refused(
    state: &AppState,
    user: &WebUser,
    id: FollowUpId,
    typed: Typed,
    e: AppError,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    match e.code {
        ErrorCode::ValidationFailed | ErrorCode::StaleState => {
            let errors: BTreeMap<String, String> = e.fields_in(l);
            let (alert, status) = if e.code == ErrorCode::StaleState {
                (e.message_in(l), StatusCode::CONFLICT)
            } else {
                (l.t("form-correct-marked-fields"), StatusCode::BAD_REQUEST)
            };
            follow_up_page(
                state,
                user,
                id,
                typed,
                errors,
                Some(("error", alert)),
                status,
            )
            .await
        }
        _ => Err(PageError::App(e, l)),
    }
}

/// `POST /follow-ups/{id}`: the customer's answer (`answer`) or nobody answered (`no_answer`).
pub async fn record(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let l = user.locale;
    user.require(Action::FollowUp)?;
    let id: FollowUpId = page_id(&id, Thing::FollowUp).or_page(l)?;
    let attempts = f.get("attempts").trim().parse::<i32>().unwrap_or(-1);
    let typed = Typed {
        score: f.get("score").to_owned(),
        comment: f.get("comment").to_owned(),
        complaint: !f.get("complaint").is_empty(),
    };
    let result = if f.get("outcome") == "no_answer" {
        follow_ups::no_answer(
            &state.db,
            &state.settings.follow_up,
            &user.identity,
            id.clone(),
            NoAnswerRequest { attempts },
        )
        .await
        .map(|_| None)
    } else {
        match typed.score.trim().parse::<i64>() {
            Ok(score) => follow_ups::answer(
                &state.db,
                &state.settings.follow_up,
                &user.identity,
                id.clone(),
                AnswerRequest {
                    attempts,
                    score,
                    comment: Some(typed.comment.clone()),
                    complaint: typed.complaint,
                },
            )
            .await
            .map(|a| a.complaint_id),
            Err(_) => Err(AppError::field("score", Msg::new("fu-score-pick"))),
        }
    };
    match result {
        // A complaint opened: its case is where the manager goes next; the agent back to the queue.
        Ok(_) => Ok(redirect("/work?followed=1#queue-follow-up")),
        Err(e) => refused(&state, &user, id, typed, e).await,
    }
}

#[derive(Template)]
#[template(path = "complaints.html", config = "src/web/askama.toml")]
struct ComplaintsPage {
    c: Chrome,
    open_tab: bool,
    rows: Vec<ComplaintRow>,
    total: i64,
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
}

/// `GET /complaints` (`?status=closed` for the closed ones).
pub async fn list(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    user.require(Action::ViewComplaints)?;
    let status = match q.status.as_deref() {
        Some("closed") => ComplaintStatus::Closed,
        _ => ComplaintStatus::Open,
    };
    let page = follow_ups::complaints(
        &state.db,
        &user.identity,
        status,
        1,
        follow_ups::MAX_PER_PAGE,
    )
    .await
    .or_page(l)?;
    Ok(html(
        StatusCode::OK,
        &ComplaintsPage {
            c: user.chrome(),
            open_tab: status == ComplaintStatus::Open,
            rows: page
                .items
                .iter()
                .map(|c| complaint_row(&state, l, c))
                .collect(),
            total: page.total,
        },
    ))
}

#[derive(Template)]
#[template(path = "complaint.html", config = "src/web/askama.toml")]
struct ComplaintPage {
    c: Chrome,
    r: ComplaintRow,
    may_handle: bool,
    errors: BTreeMap<String, String>,
    alert: Option<(&'static str, String)>,
    note: String,
    closing: String,
}

impl ComplaintPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

#[allow(clippy::too_many_arguments)]
async fn complaint_page(
    state: &AppState,
    user: &WebUser,
    id: ComplaintId,
    errors: BTreeMap<String, String>,
    alert: Option<(&'static str, String)>,
    note: String,
    closing: String,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    let c = follow_ups::complaint(&state.db, &user.identity, id)
        .await
        .or_page(l)?;
    Ok(html(
        status,
        &ComplaintPage {
            c: user.chrome(),
            r: complaint_row(state, l, &c),
            may_handle: user.identity.may(Action::HandleComplaints),
            errors,
            alert,
            note,
            closing,
        },
    ))
}

/// `GET /complaints/{id}`.
pub async fn show_complaint(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    user.require(Action::ViewComplaints)?;
    let id: ComplaintId = page_id(&id, Thing::Complaint).or_page(l)?;
    complaint_page(
        &state,
        &user,
        id,
        BTreeMap::new(),
        None,
        String::new(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /complaints/{id}`: a step taken (`step`) or the closing (`close`).
pub async fn act(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let l = user.locale;
    user.require(Action::HandleComplaints)?;
    let id: ComplaintId = page_id(&id, Thing::Complaint).or_page(l)?;
    let (note, closing) = (f.get("note").to_owned(), f.get("closing_note").to_owned());
    let result = if f.get("do") == "close" {
        follow_ups::close(
            &state.db,
            &user.identity,
            id.clone(),
            CloseRequest {
                customer_satisfied: !f.get("customer_satisfied").is_empty(),
                note: closing.clone(),
            },
        )
        .await
        // The closing's note is the form's `closing_note`.
        .map_err(|mut e| {
            if let Some(m) = e.fields.remove("note") {
                e.fields.insert("closing_note".into(), m);
            }
            e
        })
    } else {
        follow_ups::add_step(
            &state.db,
            &user.identity,
            id.clone(),
            StepRequest { note: note.clone() },
        )
        .await
    };
    match result {
        Ok(_) => Ok(redirect(&format!("/complaints/{id}"))),
        Err(e)
            if matches!(
                e.code,
                ErrorCode::ValidationFailed | ErrorCode::InvalidTransition
            ) =>
        {
            let errors: BTreeMap<String, String> = e.fields_in(l);
            let (alert, status) = if e.code == ErrorCode::InvalidTransition {
                (e.message_in(l), StatusCode::CONFLICT)
            } else {
                (l.t("form-correct-marked-fields"), StatusCode::BAD_REQUEST)
            };
            complaint_page(
                &state,
                &user,
                id,
                errors,
                Some(("error", alert)),
                note,
                closing,
                status,
            )
            .await
        }
        Err(e) => Err(PageError::App(e, l)),
    }
}
