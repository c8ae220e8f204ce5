//! Helpers shared by the integration tests: stand-ins for the services haven talks to, and a
//! real haven server on loopback.
//!
//! Each test binary compiles this module and uses only part of it, so unused items are expected.
#![allow(dead_code)]

pub mod browser;
pub mod process;
pub mod server;
pub mod telegram_fake;
pub mod twilio_fake;
