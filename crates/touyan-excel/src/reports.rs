//! The layouts of the reports' workbooks: the filing form (备案表),
//! training compliance, reserve coverage, young-cadre pay, evaluation
//! results and the monthly one-card (一卡通) payment file.
//!
//! The figures come from `touyan_reports` (pure builders shared with the
//! pages and the API); this module only lays them out: a `*_report`
//! function turns a builder's rows into a [`Report`] of sheets, titles,
//! tables and totals, masking ID numbers unless told not to, and
//! [`write_report`] writes it. [`read_report`] reads any workbook back as
//! text, for checks.
//!
//! Every sheet starts with a title row, a warning row
//! ([`EXAMPLE_WARNING`]) when an amount comes from an example parameter,
//! the town(s) covered and the date made.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use calamine::{Reader, open_workbook_auto};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use time::Date;
use touyan_records::model::{Labelled, RaterGroup};
use touyan_records::{CitizenId, Mask, TownCode};
use touyan_reports::{
    EXAMPLE_WARNING, Evaluations, Filing, FilingRow, Payments, ReserveRow, Reserves, SIGNATURES,
    Training, Who, Young, YoungRow, half_zh, month_zh,
};
use touyan_rules::art12_competency::Action;
use touyan_rules::art13_pay::tier_zh;
use touyan_rules::num::round_fen;

use crate::ExcelError;
use crate::write::decimal_f64;

/// One cell of a report.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A count.
    Int(i64),
    /// Yuan, shown with 2 decimals.
    Money(Decimal),
    /// A rate, shown with 4 decimals.
    Rate(Decimal),
    /// Any other number (days, a pay factor), shown as it is.
    Num(Decimal),
}

impl Cell {
    /// The cell as it reads.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(d) => format!("{:.2}", round_fen(*d)),
            Cell::Rate(d) => format!("{:.4}", d),
            Cell::Num(d) => d.normalize().to_string(),
        }
    }
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn int(n: impl Into<i64>) -> Cell {
    Cell::Int(n.into())
}

fn yes_no(b: bool) -> Cell {
    t(if b { "是" } else { "否" })
}

/// A row of a table; total rows are bold.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub total: bool,
}

impl Row {
    fn data(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            total: false,
        }
    }
    fn total(cells: Vec<Cell>) -> Row {
        Row { cells, total: true }
    }
}

/// What a sheet shows below its title lines, top to bottom.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Table {
        headers: Vec<String>,
        rows: Vec<Row>,
    },
    /// A bold line above a table.
    Heading(String),
    /// Lines to sign, side by side, under a table.
    Signatures(Vec<String>),
}

/// One sheet: a title row, the warning row when due, information lines
/// (town, date made, notes), then its blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub title: String,
    pub warning: bool,
    pub info: Vec<String>,
    pub blocks: Vec<Block>,
}

/// A workbook to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub sheets: Vec<Sheet>,
}

fn headers(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| (*s).to_owned()).collect()
}

/// The first cells of a person's row: number, town, village, name, ID.
fn who_cells(n: i64, w: &Who, mask: Option<Mask>) -> Vec<Cell> {
    vec![
        int(n),
        t(&w.town_name),
        t(&w.village_name),
        t(&w.name),
        t(id_text(&w.person, mask)),
    ]
}

fn id_text(id: &CitizenId, mask: Option<Mask>) -> String {
    match mask {
        Some(m) => id.masked(m),
        None => id.as_str().to_owned(),
    }
}

fn info(scope: &str, made_on: Date, mask: Option<Mask>, has_ids: bool) -> Vec<String> {
    let mut v = vec![format!("镇街：{scope}"), format!("制表日期：{made_on}")];
    if has_ids {
        v.push(match mask {
            Some(m) => format!("身份证号码已脱敏（保留前 {} 位和后 {} 位）", m.head, m.tail),
            None => "含完整身份证号码，此次导出已记入操作日志，请按个人信息保护要求保管".to_owned(),
        });
    }
    v
}

