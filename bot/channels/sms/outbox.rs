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
//! - At least once, and once where the API allows: a text is removed from the tree only after
//!   Twilio took it, and the removal is flushed at the end of each round of sends, so a crash
//!   can repeat only the texts of the round it interrupted. Every attempt at a text carries the
//!   same `Idempotency-Key` (a hash of the sealed text, whose random nonce makes it unique per
//!   queued text), so an API that honours the header sends it exactly once; Twilio's Messages
//!   API does not document it, so there such a text may arrive twice.
//! - The phone number and the text are sealed (`store::Sealer`) with the pseudonym as
//!   associated data: a counselor's words or a referral near someone's ZIP never sit on disk
//!   in clear, not even in sled's log after the entry is gone.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::StreamExt;

use super::{SendError, TwilioClient};
use crate::store::{GroupFlush, Pseudonym, Sealer, Store};

/// Sends of one text tried at most this many times.
pub const MAX_ATTEMPTS: u32 = 8;
/// Texts in flight to Twilio at once (each to a different person).
pub const PARALLEL_SENDS: usize = 32;
/// Queue entries looked at per round; a longer queue is worked through in slices.
const SCAN_LIMIT: usize = 65_536;
const MAX_BACKOFF_MS: i64 = 300_000;

/// One queued text. Stored in a small binary layout (not JSON: sealed bytes as JSON arrays of
/// numbers cost more to parse than everything else the worker does).
#[derive(Clone, Debug)]
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

impl Entry {
    /// who (16) | attempts (4, BE) | due_ms (8, BE) | to length (4, BE) | to | body
    fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(32 + self.to.len() + self.body.len());
        v.extend_from_slice(&self.who);
        v.extend_from_slice(&self.attempts.to_be_bytes());
        v.extend_from_slice(&self.due_ms.to_be_bytes());
        v.extend_from_slice(&(self.to.len() as u32).to_be_bytes());
        v.extend_from_slice(&self.to);
        v.extend_from_slice(&self.body);
        v
    }

    /// Whose the entry is and when it is due, read without decoding the rest.
    fn head(v: &[u8]) -> Option<Slot> {
        Some(Slot {
            who: v.get(..16)?.try_into().ok()?,
            due_ms: i64::from_be_bytes(v.get(20..28)?.try_into().ok()?),
        })
    }

    fn decode(v: &[u8]) -> Option<Entry> {
        let who: [u8; 16] = v.get(..16)?.try_into().ok()?;
        let attempts = u32::from_be_bytes(v.get(16..20)?.try_into().ok()?);
        let due_ms = i64::from_be_bytes(v.get(20..28)?.try_into().ok()?);
        let to_len = u32::from_be_bytes(v.get(28..32)?.try_into().ok()?) as usize;
        let to = v.get(32..32 + to_len)?.to_vec();
        let body = v.get(32 + to_len..)?.to_vec();
        Some(Entry {
            who,
            to,
            body,
            attempts,
            due_ms,
        })
    }
}

/// The key every attempt at one queued text carries: a hash of its sealed bytes (unique per
/// queued text through the seal's random nonce, stable across retries and restarts, and saying
/// nothing about the text or the person).
pub fn idempotency_key(sealed_body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(sealed_body);
    let hex: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("haven-{hex}")
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
    durable: GroupFlush,
    sealer: Sealer,
    wake: Arc<tokio::sync::Notify>,
    /// When the worker will next look at the queue of its own accord (unix ms), so that a text
    /// due later than that need not wake it: most replies queue their later parts a second
    /// ahead, and waking the worker for each one had it walk the queue hundreds of times a
    /// second under load. `i64::MAX` while it is working (every new text wakes it then).
    next_look_ms: Arc<AtomicI64>,
    /// Whose each queued text is and when it is due, by key: the tree's entries without their
    /// sealed bytes, kept beside it so that a round finds what is due without walking sled and
    /// decoding every entry. Most replies queue their later parts a second ahead, so under load
    /// thousands of texts wait that are not due yet; walking them in sled took a fifth of
    /// `haven serve`'s CPU (ARCHITECTURE.md, Performance). Built from the tree at open; the
    /// tree is written first and this second, so it never names a text the tree lacks for
    /// longer than a removal takes (a key it names that the tree lacks is skipped).
    schedule: Arc<Mutex<BTreeMap<u64, Slot>>>,
}

/// A queued text as the schedule knows it.
#[derive(Clone, Copy, Debug)]
struct Slot {
    who: [u8; 16],
    due_ms: i64,
}

