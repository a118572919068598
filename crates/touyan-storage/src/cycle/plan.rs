//! What a run does to the stored secretary rows of its scope, worked out
//! the same way for both backends' writes: each proposal's digest, the
//! merge of the run's proposals with the stored rows (insert, update,
//! leave, delete), and the change-log entries of the town rows.

use std::collections::{HashMap, HashSet};

use touyan_records::VillageCode;

use super::{CycleSecretary, CycleTown};
use crate::record::{Cell, Record, key_text, row_json};
use crate::tx::LogEntry;
use crate::{Action, StoreError};

/// The digest stored with a secretary's proposal (column `digest`,
/// migration `m0007_cycle_digest`): the first 8 bytes of the SHA-256 of
/// its data columns other than the key (town, person, eligible, place,
/// tier, reasons), each length-prefixed, read as a big-endian signed
/// integer. Equal digests: the same proposal.
pub(crate) fn digest(s: &CycleSecretary) -> i64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut field = |b: &[u8]| {
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    };
    field(s.town.as_str().as_bytes());
    field(s.person.as_str().as_bytes());
    field(&[u8::from(s.eligible)]);
    field(&s.place.map_or(-1, i64::from).to_le_bytes());
    field(&s.tier.map_or(-1, i64::from).to_le_bytes());
    field(s.checks_json.as_bytes());
    let out = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&out[..8]);
    i64::from_be_bytes(first)
}

/// What a run does to the stored secretary rows of its scope.
pub(crate) struct Plan<'a> {
    /// New proposals, with their digests.
    pub insert: Vec<(&'a CycleSecretary, i64)>,
    /// Changed proposals, with their digests.
    pub update: Vec<(&'a CycleSecretary, i64)>,
    pub unchanged: u64,
    /// Villages whose stored row the run no longer proposes, in order.
    pub delete: Vec<VillageCode>,
}

/// What a run does with one proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Insert,
    Update,
    Unchanged,
}

/// Merges a run's proposals, taken in ascending village order, with the
/// stored rows of its scope, also in village order: two sorted lists
/// walked once, so nothing is looked up in a map and the stored side holds
/// no allocated keys (the country has 487,000 of them). Proposals come
/// town by town in code order, and a village's code begins with its
/// town's, so the cycle's own order is already village order.
pub(crate) struct Merge {
    /// (village, digest; empty for a row written before `m0007`).
    stored: Vec<(VillageCode, Option<i64>)>,
    next: usize,
    last: Option<VillageCode>,
}

impl Merge {
    /// `stored`: the scope's rows, in any order.
    pub(crate) fn new(mut stored: Vec<(VillageCode, Option<i64>)>) -> Merge {
        if !stored.is_sorted_by(|a, b| a.0 <= b.0) {
            stored.sort_unstable_by_key(|r| r.0);
        }
        Merge {
            stored,
            next: 0,
            last: None,
        }
    }

    /// What to do with the proposal of `village` whose digest is
    /// `digest`; the stored villages passed over on the way (no longer
    /// proposed) are added to `gone`. Refuses a village given twice, or
    /// after a later one.
    pub(crate) fn step(
        &mut self,
        year: i32,
        village: VillageCode,
        digest: i64,
        gone: &mut Vec<VillageCode>,
    ) -> Result<Step, StoreError> {
        if let Some(last) = self.last {
            if village == last {
                return Err(StoreError::Invalid(format!(
                    "同一批{}中 {year}/{} 出现了不止一次",
                    CycleSecretary::ZH,
                    village.as_str()
                )));
            }
            if village < last {
                return Err(StoreError::Invalid(format!(
                    "内部错误：测算结果未按村代码顺序给出（{} 在 {} 之后）",
                    village.as_str(),
                    last.as_str()
                )));
            }
        }
        self.last = Some(village);
        while let Some(&(v, _)) = self.stored.get(self.next) {
            if v >= village {
                break;
            }
            gone.push(v);
            self.next += 1;
        }
        Ok(match self.stored.get(self.next) {
            Some(&(v, stored)) if v == village => {
                self.next += 1;
                if stored == Some(digest) {
                    Step::Unchanged
                } else {
                    Step::Update
                }
            }
            _ => Step::Insert,
        })
    }

