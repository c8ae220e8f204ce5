//! The counselor group on Telegram (`HAVEN_COUNSELOR_CHAT_ID`): tickets are posted there, and
//! counselors work them with commands and replies.
//!
//! - A new ticket is posted with its number (a short handle, never the pseudonym, the number or
//!   the Telegram id), language, priority, why it was opened and the messages so far.
//! - `/claim N` takes it (of two claims at once exactly one wins; the other is told who has it),
//!   `/release N` hands it back, `/close N [outcome]` ends it (outcomes from the configuration),
//!   `/queue` lists open tickets.
//! - `/onshift` and `/away` set the author's presence (who is on shift decides whether people
//!   are queued for a counselor; `/who` lists them), `/note N text` adds a private note (never
//!   sent to the person), `/transfer N name` hands a ticket to another counselor (a console
//!   name, or `@username` of someone in the group), `/quick N id [ZIP]` sends a quick reply in
//!   the person's language (`/quick` lists them).
//! - A counselor writes to the person by *replying* to any of the ticket's messages in the group;
//!   the person's messages are posted as replies under the ticket.
//! - Only messages in the counselor chat act; anything else in a group is ignored.
//!
//! Tickets and the mapping from group messages to tickets live in the handoff store, so after a
//! restart replies to old posts still reach the right person.
//!
//! No Telegram wire format here: the Telegram channel reads a group message into a
//! [`GroupMessage`] and calls [`TelegramGroup`] through [`CounselorGroup`]; posts go out through
//! [`TelegramChannel::post`], with plain texts and message ids.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::channels::telegram::TelegramChannel;
use crate::channels::telegram::group::{CounselorGroup, GroupMessage};
use crate::handoff::{Claim, DeskEvent, Priority, Speaker, TicketView};
use crate::messaging::{Hub, outbound};
use crate::runtime::now;

/// The counselor group: the message path, the Telegram channel to post with, and the group's
/// chat id.
pub struct TelegramGroup {
    hub: Arc<Hub>,
    tg: Arc<TelegramChannel>,
    chat: i64,
}

impl TelegramGroup {
    pub fn new(hub: Arc<Hub>, tg: Arc<TelegramChannel>, chat: i64) -> TelegramGroup {
        TelegramGroup { hub, tg, chat }
    }
}

impl CounselorGroup for TelegramGroup {
    fn chat_id(&self) -> i64 {
        self.chat
    }

    fn handle<'a>(&'a self, m: GroupMessage) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(handle(self, m))
    }
}

fn priority_label(p: Priority) -> &'static str {
    match p {
        Priority::Urgent => "🚨 URGENT (overdose)",
        Priority::Crisis => "⚠️ crisis",
        Priority::Asked => "asked for a person",
    }
}

fn summary(t: &TicketView) -> String {
    format!(
        "#{} · {} · {} · via {}{}\nWhy: {}",
        t.id,
        priority_label(t.priority),
        t.lang.code(),
        t.channel.as_str(),
        if t.after_hours {
            " · left outside counselor hours"
        } else {
            ""
        },
        t.reason
    )
}

async fn post(state: &TelegramGroup, text: &str, reply_to: Option<i64>, ticket: Option<u64>) {
    match state.tg.post(state.chat, text, reply_to).await {
        Ok(id) => {
            if let Some(t) = ticket
                && let Err(e) = state.hub.handoff.remember_desk_message(id, t)
            {
                tracing::error!(error = %e, "counselor chat message not mapped to its ticket");
            }
        }
        Err(e) => tracing::error!(reason = e.reason(), "posting to the counselor chat failed"),
    }
}

/// The first group message of a ticket, to reply under.
fn anchor(state: &TelegramGroup, ticket: u64) -> Option<i64> {
    state.hub.handoff.first_desk_message(ticket).ok().flatten()
}

/// Posts handoff events to the counselor chat until the server stops.
pub async fn run(state: Arc<TelegramGroup>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut events = state.hub.handoff.subscribe();
    loop {
        let event = tokio::select! {
            e = events.recv() => e,
            _ = stop.changed() => break,
        };
        match event {
            Ok(e) => on_event(&state, e).await,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "counselor chat fell behind");
                post(
                    &state,
                    &format!("(haven missed {n} updates; send /queue to see where things stand)"),
                    None,
                    None,
                )
                .await;
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
        }
    }
}

