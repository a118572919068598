//! Daily management and treatment records (tables of `m0011_daily`; issue
//! 5, item 8): a town's secretaries in post with what reminders are
//! computed from, one person's records, adding a record, and a leave
//! request's moves. Which move is allowed is `touyan-workflow`'s
//! `art02_daily`; every row written goes to the change log in the same
//! transaction.
//!
//! A leave move names the state its user saw and first claims the request
//! in that state (`Tx::claim_state`), so a stale page is refused.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, Statement, Value};
use time::{Date, PrimitiveDateTime};
use touyan_records::model::{
    DutyRota, Honour, Labelled, LeaveMove, LeaveMoveKind, LeaveRequest, LeaveState, PensionSubsidy,
    PostRole, Recruitment, WorkRecord, YearReport,
};
use touyan_records::{CitizenId, TownCode};

use crate::record::{Cell, Col, Kind, Reader, Record, col, int, label, opt_date, text};
use crate::sql::Params;
use crate::{Store, StoreError, Tx};

impl Record for DutyRota {
    const TABLE: &'static str = "daily_duty_rotas";
    const ZH: &'static str = "坐班值班安排";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("since_on", Kind::Date),
        col("town", Kind::Text),
        col("office_days", Kind::Int),
        col("office_hours", Kind::Text),
        col("duty_note", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(self.person.as_str()),
            Cell::Date(self.since),
            text(self.town.as_str()),
            int(self.office_days),
            text(&self.office_hours),
            text(&self.duty),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(DutyRota {
            person: r.parse(CitizenId::parse)?,
            since: r.date()?,
            town: r.parse(TownCode::parse)?,
            office_days: r.int()?,
            office_hours: r.text()?,
            duty: r.text()?,
        })
    }
}

impl Record for WorkRecord {
    const TABLE: &'static str = "daily_work_records";
    const ZH: &'static str = "工作纪实";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("seq", Kind::Int),
        col("town", Kind::Text),
        col("entry_on", Kind::Date),
        col("entry_text", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(self.person.as_str()),
            int(self.seq),
            text(self.town.as_str()),
            Cell::Date(self.on),
            text(&self.text),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(WorkRecord {
            person: r.parse(CitizenId::parse)?,
            seq: r.int()?,
            town: r.parse(TownCode::parse)?,
            on: r.date()?,
            text: r.text()?,
        })
    }
}

impl Record for YearReport {
    const TABLE: &'static str = "daily_reports";
    const ZH: &'static str = "年度述职";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("year", Kind::Int),
        col("town", Kind::Text),
        col("given_on", Kind::Date),
        col("outcome", Kind::Text),
        col("note", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(self.person.as_str()),
            int(self.year),
            text(self.town.as_str()),
            Cell::Date(self.given_on),
            label(self.outcome),
            text(&self.note),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(YearReport {
            person: r.parse(CitizenId::parse)?,
            year: r.int()?,
            town: r.parse(TownCode::parse)?,
            given_on: r.date()?,
            outcome: r.label()?,
            note: r.text()?,
        })
    }
}

impl Record for LeaveRequest {
    const TABLE: &'static str = "leave_requests";
    const ZH: &'static str = "请假";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("seq", Kind::Int),
        col("town", Kind::Text),
        col("start_on", Kind::Date),
        col("end_on", Kind::Date),
        col("reason", Kind::Text),
        col("requested_on", Kind::Date),
        col("state", Kind::Text),
        col("comment", Kind::Text),
        col("returned_on", Kind::Date),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(self.person.as_str()),
            int(self.seq),
            text(self.town.as_str()),
            Cell::Date(self.start),
            Cell::Date(self.end),
            text(&self.reason),
            Cell::Date(self.requested_on),
            label(self.state),
            text(&self.comment),
            opt_date(self.returned_on),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(LeaveRequest {
            person: r.parse(CitizenId::parse)?,
            seq: r.int()?,
            town: r.parse(TownCode::parse)?,
            start: r.date()?,
            end: r.date()?,
            reason: r.text()?,
            requested_on: r.date()?,
            state: r.label()?,
            comment: r.text()?,
            returned_on: r.opt_date()?,
        })
    }
}

impl Record for LeaveMove {
    const TABLE: &'static str = "leave_moves";
    const ZH: &'static str = "请销假办理";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("leave_seq", Kind::Int),
        col("seq", Kind::Int),
        col("kind", Kind::Text),
        col("to_state", Kind::Text),
        col("comment", Kind::Text),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(self.person.as_str()),
            int(self.leave_seq),
            int(self.seq),
            label(self.kind),
            label(self.to),
            text(&self.comment),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(LeaveMove {
            person: r.parse(CitizenId::parse)?,
            leave_seq: r.int()?,
            seq: r.int()?,
            kind: r.label()?,
            to: r.label()?,
            comment: r.text()?,
        })
    }
}

