//! Qualification in the browser (issue 5, item 2; Article 7): every cadre
//! holding a two-committee post in the town's villages, whether they work
//! with a rural cadre qualification certificate (持证上岗), which required
//! courses they have still to pass, those without a college degree who
//! may apply to a degree-study class, and this year's applicants in the
//! order they are enrolled (professionalized secretaries first, the rules
//! crate's `degree_enrolment_order`).
//!
//! Recording (`POST /qualifications`), who records what being
//! `touyan_workflow::art07_qualification`'s: an exam result of a required
//! course (the town's operator), a certificate — only once every required
//! course is passed (the city administrator) — and a degree-study
//! application (the town's operator). One transaction a form, nothing
//! written on a refusal.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use touyan_records::model::{
    Certificate, CourseKind, DegreeEnrolment, ExamResult, Labelled, Records,
};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::art07_qualification::{self, Course};
use touyan_rules::people::Education;
use touyan_storage::{Batch, Store};
use touyan_workflow::Refusal;
use touyan_workflow::art07_qualification::{self as flow, Record};

use crate::forms;
use crate::guard::{csrf_ok, see_other};
use crate::pages::{Chrome, csrf_refused, internal, masked, not_found_page, render, signed_in};
use crate::roles::Action;
use crate::scope::{actor, page_town};
use crate::state::{AppState, Failure, User, client_addr};

#[derive(Deserialize, Default)]
pub struct QualificationQuery {
    town: Option<String>,
    /// "missing": only those without a certificate.
    show: Option<String>,
}

pub struct CadreLine {
    pub key: String,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub posts: String,
    pub professionalized: bool,
    pub certificate: String,
    pub certified: bool,
    pub courses: String,
    /// Every required course passed and no certificate yet.
    pub certifiable: bool,
}

/// A cadre without a college degree, who may apply to a degree-study class.
pub struct DegreeLine {
    pub key: String,
    pub who: String,
    pub education: &'static str,
    pub professionalized: bool,
    /// The day applied this year ("" when not).
    pub applied_on: String,
}

#[derive(Template)]
#[template(path = "qualifications.html")]
struct QualificationsPage {
    chrome: Chrome,
    year: i32,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    only_missing: bool,
    lines: Vec<CadreLine>,
    without: usize,
    degree: Vec<DegreeLine>,
    enrolment: Vec<String>,
    enrolment_reason: String,
    may_exam: bool,
    may_certify: bool,
    may_enrol: bool,
    courses: Vec<(&'static str, &'static str)>,
    today: String,
}

fn course_of(k: CourseKind) -> Course {
    match k {
        CourseKind::PartyBuilding => Course::PartyBuilding,
        CourseKind::CollectiveEconomy => Course::CollectiveEconomy,
        CourseKind::ConflictResolution => Course::ConflictResolution,
        CourseKind::VocationalSkills => Course::VocationalSkills,
        CourseKind::LivelihoodServices => Course::LivelihoodServices,
    }
}

/// The required courses `id` has passed.
fn passed(r: &Records, id: &CitizenId) -> Vec<Course> {
    r.exam_results
        .iter()
        .filter(|x| x.person == *id && x.passed)
        .map(|x| course_of(x.course))
        .collect()
}

/// The cadres holding a post today, one per person: (person, their posts,
/// their village's name), in village and then ID order.
fn cadres(r: &Records, today: time::Date) -> Vec<(&CitizenId, Vec<String>, String)> {
    let mut people: Vec<(&CitizenId, Vec<String>, String)> = Vec::new();
    for post in r
        .posts
        .iter()
        .filter(|x| x.start <= today && x.end.is_none_or(|d| d >= today))
    {
        let village = r
            .villages
            .iter()
            .find(|v| v.code == post.village)
            .map_or_else(|| post.village.as_str().to_owned(), |v| v.name.clone());
        match people.iter_mut().find(|(id, _, _)| **id == post.person) {
            Some((_, roles, _)) => roles.push(post.role.label().to_owned()),
            None => people.push((&post.person, vec![post.role.label().to_owned()], village)),
        }
    }
    people.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.as_str().cmp(b.0.as_str())));
    people
}

fn listed(r: &Records, id: &CitizenId, year: i32) -> bool {
    r.list_entries
        .iter()
        .any(|e| e.person == *id && e.year == year)
}

