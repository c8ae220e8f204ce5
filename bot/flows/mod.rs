//! Conversation flows: the validated form of the YAML files in `flows/`.
//!
//! A flow is a list of steps. A step says texts and runs actions (`do:`), then its router
//! decides what happens next: wait for a choice, wait for free text to capture into a variable,
//! branch on a variable, go to another step or flow, or end. Triggers say which messages start
//! a flow. `flows/README.md` documents the YAML with a worked example of every feature.
//!
//! Loading is two-stage, like ripgrep's flags: `raw.rs` is the YAML as written (with positions),
//! `load.rs` validates it into the types below, where the invariants hold: every step and flow
//! reference resolves, every pattern compiles, every flow has a start step.

pub mod actions;
pub mod concepts;
pub mod load;
pub mod raw;
pub mod routers;

use std::collections::HashMap;
use std::path::PathBuf;

use regex::Regex;

use crate::Lang;
use crate::triage::concepts::{Concepts, Rule};
pub use actions::Action;
pub use load::{TextUse, load_dir};
pub use routers::{Accept, Branch, Capture, CaptureKind, Choice, Choices, Cond};

/// All flows, indexed, with their triggers in the order triage checks them.
#[derive(Debug)]
pub struct FlowSet {
    pub flows: Vec<Flow>,
    /// Sorted by priority (highest first), then by file and position, so triage can stop at the
    /// first match.
    pub triggers: Vec<Trigger>,
    /// The concepts triggers' rules are written in.
    pub concepts: Concepts,
    by_id: HashMap<String, usize>,
}

impl FlowSet {
    pub fn flow(&self, id: &str) -> Option<(usize, &Flow)> {
        self.by_id.get(id).map(|&i| (i, &self.flows[i]))
    }

    /// The trigger used when nothing else matches (`fallback: true`), if any.
    pub fn fallback(&self) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.fallback)
    }

    /// The trigger used after two misunderstandings in a row (`stuck: true`), if any.
    pub fn stuck(&self) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.stuck)
    }

    /// The first trigger declared for `intent`.
    pub fn trigger_for(&self, intent: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.intent == intent)
    }
}

#[derive(Debug)]
pub struct Flow {
    pub id: String,
    pub file: PathBuf,
    /// Whether a non-urgent trigger may interrupt this flow while it waits for an answer.
    pub interruptible: bool,
    pub start: usize,
    pub steps: Vec<Step>,
    step_ids: HashMap<String, usize>,
}

impl Flow {
    pub fn step(&self, id: &str) -> Option<usize> {
        self.step_ids.get(id).copied()
    }
}

#[derive(Debug)]
pub struct Step {
    pub id: String,
    pub actions: Vec<Action>,
    pub router: Router,
    /// What else the step understands while it waits.
    pub accepts: Vec<Accept>,
}

/// What happens after a step's actions.
#[derive(Debug)]
pub enum Router {
    /// The flow ends here; the next message goes through triage.
    End,
    /// Go on at once.
    Next(Target),
    /// Wait for one of several answers.
    Choices(Choices),
    /// Wait for free text and keep it in a variable.
    Capture(Capture),
    /// Choose the next step from the session's variables.
    Branch(Branch),
}

impl Router {
    /// Whether the session stays at this step waiting for the person.
    pub fn waits(&self) -> bool {
        matches!(self, Router::Choices(_) | Router::Capture(_))
    }
}

/// Where a router or choice leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Step(usize),
    Flow { flow: usize, step: usize },
    End,
}

/// A way into a flow from triage.
#[derive(Debug)]
pub struct Trigger {
    pub intent: String,
    pub flow: usize,
    pub start: usize,
    pub priority: i32,
    /// Checked before a waiting step gets the message, and allowed to interrupt any flow.
    pub urgent: bool,
    /// Used when no trigger matches.
    pub fallback: bool,
    /// Runs without leaving the step the person waits at (`aside: true`).
    pub aside: bool,
    /// After the aside, the waiting step's question is asked again.
    pub reprompt: bool,
    /// Used after two misunderstandings in a row at a waiting step.
    pub stuck: bool,
    /// Variables set when this trigger starts its flow.
    pub set: Vec<(String, String)>,
    /// Phrases: folded words that must appear consecutively in the message.
    pub words: Vec<Phrase>,
    /// Regular expressions over the folded message, anchored at word boundaries.
    pub patterns: Vec<(Option<Lang>, Regex)>,
    /// Patterns that veto this trigger.
    pub unless: Vec<(Option<Lang>, Regex)>,
    /// Letters looked for in the folded message with its spaces removed.
    pub substrings: Vec<(Option<Lang>, String)>,
    /// Rules over concepts, any of which matches.
    pub rules: Vec<Rule>,
    /// Rules that cancel a match of `rules` they overlap.
    pub except: Vec<Rule>,
}

/// A phrase of folded words, with the language it was written for (`None` for `any`).
#[derive(Clone, Debug)]
pub struct Phrase {
    pub lang: Option<Lang>,
    pub words: Vec<String>,
}
