//! Closing an evaluation: the tally of every rater group's ballots — the
//! codes' votes and the paper counts once the reviewer confirmed them —
//! the rate each listed secretary's ballots give and the case it opens,
//! written with the state in one transaction.

use std::collections::HashMap;

use time::Date;
use touyan_records::CitizenId;
use touyan_records::model::{
    Ballots, CaseState, EvalCase, EvalState, Evaluation, Labelled, PaperCount, RaterGroup,
    SignPart, SignState,
};
use touyan_rules::art12_competency;
use touyan_rules::{Params, Policy};
use touyan_storage::{Closing, Store, Tally};
use touyan_workflow::art12_evaluation as flow;

use super::{EvalMove, TownHalf, check, conflict};
use crate::{By, OfficeError, when};

/// What closing `th` writes, from the votes cast with codes (`votes`,
/// per secretary and group): every group's ballots (the votes and the
/// paper counts together; paper counts count only once confirmed — the
/// workflow refuses to close while they await confirmation) and the case
/// each listed secretary's rate opens under `p`.
pub fn tally(th: &TownHalf, p: &Params, votes: &[(CitizenId, RaterGroup, Tally)]) -> Closing {
    let paper_version = th
        .signoff(SignPart::Paper)
        .filter(|s| s.state == SignState::Confirmed)
        .map(|s| s.version);
    let paper: &[PaperCount] = if paper_version.is_some() {
        &th.paper
    } else {
        &[]
    };
    let mut closing = Closing {
        paper_version,
        votes: votes
            .iter()
            .map(|(_, _, t)| {
                u64::from(t.competent)
                    + u64::from(t.basically_competent)
                    + u64::from(t.not_competent)
            })
            .sum(),
        ..Closing::default()
    };
    for l in &th.listed {
        let mut of = HashMap::new();
        for &g in RaterGroup::ALL {
            let p = paper.iter().find(|p| p.person == l.person && p.group == g);
            let t = votes
                .iter()
                .find(|(p, x, _)| *p == l.person && *x == g)
                .map(|t| &t.2);
            let b = art12_competency::Ballots {
                competent: p.map_or(0, |p| p.competent) + t.map_or(0, |t| t.competent),
                basically_competent: p.map_or(0, |p| p.basically_competent)
                    + t.map_or(0, |t| t.basically_competent),
                not_competent: p.map_or(0, |p| p.not_competent) + t.map_or(0, |t| t.not_competent),
            };
            of.insert(g, b);
            if b.total() > 0 {
                closing.ballots.push(Ballots {
                    person: l.person.clone(),
                    year: th.year,
                    half: th.half,
                    group: g,
                    competent: b.competent,
                    basically_competent: b.basically_competent,
                    not_competent: b.not_competent,
                });
            }
        }
        let get = |g: RaterGroup| {
            of.get(&g).copied().unwrap_or(art12_competency::Ballots {
                competent: 0,
                basically_competent: 0,
                not_competent: 0,
            })
        };
        if let Some((kind, reason)) = flow::case_for(
            p,
            get(RaterGroup::PartyMembers),
            get(RaterGroup::PublicReps),
        ) {
            closing.cases.push(EvalCase {
                year: th.year,
                half: th.half,
                person: l.person.clone(),
                town: th.town,
                kind,
                state: CaseState::Open,
                reason,
                note: String::new(),
                done_on: None,
            });
        }
    }
    closing
}

