//! `touyan serve` as a city's server room runs it (issue 19, items 1, 2,
//! 5): settings from a configuration file with flags over it, a JSON log
//! with one access line per request (the client as the trusted proxy
//! forwarded it), and a graceful stop on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_touyan");

/// A child process killed when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A demo database in a new folder.
fn demo() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("touyan.db").to_str().unwrap().to_owned();
    let out = Command::new(BIN)
        .args(["--db", &db, "demo"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, db)
}

/// One request on a new connection; the answer's status line and headers.
fn request(addr: &str, head: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[test]
fn configured_logged_in_json_and_stopped_by_sigterm() {
    let (dir, _db) = demo();
    let config = dir.path().join("touyan.toml");
    // The database by a path relative to the file; an address the flag
    // overrides.
    std::fs::write(
        &config,
        r#"
database = "touyan.db"
[server]
addr = "127.0.0.1:1"
trusted_proxies = ["127.0.0.1"]
public_url = "https://touyan.example.gov.cn"
shutdown_grace = 5
[log]
format = "json"
"#,
    )
    .unwrap();
    let log_path = dir.path().join("serve.log");
    let mut child = Command::new(BIN)
        .args([
            "--config",
            config.to_str().unwrap(),
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .current_dir(std::env::temp_dir())
        .env_remove("TOUYAN_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let mut proc = Proc(child);
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .split_once("http://")
        .map(|(_, rest)| rest.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    std::thread::spawn(move || for _ in lines {});

    // Through the proxy: the client it forwarded for is the one logged.
    let answer = request(
        &addr,
        &format!(
            "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nX-Forwarded-For: 203.0.113.7\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let id = answer
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .expect("a request id")
        .trim()
        .to_owned();

    // SIGTERM: the process stops by itself, successfully.
    // SAFETY: sending a signal to our own child.
    assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGTERM) }, 0);
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = proc.0.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "still running 20 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");

    let log = std::fs::read_to_string(&log_path).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let access = lines
        .iter()
        .find(|j| j["target"] == "access")
        .unwrap_or_else(|| panic!("no access line in {log}"));
    assert_eq!(access["request_id"], id.as_str(), "{access}");
    assert_eq!(access["route"], "/healthz", "{access}");
    assert_eq!(access["status"], 200, "{access}");
    assert_eq!(access["client"], "203.0.113.7", "{access}");
    assert_eq!(access["method"], "GET", "{access}");
    assert!(access["ms"].is_u64(), "{access}");
    let messages: Vec<&str> = lines.iter().filter_map(|j| j["message"].as_str()).collect();
    assert!(messages.contains(&"SIGTERM: stopping"), "{messages:?}");
    assert!(
        messages.contains(&"stopped: every request in flight was answered"),
        "{messages:?}"
    );
}

#[test]
fn a_bad_setting_is_named_and_nothing_starts() {
    let (dir, db) = demo();
    let config = dir.path().join("touyan.toml");
    for (text, expected) in [
        ("[server]\nadress = \"127.0.0.1:0\"\n", "adress"),
        (
            "[server]\ntrusted_proxies = [\"10.0.0.0/33\"]\n",
            "10.0.0.0/33",
        ),
        ("[server]\npublic_url = \"touyan.example\"\n", "公开地址"),
        ("[log]\nformat = \"xml\"\n", "日志格式"),
        ("[server]\nsession_idle = 5\n", "session_idle"),
    ] {
        std::fs::write(&config, text).unwrap();
        let out = Command::new(BIN)
            .args([
                "--db",
                &db,
                "--config",
                config.to_str().unwrap(),
                "serve",
                "--addr",
                "127.0.0.1:0",
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(
            err.starts_with("错误：") && err.contains(expected),
            "{text}: {err}"
        );
    }
    let out = Command::new(BIN)
        .args(["--db", &db, "--config", "/nonexistent/touyan.toml", "serve"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("无法读取配置文件"));
}
