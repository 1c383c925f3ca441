//! The rescue ticket (紧急救援单): its states and the validated intake.

use serde::{Deserialize, Serialize};

/// Ticket states of the whole flow; transitions arrive with the plan/approval work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    New,
    Planning,
    AwaitingManagerReview,
    AwaitingCustomerConsent,
    AwaitingDirector,
    Approved,
    Dispatched,
    OnSite,
    Replanning,
    Resolved,
    TowedToWorkshop,
    Closed,
    Cancelled,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 13] = [
        TicketStatus::New,
        TicketStatus::Planning,
        TicketStatus::AwaitingManagerReview,
        TicketStatus::AwaitingCustomerConsent,
        TicketStatus::AwaitingDirector,
        TicketStatus::Approved,
        TicketStatus::Dispatched,
        TicketStatus::OnSite,
        TicketStatus::Replanning,
        TicketStatus::Resolved,
        TicketStatus::TowedToWorkshop,
        TicketStatus::Closed,
        TicketStatus::Cancelled,
    ];

    /// The parts phase: the director approved the plan and the rescue is not over, so parts
    /// may be issued and sourced for it.
    pub const PARTS_PHASE: [TicketStatus; 3] = [
        TicketStatus::Approved,
        TicketStatus::Dispatched,
        TicketStatus::OnSite,
    ];

    /// Whether parts may be issued (and sourced) while the ticket is in this status.
    pub fn parts_may_be_issued(self) -> bool {
        TicketStatus::PARTS_PHASE.contains(&self)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::New => "new",
            TicketStatus::Planning => "planning",
            TicketStatus::AwaitingManagerReview => "awaiting_manager_review",
            TicketStatus::AwaitingCustomerConsent => "awaiting_customer_consent",
            TicketStatus::AwaitingDirector => "awaiting_director",
            TicketStatus::Approved => "approved",
            TicketStatus::Dispatched => "dispatched",
            TicketStatus::OnSite => "on_site",
            TicketStatus::Replanning => "replanning",
            TicketStatus::Resolved => "resolved",
            TicketStatus::TowedToWorkshop => "towed_to_workshop",
            TicketStatus::Closed => "closed",
            TicketStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The catalogue key of this status's name.
    pub fn label_key(self) -> &'static str {
        match self {
            TicketStatus::New => "label-ticket-status-new",
            TicketStatus::Planning => "label-ticket-status-planning",
            TicketStatus::AwaitingManagerReview => "label-ticket-status-awaiting-manager-review",
            TicketStatus::AwaitingCustomerConsent => {
                "label-ticket-status-awaiting-customer-consent"
            }
            TicketStatus::AwaitingDirector => "label-ticket-status-awaiting-director",
            TicketStatus::Approved => "label-ticket-status-approved",
            TicketStatus::Dispatched => "label-ticket-status-dispatched",
            TicketStatus::OnSite => "label-ticket-status-on-site",
            TicketStatus::Replanning => "label-ticket-status-replanning",
            TicketStatus::Resolved => "label-ticket-status-resolved",
            TicketStatus::TowedToWorkshop => "label-ticket-status-towed-to-workshop",
            TicketStatus::Closed => "label-ticket-status-closed",
            TicketStatus::Cancelled => "label-ticket-status-cancelled",
        }
    }
}

/// Human-readable number `RS-20261122-0007`: prefix, local day, sequence of that dealer and day.
pub fn format_ticket_number(prefix: &str, day: chrono::NaiveDate, seq: i32) -> String {
    format!("{prefix}-{}-{seq:04}", day.format("%Y%m%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trip() {
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
            let json = serde_json::to_value(s).unwrap();
            assert_eq!(json, s.as_str());
        }
        assert_eq!(TicketStatus::parse("done"), None);
    }

    #[test]
    fn number_format() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(format_ticket_number("RS", day, 7), "RS-20261122-0007");
        assert_eq!(format_ticket_number("RS", day, 12345), "RS-20261122-12345");
    }
}