fn tier_cell(tier: u8) -> Cell {
    t(format!("{}档", tier_zh(tier)))
}

/// The filing form: a summary sheet, then one sheet per town with its list
/// and the lines to sign.
pub fn filing_report(f: &Filing, made_on: Date, mask: Option<Mask>) -> Report {
    let title = format!("{}年度村党组织书记专业化管理名单备案表", f.year);
    let mut sheets = Vec::new();
    let mut summary = Vec::new();
    let mut sum = (0u32, 0u32, 0u32, [0u32; 3], Decimal::ZERO);
    for x in &f.towns {
        summary.push(Row::data(vec![
            t(&x.name),
            t(x.town.to_string()),
            int(x.villages),
            int(x.quota),
            int(x.listed),
            int(x.tiers[0]),
            int(x.tiers[1]),
            int(x.tiers[2]),
            Cell::Money(x.monthly_total),
        ]));
        sum.0 += x.villages;
        sum.1 += x.quota;
        sum.2 += x.listed;
        for i in 0..3 {
            sum.3[i] += x.tiers[i];
        }
        sum.4 += x.monthly_total;
    }
    summary.push(Row::total(vec![
        t("合计"),
        Cell::Empty,
        int(sum.0),
        int(sum.1),
        int(sum.2),
        int(sum.3[0]),
        int(sum.3[1]),
        int(sum.3[2]),
        Cell::Money(sum.4),
    ]));
    let mut summary_info = info(&f.scope, made_on, mask, false);
    summary_info.push(f.quota_rule.clone());
    sheets.push(Sheet {
        name: "汇总".to_owned(),
        title: format!("{title}（汇总）"),
        warning: f.example_amounts,
        info: summary_info,
        blocks: vec![Block::Table {
            headers: headers(&[
                "镇街",
                "镇街代码",
                "行政村数",
                "纳入名额",
                "已列入",
                "一档",
                "二档",
                "三档",
                "月补贴合计（元）",
            ]),
            rows: summary,
        }],
    });
    let by_town: HashMap<TownCode, &[FilingRow]> = f
        .rows
        .chunk_by(|a, b| a.who.town == b.who.town)
        .map(|c| (c[0].who.town, c))
        .collect();
    for town in f.towns.iter().filter(|x| x.listed > 0) {
        let mine = by_town.get(&town.town).copied().unwrap_or_default();
        let mut rows: Vec<Row> = mine
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Row::data(
                    [
                        who_cells(i as i64 + 1, &r.who, mask),
                        vec![
                            tier_cell(r.tier),
                            Cell::Money(r.monthly_subsidy),
                            t(r.status.label()),
                        ],
                    ]
                    .concat(),
                )
            })
            .collect();
        rows.push(Row::total(vec![
            t("合计"),
            Cell::Empty,
            Cell::Empty,
            t(format!("{} 人", mine.len())),
            Cell::Empty,
            t(format!(
                "一档 {}、二档 {}、三档 {}",
                town.tiers[0], town.tiers[1], town.tiers[2]
            )),
            Cell::Money(town.monthly_total),
            Cell::Empty,
        ]));
        let mut town_info = info(
            &format!("{}（{}）", town.name, town.town),
            made_on,
            mask,
            true,
        );
        town_info.push(format!(
            "行政村 {} 个，纳入名额 {} 名，已列入 {} 名",
            town.villages, town.quota, town.listed
        ));
        sheets.push(Sheet {
            name: town.name.clone(),
            title: title.clone(),
            warning: f.example_amounts,
            info: town_info,
            blocks: vec![
                Block::Table {
                    headers: headers(&[
                        "序号",
                        "镇街",
                        "村",
                        "姓名",
                        "身份证号码",
                        "补贴档次",
                        "月补贴（元）",
                        "备案状态",
                    ]),
                    rows,
                },
                Block::Signatures(SIGNATURES.iter().map(|s| (*s).to_owned()).collect()),
            ],
        });
    }
    Report { sheets }
}

