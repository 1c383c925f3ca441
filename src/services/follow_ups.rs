//! After the job: the agents' follow-up queue, one call's story and what the customer said (or
//! that nobody answered), and the complaint a low score or a complaint opens, with its steps and
//! its closing once the customer is satisfied. Every write is one transaction with its audit
//! event on the ticket.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::follow_up::{
    customer_may_rate, ComplaintStatus, FollowUpConfig, FollowUpStatus, NoAnswer, Score,
    MAX_NOTE_CHARS,
};
use crate::domain::ids::{ComplaintId, DealerId, FollowUpId};
use crate::domain::role::{Action, Role};
use crate::domain::system_text::{self, SystemText};
use crate::domain::text::NonEmptyText;
use crate::domain::ticket::TicketStatus;
use crate::error::{AppError, ErrorCode, Thing};
use crate::i18n::{Locale, Msg};
use crate::repo::follow_ups::{
    self as repo, AnsweredBy, ComplaintRecord, FollowUpRecord, NewComplaint,
};
use crate::repo::tickets::TicketRecord;
use crate::services::common;
use crate::services::views::Localise;

/// Audit actions on the ticket.
pub const ANSWERED: &str = "follow_up.answered";
pub const NO_ANSWER: &str = "follow_up.no_answer";
pub const COMPLAINT_OPENED: &str = "complaint.opened";
pub const COMPLAINT_STEP: &str = "complaint.step";
pub const COMPLAINT_CLOSED: &str = "complaint.closed";
pub const COMPLAINT_ESCALATED: &str = "complaint.escalated";

/// The catalogue key naming one of these audit actions, for the ticket's audit trail.
pub fn action_label_key(action: &str) -> Option<&'static str> {
    match action {
        ANSWERED => Some("fu-audit-answered"),
        NO_ANSWER => Some("fu-audit-no-answer"),
        COMPLAINT_OPENED => Some("cp-audit-opened"),
        COMPLAINT_STEP => Some("cp-audit-step"),
        COMPLAINT_CLOSED => Some("cp-audit-closed"),
        COMPLAINT_ESCALATED => Some("cp-audit-escalated"),
        _ => None,
    }
}

/// Follow-ups per page of the queue, at most.
pub const MAX_PER_PAGE: i64 = 100;

/// A follow-up call as the queue and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUpView {
    pub id: String,
    pub ticket_id: String,
    pub number: String,
    pub customer_name: String,
    pub phone: String,
    pub plate: String,
    pub fault: String,
    /// How the rescue ended: `resolved`, `towed_to_workshop` or `closed`.
    pub ticket_status: TicketStatus,
    pub status: FollowUpStatus,
    /// When the rescue ended.
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub ended_at: NaiveDateTime,
    /// When the call is due (`[follow_up] due_hours` after the end).
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub due_at: NaiveDateTime,
    /// Past due and still open.
    pub overdue: bool,
    /// Calls made so far.
    pub attempts: i32,
    /// After a call nobody answered: when to try again.
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_try_at: Option<NaiveDateTime>,
    pub score: Option<i32>,
    pub comment: Option<String>,
    /// The customer answered themself on their status link (no agent called).
    pub by_customer: bool,
}

