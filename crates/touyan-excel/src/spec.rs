//! The one table of the workbook's layout: every sheet, its columns in
//! order, what each column holds, which columns must be filled, which make
//! a row unique, and how a record becomes a row and back. The template, the
//! reader, the marked copy and the exporter all work from this file.

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::{
    Admonition, AnnualPlan, Attendance, Ballots, Certificate, CourseKind, ExamResult, Exit,
    ExitReason, FundingSource, Labelled, ListEntry, ListStatus, PayKind, PayRecord, Person, Post,
    PostRole, RaterGroup, Reserve, ReserveReport, Secondment, SecondmentLevel, SessionForm,
    ThreeGood, TownYear, TrainingLevel, TrainingSession, VillageYear, WorkLog, YoungCadre,
};
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_rules::people::Education;

use crate::Roster;

/// What a column holds. Decides how a cell is read, how it is written, its
/// number format and its drop-down or other data validation.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// The 18-character citizen ID that defines a person (人员 only; unique).
    PersonKey,
    /// A citizen ID that must name someone in 人员 or already known.
    Person,
    /// A 12-digit village code that must be known.
    Village,
    /// A 9-digit town code.
    Town,
    /// The code that defines a training session (培训班次 only; unique).
    SessionKey,
    /// A session code that must be in 培训班次 or already known.
    Session,
    /// Free text.
    Text,
    /// A calendar date.
    Date,
    /// A month (stored as its first day).
    Month,
    /// A whole number in `min..=max`.
    Int { min: i64, max: i64 },
    /// A non-negative decimal with at most `places` decimals.
    Decimal { places: u32 },
    /// 是 / 否.
    YesNo,
    /// One of a fixed list of labels (a drop-down).
    Choice(fn() -> Vec<&'static str>),
}

impl Kind {
    /// Text columns: formatted as text (`@`) so that Excel keeps every digit.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Kind::PersonKey
                | Kind::Person
                | Kind::Village
                | Kind::Town
                | Kind::SessionKey
                | Kind::Session
                | Kind::Text
                | Kind::YesNo
                | Kind::Choice(_)
        )
    }

    /// What to type, for the 说明 sheet and the cell's input message.
    pub fn help(self) -> String {
        match self {
            Kind::PersonKey | Kind::Person => {
                "18 位公民身份号码，按文本录入（本列已设为文本格式）；末位 X 大小写均可；不能用全角数字".into()
            }
            Kind::Village => "12 位统计用区划代码（村级），按文本录入".into(),
            Kind::Town => "9 位统计用区划代码（镇街级），按文本录入".into(),
            Kind::SessionKey => "班次自编编号，同一工作簿内不能重复".into(),
            Kind::Session => "填“培训班次”表中的班次编号".into(),
            Kind::Text => "文字".into(),
            Kind::Date => "日期，如 2023-05-01、2023/5/1、2023.5.1、2023年5月1日".into(),
            Kind::Month => "月份，如 2024-05、2024/5、2024年5月，或该月任一日期".into(),
            Kind::Int { min, max } => format!("整数，{min}–{max}"),
            Kind::Decimal { places: 0 } => "非负整数".into(),
            Kind::Decimal { places } => format!("非负数，最多 {places} 位小数"),
            Kind::YesNo => "从下拉列表选择：是 / 否".into(),
            Kind::Choice(labels) => format!("从下拉列表选择：{}", labels().join(" / ")),
        }
    }
}

/// One column of a sheet.
#[derive(Debug)]
pub struct Column {
    pub header: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Anything the 说明 sheet should add to the kind's own help.
    pub note: &'static str,
}

/// One sheet: a record kind.
#[derive(Debug)]
pub struct SheetSpec {
    pub name: &'static str,
    /// What a row is, for the 说明 sheet.
    pub about: &'static str,
    pub columns: &'static [Column],
    /// The columns that together make a row unique (empty: no check).
    pub key: &'static [usize],
    /// What is duplicated when the key repeats ("人员", "班次" …).
    pub key_what: &'static str,
}

