//! The monthly subsidy payment file.

use rust_decimal::Decimal;
use std::collections::HashSet;
use time::Date;
use touyan_records::TownCode;
use touyan_records::model::{Exit, FundingSource, Labelled, Records};
use touyan_rules::num::round_fen;
use touyan_rules::{Params, art13_pay};

use crate::{Index, Refusal, Who, exits_before, filed_entries_in_month, month_zh, scope_suffix};

/// One person paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRow {
    pub who: Who,
    pub tier: u8,
    /// Yuan, rounded half up to the fen once.
    pub amount: Decimal,
    pub source: FundingSource,
}

/// A total: how many people, how much.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Total<K> {
    pub key: K,
    pub name: String,
    pub people: u32,
    pub amount: Decimal,
}

/// Someone on the filed list who is not paid: they left before the month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotPaid {
    pub who: Who,
    pub exit: Exit,
}

/// The month's subsidy payment file for the one-card channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payments {
    /// The month's first day.
    pub month: Date,
    pub scope: String,
    pub rows: Vec<PaymentRow>,
    pub by_town: Vec<Total<TownCode>>,
    pub by_source: Vec<Total<FundingSource>>,
    pub people: u32,
    pub total: Decimal,
    pub not_paid: Vec<NotPaid>,
    pub example_amounts: bool,
}

/// Everyone on the filed list in force that month (the version filed last
/// by the month's end), except those with an exit dated before the
/// month's first day, paid their tier's subsidy (Article 13, city
/// finance). Refused when no filed list of the year is in force then.
pub fn payments(
    r: &Records,
    p: &Params,
    month: Date,
    town: Option<TownCode>,
) -> Result<Payments, Refusal> {
    let ix = Index::new(r);
    let year = month.year();
    let entries = filed_entries_in_month(r, year, town, month);
    if entries.is_empty() {
        return Err(Refusal(format!(
            "没有 {year} 年已备案的专业化管理名单{}，不能生成 {} 的补贴发放文件（名单须先备案）",
            scope_suffix(&ix, town),
            month_zh(month)
        )));
    }
    let exited = exits_before(r, month);
    let mut example = false;
    let mut rows = Vec::new();
    let mut not_paid = Vec::new();
    let mut seen = HashSet::new();
    for e in &entries {
        // One payment a person a month, whatever the list says twice.
        if !seen.insert(&e.person) {
            continue;
        }
        let who = ix.who(e.village, &e.person);
        if let Some(x) = exited.get(&e.person) {
            not_paid.push(NotPaid {
                who,
                exit: (*x).clone(),
            });
            continue;
        }
        let d = art13_pay::monthly_subsidy(p, e.tier);
        example |= d.uses_example_values();
        rows.push(PaymentRow {
            who,
            tier: e.tier,
            amount: round_fen(d.outcome),
            source: FundingSource::City,
        });
    }
    let mut by_town: Vec<Total<TownCode>> = Vec::new();
    let mut by_source: Vec<Total<FundingSource>> = Vec::new();
    for x in &rows {
        // The rows come town by town.
        match by_town.last_mut().filter(|t| t.key == x.who.town) {
            Some(t) => {
                t.people += 1;
                t.amount += x.amount;
            }
            None => by_town.push(Total {
                key: x.who.town,
                name: x.who.town_name.clone(),
                people: 1,
                amount: x.amount,
            }),
        }
        match by_source.iter_mut().find(|t| t.key == x.source) {
            Some(t) => {
                t.people += 1;
                t.amount += x.amount;
            }
            None => by_source.push(Total {
                key: x.source,
                name: x.source.label().to_owned(),
                people: 1,
                amount: x.amount,
            }),
        }
    }
    by_source.sort_by_key(|t| FundingSource::ALL.iter().position(|s| *s == t.key));
    Ok(Payments {
        month,
        scope: ix.scope(town, by_town.len()),
        people: rows.len() as u32,
        total: rows.iter().map(|x| x.amount).sum(),
        rows,
        by_town,
        by_source,
        not_paid,
        example_amounts: example,
    })
}