/// Training compliance, one sheet.
pub fn training_report(x: &Training, made_on: Date, mask: Option<Mask>) -> Report {
    let mut rows: Vec<Row> = x
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let reflection = match (r.attended, r.reflections_missing) {
                (0, _) => "未参训".to_owned(),
                (_, 0) => "已报备".to_owned(),
                (_, k) => format!("未报备 {k} 次"),
            };
            Row::data(
                [
                    who_cells(i as i64 + 1, &r.who, mask),
                    vec![
                        Cell::Num(r.city_days),
                        int(r.town_sessions),
                        Cell::Num(r.town_days),
                        yes_no(r.compliant),
                        t(&r.sentence),
                        t(reflection),
                        yes_no(r.poor_result),
                    ],
                ]
                .concat(),
            )
        })
        .collect();
    let ok = x.rows.iter().filter(|r| r.compliant).count();
    rows.push(Row::total(vec![
        t("合计"),
        Cell::Empty,
        Cell::Empty,
        t(format!("{} 人", x.rows.len())),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        t(format!("达标 {ok}，未达标 {}", x.rows.len() - ok)),
        Cell::Empty,
        t(format!(
            "未报备 {} 人",
            x.rows
                .iter()
                .filter(|r| r.attended > 0 && r.reflections_missing > 0)
                .count()
        )),
        t(format!(
            "{} 人",
            x.rows.iter().filter(|r| r.poor_result).count()
        )),
    ]));
    let mut lines = info(&x.scope, made_on, mask, true);
    lines.push(format!(
        "名单：{} 年已备案的专业化管理名单；培训班次按开班日期计入 {} 年",
        x.year, x.year
    ));
    lines.push(format!("标准：{}", x.standard));
    Report {
        sheets: vec![Sheet {
            name: "培训达标".to_owned(),
            title: format!("{}年度专业化村党组织书记集中培训达标情况", x.year),
            warning: false,
            info: lines,
            blocks: vec![Block::Table {
                headers: headers(&[
                    "序号",
                    "镇街",
                    "村",
                    "姓名",
                    "身份证号码",
                    "市级培训天数",
                    "镇街培训次数",
                    "镇街培训天数",
                    "是否达标",
                    "判定说明（第六条）",
                    "学习体会报备",
                    "学习效果差",
                ]),
                rows,
            }],
        }],
    }
}

