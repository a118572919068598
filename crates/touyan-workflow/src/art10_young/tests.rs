//! The young cadres' moves by role, state and the article's thresholds.

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
    let table: [(K, Role, &[Option<YoungState>], YoungState); 9] = [
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
        (K::Unfile, Role::CityAdmin, &[Some(S::Filed)], S::Returned),
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
        (K::Unfile, Role::CityAdmin, S::Filed),
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
fn an_exited_cadre_is_not_extended_nor_unfiled() {
    let p = params();
    let exited = Facts {
        birth_date: date!(1989 - 01 - 10),
        exited: true,
        ..facts()
    };
    for (actor, from, kind) in [
        (a(Role::TownReviewer), S::Filed, K::ProposeExtension),
        (a(Role::CityAdmin), S::ExtensionProposed, K::Extend),
        (a(Role::CityAdmin), S::Filed, K::Unfile),
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
