//! The one-card (一卡通) payment file's layout: what finance pays to whom,
//! with the full ID number and account (taken only by finance or the
//! city once the city approved the run; every taking logged).

use time::Date;
use touyan_reports::{OneCardFile, month_zh};

use super::{Block, Cell, Report, Row, Sheet, headers, int, t, tier_cell};

/// The file: one row per person paid, and a total.
pub fn one_card_report(x: &OneCardFile, made_on: Date) -> Report {
    let mut rows: Vec<Row> = x
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            Row::data(vec![
                int(i as i64 + 1),
                t(&r.village_name),
                t(&r.name),
                t(r.person.as_str()),
                t(&r.account),
                r.tier.map_or(Cell::Empty, tier_cell),
                Cell::Money(r.amount),
            ])
        })
        .collect();
    rows.push(Row::total(vec![
        t("合计"),
        Cell::Empty,
        t(format!("{} 人", x.rows.len())),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(x.total),
    ]));
    Report {
        sheets: vec![Sheet {
            name: "一卡通发放".to_owned(),
            title: format!(
                "{}{}专业化村党组织书记补贴一卡通发放文件",
                month_zh(x.month),
                x.town_name
            ),
            warning: false,
            info: vec![
                format!("镇街：{}（{}）", x.town_name, x.town),
                format!("制表日期：{made_on}"),
                format!(
                    "本月发放状态：{}；金额为市级批准时的金额（第十三条：由市财政承担，按月通过“一卡通”发放）",
                    touyan_records::model::Labelled::label(x.state)
                ),
                "含完整身份证号码和一卡通账号，本次下载已记入操作日志；仅供财政发放使用，请按个人信息保护要求保管，用后销毁".to_owned(),
            ],
            blocks: vec![Block::Table {
                headers: headers(&[
                    "序号",
                    "村",
                    "姓名",
                    "身份证号码",
                    "一卡通账号",
                    "补贴档次",
                    "金额（元）",
                ]),
                rows,
            }],
        }],
    }
}
