//! A stand-in for Twilio's REST API on 127.0.0.1, for tests that send SMS.
//!
//! It serves `POST /2010-04-01/Accounts/{sid}/Messages.json` the way Twilio does: HTTP basic auth
//! with the Account SID and Auth Token, a form with `To`, `From` or `MessagingServiceSid`, and
//! `Body`, a 201 with Twilio's message resource, and Twilio's error JSON
//! (`{code, message, more_info, status}`) otherwise. Tests script the next answers ("500, then
//! 201") with [`FakeTwilio::script`]; once the script runs out every valid request gets a 201.
//! Only messages answered with 201 count as sent.
//!
//! Idempotency: a request carrying an `Idempotency-Key` header (haven's outbox sends one per
//! queued text) is sent once. A later request with the same key gets the first answer again, is
//! not sent a second time, and is counted in [`FakeTwilio::replays`]. That is what "exactly
//! once" means at the stand-in: every key is sent at most once, however often haven tries.
//! (Twilio's real Messages API does not document the header; see `channels::sms::client`.)

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const AUTH_TOKEN: &str = "fake-auth-token-0123456789abcdef01";

/// One message the stand-in accepted (answered 201).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentSms {
    pub sid: String,
    pub to: String,
    pub from: Option<String>,
    pub messaging_service_sid: Option<String>,
    pub body: String,
    /// The `StatusCallback` URL haven asked Twilio to report this message's status to.
    pub status_callback: Option<String>,
    /// The request's `Idempotency-Key`, if it had one.
    pub idempotency_key: Option<String>,
}

/// A scripted answer to the next valid request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 201 with the message resource; the message counts as sent.
    Created,
    /// An error status with Twilio's error JSON; nothing is sent.
    Error {
        status: u16,
        code: u32,
        message: &'static str,
    },
    /// Wait, then answer 201 (to make the client time out).
    Delay(Duration),
}

impl Reply {
    pub fn server_error() -> Reply {
        Reply::Error {
            status: 500,
            code: 20500,
            message: "An internal server error has occurred",
        }
    }

    pub fn too_many_requests() -> Reply {
        Reply::Error {
            status: 429,
            code: 20429,
            message: "Too Many Requests",
        }
    }

    pub fn opted_out() -> Reply {
        Reply::Error {
            status: 400,
            code: 21610,
            message: "Attempt to send to unsubscribed recipient",
        }
    }

    pub fn invalid_to() -> Reply {
        Reply::Error {
            status: 400,
            code: 21211,
            message: "Invalid 'To' Phone Number",
        }
    }
}

struct Inner {
    account_sid: String,
    auth_token: String,
    script: Mutex<VecDeque<Reply>>,
    received: Arc<Mutex<Vec<SentSms>>>,
    requests: AtomicUsize,
    next_sid: AtomicUsize,
    /// The answer given to each idempotency key that was sent.
    sent_keys: Mutex<HashMap<String, serde_json::Value>>,
    replays: AtomicUsize,
}

/// The running stand-in. Dropping it stops the server.
pub struct FakeTwilio {
    /// The API base URL to configure (`HAVEN_TWILIO_API_URL`), e.g. `http://127.0.0.1:41234`.
    pub url: String,
    pub account_sid: String,
    pub auth_token: String,
    received: Arc<Mutex<Vec<SentSms>>>,
    inner: Arc<Inner>,
    server: tokio::task::JoinHandle<()>,
}

impl FakeTwilio {
    /// Starts a stand-in for [`ACCOUNT_SID`] / [`AUTH_TOKEN`] on a free loopback port.
    pub async fn start() -> FakeTwilio {
        let received = Arc::new(Mutex::new(Vec::new()));
        let inner = Arc::new(Inner {
            account_sid: ACCOUNT_SID.to_owned(),
            auth_token: AUTH_TOKEN.to_owned(),
            script: Mutex::new(VecDeque::new()),
            received: Arc::clone(&received),
            requests: AtomicUsize::new(0),
            next_sid: AtomicUsize::new(1),
            sent_keys: Mutex::new(HashMap::new()),
            replays: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/2010-04-01/Accounts/{sid}/Messages.json", post(messages))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the Twilio stand-in");
        let addr = listener.local_addr().expect("stand-in address");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeTwilio {
            url: format!("http://{addr}"),
            account_sid: ACCOUNT_SID.to_owned(),
            auth_token: AUTH_TOKEN.to_owned(),
            received,
            inner,
            server,
        }
    }

    /// Queues answers for the next valid requests, after any already queued.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        lock(&self.inner.script).extend(replies);
    }

