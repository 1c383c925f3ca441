//! After the job: the follow-up call (回访) — its states, the satisfaction score, when a call
//! nobody answered is tried again — and the complaint it may open, followed until the customer
//! is recorded satisfied.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::domain::ticket::TicketStatus;
use crate::i18n::Msg;

/// Where a follow-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStatus {
    /// To call (again).
    Open,
    /// The customer answered: the score is recorded.
    Done,
    /// Nobody answered after the last allowed try.
    Unreached,
}

text_names!(FollowUpStatus {
    Open => "open",
    Done => "done",
    Unreached => "unreached",
});

impl FollowUpStatus {
    pub fn label_key(self) -> &'static str {
        match self {
            FollowUpStatus::Open => "fu-status-open",
            FollowUpStatus::Done => "fu-status-done",
            FollowUpStatus::Unreached => "fu-status-unreached",
        }
    }
}

/// Where a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    Open,
    /// Closed with the customer recorded as satisfied.
    Closed,
}

text_names!(ComplaintStatus {
    Open => "open",
    Closed => "closed",
});

impl ComplaintStatus {
    pub fn label_key(self) -> &'static str {
        match self {
            ComplaintStatus::Open => "cp-status-open",
            ComplaintStatus::Closed => "cp-status-closed",
        }
    }
}

/// A satisfaction score: 1 (very dissatisfied) to 5 (very satisfied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Score(u8);

impl Score {
    pub fn new(n: i64) -> Result<Score, Msg> {
        u8::try_from(n)
            .ok()
            .filter(|n| (1..=5).contains(n))
            .map(Score)
            .ok_or_else(|| Msg::new("fu-score-range"))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// Whether the customer may rate the rescue on their status link: once it reached its end at the
/// customer (fixed on site, towed to the workshop, or closed after either), never when cancelled
/// or still going on. The follow-up must still be open as well (`FollowUpStatus::Open`).
pub fn customer_may_rate(ticket: TicketStatus) -> bool {
    // Over (`intake::still_open` says which statuses are), and not by a cancellation.
    !crate::domain::intake::still_open(ticket) && ticket != TicketStatus::Cancelled
}

/// Longest comment of a follow-up, complaint summary or step.
pub const MAX_NOTE_CHARS: usize = 1000;

/// `[follow_up]`: when the call is due, how often nobody answering is tried again, and which
/// scores open a complaint.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpConfig {
    /// Hours after the rescue ended that the call is due.
    pub due_hours: i64,
    /// Minutes until a call nobody answered is tried again.
    pub retry_minutes: i64,
    /// Tries in all; after the last one nobody answered, the follow-up is closed as unreached.
    pub max_attempts: i32,
    /// A score at or below this opens a complaint.
    pub complaint_at_or_below: u8,
    /// Hours an open complaint may stay open before the director is told (once).
    pub complaint_escalate_hours: i64,
}

impl FollowUpConfig {
    /// The checks serde cannot express: (key, message) of the first bad value.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if !(1..=720).contains(&self.due_hours) {
            return Err(("follow_up.due_hours", "must be between 1 and 720"));
        }
        if !(5..=10_080).contains(&self.retry_minutes) {
            return Err(("follow_up.retry_minutes", "must be between 5 and 10080"));
        }
        if !(1..=10).contains(&self.max_attempts) {
            return Err(("follow_up.max_attempts", "must be between 1 and 10"));
        }
        if !(1..=4).contains(&self.complaint_at_or_below) {
            return Err(("follow_up.complaint_at_or_below", "must be between 1 and 4"));
        }
        if !(1..=720).contains(&self.complaint_escalate_hours) {
            return Err((
                "follow_up.complaint_escalate_hours",
                "must be between 1 and 720",
            ));
        }
        Ok(())
    }

    /// When the follow-up of a rescue that ended at `ended_at` is due.
    pub fn due_at(&self, ended_at: NaiveDateTime) -> NaiveDateTime {
        ended_at + Duration::hours(self.due_hours)
    }

    /// Whether an answer opens a complaint: a low score, or the customer complains whatever the
    /// score.
    pub fn opens_complaint(&self, score: Score, complains: bool) -> bool {
        complains || score.get() <= self.complaint_at_or_below
    }

    /// What follows the `attempts`-th call nobody answered (counting this one).
    pub fn after_no_answer(&self, attempts: i32, now: NaiveDateTime) -> NoAnswer {
        if attempts >= self.max_attempts {
            NoAnswer::GiveUp
        } else {
            NoAnswer::TryAgainAt(now + Duration::minutes(self.retry_minutes))
        }
    }

    /// Whether a complaint opened at `opened_at` is overdue for the director at `now`.
    pub fn complaint_overdue(&self, opened_at: NaiveDateTime, now: NaiveDateTime) -> bool {
        now - opened_at >= Duration::hours(self.complaint_escalate_hours)
    }
}

