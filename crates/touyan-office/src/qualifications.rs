//! Qualification (Article 7): every cadre holding a two-committee post in
//! a town's villages, whether they work with a rural cadre qualification
//! certificate (持证上岗), which required courses they have still to pass,
//! those without a college degree who may apply to a degree-study class,
//! and the year's applicants in the order they are enrolled
//! (professionalized secretaries first, the rules crate's
//! `degree_enrolment_order`); and what is recorded: an exam result of a
//! required course, a certificate — only once every required course is
//! passed — and a degree-study application.
//!
//! Who records what is `touyan_workflow::art07_qualification::may_record`
//! (exams and applications the town's operator, certificates the city
//! administrator). Each function writes one form's records in one
//! transaction; nothing is written on a refusal.
//!
//! The adapter reads the form's fields (the course by its code, dates,
//! texts and their lengths) and picks the cadre by its own reference with
//! [`TownYear::cadre`]; this module checks the role first ([`may`]), then
//! the records and the measures.

use time::Date;
use touyan_records::model::{
    Certificate, CourseKind, DegreeEnrolment, ExamResult, Labelled, PostRole, Records,
};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::Params;
use touyan_rules::art07_qualification::{self, Course};
use touyan_rules::people::Education;
use touyan_storage::{Batch, Store};
use touyan_workflow::art07_qualification::{self as flow, Record};

use crate::{By, OfficeError};

/// The most characters of a certificate's number.
pub const NUMBER_CHARS: usize = 40;
/// The most characters of a degree programme's name (班次).
pub const PROGRAMME_CHARS: usize = 100;

/// What is recorded (who may is the workflow's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recording {
    /// An exam result (the town's operator).
    Exam,
    /// A certificate (the city administrator).
    Certificate,
    /// A degree-study application (the town's operator).
    Enrolment,
}

/// A town's records of a year for its qualification page and forms, and
/// the year's degree-study applications.
pub struct TownYear {
    pub year: i32,
    pub town: TownCode,
    pub records: Records,
    pub applied: Vec<DegreeEnrolment>,
}

/// `town`'s records of `year` and its applications.
pub async fn town_year(store: &Store, year: i32, town: TownCode) -> Result<TownYear, OfficeError> {
    Ok(TownYear {
        year,
        town,
        records: store.town_records(year, town).await?,
        applied: store.degree_enrolments(town, year).await?,
    })
}

/// Whether `by` may record `what` for `town`: another town's record is
/// answered as missing, then the role is checked.
pub fn may(by: &By<'_>, town: TownCode, what: Recording) -> Result<(), OfficeError> {
    let town = town.as_str();
    let what = match what {
        Recording::Exam => Record::Exam { town },
        Recording::Certificate => Record::Certificate { town },
        Recording::Enrolment => Record::Enrolment { town },
    };
    Ok(flow::may_record(&by.actor, what)?)
}

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
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

/// A cadre holding a post today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cadre<'a> {
    pub person: &'a CitizenId,
    /// Their posts, in the order recorded.
    pub posts: Vec<PostRole>,
    /// The village of their first post.
    pub village_name: String,
}

/// A cadre as the page shows them.
#[derive(Clone, Debug)]
pub struct CadreView<'a> {
    pub cadre: Cadre<'a>,
    pub name: String,
    /// The latest certificate held.
    pub certificate: Option<&'a Certificate>,
    /// Works with a certificate (Article 7).
    pub certified: bool,
    /// Why not, with its article (when not certified).
    pub certificate_sentence: String,
    /// The required courses still to pass, as a sentence.
    pub courses: String,
    /// Every required course passed and no certificate yet.
    pub certifiable: bool,
    /// On the town's list of the year.
    pub professionalized: bool,
}

/// A cadre without a college degree, who may apply to a degree-study
/// class.
#[derive(Clone, Debug)]
pub struct DegreeView<'a> {
    pub person: &'a CitizenId,
    /// The village's name and the person's.
    pub who: String,
    pub education: Education,
    pub professionalized: bool,
    /// The day applied this year.
    pub applied_on: Option<Date>,
}

