//! Form posts of the rescue steps: each maps to the same service the API calls, then shows the page again.

use actix_web::{web, HttpResponse};

use super::form::Fields;
use super::session::WebUser;
use super::{redirect, PageError};
use crate::auth::Identity;
use crate::domain::approval::{DirectorDecision, OnDecline, ReviewDecision};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::services::approvals::{ConsentRequest, DecisionRequest, ReviewRequest};
use crate::services::parts_issue::{IssueLine, IssueRequest};
use crate::services::promises::{self, PauseRequest};
use crate::services::site::{DepartRequest, ReasonRequest, ResolveRequest, UsedPart};
use crate::services::{approvals, parts_issue, plans, request, site};
use crate::state::AppState;

/// `<input type=datetime-local>` gives the dealer's wall-clock time without a zone.
pub fn local_input_to_rfc3339(value: &str, utc_offset_hours: i32) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let v = if v.len() == 16 {
        format!("{v}:00")
    } else {
        v.to_owned()
    };
    let sign = if utc_offset_hours < 0 { '-' } else { '+' };
    Some(format!("{v}{sign}{:02}:00", utc_offset_hours.abs()))
}

fn int(f: &Fields, name: &str) -> Result<i32, AppError> {
    f.get(name)
        .parse()
        .map_err(|_| AppError::field(name, Msg::new("web-enter-whole-number")))
}

fn reason(f: &Fields) -> Option<String> {
    Some(f.get("reason").to_owned()).filter(|r| !r.is_empty())
}

/// The steps a ticket page (and the signed-in job page) posts, each routed at its own URL
/// `/tickets/{id}/act/{name}`: an unknown name is not routed, so it is a 404 like any other page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketAction {
    Submit,
    Review,
    Consent,
    Approval,
    Issue,
    Cancel,
    LocationRequest,
    Close,
    /// Stop the promise clock: the rescue waits on the customer.
    Pause,
    Resume,
    Crew(CrewAction),
}

impl TicketAction {
    /// Every step with the last segment of its URL.
    pub const ALL: [(&'static str, TicketAction); 16] = [
        ("submit", TicketAction::Submit),
        ("review", TicketAction::Review),
        ("consent", TicketAction::Consent),
        ("approval", TicketAction::Approval),
        ("issue", TicketAction::Issue),
        ("cancel", TicketAction::Cancel),
        ("location-request", TicketAction::LocationRequest),
        ("close", TicketAction::Close),
        ("pause", TicketAction::Pause),
        ("resume", TicketAction::Resume),
        ("ack", TicketAction::Crew(CrewAction::Ack)),
        ("depart", TicketAction::Crew(CrewAction::Depart)),
        ("arrive", TicketAction::Crew(CrewAction::Arrive)),
        ("mismatch", TicketAction::Crew(CrewAction::Mismatch)),
        ("resolve", TicketAction::Crew(CrewAction::Resolve)),
        ("tow", TicketAction::Crew(CrewAction::Tow)),
    ];
}

/// The crew's steps: posted from the signed-in job page and from the passwordless job link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrewAction {
    Ack,
    Depart,
    Arrive,
    Mismatch,
    Resolve,
    Tow,
}

