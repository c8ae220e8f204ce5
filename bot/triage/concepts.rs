//! Concepts: named sets of words and phrases, written once in `flows/concepts/*.yaml`, found in
//! a message by stem, and combined in triggers by order and proximity.
//!
//! A list of phrases grows one line per example someone thought of. Concepts generalize by
//! construction instead: "a person near an overdose sign" matches every person and every sign
//! the lists name, in every combination and in every form the stemmer joins, so a new way of
//! saying it needs one word in one list, not one more phrase per combination.
//!
//! ```yaml
//! concepts:
//!   person:
//!     en: [friend, he, she, roommate, somebody]
//!     es: [amigo, amiga, el, ella, alguien]
//!   collapsed:
//!     en: [collapsed, passed out, dropped]
//!     es: [se desmayo, desmay*]       # a word ending in * matches any word it begins
//!   someone-collapsed:
//!     rules: ["person ..4 collapsed"] # person, then collapsed within 4 words
//! ```
//!
//! A **term** is a phrase of consecutive words. A word written under `en` or `es` matches any
//! message word with the same Snowball stem in that language (`stem.rs`); under `any`, only the
//! word itself. `word*` matches words that begin with `word`; `=word` turns stemming off for one
//! word. A `?` in a message is a word of its own, so a concept can tell a question from a report;
//! `^` and `$` are the start and the end of the message (`"^ what ? $"` is the whole message).
//!
//! A **rule** combines concepts: `a b` (b right after a), `a ..N b` (b begins at most N words
//! after a ends; `..` alone is `..8`), `a ~N b` (the same, in either order; `~` alone is `~8`).
//! A concept may be made of rules over other concepts, never of itself.
//!
//! Matching keeps, for every concept, the spans of words where it was found. Each rule step
//! looks only inside its window, and the message is cut to `MAX_TOKENS` words, so the cost is
//! linear in the length of the message.

use std::cell::RefCell;

use super::stem::{Stemmers, split_clitics};
use crate::Lang;
use crate::text::fxhash::{FxMap, FxSet};

/// Stems already taken, per thread: message words repeat, and stemming a word twice (English and
/// Spanish) was the largest single cost of a message. Bounded; cleared when full.
const STEM_CACHE: usize = 8192;

thread_local! {
    static STEMS: RefCell<FxMap<String, (String, String)>> = RefCell::new(FxMap::default());
}

/// Words of a message that concept matching reads; a longer message is matched on its start.
pub const MAX_TOKENS: usize = 400;

/// The window of `..` and `~` without a number.
pub const DEFAULT_WINDOW: u8 = 8;

/// The widest window a rule may ask for.
pub const MAX_WINDOW: u8 = 30;

/// How one word of a term is compared with a word of the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// The folded word exactly.
    Exact(String),
    /// The English stem.
    En(String),
    /// The Spanish stem.
    Es(String),
    /// Any folded word that begins with these letters.
    Prefix(String),
    /// A number of exactly this many digits (`#zip` is five), or of any length (`#number`).
    Digits(Option<u8>),
}

/// A phrase of a concept: words that must appear consecutively.
#[derive(Clone, Debug)]
pub struct Term {
    pub words: Vec<Key>,
    /// The language it was written for (`None` for `any`): a hint of the person's language.
    pub lang: Option<Lang>,
    /// As written, for `haven explain`.
    pub text: String,
}

/// How far apart two items of a rule may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// The next item begins 0..=N words after the previous one ends.
    After(u8),
    /// The same, in either order.
    Near(u8),
}

/// Concepts combined by order and proximity.
#[derive(Clone, Debug)]
pub struct Rule {
    pub items: Vec<usize>,
    pub gaps: Vec<Gap>,
    /// As written, for `haven explain`.
    pub text: String,
}

#[derive(Clone, Debug, Default)]
pub struct Concept {
    pub name: String,
    pub terms: Vec<Term>,
    pub rules: Vec<Rule>,
}

/// Where a concept or rule was found: words `start..end` of the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: u16,
    pub end: u16,
    pub lang: Option<Lang>,
}

impl Span {
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A message as concept matching reads it: words (typos corrected, clitics split, `?` kept)
/// and their stems in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tokens {
    pub words: Vec<String>,
    pub en: Vec<String>,
    pub es: Vec<String>,
}

