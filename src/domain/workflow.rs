//! The ticket's life: every event a user can cause, who may cause it, and the one pure function that moves the status.

use super::approval::{ApprovalStep, Decision};
use super::role::Role;
use super::ticket::TicketStatus;

/// What happened to a ticket. Reasons and comments travel alongside, in the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// The workshop lead saves the first draft of a plan.
    StartPlanning,
    /// The workshop lead submits the current draft to the service manager.
    SubmitPlan,
    /// The workshop lead changes a plan already in the approval chain: a new version.
    RevisePlan,
    ManagerAccept,
    ManagerReturn,
    CustomerAgree,
    /// The customer declines; the manager sends the plan back for another try.
    CustomerDeclineReplan,
    /// The customer declines; the manager cancels the rescue.
    CustomerDeclineCancel,
    DirectorApprove,
    DirectorReject,
    /// The crew leaves (出发).
    Depart,
    Arrive,
    /// The fault on site does not match the plan (exception B).
    ReportMismatch,
    Resolve,
    TowToWorkshop,
    Close,
    Cancel,
}

/// Facts beyond the status that decide where an event leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Context {
    /// The crew has arrived and stays on site while a new plan is approved.
    pub crew_on_site: bool,
    /// The current plan is a standard plan within its ceiling: the director's standing approval
    /// stands in for the manager's review and the director's step (`domain::standard_plan`).
    pub standing_approval: bool,
    /// The standing approval lets the call agent take the customer's consent too.
    pub agent_consent: bool,
}

