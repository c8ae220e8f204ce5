//! The conversation engine: `(session, message) -> (session', replies, effects)`, with no I/O.
//!
//! The engine holds the validated flows, the texts and the triage matchers, all immutable after
//! loading. `handle` takes a session by value and returns the new one; it never reads a clock
//! (the time is in the input), never touches the store or the network, and never sees an
//! address: the runtime looks up the session by pseudonym and carries out the effects.

pub mod refer;
pub mod reply;
pub mod session;

use std::path::Path;

use crate::Lang;
use crate::flows::actions::handoff::Priority;
use crate::flows::routers::capture::find_zip;
use crate::flows::{CaptureKind, FlowSet, Router, Target};
use crate::locales::Texts;
use crate::problem::Problem;
use crate::text::{Folded, fold};
use crate::triage::concepts::eval_rule;
use crate::triage::{Classified, Keyword, Prepared, Triage, detect};
pub use reply::{Channel, Reply};
pub use session::{HandoffState, Redo, Said, Session};

/// Texts the engine itself says, which every locale must have.
pub const TEXTS: &[&str] = &[
    "optout-confirm",
    "optin-confirm",
    "help-info",
    "not-understood",
    "handoff-left",
    "handoff-emergency-alerted",
    "rate-limited",
    "telegram-share-location",
    "forget-confirm",
    "feedback-thanks",
];

/// Words that take a person out of a counselor queue back to the bot (whole message, folded).
pub const LEAVE_HANDOFF: &[&str] = &[
    "menu",
    "bot",
    "back to bot",
    "salir",
    "volver",
    "menu principal",
];

/// An upper bound on steps run for one message; `check` refuses loops that never wait, so this
/// only guards against a bug.
const MAX_STEPS_PER_MESSAGE: usize = 64;

#[derive(Debug)]
pub struct Engine {
    pub flows: FlowSet,
    pub texts: Texts,
    pub triage: Triage,
    /// Every choice label folded in every language, computed once: answers are matched
    /// against them on every message that waits at a choice.
    labels: std::collections::HashMap<String, Vec<Folded>>,
}

/// One incoming message, as the engine sees it.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    pub content: Content<'a>,
    /// Unix seconds.
    pub now: i64,
    pub channel: Channel,
}

#[derive(Clone, Debug)]
pub enum Content<'a> {
    Text(&'a str),
    /// A shared location pin (Telegram).
    Location {
        lat: f64,
        lon: f64,
    },
}

/// Whether a counselor can take a handoff now. Decided by the handoff module at the edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Availability {
    Available,
    /// No counselor service is configured.
    #[default]
    NoService,
    OutOfHours,
    /// Counselors are there, but the queue has no room for this person now (the web chat's
    /// caps on open tickets): the hotlines, and no ticket.
    Full,
    /// Counselors are there; a ticket asked for in the session's first message is held until
    /// the person writes again (the web chat: a visitor joins the queue after a real exchange).
    AfterExchange,
}

/// Read-only context from the edges: what the engine may know about the world for this message.
#[derive(Default)]
pub struct Ctx<'a> {
    pub counselors: Availability,
    pub referrals: Option<&'a dyn refer::Referrals>,
}

/// Work for the runtime after a message.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Delete everything about the person and keep the opt-out marker.
    OptOut,
    /// Remove the opt-out marker.
    OptIn,
    /// STOP off SMS: delete everything about the person, without silencing them.
    Forget,
    /// Open a counselor ticket; a `held` one joins the queue when the person writes again.
    Handoff {
        priority: Priority,
        reason: String,
        held: bool,
    },
    /// Pass the person's message to the counselor of their open ticket.
    Relay { text: String },
    /// An emergency during an open handoff: raise the ticket to urgent and alert the counselor.
    HandoffEmergency { text: String },
    /// The person left the queue; close their ticket.
    LeaveHandoff,
    /// The answer to "Did this help?" after a counselor closed: 1 yes, 2 somewhat, 3 no. Only
    /// counted.
    Feedback { score: u8 },
    /// A list of nearby services was given (`found`) or none was found, for the reports.
    Referred { kind: String, found: bool },
    /// The person asked for a counselor and the queue had no room for them
    /// (`Availability::Full`): they got the hotlines; counted so operators see the cap is hit.
    HandoffFull,
    /// On a phone call, the handoff action: connect the caller to a counselor's phone (or,
    /// when none can answer, offer the 988 Lifeline). No ticket is opened; the voice channel
    /// decides who can answer and says what happens.
    Connect { priority: Priority, reason: String },
}

