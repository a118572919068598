//! The client's real address (issue 19, item 5). Behind a reverse proxy
//! every connection comes from the proxy; the proxy says whom it forwarded
//! for in `X-Forwarded-For`. Anyone can send that header, so it is
//! believed only from the proxies the configuration names
//! (`trusted_proxies`), and only as far as they go: the list is read from
//! the right, each trusted hop skipped, and the first address that is not
//! a trusted proxy is the client. Without trusted proxies the header is
//! ignored and the connection's address is the client.

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

/// The client's address as [`super::requests::around`] found it
/// (`None`: no connection information, as in tests that call the
/// application directly).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

/// The reverse proxies whose forwarded headers are believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// Addresses or networks separated by commas or spaces
    /// (`127.0.0.1, 10.0.0.0/8, ::1`).
    fn from_str(s: &str) -> Result<TrustedProxies, String> {
        s.split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(parse_one)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }
}

fn parse_one(p: &str) -> Result<IpNet, String> {
    if let Ok(net) = p.parse::<IpNet>() {
        return Ok(net.trunc());
    }
    p.parse::<IpAddr>()
        .map(|ip| IpNet::from(canonical(ip)))
        .map_err(|_| format!("“{p}”不是有效的 IP 地址或网段（如 127.0.0.1、10.0.0.0/8）"))
}

impl TrustedProxies {
    /// From a list of addresses or networks, as a configuration file
    /// gives them.
    pub fn from_list<S: AsRef<str>>(items: &[S]) -> Result<TrustedProxies, String> {
        items
            .iter()
            .map(|p| parse_one(p.as_ref().trim()))
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client of a connection from `peer` carrying `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        // Every X-Forwarded-For header, in order, as one list; the last
        // entry is the hop nearest to us. Split as bytes: a value with a
        // byte a client made up (not ASCII) must not hide the entries the
        // proxies appended after it.
        let hops: Vec<&[u8]> = headers
            .get_all("x-forwarded-for")
            .iter()
            .flat_map(|v| v.as_bytes().split(|b| *b == b','))
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let parsed = std::str::from_utf8(hop)
                .ok()
                .and_then(|h| h.trim().parse::<IpAddr>().ok());
            let Some(ip) = parsed else {
                // Garbage from beyond the trusted hops: the last address
                // we could read is as far as anything is known.
                return client;
            };
            client = canonical(ip);
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

/// IPv4 addresses that arrive as IPv6 (`::ffff:a.b.c.d`) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address, for the audit trail ("-" when unknown).
pub fn client_addr(parts: &Parts) -> String {
    if let Some(ClientAddr(found)) = parts.extensions.get::<ClientAddr>() {
        return found.map_or_else(|| "-".to_owned(), |ip| ip.to_string());
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "-".to_owned(), |c| canonical(c.0.ip()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let t = TrustedProxies::default();
        let h = forwarded(&["1.2.3.4"]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("127.0.0.1"));
    }

    #[test]
    fn a_trusted_proxy_is_believed_an_untrusted_one_is_not() {
        let t: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        let h = forwarded(&["203.0.113.7"]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("203.0.113.7"));
        assert_eq!(t.client(ip("10.9.8.7"), &h), ip("203.0.113.7"));
        // A client that sends the header itself, straight to us.
        assert_eq!(t.client(ip("198.51.100.1"), &h), ip("198.51.100.1"));
    }

    #[test]
    fn a_forged_entry_left_of_the_client_is_not_believed() {
        // The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended
        // the address it saw.
        let t: TrustedProxies = "127.0.0.1".parse().unwrap();
        let h = forwarded(&["1.1.1.1, 203.0.113.7"]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("203.0.113.7"));
        // Two trusted hops: the first untrusted from the right.
        let t: TrustedProxies = "127.0.0.1 10.0.0.5".parse().unwrap();
        let h = forwarded(&["1.1.1.1", "203.0.113.7, 10.0.0.5"]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("203.0.113.7"));
    }

    #[test]
    fn garbage_stops_at_the_last_address_read() {
        let t: TrustedProxies = "127.0.0.1".parse().unwrap();
        assert_eq!(
            t.client(ip("127.0.0.1"), &forwarded(&["unknown"])),
            ip("127.0.0.1")
        );
        assert_eq!(
            t.client(ip("127.0.0.1"), &forwarded(&["x, 203.0.113.7"])),
            ip("203.0.113.7")
        );
        // No header: the proxy itself.
        assert_eq!(
            t.client(ip("127.0.0.1"), &HeaderMap::new()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn a_made_up_byte_does_not_hide_what_the_proxy_appended() {
        let t: TrustedProxies = "127.0.0.1".parse().unwrap();
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"\xff, 203.0.113.7").unwrap(),
        );
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("203.0.113.7"));
    }

    #[test]
    fn ipv6_and_mapped_ipv4() {
        let t: TrustedProxies = "::1, 127.0.0.1".parse().unwrap();
        let h = forwarded(&["2001:db8::1"]);
        assert_eq!(t.client(ip("::1"), &h), ip("2001:db8::1"));
        assert_eq!(t.client(ip("::ffff:127.0.0.1"), &h), ip("2001:db8::1"));
        // A mapped address in the setting is the IPv4 address.
        let t: TrustedProxies = "::ffff:10.0.0.5".parse().unwrap();
        assert_eq!(t.client(ip("10.0.0.5"), &h), ip("2001:db8::1"));
    }

    #[test]
    fn bad_settings_are_refused_in_chinese() {
        let e = "127.0.0.1, 10.0.0.0/33"
            .parse::<TrustedProxies>()
            .unwrap_err();
        assert!(e.contains("10.0.0.0/33"), "{e}");
        assert!("localhost".parse::<TrustedProxies>().is_err());
        assert_eq!(
            "".parse::<TrustedProxies>().unwrap(),
            TrustedProxies::default()
        );
        assert_eq!(
            TrustedProxies::from_list(&["10.1.2.3/8"]).unwrap(),
            "10.0.0.0/8".parse().unwrap()
        );
    }
}
