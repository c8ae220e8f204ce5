//! `capture`: wait for free text and keep it in a session variable, if it is valid.
//!
//! ```yaml
//! - id: ask-where
//!   say: services-ask-where
//!   capture:
//!     var: location
//!     kind: location        # text | number | zip | location | pattern
//!     invalid: services-ask-where-again   # said when the answer is not valid; the step waits again
//!     next: results
//! ```
//! Kinds: `text` takes any non-empty answer; `number` a whole number; `zip` a US ZIP code
//! (5 digits or ZIP+4) anywhere in the answer; `location` a ZIP, a place the operator listed, or
//! a shared location pin; `pattern` a regular expression given as `pattern:` over the folded
//! answer. Captured text is kept only until the session expires and is never logged.

use regex::Regex;

use super::super::Target;

#[derive(Debug)]
pub struct Capture {
    pub var: String,
    pub kind: CaptureKind,
    /// Text key said when the answer is not valid.
    pub invalid: String,
    pub target: Target,
}

#[derive(Debug)]
pub enum CaptureKind {
    Text,
    Number,
    Zip,
    Location,
    Pattern(Regex),
}

impl CaptureKind {
    pub fn parse(kind: &str, pattern: Option<&str>) -> Result<CaptureKind, String> {
        match (kind, pattern) {
            ("text", None) => Ok(CaptureKind::Text),
            ("number", None) => Ok(CaptureKind::Number),
            ("zip", None) => Ok(CaptureKind::Zip),
            ("location", None) => Ok(CaptureKind::Location),
            ("pattern", Some(p)) => Regex::new(p)
                .map(CaptureKind::Pattern)
                .map_err(|e| format!("invalid pattern: {}", one_line(&e.to_string()))),
            ("pattern", None) => Err("kind `pattern` needs `pattern:`".into()),
            (_, Some(_)) => Err("`pattern:` is only for kind `pattern`".into()),
            (other, None) => Err(format!(
                "unknown capture kind `{other}` (expected text, number, zip, location or pattern)"
            )),
        }
    }
}

/// Finds a US ZIP code (5 digits, or ZIP+4 written `12345-6789` or `12345 6789`) in `text` and
/// returns its five digits.
pub fn find_zip(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let end_ok = i == bytes.len() || !bytes[i].is_ascii_alphanumeric();
            if i - start == 5 && end_ok {
                // Accept a +4 suffix but never a longer number (a phone number is not a ZIP).
                let rest = &text[i..];
                let plus4 = rest.len() >= 5
                    && matches!(rest.as_bytes()[0], b'-' | b' ')
                    && rest.as_bytes()[1..5].iter().all(u8::is_ascii_digit)
                    && rest
                        .as_bytes()
                        .get(5)
                        .is_none_or(|b| !b.is_ascii_alphanumeric());
                let longer = rest.len() >= 2
                    && matches!(rest.as_bytes()[0], b'-' | b' ' | b'.')
                    && rest.as_bytes()[1].is_ascii_digit()
                    && !plus4;
                if !longer {
                    return Some(text[start..i].to_owned());
                }
            }
        } else {
            i += 1;
        }
    }
    None
}

pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zips() {
        assert_eq!(find_zip("10001").as_deref(), Some("10001"));
        assert_eq!(find_zip("im in 10001 rn").as_deref(), Some("10001"));
        assert_eq!(find_zip("10001-1234").as_deref(), Some("10001"));
        assert_eq!(find_zip("10001 1234").as_deref(), Some("10001"));
        assert_eq!(find_zip("1000"), None);
        assert_eq!(find_zip("100011"), None);
        assert_eq!(find_zip("212-555-0100"), None);
        assert_eq!(find_zip("call 55501 00"), None);
        assert_eq!(find_zip("a10001"), None);
    }
}
