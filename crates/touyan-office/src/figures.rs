//! The reports' figures for a period, chosen once: the day each report is
//! decided as of (a year's reports 1 January, an evaluation's half its
//! first day, a month's the month's first day), the policy in force on
//! that day, and the figures themselves (`touyan-reports`). The command
//! line's `touyan export` and the exports page call [`figures`]; the
//! workbook crate only lays the result out.

use rust_decimal::Decimal;
use time::Date;
use touyan_records::TownCode;
use touyan_records::model::Records;
use touyan_reports::{Evaluations, Filing, Payments, Reserves, Training, Young};
use touyan_rules::Policy;

use crate::{OfficeError, when};

/// Which report, for which period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    Filing {
        year: i32,
    },
    Training {
        year: i32,
    },
    Reserves {
        year: i32,
    },
    /// Young cadres' pay; the reference salary and factor when given for
    /// every town, otherwise each town's yearly settings.
    Young {
        month: Date,
        reference_salary: Option<Decimal>,
        factor: Option<Decimal>,
    },
    Evaluations {
        year: i32,
        /// 1 (上半年) or 2 (下半年).
        half: u8,
    },
    Payments {
        month: Date,
    },
}

impl Asked {
    /// The day the report is decided as of.
    pub fn decision_day(&self) -> Result<Date, OfficeError> {
        let year = |y: i32| {
            if (1000..=9999).contains(&y) {
                when::year_start(y)
            } else {
                Err(OfficeError::Invalid(format!(
                    "{y} 不是有效年份（应为四位数，如 2025）"
                )))
            }
        };
        match self {
            Asked::Filing { year: y }
            | Asked::Training { year: y }
            | Asked::Reserves { year: y } => year(*y),
            Asked::Evaluations { year: y, half } => match half {
                1 | 2 => year(*y).and_then(|_| when::half_start(*y, *half)),
                _ => Err(OfficeError::Invalid(format!(
                    "半年 {half} 无效：只能是 1（上半年）或 2（下半年）"
                ))),
            },
            Asked::Young { month, .. } | Asked::Payments { month } => Ok(when::month_start(*month)),
        }
    }
}

/// The figures of a report.
#[derive(Clone, Debug, PartialEq)]
pub enum Figures {
    Filing(Filing),
    Training(Training),
    /// Reserves as they stand on `on`: today within the year, its last
    /// day after it.
    Reserves {
        figures: Reserves,
        on: Date,
    },
    Young(Young),
    Evaluations(Evaluations),
    Payments(Payments),
}

impl Figures {
    /// Whether an amount comes from an example value of the policy.
    pub fn example_amounts(&self) -> bool {
        match self {
            Figures::Filing(f) => f.example_amounts,
            Figures::Young(y) => y.example_amounts,
            Figures::Payments(p) => p.example_amounts,
            Figures::Training(_) | Figures::Reserves { .. } | Figures::Evaluations(_) => false,
        }
    }
}

/// The figures `asked` for `town` (or every town), under the policy in
/// force on the report's decision day; `today` dates the reserves of the
/// current year.
pub fn figures(
    r: &Records,
    policy: &Policy,
    asked: &Asked,
    town: Option<TownCode>,
    today: Date,
) -> Result<Figures, OfficeError> {
    let day = asked.decision_day()?;
    let p = when::params_on(policy, day)?;
    let refused = |e: touyan_reports::Refusal| OfficeError::Invalid(e.0);
    Ok(match asked {
        Asked::Filing { year } => {
            Figures::Filing(touyan_reports::filing(r, &p, *year, town).map_err(refused)?)
        }
        Asked::Training { year } => Figures::Training(training(r, policy, *year, town)?),
        Asked::Reserves { year } => {
            let on = when::in_year(*year, today);
            Figures::Reserves {
                figures: touyan_reports::reserves(r, &p, *year, on, town).map_err(refused)?,
                on,
            }
        }
        Asked::Young {
            reference_salary,
            factor,
            ..
        } => Figures::Young(
            touyan_reports::young(r, &p, day, *reference_salary, *factor, town).map_err(refused)?,
        ),
        Asked::Evaluations { year, half } => Figures::Evaluations(
            touyan_reports::evaluations(r, &p, *year, *half, town).map_err(refused)?,
        ),
        Asked::Payments { .. } => {
            Figures::Payments(touyan_reports::payments(r, &p, day, town).map_err(refused)?)
        }
    })
}

/// The training figures of `year` — each listed secretary's compliance
/// with Article 6's minimums and what is missing — for `town` (or every
/// town), as the exports and the training page show them.
pub fn training(
    r: &Records,
    policy: &Policy,
    year: i32,
    town: Option<TownCode>,
) -> Result<Training, OfficeError> {
    let p = when::params_on(policy, Asked::Training { year }.decision_day()?)?;
    touyan_reports::training(r, &p, year, town).map_err(|e| OfficeError::Invalid(e.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn each_report_is_decided_as_of_its_day() {
        let day = |a: Asked| a.decision_day().unwrap();
        assert_eq!(day(Asked::Filing { year: 2025 }), date!(2025 - 01 - 01));
        assert_eq!(day(Asked::Training { year: 2025 }), date!(2025 - 01 - 01));
        assert_eq!(day(Asked::Reserves { year: 2025 }), date!(2025 - 01 - 01));
        assert_eq!(
            day(Asked::Evaluations {
                year: 2025,
                half: 1
            }),
            date!(2025 - 01 - 01)
        );
        assert_eq!(
            day(Asked::Evaluations {
                year: 2025,
                half: 2
            }),
            date!(2025 - 07 - 01)
        );
        assert_eq!(
            day(Asked::Payments {
                month: date!(2025 - 03 - 17)
            }),
            date!(2025 - 03 - 01)
        );
        assert_eq!(
            day(Asked::Young {
                month: date!(2025 - 12 - 01),
                reference_salary: None,
                factor: None
            }),
            date!(2025 - 12 - 01)
        );
        for bad in [
            Asked::Filing { year: 999 },
            Asked::Training { year: 10_000 },
            Asked::Evaluations {
                year: 2025,
                half: 0,
            },
            Asked::Evaluations {
                year: 2025,
                half: 3,
            },
        ] {
            assert!(
                matches!(bad.decision_day(), Err(OfficeError::Invalid(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_day_without_a_policy_in_force_is_refused() {
        let e = figures(
            &Records::default(),
            &Policy::example(),
            &Asked::Filing { year: 1990 },
            None,
            date!(2026 - 12 - 06),
        )
        .unwrap_err();
        assert!(e.to_string().contains("1990-01-01"), "{e}");
    }
}
