//! The path every channel takes for a message from a person: rate limit, engine (through the
//! runtime and store), metrics, and the effects that reach beyond the conversation.
//!
//! Channels turn their wire format into a `Content` and an address, call [`deliver`], and send
//! the replies back in their own format. The address is turned into a pseudonym at once and is
//! never logged.

use crate::Lang;
use crate::engine::{Availability, Channel, Content, Ctx, Effect, Reply, clean_for_relay};
use crate::flows::actions::handoff::Priority;
use crate::handoff::Opening;
use crate::runtime::now;
use crate::store::Pseudonym;

use super::Hub;
use super::error::AppError;
use super::ratelimit::Verdict;

/// What a channel sends back for one message.
#[derive(Debug)]
pub struct Delivered {
    pub who: Pseudonym,
    pub replies: Vec<Reply>,
    pub intent: String,
    /// The language the replies are in, for texts a channel adds itself (a button's label).
    pub lang: Lang,
    /// Whether the person's session now waits for a location, so a channel that can send a
    /// location pin (Telegram) offers a button for it.
    pub awaits_location: bool,
    /// Whether the person is now waiting for or talking with a counselor, so a channel can
    /// offer a button that leaves the queue (it sends [`LEAVE_WORD`]).
    pub in_handoff: bool,
    /// On a phone call, the flows asked for a counselor: the voice channel connects the caller
    /// (`Effect::Connect`), with this priority.
    pub connect: Option<Priority>,
}

/// What a "back to the bot" button sends: a word that takes a person out of a counselor queue
/// in either language (one of `engine::LEAVE_HANDOFF`).
pub const LEAVE_WORD: &str = "MENU";

/// Handles one message from `address` on `channel`.
pub async fn deliver(
    hub: &Hub,
    channel: Channel,
    address: &str,
    content: Content<'_>,
) -> Result<Delivered, AppError> {
    deliver_once(hub, channel, address, content, None, None, false).await
}

/// Like [`deliver`], for a message with a delivery id that the sender repeats when it retries
/// (SMS and WhatsApp `MessageSid`, Telegram `update_id`): a retry after a crash cut off the
/// first handling is answered in full again ([`crate::engine::Redo`]).
pub async fn deliver_keyed(
    hub: &Hub,
    channel: Channel,
    address: &str,
    content: Content<'_>,
    delivery: &str,
) -> Result<Delivered, AppError> {
    let key = hub.haven.delivery_key(channel, delivery);
    deliver_once(hub, channel, address, content, None, Some(key), false).await
}

/// Like [`deliver`], for a message whose client network is known (the web chat): the limits on
/// open web tickets count per network ([`super::admission`]).
pub async fn deliver_from(
    hub: &Hub,
    channel: Channel,
    address: &str,
    content: Content<'_>,
    network: Option<Pseudonym>,
) -> Result<Delivered, AppError> {
    deliver_once(hub, channel, address, content, network, None, false).await
}

