//! A private PostgreSQL server for the test run (issue 19, item 10), so
//! that `cargo test --workspace` works on a fresh Debian machine with the
//! `postgresql` package installed but no server configured for password-
//! less local sign-in (Debian's default is scram-sha-256).
//!
//! The cluster lives in the system's temporary folder
//! (`touyan-test-pg/`): made once with `initdb` (trust authentication,
//! user `postgres`, no fsync), started with `pg_ctl` on a free port on
//! 127.0.0.1 with its socket in the same folder, and left running for the
//! next test process and the next run (`pg_ctl -D …/data stop` stops it).
//! Test processes run in parallel: the first to come makes and starts it
//! under a file lock, the others wait on the lock and then find it
//! running. Running as root (CI), the cluster belongs to the `postgres`
//! user, as `initdb` refuses root.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The one line said when no PostgreSQL is installed.
pub const INSTALL: &str = "PostgreSQL 未安装：请执行 apt-get install -y postgresql（只需安装，测试会自行建立并启动私有实例；\
     或设置 TOUYAN_TEST_PG=postgres://用户@主机:端口 使用已有的服务器）";

/// The folder of the private cluster.
fn home() -> PathBuf {
    std::env::temp_dir().join("touyan-test-pg")
}

/// The folder of PostgreSQL's programs: `pg_config --bindir`, else the
/// newest of Debian's `/usr/lib/postgresql/*/bin`, else `initdb` on PATH.
fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    if let Some((_, bin)) = found.pop() {
        return Some(bin);
    }
    let out = Command::new("pg_config").arg("--bindir").output().ok()?;
    let bin = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    bin.join("initdb").exists().then_some(bin)
}

/// Whether this process runs as root (Linux: /proc/self/status).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

/// A command of PostgreSQL's, as the `postgres` user when we are root.
fn pg_command(bin: &Path, program: &str) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(program));
        c
    } else {
        Command::new(bin.join(program))
    }
}

fn run(mut c: Command, what: &str) -> Result<(), String> {
    let out = c.output().map_err(|e| format!("无法执行 {what}：{e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} 失败：{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn answers(port: u16) -> bool {
    TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(500),
    )
    .is_ok()
}

/// The server at 127.0.0.1:5432, when one answers there.
pub fn default_answers() -> bool {
    answers(5432)
}

/// The private server's URL (without a database), made and started if
/// need be.
pub fn private_server() -> Result<String, String> {
    let home = home();
    std::fs::create_dir_all(&home).map_err(|e| format!("无法建立 {}：{e}", home.display()))?;
    let lock = File::create(home.join("lock")).map_err(|e| e.to_string())?;
    lock.lock()
        .map_err(|e| format!("无法锁定 {}：{e}", home.display()))?;
    let port_file = home.join("port");
    let known = std::fs::read_to_string(&port_file)
        .ok()
        .and_then(|p| p.trim().parse::<u16>().ok());
    if let Some(port) = known.filter(|p| answers(*p)) {
        return Ok(url(port));
    }
    let bin = bin_dir().ok_or_else(|| INSTALL.to_owned())?;
    let data = home.join("data");
    if is_root() {
        run(
            {
                let mut c = Command::new("chown");
                c.args(["-R", "postgres:"]).arg(&home);
                c
            },
            "chown（以 postgres 用户运行私有实例）",
        )?;
    }
    if !data.join("PG_VERSION").exists() {
        let mut c = pg_command(&bin, "initdb");
        c.arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        run(c, "initdb")?;
    }
    let port = free_port()?;
    let mut c = pg_command(&bin, "pg_ctl");
    c.arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(home.join("server.log"))
        .arg("-o")
        .arg(format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
            home.display()
        ))
        .args(["-w", "-t", "60", "start"]);
    run(c, "pg_ctl start")?;
    std::fs::write(&port_file, port.to_string()).map_err(|e| e.to_string())?;
    Ok(url(port))
}

fn url(port: u16) -> String {
    format!("postgres://postgres@127.0.0.1:{port}")
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("找不到空闲端口：{e}"))
}
