//! The service directory in memory: kinds of service, one `Service` per CSV row, the immutable
//! `Directory` searched by `find`, and the `DirectoryHandle` a running server reads it through.
//!
//! A `Directory` never changes after it is built. A re-import writes a new file, and
//! `DirectoryHandle::reload_if_changed` swaps in a new `Directory` only when that file loads
//! completely; requests that already hold the old `Arc<Directory>` finish with it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use chrono::NaiveDate;
use thiserror::Error;

use super::hours::Hours;
use super::import::{ImportError, load_file};

/// What a service offers. The CSV codes are fixed (see `Kind::code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Naloxone,
    Syringe,
    Methadone,
    Buprenorphine,
    Treatment,
    /// HIV and hepatitis C testing.
    Testing,
    FentanylStrips,
    OverdosePreventionCenter,
    DropIn,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Naloxone,
        Kind::Syringe,
        Kind::Methadone,
        Kind::Buprenorphine,
        Kind::Treatment,
        Kind::Testing,
        Kind::FentanylStrips,
        Kind::OverdosePreventionCenter,
        Kind::DropIn,
    ];

    /// The code used in the CSV `kinds` column, on the command line and in message ids
    /// (`refer-kind-<code>`).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Naloxone => "naloxone",
            Kind::Syringe => "syringe",
            Kind::Methadone => "methadone",
            Kind::Buprenorphine => "buprenorphine",
            Kind::Treatment => "treatment",
            Kind::Testing => "testing",
            Kind::FentanylStrips => "fentanyl-strips",
            Kind::OverdosePreventionCenter => "overdose-prevention-center",
            Kind::DropIn => "drop-in",
        }
    }

    /// Reads a code, ignoring case and surrounding spaces.
    pub fn parse(code: &str) -> Option<Kind> {
        let code = code.trim();
        Kind::ALL
            .into_iter()
            .find(|k| k.code().eq_ignore_ascii_case(code))
    }

    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An unknown kind code.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("unknown kind {0:?} (kinds: {codes})", codes = kind_codes())]
pub struct UnknownKind(pub String);

/// The valid codes, comma-separated, for messages.
pub fn kind_codes() -> String {
    Kind::ALL.map(Kind::code).join(", ")
}

impl FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Kind, UnknownKind> {
        Kind::parse(s).ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// A set of kinds, stored as a bit mask so that filtering 50,000 services is one AND each.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct KindSet(u16);

impl KindSet {
    pub fn insert(&mut self, kind: Kind) {
        self.0 |= kind.bit();
    }
    pub fn contains(self, kind: Kind) -> bool {
        self.0 & kind.bit() != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The kinds in the set, in `Kind::ALL` order.
    pub fn iter(self) -> impl Iterator<Item = Kind> {
        Kind::ALL.into_iter().filter(move |k| self.contains(*k))
    }
    pub(crate) fn bits(self) -> u16 {
        self.0
    }
}

impl FromIterator<Kind> for KindSet {
    fn from_iter<I: IntoIterator<Item = Kind>>(iter: I) -> Self {
        let mut set = KindSet::default();
        for k in iter {
            set.insert(k);
        }
        set
    }
}

impl fmt::Debug for KindSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// One row of the operator's directory, validated. Text fields are trimmed; an empty string
/// means the column was empty.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub id: String,
    pub kinds: KindSet,
    pub name: String,
    pub address: String,
    pub city: String,
    /// Two upper-case letters, or empty.
    pub state: String,
    /// As written (5 digits or ZIP+4), or empty.
    pub zip: String,
    pub lat: f64,
    pub lon: f64,
    /// True when `lat`/`lon` were empty and the ZIP centroid stands in for the address.
    pub approximate: bool,
    pub phone: String,
    /// `None` when the hours are unknown.
    pub hours: Option<Hours>,
    /// Lower-case language codes such as `en`, `es`. Shared between services with the same
    /// list, which most of a directory has.
    pub languages: Arc<[String]>,
    /// Free text in English; may span several lines.
    pub notes: String,
    /// The same notes in Spanish (the optional `notes_es` column), or empty.
    pub notes_es: String,
    pub source: String,
    pub last_verified: Option<NaiveDate>,
}

/// What `find` scans: the service's position as a unit vector (so that straight-line distance
/// ranks like great-circle distance) and its kinds. Kept apart from `Service` so the scan
/// touches 16 bytes per service, not a few hundred.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IndexEntry {
    pub v: [f32; 3],
    pub mask: u16,
}

