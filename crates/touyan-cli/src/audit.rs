//! `touyan audit verify`: walks the change log's hash chain and names
//! the first row changed, deleted or put in (issue 19, item 6). Exit 0
//! when the chain is whole, 1 when it is broken (or the database cannot
//! be read), 2 for a bad argument.

use std::process::ExitCode;

use clap::Subcommand;
use touyan_storage::{Recorded, Store};
use touyan_web::audit_chain::break_text;

use crate::acting::runtime;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// 核对操作日志的摘要链：找出第一条被改动、删除或插入的记录，并给出链头（请另行记下）
    Verify {
        /// 此前记下的链头（编号:摘要，如 1024:3f5a…，摘要为 64 位十六进制），核对该条是否仍是该摘要
        #[arg(long, value_name = "编号:摘要")]
        expect: Option<String>,
    },
}

/// `ID:HASH` as recorded (hex in either case).
fn recorded(s: &str) -> Option<Recorded> {
    let (id, hash) = s.trim().split_once(':')?;
    let id: i64 = id.trim().parse().ok().filter(|n| *n > 0)?;
    let hash = hash.trim().to_ascii_lowercase();
    (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(Recorded { id, hash })
}

pub fn run(db: &str, command: AuditCommand) -> ExitCode {
    let AuditCommand::Verify { expect } = command;
    let expect = match expect.as_deref().map(|e| (e, recorded(e))) {
        None => None,
        Some((_, Some(r))) => Some(r),
        Some((given, None)) => {
            eprintln!(
                "错误：--expect {} 应为“编号:摘要”（如 1024: 后接 64 位十六进制摘要）",
                touyan_records::text::excerpt(given)
            );
            return ExitCode::from(2);
        }
    };
    let file = db.strip_prefix("sqlite:").unwrap_or(db);
    if !db.contains("://") && !db.contains(":memory:") && !std::path::Path::new(file).exists() {
        eprintln!("错误：数据库文件 {file} 不存在");
        return ExitCode::from(2);
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => {
            eprintln!("错误：{m}");
            return ExitCode::from(1);
        }
    };
    let result = rt.block_on(async {
        let store = Store::open(db).await?;
        store.verify_audit_chain(expect.clone()).await
    });
    let state = match result {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误：{e}");
            return ExitCode::from(1);
        }
    };
    match &state.broken {
        None if state.head_id == 0 => {
            println!("操作日志完整：尚无记录");
            ExitCode::SUCCESS
        }
        None => {
            println!(
                "操作日志完整：共核对 {} 条，最后一条 #{}，摘要 {}",
                state.checked, state.head_id, state.head_hash
            );
            println!(
                "链头：{}:{}（请另行记下，例如抄在纸上或存在另一台机器上；以后核对时加 --expect {}:{}，可发现整条链被重算）",
                state.head_id, state.head_hash, state.head_id, state.head_hash
            );
            if let Some(e) = &expect {
                println!("记下的第 #{} 条摘要相符。", e.id);
            }
            ExitCode::SUCCESS
        }
        Some(b) => {
            println!("操作日志已被篡改：{}", break_text(b));
            println!(
                "此前 {} 条完好；链头记载最后一条为第 #{} 条，摘要 {}",
                state.checked, state.head_id, state.head_hash
            );
            ExitCode::from(1)
        }
    }
}
