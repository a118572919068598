//! Young-cadre pay.

use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use time::Date;
use touyan_records::model::{Records, YoungCadre};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::num::round_fen;
use touyan_rules::people::{Degree, Education};
use touyan_rules::{Params, art10_young_cadres};

use crate::{
    Index, Refusal, Who, count_towns, exits_before, in_scope, month_end, month_zh, scope_suffix,
};

/// One young cadre's pay for the month, each amount rounded to the fen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YoungRow {
    pub who: Who,
    /// The highest level earned in full-time study (全日制): what the
    /// subsidies look at (Article 10).
    pub full_time_education: Option<Education>,
    /// The highest level earned in service (在职).
    pub in_service_education: Option<Education>,
    pub factor: Decimal,
    pub base: Decimal,
    pub city_subsidy: Decimal,
    pub town_subsidy: Decimal,
    pub total: Decimal,
    pub current_pay: Decimal,
    /// The current pay is higher than the standard and is kept.
    pub kept_current: bool,
    /// The reference salary the base was computed from, yuan.
    pub reference_salary: Decimal,
}

/// The reference salary (镇街新入职事业人员实发工资) and the pay factor a
/// town's rows use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TownSalary {
    pub town: TownCode,
    pub town_name: String,
    /// Yuan a month.
    pub salary: Decimal,
    /// The salary is from the town's yearly settings (镇街年度设置);
    /// otherwise given for every town (`--reference-salary`).
    pub from_settings: bool,
    /// The young-cadre pay factor (Article 10): the town's yearly settings,
    /// or the one given for every town (`--factor`, see [`Young::factor`]).
    pub factor: Decimal,
}

/// Young-cadre pay of a month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Young {
    /// The month's first day.
    pub month: Date,
    /// The reference salary given for every town, overriding the towns'
    /// yearly settings; `None`: each town's settings for the year.
    pub reference_salary: Option<Decimal>,
    /// The pay factor given for every town, overriding the towns' yearly
    /// settings; `None`: each town's settings for the year.
    pub factor: Option<Decimal>,
    /// Each town's reference salary and factor, in town order.
    pub town_salaries: Vec<TownSalary>,
    pub scope: String,
    pub rows: Vec<YoungRow>,
    pub example_amounts: bool,
}

impl Young {
    /// What the month's pay comes to, yuan.
    pub fn total(&self) -> Decimal {
        self.rows.iter().map(|r| r.total).sum()
    }

    /// "4000 元/月" when every town's reference salary is the same,
    /// otherwise "按各镇街年度设置".
    pub fn salary_text(&self) -> String {
        match self.town_salaries.split_first() {
            Some((first, rest)) if rest.iter().all(|t| t.salary == first.salary) => {
                format!("{} 元/月", first.salary)
            }
            _ => "按各镇街年度设置".to_owned(),
        }
    }
}

/// The young cadres paid in `month` (its first day): filed and started by
/// the month's end, not exited before its first day, in `town` when given.
///
/// A person is paid once a month: with two programmes on record (a move
/// to another village, an import of the same person twice) only the one
/// started last counts, in its own town.
pub fn young_on_programme(r: &Records, month: Date, town: Option<TownCode>) -> Vec<&YoungCadre> {
    let end = month_end(month);
    let exited = exits_before(r, month);
    let mut latest: HashMap<&CitizenId, &YoungCadre> = HashMap::new();
    for y in r.young_cadres.iter().filter(|y| {
        y.programme_start <= end
            && y.filed_on.is_some_and(|d| d <= end)
            && !exited.contains_key(&y.person)
    }) {
        let e = latest.entry(&y.person).or_insert(y);
        if (y.programme_start, y.village) > (e.programme_start, e.village) {
            *e = y;
        }
    }
    let mut v: Vec<&YoungCadre> = latest
        .into_values()
        .filter(|y| in_scope(town, y.village.town()))
        .collect();
    v.sort_by(|a, b| (a.village, &a.person).cmp(&(b.village, &b.person)));
    v
}

/// The month's pay of every young cadre on the programme (filed, started
/// by the month's end, not exited before its first day), by Article 10.
/// Each town's reference salary and pay factor are `reference_salary` and
/// `factor` when given, otherwise the town's yearly settings (`TownYear`)
/// for the month's year; a town lacking either is refused by name. A
/// `factor` given outside the policy's range is refused.
pub fn young(
    r: &Records,
    p: &Params,
    month: Date,
    reference_salary: Option<Decimal>,
    factor: Option<Decimal>,
    town: Option<TownCode>,
) -> Result<Young, Refusal> {
    let parts = young_by_town(r, p, month, reference_salary, factor, town)?;
    if parts.missing.is_empty() {
        Ok(parts.young)
    } else {
        Err(missing_settings(&parts.missing, month))
    }
}

