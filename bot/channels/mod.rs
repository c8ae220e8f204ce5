//! Channels: only `bot/channels/` knows Telegram or Twilio wire formats.
//!
//! Everything outside this module speaks in plain texts, pseudonyms and typed events; the code
//! here turns those into Twilio form posts, TwiML and REST calls, Telegram updates and Bot API
//! calls, the voice line's TwiML, and the web chat's pages, cookies and event streams, and back. Keeping the wire formats in one place means a change at Twilio or Telegram touches
//! one module, and the privacy rules (no phone number in logs or errors) are enforced where the
//! numbers first appear.
//!
//! A channel sits on the message path (`crate::messaging`): it gets the `Hub` in its own
//! handler state, calls `deliver`, builds its own routes and registers an `Outlet`. It never
//! names the server or the counselor surfaces (tests/structure.rs checks it); the server
//! composes the channels' routes and background work.

pub mod sms;
pub mod telegram;
pub mod voice;
pub mod web;
pub mod whatsapp;