/// Keys with a fixed meaning at every step of a phone call, whatever the step's choices (which
/// are the digits 1 to 9): the star says the last thing again (the `repeat` aside), zero starts
/// the overdose steps (the `emergency` intent).
pub const KEY_REPEAT: &str = "*";
pub const KEY_EMERGENCY: &str = "0";

/// The result of one message.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub session: Session,
    pub replies: Vec<Reply>,
    pub effects: Vec<Effect>,
    pub intent: String,
}

impl Engine {
    /// Loads flows and texts and validates them together; refuses any problem.
    pub fn load(flows_dir: &Path, locales_dir: &Path) -> Result<Engine, Vec<Problem>> {
        let report = crate::check::check(flows_dir, locales_dir);
        if !report.problems.is_empty() {
            return Err(report.problems);
        }
        match report.engine {
            Some(e) => Ok(e),
            None => Err(vec![Problem::new(flows_dir, 0, 0, "no usable flows")]),
        }
    }

    /// Builds an engine from already validated parts; fails only if the triggers' patterns
    /// together are too large to compile.
    pub fn from_parts(flows: FlowSet, texts: Texts) -> Result<Engine, String> {
        let triage = Triage::new(&flows)?;
        let mut labels = std::collections::HashMap::new();
        for flow in &flows.flows {
            for step in &flow.steps {
                if let Router::Choices(c) = &step.router {
                    for ch in &c.choices {
                        labels.entry(ch.label.clone()).or_insert_with(|| {
                            Lang::ALL
                                .iter()
                                .map(|&l| fold(&texts.render(l, &ch.label, &[])))
                                .collect()
                        });
                    }
                }
            }
        }
        Ok(Engine {
            flows,
            texts,
            triage,
            labels,
        })
    }

    /// Classifies a message without any session, as the triage corpus test does.
    pub fn classify(&self, text: &str) -> (Classified, Prepared) {
        let prepared = self.triage.prepare(&self.flows, text);
        (self.triage.classify(&self.flows, &prepared), prepared)
    }

    /// Why `text` is classified as it is (`haven explain`).
    pub fn explain(&self, text: &str) -> crate::triage::explain::Explanation {
        let (cls, prepared) = self.classify(text);
        self.triage.explain(&self.flows, text, &prepared, &cls)
    }

    /// The intent id of a classification.
    pub fn intent_of(&self, c: &Classified) -> String {
        c.intent(&self.flows).to_owned()
    }

    /// Whether `session` waits at a step that captures a location, so a channel that can send
    /// a location pin (Telegram) offers a button for it.
    pub fn awaits_location(&self, session: &Session) -> bool {
        let (Some(flow), Some(step)) = (session.flow.as_deref(), session.step.as_deref()) else {
            return false;
        };
        let Some((_, f)) = self.flows.flow(flow) else {
            return false;
        };
        f.step(step).is_some_and(|si| {
            matches!(
                &f.steps[si].router,
                Router::Capture(c) if matches!(c.kind, CaptureKind::Location)
            )
        })
    }

    /// Handles one message.
    pub fn handle(&self, mut session: Session, input: &Input, ctx: &Ctx) -> Outcome {
        session.last_seen = input.now;
        session.turns = session.turns.saturating_add(1);
        let raw_text = match &input.content {
            Content::Text(t) => *t,
            Content::Location { .. } => "",
        };
        let (mut cls, prepared) = self.classify(raw_text);
        // YES and SÍ are START only after an opt-out; otherwise they answer what was asked.
        if cls.keyword == Some(Keyword::Yes) && !session.opted_out {
            cls = self.triage.classify_triggers(&self.flows, &prepared);
        }
        // On a call, the star and zero keys mean the same at every step.
        let keyed = match input.channel {
            Channel::Voice => self.keypad(raw_text),
            _ => None,
        };
        if let Some(ti) = keyed {
            cls = Classified {
                keyword: None,
                trigger: Some(ti),
                lang_hint: None,
                also_urgent: Vec::new(),
            };
        }
        let intent = self.intent_of(&cls);
        self.update_language(&mut session, raw_text, &prepared, &cls);
        let waiting_before = session.flow.clone().zip(session.step.clone());
        let mut ex = Exec {
            engine: self,
            ctx,
            input,
            session,
            replies: Vec::new(),
            effects: Vec::new(),
            ended: false,
            steps_run: 0,
            said: Vec::new(),
            repeated: false,
            missed: false,
            aside: None,
            jump: None,
        };
        if keyed.is_some() && !ex.session.opted_out && ex.session.handoff.is_none() {
            // A reserved key is never an answer to the step: it runs its trigger at once.
            if let Some(ti) = cls.trigger {
                ex.start(ti, &cls);
            }
        } else {
            ex.dispatch(&cls, &prepared, raw_text);
        }
        ex.finish_turn(waiting_before);
        Outcome {
            session: ex.session,
            replies: ex.replies,
            effects: ex.effects,
            intent,
        }
    }

