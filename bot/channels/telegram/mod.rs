//! Telegram over teloxide (rustls, no OpenSSL): long polling or a webhook, buttons for choices,
//! a "share location" button, and the session ended when a person blocks the bot.
//!
//! # How an update flows
//! 1. It arrives from [`polling::run`] (the default: `getUpdates` in a loop) or from
//!    [`webhook::inbound`] (when `HAVEN_TELEGRAM_WEBHOOK_URL` is set), which checks
//!    `X-Telegram-Bot-Api-Secret-Token` in constant time first.
//! 2. [`handler::dispatch`] claims its `update_id` (a repeat is dropped), and
//!    [`update::classify`] says what it means: a message, a button press, the person blocking
//!    the bot, or nothing (groups and channels get no answer).
//! 3. The message goes to the engine through `messaging::deliver`, with the chat id as
//!    the address (it becomes a pseudonym there and is never logged).
//! 4. [`render::render`] turns the replies into `sendMessage`s: texts cut to 4096 characters,
//!    choices as inline buttons whose callback data is the choice number, and a reply keyboard
//!    with a "share location" button while the flow waits for a location.
//!
//! # Privacy
//! Chat ids, user ids, names and texts stay in memory for the length of one update. Logs and
//! metrics carry pseudonyms, event kinds and error reasons; [`TelegramError`] never holds the
//! token (which is in every request URL) or an answer's raw text.

pub mod client;
pub mod group;
pub mod handler;
pub mod polling;
pub mod render;
pub mod update;
pub mod webhook;

use std::sync::Arc;

use subtle::ConstantTimeEq;

pub use client::{SetupError, TelegramError};
pub use render::{MAX_TEXT_UNITS, Markup, Outgoing};

use axum::Router;
use axum::routing::post;

use crate::config::TelegramConfig;
use crate::engine::Reply;
use crate::messaging::{Hub, Outlet, SendFailure, Sending, Sent};
use crate::metrics::Metrics;
use crate::store::Pseudonym;
use client::Client;
use handler::{InFlight, Lanes, ShownKeyboards};

/// Everything Telegram needs at run time. Built by the server; registered with the message path
/// as the Telegram [`Outlet`].
pub struct TelegramChannel {
    pub(crate) client: Client,
    webhook: Option<Webhook>,
    pub(crate) lanes: Arc<Lanes>,
    pub(crate) in_flight: Arc<InFlight>,
    pub(crate) keyboards: ShownKeyboards,
}

/// What Telegram's handlers and background tasks share: the message path, the channel, and
/// the counselor group when one is configured.
#[derive(Clone)]
pub struct TelegramState {
    pub hub: Arc<Hub>,
    pub tg: Arc<TelegramChannel>,
    /// Handed over by the server: what the counselor group's messages go to.
    pub group: Option<Arc<dyn group::CounselorGroup>>,
}

/// The webhook route, in webhook mode only (none while long polling). Its path is checked to
/// lie under `/telegram`, so it cannot overlap another route.
pub fn routes(state: TelegramState) -> Router {
    match state.tg.webhook() {
        Some(hook) => Router::new()
            .route(&hook.path, post(webhook::inbound))
            .with_state(state),
        None => Router::new(),
    }
}

/// Webhook mode: where Telegram posts, and the secret it sends along.
pub struct Webhook {
    /// The public URL given to `setWebhook`.
    pub url: url::Url,
    /// The route in haven's server: the URL's path.
    pub path: String,
    secret: String,
}

impl Webhook {
    /// Whether `header` (the `X-Telegram-Bot-Api-Secret-Token` value) is the secret, compared
    /// in constant time so its bytes cannot be guessed one by one from response times.
    pub fn secret_matches(&self, header: Option<&[u8]>) -> bool {
        header.is_some_and(|h| bool::from(h.ct_eq(self.secret.as_bytes())))
    }
}

/// What happened to a batch of messages for one chat.
#[derive(Debug, Default)]
pub struct SendReport {
    /// Messages Telegram accepted, from the start of the batch.
    pub sent: usize,
    /// Why the rest were not sent.
    pub error: Option<TelegramError>,
}

impl TelegramChannel {
    /// Sets up the bot from configuration (the config module has checked the token's shape
    /// and the secret). No network call happens here; `setWebhook` or polling start with the
    /// background tasks.
    pub fn new(config: &TelegramConfig) -> Result<TelegramChannel, SetupError> {
        let api_url = client::api_base_url(&config.api_url)?;
        let webhook = match &config.webhook {
            None => None,
            Some((url, secret)) => {
                let url = url::Url::parse(url.trim())
                    .map_err(|_| SetupError::WebhookUrl("not a valid URL"))?;
                Some(Webhook {
                    path: webhook::route_path(&url)?,
                    url,
                    secret: secret.clone(),
                })
            }
        };
        Ok(TelegramChannel {
            client: Client::new(&config.token, api_url)?,
            webhook,
            lanes: Arc::default(),
            in_flight: Arc::default(),
            keyboards: ShownKeyboards::default(),
        })
    }

