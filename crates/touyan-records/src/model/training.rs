//! Training (Article 6), required courses and their exams, certificates and
//! degree study (Article 7).

use rust_decimal::Decimal;
use time::Date;

use super::Labelled;
use crate::{CitizenId, TownCode};

labelled! {
    /// Who organised a training session (Article 6).
    TrainingLevel {
        City = "city", "市级";
        Town = "town", "镇街";
    }
}

labelled! {
    /// The form of a training session (Article 6 names them).
    SessionForm {
        Centralised = "centralised", "集中培训";
        SmallClass = "small_class", "小班额培训";
        Mentoring = "mentoring", "拜师交友";
        PeerContest = "peer_contest", "同行同台竞赛";
        Lecture = "lecture", "支书讲坛";
        RedEducation = "red_education", "红色资源教育";
    }
}

/// A training session (Article 6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingSession {
    /// The organiser's own code for the session, unique.
    pub code: String,
    pub title: String,
    pub level: TrainingLevel,
    pub form: SessionForm,
    /// The organising town, for town sessions.
    pub town: Option<TownCode>,
    pub start: Date,
    pub end: Date,
    /// Days of training (half days allowed).
    pub days: Decimal,
}

/// Someone attended a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendance {
    pub session: String,
    pub person: CitizenId,
    pub reflection_filed_on: Option<Date>,
    pub poor_result: bool,
}

labelled! {
    /// A required course of Article 7.
    CourseKind {
        PartyBuilding = "party_building", "农村党建";
        CollectiveEconomy = "collective_economy", "集体经济";
        ConflictResolution = "conflict_resolution", "矛盾化解";
        VocationalSkills = "vocational_skills", "职业技能";
        LivelihoodServices = "livelihood_services", "民生服务";
    }
}

/// An exam result of a required course (Article 7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamResult {
    pub person: CitizenId,
    pub course: CourseKind,
    pub taken_on: Date,
    pub passed: bool,
}

/// A rural cadre qualification certificate (农村干部资格证).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub person: CitizenId,
    pub number: String,
    pub issued_on: Date,
}

/// An application to a degree-study class (Article 7: 专科学历培训班
/// 优先面向专业化党组织书记招生).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DegreeEnrolment {
    pub person: CitizenId,
    pub year: i32,
    pub town: TownCode,
    pub applied_on: Date,
    /// The class or programme applied to.
    pub programme: String,
}