/// An application of the year, in enrolment order.
#[derive(Clone, Debug)]
pub struct Enrolled<'a> {
    pub enrolment: &'a DegreeEnrolment,
    /// The person's name, when on record.
    pub name: Option<&'a str>,
    pub professionalized: bool,
}

/// What the qualification page shows.
#[derive(Clone, Debug, Default)]
pub struct View<'a> {
    /// Every cadre holding a post today, by village, then ID number.
    pub cadres: Vec<CadreView<'a>>,
    /// How many of them work without a certificate.
    pub without: usize,
    pub degree: Vec<DegreeView<'a>>,
    /// The year's applicants in the order they are enrolled.
    pub enrolment: Vec<Enrolled<'a>>,
    /// The enrolment order's rule, with its article.
    pub enrolment_reason: String,
}

impl TownYear {
    /// Whether `by` may record `what` here (the forms a page shows).
    pub fn may(&self, by: &By<'_>, what: Recording) -> bool {
        may(by, self.town, what).is_ok()
    }

    /// The cadres holding a post on `today`, one per person, in village
    /// and then ID order.
    pub fn cadres(&self, today: Date) -> Vec<Cadre<'_>> {
        let r = &self.records;
        let mut people: Vec<Cadre<'_>> = Vec::new();
        for post in r
            .posts
            .iter()
            .filter(|x| x.start <= today && x.end.is_none_or(|d| d >= today))
        {
            match people.iter_mut().find(|c| *c.person == post.person) {
                Some(c) => c.posts.push(post.role),
                None => {
                    let village_name = r
                        .villages
                        .iter()
                        .find(|v| v.code == post.village)
                        .map_or_else(|| post.village.as_str().to_owned(), |v| v.name.clone());
                    people.push(Cadre {
                        person: &post.person,
                        posts: vec![post.role],
                        village_name,
                    });
                }
            }
        }
        people.sort_by(|a, b| {
            a.village_name
                .cmp(&b.village_name)
                .then_with(|| a.person.as_str().cmp(b.person.as_str()))
        });
        people
    }

    /// The cadre holding a post on `today` whom `names` picks (the
    /// adapter's reference), or why not.
    pub fn cadre(
        &self,
        today: Date,
        names: impl Fn(&CitizenId) -> bool,
    ) -> Result<CitizenId, OfficeError> {
        self.cadres(today)
            .into_iter()
            .find(|c| names(c.person))
            .map(|c| c.person.clone())
            .ok_or_else(|| invalid("请选择本镇街在任的村“两委”干部"))
    }

    /// The required courses `id` has passed.
    fn passed(&self, id: &CitizenId) -> Vec<Course> {
        self.records
            .exam_results
            .iter()
            .filter(|x| x.person == *id && x.passed)
            .map(|x| course_of(x.course))
            .collect()
    }

    /// Whether `id` is on the town's list of `year`.
    fn listed(&self, id: &CitizenId, year: i32) -> bool {
        self.records
            .list_entries
            .iter()
            .any(|e| e.person == *id && e.year == year)
    }

    fn name(&self, id: &CitizenId) -> String {
        self.records
            .people
            .iter()
            .find(|x| x.id == *id)
            .map_or_else(String::new, |x| x.name.clone())
    }

    /// The page: each cadre's certificate and courses, those who may
    /// apply to a degree-study class and the year's enrolment order,
    /// under `params` (the policy in force on `today`).
    pub fn view(&self, params: &Params, today: Date) -> View<'_> {
        let r = &self.records;
        let mut v = View::default();
        for cadre in self.cadres(today) {
            let id = cadre.person;
            let person = r.people.iter().find(|x| x.id == *id);
            let name = person.map_or_else(String::new, |x| x.name.clone());
            let cert = r
                .certificates
                .iter()
                .filter(|c| c.person == *id)
                .max_by_key(|c| c.issued_on);
            let check = art07_qualification::certificate(params, cert.is_some());
            let courses = art07_qualification::courses_missing(&self.passed(id));
            let professionalized = self.listed(id, today.year());
            if let Some(x) = person.filter(|x| x.highest_education() < Education::College) {
                v.degree.push(DegreeView {
                    person: id,
                    who: format!("{} {name}", cadre.village_name),
                    education: x.highest_education(),
                    professionalized,
                    applied_on: self
                        .applied
                        .iter()
                        .find(|e| e.person == *id)
                        .map(|e| e.applied_on),
                });
            }
            if !check.outcome {
                v.without += 1;
            }
            v.cadres.push(CadreView {
                name,
                certificate: cert,
                certified: check.outcome,
                certificate_sentence: format!("{}（{}）", check.reason, check.rule.citation()),
                certifiable: cert.is_none() && courses.outcome.is_empty(),
                courses: courses.reason.clone(),
                professionalized,
                cadre,
            });
        }
        // The year's applicants, by the day they applied, then in the
        // rules crate's enrolment order.
        let mut apps: Vec<&DegreeEnrolment> = self.applied.iter().collect();
        apps.sort_by_key(|e| (e.applied_on, e.person.as_str().to_owned()));
        let flags: Vec<bool> = apps
            .iter()
            .map(|e| self.listed(&e.person, e.year))
            .collect();
        let order = art07_qualification::degree_enrolment_order(params, &flags);
        v.enrolment_reason = format!("{}（{}）", order.reason, order.rule.citation());
        v.enrolment = order
            .outcome
            .iter()
            .filter_map(|&i| {
                let e = *apps.get(i)?;
                Some(Enrolled {
                    enrolment: e,
                    name: r
                        .people
                        .iter()
                        .find(|x| x.id == e.person)
                        .map(|x| x.name.as_str()),
                    professionalized: flags.get(i).copied().unwrap_or(false),
                })
            })
            .collect();
        v
    }
}

