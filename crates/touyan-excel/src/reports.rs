//! The exports of the yearly and monthly work besides the roster: the filing
//! form of the professionalized list (备案表), training compliance, reserve
//! coverage, young-cadre pay, evaluation results and the monthly subsidy
//! payment file for the one-card (一卡通) channel.
//!
//! Two steps, kept apart so the arithmetic is tested without files:
//!
//! 1. A builder ([`filing`], [`training`], [`reserves`], [`young`],
//!    [`evaluations`], [`payments`]) turns [`Records`] and the resolved
//!    policy [`Params`] into plain row structs. Every judgement is the rules
//!    crate's own (`art06_training::compliance`, `art13_pay::monthly_subsidy`,
//!    …); money is exact and rounded half up to the fen once per person.
//!    A builder refuses (with a Chinese sentence) when there is nothing to
//!    report, e.g. no filed list for the year.
//! 2. A layout function (`*_report`) turns the rows into a [`Report`] of
//!    sheets, titles, tables and totals, masking ID numbers unless told not
//!    to, and [`write_report`] writes it. [`read_report`] reads any workbook
//!    back as text, for checks.
//!
//! Every sheet starts with a title row, a warning row
//! ([`EXAMPLE_WARNING`]) when an amount comes from an example parameter,
//! the town(s) covered and the date made.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use calamine::{Reader, open_workbook_auto};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use time::{Date, Duration, Month};
use touyan_records::model::{
    Ballots, Exit, FundingSource, Labelled, ListEntry, ListStatus, Person, Post, PostRole,
    RaterGroup, Records, TrainingLevel, Village, YoungCadre,
};
use touyan_records::{CitizenId, CommitteeKind, Mask, TownCode, VillageCode};
use touyan_rules::Params;
use touyan_rules::art01_inclusion;
use touyan_rules::art06_training::{self, Level};
use touyan_rules::art09_reserves;
use touyan_rules::art10_young_cadres;
use touyan_rules::art12_competency::{self, Action};
use touyan_rules::art13_pay::{self, tier_zh};
use touyan_rules::calendar::add_months;
use touyan_rules::num::round_fen;
use touyan_rules::people::{Degree, Education};

use crate::ExcelError;
use crate::write::decimal_f64;

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
fn month_end(first: Date) -> Date {
    add_months(first, 1) - Duration::days(1)
}

fn month_zh(first: Date) -> String {
    format!("{}年{}月", first.year(), u8::from(first.month()))
}

fn half_zh(half: u8) -> &'static str {
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

struct Index<'a> {
    towns: HashMap<TownCode, &'a str>,
    villages: HashMap<VillageCode, &'a Village>,
    people: HashMap<&'a CitizenId, &'a Person>,
}

impl<'a> Index<'a> {
    fn new(r: &'a Records) -> Index<'a> {
        Index {
            towns: r.towns.iter().map(|t| (t.code, t.name.as_str())).collect(),
            villages: r.villages.iter().map(|v| (v.code, v)).collect(),
            people: r.people.iter().map(|p| (&p.id, p)).collect(),
        }
    }

    fn town_name(&self, t: TownCode) -> String {
        self.towns
            .get(&t)
            .map_or_else(|| t.to_string(), |n| (*n).to_owned())
    }

    fn village_name(&self, v: VillageCode) -> String {
        self.villages
            .get(&v)
            .map_or_else(|| v.to_string(), |x| x.name.clone())
    }

    fn name(&self, p: &CitizenId) -> String {
        self.people
            .get(p)
            .map_or_else(|| "（未登记）".to_owned(), |x| x.name.clone())
    }

    fn who(&self, village: VillageCode, person: &CitizenId) -> Who {
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
    fn scope(&self, town: Option<TownCode>, towns_covered: usize) -> String {
        match town {
            Some(t) => format!("{}（{t}）", self.town_name(t)),
            None => format!("全部镇街（{towns_covered} 个）"),
        }
    }
}

fn in_scope(filter: Option<TownCode>, t: TownCode) -> bool {
    filter.is_none_or(|f| f == t)
}

fn scope_suffix(ix: &Index<'_>, town: Option<TownCode>) -> String {
    town.map(|t| format!("（{}）", ix.town_name(t)))
        .unwrap_or_default()
}

/// The filed list entries of `year` in scope, by town, village and person.
fn filed_entries(r: &Records, year: i32, town: Option<TownCode>) -> Vec<&ListEntry> {
    let mut v: Vec<&ListEntry> = r
        .list_entries
        .iter()
        .filter(|e| e.year == year && e.status == ListStatus::Filed && in_scope(town, e.town))
        .collect();
    v.sort_by(|a, b| (a.town, a.village, &a.person).cmp(&(b.town, b.village, &b.person)));
    v
}

/// The earliest exit of each person dated before `day`.
fn exits_before(r: &Records, day: Date) -> HashMap<&CitizenId, &Exit> {
    let mut m: HashMap<&CitizenId, &Exit> = HashMap::new();
    for x in r.exits.iter().filter(|x| x.on < day) {
        let e = m.entry(&x.person).or_insert(x);
        if x.on < e.on {
            *e = x;
        }
    }
    m
}

fn count_towns<'a>(towns: impl Iterator<Item = &'a TownCode>) -> usize {
    towns.collect::<HashSet<_>>().len()
}

// ---------------------------------------------------------------------------
// 1. The filing form (备案表).

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
    })
}

// ---------------------------------------------------------------------------
// 2. Training compliance.

/// One listed secretary's training in the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingRow {
    pub who: Who,
    pub city_days: Decimal,
    pub town_sessions: u32,
    pub town_days: Decimal,
    pub compliant: bool,
    /// The rule's sentence: the totals and what is missing.
    pub sentence: String,
    /// Sessions attended in the year.
    pub attended: u32,
    /// Of those, how many have no study reflection filed.
    pub reflections_missing: u32,
    /// A poor learning result in any session of the year.
    pub poor_result: bool,
}

/// Training compliance of a year's filed list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Training {
    pub year: i32,
    pub scope: String,
    /// "市级不少于 3 天；镇街不少于 2 次、7 天".
    pub standard: String,
    pub rows: Vec<TrainingRow>,
}

