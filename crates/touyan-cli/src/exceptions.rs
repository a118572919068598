//! `touyan exception list|propose|review`: the exceptions of a year's
//! lists to the clauses the measures hedge (原则上, 一般; issue 17, item
//! 1). Asking (`propose --town`) and the town's review (`review
//! --town-review`) are done in the town's place; the city's decision
//! (`review`) for the city (see `acting`). Every decision is the office's
//! (`touyan_office::exceptions`), as on the list page.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use touyan_office::By;
use touyan_office::exceptions::{self, Asked, Review};
use touyan_office::lists::{self, TownList};
use touyan_records::TownCode;
use touyan_records::model::{ExceptionState, Labelled};
use touyan_storage::Store;
use touyan_workflow::Role;

use crate::acting::{actor, actor_for_town, fail, person, refused, runtime, town_named};

#[derive(Subcommand)]
pub enum ExceptionCommand {
    /// 列出某年度各镇街名单的例外申请及其状态
    List {
        /// 名单年度
        #[arg(long, value_name = "YYYY")]
        year: i32,
        /// 只看该镇街（9 位代码或名称）
        #[arg(long, value_name = "镇街")]
        town: Option<String>,
        /// 使用本市的政策文件（默认：内置示例政策）
        #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
        policy: Option<PathBuf>,
    },
    /// 以镇街经办身份为该镇街名单申请一项例外（须写明理由；之后由镇街审核、市级审批）
    Propose {
        /// 名单年度
        #[arg(long, value_name = "YYYY")]
        year: i32,
        /// 镇街（9 位代码或名称）：以该镇街经办的身份申请
        #[arg(long, value_name = "镇街")]
        town: String,
        /// 例外的条款（如 art01.tenure；不给或给错时列出可申请的条款）
        #[arg(long, value_name = "条款")]
        rule: String,
        /// 书记的例外（任职年限、星级、一档星级）：该书记的身份证号码
        #[arg(long, value_name = "身份证号码")]
        person: Option<String>,
        /// 名单人数的例外：申请的名单人数
        #[arg(long, value_name = "N")]
        list_size: Option<u32>,
        /// 档次名额的例外：申请的一档名额
        #[arg(long, value_name = "N")]
        tier1: Option<u32>,
        /// 档次名额的例外：申请的二档名额
        #[arg(long, value_name = "N")]
        tier2: Option<u32>,
        /// 理由（必填）
        #[arg(long, value_name = "理由")]
        reason: String,
        /// 使用本市的政策文件（默认：内置示例政策）
        #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
        policy: Option<PathBuf>,
    },
    /// 审批一项例外：市级审批经镇街审核同意的例外；加 --town-review 则以镇街审核身份审核刚申请的例外（--approve 同意，--refuse 不同意）
    Review {
        /// 名单年度
        #[arg(long, value_name = "YYYY")]
        year: i32,
        /// 镇街（9 位代码或名称）
        #[arg(long, value_name = "镇街")]
        town: String,
        /// 例外序号
        #[arg(long, value_name = "N")]
        seq: u32,
        /// 批准（同意）
        #[arg(long, conflicts_with = "refuse", required_unless_present = "refuse")]
        approve: bool,
        /// 不批准（不同意）
        #[arg(long)]
        refuse: bool,
        /// 以该镇街审核的身份审核，而不是市级审批
        #[arg(long)]
        town_review: bool,
        /// 审批意见（必填）
        #[arg(long, value_name = "意见")]
        comment: String,
        /// 使用本市的政策文件（默认：内置示例政策）
        #[arg(long, value_name = "FILE", env = "TOUYAN_POLICY")]
        policy: Option<PathBuf>,
    },
}

/// Runs one `touyan exception` command on the database `db`.
pub fn run(db: &str, command: ExceptionCommand) -> ExitCode {
    match command {
        ExceptionCommand::List { year, town, policy } => {
            list(db, year, town.as_deref(), policy.as_deref())
        }
        ExceptionCommand::Propose {
            year,
            town,
            rule,
            person,
            list_size,
            tier1,
            tier2,
            reason,
            policy,
        } => {
            let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
            let asked = Asking {
                person: person.as_deref(),
                asked: Asked {
                    rule,
                    village: String::new(),
                    list_size: number(list_size),
                    tier1: number(tier1),
                    tier2: number(tier2),
                    reason,
                },
            };
            propose(db, year, &town, asked, policy.as_deref())
        }
        ExceptionCommand::Review {
            year,
            town,
            seq,
            approve,
            town_review,
            comment,
            policy,
            ..
        } => {
            let decision = Decision {
                seq,
                approve,
                town_review,
                comment: &comment,
            };
            review(db, year, &town, &decision, policy.as_deref())
        }
    }
}

/// The list of `town` (a code or name) of `year`, as the list page reads it.
async fn town_list(
    store: &Store,
    policy: &touyan_rules::Policy,
    year: i32,
    town: &str,
) -> Result<(TownCode, TownList), (u8, String)> {
    let t = town_named(store, town).await?;
    let l = lists::town_list(store, policy, year, t, crate::policy::today())
        .await
        .map_err(|e| (1, e.to_string()))?
        .ok_or((2, format!("{town} {year} 年度没有测算名单")))?;
    Ok((t, l))
}

