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
//! An answer picks a choice by its number, by the text of its label in any language, by one of
//! its `words` (whole words, folded; typos corrected by triage toward the flows' words), or by what
//! it means: `match:` rules over concepts, as triggers have ("she's breathing now" picks
//! "Awake" with `match: [breathing-again]`). Choices are tried in order, so put the most
//! specific first. Words that are SMS keywords (STOP, HELP, START...) are refused by `haven
//! check`. A choice word found inside a longer message is a loose answer: if another flow's
//! trigger matches the message too, the trigger wins ("I need narcan near me" at the menu).

use crate::text::Folded;
use crate::triage::concepts::{Found, Rule, eval_rule};

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
    /// Concept rules that pick this choice by what an answer means.
    pub rules: Vec<Rule>,
    pub set: Vec<(String, String)>,
    pub target: Target,
}

impl Choices {
    /// The choice `answer` picks, and how. `labels(i)` gives the folded label texts of choice
    /// `i` in every language, so a person can answer with the words they were shown; `found` is
    /// what the concepts found in the answer.
    pub fn pick<'a>(
        &self,
        answer: &Folded,
        corrected: &Folded,
        found: &Found,
        labels: impl Fn(usize) -> &'a [Folded],
    ) -> Option<(usize, How)> {
        let words: Vec<&str> = answer.words().collect();
        if let Some(i) = self.pick_words(&words, &labels) {
            return Some(i);
        }
        // The same words with typos corrected toward the flows' words ("nalaxone").
        if corrected != answer {
            let words: Vec<&str> = corrected.words().collect();
            if let Some(i) = self.pick_words(&words, &labels) {
                return Some(i);
            }
        }
        for (i, choice) in self.choices.iter().enumerate() {
            if choice
                .rules
                .iter()
                .any(|r| !eval_rule(r, &found.spans).is_empty())
            {
                return Some((i, How::Meaning));
            }
        }
        None
    }

    fn pick_words<'a>(
        &self,
        words: &[&str],
        labels: &impl Fn(usize) -> &'a [Folded],
    ) -> Option<(usize, How)> {
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
                return Some((n - 1, How::Number));
            }
        }
        // The words a person was shown come first.
        for i in 0..self.choices.len() {
            for label in labels(i) {
                let label_words: Vec<&str> = label.words().collect();
                if !label_words.is_empty() && contains_words(words, &label_words) {
                    return Some((i, How::Label));
                }
            }
        }
        for (i, choice) in self.choices.iter().enumerate() {
            if let Some(p) = choice.words.iter().find(|p| contains_phrase(words, p)) {
                // A word that is most of the answer is the answer; one found in passing in a
                // longer message is loose.
                let how = if words.len() >= p.len() + 2 {
                    How::Loose
                } else {
                    How::Words
                };
                return Some((i, how));
            }
        }
        None
    }
}

/// How an answer picked a choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    Number,
    Label,
    Words,
    /// One of the choice's words, found in a longer message.
    Loose,
    /// The choice's `match:` rules.
    Meaning,
}

impl Choices {
    /// Whether any choice picks by meaning (the engine then needs concepts for every answer).
    pub fn has_rules(&self) -> bool {
        self.choices.iter().any(|c| !c.rules.is_empty())
    }
}

/// Whether `phrase` occurs as consecutive words of `words`. Typos are not this function's
/// business: triage corrects them toward the flows' words (choice words included) first, and
/// `pick` tries the corrected words too.
pub fn contains_phrase(words: &[&str], phrase: &[String]) -> bool {
    if phrase.is_empty() || phrase.len() > words.len() {
        return false;
    }
    words
        .windows(phrase.len())
        .any(|w| w.iter().zip(phrase).all(|(a, b)| *a == b.as_str()))
}

fn contains_words(words: &[&str], phrase: &[&str]) -> bool {
    if phrase.is_empty() || phrase.len() > words.len() {
        return false;
    }
    words.windows(phrase.len()).any(|w| w == phrase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn choices() -> Choices {
        let c = |label: &str, words: &[&str]| Choice {
            label: label.into(),
            rules: vec![],
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
        let pk = |a: &str| {
            let f = fold(a);
            ch.pick(&f, &f, &Found::default(), none).map(|(i, _)| i)
        };
        assert_eq!(pk("2"), Some(1));
        assert_eq!(pk("#1."), Some(0));
        assert_eq!(pk("option 2 please"), Some(1));
        assert_eq!(pk("3"), None);
        assert_eq!(pk("I need NEEDLES"), Some(1));
        // Typos are corrected by triage before choices see them.
        let corrected = ch.pick(
            &fold("nalaxone"),
            &fold("naloxone"),
            &Found::default(),
            none,
        );
        assert_eq!(corrected.map(|(i, _)| i), Some(0));
        assert_eq!(pk("new syringes pls"), Some(1));
        assert_eq!(pk("syringes"), None);
        assert_eq!(pk(""), None);
        // A word in passing in a longer message is loose; most of the answer is not.
        let how = |a: &str| {
            let f = fold(a);
            ch.pick(&f, &f, &Found::default(), none).map(|(_, h)| h)
        };
        assert_eq!(how("narcan please"), Some(How::Words));
        assert_eq!(how("i need narcan near me"), Some(How::Loose));
        assert_eq!(how("2"), Some(How::Number));
        let testing = [fold("Testing (HIV)")];
        let labels = |i| if i == 1 { &testing[..] } else { &[] };
        assert_eq!(
            ch.pick(
                &fold("testing hiv"),
                &fold("testing hiv"),
                &Found::default(),
                labels
            ),
            Some((1, How::Label))
        );
    }
}
