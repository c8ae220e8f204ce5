//! Reports a program can show its funders, without keeping who said what.
//!
//! [`Tally`] counts events into daily counters as they happen (a conversation begins, a message
//! gets an intent, a referral is given, a handoff opens, is answered, times out or closes, a
//! feedback answer comes in). Reports are built from those counters only — never reconstructed
//! from sessions or transcripts — so they cannot hold more than the counters do: a day, what was
//! counted, labels from closed sets, and a number. [`report`] turns a range of days into the
//! aggregates the console draws and exports, with every cell below five shown as "<5".

pub mod report;
pub mod tally;

pub use report::{Body, Cell, RangeError, Report, Section, Series};
pub use tally::{Count, Fate, Metric, Tally};
