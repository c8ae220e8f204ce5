//! Property tests for triage: any text at all — emoji, right-to-left scripts, zero-width and
//! combining characters, words of any length, 10 kB pastes — gets an answer, never a panic, and
//! costs bounded work (counted, not timed: the message is read to a fixed number of words, and
//! no word reaches the typo step longer than the vocabulary's longest word plus two).

use std::path::Path;
use std::sync::OnceLock;

use haven::engine::{Channel, Content, Ctx, Engine, Input, Session};
use haven::triage::MAX_CHARS;
use haven::triage::concepts::MAX_TOKENS;
use proptest::prelude::*;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Engine::load(&root.join("flows"), &root.join("locales")).expect("shipped flows load")
    })
}

/// Characters people and attackers send: letters of several scripts, emoji, marks, controls.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => Just(' '),
        1 => prop::sample::select(vec![
            '\u{200b}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{202e}', '\u{feff}', '\u{0301}',
            '\u{0300}', '\u{2066}', '\u{2069}', '\n', '\t', '\0', '?', '¿', '¡', '\'', 'ñ', 'é',
            'ü', 'ß', 'İ', 'ﬁ', 'Ｈ', 'Ｅ',
        ]),
        1 => proptest::char::range('\u{0590}', '\u{06ff}'),
        1 => proptest::char::range('\u{1f300}', '\u{1faff}'),
        1 => any::<char>(),
    ]
}

fn message(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any_char(), 0..max).prop_map(|v| v.into_iter().collect())
}

fn reply_to(text: &str) -> Vec<String> {
    let out = engine().handle(
        Session::default(),
        &Input {
            content: Content::Text(text),
            now: 1_800_000_000,
            channel: Channel::Sms,
        },
        &Ctx::default(),
    );
    out.replies.iter().map(|r| r.plain()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Any text gets at least one non-empty reply (never a dead end) and classifies without a
    /// panic; what concepts read is bounded.
    #[test]
    fn any_text_gets_an_answer(text in message(300)) {
        let (cls, prepared) = engine().classify(&text);
        let _ = engine().intent_of(&cls);
        prop_assert!(prepared.tokens.words.len() <= MAX_TOKENS);
        prop_assert_eq!(prepared.tokens.words.len(), prepared.tokens.en.len());
        prop_assert_eq!(prepared.tokens.words.len(), prepared.tokens.es.len());
        let replies = reply_to(&text);
        prop_assert!(replies.iter().any(|r| !r.trim().is_empty()), "no reply to {:?}", text);
    }

    /// One word of any length, however long, is read in bounded pieces.
    #[test]
    fn one_huge_word_is_bounded(c in proptest::char::range('a', 'z'), n in 1usize..20_000) {
        let text: String = std::iter::repeat_n(c, n).collect();
        let (_, prepared) = engine().classify(&text);
        prop_assert!(prepared.folded.as_str().chars().count() <= MAX_CHARS);
        prop_assert!(prepared.tokens.words.len() <= MAX_TOKENS);
        prop_assert!(!reply_to(&text).is_empty());
    }

    /// Mixed words of random lengths: the typo step never sees a word it cannot bound.
    #[test]
    fn long_words_skip_the_typo_step(words in prop::collection::vec("[a-z]{1,60}", 1..200)) {
        let text = words.join(" ");
        let (_, prepared) = engine().classify(&text);
        prop_assert!(prepared.tokens.words.len() <= MAX_TOKENS);
    }
}

/// The attack from the security review, as a fixed case: an 800-letter word and a 10 kB paste.
#[test]
fn the_reviewed_attacks_get_answers() {
    for text in [
        "a".repeat(800),
        "overdose".repeat(1_500),
        "🙂".repeat(5_000),
        "\u{202e}".repeat(10_000),
        "my friend ".repeat(1_000) + "is not breathing",
    ] {
        let replies = reply_to(&text);
        assert!(
            !replies.is_empty(),
            "no reply to a {}-byte message",
            text.len()
        );
    }
}

/// The emergency in a 10 kB message is found when it comes first.
#[test]
fn an_emergency_at_the_start_of_a_paste_is_found() {
    let text = format!("my friend is not breathing {}", "blah ".repeat(2_000));
    let (cls, _) = engine().classify(&text);
    assert_eq!(engine().intent_of(&cls), "emergency");
}
