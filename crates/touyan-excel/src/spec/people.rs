//! The sheets of people, their posts and their exits (人员, 任职, 退出).

use touyan_records::model::{Exit, ExitReason, Labelled, Person, Post, PostRole};
use touyan_rules::people::Education;

use super::{Kind, Record, Row, SheetSpec, Val, choice, id, maybe, noted, opt, order, req, text};
use crate::Roster;

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
