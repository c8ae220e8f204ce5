//! A handoff ticket: one person waiting for, or talking with, a counselor.
//!
//! The ticket holds what a counselor needs and nothing more: a short number, the language,
//! the priority and why it was opened, the person's channel and their address *sealed* (to
//! write back), and the transcript of this handoff, also sealed. It never holds the pseudonym
//! in anything a counselor sees, and it is deleted when it closes.

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::engine::Channel;
pub use crate::flows::actions::handoff::Priority;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "state")]
pub enum TicketState {
    Queued,
    Assigned { counselor: String, since: i64 },
}

/// The stored ticket.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ticket {
    pub id: u64,
    pub who: [u8; 16],
    pub channel: Channel,
    /// The person's address, sealed with the pseudonym as associated data.
    pub address: Vec<u8>,
    pub lang: Lang,
    pub priority: Priority,
    pub reason: String,
    pub state: TicketState,
    pub created_at: i64,
    /// When the person last heard from haven or a counselor while waiting.
    pub last_notice_at: i64,
    /// Whether the queue-timeout fallback was sent.
    pub timed_out: bool,
    /// Opened outside counselor hours: a message for the next shift.
    pub after_hours: bool,
    /// Opened from (or raised by) an overdose.
    pub emergency: bool,
    /// Whether a counselor ever claimed it (counted once for the reports).
    #[serde(default)]
    pub answered: bool,
    /// Not in the queue yet: asked for in a web chat's first message, it joins the queue when
    /// the person writes again (and is closed unseen if they do not).
    #[serde(default)]
    pub held: bool,
    /// The sealed transcript (JSON list of `Line`), private notes included.
    pub transcript: Vec<u8>,
}

/// Who said a line of the transcript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    Person,
    Counselor,
    Bot,
    /// A counselor's private note: kept in the sealed transcript, never sent to the person.
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub from: Speaker,
    pub text: String,
    pub at: i64,
    /// Who wrote a note (counselor lines are not signed: the person never learns names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

impl Line {
    pub fn new(from: Speaker, text: &str, at: i64) -> Line {
        Line {
            from,
            text: text.to_owned(),
            at,
            by: None,
        }
    }
}

/// What counselors see of a ticket: no pseudonym, no address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketView {
    pub id: u64,
    pub lang: Lang,
    pub priority: Priority,
    pub reason: String,
    pub channel: Channel,
    pub counselor: Option<String>,
    pub created_at: i64,
    /// When the counselor who has it claimed it (or was given it).
    pub claimed_at: Option<i64>,
    pub after_hours: bool,
    pub emergency: bool,
}

impl Ticket {
    pub fn view(&self) -> TicketView {
        TicketView {
            id: self.id,
            lang: self.lang,
            priority: self.priority,
            reason: self.reason.clone(),
            channel: self.channel,
            counselor: match &self.state {
                TicketState::Assigned { counselor, .. } => Some(counselor.clone()),
                TicketState::Queued => None,
            },
            claimed_at: match &self.state {
                TicketState::Assigned { since, .. } => Some(*since),
                TicketState::Queued => None,
            },
            created_at: self.created_at,
            after_hours: self.after_hours,
            emergency: self.emergency,
        }
    }

    pub fn is_queued(&self) -> bool {
        matches!(self.state, TicketState::Queued)
    }

    /// Queue order (see [`TicketView::queue_key`]), without building a view.
    pub fn queue_key(&self) -> (std::cmp::Reverse<Priority>, i64, u64) {
        (std::cmp::Reverse(self.priority), self.created_at, self.id)
    }
}

impl TicketView {
    /// How long the person waited: until now while queued, until the claim once claimed (the
    /// wait stops counting when someone answers).
    pub fn waited(&self, now: i64) -> i64 {
        (self.claimed_at.unwrap_or(now) - self.created_at).max(0)
    }

    /// Queue order: urgent, then crisis, then asked; then who has waited longest.
    pub fn queue_key(&self) -> (std::cmp::Reverse<Priority>, i64, u64) {
        (std::cmp::Reverse(self.priority), self.created_at, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(claimed_at: Option<i64>) -> TicketView {
        TicketView {
            id: 1,
            lang: Lang::En,
            priority: Priority::Asked,
            reason: String::new(),
            channel: Channel::Web,
            counselor: claimed_at.map(|_| "maria".to_owned()),
            created_at: 100,
            claimed_at,
            after_hours: false,
            emergency: false,
        }
    }

    /// Issue 18: "waiting 11 s" stops counting once someone claimed the ticket.
    #[test]
    fn the_wait_stops_at_the_claim() {
        assert_eq!(view(None).waited(111), 11);
        assert_eq!(view(None).waited(500), 400);
        assert_eq!(view(Some(111)).waited(111), 11);
        assert_eq!(view(Some(111)).waited(9_999), 11);
    }
}