/// Reserve coverage, one sheet, with a subtotal per town.
pub fn reserves_report(x: &Reserves, made_on: Date) -> Report {
    let mut rows = Vec::new();
    let mut n = 0;
    let subtotal = |name: &str, list: &[&ReserveRow]| {
        Row::total(vec![
            t(name),
            Cell::Empty,
            t(format!("{} 个村", list.len())),
            Cell::Empty,
            int(list.iter().map(|r| i64::from(r.reserves)).sum::<i64>()),
            Cell::Empty,
            int(list.iter().map(|r| i64::from(r.shortfall)).sum::<i64>()),
            Cell::Empty,
            t(format!(
                "缺额村 {} 个",
                list.iter().filter(|r| r.shortfall > 0).count()
            )),
        ])
    };
    let towns: Vec<&[ReserveRow]> = x.rows.chunk_by(|a, b| a.who.town == b.who.town).collect();
    for chunk in &towns {
        let mine: Vec<&ReserveRow> = chunk.iter().collect();
        for r in &mine {
            n += 1;
            rows.push(Row::data(vec![
                int(n),
                t(&r.who.town_name),
                t(&r.who.village_name),
                t(&r.who.name),
                int(r.reserves),
                int(r.minimum),
                int(r.shortfall),
                t(r.names.join("、")),
                t(&r.sentence),
            ]));
        }
        if towns.len() > 1 {
            rows.push(subtotal(&format!("{}小计", mine[0].who.town_name), &mine));
        }
    }
    let all: Vec<&ReserveRow> = x.rows.iter().collect();
    rows.push(subtotal("合计", &all));
    let mut lines = info(&x.scope, made_on, None, false);
    lines.push(format!(
        "名单：{} 年已备案的专业化管理村；后备力量按 {} 在库（已列入、未移出）计",
        x.year, x.on
    ));
    lines.push(format!(
        "标准：每个专业化管理村储备村党组织书记后备力量不低于 {} 名（第九条）",
        x.minimum
    ));
    let mut post_rows = Vec::new();
    for (k, r) in x.posts.iter().enumerate() {
        post_rows.push(Row::data(vec![
            int(k as i64 + 1),
            t(&r.who.town_name),
            t(&r.who.village_name),
            t(r.post.label()),
            t(&r.who.name),
            int(r.reserves),
            int(r.minimum),
            int(r.shortfall),
            t(r.names.join("、")),
            t(&r.sentence),
        ]));
    }
    post_rows.push(Row::total(vec![
        t("合计"),
        Cell::Empty,
        Cell::Empty,
        t(format!("{} 个职位", x.posts.len())),
        Cell::Empty,
        int(x.posts.iter().map(|r| i64::from(r.reserves)).sum::<i64>()),
        Cell::Empty,
        int(x.posts.iter().map(|r| i64::from(r.shortfall)).sum::<i64>()),
        Cell::Empty,
        t(format!(
            "缺后备职位 {} 个",
            x.posts.iter().filter(|r| r.shortfall > 0).count()
        )),
    ]));
    let mut post_lines = info(&x.scope, made_on, None, false);
    post_lines.extend([
        format!(
            "职位：{} 年已备案专业化管理村 {} 在任的其他“两委”职位；同一职位多人任职的，每人各需后备",
            x.year, x.on
        ),
        format!(
            "标准：其他村“两委”干部“一职一备”，每个职位不少于 {} 名（第九条）",
            x.post_minimum
        ),
    ]);
    Report {
        sheets: vec![
            Sheet {
                name: "后备力量".to_owned(),
                title: format!("{}年度专业化管理村书记后备力量储备情况", x.year),
                warning: false,
                info: lines,
                blocks: vec![Block::Table {
                    headers: headers(&[
                        "序号",
                        "镇街",
                        "村",
                        "村党组织书记",
                        "书记后备人数",
                        "最低要求",
                        "缺额",
                        "后备人选",
                        "说明（第九条）",
                    ]),
                    rows,
                }],
            },
            Sheet {
                name: "一职一备".to_owned(),
                title: format!("{}年度专业化管理村“两委”职位一职一备情况", x.year),
                warning: false,
                info: post_lines,
                blocks: vec![Block::Table {
                    headers: headers(&[
                        "序号",
                        "镇街",
                        "村",
                        "职位",
                        "任职人员",
                        "后备人数",
                        "最低要求",
                        "缺额",
                        "后备人选",
                        "说明（第九条）",
                    ]),
                    rows: post_rows,
                }],
            },
        ],
    }
}

