//! Where the person is: a US ZIP code anywhere in a short message, coordinates (a Telegram
//! location pin), or a place name from the operator's list, turned into a point.
//!
//! Place names are matched like triage keywords: both sides go through `text::fold` (case,
//! accents, width, punctuation), and a word of five or more letters may be one edit away
//! (Damerau–Levenshtein, so a swapped pair of letters counts once): "harlm" finds Harlem, and
//! "El Bronx" finds the Bronx when the operator lists that alias.
//!
//! A location is private. Nothing here logs, error messages never repeat what the person wrote,
//! and `Located`'s `Debug` output hides the point and the label.

use std::fmt;

use serde::Deserialize;
use strsim::damerau_levenshtein;
use thiserror::Error;

use super::zip::{ZipTable, format_zip};
use crate::text::fold;

/// A place the operator lists in the configuration:
///
/// ```toml
/// [[referrals.places]]
/// name = "The Bronx"
/// name_es = "El Bronx"
/// aliases = ["bronx"]
/// lat = 40.8448
/// lon = -73.8648
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// Shown to the person ("Near Harlem:") and matched.
    pub name: String,
    /// The name in Spanish, shown to Spanish readers ("Cerca de El Bronx:") and matched too;
    /// without it they see `name`.
    #[serde(default)]
    pub name_es: Option<String>,
    /// Other names that find this place, in any language.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub lat: f64,
    pub lon: f64,
}

/// A place list that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PlaceError {
    #[error("place {index}: the name is empty (or only punctuation)")]
    EmptyName { index: usize },
    #[error("place {name:?}: alias {alias:?} is empty after folding")]
    EmptyAlias { name: String, alias: String },
    #[error("place {name:?}: name_es {name_es:?} is empty after folding")]
    EmptySpanishName { name: String, name_es: String },
    #[error("place {name:?}: lat must be -90..90 and lon -180..180")]
    BadCoordinates { name: String },
}

/// The operator's places, folded once for matching.
#[derive(Clone, Debug, Default)]
pub struct Places {
    places: Vec<Place>,
    /// (index into `places`, folded words of the name or one alias).
    names: Vec<(usize, Vec<String>)>,
}

impl Places {
    pub fn new(places: Vec<Place>) -> Result<Places, PlaceError> {
        let mut names = Vec::new();
        for (index, p) in places.iter().enumerate() {
            let words: Vec<String> = fold(&p.name).words().map(str::to_owned).collect();
            if words.is_empty() {
                return Err(PlaceError::EmptyName { index: index + 1 });
            }
            if !valid_point(p.lat, p.lon) {
                return Err(PlaceError::BadCoordinates {
                    name: p.name.clone(),
                });
            }
            names.push((index, words));
            if let Some(es) = &p.name_es {
                let words: Vec<String> = fold(es).words().map(str::to_owned).collect();
                if words.is_empty() {
                    return Err(PlaceError::EmptySpanishName {
                        name: p.name.clone(),
                        name_es: es.clone(),
                    });
                }
                names.push((index, words));
            }
            for alias in &p.aliases {
                let words: Vec<String> = fold(alias).words().map(str::to_owned).collect();
                if words.is_empty() {
                    return Err(PlaceError::EmptyAlias {
                        name: p.name.clone(),
                        alias: alias.clone(),
                    });
                }
                names.push((index, words));
            }
        }
        Ok(Places { places, names })
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The listed place best matching `text`: the one matching the most words, then with the
    /// fewest typos, then the first listed.
    pub fn find(&self, text: &str) -> Option<&Place> {
        let folded = fold(text);
        let words: Vec<&str> = folded.words().collect();
        // (words matched, edits, place index), best so far.
        let mut best: Option<(usize, usize, usize)> = None;
        for (index, name) in &self.names {
            let n = name.len();
            if n > words.len() {
                continue;
            }
            for window in words.windows(n) {
                let Some(edits) = window
                    .iter()
                    .zip(name)
                    .try_fold(0, |edits, (w, p)| word_edits(w, p).map(|e| edits + e))
                else {
                    continue;
                };
                let better = match best {
                    None => true,
                    Some((bn, be, _)) => n > bn || (n == bn && edits < be),
                };
                if better {
                    best = Some((n, edits, *index));
                }
            }
        }
        best.map(|(_, _, i)| &self.places[i])
    }
}

/// 0 when the words are equal, 1 when both have five or more letters and are one
/// Damerau–Levenshtein edit apart, otherwise no match.
fn word_edits(word: &str, place: &str) -> Option<usize> {
    if word == place {
        return Some(0);
    }
    let long_enough = word.chars().count() >= 5 && place.chars().count() >= 5;
    (long_enough && damerau_levenshtein(word, place) <= 1).then_some(1)
}

/// A point a search can start from.
#[derive(Clone, PartialEq)]
pub struct Located {
    pub lat: f64,
    pub lon: f64,
    /// What to call the point in a reply: the ZIP ("10001") or the place name; `None` for a
    /// shared location ("near you").
    pub label: Option<String>,
    /// The place's Spanish name, when the operator gave one.
    pub label_es: Option<String>,
    /// True for a ZIP centroid or a listed place: the person is somewhere around there.
    pub approximate: bool,
}

impl fmt::Debug for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Locations are private; keep them out of logs even when a Debug slips into one.
        f.debug_struct("Located")
            .field("lat", &format_args!("<private>"))
            .field("lon", &format_args!("<private>"))
            .field("label", &format_args!("<private>"))
            .field("label_es", &format_args!("<private>"))
            .field("approximate", &self.approximate)
            .finish()
    }
}

