//! Form posts of the rescue steps: each maps to the same service the API calls, then shows the page again.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::form::Fields;
use super::session::WebUser;
use super::{redirect, PageError};
use crate::auth::Identity;
use crate::domain::approval::{DirectorDecision, OnDecline, ReviewDecision};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::services::approvals::{ConsentRequest, DecisionRequest, ReviewRequest};
use crate::services::parts_issue::{IssueLine, IssueRequest};
use crate::services::site::{DepartRequest, ReasonRequest, ResolveRequest, UsedPart};
use crate::services::{approvals, parts_issue, plans, request, site};
use crate::startup::AppState;

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
        .map_err(|_| AppError::field(name, "请输入整数 / Enter a whole number"))
}

fn reason(f: &Fields) -> Option<String> {
    Some(f.get("reason").to_owned()).filter(|r| !r.is_empty())
}

pub async fn act(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (id, action) = path.into_inner();
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let back_to_job = f.get("back") == "job";
    let (db, me, offset) = (
        &state.db,
        &user.identity,
        state.settings.tickets.utc_offset_hours,
    );
    let l = user.locale;
    let result: Result<&str, AppError> = async {
        match action.as_str() {
            "submit" => {
                plans::submit(db, &state.notifier, me, id.clone(), int(&f, "version")?).await?;
                Ok(l.tr(
                    "方案已提交给服务经理",
                    "Plan submitted to the service manager",
                ))
            }
            "review" => {
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
                    },
                )
                .await?;
                Ok(if decision == ReviewDecision::Accept {
                    l.tr(
                        "审核通过：请致电客户确认",
                        "Accepted: now call the customer",
                    )
                } else {
                    l.tr("已退回车间主管", "Returned to the workshop lead")
                })
            }
            "consent" => {
                let agreed = f.get("agreed") == "yes";
                let req = ConsentRequest {
                    plan_version: int(&f, "plan_version")?,
                    agreed,
                    expected_arrival_at: local_input_to_rfc3339(
                        f.get("expected_arrival_at"),
                        offset,
                    ),
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
                )
                .await?;
                Ok(if agreed {
                    l.tr(
                        "已记录客户同意，已报服务总监",
                        "Consent recorded; sent to the director",
                    )
                } else {
                    l.tr("已记录客户不同意", "Recorded that the customer declined")
                })
            }
            "approval" => {
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
                Ok(if decision == DirectorDecision::Approve {
                    l.tr("已批准", "Approved")
                } else {
                    l.tr("已驳回", "Rejected")
                })
            }
            "issue" => {
                let mut lines = Vec::new();
                for (part_id, qty) in f.prefixed("qty:") {
                    let quantity: i32 = qty.parse().map_err(|_| {
                        AppError::field("quantity", "请输入整数 / Enter a whole number")
                    })?;
                    if quantity > 0 {
                        lines.push(IssueLine {
                            part_id: part_id.to_owned(),
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
                Ok(l.tr("已领料", "Parts issued"))
            }
            "cancel" => {
                site::cancel(db, me, id.clone(), ReasonRequest { reason: reason(&f) }).await?;
                Ok(l.tr("救援已取消", "Rescue cancelled"))
            }
            "location-request" => {
                crate::services::public::request_location(db, &state.notifier, me, id.clone())
                    .await?;
                Ok(l.tr(
                    "已向客户发送定位请求短信",
                    "Location request texted to the customer",
                ))
            }
            "close" => {
                site::close(db, me, id.clone()).await?;
                Ok(l.tr("救援单已关闭", "Ticket closed"))
            }
            other => match crew_action(&state, me, &id, other, &f, l).await {
                Some(result) => result,
                None => Err(AppError::not_found("操作 / action")),
            },
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
            if status == StatusCode::NOT_FOUND && e.message.contains("ticket") {
                return Err(PageError::App(e, l));
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

/// The crew's steps, shared by the signed-in job page and the passwordless job link.
pub async fn crew_action(
    state: &AppState,
    me: &Identity,
    id: &str,
    action: &str,
    f: &Fields,
    l: Locale,
) -> Option<Result<&'static str, AppError>> {
    let (db, offset) = (&state.db, state.settings.tickets.utc_offset_hours);
    let step = async {
        match action {
            "ack" => {
                site::acknowledge(db, me, id.to_owned()).await?;
                Ok(l.tr("已确认接单", "Job acknowledged"))
            }
            "depart" => {
                site::depart(
                    db,
                    &state.notifier,
                    me,
                    id.to_owned(),
                    DepartRequest {
                        expected_arrival_at: local_input_to_rfc3339(
                            f.get("expected_arrival_at"),
                            offset,
                        ),
                    },
                )
                .await?;
                Ok(l.tr("已出发，已短信通知客户", "Departed; the customer is texted"))
            }
            "arrive" => {
                site::arrive(db, me, id.to_owned()).await?;
                Ok(l.tr("已到达现场", "On site"))
            }
            "mismatch" => {
                site::mismatch(
                    db,
                    &state.notifier,
                    me,
                    id.to_owned(),
                    ReasonRequest { reason: reason(f) },
                )
                .await?;
                Ok(l.tr(
                    "已上报：车间主管将重新制定方案",
                    "Reported: the workshop lead will re-plan",
                ))
            }
            "resolve" => {
                let mut parts_used = Vec::new();
                for (part_id, qty) in f.prefixed("used:") {
                    let quantity: i32 = qty.parse().map_err(|_| {
                        AppError::field("used", "请输入整数 / Enter a whole number")
                    })?;
                    parts_used.push(UsedPart {
                        part_id: part_id.to_owned(),
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
                    },
                )
                .await?;
                Ok(l.tr("已解决，未用配件已退库", "Resolved; unused parts returned"))
            }
            "tow" => {
                site::tow(db, me, id.to_owned(), ReasonRequest { reason: reason(f) }).await?;
                Ok(l.tr("已登记拖回维修", "Recorded: towed to the workshop"))
            }
            _ => Err(AppError::not_found("操作 / action")),
        }
    };
    if !["ack", "depart", "arrive", "mismatch", "resolve", "tow"].contains(&action) {
        return None;
    }
    Some(step.await)
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
