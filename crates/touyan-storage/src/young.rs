//! Young-cadre candidates and their moves (Article 10, tables of
//! `m0012_young_selection`; which move is allowed is `touyan-workflow`'s
//! `art10_young`). A candidate's move ([`Store::move_young`]) claims the
//! candidate in the state its user saw, writes the candidate, its
//! programme row (and, when filed, its listing as a secretary reserve)
//! and the move, and — when selecting — counts the town's places again
//! inside the transaction.

use sea_orm::{ConnectionTrait, Statement, Value};
use time::PrimitiveDateTime;
use touyan_records::model::{
    Labelled, Reserve, YoungCadre, YoungCandidate, YoungMove, YoungMoveKind, YoungState,
};
use touyan_records::{CitizenId, TownCode, VillageCode};

use crate::record::{Cell, Col, Kind, Reader, Record, col, int, label, opt_date, scaled, text};
use crate::sql::Params;
use crate::{Store, StoreError};

impl Record for YoungCandidate {
    const TABLE: &'static str = "young_candidates";
    const ZH: &'static str = "年轻干部候选人";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("year", Kind::Int),
        col("town", Kind::Text),
        col("village", Kind::Text),
        col("score_x100", Kind::BigInt),
        col("current_pay_fen", Kind::BigInt),
        col("note", Kind::Text),
        col("state", Kind::Text),
        col("comment", Kind::Text),
        col("extended_to", Kind::Date),
    ];
    const KEY: usize = 1;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(self.person.as_str()),
            int(self.year),
            text(self.town.as_str()),
            text(self.village.as_str()),
            Cell::Int(scaled(self.score, 2, "评分")?),
            Cell::Int(scaled(self.current_pay, 2, "原月报酬（元）")?),
            text(&self.note),
            label(self.state),
            text(&self.comment),
            opt_date(self.extended_to),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(YoungCandidate {
            person: r.parse(CitizenId::parse)?,
            year: r.int()?,
            town: r.parse(TownCode::parse)?,
            village: r.parse(VillageCode::parse)?,
            score: r.scaled(2)?,
            current_pay: r.scaled(2)?,
            note: r.text()?,
            state: r.label()?,
            comment: r.text()?,
            extended_to: r.opt_date()?,
        })
    }
}

impl Record for YoungMove {
    const TABLE: &'static str = "young_moves";
    const ZH: &'static str = "年轻干部人选流转记录";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("seq", Kind::Int),
        col("town", Kind::Text),
        col("kind", Kind::Text),
        col("to_state", Kind::Text),
        col("comment", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(self.person.as_str()),
            int(self.seq),
            text(self.town.as_str()),
            label(self.kind),
            label(self.to),
            text(&self.comment),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(YoungMove {
            person: r.parse(CitizenId::parse)?,
            seq: r.int()?,
            town: r.parse(TownCode::parse)?,
            kind: r.label()?,
            to: r.label()?,
            comment: r.text()?,
        })
    }
}

/// A candidate's move with who made it and when (UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YoungMoveRun {
    pub entry: YoungMove,
    pub by: String,
    pub at: PrimitiveDateTime,
}

/// One move of a young-cadre candidate to write (already allowed by the
/// workflow).
#[derive(Clone, Debug)]
pub struct YoungChange {
    /// The candidate as the move leaves it.
    pub candidate: YoungCandidate,
    /// The stored candidate's state its user saw (`None`: no candidate
    /// row yet, say a cadre on the programme by import).
    pub expected: Option<YoungState>,
    pub kind: YoungMoveKind,
    pub comment: String,
    /// The programme row to write (selected: a new one; filed: its filing
    /// day).
    pub cadre: Option<YoungCadre>,
    /// The programme row to delete (deselected or returned).
    pub remove_cadre: Option<YoungCadre>,
    /// Selecting: the most the town may have on the programme (Article
    /// 10's cap), counted again in the transaction.
    pub cap: Option<u32>,
    /// Selecting: people whose programme rows hold no place (their term
    /// ended or they exited, as the office decided); the recount leaves
    /// their rows out.
    pub off_programme: Vec<CitizenId>,
    /// Filing: the cadre's listing in the secretary reserve pool (Article
    /// 10: "纳入村党组织书记后备干部库"), when not listed already.
    pub reserve: Option<Reserve>,
    /// Unfiling: the listing its filing made, withdrawn with it.
    pub remove_reserve: Option<Reserve>,
}

