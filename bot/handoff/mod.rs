//! Counselor handoff: a durable, risk-ordered queue of tickets, and the state machine
//! bot → queued → assigned → closed → bot.
//!
//! This module keeps the tickets and decides; it does no network I/O. Counselor surfaces (the
//! Telegram counselor group, the web console) watch [`DeskEvent`]s and call [`Handoff`]'s
//! methods (`claim`, `reply`, `release`, `close`); whatever must reach the person comes back as
//! an [`Outgoing`] for the server to send on the person's own channel.
//!
//! Rules (issue 6):
//! - While queued or assigned the bot is quiet; the engine relays the person's messages here,
//!   except an overdose (the emergency text goes out at once and the ticket turns urgent), STOP
//!   (closes the ticket) and "menu"/"bot"/"salir" (leaves the queue).
//! - Queue order: urgent (overdose) > crisis > asked, then waiting time.
//! - Waiting people hear from haven every `wait_message_every`; after `queue_timeout` they get
//!   the fallback (hotlines; the overdose steps if it began with an overdose) and stay queued.
//! - Outside counselor hours a person gets the fallback at once and may leave a message for
//!   the next shift (an after-hours ticket).
//! - Closing returns the person to the bot and deletes the ticket, its sealed transcript (private
//!   notes included) and the sealed address. A closed ticket never catches the person's next
//!   message. After a counselor closes, the person may be asked one optional question ("Did this
//!   help? 1-3"), whose answer is only counted.
//!
//! Issue 15 adds presence ([`presence`]: who is on shift decides availability, the configured
//! hours are the fallback), private notes, transfer between counselors, a supervisor's
//! reassignment, the [`audit`] log (ticket numbers and counselor names only) and the daily
//! counters of the reports (`crate::reports`), bumped here as tickets open, are answered, time
//! out and close.
//! - A *held* ticket (asked for in a web chat's first message; issue 12) is not in the queue
//!   and counselors are not told of it: it joins the queue, with the person's words, when they
//!   write again, and is closed unseen after [`HOLD_SECS`] if they do not.
//! - The timer puts the queue in order once per round, not once per ticket.

pub mod audit;
pub mod config;
pub mod presence;
pub mod store;
pub mod ticket;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::sync::broadcast;

use crate::Lang;
use crate::engine::{Availability, Channel, HandoffState};
use crate::metrics::Metrics;
use crate::reports::{Fate, Tally};
use crate::runtime::Haven;
use crate::store::{GroupFlush, Pseudonym, Sealer};
use audit::{Action, Audit};
pub use config::{HandoffConfig, WebTicketCaps};
use presence::{OnShift, Presence};
use store::{TicketStore, TicketStoreError, Updated};
pub use ticket::{Line, Priority, Speaker, Ticket, TicketState, TicketView};

/// Texts the handoff says to the person; every locale must have them.
pub const TEXTS: &[&str] = &[
    "handoff-out-of-hours",
    "handoff-position",
    "handoff-waiting",
    "handoff-timeout",
    "handoff-assigned",
    "handoff-counselor-says",
    "handoff-released",
    "handoff-closed",
    "handoff-transferred",
    "handoff-feedback",
];

/// The arguments the handoff module (and the message path, for `handoff-position`) passes to
/// its texts; `haven check` refuses a text that uses any other variable. `handoff-out-of-hours`
/// is said by the engine, with the session's variables.
pub const TEXT_ARGS: &[(&str, &[&str])] = &[
    ("handoff-position", &["position", "minutes"]),
    ("handoff-waiting", &["position"]),
    ("handoff-timeout", &[]),
    ("handoff-assigned", &[]),
    ("handoff-counselor-says", &["text"]),
    ("handoff-released", &[]),
    ("handoff-closed", &[]),
    ("emergency-steps", &[]),
];

/// How long a held ticket waits for the person to write again before it is closed unseen.
pub const HOLD_SECS: i64 = 10 * 60;

/// What became of a person's message while their handoff is open.
#[derive(Debug)]
pub struct Relayed {
    pub ticket: TicketView,
    /// The message made a held ticket join the queue (the person should hear their place).
    pub joined: bool,
}

/// Something to send to a person on their own channel.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub who: Pseudonym,
    pub channel: Channel,
    pub address: String,
    pub texts: Vec<String>,
}