impl SheetSpec {
    pub fn column(&self, header: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.header == header)
    }
}

const fn req(header: &'static str, kind: Kind) -> Column {
    Column {
        header,
        kind,
        required: true,
        note: "",
    }
}

const fn opt(header: &'static str, kind: Kind) -> Column {
    Column {
        header,
        kind,
        required: false,
        note: "",
    }
}

const fn noted(mut c: Column, note: &'static str) -> Column {
    c.note = note;
    c
}

const YEAR: Kind = Kind::Int {
    min: 1900,
    max: 2100,
};

/// A typed cell value, as read (after every check of its column's kind)
/// or about to be written.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Empty,
    Id(CitizenId),
    Village(VillageCode),
    Town(TownCode),
    Text(String),
    Date(Date),
    Int(i64),
    Dec(Decimal),
    Bool(bool),
    /// Index into the column's label list.
    Choice(usize),
}

impl Val {
    /// A canonical text for duplicate-key checks.
    pub fn key_text(&self) -> String {
        match self {
            Val::Empty => String::new(),
            Val::Id(id) => id.as_str().to_owned(),
            Val::Village(v) => v.as_str().to_owned(),
            Val::Town(t) => t.as_str().to_owned(),
            Val::Text(s) => s.clone(),
            Val::Date(d) => d.to_string(),
            Val::Int(n) => n.to_string(),
            Val::Dec(d) => d.normalize().to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Choice(i) => i.to_string(),
        }
    }
}

/// A row's values in column order; accessors return `None` on a value of
/// the wrong type, which the column kinds make impossible.
pub struct Row<'a>(pub &'a [Val]);

