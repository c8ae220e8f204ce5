//! Twilio's WhatsApp webhook forms: a message (text, or a shared location), and a status
//! callback for one haven sent.
//!
//! WhatsApp addresses are `whatsapp:` and an E.164 number. They are kept in
//! [`WhatsAppAddress`], whose `Debug` is redacted and which has no `Display`, as SMS numbers
//! are. Twilio sends more than haven reads — the person's WhatsApp profile name (`ProfileName`)
//! and number again (`WaId`) among it — and those fields are never read.

use std::fmt;

use crate::channels::sms::inbound::{Form, sid};
use crate::channels::sms::{FormError, PhoneNumber, WHATSAPP_PREFIX};

/// A WhatsApp address as Twilio writes it: `whatsapp:+14155550123`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct WhatsAppAddress(String);

impl WhatsAppAddress {
    /// `None` unless `text` is `whatsapp:` and an E.164 number.
    pub fn parse(text: &str) -> Option<WhatsAppAddress> {
        let number = text.strip_prefix(WHATSAPP_PREFIX)?;
        (number.starts_with('+') && PhoneNumber::parse(number).is_some())
            .then(|| WhatsAppAddress(text.to_owned()))
    }

    /// For pseudonymising, encrypting and sending.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WhatsAppAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WhatsAppAddress(<redacted>)")
    }
}

/// A message from WhatsApp.
#[derive(Clone, PartialEq)]
pub struct InboundWhatsApp {
    pub message_sid: String,
    pub account_sid: String,
    pub from: WhatsAppAddress,
    pub to: WhatsAppAddress,
    /// The text; empty for a location or a picture alone.
    pub body: String,
    /// A shared location pin (`Latitude`, `Longitude`).
    pub location: Option<(f64, f64)>,
}

impl InboundWhatsApp {
    pub fn parse(body: &[u8]) -> Result<InboundWhatsApp, FormError> {
        let form = Form::parse(body);
        let message_sid = match form.get("MessageSid")? {
            Some(s) => s,
            None => form
                .get("SmsMessageSid")?
                .ok_or(FormError::Missing("MessageSid"))?,
        };
        let coordinate = |name: &'static str, limit: f64| -> Result<Option<f64>, FormError> {
            match form.get(name)?.filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => v
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && x.abs() <= limit)
                    .map(Some)
                    .ok_or(FormError::Invalid(name)),
            }
        };
        let location = match (
            coordinate("Latitude", 90.0)?,
            coordinate("Longitude", 180.0)?,
        ) {
            (Some(lat), Some(lon)) => Some((lat, lon)),
            (None, None) => None,
            (None, Some(_)) => return Err(FormError::Missing("Latitude")),
            (Some(_), None) => return Err(FormError::Missing("Longitude")),
        };
        Ok(InboundWhatsApp {
            message_sid: sid(message_sid, None, "MessageSid")?,
            account_sid: sid(form.require("AccountSid")?, Some("AC"), "AccountSid")?,
            from: address(form.require("From")?, "From address")?,
            to: address(form.require("To")?, "To address")?,
            // A location comes without a Body on some Twilio accounts.
            body: form.get("Body")?.unwrap_or_default().to_owned(),
            location,
        })
    }
}

impl fmt::Debug for InboundWhatsApp {
    /// Redacts addresses, text and where the person is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboundWhatsApp")
            .field("message_sid", &self.message_sid)
            .field("account_sid", &self.account_sid)
            .field("from", &self.from)
            .field("body_chars", &self.body.chars().count())
            .field("location", &self.location.map(|_| "<redacted>"))
            .finish()
    }
}

/// A status callback for a WhatsApp message haven sent.
#[derive(Clone, PartialEq, Eq)]
pub struct WhatsAppStatus {
    pub message_sid: String,
    pub account_sid: Option<String>,
    /// `MessageStatus`: `queued`, `sent`, `delivered`, `read`, `failed`, `undelivered`...
    pub status: String,
    /// Twilio's error code when it failed, e.g. 63016 (the 24-hour window had closed).
    pub error_code: Option<u32>,
}

