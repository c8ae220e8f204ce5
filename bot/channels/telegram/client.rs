//! The calls haven makes to the Telegram Bot API, through teloxide's `Bot` (rustls, no
//! OpenSSL), and the typed errors they end in.
//!
//! teloxide is used as transport only: its `Bot` builds the requests and parses the answers,
//! while polling, the webhook route and retries are haven's own (dependencies.md §2 lists what
//! its webhook gets wrong). Its errors are not passed on as they are: a network error's text
//! holds the request URL, which holds the bot token, and a JSON error's text holds the raw
//! answer, which for `getUpdates` holds people's messages. [`TelegramError`] keeps only what
//! is safe to log.

use std::time::Duration;

use teloxide::payloads::{
    AnswerCallbackQuerySetters, DeleteWebhookSetters, GetUpdatesSetters, SendMessageSetters,
    SendVenueSetters, SetWebhookSetters,
};
use teloxide::requests::{Request, Requester};
use teloxide::types::{
    ButtonRequest, CallbackQueryId, ChatId, InlineKeyboardButton, InlineKeyboardMarkup,
    KeyboardButton, KeyboardMarkup, KeyboardRemove, Message, MessageEntity, MessageEntityKind,
    ReplyMarkup, Update,
};
use teloxide::{ApiError, Bot, RequestError};

use super::render::{Body, Markup, Outgoing, phone_entities};
use super::update::ALLOWED_UPDATES;
use crate::messaging::LEAVE_WORD;

/// How long one `sendMessage` (or other short call) may take, connection included.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(15);
/// How long Telegram holds a `getUpdates` open when there is nothing new.
pub const POLL_TIMEOUT_SECS: u32 = 25;
/// Tries per message before giving up, on network trouble or when Telegram asks us to wait.
const MAX_ATTEMPTS: u32 = 3;
/// The longest wait haven honours when Telegram says "retry after": a person in an emergency
/// should not wait minutes, and a longer ban means something else is wrong.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Why a call to Telegram failed. The text never holds the token, a chat id or a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TelegramError {
    /// The person blocked the bot or deleted their account: nothing can reach them.
    #[error("the person blocked the bot or deleted their account")]
    Blocked,
    /// Telegram refused the bot token (revoked, or mistyped).
    #[error("Telegram refused the bot token (HAVEN_TELEGRAM_TOKEN)")]
    Unauthorized,
    /// Telegram is rate limiting haven.
    #[error("Telegram asked haven to wait {0} s before sending again")]
    RateLimited(u32),
    /// Another program polls with the same token, or a webhook is set while polling.
    #[error("another program is using this bot token, or a webhook is set: {0}")]
    Conflict(String),
    /// Telegram rejected the request; the description is Telegram's own fixed wording.
    #[error("Telegram rejected the request: {0}")]
    Rejected(String),
    /// Connection refused, reset, DNS or TLS failure, or timeout.
    #[error("could not reach the Telegram Bot API{}", if *.timeout { " (timed out)" } else { "" })]
    Network { timeout: bool },
    /// An answer haven could not read.
    #[error("unexpected answer from the Telegram Bot API")]
    UnexpectedResponse,
}

impl TelegramError {
    /// A short label for `haven_sends_failed_total{reason=...}`.
    pub fn reason(&self) -> &'static str {
        match self {
            TelegramError::Blocked => "blocked",
            TelegramError::Unauthorized => "unauthorized",
            TelegramError::RateLimited(_) => "rate-limited",
            TelegramError::Conflict(_) => "conflict",
            TelegramError::Rejected(_) => "rejected",
            TelegramError::Network { .. } => "network",
            TelegramError::UnexpectedResponse => "unexpected-response",
        }
    }

    /// Whether the same call may succeed if tried again shortly.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            TelegramError::RateLimited(_) | TelegramError::Network { .. }
        )
    }
}

