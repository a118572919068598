//! The sheets of annual plans, the professional list and pay (年度计划,
//! 专业化名单, 报酬发放).

use rust_decimal::Decimal;
use touyan_records::model::{
    AnnualPlan, FundingSource, Labelled, ListEntry, ListStatus, PayKind, PayRecord,
};

use super::{Kind, Record, Row, SheetSpec, Val, YEAR, choice, id, maybe, noted, opt, order, req};
use crate::Roster;

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
