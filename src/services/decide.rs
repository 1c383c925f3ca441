//! One-tap decisions from the SMS: the step that waits on a service manager or director (accept
//! the plan, record that the customer agreed, approve), taken through a link for that person,
//! that ticket and that plan version only. The link stands in for the sign-in; every check of the
//! ticket page still applies, because the step goes through the same use case as the page's.

use crate::auth::links::{Claims, LinkError, Scope};
use crate::auth::Identity;
use crate::db::Db;
use crate::domain::approval::{DirectorDecision, ReviewDecision};
use crate::domain::ids::TicketId;
use crate::domain::promise::SlaConfig;
use crate::domain::role::Role;
use crate::domain::sourcing::SourcingConfig;
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::services::approvals::{self, ConsentRequest, DecisionRequest, ReviewRequest};
use crate::services::notify::Notifier;
use crate::services::tickets::TicketDetail;

/// The step a decision link offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The service manager accepts the workshop lead's plan.
    Accept,
    /// The service manager records that the customer agreed.
    Consent,
    /// The service director approves.
    Approve,
}

impl Step {
    pub const ALL: [(&'static str, Step); 3] = [
        ("accept", Step::Accept),
        ("consent", Step::Consent),
        ("approve", Step::Approve),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Accept => "accept",
            Step::Consent => "consent",
            Step::Approve => "approve",
        }
    }

    /// The step the ticket waits on, if the holder's roles may take it.
    fn waiting(status: TicketStatus, roles: &[Role]) -> Option<Step> {
        let (step, role) = match status {
            TicketStatus::AwaitingManagerReview => (Step::Accept, Role::ServiceManager),
            TicketStatus::AwaitingCustomerConsent => (Step::Consent, Role::ServiceManager),
            TicketStatus::AwaitingDirector => (Step::Approve, Role::ServiceDirector),
            _ => return None,
        };
        roles.contains(&role).then_some(step)
    }
}

/// The person behind a valid decision link, acting as themself with the link named in the audit.
#[derive(Debug, Clone)]
pub struct Holder {
    pub identity: Identity,
    pub ticket_id: TicketId,
    /// The plan version the link was sent for.
    pub plan_version: i32,
}

/// Where the link's ticket stands for its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// The step waits on the holder, for the version the link was sent for.
    Open(Step),
    /// The plan changed since the link was sent: the new version comes with a link of its own.
    Stale { current: i32 },
    /// Nothing waits on the holder any more (someone took the step, or the rescue moved on).
    Done,
}

pub struct DecideView {
    pub detail: TicketDetail,
    pub standing: Standing,
    /// For the consent call: the arrival the customer is told if they agree now, the same
    /// estimate the consent records (`domain::eta::default_arrival` from the plan's distance).
    pub arrival: Option<chrono::NaiveDateTime>,
}

/// Checks the link and finds its holder: an active user, as they are now (a role taken away
/// since the SMS counts).
pub async fn holder(db: &Db, n: &Notifier, code: String) -> Result<Holder, LinkError> {
    let signer = n.signer.clone();
    let found = db
        .read(move |conn| {
            let claims =
                match crate::services::public::verified(conn, &signer, &code, Scope::Decide)? {
                    Ok(claims) => claims,
                    Err(e) => return Ok(Err(e)),
                };
            let Claims {
                ticket_id,
                person,
                plan_version,
                nonce,
                ..
            } = claims;
            let Some(ticket_id) = TicketId::parse(&ticket_id) else {
                return Ok(Err(LinkError::Unknown));
            };
            let (Some(plan_version), Some(mut identity)) =
                (plan_version, crate::repo::users::identity(conn, &person)?)
            else {
                // A decision link without a version, or for a user deactivated since.
                return Ok(Err(LinkError::Revoked));
            };
            identity.link_id = Some(nonce);
            Ok(Ok(Holder {
                identity,
                ticket_id,
                plan_version,
            }))
        })
        .await;
    match found {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "decision link lookup failed");
            Err(LinkError::Unknown)
        }
    }
}

/// The ticket as its holder may see it, and the step the link offers now.
pub async fn view(
    db: &Db,
    sla: &SlaConfig,
    road: crate::domain::eta::RoadModel,
    holder: &Holder,
) -> Result<DecideView, AppError> {
    let detail =
        crate::services::promises::detail(db, sla, &holder.identity, holder.ticket_id.clone())
            .await?;
    let current = detail.plan.as_ref().map(|p| p.version);
    let standing = match (
        current,
        Step::waiting(detail.ticket.status, &holder.identity.roles),
    ) {
        (Some(v), _) if v != holder.plan_version => Standing::Stale { current: v },
        (Some(_), Some(step)) => Standing::Open(step),
        _ => Standing::Done,
    };
    let arrival = match (&standing, &detail.plan) {
        (Standing::Open(Step::Consent), Some(p)) => {
            Some(road.default_arrival(crate::repo::now(), p.travel_km))
        }
        _ => None,
    };
    Ok(DecideView {
        detail,
        standing,
        arrival,
    })
}

/// Takes the step through the ticket page's use case, for the link's plan version only.
pub async fn act(
    db: &Db,
    n: &Notifier,
    holder: &Holder,
    step: Step,
    sourcing: SourcingConfig,
    road: crate::domain::eta::RoadModel,
) -> Result<(), AppError> {
    let (me, id, version) = (
        &holder.identity,
        holder.ticket_id.clone(),
        holder.plan_version,
    );
    tracing::info!(user = %me.login, ticket = %id, step = step.as_str(), version, "decision by link");
    match step {
        Step::Accept => {
            approvals::review(
                db,
                n,
                me,
                id,
                ReviewRequest {
                    decision: ReviewDecision::Accept,
                    reason: None,
                    plan_version: Some(version),
                },
            )
            .await
        }
        Step::Consent => approvals::consent(
            db,
            n,
            me,
            id,
            ConsentRequest {
                plan_version: version,
                agreed: true,
                expected_arrival_at: None,
                on_decline: None,
                note: None,
            },
            sourcing,
            road,
        )
        .await
        .map(|_| ()),
        Step::Approve => {
            approvals::decide(
                db,
                n,
                me,
                id,
                DecisionRequest {
                    plan_version: version,
                    decision: DirectorDecision::Approve,
                    reason: None,
                },
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_waiting_status_offers_its_step_to_its_role_only() {
        let manager = [Role::ServiceManager];
        let director = [Role::ServiceDirector];
        assert_eq!(
            Step::waiting(TicketStatus::AwaitingManagerReview, &manager),
            Some(Step::Accept)
        );
        assert_eq!(
            Step::waiting(TicketStatus::AwaitingCustomerConsent, &manager),
            Some(Step::Consent)
        );
        assert_eq!(
            Step::waiting(TicketStatus::AwaitingDirector, &director),
            Some(Step::Approve)
        );
        assert_eq!(
            Step::waiting(TicketStatus::AwaitingDirector, &manager),
            None
        );
        assert_eq!(
            Step::waiting(TicketStatus::AwaitingManagerReview, &director),
            None
        );
        assert_eq!(Step::waiting(TicketStatus::Dispatched, &manager), None);
        for (name, step) in Step::ALL {
            assert_eq!(step.as_str(), name);
        }
    }
}
