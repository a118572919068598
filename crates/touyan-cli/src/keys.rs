//! The one-card (一卡通) accounts' key file: where it is (`--key-file`,
//! `TOUYAN_KEY_FILE`, else beside the database), and `touyan key rotate`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use touyan_office::By;
use touyan_office::one_card;
use touyan_storage::Store;

use crate::acting::{actor, runtime};

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