impl Located {
    /// What to call the point in `lang`: the Spanish name for a Spanish reader when there is
    /// one, else the label.
    pub fn label_for(&self, lang: crate::Lang) -> Option<&str> {
        match (lang, &self.label_es) {
            (crate::Lang::Es, Some(es)) => Some(es),
            _ => self.label.as_deref(),
        }
    }
}

/// Why no point was found. The messages never include the person's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum LocateError {
    #[error("no ZIP code, coordinates or known place name found")]
    NotFound,
    #[error("the ZIP code is not in the ZIP table")]
    UnknownZip,
    #[error("coordinates out of range (lat -90..90, lon -180..180)")]
    BadCoordinates,
}

/// Turns what a person sends into a point: the ZIP table and the operator's places.
#[derive(Clone, Debug)]
pub struct Locator {
    zips: &'static ZipTable,
    places: Places,
}

impl Locator {
    /// A locator over the embedded ZIP table.
    pub fn new(places: Places) -> Locator {
        Locator::with_zip_table(ZipTable::embedded(), places)
    }

    pub fn with_zip_table(zips: &'static ZipTable, places: Places) -> Locator {
        Locator { zips, places }
    }

    pub fn places(&self) -> &Places {
        &self.places
    }

    pub fn zips(&self) -> &'static ZipTable {
        self.zips
    }

    /// Reads a location from free text, trying in order: the whole text as `lat,lon`; the first
    /// ZIP code in it (5 digits, or ZIP+4 as `10001-1234`, `10001 1234` or `100011234`); a
    /// listed place name. A ZIP that is not in the table is `UnknownZip`, not a place search:
    /// the person clearly meant a ZIP.
    pub fn locate(&self, text: &str) -> Result<Located, LocateError> {
        if let Some(point) = parse_coordinates(text) {
            let (lat, lon) = point?;
            return Locator::locate_point(lat, lon);
        }
        if let Some(zip) = find_zip(text) {
            let e = self.zips.get(zip).ok_or(LocateError::UnknownZip)?;
            return Ok(Located {
                lat: f64::from(e.lat),
                lon: f64::from(e.lon),
                label: Some(format_zip(zip)),
                label_es: None,
                approximate: true,
            });
        }
        match self.places.find(text) {
            Some(p) => Ok(Located {
                lat: p.lat,
                lon: p.lon,
                label: Some(p.name.clone()),
                label_es: p.name_es.clone(),
                approximate: true,
            }),
            None => Err(LocateError::NotFound),
        }
    }

    /// A shared location (a Telegram pin): exact, and unlabelled.
    pub fn locate_point(lat: f64, lon: f64) -> Result<Located, LocateError> {
        if !valid_point(lat, lon) {
            return Err(LocateError::BadCoordinates);
        }
        Ok(Located {
            lat,
            lon,
            label: None,
            label_es: None,
            approximate: false,
        })
    }
}

fn valid_point(lat: f64, lon: f64) -> bool {
    lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
}

