//! Evaluation results.

use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use touyan_records::model::{Ballots, Labelled, PostRole, RaterGroup, Records};
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_rules::art12_competency::Action;
use touyan_rules::{Params, art12_competency};

use crate::{Index, Refusal, count_towns, filed_entries, half_zh, scope_suffix};

/// One secretary's half-year evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvaluationRow {
    /// `None` when the person is on no list and holds no post on record.
    pub town: Option<TownCode>,
    pub town_name: String,
    pub village_name: String,
    pub person: CitizenId,
    pub name: String,
    /// (competent, basically competent, not competent) per rater group, in
    /// the order of [`RaterGroup::ALL`]; `None` when that group has no ballots.
    pub ballots: [Option<(u32, u32, u32)>; 4],
    /// Party members' and public representatives' rate, 4 decimals; `None`
    /// without ballots.
    pub rate: Option<Decimal>,
    pub action: Option<Action>,
    /// "第十二条".
    pub article: String,
    pub sentence: String,
}

impl EvaluationRow {
    /// 无 / 约谈 / 退出, or 未测评.
    pub fn action_zh(&self) -> &'static str {
        match self.action {
            None => "未测评",
            Some(Action::None) => "无",
            Some(Action::Interview) => "约谈",
            Some(Action::Exit) => "退出",
        }
    }
}

/// A half year's evaluation results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluations {
    pub year: i32,
    pub half: u8,
    pub scope: String,
    pub rows: Vec<EvaluationRow>,
}

/// Everyone with ballots in the half year, and everyone on the year's filed
/// list without (未测评), with the rate and action of Article 12.
pub fn evaluations(
    r: &Records,
    p: &Params,
    year: i32,
    half: u8,
    town: Option<TownCode>,
) -> Result<Evaluations, Refusal> {
    let ix = Index::new(r);
    let group_index = |g: RaterGroup| RaterGroup::ALL.iter().position(|x| *x == g).unwrap_or(0);
    let mut ballots: HashMap<&CitizenId, [Option<&Ballots>; 4]> = HashMap::new();
    for b in r
        .ballots
        .iter()
        .filter(|b| b.year == year && b.half == half)
    {
        ballots.entry(&b.person).or_default()[group_index(b.group)] = Some(b);
    }
    // Where each person is: the year's list first, then their latest post.
    let mut place: HashMap<&CitizenId, VillageCode> = HashMap::new();
    for e in r.list_entries.iter().filter(|e| e.year == year) {
        place.entry(&e.person).or_insert(e.village);
    }
    let mut posts: Vec<_> = r
        .posts
        .iter()
        .filter(|x| ballots.contains_key(&x.person) && !place.contains_key(&x.person))
        .collect();
    posts.sort_by_key(|x| (x.role != PostRole::Secretary, std::cmp::Reverse(x.start)));
    let mut post_place: HashMap<&CitizenId, VillageCode> = HashMap::new();
    for x in posts {
        post_place.entry(&x.person).or_insert(x.village);
    }
    let where_is = |id: &CitizenId| place.get(id).or_else(|| post_place.get(id)).copied();

    let mut people: Vec<&CitizenId> = ballots.keys().copied().collect();
    let mut seen: HashSet<&CitizenId> = people.iter().copied().collect();
    for e in filed_entries(r, year, None) {
        if seen.insert(&e.person) {
            people.push(&e.person);
        }
    }
    let mut rows: Vec<EvaluationRow> = people
        .into_iter()
        .filter_map(|id| {
            let village = where_is(id);
            let t = village.map(|v| v.town());
            if town.is_some() && t != town {
                return None;
            }
            let groups = ballots.get(id).copied().unwrap_or_default();
            let counts =
                groups.map(|b| b.map(|b| (b.competent, b.basically_competent, b.not_competent)));
            let as_rule = |i: usize| {
                counts[i].map_or_else(art12_competency::Ballots::default, |(c, b, n)| {
                    art12_competency::Ballots {
                        competent: c,
                        basically_competent: b,
                        not_competent: n,
                    }
                })
            };
            let (pm, pr) = (
                group_index(RaterGroup::PartyMembers),
                group_index(RaterGroup::PublicReps),
            );
            let decision = art12_competency::competency(p, as_rule(pm), as_rule(pr));
            let (rate, action, article, sentence) = match &decision {
                Some(d) => (
                    Some(d.outcome.rate.to_decimal(4)),
                    Some(d.outcome.action),
                    d.rule.citation(),
                    d.sentence(),
                ),
                None => (
                    None,
                    None,
                    art12_competency::COMPETENCY.citation(),
                    if ballots.contains_key(id) {
                        "党员和群众代表均无测评票，无法计算胜任率".to_owned()
                    } else {
                        format!("{year}年{}尚无测评记录", half_zh(half))
                    },
                ),
            };
            Some(EvaluationRow {
                town: t,
                town_name: t.map_or_else(|| "（未知）".to_owned(), |t| ix.town_name(t)),
                village_name: village.map_or_else(|| "（未知）".to_owned(), |v| ix.village_name(v)),
                person: id.clone(),
                name: ix.name(id),
                ballots: counts,
                rate,
                action,
                article,
                sentence,
            })
        })
        .collect();
    if rows.is_empty() {
        return Err(Refusal(format!(
            "没有 {year} 年{}的测评记录，也没有该年已备案的名单{}",
            half_zh(half),
            scope_suffix(&ix, town)
        )));
    }
    rows.sort_by(|a, b| {
        (a.town, where_is(&a.person), &a.person).cmp(&(b.town, where_is(&b.person), &b.person))
    });
    Ok(Evaluations {
        year,
        half,
        scope: ix.scope(
            town,
            count_towns(rows.iter().filter_map(|x| x.town.as_ref())),
        ),
        rows,
    })
}
