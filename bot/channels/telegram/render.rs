//! How the engine's replies look on Telegram: texts cut to Telegram's length limit, choices as
//! inline buttons, and the reply keyboard with a "share location" button.
//!
//! Everything here is pure (no network), so the shapes are unit-tested; `client.rs` turns an
//! [`Outgoing`] into a `sendMessage` call.

use crate::engine::{Reply, reply::plain_with_choices};

/// Telegram refuses a message text longer than 4096 characters. We count UTF-16 code units,
/// which is how Telegram measures texts (entity offsets are UTF-16) and never fewer than the
/// characters, so a piece that fits here fits there.
pub const MAX_TEXT_UNITS: usize = 4096;

/// What is attached to one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Markup {
    None,
    /// An inline keyboard, one button per row. Pressing the button at index `i` sends the
    /// callback data `i + 1`, the number the engine accepts as the answer.
    Choices(Vec<String>),
    /// A reply keyboard whose one button, with this label, sends the person's location pin.
    ShareLocation(String),
    /// Takes away a reply keyboard shown earlier.
    RemoveKeyboard,
}

/// One `sendMessage`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub text: String,
    pub markup: Markup,
}

/// Keyboards the channel adds to the engine's replies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keyboards {
    /// Offer a "share location" button with this label (the session waits for a location).
    pub share_location: Option<String>,
    /// Take away the "share location" keyboard shown before.
    pub remove: bool,
}

/// The messages to send for `replies`, in order.
///
/// A reply's text is split to fit [`MAX_TEXT_UNITS`]; its choices go on the last piece, so the
/// buttons sit under the question. Telegram allows one keyboard per message, so the "share
/// location" keyboard goes on the last message without buttons (the question "Where are
/// you?" comes last), and the keyboard removal on the first one. If every message carries
/// buttons the extra keyboard is left out: the person can still type a ZIP code, and a
/// leftover location keyboard hides itself once used.
pub fn render(replies: &[Reply], keyboards: &Keyboards) -> Vec<Outgoing> {
    let mut out = Vec::new();
    for reply in replies {
        let text = if reply.text.trim().is_empty() {
            if reply.choices.is_empty() {
                // Telegram refuses an empty message, and there is nothing to say.
                continue;
            }
            // Buttons need a message to sit under: list them, as SMS would.
            plain_with_choices("", &reply.choices)
        } else {
            reply.text.clone()
        };
        let mut pieces: Vec<Outgoing> = split_text(&text, MAX_TEXT_UNITS)
            .into_iter()
            .map(|text| Outgoing {
                text,
                markup: Markup::None,
            })
            .collect();
        if let Some(last) = pieces.last_mut()
            && !reply.choices.is_empty()
        {
            last.markup = Markup::Choices(reply.choices.clone());
        }
        out.extend(pieces);
    }
    if let Some(label) = &keyboards.share_location {
        if let Some(m) = out.iter_mut().rev().find(|m| m.markup == Markup::None) {
            m.markup = Markup::ShareLocation(label.clone());
        }
    } else if keyboards.remove
        && let Some(m) = out.iter_mut().find(|m| m.markup == Markup::None)
    {
        m.markup = Markup::RemoveKeyboard;
    }
    out
}

/// Splits `text` into pieces of at most `max_units` UTF-16 code units, cutting after the last
/// line break that fits, else after the last space, else between two characters. Whitespace at
/// a cut is dropped; empty pieces are not returned.
pub fn split_text(text: &str, max_units: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text.trim_end();
    while !rest.is_empty() {
        let limit = fitting_prefix(rest, max_units);
        if limit == rest.len() {
            out.push(rest.to_owned());
            break;
        }
        let head = &rest[..limit];
        let cut = head
            .rfind('\n')
            .or_else(|| head.rfind(char::is_whitespace))
            .filter(|&i| i > 0);
        let (piece, next) = match cut {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (head, &rest[limit..]),
        };
        let piece = piece.trim_end();
        if !piece.is_empty() {
            out.push(piece.to_owned());
        }
        rest = next.trim_start();
    }
    out
}

/// The byte length of the longest prefix of `text` within `max_units` UTF-16 units; at least
/// one character, so splitting always moves on.
fn fitting_prefix(text: &str, max_units: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > max_units {
            return if i == 0 { c.len_utf8() } else { i };
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(text: &str, choices: &[&str]) -> Reply {
        Reply {
            text: text.into(),
            choices: choices.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn short_text_is_one_piece() {
        assert_eq!(split_text("Call 911 now.", 4096), vec!["Call 911 now."]);
        assert!(split_text("", 10).is_empty());
        assert!(split_text(" \n ", 10).is_empty());
    }

    #[test]
    fn long_text_splits_on_lines_then_words() {
        let text = "one two three\nfour five six";
        assert_eq!(split_text(text, 16), vec!["one two three", "four five six"]);
        assert_eq!(
            split_text("alpha beta gamma delta", 11),
            vec!["alpha beta", "gamma delta"]
        );
        // A word longer than the limit is cut between characters.
        assert_eq!(split_text("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }

    #[test]
    fn pieces_fit_telegrams_limit_and_keep_every_word() {
        let word = "naloxone ";
        let text = word.repeat(1000) + "\n" + &"💊".repeat(3000);
        let pieces = split_text(&text, MAX_TEXT_UNITS);
        assert!(pieces.len() > 2);
        for p in &pieces {
            assert!(p.encode_utf16().count() <= MAX_TEXT_UNITS, "{}", p.len());
        }
        let joined: String = pieces.concat();
        assert_eq!(
            joined.matches("naloxone").count(),
            1000,
            "no word lost or cut"
        );
        assert_eq!(joined.matches('💊').count(), 3000, "no surrogate pair cut");
    }

    #[test]
    fn a_character_wider_than_the_limit_still_moves_on() {
        assert_eq!(split_text("💊💊", 1), vec!["💊", "💊"]);
    }

    #[test]
    fn choices_become_buttons_on_the_last_piece() {
        let long = "x".repeat(5000);
        let out = render(&[reply(&long, &["Yes", "No"])], &Keyboards::default());
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].markup, Markup::None);
        assert_eq!(
            out[1].markup,
            Markup::Choices(vec!["Yes".into(), "No".into()])
        );
    }

    #[test]
    fn empty_replies_are_skipped_and_lone_choices_get_a_text() {
        let out = render(
            &[reply("", &[]), reply(" ", &["A", "B"])],
            &Keyboards::default(),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text, "1 A\n2 B");
        assert_eq!(out[0].markup, Markup::Choices(vec!["A".into(), "B".into()]));
    }

    #[test]
    fn share_location_goes_on_the_last_plain_message() {
        let keyboards = Keyboards {
            share_location: Some("Share".into()),
            remove: true,
        };
        let out = render(
            &[reply("Intro", &[]), reply("Where are you?", &[])],
            &keyboards,
        );
        assert_eq!(out[0].markup, Markup::None);
        assert_eq!(out[1].markup, Markup::ShareLocation("Share".into()));
    }

    #[test]
    fn removal_goes_on_the_first_plain_message() {
        let keyboards = Keyboards {
            share_location: None,
            remove: true,
        };
        let out = render(
            &[
                reply("Pick", &["A"]),
                reply("Listing", &[]),
                reply("More", &[]),
            ],
            &keyboards,
        );
        assert_eq!(out[0].markup, Markup::Choices(vec!["A".into()]));
        assert_eq!(out[1].markup, Markup::RemoveKeyboard);
        assert_eq!(out[2].markup, Markup::None);
    }
}
