//! Integration tests: the real server on port 0, a fresh SQLite file or PostgreSQL database per test, spoken to over HTTP.

mod helpers;

mod alerts;
mod auth;
mod board;
mod bounds;
mod cli;
mod decide_links;
mod editor_pages;
mod imports;
mod intake;
mod languages;
mod links;
mod listing;
mod migrations;
mod openapi;
mod outbox;
mod pages;
mod phone_pages;
mod promises;
mod queue_promises;
mod redaction;
mod rescue;
mod rescue_pages;
mod rota;
mod security;
mod sourcing;
mod stock;
mod typed_inputs;
mod typed_requests;
mod walk_fixes;
