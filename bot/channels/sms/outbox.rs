//! The SMS outbox: texts that do not go back in the webhook's TwiML (the second and later
//! replies of a flow, anything sent outside a webhook) wait here, in sled, until Twilio takes them.
//!
//! - Durable: an enqueue is flushed to disk before the webhook answers, so a crash or restart
//!   loses nothing; the worker resumes from the tree when the server starts again.
//! - In order per person: a person's later texts wait while an earlier one backs off.
//! - Retries with exponential backoff (1 s, 2 s, 4 s ... capped at 5 minutes) on 429, 5xx and
//!   network errors; gives up after `MAX_ATTEMPTS` and counts the failure.
//! - Never to someone who opted out: the opt-out is checked again just before each send, and
//!   Twilio's error 21610 (opted out at the carrier) is treated as STOP.
//! - The phone number and the text are sealed (`store::Sealer`) with the pseudonym as
//!   associated data: a counselor's words or a referral near someone's ZIP never sit on disk
//!   in clear, not even in sled's log after the entry is gone.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{SendError, TwilioClient};
use crate::store::{Pseudonym, Sealer, Store};

/// Sends of one text tried at most this many times.
pub const MAX_ATTEMPTS: u32 = 8;
const MAX_BACKOFF_MS: i64 = 300_000;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    who: [u8; 16],
    /// The sealed phone number.
    to: Vec<u8>,
    /// The sealed text.
    body: Vec<u8>,
    attempts: u32,
    /// Unix milliseconds before which the entry is not sent.
    due_ms: i64,
}

/// What happened to one entry; the worker reports these to metrics.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    Retry,
    /// Dropped: opted out, a permanent error, or out of attempts.
    Failed(&'static str),
    OptedOut,
}

#[derive(Clone)]
pub struct Outbox {
    tree: sled::Tree,
    db: sled::Db,
    sealer: Sealer,
    wake: Arc<tokio::sync::Notify>,
}

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("outbox database: {0}")]
    Sled(#[from] sled::Error),
    #[error("outbox: {0}")]
    Seal(#[from] crate::store::SealError),
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Outbox {
    pub fn open(db: &sled::Db, sealer: Sealer) -> Result<Outbox, OutboxError> {
        Ok(Outbox {
            tree: db.open_tree("outbox")?,
            db: db.clone(),
            sealer,
            wake: Arc::new(tokio::sync::Notify::new()),
        })
    }

    /// Queues texts for `to`, in order, not before `delay` from now; durable when this returns.
    pub async fn enqueue(
        &self,
        who: &Pseudonym,
        to: &str,
        bodies: &[String],
        delay: Duration,
    ) -> Result<(), OutboxError> {
        let sealed = self.sealer.seal_str(who, to)?;
        let due_ms = now_ms() + delay.as_millis() as i64;
        for body in bodies {
            // generate_id is monotonic, so keys keep the order texts were queued in.
            let id = self.db.generate_id()?;
            let entry = Entry {
                who: who.0,
                to: sealed.clone(),
                body: self.sealer.seal_str(who, body)?,
                attempts: 0,
                due_ms,
            };
            self.tree.insert(
                id.to_be_bytes(),
                serde_json::to_vec(&entry).expect("entry serializes"),
            )?;
        }
        self.tree.flush_async().await?;
        self.wake.notify_one();
        Ok(())
    }

    pub fn depth(&self) -> usize {
        self.tree.len()
    }

    /// Drops every queued text for `who` (after STOP).
    pub fn forget(&self, who: &Pseudonym) -> Result<usize, OutboxError> {
        let mut n = 0;
        for item in self.tree.iter() {
            let (k, v) = item?;
            if let Ok(e) = serde_json::from_slice::<Entry>(&v)
                && e.who == who.0
            {
                self.tree.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Sends what is due, once through the queue. Returns the outcomes, for metrics and tests.
    pub async fn run_once(
        &self,
        client: &TwilioClient,
        store: &dyn Store,
    ) -> Result<Vec<Outcome>, OutboxError> {
        let now = now_ms();
        let mut blocked: HashSet<[u8; 16]> = HashSet::new();
        let mut outcomes = Vec::new();
        for item in self.tree.iter() {
            let (key, value) = item?;
            let Ok(mut entry) = serde_json::from_slice::<Entry>(&value) else {
                // Unreadable entries cannot be sent; drop them rather than retry forever.
                self.tree.remove(&key)?;
                outcomes.push(Outcome::Failed("corrupt"));
                continue;
            };
            if blocked.contains(&entry.who) {
                continue;
            }
            if entry.due_ms > now {
                blocked.insert(entry.who);
                continue;
            }
            let who = Pseudonym(entry.who);
            if store.is_opted_out(&who).unwrap_or(true) {
                self.tree.remove(&key)?;
                outcomes.push(Outcome::Failed("opted-out"));
                continue;
            }
            let (to, body) = match (
                self.sealer.open_str(&who, &entry.to),
                self.sealer.open_str(&who, &entry.body),
            ) {
                (Ok(t), Ok(b)) => (t, b),
                _ => {
                    self.tree.remove(&key)?;
                    outcomes.push(Outcome::Failed("sealed"));
                    continue;
                }
            };
            match client.send(&to, &body).await {
                Ok(_) => {
                    self.tree.remove(&key)?;
                    outcomes.push(Outcome::Sent);
                }
                Err(SendError::OptedOut) => {
                    // The carrier says this person opted out: that is a STOP.
                    store.delete(&who).ok();
                    store.set_opted_out(&who, true, now / 1000).ok();
                    self.tree.remove(&key)?;
                    self.forget(&who)?;
                    outcomes.push(Outcome::OptedOut);
                    blocked.insert(entry.who);
                }
                Err(e) if e.is_retryable() && entry.attempts + 1 < MAX_ATTEMPTS => {
                    entry.attempts += 1;
                    let backoff = match &e {
                        SendError::RateLimited {
                            retry_after: Some(d),
                            ..
                        } => d.as_millis() as i64,
                        _ => (1000i64 << (entry.attempts - 1).min(20)).min(MAX_BACKOFF_MS),
                    };
                    entry.due_ms = now + backoff;
                    tracing::warn!(who = %who, attempts = entry.attempts, error = %e, "sms send failed; will retry");
                    self.tree
                        .insert(&key, serde_json::to_vec(&entry).expect("entry serializes"))?;
                    outcomes.push(Outcome::Retry);
                    blocked.insert(entry.who);
                }
                Err(e) => {
                    tracing::warn!(who = %who, attempts = entry.attempts + 1, error = %e, "sms send failed for good");
                    self.tree.remove(&key)?;
                    outcomes.push(Outcome::Failed(if e.is_retryable() {
                        "attempts"
                    } else {
                        "rejected"
                    }));
                }
            }
        }
        Ok(outcomes)
    }

    /// The time until the earliest entry is due (or a default tick), for the worker's sleep.
    pub fn next_wait(&self) -> Duration {
        let now = now_ms();
        let next = self
            .tree
            .iter()
            .filter_map(|i| i.ok())
            .filter_map(|(_, v)| serde_json::from_slice::<Entry>(&v).ok())
            .map(|e| e.due_ms)
            .min();
        match next {
            Some(due) if due <= now => Duration::ZERO,
            Some(due) => Duration::from_millis(((due - now) as u64).min(5_000)),
            None => Duration::from_secs(5),
        }
    }

    /// Wakes the worker (a new text was queued).
    pub fn wake(&self) -> Arc<tokio::sync::Notify> {
        self.wake.clone()
    }
}