    /// The messages answered with 201, in order.
    pub fn received(&self) -> Vec<SentSms> {
        lock(&self.received).clone()
    }

    /// Requests whose idempotency key was already sent: answered as the first time, not sent.
    pub fn replays(&self) -> usize {
        self.inner.replays.load(Ordering::SeqCst)
    }

    /// Every request that reached the Messages route, whatever the answer.
    pub fn requests(&self) -> usize {
        self.inner.requests.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` messages were sent, or `timeout` passes; returns what was sent.
    /// For tests where sending happens in the background (the outbox).
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<SentSms> {
        let deadline = Instant::now() + timeout;
        loop {
            let received = self.received();
            if received.len() >= n || Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for FakeTwilio {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

async fn messages(
    State(inner): State<Arc<Inner>>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    inner.requests.fetch_add(1, Ordering::SeqCst);

    if !authorized(&headers, &inner.account_sid, &inner.auth_token) {
        return error(401, 20003, "Authenticate");
    }
    if sid != inner.account_sid {
        return error(404, 20404, "The requested resource was not found");
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, "form expected").into_response();
    }

    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let Some(to) = field("To").filter(|t| !t.is_empty()) else {
        return error(400, 21604, "A 'To' phone number is required.");
    };
    let Some(text) = field("Body").filter(|b| !b.is_empty()) else {
        return error(400, 21602, "Message body is required.");
    };
    if text.encode_utf16().count() > 1600 {
        return error(
            400,
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
        );
    }
    let from = field("From");
    let messaging_service_sid = field("MessagingServiceSid");
    if from.is_none() && messaging_service_sid.is_none() {
        return error(400, 21603, "A 'From' phone number is required.");
    }

    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(k) = &key
        && let Some(first) = lock(&inner.sent_keys).get(k).cloned()
    {
        inner.replays.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::CREATED, axum::Json(first)).into_response();
    }
    let reply = lock(&inner.script).pop_front().unwrap_or(Reply::Created);
    match reply {
        Reply::Created => {}
        Reply::Delay(wait) => tokio::time::sleep(wait).await,
        Reply::Error {
            status,
            code,
            message,
        } => return error(status, code, message),
    }

    let n = inner.next_sid.fetch_add(1, Ordering::SeqCst);
    let message_sid = format!("SM{n:032x}");
    let status = if from.is_none() { "accepted" } else { "queued" };
    let resource = serde_json::json!({
        "account_sid": inner.account_sid,
        "api_version": "2010-04-01",
        "body": text,
        "date_created": "Tue, 24 Nov 2026 12:00:00 +0000",
        "date_sent": null,
        "date_updated": "Tue, 24 Nov 2026 12:00:00 +0000",
        "direction": "outbound-api",
        "error_code": null,
        "error_message": null,
        "from": from,
        "messaging_service_sid": messaging_service_sid,
        "num_media": "0",
        "num_segments": "1",
        "price": null,
        "price_unit": "USD",
        "sid": message_sid,
        "status": status,
        "subresource_uris": {
            "media": format!("/2010-04-01/Accounts/{}/Messages/{message_sid}/Media.json", inner.account_sid)
        },
        "to": to,
        "uri": format!("/2010-04-01/Accounts/{}/Messages/{message_sid}.json", inner.account_sid),
    });
    // The key is recorded with the message under one lock, so two attempts racing with the
    // same key cannot both be sent.
    let mut keys = lock(&inner.sent_keys);
    if let Some(k) = &key {
        if let Some(first) = keys.get(k).cloned() {
            inner.replays.fetch_add(1, Ordering::SeqCst);
            return (StatusCode::CREATED, axum::Json(first)).into_response();
        }
        keys.insert(k.clone(), resource.clone());
    }
    lock(&inner.received).push(SentSms {
        sid: message_sid,
        to,
        from,
        messaging_service_sid,
        body: text,
        status_callback: field("StatusCallback"),
        idempotency_key: key,
    });
    drop(keys);
    (StatusCode::CREATED, axum::Json(resource)).into_response()
}

fn authorized(headers: &HeaderMap, account_sid: &str, auth_token: &str) -> bool {
    let Some(credentials) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| STANDARD.decode(b64.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
    else {
        return false;
    };
    credentials == format!("{account_sid}:{auth_token}")
}

/// Twilio's error body, as its API sends it.
fn error(status: u16, code: u32, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status.as_u16(),
    });
    (status, axum::Json(body)).into_response()
}
