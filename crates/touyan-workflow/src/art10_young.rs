//! 第十条 — the young-cadre programme (优才计划): the town's candidates and
//! their scores, the selection against the cap, the city's filing, and the
//! extension of an excellent cadre who ages out.
//!
//! > 对在村工作的35岁以下“两委”干部，根据年龄学历、村庄排名、工作实绩、发展潜力等
//! > 指标，按照不超过行政村总数的30%比例确定人选，报市委组织部备案……对综合考核优秀
//! > 但因年龄限制退出专业化管理的年轻干部，享受专业化管理待遇不满5年的，经市镇考察
//! > 通过，可延长至5年。
//!
//! A candidate (one per person) and who moves it:
//!
//! | move | who | from | to | comment |
//! |---|---|---|---|---|
//! | score (录入评分) | town operator | none, candidate, returned | candidate | |
//! | select (确定人选) | town reviewer | candidate | selected | |
//! | deselect (撤销人选) | town reviewer | selected | candidate | yes |
//! | file (备案) | city administrator | selected | filed | |
//! | return (退回镇街) | city administrator | selected | returned | yes |
//! | propose extension (提请延长) | town reviewer | filed | extension proposed | yes (the town's review) |
//! | extend (批准延长) | city administrator | extension proposed | extended | yes (the city's review) |
//! | decline extension (不予延长) | city administrator | extension proposed | filed | yes |
//! | unfile (撤销备案) | city administrator | filed | returned | yes (why the filing was wrong) |
//!
//! Besides scope, role, state and comment, four moves are checked
//! against the article with the rules crate's `art10_young_cadres`:
//! scoring, selecting and filing need the age limit on the day (`age`:
//! the age is checked again when the town selects and when the city
//! files), selecting needs a free place under the cap (`cap`: the cap
//! itself is accepted, one more refused; the places taken are the cadres
//! on the programme on the day),
//! and proposing an extension needs a cadre past the age limit, assessed
//! excellent, with less than the extension years on the programme
//! (`extension`).

use time::Date;
use touyan_records::model::{Labelled, YoungMoveKind, YoungState};
use touyan_rules::Params;
use touyan_rules::art10_young_cadres;

use crate::{Actor, Refusal, Role};

/// One edge of the state machine.
struct Edge {
    kind: YoungMoveKind,
    role: Role,
    /// The states it leaves (`None`: not a candidate yet).
    from: &'static [Option<YoungState>],
    to: YoungState,
    comment: bool,
}

use YoungMoveKind as K;
use YoungState as S;

const EDGES: &[Edge] = &[
    Edge {
        kind: K::Score,
        role: Role::TownOperator,
        from: &[None, Some(S::Candidate), Some(S::Returned)],
        to: S::Candidate,
        comment: false,
    },
    Edge {
        kind: K::Select,
        role: Role::TownReviewer,
        from: &[Some(S::Candidate)],
        to: S::Selected,
        comment: false,
    },
    Edge {
        kind: K::Deselect,
        role: Role::TownReviewer,
        from: &[Some(S::Selected)],
        to: S::Candidate,
        comment: true,
    },
    Edge {
        kind: K::File,
        role: Role::CityAdmin,
        from: &[Some(S::Selected)],
        to: S::Filed,
        comment: false,
    },
    Edge {
        kind: K::Return,
        role: Role::CityAdmin,
        from: &[Some(S::Selected)],
        to: S::Returned,
        comment: true,
    },
    Edge {
        kind: K::ProposeExtension,
        role: Role::TownReviewer,
        from: &[Some(S::Filed)],
        to: S::ExtensionProposed,
        comment: true,
    },
    Edge {
        kind: K::Extend,
        role: Role::CityAdmin,
        from: &[Some(S::ExtensionProposed)],
        to: S::Extended,
        comment: true,
    },
    Edge {
        kind: K::DeclineExtension,
        role: Role::CityAdmin,
        from: &[Some(S::ExtensionProposed)],
        to: S::Filed,
        comment: true,
    },
    // A filing made by mistake, taken back by the city that made it; a
    // filing that pay relied on stands (the office checks the pay runs).
    Edge {
        kind: K::Unfile,
        role: Role::CityAdmin,
        from: &[Some(S::Filed)],
        to: S::Returned,
        comment: true,
    },
];

