//! Delivering the outbox: claim a batch of due messages with a guarded update, send them at once through
//! the configured provider (or the built-in viewer), then settle the batch in one write: each sent, retried
//! later with back-off and jitter, or dead-lettered.

use std::time::Duration;

use futures_util::future::join_all;
use rand::Rng;

use crate::config::OutboxSettings;
use crate::db::Db;
use crate::error::AppError;
use crate::notify::{DeliveryError, OutgoingEmail, OutgoingSms, Receipt, Sender};
use crate::repo::outbox::{self, MessageRecord};

/// What one round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOnce {
    /// Messages were claimed and settled (how many).
    Completed(usize),
    /// Nothing was due.
    Empty,
}

/// Where a channel's messages go.
pub enum Channel<T> {
    /// No provider configured: the message is "delivered" to the built-in outbox viewer.
    Viewer,
    Provider(T),
}

/// How one claimed message is settled (`repo::outbox::settle`).
struct Settle {
    id: String,
    status: &'static str,
    next: chrono::NaiveDateTime,
    error: Option<String>,
    provider_id: Option<String>,
}

pub struct OutboxWorker<S> {
    db: Db,
    settings: OutboxSettings,
    sender: S,
    /// Names this worker's claims; unique per process.
    node: String,
}

/// Back-off before attempt `attempt + 1`: base × 2^(attempt−1), capped, with ±25 % jitter
/// so a burst of failures does not retry in lockstep.
pub fn backoff(attempt: u32, base_s: u64, max_s: u64, jitter: f64) -> Duration {
    let exp = base_s.saturating_mul(1u64 << attempt.saturating_sub(1).min(30));
    let capped = exp.min(max_s) as f64;
    let factor = 1.0 + 0.25 * jitter.clamp(-1.0, 1.0);
    Duration::from_secs_f64((capped * factor).max(1.0))
}

impl<S: Sender> OutboxWorker<S> {
    pub fn new(db: Db, settings: OutboxSettings, sender: S) -> Self {
        let node = format!("{}-{}", std::process::id(), &crate::repo::new_id()[24..]);
        OutboxWorker {
            db,
            settings,
            sender,
            node,
        }
    }

    pub fn node(&self) -> &str {
        &self.node
    }

    /// Claims up to a batch of due messages, sends them all at once and settles them in one
    /// write. Each settle stays guarded by this worker's claim, so a message another worker took
    /// over after our lease ran out is left to that worker.
    pub async fn run_once(&self) -> Result<RunOnce, AppError> {
        let (node, batch, lease) = (
            self.node.clone(),
            i64::from(self.settings.batch_size),
            self.settings.lease_s,
        );
        let cutoff =
            move |now: chrono::NaiveDateTime| now - chrono::Duration::seconds(lease as i64);
        // A look on a pooled connection first: an idle poll never queues for the writer.
        let any_due = self
            .db
            .read(move |conn| {
                let now = crate::repo::now();
                Ok(!outbox::due(conn, now, cutoff(now), 1)?.is_empty())
            })
            .await?;
        if !any_due {
            return Ok(RunOnce::Empty);
        }
        let claimed: Vec<MessageRecord> = self
            .db
            .write(move |conn| {
                let now = crate::repo::now();
                let mut out = Vec::new();
                for id in outbox::due(conn, now, cutoff(now), batch)? {
                    if let Some(m) = outbox::claim(conn, &id, &node, now, cutoff(now))? {
                        out.push(m);
                    }
                }
                Ok(out)
            })
            .await?;
        if claimed.is_empty() {
            return Ok(RunOnce::Empty);
        }
        // The batch goes out at once: one slow provider answer no longer holds up the others,
        // and the batch's settles share one commit instead of one each.
        let results = join_all(claimed.iter().map(|m| self.deliver(m))).await;
        let settles: Vec<Settle> = claimed
            .iter()
            .zip(results)
            .map(|(m, result)| self.outcome(m, result))
            .collect();
        let n = settles.len();
        let node = self.node.clone();
        let lost: Vec<String> = self
            .db
            .write(move |conn| {
                let mut lost = Vec::new();
                for s in settles {
                    let settled = outbox::settle(
                        conn,
                        &s.id,
                        &node,
                        s.status,
                        s.next,
                        s.error.as_deref(),
                        s.provider_id.as_deref(),
                    )?;
                    if !settled {
                        lost.push(s.id);
                    }
                }
                Ok(lost)
            })
            .await?;
        for id in lost {
            // Our lease ran out and another worker took the message over; it settles it.
            tracing::warn!(message = %id, "claim lost before settling");
        }
        Ok(RunOnce::Completed(n))
    }

