//! Helpers shared by the integration tests: stand-ins for the services haven talks to.
//!
//! Each test binary compiles this module and uses only part of it, so unused items are expected.
#![allow(dead_code)]

pub mod twilio_fake;