enum Attempt {
    Sent,
    Drop(&'static str),
    OptedOut,
    Failed(SendError),
}

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("outbox database: {0}")]
    Sled(#[from] sled::Error),
    #[error("outbox: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("outbox: {0}")]
    Seal(#[from] crate::store::SealError),
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Outbox {
    pub fn open(db: &sled::Db, sealer: Sealer, durable: GroupFlush) -> Result<Outbox, OutboxError> {
        Outbox::open_tree(db, "outbox", sealer, durable)
    }

    /// An outbox in a tree of its own, for another Twilio sender (WhatsApp's, whose worker
    /// sends with its own client).
    pub fn open_tree(
        db: &sled::Db,
        name: &str,
        sealer: Sealer,
        durable: GroupFlush,
    ) -> Result<Outbox, OutboxError> {
        let tree = db.open_tree(name)?;
        let mut schedule = BTreeMap::new();
        for item in tree.iter() {
            let (k, v) = item?;
            let Ok(key) = <[u8; 8]>::try_from(k.as_ref()).map(u64::from_be_bytes) else {
                tree.remove(k)?;
                continue;
            };
            // An entry whose head cannot be read is due at once: the worker then finds it
            // unreadable and drops it.
            let slot = Entry::head(&v).unwrap_or(Slot {
                who: [0xff; 16],
                due_ms: i64::MIN,
            });
            schedule.insert(key, slot);
        }
        Ok(Outbox {
            schedule: Arc::new(Mutex::new(schedule)),
            tree,
            db: db.clone(),
            durable,
            sealer,
            wake: Arc::new(tokio::sync::Notify::new()),
            next_look_ms: Arc::new(AtomicI64::new(i64::MAX)),
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
            self.tree.insert(id.to_be_bytes(), entry.encode())?;
            self.schedule().insert(id, Slot { who: who.0, due_ms });
        }
        self.durable.flush().await?;
        // Written before this reads: if the worker has not yet said when it looks next, it is
        // still working (i64::MAX) and is woken; if it has, it looks by then anyway.
        if due_ms < self.next_look_ms.load(Ordering::SeqCst) {
            self.wake.notify_one();
        }
        Ok(())
    }

    pub fn depth(&self) -> usize {
        self.schedule().len()
    }

    fn schedule(&self) -> MutexGuard<'_, BTreeMap<u64, Slot>> {
        self.schedule.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Drops every queued text for `who` (after STOP).
    pub fn forget(&self, who: &Pseudonym) -> Result<usize, OutboxError> {
        let keys: Vec<u64> = self
            .schedule()
            .iter()
            .filter(|(_, slot)| slot.who == who.0)
            .map(|(k, _)| *k)
            .collect();
        for k in &keys {
            self.remove(&k.to_be_bytes())?;
        }
        Ok(keys.len())
    }

    /// Sends what is due: the oldest queued text of every person, up to `PARALLEL_SENDS` at
    /// once (people never wait for each other; one person's texts stay in order). Returns the
    /// outcomes, for metrics and tests, and how long the worker may sleep.
    pub async fn run_once(
        &self,
        client: &TwilioClient,
        store: &dyn Store,
    ) -> Result<(Vec<Outcome>, Duration), OutboxError> {
        self.next_look_ms.store(i64::MAX, Ordering::SeqCst);
        let now = now_ms();
        let mut next_due: Option<i64> = None;
        let mut outcomes = Vec::new();
        // What is due, from the schedule: only the oldest text of each person is considered
        // (the rest wait their turn), and only its key is taken here.
        let mut due_keys: Vec<u64> = Vec::new();
        {
            let schedule = self.schedule();
            let mut seen: HashSet<[u8; 16]> = HashSet::new();
            for (examined, (key, slot)) in schedule.iter().enumerate() {
                if examined == SCAN_LIMIT {
                    // A long queue is worked through in slices; come back at once for the rest.
                    next_due = Some(now);
                    break;
                }
                if !seen.insert(slot.who) {
                    continue;
                }
                if slot.due_ms > now {
                    next_due = Some(next_due.map_or(slot.due_ms, |d| d.min(slot.due_ms)));
                    continue;
                }
                due_keys.push(*key);
            }
        }
        let mut due: Vec<(sled::IVec, Entry)> = Vec::with_capacity(due_keys.len());
        for key in due_keys {
            let key = key.to_be_bytes();
            match self.tree.get(key)? {
                // Removed since (a STOP): the schedule catches up.
                None => {
                    self.remove(&key)?;
                }
                Some(value) => match Entry::decode(&value) {
                    Some(entry) => due.push((sled::IVec::from(&key), entry)),
                    None => {
                        // Unreadable entries cannot be sent; drop them rather than retry forever.
                        self.remove(&key)?;
                        outcomes.push(Outcome::Failed("corrupt"));
                    }
                },
            }
        }
        let sends = due.into_iter().map(|(key, entry)| async move {
            let result = self.attempt(client, store, &entry).await;
            (key, entry, result)
        });
        let results: Vec<_> = futures_util::stream::iter(sends)
            .buffer_unordered(PARALLEL_SENDS)
            .collect()
            .await;
        let sent_any = !results.is_empty();
        let mut changed = false;
        for (key, mut entry, result) in results {
            changed = true;
            let who = Pseudonym(entry.who);
            match result {
                Attempt::Sent => {
                    self.remove(&key)?;
                    outcomes.push(Outcome::Sent);
                }
                Attempt::Drop(reason) => {
                    self.remove(&key)?;
                    outcomes.push(Outcome::Failed(reason));
                }
                Attempt::OptedOut => {
                    // The carrier says this person opted out: that is a STOP.
                    store.delete(&who).ok();
                    store.set_opted_out(&who, true, now / 1000).ok();
                    self.remove(&key)?;
                    self.forget(&who)?;
                    outcomes.push(Outcome::OptedOut);
                }
                Attempt::Failed(e) if e.is_retryable() && entry.attempts + 1 < MAX_ATTEMPTS => {
                    entry.attempts += 1;
                    let backoff = match &e {
                        SendError::RateLimited {
                            retry_after: Some(d),
                            ..
                        } => d.as_millis() as i64,
                        _ => (1000i64 << (entry.attempts - 1).min(20)).min(MAX_BACKOFF_MS),
                    };
                    entry.due_ms = now + backoff;
                    next_due = Some(next_due.map_or(entry.due_ms, |d| d.min(entry.due_ms)));
                    tracing::warn!(who = %who, attempts = entry.attempts, error = %e, "sms send failed; will retry");
                    self.tree.insert(&key, entry.encode())?;
                    if let Ok(k) = <[u8; 8]>::try_from(key.as_ref()) {
                        self.schedule().insert(
                            u64::from_be_bytes(k),
                            Slot {
                                who: entry.who,
                                due_ms: entry.due_ms,
                            },
                        );
                    }
                    outcomes.push(Outcome::Retry);
                }
                Attempt::Failed(e) => {
                    tracing::warn!(who = %who, attempts = entry.attempts + 1, error = %e, "sms send failed for good");
                    self.remove(&key)?;
                    outcomes.push(Outcome::Failed(if e.is_retryable() {
                        "attempts"
                    } else {
                        "rejected"
                    }));
                }
            }
        }
        if changed {
            // What Twilio took is off the queue on disk before the next round, so a crash
            // repeats at most this round's texts (each under its idempotency key).
            self.durable.flush().await?;
        }
        // After a round that sent something, the next texts of the same people may be due now.
        let wait = if sent_any {
            Duration::ZERO
        } else {
            next_due.map_or(Duration::from_secs(5), |d| {
                Duration::from_millis(((d - now).max(0) as u64).min(5_000))
            })
        };
        if !wait.is_zero() {
            self.next_look_ms
                .store(now + wait.as_millis() as i64, Ordering::SeqCst);
        }
        Ok((outcomes, wait))
    }

    /// One send of one entry; what it means for the queue is decided by the caller.
    async fn attempt(&self, client: &TwilioClient, store: &dyn Store, entry: &Entry) -> Attempt {
        let who = Pseudonym(entry.who);
        if store.is_opted_out(&who).unwrap_or(true) {
            return Attempt::Drop("opted-out");
        }
        let (Ok(to), Ok(body)) = (
            self.sealer.open_str(&who, &entry.to),
            self.sealer.open_str(&who, &entry.body),
        ) else {
            return Attempt::Drop("sealed");
        };
        match client
            .send_keyed(&to, &body, &idempotency_key(&entry.body))
            .await
        {
            Ok(_) => Attempt::Sent,
            Err(SendError::OptedOut) => Attempt::OptedOut,
            Err(e) => Attempt::Failed(e),
        }
    }

    fn remove(&self, key: &[u8]) -> Result<(), OutboxError> {
        self.tree.remove(key)?;
        if let Ok(k) = <[u8; 8]>::try_from(key) {
            self.schedule().remove(&u64::from_be_bytes(k));
        }
        Ok(())
    }

    /// Wakes the worker (a new text was queued).
    pub fn wake(&self) -> Arc<tokio::sync::Notify> {
        self.wake.clone()
    }
}
