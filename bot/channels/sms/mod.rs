//! SMS over Twilio: webhook signatures, inbound forms, TwiML replies and the REST client.
//!
//! This is our own thin Twilio layer; none of the Twilio crates is used (dependencies.md §1: the
//! `twilio` crate does not escape TwiML, compares signatures in variable time, ignores the query
//! string and the configured URL when checking them, and cannot be pointed at another host).
//! It only speaks Twilio's wire formats; deciding what to answer is the engine's job, and
//! queueing and retrying sends is the outbox's.
//!
//! # A webhook, step by step
//! 1. Build the URL Twilio called from configuration, never from the Host header:
//!    [`PublicBaseUrl::signed_url`] with the request's path and raw query.
//! 2. [`signature::validate`] it with the Auth Token, the raw form body and the
//!    `X-Twilio-Signature` header. Any [`SignatureError`]: answer 403 and do nothing else.
//! 3. [`InboundSms::parse`] (or [`StatusCallback::parse`] on the status route). A [`FormError`]
//!    is a 400 whose body may be the error's text: it names the field, never the value.
//! 4. Answer with [`twiml::response`] (served as [`twiml::CONTENT_TYPE`]), or [`twiml::empty`]
//!    to send nothing, for instance for a repeated `MessageSid`.
//! 5. Later texts go through [`TwilioClient::send`]; [`SendError::is_retryable`] tells the
//!    outbox whether to try again, and [`SendError::OptedOut`] or
//!    [`StatusCallback::is_carrier_opt_out`] mean the person must be treated as having sent STOP.
//!
//! ```no_run
//! use haven::channels::sms::{InboundSms, PublicBaseUrl, signature, twiml};
//!
//! fn handle(token: &str, base: &PublicBaseUrl, path: &str, query: Option<&str>,
//!           header: Option<&str>, body: &[u8]) -> (u16, String) {
//!     let url = base.signed_url(path, query);
//!     if signature::validate(token, &url, body, header).is_err() {
//!         return (403, String::new());
//!     }
//!     match InboundSms::parse(body) {
//!         Ok(_sms) => (200, twiml::response(["Call 911 now. Give naloxone if you have it."])),
//!         Err(reason) => (400, reason.to_string()),
//!     }
//! }
//! ```
//!
//! # Privacy
//! Phone numbers arrive as [`PhoneNumber`], whose `Debug` is redacted and which has no
//! `Display`; parsed forms redact numbers and text in `Debug`; no error's text contains a
//! number, a message body or the Auth Token.

mod client;
pub(crate) mod inbound;
pub mod outbox;
pub mod restarts;
pub mod signature;
pub mod twiml;
pub mod webhook;

pub use client::{
    ClientConfigError, DEFAULT_TIMEOUT, MAX_BODY_LEN, SendError, Sender, Sent, TwilioClient,
    WHATSAPP_PREFIX,
};
pub use inbound::{
    ERROR_CARRIER_OPT_OUT, FormError, InboundSms, MessageStatus, PhoneNumber, StatusCallback,
};
pub use signature::{PublicBaseUrl, PublicUrlError, SignatureError};
pub use webhook::{SmsChannel, SmsState, routes};
