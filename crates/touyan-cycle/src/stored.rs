//! How a stored proposal keeps its reasons (`cycle_secretaries.checks_json`,
//! `SecretaryProposal::reasons`): typed and compact, not as sentences.
//!
//! The rules' reasons are typed values, rendered as Chinese sentences only
//! when a person or a file needs them (`touyan_rules::decision`). A stored
//! proposal keeps them the same way: the values each of the five inclusion
//! checks decided on, the training totals and the competency rate, as a
//! short JSON array, about 75 bytes where the contract's per-secretary
//! object with its sentences is about 800. [`contract_json`] renders that
//! object from it through the writer `touyan evaluate` uses
//! (`touyan_evaluate::output::secretary_out`) with the rules' own `Display`
//! of each reason, so it says word for word what the contract says;
//! [`check_lines`] gives the checks with their rule and sentence for pages.
//!
//! Why not the sentences: the first run of a year over the whole country
//! stores 487,000 proposals, and storing their sentences (about 390 MB)
//! took a third of the run (bench/README.md, "sixth pass"); compact, 36 MB.
//!
//! ## The stored form, version 2
//!
//! ```text
//! [2, passed, start, on, years, relaxed, rank, villages, num, den,
//!  "income", "min", stars, min_stars, training, competency]
//! ```
//!
//! - `passed`: bit k set when check k passed (0 三好三强, 1 tenure,
//!   2 assessment rank, 3 collective income, 4 star rating, the contract's
//!   order); each reason's own "met" is its check's outcome.
//! - `start`, `on`: the tenure's start and the decision date as `yyyymmdd`
//!   integers; `years`: the tenure required; `relaxed`: `null` (no
//!   relaxation), `"D"` (full-time college degree or higher) or the age in
//!   completed years (the age relaxation).
//! - `rank`, `villages`: last year's rank and the villages it was ranked
//!   among; `num`/`den`: the fraction of them that qualifies (前1/2),
//!   reduced (64-bit integers: a policy may give `33.3333333333%`).
//! - `"income"`, `"min"`: collective income and the minimum in 万元,
//!   as the reason writes them (a policy's `10.0` stays `10.0`), as
//!   strings so that they stay exact.
//! - `stars`, `min_stars`: the Party organisation's star rating and the
//!   minimum.
//! - `training`: `null` or `["city_days", town_sessions, "town_days",
//!   shortfalls]`, shortfalls as bits (1 city days, 2 town sessions,
//!   4 town days).
//! - `competency`: `null` or `["rate", action]`, the rate as written (4
//!   decimals), the action by its contract name.
//!
//! Version 1 is the contract's object itself (`{"id":…}`), as proposals were
//! stored before; it is still read, and written whenever a secretary's
//! result does not have the shape above (which the rules crate does not
//! produce today; a test pins that every demo secretary takes version 2).

use std::fmt::Write as _;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;
use time::{Date, Month};
use touyan_evaluate::output::{self, CompetencyOut, Json, SecretaryOut, TrainingOut};
use touyan_evaluate::town::{SecretaryResult, TownResult};
use touyan_rules::Rule;
use touyan_rules::art01_inclusion::{
    ASSESSMENT_RANK, COLLECTIVE_INCOME, Check, CheckReason, Relaxation, TENURE,
    THREE_GOOD_THREE_STRONG,
};
use touyan_rules::art06_training::Shortfall;
use touyan_rules::art12_competency::Action;
use touyan_rules::art13_pay::STAR_RATING;
use touyan_rules::decision::Decision;
use touyan_rules::num::Ratio;

/// The version this module writes.
const VERSION: u64 = 2;

/// The five checks' rules, in the contract's order (the bits of `passed`).
static RULES: [&Rule; 5] = [
    &THREE_GOOD_THREE_STRONG,
    &TENURE,
    &ASSESSMENT_RANK,
    &COLLECTIVE_INCOME,
    &STAR_RATING,
];

/// The shortfalls in the contract's order (the bits of `training`).
const SHORTFALLS: [Shortfall; 3] = [
    Shortfall::CityDays,
    Shortfall::TownSessions,
    Shortfall::TownDays,
];

const ACTIONS: [Action; 3] = [Action::None, Action::Interview, Action::Exit];

