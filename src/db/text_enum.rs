//! Status-like columns stored as text map to the domain's enums, on both backends: a row carries
//! the enum, and a name the code does not know is a deserialisation error, never a default.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Nullable, Text};

use crate::domain::approval::{ApprovalStep, Decision};
use crate::domain::fleet::{CheckOccasion, VehicleKind};
use crate::domain::follow_up::{ComplaintStatus, FollowUpStatus};
use crate::domain::holiday::Channel;
use crate::domain::holiday_stock::ListStatus;
use crate::domain::plan::PlanStatus;
use crate::domain::report::Outcome;
use crate::domain::sourcing::{ShippingMode, SourcingKind};
use crate::domain::sourcing_order::{Destination, OrderStatus};
use crate::domain::standard_plan::StandardKind;
use crate::domain::ticket::TicketStatus;

/// What `#[derive(AsExpression, FromSqlRow)]` would give, written here because the domain does
/// not depend on diesel. Each type needs `as_str(self) -> &'static str` and
/// `parse(&str) -> Option<Self>`; `$what` names the column in the error.
macro_rules! text_enum {
    ($($ty:ty => $what:literal),+ $(,)?) => {$(
        impl AsExpression<Text> for $ty {
            type Expression = <&'static str as AsExpression<Text>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'static str as AsExpression<Text>>::as_expression(self.as_str())
            }
        }

        impl AsExpression<Text> for &$ty {
            type Expression = <&'static str as AsExpression<Text>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'static str as AsExpression<Text>>::as_expression(self.as_str())
            }
        }

        impl AsExpression<Nullable<Text>> for $ty {
            type Expression = <&'static str as AsExpression<Nullable<Text>>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'static str as AsExpression<Nullable<Text>>>::as_expression(self.as_str())
            }
        }

        impl AsExpression<Nullable<Text>> for &$ty {
            type Expression = <&'static str as AsExpression<Nullable<Text>>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'static str as AsExpression<Nullable<Text>>>::as_expression(self.as_str())
            }
        }

        impl<DB: Backend> ToSql<Text, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $ty
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                <$ty>::parse(&text).ok_or_else(|| {
                    format!(concat!("unknown ", $what, " {:?} in the database"), text).into()
                })
            }
        }

        impl<DB: Backend> Queryable<Text, DB> for $ty
        where
            Self: FromSql<Text, DB>,
        {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )+};
}

text_enum! {
    TicketStatus => "ticket status",
    PlanStatus => "plan status",
    OrderStatus => "sourcing order status",
    Destination => "sourcing order destination",
    ShippingMode => "shipping mode",
    SourcingKind => "sourcing kind",
    ApprovalStep => "approval step",
    Decision => "approval decision",
    StandardKind => "standard plan kind",
    FollowUpStatus => "follow-up status",
    ComplaintStatus => "complaint status",
    Outcome => "rescue outcome",
    VehicleKind => "rescue vehicle kind",
    CheckOccasion => "vehicle check occasion",
    Channel => "holiday logistics channel",
    ListStatus => "holiday stock list status",
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::{Connection, IntoSql, SqliteConnection};

    use super::*;
    use crate::db::{AnyConnection, MultiBackend};

    fn conn() -> AnyConnection {
        AnyConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap())
    }

    /// Every variant goes into the database as its text and comes back as itself.
    fn round_trips<T>(all: &[T])
    where
        T: Copy + PartialEq + std::fmt::Debug + 'static,
        T: AsExpression<Text, Expression = <&'static str as AsExpression<Text>>::Expression>,
        T: Queryable<Text, MultiBackend, Row = T> + FromSql<Text, MultiBackend>,
    {
        let mut c = conn();
        for &v in all {
            let text: String = diesel::select(v.into_sql::<Text>())
                .get_result(&mut c)
                .unwrap();
            let back: T = diesel::select(text.as_str().into_sql::<Text>())
                .get_result(&mut c)
                .unwrap();
            assert_eq!(back, v, "{text}");
        }
    }

    #[test]
    fn every_variant_round_trips_through_its_text() {
        round_trips(&TicketStatus::ALL);
        round_trips(PlanStatus::ALL);
        round_trips(&OrderStatus::ALL);
        round_trips(&[Destination::Dealer, Destination::Site]);
        round_trips(&ShippingMode::ALL);
        round_trips(&[SourcingKind::SisterTransfer, SourcingKind::Manufacturer]);
        round_trips(ApprovalStep::ALL);
        round_trips(Decision::ALL);
        round_trips(Outcome::ALL);
        round_trips(VehicleKind::ALL);
        round_trips(CheckOccasion::ALL);
        round_trips(Channel::ALL);
    }

    #[test]
    fn an_unknown_name_is_an_error_not_a_default() {
        let mut c = conn();
        let err = diesel::select("finished".into_sql::<Text>())
            .get_result::<TicketStatus>(&mut c)
            .unwrap_err();
        let logged = crate::error::database_cause(&err);
        assert_eq!(
            logged,
            "database: Error deserializing field '?': unknown ticket status \"finished\" in the database"
        );
        assert_eq!(
            crate::error::AppError::from(err).code,
            crate::error::ErrorCode::Internal
        );
        assert!(diesel::select("lost".into_sql::<Text>())
            .get_result::<OrderStatus>(&mut c)
            .is_err());
    }
}
