//! Demo set-up: fills an empty database with the generated dealer group and reports the sign-ins.

use std::fmt::Write;

use crate::config::Settings;
use crate::db::Db;
use crate::demo::{self, DemoOptions};
use crate::error::AppError;

/// Loads demo data when the database has no dealers yet (with its past of finished rescues when
/// `[demo] past` is on), in one transaction; returns a printable report.
pub fn load_if_empty(db: &Db, all: &Settings) -> Result<String, AppError> {
    let settings = &all.demo;
    let opts = DemoOptions {
        seed: settings.seed,
        scale: settings.scale,
        // The dealer's calendar day (China), so shifts and history line up with the clock on the wall.
        today: (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive(),
    };
    if !db.read_blocking(demo::is_empty)? {
        return Ok(format!(
            "The database already holds data: demo data not loaded.\nDemo sign-ins (if this is the demo database) use the password {:?}, e.g. hz.agent.\n",
            settings.password
        ));
    }
    let started = std::time::Instant::now();
    let hash = crate::auth::password::hash_password(&settings.password)?;
    let data = demo::generate(&opts);
    let rules = demo::history::Rules {
        sla: &all.sla,
        labour_fen_per_hour: i64::from(all.pricing.labour_rate_fen_per_hour),
        travel_fen_per_km: i64::from(all.pricing.travel_fen_per_km),
        number_prefix: &all.tickets.number_prefix,
        complaint_at_or_below: i32::from(all.follow_up.complaint_at_or_below),
    };
    let summary = db.write_blocking(|conn| {
        let mut summary = demo::load(conn, &data, &hash)?;
        if settings.past {
            summary
                .tables
                .extend(demo::load_past(conn, &data, &opts, &rules)?);
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
