//! `touyan payroll --month YYYY-MM [--town T] [--policy FILE]`: the
//! month's pay computed for every town (or one) — the professionalization
//! subsidies of the filed list and the young cadres' pay — by the same
//! compute move as the pay page's 计算发放 (`touyan_office::pay`), stored
//! as each town's run and its pay records. Running it again changes
//! nothing; a payment no longer due (an exit, a changed list) is removed
//! in the same transaction; a town whose run is already reviewed, approved
//! or paid is left as it is.

use std::path::Path;
use std::process::ExitCode;

use touyan_office::{OfficeError, pay};
use touyan_records::model::Records;
use touyan_reports as reports;
use touyan_storage::{Store, StoreError};

use crate::acting::{actor, runtime};

/// The options of `touyan payroll`.
pub struct Options<'a> {
    pub month: &'a str,
    pub town: Option<&'a str>,
    pub policy: Option<&'a Path>,
}

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(code)
}

enum Failure {
    Refused(String),
    Store(StoreError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

impl From<OfficeError> for Failure {
    fn from(e: OfficeError) -> Self {
        match e {
            OfficeError::Store(e) => Failure::Store(e),
            e => Failure::Refused(e.to_string()),
        }
    }
}

pub fn run(db: &str, o: &Options<'_>) -> ExitCode {
    let Some(month) = reports::parse_month(o.month) else {
        return fail(
            2,
            format!(
                "--month {} 不是有效月份（应为 YYYY-MM，如 2025-01）",
                o.month
            ),
        );
    };
    let policy = match crate::policy::load(o.policy) {
        Ok(p) => p,
        Err(m) => return fail(2, m),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let result = rt.block_on(async {
        let store = Store::open(db).await?;
        let town = match o.town {
            None => None,
            Some(t) => {
                let towns = Records {
                    towns: store.list_bulk().await?,
                    ..Records::default()
                };
                Some(reports::find_town(&towns, t).map_err(Failure::Refused)?)
            }
        };
        Ok::<_, Failure>(pay::compute_month(&store, &actor(), &policy, month, town).await?)
    });
    match result {
        Ok(done) => {
            summary(&done);
            ExitCode::SUCCESS
        }
        Err(Failure::Refused(m)) => fail(2, m),
        Err(Failure::Store(e)) => fail(1, e),
    }
}

fn summary(done: &pay::MonthComputed) {
    let month = done.pay.month;
    let w = &done.written.written;
    let head = format!("{}-{:02}", month.year(), u8::from(month.month()));
    match &done.pay.subsidies {
        Ok(x) => {
            println!(
                "{head} 专业化补贴：{}，{} 人，合计 {:.2} 元",
                x.scope, x.people, x.total
            );
            println!("按资金来源：");
            for s in &x.by_source {
                println!("  {}：{} 人，{:.2} 元", s.name, s.people, s.amount);
            }
            println!("按镇街：");
            for t in &x.by_town {
                println!(
                    "  {}（{}）：{} 人，{:.2} 元",
                    t.name,
                    t.key.as_str(),
                    t.people,
                    t.amount
                );
            }
            if !x.not_paid.is_empty() {
                println!("已退出、不予发放 {} 人", x.not_paid.len());
            }
        }
        Err(e) => println!("{head} 专业化补贴：{e}"),
    }
    if let Some(y) = done.pay.young_paid() {
        println!(
            "{head} 年轻干部报酬：{}，{} 人，合计 {:.2} 元",
            y.scope,
            y.rows.len(),
            y.total()
        );
    }
    println!(
        "已计算 {} 个镇街的发放，保存为发放记录：新增 {}，更新 {}，未变 {}，删除 {}",
        done.written.runs.len(),
        w.inserted,
        w.updated,
        w.unchanged,
        w.deleted
    );
    if !done.written.left.is_empty() {
        println!("以下镇街本月发放已进入审核或发放，未重新计算：");
        for (t, s) in &done.written.left {
            println!(
                "  {}：{}",
                t.as_str(),
                touyan_records::model::Labelled::label(*s)
            );
        }
    }
    if !done.refused.is_empty() {
        println!("以下镇街未能计算（未写入）：");
        for (t, name, why) in &done.refused {
            println!("  {name}（{}）：{why}", t.as_str());
        }
    }
    if done.pay.example_amounts() {
        println!(
            "注意：补贴金额取自政策文件中的示例值（{}）；正式发放前请用 --policy 指定本市政策文件。",
            reports::EXAMPLE_WARNING
        );
    }
}
