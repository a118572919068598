//! The catalogue of parameters: every number and reading switch of the
//! measures, by dotted name, with its type. The policy file gives each one
//! its dated values, unit, article and note; this list is what the program
//! expects to find there. Adding a parameter is one line here plus its entry
//! in `policy/example-2024.toml`.

use rust_decimal::Decimal;

use super::{FromValue, Kind, P};
use crate::num::{Ratio, Rounding};
use crate::people::Education;

/// One expected parameter.
#[derive(Debug)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: Kind,
}

macro_rules! catalog {
    ($( $field:ident : $ty:ty = $name:literal; )*) => {
        /// Every parameter resolved for one decision date (and overrides).
        #[derive(Clone, Debug)]
        pub struct Params {
            $( pub $field: P<$ty>, )*
        }

        /// The catalogue, in the order of the policy file.
        pub static CATALOG: &[ParamSpec] = &[
            $( ParamSpec { name: $name, kind: <$ty as FromValue>::KIND }, )*
        ];

        impl Params {
            pub(super) fn build(
                mut get: impl FnMut(&'static str) -> Option<(super::Value, crate::decision::ParamUse)>,
            ) -> Result<Params, Vec<&'static str>> {
                let mut missing = Vec::new();
                $(
                    let $field = match get($name).and_then(|(v, used)| <$ty>::from_value(&v).map(|value| P { value, used })) {
                        Some(p) => Some(p),
                        None => { missing.push($name); None }
                    };
                )*
                match ($( $field, )*) {
                    ($( Some($field), )*) => Ok(Params { $( $field, )* }),
                    _ => Err(missing),
                }
            }
        }
    };
}

catalog! {
    // Article 1: inclusion
    inclusion_quota_ratio: Ratio = "inclusion.quota_ratio";
    inclusion_quota_rounding: Rounding = "inclusion.quota_rounding";
    inclusion_tenure_years: u32 = "inclusion.tenure_years";
    inclusion_tenure_relaxed_years: u32 = "inclusion.tenure_relaxed_years";
    inclusion_relaxed_min_education: Education = "inclusion.relaxed_min_education";
    inclusion_relaxed_requires_full_time: bool = "inclusion.relaxed_requires_full_time";
    inclusion_relaxed_max_age: u32 = "inclusion.relaxed_max_age";
    inclusion_age_limit_inclusive: bool = "inclusion.age_limit_inclusive";
    inclusion_rank_fraction: Ratio = "inclusion.rank_fraction";
    inclusion_rank_inclusive: bool = "inclusion.rank_inclusive";
    inclusion_collective_income_min_wan: Decimal = "inclusion.collective_income_min_wan";
    inclusion_min_stars: u32 = "inclusion.min_stars";
    // Article 13: star scale, tiers and subsidy amounts
    stars_scale_max: u32 = "stars.scale_max";
    tiers_tier1_share: Ratio = "tiers.tier1_share";
    tiers_tier2_share: Ratio = "tiers.tier2_share";
    tiers_share_rounding: Rounding = "tiers.share_rounding";
    tiers_tier1_min_stars: u32 = "tiers.tier1_min_stars";
    tiers_unused_tier1_to_tier2: bool = "tiers.unused_tier1_to_tier2";
    tiers_adjust_month: u32 = "tiers.adjust_month";
    pay_tier1_monthly_yuan: Decimal = "pay.tier1_monthly_yuan";
    pay_tier2_monthly_yuan: Decimal = "pay.tier2_monthly_yuan";
    pay_tier3_monthly_yuan: Decimal = "pay.tier3_monthly_yuan";
    // Inferred (Chapter 2 is missing): daily management, reminders only
    daily_remind_duty_rota: bool = "daily.remind_duty_rota";
    daily_office_min_days_per_week: u32 = "daily.office_min_days_per_week";
    daily_remind_work_records: bool = "daily.remind_work_records";
    daily_work_records_min_per_month: u32 = "daily.work_records_min_per_month";
    daily_work_records_remind_day: u32 = "daily.work_records_remind_day";
    daily_remind_leave: bool = "daily.remind_leave";
    daily_remind_yearly_report: bool = "daily.remind_yearly_report";
    daily_report_due_months: u32 = "daily.report_due_months";
    // Article 6: training
    training_city_min_days: Decimal = "training.city_min_days";
    training_town_min_sessions: u32 = "training.town_min_sessions";
    training_town_min_days: Decimal = "training.town_min_days";
    // Article 7: qualification
    qualification_certificate_required: bool = "qualification.certificate_required";
    qualification_degree_priority: bool = "qualification.degree_priority";
    // Article 8: secondment
    secondment_city_min_per_town: u32 = "secondment.city_min_per_town";
    secondment_town_ratio: Ratio = "secondment.town_ratio";
    secondment_town_rounding: Rounding = "secondment.town_rounding";
    secondment_min_months: u32 = "secondment.min_months";
    // Article 9: reserves
    reserves_professional_village_min: u32 = "reserves.professional_village_min";
    reserves_other_post_min: u32 = "reserves.other_post_min";
    reserves_min_training_years: u32 = "reserves.min_training_years";
    // Article 10: young cadres
    young_max_age: u32 = "young.max_age";
    young_age_limit_inclusive: bool = "young.age_limit_inclusive";
    young_cap_ratio: Ratio = "young.cap_ratio";
    young_cap_rounding: Rounding = "young.cap_rounding";
    young_factor_min: Decimal = "young.factor_min";
    young_factor_max: Decimal = "young.factor_max";
    young_subsidy_min_education: Education = "young.subsidy_min_education";
    young_subsidy_requires_full_time: bool = "young.subsidy_requires_full_time";
    young_city_subsidy_yuan: Decimal = "young.city_subsidy_yuan";
    young_town_subsidy_yuan: Decimal = "young.town_subsidy_yuan";
    young_extension_years: u32 = "young.extension_years";
    young_keep_higher_pay: bool = "young.keep_higher_pay";
    young_last_month_by_days: bool = "young.last_month_by_days";
    // Article 11: target management
    plan_public_notice_min_days: u32 = "plan.public_notice_min_days";
    // Article 12: competency evaluation
    competency_interview_below: Ratio = "competency.interview_below";
    competency_exit_below: Ratio = "competency.exit_below";
    competency_count_basically_competent: bool = "competency.count_basically_competent";
    competency_pool_groups: bool = "competency.pool_groups";
    competency_strictly_below: bool = "competency.strictly_below";
    competency_period_months: u32 = "competency.period_months";
    // Inferred (Article 14 onward is missing): exit
    exit_on_failed_evaluation: bool = "exit.on_failed_evaluation";
    exit_on_discipline: bool = "exit.on_discipline";
    exit_on_leaving_office: bool = "exit.on_leaving_office";
    exit_on_age: bool = "exit.on_age";
    exit_max_age: u32 = "exit.max_age";
    // Clauses the measures hedge (原则上, 一般): a city may make them strict
    strict_art01_tenure: bool = "strict.art01_tenure";
    strict_art01_list_size: bool = "strict.art01_list_size";
    strict_art13_star_rating: bool = "strict.art13_star_rating";
    strict_art13_tier_stars: bool = "strict.art13_tier_stars";
    strict_art13_tier_counts: bool = "strict.art13_tier_counts";
}

/// The spec of a parameter by name.
pub fn spec(name: &str) -> Option<&'static ParamSpec> {
    CATALOG.iter().find(|s| s.name == name)
}
