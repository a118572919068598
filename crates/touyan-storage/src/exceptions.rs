//! Exceptions to the hedged clauses of a town's yearly list (tables
//! `list_exceptions`, `exception_moves` of `m0017_exceptions`; issue 17,
//! item 1). Which move is allowed is `touyan-workflow`'s
//! `art01_13_exception`; this module keeps the exceptions and writes a
//! move in one transaction: the exception's row and the move. Every row
//! goes to the change log like any record.
//!
//! Two users moving one exception at once: a move names the state its
//! user saw and first claims the row in that state; the second finds it
//! changed and is refused with `Stale`.

use time::PrimitiveDateTime;
use touyan_records::model::{
    Departure, ExceptionMove, ExceptionMoveKind, ExceptionState, Labelled, ListException,
};
use touyan_records::{CitizenId, TownCode};

use crate::record::{Cell, Col, Kind, Reader, Record, col, int, label, opt_int, opt_text, text};
use crate::sql::Query;
use crate::{Store, StoreError};

impl Record for ListException {
    const TABLE: &'static str = "list_exceptions";
    const ZH: &'static str = "名单例外";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("town", Kind::Text),
        col("seq", Kind::Int),
        col("rule_id", Kind::Text),
        col("person", Kind::Text),
        col("list_size", Kind::Int),
        col("tier1_places", Kind::Int),
        col("tier2_places", Kind::Int),
        col("reason", Kind::Text),
        col("state", Kind::Text),
        col("comment", Kind::Text),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        let (person, size, t1, t2) = match &self.departure {
            Departure::Person(p) => (Some(p.as_str()), None, None, None),
            Departure::ListSize(n) => (None, Some(*n), None, None),
            Departure::TierPlaces { tier1, tier2 } => (None, None, Some(*tier1), Some(*tier2)),
        };
        Ok(vec![
            int(self.year),
            text(self.town.as_str()),
            int(self.seq),
            text(&self.rule),
            opt_text(person),
            opt_int(size),
            opt_int(t1),
            opt_int(t2),
            text(&self.reason),
            label(self.state),
            text(&self.comment),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        let year = r.int()?;
        let town = r.parse(TownCode::parse)?;
        let seq = r.int()?;
        let rule = r.text()?;
        let person = r.opt_parse(CitizenId::parse)?;
        let size: Option<u32> = r.opt_int()?;
        let t1: Option<u32> = r.opt_int()?;
        let t2: Option<u32> = r.opt_int()?;
        let departure = match (person, size, t1, t2) {
            (Some(p), None, None, None) => Departure::Person(p),
            (None, Some(n), None, None) => Departure::ListSize(n),
            (None, None, Some(tier1), Some(tier2)) => Departure::TierPlaces { tier1, tier2 },
            _ => return Err("例外的对象不完整".to_owned()),
        };
        Ok(ListException {
            year,
            town,
            seq,
            rule,
            departure,
            reason: r.text()?,
            state: r.label()?,
            comment: r.text()?,
        })
    }
}

impl Record for ExceptionMove {
    const TABLE: &'static str = "exception_moves";
    const ZH: &'static str = "名单例外流转记录";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("town", Kind::Text),
        col("seq", Kind::Int),
        col("step", Kind::Int),
        col("kind", Kind::Text),
        col("to_state", Kind::Text),
        col("comment", Kind::Text),
    ];
    const KEY: usize = 4;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            text(self.town.as_str()),
            int(self.seq),
            int(self.step),
            label(self.kind),
            label(self.to),
            text(&self.comment),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(ExceptionMove {
            year: r.int()?,
            town: r.parse(TownCode::parse)?,
            seq: r.int()?,
            step: r.int()?,
            kind: r.label()?,
            to: r.label()?,
            comment: r.text()?,
        })
    }
}

/// A stored move with who made it and when (UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionMoveRun {
    pub entry: ExceptionMove,
    pub by: String,
    pub at: PrimitiveDateTime,
}

