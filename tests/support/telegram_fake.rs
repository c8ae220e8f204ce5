//! A stand-in for the Telegram Bot API on 127.0.0.1, for tests of the Telegram channel.
//!
//! It speaks the real wire format: `POST /bot{token}/{method}` with the method name in any case
//! (teloxide sends `GetUpdates`, `SendMessage`...), parameters as JSON, a urlencoded or
//! multipart form (teloxide sends `setWebhook` as multipart) or a query string, and answers `{"ok":true,"result":...}` with complete shapes, or
//! `{"ok":false,"error_code":...,"description":...}` as Telegram does. Tests queue updates with
//! [`FakeTelegram::push`]; `getUpdates` serves them long-poll style, honouring `offset` (an
//! offset confirms, and drops, every earlier update) and `timeout`. Every call is recorded with
//! its parameters, and the next `sendMessage`s can be scripted to fail as they do when a
//! person has blocked the bot. `sendVenue` takes the real parameters (`latitude`, `longitude`,
//! `title`, `address`) and answers a message with a `venue`; `entities` on `sendMessage` are
//! checked as Telegram checks them (known type, in UTF-16 units, inside the text), and can be
//! refused altogether with [`FakeTelegram::refuse_entities`].

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const TOKEN: &str = "123456789:AAtest-token_for-haven";
pub const BOT_ID: i64 = 123_456_789;

/// One call to the stand-in.
#[derive(Debug, Clone)]
pub struct Call {
    /// The method name in lower case (`sendmessage`, `getupdates`...).
    pub method: String,
    /// The parameters, from JSON, a form or the query string.
    pub params: Value,
    /// Whether it was answered `"ok": true`.
    pub ok: bool,
}

/// A scripted answer to the next `sendMessage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendAnswer {
    Ok,
    /// 403 "Forbidden: bot was blocked by the user".
    Blocked,
}

struct Inner {
    token: String,
    /// Updates not yet confirmed by an offset, oldest first.
    updates: Mutex<Vec<Value>>,
    arrived: Notify,
    next_update_id: AtomicI64,
    next_message_id: AtomicI64,
    calls: Mutex<Vec<Call>>,
    send_script: Mutex<VecDeque<SendAnswer>>,
    /// The webhook set with `setWebhook`: (url, secret_token).
    webhook: Mutex<Option<(String, Option<String>)>>,
    /// Answer any `sendMessage` with `entities` with 400, as a Bot API refusing them would.
    refuse_entities: AtomicBool,
}

/// The running stand-in. Dropping it stops the server.
pub struct FakeTelegram {
    /// The API base URL to configure (`HAVEN_TELEGRAM_API_URL`).
    pub url: String,
    inner: Arc<Inner>,
    server: tokio::task::JoinHandle<()>,
}

impl FakeTelegram {
    pub async fn start() -> FakeTelegram {
        let inner = Arc::new(Inner {
            token: TOKEN.to_owned(),
            updates: Mutex::new(Vec::new()),
            arrived: Notify::new(),
            next_update_id: AtomicI64::new(100),
            next_message_id: AtomicI64::new(1),
            calls: Mutex::new(Vec::new()),
            send_script: Mutex::new(VecDeque::new()),
            webhook: Mutex::new(None),
            refuse_entities: AtomicBool::new(false),
        });
        let app = Router::new()
            .route("/{bot}/{method}", any(method))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the Telegram stand-in");
        let addr = listener.local_addr().expect("stand-in address");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeTelegram {
            url: format!("http://{addr}"),
            inner,
            server,
        }
    }

    /// Queues an update (given without `update_id`) for `getUpdates`; returns its id.
    pub fn push(&self, mut update: Value) -> i64 {
        let id = self.inner.next_update_id.fetch_add(1, Ordering::SeqCst);
        update["update_id"] = json!(id);
        self.push_raw(update);
        id
    }

    /// Queues an update as given, `update_id` included (to deliver the same id twice).
    pub fn push_raw(&self, update: Value) {
        lock(&self.inner.updates).push(update);
        self.inner.arrived.notify_waiters();
    }

    /// Answers the next `sendMessage`s as scripted; after the script, they succeed.
    pub fn script_sends(&self, answers: impl IntoIterator<Item = SendAnswer>) {
        lock(&self.inner.send_script).extend(answers);
    }

    /// From now on, refuse every `sendMessage` that marks entities (400 "can't parse
    /// entities"), to test that haven then sends the text unmarked.
    pub fn refuse_entities(&self) {
        self.inner.refuse_entities.store(true, Ordering::SeqCst);
    }

