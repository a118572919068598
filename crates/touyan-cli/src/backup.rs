//! `touyan backup FILE` and `touyan restore FILE` (issue 19, item 8):
//! adapters of `touyan_storage::backup`, with `pg_dump` on request, the
//! progress per table on standard error, and where the one-card key file
//! must be kept.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use touyan_storage::backup::{self, BackupError, BackupInfo, Phase, Progress, Step};
use touyan_storage::{CardKeys, redact_url, table_zh};

use crate::acting::{fail, runtime};

/// Exit status of a backup error: 2 refused, 1 failed.
fn failed(e: &BackupError) -> ExitCode {
    fail(
        match e {
            BackupError::Refused(_) => 2,
            BackupError::Failed(_) => 1,
        },
        e,
    )
}

fn progress() -> Progress {
    Arc::new(|s: &Step| {
        // Empty tables are many and say nothing; the last line closes the
        // phase.
        if s.rows == 0 && s.index < s.of {
            return;
        }
        let what = match s.phase {
            Phase::Copy => "复制",
            Phase::Check => "校验",
            Phase::Restore => "恢复",
        };
        eprintln!(
            "[{}/{}] {what} {}（{}）：{} 行",
            s.index,
            s.of,
            table_zh(&s.table),
            s.table,
            count(s.rows)
        );
    })
}

/// Thousands separated by commas.
fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

fn backend_zh(source: &str) -> &'static str {
    if source == "postgres" {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}

/// What the key file has to do with `key_ids` (the keys the accounts
/// need): lines for the user.
fn key_lines(key_ids: &[String], log_key_ids: &[String], key_file: &Path) -> Vec<String> {
    if key_ids.is_empty() && log_key_ids.is_empty() {
        return vec!["一卡通账号：没有登记的账号，不需要密钥文件。".into()];
    }
    let mut out = Vec::new();
    if !key_ids.is_empty() {
        out.push(format!(
            "一卡通账号：账号由密钥（编号 {}）加密，密钥不在备份中。密钥文件应放在 {}（也可用 --key-file 或环境变量 TOUYAN_KEY_FILE 指定），与备份分开保管；没有这把密钥，一卡通账号无法解密。",
            key_ids.join("、"),
            key_file.display()
        ));
    }
    if !log_key_ids.is_empty() {
        out.push(format!(
            "操作日志中较早的账号记录由已轮换的旧密钥（编号 {}）加密，查阅这些旧记录时还需要旧密钥文件。",
            log_key_ids.join("、")
        ));
    }
    if key_ids.is_empty() {
        // Only the log's old entries need a key, and not this file's.
        return out;
    }
    match CardKeys::read(key_file) {
        Ok(Some(keys)) if key_ids.iter().all(|id| keys.holds(id)) => out.push(format!(
            "已找到密钥文件 {}（编号 {}），与账号相符。",
            key_file.display(),
            keys.key_id()
        )),
        Ok(Some(keys)) => out.push(format!(
            "警告：密钥文件 {} 中的密钥（编号 {}）不是加密这些账号的密钥；请找回编号为 {} 的密钥文件。",
            key_file.display(),
            keys.key_id(),
            key_ids.join("、")
        )),
        Ok(None) => out.push(format!(
            "警告：{} 处还没有密钥文件；请把编号为 {} 的密钥文件放在那里。",
            key_file.display(),
            key_ids.join("、")
        )),
        Err(e) => out.push(format!("警告：{e}")),
    }
    out
}

fn describe(info: &BackupInfo) -> String {
    format!(
        "备份时间 {}（UTC），touyan {}，来源 {} 数据库，迁移级别 {}（{} 项）；共 {} 个表 {} 行；SHA-256 {}",
        info.created_at,
        info.touyan_version,
        backend_zh(&info.source),
        info.level(),
        info.migrations.len(),
        info.tables.len(),
        count(info.rows()),
        info.sha256
    )
}

/// `touyan backup FILE [--force] [--pg-dump]`.
pub fn backup(db: &str, file: &Path, force: bool, pg_dump: bool, key_file: &Path) -> ExitCode {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    if pg_dump {
        return rt.block_on(with_pg_dump(db, file, force, key_file));
    }
    let start = Instant::now();
    let done = match rt.block_on(backup::backup(db, file, force, progress())) {
        Ok(d) => d,
        Err(e) => return failed(&e),
    };
    let info = &done.info;
    println!(
        "已备份到 {}（{}，用时 {:.1} 秒）",
        done.file.display(),
        size(done.bytes),
        start.elapsed().as_secs_f64()
    );
    println!("方式：{}", info.method);
    println!("{}", describe(info));
    for line in key_lines(&info.key_ids, &info.log_key_ids, key_file) {
        println!("{line}");
    }
    println!(
        "备份文件含全部记录（含身份证号码、密码摘要和服务密钥），请按敏感数据保管；恢复：touyan --db 新数据库 restore {}",
        done.file.display()
    );
    ExitCode::SUCCESS
}

/// A PostgreSQL URL without its password, and the password (for
/// `PGPASSWORD`, so that it is not on pg_dump's command line).
fn split_password(url: &str) -> (String, Option<String>) {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((auth, host)) = rest.split_once('@')
        && let Some((user, password)) = auth.split_once(':')
    {
        return (
            format!("{scheme}://{user}@{host}"),
            Some(percent_decoded(password)),
        );
    }
    (url.to_owned(), None)
}

