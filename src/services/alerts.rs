//! Warnings and escalations of the promise clock: which open tickets have a warning or a breach
//! due, and recording one — the alert row, the audit event, the messages to the people the
//! response level names — exactly once per ticket, stage and kind.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use serde_json::json;

use crate::db::AnyConnection;
use crate::domain::intake::still_open;
use crate::domain::promise::{AlertKind, LateStage, Notify, PromiseState, SlaConfig, Stage};
use crate::domain::response_level::ResponseLevel;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::notify::templates::Message;
use crate::repo::alerts::{self as repo, NewAlert};
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::staff::Contact;
use crate::repo::tickets::TicketRecord;
use crate::services::notify::{self, Notifier};
use crate::services::promises::{self, PromiseView};
use crate::services::rota;

/// Audit action of a warning; its data holds the stage, the deadline and who was told.
pub const WARNED: &str = "sla.warning";
/// Audit action of a breach (the escalation); its data as for [`WARNED`].
pub const BREACHED: &str = "sla.breached";
/// Audit action of a breach found only once its stage had ended (between two rounds, or while no
/// worker ran): recorded for the count, nobody told, since the step it chased is done. Its data
/// holds the stage, the deadline and when the stage was reached.
pub const LATE: &str = "sla.late";

/// Whether an audit action is one the promise timer records on its own (no person acted).
pub fn by_system(action: &str) -> bool {
    matches!(
        action,
        WARNED | BREACHED | LATE | crate::services::follow_ups::COMPLAINT_ESCALATED
    )
}

/// An alert the worker should record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub ticket_id: String,
    pub stage: Stage,
    pub kind: AlertKind,
}

/// What recording an alert did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub kind: AlertKind,
    /// Messages put in the outbox.
    pub messages: usize,
}

/// The alert a promise calls for now, if any. A paused clock calls for none: the rescue waits
/// on the customer, and nobody is to be chased for that.
fn called_for(p: &PromiseView) -> Option<AlertKind> {
    if p.paused {
        return None;
    }
    match p.state {
        PromiseState::OnTime => None,
        PromiseState::Warning => Some(AlertKind::Warning),
        PromiseState::Breached => Some(AlertKind::Breach),
    }
}

/// Of these open tickets, the alerts due at `now` and not yet recorded: three queries for the
/// whole page (milestones, pauses, alerts). A breach recorded makes the warning of the same
/// stage moot, so a ticket found already late gets the escalation only.
pub fn due(
    conn: &mut AnyConnection,
    sla: &SlaConfig,
    tickets: &[TicketRecord],
    now: NaiveDateTime,
) -> Result<Vec<Due>, AppError> {
    let found = promises::of_records(conn, sla, tickets, now)?;
    let ids: Vec<&str> = found.keys().map(String::as_str).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let recorded: HashSet<(String, String, String)> =
        repo::for_tickets(conn, &ids)?.into_iter().collect();
    let has = |ticket: &str, stage: Stage, kind: AlertKind| {
        recorded.contains(&(
            ticket.to_owned(),
            stage.as_str().to_owned(),
            kind.as_str().to_owned(),
        ))
    };
    let mut out: Vec<Due> = tickets
        .iter()
        .filter_map(|t| {
            let p = found.get(&t.id)?;
            let kind = called_for(p)?;
            let moot = has(&t.id, p.stage, kind)
                || (kind == AlertKind::Warning && has(&t.id, p.stage, AlertKind::Breach));
            (!moot).then(|| Due {
                ticket_id: t.id.clone(),
                stage: p.stage,
                kind,
            })
        })
        .collect();
    // Escalations before warnings: a round cut short tells the late first.
    out.sort_by_key(|d| d.kind != AlertKind::Breach);
    Ok(out)
}

/// A stage that ended after its deadline with no breach recorded: the worker records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateDue {
    pub ticket_id: String,
    pub late: LateStage,
}

/// Of these tickets (open or finished), the stages that ended late with no breach recorded.
pub fn late(
    conn: &mut AnyConnection,
    sla: &SlaConfig,
    tickets: &[TicketRecord],
    now: NaiveDateTime,
) -> Result<Vec<LateDue>, AppError> {
    let found = promises::late_stages(conn, sla, tickets, now)?;
    let ids: Vec<&str> = found.keys().map(String::as_str).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let recorded: HashSet<(String, String, String)> =
        repo::for_tickets(conn, &ids)?.into_iter().collect();
    let breach = AlertKind::Breach.as_str().to_owned();
    let mut out = Vec::new();
    for t in tickets {
        for l in found.get(&t.id).into_iter().flatten() {
            let key = (t.id.clone(), l.stage.as_str().to_owned(), breach.clone());
            if !recorded.contains(&key) {
                out.push(LateDue {
                    ticket_id: t.id.clone(),
                    late: *l,
                });
            }
        }
    }
    Ok(out)
}