impl Record for Honour {
    const TABLE: &'static str = "honours";
    const ZH: &'static str = "表彰";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("seq", Kind::Int),
        col("town", Kind::Text),
        col("awarded_on", Kind::Date),
        col("title", Kind::Text),
        col("honour_level", Kind::Text),
        col("awarded_by", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(self.person.as_str()),
            int(self.seq),
            text(self.town.as_str()),
            Cell::Date(self.on),
            text(&self.title),
            label(self.level),
            text(&self.awarded_by),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(Honour {
            person: r.parse(CitizenId::parse)?,
            seq: r.int()?,
            town: r.parse(TownCode::parse)?,
            on: r.date()?,
            title: r.text()?,
            level: r.label()?,
            awarded_by: r.text()?,
        })
    }
}

impl Record for Recruitment {
    const TABLE: &'static str = "recruitments";
    const ZH: &'static str = "考录招聘";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("seq", Kind::Int),
        col("town", Kind::Text),
        col("hired_on", Kind::Date),
        col("kind", Kind::Text),
        col("post_name", Kind::Text),
        col("note", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(self.person.as_str()),
            int(self.seq),
            text(self.town.as_str()),
            Cell::Date(self.on),
            label(self.kind),
            text(&self.post),
            text(&self.note),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(Recruitment {
            person: r.parse(CitizenId::parse)?,
            seq: r.int()?,
            town: r.parse(TownCode::parse)?,
            on: r.date()?,
            kind: r.label()?,
            post: r.text()?,
            note: r.text()?,
        })
    }
}

impl Record for PensionSubsidy {
    const TABLE: &'static str = "pension_subsidies";
    const ZH: &'static str = "养老补贴";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("seq", Kind::Int),
        col("town", Kind::Text),
        col("year", Kind::Int),
        col("paid_on", Kind::Date),
        col("amount_fen", Kind::BigInt),
        col("note", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(self.person.as_str()),
            int(self.seq),
            text(self.town.as_str()),
            int(self.year),
            Cell::Date(self.paid_on),
            Cell::Int(self.amount_fen),
            text(&self.note),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(PensionSubsidy {
            person: r.parse(CitizenId::parse)?,
            seq: r.int()?,
            town: r.parse(TownCode::parse)?,
            year: r.int()?,
            paid_on: r.date()?,
            amount_fen: r.int()?,
            note: r.text()?,
        })
    }
}

/// A secretary in post on a day, with what the daily reminders are
/// computed from (`touyan_rules::art02_daily_inferred::DailyFacts`): the
/// records the secretary's town keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretaryDaily {
    pub person: CitizenId,
    pub name: String,
    pub village: String,
    pub village_name: String,
    pub town: TownCode,
    /// The first day of the post.
    pub since: Date,
    /// The duty rota in force on the day (the latest from on or before it).
    pub rota: Option<DutyRota>,
    /// Work records dated in the day's calendar month.
    pub work_records: u32,
    /// The years of the yearly reports on record, from the year asked.
    pub report_years: Vec<i32>,
    /// Leave requests waiting or approved (not yet reported back).
    pub open_leaves: Vec<LeaveRequest>,
}

/// Everything kept of one person (by one town, or every town).
#[derive(Clone, Debug, Default)]
pub struct DailyFile {
    /// The person's name (`None`: no such person).
    pub name: Option<String>,
    pub rotas: Vec<DutyRota>,
    pub work_records: Vec<WorkRecord>,
    pub reports: Vec<YearReport>,
    pub leaves: Vec<LeaveRequest>,
    /// Each move with who made it and when (UTC).
    pub leave_moves: Vec<(LeaveMove, String, PrimitiveDateTime)>,
    pub honours: Vec<Honour>,
    pub recruitments: Vec<Recruitment>,
    pub pensions: Vec<PensionSubsidy>,
}

/// A record to add. Numbered records (work records, honours,
/// recruitments, pension subsidies) get the person's next number; the
/// number given is ignored.
#[derive(Clone, Debug)]
pub enum DailyAdd {
    /// Added, or replacing the rota of the same person and first day.
    Rota(DutyRota),
    Work(WorkRecord),
    /// Refused when the person's report of the year is on record.
    Report(YearReport),
    Honour(Honour),
    Recruitment(Recruitment),
    Pension(PensionSubsidy),
}