async fn on_event(state: &TelegramGroup, e: DeskEvent) {
    match e {
        DeskEvent::Opened(t) => {
            let mut text = format!("🆕 {}\n", summary(&t));
            if let Ok(lines) = state.hub.handoff.transcript(t.id) {
                for l in lines {
                    text.push_str(&format!("\n{}: {}", speaker(&l.from), l.text));
                }
            }
            text.push_str(&format!(
                "\n\n/claim {} to take it. Reply to this message to write to the person.",
                t.id
            ));
            post(state, &text, None, Some(t.id)).await;
        }
        DeskEvent::Said {
            ticket,
            from: Speaker::Person,
            text,
        } => {
            post(
                state,
                &format!("#{ticket} person: {text}"),
                anchor(state, ticket),
                Some(ticket),
            )
            .await;
        }
        // Counselors' own words are already in the group (or in the console, where they were written).
        DeskEvent::Said { .. } => {}
        DeskEvent::Changed(t) => {
            let text = match &t.counselor {
                Some(c) => format!("#{} is with {c}.", t.id),
                None => format!("#{} is back in the queue. /claim {}", t.id, t.id),
            };
            post(state, &text, anchor(state, t.id), Some(t.id)).await;
        }
        DeskEvent::Escalated(t) => {
            let text = format!(
                "🚨 #{} is URGENT now: the person reports an overdose (they got the 911 text).",
                t.id
            );
            post(state, &text, anchor(state, t.id), Some(t.id)).await;
        }
        // Presence changes are answered where they are made (`/onshift`, `/away`, the console).
        DeskEvent::Presence { .. } => {}
        DeskEvent::Closed { ticket, outcome } => {
            post(
                state,
                &format!("#{ticket} closed ({outcome}). Its messages are deleted."),
                anchor(state, ticket),
                None,
            )
            .await;
        }
    }
}

/// The quick replies, for `/quick` without a ticket.
fn quick_list(state: &TelegramGroup) -> String {
    let list = super::quick::list(&state.hub);
    if list.is_empty() {
        return "No quick replies are set up (locales/*/quick-replies.ftl).".into();
    }
    let mut s = String::from("Quick replies: /quick N id, sent in the person's language.");
    for q in list {
        s.push_str(&format!(
            "\n{} · {}{}",
            q.id,
            q.label,
            if q.needs_place { " (add a ZIP)" } else { "" }
        ));
    }
    s
}

fn speaker(s: &Speaker) -> &'static str {
    match s {
        Speaker::Person => "person",
        Speaker::Counselor => "counselor",
        Speaker::Bot => "haven",
        Speaker::Note => "note",
    }
}

/// Handles a message in the counselor chat: a command, or a reply to a ticket's message.
async fn handle(state: &TelegramGroup, m: GroupMessage) {
    let GroupMessage {
        id,
        author: name,
        text,
        reply_to,
    } = m;
    let reply = if let Some(command) = text.strip_prefix('/') {
        command_reply(state, &name, command).await
    } else if let Some(parent) = reply_to {
        match state.hub.handoff.ticket_of_desk_message(parent) {
            Ok(Some(ticket)) => relay(state, &name, ticket, &text).await,
            Ok(None) => None,
            Err(e) => Some(format!("Something went wrong: {e}")),
        }
    } else {
        None
    };
    if let Some(r) = reply {
        post(state, &r, Some(id), None).await;
    }
}

async fn relay(state: &TelegramGroup, name: &str, ticket: u64, text: &str) -> Option<String> {
    let text = crate::engine::clean_for_relay(text);
    if text.is_empty() {
        return None;
    }
    match state.hub.handoff.reply(ticket, name, &text, now()) {
        Ok(out) => match outbound::send(&state.hub, out).await {
            Ok(()) => None,
            Err(e) => Some(format!("#{ticket}: not delivered ({e}).")),
        },
        Err(e) => Some(format!("#{ticket}: {e}")),
    }
}

