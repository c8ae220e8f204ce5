//! The path every channel takes for a message from a person: rate limit, engine (through the
//! runtime and store), metrics, and the effects that reach beyond the conversation.
//!
//! Channels turn their wire format into a `Content` and an address, call [`deliver`], and send
//! the replies back in their own format. The address is turned into a pseudonym at once and is
//! never logged.

use crate::Lang;
use crate::engine::{Availability, Channel, Content, Ctx, Reply};
use crate::runtime::now;
use crate::store::Pseudonym;

use super::State;
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
}

/// Handles one message from `address` on `channel`.
pub async fn deliver(
    state: &State,
    channel: Channel,
    address: &str,
    content: Content<'_>,
) -> Result<Delivered, AppError> {
    let now = now();
    let who = state.haven.pseudonym(channel, address);
    state
        .metrics
        .inc("haven_messages_in_total", &[("channel", channel.as_str())]);
    match state.limiter.check(&who, now) {
        Verdict::Allow => {}
        verdict => {
            state
                .metrics
                .inc("haven_rate_limited_total", &[("channel", channel.as_str())]);
            tracing::warn!(who = %who, channel = channel.as_str(), "rate limited");
            // One notice per flood, never to someone who opted out.
            let mut lang = Lang::default();
            let replies = if verdict == Verdict::Notify && !state.haven.store.is_opted_out(&who)? {
                lang = state
                    .haven
                    .store
                    .load(&who, now)?
                    .map(|l| l.session.lang)
                    .unwrap_or_default();
                vec![Reply::text(state.haven.engine.texts.render(
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
            });
        }
    }
    let ctx = Ctx {
        counselors: Availability::NoService,
        referrals: Some(&state.referrals),
    };
    let handled = state.haven.handle_as(who, channel, content, now, &ctx)?;
    let outcome = handled.outcome;
    state
        .metrics
        .inc("haven_intents_total", &[("intent", &outcome.intent)]);
    Ok(Delivered {
        who,
        lang: outcome.session.lang,
        awaits_location: state.haven.engine.awaits_location(&outcome.session),
        replies: outcome.replies,
        intent: outcome.intent,
    })
}