/// A town's qualifications in figures: the city's overview of the
/// qualification page, one row per town.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub town: TownCode,
    /// Cadres holding a two-committee post today (the page's table).
    pub cadres: usize,
    /// Of those, secretaries.
    pub secretaries: usize,
    /// Cadres working with a certificate (持证上岗), and without.
    pub certified: usize,
    pub without: usize,
    /// Of those without, every required course passed: a certificate
    /// may be recorded.
    pub certifiable: usize,
    /// Degree-study applications of the year.
    pub enrolments: usize,
}

impl TownYear {
    /// The town in figures, as its page counts them ([`TownYear::view`]
    /// under `params`, the policy in force on `today`).
    pub fn summary(&self, params: &Params, today: Date) -> Summary {
        let v = self.view(params, today);
        Summary {
            town: self.town,
            cadres: v.cadres.len(),
            secretaries: v
                .cadres
                .iter()
                .filter(|c| c.cadre.posts.contains(&PostRole::Secretary))
                .count(),
            certified: v.cadres.len() - v.without,
            without: v.without,
            certifiable: v.cadres.iter().filter(|c| c.certifiable).count(),
            enrolments: v.enrolment.len(),
        }
    }
}

/// The city's overview of the qualifications of `year` on `today`: each
/// of `towns` (those the reader sees, in their order) in figures, each
/// town's records read once ([`town_year`]), so the figures are the town
/// page's.
pub async fn city_overview(
    store: &Store,
    params: &Params,
    year: i32,
    today: Date,
    towns: &[TownCode],
) -> Result<Vec<Summary>, OfficeError> {
    let mut out = Vec::with_capacity(towns.len());
    for town in towns {
        out.push(town_year(store, year, *town).await?.summary(params, today));
    }
    Ok(out)
}

/// `{what}不能晚于今天（{today}）`, when `on` is after `today`.
fn not_after_today(on: Date, what: &str, today: Date) -> Result<(), OfficeError> {
    if on > today {
        return Err(invalid(format!("{what}不能晚于今天（{today}）")));
    }
    Ok(())
}

/// Writes one form's new records.
async fn write(store: &Store, by: &By<'_>, new: &Batch) -> Result<(), OfficeError> {
    store
        .record_form(by.name, by.origin, new, &Batch::default())
        .await
        .map_err(OfficeError::refused)
}