impl From<RequestError> for TelegramError {
    fn from(e: RequestError) -> TelegramError {
        match e {
            RequestError::Api(api) => match api {
                ApiError::BotBlocked | ApiError::UserDeactivated => TelegramError::Blocked,
                ApiError::InvalidToken => TelegramError::Unauthorized,
                ApiError::TerminatedByOtherGetUpdates | ApiError::CantGetUpdates => {
                    TelegramError::Conflict(api.to_string())
                }
                // Telegram's own descriptions are fixed wordings about the request, never the
                // message; cap the length anyway, as they end up in logs.
                other => TelegramError::Rejected(other.to_string().chars().take(120).collect()),
            },
            RequestError::RetryAfter(s) => TelegramError::RateLimited(s.seconds()),
            RequestError::MigrateToChatId(_) => {
                TelegramError::Rejected("the group became a supergroup".into())
            }
            RequestError::Network(e) => TelegramError::Network {
                timeout: e.is_timeout(),
            },
            RequestError::InvalidJson { .. } | RequestError::Io(_) => {
                TelegramError::UnexpectedResponse
            }
        }
    }
}

/// Why the Telegram channel could not be set up; the server adds the variable's name.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{0}")]
    ApiUrl(&'static str),
    #[error("{0}")]
    WebhookUrl(&'static str),
    #[error("could not set up the HTTP client")]
    Http,
}

impl SetupError {
    /// The configuration variable to fix.
    pub fn variable(&self) -> &'static str {
        match self {
            SetupError::ApiUrl(_) | SetupError::Http => "HAVEN_TELEGRAM_API_URL",
            SetupError::WebhookUrl(_) => "HAVEN_TELEGRAM_WEBHOOK_URL",
        }
    }
}

/// The Bot API base URL, checked: the token travels in every request path, so plain http is
/// allowed only to this machine (a local Bot API server, or a test stand-in).
pub fn api_base_url(configured: &str) -> Result<url::Url, SetupError> {
    let mut url =
        url::Url::parse(configured.trim()).map_err(|_| SetupError::ApiUrl("not a valid URL"))?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(SetupError::ApiUrl("not a valid URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(SetupError::ApiUrl("must not have a query or fragment"));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(SetupError::ApiUrl(
                "must use https (plain http only for localhost): the bot token is in every request",
            ));
        }
        _ => return Err(SetupError::ApiUrl("must be an https URL")),
    }
    // teloxide appends `/bot{token}/{method}`; a trailing slash would double the separator.
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty();
    }
    Ok(url)
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Two `Bot`s sharing the token: one for short calls, one whose HTTP timeout outlasts a long
/// poll (a single client would either cut polls short or let a stuck send hang for long).
#[derive(Clone)]
pub struct Client {
    bot: Bot,
    poller: Bot,
}

