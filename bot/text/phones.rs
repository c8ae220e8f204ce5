//! Phone numbers in a text: where they are and what to dial, so the web chat can make them
//! `tel:` links and Telegram can mark them as phone numbers.
//!
//! Found: 911 and 988 as whole numbers, and US numbers written with separators, as haven's texts
//! and the directory write them: `1-800-662-4357`, `212-555-0101`, `(212) 555-0102`,
//! `+1 800 662 4357`. A number glued to letters or to other digits (`1911`, `9:11`, `988lifeline`,
//! a ZIP+4) is not one; neither is a run of digits without separators, which is more often a
//! ZIP, an amount or an id than a phone number.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// A phone number found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneSpan {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// What to dial, for a `tel:` link: `911`, `988` or `+1` and ten digits.
    pub tel: String,
}

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+?1[-. ]?)?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}|911|988")
        .expect("the phone pattern compiles")
});

/// Characters that join digits into something else (a time, a decimal, a date, a list).
const JOINERS: &[char] = &['-', '.', '/', ':', ',', '+'];

/// Every phone number in `text`, in order.
pub fn find(text: &str) -> Vec<PhoneSpan> {
    let mut out = Vec::new();
    for m in PHONE.find_iter(text) {
        if glued(text, m.start(), m.end()) {
            continue;
        }
        let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
        let tel = match digits.len() {
            3 => digits,
            10 => format!("+1{digits}"),
            11 => format!("+{digits}"),
            _ => continue,
        };
        out.push(PhoneSpan {
            range: m.range(),
            tel,
        });
    }
    out
}

/// Whether the match at `start..end` is part of a longer word or number.
fn glued(text: &str, start: usize, end: usize) -> bool {
    let before: Vec<char> = text[..start].chars().rev().take(2).collect();
    let after: Vec<char> = text[end..].chars().take(2).collect();
    let touches = |near: &[char]| match near {
        [c, ..] if c.is_alphanumeric() => true,
        [c, d, ..] if JOINERS.contains(c) && d.is_ascii_digit() => true,
        _ => false,
    };
    touches(&before) || touches(&after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&str, String)> {
        find(text)
            .into_iter()
            .map(|s| (&text[s.range], s.tel))
            .collect()
    }

    #[test]
    fn emergency_numbers_and_hotlines() {
        assert_eq!(
            found("Call 911 now. Then text 988."),
            [("911", "911".into()), ("988", "988".into())]
        );
        assert_eq!(
            found("Llame al 911. SAMHSA: 1-800-662-4357 (24/7)."),
            [
                ("911", "911".into()),
                ("1-800-662-4357", "+18006624357".into())
            ]
        );
        assert_eq!(
            found("Poison Control 1-800-222-1222, or +1 800 662 4357"),
            [
                ("1-800-222-1222", "+18002221222".into()),
                ("+1 800 662 4357", "+18006624357".into())
            ]
        );
    }

    #[test]
    fn directory_formats() {
        assert_eq!(
            found("Phone: 212-555-0101\nPhone: (212) 555-0102, 212.555.0103"),
            [
                ("212-555-0101", "+12125550101".into()),
                ("(212) 555-0102", "+12125550102".into()),
                ("212.555.0103", "+12125550103".into())
            ]
        );
    }

    #[test]
    fn numbers_that_are_not_phones() {
        for text in [
            "1911 Main St",
            "at 9:11 pm",
            "988lifeline.org",
            "room 911b",
            "10001-9110",
            "2125550100",
            "ZIP 10001",
            "1 spray, 2-3 minutes, 24/7",
            "9.11",
            "911-2",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }
}