/// Prints every exception of `year` (of one town when given), town by
/// town, with its state, reason and last comment.
pub fn list(db: &str, year: i32, town: Option<&str>, policy: Option<&Path>) -> ExitCode {
    let policy = match crate::policy::load(policy) {
        Ok(p) => p,
        Err(m) => return fail(2, m),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let result: Result<Vec<String>, (u8, String)> = rt.block_on(async {
        let store = Store::open(db).await.map_err(|e| (1, e.to_string()))?;
        let wanted = match town {
            Some(t) => Some(town_named(&store, t).await?),
            None => None,
        };
        let all = store
            .list_exceptions(year, wanted)
            .await
            .map_err(|e| (1, e.to_string()))?;
        let mut towns: Vec<TownCode> = all.iter().map(|e| e.town).collect();
        towns.dedup();
        let mut out = Vec::new();
        for t in towns {
            let Some(l) = lists::town_list(&store, &policy, year, t, crate::policy::today())
                .await
                .map_err(|e| (1, e.to_string()))?
            else {
                continue;
            };
            for e in &l.exceptions {
                out.push(format!(
                    "{}\t{}\t{}\t{}\t{}\t理由：{}\t意见：{}",
                    t.as_str(),
                    e.seq,
                    exceptions::rule_zh(&e.rule),
                    exceptions::departure_zh(&l, &e.departure),
                    e.state.label(),
                    e.reason,
                    e.comment
                ));
            }
        }
        Ok(out)
    });
    match result {
        Ok(lines) if lines.is_empty() => {
            println!("{year} 年度没有例外申请");
            ExitCode::SUCCESS
        }
        Ok(lines) => {
            println!("镇街\t序号\t条款\t对象\t状态\t理由\t意见");
            for l in lines {
                println!("{l}");
            }
            ExitCode::SUCCESS
        }
        Err((code, m)) => fail(code, m),
    }
}

/// What `touyan exception propose` asks: the form's fields, with the
/// secretary named by ID number rather than by the list's row.
pub struct Asking<'a> {
    pub person: Option<&'a str>,
    pub asked: Asked,
}

/// The town's operator asks for an exception on `town`'s list of `year`
/// (`touyan_office::exceptions::propose`). A rule the list's policy does
/// not open is refused with the rules it opens.
pub fn propose(
    db: &str,
    year: i32,
    town: &str,
    mut asking: Asking<'_>,
    policy: Option<&Path>,
) -> ExitCode {
    let policy = match crate::policy::load(policy) {
        Ok(p) => p,
        Err(m) => return fail(2, m),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let result: Result<(u32, String), (u8, String)> = rt.block_on(async {
        let store = Store::open(db).await.map_err(|e| (1, e.to_string()))?;
        let (t, l) = town_list(&store, &policy, year, town).await?;
        let open = exceptions::open_rules(&l);
        let rule = asking.asked.rule.trim().to_owned();
        if !open.iter().any(|o| o.id == rule) {
            let ids: Vec<String> = open
                .iter()
                .map(|o| format!("{}（{}）", o.id, o.title))
                .collect();
            return Err((
                2,
                format!(
                    "--rule {rule} 不是本市政策允许申请例外的条款；可申请：{}",
                    if ids.is_empty() {
                        "无".to_owned()
                    } else {
                        ids.join("；")
                    }
                ),
            ));
        }
        if let Some(text) = asking.person {
            let id = person(text)?;
            asking.asked.village = l
                .rows
                .iter()
                .find(|r| r.person == id)
                .map(|r| r.village.as_str().to_owned())
                .ok_or((2, format!("{town} {year} 年度名单上没有该书记")))?;
        }
        let name = actor_for_town(Role::TownOperator, t);
        let by = By::command_line_for_town(&name, Role::TownOperator, t.as_str());
        let seq = exceptions::propose(&store, by, &l, &asking.asked)
            .await
            .map_err(refused)?;
        Ok((seq, exceptions::rule_zh(&rule)))
    });
    match result {
        Ok((seq, rule)) => {
            println!("已申请第 {seq} 号例外（{rule}），等待镇街审核");
            ExitCode::SUCCESS
        }
        Err((code, m)) => fail(code, m),
    }
}

/// One decision on an exception: the city's, or the town reviewer's.
pub struct Decision<'a> {
    pub seq: u32,
    pub approve: bool,
    pub town_review: bool,
    pub comment: &'a str,
}

/// Approves or refuses exception `d.seq` of `town`'s list of `year`:
/// as the city, or with `town_review` as the town's reviewer.
pub fn review(
    db: &str,
    year: i32,
    town: &str,
    d: &Decision<'_>,
    policy: Option<&Path>,
) -> ExitCode {
    let policy = match crate::policy::load(policy) {
        Ok(p) => p,
        Err(m) => return fail(2, m),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let seq = d.seq;
    let result: Result<ExceptionState, (u8, String)> = rt.block_on(async {
        let store = Store::open(db).await.map_err(|e| (1, e.to_string()))?;
        let (t, l) = town_list(&store, &policy, year, town).await?;
        let seen = l
            .exceptions
            .iter()
            .find(|e| e.seq == seq)
            .map(|e| e.state.code())
            .ok_or((2, format!("{town} {year} 年度没有第 {seq} 号例外")))?;
        let action = match (d.town_review, d.approve) {
            (true, true) => "town_approve",
            (true, false) => "town_refuse",
            (false, true) => "approve",
            (false, false) => "refuse",
        };
        let r = Review {
            seq,
            action: action.into(),
            seen: seen.into(),
            comment: d.comment.into(),
        };
        let name = if d.town_review {
            actor_for_town(Role::TownReviewer, t)
        } else {
            actor()
        };
        let by = if d.town_review {
            By::command_line_for_town(&name, Role::TownReviewer, t.as_str())
        } else {
            By::command_line(&name)
        };
        exceptions::review(&store, by, &l, &r)
            .await
            .map_err(refused)
    });
    match result {
        Ok(state) => {
            println!("第 {seq} 号例外：{}", state.label());
            ExitCode::SUCCESS
        }
        Err((code, m)) => fail(code, m),
    }
}
