//! `choices`: wait for the person to pick one of several answers.
//!
//! ```yaml
//! - id: ask-kind
//!   say: services-ask-kind
//!   choices:
//!     - label: services-kind-naloxone    # text key; shown as "1 Naloxone" by SMS, a button elsewhere
//!       words: [narcan, naloxone, naloxona]
//!       set: {kind: naloxone}
//!       next: ask-where
//!     - label: services-kind-syringe
//!       words: [needles, syringes, jeringas]
//!       set: {kind: syringe}
//!       next: ask-where
//!   otherwise: ask-kind      # optional; by default the step is asked again
//! ```
//! An answer picks a choice by its number, by the text of its label in any language, or by one
//! of its `words` (whole words, folded, typo-tolerant on words of five letters or more). Words
//! that are SMS keywords (STOP, HELP, START...) are refused by `haven check`.

use crate::text::Folded;

use super::super::Target;

#[derive(Debug)]
pub struct Choices {
    pub choices: Vec<Choice>,
    pub otherwise: Option<Target>,
}

#[derive(Debug)]
pub struct Choice {
    /// The text key of the label.
    pub label: String,
    /// Folded phrases that pick this choice.
    pub words: Vec<Vec<String>>,
    pub set: Vec<(String, String)>,
    pub target: Target,
}

impl Choices {
    /// The choice `answer` picks. `labels(i)` gives the folded label texts of choice `i` in every
    /// language, so a person can answer with the words they were shown.
    pub fn pick<'a>(
        &self,
        answer: &Folded,
        labels: impl Fn(usize) -> &'a [Folded],
    ) -> Option<usize> {
        let words: Vec<&str> = answer.words().collect();
        if words.is_empty() {
            return None;
        }
        // A number, alone or with a word or two ("2", "#2", "option 2", "2 please").
        if words.len() <= 3 {
            let numbers: Vec<usize> = words
                .iter()
                .filter_map(|w| w.parse::<usize>().ok())
                .collect();
            if let [n] = numbers.as_slice()
                && (1..=self.choices.len()).contains(n)
            {
                return Some(n - 1);
            }
        }
        for (i, choice) in self.choices.iter().enumerate() {
            if choice.words.iter().any(|p| contains_phrase(&words, p)) {
                return Some(i);
            }
        }
        for i in 0..self.choices.len() {
            for label in labels(i) {
                let label_words: Vec<&str> = label.words().collect();
                if !label_words.is_empty() && contains_words(&words, &label_words) {
                    return Some(i);
                }
            }
        }
        None
    }
}

/// Whether `phrase` occurs as consecutive words of `words`, allowing one typo in words of five
/// letters or more.
pub fn contains_phrase(words: &[&str], phrase: &[String]) -> bool {
    let phrase: Vec<&str> = phrase.iter().map(String::as_str).collect();
    contains_words(words, &phrase)
}

fn contains_words(words: &[&str], phrase: &[&str]) -> bool {
    if phrase.is_empty() || phrase.len() > words.len() {
        return false;
    }
    words
        .windows(phrase.len())
        .any(|w| w.iter().zip(phrase).all(|(a, b)| word_matches(a, b)))
}

/// Exact match, or Damerau–Levenshtein distance 1 for words of five characters or more.
pub fn word_matches(said: &str, expected: &str) -> bool {
    if said == expected {
        return true;
    }
    let (a, b) = (said.chars().count(), expected.chars().count());
    a >= 5 && b >= 5 && a.abs_diff(b) <= 1 && strsim::damerau_levenshtein(said, expected) <= 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn choices() -> Choices {
        let c = |label: &str, words: &[&str]| Choice {
            label: label.into(),
            words: words
                .iter()
                .map(|w| fold(w).words().map(str::to_owned).collect())
                .collect(),
            set: vec![],
            target: Target::End,
        };
        Choices {
            choices: vec![
                c("a", &["narcan", "naloxone"]),
                c("b", &["needles", "new syringes"]),
            ],
            otherwise: None,
        }
    }

    #[test]
    fn picks_by_number_word_typo_and_label() {
        let ch = choices();
        let none = |_| -> &'static [Folded] { &[] };
        assert_eq!(ch.pick(&fold("2"), none), Some(1));
        assert_eq!(ch.pick(&fold("#1."), none), Some(0));
        assert_eq!(ch.pick(&fold("option 2 please"), none), Some(1));
        assert_eq!(ch.pick(&fold("3"), none), None);
        assert_eq!(ch.pick(&fold("I need NEEDLES"), none), Some(1));
        assert_eq!(ch.pick(&fold("nalaxone"), none), Some(0));
        assert_eq!(ch.pick(&fold("new syringes pls"), none), Some(1));
        assert_eq!(ch.pick(&fold("syringes"), none), None);
        let testing = [fold("Testing (HIV)")];
        let labels = |i| if i == 1 { &testing[..] } else { &[] };
        assert_eq!(ch.pick(&fold("testing hiv"), labels), Some(1));
        assert_eq!(ch.pick(&fold(""), none), None);
    }
}
