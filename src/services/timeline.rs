//! How long each stage of a rescue took: call → plan submitted → approved → departed → on site → resolved.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::i18n::Locale;
use crate::repo::audit::AuditRecord;

/// "from → to" in `locale`, from the two milestones' keys.
fn label(locale: Locale, from: &str, to: &str) -> String {
    locale.t_with(
        "svc-stage",
        &crate::i18n::fluent_args([
            ("from", &serde_json::Value::from(locale.t(from))),
            ("to", &serde_json::Value::from(locale.t(to))),
        ]),
    )
}

impl Stage {
    /// The stage's name in `locale`, e.g. "来电 → 方案提交" or "Call → Plan submitted".
    pub fn label(&self, locale: Locale) -> String {
        let key = |name: &str| {
            std::iter::once(CALL)
                .chain(MILESTONES.iter().map(|(n, k, _)| (*n, *k)))
                .find(|(n, _)| *n == name)
                .map(|(_, k)| k)
        };
        match self.stage.split_once("_to_") {
            Some((from, to)) => match (key(from), key(to)) {
                (Some(f), Some(t)) => label(locale, f, t),
                _ => self.stage.clone(),
            },
            None => self.stage.clone(),
        }
    }
}

/// The milestones, in order, and the audit action that marks each (first occurrence).
/// Each with the catalogue key of its name.
const MILESTONES: [(&str, &str, &str); 5] = [
    (
        "plan_submitted",
        "svc-stage-plan-submitted",
        "plan.submitted",
    ),
    ("approved", "svc-stage-approved", "approval.approved"),
    ("departed", "svc-stage-departed", "crew.departed"),
    ("on_site", "svc-stage-on-site", "crew.arrived"),
    ("resolved", "svc-stage-resolved", "site.resolved"),
];

/// Where the first stage starts.
const CALL: (&str, &str) = ("call", "svc-stage-call");

// Named apart from `domain::promise::Stage` (the stage codes): one schema name per type.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = TimelineStage)]
pub struct Stage {
    /// e.g. `call_to_plan_submitted`.
    pub stage: String,
    /// The stage's name in Chinese, whatever the reader's language (kept for the clients that
    /// read it); pages use [`Stage::label`].
    pub label_zh: String,
    /// The stage's name in the reader's language (`Accept-Language`, default Chinese).
    pub label: String,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub started_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<NaiveDateTime>,
    /// Seconds the stage took, or has taken so far when it is still open.
    pub seconds: i64,
    pub open: bool,
}

/// Index in [`MILESTONES`] of the departure: a re-plan before it puts the plan back before
/// approval; one after it (a mismatch on site) leaves the crew where it is.
const DEPARTED: usize = 2;

