//! Every record kind as a table: its columns (key first) and conversions.
//! The tables themselves are created by `migrations/mod.rs`; a round-trip test
//! per kind keeps the two in step.
//!
//! Units: money in integer fen (`_fen`), 万元 and other decimals in integer
//! hundredths (`_x100`); a value with more places is refused, not rounded.

use touyan_records::model::{
    Admonition, AnnualPlan, Attendance, Ballots, Certificate, ConditionAnswer, ExamResult, Exit,
    ListEntry, PayRecord, Post, Reserve, ReserveReport, Secondment, ThreeGood, TownYear,
    TrainingSession, VillageYear, WorkLog, YoungCadre,
};
use touyan_records::model::{Person, Town, Village};
use touyan_records::{CitizenId, CommitteeKind, TownCode, TownKind, VillageCode};

use crate::StoreError;
use crate::record::{
    Cell, Col, Kind, Reader, Record, col, int, label, opt_date, opt_int, opt_label, opt_scaled,
    opt_text, scaled, text,
};

use Kind::{BigInt, Bool, Date, Int, Text};

/// The stored code of a town kind.
pub fn town_kind_code(kind: Option<TownKind>) -> &'static str {
    match kind {
        Some(TownKind::Street) => "street",
        Some(TownKind::Town) => "town",
        Some(TownKind::Township) => "township",
        Some(TownKind::Zone) => "zone",
        None => "unknown",
    }
}

/// The stored code of a committee kind.
pub fn committee_code(kind: CommitteeKind) -> &'static str {
    match kind {
        CommitteeKind::Villagers => "villagers",
        CommitteeKind::Residents => "residents",
        CommitteeKind::Statistical => "statistical",
        CommitteeKind::Unknown => "unknown",
    }
}

fn committee_from_code(code: &str) -> Result<CommitteeKind, String> {
    [
        CommitteeKind::Villagers,
        CommitteeKind::Residents,
        CommitteeKind::Statistical,
        CommitteeKind::Unknown,
    ]
    .into_iter()
    .find(|k| committee_code(*k) == code)
    .ok_or_else(|| format!("committee 列的值 {code} 不在取值范围内"))
}

pub(crate) fn id(p: &CitizenId) -> Cell {
    text(p.as_str())
}

pub(crate) fn village(v: &VillageCode) -> Cell {
    text(v.as_str())
}

pub(crate) fn town(t: &TownCode) -> Cell {
    text(t.as_str())
}

pub(crate) fn person(r: &mut Reader) -> Result<CitizenId, String> {
    r.parse(CitizenId::parse)
}

pub(crate) fn village_code(r: &mut Reader) -> Result<VillageCode, String> {
    r.parse(VillageCode::parse)
}

pub(crate) fn town_code(r: &mut Reader) -> Result<TownCode, String> {
    r.parse(TownCode::parse)
}

impl Record for Town {
    const TABLE: &'static str = "towns";
    const ZH: &'static str = "镇街区";
    const COLUMNS: &'static [Col] = &[col("code", Text), col("name", Text), col("kind", Text)];
    const KEY: usize = 1;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            town(&self.code),
            text(&self.name),
            text(town_kind_code(self.code.kind())),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        let t = Town {
            code: town_code(r)?,
            name: r.text()?,
        };
        r.skip()?;
        Ok(t)
    }
}

impl Record for Village {
    const TABLE: &'static str = "villages";
    const ZH: &'static str = "村级单位";
    const COLUMNS: &'static [Col] = &[
        col("code", Text),
        col("name", Text),
        col("town_code", Text),
        col("committee", Text),
    ];
    const KEY: usize = 1;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            village(&self.code),
            text(&self.name),
            town(&self.code.town()),
            text(committee_code(self.kind)),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        let code = village_code(r)?;
        let name = r.text()?;
        r.skip()?;
        let kind = committee_from_code(&r.text()?)?;
        Ok(Village { code, name, kind })
    }
}

