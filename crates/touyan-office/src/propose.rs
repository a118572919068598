//! A year's proposals decided and stored in one call (the yearly
//! adjustment of Article 13: "每年年初调整一次"): what `touyan cycle --year`
//! and the lists page's "生成建议名单" both do — read what the cycle needs,
//! decide every town (or one) with `touyan-cycle` (the same code as
//! `touyan evaluate`), and store the proposals in place of that year's
//! previous ones. Filed lists are not touched. Who may run it is the
//! workflow's `art01_13_list::may_propose`.

use std::sync::Arc;

use time::Date;
use touyan_cycle::{CycleError, Proposals};
use touyan_records::TownCode;
use touyan_rules::Policy;
use touyan_storage::{CycleSecretary, CycleTown, CycleWritten, Store};
use touyan_workflow::art01_13_list;

use crate::{By, OfficeError};

/// Problems listed before "and N more".
const SHOWN_PROBLEMS: usize = 30;

/// The message when there is nothing to decide.
pub const NOTHING_TO_DECIDE: &str =
    "数据库中没有含村民委员会的镇街，无可测算（须先由系统管理员载入行政区划）";

/// What a run's summary needs besides the stored town rows.
#[derive(Clone, Debug)]
pub struct Head {
    pub year: i32,
    pub as_of: Date,
    pub policy_id: String,
    pub example_values: Vec<&'static str>,
    /// Secretaries not decided for lack of last year's village facts.
    pub not_judged: usize,
}

/// A stored run: its head, the town rows and what the write changed.
#[derive(Debug)]
pub struct Proposed {
    pub head: Head,
    pub towns: Vec<CycleTown>,
    pub written: CycleWritten,
}

/// What a long run reports as it goes (the command line's progress bars
/// and phase times; a page reports nothing).
pub trait Progress: Send + Sync {
    fn reading(&self) {}
    /// The decision starts, over `towns` towns.
    fn deciding(&self, _towns: usize) {}
    fn decided(&self, _done: usize) {}
    /// The write starts, of `rows` secretaries' proposals.
    fn writing(&self, _rows: usize) {}
    fn written(&self, _done: usize) {}
    /// A phase ended ("read", "decide", "write").
    fn phase(&self, _name: &'static str) {}
}

/// No progress to report.
pub struct Quiet;

impl Progress for Quiet {}

/// How a run is made.
pub struct Options {
    /// Threads deciding towns.
    pub threads: usize,
    /// Free the records read once they are decided. A process that ends
    /// after the run (the command line) keeps them: the system takes the
    /// memory back at once, where freeing the country's 3.8 million
    /// records one by one (on a thread beside the write, before) took a
    /// core the write's reference check uses.
    pub free_records: bool,
    pub progress: Arc<dyn Progress>,
}

/// The stored rows of the proposals (the reasons are moved, not copied:
/// the country's come to hundreds of megabytes).
pub fn into_rows(p: Proposals) -> (Head, Vec<CycleTown>, Vec<CycleSecretary>) {
    let mut towns = Vec::with_capacity(p.towns.len());
    let mut secretaries = Vec::with_capacity(p.towns.iter().map(|t| t.secretaries.len()).sum());
    let mut not_judged = 0;
    for t in p.towns {
        not_judged += t.not_judged.len();
        towns.push(CycleTown {
            year: p.year,
            town: t.town,
            as_of: p.as_of,
            policy_id: p.policy_id.clone(),
            village_count: t.village_count,
            inclusion_quota: t.inclusion_quota,
            young_cadre_cap: t.young_cadre_cap,
            secretaries: t.secretaries.len() as u32,
            eligible: t.eligible(),
            included: t.included(),
            tiers: t.tiers(),
        });
        secretaries.extend(t.secretaries.into_iter().map(|s| CycleSecretary {
            year: p.year,
            village: s.village,
            town: t.town,
            person: s.person,
            eligible: s.eligible,
            place: s.place,
            tier: s.tier,
            checks_json: s.reasons,
        }));
    }
    let head = Head {
        year: p.year,
        as_of: p.as_of,
        policy_id: p.policy_id,
        example_values: p.example_values,
        not_judged,
    };
    (head, towns, secretaries)
}

/// Why records could not be decided, in Chinese: the first problems and
/// how many more.
pub fn refusal(e: &CycleError) -> String {
    let mut m = format!(
        "以下 {} 处记录不符合测算要求，未作测算、未写入任何数据：",
        e.0.len()
    );
    for p in e.0.iter().take(SHOWN_PROBLEMS) {
        m.push_str("\n  ");
        m.push_str(p);
    }
    if e.0.len() > SHOWN_PROBLEMS {
        m.push_str(&format!("\n  ……另有 {} 处", e.0.len() - SHOWN_PROBLEMS));
    }
    m
}

/// Decides `year` for every town (or `town`) off the async workers, and
/// stores the proposals as `by`, all or nothing (see the module's note).
pub async fn year(
    store: &Store,
    by: By<'_>,
    year: i32,
    town: Option<TownCode>,
    policy: &Policy,
    o: Options,
) -> Result<Proposed, OfficeError> {
    art01_13_list::may_propose(&by.actor, town.as_ref().map(TownCode::as_str))?;
    if !(1000..=9999).contains(&year) {
        return Err(OfficeError::Invalid(format!(
            "{year} 不是有效年份（应为四位数，如 2026）"
        )));
    }
    o.progress.reading();
    let records = store.cycle_records_for(year, town).await?;
    o.progress.phase("read");
    let n = touyan_cycle::towns_in_scope(&records, town);
    if n == 0 {
        return Err(OfficeError::Invalid(match town {
            Some(t) => format!("镇街 {t} 没有村民委员会，无可测算"),
            None => NOTHING_TO_DECIDE.into(),
        }));
    }
    let policy = policy.clone();
    let progress = o.progress.clone();
    let threads = o.threads.max(1);
    let free = o.free_records;
    let decided = tokio::task::spawn_blocking(move || {
        progress.deciding(n);
        let done = |d: usize| progress.decided(d);
        let out = touyan_cycle::run(&records, year, town, &policy, threads, &done);
        if free {
            drop(records);
        } else {
            std::mem::forget(records);
        }
        out
    })
    .await
    .map_err(|e| OfficeError::Invalid(format!("测算中断：{e}")))?;
    o.progress.phase("decide");
    let (head, towns, secretaries) =
        into_rows(decided.map_err(|e| OfficeError::Invalid(refusal(&e)))?);
    o.progress.writing(secretaries.len());
    let progress = o.progress.clone();
    let mut shown = move |d: usize| progress.written(d);
    let written = store
        .replace_cycle(by.name, year, town, &towns, &secretaries, &mut shown)
        .await?;
    o.progress.phase("write");
    Ok(Proposed {
        head,
        towns,
        written,
    })
}