/// An immutable, searchable directory.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    services: Vec<Service>,
    index: Vec<IndexEntry>,
}

impl Directory {
    /// A directory with no services: every search answers "nothing nearby" with the national
    /// options.
    pub fn empty() -> Directory {
        Directory::default()
    }

    /// Builds the search index over already validated services.
    pub(crate) fn from_services(services: Vec<Service>) -> Directory {
        let index = services
            .iter()
            .map(|s| {
                let v = unit_vector(s.lat, s.lon);
                IndexEntry {
                    v: [v[0] as f32, v[1] as f32, v[2] as f32],
                    mask: s.kinds.bits(),
                }
            })
            .collect();
        Directory { services, index }
    }

    /// Loads and validates a directory CSV, as `import` would.
    pub fn load(path: &Path) -> Result<Directory, ImportError> {
        load_file(path)
    }

    pub fn len(&self) -> usize {
        self.services.len()
    }

    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }

    /// Every service, in file order.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    pub fn get(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// How many services offer each kind, in `Kind::ALL` order (kinds with none included).
    pub fn count_by_kind(&self) -> Vec<(Kind, usize)> {
        Kind::ALL
            .into_iter()
            .map(|k| {
                (
                    k,
                    self.services.iter().filter(|s| s.kinds.contains(k)).count(),
                )
            })
            .collect()
    }

    pub(crate) fn index(&self) -> &[IndexEntry] {
        &self.index
    }
}

