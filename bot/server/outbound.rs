//! Messages to a person outside the request they sent: a counselor's reply, a "still waiting"
//! note, the queue-timeout fallback. Each goes out on the person's own channel.

use std::time::Duration;

use crate::engine::{Channel, Reply};
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
        Channel::Telegram => {
            let Some(tg) = &state.telegram else {
                tracing::warn!(who = %out.who, "Telegram is not configured; message dropped");
                return Ok(());
            };
            let replies: Vec<Reply> = out.texts.iter().map(Reply::text).collect();
            match tg.send_to_address(&out.address, &replies).await {
                Ok(()) => state.metrics.add(
                    "haven_messages_out_total",
                    &[("channel", "telegram")],
                    replies.len() as u64,
                ),
                Err(crate::channels::telegram::TelegramError::Blocked) => {
                    // The person blocked the bot: their session and handoff end.
                    state.haven.store.delete(&out.who)?;
                    state
                        .handoff
                        .close_for_person(&out.who, "blocked")
                        .map_err(AppError::internal)?;
                }
                Err(e) => {
                    state.metrics.inc(
                        "haven_sends_failed_total",
                        &[("channel", "telegram"), ("reason", e.reason())],
                    );
                    return Err(AppError::internal(format!(
                        "telegram send failed: {}",
                        e.reason()
                    )));
                }
            }
        }
        Channel::Web => {
            let replies: Vec<Reply> = out.texts.iter().map(Reply::text).collect();
            state.web.push(&out.address, &replies);
            state.metrics.add(
                "haven_messages_out_total",
                &[("channel", "web")],
                replies.len() as u64,
            );
        }
        Channel::Terminal => {
            tracing::warn!(who = %out.who, channel = out.channel.as_str(), "no outbound path for this channel yet; message dropped");
        }
    }
    Ok(())
}
