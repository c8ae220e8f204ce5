//! Folding of free text before matching: width, case, accents, elongations and punctuation.
//!
//! Every matcher in haven (triage triggers, choices, place names) compares *folded* text with
//! *folded* keywords, so "ＨＥＬＰ", "Help!!" and "helllp" all become `help`, and "¿Dónde hay
//! NALOXONA?" becomes `donde hay naloxona`. Both sides are folded by the same function, which is
//! why ñ folding to n is harmless.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Text folded for matching: lower-case ASCII-ish words separated by single spaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folded(pub String);

impl Folded {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.0.split(' ').filter(|w| !w.is_empty())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Folds `text`: NFKC (full-width and ligatures), NFD, combining marks dropped, lower case,
/// apostrophes removed inside words ("won't" → "wont"), any other non-alphanumeric character
/// turned into a word break, and runs of three or more identical letters squeezed to one
/// ("pleeease" → "please", "hellllp" → "help"). The result is words joined by single spaces.
pub fn fold(text: &str) -> Folded {
    fold_with(text, false)
}

/// Folds like [`fold`], but keeps each run of question marks (`?`, `¿`) as a word `?` of its
/// own, so that concept matching can tell a question from a report.
pub fn fold_marking_questions(text: &str) -> Folded {
    fold_with(text, true)
}

fn fold_with(text: &str, questions: bool) -> Folded {
    let mut out = String::with_capacity(text.len());
    // The previous pushed char and how many times in a row it was seen in the input.
    let mut run_char = '\0';
    let mut run_len = 0usize;
    let mut pending_space = false;
    // Plain ASCII needs no Unicode normalization, and most messages are plain ASCII.
    let normalized: Box<dyn Iterator<Item = char>> = if text.is_ascii() {
        Box::new(text.chars())
    } else {
        Box::new(
            text.nfkc()
                .collect::<String>()
                .nfd()
                .collect::<Vec<char>>()
                .into_iter(),
        )
    };
    for c in normalized {
        if is_combining_mark(c) {
            continue;
        }
        // Apostrophes of every shape vanish so that contractions stay one word.
        if matches!(c, '\'' | '’' | '‘' | '`' | '´' | 'ʼ') {
            continue;
        }
        if c.is_alphanumeric() {
            for lc in c.to_lowercase() {
                if lc == run_char {
                    run_len += 1;
                    // Keep at most two in a row while reading; squeeze to one below.
                    if run_len >= 3 {
                        continue;
                    }
                } else {
                    run_char = lc;
                    run_len = 1;
                }
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(lc);
            }
        } else {
            if questions && matches!(c, '?' | '¿') && !out.ends_with('?') {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push('?');
            }
            pending_space = true;
            run_char = '\0';
            run_len = 0;
        }
    }
    Folded(squeeze_long_runs(out, text))
}

/// A run that was three or more long in the input was kept as two characters by `fold`; this
/// reduces such runs to one, leaving genuine doubles ("sleeping", "need") alone.
fn squeeze_long_runs(folded: String, original: &str) -> String {
    // Fast path: almost every message has no run of three.
    let lower: Vec<char> = original.to_lowercase().chars().collect();
    let has_triple = lower
        .windows(3)
        .any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_alphanumeric());
    if !has_triple {
        return folded;
    }
    // Re-fold word by word: a word whose original had a triple gets its doubles of that letter
    // squeezed. Doing it per word keeps "too" in "tooo sleepy" right.
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        let chars: Vec<char> = word.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let doubled = i + 1 < chars.len() && chars[i + 1] == c;
            let was_long = doubled && had_run_of_three(&lower, c);
            out.push(c);
            i += if was_long { 2 } else { 1 };
        }
    }
    out
}

fn had_run_of_three(lower: &[char], c: char) -> bool {
    lower
        .windows(3)
        .any(|w| w[0] == c && w[1] == c && w[2] == c)
}

/// The words of `text` after folding, as owned strings.
pub fn tokens(text: &str) -> Vec<String> {
    fold(text).words().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_accents_and_punctuation() {
        assert_eq!(fold("ＨＥＬＰ").as_str(), "help");
        assert_eq!(fold("¿Dónde hay NALOXONA?").as_str(), "donde hay naloxona");
        assert_eq!(
            fold("  my friend won't   wake up!!! ").as_str(),
            "my friend wont wake up"
        );
        assert_eq!(fold("niño, año").as_str(), "nino ano");
        assert_eq!(fold("").as_str(), "");
        assert_eq!(fold("💊💊").as_str(), "");
    }

    #[test]
    fn squeezes_elongations_but_keeps_real_doubles() {
        assert_eq!(fold("hellllp").as_str(), "help");
        assert_eq!(fold("pleeease").as_str(), "please");
        assert_eq!(fold("sleeping").as_str(), "sleeping");
        assert_eq!(fold("need help").as_str(), "need help");
        assert_eq!(fold("HELPPP").as_str(), "help");
    }

    #[test]
    fn question_marks_can_be_kept_as_words() {
        assert_eq!(
            fold_marking_questions("¿Dónde hay NALOXONA??").as_str(),
            "? donde hay naloxona ?"
        );
        assert_eq!(
            fold_marking_questions("is he ok?? hes blue").as_str(),
            "is he ok ? hes blue"
        );
        assert_eq!(fold("is he ok?").as_str(), "is he ok");
    }

    #[test]
    fn control_characters_are_word_breaks() {
        assert_eq!(fold("a\u{0}b\u{7}c\td").as_str(), "a b c d");
    }
}
