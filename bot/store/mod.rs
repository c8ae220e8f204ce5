//! Where sessions live between messages: a small trait, a sled store on disk and an in-memory
//! store for tests and `haven chat --ephemeral`.
//!
//! Keys are pseudonyms (never an address). Every session has an expiry; the expiry index lets
//! the sweeper purge expired sessions (really delete them, not hide them). The opt-out marker
//! is the only thing kept about a person after STOP, and it has no expiry.

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
    #[error("stored session is corrupt: {0}")]
    Corrupt(String),
    #[error("cannot open the data directory {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// A session as loaded, with the time it was due to expire.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub session: Session,
    pub expires_at: i64,
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
    /// How many sessions are stored (for tests and metrics).
    fn session_count(&self) -> Result<usize, StoreError>;
    /// Makes everything written so far durable.
    fn flush(&self) -> Result<(), StoreError>;
}