impl WhatsAppStatus {
    pub fn parse(body: &[u8]) -> Result<WhatsAppStatus, FormError> {
        let form = Form::parse(body);
        let message_sid = match form.get("MessageSid")? {
            Some(s) => s,
            None => form
                .get("SmsSid")?
                .ok_or(FormError::Missing("MessageSid"))?,
        };
        let status = match form.get("MessageStatus")? {
            Some(s) => s,
            None => form
                .get("SmsStatus")?
                .ok_or(FormError::Missing("MessageStatus"))?,
        };
        if status.is_empty() || !status.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(FormError::Invalid("MessageStatus"));
        }
        let error_code = match form.get("ErrorCode")?.filter(|c| !c.is_empty()) {
            Some(code) => Some(code.parse().map_err(|_| FormError::Invalid("ErrorCode"))?),
            None => None,
        };
        Ok(WhatsAppStatus {
            message_sid: sid(message_sid, None, "MessageSid")?,
            account_sid: form
                .get("AccountSid")?
                .filter(|s| !s.is_empty())
                .map(|s| sid(s, Some("AC"), "AccountSid"))
                .transpose()?,
            status: status.to_owned(),
            error_code,
        })
    }

    /// The message did not reach the person and Twilio will not try again.
    pub fn is_failure(&self) -> bool {
        matches!(self.status.as_str(), "failed" | "undelivered")
    }
}

impl fmt::Debug for WhatsAppStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WhatsAppStatus")
            .field("message_sid", &self.message_sid)
            .field("status", &self.status)
            .field("error_code", &self.error_code)
            .finish()
    }
}

fn address(text: &str, what: &'static str) -> Result<WhatsAppAddress, FormError> {
    WhatsAppAddress::parse(text).ok_or(FormError::Invalid(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SM: &str = "SM1234567890abcdef1234567890abcdef";
    const AC: &str = "AC1234567890abcdef1234567890abcdef"; // a fake SID

    fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        s.finish().into_bytes()
    }

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("MessageSid", SM),
            ("AccountSid", AC),
            ("From", "whatsapp:+14155550123"),
            ("To", "whatsapp:+14155238886"),
            ("ProfileName", "Someone"),
            ("WaId", "14155550123"),
            ("NumMedia", "0"),
        ]
    }

    #[test]
    fn a_text_and_a_location() {
        let mut p = base();
        p.push(("Body", "donde consigo narcan"));
        let m = InboundWhatsApp::parse(&form(&p)).unwrap();
        assert_eq!(m.from.as_str(), "whatsapp:+14155550123");
        assert_eq!(m.body, "donde consigo narcan");
        assert_eq!(m.location, None);
        let debug = format!("{m:?}");
        assert!(
            !debug.contains("4155550123")
                && !debug.contains("narcan")
                && !debug.contains("Someone"),
            "{debug}"
        );

        let mut p = base();
        p.extend([
            ("Latitude", "40.8116"),
            ("Longitude", "-73.9465"),
            ("Body", ""),
        ]);
        let m = InboundWhatsApp::parse(&form(&p)).unwrap();
        assert_eq!(m.location, Some((40.8116, -73.9465)));
        assert!(!format!("{m:?}").contains("40.81"));
    }

    #[test]
    fn bad_forms_name_the_field() {
        let cases: [(&str, Option<&str>, &str); 5] = [
            ("From", Some("+14155550123"), "invalid From address"),
            ("From", Some("whatsapp:14155550123"), "invalid From address"),
            ("To", None, "missing field To"),
            ("Latitude", Some("91"), "invalid Latitude"),
            ("Latitude", Some("40.7"), "missing field Longitude"),
        ];
        for (field, value, want) in cases {
            let mut p: Vec<(&str, &str)> =
                base().into_iter().filter(|(k, _)| *k != field).collect();
            if let Some(v) = value {
                p.push((field, v));
            }
            let e = InboundWhatsApp::parse(&form(&p)).unwrap_err().to_string();
            assert_eq!(e, want);
            assert!(!e.contains("4155"));
        }
    }

    #[test]
    fn status_with_the_window_error() {
        let s = WhatsAppStatus::parse(&form(&[
            ("MessageSid", SM),
            ("MessageStatus", "failed"),
            ("ErrorCode", "63016"),
            ("To", "whatsapp:+14155550123"),
        ]))
        .unwrap();
        assert!(s.is_failure());
        assert_eq!(s.error_code, Some(63016));
        assert!(!format!("{s:?}").contains("4155550123"));
    }
}
