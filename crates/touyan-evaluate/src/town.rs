//! One town: checked against the policy, then decided by the rules crate.

use std::collections::HashMap;

use time::Date;
use touyan_rules::art01_inclusion::{self, Eligibility, QuotaReason, SecretaryFacts, VillageFacts};
use touyan_rules::art06_training::{self, Attendance, Compliance};
use touyan_rules::art08_secondment;
use touyan_rules::art09_reserves;
use touyan_rules::art10_young_cadres::{self, MonthlyPay};
use touyan_rules::art12_competency::{self, Ballots, Competency};
use touyan_rules::art13_pay::{self, TierReason};
use touyan_rules::people::Degree;
use touyan_rules::policy::ExtraCondition;
use touyan_rules::{Decision, Params};

use crate::error::CaseError;
use crate::input::{Level, Town};

/// One secretary's decisions.
pub struct SecretaryResult {
    pub village: usize,
    pub eligibility: Eligibility,
    /// The policy's added conditions in force (in the file's order): the
    /// condition's id and article, and its decision.
    pub conditions: Vec<(String, u8, Decision<bool, String>)>,
    pub training: Option<Decision<Compliance, Compliance>>,
    pub competency: Option<Decision<Competency, Competency>>,
}

/// One young cadre's decisions.
pub struct YoungResult {
    pub village: usize,
    pub index: usize,
    pub eligible: Decision<bool, art10_young_cadres::AgeReason>,
    pub pay: Option<Decision<MonthlyPay, MonthlyPay>>,
}

/// Article 8 counts for the town.
pub struct SecondmentResult {
    pub city_required: Decision<u32, String>,
    pub town_required: Decision<u32, String>,
    pub city_done: u32,
    pub town_done: u32,
    /// Index into the town's secondments, with the length decision.
    pub lengths: Vec<Decision<bool, art08_secondment::LengthReason>>,
}

/// Everything decided for one town.
pub struct TownResult<'a> {
    pub town: &'a Town<'a>,
    pub index: usize,
    pub village_count: u32,
    pub quota: Decision<u32, QuotaReason>,
    /// Indices into `secretaries`, in list order.
    pub included: Vec<usize>,
    /// Aligned with `included`.
    pub tiers: Vec<Decision<u8, TierReason>>,
    pub young_cap: Decision<u32, String>,
    /// Indices into `young`, in selection order.
    pub young_selected: Vec<usize>,
    pub secondment: Option<SecondmentResult>,
    /// Villages whose included secretary has too few reserves.
    pub reserve_shortfalls: Vec<(usize, Decision<Option<u32>, String>)>,
    pub secretaries: Vec<SecretaryResult>,
    pub young: Vec<YoungResult>,
}

impl SecretaryResult {
    /// Eligible: the five checks and every added condition pass.
    pub fn eligible(&self) -> bool {
        self.eligibility.eligible() && self.conditions.iter().all(|(_, _, d)| d.outcome)
    }
}

impl TownResult<'_> {
    pub fn secretary_id(&self, s: usize) -> &str {
        let v = &self.town.villages[self.secretaries[s].village];
        v.secretary.as_ref().map_or("", |x| &*x.id)
    }
    pub fn young_id(&self, y: usize) -> &str {
        let r = &self.young[y];
        self.town.villages[r.village]
            .young_cadres
            .as_ref()
            .map_or("", |c| &*c[r.index].id)
    }
}