/// Young-cadre pay, one sheet, with a subtotal per town.
pub fn young_report(x: &Young, made_on: Date, mask: Option<Mask>) -> Report {
    let sums = |list: &[&YoungRow]| {
        list.iter().fold([Decimal::ZERO; 4], |mut a, r| {
            a[0] += r.base;
            a[1] += r.city_subsidy;
            a[2] += r.town_subsidy;
            a[3] += r.total;
            a
        })
    };
    let subtotal = |name: String, list: &[&YoungRow]| {
        let s = sums(list);
        Row::total(vec![
            t(name),
            Cell::Empty,
            Cell::Empty,
            t(format!("{} 人", list.len())),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Money(s[0]),
            Cell::Money(s[1]),
            Cell::Money(s[2]),
            Cell::Money(s[3]),
            Cell::Empty,
            t(format!(
                "{} 人",
                list.iter().filter(|r| r.kept_current).count()
            )),
        ])
    };
    let towns: Vec<&[YoungRow]> = x.rows.chunk_by(|a, b| a.who.town == b.who.town).collect();
    let mut rows = Vec::new();
    let mut n = 0;
    for chunk in &towns {
        let mine: Vec<&YoungRow> = chunk.iter().collect();
        for r in &mine {
            n += 1;
            let edu = if r.full_time {
                format!("{}（全日制）", r.education.zh())
            } else {
                r.education.zh().to_owned()
            };
            rows.push(Row::data(
                [
                    who_cells(n, &r.who, mask),
                    vec![
                        t(edu),
                        Cell::Num(r.factor),
                        Cell::Money(r.base),
                        Cell::Money(r.city_subsidy),
                        Cell::Money(r.town_subsidy),
                        Cell::Money(r.total),
                        Cell::Money(r.current_pay),
                        yes_no(r.kept_current),
                    ],
                ]
                .concat(),
            ));
        }
        if towns.len() > 1 {
            rows.push(subtotal(format!("{}小计", mine[0].who.town_name), &mine));
        }
    }
    let all: Vec<&YoungRow> = x.rows.iter().collect();
    rows.push(subtotal("合计".to_owned(), &all));
    let mut lines = info(&x.scope, made_on, mask, true);
    match x.reference_salary {
        Some(salary) => lines.push(format!(
            "参照工资：镇街新入职事业人员实发工资 {salary} 元/月（命令行 --reference-salary 给出，各镇街按同一数额计算）"
        )),
        None => lines.push(format!(
            "参照工资：镇街新入职事业人员实发工资，取各镇街 {} 年度设置：{}",
            x.month.year(),
            x.town_salaries
                .iter()
                .map(|t| format!("{} {} 元/月", t.town_name, t.salary))
                .collect::<Vec<_>>()
                .join("；")
        )),
    }
    match x.factor {
        Some(f) => lines.push(format!(
            "报酬系数：{f}（命令行 --factor 给出，各镇街按同一系数计算）"
        )),
        None => lines.push(format!(
            "报酬系数：取各镇街 {} 年度设置：{}",
            x.month.year(),
            x.town_salaries
                .iter()
                .map(|t| format!("{} {}", t.town_name, t.factor))
                .collect::<Vec<_>>()
                .join("；")
        )),
    }
    lines.push(
        "基本报酬 = 参照工资 × 报酬系数，由镇街财政负担；全日制大专以上学历的，市镇两级财政每月再分别补贴；现报酬高于标准的按高标准执行（第十条）"
            .to_owned(),
    );
    Report {
        sheets: vec![Sheet {
            name: "年轻干部报酬".to_owned(),
            title: format!(
                "{}年轻干部报酬表（参照工资 {}）",
                month_zh(x.month),
                x.salary_text()
            ),
            warning: x.example_amounts,
            info: lines,
            blocks: vec![Block::Table {
                headers: headers(&[
                    "序号",
                    "镇街",
                    "村",
                    "姓名",
                    "身份证号码",
                    "学历",
                    "报酬系数",
                    "基本报酬（元）",
                    "市级学历补贴（元）",
                    "镇级学历补贴（元）",
                    "月报酬合计（元）",
                    "现报酬（元）",
                    "按现报酬执行",
                ]),
                rows,
            }],
        }],
    }
}

