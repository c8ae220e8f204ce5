//! Answering a repeated delivery once: Twilio retries a webhook with the same `MessageSid`,
//! Telegram with the same `update_id`.
//!
//! A delivery is claimed in memory (a sharded map of id hashes) when it arrives, so a copy
//! arriving while it is handled is a duplicate at once. When its handling is [`Dedup::done`],
//! the claim joins a batch written to the sled tree `seen`, so a restart still knows the
//! deliveries of the last day. A compare-and-swap in sled for every webhook cost 40% of the
//! webhook's throughput (`haven bench http`), so claims are not written one by one: whoever
//! needs its claim on disk calls [`Dedup::make_durable`], which waits for the next group flush
//! (`store::GroupFlush`); each flush round first writes every finished claim (a hook this
//! module registers), then fsyncs once for every request waiting at the time. (Writing the
//! claims in each waiting request instead, as one `sled::Batch`, halved the throughput again:
//! a batch takes sled's global write lock. Measured at 64 connections, durable claims cost
//! about a tenth of the webhook throughput, and half at 8 connections, where each answer
//! waits for its own fsync.) A channel calls it after handling a delivery and before
//! answering (SMS: before the TwiML leaves; Telegram: before the replies are sent), so a
//! delivery that was answered is known after a crash and a retry of it is answered as a
//! duplicate. The background task still writes finished claims twice a second for deliveries
//! nobody waits on.
//!
//! The order is chosen for the person: a claim can reach the disk only *after* its delivery's
//! effects were written (a queued text, a ticket, the session), because it joins the batch only
//! when its handling is done; so a claim on disk means the effects are on disk too. A crash
//! before the claim is durable lets the sender's retry be handled again (a duplicate text
//! beats a lost one); a crash after it but before the answer leaves makes the retry a
//! duplicate, answered with nothing, which loses the first reply part of that one message (the
//! later parts are already queued). Ids are kept as hashes: there is no reason to keep them
//! verbatim. If handling fails the claim is released so the sender's retry is handled.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::store::{GroupFlush, StoreError};

/// How long a delivery id is remembered.
pub const KEEP_SECS: i64 = 24 * 3600;
const SHARDS: usize = 32;

type Key = [u8; 16];

pub struct Dedup {
    tree: sled::Tree,
    durable: GroupFlush,
    shards: Vec<Mutex<HashMap<Key, i64>>>,
    pending: Arc<Pending>,
}

/// Finished claims not yet written to sled. The lock is held while they are written, so a
/// caller who finds the list empty knows every claim finished before is in the tree.
type Pending = Mutex<Vec<(Key, i64)>>;

