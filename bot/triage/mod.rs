//! Triage: which intent a message has, before and regardless of where the conversation is.
//!
//! Order (PRODUCT.md): the SMS keywords (STOP, START, HELP) as the whole message; then the
//! flow triggers by priority, the emergency trigger first. A trigger matches when one of its
//! phrases occurs as consecutive words, or one of its patterns matches, in the folded message
//! after typo correction (`fuzzy.rs`) — and none of its `unless` patterns does. Emergency
//! matching favours recall: the emergency flow's phrases are many and typo-tolerant, and its
//! `unless` list is kept to what PRODUCT.md says is crisis ("...and never wake up").

pub mod concepts;
pub mod detect;
pub mod explain;
pub mod fuzzy;
pub mod keywords;
pub mod segment;
pub mod stem;

use std::collections::HashMap;

use regex::RegexSet;

use crate::Lang;
use crate::flows::FlowSet;
use crate::text::{Folded, fold_marking_questions};
use concepts::{Found, Span, Tokens, eval_rule};
use fuzzy::Fuzzy;
pub use keywords::Keyword;
use segment::Segmenter;

/// The longest message triage reads, in characters. Overdose reports are short; a 10 kB paste
/// is truncated for matching (the person still gets an answer).
pub const MAX_CHARS: usize = 2000;

/// Compiled matchers for a flow set.
#[derive(Debug)]
pub struct Triage {
    fuzzy: Fuzzy,
    segmenter: Segmenter,
    /// First folded word of a phrase → (trigger index, phrase index).
    phrase_heads: HashMap<String, Vec<(usize, usize)>>,
    patterns: RegexSet,
    /// Pattern index in `patterns` → (trigger index, language).
    pattern_owner: Vec<(usize, Option<Lang>)>,
    unless: RegexSet,
    unless_owner: Vec<usize>,
    /// (trigger index, language, letters) looked for in the message with spaces removed.
    substrings: Vec<(usize, Option<Lang>, String)>,
    /// Whether any trigger has concept rules (then concepts are looked for in every message).
    has_rules: bool,
}

/// A message made ready for matching.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The folded message.
    pub folded: Folded,
    /// The folded message with typos corrected toward trigger words.
    pub corrected: Folded,
    /// The corrected words with clitics split, `?` marks and stems, for concepts.
    pub tokens: Tokens,
    /// Whether the message is a chat command (`/start`): never an SMS keyword.
    pub command: bool,
    /// Every concept found in the tokens, for triggers and for choices that match by meaning.
    pub found: Found,
}

/// What triage decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classified {
    pub keyword: Option<Keyword>,
    /// Index into `FlowSet::triggers`.
    pub trigger: Option<usize>,
    /// The language of the phrase or pattern that matched, when it was written for one.
    pub lang_hint: Option<Lang>,
    /// Other urgent intents that matched too (an overdose that is also a suicide attempt):
    /// the engine tells the flow through `also_<intent>` variables.
    pub also_urgent: Vec<String>,
}

impl Classified {
    /// The intent id reported to people running `haven chat --json` and to metrics.
    pub fn intent<'a>(&self, flows: &'a FlowSet) -> &'a str {
        if let Some(k) = self.keyword {
            return k.intent();
        }
        match self.trigger {
            Some(t) => &flows.triggers[t].intent,
            None => flows.fallback().map_or("other", |t| t.intent.as_str()),
        }
    }
}

