//! The selection on the young-cadre page: the candidates and cadres on
//! the programme with the moves the user may make, the selection order
//! (Article 10's ranking against the places left), the moves' history
//! and who may be scored — as `touyan_office::young` decides them.

use touyan_office::corrections::Target;
use touyan_office::young::YoungTown;
use touyan_office::young_exit;
use touyan_records::CitizenId;
use touyan_records::model::{ExitReason, Labelled, YoungCandidate, YoungMoveKind, YoungState};

use super::town::{ExitLine, YoungPage};
use crate::masking::person_option;
use crate::pages::{Look, masked};
use crate::scope::actor;
use crate::state::{AppState, User, china_time};

/// A move button of a candidate.
pub struct MoveButton {
    pub kind: &'static str,
    pub label: &'static str,
    pub comment: bool,
    pub excellent: bool,
    pub look: Look,
    /// What is asked before the move ("" for none).
    pub confirm: String,
}

/// How a candidate's move looks and what it asks first, naming the
/// candidate (`who`: "东村村委会 张三").
fn look_of(kind: YoungMoveKind, who: &str) -> (Look, String) {
    match kind {
        YoungMoveKind::Score => (Look::Primary, String::new()),
        YoungMoveKind::Select => (
            Look::Primary,
            format!("确定{who}为年轻干部人选？确定后报市委组织部备案。"),
        ),
        YoungMoveKind::Deselect => (Look::Danger, format!("撤销{who}的年轻干部人选？")),
        YoungMoveKind::File => (
            Look::Primary,
            format!("确认为年轻干部人选{who}备案？备案后按第十条发放年轻干部报酬。"),
        ),
        YoungMoveKind::Return => (Look::Danger, format!("将年轻干部人选{who}退回镇街？")),
        YoungMoveKind::ProposeExtension => (
            Look::Primary,
            format!("确认提请延长{who}享受年轻干部待遇的期限，报市委组织部审批？"),
        ),
        YoungMoveKind::Extend => (
            Look::Primary,
            format!("批准延长{who}享受年轻干部待遇的期限？"),
        ),
        YoungMoveKind::DeclineExtension => (
            Look::Danger,
            format!("确认对{who}不予延长？期满当月以后不再发放年轻干部报酬。"),
        ),
        YoungMoveKind::Unfile => (
            Look::Danger,
            format!(
                "撤销{who}的年轻干部备案？撤销后退回镇街，不再发放年轻干部报酬，备案时列入的书记后备人员一并撤回。"
            ),
        ),
    }
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
        let (village_name, name) = (l.village_name(&v.village), l.name(v.person));
        let who = format!("{village_name} {name}");
        p.candidates.push(CandidateLine {
            key: st.person_ref(v.person),
            village_name,
            name,
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
                .map(|k| {
                    let (look, confirm) = look_of(k, &who);
                    MoveButton {
                        kind: k.code(),
                        label: k.label(),
                        comment: matches!(
                            k,
                            YoungMoveKind::Deselect
                                | YoungMoveKind::Return
                                | YoungMoveKind::ProposeExtension
                                | YoungMoveKind::Extend
                                | YoungMoveKind::DeclineExtension
                                | YoungMoveKind::Unfile
                        ),
                        excellent: k == YoungMoveKind::ProposeExtension,
                        look,
                        confirm,
                    }
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
            by: l.signers.name(&m.by),
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
                correct: if young_exit::may(a, l) {
                    crate::pages::corrections::link(
                        st,
                        l.town,
                        x.on.year(),
                        &Target::Exit {
                            person: x.person.clone(),
                            on: x.on,
                            programme: x.programme,
                        },
                    )
                } else {
                    String::new()
                },
            })
        })
        .collect();
    p.exits
        .sort_by(|a, b| (&a.on, &a.who).cmp(&(&b.on, &b.who)));
}
