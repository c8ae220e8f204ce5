//! `end`: end the flow after this step's texts, whatever its router says.
//!
//! ```yaml
//! - end:
//! ```
//! The session goes back to idle and the next message goes through triage. A step with `end`
//! must not also have a router; `haven check` reports that as a problem.

use crate::engine::Exec;

#[derive(Debug)]
pub struct End;

impl End {
    pub fn run(&self, ex: &mut Exec) {
        ex.end_flow();
    }
}
