//! How a reply looks in the web chat: its text with every phone number a `tel:` link (911 and
//! 988 included) and web addresses as links, and a referral's places as cards, each with a
//! **Call** link, directions and whether it is open now.
//!
//! The same markup serves the page rendered on the server (no JavaScript) and the replies
//! `chat.js` adds in place (sent as `html` beside the text), so there is one renderer. maud
//! escapes every text; the only links made are `tel:` from [`phones::find`] and `http(s)`
//! addresses found in haven's own texts or built by the referral code.

use std::sync::LazyLock;

use maud::{Markup, html};
use regex::Regex;

use crate::Lang;
use crate::engine::reply::{Listing, Place};
use crate::locales::Texts;
use crate::text::phones;

/// The words a place card needs, in the visitor's language.
#[derive(Clone, Debug)]
pub struct Labels {
    pub call: String,
    pub directions: String,
    pub map: String,
}

impl Labels {
    pub fn new(texts: &Texts, lang: Lang) -> Labels {
        Labels {
            call: texts.render(lang, "web-call", &[]),
            directions: texts.render(lang, "web-directions", &[]),
            map: texts.render(lang, "web-map", &[]),
        }
    }
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"https?://[^\s<>"']+"#).expect("the URL pattern compiles"));

/// A piece of text to link.
enum Link {
    Tel(String),
    Web,
}

/// `text` with phone numbers as `tel:` links and web addresses as links that open apart from
/// the chat. Line breaks stay in the text (the stylesheet keeps them).
pub fn linkified(text: &str) -> Markup {
    let mut links: Vec<(usize, usize, Link)> = phones::find(text)
        .into_iter()
        .map(|p| (p.range.start, p.range.end, Link::Tel(p.tel)))
        .collect();
    for m in URL.find_iter(text) {
        // A sentence's full stop or a closing bracket is not part of the address.
        let url = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
        let (start, end) = (m.start(), m.start() + url.len());
        // A phone number inside an address stays part of the address.
        links.retain(|(s, e, _)| *e <= start || *s >= end);
        links.push((start, end, Link::Web));
    }
    links.sort_by_key(|(s, _, _)| *s);
    // Plain pieces between the links, and the links, in order.
    let mut pieces: Vec<(&str, Option<&Link>)> = Vec::new();
    let mut at = 0;
    for (start, end, link) in &links {
        pieces.push((&text[at..*start], None));
        pieces.push((&text[*start..*end], Some(link)));
        at = *end;
    }
    pieces.push((&text[at..], None));
    html! {
        @for (piece, link) in pieces {
            @match link {
                None => (piece),
                Some(Link::Tel(tel)) => a class="tel" href={ "tel:" (tel) } { (piece) },
                Some(Link::Web) => a href=(piece) target="_blank" rel="noopener noreferrer" { (piece) },
            }
        }
    }
}

/// A reply's body: the linkified text, or, for a list of places, its heading and a card per
/// place.
pub fn body(text: &str, listing: Option<&Listing>, labels: &Labels) -> Markup {
    match listing {
        None => html! { span class="text" { (linkified(text)) } },
        Some(l) => html! {
            span class="text" { (linkified(&l.heading)) }
            ol class="places" {
                @for p in &l.places { (card(p, labels)) }
            }
        },
    }
}

/// One place: name, distance and opening, kinds, address, notes, then the actions a person on
/// a phone wants: call, directions, map.
fn card(p: &Place, labels: &Labels) -> Markup {
    let status_class = match p.open_now {
        Some(true) => "status open",
        Some(false) => "status closed",
        None => "status",
    };
    html! {
        li class="place" {
            h3 class="place-name" { (p.number) ". " (p.name) }
            p class="place-when" {
                (p.distance)
                @if let Some(h) = &p.hours { " · " span class=(status_class) { (h) } }
            }
            p class="place-kinds" { (p.kinds) }
            @if !p.address.is_empty() { p class="place-address" { (p.address) } }
            @if let Some(a) = &p.approximate { p class="place-approx" { (a) } }
            @if !p.notes.is_empty() { p class="place-notes" { (linkified(&p.notes)) } }
            p class="place-actions" {
                @if let Some(phone) = &p.phone {
                    a class="call" href={ "tel:" (phone.tel) } { (labels.call) " " (phone.number) }
                }
                a class="directions" href=(p.directions_url) target="_blank" rel="noopener noreferrer" {
                    (labels.directions)
                }
                a class="map" href=(p.map_url) target="_blank" rel="noopener noreferrer" {
                    (labels.map)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::reply::Phone;

    #[test]
    fn phone_numbers_and_addresses_become_links_and_the_rest_is_escaped() {
        let html =
            linkified("Call 911 now. <b>SAMHSA</b> 1-800-662-4357.\nSee https://x.org/a?b=1&c=2.")
                .into_string();
        assert_eq!(
            html,
            "Call <a class=\"tel\" href=\"tel:911\">911</a> now. &lt;b&gt;SAMHSA&lt;/b&gt; \
             <a class=\"tel\" href=\"tel:+18006624357\">1-800-662-4357</a>.\nSee \
             <a href=\"https://x.org/a?b=1&amp;c=2\" target=\"_blank\" \
             rel=\"noopener noreferrer\">https://x.org/a?b=1&amp;c=2</a>."
        );
        assert_eq!(linkified("no numbers").into_string(), "no numbers");
        // A number inside an address is part of the address, not a second link.
        let html = linkified("https://example.org/911-help").into_string();
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
    }

    #[test]
    fn a_place_card_has_call_directions_and_open_now() {
        let labels = Labels {
            call: "Call".into(),
            directions: "Directions".into(),
            map: "Map".into(),
        };
        let listing = Listing {
            heading: "Near 10001:".into(),
            places: vec![Place {
                number: 1,
                name: "A & B".into(),
                kinds: "Naloxone".into(),
                distance: "0.3 mi".into(),
                open_now: Some(true),
                hours: Some("open until 5pm".into()),
                phone: Some(Phone {
                    number: "212-555-0101".into(),
                    tel: "+12125550101".into(),
                    line: "Phone: 212-555-0101".into(),
                }),
                address: "1 Main St".into(),
                directions_url: "https://www.openstreetmap.org/directions?route=%3B1%2C2".into(),
                map_url: "https://www.openstreetmap.org/?mlat=1&mlon=2".into(),
                ..Place::default()
            }],
        };
        let html = body("ignored", Some(&listing), &labels).into_string();
        assert!(
            html.contains("<h3 class=\"place-name\">1. A &amp; B</h3>"),
            "{html}"
        );
        assert!(html.contains("<a class=\"call\" href=\"tel:+12125550101\">Call 212-555-0101</a>"));
        assert!(html.contains("<span class=\"status open\">open until 5pm</span>"));
        assert!(
            html.contains("class=\"directions\" href=\"https://www.openstreetmap.org/directions")
        );
        assert!(!html.contains("ignored"));
    }
}