/// One move to write (already allowed by the workflow).
#[derive(Clone, Debug)]
pub struct ExceptionChange {
    /// The state the user saw (`None`: a new exception, numbered by the
    /// write).
    pub expected: Option<ExceptionState>,
    pub kind: ExceptionMoveKind,
    /// The exception as it stands after the move (its `seq` is ignored
    /// for a new one).
    pub exception: ListException,
    pub comment: String,
}

/// `year = ? AND town = ?` (and `seq = ?`) bound in `q`.
fn of_town(q: &mut Query, year: i32, town: TownCode, seq: Option<u32>) -> String {
    let mut f = format!(
        "year = {} AND town = {}",
        q.bind(year),
        q.bind(town.as_str().to_owned())
    );
    if let Some(s) = seq {
        f.push_str(&format!(" AND seq = {}", q.bind(i64::from(s))));
    }
    f
}

impl Store {
    /// The exceptions of `year`, of one town or of every town, by town
    /// and number.
    pub async fn list_exceptions(
        &self,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<Vec<ListException>, StoreError> {
        let mut q = Query::new(self.backend);
        let f = match town {
            Some(t) => of_town(&mut q, year, t, None),
            None => format!("year = {}", q.bind(year)),
        };
        let mut v: Vec<ListException> =
            crate::sql::select(&self.db, self.backend, &f, q.values).await?;
        v.sort_by_key(|e| (e.town, e.seq));
        Ok(v)
    }

    /// The moves of `year`'s exceptions, of one town or of every town, in
    /// order, with who and when.
    pub async fn exception_moves(
        &self,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<Vec<ExceptionMoveRun>, StoreError> {
        let mut q = Query::new(self.backend);
        let f = match town {
            Some(t) => of_town(&mut q, year, t, None),
            None => format!("year = {}", q.bind(year)),
        };
        let rows =
            crate::moves::select_audited(&self.db, self.backend, &f, q.values, "town, seq, step")
                .await?;
        Ok(rows
            .into_iter()
            .map(|(entry, by, at)| ExceptionMoveRun { entry, by, at })
            .collect())
    }

    /// Writes one move of an exception in one transaction; returns the
    /// exception as it now stands (a new one with its number). Refused,
    /// with nothing written, when it is no longer in `c.expected`.
    pub async fn move_exception(
        &self,
        actor: &str,
        origin: Option<&str>,
        c: &ExceptionChange,
    ) -> Result<ListException, StoreError> {
        let mut e = c.exception.clone();
        let mut tx = self.begin_from(actor, origin).await?;
        let b = self.backend;
        match c.expected {
            Some(s) => {
                let mut q = Query::new(b);
                let f = of_town(&mut q, e.year, e.town, Some(e.seq));
                let mut p = crate::sql::Params::new(b);
                // `claim_state` numbers its one placeholder after the
                // filter's.
                for _ in 0..q.values.len() {
                    p.next();
                }
                if tx
                    .claim_state("list_exceptions", &mut p, &f, q.values, s.code())
                    .await?
                    != 1
                {
                    return Err(StoreError::Stale);
                }
            }
            None => {
                let mut q = Query::new(b);
                let f = of_town(&mut q, e.year, e.town, None);
                e.seq = tx.next_seq("list_exceptions", &f, q.values).await?;
            }
        }
        // A new exception is inserted, never upserted: two numbered alike
        // at once leave the second refused, not the first overwritten.
        if c.expected.is_none() {
            tx.insert(std::slice::from_ref(&e))
                .await
                .map_err(|err| match err {
                    StoreError::Duplicate { .. } => StoreError::Stale,
                    other => other,
                })?;
        } else {
            tx.upsert(std::slice::from_ref(&e)).await?;
        }
        let step = {
            let mut q = Query::new(b);
            let f = of_town(&mut q, e.year, e.town, Some(e.seq));
            tx.next_seq_of("exception_moves", "step", &f, q.values)
                .await?
        };
        tx.insert(&[ExceptionMove {
            year: e.year,
            town: e.town,
            seq: e.seq,
            step,
            kind: c.kind,
            to: e.state,
            comment: c.comment.trim().to_owned(),
        }])
        .await?;
        tx.commit().await?;
        Ok(e)
    }
}
