//! What led to a handoff: a person's last few messages, in memory only, so that the ticket a
//! counselor opens shows them ("my friend overdosed last night…" before "can I talk to
//! someone") and its priority reflects them.
//!
//! Nothing here is written to disk. A person's recent messages are held for at most
//! [`KEEP_SECS`] (at most [`KEEP`] of them), taken out when a handoff opens (they then live only
//! in the ticket's sealed transcript, and are deleted with it), dropped on STOP, and swept
//! every minute. A restart forgets them all; the ticket then starts with the message that asked.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::flows::actions::handoff::Priority;
use crate::store::Pseudonym;

/// How many recent messages are kept per person.
pub const KEEP: usize = 3;
/// How long a message is kept for a handoff that may follow.
pub const KEEP_SECS: i64 = 15 * 60;
/// At most this many people's messages are held; the stalest go first beyond it.
pub const MAX_PEOPLE: usize = 20_000;

/// One recent message: what it said, what triage made of it, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lead {
    pub text: String,
    pub intent: String,
    pub at: i64,
}

#[derive(Default)]
pub struct Leads {
    map: Mutex<HashMap<Pseudonym, VecDeque<Lead>>>,
}

/// The priority a ticket should have given the intents that led to it: an overdose makes it
/// urgent, suicidal thoughts a crisis.
pub fn priority_of(intents: impl IntoIterator<Item = impl AsRef<str>>) -> Option<Priority> {
    intents
        .into_iter()
        .filter_map(|i| match i.as_ref() {
            "emergency" => Some(Priority::Urgent),
            "crisis" => Some(Priority::Crisis),
            _ => None,
        })
        .max()
}

impl Leads {
    /// Remembers a message that did not go to a counselor.
    pub fn record(&self, who: Pseudonym, text: &str, intent: &str, at: i64) {
        if text.trim().is_empty() {
            return;
        }
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_PEOPLE && !map.contains_key(&who) {
            evict_stalest(&mut map);
        }
        let q = map.entry(who).or_default();
        q.push_back(Lead {
            text: text.to_owned(),
            intent: intent.to_owned(),
            at,
        });
        while q.len() > KEEP {
            q.pop_front();
        }
    }

    /// Takes the person's recent messages (oldest first), which are then forgotten here.
    pub fn take(&self, who: &Pseudonym, now: i64) -> Vec<Lead> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(who)
            .map(|q| q.into_iter().filter(|l| now - l.at < KEEP_SECS).collect())
            .unwrap_or_default()
    }

    pub fn forget(&self, who: &Pseudonym) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(who);
    }

    /// Drops every message older than [`KEEP_SECS`].
    pub fn sweep(&self, now: i64) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, q| {
            q.retain(|l| now - l.at < KEEP_SECS);
            !q.is_empty()
        });
    }

    /// How many people's messages are held (tests).
    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Makes room by dropping the stalest eighth of the people held, in one pass. Dropping one
/// person per newcomer cost a scan of the whole map for every new sender once it was full,
/// which took about a third of `haven serve`'s CPU with many senders (ARCHITECTURE.md,
/// Performance); an eighth at a time makes that scan happen once per `MAX_PEOPLE / 8`
/// newcomers. What is dropped is only context for a handoff that may never come.
fn evict_stalest(map: &mut HashMap<Pseudonym, VecDeque<Lead>>) {
    let mut ages: Vec<(i64, Pseudonym)> = map
        .iter()
        .map(|(k, q)| (q.back().map_or(i64::MIN, |l| l.at), *k))
        .collect();
    if ages.is_empty() {
        return;
    }
    let n = (ages.len() / 8).max(1);
    ages.select_nth_unstable_by_key(n - 1, |(at, _)| *at);
    for (_, k) in &ages[..n] {
        map.remove(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_few_for_a_while_and_gives_them_once() {
        let l = Leads::default();
        let a = Pseudonym([1; 16]);
        for (i, t) in ["hi", "my friend overdosed last night", "2", "ok"]
            .iter()
            .enumerate()
        {
            l.record(
                a,
                t,
                if i == 1 { "emergency" } else { "other" },
                100 + i as i64,
            );
        }
        let got = l.take(&a, 200);
        assert_eq!(got.len(), KEEP);
        assert_eq!(got[0].text, "my friend overdosed last night");
        assert!(l.take(&a, 200).is_empty(), "taken once");
        assert_eq!(
            priority_of(got.iter().map(|g| g.intent.as_str())),
            Some(Priority::Urgent)
        );
        l.record(a, "hello", "greeting", 100);
        assert!(l.take(&a, 100 + KEEP_SECS).is_empty(), "too old");
        l.record(a, "hello", "greeting", 100);
        l.sweep(100 + KEEP_SECS);
        assert!(l.is_empty());
        assert_eq!(priority_of(["crisis", "human"]), Some(Priority::Crisis));
        assert_eq!(priority_of(["human"]), None);
    }

    #[test]
    fn when_full_the_stalest_make_room_and_the_newest_stay() {
        let l = Leads::default();
        let who = |i: usize| {
            let mut id = [0u8; 16];
            id[..8].copy_from_slice(&(i as u64).to_be_bytes());
            Pseudonym(id)
        };
        // Person i last wrote at time i, so the lowest numbers are the stalest.
        for i in 0..MAX_PEOPLE {
            l.record(who(i), "hi", "greeting", i as i64);
        }
        assert_eq!(l.len(), MAX_PEOPLE);
        let newcomer = who(MAX_PEOPLE);
        l.record(
            newcomer,
            "my friend is blue",
            "emergency",
            MAX_PEOPLE as i64,
        );
        assert_eq!(l.len(), MAX_PEOPLE - MAX_PEOPLE / 8 + 1);
        // Each is taken at the time it wrote, so none is too old to be given.
        let taken = |i: usize| l.take(&who(i), i as i64).len();
        assert_eq!(taken(0), 0, "the stalest went first");
        assert_eq!(taken(MAX_PEOPLE / 8 - 1), 0);
        assert_eq!(taken(MAX_PEOPLE / 8), 1, "the rest stay");
        assert_eq!(taken(MAX_PEOPLE - 1), 1);
        assert_eq!(
            l.take(&newcomer, MAX_PEOPLE as i64)[0].text,
            "my friend is blue"
        );
        // A person already held never evicts anyone.
        let before = l.len();
        l.record(
            who(MAX_PEOPLE - 2),
            "still here",
            "other",
            MAX_PEOPLE as i64,
        );
        assert_eq!(l.len(), before);
    }
}
