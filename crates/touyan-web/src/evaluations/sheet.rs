//! The result sheet of a closed evaluation, for printing (评价结果表;
//! issue 5, item 7).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use touyan_office::evaluation as office;
use touyan_records::model::{Labelled, RaterGroup};

use super::{half_label, open_view};
use crate::http::{PageError, SignedIn, act};
use crate::pages::{masked, message_page, render};
use crate::state::AppState;

/// One rater group's ballots on the sheet.
pub struct SheetGroup {
    pub label: &'static str,
    pub counts: [u32; 3],
    pub total: u32,
}

/// One secretary on the sheet.
pub struct SheetRow {
    pub n: usize,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub groups: Vec<SheetGroup>,
    /// The rate of Party members and public representatives ("无有效票"
    /// when they cast none).
    pub rate: String,
    pub reason: String,
    /// The case the rate opened, and where it stands ("无" when none).
    pub case: String,
}

#[derive(Template)]
#[template(path = "evaluations/sheet.html")]
struct SheetPage {
    title: String,
    town_name: String,
    half_text: String,
    closed_on: String,
    printed_on: String,
    rule_text: String,
    rows: Vec<SheetRow>,
    /// The evaluation's page (the sheet's 返回).
    back: String,
}

/// `GET /evaluations/{year}/{half}/{town}/print`: the evaluation result
/// sheet (评价结果表) of a closed evaluation, for A4: each secretary's
/// ballots per rater group as stored at closing, the rate and the case it
/// opened. Refused before closing (nothing of the votes is shown until
/// then).
pub async fn print(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Evaluations>,
    Path((year, half, town)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let (_, v) = open_view(&st, &user, &year, &half, &town).await?;
    let current = v.th.eval.as_ref().map(|e| e.state);
    let closed_on = v.th.eval.as_ref().and_then(|e| e.closed_on);
    let (true, Some(closed_on)) = (v.th.results_visible(), closed_on) else {
        return Ok(message_page(
            StatusCode::CONFLICT,
            "评价尚未结束",
            &format!(
                "{} {} 年{}胜任度评价{}。评价结束前不显示票数，结束评价后才能打印评价结果表（第十二条）。",
                v.town_name,
                v.th.year,
                half_label(v.th.half),
                current.map_or("尚未开始".to_owned(), |s| format!(
                    "当前状态为“{}”",
                    s.label()
                ))
            ),
        ));
    };
    let params =
        v.th.params(st.policy(), st.today())
            .map_err(|e| PageError::Internal(e.to_string()))?;
    let rows =
        v.th.listed
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let groups = RaterGroup::ALL
                    .iter()
                    .map(|&g| {
                        let counts = v.th.ballot_counts(&l.person, g);
                        SheetGroup {
                            label: g.label(),
                            counts,
                            total: counts.iter().sum(),
                        }
                    })
                    .collect();
                let (rate, reason) = match v.th.rate(&params, &l.person) {
                    Some(d) => {
                        let pct = d.outcome.rate.to_decimal(6) * rust_decimal::Decimal::ONE_HUNDRED;
                        (
                            format!("{}%", pct.round_dp(2).normalize()),
                            format!("{}（{}）", d.reason, d.rule.citation()),
                        )
                    }
                    None => ("无有效票".to_owned(), String::new()),
                };
                let case =
                    v.th.cases
                        .iter()
                        .find(|c| c.person == l.person)
                        .map_or_else(
                            || "无".to_owned(),
                            |c| format!("{}（{}）", c.kind.label(), v.th.case_state(c)),
                        );
                SheetRow {
                    n: i + 1,
                    village_name: l.village_name.clone(),
                    name: l.name.clone(),
                    person_id: masked(&l.person),
                    groups,
                    rate,
                    reason,
                    case,
                }
            })
            .collect();
    Ok(render(
        &SheetPage {
            title: format!(
                "村党组织书记胜任度评价结果表（{} 年{}）",
                v.th.year,
                half_label(v.th.half)
            ),
            town_name: v.town_name,
            half_text: format!("{} 年{}", v.th.year, half_label(v.th.half)),
            closed_on: closed_on.to_string(),
            printed_on: st.today().to_string(),
            rule_text: format!(
                "胜任率按党员、群众代表的测评票计算：达不到 {} 的由镇街党(工)委约谈，达不到 {} 且确实不能胜任的退出专业化管理；包村干部、镇街党(工)委测评结果作为次年调整队伍的参考（{}）。",
                params.competency_interview_below.value,
                params.competency_exit_below.value,
                office::citation()
            ),
            rows,
            back: format!(
                "/evaluations/{}/{}/{}",
                v.th.year,
                v.th.half,
                v.th.town.as_str()
            ),
        },
        StatusCode::OK,
    ))
}
