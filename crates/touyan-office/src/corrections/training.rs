//! Corrections of training records (Articles 6 and 7): a session, its
//! attendance, an exam result.

use time::Date;
use touyan_records::model::{
    CourseKind, Labelled, Post, SessionForm, TrainingLevel, TrainingSession,
};
use touyan_records::{CitizenId, TownCode};
use touyan_storage::Store;
use touyan_workflow::art06_training::{self as art06, Record as TrainingRecord};

use super::kinds::{Held, choices, day, day_or_none, judged, shell, text, who, yes_no};
use super::{Correctable, Field, Input, Target};
use crate::{By, OfficeError, qualifications, training};

pub(super) fn session_facts(s: &TrainingSession) -> Vec<(&'static str, String)> {
    vec![
        ("培训名称", s.title.clone()),
        ("级别", s.level.label().to_owned()),
        ("形式", s.form.label().to_owned()),
        ("开始日期", s.start.to_string()),
        ("结束日期", s.end.to_string()),
        ("天数", s.days.normalize().to_string()),
    ]
}

fn may_session(by: &By<'_>, s: &TrainingSession) -> Result<(), OfficeError> {
    let town = s.town.as_ref().map(TownCode::as_str);
    Ok(art06::may_record(
        &by.actor,
        TrainingRecord::Session {
            level: s.level,
            town,
        },
    )?)
}

pub(super) async fn session(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    year: i32,
    code: &str,
) -> Result<(Correctable, Held), OfficeError> {
    let ty = training::town_year(store, year, town).await?;
    let s = ty
        .records
        .training_sessions
        .iter()
        .find(|s| s.code == code && (s.level == TrainingLevel::City || s.town == Some(town)))
        .cloned()
        .ok_or(OfficeError::NotFound)?;
    may_session(by, &s)?;
    let mut c = shell(format!("培训“{}”（编号 {}）", s.title, s.code), town);
    c.facts = session_facts(&s);
    c.fields = vec![
        text("title", "培训名称", &s.title, training::TITLE_CHARS),
        Field {
            name: "form",
            label: "形式",
            input: choices(SessionForm::ALL),
            value: s.form.code().to_owned(),
        },
        day("start", "开始日期", s.start),
        day("end", "结束日期", s.end),
        Field {
            name: "days",
            label: "天数",
            input: Input::Days,
            value: s.days.normalize().to_string(),
        },
    ];
    let level_town = (s.level == TrainingLevel::Town).then_some(town);
    c.frozen = judged(store, level_town, s.start.year(), "培训记录", "第六条").await?;
    c.related = ty
        .records
        .attendance
        .iter()
        .filter(|a| a.session == s.code)
        .map(|a| {
            let poor = if a.poor_result {
                "（学习效果差）"
            } else {
                ""
            };
            (
                format!("{}{poor}", ty.who(&a.person)),
                Target::Attendance {
                    session: a.session.clone(),
                    person: a.person.clone(),
                },
            )
        })
        .collect();
    let attended = c.related.len();
    if attended > 0 {
        c.kept_by = Some(format!(
            "该培训已登记 {attended} 人参训（第六条），请先撤回参训记录再撤回培训"
        ));
    }
    Ok((c, Held::Session(s)))
}

pub(super) async fn attendance(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    year: i32,
    code: &str,
    person: &CitizenId,
) -> Result<(Correctable, Held), OfficeError> {
    let ty = training::town_year(store, year, town).await?;
    let r = &ty.records;
    let s = r
        .training_sessions
        .iter()
        .find(|s| s.code == code)
        .ok_or(OfficeError::NotFound)?;
    let row = r
        .attendance
        .iter()
        .find(|a| a.session == code && a.person == *person)
        .cloned()
        .ok_or(OfficeError::NotFound)?;
    may_session(by, s)?;
    let admonished = r
        .admonitions
        .iter()
        .filter(|m| m.person == *person && m.article == 6 && m.held_on >= s.start)
        .map(|m| m.held_on)
        .min();
    let mut c = shell(
        format!("{} 参加培训“{}”的记录", ty.who(person), s.title),
        town,
    );
    c.facts = vec![
        ("培训", format!("{}（编号 {}）", s.title, s.code)),
        ("学习体会提交日期", day_or_none(row.reflection_filed_on)),
        ("学习效果差", yes_no(row.poor_result)),
    ];
    c.fields = vec![
        Field {
            name: "reflection",
            label: "学习体会提交日期",
            input: Input::Day { required: false },
            value: row
                .reflection_filed_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        },
        Field {
            name: "poor",
            label: "学习效果差",
            input: Input::YesNo,
            value: yes_no(row.poor_result),
        },
    ];
    // The attendance of this town's secretary fed this town's judgement.
    c.frozen = judged(store, Some(town), s.start.year(), "培训记录", "第六条").await?;
    if let (true, Some(on)) = (row.poor_result, admonished) {
        c.kept_by = Some(format!(
            "已据学习效果差于 {on} 约谈（第六条），参训记录不能撤回，学习效果差也不能取消"
        ));
    }
    let admonished = admonished.filter(|_| row.poor_result);
    Ok((c, Held::Attendance { row, admonished }))
}

pub(super) async fn exam(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    year: i32,
    person: &CitizenId,
    course: CourseKind,
    taken_on: Date,
) -> Result<(Correctable, Held), OfficeError> {
    let ty = qualifications::town_year(store, year, town).await?;
    let r = &ty.records;
    let row = r
        .exam_results
        .iter()
        .find(|x| x.person == *person && x.course == course && x.taken_on == taken_on)
        .cloned()
        .ok_or(OfficeError::NotFound)?;
    // Exams carry no town: the town whose post the person held on the
    // day recorded it, and it alone corrects it.
    if exam_town(&r.posts, person, taken_on) != Some(town) {
        return Err(OfficeError::NotFound);
    }
    qualifications::may(by, town, qualifications::Recording::Exam)?;
    let mut c = shell(
        format!(
            "{} {}考试成绩（{}）",
            who(r, person),
            course.label(),
            taken_on
        ),
        town,
    );
    c.facts = vec![
        ("课程", course.label().to_owned()),
        ("考试日期", taken_on.to_string()),
        ("是否合格", yes_no(row.passed)),
    ];
    c.fields = vec![Field {
        name: "passed",
        label: "是否合格",
        input: Input::YesNo,
        value: yes_no(row.passed),
    }];
    if row.passed
        && let Some(cert) = r
            .certificates
            .iter()
            .find(|x| x.person == *person && x.issued_on >= taken_on)
    {
        c.frozen = Some(format!(
            "已据考试合格于 {} 颁发资格证（编号 {}，第七条），考试成绩不能再更正或撤回",
            cert.issued_on, cert.number
        ));
    }
    Ok((c, Held::Exam(row)))
}

/// The town of the post `person` held on `on` (the town that recorded an
/// exam taken that day), if any.
pub fn exam_town(posts: &[Post], person: &CitizenId, on: Date) -> Option<TownCode> {
    posts
        .iter()
        .filter(|p| p.person == *person && p.start <= on && p.end.is_none_or(|e| e >= on))
        .max_by_key(|p| p.start)
        .map(|p| p.village.town())
}