/// Stages from the call time and the audit trail; an open stage runs until `now`.
///
/// How far the rescue got is read forwards (each milestone the first time it happens after the
/// one before). Each stage then starts at the occurrence in force: the latest time the previous
/// milestone happened before this one, so after a re-plan "approved → departed" runs from the
/// approval of the version the crew left with, not from the first, voided approval. The first
/// stage ends at the first submission: that is when the response started.
pub fn stages(
    call_time: NaiveDateTime,
    events: &[AuditRecord],
    now: NaiveDateTime,
    finished: bool,
) -> Vec<Stage> {
    let latest_before = |action: &str, until: NaiveDateTime| {
        events
            .iter()
            .filter(|e| e.action == action && e.created_at <= until)
            .map(|e| e.created_at)
            .max()
    };
    // Forwards: when each milestone was first reached after the previous one.
    let mut reached: Vec<NaiveDateTime> = Vec::new();
    let mut after = call_time;
    for (_, _, action) in MILESTONES {
        match events
            .iter()
            .find(|e| e.action == action && e.created_at >= after)
        {
            Some(e) => {
                reached.push(e.created_at);
                after = e.created_at;
            }
            None => break,
        }
    }
    // Before departure, a newer submission than the milestones reached means a new version is
    // on its way through approval again: the rescue stands after that submission.
    if reached.len() > 1 && reached.len() <= DEPARTED + 1 && !finished {
        if let Some(resubmitted) = latest_before(MILESTONES[0].2, now) {
            if resubmitted > reached[reached.len() - 1] {
                reached.truncate(1);
            }
        }
    }
    // Backwards: each milestone at its occurrence in force, the latest before the next one.
    let mut ends = reached.clone();
    for i in (1..ends.len()).rev() {
        let until = ends.get(i + 1).copied().unwrap_or(now);
        ends[i] = latest_before(MILESTONES[i].2, until).unwrap_or(ends[i]);
    }
    let mut out = Vec::new();
    let mut from = CALL;
    for (i, (name, key, _)) in MILESTONES.iter().enumerate() {
        let start = match i {
            0 => Some(call_time),
            _ => latest_before(MILESTONES[i - 1].2, ends.get(i).copied().unwrap_or(now)),
        };
        let Some(start) = start else { break };
        let stage = format!("{}_to_{name}", from.0);
        let label_zh = label(Locale::ZhCn, from.1, key);
        match ends.get(i) {
            Some(&at) => out.push(Stage {
                stage,
                label: label_zh.clone(),
                label_zh,
                started_at: start,
                ended_at: Some(at),
                seconds: (at - start).num_seconds(),
                open: false,
            }),
            None => {
                if !finished {
                    out.push(Stage {
                        stage,
                        label: label_zh.clone(),
                        label_zh,
                        started_at: start,
                        ended_at: None,
                        seconds: (now - start).num_seconds(),
                        open: true,
                    });
                }
                break;
            }
        }
        from = (name, key);
    }
    out
}

impl crate::services::views::Localise for Stage {
    fn localise(&mut self, locale: Locale) {
        self.label = self.label(locale);
    }
}

/// The audit actions that mark the milestones, in order: what the promise clock reads of the
/// trail when it derives the stages of many tickets at once (`services::promises`).
pub fn milestone_actions() -> [&'static str; 5] {
    MILESTONES.map(|(_, _, action)| action)
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

    fn got(s: &[Stage]) -> Vec<(&str, i64, bool)> {
        s.iter()
            .map(|s| (s.stage.as_str(), s.seconds / 60, s.open))
            .collect()
    }

    #[test]
    fn a_replan_before_departure_counts_from_the_approval_in_force() {
        // v1 submitted at 12 and approved at 25; revised: v2 submitted at 50, approved at 60.
        let mut events = vec![
            event("plan.submitted", 12),
            event("approval.approved", 25),
            event("plan.submitted", 50),
        ];
        // While v2 waits, the rescue stands before approval again.
        assert_eq!(
            got(&stages(at(0), &events, at(55), false)),
            vec![
                ("call_to_plan_submitted", 12, false),
                ("plan_submitted_to_approved", 5, true),
            ]
        );
        events.push(event("approval.approved", 60));
        events.push(event("crew.departed", 70));
        assert_eq!(
            got(&stages(at(0), &events, at(80), false)),
            vec![
                ("call_to_plan_submitted", 12, false),
                ("plan_submitted_to_approved", 10, false),
                ("approved_to_departed", 10, false),
                ("departed_to_on_site", 10, true),
            ]
        );
    }

    #[test]
    fn a_mismatch_on_site_keeps_the_crew_where_it_is() {
        // Departed on v1's approval; on site a mismatch, v2 submitted and approved, then resolved.
        let events = vec![
            event("plan.submitted", 12),
            event("approval.approved", 25),
            event("crew.departed", 40),
            event("crew.arrived", 55),
            event("plan.submitted", 60),
            event("approval.approved", 70),
        ];
        let open = stages(at(0), &events, at(75), false);
        assert_eq!(
            got(&open),
            vec![
                ("call_to_plan_submitted", 12, false),
                ("plan_submitted_to_approved", 13, false),
                ("approved_to_departed", 15, false),
                ("departed_to_on_site", 15, false),
                ("on_site_to_resolved", 20, true),
            ]
        );
    }
}