impl Triage {
    /// Compiles the matchers. Fails only when the patterns together exceed the size limit.
    pub fn new(flows: &FlowSet) -> Result<Triage, String> {
        let mut vocab: Vec<String> = Vec::new();
        let mut phrase_heads: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        let mut pattern_src = Vec::new();
        let mut pattern_owner = Vec::new();
        let mut unless_src = Vec::new();
        let mut unless_owner = Vec::new();
        let mut substrings = Vec::new();
        for (ti, t) in flows.triggers.iter().enumerate() {
            for (pi, p) in t.words.iter().enumerate() {
                phrase_heads
                    .entry(p.words[0].clone())
                    .or_default()
                    .push((ti, pi));
                vocab.extend(p.words.iter().cloned());
            }
            for (lang, re) in &t.patterns {
                pattern_src.push(re.as_str().to_owned());
                pattern_owner.push((ti, *lang));
                vocab.extend(literal_words(re.as_str()));
            }
            for (_, re) in &t.unless {
                unless_src.push(re.as_str().to_owned());
                unless_owner.push(ti);
            }
            for (lang, s) in &t.substrings {
                substrings.push((ti, *lang, s.clone()));
            }
        }
        // Every pattern compiled on its own at load time; together they may still exceed the
        // size limit, and then the flows must be refused: silently matching nothing would miss
        // overdoses.
        let patterns = build_set(&pattern_src)
            .map_err(|e| format!("trigger patterns together are too large to compile: {e}"))?;
        let unless = build_set(&unless_src)
            .map_err(|e| format!("`unless` patterns together are too large to compile: {e}"))?;
        vocab.extend(flows.concepts.vocabulary());
        // Choice and accepted words too, so that "nalaxone" picks "naloxone" at a menu.
        for flow in &flows.flows {
            for step in &flow.steps {
                if let crate::flows::Router::Choices(c) = &step.router {
                    for ch in &c.choices {
                        vocab.extend(ch.words.iter().flatten().cloned());
                    }
                }
                for a in &step.accepts {
                    vocab.extend(a.words.iter().flatten().cloned());
                }
            }
        }
        Ok(Triage {
            segmenter: Segmenter::new(vocab.iter().map(String::as_str), flows.concepts.prefixes()),
            fuzzy: Fuzzy::new(vocab.iter().map(String::as_str)),
            phrase_heads,
            patterns,
            pattern_owner,
            unless,
            unless_owner,
            substrings,
            has_rules: flows.triggers.iter().any(|t| !t.rules.is_empty()),
        })
    }

    /// Folds and corrects a message, and reads it into tokens for the concepts.
    pub fn prepare(&self, flows: &FlowSet, text: &str) -> Prepared {
        let text = truncate_chars(text, MAX_CHARS);
        let marked = fold_marking_questions(text);
        let mut folded = String::with_capacity(marked.as_str().len());
        let mut corrected: Vec<&str> = Vec::new();
        let mut for_tokens: Vec<std::borrow::Cow<str>> = Vec::new();
        let mut changed = false;
        for w in marked.words() {
            if w == "?" {
                for_tokens.push(w.into());
                continue;
            }
            if !folded.is_empty() {
                folded.push(' ');
            }
            folded.push_str(w);
            // Patterns read whole words, typos corrected.
            let correction = self.fuzzy.correct(w);
            let c = match correction {
                Some(c) => {
                    changed = true;
                    c
                }
                None => w,
            };
            corrected.push(c);
            // Concepts read clitics split first, so that a pronoun is never "corrected" into
            // another ("meterme" is "meter me", not "meterse").
            if for_tokens.len() < concepts::MAX_TOKENS {
                match stem::split_clitics(w) {
                    Some(parts) => {
                        for p in parts {
                            self.token_words(&flows.concepts, p, None, &mut for_tokens);
                        }
                    }
                    None => self.token_words(&flows.concepts, w, Some(correction), &mut for_tokens),
                }
            }
        }
        let folded = Folded(folded);
        let corrected = if changed {
            Folded(corrected.join(" "))
        } else {
            folded.clone()
        };
        let tokens = flows.concepts.tokens(for_tokens.iter().map(|w| w.as_ref()));
        let found = flows.concepts.find(&tokens);
        let command = text.trim_start().starts_with('/');
        Prepared {
            folded,
            corrected,
            tokens,
            command,
            found,
        }
    }

