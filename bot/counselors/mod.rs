//! The counselor surfaces: where people on shift see the handoff queue and answer a person.
//! Both work the same tickets (`handoff`), side by side:
//!
//! - [`console`]: the web console at `/console` (accounts, sessions, server-rendered pages).
//! - [`telegram_group`]: the Telegram counselor group (`HAVEN_COUNSELOR_CHAT_ID`): tickets
//!   posted there, `/claim`-style commands, replies under a ticket's messages.
//! - [`quick`]: the quick replies both offer (texts in `locales/*/quick-replies.ftl`).
//!
//! A surface works through the message path (`messaging`: the `Hub`, `outbound::send`), never
//! through the server. The Telegram group reaches Telegram only through the channel's
//! wire-free API (`channels::telegram::group`), so the wire format stays in `bot/channels/`.

pub mod console;
pub mod quick;
pub mod telegram_group;

use crate::handoff::TicketView;

/// How long the person waited, for a counselor: "waiting 40 s" while queued; once claimed the
/// clock stops: "waited 40 s".
pub fn wait_label(t: &TicketView, now: i64) -> String {
    let d = duration(t.waited(now));
    if t.claimed_at.is_some() {
        format!("waited {d}")
    } else {
        format!("waiting {d}")
    }
}

/// A duration for a counselor: "40 s", "12 min", "2 h 5 min".
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    }
}
