//! Pure business rules and validated types: no I/O, no actix, no diesel.

/// The stored names of a fieldless enum: `ALL`, `as_str` and its inverse `parse`, written once
/// as a list so a name cannot be spelt differently in the two directions. The database mapping
/// (`db::text_enum`) and serde use the same names.
macro_rules! text_names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }

            pub fn parse(s: &str) -> Option<$ty> {
                match s {
                    $($name => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

/// Test helper: every variant's stored name parses back to it and is also its serde name.
#[cfg(test)]
pub(crate) fn assert_names_round_trip<T>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    parse: fn(&str) -> Option<T>,
) where
    T: Copy + PartialEq + std::fmt::Debug + serde::Serialize,
{
    for &v in all {
        assert_eq!(parse(as_str(v)), Some(v));
        assert_eq!(serde_json::to_value(v).unwrap(), as_str(v), "{v:?}");
    }
    assert_eq!(parse("no_such_name"), None);
}

pub mod approval;
pub mod availability;

pub mod eta;
pub mod fit;
pub mod fleet;
pub mod follow_up;
pub mod holiday;
pub mod holiday_stock;
pub mod ids;
pub mod intake;
pub mod location;
pub mod money;
pub mod phone;
pub mod photo;
pub mod plan;
pub mod plate;
pub mod promise;
pub mod readiness;
pub mod recommend;
pub mod report;
pub mod response_level;
pub mod role;
pub mod rota;
pub mod search;
pub mod session;
pub mod sourcing;
pub mod sourcing_order;
pub mod standard_plan;
pub mod suspension;
pub mod system_text;
pub mod text;
pub mod ticket;
pub mod vin;
pub mod workflow;

/// Pages print these enums as their stored names (CSS classes, `data-status` attributes).
macro_rules! display_as_str {
    ($($ty:ty),+ $(,)?) => {$(
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )+};
}

display_as_str!(
    ticket::TicketStatus,
    plan::PlanStatus,
    sourcing_order::OrderStatus,
    sourcing_order::Destination,
    sourcing::ShippingMode,
    sourcing::SourcingKind,
    approval::ApprovalStep,
    approval::Decision,
);
