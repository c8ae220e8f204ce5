//! Pseudonyms: the only name haven has for a person.
//!
//! A pseudonym is HMAC-SHA256(server secret, channel ":" address), truncated to 16 bytes and
//! written base64url (22 characters). Without the secret it cannot be reversed or recomputed
//! from a phone number, so the database and logs say nothing about who wrote.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::engine::Channel;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pseudonym(pub [u8; 16]);

impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&URL_SAFE_NO_PAD.encode(self.0))
    }
}

impl fmt::Debug for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pseudonym({self})")
    }
}

impl Pseudonym {
    pub fn parse(s: &str) -> Option<Pseudonym> {
        let bytes = URL_SAFE_NO_PAD.decode(s).ok()?;
        Some(Pseudonym(bytes.try_into().ok()?))
    }
}

/// The file in the data directory that holds the server secret when `HAVEN_SECRET` is unset.
pub const KEY_FILE: &str = "secret.key";

/// The server secret that keys pseudonyms.
#[derive(Clone)]
pub struct Keys {
    secret: Vec<u8>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keys(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("HAVEN_SECRET must be at least 16 characters")]
    TooShort,
    #[error("cannot read or create the key file {path}: {error}")]
    File { path: String, error: std::io::Error },
    #[error("the key file {0} is not 64 hex characters")]
    BadFile(String),
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
}

impl Keys {
    pub fn from_secret(secret: &[u8]) -> Result<Keys, KeyError> {
        if secret.len() < 16 {
            return Err(KeyError::TooShort);
        }
        Ok(Keys {
            secret: secret.to_vec(),
        })
    }

    /// A random secret, for throwaway sessions (`--ephemeral`, tests).
    pub fn random() -> Result<Keys, KeyError> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Keys { secret: k.to_vec() })
    }

    /// `HAVEN_SECRET` when given, else `<data_dir>/secret.key`, created with a random secret
    /// (mode 0600) on first use.
    pub fn from_env_or_file(env_secret: Option<&str>, data_dir: &Path) -> Result<Keys, KeyError> {
        if let Some(s) = env_secret {
            return Keys::from_secret(s.as_bytes());
        }
        let path = data_dir.join(KEY_FILE);
        let io = |source| KeyError::File {
            path: path.display().to_string(),
            error: source,
        };
        match std::fs::read_to_string(&path) {
            Ok(hex) => {
                let bytes = decode_hex(hex.trim())
                    .ok_or_else(|| KeyError::BadFile(path.display().to_string()))?;
                Keys::from_secret(&bytes)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(io)?;
                let mut k = [0u8; 32];
                getrandom::fill(&mut k).map_err(|e| KeyError::Random(e.to_string()))?;
                let hex: String = k.iter().map(|b| format!("{b:02x}")).collect();
                write_private(&path, hex.as_bytes()).map_err(io)?;
                Ok(Keys { secret: k.to_vec() })
            }
            Err(e) => Err(io(e)),
        }
    }

    pub fn pseudonym(&self, channel: Channel, address: &str) -> Pseudonym {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret)
            .expect("HMAC takes keys of any length");
        mac.update(channel.as_str().as_bytes());
        mac.update(b":");
        mac.update(address.as_bytes());
        let out = mac.finalize().into_bytes();
        let mut p = [0u8; 16];
        p.copy_from_slice(&out[..16]);
        Pseudonym(p)
    }

    /// A derived key for another purpose (e.g. encrypting addresses), so one secret serves all.
    /// A short public name for this secret (16 hex digits of a key derived from it), so a
    /// backup can say which secret its sealed data needs without containing it.
    pub fn fingerprint(&self) -> String {
        self.derive("backup-fingerprint-v1")[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The secret as `secret.key` holds it (hex). Only for a backup that was asked to include
    /// the key.
    pub fn to_key_file(&self) -> String {
        self.secret.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The secret from `secret.key`'s contents.
    pub fn from_key_file(contents: &str) -> Result<Keys, KeyError> {
        let bytes =
            decode_hex(contents.trim()).ok_or_else(|| KeyError::BadFile(KEY_FILE.into()))?;
        Keys::from_secret(&bytes)
    }

    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret)
            .expect("HMAC takes keys of any length");
        mac.update(b"haven-derive:");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Writes a file readable only by its owner.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_keyed_and_channel_scoped() {
        let k = Keys::from_secret(b"0123456789abcdef0123").unwrap();
        let a = k.pseudonym(Channel::Sms, "+14155550100");
        assert_eq!(a, k.pseudonym(Channel::Sms, "+14155550100"));
        assert_ne!(a, k.pseudonym(Channel::Telegram, "+14155550100"));
        let other = Keys::from_secret(b"another secret of 16+").unwrap();
        assert_ne!(a, other.pseudonym(Channel::Sms, "+14155550100"));
        let s = a.to_string();
        assert_eq!(s.len(), 22);
        assert!(!s.contains("4155550100"));
        assert_eq!(Pseudonym::parse(&s), Some(a));
        assert!(Keys::from_secret(b"short").is_err());
    }

    #[test]
    fn key_file_is_created_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let k1 = Keys::from_env_or_file(None, dir.path()).unwrap();
        let k2 = Keys::from_env_or_file(None, dir.path()).unwrap();
        assert_eq!(
            k1.pseudonym(Channel::Web, "x"),
            k2.pseudonym(Channel::Web, "x")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
