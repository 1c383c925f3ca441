//! One active job per technician: which statuses keep a crew busy, and when a busy technician may
//! still go on a second crew (the lead's override, with a reason).

use serde::{Deserialize, Serialize};

use super::ids::TechnicianId;
use super::text::NonEmptyText;
use super::ticket::TicketStatus;
use crate::i18n::Msg;

/// The crew of a ticket in one of these is out: on the road (dispatched), at the car, or
/// waiting there while a new plan is approved (re-planning only ever happens with the crew on
/// site). Approved is not yet out: the crew may still be changed.
pub const CREW_ACTIVE: [TicketStatus; 3] = [
    TicketStatus::Dispatched,
    TicketStatus::OnSite,
    TicketStatus::Replanning,
];

/// Whether a crew on a ticket in this status counts as busy.
pub fn keeps_crew_busy(status: TicketStatus) -> bool {
    CREW_ACTIVE.contains(&status)
}

/// The longest reason for putting a busy technician on a crew (characters).
pub const MAX_OVERRIDE_REASON_CHARS: usize = 200;

/// The lead puts a busy technician on this crew anyway, and says why.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct BusyOverride {
    #[schema(value_type = String)]
    pub technician_id: TechnicianId,
    /// Why they go all the same (required, at most 200 characters); written to the audit.
    pub reason: String,
}

/// A technician's job elsewhere: the other ticket and its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engagement {
    pub technician_id: String,
    pub ticket_id: String,
    pub number: String,
    pub status: TicketStatus,
}

/// `(technician, reason)` pairs of the overrides, once checked.
pub type Overrides = Vec<(String, String)>;

/// Checks the overrides of a plan request: each names a crew member once, with a reason.
/// Answers (technician, reason) pairs, or the field errors (`overrides[i].reason`, …).
pub fn validate_overrides(
    overrides: &[BusyOverride],
    crew: &[String],
) -> Result<Overrides, Vec<(String, Msg)>> {
    let mut errors = Vec::new();
    let mut out: Vec<(String, String)> = Vec::new();
    if overrides.len() > crew.len().max(1) {
        errors.push(("overrides".to_owned(), Msg::new("phone-override-too-many")));
    }
    for (i, o) in overrides.iter().enumerate() {
        let tech = o.technician_id.as_str();
        if !crew.iter().any(|c| c == tech) || out.iter().any(|(t, _)| t == tech) {
            errors.push((
                format!("overrides[{i}].technician_id"),
                Msg::new("phone-override-not-on-crew"),
            ));
            continue;
        }
        match NonEmptyText::parse_line(&o.reason, MAX_OVERRIDE_REASON_CHARS) {
            Ok(r) => out.push((tech.to_owned(), r.into_string())),
            Err(e) => errors.push((format!("overrides[{i}].reason"), e.msg())),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// What the crew check decided for one busy crew member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overridden {
    pub elsewhere: Engagement,
    pub reason: String,
}

/// The crew may go when nobody on it is busy elsewhere, or each busy one has an override
/// (`overrides`: technician → reason). Answers the overridden ones (for the audit), or the first
/// busy technician without one, in crew order.
pub fn check_crew(
    crew: &[String],
    elsewhere: &[Engagement],
    overrides: &[(String, String)],
) -> Result<Vec<Overridden>, Engagement> {
    let mut overridden = Vec::new();
    for tech in crew {
        let Some(busy) = elsewhere
            .iter()
            .filter(|e| e.technician_id == *tech && keeps_crew_busy(e.status))
            .min_by(|a, b| a.number.cmp(&b.number))
        else {
            continue;
        };
        match overrides.iter().find(|(t, _)| t == tech) {
            Some((_, reason)) => overridden.push(Overridden {
                elsewhere: busy.clone(),
                reason: reason.clone(),
            }),
            None => return Err(busy.clone()),
        }
    }
    Ok(overridden)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(tech: &str, number: &str, status: TicketStatus) -> Engagement {
        Engagement {
            technician_id: tech.into(),
            ticket_id: format!("id-{number}"),
            number: number.into(),
            status,
        }
    }

    fn crew(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_a_crew_that_is_out_is_busy() {
        use TicketStatus as S;
        for s in TicketStatus::ALL {
            let busy = matches!(s, S::Dispatched | S::OnSite | S::Replanning);
            assert_eq!(keeps_crew_busy(s), busy, "{s:?}");
        }
    }

    #[test]
    fn a_free_crew_goes() {
        let elsewhere = [job("t1", "RS-1", TicketStatus::Approved)];
        assert_eq!(
            check_crew(&crew(&["t1", "t2"]), &elsewhere, &[]),
            Ok(vec![])
        );
    }

    #[test]
    fn a_busy_technician_is_refused_without_an_override() {
        let elsewhere = [
            job("t2", "RS-2", TicketStatus::OnSite),
            job("t3", "RS-3", TicketStatus::Dispatched),
        ];
        let refused = check_crew(&crew(&["t1", "t2", "t3"]), &elsewhere, &[]).unwrap_err();
        assert_eq!(
            refused.technician_id, "t2",
            "the first busy one in crew order"
        );
        assert_eq!(refused.number, "RS-2");
    }

    #[test]
    fn an_override_lets_them_go_and_is_reported() {
        let elsewhere = [job("t2", "RS-2", TicketStatus::Replanning)];
        let overrides = vec![("t2".to_owned(), "就在附近".to_owned())];
        let done = check_crew(&crew(&["t1", "t2"]), &elsewhere, &overrides).unwrap();
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].elsewhere.number, "RS-2");
        assert_eq!(done[0].reason, "就在附近");
        // An override for someone who is not busy changes nothing.
        let free = check_crew(&crew(&["t1"]), &elsewhere, &[("t1".into(), "x".into())]);
        assert_eq!(free, Ok(vec![]));
    }

    #[test]
    fn overrides_need_a_crew_member_and_a_bounded_reason() {
        let o = |t: &str, r: &str| BusyOverride {
            technician_id: t.into(),
            reason: r.into(),
        };
        let c = crew(&["t1", "t2"]);
        assert_eq!(
            validate_overrides(&[o("t2", " 顺路 ")], &c).unwrap(),
            vec![("t2".to_owned(), "顺路".to_owned())]
        );
        let fields = |r: Result<_, Vec<(String, Msg)>>| {
            r.unwrap_err()
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(validate_overrides(&[o("t2", "  ")], &c)),
            ["overrides[0].reason"]
        );
        let long = "长".repeat(MAX_OVERRIDE_REASON_CHARS + 1);
        assert_eq!(
            fields(validate_overrides(&[o("t1", &long)], &c)),
            ["overrides[0].reason"]
        );
        assert_eq!(
            fields(validate_overrides(&[o("t9", "x")], &c)),
            ["overrides[0].technician_id"]
        );
        assert_eq!(
            fields(validate_overrides(&[o("t1", "x"), o("t1", "y")], &c)),
            ["overrides[1].technician_id"]
        );
    }
}