#[derive(Debug, thiserror::Error)]
pub enum DedupError {
    #[error("delivery ids: {0}")]
    Sled(#[from] sled::Error),
    #[error("delivery ids: {0}")]
    Flush(#[from] StoreError),
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Writes the finished claims to the tree. Plain inserts, not a `sled::Batch`: a batch takes
/// sled's global write lock, which every other write in the process then waits on.
fn write_pending(tree: &sled::Tree, pending: &Pending) -> Result<usize, sled::Error> {
    let mut pending = lock(pending);
    let n = pending.len();
    // Written under the lock: a concurrent caller waits here rather than flushing before its
    // claim, taken in this round, is in the tree. On failure the claims stay pending.
    for (k, at) in pending.iter() {
        tree.insert(k, &at.to_be_bytes())?;
    }
    pending.clear();
    Ok(n)
}

impl Dedup {
    /// Opens the tree and loads the ids seen in the last day.
    pub fn new(db: &sled::Db, durable: GroupFlush) -> Result<Dedup, sled::Error> {
        let tree = db.open_tree("seen")?;
        let pending: Arc<Pending> = Arc::default();
        {
            let (tree, pending) = (tree.clone(), pending.clone());
            durable.before_each_flush(move || {
                write_pending(&tree, &pending)
                    .map(drop)
                    .map_err(|e| format!("delivery ids: {e}"))
            });
        }
        let d = Dedup {
            durable,
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            pending,
            tree,
        };
        for item in d.tree.iter() {
            let (k, v) = item?;
            if let (Ok(key), Ok(at)) =
                (<Key>::try_from(k.as_ref()), <[u8; 8]>::try_from(v.as_ref()))
            {
                lock(d.shard(&key)).insert(key, i64::from_be_bytes(at));
            }
        }
        Ok(d)
    }

    fn key(id: &str) -> Key {
        let h = Sha256::digest(id.as_bytes());
        let mut k = [0u8; 16];
        k.copy_from_slice(&h[..16]);
        k
    }

    fn shard(&self, key: &Key) -> &Mutex<HashMap<Key, i64>> {
        &self.shards[key[0] as usize % SHARDS]
    }

    /// Claims `id`; `false` if it was already claimed (a duplicate).
    pub fn claim(&self, id: &str, now: i64) -> Result<bool, sled::Error> {
        let key = Self::key(id);
        {
            let mut shard = lock(self.shard(&key));
            if shard.contains_key(&key) {
                return Ok(false);
            }
            shard.insert(key, now);
        }
        Ok(true)
    }

    /// The delivery `id` was handled and its effects written: its claim may now go to disk
    /// (with the next batch; [`Dedup::make_durable`] to wait for it).
    pub fn done(&self, id: &str) {
        let key = Self::key(id);
        let at = lock(self.shard(&key)).get(&key).copied();
        if let Some(at) = at {
            lock(&self.pending).push((key, at));
        }
    }

    /// Releases a claim after handling failed.
    pub fn release(&self, id: &str) -> Result<(), sled::Error> {
        let key = Self::key(id);
        lock(self.shard(&key)).remove(&key);
        lock(&self.pending).retain(|(k, _)| *k != key);
        self.tree.remove(key)?;
        Ok(())
    }

    /// Writes pending claims to sled in one batch (the server calls this twice a second and at
    /// shutdown; [`Dedup::make_durable`] calls it before flushing). Returns how many.
    pub fn persist(&self) -> Result<usize, sled::Error> {
        write_pending(&self.tree, &self.pending)
    }

    /// Returns once every claim finished before the call is on disk (with everything else
    /// written before it): the next group flush writes the finished claims, then fsyncs.
    pub async fn make_durable(&self) -> Result<(), DedupError> {
        self.durable.flush().await?;
        Ok(())
    }

    /// Forgets ids older than `KEEP_SECS`, in memory and on disk.
    pub fn sweep(&self, now: i64) -> Result<usize, sled::Error> {
        let mut n = 0;
        for s in &self.shards {
            lock(s).retain(|_, at| *at + KEEP_SECS > now);
        }
        for item in self.tree.iter() {
            let (k, v) = item?;
            let at = v.as_ref().try_into().map(i64::from_be_bytes).unwrap_or(0);
            if at + KEEP_SECS <= now {
                self.tree.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_once_releases_sweeps_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        {
            let d = Dedup::new(&db, GroupFlush::new(&db)).unwrap();
            assert!(d.claim("SM1", 10).unwrap());
            assert!(!d.claim("SM1", 11).unwrap());
            d.release("SM1").unwrap();
            assert!(d.claim("SM1", 12).unwrap());
            assert!(d.claim("SM2", 13).unwrap());
            assert!(d.claim("SM3", 13).unwrap());
            d.done("SM1");
            d.done("SM2");
            assert_eq!(
                d.persist().unwrap(),
                2,
                "a claim still being handled is not written"
            );
        }
        // A new Dedup over the same tree is what a restarted server builds from disk.
        let d = Dedup::new(&db, GroupFlush::new(&db)).unwrap();
        assert!(
            !d.claim("SM1", 20).unwrap(),
            "a persisted claim is known after a restart"
        );
        assert!(
            d.claim("SM3", 20).unwrap(),
            "a claim never finished is forgotten by a restart"
        );
        assert_eq!(d.sweep(13 + KEEP_SECS).unwrap(), 2);
        assert!(
            d.claim("SM2", 14 + KEEP_SECS).unwrap(),
            "forgotten after a day"
        );
    }

    #[tokio::test]
    async fn a_flush_writes_finished_claims_and_only_those() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let d = Dedup::new(&db, GroupFlush::new(&db)).unwrap();
        assert!(d.claim("SM1", 1).unwrap());
        assert!(d.claim("SM2", 1).unwrap());
        d.done("SM1");
        d.make_durable().await.unwrap();
        assert!(d.tree.get(Dedup::key("SM1")).unwrap().is_some());
        assert!(
            d.tree.get(Dedup::key("SM2")).unwrap().is_none(),
            "a claim still being handled waits"
        );
        // Any round carries them, whoever asked for it (a ticket, a queued text): the server
        // shares one GroupFlush, and its clones share the hook.
        d.done("SM2");
        d.durable.clone().flush().await.unwrap();
        assert!(d.tree.get(Dedup::key("SM2")).unwrap().is_some());
    }
}
