//! `touyan export filing | training | reserves | young | evaluations |
//! payments`: the yearly and monthly exports besides the roster, as Excel
//! workbooks. The rows are built by `touyan_excel::reports` from the records
//! and the policy in force; this module reads the options, the database and
//! the clock, records an export of full ID numbers, and writes the file.

use std::path::Path;
use std::process::ExitCode;

use time::{Date, Month};
use touyan_excel::reports::{self as layout, Report};
use touyan_records::Mask;
use touyan_records::model::{
    Attendance, Ballots, Exit, ListEntry, Person, Post, Records, Reserve, Town, TownYear,
    TrainingSession, Village, YoungCadre,
};
use touyan_reports::{self as reports, Refusal};
use touyan_rules::{Params, Policy};
use touyan_storage::{Store, StoreError};

use crate::divisions::{actor, runtime};

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
            Which::Payments { .. } => ("payments", "补贴发放表（一卡通）"),
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

/// The options checked: the period and the day the policy is read for.
enum Period {
    Year(i32),
    Half(i32, u8),
    Month(Date),
}

fn usage(msg: impl Into<String>) -> ExitCode {
    eprintln!("错误：{}", msg.into());
    ExitCode::from(2)
}

fn year_start(year: i32) -> Result<Date, String> {
    if !(1000..=9999).contains(&year) {
        return Err(format!("--year {year} 不是有效年份（应为四位数，如 2025）"));
    }
    Date::from_calendar_date(year, Month::January, 1)
        .map_err(|_| format!("--year {year} 不是有效年份"))
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
        }
        Which::Evaluations { .. } => {
            r.ballots = store.list::<Ballots>().await?;
            r.posts = store.list::<Post>().await?;
        }
        Which::Filing { .. } | Which::Payments { .. } => {}
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

/// What `build` needs besides the records and the policy.
struct Inputs<'a> {
    period: Period,
    /// `--reference-salary` as typed, checked by now.
    salary: Option<&'a str>,
    /// `--factor` as typed, its form checked by now (its range by
    /// `reports::young`, against the policy).
    factor: Option<&'a str>,
    town: Option<touyan_records::TownCode>,
    made_on: Date,
    mask: Option<Mask>,
}

