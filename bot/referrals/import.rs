//! Importing the operator's directory CSV: validation of every row, and the atomic replacement of
//! `<data_dir>/directory.csv`.
//!
//! Validation collects *every* problem, each as `FILE:line: column: message` with the physical
//! line an editor shows, and one problem rejects the whole file: a half-imported directory would
//! send people to places the operator meant to remove. The validated bytes are written to a
//! temporary file in the data directory, flushed to disk and renamed over the old file, so a
//! crash leaves either the old or the new directory, never a mix; the running server notices the
//! new file through `DirectoryHandle::reload_if_changed`.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use thiserror::Error;

use super::csv;
use super::directory::{DIRECTORY_FILE, Directory, Kind, KindSet, Service, kind_codes};
use super::hours::{Hours, SUPPORTED};
use super::zip::{ZipError, ZipTable, parse_zip};

/// The columns of the directory CSV. All must be named in the header, in any order; cells may
/// be empty unless said otherwise. Other columns are ignored (and listed in the report).
pub const COLUMNS: [&str; 15] = [
    "id",
    "kinds",
    "name",
    "address",
    "city",
    "state",
    "zip",
    "lat",
    "lon",
    "phone",
    "hours",
    "languages",
    "notes",
    "source",
    "last_verified",
];

/// Columns a directory may have, and need not: `notes_es`, the notes in Spanish (a Spanish
/// reader whose place has none gets the English notes, marked as English).
pub const OPTIONAL_COLUMNS: [&str; 1] = ["notes_es"];

/// One problem found in a directory file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    /// A column name, or `csv` for a syntax error, or `row` for a problem with the whole row.
    pub column: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every problem in a rejected file, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            writeln!(f, "{p}")?;
        }
        let n = self.0.len();
        write!(
            f,
            "{n} problem{}; the file was not used and the directory in use is unchanged",
            if n == 1 { "" } else { "s" }
        )
    }
}

/// Why an import (or a load) failed.
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{0}")]
    Invalid(Problems),
    #[error("cannot read {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot write {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl ImportError {
    /// The problems of an invalid file (empty for I/O errors).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ImportError::Invalid(p) => &p.0,
            _ => &[],
        }
    }
}

/// What an import brought in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    /// The file now in use.
    pub path: PathBuf,
    pub services: usize,
    /// Services offering each kind, in `Kind::ALL` order.
    pub per_kind: Vec<(Kind, usize)>,
    /// Services placed at their ZIP centroid because lat/lon were empty.
    pub approximate: usize,
    pub without_hours: usize,
    /// Header columns that are not part of the format and were ignored.
    pub ignored_columns: Vec<String>,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "imported {} services into {}",
            self.services,
            self.path.display()
        )?;
        for (kind, n) in &self.per_kind {
            writeln!(f, "  {:<28}{n:>6}", kind.code())?;
        }
        writeln!(
            f,
            "  {} placed at their ZIP centroid (approximate), {} without hours",
            self.approximate, self.without_hours
        )?;
        if !self.ignored_columns.is_empty() {
            writeln!(f, "  ignored columns: {}", self.ignored_columns.join(", "))?;
        }
        Ok(())
    }
}

/// The path of the directory file inside `data_dir`.
pub fn directory_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DIRECTORY_FILE)
}

/// Validates `src_csv` and, if it has no problem at all, makes it the directory in use by
/// atomically replacing `<data_dir>/directory.csv` (the data directory is created if needed).
pub fn import(src_csv: &Path, data_dir: &Path) -> Result<ImportReport, ImportError> {
    let bytes = fs::read(src_csv).map_err(|source| ImportError::Read {
        path: src_csv.to_owned(),
        error: source,
    })?;
    let label = src_csv.display().to_string();
    let text = utf8(&label, &bytes)?;
    let (directory, ignored_columns) = parse_with_report(&label, text, ZipTable::embedded())?;
    let dest = directory_path(data_dir);
    fs::create_dir_all(data_dir).map_err(|source| ImportError::Write {
        path: data_dir.to_owned(),
        error: source,
    })?;
    write_atomically(&dest, &bytes).map_err(|source| ImportError::Write {
        path: dest.clone(),
        error: source,
    })?;
    let services = directory.services();
    Ok(ImportReport {
        path: dest,
        services: services.len(),
        per_kind: directory.count_by_kind(),
        approximate: services.iter().filter(|s| s.approximate).count(),
        without_hours: services.iter().filter(|s| s.hours.is_none()).count(),
        ignored_columns,
    })
}