    fn update_language(
        &self,
        session: &mut Session,
        raw: &str,
        prepared: &Prepared,
        cls: &Classified,
    ) {
        if session.lang_chosen {
            return;
        }
        // Early messages decide; later a single word ("ok", "si") should not flip the language.
        let early = session.turns <= 3;
        match self.guess_language(raw, prepared) {
            // Switch when the evidence is clear, early on, or when the words that matched a
            // trigger were written for the same language ("hola" later in a chat).
            Some((lang, margin)) if early || margin >= 2 || cls.lang_hint == Some(lang) => {
                session.lang = lang
            }
            Some(_) => {}
            None => {
                if let (true, Some(hint)) = (early, cls.lang_hint) {
                    session.lang = hint;
                }
            }
        }
    }

    /// The language a message is written in, and by what margin, when the evidence is clear:
    /// marker words and accents, plus the words only one language's concepts know.
    pub fn guess_language(&self, raw: &str, prepared: &Prepared) -> Option<(Lang, u32)> {
        let votes = self.flows.concepts.lang_votes(&prepared.tokens);
        detect::detect_with_votes(raw, &prepared.folded, votes)
    }

    /// The trigger a reserved key of a phone call runs: [`KEY_REPEAT`] the `repeat` aside,
    /// [`KEY_EMERGENCY`] the bystander overdose trigger (the `emergency` trigger that sets no
    /// variables, else the first). `None` for any other text, or when the flows lack the intent.
    pub fn keypad(&self, text: &str) -> Option<usize> {
        let triggers = &self.flows.triggers;
        match text.trim() {
            KEY_REPEAT => triggers
                .iter()
                .position(|t| t.intent == "repeat" && t.aside),
            KEY_EMERGENCY => triggers
                .iter()
                .position(|t| t.intent == "emergency" && t.set.is_empty())
                .or_else(|| triggers.iter().position(|t| t.intent == "emergency")),
            _ => None,
        }
    }

    /// The label texts of a choice in every language, folded, so answers in either match.
    fn folded_labels(&self, key: &str) -> &[Folded] {
        self.labels.get(key).map_or(&[], Vec::as_slice)
    }
}

/// The state of handling one message: the engine, the session being changed, and what has been
/// said and decided so far. Actions run against this.
pub struct Exec<'a> {
    pub engine: &'a Engine,
    pub ctx: &'a Ctx<'a>,
    pub input: &'a Input<'a>,
    pub session: Session,
    pub replies: Vec<Reply>,
    pub effects: Vec<Effect>,
    ended: bool,
    steps_run: usize,
    /// What was said this turn, to keep as `session.said`.
    said: Vec<Said>,
    /// This turn said the last turn again: keep the last turn's `said`.
    repeated: bool,
    /// This turn did not understand the person.
    missed: bool,
    /// An aside running: its flow, and the step the person waits at (they go back to it).
    aside: Option<(usize, (usize, usize))>,
    /// A step an action asked to go to once the current step's actions are done (`back`).
    jump: Option<(usize, usize)>,
}

