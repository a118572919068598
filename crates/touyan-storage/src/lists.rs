//! The review of a town's yearly list (tables `list_reviews`, `list_drafts`, `list_moves` of `m0009_workflows`; issue 5,
//! item 1). Which move is allowed is `touyan-workflow`'s business; this
//! module keeps the states, drafts and moves, and writes a move in one
//! transaction: the review row, the draft when one is given, the move, and
//! — when the city files — the filed list in `list_entries`. Every row
//! written goes to the change log like any record.
//!
//! Two users moving the same list at once: a move names the state its
//! user saw, and the write first claims the review row in that state (an
//! `UPDATE … WHERE state = …` that locks the row on PostgreSQL and takes
//! the write lock on SQLite); the second finds the state changed and is
//! refused with a message to reload.

use sea_orm::{ConnectionTrait, Statement, Value};
use time::PrimitiveDateTime;
use touyan_records::TownCode;
use touyan_records::model::{
    Labelled, ListDraft, ListEntry, ListFiling, ListMove, ListMoveKind, ListReview, ListStatus,
    ReviewState,
};

use crate::record::{Cell, Col, Kind, Reader, Record, col, int, label, opt_int, text};

impl Record for ListFiling {
    const TABLE: &'static str = "list_filings";
    const ZH: &'static str = "名单备案版本";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("town", Kind::Text),
        col("version", Kind::Int),
        col("person", Kind::Text),
        col("village", Kind::Text),
        col("tier", Kind::Int),
        col("filed_on", Kind::Date),
    ];
    const KEY: usize = 4;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            text(self.town.as_str()),
            int(self.version),
            text(self.person.as_str()),
            text(self.village.as_str()),
            int(self.tier),
            Cell::Date(self.filed_on),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(ListFiling {
            year: r.int()?,
            town: r.parse(TownCode::parse)?,
            version: r.int()?,
            person: r.parse(touyan_records::CitizenId::parse)?,
            village: r.parse(touyan_records::VillageCode::parse)?,
            tier: r.int()?,
            filed_on: r.date()?,
        })
    }
}
use crate::sql::Params;
use crate::{Store, StoreError, Tx};

impl Record for ListReview {
    const TABLE: &'static str = "list_reviews";
    const ZH: &'static str = "名单审核";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("town", Kind::Text),
        col("state", Kind::Text),
        col("version", Kind::Int),
        col("comment", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            text(self.town.as_str()),
            label(self.state),
            int(self.version),
            text(&self.comment),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(ListReview {
            year: r.int()?,
            town: r.parse(TownCode::parse)?,
            state: r.label()?,
            version: r.int()?,
            comment: r.text()?,
        })
    }
}

impl Record for ListDraft {
    const TABLE: &'static str = "list_drafts";
    const ZH: &'static str = "名单草稿";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("village", Kind::Text),
        col("town", Kind::Text),
        col("person", Kind::Text),
        col("tier", Kind::Int),
        col("reason", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            text(self.village.as_str()),
            text(self.town.as_str()),
            text(self.person.as_str()),
            opt_int(self.tier),
            text(&self.reason),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(ListDraft {
            year: r.int()?,
            village: r.parse(touyan_records::VillageCode::parse)?,
            town: r.parse(TownCode::parse)?,
            person: r.parse(touyan_records::CitizenId::parse)?,
            tier: r.opt_int()?,
            reason: r.text()?,
        })
    }
}

impl Record for ListMove {
    const TABLE: &'static str = "list_moves";
    const ZH: &'static str = "名单流转记录";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("town", Kind::Text),
        col("seq", Kind::Int),
        col("kind", Kind::Text),
        col("to_state", Kind::Text),
        col("comment", Kind::Text),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            text(self.town.as_str()),
            int(self.seq),
            label(self.kind),
            label(self.to),
            text(&self.comment),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(ListMove {
            year: r.int()?,
            town: r.parse(TownCode::parse)?,
            seq: r.int()?,
            kind: r.label()?,
            to: r.label()?,
            comment: r.text()?,
        })
    }
}

/// A stored move with who made it and when (UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListMoveRun {
    pub entry: ListMove,
    pub by: String,
    pub at: PrimitiveDateTime,
}

