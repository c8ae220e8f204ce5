//! The audit log: who claimed, released, transferred, reassigned, noted and closed which ticket,
//! and who went on shift or away. Ticket numbers and counselor names only — never a person's
//! pseudonym, address or words, and never a note's text.
//!
//! Kept in the sled tree `audit`, keyed by time (big-endian) and a sequence number, for
//! `audit_days` (90 by default); the sweeper deletes older entries. The time is kept to the
//! minute: enough to answer "who had #12 on Tuesday afternoon", no finer.

use serde::{Deserialize, Serialize};

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Claimed,
    Released,
    /// Handed to another counselor by the one who had it (`other` is the new one).
    Transferred,
    /// Moved by a supervisor (`other` is the new counselor, or none: back to the queue).
    Reassigned,
    NoteAdded,
    /// Closed with an outcome (`other` is the outcome tag).
    Closed,
    OnShift,
    Away,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Claimed => "claimed",
            Action::Released => "released",
            Action::Transferred => "transferred",
            Action::Reassigned => "reassigned",
            Action::NoteAdded => "note added",
            Action::Closed => "closed",
            Action::OnShift => "on shift",
            Action::Away => "away",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Unix seconds, rounded down to the minute.
    pub at: i64,
    /// The counselor who acted.
    pub by: String,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<u64>,
    /// The other counselor (transfer, reassign) or the outcome tag (close).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
}

#[derive(Clone)]
pub struct Audit {
    db: sled::Db,
    tree: sled::Tree,
    keep_secs: i64,
}

impl Audit {
    pub fn open(db: &sled::Db, keep_secs: i64) -> Result<Audit, sled::Error> {
        Ok(Audit {
            db: db.clone(),
            tree: db.open_tree("audit")?,
            keep_secs,
        })
    }

    /// Writes an entry; a failure is logged (the action itself has happened).
    pub fn record(
        &self,
        now: i64,
        by: &str,
        action: Action,
        ticket: Option<u64>,
        other: Option<&str>,
    ) {
        let at = now - now.rem_euclid(60);
        let e = Entry {
            at,
            by: by.to_owned(),
            action,
            ticket,
            other: other.map(str::to_owned),
        };
        let r = self.db.generate_id().and_then(|seq| {
            let mut key = at.to_be_bytes().to_vec();
            key.extend_from_slice(&seq.to_be_bytes());
            self.tree
                .insert(key, serde_json::to_vec(&e).expect("audit entry serializes"))
                .map(|_| ())
        });
        if let Err(e) = r {
            tracing::error!(error = %e, "audit entry not written");
        }
    }

    /// The newest `limit` entries, newest first.
    pub fn recent(&self, limit: usize) -> Result<Vec<Entry>, sled::Error> {
        let mut out = Vec::new();
        for item in self.tree.iter().rev().take(limit) {
            let (_, v) = item?;
            if let Ok(e) = serde_json::from_slice(&v) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Deletes entries older than the retention. Returns how many.
    pub fn sweep(&self, now: i64) -> Result<usize, sled::Error> {
        let cutoff = (now - self.keep_secs).to_be_bytes();
        let mut n = 0;
        for item in self.tree.range(..cutoff.to_vec()) {
            let (k, _) = item?;
            self.tree.remove(k)?;
            n += 1;
        }
        Ok(n)
    }

    /// Every stored key and value, raw (the privacy tests read them all).
    pub fn raw(&self) -> Result<Vec<crate::store::RawEntry>, sled::Error> {
        self.tree
            .iter()
            .map(|r| r.map(|(k, v)| (k.to_vec(), v.to_vec())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_to_the_minute_and_swept() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let a = Audit::open(&db, 1000).unwrap();
        a.record(119, "maria", Action::Claimed, Some(3), None);
        a.record(200, "ben", Action::Closed, Some(3), Some("resolved"));
        let r = a.recent(10).unwrap();
        assert_eq!(r[0].by, "ben");
        assert_eq!(r[1].at, 60, "to the minute");
        assert_eq!(a.sweep(1100).unwrap(), 1);
        assert_eq!(a.recent(10).unwrap().len(), 1);
    }
}