/// `Some` when the whole text is two decimal numbers separated by a comma ("40.7484,-73.9967");
/// the inner result says whether they are in range.
fn parse_coordinates(text: &str) -> Option<Result<(f64, f64), LocateError>> {
    let (a, b) = text.trim().split_once(',')?;
    let (a, b) = (a.trim(), b.trim());
    // Requiring a decimal point keeps "10001,10002" from looking like coordinates.
    let decimal = |s: &str| {
        s.contains('.')
            && s.bytes()
                .all(|c| c.is_ascii_digit() || c == b'.' || c == b'-' || c == b'+')
    };
    if !decimal(a) || !decimal(b) {
        return None;
    }
    let (lat, lon) = (a.parse::<f64>().ok()?, b.parse::<f64>().ok()?);
    Some(if valid_point(lat, lon) {
        Ok((lat, lon))
    } else {
        Err(LocateError::BadCoordinates)
    })
}

/// The first ZIP code in `text`: a run of exactly 5 ASCII digits (ZIP+4 written `10001-1234` or
/// `10001 1234` starts with one), or a run of 9 (`100011234`). Runs that are part of a decimal number are not
/// ZIPs, and runs of other lengths (phone numbers) are skipped.
fn find_zip(text: &str) -> Option<u32> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let run = &b[start..i];
        // Digits right after "7." or right before ".5" belong to a decimal number.
        let digit_at = |j: Option<usize>| j.and_then(|j| b.get(j)).is_some_and(u8::is_ascii_digit);
        let touches_point = (start > 0 && b[start - 1] == b'.' && digit_at(start.checked_sub(2)))
            || (b.get(i) == Some(&b'.') && digit_at(Some(i + 1)));
        if touches_point || !(run.len() == 5 || run.len() == 9) {
            continue;
        }
        let zip = run[..5]
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
        // A +4 part after the first ZIP ("10001-1234") changes nothing: the centroid is the ZIP's.
        return Some(zip);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        let toml = r#"
            [[places]]
            name = "Harlem"
            aliases = ["east harlem", "el barrio"]
            lat = 40.8116
            lon = -73.9465
            [[places]]
            name = "The Bronx"
            aliases = ["bronx", "el bronx"]
            lat = 40.8448
            lon = -73.8648
            [[places]]
            name = "Chelsea"
            lat = 40.7465
            lon = -74.0014
        "#;
        #[derive(Deserialize)]
        struct Config {
            places: Vec<Place>,
        }
        let c: Config = toml::from_str(toml).unwrap();
        Places::new(c.places).unwrap()
    }

    fn locator() -> Locator {
        Locator::new(places())
    }

    fn label(text: &str) -> Result<Option<String>, LocateError> {
        locator().locate(text).map(|l| l.label)
    }

    #[test]
    fn zips_in_short_messages() {
        let l = locator();
        let at = l.locate("im in 10001").unwrap();
        assert_eq!(at.label.as_deref(), Some("10001"));
        assert!(at.approximate);
        assert!((at.lat - 40.7484).abs() < 1e-3 && (at.lon + 73.9967).abs() < 1e-3);
        for text in [
            "10001-1234",
            "zip 10001 1234 pls",
            "100011234",
            "(10001)",
            "ZIP:10001.",
        ] {
            assert_eq!(label(text), Ok(Some("10001".into())), "{text}");
        }
        // The first ZIP wins; a phone number or a long number is not a ZIP.
        assert_eq!(label("10451 or 10001"), Ok(Some("10451".into())));
        assert_eq!(
            label("call 2125550100 near 10001"),
            Ok(Some("10001".into()))
        );
        assert_eq!(label("I have 3 kids"), Err(LocateError::NotFound));
        assert_eq!(label("00000"), Err(LocateError::UnknownZip));
        assert_eq!(label("my zip is 99999"), Err(LocateError::UnknownZip));
    }

    #[test]
    fn coordinates() {
        let l = locator();
        let at = l.locate(" 40.7484, -73.9967 ").unwrap();
        assert_eq!(
            (at.lat, at.lon, at.label, at.approximate),
            (40.7484, -73.9967, None, false)
        );
        assert_eq!(l.locate("95.1,-73.2"), Err(LocateError::BadCoordinates));
        assert_eq!(
            Locator::locate_point(f64::NAN, 0.0),
            Err(LocateError::BadCoordinates)
        );
        assert!(Locator::locate_point(40.0, -74.0).is_ok());
        // Not coordinates: integers, or words around them.
        assert_eq!(label("10001,10002"), Ok(Some("10001".into())));
        assert_eq!(label("near 40.7484,-73.99671"), Err(LocateError::NotFound));
    }

    #[test]
    fn place_names_with_folding_and_typos() {
        assert_eq!(label("harlm"), Ok(Some("Harlem".into())));
        assert_eq!(label("HARLEM!!"), Ok(Some("Harlem".into())));
        assert_eq!(label("estoy en el Bronx"), Ok(Some("The Bronx".into())));
        assert_eq!(label("in da bronx"), Ok(Some("The Bronx".into())));
        assert_eq!(label("cerca de El Barrio"), Ok(Some("Harlem".into())));
        assert_eq!(label("near chelsae"), Ok(Some("Chelsea".into())));
        // Two edits, or a typo in a short word, is not a match.
        assert_eq!(label("hrlm"), Err(LocateError::NotFound));
        assert_eq!(label("brnx"), Err(LocateError::NotFound));
        assert_eq!(label("near me"), Err(LocateError::NotFound));
        assert_eq!(label(""), Err(LocateError::NotFound));
    }

    #[test]
    fn longer_and_exact_matches_win() {
        let p = Places::new(vec![
            Place {
                name: "Harlem".into(),
                name_es: None,
                aliases: vec![],
                lat: 1.0,
                lon: 1.0,
            },
            Place {
                name: "East Harlem".into(),
                name_es: None,
                aliases: vec![],
                lat: 2.0,
                lon: 2.0,
            },
            Place {
                name: "Hamlet".into(),
                name_es: None,
                aliases: vec!["harlen".into()],
                lat: 3.0,
                lon: 3.0,
            },
        ])
        .unwrap();
        assert_eq!(p.find("east harlem").map(|p| p.lat), Some(2.0));
        assert_eq!(p.find("harlem").map(|p| p.lat), Some(1.0));
        assert_eq!(p.find("harlen").map(|p| p.lat), Some(3.0));
    }

    #[test]
    fn bad_place_lists() {
        let place = |name: &str, alias: &str, lat: f64| Place {
            name: name.into(),
            name_es: None,
            aliases: vec![alias.into()],
            lat,
            lon: 0.0,
        };
        assert_eq!(
            Places::new(vec![place("?!", "x", 0.0)]).unwrap_err(),
            PlaceError::EmptyName { index: 1 }
        );
        assert!(matches!(
            Places::new(vec![place("A", "--", 0.0)]),
            Err(PlaceError::EmptyAlias { .. })
        ));
        assert!(matches!(
            Places::new(vec![place("A", "b", 100.0)]),
            Err(PlaceError::BadCoordinates { .. })
        ));
        let unknown_field = toml::from_str::<Place>("name='A'\nlat=1\nlon=2\nalias=['x']");
        assert!(unknown_field.is_err());
    }

    #[test]
    fn debug_output_hides_the_location() {
        let at = locator().locate("10001").unwrap();
        let shown = format!("{at:?}");
        assert!(
            !shown.contains("10001") && !shown.contains("40.7"),
            "{shown}"
        );
        assert!(shown.contains("approximate: true"));
    }

    #[test]
    fn a_spanish_name_is_shown_to_spanish_readers_and_found() {
        let p = Places::new(vec![Place {
            name: "The Bronx".into(),
            name_es: Some("El Bronx".into()),
            aliases: vec![],
            lat: 40.8448,
            lon: -73.8648,
        }])
        .unwrap();
        let l = Locator::new(p);
        for text in ["the bronx", "estoy en el bronx"] {
            let at = l.locate(text).unwrap();
            assert_eq!(at.label.as_deref(), Some("The Bronx"), "{text}");
            assert_eq!(at.label_for(crate::Lang::Es), Some("El Bronx"));
            assert_eq!(at.label_for(crate::Lang::En), Some("The Bronx"));
        }
        let zip = l.locate("10451").unwrap();
        assert_eq!(zip.label_for(crate::Lang::Es), Some("10451"));
        assert!(matches!(
            Places::new(vec![Place {
                name: "A".into(),
                name_es: Some("¿?".into()),
                aliases: vec![],
                lat: 0.0,
                lon: 0.0,
            }]),
            Err(PlaceError::EmptySpanishName { .. })
        ));
    }
}
