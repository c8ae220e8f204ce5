//! The session store on disk, in sled (0.34; see dependencies.md §3 for why that version).
//!
//! Trees: `sessions` (pseudonym → expiry + session JSON), `expiry` (big-endian expiry minute ++
//! pseudonym → nothing) and `optouts` (pseudonym → time of opt-out).
//!
//! The expiry index is keyed by the ten-minute slot a session expires in, not the second: a
//! conversation of several messages touches the index once, and saving a session never has to
//! read the old record first. Index entries are never updated in place; an entry whose session
//! has since moved its expiry forward (or was deleted) is stale, and the sweeper drops it when
//! its slot comes. So an index entry is always written before a session needs it and can never
//! be lost, and sessions are purged within ten minutes of expiring (`load` hides them at the
//! exact second). Opt-out markers are few and read on every message, so they are mirrored in
//! memory (sled allows one process per database, so the mirror cannot go stale). sled flushes every 500 ms by default, so a crash may lose the last half
//! second of session updates; sessions are small and rebuildable, which is why that is
//! accepted here (opt-outs and handoff tickets are flushed at once).

use std::collections::HashSet;
use std::path::Path;
use std::sync::RwLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use super::{Loaded, Pseudonym, Store, StoreError};
use crate::engine::Session;

pub struct SledStore {
    db: sled::Db,
    sessions: sled::Tree,
    expiry: sled::Tree,
    optouts: sled::Tree,
    optout_mirror: RwLock<HashSet<[u8; 16]>>,
    /// How many sessions the tree holds, kept beside it: sled's `len` walks every record,
    /// which took 1.6 s at a million sessions. Counted once at open, then kept by every insert
    /// and removal (sled says whether a key was there before).
    count: AtomicUsize,
}

#[derive(Deserialize)]
struct Stored {
    expires_at: i64,
    session: Session,
}

#[derive(Serialize)]
struct StoredRef<'a> {
    expires_at: i64,
    session: &'a Session,
}

impl SledStore {
    /// Opens (or creates) the database in `dir`.
    pub fn open(dir: &Path) -> Result<SledStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Open {
            path: dir.display().to_string(),
            error: source,
        })?;
        let config = sled::Config::new()
            .path(dir.join("db"))
            // sled's default cache is 1 GiB; sessions are tiny.
            .cache_capacity(64 << 20)
            .mode(sled::Mode::HighThroughput);
        // sled lets one process open a database. A process that just closed it may still hold
        // the lock for a moment (its flusher thread winds down), so a restart waits up to two
        // seconds before saying another haven is running.
        let mut waited = 0;
        let db = loop {
            match config.open() {
                Ok(db) => break db,
                Err(sled::Error::Io(e))
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.to_string().contains("could not acquire lock") =>
                {
                    if waited >= 20 {
                        return Err(StoreError::Locked(dir.display().to_string()));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    waited += 1;
                }
                Err(e) => return Err(e.into()),
            }
        };
        SledStore::from_db(db)
    }

    pub fn from_db(db: sled::Db) -> Result<SledStore, StoreError> {
        let optouts = db.open_tree("optouts")?;
        let mut mirror = HashSet::new();
        for item in optouts.iter() {
            let (k, _) = item?;
            if let Ok(id) = <[u8; 16]>::try_from(&k[..]) {
                mirror.insert(id);
            }
        }
        let sessions = db.open_tree("sessions")?;
        Ok(SledStore {
            count: AtomicUsize::new(sessions.len()),
            sessions,
            expiry: db.open_tree("expiry")?,
            optouts,
            optout_mirror: RwLock::new(mirror),
            db,
        })
    }

    /// The database, for other modules that keep their own trees (handoff, outbox).
    pub fn db(&self) -> &sled::Db {
        &self.db
    }

    /// Rebuilds the expiry index from the sessions (after a restore: the index in a backup
    /// was copied at another moment than the sessions). Returns how many sessions it indexes.
    pub fn reindex(&self) -> Result<usize, StoreError> {
        self.expiry.clear()?;
        let mut n = 0;
        for item in self.sessions.iter() {
            let (k, _) = item?;
            let Ok(id) = <[u8; 16]>::try_from(k.as_ref()) else {
                continue;
            };
            let who = Pseudonym(id);
            match self.read(&who) {
                Ok(Some(s)) => {
                    self.expiry.insert(expiry_key(s.expires_at, &who), &[])?;
                    n += 1;
                }
                // What cannot be read cannot expire: drop it, as `load` would.
                _ => {
                    self.remove(&k)?;
                }
            }
        }
        Ok(n)
    }

    /// Removes a session's record, keeping the count.
    fn remove(&self, key: &[u8]) -> Result<(), StoreError> {
        if self.sessions.remove(key)?.is_some() {
            self.count.fetch_sub(1, Ordering::Relaxed);
        }
        Ok(())
    }

    fn read(&self, who: &Pseudonym) -> Result<Option<Stored>, StoreError> {
        match self.sessions.get(who.0)? {
            None => Ok(None),
            Some(v) => serde_json::from_slice(&v)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(e.to_string())),
        }
    }
}