/// Records a breach found after its stage ended, in the caller's transaction: the breach row
/// (the one the reports count, and the one that stops a second worker) and the audit event, no
/// messages. The stage is read again first; true when this call recorded it.
pub fn record_late(
    conn: &mut AnyConnection,
    sla: &SlaConfig,
    due: &LateDue,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let ticket = crate::repo::tickets::by_id(conn, &due.ticket_id)?;
    let still_late = promises::late_stages(conn, sla, std::slice::from_ref(&ticket), now)?
        .remove(&ticket.id)
        .into_iter()
        .flatten()
        .find(|l| l.stage == due.late.stage);
    let Some(l) = still_late else {
        return Ok(false);
    };
    let alert = NewAlert {
        ticket_id: &ticket.id,
        stage: l.stage,
        kind: AlertKind::Breach,
        deadline: l.deadline,
        response_level: ticket.response_level,
        at: now,
    };
    if !repo::insert_new(conn, &alert)? {
        return Ok(false);
    }
    audit::append(
        conn,
        NewAuditEvent {
            dealer_id: Some(&ticket.dealer_id),
            ticket_id: Some(&ticket.id),
            entity: "ticket",
            entity_id: &ticket.id,
            action: LATE,
            data: Some(json!({
                "stage": l.stage.as_str(),
                "deadline": l.deadline.and_utc().to_rfc3339(),
                "reached_at": l.reached_at.and_utc().to_rfc3339(),
                "response_level": ticket.response_level,
            })),
            ..Default::default()
        },
    )?;
    tracing::warn!(
        ticket = %ticket.number, stage = l.stage.as_str(), deadline = %l.deadline,
        reached_at = %l.reached_at, "promise broken when its stage ended: breach recorded"
    );
    Ok(true)
}

/// The roles a `[sla] …_notify` entry names at the ticket's dealer. The group's duty manager is
/// whoever the rota has on duty or on call with the manager's or director's role at any dealer of
/// the group ([`rota::group_duty_managers`]); when it names nobody, these: the dealer's service
/// manager and director, as the issue asks for when nobody is on duty.
fn roles(notify: Notify) -> &'static [Role] {
    match notify {
        Notify::ServiceManager => &[Role::ServiceManager],
        Notify::ServiceDirector => &[Role::ServiceDirector],
        Notify::GroupDutyManager => FALLBACK,
    }
}

/// Who is told when nobody the level names is on duty.
const FALLBACK: &[Role] = &[Role::ServiceManager, Role::ServiceDirector];