/// Attendance of the year's filed list, joined with the sessions that
/// start in `year`, against Article 6's minimums.
pub fn training(
    r: &Records,
    p: &Params,
    year: i32,
    town: Option<TownCode>,
) -> Result<Training, Refusal> {
    let ix = Index::new(r);
    let entries = filed_entries(r, year, town);
    if entries.is_empty() {
        return Err(Refusal(format!(
            "没有 {year} 年已备案的专业化管理名单{}，无法统计培训情况",
            scope_suffix(&ix, town)
        )));
    }
    let sessions: HashMap<&str, _> = r
        .training_sessions
        .iter()
        .filter(|s| s.start.year() == year)
        .map(|s| (s.code.as_str(), s))
        .collect();
    let mut by_person: HashMap<&CitizenId, Vec<_>> = HashMap::new();
    for a in &r.attendance {
        if let Some(s) = sessions.get(a.session.as_str()) {
            by_person.entry(&a.person).or_default().push((a, *s));
        }
    }
    let mut standard = String::new();
    let rows = entries
        .iter()
        .map(|e| {
            let mine = by_person
                .get(&e.person)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let list: Vec<art06_training::Attendance> = mine
                .iter()
                .map(|(_, s)| art06_training::Attendance {
                    level: match s.level {
                        TrainingLevel::City => Level::City,
                        TrainingLevel::Town => Level::Town,
                    },
                    days: s.days,
                })
                .collect();
            let d = art06_training::compliance(p, &list);
            if standard.is_empty() {
                let c = &d.outcome;
                standard = format!(
                    "市级集中培训不少于 {} 天；镇街集中培训不少于 {} 次、共 {} 天（{}）",
                    c.min_city_days,
                    c.min_town_sessions,
                    c.min_town_days,
                    d.rule.citation()
                );
            }
            TrainingRow {
                who: ix.who(e.village, &e.person),
                city_days: d.outcome.city_days,
                town_sessions: d.outcome.town_sessions,
                town_days: d.outcome.town_days,
                compliant: d.outcome.compliant(),
                sentence: d.sentence(),
                attended: mine.len() as u32,
                reflections_missing: mine
                    .iter()
                    .filter(|(a, _)| a.reflection_filed_on.is_none())
                    .count() as u32,
                poor_result: mine.iter().any(|(a, _)| a.poor_result),
            }
        })
        .collect::<Vec<_>>();
    Ok(Training {
        year,
        scope: ix.scope(town, count_towns(entries.iter().map(|e| &e.town))),
        standard,
        rows,
    })
}

// ---------------------------------------------------------------------------
// 3. Reserve coverage.

/// One professionalized village's reserves for secretary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReserveRow {
    /// The village and its listed secretary.
    pub who: Who,
    pub reserves: u32,
    /// The reserves' names.
    pub names: Vec<String>,
    pub minimum: u32,
    /// 0 when enough.
    pub shortfall: u32,
    pub sentence: String,
}

/// One other two-committee post of a professionalized village, held on the
/// day, and its reserves (一职一备).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostReserveRow {
    /// The village and the post's holder.
    pub who: Who,
    pub post: PostRole,
    pub reserves: u32,
    pub names: Vec<String>,
    pub minimum: u32,
    /// 0 when enough.
    pub shortfall: u32,
    pub sentence: String,
}

/// Reserve coverage of a year's professionalized villages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reserves {
    pub year: i32,
    /// Reserves listed by and not removed on this day count.
    pub on: Date,
    pub scope: String,
    pub minimum: u32,
    pub rows: Vec<ReserveRow>,
    /// The minimum for every other post (一职一备).
    pub post_minimum: u32,
    /// Every other two-committee post held on the day in those villages.
    pub posts: Vec<PostReserveRow>,
}

/// For every village of the year's filed list: reserves for secretary
/// listed by `on` and not removed by then, against Article 9's minimum; and
/// for every other two-committee post held there on `on`, its reserves
/// against the one-per-post minimum (一职一备). A post several people hold
/// (committee members) needs that many reserves for the role.
pub fn reserves(
    r: &Records,
    p: &Params,
    year: i32,
    on: Date,
    town: Option<TownCode>,
) -> Result<Reserves, Refusal> {
    let ix = Index::new(r);
    let entries = filed_entries(r, year, town);
    if entries.is_empty() {
        return Err(Refusal(format!(
            "没有 {year} 年已备案的专业化管理名单{}，无法统计后备力量",
            scope_suffix(&ix, town)
        )));
    }
    let mut by_post: HashMap<(VillageCode, PostRole), Vec<&CitizenId>> = HashMap::new();
    for x in r
        .reserves
        .iter()
        .filter(|x| x.listed_on <= on && x.removed_on.is_none_or(|d| d > on))
    {
        let list = by_post.entry((x.village, x.post)).or_default();
        if !list.contains(&&x.person) {
            list.push(&x.person);
        }
    }
    let pool = |v: VillageCode, role: PostRole| -> &[&CitizenId] {
        by_post
            .get(&(v, role))
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let minimum = p.reserves_professional_village_min.value;
    let mut seen = HashSet::new();
    let rows = entries
        .iter()
        .filter(|e| seen.insert(e.village))
        .map(|e| {
            let mine = pool(e.village, PostRole::Secretary);
            let n = mine.len() as u32;
            let d = art09_reserves::secretary_reserves(p, n);
            ReserveRow {
                who: ix.who(e.village, &e.person),
                reserves: n,
                names: mine.iter().map(|id| ix.name(id)).collect(),
                minimum,
                shortfall: d.outcome.unwrap_or(0),
                sentence: d.sentence(),
            }
        })
        .collect::<Vec<_>>();
    // The other posts held on the day in those villages, role by role.
    let listed: HashSet<VillageCode> = rows.iter().map(|x| x.who.village).collect();
    let mut held: Vec<&Post> = r
        .posts
        .iter()
        .filter(|x| {
            x.role != PostRole::Secretary
                && listed.contains(&x.village)
                && x.start <= on
                && x.end.is_none_or(|d| d >= on)
        })
        .collect();
    let order = |role: PostRole| PostRole::ALL.iter().position(|x| *x == role);
    held.sort_by(|a, b| {
        (a.village, order(a.role), &a.person).cmp(&(b.village, order(b.role), &b.person))
    });
    held.dedup_by(|a, b| a.village == b.village && a.role == b.role && a.person == b.person);
    let post_minimum = p.reserves_other_post_min.value;
    let mut posts = Vec::with_capacity(held.len());
    for group in held.chunk_by(|a, b| a.village == b.village && a.role == b.role) {
        let mine = pool(group[0].village, group[0].role);
        // Each holder of the role needs `post_minimum` reserves of it; the
        // role's reserves are shared out in order.
        for (k, x) in group.iter().enumerate() {
            let first = k * post_minimum as usize;
            let theirs = mine
                .get(first.min(mine.len())..(first + post_minimum as usize).min(mine.len()))
                .unwrap_or_default();
            let n = theirs.len() as u32;
            let d = art09_reserves::post_reserves(p, x.role.label(), n);
            posts.push(PostReserveRow {
                who: ix.who(x.village, &x.person),
                post: x.role,
                reserves: n,
                names: theirs.iter().map(|id| ix.name(id)).collect(),
                minimum: post_minimum,
                shortfall: d.outcome.unwrap_or(0),
                sentence: d.sentence(),
            });
        }
    }
    Ok(Reserves {
        year,
        on,
        scope: ix.scope(town, count_towns(entries.iter().map(|e| &e.town))),
        minimum,
        rows,
        post_minimum,
        posts,
    })
}

// ---------------------------------------------------------------------------
// 4. Young-cadre pay.

/// One young cadre's pay for the month, each amount rounded to the fen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YoungRow {
    pub who: Who,
    pub education: Education,
    pub full_time: bool,
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
pub fn young_on_programme(r: &Records, month: Date, town: Option<TownCode>) -> Vec<&YoungCadre> {
    let end = month_end(month);
    let exited = exits_before(r, month);
    r.young_cadres
        .iter()
        .filter(|y| {
            in_scope(town, y.village.town())
                && y.programme_start <= end
                && y.filed_on.is_some_and(|d| d <= end)
                && !exited.contains_key(&y.person)
        })
        .collect()
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
    let mut missing: Vec<String> = Vec::new();
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
            _ => missing.push(format!("{}（{t}）", ix.town_name(t))),
        }
    }
    if !missing.is_empty() {
        return Err(Refusal(format!(
            "{} 没有 {} 年的镇街年度设置（参照工资，即镇街新入职事业人员实发工资，和年轻干部报酬系数）：请在“镇街年度设置”表中填写后导入，或用 --reference-salary 元 和 --factor 系数 统一给出",
            missing.join("、"),
            month.year()
        )));
    }
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
            let (education, full_time) = ix
                .people
                .get(&y.person)
                .map_or((Education::None, false), |x| {
                    (x.education, x.full_time_degree)
                });
            let d = art10_young_cadres::monthly_pay(
                p,
                reference_salary,
                factor,
                Degree {
                    education,
                    full_time,
                },
                y.current_pay,
            );
            example |= d.uses_example_values();
            let pay = d.outcome.rounded();
            YoungRow {
                who: ix.who(y.village, &y.person),
                education,
                full_time,
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
    Ok(Young {
        month,
        reference_salary,
        factor,
        town_salaries,
        scope: ix.scope(town, count_towns(rows.iter().map(|x| &x.who.town))),
        rows,
        example_amounts: example,
    })
}

