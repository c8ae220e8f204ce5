//! `repeat`: say again what haven said last, with the choices of the step the person waits at.
//!
//! ```yaml
//! - repeat:
//! ```
//! For "what?", "say again", "otra vez": the texts are rendered again in the person's current
//! language with their current variables; referral lists are said again as they were. Used in
//! an aside (`aside: true` trigger), so the person stays at their step.

use crate::engine::Exec;

#[derive(Debug)]
pub struct Repeat;

impl Repeat {
    pub fn run(&self, ex: &mut Exec) {
        ex.repeat_last();
    }
}
