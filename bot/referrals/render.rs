//! Turning a page of results into the reply a person reads: compact for SMS, richer (kinds,
//! full address, a map link, notes) for Telegram and the web chat.
//!
//! Every word comes from the Fluent texts in `locales/<lang>/referrals.ftl` (ids `refer-…`,
//! listed in `MESSAGE_IDS`), looked up through a closure the caller passes, so this module does
//! not depend on how locales are loaded. The code formats only numbers, times and phone numbers,
//! and joins the pieces.
//!
//! SMS replies are kept to `SMS_SEGMENTS` segments: characters outside GSM-7 that have a close
//! GSM-7 spelling are replaced (en dash → `-`, curly quotes → straight, á/í/ó/ú → a/i/o/u;
//! ñ, é and ü are GSM-7 and stay), and if the list is still too long, long names and addresses
//! are shortened step by step.

use chrono::{Datelike, NaiveTime, Timelike};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use super::directory::{Kind, Service};
use super::find::{Hit, Page};
use super::hours::Status;
use super::locate::{LocateError, Located};
use crate::Lang;
use crate::engine::reply::{Listing, Phone, Place, Reply};
use crate::text::{Encoding, segments};

/// How a text is looked up: a message id and its arguments, returning the formatted text in the
/// person's language. Arguments are plain strings; selectors in the .ftl files match them as
/// words (`yes`/`no`, `mi`/`km`, kind codes, weekday codes).
pub type Texts<'a> = dyn Fn(&str, &[(&str, String)]) -> String + 'a;

/// The channel's way of showing a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Short lines, at most `SMS_SEGMENTS` segments, GSM-7 where possible.
    Sms,
    /// Telegram and web chat: one block per place with kinds, address, map link and notes.
    Rich,
}

/// The unit distances are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
pub enum Units {
    #[default]
    #[serde(rename = "mi")]
    Miles,
    #[serde(rename = "km")]
    Kilometres,
}

impl Units {
    /// The code passed to the texts as `$unit`.
    pub fn code(self) -> &'static str {
        match self {
            Units::Miles => "mi",
            Units::Kilometres => "km",
        }
    }
}

/// How to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Decides how times are written (en: 9am, 5:30pm; es: 9:00, 17:30).
    pub lang: Lang,
    pub style: Style,
    pub units: Units,
    /// Whether to end a list that has more pages with "Reply MORE" (the flow may ask itself).
    pub more_hint: bool,
}

/// The SMS budget for one reply.
pub const SMS_SEGMENTS: usize = 2;

/// The arguments this module passes to its texts, by id; the ids not listed get none.
/// `haven check` refuses a text that uses a variable its id is not given here.
pub const ARGS: &[(&str, &[&str])] = &[
    ("refer-header", &["here", "place"]),
    ("refer-distance", &["value", "unit", "approx"]),
    ("refer-open-until", &["time"]),
    ("refer-opens-today", &["time"]),
    ("refer-opens-tomorrow", &["time"]),
    ("refer-opens-day", &["day", "time"]),
    ("refer-phone", &["phone"]),
    ("refer-map", &["url"]),
    ("refer-no-more", &["radius"]),
    ("refer-none-near", &["here", "place", "kind", "radius"]),
];

/// Every message id this module uses; `locales/*/referrals.ftl` define exactly these.
pub const MESSAGE_IDS: &[&str] = &[
    "refer-header",
    "refer-distance",
    "refer-open-247",
    "refer-open-until",
    "refer-opens-today",
    "refer-opens-tomorrow",
    "refer-opens-day",
    "refer-closed",
    "refer-phone",
    "refer-map",
    "refer-approx-location",
    "refer-notes-in-english",
    "refer-more",
    "refer-no-more",
    "refer-none-near",
    "refer-national",
    "refer-ask-location",
    "refer-unknown-zip",
    "refer-kind-naloxone",
    "refer-kind-syringe",
    "refer-kind-methadone",
    "refer-kind-buprenorphine",
    "refer-kind-treatment",
    "refer-kind-testing",
    "refer-kind-fentanyl-strips",
    "refer-kind-overdose-prevention-center",
    "refer-kind-drop-in",
];

