//! WhatsApp through Twilio: the same flows and texts as SMS, on the messenger many
//! Spanish-speaking families use.
//!
//! # How it differs from SMS
//! - Its own channel: addresses are `whatsapp:+1...`, pseudonyms are keyed with the channel
//!   name `whatsapp` (the same person on SMS and WhatsApp is two pseudonyms), and metrics carry
//!   `channel="whatsapp"`.
//! - No SMS segment budget: a reply goes out whole, cut only at Twilio's limit for one message
//!   body (1,600 characters, below WhatsApp's own 4,096). Referral lists come in the rich form
//!   (addresses, map links, notes), as on Telegram.
//! - A shared location (Twilio's `Latitude` and `Longitude`) is a location pin, answered like a
//!   Telegram pin: the referral flow takes it where it asks where the person is.
//! - The first reply goes back in the webhook's TwiML; later ones through an outbox of its own
//!   (`whatsapp-outbox`, durable, sealed) sent with the WhatsApp sender.
//! - The 24-hour window: WhatsApp lets a business write freely only within 24 hours of the
//!   person's last message. A counselor's reply after that is refused — by haven before it
//!   tries (the session says when the person last wrote), or by Twilio with error 63016 — and
//!   the counselor is told why ([`Outlet::explain`]) instead of the reply being lost silently.
//!   Writing after the window needs a template approved by WhatsApp (deploy/OPERATOR.md).
//! - STOP and the other opt-out words follow the rule for every channel but SMS: haven deletes
//!   what it kept and goes on answering (a chat that went silent could miss an overdose later).

pub mod inbound;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use crate::channels::sms::outbox::Outbox;
use crate::channels::sms::{PublicBaseUrl, SendError, TwilioClient};
use crate::messaging::{Hub, Outlet, SendFailure, Sending, Sent};
use crate::runtime::now;
use crate::store::{Pseudonym, Store};
pub use inbound::{InboundWhatsApp, WhatsAppAddress, WhatsAppStatus};
pub use webhook::routes;

/// Twilio's limit for one message body; WhatsApp's own (4,096) is higher.
pub const MAX_MESSAGE_UNITS: usize = 1600;

/// How long after a person's last message a business may write to them freely.
pub const WINDOW_SECS: i64 = 24 * 3600;

/// Twilio's error for a message outside the 24-hour window.
pub const ERROR_OUTSIDE_WINDOW: u32 = 63016;

/// The refusal label for a message outside the window (metrics, and [`Outlet::explain`]).
pub const WINDOW_CLOSED: &str = "whatsapp-window-closed";

/// Everything WhatsApp needs at run time.
pub struct WhatsAppChannel {
    /// Sends as the WhatsApp sender (`whatsapp:+1...`), with WhatsApp's status callback.
    pub client: TwilioClient,
    pub auth_token: String,
    pub public: PublicBaseUrl,
    pub outbox: Outbox,
    /// Sessions, to know when a person last wrote (the 24-hour window).
    pub store: Arc<dyn Store>,
}

/// What the WhatsApp routes share.
#[derive(Clone)]
pub struct WhatsAppState {
    pub hub: Arc<Hub>,
    pub whatsapp: Option<Arc<WhatsAppChannel>>,
}

impl WhatsAppChannel {
    /// Whether the person last wrote more than 24 hours ago. Unknown (no session) is not
    /// closed: Twilio then decides, and its 63016 is handled the same way.
    fn window_closed(&self, who: &Pseudonym, now: i64) -> Result<bool, String> {
        match self.store.load(who, now) {
            Ok(Some(l)) => Ok(now - l.session.last_seen >= WINDOW_SECS),
            Ok(None) => Ok(false),
            Err(e) => Err(e.to_string()),
        }
    }
}

