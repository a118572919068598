//! `GET /pay/{month}/{town}`: a town's run page — what the month pays and
//! why, the totals per funding source, the young cadres' pay, the stored
//! run and what changed since it was computed, the moves the user may make
//! and the run's history.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use touyan_records::model::{Labelled, PayMoveKind, PayRecord};
use touyan_reports::{self as reports, Payments, Young};
use touyan_rules::art13_pay::tier_zh;

use super::view::{View, open_run};
use super::{month_text, state_label, yuan};
use crate::http::{PageError, SignedIn, act};
use crate::pages::{Chrome, Look, masked, render};
use crate::roles::Action;
use crate::scope::actor;
use crate::state::{AppState, User, china_time};

pub struct PayLine {
    pub n: usize,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub tier: String,
    pub amount: String,
    pub source: &'static str,
}

/// One young cadre's month (Article 10).
pub struct YoungLine {
    pub n: usize,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub base: String,
    pub city_subsidy: String,
    pub town_subsidy: String,
    pub total: String,
    /// "现报酬高于标准，按高标准执行" and the like, with the article.
    pub note: String,
}

pub struct MoveView {
    pub seq: u32,
    pub label: &'static str,
    pub to: &'static str,
    pub comment: String,
    pub by: String,
    pub at: String,
}

pub struct Button {
    pub code: &'static str,
    pub label: &'static str,
    pub look: Look,
    /// What is asked before the move.
    pub confirm: String,
}

/// How a move's button looks and what it asks first: `run` names the
/// town's month ("化龙镇 2026-03 补贴发放"), `now` what it pays as the
/// records stand and `stored` what was saved ("3 人，4500.00 元").
fn look_of(kind: PayMoveKind, run: &str, now: &str, stored: &str) -> (Look, String) {
    match kind {
        PayMoveKind::Compute => (
            Look::Primary,
            format!("按现有名单和记录计算{run}（本月合计 {now} 元）并保存，送镇街审核？"),
        ),
        PayMoveKind::Review => (
            Look::Primary,
            format!("确认{run}（{stored}）审核通过，报市级批准？"),
        ),
        PayMoveKind::Approve => (
            Look::Primary,
            format!("批准{run}（{stored}）？批准后财政即按此发放。"),
        ),
        PayMoveKind::Return => (
            Look::Danger,
            format!("将{run}（{stored}）退回镇街？退回后须镇街重新计算、审核。"),
        ),
        PayMoveKind::Pay => (
            Look::Primary,
            format!("确认{run}（{stored}）已经发放？确认后不能撤回。"),
        ),
    }
}

#[derive(Template)]
#[template(path = "pay/town.html")]
pub(super) struct RunPage {
    chrome: Chrome,
    pub(super) month: String,
    pub(super) town: String,
    pub(super) town_name: String,
    pub(super) state: &'static str,
    state_code: String,
    comment: String,
    stored: String,
    changed: Option<String>,
    pub(super) lines: Vec<PayLine>,
    pub(super) by_source: Vec<(String, u32, String)>,
    pub(super) total: String,
    pub(super) young_lines: Vec<YoungLine>,
    pub(super) young_total: String,
    young_problem: Option<String>,
    pub(super) run_total: String,
    not_paid: Vec<String>,
    problem: Option<String>,
    pub(super) example: bool,
    error: Option<String>,
    buttons: Vec<Button>,
    moves: Vec<MoveView>,
    can_download: bool,
    /// The one-card file: whether it may be taken, who has no account
    /// (`None` where the page is shown after a refused move or file).
    pub(super) one_card: Option<super::OneCardStatus>,
    /// Each person's whole pay of the month by part, and per channel.
    whole: crate::pages::WholeView,
}

fn lines_of(x: &Payments) -> Vec<PayLine> {
    x.rows
        .iter()
        .enumerate()
        .map(|(i, r)| PayLine {
            n: i + 1,
            village_name: r.who.village_name.clone(),
            name: r.who.name.clone(),
            person_id: masked(&r.who.person),
            tier: format!("{}档", tier_zh(r.tier)),
            amount: format!("{:.2}", r.amount),
            source: r.source.label(),
        })
        .collect()
}

fn young_lines_of(y: &Young) -> Vec<YoungLine> {
    y.rows
        .iter()
        .enumerate()
        .map(|(i, r)| YoungLine {
            n: i + 1,
            village_name: r.who.village_name.clone(),
            name: r.who.name.clone(),
            person_id: masked(&r.who.person),
            base: format!("{:.2}", r.base),
            city_subsidy: format!("{:.2}", r.city_subsidy),
            town_subsidy: format!("{:.2}", r.town_subsidy),
            total: format!("{:.2}", r.total),
            note: if r.kept_current {
                format!(
                    "现报酬 {:.2} 元高于标准，按高标准执行（第十条）",
                    r.current_pay
                )
            } else {
                format!(
                    "参照工资 {} 元 × 系数 {}（第十条）",
                    r.reference_salary.normalize(),
                    r.factor.normalize()
                )
            },
        })
        .collect()
}

