//! Typed ids: a ticket id cannot be passed where a part id is wanted. Ids the system makes
//! (tickets, sourcing orders, outbox messages: UUIDs) are checked for that shape when they
//! arrive; ids of things a dealer group loads (dealers, parts, technicians, tools) have no
//! fixed shape and are only typed. On the wire each is its plain string (`serde(transparent)`).

use serde::{Deserialize, Deserializer, Serialize};

/// An id type: what a path segment or a body field is parsed into.
pub trait Id: Sized {
    /// The id as given, if it has the shape of one.
    fn parse(s: &str) -> Option<Self>;
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident $(checked $check:ident)?;)+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl Id for $name {
            fn parse(s: &str) -> Option<$name> {
                let ok = true $(&& $check(s))?;
                ok.then(|| $name(s.to_owned()))
            }
        }

        impl $name {
            /// The id as given, if it has the shape of one.
            pub fn parse(s: &str) -> Option<$name> {
                <$name as Id>::parse(s)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| {
                    serde::de::Error::invalid_value(serde::de::Unexpected::Str(&s), &stringify!($name))
                })
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    )+};
}

/// Ids without a fixed shape: any string is one, so pages and fixtures make them from theirs.
macro_rules! loaded_ids {
    ($($name:ident),+) => {$(
        impl From<String> for $name {
            fn from(s: String) -> $name {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> $name {
                $name(s.to_owned())
            }
        }

        /// For request structs with `Default` (an empty id matches nothing: "not found").
        impl Default for $name {
            fn default() -> $name {
                $name(String::new())
            }
        }
    )+};
}

/// The shape of the ids the system makes (`repo::new_id`: UUIDv7, hyphenated).
fn uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

ids! {
    /// A rescue ticket.
    TicketId checked uuid;
    /// A sourcing order.
    OrderId checked uuid;
    /// A message in the outbox.
    MessageId checked uuid;
    /// A standard rescue plan (标准救援方案).
    StandardPlanId checked uuid;
    /// A follow-up call (回访).
    FollowUpId checked uuid;
    /// A complaint case.
    ComplaintId checked uuid;
    /// A weather or area suspension (停止服务区域).
    SuspensionId checked uuid;
    /// A photo the crew took on site.
    PhotoId checked uuid;
    /// A rescue vehicle of a dealer (救援车辆).
    RescueVehicleId checked uuid;
    /// A holiday of the group's calendar (节假日).
    HolidayId checked uuid;
    /// A page session (sign-in): its public id, never the cookie or its hash.
    SessionId checked uuid;
    /// An API token: its id, never the token or its hash.
    ApiTokenId checked uuid;
    /// A dealer (as loaded by the group's setup: no fixed shape; an unknown one is the
    /// service's "not found", as before).
    DealerId;
    /// A part of the catalogue.
    PartId;
    /// A technician.
    TechnicianId;
    /// A tool.
    ToolId;
    /// A staff user (as loaded by the group's setup or `rescuedesk user add`).
    UserId;
    /// A dealer group (集团): the dealers that see each other's stock.
    GroupId;
}

loaded_ids!(DealerId, PartId, TechnicianId, ToolId, UserId, GroupId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_ids_are_checked_loaded_ids_only_typed() {
        let id = uuid::Uuid::now_v7().to_string();
        assert_eq!(TicketId::parse(&id).unwrap().as_str(), id);
        assert_eq!(TicketId::parse("x"), None);
        assert_eq!(
            TicketId::parse("not-a-uuid-but-thirty-six-characters"),
            None
        );
        assert_eq!(PartId::parse("battery").unwrap().as_str(), "battery");
        let t: TicketId = serde_json::from_value(serde_json::json!(id)).unwrap();
        assert_eq!(serde_json::to_value(&t).unwrap(), serde_json::json!(id));
        assert!(serde_json::from_value::<OrderId>(serde_json::json!("42")).is_err());
        assert!(serde_json::from_value::<TechnicianId>(serde_json::json!("hz-t2")).is_ok());
    }
}
