//! Per-visitor mailboxes: texts sent to a web visitor later, outside a request of theirs (a
//! counselor's reply after a handoff).
//!
//! A push goes straight to the visitor's open pages when one listens on `/chat/events`; with
//! nobody listening it waits in memory until the visitor's next page load or post (the no-JS
//! path). Waiting texts are never written to disk, are capped per visitor, and are dropped as
//! soon as they are shown, when the visitor exits, or when the session ends (the sweeper).
//! Mailboxes are keyed by pseudonym, so this module never holds the visitor's cookie id.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::broadcast;

use crate::engine::{Channel, Reply};
use crate::store::{Keys, Pseudonym};

/// Texts kept for one visitor who is not connected; older ones are dropped past this.
pub const MAX_PENDING: usize = 50;
/// Pushes buffered per live connection before a slow one starts losing them.
const LIVE_BUFFER: usize = 32;

/// What happened to a push.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Sent to at least one open page.
    Live,
    /// Nobody is listening; kept until the visitor's next page load.
    Queued,
    /// Nothing to send.
    Empty,
}

#[derive(Default)]
struct Mailbox {
    pending: Vec<Reply>,
    /// Unix seconds of the oldest pending text.
    since: i64,
    live: Option<broadcast::Sender<Vec<Reply>>>,
}

impl Mailbox {
    fn listeners(&self) -> usize {
        self.live.as_ref().map_or(0, |l| l.receiver_count())
    }
}

/// A visitor's live feed: what was waiting, then everything pushed while it is open. (When it
/// must end, on shutdown, is the stream's permit's business: `messaging::LiveStreams`.)
pub struct Subscription {
    pub waiting: Vec<Reply>,
    pub live: broadcast::Receiver<Vec<Reply>>,
}

pub struct Mailboxes {
    keys: Keys,
    ttl_secs: i64,
    boxes: Mutex<HashMap<Pseudonym, Mailbox>>,
}

impl std::fmt::Debug for Mailboxes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailboxes")
            .field("boxes", &self.len())
            .finish_non_exhaustive()
    }
}

