//! `back`: go back to the step the person waited at before this one, or the main menu.
//!
//! ```yaml
//! - back:
//! ```
//! For "back", "go back", "volver": the earlier step runs again (its texts and its question) and
//! waits. With nothing to go back to, the greeting's flow (the main menu) runs instead.

use crate::engine::Exec;

#[derive(Debug)]
pub struct Back;

impl Back {
    pub fn run(&self, ex: &mut Exec) {
        ex.go_back();
    }
}