impl Context {
    /// Where the crew is, and an ordinary plan.
    pub const fn crew(crew_on_site: bool) -> Context {
        Context {
            crew_on_site,
            standing_approval: false,
            agent_consent: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{event:?} is not possible while the ticket is {from:?}")]
pub struct TransitionError {
    pub from: TicketStatus,
    pub event: Event,
}

impl TransitionError {
    /// What is refused: the status and the event by their stable codes.
    pub fn msg(&self) -> crate::i18n::Msg {
        crate::i18n::Msg::with(
            "dom-ticket-invalid-transition",
            &[
                ("status", self.from.as_str().into()),
                ("action", self.event.as_str().into()),
            ],
        )
        .label("status", self.from.label_key())
    }
}

/// The status a ticket goes back to for more planning: with the crew on site it
/// stays re-planning (they wait there), otherwise ordinary planning.
fn planning(ctx: Context) -> TicketStatus {
    if ctx.crew_on_site {
        TicketStatus::Replanning
    } else {
        TicketStatus::Planning
    }
}

/// The single place where a ticket's status changes.
pub fn transition(
    from: TicketStatus,
    event: Event,
    ctx: Context,
) -> Result<TicketStatus, TransitionError> {
    use Event as E;
    use TicketStatus as S;
    let to = match (from, event) {
        (S::New, E::StartPlanning) => Some(S::Planning),
        // A standard plan within its ceiling was reviewed once, when the director made it.
        (S::Planning | S::Replanning, E::SubmitPlan) => Some(if ctx.standing_approval {
            S::AwaitingCustomerConsent
        } else {
            S::AwaitingManagerReview
        }),
        (
            S::AwaitingManagerReview | S::AwaitingCustomerConsent | S::AwaitingDirector,
            E::RevisePlan,
        ) => Some(planning(ctx)),
        // An approved plan not yet under way may still be revised; once the crew
        // is on the road, only the site (a mismatch report) reopens planning.
        (S::Approved, E::RevisePlan) => Some(S::Planning),
        (S::AwaitingManagerReview, E::ManagerAccept) => Some(S::AwaitingCustomerConsent),
        (S::AwaitingManagerReview, E::ManagerReturn) => Some(planning(ctx)),
        // With the director's standing approval the consent is the last step before the crew.
        (S::AwaitingCustomerConsent, E::CustomerAgree) if ctx.standing_approval => {
            Some(if ctx.crew_on_site {
                S::OnSite
            } else {
                S::Approved
            })
        }
        (S::AwaitingCustomerConsent, E::CustomerAgree) => Some(S::AwaitingDirector),
        (S::AwaitingCustomerConsent, E::CustomerDeclineReplan) => Some(planning(ctx)),
        // A crew already on site is not "cancelled": it finishes by towing or resolving.
        (S::AwaitingCustomerConsent, E::CustomerDeclineCancel) if !ctx.crew_on_site => {
            Some(S::Cancelled)
        }
        (S::AwaitingDirector, E::DirectorApprove) => Some(if ctx.crew_on_site {
            S::OnSite
        } else {
            S::Approved
        }),
        (S::AwaitingDirector, E::DirectorReject) => Some(planning(ctx)),
        (S::Approved, E::Depart) => Some(S::Dispatched),
        (S::Dispatched, E::Arrive) => Some(S::OnSite),
        (S::OnSite, E::ReportMismatch) => Some(S::Replanning),
        (S::OnSite, E::Resolve) => Some(S::Resolved),
        (S::OnSite | S::Replanning, E::TowToWorkshop) => Some(S::TowedToWorkshop),
        (S::Resolved | S::TowedToWorkshop, E::Close) => Some(S::Closed),
        (
            S::New
            | S::Planning
            | S::AwaitingManagerReview
            | S::AwaitingCustomerConsent
            | S::AwaitingDirector
            | S::Approved,
            E::Cancel,
        ) if !ctx.crew_on_site => Some(S::Cancelled),
        _ => None,
    };
    to.ok_or(TransitionError { from, event })
}

/// The steps that carry a rescue forward, in their order: the other events send it back,
/// revise it or end it early.
const MAIN_LINE: [Event; 9] = [
    Event::StartPlanning,
    Event::SubmitPlan,
    Event::ManagerAccept,
    Event::CustomerAgree,
    Event::DirectorApprove,
    Event::Depart,
    Event::Arrive,
    Event::Resolve,
    Event::Close,
];

/// The step a ticket in `from` waits on (the dispatch board's "waits on"): the first step of
/// the main line that [`transition`] accepts from there; none once the rescue is closed or
/// cancelled. Who holds it is [`Event::holder`].
pub fn next_step(from: TicketStatus, ctx: Context) -> Option<Event> {
    MAIN_LINE
        .into_iter()
        .find(|e| transition(from, *e, ctx).is_ok())
}

impl Event {
    pub const ALL: [Event; 17] = [
        Event::StartPlanning,
        Event::SubmitPlan,
        Event::RevisePlan,
        Event::ManagerAccept,
        Event::ManagerReturn,
        Event::CustomerAgree,
        Event::CustomerDeclineReplan,
        Event::CustomerDeclineCancel,
        Event::DirectorApprove,
        Event::DirectorReject,
        Event::Depart,
        Event::Arrive,
        Event::ReportMismatch,
        Event::Resolve,
        Event::TowToWorkshop,
        Event::Close,
        Event::Cancel,
    ];

    /// Stable name, used in audit events and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::StartPlanning => "plan.started",
            Event::SubmitPlan => "plan.submitted",
            Event::RevisePlan => "plan.revised",
            Event::ManagerAccept => "review.accepted",
            Event::ManagerReturn => "review.returned",
            Event::CustomerAgree => "consent.agreed",
            Event::CustomerDeclineReplan => "consent.declined_replan",
            Event::CustomerDeclineCancel => "consent.declined_cancel",
            Event::DirectorApprove => "approval.approved",
            Event::DirectorReject => "approval.rejected",
            Event::Depart => "crew.departed",
            Event::Arrive => "crew.arrived",
            Event::ReportMismatch => "site.mismatch_reported",
            Event::Resolve => "site.resolved",
            Event::TowToWorkshop => "site.towed",
            Event::Close => "ticket.closed",
            Event::Cancel => "ticket.cancelled",
        }
    }

    /// The catalogue key of the event's name (the audit trail's word for it).
    pub fn label_key(self) -> &'static str {
        match self {
            Event::StartPlanning => "label-audit-plan-started",
            Event::SubmitPlan => "label-audit-plan-submitted",
            Event::RevisePlan => "label-audit-plan-revised",
            Event::ManagerAccept => "label-audit-review-accepted",
            Event::ManagerReturn => "label-audit-review-returned",
            Event::CustomerAgree => "label-audit-consent-agreed",
            Event::CustomerDeclineReplan => "label-audit-consent-declined-replan",
            Event::CustomerDeclineCancel => "label-audit-consent-declined-cancel",
            Event::DirectorApprove => "label-audit-approval-approved",
            Event::DirectorReject => "label-audit-approval-rejected",
            Event::Depart => "label-audit-crew-departed",
            Event::Arrive => "label-audit-crew-arrived",
            Event::ReportMismatch => "label-audit-site-mismatch-reported",
            Event::Resolve => "label-audit-site-resolved",
            Event::TowToWorkshop => "label-audit-site-towed",
            Event::Close => "label-audit-ticket-closed",
            Event::Cancel => "label-audit-ticket-cancelled",
        }
    }

