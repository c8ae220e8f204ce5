//! TwiML for a phone call: `<Say>` lines in the caller's language inside a `<Gather>` that
//! takes keys and speech, `<Pause>`, `<Redirect>` after a silence, `<Dial>` to a counselor or
//! the 988 Lifeline (never recorded), `<Hangup>`.
//!
//! Every text and attribute is escaped as the SMS TwiML is (`sms::twiml::escape_into`): one
//! stray `&` or `<` would make the document invalid, and Twilio would say "an application error
//! has occurred" to a caller who may be in the middle of an overdose. There is deliberately no
//! way to write `<Record>` here, and every `<Dial>` carries `record="do-not-record"`.

use crate::Lang;
use crate::channels::sms::twiml::{CONTENT_TYPE as SMS_CONTENT_TYPE, escape_into};
use crate::speech::Line;

/// The `Content-Type` TwiML is served with.
pub const CONTENT_TYPE: &str = SMS_CONTENT_TYPE;

/// The voice for each language: a Twilio voice name and the language code it speaks.
#[derive(Clone, Debug)]
pub struct Voices {
    pub en: String,
    pub es: String,
}

impl Voices {
    fn of(&self, lang: Lang) -> (&str, &'static str) {
        match lang {
            Lang::En => (&self.en, "en-US"),
            Lang::Es => (&self.es, "es-US"),
        }
    }
}

/// The speech-recognition language for a caller speaking `lang`.
pub fn language_code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en-US",
        Lang::Es => "es-US",
    }
}

/// How a `<Gather>` listens.
#[derive(Clone, Debug)]
pub struct Gather<'a> {
    /// Where Twilio posts what the caller pressed or said.
    pub action: &'a str,
    pub lang: Lang,
    /// Seconds of silence before giving up (then the next verb runs: a `<Redirect>`).
    pub timeout: u32,
    /// One key answers (a step with choices): no need to wait for `#`.
    pub one_key: bool,
    /// Words speech recognition should expect (the choices' labels).
    pub hints: &'a [String],
}

/// A `<Dial>` to one number.
#[derive(Clone, Debug)]
pub struct Dial<'a> {
    pub number: &'a str,
    /// What the called person sees: haven's number, never the caller's.
    pub caller_id: &'a str,
    pub timeout: u32,
    /// Where Twilio posts how the dial ended; without one, the document goes on.
    pub action: Option<&'a str>,
    /// A document Twilio plays to the called person before connecting (the counselor's
    /// "press 1 to take the call").
    pub whisper: Option<&'a str>,
}

/// A TwiML `<Response>` being written.
pub struct Twiml {
    xml: String,
}

impl Default for Twiml {
    fn default() -> Twiml {
        Twiml::new()
    }
}

