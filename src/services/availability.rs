//! One active job per technician, inside the caller's write transaction: the crew's technician
//! rows are locked first, so the check and the write that makes the crew busy are one step on
//! every node (two leads putting the same technician on two tickets at once: one is refused).

use crate::auth::Identity;
use crate::db::AnyConnection;
use crate::domain::availability::{check_crew, Engagement};
use crate::error::{AppError, ErrorCode};
use crate::repo::availability as repo;
use crate::repo::tickets::TicketRecord;
use crate::services::common;

/// The audit action of a busy technician put on a crew all the same.
pub const OVERRIDDEN: &str = "crew.busy_override";

/// Technicians of `ids` out on another ticket than `except_ticket` (the plan editor's marker).
pub fn busy_elsewhere(
    conn: &mut AnyConnection,
    ids: &[String],
    except_ticket: &str,
) -> Result<Vec<Engagement>, AppError> {
    repo::engagements(conn, ids, except_ticket)
}

/// Refuses a crew with a technician out on another ticket, unless the lead overrode it: with a
/// reason now (`given`, technician → reason; recorded and audited), or earlier for that same
/// other ticket (stored, so the crew may depart later without asking again).
pub fn check_in(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket: &TicketRecord,
    crew: &[String],
    given: &[(String, String)],
) -> Result<(), AppError> {
    repo::lock_technicians(conn, crew)?;
    let elsewhere = repo::engagements(conn, crew, &ticket.id)?;
    if elsewhere.is_empty() {
        return Ok(());
    }
    let stored = repo::overrides_of(conn, &ticket.id)?;
    // A stored override stands for the ticket it was given against.
    let mut overrides: Vec<(String, String)> = given.to_vec();
    for (tech, other, reason) in &stored {
        let still = elsewhere
            .iter()
            .any(|e| e.technician_id == *tech && e.ticket_id == *other);
        if still && !overrides.iter().any(|(t, _)| t == tech) {
            overrides.push((tech.clone(), reason.clone()));
        }
    }
    let overridden = match check_crew(crew, &elsewhere, &overrides) {
        Ok(o) => o,
        Err(busy) => {
            let name = repo::names(conn, std::slice::from_ref(&busy.technician_id))?
                .into_iter()
                .next()
                .map(|(_, n)| n)
                .unwrap_or_default();
            tracing::info!(ticket = %ticket.number, technician = %busy.technician_id, other = %busy.number, "refused: technician busy");
            return Err(AppError::msg(
                ErrorCode::TechnicianBusy,
                "phone-technician-busy",
                &[
                    ("technician", name.into()),
                    ("technician_id", busy.technician_id.clone().into()),
                    ("ticket", busy.number.clone().into()),
                    ("status", busy.status.as_str().into()),
                ],
            )
            .labelled("status", busy.status.label_key()));
        }
    };
    for o in overridden {
        let Some((_, reason)) = given.iter().find(|(t, _)| *t == o.elsewhere.technician_id) else {
            continue;
        };
        let already = stored.iter().any(|(t, other, r)| {
            *t == o.elsewhere.technician_id && *other == o.elsewhere.ticket_id && r == reason
        });
        if already {
            continue;
        }
        repo::save_override(
            conn,
            &ticket.id,
            &o.elsewhere.technician_id,
            &o.elsewhere.ticket_id,
            reason,
            actor.audit_actor().unwrap_or(actor.name.as_str()),
        )?;
        let name = repo::names(conn, std::slice::from_ref(&o.elsewhere.technician_id))?
            .into_iter()
            .next()
            .map(|(_, n)| n)
            .unwrap_or_default();
        common::note(
            conn,
            actor,
            ticket,
            OVERRIDDEN,
            Some(reason),
            Some(serde_json::json!({
                "technician_id": o.elsewhere.technician_id,
                "technician_name": name,
                "other_ticket_id": o.elsewhere.ticket_id,
                "other_ticket": o.elsewhere.number,
                "other_status": o.elsewhere.status.as_str(),
                "reason": reason,
            })),
        )?;
    }
    Ok(())
}
