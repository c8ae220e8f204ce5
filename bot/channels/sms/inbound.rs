//! Twilio's webhook forms: an inbound SMS, and a status callback for one we sent.
//!
//! Both arrive as `application/x-www-form-urlencoded` POSTs, after the signature check. Parsing
//! keeps only the fields haven uses and checks their shape, so the rest of the bot never sees a
//! raw form. A malformed form gets a [`FormError`] whose Display is safe to put in a 400 body or
//! a log line: it names the field, never its value, because the values include phone numbers.
//! A known field sent twice is refused rather than guessed at.
//!
//! Phone numbers are wrapped in [`PhoneNumber`], which has no `Display` and a redacted `Debug`,
//! so that `{}` or `{:?}` on a parsed form cannot leak a number into a log.

use std::fmt;

/// Why a webhook form was refused. The text names the field and the problem, never the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("missing field {0}")]
    Missing(&'static str),
    /// The field is present but not in the shape Twilio sends; the text reads e.g.
    /// "invalid To number".
    #[error("invalid {0}")]
    Invalid(&'static str),
    #[error("field {0} given more than once")]
    Repeated(&'static str),
}

/// A phone number or short code as Twilio sends it: E.164 (`+` and up to 15 digits) or a short
/// code (3 to 8 digits). Its `Debug` is redacted and it has no `Display`, so it cannot reach a
/// log line by accident; [`PhoneNumber::as_str`] is for pseudonymising, encrypting and sending.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// `None` unless `text` is an E.164 number or a short code. Channel prefixes such as
    /// `whatsapp:` are not SMS numbers and are refused.
    pub fn parse(text: &str) -> Option<PhoneNumber> {
        let ok = match text.strip_prefix('+') {
            Some(digits) => {
                (2..=15).contains(&digits.len())
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && !digits.starts_with('0')
            }
            None => (3..=8).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()),
        };
        ok.then(|| PhoneNumber(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PhoneNumber(<redacted>)")
    }
}

/// An inbound SMS (or MMS) from Twilio's messaging webhook.
#[derive(Clone, PartialEq, Eq)]
pub struct InboundSms {
    /// `MessageSid` (or the older `SmsMessageSid`): the key for answering a delivery once.
    pub message_sid: String,
    pub account_sid: String,
    /// Set when the number belongs to a Messaging Service.
    pub messaging_service_sid: Option<String>,
    /// The person who wrote.
    pub from: PhoneNumber,
    /// Our number (or short code) they wrote to.
    pub to: PhoneNumber,
    /// The text, possibly empty (a picture alone).
    pub body: String,
    /// How many media items came with it; haven reads only the text.
    pub num_media: u32,
}

impl InboundSms {
    /// Parses the raw form body of an inbound-message webhook.
    pub fn parse(form_body: &[u8]) -> Result<InboundSms, FormError> {
        let form = Form::parse(form_body);
        let message_sid = match form.get("MessageSid")? {
            Some(sid) => sid,
            None => form
                .get("SmsMessageSid")?
                .ok_or(FormError::Missing("MessageSid"))?,
        };
        let num_media = match form.get("NumMedia")?.filter(|n| !n.is_empty()) {
            Some(n) => n.parse().map_err(|_| FormError::Invalid("NumMedia"))?,
            None => 0,
        };
        Ok(InboundSms {
            message_sid: sid(message_sid, None, "MessageSid")?,
            account_sid: sid(form.require("AccountSid")?, Some("AC"), "AccountSid")?,
            messaging_service_sid: form
                .get("MessagingServiceSid")?
                .filter(|s| !s.is_empty())
                .map(|s| sid(s, Some("MG"), "MessagingServiceSid"))
                .transpose()?,
            from: number(form.require("From")?, "From number")?,
            to: number(form.require("To")?, "To number")?,
            body: form.require("Body")?.to_owned(),
            num_media,
        })
    }
}

impl fmt::Debug for InboundSms {
    /// Redacts the numbers and the text; the sids are not personal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboundSms")
            .field("message_sid", &self.message_sid)
            .field("account_sid", &self.account_sid)
            .field("messaging_service_sid", &self.messaging_service_sid)
            .field("from", &self.from)
            .field("to", &self.to)
            .field("body_chars", &self.body.chars().count())
            .field("num_media", &self.num_media)
            .finish()
    }
}

/// Where an SMS is in Twilio's life cycle, from the REST API's `status` or a callback's
/// `MessageStatus`. Values Twilio adds later are kept in `Other` rather than refused, so a new
/// status never turns a delivered callback or a successful send into an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MessageStatus {
    Accepted,
    Scheduled,
    Canceled,
    Queued,
    Sending,
    Sent,
    Delivered,
    Undelivered,
    Failed,
    Read,
    PartiallyDelivered,
    Receiving,
    Received,
    Other(String),
}

