//! The state haven keeps about one person between messages, and nothing more.
//!
//! PRODUCT.md allows: flow, step, language, captured variables, last seen, opt-out — plus, while
//! a counselor handoff is open, which ticket it is, and after one closes, that one feedback
//! answer may come. No message text is kept here. The session
//! is keyed by a pseudonym in the store; it holds no address. After a message that came with a
//! delivery id, it also holds the session as it was before that message and the id keyed like a
//! pseudonym ([`Redo`]), so that a retry after a crash is answered in full.

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
    /// What haven said last, to say again when asked ("what?", "otra vez"): text keys, and
    /// the text of replies rendered from the directory. Never what the person wrote.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub said: Vec<Said>,
    /// The step the person waited at before the one they wait at now, for "back".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back: Option<(String, String)>,
    /// Misunderstandings in a row at a waiting step.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub misses: u8,
    /// Kept by the runtime, not the engine (which passes it through): where the delivery that
    /// last wrote this session began. See [`Redo`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redo: Option<Redo>,
}

/// The session as it was before a keyed delivery (an SMS `MessageSid`, a Telegram
/// `update_id`) was handled, saved with the session that handling produced.
///
/// Why: a crash can come after the new session reached the disk (another request's flush
/// wrote it) but before the texts its answer queued did. The sender's retry of that delivery
/// is then handled again, and handled from the new session it would continue the conversation
/// instead of answering again: an overdose's later steps were lost that way (`tests/crash.rs`).
/// With this, a retry of the same delivery starts again from `before`, so the whole answer is
/// given again (a duplicate beats a lost reply). The delivery is kept as a hash of its id;
/// nothing the person wrote is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Redo {
    pub delivery: [u8; 16],
    /// `None` when the person had no session before that delivery.
    pub before: Option<Box<Session>>,
}

/// One reply haven said, kept so it can be said again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Said {
    /// A text key, rendered again in the person's language with their variables.
    Key(String),
    /// A reply rendered outside the texts.
    Text(String),
    /// A page of referral results, asked again (so every channel gets it in its best form).
    Refer {
        kind: Option<String>,
        near: String,
        offset: usize,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        open_now: bool,
    },
}

fn is_zero(n: &u8) -> bool {
    *n == 0
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
