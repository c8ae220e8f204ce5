//! Console sessions: a random token in a secure, HTTP-only, same-site cookie, a CSRF token per
//! session for every form, and a login rate limit.
//!
//! Failed logins are counted per name and per client network, never for everyone together: a
//! global count let anyone lock every counselor out with fifty made-up names (issue 12). A
//! name or a network that failed too often waits out the rest of its window. The counts live in
//! memory, at most [`MAX_TRACKED`] of them; past that the expired ones and then the oldest are
//! forgotten, so made-up names cannot grow the map without bound.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;

use crate::store::Pseudonym;

pub const COOKIE: &str = "haven_console";
/// A console session ends after this long without a request.
pub const IDLE_SECS: i64 = 12 * 3600;
/// Failed logins allowed per name, and per client network, in `LOCK_WINDOW_SECS`.
pub const FAILURES_PER_NAME: u32 = 5;
pub const FAILURES_PER_NETWORK: u32 = 20;
pub const LOCK_WINDOW_SECS: i64 = 15 * 60;
/// Names and networks whose failures are remembered at once.
pub const MAX_TRACKED: usize = 10_000;

#[derive(Clone, Debug)]
pub struct ConsoleSession {
    pub name: String,
    pub csrf: String,
    pub last_seen: i64,
}

#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, ConsoleSession>>,
    failures: Mutex<Failures>,
}

/// Failed logins: when each name's and each network's window began, and how many failed in it.
#[derive(Default)]
struct Failures {
    names: HashMap<String, (i64, u32)>,
    /// Keyed by the client network's keyed hash (`messaging::peer`).
    networks: HashMap<Pseudonym, (i64, u32)>,
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

    /// Whether another login attempt for `name` from `network` is allowed now.
    pub fn login_allowed(&self, name: &str, network: Option<Pseudonym>, now: i64) -> bool {
        let f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        live(f.names.get(name), now) < FAILURES_PER_NAME
            && network.is_none_or(|n| live(f.networks.get(&n), now) < FAILURES_PER_NETWORK)
    }

    pub fn login_failed(&self, name: &str, network: Option<Pseudonym>, now: i64) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        count(&mut f.names, name.to_owned(), now);
        if let Some(n) = network {
            count(&mut f.networks, n, now);
        }
    }

    pub fn login_succeeded(&self, name: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .names
            .remove(name);
    }

    /// How many names and networks have failures on record (for tests).
    pub fn failures_tracked(&self) -> usize {
        let f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        f.names.len() + f.networks.len()
    }
}

/// Failures in the current window of an entry.
fn live(entry: Option<&(i64, u32)>, now: i64) -> u32 {
    entry
        .filter(|(since, _)| now - since < LOCK_WINDOW_SECS)
        .map_or(0, |(_, n)| *n)
}

/// Counts one failure for `key`, keeping the map under [`MAX_TRACKED`].
fn count<K: std::hash::Hash + Eq + Clone>(map: &mut HashMap<K, (i64, u32)>, key: K, now: i64) {
    let e = map.entry(key).or_insert((now, 0));
    if now - e.0 >= LOCK_WINDOW_SECS {
        *e = (now, 0);
    }
    e.1 = e.1.saturating_add(1);
    if map.len() > MAX_TRACKED {
        forget_oldest(map, now);
    }
}

/// Brings a failure map back under [`MAX_TRACKED`]: expired windows first, then the oldest,
/// down to nine tenths so that this runs once per many failures, not at every one.
fn forget_oldest<K: std::hash::Hash + Eq + Clone>(map: &mut HashMap<K, (i64, u32)>, now: i64) {
    map.retain(|_, (since, _)| now - *since < LOCK_WINDOW_SECS);
    let target = MAX_TRACKED * 9 / 10;
    if map.len() > target {
        let mut by_age: Vec<(i64, K)> = map
            .iter()
            .map(|(k, (since, _))| (*since, k.clone()))
            .collect();
        by_age.sort_unstable_by_key(|(since, _)| *since);
        let excess = map.len() - target;
        for (_, k) in by_age.into_iter().take(excess) {
            map.remove(&k);
        }
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
        let here = Some(Pseudonym([1; 16]));
        for _ in 0..FAILURES_PER_NAME {
            assert!(s.login_allowed("maria", here, 10));
            s.login_failed("maria", here, 10);
        }
        assert!(!s.login_allowed("maria", here, 11));
        assert!(
            !s.login_allowed("maria", Some(Pseudonym([2; 16])), 11),
            "a name is locked from everywhere"
        );
        assert!(
            s.login_allowed("ben", here, 11),
            "other names are not locked"
        );
        assert!(
            s.login_allowed("maria", here, 10 + LOCK_WINDOW_SECS),
            "the lock lifts"
        );
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }

    // Issue 12: fifty failures with made-up names locked every counselor out, and the map grew
    // with every name.
    #[test]
    fn failures_lock_one_network_never_everyone_and_the_map_is_bounded() {
        let s = Sessions::default();
        let attacker = Some(Pseudonym([6; 16]));
        let counselor = Some(Pseudonym([7; 16]));
        for i in 0..200 {
            s.login_failed(&format!("made-up-{i}"), attacker, 100);
        }
        assert!(
            s.login_allowed("maria", counselor, 101),
            "a counselor elsewhere can still sign in"
        );
        assert!(
            !s.login_allowed("maria", attacker, 101),
            "the attacker's network waits"
        );
        assert!(s.login_allowed("maria", None, 101));
        // A flood of made-up names at one moment: the names are forgotten oldest first, and
        // the network's own count (kept apart) stays.
        for i in 0..3 * MAX_TRACKED {
            s.login_failed(&format!("n{i}"), attacker, 500);
        }
        assert!(s.failures_tracked() <= MAX_TRACKED + 1);
        assert!(!s.login_allowed("maria", attacker, 501));
    }
}