/// A leave request's move to write: a new request (`seq` ignored,
/// `expected` `None`), or a move of the stored request `seq` of the person
/// from the state its user saw.
#[derive(Clone, Debug)]
pub struct LeaveChange {
    /// The request as it is to be stored (its new state and fields).
    pub request: LeaveRequest,
    pub expected: Option<LeaveState>,
    pub kind: LeaveMoveKind,
    pub comment: String,
}

fn person_filter(
    p: &mut Params,
    person: &CitizenId,
    town: Option<TownCode>,
) -> (String, Vec<Value>) {
    let mut f = format!("person = {}", p.next());
    let mut v = vec![Value::String(Some(person.as_str().to_owned()))];
    if let Some(t) = town {
        f.push_str(&format!(" AND town = {}", p.next()));
        v.push(Value::String(Some(t.as_str().to_owned())));
    }
    (f, v)
}

impl Tx {
    /// The next number among the person's rows of `table`.
    async fn next_of_person(&self, table: &str, person: &CitizenId) -> Result<u32, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!("person = {}", p.next());
        self.next_seq(
            table,
            &f,
            vec![Value::String(Some(person.as_str().to_owned()))],
        )
        .await
    }
    /// The next number of the person's rows of the numbered `table`,
    /// past any number corrected or withdrawn: a withdrawn number is
    /// never reused, so its history is never inherited.
    async fn next_unused(&self, table: &str, person: &CitizenId) -> Result<u32, StoreError> {
        Ok(self
            .next_of_person(table, person)
            .await?
            .max(self.last_corrected_seq(table, person).await? + 1))
    }
}