/// One move to write (already allowed by the workflow).
#[derive(Clone, Debug)]
pub struct ListChange {
    pub year: i32,
    pub town: TownCode,
    /// The state the user saw (`None`: no review yet).
    pub expected: Option<ReviewState>,
    pub kind: ListMoveKind,
    pub to: ReviewState,
    /// The move starts the next version (an adjustment).
    pub new_version: bool,
    pub comment: String,
    /// The draft to keep instead of the stored one (`None`: unchanged).
    pub drafts: Option<Vec<ListDraft>>,
    /// The list to file instead of the town's filed one (`None`: no
    /// filing in this move).
    pub filed: Option<Vec<ListEntry>>,
    /// The day of a filing: the version filed is kept in `list_filings`
    /// from this day (the list as it stood before the first filing
    /// through the review, as version 0 from the year's first day).
    pub filed_on: Option<time::Date>,
}

/// `year = ? AND town = ?` and its values.
fn of_town(p: &mut Params, year: i32, town: TownCode) -> (String, Vec<Value>) {
    (
        format!("year = {} AND town = {}", p.next(), p.next()),
        vec![
            Value::Int(Some(year)),
            Value::String(Some(town.as_str().to_owned())),
        ],
    )
}

impl Store {
    /// The review of `town`'s list of `year`, if any.
    pub async fn list_review(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<Option<ListReview>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_town(&mut p, year, town);
        Ok(
            crate::sql::select::<ListReview, _>(&self.db, self.backend, &f, v)
                .await?
                .into_iter()
                .next(),
        )
    }

    /// Every town's review of `year`, in town order.
    pub async fn list_reviews(&self, year: i32) -> Result<Vec<ListReview>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!("year = {}", p.next());
        crate::sql::select::<ListReview, _>(
            &self.db,
            self.backend,
            &f,
            vec![Value::Int(Some(year))],
        )
        .await
    }

    /// The town's draft of `year`, by village.
    pub async fn list_drafts(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<Vec<ListDraft>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_town(&mut p, year, town);
        crate::sql::select::<ListDraft, _>(&self.db, self.backend, &f, v).await
    }

    /// The town's filed list of `year` (`list_entries`), by person.
    pub async fn filed_list(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<Vec<ListEntry>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, mut v) = of_town(&mut p, year, town);
        let f = format!("{f} AND status = {}", p.next());
        v.push(Value::String(Some(ListStatus::Filed.code().to_owned())));
        crate::sql::select::<ListEntry, _>(&self.db, self.backend, &f, v).await
    }

    /// The filed versions of `town`'s list of `year` (`list_filings`),
    /// by version and person.
    pub async fn list_filings(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<Vec<ListFiling>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_town(&mut p, year, town);
        let mut rows: Vec<ListFiling> = crate::sql::select(&self.db, self.backend, &f, v).await?;
        rows.sort_by(|a, b| (a.version, &a.person).cmp(&(b.version, &b.person)));
        Ok(rows)
    }

    /// How many people each town has on its filed list of `year`.
    pub async fn filed_counts(
        &self,
        year: i32,
    ) -> Result<std::collections::HashMap<String, usize>, StoreError> {
        let mut p = Params::new(self.backend);
        let sql = format!(
            "SELECT town, COUNT(*) FROM list_entries WHERE year = {} AND status = {} GROUP BY town",
            p.next(),
            p.next()
        );
        let values = vec![
            Value::Int(Some(year)),
            Value::String(Some(ListStatus::Filed.code().to_owned())),
        ];
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                values,
            ))
            .await?;
        rows.iter()
            .map(|r| {
                let n: i64 = r.try_get_by_index(1)?;
                Ok((r.try_get_by_index(0)?, usize::try_from(n).unwrap_or(0)))
            })
            .collect()
    }

    /// The moves of the town's list of `year`, in order, with who and when.
    pub async fn list_moves(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<Vec<ListMoveRun>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_town(&mut p, year, town);
        let rows = crate::moves::select_audited(&self.db, self.backend, &f, v, "seq").await?;
        Ok(rows
            .into_iter()
            .map(|(entry, by, at)| ListMoveRun { entry, by, at })
            .collect())
    }

    /// Writes one move of a town's list in one transaction (see the
    /// module's note); returns the review as it now stands. Refused, with
    /// nothing written, when the list is no longer in `c.expected`.
    pub async fn move_list(
        &self,
        actor: &str,
        origin: Option<&str>,
        c: &ListChange,
    ) -> Result<ListReview, StoreError> {
        let outside = c
            .drafts
            .iter()
            .flatten()
            .map(|d| (d.year, d.town))
            .chain(c.filed.iter().flatten().map(|e| (e.year, e.town)))
            .any(|k| k != (c.year, c.town));
        if outside {
            return Err(StoreError::Internal(
                "名单中有不属于本镇街本年度的记录".into(),
            ));
        }
        let mut tx = self.begin_from(actor, origin).await?;
        let b = self.backend;
        // Claim the row in the state the user saw.
        let mut p = Params::new(b);
        let (f, v) = of_town(&mut p, c.year, c.town);
        let old: Option<ListReview> = match c.expected {
            Some(s) => {
                if tx
                    .claim_state("list_reviews", &mut p, &f, v, s.code())
                    .await?
                    != 1
                {
                    return Err(StoreError::Stale);
                }
                let mut p = Params::new(b);
                let (f, v) = of_town(&mut p, c.year, c.town);
                crate::sql::select::<ListReview, _>(&tx.tx, b, &f, v)
                    .await?
                    .into_iter()
                    .next()
            }
            None => {
                let found = crate::sql::select::<ListReview, _>(&tx.tx, b, &f, v).await?;
                if !found.is_empty() {
                    return Err(StoreError::Stale);
                }
                None
            }
        };
        let comment = if !c.comment.trim().is_empty() {
            c.comment.trim().to_owned()
        } else if c.kind == ListMoveKind::Save {
            old.as_ref().map(|o| o.comment.clone()).unwrap_or_default()
        } else {
            String::new()
        };
        let review = ListReview {
            year: c.year,
            town: c.town,
            state: c.to,
            version: old.as_ref().map_or(1, |o| o.version) + u32::from(c.new_version),
            comment,
        };
        tx.upsert(std::slice::from_ref(&review)).await?;
        if let Some(drafts) = &c.drafts {
            let mut p = Params::new(b);
            let (f, v) = of_town(&mut p, c.year, c.town);
            let stored: Vec<ListDraft> = crate::sql::select(&tx.tx, b, &f, v).await?;
            let gone: Vec<ListDraft> = stored
                .into_iter()
                .filter(|s| !drafts.iter().any(|d| d.village == s.village))
                .collect();
            tx.delete(&gone).await?;
            tx.upsert(drafts).await?;
        }
        let seq = {
            let mut p = Params::new(b);
            let (f, v) = of_town(&mut p, c.year, c.town);
            tx.next_seq("list_moves", &f, v).await?
        };
        tx.insert(&[ListMove {
            year: c.year,
            town: c.town,
            seq,
            kind: c.kind,
            to: c.to,
            comment: c.comment.trim().to_owned(),
        }])
        .await?;
        if let Some(filed) = &c.filed {
            file_version(&mut tx, c, filed, review.version).await?;
        }
        tx.commit().await?;
        Ok(review)
    }
}