fn build(which: &Which, r: &Records, p: &Params, i: &Inputs<'_>) -> Result<Built, Refusal> {
    let (town, made_on, mask) = (i.town, i.made_on, i.mask);
    Ok(match (which, &i.period) {
        (Which::Filing { .. }, Period::Year(y)) => {
            let f = reports::filing(r, p, *y, town)?;
            let towns = f.towns.iter().filter(|t| t.listed > 0).count();
            Built {
                summary: format!(
                    "{y} 年，{towns} 个镇街、{} 人（汇总表 + 每个镇街一张表）",
                    f.rows.len()
                ),
                example: f.example_amounts,
                report: layout::filing_report(&f, made_on, mask),
            }
        }
        (Which::Training { .. }, Period::Year(y)) => {
            let x = reports::training(r, p, *y, town)?;
            let ok = x.rows.iter().filter(|r| r.compliant).count();
            Built {
                summary: format!(
                    "{y} 年，{} 人，达标 {ok}，未达标 {}",
                    x.rows.len(),
                    x.rows.len() - ok
                ),
                example: false,
                report: layout::training_report(&x, made_on, mask),
            }
        }
        (Which::Reserves { .. }, Period::Year(y)) => {
            let year_end = Date::from_calendar_date(*y, Month::December, 31).unwrap_or(made_on);
            let on = made_on.min(year_end);
            let x = reports::reserves(r, p, *y, on, town)?;
            let short: Vec<_> = x.rows.iter().filter(|r| r.shortfall > 0).collect();
            let posts_short: Vec<_> = x.posts.iter().filter(|r| r.shortfall > 0).collect();
            Built {
                summary: format!(
                    "{y} 年，专业化管理村 {} 个，书记后备不足 {} 个、共缺 {} 名；\
                     其他“两委”职位 {} 个，一职一备缺 {} 名（截至 {on}）",
                    x.rows.len(),
                    short.len(),
                    short.iter().map(|r| r.shortfall).sum::<u32>(),
                    x.posts.len(),
                    posts_short.iter().map(|r| r.shortfall).sum::<u32>()
                ),
                example: false,
                report: layout::reserves_report(&x, made_on),
            }
        }
        (Which::Young { .. }, Period::Month(m)) => {
            let salary = i
                .salary
                .map(reports::parse_yuan)
                .transpose()
                .map_err(Refusal)?;
            let factor = i
                .factor
                .map(reports::parse_factor)
                .transpose()
                .map_err(Refusal)?;
            let x = reports::young(r, p, *m, salary, factor, town)?;
            Built {
                summary: format!(
                    "{}-{:02}，{} 人，月报酬合计 {:.2} 元（参照工资 {}）",
                    m.year(),
                    u8::from(m.month()),
                    x.rows.len(),
                    x.total(),
                    x.salary_text()
                ),
                example: x.example_amounts,
                report: layout::young_report(&x, made_on, mask),
            }
        }
        (Which::Evaluations { .. }, Period::Half(y, h)) => {
            let x = reports::evaluations(r, p, *y, *h, town)?;
            let count = |zh: &str| x.rows.iter().filter(|r| r.action_zh() == zh).count();
            Built {
                summary: format!(
                    "{y} 年{}，{} 人，约谈 {}，退出 {}，未测评 {}",
                    if *h == 1 { "上半年" } else { "下半年" },
                    x.rows.len(),
                    count("约谈"),
                    count("退出"),
                    count("未测评")
                ),
                example: false,
                report: layout::evaluations_report(&x, made_on, mask),
            }
        }
        (Which::Payments { .. }, Period::Month(m)) => {
            let x = reports::payments(r, p, *m, town)?;
            let mut summary = format!(
                "{}-{:02}，{} 人，合计 {:.2} 元",
                m.year(),
                u8::from(m.month()),
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
                example: x.example_amounts,
                report: layout::payments_report(&x, made_on, mask),
            }
        }
        _ => return Err(Refusal("内部错误：导出类型与期间不符".to_owned())),
    })
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

/// Checks the options, reads the database, builds the workbook, records a
/// full-ID export in the change log, then writes the file.
pub fn run(db: &str, which: Which, o: &Options<'_>) -> ExitCode {
    // The options first: nothing is opened for a mistyped command.
    let checked = match &which {
        Which::Filing { year } | Which::Training { year } | Which::Reserves { year } => {
            year_start(*year).map(|d| (Period::Year(*year), d))
        }
        Which::Evaluations { year, half } => match half {
            1 | 2 => year_start(*year).map(|d| {
                let d = if *half == 2 {
                    d.replace_month(Month::July).unwrap_or(d)
                } else {
                    d
                };
                (Period::Half(*year, *half), d)
            }),
            _ => Err(format!(
                "--half {half} 无效：只能是 1（上半年）或 2（下半年）"
            )),
        },
        Which::Payments { month } => month_of(month).map(|d| (Period::Month(d), d)),
        Which::Young {
            month,
            reference_salary,
            factor,
        } => {
            // When absent: each town's yearly settings (镇街年度设置).
            let salary = reference_salary.as_deref().map_or(Ok(()), |s| {
                reports::parse_yuan(s)
                    .map(drop)
                    .map_err(|e| format!("--reference-salary：{e}"))
            });
            let factor = factor.as_deref().map_or(Ok(()), |s| {
                reports::parse_factor(s)
                    .map(drop)
                    .map_err(|e| format!("--factor：{e}"))
            });
            salary
                .and(factor)
                .and_then(|()| month_of(month).map(|d| (Period::Month(d), d)))
        }
    };
    let (period, policy_day) = match checked {
        Ok(x) => x,
        Err(m) => return usage(m),
    };
    let policy: Policy = match crate::policy::load(o.policy) {
        Ok(p) => p,
        Err(m) => return usage(m),
    };
    let params = match policy.resolve(policy_day) {
        Ok(p) => p,
        Err(e) => {
            return usage(format!(
                "{e}（换一个年份或月份，或用 --policy 指定政策文件）"
            ));
        }
    };
    let (salary, factor) = match &which {
        Which::Young {
            reference_salary,
            factor,
            ..
        } => (reference_salary.as_deref(), factor.as_deref()),
        _ => (None, None),
    };
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
        let inputs = Inputs {
            period,
            salary,
            factor,
            town,
            made_on: crate::policy::today(),
            mask: (!o.full_ids).then(Mask::default),
        };
        let built = build(&which, &records, &params, &inputs).map_err(|r| Failure::Refused(r.0))?;
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
        Err(Failure::Refused(m)) => return usage(format!("{m}（未写出文件）")),
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
