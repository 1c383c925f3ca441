//! The promise timer: every few seconds it reads the open tickets page by page, finds the
//! warnings and breaches that are due, and records each in its own short write (the alert row,
//! the audit event, the messages in the outbox). Reads do the sifting, so the writer is touched
//! only when someone is to be told.

use std::time::Duration;

use chrono::NaiveDateTime;

use crate::config::TimerSettings;
use crate::db::Db;
use crate::domain::promise::{AlertKind, SlaConfig};
use crate::error::AppError;
use crate::repo::alerts;
use crate::services::alerts::{self as service, Due};
use crate::services::notify::Notifier;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Open tickets looked at.
    pub checked: usize,
    pub warnings: usize,
    pub breaches: usize,
    /// Messages queued in the outbox.
    pub messages: usize,
}

pub struct TimerWorker {
    db: Db,
    sla: SlaConfig,
    notifier: Notifier,
    settings: TimerSettings,
}

impl TimerWorker {
    pub fn new(db: Db, sla: SlaConfig, notifier: Notifier, settings: TimerSettings) -> Self {
        TimerWorker {
            db,
            sla,
            notifier,
            settings,
        }
    }

    /// One round at the real time.
    pub async fn run_once(&self) -> Result<Round, AppError> {
        self.run_at(crate::repo::now()).await
    }

    /// One round as if it were `now`: tests move the clock instead of waiting for it.
    pub async fn run_at(&self, now: NaiveDateTime) -> Result<Round, AppError> {
        let mut round = Round::default();
        let mut after: Option<(NaiveDateTime, String)> = None;
        let limit = i64::from(self.settings.batch_size);
        loop {
            let (sla, cursor) = (self.sla.clone(), after.clone());
            let (count, last, due) = self
                .db
                .read(move |conn| {
                    let page = alerts::open_tickets(conn, cursor.as_ref(), limit)?;
                    let last = page.last().map(|t| (t.call_time, t.id.clone()));
                    let due = service::due(conn, &sla, &page, now)?;
                    Ok((page.len(), last, due))
                })
                .await?;
            round.checked += count;
            for d in due {
                // One ticket that cannot be recorded must not keep the others' alerts back.
                let ticket = d.ticket_id.clone();
                if let Err(e) = self.record(d, now, &mut round).await {
                    tracing::error!(ticket = %ticket, error = %e, "promise alert not recorded");
                }
            }
            if (count as i64) < limit {
                break;
            }
            after = last;
        }
        Ok(round)
    }

    async fn record(
        &self,
        due: Due,
        now: NaiveDateTime,
        round: &mut Round,
    ) -> Result<(), AppError> {
        let (sla, notifier) = (self.sla.clone(), self.notifier.clone());
        let recorded = self
            .db
            .write(move |conn| service::record(conn, &sla, &notifier, &due, now))
            .await?;
        if let Some(r) = recorded {
            match r.kind {
                AlertKind::Warning => round.warnings += 1,
                AlertKind::Breach => round.breaches += 1,
            }
            round.messages += r.messages;
        }
        Ok(())
    }

    /// Runs until `shutdown` changes: a round, then the interval.
    pub async fn run(self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        let interval = Duration::from_secs(self.settings.interval_s);
        tracing::info!(
            interval_s = self.settings.interval_s,
            "promise timer started"
        );
        loop {
            match self.run_once().await {
                Ok(r) if r.warnings + r.breaches > 0 => tracing::info!(
                    checked = r.checked,
                    warnings = r.warnings,
                    breaches = r.breaches,
                    messages = r.messages,
                    "promise timer round"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "promise timer round failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.changed() => break,
            }
            if *shutdown.borrow() {
                break;
            }
        }
        tracing::info!("promise timer stopped");
    }
}
