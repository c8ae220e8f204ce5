//! TwiML replies to an inbound SMS webhook: a `<Response>` with zero or more `<Message>`s.
//!
//! Every text is XML-escaped (`& < > " '`): overdose texts are full of `&`, `<` and quotes, and
//! one unescaped character makes the whole reply invalid, so Twilio sends nothing (the defect that
//! rules out the `twilio` crate, dependencies.md §1). Characters XML 1.0 cannot carry at all,
//! even as references (most C0 controls, lone surrogates cannot occur in `&str`, U+FFFE/U+FFFF),
//! are dropped for the same reason: a stray control byte must not silence an emergency reply.
//!
//! Keeping each `<Message>` within Twilio's 1,600-character limit is the caller's job (texts are
//! split on segment boundaries before they get here).

/// The `Content-Type` to serve TwiML with.
pub const CONTENT_TYPE: &str = "text/xml; charset=utf-8";

const PROLOG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// A TwiML response sending each text as its own SMS, in order. No texts gives the empty
/// response, which tells Twilio to send nothing.
pub fn response<I, S>(messages: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut xml = String::from(PROLOG);
    xml.push_str("<Response>");
    for message in messages {
        xml.push_str("<Message>");
        escape_into(&mut xml, message.as_ref());
        xml.push_str("</Message>");
    }
    xml.push_str("</Response>");
    xml
}

/// The response that sends nothing: for a duplicate delivery, after STOP, or when every reply
/// goes out through the REST API instead.
pub fn empty() -> String {
    response(std::iter::empty::<&str>())
}

/// Appends `text` escaped for XML character data and attribute values alike (the voice channel's
/// TwiML uses it too).
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if allowed_in_xml(c) => out.push(c),
            _ => {}
        }
    }
}

/// XML 1.0's `Char` production: tab, newline, carriage return, and everything from U+0020 up
/// except U+FFFE and U+FFFF (surrogates cannot appear in a Rust `char`).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_xml_specials() {
        let xml = response(["Fentanyl & naloxone: <1 min>", r#"Say "help" or 'AYUDA'"#]);
        assert_eq!(
            xml,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                "<Response>",
                "<Message>Fentanyl &amp; naloxone: &lt;1 min&gt;</Message>",
                "<Message>Say &quot;help&quot; or &apos;AYUDA&apos;</Message>",
                "</Response>"
            )
        );
    }

    #[test]
    fn empty_response_sends_nothing() {
        assert_eq!(
            empty(),
            r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#
        );
        assert_eq!(empty(), response(Vec::<String>::new()));
    }

    #[test]
    fn keeps_newlines_unicode_and_already_escaped_looking_text() {
        let xml = response(["Llama al 911.\n¿Naloxona? Sí 💊 &amp;"]);
        assert!(xml.contains("<Message>Llama al 911.\n¿Naloxona? Sí 💊 &amp;amp;</Message>"));
    }

    #[test]
    fn drops_characters_xml_cannot_carry() {
        let xml = response(["a\u{0}b\u{7}c\u{1b}d\u{FFFF}e\tf\r\n"]);
        assert!(xml.contains("<Message>abcde\tf\r\n</Message>"));
    }

    #[test]
    fn one_message_per_text_in_order() {
        let xml = response(vec!["one".to_string(), "two".to_string()]);
        assert!(xml.ends_with("<Response><Message>one</Message><Message>two</Message></Response>"));
    }
}
