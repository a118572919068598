//! `touyan serve [--addr 127.0.0.1:8080]`: the web server over the
//! database of `--db`. Prints the address, and the demo accounts on a demo
//! database; on a database without accounts the first page asks for the
//! first administrator. Its settings come from flags and environment
//! variables over the configuration file (`config.rs`) over defaults; its
//! log goes to standard error (`logging.rs`); SIGTERM or Ctrl-C stops it
//! gracefully.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use touyan_storage::{Store, redact_url};
use touyan_web::auth::DEMO_PASSWORD;
use touyan_web::http::{PublicUrl, Timeouts, TrustedProxies};
use touyan_web::{AppState, Config, Serving, SystemClock};

use crate::{config, logging};

/// What `touyan serve` was given on its command line or in the
/// environment (`None`: not given; the configuration file, then the
/// default, decides).
pub struct Flags {
    pub addr: Option<String>,
    pub policy: Option<PathBuf>,
    pub secure_cookies: bool,
    /// Seconds a session may stay unused (`--session-idle`).
    pub session_idle: Option<u32>,
    pub trusted_proxies: Option<String>,
    pub public_url: Option<String>,
    pub log_format: Option<String>,
    pub request_timeout: Option<u64>,
}

/// The settings `touyan serve` runs with: flags over the file over the
/// defaults.
struct Settings {
    addr: SocketAddr,
    policy: Option<PathBuf>,
    secure_cookies: bool,
    session_idle: u32,
    trusted_proxies: TrustedProxies,
    public_url: Option<PublicUrl>,
    log_format: logging::Format,
    log_level: Option<String>,
    timeouts: Timeouts,
    serving: Serving,
}

/// The seconds a setting says, within `lo..=hi`.
fn seconds(name: &str, v: u64, lo: u64, hi: u64) -> Result<Duration, String> {
    if (lo..=hi).contains(&v) {
        Ok(Duration::from_secs(v))
    } else {
        Err(format!("{name} 为 {v} 秒，应在 {lo} 至 {hi} 之间"))
    }
}

// One piece: each setting, flag over file over default, read in turn.
fn settings(flags: Flags, file: &config::File) -> Result<Settings, String> {
    let f = &file.server;
    let addr_text = flags
        .addr
        .or_else(|| f.addr.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let addr: SocketAddr = addr_text
        .trim()
        .parse()
        .map_err(|_| format!("监听地址 {addr_text} 无效（应为 IP:端口，如 127.0.0.1:8080）"))?;
    let trusted_proxies = match (&flags.trusted_proxies, &f.trusted_proxies) {
        (Some(list), _) => list.parse::<TrustedProxies>(),
        (None, Some(list)) => TrustedProxies::from_list(list),
        (None, None) => Ok(TrustedProxies::default()),
    }
    .map_err(|e| format!("可信反向代理设置有误：{e}"))?;
    let public_url = flags
        .public_url
        .or_else(|| f.public_url.clone())
        .map(|u| u.parse::<PublicUrl>())
        .transpose()?;
    let log_format = flags
        .log_format
        .or_else(|| file.log.format.clone())
        .map(|x| x.parse::<logging::Format>())
        .transpose()?
        .unwrap_or_default();
    let session_idle = flags.session_idle.or(f.session_idle).unwrap_or(1800);
    if !(10..=86_400).contains(&session_idle) {
        return Err(format!(
            "session_idle 为 {session_idle} 秒，应在 10 至 86400 之间"
        ));
    }
    let defaults = Timeouts::default();
    let normal = flags.request_timeout.or(f.request_timeout);
    let timeouts = Timeouts {
        normal: normal.map_or(Ok(defaults.normal), |v| {
            seconds("request_timeout", v, 1, 86_400)
        })?,
        long: f.long_request_timeout.map_or(Ok(defaults.long), |v| {
            seconds("long_request_timeout", v, 1, 86_400)
        })?,
    };
    let grace = f.shutdown_grace.map_or(Ok(Serving::default().grace), |v| {
        seconds("shutdown_grace", v, 0, 3_600)
    })?;
    Ok(Settings {
        addr,
        policy: flags.policy.or_else(|| file.policy.clone()),
        secure_cookies: flags.secure_cookies || f.secure_cookies.unwrap_or(false),
        session_idle,
        trusted_proxies,
        public_url,
        log_format,
        log_level: std::env::var("TOUYAN_LOG")
            .ok()
            .or_else(|| file.log.level.clone()),
        timeouts,
        serving: Serving {
            grace,
            ..Serving::default()
        },
    })
}

/// A future that completes when the process is told to stop: Ctrl-C
/// (SIGINT) or SIGTERM (systemd's stop). The handlers are installed at
/// once, when this is called (inside the runtime, before the address is
/// printed), so a stop sent as soon as the server answers is not lost.
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(int) => tracing::info!("Ctrl-C: stopping"),
                () = wait(term) => tracing::info!("SIGTERM: stopping"),
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("Ctrl-C: stopping");
    }
}

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(code)
}

