//! `touyan young exit`: a young cadre leaves the 优才计划 (Article 10),
//! recorded in the town's place as its operator (see `acting`). The
//! checks and the write are the office's
//! (`touyan_office::young_exit::record_exit`), as on the young-cadre page.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use touyan_office::By;
use touyan_office::{young, young_exit};
use touyan_records::Mask;
use touyan_records::model::{ExitReason, Labelled};
use touyan_records::text::parse_day;
use touyan_storage::Store;
use touyan_workflow::Role;

use crate::acting::{actor_for_town, fail, person, refused, runtime, town_named};

#[derive(Subcommand)]
pub enum YoungCommand {
    /// 以镇街经办身份登记一名年轻干部退出优才计划（第十条）
    Exit {
        /// 镇街（9 位代码或名称）：以该镇街经办的身份登记
        #[arg(long, value_name = "镇街")]
        town: String,
        /// 年轻干部的身份证号码
        #[arg(long, value_name = "身份证号码")]
        person: String,
        /// 退出日期（如 2026-11-30、2026/11/30、2026年11月30日；不早于进入优才计划之日，不晚于今天）
        #[arg(long, value_name = "日期")]
        on: String,
        /// 退出原因：达到年龄上限、延长期满、不再担任村“两委”干部、经考察不胜任、本人辞职、其他（也可写代码，如 age）
        #[arg(long, value_name = "原因")]
        ground: String,
        /// 情况说明（“其他”必填，至多 300 字）
        #[arg(long, value_name = "说明")]
        note: Option<String>,
        /// 使用本市的政策文件（默认：内置示例政策）
        #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
        policy: Option<PathBuf>,
    },
}

/// Runs one `touyan young` command on the database `db`.
pub fn run(db: &str, command: YoungCommand) -> ExitCode {
    match command {
        YoungCommand::Exit {
            town,
            person,
            on,
            ground,
            note,
            policy,
        } => exit(
            db,
            &ExitAsked {
                town: &town,
                person: &person,
                on: &on,
                ground: &ground,
                note: note.as_deref().unwrap_or_default(),
            },
            policy.as_deref(),
        ),
    }
}

/// What `touyan young exit` was given.
pub struct ExitAsked<'a> {
    pub town: &'a str,
    pub person: &'a str,
    pub on: &'a str,
    pub ground: &'a str,
    pub note: &'a str,
}

/// Records the exit `a` asks for, in the town's place.
pub fn exit(db: &str, a: &ExitAsked<'_>, policy: Option<&Path>) -> ExitCode {
    let Some(on) = parse_day(a.on) else {
        return fail(2, format!("--on {}：{}", a.on, young_exit::DAY_WANTED));
    };
    let Some(reason) = ExitReason::YOUNG
        .iter()
        .copied()
        .find(|r| r.label() == a.ground.trim() || r.code() == a.ground.trim())
    else {
        let grounds: Vec<&str> = ExitReason::YOUNG.iter().map(|r| r.label()).collect();
        return fail(
            2,
            format!(
                "--ground {} 不是年轻干部的退出原因；可选：{}",
                a.ground,
                grounds.join("、")
            ),
        );
    };
    let policy = match crate::policy::load(policy) {
        Ok(p) => p,
        Err(m) => return fail(2, m),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let result = rt.block_on(async {
        let id = person(a.person)?;
        let store = Store::open(db).await.map_err(|e| (1, e.to_string()))?;
        let t = town_named(&store, a.town).await?;
        let yt = young::town(&store, on.year(), t).await.map_err(refused)?;
        let ask = young_exit::ExitAsk {
            person: yt.find(|x| *x == id),
            reason: reason.code(),
            on: Some(on),
            note: a.note,
        };
        let name = actor_for_town(Role::TownOperator, t);
        let by = By::command_line_for_town(&name, Role::TownOperator, t.as_str());
        young_exit::record_exit(&store, by, &yt, &policy, crate::policy::today(), &ask)
            .await
            .map_err(refused)
    });
    match result {
        Ok(x) => {
            println!(
                "已登记退出优才计划：{}，{}（{}）；当月之后不再计发年轻干部报酬",
                x.person.masked(Mask::default()),
                x.on,
                x.reason.label()
            );
            ExitCode::SUCCESS
        }
        Err((code, m)) => fail(code, m),
    }
}