impl Record for Person {
    const TABLE: &'static str = "people";
    const ZH: &'static str = "人员";
    const COLUMNS: &'static [Col] = &[
        col("citizen_id", Text),
        col("name", Text),
        col("birth_date", Date),
        col("sex", Text),
        col("full_time_education", Text),
        col("in_service_education", Text),
    ];
    const KEY: usize = 1;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        let sex = match self.id.sex() {
            touyan_records::Sex::Male => "male",
            touyan_records::Sex::Female => "female",
        };
        Ok(vec![
            id(&self.id),
            text(&self.name),
            Cell::Date(self.id.birth_date()),
            text(sex),
            opt_label(self.full_time_education),
            opt_label(self.in_service_education),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        let id = person(r)?;
        let name = r.text()?;
        r.skip()?;
        r.skip()?;
        Ok(Person {
            id,
            name,
            full_time_education: r.opt_label()?,
            in_service_education: r.opt_label()?,
        })
    }
}

impl Record for Post {
    const TABLE: &'static str = "posts";
    const ZH: &'static str = "任职记录";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("village", Text),
        col("role", Text),
        col("start_on", Date),
        col("end_on", Date),
    ];
    const KEY: usize = 4;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            village(&self.village),
            label(self.role),
            Cell::Date(self.start),
            opt_date(self.end),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(Post {
            person: person(r)?,
            village: village_code(r)?,
            role: r.label()?,
            start: r.date()?,
            end: r.opt_date()?,
        })
    }
}

impl Record for VillageYear {
    const TABLE: &'static str = "village_years";
    const ZH: &'static str = "村年度情况";
    const COLUMNS: &'static [Col] = &[
        col("village", Text),
        col("year", Int),
        col("stars", Int),
        col("collective_income_wan_x100", BigInt),
        col("assessment_score_x100", BigInt),
        col("assessment_rank", Int),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            village(&self.village),
            int(self.year),
            int(self.stars),
            Cell::Int(scaled(
                self.collective_income_wan,
                2,
                "集体经济收入（万元）",
            )?),
            opt_scaled(self.assessment_score, 2, "综合考核得分")?,
            opt_int(self.assessment_rank),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(VillageYear {
            village: village_code(r)?,
            year: r.int()?,
            stars: r.int()?,
            collective_income_wan: r.scaled(2)?,
            assessment_score: r.opt_scaled(2)?,
            assessment_rank: r.opt_int()?,
        })
    }
}

impl Record for ThreeGood {
    const TABLE: &'static str = "three_good";
    const ZH: &'static str = "“三好三强”评价";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("year", Int),
        col("passed", Bool),
        col("note", Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            int(self.year),
            Cell::Bool(self.passed),
            text(&self.note),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(ThreeGood {
            person: person(r)?,
            year: r.int()?,
            passed: r.bool()?,
            note: r.text()?,
        })
    }
}

impl Record for TrainingSession {
    const TABLE: &'static str = "training_sessions";
    const ZH: &'static str = "培训班次";
    const COLUMNS: &'static [Col] = &[
        col("code", Text),
        col("title", Text),
        col("training_level", Text),
        col("form", Text),
        col("town", Text),
        col("start_on", Date),
        col("end_on", Date),
        col("days_x100", BigInt),
    ];
    const KEY: usize = 1;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(&self.code),
            text(&self.title),
            label(self.level),
            label(self.form),
            opt_text(self.town.as_ref().map(TownCode::as_str)),
            Cell::Date(self.start),
            Cell::Date(self.end),
            Cell::Int(scaled(self.days, 2, "培训天数")?),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(TrainingSession {
            code: r.text()?,
            title: r.text()?,
            level: r.label()?,
            form: r.label()?,
            town: r.opt_parse(TownCode::parse)?,
            start: r.date()?,
            end: r.date()?,
            days: r.scaled(2)?,
        })
    }
}

