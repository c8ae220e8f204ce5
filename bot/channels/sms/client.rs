//! A small client for Twilio's REST API: sending one SMS.
//!
//! It posts `To`, `From` or `MessagingServiceSid`, and `Body` as a form to
//! `{base}/2010-04-01/Accounts/{sid}/Messages.json` with HTTP basic auth. The base URL comes from
//! configuration, so tests point it at a stand-in on 127.0.0.1 and operators can use a regional
//! host; the `twilio` crate hard-codes `https://api.twilio.com` (dependencies.md §1).
//!
//! The client sends once and classifies the outcome; retrying is the outbox's job, guided by
//! [`SendError::is_retryable`]. Retrying after a timeout can send a text twice, since Twilio has
//! no idempotency key for messages; for a harm-reduction bot a duplicate beats a lost reply.
//!
//! No error carries the recipient's number. Twilio's own error `message` often quotes it ("The
//! 'To' number +1… is not a valid phone number"), so that field is never read; the numeric code
//! and the `more_info` link carry the same information.

use std::fmt;
use std::time::Duration;

use super::inbound::{ERROR_CARRIER_OPT_OUT, MessageStatus, PhoneNumber, is_sid};

/// Twilio refuses message bodies over 1,600 characters. We count UTF-16 code units, which is
/// what SMS segmenting counts and never less than the number of characters, so a body that
/// passes here is within Twilio's limit however it counts an emoji.
pub const MAX_BODY_LEN: usize = 1600;

/// How long one send may take, connection included, unless [`TwilioClient::with_timeout`] says
/// otherwise. Long enough for a slow Twilio, short enough that the outbox moves on.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// What Twilio puts before a WhatsApp address (`whatsapp:+14155550123`).
pub const WHATSAPP_PREFIX: &str = "whatsapp:";

/// Twilio's codes for a `To` that is not a usable number.
const ERROR_INVALID_TO: u32 = 21211;
const ERROR_NOT_MOBILE: u32 = 21614;

/// Who a message is sent as: one of our numbers, or a Messaging Service that picks the number.
#[derive(Clone, PartialEq, Eq)]
pub enum Sender {
    From(String),
    MessagingService(String),
}

impl fmt::Debug for Sender {
    /// Our own number is not personal, but the rule is "no phone numbers in logs", full stop.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sender::From(_) => f.write_str("From(<redacted>)"),
            Sender::MessagingService(sid) => f.debug_tuple("MessagingService").field(sid).finish(),
        }
    }
}

/// A message Twilio accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The message sid, which status callbacks refer to.
    pub sid: String,
    /// Usually `queued`, or `accepted` through a Messaging Service.
    pub status: MessageStatus,
}

