//! Background jobs; each exposes `run_once()` so tests can drive it one step at a time.

pub mod outbox;
pub mod timer;
