//! The sheets of secondments and their work logs (挂职, 挂职日志).

use touyan_records::model::{Labelled, Secondment, SecondmentLevel, WorkLog};

use super::{Kind, Record, Row, SheetSpec, Val, choice, id, maybe, noted, opt, order, req, text};
use crate::Roster;

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