impl Row<'_> {
    fn get(&self, i: usize) -> Option<&Val> {
        self.0.get(i)
    }
    fn id(&self, i: usize) -> Option<CitizenId> {
        match self.get(i)? {
            Val::Id(id) => Some(id.clone()),
            _ => None,
        }
    }
    fn village(&self, i: usize) -> Option<VillageCode> {
        match self.get(i)? {
            Val::Village(v) => Some(*v),
            _ => None,
        }
    }
    fn town(&self, i: usize) -> Option<Option<TownCode>> {
        match self.get(i)? {
            Val::Town(t) => Some(Some(*t)),
            Val::Empty => Some(None),
            _ => None,
        }
    }
    fn text(&self, i: usize) -> Option<String> {
        match self.get(i)? {
            Val::Text(s) => Some(s.clone()),
            Val::Empty => Some(String::new()),
            _ => None,
        }
    }
    fn opt_text(&self, i: usize) -> Option<Option<String>> {
        match self.get(i)? {
            Val::Text(s) => Some(Some(s.clone())),
            Val::Empty => Some(None),
            _ => None,
        }
    }
    fn date(&self, i: usize) -> Option<Date> {
        match self.get(i)? {
            Val::Date(d) => Some(*d),
            _ => None,
        }
    }
    fn opt_date(&self, i: usize) -> Option<Option<Date>> {
        match self.get(i)? {
            Val::Date(d) => Some(Some(*d)),
            Val::Empty => Some(None),
            _ => None,
        }
    }
    fn int<T: TryFrom<i64>>(&self, i: usize) -> Option<T> {
        match self.get(i)? {
            Val::Int(n) => T::try_from(*n).ok(),
            _ => None,
        }
    }
    fn opt_int<T: TryFrom<i64>>(&self, i: usize) -> Option<Option<T>> {
        match self.get(i)? {
            Val::Int(n) => T::try_from(*n).ok().map(Some),
            Val::Empty => Some(None),
            _ => None,
        }
    }
    fn dec(&self, i: usize) -> Option<Decimal> {
        match self.get(i)? {
            Val::Dec(d) => Some(*d),
            _ => None,
        }
    }
    fn opt_dec(&self, i: usize) -> Option<Option<Decimal>> {
        match self.get(i)? {
            Val::Dec(d) => Some(Some(*d)),
            Val::Empty => Some(None),
            _ => None,
        }
    }
    fn bool(&self, i: usize) -> Option<bool> {
        match self.get(i)? {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn choice<E: Labelled>(&self, i: usize) -> Option<E> {
        match self.get(i)? {
            Val::Choice(n) => E::ALL.get(*n).copied(),
            _ => None,
        }
    }
}

fn choice<E: Labelled + PartialEq>(e: E) -> Val {
    Val::Choice(E::ALL.iter().position(|x| *x == e).unwrap_or(0))
}

fn id(id: &CitizenId) -> Val {
    Val::Id(id.clone())
}

fn text(s: &str) -> Val {
    if s.is_empty() {
        Val::Empty
    } else {
        Val::Text(s.to_owned())
    }
}

fn maybe<T>(v: Option<T>, f: impl FnOnce(T) -> Val) -> Val {
    v.map_or(Val::Empty, f)
}

/// A record kind and its sheet.
pub trait Record: Sized {
    fn spec() -> &'static SheetSpec;
    fn list(r: &Roster) -> &Vec<Self>;
    fn list_mut(r: &mut Roster) -> &mut Vec<Self>;
    /// One value per column of `spec()`.
    fn to_row(&self) -> Vec<Val>;
    /// The record from a row whose every cell passed its column's checks.
    fn from_row(row: &Row) -> Option<Self>;
    /// Checks across the cells of one row: (column, Chinese message).
    fn check(&self) -> Vec<(usize, String)> {
        Vec::new()
    }
}

/// Called once per record kind, in sheet order.
pub trait Visit {
    fn visit<T: Record>(&mut self);
}

/// Every record kind, in the order of the sheets.
pub fn each_record(v: &mut impl Visit) {
    v.visit::<Person>();
    v.visit::<Post>();
    v.visit::<VillageYear>();
    v.visit::<ThreeGood>();
    v.visit::<TrainingSession>();
    v.visit::<Attendance>();
    v.visit::<Ballots>();
    v.visit::<Admonition>();
    v.visit::<ExamResult>();
    v.visit::<Certificate>();
    v.visit::<Secondment>();
    v.visit::<Reserve>();
    v.visit::<YoungCadre>();
    v.visit::<AnnualPlan>();
    v.visit::<ListEntry>();
    v.visit::<PayRecord>();
    v.visit::<Exit>();
    v.visit::<WorkLog>();
    v.visit::<ReserveReport>();
    v.visit::<TownYear>();
}

/// Every sheet spec, in order.
pub fn sheets() -> Vec<&'static SheetSpec> {
    struct Collect(Vec<&'static SheetSpec>);
    impl Visit for Collect {
        fn visit<T: Record>(&mut self) {
            self.0.push(T::spec());
        }
    }
    let mut c = Collect(Vec::new());
    each_record(&mut c);
    c.0
}

/// `b` (in column `col`) must not come before `a`.
fn order(col: usize, a: Date, b: Option<Date>, what: &str, start: &str) -> Vec<(usize, String)> {
    match b {
        Some(b) if b < a => vec![(col, format!("{what}（{b}）早于{start}（{a}）"))],
        _ => Vec::new(),
    }
}

fn halves() -> Vec<&'static str> {
    vec!["上半年", "下半年"]
}

// ---------------------------------------------------------------- 人员

static PERSON: SheetSpec = SheetSpec {
    name: "人员",
    about: "一人一行（一人一档）；其他各表按身份证号码引用本表人员。出生日期和性别由身份证号码读出，不另填",
    columns: &[
        req("身份证号码", Kind::PersonKey),
        req("姓名", Kind::Text),
        req("学历", Kind::Choice(<Education as Labelled>::labels)),
        noted(req("全日制", Kind::YesNo), "最高学历是否全日制"),
    ],
    key: &[0],
    key_what: "人员",
};