/// Writes the stored reasons of secretary `n` of `r` into `j` (cleared
/// first): version 2, or the contract's object when the result does not
/// have the shape version 2 keeps.
pub fn encode(j: &mut Json, r: &TownResult<'_>, n: usize, s: &SecretaryResult) {
    j.buf.clear();
    if !compact(&mut j.buf, s) {
        j.buf.clear();
        output::secretary(j, r, n, s);
    }
}

/// Version 2 of `s` into `out`; `false` (with `out` half written) when `s`
/// does not have its shape.
fn compact(out: &mut String, s: &SecretaryResult) -> bool {
    let c = &s.eligibility.checks;
    let mut passed = 0u8;
    for (k, (check, rule)) in c.iter().zip(RULES).enumerate() {
        if !std::ptr::eq(check.rule, rule) {
            return false;
        }
        passed |= u8::from(check.outcome) << k;
    }
    let (
        CheckReason::ThreeGood(good),
        CheckReason::Tenure {
            start,
            on,
            required_years,
            relaxed,
            met: tenure_met,
        },
        CheckReason::Rank {
            rank,
            village_count,
            fraction,
            met: rank_met,
        },
        CheckReason::Income {
            income,
            min,
            met: income_met,
        },
        CheckReason::Stars {
            stars,
            min: min_stars,
            met: stars_met,
        },
    ) = (
        c[0].reason,
        c[1].reason,
        c[2].reason,
        c[3].reason,
        c[4].reason,
    )
    else {
        return false;
    };
    let met = [good, tenure_met, rank_met, income_met, stars_met];
    if met.iter().zip(c).any(|(m, check)| *m != check.outcome) {
        return false;
    }
    // `yyyymmdd` holds years 1 to 9999 only (the records hold none other).
    if ![start, on].iter().all(|d| (1..=9999).contains(&d.year())) {
        return false;
    }
    let _ = write!(
        out,
        "[{VERSION},{passed},{},{},{required_years},",
        ymd(start),
        ymd(on)
    );
    let _ = match relaxed {
        None => write!(out, "null"),
        Some(Relaxation::Degree) => write!(out, "\"D\""),
        Some(Relaxation::Age(age)) => write!(out, "{age}"),
    };
    let _ = write!(
        out,
        ",{rank},{village_count},{},{},\"{}\",\"{}\",{stars},{min_stars},",
        fraction.num(),
        fraction.den(),
        income,
        min,
    );
    match &s.training {
        None => out.push_str("null,"),
        Some(t) => {
            let t = &t.outcome;
            let bits = t.shortfalls.iter().fold(0u8, |b, sf| {
                b | SHORTFALLS
                    .iter()
                    .position(|x| x == sf)
                    .map_or(0, |k| 1 << k)
            });
            let _ = write!(
                out,
                "[\"{}\",{},\"{}\",{bits}],",
                t.city_days.normalize(),
                t.town_sessions,
                t.town_days.normalize()
            );
        }
    }
    match &s.competency {
        None => out.push_str("null]"),
        Some(c) => {
            let _ = write!(
                out,
                "[\"{}\",\"{}\"]]",
                c.outcome.rate.to_decimal(4).normalize(),
                c.outcome.action.name()
            );
        }
    }
    true
}

fn ymd(d: Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(u8::from(d.month())) * 100 + i64::from(d.day())
}

/// A stored proposal's reasons, typed again.
#[derive(Clone, Debug)]
pub struct Reasons {
    /// The five inclusion checks with their reasons (without the parameters
    /// they used, which the stored form does not keep).
    pub checks: [Check; 5],
    training: Option<Training>,
    competency: Option<(Decimal, Action)>,
}

#[derive(Clone, Debug)]
struct Training {
    city_days: Decimal,
    town_sessions: u32,
    town_days: Decimal,
    shortfalls: Vec<Shortfall>,
}