/// Records `person`'s result of `course` taken on `taken_on` (not after
/// `today`; once a course a day).
#[allow(clippy::too_many_arguments)]
pub async fn exam(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    person: &CitizenId,
    course: CourseKind,
    taken_on: Date,
    passed: bool,
    today: Date,
) -> Result<ExamResult, OfficeError> {
    may(&by, ty.town, Recording::Exam)?;
    let person = ty.cadre(today, |p| p == person)?;
    not_after_today(taken_on, "考试日期", today)?;
    if ty
        .records
        .exam_results
        .iter()
        .any(|x| x.person == person && x.course == course && x.taken_on == taken_on)
    {
        return Err(invalid(format!(
            "{} {taken_on} 的“{}”考试成绩已经登记",
            ty.name(&person),
            course.label()
        )));
    }
    let x = ExamResult {
        person,
        course,
        taken_on,
        passed,
    };
    let new = Batch {
        exam_results: vec![x.clone()],
        ..Batch::default()
    };
    write(store, &by, &new).await?;
    Ok(x)
}

/// Whether `person` may be given a certificate: none held yet, and every
/// required course passed (Article 7).
pub fn certifiable(ty: &TownYear, person: &CitizenId) -> Result<(), OfficeError> {
    if let Some(c) = ty.records.certificates.iter().find(|c| c.person == *person) {
        return Err(invalid(format!(
            "{} 已持有农村干部资格证（{}，{}）",
            ty.name(person),
            c.number,
            c.issued_on
        )));
    }
    let missing = art07_qualification::courses_missing(&ty.passed(person));
    if !missing.outcome.is_empty() {
        return Err(invalid(format!(
            "{}：{}，考试合格后方可颁发农村干部资格证（{}）",
            ty.name(person),
            missing.reason,
            missing.rule.citation()
        )));
    }
    Ok(())
}

/// Records `person`'s certificate `number` issued on `issued_on` (not
/// after `today`): only once every required course is passed, and once.
pub async fn certificate(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    person: &CitizenId,
    number: String,
    issued_on: Date,
    today: Date,
) -> Result<Certificate, OfficeError> {
    may(&by, ty.town, Recording::Certificate)?;
    let person = ty.cadre(today, |p| p == person)?;
    certifiable(ty, &person)?;
    OfficeError::at_most(&number, "证书编号", NUMBER_CHARS)?;
    not_after_today(issued_on, "发证日期", today)?;
    let x = Certificate {
        person,
        number,
        issued_on,
    };
    let new = Batch {
        certificates: vec![x.clone()],
        ..Batch::default()
    };
    write(store, &by, &new).await?;
    Ok(x)
}

/// Whether `person` may apply to a degree-study class this year: below a
/// college degree (Article 7), and not applied yet.
pub fn may_apply(ty: &TownYear, person: &CitizenId) -> Result<(), OfficeError> {
    if ty
        .records
        .people
        .iter()
        .any(|x| x.id == *person && x.highest_education() >= Education::College)
    {
        return Err(invalid(format!(
            "{} 已有大专以上学历，不在专科学历培训班招生范围（第七条）",
            ty.name(person)
        )));
    }
    if ty.applied.iter().any(|e| e.person == *person) {
        return Err(invalid(format!("{} 今年已报名学历教育", ty.name(person))));
    }
    Ok(())
}

/// Records `person`'s application to the degree-study class `programme`
/// on `applied_on` (in the year, not after `today`): only below a college
/// degree, once a year.
pub async fn enrol(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    person: &CitizenId,
    programme: String,
    applied_on: Date,
    today: Date,
) -> Result<DegreeEnrolment, OfficeError> {
    may(&by, ty.town, Recording::Enrolment)?;
    let person = ty.cadre(today, |p| p == person)?;
    may_apply(ty, &person)?;
    OfficeError::at_most(&programme, "班次", PROGRAMME_CHARS)?;
    not_after_today(applied_on, "报名日期", today)?;
    if applied_on.year() != ty.year {
        return Err(invalid(format!("报名日期应在 {} 年内", ty.year)));
    }
    let x = DegreeEnrolment {
        person,
        year: ty.year,
        town: ty.town,
        applied_on,
        programme,
    };
    store
        .record_new(by.name, by.origin, std::slice::from_ref(&x))
        .await
        .map_err(OfficeError::refused)?;
    Ok(x)
}