impl Store {
    /// The secretaries in post on `on` (a secretary post covering the day
    /// in one of the town's villages; every town when `town` is `None`;
    /// only `person` when given), each with the records of their town the
    /// reminders need: the duty rota in force, the month's work records,
    /// the yearly reports from `reports_from`, the open leave requests.
    /// In town and village order, a person once per town.
    // One piece: one read transaction of a few statements whose rows are joined in memory.
    pub async fn daily_secretaries(
        &self,
        town: Option<TownCode>,
        person: Option<&CitizenId>,
        on: Date,
        reports_from: i32,
    ) -> Result<Vec<SecretaryDaily>, StoreError> {
        let b = self.backend;
        let code = |t: TownCode| Value::String(Some(t.as_str().to_owned()));
        let who = |x: &CitizenId| Value::String(Some(x.as_str().to_owned()));
        // The filter on a table with `town` and `person` columns.
        let scoped = |p: &mut Params, v: &mut Vec<Value>, col_town: &str, col_person: &str| {
            let mut f = String::new();
            if let Some(t) = town {
                f.push_str(&format!(" AND {col_town} = {}", p.next()));
                v.push(code(t));
            }
            if let Some(x) = person {
                f.push_str(&format!(" AND {col_person} = {}", p.next()));
                v.push(who(x));
            }
            f
        };
        let mut p = Params::new(b);
        let mut v = vec![
            Value::String(Some(PostRole::Secretary.code().to_owned())),
            Value::TimeDate(Some(on)),
            Value::TimeDate(Some(on)),
        ];
        let (r, d1, d2) = (p.next(), p.next(), p.next());
        let extra = scoped(&mut p, &mut v, "v.town_code", "po.person");
        let sql = format!(
            "SELECT po.person, pe.name, po.village, v.name, v.town_code, po.start_on \
             FROM posts po JOIN villages v ON v.code = po.village \
             JOIN people pe ON pe.citizen_id = po.person \
             WHERE po.role = {r} AND po.start_on <= {d1} AND (po.end_on IS NULL OR po.end_on >= {d2}){extra} \
             ORDER BY v.town_code, po.village, po.start_on"
        );
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(b.db(), sql, v))
            .await?;
        let bad = |e: String| StoreError::Invalid(e);
        let mut out: Vec<SecretaryDaily> = Vec::with_capacity(rows.len());
        let mut seen: HashSet<(String, String)> = HashSet::new();
        for row in &rows {
            let person: String = row.try_get_by_index(0)?;
            let town: String = row.try_get_by_index(4)?;
            if !seen.insert((person.clone(), town.clone())) {
                continue;
            }
            out.push(SecretaryDaily {
                person: CitizenId::parse(&person).map_err(|e| bad(e.to_string()))?,
                name: row.try_get_by_index(1)?,
                village: row.try_get_by_index(2)?,
                village_name: row.try_get_by_index(3)?,
                town: TownCode::parse(&town).map_err(|e| bad(e.to_string()))?,
                since: row.try_get_by_index(5)?,
                rota: None,
                work_records: 0,
                report_years: Vec::new(),
                open_leaves: Vec::new(),
            });
        }
        if out.is_empty() {
            return Ok(out);
        }
        let index: HashMap<(String, String), usize> = out
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    (s.person.as_str().to_owned(), s.town.as_str().to_owned()),
                    i,
                )
            })
            .collect();
        let slot = |person: &CitizenId, town: &TownCode| {
            index
                .get(&(person.as_str().to_owned(), town.as_str().to_owned()))
                .copied()
        };

        // Rotas from on or before the day: the latest is in force.
        let mut p = Params::new(b);
        let mut v = vec![Value::TimeDate(Some(on))];
        let f = format!(
            "since_on <= {}{}",
            p.next(),
            scoped(&mut p, &mut v, "town", "person")
        );
        for r in crate::sql::select::<DutyRota, _>(&self.db, b, &f, v).await? {
            if let Some(i) = slot(&r.person, &r.town)
                && out[i].rota.as_ref().is_none_or(|x| x.since < r.since)
            {
                out[i].rota = Some(r);
            }
        }

        // The month's work records, counted.
        let first = Date::from_calendar_date(on.year(), on.month(), 1).unwrap_or(on);
        let last = Date::from_calendar_date(on.year(), on.month(), on.month().length(on.year()))
            .unwrap_or(on);
        let mut p = Params::new(b);
        let mut v = vec![Value::TimeDate(Some(first)), Value::TimeDate(Some(last))];
        let (a, z) = (p.next(), p.next());
        let extra = scoped(&mut p, &mut v, "town", "person");
        let sql = format!(
            "SELECT person, town, COUNT(*) FROM daily_work_records \
             WHERE entry_on >= {a} AND entry_on <= {z}{extra} GROUP BY person, town"
        );
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(b.db(), sql, v))
            .await?;
        for row in &rows {
            let person: String = row.try_get_by_index(0)?;
            let town: String = row.try_get_by_index(1)?;
            let n: i64 = row.try_get_by_index(2)?;
            if let Some(&i) = index.get(&(person, town)) {
                out[i].work_records = u32::try_from(n).unwrap_or(u32::MAX);
            }
        }

        // Reports from the year asked.
        let mut p = Params::new(b);
        let mut v = vec![Value::Int(Some(reports_from))];
        let f = format!(
            "year >= {}{}",
            p.next(),
            scoped(&mut p, &mut v, "town", "person")
        );
        for r in crate::sql::select::<YearReport, _>(&self.db, b, &f, v).await? {
            if let Some(i) = slot(&r.person, &r.town) {
                out[i].report_years.push(r.year);
            }
        }

        // Open leave requests.
        let mut p = Params::new(b);
        let mut v = vec![
            Value::String(Some(LeaveState::Requested.code().to_owned())),
            Value::String(Some(LeaveState::Approved.code().to_owned())),
        ];
        let f = format!(
            "state IN ({}, {}){}",
            p.next(),
            p.next(),
            scoped(&mut p, &mut v, "town", "person")
        );
        for r in crate::sql::select::<LeaveRequest, _>(&self.db, b, &f, v).await? {
            if let Some(i) = slot(&r.person, &r.town) {
                out[i].open_leaves.push(r);
            }
        }
        Ok(out)
    }

    /// Everything kept of `person`: by `town` only, or by every town.
    pub async fn daily_file(
        &self,
        person: &CitizenId,
        town: Option<TownCode>,
    ) -> Result<DailyFile, StoreError> {
        let b = self.backend;
        macro_rules! read {
            ($t:ty) => {{
                let mut p = Params::new(b);
                let (f, v) = person_filter(&mut p, person, town);
                crate::sql::select::<$t, _>(&self.db, b, &f, v).await?
            }};
        }
        let leaves: Vec<LeaveRequest> = read!(LeaveRequest);
        // The moves of those requests (the town is the request's).
        let mut p = Params::new(b);
        let mut f = format!("person = {}", p.next());
        let mut v = vec![Value::String(Some(person.as_str().to_owned()))];
        if let Some(t) = town {
            f.push_str(&format!(
                " AND leave_seq IN (SELECT seq FROM leave_requests WHERE person = {} AND town = {})",
                p.next(),
                p.next()
            ));
            v.push(Value::String(Some(person.as_str().to_owned())));
            v.push(Value::String(Some(t.as_str().to_owned())));
        }
        let leave_moves =
            crate::moves::select_audited(&self.db, b, &f, v, "leave_seq, seq").await?;
        let mut p = Params::new(b);
        let f = format!("citizen_id = {}", p.next());
        let v = vec![Value::String(Some(person.as_str().to_owned()))];
        let name = crate::sql::select::<touyan_records::model::Person, _>(&self.db, b, &f, v)
            .await?
            .into_iter()
            .next()
            .map(|x| x.name);
        Ok(DailyFile {
            name,
            rotas: read!(DutyRota),
            work_records: read!(WorkRecord),
            reports: read!(YearReport),
            leaves,
            leave_moves,
            honours: read!(Honour),
            recruitments: read!(Recruitment),
            pensions: read!(PensionSubsidy),
        })
    }

    /// Adds a record in one transaction (logged).
    pub async fn add_daily(
        &self,
        actor: &str,
        origin: Option<&str>,
        add: &DailyAdd,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        match add {
            DailyAdd::Rota(r) => {
                tx.upsert(std::slice::from_ref(r)).await?;
            }
            DailyAdd::Work(w) => {
                let seq = tx.next_unused(WorkRecord::TABLE, &w.person).await?;
                tx.insert(&[WorkRecord { seq, ..w.clone() }]).await?;
            }
            DailyAdd::Report(r) => {
                let mut p = Params::new(self.backend);
                let f = format!("person = {} AND year = {}", p.next(), p.next());
                let v = vec![
                    Value::String(Some(r.person.as_str().to_owned())),
                    Value::Int(Some(r.year)),
                ];
                if !crate::sql::select::<YearReport, _>(&tx.tx, self.backend, &f, v)
                    .await?
                    .is_empty()
                {
                    return Err(StoreError::AlreadyRecorded {
                        what: YearReport::ZH,
                    });
                }
                tx.insert(std::slice::from_ref(r)).await?;
            }
            DailyAdd::Honour(h) => {
                let seq = tx.next_unused(Honour::TABLE, &h.person).await?;
                tx.insert(&[Honour { seq, ..h.clone() }]).await?;
            }
            DailyAdd::Recruitment(r) => {
                let seq = tx.next_unused(Recruitment::TABLE, &r.person).await?;
                tx.insert(&[Recruitment { seq, ..r.clone() }]).await?;
            }
            DailyAdd::Pension(x) => {
                let seq = tx.next_unused(PensionSubsidy::TABLE, &x.person).await?;
                tx.insert(&[PensionSubsidy { seq, ..x.clone() }]).await?;
            }
        }
        tx.commit().await
    }

    /// Writes a leave move in one transaction: the request (a new one gets
    /// the person's next number) and the move. A move of a stored request
    /// first claims it in the state its user saw; refused when it changed.
    /// Returns the request as stored.
    pub async fn move_leave(
        &self,
        actor: &str,
        origin: Option<&str>,
        c: &LeaveChange,
    ) -> Result<LeaveRequest, StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        let mut request = c.request.clone();
        match c.expected {
            None => {
                request.seq = tx.next_unused(LeaveRequest::TABLE, &request.person).await?;
                tx.insert(std::slice::from_ref(&request)).await?;
            }
            Some(seen) => {
                let mut p = Params::new(self.backend);
                let f = format!(
                    "person = {} AND seq = {} AND town = {}",
                    p.next(),
                    p.next(),
                    p.next()
                );
                let v = vec![
                    Value::String(Some(request.person.as_str().to_owned())),
                    Value::Int(Some(i32::try_from(request.seq).unwrap_or(i32::MAX))),
                    Value::String(Some(request.town.as_str().to_owned())),
                ];
                if tx
                    .claim_state(LeaveRequest::TABLE, &mut p, &f, v, seen.code())
                    .await?
                    != 1
                {
                    return Err(StoreError::Stale);
                }
                tx.upsert(std::slice::from_ref(&request)).await?;
            }
        }
        let mut p = Params::new(self.backend);
        let f = format!("person = {} AND leave_seq = {}", p.next(), p.next());
        let v = vec![
            Value::String(Some(request.person.as_str().to_owned())),
            Value::Int(Some(i32::try_from(request.seq).unwrap_or(i32::MAX))),
        ];
        let seq = tx.next_seq(LeaveMove::TABLE, &f, v).await?;
        tx.insert(&[LeaveMove {
            person: request.person.clone(),
            leave_seq: request.seq,
            seq,
            kind: c.kind,
            to: request.state,
            comment: c.comment.trim().to_owned(),
        }])
        .await?;
        tx.commit().await?;
        Ok(request)
    }
}
