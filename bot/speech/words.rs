//! Written text into words a text-to-speech voice reads well, and what in a text cannot be
//! spoken at all.
//!
//! A caller hears the same texts a person reads, from the same locale keys. Some of what reads
//! well sounds wrong: "911" read as "nine hundred eleven", "1-800-662-4357" as a sum, "2-3
//! minutes" as "two minus three", a web address letter by letter. [`speakable`] rewrites those:
//! phone numbers, 911, 988 and ZIP codes digit by digit (groups separated by commas, which a
//! voice pauses on), ranges as "2 to 3", "24/7" in words, domain names with "dot", and drops
//! what cannot be said (web addresses, emoji, markup). [`problems`] lists what makes a text
//! unspeakable, for `haven check`: such a text needs a `-voice` form.

use std::sync::LazyLock;

use regex::Regex;

use crate::Lang;
use crate::text::phones;

/// Why a text cannot be spoken as written. Its Display is the reason `haven check` prints.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpeechProblem {
    /// `http://`, `https://` or `www.`: a voice would spell it out, and no caller can click it.
    #[error("a web address ({0})")]
    Url(String),
    /// Emoji and other pictographs have no words (a voice skips them or names them oddly).
    #[error("an emoji ({0})")]
    Emoji(char),
    /// Six or more digits in a row that are not a phone number: read as a huge number.
    #[error("a long number ({0})")]
    LongNumber(String),
    /// Characters with no spoken form (markdown, brackets).
    #[error("the character `{0}`")]
    Markup(char),
    /// An instruction to type a word back ("reply PERSON", "send MENU"), which a caller
    /// cannot do.
    #[error("asks to type a word (\"{0}\")")]
    TypedWord(String),
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:https?://|www\.)\S+").expect("url pattern"));
static DOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([A-Za-z0-9][A-Za-z0-9-]*)\.(gov|org|com|net|edu|us)\b").expect("domain pattern")
});
static ZIP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d{5}").expect("zip pattern"));
static RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d+) ?[-–] ?(\d+)\b").expect("range pattern"));
static ALWAYS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b24/7\b").expect("24/7 pattern"));
static ABOUT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"~ ?(\d)").expect("about pattern"));
static MILES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d) ?mi\b").expect("miles pattern"));
static KILOMETERS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d) ?km\b").expect("km pattern"));
static DIGITS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d{6,}").expect("digits pattern"));
static TYPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i:\b(?:reply|send|tap|click|type|responda|responde|envíe|envie|envía|envia|mande|escriba|escribe|toque|toca))\s+[A-ZÁÉÍÓÚÑ]{2,}\b",
    )
    .expect("typed-word pattern")
});
static SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[ \t]{2,}").expect("spaces"));

/// Keywords of other services (988, the Crisis Text Line), which a caller may be told to text.
const OTHER_SERVICES: &[&str] = &["AYUDA", "HOME"];

/// Characters dropped from speech: markup and symbols a voice reads badly or not at all.
const MARKUP: &[char] = &[
    '*', '_', '#', '|', '<', '>', '[', ']', '{', '}', '\\', '`', '•',
];

/// Whether `c` is an emoji or another pictograph (or a character that only joins or varies
/// them).
pub fn is_pictograph(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF   // emoji, symbols and pictographs, flags, playing cards
        | 0x2600..=0x27BF   // miscellaneous symbols, dingbats (☎ ✅ ❌)
        | 0x2B00..=0x2BFF   // arrows and stars (⭐)
        | 0x2190..=0x21FF   // arrows (↩)
        | 0xFE00..=0xFE0F   // variation selectors
        | 0x200D            // zero-width joiner
        | 0x20E3            // keycap
    )
}

