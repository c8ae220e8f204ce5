//! Stage two of loading flows: validate the raw YAML into `FlowSet`, reporting every problem.
//!
//! What is checked here needs only the flow files: YAML shape, unique flow and step ids, step
//! and flow references, unreachable steps, loops that never wait for the person, patterns that
//! do not compile, reserved SMS keywords used as choice words, trigger sanity. What needs the
//! texts too (missing or unused texts, SMS budgets) is checked by `crate::check`, from the
//! [`TextUse`]s collected here.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use regex::Regex;
use serde_saphyr::Location;

use super::raw::{
    self, PerLang, RawAccept, RawBranch, RawCapture, RawChoice, RawFlow, RawStep, S, pos,
};
use super::routers::capture::one_line;
use super::{
    Accept, Action, Branch, Capture, CaptureKind, Choice, Choices, Cond, Flow, FlowSet, Phrase,
    Router, Step, Target, Trigger,
};
use crate::Lang;
use crate::problem::Problem;
use crate::text::fold;
use crate::triage::concepts::Concepts;
use crate::triage::keywords;

/// SMS segments a text may use when neither the say, the step nor the flow sets a budget.
pub const DEFAULT_SMS_SEGMENTS: u32 = 4;

/// A place where a flow says a text, for the checks that need the locales.
#[derive(Clone, Debug)]
pub struct TextUse {
    pub key: String,
    pub file: PathBuf,
    pub line: u32,
    pub col: u32,
    pub flow: String,
    pub step: String,
    pub sms_segments: u32,
    /// Labels of the choices shown after this text, when it is the last text of a step that
    /// waits for a choice: SMS shows them in the same message, so they count in its budget.
    pub choices: Vec<String>,
    /// Whether this is the first text the emergency flow says (it must fit one SMS segment).
    pub first_emergency: bool,
    /// Whether this text is a choice label (which must not read as an SMS keyword).
    pub is_label: bool,
}

/// Validation context for one flow file.
pub(crate) struct Cx<'a> {
    /// The concepts rules may name (choices, accepts and triggers).
    concepts: &'a Concepts,
    file: &'a Path,
    problems: &'a mut Vec<Problem>,
    uses: &'a mut Vec<TextUse>,
    builtin_texts: &'a mut BTreeSet<String>,
    flow: String,
    step: String,
    budget: u32,
}

impl Cx<'_> {
    pub(crate) fn problem(&mut self, at: &Location, message: impl Into<String>) {
        let (line, col) = pos(at);
        self.problems
            .push(Problem::new(self.file, line, col, message));
    }

    /// Records that this flow says `key`, with an explicit budget or the step's.
    pub(crate) fn use_text(&mut self, key: &S<String>, budget: Option<u32>) {
        let (line, col) = pos(&key.referenced);
        if key.value.trim().is_empty() {
            self.problem(&key.referenced, "empty text key");
            return;
        }
        self.uses.push(TextUse {
            key: key.value.clone(),
            file: self.file.to_owned(),
            line,
            col,
            flow: self.flow.clone(),
            step: self.step.clone(),
            sms_segments: budget.unwrap_or(self.budget),
            choices: Vec::new(),
            first_emergency: false,
            is_label: false,
        });
    }

    /// Records a text that Rust code says on a flow's behalf (handoff, refer).
    pub(crate) fn use_builtin_text(&mut self, key: &str) {
        self.builtin_texts.insert(key.to_owned());
    }

    /// Rules over concepts, each problem reported at its position.
    pub(crate) fn rules(&mut self, list: &[S<String>]) -> Vec<crate::triage::concepts::Rule> {
        let mut out = Vec::new();
        for r in list {
            match self.concepts.parse_rule(&r.value) {
                Ok(rule) => out.push(rule),
                Err(e) => super::concepts::rule_problem(self.problems, self.file, r, e),
            }
        }
        out
    }

    /// Folded phrases, refusing empty ones and SMS keywords (which never reach a step).
    pub(crate) fn answer_words(&mut self, list: &[S<String>]) -> Vec<Vec<String>> {
        let mut words = Vec::new();
        for w in list {
            let folded: Vec<String> = fold(&w.value).words().map(str::to_owned).collect();
            if folded.is_empty() {
                self.problem(&w.referenced, "choice word has no letters or digits");
                continue;
            }
            if folded.len() == 1 && keywords::is_reserved(&folded[0]) {
                self.problem(
                    &w.referenced,
                    format!("`{}` is a reserved SMS keyword (STOP, HELP, START...) and cannot pick a choice", w.value),
                );
                continue;
            }
            words.push(folded);
        }
        words
    }

    pub(crate) fn check_var_name(&mut self, name: &str, at: &Location) -> bool {
        let ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            self.problem(
                at,
                format!("invalid variable name `{name}` (use lower-case letters, digits and _)"),
            );
        }
        ok
    }
}