/// Why young cadres of `towns` (code, name) cannot be paid in `month`:
/// their towns have no yearly settings.
pub fn missing_settings(towns: &[(TownCode, String)], month: Date) -> Refusal {
    let names: Vec<String> = towns.iter().map(|(t, n)| format!("{n}（{t}）")).collect();
    Refusal(format!(
        "{} 没有 {} 年的镇街年度设置（参照工资，即镇街新入职事业人员实发工资，和年轻干部报酬系数）：请在“镇街年度设置”表中填写后导入，或用 --reference-salary 元 和 --factor 系数 统一给出",
        names.join("、"),
        month.year()
    ))
}

/// [`young`] town by town: the pay of the young cadres of every town that
/// has its settings, and the towns (code, name) that lack them, so that one
/// town's missing settings do not stop another's pay.
#[derive(Clone, Debug, PartialEq)]
pub struct YoungByTown {
    pub young: Young,
    pub missing: Vec<(TownCode, String)>,
}

/// See [`YoungByTown`]. Refused only when no young cadre is on the
/// programme in scope or `factor` is outside the policy's range.
pub fn young_by_town(
    r: &Records,
    p: &Params,
    month: Date,
    reference_salary: Option<Decimal>,
    factor: Option<Decimal>,
    town: Option<TownCode>,
) -> Result<YoungByTown, Refusal> {
    if let Some(f) = factor
        && let Err((lo, hi)) = art10_young_cadres::factor_in_range(p, f)
    {
        return Err(Refusal(format!(
            "报酬系数 {f} 超出政策规定的范围：应在 {lo} 至 {hi} 倍之间（第十条）"
        )));
    }
    let ix = Index::new(r);
    let mut cadres = young_on_programme(r, month, town);
    if cadres.is_empty() {
        return Err(Refusal(format!(
            "{} 没有在册的年轻干部{}（须已备案、当月或以前开始）",
            month_zh(month),
            scope_suffix(&ix, town)
        )));
    }
    cadres.sort_by(|a, b| (a.village, &a.person).cmp(&(b.village, &b.person)));
    let settings: HashMap<TownCode, (Decimal, Decimal)> = r
        .town_years
        .iter()
        .filter(|t| t.year == month.year())
        .map(|t| (t.town, (t.reference_salary, t.young_cadre_factor)))
        .collect();
    let mut town_salaries: Vec<TownSalary> = Vec::new();
    let mut missing: Vec<(TownCode, String)> = Vec::new();
    let mut seen: HashSet<TownCode> = HashSet::new();
    for y in &cadres {
        let t = y.village.town();
        if !seen.insert(t) {
            continue;
        }
        let own = settings.get(&t);
        match (
            reference_salary.or(own.map(|s| s.0)),
            factor.or(own.map(|s| s.1)),
        ) {
            (Some(salary), Some(factor)) => town_salaries.push(TownSalary {
                town: t,
                town_name: ix.town_name(t),
                salary,
                from_settings: reference_salary.is_none(),
                factor,
            }),
            _ => missing.push((t, ix.town_name(t))),
        }
    }
    cadres.retain(|y| !missing.iter().any(|(t, _)| *t == y.village.town()));
    let salary_of = |t: TownCode| {
        town_salaries
            .iter()
            .find(|x| x.town == t)
            .map_or((Decimal::ZERO, Decimal::ZERO), |x| (x.salary, x.factor))
    };
    let mut example = false;
    let rows = cadres
        .iter()
        .map(|y| {
            let (reference_salary, factor) = salary_of(y.village.town());
            let person = ix.people.get(&y.person);
            let degree = person.map_or(Degree::of_level(Education::None, false), |x| x.degree());
            let d =
                art10_young_cadres::monthly_pay(p, reference_salary, factor, degree, y.current_pay);
            example |= d.uses_example_values();
            let pay = d.outcome.rounded();
            YoungRow {
                who: ix.who(y.village, &y.person),
                full_time_education: person.and_then(|x| x.full_time_education),
                in_service_education: person.and_then(|x| x.in_service_education),
                factor,
                base: pay.base,
                city_subsidy: pay.city_subsidy,
                town_subsidy: pay.town_subsidy,
                total: pay.total,
                current_pay: round_fen(y.current_pay),
                kept_current: pay.kept_current,
                reference_salary,
            }
        })
        .collect::<Vec<_>>();
    Ok(YoungByTown {
        young: Young {
            month,
            reference_salary,
            factor,
            town_salaries,
            scope: ix.scope(town, count_towns(rows.iter().map(|x| &x.who.town))),
            rows,
            example_amounts: example,
        },
        missing,
    })
}
