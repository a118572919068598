//! The training compliance report's layout.

use time::Date;
use touyan_records::Mask;
use touyan_reports::Training;

use super::{Block, Cell, Report, Row, Sheet, headers, info, int, t, who_cells, yes_no};

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
