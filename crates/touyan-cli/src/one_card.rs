//! `touyan one-card record|file`: a town's listed secretary's one-card
//! (一卡通) account, recorded in the town's place as its operator (see
//! `acting`; the number is read from standard input, never from the
//! command line), and a town's approved month's one-card file, taken as
//! the city's administrator. The office decides, seals and logs
//! (`touyan_office::one_card`), as on the person's and the pay pages.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use touyan_excel::reports as layout;
use touyan_office::By;
use touyan_office::one_card;
use touyan_records::Mask;
use touyan_storage::Store;
use touyan_workflow::Role;

use crate::acting::{actor, actor_for_town, fail, person, refused, runtime, town_named};

#[derive(Subcommand)]
pub enum OneCardCommand {
    /// 以镇街经办身份为本镇街名单上的书记登记一卡通账号（账号从标准输入读取一行，不写在命令行上；10 至 25 位数字，可含空格和连字符）
    Record {
        /// 镇街（9 位代码或名称）：以该镇街经办的身份登记
        #[arg(long, value_name = "镇街")]
        town: String,
        /// 书记的身份证号码
        #[arg(long, value_name = "身份证号码")]
        person: String,
    },
    /// 导出某镇街某月发放经市级批准后的一卡通发放文件（完整身份证号码和账号，记入操作日志）
    File(FileArgs),
}

/// The options of `touyan one-card file`.
#[derive(clap::Args)]
pub struct FileArgs {
    /// 要写出的文件（.xlsx）
    file: PathBuf,
    /// 月份（YYYY-MM）
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// 镇街（9 位代码或名称）
    #[arg(long, value_name = "镇街")]
    town: String,
    /// 使用本市的政策文件（默认：内置示例政策）
    #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
    policy: Option<PathBuf>,
}

/// Runs one `touyan one-card` command with the key file `key_file`.
pub fn run(db: &str, key_file: &Path, command: OneCardCommand) -> ExitCode {
    match command {
        OneCardCommand::Record { town, person } => record(db, key_file, &town, &person),
        OneCardCommand::File(a) => one_card_file(
            db,
            key_file,
            &FileAsked {
                out: &a.file,
                month: &a.month,
                town: &a.town,
                policy: a.policy.as_deref(),
            },
        ),
    }
}

/// The account typed on a terminal (not shown on screen), or the first
/// line of standard input.
fn read_account() -> std::io::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password("请输入一卡通账号（不显示）：")
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line)
    }
}

/// `touyan one-card record --town --person`: the account read from
/// standard input, recorded in the town's place (the refusal never
/// repeats the number).
pub fn record(db: &str, key_file: &Path, town: &str, who: &str) -> ExitCode {
    let id = match person(who) {
        Ok(id) => id,
        Err((code, m)) => return fail(code, m),
    };
    let account = match read_account() {
        Ok(a) => a,
        Err(e) => return fail(1, format!("无法读取账号：{e}")),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let result = rt.block_on(async {
        let store = Store::open(db).await.map_err(|e| (1, e.to_string()))?;
        let t = town_named(&store, town).await?;
        let name = actor_for_town(Role::TownOperator, t);
        let by = By::command_line_for_town(&name, Role::TownOperator, t.as_str());
        let today = crate::policy::today();
        one_card::record(&store, Some(key_file), &by, &id, &account, today)
            .await
            .map_err(refused)?;
        let shown = one_card::on_record(&store, &[&id])
            .await
            .map_err(refused)?
            .get(&id)
            .map(one_card::masked)
            .unwrap_or_default();
        Ok::<_, (u8, String)>(shown)
    });
    match result {
        Ok(shown) => {
            println!(
                "已登记 {} 的一卡通账号 {shown}（已加密保存，密钥文件 {}）",
                id.masked(Mask::default()),
                key_file.display()
            );
            ExitCode::SUCCESS
        }
        Err((code, m)) => fail(code, m),
    }
}

/// What `touyan one-card file` was asked for.
pub struct FileAsked<'a> {
    pub out: &'a Path,
    pub month: &'a str,
    pub town: &'a str,
    pub policy: Option<&'a Path>,
}

/// `touyan one-card file FILE --month --town`: the town's one-card file of an
/// approved month, written to FILE (the taking logged first).
pub fn one_card_file(db: &str, key_file: &Path, a: &FileAsked<'_>) -> ExitCode {
    let Some(month) = touyan_reports::parse_month(a.month) else {
        return fail(
            2,
            format!("--month {} 无效（应为 YYYY-MM，如 2026-11）", a.month),
        );
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
        let town = town_named(&store, a.town).await?;
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