    /// The parameters of every accepted `sendVenue`, in order.
    pub fn venues(&self) -> Vec<Value> {
        self.calls_of("sendvenue")
            .into_iter()
            .filter(|c| c.ok)
            .map(|c| c.params)
            .collect()
    }

    /// Every call so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.inner.calls).clone()
    }

    /// The calls of one method (lower case).
    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }

    /// The parameters of every accepted `sendMessage`, in order.
    pub fn sent(&self) -> Vec<Value> {
        self.calls_of("sendmessage")
            .into_iter()
            .filter(|c| c.ok)
            .map(|c| c.params)
            .collect()
    }

    /// Waits until `n` calls of `method` were made (any answer), or `timeout` passes.
    pub async fn wait_for_calls(&self, method: &str, n: usize, timeout: Duration) -> Vec<Call> {
        let deadline = Instant::now() + timeout;
        loop {
            let calls = self.calls_of(method);
            if calls.len() >= n || Instant::now() >= deadline {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until `n` messages were accepted, or `timeout` passes; returns what was sent.
    pub async fn wait_for_sent(&self, n: usize, timeout: Duration) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let sent = self.sent();
            if sent.len() >= n || Instant::now() >= deadline {
                return sent;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until the accepted `sendMessage`s satisfy `done`, or fails the test naming `what`.
    pub async fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let sent = self.sent();
            if done(&sent) {
                return sent;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {sent:#?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The webhook set with `setWebhook`: (url, secret_token).
    pub fn webhook(&self) -> Option<(String, Option<String>)> {
        lock(&self.inner.webhook).clone()
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A person in a private chat with the bot: the chat id is the user id, as on Telegram.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub id: i64,
    pub first_name: &'static str,
}

impl Person {
    fn user(&self) -> Value {
        json!({"id": self.id, "is_bot": false, "first_name": self.first_name, "language_code": "en"})
    }

    fn chat(&self) -> Value {
        json!({"id": self.id, "type": "private", "first_name": self.first_name})
    }

    fn message(&self, fields: Value) -> Value {
        let mut message = json!({
            "message_id": 1000 + (self.id % 1000),
            "date": 1_764_000_000,
            "from": self.user(),
            "chat": self.chat(),
        });
        if let (Some(m), Some(f)) = (message.as_object_mut(), fields.as_object()) {
            m.extend(f.clone());
        }
        json!({"message": message})
    }

    /// A text message (commands like `/start` come with a `bot_command` entity).
    pub fn text(&self, text: &str) -> Value {
        let mut fields = json!({"text": text});
        if text.starts_with('/') {
            let len = text
                .split_whitespace()
                .next()
                .unwrap_or(text)
                .chars()
                .count();
            fields["entities"] = json!([{"type": "bot_command", "offset": 0, "length": len}]);
        }
        self.message(fields)
    }

    /// A shared location pin.
    pub fn location(&self, latitude: f64, longitude: f64) -> Value {
        self.message(json!({"location": {"latitude": latitude, "longitude": longitude}}))
    }

    /// A sticker.
    pub fn sticker(&self) -> Value {
        self.message(json!({"sticker": {
            "file_id": "CAACAgIAAxkBAAEB", "file_unique_id": "AgADAQAD", "type": "regular",
            "width": 512, "height": 512, "is_animated": false, "is_video": false, "emoji": "👍"
        }}))
    }

    /// A press on inline button `data` under one of the bot's messages.
    pub fn press(&self, query_id: &str, data: &str) -> Value {
        json!({"callback_query": {
            "id": query_id,
            "from": self.user(),
            "chat_instance": "-58294010001",
            "data": data,
            "message": {
                "message_id": 77,
                "date": 1_764_000_000,
                "from": bot_user(),
                "chat": self.chat(),
                "text": "Pick one",
            },
        }})
    }

    /// The person blocks the bot (`my_chat_member`, new status `kicked`).
    pub fn blocks_the_bot(&self) -> Value {
        json!({"my_chat_member": {
            "chat": self.chat(),
            "from": self.user(),
            "date": 1_764_000_100,
            "old_chat_member": {"user": bot_user(), "status": "member"},
            "new_chat_member": {"user": bot_user(), "status": "kicked", "until_date": 0},
        }})
    }

    /// The same person writing in a group the bot is in.
    pub fn in_group(&self, text: &str) -> Value {
        json!({"message": {
            "message_id": 5,
            "date": 1_764_000_000,
            "from": self.user(),
            "chat": {"id": -1_001_234_567_890_i64, "type": "supergroup", "title": "Friends"},
            "text": text,
        }})
    }
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "haven", "username": "haven_test_bot"})
}

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn ok(result: Value) -> Response {
    axum::Json(json!({"ok": true, "result": result})).into_response()
}

fn error(status: u16, description: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        code,
        axum::Json(json!({"ok": false, "error_code": status, "description": description})),
    )
        .into_response()
}

/// The request's parameters as JSON, from a JSON body, a form body or the query string. Form
/// values that are JSON (Telegram accepts `reply_markup` that way) are parsed.
fn params(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Option<Value> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let pairs = |raw: &[u8]| {
        Value::Object(
            form_urlencoded::parse(raw)
                .into_owned()
                .map(|(k, v)| (k, form_value(v)))
                .collect(),
        )
    };
    if content_type.starts_with("application/json") {
        serde_json::from_slice(body).ok()
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        Some(pairs(body))
    } else if content_type.starts_with("multipart/form-data") {
        let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
        multipart(body, boundary)
    } else if body.is_empty() {
        Some(pairs(query.unwrap_or("").as_bytes()))
    } else {
        None
    }
}

/// A form value: JSON when it parses as JSON (numbers, arrays, objects), else the string.
fn form_value(v: String) -> Value {
    serde_json::from_str(&v).unwrap_or(Value::String(v))
}

/// The text fields of a `multipart/form-data` body (files are not used by haven).
fn multipart(body: &[u8], boundary: &str) -> Option<Value> {
    let body = std::str::from_utf8(body).ok()?;
    let delimiter = format!("--{boundary}");
    let mut fields = serde_json::Map::new();
    for part in body.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let (head, value) = part.split_once("\r\n\r\n")?;
        let name = head.split("name=\"").nth(1)?.split('"').next()?.to_owned();
        let value = value.strip_suffix("\r\n").unwrap_or(value).to_owned();
        fields.insert(name, form_value(value));
    }
    Some(Value::Object(fields))
}

async fn method(
    State(inner): State<Arc<Inner>>,
    Path((bot, method)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if bot.strip_prefix("bot") != Some(inner.token.as_str()) {
        return error(401, "Unauthorized");
    }
    let method = method.to_ascii_lowercase();
    let Some(params) = params(&headers, query.as_deref(), &body) else {
        return error(400, "Bad Request: unsupported content type");
    };
    let mut params = params;
    let response = answer(&inner, &method, &mut params).await;
    let accepted = response.status() == StatusCode::OK;
    lock(&inner.calls).push(Call {
        method,
        params,
        ok: accepted,
    });
    response
}

async fn answer(inner: &Inner, method: &str, params: &mut Value) -> Response {
    match method {
        "getme" => ok(json!({
            "id": BOT_ID,
            "is_bot": true,
            "first_name": "haven",
            "username": "haven_test_bot",
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false,
        })),
        "getwebhookinfo" => {
            let webhook = lock(&inner.webhook).clone();
            let pending = lock(&inner.updates).len();
            ok(json!({
                "url": webhook.map(|(u, _)| u).unwrap_or_default(),
                "has_custom_certificate": false,
                "pending_update_count": pending,
            }))
        }
        "setwebhook" => {
            let Some(url) = params["url"].as_str().filter(|u| !u.is_empty()) else {
                return error(400, "Bad Request: bad webhook: URL must not be empty");
            };
            let secret = params["secret_token"].as_str().map(str::to_owned);
            *lock(&inner.webhook) = Some((url.to_owned(), secret));
            ok(json!(true))
        }
        "deletewebhook" => {
            *lock(&inner.webhook) = None;
            ok(json!(true))
        }
        "getupdates" => get_updates(inner, params).await,
        "sendmessage" => send_message(inner, params),
        "sendvenue" => send_venue(inner, params),
        "answercallbackquery" => {
            if params["callback_query_id"].as_str().is_none() {
                return error(400, "Bad Request: query is too old or query ID is invalid");
            }
            ok(json!(true))
        }
        _ => error(404, "Not Found: method not found"),
    }
}

async fn get_updates(inner: &Inner, params: &Value) -> Response {
    if lock(&inner.webhook).is_some() {
        return error(
            409,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        );
    }
    let offset = params["offset"].as_i64();
    let limit = params["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    // Telegram caps the long poll at 50 s; the stand-in at 30 s is plenty for tests.
    let timeout = Duration::from_secs(params["timeout"].as_u64().unwrap_or(0).min(30));
    let deadline = Instant::now() + timeout;
    loop {
        let arrived = inner.arrived.notified();
        tokio::pin!(arrived);
        arrived.as_mut().enable();
        {
            let mut updates = lock(&inner.updates);
            if let Some(offset) = offset {
                // An offset confirms every update before it: Telegram forgets them.
                updates.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            }
            if !updates.is_empty() {
                let batch: Vec<Value> = updates.iter().take(limit).cloned().collect();
                return ok(Value::Array(batch));
            }
        }
        let now = Instant::now();
        if now >= deadline {
            return ok(json!([]));
        }
        let _ = tokio::time::timeout(deadline - now, arrived).await;
    }
}

/// The `MessageEntity` types the Bot API documents.
const ENTITY_TYPES: &[&str] = &[
    "mention",
    "hashtag",
    "cashtag",
    "bot_command",
    "url",
    "email",
    "phone_number",
    "bold",
    "italic",
    "underline",
    "strikethrough",
    "spoiler",
    "blockquote",
    "expandable_blockquote",
    "code",
    "pre",
    "text_link",
    "text_mention",
    "custom_emoji",
];

/// `sendVenue`: a pin with a title and an address, answered as Telegram answers it (a message
/// with `venue` and `location`).
fn send_venue(inner: &Inner, params: &mut Value) -> Response {
    let Some(chat_id) = params["chat_id"].as_i64() else {
        return error(400, "Bad Request: chat not found");
    };
    let (Some(latitude), Some(longitude)) =
        (params["latitude"].as_f64(), params["longitude"].as_f64())
    else {
        return error(400, "Bad Request: wrong latitude or longitude");
    };
    if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
        return error(400, "Bad Request: wrong latitude or longitude");
    }
    let title = params["title"].as_str().unwrap_or("").to_owned();
    let address = params["address"].as_str().unwrap_or("").to_owned();
    if title.trim().is_empty() {
        return error(400, "Bad Request: venue title is empty");
    }
    if address.trim().is_empty() {
        return error(400, "Bad Request: venue address is empty");
    }
    let message_id = inner.next_message_id.fetch_add(1, Ordering::SeqCst);
    params["_message_id"] = json!(message_id);
    let location = json!({"latitude": latitude, "longitude": longitude});
    let mut message = json!({
        "message_id": message_id,
        "date": 1_764_000_000,
        "from": bot_user(),
        "chat": {"id": chat_id, "type": "private", "first_name": "someone"},
        "venue": {"location": location, "title": title, "address": address},
        "location": location,
    });
    if let Some(markup) = params
        .get("reply_markup")
        .filter(|m| m.get("inline_keyboard").is_some())
    {
        message["reply_markup"] = markup.clone();
    }
    ok(message)
}

fn send_message(inner: &Inner, params: &mut Value) -> Response {
    let Some(chat_id) = params["chat_id"].as_i64() else {
        return error(400, "Bad Request: chat not found");
    };
    let text = params["text"].as_str().unwrap_or("").to_owned();
    if text.trim().is_empty() {
        return error(400, "Bad Request: message text is empty");
    }
    let units = text.encode_utf16().count();
    if units > 4096 {
        return error(400, "Bad Request: message is too long");
    }
    if let Some(entities) = params.get("entities") {
        if inner.refuse_entities.load(Ordering::SeqCst) {
            return error(400, "Bad Request: can't parse entities: unsupported entity");
        }
        let Some(list) = entities.as_array() else {
            return error(400, "Bad Request: can't parse entities: not an array");
        };
        for e in list {
            let (Some(kind), Some(offset), Some(length)) = (
                e["type"].as_str(),
                e["offset"].as_u64(),
                e["length"].as_u64(),
            ) else {
                return error(400, "Bad Request: can't parse entities: bad entity");
            };
            if !ENTITY_TYPES.contains(&kind) {
                return error(
                    400,
                    "Bad Request: can't parse entities: unknown entity type",
                );
            }
            if length == 0 || (offset + length) as usize > units {
                return error(
                    400,
                    "Bad Request: can't parse entities: entity is beyond the end of the text",
                );
            }
        }
    }
    let answer = lock(&inner.send_script)
        .pop_front()
        .unwrap_or(SendAnswer::Ok);
    if answer == SendAnswer::Blocked {
        return error(403, "Forbidden: bot was blocked by the user");
    }
    let message_id = inner.next_message_id.fetch_add(1, Ordering::SeqCst);
    // Recorded with the call, so tests can reply to a message haven sent.
    params["_message_id"] = json!(message_id);
    let mut message = json!({
        "message_id": message_id,
        "date": 1_764_000_000,
        "from": bot_user(),
        "chat": {"id": chat_id, "type": "private", "first_name": "someone"},
        "text": text,
    });
    if let Some(markup) = params
        .get("reply_markup")
        .filter(|m| m.get("inline_keyboard").is_some())
    {
        message["reply_markup"] = markup.clone();
    }
    ok(message)
}