async fn page(
    st: &AppState,
    user: &User,
    town: Option<TownCode>,
    only_missing: bool,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let towns = match st.reader(user).towns().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let today = st.today();
    let mut p = QualificationsPage {
        chrome: Chrome::new("资格与学历", Some(user), "/qualifications"),
        year: today.year(),
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        towns,
        problem: None,
        error,
        only_missing,
        lines: Vec::new(),
        without: 0,
        degree: Vec::new(),
        enrolment: Vec::new(),
        enrolment_reason: String::new(),
        may_exam: false,
        may_certify: false,
        may_enrol: false,
        courses: CourseKind::ALL
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        today: today.to_string(),
    };
    let Some(town) = town else {
        p.problem = Some("请选择镇街区".into());
        return render(&p, status);
    };
    let desk = match st.town_desk(user, Action::Qualifications, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let (r, applied) = match load(store, today.year(), town).await {
        Ok(x) => x,
        Err(e) => return internal(e),
    };
    let params = match st.policy().resolve(today) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(format!("政策参数无法用于 {today}：{e}"));
            return render(&p, status);
        }
    };
    let a = actor(user);
    let t = town.as_str();
    p.may_exam = flow::may_record(&a, Record::Exam { town: t }).is_ok();
    p.may_certify = flow::may_record(&a, Record::Certificate { town: t }).is_ok();
    p.may_enrol = flow::may_record(&a, Record::Enrolment { town: t }).is_ok();
    fill(st, &mut p, &r, &applied, &params, today);
    render(&p, status)
}

async fn load(
    store: &Store,
    year: i32,
    town: TownCode,
) -> Result<(Records, Vec<DegreeEnrolment>), Failure> {
    Ok((
        store.town_records(year, town).await?,
        store.degree_enrolments(town, year).await?,
    ))
}

pub async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<QualificationQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Qualifications).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Ok(town) = page_town(&user, q.town.as_deref()) else {
        return not_found_page();
    };
    let only_missing = q.show.as_deref() == Some("missing");
    page(&st, &user, town, only_missing, None, StatusCode::OK).await
}

fn fill(
    st: &AppState,
    p: &mut QualificationsPage,
    r: &Records,
    applied: &[DegreeEnrolment],
    params: &touyan_rules::Params,
    today: time::Date,
) {
    for (id, roles, village) in cadres(r, today) {
        let person = r.people.iter().find(|x| x.id == *id);
        let name = person.map_or_else(String::new, |x| x.name.clone());
        let cert = r
            .certificates
            .iter()
            .filter(|c| c.person == *id)
            .max_by_key(|c| c.issued_on);
        let check = art07_qualification::certificate(params, cert.is_some());
        let courses = art07_qualification::courses_missing(&passed(r, id));
        let professionalized = listed(r, id, today.year());
        if let Some(x) = person.filter(|x| x.education < Education::College) {
            p.degree.push(DegreeLine {
                key: st.person_ref(id),
                who: format!("{village} {name}"),
                education: x.education.zh(),
                professionalized,
                applied_on: applied
                    .iter()
                    .find(|e| e.person == *id)
                    .map_or_else(String::new, |e| e.applied_on.to_string()),
            });
        }
        if !check.outcome {
            p.without += 1;
        }
        if p.only_missing && check.outcome {
            continue;
        }
        p.lines.push(CadreLine {
            key: st.person_ref(id),
            village_name: village.clone(),
            name,
            person_id: masked(id),
            posts: roles.join("、"),
            professionalized,
            certificate: match cert {
                Some(c) => format!("{}（{}）", c.number, c.issued_on),
                None => format!("{}（{}）", check.reason, check.rule.citation()),
            },
            certified: check.outcome,
            certifiable: cert.is_none() && courses.outcome.is_empty(),
            courses: courses.reason.clone(),
        });
    }
    // This year's applicants, by the day they applied, then in the
    // rules crate's enrolment order.
    let mut apps: Vec<&DegreeEnrolment> = applied.iter().collect();
    apps.sort_by_key(|e| (e.applied_on, e.person.as_str().to_owned()));
    let flags: Vec<bool> = apps.iter().map(|e| listed(r, &e.person, e.year)).collect();
    let order = art07_qualification::degree_enrolment_order(params, &flags);
    p.enrolment_reason = format!("{}（{}）", order.reason, order.rule.citation());
    p.enrolment = order
        .outcome
        .iter()
        .filter_map(|&i| {
            apps.get(i)
                .map(|e| (e, flags.get(i).copied().unwrap_or(false)))
        })
        .map(|(e, prof)| {
            let name = r
                .people
                .iter()
                .find(|x| x.id == e.person)
                .map_or_else(|| masked(&e.person), |x| x.name.clone());
            format!(
                "{name}{}：{}，{} 报名",
                if prof { "（专业化书记）" } else { "" },
                e.programme,
                e.applied_on
            )
        })
        .collect();
}