fn view(
    cfg: &FollowUpConfig,
    f: FollowUpRecord,
    t: &TicketRecord,
    now: NaiveDateTime,
) -> FollowUpView {
    let due_at = cfg.due_at(f.created_at);
    FollowUpView {
        overdue: f.status == FollowUpStatus::Open && now > due_at,
        id: f.id,
        ticket_id: t.id.clone(),
        number: t.number.clone(),
        customer_name: t.customer_name.clone(),
        phone: t.phone.clone(),
        plate: t.plate.clone(),
        fault: t.fault.clone(),
        ticket_status: t.status,
        status: f.status,
        ended_at: f.created_at,
        due_at,
        attempts: f.attempts,
        next_try_at: f.next_try_at,
        score: f.score,
        comment: f.comment,
        by_customer: f.by_customer,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUpPage {
    pub items: Vec<FollowUpView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The dealer's open follow-ups, the rescue that ended first first.
pub async fn queue(
    db: &Db,
    cfg: &FollowUpConfig,
    actor: &Identity,
    page: i64,
    per_page: i64,
) -> Result<FollowUpPage, AppError> {
    actor.require(Action::FollowUp)?;
    let (page, per_page) = (page.max(1), per_page.clamp(1, MAX_PER_PAGE));
    let (cfg, dealer) = (cfg.clone(), actor.dealer_id.clone());
    db.read(move |conn| {
        let now = crate::repo::now();
        let (rows, total) =
            repo::open_of_dealer(conn, &dealer, per_page, (page - 1).saturating_mul(per_page))?;
        Ok(FollowUpPage {
            items: rows
                .into_iter()
                .map(|(f, t)| view(&cfg, f, &t, now))
                .collect(),
            total,
            page,
            per_page,
        })
    })
    .await
}

/// The rescue in short, for the agent on the phone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Story {
    pub response_level: i32,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub call_time: NaiveDateTime,
    pub address: String,
    pub model: String,
    /// The crew, the lead first.
    pub crew: Vec<String>,
    /// What the crew recorded as done when resolving.
    pub work_done: Option<String>,
    /// The customer signed for it.
    pub signed: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUpDetail {
    pub follow_up: FollowUpView,
    pub story: Story,
    /// Complaints about this rescue, the latest first.
    pub complaints: Vec<ComplaintView>,
}

fn story(conn: &mut AnyConnection, t: &TicketRecord) -> Result<Story, AppError> {
    let mut crew: Vec<(bool, String)> = crate::services::plans::current_view(conn, t)?
        .map(|p| p.crew.into_iter().map(|c| (!c.lead, c.name)).collect())
        .unwrap_or_default();
    crew.sort();
    let signature = crate::repo::photos::signature(conn, &t.id)?;
    Ok(Story {
        response_level: t.response_level,
        call_time: t.call_time,
        address: t.address.clone(),
        model: t.model.clone(),
        crew: crew.into_iter().map(|(_, n)| n).collect(),
        signed: signature.as_ref().is_some_and(|s| s.1),
        work_done: signature.map(|s| s.0),
    })
}

fn load(
    conn: &mut AnyConnection,
    actor: &Identity,
    id: &str,
) -> Result<(FollowUpRecord, TicketRecord), AppError> {
    repo::get(conn, &actor.dealer_id, id)?.ok_or_else(|| AppError::not_found(Thing::FollowUp))
}

/// One follow-up with the rescue's story and its complaints.
pub async fn detail(
    db: &Db,
    cfg: &FollowUpConfig,
    actor: &Identity,
    id: FollowUpId,
) -> Result<FollowUpDetail, AppError> {
    actor.require(Action::FollowUp)?;
    let (cfg, actor) = (cfg.clone(), actor.clone());
    db.read(move |conn| {
        let (f, t) = load(conn, &actor, &id)?;
        let complaints = complaints_of(conn, &t)?;
        Ok(FollowUpDetail {
            story: story(conn, &t)?,
            follow_up: view(&cfg, f, &t, crate::repo::now()),
            complaints,
        })
    })
    .await
}

/// `POST /follow-ups/{id}/answer`: what the customer said.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    /// The calls made so far, as the agent saw them (`attempts` of the follow-up): a second agent
    /// recording the same call is refused (`409 stale_state`).
    pub attempts: i32,
    /// Satisfaction, 1 (very dissatisfied) to 5 (very satisfied).
    #[schema(minimum = 1, maximum = 5)]
    pub score: i64,
    /// What the customer said, in the agent's words (at most 1000 characters).
    #[serde(default)]
    pub comment: Option<String>,
    /// The customer complains (whatever the score): a complaint is opened.
    #[serde(default)]
    pub complaint: bool,
}

/// What recording an answer did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Answered {
    pub follow_up: FollowUpView,
    /// The complaint it opened (a low score, or the customer complained).
    pub complaint_id: Option<String>,
}

fn optional_note(field: &str, text: Option<&str>) -> Result<Option<String>, AppError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => NonEmptyText::parse(t, MAX_NOTE_CHARS)
            .map(|t| Some(t.into_string()))
            .map_err(|e| AppError::field(field, e.msg())),
    }
}

