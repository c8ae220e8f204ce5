//! `say`: send one or more texts, by key, in the person's language.
//!
//! ```yaml
//! - say: naloxone-what            # one text
//! - say: [naloxone-1, naloxone-2] # several, each its own message
//! - say: {text: emergency-first, sms_segments: 1}   # with an SMS budget
//! ```
//! A step's own `say:` key is the same action, run before its `do:` list. Each text must exist
//! in every locale, and rendered as SMS must fit its budget: the `sms_segments` given here, else
//! the step's, else the flow's, else 4.

use crate::engine::Exec;
use crate::flows::load::Cx;
use crate::flows::raw::{RawSay, S};

#[derive(Debug)]
pub struct Say {
    pub texts: Vec<String>,
}

impl Say {
    pub(crate) fn load(raw: &S<RawSay>, cx: &mut Cx) -> Say {
        let budget = raw.value.sms_segments.as_ref().map(|b| b.value);
        let texts = raw
            .value
            .positioned(&raw.referenced)
            .into_iter()
            .map(|t| {
                cx.use_text(&t, budget);
                t.value
            })
            .collect();
        Say { texts }
    }

    pub fn run(&self, ex: &mut Exec) {
        for key in &self.texts {
            ex.say(key);
        }
    }
}
