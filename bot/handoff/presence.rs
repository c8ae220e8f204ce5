//! Who is on shift: each counselor says *on shift* or *away* (in the console, or `/onshift` and
//! `/away` in the Telegram group), and "a counselor is available" follows from it.
//!
//! Kept in the sled tree `presence`, by counselor name (a staff name, never a person's), so a
//! restart does not send everyone off shift. A counselor who forgets to say *away* is counted
//! off shift once `shift_max` has passed since they went on shift (a closed laptop must not keep
//! people waiting for no one).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    on: bool,
    since: i64,
}

/// One counselor's presence, as surfaces show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnShift {
    pub name: String,
    /// Unix seconds when they went on shift.
    pub since: i64,
}

#[derive(Clone)]
pub struct Presence {
    tree: sled::Tree,
    max_secs: i64,
}

impl Presence {
    pub fn open(db: &sled::Db, max_secs: i64) -> Result<Presence, sled::Error> {
        Ok(Presence {
            tree: db.open_tree("presence")?,
            max_secs,
        })
    }

    /// Sets a counselor on shift (`true`) or away. Returns whether it changed.
    pub fn set(&self, name: &str, on: bool, now: i64) -> Result<bool, sled::Error> {
        let was = self.is_on(name, now)?;
        let e = Entry { on, since: now };
        self.tree.insert(
            name.as_bytes(),
            serde_json::to_vec(&e).expect("presence serializes"),
        )?;
        Ok(was != on)
    }

    fn entry(&self, name: &str) -> Result<Option<Entry>, sled::Error> {
        Ok(self
            .tree
            .get(name.as_bytes())?
            .and_then(|v| serde_json::from_slice(&v).ok()))
    }

    fn live(&self, e: &Entry, now: i64) -> bool {
        e.on && now - e.since < self.max_secs
    }

    pub fn is_on(&self, name: &str, now: i64) -> Result<bool, sled::Error> {
        Ok(self.entry(name)?.is_some_and(|e| self.live(&e, now)))
    }

    /// Everyone on shift now, by name.
    pub fn on_shift(&self, now: i64) -> Result<Vec<OnShift>, sled::Error> {
        let mut out = Vec::new();
        for item in self.tree.iter() {
            let (k, v) = item?;
            let Ok(e) = serde_json::from_slice::<Entry>(&v) else {
                continue;
            };
            if self.live(&e, now) {
                out.push(OnShift {
                    name: String::from_utf8_lossy(&k).into_owned(),
                    since: e.since,
                });
            }
        }
        Ok(out)
    }

    /// Forgets a counselor (their account was removed).
    pub fn forget(&self, name: &str) -> Result<(), sled::Error> {
        self.tree.remove(name.as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_shift_until_away_or_the_longest_shift() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let p = Presence::open(&db, 3600).unwrap();
        assert!(p.on_shift(0).unwrap().is_empty());
        assert!(p.set("maria", true, 100).unwrap());
        assert!(!p.set("maria", true, 150).unwrap(), "no change");
        p.set("@ben", true, 100).unwrap();
        p.set("ana", false, 100).unwrap();
        let names: Vec<String> = p
            .on_shift(200)
            .unwrap()
            .into_iter()
            .map(|o| o.name)
            .collect();
        assert_eq!(names, vec!["@ben".to_owned(), "maria".to_owned()]);
        p.set("maria", false, 300).unwrap();
        assert!(!p.is_on("maria", 301).unwrap());
        assert!(p.is_on("@ben", 3699).unwrap());
        assert!(!p.is_on("@ben", 3700).unwrap(), "a forgotten shift ends");
    }
}