fn required_note(field: &str, text: &str) -> Result<String, AppError> {
    NonEmptyText::parse(text, MAX_NOTE_CHARS)
        .map(NonEmptyText::into_string)
        .map_err(|e| AppError::field(field, e.msg()))
}

fn not_open() -> AppError {
    AppError::msg(ErrorCode::StaleState, "fu-already-recorded", &[])
}

/// The owner a new complaint gets: the dealer's service manager on duty now (the rota), else any.
fn owner_for(
    conn: &mut AnyConnection,
    dealer_id: &str,
    now: NaiveDateTime,
) -> Result<Option<String>, AppError> {
    let managers = crate::services::rota::reachable_staff(
        conn,
        dealer_id,
        &[Role::ServiceManager],
        &[Role::ServiceManager, Role::ServiceDirector],
        now,
    )?;
    Ok(managers.into_iter().next().map(|c| c.user_id))
}

/// An answer checked before anything is written: the same rules whoever gives it.
struct Answer {
    score: Score,
    comment: Option<String>,
    /// A low score, or the customer complains: a complaint is opened.
    opens: bool,
}

/// Checks a score and the customer's words. On the phone the agent must write down why the
/// customer is unhappy when a complaint opens (`words_required`); on their own link the customer
/// need not: the complaint then opens with a system text naming the score.
fn checked(
    cfg: &FollowUpConfig,
    score: i64,
    comment: Option<&str>,
    complains: bool,
    words_required: bool,
) -> Result<Answer, AppError> {
    let score = Score::new(score).map_err(|m| AppError::field("score", m))?;
    let comment = optional_note("comment", comment)?;
    let opens = cfg.opens_complaint(score, complains);
    if opens && words_required && comment.is_none() {
        // The complaint needs its words: what the customer is unhappy about.
        return Err(AppError::field(
            "comment",
            Msg::new("fu-complaint-needs-comment"),
        ));
    }
    Ok(Answer {
        score,
        comment,
        opens,
    })
}

/// The one way an answer is recorded, by the agent's call or the customer's link: the guarded
/// write (open, `attempts` as read), the ticket's timeline note, and the complaint a low score
/// opens with its own note. Returns the complaint's id when one was opened.
fn record_in(
    conn: &mut AnyConnection,
    actor: &Identity,
    by: AnsweredBy<'_>,
    (f, t): (&FollowUpRecord, &TicketRecord),
    attempts: i32,
    a: &Answer,
    now: NaiveDateTime,
) -> Result<Option<String>, AppError> {
    if f.status != FollowUpStatus::Open {
        return Err(not_open());
    }
    let score = a.score.get();
    if !repo::record_answer(
        conn,
        &f.id,
        attempts,
        i32::from(score),
        a.comment.as_deref(),
        by,
        now,
    )? {
        return Err(AppError::msg(ErrorCode::StaleState, "fu-stale", &[]));
    }
    // The timeline says who answered: the agent is the event's actor; the customer has no user,
    // so the data says so (`by`, next to the link the note names).
    let data = |mut d: serde_json::Value| {
        if by == AnsweredBy::Customer {
            d["by"] = "customer".into();
        }
        Some(d)
    };
    common::note(
        conn,
        actor,
        t,
        ANSWERED,
        a.comment.as_deref(),
        data(json!({"follow_up_id": f.id, "score": score})),
    )?;
    if !a.opens {
        return Ok(None);
    }
    // The agent always gives the customer's words for a complaint; the customer may not.
    let summary = a
        .comment
        .clone()
        .unwrap_or_else(|| SystemText::CustomerLinkScore { score }.stored());
    let owner = owner_for(conn, &t.dealer_id, now)?;
    let cid = repo::open_complaint(
        conn,
        &NewComplaint {
            ticket: t,
            follow_up_id: Some(&f.id),
            summary: &summary,
            owner_id: owner.as_deref(),
            opened_by: match by {
                AnsweredBy::Agent(user) => Some(user),
                AnsweredBy::Customer => None,
            },
            at: now,
        },
    )?;
    common::note(
        conn,
        actor,
        t,
        COMPLAINT_OPENED,
        Some(&summary),
        data(json!({"complaint_id": cid, "score": score})),
    )?;
    tracing::warn!(ticket = %t.number, score, by_customer = by == AnsweredBy::Customer, "complaint opened from the follow-up");
    Ok(Some(cid))
}

