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
    /// The item as a bulk form names it: where, and the state seen
    /// (`list:2026:370783100:submitted`, `pay:2026-11:370783100:reviewed:3`).
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
            ["list", year, town, seen] => Some(Picked::List {
                year: year.parse().ok()?,
                town: TownCode::parse(town).ok()?,
                seen: (*seen).to_owned(),
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
    let mut out = Vec::new();
    for p in picked {
        let town = p.town();
        if !by.actor.sees(town.as_str()) {
            return Err(OfficeError::NotFound);
        }
        let (what, outcome) = match (kind, p) {
            (Bulk::FileList, Picked::List { year, seen, .. }) => {
                let what = format!("{year} 年名单");
                let outcome = match lists::town_list(store, policy, *year, town, today).await? {
                    None => Err("没有测算名单".to_owned()),
                    Some(mut l) => {
                        let asked = lists::Asked {
                            action: ListMoveKind::File.code().into(),
                            seen: seen.clone(),
                            comment: String::new(),
                            tiers: Vec::new(),
                            reasons: Vec::new(),
                        };
                        lists::move_list(store, by, &mut l, &asked, today)
                            .await
                            .map(|()| "已备案".to_owned())
                            .map_err(|e| e.to_string())
                    }
                };
                (what, outcome)
            }
            (
                Bulk::ApprovePay,
                Picked::Pay {
                    month, seen, moves, ..
                },
            ) => {
                let what = format!("{} 年 {} 月发放", month.year(), u8::from(month.month()));
                let tm = pay::town_month(store, policy, *month, town).await?;
                let seen = pay::Seen {
                    state: Some(*seen),
                    moves: Some(*moves),
                };
                let outcome = pay::move_town(store, by, &tm, PayMoveKind::Approve, seen, "")
                    .await
                    .map(|run| format!("已批准（{}）", run.state.label()))
                    .map_err(|e| e.to_string());
                (what, outcome)
            }
            _ => {
                return Err(OfficeError::Invalid(format!(
                    "所选事项不能“{}”",
                    kind.label()
                )));
            }
        };
        out.push(Done {
            town,
            town_name: name(town),
            what,
            outcome,
        });
    }
    Ok(out)
}
