//! Where sessions live between messages: a small trait, a sled store on disk and an in-memory
//! store for tests and `haven chat --ephemeral`.
//!
//! Keys are pseudonyms (never an address). Every session has an expiry; the expiry index lets
//! the sweeper purge expired sessions (really delete them, not hide them). The opt-out marker
//! is the only thing kept about a person after STOP, and it has no expiry.

pub mod backup;
pub mod memory;
pub mod pseudonym;
pub mod sealed;
pub mod sled_store;

use crate::engine::Session;
pub use memory::MemoryStore;
pub use pseudonym::{Keys, Pseudonym};
pub use sealed::{SealError, Sealer};
pub use sled_store::SledStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sled(#[from] sled::Error),
    #[error(
        "the data directory {0} is in use by another haven process (is `haven serve` running?). Stop it, point HAVEN_DATA elsewhere, or use `haven chat --ephemeral`"
    )]
    Locked(String),
    #[error("stored session is corrupt: {0}")]
    Corrupt(String),
    #[error("flushing the database failed: {0}")]
    Flush(String),
    #[error("cannot open the data directory {path}: {error}")]
    Open { path: String, error: std::io::Error },
}

/// A stored key and value, raw, for tests that read every byte a tree holds.
pub type RawEntry = (Vec<u8>, Vec<u8>);

/// A session as loaded, with the time it was due to expire.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub session: Session,
    pub expires_at: i64,
}

/// Group commit for sled: callers that need their writes on disk before answering (a new
/// ticket, a queued SMS) wait for the next flush, and one fsync serves everyone who asked while
/// the previous one ran. sled's own `flush_async` was seen to stall for seconds with 64 callers
/// at once (`haven bench http`); one fsync per caller cut throughput twentyfold.
///
/// Work that must reach the disk with every flush but is kept in memory until then (delivery
/// ids, `messaging::dedup`) registers a hook with [`GroupFlush::before_each_flush`]: each round
/// runs the hooks, then flushes, so whoever waits on a round has what the hooks wrote on disk.
/// A failing hook fails the round for everyone waiting on it.
#[derive(Clone)]
pub struct GroupFlush {
    db: sled::Db,
    tx: std::sync::Arc<std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<FlushRequest>>>,
    hooks: Hooks,
}

type Hooks = std::sync::Arc<std::sync::RwLock<Vec<Hook>>>;
type Hook = Box<dyn Fn() -> Result<(), String> + Send + Sync>;

/// Runs the hooks, then flushes: one round.
fn round(db: &sled::Db, hooks: &Hooks) -> Result<(), String> {
    for hook in hooks.read().unwrap_or_else(|e| e.into_inner()).iter() {
        hook()?;
    }
    db.flush().map(drop).map_err(|e| e.to_string())
}

/// A wait for the next flush. The database and the hooks (which hold trees) travel with the
/// request so the flusher task never keeps the database open by itself (a stopped server must
/// release sled's lock at once).
type FlushRequest = (
    sled::Db,
    Hooks,
    tokio::sync::oneshot::Sender<Result<(), String>>,
);

impl GroupFlush {
    pub fn new(db: &sled::Db) -> GroupFlush {
        GroupFlush {
            db: db.clone(),
            tx: Default::default(),
            hooks: Default::default(),
        }
    }

    /// Runs `hook` at the start of every flush round, before the fsync.
    pub fn before_each_flush(&self, hook: impl Fn() -> Result<(), String> + Send + Sync + 'static) {
        self.hooks
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push(Box::new(hook));
    }

    /// Returns once everything written before the call is durable.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let tx = self.tx.get_or_init(|| {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<FlushRequest>();
            tokio::spawn(async move {
                while let Some((db, hooks, first)) = rx.recv().await {
                    let mut waiters = vec![first];
                    while let Ok((_, _, w)) = rx.try_recv() {
                        waiters.push(w);
                    }
                    let r = match tokio::task::spawn_blocking(move || round(&db, &hooks)).await {
                        Ok(r) => r,
                        Err(_) => Err("flush task failed".to_owned()),
                    };
                    for w in waiters {
                        let _ = w.send(r.clone());
                    }
                }
            });
            tx
        });
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        if tx
            .send((self.db.clone(), self.hooks.clone(), done_tx))
            .is_err()
        {
            // The flusher is gone (runtime shutting down): flush here instead.
            return round(&self.db, &self.hooks).map_err(StoreError::Flush);
        }
        match done_rx.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(StoreError::Flush(e)),
            Err(_) => round(&self.db, &self.hooks).map_err(StoreError::Flush),
        }
    }
}

/// Flushes `db` on a blocking thread (shutdown, rare paths).
pub async fn flush_blocking(db: &sled::Db) -> Result<(), sled::Error> {
    let db = db.clone();
    match tokio::task::spawn_blocking(move || db.flush()).await {
        Ok(r) => r.map(|_| ()),
        Err(_) => Err(sled::Error::ReportableBug("flush task panicked".into())),
    }
}

/// A session store. Implementations must be safe to share between tasks.
pub trait Store: Send + Sync {
    /// The session of `who`, or `None` when there is none or it expired at or before `now`.
    fn load(&self, who: &Pseudonym, now: i64) -> Result<Option<Loaded>, StoreError>;
    /// Saves the session, to expire at `expires_at` (unix seconds). `previous_expiry` is the
    /// `expires_at` the session was loaded with, if any: it lets the store skip index work.
    fn save(
        &self,
        who: &Pseudonym,
        session: &Session,
        expires_at: i64,
        previous_expiry: Option<i64>,
    ) -> Result<(), StoreError>;
    /// Deletes the session of `who` (not the opt-out marker).
    fn delete(&self, who: &Pseudonym) -> Result<(), StoreError>;
    fn is_opted_out(&self, who: &Pseudonym) -> Result<bool, StoreError>;
    fn set_opted_out(&self, who: &Pseudonym, opted_out: bool, now: i64) -> Result<(), StoreError>;
    /// Deletes every session that expired at or before `now`; returns how many.
    fn purge_expired(&self, now: i64) -> Result<usize, StoreError>;
    /// How many sessions are stored (for tests and metrics). Cheap: `/metrics` calls it on
    /// every scrape, so a store keeps the count rather than walking its sessions.
    fn session_count(&self) -> Result<usize, StoreError>;
    /// Makes everything written so far durable.
    fn flush(&self) -> Result<(), StoreError>;
}
