//! `touyan pay-parts record`: one part of a secretary's pay in a month
//! (基本报酬, 业绩考核奖励报酬 or 养老保险补助, Article 13: set by
//! higher-level rules and paid through their own channels), recorded in
//! the town's place as its operator (see `acting`). The checks and the
//! write are the office's (`touyan_office::pay_parts::record`), as on the
//! person's page and the import's 报酬构成 sheet.

use std::process::ExitCode;

use clap::Subcommand;
use touyan_office::By;
use touyan_office::pay_parts::{self, Asked};
use touyan_records::Mask;
use touyan_records::model::{Labelled, PayPart};
use touyan_storage::Store;
use touyan_workflow::Role;

use crate::acting::{actor_for_town, fail, person, refused, runtime, town_named};

#[derive(Subcommand)]
pub enum PayPartsCommand {
    /// 以镇街经办身份登记一人某月报酬中的一项（基本报酬、业绩考核奖励报酬或养老保险补助）及其资金渠道；再次登记即更新该项
    Record {
        /// 镇街（9 位代码或名称）：以该镇街经办的身份登记
        #[arg(long, value_name = "镇街")]
        town: String,
        /// 书记的身份证号码
        #[arg(long, value_name = "身份证号码")]
        person: String,
        /// 月份（YYYY-MM）
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// 哪一项：基本报酬、业绩考核奖励报酬、养老保险补助（也可写代码 basic、performance、pension）
        #[arg(long, value_name = "项目")]
        part: String,
        /// 金额（元，至多两位小数）
        #[arg(long, value_name = "元", allow_hyphen_values = true)]
        amount: String,
        /// 资金渠道（如 镇街财政，至多 30 字）
        #[arg(long, value_name = "渠道")]
        channel: String,
    },
}

/// Runs one `touyan pay-parts` command on the database `db`.
pub fn run(db: &str, command: PayPartsCommand) -> ExitCode {
    let PayPartsCommand::Record {
        town,
        person: who,
        month,
        part,
        amount,
        channel,
    } = command;
    let Some(part) = PayPart::ALL
        .iter()
        .copied()
        .find(|p| p.label() == part.trim() || p.code() == part.trim())
    else {
        let parts: Vec<&str> = PayPart::ALL.iter().map(|p| p.label()).collect();
        return fail(
            2,
            format!("--part {part} 不是报酬的一项；可选：{}", parts.join("、")),
        );
    };
    let id = match person(&who) {
        Ok(id) => id,
        Err((code, m)) => return fail(code, m),
    };
    let asked = Asked {
        month,
        parts: vec![(part, amount, channel)],
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let result = rt.block_on(async {
        let store = Store::open(db).await.map_err(|e| (1, e.to_string()))?;
        let t = town_named(&store, &town).await?;
        let name = actor_for_town(Role::TownOperator, t);
        let by = By::command_line_for_town(&name, Role::TownOperator, t.as_str());
        pay_parts::record(&store, &by, &id, &asked, crate::policy::today())
            .await
            .map_err(refused)
    });
    match result {
        Ok(_) => {
            let (amount, channel) = asked.of(part);
            println!(
                "已登记 {} {} 的{}：{} 元（{}）",
                id.masked(Mask::default()),
                asked.month.trim(),
                part.label(),
                amount.trim(),
                channel.trim()
            );
            ExitCode::SUCCESS
        }
        Err((code, m)) => fail(code, m),
    }
}
