//! The address people open the system at (issue 19, item 5), from the
//! configuration: behind a reverse proxy the request's `Host` may be the
//! proxy's upstream (`127.0.0.1:8080`), so the voting codes' QR codes and
//! the cross-site check take the public address from here when it is set.

use std::str::FromStr;

/// `scheme://host[:port]`, without a path or a trailing slash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl {
    scheme: String,
    /// Host and port, as a browser's `Origin` names them.
    authority: String,
}

impl FromStr for PublicUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<PublicUrl, String> {
        let bad = || {
            format!(
                "公开地址“{s}”无效：应为 https://主机名[:端口]，如 https://touyan.example.gov.cn"
            )
        };
        let t = s.trim().trim_end_matches('/');
        let (scheme, authority) = t.split_once("://").ok_or_else(bad)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
        if authority.is_empty() || !authority.chars().all(ok) {
            return Err(bad());
        }
        // A browser's Origin leaves out the scheme's own port.
        let authority = authority.to_ascii_lowercase();
        let default_port = if scheme == "https" { ":443" } else { ":80" };
        let authority = authority
            .strip_suffix(default_port)
            .map_or(authority.clone(), str::to_owned);
        Ok(PublicUrl { scheme, authority })
    }
}

impl PublicUrl {
    /// `https://host[:port]`.
    pub fn base(&self) -> String {
        format!("{}://{}", self.scheme, self.authority)
    }

    /// Whether a browser's `Origin` is this address.
    pub fn is_origin(&self, origin: &str) -> bool {
        origin
            .trim_end_matches('/')
            .eq_ignore_ascii_case(&self.base())
    }

    pub fn is_https(&self) -> bool {
        self.scheme == "https"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_and_compared_as_browsers_send_it() {
        let u: PublicUrl = "https://Touyan.Example.gov.cn/".parse().unwrap();
        assert_eq!(u.base(), "https://touyan.example.gov.cn");
        assert!(u.is_origin("https://touyan.example.gov.cn"));
        assert!(!u.is_origin("http://touyan.example.gov.cn"));
        assert!(!u.is_origin("https://evil.example"));
        assert!(u.is_https());
        let p: PublicUrl = "http://10.0.0.2:8080".parse().unwrap();
        assert_eq!(p.base(), "http://10.0.0.2:8080");
        // The scheme's own port is as browsers say it: left out.
        let d: PublicUrl = "https://touyan.example.gov.cn:443".parse().unwrap();
        assert!(d.is_origin("https://touyan.example.gov.cn"));
        assert_eq!(d.base(), "https://touyan.example.gov.cn");
        let h: PublicUrl = "http://touyan.example:80/".parse().unwrap();
        assert!(h.is_origin("http://touyan.example"));
    }

    #[test]
    fn paths_and_other_schemes_are_refused() {
        for bad in [
            "touyan.example",
            "ftp://touyan.example",
            "https://touyan.example/app",
            "https://",
            "https://a b",
        ] {
            let e = bad.parse::<PublicUrl>().unwrap_err();
            assert!(e.starts_with("公开地址"), "{bad}: {e}");
        }
    }
}