/// A validated set of concepts, indexed for matching.
#[derive(Debug, Default)]
pub struct Concepts {
    pub list: Vec<Concept>,
    by_name: FxMap<String, usize>,
    /// Concepts in an order where every concept comes after those its rules use.
    order: Vec<usize>,
    /// First word of a term → (concept, term), per kind of key.
    exact: FxMap<String, Vec<(u32, u32)>>,
    en: FxMap<String, Vec<(u32, u32)>>,
    es: FxMap<String, Vec<(u32, u32)>>,
    prefixes: Vec<(String, u32, u32)>,
    numbers: Vec<(Option<u8>, u32, u32)>,
    /// Every stem any term word is compared by, per language.
    stems_en: FxSet<String>,
    stems_es: FxSet<String>,
    /// Words written as they are in English and in Spanish terms.
    exact_en: FxSet<String>,
    exact_es: FxSet<String>,
    stemmers: Stemmers,
}

/// The spans of every concept in one message.
#[derive(Clone, Debug, Default)]
pub struct Found {
    pub spans: Vec<Vec<Span>>,
}

impl Found {
    pub fn of(&self, concept: usize) -> &[Span] {
        self.spans.get(concept).map_or(&[], Vec::as_slice)
    }
}

/// A problem in a concept or rule, with the byte offset in the text it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    pub offset: usize,
    pub message: String,
}

impl Concepts {
    pub fn stemmers(&self) -> &Stemmers {
        &self.stemmers
    }

    pub fn id(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.by_name.keys()
    }

    /// Declares a concept by name (its terms and rules are added later, so rules may refer to
    /// concepts declared after them). Returns `None` if the name is taken.
    pub fn declare(&mut self, name: &str) -> Option<usize> {
        if self.by_name.contains_key(name) {
            return None;
        }
        let id = self.list.len();
        self.list.push(Concept {
            name: name.to_owned(),
            ..Concept::default()
        });
        self.by_name.insert(name.to_owned(), id);
        Some(id)
    }

    /// Parses a term written for `lang` into keys. Words are folded and split as messages are.
    pub fn parse_term(&self, text: &str, lang: Option<Lang>) -> Result<Term, String> {
        let mut words = Vec::new();
        for raw in text.split_whitespace() {
            let (exact, raw) = match raw.strip_prefix('=') {
                Some(r) => (true, r),
                None => (false, raw),
            };
            let (prefix, raw) = match raw.strip_suffix('*') {
                Some(r) => (true, r),
                None => (false, raw),
            };
            if raw == "?" || raw == "^" || raw == "$" {
                words.push(Key::Exact(raw.into()));
                continue;
            }
            match raw {
                "#zip" => {
                    words.push(Key::Digits(Some(5)));
                    continue;
                }
                "#number" => {
                    words.push(Key::Digits(None));
                    continue;
                }
                _ if raw.starts_with('#') => {
                    return Err(format!("`{raw}`: the special words are #zip and #number"));
                }
                _ => {}
            }
            let folded = crate::text::fold(raw);
            let parts: Vec<&str> = folded.words().collect();
            if parts.is_empty() {
                return Err(format!("`{raw}` has no letters or digits"));
            }
            if prefix {
                if parts.len() != 1 || parts[0].chars().count() < 3 {
                    return Err(format!(
                        "`{raw}*`: a prefix needs three letters or more and no spaces"
                    ));
                }
                words.push(Key::Prefix(parts[0].to_owned()));
                continue;
            }
            for part in parts {
                let split = if exact { None } else { split_clitics(part) };
                for w in split.unwrap_or_else(|| vec![part]) {
                    words.push(self.key(w, lang, exact));
                }
            }
        }
        if words.is_empty() {
            return Err("empty term".into());
        }
        Ok(Term {
            words,
            lang,
            text: text.to_owned(),
        })
    }

    fn key(&self, word: &str, lang: Option<Lang>, exact: bool) -> Key {
        match lang {
            Some(l) if !exact => match self.stemmers.key_stem(l, word) {
                Some(s) if l == Lang::En => Key::En(s),
                Some(s) => Key::Es(s),
                None => Key::Exact(word.to_owned()),
            },
            _ => Key::Exact(word.to_owned()),
        }
    }

