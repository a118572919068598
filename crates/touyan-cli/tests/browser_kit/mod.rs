//! What the browser tests share: the demo database served by the
//! `touyan` binary on a free port, a headless Chromium driven through
//! ChromeDriver (Debian's `chromium` and `chromium-driver`, which `.ci/run`
//! installs; `TOUYAN_CHROMIUM` and `TOUYAN_CHROMEDRIVER` override their
//! paths), and the clerk's gestures: sign in, click (answering the
//! question an irreversible step asks), fill in, read.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_touyan");

/// The demo accounts' password.
pub const PASSWORD: &str = "Demo@2025";

/// 化龙镇.
pub const HUALONG: &str = "370783100";

/// A child process killed when dropped.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The demo database served on a free port.
pub struct Server {
    _proc: Proc,
    pub url: String,
    _dir: tempfile::TempDir,
    log: PathBuf,
}

impl Server {
    /// What the server has logged so far (its standard error).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// What of `log` looks like something that must never be logged: an ID
/// number (17 digits and a digit or X), a run of 10 or more digits (a
/// one-card account), a 64-digit hexadecimal token, the demo password.
pub fn sensitive_in(log: &str) -> Vec<String> {
    let mut found = Vec::new();
    if log.contains(PASSWORD) {
        found.push(PASSWORD.to_owned());
    }
    let mut run = String::new();
    for c in log.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_hexdigit() || c == 'X' {
            run.push(c);
            continue;
        }
        let digits = run.bytes().take_while(u8::is_ascii_digit).count();
        if digits >= 10 || run.len() >= 64 {
            found.push(run.clone());
        }
        run.clear();
    }
    found
}

pub fn serve_demo() -> Server {
    serve_demo_with(&[])
}

/// [`serve_demo`], `touyan serve` given `extra` arguments too.
pub fn serve_demo_with(extra: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("touyan.db");
    let db = db.to_str().unwrap();
    let out = Command::new(BIN)
        // As of today, as a new user would make it: the dashboard's year
        // is today's.
        .args(["--db", db, "demo"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Kept with the screenshots, one file a server (the test's process
    // and a counter), for reading after a failure.
    static SERVED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SERVED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let log = artifacts().join(format!("serve-{}-{n}.log", std::process::id()));
    let mut child = Command::new(BIN)
        .args(["--db", db, "serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let proc = Proc(child);
    // The first line names the address: "头雁服务已启动：http://127.0.0.1:PORT/".
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .split_once("http://")
        .map(|(_, rest)| format!("http://{}", rest.trim_end_matches('/')))
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    // Keep reading (and dropping) what the server prints.
    std::thread::spawn(move || for _ in lines {});
    Server {
        _proc: proc,
        url,
        _dir: dir,
        log,
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// ChromeDriver and one headless Chromium window of the given size.
pub struct Browser {
    pub client: Client,
    _driver: Proc,
    _profile: tempfile::TempDir,
}

pub async fn browser(width: u32, height: u32) -> Browser {
    let driver_bin =
        std::env::var("TOUYAN_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned());
    let chromium = std::env::var("TOUYAN_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let port = free_port();
    let driver = Proc(
        Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "无法启动 {driver_bin}：{e}。浏览器测试需要 Chromium：请执行 apt-get install -y chromium chromium-driver fonts-noto-cjk"
                )
            }),
    );
    wait_for_port(port);
    let profile = tempfile::tempdir().unwrap();
    // The flags Chromium needs on a closed network and without a display
    // (ENGINEERING.md, pitfall 7).
    // Chromium's windows are at least 500 px wide: narrower screens are
    // emulated as a phone's.
    let mobile = if width < 500 {
        json!({ "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 } })
    } else {
        Value::Null
    };
    let mut caps = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--lang=zh-CN",
                format!("--user-data-dir={}", profile.path().display()),
                format!("--window-size={width},{height}"),
            ]
        }
    });
    if !mobile.is_null() {
        caps["goog:chromeOptions"]["mobileEmulation"] = mobile;
    }
    let caps = match caps {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    // Plain HTTP to the local driver: no TLS stack needed.
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap();
    Browser {
        client,
        _driver: driver,
        _profile: profile,
    }
}

pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The text of the first element matching `css`. A page still being
/// replaced (a form just sent, a link just followed) can drop the element
/// between finding and reading it: then it is found again, for up to 5 s.
pub async fn text_of(c: &Client, css: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        match c.find(Locator::Css(css)).await {
            Ok(e) => match e.text().await {
                Ok(t) => return t,
                Err(err) => last = err.to_string(),
            },
            Err(err) => last = err.to_string(),
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no text for {css}: {last}")
}

pub async fn body_text(c: &Client) -> String {
    text_of(c, "body").await
}

pub async fn sign_in(c: &Client, base: &str, username: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys(username)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    // Waits for the next page: reading the header at once could read the
    // login page still on screen (a flaky failure seen in CI).
    click(c, "form button[type=submit]").await;
    // Signed in: the header shows who, and offers 退出.
    let who = match c.find(Locator::Css("header .who")).await {
        Ok(e) => e.text().await.unwrap(),
        Err(_) => body_text(c).await,
    };
    assert!(who.contains("退出"), "not signed in as {username}: {who}");
}

/// Whether the page is wider than the window (a horizontal scroll bar on
/// the page itself; tables may scroll inside their own boxes).
pub async fn overflows(c: &Client) -> bool {
    let v = c
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth + 1;",
            vec![],
        )
        .await
        .unwrap();
    v.as_bool().unwrap()
}

/// Clicks what submits a form or follows a link, and waits for the next
/// page: until the old page's root is gone and the new one has loaded.
/// A step that asks first (`data-confirm`, issue 18, item 3) is accepted
/// at once (before any other command, which would dismiss the question);
/// the question is returned.
pub async fn click(c: &Client, css: &str) -> Option<String> {
    click_asking(c, css, 1).await
}

/// [`click`] on a step that must ask first: the question, which names
/// each of `names`, is accepted (waiting up to 2 s for it).
pub async fn click_confirmed(c: &Client, css: &str, names: &[&str]) {
    let asked = click_asking(c, css, 40)
        .await
        .unwrap_or_else(|| panic!("{css} did not ask before an irreversible step"));
    for n in names {
        assert!(asked.contains(n), "{css} asked without naming {n}: {asked}");
    }
}

/// [`click`], looking for a question `tries` times, 50 ms apart.
pub async fn click_asking(c: &Client, css: &str, tries: u32) -> Option<String> {
    let old = c.find(Locator::Css("html")).await.unwrap();
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap();
    let mut asked = None;
    for i in 0..tries {
        if let Ok(q) = c.get_alert_text().await {
            c.accept_alert().await.unwrap();
            asked = Some(q);
            break;
        }
        if i + 1 < tries {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    for _ in 0..400 {
        if old.tag_name().await.is_err() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    c.wait().for_element(Locator::Css("body")).await.unwrap();
    asked
}

pub async fn fill(c: &Client, css: &str, text: &str) {
    let e = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"));
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}