async fn command_reply(state: &TelegramGroup, name: &str, command: &str) -> Option<String> {
    let mut words = command.split_whitespace();
    // "/claim@haven_bot 12" is how Telegram writes a command addressed to one bot.
    let verb = words.next()?.split('@').next()?.to_ascii_lowercase();
    let id: Option<u64> = words
        .next()
        .and_then(|w| w.trim_start_matches('#').parse().ok());
    let rest: Vec<&str> = words.collect();
    let now = now();
    let needs_id = |v: &str| format!("Usage: /{v} N (the ticket number, like /{v} 12)");
    Some(match verb.as_str() {
        "claim" => {
            let Some(id) = id else {
                return Some(needs_id("claim"));
            };
            match state.hub.handoff.claim(id, name, now) {
                Ok(Claim::Claimed(_, out)) => {
                    if let Err(e) = outbound::send(&state.hub, out).await {
                        tracing::error!(error = %e, "claim notice not sent");
                    }
                    format!(
                        "✅ #{id} is yours, {name}. Reply to its messages to write to the person."
                    )
                }
                Ok(Claim::Taken { by }) if by == name => format!("#{id} is already yours."),
                Ok(Claim::Taken { by }) => format!("❌ #{id}: {by} claimed it first."),
                Err(e) => format!("#{id}: {e}"),
            }
        }
        "release" => {
            let Some(id) = id else {
                return Some(needs_id("release"));
            };
            match state.hub.handoff.release(id, name, now) {
                Ok((_, out)) => {
                    if let Err(e) = outbound::send(&state.hub, out).await {
                        tracing::error!(error = %e, "release notice not sent");
                    }
                    return None; // the Changed event posts "back in the queue"
                }
                Err(e) => format!("#{id}: {e}"),
            }
        }
        "close" => {
            let Some(id) = id else {
                return Some(needs_id("close"));
            };
            let outcome = rest.first().copied().unwrap_or("resolved");
            match state.hub.handoff.close(id, name, outcome, now) {
                Ok((_, out)) => {
                    if let Err(e) = outbound::send(&state.hub, out).await {
                        tracing::error!(error = %e, "close notice not sent");
                    }
                    return None; // the Closed event posts it
                }
                Err(e) => format!("#{id}: {e}"),
            }
        }
        "onshift" | "away" => {
            let on = verb == "onshift";
            match state.hub.handoff.set_shift(name, on, now) {
                Ok(()) if on => format!(
                    "{name} is on shift. People who ask for a counselor are queued; urgent tickets are posted here."
                ),
                Ok(()) => format!("{name} is away."),
                Err(e) => format!("Something went wrong: {e}"),
            }
        }
        "who" => match state.hub.handoff.on_shift(now) {
            Ok(v) if v.is_empty() => "No one is on shift. Send /onshift when you are.".to_owned(),
            Ok(v) => format!(
                "On shift: {}",
                v.iter()
                    .map(|o| o.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Err(e) => format!("Something went wrong: {e}"),
        },
        "note" => {
            let Some(id) = id else {
                return Some(
                    "Usage: /note N text (a private note; the person never sees it)".into(),
                );
            };
            let text = crate::engine::clean_for_relay(&rest.join(" "));
            if text.is_empty() {
                return Some(
                    "Usage: /note N text (a private note; the person never sees it)".into(),
                );
            }
            match state.hub.handoff.note(id, name, &text, now) {
                Ok(_) => format!("📝 Note added to #{id} (never sent to the person)."),
                Err(e) => format!("#{id}: {e}"),
            }
        }
        "transfer" => {
            let (Some(id), Some(to)) = (id, rest.first().copied()) else {
                return Some("Usage: /transfer N name (a console name or @username)".into());
            };
            // Only to someone who can take it: on shift, or with a console account.
            let known = state.hub.handoff.is_on_shift(to, now).unwrap_or(false)
                || super::console::accounts::Accounts::new(&state.hub.config.data)
                    .exists(to)
                    .unwrap_or(false);
            if !known {
                return Some(format!(
                    "#{id}: {to} is neither on shift nor a console account. /who lists who is on shift."
                ));
            }
            match state.hub.handoff.transfer(id, name, to, now) {
                Ok((_, out)) => {
                    if let Err(e) = outbound::send(&state.hub, out).await {
                        tracing::error!(error = %e, "transfer notice not sent");
                    }
                    return None; // the Changed event posts "is with …"
                }
                Err(e) => format!("#{id}: {e}"),
            }
        }
        "quick" => {
            let Some(id) = id else {
                return Some(quick_list(state));
            };
            let Some(which) = rest.first() else {
                return Some(quick_list(state));
            };
            let place = rest.get(1).copied();
            let Ok(Some(t)) = state.hub.handoff.ticket(id) else {
                return Some(format!("#{id}: no such open ticket"));
            };
            let text = match super::quick::make(&state.hub, which, &t, place, now) {
                Ok(text) => text,
                Err(e) => return Some(format!("#{id}: {e}. {}", quick_list(state))),
            };
            match state.hub.handoff.reply(id, name, &text, now) {
                Ok(out) => match outbound::send(&state.hub, out).await {
                    Ok(()) => format!("#{id}: sent `{which}` in {}.", t.lang.code()),
                    Err(e) => format!("#{id}: not delivered ({e})."),
                },
                Err(e) => format!("#{id}: {e}"),
            }
        }
        "queue" => match state.hub.handoff.queue() {
            Ok(q) if q.is_empty() => "No one is waiting.".to_owned(),
            Ok(q) => {
                let mut s = String::from("Open tickets (urgent first):");
                for t in q {
                    let who = t
                        .counselor
                        .clone()
                        .map_or_else(|| "waiting".to_owned(), |c| format!("with {c}"));
                    s.push_str(&format!(
                        "\n#{} · {} · {} · {} · {}",
                        t.id,
                        priority_label(t.priority),
                        t.lang.code(),
                        who,
                        super::wait_label(&t, now)
                    ));
                }
                s
            }
            Err(e) => format!("Something went wrong: {e}"),
        },
        "help" | "start" => format!(
            "Commands: /onshift, /away, /who, /queue, /claim N, /release N, /close N [{}], /note N text, /transfer N name, /quick N id [ZIP]. Reply to a ticket's message to write to its person.",
            state.hub.handoff.config().outcomes.join("|")
        ),
        _ => return None,
    })
}