/// What counselor surfaces are told.
#[derive(Debug, Clone)]
pub enum DeskEvent {
    Opened(TicketView),
    /// A line was added to the transcript (a note when `from` is [`Speaker::Note`]).
    Said {
        ticket: u64,
        from: Speaker,
        text: String,
    },
    /// Claimed, released, transferred or reassigned.
    Changed(TicketView),
    /// The person reported an overdose during the handoff: the ticket is urgent now.
    Escalated(TicketView),
    Closed {
        ticket: u64,
        outcome: String,
    },
    /// A counselor went on shift or away.
    Presence {
        name: String,
        on: bool,
    },
}

/// A ticket to open: who, where to write back, and what led to it.
pub struct Opening<'a> {
    pub who: Pseudonym,
    pub channel: Channel,
    pub address: &'a str,
    pub lang: Lang,
    pub priority: Priority,
    pub reason: &'a str,
    /// What the person wrote that led here, oldest first, with when: the first lines of the
    /// transcript (sealed with it, deleted with it).
    pub lines: Vec<(String, i64)>,
    pub after_hours: bool,
    /// Held out of the queue until the person writes again (a web chat's first message).
    pub held: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum HandoffError {
    #[error(transparent)]
    Store(#[from] TicketStoreError),
    #[error(transparent)]
    Session(#[from] crate::store::StoreError),
    #[error("sealing: {0}")]
    Seal(#[from] crate::store::SealError),
    #[error("ticket #{0} does not exist (closed already?)")]
    NoTicket(u64),
    #[error("ticket #{id} is {state}; {what}")]
    WrongState {
        id: u64,
        state: String,
        what: String,
    },
    #[error("unknown outcome `{given}`; use one of: {allowed}")]
    Outcome { given: String, allowed: String },
    #[error("#{0} is already with {1}")]
    SameCounselor(u64, String),
    #[error("presence: {0}")]
    Presence(#[from] sled::Error),
}

/// The result of a claim.
#[derive(Debug)]
pub enum Claim {
    Claimed(TicketView, Outgoing),
    /// Someone else holds it.
    Taken {
        by: String,
    },
}

pub struct Handoff {
    store: TicketStore,
    sealer: Sealer,
    config: HandoffConfig,
    haven: Arc<Haven>,
    metrics: Arc<Metrics>,
    tally: Arc<Tally>,
    presence: Presence,
    audit: Audit,
    events: broadcast::Sender<DeskEvent>,
    /// Whether any counselor surface exists (a Telegram counselor chat, console accounts).
    present: AtomicBool,
    /// How many times the queue was put in order (the timer must not do it once per ticket).
    sorts: AtomicU64,
}

impl Handoff {
    pub fn new(
        db: &sled::Db,
        durable: GroupFlush,
        sealer: Sealer,
        config: HandoffConfig,
        haven: Arc<Haven>,
        metrics: Arc<Metrics>,
        tally: Arc<Tally>,
    ) -> Result<Handoff, HandoffError> {
        for (name, kind, help) in [
            (
                "haven_handoff_opened_total",
                "counter",
                "Tickets opened, by priority.",
            ),
            (
                "haven_handoff_closed_total",
                "counter",
                "Tickets closed, by outcome.",
            ),
            (
                "haven_handoff_tickets",
                "gauge",
                "Open tickets, by state (held, queued, assigned) and priority.",
            ),
            (
                "haven_handoff_wait_seconds_sum",
                "counter",
                "Seconds people waited before a counselor claimed their ticket.",
            ),
            (
                "haven_handoff_wait_seconds_count",
                "counter",
                "Claims counted in the wait sum.",
            ),
        ] {
            metrics.describe(name, kind, help);
        }
        Ok(Handoff {
            store: TicketStore::open(db, durable)?,
            presence: Presence::open(db, config.shift_max_secs)?,
            audit: Audit::open(db, config.audit_days * 86_400)?,
            sealer,
            config,
            haven,
            metrics,
            tally,
            events: broadcast::channel(1024).0,
            present: AtomicBool::new(false),
            sorts: AtomicU64::new(0),
        })
    }

    /// The audit log (the console's supervisor page reads it; the sweeper prunes it).
    pub fn audit(&self) -> &Audit {
        &self.audit
    }

    /// Counselors on shift now.
    pub fn on_shift(&self, now: i64) -> Result<Vec<OnShift>, HandoffError> {
        Ok(self.presence.on_shift(now)?)
    }

    pub fn is_on_shift(&self, name: &str, now: i64) -> Result<bool, HandoffError> {
        Ok(self.presence.is_on(name, now)?)
    }

    /// A counselor goes on shift (`true`) or away; logged and told to the surfaces.
    pub fn set_shift(&self, name: &str, on: bool, now: i64) -> Result<(), HandoffError> {
        if self.presence.set(name, on, now)? {
            self.audit.record(
                now,
                name,
                if on { Action::OnShift } else { Action::Away },
                None,
                None,
            );
            tracing::info!(on, "counselor presence changed");
            self.emit(DeskEvent::Presence {
                name: name.to_owned(),
                on,
            });
        }
        Ok(())
    }

    /// Forgets a removed counselor's presence.
    pub fn forget_counselor(&self, name: &str) -> Result<(), HandoffError> {
        Ok(self.presence.forget(name)?)
    }

    pub fn config(&self) -> &HandoffConfig {
        &self.config
    }

    /// Says whether counselors exist at all (set by the server from its configuration).
    pub fn set_present(&self, present: bool) {
        self.present.store(present, Ordering::Relaxed);
    }

    /// Whether a counselor can take a handoff now: someone on shift says yes; with no one on
    /// shift the configured hours decide.
    pub fn availability(&self, now: i64) -> Availability {
        if !self.present.load(Ordering::Relaxed) {
            return Availability::NoService;
        }
        let someone_on = match self.presence.on_shift(now) {
            Ok(v) => !v.is_empty(),
            Err(e) => {
                tracing::error!(error = %e, "presence unreadable; the hours decide");
                false
            }
        };
        if someone_on || self.config.on_shift(now) {
            Availability::Available
        } else {
            Availability::OutOfHours
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<DeskEvent> {
        self.events.subscribe()
    }

    fn emit(&self, e: DeskEvent) {
        // No subscriber is fine: tickets are durable and surfaces read the queue when they start.
        let _ = self.events.send(e);
    }

    fn text(&self, lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
        self.haven.engine.texts.render(lang, key, args)
    }

    fn outgoing(&self, t: &Ticket, texts: Vec<String>) -> Result<Outgoing, HandoffError> {
        let who = Pseudonym(t.who);
        Ok(Outgoing {
            who,
            channel: t.channel,
            address: self.sealer.open_str(&who, &t.address)?,
            texts,
        })
    }

    fn seal_lines(&self, who: &Pseudonym, lines: &[Line]) -> Result<Vec<u8>, HandoffError> {
        Ok(self
            .sealer
            .seal(who, &serde_json::to_vec(lines).expect("lines serialize"))?)
    }

    /// The transcript of this handoff so far (decrypted for a counselor surface).
    pub fn transcript(&self, id: u64) -> Result<Vec<Line>, HandoffError> {
        let t = self.store.get(id)?.ok_or(HandoffError::NoTicket(id))?;
        self.lines(&t)
    }

    fn lines(&self, t: &Ticket) -> Result<Vec<Line>, HandoffError> {
        let plain = self.sealer.open(&Pseudonym(t.who), &t.transcript)?;
        Ok(serde_json::from_slice(&plain).unwrap_or_default())
    }

    /// Open tickets in queue order (held ones are not in the queue yet).
    pub fn queue(&self) -> Result<Vec<TicketView>, HandoffError> {
        let tickets = self.store.all()?;
        Ok(self
            .in_order(&tickets)
            .into_iter()
            .map(Ticket::view)
            .collect())
    }

    /// The tickets of `tickets` that are in the queue, in queue order.
    fn in_order<'a>(&self, tickets: &'a [Ticket]) -> Vec<&'a Ticket> {
        self.sorts.fetch_add(1, Ordering::Relaxed);
        let mut v: Vec<&Ticket> = tickets.iter().filter(|t| !t.held).collect();
        v.sort_by_key(|t| t.queue_key());
        v
    }

    /// How many times the queue has been put in order so far (for tests).
    pub fn queue_sorts(&self) -> u64 {
        self.sorts.load(Ordering::Relaxed)
    }

    /// A ticket counselors may see (not a held one).
    pub fn ticket(&self, id: u64) -> Result<Option<TicketView>, HandoffError> {
        Ok(self.store.get(id)?.filter(|t| !t.held).map(|t| t.view()))
    }

    /// Whether ticket `id` is still open (held or not).
    pub fn is_open(&self, id: u64) -> Result<bool, HandoffError> {
        Ok(self.store.get(id)?.is_some())
    }

    /// Ids and channels of every open ticket, held ones included (for the web chat's caps).
    pub fn open_tickets(&self) -> Result<Vec<(u64, Channel)>, HandoffError> {
        Ok(self
            .store
            .all()?
            .iter()
            .map(|t| (t.id, t.channel))
            .collect())
    }

    /// 1-based place in the queue of a queued ticket.
    pub fn position(&self, id: u64) -> Result<usize, HandoffError> {
        let q = self.queue()?;
        let queued: Vec<&TicketView> = q.iter().filter(|t| t.counselor.is_none()).collect();
        Ok(queued
            .iter()
            .position(|t| t.id == id)
            .map_or(queued.len(), |p| p + 1))
    }

    /// Opens a ticket (or returns the one already open for the person). The lines that led to
    /// it start its transcript. A `held` ticket stays out of the queue, unannounced, until the
    /// person writes again.
    pub async fn open(&self, o: Opening<'_>, now: i64) -> Result<TicketView, HandoffError> {
        let who = o.who;
        if let Some(t) = self.store.open_ticket_of(&who)? {
            return Ok(t.view());
        }
        let lines: Vec<Line> = o
            .lines
            .iter()
            .filter(|(t, _)| !t.trim().is_empty())
            .map(|(t, at)| Line::new(Speaker::Person, t, *at))
            .collect();
        let id = self.store.next_id()?;
        // The session names the ticket before the ticket exists: the timer closes a ticket its
        // session does not name (see `tick`), so the other order let it close a ticket in the
        // moment between the two writes, or after a crash that kept the flushed ticket and lost
        // the session's update. The ticket's flush makes both durable; a crash before it leaves
        // a session naming no ticket, which `messaging::deliver` already treats as "back with
        // the bot".
        self.haven.update_session(&who, now, |s| {
            s.handoff = Some(HandoffState {
                ticket: id,
                assigned: false,
            })
        })?;
        let t = Ticket {
            id,
            who: who.0,
            channel: o.channel,
            address: self.sealer.seal_str(&who, o.address)?,
            lang: o.lang,
            priority: o.priority,
            reason: o.reason.to_owned(),
            state: TicketState::Queued,
            created_at: now,
            last_notice_at: now,
            timed_out: o.after_hours,
            after_hours: o.after_hours,
            emergency: o.priority == Priority::Urgent,
            answered: false,
            held: o.held,
            transcript: self.seal_lines(&who, &lines)?,
        };
        self.store.create(&t).await?;
        let view = t.view();
        if o.held {
            tracing::info!(
                ticket = t.id,
                priority = o.priority.as_str(),
                "handoff held until the person writes again"
            );
        } else {
            self.announce(&t, now);
        }
        Ok(view)
    }

    /// A ticket joins the queue: counted, logged, and counselor surfaces are told.
    fn announce(&self, t: &Ticket, now: i64) {
        self.metrics.inc(
            "haven_handoff_opened_total",
            &[("priority", t.priority.as_str())],
        );
        self.tally.handoff_opened(t.priority, now);
        if t.after_hours {
            self.tally.handoff(Fate::OutOfHours, now);
        }
        tracing::info!(
            ticket = t.id,
            priority = t.priority.as_str(),
            "handoff opened"
        );
        self.emit(DeskEvent::Opened(t.view()));
    }

    fn append(&self, id: u64, line: Line) -> Result<Option<Ticket>, HandoffError> {
        let mut failure = None;
        let r = self.store.update(id, |t| {
            let who = Pseudonym(t.who);
            let mut lines = match self.lines(t) {
                Ok(l) => l,
                Err(e) => {
                    failure = Some(e);
                    return (false, ());
                }
            };
            lines.push(line.clone());
            match self.seal_lines(&who, &lines) {
                Ok(sealed) => {
                    t.transcript = sealed;
                    (true, ())
                }
                Err(e) => {
                    failure = Some(e);
                    (false, ())
                }
            }
        })?;
        if let Some(e) = failure {
            return Err(e);
        }
        Ok(match r {
            Updated::Done(t, ()) | Updated::Declined(t, ()) => Some(t),
            Updated::Missing => None,
        })
    }

    /// The person wrote while in the queue or with a counselor. `None`: no open ticket. A
    /// held ticket joins the queue now, announced with the person's words.
    pub fn person_said(
        &self,
        who: &Pseudonym,
        text: &str,
        now: i64,
    ) -> Result<Option<Relayed>, HandoffError> {
        let Some(t) = self.store.open_ticket_of(who)? else {
            return Ok(None);
        };
        let line = Line::new(Speaker::Person, text, now);
        let Some(t) = self.append(t.id, line)? else {
            return Ok(None);
        };
        if t.held {
            let r = self.store.update(t.id, |t| {
                let was_held = t.held;
                t.held = false;
                t.last_notice_at = now;
                (was_held, ())
            })?;
            return Ok(match r {
                Updated::Done(t, ()) => {
                    self.announce(&t, now);
                    Some(Relayed {
                        ticket: t.view(),
                        joined: true,
                    })
                }
                // Another message promoted it in between: it is in the queue already.
                Updated::Declined(t, ()) => Some(Relayed {
                    ticket: t.view(),
                    joined: false,
                }),
                Updated::Missing => None,
            });
        }
        self.emit(DeskEvent::Said {
            ticket: t.id,
            from: Speaker::Person,
            text: text.to_owned(),
        });
        Ok(Some(Relayed {
            ticket: t.view(),
            joined: false,
        }))
    }

    /// An overdose during a handoff: the ticket turns urgent and counselors are alerted.
    pub fn escalate(
        &self,
        who: &Pseudonym,
        text: &str,
        now: i64,
    ) -> Result<Option<Relayed>, HandoffError> {
        let Some(t) = self.store.open_ticket_of(who)? else {
            return Ok(None);
        };
        let r = self.store.update(t.id, |t| {
            t.priority = Priority::Urgent;
            t.emergency = true;
            (true, ())
        })?;
        // A held ticket is announced as urgent when it joins the queue, just below.
        if let Updated::Done(t, ()) = r
            && !t.held
        {
            self.emit(DeskEvent::Escalated(t.view()));
        }
        self.person_said(who, text, now)
    }

    /// The person left the queue (or opted out, or their session ended): close their ticket.
    pub fn close_for_person(
        &self,
        who: &Pseudonym,
        outcome: &str,
    ) -> Result<Option<TicketView>, HandoffError> {
        let Some(t) = self.store.open_ticket_of(who)? else {
            return Ok(None);
        };
        self.finish(&t, outcome)?;
        Ok(Some(t.view()))
    }

    fn finish(&self, t: &Ticket, outcome: &str) -> Result<(), HandoffError> {
        self.store.delete(t)?;
        self.metrics
            .inc("haven_handoff_closed_total", &[("outcome", outcome)]);
        // Only the day matters to the counter; the callers that close for the person do not
        // carry a time, so it is read here.
        self.tally.outcome(outcome, crate::runtime::now());
        tracing::info!(ticket = t.id, outcome, "handoff closed");
        // Counselors never heard of a held ticket; they need not hear of its end.
        if !t.held {
            self.emit(DeskEvent::Closed {
                ticket: t.id,
                outcome: outcome.to_owned(),
            });
        }
        Ok(())
    }

    /// A counselor claims a ticket. Atomic: of two claims at once exactly one wins.
    pub fn claim(&self, id: u64, counselor: &str, now: i64) -> Result<Claim, HandoffError> {
        let r = self.store.update(id, |t| match &t.state {
            TicketState::Queued => {
                t.state = TicketState::Assigned {
                    counselor: counselor.to_owned(),
                    since: now,
                };
                let first = !t.answered;
                t.answered = true;
                (true, (None, first))
            }
            TicketState::Assigned { counselor: by, .. } => (false, (Some(by.clone()), false)),
        })?;
        match r {
            Updated::Missing => Err(HandoffError::NoTicket(id)),
            Updated::Declined(_, (by, _)) => Ok(Claim::Taken {
                by: by.unwrap_or_default(),
            }),
            Updated::Done(t, (_, first)) => {
                let who = Pseudonym(t.who);
                self.haven.update_session(&who, now, |s| {
                    if let Some(h) = &mut s.handoff {
                        h.assigned = true;
                    }
                })?;
                let waited = (now - t.created_at).max(0);
                self.metrics
                    .add("haven_handoff_wait_seconds_sum", &[], waited as u64);
                self.metrics.inc("haven_handoff_wait_seconds_count", &[]);
                if first {
                    self.tally.handoff(Fate::Answered, now);
                    self.tally.waited(waited, now);
                }
                self.audit
                    .record(now, counselor, Action::Claimed, Some(t.id), None);
                tracing::info!(ticket = t.id, "handoff claimed");
                self.emit(DeskEvent::Changed(t.view()));
                let out = self.outgoing(&t, vec![self.text(t.lang, "handoff-assigned", &[])])?;
                Ok(Claim::Claimed(t.view(), out))
            }
        }
    }

    fn assigned_to(&self, id: u64, counselor: &str, what: &str) -> Result<Ticket, HandoffError> {
        let t = self.store.get(id)?.ok_or(HandoffError::NoTicket(id))?;
        match &t.state {
            TicketState::Assigned { counselor: c, .. } if c == counselor => Ok(t),
            TicketState::Assigned { counselor: c, .. } => Err(HandoffError::WrongState {
                id,
                state: format!("with {c}"),
                what: what.to_owned(),
            }),
            TicketState::Queued => Err(HandoffError::WrongState {
                id,
                state: "not claimed".into(),
                what: format!("claim it first (/claim {id})"),
            }),
        }
    }

    /// A counselor's reply, relayed to the person (who never learns the counselor's name).
    pub fn reply(
        &self,
        id: u64,
        counselor: &str,
        text: &str,
        now: i64,
    ) -> Result<Outgoing, HandoffError> {
        let t = self.assigned_to(id, counselor, "only its counselor can reply")?;
        self.append(id, Line::new(Speaker::Counselor, text, now))?;
        self.emit(DeskEvent::Said {
            ticket: id,
            from: Speaker::Counselor,
            text: text.to_owned(),
        });
        self.outgoing(
            &t,
            vec![self.text(t.lang, "handoff-counselor-says", &[("text", text)])],
        )
    }

    /// The counselor hands the ticket back to the queue.
    pub fn release(
        &self,
        id: u64,
        counselor: &str,
        now: i64,
    ) -> Result<(TicketView, Outgoing), HandoffError> {
        self.assigned_to(id, counselor, "only its counselor can release it")?;
        let r = self.store.update(id, |t| {
            t.state = TicketState::Queued;
            t.last_notice_at = now;
            (true, ())
        })?;
        let Updated::Done(t, ()) = r else {
            return Err(HandoffError::NoTicket(id));
        };
        let who = Pseudonym(t.who);
        self.haven.update_session(&who, now, |s| {
            if let Some(h) = &mut s.handoff {
                h.assigned = false;
            }
        })?;
        self.audit
            .record(now, counselor, Action::Released, Some(id), None);
        self.emit(DeskEvent::Changed(t.view()));
        let out = self.outgoing(&t, vec![self.text(t.lang, "handoff-released", &[])])?;
        Ok((t.view(), out))
    }

    /// The counselor who has a ticket hands it to another counselor. The person is told that
    /// another counselor is with them (never a name).
    pub fn transfer(
        &self,
        id: u64,
        from: &str,
        to: &str,
        now: i64,
    ) -> Result<(TicketView, Outgoing), HandoffError> {
        self.assigned_to(id, from, "only its counselor can transfer it")?;
        if from == to {
            return Err(HandoffError::SameCounselor(id, to.to_owned()));
        }
        let t = self.assign(id, to, now)?;
        self.audit
            .record(now, from, Action::Transferred, Some(id), Some(to));
        self.emit(DeskEvent::Changed(t.view()));
        let out = self.outgoing(&t, vec![self.text(t.lang, "handoff-transferred", &[])])?;
        Ok((t.view(), out))
    }

    /// A supervisor moves a ticket to `to`, or back to the queue (`None`), whoever has it.
    /// Returns what the person is told, if anything changes for them.
    pub fn reassign(
        &self,
        id: u64,
        supervisor: &str,
        to: Option<&str>,
        now: i64,
    ) -> Result<(TicketView, Option<Outgoing>), HandoffError> {
        let before = self.store.get(id)?.ok_or(HandoffError::NoTicket(id))?;
        let had = before.view().counselor;
        if had.as_deref() == to {
            return Err(HandoffError::SameCounselor(
                id,
                to.unwrap_or("the queue").to_owned(),
            ));
        }
        let t = match to {
            Some(name) => self.assign(id, name, now)?,
            None => {
                let r = self.store.update(id, |t| {
                    t.state = TicketState::Queued;
                    t.last_notice_at = now;
                    (true, ())
                })?;
                let Updated::Done(t, ()) = r else {
                    return Err(HandoffError::NoTicket(id));
                };
                self.haven.update_session(&Pseudonym(t.who), now, |s| {
                    if let Some(h) = &mut s.handoff {
                        h.assigned = false;
                    }
                })?;
                t
            }
        };
        self.audit
            .record(now, supervisor, Action::Reassigned, Some(id), to);
        self.emit(DeskEvent::Changed(t.view()));
        let text = match (had.is_some(), to.is_some()) {
            (true, true) => Some("handoff-transferred"),
            (false, true) => Some("handoff-assigned"),
            (true, false) => Some("handoff-released"),
            (false, false) => None,
        };
        let out = match text {
            Some(key) => Some(self.outgoing(&t, vec![self.text(t.lang, key, &[])])?),
            None => None,
        };
        Ok((t.view(), out))
    }

    /// Gives a ticket to `to`, whatever its state (transfer and reassignment).
    fn assign(&self, id: u64, to: &str, now: i64) -> Result<Ticket, HandoffError> {
        let r = self.store.update(id, |t| {
            t.state = TicketState::Assigned {
                counselor: to.to_owned(),
                since: now,
            };
            let first = !t.answered;
            t.answered = true;
            (true, first)
        })?;
        let Updated::Done(t, first) = r else {
            return Err(HandoffError::NoTicket(id));
        };
        if first {
            self.tally.handoff(Fate::Answered, now);
            self.tally.waited((now - t.created_at).max(0), now);
        }
        self.haven.update_session(&Pseudonym(t.who), now, |s| {
            if let Some(h) = &mut s.handoff {
                h.assigned = true;
            }
        })?;
        Ok(t)
    }

    /// A private note on a ticket: kept in its sealed transcript for counselors, never sent to
    /// the person, deleted with the ticket.
    pub fn note(
        &self,
        id: u64,
        by: &str,
        text: &str,
        now: i64,
    ) -> Result<TicketView, HandoffError> {
        let line = Line {
            by: Some(by.to_owned()),
            ..Line::new(Speaker::Note, text, now)
        };
        let t = self.append(id, line)?.ok_or(HandoffError::NoTicket(id))?;
        self.audit
            .record(now, by, Action::NoteAdded, Some(id), None);
        self.emit(DeskEvent::Said {
            ticket: id,
            from: Speaker::Note,
            text: text.to_owned(),
        });
        Ok(t.view())
    }

    /// Closes a ticket with an outcome from the configured list; the person is back with the bot.
    pub fn close(
        &self,
        id: u64,
        counselor: &str,
        outcome: &str,
        now: i64,
    ) -> Result<(TicketView, Outgoing), HandoffError> {
        if !self.config.outcomes.iter().any(|o| o == outcome) {
            return Err(HandoffError::Outcome {
                given: outcome.to_owned(),
                allowed: self.config.outcomes.join(", "),
            });
        }
        let t = self.store.get(id)?.ok_or(HandoffError::NoTicket(id))?;
        if let TicketState::Assigned { counselor: c, .. } = &t.state
            && c != counselor
        {
            return Err(HandoffError::WrongState {
                id,
                state: format!("with {c}"),
                what: "only its counselor can close it".into(),
            });
        }
        let mut texts = vec![self.text(t.lang, "handoff-closed", &[])];
        let ask = self.config.feedback;
        if ask {
            texts.push(self.text(t.lang, "handoff-feedback", &[]));
        }
        let out = self.outgoing(&t, texts)?;
        let who = Pseudonym(t.who);
        self.haven.update_session(&who, now, |s| {
            s.handoff = None;
            s.feedback_due = ask;
        })?;
        self.finish(&t, outcome)?;
        self.audit
            .record(now, counselor, Action::Closed, Some(id), Some(outcome));
        Ok((t.view(), out))
    }

    /// Timed work: "still waiting" notes, the queue-timeout fallback, and closing tickets whose
    /// person's session has expired. Returns what to send.
    pub fn tick(&self, now: i64) -> Result<Vec<Outgoing>, HandoffError> {
        let mut out = Vec::new();
        let tickets = self.store.all()?;
        // Places in the queue, worked out once for this round.
        let places: HashMap<u64, usize> = self
            .in_order(&tickets)
            .iter()
            .filter(|t| t.is_queued())
            .enumerate()
            .map(|(i, t)| (t.id, i + 1))
            .collect();
        let mut finished = std::collections::HashSet::new();
        for t in &tickets {
            let who = Pseudonym(t.who);
            // The person's session is gone (expired or deleted), or has left this handoff: so
            // is the ticket. A session whose handoff has no number yet (0) is one whose ticket
            // is being opened right now — created and flushed, the session not yet told its
            // number — and keeps it; closing it here lost new tickets under load.
            let session = self.haven.store.load(&who, now)?;
            if session
                .as_ref()
                .and_then(|l| l.session.handoff)
                .is_none_or(|h| h.ticket != t.id && h.ticket != 0)
            {
                self.finish(t, "expired")?;
                finished.insert(t.id);
                continue;
            }
            if t.held {
                // The person never wrote again: the ticket goes, unseen, and they are back with
                // the bot.
                if now - t.created_at >= HOLD_SECS {
                    let who = Pseudonym(t.who);
                    self.haven.update_session(&who, now, |s| s.handoff = None)?;
                    self.finish(t, "unconfirmed")?;
                    finished.insert(t.id);
                }
                continue;
            }
            if !t.is_queued() {
                continue;
            }
            let waited = now - t.created_at;
            if !t.timed_out && waited >= self.config.queue_timeout_secs {
                let mut texts = vec![self.text(t.lang, "handoff-timeout", &[])];
                if t.emergency {
                    texts.push(self.text(t.lang, "emergency-steps", &[]));
                }
                self.store.update(t.id, |t| {
                    t.timed_out = true;
                    t.last_notice_at = now;
                    (true, ())
                })?;
                if !t.answered {
                    self.tally.handoff(Fate::TimedOut, now);
                }
                out.push(self.outgoing(t, texts)?);
            } else if !t.after_hours
                && now - t.last_notice_at >= self.config.wait_message_every_secs
            {
                let pos = places
                    .get(&t.id)
                    .copied()
                    .unwrap_or(places.len())
                    .to_string();
                self.store.update(t.id, |t| {
                    t.last_notice_at = now;
                    (true, ())
                })?;
                out.push(self.outgoing(
                    t,
                    vec![self.text(t.lang, "handoff-waiting", &[("position", &pos)])],
                )?);
            }
        }
        let open: Vec<Ticket> = tickets
            .into_iter()
            .filter(|t| !finished.contains(&t.id))
            .collect();
        self.set_gauges(&open);
        Ok(out)
    }

    /// Open tickets by state and priority, for `/metrics` (set by the timer, every round).
    pub fn update_gauges(&self) -> Result<(), HandoffError> {
        self.set_gauges(&self.store.all()?);
        Ok(())
    }

    fn set_gauges(&self, tickets: &[Ticket]) {
        for state in ["held", "queued", "assigned"] {
            for p in [Priority::Urgent, Priority::Crisis, Priority::Asked] {
                let n = tickets
                    .iter()
                    .filter(|t| {
                        t.priority == p
                            && match state {
                                "held" => t.held,
                                "queued" => !t.held && t.is_queued(),
                                _ => !t.is_queued(),
                            }
                    })
                    .count();
                self.metrics.set(
                    "haven_handoff_tickets",
                    &[("state", state), ("priority", p.as_str())],
                    n as f64,
                );
            }
        }
    }

    /// Remembers which ticket a message in the counselor chat belongs to.
    pub fn remember_desk_message(&self, message_id: i64, ticket: u64) -> Result<(), HandoffError> {
        Ok(self.store.remember_desk_message(message_id, ticket)?)
    }

    pub fn first_desk_message(&self, ticket: u64) -> Result<Option<i64>, HandoffError> {
        Ok(self.store.first_desk_message(ticket)?)
    }

    pub fn ticket_of_desk_message(&self, message_id: i64) -> Result<Option<u64>, HandoffError> {
        Ok(self.store.ticket_of_desk_message(message_id)?)
    }
}
