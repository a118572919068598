use super::*;
use touyan_rules::Policy;

const TOWN: &str = "370783100";
const OTHER: &str = "370783101";

fn actor(role: Role, town: Option<&str>) -> Actor<'_> {
    Actor { role, town }
}

const STATES: [Option<ReviewState>; 6] = [
    None,
    Some(S::Draft),
    Some(S::Confirmed),
    Some(S::Submitted),
    Some(S::Filed),
    Some(S::Returned),
];

/// The expected outcome of every move, written out by hand from the table
/// in the module's documentation: (move, role, from) → to.
fn expected(kind: ListMoveKind, role: Role, from: Option<ReviewState>) -> Option<ReviewState> {
    use Role::*;
    match (kind, role, from) {
        (K::Save, TownOperator, None | Some(S::Draft) | Some(S::Returned)) => Some(S::Draft),
        (K::Confirm, TownOperator, Some(S::Draft) | Some(S::Returned)) => Some(S::Confirmed),
        (K::SendBack, TownReviewer, Some(S::Confirmed)) => Some(S::Draft),
        (K::Submit, TownReviewer, Some(S::Confirmed)) => Some(S::Submitted),
        (K::File, CityAdmin, Some(S::Submitted)) => Some(S::Filed),
        (K::Return, CityAdmin, Some(S::Submitted)) => Some(S::Returned),
        (K::Adjust, TownOperator, Some(S::Filed)) => Some(S::Draft),
        _ => None,
    }
}

#[test]
fn every_move_by_every_role_from_every_state() {
    let mut allowed = 0;
    for &kind in ListMoveKind::ALL {
        for role in Role::ALL {
            let town = role.is_town().then_some(TOWN);
            for from in STATES {
                let got = check_move(&actor(role, town), TOWN, from, kind, "意见");
                match expected(kind, role, from) {
                    Some(to) => {
                        allowed += 1;
                        assert_eq!(
                            got,
                            Ok(Moved {
                                to,
                                new_version: kind == K::Adjust
                            }),
                            "{kind:?} by {role:?} from {from:?}"
                        );
                    }
                    None => assert!(
                        matches!(got, Err(Refusal::Forbidden(_) | Refusal::Conflict(_))),
                        "{kind:?} by {role:?} from {from:?}: {got:?}"
                    ),
                }
            }
        }
    }
    // 3 + 2 + 1 + 1 + 1 + 1 + 1 allowed (move, role, state) triples.
    assert_eq!(allowed, 10);
}

#[test]
fn another_towns_list_does_not_exist_for_a_town_role() {
    for &kind in ListMoveKind::ALL {
        for role in [Role::TownOperator, Role::TownReviewer] {
            for from in STATES {
                assert_eq!(
                    check_move(&actor(role, Some(OTHER)), TOWN, from, kind, "意见"),
                    Err(Refusal::NotFound)
                );
            }
        }
    }
    // The city sees every town (and is refused by role or state, not scope).
    assert!(matches!(
        check_move(&actor(Role::CityViewer, None), TOWN, None, K::Save, ""),
        Err(Refusal::Forbidden(_))
    ));
}

#[test]
fn returns_send_backs_and_adjustments_need_a_comment() {
    let city = actor(Role::CityAdmin, None);
    let reviewer = actor(Role::TownReviewer, Some(TOWN));
    let operator = actor(Role::TownOperator, Some(TOWN));
    for (a, kind, from) in [
        (city, K::Return, S::Submitted),
        (reviewer, K::SendBack, S::Confirmed),
        (operator, K::Adjust, S::Filed),
    ] {
        for blank in ["", "  ", "\n"] {
            let got = check_move(&a, TOWN, Some(from), kind, blank);
            assert!(matches!(got, Err(Refusal::Invalid(_))), "{kind:?}: {got:?}");
        }
        assert!(check_move(&a, TOWN, Some(from), kind, "材料不全").is_ok());
    }
    // Filing and submitting need none.
    assert!(check_move(&city, TOWN, Some(S::Submitted), K::File, "").is_ok());
    assert!(check_move(&reviewer, TOWN, Some(S::Confirmed), K::Submit, "").is_ok());
}

