//! Webhook mode: the route Telegram posts updates to, and `setWebhook` at startup.
//!
//! This is a small handler of our own rather than teloxide's `axum_to_router`, which compares
//! the secret in variable time, answers 200 to an update it cannot parse and queues updates
//! without bound (dependencies.md §2). Here a missing or wrong secret is a 403 and nothing else
//! happens; a body that is not an update is a 400 with the reason; the body size limit and the
//! timeout are the server's layers, like every other route.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use teloxide::types::{Update, UpdateKind};

use super::SetupError;
use super::TelegramState;
use super::handler::{Dispatched, dispatch};
use crate::messaging::AppError;

/// The header Telegram puts the webhook secret in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Every webhook path starts with this, so it can never collide with another route of the
/// server (axum refuses overlapping routes at startup).
pub const PATH_PREFIX: &str = "/telegram";

/// The server route for a webhook URL: its path, which must be `/telegram` or start with
/// `/telegram/`, in plain URL characters.
pub fn route_path(url: &url::Url) -> Result<String, SetupError> {
    let path = url.path();
    let under_prefix = path == PATH_PREFIX
        || path
            .strip_prefix(PATH_PREFIX)
            .is_some_and(|rest| rest.starts_with('/'));
    if !under_prefix {
        return Err(SetupError::WebhookUrl(
            "its path must be /telegram or start with /telegram/ (for example https://bot.example.org/telegram/webhook)",
        ));
    }
    let plain = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~'));
    if !plain || path.contains("//") {
        return Err(SetupError::WebhookUrl(
            "its path may only hold letters, digits and - _ . ~ between single slashes",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(SetupError::WebhookUrl("must not have a query or fragment"));
    }
    Ok(path.to_owned())
}

/// `POST {webhook path}`.
pub async fn inbound(
    AxumState(state): AxumState<TelegramState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let Some(hook) = state.tg.webhook() else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let secret = headers.get(SECRET_HEADER).map(|v| v.as_bytes());
    if !hook.secret_matches(secret) {
        state
            .hub
            .metrics
            .inc("haven_forged_total", &[("channel", "telegram")]);
        return Ok((StatusCode::FORBIDDEN, "forbidden\n").into_response());
    }
    let update = parse_update(&body).map_err(|reason| {
        state
            .hub
            .metrics
            .inc("haven_malformed_total", &[("channel", "telegram")]);
        AppError::BadRequest(StatusCode::BAD_REQUEST, reason)
    })?;
    match dispatch(&state, update)? {
        Dispatched::Duplicate | Dispatched::Ignored => {}
        // Wait for the engine (not the sends): if it fails, the 500 makes Telegram retry.
        Dispatched::Accepted(pending) => pending.handled().await?,
    }
    Ok(StatusCode::OK.into_response())
}

/// Reads an update the way teloxide's `getUpdates` does, keeping the raw JSON of a kind it
/// cannot parse. The error says what is wrong and where, never quoting the body (it may hold a
/// person's message).
pub fn parse_update(body: &[u8]) -> Result<Update, String> {
    let mut update: Update = serde_json::from_slice(body).map_err(|e| {
        use serde_json::error::Category;
        let what = match e.classify() {
            Category::Syntax => "not valid JSON",
            Category::Eof => "truncated JSON",
            Category::Data => "not a Telegram update (no numeric update_id)",
            Category::Io => "unreadable body",
        };
        format!(
            "malformed update: {what} (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    if let UpdateKind::Error(raw) = &mut update.kind {
        *raw = serde_json::from_slice(body).unwrap_or_default();
    }
    Ok(update)
}

/// Calls `setWebhook` until Telegram accepts it (the network may be down at boot), then waits
/// for the stop signal and for updates in flight.
pub async fn register(state: TelegramState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let tg = &state.tg;
    let Some(hook) = tg.webhook() else {
        return;
    };
    let mut wait = Duration::from_secs(1);
    while !*stop.borrow() {
        let result = tokio::select! {
            r = tg.client.set_webhook(&hook.url, &hook.secret) => r,
            _ = stop.changed() => break,
        };
        match result {
            Ok(()) => {
                tracing::info!("Telegram webhook set");
                // Nothing more to do until shutdown.
                let _ = stop.wait_for(|stopped| *stopped).await;
                break;
            }
            Err(e) => {
                tracing::error!(reason = e.reason(), error = %e, "setWebhook failed; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.changed() => break,
                }
                wait = (wait * 2).min(Duration::from_secs(60));
            }
        }
    }
    tg.drained().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(u: &str) -> Result<String, SetupError> {
        route_path(&url::Url::parse(u).unwrap())
    }

    #[test]
    fn webhook_paths() {
        assert_eq!(path("https://a.org/telegram").unwrap(), "/telegram");
        assert_eq!(
            path("https://a.org/telegram/hook-1_x.y~z").unwrap(),
            "/telegram/hook-1_x.y~z"
        );
        for bad in [
            "https://a.org/",
            "https://a.org/healthz",
            "https://a.org/telegramx",
            "https://a.org/sms/twilio",
            "https://a.org/telegram/{id}",
            "https://a.org/telegram/*rest",
            "https://a.org/telegram/a:b",
            "https://a.org/telegram//x",
            "https://a.org/telegram/%20",
            "https://a.org/telegram?x=1",
        ] {
            assert!(path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn malformed_updates_are_described_without_quoting_them() {
        let e = parse_update(b"{not json").unwrap_err();
        assert!(e.starts_with("malformed update: not valid JSON"), "{e}");
        let e = parse_update(br#"{"update_id":"my secret words"}"#).unwrap_err();
        assert!(e.contains("no numeric update_id"), "{e}");
        assert!(!e.contains("secret words"), "{e}");
        let e = parse_update(br#"{"message":{}}"#).unwrap_err();
        assert!(e.contains("no numeric update_id"), "{e}");
        assert!(parse_update(b"").is_err());
        let ok = parse_update(br#"{"update_id":5,"something_new":{"a":1}}"#).unwrap();
        assert!(matches!(ok.kind, UpdateKind::Error(ref v) if v["something_new"]["a"] == 1));
    }
}
