//! An in-memory session store, for tests and `haven chat --ephemeral`: gone when the process ends.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Mutex;

use super::{Loaded, Pseudonym, Store, StoreError};
use crate::engine::Session;

#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    sessions: HashMap<Pseudonym, (Session, i64)>,
    expiry: BTreeSet<(i64, Pseudonym)>,
    optouts: HashSet<Pseudonym>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves plain data behind; keep serving.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Store for MemoryStore {
    fn load(&self, who: &Pseudonym, now: i64) -> Result<Option<Loaded>, StoreError> {
        let g = self.lock();
        Ok(g.sessions
            .get(who)
            .filter(|(_, exp)| *exp > now)
            .map(|(s, exp)| Loaded {
                session: s.clone(),
                expires_at: *exp,
            }))
    }

    fn save(
        &self,
        who: &Pseudonym,
        session: &Session,
        expires_at: i64,
        _previous: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut g = self.lock();
        if let Some((_, old)) = g.sessions.insert(*who, (session.clone(), expires_at)) {
            g.expiry.remove(&(old, *who));
        }
        g.expiry.insert((expires_at, *who));
        Ok(())
    }

    fn delete(&self, who: &Pseudonym) -> Result<(), StoreError> {
        let mut g = self.lock();
        if let Some((_, old)) = g.sessions.remove(who) {
            g.expiry.remove(&(old, *who));
        }
        Ok(())
    }

    fn is_opted_out(&self, who: &Pseudonym) -> Result<bool, StoreError> {
        Ok(self.lock().optouts.contains(who))
    }

    fn set_opted_out(&self, who: &Pseudonym, opted_out: bool, _now: i64) -> Result<(), StoreError> {
        let mut g = self.lock();
        if opted_out {
            g.optouts.insert(*who);
        } else {
            g.optouts.remove(who);
        }
        Ok(())
    }

    fn purge_expired(&self, now: i64) -> Result<usize, StoreError> {
        let mut g = self.lock();
        let expired: Vec<(i64, Pseudonym)> = g
            .expiry
            .range(..(now + 1, Pseudonym([0; 16])))
            .copied()
            .collect();
        for (exp, who) in &expired {
            g.expiry.remove(&(*exp, *who));
            g.sessions.remove(who);
        }
        Ok(expired.len())
    }

    fn session_count(&self) -> Result<usize, StoreError> {
        Ok(self.lock().sessions.len())
    }

    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