/// The result of loading a flows directory.
pub struct Loaded {
    pub flows: Option<FlowSet>,
    pub uses: Vec<TextUse>,
    /// Texts said by Rust code on behalf of actions the flows use.
    pub builtin_texts: BTreeSet<String>,
    pub problems: Vec<Problem>,
}

/// Loads and validates every `*.yaml` / `*.yml` in `dir`. `flows` is `None` only when the
/// problems make a usable set impossible (no files, unreadable YAML); callers must still refuse
/// to run when `problems` is not empty.
pub fn load_dir(dir: &Path) -> Loaded {
    let mut problems = Vec::new();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect(),
        Err(e) => {
            problems.push(Problem::new(
                dir,
                0,
                0,
                format!("cannot read flows directory: {e}"),
            ));
            Vec::new()
        }
    };
    files.sort();
    let mut raws: Vec<(PathBuf, RawFlow)> = Vec::new();
    for file in files {
        let source = match std::fs::read_to_string(&file) {
            Ok(s) => s,
            Err(e) => {
                problems.push(Problem::new(&file, 0, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        match raw::parse(&source) {
            Ok(r) => raws.push((file, r)),
            Err(e) => {
                let (line, col) = e
                    .location()
                    .map_or((0, 0), |l| (l.line() as u32, l.column() as u32));
                problems.push(Problem::new(&file, line, col, yaml_message(&e)));
            }
        }
    }
    if raws.is_empty() && problems.is_empty() {
        problems.push(Problem::new(dir, 0, 0, "no flow files (*.yaml) found"));
    }
    let concepts = super::concepts::load(dir, &mut problems);
    let mut loaded = validate(raws, concepts);
    problems.append(&mut loaded.problems);
    loaded.problems = problems;
    loaded
}

/// The message of a YAML error without its position and source snippet (we print our own
/// `file:line:col:` prefix).
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let text = e.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").to_owned();
    // saphyr prefixes "error: line L column C: "; drop it.
    let stripped = first.strip_prefix("error: ").unwrap_or(&first);
    let message = match stripped.find(": ") {
        Some(i) if stripped.starts_with("line ") => &stripped[i + 2..],
        _ => stripped,
    };
    // ... and the " at line L, column C" it sometimes appends.
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

/// Step ids of every flow, for resolving references across flows.
struct Index {
    flows: HashMap<String, usize>,
    steps: Vec<HashMap<String, usize>>,
}

impl Index {
    /// Resolves a target written in flow `here`: `step-id`, `flow:ID`, `flow:ID/step-id` or `end`.
    fn resolve(
        &self,
        here: usize,
        raw: &S<String>,
        starts: &[usize],
        cx: &mut Cx,
    ) -> Option<Target> {
        let t = raw.value.trim();
        if t == "end" {
            return Some(Target::End);
        }
        if let Some(rest) = t.strip_prefix("flow:") {
            let (flow, step) = match rest.split_once('/') {
                Some((f, s)) => (f, Some(s)),
                None => (rest, None),
            };
            let Some(&fi) = self.flows.get(flow) else {
                let hint = did_you_mean(flow, self.flows.keys());
                cx.problem(&raw.referenced, format!("unknown flow `{flow}`{hint}"));
                return None;
            };
            let si = match step {
                None => starts[fi],
                Some(s) => match self.steps[fi].get(s) {
                    Some(&si) => si,
                    None => {
                        cx.problem(
                            &raw.referenced,
                            format!(
                                "unknown step `{s}` in flow `{flow}`{}",
                                did_you_mean(s, self.steps[fi].keys())
                            ),
                        );
                        return None;
                    }
                },
            };
            return Some(Target::Flow { flow: fi, step: si });
        }
        match self.steps[here].get(t) {
            Some(&si) => Some(Target::Step(si)),
            None => {
                let hint = did_you_mean(t, self.steps[here].keys());
                cx.problem(&raw.referenced, format!("unknown step `{t}`{hint}"));
                None
            }
        }
    }
}

/// " (did you mean `x`?)" when a known name is one or two edits from `given`, else "".
pub fn did_you_mean<'a>(given: &str, known: impl Iterator<Item = &'a String>) -> String {
    known
        .map(|k| (strsim::levenshtein(given, k), k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min()
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

fn validate(raws: Vec<(PathBuf, RawFlow)>, concepts: Concepts) -> Loaded {
    let mut problems = Vec::new();
    let mut uses = Vec::new();
    let mut builtin_texts = BTreeSet::new();

    // Pass 1: flow ids, step ids and start steps, so references can be resolved in any order.
    let mut index = Index {
        flows: HashMap::new(),
        steps: Vec::new(),
    };
    let mut starts = Vec::new();
    for (fi, (file, raw)) in raws.iter().enumerate() {
        let id = raw.flow.value.clone();
        if !is_id(&id) {
            let (l, c) = pos(&raw.flow.referenced);
            problems.push(Problem::new(
                file,
                l,
                c,
                format!("invalid flow id `{id}` (use lower-case letters, digits and -)"),
            ));
        }
        if index.flows.insert(id.clone(), fi).is_some() {
            let (l, c) = pos(&raw.flow.referenced);
            problems.push(Problem::new(
                file,
                l,
                c,
                format!("duplicate flow id `{id}`"),
            ));
        }
        let mut steps = HashMap::new();
        for (si, step) in raw.steps.iter().enumerate() {
            let sid = &step.value.id;
            if !is_id(&sid.value) {
                let (l, c) = pos(&sid.referenced);
                problems.push(Problem::new(
                    file,
                    l,
                    c,
                    format!("invalid step id `{}`", sid.value),
                ));
            }
            if steps.insert(sid.value.clone(), si).is_some() {
                let (l, c) = pos(&sid.referenced);
                problems.push(Problem::new(
                    file,
                    l,
                    c,
                    format!("duplicate step id `{}`", sid.value),
                ));
            }
        }
        if raw.steps.is_empty() {
            let (l, c) = pos(&raw.flow.referenced);
            problems.push(Problem::new(file, l, c, "flow has no steps"));
        }
        let start = match &raw.start {
            None => 0,
            Some(s) => match steps.get(&s.value) {
                Some(&i) => i,
                None => {
                    let (l, c) = pos(&s.referenced);
                    problems.push(Problem::new(
                        file,
                        l,
                        c,
                        format!("unknown start step `{}`", s.value),
                    ));
                    0
                }
            },
        };
        starts.push(start);
        index.steps.push(steps);
    }

    // Pass 2: steps and triggers.
    let mut flows = Vec::new();
    let mut triggers: Vec<(i32, usize, usize, Trigger)> = Vec::new();
    for (fi, (file, raw)) in raws.iter().enumerate() {
        let mut cx = Cx {
            concepts: &concepts,
            file,
            problems: &mut problems,
            uses: &mut uses,
            builtin_texts: &mut builtin_texts,
            flow: raw.flow.value.clone(),
            step: String::new(),
            budget: raw
                .sms_segments
                .as_ref()
                .map_or(DEFAULT_SMS_SEGMENTS, |b| b.value),
        };
        let flow_budget = cx.budget;
        let mut steps = Vec::new();
        for step in &raw.steps {
            cx.step = step.value.id.value.clone();
            cx.budget = step
                .value
                .sms_segments
                .as_ref()
                .map_or(flow_budget, |b| b.value);
            steps.push(load_step(
                fi,
                &step.value,
                &step.referenced,
                &index,
                &starts,
                &mut cx,
            ));
        }
        for (ti, trig) in raw.triggers.iter().enumerate() {
            if let Some(t) =
                load_trigger(fi, &trig.value, &trig.referenced, &index, &starts, &mut cx)
            {
                triggers.push((t.priority, fi, ti, t));
            }
        }
        let step_ids = index.steps[fi].clone();
        flows.push(Flow {
            id: raw.flow.value.clone(),
            file: file.clone(),
            interruptible: raw.interruptible.unwrap_or(true),
            start: starts[fi],
            steps,
            step_ids,
        });
    }
    triggers.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let triggers: Vec<Trigger> = triggers.into_iter().map(|t| t.3).collect();

    let set = FlowSet {
        by_id: index.flows.clone(),
        flows,
        triggers,
        concepts,
    };
    check_graph(&set, &raws, &mut problems);
    check_triggers(&set, &raws, &mut problems);
    mark_choices_and_emergency(&set, &mut uses);
    Loaded {
        flows: Some(set),
        uses,
        builtin_texts,
        problems,
    }
}

pub(crate) fn is_id(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn load_step(
    fi: usize,
    raw: &RawStep,
    at: &Location,
    index: &Index,
    starts: &[usize],
    cx: &mut Cx,
) -> Step {
    let mut actions = Vec::new();
    if let Some(say) = &raw.say {
        actions.push(Action::Say(super::actions::say::Say::load(say, cx)));
    }
    let mut ends = false;
    for a in &raw.actions {
        if let Some(action) = Action::load(a, cx) {
            ends |= matches!(action, Action::End(_));
            actions.push(action);
        }
    }
    let routers = [
        raw.choices.is_some(),
        raw.capture.is_some(),
        raw.branch.is_some(),
        raw.next.is_some(),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    if routers > 1 {
        cx.problem(
            at,
            "a step has at most one of `choices`, `capture`, `branch` and `next`",
        );
    }
    if ends && routers > 0 {
        cx.problem(at, "a step that ends the flow (`end`) cannot also have `choices`, `capture`, `branch` or `next`");
    }
    if raw.otherwise.is_some() && raw.choices.is_none() {
        cx.problem(at, "`otherwise` only goes with `choices`");
    }
    let router = if let Some(choices) = &raw.choices {
        load_choices(fi, choices, raw.otherwise.as_ref(), at, index, starts, cx)
    } else if let Some(capture) = &raw.capture {
        load_capture(fi, &capture.value, &capture.referenced, index, starts, cx)
    } else if let Some(branch) = &raw.branch {
        load_branch(fi, branch, at, index, starts, cx)
    } else if let Some(next) = &raw.next {
        index.resolve(fi, next, starts, cx).map(Router::Next)
    } else {
        Some(Router::End)
    }
    .unwrap_or(Router::End);
    let accepts = load_accepts(fi, &raw.accepts, index, starts, cx);
    if !raw.accepts.is_empty() && raw.choices.is_none() && raw.capture.is_none() {
        cx.problem(
            at,
            "`accepts` only goes with a step that waits (`choices` or `capture`)",
        );
    }
    Step {
        id: raw.id.value.clone(),
        actions,
        router,
        accepts,
    }
}

fn load_accepts(
    fi: usize,
    raw: &[S<RawAccept>],
    index: &Index,
    starts: &[usize],
    cx: &mut Cx,
) -> Vec<Accept> {
    let mut out = Vec::new();
    for a in raw {
        let at = &a.referenced;
        let a = &a.value;
        let words = cx.answer_words(&a.words);
        let rules = cx.rules(&a.rules);
        let capture = match (&a.capture, &a.var) {
            (Some(kind), Some(var)) => {
                if !cx.check_var_name(&var.value, &var.referenced) {
                    continue;
                }
                match kind.value.as_str() {
                    "zip" => Some((CaptureKind::Zip, var.value.clone())),
                    "location" => Some((CaptureKind::Location, var.value.clone())),
                    "number" => Some((CaptureKind::Number, var.value.clone())),
                    other => {
                        cx.problem(
                            &kind.referenced,
                            format!("an accepted capture is `zip`, `location` or `number`, not `{other}`"),
                        );
                        continue;
                    }
                }
            }
            (Some(kind), None) => {
                cx.problem(&kind.referenced, "a `capture` needs the `var` it keeps");
                continue;
            }
            (None, Some(var)) => {
                cx.problem(&var.referenced, "`var` goes with `capture`");
                continue;
            }
            (None, None) => None,
        };
        let kinds = usize::from(!a.words.is_empty() || !a.rules.is_empty())
            + usize::from(capture.is_some());
        if kinds != 1 {
            cx.problem(
                at,
                "an accepted answer has `words` and/or `match`, or a `capture` (one of the two)",
            );
            continue;
        }
        let mut set = Vec::new();
        for (k, v) in &a.set {
            if cx.check_var_name(k, at) {
                set.push((k.clone(), v.clone()));
            }
        }
        let Some(target) = index.resolve(fi, &a.next, starts, cx) else {
            continue;
        };
        out.push(Accept {
            words,
            rules,
            capture,
            set,
            target,
        });
    }
    out
}

fn load_choices(
    fi: usize,
    raw: &[S<RawChoice>],
    otherwise: Option<&S<String>>,
    at: &Location,
    index: &Index,
    starts: &[usize],
    cx: &mut Cx,
) -> Option<Router> {
    if raw.is_empty() {
        cx.problem(at, "`choices` is empty");
        return None;
    }
    if raw.len() > 9 {
        cx.problem(at, "at most 9 choices: people answer with one digit");
    }
    let mut choices = Vec::new();
    for c in raw {
        let c = &c.value;
        // Labels are checked against the locales in `check`; record them as used texts.
        let (line, col) = pos(&c.label.referenced);
        cx.uses.push(TextUse {
            key: c.label.value.clone(),
            file: cx.file.to_owned(),
            line,
            col,
            flow: cx.flow.clone(),
            step: cx.step.clone(),
            sms_segments: cx.budget,
            choices: Vec::new(),
            first_emergency: false,
            is_label: true,
        });
        let words = cx.answer_words(&c.words);
        let rules = cx.rules(&c.rules);
        let mut set = Vec::new();
        for (k, v) in &c.set {
            if cx.check_var_name(k, &c.label.referenced) {
                set.push((k.clone(), v.clone()));
            }
        }
        let target = index.resolve(fi, &c.next, starts, cx)?;
        choices.push(Choice {
            label: c.label.value.clone(),
            words,
            rules,
            set,
            target,
        });
    }
    let otherwise = match otherwise {
        Some(o) => Some(index.resolve(fi, o, starts, cx)?),
        None => None,
    };
    Some(Router::Choices(Choices { choices, otherwise }))
}

fn load_capture(
    fi: usize,
    raw: &RawCapture,
    at: &Location,
    index: &Index,
    starts: &[usize],
    cx: &mut Cx,
) -> Option<Router> {
    if !cx.check_var_name(&raw.var.value, &raw.var.referenced) {
        return None;
    }
    let kind_name = raw.kind.as_ref().map_or("text", |k| k.value.as_str());
    let kind = match CaptureKind::parse(kind_name, raw.pattern.as_ref().map(|p| p.value.as_str())) {
        Ok(k) => k,
        Err(e) => {
            let where_ = raw
                .pattern
                .as_ref()
                .map(|p| &p.referenced)
                .or(raw.kind.as_ref().map(|k| &k.referenced))
                .unwrap_or(at);
            cx.problem(where_, e);
            return None;
        }
    };
    cx.use_text(&raw.invalid, None);
    let target = index.resolve(fi, &raw.next, starts, cx)?;
    Some(Router::Capture(Capture {
        var: raw.var.value.clone(),
        kind,
        invalid: raw.invalid.value.clone(),
        target,
    }))
}

fn load_branch(
    fi: usize,
    raw: &[S<RawBranch>],
    at: &Location,
    index: &Index,
    starts: &[usize],
    cx: &mut Cx,
) -> Option<Router> {
    let mut arms = Vec::new();
    let mut otherwise = None;
    for (i, arm) in raw.iter().enumerate() {
        let a = &arm.value;
        match (&a.when, &a.next, &a.otherwise) {
            (Some(cond), Some(next), None) => {
                let var = &cond.var;
                if !cx.check_var_name(&var.value, &var.referenced) {
                    continue;
                }
                let c = match (&cond.is, &cond.one_of, cond.set) {
                    (Some(v), None, None) => Cond::Is(var.value.clone(), v.clone()),
                    (None, Some(vs), None) => Cond::In(var.value.clone(), vs.clone()),
                    (None, None, Some(s)) => Cond::Set(var.value.clone(), s),
                    _ => {
                        cx.problem(
                            &var.referenced,
                            "a condition has exactly one of `is`, `in` and `set`",
                        );
                        continue;
                    }
                };
                if let Some(t) = index.resolve(fi, next, starts, cx) {
                    arms.push((c, t));
                }
            }
            (None, None, Some(e)) => {
                if i + 1 != raw.len() {
                    cx.problem(&arm.referenced, "`else` must be the last arm of a branch");
                }
                otherwise = index.resolve(fi, e, starts, cx);
            }
            _ => cx.problem(
                &arm.referenced,
                "a branch arm is either `if:` with `next:`, or `else:`",
            ),
        }
    }
    match otherwise {
        Some(o) => Some(Router::Branch(Branch { arms, otherwise: o })),
        None => {
            cx.problem(at, "a branch needs a final `else:` arm");
            None
        }
    }
}

fn load_trigger(
    fi: usize,
    raw: &raw::RawTrigger,
    at: &Location,
    index: &Index,
    starts: &[usize],
    cx: &mut Cx,
) -> Option<Trigger> {
    let intent = raw.intent.value.clone();
    if !is_id(&intent) {
        cx.problem(
            &raw.intent.referenced,
            format!("invalid intent id `{intent}`"),
        );
    }
    if keywords::BUILTIN_INTENTS.contains(&intent.as_str()) {
        cx.problem(
            &raw.intent.referenced,
            format!(
                "intent `{intent}` is built in (SMS keywords) and cannot be triggered by a flow"
            ),
        );
        return None;
    }
    let start = match &raw.start {
        None => starts[fi],
        Some(s) => match index.steps[fi].get(&s.value) {
            Some(&i) => i,
            None => {
                cx.problem(&s.referenced, format!("unknown step `{}`", s.value));
                return None;
            }
        },
    };
    let words = phrases(&raw.words, cx);
    let patterns = patterns(&raw.patterns, cx);
    let unless = patterns_of(&raw.unless, cx);
    let mut substrings = Vec::new();
    for (lang, s) in per_lang(&raw.substrings) {
        let compact: String = fold(&s.value).as_str().replace(' ', "");
        if compact.chars().count() < 6 {
            cx.problem(
                &s.referenced,
                "a substring needs at least 6 letters, or it matches inside ordinary words",
            );
        } else {
            substrings.push((lang, compact));
        }
    }
    let rules = cx.rules(&raw.rules);
    let except = cx.rules(&raw.except);
    if !raw.fallback
        && !raw.stuck
        && words.is_empty()
        && patterns.is_empty()
        && substrings.is_empty()
        && raw.rules.is_empty()
    {
        cx.problem(
            at,
            "a trigger needs `match`, `words` or `patterns` (or `fallback: true`)",
        );
    }
    if !raw.except.is_empty() && raw.rules.is_empty() {
        cx.problem(
            at,
            "`except` cancels `match` rules it overlaps, but this trigger has no `match`",
        );
    }
    if raw.reprompt && !raw.aside {
        cx.problem(at, "`reprompt` goes with `aside: true`");
    }
    if raw.stuck
        && (raw.fallback || !raw.rules.is_empty() || !words.is_empty() || !patterns.is_empty())
    {
        cx.problem(at, "a `stuck: true` trigger is used after two misunderstandings: give it no `match`, `words` or `patterns`, and no `fallback`");
    }
    if raw.fallback && (!words.is_empty() || !patterns.is_empty() || !raw.rules.is_empty()) {
        cx.problem(at, "a fallback trigger matches what nothing else matches: give it no `words` or `patterns`");
    }
    let mut set = Vec::new();
    for (k, v) in &raw.set {
        if cx.check_var_name(k, at) {
            set.push((k.clone(), v.clone()));
        }
    }
    Some(Trigger {
        intent,
        flow: fi,
        start,
        priority: raw.priority.as_ref().map_or(0, |p| p.value),
        urgent: raw.urgent,
        fallback: raw.fallback,
        aside: raw.aside,
        reprompt: raw.reprompt,
        stuck: raw.stuck,
        set,
        words,
        patterns,
        unless,
        substrings,
        rules,
        except,
    })
}

fn per_lang(p: &PerLang) -> impl Iterator<Item = (Option<Lang>, &S<String>)> {
    p.en.iter()
        .map(|s| (Some(Lang::En), s))
        .chain(p.es.iter().map(|s| (Some(Lang::Es), s)))
        .chain(p.any.iter().map(|s| (None, s)))
}

fn phrases(p: &PerLang, cx: &mut Cx) -> Vec<Phrase> {
    let mut out = Vec::new();
    for (lang, w) in per_lang(p) {
        let words: Vec<String> = fold(&w.value).words().map(str::to_owned).collect();
        if words.is_empty() {
            cx.problem(&w.referenced, "phrase has no letters or digits");
        } else {
            out.push(Phrase { lang, words });
        }
    }
    out
}

fn patterns(p: &PerLang, cx: &mut Cx) -> Vec<(Option<Lang>, Regex)> {
    patterns_of(p, cx)
}

fn patterns_of(p: &PerLang, cx: &mut Cx) -> Vec<(Option<Lang>, Regex)> {
    let mut out = Vec::new();
    for (lang, pat) in per_lang(p) {
        if let Some(re) = compile_pattern(&pat.value, &pat.referenced, cx) {
            out.push((lang, re));
        }
    }
    out
}

/// Compiles a trigger pattern so that it matches whole words of the folded message.
///
/// Folded text is words separated by single spaces, so `\w` in a pattern is rewritten to
/// `[^ ]` ("a character of a word"). This keeps its meaning and keeps the compiled automaton
/// small: Unicode `\w` inside counted repetitions like `(\w+ ){0,5}` multiplies into megabytes.
pub fn compile_word_pattern(pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(&word_pattern_source(pattern))
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| one_line(&e.to_string()))
}

/// The compiled size one trigger pattern may reach.
pub const PATTERN_SIZE_LIMIT: usize = 2 << 20;

/// The source of a trigger pattern as compiled: anchored at word boundaries, `\w` rewritten.
pub fn word_pattern_source(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 24);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('w') => out.push_str("[^ ]"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    format!("(?:^| )(?:{out})(?: |$)")
}

fn compile_pattern(pattern: &str, at: &Location, cx: &mut Cx) -> Option<Regex> {
    // Folded text is lower case without accents: a pattern with upper-case letters or accents
    // can never match, which is a silent failure worth reporting.
    if pattern
        .chars()
        .any(|c| c.is_uppercase() || (c.is_alphabetic() && !c.is_ascii()))
    {
        cx.problem(
            at,
            format!("pattern `{pattern}` has upper-case or accented letters, but messages are matched folded (lower case, no accents)"),
        );
        return None;
    }
    match compile_word_pattern(pattern) {
        Ok(re) => Some(re),
        Err(e) => {
            cx.problem(at, format!("invalid pattern `{pattern}`: {e}"));
            None
        }
    }
}

/// Unreachable steps and loops that never wait.
fn check_graph(set: &FlowSet, raws: &[(PathBuf, RawFlow)], problems: &mut Vec<Problem>) {
    let n = set.flows.len();
    let mut reached: Vec<Vec<bool>> = set
        .flows
        .iter()
        .map(|f| vec![false; f.steps.len()])
        .collect();
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for (fi, f) in set.flows.iter().enumerate() {
        if !f.steps.is_empty() {
            stack.push((fi, f.start));
        }
    }
    for t in &set.triggers {
        stack.push((t.flow, t.start));
    }
    while let Some((fi, si)) = stack.pop() {
        if fi >= n || si >= reached[fi].len() || reached[fi][si] {
            continue;
        }
        reached[fi][si] = true;
        let step = &set.flows[fi].steps[si];
        let accepted = step.accepts.iter().map(|a| a.target);
        for t in successors(&step.router).into_iter().chain(accepted) {
            match t {
                Target::Step(s) => stack.push((fi, s)),
                Target::Flow { flow, step } => stack.push((flow, step)),
                Target::End => {}
            }
        }
    }
    for (fi, (file, raw)) in raws.iter().enumerate() {
        for (si, step) in raw.steps.iter().enumerate() {
            if !reached[fi].get(si).copied().unwrap_or(true) {
                let (l, c) = pos(&step.value.id.referenced);
                problems.push(Problem::new(
                    file,
                    l,
                    c,
                    format!("step `{}` is unreachable", step.value.id.value),
                ));
            }
        }
    }
    // A cycle through steps that never wait would loop forever on one message.
    let mut state: HashMap<(usize, usize), u8> = HashMap::new();
    for fi in 0..n {
        for si in 0..set.flows[fi].steps.len() {
            if let Some((cf, cs)) = find_cycle(set, (fi, si), &mut state) {
                let (file, raw) = &raws[cf];
                let (l, c) = pos(&raw.steps[cs].value.id.referenced);
                problems.push(Problem::new(
                    file,
                    l,
                    c,
                    format!(
                        "step `{}` is in a loop that never waits for the person",
                        raw.steps[cs].value.id.value
                    ),
                ));
                return;
            }
        }
    }
}

fn successors(r: &Router) -> Vec<Target> {
    match r {
        Router::End => vec![],
        Router::Next(t) => vec![*t],
        Router::Choices(c) => c
            .choices
            .iter()
            .map(|c| c.target)
            .chain(c.otherwise)
            .collect(),
        Router::Capture(c) => vec![c.target],
        Router::Branch(b) => b.arms.iter().map(|a| a.1).chain([b.otherwise]).collect(),
    }
}

fn find_cycle(
    set: &FlowSet,
    at: (usize, usize),
    state: &mut HashMap<(usize, usize), u8>,
) -> Option<(usize, usize)> {
    match state.get(&at) {
        Some(1) => return Some(at),
        Some(_) => return None,
        None => {}
    }
    let router = &set.flows[at.0].steps[at.1].router;
    if router.waits() {
        state.insert(at, 2);
        return None;
    }
    state.insert(at, 1);
    for t in successors(router) {
        let next = match t {
            Target::Step(s) => (at.0, s),
            Target::Flow { flow, step } => (flow, step),
            Target::End => continue,
        };
        if let Some(c) = find_cycle(set, next, state) {
            return Some(c);
        }
    }
    state.insert(at, 2);
    None
}

fn check_triggers(set: &FlowSet, raws: &[(PathBuf, RawFlow)], problems: &mut Vec<Problem>) {
    let fallbacks: Vec<&Trigger> = set.triggers.iter().filter(|t| t.fallback).collect();
    let dir = raws.first().map_or(PathBuf::from("flows"), |(f, _)| {
        f.parent().unwrap_or(Path::new(".")).to_owned()
    });
    if raws.is_empty() {
        return;
    }
    if fallbacks.is_empty() {
        problems.push(Problem::new(
            &dir,
            0,
            0,
            "no flow has a `fallback: true` trigger: messages nothing matches would get no answer",
        ));
    }
    let stuck: Vec<&Trigger> = set.triggers.iter().filter(|t| t.stuck).collect();
    if stuck.len() > 1 {
        let f = &set.flows[stuck[1].flow];
        problems.push(Problem::new(
            &f.file,
            0,
            0,
            "more than one `stuck: true` trigger",
        ));
    }
    if fallbacks.len() > 1 {
        let f = &set.flows[fallbacks[1].flow];
        problems.push(Problem::new(
            &f.file,
            0,
            0,
            "more than one `fallback: true` trigger",
        ));
    }
    for required in ["emergency", "crisis"] {
        if set.trigger_for(required).is_none() {
            problems.push(Problem::new(
                &dir,
                0,
                0,
                format!("no flow has a trigger for the `{required}` intent"),
            ));
        }
    }
    if let Some(t) = set.trigger_for("emergency")
        && !t.urgent
    {
        let f = &set.flows[t.flow];
        problems.push(Problem::new(
            &f.file,
            0,
            0,
            "the emergency trigger must be `urgent: true` so that it interrupts every flow",
        ));
    }
}

/// Marks the text uses that SMS sends together with a choice list, and the first emergency text.
/// A choice step that says nothing shows its choices under the last text of the step that led
/// to it, so that text is marked instead.
fn mark_choices_and_emergency(set: &FlowSet, uses: &mut [TextUse]) {
    let last_text = |step: &Step| {
        step.actions.iter().rev().find_map(|a| match a {
            Action::Say(s) => s.texts.last().cloned(),
            _ => None,
        })
    };
    for (fi, flow) in set.flows.iter().enumerate() {
        for (si, step) in flow.steps.iter().enumerate() {
            let Router::Choices(c) = &step.router else {
                continue;
            };
            let labels: Vec<String> = c.choices.iter().map(|c| c.label.clone()).collect();
            let mut carriers: Vec<(usize, usize)> = Vec::new();
            if last_text(step).is_some() {
                carriers.push((fi, si));
            } else {
                for (pfi, pflow) in set.flows.iter().enumerate() {
                    for (psi, pstep) in pflow.steps.iter().enumerate() {
                        let leads_here = match pstep.router {
                            Router::Next(Target::Step(s)) => pfi == fi && s == si,
                            Router::Next(Target::Flow { flow, step }) => flow == fi && step == si,
                            _ => false,
                        };
                        if leads_here {
                            carriers.push((pfi, psi));
                        }
                    }
                }
            }
            for (cfi, csi) in carriers {
                let (cflow, cstep) = (&set.flows[cfi], &set.flows[cfi].steps[csi]);
                if let Some(key) = last_text(cstep)
                    && let Some(u) = uses
                        .iter_mut()
                        .rev()
                        .find(|u| u.flow == cflow.id && u.step == cstep.id && u.key == key)
                {
                    u.choices = labels.clone();
                }
            }
        }
    }
    // A flow cut short (triggers but no steps yet) has a problem of its own; there is no
    // first text to mark. (Found by tests/properties.rs: indexing here panicked.)
    if let Some(t) = set.trigger_for("emergency")
        && let Some(flow) = set.flows.get(t.flow)
        && let Some(step) = flow.steps.get(t.start)
    {
        let first = step.actions.iter().find_map(|a| match a {
            Action::Say(s) => s.texts.first(),
            _ => None,
        });
        if let Some(key) = first
            && let Some(u) = uses
                .iter_mut()
                .find(|u| u.flow == flow.id && u.step == step.id && &u.key == key)
        {
            u.first_emergency = true;
        }
    }
}
