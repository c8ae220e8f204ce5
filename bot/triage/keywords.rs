//! SMS compliance keywords: STOP, START and HELP, recognised only as the whole message.
//!
//! Lists from Twilio's defaults and the FCC's 2024 rule (content-sources.md §5), plus the Spanish
//! keywords Twilio requires for Spanish programs (ALTO, AYUDA) and PARAR/INICIAR as PRODUCT.md
//! asks. "i stopped using" or "can you stop by" are not opt-outs: the whole message must be the
//! keyword, so matching compares the folded message, not its words.

use crate::text::Folded;

/// Opt-out keywords (whole message, any case).
pub const STOP: &[&str] = &[
    "stop",
    "stopall",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "revoke",
    "optout",
    "alto",
    "parar",
];
/// Opt-back-in keywords.
pub const START: &[&str] = &["start", "unstop", "iniciar"];
/// Words that opt back in only after an opt-out (as Twilio treats YES); otherwise they are
/// ordinary answers ("yes" to "is someone overdosing right now?").
pub const YES: &[&str] = &["yes", "si"];
/// Help keywords.
pub const HELP: &[&str] = &["help", "info", "ayuda"];

/// Intents decided here, which no flow trigger may claim.
pub const BUILTIN_INTENTS: &[&str] = &["stop", "start", "help"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    Stop,
    Start,
    /// YES or SÍ: START after an opt-out, an ordinary answer otherwise.
    Yes,
    Help,
}

impl Keyword {
    pub fn intent(self) -> &'static str {
        match self {
            Keyword::Stop => "stop",
            Keyword::Start | Keyword::Yes => "start",
            Keyword::Help => "help",
        }
    }
}

/// The keyword the whole message is, if any. Spaces inside are ignored ("opt out", "stop all")
/// but nothing else may be in the message beyond punctuation and emoji, which folding removes.
pub fn classify(folded: &Folded) -> Option<Keyword> {
    let mut words = folded.words();
    let first = words.next()?;
    let joined: String = match words.next() {
        None => first.to_owned(),
        Some(second) => {
            if words.next().is_some() {
                return None;
            }
            format!("{first}{second}")
        }
    };
    let joined = joined.as_str();
    if STOP.contains(&joined) {
        Some(Keyword::Stop)
    } else if START.contains(&joined) {
        Some(Keyword::Start)
    } else if YES.contains(&joined) {
        Some(Keyword::Yes)
    } else if HELP.contains(&joined) {
        Some(Keyword::Help)
    } else {
        None
    }
}

/// Whether a folded word is an SMS keyword, which flows must not use as a choice word.
pub fn is_reserved(word: &str) -> bool {
    STOP.contains(&word) || START.contains(&word) || HELP.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    #[test]
    fn whole_message_only() {
        for s in [
            "STOP",
            "stop",
            " Stop. ",
            "STOP!!",
            "Opt out",
            "OPTOUT",
            "stop all",
            "ALTO",
            "Parar",
            "ｓｔｏｐ",
        ] {
            assert_eq!(classify(&fold(s)), Some(Keyword::Stop), "{s}");
        }
        for s in [
            "i stopped using last year",
            "can you stop by the clinic",
            "stop it",
            "how do i quit",
            "end of the month",
            "alto riesgo",
            "stopp",
        ] {
            assert_eq!(classify(&fold(s)), None, "{s}");
        }
        assert_eq!(classify(&fold("UNSTOP")), Some(Keyword::Start));
        assert_eq!(classify(&fold("Iniciar")), Some(Keyword::Start));
        assert_eq!(classify(&fold("YES")), Some(Keyword::Yes));
        assert_eq!(classify(&fold("Sí")), Some(Keyword::Yes));
        assert_eq!(classify(&fold("HELP")), Some(Keyword::Help));
        assert_eq!(classify(&fold("AYUDA!")), Some(Keyword::Help));
        assert_eq!(classify(&fold("help me")), None);
        assert_eq!(classify(&fold("")), None);
    }
}