    /// The stored villages never reached (no longer proposed).
    pub(crate) fn finish(self, gone: &mut Vec<VillageCode>) {
        gone.extend(
            self.stored[self.next.min(self.stored.len())..]
                .iter()
                .map(|r| r.0),
        );
    }
}

/// The digests of `secretaries`, on up to two threads (the country has
/// 487,000 of them).
pub(crate) fn digests(secretaries: &[CycleSecretary]) -> Result<Vec<i64>, StoreError> {
    let out: Vec<i64> = if secretaries.len() < 4096 {
        secretaries.iter().map(digest).collect()
    } else {
        let half = secretaries.len().div_ceil(2);
        std::thread::scope(|sc| {
            let parts: Vec<_> = secretaries
                .chunks(half)
                .map(|part| sc.spawn(move || part.iter().map(digest).collect::<Vec<_>>()))
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    if out.len() != secretaries.len() {
        return Err(StoreError::Internal("测算结果摘要计算失败".into()));
    }
    Ok(out)
}

/// Compares a whole run's proposals, in any order, with the stored rows
/// of the scope. Refuses a village proposed twice.
pub(crate) fn plan(
    stored: Vec<(VillageCode, Option<i64>)>,
    secretaries: &[CycleSecretary],
) -> Result<Plan<'_>, StoreError> {
    let mut order: Vec<(&CycleSecretary, i64)> =
        secretaries.iter().zip(digests(secretaries)?).collect();
    if !order.is_sorted_by(|a, b| a.0.village <= b.0.village) {
        order.sort_by_key(|r| r.0.village);
    }
    let mut merge = Merge::new(stored);
    let mut p = Plan {
        insert: Vec::new(),
        update: Vec::new(),
        unchanged: 0,
        delete: Vec::new(),
    };
    for (s, d) in order {
        match merge.step(s.year, s.village, d, &mut p.delete)? {
            Step::Insert => p.insert.push((s, d)),
            Step::Update => p.update.push((s, d)),
            Step::Unchanged => p.unchanged += 1,
        }
    }
    merge.finish(&mut p.delete);
    Ok(p)
}

/// The change-log entries of a run's town rows (`rows`), against the
/// scope's stored ones (`old`, by key in `old_by_key`): each row given is
/// logged as inserted or updated (with the stored row before it), each
/// stored row not given again as deleted; those gone rows are returned too.
/// Both backends' writes log this way.
pub(crate) fn town_log<'o>(
    old: &'o [Vec<Cell>],
    old_by_key: &HashMap<&[Cell], &Vec<Cell>>,
    rows: &[Vec<Cell>],
) -> (Vec<LogEntry>, Vec<&'o Vec<Cell>>) {
    let mut log = Vec::with_capacity(rows.len() + old.len());
    for r in rows {
        let key = &r[..CycleTown::KEY];
        let before = old_by_key.get(key).map(|o| row_json(CycleTown::COLUMNS, o));
        log.push(LogEntry {
            key: key_text(key),
            action: if before.is_some() {
                Action::Update
            } else {
                Action::Insert
            },
            before,
            after: Some(row_json(CycleTown::COLUMNS, r)),
        });
    }
    let given: HashSet<&[Cell]> = rows.iter().map(|r| &r[..CycleTown::KEY]).collect();
    let gone: Vec<&Vec<Cell>> = old
        .iter()
        .filter(|o| !given.contains(&o[..CycleTown::KEY]))
        .collect();
    for o in &gone {
        log.push(LogEntry {
            key: key_text(&o[..CycleTown::KEY]),
            action: Action::Delete,
            before: Some(row_json(CycleTown::COLUMNS, o)),
            after: None,
        });
    }
    (log, gone)
}

/// A stored proposal's village code.
pub(crate) fn stored_village(text: &str) -> Result<VillageCode, StoreError> {
    VillageCode::parse(text).map_err(|e| StoreError::Corrupt {
        table: CycleSecretary::ZH,
        key: text.to_owned(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use touyan_records::{CitizenId, TownCode};

    fn proposal(village: &str, place: Option<u32>) -> CycleSecretary {
        CycleSecretary {
            year: 2025,
            village: VillageCode::parse(village).unwrap(),
            town: TownCode::parse(&village[..9]).unwrap(),
            person: CitizenId::parse("11010519491231002X").unwrap(),
            eligible: place.is_some(),
            place,
            tier: place.map(|_| 3),
            checks_json: format!("{{\"village\":\"{village}\"}}"),
        }
    }

    fn villages<'a>(list: &'a [(&'a CycleSecretary, i64)]) -> Vec<&'a str> {
        list.iter().map(|(s, _)| s.village.as_str()).collect()
    }

    fn code(v: &str) -> VillageCode {
        VillageCode::parse(v).unwrap()
    }

    fn codes(list: &[VillageCode]) -> Vec<&str> {
        list.iter().map(VillageCode::as_str).collect()
    }

    #[test]
    fn a_plan_merges_stored_rows_with_proposals_given_in_any_order() {
        let a = proposal("370783100201", Some(1));
        let b = proposal("370783100202", None);
        let c = proposal("370783100203", Some(2));
        let e = proposal("370783100205", None);
        // Both sides out of village order on purpose. a unchanged, b
        // changed, c stored before m0007 (no digest), d and f gone, e new.
        let new = vec![e.clone(), a.clone(), c.clone(), b.clone()];
        let stored = vec![
            (code("370783100206"), Some(9)),
            (code("370783100201"), Some(digest(&a))),
            (code("370783100202"), Some(digest(&b).wrapping_add(1))),
            (code("370783100203"), None),
            (code("370783100204"), Some(7)),
        ];
        let p = plan(stored, &new).unwrap();
        assert_eq!(p.unchanged, 1);
        assert_eq!(villages(&p.update), ["370783100202", "370783100203"]);
        assert_eq!(villages(&p.insert), ["370783100205"]);
        assert_eq!(p.insert[0].1, digest(&e));
        assert_eq!(codes(&p.delete), ["370783100204", "370783100206"]);
    }

    #[test]
    fn a_plan_with_nothing_stored_inserts_everything_and_with_nothing_new_deletes_everything() {
        let a = proposal("370783100201", Some(1));
        let b = proposal("370783100202", None);
        let new = vec![a, b];
        let p = plan(Vec::new(), &new).unwrap();
        assert_eq!(villages(&p.insert), ["370783100201", "370783100202"]);
        assert!(p.update.is_empty() && p.delete.is_empty());
        assert_eq!(p.unchanged, 0);

        let stored = vec![
            (code("370783100209"), Some(1)),
            (code("370783100201"), None),
        ];
        let p = plan(stored, &[]).unwrap();
        assert!(p.insert.is_empty());
        assert_eq!(codes(&p.delete), ["370783100201", "370783100209"]);
    }

    #[test]
    fn a_merge_refuses_a_village_twice_and_villages_out_of_order() {
        let a = proposal("370783100201", Some(1));
        let b = proposal("370783100202", None);
        let twice = vec![a.clone(), b.clone(), proposal("370783100201", None)];
        let Err(e) = plan(Vec::new(), &twice) else {
            panic!("a village proposed twice was taken");
        };
        assert!(e.to_string().contains("370783100201"), "{e}");
        assert!(e.to_string().contains("不止一次"), "{e}");

        // Step by step, in village order.
        let mut m = Merge::new(vec![(code("370783100201"), Some(digest(&a)))]);
        let mut gone = Vec::new();
        assert_eq!(
            m.step(2025, b.village, digest(&b), &mut gone).unwrap(),
            Step::Insert
        );
        assert_eq!(codes(&gone), ["370783100201"]);
        let e = m.step(2025, a.village, digest(&a), &mut gone).unwrap_err();
        assert!(e.to_string().contains("顺序"), "{e}");
        let e = m.step(2025, b.village, digest(&b), &mut gone).unwrap_err();
        assert!(e.to_string().contains("不止一次"), "{e}");
    }
}