impl Client {
    pub fn new(token: &str, api_url: url::Url) -> Result<Client, SetupError> {
        let http = |timeout: Duration| {
            reqwest::Client::builder()
                .user_agent(concat!("haven/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(Duration::from_secs(5))
                .timeout(timeout)
                .tcp_nodelay(true)
                // The Bot API does not redirect; following one would carry the token elsewhere.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|_| SetupError::Http)
        };
        let poll_timeout = Duration::from_secs(u64::from(POLL_TIMEOUT_SECS) + 15);
        Ok(Client {
            bot: Bot::with_client(token, http(SEND_TIMEOUT)?).set_api_url(api_url.clone()),
            poller: Bot::with_client(token, http(poll_timeout)?).set_api_url(api_url),
        })
    }

    /// Sends one message (a text or a venue), retrying a few times on network trouble and when
    /// Telegram asks to wait. A retry after a timeout may deliver the text twice; for a
    /// harm-reduction bot a duplicate beats a lost reply.
    ///
    /// A text goes with its phone numbers marked as `phone_number` entities. Telegram also finds
    /// phone numbers itself, and the Bot API is not documented to refuse marked ones; should it
    /// refuse them all the same, the text is sent again unmarked, because the 911 reply must
    /// arrive.
    pub async fn send_message(
        &self,
        chat_id: i64,
        message: &Outgoing,
    ) -> Result<(), TelegramError> {
        let markup = reply_markup(&message.markup);
        match &message.body {
            Body::Text(text) => {
                let entities: Vec<MessageEntity> = phone_entities(text)
                    .into_iter()
                    .map(|e| MessageEntity::new(MessageEntityKind::PhoneNumber, e.offset, e.length))
                    .collect();
                let send = |entities: Vec<MessageEntity>| {
                    let markup = markup.clone();
                    self.send_with(chat_id, text, move |request| {
                        let request = match markup.clone() {
                            Some(m) => request.reply_markup(m),
                            None => request,
                        };
                        if entities.is_empty() {
                            request
                        } else {
                            request.entities(entities.clone())
                        }
                    })
                };
                match send(entities.clone()).await {
                    Err(TelegramError::Rejected(_)) if !entities.is_empty() => {
                        send(Vec::new()).await.map(|_| ())
                    }
                    other => other.map(|_| ()),
                }
            }
            Body::Venue(v) => self
                .with_retries(|| {
                    let request = self.bot.send_venue(
                        ChatId(chat_id),
                        v.lat,
                        v.lon,
                        v.title.clone(),
                        v.address.clone(),
                    );
                    match markup.clone() {
                        Some(m) => request.reply_markup(m),
                        None => request,
                    }
                    .send()
                })
                .await
                .map(|_| ()),
        }
    }

    /// Sends a plain text (to the counselor chat), optionally as a reply to one of its messages,
    /// and returns the new message's id so replies to it can be matched to a ticket.
    pub async fn send_text(
        &self,
        chat_id: i64,
        text: &str,
        reply_to: Option<i32>,
    ) -> Result<i32, TelegramError> {
        self.send_with(chat_id, text, |request| match reply_to {
            Some(id) => request.reply_parameters(
                teloxide::types::ReplyParameters::new(teloxide::types::MessageId(id))
                    .allow_sending_without_reply(),
            ),
            None => request,
        })
        .await
    }

    /// `sendMessage` with the retries described on `send_message`; `shape` adds keyboards,
    /// entities or a reply-to. Returns the sent message's id.
    async fn send_with(
        &self,
        chat_id: i64,
        text: &str,
        shape: impl Fn(
            teloxide::requests::JsonRequest<teloxide::payloads::SendMessage>,
        ) -> teloxide::requests::JsonRequest<teloxide::payloads::SendMessage>,
    ) -> Result<i32, TelegramError> {
        self.with_retries(|| shape(self.bot.send_message(ChatId(chat_id), text.to_owned())).send())
            .await
    }

    /// Runs a sending call, trying again on network trouble and when Telegram asks to wait
    /// (up to [`MAX_ATTEMPTS`] tries); returns the sent message's id.
    async fn with_retries<F>(&self, call: impl Fn() -> F) -> Result<i32, TelegramError>
    where
        F: std::future::Future<Output = Result<Message, RequestError>>,
    {
        let mut attempt = 1;
        loop {
            let error = match call().await {
                Ok(m) => return Ok(m.id.0),
                Err(e) => TelegramError::from(e),
            };
            if !error.is_retryable() || attempt >= MAX_ATTEMPTS {
                return Err(error);
            }
            let wait = match &error {
                TelegramError::RateLimited(secs) => {
                    Duration::from_secs(u64::from(*secs)).min(MAX_RETRY_AFTER)
                }
                _ => Duration::from_millis(500 * u64::from(attempt)),
            };
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Tells Telegram a button press was seen, so the button stops spinning.
    pub async fn answer_callback(&self, query_id: &str) -> Result<(), TelegramError> {
        self.bot
            .answer_callback_query(CallbackQueryId(query_id.to_owned()))
            .cache_time(0)
            .await
            .map(|_| ())
            .map_err(TelegramError::from)
    }

    /// One long poll for updates from `offset` on.
    pub async fn get_updates(&self, offset: Option<i32>) -> Result<Vec<Update>, TelegramError> {
        let mut request = self
            .poller
            .get_updates()
            .timeout(POLL_TIMEOUT_SECS)
            .allowed_updates(ALLOWED_UPDATES);
        if let Some(offset) = offset {
            request = request.offset(offset);
        }
        request.await.map_err(TelegramError::from)
    }

    /// Stops webhook delivery, which Telegram requires before `getUpdates` works. Updates
    /// waiting at Telegram are kept.
    pub async fn delete_webhook(&self) -> Result<(), TelegramError> {
        self.bot
            .delete_webhook()
            .drop_pending_updates(false)
            .await
            .map(|_| ())
            .map_err(TelegramError::from)
    }

    /// Asks Telegram to post updates to `url`, with `secret` in
    /// `X-Telegram-Bot-Api-Secret-Token`.
    pub async fn set_webhook(&self, url: &url::Url, secret: &str) -> Result<(), TelegramError> {
        self.bot
            .set_webhook(url.clone())
            .secret_token(secret)
            .allowed_updates(ALLOWED_UPDATES)
            .await
            .map(|_| ())
            .map_err(TelegramError::from)
    }
}

/// The teloxide form of a message's keyboard.
fn reply_markup(markup: &Markup) -> Option<ReplyMarkup> {
    match markup {
        Markup::None => None,
        Markup::Choices(labels) => Some(ReplyMarkup::InlineKeyboard(InlineKeyboardMarkup::new(
            labels
                .iter()
                .enumerate()
                .map(|(i, label)| [InlineKeyboardButton::callback(label, (i + 1).to_string())]),
        ))),
        Markup::ShareLocation(label) => Some(ReplyMarkup::Keyboard(
            KeyboardMarkup::new([[KeyboardButton::new(label).request(ButtonRequest::Location)]])
                .resize_keyboard()
                .one_time_keyboard(),
        )),
        Markup::RemoveKeyboard => Some(ReplyMarkup::KeyboardRemove(KeyboardRemove::new())),
        Markup::Leave(label) => Some(ReplyMarkup::InlineKeyboard(InlineKeyboardMarkup::new([[
            InlineKeyboardButton::callback(label, LEAVE_WORD),
        ]]))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert_eq!(
            api_base_url("https://api.telegram.org").unwrap().as_str(),
            "https://api.telegram.org/"
        );
        assert_eq!(
            api_base_url("http://127.0.0.1:8081/").unwrap().as_str(),
            "http://127.0.0.1:8081/"
        );
        assert_eq!(
            api_base_url("https://example.org/tg/").unwrap().as_str(),
            "https://example.org/tg"
        );
        for bad in [
            "api.telegram.org",
            "http://api.telegram.org",
            "ftp://x.org",
            "https://x.org/?a=1",
            "mailto:bot@x.org",
            "",
        ] {
            assert!(api_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keyboards_on_the_wire() {
        let json = |m: &Markup| serde_json::to_value(reply_markup(m)).unwrap();
        assert_eq!(
            json(&Markup::Choices(vec!["Yes".into(), "No".into()])),
            serde_json::json!({"inline_keyboard": [
                [{"text": "Yes", "callback_data": "1"}],
                [{"text": "No", "callback_data": "2"}]
            ]})
        );
        let share = json(&Markup::ShareLocation("Share".into()));
        assert_eq!(
            share["keyboard"],
            serde_json::json!([[{"text": "Share", "request_location": true}]])
        );
        assert_eq!(share["one_time_keyboard"], true);
        assert_eq!(
            json(&Markup::RemoveKeyboard),
            serde_json::json!({"remove_keyboard": true})
        );
        assert_eq!(
            json(&Markup::Leave("Back to the bot".into())),
            serde_json::json!({"inline_keyboard": [
                [{"text": "Back to the bot", "callback_data": "MENU"}]
            ]})
        );
        assert_eq!(json(&Markup::None), serde_json::Value::Null);
    }

    #[test]
    fn errors_are_classified_without_detail() {
        assert_eq!(
            TelegramError::from(RequestError::Api(ApiError::BotBlocked)),
            TelegramError::Blocked
        );
        assert_eq!(
            TelegramError::from(RequestError::Api(ApiError::InvalidToken)),
            TelegramError::Unauthorized
        );
        let raw = RequestError::InvalidJson {
            source: std::sync::Arc::new(serde_json::from_str::<u8>("x").unwrap_err()),
            raw: r#"{"text":"private words"}"#.into(),
        };
        let e = TelegramError::from(raw);
        assert_eq!(e, TelegramError::UnexpectedResponse);
        assert!(!e.to_string().contains("private"));
        assert!(TelegramError::Network { timeout: true }.is_retryable());
        assert!(!TelegramError::Blocked.is_retryable());
    }
}
