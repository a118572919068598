//! The stored form, version 2: written from a decided result ([`encode`]),
//! read back into typed [`Reasons`] ([`decode`]).

use std::fmt::Write as _;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;
use time::{Date, Month};
use touyan_evaluate::output::{self, Json};
use touyan_evaluate::town::{SecretaryResult, TownResult};
use touyan_rules::Rule;
use touyan_rules::art01_inclusion::{
    ASSESSMENT_RANK, COLLECTIVE_INCOME, CheckReason, Relaxation, TENURE, THREE_GOOD_THREE_STRONG,
};
use touyan_rules::art06_training::Shortfall;
use touyan_rules::art12_competency::Action;
use touyan_rules::art13_pay::STAR_RATING;
use touyan_rules::decision::Decision;
use touyan_rules::num::Ratio;

use super::{Reasons, Training};

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
pub(super) fn compact(out: &mut String, s: &SecretaryResult) -> bool {
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
    let _ = match rank {
        Some(rank) => write!(out, ",{rank}"),
        None => write!(out, ",null"),
    };
    let _ = write!(
        out,
        ",{village_count},{},{},\"{}\",\"{}\",{stars},{min_stars},",
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
            rank: match &a[6] {
                Value::Null => None,
                _ => Some(uint(6)?),
            },
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    use crate::stored::{check_lines, contract_json};

    use crate::stored::fixtures::{contract_of, sample};

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
