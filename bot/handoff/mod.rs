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
//! - Closing returns the person to the bot and deletes the ticket, its sealed transcript and
//!   the sealed address. A closed ticket never catches the person's next message.

pub mod config;
pub mod store;
pub mod ticket;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::broadcast;

use crate::Lang;
use crate::engine::{Availability, Channel, HandoffState};
use crate::metrics::Metrics;
use crate::runtime::Haven;
use crate::store::{GroupFlush, Pseudonym, Sealer};
pub use config::HandoffConfig;
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
];

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
    Said {
        ticket: u64,
        from: Speaker,
        text: String,
    },
    Changed(TicketView),
    Closed {
        ticket: u64,
        outcome: String,
    },
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
    events: broadcast::Sender<DeskEvent>,
    /// Whether any counselor surface exists (a Telegram counselor chat, console accounts).
    present: AtomicBool,
}

impl Handoff {
    pub fn new(
        db: &sled::Db,
        durable: GroupFlush,
        sealer: Sealer,
        config: HandoffConfig,
        haven: Arc<Haven>,
        metrics: Arc<Metrics>,
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
                "Open tickets, by state and priority.",
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
            sealer,
            config,
            haven,
            metrics,
            events: broadcast::channel(1024).0,
            present: AtomicBool::new(false),
        })
    }

    pub fn config(&self) -> &HandoffConfig {
        &self.config
    }

    /// Says whether counselors exist at all (set by the server from its configuration).
    pub fn set_present(&self, present: bool) {
        self.present.store(present, Ordering::Relaxed);
    }

    pub fn availability(&self, now: i64) -> Availability {
        if !self.present.load(Ordering::Relaxed) {
            Availability::NoService
        } else if self.config.on_shift(now) {
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

    /// Open tickets in queue order.
    pub fn queue(&self) -> Result<Vec<TicketView>, HandoffError> {
        let mut v: Vec<TicketView> = self.store.all()?.iter().map(Ticket::view).collect();
        v.sort_by_key(TicketView::queue_key);
        Ok(v)
    }

    pub fn ticket(&self, id: u64) -> Result<Option<TicketView>, HandoffError> {
        Ok(self.store.get(id)?.map(|t| t.view()))
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

    /// Opens a ticket for `who` (or returns the one already open). The first message of the
    /// handoff goes into its transcript.
    #[allow(clippy::too_many_arguments)]
    pub async fn open(
        &self,
        who: Pseudonym,
        channel: Channel,
        address: &str,
        lang: Lang,
        priority: Priority,
        reason: &str,
        first: Option<&str>,
        after_hours: bool,
        now: i64,
    ) -> Result<TicketView, HandoffError> {
        if let Some(t) = self.store.open_ticket_of(&who)? {
            return Ok(t.view());
        }
        let lines: Vec<Line> = first
            .filter(|t| !t.trim().is_empty())
            .map(|t| Line {
                from: Speaker::Person,
                text: t.to_owned(),
                at: now,
            })
            .into_iter()
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
            channel,
            address: self.sealer.seal_str(&who, address)?,
            lang,
            priority,
            reason: reason.to_owned(),
            state: TicketState::Queued,
            created_at: now,
            last_notice_at: now,
            timed_out: after_hours,
            after_hours,
            emergency: priority == Priority::Urgent,
            transcript: self.seal_lines(&who, &lines)?,
        };
        self.store.create(&t).await?;
        self.metrics.inc(
            "haven_handoff_opened_total",
            &[("priority", priority.as_str())],
        );
        tracing::info!(
            ticket = t.id,
            priority = priority.as_str(),
            "handoff opened"
        );
        let view = t.view();
        self.emit(DeskEvent::Opened(view.clone()));
        Ok(view)
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

    /// The person wrote while in the queue or with a counselor. `None`: no open ticket.
    pub fn person_said(
        &self,
        who: &Pseudonym,
        text: &str,
        now: i64,
    ) -> Result<Option<TicketView>, HandoffError> {
        let Some(t) = self.store.open_ticket_of(who)? else {
            return Ok(None);
        };
        let line = Line {
            from: Speaker::Person,
            text: text.to_owned(),
            at: now,
        };
        let Some(t) = self.append(t.id, line)? else {
            return Ok(None);
        };
        self.emit(DeskEvent::Said {
            ticket: t.id,
            from: Speaker::Person,
            text: text.to_owned(),
        });
        Ok(Some(t.view()))
    }

    /// An overdose during a handoff: the ticket turns urgent and counselors are alerted.
    pub fn escalate(
        &self,
        who: &Pseudonym,
        text: &str,
        now: i64,
    ) -> Result<Option<TicketView>, HandoffError> {
        let Some(t) = self.store.open_ticket_of(who)? else {
            return Ok(None);
        };
        let r = self.store.update(t.id, |t| {
            t.priority = Priority::Urgent;
            t.emergency = true;
            (true, ())
        })?;
        if let Updated::Done(t, ()) = r {
            self.emit(DeskEvent::Changed(t.view()));
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
        tracing::info!(ticket = t.id, outcome, "handoff closed");
        self.emit(DeskEvent::Closed {
            ticket: t.id,
            outcome: outcome.to_owned(),
        });
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
                (true, None)
            }
            TicketState::Assigned { counselor: by, .. } => (false, Some(by.clone())),
        })?;
        match r {
            Updated::Missing => Err(HandoffError::NoTicket(id)),
            Updated::Declined(_, by) => Ok(Claim::Taken {
                by: by.unwrap_or_default(),
            }),
            Updated::Done(t, _) => {
                let who = Pseudonym(t.who);
                self.haven.update_session(&who, now, |s| {
                    if let Some(h) = &mut s.handoff {
                        h.assigned = true;
                    }
                })?;
                let waited = (now - t.created_at).max(0) as u64;
                self.metrics
                    .add("haven_handoff_wait_seconds_sum", &[], waited);
                self.metrics.inc("haven_handoff_wait_seconds_count", &[]);
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
        self.append(
            id,
            Line {
                from: Speaker::Counselor,
                text: text.to_owned(),
                at: now,
            },
        )?;
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
        self.emit(DeskEvent::Changed(t.view()));
        let out = self.outgoing(&t, vec![self.text(t.lang, "handoff-released", &[])])?;
        Ok((t.view(), out))
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
        let out = self.outgoing(&t, vec![self.text(t.lang, "handoff-closed", &[])])?;
        let who = Pseudonym(t.who);
        self.haven.update_session(&who, now, |s| s.handoff = None)?;
        self.finish(&t, outcome)?;
        Ok((t.view(), out))
    }

    /// Timed work: "still waiting" notes, the queue-timeout fallback, and closing tickets whose
    /// person's session has expired. Returns what to send.
    pub fn tick(&self, now: i64) -> Result<Vec<Outgoing>, HandoffError> {
        let mut out = Vec::new();
        let tickets = self.store.all()?;
        for t in &tickets {
            let who = Pseudonym(t.who);
            // The person's session is gone (expired or deleted): so is the handoff.
            let session = self.haven.store.load(&who, now)?;
            if session
                .as_ref()
                .and_then(|l| l.session.handoff)
                .is_none_or(|h| h.ticket != t.id)
            {
                self.finish(t, "expired")?;
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
                out.push(self.outgoing(t, texts)?);
            } else if !t.after_hours
                && now - t.last_notice_at >= self.config.wait_message_every_secs
            {
                let pos = self.position(t.id)?.to_string();
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
        self.update_gauges()?;
        Ok(out)
    }

    /// Open tickets by state and priority, for `/metrics`.
    pub fn update_gauges(&self) -> Result<(), HandoffError> {
        let q = self.queue()?;
        for state in ["queued", "assigned"] {
            for p in [Priority::Urgent, Priority::Crisis, Priority::Asked] {
                let n = q
                    .iter()
                    .filter(|t| t.priority == p && (t.counselor.is_some() == (state == "assigned")))
                    .count();
                self.metrics.set(
                    "haven_handoff_tickets",
                    &[("state", state), ("priority", p.as_str())],
                    n as f64,
                );
            }
        }
        Ok(())
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
