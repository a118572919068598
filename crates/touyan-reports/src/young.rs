//! Young-cadre pay.

use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use time::Date;
use touyan_records::model::{Programme, Records, YoungCadre, YoungState};
use touyan_records::{CitizenId, CommitteeKind, TownCode};
use touyan_rules::art10_young_cadres::Share;
use touyan_rules::decision::Decision;
use touyan_rules::num::round_fen;
use touyan_rules::people::{Degree, Education};
use touyan_rules::{Params, art10_young_cadres};

use crate::{
    Index, Refusal, Who, count_towns, exits_before, filed_entries_in_month, in_scope, month_end,
    month_zh, scope_suffix,
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
    /// The month's share (the month the term ends: in full or by days,
    /// Article 10) and why.
    pub share: Share,
    pub share_reason: String,
}

impl YoungRow {
    /// Paid for part of the month (the month the term ends, by days).
    pub fn partial(&self) -> bool {
        self.share != Share::Full
    }
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

/// A young cadre paid in a month, with the share of the month's pay.
#[derive(Clone, Debug)]
pub struct OnProgramme<'a> {
    pub cadre: &'a YoungCadre,
    /// The last day of the term ([`art10_young_cadres::term_end`], or the
    /// day of an exit when earlier).
    pub term_end: Date,
    /// The month's share ([`art10_young_cadres::month_share`]): never
    /// `Share::None` here.
    pub share: Decision<Share, String>,
}

/// The young cadres paid in `month` (its first day), under `p` (the
/// month's policy): [`young_month`]'s `paid`.
pub fn young_on_programme<'a>(
    r: &'a Records,
    p: &Params,
    month: Date,
    town: Option<TownCode>,
) -> Vec<OnProgramme<'a>> {
    young_month(r, p, month, town).paid
}

/// The young cadres holding a paid place in a month, split by whether
/// they are paid as young cadres.
#[derive(Clone, Debug)]
pub struct YoungMonth<'a> {
    /// Paid the young cadre's pay (Article 10).
    pub paid: Vec<OnProgramme<'a>>,
    /// Within the cap and the term, but professionalized secretaries that
    /// month ([`secretaries_in_month`]): Article 10's 优才计划 is for the
    /// "其他“两委”干部", so they are paid the secretary's subsidy
    /// (Article 13) and not the young cadre's pay. They keep their place
    /// under the cap: they are on the programme all the same.
    pub listed: Vec<OnProgramme<'a>>,
}

/// The young cadres of `month` (its first day), under `p` (the month's
/// policy): filed and started by the month's end, whose term (Article 10:
/// the age limit, or an approved extension's end, or an exit on record)
/// has not ended before the month's first day, in `town` when given;
/// within each town at most the cap (Article 10: those on the programme
/// longest keep their places, ties by village and ID number; each counted
/// on their own last day of the month, so that one who left early in the
/// month leaves the place to one who joined later). Of these, those on
/// their town's secretary list that month ([`secretaries_in_month`]) are
/// not paid as young cadres (`listed`); the others are (`paid`).
///
/// A person is paid once a month: with two programmes on record (a move
/// to another village, an import of the same person twice) only the one
/// started last counts, in its own town.
pub fn young_month<'a>(
    r: &'a Records,
    p: &Params,
    month: Date,
    town: Option<TownCode>,
) -> YoungMonth<'a> {
    let end = month_end(month);
    let mut latest: HashMap<&CitizenId, &YoungCadre> = HashMap::new();
    for y in r
        .young_cadres
        .iter()
        .filter(|y| y.programme_start <= end && y.filed_on.is_some_and(|d| d <= end))
    {
        let e = latest.entry(&y.person).or_insert(y);
        if (y.programme_start, y.village) > (e.programme_start, e.village) {
            *e = y;
        }
    }
    let extended = extensions(r);
    let exits = exits_by_person(r);
    let mut paid: Vec<OnProgramme<'a>> = latest
        .into_values()
        .filter(|y| in_scope(town, y.village.town()))
        .filter_map(|y| {
            let term = art10_young_cadres::term_end(
                p,
                y.person.birth_date(),
                extended.get(&y.person).copied(),
            )
            .outcome;
            // An exit on record after the programme's start ends it.
            let exit = exit_since(&exits, &y.person, y.programme_start);
            let term_end = exit.map_or(term, |x| x.min(term));
            let share = art10_young_cadres::month_share(p, month, term_end);
            (share.outcome != Share::None).then_some(OnProgramme {
                cadre: y,
                term_end,
                share,
            })
        })
        .collect();
    // The cap of each town: the longest on the programme first.
    paid.sort_by(|a, b| {
        let key = |x: &OnProgramme<'_>| {
            (
                x.cadre.village.town(),
                x.cadre.programme_start,
                x.cadre.filed_on,
                x.cadre.village,
                x.cadre.person.as_str().to_owned(),
            )
        };
        key(a).cmp(&key(b))
    });
    let mut villages: HashMap<TownCode, u32> = HashMap::new();
    for v in r
        .villages
        .iter()
        .filter(|v| v.kind == CommitteeKind::Villagers)
    {
        *villages.entry(v.code.town()).or_default() += 1;
    }
    // Each cadre is counted on their last day of the month: within the
    // cap when fewer than the cap of those who joined before them are
    // still on the programme that day (a cadre who left early in the
    // month does not keep out one who joined after).
    let mut within: Vec<bool> = Vec::with_capacity(paid.len());
    let mut first = 0; // the first of the current town's cadres
    for i in 0..paid.len() {
        let x = &paid[i];
        let t = x.cadre.village.town();
        if paid[first].cadre.village.town() != t {
            first = i;
        }
        let day = x.term_end.min(end);
        let before = paid[first..i].iter().filter(|y| y.term_end >= day).count();
        let cap = art10_young_cadres::cap(p, villages.get(&t).copied().unwrap_or(0)).outcome;
        within.push(before < cap as usize);
    }
    let mut keep = within.into_iter();
    paid.retain(|_| keep.next().unwrap_or(false));
    paid.sort_by(|a, b| {
        (a.cadre.village, &a.cadre.person).cmp(&(b.cadre.village, &b.cadre.person))
    });
    let secretaries = secretaries_in_month(r, month, town);
    let (listed, paid): (Vec<_>, Vec<_>) = paid
        .into_iter()
        .partition(|x| secretaries.contains(&(x.cadre.village.town(), x.cadre.person.clone())));
    YoungMonth { paid, listed }
}