    /// Parses a rule: concept names joined by `..N`, `~N` or nothing (adjacent).
    pub fn parse_rule(&self, text: &str) -> Result<Rule, RuleError> {
        let mut items = Vec::new();
        let mut gaps = Vec::new();
        let mut pending: Option<Gap> = None;
        let mut offset = 0;
        for piece in text.split(' ') {
            let at = offset;
            offset += piece.len() + 1;
            if piece.is_empty() {
                continue;
            }
            let err = |message: String| RuleError {
                offset: at,
                message,
            };
            if let Some(n) = piece
                .strip_prefix("..")
                .map(|n| (n, false))
                .or(piece.strip_prefix('~').map(|n| (n, true)))
            {
                let (num, near) = n;
                if items.is_empty() || pending.is_some() {
                    return Err(err(format!("`{piece}` must stand between two concepts")));
                }
                let width = if num.is_empty() {
                    DEFAULT_WINDOW
                } else {
                    match num.parse::<u8>() {
                        Ok(w) if w <= MAX_WINDOW => w,
                        _ => {
                            return Err(err(format!(
                                "`{piece}`: the distance must be a number from 0 to {MAX_WINDOW}"
                            )));
                        }
                    }
                };
                pending = Some(if near {
                    Gap::Near(width)
                } else {
                    Gap::After(width)
                });
                continue;
            }
            let Some(id) = self.id(piece) else {
                let hint = crate::flows::load::did_you_mean(piece, self.names());
                return Err(err(format!("unknown concept `{piece}`{hint}")));
            };
            if !items.is_empty() {
                gaps.push(pending.take().unwrap_or(Gap::After(0)));
            }
            items.push(id);
        }
        if pending.is_some() {
            return Err(RuleError {
                offset: text.trim_end().len(),
                message: "a rule cannot end with a distance".into(),
            });
        }
        if items.is_empty() {
            return Err(RuleError {
                offset: 0,
                message: "empty rule".into(),
            });
        }
        Ok(Rule {
            items,
            gaps,
            text: text.to_owned(),
        })
    }