    /// Roles that may cause the event. Crew actions are further limited to the
    /// ticket's crew by the service, which knows who is on it.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Event::StartPlanning | Event::SubmitPlan | Event::RevisePlan => &[WorkshopLead],
            Event::ManagerAccept
            | Event::ManagerReturn
            | Event::CustomerAgree
            | Event::CustomerDeclineReplan
            | Event::CustomerDeclineCancel
            | Event::Close => &[ServiceManager],
            Event::DirectorApprove | Event::DirectorReject => &[ServiceDirector],
            Event::Depart => &[Technician, ServiceManager],
            Event::Arrive | Event::ReportMismatch | Event::Resolve | Event::TowToWorkshop => {
                &[Technician]
            }
            Event::Cancel => &[CallAgent, ServiceManager],
        }
    }

    pub fn permitted(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.roles().contains(r))
    }

    /// [`Event::permitted`], and the call agent's consent where the standard plan allows it
    /// (the agent is often still on the phone with the customer).
    pub fn permitted_in(self, roles: &[Role], ctx: Context) -> bool {
        self.permitted(roles)
            || (ctx.standing_approval
                && ctx.agent_consent
                && matches!(self, Event::CustomerAgree | Event::CustomerDeclineReplan)
                && roles.contains(&Role::CallAgent))
    }

    /// The role whose turn the step is: the first of [`Event::roles`] (the rescue lead, a
    /// technician, departs; the manager only covers for the crew).
    pub fn holder(self) -> Role {
        self.roles()[0]
    }

    /// The approval-chain record an event leaves: (step, decision).
    pub fn approval_record(self) -> Option<(ApprovalStep, Decision)> {
        use ApprovalStep::*;
        match self {
            Event::ManagerAccept => Some((ManagerReview, Decision::Accepted)),
            Event::ManagerReturn => Some((ManagerReview, Decision::Returned)),
            Event::CustomerAgree => Some((CustomerConsent, Decision::Agreed)),
            Event::CustomerDeclineReplan | Event::CustomerDeclineCancel => {
                Some((CustomerConsent, Decision::Declined))
            }
            Event::DirectorApprove => Some((Director, Decision::Approved)),
            Event::DirectorReject => Some((Director, Decision::Rejected)),
            _ => None,
        }
    }

    /// Events that must carry a reason in the audit trail.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Event::ManagerReturn
                | Event::DirectorReject
                | Event::Cancel
                | Event::CustomerDeclineReplan
                | Event::CustomerDeclineCancel
                | Event::ReportMismatch
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Event as E;
    use TicketStatus as S;

    const AWAY: Context = Context::crew(false);
    const ON_SITE: Context = Context::crew(true);

    /// Every allowed (from, event, context) → to. Anything not listed is refused.
    fn allowed() -> Vec<(S, E, Context, S)> {
        // Transitions that do not depend on where the crew is.
        let free = [
            (S::New, E::StartPlanning, S::Planning),
            (S::Planning, E::SubmitPlan, S::AwaitingManagerReview),
            (S::Replanning, E::SubmitPlan, S::AwaitingManagerReview),
            (
                S::AwaitingManagerReview,
                E::ManagerAccept,
                S::AwaitingCustomerConsent,
            ),
            (
                S::AwaitingCustomerConsent,
                E::CustomerAgree,
                S::AwaitingDirector,
            ),
            (S::Approved, E::RevisePlan, S::Planning),
            (S::Approved, E::Depart, S::Dispatched),
            (S::Dispatched, E::Arrive, S::OnSite),
            (S::OnSite, E::ReportMismatch, S::Replanning),
            (S::OnSite, E::Resolve, S::Resolved),
            (S::OnSite, E::TowToWorkshop, S::TowedToWorkshop),
            (S::Replanning, E::TowToWorkshop, S::TowedToWorkshop),
            (S::Resolved, E::Close, S::Closed),
            (S::TowedToWorkshop, E::Close, S::Closed),
        ];
        let mut v: Vec<(S, E, Context, S)> = free
            .iter()
            .flat_map(|&(f, e, t)| [(f, e, AWAY, t), (f, e, ON_SITE, t)])
            .collect();
        // Back to planning: plain planning, or re-planning while the crew waits on site.
        let back = [
            (S::AwaitingManagerReview, E::ManagerReturn),
            (S::AwaitingCustomerConsent, E::CustomerDeclineReplan),
            (S::AwaitingDirector, E::DirectorReject),
            (S::AwaitingManagerReview, E::RevisePlan),
            (S::AwaitingCustomerConsent, E::RevisePlan),
            (S::AwaitingDirector, E::RevisePlan),
        ];
        for (f, e) in back {
            v.push((f, e, AWAY, S::Planning));
            v.push((f, e, ON_SITE, S::Replanning));
        }
        v.push((S::AwaitingDirector, E::DirectorApprove, AWAY, S::Approved));
        v.push((S::AwaitingDirector, E::DirectorApprove, ON_SITE, S::OnSite));
        v.push((
            S::AwaitingCustomerConsent,
            E::CustomerDeclineCancel,
            AWAY,
            S::Cancelled,
        ));
        for from in [
            S::New,
            S::Planning,
            S::AwaitingManagerReview,
            S::AwaitingCustomerConsent,
            S::AwaitingDirector,
            S::Approved,
        ] {
            v.push((from, E::Cancel, AWAY, S::Cancelled));
        }
        v
    }

    #[test]
    fn every_allowed_transition() {
        for (from, event, ctx, to) in allowed() {
            assert_eq!(
                transition(from, event, ctx),
                Ok(to),
                "{from:?} --{event:?} ({ctx:?})"
            );
        }
    }

    #[test]
    fn every_other_transition_is_refused() {
        let allowed = allowed();
        let mut refused = 0;
        for from in S::ALL {
            for event in E::ALL {
                for ctx in [AWAY, ON_SITE] {
                    if allowed
                        .iter()
                        .any(|(f, e, c, _)| *f == from && *e == event && *c == ctx)
                    {
                        continue;
                    }
                    assert_eq!(
                        transition(from, event, ctx),
                        Err(TransitionError { from, event }),
                        "{from:?} --{event:?} ({ctx:?}) must be refused"
                    );
                    refused += 1;
                }
            }
        }
        assert_eq!(refused + allowed.len(), S::ALL.len() * E::ALL.len() * 2);
    }

    /// A standing approval changes exactly two moves: submitting goes straight to the
    /// customer's consent, and the consent straight to approved (on site with the crew there).
    #[test]
    fn a_standing_approval_skips_review_and_director_and_nothing_else() {
        for crew_on_site in [false, true] {
            let plain = Context::crew(crew_on_site);
            let standing = Context {
                standing_approval: true,
                ..plain
            };
            for from in S::ALL {
                for event in E::ALL {
                    let want = match (from, event) {
                        (S::Planning | S::Replanning, E::SubmitPlan) => {
                            Ok(S::AwaitingCustomerConsent)
                        }
                        (S::AwaitingCustomerConsent, E::CustomerAgree) => {
                            Ok(if crew_on_site { S::OnSite } else { S::Approved })
                        }
                        _ => transition(from, event, plain),
                    };
                    assert_eq!(
                        transition(from, event, standing),
                        want,
                        "{from:?} {event:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_agent_may_take_the_consent_only_where_the_standing_approval_allows() {
        let agent = [Role::CallAgent];
        let standing = Context {
            standing_approval: true,
            agent_consent: true,
            ..AWAY
        };
        assert!(E::CustomerAgree.permitted_in(&agent, standing));
        assert!(E::CustomerDeclineReplan.permitted_in(&agent, standing));
        // Cancelling the rescue stays the manager's decision.
        assert!(!E::CustomerDeclineCancel.permitted_in(&agent, standing));
        assert!(!E::DirectorApprove.permitted_in(&agent, standing));
        assert!(!E::CustomerAgree.permitted_in(&agent, AWAY));
        let not_allowed = Context {
            agent_consent: false,
            ..standing
        };
        assert!(!E::CustomerAgree.permitted_in(&agent, not_allowed));
        // Everyone else keeps what their role allows.
        assert!(E::CustomerAgree.permitted_in(&[Role::ServiceManager], AWAY));
        assert!(!E::CustomerAgree.permitted_in(&[Role::Technician], standing));
    }

    #[test]
    fn terminal_states_accept_nothing() {
        for event in E::ALL {
            for ctx in [AWAY, ON_SITE] {
                assert!(transition(S::Closed, event, ctx).is_err());
                assert!(transition(S::Cancelled, event, ctx).is_err());
            }
        }
    }

    #[test]
    fn no_cancel_once_the_crew_is_out() {
        for from in [S::Dispatched, S::OnSite, S::Replanning, S::Resolved] {
            assert!(transition(from, E::Cancel, AWAY).is_err(), "{from:?}");
            assert!(transition(from, E::Cancel, ON_SITE).is_err(), "{from:?}");
        }
        assert!(transition(S::AwaitingDirector, E::Cancel, ON_SITE).is_err());
        assert!(transition(
            S::AwaitingCustomerConsent,
            E::CustomerDeclineCancel,
            ON_SITE
        )
        .is_err());
    }

    #[test]
    fn only_the_director_approves() {
        assert!(E::DirectorApprove.permitted(&[Role::ServiceDirector]));
        for r in Role::ALL
            .into_iter()
            .filter(|r| *r != Role::ServiceDirector)
        {
            assert!(!E::DirectorApprove.permitted(&[r]), "{r:?}");
        }
        assert!(!E::CustomerAgree.permitted(&[Role::ServiceDirector]));
        assert!(E::CustomerAgree.permitted(&[Role::ServiceManager]));
        assert!(!E::Arrive.permitted(&[Role::ServiceManager]));
    }

    #[test]
    fn approval_records_only_for_chain_steps() {
        let steps: Vec<_> = E::ALL
            .iter()
            .filter_map(|e| e.approval_record().map(|r| (*e, r)))
            .collect();
        assert_eq!(steps.len(), 7);
        assert_eq!(
            E::DirectorApprove.approval_record(),
            Some((ApprovalStep::Director, Decision::Approved))
        );
        assert_eq!(
            E::CustomerDeclineCancel.approval_record(),
            Some((ApprovalStep::CustomerConsent, Decision::Declined))
        );
        assert_eq!(E::Depart.approval_record(), None);
    }

    #[test]
    fn the_next_step_follows_the_main_line() {
        use Role::*;
        let steps = [
            (S::New, AWAY, Some((E::StartPlanning, WorkshopLead))),
            (S::Planning, AWAY, Some((E::SubmitPlan, WorkshopLead))),
            (S::Replanning, ON_SITE, Some((E::SubmitPlan, WorkshopLead))),
            (
                S::AwaitingManagerReview,
                AWAY,
                Some((E::ManagerAccept, ServiceManager)),
            ),
            (
                S::AwaitingCustomerConsent,
                AWAY,
                Some((E::CustomerAgree, ServiceManager)),
            ),
            (
                S::AwaitingDirector,
                ON_SITE,
                Some((E::DirectorApprove, ServiceDirector)),
            ),
            (S::Approved, AWAY, Some((E::Depart, Technician))),
            (S::Dispatched, AWAY, Some((E::Arrive, Technician))),
            (S::OnSite, ON_SITE, Some((E::Resolve, Technician))),
            (S::Resolved, ON_SITE, Some((E::Close, ServiceManager))),
            (S::Closed, AWAY, None),
            (S::Cancelled, AWAY, None),
        ];
        for (status, ctx, want) in steps {
            let got = next_step(status, ctx).map(|e| (e, e.holder()));
            assert_eq!(got, want, "{status:?}");
        }
    }

    #[test]
    fn event_names_are_unique() {
        let names: std::collections::HashSet<_> = E::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(names.len(), E::ALL.len());
    }
}
