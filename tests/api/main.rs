//! Integration tests: the real server on port 0, a fresh SQLite file or PostgreSQL database per test, spoken to over HTTP.

mod helpers;

mod alerts;
mod auth;
mod availability;
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
mod photos;
mod positions;
mod promises;
mod queue_promises;
mod redaction;
mod rescue;
mod rescue_pages;
mod rota;
mod routing;
mod security;
mod sourcing;
mod standard_plans;
mod stock;
mod typed_inputs;
mod typed_requests;
mod walk_fixes;