impl Exec<'_> {
    /// Says the text `key` in the person's language with the session's variables.
    pub fn say(&mut self, key: &str) {
        let args: Vec<(&str, &str)> = self
            .session
            .vars
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // On a call, a text's `-voice` form when it has one: what reads well may not sound
        // well (a numbered list, "reply PERSON"). The base key is what is kept for a repeat.
        let spoken = format!("{key}{}", crate::speech::VOICE_SUFFIX);
        let rendered = if self.input.channel.is_spoken()
            && self.engine.texts.has(self.session.lang, &spoken)
        {
            &spoken
        } else {
            key
        };
        let text = self.engine.texts.render(self.session.lang, rendered, &args);
        if !text.trim().is_empty() {
            self.said.push(Said::Key(key.to_owned()));
            self.replies.push(Reply {
                text,
                key: Some(key.to_owned()),
                ..Reply::default()
            });
        }
    }

    /// Says a text rendered elsewhere (referral lists).
    pub fn say_text(&mut self, text: String) {
        if !text.trim().is_empty() {
            self.said.push(Said::Text(text.clone()));
            self.replies.push(Reply::text(text));
        }
    }

    /// Keeps something said this turn for a later repeat.
    pub fn record(&mut self, said: Said) {
        self.said.push(said);
    }

    /// The `repeat` action: says again what haven said last, with the choices of the step the
    /// person waits at.
    pub fn repeat_last(&mut self) {
        if self.session.said.is_empty() {
            // Nothing said yet to say again ("repeat" as a first message, or after the session
            // expired): start where a greeting starts rather than leave the message unanswered.
            self.jump = self.greeting_start();
            return;
        }
        self.repeated = true;
        for s in self.session.said.clone() {
            match s {
                Said::Key(k) => self.say(&k),
                Said::Text(t) => self.say_text(t),
                Said::Refer {
                    kind,
                    near,
                    offset,
                    open_now,
                } => refer::run_page(self, kind.as_deref(), &near, offset, open_now, false),
            }
        }
        if let Some((_, (fi, si))) = self.aside {
            self.attach_choices(fi, si);
        }
    }

    /// The `back` action: to the step the person waited at before this one, or the menu.
    pub fn go_back(&mut self) {
        let flows = &self.engine.flows;
        let target = self.session.back.take().and_then(|(f, s)| {
            let (fi, flow) = flows.flow(&f)?;
            Some((fi, flow.step(&s)?))
        });
        self.jump = target.or_else(|| self.greeting_start());
    }

    /// Where a greeting starts (or the fallback, in flows without one).
    fn greeting_start(&self) -> Option<(usize, usize)> {
        let flows = &self.engine.flows;
        flows
            .trigger_for("greeting")
            .or(flows.fallback())
            .map(|t| (t.flow, t.start))
    }

    /// Renders `key` with extra arguments, without saying it.
    pub fn render(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.engine.texts.render(self.session.lang, key, args)
    }

    /// Ends the current flow after this step.
    pub fn end_flow(&mut self) {
        self.ended = true;
    }

    /// The `handoff` action.
    pub fn handoff(&mut self, priority: Priority, reason: &str) {
        if self.session.handoff.is_some() {
            return;
        }
        // A caller is put through to a counselor's phone by the voice channel, which knows who
        // is on the phone list and says what happens; there is no ticket to wait in.
        if self.input.channel.is_spoken() {
            self.effects.push(Effect::Connect {
                priority,
                reason: reason.to_owned(),
            });
            return;
        }
        match self.ctx.counselors {
            Availability::NoService => self.say("handoff-unavailable"),
            Availability::Full => {
                self.effects.push(Effect::HandoffFull);
                self.say("handoff-full");
            }
            available => {
                let held = available == Availability::AfterExchange && self.session.turns <= 1;
                self.effects.push(Effect::Handoff {
                    priority,
                    reason: reason.to_owned(),
                    held,
                });
                // The handoff module fills in the ticket number once the ticket exists.
                self.session.handoff = Some(HandoffState {
                    ticket: 0,
                    assigned: false,
                });
                // Out of hours the person gets the fallback at once and may leave a message.
                self.say(if available == Availability::OutOfHours {
                    "handoff-out-of-hours"
                } else if held {
                    "handoff-held"
                } else {
                    "handoff-queued"
                });
            }
        }
    }

    fn dispatch(&mut self, cls: &Classified, prepared: &Prepared, raw_text: &str) {
        let flows = &self.engine.flows;
        // An opted-out person gets nothing until they opt back in.
        if self.session.opted_out {
            if matches!(cls.keyword, Some(Keyword::Start | Keyword::Yes)) {
                self.session.opted_out = false;
                self.effects.push(Effect::OptIn);
                self.say("optin-confirm");
                self.start_fallback();
            }
            return;
        }
        match cls.keyword {
            // Off SMS there are no carrier rules to honour, and a chat that went silent could
            // miss an overdose reported later: STOP deletes what haven kept, and haven goes on
            // answering.
            Some(Keyword::Stop) if self.input.channel != Channel::Sms => {
                let lang = self.session.lang;
                self.session = Session {
                    lang,
                    last_seen: self.input.now,
                    ..Session::default()
                };
                self.effects.push(Effect::Forget);
                self.say("forget-confirm");
                return;
            }
            Some(Keyword::Stop) => {
                let lang = self.session.lang;
                self.session = Session {
                    lang,
                    opted_out: true,
                    last_seen: self.input.now,
                    ..Session::default()
                };
                self.effects.push(Effect::OptOut);
                self.say("optout-confirm");
                return;
            }
            Some(Keyword::Help) if self.input.channel == Channel::Sms => {
                // The compliance text; the conversation stays where it was.
                self.say("help-info");
                return;
            }
            // Off SMS there is no carrier fine print to give: a panicked "HELP!" gets what
            // helps, 911 and 988 and what haven can do (the fallback's menu carries both lines).
            Some(Keyword::Help) => {
                if self.session.handoff.is_none() {
                    self.start_fallback();
                }
                return;
            }
            Some(Keyword::Start) if self.session.handoff.is_none() => {
                self.start_fallback_greeting();
                return;
            }
            Some(Keyword::Start | Keyword::Yes) | None => {}
        }
        // The one optional question after a counselor closed: only a bare 1, 2 or 3 answers it;
        // anything else is handled as usual and the question is forgotten.
        if std::mem::take(&mut self.session.feedback_due)
            && self.session.handoff.is_none()
            && let Some(score) = feedback_score(prepared.folded.as_str())
        {
            self.effects.push(Effect::Feedback { score });
            self.say("feedback-thanks");
            return;
        }
        let trigger = cls.trigger.map(|t| &flows.triggers[t]);

        if self.session.handoff.is_some() {
            if let Some(ti) = cls
                .trigger
                .filter(|&t| flows.triggers[t].intent == "emergency")
            {
                self.effects.push(Effect::HandoffEmergency {
                    text: clean_for_relay(raw_text),
                });
                self.start_trigger(ti, cls);
                self.say("handoff-emergency-alerted");
                return;
            }
            if LEAVE_HANDOFF.contains(&prepared.folded.as_str()) {
                self.session.handoff = None;
                self.effects.push(Effect::LeaveHandoff);
                self.say("handoff-left");
                self.start_fallback();
                return;
            }
            let text = match &self.input.content {
                Content::Text(t) => clean_for_relay(t),
                Content::Location { .. } => String::new(),
            };
            if !text.is_empty() {
                self.effects.push(Effect::Relay { text });
            }
            return;
        }

        let waiting = self.waiting_step();
        // Urgent triggers (an overdose, a crisis, naming a language) come before any answer.
        if let Some((ti, t)) = cls.trigger.zip(trigger) {
            let same_flow = waiting.is_some_and(|(fi, _)| fi == t.flow);
            if t.urgent && !same_flow {
                self.start(ti, cls);
                return;
            }
        }
        let Some((fi, si)) = waiting else {
            match cls.trigger {
                Some(t) => self.start(t, cls),
                None => self.start_fallback(),
            }
            return;
        };
        let interruptible = flows.flows[fi].interruptible;
        // Another flow's trigger, when the flow waiting may be interrupted.
        let other = cls.trigger.filter(|&t| {
            let t = &flows.triggers[t];
            (interruptible || t.urgent) && !t.aside && t.flow != fi
        });
        if let Some(answer) = self.answer(fi, si, prepared) {
            // A clear request for something else wins over a choice word found in passing
            // ("I need narcan near me" at the menu is a referral, not the naloxone how-to).
            if let (Answer::Loose(_), Some(t)) = (&answer, other) {
                self.start(t, cls);
                return;
            }
            let target = self.take_answer(fi, si, answer);
            self.go(fi, target);
            return;
        }
        if let Some(target) = self.accept(fi, si, prepared) {
            self.go(fi, target);
            return;
        }
        if let Some(t) = cls.trigger {
            let tr = &flows.triggers[t];
            if tr.aside || interruptible || tr.urgent {
                self.start(t, cls);
                return;
            }
        }
        self.not_understood(fi, si);
    }

    /// Starts a trigger's flow, or runs it as an aside.
    fn start(&mut self, ti: usize, cls: &Classified) {
        if self.engine.flows.triggers[ti].aside {
            self.run_aside(ti, cls);
        } else {
            self.start_trigger(ti, cls);
        }
    }

    /// Runs an aside: its flow says what it says without leaving the step the person waits at
    /// ("thanks" during the overdose steps, "in Spanish please" at a question). It stops where it
    /// would leave its flow or wait; then the person is back at their step, asked again if the
    /// trigger says `reprompt`. From no step at all, the aside's flow simply runs.
    fn run_aside(&mut self, ti: usize, cls: &Classified) {
        let Some(from) = self.waiting_step() else {
            self.start_trigger(ti, cls);
            return;
        };
        let t = &self.engine.flows.triggers[ti];
        self.aside = Some((t.flow, from));
        self.start_trigger(ti, cls);
        self.aside = None;
        let (fi, si) = from;
        let flow = &self.engine.flows.flows[fi];
        self.session.flow = Some(flow.id.clone());
        self.session.step = Some(flow.steps[si].id.clone());
        if t.reprompt {
            self.reprompt(fi, si);
        }
    }

    /// Asks a waiting step's question again: its own texts and its choices, no other actions.
    fn reprompt(&mut self, fi: usize, si: usize) {
        let engine = self.engine;
        for action in &engine.flows.flows[fi].steps[si].actions {
            if let crate::flows::Action::Say(say) = action {
                say.run(self);
            }
        }
        self.attach_choices(fi, si);
    }

    /// What the turn leaves for the next: what was said (unless it was said again), the step to
    /// go back to, and whether the person was understood.
    fn finish_turn(&mut self, waiting_before: Option<(String, String)>) {
        if !self.repeated && !self.said.is_empty() {
            self.session.said = std::mem::take(&mut self.said);
        }
        if !self.missed {
            self.session.misses = 0;
        }
        let now = self.waiting_step().map(|(fi, si)| {
            let f = &self.engine.flows.flows[fi];
            (f.id.clone(), f.steps[si].id.clone())
        });
        if let (Some(before), Some(now)) = (waiting_before, now.as_ref())
            && &before != now
        {
            self.session.back = Some(before);
        }
        if now.is_none() && self.session.flow.is_none() {
            self.session.back = None;
        }
    }

    /// The flow and step the session waits at, if it still exists in the loaded flows.
    fn waiting_step(&self) -> Option<(usize, usize)> {
        let (flow, step) = (self.session.flow.as_deref()?, self.session.step.as_deref()?);
        let (fi, f) = self.engine.flows.flow(flow)?;
        let si = f.step(step)?;
        f.steps[si].router.waits().then_some((fi, si))
    }

    /// Tries the person's message as an answer to the waiting step's choices or capture.
    fn answer(&self, fi: usize, si: usize, prepared: &Prepared) -> Option<Answer> {
        let engine = self.engine;
        let step = &engine.flows.flows[fi].steps[si];
        match &step.router {
            Router::Choices(c) => {
                let (i, how) = c.pick(
                    &prepared.folded,
                    &prepared.corrected,
                    &prepared.found,
                    |i| engine.folded_labels(&c.choices[i].label),
                )?;
                Some(if how == crate::flows::routers::choices::How::Loose {
                    Answer::Loose(i)
                } else {
                    Answer::Choice(i)
                })
            }
            Router::Capture(cap) => {
                let value = match (&cap.kind, &self.input.content) {
                    (CaptureKind::Location, Content::Location { lat, lon }) => {
                        Some(format!("{lat:.5},{lon:.5}"))
                    }
                    (_, Content::Location { .. }) => None,
                    (kind, Content::Text(t)) => capture_value(kind, t, &prepared.folded, self.ctx),
                }?;
                Some(Answer::Captured(value))
            }
            _ => None,
        }
    }

    /// Keeps what an answer sets and says where it leads.
    fn take_answer(&mut self, fi: usize, si: usize, answer: Answer) -> Target {
        let engine = self.engine;
        let step = &engine.flows.flows[fi].steps[si];
        match (&step.router, answer) {
            (Router::Choices(c), Answer::Choice(i) | Answer::Loose(i)) => {
                for (k, v) in &c.choices[i].set {
                    self.session.vars.insert(k.clone(), v.clone());
                }
                c.choices[i].target
            }
            (Router::Capture(cap), Answer::Captured(value)) => {
                self.session.vars.insert(cap.var.clone(), value);
                cap.target
            }
            _ => Target::End,
        }
    }

    /// Tries the step's `accepts`: words, meanings, or a value captured anywhere in the message.
    fn accept(&mut self, fi: usize, si: usize, prepared: &Prepared) -> Option<Target> {
        let engine = self.engine;
        let words: Vec<&str> = prepared.folded.words().collect();
        for a in &engine.flows.flows[fi].steps[si].accepts {
            let matched = match &a.capture {
                Some((kind, var)) => {
                    let value = match (kind, &self.input.content) {
                        (CaptureKind::Location, Content::Location { lat, lon }) => {
                            Some(format!("{lat:.5},{lon:.5}"))
                        }
                        (_, Content::Location { .. }) => None,
                        (kind, Content::Text(t)) => {
                            capture_value(kind, t, &prepared.folded, self.ctx)
                        }
                    };
                    match value {
                        Some(v) => {
                            self.session.vars.insert(var.clone(), v);
                            true
                        }
                        None => false,
                    }
                }
                None => {
                    a.words
                        .iter()
                        .any(|p| crate::flows::routers::choices::contains_phrase(&words, p))
                        || a.rules
                            .iter()
                            .any(|r| !eval_rule(r, &prepared.found.spans).is_empty())
                }
            };
            if matched {
                for (k, v) in &a.set {
                    self.session.vars.insert(k.clone(), v.clone());
                }
                return Some(a.target);
            }
        }
        None
    }

    /// The waiting step did not understand and nothing else matched: say so and ask again; the
    /// second time in a row, the `stuck` trigger's flow (a person, 911 and 988) instead.
    fn not_understood(&mut self, fi: usize, si: usize) {
        self.missed = true;
        self.session.misses = self.session.misses.saturating_add(1);
        let engine = self.engine;
        if self.session.misses >= 2
            && let Some(ti) = engine.flows.triggers.iter().position(|t| t.stuck)
        {
            self.session.misses = 0;
            let none = Classified {
                keyword: None,
                trigger: None,
                lang_hint: None,
                also_urgent: Vec::new(),
            };
            self.start(ti, &none);
            return;
        }
        let step = &engine.flows.flows[fi].steps[si];
        match &step.router {
            Router::Choices(c) => {
                if let Some(t) = c.otherwise {
                    self.go(fi, t);
                    return;
                }
                self.say("not-understood");
                self.attach_choices(fi, si);
            }
            Router::Capture(cap) => self.say(&cap.invalid.clone()),
            _ => {}
        }
    }

    fn start_trigger(&mut self, ti: usize, cls: &Classified) {
        let t = &self.engine.flows.triggers[ti];
        for (k, v) in &t.set {
            // `set: {kind: ""}` clears: a general request forgets the kind of an earlier one.
            if v.is_empty() {
                self.session.vars.remove(k);
            } else {
                self.session.vars.insert(k.clone(), v.clone());
            }
        }
        // Other urgent intents in the same message, for the flow to act on (the emergency flow
        // offers 988 when the message also reads as a crisis).
        for intent in &cls.also_urgent {
            self.session
                .vars
                .insert(format!("also_{}", intent.replace('-', "_")), "yes".into());
        }
        self.run_from(t.flow, t.start);
    }

    fn start_fallback(&mut self) {
        if let Some(t) = self.engine.flows.fallback() {
            self.run_from(t.flow, t.start);
        }
    }

    /// START when not opted out: the greeting, if a flow declares one, else the fallback.
    fn start_fallback_greeting(&mut self) {
        match self.engine.flows.trigger_for("greeting") {
            Some(t) => self.run_from(t.flow, t.start),
            None => self.start_fallback(),
        }
    }

    fn go(&mut self, fi: usize, target: Target) {
        match target {
            Target::Step(s) => self.run_from(fi, s),
            Target::Flow { flow, step } => self.run_from(flow, step),
            Target::End => self.leave_flow(),
        }
    }

    fn leave_flow(&mut self) {
        self.session.flow = None;
        self.session.step = None;
    }

    /// Runs steps from `(fi, si)` until one waits or the flow ends. In an aside, it stops where
    /// the aside would leave its flow or wait.
    fn run_from(&mut self, mut fi: usize, mut si: usize) {
        let engine = self.engine;
        loop {
            self.steps_run += 1;
            if self.steps_run > MAX_STEPS_PER_MESSAGE {
                self.leave_flow();
                return;
            }
            let flow = &engine.flows.flows[fi];
            let step = &flow.steps[si];
            if let Some((aside_flow, _)) = self.aside
                && (fi != aside_flow || step.router.waits())
            {
                return;
            }
            self.session.flow = Some(flow.id.clone());
            self.session.step = Some(step.id.clone());
            self.ended = false;
            for action in &step.actions {
                action.run(self);
                if self.ended {
                    break;
                }
            }
            if let Some((f, s)) = self.jump.take() {
                fi = f;
                si = s;
                continue;
            }
            if self.ended {
                self.ended = false;
                self.leave_flow();
                return;
            }
            let next = match &step.router {
                Router::End => {
                    self.leave_flow();
                    return;
                }
                Router::Next(t) => *t,
                Router::Branch(b) => b.decide(&self.branch_vars()),
                Router::Choices(_) => {
                    self.attach_choices(fi, si);
                    return;
                }
                Router::Capture(_) => return,
            };
            match next {
                Target::Step(s) => si = s,
                Target::Flow { flow, step } => {
                    fi = flow;
                    si = step;
                }
                Target::End => {
                    self.leave_flow();
                    return;
                }
            }
        }
    }

    /// The variables a branch tests: the session's, plus what the engine knows — `lang`, the
    /// flow the person waits at during an aside (`waiting_flow`), and whether counselors can
    /// take a handoff now (`counselors`: `available`, `out-of-hours` or `none`).
    fn branch_vars(&self) -> std::collections::BTreeMap<String, String> {
        let mut vars = self.session.vars.clone();
        vars.insert("lang".into(), self.session.lang.code().into());
        if let Some((_, (fi, _))) = self.aside {
            vars.insert(
                "waiting_flow".into(),
                self.engine.flows.flows[fi].id.clone(),
            );
        }
        let counselors = match self.ctx.counselors {
            Availability::Available | Availability::AfterExchange => "available",
            Availability::OutOfHours => "out-of-hours",
            Availability::Full => "full",
            Availability::NoService => "none",
        };
        vars.insert("counselors".into(), counselors.into());
        vars
    }

    /// Puts the choices of a step on the last reply (or on an empty one if the step said nothing).
    fn attach_choices(&mut self, fi: usize, si: usize) {
        let engine = self.engine;
        let Router::Choices(c) = &engine.flows.flows[fi].steps[si].router else {
            return;
        };
        let labels: Vec<String> = c
            .choices
            .iter()
            .map(|ch| self.render(&ch.label, &[]))
            .collect();
        match self.replies.last_mut() {
            Some(r) if r.choices.is_empty() => r.choices = labels,
            _ => self.replies.push(Reply::choices(labels)),
        }
    }
}