fn edge(kind: YoungMoveKind) -> &'static Edge {
    // Every kind has exactly one edge (checked by a test).
    EDGES.iter().find(|e| e.kind == kind).unwrap_or(&EDGES[0])
}

fn state_zh(s: Option<YoungState>) -> &'static str {
    s.map_or("尚未列为候选人", |s| s.label())
}

/// What a move is checked against besides role and state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    pub birth_date: Date,
    /// The day of the move.
    pub today: Date,
    /// The town's administrative villages (the cap's base).
    pub villages: u32,
    /// Places taken in the town on the day (selected or filed cadres
    /// whose term has not ended and who have not exited), this person not
    /// counted.
    pub taken: u32,
    /// The start of the person's programme, once on it.
    pub programme_start: Option<Date>,
    /// The town's review found the cadre assessed excellent (an
    /// extension).
    pub excellent: bool,
    /// An exit from the programme is on record since the cadre joined.
    pub exited: bool,
}

/// What an allowed move does to the extension date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extension {
    /// Left as it is.
    Keep,
    /// Set to this day (a proposal).
    Set(Date),
    /// Cleared (declined).
    Clear,
}

/// What a move does when it is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub to: YoungState,
    pub extension: Extension,
}

/// Whether `actor` may make move `kind` on some candidate of `town` at
/// all: the first two checks of [`check_move`] (scope, then role), which a
/// page can make before it reads which candidate is meant.
pub fn may_attempt(actor: &Actor<'_>, town: &str, kind: YoungMoveKind) -> Result<(), Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    let e = edge(kind);
    if actor.role != e.role {
        return Err(Refusal::Forbidden(format!(
            "“{}”只能由{}办理（第十条：镇街确定人选、报市委组织部备案），{}不能办理",
            kind.label(),
            e.role.label(),
            actor.role.label()
        )));
    }
    Ok(())
}

