//! The promise clock: each open ticket's next promise (stage, deadline, time left, state) for
//! the ticket views, computed for a page of tickets in a fixed number of queries; and pausing
//! and resuming the clock while the rescue waits on the customer.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::auth::Identity;
use crate::db::{is_unique_violation, AnyConnection, Db};
use crate::domain::ids::TicketId;
use crate::domain::intake::still_open;
use crate::domain::promise::{
    next_promise, Clock, LateStage, Pause, PauseReason, PromiseState, SlaConfig, Stage,
};
use crate::domain::response_level::ResponseLevel;
use crate::domain::role::Action;
use crate::domain::text::NonEmptyText;
use crate::domain::ticket::TicketStatus;
use crate::error::{AppError, ErrorCode};
use crate::i18n::Msg;
use crate::repo::promises::{self as repo, NewPause, PauseRecord};
use crate::repo::tickets::{TicketFilter, TicketRecord};
use crate::services::common;
use crate::services::tickets::{self, PersonView, TicketDetail, TicketPage, TicketView};

/// Audit action of a pause; its data holds the pause id and the reason code, its comment the note.
pub const PAUSED: &str = "clock.paused";
/// Audit action of a resume; its data holds the pause id and how long the clock stood still.
pub const RESUMED: &str = "clock.resumed";

/// Longest note on a pause.
pub const MAX_NOTE_CHARS: usize = 200;

/// The catalogue key naming a promise audit action, for the pages' audit trail.
pub fn action_label_key(action: &str) -> Option<&'static str> {
    match action {
        PAUSED => Some("promise-audit-clock-paused"),
        RESUMED => Some("promise-audit-clock-resumed"),
        crate::services::alerts::WARNED => Some("alert-audit-warning"),
        crate::services::alerts::BREACHED => Some("alert-audit-breached"),
        crate::services::alerts::LATE => Some("alert-audit-late"),
        _ => None,
    }
}

/// A ticket's next promise, as the API shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PromiseView {
    /// The stage promised next: `response_started` (plan submitted), `approved`, `departed`,
    /// `on_site` or `resolved`.
    pub stage: Stage,
    /// When the time runs out; while the clock is paused, when it would if it went on now.
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub deadline: NaiveDateTime,
    /// Time left, negative when late; stands still while the clock is paused.
    pub seconds_left: i64,
    /// `on_time`, `warning` (past `[sla] warn_share` of the target) or `breached`.
    pub state: PromiseState,
    /// The clock stands still: the rescue waits on the customer.
    pub paused: bool,
}

/// A pause reason that is not one of the codes (a page reads its form value with
/// `request::parse_form("reason", value, PauseReason::parse, REASON_MESSAGE)`).
pub const REASON_MESSAGE: &str = "promise-reason-invalid";

fn pause_reason<'de, D: serde::Deserializer<'de>>(d: D) -> Result<PauseReason, D::Error> {
    crate::services::request::name(d, |s| PauseReason::parse(s.trim()), REASON_MESSAGE)
}

/// `POST /tickets/{id}/pause`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseRequest {
    /// `consent_call_unanswered`, `customer_asked_to_wait`, `customer_unreachable` or `other`
    /// (with a note).
    #[serde(deserialize_with = "pause_reason")]
    pub reason: PauseReason,
    /// What the customer said, in the user's own words (at most 200 characters).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PauseView {
    pub id: String,
    pub reason: PauseReason,
    pub note: Option<String>,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub started_at: NaiveDateTime,
    pub started_by: PersonView,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<NaiveDateTime>,
}

/// The answer to a pause or a resume: the pause and the ticket's promise after it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClockView {
    pub pause: PauseView,
    pub promise: Option<PromiseView>,
}

/// What the clock of one ticket needs from its row or view.
pub struct Subject {
    pub id: String,
    pub status: TicketStatus,
    pub call_time: NaiveDateTime,
    pub response_level: i32,
}

/// A view that carries its ticket's next promise: what the clock reads from it, and where the
/// promise goes. `fill` and `attach` take any page of them.
pub trait Promised {
    fn subject(&self) -> Subject;
    fn set_promise(&mut self, promise: Option<PromiseView>);
}

impl Promised for TicketView {
    fn subject(&self) -> Subject {
        Subject {
            id: self.id.clone(),
            status: self.status,
            call_time: self.call_time,
            response_level: self.response_level,
        }
    }

    fn set_promise(&mut self, promise: Option<PromiseView>) {
        self.promise = promise;
    }
}

impl From<&TicketRecord> for Subject {
    fn from(t: &TicketRecord) -> Self {
        Subject {
            id: t.id.clone(),
            status: t.status,
            call_time: t.call_time,
            response_level: t.response_level,
        }
    }
}

