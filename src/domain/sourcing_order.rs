//! A sourcing order's life (寻源单): proposed → reviewed (monitored parts) → placed → shipped →
//! received at the dealer or delivered to the site → consumed; or cancelled. The one place its status changes.

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

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Proposed => "待下单",
            Self::Reviewed => "已审核",
            Self::Placed => "已下单",
            Self::Shipped => "运输中",
            Self::Received => "已到店",
            Self::Delivered => "已送达现场",
            Self::Consumed => "已使用",
            Self::Cancelled => "已取消",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Proposed => "Proposed",
            Self::Reviewed => "Reviewed",
            Self::Placed => "Placed",
            Self::Shipped => "In transit",
            Self::Received => "Received at dealer",
            Self::Delivered => "Delivered to site",
            Self::Consumed => "Used",
            Self::Cancelled => "Cancelled",
        }
    }

    /// Not yet with us: these units still have to arrive, so they count as covering the line.
    pub fn in_flight(self) -> bool {
        matches!(
            self,
            Self::Proposed | Self::Reviewed | Self::Placed | Self::Shipped
        )
    }

    /// Before anything left the source: cancelling costs nothing but a phone call.
    pub fn cancellable(self) -> bool {
        matches!(self, Self::Proposed | Self::Reviewed | Self::Placed)
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
        }
    }

    /// Who may do it. Reviews of monitored parts (keys, immobilisers, ECUs) are the parts
    /// manager's or the director's signature; the rest is the parts desk's daily work.
    pub fn allowed_roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Self::Review => &[PartsManager, ServiceDirector],
            Self::Consume => &[],
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
}

/// The order's next status, or why not. `monitored` is the part's flag from the catalogue.
pub fn next(
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

    const EVENTS: [OrderEvent; 7] = [
        E::Review,
        E::Place,
        E::Ship,
        E::Receive,
        E::Deliver,
        E::Consume,
        E::Cancel,
    ];

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
            s = next(s, e, false).unwrap();
        }
        assert_eq!(s, S::Consumed);
        let s = next(S::Shipped, E::Deliver, false).unwrap();
        assert_eq!(next(s, E::Consume, false), Ok(S::Consumed));
    }

    #[test]
    fn a_monitored_part_cannot_be_placed_before_review() {
        assert_eq!(
            next(S::Proposed, E::Place, true),
            Err(OrderRefusal::ReviewRequired)
        );
        let reviewed = next(S::Proposed, E::Review, true).unwrap();
        assert_eq!(next(reviewed, E::Place, true), Ok(S::Placed));
        assert_eq!(
            next(S::Proposed, E::Review, false),
            Err(OrderRefusal::NoReviewNeeded)
        );
        assert_eq!(
            next(S::Reviewed, E::Review, true),
            Err(OrderRefusal::Invalid)
        );
    }

    #[test]
    fn a_receipt_counts_once() {
        let received = next(S::Shipped, E::Receive, false).unwrap();
        assert_eq!(
            next(received, E::Receive, false),
            Err(OrderRefusal::Invalid)
        );
        assert_eq!(
            next(received, E::Deliver, false),
            Err(OrderRefusal::Invalid)
        );
        assert_eq!(
            next(S::Delivered, E::Receive, false),
            Err(OrderRefusal::Invalid)
        );
    }

    #[test]
    fn only_orders_not_yet_shipped_can_be_cancelled() {
        for s in S::ALL {
            let ok = next(s, E::Cancel, false).is_ok();
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
                assert_eq!(next(s, e, true), Err(OrderRefusal::Invalid), "{s:?} {e:?}");
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
}
