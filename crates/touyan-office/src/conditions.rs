//! The inclusion conditions a city's policy adds (`[[conditions]]`,
//! Article 1; issue 17, item 2): the town's yes/no answer for each of its
//! people, recorded here (the person's page, a workbook's 增设条件 sheet)
//! and read by the year's proposal (`touyan-cycle`, which gives them to
//! the contract's `conditions`), the town's list checks ([`list_checks`])
//! and the what-if page (the same cycle).
//!
//! One answer per person and condition; recording again replaces it (the
//! change log keeps the earlier ones), and the answer on record is the
//! one that applies. A condition applies from its own date (`since`): the
//! year's proposal, decided as of 1 January, judges the conditions in
//! force that day; a town's list is checked against every condition in
//! force on the day it is looked at within its year, so a condition that
//! takes effect in July is checked from July on. No answer fails the
//! check with a reason saying it was not recorded.
//!
//! Who may record is `touyan_workflow::art01_conditions`'s (the town's
//! operator, for the town's own people); the write is audited like every
//! form's (`Store::apply_from`).

use time::Date;
use touyan_records::model::{ConditionAnswer, Records};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::Policy;
use touyan_rules::art01_inclusion;
use touyan_rules::decision::article_zh;
use touyan_rules::policy::ExtraCondition;
use touyan_storage::{Scope, Store};
use touyan_workflow::art01_conditions;

use crate::{By, OfficeError};

/// The longest note an answer keeps, in characters.
pub const NOTE_CHARS: usize = 200;

/// One condition of the policy with a person's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub id: String,
    pub label: String,
    /// The article the condition cites ("第一条").
    pub citation: String,
    /// The day it takes effect.
    pub since: Date,
    /// In force on the day asked about.
    pub in_force: bool,
    /// `None`: not recorded.
    pub answer: Option<bool>,
    pub recorded_on: Option<Date>,
    pub note: String,
}

impl Line {
    /// The answer in words: 是, 否 or 未记录.
    pub fn answer_zh(&self) -> &'static str {
        match self.answer {
            Some(true) => "是",
            Some(false) => "否",
            None => "未记录",
        }
    }
}

fn citation(c: &ExtraCondition) -> String {
    format!("第{}条", article_zh(c.article))
}

