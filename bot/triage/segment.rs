//! Words run together on a phone ("myfriendisnotbreathing", "nodespierta", "iwanttodie") split
//! back into words, so that they reach the concepts like any other message.
//!
//! A long word that is not itself known is split into the fewest known words (the concepts'
//! words and the common short words of English and Spanish), if it can be split entirely. The
//! work is bounded: only words of `MIN_LEN` to `MAX_LEN` letters are tried, each in time
//! quadratic in its length, so a message costs time linear in its length.

use std::collections::HashSet;

/// Words shorter than this are never split: "nome" is not "no me".
const MIN_LEN: usize = 7;
/// Words longer than this are not tried (nobody glues more than a sentence together).
const MAX_LEN: usize = 48;
/// At most this many pieces.
const MAX_PIECES: usize = 8;

/// Short words that glue the rest together, in both languages.
const FUNCTION_WORDS: &[&str] = &[
    // English
    "i",
    "a",
    "im",
    "my",
    "me",
    "is",
    "it",
    "its",
    "he",
    "hes",
    "she",
    "shes",
    "they",
    "we",
    "you",
    "u",
    "to",
    "too",
    "the",
    "an",
    "and",
    "of",
    "in",
    "on",
    "at",
    "up",
    "out",
    "not",
    "no",
    "dont",
    "cant",
    "wont",
    "isnt",
    "want",
    "wanna",
    "just",
    "so",
    "all",
    "now",
    "his",
    "her",
    "him",
    "them",
    "be",
    "am",
    "are",
    "was",
    "has",
    "have",
    "had",
    "do",
    "did",
    "get",
    "got",
    "this",
    "that",
    "what",
    "how",
    "help",
    "please",
    "pls",
    "friend",
    "someone",
    "going",
    "gonna",
    "die",
    "dead",
    "kill",
    "myself",
    "wake",
    "breathe",
    "breathing",
    "od",
    "odd",
    // Spanish
    "y",
    "o",
    "e",
    "el",
    "la",
    "lo",
    "le",
    "los",
    "las",
    "un",
    "una",
    "mi",
    "tu",
    "su",
    "se",
    "te",
    "de",
    "del",
    "en",
    "con",
    "por",
    "para",
    "que",
    "no",
    "ya",
    "yo",
    "es",
    "esta",
    "estoy",
    "quiero",
    "me",
    "muy",
    "mas",
    "ayuda",
    "amigo",
    "amiga",
    "despierta",
    "respira",
    "reacciona",
    "morir",
    "matar",
    "matarme",
];

/// The known words a run-together word may be split into.
#[derive(Debug, Default)]
pub struct Segmenter {
    known: HashSet<String>,
    /// Beginnings of words the concepts match as prefixes (`desmay*`): such a word is known.
    prefixes: Vec<String>,
    longest: usize,
}

impl Segmenter {
    pub fn new<'a>(
        vocabulary: impl IntoIterator<Item = &'a str>,
        prefixes: impl IntoIterator<Item = &'a str>,
    ) -> Segmenter {
        let mut known: HashSet<String> = FUNCTION_WORDS.iter().map(|w| (*w).to_owned()).collect();
        // Only words of two letters or more from the vocabulary: single letters make almost
        // anything splittable.
        known.extend(
            vocabulary
                .into_iter()
                .filter(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphanumeric()))
                .map(str::to_owned),
        );
        let longest = known.iter().map(String::len).max().unwrap_or(0);
        Segmenter {
            known,
            prefixes: prefixes.into_iter().map(str::to_owned).collect(),
            longest,
        }
    }

    /// Whether `word` is a known word as it stands (not counting prefixes).
    pub fn knows_word(&self, word: &str) -> bool {
        self.known.contains(word)
    }

    /// Whether `word` is known, or begins with a concept's prefix.
    pub fn knows(&self, word: &str) -> bool {
        self.known.contains(word) || self.prefixes.iter().any(|p| word.starts_with(p.as_str()))
    }

    /// The fewest known words `word` is made of, if it is long, unknown, and made only of them.
    pub fn split<'w>(&self, word: &'w str) -> Option<Vec<&'w str>> {
        let n = word.len();
        if !(MIN_LEN..=MAX_LEN).contains(&n) || !word.is_ascii() || self.knows(word) {
            return None;
        }
        // best[i]: the fewest pieces covering word[..i], and where the last piece starts.
        let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
        best[0] = Some((0, 0));
        for end in 1..=n {
            let from = end.saturating_sub(self.longest);
            for start in from..end {
                let Some((pieces, _)) = best[start] else {
                    continue;
                };
                if pieces >= MAX_PIECES || !self.known.contains(&word[start..end]) {
                    continue;
                }
                let cand = (pieces + 1, start);
                if best[end].is_none_or(|b| cand.0 < b.0) {
                    best[end] = Some(cand);
                }
            }
        }
        let (pieces, _) = best[n]?;
        if pieces < 2 {
            return None;
        }
        let mut out = Vec::with_capacity(pieces);
        let mut end = n;
        while end > 0 {
            let (_, start) = best[end]?;
            out.push(&word[start..end]);
            end = start;
        }
        out.reverse();
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_messages_come_apart() {
        let s = Segmenter::new(
            ["friend", "breathing", "despierta", "overdosing"],
            ["sobredos"],
        );
        assert_eq!(
            s.split("myfriendisnotbreathing"),
            Some(vec!["my", "friend", "is", "not", "breathing"])
        );
        assert_eq!(s.split("iwanttodie"), Some(vec!["i", "want", "to", "die"]));
        assert_eq!(s.split("nodespierta"), Some(vec!["no", "despierta"]));
        assert_eq!(s.split("hesoverdosing"), Some(vec!["hes", "overdosing"]));
        // Known words, short words and words with unknown parts stay whole.
        assert_eq!(s.split("breathing"), None);
        assert_eq!(s.split("nome"), None);
        assert_eq!(s.split("understanding"), None);
        assert_eq!(s.split("sobredosando"), None, "a concept's prefix");
        assert_eq!(s.split(&"a".repeat(10_000)), None);
    }
}