    /// Indexes the terms and orders the concepts so that rules run after what they use.
    /// Returns the names on a cycle if concepts are made of each other.
    pub fn finish(&mut self) -> Result<(), Vec<String>> {
        self.exact.clear();
        self.en.clear();
        self.es.clear();
        self.prefixes.clear();
        self.numbers.clear();
        self.stems_en.clear();
        self.stems_es.clear();
        self.exact_en.clear();
        self.exact_es.clear();
        for (ci, c) in self.list.iter().enumerate() {
            for (ti, t) in c.terms.iter().enumerate() {
                for k in &t.words {
                    match (k, t.lang) {
                        (Key::En(s), _) => {
                            self.stems_en.insert(s.clone());
                        }
                        (Key::Es(s), _) => {
                            self.stems_es.insert(s.clone());
                        }
                        (Key::Exact(w), Some(Lang::En)) => {
                            self.exact_en.insert(w.clone());
                        }
                        (Key::Exact(w), Some(Lang::Es)) => {
                            self.exact_es.insert(w.clone());
                        }
                        _ => {}
                    }
                }
                let entry = (ci as u32, ti as u32);
                match &t.words[0] {
                    Key::Exact(w) => self.exact.entry(w.clone()).or_default().push(entry),
                    Key::En(w) => self.en.entry(w.clone()).or_default().push(entry),
                    Key::Es(w) => self.es.entry(w.clone()).or_default().push(entry),
                    Key::Prefix(p) => self.prefixes.push((p.clone(), entry.0, entry.1)),
                    Key::Digits(n) => self.numbers.push((*n, entry.0, entry.1)),
                }
            }
        }
        // Depth-first topological order; a grey node met again is a cycle.
        let n = self.list.len();
        let mut state = vec![0u8; n];
        let mut order = Vec::with_capacity(n);
        for root in 0..n {
            if state[root] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            state[root] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let deps: Vec<usize> = self.list[node]
                    .rules
                    .iter()
                    .flat_map(|r| r.items.iter().copied())
                    .collect();
                if *next < deps.len() {
                    let d = deps[*next];
                    *next += 1;
                    match state[d] {
                        0 => {
                            state[d] = 1;
                            stack.push((d, 0));
                        }
                        1 => {
                            let mut cycle: Vec<String> = stack
                                .iter()
                                .skip_while(|(x, _)| *x != d)
                                .map(|(x, _)| self.list[*x].name.clone())
                                .collect();
                            cycle.push(self.list[d].name.clone());
                            return Err(cycle);
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    order.push(node);
                    stack.pop();
                }
            }
        }
        self.order = order;
        Ok(())
    }

    /// Whether `word` is a form of a word the concepts list (its stem is one they compare by):
    /// "drink" is a form of "drinking", not a typo of "drank".
    pub fn knows_form(&self, word: &str) -> bool {
        let (en, es) = self.stems_of(word);
        self.stems_en.contains(&en) || self.stems_es.contains(&es)
    }

    /// The English and Spanish stems of a folded word, through the per-thread cache.
    pub fn stems_of(&self, word: &str) -> (String, String) {
        STEMS.with(|c| {
            if let Some(s) = c.borrow().get(word) {
                return s.clone();
            }
            let s = (
                self.stemmers.stem(Lang::En, word),
                self.stemmers.stem(Lang::Es, word),
            );
            let mut c = c.borrow_mut();
            if c.len() >= STEM_CACHE {
                c.clear();
            }
            c.insert(word.to_owned(), s.clone());
            s
        })
    }

    /// Words of the message that only English terms know, and words only Spanish terms know:
    /// evidence of the language, from every concept, whether or not a trigger matched.
    pub fn lang_votes(&self, t: &Tokens) -> (u32, u32) {
        let (mut en, mut es) = (0, 0);
        for i in 0..t.words.len() {
            // Numbers ("1", "911", a ZIP) say nothing about the language.
            if t.words[i].len() < 2 || !t.words[i].bytes().any(|b| b.is_ascii_alphabetic()) {
                continue;
            }
            let in_en = self.exact_en.contains(&t.words[i]) || self.stems_en.contains(&t.en[i]);
            let in_es = self.exact_es.contains(&t.words[i]) || self.stems_es.contains(&t.es[i]);
            match (in_en, in_es) {
                (true, false) => en += 1,
                (false, true) => es += 1,
                _ => {}
            }
        }
        (en, es)
    }

    /// The beginnings that `word*` terms match.
    pub fn prefixes(&self) -> impl Iterator<Item = &str> {
        self.prefixes.iter().map(|(p, _, _)| p.as_str())
    }

    /// The words every term uses, for typo correction toward them.
    pub fn vocabulary(&self) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.list {
            for t in &c.terms {
                for w in t.text.split_whitespace() {
                    let w = w.trim_start_matches('=');
                    if !w.ends_with('*') {
                        out.extend(crate::text::fold(w).words().map(str::to_owned));
                    }
                }
            }
        }
        out
    }

    /// Turns message words (clitics split and typos corrected by triage, `?` marks kept) into
    /// tokens with their stems.
    pub fn tokens<'a>(&self, words: impl Iterator<Item = &'a str>) -> Tokens {
        let mut t = Tokens::default();
        // The start and the end of the message are words of their own, `^` and `$`, so a term
        // can ask for a whole message ("^ what ? $").
        t.words.push("^".into());
        for w in words {
            if t.words.len() >= MAX_TOKENS - 1 {
                break;
            }
            t.words.push(w.to_owned());
        }
        t.words.push("$".into());
        for w in &t.words {
            if w == "?" || w == "^" || w == "$" {
                t.en.push(String::new());
                t.es.push(String::new());
            } else {
                let (en, es) = self.stems_of(w);
                t.en.push(en);
                t.es.push(es);
            }
        }
        t
    }

    /// Finds every concept in the tokens.
    pub fn find(&self, t: &Tokens) -> Found {
        let mut spans: Vec<Vec<Span>> = vec![Vec::new(); self.list.len()];
        for i in 0..t.words.len() {
            let heads = self
                .exact
                .get(t.words[i].as_str())
                .into_iter()
                .chain(self.en.get(t.en[i].as_str()))
                .chain(self.es.get(t.es[i].as_str()))
                .flatten()
                .copied();
            let prefixed = self
                .prefixes
                .iter()
                .filter(|(p, _, _)| t.words[i].starts_with(p.as_str()))
                .map(|(_, c, ti)| (*c, *ti));
            let numbered = self
                .numbers
                .iter()
                .filter(|(n, _, _)| digits(&t.words[i], *n))
                .map(|(_, c, ti)| (*c, *ti));
            for (ci, ti) in heads.chain(prefixed).chain(numbered) {
                let term = &self.list[ci as usize].terms[ti as usize];
                let end = i + term.words.len();
                if end <= t.words.len()
                    && term.words[1..]
                        .iter()
                        .enumerate()
                        .all(|(k, key)| key_matches(key, t, i + 1 + k))
                {
                    spans[ci as usize].push(Span {
                        start: i as u16,
                        end: end as u16,
                        lang: term.lang,
                    });
                }
            }
        }
        for &ci in &self.order {
            for r in &self.list[ci].rules {
                let found = eval_rule(r, &spans);
                spans[ci].extend(found);
            }
            normalize(&mut spans[ci]);
        }
        Found { spans }
    }
}

