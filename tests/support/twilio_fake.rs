//! A stand-in for Twilio on 127.0.0.1: its REST API, for tests that send SMS and WhatsApp
//! messages, and its voice side ([`FakeCall`]), which calls haven's voice webhooks as Twilio does
//! and reads the TwiML answers as XML ([`parse_twiml`]).
//!
//! It serves `POST /2010-04-01/Accounts/{sid}/Messages.json` the way Twilio does: HTTP basic auth
//! with the Account SID and Auth Token, a form with `To`, `From` or `MessagingServiceSid`, and
//! `Body`, a 201 with Twilio's message resource, and Twilio's error JSON
//! (`{code, message, more_info, status}`) otherwise. Tests script the next answers ("500, then
//! 201") with [`FakeTwilio::script`]; once the script runs out every valid request gets a 201.
//! Only messages answered with 201 count as sent. WhatsApp messages are the same requests with
//! `whatsapp:` addresses; [`Reply::outside_window`] is Twilio's 63016.
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

impl Reply {
    /// Twilio's answer to a WhatsApp message outside the person's 24-hour window (Twilio may
    /// also report it later, in a status callback).
    pub fn outside_window() -> Reply {
        Reply::Error {
            status: 400,
            code: 63016,
            message: "Failed to send freeform message because you are outside the allowed window. If you want to send messages outside the allowed window please use a Template.",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Twilio's voice side: a caller's call (and a counselor's leg) played against haven's webhooks.
// ---------------------------------------------------------------------------------------------

/// One TwiML verb or noun as Twilio reads it: its name, attributes, text (entities resolved)
/// and children.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Verb {
    pub name: String,
    pub attrs: std::collections::BTreeMap<String, String>,
    pub text: String,
    pub children: Vec<Verb>,
}

impl Verb {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    /// This verb and everything under it, depth first.
    pub fn walk(&self) -> Vec<&Verb> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }

    /// All text under it (a `<Say>` with `<prosody>` inside included).
    pub fn all_text(&self) -> String {
        let mut s = self.text.clone();
        for c in &self.children {
            s.push_str(&c.all_text());
        }
        s
    }
}

/// Parses a TwiML document as Twilio would: well-formed XML, a `<Response>` root. Returns the
/// root; any problem is an `Err` naming it.
pub fn parse_twiml(xml: &str) -> Result<Verb, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Verb> = Vec::new();
    let mut root: Option<Verb> = None;
    let start = |e: &quick_xml::events::BytesStart| -> Result<Verb, String> {
        let qname = e.name();
        let name: &str = qname.as_ref();
        let mut v = Verb {
            name: name.to_owned(),
            ..Verb::default()
        };
        for a in e.attributes() {
            let a = a.map_err(|e| format!("attribute: {e}"))?;
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| format!("attribute value: {e}"))?;
            let key: &str = a.key.as_ref();
            v.attrs.insert(key.to_owned(), value.into_owned());
        }
        Ok(v)
    };
    loop {
        match reader.read_event().map_err(|e| format!("not XML: {e}"))? {
            Event::Decl(_) => {}
            Event::Start(e) => stack.push(start(&e)?),
            Event::Empty(e) => {
                let v = start(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(v),
                    None => root = Some(v),
                }
            }
            Event::Text(t) => {
                let text = t.xml10_content();
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err("text outside the root".into()),
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| format!("unknown entity &{};", &*r))?
                        .to_owned(),
                };
                stack
                    .last_mut()
                    .ok_or("entity outside the root")?
                    .text
                    .push_str(&c);
            }
            Event::End(_) => {
                let v = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(v),
                    None => root = Some(v),
                }
            }
            Event::Eof => break,
            other => return Err(format!("unexpected {other:?}")),
        }
    }
    if !stack.is_empty() {
        return Err("unclosed element".into());
    }
    let root = root.ok_or("empty document")?;
    if root.name != "Response" {
        return Err(format!("root is <{}>, not <Response>", root.name));
    }
    Ok(root)
}

