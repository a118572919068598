//! The one-person file (一人一档): its facts and tables, audited as read
//! (a village's file is `village.rs`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use touyan_records::model::Labelled;
use touyan_rules::decision::article_zh;
use touyan_storage::PersonFile;

use super::{Chrome, masked, opt, rank, render, yes_no, yuan};
use crate::http::{PageError, SignedIn, act};
use crate::state::AppState;

/// A table of a record page.
pub struct Section {
    pub title: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Template)]
#[template(path = "people/record.html")]
struct RecordPage {
    chrome: Chrome,
    facts: Vec<(&'static str, String)>,
    sections: Vec<Section>,
    /// The person's answers to the policy's added conditions, and the
    /// town's form (`None`: a policy adding none).
    conditions: Option<super::conditions::ConditionsForm>,
    /// The person's one-card account, masked, and the town's form.
    one_card: Option<super::one_card::OneCardForm>,
    /// The person's whole pay by part and channel (Article 13), and the
    /// town's form of the parts set by higher-level rules.
    pay_parts: Option<super::pay_parts::PayPartsForm>,
    /// The person's exam results the user may correct, each with its
    /// correction page.
    exams: Vec<(String, String)>,
}

pub async fn person(
    State(st): State<AppState>,
    SignedIn { user, origin, .. }: SignedIn<act::People>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    person_page(&st, &user, &origin, &id, None, StatusCode::OK).await
}

/// The one-person file of the person `reference` stands for, with
/// `error` (a refused form's sentence) above the conditions' form.
pub(super) async fn person_page(
    st: &AppState,
    user: &crate::state::User,
    origin: &str,
    reference: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let kept = Kept {
        conditions: error,
        ..Kept::default()
    };
    person_page_with(st, user, origin, reference, kept, status).await
}

/// What a refused form of the person's page shows again: its sentence
/// and, where the form keeps them, the values sent.
#[derive(Default)]
pub(super) struct Kept {
    pub conditions: Option<String>,
    pub pay_parts: Option<(String, touyan_office::pay_parts::Asked)>,
    /// The sentence (the account typed is not shown again).
    pub one_card: Option<String>,
}

/// A person-page form's write as the page answers it: `Ok(None)` done
/// (back to the page), `Ok(Some((status, sentence)))` refused on the
/// page (the one-card key file's failure too, without its detail), `Err`
/// for a person not found or a store failure.
pub(super) fn refusal(
    done: Result<(), touyan_office::OfficeError>,
) -> Result<Option<(StatusCode, String)>, PageError> {
    use touyan_office::OfficeError as E;
    let status = match &done {
        Ok(()) => return Ok(None),
        // The key file's path is the server's: logged, not shown.
        Err(E::Store(touyan_storage::StoreError::Key(detail))) => {
            return Ok(Some((
                StatusCode::SERVICE_UNAVAILABLE,
                crate::http::key_file_unavailable(detail),
            )));
        }
        Err(E::NotFound | E::Store(_)) => {
            return Err(done.err().map_or(PageError::NotFound, PageError::from));
        }
        Err(E::Forbidden(_)) => StatusCode::FORBIDDEN,
        Err(E::Conflict(_)) => StatusCode::CONFLICT,
        Err(E::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok(Some((
        status,
        done.err().map(|e| e.to_string()).unwrap_or_default(),
    )))
}

/// [`person_page`] with a refused form's `kept` sentence and values.
pub(super) async fn person_page_with(
    st: &AppState,
    user: &crate::state::User,
    origin: &str,
    reference: &str,
    kept: Kept,
    status: StatusCode,
) -> Result<Response, PageError> {
    let id = st.person_id(reference).ok_or(PageError::NotFound)?;
    let file = st
        .reader(user)
        .person(id.as_str())
        .await?
        .ok_or(PageError::NotFound)?;
    st.audit_read(user, origin, "people", &format!("一人一档 {}", masked(&id)))
        .await?;
    let p = &file.person;
    Ok(render(
        &RecordPage {
            chrome: Chrome::new(&format!("一人一档：{}", p.name), Some(user), "/people"),
            facts: vec![
                ("姓名", p.name.clone()),
                ("身份证号码", masked(&p.id)),
                ("出生年份", crate::masking::birth_year(&p.id)),
                ("性别", p.id.sex().zh().to_owned()),
                (
                    "全日制学历",
                    p.full_time_education
                        .map_or("未登记", |e| e.label())
                        .to_owned(),
                ),
                (
                    "在职学历",
                    p.in_service_education
                        .map_or("无", |e| e.label())
                        .to_owned(),
                ),
            ],
            sections: person_sections(&file),
            conditions: super::conditions::form(st, user, reference, &file, kept.conditions),
            one_card: Some(super::one_card::form(st, user, reference, &p.id, kept.one_card).await?),
            pay_parts: Some(super::pay_parts::form(
                user,
                reference,
                &file,
                kept.pay_parts,
            )),
            exams: exam_links(st, user, &file),
        },
        status,
    ))
}

/// The person's exam results with their correction pages, those `user`
/// records (of the town whose post the person held on the exam's day).
fn exam_links(st: &AppState, user: &crate::state::User, f: &PersonFile) -> Vec<(String, String)> {
    use touyan_office::corrections::{Target, exam_town};
    use touyan_office::qualifications::{self, Recording};
    let by = crate::scope::by(user);
    f.exams
        .iter()
        .filter_map(|e| {
            // The town that recorded it: the post held on the exam's day.
            let town = exam_town(&f.posts, &e.person, e.taken_on)?;
            qualifications::may(&by, town, Recording::Exam).ok()?;
            let target = Target::Exam {
                person: e.person.clone(),
                course: e.course,
                taken_on: e.taken_on,
            };
            Some((
                format!(
                    "{} 考试（{}，{}）",
                    e.course.label(),
                    e.taken_on,
                    if e.passed { "合格" } else { "不合格" }
                ),
                super::corrections::link(st, town, e.taken_on.year(), &target),
            ))
        })
        .collect()
}

/// The one-person file's tables, in the order of the measures. Built a
/// group of tables at a time (one function of them all was too long to
/// read); the groups keep the order.
pub fn person_sections(f: &PersonFile) -> Vec<Section> {
    [
        career(f),
        study(f),
        secondments_and_reviews(f),
        reserves_and_plans(f),
        pay_and_exits(f),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Posts held, the years of the villages served, the "三好三强" reviews.
fn career(f: &PersonFile) -> Vec<Section> {
    let v = |code: &touyan_records::VillageCode| f.village_name(code.as_str()).to_owned();
    vec![
        Section {
            title: "任职履历",
            headers: vec!["村", "职务", "起", "止"],
            rows: f
                .posts
                .iter()
                .map(|p| {
                    vec![
                        v(&p.village),
                        p.role.label().to_owned(),
                        p.start.to_string(),
                        p.end.map_or_else(|| "至今".to_owned(), |d| d.to_string()),
                    ]
                })
                .collect(),
        },
        Section {
            title: "所任职村的年度情况",
            headers: vec![
                "村",
                "年度",
                "星级",
                "集体经济收入（万元）",
                "综合考核得分",
                "名次",
            ],
            rows: f
                .village_years
                .iter()
                .map(|y| {
                    vec![
                        v(&y.village),
                        y.year.to_string(),
                        y.stars.to_string(),
                        y.collective_income_wan.to_string(),
                        opt(&y.assessment_score),
                        rank(y.assessment_rank),
                    ]
                })
                .collect(),
        },
        Section {
            title: "“三好三强”评价",
            headers: vec!["年度", "是否通过", "说明"],
            rows: f
                .three_good
                .iter()
                .map(|t| vec![t.year.to_string(), yes_no(t.passed), t.note.clone()])
                .collect(),
        },
    ]
}

/// Training, qualification exams, certificates.
fn study(f: &PersonFile) -> Vec<Section> {
    vec![
        Section {
            title: "培训",
            headers: vec![
                "培训班",
                "级别",
                "形式",
                "起止",
                "天数",
                "学习体会",
                "学习效果差",
            ],
            rows: f
                .training
                .iter()
                .map(|(a, s)| {
                    vec![
                        s.title.clone(),
                        s.level.label().to_owned(),
                        s.form.label().to_owned(),
                        format!("{} 至 {}", s.start, s.end),
                        s.days.to_string(),
                        a.reflection_filed_on
                            .map_or_else(|| "未交".to_owned(), |d| format!("{d} 已交")),
                        yes_no(a.poor_result),
                    ]
                })
                .collect(),
        },
        Section {
            title: "任职资格考试",
            headers: vec!["课程", "日期", "是否通过"],
            rows: f
                .exams
                .iter()
                .map(|e| {
                    vec![
                        e.course.label().to_owned(),
                        e.taken_on.to_string(),
                        yes_no(e.passed),
                    ]
                })
                .collect(),
        },
        Section {
            title: "农村干部资格证",
            headers: vec!["证书编号", "发证日期"],
            rows: f
                .certificates
                .iter()
                .map(|c| vec![c.number.clone(), c.issued_on.to_string()])
                .collect(),
        },
    ]
}

/// Secondments and their work logs, competency ballots, admonitions.
fn secondments_and_reviews(f: &PersonFile) -> Vec<Section> {
    vec![
        Section {
            title: "挂职",
            headers: vec!["去向", "单位", "起", "止", "鉴定"],
            rows: f
                .secondments
                .iter()
                .map(|s| {
                    vec![
                        s.level.label().to_owned(),
                        s.host_unit.clone(),
                        s.start.to_string(),
                        s.end.to_string(),
                        opt(&s.appraisal),
                    ]
                })
                .collect(),
        },
        Section {
            title: "挂职工作日志",
            headers: vec!["挂职开始", "日期", "内容"],
            rows: f
                .work_logs
                .iter()
                .map(|w| {
                    vec![
                        w.secondment_start.to_string(),
                        w.on.to_string(),
                        w.text.clone(),
                    ]
                })
                .collect(),
        },
        Section {
            title: "胜任度测评",
            headers: vec!["年度", "半年", "测评主体", "胜任", "基本胜任", "不胜任"],
            rows: f
                .ballots
                .iter()
                .map(|b| {
                    vec![
                        b.year.to_string(),
                        if b.half == 1 {
                            "上半年"
                        } else {
                            "下半年"
                        }
                        .to_owned(),
                        b.group.label().to_owned(),
                        b.competent.to_string(),
                        b.basically_competent.to_string(),
                        b.not_competent.to_string(),
                    ]
                })
                .collect(),
        },
        Section {
            title: "约谈",
            headers: vec!["日期", "依据", "原因", "补学完成"],
            rows: f
                .admonitions
                .iter()
                .map(|a| {
                    vec![
                        a.held_on.to_string(),
                        format!("第{}条", article_zh(a.article)),
                        a.reason.clone(),
                        opt(&a.make_up_study_done_on),
                    ]
                })
                .collect(),
        },
    ]
}

/// Reserves, young cadres, yearly plans, the yearly lists.
fn reserves_and_plans(f: &PersonFile) -> Vec<Section> {
    let v = |code: &touyan_records::VillageCode| f.village_name(code.as_str()).to_owned();
    vec![
        Section {
            title: "后备力量",
            headers: vec!["村", "岗位", "列入日期", "移出日期"],
            rows: f
                .reserves
                .iter()
                .map(|r| {
                    vec![
                        v(&r.village),
                        r.post.label().to_owned(),
                        r.listed_on.to_string(),
                        opt(&r.removed_on),
                    ]
                })
                .collect(),
        },
        Section {
            title: "年轻干部",
            headers: vec!["村", "开始日期", "原月报酬（元）", "得分", "备案日期"],
            rows: f
                .young_cadres
                .iter()
                .map(|y| {
                    vec![
                        v(&y.village),
                        y.programme_start.to_string(),
                        y.current_pay.to_string(),
                        y.score.to_string(),
                        opt(&y.filed_on),
                    ]
                })
                .collect(),
        },
        Section {
            title: "年度目标",
            headers: vec!["年度", "审核", "公示起", "公示止", "备案"],
            rows: f
                .plans
                .iter()
                .map(|p| {
                    vec![
                        p.year.to_string(),
                        opt(&p.reviewed_on),
                        opt(&p.notice_start),
                        opt(&p.notice_end),
                        opt(&p.filed_on),
                    ]
                })
                .collect(),
        },
        Section {
            title: "专业化管理名单与档次",
            headers: vec!["年度", "村", "档次", "状态"],
            rows: f
                .list_entries
                .iter()
                .map(|e| {
                    vec![
                        e.year.to_string(),
                        v(&e.village),
                        e.tier.to_string(),
                        e.status.label().to_owned(),
                    ]
                })
                .collect(),
        },
    ]
}

/// Pay and exits.
fn pay_and_exits(f: &PersonFile) -> Vec<Section> {
    vec![
        Section {
            title: "报酬发放",
            headers: vec!["月份", "项目", "资金来源", "金额（元）"],
            rows: f
                .pay
                .iter()
                .map(|p| {
                    vec![
                        format!("{}-{:02}", p.month.year(), u8::from(p.month.month())),
                        p.kind.label().to_owned(),
                        p.source.label().to_owned(),
                        yuan(p.amount_fen),
                    ]
                })
                .collect(),
        },
        Section {
            title: "退出",
            headers: vec!["日期", "退出的计划", "原因", "说明"],
            rows: f
                .exits
                .iter()
                .map(|e| {
                    vec![
                        e.on.to_string(),
                        e.programme.label().to_owned(),
                        e.reason.label().to_owned(),
                        e.note.clone(),
                    ]
                })
                .collect(),
        },
    ]
}
