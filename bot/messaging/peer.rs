//! The network a request comes from, for limits that must not let one place crowd out everyone
//! else: open web tickets per network, failed console logins per network.
//!
//! The client's address is the TCP peer's, unless the peer is a reverse proxy haven trusts:
//! this machine (a proxy on the same host, as `deploy/OPERATOR.md` sets it up) or an address in
//! `HAVEN_TRUSTED_PROXIES` (a proxy outside haven's container, seen from inside it). Then it is
//! the last address of `X-Forwarded-For`, the one that proxy appended. A network is an IPv4 /24
//! or an IPv6 /64, the block one household or one attacker's machine usually holds. It is turned
//! into a keyed hash at once ([`Peer::network`]) and only that hash is kept, in memory, for as
//! long as a limit needs it: haven never logs or stores an address.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::engine::Channel;
use crate::store::Pseudonym;

use super::Hub;

/// Where a request came from, as far as it can be known: the socket's peer (none for requests
/// that did not come over a socket, as in tests that call the router directly) and the last
/// `X-Forwarded-For` entry, believed only from a trusted proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    socket: Option<IpAddr>,
    forwarded: Option<IpAddr>,
}

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Peer, Self::Rejection> {
        let socket = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Peer {
            socket,
            forwarded: last_forwarded(&parts.headers),
        })
    }
}

/// The last `X-Forwarded-For` entry: the one the nearest proxy appended. Earlier ones are
/// whatever the client sent, and a client can write anything there.
fn last_forwarded(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|a| a.trim().parse::<IpAddr>().ok())
}

/// An address with IPv4-mapped IPv6 written as IPv4, so the two spellings compare equal.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl Peer {
    /// A peer as the accept loop and a proxy would describe it (for tests and tools).
    pub fn new(socket: Option<IpAddr>, forwarded: Option<IpAddr>) -> Peer {
        Peer { socket, forwarded }
    }

    /// The client's address: the socket peer's, or the forwarded one when the peer is this
    /// machine or one of the `trusted` proxies.
    pub fn client(&self, trusted: &[IpAddr]) -> Option<IpAddr> {
        let socket = canonical(self.socket?);
        let is_proxy = socket.is_loopback() || trusted.iter().any(|t| canonical(*t) == socket);
        Some(match self.forwarded {
            Some(f) if is_proxy => canonical(f),
            _ => socket,
        })
    }

    /// The client's network as a keyed hash, or `None` when the address is unknown.
    pub fn network(&self, hub: &Hub) -> Option<Pseudonym> {
        self.client(&hub.config.trusted_proxies).map(|ip| {
            hub.haven
                .keys
                .pseudonym(Channel::Web, &format!("network:{}", network_of(ip)))
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn forwarded(v: &str) -> Option<IpAddr> {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        last_forwarded(&h)
    }

    #[test]
    fn a_trusted_proxy_is_believed_and_anyone_else_is_not() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let local = ip("127.0.0.1");
        let remote = ip("198.51.100.7");
        let docker = ip("172.17.0.1");
        let via = |socket, header: &str| Peer::new(Some(socket), forwarded(header));
        assert_eq!(
            via(local, "10.0.0.1, 203.0.113.9").client(&[]),
            Some(ip("203.0.113.9")),
            "the entry the proxy appended"
        );
        assert_eq!(
            via(remote, "203.0.113.9").client(&[]),
            Some(remote),
            "a remote client cannot pick its address"
        );
        assert_eq!(via(docker, "203.0.113.9").client(&[]), Some(docker));
        assert_eq!(
            via(docker, "203.0.113.9").client(&[docker]),
            Some(ip("203.0.113.9")),
            "a proxy outside the container, when configured"
        );
        assert_eq!(
            via(ip("::ffff:172.17.0.1"), "203.0.113.9").client(&[docker]),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(Peer::new(Some(local), None).client(&[]), Some(local));
        assert_eq!(via(local, "garbage").client(&[]), Some(local));
        assert_eq!(
            via(local, "203.0.113.9, garbage").client(&[]),
            Some(local),
            "a client's own entries are never taken instead"
        );
        assert_eq!(Peer::new(None, forwarded("203.0.113.9")).client(&[]), None);
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