/// Blocks of 1 MiB and more are mapped for themselves and unmapped when
/// freed. glibc otherwise raises its threshold to the size of the first
/// such block freed and then serves them from per-thread heaps it keeps:
/// each password hash (argon2id, 19 MiB) left about 19.5 MB behind until
/// about 180 MB were kept, measured on `touyan serve` (with this, a hash
/// leaves nothing). The same holds for request bodies and workbooks.
fn large_blocks_back_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's parameters; called
    // before any other thread of the process exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}

pub fn run(db: &str, flags: Flags, file: config::File, key_file: PathBuf) -> ExitCode {
    let o = match settings(flags, &file) {
        Ok(o) => o,
        Err(m) => return fail(2, m),
    };
    if let Err(m) = logging::init(o.log_format, o.log_level.as_deref()) {
        return fail(2, m);
    }
    let addr = o.addr;
    let policy = match crate::policy::load(o.policy.as_deref()) {
        Ok(p) => p,
        Err(m) => return fail(2, m),
    };
    large_blocks_back_to_the_system();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(1, format!("无法启动运行时：{e}")),
    };
    rt.block_on(async {
        let stop = stop_signal();
        let store = match Store::open(db).await {
            Ok(s) => s,
            Err(e) => return fail(1, e),
        };
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => return fail(1, format!("无法监听 {addr}：{e}")),
        };
        let bound = listener.local_addr().unwrap_or(addr);
        println!("头雁服务已启动：http://{bound}/");
        println!("数据库：{}", redact_url(db));
        println!(
            "一卡通账号密钥文件：{}（与数据库分开保管和备份）",
            key_file.display()
        );
        match touyan_web::demo_accounts_present(&store).await {
            Ok(Some(accounts)) => {
                println!("演示账户（密码均为 {DEMO_PASSWORD}）：");
                for a in &accounts {
                    println!(
                        "  {:<20} {}{}",
                        a.username,
                        a.role.label(),
                        a.town
                            .as_deref()
                            .map(|t| format!("（{t}）"))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(None) => {}
            Err(e) => return fail(1, e),
        }
        match store.account_count().await {
            Ok(0) => println!(
                "数据库中还没有账户：请在浏览器打开 http://{bound}/setup 建立第一个管理员账户"
            ),
            Ok(_) => {}
            Err(e) => return fail(1, e),
        }
        println!("按 Ctrl+C 停止。");
        let state = match AppState::open(
            store,
            Arc::new(SystemClock),
            Config {
                policy,
                secure_cookies: o.secure_cookies,
                key_file: Some(key_file.clone()),
                rules: touyan_web::auth::Rules::idle_for(time::Duration::seconds(i64::from(
                    o.session_idle,
                ))),
                trusted_proxies: o.trusted_proxies,
                public_url: o.public_url,
                timeouts: o.timeouts,
                ..Config::default()
            },
        )
        .await
        {
            Ok(s) => s,
            Err(e) => return fail(1, e),
        };
        tracing::info!(addr = %bound, "serving");
        match touyan_web::serve_until(state, listener, o.serving, stop).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(1, format!("服务中断：{e}")),
        }
    })
}