/// Evaluation results, one sheet.
pub fn evaluations_report(x: &Evaluations, made_on: Date, mask: Option<Mask>) -> Report {
    let mut h = headers(&["序号", "镇街", "村", "姓名", "身份证号码"]);
    for g in RaterGroup::ALL {
        for k in ["胜任", "基本胜任", "不胜任"] {
            h.push(format!("{}·{k}", g.label()));
        }
    }
    h.extend(headers(&["胜任率", "处理", "依据条款", "说明"]));
    let mut rows: Vec<Row> = x
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut cells = vec![
                int(i as i64 + 1),
                t(&r.town_name),
                t(&r.village_name),
                t(&r.name),
                t(id_text(&r.person, mask)),
            ];
            for b in r.ballots {
                match b {
                    Some((c, bb, n)) => cells.extend([int(c), int(bb), int(n)]),
                    None => cells.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
                }
            }
            cells.push(r.rate.map_or(Cell::Empty, Cell::Rate));
            cells.push(t(r.action_zh()));
            cells.push(t(&r.article));
            cells.push(t(&r.sentence));
            Row::data(cells)
        })
        .collect();
    let mut total = vec![
        t("合计"),
        Cell::Empty,
        Cell::Empty,
        t(format!("{} 人", x.rows.len())),
        Cell::Empty,
    ];
    for g in 0..4 {
        let sum = |k: fn((u32, u32, u32)) -> u32| {
            int(x
                .rows
                .iter()
                .filter_map(|r| r.ballots[g])
                .map(|b| i64::from(k(b)))
                .sum::<i64>())
        };
        total.extend([sum(|b| b.0), sum(|b| b.1), sum(|b| b.2)]);
    }
    let count = |a: Option<Action>| x.rows.iter().filter(|r| r.action == a).count();
    total.push(Cell::Empty);
    total.push(t(format!(
        "约谈 {}，退出 {}，未测评 {}",
        count(Some(Action::Interview)),
        count(Some(Action::Exit)),
        count(None)
    )));
    total.push(Cell::Empty);
    total.push(Cell::Empty);
    rows.push(Row::total(total));
    let mut lines = info(&x.scope, made_on, mask, true);
    lines.push(
        "胜任率按政策文件的口径计算（示例政策：党员和群众代表的（胜任 + 基本胜任）÷ 全部票数），保留 4 位小数（按精确值判定，每人的算法见“说明”列）；包村干部、镇街党(工)委测评结果作次年调整参考，不计入（第十二条）"
            .to_owned(),
    );
    Report {
        sheets: vec![Sheet {
            name: "胜任度评价".to_owned(),
            title: format!(
                "{}年{}专业化村党组织书记胜任度评价结果",
                x.year,
                half_zh(x.half)
            ),
            warning: false,
            info: lines,
            blocks: vec![Block::Table { headers: h, rows }],
        }],
    }
}

/// The payment file: one row per person paid and a total, then totals per
/// town and per funding source, then who is not paid and why.
pub fn payments_report(x: &Payments, made_on: Date, mask: Option<Mask>) -> Report {
    let mut rows: Vec<Row> = x
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            Row::data(
                [
                    who_cells(i as i64 + 1, &r.who, mask),
                    vec![
                        tier_cell(r.tier),
                        Cell::Money(r.amount),
                        t(r.source.label()),
                    ],
                ]
                .concat(),
            )
        })
        .collect();
    rows.push(Row::total(vec![
        t("合计"),
        Cell::Empty,
        Cell::Empty,
        t(format!("{} 人", x.people)),
        Cell::Empty,
        Cell::Empty,
        Cell::Money(x.total),
        Cell::Empty,
    ]));
    let totals = |list: Vec<Row>| {
        let mut list = list;
        list.push(Row::total(vec![
            t("合计"),
            int(x.people),
            Cell::Money(x.total),
        ]));
        list
    };
    let mut blocks = vec![
        Block::Table {
            headers: headers(&[
                "序号",
                "镇街",
                "村",
                "姓名",
                "身份证号码",
                "补贴档次",
                "金额（元）",
                "资金来源",
            ]),
            rows,
        },
        Block::Heading("按镇街汇总".to_owned()),
        Block::Table {
            headers: headers(&["镇街", "人数", "金额（元）"]),
            rows: totals(
                x.by_town
                    .iter()
                    .map(|s| Row::data(vec![t(&s.name), int(s.people), Cell::Money(s.amount)]))
                    .collect(),
            ),
        },
        Block::Heading("按资金来源汇总".to_owned()),
        Block::Table {
            headers: headers(&["资金来源", "人数", "金额（元）"]),
            rows: totals(
                x.by_source
                    .iter()
                    .map(|s| Row::data(vec![t(&s.name), int(s.people), Cell::Money(s.amount)]))
                    .collect(),
            ),
        },
    ];
    if !x.not_paid.is_empty() {
        blocks.push(Block::Heading(format!(
            "不予发放：已退出专业化管理（{} 人）",
            x.not_paid.len()
        )));
        blocks.push(Block::Table {
            headers: headers(&["镇街", "村", "姓名", "身份证号码", "退出日期", "退出原因"]),
            rows: x
                .not_paid
                .iter()
                .map(|n| {
                    Row::data(vec![
                        t(&n.who.town_name),
                        t(&n.who.village_name),
                        t(&n.who.name),
                        t(id_text(&n.who.person, mask)),
                        t(n.exit.on.to_string()),
                        t(n.exit.reason.label()),
                    ])
                })
                .collect(),
        });
    }
    let mut lines = info(&x.scope, made_on, mask, true);
    lines.push(format!(
        "名单：{} 年已备案的专业化管理名单；退出日期在 {} 以前的不予发放；金额按补贴档次（第十三条），由市财政承担，按月通过“一卡通”发放",
        x.month.year(),
        x.month
    ));
    Report {
        sheets: vec![Sheet {
            name: "补贴发放".to_owned(),
            title: format!(
                "{}专业化村党组织书记补贴发放表（一卡通）",
                month_zh(x.month)
            ),
            warning: x.example_amounts,
            info: lines,
            blocks,
        }],
    }
}