/// Reads version 2. `Err`: a Chinese message.
pub fn decode(stored: &str) -> Result<Reasons, String> {
    let bad = |what: &str| format!("存储的判定理由无法读取（{what}）");
    let v: Value = serde_json::from_str(stored).map_err(|e| bad(&e.to_string()))?;
    let a = v.as_array().ok_or_else(|| bad("不是数组"))?;
    if a.len() != 16 || a[0].as_u64() != Some(VERSION) {
        return Err(bad("格式版本或项数不符"));
    }
    // Item `k` (or a part of it, `x`) as an integer of 64 or of 32 bits.
    let int = |x: &Value, k: usize| -> Result<u64, String> {
        x.as_u64().ok_or_else(|| bad(&format!("第 {k} 项应为整数")))
    };
    let int32 = |x: &Value, k: usize| -> Result<u32, String> {
        u32::try_from(int(x, k)?).map_err(|_| bad(&format!("第 {k} 项超出范围")))
    };
    let uint = |k: usize| int32(&a[k], k);
    let dec = |x: &Value, k: usize| -> Result<Decimal, String> {
        x.as_str()
            .and_then(|s| Decimal::from_str(s).ok())
            .ok_or_else(|| bad(&format!("第 {k} 项应为数字文本")))
    };
    let date = |k: usize| -> Result<Date, String> {
        let n = uint(k)?;
        Month::try_from((n / 100 % 100) as u8)
            .ok()
            .and_then(|m| Date::from_calendar_date((n / 10_000) as i32, m, (n % 100) as u8).ok())
            .ok_or_else(|| bad(&format!("第 {k} 项应为日期")))
    };
    let passed = uint(1)?;
    if passed > 31 {
        return Err(bad("第 1 项超出范围"));
    }
    let bit = |k: usize| passed & (1 << k) != 0;
    let relaxed = match &a[5] {
        Value::Null => None,
        Value::String(s) if s == "D" => Some(Relaxation::Degree),
        _ => Some(Relaxation::Age(uint(5)?)),
    };
    let fraction =
        Ratio::new(int(&a[8], 8)?, int(&a[9], 9)?).ok_or_else(|| bad("第 9 项不能为 0"))?;
    let reasons = [
        CheckReason::ThreeGood(bit(0)),
        CheckReason::Tenure {
            start: date(2)?,
            on: date(3)?,
            required_years: uint(4)?,
            relaxed,
            met: bit(1),
        },
        CheckReason::Rank {
            rank: uint(6)?,
            village_count: uint(7)?,
            fraction,
            met: bit(2),
        },
        CheckReason::Income {
            income: dec(&a[10], 10)?,
            min: dec(&a[11], 11)?,
            met: bit(3),
        },
        CheckReason::Stars {
            stars: uint(12)?,
            min: uint(13)?,
            met: bit(4),
        },
    ];
    let mut k = 0;
    let checks = reasons.map(|reason| {
        let c = Decision::new(RULES[k], bit(k), reason);
        k += 1;
        c
    });
    let training = match &a[14] {
        Value::Null => None,
        Value::Array(t) if t.len() == 4 => {
            let bits = t[3]
                .as_u64()
                .filter(|b| *b < 8)
                .ok_or_else(|| bad("第 14 项的缺项不对"))?;
            Some(Training {
                city_days: dec(&t[0], 14)?,
                town_sessions: int32(&t[1], 14)?,
                town_days: dec(&t[2], 14)?,
                shortfalls: SHORTFALLS
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| bits & (1 << k) != 0)
                    .map(|(_, sf)| *sf)
                    .collect(),
            })
        }
        _ => return Err(bad("第 14 项应为培训或 null")),
    };
    let competency = match &a[15] {
        Value::Null => None,
        Value::Array(c) if c.len() == 2 => {
            let action = ACTIONS
                .into_iter()
                .find(|x| c[1].as_str() == Some(x.name()))
                .ok_or_else(|| bad("第 15 项的处理方式不对"))?;
            Some((dec(&c[0], 15)?, action))
        }
        _ => return Err(bad("第 15 项应为胜任度或 null")),
    };
    Ok(Reasons {
        checks,
        training,
        competency,
    })
}

impl Reasons {
    /// All five checks passed.
    pub fn eligible(&self) -> bool {
        self.checks.iter().all(|c| c.outcome)
    }

    /// The contract's per-secretary object for secretary `id`.
    pub fn contract_json(&self, id: &str) -> String {
        // One object, not a document: a small buffer (`Json::new` reserves
        // 64 KiB, which every returned string would keep).
        let mut j = Json {
            buf: String::with_capacity(1024),
        };
        output::secretary_out(
            &mut j,
            &SecretaryOut {
                id,
                checks: &self.checks,
                training: self.training.as_ref().map(|t| TrainingOut {
                    city_days: t.city_days,
                    town_sessions: t.town_sessions,
                    town_days: t.town_days,
                    shortfalls: &t.shortfalls,
                }),
                competency: self
                    .competency
                    .map(|(rate, action)| CompetencyOut { rate, action }),
            },
        );
        j.buf
    }
}