/// The professionalized secretaries of `month` (its first day), in
/// `town` when given, as (town, person): on the town's filed list in
/// force that month (the version filed last by the month's end, as the
/// month's subsidy reads it) and with no exit from professionalized
/// management dated before the month's first day — exactly those the
/// month's subsidy pays ([`crate::payments`]).
pub fn secretaries_in_month(
    r: &Records,
    month: Date,
    town: Option<TownCode>,
) -> HashSet<(TownCode, CitizenId)> {
    let exited = exits_before(r, month);
    filed_entries_in_month(r, month.year(), town, month)
        .into_iter()
        .filter(|e| !exited.contains_key(&e.person))
        .map(|e| (e.town, e.person))
        .collect()
}

/// The days of each person's exits from the young cadres' programme on
/// record (an exit from professionalized management ends that only).
fn exits_by_person(r: &Records) -> HashMap<&CitizenId, Vec<Date>> {
    let mut m: HashMap<&CitizenId, Vec<Date>> = HashMap::new();
    for x in r.exits.iter().filter(|x| x.programme == Programme::Young) {
        m.entry(&x.person).or_default().push(x.on);
    }
    m
}

/// A person's first exit on or after `since` (a programme's start).
fn exit_since(exits: &HashMap<&CitizenId, Vec<Date>>, id: &CitizenId, since: Date) -> Option<Date> {
    exits
        .get(id)
        .and_then(|v| v.iter().copied().filter(|d| *d >= since).min())
}

/// The approved extensions on record (Article 10): person → the
/// extension's last day.
fn extensions(r: &Records) -> HashMap<&CitizenId, Date> {
    r.young_candidates
        .iter()
        .filter(|c| c.state == YoungState::Extended)
        .filter_map(|c| c.extended_to.map(|d| (&c.person, d)))
        .collect()
}

/// The young cadres holding one of the cap's places on `day` (Article 10:
/// the cap counts the cadres on the programme on the day), in `town` when
/// given: every programme row, selected or filed, started by `day`, whose
/// term ([`art10_young_cadres::term_end`]: the age limit or an approved
/// extension) has not ended before `day`, of a person with no exit on or
/// before `day` since the programme started. One row a person.
pub fn young_places<'a>(
    r: &'a Records,
    p: &Params,
    day: Date,
    town: Option<TownCode>,
) -> Vec<&'a YoungCadre> {
    let extended = extensions(r);
    let exits = exits_by_person(r);
    let mut seen: HashSet<&CitizenId> = HashSet::new();
    let mut out: Vec<&YoungCadre> = Vec::new();
    for y in r.young_cadres.iter().filter(|y| {
        y.programme_start <= day
            && in_scope(town, y.village.town())
            && exit_since(&exits, &y.person, y.programme_start).is_none_or(|x| x > day)
            && art10_young_cadres::term_end(
                p,
                y.person.birth_date(),
                extended.get(&y.person).copied(),
            )
            .outcome
                >= day
    }) {
        if seen.insert(&y.person) {
            out.push(y);
        }
    }
    out
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
        "{} 没有 {} 年的镇街年度设置（参照工资，即镇街新入职事业人员实发工资，和年轻干部报酬系数）：请在“优才计划”页面登记该年的参照工资和报酬系数",
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
    let mut cadres = young_on_programme(r, p, month, town);
    if cadres.is_empty() {
        return Err(Refusal(format!(
            "{} 没有在册的年轻干部{}（须已备案、当月或以前开始）",
            month_zh(month),
            scope_suffix(&ix, town)
        )));
    }

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
        let t = y.cadre.village.town();
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
    cadres.retain(|y| !missing.iter().any(|(t, _)| *t == y.cadre.village.town()));
    let salary_of = |t: TownCode| {
        town_salaries
            .iter()
            .find(|x| x.town == t)
            .map_or((Decimal::ZERO, Decimal::ZERO), |x| (x.salary, x.factor))
    };
    let mut example = false;
    let rows = cadres
        .iter()
        .map(|on| {
            let y = on.cadre;
            let (reference_salary, factor) = salary_of(y.village.town());
            let person = ix.people.get(&y.person);
            let degree = person.map_or(Degree::of_level(Education::None, false), |x| x.degree());
            let d =
                art10_young_cadres::monthly_pay(p, reference_salary, factor, degree, y.current_pay);
            example |= d.uses_example_values();
            let pay = art10_young_cadres::share_of(d.outcome.rounded(), on.share.outcome);
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
                share: on.share.outcome,
                share_reason: format!("{}（{}）", on.share.reason, on.share.rule.citation()),
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
