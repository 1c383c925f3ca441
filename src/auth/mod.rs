//! Sign-in: password hashes, bearer tokens, page sessions and the signed-in identity with its role checks.

pub mod identity;
pub mod links;
pub mod password;
pub mod secret;
pub mod throttle;

pub use identity::{ApiUser, Identity};
