//! Languages and the message catalogue, shared by pages, the API and the messages we send.
//!
//! Every user-facing text lives in `locales/<lang>/*.ftl` (Project Fluent); code names a message
//! by its key and renders it in the viewer's or recipient's [`Locale`] at the edge.

mod catalogue;
mod locale;

pub use catalogue::Args;
pub use locale::Locale;