// ---------------------------------------------------------------------------
// 5. Evaluation results.

/// One secretary's half-year evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvaluationRow {
    /// `None` when the person is on no list and holds no post on record.
    pub town: Option<TownCode>,
    pub town_name: String,
    pub village_name: String,
    pub person: CitizenId,
    pub name: String,
    /// (competent, basically competent, not competent) per rater group, in
    /// the order of [`RaterGroup::ALL`]; `None` when that group has no ballots.
    pub ballots: [Option<(u32, u32, u32)>; 4],
    /// Party members' and public representatives' rate, 4 decimals; `None`
    /// without ballots.
    pub rate: Option<Decimal>,
    pub action: Option<Action>,
    /// "第十二条".
    pub article: String,
    pub sentence: String,
}

impl EvaluationRow {
    /// 无 / 约谈 / 退出, or 未测评.
    pub fn action_zh(&self) -> &'static str {
        match self.action {
            None => "未测评",
            Some(Action::None) => "无",
            Some(Action::Interview) => "约谈",
            Some(Action::Exit) => "退出",
        }
    }
}

/// A half year's evaluation results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluations {
    pub year: i32,
    pub half: u8,
    pub scope: String,
    pub rows: Vec<EvaluationRow>,
}

/// Everyone with ballots in the half year, and everyone on the year's filed
/// list without (未测评), with the rate and action of Article 12.
pub fn evaluations(
    r: &Records,
    p: &Params,
    year: i32,
    half: u8,
    town: Option<TownCode>,
) -> Result<Evaluations, Refusal> {
    let ix = Index::new(r);
    let group_index = |g: RaterGroup| RaterGroup::ALL.iter().position(|x| *x == g).unwrap_or(0);
    let mut ballots: HashMap<&CitizenId, [Option<&Ballots>; 4]> = HashMap::new();
    for b in r
        .ballots
        .iter()
        .filter(|b| b.year == year && b.half == half)
    {
        ballots.entry(&b.person).or_default()[group_index(b.group)] = Some(b);
    }
    // Where each person is: the year's list first, then their latest post.
    let mut place: HashMap<&CitizenId, VillageCode> = HashMap::new();
    for e in r.list_entries.iter().filter(|e| e.year == year) {
        place.entry(&e.person).or_insert(e.village);
    }
    let mut posts: Vec<_> = r
        .posts
        .iter()
        .filter(|x| ballots.contains_key(&x.person) && !place.contains_key(&x.person))
        .collect();
    posts.sort_by_key(|x| (x.role != PostRole::Secretary, std::cmp::Reverse(x.start)));
    let mut post_place: HashMap<&CitizenId, VillageCode> = HashMap::new();
    for x in posts {
        post_place.entry(&x.person).or_insert(x.village);
    }
    let where_is = |id: &CitizenId| place.get(id).or_else(|| post_place.get(id)).copied();

    let mut people: Vec<&CitizenId> = ballots.keys().copied().collect();
    let mut seen: HashSet<&CitizenId> = people.iter().copied().collect();
    for e in filed_entries(r, year, None) {
        if seen.insert(&e.person) {
            people.push(&e.person);
        }
    }
    let mut rows: Vec<EvaluationRow> = people
        .into_iter()
        .filter_map(|id| {
            let village = where_is(id);
            let t = village.map(|v| v.town());
            if town.is_some() && t != town {
                return None;
            }
            let groups = ballots.get(id).copied().unwrap_or_default();
            let counts =
                groups.map(|b| b.map(|b| (b.competent, b.basically_competent, b.not_competent)));
            let as_rule = |i: usize| {
                counts[i].map_or_else(art12_competency::Ballots::default, |(c, b, n)| {
                    art12_competency::Ballots {
                        competent: c,
                        basically_competent: b,
                        not_competent: n,
                    }
                })
            };
            let (pm, pr) = (
                group_index(RaterGroup::PartyMembers),
                group_index(RaterGroup::PublicReps),
            );
            let decision = art12_competency::competency(p, as_rule(pm), as_rule(pr));
            let (rate, action, article, sentence) = match &decision {
                Some(d) => (
                    Some(d.outcome.rate.to_decimal(4)),
                    Some(d.outcome.action),
                    d.rule.citation(),
                    d.sentence(),
                ),
                None => (
                    None,
                    None,
                    art12_competency::COMPETENCY.citation(),
                    if ballots.contains_key(id) {
                        "党员和群众代表均无测评票，无法计算胜任率".to_owned()
                    } else {
                        format!("{year}年{}尚无测评记录", half_zh(half))
                    },
                ),
            };
            Some(EvaluationRow {
                town: t,
                town_name: t.map_or_else(|| "（未知）".to_owned(), |t| ix.town_name(t)),
                village_name: village.map_or_else(|| "（未知）".to_owned(), |v| ix.village_name(v)),
                person: id.clone(),
                name: ix.name(id),
                ballots: counts,
                rate,
                action,
                article,
                sentence,
            })
        })
        .collect();
    if rows.is_empty() {
        return Err(Refusal(format!(
            "没有 {year} 年{}的测评记录，也没有该年已备案的名单{}",
            half_zh(half),
            scope_suffix(&ix, town)
        )));
    }
    rows.sort_by(|a, b| {
        (a.town, where_is(&a.person), &a.person).cmp(&(b.town, where_is(&b.person), &b.person))
    });
    Ok(Evaluations {
        year,
        half,
        scope: ix.scope(
            town,
            count_towns(rows.iter().filter_map(|x| x.town.as_ref())),
        ),
        rows,
    })
}