impl MessageStatus {
    /// Reads Twilio's lowercase status name.
    pub fn parse(text: &str) -> MessageStatus {
        match text {
            "accepted" => MessageStatus::Accepted,
            "scheduled" => MessageStatus::Scheduled,
            "canceled" => MessageStatus::Canceled,
            "queued" => MessageStatus::Queued,
            "sending" => MessageStatus::Sending,
            "sent" => MessageStatus::Sent,
            "delivered" => MessageStatus::Delivered,
            "undelivered" => MessageStatus::Undelivered,
            "failed" => MessageStatus::Failed,
            "read" => MessageStatus::Read,
            "partially_delivered" => MessageStatus::PartiallyDelivered,
            "receiving" => MessageStatus::Receiving,
            "received" => MessageStatus::Received,
            other => MessageStatus::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            MessageStatus::Accepted => "accepted",
            MessageStatus::Scheduled => "scheduled",
            MessageStatus::Canceled => "canceled",
            MessageStatus::Queued => "queued",
            MessageStatus::Sending => "sending",
            MessageStatus::Sent => "sent",
            MessageStatus::Delivered => "delivered",
            MessageStatus::Undelivered => "undelivered",
            MessageStatus::Failed => "failed",
            MessageStatus::Read => "read",
            MessageStatus::PartiallyDelivered => "partially_delivered",
            MessageStatus::Receiving => "receiving",
            MessageStatus::Received => "received",
            MessageStatus::Other(other) => other,
        }
    }

    /// The message did not reach the person and Twilio will not try again.
    pub fn is_failure(&self) -> bool {
        matches!(self, MessageStatus::Undelivered | MessageStatus::Failed)
    }
}

impl fmt::Display for MessageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for MessageStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(MessageStatus::parse(&text))
    }
}

impl serde::Serialize for MessageStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Twilio's error code for "the recipient replied STOP to the carrier": treat it as our STOP.
pub const ERROR_CARRIER_OPT_OUT: u32 = 21610;

/// A status callback for a message we sent (`StatusCallback` on the REST request, or the
/// Messaging Service's).
#[derive(Clone, PartialEq, Eq)]
pub struct StatusCallback {
    pub message_sid: String,
    pub account_sid: Option<String>,
    pub status: MessageStatus,
    /// Twilio's error code when the message failed, e.g. 30003 (unreachable) or 21610.
    pub error_code: Option<u32>,
    /// The person the message was for.
    pub to: PhoneNumber,
}

impl StatusCallback {
    /// Parses the raw form body of a status callback.
    pub fn parse(form_body: &[u8]) -> Result<StatusCallback, FormError> {
        let form = Form::parse(form_body);
        let message_sid = match form.get("MessageSid")? {
            Some(sid) => sid,
            None => form
                .get("SmsSid")?
                .ok_or(FormError::Missing("MessageSid"))?,
        };
        let status = match form.get("MessageStatus")? {
            Some(status) => status,
            None => form
                .get("SmsStatus")?
                .ok_or(FormError::Missing("MessageStatus"))?,
        };
        if status.is_empty() {
            return Err(FormError::Invalid("MessageStatus"));
        }
        let error_code = match form.get("ErrorCode")?.filter(|c| !c.is_empty()) {
            Some(code) => Some(code.parse().map_err(|_| FormError::Invalid("ErrorCode"))?),
            None => None,
        };
        Ok(StatusCallback {
            message_sid: sid(message_sid, None, "MessageSid")?,
            account_sid: form
                .get("AccountSid")?
                .filter(|s| !s.is_empty())
                .map(|s| sid(s, Some("AC"), "AccountSid"))
                .transpose()?,
            status: MessageStatus::parse(status),
            error_code,
            to: number(form.require("To")?, "To number")?,
        })
    }

