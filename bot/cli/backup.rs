//! `haven backup PATH` and `haven restore PATH`: a consistent snapshot of the data directory
//! (every sled tree, the counselor accounts, the service directory) into one file, and back.
//!
//! While `haven serve` runs it holds the database, so the backup is asked of the server through
//! its admin socket (`server::admin`); with no server running, the command opens the data
//! directory itself. Either way the file is written beside PATH first, read back and checked
//! (format, digest) and only then renamed to PATH, so PATH is always a whole backup. The file
//! is mode 0600. The format and what "consistent" means are in `store::backup`.
//!
//! Restore refuses, before writing anything: a file that is not a backup or is damaged, a
//! newer backup format, a data directory that already has a database or a file the backup
//! would replace, and a server secret that cannot open the backup's sealed data (or none at
//! all). It writes into a scratch directory inside the data directory and moves the result
//! into place at the end.

use std::fs;
use std::io::{BufReader, BufWriter, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use haven::config::Config;
use haven::handoff::store::TicketStore;
use haven::server::admin::{SOCKET, data_files};
use haven::store::backup::{self, Backup, Item, MAGIC, Summary};
use haven::store::pseudonym::KEY_FILE;
use haven::store::{GroupFlush, Keys, SledStore, StoreError};

/// The secret haven would run with here, without creating one: `HAVEN_SECRET`, else the key
/// file. `None` when there is neither.
fn existing_keys(config: &Config) -> anyhow::Result<Option<Keys>> {
    if let Some(s) = config.secret.as_deref() {
        return Ok(Some(Keys::from_secret(s.as_bytes())?));
    }
    let path = config.data.join(KEY_FILE);
    match fs::read_to_string(&path) {
        Ok(hex) => Ok(Some(
            Keys::from_key_file(&hex).with_context(|| path.display().to_string())?,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

fn private_file(path: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

fn describe(summary: &Summary) -> String {
    let trees: Vec<String> = summary
        .trees
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    let files: Vec<&str> = summary.files.iter().map(|(f, _)| f.as_str()).collect();
    format!(
        "{} entries ({}); files: {}; {} bytes",
        summary.entries(),
        if trees.is_empty() {
            "empty".to_owned()
        } else {
            trees.join(", ")
        },
        if files.is_empty() {
            "none".to_owned()
        } else {
            files.join(", ")
        },
        summary.bytes
    )
}

/// `haven backup PATH [--include-key]`.
pub fn backup(config: &Config, path: &Path, include_key: bool) -> anyhow::Result<bool> {
    let partial = partial_path(path);
    let source = {
        let mut out = BufWriter::new(
            private_file(&partial).with_context(|| format!("creating {}", partial.display()))?,
        );
        let socket = config.data.join(SOCKET);
        let source = match UnixStream::connect(&socket) {
            Ok(stream) => {
                from_server(stream, include_key, &mut out).inspect_err(|_| {
                    let _ = fs::remove_file(&partial);
                })?;
                "from the running server"
            }
            Err(_) => {
                from_disk(config, include_key, &mut out).inspect_err(|_| {
                    let _ = fs::remove_file(&partial);
                })?;
                "from the data directory (no server running)"
            }
        };
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        source
    };
    // Read back what was written: a backup that does not restore is no backup.
    let checked = fs::File::open(&partial)
        .map_err(anyhow::Error::from)
        .and_then(|f| {
            let b = Backup::open(BufReader::new(f))?;
            Ok(b.read(|_| Ok(()))?)
        });
    let summary = match checked {
        Ok(s) => s,
        Err(e) => {
            let _ = fs::remove_file(&partial);
            bail!(
                "the backup came out unreadable ({e}); nothing written to {}",
                path.display()
            );
        }
    };
    fs::rename(&partial, path).with_context(|| format!("renaming to {}", path.display()))?;
    println!(
        "haven backup: wrote {} {source}: {}",
        path.display(),
        describe(&summary)
    );
    if include_key {
        eprintln!(
            "haven backup: warning: this backup contains the server secret. Anyone who has the file can open the sealed addresses, transcripts and queued texts in it and link pseudonyms to phone numbers they already know. Keep it as safe as the secret itself."
        );
    } else {
        println!(
            "haven backup: the server secret is not in the backup. Keep a copy of {} safe and apart from it: a restore needs it to read sealed data and to find anyone's session.",
            if config.secret.is_some() {
                "HAVEN_SECRET".to_owned()
            } else {
                config.data.join(KEY_FILE).display().to_string()
            }
        );
    }
    Ok(true)
}

/// `PATH.partial`, beside the backup.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Asks the running server for the backup and copies it to `out`.
fn from_server(
    mut stream: UnixStream,
    include_key: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let request = if include_key {
        "backup include-key\n"
    } else {
        "backup\n"
    };
    stream.write_all(request.as_bytes())?;
    let mut reader = BufReader::new(stream);
    let mut start = [0u8; 8];
    let n = read_up_to(&mut reader, &mut start)?;
    if start[..n] != MAGIC[..] {
        let mut rest = String::new();
        let _ = reader.read_to_string(&mut rest);
        let answer = format!("{}{rest}", String::from_utf8_lossy(&start[..n]));
        let answer = answer.trim();
        bail!(
            "the server did not send a backup: {}",
            if answer.is_empty() {
                "it closed the connection (is this the user haven runs as? see the server's log)"
            } else {
                answer
            }
        );
    }
    out.write_all(&start)?;
    std::io::copy(&mut reader, out)?;
    out.flush()?;
    Ok(())
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Writes the backup from the data directory itself (no server holds it).
fn from_disk(config: &Config, include_key: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let data = &config.data;
    if !data.join("db").exists() {
        bail!("there is no haven database in {}", data.display());
    }
    let Some(keys) = existing_keys(config)? else {
        bail!(
            "no server secret for {}: set HAVEN_SECRET or put its {KEY_FILE} back",
            data.display()
        );
    };
    let store = match SledStore::open(data) {
        Ok(s) => s,
        Err(StoreError::Locked(_)) => bail!(
            "a haven process holds {} but its admin socket {} does not answer; stop it or restart it, then back up again",
            data.display(),
            data.join(SOCKET).display()
        ),
        Err(e) => return Err(e.into()),
    };
    backup::write(
        store.db(),
        &data_files(data),
        &keys,
        include_key,
        haven::runtime::now(),
        out,
    )?;
    Ok(())
}

/// A name a backup may give a file: one plain file name in the data directory.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// `haven restore PATH`.
pub fn restore(config: &Config, path: &Path) -> anyhow::Result<bool> {
    let data = &config.data;
    let file = fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let backup = Backup::open(BufReader::new(file))?;
    let header = backup.header.clone();
    let db_dir = data.join("db");
    if db_dir.exists() {
        bail!(
            "{} already holds a database; restore never overwrites one. Move it aside (or set HAVEN_DATA to an empty directory) and run restore again",
            data.display()
        );
    }
    // The secret the restored server will run with must be the one the data was sealed with.
    let here = existing_keys(config)?;
    match &here {
        Some(k) if k.fingerprint() != header.key_fingerprint => bail!(
            "the server secret here (fingerprint {}) is not the one this backup's data was sealed with ({}). With it, sealed data would not open and nobody's session would be found. Use the original {KEY_FILE} or HAVEN_SECRET",
            k.fingerprint(),
            header.key_fingerprint
        ),
        Some(_) => {}
        None if header.includes_key => {}
        None => bail!(
            "this backup was written without the server secret (fingerprint {}) and {} has none: put the original {KEY_FILE} there (or set HAVEN_SECRET) and run restore again",
            header.key_fingerprint,
            data.display()
        ),
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(data)
        .with_context(|| format!("creating {}", data.display()))?;
    let scratch = data.join(".restore");
    if scratch.exists() {
        fs::remove_dir_all(&scratch)?;
    }
    fs::DirBuilder::new().mode(0o700).create(&scratch)?;
    let result = restore_into(&scratch, backup);
    let (summary, files, key) = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = fs::remove_dir_all(&scratch);
            return Err(e);
        }
    };
    // Nothing in the data directory is replaced.
    let taken: Vec<String> = files
        .iter()
        .filter(|f| data.join(f).exists())
        .cloned()
        .collect();
    if !taken.is_empty() {
        let _ = fs::remove_dir_all(&scratch);
        bail!(
            "{} already has {}; restore never replaces a file. Move it aside and run restore again",
            data.display(),
            taken.join(", ")
        );
    }
    fs::rename(scratch.join("db"), &db_dir)?;
    for f in &files {
        fs::rename(scratch.join(f), data.join(f))?;
    }
    let wrote_key = match (&here, key) {
        (None, Some(hex)) => {
            haven::store::pseudonym::write_private(&data.join(KEY_FILE), hex.as_bytes())?;
            true
        }
        _ => false,
    };
    fs::remove_dir_all(&scratch)?;
    fs::File::open(data)?.sync_all()?;
    println!(
        "haven restore: restored {} into {} (backup of {} by haven {}): {}",
        path.display(),
        data.display(),
        chrono::DateTime::from_timestamp(header.created_at, 0)
            .map_or_else(|| header.created_at.to_string(), |t| t.to_rfc3339()),
        header.haven,
        describe(&summary)
    );
    if wrote_key {
        eprintln!(
            "haven restore: warning: the server secret came from the backup and is now in {}. Keep the backup file as safe as that key.",
            data.join(KEY_FILE).display()
        );
    }
    Ok(true)
}

/// Reads the whole backup into a new database and files under `scratch`; nothing is kept
/// unless the digest at the end matches.
fn restore_into(
    scratch: &Path,
    backup: Backup<BufReader<fs::File>>,
) -> anyhow::Result<(Summary, Vec<String>, Option<String>)> {
    let db = sled::Config::new()
        .path(scratch.join("db"))
        .cache_capacity(64 << 20)
        .open()?;
    let mut tree: Option<sled::Tree> = None;
    let mut files = Vec::new();
    let mut key = None;
    let summary = backup.read(|item| {
        match item {
            Item::Tree(name) => tree = Some(db.open_tree(name)?),
            Item::Entry(k, v) => {
                if let Some(t) = &tree {
                    t.insert(k, v)?;
                }
            }
            Item::File(name, bytes) => {
                if !plain_name(&name) {
                    return Err(backup::BackupError::Damaged(format!(
                        "a file named {name:?}"
                    )));
                }
                let mut f = private_file(&scratch.join(&name))?;
                f.write_all(&bytes)?;
                f.sync_all()?;
                files.push(name);
            }
            Item::Key(hex) => key = Some(hex),
            Item::Counter(_) => {}
        }
        Ok(())
    })?;
    // New tickets and queued texts must never take an id a restored one has. sled has no way
    // to set its counter, so ids are drawn until it is past the backup's (a few million
    // draws at most: sled adds two million per restart).
    while db.generate_id()? < summary.id_counter {}
    // The indexes a backup copied at another moment than what they index are rebuilt.
    let store = SledStore::from_db(db.clone())?;
    store.reindex()?;
    TicketStore::open(&db, GroupFlush::new(&db))?.reindex()?;
    db.flush()?;
    drop(store);
    drop(db);
    Ok((summary, files, key))
}
