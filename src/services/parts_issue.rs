//! Parts issue (领料): handing out parts only against the director-approved current plan, taking stock atomically.

use crate::domain::ids::{PartId, TechnicianId};
use serde::Deserialize;

use crate::auth::Identity;
use crate::db::Db;
use crate::domain::role::Role;
use crate::error::{AppError, ErrorCode};
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
    ticket_id: String,
    req: IssueRequest,
) -> Result<(), AppError> {
    if !actor.roles.contains(&Role::PartsDesk) {
        return Err(AppError::forbidden("issue parts"));
    }
    if req.lines.is_empty() {
        return Err(AppError::field(
            "lines",
            "请至少领一种配件 / Issue at least one part",
        ));
    }
    for (i, l) in req.lines.iter().enumerate() {
        if !(1..=99).contains(&l.quantity) {
            return Err(AppError::field(
                &format!("lines[{i}].quantity"),
                "数量应为 1 到 99 / Quantity must be 1 to 99",
            ));
        }
    }
    let actor = actor.clone();
    db.write(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        let lines = current_lines(conn, &ticket.id)?;
        let not_approved = |why: String| AppError::new(ErrorCode::PlanNotApproved, why);
        if lines.plan.version != req.plan_version {
            return Err(not_approved(format!(
                "只能按当前第 {} 版已批准方案领料（请求的是第 {} 版）/ Parts are issued only against the current approved plan v{} (you asked for v{})",
                lines.plan.version, req.plan_version, lines.plan.version, req.plan_version
            )));
        }
        if !approvals::director_approved(conn, &lines.plan.id)? {
            return Err(not_approved(format!(
                "第 {} 版方案尚未经服务总监批准，不能领料 / Plan v{} is not approved by the service director",
                lines.plan.version, lines.plan.version
            )));
        }
        let status = ticket.status;
        if !status.parts_may_be_issued() {
            return Err(AppError::new(ErrorCode::InvalidTransition, format!(
                "当前状态“{}”下不能领料 / Parts cannot be issued while the ticket is “{}”", status.label_zh(), status.label_en()
            )));
        }
        let receiver = match &req.received_by {
            Some(id) if lines.crew.iter().any(|c| c.technician_id == *id) => Some(id.as_str().to_owned()),
            Some(_) => return Err(AppError::field("received_by", "领料人须为救援组成员 / The receiver must be on the crew")),
            None => lines.crew.iter().find(|c| c.lead).map(|c| c.technician_id.clone()),
        };
        let issued = approvals::net_issued(conn, &ticket.id)?;
        let mut record = Vec::new();
        for (i, l) in req.lines.iter().enumerate() {
            let planned = lines.parts.iter().find(|p| p.part_id == l.part_id).ok_or_else(|| {
                AppError::field(&format!("lines[{i}].part_id"), "此配件不在方案中 / This part is not in the plan")
            })?;
            let already = issued.iter().find(|(p, _)| *p == l.part_id).map_or(0, |(_, q)| *q);
            if already + l.quantity > planned.quantity {
                return Err(AppError::new(ErrorCode::OverIssue, format!(
                    "{} 方案数量 {}，已领 {}，不能再领 {} / {}: plan {}, issued {}, cannot issue {} more",
                    planned.name_zh, planned.quantity, already, l.quantity, planned.part_no, planned.quantity, already, l.quantity
                )));
            }
            // Units reserved for this line at submission are the first to go out.
            let from_reservation = l.quantity.min(planned.reserved);
            if !crate::repo::stock::issue(conn, &ticket.dealer_id, &l.part_id, l.quantity, from_reservation)? {
                return Err(AppError::new(ErrorCode::InsufficientStock, format!(
                    "{}（{}）本店库存不足 / Not enough {} in stock here", planned.name_zh, planned.part_no, planned.part_no
                )));
            }
            crate::repo::stock::set_line_reserved(conn, &planned.id, planned.reserved - from_reservation)?;
            approvals::insert_issue(conn, NewIssue {
                ticket_id: &ticket.id,
                plan_id: &lines.plan.id,
                part_id: &l.part_id,
                dealer_id: &ticket.dealer_id,
                quantity: l.quantity,
                issued_by: &actor.user_id,
                received_by: receiver.as_deref(),
            })?;
            record.push(serde_json::json!({ "part_no": planned.part_no, "quantity": l.quantity }));
        }
        common::note(conn, &actor, &ticket, "parts.issued", None, Some(serde_json::json!({
            "plan_version": lines.plan.version, "lines": record, "received_by": receiver
        })))
    })
    .await
}
