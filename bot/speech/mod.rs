//! What a caller hears: the engine's replies as lines of speech, choices as keypad digits.
//!
//! A phone call runs the same flows and texts as every other channel. This module, below the
//! channels and wire-free, decides how a turn sounds, so that the voice channel (which turns it
//! into TwiML), `haven chat --channel voice` and the conversation scripts hear the same thing:
//!
//! - every text in its `-voice` form when it has one (the engine picks it; see
//!   [`VOICE_SUFFIX`]), rewritten for a voice by [`words::speakable`]: numbers to dial digit by
//!   digit, no web addresses, no emoji;
//! - the overdose texts (keys `emergency-…`) slowly, one sentence or step per line with a pause
//!   after each, so a frightened person can follow with their hands busy;
//! - a referral list read from its places (name, distance, open now, phone number digit by
//!   digit), not from its written text;
//! - choices as "Press 1 for …"; a choice that names another language ("Español") said in that
//!   language, so a Spanish speaker hears where to go;
//! - at every step, how to hear it again ([`crate::engine::KEY_REPEAT`], the star key).

pub mod words;

use crate::Lang;
use crate::engine::Reply;
use crate::engine::reply::Place;
use crate::locales::Texts;

/// A text key with this suffix is the spoken form of the key without it
/// (`emergency-steps-voice` of `emergency-steps`). A call hears it instead; `haven check`
/// requires its base text to exist and it to be speakable.
pub const VOICE_SUFFIX: &str = "-voice";

/// Texts only a call says, rendered by the voice channel; every locale must have them.
pub const VOICE_TEXTS: &[&str] = &[
    "voice-opening",
    "voice-press",
    "voice-keys",
    "voice-silence",
    "voice-goodbye",
    "voice-connecting",
    "voice-trying-next",
    "voice-no-counselor",
    "voice-lifeline",
    "voice-after-call",
    "voice-whisper",
    "voice-place",
    "voice-place-open",
    "voice-place-closed",
    "voice-place-phone",
];

/// The variables the voice channel gives its texts (the others get none).
pub const VOICE_TEXT_ARGS: &[(&str, &[&str])] = &[
    ("voice-press", &["digit", "label"]),
    ("voice-place", &["number", "name", "distance"]),
    ("voice-place-phone", &["digits"]),
];

/// One line a caller hears.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The language (and so the voice) it is said in.
    pub lang: Lang,
    pub text: String,
    /// Said slowly (the overdose steps).
    pub slow: bool,
    /// Seconds of silence after it.
    pub pause: u8,
}

/// What one turn of a call sounds like, and which digits answer it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spoken {
    pub lines: Vec<Line>,
    /// The labels of the step's choices: digit 1 is the first.
    pub choices: Vec<String>,
}

