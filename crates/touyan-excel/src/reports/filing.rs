//! The filing form (备案表): a summary sheet and one sheet per town.

use std::collections::HashMap;

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::Labelled;
use touyan_records::{Mask, TownCode};
use touyan_reports::{Filing, FilingRow, SIGNATURES};

use super::{Block, Cell, Report, Row, Sheet, headers, info, int, t, tier_cell, who_cells};

/// The filing form: a summary sheet, then one sheet per town with its list
/// and the lines to sign.
// One piece: one workbook laid out sheet by sheet, top to bottom.
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
            blocks: [Block::Table {
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
            }]
            .into_iter()
            .chain(dropped_blocks(f, town.town, mask))
            .chain([Block::Signatures(
                SIGNATURES.iter().map(|s| (*s).to_owned()).collect(),
            )])
            .collect(),
        });
    }
    Report { sheets }
}

/// Who the town's list leaves out of the list before and why, as the
/// printed 备案表 says it (`touyan_office::dropped`): a heading and a
/// table, or a heading saying none; nothing when the export was made
/// without them.
fn dropped_blocks(f: &Filing, town: TownCode, mask: Option<Mask>) -> Vec<Block> {
    let Some((_, d)) = f.dropped.iter().find(|(t, _)| *t == town) else {
        return Vec::new();
    };
    let Some(before) = &d.before else {
        return vec![Block::Heading(
            "不再列入的人员：没有可比较的上一年度或本年度此前的备案名单".to_owned(),
        )];
    };
    if d.rows.is_empty() {
        return vec![Block::Heading(format!(
            "不再列入的人员（与{before}相比）：无，{before}中的人员均在本名单中"
        ))];
    }
    let rows = d
        .rows
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Row::data(vec![
                int(i as i64 + 1),
                t(&p.village_name),
                t(&p.person_name),
                t(super::id_text(&p.person, mask)),
                tier_cell(p.tier),
                t(&p.reason),
            ])
        })
        .collect();
    vec![
        Block::Heading(format!("不再列入的人员（与{before}相比）")),
        Block::Table {
            headers: headers(&["序号", "村", "姓名", "身份证号码", "原档次", "原因"]),
            rows,
        },
    ]
}
