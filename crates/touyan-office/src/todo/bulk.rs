//! Moves made in bulk from the to-do page: the city files several
//! towns' lists or approves several towns' pay at once, each checked as
//! on its own page and written in its own transaction.

use time::Date;
use touyan_records::TownCode;
use touyan_records::model::{Labelled, ListMoveKind, PayMoveKind, PayState, Town};
use touyan_rules::Policy;
use touyan_storage::Store;

use super::{Bulk, Place, Todo};
use crate::{By, OfficeError, lists, pay, when};

impl Todo {
    /// The item as a bulk form names it: where, and what was seen
    /// (`list:2026:370783100:submitted:1:3`: state, version, moves;
    /// `pay:2026-11:370783100:reviewed:3`: state, moves).
    pub fn key(&self) -> String {
        match &self.place {
            Place::List { year, town } => format!("list:{year}:{}:{}", town.as_str(), self.seen),
            Place::Pay { month, town } => format!(
                "pay:{:04}-{:02}:{}:{}",
                month.year(),
                u8::from(month.month()),
                town.as_str(),
                self.seen
            ),
            _ => String::new(),
        }
    }
}

/// One item picked for a move in bulk, as [`Todo::key`] named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Picked {
    List {
        year: i32,
        town: TownCode,
        seen: String,
        /// The review's version and its number of moves, as seen.
        version: u32,
        moves: usize,
    },
    Pay {
        month: Date,
        town: TownCode,
        seen: Option<PayState>,
        moves: usize,
    },
}

impl Picked {
    /// The item a key names (`None`: not a key [`Todo::key`] makes).
    pub fn parse(key: &str) -> Option<Picked> {
        let parts: Vec<&str> = key.split(':').collect();
        match parts.as_slice() {
            ["list", year, town, seen, version, moves] => Some(Picked::List {
                year: year.parse().ok()?,
                town: TownCode::parse(town).ok()?,
                seen: (*seen).to_owned(),
                version: version.parse().ok()?,
                moves: moves.parse().ok()?,
            }),
            ["pay", month, town, seen, moves] => Some(Picked::Pay {
                month: when::parse_month(month)?,
                town: TownCode::parse(town).ok()?,
                seen: pay::seen_state(seen)?,
                moves: moves.parse().ok()?,
            }),
            _ => None,
        }
    }

    fn town(&self) -> TownCode {
        match self {
            Picked::List { town, .. } | Picked::Pay { town, .. } => *town,
        }
    }
}

/// What a move in bulk did to one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Done {
    pub town: TownCode,
    pub town_name: String,
    /// The item ("2026 年名单", "2026 年 11 月发放").
    pub what: String,
    /// What was done, or why it was not.
    pub outcome: Result<String, String>,
}

/// Makes `kind`'s move on each of `picked` as `by`, one by one: each
/// checked as on its own page (the workflow, the state seen, the list's
/// rules) and written in its own transaction, so one refusal leaves the
/// others done. A key of another kind is refused as such.
pub async fn bulk(
    store: &Store,
    by: By<'_>,
    policy: &Policy,
    today: Date,
    kind: Bulk,
    picked: &[Picked],
) -> Result<Vec<Done>, OfficeError> {
    if picked.is_empty() {
        return Err(OfficeError::Invalid("请至少选择一项".into()));
    }
    let towns: Vec<Town> = store.list().await?;
    let name = |t: TownCode| {
        towns
            .iter()
            .find(|x| x.code == t)
            .map_or_else(|| t.as_str().to_owned(), |x| x.name.clone())
    };
    // Every pick is checked for scope and kind before anything is
    // written: a refusal here leaves every item as it was.
    for p in picked {
        if !by.actor.sees(p.town().as_str()) {
            return Err(OfficeError::NotFound);
        }
        let fits = matches!(
            (kind, p),
            (Bulk::FileList, Picked::List { .. }) | (Bulk::ApprovePay, Picked::Pay { .. })
        );
        if !fits {
            return Err(OfficeError::Invalid(format!(
                "所选事项不能“{}”",
                kind.label()
            )));
        }
    }
    let mut out = Vec::new();
    for p in picked {
        let town = p.town();
        let (what, outcome) = match p {
            Picked::List { year, .. } => (
                format!("{year} 年名单"),
                file_list(store, by, policy, today, p).await,
            ),
            Picked::Pay { month, .. } => (
                format!("{} 年 {} 月发放", month.year(), u8::from(month.month())),
                approve_pay(store, by, policy, p).await,
            ),
        };
        out.push(Done {
            town,
            town_name: name(town),
            what,
            outcome: outcome.map_err(|e| e.to_string()),
        });
    }
    Ok(out)
}

/// The city files the list `p` names, as it saw it: the same state,
/// version and number of moves (a list sent back, changed and submitted
/// again since is not filed unseen).
async fn file_list(
    store: &Store,
    by: By<'_>,
    policy: &Policy,
    today: Date,
    p: &Picked,
) -> Result<String, OfficeError> {
    let Picked::List {
        year,
        town,
        seen,
        version,
        moves,
    } = p
    else {
        return Err(OfficeError::Invalid("所选事项不是名单".into()));
    };
    let Some(mut l) = lists::town_list(store, policy, *year, *town, today).await? else {
        return Err(OfficeError::Invalid("没有测算名单".into()));
    };
    let now = (l.review.as_ref().map_or(0, |r| r.version), l.moves.len());
    if now != (*version, *moves) {
        return Err(OfficeError::Conflict(
            "名单在您打开待办页面后已有变动，请打开名单核对后再备案".into(),
        ));
    }
    let asked = lists::Asked {
        action: ListMoveKind::File.code().into(),
        seen: seen.clone(),
        comment: String::new(),
        tiers: Vec::new(),
        reasons: Vec::new(),
    };
    lists::move_list(store, by, &mut l, &asked, today).await?;
    Ok("已备案".to_owned())
}

/// The city approves the month's pay `p` names, as it saw it (the run's
/// state and number of moves: a recompute since is not approved unseen).
async fn approve_pay(
    store: &Store,
    by: By<'_>,
    policy: &Policy,
    p: &Picked,
) -> Result<String, OfficeError> {
    let Picked::Pay {
        month,
        town,
        seen,
        moves,
    } = p
    else {
        return Err(OfficeError::Invalid("所选事项不是发放".into()));
    };
    let tm = pay::town_month(store, policy, *month, *town).await?;
    let seen = pay::Seen {
        state: Some(*seen),
        moves: Some(*moves),
    };
    let run = pay::move_town(store, by, &tm, PayMoveKind::Approve, seen, "").await?;
    Ok(format!("已批准（{}）", run.state.label()))
}