impl Spoken {
    /// The turn as plain text, one line per line heard, with the language when it is not
    /// `lang` (for `haven chat` and the conversation scripts).
    pub fn transcript(&self, lang: Lang) -> String {
        self.lines
            .iter()
            .map(|l| {
                if l.lang == lang {
                    l.text.clone()
                } else {
                    format!("[{}] {}", l.lang, l.text)
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// How the replies of one turn sound, in `lang` (the session's language).
pub fn speak(replies: &[Reply], lang: Lang, texts: &Texts) -> Spoken {
    let mut spoken = Spoken::default();
    for reply in replies {
        spoken.lines.extend(reply_lines(reply, lang, texts));
        if !reply.choices.is_empty() {
            spoken.choices = reply.choices.clone();
        }
    }
    if let Some(last) = spoken.lines.last_mut() {
        last.pause = last.pause.max(1);
    }
    spoken.lines.push(keys_line(lang, texts));
    spoken
}

/// Each reply as a caller hears it, one string per reply (its lines, then its choices as
/// keypad digits), with how to hear it again after the last: the conversation scripts and
/// `haven chat --json` compare these as they compare the texts of other channels.
pub fn speak_each(replies: &[Reply], lang: Lang, texts: &Texts) -> Vec<String> {
    let mut out: Vec<String> = replies
        .iter()
        .map(|r| {
            reply_lines(r, lang, texts)
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    if let Some(last) = out.last_mut() {
        last.push('\n');
        last.push_str(&keys_line(lang, texts).text);
    }
    out
}

/// How to hear a step again (the star key), said at the end of every step.
fn keys_line(lang: Lang, texts: &Texts) -> Line {
    Line {
        lang,
        text: words::speakable(&texts.render(lang, "voice-keys", &[]), lang),
        slow: false,
        pause: 0,
    }
}

/// One reply's lines: its text (or its places), then its choices as keypad digits.
fn reply_lines(reply: &Reply, lang: Lang, texts: &Texts) -> Vec<Line> {
    let slow = reply
        .key
        .as_deref()
        .is_some_and(|k| k.starts_with("emergency-"));
    let said: Vec<String> = match &reply.listing {
        Some(listing) => {
            let mut v = vec![words::speakable(&listing.heading, lang)];
            v.extend(listing.places.iter().map(|p| place(p, lang, texts)));
            v
        }
        None => reply
            .text
            .lines()
            .flat_map(|l| {
                if slow {
                    sentences(l)
                } else {
                    vec![l.to_owned()]
                }
            })
            .map(|l| words::speakable(&l, lang))
            .filter(|l| !l.trim().is_empty())
            .collect(),
    };
    let last = said.len().saturating_sub(1);
    let mut lines: Vec<Line> = said
        .into_iter()
        .enumerate()
        .map(|(i, text)| Line {
            lang,
            text,
            slow,
            pause: u8::from(slow || i == last),
        })
        .collect();
    for (i, label) in reply.choices.iter().enumerate() {
        // "Español" among English choices is said in Spanish, by the Spanish voice.
        let in_lang = Lang::parse(label).filter(|&l| l != lang).unwrap_or(lang);
        let digit = (i + 1).to_string();
        lines.push(Line {
            lang: in_lang,
            text: words::speakable(
                &texts.render(
                    in_lang,
                    "voice-press",
                    &[("digit", &digit), ("label", label)],
                ),
                in_lang,
            ),
            slow: false,
            pause: 0,
        });
    }
    lines
}

/// The first thing a caller hears, before the menu: what to do if someone is overdosing now,
/// in `lang` and then in every other language, each followed by how to reach that language
/// from the menu when `digit_for` knows the digit.
pub fn opening(lang: Lang, texts: &Texts, digit_for: impl Fn(Lang) -> Option<usize>) -> Vec<Line> {
    let mut order = vec![lang];
    order.extend(Lang::ALL.iter().copied().filter(|&l| l != lang));
    let mut lines = Vec::new();
    for l in order {
        lines.push(Line {
            lang: l,
            text: words::speakable(&texts.render(l, "voice-opening", &[]), l),
            slow: true,
            pause: 1,
        });
        if l != lang
            && let Some(d) = digit_for(l)
        {
            let label = texts.render(l, "menu-choice-language", &[]);
            let label = if Lang::parse(&label) == Some(l) {
                label
            } else {
                language_name(l).to_owned()
            };
            lines.push(Line {
                lang: l,
                text: words::speakable(
                    &texts.render(
                        l,
                        "voice-press",
                        &[("digit", &d.to_string()), ("label", &label)],
                    ),
                    l,
                ),
                slow: false,
                pause: 1,
            });
        }
    }
    lines
}

/// The digit (1-based) of the choice among `choices` that names `lang`, if any.
pub fn language_digit(choices: &[String], lang: Lang) -> Option<usize> {
    choices
        .iter()
        .position(|c| Lang::parse(c) == Some(lang))
        .map(|i| i + 1)
}

/// A language's own name, for a voice to say.
pub fn language_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English",
        Lang::Es => "Español",
    }
}

/// One place of a referral list as a caller hears it: number, name and distance; whether it is
/// open; its phone number digit by digit.
fn place(p: &Place, lang: Lang, texts: &Texts) -> String {
    let number = p.number.to_string();
    let distance = words::speakable(&p.distance, lang);
    let mut parts = vec![texts.render(
        lang,
        "voice-place",
        &[
            ("number", &number),
            ("name", &p.name),
            ("distance", &distance),
        ],
    )];
    match (&p.hours, p.open_now) {
        (Some(hours), _) => parts.push(format!("{}.", hours.trim_end_matches('.'))),
        (None, Some(true)) => parts.push(texts.render(lang, "voice-place-open", &[])),
        (None, Some(false)) => parts.push(texts.render(lang, "voice-place-closed", &[])),
        (None, None) => {}
    }
    if let Some(phone) = &p.phone {
        let digits = words::spell_phone(&phone.number);
        parts.push(texts.render(lang, "voice-place-phone", &[("digits", &digits)]));
    }
    words::speakable(&parts.join(" "), lang)
}

/// A line cut after each sentence, so each step of the overdose response is its own line.
fn sentences(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        current.push(c);
        let ends = matches!(c, '.' | '?' | '!');
        let next_starts = chars.get(i + 1) == Some(&' ')
            && chars
                .get(i + 2)
                .is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || matches!(n, '¿' | '¡'));
        // "Step 1." or a list's "1." ends nothing: the number belongs to what follows.
        let numbered = c == '.' && {
            let start = chars[..i]
                .iter()
                .rposition(|c| c.is_whitespace())
                .map_or(0, |p| p + 1);
            let token = &chars[start..i];
            let before: String = chars[..start].iter().collect();
            let before = before
                .trim_end()
                .rsplit(' ')
                .next()
                .unwrap_or("")
                .to_lowercase();
            let after_stop = before.ends_with(['.', ':', '?', '!']);
            !token.is_empty()
                && token.iter().all(char::is_ascii_digit)
                && (start == 0 || after_stop || matches!(before.as_str(), "step" | "paso"))
        };
        if ends && next_starts && !numbered {
            out.push(current.trim().to_owned());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_where_a_new_one_starts() {
        assert_eq!(
            sentences("Call 911. Give naloxone. ¿Respira? Sí. Step 1. Shout."),
            [
                "Call 911.",
                "Give naloxone.",
                "¿Respira?",
                "Sí.",
                "Step 1. Shout."
            ]
        );
        assert_eq!(
            sentences("Wait 2.5 minutes, then go."),
            ["Wait 2.5 minutes, then go."]
        );
        assert_eq!(
            sentences("1. Shout their name. 2. Call."),
            ["1. Shout their name.", "2. Call."]
        );
    }

    #[test]
    fn language_choices_are_found_by_their_own_name() {
        let choices = vec!["How to use naloxone".to_owned(), "Español".to_owned()];
        assert_eq!(language_digit(&choices, Lang::Es), Some(2));
        assert_eq!(language_digit(&choices, Lang::En), None);
    }
}