impl CrewAction {
    /// Every crew step with the last segment of its URL (`/j/{code}/act/{name}`).
    pub const ALL: [(&'static str, CrewAction); 6] = [
        ("ack", CrewAction::Ack),
        ("depart", CrewAction::Depart),
        ("arrive", CrewAction::Arrive),
        ("mismatch", CrewAction::Mismatch),
        ("resolve", CrewAction::Resolve),
        ("tow", CrewAction::Tow),
    ];
}

pub async fn act(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
    action: TicketAction,
) -> Result<HttpResponse, PageError> {
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let id: crate::domain::ids::TicketId = super::page_ticket_id(&id, user.locale)?;
    let back_to_job = f.get("back") == "job";
    let (db, me, offset) = (
        &state.db,
        &user.identity,
        state.settings.tickets.utc_offset_hours,
    );
    let l = user.locale;
    // What was done is not said: the answer is a redirect (post/redirect/get) to the page that
    // shows the new state.
    let result: Result<(), AppError> = async {
        match action {
            TicketAction::Submit => {
                plans::submit(db, &state.notifier, me, id.clone(), int(&f, "version")?).await?;
                Ok(())
            }
            TicketAction::Review => {
                let decision = request::parse_form(
                    "decision",
                    f.get("decision"),
                    ReviewDecision::parse,
                    approvals::REVIEW_DECISION_MESSAGE,
                )?;
                approvals::review(
                    db,
                    &state.notifier,
                    me,
                    id.clone(),
                    ReviewRequest {
                        decision,
                        reason: reason(&f),
                        plan_version: f.get("plan_version").parse().ok(),
                    },
                )
                .await?;
                Ok(())
            }
            TicketAction::Consent => {
                let agreed = f.get("agreed") == "yes";
                let req = ConsentRequest {
                    plan_version: int(&f, "plan_version")?,
                    agreed,
                    expected_arrival_at: request::parse_form_time(
                        "expected_arrival_at",
                        local_input_to_rfc3339(f.get("expected_arrival_at"), offset),
                    )?,
                    on_decline: match f.get("on_decline") {
                        "" => None,
                        value => Some(request::parse_form(
                            "on_decline",
                            value,
                            OnDecline::parse,
                            approvals::ON_DECLINE_MESSAGE,
                        )?),
                    },
                    note: Some(f.get("note").to_owned()).filter(|s| !s.is_empty()),
                };
                approvals::consent(
                    db,
                    &state.notifier,
                    me,
                    id.clone(),
                    req,
                    state.settings.sourcing.clone(),
                    state.settings.eta.model(),
                )
                .await?;
                Ok(())
            }
            TicketAction::Approval => {
                let decision = request::parse_form(
                    "decision",
                    f.get("decision"),
                    DirectorDecision::parse,
                    approvals::DIRECTOR_DECISION_MESSAGE,
                )?;
                approvals::decide(
                    db,
                    &state.notifier,
                    me,
                    id.clone(),
                    DecisionRequest {
                        plan_version: int(&f, "plan_version")?,
                        decision,
                        reason: reason(&f),
                    },
                )
                .await?;
                Ok(())
            }
            TicketAction::Issue => {
                let mut lines = Vec::new();
                for (part_id, qty) in f.prefixed("qty:") {
                    let quantity: i32 = qty.parse().map_err(|_| {
                        AppError::field("quantity", Msg::new("web-enter-whole-number"))
                    })?;
                    if quantity > 0 {
                        lines.push(IssueLine {
                            part_id: part_id.into(),
                            quantity,
                        });
                    }
                }
                parts_issue::issue(
                    db,
                    me,
                    id.clone(),
                    IssueRequest {
                        plan_version: int(&f, "plan_version")?,
                        lines,
                        received_by: None,
                    },
                )
                .await?;
                Ok(())
            }
            TicketAction::Cancel => {
                site::cancel(db, me, id.clone(), ReasonRequest { reason: reason(&f) }).await?;
                Ok(())
            }
            TicketAction::LocationRequest => {
                crate::services::public::request_location(db, &state.notifier, me, id.clone())
                    .await?;
                Ok(())
            }
            TicketAction::Close => {
                site::close(db, me, id.clone()).await?;
                Ok(())
            }
            TicketAction::Pause => {
                let request = PauseRequest {
                    reason: request::parse_form(
                        "reason",
                        f.get("reason"),
                        crate::domain::promise::PauseReason::parse,
                        promises::REASON_MESSAGE,
                    )?,
                    note: Some(f.get("note").to_owned()),
                };
                promises::pause(db, &state.settings.sla, me, id.clone(), request).await?;
                Ok(())
            }
            TicketAction::Resume => {
                promises::resume(db, &state.settings.sla, me, id.clone()).await?;
                Ok(())
            }
            TicketAction::Crew(step) => crew_action(&state, me, &id, step, &f).await.map(|_| ()),
        }
    }
    .await;
    match result {
        // Post/redirect/get: a reload does not repeat the step.
        Ok(_) if back_to_job => Ok(redirect(&format!("/jobs/{id}"))),
        // One-click approval from the director's inbox goes back to the inbox.
        Ok(_) if f.get("back") == "work" => Ok(redirect("/work")),
        Ok(_) => Ok(redirect(&format!("/tickets/{id}"))),
        Err(e) => {
            let status = e.code.status();
            if e.missing_thing() == Some(crate::error::Thing::Ticket) {
                return Err(PageError::App(e, l));
            }
            if action == TicketAction::Pause && !e.fields.is_empty() {
                // The pause form's refusals stand beside its fields, with what was typed.
                let pause = super::ticket_page::PauseInput {
                    reason: f.get("reason").to_owned(),
                    note: f.get("note").to_owned(),
                    errors: e.fields_in(l),
                };
                let alert = Some(("error", l.t("form-correct-marked-fields")));
                return super::ticket_page::render_with(&state, &user, id, alert, status, pause)
                    .await;
            }
            let message = super::refusal_text(l, &e);
            let alert = Some(("error", message));
            if back_to_job {
                super::jobs::render(&state, &user, id, alert, status).await
            } else {
                super::ticket_page::render(&state, &user, id, alert, status).await
            }
        }
    }
}

/// The crew's steps, shared by the signed-in job page and the passwordless job link. Answers
/// the catalogue key saying what was done.
pub async fn crew_action(
    state: &AppState,
    me: &Identity,
    id: &crate::domain::ids::TicketId,
    action: CrewAction,
    f: &Fields,
) -> Result<&'static str, AppError> {
    let (db, offset) = (&state.db, state.settings.tickets.utc_offset_hours);
    match action {
        CrewAction::Ack => {
            site::acknowledge(db, me, id.to_owned()).await?;
            Ok("job-done-acknowledged")
        }
        CrewAction::Depart => {
            site::depart(
                db,
                &state.notifier,
                me,
                id.to_owned(),
                DepartRequest {
                    expected_arrival_at: request::parse_form_time(
                        "expected_arrival_at",
                        local_input_to_rfc3339(f.get("expected_arrival_at"), offset),
                    )?,
                },
                state.settings.eta.model(),
            )
            .await?;
            Ok("job-done-departed")
        }
        CrewAction::Arrive => {
            site::arrive(db, me, id.to_owned()).await?;
            Ok("job-done-arrived")
        }
        CrewAction::Mismatch => {
            site::mismatch(
                db,
                &state.notifier,
                me,
                id.to_owned(),
                ReasonRequest { reason: reason(f) },
            )
            .await?;
            Ok("job-done-mismatch")
        }
        CrewAction::Resolve => {
            let mut parts_used = Vec::new();
            for (part_id, qty) in f.prefixed("used:") {
                let quantity: i32 = qty
                    .parse()
                    .map_err(|_| AppError::field("used", Msg::new("web-enter-whole-number")))?;
                parts_used.push(UsedPart {
                    part_id: part_id.into(),
                    quantity,
                });
            }
            site::resolve(
                db,
                &state.notifier,
                me,
                id.to_owned(),
                ResolveRequest {
                    work_done: Some(f.get("work_done").to_owned()).filter(|s| !s.is_empty()),
                    parts_used,
                    signature: Some(f.get("signature").to_owned()).filter(|s| !s.is_empty()),
                    customer_absent_reason: Some(f.get("customer_absent_reason").to_owned())
                        .filter(|s| !s.is_empty()),
                },
            )
            .await?;
            Ok("job-done-resolved")
        }
        CrewAction::Tow => {
            site::tow(db, me, id.to_owned(), ReasonRequest { reason: reason(f) }).await?;
            Ok("job-done-towed")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_get_the_dealer_offset() {
        assert_eq!(
            local_input_to_rfc3339("2026-11-23T09:30", 8).as_deref(),
            Some("2026-11-23T09:30:00+08:00")
        );
        assert_eq!(local_input_to_rfc3339(" ", 8), None);
        assert_eq!(
            local_input_to_rfc3339("2026-11-23T09:30", -3).as_deref(),
            Some("2026-11-23T09:30:00-03:00")
        );
    }
}
