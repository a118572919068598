//! `touyan payroll --month YYYY-MM [--town T] [--policy FILE]`: the month's
//! professionalization subsidies from the filed list and its tiers, built
//! by the same code as the one-card payment file
//! (`touyan_reports::payments`) and stored as pay records. Running
//! it again changes nothing; a payment no longer due (an exit, a changed
//! list) is removed in the same transaction.

use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;

use touyan_records::CitizenId;
use touyan_records::model::{Exit, ListEntry, PayKind, PayRecord, Person, Records, Town, Village};
use touyan_reports as reports;
use touyan_storage::{Store, StoreError, Written, scaled};

use crate::divisions::{actor, runtime};

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
    let params = match policy.resolve(month) {
        Ok(p) => p,
        Err(e) => {
            return fail(2, format!("{e}（换一个月份，或用 --policy 指定政策文件）"));
        }
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let result = rt.block_on(async {
        let store = Store::open(db).await?;
        let records = Records {
            towns: store.list_bulk::<Town>().await?,
            villages: store.list_bulk::<Village>().await?,
            people: store.list_bulk::<Person>().await?,
            list_entries: store.list_bulk::<ListEntry>().await?,
            exits: store.list_bulk::<Exit>().await?,
            ..Records::default()
        };
        let town = match o.town {
            None => None,
            Some(t) => Some(reports::find_town(&records, t).map_err(Failure::Refused)?),
        };
        let x = reports::payments(&records, &params, month, town)
            .map_err(|r| Failure::Refused(format!("{r}（未写入任何数据）")))?;
        let rows = x
            .rows
            .iter()
            .map(|r| {
                Ok(PayRecord {
                    person: r.who.person.clone(),
                    month,
                    kind: PayKind::ProfessionalSubsidy,
                    source: r.source,
                    amount_fen: scaled(r.amount, 2, "专业化补贴金额")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // With --town, only that town's people: those on its list of the
        // year (any status) or paid before as its people.
        let scope: Option<HashSet<&CitizenId>> = town.map(|t| {
            records
                .list_entries
                .iter()
                .filter(|e| e.year == month.year() && e.town == t)
                .map(|e| &e.person)
                .collect()
        });
        let in_scope = |p: &CitizenId| scope.as_ref().is_none_or(|s| s.contains(p));
        let written = store
            .replace_pay_month(
                &actor(),
                month,
                PayKind::ProfessionalSubsidy,
                &rows,
                &in_scope,
            )
            .await?;
        Ok::<_, Failure>((x, written))
    });
    match result {
        Ok((x, w)) => {
            summary(&x, &w);
            ExitCode::SUCCESS
        }
        Err(Failure::Refused(m)) => fail(2, m),
        Err(Failure::Store(e)) => fail(1, e),
    }
}

fn summary(x: &reports::Payments, w: &Written) {
    println!(
        "{}-{:02} 专业化补贴：{}，{} 人，合计 {:.2} 元（已保存为发放记录：新增 {}，更新 {}，未变 {}，删除 {}）",
        x.month.year(),
        u8::from(x.month.month()),
        x.scope,
        x.people,
        x.total,
        w.inserted,
        w.updated,
        w.unchanged,
        w.deleted
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
    if x.example_amounts {
        println!(
            "注意：补贴金额取自政策文件中的示例值（{}）；正式发放前请用 --policy 指定本市政策文件。",
            reports::EXAMPLE_WARNING
        );
    }
}
