//! Addresses at rest: a phone number or chat id haven must keep to write back later (an SMS
//! waiting in the outbox, a counselor's reply) is sealed with XChaCha20-Poly1305.
//!
//! Stored as `version || nonce (24 bytes) || ciphertext+tag`, with the person's pseudonym as
//! associated data, so a sealed address moved to another person's record does not open. The key
//! is derived from the server secret (`Keys::derive`), so no second secret needs managing; the
//! version byte leaves room to rotate it.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::{Keys, Pseudonym};

const VERSION: u8 = 1;

#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("no random numbers from the operating system")]
    Random,
    #[error("sealed value is damaged or belongs to someone else")]
    Open,
}

impl Sealer {
    pub fn new(keys: &Keys) -> Sealer {
        let key = keys.derive("sealed-address-v1");
        Sealer {
            cipher: XChaCha20Poly1305::new(&key.into()),
        }
    }

    pub fn seal(&self, who: &Pseudonym, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|_| SealError::Random)?;
        let ct = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &who.0,
                },
            )
            .map_err(|_| SealError::Open)?;
        let mut out = Vec::with_capacity(1 + 24 + ct.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub fn open(&self, who: &Pseudonym, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < 1 + 24 + 16 || sealed[0] != VERSION {
            return Err(SealError::Open);
        }
        let nonce: [u8; 24] = sealed[1..25].try_into().map_err(|_| SealError::Open)?;
        self.cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &sealed[25..],
                    aad: &who.0,
                },
            )
            .map_err(|_| SealError::Open)
    }

    pub fn seal_str(&self, who: &Pseudonym, s: &str) -> Result<Vec<u8>, SealError> {
        self.seal(who, s.as_bytes())
    }

    pub fn open_str(&self, who: &Pseudonym, sealed: &[u8]) -> Result<String, SealError> {
        String::from_utf8(self.open(who, sealed)?).map_err(|_| SealError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejections() {
        let keys = Keys::from_secret(b"a server secret of some length").unwrap();
        let s = Sealer::new(&keys);
        let a = Pseudonym([1; 16]);
        let sealed = s.seal_str(&a, "+14155550100").unwrap();
        assert!(
            !sealed.windows(10).any(|w| w == b"4155550100"),
            "the number is not visible"
        );
        assert_eq!(s.open_str(&a, &sealed).unwrap(), "+14155550100");
        assert_eq!(
            s.open_str(&Pseudonym([2; 16]), &sealed),
            Err(SealError::Open),
            "wrong person"
        );
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(s.open_str(&a, &tampered), Err(SealError::Open));
        let other = Sealer::new(&Keys::from_secret(b"another secret of some length").unwrap());
        assert_eq!(
            other.open_str(&a, &sealed),
            Err(SealError::Open),
            "wrong key"
        );
        assert_ne!(
            s.seal_str(&a, "x").unwrap(),
            s.seal_str(&a, "x").unwrap(),
            "random nonces"
        );
        assert_eq!(s.open(&a, &[1, 2, 3]), Err(SealError::Open));
    }
}