impl PromiseView {
    /// Minutes left, or late, rounded up: "1 minute late" from the first second late.
    pub fn whole_minutes(&self) -> i64 {
        i64::try_from(self.seconds_left.unsigned_abs().div_ceil(60)).unwrap_or(i64::MAX)
    }

    /// Sort key of the work queues: the most urgent first (`domain::promise::urgency`).
    pub fn urgency(&self) -> (u8, i64) {
        crate::domain::promise::urgency(self.state, self.seconds_left)
    }
}

/// The urgency of a ticket that may have no promise (the rescue is over): after every promise.
pub fn urgency_of(promise: Option<&PromiseView>) -> (u8, i64) {
    promise.map_or((u8::MAX, i64::MAX), PromiseView::urgency)
}

/// Sorts a queue by urgency: breached, then warning, then the least time left; tickets without
/// a promise last, each group keeping the order it came in.
pub fn by_urgency<V>(views: &mut [V], promise: impl Fn(&V) -> Option<&PromiseView>) {
    views.sort_by_key(|v| urgency_of(promise(v)));
}

/// The stages the timeline has reached and in force (a re-plan before departure takes the
/// approval back), each with the moment it was reached: the closed stages of
/// `services::timeline::stages`, by the milestone each ends at.
pub(crate) fn reached(
    call_time: NaiveDateTime,
    events: &[crate::repo::audit::AuditRecord],
    now: NaiveDateTime,
    finished: bool,
) -> Vec<(Stage, NaiveDateTime)> {
    crate::services::timeline::stages(call_time, events, now, finished)
        .iter()
        .filter(|s| !s.open)
        .filter_map(|s| {
            let (_, to) = s.stage.split_once("_to_")?;
            Some((Stage::from_milestone(to)?, s.ended_at?))
        })
        .collect()
}

/// Each ticket's milestone events and pauses, by ticket id: two queries for any number.
type ClockRows = (
    HashMap<String, Vec<crate::repo::audit::AuditRecord>>,
    HashMap<String, Vec<Pause>>,
);

fn clock_rows(conn: &mut AnyConnection, ids: &[&str]) -> Result<ClockRows, AppError> {
    let actions = crate::services::timeline::milestone_actions();
    let mut events: HashMap<String, Vec<_>> = HashMap::new();
    for (ticket, event) in repo::events_for_tickets(conn, ids, &actions)? {
        events.entry(ticket).or_default().push(event);
    }
    let mut pauses: HashMap<String, Vec<Pause>> = HashMap::new();
    for (ticket, pause) in repo::for_tickets(conn, ids)? {
        pauses.entry(ticket).or_default().push(pause);
    }
    Ok((events, pauses))
}

fn level_of(s: &Subject) -> Result<ResponseLevel, AppError> {
    ResponseLevel::try_from(i64::from(s.response_level))
        .map_err(|e| AppError::internal(format!("ticket {}: {e:?}", s.id)))
}

/// The stages of these tickets, open or finished, that were reached after their deadline, by
/// ticket id (tickets with none left out): what the timer records as breaches when no round saw
/// them coming (`services::alerts::late`).
pub fn late_stages(
    conn: &mut AnyConnection,
    sla: &SlaConfig,
    tickets: &[TicketRecord],
    now: NaiveDateTime,
) -> Result<HashMap<String, Vec<LateStage>>, AppError> {
    if tickets.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<&str> = tickets.iter().map(|t| t.id.as_str()).collect();
    let (events, pauses) = clock_rows(conn, &ids)?;
    let mut out = HashMap::new();
    for t in tickets {
        let s = Subject::from(t);
        let events = events.get(&s.id).map(Vec::as_slice).unwrap_or(&[]);
        let reached = reached(s.call_time, events, now, !still_open(s.status));
        let pauses = pauses.get(&s.id).map(Vec::as_slice).unwrap_or(&[]);
        let late =
            crate::domain::promise::late_stages(sla, s.call_time, level_of(&s)?, &reached, pauses);
        if !late.is_empty() {
            out.insert(s.id, late);
        }
    }
    Ok(out)
}