/// Why a [`TwilioClient`] could not be built. The server adds the variable's name.
#[derive(Debug, thiserror::Error)]
pub enum ClientConfigError {
    #[error("invalid Twilio API base URL")]
    BaseUrl,
    /// The Auth Token would travel in the clear.
    #[error("the Twilio API base URL must use https (plain http only for localhost)")]
    Insecure,
    #[error("invalid Twilio Account SID: expected AC followed by 32 hex digits")]
    AccountSid,
    #[error("empty Twilio Auth Token")]
    AuthToken,
    #[error("invalid Twilio Messaging Service SID: expected MG followed by 32 hex digits")]
    MessagingServiceSid,
    #[error("empty Twilio sender number")]
    From,
    #[error("could not set up the HTTP client")]
    Http(#[source] reqwest::Error),
}

/// Why a send failed. The Display never includes the recipient's number or the message text.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Refused before sending: Twilio rejects an empty body.
    #[error("message body is empty")]
    EmptyBody,
    /// Refused before sending: over [`MAX_BODY_LEN`]. Split it first.
    #[error("message body is {len} UTF-16 units long, over Twilio's limit of {MAX_BODY_LEN}")]
    BodyTooLong { len: usize },
    /// The person opted out at their carrier (Twilio error 21610): treat as STOP.
    #[error("recipient has opted out (Twilio error 21610)")]
    OptedOut,
    /// Not a number we can text: refused locally (`code: None`) or by Twilio (21211, 21614).
    #[error("invalid To number{}", code_suffix(*.code))]
    InvalidNumber { code: Option<u32> },
    /// 401/403: wrong Account SID or Auth Token. An operator must fix the configuration.
    #[error("Twilio refused our credentials (HTTP {status}{})", code_suffix(*.code))]
    Unauthorized { status: u16, code: Option<u32> },
    /// 429: slow down and retry.
    #[error("Twilio is rate limiting us (HTTP 429{})", code_suffix(*.code))]
    RateLimited {
        code: Option<u32>,
        /// From a `Retry-After` header in seconds, when Twilio sends one.
        retry_after: Option<Duration>,
    },
    /// 5xx (or 408): Twilio's trouble; retry.
    #[error("Twilio server error (HTTP {status}{})", code_suffix(*.code))]
    Server { status: u16, code: Option<u32> },
    /// Any other 4xx: Twilio will not send this one, retrying will not help.
    #[error("Twilio rejected the message (HTTP {status}{})", code_suffix(*.code))]
    Rejected {
        status: u16,
        code: Option<u32>,
        /// Twilio's documentation link for the code.
        more_info: Option<String>,
    },
    /// Connection refused, reset, DNS or TLS failure, or timeout: retry. The source has had its
    /// URL removed.
    #[error("could not reach Twilio{}", if .0.is_timeout() { " (timed out)" } else { "" })]
    Network(#[source] reqwest::Error),
    /// A status or body Twilio does not send. Not retried: after a 2xx the message may well have
    /// gone out, and sending again would duplicate it.
    #[error("unexpected response from Twilio (HTTP {status})")]
    UnexpectedResponse { status: u16 },
}

fn code_suffix(code: Option<u32>) -> String {
    code.map(|c| format!(", Twilio error {c}"))
        .unwrap_or_default()
}

impl SendError {
    /// Whether the same send may succeed later: rate limits, server errors and network trouble.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SendError::RateLimited { .. } | SendError::Server { .. } | SendError::Network(_)
        )
    }

    /// Twilio's error code, when Twilio gave one.
    pub fn twilio_code(&self) -> Option<u32> {
        match self {
            SendError::OptedOut => Some(ERROR_CARRIER_OPT_OUT),
            SendError::InvalidNumber { code }
            | SendError::Unauthorized { code, .. }
            | SendError::RateLimited { code, .. }
            | SendError::Server { code, .. }
            | SendError::Rejected { code, .. } => *code,
            _ => None,
        }
    }
}

/// Sends SMS through Twilio's REST API. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct TwilioClient {
    http: reqwest::Client,
    messages_url: url::Url,
    account_sid: String,
    auth_token: String,
    sender: Sender,
    timeout: Duration,
    /// Sent as `StatusCallback` with every message, so delivery failures come back. Each
    /// message's URL adds its send time (`?sent=<unix ms>`), which Twilio's signature then
    /// covers: a replayed callback cannot claim a later time (see `restarts`).
    status_callback: Option<String>,
}

