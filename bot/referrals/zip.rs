//! US ZIP code centroids, compiled into the binary, so a ZIP becomes a point with no download.
//!
//! The table (`zip_centroids.csv`, `zip,lat,lon`, sorted by ZIP, 4 decimals) was exported once
//! from the `zipcodes` crate 3.0.1; see `ZIP_DATA_LICENSE.md` beside it for the sources and the
//! attribution GeoNames requires. ZIPs whose source record has no coordinates (military APO/FPO
//! and a few others, given as 0,0) were left out, so they are reported as unknown rather than
//! placed in the Gulf of Guinea.
//!
//! At startup the text is parsed once into a sorted `Vec` of 12-byte entries (about 0.5 MB), and
//! a lookup is a binary search.

use std::sync::OnceLock;

use thiserror::Error;

/// The embedded table, as committed.
pub const EMBEDDED_CSV: &str = include_str!("zip_centroids.csv");

/// One ZIP and its centroid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZipEntry {
    pub zip: u32,
    pub lat: f32,
    pub lon: f32,
}

/// ZIP centroids sorted by ZIP.
#[derive(Clone, Debug, Default)]
pub struct ZipTable {
    entries: Vec<ZipEntry>,
}

/// Why a ZIP table could not be read. Only a broken build could produce this for the embedded
/// table; it exists so that a test or a custom table never panics.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("ZIP table line {line}: {message}")]
pub struct ZipTableError {
    pub line: usize,
    pub message: &'static str,
}

/// Why a text is not a ZIP that can be placed on the map. The messages never repeat the ZIP,
/// because a location must not end up in a log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum ZipError {
    #[error("not a ZIP code (expected 5 digits, or ZIP+4 such as 10001-1234)")]
    BadFormat,
    #[error("this ZIP code is not in the ZIP table")]
    Unknown,
}

impl ZipTable {
    /// The embedded table, parsed on first use and shared afterwards.
    pub fn embedded() -> &'static ZipTable {
        static TABLE: OnceLock<ZipTable> = OnceLock::new();
        // The embedded file is checked by a unit test, so the fallback to an empty table only
        // guards against a broken build; it keeps the bot answering (every ZIP then "unknown").
        TABLE.get_or_init(|| ZipTable::parse(EMBEDDED_CSV).unwrap_or_default())
    }

    /// Parses `zip,lat,lon` lines (a header line is skipped). Rows need not be sorted.
    pub fn parse(text: &str) -> Result<ZipTable, ZipTableError> {
        let mut entries = Vec::with_capacity(text.len() / 23 + 1);
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || (i == 0 && line.starts_with("zip")) {
                continue;
            }
            let err = |message| ZipTableError {
                line: i + 1,
                message,
            };
            let mut parts = line.split(',');
            let (Some(z), Some(la), Some(lo), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(err("expected zip,lat,lon"));
            };
            let zip = parse_zip(z).ok_or(err("bad ZIP"))?;
            let lat: f32 = la.parse().map_err(|_| err("bad latitude"))?;
            let lon: f32 = lo.parse().map_err(|_| err("bad longitude"))?;
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(err("coordinates out of range"));
            }
            entries.push(ZipEntry { zip, lat, lon });
        }
        if !entries.is_sorted_by_key(|e| e.zip) {
            entries.sort_by_key(|e| e.zip);
        }
        entries.dedup_by_key(|e| e.zip);
        Ok(ZipTable { entries })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[ZipEntry] {
        &self.entries
    }

    /// The centroid of a ZIP given as a number.
    pub fn get(&self, zip: u32) -> Option<ZipEntry> {
        self.entries
            .binary_search_by_key(&zip, |e| e.zip)
            .ok()
            .map(|i| self.entries[i])
    }

    /// The centroid of `text`: `"10001"`, `"10001-1234"` or `"10001 1234"` (ZIP+4; the +4 part
    /// does not change the point).
    pub fn lookup(&self, text: &str) -> Result<ZipEntry, ZipError> {
        let zip = parse_zip(text).ok_or(ZipError::BadFormat)?;
        self.get(zip).ok_or(ZipError::Unknown)
    }
}

/// Reads a whole text as a ZIP: 5 digits, optionally followed by `-`, a space or nothing and
/// 4 more digits. Surrounding spaces are ignored.
pub fn parse_zip(text: &str) -> Option<u32> {
    let t = text.trim().as_bytes();
    let five = match t.len() {
        5 => t,
        9 if t.iter().all(u8::is_ascii_digit) => &t[..5],
        10 if matches!(t[5], b'-' | b' ') && t[6..].iter().all(u8::is_ascii_digit) => &t[..5],
        _ => return None,
    };
    if !five.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(five.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
}

/// Formats a ZIP as its five digits ("501" → "00501").
pub fn format_zip(zip: u32) -> String {
    format!("{zip:05}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_parses_sorted_and_complete() {
        let t = ZipTable::parse(EMBEDDED_CSV).expect("embedded table");
        assert!(t.len() > 41_000, "{}", t.len());
        assert!(t.entries().windows(2).all(|w| w[0].zip < w[1].zip));
        // No placeholder 0,0 rows made it into the file.
        assert!(t.entries().iter().all(|e| e.lat != 0.0 || e.lon != 0.0));
        assert_eq!(t.len(), ZipTable::embedded().len());
    }

    #[test]
    fn lookup_forms() {
        let t = ZipTable::embedded();
        let e = t.lookup("10001").unwrap();
        assert!((e.lat - 40.7484).abs() < 1e-3 && (e.lon + 73.9967).abs() < 1e-3);
        assert_eq!(t.lookup("10001-1234"), Ok(e));
        assert_eq!(t.lookup(" 10001 1234 "), Ok(e));
        assert_eq!(t.lookup("100011234"), Ok(e));
        assert_eq!(t.lookup("00501").map(|e| e.zip), Ok(501));
        assert_eq!(t.lookup("00000"), Err(ZipError::Unknown));
        assert_eq!(t.lookup("1000"), Err(ZipError::BadFormat));
        assert_eq!(t.lookup("10001-12"), Err(ZipError::BadFormat));
        assert_eq!(t.lookup("1OOO1"), Err(ZipError::BadFormat));
        assert_eq!(t.lookup("١٠٠٠١"), Err(ZipError::BadFormat));
        assert_eq!(format_zip(501), "00501");
    }

    #[test]
    fn bad_tables_are_errors_not_panics() {
        assert_eq!(
            ZipTable::parse("zip,lat,lon\n10001,x,1").unwrap_err().line,
            2
        );
        assert!(ZipTable::parse("10001,91,1").is_err());
        assert!(ZipTable::parse("10001,1").is_err());
        let t = ZipTable::parse("10002,1,2\n10001,3,4\n").unwrap();
        assert_eq!(t.get(10001).map(|e| e.lat), Some(3.0));
    }
}
