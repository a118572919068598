//! `touyan export filing | training | reserves | young | evaluations |
//! payments`: the yearly and monthly exports besides the roster, as Excel
//! workbooks. The figures are `touyan_office::figures` (the report's
//! decision day, the policy in force on it, the `touyan-reports` builders —
//! as the exports page has them) and the layouts `touyan_excel::reports`;
//! this module reads the options, the database and the clock, records an
//! export of full ID numbers, and writes the file.

use std::path::Path;
use std::process::ExitCode;

use time::Date;
use touyan_excel::reports::{self as layout, Report};
use touyan_office::figures::{Asked, Figures, figures};
use touyan_records::Mask;
use touyan_records::model::{
    Attendance, Ballots, Exit, ListEntry, ListFiling, Person, Post, Records, Reserve, Town,
    TownYear, TrainingSession, Village, YoungCadre, YoungCandidate,
};
use touyan_reports as reports;
use touyan_rules::Policy;
use touyan_storage::{Store, StoreError};

use crate::acting::{actor, runtime};

/// Which export, with its own options as typed.
pub enum Which {
    Filing {
        year: i32,
    },
    Training {
        year: i32,
    },
    Reserves {
        year: i32,
    },
    Young {
        month: String,
        reference_salary: Option<String>,
        factor: Option<String>,
    },
    Evaluations {
        year: i32,
        half: u8,
    },
    Payments {
        month: String,
    },
}

impl Which {
    /// The change log's name of the export and the Chinese one.
    fn names(&self) -> (&'static str, &'static str) {
        match self {
            Which::Filing { .. } => ("filing", "专业化管理名单备案表"),
            Which::Training { .. } => ("training", "培训达标情况"),
            Which::Reserves { .. } => ("reserves", "后备力量储备情况"),
            Which::Young { .. } => ("young", "年轻干部报酬表"),
            Which::Evaluations { .. } => ("evaluations", "胜任度评价结果"),
            Which::Payments { .. } => ("payments", "补贴发放汇总表"),
        }
    }
}

/// The options every export shares.
pub struct Options<'a> {
    pub file: &'a Path,
    pub full_ids: bool,
    /// A town's 9-digit code or name; all towns when absent.
    pub town: Option<&'a str>,
    /// The city's policy file; the shipped example when absent.
    pub policy: Option<&'a Path>,
}

fn usage(msg: impl Into<String>) -> ExitCode {
    eprintln!("错误：{}", msg.into());
    ExitCode::from(2)
}

fn month_of(text: &str) -> Result<Date, String> {
    reports::parse_month(text)
        .ok_or_else(|| format!("--month {text} 不是有效月份（应为 YYYY-MM，如 2025-01）"))
}

/// Everything an export reads, and nothing it does not.
async fn load(store: &Store, which: &Which) -> Result<Records, StoreError> {
    let mut r = Records {
        towns: store.list::<Town>().await?,
        villages: store.list::<Village>().await?,
        people: store.list::<Person>().await?,
        list_entries: store.list::<ListEntry>().await?,
        exits: store.list::<Exit>().await?,
        ..Records::default()
    };
    match which {
        Which::Training { .. } => {
            r.training_sessions = store.list::<TrainingSession>().await?;
            r.attendance = store.list::<Attendance>().await?;
        }
        Which::Reserves { .. } => {
            r.reserves = store.list::<Reserve>().await?;
            r.posts = store.list::<Post>().await?;
        }
        Which::Young { .. } => {
            r.young_cadres = store.list::<YoungCadre>().await?;
            r.town_years = store.list::<TownYear>().await?;
            r.young_candidates = store.list::<YoungCandidate>().await?;
            // A cadre on the secretary list in force that month is paid as
            // a secretary (its filed version, as the pay run reads it).
            r.list_filings = store.list::<ListFiling>().await?;
        }
        Which::Evaluations { .. } => {
            r.ballots = store.list::<Ballots>().await?;
            r.posts = store.list::<Post>().await?;
        }
        // A month pays the list in force that month (its filed version).
        Which::Payments { .. } => r.list_filings = store.list::<ListFiling>().await?,
        Which::Filing { .. } => {}
    }
    Ok(r)
}