#[test]
fn refusals_say_who_may_and_the_state() {
    let viewer = actor(Role::CityViewer, None);
    let Err(Refusal::Forbidden(m)) = check_move(&viewer, TOWN, Some(S::Submitted), K::File, "")
    else {
        panic!("refused by role")
    };
    assert!(m.contains("市级管理员") && m.contains("市级查看"), "{m}");
    let city = actor(Role::CityAdmin, None);
    let Err(Refusal::Conflict(m)) = check_move(&city, TOWN, Some(S::Filed), K::File, "") else {
        panic!("refused by state")
    };
    assert_eq!(m, "名单当前状态为“已备案”，不能“备案”");
}

#[test]
fn buttons_follow_the_table_and_a_filed_list_is_locked() {
    let operator = actor(Role::TownOperator, Some(TOWN));
    assert_eq!(moves_for(&operator, TOWN, None), [K::Save]);
    assert_eq!(
        moves_for(&operator, TOWN, Some(S::Draft)),
        [K::Save, K::Confirm]
    );
    assert_eq!(moves_for(&operator, TOWN, Some(S::Filed)), [K::Adjust]);
    assert!(moves_for(&operator, OTHER, Some(S::Draft)).is_empty());
    let reviewer = actor(Role::TownReviewer, Some(TOWN));
    assert_eq!(
        moves_for(&reviewer, TOWN, Some(S::Confirmed)),
        [K::SendBack, K::Submit]
    );
    let city = actor(Role::CityAdmin, None);
    assert_eq!(
        moves_for(&city, TOWN, Some(S::Submitted)),
        [K::File, K::Return]
    );
    for s in [S::Confirmed, S::Submitted, S::Filed] {
        assert!(!editable(Some(s)), "{s:?}");
    }
    for s in [None, Some(S::Draft), Some(S::Returned)] {
        assert!(editable(s), "{s:?}");
    }
}

#[test]
fn each_move_has_exactly_one_edge() {
    for &k in ListMoveKind::ALL {
        assert_eq!(EDGES.iter().filter(|e| e.kind == k).count(), 1, "{k:?}");
    }
}

// ---- the checks of a draft ----

fn params() -> Params {
    let policy = Policy::parse(touyan_rules::policy::EXAMPLE_POLICY_TOML).expect("example policy");
    policy
        .resolve(time::macros::date!(2025 - 01 - 01))
        .expect("resolves")
}

fn passed() -> Vec<CheckLine> {
    [
        "三好三强",
        "任职年限",
        "综合考核名次",
        "集体经济收入",
        "党组织星级",
    ]
    .iter()
    .map(|t| CheckLine {
        rule: None,
        title: t.to_string(),
        passed: true,
    })
    .collect()
}

struct L {
    village: String,
    who: String,
    checks: Vec<CheckLine>,
    waived: Vec<&'static str>,
    stars: u32,
    proposed: Option<u8>,
    chosen: Option<u8>,
    reason: String,
}

fn l(n: usize, stars: u32, proposed: Option<u8>, chosen: Option<u8>) -> L {
    L {
        village: format!("370783100{:03}", 200 + n),
        who: format!("{n}村 书记{n}"),
        checks: passed(),
        waived: Vec::new(),
        stars,
        proposed,
        chosen,
        reason: String::new(),
    }
}

fn check(p: &Params, villages: u32, ls: &[L]) -> Vec<Finding> {
    check_with(p, villages, ls, &Excepted::default())
}

fn check_with(p: &Params, villages: u32, ls: &[L], excepted: &Excepted) -> Vec<Finding> {
    let quota = art01_inclusion::quota(p, villages);
    let lines: Vec<Line<'_>> = ls
        .iter()
        .map(|x| Line {
            village: &x.village,
            who: &x.who,
            checks: &x.checks,
            waived: &x.waived,
            stars: x.stars,
            proposed: x.proposed,
            chosen: x.chosen,
            reason: &x.reason,
        })
        .collect();
    check_draft(p, &quota, &lines, excepted)
}

#[test]
fn the_proposal_itself_passes() {
    let p = params();
    // 6 villages: quota round(3) = 3; tiers of 3: 1 / 1 / 1.
    let ls = [
        l(1, 5, Some(1), Some(1)),
        l(2, 4, Some(2), Some(2)),
        l(3, 4, Some(3), Some(3)),
        l(4, 4, None, None),
    ];
    assert_eq!(check(&p, 6, &ls), []);
}

