//! The sheets of villages' and towns' yearly facts (村年度情况, 三好三强,
//! 镇街年度设置).

use rust_decimal::Decimal;
use touyan_records::model::{ThreeGood, TownYear, VillageYear};

use super::{Kind, Record, Row, SheetSpec, Val, YEAR, id, maybe, noted, opt, req, text};
use crate::Roster;

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