pub async fn answer(
    db: &Db,
    cfg: &FollowUpConfig,
    actor: &Identity,
    id: FollowUpId,
    req: AnswerRequest,
) -> Result<Answered, AppError> {
    actor.require(Action::FollowUp)?;
    let a = checked(cfg, req.score, req.comment.as_deref(), req.complaint, true)?;
    let (cfg, actor) = (cfg.clone(), actor.clone());
    db.write(move |conn| {
        let now = crate::repo::now();
        let (f, t) = load(conn, &actor, &id)?;
        let by = AnsweredBy::Agent(actor.user()?);
        let complaint_id = record_in(conn, &actor, by, (&f, &t), req.attempts, &a, now)?;
        tracing::info!(ticket = %t.number, user = %actor.login, score = a.score.get(), "follow-up recorded");
        let (f, t) = load(conn, &actor, &id)?;
        Ok(Answered {
            follow_up: view(&cfg, f, &t, now),
            complaint_id,
        })
    })
    .await
}

/// `POST /s/{code}/rating`: the customer rates the rescue on their status link.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateRequest {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub score: i64,
    /// The customer's own words, optional (at most 1000 characters, like the agent's comment).
    #[serde(default)]
    pub comment: Option<String>,
}

/// Where the customer's rating stands, for their status page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum CustomerRating {
    /// The rescue reached its end and nobody has answered its follow-up yet: the form is shown.
    Offered,
    /// Answered (on the link, or on the agent's call): thanks, and the score.
    Rated { score: u8 },
}

/// What the status page offers: nothing while the rescue goes on, when it was cancelled, or when
/// the follow-up was closed unreached.
pub fn customer_rating(
    conn: &mut AnyConnection,
    t: &TicketRecord,
) -> Result<Option<CustomerRating>, AppError> {
    if !customer_may_rate(t.status) {
        return Ok(None);
    }
    Ok(match repo::of_ticket(conn, &t.id)? {
        Some(f) if f.status == FollowUpStatus::Open => Some(CustomerRating::Offered),
        Some(f) if f.status == FollowUpStatus::Done => f
            .score
            .and_then(|s| u8::try_from(s).ok())
            .map(|score| CustomerRating::Rated { score }),
        _ => None,
    })
}

/// The customer's rating from their status link, recorded the way the agent's call is (the same
/// checks, guarded write, timeline note and complaint), with the customer as the one who
/// answered: no user, the link named in the audit. Refused for a rescue still going on or
/// cancelled (`409 invalid_transition`), and once the follow-up is answered or closed
/// (`409 stale_state`).
pub async fn rate_by_link(
    db: &Db,
    cfg: &FollowUpConfig,
    claims: crate::auth::links::Claims,
    req: RateRequest,
) -> Result<CustomerRating, AppError> {
    let a = checked(cfg, req.score, req.comment.as_deref(), false, false)?;
    db.write(move |conn| {
        let now = crate::repo::now();
        let t = crate::repo::tickets::by_id(conn, &claims.ticket_id)?;
        let refused = || {
            AppError::msg(
                ErrorCode::InvalidTransition,
                "fu-rate-not-finished",
                &[("status", t.status.as_str().into())],
            )
            .labelled("status", t.status.label_key())
        };
        if !customer_may_rate(t.status) {
            return Err(refused());
        }
        // A finished rescue has its follow-up (opened in the same transaction as the end).
        let f = repo::of_ticket(conn, &t.id)?.ok_or_else(refused)?;
        let actor = Identity::customer_link(&DealerId::from(t.dealer_id.as_str()), &claims.nonce);
        // Answered already (here, or by an agent's call meanwhile): told in the customer's words.
        let opened = record_in(
            conn,
            &actor,
            AnsweredBy::Customer,
            (&f, &t),
            f.attempts,
            &a,
            now,
        )
        .map_err(|e| match e.code {
            ErrorCode::StaleState => AppError::msg(ErrorCode::StaleState, "fu-rate-already", &[]),
            _ => e,
        })?;
        tracing::info!(ticket = %t.number, score = a.score.get(), complaint = opened.is_some(), "the customer rated the rescue on their link");
        Ok(CustomerRating::Rated {
            score: a.score.get(),
        })
    })
    .await
}

