//! Word forms for concept matching: Snowball stems in English and Spanish, and Spanish clitic
//! pronouns split from the verbs they are written onto.
//!
//! A person writes "overdosing", "overdosed", "OD'd"; "respira", "respirando"; "matarme",
//! "me voy a matar". Concepts list a word once and match its other forms through the stem of
//! the language the word was written for (the `rust-stemmers` crate: the Snowball algorithms).
//! Spanish writes object pronouns onto infinitives and gerunds ("matarme" = "matar" + "me"),
//! and the pronoun says *who*: "matarme" is the sender, "despertarlo" someone else. So before
//! stemming, such words are split in two, on the message and on the concept's words alike.

use rust_stemmers::{Algorithm, Stemmer};

use crate::Lang;

/// Spanish clitic pronouns, longest first so "nos" wins over "os".
const CLITICS: &[&str] = &[
    "nos", "los", "las", "les", "me", "te", "se", "lo", "la", "le",
];

/// Verb endings a clitic may follow: infinitives and gerunds (folded, without accents).
const VERB_ENDINGS: &[&str] = &["ar", "er", "ir", "ando", "iendo", "yendo"];

/// The two stemmers, built once.
pub struct Stemmers {
    en: Stemmer,
    es: Stemmer,
}

impl std::fmt::Debug for Stemmers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stemmers")
    }
}

impl Default for Stemmers {
    fn default() -> Stemmers {
        Stemmers {
            en: Stemmer::create(Algorithm::English),
            es: Stemmer::create(Algorithm::Spanish),
        }
    }
}

impl Stemmers {
    /// The stem of a folded word in `lang`.
    pub fn stem(&self, lang: Lang, word: &str) -> String {
        match lang {
            Lang::En => self.en.stem(word).into_owned(),
            Lang::Es => self.es.stem(word).into_owned(),
        }
    }

    /// The key a concept word written for `lang` is compared by: its stem, unless the stem is
    /// so short that unrelated words share it (Spanish "morir" and "morado" both stem to
    /// "mor"), in which case the word must appear as written.
    pub fn key_stem(&self, lang: Lang, word: &str) -> Option<String> {
        let stem = self.stem(lang, word);
        let min = match lang {
            Lang::En => 3,
            Lang::Es => 4,
        };
        (stem.chars().count() >= min).then_some(stem)
    }
}

/// Splits a folded word into a verb and the clitic pronouns written onto it ("matarme" →
/// ["matar", "me"], "tomarmelas" → ["tomar", "me", "las"]); `None` when it has none.
pub fn split_clitics(word: &str) -> Option<Vec<&str>> {
    if word.len() < 5 || !word.is_ascii() {
        return None;
    }
    let mut end = word.len();
    let mut clitics: Vec<&str> = Vec::new();
    // At most two pronouns ("dár-se-lo").
    while clitics.len() < 2 {
        let rest = &word[..end];
        let Some(c) = CLITICS
            .iter()
            .find(|c| rest.len() > c.len() + 3 && rest.ends_with(*c))
        else {
            break;
        };
        end -= c.len();
        clitics.push(&word[end..end + c.len()]);
        let verb = &word[..end];
        if VERB_ENDINGS.iter().any(|e| verb.ends_with(e)) {
            let mut out = vec![verb];
            out.extend(clitics.iter().rev());
            return Some(out);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clitics_come_off_infinitives_and_gerunds() {
        assert_eq!(split_clitics("matarme"), Some(vec!["matar", "me"]));
        assert_eq!(split_clitics("suicidarme"), Some(vec!["suicidar", "me"]));
        assert_eq!(split_clitics("morirme"), Some(vec!["morir", "me"]));
        assert_eq!(
            split_clitics("tomarmelas"),
            Some(vec!["tomar", "me", "las"])
        );
        assert_eq!(split_clitics("despertarlo"), Some(vec!["despertar", "lo"]));
        assert_eq!(split_clitics("matandome"), Some(vec!["matando", "me"]));
        assert_eq!(split_clitics("haciendose"), Some(vec!["haciendo", "se"]));
        // Not verbs with clitics.
        assert_eq!(split_clitics("matar"), None);
        assert_eq!(split_clitics("nome"), None);
        assert_eq!(split_clitics("breathing"), None);
        assert_eq!(split_clitics("someone"), None);
        assert_eq!(split_clitics("please"), None);
    }

    #[test]
    fn stems_join_forms_and_short_stems_are_refused() {
        let s = Stemmers::default();
        assert_eq!(s.stem(Lang::En, "breathing"), s.stem(Lang::En, "breathe"));
        assert_eq!(
            s.stem(Lang::En, "overdosed"),
            s.stem(Lang::En, "overdosing")
        );
        assert_eq!(s.stem(Lang::Es, "respirando"), s.stem(Lang::Es, "respira"));
        assert_eq!(s.stem(Lang::Es, "desmayado"), s.stem(Lang::Es, "desmayo"));
        assert_eq!(s.key_stem(Lang::Es, "morir"), None, "mor is also morado");
        assert!(s.key_stem(Lang::Es, "respira").is_some());
        assert_eq!(s.key_stem(Lang::En, "od"), None);
    }
}
