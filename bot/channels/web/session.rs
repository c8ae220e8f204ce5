//! The visitor's anonymous session: a random id in a signed cookie, and the CSRF token tied to it.
//!
//! The cookie value is `1.<id>.<issued>.<mac>`: the id is 128 random bits written base64url (22
//! characters) and is the visitor's web *address* (the pseudonym is derived from it like a phone
//! number's); `issued` is the unix time the cookie was last issued, so a cookie older than the
//! session TTL is refused without any server-side record; `mac` is HMAC-SHA256 over the rest,
//! keyed with `Keys::derive("web-cookie")`. Nothing else about the visitor is in it.
//!
//! The cookie is re-issued with a fresh time on every message, so it expires on the same
//! sliding schedule as the stored session (the TTL after the last message). It has no `Expires`,
//! so the browser keeps it in memory and forgets it when it closes.

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::store::Keys;

/// The cookie's name over plain HTTP (the zero-configuration demo on localhost).
pub const COOKIE: &str = "haven_web";
/// The cookie's name when the public URL is https: the `__Host-` prefix makes the browser
/// refuse it unless it is Secure, host-only and for `/`, so a sibling subdomain cannot plant one.
pub const SECURE_COOKIE: &str = "__Host-haven_web";

/// A clock this far ahead of ours is not a clock difference but a forgery attempt.
const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// One anonymous web session.
#[derive(Clone, PartialEq, Eq)]
pub struct WebSession {
    /// 22 base64url characters of random bits: the web address handed to `deliver`.
    pub id: String,
    /// Unix seconds when the cookie was issued.
    pub issued: i64,
}

impl std::fmt::Debug for WebSession {
    // The id is as good as the visitor's address: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSession")
            .field("id", &"<redacted>")
            .field("issued", &self.issued)
            .finish()
    }
}

/// What the request's cookie turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CookieState {
    Valid(WebSession),
    /// No cookie at all: a first visit (or cookies are off).
    Missing,
    /// Signed by us but older than the session TTL. The old id is kept so a post from the stale
    /// page can still prove (by its CSRF token) that it came from this visitor.
    Expired(WebSession),
    /// Malformed, or its signature is wrong.
    Forged,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
}

/// The keys and settings for web sessions.
#[derive(Clone)]
pub struct SessionKeys {
    cookie_key: [u8; 32],
    csrf_key: [u8; 32],
    secure: bool,
    ttl_secs: i64,
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKeys")
            .field("secure", &self.secure)
            .field("ttl_secs", &self.ttl_secs)
            .finish_non_exhaustive()
    }
}

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut m =
        <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        m.update(p);
        // A separator byte that cannot occur in the parts keeps ("ab","c") and ("a","bc") apart.
        m.update(b"|");
    }
    m.finalize().into_bytes().into()
}

impl SessionKeys {
    /// `secure` marks the cookie Secure (and `__Host-`); `ttl_secs` is the session TTL.
    pub fn new(keys: &Keys, secure: bool, ttl_secs: i64) -> SessionKeys {
        SessionKeys {
            cookie_key: keys.derive("web-cookie"),
            csrf_key: keys.derive("web-csrf"),
            secure,
            ttl_secs,
        }
    }

    pub fn cookie_name(&self) -> &'static str {
        if self.secure { SECURE_COOKIE } else { COOKIE }
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    /// A new session with a fresh random id.
    pub fn new_session(&self, now: i64) -> Result<WebSession, SessionError> {
        let mut id = [0u8; 16];
        getrandom::fill(&mut id).map_err(|e| SessionError::Random(e.to_string()))?;
        Ok(WebSession {
            id: URL_SAFE_NO_PAD.encode(id),
            issued: now,
        })
    }

