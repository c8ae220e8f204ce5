//! The network a request comes from, for limits that must not let one place crowd out everyone
//! else: open web tickets per network, failed console logins per network.
//!
//! The client's address is the TCP peer's, unless the peer is this machine (a reverse proxy on
//! the same host, as `deploy/OPERATOR.md` sets it up): then it is the last address of
//! `X-Forwarded-For`, the one the proxy appended. A network is an IPv4 /24 or an IPv6 /64, the
//! block one household or one attacker's machine usually holds. It is turned into a keyed hash
//! at once ([`Peer::network`]) and only that hash is kept, in memory, for as long as a limit
//! needs it: haven never logs or stores an address.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::engine::Channel;
use crate::store::{Keys, Pseudonym};

/// The client's address as far as it can be known (none for requests that did not come over a
/// socket, as in tests that call the router directly).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Peer, Self::Rejection> {
        let socket = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Peer(client_ip(socket, &parts.headers)))
    }
}

/// The client's address: the socket peer's, or the proxy's last `X-Forwarded-For` entry when
/// the peer is this machine.
pub fn client_ip(socket: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
    let socket = socket?;
    if !socket.is_loopback() {
        return Some(socket);
    }
    // Only the last entry: the one the proxy appended. Earlier ones are whatever the client
    // sent, and a client can write anything there.
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|a| a.trim().parse::<IpAddr>().ok());
    Some(forwarded.unwrap_or(socket))
}

/// The network an address belongs to, written as a prefix ("203.0.113.0/24", "2001:db8::/64").
pub fn network_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => network_of(IpAddr::V4(v4)),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
    }
}

impl Peer {
    /// The client's network as a keyed hash, or `None` when the address is unknown.
    pub fn network(&self, keys: &Keys) -> Option<Pseudonym> {
        self.0
            .map(|ip| keys.pseudonym(Channel::Web, &format!("network:{}", network_of(ip))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn forwarded(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn a_proxy_on_this_machine_is_trusted_and_a_remote_peer_is_not() {
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let remote: IpAddr = "198.51.100.7".parse().unwrap();
        let h = forwarded("10.0.0.1, 203.0.113.9");
        assert_eq!(
            client_ip(Some(local), &h),
            Some("203.0.113.9".parse().unwrap()),
            "the entry the proxy appended"
        );
        assert_eq!(
            client_ip(Some(remote), &h),
            Some(remote),
            "a remote client cannot pick its address"
        );
        assert_eq!(client_ip(Some(local), &HeaderMap::new()), Some(local));
        assert_eq!(client_ip(Some(local), &forwarded("garbage")), Some(local));
        assert_eq!(
            client_ip(Some(local), &forwarded("203.0.113.9, garbage")),
            Some(local),
            "a client's own entries are never taken instead"
        );
        assert_eq!(client_ip(None, &h), None);
    }

    #[test]
    fn networks_are_ipv4_24s_and_ipv6_64s() {
        let n = |s: &str| network_of(s.parse().unwrap());
        assert_eq!(n("203.0.113.9"), "203.0.113.0/24");
        assert_eq!(n("203.0.113.200"), n("203.0.113.1"));
        assert_ne!(n("203.0.114.1"), n("203.0.113.1"));
        assert_eq!(n("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(n("::ffff:203.0.113.9"), "203.0.113.0/24");
    }
}