/// Who is told of an alert of `kind` on the ticket at `now`: the holders of the roles the level
/// names whom the duty rota lets be told now (on duty, on call, or not on the rota), else the
/// dealer's manager and director (`rota::reachable_staff`); then the group's duty manager.
fn recipients(
    conn: &mut AnyConnection,
    sla: &SlaConfig,
    ticket: &TicketRecord,
    level: ResponseLevel,
    kind: AlertKind,
    now: NaiveDateTime,
) -> Result<Vec<Contact>, AppError> {
    let mut asked: Vec<Role> = Vec::new();
    let mut group = false;
    for n in sla.notify(level, kind) {
        if *n == Notify::GroupDutyManager {
            group = true;
            continue;
        }
        for role in roles(*n) {
            if !asked.contains(role) {
                asked.push(*role);
            }
        }
    }
    let mut out = if asked.is_empty() {
        Vec::new()
    } else {
        rota::reachable_staff(conn, &ticket.dealer_id, &asked, FALLBACK, now)?
    };
    if group {
        let group_id = crate::repo::rota::dealer(conn, &ticket.dealer_id)?
            .map(|d| d.1)
            .unwrap_or_default();
        let mut duty = rota::group_duty_managers(conn, &group_id, now)?;
        if duty.is_empty() {
            duty = rota::reachable_staff(conn, &ticket.dealer_id, FALLBACK, FALLBACK, now)?;
        }
        for c in duty {
            if !out.iter().any(|o| o.user_id == c.user_id) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// Records one due alert in the caller's transaction, if it is still due: the ticket's promise
/// is read again (the rescue may have moved on since the round looked), the alert row decides
/// between racing workers, and only the one that wrote it appends the audit event and queues the
/// messages — all in the same transaction, so a crash leaves either everything or nothing.
pub fn record(
    conn: &mut AnyConnection,
    sla: &SlaConfig,
    notifier: &Notifier,
    due: &Due,
    now: NaiveDateTime,
) -> Result<Option<Recorded>, AppError> {
    let ticket = crate::repo::tickets::by_id(conn, &due.ticket_id)?;
    if !still_open(ticket.status) {
        return Ok(None);
    }
    let Some(p) =
        promises::of_records(conn, sla, std::slice::from_ref(&ticket), now)?.remove(&ticket.id)
    else {
        return Ok(None);
    };
    if p.stage != due.stage || called_for(&p) != Some(due.kind) {
        return Ok(None);
    }
    let level = ResponseLevel::try_from(i64::from(ticket.response_level))
        .map_err(|e| AppError::internal(format!("ticket {}: {e:?}", ticket.id)))?;
    let alert = NewAlert {
        ticket_id: &ticket.id,
        stage: p.stage,
        kind: due.kind,
        deadline: p.deadline,
        response_level: ticket.response_level,
        at: now,
    };
    if !repo::insert_new(conn, &alert)? {
        return Ok(None);
    }
    let contacts = recipients(conn, sla, &ticket, level, due.kind, now)?;
    let (number, link, deadline) = (
        ticket.number.clone(),
        notifier.ticket_link(&ticket.id),
        notifier.local(p.deadline),
    );
    let minutes = p.whole_minutes();
    let (action, msg) = match due.kind {
        AlertKind::Warning => (
            WARNED,
            Message::StaffPromiseWarning {
                number,
                level,
                stage: p.stage,
                deadline,
                minutes_left: minutes,
                link,
            },
        ),
        AlertKind::Breach => (
            BREACHED,
            Message::StaffPromiseBreached {
                number,
                level,
                stage: p.stage,
                deadline,
                minutes_late: minutes,
                link,
            },
        ),
    };
    let messages = notify::people(conn, &ticket, &contacts, &msg)?;
    audit::append(
        conn,
        NewAuditEvent {
            dealer_id: Some(&ticket.dealer_id),
            ticket_id: Some(&ticket.id),
            entity: "ticket",
            entity_id: &ticket.id,
            action,
            data: Some(json!({
                "stage": p.stage.as_str(),
                "deadline": p.deadline.and_utc().to_rfc3339(),
                "response_level": ticket.response_level,
                "told": contacts.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            })),
            ..Default::default()
        },
    )?;
    match due.kind {
        AlertKind::Warning => tracing::warn!(
            ticket = %ticket.number, stage = p.stage.as_str(), deadline = %p.deadline,
            seconds_left = p.seconds_left, messages, "promise warning sent"
        ),
        AlertKind::Breach => tracing::error!(
            ticket = %ticket.number, stage = p.stage.as_str(), deadline = %p.deadline,
            seconds_late = -p.seconds_left, messages, "promise breached: escalated"
        ),
    }
    if messages == 0 {
        tracing::error!(ticket = %ticket.number, kind = due.kind.as_str(), "nobody with a mobile number to tell of the promise");
    }
    Ok(Some(Recorded {
        kind: due.kind,
        messages,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(state: PromiseState, paused: bool) -> PromiseView {
        PromiseView {
            stage: Stage::Approved,
            deadline: chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
            seconds_left: 60,
            state,
            paused,
        }
    }

    #[test]
    fn a_warning_or_breach_calls_for_its_alert_and_a_paused_clock_for_none() {
        assert_eq!(called_for(&view(PromiseState::OnTime, false)), None);
        assert_eq!(
            called_for(&view(PromiseState::Warning, false)),
            Some(AlertKind::Warning)
        );
        assert_eq!(
            called_for(&view(PromiseState::Breached, false)),
            Some(AlertKind::Breach)
        );
        assert_eq!(called_for(&view(PromiseState::Breached, true)), None);
    }

    #[test]
    fn the_group_duty_manager_falls_back_to_manager_and_director() {
        assert_eq!(
            roles(Notify::GroupDutyManager),
            [Role::ServiceManager, Role::ServiceDirector]
        );
        assert_eq!(roles(Notify::ServiceDirector), [Role::ServiceDirector]);
    }
}