    /// The cookie value for `session`.
    pub fn encode(&self, session: &WebSession) -> String {
        let issued = session.issued.to_string();
        let tag = mac(
            &self.cookie_key,
            &[b"1", session.id.as_bytes(), issued.as_bytes()],
        );
        format!(
            "1.{}.{}.{}",
            session.id,
            issued,
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// Checks a cookie value: signature first (in constant time), then age.
    pub fn decode(&self, value: &str, now: i64) -> CookieState {
        let mut parts = value.split('.');
        let (Some("1"), Some(id), Some(issued), Some(tag), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return CookieState::Forged;
        };
        let id_ok = id.len() == 22
            && URL_SAFE_NO_PAD
                .decode(id)
                .is_ok_and(|b| b.len() == 16 && URL_SAFE_NO_PAD.encode(&b) == id);
        let Ok(issued_at) = issued.parse::<i64>() else {
            return CookieState::Forged;
        };
        let Ok(tag) = URL_SAFE_NO_PAD.decode(tag) else {
            return CookieState::Forged;
        };
        let expected = mac(&self.cookie_key, &[b"1", id.as_bytes(), issued.as_bytes()]);
        if !id_ok || !bool::from(expected.as_slice().ct_eq(tag.as_slice())) {
            return CookieState::Forged;
        }
        if issued_at > now + MAX_CLOCK_SKEW_SECS {
            return CookieState::Forged;
        }
        let session = WebSession {
            id: id.to_owned(),
            issued: issued_at,
        };
        if now - issued_at > self.ttl_secs {
            CookieState::Expired(session)
        } else {
            CookieState::Valid(session)
        }
    }

    /// The session cookie among the request's cookies.
    pub fn read(&self, headers: &HeaderMap, now: i64) -> CookieState {
        let name = self.cookie_name();
        let mut state = CookieState::Missing;
        for header in headers.get_all(axum::http::header::COOKIE) {
            let Ok(header) = header.to_str() else {
                continue;
            };
            for pair in header.split(';') {
                let Some((k, v)) = pair.trim().split_once('=') else {
                    continue;
                };
                if k.trim() != name {
                    continue;
                }
                // Several cookies of our name (another path, an old tab): a valid one wins,
                // then an expired one (it can still vouch for a stale page), then forged.
                match self.decode(v.trim().trim_matches('"'), now) {
                    valid @ CookieState::Valid(_) => return valid,
                    expired @ CookieState::Expired(_) => state = expired,
                    CookieState::Forged if state == CookieState::Missing => {
                        state = CookieState::Forged
                    }
                    _ => {}
                }
            }
        }
        state
    }

    /// `Set-Cookie` for `session`: HTTP-only, same-site strict, host-only, no expiry date.
    pub fn set_cookie(&self, session: &WebSession) -> String {
        format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict{}",
            self.cookie_name(),
            self.encode(session),
            if self.secure { "; Secure" } else { "" }
        )
    }

    /// `Set-Cookie` that makes the browser forget the session.
    pub fn clear_cookie(&self) -> String {
        format!(
            "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}",
            self.cookie_name(),
            if self.secure { "; Secure" } else { "" }
        )
    }

    /// The CSRF token for a session id: a keyed hash, so the server needs no table of tokens.
    pub fn csrf(&self, id: &str) -> String {
        URL_SAFE_NO_PAD.encode(&mac(&self.csrf_key, &[id.as_bytes()])[..16])
    }

    /// Whether `token` is the CSRF token of session `id` (compared in constant time).
    pub fn csrf_ok(&self, id: &str, token: &str) -> bool {
        let expected = self.csrf(id);
        expected.len() == token.len() && bool::from(expected.as_bytes().ct_eq(token.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn keys(secure: bool) -> SessionKeys {
        SessionKeys::new(
            &Keys::from_secret(b"0123456789abcdef0123").unwrap(),
            secure,
            3600,
        )
    }

    fn headers(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("cookie", HeaderValue::from_str(cookie).unwrap());
        h
    }

    #[test]
    fn a_cookie_round_trips_and_expires_after_the_ttl() {
        let k = keys(false);
        let s = k.new_session(1_000_000).unwrap();
        assert_eq!(s.id.len(), 22);
        let v = k.encode(&s);
        assert_eq!(k.decode(&v, 1_000_000), CookieState::Valid(s.clone()));
        assert_eq!(k.decode(&v, 1_003_600), CookieState::Valid(s.clone()));
        assert_eq!(k.decode(&v, 1_003_601), CookieState::Expired(s.clone()));
        let cookie = format!("other=1; {COOKIE}={v}; x=y");
        assert_eq!(k.read(&headers(&cookie), 1_000_010), CookieState::Valid(s));
        assert_eq!(k.read(&HeaderMap::new(), 1), CookieState::Missing);
    }

    #[test]
    fn forged_cookies_are_refused() {
        let k = keys(false);
        let s = k.new_session(1_000_000).unwrap();
        let v = k.encode(&s);
        let other = SessionKeys::new(
            &Keys::from_secret(b"another secret of 16+").unwrap(),
            false,
            3600,
        );
        let later = v.replace(".1000000.", ".1000500.");
        for bad in [
            "",
            "garbage",
            "1.a.b.c",
            "1...",
            &later,
            &other.encode(&s),
            &format!("{v}.extra"),
            &format!("2{}", &v[1..]),
        ] {
            assert_eq!(k.decode(bad, 1_000_000), CookieState::Forged, "{bad:?}");
        }
        // A signed time far in the future cannot come from us.
        let future = WebSession {
            id: s.id.clone(),
            issued: 2_000_000,
        };
        assert_eq!(k.decode(&k.encode(&future), 1_000_000), CookieState::Forged);
    }

    #[test]
    fn csrf_tokens_are_tied_to_the_session() {
        let k = keys(false);
        let a = k.new_session(1).unwrap();
        let b = k.new_session(1).unwrap();
        assert_ne!(a.id, b.id);
        assert!(k.csrf_ok(&a.id, &k.csrf(&a.id)));
        assert!(!k.csrf_ok(&a.id, &k.csrf(&b.id)));
        assert!(!k.csrf_ok(&a.id, ""));
    }

    #[test]
    fn cookie_attributes_follow_the_public_url() {
        let s = WebSession {
            id: "AAAAAAAAAAAAAAAAAAAAAA".into(),
            issued: 5,
        };
        let plain = keys(false).set_cookie(&s);
        assert!(plain.starts_with("haven_web=1.AAAAAAAAAAAAAAAAAAAAAA.5."));
        assert!(plain.ends_with("; Path=/; HttpOnly; SameSite=Strict"));
        let secure = keys(true).set_cookie(&s);
        assert!(secure.starts_with("__Host-haven_web="));
        assert!(secure.ends_with("; Secure"));
        assert!(keys(true).clear_cookie().contains("Max-Age=0"));
        assert!(!format!("{s:?}").contains("AAAA"));
    }
}