impl Record for Attendance {
    const TABLE: &'static str = "attendance";
    const ZH: &'static str = "参训记录";
    const COLUMNS: &'static [Col] = &[
        col("session_code", Text),
        col("person", Text),
        col("reflection_filed_on", Date),
        col("poor_result", Bool),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(&self.session),
            id(&self.person),
            opt_date(self.reflection_filed_on),
            Cell::Bool(self.poor_result),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(Attendance {
            session: r.text()?,
            person: person(r)?,
            reflection_filed_on: r.opt_date()?,
            poor_result: r.bool()?,
        })
    }
}

impl Record for Ballots {
    const TABLE: &'static str = "ballots";
    const ZH: &'static str = "胜任度评价票数";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("year", Int),
        col("half", Int),
        col("rater_group", Text),
        col("competent", Int),
        col("basically_competent", Int),
        col("not_competent", Int),
    ];
    const KEY: usize = 4;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            int(self.year),
            int(self.half),
            label(self.group),
            int(self.competent),
            int(self.basically_competent),
            int(self.not_competent),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(Ballots {
            person: person(r)?,
            year: r.int()?,
            half: r.int()?,
            group: r.label()?,
            competent: r.int()?,
            basically_competent: r.int()?,
            not_competent: r.int()?,
        })
    }
}

impl Record for Admonition {
    const TABLE: &'static str = "admonitions";
    const ZH: &'static str = "约谈记录";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("held_on", Date),
        col("article", Int),
        col("reason", Text),
        col("make_up_study_done_on", Date),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            Cell::Date(self.held_on),
            int(self.article),
            text(&self.reason),
            opt_date(self.make_up_study_done_on),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(Admonition {
            person: person(r)?,
            held_on: r.date()?,
            article: r.int()?,
            reason: r.text()?,
            make_up_study_done_on: r.opt_date()?,
        })
    }
}

impl Record for ExamResult {
    const TABLE: &'static str = "exam_results";
    const ZH: &'static str = "考试成绩";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("course", Text),
        col("taken_on", Date),
        col("passed", Bool),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            label(self.course),
            Cell::Date(self.taken_on),
            Cell::Bool(self.passed),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(ExamResult {
            person: person(r)?,
            course: r.label()?,
            taken_on: r.date()?,
            passed: r.bool()?,
        })
    }
}

impl Record for Certificate {
    const TABLE: &'static str = "certificates";
    const ZH: &'static str = "资格证书";
    const COLUMNS: &'static [Col] = &[
        col("certificate_no", Text),
        col("person", Text),
        col("issued_on", Date),
    ];
    const KEY: usize = 1;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(&self.number),
            id(&self.person),
            Cell::Date(self.issued_on),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        let number = r.text()?;
        Ok(Certificate {
            person: person(r)?,
            number,
            issued_on: r.date()?,
        })
    }
}

impl Record for Secondment {
    const TABLE: &'static str = "secondments";
    const ZH: &'static str = "挂职记录";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("start_on", Date),
        col("secondment_level", Text),
        col("host_unit", Text),
        col("end_on", Date),
        col("appraisal", Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            Cell::Date(self.start),
            label(self.level),
            text(&self.host_unit),
            Cell::Date(self.end),
            opt_text(self.appraisal.as_deref()),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        let person = person(r)?;
        let start = r.date()?;
        Ok(Secondment {
            person,
            start,
            level: r.label()?,
            host_unit: r.text()?,
            end: r.date()?,
            appraisal: r.opt_text()?,
        })
    }
}

impl Record for Reserve {
    const TABLE: &'static str = "reserves";
    const ZH: &'static str = "后备干部";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("village", Text),
        col("post_role", Text),
        col("listed_on", Date),
        col("removed_on", Date),
    ];
    const KEY: usize = 4;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            village(&self.village),
            label(self.post),
            Cell::Date(self.listed_on),
            opt_date(self.removed_on),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(Reserve {
            person: person(r)?,
            village: village_code(r)?,
            post: r.label()?,
            listed_on: r.date()?,
            removed_on: r.opt_date()?,
        })
    }
}

