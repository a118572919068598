//! # touyan-reports: the figures the office reports (pure)
//!
//! Training compliance, reserve coverage, secondment quotas, young-cadre
//! pay, evaluation results, the filing form's rows and the month's one-card payments, as
//! plain row structs built from [`Records`] and the resolved policy
//! [`Params`]. Every judgement is the rules crate's own
//! (`art06_training::compliance`, `art13_pay::monthly_subsidy`, …); money
//! is exact and rounded half up to the fen once per person. A builder
//! refuses (with a Chinese sentence) when there is nothing to report, e.g.
//! no filed list for the year.
//!
//! Pages, the command line's exports and the API show these figures; the
//! workbook crate (`touyan_excel::reports`) only lays them out and writes
//! them. No I/O here: no files, database or clock (the caller passes the
//! records and the dates).

mod evaluations;
mod filing;
mod one_card;
mod pay;
mod payments;
mod reserves;
mod secondments;
mod training;
mod young;

pub use evaluations::*;
pub use filing::*;
pub use one_card::*;
pub use pay::*;
pub use payments::*;
pub use reserves::*;
pub use secondments::*;
pub use training::*;
pub use young::*;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use time::{Date, Duration, Month};
use touyan_records::model::{Exit, ListEntry, ListStatus, Person, Programme, Records, Village};
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_rules::calendar::add_months;

/// The warning row of a report with an amount from an example parameter
/// (the measures redact the real amounts).
pub const EXAMPLE_WARNING: &str = "示例金额，非正式标准";

/// The signature lines under each town's table of the filing form.
pub const SIGNATURES: [&str; 3] = ["镇街党(工)委（盖章）：", "经办人：", "日期：    年  月  日"];

/// Why a report was not made: a Chinese sentence for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal(pub String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

// ---------------------------------------------------------------------------
// Options as typed on the command line.

/// `YYYY-MM` (or `YYYY-M`) → the first day of that month.
pub fn parse_month(text: &str) -> Option<Date> {
    let (y, m) = text.trim().split_once('-')?;
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return None;
    }
    if !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, 1).ok()
}

/// An amount in yuan as typed: positive, at most 2 decimals, below a million.
pub fn parse_yuan(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let d = Decimal::from_str(t)
        .map_err(|_| format!("“{t}”不是金额（应为元数，如 4000 或 3850.50）"))?;
    if d <= Decimal::ZERO {
        return Err(format!("金额 {t} 应大于 0"));
    }
    if d.normalize().scale() > 2 {
        return Err(format!("金额 {t} 最多两位小数（到分）"));
    }
    if d >= Decimal::from(1_000_000) {
        return Err(format!("金额 {t} 元不像月工资（应小于 100 万元）"));
    }
    Ok(d.normalize())
}

/// A pay factor as typed: positive, at most 2 decimals (the policy's range
/// is checked where the policy is known).
pub fn parse_factor(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let d = Decimal::from_str(t).map_err(|_| format!("“{t}”不是系数（应为小数，如 0.8）"))?;
    if d <= Decimal::ZERO {
        return Err(format!("系数 {t} 应大于 0"));
    }
    if d.normalize().scale() > 2 {
        return Err(format!("系数 {t} 最多两位小数"));
    }
    Ok(d.normalize())
}

/// A town by its 9-digit code or its exact name (which must be unique).
pub fn find_town(records: &Records, text: &str) -> Result<TownCode, String> {
    let t = text.trim();
    if let Ok(code) = TownCode::parse(t) {
        return if records.towns.iter().any(|x| x.code == code) {
            Ok(code)
        } else {
            Err(format!("数据库中没有代码为 {t} 的镇街"))
        };
    }
    let found: Vec<_> = records.towns.iter().filter(|x| x.name == t).collect();
    match found.as_slice() {
        [one] => Ok(one.code),
        [] => Err(format!(
            "数据库中没有名为“{t}”的镇街（可用名称或 9 位代码）"
        )),
        many => Err(format!(
            "名为“{t}”的镇街有 {} 个（{}），请用 9 位代码",
            many.len(),
            many.iter()
                .map(|x| x.code.to_string())
                .collect::<Vec<_>>()
                .join("、")
        )),
    }
}

/// The last day of the month that starts on `first`.
pub(crate) fn month_end(first: Date) -> Date {
    add_months(first, 1) - Duration::days(1)
}

/// "2026年1月" for the month starting on `first`.
pub fn month_zh(first: Date) -> String {
    format!("{}年{}月", first.year(), u8::from(first.month()))
}

/// 上半年 or 下半年.
pub fn half_zh(half: u8) -> &'static str {
    if half == 1 { "上半年" } else { "下半年" }
}

// ---------------------------------------------------------------------------
// Looking things up.

/// Who a row is about, with names for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    pub town: TownCode,
    pub town_name: String,
    pub village: VillageCode,
    pub village_name: String,
    pub person: CitizenId,
    pub name: String,
}

