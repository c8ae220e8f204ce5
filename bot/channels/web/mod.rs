//! The web chat (the `web` channel): one small server-rendered page that works with JavaScript
//! off and updates live with it on.
//!
//! # Routes
//! - `GET /`: the chat page, in the visitor's language.
//! - `POST /chat`: a message (form fields `csrf`, `text` or `choice`, and the carried history
//!   `h`/`c`). A plain form post gets the page back, re-rendered; a `fetch` with
//!   `Accept: application/json` gets `{lang, csrf, ui, replies, note, error}`.
//! - `GET /chat/events`: server-sent events with texts pushed to this visitor later.
//! - `POST /chat/exit`: "Exit quickly": ends the session and leaves for a neutral site.
//! - `GET /chat/static/chat.js`, `GET /chat/static/chat.css`, `GET /embed.js`.
//!
//! # The visitor's address
//! A visitor is a random 128-bit session id held in a signed, HTTP-only, SameSite=Strict cookie
//! ([`session`]). That id is the web *address*: `deliver(state, Channel::Web, id, ..)` turns it
//! into the pseudonym HMAC(secret, "web:" + id) like any phone number. Nothing else about the
//! visitor is kept or read, except the Accept-Language header to choose the first page's
//! language.
//!
//! # Pushing to a visitor
//! [`WebChat::push`] (by address) or [`WebChat::push_to`] (by pseudonym) sends texts to the
//! visitor later, for instance a counselor's reply; see [`mailbox`].
//!
//! # Replies
//! A reply's text shows with its phone numbers (911, 988, hotlines, a place's number) as `tel:`
//! links, and a referral's places as cards with Call, Directions and Map links ([`render`]).
//! While a visitor waits for or talks with a counselor, a "Back to the bot" button sends the
//! leave word (`messaging::LEAVE_WORD`).
//!
//! # History
//! No message text is stored on the server (PRODUCT.md). With JavaScript on, the page's DOM holds
//! the conversation; without it, the page carries the last turns in hidden fields; see
//! [`history`].

pub mod assets;
pub mod handlers;
pub mod history;
pub mod mailbox;
pub mod page;
pub mod render;
pub mod session;

use axum::Router;
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;

use std::sync::Arc;

use crate::config::Config;
use crate::engine::Reply;
use crate::messaging::{BODY_LIMIT, Hub, Outlet, Sending, Sent};
use crate::store::{Keys, Pseudonym};
pub use mailbox::{Delivery, Mailboxes};
pub use session::{CookieState, SessionKeys, WebSession};

/// Where "Exit quickly" goes: an ordinary search that says nothing about the visitor.
pub const DEFAULT_EXIT_URL: &str = "https://www.google.com/search?q=weather";

/// The longest message a visitor may send, in characters. Longer ones are refused with a clear
/// note rather than cut: a cut message could change its meaning.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// The web chat's own texts, which every locale must have (`haven check` enforces it). The
/// list lives in `locales` because `Engine::load` runs those checks and the engine sits below
/// the channels.
pub use crate::locales::WEB_TEXTS as TEXTS;

/// What the web chat's handlers share: the message path and the web channel.
#[derive(Clone)]
pub struct WebState {
    pub hub: Arc<Hub>,
    pub web: Arc<WebChat>,
}

/// The web channel's run-time state, `state.web`.
#[derive(Debug)]
pub struct WebChat {
    pub sessions: SessionKeys,
    pub mailboxes: Mailboxes,
    pub exit_url: String,
}

impl WebChat {
    /// Cookies are Secure when the public URL is https; sessions last as long as the engine's.
    pub fn new(keys: &Keys, config: &Config) -> WebChat {
        let secure = config
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        WebChat {
            sessions: SessionKeys::new(keys, secure, config.session_ttl_secs),
            mailboxes: Mailboxes::new(keys.clone(), config.session_ttl_secs),
            exit_url: DEFAULT_EXIT_URL.to_owned(),
        }
    }

    /// Sends `replies` to the web visitor whose address (session id) is `address`: live to an
    /// open page, or kept in memory for the visitor's next page load.
    pub fn push(&self, address: &str, replies: &[Reply]) -> Delivery {
        self.mailboxes.push(address, replies)
    }

    /// Like [`WebChat::push`], for a visitor known by pseudonym.
    pub fn push_to(&self, who: &Pseudonym, replies: &[Reply]) -> Delivery {
        self.mailboxes.push_to(who, replies)
    }

    /// The address in a session cookie's value, if the cookie is ours and current (for tests
    /// and tools that hold a visitor's cookie, like a browser test).
    pub fn address_from_cookie(&self, value: &str) -> Option<String> {
        match self.sessions.decode(value, crate::runtime::now()) {
            CookieState::Valid(s) => Some(s.id),
            _ => None,
        }
    }
}

impl Outlet for WebChat {
    /// Pushes the texts to the visitor's page, or keeps them for their next page load.
    fn send<'a>(
        &'a self,
        _who: &'a Pseudonym,
        address: &'a str,
        texts: &'a [String],
    ) -> Sending<'a> {
        let replies: Vec<Reply> = texts.iter().map(Reply::text).collect();
        self.push(address, &replies);
        Box::pin(std::future::ready(Ok(
            Sent::Delivered(replies.len() as u64),
        )))
    }
}

/// The web chat's routes, merged by `server::app` after its body limit. Every route but the
/// message post gets that same limit here. The message post enforces it itself: a browser
/// that is still uploading when the server answers and closes sees a reset connection, not the
/// answer (Chromium then hangs or shows an error page), so a too long message is read to the
/// end (up to [`handlers::DRAIN_LIMIT`]), keeping only the first [`BODY_LIMIT`] bytes, and
/// answered with the chat page and a note.
pub fn routes(state: WebState) -> Router {
    Router::new()
        .route("/", get(handlers::page))
        .route("/chat/events", get(handlers::events))
        .route("/chat/exit", post(handlers::exit))
        .route("/chat/static/chat.js", get(assets::chat_js))
        .route("/chat/static/chat.css", get(assets::chat_css))
        .route("/embed.js", get(assets::embed_js))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .route("/chat", post(handlers::message).get(handlers::to_page))
        .with_state(state)
}
