//! A town's yearly settings of the young cadres' pay (镇街年度设置,
//! Article 10): the reference salary (镇街新入职事业人员实发工资, yuan a
//! month) and the factor the town set within the policy's band (0.6 to
//! 1.0 in the measures). Recorded by the town's operator on the
//! young-cadre page; a second record of the same year replaces the first
//! (the change log keeps the old values). Pay computed before keeps what
//! it stored.

use rust_decimal::Decimal;
use touyan_records::TownCode;
use touyan_records::model::TownYear;
use touyan_rules::Policy;
use touyan_rules::art10_young_cadres;
use touyan_storage::{Batch, Store};
use touyan_workflow::art10_young;

use crate::{By, OfficeError, when};

/// The settings as the form sent them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SettingsAsk {
    pub year: i32,
    pub reference_salary: String,
    pub factor: String,
}

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

/// Whether `by` may record `town`'s settings (the form a page shows).
pub fn may(by: &By<'_>, town: TownCode) -> bool {
    art10_young::may_set_pay(&by.actor, town.as_str()).is_ok()
}

/// Records `town`'s settings of `ask.year` as `by`: who may first (the
/// town's operator; another town's is missing), then the year, the
/// salary (yuan, more than 0, at most 2 decimals) and the factor (at
/// most 2 decimals, within the band of the policy in force on the year's
/// first day, Article 10). One audited write; nothing on a refusal.
pub async fn record(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    policy: &Policy,
    ask: &SettingsAsk,
) -> Result<TownYear, OfficeError> {
    art10_young::may_set_pay(&by.actor, town.as_str())?;
    if !(1000..=9999).contains(&ask.year) {
        return Err(invalid(format!("年度 {} 无效", ask.year)));
    }
    let salary = touyan_reports::parse_yuan(&ask.reference_salary)
        .map_err(|e| invalid(format!("镇街新入职事业人员实发工资：{e}")))?;
    let factor = touyan_reports::parse_factor(&ask.factor)
        .map_err(|e| invalid(format!("年轻干部报酬系数：{e}")))?;
    let params = when::params_on(policy, when::year_start(ask.year)?)?;
    if let Err((lo, hi)) = art10_young_cadres::factor_in_range(&params, factor) {
        return Err(invalid(format!(
            "年轻干部报酬系数 {} 不在 {}–{} 倍之内（第十条：起始标准在镇街新入职事业人员实发工资的 {}–{} 倍之间确定）",
            factor.normalize(),
            lo.normalize(),
            hi.normalize(),
            lo.normalize(),
            hi.normalize()
        )));
    }
    let row = TownYear {
        town,
        year: ask.year,
        reference_salary: salary.round_dp(2),
        young_cadre_factor: factor,
    };
    let batch = Batch {
        town_years: vec![row.clone()],
        ..Batch::default()
    };
    store
        .apply_from(by.name, by.origin, &batch)
        .await
        .map_err(OfficeError::refused)?;
    Ok(row)
}

/// `town`'s settings of `year` on record.
pub async fn on_record(
    store: &Store,
    town: TownCode,
    year: i32,
) -> Result<Option<TownYear>, OfficeError> {
    Ok(store
        .list::<TownYear>()
        .await?
        .into_iter()
        .find(|t| t.town == town && t.year == year))
}

/// A salary as the form shows it again.
pub fn yuan(d: Decimal) -> String {
    format!("{:.2}", d)
}
