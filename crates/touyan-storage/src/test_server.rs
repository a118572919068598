//! A private PostgreSQL server for the test run (issue 19, item 10), so
//! that `cargo test --workspace` works on a fresh Debian machine with the
//! `postgresql` package installed but no server configured for password-
//! less local sign-in (Debian's default is scram-sha-256).
//!
//! The cluster lives in the system's temporary folder
//! (`touyan-test-pg-<uid>/`, mode 0700, refused if someone else owns
//! it): made once with `initdb` (user `postgres` with a random password
//! kept in the folder, scram-sha-256, no fsync), started with `pg_ctl` on
//! a free port on 127.0.0.1 with its socket in the same folder, and left
//! running for the next test process and the next run
//! (`pg_ctl -D …/data stop` stops it). Not trust authentication: a
//! server left running that any local user could enter as superuser
//! would hand them the developer's account.
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

/// This process's user id (Linux: /proc/self/status).
fn uid() -> Option<u32> {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2))
                .and_then(|u| u.parse().ok())
        })
}

/// The folder of the private cluster, one a user.
fn home() -> PathBuf {
    std::env::temp_dir().join(format!("touyan-test-pg-{}", uid().unwrap_or(0)))
}

/// The user id the cluster's files belong to: ours, or `postgres`'s when
/// we are root.
fn owner_uid() -> Option<u32> {
    if !is_root() {
        return uid();
    }
    let out = Command::new("id").args(["-u", "postgres"]).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// Makes the folder (0700) or checks that the one there is ours.
fn own_folder(home: &Path) -> Result<(), String> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    match std::fs::DirBuilder::new().mode(0o700).create(home) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(format!("无法建立 {}：{e}", home.display())),
    }
    let meta = std::fs::symlink_metadata(home).map_err(|e| e.to_string())?;
    let mine = uid() == Some(meta.uid()) || owner_uid() == Some(meta.uid());
    if !meta.is_dir() || !mine || meta.mode() & 0o077 != 0 {
        return Err(format!(
            "{} 不是本用户的私有目录（应为本用户所有、权限 0700）：请删除后重试",
            home.display()
        ));
    }
    Ok(())
}

/// A new password: 32 hexadecimal digits from the system's random source.
fn new_password() -> Result<String, String> {
    use std::io::Read;
    let mut b = [0u8; 16];
    File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| format!("无法读取随机数：{e}"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
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

/// Whether this process runs as root.
fn is_root() -> bool {
    uid() == Some(0)
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
    use std::os::unix::fs::OpenOptionsExt;
    let home = home();
    own_folder(&home)?;
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(home.join("lock"))
        .map_err(|e| format!("无法打开 {}/lock：{e}", home.display()))?;
    lock.lock()
        .map_err(|e| format!("无法锁定 {}：{e}", home.display()))?;
    let port_file = home.join("port");
    let password_file = home.join("password");
    let known = std::fs::read_to_string(&port_file)
        .ok()
        .and_then(|p| p.trim().parse::<u16>().ok());
    let password = std::fs::read_to_string(&password_file).ok();
    if let (Some(port), Some(pw)) = (known, password.as_deref())
        && answers(port)
    {
        return Ok(url(port, pw.trim()));
    }
    let bin = bin_dir().ok_or_else(|| INSTALL.to_owned())?;
    let data = home.join("data");
    if !data.join("PG_VERSION").exists() {
        let pw = new_password()?;
        std::fs::write(&password_file, &pw).map_err(|e| e.to_string())?;
        let pwfile = home.join("initdb-password");
        std::fs::write(&pwfile, &pw).map_err(|e| e.to_string())?;
        hand_to_postgres(&home)?;
        let mut c = pg_command(&bin, "initdb");
        c.arg("-D")
            .arg(&data)
            .args([
                "-A",
                "scram-sha-256",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .arg(format!("--pwfile={}", pwfile.display()));
        let made = run(c, "initdb");
        let _ = std::fs::remove_file(&pwfile);
        made?;
    }
    hand_to_postgres(&home)?;
    let password = std::fs::read_to_string(&password_file)
        .map_err(|e| format!("无法读取 {}：{e}", password_file.display()))?;
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
    Ok(url(port, password.trim()))
}

/// Running as root: the folder and what is in it to `postgres` (initdb
/// refuses root), still mode 0700.
fn hand_to_postgres(home: &Path) -> Result<(), String> {
    if !is_root() {
        return Ok(());
    }
    let mut c = Command::new("chown");
    c.args(["-R", "--no-dereference", "postgres:"]).arg(home);
    run(c, "chown（以 postgres 用户运行私有实例）")
}

fn url(port: u16, password: &str) -> String {
    format!("postgres://postgres:{password}@127.0.0.1:{port}")
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("找不到空闲端口：{e}"))
}