impl Outlet for WhatsAppChannel {
    /// Sends now (so a refusal reaches the counselor who wrote): the window is checked first;
    /// Twilio's 63016 is the same refusal; a send Twilio may take later (a rate limit, a server
    /// error) goes to the outbox with everything after it.
    fn send<'a>(
        &'a self,
        who: &'a Pseudonym,
        address: &'a str,
        texts: &'a [String],
    ) -> Sending<'a> {
        Box::pin(async move {
            if self
                .window_closed(who, now())
                .map_err(SendFailure::Internal)?
            {
                return Err(SendFailure::Refused(WINDOW_CLOSED));
            }
            let parts: Vec<String> = texts
                .iter()
                .flat_map(|t| split_message(t, MAX_MESSAGE_UNITS))
                .collect();
            let mut sent = 0;
            for (i, part) in parts.iter().enumerate() {
                match self.client.send(address, part).await {
                    Ok(_) => sent += 1,
                    Err(e) if e.twilio_code() == Some(ERROR_OUTSIDE_WINDOW) => {
                        return Err(SendFailure::Refused(WINDOW_CLOSED));
                    }
                    Err(e) if e.is_retryable() => {
                        self.outbox
                            .enqueue(who, address, &parts[i..], Duration::ZERO)
                            .await
                            .map_err(|e| SendFailure::Internal(e.to_string()))?;
                        return Ok(if sent == 0 {
                            Sent::Queued
                        } else {
                            Sent::Delivered(sent)
                        });
                    }
                    Err(e) => return Err(SendFailure::Refused(refusal(&e))),
                }
            }
            Ok(Sent::Delivered(sent))
        })
    }

    fn forget(&self, who: &Pseudonym) -> Result<(), String> {
        self.outbox.forget(who).map(drop).map_err(|e| e.to_string())
    }

    fn explain(&self, reason: &str) -> Option<&'static str> {
        (reason == WINDOW_CLOSED).then_some(
            "WhatsApp lets haven write only within 24 hours of the person's last message, and that window has closed. They will get replies again once they write; until then, reach them only with an approved WhatsApp template (deploy/OPERATOR.md).",
        )
    }
}

/// A short label for a send Twilio refused for good.
fn refusal(e: &SendError) -> &'static str {
    match e {
        SendError::InvalidNumber { .. } => "invalid-number",
        SendError::Unauthorized { .. } => "unauthorized",
        SendError::BodyTooLong { .. } => "too-long",
        SendError::OptedOut => "opted-out",
        _ => "rejected",
    }
}

/// `text` cut into messages of at most `max` UTF-16 units: between paragraphs, else between
/// lines, else between words, else anywhere (a single enormous word).
pub fn split_message(text: &str, max: usize) -> Vec<String> {
    let units = |s: &str| s.encode_utf16().count();
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    if units(text) <= max {
        return vec![text.to_owned()];
    }
    for sep in ["\n\n", "\n", " "] {
        if let Some(cut) = best_cut(text, sep, max) {
            let (head, tail) = text.split_at(cut);
            let mut out = vec![head.trim_end().to_owned()];
            out.extend(split_message(tail, max));
            return out;
        }
    }
    // One word longer than a message: cut on a character boundary.
    let mut cut = 0;
    let mut n = 0;
    for (i, c) in text.char_indices() {
        if n + c.len_utf16() > max {
            break;
        }
        n += c.len_utf16();
        cut = i + c.len_utf8();
    }
    let mut out = vec![text[..cut].to_owned()];
    out.extend(split_message(&text[cut..], max));
    out
}

/// The last place `sep` occurs such that what comes before it fits in `max` units.
fn best_cut(text: &str, sep: &str, max: usize) -> Option<usize> {
    text.match_indices(sep)
        .map(|(i, _)| i)
        .filter(|&i| i > 0 && text[..i].encode_utf16().count() <= max)
        .last()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_cut_between_paragraphs_then_lines_then_words() {
        assert_eq!(split_message("short", 1600), ["short"]);
        assert!(split_message("  ", 1600).is_empty());
        let para = "a".repeat(900);
        let text = format!("{para}\n\n{para}");
        let parts = split_message(&text, 1600);
        assert_eq!(parts, [para.clone(), para.clone()]);
        let lines = format!("{}\n{}", "b".repeat(10), "c".repeat(20));
        assert_eq!(
            split_message(&lines, 15),
            ["b".repeat(10), "c".repeat(15), "c".repeat(5)]
        );
        let words = "one two three four";
        assert_eq!(split_message(words, 9), ["one two", "three", "four"]);
        for part in split_message(&"🙂".repeat(1000), 1600) {
            assert!(part.encode_utf16().count() <= 1600);
        }
    }
}
