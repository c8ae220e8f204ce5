//! The backup file: a snapshot of every sled tree of a data directory and the small files
//! beside the database, written while `haven serve` keeps serving, and read back by
//! `haven restore`.
//!
//! # Format (version [`FORMAT`])
//! A stream of length-prefixed records, all integers big-endian:
//!
//! ```text
//! "HAVENBAK" | format u32 | header length u32 | header (JSON: haven version, time, key
//!                                                        fingerprint, whether the key is in)
//! 'T' name-length u16 name                     a tree begins
//! 'E' key-length u32 key value-length u32 value  an entry of that tree, bytes as stored
//! 'F' name-length u16 name length u64 bytes    a file of the data directory
//! 'K' length u16 hex                           the server secret (only when asked for)
//! 'C' u64                                      sled's id counter when the copy ended
//! 'Z' SHA-256 of every byte before the digest  the end
//! ```
//!
//! A reader refuses a format newer than its own (it cannot know what a newer writer meant),
//! anything without the magic, and a file whose digest does not match (cut short, damaged).
//! The format number changes whenever a reader of the old number would misread the file.
//!
//! # What is consistent
//! Trees are copied one after another while the server writes; sled 0.34 has no snapshot
//! across trees. What a restore relies on holds anyway:
//! - Everything made durable before the backup began is in it: a new ticket, a queued text, an
//!   opt-out and an answered SMS are flushed before their request is answered, so a backup
//!   started after the answer holds them.
//! - Tickets are copied before sessions: a ticket in the backup was named by its session before
//!   it was written (`handoff::Handoff::open`), so the session in the backup names it too.
//!   Something written during the copy may be in the backup or not; the states that leaves (a
//!   session naming a ticket that is not there, a ticket closed during the copy) are states a
//!   crash leaves too, and haven handles them.
//! - Derived indexes (the session expiry index, the open-ticket index) are rebuilt on restore
//!   from the records they index, so they never point the wrong way.
//! - The id counter is read after the last tree, so every id in the backup is below it; the
//!   restore moves the new database's counter past it, and new tickets and queued texts never
//!   reuse a restored id.
//!
//! # Sealed data and the key
//! Values are copied as stored: sealed addresses, transcripts and queued texts stay sealed.
//! The server secret that opens them is not in a backup unless asked for; the header carries
//! its fingerprint, so a restore can tell whether the secret it will run with is the right one.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Keys;

/// The backup format this haven writes, and the newest it reads.
pub const FORMAT: u32 = 1;
/// The first bytes of every backup.
pub const MAGIC: &[u8; 8] = b"HAVENBAK";
/// Trees copied first, in this order (see "What is consistent"); the rest follow by name.
const FIRST: &[&str] = &["tickets", "desk_messages", "sessions"];
/// sled's own default tree, which haven never writes.
const SLED_DEFAULT: &[u8] = b"__sled__default";
/// Headers longer than this are not ours.
const MAX_HEADER: u32 = 64 << 10;

/// What a backup says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The haven version that wrote it.
    pub haven: String,
    /// Unix seconds.
    pub created_at: i64,
    /// [`Keys::fingerprint`] of the secret the sealed data needs.
    pub key_fingerprint: String,
    /// Whether the secret itself is in the backup.
    pub includes_key: bool,
}

/// What a backup holds, counted while writing or reading it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Entries per tree, in file order.
    pub trees: Vec<(String, u64)>,
    /// Files and their sizes.
    pub files: Vec<(String, u64)>,
    pub id_counter: u64,
    pub bytes: u64,
}

impl Summary {
    pub fn entries(&self) -> u64 {
        self.trees.iter().map(|(_, n)| n).sum()
    }

    /// Entries of one tree.
    pub fn tree(&self, name: &str) -> u64 {
        self.trees
            .iter()
            .find(|(t, _)| t == name)
            .map_or(0, |(_, n)| *n)
    }
}