/// Width of an expiry index slot, in seconds.
pub const EXPIRY_SLOT_SECS: i64 = 600;

fn slot(at: i64) -> u64 {
    (at.max(0) as u64).div_ceil(EXPIRY_SLOT_SECS as u64)
}

/// The index key of a session expiring at `at`: the slot it expires in (rounded up), so the
/// entry is never due before the session is.
fn expiry_key(at: i64, who: &Pseudonym) -> [u8; 24] {
    let mut k = [0u8; 24];
    k[..8].copy_from_slice(&slot(at).to_be_bytes());
    k[8..].copy_from_slice(&who.0);
    k
}

impl Store for SledStore {
    fn load(&self, who: &Pseudonym, now: i64) -> Result<Option<Loaded>, StoreError> {
        match self.read(who) {
            Ok(Some(s)) if s.expires_at > now => Ok(Some(Loaded {
                session: s.session,
                expires_at: s.expires_at,
            })),
            Ok(_) => Ok(None),
            // A record that cannot be read is dropped rather than blocking the person forever.
            Err(StoreError::Corrupt(_)) => {
                self.remove(&who.0)?;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn save(
        &self,
        who: &Pseudonym,
        session: &Session,
        expires_at: i64,
        previous_expiry: Option<i64>,
    ) -> Result<(), StoreError> {
        let value = serde_json::to_vec(&StoredRef {
            expires_at,
            session,
        })
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // Index first: a crash between the two writes leaves a stale index entry (harmless),
        // never a session without one. A session that was loaded with an expiry in the same
        // slot already has its entry.
        if previous_expiry.map(slot) != Some(slot(expires_at)) {
            self.expiry.insert(expiry_key(expires_at, who), &[])?;
        }
        if self.sessions.insert(who.0, value)?.is_none() {
            self.count.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    fn delete(&self, who: &Pseudonym) -> Result<(), StoreError> {
        // Its index entries become stale and the sweeper drops them.
        self.remove(&who.0)
    }

    fn is_opted_out(&self, who: &Pseudonym) -> Result<bool, StoreError> {
        Ok(self
            .optout_mirror
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&who.0))
    }

    fn set_opted_out(&self, who: &Pseudonym, opted_out: bool, now: i64) -> Result<(), StoreError> {
        let mut mirror = self
            .optout_mirror
            .write()
            .unwrap_or_else(|e| e.into_inner());
        if opted_out {
            self.optouts.insert(who.0, &now.to_be_bytes())?;
            // Opt-outs are legal records: make them durable now, not in half a second.
            self.optouts.flush()?;
            mirror.insert(who.0);
        } else {
            self.optouts.remove(who.0)?;
            self.optouts.flush()?;
            mirror.remove(&who.0);
        }
        Ok(())
    }

    fn purge_expired(&self, now: i64) -> Result<usize, StoreError> {
        // Entries of slots that have fully passed: every session they name expired by `now`,
        // unless it has moved its expiry forward since (then a later entry names it too).
        let end = expiry_key(
            (now.max(0) / EXPIRY_SLOT_SECS) * EXPIRY_SLOT_SECS + 1,
            &Pseudonym([0; 16]),
        );
        let mut purged = 0;
        for item in self.expiry.range(..end) {
            let (key, _) = item?;
            let mut id = [0u8; 16];
            id.copy_from_slice(&key[8..24]);
            let who = Pseudonym(id);
            match self.read(&who) {
                Ok(Some(s)) if s.expires_at <= now => {
                    self.remove(&who.0)?;
                    purged += 1;
                }
                Err(StoreError::Corrupt(_)) => {
                    self.remove(&who.0)?;
                }
                _ => {}
            }
            self.expiry.remove(key)?;
        }
        Ok(purged)
    }

    fn session_count(&self) -> Result<usize, StoreError> {
        Ok(self.count.load(Ordering::Relaxed))
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    fn exercise(store: &dyn Store) {
        let a = Pseudonym([1; 16]);
        let b = Pseudonym([2; 16]);
        let s = Session {
            flow: Some("services".into()),
            step: Some("ask-where".into()),
            ..Session::default()
        };
        store.save(&a, &s, 1000, None).unwrap();
        store.save(&b, &s, 2000, None).unwrap();
        let loaded = store.load(&a, 50).unwrap().expect("a is stored");
        assert_eq!((&loaded.session, loaded.expires_at), (&s, 1000));
        assert_eq!(
            store.load(&a, 1000).unwrap(),
            None,
            "expired sessions are not returned"
        );
        // Moving the expiry forward leaves a stale index entry that the sweeper ignores.
        store.save(&a, &s, 3000, Some(1000)).unwrap();
        assert_eq!(
            store.purge_expired(2500).unwrap(),
            1,
            "only b expired by 2500"
        );
        assert_eq!(store.session_count().unwrap(), 1);
        assert!(store.load(&a, 2500).unwrap().is_some());
        assert_eq!(store.purge_expired(3000).unwrap(), 1);
        assert_eq!(store.session_count().unwrap(), 0);
        // Purged at the latest one index slot after expiring.
        store.save(&b, &s, 4210, None).unwrap();
        store.purge_expired(4210 + EXPIRY_SLOT_SECS).unwrap();
        assert_eq!(store.session_count().unwrap(), 0);
        store.set_opted_out(&a, true, 1).unwrap();
        assert!(store.is_opted_out(&a).unwrap());
        assert!(!store.is_opted_out(&b).unwrap());
        store.set_opted_out(&a, false, 2).unwrap();
        assert!(!store.is_opted_out(&a).unwrap());
        store.save(&a, &s, 5000, None).unwrap();
        store.delete(&a).unwrap();
        assert_eq!(store.load(&a, 0).unwrap(), None);
        assert_eq!(store.purge_expired(i64::MAX - 1).unwrap(), 0);
    }

    #[test]
    fn sled_and_memory_stores_agree() {
        let dir = tempfile::tempdir().unwrap();
        let sled = SledStore::open(dir.path()).unwrap();
        exercise(&sled);
        assert_eq!(
            sled.expiry.len(),
            0,
            "no stale index entries left once everything expired"
        );
        exercise(&MemoryStore::new());
    }

    #[test]
    fn reindexing_gives_every_session_its_expiry_entry() {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open(dir.path()).unwrap();
        let s = Session::default();
        store.save(&Pseudonym([1; 16]), &s, 1000, None).unwrap();
        store.save(&Pseudonym([2; 16]), &s, 5000, None).unwrap();
        // A backup copied at another moment: the index lost one entry and kept a stale one.
        store.expiry.clear().unwrap();
        store
            .expiry
            .insert(expiry_key(10, &Pseudonym([3; 16])), &[])
            .unwrap();
        assert_eq!(store.reindex().unwrap(), 2);
        assert_eq!(store.expiry.len(), 2);
        // Each is purged once its slot has passed, as if it had never left the index.
        assert_eq!(store.purge_expired(1000 + EXPIRY_SLOT_SECS).unwrap(), 1);
        assert_eq!(store.purge_expired(5000 + EXPIRY_SLOT_SECS).unwrap(), 1);
        assert_eq!(store.session_count().unwrap(), 0);
    }

    #[test]
    fn the_kept_count_is_what_the_tree_holds() {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open(dir.path()).unwrap();
        let s = Session::default();
        for i in 0..50u8 {
            store
                .save(&Pseudonym([i; 16]), &s, 1000 + i as i64, None)
                .unwrap();
        }
        // Saving again, deleting twice, deleting what was never there.
        store
            .save(&Pseudonym([3; 16]), &s, 5000, Some(1003))
            .unwrap();
        store.delete(&Pseudonym([4; 16])).unwrap();
        store.delete(&Pseudonym([4; 16])).unwrap();
        store.delete(&Pseudonym([200; 16])).unwrap();
        assert_eq!(store.session_count().unwrap(), 49);
        assert_eq!(store.session_count().unwrap(), store.sessions.len());
        store.purge_expired(1020 + EXPIRY_SLOT_SECS).unwrap();
        assert_eq!(store.session_count().unwrap(), store.sessions.len());
        assert_eq!(
            store.session_count().unwrap(),
            1,
            "only the one saved until 5000"
        );
    }

    #[test]
    fn sessions_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let a = Pseudonym([7; 16]);
        {
            let s = SledStore::open(dir.path()).unwrap();
            s.save(&a, &Session::default(), 1000, None).unwrap();
            s.set_opted_out(&Pseudonym([8; 16]), true, 5).unwrap();
            s.flush().unwrap();
        }
        let s = SledStore::open(dir.path()).unwrap();
        assert!(s.load(&a, 10).unwrap().is_some());
        assert_eq!(s.session_count().unwrap(), 1, "counted again at open");
        assert!(
            s.is_opted_out(&Pseudonym([8; 16])).unwrap(),
            "opt-outs are reloaded into the mirror"
        );
    }
}
