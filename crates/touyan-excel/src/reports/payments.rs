//! The monthly subsidy summary's layout (补贴发放汇总表: what the records
//! give now, by person, town and source). The one-card file with the
//! accounts, taken once the run is approved, is `one_card.rs`.

use time::Date;
use touyan_records::Mask;
use touyan_records::model::Labelled;
use touyan_reports::{Payments, month_zh};

use super::{
    Block, Cell, Report, Row, Sheet, headers, id_text, info, int, t, tier_cell, who_cells,
};

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
        "名单：{} 年已备案的专业化管理名单；退出日期在 {} 以前的不予发放；金额按补贴档次（第十三条），由市财政承担，按月通过“一卡通”发放；本表为按现有记录计算的汇总，含账号的一卡通发放文件在发放页经市级批准后由财政下载",
        x.month.year(),
        x.month
    ));
    Report {
        sheets: vec![Sheet {
            name: "补贴发放".to_owned(),
            title: format!("{}专业化村党组织书记补贴发放汇总表", month_zh(x.month)),
            warning: x.example_amounts,
            info: lines,
            blocks,
        }],
    }
}
