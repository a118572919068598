//! `POST /whatif`: the form's facts applied to the town's records and
//! its "name = value" lines to a copy of the policy, in memory; the town
//! decided before and after by `touyan_cycle::run`, and the decisions that
//! change compared by `touyan_cycle::whatif`, each side with its failed
//! checks' reasons. Nothing is written.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rust_decimal::Decimal;
use touyan_cycle::whatif;
use touyan_cycle::{SecretaryProposal, TownProposal};
use touyan_records::model::{Records, VillageYear};
use touyan_rules::Policy;
use touyan_rules::art13_pay::tier_zh;
use touyan_rules::policy::Raw;

use super::form::{ChangeLine, FactLine, ParamLine, Side, WhatIfPage, empty_page, facts_of};
use crate::http::{PageError, SignedForm, act};
use crate::pages::render;
use crate::roles::Action;
use crate::state::AppState;

/// Applies the form's facts to the records; `Err` names a bad value.
fn apply_facts(
    r: &mut Records,
    year: i32,
    form: &[(String, String)],
    facts: &[FactLine],
) -> Result<(), String> {
    for f in facts {
        let stars = crate::scope::field(form, &format!("stars_{}", f.village));
        let income = crate::scope::field(form, &format!("income_{}", f.village));
        let rank = crate::scope::field(form, &format!("rank_{}", f.village));
        if (stars, income, rank) == (f.stars.as_str(), f.income.as_str(), f.rank.as_str()) {
            continue;
        }
        let stars: u8 = stars
            .parse()
            .ok()
            .filter(|s| *s <= 9)
            .ok_or_else(|| format!("{} 的星级“{stars}”应为 0 至 9 的整数", f.name))?;
        let income: Decimal = income
            .parse()
            .map_err(|_| format!("{} 的集体经济收入“{income}”不是数字", f.name))?;
        let rank: Option<u32> = match rank {
            "" => None,
            x => Some(
                x.parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| format!("{} 的考核名次“{x}”应为正整数", f.name))?,
            ),
        };
        let Ok(code) = touyan_records::VillageCode::parse(&f.village) else {
            continue;
        };
        match r
            .village_years
            .iter_mut()
            .find(|y| y.village == code && y.year == year - 1)
        {
            Some(y) => {
                y.stars = stars;
                y.collective_income_wan = income;
                y.assessment_rank = rank;
            }
            None => r.village_years.push(VillageYear {
                village: code,
                year: year - 1,
                stars,
                collective_income_wan: income,
                assessment_score: None,
                assessment_rank: rank,
            }),
        }
    }
    Ok(())
}

/// The form's parameter values (`param.<name>`) on a copy of the
/// policy: each one changed from the value in force overrides it; the
/// page then shows what was sent. A refusal names the parameter by its
/// article and meaning.
fn apply_params(
    policy: &Policy,
    lines: &mut [ParamLine],
    form: &[(String, String)],
) -> Result<Policy, String> {
    let mut p = policy.clone();
    for l in lines.iter_mut() {
        let sent = crate::scope::field(form, &format!("param.{}", l.name));
        let value: String = sent.trim().chars().take(40).collect();
        if value.is_empty() || value == l.current {
            continue;
        }
        l.value = value.clone();
        let raw = match value.as_str() {
            "是" | "true" => Raw::Bool(true),
            "否" | "false" => Raw::Bool(false),
            v if v.parse::<Decimal>().is_ok() => Raw::Number(v),
            v => Raw::Text(v),
        };
        p.set_override(&l.name, raw)
            .map_err(|e| format!("{}（{}）的模拟值“{value}”无效：{e}", l.meaning, l.article))?;
    }
    Ok(p)
}

fn side(s: Option<&SecretaryProposal>) -> Side {
    let Some(s) = s else {
        return Side {
            decision: "未测算（无在任书记）".into(),
            reasons: Vec::new(),
        };
    };
    let decision = match (s.eligible, s.tier) {
        (_, Some(t)) => format!("列入第 {} 位，{}档", s.place.unwrap_or(0), tier_zh(t)),
        (true, None) => "符合条件，名额已满未列入".into(),
        (false, None) => "不符合条件".into(),
    };
    // The failed checks' reasons; a proposal whose reasons cannot be read
    // says so instead.
    let reasons = match touyan_cycle::stored::check_lines(&s.reasons) {
        Ok(lines) => lines
            .into_iter()
            .filter(|c| !c.passed)
            .map(|c| c.detail)
            .collect(),
        Err(e) => vec![e],
    };
    Side { decision, reasons }
}

