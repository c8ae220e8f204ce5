//! The message path, below every channel: what a channel shares ([`Hub`]), a person's message
//! in ([`inbound::deliver`]), messages out to a person later ([`outbound::send`]), carrying out
//! the engine's effects, deduplication of deliveries, the per-person rate limit, and the caps
//! on live-update streams ([`streams`]).
//!
//! A channel depends on this module and on nothing above it: it turns its wire format into a
//! `Content` and an address, calls [`inbound::deliver`], and renders the replies. The other
//! direction goes through [`Outlet`]: each channel that can reach a person outside their request
//! registers one, so this module sends a counselor's reply without knowing any wire format. It
//! imports neither `server` nor `channels` (tests/structure.rs checks it).

pub mod admission;
pub mod dedup;
pub mod error;
pub mod inbound;
pub mod lead;
pub mod outbound;
pub mod peer;
pub mod ratelimit;
pub mod streams;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::config::Config;
use crate::engine::Channel;
use crate::handoff::Handoff;
use crate::metrics::Metrics;
use crate::referrals::Referrals;
use crate::reports::Tally;
use crate::runtime::Haven;
use crate::store::Pseudonym;
pub use admission::{Admission, WebTicketCaps};
pub use dedup::Dedup;
pub use error::AppError;
pub use inbound::{Delivered, LEAVE_WORD, deliver, deliver_from, deliver_keyed};
pub use lead::Leads;
pub use outbound::OutboundError;
pub use ratelimit::RateLimiter;
pub use streams::{LiveStreams, StreamCaps};

/// Largest request body any route accepts. Twilio's webhooks are a few kB; Telegram updates
/// rarely exceed 10 kB.
pub const BODY_LIMIT: usize = 64 << 10;

/// What every channel and counselor surface shares. Built by the server, shared as `Arc<Hub>`.
pub struct Hub {
    pub config: Config,
    pub haven: Arc<Haven>,
    pub referrals: Referrals,
    pub metrics: Arc<Metrics>,
    pub handoff: Handoff,
    pub limiter: RateLimiter,
    pub dedup: Dedup,
    /// How to reach a person on each configured channel outside their own request.
    pub outlets: Outlets,
    /// The reports' daily counters (also held by the handoff module).
    pub tally: Arc<Tally>,
    /// People's last few messages, in memory, for the ticket a handoff may open.
    pub leads: Leads,
    /// The live-update streams open to web pages and consoles: capped, and ended on shutdown.
    pub streams: LiveStreams,
    /// The caps on open web chat tickets.
    pub admission: Admission,
}

/// A channel's way to reach a person outside their own request (a counselor's reply, a "still
/// waiting" note). Implemented by each channel; the message path holds them as trait objects so
/// that it never names a channel's types.
pub trait Outlet: Send + Sync {
    /// Sends `texts`, in order, to the person at `address` (whose pseudonym is `who`).
    fn send<'a>(&'a self, who: &'a Pseudonym, address: &'a str, texts: &'a [String])
    -> Sending<'a>;

    /// Drops whatever is still waiting to go out to `who`, after they opted out.
    fn forget(&self, _who: &Pseudonym) -> Result<(), String> {
        Ok(())
    }

    /// What a refusal of this channel ([`SendFailure::Refused`]) means, in a sentence a
    /// counselor can act on; `None` shows the label itself.
    fn explain(&self, _reason: &str) -> Option<&'static str> {
        None
    }
}

/// The future an [`Outlet`] returns (boxed, so outlets can be trait objects).
pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<Sent, SendFailure>> + Send + 'a>>;

/// What became of texts handed to an [`Outlet`].
#[derive(Debug, PartialEq, Eq)]
pub enum Sent {
    /// Queued durably; the channel counts them when they go out.
    Queued,
    /// Handed over now: this many messages, counted as sent.
    Delivered(u64),
}

/// Why an [`Outlet`] could not send.
#[derive(Debug, PartialEq, Eq)]
pub enum SendFailure {
    /// The person can no longer be reached (they blocked the bot): their session and handoff
    /// end.
    Unreachable,
    /// The channel refused; the reason is a short label for metrics and the counselor.
    Refused(&'static str),
    /// Something inside failed (the outbox's database).
    Internal(String),
}

/// The registered outlets, one per channel at most.
#[derive(Default)]
pub struct Outlets(Vec<(Channel, Arc<dyn Outlet>)>);

impl Outlets {
    /// Registers `outlet` for `channel`, replacing an earlier one.
    pub fn add(&mut self, channel: Channel, outlet: Arc<dyn Outlet>) {
        self.0.retain(|(c, _)| *c != channel);
        self.0.push((channel, outlet));
    }

    pub fn get(&self, channel: Channel) -> Option<&dyn Outlet> {
        self.0
            .iter()
            .find(|(c, _)| *c == channel)
            .map(|(_, o)| o.as_ref())
    }

    pub fn iter(&self) -> impl Iterator<Item = &dyn Outlet> {
        self.0.iter().map(|(_, o)| o.as_ref())
    }
}