fn key_matches(key: &Key, t: &Tokens, i: usize) -> bool {
    match key {
        Key::Exact(w) => t.words[i] == *w,
        Key::En(s) => t.en[i] == *s,
        Key::Es(s) => t.es[i] == *s,
        Key::Prefix(p) => t.words[i].starts_with(p.as_str()),
        Key::Digits(n) => digits(&t.words[i], *n),
    }
}

/// Whether `w` is a number of `n` digits (any number of digits when `n` is `None`).
fn digits(w: &str, n: Option<u8>) -> bool {
    !w.is_empty()
        && w.bytes().all(|b| b.is_ascii_digit())
        && n.is_none_or(|n| w.len() == n as usize)
}

/// Sorts spans and keeps one per (start, end).
fn normalize(spans: &mut Vec<Span>) {
    spans.sort_by_key(|s| (s.start, s.end));
    spans.dedup_by_key(|s| (s.start, s.end));
}

/// The spans where a rule holds, given the spans of every concept (each sorted by start).
///
/// "b after a" means b begins after a begins and ends after a ends, at most `width` words after
/// a's end: the two may share words ("if i" and "i OD'd" in "if i OD'd").
pub fn eval_rule(rule: &Rule, spans: &[Vec<Span>]) -> Vec<Span> {
    if rule.items.iter().any(|&i| spans[i].is_empty()) {
        return Vec::new();
    }
    let mut cur: Vec<Span> = spans[rule.items[0]].clone();
    normalize(&mut cur);
    for (k, gap) in rule.gaps.iter().enumerate() {
        let next = &spans[rule.items[k + 1]];
        // The longest span of the next item bounds how far back one can start and still end
        // near the current one.
        let longest = next.iter().map(|b| b.end - b.start).max().unwrap_or(0);
        let (width, near) = match *gap {
            Gap::After(w) => (w as u16, false),
            Gap::Near(w) => (w as u16, true),
        };
        let mut out = Vec::new();
        for a in &cur {
            let lo = next.partition_point(|b| b.start <= a.start);
            for b in next[lo..].iter().take_while(|b| b.start <= a.end + width) {
                if b.end > a.end {
                    out.push(Span {
                        start: a.start,
                        end: b.end,
                        lang: a.lang.or(b.lang),
                    });
                }
            }
            if near {
                // b before a: b begins before a and ends before a ends, near a's start.
                let from = a.start.saturating_sub(width + longest);
                let lo = next.partition_point(|b| b.start < from);
                let hi = next.partition_point(|b| b.start < a.start);
                for b in &next[lo..hi] {
                    if b.end < a.end && b.end + width >= a.start {
                        out.push(Span {
                            start: b.start,
                            end: a.end,
                            lang: a.lang.or(b.lang),
                        });
                    }
                }
            }
        }
        normalize(&mut out);
        if out.is_empty() {
            return out;
        }
        cur = out;
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, English terms, Spanish terms, rules)
    type Def<'a> = (&'a str, &'a [&'a str], &'a [&'a str], &'a [&'a str]);

    fn set(defs: &[Def]) -> Concepts {
        let mut c = Concepts::default();
        for (name, ..) in defs {
            c.declare(name).unwrap();
        }
        for (name, en, es, rules) in defs {
            let id = c.id(name).unwrap();
            let mut terms = Vec::new();
            for t in *en {
                terms.push(c.parse_term(t, Some(Lang::En)).unwrap());
            }
            for t in *es {
                terms.push(c.parse_term(t, Some(Lang::Es)).unwrap());
            }
            let rules: Vec<Rule> = rules.iter().map(|r| c.parse_rule(r).unwrap()).collect();
            c.list[id].terms = terms;
            c.list[id].rules = rules;
        }
        c.finish().unwrap();
        c
    }

    fn found(c: &Concepts, text: &str, name: &str) -> Vec<(u16, u16)> {
        let folded = crate::text::fold(text);
        let words: Vec<&str> = folded
            .words()
            .flat_map(|w| split_clitics(w).unwrap_or_else(|| vec![w]))
            .collect();
        let t = c.tokens(words.into_iter());
        c.find(&t)
            .of(c.id(name).unwrap())
            .iter()
            .map(|s| (s.start, s.end))
            .collect()
    }

    #[test]
    fn terms_match_by_stem_and_rules_by_distance() {
        let c = set(&[
            ("person", &["friend", "he"], &["amigo"], &[]),
            ("no", &["not", "isnt"], &["no"], &[]),
            ("breathe", &["breathing"], &["respira"], &[]),
            ("apnea", &[], &[], &["no ..2 breathe"]),
            ("someone-apnea", &[], &[], &["person ~4 apnea"]),
        ]);
        assert_eq!(found(&c, "he isnt really breathing", "apnea"), vec![(2, 5)]);
        assert_eq!(found(&c, "he breathes", "apnea"), vec![]);
        assert_eq!(found(&c, "mi amigo no respiraba", "apnea"), vec![(3, 5)]);
        assert_eq!(
            found(&c, "my friend is not breathing", "someone-apnea"),
            vec![(2, 6)]
        );
        assert_eq!(
            found(&c, "not breathing my friend", "someone-apnea"),
            vec![(1, 5)]
        );
        assert_eq!(
            found(&c, "friend a b c d e f g h not breathing", "someone-apnea"),
            vec![]
        );
    }

    #[test]
    fn clitics_and_prefixes_and_questions() {
        // Spans count the start of the message, `^`, as word 0.
        let c = set(&[
            ("kill", &[], &["matar"], &[]),
            ("me", &[], &["me"], &[]),
            ("faint", &[], &["desmay*"], &[]),
            ("q", &["?"], &[], &[]),
            ("kill-me", &[], &[], &["kill me", "me ..1 kill"]),
        ]);
        assert_eq!(found(&c, "voy a matarme", "kill-me"), vec![(3, 5)]);
        assert_eq!(found(&c, "me voy a matar", "kill-me"), vec![]);
        // Items may share words: "me" then "me matar".
        assert_eq!(found(&c, "me quiero matar", "kill-me"), vec![(1, 4)]);
        assert_eq!(found(&c, "se desmayó", "faint"), vec![(2, 3)]);
        assert_eq!(found(&c, "desmayada", "faint"), vec![(1, 2)]);
    }

    #[test]
    fn rule_syntax_errors_point_at_the_piece() {
        let c = set(&[("a", &["x"], &[], &[]), ("beta", &["y"], &[], &[])]);
        assert!(c.parse_rule("a ..3 beta").is_ok());
        assert!(c.parse_rule("a ~ beta").is_ok());
        let e = c.parse_rule("a ..3 betta").unwrap_err();
        assert_eq!(e.offset, 6);
        assert!(
            e.message.contains("unknown concept `betta`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("did you mean `beta`"), "{}", e.message);
        assert_eq!(c.parse_rule("a ..99 beta").unwrap_err().offset, 2);
        assert!(c.parse_rule("..2 a").is_err());
        assert!(c.parse_rule("a ..2").is_err());
    }

    #[test]
    fn cycles_are_refused() {
        let mut c = Concepts::default();
        c.declare("a");
        c.declare("b");
        let r1 = c.parse_rule("b").unwrap();
        let r2 = c.parse_rule("a").unwrap();
        c.list[0].rules.push(r1);
        c.list[1].rules.push(r2);
        let cycle = c.finish().unwrap_err();
        assert!(cycle.contains(&"a".to_string()) && cycle.contains(&"b".to_string()));
    }
}
