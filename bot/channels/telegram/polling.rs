//! Long polling, the default: `getUpdates` in a loop, each update through the one handler.
//!
//! haven calls `getUpdates` itself through teloxide's `Bot` instead of using teloxide's
//! dispatcher, so the loop stops on haven's own stop signal, errors are logged without the
//! update's content, and polling and the webhook share [`handler::dispatch`] exactly.
//!
//! The offset is kept in memory. After a restart Telegram sends again what was not confirmed,
//! and the delivery ids recorded by `dispatch` drop whatever was already handled.

use std::time::Duration;

use teloxide::types::UpdateId;

use super::TelegramError;
use super::TelegramState;
use super::handler;

/// The longest pause between failed polls.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Polls until `stop` turns true, then waits for updates in flight to finish.
pub async fn run(state: TelegramState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let tg = &state.tg;
    let mut offset: Option<i32> = None;
    let mut backoff = Duration::ZERO;
    // `getUpdates` is refused while a webhook is set (from an earlier webhook deployment).
    let mut webhook_cleared = false;
    loop {
        if *stop.borrow() {
            break;
        }
        if !backoff.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = stop.changed() => break,
            }
        }
        if !webhook_cleared {
            let result = tokio::select! {
                r = tg.client.delete_webhook() => r,
                _ = stop.changed() => break,
            };
            match result {
                Ok(()) => webhook_cleared = true,
                Err(e) => {
                    tracing::error!(reason = e.reason(), error = %e, "deleteWebhook failed; retrying");
                    backoff = next_backoff(backoff);
                    continue;
                }
            }
        }
        let result = tokio::select! {
            r = tg.client.get_updates(offset) => r,
            _ = stop.changed() => break,
        };
        match result {
            Ok(updates) => {
                backoff = Duration::ZERO;
                for update in updates {
                    offset = Some(next_offset(update.id));
                    // An accepted update's task logs its own failures; polling does not wait
                    // for it, so one person's slow sends never hold up the next update.
                    if let Err(e) = handler::dispatch(&state, update) {
                        tracing::error!(error = %e, "a Telegram update was not handled");
                    }
                }
            }
            Err(e) => {
                if matches!(e, TelegramError::Conflict(_)) {
                    webhook_cleared = false;
                }
                tracing::error!(reason = e.reason(), error = %e, "getUpdates failed; retrying");
                backoff = next_backoff(backoff);
            }
        }
    }
    tg.drained().await;
}

/// The offset that confirms `id` and everything before it.
fn next_offset(id: UpdateId) -> i32 {
    i32::try_from(u64::from(id.0) + 1).unwrap_or(i32::MAX)
}

fn next_backoff(current: Duration) -> Duration {
    if current.is_zero() {
        Duration::from_secs(1)
    } else {
        (current * 2).min(MAX_BACKOFF)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_backoff() {
        assert_eq!(next_offset(UpdateId(41)), 42);
        assert_eq!(next_offset(UpdateId(u32::MAX)), i32::MAX);
        assert_eq!(next_backoff(Duration::ZERO), Duration::from_secs(1));
        assert_eq!(next_backoff(Duration::from_secs(1)), Duration::from_secs(2));
        assert_eq!(next_backoff(Duration::from_secs(50)), MAX_BACKOFF);
    }
}
