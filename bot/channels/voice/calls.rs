//! What the voice channel remembers about calls in progress, in memory only: the TwiML it
//! answered each step with (so a repeated webhook gets the same answer, not a hung-up call), and
//! whether a counselor took the call (pressed 1 at the whisper), which tells a `<Dial>` that
//! ended from one that was never answered.
//!
//! A call is forgotten when its status callback says it ended, and in any case a few hours
//! after it began (Twilio ends calls after four hours). Nothing here is written to disk; the
//! answers hold only haven's own words.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Twilio's longest call is four hours; anything older is gone.
const KEEP: Duration = Duration::from_secs(5 * 3600);
/// Calls remembered at once; beyond this the oldest are forgotten first.
const MAX_CALLS: usize = 10_000;

#[derive(Default)]
struct Call {
    started: Option<Instant>,
    /// The answer given to each step (`2.0`, `dial.3.1`...).
    answers: HashMap<String, String>,
    /// A counselor pressed 1 at the whisper.
    accepted: bool,
}

/// The calls in progress.
#[derive(Default)]
pub struct Calls {
    calls: Mutex<HashMap<String, Call>>,
}

impl Calls {
    fn with<T>(&self, call_sid: &str, f: impl FnOnce(&mut Call) -> T) -> T {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        if !calls.contains_key(call_sid) {
            let now = Instant::now();
            calls.retain(|_, c| c.started.is_some_and(|s| now.duration_since(s) < KEEP));
            if calls.len() >= MAX_CALLS
                && let Some(oldest) = calls
                    .iter()
                    .min_by_key(|(_, c)| c.started)
                    .map(|(k, _)| k.clone())
            {
                calls.remove(&oldest);
            }
        }
        let call = calls.entry(call_sid.to_owned()).or_insert_with(|| Call {
            started: Some(Instant::now()),
            ..Call::default()
        });
        f(call)
    }

    /// Keeps the answer to a step, for a repeat of the same webhook.
    pub fn answered(&self, call_sid: &str, step: &str, twiml: &str) {
        self.with(call_sid, |c| {
            c.answers.insert(step.to_owned(), twiml.to_owned());
        });
    }

    /// The answer already given to a step.
    pub fn answer(&self, call_sid: &str, step: &str) -> Option<String> {
        let calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls.get(call_sid)?.answers.get(step).cloned()
    }

    /// A counselor took the call.
    pub fn accept(&self, call_sid: &str) {
        self.with(call_sid, |c| c.accepted = true);
    }

    /// Whether a counselor took the call; asking clears it, so the next dial starts afresh.
    pub fn take_accepted(&self, call_sid: &str) -> bool {
        self.with(call_sid, |c| std::mem::take(&mut c.accepted))
    }

    /// The call ended: forget it.
    pub fn forget(&self, call_sid: &str) {
        self.calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(call_sid);
    }

    /// Calls remembered now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_acceptance_and_forgetting() {
        let calls = Calls::default();
        assert_eq!(calls.answer("CA1", "1.0"), None);
        calls.answered("CA1", "1.0", "<Response/>");
        assert_eq!(calls.answer("CA1", "1.0").as_deref(), Some("<Response/>"));
        assert!(!calls.take_accepted("CA1"));
        calls.accept("CA1");
        assert!(calls.take_accepted("CA1"));
        assert!(!calls.take_accepted("CA1"), "taken once");
        calls.forget("CA1");
        assert!(calls.is_empty());
    }
}