impl Record for Person {
    fn spec() -> &'static SheetSpec {
        &PERSON
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.people
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.people
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.id),
            Val::Text(self.name.clone()),
            choice(self.education),
            Val::Bool(self.full_time_degree),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(Person {
            id: r.id(0)?,
            name: r.text(1)?,
            education: r.choice(2)?,
            full_time_degree: r.bool(3)?,
        })
    }
}

// ---------------------------------------------------------------- 任职

static POST: SheetSpec = SheetSpec {
    name: "任职",
    about: "一段任职一行；连续任职年限由各段任职推算，不另填",
    columns: &[
        req("身份证号码", Kind::Person),
        req("村代码", Kind::Village),
        req("职务", Kind::Choice(<PostRole as Labelled>::labels)),
        req("任职开始", Kind::Date),
        noted(opt("任职结束", Kind::Date), "仍在任的留空"),
    ],
    key: &[0, 1, 2, 3],
    key_what: "任职记录",
};

impl Record for Post {
    fn spec() -> &'static SheetSpec {
        &POST
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.posts
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.posts
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Village(self.village),
            choice(self.role),
            Val::Date(self.start),
            maybe(self.end, Val::Date),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(Post {
            person: r.id(0)?,
            village: r.village(1)?,
            role: r.choice(2)?,
            start: r.date(3)?,
            end: r.opt_date(4)?,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        order(4, self.start, self.end, "任职结束", "任职开始")
    }
}

// ---------------------------------------------------------------- 村年度情况

static VILLAGE_YEAR: SheetSpec = SheetSpec {
    name: "村年度情况",
    about: "一村一年一行",
    columns: &[
        req("村代码", Kind::Village),
        req("年度", YEAR),
        noted(
            req("党组织星级", Kind::Int { min: 0, max: 5 }),
            "未评星填 0",
        ),
        req("集体经济收入（万元）", Kind::Decimal { places: 2 }),
        opt("综合考核得分", Kind::Decimal { places: 2 }),
        noted(
            opt("综合考核名次", Kind::Int { min: 1, max: 9999 }),
            "在本镇街的名次，1 为第一",
        ),
    ],
    key: &[0, 1],
    key_what: "村年度情况",
};

impl Record for VillageYear {
    fn spec() -> &'static SheetSpec {
        &VILLAGE_YEAR
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.village_years
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.village_years
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            Val::Village(self.village),
            Val::Int(self.year.into()),
            Val::Int(self.stars.into()),
            Val::Dec(self.collective_income_wan),
            maybe(self.assessment_score, Val::Dec),
            maybe(self.assessment_rank, |n| Val::Int(n.into())),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(VillageYear {
            village: r.village(0)?,
            year: r.int(1)?,
            stars: r.int(2)?,
            collective_income_wan: r.dec(3)?,
            assessment_score: r.opt_dec(4)?,
            assessment_rank: r.opt_int(5)?,
        })
    }
}

// ---------------------------------------------------------------- 三好三强

static THREE_GOOD: SheetSpec = SheetSpec {
    name: "三好三强",
    about: "一人一年一行：镇街对“三好三强”的年度判定",
    columns: &[
        req("身份证号码", Kind::Person),
        req("年度", YEAR),
        req("是否通过", Kind::YesNo),
        opt("备注", Kind::Text),
    ],
    key: &[0, 1],
    key_what: "三好三强判定",
};

impl Record for ThreeGood {
    fn spec() -> &'static SheetSpec {
        &THREE_GOOD
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.three_good
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.three_good
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Int(self.year.into()),
            Val::Bool(self.passed),
            text(&self.note),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(ThreeGood {
            person: r.id(0)?,
            year: r.int(1)?,
            passed: r.bool(2)?,
            note: r.text(3)?,
        })
    }
}

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

// ---------------------------------------------------------------- 评价票数

