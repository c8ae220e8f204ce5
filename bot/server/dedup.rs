//! Answering a repeated delivery once: Twilio retries a webhook with the same `MessageSid`,
//! Telegram with the same `update_id`.
//!
//! Seen ids are kept in the sled tree `seen` for a day, as a hash (the id itself says nothing
//! about a person, but there is no reason to keep it verbatim). A delivery is claimed before it
//! is handled; if handling fails the claim is released so the sender's retry is handled.

use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct Dedup {
    tree: sled::Tree,
}

/// How long a delivery id is remembered.
pub const KEEP_SECS: i64 = 24 * 3600;

impl Dedup {
    pub fn new(db: &sled::Db) -> Result<Dedup, sled::Error> {
        Ok(Dedup {
            tree: db.open_tree("seen")?,
        })
    }

    fn key(id: &str) -> [u8; 16] {
        let h = Sha256::digest(id.as_bytes());
        let mut k = [0u8; 16];
        k.copy_from_slice(&h[..16]);
        k
    }

    /// Claims `id`; `false` if it was already claimed (a duplicate).
    pub fn claim(&self, id: &str, now: i64) -> Result<bool, sled::Error> {
        let r = self.tree.compare_and_swap(
            Self::key(id),
            None as Option<&[u8]>,
            Some(&now.to_be_bytes()[..]),
        )?;
        Ok(r.is_ok())
    }

    /// Releases a claim after handling failed.
    pub fn release(&self, id: &str) -> Result<(), sled::Error> {
        self.tree.remove(Self::key(id))?;
        Ok(())
    }

    /// Forgets ids older than `KEEP_SECS`.
    pub fn sweep(&self, now: i64) -> Result<usize, sled::Error> {
        let mut n = 0;
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
    fn claims_once_releases_and_sweeps() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let d = Dedup::new(&db).unwrap();
        assert!(d.claim("SM1", 10).unwrap());
        assert!(!d.claim("SM1", 11).unwrap());
        d.release("SM1").unwrap();
        assert!(d.claim("SM1", 12).unwrap());
        assert_eq!(d.sweep(12 + KEEP_SECS).unwrap(), 1);
        assert!(d.claim("SM1", 13).unwrap());
    }
}