/// Whether `stored` is version 1, the contract's object itself.
fn is_contract(stored: &str) -> bool {
    stored.trim_start().starts_with('{')
}

/// The contract's per-secretary object of a stored proposal of secretary
/// `id` (either version).
pub fn contract_json(stored: &str, id: &str) -> Result<String, String> {
    if is_contract(stored) {
        return Ok(stored.to_owned());
    }
    Ok(decode(stored)?.contract_json(id))
}

/// One check of a stored proposal, for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckLine {
    /// The rule, when it is one of the rules crate's (a version 1 proposal
    /// names its rules by the contract's short name).
    pub rule: Option<&'static Rule>,
    /// The contract's name of the rule (`tenure`, …).
    pub name: String,
    pub passed: bool,
    /// The reason, a Chinese sentence.
    pub detail: String,
}

impl CheckLine {
    /// A decided check as a line.
    pub fn of(c: &Check) -> CheckLine {
        CheckLine {
            rule: Some(c.rule),
            name: output::short_name(c.rule.id).to_owned(),
            passed: c.outcome,
            detail: c.reason.to_string(),
        }
    }
}

/// The checks of a stored proposal (either version), in the contract's
/// order.
pub fn check_lines(stored: &str) -> Result<Vec<CheckLine>, String> {
    if !is_contract(stored) {
        return Ok(decode(stored)?.checks.iter().map(CheckLine::of).collect());
    }
    let v: Value =
        serde_json::from_str(stored).map_err(|e| format!("存储的判定理由无法读取（{e}）"))?;
    let checks = v
        .get("checks")
        .and_then(Value::as_array)
        .ok_or_else(|| "存储的判定理由无法读取（缺少 checks）".to_owned())?;
    Ok(checks
        .iter()
        .map(|c| {
            let name = c.get("rule").and_then(Value::as_str).unwrap_or("");
            let article = c.get("article").and_then(Value::as_u64).unwrap_or(0);
            CheckLine {
                rule: touyan_rules::all_rules()
                    .find(|r| u64::from(r.article) == article && output::short_name(r.id) == name),
                name: name.to_owned(),
                passed: c.get("passed").and_then(Value::as_bool).unwrap_or(false),
                detail: c
                    .get("detail")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use touyan_rules::art01_inclusion::{SecretaryFacts, VillageFacts, eligibility};
    use touyan_rules::art06_training::{Attendance, Level, compliance};
    use touyan_rules::art12_competency::{Ballots, competency};
    use touyan_rules::people::{Degree, Education};
    use touyan_rules::policy::Raw;
    use touyan_rules::{Params, Policy};

    const ON: Date = date!(2025 - 01 - 01);

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn params() -> Params {
        Policy::example().resolve(ON).unwrap()
    }

    fn ballots(competent: u32, basically: u32, not: u32) -> Ballots {
        Ballots {
            competent,
            basically_competent: basically,
            not_competent: not,
        }
    }

    /// The contract's object written straight from the decisions, as
    /// `touyan evaluate` writes it.
    fn contract_of(id: &str, s: &SecretaryResult) -> String {
        let mut j = Json::new();
        output::secretary_out(&mut j, &output::secretary_view(id, s));
        j.buf
    }

    /// The example policy, and two cities' policies that word and count
    /// otherwise: minimums written with trailing zeros (which the reasons
    /// print as written), a fraction whose terms need 64 bits, exclusive
    /// readings, other minimums and relaxations.
    fn policies() -> Vec<Policy> {
        let with = |overrides: &[(&str, Raw<'_>)]| {
            let mut p = Policy::example();
            for (name, raw) in overrides {
                p.set_override(name, *raw).unwrap();
            }
            p
        };
        vec![
            Policy::example(),
            with(&[
                ("inclusion.collective_income_min_wan", Raw::Number("10.0")),
                ("inclusion.rank_fraction", Raw::Text("33.3333333333%")),
                ("inclusion.rank_inclusive", Raw::Bool(false)),
                ("inclusion.age_limit_inclusive", Raw::Bool(false)),
                ("inclusion.min_stars", Raw::Number("3")),
                ("training.city_min_days", Raw::Number("3.50")),
                ("competency.strictly_below", Raw::Bool(false)),
            ]),
            with(&[
                ("inclusion.collective_income_min_wan", Raw::Number("12.50")),
                ("inclusion.rank_fraction", Raw::Text("1/3")),
                ("inclusion.tenure_years", Raw::Number("5")),
                ("inclusion.tenure_relaxed_years", Raw::Number("2")),
                ("inclusion.relaxed_min_education", Raw::Text("bachelor")),
                ("inclusion.relaxed_requires_full_time", Raw::Bool(false)),
                ("inclusion.relaxed_max_age", Raw::Number("40")),
                ("inclusion.min_stars", Raw::Number("5")),
            ]),
        ]
    }

    /// Every combination of facts around each threshold, under each of
    /// [`policies`]: the stored form renders the contract's object byte for
    /// byte, and its checks as the rules word them.
    #[test]
    fn stored_reasons_render_the_contract_word_for_word() {
        let mut n = 0;
        for policy in policies() {
            n += every_combination(&policy.resolve(ON).unwrap());
        }
        assert_eq!(n, 3 * 4 * 4 * 4 * 5 * 4);
    }

    /// The combinations under `p`; how many.
    fn every_combination(p: &Params) -> usize {
        // (degree, birth date): a full-time bachelor (degree relaxation);
        // exactly 36 on ON (no relaxation); 35 on ON (age relaxation); a
        // part-time college degree at 50.
        let people = [
            (Education::Bachelor, true, date!(1970 - 06 - 01)),
            (Education::SeniorMiddle, false, date!(1989 - 01 - 01)),
            (Education::SeniorMiddle, false, date!(1989 - 01 - 02)),
            (Education::College, false, date!(1975 - 01 - 01)),
        ];
        // Exactly 3 years, a day short of 3, exactly 1 year, a day short.
        let tenures = [
            date!(2022 - 01 - 01),
            date!(2022 - 01 - 02),
            date!(2024 - 01 - 01),
            date!(2024 - 01 - 02),
        ];
        // Exactly half, one past half, the only village, past half of 9.
        let ranks = [(8, 16), (9, 16), (1, 1), (5, 9)];
        let incomes = ["10", "9.99", "-3.5", "123456789.123456", "12.5"];
        let stars = [0, 3, 4, 5];
        let t = |level, days: &str| Attendance {
            level,
            days: dec(days),
        };
        // No record; nothing attended; compliant at exactly the minimums;
        // short of everything; short of town sessions only; of city days
        // only; of town sessions and days.
        let trainings: [Option<Vec<Attendance>>; 7] = [
            None,
            Some(vec![]),
            Some(vec![
                t(Level::City, "3.5"),
                t(Level::Town, "4"),
                t(Level::Town, "3"),
            ]),
            Some(vec![t(Level::City, "2.5"), t(Level::Town, "0.5")]),
            Some(vec![t(Level::City, "3.5"), t(Level::Town, "7")]),
            Some(vec![
                t(Level::City, "1"),
                t(Level::Town, "4"),
                t(Level::Town, "3"),
            ]),
            Some(vec![t(Level::City, "4"), t(Level::Town, "1")]),
        ];
        // No ballots; exactly 90%; exactly 80%; below 80%; 2/3 (rounded).
        let votes = [
            None,
            Some((ballots(8, 1, 1), ballots(0, 0, 0))),
            Some((ballots(6, 2, 2), ballots(0, 0, 0))),
            Some((ballots(5, 2, 2), ballots(1, 0, 1))),
            Some((ballots(1, 1, 1), ballots(0, 0, 0))),
        ];
        let mut n = 0;
        for (education, full_time, birth_date) in people {
            for tenure_start in tenures {
                for (rank, village_count) in ranks {
                    for income in incomes {
                        for stars in stars {
                            let facts = SecretaryFacts {
                                birth_date,
                                degree: Degree {
                                    education,
                                    full_time,
                                },
                                tenure_start,
                                three_good_three_strong: n % 3 != 0,
                            };
                            let village = VillageFacts {
                                stars,
                                collective_income_wan: dec(income),
                                last_year_rank: rank,
                                village_count,
                            };
                            let s = SecretaryResult {
                                village: 0,
                                eligibility: eligibility(p, &facts, &village, ON),
                                training: trainings[n % 7].as_deref().map(|a| compliance(p, a)),
                                competency: votes[n % 5].and_then(|(m, r)| competency(p, m, r)),
                            };
                            n += 1;
                            let mut stored = String::new();
                            assert!(compact(&mut stored, &s), "{stored}");
                            // Far from the 800 bytes of sentences even with 64-bit
                            // fractions and long incomes.
                            assert!(stored.len() <= 160, "{} bytes: {stored}", stored.len());
                            let id = "11010519491231002X";
                            assert_eq!(
                                contract_json(&stored, id).unwrap(),
                                contract_of(id, &s),
                                "{stored}"
                            );
                            // The decoded checks say what the decided ones
                            // said (sentences worded by hand are pinned in
                            // `the_stored_form_is_as_documented`).
                            let lines = check_lines(&stored).unwrap();
                            let want: Vec<CheckLine> =
                                s.eligibility.checks.iter().map(CheckLine::of).collect();
                            assert_eq!(lines, want, "{stored}");
                            assert_eq!(
                                decode(&stored).unwrap().eligible(),
                                s.eligibility.eligible()
                            );
                        }
                    }
                }
            }
        }
        n
    }

    fn sample() -> SecretaryResult {
        let p = params();
        let facts = SecretaryFacts {
            birth_date: date!(1988 - 05 - 01),
            degree: Degree {
                education: Education::College,
                full_time: true,
            },
            tenure_start: date!(2022 - 03 - 01),
            three_good_three_strong: true,
        };
        let village = VillageFacts {
            stars: 5,
            collective_income_wan: dec("30"),
            last_year_rank: 1,
            village_count: 53,
        };
        SecretaryResult {
            village: 0,
            eligibility: eligibility(&p, &facts, &village, ON),
            training: Some(compliance(
                &p,
                &[Attendance {
                    level: Level::City,
                    days: dec("3"),
                }],
            )),
            competency: competency(&p, ballots(40, 5, 2), ballots(20, 1, 0)),
        }
    }

    #[test]
    fn the_stored_form_is_as_documented() {
        let mut stored = String::new();
        let s = sample();
        assert!(compact(&mut stored, &s));
        assert_eq!(
            stored,
            r#"[2,31,20220301,20250101,1,"D",1,53,1,2,"30","10",5,4,["3",0,"0",6],["0.9706","none"]]"#
        );
        let id = "11010519491231002X";
        assert_eq!(contract_json(&stored, id).unwrap(), contract_of(id, &s));
        let v: Value = serde_json::from_str(&contract_of(id, &s)).unwrap();
        assert_eq!(
            v["training"]["shortfalls"],
            serde_json::json!(["town_sessions", "town_days"])
        );
        // The sentences, worded by hand: 2022-03-01 to 2025-01-01 is
        // 2 years 10 months, a full-time college degree relaxes 3 to 1.
        let details: Vec<String> = check_lines(&stored)
            .unwrap()
            .into_iter()
            .map(|c| c.detail)
            .collect();
        assert_eq!(
            details,
            [
                "镇街党(工)委认定符合“三好三强”标准",
                "2 年 10 个月，大专以上全日制学历放宽至 1 年",
                "上年度综合考核列全镇街 53 个村第 1 位，在前 1/2 位次",
                "村集体经济收入 30 万元，不低于 10 万元",
                "村党组织 5 星级，达到 4 星级",
            ]
        );
        // Written by hand: exactly 1 year on the age relaxation at 35, rank
        // 9 of 16 against 1/3 failed, a minimum a city wrote as 10.0 (kept
        // as written), no stars, no training or ballots on record.
        let lines =
            check_lines(r#"[2,2,20240101,20250101,1,35,9,16,1,3,"9.99","10.0",0,4,null,null]"#)
                .unwrap();
        let got: Vec<(bool, &str)> = lines.iter().map(|c| (c.passed, &*c.detail)).collect();
        assert_eq!(
            got,
            [
                (false, "镇街党(工)委未认定符合“三好三强”标准"),
                (true, "1 年，35 周岁，年龄放宽至 1 年"),
                (
                    false,
                    "上年度综合考核列全镇街 16 个村第 9 位，不在前 1/3 位次"
                ),
                (false, "村集体经济收入 9.99 万元，低于 10.0 万元"),
                (false, "村党组织未评星，纳入须 4 星级及以上"),
            ]
        );
        assert_eq!(lines[1].rule.map(|r| r.id), Some(TENURE.id));
    }

    /// Proposals stored before version 2 hold the contract's object
    /// itself: it is given back as it is, and its checks read from it.
    #[test]
    fn version_one_is_still_read() {
        let s = sample();
        let id = "11010519491231002X";
        let v1 = contract_of(id, &s);
        assert_eq!(contract_json(&v1, id).unwrap(), v1);
        let mut v2 = String::new();
        assert!(compact(&mut v2, &s));
        assert_eq!(check_lines(&v1).unwrap(), check_lines(&v2).unwrap());
        // A rule name the rules crate does not know keeps its name.
        let odd = r#"{"checks":[{"rule":"gone","article":1,"passed":false,"detail":"旧理由"}]}"#;
        assert_eq!(
            check_lines(odd).unwrap(),
            [CheckLine {
                rule: None,
                name: "gone".into(),
                passed: false,
                detail: "旧理由".into(),
            }]
        );
    }

    /// A result whose checks are not the five of the contract in its order
    /// is not squeezed into version 2.
    #[test]
    fn another_shape_is_not_compacted() {
        let mut s = sample();
        s.eligibility.checks.swap(0, 4);
        assert!(!compact(&mut String::new(), &s));
        let mut s = sample();
        // A reason that disagrees with its check's outcome.
        s.eligibility.checks[0].outcome = false;
        assert!(!compact(&mut String::new(), &s));
        // A date `yyyymmdd` cannot hold.
        let mut s = sample();
        if let CheckReason::Tenure { start, .. } = &mut s.eligibility.checks[1].reason {
            *start = date!(-0001 - 01 - 01);
        }
        assert!(!compact(&mut String::new(), &s));
    }

    #[test]
    fn bad_stored_reasons_are_errors_in_chinese() {
        let good = r#"[2,31,20220301,20250101,1,"D",1,53,1,2,"30","10",5,4,["3",0,"0",6],["0.9706","none"]]"#;
        assert!(decode(good).is_ok());
        for bad in [
            "",
            "[",
            "{}x",
            "[]",
            "7",
            // Version 3, one item short, one too many.
            r#"[3,31,20220301,20250101,1,"D",1,53,1,2,"30","10",5,4,null,null]"#,
            r#"[2,31,20220301,20250101,1,"D",1,53,1,2,"30","10",5,4,null]"#,
            r#"[2,31,20220301,20250101,1,"D",1,53,1,2,"30","10",5,4,null,null,null]"#,
            // Passed bits out of range; a date that is not one; a zero
            // denominator; a decimal that is not text; an unknown
            // relaxation, shortfall bits and action.
            r#"[2,32,20220301,20250101,1,"D",1,53,1,2,"30","10",5,4,null,null]"#,
            r#"[2,31,20220231,20250101,1,"D",1,53,1,2,"30","10",5,4,null,null]"#,
            r#"[2,31,20220301,20250101,1,"D",1,53,1,0,"30","10",5,4,null,null]"#,
            r#"[2,31,20220301,20250101,1,"D",1,53,1,2,30,"10",5,4,null,null]"#,
            r#"[2,31,20220301,20250101,1,"X",1,53,1,2,"30","10",5,4,null,null]"#,
            r#"[2,31,20220301,20250101,1,"D",1,53,1,2,"30","10",5,4,["3",0,"0",8],null]"#,
            r#"[2,31,20220301,20250101,1,"D",1,53,1,2,"30","10",5,4,null,["0.9","fire"]]"#,
            r#"[2,31,20220301,20250101,1,"D",-1,53,1,2,"30","10",5,4,null,null]"#,
        ] {
            let e = decode(bad).unwrap_err();
            assert!(e.starts_with("存储的判定理由无法读取"), "{bad}: {e}");
            assert!(
                contract_json(bad, "x").is_err() || bad.starts_with('{'),
                "{bad}"
            );
        }
        assert!(check_lines("{not json").unwrap_err().contains("无法读取"));
    }
}
