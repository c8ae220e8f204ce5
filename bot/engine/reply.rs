//! What the engine says: texts with optional choices, and how they read on each channel.

use serde::Serialize;

/// The kind of channel a person writes from. Wire formats live in `channels/`; this only
/// decides how choices are shown and which address space a pseudonym belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Sms,
    Telegram,
    Web,
    Terminal,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Telegram => "telegram",
            Channel::Web => "web",
            Channel::Terminal => "terminal",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "sms" => Some(Channel::Sms),
            "telegram" => Some(Channel::Telegram),
            "web" => Some(Channel::Web),
            "terminal" => Some(Channel::Terminal),
            _ => None,
        }
    }

    /// Whether the channel shows choices as buttons (otherwise as a numbered list in the text).
    pub fn has_buttons(self) -> bool {
        matches!(self, Channel::Telegram | Channel::Web)
    }
}

/// One message to the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reply {
    pub text: String,
    /// Choice labels, in order; the person answers with the number or the label.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            choices: Vec::new(),
        }
    }

    /// The reply as plain text with its choices numbered, as SMS and the terminal show it.
    pub fn plain(&self) -> String {
        plain_with_choices(&self.text, &self.choices)
    }

    /// The reply as `channel` shows it in text: with buttons the choices are not in the text.
    pub fn for_channel(&self, channel: Channel) -> String {
        if channel.has_buttons() {
            self.text.clone()
        } else {
            self.plain()
        }
    }
}

/// `text` followed by one line per choice: "1 Naloxone". Short and GSM-7, for SMS budgets.
pub fn plain_with_choices(text: &str, choices: &[String]) -> String {
    let mut out = text.trim_end().to_owned();
    for (i, c) in choices.iter().enumerate() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("{} {}", i + 1, c));
    }
    out
}
