//! How the engine's replies look on Telegram: texts cut to Telegram's length limit, choices as
//! inline buttons, a venue message per place of a referral list, phone numbers marked as phone
//! entities, the reply keyboard with a "share location" button, and a "Back to the bot" button
//! while the person is in the counselor queue.
//!
//! Everything here is pure (no network), so the shapes are unit-tested; `client.rs` turns an
//! [`Outgoing`] into a `sendMessage` or `sendVenue` call.

use crate::engine::reply::{Listing, Place};
use crate::engine::{Reply, reply::plain_with_choices};
use crate::text::phones;

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
    /// An inline button, with this label, that leaves the counselor queue: its callback data is
    /// the leave word (`messaging::LEAVE_WORD`).
    Leave(String),
}

/// A place as Telegram shows it natively: a pin on a map with a title and an address, which
/// opens the map (and directions) when tapped.
#[derive(Clone, Debug, PartialEq)]
pub struct Venue {
    pub lat: f64,
    pub lon: f64,
    pub title: String,
    pub address: String,
}

/// What one message is.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// A `sendMessage`, with its phone numbers marked (see [`phone_entities`]).
    Text(String),
    /// A `sendVenue`.
    Venue(Venue),
}

/// One message to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    pub body: Body,
    pub markup: Markup,
}

impl Outgoing {
    /// The message's text; empty for a venue.
    pub fn text(&self) -> &str {
        match &self.body {
            Body::Text(t) => t,
            Body::Venue(_) => "",
        }
    }
}

/// Keyboards the channel adds to the engine's replies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keyboards {
    /// Offer a "share location" button with this label (the session waits for a location).
    pub share_location: Option<String>,
    /// Take away the "share location" keyboard shown before.
    pub remove: bool,
    /// Offer a "Back to the bot" button with this label (the person is in the counselor queue).
    pub leave: Option<String>,
}

/// The messages to send for `replies`, in order.
///
/// A reply's text is split to fit [`MAX_TEXT_UNITS`]; its choices go on the last piece, so the
/// buttons sit under the question. A reply listing places becomes the list in words (without
/// map addresses) followed by one venue per place. Telegram allows one keyboard per message,
/// so the "share location" keyboard and the "Back to the bot" button go on the last message
/// without buttons (the question "Where are you?" comes last), and the keyboard removal on the
/// first one. If every message carries buttons the extra keyboard is left out: the person can
/// still type a ZIP code (or MENU), and a leftover location keyboard hides itself once used.
pub fn render(replies: &[Reply], keyboards: &Keyboards) -> Vec<Outgoing> {
    let mut out = Vec::new();
    for reply in replies {
        let text = if let Some(listing) = &reply.listing {
            listing_text(listing)
        } else if reply.text.trim().is_empty() {
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
                body: Body::Text(text),
                markup: Markup::None,
            })
            .collect();
        if let Some(listing) = &reply.listing {
            pieces.extend(listing.places.iter().map(|p| Outgoing {
                body: Body::Venue(venue(p)),
                markup: Markup::None,
            }));
        }
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
    if let Some(label) = &keyboards.leave
        && let Some(m) = out.iter_mut().rev().find(|m| m.markup == Markup::None)
    {
        m.markup = Markup::Leave(label.clone());
    }
    out
}

/// A list of places in words for Telegram: the heading, then per place its name, distance and
/// opening, kinds, phone and notes. Addresses and maps are in the venues that follow.
fn listing_text(l: &Listing) -> String {
    let mut blocks = vec![l.heading.clone()];
    for p in &l.places {
        let mut lines = vec![format!("{}. {}", p.number, p.name)];
        lines.push(match &p.hours {
            Some(h) => format!("{} · {h}", p.distance),
            None => p.distance.clone(),
        });
        lines.push(p.kinds.clone());
        if let Some(phone) = &p.phone {
            lines.push(phone.line.clone());
        }
        if let Some(a) = &p.approximate {
            lines.push(a.clone());
        }
        if !p.notes.is_empty() {
            lines.push(p.notes.clone());
        }
        blocks.push(lines.join("\n"));
    }
    blocks.join("\n\n")
}

fn venue(p: &Place) -> Venue {
    Venue {
        lat: p.lat,
        lon: p.lon,
        title: format!("{}. {}", p.number, p.name),
        // Telegram needs an address; a place listed without one is described by its kinds.
        address: if p.address.is_empty() {
            p.kinds.clone()
        } else {
            p.address.clone()
        },
    }
}