// ---------------------------------------------------------------------------
// 6. The monthly subsidy payment file.

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

/// Everyone on the filed list of the month's year, except those with an
/// exit dated before the month's first day, paid their tier's subsidy
/// (Article 13, city finance). Refused when that year has no filed list.
pub fn payments(
    r: &Records,
    p: &Params,
    month: Date,
    town: Option<TownCode>,
) -> Result<Payments, Refusal> {
    let ix = Index::new(r);
    let year = month.year();
    let entries = filed_entries(r, year, town);
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
    for e in entries {
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

// ---------------------------------------------------------------------------
// Layout: what a workbook shows.

/// One cell of a report.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A count.
    Int(i64),
    /// Yuan, shown with 2 decimals.
    Money(Decimal),
    /// A rate, shown with 4 decimals.
    Rate(Decimal),
    /// Any other number (days, a pay factor), shown as it is.
    Num(Decimal),
}

impl Cell {
    /// The cell as it reads.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(d) => format!("{:.2}", round_fen(*d)),
            Cell::Rate(d) => format!("{:.4}", d),
            Cell::Num(d) => d.normalize().to_string(),
        }
    }
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn int(n: impl Into<i64>) -> Cell {
    Cell::Int(n.into())
}

fn yes_no(b: bool) -> Cell {
    t(if b { "是" } else { "否" })
}

/// A row of a table; total rows are bold.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub total: bool,
}

impl Row {
    fn data(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            total: false,
        }
    }
    fn total(cells: Vec<Cell>) -> Row {
        Row { cells, total: true }
    }
}

/// What a sheet shows below its title lines, top to bottom.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Table {
        headers: Vec<String>,
        rows: Vec<Row>,
    },
    /// A bold line above a table.
    Heading(String),
    /// Lines to sign, side by side, under a table.
    Signatures(Vec<String>),
}

/// One sheet: a title row, the warning row when due, information lines
/// (town, date made, notes), then its blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub title: String,
    pub warning: bool,
    pub info: Vec<String>,
    pub blocks: Vec<Block>,
}

/// A workbook to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub sheets: Vec<Sheet>,
}

fn headers(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| (*s).to_owned()).collect()
}

/// The first cells of a person's row: number, town, village, name, ID.
fn who_cells(n: i64, w: &Who, mask: Option<Mask>) -> Vec<Cell> {
    vec![
        int(n),
        t(&w.town_name),
        t(&w.village_name),
        t(&w.name),
        t(id_text(&w.person, mask)),
    ]
}

fn id_text(id: &CitizenId, mask: Option<Mask>) -> String {
    match mask {
        Some(m) => id.masked(m),
        None => id.as_str().to_owned(),
    }
}

fn info(scope: &str, made_on: Date, mask: Option<Mask>, has_ids: bool) -> Vec<String> {
    let mut v = vec![format!("镇街：{scope}"), format!("制表日期：{made_on}")];
    if has_ids {
        v.push(match mask {
            Some(m) => format!("身份证号码已脱敏（保留前 {} 位和后 {} 位）", m.head, m.tail),
            None => "含完整身份证号码，此次导出已记入操作日志，请按个人信息保护要求保管".to_owned(),
        });
    }
    v
}

fn tier_cell(tier: u8) -> Cell {
    t(format!("{}档", tier_zh(tier)))
}