/// Closes `th`'s evaluation on `today`, by `by` (the town's reviewer):
/// the votes tallied with the confirmed paper counts ([`tally`]), the
/// rates decided under the parameters in force on the closing day, the
/// state, ballots and cases written in one transaction. Returns what was
/// written.
pub async fn close(
    store: &Store,
    by: By<'_>,
    policy: &Policy,
    th: &TownHalf,
    seen: Option<Option<EvalState>>,
    today: Date,
) -> Result<Closing, OfficeError> {
    check(&by, th, EvalMove::Close, seen)?;
    let params = when::params_on(policy, when::closing_day(None, today))?;
    let votes = store.code_tallies(th.year, th.half, th.town).await?;
    let closing = tally(th, &params, &votes);
    let mut e = th.eval.clone().unwrap_or(Evaluation {
        year: th.year,
        half: th.half,
        town: th.town,
        state: EvalState::Open,
        opened_on: today,
        closed_on: None,
    });
    e.state = EvalState::Closed;
    e.closed_on = Some(today);
    store
        .close_evaluation(by.name, by.origin, &e, &closing)
        .await
        .map_err(conflict)?;
    Ok(closing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use touyan_records::TownCode;
    use touyan_records::model::{CaseKind, EvalSignoff};
    use touyan_storage::ListedPerson;

    fn id(n: u8) -> CitizenId {
        // Valid GB 11643 numbers: the check digit computed here.
        let body = format!("37078319800101{:03}", n);
        let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let s: u32 = body
            .bytes()
            .zip(w)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        let c = b"10X98765432"[(s % 11) as usize] as char;
        CitizenId::parse(&format!("{body}{c}")).unwrap()
    }

    fn listed(person: CitizenId) -> ListedPerson {
        ListedPerson {
            person,
            name: "某".into(),
            village: "370783100201".into(),
            village_name: "某村".into(),
            tier: 3,
        }
    }

    fn half(paper: Option<SignState>) -> TownHalf {
        let town = TownCode::parse("370783100").unwrap();
        TownHalf {
            year: 2025,
            half: 1,
            town,
            eval: Some(Evaluation {
                year: 2025,
                half: 1,
                town,
                state: EvalState::Open,
                opened_on: date!(2025 - 03 - 01),
                closed_on: None,
            }),
            signoffs: paper
                .map(|state| EvalSignoff {
                    year: 2025,
                    half: 1,
                    town,
                    part: SignPart::Paper,
                    state,
                    version: 2,
                    entered_by: "经办".into(),
                    confirmed_by: "审核".into(),
                })
                .into_iter()
                .collect(),
            case_exits: Vec::new(),
            raters: Vec::new(),
            batches: Vec::new(),
            voided: Vec::new(),
            listed: vec![listed(id(1)), listed(id(2)), listed(id(3))],
            counts: Vec::new(),
            paper: vec![PaperCount {
                year: 2025,
                half: 1,
                town,
                person: id(1),
                group: RaterGroup::PublicReps,
                competent: 1,
                basically_competent: 0,
                not_competent: 1,
            }],
            ballots: Vec::new(),
            cases: Vec::new(),
        }
    }

    fn t(c: u32, b: u32, n: u32) -> Tally {
        Tally {
            competent: c,
            basically_competent: b,
            not_competent: n,
        }
    }

    #[test]
    fn closing_adds_confirmed_paper_to_the_votes_and_opens_cases() {
        let p = Policy::example().resolve(date!(2025 - 06 - 30)).unwrap();
        let th = half(Some(SignState::Confirmed));
        // Person 1: Party members 8 + 1 basically, 0 against by code;
        // public 1 + 1 by paper: 10 of 11 pass = 90.9%, no case.
        // Person 2: 17 of 20 = 85%: below 90%, an interview.
        // Person 3: no ballots at all: nothing written, no case.
        let votes = vec![
            (id(1), RaterGroup::PartyMembers, t(8, 1, 0)),
            (id(2), RaterGroup::PartyMembers, t(10, 7, 3)),
        ];
        let c = tally(&th, &p, &votes);
        assert_eq!(c.paper_version, Some(2));
        assert_eq!(c.votes, 29);
        let of = |n: u8, g| {
            c.ballots
                .iter()
                .find(|b| b.person == id(n) && b.group == g)
                .map(|b| (b.competent, b.basically_competent, b.not_competent))
        };
        assert_eq!(of(1, RaterGroup::PartyMembers), Some((8, 1, 0)));
        assert_eq!(of(1, RaterGroup::PublicReps), Some((1, 0, 1)));
        assert_eq!(of(2, RaterGroup::PartyMembers), Some((10, 7, 3)));
        assert_eq!(c.ballots.len(), 3);
        assert_eq!(c.cases.len(), 1);
        assert_eq!(c.cases[0].person, id(2));
        assert_eq!(c.cases[0].kind, CaseKind::Interview);
        assert!(
            c.cases[0].reason.contains("第十二条"),
            "{}",
            c.cases[0].reason
        );
    }

    #[test]
    fn unconfirmed_paper_is_not_counted() {
        let p = Policy::example().resolve(date!(2025 - 06 - 30)).unwrap();
        let th = half(None);
        let c = tally(&th, &p, &[]);
        assert_eq!(c.paper_version, None);
        assert_eq!(c.votes, 0);
        assert!(c.ballots.is_empty() && c.cases.is_empty());
        // Paper alone, confirmed: 1 of 2 = 50%, below 80%: an exit.
        let c = tally(&half(Some(SignState::Confirmed)), &p, &[]);
        assert_eq!(c.cases.len(), 1);
        assert_eq!(c.cases[0].kind, CaseKind::Exit);
    }
}
