//! Pure business rules and validated types: no I/O, no actix, no diesel.

pub mod eta;
pub mod fit;
pub mod intake;
pub mod location;
pub mod money;
pub mod phone;
pub mod plan;
pub mod plate;
pub mod response_level;
pub mod role;
pub mod search;
pub mod sourcing;
pub mod sourcing_order;
pub mod text;
pub mod ticket;
pub mod vin;
pub mod workflow;