impl Mailboxes {
    pub fn new(keys: Keys, ttl_secs: i64) -> Mailboxes {
        Mailboxes {
            keys,
            ttl_secs,
            boxes: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Pseudonym, Mailbox>> {
        self.boxes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends `replies` to the web visitor whose address (session id) is `address`.
    pub fn push(&self, address: &str, replies: &[Reply]) -> Delivery {
        self.push_to(&self.keys.pseudonym(Channel::Web, address), replies)
    }

    /// Sends `replies` to the web visitor known by pseudonym `who`.
    pub fn push_to(&self, who: &Pseudonym, replies: &[Reply]) -> Delivery {
        self.push_at(who, replies, crate::runtime::now())
    }

    fn push_at(&self, who: &Pseudonym, replies: &[Reply], now: i64) -> Delivery {
        if replies.is_empty() {
            return Delivery::Empty;
        }
        let mut boxes = self.lock();
        let mailbox = boxes.entry(*who).or_default();
        if mailbox.listeners() > 0
            && let Some(live) = &mailbox.live
            && live.send(replies.to_vec()).is_ok()
        {
            return Delivery::Live;
        }
        if mailbox.pending.is_empty() {
            mailbox.since = now;
        }
        mailbox.pending.extend_from_slice(replies);
        let excess = mailbox.pending.len().saturating_sub(MAX_PENDING);
        mailbox.pending.drain(..excess);
        Delivery::Queued
    }

    /// Takes what is waiting for `who` (to show it on a page being rendered).
    pub fn take(&self, who: &Pseudonym) -> Vec<Reply> {
        let mut boxes = self.lock();
        let Some(mailbox) = boxes.get_mut(who) else {
            return Vec::new();
        };
        let waiting = std::mem::take(&mut mailbox.pending);
        if mailbox.listeners() == 0 {
            boxes.remove(who);
        }
        waiting
    }

    /// Opens a live feed for `who`; what was waiting comes with it, so nothing falls between.
    pub fn subscribe(&self, who: &Pseudonym) -> Subscription {
        let mut boxes = self.lock();
        let mailbox = boxes.entry(*who).or_default();
        let live = mailbox
            .live
            .get_or_insert_with(|| broadcast::channel(LIVE_BUFFER).0)
            .subscribe();
        Subscription {
            waiting: std::mem::take(&mut mailbox.pending),
            live,
        }
    }

    /// Whether a page of `who`'s is listening now (a push would arrive live).
    pub fn is_listening(&self, who: &Pseudonym) -> bool {
        self.lock().get(who).is_some_and(|m| m.listeners() > 0)
    }

    /// Forgets `who`'s mailbox (the visitor exited or stopped); open feeds end.
    pub fn remove(&self, who: &Pseudonym) {
        self.lock().remove(who);
    }

    /// Drops mailboxes nobody listens to whose session has ended (`alive` says whether a
    /// session is still stored) or whose texts have waited longer than a session lives.
    pub fn sweep(&self, now: i64, alive: impl Fn(&Pseudonym) -> bool) {
        self.lock().retain(|who, m| {
            m.listeners() > 0
                || (!m.pending.is_empty() && now - m.since <= self.ttl_secs && alive(who))
        });
    }

    /// How many mailboxes exist (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxes() -> Mailboxes {
        Mailboxes::new(Keys::from_secret(b"0123456789abcdef0123").unwrap(), 100)
    }

    #[test]
    fn pushes_wait_until_taken_and_are_then_gone() {
        let m = boxes();
        let who = m.keys.pseudonym(Channel::Web, "abc");
        assert_eq!(m.push("abc", &[]), Delivery::Empty);
        assert_eq!(m.push("abc", &[Reply::text("hello")]), Delivery::Queued);
        assert_eq!(m.take(&who), vec![Reply::text("hello")]);
        assert!(m.take(&who).is_empty());
        assert!(m.is_empty(), "a taken mailbox is dropped");
    }

    #[test]
    fn pending_texts_are_capped() {
        let m = boxes();
        let who = m.keys.pseudonym(Channel::Web, "abc");
        for i in 0..MAX_PENDING + 5 {
            m.push_at(&who, &[Reply::text(i.to_string())], 1);
        }
        let got = m.take(&who);
        assert_eq!(got.len(), MAX_PENDING);
        assert_eq!(got[0].text, "5");
    }

    #[tokio::test]
    async fn a_subscriber_gets_what_waited_then_live_pushes() {
        let m = boxes();
        let who = m.keys.pseudonym(Channel::Web, "abc");
        m.push_at(&who, &[Reply::text("earlier")], 1);
        let mut sub = m.subscribe(&who);
        assert_eq!(sub.waiting, vec![Reply::text("earlier")]);
        assert_eq!(m.push_at(&who, &[Reply::text("now")], 2), Delivery::Live);
        assert_eq!(sub.live.recv().await.unwrap(), vec![Reply::text("now")]);
        drop(sub);
        assert_eq!(
            m.push_at(&who, &[Reply::text("later")], 3),
            Delivery::Queued,
            "with the page closed, texts wait again"
        );
    }

    #[test]
    fn the_sweeper_drops_ended_and_old_mailboxes() {
        let m = boxes();
        let a = m.keys.pseudonym(Channel::Web, "a");
        let b = m.keys.pseudonym(Channel::Web, "b");
        let c = m.keys.pseudonym(Channel::Web, "c");
        m.push_at(&a, &[Reply::text("x")], 10);
        m.push_at(&b, &[Reply::text("x")], 10);
        m.push_at(&c, &[Reply::text("x")], 10);
        m.sweep(50, |who| *who != b);
        assert_eq!(m.len(), 2, "b's session ended");
        m.sweep(111, |_| true);
        assert!(m.is_empty(), "texts older than a session are dropped");
        let _live = m.subscribe(&a);
        m.sweep(1000, |_| false);
        assert_eq!(m.len(), 1, "an open page keeps its mailbox");
    }
}
