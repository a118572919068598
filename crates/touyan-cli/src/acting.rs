//! Who the command line acts as, and the pieces every command that
//! writes shares. By default whoever holds the database acts for the
//! city, as its administrator (`By::command_line`). What only a town does
//! (asking for an exception and its first review, a young cadre's exit, a
//! one-card account, the parts of a pay) is done with `--town`, in the
//! town's place as its operator or reviewer (`By::command_line_for_town`):
//! the same office functions and rules as the town's pages, and the
//! change log names the command line and the town.

use std::process::ExitCode;

use touyan_office::OfficeError;
use touyan_records::model::Records;
use touyan_records::{CitizenId, TownCode};
use touyan_storage::Store;
use touyan_workflow::Role;

/// Who the change log says made a change from the command line.
pub fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "未知用户".into());
    format!("命令行:{user}")
}

/// The change log's name for the command line acting as `town`'s `role`.
pub fn actor_for_town(role: Role, town: TownCode) -> String {
    format!("{}（代 {} {}）", actor(), town.as_str(), role.label())
}

/// A runtime for the async store, for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动运行时：{e}"))
}

/// "错误：…" on standard error, and the exit status `code` (1: the
/// database or a file failed; 2: the request was refused).
pub fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(code)
}

/// An office refusal as an exit status and message: a store's failure
/// is 1, anything the office refused is 2.
pub fn refused(e: OfficeError) -> (u8, String) {
    match e {
        OfficeError::Store(e) => (1, e.to_string()),
        OfficeError::NotFound => (2, "未找到（不在该镇街或不存在）".into()),
        other => (2, other.to_string()),
    }
}

/// The town named by its 9-digit code or its exact name.
pub async fn town_named(store: &Store, text: &str) -> Result<TownCode, (u8, String)> {
    let towns = Records {
        towns: store.list().await.map_err(|e| (1, e.to_string()))?,
        ..Default::default()
    };
    touyan_reports::find_town(&towns, text).map_err(|m| (2, m))
}

/// A person by the full ID number given with `--person`.
pub fn person(text: &str) -> Result<CitizenId, (u8, String)> {
    CitizenId::parse(text.trim()).map_err(|e| (2, format!("--person 不是有效的身份证号码：{e}")))
}
