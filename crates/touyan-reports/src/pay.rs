//! A month's pay, defined once (Articles 10 and 13): what a town's pay run
//! stores when it is computed, whether a town operator presses 计算发放 in
//! the browser or `touyan payroll --month` computes every town.
//!
//! A town's month pays
//! - everyone on the town's filed list in force that month (the version
//!   filed last by the month's end, `filed_entries_in_month`), except those
//!   with an exit dated before the month's first day, their tier's
//!   professionalization subsidy (专业化补贴, Article 13, city finance:
//!   [`payments`]);
//! - every young cadre of the town's villages on the programme that month
//!   (within the town's cap, the term not ended, not on the town's
//!   secretary list that month: [`young_on_programme`]) their pay (Article 10, [`young_by_town`]; the month the term ends in
//!   full or by days): the base from the town's
//!   finance (with a higher current pay kept, the whole of it less the
//!   subsidies) and each degree subsidy by its payer (city, town); nothing
//!   for a zero amount.
//!
//! A town cannot be computed (and nothing of it is stored) when it has no
//! filed list for the year, or when it has young cadres on the programme
//! but no yearly settings (reference salary and factor) for the year.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use time::Date;
use touyan_records::TownCode;
use touyan_records::model::{FundingSource, PayKind, PayRecord, Records};
use touyan_rules::Params;

use crate::{
    Index, Payments, Refusal, Young, YoungByTown, filed_entries_in_month, missing_settings,
    month_zh, payments, scope_suffix, young_by_town, young_on_programme,
};

/// The month's pay of one town, or of every town.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthPay {
    /// The month's first day.
    pub month: Date,
    /// The professionalization subsidies in scope, or why there are none.
    pub subsidies: Result<Payments, Refusal>,
    /// The young cadres' pay in scope (`None`: no young cadre on the
    /// programme), or why it cannot be computed at all.
    pub young: Result<Option<YoungByTown>, Refusal>,
    /// Each town in scope with something to pay or a reason it cannot be
    /// paid, in town order.
    pub towns: Vec<TownPay>,
}

/// One town's month: the pay records a computation stores, or why the
/// town cannot be computed.
#[derive(Clone, Debug, PartialEq)]
pub struct TownPay {
    pub town: TownCode,
    pub town_name: String,
    pub records: Result<Vec<PayRecord>, Refusal>,
    /// An amount of this town's comes from an example value of the policy.
    pub example: bool,
}

impl MonthPay {
    /// Whether an amount comes from an example value of the policy.
    pub fn example_amounts(&self) -> bool {
        self.subsidies.as_ref().is_ok_and(|x| x.example_amounts)
            || self
                .young
                .as_ref()
                .is_ok_and(|y| y.as_ref().is_some_and(|y| y.young.example_amounts))
    }

    /// The young cadres' pay of the towns that have their settings.
    pub fn young_paid(&self) -> Option<&Young> {
        self.young
            .as_ref()
            .ok()
            .and_then(|y| y.as_ref().map(|y| &y.young))
    }

    /// The young cadres' pay in scope (`None`: no young cadre on the
    /// programme), or why it cannot be computed — for one town's scope,
    /// the town's missing settings too.
    pub fn young_result(&self) -> Result<Option<&Young>, Refusal> {
        match &self.young {
            Err(e) => Err(e.clone()),
            Ok(None) => Ok(None),
            Ok(Some(y)) if !y.missing.is_empty() => Err(missing_settings(&y.missing, self.month)),
            Ok(Some(y)) => Ok(Some(&y.young)),
        }
    }

    /// The pay records of `town` as a computation stores them, or why it
    /// cannot be computed.
    pub fn town_records(&self, town: TownCode) -> Result<&[PayRecord], Refusal> {
        match self.towns.iter().find(|t| t.town == town) {
            Some(t) => t.records.as_deref().map_err(Clone::clone),
            None => Err(match &self.subsidies {
                Err(r) => r.clone(),
                Ok(_) => Refusal(format!("{} 本镇街没有应发放的人员", month_zh(self.month))),
            }),
        }
    }
}

/// Yuan (already rounded to the fen) → fen.
fn fen(amount: Decimal, what: &str) -> Result<i64, Refusal> {
    let x = amount * Decimal::ONE_HUNDRED;
    if !x.fract().is_zero() {
        return Err(Refusal(format!("{what} {amount} 元不是整分")));
    }
    i64::try_from(x).map_err(|_| Refusal(format!("{what} {amount} 元过大")))
}