/// A built export: the workbook, a line for the terminal, and whether an
/// amount in it is an example value.
struct Built {
    report: Report,
    summary: String,
    example: bool,
}

/// Lays out the figures, with a line for the terminal.
fn build(x: Figures, made_on: Date, mask: Option<Mask>) -> Built {
    let example = x.example_amounts();
    match x {
        Figures::Filing(f) => {
            let towns = f.towns.iter().filter(|t| t.listed > 0).count();
            Built {
                summary: format!(
                    "{} 年，{towns} 个镇街、{} 人（汇总表 + 每个镇街一张表）",
                    f.year,
                    f.rows.len()
                ),
                example,
                report: layout::filing_report(&f, made_on, mask),
            }
        }
        Figures::Training(x) => {
            let ok = x.rows.iter().filter(|r| r.compliant).count();
            Built {
                summary: format!(
                    "{} 年，{} 人，达标 {ok}，未达标 {}",
                    x.year,
                    x.rows.len(),
                    x.rows.len() - ok
                ),
                example,
                report: layout::training_report(&x, made_on, mask),
            }
        }
        Figures::Reserves { figures: x, on } => {
            let short: Vec<_> = x.rows.iter().filter(|r| r.shortfall > 0).collect();
            let posts_short: Vec<_> = x.posts.iter().filter(|r| r.shortfall > 0).collect();
            Built {
                summary: format!(
                    "{} 年，专业化管理村 {} 个，书记后备不足 {} 个、共缺 {} 名；\
                     其他“两委”职位 {} 个，一职一备缺 {} 名（截至 {on}）",
                    x.year,
                    x.rows.len(),
                    short.len(),
                    short.iter().map(|r| r.shortfall).sum::<u32>(),
                    x.posts.len(),
                    posts_short.iter().map(|r| r.shortfall).sum::<u32>()
                ),
                example,
                report: layout::reserves_report(&x, made_on),
            }
        }
        Figures::Young(x) => Built {
            summary: format!(
                "{}-{:02}，{} 人，月报酬合计 {:.2} 元（参照工资 {}）",
                x.month.year(),
                u8::from(x.month.month()),
                x.rows.len(),
                x.total(),
                x.salary_text()
            ),
            example,
            report: layout::young_report(&x, made_on, mask),
        },
        Figures::Evaluations(x) => {
            let count = |zh: &str| x.rows.iter().filter(|r| r.action_zh() == zh).count();
            Built {
                summary: format!(
                    "{} 年{}，{} 人，约谈 {}，退出 {}，未测评 {}",
                    x.year,
                    reports::half_zh(x.half),
                    x.rows.len(),
                    count("约谈"),
                    count("退出"),
                    count("未测评")
                ),
                example,
                report: layout::evaluations_report(&x, made_on, mask),
            }
        }
        Figures::Payments(x) => {
            let mut summary = format!(
                "{}-{:02}，{} 人，合计 {:.2} 元",
                x.month.year(),
                u8::from(x.month.month()),
                x.people,
                x.total
            );
            for s in &x.by_source {
                summary.push_str(&format!("（{} {:.2} 元）", s.name, s.amount));
            }
            if !x.not_paid.is_empty() {
                summary.push_str(&format!(
                    "；已退出、不予发放 {} 人（见文件末尾）",
                    x.not_paid.len()
                ));
            }
            Built {
                summary,
                example,
                report: layout::payments_report(&x, made_on, mask),
            }
        }
    }
}