async fn deliver_once(
    hub: &Hub,
    channel: Channel,
    address: &str,
    content: Content<'_>,
    network: Option<Pseudonym>,
    delivery: Option<[u8; 16]>,
    retried: bool,
) -> Result<Delivered, AppError> {
    let now = now();
    let who = hub.haven.pseudonym(channel, address);
    // A retried message was already counted and let through.
    let verdict = if retried {
        Verdict::Allow
    } else {
        hub.limiter.check(&who, now)
    };
    if !retried {
        hub.metrics
            .inc("haven_messages_in_total", &[("channel", channel.as_str())]);
    }
    match verdict {
        Verdict::Allow => {}
        verdict => {
            hub.metrics
                .inc("haven_rate_limited_total", &[("channel", channel.as_str())]);
            tracing::warn!(who = %who, channel = channel.as_str(), "rate limited");
            // One notice per flood, never to someone who opted out.
            let mut lang = Lang::default();
            let replies = if verdict == Verdict::Notify && !hub.haven.store.is_opted_out(&who)? {
                lang = hub
                    .haven
                    .store
                    .load(&who, now)?
                    .map(|l| l.session.lang)
                    .unwrap_or_default();
                vec![Reply::text(hub.haven.engine.texts.render(
                    lang,
                    "rate-limited",
                    &[],
                ))]
            } else {
                Vec::new()
            };
            return Ok(Delivered {
                who,
                replies,
                intent: "rate-limited".into(),
                lang,
                awaits_location: false,
                in_handoff: false,
                connect: None,
            });
        }
    }
    let mut full_reason = None;
    let raw = match &content {
        Content::Text(t) => clean_for_relay(t),
        Content::Location { .. } => String::new(),
    };
    // A web ticket needs a place under the web chat's caps, taken before the engine runs (it
    // decides what to say from the availability) and given back unless a ticket uses it.
    let mut availability = hub.handoff.availability(now);
    let mut seat = None;
    if channel == Channel::Web
        && matches!(
            availability,
            Availability::Available | Availability::OutOfHours
        )
    {
        match hub.admission.seat(&hub.handoff, &who, network, now) {
            Ok(s) => {
                seat = Some(s);
                if availability == Availability::Available {
                    availability = Availability::AfterExchange;
                }
            }
            Err(full) => {
                full_reason = Some(full);
                availability = Availability::Full;
            }
        }
    }
    let ctx = Ctx {
        counselors: availability,
        referrals: Some(&hub.referrals),
    };
    let handled = hub
        .haven
        .handle_delivery(who, channel, content.clone(), delivery, now, &ctx)?;
    let mut outcome = handled.outcome;
    hub.metrics
        .inc("haven_intents_total", &[("intent", &outcome.intent)]);
    if !retried {
        count(hub, channel, &outcome, handled.fresh, now);
    }
    // Kept in memory for a handoff that may follow (see `lead`); not what goes to a counselor.
    if outcome.session.handoff.is_none() {
        hub.leads.record(who, &raw, &outcome.intent, now);
    }
    for effect in &outcome.effects {
        match effect {
            Effect::Handoff {
                priority,
                reason,
                held,
            } => {
                let after_hours = availability == Availability::OutOfHours;
                // The messages that led here start the ticket, and raise its priority when they
                // spoke of an overdose or a crisis.
                let mut lead = hub.leads.take(&who, now);
                lead.push(super::lead::Lead {
                    text: raw.clone(),
                    intent: outcome.intent.clone(),
                    at: now,
                });
                let priority = super::lead::priority_of(lead.iter().map(|l| &l.intent))
                    .map_or(*priority, |p| p.max(*priority));
                let ticket = hub
                    .handoff
                    .open(
                        Opening {
                            who,
                            channel,
                            address,
                            lang: outcome.session.lang,
                            priority,
                            reason,
                            lines: lead.into_iter().map(|l| (l.text, l.at)).collect(),
                            after_hours,
                            held: *held,
                        },
                        now,
                    )
                    .await
                    .map_err(AppError::internal)?;
                if let Some(seat) = seat.take() {
                    seat.take(ticket.id, &who, now);
                }
                if !after_hours && !*held {
                    outcome
                        .replies
                        .push(position_text(hub, outcome.session.lang, ticket.id)?);
                }
            }
            Effect::Relay { text } => {
                let relayed = hub
                    .handoff
                    .person_said(&who, text, now)
                    .map_err(AppError::internal)?;
                if let Some(r) = &relayed
                    && r.joined
                {
                    // A held ticket joined the queue with this message: say so, and where.
                    queued_now(hub, &mut outcome.replies, outcome.session.lang, r.ticket.id)?;
                }
                if relayed.is_none() {
                    // The session says "in a handoff" but no ticket exists (it closed while the
                    // message was on its way, or a crash came between): back to the bot, and
                    // the message is answered as any other.
                    hub.haven.update_session(&who, now, |s| s.handoff = None)?;
                    if !retried {
                        drop(seat);
                        return Box::pin(deliver_once(
                            hub, channel, address, content, network, delivery, true,
                        ))
                        .await;
                    }
                }
            }
            Effect::HandoffEmergency { text } => {
                let relayed = hub
                    .handoff
                    .escalate(&who, text, now)
                    .map_err(AppError::internal)?;
                if let Some(r) = &relayed
                    && r.joined
                {
                    queued_now(hub, &mut outcome.replies, outcome.session.lang, r.ticket.id)?;
                }
            }
            Effect::LeaveHandoff => {
                hub.handoff
                    .close_for_person(&who, "left")
                    .map_err(AppError::internal)?;
            }
            Effect::OptOut => {
                hub.leads.forget(&who);
                hub.handoff
                    .close_for_person(&who, "opted-out")
                    .map_err(AppError::internal)?;
                // Whatever a channel still holds for them (the SMS outbox) is dropped too.
                for outlet in hub.outlets.iter() {
                    outlet.forget(&who).map_err(AppError::internal)?;
                }
            }
            Effect::Forget => {
                hub.leads.forget(&who);
                hub.handoff
                    .close_for_person(&who, "left")
                    .map_err(AppError::internal)?;
            }
            // Counted in `count`; `Connect` is carried out by the voice channel, which gets
            // the priority in `Delivered`.
            Effect::OptIn
            | Effect::Feedback { .. }
            | Effect::Referred { .. }
            | Effect::Connect { .. } => {}
            Effect::HandoffFull => {
                let reason = full_reason.map_or("total", |f| f.as_str());
                hub.metrics
                    .inc("haven_web_handoffs_refused_total", &[("reason", reason)]);
                tracing::warn!(who = %who, reason, "web handoff refused: the queue has no room");
            }
        }
    }
    let connect = outcome.effects.iter().find_map(|e| match e {
        Effect::Connect { priority, .. } => Some(*priority),
        _ => None,
    });
    Ok(Delivered {
        connect,
        who,
        lang: outcome.session.lang,
        awaits_location: hub.haven.engine.awaits_location(&outcome.session),
        in_handoff: outcome.session.handoff.is_some(),
        replies: outcome.replies,
        intent: outcome.intent,
    })
}