/// The month's pay of `town` (or of every town): see the module's note.
pub fn month_pay(r: &Records, p: &Params, month: Date, town: Option<TownCode>) -> MonthPay {
    let subsidies = payments(r, p, month, town);
    let on_programme = young_on_programme(r, p, month, town);
    let young = if on_programme.is_empty() {
        Ok(None)
    } else {
        young_by_town(r, p, month, None, None, town).map(Some)
    };
    let ix = Index::new(r);
    // The towns in scope with a filed list of the year, and with young
    // cadres on the programme.
    let year = month.year();
    let filed: BTreeSet<TownCode> = filed_entries_in_month(r, year, town, month)
        .iter()
        .map(|e| e.town)
        .collect();
    let with_young: BTreeSet<TownCode> = on_programme
        .iter()
        .map(|y| y.cadre.village.town())
        .collect();
    let record = |person: &touyan_records::CitizenId, kind, source, amount_fen| PayRecord {
        person: person.clone(),
        month,
        kind,
        source,
        amount_fen,
    };
    let mut by_town: BTreeMap<TownCode, Result<Vec<PayRecord>, Refusal>> = BTreeMap::new();
    // Towns with an amount from an example value (every row of a kind is
    // decided under the same parameters).
    let mut example: BTreeSet<TownCode> = BTreeSet::new();
    if let Ok(x) = &subsidies
        && x.example_amounts
    {
        example.extend(x.rows.iter().map(|r| r.who.town));
    }
    if let Ok(Some(y)) = &young
        && y.young.example_amounts
    {
        example.extend(y.young.rows.iter().map(|r| r.who.town));
    }
    for t in filed.union(&with_young) {
        let got = if !filed.contains(t) {
            Err(Refusal(format!(
                "没有 {year} 年已备案的专业化管理名单{}，不能计算 {} 的发放（名单须先备案）",
                scope_suffix(&ix, Some(*t)),
                month_zh(month)
            )))
        } else {
            match &young {
                Err(e) if with_young.contains(t) => Err(e.clone()),
                Ok(Some(y)) if y.missing.iter().any(|(m, _)| m == t) => {
                    let mine: Vec<(TownCode, String)> =
                        y.missing.iter().filter(|(m, _)| m == t).cloned().collect();
                    Err(missing_settings(&mine, month))
                }
                _ => Ok(Vec::new()),
            }
        };
        by_town.insert(*t, got);
    }
    let mut push = |t: TownCode, r: Result<PayRecord, Refusal>| {
        if let Some(Ok(v)) = by_town.get_mut(&t) {
            match r {
                Ok(x) => v.push(x),
                Err(e) => {
                    by_town.insert(t, Err(e));
                }
            }
        }
    };
    if let Ok(x) = &subsidies {
        for row in &x.rows {
            let rec = fen(row.amount, "专业化补贴金额")
                .map(|a| record(&row.who.person, PayKind::ProfessionalSubsidy, row.source, a));
            push(row.who.town, rec);
        }
    }
    if let Ok(Some(y)) = &young {
        for row in &y.young.rows {
            let t = row.who.town;
            let p = &row.who.person;
            let base = row.total - row.city_subsidy - row.town_subsidy;
            let rec = fen(base, "年轻干部基本报酬")
                .map(|a| record(p, PayKind::YoungCadreBase, FundingSource::Town, a));
            push(t, rec);
            for (source, amount) in [
                (FundingSource::City, row.city_subsidy),
                (FundingSource::Town, row.town_subsidy),
            ] {
                if !amount.is_zero() {
                    let rec = fen(amount, "年轻干部学历补贴")
                        .map(|a| record(p, PayKind::YoungCadreSubsidy, source, a));
                    push(t, rec);
                }
            }
        }
    }
    MonthPay {
        month,
        subsidies,
        young,
        towns: by_town
            .into_iter()
            .map(|(t, records)| TownPay {
                town: t,
                town_name: ix.town_name(t),
                records,
                example: example.contains(&t),
            })
            .collect(),
    }
}

/// A total of pay records by funding source: the source, the people paid
/// from it, the amount in fen — in the sources' order, sources with
/// nothing left out.
pub fn by_source(records: &[PayRecord]) -> Vec<(FundingSource, u32, i64)> {
    use touyan_records::model::Labelled;
    FundingSource::ALL
        .iter()
        .filter_map(|s| {
            let mine: Vec<&PayRecord> = records.iter().filter(|r| r.source == *s).collect();
            if mine.is_empty() {
                return None;
            }
            let mut people: Vec<&str> = mine.iter().map(|r| r.person.as_str()).collect();
            people.sort_unstable();
            people.dedup();
            Some((
                *s,
                u32::try_from(people.len()).unwrap_or(u32::MAX),
                mine.iter().map(|r| r.amount_fen).sum(),
            ))
        })
        .collect()
}
