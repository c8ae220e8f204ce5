//! Twilio's voice webhook forms: a call coming in, what the caller pressed or said (`<Gather>`),
//! how a `<Dial>` ended, the counselor's leg, and the call's status callback. One type holds
//! whichever of these fields a request carries; the handler decides what it needs.
//!
//! What is kept is what haven uses: the call's sid (the call's address, which never becomes a
//! log line), the account, the number that was called (haven's own, a default caller id for
//! transfers), keys, speech, and statuses. The caller's number (`From`, `Caller`) is never read:
//! a call needs no address beyond itself, and people calling with caller id blocked are served
//! the same. Speech is what the person said: `Debug` shows only its length.

use std::fmt;

use crate::channels::sms::FormError;
use crate::channels::sms::PhoneNumber;
use crate::channels::sms::inbound::{Form, sid};

/// Longest speech result kept (Twilio's are a sentence or two).
const MAX_SPEECH_CHARS: usize = 1000;

/// A voice webhook, whichever kind.
#[derive(Clone, PartialEq)]
pub struct CallForm {
    /// `CallSid`: this call (for the counselor's leg, that leg).
    pub call_sid: String,
    pub account_sid: String,
    /// `To`: the number called. On the caller's leg, haven's own number.
    pub to: Option<PhoneNumber>,
    /// `Digits`: keys pressed (`0`-`9`, `*`, `#`).
    pub digits: Option<String>,
    /// `SpeechResult`: what the caller said, as recognized.
    pub speech: Option<String>,
    /// `CallStatus`: `ringing`, `in-progress`, `completed`, `busy`, `failed`, `no-answer`,
    /// `canceled`.
    pub call_status: Option<String>,
    /// `DialCallStatus`: how a `<Dial>` ended (`completed`, `answered`, `busy`, `no-answer`,
    /// `failed`, `canceled`).
    pub dial_status: Option<String>,
    /// `ParentCallSid`: on a dialed leg, the caller's call.
    pub parent_call_sid: Option<String>,
}

impl CallForm {
    pub fn parse(body: &[u8]) -> Result<CallForm, FormError> {
        let form = Form::parse(body);
        let digits = match form.get("Digits")?.filter(|d| !d.is_empty()) {
            Some(d)
                if d.len() <= 32
                    && d.bytes()
                        .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#') =>
            {
                Some(d.to_owned())
            }
            Some(_) => return Err(FormError::Invalid("Digits")),
            None => None,
        };
        let speech = form
            .get("SpeechResult")?
            .map(|s| s.chars().take(MAX_SPEECH_CHARS).collect::<String>())
            .filter(|s| !s.trim().is_empty());
        let word = |name: &'static str| -> Result<Option<String>, FormError> {
            match form.get(name)?.filter(|v| !v.is_empty()) {
                Some(v)
                    if v.len() <= 32 && v.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') =>
                {
                    Ok(Some(v.to_owned()))
                }
                Some(_) => Err(FormError::Invalid(name)),
                None => Ok(None),
            }
        };
        Ok(CallForm {
            call_sid: sid(form.require("CallSid")?, Some("CA"), "CallSid")?,
            account_sid: sid(form.require("AccountSid")?, Some("AC"), "AccountSid")?,
            to: form.get("To")?.and_then(PhoneNumber::parse),
            digits,
            speech,
            call_status: word("CallStatus")?,
            dial_status: word("DialCallStatus")?,
            parent_call_sid: form
                .get("ParentCallSid")?
                .filter(|s| !s.is_empty())
                .map(|s| sid(s, Some("CA"), "ParentCallSid"))
                .transpose()?,
        })
    }

    /// Whether the call is over (a final `CallStatus`).
    pub fn has_ended(&self) -> bool {
        matches!(
            self.call_status.as_deref(),
            Some("completed" | "busy" | "failed" | "no-answer" | "canceled")
        )
    }
}

impl fmt::Debug for CallForm {
    /// Leaves out what the caller said, and numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallForm")
            .field("call_sid", &self.call_sid)
            .field("account_sid", &self.account_sid)
            .field("to", &self.to)
            .field("digits", &self.digits.as_ref().map(String::len))
            .field(
                "speech_chars",
                &self.speech.as_ref().map(|s| s.chars().count()),
            )
            .field("call_status", &self.call_status)
            .field("dial_status", &self.dial_status)
            .field("parent_call_sid", &self.parent_call_sid)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA: &str = "CA1234567890abcdef1234567890abcdef";
    const AC: &str = "AC1234567890abcdef1234567890abcdef"; // a fake SID

    fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        s.finish().into_bytes()
    }

    #[test]
    fn a_gather_result_with_speech() {
        let f = CallForm::parse(&form(&[
            ("CallSid", CA),
            ("AccountSid", AC),
            ("From", "+14155550123"),
            ("To", "+15555550100"),
            ("CallStatus", "in-progress"),
            ("SpeechResult", "he's not breathing"),
            ("Confidence", "0.91"),
        ]))
        .unwrap();
        assert_eq!(f.call_sid, CA);
        assert_eq!(f.speech.as_deref(), Some("he's not breathing"));
        assert_eq!(f.to.as_ref().map(|t| t.as_str()), Some("+15555550100"));
        assert!(!f.has_ended());
        let debug = format!("{f:?}");
        assert!(
            !debug.contains("breathing") && !debug.contains("4155550123"),
            "{debug}"
        );
    }

    #[test]
    fn keys_dial_results_and_statuses() {
        let f = CallForm::parse(&form(&[
            ("CallSid", CA),
            ("AccountSid", AC),
            ("Digits", "*"),
            ("DialCallStatus", "no-answer"),
        ]))
        .unwrap();
        assert_eq!(f.digits.as_deref(), Some("*"));
        assert_eq!(f.dial_status.as_deref(), Some("no-answer"));
        let f = CallForm::parse(&form(&[
            ("CallSid", CA),
            ("AccountSid", AC),
            ("CallStatus", "completed"),
            ("To", "client:anonymous"),
        ]))
        .unwrap();
        assert!(f.has_ended());
        assert_eq!(f.to, None);
    }

    #[test]
    fn bad_fields_are_named_never_echoed() {
        let cases: [(&[(&str, &str)], &str); 5] = [
            (&[("AccountSid", AC)], "missing field CallSid"),
            (
                &[
                    ("CallSid", "SM1234567890abcdef1234567890abcdef"),
                    ("AccountSid", AC),
                ],
                "invalid CallSid",
            ),
            (
                &[("CallSid", CA), ("AccountSid", AC), ("Digits", "12ab")],
                "invalid Digits",
            ),
            (
                &[("CallSid", CA), ("AccountSid", AC), ("CallStatus", "<x>")],
                "invalid CallStatus",
            ),
            (&[("CallSid", CA)], "missing field AccountSid"),
        ];
        for (pairs, want) in cases {
            assert_eq!(CallForm::parse(&form(pairs)).unwrap_err().to_string(), want);
        }
        let mut twice = form(&[("CallSid", CA), ("AccountSid", AC), ("Digits", "1")]);
        twice.extend_from_slice(b"&Digits=2");
        assert_eq!(
            CallForm::parse(&twice).unwrap_err(),
            FormError::Repeated("Digits")
        );
    }
}
