//! A sourcing order's life (寻源单): proposed → reviewed (monitored parts) → placed → shipped →
//! received at the dealer or delivered to the site → consumed; or cancelled; and the hold a fault
//! mismatch puts on it until the revised plan decides. The one place its status (and hold) changes.

use serde::{Deserialize, Serialize};

use super::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Proposed,
    Reviewed,
    Placed,
    Shipped,
    Received,
    Delivered,
    Consumed,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        Self::Proposed,
        Self::Reviewed,
        Self::Placed,
        Self::Shipped,
        Self::Received,
        Self::Delivered,
        Self::Consumed,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Reviewed => "reviewed",
            Self::Placed => "placed",
            Self::Shipped => "shipped",
            Self::Received => "received",
            Self::Delivered => "delivered",
            Self::Consumed => "consumed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The catalogue key of this status's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Proposed => "label-order-status-proposed",
            Self::Reviewed => "label-order-status-reviewed",
            Self::Placed => "label-order-status-placed",
            Self::Shipped => "label-order-status-shipped",
            Self::Received => "label-order-status-received",
            Self::Delivered => "label-order-status-delivered",
            Self::Consumed => "label-order-status-consumed",
            Self::Cancelled => "label-order-status-cancelled",
        }
    }

    /// Not yet with us: these units still have to arrive, so they count as covering the line.
    pub const IN_FLIGHT: [OrderStatus; 4] =
        [Self::Proposed, Self::Reviewed, Self::Placed, Self::Shipped];

    pub fn in_flight(self) -> bool {
        Self::IN_FLIGHT.contains(&self)
    }

    /// Before anything left the source: cancelling costs nothing but a phone call.
    pub fn cancellable(self) -> bool {
        matches!(self, Self::Proposed | Self::Reviewed | Self::Placed)
    }
}

/// What the rules act on: the status and whether a hold stops the order.
///
/// A hold is a flag beside the status rather than a status of its own: a held order is still
/// proposed, reviewed or placed (a placed transfer keeps the sister dealer's units), and
/// releasing it must give that status back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderState {
    pub status: OrderStatus,
    pub held: bool,
}

impl OrderState {
    pub fn new(status: OrderStatus, held: bool) -> Self {
        Self { status, held }
    }

    /// The status's name in `l`, and the hold after it when there is one.
    pub fn label(self, l: crate::i18n::Locale) -> String {
        let status = l.t(self.status.label_key());
        if self.held {
            l.t_with("label-order-held", &[("status", status.into())])
        } else {
            status
        }
    }
}

/// Where the part goes when it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    /// The ticket's dealer: into stock, reserved for the plan line, then issued as usual.
    Dealer,
    /// Straight to the crew at the rescue site (the crew left before the part arrived).
    Site,
}

impl Destination {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dealer => "dealer",
            Self::Site => "site",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "dealer" => Some(Self::Dealer),
            "site" => Some(Self::Site),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvent {
    /// VIN and owner checked for a monitored part.
    Review,
    Place,
    Ship,
    /// Arrived at the ticket's dealer.
    Receive,
    /// Handed to the crew at the rescue site.
    Deliver,
    /// Fitted to the car (recorded when the rescue is resolved).
    Consume,
    Cancel,
    /// The crew reported that the fault does not match the plan the order was for: nothing more
    /// may be placed or sent until the revised plan is submitted.
    Hold,
    /// The revised plan still needs the part: the order goes on where it stopped.
    Release,
}

impl OrderEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Review => "review",
            Self::Place => "place",
            Self::Ship => "ship",
            Self::Receive => "receive",
            Self::Deliver => "deliver",
            Self::Consume => "consume",
            Self::Cancel => "cancel",
            Self::Hold => "hold",
            Self::Release => "release",
        }
    }

    /// Who may do it. Reviews of monitored parts (keys, immobilisers, ECUs) are the parts
    /// manager's or the director's signature; the rest is the parts desk's daily work.
    pub fn allowed_roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Self::Review => &[PartsManager, ServiceDirector],
            // Done by the system: at resolve, and when the crew or a new plan version decides.
            Self::Consume | Self::Hold | Self::Release => &[],
            _ => &[PartsDesk, PartsManager],
        }
    }

    pub fn permitted(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.allowed_roles().contains(r))
    }
}

/// Why an order cannot take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderRefusal {
    /// The step does not follow from the current status.
    Invalid,
    /// A monitored part must be reviewed before it is ordered.
    ReviewRequired,
    /// Only monitored parts are reviewed.
    NoReviewNeeded,
    /// The order is on hold until the revised plan decides; only cancelling it is possible.
    Held,
}

