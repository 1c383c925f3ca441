//! The approval chain's records: which step (manager review, customer consent, director) and what was decided.

use serde::{Deserialize, Serialize};

/// A step of the approval chain. Stored as `manager_review` / `customer_consent` / `director`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStep {
    ManagerReview,
    CustomerConsent,
    Director,
}

text_names!(ApprovalStep {
    ManagerReview => "manager_review",
    CustomerConsent => "customer_consent",
    Director => "director",
});

impl ApprovalStep {
    /// The catalogue key of this step's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::ManagerReview => "label-approval-step-manager-review",
            Self::CustomerConsent => "label-approval-step-customer-consent",
            Self::Director => "label-approval-step-director",
        }
    }
}

/// What a step decided, as the approval chain records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The service manager passed the plan on to the consent call.
    Accepted,
    /// The service manager sent the plan back to the workshop lead.
    Returned,
    Agreed,
    Declined,
    /// The director approved; only this one lets parts be issued.
    Approved,
    Rejected,
}

text_names!(Decision {
    Accepted => "accepted",
    Returned => "returned",
    Agreed => "agreed",
    Declined => "declined",
    Approved => "approved",
    Rejected => "rejected",
});

impl Decision {
    /// The catalogue key of this decision's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Accepted => "label-decision-accepted",
            Self::Returned => "label-decision-returned",
            Self::Agreed => "label-decision-agreed",
            Self::Declined => "label-decision-declined",
            Self::Approved => "label-decision-approved",
            Self::Rejected => "label-decision-rejected",
        }
    }
}

/// The service manager's answer in a review request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Accept,
    Return,
}

text_names!(ReviewDecision {
    Accept => "accept",
    Return => "return",
});

/// The director's answer in a decision request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DirectorDecision {
    Approve,
    Reject,
}

text_names!(DirectorDecision {
    Approve => "approve",
    Reject => "reject",
});

/// What happens when the customer declines: the plan goes back for another try, or the rescue ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnDecline {
    Replan,
    Cancel,
}

text_names!(OnDecline {
    Replan => "replan",
    Cancel => "cancel",
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assert_names_round_trip;

    #[test]
    fn approval_step_round_trip() {
        assert_names_round_trip(ApprovalStep::ALL, ApprovalStep::as_str, ApprovalStep::parse);
    }

    #[test]
    fn decision_round_trip() {
        assert_names_round_trip(Decision::ALL, Decision::as_str, Decision::parse);
    }

    #[test]
    fn request_decisions_round_trip() {
        assert_names_round_trip(
            ReviewDecision::ALL,
            ReviewDecision::as_str,
            ReviewDecision::parse,
        );
        assert_names_round_trip(
            DirectorDecision::ALL,
            DirectorDecision::as_str,
            DirectorDecision::parse,
        );
        assert_names_round_trip(OnDecline::ALL, OnDecline::as_str, OnDecline::parse);
    }
}
