//! The promise timer: every few seconds it reads the open tickets page by page, finds the
//! warnings and breaches that are due, and records each in its own short write (the alert row,
//! the audit event, the messages in the outbox). Reads do the sifting, so the writer is touched
//! only when someone is to be told. Then it looks at the tickets whose stage ended since the
//! round before, for a stage that ended late unseen (between two rounds, or while no worker ran),
//! and records that breach too, telling nobody. Last, complaints left open too long are told
//! to the dealer's director, and the customers inside a suspension that ran out are told service
//! is back, once each.

use std::time::Duration;

use chrono::NaiveDateTime;

use crate::config::TimerSettings;
use crate::db::Db;
use crate::domain::follow_up::FollowUpConfig;
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
    /// Breaches recorded for stages found already ended late (nobody told).
    pub late: usize,
    /// Complaints told to the director for staying open too long.
    pub complaints: usize,
    /// Suspensions that ran out whose customers were told service is back.
    pub resumed: usize,
}

pub struct TimerWorker {
    db: Db,
    sla: SlaConfig,
    follow_up: FollowUpConfig,
    notifier: Notifier,
    settings: TimerSettings,
    /// When the last look for stages ended late began, on the database's clock (the one the
    /// milestone events are written with); none before the first, which looks
    /// `late_lookback_h` back.
    late_since: std::sync::Mutex<Option<NaiveDateTime>>,
}

/// How far before the last look the next one starts again: a write that took its timestamp
/// before that look may have committed after it.
const LATE_OVERLAP: chrono::Duration = chrono::Duration::minutes(5);

impl TimerWorker {
    pub fn new(
        db: Db,
        sla: SlaConfig,
        follow_up: FollowUpConfig,
        notifier: Notifier,
        settings: TimerSettings,
    ) -> Self {
        TimerWorker {
            db,
            sla,
            follow_up,
            notifier,
            settings,
            late_since: std::sync::Mutex::new(None),
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
        round.late = self.record_late(now).await?;
        round.complaints = self.escalate_complaints(now).await?;
        round.resumed = self.tell_resumed(now).await?;
        Ok(round)
    }

    /// Tells the customers inside each suspension that ran out at its end that service is back;
    /// each in its own write, once.
    async fn tell_resumed(&self, now: NaiveDateTime) -> Result<usize, AppError> {
        let limit = i64::from(self.settings.batch_size);
        let due = self
            .db
            .read(move |conn| crate::services::suspensions::ran_out(conn, now, limit))
            .await?;
        let mut told = 0;
        for id in due {
            let (notifier, sid) = (self.notifier.clone(), id.clone());
            match self
                .db
                .write(move |conn| {
                    crate::services::suspensions::tell_resumed(conn, &notifier, &sid, now)
                })
                .await
            {
                Ok(Some(_)) => told += 1,
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(suspension = %id, error = %e, "service-resumed notice not sent")
                }
            }
        }
        Ok(told)
    }

    /// Tells the directors of the complaints open too long, a page at a time; each in its own
    /// write. One that fails is logged and tried again next round (it stays unmarked).
    async fn escalate_complaints(&self, now: NaiveDateTime) -> Result<usize, AppError> {
        let limit = i64::from(self.settings.batch_size);
        let cfg = self.follow_up.clone();
        let due = self
            .db
            .read(move |conn| crate::services::follow_ups::overdue(conn, &cfg, now, limit))
            .await?;
        let mut told = 0;
        for id in due {
            let (cfg, notifier, cid) = (self.follow_up.clone(), self.notifier.clone(), id.clone());
            match self
                .db
                .write(move |conn| {
                    crate::services::follow_ups::escalate(conn, &cfg, &notifier, &cid, now)
                })
                .await
            {
                Ok(Some(_)) => told += 1,
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(complaint = %id, error = %e, "complaint escalation not recorded")
                }
            }
        }
        Ok(told)
    }

    /// Looks at the tickets with a milestone written since the last look (less
    /// [`LATE_OVERLAP`]) and records each stage found ended late; returns how many. The window
    /// moves on only when every one was recorded, so a failed one is tried again.
    async fn record_late(&self, now: NaiveDateTime) -> Result<usize, AppError> {
        let started = crate::repo::now();
        // Never further back than the lookback, however long a failing look kept the window.
        let furthest = started - chrono::Duration::hours(self.settings.late_lookback_h.into());
        let since = self
            .late_since
            .lock()
            .map_err(|_| AppError::internal("timer lock poisoned"))?
            .map_or(furthest, |t| (t - LATE_OVERLAP).max(furthest));
        let limit = i64::from(self.settings.batch_size);
        let mut after: Option<String> = None;
        let (mut recorded, mut failed) = (0, false);
        loop {
            let (sla, cursor) = (self.sla.clone(), after.clone());
            let (count, last, due) = self
                .db
                .read(move |conn| {
                    let actions = crate::services::timeline::milestone_actions();
                    let page = alerts::with_milestones_since(
                        conn,
                        &actions,
                        since,
                        cursor.as_deref(),
                        limit,
                    )?;
                    let last = page.last().map(|t| t.id.clone());
                    let due = service::late(conn, &sla, &page, now)?;
                    Ok((page.len(), last, due))
                })
                .await?;
            for d in due {
                let sla = self.sla.clone();
                let ticket = d.ticket_id.clone();
                match self
                    .db
                    .write(move |conn| service::record_late(conn, &sla, &d, now))
                    .await
                {
                    Ok(true) => recorded += 1,
                    Ok(false) => {}
                    Err(e) => {
                        // The others go on; the window stays so this one is tried again.
                        tracing::error!(ticket = %ticket, error = %e, "late stage not recorded");
                        failed = true;
                    }
                }
            }
            if (count as i64) < limit {
                break;
            }
            after = last;
        }
        if !failed {
            *self
                .late_since
                .lock()
                .map_err(|_| AppError::internal("timer lock poisoned"))? = Some(started);
        }
        Ok(recorded)
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
                Ok(r) if r.warnings + r.breaches + r.late + r.complaints + r.resumed > 0 => {
                    tracing::info!(
                        checked = r.checked,
                        warnings = r.warnings,
                        breaches = r.breaches,
                        late = r.late,
                        complaints = r.complaints,
                        resumed = r.resumed,
                        messages = r.messages,
                        "promise timer round"
                    )
                }
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