/// The point on the unit sphere at `lat`, `lon` (degrees).
pub(crate) fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (lat, lon) = (lat.to_radians(), lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The name of the directory file inside the data directory.
pub const DIRECTORY_FILE: &str = "directory.csv";

/// A cheaply cloneable, shared view of the directory in use, which a server reloads when the
/// file changes.
///
/// ```no_run
/// # use haven::referrals::DirectoryHandle;
/// let handle = DirectoryHandle::open(std::path::Path::new("data"))?;
/// // In a request: take the current directory and search it.
/// let dir = handle.current();
/// // Now and then (a timer, or after an import): pick up a new file.
/// if let Err(e) = handle.reload_if_changed() {
///     eprintln!("the new directory was rejected, keeping the old one:\n{e}");
/// }
/// # Ok::<(), haven::referrals::ImportError>(())
/// ```
#[derive(Clone, Debug)]
pub struct DirectoryHandle {
    inner: Arc<HandleInner>,
}

#[derive(Debug)]
struct HandleInner {
    /// The file to watch, or `None` for a fixed directory.
    path: Option<PathBuf>,
    current: RwLock<Arc<Directory>>,
    /// The file state the current directory (or the last rejected file) was read from.
    seen: Mutex<Option<FileStamp>>,
}

/// Enough of a file's metadata to notice a replacement: an import renames a new file into
/// place, so the inode changes even if size and modification time happen to match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

fn stamp(path: &Path) -> std::io::Result<Option<FileStamp>> {
    match std::fs::metadata(path) {
        Ok(m) => {
            #[cfg(unix)]
            let inode = std::os::unix::fs::MetadataExt::ino(&m);
            #[cfg(not(unix))]
            let inode = 0;
            Ok(Some(FileStamp {
                len: m.len(),
                modified: m.modified().ok(),
                inode,
            }))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

impl DirectoryHandle {
    /// Opens `<data_dir>/directory.csv`. A missing file gives an empty directory (searches then
    /// answer with the national options) that is replaced once a file is imported. A file that
    /// fails validation is an error; use `empty_at` and `reload_if_changed` to start anyway.
    pub fn open(data_dir: &Path) -> Result<DirectoryHandle, ImportError> {
        let handle = DirectoryHandle::empty_at(data_dir);
        handle.reload_if_changed()?;
        Ok(handle)
    }

    /// A handle watching `<data_dir>/directory.csv` that starts empty; the first
    /// `reload_if_changed` loads the file if there is one.
    pub fn empty_at(data_dir: &Path) -> DirectoryHandle {
        DirectoryHandle::with(Some(data_dir.join(DIRECTORY_FILE)), Directory::empty())
    }

    /// A handle to a directory that never reloads (tests, one-off commands).
    pub fn fixed(directory: Directory) -> DirectoryHandle {
        DirectoryHandle::with(None, directory)
    }

    fn with(path: Option<PathBuf>, directory: Directory) -> DirectoryHandle {
        DirectoryHandle {
            inner: Arc::new(HandleInner {
                path,
                current: RwLock::new(Arc::new(directory)),
                seen: Mutex::new(None),
            }),
        }
    }

    /// The file this handle watches.
    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }

    /// The directory in use. Cheap: one read lock and an `Arc` clone.
    pub fn current(&self) -> Arc<Directory> {
        // A poisoned lock still holds a complete `Arc`; the swap below cannot half-happen.
        let guard = self
            .inner
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(&guard)
    }

    /// Loads the file again if it changed since the last look. Returns `Ok(true)` when a new
    /// directory is now in use, `Ok(false)` when nothing changed (or the file was removed,
    /// which keeps the directory in use), and the import error when the new file is broken;
    /// the old directory then keeps answering, and the same broken file is not reported twice.
    pub fn reload_if_changed(&self) -> Result<bool, ImportError> {
        let Some(path) = &self.inner.path else {
            return Ok(false);
        };
        // Holding `seen` serialises reloads, so two timers cannot load the same file twice.
        let mut seen = self
            .inner
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = stamp(path).map_err(|source| ImportError::Read {
            path: path.clone(),
            error: source,
        })?;
        if now == *seen {
            return Ok(false);
        }
        *seen = now;
        if now.is_none() {
            return Ok(false);
        }
        let directory = load_file(path)?;
        let mut current = self
            .inner
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = Arc::new(directory);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_codes_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.code()), Some(k));
            assert_eq!(k.code().parse::<Kind>(), Ok(k));
        }
        assert_eq!(Kind::parse(" Fentanyl-Strips "), Some(Kind::FentanylStrips));
        assert_eq!(Kind::parse("narcan"), None);
        let e = "narcan".parse::<Kind>().unwrap_err().to_string();
        assert!(e.contains("\"narcan\"") && e.contains("drop-in"), "{e}");
    }

    #[test]
    fn kind_sets() {
        let set: KindSet = [Kind::DropIn, Kind::Naloxone].into_iter().collect();
        assert!(set.contains(Kind::Naloxone) && set.contains(Kind::DropIn));
        assert!(!set.contains(Kind::Syringe));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Kind::Naloxone, Kind::DropIn]
        );
        assert!(KindSet::default().is_empty());
        assert_eq!(format!("{set:?}"), "{Naloxone, DropIn}");
    }

    #[test]
    fn unit_vectors_are_unit_length() {
        for (lat, lon) in [(0.0, 0.0), (40.7, -74.0), (-33.9, 151.2), (90.0, 0.0)] {
            let v = unit_vector(lat, lon);
            let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
            assert!((n - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn fixed_handle_never_reloads() {
        let h = DirectoryHandle::fixed(Directory::empty());
        assert!(!h.reload_if_changed().unwrap());
        assert!(h.current().is_empty());
        assert!(h.path().is_none());
    }
}