    /// One folded word as concept tokens: as it is if known, else respelled, corrected or split
    /// into the words it was glued from.
    /// `correction` is the typo step's answer for `w` when the caller already asked it.
    fn token_words<'a>(
        &'a self,
        concepts: &concepts::Concepts,
        w: &'a str,
        correction: Option<Option<&'a str>>,
        out: &mut Vec<std::borrow::Cow<'a, str>>,
    ) {
        if let Some(r) = respell(w).filter(|r| self.fuzzy.knows(r) || concepts.knows_form(r)) {
            out.push(r.into());
        } else if self.segmenter.knows_word(w) || self.fuzzy.knows(w) || concepts.knows_form(w) {
            out.push(w.into());
        } else if let Some(c) = correction.unwrap_or_else(|| self.fuzzy.correct(w)) {
            out.push(c.into());
        } else if let Some(pieces) = self.segmenter.split(w) {
            out.extend(pieces.into_iter().map(std::borrow::Cow::from));
        } else {
            out.push(w.into());
        }
    }

    /// Classifies a prepared message.
    pub fn classify(&self, flows: &FlowSet, msg: &Prepared) -> Classified {
        if let Some(k) = keywords::classify(&msg.folded).filter(|_| !msg.command) {
            return Classified {
                keyword: Some(k),
                trigger: None,
                lang_hint: None,
                also_urgent: Vec::new(),
            };
        }
        self.classify_triggers(flows, msg)
    }

    /// Classifies a prepared message by the flows' triggers alone, as if it were no SMS keyword
    /// (YES when the person has not opted out).
    pub fn classify_triggers(&self, flows: &FlowSet, msg: &Prepared) -> Classified {
        let n = flows.triggers.len();
        // Per trigger: matched (with language hint), vetoed.
        let mut hit: Vec<Option<Option<Lang>>> = vec![None; n];
        let mut vetoed = vec![false; n];
        for text in [&msg.corrected, &msg.folded] {
            for i in self.patterns.matches(text.as_str()).iter() {
                let (ti, lang) = self.pattern_owner[i];
                hit[ti].get_or_insert(lang);
            }
            for i in self.unless.matches(text.as_str()).iter() {
                vetoed[self.unless_owner[i]] = true;
            }
            if msg.corrected == msg.folded {
                break;
            }
        }
        if !self.substrings.is_empty() {
            let compact: String = msg.folded.as_str().replace(' ', "");
            for (ti, lang, s) in &self.substrings {
                if compact.contains(s.as_str()) {
                    hit[*ti].get_or_insert(*lang);
                }
            }
        }
        let words: Vec<&str> = msg.corrected.words().collect();
        for (wi, w) in words.iter().enumerate() {
            let Some(cands) = self.phrase_heads.get(*w) else {
                continue;
            };
            for &(ti, pi) in cands {
                let phrase = &flows.triggers[ti].words[pi];
                let end = wi + phrase.words.len();
                if end <= words.len()
                    && words[wi..end]
                        .iter()
                        .zip(&phrase.words)
                        .all(|(a, b)| a == b)
                {
                    // A phrase written for a language is a better hint than a pattern.
                    match &mut hit[ti] {
                        Some(existing @ None) => *existing = phrase.lang,
                        Some(Some(_)) => {}
                        slot @ None => *slot = Some(phrase.lang),
                    }
                }
            }
        }
        if self.has_rules {
            for (ti, t) in flows.triggers.iter().enumerate() {
                if let Some(span) = rule_match(t, &msg.found, None) {
                    hit[ti].get_or_insert(span.lang);
                }
            }
        }
        let mut matched = (0..n).filter(|&ti| hit[ti].is_some() && !vetoed[ti]);
        let Some(first) = matched.next() else {
            return Classified {
                keyword: None,
                trigger: None,
                lang_hint: None,
                also_urgent: Vec::new(),
            };
        };
        let primary = &flows.triggers[first].intent;
        let mut also_urgent: Vec<String> = Vec::new();
        for ti in matched {
            let t = &flows.triggers[ti];
            if t.urgent && &t.intent != primary && !also_urgent.contains(&t.intent) {
                also_urgent.push(t.intent.clone());
            }
        }
        Classified {
            keyword: None,
            trigger: Some(first),
            lang_hint: hit[first].flatten(),
            also_urgent,
        }
    }
}