/// The filing form: a summary sheet, then one sheet per town with its list
/// and the lines to sign.
pub fn filing_report(f: &Filing, made_on: Date, mask: Option<Mask>) -> Report {
    let title = format!("{}年度村党组织书记专业化管理名单备案表", f.year);
    let mut sheets = Vec::new();
    let mut summary = Vec::new();
    let mut sum = (0u32, 0u32, 0u32, [0u32; 3], Decimal::ZERO);
    for x in &f.towns {
        summary.push(Row::data(vec![
            t(&x.name),
            t(x.town.to_string()),
            int(x.villages),
            int(x.quota),
            int(x.listed),
            int(x.tiers[0]),
            int(x.tiers[1]),
            int(x.tiers[2]),
            Cell::Money(x.monthly_total),
        ]));
        sum.0 += x.villages;
        sum.1 += x.quota;
        sum.2 += x.listed;
        for i in 0..3 {
            sum.3[i] += x.tiers[i];
        }
        sum.4 += x.monthly_total;
    }
    summary.push(Row::total(vec![
        t("合计"),
        Cell::Empty,
        int(sum.0),
        int(sum.1),
        int(sum.2),
        int(sum.3[0]),
        int(sum.3[1]),
        int(sum.3[2]),
        Cell::Money(sum.4),
    ]));
    let mut summary_info = info(&f.scope, made_on, mask, false);
    summary_info.push(f.quota_rule.clone());
    sheets.push(Sheet {
        name: "汇总".to_owned(),
        title: format!("{title}（汇总）"),
        warning: f.example_amounts,
        info: summary_info,
        blocks: vec![Block::Table {
            headers: headers(&[
                "镇街",
                "镇街代码",
                "行政村数",
                "纳入名额",
                "已列入",
                "一档",
                "二档",
                "三档",
                "月补贴合计（元）",
            ]),
            rows: summary,
        }],
    });
    let by_town: HashMap<TownCode, &[FilingRow]> = f
        .rows
        .chunk_by(|a, b| a.who.town == b.who.town)
        .map(|c| (c[0].who.town, c))
        .collect();
    for town in f.towns.iter().filter(|x| x.listed > 0) {
        let mine = by_town.get(&town.town).copied().unwrap_or_default();
        let mut rows: Vec<Row> = mine
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Row::data(
                    [
                        who_cells(i as i64 + 1, &r.who, mask),
                        vec![
                            tier_cell(r.tier),
                            Cell::Money(r.monthly_subsidy),
                            t(r.status.label()),
                        ],
                    ]
                    .concat(),
                )
            })
            .collect();
        rows.push(Row::total(vec![
            t("合计"),
            Cell::Empty,
            Cell::Empty,
            t(format!("{} 人", mine.len())),
            Cell::Empty,
            t(format!(
                "一档 {}、二档 {}、三档 {}",
                town.tiers[0], town.tiers[1], town.tiers[2]
            )),
            Cell::Money(town.monthly_total),
            Cell::Empty,
        ]));
        let mut town_info = info(
            &format!("{}（{}）", town.name, town.town),
            made_on,
            mask,
            true,
        );
        town_info.push(format!(
            "行政村 {} 个，纳入名额 {} 名，已列入 {} 名",
            town.villages, town.quota, town.listed
        ));
        sheets.push(Sheet {
            name: town.name.clone(),
            title: title.clone(),
            warning: f.example_amounts,
            info: town_info,
            blocks: vec![
                Block::Table {
                    headers: headers(&[
                        "序号",
                        "镇街",
                        "村",
                        "姓名",
                        "身份证号码",
                        "补贴档次",
                        "月补贴（元）",
                        "备案状态",
                    ]),
                    rows,
                },
                Block::Signatures(SIGNATURES.iter().map(|s| (*s).to_owned()).collect()),
            ],
        });
    }
    Report { sheets }
}

/// Training compliance, one sheet.
pub fn training_report(x: &Training, made_on: Date, mask: Option<Mask>) -> Report {
    let mut rows: Vec<Row> = x
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let reflection = match (r.attended, r.reflections_missing) {
                (0, _) => "未参训".to_owned(),
                (_, 0) => "已报备".to_owned(),
                (_, k) => format!("未报备 {k} 次"),
            };
            Row::data(
                [
                    who_cells(i as i64 + 1, &r.who, mask),
                    vec![
                        Cell::Num(r.city_days),
                        int(r.town_sessions),
                        Cell::Num(r.town_days),
                        yes_no(r.compliant),
                        t(&r.sentence),
                        t(reflection),
                        yes_no(r.poor_result),
                    ],
                ]
                .concat(),
            )
        })
        .collect();
    let ok = x.rows.iter().filter(|r| r.compliant).count();
    rows.push(Row::total(vec![
        t("合计"),
        Cell::Empty,
        Cell::Empty,
        t(format!("{} 人", x.rows.len())),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        t(format!("达标 {ok}，未达标 {}", x.rows.len() - ok)),
        Cell::Empty,
        t(format!(
            "未报备 {} 人",
            x.rows
                .iter()
                .filter(|r| r.attended > 0 && r.reflections_missing > 0)
                .count()
        )),
        t(format!(
            "{} 人",
            x.rows.iter().filter(|r| r.poor_result).count()
        )),
    ]));
    let mut lines = info(&x.scope, made_on, mask, true);
    lines.push(format!(
        "名单：{} 年已备案的专业化管理名单；培训班次按开班日期计入 {} 年",
        x.year, x.year
    ));
    lines.push(format!("标准：{}", x.standard));
    Report {
        sheets: vec![Sheet {
            name: "培训达标".to_owned(),
            title: format!("{}年度专业化村党组织书记集中培训达标情况", x.year),
            warning: false,
            info: lines,
            blocks: vec![Block::Table {
                headers: headers(&[
                    "序号",
                    "镇街",
                    "村",
                    "姓名",
                    "身份证号码",
                    "市级培训天数",
                    "镇街培训次数",
                    "镇街培训天数",
                    "是否达标",
                    "判定说明（第六条）",
                    "学习体会报备",
                    "学习效果差",
                ]),
                rows,
            }],
        }],
    }
}