/// How a waiting step took an answer.
enum Answer {
    /// A choice, by its number, its label, a word that is most of the answer, or its meaning.
    Choice(usize),
    /// A choice by one of its words found in a longer message: another flow's trigger wins.
    Loose(usize),
    /// A value a capture keeps.
    Captured(String),
}

/// The value a capture keeps, if the answer is valid for its kind.
fn capture_value(kind: &CaptureKind, raw: &str, folded: &Folded, ctx: &Ctx) -> Option<String> {
    match kind {
        CaptureKind::Text => {
            let t = clean_for_relay(raw);
            (!t.is_empty()).then_some(t)
        }
        CaptureKind::Number => {
            let mut words = folded.words();
            let w = words.next()?;
            (words.next().is_none() && w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 9)
                .then(|| w.to_owned())
        }
        CaptureKind::Zip => find_zip(raw),
        CaptureKind::Location => refer::locate(raw, ctx),
        CaptureKind::Pattern(re) => re
            .is_match(folded.as_str())
            .then(|| folded.as_str().to_owned()),
    }
}

/// The score of an answer to "Did this help? 1-3", if it is one.
fn feedback_score(folded: &str) -> Option<u8> {
    match folded.trim().trim_end_matches(['.', '!']) {
        "1" => Some(1),
        "2" => Some(2),
        "3" => Some(3),
        _ => None,
    }
}

/// A message made safe to keep or relay: control characters removed, length bounded.
pub fn clean_for_relay(text: &str) -> String {
    let t: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(crate::triage::MAX_CHARS)
        .collect();
    t.trim().to_owned()
}
