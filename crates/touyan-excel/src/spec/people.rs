//! The sheets of people, their posts and their exits (人员, 任职, 退出).

use touyan_records::model::{Exit, ExitReason, Labelled, Person, Post, PostRole, Programme};
use touyan_rules::people::Education;

use super::{
    Kind, Record, Row, SheetSpec, Val, choice, current, id, maybe, noted, older, opt, order, req,
    text,
};
use crate::Roster;

// ---------------------------------------------------------------- 人员

static PERSON: SheetSpec = SheetSpec {
    name: "人员",
    about: "一人一行（一人一档）；其他各表按身份证号码引用本表人员。出生日期和性别由身份证号码读出，不另填",
    columns: &[
        req("身份证号码", Kind::PersonKey),
        req("姓名", Kind::Text),
        current(noted(
            opt("全日制学历", Kind::Choice(<Education as Labelled>::labels)),
            "全日制教育取得的最高学历，第一条放宽任职年限和第十条补贴只看这一项；与“在职学历”至少填一项，未登记的留空（不算全日制大专以上）；旧版模板的“学历”“全日制”两列仍可导入",
        )),
        current(noted(
            opt("在职学历", Kind::Choice(<Education as Labelled>::labels)),
            "在职教育（函授、业余、自学考试等）取得的最高学历；没有的留空",
        )),
        older(req("学历", Kind::Choice(<Education as Labelled>::labels))),
        older(noted(req("全日制", Kind::YesNo), "最高学历是否全日制")),
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
            maybe(self.full_time_education, choice),
            maybe(self.in_service_education, choice),
            Val::Empty,
            Val::Empty,
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        let (full_time_education, in_service_education) =
            match (r.opt_choice::<Education>(4)?, r.opt_bool(5)?) {
                // The older layout: one level, and whether it was earned
                // full-time (as migration m0018 maps stored records).
                // 无学历 is no study of either kind, full-time or not.
                (Some(level), Some(true)) | (Some(level @ Education::None), Some(false)) => {
                    (Some(level), None)
                }
                (Some(level), Some(false)) => (None, Some(level)),
                (None, None) => (r.opt_choice(2)?, r.opt_choice(3)?),
                // Both older columns are required in the older layout.
                _ => return None,
            };
        Some(Person {
            id: r.id(0)?,
            name: r.text(1)?,
            full_time_education,
            in_service_education,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        if self.full_time_education.is_none() && self.in_service_education.is_none() {
            return vec![(
                2,
                "“全日制学历”和“在职学历”至少填一项（没有学历的，全日制学历选“无学历”）".into(),
            )];
        }
        Vec::new()
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
    about: "退出专业化管理或年轻干部优才计划：一次退出一行；“退出的计划”不填时按退出原因推定（延长期满、不再担任村“两委”干部、经考察不胜任、本人辞职为优才计划；不再担任书记、胜任度评价不合格等为专业化管理）；达到年龄上限、其他两项都适用，按退出之日的记录推定（已在备案的专业化管理名单上为专业化管理，在优才计划中且未列入名单为优才计划，两者都是或都不是时须填写）",
    columns: &[
        req("身份证号码", Kind::Person),
        req("退出日期", Kind::Date),
        req("退出原因", Kind::Choice(<ExitReason as Labelled>::labels)),
        opt("备注", Kind::Text),
        opt("退出的计划", Kind::Choice(<Programme as Labelled>::labels)),
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
            choice(self.programme),
        ]
    }
    /// A blank 退出的计划 is the ground's programme; on a ground of both
    /// (达到年龄上限, 其他) it is provisionally the secretaries', and
    /// [`Record::add_read`] notes the row for the import to decide.
    fn from_row(r: &Row) -> Option<Self> {
        let reason: ExitReason = r.choice(2)?;
        Some(Exit {
            person: r.id(0)?,
            on: r.date(1)?,
            reason,
            note: r.text(3)?,
            programme: r
                .opt_choice(4)?
                .unwrap_or(reason.programme().unwrap_or(Programme::Secretary)),
        })
    }
    fn add_read(self, row: &Row, r: &mut Roster) {
        if row.opt_choice::<Programme>(4).is_some_and(|p| p.is_none())
            && self.reason.programme().is_none()
        {
            r.exit_programmes_unsaid
                .push((self.person.clone(), self.on));
        }
        r.exits.push(self);
    }
}
