//! The per-person rate limit: a flood from one person gets one polite notice and is then
//! dropped, without slowing anyone else down.
//!
//! A fixed window per pseudonym (default 20 messages a minute, `HAVEN_RATE_LIMIT`). The map is
//! sharded so one busy person's lock never blocks the others, and old windows are swept.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::store::Pseudonym;

const SHARDS: usize = 64;
const WINDOW_SECS: i64 = 60;

pub struct RateLimiter {
    per_window: u32,
    shards: Vec<Mutex<HashMap<Pseudonym, (i64, u32)>>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// The first message over the limit in this window: tell the person once.
    Notify,
    /// Over the limit and already told.
    Drop,
}

impl RateLimiter {
    pub fn new(per_window: u32) -> RateLimiter {
        RateLimiter {
            per_window,
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    pub fn check(&self, who: &Pseudonym, now: i64) -> Verdict {
        let window = now.div_euclid(WINDOW_SECS);
        let mut shard = self.shards[who.0[1] as usize % SHARDS]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let entry = shard.entry(*who).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if entry.1 <= self.per_window {
            Verdict::Allow
        } else if entry.1 == self.per_window + 1 {
            Verdict::Notify
        } else {
            Verdict::Drop
        }
    }

    /// Forgets windows that have passed (called by the sweeper).
    pub fn sweep(&self, now: i64) {
        let window = now.div_euclid(WINDOW_SECS);
        for s in &self.shards {
            s.lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|_, (w, _)| *w == window);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifies_once_then_drops_and_resets_each_minute() {
        let r = RateLimiter::new(3);
        let a = Pseudonym([1; 16]);
        let b = Pseudonym([2; 16]);
        let v: Vec<Verdict> = (0..6).map(|_| r.check(&a, 60)).collect();
        assert_eq!(
            v,
            [
                Verdict::Allow,
                Verdict::Allow,
                Verdict::Allow,
                Verdict::Notify,
                Verdict::Drop,
                Verdict::Drop
            ]
        );
        assert_eq!(r.check(&b, 61), Verdict::Allow, "others are not affected");
        assert_eq!(
            r.check(&a, 120),
            Verdict::Allow,
            "a new minute starts afresh"
        );
        r.sweep(1000);
        assert_eq!(r.check(&a, 1000), Verdict::Allow);
    }
}
