//! `handoff`: ask for a human counselor to take over the conversation.
//!
//! ```yaml
//! - handoff: {priority: crisis, reason: "crisis flow"}
//! ```
//! `priority` is `urgent` (an overdose), `crisis` (risk of suicide) or `asked` (the person asked
//! for someone). When counselors are on shift the engine marks the session as queued, emits
//! [`Effect::Handoff`](crate::engine::Effect) for the handoff module and says `handoff-queued`;
//! outside counselor hours it does the same but says `handoff-out-of-hours` (the fallback, and
//! that a message left now is read next shift); with no counselor service at all it says
//! `handoff-unavailable` (the hotlines, said honestly) and the flow goes on. When the message
//! path says the queue has no room for this person (`Availability::Full`, the web chat's caps)
//! it says `handoff-full` (the hotlines) and opens nothing; when it asks for a real exchange
//! first (`Availability::AfterExchange`) and this is the session's first message, the ticket is
//! opened *held* and it says `handoff-held`: the person joins the line when they write again.

use crate::engine::Exec;
use crate::flows::load::Cx;
use crate::flows::raw::RawHandoff;

/// How soon a counselor should pick a handoff up; the queue is ordered by this, then by time.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Asked,
    Crisis,
    Urgent,
}

impl Priority {
    pub fn parse(s: &str) -> Option<Priority> {
        match s {
            "asked" => Some(Priority::Asked),
            "crisis" => Some(Priority::Crisis),
            "urgent" => Some(Priority::Urgent),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Asked => "asked",
            Priority::Crisis => "crisis",
            Priority::Urgent => "urgent",
        }
    }
}

#[derive(Debug)]
pub struct Handoff {
    pub priority: Priority,
    pub reason: String,
}

/// Texts the handoff action says; they must exist in every locale.
pub const TEXTS: [&str; 5] = [
    "handoff-queued",
    "handoff-unavailable",
    "handoff-out-of-hours",
    "handoff-held",
    "handoff-full",
];

impl Handoff {
    pub(crate) fn load(raw: &RawHandoff, cx: &mut Cx) -> Option<Handoff> {
        for key in TEXTS {
            cx.use_builtin_text(key);
        }
        match Priority::parse(&raw.priority.value) {
            Some(priority) => Some(Handoff {
                priority,
                reason: raw.reason.clone().unwrap_or_default(),
            }),
            None => {
                cx.problem(
                    &raw.priority.referenced,
                    format!(
                        "unknown priority `{}` (expected urgent, crisis or asked)",
                        raw.priority.value
                    ),
                );
                None
            }
        }
    }

    pub fn run(&self, ex: &mut Exec) {
        ex.handoff(self.priority, &self.reason);
    }
}