/// Reads and validates a directory file.
pub(crate) fn load_file(path: &Path) -> Result<Directory, ImportError> {
    let bytes = fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        error: source,
    })?;
    let label = path.display().to_string();
    let text = utf8(&label, &bytes)?;
    parse_directory(&label, text, ZipTable::embedded())
}

fn utf8<'a>(label: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        ImportError::Invalid(Problems(vec![Problem {
            file: label.to_owned(),
            line,
            column: "csv".into(),
            message: "not UTF-8 text; save the file as \"CSV UTF-8\"".into(),
        }]))
    })
}

/// Writes `bytes` to `dest` through a temporary file in the same directory: write, fsync,
/// rename, fsync the directory. Readers see the old file or the new one, never part of one.
fn write_atomically(dest: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(
        ".{DIRECTORY_FILE}.{}.{nanos}.tmp",
        std::process::id()
    ));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, dest)?;
        // Make the rename itself durable. Opening a directory for fsync is a Unix idea.
        #[cfg(unix)]
        fs::File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Validates a whole directory CSV. `file` is the name used in problem reports.
pub fn parse_directory(file: &str, text: &str, zips: &ZipTable) -> Result<Directory, ImportError> {
    parse_with_report(file, text, zips).map(|(d, _)| d)
}

fn parse_with_report(
    file: &str,
    text: &str,
    zips: &ZipTable,
) -> Result<(Directory, Vec<String>), ImportError> {
    let mut problems: Vec<Problem> = Vec::new();
    let problem = |problems: &mut Vec<Problem>, line: usize, column: &str, message: String| {
        problems.push(Problem {
            file: file.to_owned(),
            line,
            column: column.to_owned(),
            message,
        })
    };
    let mut reader = csv::Reader::new(text);
    let header = match reader.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => {
            problem(&mut problems, e.line(), "csv", e.to_string());
            return Err(ImportError::Invalid(Problems(problems)));
        }
        None => {
            problem(
                &mut problems,
                1,
                "header",
                format!(
                    "the file is empty; the first line must name the columns: {}",
                    COLUMNS.join(",")
                ),
            );
            return Err(ImportError::Invalid(Problems(problems)));
        }
    };

    // Header: where each known column is, which are missing, which are extra.
    let mut position: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
    let mut optional: [Option<usize>; OPTIONAL_COLUMNS.len()] = [None; OPTIONAL_COLUMNS.len()];
    let mut ignored = Vec::new();
    for (i, field) in header.fields.iter().enumerate() {
        let name = field.text.trim().to_ascii_lowercase();
        let slot = match COLUMNS.iter().position(|c| *c == name) {
            Some(c) => Some(&mut position[c]),
            None => OPTIONAL_COLUMNS
                .iter()
                .position(|c| *c == name)
                .map(|c| &mut optional[c]),
        };
        match slot {
            Some(Some(_)) => problem(
                &mut problems,
                field.line,
                &name,
                "this column is named twice".into(),
            ),
            Some(slot) => *slot = Some(i),
            None => ignored.push(field.text.trim().to_owned()),
        }
    }
    for (c, pos) in position.iter().enumerate() {
        if pos.is_none() {
            problem(
                &mut problems,
                header.line,
                COLUMNS[c],
                format!(
                    "missing column; the header must name all of: {} (and may add {})",
                    COLUMNS.join(","),
                    OPTIONAL_COLUMNS.join(",")
                ),
            );
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Invalid(Problems(problems)));
    }
    let position = position.map(|p| p.unwrap_or(0));

    // Sized from the line count up front: grown by doubling, a 50,000-row directory left
    // about 20 MiB of outgrown buffers resident in `haven serve` (issue 14).
    let mut services = Vec::with_capacity(rows_at_most(text));
    let mut first_line_of_id: HashMap<String, usize> = HashMap::new();
    // Many services share the same hours ("Mo-Fr 09:00-17:00"); parse each text once and let
    // them share it.
    let mut hours_seen: HashMap<String, Hours> = HashMap::new();
    let mut languages_seen: HashMap<String, Arc<[String]>> = HashMap::new();
    for row in reader {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                // The rest of the file cannot be read reliably; report what was found so far.
                problem(&mut problems, e.line(), "csv", e.to_string());
                break;
            }
        };
        if row.fields.len() != header.fields.len() {
            problem(
                &mut problems,
                row.line,
                "row",
                format!(
                    "has {} fields but the header has {} (a missing or extra comma, or an \
                     unquoted comma inside a field?)",
                    row.fields.len(),
                    header.fields.len()
                ),
            );
            continue;
        }
        let cell = |c: usize| {
            let f = &row.fields[position[c]];
            (f.text.trim(), f.line)
        };
        // The Spanish notes, when the column is there.
        let notes_es = optional[0].map(|p| {
            let f = &row.fields[p];
            (f.text.trim(), f.line)
        });
        let mut check = RowCheck {
            problems: Vec::new(),
        };
        let cells = COLUMNS
            .iter()
            .enumerate()
            .map(|(c, name)| (*name, cell(c)))
            .chain(notes_es.map(|n| ("notes_es", n)));
        for (name, (text, line)) in cells {
            if !name.starts_with("notes") && text.contains('\n') {
                check.add(line, name, "must be on one line".into());
            } else if text.chars().any(|ch| ch.is_control() && ch != '\n') {
                check.add(line, name, "contains a control character (a tab?)".into());
            }
        }
        if let Some((text, line)) = notes_es
            && !text.is_empty()
            && cell(12).0.is_empty()
        {
            check.add(
                line,
                "notes_es",
                "has Spanish notes but `notes` is empty: write the English notes too, or \
                 English readers see none"
                    .into(),
            );
        }
        let notes_es = notes_es.map_or("", |(text, _)| text);
        let (id, id_line) = cell(0);
        if id.is_empty() {
            check.add(id_line, "id", "is empty; every service needs an id".into());
        } else if let Some(first) = first_line_of_id.get(id) {
            check.add(
                id_line,
                "id",
                format!("duplicate id {id:?} (first used on line {first})"),
            );
        } else {
            first_line_of_id.insert(id.to_owned(), id_line);
        }
        let kinds = check.kinds(cell(1));
        let (name, name_line) = cell(2);
        if name.is_empty() {
            check.add(name_line, "name", "is empty".into());
        }
        let state = check.state(cell(5));
        let (lat, lon, approximate) = check.position(cell(6), cell(7), cell(8), zips);
        check.phone(cell(9));
        let (hours_text, hours_line) = cell(10);
        let hours = if hours_text.is_empty() {
            None
        } else if let Some(h) = hours_seen.get(hours_text) {
            Some(h.clone())
        } else {
            match Hours::parse(hours_text) {
                Ok(h) => {
                    hours_seen.insert(hours_text.to_owned(), h.clone());
                    Some(h)
                }
                Err(e) => {
                    check.add(hours_line, "hours", format!("{e}; {SUPPORTED}"));
                    None
                }
            }
        };
        let (languages_text, languages_line) = cell(11);
        let languages = match languages_seen.get(languages_text) {
            Some(list) => Arc::clone(list),
            None => {
                let before = check.problems.len();
                let list: Arc<[String]> = check.languages((languages_text, languages_line)).into();
                // Only a valid list is remembered, so every row repeating a bad one is reported.
                if check.problems.len() == before {
                    languages_seen.insert(languages_text.to_owned(), Arc::clone(&list));
                }
                list
            }
        };
        let last_verified = check.date(cell(14));

        if check.problems.is_empty() {
            services.push(Service {
                id: id.to_owned(),
                kinds,
                name: name.to_owned(),
                address: cell(3).0.to_owned(),
                city: cell(4).0.to_owned(),
                state,
                zip: cell(6).0.to_owned(),
                lat,
                lon,
                approximate,
                phone: cell(9).0.to_owned(),
                hours,
                languages,
                notes: cell(12).0.to_owned(),
                notes_es: notes_es.to_owned(),
                source: cell(13).0.to_owned(),
                last_verified,
            });
        } else {
            for (line, column, message) in check.problems {
                problem(&mut problems, line, column, message);
            }
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Invalid(Problems(problems)));
    }
    services.shrink_to_fit();
    Ok((Directory::from_services(services), ignored))
}