/// `%40` and the like as the bytes they stand for (a URL's password).
fn percent_decoded(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

/// `--pg-dump`: PostgreSQL's own tool, custom format, restored with
/// `pg_restore`.
async fn with_pg_dump(db: &str, file: &Path, force: bool, key_file: &Path) -> ExitCode {
    if !(db.starts_with("postgres://") || db.starts_with("postgresql://")) {
        return fail(
            2,
            "--pg-dump 只适用于 PostgreSQL 数据库（SQLite 请直接 touyan backup）",
        );
    }
    let Some(program) = on_path("pg_dump") else {
        return fail(
            2,
            "找不到 pg_dump（不在 PATH 中）；请安装 PostgreSQL 客户端，或去掉 --pg-dump 用 touyan 自己的备份",
        );
    };
    if file.exists() && !force {
        return fail(
            2,
            format!(
                "备份文件 {} 已存在；请换一个文件名，或加 --force 覆盖",
                file.display()
            ),
        );
    }
    let Some(name) = file.file_name() else {
        return fail(2, format!("{} 不是文件名", file.display()));
    };
    let temp = file.with_file_name(format!(
        ".{}.part-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let (url, password) = split_password(db);
    let start = Instant::now();
    let mut cmd = std::process::Command::new(&program);
    cmd.arg("--format=custom")
        .arg("--no-owner")
        .arg("--file")
        .arg(&temp)
        .arg("--dbname")
        .arg(&url);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => return fail(1, format!("无法运行 {}：{e}", program.display())),
    };
    if !out.status.success() {
        let _ = std::fs::remove_file(&temp);
        return fail(
            1,
            format!(
                "pg_dump 失败（{}）：{}",
                redact_url(db),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        );
    }
    if let Err(e) = std::fs::rename(&temp, file) {
        let _ = std::fs::remove_file(&temp);
        return fail(1, format!("无法写入 {}：{e}", file.display()));
    }
    let bytes = std::fs::metadata(file).map_or(0, |m| m.len());
    println!(
        "已备份到 {}（{}，用时 {:.1} 秒）",
        file.display(),
        size(bytes),
        start.elapsed().as_secs_f64()
    );
    println!(
        "方式：pg_dump（{}，PostgreSQL 自己的一致快照，自定义格式）；恢复时用 pg_restore 写入一个新建的空数据库：pg_restore --no-owner -d postgres://…/新数据库 {}（touyan restore 不读这种格式）",
        program.display(),
        file.display()
    );
    let ids = backup::pg_key_ids(db).await.unwrap_or_default();
    for line in key_lines(&ids, &[], key_file) {
        println!("{line}");
    }
    ExitCode::SUCCESS
}

/// `touyan restore FILE`.
pub fn restore(db: &str, file: &Path, key_file: &Path) -> ExitCode {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let start = Instant::now();
    let done = match rt.block_on(backup::restore(db, file, progress())) {
        Ok(d) => d,
        Err(e) => return failed(&e),
    };
    let info = &done.info;
    let rows: u64 = done.tables.iter().map(|t| t.1).sum();
    println!(
        "已恢复 {} 到数据库 {}：{} 个表 {} 行（用时 {:.1} 秒）",
        file.display(),
        redact_url(db),
        done.tables.len(),
        count(rows),
        start.elapsed().as_secs_f64()
    );
    println!("{}", describe(info));
    if let Some(from) = &done.upgraded_from {
        println!("备份的迁移级别 {from} 早于本程序，已先在临时副本中执行其后的迁移，再恢复。");
    }
    for (table, n) in done.tables.iter().filter(|t| t.1 > 0) {
        println!("  {}（{table}）：{}", table_zh(table), count(*n));
    }
    for line in key_lines(&info.key_ids, &info.log_key_ids, key_file) {
        println!("{line}");
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_said_of_the_key() {
        let nowhere = Path::new("/nonexistent/touyan.key");
        let none = key_lines(&[], &[], nowhere);
        assert_eq!(none, ["一卡通账号：没有登记的账号，不需要密钥文件。"]);
        let old = key_lines(&[], &["aa".into()], nowhere);
        assert_eq!(old.len(), 1, "{old:?}");
        assert!(old[0].contains("旧密钥（编号 aa）"), "{old:?}");
        let lines = key_lines(&["bb".into()], &[], nowhere);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].contains(
            "账号由密钥（编号 bb）加密，密钥不在备份中。密钥文件应放在 /nonexistent/touyan.key"
        ));
        assert!(lines[1].contains(
            "警告：/nonexistent/touyan.key 处还没有密钥文件；请把编号为 bb 的密钥文件放在那里"
        ));
    }

    #[test]
    fn figures_and_passwords() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(
            split_password("postgres://u:p%40w%@h:5432/db"),
            ("postgres://u@h:5432/db".to_owned(), Some("p@w%".to_owned()))
        );
        assert_eq!(
            split_password("postgres://u@h/db"),
            ("postgres://u@h/db".to_owned(), None)
        );
    }
}
