//! Young cadres in the browser (issue 5, item 4; Article 10), read from
//! the records: a town's young cadres against the 30% cap, each one's age
//! against the limit (and the extension an excellent cadre who ages out
//! may have), and the month's pay from the reference salary, factor and
//! subsidies with "keeps the higher pay" shown (the young-cadre export's
//! builder). Records come in through the import.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use touyan_excel::reports;
use touyan_records::CommitteeKind;
use touyan_records::model::Labelled;
use touyan_rules::art10_young_cadres;

use crate::pages::{Chrome, internal, masked, not_found_page, render, signed_in};
use crate::roles::Action;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct YoungQuery {
    month: Option<String>,
    town: Option<String>,
}

pub struct YoungLine {
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub education: String,
    pub age: String,
    pub age_ok: bool,
    pub extension: String,
    pub factor: String,
    pub base: String,
    pub subsidies: String,
    pub total: String,
    pub current: String,
    pub kept: bool,
}

#[derive(Template)]
#[template(path = "young.html")]
struct YoungPage {
    chrome: Chrome,
    month: String,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    cap: String,
    over_cap: bool,
    salary: String,
    lines: Vec<YoungLine>,
    total: String,
    example: bool,
}

pub async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<YoungQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Young).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let month = match q.month.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => st.today().replace_day(1).ok(),
        Some(s) => reports::parse_month(s),
    };
    let Some(month) = month else {
        return not_found_page();
    };
    let Ok(town) = crate::scope::page_town(&user, q.town.as_deref()) else {
        return not_found_page();
    };
    let towns = match st.reader(&user).towns().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let month_text = format!("{:04}-{:02}", month.year(), u8::from(month.month()));
    let mut p = YoungPage {
        chrome: Chrome::new(&format!("{month_text} 优才计划"), Some(&user), "/young"),
        month: month_text,
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        towns,
        problem: None,
        cap: String::new(),
        over_cap: false,
        salary: String::new(),
        lines: Vec::new(),
        total: String::new(),
        example: false,
    };
    let Some(town) = town else {
        p.problem = Some("请选择镇街区".into());
        return render(&p, StatusCode::OK);
    };
    let Some(store) = st.unscoped_for(&user, Action::Young) else {
        return crate::pages::forbidden();
    };
    let r = match store.young_records(month.year(), town).await {
        Ok(r) => r,
        Err(e) => return internal(e.into()),
    };
    let params = match st.policy().resolve(month) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(format!("政策参数无法用于 {}：{e}", p.month));
            return render(&p, StatusCode::OK);
        }
    };
    let villages = r
        .villages
        .iter()
        .filter(|v| v.kind == CommitteeKind::Villagers)
        .count() as u32;
    let cap = art10_young_cadres::cap(&params, villages);
    p.over_cap = r.young_cadres.len() as u32 > cap.outcome;
    p.cap = format!(
        "在册 {} 人；{}（{}）",
        r.young_cadres.len(),
        cap.reason,
        cap.rule.citation()
    );
    let today = st.today();
    match reports::young(&r, &params, month, None, None, Some(town)) {
        Err(e) => p.problem = Some(e.0),
        Ok(x) => {
            p.salary = x
                .town_salaries
                .iter()
                .map(|s| {
                    format!(
                        "{}：镇街新入职事业人员实发工资 {:.2} 元/月，系数 {}",
                        s.town_name,
                        s.salary,
                        s.factor.normalize()
                    )
                })
                .collect::<Vec<_>>()
                .join("；");
            p.total = format!("{:.2}", x.total());
            p.example = x.example_amounts;
            p.lines = x
                .rows
                .iter()
                .map(|row| {
                    let age = art10_young_cadres::age(&params, row.who.person.birth_date(), today);
                    let start = r
                        .young_cadres
                        .iter()
                        .find(|y| y.person == row.who.person)
                        .map(|y| y.programme_start);
                    let extension = match (age.outcome, start) {
                        (false, Some(s)) => art10_young_cadres::extension(&params, s, today, true)
                            .reason
                            .replace("综合考核优秀，", "若综合考核优秀："),
                        _ => String::new(),
                    };
                    YoungLine {
                        village_name: row.who.village_name.clone(),
                        name: row.who.name.clone(),
                        person_id: masked(&row.who.person),
                        education: format!(
                            "{}{}",
                            row.education.label(),
                            if row.full_time { "（全日制）" } else { "" }
                        ),
                        age: age.reason.to_string(),
                        age_ok: age.outcome,
                        extension,
                        factor: row.factor.normalize().to_string(),
                        base: format!("{:.2}", row.base),
                        subsidies: format!("{:.2} + {:.2}", row.city_subsidy, row.town_subsidy),
                        total: format!("{:.2}", row.total),
                        current: format!("{:.2}", row.current_pay),
                        kept: row.kept_current,
                    }
                })
                .collect();
        }
    }
    render(&p, StatusCode::OK)
}
