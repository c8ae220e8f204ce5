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
    /// A phone call (Twilio Programmable Voice): replies are spoken, choices are keypad digits.
    Voice,
    /// WhatsApp through Twilio: texts like SMS, without SMS segment budgets.
    #[serde(rename = "whatsapp")]
    WhatsApp,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Telegram => "telegram",
            Channel::Web => "web",
            Channel::Terminal => "terminal",
            Channel::Voice => "voice",
            Channel::WhatsApp => "whatsapp",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "sms" => Some(Channel::Sms),
            "telegram" => Some(Channel::Telegram),
            "web" => Some(Channel::Web),
            "terminal" => Some(Channel::Terminal),
            "voice" => Some(Channel::Voice),
            "whatsapp" => Some(Channel::WhatsApp),
            _ => None,
        }
    }

    /// Whether the channel shows choices as buttons (otherwise as a numbered list in the text).
    pub fn has_buttons(self) -> bool {
        matches!(self, Channel::Telegram | Channel::Web)
    }

    /// Whether the channel has room for long texts (no SMS segment budget): referral lists
    /// then carry addresses, map links and notes.
    pub fn is_rich(self) -> bool {
        matches!(self, Channel::Telegram | Channel::Web | Channel::WhatsApp)
    }

    /// Whether replies are heard rather than read: texts then come in their `-voice` form when
    /// one exists (see `speech`).
    pub fn is_spoken(self) -> bool {
        self == Channel::Voice
    }
}

/// One message to the person.
///
/// `text` is the message in words, as SMS and the terminal show it and `haven chat --json`
/// prints it. A reply may also carry what its text was made from, for channels that can show
/// more than words: the places of a referral list ([`Listing`]). Each channel renders a reply
/// in its own best form (SMS the text within its segment budget; the web chat a card per place
/// with call and directions links; Telegram a venue per place), so nothing here knows a wire
/// format.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Reply {
    pub text: String,
    /// Choice labels, in order; the person answers with the number or the label.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// The places `text` lists, when it lists places.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing: Option<Listing>,
    /// The text key it was rendered from, when it was one (a voice call speaks the overdose
    /// steps slowly, by key family). Not part of any wire format.
    #[serde(skip)]
    pub key: Option<String>,
}

/// A list of places from the directory: a heading ("Near Harlem:") and the places, nearest
/// first, with every word already in the person's language.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Listing {
    pub heading: String,
    pub places: Vec<Place>,
}

/// One place of a [`Listing`]. Texts are ready to show (localized, formatted); numbers are for
/// channels that draw maps or dial.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Place {
    /// Its number in the list, as the text numbers it (page 2 starts at 4).
    pub number: usize,
    pub name: String,
    /// What it offers, as words: "Naloxone, syringes, drop-in".
    pub kinds: String,
    /// "0.3 mi", or "~0.6 mi" when the place's position is approximate.
    pub distance: String,
    /// Open now (`Some(true)`), closed now (`Some(false)`) or unknown hours (`None`).
    pub open_now: Option<bool>,
    /// When it is open, in words: "open until 5pm", "opens tomorrow 9am", "closed".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// Street, city, state and ZIP on one line (may be empty).
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    /// A web map centred on the place.
    pub map_url: String,
    /// Directions to the place on a web map.
    pub directions_url: String,
    /// Said when the position is a ZIP's centre rather than the address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximate: Option<String>,
    /// The operator's notes in the person's language, or in English with a marker.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// A place's phone number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Phone {
    /// As shown: "212-555-0101".
    pub number: String,
    /// What to dial: "+12125550101" (for `tel:` links).
    pub tel: String,
    /// The line the text shows: "Phone: 212-555-0101".
    pub line: String,
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            ..Reply::default()
        }
    }

    /// A reply with choices only (a question whose words came in an earlier reply).
    pub fn choices(choices: Vec<String>) -> Reply {
        Reply {
            choices,
            ..Reply::default()
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