/// Reserve coverage, one sheet, with a subtotal per town.
pub fn reserves_report(x: &Reserves, made_on: Date) -> Report {
    let mut rows = Vec::new();
    let mut n = 0;
    let subtotal = |name: &str, list: &[&ReserveRow]| {
        Row::total(vec![
            t(name),
            Cell::Empty,
            t(format!("{} 个村", list.len())),
            Cell::Empty,
            int(list.iter().map(|r| i64::from(r.reserves)).sum::<i64>()),
            Cell::Empty,
            int(list.iter().map(|r| i64::from(r.shortfall)).sum::<i64>()),
            Cell::Empty,
            t(format!(
                "缺额村 {} 个",
                list.iter().filter(|r| r.shortfall > 0).count()
            )),
        ])
    };
    let towns: Vec<&[ReserveRow]> = x.rows.chunk_by(|a, b| a.who.town == b.who.town).collect();
    for chunk in &towns {
        let mine: Vec<&ReserveRow> = chunk.iter().collect();
        for r in &mine {
            n += 1;
            rows.push(Row::data(vec![
                int(n),
                t(&r.who.town_name),
                t(&r.who.village_name),
                t(&r.who.name),
                int(r.reserves),
                int(r.minimum),
                int(r.shortfall),
                t(r.names.join("、")),
                t(&r.sentence),
            ]));
        }
        if towns.len() > 1 {
            rows.push(subtotal(&format!("{}小计", mine[0].who.town_name), &mine));
        }
    }
    let all: Vec<&ReserveRow> = x.rows.iter().collect();
    rows.push(subtotal("合计", &all));
    let mut lines = info(&x.scope, made_on, None, false);
    lines.push(format!(
        "名单：{} 年已备案的专业化管理村；后备力量按 {} 在库（已列入、未移出）计",
        x.year, x.on
    ));
    lines.push(format!(
        "标准：每个专业化管理村储备村党组织书记后备力量不低于 {} 名（第九条）",
        x.minimum
    ));
    let mut post_rows = Vec::new();
    for (k, r) in x.posts.iter().enumerate() {
        post_rows.push(Row::data(vec![
            int(k as i64 + 1),
            t(&r.who.town_name),
            t(&r.who.village_name),
            t(r.post.label()),
            t(&r.who.name),
            int(r.reserves),
            int(r.minimum),
            int(r.shortfall),
            t(r.names.join("、")),
            t(&r.sentence),
        ]));
    }
    post_rows.push(Row::total(vec![
        t("合计"),
        Cell::Empty,
        Cell::Empty,
        t(format!("{} 个职位", x.posts.len())),
        Cell::Empty,
        int(x.posts.iter().map(|r| i64::from(r.reserves)).sum::<i64>()),
        Cell::Empty,
        int(x.posts.iter().map(|r| i64::from(r.shortfall)).sum::<i64>()),
        Cell::Empty,
        t(format!(
            "缺后备职位 {} 个",
            x.posts.iter().filter(|r| r.shortfall > 0).count()
        )),
    ]));
    let mut post_lines = info(&x.scope, made_on, None, false);
    post_lines.extend([
        format!(
            "职位：{} 年已备案专业化管理村 {} 在任的其他“两委”职位；同一职位多人任职的，每人各需后备",
            x.year, x.on
        ),
        format!(
            "标准：其他村“两委”干部“一职一备”，每个职位不少于 {} 名（第九条）",
            x.post_minimum
        ),
    ]);
    Report {
        sheets: vec![
            Sheet {
                name: "后备力量".to_owned(),
                title: format!("{}年度专业化管理村书记后备力量储备情况", x.year),
                warning: false,
                info: lines,
                blocks: vec![Block::Table {
                    headers: headers(&[
                        "序号",
                        "镇街",
                        "村",
                        "村党组织书记",
                        "书记后备人数",
                        "最低要求",
                        "缺额",
                        "后备人选",
                        "说明（第九条）",
                    ]),
                    rows,
                }],
            },
            Sheet {
                name: "一职一备".to_owned(),
                title: format!("{}年度专业化管理村“两委”职位一职一备情况", x.year),
                warning: false,
                info: post_lines,
                blocks: vec![Block::Table {
                    headers: headers(&[
                        "序号",
                        "镇街",
                        "村",
                        "职位",
                        "任职人员",
                        "后备人数",
                        "最低要求",
                        "缺额",
                        "后备人选",
                        "说明（第九条）",
                    ]),
                    rows: post_rows,
                }],
            },
        ],
    }
}

/// Young-cadre pay, one sheet, with a subtotal per town.
pub fn young_report(x: &Young, made_on: Date, mask: Option<Mask>) -> Report {
    let sums = |list: &[&YoungRow]| {
        list.iter().fold([Decimal::ZERO; 4], |mut a, r| {
            a[0] += r.base;
            a[1] += r.city_subsidy;
            a[2] += r.town_subsidy;
            a[3] += r.total;
            a
        })
    };
    let subtotal = |name: String, list: &[&YoungRow]| {
        let s = sums(list);
        Row::total(vec![
            t(name),
            Cell::Empty,
            Cell::Empty,
            t(format!("{} 人", list.len())),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Money(s[0]),
            Cell::Money(s[1]),
            Cell::Money(s[2]),
            Cell::Money(s[3]),
            Cell::Empty,
            t(format!(
                "{} 人",
                list.iter().filter(|r| r.kept_current).count()
            )),
        ])
    };
    let towns: Vec<&[YoungRow]> = x.rows.chunk_by(|a, b| a.who.town == b.who.town).collect();
    let mut rows = Vec::new();
    let mut n = 0;
    for chunk in &towns {
        let mine: Vec<&YoungRow> = chunk.iter().collect();
        for r in &mine {
            n += 1;
            let edu = if r.full_time {
                format!("{}（全日制）", r.education.zh())
            } else {
                r.education.zh().to_owned()
            };
            rows.push(Row::data(
                [
                    who_cells(n, &r.who, mask),
                    vec![
                        t(edu),
                        Cell::Num(r.factor),
                        Cell::Money(r.base),
                        Cell::Money(r.city_subsidy),
                        Cell::Money(r.town_subsidy),
                        Cell::Money(r.total),
                        Cell::Money(r.current_pay),
                        yes_no(r.kept_current),
                    ],
                ]
                .concat(),
            ));
        }
        if towns.len() > 1 {
            rows.push(subtotal(format!("{}小计", mine[0].who.town_name), &mine));
        }
    }
    let all: Vec<&YoungRow> = x.rows.iter().collect();
    rows.push(subtotal("合计".to_owned(), &all));
    let mut lines = info(&x.scope, made_on, mask, true);
    match x.reference_salary {
        Some(salary) => lines.push(format!(
            "参照工资：镇街新入职事业人员实发工资 {salary} 元/月（命令行 --reference-salary 给出，各镇街按同一数额计算）"
        )),
        None => lines.push(format!(
            "参照工资：镇街新入职事业人员实发工资，取各镇街 {} 年度设置：{}",
            x.month.year(),
            x.town_salaries
                .iter()
                .map(|t| format!("{} {} 元/月", t.town_name, t.salary))
                .collect::<Vec<_>>()
                .join("；")
        )),
    }
    match x.factor {
        Some(f) => lines.push(format!(
            "报酬系数：{f}（命令行 --factor 给出，各镇街按同一系数计算）"
        )),
        None => lines.push(format!(
            "报酬系数：取各镇街 {} 年度设置：{}",
            x.month.year(),
            x.town_salaries
                .iter()
                .map(|t| format!("{} {}", t.town_name, t.factor))
                .collect::<Vec<_>>()
                .join("；")
        )),
    }
    lines.push(
        "基本报酬 = 参照工资 × 报酬系数，由镇街财政负担；全日制大专以上学历的，市镇两级财政每月再分别补贴；现报酬高于标准的按高标准执行（第十条）"
            .to_owned(),
    );
    Report {
        sheets: vec![Sheet {
            name: "年轻干部报酬".to_owned(),
            title: format!(
                "{}年轻干部报酬表（参照工资 {}）",
                month_zh(x.month),
                x.salary_text()
            ),
            warning: x.example_amounts,
            info: lines,
            blocks: vec![Block::Table {
                headers: headers(&[
                    "序号",
                    "镇街",
                    "村",
                    "姓名",
                    "身份证号码",
                    "学历",
                    "报酬系数",
                    "基本报酬（元）",
                    "市级学历补贴（元）",
                    "镇级学历补贴（元）",
                    "月报酬合计（元）",
                    "现报酬（元）",
                    "按现报酬执行",
                ]),
                rows,
            }],
        }],
    }
}

