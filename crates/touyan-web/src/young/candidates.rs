//! The selection on the young-cadre page: the candidates and cadres on
//! the programme with the moves the user may make, the selection order
//! (Article 10's ranking against the places left), the moves' history
//! and who may be scored — as `touyan_office::young` decides them.

use touyan_office::young::YoungTown;
use touyan_office::young_exit;
use touyan_records::CitizenId;
use touyan_records::model::{ExitReason, Labelled, YoungCandidate, YoungMoveKind, YoungState};

use super::town::{ExitLine, YoungPage};
use crate::masking::person_option;
use crate::pages::masked;
use crate::scope::actor;
use crate::state::{AppState, User, china_time};

/// A move button of a candidate.
pub struct MoveButton {
    pub kind: &'static str,
    pub label: &'static str,
    pub comment: bool,
    pub excellent: bool,
}

/// A candidate or a cadre on the programme, with the moves the user may
/// make.
pub struct CandidateLine {
    pub key: String,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub age: String,
    pub age_ok: bool,
    pub score: String,
    pub rank: String,
    pub current_pay: String,
    pub pay: String,
    pub state: &'static str,
    pub seen: &'static str,
    pub note: String,
    pub comment: String,
    pub moves: Vec<MoveButton>,
}

pub struct MoveLine {
    pub who: String,
    pub kind: &'static str,
    pub to: &'static str,
    pub comment: String,
    pub by: String,
    pub at: String,
}

/// The candidates and cadres on the programme with their moves, the
/// selection order, the history and who may be scored (as the office
/// decides them).
pub(super) fn candidates(
    st: &AppState,
    user: &User,
    p: &mut YoungPage,
    l: &YoungTown,
    params: &touyan_rules::Params,
) {
    let today = st.today();
    let a = actor(user);
    let (ranking, views) = l.candidates(&a, params, today);
    p.selection = ranking.sentence();
    for v in views {
        let c = v.candidate;
        let rank = v.place.map_or_else(String::new, |(k, place)| {
            let within = if place.within {
                "在名额内"
            } else {
                "超出尚余名额"
            };
            match place.after.to_string() {
                tie if tie.is_empty() => format!("第 {k} 名，{within}"),
                tie => format!("第 {k} 名，{within}（{tie}）"),
            }
        });
        p.candidates.push(CandidateLine {
            key: st.person_ref(v.person),
            village_name: l.village_name(&v.village),
            name: l.name(v.person),
            person_id: masked(v.person),
            age: format!("{}（{}）", v.age.reason, v.age.rule.citation()),
            age_ok: v.age.outcome,
            score: v.score.normalize().to_string(),
            rank,
            current_pay: format!("{:.2}", v.current_pay),
            pay: v.pay.map_or_else(
                || "本年度镇街年度设置（参照工资、系数）未登记".into(),
                |d| format!("{}（{}）", d.outcome, d.rule.citation()),
            ),
            state: v.state.map_or("", |s| s.label()),
            seen: v.state.map_or("none", |s| s.code()),
            note: c.map_or_else(String::new, |c| c.note.clone()),
            comment: match c {
                Some(YoungCandidate {
                    extended_to: Some(d),
                    state: YoungState::ExtensionProposed | YoungState::Extended,
                    comment,
                    ..
                }) => format!("延长至 {d}；{comment}"),
                Some(c) => c.comment.clone(),
                None => String::new(),
            },
            moves: v
                .moves
                .into_iter()
                .map(|k| MoveButton {
                    kind: k.code(),
                    label: k.label(),
                    comment: matches!(
                        k,
                        YoungMoveKind::Deselect
                            | YoungMoveKind::Return
                            | YoungMoveKind::ProposeExtension
                            | YoungMoveKind::Extend
                            | YoungMoveKind::DeclineExtension
                    ),
                    excellent: k == YoungMoveKind::ProposeExtension,
                })
                .collect(),
        });
    }
    p.candidates
        .sort_by(|x, y| (&x.village_name, &x.name).cmp(&(&y.village_name, &y.name)));
    p.moves = l
        .moves
        .iter()
        .map(|m| MoveLine {
            who: l.name(&m.entry.person),
            kind: m.entry.kind.label(),
            to: m.entry.to.label(),
            comment: m.entry.comment.clone(),
            by: m.by.clone(),
            at: china_time(m.at),
        })
        .collect();
    p.may_score = l.may_score(&a, params, today);
    p.eligible = l
        .eligible(params, today)
        .into_iter()
        .map(|e| {
            (
                st.person_ref(e.person),
                format!(
                    "{}（{}）",
                    person_option(&l.village_name(&e.village), &l.name(e.person), e.person),
                    e.age.reason
                ),
            )
        })
        .collect();
    p.eligible.sort_by(|a, b| a.1.cmp(&b.1));
    exits(st, p, l, &a);
}

/// The exit form (for whoever may record an exit) and the exits on
/// record.
fn exits(st: &AppState, p: &mut YoungPage, l: &YoungTown, a: &touyan_workflow::Actor<'_>) {
    let village_of = |id: &CitizenId| {
        l.cadre_rows(id)
            .first()
            .map_or_else(String::new, |y| l.village_name(&y.village))
    };
    if young_exit::may(a, l) {
        p.exit_reasons = ExitReason::YOUNG
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect();
        p.exit_people = l
            .may_exit()
            .into_iter()
            .map(|id| {
                (
                    st.person_ref(id),
                    person_option(&village_of(id), &l.name(id), id),
                )
            })
            .collect();
        p.exit_people.sort_by(|a, b| a.1.cmp(&b.1));
    }
    p.exits = l
        .people()
        .into_iter()
        .filter_map(|id| {
            l.exit(id).map(|x| ExitLine {
                who: format!("{} {}", village_of(id), l.name(id)),
                on: x.on.to_string(),
                reason: x.reason.label(),
                note: x.note.clone(),
            })
        })
        .collect();
    p.exits
        .sort_by(|a, b| (&a.on, &a.who).cmp(&(&b.on, &b.who)));
}