/// The order's next state, or why not. `monitored` is the part's flag from the catalogue.
///
/// Only orders that have not left the source can be held (what is on the road arrives anyway);
/// a held order can be released or cancelled and nothing else, and cancelling ends the hold.
pub fn next(
    state: OrderState,
    event: OrderEvent,
    monitored: bool,
) -> Result<OrderState, OrderRefusal> {
    use OrderEvent as E;
    let OrderState { status, held } = state;
    match (held, event) {
        (false, E::Hold) if status.cancellable() => Ok(OrderState::new(status, true)),
        (true, E::Release) => Ok(OrderState::new(status, false)),
        (_, E::Hold | E::Release) => Err(OrderRefusal::Invalid),
        (true, E::Cancel) | (false, _) => {
            next_status(status, event, monitored).map(|s| OrderState::new(s, false))
        }
        (true, _) => Err(OrderRefusal::Held),
    }
}

/// The status rules of an order that is not held.
fn next_status(
    status: OrderStatus,
    event: OrderEvent,
    monitored: bool,
) -> Result<OrderStatus, OrderRefusal> {
    use OrderEvent as E;
    use OrderStatus as S;
    match (status, event) {
        (S::Proposed, E::Review) if monitored => Ok(S::Reviewed),
        (S::Proposed, E::Review) => Err(OrderRefusal::NoReviewNeeded),
        (S::Proposed, E::Place) if monitored => Err(OrderRefusal::ReviewRequired),
        (S::Proposed | S::Reviewed, E::Place) => Ok(S::Placed),
        (S::Placed, E::Ship) => Ok(S::Shipped),
        (S::Shipped, E::Receive) => Ok(S::Received),
        (S::Shipped, E::Deliver) => Ok(S::Delivered),
        (S::Received | S::Delivered, E::Consume) => Ok(S::Consumed),
        (s, E::Cancel) if s.cancellable() => Ok(S::Cancelled),
        _ => Err(OrderRefusal::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderEvent as E;
    use OrderStatus as S;

    const EVENTS: [OrderEvent; 9] = [
        E::Review,
        E::Place,
        E::Ship,
        E::Receive,
        E::Deliver,
        E::Consume,
        E::Cancel,
        E::Hold,
        E::Release,
    ];

    /// The status an order that is not held goes to.
    fn next_of(
        s: OrderStatus,
        e: OrderEvent,
        monitored: bool,
    ) -> Result<OrderStatus, OrderRefusal> {
        next(OrderState::new(s, false), e, monitored).map(|to| {
            assert!(!to.held || e == E::Hold, "{s:?} {e:?} held it");
            to.status
        })
    }

    #[test]
    fn statuses_round_trip() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        assert_eq!(S::parse("lost"), None);
        assert_eq!(Destination::parse("site"), Some(Destination::Site));
        assert_eq!(Destination::parse("moon"), None);
    }

    #[test]
    fn an_ordinary_part_goes_from_proposal_to_use() {
        let mut s = S::Proposed;
        for e in [E::Place, E::Ship, E::Receive, E::Consume] {
            s = next_of(s, e, false).unwrap();
        }
        assert_eq!(s, S::Consumed);
        let s = next_of(S::Shipped, E::Deliver, false).unwrap();
        assert_eq!(next_of(s, E::Consume, false), Ok(S::Consumed));
    }

    #[test]
    fn a_monitored_part_cannot_be_placed_before_review() {
        assert_eq!(
            next_of(S::Proposed, E::Place, true),
            Err(OrderRefusal::ReviewRequired)
        );
        let reviewed = next_of(S::Proposed, E::Review, true).unwrap();
        assert_eq!(next_of(reviewed, E::Place, true), Ok(S::Placed));
        assert_eq!(
            next_of(S::Proposed, E::Review, false),
            Err(OrderRefusal::NoReviewNeeded)
        );
        assert_eq!(
            next_of(S::Reviewed, E::Review, true),
            Err(OrderRefusal::Invalid)
        );
    }

    #[test]
    fn a_receipt_counts_once() {
        let received = next_of(S::Shipped, E::Receive, false).unwrap();
        assert_eq!(
            next_of(received, E::Receive, false),
            Err(OrderRefusal::Invalid)
        );
        assert_eq!(
            next_of(received, E::Deliver, false),
            Err(OrderRefusal::Invalid)
        );
        assert_eq!(
            next_of(S::Delivered, E::Receive, false),
            Err(OrderRefusal::Invalid)
        );
    }

    #[test]
    fn only_orders_not_yet_shipped_can_be_cancelled() {
        for s in S::ALL {
            let ok = next_of(s, E::Cancel, false).is_ok();
            assert_eq!(
                ok,
                matches!(s, S::Proposed | S::Reviewed | S::Placed),
                "{s:?}"
            );
        }
    }

    #[test]
    fn finished_orders_take_no_step() {
        for s in [S::Consumed, S::Cancelled] {
            for e in EVENTS {
                assert_eq!(
                    next_of(s, e, true),
                    Err(OrderRefusal::Invalid),
                    "{s:?} {e:?}"
                );
            }
        }
    }

    #[test]
    fn reviews_are_signed_by_the_parts_manager_or_the_director() {
        assert!(E::Review.permitted(&[Role::PartsManager]));
        assert!(E::Review.permitted(&[Role::ServiceDirector]));
        assert!(!E::Review.permitted(&[Role::PartsDesk]));
        assert!(E::Place.permitted(&[Role::PartsDesk]));
        assert!(!E::Place.permitted(&[Role::ServiceDirector, Role::Technician]));
        assert!(!E::Consume.permitted(&Role::ALL));
    }

    #[test]
    fn in_flight_is_what_has_yet_to_arrive() {
        let flying: Vec<_> = S::ALL.into_iter().filter(|s| s.in_flight()).collect();
        assert_eq!(flying, [S::Proposed, S::Reviewed, S::Placed, S::Shipped]);
    }

    /// Every status × event, not held and held, against the table written out by hand.
    #[test]
    fn every_status_and_event() {
        use OrderRefusal::{Held, Invalid, NoReviewNeeded, ReviewRequired};
        let ok = |s: OrderStatus, held: bool| Ok(OrderState::new(s, held));
        for monitored in [false, true] {
            for s in S::ALL {
                for e in EVENTS {
                    let free = next(OrderState::new(s, false), e, monitored);
                    let want = match (s, e) {
                        (S::Proposed, E::Review) if monitored => ok(S::Reviewed, false),
                        (S::Proposed, E::Review) => Err(NoReviewNeeded),
                        (S::Proposed, E::Place) if monitored => Err(ReviewRequired),
                        (S::Proposed | S::Reviewed, E::Place) => ok(S::Placed, false),
                        (S::Placed, E::Ship) => ok(S::Shipped, false),
                        (S::Shipped, E::Receive) => ok(S::Received, false),
                        (S::Shipped, E::Deliver) => ok(S::Delivered, false),
                        (S::Received | S::Delivered, E::Consume) => ok(S::Consumed, false),
                        (S::Proposed | S::Reviewed | S::Placed, E::Cancel) => {
                            ok(S::Cancelled, false)
                        }
                        // Only what has not left the source is held; the status stays.
                        (S::Proposed | S::Reviewed | S::Placed, E::Hold) => ok(s, true),
                        _ => Err(Invalid),
                    };
                    assert_eq!(free, want, "{s:?} {e:?} monitored={monitored}");

                    let held = next(OrderState::new(s, true), e, monitored);
                    let want = match e {
                        E::Release => ok(s, false),
                        E::Hold => Err(Invalid),
                        E::Cancel if s.cancellable() => ok(S::Cancelled, false),
                        E::Cancel => Err(Invalid),
                        _ => Err(Held),
                    };
                    assert_eq!(held, want, "held {s:?} {e:?} monitored={monitored}");
                }
            }
        }
    }

    #[test]
    fn a_held_order_is_neither_placed_nor_shipped_until_released() {
        let placed = OrderState::new(S::Placed, false);
        let held = next(placed, E::Hold, false).unwrap();
        assert_eq!(held, OrderState::new(S::Placed, true));
        assert_eq!(next(held, E::Ship, false), Err(OrderRefusal::Held));
        let reviewed = next(OrderState::new(S::Reviewed, false), E::Hold, true).unwrap();
        assert_eq!(next(reviewed, E::Place, true), Err(OrderRefusal::Held));
        // Released, it goes on from where it stopped.
        let back = next(held, E::Release, false).unwrap();
        assert_eq!(back, placed);
        assert_eq!(next(back, E::Ship, false).map(|s| s.status), Ok(S::Shipped));
        // Cancelled, the hold ends with it.
        assert_eq!(
            next(held, E::Cancel, false),
            Ok(OrderState::new(S::Cancelled, false))
        );
    }

    #[test]
    fn holds_are_the_systems_and_labelled() {
        assert!(!E::Hold.permitted(&Role::ALL));
        assert!(!E::Release.permitted(&Role::ALL));
        let held = OrderState::new(S::Placed, true);
        use crate::i18n::Locale;
        assert_eq!(held.label(Locale::ZhCn), "已下单（暂停，待新方案）");
        assert_eq!(
            held.label(Locale::En),
            "Placed (On hold until the revised plan)"
        );
        assert_eq!(
            OrderState::new(S::Placed, false).label(Locale::ZhCn),
            "已下单"
        );
    }
}