/// A phone number's place in a message text, in UTF-16 code units as Telegram counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhoneEntity {
    pub offset: usize,
    pub length: usize,
}

/// The phone numbers in `text` (911, 988, hotlines, places' numbers) as Telegram
/// `phone_number` entities, so they can be tapped to call.
pub fn phone_entities(text: &str) -> Vec<PhoneEntity> {
    phones::find(text)
        .into_iter()
        .map(|p| PhoneEntity {
            offset: text[..p.range.start].encode_utf16().count(),
            length: text[p.range].encode_utf16().count(),
        })
        .collect()
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
            ..Reply::default()
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
        assert_eq!(out[0].text(), "1 A\n2 B");
        assert_eq!(out[0].markup, Markup::Choices(vec!["A".into(), "B".into()]));
    }

    #[test]
    fn share_location_goes_on_the_last_plain_message() {
        let keyboards = Keyboards {
            share_location: Some("Share".into()),
            remove: true,
            leave: None,
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
            leave: None,
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

    fn listing() -> Reply {
        use crate::engine::reply::Phone;
        let place = |n: usize, name: &str, address: &str| Place {
            number: n,
            name: name.into(),
            kinds: "Naloxone".into(),
            distance: "0.3 mi".into(),
            open_now: Some(true),
            hours: Some("open 24/7".into()),
            phone: Some(Phone {
                number: "212-555-0101".into(),
                tel: "+12125550101".into(),
                line: "Phone: 212-555-0101".into(),
            }),
            address: address.into(),
            lat: 40.7,
            lon: -73.9,
            map_url: "https://www.openstreetmap.org/?mlat=40.7".into(),
            notes: "Walk in.".into(),
            ..Place::default()
        };
        Reply {
            text: "Near 10001:\n\n1. A\nMap: https://www.openstreetmap.org/?mlat=40.7".into(),
            listing: Some(Listing {
                heading: "Near 10001:".into(),
                places: vec![place(1, "A", "1 Main St"), place(2, "B", "")],
            }),
            ..Reply::default()
        }
    }

    #[test]
    fn a_list_of_places_is_words_then_a_venue_per_place() {
        let out = render(
            &[listing(), reply("Want more?", &["More"])],
            &Keyboards::default(),
        );
        assert_eq!(out.len(), 4);
        assert_eq!(
            out[0].text(),
            "Near 10001:\n\n1. A\n0.3 mi · open 24/7\nNaloxone\nPhone: 212-555-0101\nWalk in.\n\n\
             2. B\n0.3 mi · open 24/7\nNaloxone\nPhone: 212-555-0101\nWalk in."
        );
        assert!(
            !out[0].text().contains("openstreetmap"),
            "maps are in the venues"
        );
        assert_eq!(
            out[1].body,
            Body::Venue(Venue {
                lat: 40.7,
                lon: -73.9,
                title: "1. A".into(),
                address: "1 Main St".into()
            })
        );
        let Body::Venue(second) = &out[2].body else {
            panic!("{:?}", out[2])
        };
        assert_eq!(second.address, "Naloxone", "never an empty address");
        assert_eq!(out[3].markup, Markup::Choices(vec!["More".into()]));
    }

    #[test]
    fn the_leave_button_goes_on_the_last_plain_message() {
        let keyboards = Keyboards {
            leave: Some("Back to the bot".into()),
            ..Keyboards::default()
        };
        let out = render(
            &[
                reply("You're in line.", &[]),
                reply("You're number 1.", &[]),
            ],
            &keyboards,
        );
        assert_eq!(out[0].markup, Markup::None);
        assert_eq!(out[1].markup, Markup::Leave("Back to the bot".into()));
    }

    #[test]
    fn phone_entities_count_utf16_units() {
        let text = "📍 Llame al 911. SAMHSA: 1-800-662-4357";
        let e = phone_entities(text);
        assert_eq!(
            e,
            [
                PhoneEntity {
                    offset: 12,
                    length: 3
                },
                PhoneEntity {
                    offset: 25,
                    length: 14
                }
            ]
        );
        let units: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(String::from_utf16(&units[12..15]).unwrap(), "911");
        assert_eq!(
            String::from_utf16(&units[25..39]).unwrap(),
            "1-800-662-4357"
        );
    }
}