/// `text` rewritten for a voice in `lang` (see the module documentation). Lines are kept.
pub fn speakable(text: &str, lang: Lang) -> String {
    let (and, to, always, about, miles, km, dot) = match lang {
        Lang::En => (
            "and",
            "to",
            "24 hours a day, 7 days a week",
            "about",
            "miles",
            "kilometers",
            "dot",
        ),
        Lang::Es => (
            "y",
            "a",
            "las 24 horas, todos los días",
            "unos",
            "millas",
            "kilómetros",
            "punto",
        ),
    };
    let mut s = URL.replace_all(text, "").into_owned();
    // Phone numbers first, while their separators still mark them; then ZIP codes.
    let spans = phones::find(&s);
    for span in spans.iter().rev() {
        // As written: "1-800-..." says the 1, "(212) 555-0101" does not.
        let spoken = spell_phone(&s[span.range.clone()]);
        s.replace_range(span.range.clone(), &spoken);
    }
    let zipped = ZIP
        .replace_all(&s, |c: &regex::Captures| {
            let m = c.get(0).expect("whole match");
            let glued = s[..m.start()].ends_with(|c: char| c.is_ascii_digit() || c == '.')
                || s[m.end()..].starts_with(|c: char| c.is_ascii_digit());
            if glued {
                m.as_str().to_owned()
            } else {
                spell_digits(m.as_str())
            }
        })
        .into_owned();
    s = zipped;
    s = ALWAYS.replace_all(&s, always).into_owned();
    s = RANGE.replace_all(&s, format!("$1 {to} $2")).into_owned();
    s = ABOUT.replace_all(&s, format!("{about} $1")).into_owned();
    s = MILES.replace_all(&s, format!("$1 {miles}")).into_owned();
    s = KILOMETERS.replace_all(&s, format!("$1 {km}")).into_owned();
    s = DOMAIN
        .replace_all(&s, |c: &regex::Captures| {
            format!("{} {dot} {}", split_camel(&c[1]), &c[2])
        })
        .into_owned();
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => {
                out.push(' ');
                out.push_str(and);
                out.push(' ');
            }
            c if MARKUP.contains(&c) || is_pictograph(c) => {}
            c => out.push(c),
        }
    }
    out.lines()
        .map(|l| SPACES.replace_all(l.trim(), " ").into_owned())
        .collect::<Vec<_>>()
        .join("\n")
        .replace(" ,", ",")
        .replace(" .", ".")
}

/// What makes `text` unspeakable as written, in order of appearance; empty when a voice can
/// read it (after [`speakable`]).
pub fn problems(text: &str) -> Vec<SpeechProblem> {
    let mut found = Vec::new();
    for m in URL.find_iter(text) {
        found.push((m.start(), SpeechProblem::Url(m.as_str().to_owned())));
    }
    let phones = phones::find(text);
    for m in DIGITS.find_iter(text) {
        if !phones.iter().any(|p| p.range.contains(&m.start())) && !inside(&found, m.start()) {
            found.push((m.start(), SpeechProblem::LongNumber(m.as_str().to_owned())));
        }
    }
    for m in TYPED.find_iter(text) {
        // AYUDA and HOME are what one texts to 988 and the Crisis Text Line: telling a caller
        // to do that is speakable advice, not a word to type back to haven.
        let word = m
            .as_str()
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or_default();
        if !OTHER_SERVICES.contains(&word) {
            found.push((m.start(), SpeechProblem::TypedWord(m.as_str().to_owned())));
        }
    }
    for (i, c) in text.char_indices() {
        if is_pictograph(c) {
            found.push((i, SpeechProblem::Emoji(c)));
        } else if MARKUP.contains(&c) && !inside_url(text, i) {
            found.push((i, SpeechProblem::Markup(c)));
        }
    }
    found.sort_by_key(|(i, _)| *i);
    found.dedup_by(|a, b| a.1 == b.1);
    found.into_iter().map(|(_, p)| p).collect()
}

fn inside(found: &[(usize, SpeechProblem)], at: usize) -> bool {
    found.iter().any(|(start, p)| match p {
        SpeechProblem::Url(u) => (*start..start + u.len()).contains(&at),
        _ => false,
    })
}

fn inside_url(text: &str, at: usize) -> bool {
    URL.find_iter(text).any(|m| m.range().contains(&at))
}

/// Digits one by one: "10027" is "1 0 0 2 7".
pub fn spell_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() * 2);
    for d in digits.chars().filter(char::is_ascii_digit) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push(d);
    }
    out
}

/// A number to dial, digit by digit in the groups people say: "911" is "9 1 1";
/// "+18006624357" is "1, 8 0 0, 6 6 2, 4 3 5 7".
pub fn spell_phone(tel: &str) -> String {
    let digits: String = tel.chars().filter(char::is_ascii_digit).collect();
    let (country, rest) = match digits.len() {
        11 if digits.starts_with('1') => (Some("1"), &digits[1..]),
        _ => (None, digits.as_str()),
    };
    if rest.len() != 10 {
        return spell_digits(rest);
    }
    let groups = [&rest[..3], &rest[3..6], &rest[6..]];
    let mut parts: Vec<String> = country.map(|c| c.to_owned()).into_iter().collect();
    parts.extend(groups.iter().map(|g| spell_digits(g)));
    parts.join(", ")
}