impl Record for YoungCadre {
    const TABLE: &'static str = "young_cadres";
    const ZH: &'static str = "年轻干部";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("programme_start", Date),
        col("village", Text),
        col("current_pay_fen", BigInt),
        col("score_x100", BigInt),
        col("filed_on", Date),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            Cell::Date(self.programme_start),
            village(&self.village),
            Cell::Int(scaled(self.current_pay, 2, "原月报酬（元）")?),
            Cell::Int(scaled(self.score, 2, "评分")?),
            opt_date(self.filed_on),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        let person = person(r)?;
        let programme_start = r.date()?;
        Ok(YoungCadre {
            person,
            programme_start,
            village: village_code(r)?,
            current_pay: r.scaled(2)?,
            score: r.scaled(2)?,
            filed_on: r.opt_date()?,
        })
    }
}

impl Record for AnnualPlan {
    const TABLE: &'static str = "annual_plans";
    const ZH: &'static str = "年度目标计划";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("year", Int),
        col("reviewed_on", Date),
        col("notice_start", Date),
        col("notice_end", Date),
        col("filed_on", Date),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            int(self.year),
            opt_date(self.reviewed_on),
            opt_date(self.notice_start),
            opt_date(self.notice_end),
            opt_date(self.filed_on),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(AnnualPlan {
            person: person(r)?,
            year: r.int()?,
            reviewed_on: r.opt_date()?,
            notice_start: r.opt_date()?,
            notice_end: r.opt_date()?,
            filed_on: r.opt_date()?,
        })
    }
}

impl Record for WorkLog {
    const TABLE: &'static str = "work_logs";
    const ZH: &'static str = "挂职工作日志";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("secondment_start", Date),
        col("entry_on", Date),
        col("entry_text", Text),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            Cell::Date(self.secondment_start),
            Cell::Date(self.on),
            text(&self.text),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(WorkLog {
            person: person(r)?,
            secondment_start: r.date()?,
            on: r.date()?,
            text: r.text()?,
        })
    }
}

impl Record for ReserveReport {
    const TABLE: &'static str = "reserve_reports";
    const ZH: &'static str = "后备培养报告";
    const COLUMNS: &'static [Col] = &[
        col("town", Text),
        col("year", Int),
        col("submitted_on", Date),
        col("summary", Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            town(&self.town),
            int(self.year),
            Cell::Date(self.submitted_on),
            text(&self.summary),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(ReserveReport {
            town: town_code(r)?,
            year: r.int()?,
            submitted_on: r.date()?,
            summary: r.text()?,
        })
    }
}

impl Record for TownYear {
    const TABLE: &'static str = "town_years";
    const ZH: &'static str = "镇街年度设置";
    const COLUMNS: &'static [Col] = &[
        col("town", Text),
        col("year", Int),
        col("reference_salary_fen", BigInt),
        col("young_cadre_factor_x100", BigInt),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            town(&self.town),
            int(self.year),
            Cell::Int(scaled(self.reference_salary, 2, "参照工资（元）")?),
            Cell::Int(scaled(self.young_cadre_factor, 2, "年轻干部报酬系数")?),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(TownYear {
            town: town_code(r)?,
            year: r.int()?,
            reference_salary: r.scaled(2)?,
            young_cadre_factor: r.scaled(2)?,
        })
    }
}

/// Every record table, parents before children (the order a batch is
/// written in and the migration creates them in).
pub const TABLES: [&str; 24] = [
    Town::TABLE,
    Village::TABLE,
    Person::TABLE,
    Post::TABLE,
    VillageYear::TABLE,
    ThreeGood::TABLE,
    TrainingSession::TABLE,
    Attendance::TABLE,
    Ballots::TABLE,
    Admonition::TABLE,
    ExamResult::TABLE,
    Certificate::TABLE,
    Secondment::TABLE,
    Reserve::TABLE,
    YoungCadre::TABLE,
    AnnualPlan::TABLE,
    ListEntry::TABLE,
    PayRecord::TABLE,
    Exit::TABLE,
    WorkLog::TABLE,
    ReserveReport::TABLE,
    TownYear::TABLE,
    ConditionAnswer::TABLE,
    touyan_records::model::PayPartRecord::TABLE,
];
