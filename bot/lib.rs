//! haven: an anonymous harm-reduction support bot. See ARCHITECTURE.md for the map.

pub mod channels;
pub mod check;
pub mod config;
pub mod content;
pub mod conversations;
pub mod counselors;
pub mod engine;
pub mod flows;
pub mod handoff;
pub mod lang;
pub mod locales;
pub mod messaging;
pub mod metrics;
pub mod problem;
pub mod referrals;
pub mod reports;
pub mod runtime;
pub mod server;
pub mod speech;
pub mod store;
pub mod text;
pub mod triage;

pub use lang::Lang;