fn of_town(p: &mut Params, town: TownCode) -> (String, Vec<Value>) {
    (
        format!("town = {}", p.next()),
        vec![Value::String(Some(town.as_str().to_owned()))],
    )
}

impl Store {
    /// The town's young-cadre candidates (every year), by person.
    pub async fn young_candidates(
        &self,
        town: TownCode,
    ) -> Result<Vec<YoungCandidate>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_town(&mut p, town);
        crate::sql::select(&self.db, self.backend, &f, v).await
    }

    /// Every move of the town's candidates, in the order they were made,
    /// with who and when.
    pub async fn young_moves(&self, town: TownCode) -> Result<Vec<YoungMoveRun>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_town(&mut p, town);
        let rows =
            crate::moves::select_audited(&self.db, self.backend, &f, v, "updated_at, person, seq")
                .await?;
        Ok(rows
            .into_iter()
            .map(|(entry, by, at)| YoungMoveRun { entry, by, at })
            .collect())
    }

    /// Writes one move of a young-cadre candidate in one transaction (see
    /// the module's note). Refused, with nothing written, when the
    /// candidate is no longer in `c.expected`, or when selecting would put
    /// more of the town's cadres on the programme than `c.cap`.
    pub async fn move_young(
        &self,
        actor: &str,
        origin: Option<&str>,
        c: &YoungChange,
    ) -> Result<(), StoreError> {
        let person = c.candidate.person.as_str().to_owned();
        let town = c.candidate.town;
        let mut tx = self.begin_from(actor, origin).await?;
        let b = self.backend;
        if c.cap.is_some() {
            // Selections of one town one at a time: lock the town's row
            // (PostgreSQL; SQLite holds the write lock already).
            let mut p = Params::new(b);
            let sql = format!("UPDATE towns SET name = name WHERE code = {}", p.next());
            tx.tx
                .execute_raw(Statement::from_sql_and_values(
                    b.db(),
                    sql,
                    vec![Value::String(Some(town.as_str().to_owned()))],
                ))
                .await?;
        }
        let mut p = Params::new(b);
        let f = format!("person = {}", p.next());
        let v = vec![Value::String(Some(person.clone()))];
        match c.expected {
            Some(s) => {
                if tx
                    .claim_state("young_candidates", &mut p, &f, v, s.code())
                    .await?
                    != 1
                {
                    return Err(StoreError::Stale);
                }
            }
            None => {
                let stored: Vec<YoungCandidate> = crate::sql::select(&tx.tx, b, &f, v).await?;
                if !stored.is_empty() {
                    return Err(StoreError::Stale);
                }
            }
        }
        tx.upsert(std::slice::from_ref(&c.candidate)).await?;
        if let Some(y) = &c.remove_cadre {
            tx.delete(std::slice::from_ref(y)).await?;
        }
        if let Some(y) = &c.cadre {
            tx.upsert(std::slice::from_ref(y)).await?;
        }
        if let Some(x) = &c.reserve {
            tx.upsert(std::slice::from_ref(x)).await?;
        }
        if let Some(x) = &c.remove_reserve {
            tx.delete(std::slice::from_ref(x)).await?;
        }
        if let Some(cap) = c.cap {
            let mut p = Params::new(b);
            let f = format!(
                "village IN (SELECT code FROM villages WHERE town_code = {})",
                p.next()
            );
            let rows: Vec<YoungCadre> = crate::sql::select(
                &tx.tx,
                b,
                &f,
                vec![Value::String(Some(town.as_str().to_owned()))],
            )
            .await?;
            let n = rows
                .iter()
                .filter(|y| !c.off_programme.contains(&y.person))
                .count() as u64;
            if n > u64::from(cap) {
                return Err(StoreError::LimitExceeded {
                    count: n - 1,
                    limit: u64::from(cap),
                });
            }
        }
        let seq = {
            let mut p = Params::new(b);
            let f = format!("person = {}", p.next());
            tx.next_seq("young_moves", &f, vec![Value::String(Some(person))])
                .await?
        };
        tx.insert(&[YoungMove {
            person: c.candidate.person.clone(),
            seq,
            town,
            kind: c.kind,
            to: c.candidate.state,
            comment: c.comment.trim().to_owned(),
        }])
        .await?;
        tx.commit().await
    }
}
