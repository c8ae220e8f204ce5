//! Stage one of loading a flow: the YAML as written, with source positions, before validation.
//!
//! Nothing here is trusted: ids may be unknown, patterns invalid, texts missing. `load.rs` turns
//! these into the validated types of `mod.rs` and reports every problem with its position.
//! Positions come from `serde_saphyr::Spanned`, which keeps the line and column of each value.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

pub type S<T> = Spanned<T>;

/// A whole flow file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFlow {
    pub flow: S<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub interruptible: Option<bool>,
    #[serde(default)]
    pub sms_segments: Option<S<u32>>,
    #[serde(default)]
    pub triggers: Vec<S<RawTrigger>>,
    #[serde(default)]
    pub start: Option<S<String>>,
    #[serde(default)]
    pub steps: Vec<S<RawStep>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrigger {
    pub intent: S<String>,
    #[serde(default)]
    pub priority: Option<S<i32>>,
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub fallback: bool,
    #[serde(default)]
    pub start: Option<S<String>>,
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    #[serde(default)]
    pub words: PerLang,
    #[serde(default)]
    pub patterns: PerLang,
    /// Letters that must appear in the message with its spaces removed, for words run together
    /// ("myfriendisnotbreathing").
    #[serde(default)]
    pub substrings: PerLang,
    #[serde(default)]
    pub unless: PerLang,
    /// Rules over concepts (`flows/concepts/`), any of which starts the flow.
    #[serde(default, rename = "match")]
    pub rules: Vec<S<String>>,
    /// Rules over concepts that cancel a `match` where the two overlap.
    #[serde(default)]
    pub except: Vec<S<String>>,
    /// An aside ("thanks", "what?", "in Spanish please"): its flow runs without leaving the
    /// step the person was waiting at, and they are back there after it.
    #[serde(default)]
    pub aside: bool,
    /// After an aside, ask the waiting step's question again (its texts and choices).
    #[serde(default)]
    pub reprompt: bool,
    /// The one trigger used after two misunderstandings in a row at a waiting step.
    #[serde(default)]
    pub stuck: bool,
}

/// A concepts file (`flows/concepts/*.yaml`): named word lists and rules, shared by every flow.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConceptFile {
    pub concepts: BTreeMap<String, S<RawConcept>>,
}

/// One concept: terms per language and rules over other concepts.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConcept {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub en: Vec<S<String>>,
    #[serde(default)]
    pub es: Vec<S<String>>,
    #[serde(default)]
    pub any: Vec<S<String>>,
    #[serde(default)]
    pub rules: Vec<S<String>>,
}

/// Lists per language; `any` applies to every language and gives no language hint.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerLang {
    #[serde(default)]
    pub en: Vec<S<String>>,
    #[serde(default)]
    pub es: Vec<S<String>>,
    #[serde(default)]
    pub any: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub id: S<String>,
    #[serde(default)]
    pub say: Option<S<RawSay>>,
    #[serde(default)]
    pub sms_segments: Option<S<u32>>,
    #[serde(default, rename = "do")]
    pub actions: Vec<S<RawAction>>,
    #[serde(default)]
    pub choices: Option<Vec<S<RawChoice>>>,
    #[serde(default)]
    pub otherwise: Option<S<String>>,
    #[serde(default)]
    pub capture: Option<S<RawCapture>>,
    /// What else a waiting step understands, beyond its choices or capture.
    #[serde(default)]
    pub accepts: Vec<S<RawAccept>>,
    #[serde(default)]
    pub branch: Option<Vec<S<RawBranch>>>,
    #[serde(default)]
    pub next: Option<S<String>>,
}