impl fmt::Debug for TwilioClient {
    /// Leaves out the Auth Token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioClient")
            .field("messages_url", &self.messages_url.as_str())
            .field("sender", &self.sender)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl TwilioClient {
    /// `api_base_url` is `https://api.twilio.com` in production (or a regional host), a local
    /// stand-in in tests. The sids are checked here so that a swapped or truncated value stops
    /// startup instead of failing every send.
    pub fn new(
        api_base_url: &str,
        account_sid: &str,
        auth_token: &str,
        sender: Sender,
    ) -> Result<TwilioClient, ClientConfigError> {
        let account_sid = account_sid.trim();
        if !is_sid(account_sid, "AC") {
            return Err(ClientConfigError::AccountSid);
        }
        let auth_token = auth_token.trim();
        if auth_token.is_empty() {
            return Err(ClientConfigError::AuthToken);
        }
        let sender = match sender {
            Sender::From(number) => {
                let number = number.trim();
                if number.is_empty() {
                    return Err(ClientConfigError::From);
                }
                Sender::From(number.to_owned())
            }
            Sender::MessagingService(sid) => {
                let sid = sid.trim();
                if !is_sid(sid, "MG") {
                    return Err(ClientConfigError::MessagingServiceSid);
                }
                Sender::MessagingService(sid.to_owned())
            }
        };
        let messages_url = messages_url(api_base_url.trim(), account_sid)?;
        let http = reqwest::Client::builder()
            .user_agent(concat!("haven/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(DEFAULT_TIMEOUT)
            // Twilio's API does not redirect; following one would re-post the credentials.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ClientConfigError::Http(e.without_url()))?;
        Ok(TwilioClient {
            http,
            messages_url,
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
            sender,
            timeout: DEFAULT_TIMEOUT,
            status_callback: None,
        })
    }

    /// Asks Twilio to post delivery status for every message to `url`.
    pub fn with_status_callback(mut self, url: String) -> TwilioClient {
        self.status_callback = Some(url);
        self
    }

    /// Sets how long one send may take in all (connecting, sending, reading the answer).
    pub fn with_timeout(mut self, timeout: Duration) -> TwilioClient {
        self.timeout = timeout;
        self
    }

    /// The Account SID, for checking that a webhook's `AccountSid` is ours.
    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    /// Sends one SMS to `to` (E.164). Checks the number and the body length before anything
    /// leaves the machine.
    ///
    /// A client whose sender is a WhatsApp sender (`whatsapp:+1...`) sends to WhatsApp
    /// addresses (`whatsapp:` and an E.164 number) and to nothing else; an SMS client refuses
    /// them, so a text can never cross from one channel to the other.
    pub async fn send(&self, to: &str, body: &str) -> Result<Sent, SendError> {
        self.send_with_key(to, body, None).await
    }

    /// Sends one SMS with an `Idempotency-Key` header: the same key for every attempt at the
    /// same text, so an API that honours the header (the IETF httpapi draft; our Twilio
    /// stand-in) sends it once however often a crash or a timeout makes us try again. Twilio's
    /// Messages API does not document the header today and may send such a text twice.
    pub async fn send_keyed(&self, to: &str, body: &str, key: &str) -> Result<Sent, SendError> {
        self.send_with_key(to, body, Some(key)).await
    }

    async fn send_with_key(
        &self,
        to: &str,
        body: &str,
        key: Option<&str>,
    ) -> Result<Sent, SendError> {
        let whatsapp = matches!(&self.sender, Sender::From(f) if f.starts_with(WHATSAPP_PREFIX));
        let number = match (to.strip_prefix(WHATSAPP_PREFIX), whatsapp) {
            (Some(n), true) if n.starts_with('+') => n,
            (None, false) => to,
            _ => return Err(SendError::InvalidNumber { code: None }),
        };
        PhoneNumber::parse(number).ok_or(SendError::InvalidNumber { code: None })?;
        if body.is_empty() {
            return Err(SendError::EmptyBody);
        }
        let len = body.encode_utf16().count();
        if len > MAX_BODY_LEN {
            return Err(SendError::BodyTooLong { len });
        }
        let sender = match &self.sender {
            Sender::From(number) => ("From", number.as_str()),
            Sender::MessagingService(sid) => ("MessagingServiceSid", sid.as_str()),
        };
        let mut form = vec![("To", to), sender, ("Body", body)];
        let callback = self
            .status_callback
            .as_ref()
            .map(|cb| format!("{cb}?sent={}", super::outbox::now_ms()));
        if let Some(cb) = &callback {
            form.push(("StatusCallback", cb.as_str()));
        }
        let mut request = self
            .http
            .post(self.messages_url.clone())
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .timeout(self.timeout)
            .form(&form);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request
            .send()
            .await
            .map_err(|e| SendError::Network(e.without_url()))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        // A body that cannot be read is treated like one that cannot be parsed.
        let body = response.bytes().await.ok();
        classify(status, retry_after, body.as_deref())
    }
}

/// `{base}/2010-04-01/Accounts/{sid}/Messages.json`, keeping any path prefix of the base.
fn messages_url(base: &str, account_sid: &str) -> Result<url::Url, ClientConfigError> {
    let mut url = url::Url::parse(base).map_err(|_| ClientConfigError::BaseUrl)?;
    if url.query().is_some() || url.fragment().is_some() || url.host().is_none() {
        return Err(ClientConfigError::BaseUrl);
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err(ClientConfigError::Insecure),
        _ => return Err(ClientConfigError::BaseUrl),
    }
    url.path_segments_mut()
        .map_err(|()| ClientConfigError::BaseUrl)?
        .pop_if_empty()
        .extend(["2010-04-01", "Accounts", account_sid, "Messages.json"]);
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

/// The parts of Twilio's message resource we use (the 201 answer).
#[derive(serde::Deserialize)]
struct MessageResource {
    sid: String,
    status: MessageStatus,
}

/// Twilio's error body: `{code, message, more_info, status}`. `message` is deliberately not
/// read (it can quote the phone number).
#[derive(serde::Deserialize, Default)]
struct ErrorBody {
    code: Option<u32>,
    more_info: Option<String>,
}

/// Turns Twilio's answer into a result. Separate from the I/O so every branch is unit-tested.
fn classify(
    status: u16,
    retry_after: Option<Duration>,
    body: Option<&[u8]>,
) -> Result<Sent, SendError> {
    if (200..300).contains(&status) {
        // The message was accepted even if we cannot read the answer: never retry a 2xx.
        let resource = body
            .and_then(|b| serde_json::from_slice::<MessageResource>(b).ok())
            .ok_or(SendError::UnexpectedResponse { status })?;
        return Ok(Sent {
            sid: resource.sid,
            status: resource.status,
        });
    }
    let error: ErrorBody = body
        .and_then(|b| serde_json::from_slice(b).ok())
        .unwrap_or_default();
    let code = error.code;
    Err(match status {
        429 => SendError::RateLimited { code, retry_after },
        408 | 500..=599 => SendError::Server { status, code },
        401 | 403 => SendError::Unauthorized { status, code },
        400..=499 => match code {
            Some(ERROR_CARRIER_OPT_OUT) => SendError::OptedOut,
            Some(ERROR_INVALID_TO | ERROR_NOT_MOBILE) => SendError::InvalidNumber { code },
            _ => SendError::Rejected {
                status,
                code,
                more_info: error.more_info,
            },
        },
        _ => SendError::UnexpectedResponse { status },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const AC: &str = "AC1234567890abcdef1234567890abcdef"; // a fake SID for tests
    const MG: &str = "MG1234567890abcdef1234567890abcdef";

    fn client(base: &str) -> TwilioClient {
        TwilioClient::new(base, AC, "token", Sender::From("+18005551212".into())).unwrap()
    }

    fn err(status: u16, body: &str) -> SendError {
        classify(status, None, Some(body.as_bytes())).unwrap_err()
    }

    fn twilio_error(code: u32, status: u16) -> String {
        // Twilio's real error shape; the message quotes the number, as Twilio's does.
        format!(
            r#"{{"code": {code}, "message": "The 'To' number +14158675309 is not valid.", "more_info": "https://www.twilio.com/docs/errors/{code}", "status": {status}}}"#
        )
    }

    #[test]
    fn builds_the_messages_url() {
        let url = |base| client(base).messages_url.to_string();
        let expected = format!("https://api.twilio.com/2010-04-01/Accounts/{AC}/Messages.json");
        assert_eq!(url("https://api.twilio.com"), expected);
        assert_eq!(url("https://api.twilio.com/"), expected);
        assert_eq!(
            url("http://127.0.0.1:9/prefix/"),
            format!("http://127.0.0.1:9/prefix/2010-04-01/Accounts/{AC}/Messages.json")
        );
        assert!(url("http://localhost:9").starts_with("http://localhost:9/2010-04-01/"));
        assert!(url("http://[::1]:9").starts_with("http://[::1]:9/2010-04-01/"));
    }

    #[test]
    fn refuses_bad_configuration() {
        let from = || Sender::From("+18005551212".into());
        let new = |base: &str, sid: &str, token: &str, sender| {
            TwilioClient::new(base, sid, token, sender).unwrap_err()
        };
        let base = "https://api.twilio.com";
        assert!(matches!(
            new("api.twilio.com", AC, "t", from()),
            ClientConfigError::BaseUrl
        ));
        assert!(matches!(
            new("ftp://x.org", AC, "t", from()),
            ClientConfigError::BaseUrl
        ));
        assert!(matches!(
            new("https://x.org/?a=1", AC, "t", from()),
            ClientConfigError::BaseUrl
        ));
        assert!(matches!(
            new("http://api.twilio.com", AC, "t", from()),
            ClientConfigError::Insecure
        ));
        assert!(matches!(
            new(base, "AC123", "t", from()),
            ClientConfigError::AccountSid
        ));
        assert!(matches!(
            new(base, MG, "t", from()),
            ClientConfigError::AccountSid
        ));
        assert!(matches!(
            new(base, AC, " ", from()),
            ClientConfigError::AuthToken
        ));
        assert!(matches!(
            new(base, AC, "t", Sender::From(" ".into())),
            ClientConfigError::From
        ));
        assert!(matches!(
            new(base, AC, "t", Sender::MessagingService(AC.into())),
            ClientConfigError::MessagingServiceSid
        ));
        assert!(TwilioClient::new(base, AC, "t", Sender::MessagingService(MG.into())).is_ok());
    }

    #[test]
    fn debug_hides_the_token_and_our_number() {
        let debug = format!("{:?}", client("https://api.twilio.com"));
        assert!(!debug.contains("token"), "{debug}");
        assert!(!debug.contains("8005551212"), "{debug}");
    }

    #[tokio::test]
    async fn refuses_locally_before_sending() {
        // Port 9 (discard) on loopback: nothing should ever be sent there.
        let client = client("http://127.0.0.1:9");
        assert!(matches!(
            client.send("not a number", "hi").await,
            Err(SendError::InvalidNumber { code: None })
        ));
        assert!(matches!(
            client.send("+14158675309", "").await,
            Err(SendError::EmptyBody)
        ));
        let long = "a".repeat(MAX_BODY_LEN + 1);
        assert!(matches!(
            client.send("+14158675309", &long).await,
            Err(SendError::BodyTooLong { len: 1601 })
        ));
        // 800 emoji are 1,600 UTF-16 units (fits); 801 are not.
        let emoji = "💊".repeat(801);
        assert!(matches!(
            client.send("+14158675309", &emoji).await,
            Err(SendError::BodyTooLong { len: 1602 })
        ));
    }

    #[test]
    fn success_reads_sid_and_status() {
        let sent = classify(
            201,
            None,
            Some(br#"{"sid": "SMaaaa", "status": "queued", "to": "+14158675309", "num_segments": "1"}"#),
        )
        .unwrap();
        assert_eq!(sent.sid, "SMaaaa");
        assert_eq!(sent.status, MessageStatus::Queued);
        let sent = classify(201, None, Some(br#"{"sid": "SMb", "status": "accepted"}"#)).unwrap();
        assert_eq!(sent.status, MessageStatus::Accepted);
    }

    #[test]
    fn unreadable_success_is_not_retried() {
        for body in [None, Some(&b"<html>"[..]), Some(br#"{"status": "queued"}"#)] {
            let e = classify(201, None, body).unwrap_err();
            assert!(matches!(e, SendError::UnexpectedResponse { status: 201 }));
            assert!(!e.is_retryable());
        }
    }

    #[test]
    fn classifies_errors() {
        let e = err(400, &twilio_error(21610, 400));
        assert!(matches!(e, SendError::OptedOut));
        assert!(!e.is_retryable());
        assert_eq!(e.twilio_code(), Some(21610));

        for code in [21211, 21614] {
            let e = err(400, &twilio_error(code, 400));
            assert!(matches!(e, SendError::InvalidNumber { code: Some(c) } if c == code));
            assert!(!e.is_retryable());
        }

        let e = err(401, &twilio_error(20003, 401));
        assert!(matches!(
            e,
            SendError::Unauthorized {
                status: 401,
                code: Some(20003)
            }
        ));
        assert!(!e.is_retryable());

        let e = classify(
            429,
            Some(Duration::from_secs(3)),
            Some(twilio_error(20429, 429).as_bytes()),
        )
        .unwrap_err();
        assert!(matches!(
            e,
            SendError::RateLimited { code: Some(20429), retry_after: Some(d) } if d == Duration::from_secs(3)
        ));
        assert!(e.is_retryable());

        for status in [500, 502, 503, 504, 408] {
            let e = err(status, &twilio_error(20500, status));
            assert!(matches!(e, SendError::Server { .. }), "{status}");
            assert!(e.is_retryable());
        }
        // A 5xx from a proxy in front of Twilio has no JSON: still retryable, no code.
        let e = err(502, "<html>Bad Gateway</html>");
        assert!(matches!(
            e,
            SendError::Server {
                status: 502,
                code: None
            }
        ));

        let e = err(400, &twilio_error(21408, 400));
        match &e {
            SendError::Rejected {
                status: 400,
                code: Some(21408),
                more_info: Some(link),
            } => {
                assert_eq!(link, "https://www.twilio.com/docs/errors/21408")
            }
            other => panic!("{other:?}"),
        }
        assert!(!e.is_retryable());
        assert!(matches!(
            err(404, ""),
            SendError::Rejected {
                status: 404,
                code: None,
                ..
            }
        ));
        assert!(matches!(
            err(302, ""),
            SendError::UnexpectedResponse { status: 302 }
        ));
    }

    #[test]
    fn error_texts_never_carry_the_number() {
        let bodies = [21610, 21211, 21614, 20003, 20429, 20500, 21408];
        for status in [400, 401, 403, 404, 429, 500] {
            for code in bodies {
                let e = err(status, &twilio_error(code, status));
                let text = format!("{e} {e:?}");
                assert!(!text.contains("4158675309"), "{text}");
            }
        }
        assert_eq!(
            SendError::InvalidNumber { code: Some(21211) }.to_string(),
            "invalid To number, Twilio error 21211"
        );
        assert_eq!(
            SendError::InvalidNumber { code: None }.to_string(),
            "invalid To number"
        );
    }
}
