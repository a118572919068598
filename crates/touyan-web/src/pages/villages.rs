//! The villages list: a search, a town filter (a drop-down, or a text box
//! for scopes of many towns), a committee-kind filter, a page at a time.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use touyan_storage::{Page, VillageFilter};

use super::{Chrome, ListQuery, PER_PAGE, Pager, enc, page_number, render};
use crate::http::{PageError, SignedIn, act};
use crate::state::AppState;

pub struct VillageLine {
    pub code: String,
    pub name: String,
    pub town: String,
    pub kind: &'static str,
    pub secretary: String,
}

#[derive(Template)]
#[template(path = "people/villages.html")]
struct VillagesPage<'a> {
    chrome: Chrome,
    q: String,
    town: String,
    committee: String,
    /// The town drop-down's towns (scopes of at most
    /// [`TOWN_SELECT_MAX`] towns; empty otherwise).
    towns: &'a [(String, String)],
    /// A text box for the town instead of the drop-down (more towns than
    /// [`TOWN_SELECT_MAX`]).
    town_text: bool,
    /// The towns the typed town could be (its text matches several, or
    /// none), instead of rows.
    town_choices: Vec<(String, String)>,
    town_note: Option<String>,
    kinds: Vec<(&'static str, &'static str)>,
    total: u64,
    rows: Vec<VillageLine>,
    pager: Pager,
}

/// The most towns a town filter offers as a drop-down; a scope with more
/// (a province has thousands) gets a text box for a town's code or name.
pub const TOWN_SELECT_MAX: usize = 60;

/// The most matching towns offered when a typed town is ambiguous.
const TOWN_CHOICES: usize = 20;

/// What a typed town filter names among `towns` (code, name).
enum TownPick<'a> {
    /// No filter.
    All,
    /// One town: its code.
    One(&'a str),
    /// Several towns match (the first [`TOWN_CHOICES`], and how many).
    Several(Vec<&'a (String, String)>, usize),
    /// No town matches.
    Nothing,
}

/// Resolves a typed town: a town's code exactly, else its name exactly,
/// else part of its name or code (one match: that town).
fn pick_town<'a>(towns: &'a [(String, String)], text: &str) -> TownPick<'a> {
    let text = text.trim();
    if text.is_empty() {
        return TownPick::All;
    }
    if let Some((code, _)) = towns.iter().find(|(c, _)| c == text) {
        return TownPick::One(code);
    }
    let mut found: Vec<&(String, String)> = towns.iter().filter(|(_, n)| n == text).collect();
    if found.is_empty() {
        found = towns
            .iter()
            .filter(|(c, n)| n.contains(text) || c.contains(text))
            .collect();
    }
    match found.len() {
        0 => TownPick::Nothing,
        1 => TownPick::One(&found[0].0),
        n => {
            found.truncate(TOWN_CHOICES);
            TownPick::Several(found, n)
        }
    }
}

/// A committee kind's Chinese name from its stored code.
pub fn committee_zh(code: &str) -> &'static str {
    COMMITTEES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("未识别", |(_, z)| z)
}

const COMMITTEES: [(&str, &str); 4] = [
    ("villagers", "村民委员会"),
    ("residents", "居民委员会"),
    ("statistical", "统计单位"),
    ("unknown", "未识别"),
];

pub async fn villages(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Villages>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let reader = st.reader(&user);
    let page = page_number(&q.page);
    let towns = reader.towns_shared().await?;
    let (qs, town, committee) = (
        q.q.unwrap_or_default(),
        q.town.unwrap_or_default(),
        q.committee.unwrap_or_default(),
    );
    let town_text = towns.len() > TOWN_SELECT_MAX;
    let (mut town_note, mut town_choices) = (None, Vec::new());
    let town_code = match pick_town(&towns, &town) {
        TownPick::All => None,
        TownPick::One(code) => Some(code.to_owned()),
        // A code outside the scope (or no town at all): no rows (shown
        // without asking the database).
        TownPick::Nothing => {
            town_note = Some(format!("范围内没有名称或代码为“{}”的镇街区。", town.trim()));
            None
        }
        TownPick::Several(found, n) => {
            town_note = Some(if n > found.len() {
                format!(
                    "有 {n} 个镇街区与“{}”相符，以下为前 {} 个，请选择或输入更完整的名称或代码：",
                    town.trim(),
                    found.len()
                )
            } else {
                format!("有 {n} 个镇街区与“{}”相符，请选择：", town.trim())
            });
            town_choices = found
                .into_iter()
                .map(|(code, name)| {
                    let mut href = format!("/villages?town={}", enc(code));
                    for (k, v) in [("q", &qs), ("committee", &committee)] {
                        if !v.is_empty() {
                            href.push_str(&format!("&{k}={}", enc(v)));
                        }
                    }
                    (href, format!("{name}（{code}）"))
                })
                .collect();
            None
        }
    };
    let found = if town_note.is_none() {
        let filter = VillageFilter {
            q: Some(qs.clone()),
            town: town_code,
            committee: Some(committee.clone()),
        };
        reader.villages(&filter, Page::new(page, PER_PAGE)).await?
    } else {
        touyan_storage::Paged {
            items: Vec::new(),
            total: 0,
        }
    };
    let pager = Pager::new(
        "/villages",
        &[("q", &qs), ("town", &town), ("committee", &committee)],
        page,
        found.total,
    );
    Ok(render(
        &VillagesPage {
            chrome: Chrome::new("村级单位", Some(&user), "/villages"),
            towns: if town_text { &[] } else { &towns },
            town_text,
            town_choices,
            town_note,
            kinds: COMMITTEES.to_vec(),
            total: found.total,
            rows: found
                .items
                .into_iter()
                .map(|v| VillageLine {
                    kind: committee_zh(&v.committee),
                    code: v.code,
                    name: v.name,
                    town: v.town_name,
                    secretary: v.secretary.unwrap_or_default(),
                })
                .collect(),
            pager,
            q: qs,
            town,
            committee,
        },
        StatusCode::OK,
    ))
}