/// The filing of a move: the town's `list_entries` replaced by `filed`,
/// and the version filed kept in `list_filings` from `c.filed_on` (the
/// first time, the list as it stood too, as version 0 from 1 January).
async fn file_version(
    tx: &mut Tx,
    c: &ListChange,
    filed: &[ListEntry],
    version: u32,
) -> Result<(), StoreError> {
    let b = tx.backend;
    let mut p = Params::new(b);
    let (f, v) = of_town(&mut p, c.year, c.town);
    let stored: Vec<ListEntry> = crate::sql::select(&tx.tx, b, &f, v).await?;
    let gone: Vec<ListEntry> = stored
        .iter()
        .filter(|s| !filed.iter().any(|e| e.person == s.person))
        .cloned()
        .collect();
    let day = c
        .filed_on
        .ok_or_else(|| StoreError::Internal("备案缺少备案日期".into()))?;
    let mut p = Params::new(b);
    let (f, v) = of_town(&mut p, c.year, c.town);
    let versions: Vec<ListFiling> = crate::sql::select(&tx.tx, b, &f, v).await?;
    let mut rows: Vec<ListFiling> = Vec::new();
    if versions.is_empty() {
        let first = time::Date::from_calendar_date(c.year, time::Month::January, 1)
            .map_err(|_| StoreError::Invalid(format!("{} 不是有效年份", c.year)))?;
        rows.extend(
            stored
                .iter()
                .filter(|e| e.status == ListStatus::Filed)
                .map(|e| ListFiling {
                    year: e.year,
                    town: e.town,
                    version: 0,
                    person: e.person.clone(),
                    village: e.village,
                    tier: e.tier,
                    filed_on: first,
                }),
        );
    }
    rows.extend(filed.iter().map(|e| ListFiling {
        year: e.year,
        town: e.town,
        version,
        person: e.person.clone(),
        village: e.village,
        tier: e.tier,
        filed_on: day,
    }));
    tx.delete(&gone).await?;
    tx.upsert(filed).await?;
    tx.upsert(&rows).await?;
    Ok(())
}

