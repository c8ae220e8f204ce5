//! Console sessions: a random token in a secure, HTTP-only, same-site cookie, a CSRF token per
//! session for every form, and a login rate limit.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;

pub const COOKIE: &str = "haven_console";
/// A console session ends after this long without a request.
pub const IDLE_SECS: i64 = 12 * 3600;
/// Failed logins allowed per name in `LOCK_WINDOW_SECS`, and for everyone together.
pub const FAILURES_PER_NAME: u32 = 5;
pub const FAILURES_TOTAL: u32 = 50;
pub const LOCK_WINDOW_SECS: i64 = 15 * 60;

#[derive(Clone, Debug)]
pub struct ConsoleSession {
    pub name: String,
    pub csrf: String,
    pub last_seen: i64,
}

#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, ConsoleSession>>,
    failures: Mutex<HashMap<String, (i64, u32)>>,
}

pub fn random_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the operating system gives random numbers");
    URL_SAFE_NO_PAD.encode(b)
}

/// Constant-time string comparison for tokens.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl Sessions {
    pub fn create(&self, name: &str, now: i64) -> (String, ConsoleSession) {
        let token = random_token();
        let s = ConsoleSession {
            name: name.to_owned(),
            csrf: random_token(),
            last_seen: now,
        };
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token.clone(), s.clone());
        (token, s)
    }

    /// The session a request's cookie names, if it is still valid.
    pub fn from_headers(&self, headers: &HeaderMap, now: i64) -> Option<(String, ConsoleSession)> {
        let token = cookie(headers, COOKIE)?;
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let s = map.get_mut(&token)?;
        if now - s.last_seen > IDLE_SECS {
            map.remove(&token);
            return None;
        }
        s.last_seen = now;
        Some((token, s.clone()))
    }

    pub fn end(&self, token: &str) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token);
    }

    /// Ends every session of a counselor (after `haven counselor remove`, seen at their next request).
    pub fn end_all_of(&self, name: &str) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, s| s.name != name);
    }

    /// Whether another login attempt for `name` is allowed now.
    pub fn login_allowed(&self, name: &str, now: i64) -> bool {
        let f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let live = |k: &str| {
            f.get(k)
                .filter(|(since, _)| now - since < LOCK_WINDOW_SECS)
                .map_or(0, |(_, n)| *n)
        };
        live(name) < FAILURES_PER_NAME && live("*") < FAILURES_TOTAL
    }

    pub fn login_failed(&self, name: &str, now: i64) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in [name, "*"] {
            let e = f.entry(key.to_owned()).or_insert((now, 0));
            if now - e.0 >= LOCK_WINDOW_SECS {
                *e = (now, 0);
            }
            e.1 += 1;
        }
    }

    pub fn login_succeeded(&self, name: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name);
    }
}

/// The value of cookie `name` in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// `Set-Cookie` for a console session (`Secure` when the server is reached over https).
pub fn set_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={IDLE_SECS}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_and_logins_lock_after_failures() {
        let s = Sessions::default();
        let (token, _) = s.create("maria", 100);
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::COOKIE,
            format!("other=1; {COOKIE}={token}").parse().unwrap(),
        );
        assert_eq!(s.from_headers(&h, 200).unwrap().1.name, "maria");
        assert!(
            s.from_headers(&h, 200 + IDLE_SECS + 1).is_none(),
            "idle sessions end"
        );
        for _ in 0..FAILURES_PER_NAME {
            assert!(s.login_allowed("maria", 10));
            s.login_failed("maria", 10);
        }
        assert!(!s.login_allowed("maria", 11));
        assert!(s.login_allowed("ben", 11), "other names are not locked");
        assert!(
            s.login_allowed("maria", 10 + LOCK_WINDOW_SECS),
            "the lock lifts"
        );
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
