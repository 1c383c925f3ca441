//! RescueDesk: roadside-rescue dispatch for car dealer groups.

pub mod api;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod import;
pub mod notify;
pub mod repo;
pub mod routing;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod time;
pub mod web;
pub mod workers;
