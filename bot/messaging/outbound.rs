//! Messages to a person outside the request they sent: a counselor's reply, a "still waiting"
//! note, the queue-timeout fallback. Each goes out on the person's own channel, through the
//! [`Outlet`](super::Outlet) that channel registered.

use crate::engine::Channel;
use crate::handoff::Outgoing;

use super::error::AppError;
use super::{Hub, SendFailure, Sent};

/// Why a message to a person did not go out.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    /// The person's channel refused it (WhatsApp's 24-hour window has closed, Twilio
    /// rejected the number): `reason` is the channel's fixed label, `note` says what happened
    /// in a sentence for the counselor.
    #[error("{note}")]
    Refused { reason: &'static str, note: String },
    /// Something inside failed.
    #[error(transparent)]
    Internal(#[from] AppError),
}

impl From<crate::store::StoreError> for OutboundError {
    fn from(e: crate::store::StoreError) -> OutboundError {
        OutboundError::Internal(e.into())
    }
}

pub async fn send(hub: &Hub, out: Outgoing) -> Result<(), OutboundError> {
    if out.texts.is_empty() {
        return Ok(());
    }
    // Never to someone who opted out in the meantime.
    if hub.haven.store.is_opted_out(&out.who)? {
        return Ok(());
    }
    let Some(outlet) = hub.outlets.get(out.channel) else {
        match out.channel {
            Channel::Sms => {
                tracing::warn!(who = %out.who, "SMS is not configured; message dropped")
            }
            Channel::Telegram => {
                tracing::warn!(who = %out.who, "Telegram is not configured; message dropped")
            }
            _ => {
                tracing::warn!(who = %out.who, channel = out.channel.as_str(), "no outbound path for this channel yet; message dropped")
            }
        }
        return Ok(());
    };
    let channel = out.channel.as_str();
    match outlet.send(&out.who, &out.address, &out.texts).await {
        Ok(Sent::Queued) => {}
        Ok(Sent::Delivered(n)) => {
            hub.metrics
                .add("haven_messages_out_total", &[("channel", channel)], n)
        }
        Err(SendFailure::Unreachable) => {
            // The person blocked the bot: their session and handoff end.
            hub.haven.store.delete(&out.who)?;
            hub.handoff
                .close_for_person(&out.who, "blocked")
                .map_err(AppError::internal)?;
        }
        Err(SendFailure::Refused(reason)) => {
            hub.metrics.inc(
                "haven_sends_failed_total",
                &[("channel", channel), ("reason", reason)],
            );
            tracing::warn!(who = %out.who, channel, reason, "message refused by the channel");
            return Err(OutboundError::Refused {
                reason,
                note: match outlet.explain(reason) {
                    Some(note) => note.to_owned(),
                    None => format!("{channel} send failed: {reason}"),
                },
            });
        }
        Err(SendFailure::Internal(e)) => return Err(AppError::internal(e).into()),
    }
    Ok(())
}
