//! Live streams: the server-sent events a web visitor's page and a counselor's console listen
//! on. Each is capped per holder (a visitor, a counselor) and overall, and all of them end when
//! the server shuts down.
//!
//! A stream is a long-lived HTTP response, so it holds a connection and a file descriptor for as
//! long as the page is open. Without caps, one visitor could open hundreds of them with one
//! cookie; without an end, a console tab left open would hold a graceful shutdown forever (issue
//! 18, item 10). A handler asks for a [`StreamPermit`] before it answers with a stream, keeps it
//! inside the stream, and ends the stream when the permit's [`StreamPermit::closing`] turns
//! true. Dropping the permit (the stream ended or the client went away) frees its place.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

/// Who listens: the two kinds of live page haven serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StreamKind {
    /// A web chat page (`/chat/events`), held by a visitor's pseudonym.
    Web,
    /// A counselor console page (`/console/events`), held by a counselor's name.
    Console,
}

impl StreamKind {
    /// The metrics label.
    pub fn label(self) -> &'static str {
        match self {
            StreamKind::Web => "web",
            StreamKind::Console => "console",
        }
    }
}

/// How many streams one holder, and everyone together, may keep open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamCaps {
    pub per_holder: usize,
    pub total: usize,
}

/// Why a stream was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("this page is already open in too many tabs")]
    Holder,
    #[error("too many live pages are open")]
    Total,
    #[error("the server is shutting down")]
    Closing,
}

#[derive(Default)]
struct Counts {
    total: usize,
    by_holder: HashMap<String, usize>,
}

struct Inner {
    caps: HashMap<StreamKind, StreamCaps>,
    counts: Mutex<HashMap<StreamKind, Counts>>,
    closing: watch::Sender<bool>,
}

/// Every live stream the server has open, by kind and holder.
#[derive(Clone)]
pub struct LiveStreams(Arc<Inner>);

impl std::fmt::Debug for LiveStreams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveStreams")
            .field("web", &self.open(StreamKind::Web))
            .field("console", &self.open(StreamKind::Console))
            .finish()
    }
}

/// A place for one open stream. Keep it inside the stream; dropping it frees the place.
pub struct StreamPermit {
    streams: LiveStreams,
    kind: StreamKind,
    holder: String,
    /// Turns true when the server starts shutting down: the stream must end then.
    pub closing: watch::Receiver<bool>,
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut counts = self.streams.lock();
        let c = counts.entry(self.kind).or_default();
        c.total = c.total.saturating_sub(1);
        if let Some(n) = c.by_holder.get_mut(&self.holder) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                c.by_holder.remove(&self.holder);
            }
        }
    }
}

impl LiveStreams {
    pub fn new(web: StreamCaps, console: StreamCaps) -> LiveStreams {
        LiveStreams(Arc::new(Inner {
            caps: HashMap::from([(StreamKind::Web, web), (StreamKind::Console, console)]),
            counts: Mutex::new(HashMap::new()),
            closing: watch::channel(false).0,
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<StreamKind, Counts>> {
        self.0.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many streams of `kind` are open now.
    pub fn open(&self, kind: StreamKind) -> usize {
        self.lock().get(&kind).map_or(0, |c| c.total)
    }

    /// Asks for a place for a new stream of `kind` held by `holder`.
    pub fn admit(&self, kind: StreamKind, holder: &str) -> Result<StreamPermit, Refused> {
        if *self.0.closing.borrow() {
            return Err(Refused::Closing);
        }
        let caps = self.0.caps[&kind];
        let mut counts = self.lock();
        let c = counts.entry(kind).or_default();
        if c.total >= caps.total {
            return Err(Refused::Total);
        }
        let mine = c.by_holder.entry(holder.to_owned()).or_default();
        if *mine >= caps.per_holder {
            return Err(Refused::Holder);
        }
        *mine += 1;
        c.total += 1;
        drop(counts);
        Ok(StreamPermit {
            streams: self.clone(),
            kind,
            holder: holder.to_owned(),
            closing: self.0.closing.subscribe(),
        })
    }

    /// Tells every open stream to end, and refuses new ones: the server is shutting down.
    pub fn close_all(&self) {
        self.0.closing.send_replace(true);
    }

    /// Whether [`LiveStreams::close_all`] was called.
    pub fn is_closing(&self) -> bool {
        *self.0.closing.borrow()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streams() -> LiveStreams {
        LiveStreams::new(
            StreamCaps {
                per_holder: 2,
                total: 3,
            },
            StreamCaps {
                per_holder: 1,
                total: 1,
            },
        )
    }

    #[test]
    fn streams_are_capped_per_holder_and_overall_and_freed_when_dropped() {
        let s = streams();
        let a1 = s.admit(StreamKind::Web, "a").unwrap();
        let _a2 = s.admit(StreamKind::Web, "a").unwrap();
        assert_eq!(
            s.admit(StreamKind::Web, "a").err(),
            Some(Refused::Holder),
            "a third tab of one visitor"
        );
        let _b = s.admit(StreamKind::Web, "b").unwrap();
        assert_eq!(
            s.admit(StreamKind::Web, "c").err(),
            Some(Refused::Total),
            "the fourth stream overall"
        );
        assert_eq!(s.open(StreamKind::Web), 3);
        // The kinds are counted apart: the console still has its own place.
        let _m = s.admit(StreamKind::Console, "maria").unwrap();
        drop(a1);
        assert_eq!(s.open(StreamKind::Web), 2);
        assert!(s.admit(StreamKind::Web, "a").is_ok(), "a place freed");
    }

    #[test]
    fn closing_ends_open_streams_and_refuses_new_ones() {
        let s = streams();
        let p = s.admit(StreamKind::Console, "maria").unwrap();
        assert!(!*p.closing.borrow());
        s.close_all();
        assert!(*p.closing.borrow(), "an open stream is told to end");
        assert_eq!(s.admit(StreamKind::Web, "a").err(), Some(Refused::Closing));
    }
}