/// Checks what the policy and the other fields constrain, with JSON paths.
// One piece: it checks a town's input field by field in the contract's order, so errors come in document order.
pub fn validate<'t>(
    p: &Params,
    conditions: &[ExtraCondition],
    as_of: Date,
    town: &'t Town<'_>,
    t: usize,
) -> Result<u32, CaseError> {
    let at = |rest: &str| format!("towns[{t}].{rest}");
    let listed = town.villages.len() as u32;
    let village_count = town.village_count.map_or(listed, |c| c.0);
    if village_count < listed {
        return Err(CaseError::new(
            at("village_count"),
            format!(
                "{village_count} is fewer than the {listed} villages listed（行政村总数少于列出的村数）"
            ),
        ));
    }
    if let Some(f) = town.young_cadre_factor
        && let Err((lo, hi)) = art10_young_cadres::factor_in_range(p, f.get())
    {
        return Err(CaseError::new(
            at("young_cadre_factor"),
            format!(
                "{} is outside {lo}..={hi} (Article 10)（报酬系数应在 {lo} 至 {hi} 倍之间，第十条）",
                f.get()
            ),
        ));
    }
    let scale = p.stars_scale_max.value;
    // Where a person is: village, and young cadre index (None: secretary).
    // Paths are spelt out only for an error.
    let person_path = |(j, k): (usize, Option<usize>)| match k {
        None => at(&format!("villages[{j}].secretary.id")),
        Some(k) => at(&format!("villages[{j}].young_cadres[{k}].id")),
    };
    let mut ids: HashMap<&'t str, (usize, Option<usize>)> = HashMap::new();
    let mut codes: HashMap<&'t str, usize> = HashMap::new();
    let mut person = |id: &'t str, at: (usize, Option<usize>)| -> Result<(), CaseError> {
        if let Some(&first) = ids.get(id) {
            return Err(CaseError::new(
                person_path(at),
                format!(
                    "{id:?} is also the id of {}（人员 id 重复）",
                    person_path(first)
                ),
            ));
        }
        ids.insert(id, at);
        Ok(())
    };
    for (j, v) in town.villages.iter().enumerate() {
        let vp = |rest: &str| at(&format!("villages[{j}].{rest}"));
        if let Some(first) = codes.insert(&*v.code, j) {
            return Err(CaseError::new(
                vp("code"),
                format!(
                    "{:?} is also the code of villages[{first}]（村代码重复）",
                    v.code
                ),
            ));
        }
        if v.stars.0 > scale {
            return Err(CaseError::new(
                vp("stars"),
                format!(
                    "{} is outside 0..={scale} (Article 13)（星级应在 0 至 {scale} 之间，第十三条）",
                    v.stars.0
                ),
            ));
        }
        if let Some(rank) = v.last_year_rank.0
            && (rank < 1 || rank > village_count)
        {
            return Err(CaseError::new(
                vp("last_year_rank"),
                format!(
                    "{rank} is outside 1..={village_count}（上年度名次应在 1 至行政村总数 {village_count} 之间）"
                ),
            ));
        }
        if let Some(s) = &v.secretary {
            if s.birth_date.0 > as_of {
                return Err(CaseError::new(
                    vp("secretary.birth_date"),
                    format!(
                        "{} is after as_of {as_of}（出生日期晚于判定日）",
                        s.birth_date.0
                    ),
                ));
            }
            for id in s.conditions.iter().flat_map(|c| c.keys()) {
                if !conditions.iter().any(|c| c.id == *id) {
                    return Err(CaseError::new(
                        vp(&format!("secretary.conditions.{id}")),
                        format!(
                            "names no condition of the policy in force on {as_of}（政策在判定日没有此附加条件）"
                        ),
                    ));
                }
            }
            person(&s.id, (j, None))?;
        }
        for (k, y) in v.young_cadres.iter().flatten().enumerate() {
            if y.birth_date.0 > as_of {
                return Err(CaseError::new(
                    vp(&format!("young_cadres[{k}].birth_date")),
                    format!(
                        "{} is after as_of {as_of}（出生日期晚于判定日）",
                        y.birth_date.0
                    ),
                ));
            }
            person(&y.id, (j, Some(k)))?;
        }
    }
    for (k, s) in town.secondments.iter().flatten().enumerate() {
        let names_secretary = town
            .villages
            .iter()
            .any(|v| v.secretary.as_ref().is_some_and(|x| x.id == s.id));
        if !names_secretary {
            return Err(CaseError::new(
                at(&format!("secondments[{k}].id")),
                format!(
                    "{:?} names no secretary of this town (Article 8)（挂职记录须为本镇街的书记，第八条）",
                    s.id
                ),
            ));
        }
        if s.end < s.start {
            return Err(CaseError::new(
                at(&format!("secondments[{k}].end")),
                format!(
                    "{} is before start {}（结束日期早于开始日期）",
                    s.end.0, s.start.0
                ),
            ));
        }
    }
    Ok(village_count)
}

fn ballots(b: crate::input::Ballots) -> Ballots {
    Ballots {
        competent: b.competent.0,
        basically_competent: b.basically_competent.0,
        not_competent: b.not_competent.0,
    }
}