/// The texts of the reply for a page of results found near `at` (one message; see [`reply`]).
pub fn render(page: &Page, at: &Located, opts: &RenderOptions, texts: &Texts<'_>) -> Vec<String> {
    vec![reply(page, at, opts, texts).text]
}

/// The reply for a page of results found near `at`: its text in the style asked for, and,
/// when places were found, the same places as data ([`Listing`]) for channels that show each
/// place in its own form.
pub fn reply(page: &Page, at: &Located, opts: &RenderOptions, texts: &Texts<'_>) -> Reply {
    if page.hits.is_empty() {
        return Reply::text(finish(empty(page, at, opts, texts), opts.style));
    }
    let text = match opts.style {
        Style::Sms => list_sms(page, at, opts, texts),
        Style::Rich => list_rich(page, at, opts, texts),
    };
    Reply {
        text: finish(text, opts.style),
        listing: Some(listing(page, at, opts, texts)),
        ..Reply::default()
    }
}

/// The places of a page as data, every word in the person's language.
fn listing(page: &Page, at: &Located, opts: &RenderOptions, texts: &Texts<'_>) -> Listing {
    let places = page
        .hits
        .iter()
        .enumerate()
        .map(|(i, hit)| {
            let s = &hit.service;
            let phone = (!s.phone.is_empty()).then(|| {
                let number = format_phone(&s.phone);
                Phone {
                    tel: tel_of(&s.phone),
                    line: texts("refer-phone", &[("phone", number.clone())]),
                    number,
                }
            });
            Place {
                number: page.query.offset + i + 1,
                name: s.name.clone(),
                kinds: kinds_text(s, texts),
                distance: texts(
                    "refer-distance",
                    &distance_args(hit.distance_km, hit.approximate, opts.units),
                ),
                open_now: match hit.status {
                    Status::Unknown => None,
                    Status::OpenNow { .. } => Some(true),
                    Status::OpensAt { .. } | Status::ClosedForAWeek => Some(false),
                },
                hours: status_text(hit, page, opts.lang, texts),
                phone,
                address: address_line(s),
                lat: s.lat,
                lon: s.lon,
                map_url: map_url(hit),
                directions_url: directions_url(hit),
                approximate: hit.approximate.then(|| texts("refer-approx-location", &[])),
                notes: notes_for(s, opts.lang, texts),
            }
        })
        .collect();
    Listing {
        heading: texts("refer-header", &place_args(at, opts.lang)),
        places,
    }
}

/// The reply when no point could be read from the person's message: ask for a location, or
/// say the ZIP is not known.
pub fn render_locate_error(err: LocateError, opts: &RenderOptions, texts: &Texts<'_>) -> String {
    let id = match err {
        LocateError::UnknownZip => "refer-unknown-zip",
        LocateError::NotFound | LocateError::BadCoordinates => "refer-ask-location",
    };
    finish(texts(id, &[]), opts.style)
}

fn finish(text: String, style: Style) -> String {
    match style {
        Style::Sms => gsm_friendly(&text),
        Style::Rich => text,
    }
}

