//! Use cases: each opens one transaction that makes the domain change and writes its audit event.

pub mod approvals;
pub mod bench;
pub mod common;
pub mod demo;
pub mod health;
pub mod imports;
pub mod notify;
pub mod outbox;
pub mod parts_desk;
pub mod parts_issue;
pub mod plans;
pub mod promises;
pub mod public;
pub mod request;
pub mod reservations;
pub mod resources;
pub mod site;
pub mod sourcing;
pub mod sourcing_orders;
pub mod tickets;
pub mod timeline;
pub mod transitions;
pub mod users;
pub mod views;
pub mod work;
pub mod workflow;