/// `POST /follow-ups/{id}/no-answer`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoAnswerRequest {
    /// The calls made so far, as the agent saw them.
    pub attempts: i32,
}

/// Nobody answered: tried again later, or closed as unreached after the last try.
pub async fn no_answer(
    db: &Db,
    cfg: &FollowUpConfig,
    actor: &Identity,
    id: FollowUpId,
    req: NoAnswerRequest,
) -> Result<FollowUpView, AppError> {
    actor.require(Action::FollowUp)?;
    let (cfg, actor) = (cfg.clone(), actor.clone());
    db.write(move |conn| {
        let now = crate::repo::now();
        let (f, t) = load(conn, &actor, &id)?;
        if f.status != FollowUpStatus::Open {
            return Err(not_open());
        }
        let next = match cfg.after_no_answer(req.attempts.saturating_add(1), now) {
            NoAnswer::TryAgainAt(at) => Some(at),
            NoAnswer::GiveUp => None,
        };
        if !repo::record_no_answer(conn, &f.id, req.attempts, next, actor.user()?, now)? {
            return Err(AppError::msg(ErrorCode::StaleState, "fu-stale", &[]));
        }
        common::note(
            conn,
            &actor,
            &t,
            NO_ANSWER,
            None,
            Some(json!({"follow_up_id": f.id, "attempt": req.attempts + 1, "gave_up": next.is_none()})),
        )?;
        let (f, t) = load(conn, &actor, &id)?;
        Ok(view(&cfg, f, &t, now))
    })
    .await
}

/// A step taken on a complaint.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepView {
    pub note: String,
    pub by: String,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplaintView {
    pub id: String,
    pub ticket_id: String,
    pub number: String,
    pub customer_name: String,
    pub phone: String,
    pub status: ComplaintStatus,
    /// What the complaint is about: the customer's words, or (a low score on the customer's
    /// link without words) a system text in the language of `Accept-Language`.
    pub summary: String,
    /// The system text's stable code when the system wrote `summary` (`customer_link_score:2`);
    /// null for a person's words.
    pub summary_code: Option<String>,
    /// Who answers for it (a service manager), by name.
    pub owner: Option<String>,
    /// Who opened it, by name; null when the customer's own low score on their status link did.
    pub opened_by: Option<String>,
    /// Opened by the customer's low score on their status link, not by an agent's call.
    pub opened_by_customer: bool,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub opened_at: NaiveDateTime,
    /// When the director was told it stayed open too long.
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub escalated_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<NaiveDateTime>,
    pub closing_note: Option<String>,
    /// In order; empty in lists.
    pub steps: Vec<StepView>,
}

fn user_name(conn: &mut AnyConnection, id: Option<&str>) -> Result<Option<String>, AppError> {
    use crate::db::schema::users;
    use diesel::prelude::*;
    let Some(id) = id else { return Ok(None) };
    Ok(users::table
        .filter(users::id.eq(id))
        .select(users::name)
        .first(conn)
        .optional()?)
}

fn complaint_view(
    conn: &mut AnyConnection,
    c: ComplaintRecord,
    t: &TicketRecord,
    with_steps: bool,
) -> Result<ComplaintView, AppError> {
    let steps = if with_steps {
        repo::steps(conn, &c.id)?
            .into_iter()
            .map(|(note, by, at)| StepView { note, by, at })
            .collect()
    } else {
        Vec::new()
    };
    Ok(ComplaintView {
        owner: user_name(conn, c.owner_id.as_deref())?,
        opened_by_customer: c.opened_by.is_none(),
        opened_by: user_name(conn, c.opened_by.as_deref())?,
        summary_code: system_text::code(&c.summary),
        id: c.id,
        ticket_id: t.id.clone(),
        number: t.number.clone(),
        customer_name: t.customer_name.clone(),
        phone: t.phone.clone(),
        status: c.status,
        summary: c.summary,
        opened_at: c.opened_at,
        escalated_at: c.escalated_at,
        closed_at: c.closed_at,
        closing_note: c.closing_note,
        steps,
    })
}