/// `$here` and `$place` for texts that name where the person is, the place in the person's
/// language ("El Bronx" for "The Bronx" when the operator gave a Spanish name).
fn place_args(at: &Located, lang: Lang) -> [(&'static str, String); 2] {
    [
        (
            "here",
            if at.label.is_none() { "yes" } else { "no" }.to_owned(),
        ),
        ("place", at.label_for(lang).unwrap_or_default().to_owned()),
    ]
}

fn empty(page: &Page, at: &Located, opts: &RenderOptions, texts: &Texts<'_>) -> String {
    let radius = texts(
        "refer-distance",
        &distance_args(page.query.radius_km, false, opts.units),
    );
    let first = if page.total_within_radius == 0 {
        let [here, place] = place_args(at, opts.lang);
        let kind = page.query.kind.map_or("any", Kind::code).to_owned();
        texts(
            "refer-none-near",
            &[here, place, ("kind", kind), ("radius", radius)],
        )
    } else {
        // Paged past the last result.
        texts("refer-no-more", &[("radius", radius)])
    };
    format!("{first}\n{}", texts("refer-national", &[]))
}

fn list_sms(page: &Page, at: &Located, opts: &RenderOptions, texts: &Texts<'_>) -> String {
    let header = texts("refer-header", &place_args(at, opts.lang));
    let footer = (opts.more_hint && page.has_more()).then(|| texts("refer-more", &[]));
    // (longest name, longest address) allowed; tried in order until the reply fits.
    const LIMITS: [(usize, usize); 5] = [
        (usize::MAX, usize::MAX),
        (36, 28),
        (30, 22),
        (26, 16),
        (22, 0),
    ];
    let mut text = String::new();
    for (name_max, address_max) in LIMITS {
        let mut lines = vec![header.clone()];
        for (i, hit) in page.hits.iter().enumerate() {
            let s = &hit.service;
            let mut parts = vec![shorten(&s.name, name_max)];
            parts.push(texts(
                "refer-distance",
                &distance_args(hit.distance_km, hit.approximate, opts.units),
            ));
            parts.extend(status_text(hit, page, opts.lang, texts));
            if !s.phone.is_empty() {
                parts.push(format_phone(&s.phone));
            }
            let street = if s.address.is_empty() {
                &s.city
            } else {
                &s.address
            };
            let street = shorten(street, address_max);
            if !street.is_empty() {
                parts.push(street);
            }
            lines.push(format!(
                "{}) {}",
                page.query.offset + i + 1,
                parts.join(", ")
            ));
        }
        lines.extend(footer.clone());
        text = gsm_friendly(&lines.join("\n"));
        if segments(&text).count <= SMS_SEGMENTS {
            break;
        }
    }
    text
}

fn list_rich(page: &Page, at: &Located, opts: &RenderOptions, texts: &Texts<'_>) -> String {
    let mut blocks = vec![texts("refer-header", &place_args(at, opts.lang))];
    for (i, hit) in page.hits.iter().enumerate() {
        let s = &hit.service;
        let mut lines = vec![format!("{}. {}", page.query.offset + i + 1, s.name)];
        let mut distance = texts(
            "refer-distance",
            &distance_args(hit.distance_km, hit.approximate, opts.units),
        );
        if let Some(status) = status_text(hit, page, opts.lang, texts) {
            distance = format!("{distance} · {status}");
        }
        lines.push(distance);
        lines.push(kinds_text(s, texts));
        if !s.phone.is_empty() {
            lines.push(texts("refer-phone", &[("phone", format_phone(&s.phone))]));
        }
        let address = address_line(s);
        if !address.is_empty() {
            lines.push(address);
        }
        lines.push(texts("refer-map", &[("url", map_url(hit))]));
        if hit.approximate {
            lines.push(texts("refer-approx-location", &[]));
        }
        let notes = notes_for(s, opts.lang, texts);
        if !notes.is_empty() {
            lines.push(notes);
        }
        blocks.push(lines.join("\n"));
    }
    if opts.more_hint && page.has_more() {
        blocks.push(texts("refer-more", &[]));
    }
    blocks.join("\n\n")
}

/// "Naloxone, syringes, drop-in": the kinds a service offers, in words.
fn kinds_text(s: &Service, texts: &Texts<'_>) -> String {
    let kinds: Vec<String> = s
        .kinds
        .iter()
        .map(|k| texts(&format!("refer-kind-{}", k.code()), &[]))
        .collect();
    capitalise(&kinds.join(", "))
}

/// The operator's notes in the person's language: the Spanish notes for a Spanish reader when
/// the directory has them, else the English notes, marked "(en inglés)" for a Spanish reader.
fn notes_for(s: &Service, lang: Lang, texts: &Texts<'_>) -> String {
    match lang {
        Lang::Es if !s.notes_es.is_empty() => s.notes_es.clone(),
        Lang::Es if !s.notes.is_empty() => {
            format!("{} {}", texts("refer-notes-in-english", &[]), s.notes)
        }
        _ => s.notes.clone(),
    }
}

/// Street, city, state and ZIP on one line, leaving out what is empty.
fn address_line(s: &Service) -> String {
    let state_zip = [s.state.as_str(), s.zip.as_str()]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    [s.address.as_str(), s.city.as_str(), state_zip.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn status_text(hit: &Hit, page: &Page, lang: Lang, texts: &Texts<'_>) -> Option<String> {
    Some(match hit.status {
        Status::Unknown => return None,
        Status::ClosedForAWeek => texts("refer-closed", &[]),
        Status::OpenNow { closes_at: None } => texts("refer-open-247", &[]),
        Status::OpenNow { closes_at: Some(t) } => {
            texts("refer-open-until", &[("time", format_time(lang, t, true))])
        }
        Status::OpensAt { at, day_offset } => {
            let time = ("time", format_time(lang, at, false));
            match day_offset {
                0 => texts("refer-opens-today", &[time]),
                1 => texts("refer-opens-tomorrow", &[time]),
                d => {
                    let weekday = page.query.now.weekday().num_days_from_monday() as usize;
                    let day =
                        ["mo", "tu", "we", "th", "fr", "sa", "su"][(weekday + d as usize) % 7];
                    texts("refer-opens-day", &[("day", day.to_owned()), time])
                }
            }
        }
    })
}

fn distance_args(km: f64, approx: bool, units: Units) -> [(&'static str, String); 3] {
    let value = match units {
        Units::Miles => km / 1.609_344,
        Units::Kilometres => km,
    };
    [
        ("value", format_number(value)),
        ("unit", units.code().to_owned()),
        ("approx", if approx { "yes" } else { "no" }.to_owned()),
    ]
}

/// 0.1 as the least (a place next door is "0.1 mi", not "0.0"), one decimal below 10, whole
/// numbers above.
fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return "?".into();
    }
    if v < 0.1 {
        "0.1".into()
    } else if v < 9.95 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// en: 9am, 5:30pm, 12pm (noon), 12am (midnight). es: 9:00, 17:30; a closing time of midnight
/// is 24:00, so "abierto hasta 24:00" does not read as already closed.
fn format_time(lang: Lang, t: NaiveTime, closing: bool) -> String {
    let (h, m) = (t.hour(), t.minute());
    match lang {
        Lang::En => {
            let h12 = if h % 12 == 0 { 12 } else { h % 12 };
            let ampm = if h < 12 { "am" } else { "pm" };
            if m == 0 {
                format!("{h12}{ampm}")
            } else {
                format!("{h12}:{m:02}{ampm}")
            }
        }
        Lang::Es => {
            let h = if closing && h == 0 && m == 0 { 24 } else { h };
            format!("{h}:{m:02}")
        }
    }
}

/// US numbers as 212-555-0100 or 1-800-662-4357; anything else as written.
fn format_phone(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let has_extension = phone.chars().any(|c| c.is_ascii_alphabetic());
    match digits.len() {
        10 if !has_extension => format!("{}-{}-{}", &digits[..3], &digits[3..6], &digits[6..]),
        11 if !has_extension && digits.starts_with('1') => {
            format!("1-{}-{}-{}", &digits[1..4], &digits[4..7], &digits[7..])
        }
        _ => phone.to_owned(),
    }
}

/// What to dial for a directory phone number: `+1` and ten digits for a US number, with
/// `;ext=` for an extension ("212-555-0100 ext 2"); otherwise the digits as written.
fn tel_of(phone: &str) -> String {
    let (main, ext) = match phone.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&phone[..i], &phone[i..]),
        None => (phone, ""),
    };
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let (main_digits, ext_digits) = (digits(main), digits(ext));
    let mut tel = match main_digits.len() {
        10 => format!("+1{main_digits}"),
        11 if main_digits.starts_with('1') => format!("+{main_digits}"),
        _ if main.trim_start().starts_with('+') => format!("+{main_digits}"),
        _ => main_digits,
    };
    if !ext_digits.is_empty() {
        tel.push_str(";ext=");
        tel.push_str(&ext_digits);
    }
    tel
}

/// Directions to the place on OpenStreetMap, from wherever the person says they start.
fn directions_url(hit: &Hit) -> String {
    let (lat, lon) = (hit.service.lat, hit.service.lon);
    format!("https://www.openstreetmap.org/directions?route=%3B{lat:.5}%2C{lon:.5}")
}

fn map_url(hit: &Hit) -> String {
    let (lat, lon) = (hit.service.lat, hit.service.lon);
    // A ZIP centroid is only roughly the place: show the neighbourhood rather than a street.
    let zoom = if hit.approximate { 15 } else { 17 };
    format!(
        "https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map={zoom}/{lat:.5}/{lon:.5}"
    )
}

/// At most `max` characters, cut at a word where one is near and marked with "...".
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    if max < 4 {
        return String::new();
    }
    let cut: String = text.chars().take(max - 3).collect();
    let cut = match cut.rfind(' ') {
        Some(p) if p >= cut.len() / 2 => &cut[..p],
        _ => &cut[..],
    };
    format!("{}...", cut.trim_end_matches([' ', ',', '-', '–']))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn is_gsm(c: char) -> bool {
    let mut buf = [0u8; 4];
    segments(c.encode_utf8(&mut buf)).encoding == Encoding::Gsm7
}

/// Replaces characters outside GSM-7 by a close GSM-7 spelling where there is one, so one stray
/// dash or accent does not turn an SMS into UCS-2 (70 characters a segment instead of 160).
pub fn gsm_friendly(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_gsm(c) {
            out.push(c);
            continue;
        }
        match c {
            '–' | '—' | '‒' | '−' | '‐' | '·' | '•' => out.push('-'),
            '‘' | '’' | '‚' | '′' | '`' | '´' => out.push('\''),
            '“' | '”' | '„' | '″' => out.push('"'),
            '…' => out.push_str("..."),
            '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' => out.push(' '),
            '\t' => out.push(' '),
            _ => {
                // Drop accents when what is left is GSM-7 (á → a); otherwise keep the character.
                let base: String = c
                    .to_string()
                    .nfd()
                    .filter(|b| !unicode_normalization::char::is_combining_mark(*b))
                    .collect();
                if !base.is_empty() && base.chars().all(is_gsm) {
                    out.push_str(&base);
                } else {
                    out.push(c);
                }
            }
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::referrals::directory::Directory;
    use crate::referrals::find::Query;
    use crate::referrals::import::parse_directory;
    use crate::referrals::locate::Locator;
    use crate::referrals::zip::ZipTable;
    use chrono::{NaiveDate, NaiveDateTime};
    use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};

    /// A `Texts` over `locales/<lang>/referrals.ftl`, failing the test on any Fluent error
    /// (unknown id, missing argument) so the texts and the code stay in step.
    pub(crate) fn fluent(lang: Lang) -> impl Fn(&str, &[(&str, String)]) -> String {
        let path = format!(
            "{}/locales/{}/referrals.ftl",
            env!("CARGO_MANIFEST_DIR"),
            lang.code()
        );
        let source = std::fs::read_to_string(&path).unwrap();
        let resource = FluentResource::try_new(source).unwrap_or_else(|(_, e)| panic!("{e:?}"));
        let mut bundle = FluentBundle::new(vec![lang.code().parse().unwrap()]);
        bundle.set_use_isolating(false);
        bundle.add_resource(resource).unwrap();
        move |id, args| {
            // `ARGS` is what `haven check` holds the texts to: it must list every argument.
            let declared = ARGS
                .iter()
                .find(|(k, _)| *k == id)
                .map_or(&[][..], |(_, a)| a);
            for (k, _) in args {
                assert!(declared.contains(k), "{id} is passed ${k}, missing in ARGS");
            }
            let msg = bundle
                .get_message(id)
                .unwrap_or_else(|| panic!("{path}: no message {id}"));
            let mut fargs = FluentArgs::new();
            for (k, v) in args {
                fargs.set(*k, v.clone());
            }
            let mut errors = Vec::new();
            let out = bundle.format_pattern(msg.value().unwrap(), Some(&fargs), &mut errors);
            assert!(errors.is_empty(), "{id}: {errors:?}");
            out.into_owned()
        }
    }

    fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23 + day)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn example() -> Directory {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/deploy/directory.example.csv"
        ))
        .unwrap();
        parse_directory("directory.example.csv", &text, ZipTable::embedded()).unwrap()
    }

    fn opts(lang: Lang, style: Style) -> RenderOptions {
        RenderOptions {
            lang,
            style,
            units: Units::Miles,
            more_hint: true,
        }
    }

    #[test]
    fn ftl_files_define_exactly_the_ids_used() {
        for lang in Lang::ALL {
            let path = format!(
                "{}/locales/{}/referrals.ftl",
                env!("CARGO_MANIFEST_DIR"),
                lang.code()
            );
            let source = std::fs::read_to_string(&path).unwrap();
            let ast = fluent_syntax::parser::parse(source.as_str())
                .unwrap_or_else(|(_, e)| panic!("{path}: {e:?}"));
            let mut ids: Vec<&str> = ast
                .body
                .iter()
                .filter_map(|e| match e {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name),
                    _ => None,
                })
                .collect();
            ids.sort_unstable();
            let mut expected = MESSAGE_IDS.to_vec();
            expected.sort_unstable();
            assert_eq!(ids, expected, "{path}");
        }
    }

    #[test]
    fn three_results_fit_two_gsm7_segments_in_both_languages() {
        let dir = example();
        let locator = Locator::new(Default::default());
        // Every ZIP of the example region and a few kinds: the worst case must fit.
        for lang in Lang::ALL {
            let texts = fluent(lang);
            for zip in [
                "10001", "10002", "10009", "10026", "10029", "10035", "10451", "10456",
            ] {
                for kind in [None, Some(Kind::Naloxone), Some(Kind::Syringe)] {
                    for now in [at(0, 12, 0), at(4, 23, 30), at(5, 7, 0)] {
                        let located = locator.locate(zip).unwrap();
                        let mut q = Query::new((located.lat, located.lon), now);
                        q.kind = kind;
                        let page = dir.find(&q);
                        assert_eq!(page.hits.len(), 3, "{zip} {kind:?}");
                        let reply = render(&page, &located, &opts(lang, Style::Sms), &texts);
                        let s = segments(&reply[0]);
                        assert_eq!(s.encoding, Encoding::Gsm7, "{reply:?}");
                        assert!(s.count <= 2, "{} segments: {}", s.count, reply[0]);
                    }
                }
            }
        }
    }

    #[test]
    fn sms_list_shape() {
        let dir = example();
        let located = Locator::new(Default::default()).locate("10002").unwrap();
        let mut q = Query::new((located.lat, located.lon), at(0, 12, 0));
        q.kind = Some(Kind::Naloxone);
        let page = dir.find(&q);
        let en = render(
            &page,
            &located,
            &opts(Lang::En, Style::Sms),
            &fluent(Lang::En),
        );
        let lines: Vec<&str> = en[0].lines().collect();
        assert_eq!(lines[0], "Near 10002:");
        assert!(lines[1].starts_with("1) EXAMPLE - "), "{}", lines[1]);
        assert!(lines[2].starts_with("2) ") && lines[3].starts_with("3) "));
        assert_eq!(*lines.last().unwrap(), "Reply MORE for more places.");
        assert!(!en[0].contains("openstreetmap"));
        let es = render(
            &page,
            &located,
            &opts(Lang::Es, Style::Sms),
            &fluent(Lang::Es),
        );
        assert!(
            es[0].starts_with("Cerca de 10002:\n1) EXAMPLE - "),
            "{}",
            es[0]
        );
        assert!(
            es[0].ends_with("Responda MAS para ver otros lugares."),
            "{}",
            es[0]
        );
    }

    #[test]
    fn rich_list_has_kinds_address_and_map() {
        let dir = example();
        let located = Locator::locate_point(40.7484, -73.9967).unwrap();
        let q = Query::new((located.lat, located.lon), at(0, 12, 0));
        let page = dir.find(&q);
        let first = &page.hits[0];
        let text = &render(
            &page,
            &located,
            &opts(Lang::En, Style::Rich),
            &fluent(Lang::En),
        )[0];
        assert!(text.starts_with("Near you:\n\n1. EXAMPLE – "), "{text}");
        assert!(text.contains(&first.service.name));
        let url = map_url(first);
        assert!(text.contains(&format!("Map: {url}")));
        assert!(url.starts_with("https://www.openstreetmap.org/?mlat=40."));
        assert!(url.contains("#map=17/40.") || url.contains("#map=15/40."));
        assert!(text.contains("Phone: "));
    }

    #[test]
    fn spanish_readers_get_spanish_place_names_and_notes() {
        let dir = example();
        let es = fluent(Lang::Es);
        let bronx = Located {
            lat: 40.8448,
            lon: -73.8648,
            label: Some("The Bronx".into()),
            label_es: Some("El Bronx".into()),
            approximate: true,
        };
        let page = dir.find(&Query::new((bronx.lat, bronx.lon), at(0, 12, 0)));
        for style in [Style::Sms, Style::Rich] {
            let r = reply(&page, &bronx, &opts(Lang::Es, style), &es);
            assert!(r.text.starts_with("Cerca de El Bronx:"), "{}", r.text);
            assert_eq!(r.listing.unwrap().heading, "Cerca de El Bronx:");
        }
        let en = reply(
            &page,
            &bronx,
            &opts(Lang::En, Style::Rich),
            &fluent(Lang::En),
        );
        assert!(en.text.starts_with("Near The Bronx:"), "{}", en.text);
        // Notes: the Spanish column where the directory has it, else English marked as such.
        let (mut translated, mut marked) = (0, 0);
        for (lat, lon) in [
            (40.8448, -73.8648),
            (40.8230, -73.9230),
            (40.7451, -73.9941),
        ] {
            let page = dir.find(&Query::new((lat, lon), at(0, 12, 0)));
            let listing = reply(&page, &bronx, &opts(Lang::Es, Style::Rich), &es)
                .listing
                .unwrap();
            for (hit, place) in page.hits.iter().zip(&listing.places) {
                let s = &hit.service;
                if !s.notes_es.is_empty() {
                    assert_eq!(place.notes, s.notes_es);
                    translated += 1;
                } else if !s.notes.is_empty() {
                    assert_eq!(place.notes, format!("(en inglés) {}", s.notes));
                    marked += 1;
                } else {
                    assert_eq!(place.notes, "");
                }
            }
        }
        assert!(translated > 0 && marked > 0, "{translated} {marked}");
    }

    #[test]
    fn statuses_read_naturally() {
        let en = fluent(Lang::En);
        let es = fluent(Lang::Es);
        let dir = example();
        let page = dir.find(&Query::new((40.7484, -73.9967), at(4, 12, 0)));
        let mut hit = page.hits[0].clone();
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let mut check = |status, want_en: Option<&str>, want_es: Option<&str>| {
            hit.status = status;
            assert_eq!(status_text(&hit, &page, Lang::En, &en).as_deref(), want_en);
            assert_eq!(status_text(&hit, &page, Lang::Es, &es).as_deref(), want_es);
        };
        check(Status::Unknown, None, None);
        check(
            Status::OpenNow { closes_at: None },
            Some("open 24/7"),
            Some("abierto 24/7"),
        );
        check(
            Status::OpenNow {
                closes_at: Some(t(0, 0)),
            },
            Some("open until 12am"),
            Some("abierto hasta 24:00"),
        );
        check(
            Status::OpensAt {
                at: t(9, 0),
                day_offset: 0,
            },
            Some("opens 9am"),
            Some("abre hoy 9:00"),
        );
        check(
            Status::OpensAt {
                at: t(17, 30),
                day_offset: 1,
            },
            Some("opens tomorrow 5:30pm"),
            Some("abre mañana 17:30"),
        );
        // Friday + 3 days = Monday.
        check(
            Status::OpensAt {
                at: t(12, 0),
                day_offset: 3,
            },
            Some("opens Monday 12pm"),
            Some("abre el lunes 12:00"),
        );
        check(Status::ClosedForAWeek, Some("closed"), Some("cerrado"));
    }

    #[test]
    fn nothing_nearby_gives_the_national_options() {
        let dir = example();
        // Denver is far from the example region.
        let located = Locator::new(Default::default()).locate("80202").unwrap();
        let mut q = Query::new((located.lat, located.lon), at(0, 12, 0));
        q.kind = Some(Kind::Naloxone);
        let page = dir.find(&q);
        assert_eq!(page.total_within_radius, 0);
        for lang in Lang::ALL {
            for style in [Style::Sms, Style::Rich] {
                let text = &render(&page, &located, &opts(lang, style), &fluent(lang))[0];
                assert!(text.contains("1-800-662-4357"), "{text}");
                assert!(text.contains("FindTreatment.gov"), "{text}");
                assert!(text.contains("80202"), "{text}");
                assert!(text.contains("25 mi"), "{text}");
                if style == Style::Sms {
                    let s = segments(text);
                    assert_eq!(s.encoding, Encoding::Gsm7, "{text}");
                    assert!(s.count <= 2, "{text}");
                }
            }
        }
        let en = &render(
            &page,
            &located,
            &opts(Lang::En, Style::Sms),
            &fluent(Lang::En),
        )[0];
        assert!(
            en.starts_with("I didn't find naloxone within 25 mi of 80202"),
            "{en}"
        );
        // Paged past the end: say so, still with the national options.
        let located = Locator::new(Default::default()).locate("10001").unwrap();
        let mut q = Query::new((located.lat, located.lon), at(0, 12, 0));
        q.offset = 1000;
        let page = dir.find(&q);
        let en = &render(
            &page,
            &located,
            &opts(Lang::En, Style::Sms),
            &fluent(Lang::En),
        )[0];
        assert!(
            en.starts_with("That's every place I have within 25 mi."),
            "{en}"
        );
        assert!(en.contains("1-800-662-4357"));
    }

    #[test]
    fn locate_errors_ask_again() {
        let o = opts(Lang::Es, Style::Sms);
        let text = render_locate_error(LocateError::UnknownZip, &o, &fluent(Lang::Es));
        assert_eq!(segments(&text).encoding, Encoding::Gsm7, "{text}");
        assert!(text.contains("ZIP"));
        let text = render_locate_error(LocateError::NotFound, &o, &fluent(Lang::Es));
        assert!(text.contains("10001"));
    }

    #[test]
    fn formatting_helpers() {
        assert_eq!(format_number(0.01), "0.1");
        assert_eq!(format_number(0.44), "0.4");
        assert_eq!(format_number(9.96), "10");
        assert_eq!(format_number(24.85), "25");
        assert_eq!(format_phone("(212) 555-0100"), "212-555-0100");
        assert_eq!(format_phone("+1 800 662 4357"), "1-800-662-4357");
        assert_eq!(format_phone("212-555-0100 ext 2"), "212-555-0100 ext 2");
        assert_eq!(
            shorten("EXAMPLE – Lower East Side Drop-in", 20),
            "EXAMPLE – Lower..."
        );
        assert_eq!(shorten("short", 20), "short");
        assert_eq!(shorten("anything", 0), "");
        assert_eq!(
            gsm_friendly("EXAMPLE – “Clínica” … Peña, café, Müller, sáb"),
            "EXAMPLE - \"Clinica\" ... Peña, café, Müller, sab"
        );
        assert_eq!(gsm_friendly("中"), "中");
        assert_eq!(capitalise("naloxone, syringes"), "Naloxone, syringes");
    }
}