fn summary(before: &TownProposal, after: &TownProposal) -> Vec<(String, String, String)> {
    let t = |x: [u32; 3]| format!("{} / {} / {}", x[0], x[1], x[2]);
    vec![
        (
            "纳入名额".into(),
            before.inclusion_quota.to_string(),
            after.inclusion_quota.to_string(),
        ),
        (
            "符合条件".into(),
            before.eligible().to_string(),
            after.eligible().to_string(),
        ),
        (
            "列入名单".into(),
            before.included().to_string(),
            after.included().to_string(),
        ),
        (
            "一档 / 二档 / 三档".into(),
            t(before.tiers()),
            t(after.tiers()),
        ),
        (
            "优才计划上限".into(),
            before.young_cadre_cap.to_string(),
            after.young_cadre_cap.to_string(),
        ),
    ]
}

/// `POST /whatif`: compute with the form's facts (`stars_<village>`,
/// `income_<village>`, `rank_<village>`) and parameters (`param.<name>`,
/// one field each), `year`, `town`, `csrf`. Nothing is written.
pub async fn compute(
    State(st): State<AppState>,
    SignedForm { user, form, .. }: SignedForm<act::WhatIf, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let year = crate::scope::year_of(&st, Some(crate::scope::field(&form, "year")))
        .ok_or(PageError::NotFound)?;
    // Another town's name in the form answers as a missing town.
    let Ok(Some(town)) = crate::scope::page_town(&user, Some(crate::scope::field(&form, "town")))
    else {
        return Err(PageError::NotFound);
    };
    let towns = st.reader(&user).towns().await?;
    if !towns.iter().any(|(c, _)| c == town.as_str()) {
        return Err(PageError::NotFound);
    }
    let desk = st.town_desk(&user, Action::WhatIf, &town)?;
    let records = desk.store().cycle_records_for(year, Some(town)).await?;
    let mut p = empty_page(&user, year, Some(town), towns, st.policy());
    p.facts = facts_of(&records, year, town);
    let refuse = |mut p: WhatIfPage, m: String| {
        p.error = Some(m);
        render(&p, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let applied = apply_params(st.policy(), &mut p.params, &form);
    p.params_changed = p.params.iter().any(|l| l.value != l.current);
    let policy = match applied {
        Ok(x) => x,
        Err(m) => return Ok(refuse(p, m)),
    };
    let mut changed = records.clone();
    if let Err(m) = apply_facts(&mut changed, year, &form, &p.facts) {
        return Ok(refuse(p, m));
    }
    // The form shows what was asked.
    for f in &mut p.facts {
        f.stars = crate::scope::field(&form, &format!("stars_{}", f.village)).to_owned();
        f.income = crate::scope::field(&form, &format!("income_{}", f.village)).to_owned();
        f.rank = crate::scope::field(&form, &format!("rank_{}", f.village)).to_owned();
    }
    let run = |r: &Records, policy: &Policy| {
        touyan_cycle::run(r, year, Some(town), policy, 1, &|_| {})
            .map_err(|e| e.0.join("；"))
            .and_then(|mut x| {
                x.towns
                    .pop()
                    .ok_or_else(|| "该镇街没有可测算的村".to_owned())
            })
    };
    let (before, after) = match (run(&records, st.policy()), run(&changed, &policy)) {
        (Ok(b), Ok(a)) => (b, a),
        (Err(m), _) | (_, Err(m)) => return Ok(refuse(p, m)),
    };
    p.computed = true;
    p.summary = summary(&before, &after);
    let names: std::collections::HashMap<&str, &str> = p
        .facts
        .iter()
        .map(|f| (f.village.as_str(), f.name.as_str()))
        .collect();
    p.changes = whatif::changed(&before, &after)
        .into_iter()
        .map(|c| ChangeLine {
            village_name: names
                .get(c.village())
                .map_or_else(|| c.village().to_owned(), |n| (*n).to_owned()),
            before: side(c.before),
            after: side(c.after),
        })
        .collect();
    Ok(render(&p, StatusCode::OK))
}