/// Evaluation results, one sheet.
pub fn evaluations_report(x: &Evaluations, made_on: Date, mask: Option<Mask>) -> Report {
    let mut h = headers(&["序号", "镇街", "村", "姓名", "身份证号码"]);
    for g in RaterGroup::ALL {
        for k in ["胜任", "基本胜任", "不胜任"] {
            h.push(format!("{}·{k}", g.label()));
        }
    }
    h.extend(headers(&["胜任率", "处理", "依据条款", "说明"]));
    let mut rows: Vec<Row> = x
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut cells = vec![
                int(i as i64 + 1),
                t(&r.town_name),
                t(&r.village_name),
                t(&r.name),
                t(id_text(&r.person, mask)),
            ];
            for b in r.ballots {
                match b {
                    Some((c, bb, n)) => cells.extend([int(c), int(bb), int(n)]),
                    None => cells.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
                }
            }
            cells.push(r.rate.map_or(Cell::Empty, Cell::Rate));
            cells.push(t(r.action_zh()));
            cells.push(t(&r.article));
            cells.push(t(&r.sentence));
            Row::data(cells)
        })
        .collect();
    let mut total = vec![
        t("合计"),
        Cell::Empty,
        Cell::Empty,
        t(format!("{} 人", x.rows.len())),
        Cell::Empty,
    ];
    for g in 0..4 {
        let sum = |k: fn((u32, u32, u32)) -> u32| {
            int(x
                .rows
                .iter()
                .filter_map(|r| r.ballots[g])
                .map(|b| i64::from(k(b)))
                .sum::<i64>())
        };
        total.extend([sum(|b| b.0), sum(|b| b.1), sum(|b| b.2)]);
    }
    let count = |a: Option<Action>| x.rows.iter().filter(|r| r.action == a).count();
    total.push(Cell::Empty);
    total.push(t(format!(
        "约谈 {}，退出 {}，未测评 {}",
        count(Some(Action::Interview)),
        count(Some(Action::Exit)),
        count(None)
    )));
    total.push(Cell::Empty);
    total.push(Cell::Empty);
    rows.push(Row::total(total));
    let mut lines = info(&x.scope, made_on, mask, true);
    lines.push(
        "胜任率按政策文件的口径计算（示例政策：党员和群众代表的（胜任 + 基本胜任）÷ 全部票数），保留 4 位小数（按精确值判定，每人的算法见“说明”列）；包村干部、镇街党(工)委测评结果作次年调整参考，不计入（第十二条）"
            .to_owned(),
    );
    Report {
        sheets: vec![Sheet {
            name: "胜任度评价".to_owned(),
            title: format!(
                "{}年{}专业化村党组织书记胜任度评价结果",
                x.year,
                half_zh(x.half)
            ),
            warning: false,
            info: lines,
            blocks: vec![Block::Table { headers: h, rows }],
        }],
    }
}

/// The payment file: one row per person paid and a total, then totals per
/// town and per funding source, then who is not paid and why.
pub fn payments_report(x: &Payments, made_on: Date, mask: Option<Mask>) -> Report {
    let mut rows: Vec<Row> = x
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            Row::data(
                [
                    who_cells(i as i64 + 1, &r.who, mask),
                    vec![
                        tier_cell(r.tier),
                        Cell::Money(r.amount),
                        t(r.source.label()),
                    ],
                ]
                .concat(),
            )
        })
        .collect();
    rows.push(Row::total(vec![
        t("合计"),
        Cell::Empty,
        Cell::Empty,
        t(format!("{} 人", x.people)),
        Cell::Empty,
        Cell::Empty,
        Cell::Money(x.total),
        Cell::Empty,
    ]));
    let totals = |list: Vec<Row>| {
        let mut list = list;
        list.push(Row::total(vec![
            t("合计"),
            int(x.people),
            Cell::Money(x.total),
        ]));
        list
    };
    let mut blocks = vec![
        Block::Table {
            headers: headers(&[
                "序号",
                "镇街",
                "村",
                "姓名",
                "身份证号码",
                "补贴档次",
                "金额（元）",
                "资金来源",
            ]),
            rows,
        },
        Block::Heading("按镇街汇总".to_owned()),
        Block::Table {
            headers: headers(&["镇街", "人数", "金额（元）"]),
            rows: totals(
                x.by_town
                    .iter()
                    .map(|s| Row::data(vec![t(&s.name), int(s.people), Cell::Money(s.amount)]))
                    .collect(),
            ),
        },
        Block::Heading("按资金来源汇总".to_owned()),
        Block::Table {
            headers: headers(&["资金来源", "人数", "金额（元）"]),
            rows: totals(
                x.by_source
                    .iter()
                    .map(|s| Row::data(vec![t(&s.name), int(s.people), Cell::Money(s.amount)]))
                    .collect(),
            ),
        },
    ];
    if !x.not_paid.is_empty() {
        blocks.push(Block::Heading(format!(
            "不予发放：已退出专业化管理（{} 人）",
            x.not_paid.len()
        )));
        blocks.push(Block::Table {
            headers: headers(&["镇街", "村", "姓名", "身份证号码", "退出日期", "退出原因"]),
            rows: x
                .not_paid
                .iter()
                .map(|n| {
                    Row::data(vec![
                        t(&n.who.town_name),
                        t(&n.who.village_name),
                        t(&n.who.name),
                        t(id_text(&n.who.person, mask)),
                        t(n.exit.on.to_string()),
                        t(n.exit.reason.label()),
                    ])
                })
                .collect(),
        });
    }
    let mut lines = info(&x.scope, made_on, mask, true);
    lines.push(format!(
        "名单：{} 年已备案的专业化管理名单；退出日期在 {} 以前的不予发放；金额按补贴档次（第十三条），由市财政承担，按月通过“一卡通”发放",
        x.month.year(),
        x.month
    ));
    Report {
        sheets: vec![Sheet {
            name: "补贴发放".to_owned(),
            title: format!(
                "{}专业化村党组织书记补贴发放表（一卡通）",
                month_zh(x.month)
            ),
            warning: x.example_amounts,
            info: lines,
            blocks,
        }],
    }
}

// ---------------------------------------------------------------------------
// Writing and reading back.

