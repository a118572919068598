//! The one-card (一卡通) accounts' key file: where it is (`--key-file`,
//! `TOUYAN_KEY_FILE`, else beside the database), `touyan key rotate`, and
//! `touyan one-card` (a town's approved month's one-card file, taken as
//! the city's administrator: `touyan_office::one_card::file` decides and
//! logs).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use touyan_excel::reports as layout;
use touyan_office::By;
use touyan_office::one_card;
use touyan_records::TownCode;
use touyan_storage::Store;

use crate::divisions::{actor, runtime};

/// The key file: the one given, else beside a database file (`x.db` →
/// `x.key`), else `touyan.key` in the working directory (a PostgreSQL
/// database: keep the file on the server that runs touyan, apart from
/// the database's backups).
pub fn key_file(db: &str, given: Option<&Path>) -> PathBuf {
    if let Some(p) = given {
        return p.to_owned();
    }
    if db.contains("://") || db.contains(":memory:") {
        return PathBuf::from("touyan.key");
    }
    let path = Path::new(db.strip_prefix("sqlite:").unwrap_or(db));
    path.with_extension("key")
}

/// `touyan key rotate`: a new key, every account re-sealed with it, the
/// old key file replaced.
pub fn rotate(db: &str, key_file: &Path) -> ExitCode {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => {
            eprintln!("错误：{m}");
            return ExitCode::from(1);
        }
    };
    let name = actor();
    let result = rt.block_on(async {
        let store = Store::open(db).await.map_err(|e| e.to_string())?;
        one_card::rotate_key(&store, key_file, &By::command_line(&name))
            .await
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(r) => {
            println!(
                "已轮换一卡通账号密钥：{} 个账号已用新密钥（编号 {}）重新加密，旧密钥（编号 {}）已作废；密钥文件 {}",
                r.accounts,
                r.new_key,
                r.old_key,
                key_file.display()
            );
            println!(
                "请立即备份新的密钥文件（与数据库分开保管）。此前的数据库备份和操作日志中的旧记录仍需旧密钥才能解密：保留这些备份期间请一并妥善保管旧密钥，不再需要时再销毁。"
            );
            ExitCode::SUCCESS
        }
        Err(m) => {
            eprintln!("错误：{m}");
            ExitCode::from(1)
        }
    }
}

/// What `touyan one-card` was asked for.
pub struct FileAsked<'a> {
    pub out: &'a Path,
    pub month: &'a str,
    pub town: &'a str,
    pub policy: Option<&'a Path>,
}

/// `touyan one-card FILE --month --town`: the town's one-card file of an
/// approved month, written to FILE (the taking logged first).
pub fn one_card_file(db: &str, key_file: &Path, a: &FileAsked<'_>) -> ExitCode {
    let fail = |code: u8, m: String| {
        eprintln!("错误：{m}");
        ExitCode::from(code)
    };
    let Some(month) = touyan_reports::parse_month(a.month) else {
        return fail(
            2,
            format!("--month {} 无效（应为 YYYY-MM，如 2026-11）", a.month),
        );
    };
    let Ok(town) = TownCode::parse(a.town.trim()) else {
        return fail(2, format!("--town {} 不是 9 位镇街代码", a.town));
    };
    let policy = match crate::policy::load(a.policy) {
        Ok(p) => p,
        Err(m) => return fail(2, m),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let name = actor();
    let made = rt.block_on(async {
        let store = Store::open(db).await.map_err(|e| (1, e.to_string()))?;
        let tm = touyan_office::pay::town_month(&store, &policy, month, town)
            .await
            .map_err(|e| (1, e.to_string()))?;
        one_card::file(&store, Some(key_file), &By::command_line(&name), &tm)
            .await
            .map_err(|e| (2, e.to_string()))
    });
    let f = match made {
        Ok(f) => f,
        Err((code, m)) => return fail(code, format!("{m}（未导出）")),
    };
    let report = layout::one_card_report(&f, crate::policy::today());
    if let Err(e) = layout::write_report(a.out, &report) {
        return fail(1, format!("无法写入 {}：{e}", a.out.display()));
    }
    println!(
        "已导出 {}（{} 人，合计 {} 元，含完整身份证号码和一卡通账号；本次导出已记入操作日志）",
        a.out.display(),
        f.rows.len(),
        f.total
    );
    ExitCode::SUCCESS
}