    /// The person opted out at their carrier (error 21610): haven must treat this as STOP.
    pub fn is_carrier_opt_out(&self) -> bool {
        self.error_code == Some(ERROR_CARRIER_OPT_OUT)
    }
}

impl fmt::Debug for StatusCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusCallback")
            .field("message_sid", &self.message_sid)
            .field("account_sid", &self.account_sid)
            .field("status", &self.status)
            .field("error_code", &self.error_code)
            .field("to", &self.to)
            .finish()
    }
}

/// A decoded form, looked up by exact (case-sensitive) name as Twilio sends it. Shared with the
/// voice and WhatsApp webhooks, which Twilio posts the same way.
pub(crate) struct Form(Vec<(String, String)>);

impl Form {
    pub(crate) fn parse(body: &[u8]) -> Form {
        Form(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The value of `name`, if present once; a repeated field is an error, because which of two
    /// values is the real one cannot be known.
    pub(crate) fn get(&self, name: &'static str) -> Result<Option<&str>, FormError> {
        let mut found = None;
        for (key, value) in &self.0 {
            if key == name {
                if found.is_some() {
                    return Err(FormError::Repeated(name));
                }
                found = Some(value.as_str());
            }
        }
        Ok(found)
    }

    pub(crate) fn require(&self, name: &'static str) -> Result<&str, FormError> {
        self.get(name)?.ok_or(FormError::Missing(name))
    }
}

/// Whether `text` is a Twilio sid: two uppercase letters (`prefix`, unless empty) and 32 hex
/// digits. Shared with the client, which checks configured sids the same way.
pub(crate) fn is_sid(text: &str, prefix: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 34
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..].iter().all(u8::is_ascii_hexdigit)
        && text.starts_with(prefix)
}

pub(crate) fn sid(
    text: &str,
    prefix: Option<&str>,
    what: &'static str,
) -> Result<String, FormError> {
    if is_sid(text, prefix.unwrap_or("")) {
        Ok(text.to_owned())
    } else {
        Err(FormError::Invalid(what))
    }
}

fn number(text: &str, what: &'static str) -> Result<PhoneNumber, FormError> {
    PhoneNumber::parse(text).ok_or(FormError::Invalid(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SM: &str = "SM1234567890abcdef1234567890abcdef";
    const AC: &str = "AC1234567890abcdef1234567890abcdef"; // a fake SID for tests
    const MG: &str = "MG1234567890abcdef1234567890abcdef";

    fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        s.finish().into_bytes()
    }

    /// The fields Twilio sends for an inbound SMS, including some haven ignores.
    fn inbound(overrides: &[(&str, Option<&str>)]) -> Vec<u8> {
        let mut pairs = vec![
            ("ToCountry", "US"),
            ("SmsMessageSid", SM),
            ("NumMedia", "0"),
            ("SmsSid", SM),
            ("SmsStatus", "received"),
            ("Body", "he's not breathing & lips blue"),
            ("To", "+18005551212"),
            ("NumSegments", "1"),
            ("MessageSid", SM),
            ("AccountSid", AC),
            ("From", "+14158675309"),
            ("ApiVersion", "2010-04-01"),
        ];
        for (name, value) in overrides {
            pairs.retain(|(k, _)| k != name);
            if let Some(v) = value {
                pairs.push((name, v));
            }
        }
        form(&pairs)
    }

    #[test]
    fn parses_a_real_shaped_inbound_sms() {
        let sms = InboundSms::parse(&inbound(&[])).unwrap();
        assert_eq!(sms.message_sid, SM);
        assert_eq!(sms.account_sid, AC);
        assert_eq!(sms.messaging_service_sid, None);
        assert_eq!(sms.from.as_str(), "+14158675309");
        assert_eq!(sms.to.as_str(), "+18005551212");
        assert_eq!(sms.body, "he's not breathing & lips blue");
        assert_eq!(sms.num_media, 0);
    }

    #[test]
    fn older_sid_field_and_messaging_service_and_media() {
        let sms = InboundSms::parse(&inbound(&[
            ("MessageSid", None),
            ("MessagingServiceSid", Some(MG)),
            ("NumMedia", Some("2")),
            ("Body", Some("")),
            ("To", Some("55555")),
        ]))
        .unwrap();
        assert_eq!(sms.message_sid, SM);
        assert_eq!(sms.messaging_service_sid.as_deref(), Some(MG));
        assert_eq!(sms.num_media, 2);
        assert_eq!(sms.body, "");
        assert_eq!(sms.to.as_str(), "55555");
    }

    #[test]
    fn missing_fields_are_named() {
        let cases = [
            ("From", "missing field From"),
            ("To", "missing field To"),
            ("Body", "missing field Body"),
            ("AccountSid", "missing field AccountSid"),
        ];
        for (field, text) in cases {
            let err = InboundSms::parse(&inbound(&[(field, None)])).unwrap_err();
            assert_eq!(err.to_string(), text);
        }
        let err = InboundSms::parse(&inbound(&[("MessageSid", None), ("SmsMessageSid", None)]))
            .unwrap_err();
        assert_eq!(err, FormError::Missing("MessageSid"));
        assert_eq!(
            InboundSms::parse(b"").unwrap_err().to_string(),
            "missing field MessageSid"
        );
    }

    #[test]
    fn invalid_fields_never_echo_the_value() {
        let cases: [(&str, &str, &str); 7] = [
            ("To", "+1 800 555 1212", "invalid To number"),
            ("From", "whatsapp:+14158675309", "invalid From number"),
            ("From", "+04158675309", "invalid From number"),
            ("From", "+1234567890123456", "invalid From number"),
            ("MessageSid", "SM123", "invalid MessageSid"),
            ("AccountSid", SM, "invalid AccountSid"),
            ("NumMedia", "-1", "invalid NumMedia"),
        ];
        for (field, value, text) in cases {
            let err = InboundSms::parse(&inbound(&[(field, Some(value))])).unwrap_err();
            assert_eq!(err.to_string(), text);
            assert!(!err.to_string().contains("555"));
        }
    }

    #[test]
    fn repeated_field_is_refused() {
        let mut body = inbound(&[]);
        body.extend_from_slice(b"&From=%2B15551234567");
        assert_eq!(
            InboundSms::parse(&body).unwrap_err(),
            FormError::Repeated("From")
        );
    }

    #[test]
    fn garbage_never_panics() {
        for body in [
            &b"%%%"[..],
            b"\xff\xfe",
            b"&&&===",
            b"From=%2",
            b"MessageSid=\xc3",
        ] {
            assert!(InboundSms::parse(body).is_err());
            assert!(StatusCallback::parse(body).is_err());
        }
    }

    #[test]
    fn debug_redacts_numbers_and_text() {
        let sms = InboundSms::parse(&inbound(&[])).unwrap();
        let debug = format!("{sms:?}");
        assert!(!debug.contains("4158675309"), "{debug}");
        assert!(!debug.contains("8005551212"), "{debug}");
        assert!(!debug.contains("breathing"), "{debug}");
        assert!(debug.contains(SM));
    }

    #[test]
    fn status_callback_with_carrier_opt_out() {
        let body = form(&[
            ("SmsSid", SM),
            ("SmsStatus", "failed"),
            ("MessageStatus", "failed"),
            ("To", "+14158675309"),
            ("MessageSid", SM),
            ("AccountSid", AC),
            ("From", "+18005551212"),
            ("ErrorCode", "21610"),
            ("ApiVersion", "2010-04-01"),
        ]);
        let cb = StatusCallback::parse(&body).unwrap();
        assert_eq!(cb.status, MessageStatus::Failed);
        assert!(cb.status.is_failure());
        assert_eq!(cb.error_code, Some(21610));
        assert!(cb.is_carrier_opt_out());
        assert_eq!(cb.to.as_str(), "+14158675309");
        assert!(!format!("{cb:?}").contains("4158675309"));
    }

    #[test]
    fn status_callback_delivered_and_fallbacks() {
        let body = form(&[
            ("SmsSid", SM),
            ("SmsStatus", "delivered"),
            ("To", "+14158675309"),
        ]);
        let cb = StatusCallback::parse(&body).unwrap();
        assert_eq!(cb.message_sid, SM);
        assert_eq!(cb.status, MessageStatus::Delivered);
        assert_eq!(cb.error_code, None);
        assert_eq!(cb.account_sid, None);
        assert!(!cb.is_carrier_opt_out());
        assert!(!cb.status.is_failure());

        let body = form(&[
            ("MessageSid", SM),
            ("MessageStatus", "undelivered"),
            ("ErrorCode", "30003"),
            ("To", "+14158675309"),
        ]);
        let cb = StatusCallback::parse(&body).unwrap();
        assert!(cb.status.is_failure());
        assert!(!cb.is_carrier_opt_out());
    }

    #[test]
    fn status_callback_errors() {
        let ok = [
            ("MessageSid", SM),
            ("MessageStatus", "sent"),
            ("To", "+14158675309"),
        ];
        let without = |name: &str| {
            let pairs: Vec<_> = ok.iter().copied().filter(|(k, _)| *k != name).collect();
            StatusCallback::parse(&form(&pairs)).unwrap_err()
        };
        assert_eq!(
            without("MessageStatus"),
            FormError::Missing("MessageStatus")
        );
        assert_eq!(without("To"), FormError::Missing("To"));
        assert_eq!(without("MessageSid"), FormError::Missing("MessageSid"));
        let mut bad = ok.to_vec();
        bad.push(("ErrorCode", "abc"));
        assert_eq!(
            StatusCallback::parse(&form(&bad)).unwrap_err().to_string(),
            "invalid ErrorCode"
        );
        let mut empty_code = ok.to_vec();
        empty_code.push(("ErrorCode", ""));
        assert_eq!(
            StatusCallback::parse(&form(&empty_code))
                .unwrap()
                .error_code,
            None
        );
    }

    #[test]
    fn every_status_round_trips_and_unknown_ones_are_kept() {
        for name in [
            "accepted",
            "scheduled",
            "canceled",
            "queued",
            "sending",
            "sent",
            "delivered",
            "undelivered",
            "failed",
            "read",
            "partially_delivered",
            "receiving",
            "received",
        ] {
            let status = MessageStatus::parse(name);
            assert!(!matches!(status, MessageStatus::Other(_)), "{name}");
            assert_eq!(status.as_str(), name);
            let json: MessageStatus = serde_json::from_str(&format!("\"{name}\"")).unwrap();
            assert_eq!(json, status);
        }
        assert_eq!(
            MessageStatus::parse("teleported"),
            MessageStatus::Other("teleported".into())
        );
    }

    #[test]
    fn phone_numbers() {
        for good in [
            "+14158675309",
            "+44",
            "+123456789012345",
            "12345",
            "123",
            "12345678",
        ] {
            assert!(PhoneNumber::parse(good).is_some(), "{good}");
        }
        for bad in [
            "",
            "+",
            "+1",
            "+0123",
            "+1234567890123456",
            "12",
            "123456789",
            "+1-415",
            " +1415",
            "whatsapp:+1415",
            "abc",
        ] {
            assert!(PhoneNumber::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(
            format!("{:?}", PhoneNumber::parse("+14158675309").unwrap()),
            "PhoneNumber(<redacted>)"
        );
    }
}
