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
        K::Deselect | K::File | K::Return => {}
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
mod tests {
    use super::*;
    use time::macros::date;
    use touyan_rules::policy::Policy;

    const TOWN: &str = "370783100";

    fn params() -> Params {
        Policy::example()
            .resolve(date!(2025 - 07 - 01))
            .expect("example policy")
    }

    fn a(role: Role) -> Actor<'static> {
        Actor {
            role,
            town: role.is_town().then_some(TOWN),
        }
    }

    /// 30 on the day, 10 villages (a cap of 3), 1 place taken; on the
    /// programme since 2023-07-01.
    fn facts() -> Facts {
        Facts {
            birth_date: date!(1995 - 01 - 10),
            today: date!(2025 - 07 - 01),
            villages: 10,
            taken: 1,
            programme_start: Some(date!(2023 - 07 - 01)),
            excellent: true,
            exited: false,
        }
    }

    const STATES: [Option<YoungState>; 7] = [
        None,
        Some(S::Candidate),
        Some(S::Selected),
        Some(S::Filed),
        Some(S::Returned),
        Some(S::ExtensionProposed),
        Some(S::Extended),
    ];

    /// Every move × role × state, against the table in the module's docs
    /// written out by hand; the facts are those under which every move's
    /// article check passes (an aged-out cadre for the extension moves).
    #[test]
    fn every_move_by_every_role_in_every_state() {
        let p = params();
        let young = facts();
        // 36 on the day: past the limit, 2 years on the programme.
        let aged = Facts {
            birth_date: date!(1989 - 01 - 10),
            ..facts()
        };
        // (move, the one role, the states it leaves, the state it reaches)
        let table: [(K, Role, &[Option<YoungState>], YoungState); 8] = [
            (
                K::Score,
                Role::TownOperator,
                &[None, Some(S::Candidate), Some(S::Returned)],
                S::Candidate,
            ),
            (
                K::Select,
                Role::TownReviewer,
                &[Some(S::Candidate)],
                S::Selected,
            ),
            (
                K::Deselect,
                Role::TownReviewer,
                &[Some(S::Selected)],
                S::Candidate,
            ),
            (K::File, Role::CityAdmin, &[Some(S::Selected)], S::Filed),
            (
                K::Return,
                Role::CityAdmin,
                &[Some(S::Selected)],
                S::Returned,
            ),
            (
                K::ProposeExtension,
                Role::TownReviewer,
                &[Some(S::Filed)],
                S::ExtensionProposed,
            ),
            (
                K::Extend,
                Role::CityAdmin,
                &[Some(S::ExtensionProposed)],
                S::Extended,
            ),
            (
                K::DeclineExtension,
                Role::CityAdmin,
                &[Some(S::ExtensionProposed)],
                S::Filed,
            ),
        ];
        assert_eq!(table.len(), YoungMoveKind::ALL.len());
        for (kind, who, from, to) in table {
            let f = if kind == K::ProposeExtension {
                aged
            } else {
                young
            };
            for role in Role::ALL {
                for current in STATES {
                    let got = check_move(&a(role), TOWN, current, kind, "意见", &p, &f);
                    if role != who {
                        assert!(
                            matches!(got, Err(Refusal::Forbidden(_))),
                            "{kind:?} by {role:?} in {current:?}: {got:?}"
                        );
                    } else if from.contains(&current) {
                        assert_eq!(
                            got.map(|m| m.to),
                            Ok(to),
                            "{kind:?} by {role:?} in {current:?}"
                        );
                    } else {
                        assert!(
                            matches!(got, Err(Refusal::Conflict(_))),
                            "{kind:?} by {role:?} in {current:?}: {got:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn another_towns_candidate_is_missing_and_comments_are_required() {
        let p = params();
        let f = facts();
        let other = Actor {
            role: Role::TownReviewer,
            town: Some("370783101"),
        };
        for kind in YoungMoveKind::ALL.iter().copied() {
            assert_eq!(
                check_move(&other, TOWN, Some(S::Candidate), kind, "意见", &p, &f),
                Err(Refusal::NotFound)
            );
        }
        for (kind, role, state) in [
            (K::Deselect, Role::TownReviewer, S::Selected),
            (K::Return, Role::CityAdmin, S::Selected),
            (K::ProposeExtension, Role::TownReviewer, S::Filed),
            (K::Extend, Role::CityAdmin, S::ExtensionProposed),
            (K::DeclineExtension, Role::CityAdmin, S::ExtensionProposed),
        ] {
            assert!(
                matches!(
                    check_move(&a(role), TOWN, Some(state), kind, "  ", &p, &f),
                    Err(Refusal::Invalid(_))
                ),
                "{kind:?}"
            );
        }
    }

    /// The shipped policy: 35 or under (inclusive); 30% of the villages,
    /// rounded down; 5 years.
    #[test]
    // One piece: a table of cases at each threshold of the article, read as one.
    fn the_article_at_its_thresholds() {
        let p = params();
        let op = a(Role::TownOperator);
        let rev = a(Role::TownReviewer);
        // Age: 35 on the day may be scored; 36 may not.
        let at35 = Facts {
            birth_date: date!(1990 - 07 - 01),
            ..facts()
        };
        assert!(check_move(&op, TOWN, None, K::Score, "", &p, &at35).is_ok());
        let at36 = Facts {
            birth_date: date!(1989 - 07 - 01),
            ..facts()
        };
        let got = check_move(&op, TOWN, None, K::Score, "", &p, &at36);
        match got {
            Err(Refusal::Invalid(m)) => {
                assert!(m.contains("36 周岁") && m.contains("第十条"), "{m}")
            }
            other => panic!("{other:?}"),
        }
        // Cap: 10 villages × 30% = 3. Two taken: the third is accepted;
        // three taken: a fourth is refused, with the article.
        let two = Facts {
            taken: 2,
            ..facts()
        };
        assert!(check_move(&rev, TOWN, Some(S::Candidate), K::Select, "", &p, &two).is_ok());
        let three = Facts {
            taken: 3,
            ..facts()
        };
        match check_move(&rev, TOWN, Some(S::Candidate), K::Select, "", &p, &three) {
            Err(Refusal::Invalid(m)) => assert!(
                m.contains("已确定和备案 3 人") && m.contains("至多 3 名") && m.contains("第十条"),
                "{m}"
            ),
            other => panic!("{other:?}"),
        }
        // The city's extension brings an aged-out cadre back onto the
        // programme: with two places taken it is approved, with all three
        // taken it is refused like a selection.
        let city = a(Role::CityAdmin);
        let aged_two = Facts {
            birth_date: date!(1989 - 01 - 10),
            ..two
        };
        assert!(
            check_move(
                &city,
                TOWN,
                Some(S::ExtensionProposed),
                K::Extend,
                "优秀",
                &p,
                &aged_two
            )
            .is_ok()
        );
        let aged_three = Facts {
            birth_date: date!(1989 - 01 - 10),
            ..three
        };
        match check_move(
            &city,
            TOWN,
            Some(S::ExtensionProposed),
            K::Extend,
            "优秀",
            &p,
            &aged_three,
        ) {
            Err(Refusal::Invalid(m)) => assert!(
                m.starts_with("已确定和备案 3 人，再延长 1 人将超过上限") && m.contains("第十条"),
                "{m}"
            ),
            other => panic!("{other:?}"),
        }
        // 3 villages × 30% = 0.9, rounded down: no place at all.
        let small = Facts {
            villages: 3,
            taken: 0,
            ..facts()
        };
        assert!(matches!(
            check_move(&rev, TOWN, Some(S::Candidate), K::Select, "", &p, &small),
            Err(Refusal::Invalid(_))
        ));
        // Extension: aged out (36), on the programme since 2023-07-01,
        // excellent: until 2028-07-01.
        let aged = Facts {
            birth_date: date!(1989 - 01 - 10),
            ..facts()
        };
        assert_eq!(
            check_move(
                &rev,
                TOWN,
                Some(S::Filed),
                K::ProposeExtension,
                "考察通过",
                &p,
                &aged
            ),
            Ok(Moved {
                to: S::ExtensionProposed,
                extension: Extension::Set(date!(2028 - 07 - 01)),
            })
        );
        // Not excellent: refused with the rule's sentence.
        let plain = Facts {
            excellent: false,
            ..aged
        };
        match check_move(
            &rev,
            TOWN,
            Some(S::Filed),
            K::ProposeExtension,
            "x",
            &p,
            &plain,
        ) {
            Err(Refusal::Invalid(m)) => assert!(m.contains("未达优秀"), "{m}"),
            other => panic!("{other:?}"),
        }
        // Five full years already (since 2020-07-01): nothing to extend.
        let long = Facts {
            programme_start: Some(date!(2020 - 07 - 01)),
            ..aged
        };
        match check_move(
            &rev,
            TOWN,
            Some(S::Filed),
            K::ProposeExtension,
            "x",
            &p,
            &long,
        ) {
            Err(Refusal::Invalid(m)) => assert!(m.contains("已满 5 年"), "{m}"),
            other => panic!("{other:?}"),
        }
        // Still within the age limit: no extension needed.
        match check_move(
            &rev,
            TOWN,
            Some(S::Filed),
            K::ProposeExtension,
            "x",
            &p,
            &facts(),
        ) {
            Err(Refusal::Invalid(m)) => assert!(m.contains("无需延长"), "{m}"),
            other => panic!("{other:?}"),
        }
        // A declined extension is cleared.
        assert_eq!(
            check_move(
                &a(Role::CityAdmin),
                TOWN,
                Some(S::ExtensionProposed),
                K::DeclineExtension,
                "不予延长",
                &p,
                &aged
            )
            .map(|m| m.extension),
            Ok(Extension::Clear)
        );
    }

    #[test]
    fn buttons_follow_the_checks() {
        let p = params();
        let f = facts();
        assert_eq!(
            moves_for(&a(Role::TownOperator), TOWN, None, &p, &f),
            [K::Score]
        );
        assert_eq!(
            moves_for(&a(Role::TownReviewer), TOWN, Some(S::Candidate), &p, &f),
            [K::Select]
        );
        let full = Facts { taken: 3, ..f };
        assert!(moves_for(&a(Role::TownReviewer), TOWN, Some(S::Candidate), &p, &full).is_empty());
        assert_eq!(
            moves_for(&a(Role::CityAdmin), TOWN, Some(S::Selected), &p, &f),
            [K::File, K::Return]
        );
        // Within the age limit, a filed cadre has no extension to propose;
        // past it (not yet asked whether excellent) the button is there.
        assert!(moves_for(&a(Role::TownReviewer), TOWN, Some(S::Filed), &p, &f).is_empty());
        let aged = Facts {
            birth_date: date!(1989 - 01 - 10),
            excellent: false,
            ..f
        };
        assert_eq!(
            moves_for(&a(Role::TownReviewer), TOWN, Some(S::Filed), &p, &aged),
            [K::ProposeExtension]
        );
        assert!(moves_for(&a(Role::CityViewer), TOWN, Some(S::Selected), &p, &f).is_empty());
    }

    /// The page's early check refuses exactly the roles and towns that
    /// `check_move` refuses first, whatever the candidate.
    #[test]
    fn an_attempt_is_refused_by_scope_and_role_as_a_move_is() {
        let p = params();
        for kind in YoungMoveKind::ALL.iter().copied() {
            for role in Role::ALL {
                let got = may_attempt(&a(role), TOWN, kind);
                let by_move = check_move(&a(role), TOWN, None, kind, "意见", &p, &facts());
                match got {
                    Ok(()) => assert!(
                        !matches!(by_move, Err(Refusal::Forbidden(_) | Refusal::NotFound)),
                        "{kind:?} {role:?}"
                    ),
                    Err(r) => assert_eq!(by_move, Err(r), "{kind:?} {role:?}"),
                }
            }
            let other = Actor {
                role: edge(kind).role,
                town: Some("370783101"),
            };
            if other.role.is_town() {
                assert_eq!(may_attempt(&other, TOWN, kind), Err(Refusal::NotFound));
            }
        }
    }

    #[test]
    fn the_age_is_checked_again_at_selection_and_filing() {
        let p = params();
        let rev = a(Role::TownReviewer);
        let city = a(Role::CityAdmin);
        // 36th birthday on 2025-07-01 (the day of the move): past the limit.
        let past = Facts {
            birth_date: date!(1989 - 07 - 01),
            ..facts()
        };
        // 36th birthday the next day: still within it.
        let within = Facts {
            birth_date: date!(1989 - 07 - 02),
            ..facts()
        };
        for (actor, from, kind, word) in [
            (&rev, S::Candidate, K::Select, "不能确定为年轻干部人选"),
            (&city, S::Selected, K::File, "不能备案为年轻干部"),
        ] {
            match check_move(actor, TOWN, Some(from), kind, "", &p, &past) {
                Err(Refusal::Invalid(m)) => {
                    assert!(m.contains("36 周岁，超过 35 岁"), "{m}");
                    assert!(m.contains(word), "{m}");
                    assert!(m.contains("第十条"), "{m}");
                }
                other => panic!("{kind:?}: {other:?}"),
            }
            assert!(check_move(actor, TOWN, Some(from), kind, "", &p, &within).is_ok());
        }
    }

    #[test]
    fn an_exited_cadre_is_not_extended() {
        let p = params();
        let exited = Facts {
            birth_date: date!(1989 - 01 - 10),
            exited: true,
            ..facts()
        };
        for (actor, from, kind) in [
            (a(Role::TownReviewer), S::Filed, K::ProposeExtension),
            (a(Role::CityAdmin), S::ExtensionProposed, K::Extend),
        ] {
            match check_move(&actor, TOWN, Some(from), kind, "意见", &p, &exited) {
                Err(Refusal::Conflict(m)) => assert!(m.contains("已登记退出"), "{m}"),
                other => panic!("{kind:?}: {other:?}"),
            }
            let stays = Facts {
                exited: false,
                ..exited
            };
            assert!(check_move(&actor, TOWN, Some(from), kind, "意见", &p, &stays).is_ok());
        }
    }

    #[test]
    fn only_the_towns_operator_records_an_exit() {
        for role in Role::ALL {
            let r = may_record_exit(&a(role), TOWN);
            assert_eq!(r.is_ok(), role == Role::TownOperator, "{role:?}");
        }
        let other = Actor {
            role: Role::TownOperator,
            town: Some("370783101"),
        };
        assert_eq!(may_record_exit(&other, TOWN), Err(Refusal::NotFound));
    }

    #[test]
    fn every_kind_has_one_edge() {
        for k in YoungMoveKind::ALL {
            assert_eq!(EDGES.iter().filter(|e| e.kind == *k).count(), 1, "{k:?}");
        }
    }
}
