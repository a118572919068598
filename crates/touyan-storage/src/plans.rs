//! A secretary's yearly plan (tables `plan_reviews`, `plan_moves` of
//! `m0010_plans`; issue 5, item 5; Article 11). Which move is allowed is
//! `touyan-workflow`'s `art11_plan`; this module keeps the plans and
//! writes a move in one transaction: the plan row, the move, and — when
//! the town files — the plan's dates in `annual_plans`. Every row goes to
//! the change log like any record.
//!
//! Two users moving the same plan at once: a move names the state its user
//! saw, and the write first claims the plan's row in that state; the second
//! finds it changed and is refused with a message to reload.
//!
//! Whose plans a town keeps (its roster of a year): the secretaries on its
//! filed list of the year, or, while it has none, those the year's stored
//! proposal includes.
//!
//! The reads of one town (`town_*`) are narrowed to the town in their SQL:
//! another town's plan, roster place or plan record is never read through
//! them, so a town's page cannot see one by mistake.

use sea_orm::{ConnectionTrait, Statement, Value};
use time::PrimitiveDateTime;
use touyan_records::model::{
    AnnualPlan, Labelled, ListStatus, PlanMove, PlanMoveKind, PlanReview, PlanState,
};
use touyan_records::{CitizenId, TownCode};

use crate::record::{Cell, Col, Kind, Reader, Record, col, int, label, opt_date, text};
use crate::sql::{Params, Query};
use crate::{Store, StoreError};

impl Record for PlanReview {
    const TABLE: &'static str = "plan_reviews";
    const ZH: &'static str = "年度计划";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("person", Kind::Text),
        col("town", Kind::Text),
        col("state", Kind::Text),
        col("content", Kind::Text),
        col("reviewed_on", Kind::Date),
        col("notice_start", Kind::Date),
        col("notice_end", Kind::Date),
        col("filed_on", Kind::Date),
        col("comment", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            text(self.person.as_str()),
            text(self.town.as_str()),
            label(self.state),
            text(&self.content),
            opt_date(self.reviewed_on),
            opt_date(self.notice_start),
            opt_date(self.notice_end),
            opt_date(self.filed_on),
            text(&self.comment),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(PlanReview {
            year: r.int()?,
            person: r.parse(CitizenId::parse)?,
            town: r.parse(TownCode::parse)?,
            state: r.label()?,
            content: r.text()?,
            reviewed_on: r.opt_date()?,
            notice_start: r.opt_date()?,
            notice_end: r.opt_date()?,
            filed_on: r.opt_date()?,
            comment: r.text()?,
        })
    }
}

impl Record for PlanMove {
    const TABLE: &'static str = "plan_moves";
    const ZH: &'static str = "年度计划流转记录";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("person", Kind::Text),
        col("seq", Kind::Int),
        col("kind", Kind::Text),
        col("to_state", Kind::Text),
        col("comment", Kind::Text),
        col("detail", Kind::Text),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            text(self.person.as_str()),
            int(self.seq),
            label(self.kind),
            label(self.to),
            text(&self.comment),
            text(&self.detail),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(PlanMove {
            year: r.int()?,
            person: r.parse(CitizenId::parse)?,
            seq: r.int()?,
            kind: r.label()?,
            to: r.label()?,
            comment: r.text()?,
            detail: r.text()?,
        })
    }
}

/// A stored move with who made it and when (UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanMoveRun {
    pub entry: PlanMove,
    pub by: String,
    pub at: PrimitiveDateTime,
}

/// One move to write (already allowed by the workflow).
#[derive(Clone, Debug)]
pub struct PlanChange {
    /// The state the user saw (`None`: no plan yet).
    pub expected: Option<PlanState>,
    pub kind: PlanMoveKind,
    /// The plan as it stands after the move.
    pub plan: PlanReview,
    pub comment: String,
    /// What the move recorded and the rules said of it.
    pub detail: String,
    /// The filed plan's dates, for a filing.
    pub filed: Option<AnnualPlan>,
}