struct ReportFormats {
    title: Format,
    warning: Format,
    info: Format,
    heading: Format,
    header: Format,
    /// [plain, bold] of each cell kind.
    text: [Format; 2],
    int: [Format; 2],
    money: [Format; 2],
    rate: [Format; 2],
    num: [Format; 2],
    signature: Format,
}

impl ReportFormats {
    fn new() -> ReportFormats {
        let cell = Format::new().set_border(FormatBorder::Thin);
        let pair = |f: Format| [f.clone(), f.set_bold()];
        ReportFormats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            warning: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_font_color(Color::RGB(0xC00000))
                .set_background_color(Color::RGB(0xFFF2CC)),
            info: Format::new(),
            heading: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0xD9D9D9))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            text: pair(cell.clone().set_num_format("@")),
            int: pair(cell.clone().set_num_format("0")),
            money: pair(cell.clone().set_num_format("0.00")),
            rate: pair(cell.clone().set_num_format("0.0000")),
            num: pair(cell.set_num_format("General")),
            signature: Format::new().set_font_size(12),
        }
    }
}

/// Columns a string takes on screen: Chinese characters two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// An Excel sheet name: no `[]:*?/\`, at most 31 characters, unique in the
/// workbook.
fn sheet_name(wanted: &str, used: &mut HashSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'');
    let base: String = if clean.is_empty() {
        "表".to_owned()
    } else {
        clean.chars().take(31).collect()
    };
    let mut name = base.clone();
    let mut k = 2;
    while !used.insert(name.to_lowercase()) {
        let suffix = format!("（{k}）");
        let room = 31 - suffix.chars().count();
        name = format!("{}{suffix}", base.chars().take(room).collect::<String>());
        k += 1;
    }
    name
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    bold: bool,
    f: &ReportFormats,
) -> Result<(), XlsxError> {
    let b = usize::from(bold);
    match cell {
        Cell::Empty => {
            ws.write_blank(row, col, &f.text[b])?;
        }
        Cell::Text(s) => {
            ws.write_string_with_format(row, col, s, &f.text[b])?;
        }
        Cell::Int(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.int[b])?;
        }
        Cell::Money(d) => {
            ws.write_number_with_format(row, col, decimal_f64(round_fen(*d)), &f.money[b])?;
        }
        Cell::Rate(d) => {
            ws.write_number_with_format(row, col, decimal_f64(*d), &f.rate[b])?;
        }
        Cell::Num(d) => {
            ws.write_number_with_format(row, col, decimal_f64(*d), &f.num[b])?;
        }
    }
    Ok(())
}

fn write_line(
    ws: &mut Worksheet,
    row: u32,
    width: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if width > 1 {
        ws.merge_range(row, 0, row, width - 1, text, format)?;
    } else {
        ws.write_string_with_format(row, 0, text, format)?;
    }
    Ok(())
}

fn write_sheet(ws: &mut Worksheet, s: &Sheet, f: &ReportFormats) -> Result<(), XlsxError> {
    let width = s
        .blocks
        .iter()
        .map(|b| match b {
            Block::Table { headers, .. } => headers.len(),
            _ => 1,
        })
        .max()
        .unwrap_or(1)
        .clamp(1, 200) as u16;
    let mut widths = vec![4usize; usize::from(width)];
    let mut r = 0u32;
    write_line(ws, r, width, &s.title, &f.title)?;
    ws.set_row_height(r, 24)?;
    r += 1;
    if s.warning {
        write_line(ws, r, width, EXAMPLE_WARNING, &f.warning)?;
        r += 1;
    }
    for line in &s.info {
        ws.write_string_with_format(r, 0, line, &f.info)?;
        r += 1;
    }
    r += 1;
    let mut freeze = None;
    for block in &s.blocks {
        match block {
            Block::Heading(text) => {
                ws.write_string_with_format(r, 0, text, &f.heading)?;
                r += 1;
            }
            Block::Table { headers, rows } => {
                for (c, h) in headers.iter().enumerate() {
                    ws.write_string_with_format(r, c as u16, h, &f.header)?;
                    widths[c] = widths[c].max(display_width(h).min(16));
                }
                freeze.get_or_insert(r + 1);
                r += 1;
                for row in rows {
                    for (c, cell) in row.cells.iter().enumerate().take(usize::from(width)) {
                        write_cell(ws, r, c as u16, cell, row.total, f)?;
                        widths[c] = widths[c].max(display_width(&cell.text()));
                    }
                    r += 1;
                }
                r += 1;
            }
            Block::Signatures(lines) => {
                r += 1;
                let n = lines.len().max(1) as u16;
                let step = (width / n).max(1);
                for (i, line) in lines.iter().enumerate() {
                    let c = (i as u16 * step).min(width.saturating_sub(1));
                    ws.write_string_with_format(r, c, line, &f.signature)?;
                }
                ws.set_row_height(r, 28)?;
                r += 2;
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).min(60) as f64 + 2.0)?;
    }
    if let Some(row) = freeze {
        ws.set_freeze_panes(row, 0)?;
    }
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Writes a report, one worksheet per sheet.
pub fn write_report(path: &Path, report: &Report) -> Result<(), ExcelError> {
    let f = ReportFormats::new();
    let mut book = Workbook::new();
    let mut used = HashSet::new();
    for s in &report.sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&s.name, &mut used))?;
        write_sheet(ws, s, &f)?;
    }
    if report.sheets.is_empty() {
        book.add_worksheet();
    }
    book.save(path)?;
    Ok(())
}

/// A sheet read back: its name and every row from the first, each cell as
/// text (numbers as Rust prints them: `3600`, `0.8689`; empty cells "").
pub type SheetText = (String, Vec<Vec<String>>);

/// Reads every sheet of a workbook as text, rows and columns from A1.
pub fn read_report(path: &Path) -> Result<Vec<SheetText>, ExcelError> {
    let mut book = open_workbook_auto(path).map_err(|e| ExcelError::Read(e.to_string()))?;
    let names = book.sheet_names().to_owned();
    let mut out = Vec::new();
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ExcelError::Read(e.to_string()))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let (r1, c1) = range.end().unwrap_or((0, 0));
        let mut grid = if range.is_empty() {
            Vec::new()
        } else {
            vec![vec![String::new(); c1 as usize + 1]; r1 as usize + 1]
        };
        for (r, c, d) in range.cells() {
            grid[r + r0 as usize][c + c0 as usize] = d.to_string();
        }
        out.push((name, grid));
    }
    Ok(out)
}
