//! The filing form (备案表).

use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use touyan_records::model::{ListEntry, ListStatus, Records};
use touyan_records::{CitizenId, CommitteeKind, TownCode};
use touyan_rules::num::round_fen;
use touyan_rules::{Params, art01_inclusion, art13_pay};

use crate::{Index, Refusal, Who, in_scope, scope_suffix};

/// One place on the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilingRow {
    pub who: Who,
    pub tier: u8,
    /// The tier's monthly subsidy, yuan, rounded to the fen.
    pub monthly_subsidy: Decimal,
    pub status: ListStatus,
}

/// One town's line of the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilingTown {
    pub town: TownCode,
    pub name: String,
    /// Administrative villages (villagers' committees).
    pub villages: u32,
    /// Article 1's quota for that many villages.
    pub quota: u32,
    pub listed: u32,
    /// Listed in tiers 1, 2 and 3.
    pub tiers: [u32; 3],
    /// What the town's list costs a month, yuan.
    pub monthly_total: Decimal,
}

/// The year's lists with tiers, per town.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filing {
    pub year: i32,
    pub scope: String,
    /// Every town in scope with administrative villages or a list.
    pub towns: Vec<FilingTown>,
    /// By town, village and person.
    pub rows: Vec<FilingRow>,
    /// How the quota is computed, with its article.
    pub quota_rule: String,
    pub example_amounts: bool,
    /// Who each town's list leaves out of the list in force before it,
    /// and why (`touyan_office::dropped::for_filing` fills it from the
    /// town's review; empty as [`filing`] makes it).
    pub dropped: Vec<(TownCode, Dropped)>,
}

/// Someone on the list before who is not on this one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DroppedPerson {
    pub person: CitizenId,
    pub village_name: String,
    pub person_name: String,
    /// Their tier on the list before.
    pub tier: u8,
    /// Why, with the article.
    pub reason: String,
}

/// The list before and who of it this list leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    /// The list compared with ("2025 年度备案名单", "本年度第 1 版备案名单");
    /// `None` when there is none.
    pub before: Option<String>,
    /// By village, as the list before.
    pub rows: Vec<DroppedPerson>,
}

/// The list of `year` as it stands (every status), with the quota of each
/// town (Article 1) and the tiers' monthly subsidies (Article 13), `p`
/// resolved for the year's first day.
pub fn filing(
    r: &Records,
    p: &Params,
    year: i32,
    town: Option<TownCode>,
) -> Result<Filing, Refusal> {
    let ix = Index::new(r);
    let mut entries: Vec<&ListEntry> = r
        .list_entries
        .iter()
        .filter(|e| e.year == year && in_scope(town, e.town))
        .collect();
    if entries.is_empty() {
        return Err(Refusal(format!(
            "没有 {year} 年的专业化管理名单{}",
            scope_suffix(&ix, town)
        )));
    }
    entries.sort_by(|a, b| (a.town, a.village, &a.person).cmp(&(b.town, b.village, &b.person)));
    let mut example = false;
    let mut amounts = [Decimal::ZERO; 3];
    for (i, a) in amounts.iter_mut().enumerate() {
        let d = art13_pay::monthly_subsidy(p, i as u8 + 1);
        *a = round_fen(d.outcome);
        // Only tiers someone is in make the form's amounts.
        if entries.iter().any(|e| usize::from(e.tier) == i + 1) {
            example |= d.uses_example_values();
        }
    }
    let amount = |tier: u8| amounts[usize::from(tier.clamp(1, 3)) - 1];
    let rows: Vec<FilingRow> = entries
        .iter()
        .map(|e| FilingRow {
            who: ix.who(e.village, &e.person),
            tier: e.tier,
            monthly_subsidy: amount(e.tier),
            status: e.status,
        })
        .collect();

    let mut villages: BTreeMap<TownCode, u32> = BTreeMap::new();
    for v in r
        .villages
        .iter()
        .filter(|v| v.kind == CommitteeKind::Villagers)
    {
        if in_scope(town, v.code.town()) {
            *villages.entry(v.code.town()).or_default() += 1;
        }
    }
    let mut by_town: HashMap<TownCode, Vec<&ListEntry>> = HashMap::new();
    for e in &entries {
        villages.entry(e.town).or_default();
        by_town.entry(e.town).or_default().push(e);
    }
    let towns = villages
        .into_iter()
        .map(|(t, n)| {
            let mine = by_town.get(&t).map(Vec::as_slice).unwrap_or_default();
            let mut tiers = [0u32; 3];
            for e in mine {
                tiers[usize::from(e.tier.clamp(1, 3)) - 1] += 1;
            }
            FilingTown {
                town: t,
                name: ix.town_name(t),
                villages: n,
                quota: art01_inclusion::quota(p, n).outcome,
                listed: mine.len() as u32,
                tiers,
                monthly_total: mine.iter().map(|e| amount(e.tier)).sum(),
            }
        })
        .collect::<Vec<_>>();
    let q = art01_inclusion::quota(p, 0);
    let quota_rule = format!(
        "纳入名额 = 行政村数 × {}，{}（{}）",
        q.reason.ratio,
        q.reason.rounding.zh(),
        q.rule.citation()
    );
    Ok(Filing {
        year,
        scope: ix.scope(town, towns.len()),
        towns,
        rows,
        quota_rule,
        example_amounts: example,
        dropped: Vec::new(),
    })
}