/// What follows a call nobody answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAnswer {
    TryAgainAt(NaiveDateTime),
    /// That was the last try: the follow-up is closed as unreached.
    GiveUp,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> FollowUpConfig {
        FollowUpConfig {
            due_hours: 24,
            retry_minutes: 120,
            max_attempts: 3,
            complaint_at_or_below: 2,
            complaint_escalate_hours: 48,
        }
    }

    fn at(h: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            + Duration::hours(h)
    }

    #[test]
    fn names_round_trip() {
        crate::domain::assert_names_round_trip(
            FollowUpStatus::ALL,
            FollowUpStatus::as_str,
            FollowUpStatus::parse,
        );
        crate::domain::assert_names_round_trip(
            ComplaintStatus::ALL,
            ComplaintStatus::as_str,
            ComplaintStatus::parse,
        );
    }

    #[test]
    fn a_score_is_one_to_five() {
        assert_eq!(Score::new(1).unwrap().get(), 1);
        assert_eq!(Score::new(5).unwrap().get(), 5);
        for bad in [0, 6, -1, 256] {
            assert_eq!(Score::new(bad), Err(Msg::new("fu-score-range")), "{bad}");
        }
    }

    #[test]
    fn a_low_score_or_a_complaint_opens_a_case() {
        let c = cfg();
        assert!(c.opens_complaint(Score::new(2).unwrap(), false));
        assert!(c.opens_complaint(Score::new(1).unwrap(), false));
        assert!(!c.opens_complaint(Score::new(3).unwrap(), false));
        assert!(c.opens_complaint(Score::new(5).unwrap(), true));
    }

    #[test]
    fn the_customer_rates_only_a_rescue_that_reached_its_end() {
        for s in TicketStatus::ALL {
            let rated = matches!(
                s,
                TicketStatus::Resolved | TicketStatus::TowedToWorkshop | TicketStatus::Closed
            );
            assert_eq!(customer_may_rate(s), rated, "{s:?}");
        }
        assert!(!customer_may_rate(TicketStatus::Cancelled));
    }

    #[test]
    fn nobody_answering_is_tried_again_until_the_last_try() {
        let c = cfg();
        assert_eq!(c.after_no_answer(1, at(0)), NoAnswer::TryAgainAt(at(2)));
        assert_eq!(c.after_no_answer(2, at(0)), NoAnswer::TryAgainAt(at(2)));
        assert_eq!(c.after_no_answer(3, at(0)), NoAnswer::GiveUp);
        assert_eq!(c.due_at(at(0)), at(24));
    }

    #[test]
    fn a_complaint_is_overdue_after_the_configured_hours() {
        let c = cfg();
        assert!(!c.complaint_overdue(at(0), at(47)));
        assert!(c.complaint_overdue(at(0), at(48)));
    }

    #[test]
    fn the_configuration_is_bounded() {
        assert_eq!(cfg().validate(), Ok(()));
        let bad = FollowUpConfig {
            max_attempts: 0,
            ..cfg()
        };
        assert_eq!(bad.validate().unwrap_err().0, "follow_up.max_attempts");
        let bad = FollowUpConfig {
            complaint_at_or_below: 5,
            ..cfg()
        };
        assert_eq!(
            bad.validate().unwrap_err().0,
            "follow_up.complaint_at_or_below"
        );
    }
}