pub(crate) struct Index<'a> {
    towns: HashMap<TownCode, &'a str>,
    villages: HashMap<VillageCode, &'a Village>,
    people: HashMap<&'a CitizenId, &'a Person>,
}

impl<'a> Index<'a> {
    pub(crate) fn new(r: &'a Records) -> Index<'a> {
        Index {
            towns: r.towns.iter().map(|t| (t.code, t.name.as_str())).collect(),
            villages: r.villages.iter().map(|v| (v.code, v)).collect(),
            people: r.people.iter().map(|p| (&p.id, p)).collect(),
        }
    }

    pub(crate) fn town_name(&self, t: TownCode) -> String {
        self.towns
            .get(&t)
            .map_or_else(|| t.to_string(), |n| (*n).to_owned())
    }

    pub(crate) fn village_name(&self, v: VillageCode) -> String {
        self.villages
            .get(&v)
            .map_or_else(|| v.to_string(), |x| x.name.clone())
    }

    pub(crate) fn name(&self, p: &CitizenId) -> String {
        self.people
            .get(p)
            .map_or_else(|| "（未登记）".to_owned(), |x| x.name.clone())
    }

    pub(crate) fn who(&self, village: VillageCode, person: &CitizenId) -> Who {
        let town = village.town();
        Who {
            town,
            town_name: self.town_name(town),
            village,
            village_name: self.village_name(village),
            person: person.clone(),
            name: self.name(person),
        }
    }

    /// "全部镇街（15 个）" or "文家街道（370783003）".
    pub(crate) fn scope(&self, town: Option<TownCode>, towns_covered: usize) -> String {
        match town {
            Some(t) => format!("{}（{t}）", self.town_name(t)),
            None => format!("全部镇街（{towns_covered} 个）"),
        }
    }
}

pub(crate) fn in_scope(filter: Option<TownCode>, t: TownCode) -> bool {
    filter.is_none_or(|f| f == t)
}

pub(crate) fn scope_suffix(ix: &Index<'_>, town: Option<TownCode>) -> String {
    town.map(|t| format!("（{}）", ix.town_name(t)))
        .unwrap_or_default()
}

/// The filed list entries of `year` in scope, by town, village and person.
pub(crate) fn filed_entries(r: &Records, year: i32, town: Option<TownCode>) -> Vec<&ListEntry> {
    let mut v: Vec<&ListEntry> = r
        .list_entries
        .iter()
        .filter(|e| e.year == year && e.status == ListStatus::Filed && in_scope(town, e.town))
        .collect();
    v.sort_by(|a, b| (a.town, a.village, &a.person).cmp(&(b.town, b.village, &b.person)));
    v
}

/// The filed list of `year` in force in the month starting `month`
/// (Article 13: a month pays that month's list): for a town whose filed
/// versions are on record (`list_filings`), the version filed last by the
/// month's end — none when every version was filed later; for a town
/// without, the list as stored. By town, village and person.
pub(crate) fn filed_entries_in_month(
    r: &Records,
    year: i32,
    town: Option<TownCode>,
    month: Date,
) -> Vec<ListEntry> {
    let end = month_end(month);
    let with_versions: HashSet<TownCode> = r
        .list_filings
        .iter()
        .filter(|f| f.year == year)
        .map(|f| f.town)
        .collect();
    let mut in_force: HashMap<TownCode, u32> = HashMap::new();
    for f in r
        .list_filings
        .iter()
        .filter(|f| f.year == year && f.filed_on <= end && in_scope(town, f.town))
    {
        let v = in_force.entry(f.town).or_insert(f.version);
        *v = (*v).max(f.version);
    }
    let mut v: Vec<ListEntry> = filed_entries(r, year, town)
        .into_iter()
        .filter(|e| !with_versions.contains(&e.town))
        .cloned()
        .chain(
            r.list_filings
                .iter()
                .filter(|f| f.year == year && in_force.get(&f.town) == Some(&f.version))
                .map(|f| ListEntry {
                    town: f.town,
                    year: f.year,
                    person: f.person.clone(),
                    village: f.village,
                    tier: f.tier,
                    status: ListStatus::Filed,
                }),
        )
        .collect();
    v.sort_by(|a, b| (a.town, a.village, &a.person).cmp(&(b.town, b.village, &b.person)));
    v
}

/// The earliest exit from professionalized management of each person
/// dated before `day` (an exit from the young cadres' programme ends
/// that programme only).
pub(crate) fn exits_before(r: &Records, day: Date) -> HashMap<&CitizenId, &Exit> {
    let mut m: HashMap<&CitizenId, &Exit> = HashMap::new();
    for x in r
        .exits
        .iter()
        .filter(|x| x.programme == Programme::Secretary && x.on < day)
    {
        let e = m.entry(&x.person).or_insert(x);
        if x.on < e.on {
            *e = x;
        }
    }
    m
}

pub(crate) fn count_towns<'a>(towns: impl Iterator<Item = &'a TownCode>) -> usize {
    towns.collect::<HashSet<_>>().len()
}
