//! A sign-in flood against the real `touyan serve`, on loopback only and
//! bounded in time: 64 connections post wrong passwords (on `finance` and
//! on names no account has) for 10 seconds, while the server's memory is
//! sampled from /proc and `city` signs in from the same address. Before
//! the limits of issue 15, 64 such connections took the server to 6.4 GB
//! and real sign-ins to 4–6 s.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_touyan");
const PASSWORD: &str = "Demo@2025";
const CONNECTIONS: usize = 64;
const FLOOD_FOR: Duration = Duration::from_secs(10);
/// The most the server may hold at its peak (VmHWM): measured 72 MB in
/// a debug build (50 MB before the flood); issue 15 asked for under 600.
const PEAK_LIMIT_KB: u64 = 200 * 1024;

/// A child process killed when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One JSON POST on a kept-alive connection: the status and the body.
fn post(
    stream: &mut BufReader<TcpStream>,
    path: &str,
    body: &str,
) -> std::io::Result<(u16, String)> {
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.get_mut().write_all(req.as_bytes())?;
    let mut status_line = String::new();
    stream.read_line(&mut status_line)?;
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status in {status_line:?}")))?;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("closed"));
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

fn connect(addr: &str) -> BufReader<TcpStream> {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    BufReader::new(s)
}

/// (VmHWM, VmRSS) of a process, in kB.
fn memory_kb(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

fn sign_in_city(addr: &str) -> (u16, Duration) {
    let mut c = connect(addr);
    let started = Instant::now();
    let (status, body) = post(
        &mut c,
        "/api/v1/login",
        &format!(r#"{{"username":"city","password":"{PASSWORD}"}}"#),
    )
    .unwrap();
    assert!(
        status == 200 || status == 503 || status == 429,
        "{status} {body}"
    );
    (status, started.elapsed())
}

#[test]
fn a_sign_in_flood_is_bounded_and_city_still_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("touyan.db");
    let db = db.to_str().unwrap();
    let out = Command::new(BIN)
        .args(["--db", db, "demo"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut child = Command::new(BIN)
        .args(["--db", db, "serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let _server = Proc(child);
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .split_once("http://")
        .map(|(_, rest)| rest.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    std::thread::spawn(move || for _ in lines {});

    // `city` has signed in from this address before the flood.
    let (status, _) = sign_in_city(&addr);
    assert_eq!(status, 200);
    let (before_kb, _) = memory_kb(pid).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new([(); 6].map(|_| AtomicU64::new(0)));
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (stop, peak) = (stop.clone(), peak.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Some((hwm, rss)) = memory_kb(pid) {
                    peak.fetch_max(hwm.max(rss), Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let deadline = Instant::now() + FLOOD_FOR;
    let flood: Vec<_> = (0..CONNECTIONS)
        .map(|i| {
            let (addr, answered) = (addr.clone(), answered.clone());
            std::thread::spawn(move || {
                let mut c = connect(&addr);
                let mut n = 0u64;
                while Instant::now() < deadline {
                    n += 1;
                    // Half on a real account, half on names nobody has.
                    let name = if i % 2 == 0 {
                        "finance".to_owned()
                    } else {
                        format!("flood-{i}-{n}")
                    };
                    let body = format!(r#"{{"username":"{name}","password":"Wrong@{n}x"}}"#);
                    match post(&mut c, "/api/v1/login", &body) {
                        Ok((status, _)) => {
                            let k = match status {
                                401 => 0,
                                429 => 1,
                                503 => 2,
                                200 => 3,
                                _ => 4,
                            };
                            answered[k].fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => {
                            answered[5].fetch_add(1, Ordering::Relaxed);
                            c = connect(&addr);
                        }
                    }
                }
            })
        })
        .collect();

    // Halfway through, `city` signs in from the same address.
    std::thread::sleep(FLOOD_FOR / 2);
    let (status, took) = sign_in_city(&addr);
    for t in flood {
        t.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let (hwm_kb, rss_kb) = memory_kb(pid).unwrap();
    let counts: Vec<u64> = answered.iter().map(|a| a.load(Ordering::Relaxed)).collect();
    eprintln!(
        "flood: 401 {} · 429 {} · 503 {} · 200 {} · other {} · broken {}; city {status} in {took:?}; \
         VmHWM {} MB (before the flood {} MB), VmRSS after {} MB",
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        counts[4],
        counts[5],
        hwm_kb / 1024,
        before_kb / 1024,
        rss_kb / 1024
    );
    assert_eq!(status, 200, "city during the flood");
    assert!(took < Duration::from_secs(2), "city took {took:?}");
    assert!(
        hwm_kb.max(peak.load(Ordering::Relaxed)) < PEAK_LIMIT_KB,
        "peak {} MB",
        hwm_kb / 1024
    );
    // The flood was answered, mostly without hashing; none succeeded.
    let total: u64 = counts[..5].iter().sum();
    assert!(total > 1000, "{counts:?}");
    assert_eq!((counts[3], counts[4], counts[5]), (0, 0, 0), "{counts:?}");
    assert!(counts[1] > counts[0], "{counts:?}");
}