#[test]
fn a_list_at_the_quota_passes_and_one_above_is_refused_by_article_1() {
    let p = params();
    // 6 villages: quota 3. Listing a fourth (with a reason) is one too many.
    let mut ls = vec![
        l(1, 5, Some(1), Some(1)),
        l(2, 4, Some(2), Some(2)),
        l(3, 4, Some(3), Some(3)),
        l(4, 4, None, Some(3)),
    ];
    ls[3].reason = "镇党委研究决定".into();
    let f = check(&p, 6, &ls);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].village, None);
    assert_eq!(f[0].citation, "第一条第二款");
    assert_eq!(
        f[0].message,
        "名单 4 人，超过纳入名额 3 名（多 1 人），不能确定"
    );
    // Exactly at the quota (7 villages: round half up of 3.5 = 4): allowed.
    assert_eq!(check(&p, 7, &ls), []);
}

#[test]
fn tier_one_needs_five_stars_by_article_13() {
    let p = params();
    let mut ls = vec![
        l(1, 4, Some(2), Some(1)),
        l(2, 5, Some(1), Some(2)),
        l(3, 4, Some(3), Some(3)),
    ];
    ls[0].reason = "swap".into();
    ls[1].reason = "swap".into();
    let f = check(&p, 6, &ls);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].village.as_deref(), Some("370783100201"));
    assert_eq!(f[0].citation, "第十三条第三款");
    assert_eq!(
        f[0].message,
        "1村 书记1：村党组织 4 星级，不足 5 星级，不能晋级一档"
    );
    // Exactly five stars is enough.
    ls[0].stars = 5;
    assert_eq!(check(&p, 6, &ls), []);
}

#[test]
fn tiers_beyond_their_places_are_refused() {
    let p = params();
    // 3 listed: one place in tier 1, one in tier 2.
    let mut ls = vec![
        l(1, 5, Some(1), Some(1)),
        l(2, 5, Some(2), Some(1)),
        l(3, 4, Some(3), Some(3)),
    ];
    ls[1].reason = "两位书记同样优秀".into();
    let f = check(&p, 6, &ls);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].citation, "第十三条第二款");
    assert_eq!(
        f[0].message,
        "一档 2 人（名额 1）、二档 0 人（名额 1）、三档 1 人，一档超出 1 人"
    );
}

#[test]
fn listing_a_secretary_who_fails_a_condition_is_refused() {
    let p = params();
    let mut ls = vec![
        l(1, 5, Some(1), Some(1)),
        l(3, 4, Some(2), Some(2)),
        l(2, 4, None, Some(3)),
    ];
    ls[2].checks[1].passed = false;
    ls[2].checks[2].passed = false;
    ls[2].reason = "群众认可".into();
    let f = check(&p, 6, &ls);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].citation, "第一条第二款");
    assert_eq!(
        f[0].message,
        "2村 书记2：不符合纳入条件（任职年限、综合考核名次），不能列入名单"
    );
}

#[test]
fn every_departure_needs_a_written_reason() {
    let p = params();
    let ls = [
        l(1, 5, Some(1), Some(3)),
        l(2, 4, Some(2), None),
        l(3, 4, None, Some(3)),
    ];
    let f = check(&p, 6, &ls);
    let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "1村 书记1：测算为一档，镇街拟定为三档，与测算结果不同，须写明理由",
            "2村 书记2：测算列入二档，镇街拟不列入，与测算结果不同，须写明理由",
            "3村 书记3：测算未列入，镇街拟列入三档，与测算结果不同，须写明理由",
        ]
    );
    // Whitespace is no reason; words are.
    let mut ls = ls;
    ls[0].reason = "  ".into();
    ls[1].reason = "本人申请".into();
    ls[2].reason = "镇党委会议研究".into();
    let f = check(&p, 6, &ls);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].message.starts_with("1村"));
}

#[test]
fn a_tier_outside_one_to_three_is_refused() {
    let p = params();
    let mut ls = vec![l(1, 5, Some(1), Some(4))];
    ls[0].reason = "x".into();
    let f = check(&p, 6, &ls);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].message.contains("档次只能是"), "{f:?}");
}

