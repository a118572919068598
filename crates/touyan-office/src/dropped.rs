//! Who a town's list of the year leaves out of the list in force before
//! it, and why (issue 18, item 9): the filing form (备案表) lists them
//! under the list itself.
//!
//! The list before is the latest version of the year filed before the
//! one the list is (a list adjusted after filing is compared with the
//! version it replaces), or, when the year has none, the year before's
//! filed list. A person on it and not on the list (the town's choices,
//! as [`TownList::rows`] hold them) is given the first reason that
//! applies, with its article:
//!
//! 1. an exit from professionalized management recorded since the list
//!    before began (its ground, day and note; Article 12 for a failed
//!    evaluation, the inferred Article 14 for the others);
//! 2. a check of the year's proposal the secretary failed (each failed
//!    check with its detail and article, Article 1);
//! 3. the town not listing a secretary the proposal listed, with the
//!    reason the town wrote;
//! 4. an eligible secretary the proposal left outside the quota;
//! 5. not in the year's proposal: another secretary in the village, no
//!    secretary post in the town on the proposal's day, or a post in a
//!    village the proposal could not judge (no village facts of the year
//!    before).

use std::collections::{HashMap, HashSet};

use time::Date;
use touyan_records::CitizenId;
use touyan_records::model::{Exit, ExitReason, Labelled, PostRole, Programme, Records};
use touyan_rules::{art12_competency, art14_exit_inferred};
use touyan_storage::{ListedPerson, Store};

use crate::lists::{Row, TownList};
use crate::{OfficeError, when};

pub use touyan_reports::{Dropped, DroppedPerson};

/// The article an exit's ground cites ("" for "其他").
fn exit_citation(reason: ExitReason) -> String {
    match reason {
        ExitReason::FailedEvaluation => art12_competency::EXIT.citation(),
        ExitReason::Discipline => art14_exit_inferred::DISCIPLINE.citation(),
        ExitReason::LeftOffice => art14_exit_inferred::LEFT_OFFICE.citation(),
        ExitReason::Age => art14_exit_inferred::AGE.citation(),
        _ => String::new(),
    }
}

fn exit_text(x: &Exit) -> String {
    let mut s = format!("{} 退出专业化管理：{}", x.on, x.reason.label());
    let note = x.note.trim();
    if !note.is_empty() {
        s.push_str(&format!("（{note}）"));
    }
    let citation = exit_citation(x.reason);
    if !citation.is_empty() {
        s.push_str(&format!("，{citation}"));
    }
    s
}

/// Why `row`, a secretary of the year's proposal, is not on `list`.
fn proposal_reason(list: &TownList, row: &Row) -> String {
    if !row.eligible {
        let failed: Vec<String> = row
            .checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| {
                if c.citation.is_empty() {
                    format!("{}：{}", c.title, c.detail)
                } else {
                    format!("{}：{}（{}）", c.title, c.detail, c.citation)
                }
            })
            .collect();
        return format!("不符合纳入条件：{}", failed.join("；"));
    }
    match row.proposed {
        Some(t) => {
            let why = row.reason.trim();
            format!(
                "测算列入{}档，镇街确定不列入：{}",
                tier_zh(t),
                if why.is_empty() {
                    "未写明理由"
                } else {
                    why
                }
            )
        }
        None => format!(
            "符合纳入条件，但未进入测算名额（本镇街纳入名额 {} 名，{}）",
            list.quota.outcome,
            list.quota.rule.citation()
        ),
    }
}

/// Why `p`, on the list before, is not in the year's proposal at all.
fn not_proposed(list: &TownList, town: &Records, p: &ListedPerson) -> String {
    let as_of = list.run.town.as_of;
    let post = town.posts.iter().find(|x| {
        x.person == p.person
            && x.role == PostRole::Secretary
            && x.start <= as_of
            && x.end.is_none_or(|d| d >= as_of)
    });
    if let Some(x) = post {
        let village = town
            .villages
            .iter()
            .find(|v| v.code == x.village)
            .map_or_else(|| x.village.as_str().to_owned(), |v| v.name.clone());
        return format!(
            "{as_of} 仍任{village}党组织书记，但该村没有 {} 年度村情记录，本年度测算未作判定",
            list.year - 1
        );
    }
    match list.rows.iter().find(|r| r.village.as_str() == p.village) {
        Some(r) => format!(
            "{as_of} {}的党组织书记为{}，{}已不再担任该村党组织书记",
            r.village_name, r.person_name, p.name
        ),
        None => format!("{as_of} 已不再担任本镇街村党组织书记"),
    }
}