impl Twiml {
    pub fn new() -> Twiml {
        Twiml {
            xml: String::from(r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#),
        }
    }

    fn attr(&mut self, name: &str, value: &str) {
        self.xml.push(' ');
        self.xml.push_str(name);
        self.xml.push_str("=\"");
        escape_into(&mut self.xml, value);
        self.xml.push('"');
    }

    /// One line, in its language's voice, slowly when it says so (SSML `<prosody>`, which only
    /// Amazon Polly and Google voices understand: others just get the pause after it), then
    /// its pause.
    pub fn say(&mut self, line: &Line, voices: &Voices) {
        if line.text.trim().is_empty() {
            return;
        }
        let (voice, language) = voices.of(line.lang);
        self.xml.push_str("<Say");
        self.attr("voice", voice);
        self.attr("language", language);
        self.xml.push('>');
        let ssml = voice.starts_with("Polly.") || voice.starts_with("Google.");
        if line.slow && ssml {
            self.xml.push_str(r#"<prosody rate="85%">"#);
            escape_into(&mut self.xml, &line.text);
            self.xml.push_str("</prosody>");
        } else {
            escape_into(&mut self.xml, &line.text);
        }
        self.xml.push_str("</Say>");
        if line.pause > 0 {
            self.pause(line.pause);
        }
    }

    pub fn say_all(&mut self, lines: &[Line], voices: &Voices) {
        for l in lines {
            self.say(l, voices);
        }
    }

    pub fn pause(&mut self, seconds: u8) {
        self.xml
            .push_str(&format!(r#"<Pause length="{}"/>"#, seconds.max(1)));
    }

    /// A `<Gather>` for keys and speech around what `inner` writes (the caller may answer while
    /// it is said).
    pub fn gather(&mut self, g: &Gather, inner: impl FnOnce(&mut Twiml)) {
        self.xml.push_str("<Gather");
        self.attr("input", "dtmf speech");
        self.attr("action", g.action);
        self.attr("method", "POST");
        self.attr("language", language_code(g.lang));
        self.attr("speechTimeout", "auto");
        self.attr("timeout", &g.timeout.to_string());
        if g.one_key {
            self.attr("numDigits", "1");
        } else {
            self.attr("finishOnKey", "#");
        }
        if !g.hints.is_empty() {
            self.attr("hints", &g.hints.join(", "));
        }
        self.xml.push('>');
        inner(self);
        self.xml.push_str("</Gather>");
    }

    pub fn redirect(&mut self, url: &str) {
        self.xml.push_str("<Redirect");
        self.attr("method", "POST");
        self.xml.push('>');
        escape_into(&mut self.xml, url);
        self.xml.push_str("</Redirect>");
    }

    /// Connects the caller to `d.number`. Never recorded: `record="do-not-record"` is written
    /// on every dial, whatever the account's defaults.
    pub fn dial(&mut self, d: &Dial) {
        self.xml.push_str("<Dial");
        self.attr("callerId", d.caller_id);
        self.attr("record", "do-not-record");
        self.attr("timeout", &d.timeout.to_string());
        self.attr("answerOnBridge", "true");
        if let Some(action) = d.action {
            self.attr("action", action);
            self.attr("method", "POST");
        }
        self.xml.push_str("><Number");
        if let Some(whisper) = d.whisper {
            self.attr("url", whisper);
            self.attr("method", "POST");
        }
        self.xml.push('>');
        escape_into(&mut self.xml, d.number);
        self.xml.push_str("</Number></Dial>");
    }

    pub fn hangup(&mut self) {
        self.xml.push_str("<Hangup/>");
    }

    pub fn finish(mut self) -> String {
        self.xml.push_str("</Response>");
        self.xml
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voices() -> Voices {
        Voices {
            en: "Polly.Joanna".into(),
            es: "Polly.Lupe".into(),
        }
    }

    fn line(lang: Lang, text: &str, slow: bool, pause: u8) -> Line {
        Line {
            lang,
            text: text.into(),
            slow,
            pause,
        }
    }

    #[test]
    fn a_step_is_a_gather_of_lines_then_a_redirect_on_silence() {
        let mut t = Twiml::new();
        let hints = vec!["Still not breathing".to_owned()];
        t.gather(
            &Gather {
                action: "https://h.example/voice/twilio?turn=2&lang=en",
                lang: Lang::En,
                timeout: 8,
                one_key: true,
                hints: &hints,
            },
            |t| {
                t.say(
                    &line(Lang::En, "Call 9 1 1 now & stay.", true, 1),
                    &voices(),
                );
                t.say(&line(Lang::Es, "Oprima 7: Español.", false, 0), &voices());
            },
        );
        t.redirect("https://h.example/voice/twilio?turn=2&lang=en&quiet=1");
        let xml = t.finish();
        assert_eq!(
            xml,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#,
                r#"<Gather input="dtmf speech" action="https://h.example/voice/twilio?turn=2&amp;lang=en" method="POST" language="en-US" speechTimeout="auto" timeout="8" numDigits="1" hints="Still not breathing">"#,
                r#"<Say voice="Polly.Joanna" language="en-US"><prosody rate="85%">Call 9 1 1 now &amp; stay.</prosody></Say><Pause length="1"/>"#,
                r#"<Say voice="Polly.Lupe" language="es-US">Oprima 7: Español.</Say>"#,
                "</Gather>",
                r#"<Redirect method="POST">https://h.example/voice/twilio?turn=2&amp;lang=en&amp;quiet=1</Redirect>"#,
                "</Response>"
            )
        );
    }

    #[test]
    fn dials_are_never_recorded_and_show_havens_number() {
        let mut t = Twiml::new();
        t.dial(&Dial {
            number: "+15555550111",
            caller_id: "+15555550100",
            timeout: 20,
            action: Some("https://h.example/voice/twilio/dial?turn=3&try=0"),
            whisper: Some("https://h.example/voice/twilio/whisper?lang=en"),
        });
        let xml = t.finish();
        assert!(xml.contains(r#"<Dial callerId="+15555550100" record="do-not-record" timeout="20" answerOnBridge="true" action="https://h.example/voice/twilio/dial?turn=3&amp;try=0" method="POST"><Number url="https://h.example/voice/twilio/whisper?lang=en" method="POST">+15555550111</Number></Dial>"#), "{xml}");
        assert!(!xml.contains("<Record"));
    }

    #[test]
    fn slow_lines_with_a_basic_voice_get_only_pauses() {
        let mut t = Twiml::new();
        t.say(
            &line(Lang::En, "Step 1.", true, 1),
            &Voices {
                en: "alice".into(),
                es: "alice".into(),
            },
        );
        assert!(
            t.finish().contains(
                r#"<Say voice="alice" language="en-US">Step 1.</Say><Pause length="1"/>"#
            )
        );
    }
}