/// One action of a step's `do:` list. Each variant's YAML shape is documented in its own file
/// under `flows/actions/`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawAction {
    Say(S<RawSay>),
    Set(BTreeMap<String, String>),
    Clear(Vec<S<String>>),
    Lang(S<String>),
    Locate(S<String>),
    Handoff(RawHandoff),
    Refer(RawRefer),
    End(Option<bool>),
    Repeat(Option<bool>),
    Back(Option<bool>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHandoff {
    pub priority: S<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRefer {
    #[serde(default)]
    pub kind: Option<S<String>>,
    #[serde(default)]
    pub near: Option<S<String>>,
    #[serde(default)]
    pub more: bool,
    /// Only places open now: `yes`, or `$var` (open only when the variable is `yes`).
    #[serde(default)]
    pub open_now: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub label: S<String>,
    #[serde(default)]
    pub words: Vec<S<String>>,
    /// Rules over concepts: the choice picked by what an answer means.
    #[serde(default, rename = "match")]
    pub rules: Vec<S<String>>,
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    pub next: S<String>,
}

/// Something else a waiting step understands: words or concept rules (like a choice without a
/// label), or a value captured from anywhere in the message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccept {
    #[serde(default)]
    pub words: Vec<S<String>>,
    #[serde(default, rename = "match")]
    pub rules: Vec<S<String>>,
    /// `zip`, `location` or `number`: found anywhere in the message.
    #[serde(default)]
    pub capture: Option<S<String>>,
    /// The variable a capture keeps.
    #[serde(default)]
    pub var: Option<S<String>>,
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    pub next: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCapture {
    pub var: S<String>,
    #[serde(default)]
    pub kind: Option<S<String>>,
    #[serde(default)]
    pub pattern: Option<S<String>>,
    pub invalid: S<String>,
    pub next: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBranch {
    #[serde(default, rename = "if")]
    pub when: Option<RawCond>,
    #[serde(default)]
    pub next: Option<S<String>>,
    #[serde(default, rename = "else")]
    pub otherwise: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCond {
    pub var: S<String>,
    #[serde(default)]
    pub is: Option<String>,
    #[serde(default, rename = "in")]
    pub one_of: Option<Vec<String>>,
    #[serde(default)]
    pub set: Option<bool>,
}

/// The texts a step or action says: a key, a list of keys, or `{text: key, sms_segments: N}`.
#[derive(Debug)]
pub struct RawSay {
    pub texts: Vec<S<String>>,
    pub sms_segments: Option<S<u32>>,
}

impl RawSay {
    /// Texts whose own position is unknown (a bare key is positioned by the `Spanned` around the
    /// whole `say`) take the position of the whole value.
    pub fn positioned(&self, outer: &Location) -> Vec<S<String>> {
        self.texts
            .iter()
            .map(|t| {
                if t.referenced.line() == 0 {
                    Spanned::new(t.value.clone(), *outer, *outer)
                } else {
                    t.clone()
                }
            })
            .collect()
    }
}

impl<'de> Deserialize<'de> for RawSay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawSay;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text key, a list of text keys, or {text: key, sms_segments: N}")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RawSay, E> {
                Ok(RawSay {
                    texts: vec![Spanned::new(
                        s.to_owned(),
                        Location::UNKNOWN,
                        Location::UNKNOWN,
                    )],
                    sms_segments: None,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawSay, A::Error> {
                let mut texts = Vec::new();
                while let Some(t) = seq.next_element::<S<String>>()? {
                    texts.push(t);
                }
                Ok(RawSay {
                    texts,
                    sms_segments: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawSay, A::Error> {
                let mut texts = Vec::new();
                let mut sms_segments = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "text" => texts.push(map.next_value::<S<String>>()?),
                        "sms_segments" => sms_segments = Some(map.next_value::<S<u32>>()?),
                        other => {
                            return Err(serde::de::Error::unknown_field(
                                other,
                                &["text", "sms_segments"],
                            ));
                        }
                    }
                }
                if texts.is_empty() {
                    return Err(serde::de::Error::missing_field("text"));
                }
                Ok(RawSay {
                    texts,
                    sms_segments,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses one flow file. A YAML or shape error is returned with its position.
pub fn parse(source: &str) -> Result<RawFlow, serde_saphyr::Error> {
    serde_saphyr::from_str(source)
}

/// 1-based line and column of a location, or (0, 0) when unknown.
pub fn pos(l: &Location) -> (u32, u32) {
    (l.line() as u32, l.column() as u32)
}
