//! How long each stage of a rescue took: call → plan submitted → approved → departed → on site → resolved.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::repo::audit::AuditRecord;

/// The milestones, in order, and the audit action that marks each (first occurrence).
const MILESTONES: [(&str, &str, &str); 5] = [
    ("plan_submitted", "方案提交", "plan.submitted"),
    ("approved", "总监批准", "approval.approved"),
    ("departed", "出发", "crew.departed"),
    ("on_site", "到达现场", "crew.arrived"),
    ("resolved", "解决", "site.resolved"),
];

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Stage {
    /// e.g. `call_to_plan_submitted`.
    pub stage: String,
    pub label_zh: String,
    #[serde(serialize_with = "crate::api::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub started_at: NaiveDateTime,
    #[serde(serialize_with = "crate::api::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<NaiveDateTime>,
    /// Seconds the stage took, or has taken so far when it is still open.
    pub seconds: i64,
    pub open: bool,
}

/// Stages from the call time and the audit trail; an open stage runs until `now`.
pub fn stages(
    call_time: NaiveDateTime,
    events: &[AuditRecord],
    now: NaiveDateTime,
    finished: bool,
) -> Vec<Stage> {
    let mut out = Vec::new();
    let mut from = ("call", "来电", call_time);
    for (name, label, action) in MILESTONES {
        // The milestone after the start of the stage (a re-plan repeats submissions).
        let reached = events
            .iter()
            .find(|e| e.action == action && e.created_at >= from.2)
            .map(|e| e.created_at);
        let stage = format!("{}_to_{name}", from.0);
        let label_zh = format!("{} → {label}", from.1);
        match reached {
            Some(at) => {
                out.push(Stage {
                    stage,
                    label_zh,
                    started_at: from.2,
                    ended_at: Some(at),
                    seconds: (at - from.2).num_seconds(),
                    open: false,
                });
                from = (name, label, at);
            }
            None => {
                if !finished {
                    out.push(Stage {
                        stage,
                        label_zh,
                        started_at: from.2,
                        ended_at: None,
                        seconds: (now - from.2).num_seconds(),
                        open: true,
                    });
                }
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            + chrono::Duration::minutes(minutes)
    }

    fn event(action: &str, minutes: i64) -> AuditRecord {
        AuditRecord {
            id: format!("{minutes}"),
            action: action.into(),
            from_status: None,
            to_status: None,
            comment: None,
            created_at: at(minutes),
            actor_login: None,
            actor_name: None,
            data: None,
        }
    }

    #[test]
    fn durations_between_milestones() {
        let events = vec![
            event("ticket.created", 1),
            event("plan.submitted", 12),
            event("review.accepted", 15),
            event("approval.approved", 25),
            event("crew.departed", 40),
        ];
        let s = stages(at(0), &events, at(70), false);
        let got: Vec<(&str, i64, bool)> = s
            .iter()
            .map(|s| (s.stage.as_str(), s.seconds, s.open))
            .collect();
        assert_eq!(
            got,
            vec![
                ("call_to_plan_submitted", 12 * 60, false),
                ("plan_submitted_to_approved", 13 * 60, false),
                ("approved_to_departed", 15 * 60, false),
                ("departed_to_on_site", 30 * 60, true),
            ]
        );
    }

    #[test]
    fn a_closed_ticket_has_no_open_stage() {
        let s = stages(at(0), &[event("plan.submitted", 5)], at(100), true);
        assert_eq!(s.len(), 1);
        assert!(!s[0].open);
    }
}
