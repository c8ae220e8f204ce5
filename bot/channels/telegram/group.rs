//! The Telegram side of the counselor group (`HAVEN_COUNSELOR_CHAT_ID`): reading a group
//! message into a wire-free [`GroupMessage`], and posting into the group.
//!
//! What the group *does* (tickets, `/claim`, replies to a person) is a counselor surface,
//! `counselors::telegram_group`, which implements [`CounselorGroup`]. The channel calls it
//! through that trait, handed over by the server, so the channel never imports the counselor
//! surfaces and they never see a Telegram `Message`.

use std::future::Future;
use std::pin::Pin;

use teloxide::types::Message;

use super::{TelegramChannel, TelegramError};

/// A counselor's message in the group, as the counselor surface needs it.
#[derive(Debug, Clone)]
pub struct GroupMessage {
    /// The message's id in the group, to reply under.
    pub id: i64,
    /// Who wrote it, as tickets name counselors: their Telegram username, else first name.
    /// Never shown to the person.
    pub author: String,
    /// The text, trimmed.
    pub text: String,
    /// The id of the group message this one replies to, if any.
    pub reply_to: Option<i64>,
}

/// The counselor group's behaviour, implemented by `counselors::telegram_group`.
pub trait CounselorGroup: Send + Sync {
    /// The group's chat id; messages in any other group are not the counselors'.
    fn chat_id(&self) -> i64;

    /// Handles a counselor's message: a command, or a reply under a ticket's message.
    fn handle<'a>(&'a self, m: GroupMessage) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;
}

/// Reads a message in the counselor group. `None` for what counselors did not write as text:
/// a message from a bot, without a sender, or without text.
pub fn read(m: &Message) -> Option<GroupMessage> {
    let u = m.from.as_ref()?;
    if u.is_bot {
        return None;
    }
    let author = u
        .username
        .clone()
        .map(|n| format!("@{n}"))
        .unwrap_or_else(|| u.first_name.clone());
    Some(GroupMessage {
        id: i64::from(m.id.0),
        author,
        text: m.text()?.trim().to_owned(),
        reply_to: m.reply_to_message().map(|p| i64::from(p.id.0)),
    })
}

impl TelegramChannel {
    /// Posts `text` to a group chat, as a reply to the message `reply_to` if given; the new
    /// message's id.
    pub async fn post(
        &self,
        chat: i64,
        text: &str,
        reply_to: Option<i64>,
    ) -> Result<i64, TelegramError> {
        // Telegram's message ids are 32-bit; ids stored as i64 came from there.
        let reply_to = reply_to.map(|m| m as i32);
        self.client
            .send_text(chat, text, reply_to)
            .await
            .map(i64::from)
    }
}
