//! The contract's per-secretary object and the check lines of a stored
//! proposal, of either version.

use serde_json::Value;
use touyan_evaluate::output::{self, CompetencyOut, Json, SecretaryOut, TrainingOut};
use touyan_rules::Rule;
use touyan_rules::art01_inclusion::Check;

use super::Reasons;
use super::form::decode;

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
                // The yearly proposal does not record the added conditions'
                // answers yet (issue 17, item 2).
                conditions: &[],
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
    use touyan_evaluate::town::SecretaryResult;
    use touyan_rules::art01_inclusion::{SecretaryFacts, VillageFacts, eligibility};
    use touyan_rules::art06_training::{Attendance, Level, compliance};
    use touyan_rules::art12_competency::competency;
    use touyan_rules::people::{Degree, Education};
    use touyan_rules::policy::Raw;
    use touyan_rules::{Params, Policy};

    use crate::stored::form::compact;

    use crate::stored::fixtures::{ON, ballots, contract_of, dec, sample};

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
        assert_eq!(n, 3 * 4 * 4 * 5 * 5 * 4);
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
        // Exactly half, one past half, the only village, past half of 9,
        // not ranked.
        let ranks = [
            (Some(8), 16),
            (Some(9), 16),
            (Some(1), 1),
            (Some(5), 9),
            (None, 9),
        ];
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
                                    full_time_level: None,
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
                                conditions: Vec::new(),
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
}
