//! The recent exchange shown on a page rendered without JavaScript, carried by the page itself.
//!
//! PRODUCT.md forbids storing message text on the server, so the no-JS page keeps the last few
//! turns in hidden form fields (`h`) that the browser posts back with the next message; the
//! server reads them, adds the new turn and renders them again, HTML-escaped. They live only in
//! the page (served `no-store`, so not in the browser's disk cache either). With JavaScript on,
//! the page's DOM holds the conversation and these fields are not used.
//!
//! Each field is `m:<text>` (the visitor) or `b.<lang>:<text>` (haven, in that language). The
//! visitor controls these fields, so they are treated as untrusted display text: malformed ones
//! are skipped and the whole history is capped, oldest first, to keep the next post far below
//! the body limit even when every byte is percent-encoded.

use std::collections::VecDeque;

use crate::Lang;
use crate::engine::Reply;
use crate::engine::reply::Listing;

/// Turns kept (a turn is one message from either side).
pub const MAX_ENTRIES: usize = 40;
/// Bytes of text kept in all. Percent-encoding triples a byte at worst, so the history stays
/// under 36 kB on the wire, leaving room for a full-length message within the 64 kB limit.
pub const MAX_BYTES: usize = 12_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speaker {
    Visitor,
    Haven,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub speaker: Speaker,
    /// The language haven wrote in (unknown for the visitor's own words).
    pub lang: Option<Lang>,
    pub text: String,
    /// The places of a referral reply, shown as cards on the page where the reply is new. Not
    /// carried in the hidden fields: on later pages the reply shows as its text, which lists
    /// the same places.
    pub listing: Option<Listing>,
}

impl Entry {
    pub fn visitor(text: impl Into<String>) -> Entry {
        Entry {
            speaker: Speaker::Visitor,
            lang: None,
            text: text.into(),
            listing: None,
        }
    }

    pub fn haven(lang: Option<Lang>, text: impl Into<String>) -> Entry {
        Entry {
            speaker: Speaker::Haven,
            lang,
            text: text.into(),
            listing: None,
        }
    }

    /// A reply of haven's, with its places when it lists some.
    pub fn reply(lang: Option<Lang>, reply: Reply) -> Entry {
        Entry {
            listing: reply.listing,
            ..Entry::haven(lang, reply.text)
        }
    }

    /// The hidden-field value for this entry.
    pub fn encode(&self) -> String {
        match (self.speaker, self.lang) {
            (Speaker::Visitor, _) => format!("m:{}", self.text),
            (Speaker::Haven, Some(l)) => format!("b.{}:{}", l.code(), self.text),
            (Speaker::Haven, None) => format!("b:{}", self.text),
        }
    }

    /// Reads a hidden-field value; `None` for anything malformed.
    pub fn decode(value: &str) -> Option<Entry> {
        let (tag, text) = value.split_once(':')?;
        if text.trim().is_empty() {
            return None;
        }
        match tag {
            "m" => Some(Entry::visitor(text)),
            "b" => Some(Entry::haven(None, text)),
            _ => {
                let code = tag.strip_prefix("b.")?;
                Some(Entry::haven(Some(Lang::parse(code)?), text))
            }
        }
    }
}

/// The turns a page shows, oldest first, within the caps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    entries: VecDeque<Entry>,
    bytes: usize,
}

impl History {
    /// Reads the posted fields, keeping the newest turns that fit the caps.
    pub fn from_fields<'a>(values: impl IntoIterator<Item = &'a str>) -> History {
        let mut h = History::default();
        for v in values {
            if let Some(e) = Entry::decode(v) {
                h.push(e);
            }
        }
        h
    }

    /// Adds a turn at the end, dropping the oldest ones past the caps. A single turn longer
    /// than the byte cap is cut (at a character boundary) rather than dropped.
    pub fn push(&mut self, mut entry: Entry) {
        if entry.text.len() > MAX_BYTES {
            let mut cut = MAX_BYTES;
            while !entry.text.is_char_boundary(cut) {
                cut -= 1;
            }
            entry.text.truncate(cut);
        }
        self.bytes += entry.text.len();
        self.entries.push_back(entry);
        while self.entries.len() > MAX_ENTRIES || self.bytes > MAX_BYTES {
            match self.entries.pop_front() {
                Some(old) => self.bytes -= old.text.len(),
                None => break,
            }
        }
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_malformed_ones_are_skipped() {
        for e in [
            Entry::visitor("my friend: won't wake up"),
            Entry::haven(Some(Lang::Es), "Llame al 911"),
            Entry::haven(None, "a:b"),
        ] {
            assert_eq!(Entry::decode(&e.encode()), Some(e));
        }
        for bad in ["", "x:hello", "m:", "b.fr:bonjour", "no colon", "m:   "] {
            assert_eq!(Entry::decode(bad), None, "{bad:?}");
        }
        let h = History::from_fields(["m:hi", "junk", "b.en:Hello"]);
        assert_eq!(h.len(), 2);
    }

    #[test]
    fn the_history_is_capped_oldest_first() {
        let many: Vec<String> = (0..100).map(|i| format!("m:{i}")).collect();
        let h = History::from_fields(many.iter().map(String::as_str));
        assert_eq!(h.len(), MAX_ENTRIES);
        assert_eq!(h.entries().next().unwrap().text, "60");

        let mut h = History::default();
        h.push(Entry::visitor("a".repeat(7000)));
        h.push(Entry::visitor("b".repeat(7000)));
        assert_eq!(h.len(), 1, "the older long turn made room");
        h.push(Entry::visitor("é".repeat(MAX_BYTES)));
        let only = h.entries().next().unwrap();
        assert!(only.text.len() <= MAX_BYTES && only.text.starts_with('é'));
    }
}