    async fn deliver(&self, m: &MessageRecord) -> Result<Receipt, DeliveryError> {
        match m.channel.as_str() {
            "sms" if self.sender.has_sms() => {
                let params = serde_json::from_str(&m.params).unwrap_or(serde_json::Value::Null);
                self.sender
                    .send_sms(OutgoingSms {
                        to: m.recipient.clone(),
                        text: m.body_text.clone(),
                        template: m.template.clone(),
                        params,
                        idempotency_key: m.idempotency_key.clone(),
                    })
                    .await
            }
            "email" if self.sender.has_email() => {
                self.sender
                    .send_email(OutgoingEmail {
                        to: m.recipient.clone(),
                        subject: m.subject.clone(),
                        text: m.body_text.clone(),
                        html: m
                            .body_html
                            .clone()
                            .unwrap_or_else(|| crate::notify::text_to_html(&m.body_text)),
                        idempotency_key: m.idempotency_key.clone(),
                    })
                    .await
            }
            // No provider for this channel: the outbox viewer is the destination.
            _ => Ok(Receipt {
                provider_id: Some("viewer".into()),
            }),
        }
    }

    /// What a delivery's result makes of the message: sent, retried after its back-off, or dead.
    fn outcome(&self, m: &MessageRecord, result: Result<Receipt, DeliveryError>) -> Settle {
        let now = crate::repo::now();
        let (status, next, error, provider_id) = match result {
            Ok(receipt) => ("sent", now, None, receipt.provider_id),
            Err(DeliveryError::Permanent { reason }) => ("dead", now, Some(reason), None),
            Err(DeliveryError::Retry { reason, after }) => {
                if m.attempts as u32 >= self.settings.max_attempts {
                    (
                        "dead",
                        now,
                        Some(format!("{reason} (gave up after {} attempts)", m.attempts)),
                        None,
                    )
                } else {
                    let jitter = rand::thread_rng().gen_range(-1.0..=1.0);
                    // A provider may ask for a day's wait (daily quota); the configured cap still holds.
                    let cap = Duration::from_secs(self.settings.backoff_max_s);
                    let wait = after.map(|a| a.min(cap)).unwrap_or_else(|| {
                        backoff(
                            m.attempts as u32,
                            self.settings.backoff_base_s,
                            self.settings.backoff_max_s,
                            jitter,
                        )
                    });
                    let next = now
                        + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
                    ("pending", next, Some(reason), None)
                }
            }
        };
        match status {
            "sent" => {
                tracing::info!(message = %m.id, channel = %m.channel, template = %m.template, attempt = m.attempts, "message delivered")
            }
            "dead" => {
                tracing::error!(message = %m.id, channel = %m.channel, recipient = %m.recipient, error = ?error, "message dead-lettered")
            }
            _ => {
                tracing::warn!(message = %m.id, channel = %m.channel, attempt = m.attempts, error = ?error, retry_at = %next, "delivery failed, will retry")
            }
        }
        Settle {
            id: m.id.clone(),
            status,
            next,
            error,
            provider_id,
        }
    }

    /// Runs until `shutdown` resolves: rounds back to back while there is work, then polls.
    pub async fn run(self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        let idle = Duration::from_millis(self.settings.poll_interval_ms);
        tracing::info!(node = %self.node, "outbox worker started");
        loop {
            let pause = match self.run_once().await {
                Ok(RunOnce::Completed(_)) => Duration::ZERO,
                Ok(RunOnce::Empty) => idle,
                Err(e) => {
                    tracing::error!(error = %e, "outbox round failed");
                    idle
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => break,
            }
            if *shutdown.borrow() {
                break;
            }
        }
        tracing::info!(node = %self.node, "outbox worker stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1, 5, 3600, 0.0), Duration::from_secs(5));
        assert_eq!(backoff(2, 5, 3600, 0.0), Duration::from_secs(10));
        assert_eq!(backoff(5, 5, 3600, 0.0), Duration::from_secs(80));
        assert_eq!(backoff(20, 5, 3600, 0.0), Duration::from_secs(3600));
        assert_eq!(backoff(u32::MAX, 5, 3600, 0.0), Duration::from_secs(3600));
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        assert_eq!(backoff(3, 5, 3600, 1.0), Duration::from_secs(25));
        assert_eq!(backoff(3, 5, 3600, -1.0), Duration::from_secs(15));
        assert_eq!(backoff(3, 5, 3600, 7.0), Duration::from_secs(25), "clamped");
    }
}
