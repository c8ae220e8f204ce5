//! `accepts`: what else a waiting step understands, beyond its choices or capture.
//!
//! ```yaml
//! - id: after
//!   say: services-after
//!   choices: [...]
//!   accepts:
//!     - capture: location     # a ZIP or a listed place anywhere in the message: search again
//!       var: location
//!       next: results
//!     - match: [open-now]     # concept rules, as in triggers ("which ones are open now")
//!       set: {open_now: "yes"}
//!       next: results
//!     - words: [methadone, metadona]   # phrases, as choice words
//!       set: {kind: methadone}
//!       next: results
//! ```
//! Accepted answers are tried in order after the step's own choices or capture, and before
//! asides ("thanks", "what?") and other flows' triggers. A capture here is found anywhere in
//! the message ("im near 10001 i think"); kinds are `zip`, `location` and `number`.

use super::super::Target;
use super::capture::CaptureKind;
use crate::triage::concepts::Rule;

#[derive(Debug)]
pub struct Accept {
    /// Folded phrases, as choice words.
    pub words: Vec<Vec<String>>,
    /// Concept rules, as in triggers.
    pub rules: Vec<Rule>,
    /// A value to find in the message, and the variable that keeps it.
    pub capture: Option<(CaptureKind, String)>,
    pub set: Vec<(String, String)>,
    pub target: Target,
}
