//! The young-cadre pay report's layout, with a subtotal per town.

use rust_decimal::Decimal;
use time::Date;
use touyan_records::Mask;
use touyan_records::model::educations_zh;
use touyan_reports::{Young, YoungRow, month_zh};

use super::{Block, Cell, Report, Row, Sheet, headers, info, t, who_cells, yes_no};

/// Young-cadre pay, one sheet, with a subtotal per town.
// One piece: one workbook laid out sheet by sheet, top to bottom.
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
            let edu = educations_zh(r.full_time_education, r.in_service_education);
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
    lines.push(
        "在册人员：已备案、在册期限内（年龄上限内，或经批准延长至延长期满）、未退出，每个镇街至多人数上限（按进入优才计划先后，第十条）"
            .to_owned(),
    );
    for r in x.rows.iter().filter(|r| r.partial()) {
        lines.push(format!("{}：{}", r.who.name, r.share_reason));
    }
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
