//! Text utilities shared by triage, flows, referrals and channels: folding, tokens, SMS segments,
//! phone numbers.

pub mod fold;
pub mod fxhash;
pub mod phones;
pub mod segments;

pub use fold::{Folded, fold, fold_marking_questions, tokens};
pub use phones::PhoneSpan;
pub use segments::{Encoding, Segments, segments, split_for_sms};
