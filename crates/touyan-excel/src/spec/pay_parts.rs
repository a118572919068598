//! 报酬构成: the parts of a secretary's pay that higher-level rules set
//! (Article 13: 基本报酬、业绩考核奖励报酬、养老保险补助), by person, month
//! and part, with the channel that pays them. The 专业化补贴 is the pay
//! runs', never a row here.

use rust_decimal::Decimal;
use touyan_records::model::{CHANNEL_CHARS, Labelled, PayPart, PayPartRecord};

use super::{Kind, Record, Row, SheetSpec, Val, choice, id, noted, req, text};
use crate::Roster;

static PAY_PART: SheetSpec = SheetSpec {
    name: "报酬构成",
    about: "一人一月一项一行：按上级规定标准执行的基本报酬、业绩考核奖励报酬、养老保险补助（第十三条）及其资金渠道；再次导入即更新；专业化补贴由补贴发放计算，不在本表",
    columns: &[
        req("身份证号码", Kind::Person),
        req("月份", Kind::Month),
        req("组成部分", Kind::Choice(<PayPart as Labelled>::labels)),
        noted(req("金额（元）", Kind::Decimal { places: 2 }), "精确到分"),
        noted(
            req("资金渠道", Kind::Text),
            "如 镇街财政、村集体经济，不超过 30 字",
        ),
        req("记录日期", Kind::Date),
    ],
    key: &[0, 1, 2],
    key_what: "报酬构成",
};

impl Record for PayPartRecord {
    fn spec() -> &'static SheetSpec {
        &PAY_PART
    }
    fn list(r: &Roster) -> &Vec<Self> {
        &r.pay_parts
    }
    fn list_mut(r: &mut Roster) -> &mut Vec<Self> {
        &mut r.pay_parts
    }
    fn to_row(&self) -> Vec<Val> {
        vec![
            id(&self.person),
            Val::Date(self.month),
            choice(self.part),
            Val::Dec(Decimal::new(self.amount_fen, 2)),
            text(&self.channel),
            Val::Date(self.recorded_on),
        ]
    }
    fn from_row(r: &Row) -> Option<Self> {
        let fen = r.dec(3)? * Decimal::ONE_HUNDRED;
        if fen.fract() != Decimal::ZERO {
            return None;
        }
        Some(PayPartRecord {
            person: r.id(0)?,
            month: r.date(1)?,
            part: r.choice(2)?,
            amount_fen: i64::try_from(fen).ok()?,
            channel: r.text(4)?.trim().to_owned(),
            recorded_on: r.date(5)?,
        })
    }
    fn check(&self) -> Vec<(usize, String)> {
        if self.channel.chars().count() > CHANNEL_CHARS {
            vec![(4, format!("资金渠道不能超过 {CHANNEL_CHARS} 字"))]
        } else {
            Vec::new()
        }
    }
}