/// The first span where one of the trigger's rules holds and none of its `except` rules
/// overlaps it. With `why`, every rule that held and every exception that cancelled one is
/// written down for `haven explain`.
pub fn rule_match(
    t: &crate::flows::Trigger,
    found: &Found,
    mut why: Option<&mut Vec<RuleOutcome>>,
) -> Option<Span> {
    if t.rules.is_empty() {
        return None;
    }
    // Exceptions are only worth finding once a rule holds; most messages match no rule.
    let mut except: Option<Vec<(Span, &str)>> = None;
    let mut first = None;
    for r in &t.rules {
        for span in eval_rule(r, &found.spans) {
            let except = except.get_or_insert_with(|| {
                let mut all = Vec::new();
                for r in &t.except {
                    all.extend(
                        eval_rule(r, &found.spans)
                            .into_iter()
                            .map(|s| (s, r.text.as_str())),
                    );
                }
                all
            });
            let cancelled = except.iter().find(|(e, _)| e.overlaps(&span));
            if let Some(why) = why.as_deref_mut() {
                why.push(RuleOutcome {
                    rule: r.text.clone(),
                    span,
                    cancelled_by: cancelled.map(|(e, text)| (text.to_string(), *e)),
                });
            }
            if cancelled.is_none() && first.is_none() {
                first = Some(span);
                if why.is_none() {
                    return first;
                }
            }
        }
    }
    first
}

/// One rule of a trigger that held somewhere in a message, for `haven explain`.
#[derive(Clone, Debug)]
pub struct RuleOutcome {
    pub rule: String,
    pub span: Span,
    /// The `except` rule (and where it held) that cancelled this match.
    pub cancelled_by: Option<(String, Span)>,
}

fn build_set(sources: &[String]) -> Result<RegexSet, regex::Error> {
    regex::RegexSetBuilder::new(sources)
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
}

/// The first `max` characters of `text`.
pub fn truncate_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Spanish texting spellings of `qu` ("kiero", "kieres", "ke"): the standard spelling, which
/// is used only where it is a word the concepts know.
fn respell(w: &str) -> Option<String> {
    let rest = w.strip_prefix('k')?;
    rest.starts_with(['i', 'e']).then(|| format!("qu{rest}"))
}

/// Literal words of five letters or more in a pattern, for the typo vocabulary. Letters after
/// a backslash are escapes (`\w`, `\b`), not words.
fn literal_words(pattern: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in pattern.chars() {
        if escaped {
            escaped = false;
            cur.clear();
            continue;
        }
        if c == '\\' {
            escaped = true;
            if cur.len() >= 5 {
                out.push(std::mem::take(&mut cur));
            }
            cur.clear();
            continue;
        }
        if c.is_ascii_lowercase() {
            cur.push(c);
        } else {
            // A letter run followed by a quantifier is not a whole word ("breath(e|ing)?").
            if cur.len() >= 5 && !matches!(c, '?' | '*' | '+' | '{' | '(') {
                out.push(cur.clone());
            }
            cur.clear();
        }
    }
    if cur.len() >= 5 {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_words_skip_escapes_and_partial_words() {
        assert_eq!(literal_words(r"(not|isnt) breathing"), vec!["breathing"]);
        assert_eq!(literal_words(r"\bwake(s)? up"), Vec::<String>::new());
        assert_eq!(
            literal_words(r"overdos(e|ing)|sobredosis"),
            vec!["sobredosis"]
        );
        assert_eq!(
            literal_words(r"(narcan|naloxone)"),
            vec!["narcan", "naloxone"]
        );
        assert_eq!(truncate_chars("héllo", 2), "hé");
    }
}
