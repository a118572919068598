//! Reserve coverage.

use std::collections::{HashMap, HashSet};
use time::Date;
use touyan_records::model::{Labelled, Post, PostRole, Records};
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_rules::{Params, art09_reserves};

use crate::{Index, Refusal, Who, count_towns, filed_entries, scope_suffix};

/// One professionalized village's reserves for secretary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReserveRow {
    /// The village and its listed secretary.
    pub who: Who,
    pub reserves: u32,
    /// The reserves' names.
    pub names: Vec<String>,
    pub minimum: u32,
    /// 0 when enough.
    pub shortfall: u32,
    pub sentence: String,
}

/// One other two-committee post of a professionalized village, held on the
/// day, and its reserves (一职一备).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostReserveRow {
    /// The village and the post's holder.
    pub who: Who,
    pub post: PostRole,
    pub reserves: u32,
    pub names: Vec<String>,
    pub minimum: u32,
    /// 0 when enough.
    pub shortfall: u32,
    pub sentence: String,
}

/// Reserve coverage of a year's professionalized villages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reserves {
    pub year: i32,
    /// Reserves listed by and not removed on this day count.
    pub on: Date,
    pub scope: String,
    pub minimum: u32,
    pub rows: Vec<ReserveRow>,
    /// The minimum for every other post (一职一备).
    pub post_minimum: u32,
    /// Every other two-committee post held on the day in those villages.
    pub posts: Vec<PostReserveRow>,
}

/// For every village of the year's filed list: reserves for secretary
/// listed by `on` and not removed by then, against Article 9's minimum; and
/// for every other two-committee post held there on `on`, its reserves
/// against the one-per-post minimum (一职一备). A post several people hold
/// (committee members) needs that many reserves for the role.
pub fn reserves(
    r: &Records,
    p: &Params,
    year: i32,
    on: Date,
    town: Option<TownCode>,
) -> Result<Reserves, Refusal> {
    let ix = Index::new(r);
    let entries = filed_entries(r, year, town);
    if entries.is_empty() {
        return Err(Refusal(format!(
            "没有 {year} 年已备案的专业化管理名单{}，无法统计后备力量",
            scope_suffix(&ix, town)
        )));
    }
    let mut by_post: HashMap<(VillageCode, PostRole), Vec<&CitizenId>> = HashMap::new();
    for x in r
        .reserves
        .iter()
        .filter(|x| x.listed_on <= on && x.removed_on.is_none_or(|d| d > on))
    {
        let list = by_post.entry((x.village, x.post)).or_default();
        if !list.contains(&&x.person) {
            list.push(&x.person);
        }
    }
    let pool = |v: VillageCode, role: PostRole| -> &[&CitizenId] {
        by_post
            .get(&(v, role))
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let minimum = p.reserves_professional_village_min.value;
    let mut seen = HashSet::new();
    let rows = entries
        .iter()
        .filter(|e| seen.insert(e.village))
        .map(|e| {
            let mine = pool(e.village, PostRole::Secretary);
            let n = mine.len() as u32;
            let d = art09_reserves::secretary_reserves(p, n);
            ReserveRow {
                who: ix.who(e.village, &e.person),
                reserves: n,
                names: mine.iter().map(|id| ix.name(id)).collect(),
                minimum,
                shortfall: d.outcome.unwrap_or(0),
                sentence: d.sentence(),
            }
        })
        .collect::<Vec<_>>();
    // The other posts held on the day in those villages, role by role.
    let listed: HashSet<VillageCode> = rows.iter().map(|x| x.who.village).collect();
    let mut held: Vec<&Post> = r
        .posts
        .iter()
        .filter(|x| {
            x.role != PostRole::Secretary
                && listed.contains(&x.village)
                && x.start <= on
                && x.end.is_none_or(|d| d >= on)
        })
        .collect();
    let order = |role: PostRole| PostRole::ALL.iter().position(|x| *x == role);
    held.sort_by(|a, b| {
        (a.village, order(a.role), &a.person).cmp(&(b.village, order(b.role), &b.person))
    });
    held.dedup_by(|a, b| a.village == b.village && a.role == b.role && a.person == b.person);
    let post_minimum = p.reserves_other_post_min.value;
    let mut posts = Vec::with_capacity(held.len());
    for group in held.chunk_by(|a, b| a.village == b.village && a.role == b.role) {
        let mine = pool(group[0].village, group[0].role);
        // Each holder of the role needs `post_minimum` reserves of it; the
        // role's reserves are shared out in order.
        for (k, x) in group.iter().enumerate() {
            let first = k * post_minimum as usize;
            let theirs = mine
                .get(first.min(mine.len())..(first + post_minimum as usize).min(mine.len()))
                .unwrap_or_default();
            let n = theirs.len() as u32;
            let d = art09_reserves::post_reserves(p, x.role.label(), n);
            posts.push(PostReserveRow {
                who: ix.who(x.village, &x.person),
                post: x.role,
                reserves: n,
                names: theirs.iter().map(|id| ix.name(id)).collect(),
                minimum: post_minimum,
                shortfall: d.outcome.unwrap_or(0),
                sentence: d.sentence(),
            });
        }
    }
    Ok(Reserves {
        year,
        on,
        scope: ix.scope(town, count_towns(entries.iter().map(|e| &e.town))),
        minimum,
        rows,
        post_minimum,
        posts,
    })
}
