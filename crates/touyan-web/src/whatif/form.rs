//! `GET /whatif`: the what-if page — a town's villagers' committees with
//! their facts of the year before in a form, and the parameters of
//! Articles 1 and 13 that may be changed; the same page shows the results
//! (`compute.rs`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_records::model::Records;
use touyan_records::{CommitteeKind, TownCode};
use touyan_rules::Policy;
use touyan_rules::decision::article_zh;

use crate::http::{PageError, SignedIn, act};
use crate::pages::{Chrome, render};
use crate::roles::Action;
use crate::state::{AppState, User};

#[derive(Deserialize, Default)]
pub struct WhatIfQuery {
    year: Option<String>,
    town: Option<String>,
}

/// A village's facts as the form shows them.
pub struct FactLine {
    pub village: String,
    pub name: String,
    pub stars: String,
    pub income: String,
    pub rank: String,
}

/// One side of a changed decision.
pub struct Side {
    pub decision: String,
    pub reasons: Vec<String>,
}

/// One parameter the what-if page lets the user change (Articles 1 and
/// 13), by its article and meaning; its dotted name only in the field's
/// name and a tooltip.
pub struct ParamLine {
    /// The policy's name (`inclusion.collective_income_min_wan`).
    pub name: String,
    /// "第一条第二款".
    pub article: String,
    pub meaning: String,
    pub unit: String,
    /// In force on the year's first day.
    pub current: String,
    /// What the form sends (the current value until changed).
    pub value: String,
}

pub struct ChangeLine {
    pub village_name: String,
    pub before: Side,
    pub after: Side,
}

#[derive(Template)]
#[template(path = "whatif/form.html")]
pub(super) struct WhatIfPage {
    chrome: Chrome,
    year: i32,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    pub(super) error: Option<String>,
    pub(super) facts: Vec<FactLine>,
    pub(super) params: Vec<ParamLine>,
    /// A parameter was changed (its part of the form stays open).
    pub(super) params_changed: bool,
    pub(super) computed: bool,
    pub(super) summary: Vec<(String, String, String)>,
    pub(super) changes: Vec<ChangeLine>,
}

/// The parameters of Articles 1 and 13 in force on `year`'s first day,
/// each with its current value as the field's value.
fn param_lines(policy: &Policy, year: i32) -> Vec<ParamLine> {
    let on = time::Date::from_calendar_date(year, time::Month::January, 1).ok();
    policy
        .entries
        .iter()
        .filter(|e| e.article == 1 || e.article == 13)
        .filter_map(|e| {
            let value = match on.and_then(|d| e.in_force(d))?.value.as_ref()?.to_string() {
                b if b == "true" => "是".to_owned(),
                b if b == "false" => "否".to_owned(),
                v => v,
            };
            Some(ParamLine {
                name: e.spec.name.to_owned(),
                article: format!("第{}条{}", article_zh(e.article), e.clause),
                meaning: e.note.clone(),
                unit: e.unit.clone(),
                current: value.clone(),
                value,
            })
        })
        .collect()
}

pub(super) fn empty_page(
    user: &User,
    year: i32,
    town: Option<TownCode>,
    towns: Vec<(String, String)>,
    policy: &Policy,
) -> WhatIfPage {
    WhatIfPage {
        chrome: Chrome::new(&format!("{year} 年度模拟测算"), Some(user), "/whatif"),
        year,
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        towns,
        problem: None,
        error: None,
        facts: Vec::new(),
        params: param_lines(policy, year),
        params_changed: false,
        computed: false,
        summary: Vec::new(),
        changes: Vec::new(),
    }
}

/// The facts of the year before of the town's villagers' committees.
pub(super) fn facts_of(r: &Records, year: i32, town: TownCode) -> Vec<FactLine> {
    let mut out: Vec<FactLine> = r
        .villages
        .iter()
        .filter(|v| v.kind == CommitteeKind::Villagers && v.code.town() == town)
        .map(|v| {
            let f = r
                .village_years
                .iter()
                .find(|y| y.village == v.code && y.year == year - 1);
            FactLine {
                village: v.code.as_str().to_owned(),
                name: v.name.clone(),
                stars: f.map_or_else(String::new, |f| f.stars.to_string()),
                income: f.map_or_else(String::new, |f| {
                    f.collective_income_wan.normalize().to_string()
                }),
                rank: f
                    .and_then(|f| f.assessment_rank)
                    .map_or_else(String::new, |r| r.to_string()),
            }
        })
        .collect();
    out.sort_by(|a, b| a.village.cmp(&b.village));
    out
}

pub async fn form(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::WhatIf>,
    Query(q): Query<WhatIfQuery>,
) -> Result<Response, PageError> {
    let year = crate::scope::year_of(&st, q.year.as_deref()).ok_or(PageError::NotFound)?;
    let town =
        crate::scope::page_town(&user, q.town.as_deref()).map_err(|()| PageError::NotFound)?;
    let towns = st.reader(&user).towns().await?;
    let Some(town) = town else {
        // A city role with no town chosen: the towns to open.
        return super::city::page(&st, &user, year, towns).await;
    };
    let mut p = empty_page(&user, year, Some(town), towns, st.policy());
    let desk = st.town_desk(&user, Action::WhatIf, &town)?;
    let r = desk.store().cycle_records_for(year, Some(town)).await?;
    p.facts = facts_of(&r, year, town);
    Ok(render(&p, StatusCode::OK))
}
