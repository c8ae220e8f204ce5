//! The session store on disk, in sled (0.34; see dependencies.md §3 for why that version).
//!
//! Trees: `sessions` (pseudonym → expiry + session JSON), `expiry` (big-endian expiry time ++
//! pseudonym → nothing) and `optouts` (pseudonym → time of opt-out). Writes are ordered so a
//! crash between them never loses an expiry entry: the new index entry is written before the
//! session, the old one removed after, and the sweeper ignores index entries that no longer
//! match their session. sled flushes every 500 ms by default, so a crash may lose the last
//! half second of session updates; sessions are small and rebuildable, which is why that is
//! accepted here (handoff tickets flush at once, see `handoff`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Pseudonym, Store, StoreError};
use crate::engine::Session;

pub struct SledStore {
    db: sled::Db,
    sessions: sled::Tree,
    expiry: sled::Tree,
    optouts: sled::Tree,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    expires_at: i64,
    session: Session,
}

impl SledStore {
    /// Opens (or creates) the database in `dir`.
    pub fn open(dir: &Path) -> Result<SledStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Open {
            path: dir.display().to_string(),
            source,
        })?;
        let db = sled::Config::new()
            .path(dir.join("db"))
            // sled's default cache is 1 GiB; sessions are tiny.
            .cache_capacity(64 << 20)
            .open()?;
        SledStore::from_db(db)
    }

    pub fn from_db(db: sled::Db) -> Result<SledStore, StoreError> {
        Ok(SledStore {
            sessions: db.open_tree("sessions")?,
            expiry: db.open_tree("expiry")?,
            optouts: db.open_tree("optouts")?,
            db,
        })
    }

    /// The database, for other modules that keep their own trees (handoff, outbox).
    pub fn db(&self) -> &sled::Db {
        &self.db
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

fn expiry_key(at: i64, who: &Pseudonym) -> [u8; 24] {
    let mut k = [0u8; 24];
    k[..8].copy_from_slice(&(at.max(0) as u64).to_be_bytes());
    k[8..].copy_from_slice(&who.0);
    k
}

impl Store for SledStore {
    fn load(&self, who: &Pseudonym, now: i64) -> Result<Option<Session>, StoreError> {
        match self.read(who) {
            Ok(Some(s)) if s.expires_at > now => Ok(Some(s.session)),
            Ok(_) => Ok(None),
            // A record that cannot be read is dropped rather than blocking the person forever.
            Err(StoreError::Corrupt(_)) => {
                self.sessions.remove(who.0)?;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn save(&self, who: &Pseudonym, session: &Session, expires_at: i64) -> Result<(), StoreError> {
        let old = self.read(who).ok().flatten().map(|s| s.expires_at);
        let value = serde_json::to_vec(&Stored {
            expires_at,
            session: session.clone(),
        })
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if old != Some(expires_at) {
            self.expiry.insert(expiry_key(expires_at, who), &[])?;
        }
        self.sessions.insert(who.0, value)?;
        if let Some(old) = old.filter(|&o| o != expires_at) {
            self.expiry.remove(expiry_key(old, who))?;
        }
        Ok(())
    }

    fn delete(&self, who: &Pseudonym) -> Result<(), StoreError> {
        if let Some(old) = self.read(who).ok().flatten() {
            self.expiry.remove(expiry_key(old.expires_at, who))?;
        }
        self.sessions.remove(who.0)?;
        Ok(())
    }

    fn is_opted_out(&self, who: &Pseudonym) -> Result<bool, StoreError> {
        Ok(self.optouts.contains_key(who.0)?)
    }

    fn set_opted_out(&self, who: &Pseudonym, opted_out: bool, now: i64) -> Result<(), StoreError> {
        if opted_out {
            self.optouts.insert(who.0, &now.to_be_bytes())?;
            // Opt-outs are legal records: make them durable now, not in half a second.
            self.optouts.flush()?;
        } else {
            self.optouts.remove(who.0)?;
        }
        Ok(())
    }

    fn purge_expired(&self, now: i64) -> Result<usize, StoreError> {
        let end = expiry_key(now.saturating_add(1), &Pseudonym([0; 16]));
        let mut purged = 0;
        for item in self.expiry.range(..end) {
            let (key, _) = item?;
            let mut id = [0u8; 16];
            id.copy_from_slice(&key[8..24]);
            let who = Pseudonym(id);
            let at = i64::from_be_bytes(key[..8].try_into().expect("8 bytes"));
            // Delete the session only if this index entry is its current expiry.
            match self.read(&who) {
                Ok(Some(s)) if s.expires_at == at => {
                    self.sessions.remove(who.0)?;
                    purged += 1;
                }
                Err(StoreError::Corrupt(_)) => {
                    self.sessions.remove(who.0)?;
                }
                _ => {}
            }
            self.expiry.remove(key)?;
        }
        Ok(purged)
    }

    fn session_count(&self) -> Result<usize, StoreError> {
        Ok(self.sessions.len())
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
        store.save(&a, &s, 100).unwrap();
        store.save(&b, &s, 200).unwrap();
        assert_eq!(store.load(&a, 50).unwrap().as_ref(), Some(&s));
        assert_eq!(
            store.load(&a, 100).unwrap(),
            None,
            "expired sessions are not returned"
        );
        // Moving the expiry forward keeps a single index entry.
        store.save(&a, &s, 300).unwrap();
        assert_eq!(
            store.purge_expired(250).unwrap(),
            1,
            "only b expired by 250"
        );
        assert_eq!(store.session_count().unwrap(), 1);
        assert!(store.load(&a, 250).unwrap().is_some());
        assert_eq!(store.purge_expired(300).unwrap(), 1);
        assert_eq!(store.session_count().unwrap(), 0);
        store.set_opted_out(&a, true, 1).unwrap();
        assert!(store.is_opted_out(&a).unwrap());
        assert!(!store.is_opted_out(&b).unwrap());
        store.set_opted_out(&a, false, 2).unwrap();
        assert!(!store.is_opted_out(&a).unwrap());
        store.save(&a, &s, 400).unwrap();
        store.delete(&a).unwrap();
        assert_eq!(store.load(&a, 0).unwrap(), None);
        assert_eq!(store.purge_expired(i64::MAX - 1).unwrap(), 0);
    }

    #[test]
    fn sled_and_memory_stores_agree() {
        let dir = tempfile::tempdir().unwrap();
        let sled = SledStore::open(dir.path()).unwrap();
        exercise(&sled);
        assert_eq!(sled.expiry.len(), 0, "no stale index entries left");
        exercise(&MemoryStore::new());
    }

    #[test]
    fn sessions_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let a = Pseudonym([7; 16]);
        {
            let s = SledStore::open(dir.path()).unwrap();
            s.save(&a, &Session::default(), 1000).unwrap();
            s.flush().unwrap();
        }
        let s = SledStore::open(dir.path()).unwrap();
        assert!(s.load(&a, 10).unwrap().is_some());
    }
}
