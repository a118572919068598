//! 增设条件: the town's yes/no answers to the inclusion conditions a city's
//! policy adds (`[[conditions]]`, Article 1).

use touyan_records::model::ConditionAnswer;

use super::{Kind, Record, Row, SheetSpec, Val, id, noted, opt, req, text};
use crate::Roster;

static CONDITION_ANSWER: SheetSpec = SheetSpec {
    name: "增设条件",
    about: "一人一条件一行：镇街对本市政策文件增设的纳入条件（第一条）的“是/否”回答；再次导入即更新回答",
    columns: &[
        req("身份证号码", Kind::Person),
        noted(
            req("条件代码", Kind::Text),
            "政策文件 [[conditions]] 中的 id（可用 touyan policy show 查看），如 no_sanction",
        ),
        noted(req("是否符合", Kind::YesNo), "符合该条件填“是”"),
        req("记录日期", Kind::Date),
        opt("备注", Kind::Text),
    ],
    key: &[0, 1],
    key_what: "条件回答",
};

/// The characters a condition's id may have (as the policy file allows).
fn well_formed(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Record for ConditionAnswer {
    fn spec() -> &'static SheetSpec {
        &CONDITION_ANSWER
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.condition_answers
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.condition_answers
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            text(&self.condition),
            Val::Bool(self.answer),
            Val::Date(self.recorded_on),
            text(&self.note),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        Some(ConditionAnswer {
            person: r.id(0)?,
            condition: r.text(1)?.trim().to_owned(),
            answer: r.bool(2)?,
            recorded_on: r.date(3)?,
            note: r.text(4)?,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        if well_formed(&self.condition) {
            Vec::new()
        } else {
            vec![(
                1,
                format!(
                    "条件代码“{}”应为政策文件中条件的 id（小写英文字母、数字和下划线）",
                    self.condition.chars().take(40).collect::<String>()
                ),
            )]
        }
    }
}
