//! The state haven keeps about one person between messages, and nothing more.
//!
//! PRODUCT.md allows: flow, step, language, captured variables, last seen, opt-out — plus, while
//! a counselor handoff is open, which ticket it is, and after one closes, that one feedback
//! answer may come. No message text is kept here. The session
//! is keyed by a pseudonym in the store; it holds no address.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Lang;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    #[serde(default)]
    pub lang: Lang,
    /// Set once the person chose a language; detection no longer changes it then.
    #[serde(default, skip_serializing_if = "is_false")]
    pub lang_chosen: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, String>,
    /// Unix seconds of the last message from the person.
    #[serde(default)]
    pub last_seen: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    pub opted_out: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<HandoffState>,
    /// Messages received in this session; language detection trusts early messages more.
    #[serde(default)]
    pub turns: u32,
    /// A counselor just closed the person's handoff and asked "Did this help? 1-3": the next
    /// message, if it is 1, 2 or 3, is that answer (counted, nothing else kept).
    #[serde(default, skip_serializing_if = "is_false")]
    pub feedback_due: bool,
}

/// The person's side of an open handoff: the bot stays quiet and relays their messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffState {
    pub ticket: u64,
    pub assigned: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Session {
    /// Whether the session waits at a step of a flow.
    pub fn in_flow(&self) -> bool {
        self.flow.is_some() && self.step.is_some()
    }
}
