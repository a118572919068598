//! `touyan exception list|review`: the exceptions of a year's lists to the
//! clauses the measures hedge (原则上, 一般; issue 17, item 1), and the
//! city's decision on one the town's reviewer approved. The command line
//! acts for the city (`By::command_line`); the decision is the office's
//! (`touyan_office::exceptions::review`), as on the list page.

use std::path::Path;
use std::process::ExitCode;

use touyan_office::exceptions::{self, Review};
use touyan_office::lists;
use touyan_office::{By, OfficeError};
use touyan_records::TownCode;
use touyan_records::model::{ExceptionState, Labelled};
use touyan_storage::Store;

use crate::divisions::{actor, runtime};

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(code)
}

async fn town_of(store: &Store, text: &str) -> Result<TownCode, String> {
    let towns = touyan_records::model::Records {
        towns: store.list().await.map_err(|e| e.to_string())?,
        ..Default::default()
    };
    touyan_reports::find_town(&towns, text)
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
            Some(t) => Some(town_of(&store, t).await.map_err(|m| (2, m))?),
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
            let Some(l) = lists::town_list(&store, &policy, year, t)
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

/// The city approves (`approve`) or refuses exception `seq` of `town`'s
/// list of `year`, with `comment`.
pub fn review(
    db: &str,
    year: i32,
    town: &str,
    seq: u32,
    approve: bool,
    comment: &str,
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
    let name = actor();
    let result: Result<ExceptionState, (u8, String)> = rt.block_on(async {
        let store = Store::open(db).await.map_err(|e| (1, e.to_string()))?;
        let t = town_of(&store, town).await.map_err(|m| (2, m))?;
        let l = lists::town_list(&store, &policy, year, t)
            .await
            .map_err(|e| (1, e.to_string()))?
            .ok_or((2, format!("{town} {year} 年度没有测算名单")))?;
        let seen = l
            .exceptions
            .iter()
            .find(|e| e.seq == seq)
            .map(|e| e.state.code())
            .ok_or((2, format!("{town} {year} 年度没有第 {seq} 号例外")))?;
        let r = Review {
            seq,
            action: if approve { "approve" } else { "refuse" }.into(),
            seen: seen.into(),
            comment: comment.into(),
        };
        exceptions::review(&store, By::command_line(&name), &l, &r)
            .await
            .map_err(|e| match e {
                OfficeError::Store(e) => (1, e.to_string()),
                other => (2, other.to_string()),
            })
    });
    match result {
        Ok(state) => {
            println!("第 {seq} 号例外：{}", state.label());
            ExitCode::SUCCESS
        }
        Err((code, m)) => fail(code, m),
    }
}