/// Every condition of `policy`, in the file's order, with `person`'s
/// answer from `answers` and whether it is in force on `day`.
pub fn lines(
    policy: &Policy,
    answers: &[ConditionAnswer],
    person: &CitizenId,
    day: Date,
) -> Vec<Line> {
    policy
        .conditions
        .iter()
        .map(|c| {
            let a = answers
                .iter()
                .find(|a| a.person == *person && a.condition == c.id);
            Line {
                id: c.id.clone(),
                label: c.label.clone(),
                citation: citation(c),
                since: c.since,
                in_force: c.since <= day,
                answer: a.map(|a| a.answer),
                recorded_on: a.map(|a| a.recorded_on),
                note: a.map(|a| a.note.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// One condition's check of a listed person, as a town's list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListCheck {
    /// What a finding names: the condition's label, and 未记录 when there
    /// is no answer.
    pub title: String,
    pub citation: String,
    pub passed: bool,
    /// The rules' reason, and the day the condition applies from when it
    /// took effect after the proposal's decision day.
    pub detail: String,
}

/// The checks of `person` against the conditions in force on `day` (in
/// the policy file's order), each decided by the rules' own
/// `art01_inclusion::extra_conditions` from the answer on record;
/// `as_of` is the proposal's decision day (a condition in force only
/// later says from when it applies).
pub fn list_checks(
    policy: &Policy,
    answers: &[ConditionAnswer],
    person: &CitizenId,
    as_of: Date,
    day: Date,
) -> Vec<ListCheck> {
    let recorded = |id: &str| {
        answers
            .iter()
            .find(|a| a.person == *person && a.condition == id)
            .map(|a| a.answer)
    };
    let in_force: Vec<&ExtraCondition> = policy
        .conditions
        .iter()
        .filter(|c| c.since <= day)
        .collect();
    let decided = art01_inclusion::extra_conditions(&policy.conditions, day, recorded);
    in_force
        .into_iter()
        .zip(decided)
        .map(|(c, d)| {
            let missing = recorded(&c.id).is_none();
            let mut detail = d.reason.clone();
            if c.since > as_of {
                detail.push_str(&format!("（该条件自 {} 起适用）", c.since));
            }
            ListCheck {
                title: if missing {
                    format!("{}（未记录）", c.label)
                } else {
                    c.label.clone()
                },
                citation: citation(c),
                passed: d.outcome,
                detail,
            }
        })
        .collect()
}

/// A town's list rows with their added conditions checked on the day
/// the list is looked at (`today`, kept within the list's year and not
/// before the proposal's decision day `as_of`), from the answers on
/// record: the proposal's own condition lines (decided when it was made)
/// give way to these, so an answer recorded since counts at once and a
/// condition that took effect since applies.
pub(crate) async fn check_rows(
    store: &Store,
    policy: &Policy,
    as_of: Date,
    year: i32,
    today: Date,
    rows: &mut [crate::lists::Row],
) -> Result<(), OfficeError> {
    let day = crate::when::in_year(year, today).max(as_of);
    let rule = &art01_inclusion::EXTRA_CONDITION;
    let in_force = policy.conditions.iter().any(|c| c.since <= day);
    let ids: Vec<&CitizenId> = rows.iter().map(|r| &r.person).collect();
    let answers = if in_force {
        store.condition_answers_of(&ids).await?
    } else {
        Vec::new()
    };
    for r in rows.iter_mut() {
        r.checks.retain(|c| c.title != rule.title);
        r.draft_checks.retain(|c| c.rule != Some(rule.id));
        for c in list_checks(policy, &answers, &r.person, as_of, day) {
            r.draft_checks
                .push(touyan_workflow::art01_13_list::CheckLine {
                    rule: Some(rule.id),
                    title: c.title.clone(),
                    passed: c.passed,
                });
            r.checks.push(crate::lists::Check {
                title: c.title,
                citation: c.citation,
                passed: c.passed,
                detail: c.detail,
            });
        }
    }
    Ok(())
}

/// What the person's form sent: each condition's choice (`yes`, `no`, or
/// empty for "leave as it is") and one note for them all.
#[derive(Clone, Debug, Default)]
pub struct Asked {
    pub answers: Vec<(String, String)>,
    pub note: String,
}

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

/// A choice as sent: `Some(answer)`, `None` for no choice, or why not.
pub fn choice(text: &str) -> Result<Option<bool>, OfficeError> {
    match text.trim() {
        "" | "unrecorded" | "未记录" => Ok(None),
        "yes" | "是" | "true" => Ok(Some(true)),
        "no" | "否" | "false" => Ok(Some(false)),
        other => Err(invalid(format!(
            "回答“{}”无效，应为“是”或“否”",
            other.chars().take(10).collect::<String>()
        ))),
    }
}

/// The town `by` records answers for, or why `by` may not record any.
pub fn may_record(by: &By<'_>) -> Result<TownCode, OfficeError> {
    let town = by.actor.town.unwrap_or_default();
    art01_conditions::may_record(&by.actor, town)?;
    TownCode::parse(town).map_err(|_| OfficeError::NotFound)
}

/// The condition of `policy` named `id`, or why not.
pub fn condition<'p>(policy: &'p Policy, id: &str) -> Result<&'p ExtraCondition, OfficeError> {
    policy
        .conditions
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| {
            invalid(format!(
                "政策文件中没有增设条件“{}”",
                id.chars().take(40).collect::<String>()
            ))
        })
}

/// Records `person`'s answers as `by` on `today`: who may first (the
/// town's operator), then the person (one of the town's people: anyone
/// else reads as missing), then each answer (a condition of the policy,
/// 是 or 否) and the note's length; all of them in one audited write.
/// Returns how many answers were written.
pub async fn record(
    store: &Store,
    by: &By<'_>,
    policy: &Policy,
    person: &CitizenId,
    asked: &Asked,
    today: Date,
) -> Result<usize, OfficeError> {
    let town = may_record(by)?;
    if store
        .scoped(&Scope::Town(town.as_str().to_owned()))
        .person(person.as_str())
        .await?
        .is_none()
    {
        return Err(OfficeError::NotFound);
    }
    let note = asked.note.trim().to_owned();
    OfficeError::at_most(&note, "说明", NOTE_CHARS)?;
    let mut batch = Records::default();
    for (id, text) in &asked.answers {
        let c = condition(policy, id.trim())?;
        if let Some(answer) = choice(text)? {
            batch.condition_answers.push(ConditionAnswer {
                person: person.clone(),
                condition: c.id.clone(),
                answer,
                recorded_on: today,
                note: note.clone(),
            });
        }
    }
    if batch.condition_answers.is_empty() {
        return Err(invalid("请至少为一个条件选择“是”或“否”"));
    }
    store
        .apply_from(by.name, by.origin, &batch)
        .await
        .map_err(OfficeError::refused)?;
    Ok(batch.condition_answers.len())
}

/// The rows of a workbook's 增设条件 sheet that name no condition of
/// `policy`, each with its reason (by the row's place in the sheet).
pub fn unknown_in(policy: &Policy, r: &Records) -> Vec<(usize, String)> {
    r.condition_answers
        .iter()
        .enumerate()
        .filter_map(|(k, a)| {
            condition(policy, &a.condition)
                .err()
                .map(|e| (k, e.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn policy() -> Policy {
        Policy::parse(&format!(
            "{}\n[[conditions]]\nid = \"no_sanction\"\nlabel = \"无党纪政务处分\"\narticle = 1\nsince = 2026-01-01\n\n[[conditions]]\nid = \"resident\"\nlabel = \"在本村居住\"\narticle = 1\nsince = 2026-07-01\n",
            touyan_rules::policy::EXAMPLE_POLICY_TOML
        ))
        .unwrap()
    }

    fn id() -> CitizenId {
        CitizenId::parse("11010519491231002X").unwrap()
    }

    fn answer(condition: &str, answer: bool) -> ConditionAnswer {
        ConditionAnswer {
            person: id(),
            condition: condition.into(),
            answer,
            recorded_on: date!(2026 - 02 - 03),
            note: String::new(),
        }
    }

    #[test]
    fn choices_read_in_both_languages_and_refuse_the_rest() {
        assert_eq!(choice("yes").unwrap(), Some(true));
        assert_eq!(choice(" 否 ").unwrap(), Some(false));
        assert_eq!(choice("").unwrap(), None);
        let e = choice("maybe").unwrap_err().to_string();
        assert_eq!(e, "回答“maybe”无效，应为“是”或“否”");
    }

    /// Hand-worked: on 2026-03-01 only `no_sanction` is in force; on
    /// 2026-07-01 both. Answered yes / no / not at all.
    #[test]
    fn list_checks_apply_each_condition_from_its_date() {
        let p = policy();
        let as_of = date!(2026 - 01 - 01);
        let yes = [answer("no_sanction", true)];
        let c = list_checks(&p, &yes, &id(), as_of, date!(2026 - 03 - 01));
        assert_eq!(c.len(), 1);
        assert!(c[0].passed);
        assert_eq!(c[0].title, "无党纪政务处分");
        assert_eq!(c[0].detail, "符合“无党纪政务处分”");
        assert_eq!(c[0].citation, "第一条");
        // The day before July: still one; from 1 July: the second, not
        // recorded, fails and says so, and says from when it applies.
        assert_eq!(
            list_checks(&p, &yes, &id(), as_of, date!(2026 - 06 - 30)).len(),
            1
        );
        let c = list_checks(&p, &yes, &id(), as_of, date!(2026 - 07 - 01));
        assert_eq!(c.len(), 2);
        assert!(!c[1].passed);
        assert_eq!(c[1].title, "在本村居住（未记录）");
        assert_eq!(
            c[1].detail,
            "未记录是否符合“在本村居住”（该条件自 2026-07-01 起适用）"
        );
        let no = [answer("no_sanction", false)];
        let c = list_checks(&p, &no, &id(), as_of, date!(2026 - 03 - 01));
        assert!(!c[0].passed);
        assert_eq!(c[0].detail, "不符合“无党纪政务处分”");
        // Another person's answer is not this one's.
        let mut other = answer("no_sanction", true);
        other.person = CitizenId::parse("440524188001010014").unwrap();
        let c = list_checks(&p, &[other], &id(), as_of, date!(2026 - 03 - 01));
        assert!(!c[0].passed);
        // The shipped policy adds none.
        assert!(list_checks(&Policy::example(), &yes, &id(), as_of, as_of).is_empty());
    }

    #[test]
    fn lines_show_every_condition_with_its_answer() {
        let p = policy();
        let l = lines(
            &p,
            &[answer("resident", false)],
            &id(),
            date!(2026 - 03 - 01),
        );
        assert_eq!(l.len(), 2);
        assert_eq!((l[0].answer_zh(), l[0].in_force), ("未记录", true));
        assert_eq!((l[1].answer_zh(), l[1].in_force), ("否", false));
        assert_eq!(l[1].recorded_on, Some(date!(2026 - 02 - 03)));
        let r = Records {
            condition_answers: vec![answer("resident", true), answer("nope", true)],
            ..Records::default()
        };
        assert_eq!(
            unknown_in(&p, &r),
            vec![(1, "政策文件中没有增设条件“nope”".to_owned())]
        );
    }
}
