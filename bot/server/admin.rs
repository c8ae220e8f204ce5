//! The admin socket: how `haven backup` gets a snapshot from a running `haven serve`.
//!
//! sled lets one process open a database, and `serve` holds it, so a backup taken while serving
//! must be written by the serving process. `serve` listens on a Unix socket in the data
//! directory, `<data>/admin.sock`; `haven backup` connects, asks, and writes what comes back
//! to its file. Why a Unix socket rather than the alternatives:
//! - Only the account haven runs as (and root) can use it: the socket is mode 0600 inside the
//!   data directory, and the server also compares the caller's user id (`SO_PEERCRED`) with
//!   the socket's owner. An HTTP endpoint, even on loopback, would be open to every local user
//!   and need a token of its own; a browser can never reach a Unix socket.
//! - The answer is the backup itself, streamed: the server needs no write access to where the
//!   operator keeps backups, and a failure is reported to the command that asked. A signal
//!   could carry neither the request nor the outcome.
//!
//! Protocol: the client sends one line, `backup` or `backup include-key`; the server answers
//! with the backup (it starts with `store::backup::MAGIC`) or with one line `error: ...`, and
//! closes the connection.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::{UnixListener, UnixStream};

use super::AppState;
use crate::counselors::console::accounts::Accounts;
use crate::referrals::directory::DIRECTORY_FILE;
use crate::runtime::now;
use crate::store::backup;

/// The socket's name in the data directory.
pub const SOCKET: &str = "admin.sock";
/// Longest request line.
const MAX_REQUEST: usize = 64;

/// The files beside the database that a backup carries: the counselor accounts and the
/// imported service directory (each replaced atomically when it changes, so reading one is
/// consistent). The key file is not among them: it goes in only when asked for.
pub fn data_files(data: &Path) -> Vec<(String, PathBuf)> {
    [Accounts::FILE, DIRECTORY_FILE]
        .iter()
        .map(|name| (name.to_string(), data.join(name)))
        .collect()
}

/// Listens on `<data>/admin.sock` until `stop` turns true. `None` when the socket cannot be
/// made (a path over the system's limit of about 100 bytes, a read-only data directory): the
/// server still serves, and says that backups must then be taken with the server stopped.
pub fn spawn(
    state: &AppState,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Option<tokio::task::JoinHandle<()>> {
    let path = state.hub.config.data.join(SOCKET);
    // We hold the database's lock, so no other haven uses this data directory: a socket file
    // left here is from a process that died.
    let _ = std::fs::remove_file(&path);
    let listener = match UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "no admin socket: `haven backup` works only with the server stopped");
            return None;
        }
    };
    if let Err(e) = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)) {
        tracing::warn!(error = %e, "admin socket permissions not set; not listening on it");
        let _ = std::fs::remove_file(&path);
        return None;
    }
    let owner = std::fs::metadata(&path).map(|m| m.uid()).ok();
    let state = state.clone();
    Some(tokio::spawn(async move {
        loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        let state = state.clone();
                        tokio::spawn(async move {
                            if let Err(e) = serve_one(&state, stream, owner).await {
                                tracing::warn!(error = %e, "admin request failed");
                            }
                        });
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "admin socket accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
                _ = stop.changed() => break,
            }
        }
        drop(listener);
        let _ = std::fs::remove_file(&path);
    }))
}

async fn serve_one(
    state: &AppState,
    mut stream: UnixStream,
    owner: Option<u32>,
) -> std::io::Result<()> {
    let uid = stream.peer_cred()?.uid();
    if uid != 0 && Some(uid) != owner {
        tracing::warn!(uid, "admin socket: a caller of another user was refused");
        return Ok(());
    }
    let mut line = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        let mut byte = [0u8; 1];
        while line.len() < MAX_REQUEST && stream.read(&mut byte).await? == 1 {
            if byte[0] == b'\n' {
                break;
            }
            line.push(byte[0]);
        }
        Ok::<_, std::io::Error>(())
    })
    .await;
    let mut std_stream = stream.into_std()?;
    std_stream.set_nonblocking(false)?;
    if !matches!(read, Ok(Ok(()))) {
        return Ok(());
    }
    let include_key = match line.as_slice() {
        b"backup" => false,
        b"backup include-key" => true,
        _ => {
            writeln!(std_stream, "error: unknown request (expected `backup`)")?;
            return Ok(());
        }
    };
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let data = &state.hub.config.data;
        let files = data_files(data);
        let out = std::io::BufWriter::with_capacity(1 << 16, &mut std_stream);
        match backup::write(
            &state.db,
            &files,
            &state.hub.haven.keys,
            include_key,
            now(),
            out,
        ) {
            Ok(summary) => tracing::info!(
                entries = summary.entries(),
                bytes = summary.bytes,
                include_key,
                "backup sent through the admin socket"
            ),
            // The client sees the stream end without a valid digest and says so.
            Err(e) => tracing::error!(error = %e, "backup through the admin socket failed"),
        }
    })
    .await
    .map_err(std::io::Error::other)
}