/// The run's totals per funding source (`touyan_reports::by_source`),
/// as the page shows them.
fn by_source_of(records: &[PayRecord]) -> Vec<(String, u32, String)> {
    reports::by_source(records)
        .into_iter()
        .map(|(s, people, fen)| (s.label().to_owned(), people, yuan(fen)))
        .collect()
}

// One piece: it lays out one page in the order it shows its parts.
pub(super) fn page(user: &User, v: View, error: Option<String>) -> RunPage {
    let View {
        town_name,
        tm: v,
        whole: (whole, _),
        signers,
    } = v;
    let whole = crate::pages::whole_view(&whole);
    let current = v.current();
    let now_records = v.pay.town_records(v.town).map_err(|r| r.0);
    let changed = v.changed_since_computed().map(|c| {
        format!(
            "名单、档次、年轻干部或退出记录在{}之后有变化：现应发 {} 元，已保存 {} 元{}",
            c.state.label(),
            yuan(c.now_fen),
            yuan(c.stored_fen),
            if c.recompute {
                "，请重新计算"
            } else {
                ""
            }
        )
    });
    let (by_source, run_total) = match &now_records {
        Ok(r) => (by_source_of(r), yuan(r.iter().map(|r| r.amount_fen).sum())),
        Err(_) => (Vec::new(), "0.00".into()),
    };
    let (young_lines, young_total, young_problem) = match v.pay.young_result() {
        Ok(Some(y)) => (young_lines_of(y), format!("{:.2}", y.total()), None),
        Ok(None) => (Vec::new(), "0.00".into(), None),
        Err(m) => (
            Vec::new(),
            "0.00".into(),
            Some(format!("年轻干部报酬无法计算：{m}")),
        ),
    };
    let (lines, total, not_paid, problem, example) = match &v.pay.subsidies {
        Ok(x) => (
            lines_of(x),
            format!("{:.2}", x.total),
            x.not_paid
                .iter()
                .map(|n| {
                    format!(
                        "{} {}：{} {}",
                        n.who.village_name,
                        n.who.name,
                        n.exit.on,
                        n.exit.reason.label()
                    )
                })
                .collect(),
            None,
            x.example_amounts,
        ),
        Err(m) => (
            Vec::new(),
            "0.00".into(),
            Vec::new(),
            Some(m.0.clone()),
            false,
        ),
    };
    let example = example || v.amounts().example;
    let stored = v.run.as_ref().map_or_else(String::new, |r| {
        format!("{} 人，{} 元", r.people, yuan(r.total_fen))
    });
    let run = format!("{} {} 补贴发放", town_name, month_text(v.month));
    let buttons = v
        .moves_for(&actor(user))
        .into_iter()
        .map(|k| {
            let (look, confirm) = look_of(k, &run, &run_total, &stored);
            Button {
                code: k.code(),
                label: k.label(),
                look,
                confirm,
            }
        })
        .collect();
    RunPage {
        chrome: Chrome::new(
            &format!("{} {} 专业化补贴发放", town_name, month_text(v.month)),
            Some(user),
            "/pay",
        ),
        month: month_text(v.month),
        town: v.town.as_str().to_owned(),
        town_name,
        state: state_label(current),
        state_code: current.map_or("none", |s| s.code()).to_owned(),
        comment: v
            .run
            .as_ref()
            .map(|r| r.comment.clone())
            .unwrap_or_default(),
        stored,
        changed,
        lines,
        by_source,
        total,
        young_lines,
        young_total,
        young_problem,
        run_total,
        not_paid,
        problem,
        example,
        error,
        buttons,
        moves: v
            .moves
            .into_iter()
            .map(|m| MoveView {
                seq: m.entry.seq,
                label: m.entry.kind.label(),
                to: m.entry.to.label(),
                comment: m.entry.comment,
                by: signers.name(&m.by),
                at: china_time(m.at),
            })
            .collect(),
        can_download: user.may(Action::Export),
        one_card: None,
        whole,
    }
}

pub async fn town_page(
    State(st): State<AppState>,
    SignedIn { user, origin, .. }: SignedIn<act::Pay>,
    Path((month, town)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (_, v) = open_run(&st, &user, &month, &town).await?;
    let one_card = super::one_card::status(&st, &user, &origin, &v).await?;
    let mut p = page(&user, v, None);
    p.one_card = Some(one_card);
    Ok(render(&p, StatusCode::OK))
}
