//! Use cases: each opens one transaction that makes the domain change and writes its audit event.

pub mod demo;
pub mod tickets;
pub mod users;
