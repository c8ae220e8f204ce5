//! `haven explain`: why triage gave a message the intent it did — the operator's tool for
//! "why did it answer that?".
//!
//! It reruns triage on one message and keeps what matching normally throws away: the folded and
//! corrected words, every concept found and at which words, every trigger that matched (by which
//! phrase, pattern or rule), every match an `except` rule cancelled, every trigger an `unless`
//! vetoed, and which one won by priority.

use serde::Serialize;

use super::concepts::Span;
use super::{Classified, Prepared, RuleOutcome, Triage, keywords, rule_match};
use crate::flows::FlowSet;

/// Everything `haven explain` shows about one message.
#[derive(Debug, Serialize)]
pub struct Explanation {
    pub message: String,
    pub folded: String,
    pub corrected: String,
    /// The words concepts are matched against (clitics split, `?` kept).
    pub tokens: Vec<String>,
    /// Whether the whole message is an SMS keyword (STOP, START, HELP), decided before triggers.
    pub keyword: Option<String>,
    pub concepts: Vec<ConceptFound>,
    /// Every trigger that matched or was cancelled, in the order triage checks them.
    pub triggers: Vec<TriggerOutcome>,
    pub intent: String,
    /// The trigger that won, as `flow` `#n` (n counts the flow's triggers from 1).
    pub winner: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ConceptFound {
    pub concept: String,
    /// The words of each place it was found.
    pub at: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TriggerOutcome {
    pub trigger: String,
    pub intent: String,
    pub priority: i32,
    pub urgent: bool,
    /// Whether it matched and was not vetoed.
    pub matched: bool,
    /// What made it match: `rule `x` at "words"`, `phrase "..."`, `pattern ...`.
    pub because: Vec<String>,
    /// Matches that did not count: cancelled by an `except` rule, or the `unless` veto.
    pub cancelled: Vec<String>,
}

fn words(tokens: &[String], s: &Span) -> String {
    tokens
        .get(s.start as usize..s.end as usize)
        .map(|w| w.join(" "))
        .unwrap_or_default()
}

impl Triage {
    /// Explains how `msg` is classified; `cls` is what `classify` decided for it.
    pub fn explain(
        &self,
        flows: &FlowSet,
        text: &str,
        msg: &Prepared,
        cls: &Classified,
    ) -> Explanation {
        let found = &msg.found;
        let toks = &msg.tokens.words;
        let mut concepts = Vec::new();
        for (ci, c) in flows.concepts.list.iter().enumerate() {
            let spans = found.of(ci);
            if !spans.is_empty() {
                concepts.push(ConceptFound {
                    concept: c.name.clone(),
                    at: spans.iter().map(|s| words(toks, s)).collect(),
                });
            }
        }
        let mut numbering: std::collections::HashMap<usize, usize> = Default::default();
        let mut names = Vec::new();
        for t in &flows.triggers {
            let n = numbering.entry(t.flow).or_default();
            *n += 1;
            names.push(format!("{} #{}", flows.flows[t.flow].id, n));
        }
        let mut triggers = Vec::new();
        for (ti, t) in flows.triggers.iter().enumerate() {
            let mut because = Vec::new();
            let mut cancelled = Vec::new();
            let mut outcomes: Vec<RuleOutcome> = Vec::new();
            rule_match(t, found, Some(&mut outcomes));
            for o in outcomes {
                let at = words(toks, &o.span);
                match o.cancelled_by {
                    None => because.push(format!("rule `{}` at \"{at}\"", o.rule)),
                    Some((by, e)) => cancelled.push(format!(
                        "rule `{}` at \"{at}\", cancelled by except `{by}` at \"{}\"",
                        o.rule,
                        words(toks, &e)
                    )),
                }
            }
            let w: Vec<&str> = msg.corrected.words().collect();
            for p in &t.words {
                if w.windows(p.words.len())
                    .any(|win| win == p.words.as_slice())
                {
                    because.push(format!("phrase \"{}\"", p.words.join(" ")));
                }
            }
            for (_, re) in &t.patterns {
                if re.is_match(msg.corrected.as_str()) || re.is_match(msg.folded.as_str()) {
                    because.push(format!("pattern {}", re.as_str()));
                }
            }
            let compact = msg.folded.as_str().replace(' ', "");
            for (_, s) in &t.substrings {
                if compact.contains(s.as_str()) {
                    because.push(format!("letters \"{s}\" with spaces removed"));
                }
            }
            let mut matched = !because.is_empty();
            if matched {
                for (_, re) in &t.unless {
                    if re.is_match(msg.corrected.as_str()) || re.is_match(msg.folded.as_str()) {
                        cancelled.push(format!("the whole trigger, by unless {}", re.as_str()));
                        matched = false;
                    }
                }
            }
            if because.is_empty() && cancelled.is_empty() {
                continue;
            }
            triggers.push(TriggerOutcome {
                trigger: names[ti].clone(),
                intent: t.intent.clone(),
                priority: t.priority,
                urgent: t.urgent,
                matched,
                because,
                cancelled,
            });
        }
        Explanation {
            message: text.to_owned(),
            folded: msg.folded.as_str().to_owned(),
            corrected: msg.corrected.as_str().to_owned(),
            tokens: toks.clone(),
            keyword: keywords::classify(&msg.folded)
                .filter(|_| !msg.command)
                .map(|k| k.intent().to_owned()),
            concepts,
            triggers,
            intent: cls.intent(flows).to_owned(),
            winner: cls.trigger.map(|t| names[t].clone()),
        }
    }
}

impl std::fmt::Display for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "message:   {:?}", self.message)?;
        writeln!(f, "folded:    {}", self.folded)?;
        if self.corrected != self.folded {
            writeln!(f, "corrected: {}", self.corrected)?;
        }
        writeln!(f, "tokens:    {}", self.tokens.join(" "))?;
        if let Some(k) = &self.keyword {
            writeln!(
                f,
                "SMS keyword: {k} (the whole message; decided before any trigger)"
            )?;
        }
        writeln!(f, "concepts:")?;
        if self.concepts.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for c in &self.concepts {
            let at: Vec<String> = c.at.iter().map(|a| format!("\"{a}\"")).collect();
            writeln!(f, "  {:<24} {}", c.concept, at.join(", "))?;
        }
        writeln!(f, "triggers (in the order they are checked):")?;
        if self.triggers.is_empty() {
            writeln!(f, "  (none matched)")?;
        }
        for t in &self.triggers {
            let state = if t.matched { "matched" } else { "cancelled" };
            writeln!(
                f,
                "  {} -> {} (priority {}{}): {state}",
                t.trigger,
                t.intent,
                t.priority,
                if t.urgent { ", urgent" } else { "" }
            )?;
            for b in &t.because {
                writeln!(f, "      by {b}")?;
            }
            for c in &t.cancelled {
                writeln!(f, "      not {c}")?;
            }
        }
        match &self.winner {
            Some(w) => writeln!(f, "intent:    {} (won by {w})", self.intent),
            None => writeln!(f, "intent:    {} (no trigger matched)", self.intent),
        }
    }
}