/// The problems of one row, gathered before they are given the file name.
struct RowCheck {
    problems: Vec<(usize, &'static str, String)>,
}

impl RowCheck {
    fn add(&mut self, line: usize, column: &'static str, message: String) {
        // One message per cell is enough; the first is the most basic.
        if !self
            .problems
            .iter()
            .any(|(l, c, _)| *l == line && *c == column)
        {
            self.problems.push((line, column, message));
        }
    }

    fn kinds(&mut self, (text, line): (&str, usize)) -> KindSet {
        let mut set = KindSet::default();
        for piece in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            match Kind::parse(piece) {
                Some(k) => set.insert(k),
                None => {
                    let hint = if piece.contains(',') {
                        "; separate kinds with ;"
                    } else {
                        ""
                    };
                    self.add(
                        line,
                        "kinds",
                        format!("unknown kind {piece:?} (kinds: {}){hint}", kind_codes()),
                    );
                }
            }
        }
        if set.is_empty() && self.problems.iter().all(|(_, c, _)| *c != "kinds") {
            self.add(
                line,
                "kinds",
                format!("is empty; give one or more of: {}", kind_codes()),
            );
        }
        set
    }

    fn state(&mut self, (text, line): (&str, usize)) -> String {
        let valid =
            text.is_empty() || (text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic()));
        if !valid {
            self.add(
                line,
                "state",
                format!("{text:?} is not a two-letter state code such as NY"),
            );
        }
        text.to_ascii_uppercase()
    }

    /// The service's point: its own lat/lon, or its ZIP's centroid (approximate).
    fn position(
        &mut self,
        (zip, zip_line): (&str, usize),
        (lat, lat_line): (&str, usize),
        (lon, lon_line): (&str, usize),
        zips: &ZipTable,
    ) -> (f64, f64, bool) {
        let zip_valid = zip.is_empty() || parse_zip(zip).is_some();
        if !zip_valid {
            self.add(
                zip_line,
                "zip",
                format!("{zip:?} is not a ZIP code (5 digits, or ZIP+4 such as 10001-1234)"),
            );
        }
        match (lat.is_empty(), lon.is_empty()) {
            (true, true) => {
                if zip.is_empty() {
                    self.add(
                        lat_line,
                        "lat",
                        "lat and lon are empty and there is no zip to place the service by".into(),
                    );
                    return (0.0, 0.0, true);
                }
                match zips.lookup(zip) {
                    Ok(e) => (f64::from(e.lat), f64::from(e.lon), true),
                    Err(ZipError::Unknown) => {
                        self.add(
                            zip_line,
                            "zip",
                            format!("ZIP {zip} is not in the ZIP table, so lat and lon are needed"),
                        );
                        (0.0, 0.0, true)
                    }
                    // Already reported above.
                    Err(ZipError::BadFormat) => (0.0, 0.0, true),
                }
            }
            (true, false) => {
                self.add(lat_line, "lat", "is empty but lon is given".into());
                (0.0, 0.0, false)
            }
            (false, true) => {
                self.add(lon_line, "lon", "is empty but lat is given".into());
                (0.0, 0.0, false)
            }
            (false, false) => {
                let lat_v = self.coordinate(lat, lat_line, "lat", 90.0);
                let lon_v = self.coordinate(lon, lon_line, "lon", 180.0);
                if lat_v == Some(0.0) && lon_v == Some(0.0) {
                    self.add(
                        lat_line,
                        "lat",
                        "lat and lon are both 0, which is not a real place here; leave them \
                         empty to use the ZIP centroid"
                            .into(),
                    );
                }
                (lat_v.unwrap_or(0.0), lon_v.unwrap_or(0.0), false)
            }
        }
    }

    fn coordinate(
        &mut self,
        text: &str,
        line: usize,
        column: &'static str,
        limit: f64,
    ) -> Option<f64> {
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && (-limit..=limit).contains(&v) => Some(v),
            _ => {
                self.add(
                    line,
                    column,
                    format!(
                        "{text:?} is not a {} (a decimal number from -{limit} to {limit}, \
                         such as {})",
                        if column == "lat" {
                            "latitude"
                        } else {
                            "longitude"
                        },
                        if column == "lat" {
                            "40.7484"
                        } else {
                            "-73.9967"
                        }
                    ),
                );
                None
            }
        }
    }

    fn phone(&mut self, (text, line): (&str, usize)) {
        let digits = text.chars().filter(char::is_ascii_digit).count();
        if !text.is_empty() && digits < 7 {
            self.add(
                line,
                "phone",
                format!("{text:?} has fewer than 7 digits; is it a phone number?"),
            );
        }
    }

    fn languages(&mut self, (text, line): (&str, usize)) -> Vec<String> {
        let mut out = Vec::new();
        for code in text.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            if (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphabetic()) {
                out.push(code.to_ascii_lowercase());
            } else {
                self.add(
                    line,
                    "languages",
                    format!("{code:?} is not a language code; write codes such as en;es"),
                );
            }
        }
        out
    }

    fn date(&mut self, (text, line): (&str, usize)) -> Option<NaiveDate> {
        if text.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.add(
                    line,
                    "last_verified",
                    format!("{text:?} is not a date written YYYY-MM-DD"),
                );
                None
            }
        }
    }
}

