//! `touyan serve [--addr 127.0.0.1:8080]`: the web server over the
//! database of `--db`. Prints the address, and the demo accounts on a demo
//! database; on a database without accounts the first page asks for the
//! first administrator.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use touyan_storage::{Store, redact_url};
use touyan_web::auth::DEMO_PASSWORD;
use touyan_web::{AppState, Config, SystemClock};

/// The options of `touyan serve`.
pub struct Options<'a> {
    pub addr: &'a str,
    pub policy: Option<&'a Path>,
    pub secure_cookies: bool,
    /// Seconds a session may stay unused (`--session-idle`).
    pub session_idle: u32,
    /// The one-card accounts' key file (made with the first account).
    pub key_file: std::path::PathBuf,
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

pub fn run(db: &str, o: &Options<'_>) -> ExitCode {
    let addr: SocketAddr = match o.addr.trim().parse() {
        Ok(a) => a,
        Err(_) => {
            return fail(
                2,
                format!(
                    "--addr {} 不是有效的地址（应为 IP:端口，如 127.0.0.1:8080）",
                    o.addr
                ),
            );
        }
    };
    let policy = match crate::policy::load(o.policy) {
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
            o.key_file.display()
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
                key_file: Some(o.key_file.clone()),
                rules: touyan_web::auth::Rules::idle_for(time::Duration::seconds(i64::from(
                    o.session_idle,
                ))),
                ..Config::default()
            },
        )
        .await
        {
            Ok(s) => s,
            Err(e) => return fail(1, e),
        };
        match touyan_web::serve_on(state, listener).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(1, format!("服务中断：{e}")),
        }
    })
}