/// Decides everything for one (validated) town.
// One piece: it follows the contract's order of a town's output (evaluate-format.md), one field after the other.
pub fn decide<'a>(
    p: &Params,
    conditions: &[ExtraCondition],
    as_of: Date,
    town: &'a Town,
    index: usize,
    village_count: u32,
) -> TownResult<'a> {
    let mut secretaries = Vec::with_capacity(town.villages.len());
    let mut attendance: Vec<Attendance> = Vec::new();
    for (j, v) in town.villages.iter().enumerate() {
        let Some(s) = &v.secretary else { continue };
        let facts = SecretaryFacts {
            birth_date: s.birth_date.0,
            degree: Degree {
                education: s.education.0,
                full_time: s.full_time_degree,
                full_time_level: s.full_time_education.map(|e| e.0),
            },
            tenure_start: s.tenure_start.0,
            three_good_three_strong: s.three_good_three_strong,
        };
        let village = VillageFacts {
            stars: v.stars.0,
            collective_income_wan: v.collective_income_wan.get(),
            last_year_rank: v.last_year_rank.0,
            village_count,
        };
        let training = s.training.as_ref().map(|list| {
            attendance.clear();
            attendance.extend(list.iter().map(|t| Attendance {
                level: match t.level {
                    Level::City => art06_training::Level::City,
                    Level::Town => art06_training::Level::Town,
                },
                days: t.days.get(),
            }));
            art06_training::compliance(p, &attendance)
        });
        let competency = s.evaluation.as_ref().and_then(|e| {
            art12_competency::competency(p, ballots(e.party_members), ballots(e.public_reps))
        });
        // `conditions` are those in force on `as_of` already.
        let answered = |id: &str| s.conditions.as_ref().and_then(|c| c.get(id).copied());
        let added = art01_inclusion::extra_conditions(conditions, as_of, answered);
        secretaries.push(SecretaryResult {
            village: j,
            eligibility: art01_inclusion::eligibility(p, &facts, &village, as_of),
            conditions: conditions
                .iter()
                .zip(added)
                .map(|(c, d)| (c.id.clone(), c.article, d))
                .collect(),
            training,
            competency,
        });
    }

    let quota = art01_inclusion::quota(p, village_count);
    let eligible: Vec<usize> = (0..secretaries.len())
        .filter(|&i| secretaries[i].eligible())
        .collect();
    let candidates: Vec<art01_inclusion::Candidate<'_>> = eligible
        .iter()
        .map(|&i| {
            let v = &town.villages[secretaries[i].village];
            art01_inclusion::Candidate {
                // Eligible, so ranked: an unranked village fails the rank
                // check.
                last_year_rank: v.last_year_rank.0.unwrap_or(u32::MAX),
                village_code: &v.code,
            }
        })
        .collect();
    let included: Vec<usize> = art01_inclusion::proposed_list(&candidates, quota.outcome)
        .outcome
        .into_iter()
        .map(|k| eligible[k])
        .collect();
    let stars: Vec<u32> = included
        .iter()
        .map(|&i| town.villages[secretaries[i].village].stars.0)
        .collect();
    let tiers = art13_pay::assign_tiers(p, &stars);

    let young_cap = art10_young_cadres::cap(p, village_count);
    let mut young = Vec::new();
    for (j, v) in town.villages.iter().enumerate() {
        for (k, y) in v.young_cadres.iter().flatten().enumerate() {
            let eligible = art10_young_cadres::age(p, y.birth_date.0, as_of);
            let pay = match (
                eligible.outcome,
                town.reference_salary,
                town.young_cadre_factor,
            ) {
                (true, Some(salary), Some(factor)) => Some(art10_young_cadres::monthly_pay(
                    p,
                    salary.get(),
                    factor.get(),
                    Degree {
                        education: y.education.0,
                        full_time: y.full_time_degree,
                        full_time_level: y.full_time_education.map(|e| e.0),
                    },
                    y.current_pay.get(),
                )),
                _ => None,
            };
            young.push(YoungResult {
                village: j,
                index: k,
                eligible,
                pay,
            });
        }
    }
    let young_eligible: Vec<usize> = (0..young.len())
        .filter(|&i| young[i].eligible.outcome)
        .collect();
    let young_candidates: Vec<art10_young_cadres::Candidate<'_>> = young_eligible
        .iter()
        .map(|&i| {
            let r = &young[i];
            let y = &town.villages[r.village]
                .young_cadres
                .as_ref()
                .map(|c| &c[r.index]);
            art10_young_cadres::Candidate {
                id: y.map_or("", |y| &*y.id),
                score: y.map_or(rust_decimal::Decimal::ZERO, |y| y.score.get()),
            }
        })
        .collect();
    let young_selected = art10_young_cadres::select(&young_candidates, young_cap.outcome)
        .outcome
        .into_iter()
        .map(|k| young_eligible[k])
        .collect();

    let secondment = town.secondments.as_ref().map(|list| {
        let lengths: Vec<_> = list
            .iter()
            .map(|s| art08_secondment::length(p, s.start.0, s.end.0))
            .collect();
        // The secretaries with a secondment that counts at `level`, each
        // once (the 2026-12 contract).
        let done = |level: Level| {
            art08_secondment::people_seconded(
                list.iter()
                    .zip(&lengths)
                    .filter(|(s, d)| s.level == level && d.outcome)
                    .map(|(s, _)| &*s.id),
            )
        };
        SecondmentResult {
            city_required: art08_secondment::city_required(p),
            town_required: art08_secondment::town_required(p, included.len() as u32),
            city_done: done(Level::City),
            town_done: done(Level::Town),
            lengths,
        }
    });

    // In village order, like every other per-village list of the output.
    let mut listed: Vec<usize> = included.iter().map(|&i| secretaries[i].village).collect();
    listed.sort_unstable();
    let reserve_shortfalls = listed
        .into_iter()
        .filter_map(|j| {
            let reserves = town.villages[j].secretary_reserves?.0;
            let d = art09_reserves::secretary_reserves(p, reserves);
            d.outcome.is_some().then_some((j, d))
        })
        .collect();

    TownResult {
        town,
        index,
        village_count,
        quota,
        included,
        tiers,
        young_cap,
        young_selected,
        secondment,
        reserve_shortfalls,
        secretaries,
        young,
    }
}
