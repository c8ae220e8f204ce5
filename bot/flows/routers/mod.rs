//! Routers: what a step does after its actions. One file per kind that needs more than a
//! target: `choices` and `capture` wait for the person, `branch` decides from variables.

pub mod accepts;
pub mod branch;
pub mod capture;
pub mod choices;

pub use accepts::Accept;
pub use branch::{Branch, Cond};
pub use capture::{Capture, CaptureKind};
pub use choices::{Choice, Choices};
