//! What a Telegram update means for haven: a message from a person, a button press, the person
//! blocking the bot, or nothing to do.
//!
//! Only private chats are conversations. Groups and channels get no answer (the counselor
//! group will be handled by the handoff module). Every kind of message in a private chat is
//! answered: text goes to the engine as is (`/start` included, which the menu flow greets), a
//! location pin as a location, a photo's caption as text (an overdose described under a photo
//! must not be missed), and anything else (a sticker, a voice note, a contact) as an empty
//! text, which the engine answers with its short menu.
//!
//! teloxide turns an update it cannot parse (a field Telegram added or changed) into
//! `UpdateKind::Error` holding the raw JSON. Rather than drop such a message, [`classify`]
//! reads the few fields it needs from the raw JSON.

use serde_json::Value;
use teloxide::types::{
    CallbackQuery, ChatMemberKind, ChatMemberUpdated, Message, MessageKind, Update, UpdateKind,
};

/// What the person sent.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    Text(String),
    Location {
        lat: f64,
        lon: f64,
    },
    /// A sticker, voice note, photo without caption...: answered with the short menu.
    Other,
}

/// What an update asks haven to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A message in a private chat. `chat_id` is the person's address.
    Message { chat_id: i64, input: Input },
    /// A press on one of haven's inline buttons; `data` is the choice number.
    Button {
        chat_id: i64,
        query_id: String,
        data: String,
    },
    /// A button press haven cannot act on (not in a private chat, or on an inline message):
    /// answered so the button stops spinning, nothing more.
    StaleButton { query_id: String },
    /// The person blocked the bot: their session ends.
    Blocked { chat_id: i64 },
    /// Nothing to do; the reason is a metric label.
    Ignored(&'static str),
}

impl Event {
    /// The chat the event belongs to, if it needs an answer in one.
    pub fn chat_id(&self) -> Option<i64> {
        match self {
            Event::Message { chat_id, .. }
            | Event::Button { chat_id, .. }
            | Event::Blocked { chat_id } => Some(*chat_id),
            Event::StaleButton { .. } | Event::Ignored(_) => None,
        }
    }

    /// A short name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Message {
                input: Input::Text(_),
                ..
            } => "text",
            Event::Message {
                input: Input::Location { .. },
                ..
            } => "location",
            Event::Message {
                input: Input::Other,
                ..
            } => "other-message",
            Event::Button { .. } => "button",
            Event::StaleButton { .. } => "stale-button",
            Event::Blocked { .. } => "blocked",
            Event::Ignored(_) => "ignored",
        }
    }
}

/// The updates haven asks Telegram for (in `getUpdates` and `setWebhook`). Edits, channel posts
/// and the rest are never sent, which saves traffic and keeps other people's data away.
pub const ALLOWED_UPDATES: [teloxide::types::AllowedUpdate; 3] = [
    teloxide::types::AllowedUpdate::Message,
    teloxide::types::AllowedUpdate::CallbackQuery,
    teloxide::types::AllowedUpdate::MyChatMember,
];

/// What `update` asks haven to do.
pub fn classify(update: &Update) -> Event {
    match &update.kind {
        UpdateKind::Message(m) => message(m),
        UpdateKind::CallbackQuery(q) => callback(q),
        UpdateKind::MyChatMember(m) => member(m),
        UpdateKind::EditedMessage(_) => Event::Ignored("edited"),
        UpdateKind::Error(raw) => from_raw(raw),
        _ => Event::Ignored("other-update"),
    }
}

fn message(m: &Message) -> Event {
    if !m.chat.is_private() {
        return Event::Ignored("not-private");
    }
    if m.from.as_ref().is_some_and(|u| u.is_bot) {
        return Event::Ignored("from-bot");
    }
    if !matches!(m.kind, MessageKind::Common(_)) {
        // Service messages (a pinned message, access granted to a mini app...) are not
        // something the person said.
        return Event::Ignored("service-message");
    }
    let input = if let Some(text) = m.text() {
        Input::Text(text.to_owned())
    } else if let Some(l) = m.location() {
        Input::Location {
            lat: l.latitude,
            lon: l.longitude,
        }
    } else if let Some(v) = m.venue() {
        Input::Location {
            lat: v.location.latitude,
            lon: v.location.longitude,
        }
    } else if let Some(caption) = m.caption().filter(|c| !c.trim().is_empty()) {
        Input::Text(caption.to_owned())
    } else {
        Input::Other
    };
    Event::Message {
        chat_id: m.chat.id.0,
        input,
    }
}