static BALLOTS: SheetSpec = SheetSpec {
    name: "评价票数",
    about: "胜任度评价（第十二条）：一人一个半年一个评价主体一行",
    columns: &[
        req("身份证号码", Kind::Person),
        req("年度", YEAR),
        req("半年", Kind::Choice(halves)),
        req("评价主体", Kind::Choice(<RaterGroup as Labelled>::labels)),
        req(
            "胜任票数",
            Kind::Int {
                min: 0,
                max: 1_000_000,
            },
        ),
        req(
            "基本胜任票数",
            Kind::Int {
                min: 0,
                max: 1_000_000,
            },
        ),
        req(
            "不胜任票数",
            Kind::Int {
                min: 0,
                max: 1_000_000,
            },
        ),
    ],
    key: &[0, 1, 2, 3],
    key_what: "评价票数",
};

impl Record for Ballots {
    fn spec() -> &'static SheetSpec {
        &BALLOTS
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.ballots
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.ballots
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Int(self.year.into()),
            Val::Choice(usize::from(self.half.clamp(1, 2) - 1)),
            choice(self.group),
            Val::Int(self.competent.into()),
            Val::Int(self.basically_competent.into()),
            Val::Int(self.not_competent.into()),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        let half = match r.get(2)? {
            Val::Choice(i) => u8::try_from(*i).ok()? + 1,
            _ => return None,
        };
        Some(Ballots {
            person: r.id(0)?,
            year: r.int(1)?,
            half,
            group: r.choice(3)?,
            competent: r.int(4)?,
            basically_competent: r.int(5)?,
            not_competent: r.int(6)?,
        })
    }
}

// ---------------------------------------------------------------- 约谈

static ADMONITION: SheetSpec = SheetSpec {
    name: "约谈",
    about: "一次约谈一行，含约谈后安排的补学",
    columns: &[
        req("身份证号码", Kind::Person),
        req("约谈日期", Kind::Date),
        noted(
            req("依据条款", Kind::Int { min: 1, max: 99 }),
            "填条款序号：6 为第六条（学习效果差），12 为第十二条（胜任度评价）",
        ),
        req("约谈原因", Kind::Text),
        noted(opt("补学完成日期", Kind::Date), "尚未完成的留空"),
    ],
    key: &[0, 1, 2],
    key_what: "约谈记录",
};

