//! Messages to a person outside the request they sent: a counselor's reply, a "still waiting"
//! note, the queue-timeout fallback. Each goes out on the person's own channel.

use std::time::Duration;

use crate::engine::Channel;
use crate::handoff::Outgoing;
use crate::text::split_for_sms;

use super::State;
use super::error::AppError;

pub async fn send(state: &State, out: Outgoing) -> Result<(), AppError> {
    if out.texts.is_empty() {
        return Ok(());
    }
    // Never to someone who opted out in the meantime.
    if state.haven.store.is_opted_out(&out.who)? {
        return Ok(());
    }
    match out.channel {
        Channel::Sms => {
            let Some(sms) = &state.sms else {
                tracing::warn!(who = %out.who, "SMS is not configured; message dropped");
                return Ok(());
            };
            let parts: Vec<String> = out
                .texts
                .iter()
                .flat_map(|t| {
                    split_for_sms(t, crate::channels::sms::webhook::MAX_SEGMENTS_PER_MESSAGE)
                })
                .collect();
            sms.outbox
                .enqueue(&out.who, &out.address, &parts, Duration::ZERO)
                .await
                .map_err(AppError::internal)?;
        }
        Channel::Telegram | Channel::Web | Channel::Terminal => {
            tracing::warn!(who = %out.who, channel = out.channel.as_str(), "no outbound path for this channel yet; message dropped");
        }
    }
    Ok(())
}
