//! Typo tolerance for triage: correct message words toward the words the triggers use.
//!
//! A person typing with shaking hands writes "overdoes", "breathng", "unresponsiv". Before
//! patterns run, each message word of five letters or more that is not itself a trigger word is
//! replaced by the closest trigger word within Damerau–Levenshtein distance 1 (distance 2 for
//! words of nine letters or more). Short words are never corrected: "od" and "ok" are one
//! edit apart. Lookup uses a deletion index (SymSpell's idea) so a message costs a few hash
//! lookups per word, not a scan of the vocabulary.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::text::fxhash::{FxMap, FxSet};

/// Corrections already looked up, per thread and per vocabulary: message words repeat, and a
/// lookup builds deletion variants and measures distances. Bounded; cleared when full.
const CACHE: usize = 8192;

thread_local! {
    static CORRECTED: RefCell<FxMap<(u64, String), Option<u32>>> = RefCell::new(FxMap::default());
}

/// Each vocabulary gets its own number, so cached corrections never cross vocabularies (tests
/// load several sets of flows in one process).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The vocabulary of trigger words and an index of their deletions.
#[derive(Debug, Default)]
pub struct Fuzzy {
    words: Vec<String>,
    exact: FxSet<String>,
    deletions: FxMap<String, Vec<u32>>,
    /// The length in characters of the longest vocabulary word.
    longest: usize,
    /// This vocabulary's number in the correction cache.
    id: u64,
}

const MIN_LEN: usize = 5;
const LONG_LEN: usize = 9;

impl Fuzzy {
    pub fn new<'a>(vocabulary: impl IntoIterator<Item = &'a str>) -> Fuzzy {
        let mut f = Fuzzy {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            ..Fuzzy::default()
        };
        for w in vocabulary {
            if w.chars().count() < MIN_LEN
                || f.exact.contains(w)
                || !w.chars().all(char::is_alphanumeric)
            {
                continue;
            }
            let id = f.words.len() as u32;
            f.longest = f.longest.max(w.chars().count());
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

    /// Whether `word` is a vocabulary word as it stands.
    pub fn knows(&self, word: &str) -> bool {
        self.exact.contains(word)
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
        if len < MIN_LEN || len > self.longest + 2 || self.exact.contains(word) {
            return None;
        }
        let key = (self.id, word.to_owned());
        if let Some(hit) = CORRECTED.with(|c| c.borrow().get(&key).copied()) {
            return hit.map(|id| self.words[id as usize].as_str());
        }
        let found = self.lookup(word, len);
        CORRECTED.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= CACHE {
                c.clear();
            }
            c.insert(key, found);
        });
        found.map(|id| self.words[id as usize].as_str())
    }

    /// The closest vocabulary word within reach, by its index.
    fn lookup(&self, word: &str, len: usize) -> Option<u32> {
        // A word longer than every vocabulary word by more than two edits cannot be within
        // reach of any, and its deletion variants would cost time and memory quadratic in its
        // length (an 800-letter word once took 2.6 s and 550 MB).
        if len < MIN_LEN || len > self.longest + 2 || self.exact.contains(word) {
            return None;
        }
        let depth = if len >= LONG_LEN { 2 } else { 1 };
        let mut best: Option<(usize, u32)> = None;
        let mut seen = FxSet::default();
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
                if inflection(word, cand) {
                    continue;
                }
                let dist = strsim::damerau_levenshtein(word, cand);
                if dist <= max && best.is_none_or(|(bd, bid)| dist < bd || (dist == bd && id < bid))
                {
                    best = Some((dist, id));
                }
            }
        }
        best.map(|(_, id)| id)
    }
}

/// Whether two short words differ only in their last letter, or by one letter added at the end:
/// the place where English and Spanish inflect ("matan"/"matar", "morado"/"morada"). Such a pair
/// is two forms of a word, not a typo, and correcting one into the other changes its meaning;
/// stems join the forms that mean the same.
fn inflection(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    // In long words a lost or wrong last letter is a typo far more often than a form.
    if short.len() >= 8 {
        return false;
    }
    match long.len() - short.len() {
        0 => short[..short.len() - 1] == long[..long.len() - 1],
        1 => long.starts_with(short),
        _ => false,
    }
}

/// `word` itself and every string made by deleting up to `depth` characters.
fn deletions(word: &str, depth: usize) -> FxSet<String> {
    let mut out = FxSet::default();
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

    #[test]
    fn inflections_are_not_typos() {
        let f = Fuzzy::new(["matar", "morado", "overdose", "narcan"]);
        assert_eq!(f.correct("matan"), None, "they kill, not to kill");
        assert_eq!(f.correct("morada"), None);
        assert_eq!(f.correct("narcn"), Some("narcan"));
        assert_eq!(f.correct("overdoes"), Some("overdose"));
    }

    #[test]
    fn a_huge_word_costs_nothing() {
        let f = Fuzzy::new(["overdose", "breathing"]);
        let huge = "a".repeat(100_000);
        assert_eq!(f.correct(&huge), None);
        assert_eq!(f.correct("ovrdose"), Some("overdose"));
    }
}
