//! The evaluation results report's layout.

use time::Date;
use touyan_records::Mask;
use touyan_records::model::{Labelled, RaterGroup};
use touyan_reports::{Evaluations, half_zh};
use touyan_rules::art12_competency::Action;

use super::{Block, Cell, Report, Row, Sheet, headers, id_text, info, int, t};

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
