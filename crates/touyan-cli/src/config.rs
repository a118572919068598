//! The configuration file (issue 19, item 2): `--config FILE` (or
//! `TOUYAN_CONFIG`), TOML. Command-line flags and environment variables
//! override it; it overrides the defaults. Relative paths in it are read
//! from the file's own folder, so a service can be started from anywhere.
//!
//! ```toml
//! database = "/var/lib/touyan/touyan.db"   # or postgres://…
//! key_file = "/etc/touyan/touyan.key"
//! policy = "/etc/touyan/本市.toml"
//!
//! [server]
//! addr = "127.0.0.1:8080"
//! secure_cookies = true
//! session_idle = 1800
//! trusted_proxies = ["127.0.0.1", "::1"]
//! public_url = "https://touyan.example.gov.cn"
//! request_timeout = 60        # seconds
//! long_request_timeout = 600  # imports, exports, evaluate
//! shutdown_grace = 30
//!
//! [log]
//! format = "json"   # or "text"
//! level = "info"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file as read.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub database: Option<String>,
    pub key_file: Option<PathBuf>,
    pub policy: Option<PathBuf>,
    #[serde(default)]
    pub server: Server,
    #[serde(default)]
    pub log: Log,
}

/// `[server]`.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Server {
    pub addr: Option<String>,
    pub secure_cookies: Option<bool>,
    pub session_idle: Option<u32>,
    pub trusted_proxies: Option<Vec<String>>,
    pub public_url: Option<String>,
    pub request_timeout: Option<u64>,
    pub long_request_timeout: Option<u64>,
    pub shutdown_grace: Option<u64>,
}

/// `[log]`.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Log {
    pub format: Option<String>,
    pub level: Option<String>,
}

/// Reads the file at `path` (`None`: no file, every setting its default).
pub fn load(path: Option<&Path>) -> Result<File, String> {
    let Some(path) = path else {
        return Ok(File::default());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("无法读取配置文件 {}：{e}", path.display()))?;
    let mut file: File =
        toml::from_str(&text).map_err(|e| format!("配置文件 {} 有误：{e}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    file.resolve_paths(dir);
    Ok(file)
}

impl File {
    /// Relative paths read from `dir`, the file's folder.
    fn resolve_paths(&mut self, dir: &Path) {
        let from = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        if let Some(p) = self.key_file.as_mut() {
            from(p);
        }
        if let Some(p) = self.policy.as_mut() {
            from(p);
        }
        if let Some(db) = self.database.as_mut() {
            let is_url = db.contains("://") || db.starts_with("sqlite:") || db.contains(":memory:");
            if !is_url && Path::new(db.as_str()).is_relative() {
                *db = dir.join(db.as_str()).to_string_lossy().into_owned();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_is_read_and_paths_are_from_the_files_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("touyan.toml");
        std::fs::write(
            &path,
            r#"
database = "data/touyan.db"
key_file = "/etc/touyan/touyan.key"
policy = "本市.toml"
[server]
addr = "0.0.0.0:8443"
secure_cookies = true
session_idle = 900
trusted_proxies = ["127.0.0.1", "10.0.0.0/8"]
public_url = "https://touyan.example.gov.cn"
request_timeout = 30
long_request_timeout = 300
shutdown_grace = 10
[log]
format = "json"
level = "warn"
"#,
        )
        .unwrap();
        let f = load(Some(&path)).unwrap();
        assert_eq!(
            f.database.as_deref(),
            Some(dir.path().join("data/touyan.db").to_str().unwrap())
        );
        assert_eq!(f.key_file, Some(PathBuf::from("/etc/touyan/touyan.key")));
        assert_eq!(f.policy, Some(dir.path().join("本市.toml")));
        assert_eq!(f.server.addr.as_deref(), Some("0.0.0.0:8443"));
        assert_eq!(f.server.secure_cookies, Some(true));
        assert_eq!(f.server.session_idle, Some(900));
        assert_eq!(
            f.server.trusted_proxies,
            Some(vec!["127.0.0.1".to_owned(), "10.0.0.0/8".to_owned()])
        );
        assert_eq!(f.server.request_timeout, Some(30));
        assert_eq!(f.server.long_request_timeout, Some(300));
        assert_eq!(f.server.shutdown_grace, Some(10));
        assert_eq!(f.log.format.as_deref(), Some("json"));
        assert_eq!(f.log.level.as_deref(), Some("warn"));
    }

    #[test]
    fn a_postgres_url_is_kept_as_it_is() {
        let mut f = File {
            database: Some("postgres://touyan@db/touyan".into()),
            ..File::default()
        };
        f.resolve_paths(Path::new("/etc/touyan"));
        assert_eq!(f.database.as_deref(), Some("postgres://touyan@db/touyan"));
    }

    #[test]
    fn mistakes_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "[server]\nadress = \"127.0.0.1:1\"\n").unwrap();
        let e = load(Some(&path)).unwrap_err();
        assert!(e.contains("配置文件") && e.contains("adress"), "{e}");
        let e = load(Some(&dir.path().join("missing.toml"))).unwrap_err();
        assert!(e.starts_with("无法读取配置文件"), "{e}");
        assert_eq!(load(None).unwrap(), File::default());
    }
}