impl Localise for ComplaintView {
    fn localise(&mut self, locale: Locale) {
        self.summary = system_text::render(&self.summary, locale);
    }
}

impl Localise for FollowUpDetail {
    fn localise(&mut self, locale: Locale) {
        self.complaints.localise(locale);
    }
}

impl Localise for ComplaintPage {
    fn localise(&mut self, locale: Locale) {
        self.items.localise(locale);
    }
}

fn complaints_of(
    conn: &mut AnyConnection,
    t: &TicketRecord,
) -> Result<Vec<ComplaintView>, AppError> {
    repo::complaints_of_ticket(conn, &t.id)?
        .into_iter()
        .map(|c| complaint_view(conn, c, t, true))
        .collect()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplaintPage {
    pub items: Vec<ComplaintView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The dealers whose complaints the actor sees: their own; the whole group's for group roles.
fn dealers_seen(conn: &mut AnyConnection, actor: &Identity) -> Result<Vec<String>, AppError> {
    if actor.may(Action::ViewGroupBoard) {
        Ok(crate::repo::rota::group_dealers(conn, &actor.group_id)?
            .into_iter()
            .map(|d| d.0)
            .collect())
    } else {
        Ok(vec![actor.dealer_id.to_string()])
    }
}

/// The complaints in `status`: open ones the oldest first, closed ones the latest first.
pub async fn complaints(
    db: &Db,
    actor: &Identity,
    status: ComplaintStatus,
    page: i64,
    per_page: i64,
) -> Result<ComplaintPage, AppError> {
    actor.require(Action::ViewComplaints)?;
    let (page, per_page) = (page.max(1), per_page.clamp(1, MAX_PER_PAGE));
    let actor = actor.clone();
    db.read(move |conn| {
        let dealers = dealers_seen(conn, &actor)?;
        let (rows, total) = repo::complaints_of(
            conn,
            &dealers,
            status,
            per_page,
            (page - 1).saturating_mul(per_page),
        )?;
        let items = rows
            .into_iter()
            .map(|(c, t)| complaint_view(conn, c, &t, false))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ComplaintPage {
            items,
            total,
            page,
            per_page,
        })
    })
    .await
}

fn load_complaint(
    conn: &mut AnyConnection,
    actor: &Identity,
    id: &str,
) -> Result<(ComplaintRecord, TicketRecord), AppError> {
    let dealers = dealers_seen(conn, actor)?;
    repo::complaint(conn, Some(&dealers), id)?.ok_or_else(|| AppError::not_found(Thing::Complaint))
}

pub async fn complaint(
    db: &Db,
    actor: &Identity,
    id: ComplaintId,
) -> Result<ComplaintView, AppError> {
    actor.require(Action::ViewComplaints)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let (c, t) = load_complaint(conn, &actor, &id)?;
        complaint_view(conn, c, &t, true)
    })
    .await
}

/// `POST /complaints/{id}/steps`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// What was done (called the customer back, offered a free check …), at most 1000 characters.
    pub note: String,
}

pub async fn add_step(
    db: &Db,
    actor: &Identity,
    id: ComplaintId,
    req: StepRequest,
) -> Result<ComplaintView, AppError> {
    actor.require(Action::HandleComplaints)?;
    let note = required_note("note", &req.note)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let now = crate::repo::now();
        let (c, t) = load_complaint(conn, &actor, &id)?;
        if c.status != ComplaintStatus::Open {
            return Err(AppError::msg(
                ErrorCode::InvalidTransition,
                "cp-closed-already",
                &[],
            ));
        }
        repo::add_step(conn, &c.id, &note, actor.user()?, now)?;
        common::note(
            conn,
            &actor,
            &t,
            COMPLAINT_STEP,
            Some(&note),
            Some(json!({"complaint_id": c.id})),
        )?;
        let (c, t) = load_complaint(conn, &actor, &id)?;
        complaint_view(conn, c, &t, true)
    })
    .await
}