/// What a list page shows beside a stored proposal of a village: the
/// names, and the village's stars of the year before (those the cycle
/// judged; `None`: no facts on record).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalNames {
    pub village: String,
    pub village_name: String,
    pub person_name: String,
    pub stars: Option<u8>,
}

impl Store {
    /// The names and stars of every village in `town`'s stored proposal of
    /// `year`, by village.
    pub async fn proposal_names(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<Vec<ProposalNames>, StoreError> {
        // Placeholders numbered in the order they appear (SQLite's `?`
        // are positional).
        let mut p = Params::new(self.backend);
        let (prev, y, t) = (p.next(), p.next(), p.next());
        let sql = format!(
            "SELECT cs.village, v.name, pe.name, vy.stars FROM cycle_secretaries cs \
             JOIN villages v ON v.code = cs.village \
             JOIN people pe ON pe.citizen_id = cs.person \
             LEFT JOIN village_years vy ON vy.village = cs.village AND vy.year = {prev} \
             WHERE cs.year = {y} AND cs.town = {t} ORDER BY cs.village"
        );
        let values = vec![
            Value::Int(Some(year - 1)),
            Value::Int(Some(year)),
            Value::String(Some(town.as_str().to_owned())),
        ];
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                values,
            ))
            .await?;
        rows.iter()
            .map(|r| {
                let stars: Option<i32> = r.try_get_by_index(3)?;
                Ok(ProposalNames {
                    village: r.try_get_by_index(0)?,
                    village_name: r.try_get_by_index(1)?,
                    person_name: r.try_get_by_index(2)?,
                    stars: stars.and_then(|s| u8::try_from(s).ok()),
                })
            })
            .collect()
    }
}

/// A person on a town's filed list, with the names a page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedPerson {
    pub person: touyan_records::CitizenId,
    pub name: String,
    pub village: String,
    pub village_name: String,
    pub tier: u8,
}

impl Store {
    /// Filed version `version` of the town's list of `year`
    /// (`list_filings`) with names, by village and person.
    pub async fn filing_names(
        &self,
        year: i32,
        town: TownCode,
        version: u32,
    ) -> Result<Vec<ListedPerson>, StoreError> {
        let mut p = Params::new(self.backend);
        let sql = format!(
            "SELECT f.person, pe.name, f.village, v.name, f.tier FROM list_filings f \
             JOIN people pe ON pe.citizen_id = f.person JOIN villages v ON v.code = f.village \
             WHERE f.year = {} AND f.town = {} AND f.version = {} ORDER BY f.village, f.person",
            p.next(),
            p.next(),
            p.next()
        );
        let values = vec![
            Value::Int(Some(year)),
            Value::String(Some(town.as_str().to_owned())),
            Value::Int(Some(i32::try_from(version).unwrap_or(i32::MAX))),
        ];
        self.listed_people(sql, values).await
    }

    /// The town's filed list of `year` with names, by village and person.
    pub async fn filed_names(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<Vec<ListedPerson>, StoreError> {
        let mut p = Params::new(self.backend);
        let sql = format!(
            "SELECT e.person, pe.name, e.village, v.name, e.tier FROM list_entries e \
             JOIN people pe ON pe.citizen_id = e.person JOIN villages v ON v.code = e.village \
             WHERE e.year = {} AND e.town = {} AND e.status = {} ORDER BY e.village, e.person",
            p.next(),
            p.next(),
            p.next()
        );
        let values = vec![
            Value::Int(Some(year)),
            Value::String(Some(town.as_str().to_owned())),
            Value::String(Some(ListStatus::Filed.code().to_owned())),
        ];
        self.listed_people(sql, values).await
    }

    /// Rows of (person, name, village, village name, tier) read as
    /// [`ListedPerson`]s.
    async fn listed_people(
        &self,
        sql: String,
        values: Vec<Value>,
    ) -> Result<Vec<ListedPerson>, StoreError> {
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                values,
            ))
            .await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get_by_index(0)?;
                let tier: i32 = r.try_get_by_index(4)?;
                Ok(ListedPerson {
                    person: touyan_records::CitizenId::parse(&id)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?,
                    name: r.try_get_by_index(1)?,
                    village: r.try_get_by_index(2)?,
                    village_name: r.try_get_by_index(3)?,
                    tier: u8::try_from(tier).unwrap_or(0),
                })
            })
            .collect()
    }
}