/// The next promise of each ticket still open, by ticket id: two queries for any number of
/// tickets (their milestone events and their pauses).
fn promises(
    conn: &mut AnyConnection,
    sla: &SlaConfig,
    subjects: &[Subject],
    now: NaiveDateTime,
) -> Result<HashMap<String, PromiseView>, AppError> {
    let open: Vec<&Subject> = subjects.iter().filter(|s| still_open(s.status)).collect();
    if open.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<&str> = open.iter().map(|s| s.id.as_str()).collect();
    let (events, pauses) = clock_rows(conn, &ids)?;
    let mut out = HashMap::new();
    for s in open {
        let reached: Vec<Stage> = reached(
            s.call_time,
            events.get(&s.id).map(Vec::as_slice).unwrap_or(&[]),
            now,
            false,
        )
        .into_iter()
        .map(|(stage, _)| stage)
        .collect();
        let clock = Clock {
            call_time: s.call_time,
            level: level_of(s)?,
            open: true,
            reached: &reached,
            pauses: pauses.get(&s.id).map(Vec::as_slice).unwrap_or(&[]),
        };
        if let Some(p) = next_promise(sla, &clock, now) {
            out.insert(
                s.id.clone(),
                PromiseView {
                    stage: p.stage,
                    deadline: p.deadline,
                    seconds_left: p.seconds_left,
                    state: p.state,
                    paused: p.paused,
                },
            );
        }
    }
    Ok(out)
}

/// The next promise of each of these tickets still open, by ticket id, read in the caller's
/// transaction (the timer worker's view of them).
pub fn of_records(
    conn: &mut AnyConnection,
    sla: &SlaConfig,
    tickets: &[TicketRecord],
    now: NaiveDateTime,
) -> Result<HashMap<String, PromiseView>, AppError> {
    let subjects: Vec<Subject> = tickets.iter().map(Subject::from).collect();
    promises(conn, sla, &subjects, now)
}

/// Fills in each view's `promise` (none for a finished rescue), reading in the caller's
/// transaction: two queries for the whole page.
pub fn fill<V: Promised>(
    conn: &mut AnyConnection,
    sla: &SlaConfig,
    views: &mut [V],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let subjects: Vec<Subject> = views.iter().map(Promised::subject).collect();
    let found = promises(conn, sla, &subjects, now)?;
    assign(views, &subjects, found);
    Ok(())
}

/// Fills in the views' promises in a read of their own (after the service that made them).
pub async fn attach<V: Promised>(
    db: &Db,
    sla: &SlaConfig,
    views: &mut [V],
) -> Result<(), AppError> {
    let subjects: Vec<Subject> = views.iter().map(Promised::subject).collect();
    let (sla, ids) = (sla.clone(), subjects);
    let (found, subjects) = db
        .read(move |conn| {
            let found = promises(conn, &sla, &ids, crate::repo::now())?;
            Ok((found, ids))
        })
        .await?;
    assign(views, &subjects, found);
    Ok(())
}

fn assign<V: Promised>(views: &mut [V], subjects: &[Subject], found: HashMap<String, PromiseView>) {
    for (v, s) in views.iter_mut().zip(subjects) {
        // A ticket may stand in a page twice (two queues): each copy gets it.
        v.set_promise(found.get(&s.id).copied());
    }
}

/// `tickets::detail` with the ticket's promise.
pub async fn detail(
    db: &Db,
    sla: &SlaConfig,
    actor: &Identity,
    id: TicketId,
) -> Result<TicketDetail, AppError> {
    let mut detail = tickets::detail(db, actor, id).await?;
    attach(db, sla, std::slice::from_mut(&mut detail.ticket)).await?;
    Ok(detail)
}

/// `tickets::list` with each item's promise.
pub async fn list(
    db: &Db,
    sla: &SlaConfig,
    actor: &Identity,
    filter: TicketFilter,
    page: i64,
    per_page: i64,
) -> Result<TicketPage, AppError> {
    let mut page = tickets::list(db, actor, filter, page, per_page).await?;
    attach(db, sla, &mut page.items).await?;
    Ok(page)
}

fn already_paused() -> AppError {
    AppError::msg(ErrorCode::ClockAlreadyPaused, "promise-already-paused", &[])
}

fn clock_view(
    conn: &mut AnyConnection,
    sla: &SlaConfig,
    ticket: &TicketRecord,
    pause: PauseRecord,
    now: NaiveDateTime,
) -> Result<ClockView, AppError> {
    let reason = PauseReason::parse(&pause.reason)
        .ok_or_else(|| AppError::internal(format!("unknown pause reason {:?}", pause.reason)))?;
    let mut found = promises(conn, sla, &[Subject::from(ticket)], now)?;
    Ok(ClockView {
        promise: found.remove(&ticket.id),
        pause: PauseView {
            id: pause.id,
            reason,
            note: pause.note,
            started_at: pause.started_at,
            started_by: PersonView {
                login: pause.started_by_login,
                name: pause.started_by_name,
            },
            ended_at: pause.ended_at,
        },
    })
}