/// A secretary whose plan a town keeps for a year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanPerson {
    pub town: String,
    pub person: CitizenId,
    pub name: String,
    pub village: String,
    pub village_name: String,
    /// On the town's filed list (`false`: on the stored proposal).
    pub filed: bool,
}

/// `year = ? AND person = ?` and its values.
fn of_person(p: &mut Params, year: i32, person: &CitizenId) -> (String, Vec<Value>) {
    (
        format!("year = {} AND person = {}", p.next(), p.next()),
        vec![
            Value::Int(Some(year)),
            Value::String(Some(person.as_str().to_owned())),
        ],
    )
}

/// Which secretaries a roster query is about.
enum Who<'a> {
    All,
    Town(TownCode),
    Person(&'a CitizenId),
    /// One person, on one town's roster only.
    TownPerson(TownCode, &'a CitizenId),
}

impl Store {
    /// The plan of `person` for `year`, if any.
    pub async fn plan_review(
        &self,
        year: i32,
        person: &CitizenId,
    ) -> Result<Option<PlanReview>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_person(&mut p, year, person);
        Ok(
            crate::sql::select::<PlanReview, _>(&self.db, self.backend, &f, v)
                .await?
                .into_iter()
                .next(),
        )
    }

    /// The plan of `person` for `year` when it is `town`'s; another town's
    /// plan reads as none.
    pub async fn town_plan_review(
        &self,
        year: i32,
        town: TownCode,
        person: &CitizenId,
    ) -> Result<Option<PlanReview>, StoreError> {
        let mut p = Params::new(self.backend);
        let (mut f, mut v) = of_person(&mut p, year, person);
        f.push_str(&format!(" AND town = {}", p.next()));
        v.push(Value::String(Some(town.as_str().to_owned())));
        Ok(
            crate::sql::select::<PlanReview, _>(&self.db, self.backend, &f, v)
                .await?
                .into_iter()
                .next(),
        )
    }

    /// The plans of `year` of one town (or of every town), by person.
    pub async fn plan_reviews(
        &self,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<Vec<PlanReview>, StoreError> {
        let mut p = Params::new(self.backend);
        let mut f = format!("year = {}", p.next());
        let mut v = vec![Value::Int(Some(year))];
        if let Some(t) = town {
            f.push_str(&format!(" AND town = {}", p.next()));
            v.push(Value::String(Some(t.as_str().to_owned())));
        }
        crate::sql::select::<PlanReview, _>(&self.db, self.backend, &f, v).await
    }

    /// The moves of a plan, in order, with who and when.
    pub async fn plan_moves(
        &self,
        year: i32,
        person: &CitizenId,
    ) -> Result<Vec<PlanMoveRun>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_person(&mut p, year, person);
        let rows = crate::moves::select_audited(&self.db, self.backend, &f, v, "seq").await?;
        Ok(rows
            .into_iter()
            .map(|(entry, by, at)| PlanMoveRun { entry, by, at })
            .collect())
    }

    /// The plan records (`annual_plans`) of `year`: those filed here and
    /// those imported.
    pub async fn annual_plans(&self, year: i32) -> Result<Vec<AnnualPlan>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!("year = {}", p.next());
        crate::sql::select::<AnnualPlan, _>(
            &self.db,
            self.backend,
            &f,
            vec![Value::Int(Some(year))],
        )
        .await
    }

    /// The plan records (`annual_plans`) of `year` of the people `town`
    /// keeps plans of: those on its roster of the year (see the module's
    /// note) and those with a plan of the town. Another town's people are
    /// not read.
    pub async fn town_annual_plans(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<Vec<AnnualPlan>, StoreError> {
        // Each value bound where it is written (SQLite's `?` are
        // positional).
        let mut q = Query::new(self.backend);
        let filed = ListStatus::Filed.code();
        let town = town.as_str();
        let f = format!(
            "year = {} AND person IN (\
             SELECT e.person FROM list_entries e \
             WHERE e.year = {} AND e.status = {} AND e.town = {} \
             UNION SELECT cs.person FROM cycle_secretaries cs \
             WHERE cs.year = {} AND cs.town = {} AND cs.tier IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM list_entries f WHERE f.year = cs.year AND f.town = cs.town \
             AND f.status = {}) \
             UNION SELECT pr.person FROM plan_reviews pr WHERE pr.year = {} AND pr.town = {})",
            q.bind(year),
            q.bind(year),
            q.bind(filed),
            q.bind(town),
            q.bind(year),
            q.bind(town),
            q.bind(filed),
            q.bind(year),
            q.bind(town),
        );
        crate::sql::select::<AnnualPlan, _>(&self.db, self.backend, &f, q.values).await
    }

    /// The plan record (`annual_plans`) of `person` for `year`, if any.
    pub async fn annual_plan(
        &self,
        year: i32,
        person: &CitizenId,
    ) -> Result<Option<AnnualPlan>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_person(&mut p, year, person);
        Ok(
            crate::sql::select::<AnnualPlan, _>(&self.db, self.backend, &f, v)
                .await?
                .into_iter()
                .next(),
        )
    }

    /// The secretaries whose plans every town keeps for `year` (see the
    /// module's note), by town and village.
    pub async fn plan_roster(&self, year: i32) -> Result<Vec<PlanPerson>, StoreError> {
        self.roster(year, Who::All).await
    }

    /// The secretaries whose plans `town` keeps for `year`, by village.
    pub async fn town_plan_roster(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<Vec<PlanPerson>, StoreError> {
        self.roster(year, Who::Town(town)).await
    }

    /// Where `person` is on a roster of `year` (their town's filed list
    /// first, then a proposal), if anywhere.
    pub async fn plan_person(
        &self,
        year: i32,
        person: &CitizenId,
    ) -> Result<Option<PlanPerson>, StoreError> {
        let mut found = self.roster(year, Who::Person(person)).await?;
        found.sort_by_key(|r| !r.filed);
        Ok(found.into_iter().next())
    }

    /// Where `person` is on `town`'s roster of `year`, if there; another
    /// town's roster is not read.
    pub async fn town_plan_person(
        &self,
        year: i32,
        town: TownCode,
        person: &CitizenId,
    ) -> Result<Option<PlanPerson>, StoreError> {
        let mut found = self.roster(year, Who::TownPerson(town, person)).await?;
        found.sort_by_key(|r| !r.filed);
        Ok(found.into_iter().next())
    }

    async fn roster(&self, year: i32, who: Who<'_>) -> Result<Vec<PlanPerson>, StoreError> {
        // Placeholders numbered in the order they appear (SQLite's `?`
        // are positional).
        let mut p = Params::new(self.backend);
        let filed = || Value::String(Some(ListStatus::Filed.code().to_owned()));
        let narrow = |p: &mut Params, alias: &str, values: &mut Vec<Value>| match &who {
            Who::All => String::new(),
            Who::Town(t) => {
                values.push(Value::String(Some(t.as_str().to_owned())));
                format!(" AND {alias}.town = {}", p.next())
            }
            Who::Person(id) => {
                values.push(Value::String(Some(id.as_str().to_owned())));
                format!(" AND {alias}.person = {}", p.next())
            }
            Who::TownPerson(t, id) => {
                values.push(Value::String(Some(t.as_str().to_owned())));
                values.push(Value::String(Some(id.as_str().to_owned())));
                format!(
                    " AND {alias}.town = {} AND {alias}.person = {}",
                    p.next(),
                    p.next()
                )
            }
        };
        let mut values = vec![Value::Int(Some(year)), filed()];
        let (y1, s1) = (p.next(), p.next());
        let n1 = narrow(&mut p, "e", &mut values);
        values.extend([Value::Int(Some(year)), filed()]);
        let (y2, s2) = (p.next(), p.next());
        let n2 = narrow(&mut p, "cs", &mut values);
        let sql = format!(
            "SELECT e.town, e.person, pe.name, e.village, v.name, 1 FROM list_entries e \
             JOIN people pe ON pe.citizen_id = e.person JOIN villages v ON v.code = e.village \
             WHERE e.year = {y1} AND e.status = {s1}{n1} \
             UNION ALL \
             SELECT cs.town, cs.person, pe.name, cs.village, v.name, 0 FROM cycle_secretaries cs \
             JOIN people pe ON pe.citizen_id = cs.person JOIN villages v ON v.code = cs.village \
             WHERE cs.year = {y2} AND cs.tier IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM list_entries f WHERE f.year = cs.year AND f.town = cs.town \
             AND f.status = {s2}){n2} \
             ORDER BY 1, 4"
        );
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
                let id: String = r.try_get_by_index(1)?;
                let filed: i32 = r.try_get_by_index(5)?;
                Ok(PlanPerson {
                    town: r.try_get_by_index(0)?,
                    person: CitizenId::parse(&id)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?,
                    name: r.try_get_by_index(2)?,
                    village: r.try_get_by_index(3)?,
                    village_name: r.try_get_by_index(4)?,
                    filed: filed == 1,
                })
            })
            .collect()
    }

    /// The names of the people with a plan of `year` in `town`, by person
    /// (for plans of people no longer on the town's roster).
    pub async fn plan_names(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<Vec<(CitizenId, String)>, StoreError> {
        let mut p = Params::new(self.backend);
        let sql = format!(
            "SELECT pr.person, pe.name FROM plan_reviews pr \
             JOIN people pe ON pe.citizen_id = pr.person \
             WHERE pr.year = {} AND pr.town = {} ORDER BY pr.person",
            p.next(),
            p.next()
        );
        let values = vec![
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
                let id: String = r.try_get_by_index(0)?;
                Ok((
                    CitizenId::parse(&id).map_err(|e| StoreError::Invalid(e.to_string()))?,
                    r.try_get_by_index(1)?,
                ))
            })
            .collect()
    }

    /// Writes one move of a plan in one transaction (see the module's
    /// note); returns the plan as it now stands. Refused, with nothing
    /// written, when the plan is no longer in `c.expected`.
    pub async fn move_plan(
        &self,
        actor: &str,
        origin: Option<&str>,
        c: &PlanChange,
    ) -> Result<PlanReview, StoreError> {
        let plan = &c.plan;
        if c.filed
            .as_ref()
            .is_some_and(|f| (f.year, &f.person) != (plan.year, &plan.person))
        {
            return Err(StoreError::Internal("备案记录不属于该年度计划".into()));
        }
        let mut tx = self.begin_from(actor, origin).await?;
        let b = self.backend;
        let mut p = Params::new(b);
        let (f, v) = of_person(&mut p, plan.year, &plan.person);
        match c.expected {
            Some(s) => {
                if tx
                    .claim_state("plan_reviews", &mut p, &f, v, s.code())
                    .await?
                    != 1
                {
                    return Err(StoreError::Stale);
                }
                let mut p = Params::new(b);
                let (f, v) = of_person(&mut p, plan.year, &plan.person);
                let old: Vec<PlanReview> = crate::sql::select(&tx.tx, b, &f, v).await?;
                if old.first().is_none_or(|o| o.town != plan.town) {
                    return Err(StoreError::Stale);
                }
            }
            None => {
                let found: Vec<PlanReview> = crate::sql::select(&tx.tx, b, &f, v).await?;
                if !found.is_empty() {
                    return Err(StoreError::Stale);
                }
            }
        }
        tx.upsert(std::slice::from_ref(plan)).await?;
        let seq = {
            let mut p = Params::new(b);
            let (f, v) = of_person(&mut p, plan.year, &plan.person);
            tx.next_seq("plan_moves", &f, v).await?
        };
        tx.insert(&[PlanMove {
            year: plan.year,
            person: plan.person.clone(),
            seq,
            kind: c.kind,
            to: plan.state,
            comment: c.comment.trim().to_owned(),
            detail: c.detail.clone(),
        }])
        .await?;
        if let Some(filed) = &c.filed {
            tx.upsert(std::slice::from_ref(filed)).await?;
        }
        tx.commit().await?;
        Ok(plan.clone())
    }
}
