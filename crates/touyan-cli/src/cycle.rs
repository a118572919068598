//! `touyan cycle --year Y [--town CODE] [--policy FILE]`: the year's
//! proposals for every town on record, decided by `touyan-cycle` (the same
//! code as `touyan evaluate`) and stored in place of that year's previous
//! proposals. Filed lists are not touched.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use touyan_office::propose::{self, Progress};
use touyan_office::{By, OfficeError};
use touyan_storage::{CycleTown, Store, StoreError};

use crate::acting::{actor, runtime};

/// The options of `touyan cycle`.
pub struct Options<'a> {
    pub year: i32,
    pub town: Option<&'a str>,
    pub policy: Option<&'a Path>,
    pub threads: Option<usize>,
}

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(code)
}

/// A progress bar on stderr when it is a terminal; hidden otherwise.
fn bar(len: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(len);
    let style = ProgressStyle::with_template(&format!(
        "{what} [{{bar:40}}] {{pos}}/{{len}}（{{percent}}%，剩余约 {{eta}}）"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    b.set_style(style.progress_chars("=> "));
    b
}

/// A spinner with a message, on a terminal only.
fn spinner(msg: &'static str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let s = ProgressBar::new_spinner();
    s.set_message(msg);
    s.enable_steady_tick(Duration::from_millis(120));
    s
}

pub use touyan_office::propose::{Head, into_rows};

/// Phase times on stderr when `TOUYAN_TIMING` is set (for bench/cycle.sh).
struct Timing {
    on: bool,
    last: std::sync::Mutex<std::time::Instant>,
}

impl Timing {
    fn new() -> Timing {
        Timing {
            on: std::env::var_os("TOUYAN_TIMING").is_some(),
            last: std::sync::Mutex::new(std::time::Instant::now()),
        }
    }

    fn phase(&self, name: &str) {
        if self.on
            && let Ok(mut last) = self.last.lock()
        {
            let now = std::time::Instant::now();
            eprintln!("timing {name} {:.3}", (now - *last).as_secs_f64());
            *last = now;
        }
    }
}

/// The run's progress on the terminal: a spinner while reading, a bar of
/// towns while deciding, a bar of secretaries while writing; phase times
/// when asked.
struct Bars {
    timing: Timing,
    now: std::sync::Mutex<ProgressBar>,
}

impl Bars {
    fn show(&self, b: ProgressBar) {
        if let Ok(mut now) = self.now.lock() {
            now.finish_and_clear();
            *now = b;
        }
    }

    fn at(&self, done: usize) {
        if let Ok(now) = self.now.lock() {
            now.set_position(done as u64);
        }
    }
}

impl Progress for Bars {
    fn reading(&self) {
        self.show(spinner("正在读取记录 …"));
    }
    fn deciding(&self, towns: usize) {
        self.show(bar(towns as u64, "正在测算"));
    }
    fn decided(&self, done: usize) {
        self.at(done);
    }
    fn writing(&self, rows: usize) {
        self.show(bar(rows as u64, "正在写入"));
    }
    fn written(&self, done: usize) {
        self.at(done);
    }
    fn phase(&self, name: &'static str) {
        self.show(ProgressBar::hidden());
        self.timing.phase(name);
    }
}

/// How the command ended, when not with proposals stored.
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
    if !(1000..=9999).contains(&o.year) {
        return fail(
            2,
            format!("--year {} 不是有效年份（应为四位数，如 2025）", o.year),
        );
    }
    let policy = match crate::policy::load(o.policy) {
        Ok(p) => p,
        Err(m) => return fail(2, m),
    };
    let threads = o.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    let year = o.year;
    let result = rt.block_on(async {
        let bars = Arc::new(Bars {
            timing: Timing::new(),
            now: std::sync::Mutex::new(ProgressBar::hidden()),
        });
        let store = Store::open(db).await?;
        bars.timing.phase("open");
        // The town asked for (by code or name), so that only its records
        // are read.
        let town = match o.town {
            None => None,
            Some(t) => {
                let towns = touyan_records::model::Records {
                    towns: store.list().await?,
                    ..Default::default()
                };
                Some(touyan_reports::find_town(&towns, t).map_err(Failure::Refused)?)
            }
        };
        let name = actor();
        let options = propose::Options {
            threads,
            free_records: false,
            progress: bars.clone(),
        };
        let done = propose::year(
            &store,
            By::command_line(&name),
            year,
            town,
            &policy,
            options,
        )
        .await;
        bars.show(ProgressBar::hidden());
        let done = done?;
        // Who could not be judged, by town, for the closing lines.
        let missing = if done.head.not_judged > 0 {
            let by_town = touyan_office::year_start::missing_facts(&store, year)
                .await
                .map_err(|e| match e {
                    touyan_office::OfficeError::Store(s) => Failure::Store(s),
                    e => Failure::Refused(e.to_string()),
                })?;
            let names: Vec<touyan_records::model::Town> = store.list().await?;
            by_town
                .into_iter()
                .filter(|(t, _)| town.is_none_or(|x| x == *t))
                .map(|(t, n)| {
                    let name = names
                        .iter()
                        .find(|x| x.code == t)
                        .map_or_else(|| t.to_string(), |x| x.name.clone());
                    (name, n)
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok::<_, Failure>((done.head, done.towns, missing))
    });
    match result {
        Ok((head, towns, missing)) => {
            summary(&head, &towns);
            unjudged_lines(&missing, year);
            ExitCode::SUCCESS
        }
        Err(Failure::Refused(m)) => fail(2, m),
        Err(Failure::Store(e)) => fail(1, e),
    }
}

fn summary(h: &Head, towns: &[CycleTown]) {
    let sum = |f: fn(&CycleTown) -> u32| towns.iter().map(f).sum::<u32>();
    let tier = |k: usize| towns.iter().map(|t| t.tiers[k]).sum::<u32>();
    println!(
        "{} 年专业化管理名单测算完成（判定日 {}，政策 {}），已保存为建议名单（未备案；已备案的名单不变）：",
        h.year, h.as_of, h.policy_id
    );
    println!(
        "  镇街 {} 个，行政村 {} 个，纳入名额合计 {} 名",
        towns.len(),
        sum(|t| t.village_count),
        sum(|t| t.inclusion_quota)
    );
    println!(
        "  参与测算的书记 {} 名，符合纳入条件 {} 名，建议纳入 {} 名",
        sum(|t| t.secretaries),
        sum(|t| t.eligible),
        sum(|t| t.included)
    );
    println!(
        "  补贴档次：一档 {} 名，二档 {} 名，三档 {} 名",
        tier(0),
        tier(1),
        tier(2)
    );
    if h.not_judged > 0 {
        println!(
            "  另有 {} 名书记因缺少上一年度村情（星级、集体经济收入、考核名次）未参与测算",
            h.not_judged
        );
    }
    if !h.example_values.is_empty() {
        println!(
            "注意：政策中有示例值（{}），非正式标准；正式使用请用 --policy 指定本市政策文件。",
            h.example_values.join("、")
        );
    }
}

/// Which towns have secretaries the proposal could not judge, and where
/// their village facts are entered (the browser says the same, by name,
/// on each town's list page).
fn unjudged_lines(missing: &[(String, usize)], year: i32) {
    if missing.is_empty() {
        return;
    }
    let towns: Vec<String> = missing.iter().map(|(t, n)| format!("{t} {n} 名")).collect();
    println!("  未参与测算的书记：{}", towns.join("、"));
    println!(
        "  补录 {} 年村情：在网页“村级单位”打开该村，填写“村年度情况”；或导入名册模板的“村年度情况”表。补录后重新测算。",
        year - 1
    );
}