/// Stops the ticket's clock: the rescue waits on the customer. One open pause at a time; only
/// while the rescue goes on and `[sla] pause_allowed` is on.
pub async fn pause(
    db: &Db,
    sla: &SlaConfig,
    actor: &Identity,
    ticket_id: TicketId,
    request: PauseRequest,
) -> Result<ClockView, AppError> {
    actor.require(Action::PauseClock)?;
    if !sla.pause_allowed {
        return Err(AppError::msg(
            ErrorCode::PauseDisabled,
            "promise-pause-disabled",
            &[],
        ));
    }
    let reason = request.reason;
    let note = match request.note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => Some(
            NonEmptyText::parse_line(n, MAX_NOTE_CHARS)
                .map_err(|e| AppError::field("note", e.msg()))?,
        ),
    };
    if reason.needs_note() && note.is_none() {
        return Err(AppError::field("note", Msg::new("promise-note-required")));
    }
    let (sla, actor) = (sla.clone(), actor.clone());
    db.write(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        if !still_open(ticket.status) {
            return Err(AppError::msg(
                ErrorCode::InvalidTransition,
                "promise-rescue-over",
                &[],
            ));
        }
        if repo::open(conn, &ticket.id)?.is_some() {
            return Err(already_paused());
        }
        let now = crate::repo::now();
        let note = note.as_ref().map(|n| n.as_str());
        // A concurrent pause on another node loses on the one-open-pause index.
        let id = repo::insert(
            conn,
            &NewPause {
                ticket_id: &ticket.id,
                started_at: now,
                started_by: actor.user()?,
                reason: reason.as_str(),
                note,
            },
        )
        .map_err(|e| {
            if is_unique_violation(&e) {
                already_paused()
            } else {
                AppError::from(e)
            }
        })?;
        common::note(
            conn,
            &actor,
            &ticket,
            PAUSED,
            note,
            Some(serde_json::json!({"pause_id": id, "reason": reason.as_str()})),
        )?;
        tracing::info!(ticket = %ticket.number, user = %actor.login, reason = reason.as_str(), "clock paused");
        let pause = repo::get(conn, &id)?;
        clock_view(conn, &sla, &ticket, pause, now)
    })
    .await
}

/// Starts the ticket's clock again. Allowed also when `pause_allowed` was turned off since, so
/// an open pause can always be ended.
pub async fn resume(
    db: &Db,
    sla: &SlaConfig,
    actor: &Identity,
    ticket_id: TicketId,
) -> Result<ClockView, AppError> {
    actor.require(Action::PauseClock)?;
    let (sla, actor) = (sla.clone(), actor.clone());
    db.write(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        let not_paused = || AppError::msg(ErrorCode::ClockNotPaused, "promise-not-paused", &[]);
        let open = repo::open(conn, &ticket.id)?.ok_or_else(not_paused)?;
        let now = crate::repo::now();
        if !repo::end(conn, &open.id, actor.user()?, now)? {
            return Err(not_paused());
        }
        common::note(
            conn,
            &actor,
            &ticket,
            RESUMED,
            None,
            Some(serde_json::json!({
                "pause_id": open.id,
                "paused_seconds": (now - open.started_at).num_seconds(),
            })),
        )?;
        tracing::info!(ticket = %ticket.number, user = %actor.login, "clock resumed");
        let pause = repo::get(conn, &open.id)?;
        clock_view(conn, &sla, &ticket, pause, now)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            + chrono::Duration::minutes(minutes)
    }

    fn event(action: &str, minutes: i64) -> crate::repo::audit::AuditRecord {
        crate::repo::promises::milestone_event(format!("{minutes}"), action.into(), at(minutes))
    }

    #[test]
    fn every_milestone_of_the_timeline_completes_its_stage() {
        let events: Vec<_> = crate::services::timeline::milestone_actions()
            .iter()
            .enumerate()
            .map(|(i, action)| event(action, 10 * (i as i64 + 1)))
            .collect();
        for n in 0..=events.len() {
            let expected: Vec<(Stage, NaiveDateTime)> = Stage::ALL[..n]
                .iter()
                .enumerate()
                .map(|(i, s)| (*s, at(10 * (i as i64 + 1))))
                .collect();
            assert_eq!(reached(at(0), &events[..n], at(100), false), expected);
        }
    }

    #[test]
    fn a_replan_before_departure_takes_the_approval_back() {
        let [submitted, approved, ..] = crate::services::timeline::milestone_actions();
        let events = [
            event(submitted, 10),
            event(approved, 20),
            event(submitted, 30),
        ];
        // The response started with the first submission, whatever came after.
        assert_eq!(
            reached(at(0), &events, at(40), false),
            [(Stage::ResponseStarted, at(10))]
        );
    }
}