/// Posts a form to one of haven's URLs, signed with `token` as Twilio signs it.
pub async fn post_signed(url: &str, pairs: &[(&str, &str)], token: &str) -> (u16, String) {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let sig = haven::channels::sms::signature::sign(token, url, body.as_bytes()).unwrap();
    let r = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", sig)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A call to haven's voice line, driven as Twilio drives one: the incoming-call webhook, then
/// whatever the last TwiML says — a `<Gather>`'s action with the keys pressed or the words
/// said, a `<Redirect>` on silence, a `<Dial>`'s action when the dial ends.
pub struct FakeCall {
    /// haven's base URL (`http://127.0.0.1:PORT`), where the number's webhook points.
    pub base: String,
    pub sid: String,
    /// The caller's number: Twilio sends it; haven must never keep it.
    pub from: String,
    /// haven's number, the one called.
    pub to: String,
    /// The TwiML of the last answer.
    pub doc: Verb,
    /// Every TwiML answer so far, raw.
    pub raw: Vec<String>,
}

impl FakeCall {
    /// The call comes in: Twilio posts to `/voice/twilio`.
    pub async fn dial_in(base: &str, sid: &str, from: &str, to: &str) -> FakeCall {
        let mut call = FakeCall {
            base: base.to_owned(),
            sid: sid.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            doc: Verb::default(),
            raw: Vec::new(),
        };
        let url = format!("{base}/voice/twilio");
        call.follow(&url, &[("CallStatus", "ringing")]).await;
        call
    }

    /// The fields Twilio sends with every request of this call.
    fn fields<'a>(&'a self, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut v = vec![
            ("CallSid", self.sid.as_str()),
            ("AccountSid", ACCOUNT_SID),
            ("From", self.from.as_str()),
            ("Caller", self.from.as_str()),
            ("To", self.to.as_str()),
            ("Called", self.to.as_str()),
            ("Direction", "inbound"),
            ("ApiVersion", "2010-04-01"),
        ];
        if !extra.iter().any(|(k, _)| *k == "CallStatus") {
            v.push(("CallStatus", "in-progress"));
        }
        v.extend_from_slice(extra);
        v
    }

    /// Posts to `url` as this call and takes the answer as the current document.
    pub async fn follow(&mut self, url: &str, extra: &[(&str, &str)]) -> &Verb {
        let (status, body) = post_signed(url, &self.fields(extra), AUTH_TOKEN).await;
        assert_eq!(status, 200, "{url}: {body}");
        self.doc = parse_twiml(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        self.raw.push(body);
        &self.doc
    }

    /// The current `<Gather>`.
    pub fn gather(&self) -> &Verb {
        self.doc
            .children
            .iter()
            .find(|v| v.name == "Gather")
            .unwrap_or_else(|| panic!("no <Gather> in {:?}", self.raw.last()))
    }

    /// Every `<Say>` of the current document, in order.
    pub fn says(&self) -> Vec<&Verb> {
        self.doc
            .walk()
            .into_iter()
            .filter(|v| v.name == "Say")
            .collect()
    }

    /// What the caller hears now, one line per `<Say>`.
    pub fn heard(&self) -> String {
        self.says()
            .iter()
            .map(|s| s.all_text())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The caller presses keys at the current `<Gather>`.
    pub async fn press(&mut self, digits: &str) -> &Verb {
        let action = self
            .gather()
            .attr("action")
            .expect("a gather action")
            .to_owned();
        self.follow(&action, &[("Digits", digits)]).await
    }

    /// The caller speaks at the current `<Gather>`.
    pub async fn say(&mut self, words: &str) -> &Verb {
        let action = self
            .gather()
            .attr("action")
            .expect("a gather action")
            .to_owned();
        self.follow(&action, &[("SpeechResult", words), ("Confidence", "0.87")])
            .await
    }

    /// The caller says nothing: Twilio goes on to the `<Redirect>` after the `<Gather>`.
    pub async fn silence(&mut self) -> &Verb {
        let url = self
            .doc
            .children
            .iter()
            .find(|v| v.name == "Redirect")
            .map(|v| v.text.clone())
            .unwrap_or_else(|| panic!("no <Redirect> in {:?}", self.raw.last()));
        self.follow(&url, &[]).await
    }

    /// The current `<Dial>`.
    pub fn dial(&self) -> &Verb {
        self.doc
            .children
            .iter()
            .find(|v| v.name == "Dial")
            .unwrap_or_else(|| panic!("no <Dial> in {:?}", self.raw.last()))
    }

    /// The dial ends with `status` (`completed`, `no-answer`, `busy`...): Twilio posts to its
    /// action.
    pub async fn dial_ended(&mut self, status: &str) -> &Verb {
        let action = self
            .dial()
            .attr("action")
            .expect("a dial action")
            .to_owned();
        self.follow(
            &action,
            &[
                ("DialCallStatus", status),
                ("DialCallSid", "CA00000000000000000000000000000dd"),
            ],
        )
        .await
    }

    /// The counselor's phone picks up: Twilio fetches the `<Number url>` as the counselor's
    /// leg. Returns that leg's TwiML.
    pub async fn counselor_picks_up(&self, leg_sid: &str) -> Verb {
        let number = self
            .dial()
            .children
            .iter()
            .find(|v| v.name == "Number")
            .expect("a <Number>");
        let url = number.attr("url").expect("a whisper url").to_owned();
        let pairs = [
            ("CallSid", leg_sid),
            ("ParentCallSid", self.sid.as_str()),
            ("AccountSid", ACCOUNT_SID),
            ("From", self.to.as_str()),
            ("To", number.text.as_str()),
            ("Direction", "outbound-dial"),
            ("CallStatus", "in-progress"),
        ];
        let (status, body) = post_signed(&url, &pairs, AUTH_TOKEN).await;
        assert_eq!(status, 200, "{body}");
        parse_twiml(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
    }

    /// The counselor presses `digits` at the whisper's `<Gather>`.
    pub async fn counselor_presses(&self, whisper: &Verb, leg_sid: &str, digits: &str) -> Verb {
        let action = whisper
            .children
            .iter()
            .find(|v| v.name == "Gather")
            .and_then(|g| g.attr("action"))
            .expect("a whisper gather")
            .to_owned();
        let pairs = [
            ("CallSid", leg_sid),
            ("ParentCallSid", self.sid.as_str()),
            ("AccountSid", ACCOUNT_SID),
            ("Digits", digits),
            ("Direction", "outbound-dial"),
            ("CallStatus", "in-progress"),
        ];
        let (status, body) = post_signed(&action, &pairs, AUTH_TOKEN).await;
        assert_eq!(status, 200, "{body}");
        parse_twiml(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
    }

    /// The call ends: Twilio posts the status callback.
    pub async fn hang_up(&self) -> u16 {
        let url = format!("{}/voice/twilio/status", self.base);
        let pairs = self.fields(&[("CallStatus", "completed"), ("CallDuration", "42")]);
        post_signed(&url, &pairs, AUTH_TOKEN).await.0
    }
}