// ---------------------------------------------------------------------------
// Writing and reading back.

struct ReportFormats {
    title: Format,
    warning: Format,
    info: Format,
    heading: Format,
    header: Format,
    /// [plain, bold] of each cell kind.
    text: [Format; 2],
    int: [Format; 2],
    money: [Format; 2],
    rate: [Format; 2],
    num: [Format; 2],
    signature: Format,
}

impl ReportFormats {
    fn new() -> ReportFormats {
        let cell = Format::new().set_border(FormatBorder::Thin);
        let pair = |f: Format| [f.clone(), f.set_bold()];
        ReportFormats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            warning: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_font_color(Color::RGB(0xC00000))
                .set_background_color(Color::RGB(0xFFF2CC)),
            info: Format::new(),
            heading: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0xD9D9D9))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            text: pair(cell.clone().set_num_format("@")),
            int: pair(cell.clone().set_num_format("0")),
            money: pair(cell.clone().set_num_format("0.00")),
            rate: pair(cell.clone().set_num_format("0.0000")),
            num: pair(cell.set_num_format("General")),
            signature: Format::new().set_font_size(12),
        }
    }
}

/// Columns a string takes on screen: Chinese characters two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// An Excel sheet name: no `[]:*?/\`, at most 31 characters, unique in the
/// workbook.
fn sheet_name(wanted: &str, used: &mut HashSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'');
    let base: String = if clean.is_empty() {
        "表".to_owned()
    } else {
        clean.chars().take(31).collect()
    };
    let mut name = base.clone();
    let mut k = 2;
    while !used.insert(name.to_lowercase()) {
        let suffix = format!("（{k}）");
        let room = 31 - suffix.chars().count();
        name = format!("{}{suffix}", base.chars().take(room).collect::<String>());
        k += 1;
    }
    name
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    bold: bool,
    f: &ReportFormats,
) -> Result<(), XlsxError> {
    let b = usize::from(bold);
    match cell {
        Cell::Empty => {
            ws.write_blank(row, col, &f.text[b])?;
        }
        Cell::Text(s) => {
            ws.write_string_with_format(row, col, s, &f.text[b])?;
        }
        Cell::Int(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.int[b])?;
        }
        Cell::Money(d) => {
            ws.write_number_with_format(row, col, decimal_f64(round_fen(*d)), &f.money[b])?;
        }
        Cell::Rate(d) => {
            ws.write_number_with_format(row, col, decimal_f64(*d), &f.rate[b])?;
        }
        Cell::Num(d) => {
            ws.write_number_with_format(row, col, decimal_f64(*d), &f.num[b])?;
        }
    }
    Ok(())
}

