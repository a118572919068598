//! The sheets of training and qualifications (培训班次, 参训记录, 考试成绩,
//! 资格证书).

use rust_decimal::Decimal;
use touyan_records::model::{
    Attendance, Certificate, CourseKind, ExamResult, Labelled, SessionForm, TrainingLevel,
    TrainingSession,
};

use super::{Kind, Record, Row, SheetSpec, Val, choice, id, maybe, noted, opt, order, req};
use crate::Roster;

// ---------------------------------------------------------------- 培训班次

static SESSION: SheetSpec = SheetSpec {
    name: "培训班次",
    about: "一个培训班次一行（第六条）；参训记录按班次编号引用",
    columns: &[
        req("班次编号", Kind::SessionKey),
        req("班次名称", Kind::Text),
        req("层级", Kind::Choice(<TrainingLevel as Labelled>::labels)),
        req("形式", Kind::Choice(<SessionForm as Labelled>::labels)),
        noted(opt("镇街代码", Kind::Town), "镇街级班次必填"),
        req("开始日期", Kind::Date),
        req("结束日期", Kind::Date),
        noted(
            req("培训天数", Kind::Decimal { places: 1 }),
            "可填半天，如 0.5、2.5",
        ),
    ],
    key: &[0],
    key_what: "班次",
};

impl Record for TrainingSession {
    fn spec() -> &'static SheetSpec {
        &SESSION
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.training_sessions
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.training_sessions
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            Val::Text(self.code.clone()),
            Val::Text(self.title.clone()),
            choice(self.level),
            choice(self.form),
            maybe(self.town, Val::Town),
            Val::Date(self.start),
            Val::Date(self.end),
            Val::Dec(self.days),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(TrainingSession {
            code: r.text(0)?,
            title: r.text(1)?,
            level: r.choice(2)?,
            form: r.choice(3)?,
            town: r.town(4)?,
            start: r.date(5)?,
            end: r.date(6)?,
            days: r.dec(7)?,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        let mut e = order(6, self.start, Some(self.end), "结束日期", "开始日期");
        if self.level == TrainingLevel::Town && self.town.is_none() {
            e.push((4, "镇街级班次须填写镇街代码".into()));
        }
        let halves = self.days * Decimal::TWO;
        if halves.fract() != Decimal::ZERO || self.days <= Decimal::ZERO {
            e.push((7, "培训天数应为 0.5 的正整数倍（可按半天计）".into()));
        }
        e
    }
}

// ---------------------------------------------------------------- 参训记录

static ATTENDANCE: SheetSpec = SheetSpec {
    name: "参训记录",
    about: "一人参加一个班次一行",
    columns: &[
        req("班次编号", Kind::Session),
        req("身份证号码", Kind::Person),
        noted(opt("心得提交日期", Kind::Date), "未提交学习心得的留空"),
        req("学习效果差", Kind::YesNo),
    ],
    key: &[0, 1],
    key_what: "参训记录",
};

impl Record for Attendance {
    fn spec() -> &'static SheetSpec {
        &ATTENDANCE
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.attendance
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.attendance
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            Val::Text(self.session.clone()),
            id(&self.person),
            maybe(self.reflection_filed_on, Val::Date),
            Val::Bool(self.poor_result),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(Attendance {
            session: r.text(0)?,
            person: r.id(1)?,
            reflection_filed_on: r.opt_date(2)?,
            poor_result: r.bool(3)?,
        })
    }
}

// ---------------------------------------------------------------- 考试成绩

static EXAM: SheetSpec = SheetSpec {
    name: "考试成绩",
    about: "必修课程考试（第七条）：一次考试一行",
    columns: &[
        req("身份证号码", Kind::Person),
        req("课程", Kind::Choice(<CourseKind as Labelled>::labels)),
        req("考试日期", Kind::Date),
        req("是否合格", Kind::YesNo),
    ],
    key: &[0, 1, 2],
    key_what: "考试成绩",
};

impl Record for ExamResult {
    fn spec() -> &'static SheetSpec {
        &EXAM
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.exam_results
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.exam_results
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            choice(self.course),
            Val::Date(self.taken_on),
            Val::Bool(self.passed),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(ExamResult {
            person: r.id(0)?,
            course: r.choice(1)?,
            taken_on: r.date(2)?,
            passed: r.bool(3)?,
        })
    }
}

// ---------------------------------------------------------------- 资格证书

static CERTIFICATE: SheetSpec = SheetSpec {
    name: "资格证书",
    about: "农村干部资格证：一证一行",
    columns: &[
        req("身份证号码", Kind::Person),
        noted(req("证书编号", Kind::Text), "按文本录入"),
        req("发证日期", Kind::Date),
    ],
    key: &[1],
    key_what: "证书",
};

impl Record for Certificate {
    fn spec() -> &'static SheetSpec {
        &CERTIFICATE
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.certificates
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.certificates
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Text(self.number.clone()),
            Val::Date(self.issued_on),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(Certificate {
            person: r.id(0)?,
            number: r.text(1)?,
            issued_on: r.date(2)?,
        })
    }
}