    /// Webhook mode's settings; `None` in long-polling mode.
    pub fn webhook(&self) -> Option<&Webhook> {
        self.webhook.as_ref()
    }

    /// Like `send`, for the address the rest of haven knows a Telegram person by (the chat id,
    /// as text).
    pub async fn send_to_address(
        &self,
        address: &str,
        replies: &[Reply],
    ) -> Result<(), TelegramError> {
        let chat_id = address
            .parse::<i64>()
            .map_err(|_| TelegramError::Rejected("not a Telegram chat id".into()))?;
        self.send(chat_id, replies).await
    }

    /// Sends replies to a chat outside a conversation turn (a counselor's answer, later):
    /// choices as buttons, long texts split. Stops at the first failure;
    /// [`TelegramError::Blocked`] means the person blocked the bot and their session should end.
    pub async fn send(&self, chat_id: i64, replies: &[Reply]) -> Result<(), TelegramError> {
        let messages = render::render(replies, &render::Keyboards::default());
        match self.send_outgoing(chat_id, &messages).await.error {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// Sends rendered messages in order, stopping at the first one that fails.
    pub async fn send_outgoing(&self, chat_id: i64, messages: &[Outgoing]) -> SendReport {
        let mut report = SendReport::default();
        for message in messages {
            match self.client.send_message(chat_id, message).await {
                Ok(()) => report.sent += 1,
                Err(e) => {
                    report.error = Some(e);
                    break;
                }
            }
        }
        report
    }

    /// Resolves when no update is being handled (for shutdown).
    pub async fn drained(&self) {
        self.in_flight.idle().await;
    }
}

impl Outlet for TelegramChannel {
    /// Sends the texts now; a person who blocked the bot is [`SendFailure::Unreachable`].
    fn send<'a>(
        &'a self,
        _who: &'a Pseudonym,
        address: &'a str,
        texts: &'a [String],
    ) -> Sending<'a> {
        Box::pin(async move {
            let replies: Vec<Reply> = texts.iter().map(Reply::text).collect();
            match self.send_to_address(address, &replies).await {
                Ok(()) => Ok(Sent::Delivered(replies.len() as u64)),
                Err(TelegramError::Blocked) => Err(SendFailure::Unreachable),
                Err(e) => Err(SendFailure::Refused(e.reason())),
            }
        })
    }
}

/// Describes the counters only Telegram uses, so `/metrics` lists them.
pub fn describe_metrics(metrics: &Metrics) {
    metrics.describe(
        "haven_telegram_ignored_total",
        "counter",
        "Telegram updates that needed no answer (group messages, unblocks...), by reason.",
    );
    metrics.describe(
        "haven_forged_total",
        "counter",
        "Webhook requests refused for a missing or wrong signature or secret, by channel.",
    );
    metrics.describe(
        "haven_malformed_total",
        "counter",
        "Webhook requests refused as malformed, by channel.",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(webhook: Option<(&str, &str)>) -> TelegramConfig {
        TelegramConfig {
            token: "123:abc".into(),
            api_url: "https://api.telegram.org".into(),
            webhook: webhook.map(|(u, s)| (u.into(), s.into())),
        }
    }

    #[test]
    fn secret_is_checked_exactly() {
        let tg = TelegramChannel::new(&config(Some((
            "https://bot.example.org/telegram/hook",
            "s3cret_-X",
        ))))
        .unwrap();
        let hook = tg.webhook().unwrap();
        assert_eq!(hook.path, "/telegram/hook");
        assert!(hook.secret_matches(Some(b"s3cret_-X")));
        assert!(!hook.secret_matches(Some(b"s3cret_-x")));
        assert!(!hook.secret_matches(Some(b"s3cret_-X ")));
        assert!(!hook.secret_matches(Some(b"")));
        assert!(!hook.secret_matches(None));
    }

    #[test]
    fn polling_by_default() {
        assert!(
            TelegramChannel::new(&config(None))
                .unwrap()
                .webhook()
                .is_none()
        );
    }

    #[test]
    fn bad_webhook_paths_stop_startup() {
        let e = TelegramChannel::new(&config(Some(("https://bot.example.org/healthz", "s"))))
            .err()
            .unwrap();
        assert_eq!(e.variable(), "HAVEN_TELEGRAM_WEBHOOK_URL");
    }
}
