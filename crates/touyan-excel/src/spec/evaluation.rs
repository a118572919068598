//! The sheets of evaluation ballots and admonitions (评价票数, 约谈).

use touyan_records::model::{Admonition, Ballots, Labelled, RaterGroup};

use super::{
    Kind, Record, Row, SheetSpec, Val, YEAR, choice, halves, id, maybe, noted, opt, order, req,
};
use crate::Roster;

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