fn callback(q: &CallbackQuery) -> Event {
    let query_id = q.id.0.clone();
    match q.message.as_ref().map(|m| m.chat()) {
        Some(chat) if chat.is_private() => Event::Button {
            chat_id: chat.id.0,
            query_id,
            data: q.data.clone().unwrap_or_default(),
        },
        _ => Event::StaleButton { query_id },
    }
}

fn member(m: &ChatMemberUpdated) -> Event {
    if !m.chat.is_private() {
        return Event::Ignored("not-private");
    }
    match m.new_chat_member.kind {
        ChatMemberKind::Banned(_) | ChatMemberKind::Left => Event::Blocked {
            chat_id: m.chat.id.0,
        },
        _ => Event::Ignored("unblocked"),
    }
}

/// An update teloxide could not parse: read what haven needs from the raw JSON.
fn from_raw(raw: &Value) -> Event {
    let private_chat = |chat: &Value| -> Option<i64> {
        (chat.get("type")?.as_str()? == "private")
            .then(|| chat.get("id")?.as_i64())
            .flatten()
    };
    if let Some(m) = raw.get("message") {
        let Some(chat_id) = m.get("chat").and_then(private_chat) else {
            return Event::Ignored("not-private");
        };
        if m.pointer("/from/is_bot").and_then(Value::as_bool) == Some(true) {
            return Event::Ignored("from-bot");
        }
        let location = m
            .get("location")
            .or_else(|| m.pointer("/venue/location"))
            .and_then(|l| Some((l.get("latitude")?.as_f64()?, l.get("longitude")?.as_f64()?)));
        let input = if let Some(text) = m.get("text").and_then(Value::as_str) {
            Input::Text(text.to_owned())
        } else if let Some((lat, lon)) = location {
            Input::Location { lat, lon }
        } else if let Some(caption) = m
            .get("caption")
            .and_then(Value::as_str)
            .filter(|c| !c.trim().is_empty())
        {
            Input::Text(caption.to_owned())
        } else {
            Input::Other
        };
        return Event::Message { chat_id, input };
    }
    if let Some(q) = raw.get("callback_query") {
        let Some(query_id) = q.get("id").and_then(Value::as_str).map(str::to_owned) else {
            return Event::Ignored("unparsed");
        };
        return match q.pointer("/message/chat").and_then(private_chat) {
            Some(chat_id) => Event::Button {
                chat_id,
                query_id,
                data: q
                    .get("data")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            },
            None => Event::StaleButton { query_id },
        };
    }
    Event::Ignored("unparsed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Update {
        let mut update: Update = serde_json::from_str(json).expect("an update");
        // As the webhook and teloxide's getUpdates do: keep the raw JSON of what did not parse.
        if let UpdateKind::Error(v) = &mut update.kind {
            *v = serde_json::from_str(json).unwrap();
        }
        update
    }

    const USER: &str = r#"{"id":4242,"is_bot":false,"first_name":"Ana"}"#;

    fn private_message(fields: &str) -> String {
        format!(
            r#"{{"update_id":10,"message":{{"message_id":1,"date":1700000000,"from":{USER},
            "chat":{{"id":4242,"type":"private","first_name":"Ana"}},{fields}}}}}"#
        )
    }

    #[test]
    fn text_location_venue_caption_and_stickers() {
        assert_eq!(
            classify(&parse(&private_message(r#""text":"/start""#))),
            Event::Message {
                chat_id: 4242,
                input: Input::Text("/start".into())
            }
        );
        assert_eq!(
            classify(&parse(&private_message(
                r#""location":{"latitude":40.7,"longitude":-73.9}"#
            ))),
            Event::Message {
                chat_id: 4242,
                input: Input::Location {
                    lat: 40.7,
                    lon: -73.9
                }
            }
        );
        assert_eq!(
            classify(&parse(&private_message(
                r#""venue":{"location":{"latitude":1.5,"longitude":2.5},"title":"T","address":"A"}"#
            ))),
            Event::Message {
                chat_id: 4242,
                input: Input::Location { lat: 1.5, lon: 2.5 }
            }
        );
        assert_eq!(
            classify(&parse(&private_message(
                r#""photo":[{"file_id":"f","file_unique_id":"u","width":1,"height":1}],"caption":"he is not breathing""#
            ))),
            Event::Message {
                chat_id: 4242,
                input: Input::Text("he is not breathing".into())
            }
        );
        let sticker = r#""sticker":{"file_id":"f","file_unique_id":"u","type":"regular","width":1,"height":1,"is_animated":false,"is_video":false}"#;
        assert_eq!(
            classify(&parse(&private_message(sticker))),
            Event::Message {
                chat_id: 4242,
                input: Input::Other
            }
        );
    }

    #[test]
    fn groups_are_not_conversations() {
        let json = r#"{"update_id":11,"message":{"message_id":1,"date":1700000000,
            "from":{"id":4242,"is_bot":false,"first_name":"Ana"},
            "chat":{"id":-100123,"type":"supergroup","title":"G"},"text":"hi"}}"#;
        assert_eq!(classify(&parse(json)), Event::Ignored("not-private"));
    }

    #[test]
    fn button_presses() {
        let json = format!(
            r#"{{"update_id":12,"callback_query":{{"id":"cb1","from":{USER},"chat_instance":"ci",
            "data":"2","message":{{"message_id":5,"date":1700000000,
            "chat":{{"id":4242,"type":"private","first_name":"Ana"}},"text":"Pick one"}}}}}}"#
        );
        assert_eq!(
            classify(&parse(&json)),
            Event::Button {
                chat_id: 4242,
                query_id: "cb1".into(),
                data: "2".into()
            }
        );
        let inline = format!(
            r#"{{"update_id":13,"callback_query":{{"id":"cb2","from":{USER},"chat_instance":"ci",
            "inline_message_id":"im","data":"1"}}}}"#
        );
        assert_eq!(
            classify(&parse(&inline)),
            Event::StaleButton {
                query_id: "cb2".into()
            }
        );
    }

    #[test]
    fn blocking_and_unblocking() {
        let member = |status: &str| {
            format!(
                r#"{{"update_id":14,"my_chat_member":{{"chat":{{"id":4242,"type":"private","first_name":"Ana"}},
                "from":{USER},"date":1700000000,
                "old_chat_member":{{"user":{{"id":1,"is_bot":true,"first_name":"haven"}},"status":"member"}},
                "new_chat_member":{{"user":{{"id":1,"is_bot":true,"first_name":"haven"}},"status":"{status}"{extra}}}}}}}"#,
                extra = if status == "kicked" {
                    r#","until_date":0"#
                } else {
                    ""
                }
            )
        };
        assert_eq!(
            classify(&parse(&member("kicked"))),
            Event::Blocked { chat_id: 4242 }
        );
        assert_eq!(
            classify(&parse(&member("member"))),
            Event::Ignored("unblocked")
        );
    }

    #[test]
    fn unparsable_messages_are_still_answered() {
        // `date` as a string makes teloxide's parse fail; the raw JSON still has the chat.
        let json = r#"{"update_id":15,"message":{"message_id":1,"date":"yesterday",
            "chat":{"id":4242,"type":"private"},"text":"my friend is blue"}}"#;
        let update = parse(json);
        assert!(matches!(update.kind, UpdateKind::Error(_)));
        assert_eq!(
            classify(&update),
            Event::Message {
                chat_id: 4242,
                input: Input::Text("my friend is blue".into())
            }
        );
        let unknown = r#"{"update_id":16,"brand_new_kind":{"x":1}}"#;
        assert_eq!(classify(&parse(unknown)), Event::Ignored("unparsed"));
    }
}