#[test]
fn proposals_are_decided_by_the_city_or_a_towns_own_operator() {
    let t1 = "370783100";
    let t2 = "370783103";
    assert_eq!(may_propose(&actor(Role::CityAdmin, None), None), Ok(()));
    assert_eq!(may_propose(&actor(Role::CityAdmin, None), Some(t2)), Ok(()));
    let op = actor(Role::TownOperator, Some(t1));
    assert_eq!(may_propose(&op, Some(t1)), Ok(()));
    assert_eq!(may_propose(&op, Some(t2)), Err(Refusal::NotFound));
    assert!(matches!(may_propose(&op, None), Err(Refusal::Forbidden(_))));
    for role in Role::ALL {
        if matches!(role, Role::CityAdmin | Role::TownOperator) {
            continue;
        }
        let town = role.is_town().then_some(t1);
        let a = actor(role, town);
        assert!(
            matches!(may_propose(&a, Some(t1)), Err(Refusal::Forbidden(_))),
            "{role:?}"
        );
        assert!(matches!(may_propose(&a, None), Err(Refusal::Forbidden(_))));
    }
}

// ─── approved exceptions (原则上, 一般) ─────────────────────────────────

#[test]
fn an_approved_tenure_exception_waives_that_check_and_no_other() {
    let p = params();
    let mut ls = vec![
        l(1, 5, Some(1), Some(1)),
        l(3, 4, Some(2), Some(2)),
        l(2, 4, None, Some(3)),
    ];
    ls[2].checks[1].rule = Some("art01.tenure");
    ls[2].checks[1].passed = false;
    ls[2].reason = "任职2年，带富成效突出".into();
    // Without the exception the tenure check refuses the listing.
    let f = check(&p, 6, &ls);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].message.contains("任职年限"), "{}", f[0].message);
    // With it, the list passes.
    ls[2].waived = vec!["art01.tenure"];
    assert_eq!(check(&p, 6, &ls), vec![]);
    // The exception covers tenure only: a failed rank still refuses.
    ls[2].checks[2].rule = Some("art01.assessment_rank");
    ls[2].checks[2].passed = false;
    let f = check(&p, 6, &ls);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        f[0].message,
        "2村 书记2：不符合纳入条件（综合考核名次），不能列入名单"
    );
}

#[test]
fn two_five_star_secretaries_get_tiers_one_and_two_only_by_an_exception() {
    let p = params();
    // 4 villages: quota 2; a list of 2 has floor(2/3) = 0 places in
    // tiers 1 and 2, so the proposal gives both tier 3.
    let mut ls = vec![l(1, 5, Some(3), Some(1)), l(2, 5, Some(3), Some(2))];
    ls[0].reason = "例外：一档".into();
    ls[1].reason = "例外：二档".into();
    let f = check(&p, 4, &ls);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        f[0].message,
        "一档 1 人（名额 0）、二档 1 人（名额 0）、三档 0 人，一档超出 1 人，二档超出 1 人"
    );
    let one_each = Excepted {
        tier_places: Some((1, 1)),
        ..Excepted::default()
    };
    assert_eq!(check_with(&p, 4, &ls, &one_each), vec![]);
    // An exception for one tier-1 place only does not cover tier 2.
    let tier1_only = Excepted {
        tier_places: Some((1, 0)),
        ..Excepted::default()
    };
    assert_eq!(check_with(&p, 4, &ls, &tier1_only).len(), 1);
}

#[test]
fn a_list_size_exception_allows_its_number_and_not_one_more() {
    let p = params();
    // 4 villages: quota 2; the town lists 3.
    let mut ls = vec![
        l(1, 4, Some(3), Some(3)),
        l(2, 4, Some(3), Some(3)),
        l(3, 4, None, Some(3)),
    ];
    ls[2].reason = "例外：多列一名".into();
    assert_eq!(check(&p, 4, &ls).len(), 1);
    let three = Excepted {
        list_size: Some(3),
        ..Excepted::default()
    };
    assert_eq!(check_with(&p, 4, &ls, &three), vec![]);
    let mut four = ls;
    four.push(l(4, 4, None, Some(3)));
    four[3].reason = "再多一名".into();
    let f = check_with(&p, 4, &four, &three);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].citation, "第一条第二款");
}