/// One record of a backup, as [`Backup::read`] hands them over.
#[derive(Debug, PartialEq, Eq)]
pub enum Item {
    /// The entries after this belong to this tree.
    Tree(String),
    Entry(Vec<u8>, Vec<u8>),
    File(String, Vec<u8>),
    /// The server secret, as `secret.key` holds it.
    Key(String),
    /// sled's id counter at the end of the copy.
    Counter(u64),
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "not a haven backup (it does not start with {:?})",
        String::from_utf8_lossy(MAGIC)
    )]
    NotABackup,
    #[error(
        "this backup was written in backup format {found} by a newer haven; this haven reads format {FORMAT} and older. Restore it with the haven that wrote it (or a newer one)"
    )]
    NewerFormat { found: u32 },
    #[error("the backup is damaged: {0}")]
    Damaged(String),
    #[error("database: {0}")]
    Sled(#[from] sled::Error),
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn short(name: &str) -> io::Result<u16> {
    u16::try_from(name.len()).map_err(|_| io::Error::other("name too long for a backup"))
}

/// Writes a backup of `db` and of `files` (name in the backup, path to read; a missing file is
/// left out) to `out`. The secret goes in only when `include_key` is set.
pub fn write<W: Write>(
    db: &sled::Db,
    files: &[(String, PathBuf)],
    keys: &Keys,
    include_key: bool,
    now: i64,
    out: W,
) -> Result<Summary, BackupError> {
    let mut w = Hashing {
        inner: out,
        hash: Sha256::new(),
        bytes: 0,
    };
    let header = Header {
        haven: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: now,
        key_fingerprint: keys.fingerprint(),
        includes_key: include_key,
    };
    let json = serde_json::to_vec(&header).expect("header serializes");
    w.write_all(MAGIC)?;
    w.write_all(&FORMAT.to_be_bytes())?;
    w.write_all(&(json.len() as u32).to_be_bytes())?;
    w.write_all(&json)?;
    let mut summary = Summary::default();

    let mut names: Vec<String> = db
        .tree_names()
        .iter()
        .filter(|n| n.as_ref() != SLED_DEFAULT)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    names.sort_by_key(|n| {
        (
            FIRST.iter().position(|f| f == n).unwrap_or(FIRST.len()),
            n.clone(),
        )
    });
    for name in names {
        let tree = db.open_tree(&name)?;
        w.write_all(b"T")?;
        w.write_all(&short(&name)?.to_be_bytes())?;
        w.write_all(name.as_bytes())?;
        let mut n = 0u64;
        for item in tree.iter() {
            let (k, v) = item?;
            w.write_all(b"E")?;
            w.write_all(&(k.len() as u32).to_be_bytes())?;
            w.write_all(&k)?;
            w.write_all(&(v.len() as u32).to_be_bytes())?;
            w.write_all(&v)?;
            n += 1;
        }
        summary.trees.push((name, n));
    }
    for (name, path) in files {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        };
        w.write_all(b"F")?;
        w.write_all(&short(name)?.to_be_bytes())?;
        w.write_all(name.as_bytes())?;
        w.write_all(&(bytes.len() as u64).to_be_bytes())?;
        w.write_all(&bytes)?;
        summary.files.push((name.clone(), bytes.len() as u64));
    }
    if include_key {
        let hex = keys.to_key_file();
        w.write_all(b"K")?;
        w.write_all(&short(&hex)?.to_be_bytes())?;
        w.write_all(hex.as_bytes())?;
    }
    // Read last: every id in the copy was generated before it.
    summary.id_counter = db.generate_id()?;
    w.write_all(b"C")?;
    w.write_all(&summary.id_counter.to_be_bytes())?;
    w.write_all(b"Z")?;
    let digest = w.hash.clone().finalize();
    w.inner.write_all(&digest)?;
    w.inner.flush()?;
    summary.bytes = w.bytes + digest.len() as u64;
    Ok(summary)
}

/// A backup being read: the header first, then the records.
pub struct Backup<R> {
    inner: R,
    hash: Sha256,
    bytes: u64,
    pub header: Header,
    pub format: u32,
}