/// Whether `actor` may make move `kind` on a candidate of `town`, now in
/// `current`, with `comment`. Checks in this order: scope (another town's
/// candidate does not exist for a town role), role, state, comment, then
/// the article (age, cap, extension) with the policy `p`.
pub fn check_move(
    actor: &Actor<'_>,
    town: &str,
    current: Option<YoungState>,
    kind: YoungMoveKind,
    comment: &str,
    p: &Params,
    f: &Facts,
) -> Result<Moved, Refusal> {
    may_attempt(actor, town, kind)?;
    let e = edge(kind);
    if !e.from.contains(&current) {
        return Err(Refusal::Conflict(format!(
            "该人员当前状态为“{}”，不能“{}”",
            state_zh(current),
            kind.label()
        )));
    }
    if e.comment && comment.trim().is_empty() {
        return Err(Refusal::Invalid(format!(
            "“{}”须写明{}",
            kind.label(),
            match kind {
                K::ProposeExtension => "镇街考察意见",
                K::Extend | K::DeclineExtension => "市级考察意见",
                K::Unfile => "撤销备案的原因",
                _ => "意见",
            }
        )));
    }
    let mut extension = Extension::Keep;
    if f.exited && matches!(kind, K::ProposeExtension | K::Extend) {
        return Err(Refusal::Conflict(
            "该年轻干部已登记退出优才计划，不能延长（第十条）".into(),
        ));
    }
    if f.exited && kind == K::Unfile {
        return Err(Refusal::Conflict(
            "该年轻干部已登记退出优才计划，退出依据了这次备案（第十条），不能撤销备案".into(),
        ));
    }
    match kind {
        K::Score | K::Select | K::File => {
            let age = art10_young_cadres::age(p, f.birth_date, f.today);
            if !age.outcome {
                return Err(Refusal::Invalid(format!(
                    "{}，不能{}（{}）",
                    age.reason,
                    match kind {
                        K::Score => "列为年轻干部候选人",
                        K::Select => "确定为年轻干部人选",
                        _ => "备案为年轻干部",
                    },
                    age.rule.citation()
                )));
            }
        }
        _ => {}
    }
    match kind {
        K::Score => {}
        // An extension brings back a cadre whose term ended at the age
        // limit (proposed only then): the place must be free as for a
        // selection.
        K::Select | K::Extend => {
            let cap = art10_young_cadres::cap(p, f.villages);
            if f.taken.saturating_add(1) > cap.outcome {
                return Err(Refusal::Invalid(format!(
                    "已确定和备案 {} 人，{}将超过上限：{}（{}）",
                    f.taken,
                    if kind == K::Extend {
                        "再延长 1 人"
                    } else {
                        "再确定 1 人"
                    },
                    cap.reason,
                    cap.rule.citation()
                )));
            }
        }
        K::ProposeExtension => {
            let age = art10_young_cadres::age(p, f.birth_date, f.today);
            if age.outcome {
                return Err(Refusal::Invalid(format!(
                    "{}，未因年龄退出，无需延长（{}）",
                    age.reason,
                    age.rule.citation()
                )));
            }
            let Some(start) = f.programme_start else {
                return Err(Refusal::Invalid("该人员不在优才计划中，不能延长".into()));
            };
            let d = art10_young_cadres::extension(p, start, f.today, f.excellent);
            match d.outcome {
                Some(to) => extension = Extension::Set(to),
                None => {
                    return Err(Refusal::Invalid(format!(
                        "{}（{}）",
                        d.reason,
                        d.rule.citation()
                    )));
                }
            }
        }
        K::DeclineExtension => extension = Extension::Clear,
        K::Deselect | K::File | K::Return | K::Unfile => {}
    }
    Ok(Moved {
        to: e.to,
        extension,
    })
}

/// Whether `actor` may record a young cadre's exit from the programme in
/// `town` (age limit, extension ended, left the village's 两委, not
/// competent, resigned, other): the town's operator, as the town keeps
/// its young cadres' records (Article 10: "由镇街……确定人选").
pub fn may_record_exit(actor: &Actor<'_>, town: &str) -> Result<(), Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    if actor.role != Role::TownOperator {
        return Err(Refusal::Forbidden(format!(
            "年轻干部退出由{}登记（第十条），{}不能登记",
            Role::TownOperator.label(),
            actor.role.label()
        )));
    }
    Ok(())
}

/// Whether `actor` may record `town`'s yearly settings of the young
/// cadres' pay (镇街年度设置: the reference salary, 镇街新入职事业人员实发
/// 工资, and the factor): the town's operator, as the town sets them
/// ("起始标准在镇街新入职事业人员实发工资的0.6-1倍之间确定", Article 10).
pub fn may_set_pay(actor: &Actor<'_>, town: &str) -> Result<(), Refusal> {
    actor.records_for_town(town, "镇街年度设置（参照工资、报酬系数）", "（第十条）")
}

/// The moves `actor` could make now (the buttons a page shows); an
/// extension is offered as if the town's review found the cadre
/// excellent, which the form then asks.
pub fn moves_for(
    actor: &Actor<'_>,
    town: &str,
    current: Option<YoungState>,
    p: &Params,
    f: &Facts,
) -> Vec<YoungMoveKind> {
    let f = Facts {
        excellent: true,
        ..*f
    };
    YoungMoveKind::ALL
        .iter()
        .copied()
        .filter(|&k| check_move(actor, town, current, k, "意见", p, &f).is_ok())
        .collect()
}

#[cfg(test)]
mod tests;
