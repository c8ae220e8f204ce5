//! Typo tolerance for triage: correct message words toward the words the triggers use.
//!
//! A person typing with shaking hands writes "overdoes", "breathng", "unresponsiv". Before
//! patterns run, each message word of five letters or more that is not itself a trigger word is
//! replaced by the closest trigger word within Damerau–Levenshtein distance 1 (distance 2 for
//! words of nine letters or more). Short words are never corrected: "od" and "ok" are one
//! edit apart. Lookup uses a deletion index (SymSpell's idea) so a message costs a few hash
//! lookups per word, not a scan of the vocabulary.

use std::collections::{HashMap, HashSet};

/// The vocabulary of trigger words and an index of their deletions.
#[derive(Debug, Default)]
pub struct Fuzzy {
    words: Vec<String>,
    exact: HashSet<String>,
    deletions: HashMap<String, Vec<u32>>,
}

const MIN_LEN: usize = 5;
const LONG_LEN: usize = 9;

impl Fuzzy {
    pub fn new<'a>(vocabulary: impl IntoIterator<Item = &'a str>) -> Fuzzy {
        let mut f = Fuzzy::default();
        for w in vocabulary {
            if w.chars().count() < MIN_LEN
                || f.exact.contains(w)
                || !w.chars().all(char::is_alphanumeric)
            {
                continue;
            }
            let id = f.words.len() as u32;
            f.words.push(w.to_owned());
            f.exact.insert(w.to_owned());
            let depth = if w.chars().count() >= LONG_LEN { 2 } else { 1 };
            for d in deletions(w, depth) {
                let ids = f.deletions.entry(d).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        f
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The vocabulary word `word` most likely meant, if it is not exact but close enough.
    pub fn correct(&self, word: &str) -> Option<&str> {
        let len = word.chars().count();
        if len < MIN_LEN || self.exact.contains(word) {
            return None;
        }
        let depth = if len >= LONG_LEN { 2 } else { 1 };
        let mut best: Option<(usize, u32)> = None;
        let mut seen = HashSet::new();
        for d in deletions(word, depth) {
            let Some(ids) = self.deletions.get(&d) else {
                continue;
            };
            for &id in ids {
                if !seen.insert(id) {
                    continue;
                }
                let cand = &self.words[id as usize];
                let clen = cand.chars().count();
                let max = if len.min(clen) >= LONG_LEN { 2 } else { 1 };
                let dist = strsim::damerau_levenshtein(word, cand);
                if dist <= max && best.is_none_or(|(bd, bid)| dist < bd || (dist == bd && id < bid))
                {
                    best = Some((dist, id));
                }
            }
        }
        best.map(|(_, id)| self.words[id as usize].as_str())
    }
}

/// `word` itself and every string made by deleting up to `depth` characters.
fn deletions(word: &str, depth: usize) -> HashSet<String> {
    let mut out = HashSet::new();
    out.insert(word.to_owned());
    let mut frontier = vec![word.to_owned()];
    for _ in 0..depth {
        let mut next = Vec::new();
        for w in &frontier {
            let chars: Vec<char> = w.chars().collect();
            for i in 0..chars.len() {
                let d: String = chars[..i].iter().chain(&chars[i + 1..]).collect();
                if out.insert(d.clone()) {
                    next.push(d);
                }
            }
        }
        frontier = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrects_common_typos_and_leaves_short_words() {
        let f = Fuzzy::new([
            "overdose",
            "overdosing",
            "breathing",
            "unresponsive",
            "naloxone",
            "narcan",
            "od",
        ]);
        assert_eq!(f.correct("overdoes"), Some("overdose"));
        assert_eq!(f.correct("ovrdose"), Some("overdose"));
        assert_eq!(f.correct("breathng"), Some("breathing"));
        assert_eq!(f.correct("breating"), Some("breathing"));
        assert_eq!(f.correct("unresponsiv"), Some("unresponsive"));
        assert_eq!(f.correct("unrepsonsiv"), Some("unresponsive"));
        assert_eq!(f.correct("nalaxone"), Some("naloxone"));
        assert_eq!(f.correct("narcn"), Some("narcan"));
        assert_eq!(f.correct("narcan"), None, "exact words need no correction");
        assert_eq!(f.correct("ok"), None);
        assert_eq!(f.correct("house"), None);
        assert_eq!(f.correct("bread"), None);
    }
}
