//! Parts issue (领料): handing out parts only against the director-approved current plan, taking stock atomically.

use crate::domain::ids::{PartId, TechnicianId, TicketId};
use serde::Deserialize;

use crate::auth::Identity;
use crate::db::Db;
use crate::domain::role::Role;
use crate::error::{AppError, ErrorCode};
use crate::i18n::Msg;
use crate::repo::approvals::{self, NewIssue};
use crate::services::common::{self, current_lines};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct IssueRequest {
    /// The plan version the parts are issued against: the current, director-approved one.
    pub plan_version: i32,
    pub lines: Vec<IssueLine>,
    /// The technician who collects the parts (defaults to the rescue lead).
    #[schema(value_type = Option<String>)]
    pub received_by: Option<TechnicianId>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct IssueLine {
    #[schema(value_type = String)]
    pub part_id: PartId,
    pub quantity: i32,
}

pub async fn issue(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    req: IssueRequest,
) -> Result<(), AppError> {
    if !actor.roles.contains(&Role::PartsDesk) {
        return Err(AppError::forbidden(
            "issue_parts",
            "label-action-issue-parts",
        ));
    }
    if req.lines.is_empty() {
        return Err(AppError::field("lines", Msg::new("svc-issue-at-least-one")));
    }
    for (i, l) in req.lines.iter().enumerate() {
        if !(1..=99).contains(&l.quantity) {
            return Err(AppError::field(
                &format!("lines[{i}].quantity"),
                Msg::with("svc-quantity-range", &[("max", 99.into())]),
            ));
        }
    }
    let actor = actor.clone();
    db.write(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        let lines = current_lines(conn, &ticket.id)?;
        if lines.plan.version != req.plan_version {
            return Err(AppError::msg(
                ErrorCode::PlanNotApproved,
                "svc-issue-version-stale",
                &[
                    ("current", lines.plan.version.into()),
                    ("asked", req.plan_version.into()),
                ],
            ));
        }
        if !approvals::director_approved(conn, &lines.plan.id)? {
            return Err(AppError::msg(
                ErrorCode::PlanNotApproved,
                "svc-issue-plan-not-approved",
                &[("version", lines.plan.version.into())],
            ));
        }
        let status = ticket.status;
        if !status.parts_may_be_issued() {
            return Err(AppError::msg(
                ErrorCode::InvalidTransition,
                "svc-issue-not-now",
                &[("status", status.as_str().into())],
            )
            .labelled("status", status.label_key()));
        }
        let receiver = match &req.received_by {
            Some(id) if lines.crew.iter().any(|c| c.technician_id == *id) => {
                Some(id.as_str().to_owned())
            }
            Some(_) => {
                return Err(AppError::field(
                    "received_by",
                    Msg::new("svc-issue-receiver-not-crew"),
                ))
            }
            None => lines
                .crew
                .iter()
                .find(|c| c.lead)
                .map(|c| c.technician_id.clone()),
        };
        let issued = approvals::net_issued(conn, &ticket.id)?;
        let mut record = Vec::new();
        for (i, l) in req.lines.iter().enumerate() {
            let planned = lines
                .parts
                .iter()
                .find(|p| p.part_id == l.part_id)
                .ok_or_else(|| {
                    AppError::field(
                        &format!("lines[{i}].part_id"),
                        Msg::new("svc-issue-part-not-in-plan"),
                    )
                })?;
            let already = issued
                .iter()
                .find(|(p, _)| *p == l.part_id)
                .map_or(0, |(_, q)| *q);
            if already + l.quantity > planned.quantity {
                return Err(AppError::msg(
                    ErrorCode::OverIssue,
                    "svc-issue-over",
                    &[
                        ("name", planned.name_zh.clone().into()),
                        ("part_no", planned.part_no.clone().into()),
                        ("planned", planned.quantity.into()),
                        ("issued", already.into()),
                        ("asked", l.quantity.into()),
                    ],
                ));
            }
            // Units reserved for this line at submission are the first to go out.
            let from_reservation = l.quantity.min(planned.reserved);
            if !crate::repo::stock::issue(
                conn,
                &ticket.dealer_id,
                &l.part_id,
                l.quantity,
                from_reservation,
            )? {
                return Err(AppError::msg(
                    ErrorCode::InsufficientStock,
                    "svc-issue-out-of-stock",
                    &[
                        ("name", planned.name_zh.clone().into()),
                        ("part_no", planned.part_no.clone().into()),
                    ],
                ));
            }
            crate::repo::stock::set_line_reserved(
                conn,
                &planned.id,
                planned.reserved - from_reservation,
            )?;
            approvals::insert_issue(
                conn,
                NewIssue {
                    ticket_id: &ticket.id,
                    plan_id: &lines.plan.id,
                    part_id: &l.part_id,
                    dealer_id: &ticket.dealer_id,
                    quantity: l.quantity,
                    issued_by: actor.user()?,
                    received_by: receiver.as_deref(),
                },
            )?;
            record.push(serde_json::json!({ "part_no": planned.part_no, "quantity": l.quantity }));
        }
        common::note(
            conn,
            &actor,
            &ticket,
            "parts.issued",
            None,
            Some(serde_json::json!({
                "plan_version": lines.plan.version, "lines": record, "received_by": receiver
            })),
        )
    })
    .await
}
