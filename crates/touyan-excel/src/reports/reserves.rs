//! The reserve coverage report's layout, with a subtotal per town.

use time::Date;
use touyan_records::model::Labelled;
use touyan_reports::{ReserveRow, Reserves};

use super::{Block, Cell, Report, Row, Sheet, headers, info, int, t};

/// Reserve coverage, one sheet, with a subtotal per town.
// One piece: one workbook laid out sheet by sheet, top to bottom.
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