/// How an export ended, when not with a file.
enum Failure {
    /// Bad options or nothing to export: exit 2.
    Refused(String),
    /// The database: exit 1.
    Store(StoreError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

/// The export asked for, its options checked (years, halves, months, the
/// young cadres' salary and factor as typed).
fn asked(which: &Which) -> Result<Asked, String> {
    let a = match which {
        Which::Filing { year } => Asked::Filing { year: *year },
        Which::Training { year } => Asked::Training { year: *year },
        Which::Reserves { year } => Asked::Reserves { year: *year },
        Which::Evaluations { year, half } => Asked::Evaluations {
            year: *year,
            half: *half,
        },
        Which::Payments { month } => Asked::Payments {
            month: month_of(month)?,
        },
        Which::Young {
            month,
            reference_salary,
            factor,
        } => Asked::Young {
            // When absent: each town's yearly settings (镇街年度设置).
            reference_salary: reference_salary
                .as_deref()
                .map(reports::parse_yuan)
                .transpose()
                .map_err(|e| format!("--reference-salary：{e}"))?,
            factor: factor
                .as_deref()
                .map(reports::parse_factor)
                .transpose()
                .map_err(|e| format!("--factor：{e}"))?,
            month: month_of(month)?,
        },
    };
    a.decision_day().map_err(|e| match which {
        Which::Evaluations { half, .. } if !matches!(half, 1 | 2) => {
            format!("--half {half} 无效：只能是 1（上半年）或 2（下半年）")
        }
        _ => format!("--year {e}"),
    })?;
    Ok(a)
}

/// Checks the options, reads the database, builds the workbook, records a
/// full-ID export in the change log, then writes the file.
pub fn run(db: &str, which: Which, o: &Options<'_>) -> ExitCode {
    // The options first: nothing is opened for a mistyped command.
    let asked = match asked(&which) {
        Ok(a) => a,
        Err(m) => return usage(m),
    };
    let policy: Policy = match crate::policy::load(o.policy) {
        Ok(p) => p,
        Err(m) => return usage(m),
    };
    if let Err(e) = asked
        .decision_day()
        .and_then(|d| touyan_office::when::params_on(&policy, d))
    {
        return usage(format!(
            "{e}（换一个年份或月份，或用 --policy 指定政策文件）"
        ));
    }
    let (what, zh) = which.names();
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => {
            eprintln!("错误：{m}");
            return ExitCode::from(1);
        }
    };
    let result = rt.block_on(async {
        let store = Store::open(db).await?;
        let records = load(&store, &which).await?;
        let town = match o.town {
            None => None,
            Some(t) => Some(reports::find_town(&records, t).map_err(Failure::Refused)?),
        };
        let today = crate::policy::today();
        let mut x = figures(&records, &policy, &asked, town, today)
            .map_err(|e| Failure::Refused(e.to_string()))?;
        // The 备案表 lists who each town's list leaves out, as printed.
        if let Figures::Filing(f) = &mut x {
            touyan_office::dropped::for_filing(&store, &policy, f, today)
                .await
                .map_err(|e| match e {
                    touyan_office::OfficeError::Store(s) => Failure::from(s),
                    e => Failure::Refused(e.to_string()),
                })?;
        }
        let built = build(x, today, (!o.full_ids).then(Mask::default));
        if o.full_ids {
            store
                .log_export(
                    &actor(),
                    what,
                    &format!("{}（{zh}，完整身份证号码）", o.file.display()),
                )
                .await?;
        } else {
            store
                .log_read(
                    &actor(),
                    None,
                    what,
                    &format!("{}（{zh}，身份证号码已脱敏）", o.file.display()),
                )
                .await?;
        }
        Ok::<_, Failure>(built)
    });
    let built = match result {
        Ok(b) => b,
        Err(Failure::Refused(m)) => {
            // The command line has its own way to give the settings.
            let hint = if matches!(which, Which::Young { .. }) && m.contains("镇街年度设置") {
                "；也可用 --reference-salary 元 和 --factor 系数 统一给出"
            } else {
                ""
            };
            return usage(format!("{m}{hint}（未写出文件）"));
        }
        Err(Failure::Store(e)) => {
            eprintln!("错误：{e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = layout::write_report(o.file, &built.report) {
        eprintln!("错误：{e}");
        return ExitCode::from(1);
    }
    println!("已导出{zh} {}：{}。", o.file.display(), built.summary);
    if built.example {
        println!(
            "注意：金额取自政策文件中的示例值（{}），文件顶部已标明；正式使用前请用 --policy 指定本市政策文件。",
            reports::EXAMPLE_WARNING
        );
    }
    if matches!(which, Which::Reserves { .. }) {
        // No ID numbers in this one.
    } else if o.full_ids {
        println!("注意：身份证号码为完整号码，此次导出已记入操作日志；请按个人信息保护要求保管。");
    } else {
        println!(
            "身份证号码已脱敏（如 370783********123X）；需要完整号码请加 --full-ids（将记入操作日志）。"
        );
    }
    ExitCode::SUCCESS
}