impl<R: Read> Backup<R> {
    /// Reads the magic, the format and the header; refuses what is not a backup this haven can
    /// read.
    pub fn open(inner: R) -> Result<Backup<R>, BackupError> {
        let mut b = Backup {
            inner,
            hash: Sha256::new(),
            bytes: 0,
            header: Header {
                haven: String::new(),
                created_at: 0,
                key_fingerprint: String::new(),
                includes_key: false,
            },
            format: 0,
        };
        let magic = b.take(8).map_err(|_| BackupError::NotABackup)?;
        if magic != MAGIC {
            return Err(BackupError::NotABackup);
        }
        b.format = b.u32()?;
        if b.format > FORMAT {
            return Err(BackupError::NewerFormat { found: b.format });
        }
        if b.format == 0 {
            return Err(BackupError::Damaged("format 0".into()));
        }
        let len = b.u32()?;
        if len > MAX_HEADER {
            return Err(BackupError::Damaged("header too long".into()));
        }
        let json = b.take(len as usize)?;
        b.header = serde_json::from_slice(&json)
            .map_err(|e| BackupError::Damaged(format!("header: {e}")))?;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<Vec<u8>, BackupError> {
        let mut buf = Vec::new();
        (&mut self.inner)
            .take(n as u64)
            .read_to_end(&mut buf)
            .map_err(BackupError::Io)?;
        if buf.len() != n {
            return Err(BackupError::Damaged("the file ends early".into()));
        }
        self.hash.update(&buf);
        self.bytes += n as u64;
        Ok(buf)
    }

    fn u16(&mut self) -> Result<u16, BackupError> {
        Ok(u16::from_be_bytes(
            self.take(2)?.try_into().expect("2 bytes"),
        ))
    }

    fn u32(&mut self) -> Result<u32, BackupError> {
        Ok(u32::from_be_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u64(&mut self) -> Result<u64, BackupError> {
        Ok(u64::from_be_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    /// A length-prefixed field, refused before reading when it is longer than the file could
    /// hold for it (a damaged length must not allocate gigabytes).
    fn field(&mut self, len: u64) -> Result<Vec<u8>, BackupError> {
        if len > u32::MAX as u64 {
            return Err(BackupError::Damaged("a record is impossibly long".into()));
        }
        self.take(len as usize)
    }

    fn text(&mut self, len: u64) -> Result<String, BackupError> {
        String::from_utf8(self.field(len)?)
            .map_err(|_| BackupError::Damaged("a name is not UTF-8".into()))
    }

    /// Hands every record to `each`, in order, and checks the digest at the end. Whatever
    /// `each` did must be thrown away when this returns an error: the file may be damaged
    /// anywhere before the digest says so.
    pub fn read(
        mut self,
        mut each: impl FnMut(Item) -> Result<(), BackupError>,
    ) -> Result<Summary, BackupError> {
        let mut summary = Summary::default();
        let mut counter = None;
        loop {
            let tag = self.take(1)?[0];
            match tag {
                b'T' => {
                    let len = self.u16()? as u64;
                    let name = self.text(len)?;
                    summary.trees.push((name.clone(), 0));
                    each(Item::Tree(name))?;
                }
                b'E' => {
                    let Some(tree) = summary.trees.last_mut() else {
                        return Err(BackupError::Damaged("an entry outside any tree".into()));
                    };
                    tree.1 += 1;
                    let klen = self.u32()? as u64;
                    let k = self.field(klen)?;
                    let vlen = self.u32()? as u64;
                    let v = self.field(vlen)?;
                    each(Item::Entry(k, v))?;
                }
                b'F' => {
                    let len = self.u16()? as u64;
                    let name = self.text(len)?;
                    let size = self.u64()?;
                    let bytes = self.field(size)?;
                    summary.files.push((name.clone(), size));
                    each(Item::File(name, bytes))?;
                }
                b'K' => {
                    let len = self.u16()? as u64;
                    let hex = self.text(len)?;
                    each(Item::Key(hex))?;
                }
                b'C' => {
                    let c = self.u64()?;
                    counter = Some(c);
                    each(Item::Counter(c))?;
                }
                b'Z' => {
                    let expected = self.hash.clone().finalize();
                    let mut digest = [0u8; 32];
                    self.inner
                        .read_exact(&mut digest)
                        .map_err(|_| BackupError::Damaged("the file ends early".into()))?;
                    if digest[..] != expected[..] {
                        return Err(BackupError::Damaged(
                            "its checksum does not match its contents".into(),
                        ));
                    }
                    let mut rest = [0u8; 1];
                    if self.inner.read(&mut rest)? != 0 {
                        return Err(BackupError::Damaged("bytes after the end".into()));
                    }
                    summary.id_counter =
                        counter.ok_or(BackupError::Damaged("no id counter".into()))?;
                    summary.bytes = self.bytes + 32;
                    return Ok(summary);
                }
                other => {
                    return Err(BackupError::Damaged(format!(
                        "unknown record {:?} at byte {}",
                        other as char,
                        self.bytes - 1
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (tempfile::TempDir, sled::Db, Keys) {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path().join("db")).unwrap();
        db.open_tree("sessions")
            .unwrap()
            .insert(b"a", b"1")
            .unwrap();
        db.open_tree("tickets").unwrap().insert(b"t", b"2").unwrap();
        db.open_tree("outbox")
            .unwrap()
            .insert(b"o", b"sealed")
            .unwrap();
        std::fs::write(dir.path().join("counselors.json"), b"{}").unwrap();
        (
            dir,
            db,
            Keys::from_secret(b"a secret of some length").unwrap(),
        )
    }

    fn backup(include_key: bool) -> (Vec<u8>, Summary) {
        let (dir, db, keys) = sample();
        let files = vec![
            (
                "counselors.json".to_owned(),
                dir.path().join("counselors.json"),
            ),
            ("directory.csv".to_owned(), dir.path().join("directory.csv")),
        ];
        let mut out = Vec::new();
        let s = write(&db, &files, &keys, include_key, 7, &mut out).unwrap();
        (out, s)
    }

    #[test]
    fn a_backup_reads_back_record_for_record_with_tickets_before_sessions() {
        let (bytes, written) = backup(false);
        let b = Backup::open(&bytes[..]).unwrap();
        assert_eq!(b.format, FORMAT);
        assert!(!b.header.includes_key);
        let mut items = Vec::new();
        let read = b
            .read(|i| {
                items.push(i);
                Ok(())
            })
            .unwrap();
        assert_eq!(read, written);
        assert_eq!(read.bytes, bytes.len() as u64);
        let trees: Vec<&str> = read.trees.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(trees, ["tickets", "sessions", "outbox"]);
        assert_eq!(read.files, [("counselors.json".to_owned(), 2)]);
        assert!(items.contains(&Item::Entry(b"o".to_vec(), b"sealed".to_vec())));
        assert!(!items.iter().any(|i| matches!(i, Item::Key(_))));
    }

    #[test]
    fn the_key_is_in_only_when_asked_for() {
        let keys = Keys::from_secret(b"a secret of some length").unwrap();
        let hex = keys.to_key_file();
        let (without, _) = backup(false);
        assert!(!without.windows(hex.len()).any(|w| w == hex.as_bytes()));
        let (with, _) = backup(true);
        let b = Backup::open(&with[..]).unwrap();
        assert!(b.header.includes_key);
        assert_eq!(b.header.key_fingerprint, keys.fingerprint());
        let mut key = None;
        b.read(|i| {
            if let Item::Key(k) = i {
                key = Some(k);
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(key, Some(hex));
    }

    #[test]
    fn newer_formats_damage_and_strangers_are_refused() {
        let (bytes, _) = backup(false);
        let mut newer = bytes.clone();
        newer[8..12].copy_from_slice(&(FORMAT + 1).to_be_bytes());
        assert!(matches!(
            Backup::open(&newer[..]),
            Err(BackupError::NewerFormat { found }) if found == FORMAT + 1
        ));
        for at in [bytes.len() / 2, bytes.len() - 1] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x20;
            let r = Backup::open(&damaged[..]).and_then(|b| b.read(|_| Ok(())));
            assert!(matches!(r, Err(BackupError::Damaged(_))), "{r:?}");
        }
        let cut = &bytes[..bytes.len() - 10];
        let r = Backup::open(cut).and_then(|b| b.read(|_| Ok(())));
        assert!(matches!(r, Err(BackupError::Damaged(_))), "{r:?}");
        assert!(matches!(
            Backup::open(&b"PK\x03\x04 a zip file"[..]),
            Err(BackupError::NotABackup)
        ));
    }
}
