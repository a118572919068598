//! The sheets of reserve and young cadres and the reserves' reports
//! (后备干部, 年轻干部, 后备培养报告).

use touyan_records::model::{Labelled, PostRole, Reserve, ReserveReport, YoungCadre};

use super::{Kind, Record, Row, SheetSpec, Val, YEAR, choice, id, maybe, noted, opt, order, req};
use crate::Roster;

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