/// An upper bound on the data rows of `text` (a quoted cell may span lines).
fn rows_at_most(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,kinds,name,address,city,state,zip,lat,lon,phone,hours,languages,notes,source,last_verified";

    fn parse(body: &str) -> Result<Directory, ImportError> {
        parse_directory("t.csv", &format!("{HEADER}\n{body}"), ZipTable::embedded())
    }

    fn problems(body: &str) -> Vec<String> {
        match parse(body) {
            Ok(_) => panic!("accepted: {body}"),
            Err(e) => e.problems().iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn a_good_row_becomes_a_service() {
        let d = parse(
            "a1,naloxone; Syringe,EXAMPLE – One,1 Main St,New York,ny,10001-1234,,,\
             (212) 555-0100,Mo-Fr 09:00-17:00,en;ES,\"walk in\nno ID needed\",made up,2026-11-01\n",
        )
        .unwrap();
        let s = &d.services()[0];
        assert_eq!(s.id, "a1");
        assert_eq!(
            s.kinds.iter().collect::<Vec<_>>(),
            [Kind::Naloxone, Kind::Syringe]
        );
        assert_eq!(s.state, "NY");
        assert!(s.approximate);
        assert!((s.lat - 40.7484).abs() < 1e-3);
        assert_eq!(*s.languages, ["en", "es"]);
        assert_eq!(s.notes, "walk in\nno ID needed");
        assert_eq!(
            s.hours.as_ref().map(Hours::as_str),
            Some("Mo-Fr 09:00-17:00")
        );
        assert_eq!(s.last_verified, NaiveDate::from_ymd_opt(2026, 11, 1));
    }

    #[test]
    fn columns_in_any_order_and_extra_columns_ignored() {
        let text = "name,lon,lat,kinds,id,licence,address,city,state,zip,phone,hours,\
                    languages,notes,source,last_verified\n\
                    X,-73.99,40.75,drop-in,d1,CC0,,,,,,,,,,\n";
        let (d, ignored) = parse_with_report("t.csv", text, ZipTable::embedded()).unwrap();
        assert_eq!(d.services()[0].id, "d1");
        assert_eq!(d.services()[0].lon, -73.99);
        assert!(!d.services()[0].approximate);
        assert_eq!(ignored, ["licence"]);
    }

    #[test]
    fn every_problem_is_reported_with_its_physical_line() {
        let body = "\
a,naloxone,A,,,,,40.7,-74.0,,,,\"note on\ntwo lines\",,\n\
b,narcan;syringe,B,,,,,91,-74.0,,Mo-Fr 9-17,,,,\n\
a,testing,,,,,,,,,,,,,\n\
c,naloxone,C,,,,99999,,,12,,english,,,2026-13-01\n\
d,naloxone,D,,,,,40.7,,,,,,,\n\
e,naloxone,E\n";
        let got = problems(body);
        let expected = [
            "t.csv:4: kinds: unknown kind \"narcan\" (kinds: naloxone, syringe, methadone, \
             buprenorphine, treatment, testing, fentanyl-strips, overdose-prevention-center, \
             drop-in)",
            "t.csv:4: lat: \"91\" is not a latitude (a decimal number from -90 to 90, such as \
             40.7484)",
            "t.csv:4: hours: \"9\" is not a time (use HH:MM, 00:00 to 24:00) (at character 7); \
             supported: 24/7; weekdays Mo-Fr, Mo,We,Fr, Sa-Mo; times 09:00-17:00, several with \
             commas, past midnight 20:00-02:00; off; rules separated by ;",
            "t.csv:5: id: duplicate id \"a\" (first used on line 2)",
            "t.csv:5: name: is empty",
            "t.csv:5: lat: lat and lon are empty and there is no zip to place the service by",
            "t.csv:6: zip: ZIP 99999 is not in the ZIP table, so lat and lon are needed",
            "t.csv:6: phone: \"12\" has fewer than 7 digits; is it a phone number?",
            "t.csv:6: languages: \"english\" is not a language code; write codes such as en;es",
            "t.csv:6: last_verified: \"2026-13-01\" is not a date written YYYY-MM-DD",
            "t.csv:7: lon: is empty but lat is given",
            "t.csv:8: row: has 3 fields but the header has 15 (a missing or extra comma, or an \
             unquoted comma inside a field?)",
        ];
        assert_eq!(got, expected);
    }

    #[test]
    fn header_problems_stop_before_rows() {
        let text = "id,kinds,name,address,city,state,zip,lat,lat,phone,hours,languages,notes,\
                    source\nx,y\n";
        let got: Vec<String> = parse_directory("h.csv", text, ZipTable::embedded())
            .unwrap_err()
            .problems()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(got.len(), 3, "{got:#?}");
        assert_eq!(got[0], "h.csv:1: lat: this column is named twice");
        assert!(got[1].starts_with("h.csv:1: lon: missing column; the header must name all of:"));
        assert!(got[2].starts_with("h.csv:1: last_verified: missing column"));
        let empty = parse_directory("e.csv", "\n\n", ZipTable::embedded()).unwrap_err();
        assert!(
            empty
                .to_string()
                .starts_with("e.csv:1: header: the file is empty")
        );
    }

    #[test]
    fn syntax_errors_and_single_line_fields() {
        assert_eq!(
            problems("a,naloxone,\"A,,,,,40.7,-74,,,,,,\n"),
            ["t.csv:2: csv: a quoted field opened here is never closed (a \" is missing)"]
        );
        assert_eq!(
            problems("a,naloxone,\"two\nlines\",,,,,40.7,-74,,,,,,\n"),
            ["t.csv:2: name: must be on one line"]
        );
        assert_eq!(
            problems("a,naloxone,A,,,,,0,0,,,,,,\n"),
            [
                "t.csv:2: lat: lat and lon are both 0, which is not a real place here; leave \
                 them empty to use the ZIP centroid"
            ]
        );
        assert_eq!(
            problems("a,\"naloxone,syringe\",A,,,,,1,1,,,,,,\n")[0],
            "t.csv:2: kinds: unknown kind \"naloxone,syringe\" (kinds: naloxone, syringe, \
             methadone, buprenorphine, treatment, testing, fentanyl-strips, \
             overdose-prevention-center, drop-in); separate kinds with ;"
        );
        assert_eq!(problems("a,,A,,,,,1,1,,,,,,\n").len(), 1);
    }

    #[test]
    fn repeated_values_are_checked_on_every_row() {
        // Hours and language lists are parsed once and shared; a bad one is still reported on
        // every row that has it.
        let got = problems(
            "a,naloxone,A,,,,,1,1,,Mo 9-17,english,,,\n\
             b,naloxone,B,,,,,1,1,,Mo 9-17,english,,,\n",
        );
        assert_eq!(got.len(), 4, "{got:#?}");
        let d = parse(
            "a,naloxone,A,,,,,1,1,,Mo 09:00-17:00,en;es,,,\n\
             b,naloxone,B,,,,,1,1,,Mo 09:00-17:00,en;es,,,\n",
        )
        .unwrap();
        let [a, b] = d.services() else { panic!() };
        assert!(Arc::ptr_eq(&a.languages, &b.languages));
        assert_eq!(a.hours, b.hours);
    }

    #[test]
    fn spanish_notes_are_an_optional_column() {
        let text = format!(
            "{HEADER},notes_es\n\
             a,naloxone,A,,,,,1,1,,,,Walk in.,,,\"Sin cita.\nSin identificación.\"\n\
             b,naloxone,B,,,,,1,1,,,,No ID.,,,\n"
        );
        let d = parse_directory("t.csv", &text, ZipTable::embedded()).unwrap();
        let [a, b] = d.services() else { panic!() };
        assert_eq!(a.notes_es, "Sin cita.\nSin identificación.");
        assert_eq!(b.notes_es, "");
        // Without the column, every service simply has no Spanish notes.
        let d = parse("a,naloxone,A,,,,,1,1,,,,Walk in.,,\n").unwrap();
        assert_eq!(d.services()[0].notes_es, "");
        // Spanish notes alone would leave English readers with nothing.
        let text = format!("{HEADER},notes_es\na,naloxone,A,,,,,1,1,,,,,,,Sin cita.\n");
        let got: Vec<String> = parse_directory("t.csv", &text, ZipTable::embedded())
            .unwrap_err()
            .problems()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with("t.csv:2: notes_es: has Spanish notes but `notes` is empty"));
        let text = format!("{HEADER},notes_es,NOTES_ES\n");
        let got = parse_directory("t.csv", &text, ZipTable::embedded()).unwrap_err();
        assert_eq!(
            got.problems()[0].to_string(),
            "t.csv:1: notes_es: this column is named twice"
        );
    }

    #[test]
    fn invalid_display_ends_with_a_summary() {
        let e = parse("a,x,A,,,,,1,1,,,,,,\n").unwrap_err().to_string();
        assert!(
            e.ends_with("1 problem; the file was not used and the directory in use is unchanged"),
            "{e}"
        );
    }

    #[test]
    fn non_utf8_is_a_problem_with_a_line() {
        let e = utf8("x.csv", b"id\nabc\n\xff\n").unwrap_err();
        assert_eq!(e.problems()[0].line, 3);
    }
}