/// `POST /qualifications`: `action` = `exam` (`person`, `course`, `date`,
/// `result` = `pass` or `fail`), `certificate` (`person`, `number`,
/// `date`) or `enrol` (`person`, `programme`, `date`); with `town` and
/// `csrf`.
pub async fn record(
    State(st): State<AppState>,
    parts: Parts,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let user = match signed_in(&st, &parts.headers, Action::Qualifications).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let field = |n: &str| crate::scope::field(&form, n);
    if !csrf_ok(&user, Some(field("csrf"))) {
        return csrf_refused();
    }
    let Some(town) = crate::scope::town_in_scope(&user, field("town")) else {
        return not_found_page();
    };
    let desk = match st.town_desk(&user, Action::Qualifications, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let refuse = |r: Refusal| {
        let st = st.clone();
        let user = user.clone();
        async move {
            if r == Refusal::NotFound {
                return not_found_page();
            }
            let status = forms::status(&r);
            page(&st, &user, Some(town), false, Some(r.to_string()), status).await
        }
    };
    let today = st.today();
    let (r, applied) = match load(store, today.year(), town).await {
        Ok(x) => x,
        Err(e) => return internal(e),
    };
    let written = match build(today, &st, &user, town, &r, &applied, &form) {
        Err(x) => return refuse(x).await,
        Ok(Write::Records(new)) => {
            store
                .record_form(
                    &user.username,
                    Some(&client_addr(&parts)),
                    &new,
                    &Batch::default(),
                )
                .await
        }
        Ok(Write::Enrolment(e)) => {
            store
                .record_new(&user.username, Some(&client_addr(&parts)), &[e])
                .await
        }
    };
    match written {
        Ok(()) => see_other(&format!("/qualifications?town={}", town.as_str())),
        Err(e) => match forms::refused(e) {
            Ok(r) => refuse(r).await,
            Err(f) => internal(f),
        },
    }
}

/// What a post writes.
enum Write {
    Records(Box<Batch>),
    Enrolment(DegreeEnrolment),
}

fn build(
    today: time::Date,
    st: &AppState,
    user: &User,
    town: TownCode,
    r: &Records,
    applied: &[DegreeEnrolment],
    form: &[(String, String)],
) -> Result<Write, Refusal> {
    let field = |n: &str| crate::scope::field(form, n);
    let a = actor(user);
    let t = town.as_str();
    let invalid = |m: String| Refusal::Invalid(m);
    let cadres = cadres(r, today);
    let cadre = |key: &str| {
        cadres
            .iter()
            .find(|(id, _, _)| st.person_ref(id) == key)
            .map(|(id, _, village)| ((*id).clone(), village.clone()))
            .ok_or_else(|| invalid("请选择本镇街在任的村“两委”干部".into()))
    };
    let name = |id: &CitizenId| {
        r.people
            .iter()
            .find(|x| x.id == *id)
            .map_or_else(String::new, |x| x.name.clone())
    };
    match field("action") {
        "exam" => {
            flow::may_record(&a, Record::Exam { town: t })?;
            let (person, _) = cadre(field("person"))?;
            let course: CourseKind = forms::choice(field("course"), "必修课程")?;
            let taken_on = forms::past_date(field("date"), "考试日期", today)?;
            let passed = match field("result") {
                "pass" => true,
                "fail" => false,
                _ => return Err(invalid("请选择考试结果（合格或不合格）".into())),
            };
            if r.exam_results
                .iter()
                .any(|x| x.person == person && x.course == course && x.taken_on == taken_on)
            {
                return Err(invalid(format!(
                    "{} {taken_on} 的“{}”考试成绩已经登记",
                    name(&person),
                    course.label()
                )));
            }
            Ok(Write::Records(Box::new(Batch {
                exam_results: vec![ExamResult {
                    person,
                    course,
                    taken_on,
                    passed,
                }],
                ..Batch::default()
            })))
        }
        "certificate" => {
            flow::may_record(&a, Record::Certificate { town: t })?;
            let (person, _) = cadre(field("person"))?;
            if let Some(c) = r.certificates.iter().find(|c| c.person == person) {
                return Err(invalid(format!(
                    "{} 已持有农村干部资格证（{}，{}）",
                    name(&person),
                    c.number,
                    c.issued_on
                )));
            }
            let missing = art07_qualification::courses_missing(&passed(r, &person));
            if !missing.outcome.is_empty() {
                return Err(invalid(format!(
                    "{}：{}，考试合格后方可颁发农村干部资格证（{}）",
                    name(&person),
                    missing.reason,
                    missing.rule.citation()
                )));
            }
            let number = forms::required(field("number"), "证书编号", 40)?;
            let issued_on = forms::past_date(field("date"), "发证日期", today)?;
            Ok(Write::Records(Box::new(Batch {
                certificates: vec![Certificate {
                    person,
                    number,
                    issued_on,
                }],
                ..Batch::default()
            })))
        }
        "enrol" => {
            flow::may_record(&a, Record::Enrolment { town: t })?;
            let (person, _) = cadre(field("person"))?;
            if r.people
                .iter()
                .any(|x| x.id == person && x.education >= Education::College)
            {
                return Err(invalid(format!(
                    "{} 已有大专以上学历，不在专科学历培训班招生范围（第七条）",
                    name(&person)
                )));
            }
            if applied.iter().any(|e| e.person == person) {
                return Err(invalid(format!("{} 今年已报名学历教育", name(&person))));
            }
            let programme = forms::required(field("programme"), "班次", 100)?;
            let applied_on = forms::past_date(field("date"), "报名日期", today)?;
            if applied_on.year() != today.year() {
                return Err(invalid(format!("报名日期应在 {} 年内", today.year())));
            }
            Ok(Write::Enrolment(DegreeEnrolment {
                person,
                year: today.year(),
                town,
                applied_on,
                programme,
            }))
        }
        _ => Err(invalid("未指明要登记的内容".into())),
    }
}
