//! `touyan policy show` and `touyan policy check`.

use std::path::Path;
use std::process::ExitCode;

use touyan_rules::Policy;
use touyan_rules::calendar::parse_iso_date;
use touyan_rules::decision::article_zh;

/// Loads the city's policy file, or the shipped example.
pub fn load(path: Option<&Path>) -> Result<Policy, String> {
    let Some(path) = path else {
        return Ok(Policy::example());
    };
    let src = std::fs::read_to_string(path)
        .map_err(|e| format!("无法读取政策文件 {}：{e}", path.display()))?;
    Policy::parse(&src).map_err(|problems| {
        let mut msg = format!("政策文件 {} 有 {} 处问题：", path.display(), problems.len());
        for p in problems {
            msg.push_str(&format!("\n  {p}"));
        }
        msg.push_str("\n（可用 touyan policy check 逐行检查）");
        msg
    })
}

/// Today in China (UTC+8); the CLI is the one place that reads the clock.
pub fn today() -> time::Date {
    let offset = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::now_utc().to_offset(offset).date()
}

pub fn show(date: Option<&str>, path: Option<&Path>) -> ExitCode {
    let on = match date {
        None => today(),
        Some(d) => match parse_iso_date(d) {
            Some(d) => d,
            None => {
                eprintln!("错误：--date {d} 不是有效日期（应为 YYYY-MM-DD）");
                return ExitCode::from(2);
            }
        },
    };
    let policy = match load(path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("错误：{e}");
            return ExitCode::from(2);
        }
    };
    println!("政策 {}：{}", policy.id, policy.title);
    println!("判定日 {on} 生效的参数：");
    let mut missing = 0;
    let mut article = 0;
    for e in &policy.entries {
        if e.article != article {
            article = e.article;
            println!(
                "\n【第{}条{}】",
                article_zh(article),
                if e.inferred {
                    "（原文缺失，推定）"
                } else {
                    ""
                }
            );
        }
        match e.in_force(on) {
            Some(d) => {
                let value = d.value.as_ref().map(|v| v.to_string()).unwrap_or_default();
                let mut flags = String::new();
                if d.example {
                    flags.push_str(" ⚠示例值，非正式标准");
                }
                if e.inferred {
                    flags.push_str(" （推定）");
                }
                println!(
                    "  {:<44} {} {}（{} 起，第{}条{}）{}",
                    e.spec.name,
                    value,
                    e.unit,
                    d.since,
                    article_zh(e.article),
                    e.clause,
                    flags
                );
                println!("  {:<44} {}", "", e.note);
            }
            None => {
                missing += 1;
                println!(
                    "  {:<44} ✗ 该日没有生效值（第{}条{}）",
                    e.spec.name,
                    article_zh(e.article),
                    e.clause
                );
            }
        }
    }
    if !policy.conditions.is_empty() {
        println!("\n【增设的纳入条件】");
        for c in &policy.conditions {
            let state = if c.since <= on {
                "已生效"
            } else {
                "未生效"
            };
            println!(
                "  {:<44} {}（{} 起，第{}条，{state}）",
                c.id,
                c.label,
                c.since,
                article_zh(c.article)
            );
        }
    }
    let examples = policy.examples_in_force(on);
    if !examples.is_empty() {
        println!(
            "\n⚠ 共 {} 个参数为示例值（原文隐去的金额），不是正式标准：{}",
            examples.len(),
            examples.join("、")
        );
    }
    if missing > 0 {
        eprintln!("错误：{missing} 个参数在 {on} 没有生效值，按该日判定会报错");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

pub fn check(path: &Path) -> ExitCode {
    let src = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误：无法读取 {}：{e}", path.display());
            return ExitCode::from(2);
        }
    };
    match Policy::parse(&src) {
        Ok(p) => {
            let dated: usize = p.entries.iter().map(|e| e.values.len()).sum();
            println!(
                "{}：政策 {} 检查通过，{} 个参数，{} 个带日期的值，{} 个增设条件。",
                path.display(),
                p.id,
                p.entries.len(),
                dated,
                p.conditions.len()
            );
            let examples: Vec<&str> = p
                .entries
                .iter()
                .filter(|e| e.values.iter().any(|d| d.example))
                .map(|e| e.spec.name)
                .collect();
            if !examples.is_empty() {
                println!("⚠ 含示例值（不是正式标准）的参数：{}", examples.join("、"));
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("{}:{}: {}", path.display(), p.line, p.message);
            }
            eprintln!("共 {} 处问题。", problems.len());
            ExitCode::from(1)
        }
    }
}
