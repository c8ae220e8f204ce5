//! Counselor accounts: names, roles and argon2 password hashes in `<data>/counselors.json`.
//!
//! A role is `counselor` (the queue and their own tickets) or `supervisor` (every ticket,
//! reassignment, the reports and the audit log).
//!
//! A plain file rather than sled because sled allows one process per database: an operator
//! must be able to run `haven counselor add` while `haven serve` is running. The file is
//! replaced atomically and read again on every login, so changes apply at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug)]
pub struct Accounts {
    path: PathBuf,
}

#[derive(Default, Serialize, Deserialize)]
struct File {
    counselors: BTreeMap<String, Account>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Account {
    /// PHC string (argon2id, random salt).
    hash: String,
    created: i64,
    /// Files written before roles existed hold counselors.
    #[serde(default)]
    role: Role,
}

/// What a console account may do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Counselor,
    Supervisor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Counselor => "counselor",
            Role::Supervisor => "supervisor",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("cannot read or write {0}: {1}")]
    Io(String, std::io::Error),
    #[error("{0} is damaged: {1}")]
    Corrupt(String, String),
    #[error("a counselor name is 1-32 letters, digits, '.', '_' or '-'")]
    BadName,
    #[error("a password needs at least 10 characters")]
    WeakPassword,
    #[error("no counselor named {0}")]
    Unknown(String),
    #[error("hashing failed")]
    Hash,
}

pub fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

impl Accounts {
    /// The accounts file's name in the data directory.
    pub const FILE: &str = "counselors.json";

    pub fn new(data_dir: &Path) -> Accounts {
        Accounts {
            path: data_dir.join(Self::FILE),
        }
    }

    fn read(&self) -> Result<File, AccountError> {
        match std::fs::read(&self.path) {
            Ok(b) => serde_json::from_slice(&b)
                .map_err(|e| AccountError::Corrupt(self.path.display().to_string(), e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(File::default()),
            Err(e) => Err(AccountError::Io(self.path.display().to_string(), e)),
        }
    }

    fn write(&self, f: &File) -> Result<(), AccountError> {
        let io = |e| AccountError::Io(self.path.display().to_string(), e);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let tmp = self.path.with_extension("json.tmp");
        let _ = std::fs::remove_file(&tmp);
        crate::store::pseudonym::write_private(
            &tmp,
            &serde_json::to_vec_pretty(f).expect("accounts serialize"),
        )
        .map_err(io)?;
        std::fs::rename(&tmp, &self.path).map_err(io)
    }

    /// Adds a counselor or sets a new password (keeping the role of an existing account).
    pub fn set(&self, name: &str, password: &str, now: i64) -> Result<(), AccountError> {
        self.set_with_role(name, password, None, now)
    }

    /// Adds an account or sets a new password; `role` given changes it, `None` keeps it (a new
    /// account is a counselor).
    pub fn set_with_role(
        &self,
        name: &str,
        password: &str,
        role: Option<Role>,
        now: i64,
    ) -> Result<(), AccountError> {
        if !valid_name(name) {
            return Err(AccountError::BadName);
        }
        if password.chars().count() < 10 {
            return Err(AccountError::WeakPassword);
        }
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|_| AccountError::Hash)?;
        let salt = SaltString::encode_b64(&salt).map_err(|_| AccountError::Hash)?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|_| AccountError::Hash)?
            .to_string();
        let mut f = self.read()?;
        let role = role
            .or_else(|| f.counselors.get(name).map(|a| a.role))
            .unwrap_or_default();
        f.counselors.insert(
            name.to_owned(),
            Account {
                hash,
                created: now,
                role,
            },
        );
        self.write(&f)
    }

    /// Changes an existing account's role.
    pub fn set_role(&self, name: &str, role: Role) -> Result<(), AccountError> {
        let mut f = self.read()?;
        let a = f
            .counselors
            .get_mut(name)
            .ok_or_else(|| AccountError::Unknown(name.to_owned()))?;
        a.role = role;
        self.write(&f)
    }

    pub fn exists(&self, name: &str) -> Result<bool, AccountError> {
        Ok(self.read()?.counselors.contains_key(name))
    }

    /// Every account's role, by name.
    pub fn roles(&self) -> Result<BTreeMap<String, Role>, AccountError> {
        Ok(self
            .read()?
            .counselors
            .into_iter()
            .map(|(n, a)| (n, a.role))
            .collect())
    }

    pub fn remove(&self, name: &str) -> Result<(), AccountError> {
        let mut f = self.read()?;
        if f.counselors.remove(name).is_none() {
            return Err(AccountError::Unknown(name.to_owned()));
        }
        self.write(&f)
    }

    pub fn names(&self) -> Result<Vec<String>, AccountError> {
        Ok(self.read()?.counselors.into_keys().collect())
    }

    /// Whether `password` is `name`'s. Unknown names cost as much time as wrong passwords, so a
    /// timing difference does not tell which names exist.
    pub fn verify(&self, name: &str, password: &str) -> Result<bool, AccountError> {
        let f = self.read()?;
        const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1E4nCkRNdLUZb3CbPOuO4lmTk1pBjW9DCvzE3mCvR2Q";
        let (hash, known) = match f.counselors.get(name) {
            Some(a) => (a.hash.as_str(), true),
            None => (DUMMY, false),
        };
        let parsed = PasswordHash::new(hash)
            .map_err(|e| AccountError::Corrupt(self.path.display().to_string(), e.to_string()))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_verify_remove() {
        let dir = tempfile::tempdir().unwrap();
        let a = Accounts::new(dir.path());
        assert!(a.names().unwrap().is_empty());
        a.set("maria", "correct horse battery", 1).unwrap();
        assert!(a.verify("maria", "correct horse battery").unwrap());
        assert!(!a.verify("maria", "wrong password!").unwrap());
        assert!(!a.verify("nobody", "correct horse battery").unwrap());
        assert!(matches!(
            a.set("bad name", "long enough pw", 1),
            Err(AccountError::BadName)
        ));
        assert!(matches!(
            a.set("ok", "short", 1),
            Err(AccountError::WeakPassword)
        ));
        let raw = std::fs::read_to_string(dir.path().join("counselors.json")).unwrap();
        assert!(!raw.contains("correct horse"), "only the hash is stored");
        assert_eq!(a.roles().unwrap()["maria"], Role::Counselor);
        a.set_role("maria", Role::Supervisor).unwrap();
        a.set("maria", "another good password", 2).unwrap();
        assert_eq!(
            a.roles().unwrap()["maria"],
            Role::Supervisor,
            "a new password keeps the role"
        );
        assert!(a.exists("maria").unwrap() && !a.exists("nobody").unwrap());
        a.remove("maria").unwrap();
        assert!(!a.verify("maria", "another good password").unwrap());
        assert!(matches!(a.remove("maria"), Err(AccountError::Unknown(_))));
    }
}