fn write_line(
    ws: &mut Worksheet,
    row: u32,
    width: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if width > 1 {
        ws.merge_range(row, 0, row, width - 1, text, format)?;
    } else {
        ws.write_string_with_format(row, 0, text, format)?;
    }
    Ok(())
}

fn write_sheet(ws: &mut Worksheet, s: &Sheet, f: &ReportFormats) -> Result<(), XlsxError> {
    let width = s
        .blocks
        .iter()
        .map(|b| match b {
            Block::Table { headers, .. } => headers.len(),
            _ => 1,
        })
        .max()
        .unwrap_or(1)
        .clamp(1, 200) as u16;
    let mut widths = vec![4usize; usize::from(width)];
    let mut r = 0u32;
    write_line(ws, r, width, &s.title, &f.title)?;
    ws.set_row_height(r, 24)?;
    r += 1;
    if s.warning {
        write_line(ws, r, width, EXAMPLE_WARNING, &f.warning)?;
        r += 1;
    }
    for line in &s.info {
        ws.write_string_with_format(r, 0, line, &f.info)?;
        r += 1;
    }
    r += 1;
    let mut freeze = None;
    for block in &s.blocks {
        match block {
            Block::Heading(text) => {
                ws.write_string_with_format(r, 0, text, &f.heading)?;
                r += 1;
            }
            Block::Table { headers, rows } => {
                for (c, h) in headers.iter().enumerate() {
                    ws.write_string_with_format(r, c as u16, h, &f.header)?;
                    widths[c] = widths[c].max(display_width(h).min(16));
                }
                freeze.get_or_insert(r + 1);
                r += 1;
                for row in rows {
                    for (c, cell) in row.cells.iter().enumerate().take(usize::from(width)) {
                        write_cell(ws, r, c as u16, cell, row.total, f)?;
                        widths[c] = widths[c].max(display_width(&cell.text()));
                    }
                    r += 1;
                }
                r += 1;
            }
            Block::Signatures(lines) => {
                r += 1;
                let n = lines.len().max(1) as u16;
                let step = (width / n).max(1);
                for (i, line) in lines.iter().enumerate() {
                    let c = (i as u16 * step).min(width.saturating_sub(1));
                    ws.write_string_with_format(r, c, line, &f.signature)?;
                }
                ws.set_row_height(r, 28)?;
                r += 2;
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).min(60) as f64 + 2.0)?;
    }
    if let Some(row) = freeze {
        ws.set_freeze_panes(row, 0)?;
    }
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Writes a report, one worksheet per sheet.
pub fn write_report(path: &Path, report: &Report) -> Result<(), ExcelError> {
    let f = ReportFormats::new();
    let mut book = Workbook::new();
    let mut used = HashSet::new();
    for s in &report.sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&s.name, &mut used))?;
        write_sheet(ws, s, &f)?;
    }
    if report.sheets.is_empty() {
        book.add_worksheet();
    }
    book.save(path)?;
    Ok(())
}

/// A sheet read back: its name and every row from the first, each cell as
/// text (numbers as Rust prints them: `3600`, `0.8689`; empty cells "").
pub type SheetText = (String, Vec<Vec<String>>);

/// Reads every sheet of a workbook as text, rows and columns from A1.
pub fn read_report(path: &Path) -> Result<Vec<SheetText>, ExcelError> {
    let mut book = open_workbook_auto(path).map_err(|e| ExcelError::Read(e.to_string()))?;
    let names = book.sheet_names().to_owned();
    let mut out = Vec::new();
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ExcelError::Read(e.to_string()))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let (r1, c1) = range.end().unwrap_or((0, 0));
        let mut grid = if range.is_empty() {
            Vec::new()
        } else {
            vec![vec![String::new(); c1 as usize + 1]; r1 as usize + 1]
        };
        for (r, c, d) in range.cells() {
            grid[r + r0 as usize][c + c0 as usize] = d.to_string();
        }
        out.push((name, grid));
    }
    Ok(out)
}
