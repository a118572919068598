//! `touyan evaluate --explain`: the same decisions as a Chinese report.

use std::fmt::Write as _;

use touyan_rules::art13_pay::tier_zh;
use touyan_rules::decision::{Decision, Origin};

use crate::Prepared;
use crate::town::TownResult;

fn mark(b: bool) -> &'static str {
    if b { "✓" } else { "✗" }
}

fn cite<T, R>(d: &Decision<T, R>) -> String {
    d.rule.citation()
}

/// The parameters a decision used, with the dates they took effect.
fn params<T, R>(d: &Decision<T, R>) -> String {
    let list: Vec<String> = d
        .params
        .iter()
        .map(|u| {
            let tag = match u.origin {
                Origin::Policy => String::new(),
                Origin::Example => "，示例值".to_string(),
                Origin::Override => "，本次测算改动".to_string(),
            };
            format!("{}（{} 起{}）", u.name(), u.since, tag)
        })
        .collect();
    list.join("、")
}

/// The report for a whole case.
pub fn report(p: &Prepared<'_>, towns: &[TownResult<'_>]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "测算报告（判定日 {}，政策 {}）", p.as_of, p.policy_id);
    if !p.example_values.is_empty() {
        let _ = writeln!(
            s,
            "⚠ 注意：以下参数为示例值，不是正式标准，结果仅供演示：{}",
            p.example_values.join("、")
        );
    }
    for r in towns {
        town(&mut s, r);
    }
    s
}

// One piece: the Chinese report of one town, paragraph by paragraph in the contract's order.
fn town(s: &mut String, r: &TownResult<'_>) {
    let t = r.town;
    let _ = writeln!(
        s,
        "\n━━ {}（{}），行政村 {} 个 ━━",
        t.name, t.code, r.village_count
    );
    let _ = writeln!(
        s,
        "纳入名额：{}。依据{}；参数 {}",
        r.quota.sentence(),
        cite(&r.quota),
        params(&r.quota)
    );
    let _ = writeln!(
        s,
        "\n一、拟纳入名单（按上年度综合考核名次，名次相同按村代码）"
    );
    if r.included.is_empty() {
        let _ = writeln!(s, "  （无符合条件的书记）");
    }
    for (n, (&i, tier)) in r.included.iter().zip(&r.tiers).enumerate() {
        let v = &t.villages[r.secretaries[i].village];
        let _ = writeln!(
            s,
            "  {}. {}（{}，{}）→ {}档：{}。依据{}",
            n + 1,
            r.secretary_id(i),
            v.name,
            v.last_year_rank
                .0
                .map_or_else(|| "未排名".to_string(), |k| format!("第 {k} 名")),
            tier_zh(tier.outcome),
            tier.sentence(),
            cite(tier)
        );
    }
    let _ = writeln!(s, "\n二、逐人审查");
    for (i, sec) in r.secretaries.iter().enumerate() {
        let v = &t.villages[sec.village];
        let listed = r.included.contains(&i);
        let verdict = match (sec.eligible(), listed) {
            (true, true) => "符合条件，列入名单",
            (true, false) => "符合条件，但名额已满，未列入",
            (false, _) => "不符合条件",
        };
        let _ = writeln!(s, "  {}（{}）：{}", r.secretary_id(i), v.name, verdict);
        for c in &sec.eligibility.checks {
            let _ = writeln!(
                s,
                "    {} {}：{}（{}）",
                mark(c.outcome),
                c.rule.title,
                c.sentence(),
                cite(c)
            );
        }
        for (_, article, d) in &sec.conditions {
            let _ = writeln!(
                s,
                "    {} {}：{}（第{}条，政策附加条件）",
                mark(d.outcome),
                d.rule.title,
                d.reason,
                touyan_rules::decision::article_zh(*article)
            );
        }
        if let Some(tr) = &sec.training {
            let _ = writeln!(
                s,
                "    {} 培训：{}（{}）",
                mark(tr.outcome.compliant()),
                tr.sentence(),
                cite(tr)
            );
        }
        if let Some(c) = &sec.competency {
            let ok = c.outcome.action == touyan_rules::art12_competency::Action::None;
            let _ = writeln!(
                s,
                "    {} 胜任度：{}（{}）",
                mark(ok),
                c.sentence(),
                cite(c)
            );
        }
    }
    let _ = writeln!(s, "\n三、年轻干部（优才计划）");
    let _ = writeln!(
        s,
        "  名额：{}（{}）",
        r.young_cap.sentence(),
        cite(&r.young_cap)
    );
    if r.young.is_empty() {
        let _ = writeln!(s, "  （无）");
    }
    for (n, y) in r.young.iter().enumerate() {
        let selected = r.young_selected.contains(&n);
        let _ = write!(
            s,
            "  {} {}：{}{}",
            mark(y.eligible.outcome),
            r.young_id(n),
            y.eligible.sentence(),
            if selected {
                "，入选"
            } else if y.eligible.outcome {
                "，未入选（名额已满）"
            } else {
                ""
            }
        );
        match &y.pay {
            Some(p) => {
                let _ = writeln!(s, "；{}（{}）", p.sentence(), cite(p));
            }
            None if y.eligible.outcome => {
                let _ = writeln!(s, "；未提供参照工资或报酬系数，不计算报酬");
            }
            None => {
                let _ = writeln!(s);
            }
        }
    }
    let _ = writeln!(s, "\n四、挂职锻炼");
    match &r.secondment {
        None => {
            let _ = writeln!(s, "  未提供挂职记录");
        }
        Some(sd) => {
            let _ = writeln!(
                s,
                "  市直涉农单位：应 {} 名，已 {} 名；镇级涉农部门：应 {} 名，已 {} 名。{}；{}（{}）",
                sd.city_required.outcome,
                sd.city_done,
                sd.town_required.outcome,
                sd.town_done,
                sd.city_required.sentence(),
                sd.town_required.sentence(),
                cite(&sd.town_required)
            );
            for (sm, d) in t.secondments.iter().flatten().zip(&sd.lengths) {
                let _ = writeln!(s, "  {} {}：{}", mark(d.outcome), sm.id, d.sentence());
            }
        }
    }
    let _ = writeln!(s, "\n五、后备力量");
    if r.reserve_shortfalls.is_empty() {
        let _ = writeln!(
            s,
            "  列入名单的村，后备力量均无缺口（未填报后备人数的村不作判断）"
        );
    }
    for (v, d) in &r.reserve_shortfalls {
        let _ = writeln!(
            s,
            "  ✗ {}（{}）：{}（{}）",
            t.villages[*v].name,
            t.villages[*v].code,
            d.sentence(),
            cite(d)
        );
    }
}
