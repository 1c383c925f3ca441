//! Demo set-up: fills an empty database with the generated dealer group and reports the sign-ins.

use std::fmt::Write;

use crate::config::Settings;
use crate::db::Db;
use crate::demo::{self, DemoOptions};
use crate::error::AppError;

/// The generator has no clock: "this morning's" vehicle checks are at 07:30 Beijing time. Loaded
/// before then (the demo started at 03:00), they would lie ahead of the clock, and a check made
/// now would be older than the demo's and not count; they move to a minute before `now`.
fn not_ahead_of(checks: &mut [demo::rescue_vehicles::VehicleCheck], now: chrono::NaiveDateTime) {
    let latest = now - chrono::Duration::minutes(1);
    for c in checks.iter_mut().filter(|c| c.checked_at > latest) {
        c.checked_at = latest;
    }
}

/// Loads demo data when the database has no dealers yet (with its past of finished rescues when
/// `[demo] past` is on), in one transaction; returns a printable report.
pub fn load_if_empty(db: &Db, all: &Settings) -> Result<String, AppError> {
    let settings = &all.demo;
    let opts = DemoOptions {
        seed: settings.seed,
        scale: settings.scale,
        // The dealer's calendar day (China), so shifts and history line up with the clock on the wall.
        today: (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive(),
        shape: Default::default(),
    };
    if !db.read_blocking(demo::is_empty)? {
        return Ok(format!(
            "The database already holds data: demo data not loaded.\nDemo sign-ins (if this is the demo database) use the password {:?}, e.g. hz.agent.\n",
            settings.password
        ));
    }
    let started = std::time::Instant::now();
    let hash = crate::auth::password::hash_password(&settings.password)?;
    let mut data = demo::generate(&opts);
    not_ahead_of(&mut data.vehicle_checks, crate::repo::now());
    let rules = past_rules(all);
    let summary = db.write_blocking(|conn| {
        let mut summary = demo::load(conn, &data, &hash)?;
        if settings.past {
            summary
                .tables
                .extend(demo::load_past(conn, &data, &opts, &rules)?);
            let facts = crate::services::report_facts::backfill(conn, &mut |_| {})?;
            summary.tables.push(("rescue_facts", facts));
        }
        Ok(summary)
    })?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo data loaded"
    );

    let mut out = String::new();
    let counts: Vec<String> = summary
        .tables
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    let _ = writeln!(out, "Demo data loaded ({}).", counts.join(", "));
    let _ = writeln!(
        out,
        "\nSign in with any of these (password {:?}):",
        settings.password
    );
    let mut dealers: Vec<(&str, &str)> = Vec::new();
    for s in &summary.sign_ins {
        if !dealers.iter().any(|(code, _)| *code == s.dealer_code) {
            dealers.push((&s.dealer_code, &s.dealer_name));
        }
    }
    for (code, name) in dealers.iter().take(2) {
        let _ = writeln!(out, "  {name}:");
        for s in summary.sign_ins.iter().filter(|s| s.dealer_code == *code) {
            let _ = writeln!(out, "    {:<16} {:<18} {}", s.login, s.role, s.name);
        }
    }
    if dealers.len() > 2 {
        let others: Vec<&str> = dealers[2..].iter().map(|(code, _)| *code).collect();
        let _ = writeln!(
            out,
            "  … and the same roles at {} (e.g. {}.agent).",
            others.join(", "),
            others[0]
        );
    }
    Ok(out)
}

/// Loads the demo for `opts` into an empty database as a stream (`demo::load_streaming`), its
/// past too when `past`, in one transaction; refuses a database that holds data. Returns the
/// rows per table.
pub fn seed(
    db: &Db,
    all: &Settings,
    opts: &DemoOptions,
    past: bool,
    progress: demo::Progress<'_>,
) -> Result<Vec<(&'static str, usize)>, AppError> {
    if !db.read_blocking(demo::is_empty)? {
        return Err(AppError::conflict("svc-demo-not-empty"));
    }
    let hash = crate::auth::password::hash_password(&all.demo.password)?;
    let rules = past_rules(all);
    let summary = db.write_blocking(|conn| {
        // For this connection's one long transaction: a 64 MB page cache (the default 2 MB spills
        // the random-keyed indexes to the WAL over and over). Nothing else changes: the load is
        // one transaction, so it commits whole or not at all, at the configured durability.
        if let crate::db::AnyConnection::Sqlite(c) = conn {
            diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA cache_size = -65536;")?;
        }
        let summary = demo::load_streaming(conn, opts, &hash, past.then_some(&rules), progress)
            .and_then(|mut summary| {
                // The past was written in bulk: the report's rows of its rescues follow.
                if past {
                    let tickets = summary
                        .tables
                        .iter()
                        .find(|t| t.0 == "tickets")
                        .map_or(0, |t| t.1) as u64;
                    let facts = crate::services::report_facts::backfill(conn, &mut |n| {
                        progress("facts", n as u64, tickets)
                    })?;
                    summary.tables.push(("rescue_facts", facts));
                }
                Ok(summary)
            });
        if let crate::db::AnyConnection::Sqlite(c) = conn {
            diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA cache_size = -2000;")?;
        }
        summary
    })?;
    Ok(summary.tables)
}

/// What the demo's past follows of the configuration (promises, prices, numbering, complaints).
fn past_rules(all: &Settings) -> demo::history::Rules<'_> {
    demo::history::Rules {
        sla: &all.sla,
        labour_fen_per_hour: i64::from(all.pricing.labour_rate_fen_per_hour),
        travel_fen_per_km: i64::from(all.pricing.travel_fen_per_km),
        number_prefix: &all.tickets.number_prefix,
        complaint_at_or_below: i32::from(all.follow_up.complaint_at_or_below),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveDateTime};

    fn checks_at(today: NaiveDate) -> Vec<demo::rescue_vehicles::VehicleCheck> {
        let opts = DemoOptions {
            seed: 7,
            scale: 1,
            today,
            shape: Default::default(),
        };
        demo::generate(&opts).vehicle_checks
    }

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_demo_loaded_before_the_morning_check_has_no_check_ahead_of_the_clock() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        // 04:40 Beijing time on the demo's today: the generator's 07:30 checks are ahead.
        let now = utc("2026-12-04 20:40");
        let mut checks = checks_at(today);
        assert!(
            checks.iter().any(|c| c.checked_at > now),
            "the case this is for"
        );
        not_ahead_of(&mut checks, now);
        assert!(checks.iter().all(|c| c.checked_at < now));
        // Yesterday's checks stay where they were.
        let before = checks_at(today);
        let kept = before
            .iter()
            .filter(|c| c.checked_at < utc("2026-12-04 12:00"));
        assert!(kept.clone().all(|b| checks
            .iter()
            .any(|c| c.id == b.id && c.checked_at == b.checked_at)));
        assert!(kept.count() > 0);
    }

    #[test]
    fn after_the_morning_check_the_demo_keeps_its_times() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let now = utc("2026-12-05 02:00"); // 10:00 Beijing time
        let mut checks = checks_at(today);
        let before: Vec<_> = checks.iter().map(|c| c.checked_at).collect();
        not_ahead_of(&mut checks, now);
        assert_eq!(
            checks.iter().map(|c| c.checked_at).collect::<Vec<_>>(),
            before
        );
    }
}