/// `POST /complaints/{id}/close`: only with the customer recorded as satisfied.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    /// The customer said they are satisfied now (must be `true`).
    pub customer_satisfied: bool,
    /// How it was settled, at most 1000 characters.
    pub note: String,
}

pub async fn close(
    db: &Db,
    actor: &Identity,
    id: ComplaintId,
    req: CloseRequest,
) -> Result<ComplaintView, AppError> {
    actor.require(Action::HandleComplaints)?;
    if !req.customer_satisfied {
        return Err(AppError::field(
            "customer_satisfied",
            Msg::new("cp-close-needs-satisfied"),
        ));
    }
    let note = required_note("note", &req.note)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let now = crate::repo::now();
        let (c, t) = load_complaint(conn, &actor, &id)?;
        if !repo::close(conn, &c.id, &note, actor.user()?, now)? {
            return Err(AppError::msg(ErrorCode::InvalidTransition, "cp-closed-already", &[]));
        }
        common::note(
            conn,
            &actor,
            &t,
            COMPLAINT_CLOSED,
            Some(&note),
            Some(json!({"complaint_id": c.id})),
        )?;
        tracing::info!(ticket = %t.number, user = %actor.login, "complaint closed, customer satisfied");
        let (c, t) = load_complaint(conn, &actor, &id)?;
        complaint_view(conn, c, &t, true)
    })
    .await
}

/// How many complaints are open at the actor's dealers (the board's count).
pub fn open_count(conn: &mut AnyConnection, actor: &Identity) -> Result<i64, AppError> {
    let dealers = dealers_seen(conn, actor)?;
    repo::open_count(conn, &dealers)
}

/// The open complaints older than `[follow_up] complaint_escalate_hours` and not escalated yet,
/// of every dealer, the oldest first (the timer's read).
pub fn overdue(
    conn: &mut AnyConnection,
    cfg: &FollowUpConfig,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<String>, AppError> {
    let before = now - chrono::Duration::hours(cfg.complaint_escalate_hours);
    Ok(repo::overdue(conn, before, limit)?
        .into_iter()
        .map(|(c, _)| c.id)
        .collect())
}

/// Tells the dealer's service director (on duty now, else every director, else the managers)
/// that a complaint stays open, once: the guarded mark decides between workers, and the
/// messages and the audit event go in the same transaction. Returns the messages queued, or
/// `None` when it was not (or no longer) due.
pub fn escalate(
    conn: &mut AnyConnection,
    cfg: &FollowUpConfig,
    notifier: &crate::services::notify::Notifier,
    complaint_id: &str,
    now: NaiveDateTime,
) -> Result<Option<usize>, AppError> {
    let Some((c, t)) = repo::complaint(conn, None, complaint_id)? else {
        return Ok(None);
    };
    if c.status != ComplaintStatus::Open || !cfg.complaint_overdue(c.opened_at, now) {
        return Ok(None);
    }
    if !repo::mark_escalated(conn, &c.id, now)? {
        return Ok(None);
    }
    let contacts = crate::services::rota::reachable_staff(
        conn,
        &t.dealer_id,
        &[Role::ServiceDirector],
        &[Role::ServiceDirector, Role::ServiceManager],
        now,
    )?;
    let msg = crate::notify::templates::Message::StaffComplaintOverdue {
        number: t.number.clone(),
        customer_name: t.customer_name.clone(),
        summary: c.summary.clone(),
        hours_open: (now - c.opened_at).num_hours(),
        link: notifier.complaint_link(&c.id),
    };
    let messages = crate::services::notify::people(conn, &t, &contacts, &msg)?;
    crate::repo::audit::append(
        conn,
        crate::repo::audit::NewAuditEvent {
            dealer_id: Some(&t.dealer_id),
            ticket_id: Some(&t.id),
            entity: "ticket",
            entity_id: &t.id,
            action: COMPLAINT_ESCALATED,
            data: Some(json!({
                "complaint_id": c.id,
                "told": contacts.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            })),
            ..Default::default()
        },
    )?;
    tracing::warn!(ticket = %t.number, messages, "complaint open too long: told the director");
    Ok(Some(messages))
}