impl Record for Admonition {
    fn spec() -> &'static SheetSpec {
        &ADMONITION
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.admonitions
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.admonitions
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Date(self.held_on),
            Val::Int(self.article.into()),
            Val::Text(self.reason.clone()),
            maybe(self.make_up_study_done_on, Val::Date),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(Admonition {
            person: r.id(0)?,
            held_on: r.date(1)?,
            article: r.int(2)?,
            reason: r.text(3)?,
            make_up_study_done_on: r.opt_date(4)?,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        order(
            4,
            self.held_on,
            self.make_up_study_done_on,
            "补学完成日期",
            "约谈日期",
        )
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

// ---------------------------------------------------------------- 挂职

pub(crate) static SECONDMENT: SheetSpec = SheetSpec {
    name: "挂职",
    about: "挂职锻炼（第八条）：一段挂职一行",
    columns: &[
        req("身份证号码", Kind::Person),
        req(
            "挂职层级",
            Kind::Choice(<SecondmentLevel as Labelled>::labels),
        ),
        req("挂职单位", Kind::Text),
        req("开始日期", Kind::Date),
        req("结束日期", Kind::Date),
        noted(opt("鉴定意见", Kind::Text), "接收单位的鉴定，未出具的留空"),
    ],
    key: &[0, 3],
    key_what: "挂职记录",
};

impl Record for Secondment {
    fn spec() -> &'static SheetSpec {
        &SECONDMENT
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.secondments
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.secondments
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            choice(self.level),
            Val::Text(self.host_unit.clone()),
            Val::Date(self.start),
            Val::Date(self.end),
            maybe(self.appraisal.as_deref(), text),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(Secondment {
            person: r.id(0)?,
            level: r.choice(1)?,
            host_unit: r.text(2)?,
            start: r.date(3)?,
            end: r.date(4)?,
            appraisal: r.opt_text(5)?,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        order(4, self.start, Some(self.end), "结束日期", "开始日期")
    }
}

// ---------------------------------------------------------------- 后备干部

static RESERVE: SheetSpec = SheetSpec {
    name: "后备干部",
    about: "后备干部（第九条）：一人一村一岗位一行",
    columns: &[
        req("身份证号码", Kind::Person),
        req("村代码", Kind::Village),
        req("后备岗位", Kind::Choice(<PostRole as Labelled>::labels)),
        req("列入日期", Kind::Date),
        noted(opt("移出日期", Kind::Date), "仍在库的留空"),
    ],
    key: &[0, 1, 2, 3],
    key_what: "后备干部记录",
};

impl Record for Reserve {
    fn spec() -> &'static SheetSpec {
        &RESERVE
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.reserves
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.reserves
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Village(self.village),
            choice(self.post),
            Val::Date(self.listed_on),
            maybe(self.removed_on, Val::Date),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(Reserve {
            person: r.id(0)?,
            village: r.village(1)?,
            post: r.choice(2)?,
            listed_on: r.date(3)?,
            removed_on: r.opt_date(4)?,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        order(4, self.listed_on, self.removed_on, "移出日期", "列入日期")
    }
}

// ---------------------------------------------------------------- 年轻干部

static YOUNG_CADRE: SheetSpec = SheetSpec {
    name: "年轻干部",
    about: "年轻干部（第十条）：一人一期一行",
    columns: &[
        req("身份证号码", Kind::Person),
        req("村代码", Kind::Village),
        req("项目开始日期", Kind::Date),
        req("原月报酬（元）", Kind::Decimal { places: 2 }),
        req("评分", Kind::Decimal { places: 2 }),
        noted(opt("备案日期", Kind::Date), "未备案的留空"),
    ],
    key: &[0, 2],
    key_what: "年轻干部记录",
};

impl Record for YoungCadre {
    fn spec() -> &'static SheetSpec {
        &YOUNG_CADRE
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.young_cadres
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.young_cadres
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Village(self.village),
            Val::Date(self.programme_start),
            Val::Dec(self.current_pay),
            Val::Dec(self.score),
            maybe(self.filed_on, Val::Date),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(YoungCadre {
            person: r.id(0)?,
            village: r.village(1)?,
            programme_start: r.date(2)?,
            current_pay: r.dec(3)?,
            score: r.dec(4)?,
            filed_on: r.opt_date(5)?,
        })
    }
}

// ---------------------------------------------------------------- 年度计划

static ANNUAL_PLAN: SheetSpec = SheetSpec {
    name: "年度计划",
    about: "目标管理（第十一条）：一人一年一行，各环节完成后填日期",
    columns: &[
        req("身份证号码", Kind::Person),
        req("年度", YEAR),
        opt("审议日期", Kind::Date),
        opt("公示开始", Kind::Date),
        opt("公示结束", Kind::Date),
        opt("备案日期", Kind::Date),
    ],
    key: &[0, 1],
    key_what: "年度计划",
};

impl Record for AnnualPlan {
    fn spec() -> &'static SheetSpec {
        &ANNUAL_PLAN
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.annual_plans
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.annual_plans
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Int(self.year.into()),
            maybe(self.reviewed_on, Val::Date),
            maybe(self.notice_start, Val::Date),
            maybe(self.notice_end, Val::Date),
            maybe(self.filed_on, Val::Date),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(AnnualPlan {
            person: r.id(0)?,
            year: r.int(1)?,
            reviewed_on: r.opt_date(2)?,
            notice_start: r.opt_date(3)?,
            notice_end: r.opt_date(4)?,
            filed_on: r.opt_date(5)?,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        match (self.notice_start, self.notice_end) {
            (Some(a), b) => order(4, a, b, "公示结束", "公示开始"),
            (None, Some(_)) => vec![(3, "填了公示结束，须同时填公示开始".into())],
            (None, None) => Vec::new(),
        }
    }
}

// ---------------------------------------------------------------- 专业化名单

static LIST_ENTRY: SheetSpec = SheetSpec {
    name: "专业化名单",
    about: "年度专业化管理名单及档次（第一、十三条）：一人一年一行",
    columns: &[
        req("镇街代码", Kind::Town),
        req("年度", YEAR),
        req("身份证号码", Kind::Person),
        noted(req("村代码", Kind::Village), "须属于所填镇街"),
        req("档次", Kind::Int { min: 1, max: 3 }),
        req("备案状态", Kind::Choice(<ListStatus as Labelled>::labels)),
    ],
    key: &[1, 2],
    key_what: "名单",
};

impl Record for ListEntry {
    fn spec() -> &'static SheetSpec {
        &LIST_ENTRY
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.list_entries
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.list_entries
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            Val::Town(self.town),
            Val::Int(self.year.into()),
            id(&self.person),
            Val::Village(self.village),
            Val::Int(self.tier.into()),
            choice(self.status),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(ListEntry {
            town: r.town(0)??,
            year: r.int(1)?,
            person: r.id(2)?,
            village: r.village(3)?,
            tier: r.int(4)?,
            status: r.choice(5)?,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        if self.village.town() == self.town {
            Vec::new()
        } else {
            vec![(
                3,
                format!(
                    "村代码 {} 不属于镇街 {}（前 9 位应相同）",
                    self.village, self.town
                ),
            )]
        }
    }
}

// ---------------------------------------------------------------- 报酬发放

static PAY: SheetSpec = SheetSpec {
    name: "报酬发放",
    about: "按月发放记录：一人一月一类一资金来源一行",
    columns: &[
        req("身份证号码", Kind::Person),
        req("月份", Kind::Month),
        req("发放类型", Kind::Choice(<PayKind as Labelled>::labels)),
        req(
            "资金来源",
            Kind::Choice(<FundingSource as Labelled>::labels),
        ),
        noted(req("金额（元）", Kind::Decimal { places: 2 }), "精确到分"),
    ],
    key: &[0, 1, 2, 3],
    key_what: "发放记录",
};

impl Record for PayRecord {
    fn spec() -> &'static SheetSpec {
        &PAY
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.pay_records
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.pay_records
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Date(self.month),
            choice(self.kind),
            choice(self.source),
            Val::Dec(Decimal::new(self.amount_fen, 2)),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        let yuan = r.dec(4)?;
        let fen = yuan * Decimal::ONE_HUNDRED;
        if fen.fract() != Decimal::ZERO {
            return None;
        }
        Some(PayRecord {
            person: r.id(0)?,
            month: r.date(1)?,
            kind: r.choice(2)?,
            source: r.choice(3)?,
            amount_fen: i64::try_from(fen).ok()?,
        })
    }
}

// ---------------------------------------------------------------- 退出

static EXIT: SheetSpec = SheetSpec {
    name: "退出",
    about: "退出专业化管理：一次退出一行",
    columns: &[
        req("身份证号码", Kind::Person),
        req("退出日期", Kind::Date),
        req("退出原因", Kind::Choice(<ExitReason as Labelled>::labels)),
        opt("备注", Kind::Text),
    ],
    key: &[0, 1],
    key_what: "退出记录",
};

impl Record for Exit {
    fn spec() -> &'static SheetSpec {
        &EXIT
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.exits
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.exits
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Date(self.on),
            choice(self.reason),
            text(&self.note),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(Exit {
            person: r.id(0)?,
            on: r.date(1)?,
            reason: r.choice(2)?,
            note: r.text(3)?,
        })
    }
}

// ---------------------------------------------------------------- 挂职日志

pub(crate) static WORK_LOG: SheetSpec = SheetSpec {
    name: "挂职日志",
    about: "挂职工作日志（第八条）：一条日志一行；身份证号码和挂职开始日期须对应“挂职”表或已有的一段挂职",
    columns: &[
        req("身份证号码", Kind::Person),
        noted(req("挂职开始日期", Kind::Date), "所属挂职的开始日期"),
        req("日志日期", Kind::Date),
        req("日志内容", Kind::Text),
    ],
    key: &[0, 1, 2],
    key_what: "挂职日志",
};

impl Record for WorkLog {
    fn spec() -> &'static SheetSpec {
        &WORK_LOG
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.work_logs
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.work_logs
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Date(self.secondment_start),
            Val::Date(self.on),
            Val::Text(self.text.clone()),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(WorkLog {
            person: r.id(0)?,
            secondment_start: r.date(1)?,
            on: r.date(2)?,
            text: r.text(3)?,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        order(
            2,
            self.secondment_start,
            Some(self.on),
            "日志日期",
            "挂职开始日期",
        )
    }
}

// ---------------------------------------------------------------- 后备培养报告

static RESERVE_REPORT: SheetSpec = SheetSpec {
    name: "后备培养报告",
    about: "后备力量培养（第九条）：镇街每年报送一次，一镇街一年一行",
    columns: &[
        req("镇街代码", Kind::Town),
        req("年度", YEAR),
        req("报送日期", Kind::Date),
        req("报告摘要", Kind::Text),
    ],
    key: &[0, 1],
    key_what: "后备培养报告",
};

impl Record for ReserveReport {
    fn spec() -> &'static SheetSpec {
        &RESERVE_REPORT
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.reserve_reports
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.reserve_reports
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            Val::Town(self.town),
            Val::Int(self.year.into()),
            Val::Date(self.submitted_on),
            Val::Text(self.summary.clone()),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(ReserveReport {
            town: r.town(0)??,
            year: r.int(1)?,
            submitted_on: r.date(2)?,
            summary: r.text(3)?,
        })
    }
}

// ---------------------------------------------------------------- 镇街年度设置

static TOWN_YEAR: SheetSpec = SheetSpec {
    name: "镇街年度设置",
    about: "年轻干部报酬（第十条）的镇街年度数额：一镇街一年一行",
    columns: &[
        req("镇街代码", Kind::Town),
        req("年度", YEAR),
        noted(
            req("参照工资（元）", Kind::Decimal { places: 2 }),
            "镇街新入职事业人员实发工资（月），精确到分",
        ),
        noted(
            req("年轻干部报酬系数", Kind::Decimal { places: 2 }),
            "如 0.8",
        ),
    ],
    key: &[0, 1],
    key_what: "镇街年度设置",
};

impl Record for TownYear {
    fn spec() -> &'static SheetSpec {
        &TOWN_YEAR
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.town_years
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.town_years
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            Val::Town(self.town),
            Val::Int(self.year.into()),
            Val::Dec(self.reference_salary),
            Val::Dec(self.young_cadre_factor),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(TownYear {
            town: r.town(0)??,
            year: r.int(1)?,
            reference_salary: r.dec(2)?,
            young_cadre_factor: r.dec(3)?,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        if self.reference_salary > Decimal::ZERO {
            Vec::new()
        } else {
            vec![(2, "参照工资应大于 0".into())]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_consistent() {
        let all = sheets();
        assert_eq!(all.len(), 20);
        let mut names: Vec<_> = all.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 20, "sheet names are unique");
        for s in all {
            assert!(s.name.chars().count() <= 31, "{}", s.name);
            for &k in s.key {
                assert!(k < s.columns.len(), "{}", s.name);
                assert!(
                    s.columns[k].required,
                    "{}: key columns are required",
                    s.name
                );
            }
            let mut headers: Vec<_> = s.columns.iter().map(|c| c.header).collect();
            headers.sort_unstable();
            headers.dedup();
            assert_eq!(headers.len(), s.columns.len(), "{}", s.name);
            for c in s.columns {
                if let Kind::Choice(labels) = c.kind {
                    // Excel's limit for an inline drop-down list.
                    let joined = labels().join(",");
                    assert!(joined.encode_utf16().count() <= 255, "{}", c.header);
                }
            }
        }
    }
}