fn tier_zh(t: u8) -> &'static str {
    match t {
        1 => "一",
        2 => "二",
        _ => "三",
    }
}

/// Who `list` leaves out of the list in force before it, each with the
/// first reason that applies (see the module's note).
pub async fn dropped(store: &Store, list: &TownList) -> Result<Dropped, OfficeError> {
    let version = list.review.as_ref().map_or(0, |r| r.version);
    let earlier = store
        .list_filings(list.year, list.town)
        .await?
        .iter()
        .filter(|f| f.version < version)
        .map(|f| f.version)
        .max();
    let (before, prev, since): (String, Vec<ListedPerson>, Date) = match earlier {
        Some(v) => (
            if v == 0 {
                "本年度原备案名单".to_owned()
            } else {
                format!("本年度第 {v} 版备案名单")
            },
            store.filing_names(list.year, list.town, v).await?,
            when::year_start(list.year)?,
        ),
        None => (
            format!("{} 年度备案名单", list.year - 1),
            store.filed_names(list.year - 1, list.town).await?,
            when::year_start(list.year - 1)?,
        ),
    };
    if prev.is_empty() {
        return Ok(Dropped {
            before: None,
            rows: Vec::new(),
        });
    }
    let listed: HashSet<&CitizenId> = list
        .rows
        .iter()
        .filter(|r| r.chosen.is_some())
        .map(|r| &r.person)
        .collect();
    let gone: Vec<&ListedPerson> = prev
        .iter()
        .filter(|p| !listed.contains(&p.person))
        .collect();
    let exits: Vec<Exit> = if gone.is_empty() {
        Vec::new()
    } else {
        let who: HashSet<&CitizenId> = gone.iter().map(|p| &p.person).collect();
        store
            .list::<Exit>()
            .await?
            .into_iter()
            .filter(|x| {
                x.programme == Programme::Secretary && x.on >= since && who.contains(&x.person)
            })
            .collect()
    };
    let by_person: HashMap<&CitizenId, &Row> = list.rows.iter().map(|r| (&r.person, r)).collect();
    // The town's posts, read only for someone the proposal does not name.
    let unnamed = gone
        .iter()
        .any(|p| !by_person.contains_key(&p.person) && !exits.iter().any(|x| x.person == p.person));
    let town = if unnamed {
        store.town_records(list.year, list.town).await?
    } else {
        Records::default()
    };
    let rows = gone
        .into_iter()
        .map(|p| {
            let exit = exits
                .iter()
                .filter(|x| x.person == p.person)
                .max_by_key(|x| x.on);
            let reason = match (exit, by_person.get(&p.person)) {
                (Some(x), _) => exit_text(x),
                (None, Some(row)) => proposal_reason(list, row),
                (None, None) => not_proposed(list, &town, p),
            };
            DroppedPerson {
                person: p.person.clone(),
                village_name: p.village_name.clone(),
                person_name: p.name.clone(),
                tier: p.tier,
                reason,
            }
        })
        .collect();
    Ok(Dropped {
        before: Some(before),
        rows,
    })
}

/// The filing form's (备案表) workbook with, for each town it lists, who
/// that town's list leaves out and why, as the printed form says it
/// ([`dropped`] of the town's list under review; a town without a
/// proposal of the year has nothing to compare and is left out).
pub async fn for_filing(
    store: &Store,
    policy: &touyan_rules::Policy,
    f: &mut touyan_reports::Filing,
    today: Date,
) -> Result<(), OfficeError> {
    let towns: Vec<_> = f
        .towns
        .iter()
        .filter(|t| t.listed > 0)
        .map(|t| t.town)
        .collect();
    for town in towns {
        if let Some(list) = crate::lists::town_list(store, policy, f.year, town, today).await? {
            let d = dropped(store, &list).await?;
            f.dropped.push((town, d));
        }
    }
    Ok(())
}