/// "You're number N in line", for a ticket that has just joined the queue.
fn position_text(hub: &Hub, lang: Lang, ticket: u64) -> Result<Reply, AppError> {
    let position = hub
        .handoff
        .position(ticket)
        .map_err(AppError::internal)?
        .to_string();
    let minutes = (hub.handoff.config().queue_timeout_secs / 60)
        .max(1)
        .to_string();
    Ok(Reply::text(hub.haven.engine.texts.render(
        lang,
        "handoff-position",
        &[("position", &position), ("minutes", &minutes)],
    )))
}

/// A held ticket joined the queue with the person's message: they hear that they are in line,
/// and where.
fn queued_now(
    hub: &Hub,
    replies: &mut Vec<Reply>,
    lang: Lang,
    ticket: u64,
) -> Result<(), AppError> {
    replies.push(Reply::text(hub.haven.engine.texts.render(
        lang,
        "handoff-queued",
        &[],
    )));
    replies.push(position_text(hub, lang, ticket)?);
    Ok(())
}

/// The reports' daily counters for one message: a conversation begun, its intent, a referral
/// given, a feedback answer. Labels only (see `reports::tally`).
fn count(hub: &Hub, channel: Channel, outcome: &crate::engine::Outcome, fresh: bool, now: i64) {
    if fresh {
        hub.tally.conversation(channel, outcome.session.lang, now);
    }
    hub.tally.intent(&outcome.intent, now);
    for effect in &outcome.effects {
        match effect {
            Effect::Referred { kind, found } => hub.tally.referral(kind, *found, now),
            Effect::Feedback { score } => hub.tally.feedback(*score, now),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leave_button_sends_a_word_that_leaves_the_queue() {
        let folded = crate::text::fold(LEAVE_WORD);
        assert!(crate::engine::LEAVE_HANDOFF.contains(&folded.as_str()));
    }
}
