//! The counselor surfaces: where people on shift see the handoff queue and answer a person.
//! Both work the same tickets (`handoff`), side by side:
//!
//! - [`console`]: the web console at `/console` (accounts, sessions, server-rendered pages).
//! - [`telegram_group`]: the Telegram counselor group (`HAVEN_COUNSELOR_CHAT_ID`): tickets
//!   posted there, `/claim`-style commands, replies under a ticket's messages.
//!
//! A surface works through the message path (`messaging`: the `Hub`, `outbound::send`), never
//! through the server. The Telegram group reaches Telegram only through the channel's
//! wire-free API (`channels::telegram::group`), so the wire format stays in `bot/channels/`.

pub mod console;
pub mod telegram_group;

/// How long a ticket has been waiting, for a counselor: "40 s", "12 min", "2 h 5 min".
pub fn waited(now: i64, since: i64) -> String {
    let s = (now - since).max(0);
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    }
}