/// "FindTreatment" as "Find Treatment", so a voice says two words.
fn split_camel(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 4);
    let mut prev_lower = false;
    for c in word.chars() {
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase();
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emergency_numbers_and_hotlines_are_read_digit_by_digit() {
        assert_eq!(
            speakable("Call 911 now. Crisis: call or text 988.", Lang::En),
            "Call 9 1 1 now. Crisis: call or text 9 8 8."
        );
        assert_eq!(
            speakable("SAMHSA Helpline 1-800-662-4357 (free, 24/7).", Lang::En),
            "SAMHSA Helpline 1, 8 0 0, 6 6 2, 4 3 5 7 (free, 24 hours a day, 7 days a week)."
        );
        assert_eq!(
            speakable("Llame al 911. Línea: 1-800-662-4357, 24/7.", Lang::Es),
            "Llame al 9 1 1. Línea: 1, 8 0 0, 6 6 2, 4 3 5 7, las 24 horas, todos los días."
        );
        assert_eq!(
            speakable("Phone: (212) 555-0101", Lang::En),
            "Phone: 2 1 2, 5 5 5, 0 1 0 1"
        );
    }

    #[test]
    fn ranges_zip_codes_distances_and_domains() {
        assert_eq!(
            speakable("Wait 2-3 minutes; it lasts 30-90 minutes.", Lang::En),
            "Wait 2 to 3 minutes; it lasts 30 to 90 minutes."
        );
        assert_eq!(
            speakable("Espere 2-3 minutos.", Lang::Es),
            "Espere 2 a 3 minutos."
        );
        assert_eq!(speakable("Near 10027:", Lang::En), "Near 1 0 0 2 7:");
        assert_eq!(speakable("~0.6 mi", Lang::En), "about 0.6 miles");
        assert_eq!(speakable("0.3 mi", Lang::Es), "0.3 millas");
        assert_eq!(
            speakable(
                "Find care at FindTreatment.gov or 988lifeline.org.",
                Lang::En
            ),
            "Find care at Find Treatment dot gov or 988lifeline dot org."
        );
        // Amounts and doses stay numbers.
        assert_eq!(
            speakable("1 breath every 5 seconds", Lang::En),
            "1 breath every 5 seconds"
        );
        assert_eq!(speakable("at least 10 mg", Lang::En), "at least 10 mg");
    }

    #[test]
    fn urls_emoji_and_markup_are_dropped() {
        assert_eq!(
            speakable(
                "📍 Map: https://www.openstreetmap.org/?mlat=40.7 *now*",
                Lang::En
            ),
            "Map: now"
        );
        assert_eq!(
            speakable("Fentanyl & naloxone", Lang::En),
            "Fentanyl and naloxone"
        );
        assert_eq!(
            speakable("Fentanilo & naloxona", Lang::Es),
            "Fentanilo y naloxona"
        );
        assert_eq!(speakable("↩️ Back to the bot", Lang::En), "Back to the bot");
    }

    #[test]
    fn lines_are_kept() {
        assert_eq!(
            speakable("Step 1. Shout.\nStep 2. Call 911.", Lang::En),
            "Step 1. Shout.\nStep 2. Call 9 1 1."
        );
    }

    #[test]
    fn what_cannot_be_spoken_is_named() {
        assert_eq!(problems("Call 911. Crisis: 988. Wait 2-3 minutes."), []);
        assert_eq!(
            problems("See https://example.org/x for more"),
            [SpeechProblem::Url("https://example.org/x".into())]
        );
        assert_eq!(
            problems("📍 Share my location"),
            [SpeechProblem::Emoji('📍')]
        );
        assert_eq!(
            problems("Your code is 12345678."),
            [SpeechProblem::LongNumber("12345678".into())]
        );
        assert_eq!(problems("Helpline 1-800-662-4357"), []);
        assert_eq!(
            problems("To talk to a person, reply PERSON. Send MENU to go back."),
            [
                SpeechProblem::TypedWord("reply PERSON".into()),
                SpeechProblem::TypedWord("Send MENU".into())
            ]
        );
        assert_eq!(
            problems("Para hablar con una persona, responda PERSONA."),
            [SpeechProblem::TypedWord("responda PERSONA".into())]
        );
        // Telling someone to text another service is speakable: "text AYUDA to 988".
        assert_eq!(problems("or text AYUDA to 988"), []);
        assert_eq!(problems("o mande AYUDA por texto al 988"), []);
        assert_eq!(problems("a *bold* word"), [SpeechProblem::Markup('*')]);
        assert_eq!(
            SpeechProblem::TypedWord("reply PERSON".into()).to_string(),
            "asks to type a word (\"reply PERSON\")"
        );
    }

    #[test]
    fn spelled_numbers() {
        assert_eq!(spell_phone("911"), "9 1 1");
        assert_eq!(spell_phone("+18002738255"), "1, 8 0 0, 2 7 3, 8 2 5 5");
        assert_eq!(spell_phone("+12125550101"), "1, 2 1 2, 5 5 5, 0 1 0 1");
        assert_eq!(spell_digits("10027"), "1 0 0 2 7");
    }
}
