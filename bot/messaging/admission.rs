//! Who may open a web chat ticket now. A web session costs nothing to make, so without limits
//! thirty throwaway sessions saying "talk to someone" then "overdose" put thirty urgent tickets
//! ahead of real overdoses and post thirty alerts to the counselors (issue 12). Limits:
//!
//! - **Per visitor**: one open ticket at a time (the handoff module's own rule), and at most
//!   [`TICKETS_PER_VISITOR_PER_HOUR`] opened in an hour.
//! - **Per network**: at most `web_open_tickets_per_network` open web tickets from one client
//!   network ([`super::peer`]).
//! - **Overall**: at most `web_open_tickets` open web tickets.
//! - **After a real exchange**: a ticket asked for in a session's first message is held until
//!   the visitor writes again (`Availability::AfterExchange`; the handoff module keeps it out
//!   of the queue and unannounced until then).
//!
//! None of this touches what the person is told first: the engine answers an overdose or a
//! crisis at once, whatever the queue; only whether a ticket is opened depends on these limits.
//! A visitor over a limit hears the hotlines instead of a place in line (`handoff-full`).
//!
//! A [`Seat`] is taken before the engine runs, so that two visitors at the same instant cannot
//! both take the last place; it is given back unless a ticket is opened with it. Open web
//! tickets are counted here, in memory, with their network's keyed hash (never an address);
//! tickets that have closed are noticed lazily, when a limit is reached. After a restart the
//! open web tickets are counted again, without networks.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::handoff::Handoff;
pub use crate::handoff::WebTicketCaps;
use crate::store::Pseudonym;

/// Web tickets one visitor may open in an hour.
pub const TICKETS_PER_VISITOR_PER_HOUR: u32 = 3;
const HOUR: i64 = 3600;

/// Why no ticket may be opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Full {
    Visitor,
    Network,
    Total,
}

impl Full {
    pub fn as_str(self) -> &'static str {
        match self {
            Full::Visitor => "visitor",
            Full::Network => "network",
            Full::Total => "total",
        }
    }
}

#[derive(Default)]
struct Inner {
    /// Open web tickets: id → the network it was opened from (`None` when unknown).
    open: HashMap<u64, Option<Pseudonym>>,
    /// Places taken by messages being handled now, overall and per network.
    seated: usize,
    seated_by_network: HashMap<Pseudonym, usize>,
    /// Tickets opened per visitor: (start of the hour window, how many).
    opened: HashMap<Pseudonym, (i64, u32)>,
}

impl Inner {
    fn on_network(&self, network: &Pseudonym) -> usize {
        self.open
            .values()
            .filter(|n| n.as_ref() == Some(network))
            .count()
            + self.seated_by_network.get(network).copied().unwrap_or(0)
    }
}

pub struct Admission {
    caps: WebTicketCaps,
    inner: Mutex<Inner>,
}

/// A place held for one message from a web visitor, while it is handled.
pub struct Seat<'a> {
    admission: &'a Admission,
    network: Option<Pseudonym>,
}

impl Admission {
    pub fn new(caps: WebTicketCaps) -> Admission {
        Admission {
            caps,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts the web tickets already open (at startup, after a restart).
    pub fn count_open(&self, ids: impl IntoIterator<Item = u64>) {
        let mut inner = self.lock();
        for id in ids {
            inner.open.entry(id).or_insert(None);
        }
    }

    /// Asks for a place for a ticket `who` (from `network`) might open with this message.
    pub fn seat(
        &self,
        handoff: &Handoff,
        who: &Pseudonym,
        network: Option<Pseudonym>,
        now: i64,
    ) -> Result<Seat<'_>, Full> {
        let mut inner = self.lock();
        if inner
            .opened
            .get(who)
            .is_some_and(|(since, n)| now - since < HOUR && *n >= TICKETS_PER_VISITOR_PER_HOUR)
        {
            return Err(Full::Visitor);
        }
        let over = |inner: &Inner| {
            if inner.open.len() + inner.seated >= self.caps.total {
                Some(Full::Total)
            } else if network
                .as_ref()
                .is_some_and(|n| inner.on_network(n) >= self.caps.per_network)
            {
                Some(Full::Network)
            } else {
                None
            }
        };
        if over(&inner).is_some() {
            // Some of the tickets counted may have closed since: look, then judge again.
            inner
                .open
                .retain(|id, _| handoff.is_open(*id).unwrap_or(true));
            if let Some(full) = over(&inner) {
                return Err(full);
            }
        }
        inner.seated += 1;
        if let Some(n) = network {
            *inner.seated_by_network.entry(n).or_default() += 1;
        }
        Ok(Seat {
            admission: self,
            network,
        })
    }

    /// Forgets visitors' hourly counts whose hour has passed (the sweeper calls this).
    pub fn sweep(&self, now: i64) {
        self.lock()
            .opened
            .retain(|_, (since, _)| now - *since < HOUR);
    }

    /// Web tickets counted as open now (for tests and metrics).
    pub fn open(&self) -> usize {
        self.lock().open.len()
    }
}

impl Seat<'_> {
    /// A ticket was opened with this place: it now counts as an open web ticket. (The seat
    /// itself is given back when it is dropped, as always.)
    pub fn take(self, ticket: u64, who: &Pseudonym, now: i64) {
        let mut inner = self.admission.lock();
        inner.open.insert(ticket, self.network);
        let e = inner.opened.entry(*who).or_insert((now, 0));
        if now - e.0 >= HOUR {
            *e = (now, 0);
        }
        e.1 = e.1.saturating_add(1);
    }
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        let mut inner = self.admission.lock();
        inner.seated = inner.seated.saturating_sub(1);
        if let Some(n) = self.network
            && let Some(c) = inner.seated_by_network.get_mut(&n)
        {
            *c = c.saturating_sub(1);
            if *c == 0 {
                inner.seated_by_network.remove(&n);
            }
        }
    }
}
