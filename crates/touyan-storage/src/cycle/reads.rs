//! The cycle's read: exactly the records a run of the cycle reads, for
//! every town or one, in one snapshot — on a SQLite file through rusqlite
//! on two connections (`sqlite_bulk`), on PostgreSQL through sqlx on two
//! transactions sharing a snapshot; and the plain read it is measured
//! against (`benches/read.rs`).

use sea_orm::{ConnectionTrait, Statement, Value};
use time::Date;
use touyan_records::TownCode;

use crate::record::{Col, Record, cells};
use crate::sql::Params;
use crate::{Store, StoreError};

impl Store {
    /// Exactly the records the cycle of `year` reads (see `touyan-cycle`'s
    /// documentation), in no particular order: towns, villagers'
    /// committees, secretary posts, the people in them or in the young
    /// cadres' programme, village facts of `year - 1`, 三好三强 of `year`,
    /// training sessions of `year - 1` and their attendance, ballots before
    /// `year`, secondments, secretary reserves, young cadres and the towns'
    /// settings of `year`.
    ///
    /// On a SQLite file they are read through `sqlite_bulk` (rusqlite, one
    /// read transaction, on a blocking thread); on PostgreSQL through sqlx.
    pub async fn cycle_records(
        &self,
        year: i32,
    ) -> Result<touyan_records::model::Records, StoreError> {
        self.cycle_records_for(year, None).await
    }

    /// [`Store::cycle_records`] for the cycle of one town (`Some`), or of
    /// every town (`None`): for one town only what deciding it reads — the
    /// town, its villagers' committees, their secretary posts, reserves,
    /// young cadres and facts, the people in those posts and programmes,
    /// and those secretaries' 三好三强, attendance, ballots and
    /// secondments — so that a town's what-if or re-run does not read the
    /// whole database. `touyan_cycle::run` for that town decides the same
    /// from either read (tested on the demo, every town, both backends).
    pub async fn cycle_records_for(
        &self,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<touyan_records::model::Records, StoreError> {
        let q = CycleQueries::new(self.backend, year, town)?;
        // One town's few hundred rows on one connection: a second
        // reader would have to take the write lock for a moment to
        // share its snapshot (see `with_snapshots`), and the what-if
        // page would then wait behind any write in progress.
        let n = match town {
            Some(_) => 1,
            None => std::thread::available_parallelism()
                .map_or(1, std::num::NonZeroUsize::get)
                .min(READERS),
        };
        self.read_cycle(q, n).await
    }

    /// The part of [`Store::cycle_records_for`] that says who the cycle
    /// of `year` judges (`touyan_cycle::seats`): the towns (or the one),
    /// their villagers' committees and those villages' facts of
    /// `year - 1`, the secretary posts held on 1 January of `year` and the
    /// people in them — for a page that explains who a year's proposal
    /// leaves out, without reading what deciding it reads. On one
    /// connection (the year start's list pages read it; a second reader
    /// would wait behind a write in progress).
    pub async fn cycle_seat_records(
        &self,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<touyan_records::model::Records, StoreError> {
        self.read_cycle(CycleQueries::seats(self.backend, year, town)?, 1)
            .await
    }

    /// The records `q` reads, in one snapshot (`n` readers on SQLite).
    async fn read_cycle(
        &self,
        q: CycleQueries,
        n: usize,
    ) -> Result<touyan_records::model::Records, StoreError> {
        if let Some(path) = self.sqlite_file() {
            return tokio::task::spawn_blocking(move || {
                crate::sqlite_bulk::with_snapshots(&path, n, |c| q.read_sqlite(c))
            })
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?;
        }
        self.cycle_records_pg(q).await
    }

    /// The cycle's read on PostgreSQL: two read-only `REPEATABLE READ`
    /// transactions on one snapshot (the first exports it, the second
    /// imports it with `SET TRANSACTION SNAPSHOT`), each on a task of its
    /// own, so the rows of the larger tables are decoded on both cores and
    /// every statement sees the same committed state.
    async fn cycle_records_pg(
        &self,
        q: CycleQueries,
    ) -> Result<touyan_records::model::Records, StoreError> {
        use sea_orm::{AccessMode, IsolationLevel, TransactionTrait};
        use touyan_records::model::Records;
        let begin = || {
            self.db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
        };
        let a = begin().await?;
        let snapshot: String = a
            .query_one_raw(Statement::from_string(
                self.backend.db(),
                "SELECT pg_export_snapshot()",
            ))
            .await?
            .ok_or_else(|| StoreError::Database("无法取得数据库快照".into()))?
            .try_get_by_index(0)?;
        let b = begin().await?;
        // The snapshot's name is made by the server (hex digits and dashes).
        if !snapshot.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-') {
            return Err(StoreError::Database(format!(
                "数据库快照名 {snapshot} 无效"
            )));
        }
        b.execute_unprepared(&format!("SET TRANSACTION SNAPSHOT '{snapshot}'"))
            .await?;
        async fn l<R: Record, C: ConnectionTrait>(
            c: &C,
            backend: crate::Backend,
            q: &Query,
        ) -> Result<Vec<R>, StoreError> {
            let sql = format!(
                "SELECT {} FROM {} WHERE {}",
                crate::sql::column_list(R::COLUMNS),
                R::TABLE,
                q.0
            );
            let rows = c
                .query_all_raw(Statement::from_sql_and_values(
                    backend.db(),
                    sql,
                    q.1.clone(),
                ))
                .await?;
            rows.iter()
                .map(|r| crate::record::to_record(cells(r, R::COLUMNS)?))
                .collect()
        }
        let be = self.backend;
        let q = std::sync::Arc::new(q);
        let q2 = q.clone();
        // People (the largest, with a subquery) and a few beside them
        // on one connection, the rest on the other.
        let first = tokio::spawn(async move {
            let r = Records {
                people: l(&a, be, &q2.people).await?,
                ballots: l(&a, be, &q2.ballots).await?,
                young_cadres: l(&a, be, &q2.young_cadres).await?,
                reserves: l(&a, be, &q2.reserves).await?,
                ..Records::default()
            };
            a.commit().await?;
            Ok::<_, StoreError>(r)
        });
        let mut r = Records {
            posts: l(&b, be, &q.posts).await?,
            village_years: l(&b, be, &q.village_years).await?,
            three_good: l(&b, be, &q.three_good).await?,
            villages: l(&b, be, &q.villages).await?,
            attendance: l(&b, be, &q.attendance).await?,
            training_sessions: l(&b, be, &q.training_sessions).await?,
            towns: l(&b, be, &q.towns).await?,
            secondments: l(&b, be, &q.secondments).await?,
            town_years: l(&b, be, &q.town_years).await?,
            condition_answers: l(&b, be, &q.condition_answers).await?,
            ..Records::default()
        };
        b.commit().await?;
        let other = first
            .await
            .map_err(|e| StoreError::Database(e.to_string()))??;
        r.people = other.people;
        r.ballots = other.ballots;
        r.young_cadres = other.young_cadres;
        r.reserves = other.reserves;
        Ok(r)
    }

    /// The baseline of the cycle's read (`benches/read.rs`): the same
    /// statements over the same rows, the fastest plain way — each column
    /// read by position into an owned value, no record built. On a SQLite
    /// file through rusqlite in one read transaction, as the cycle reads;
    /// on PostgreSQL through sqlx, as the cycle reads there. Returns the
    /// rows read.
    pub async fn cycle_plain_read(&self, year: i32) -> Result<usize, StoreError> {
        let q = CycleQueries::new(self.backend, year, None)?;
        if let Some(path) = self.sqlite_file() {
            return tokio::task::spawn_blocking(move || {
                crate::sqlite_bulk::with_snapshot(&path, |c| {
                    q.each(|table, cols, (filter, values)| {
                        crate::sqlite_bulk::plain_read(c, table, cols, filter, values)
                    })
                })
            })
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?;
        }
        let mut n = 0;
        for (table, cols, (filter, values)) in q.list() {
            let sql = format!(
                "SELECT {} FROM {table} WHERE {filter}",
                crate::sql::column_list(cols)
            );
            let rows = self
                .db
                .query_all_raw(Statement::from_sql_and_values(
                    self.backend.db(),
                    sql,
                    values.clone(),
                ))
                .await?;
            for r in &rows {
                std::hint::black_box(cells(r, cols)?);
            }
            n += rows.len();
        }
        Ok(n)
    }
}

/// A filter over a table's columns and its values.
type Query = (String, Vec<Value>);

/// The rows of a town's villages (its code bound once).
const VILLAGES_OF: &str = "village IN (SELECT code FROM villages WHERE town_code = ?)";

/// A filter: SQL with `?` for each value, numbered for the backend. For
/// one town, `and` narrows it (its own `?`s and values after).
fn filter(
    b: crate::Backend,
    town: Option<TownCode>,
    sql: &str,
    values: Vec<Value>,
    and: Option<(&str, Vec<Value>)>,
) -> Query {
    let mut p = Params::new(b);
    let mut text = String::new();
    let mut all = values;
    let mut put = |sql: &str, text: &mut String| {
        for (k, part) in sql.split('?').enumerate() {
            if k > 0 {
                text.push_str(&p.next());
            }
            text.push_str(part);
        }
    };
    put(sql, &mut text);
    if let (Some((extra, values)), Some(_)) = (and, town) {
        text.push_str(" AND ");
        put(extra, &mut text);
        all.extend(values);
    }
    (text, all)
}

/// Reader connections (threads) of the cycle's read on SQLite, at most;
/// fewer on a machine with fewer cores.
const READERS: usize = 2;

/// The statements of the cycle's read: the filter of each kind it reads.
struct CycleQueries {
    towns: Query,
    villages: Query,
    people: Query,
    posts: Query,
    village_years: Query,
    three_good: Query,
    training_sessions: Query,
    attendance: Query,
    ballots: Query,
    secondments: Query,
    reserves: Query,
    young_cadres: Query,
    town_years: Query,
    condition_answers: Query,
}

impl CycleQueries {
    // One piece: the cycle's statements, each read into its index in one place so the read order and the snapshot are visible together.
    fn new(
        b: crate::Backend,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<CycleQueries, StoreError> {
        use touyan_records::model::{Labelled, PostRole, RaterGroup};
        let secretary = || Value::String(Some(PostRole::Secretary.code().to_owned()));
        let int = |y: i32| Value::Int(Some(y));
        let (first, next) = match (
            Date::from_calendar_date(year - 1, time::Month::January, 1),
            Date::from_calendar_date(year, time::Month::January, 1),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            _ => return Err(StoreError::Invalid(format!("{year} 不是有效年份"))),
        };
        let code = || town.map(|t| Value::String(Some(t.as_str().to_owned())));
        let q = |sql: &str, values: Vec<Value>, and: Option<(&str, Vec<Value>)>| {
            filter(b, town, sql, values, and)
        };
        let villages_of = VILLAGES_OF;
        // The people in the town's secretary posts (any date: the cycle
        // picks the one in post on the day).
        let secretaries_of = "person IN (SELECT person FROM posts WHERE role = ? \
             AND village IN (SELECT code FROM villages WHERE town_code = ?))";
        let of_town = || code().into_iter().collect::<Vec<_>>();
        let of_secretaries = || code().map(|c| vec![secretary(), c]).unwrap_or_default();
        let sessions = "start_on >= ? AND start_on < ?";
        let span = || vec![Value::TimeDate(Some(first)), Value::TimeDate(Some(next))];
        let people = match town {
            // One `IN` over a `UNION`, not two `IN`s joined by `OR`: with
            // the `OR` PostgreSQL cannot turn the subqueries into a join and,
            // once the country's 1.6 million posts outgrow its work memory,
            // probes them row by row (minutes); SQLite merged two index
            // lists (3 s for the country). As one set, both join it (PostgreSQL
            // a hash join, SQLite a list probed by the people's key).
            None => q(
                "citizen_id IN (SELECT person FROM posts WHERE role = ? \
                 UNION SELECT person FROM young_cadres)",
                vec![secretary()],
                None,
            ),
            Some(_) => q(
                "citizen_id IN (SELECT person FROM posts WHERE role = ? \
                 AND village IN (SELECT code FROM villages WHERE town_code = ?) \
                 UNION SELECT person FROM young_cadres \
                 WHERE village IN (SELECT code FROM villages WHERE town_code = ?))",
                [vec![secretary()], of_town(), of_town()].concat(),
                None,
            ),
        };
        Ok(CycleQueries {
            towns: q("1 = 1", Vec::new(), Some(("code = ?", of_town()))),
            villages: q(
                "committee = ?",
                vec![Value::String(Some(
                    crate::committee_code(touyan_records::CommitteeKind::Villagers).to_owned(),
                ))],
                Some(("town_code = ?", of_town())),
            ),
            people,
            posts: q(
                "role = ?",
                vec![secretary()],
                Some((villages_of, of_town())),
            ),
            village_years: q(
                "year = ?",
                vec![int(year - 1)],
                Some((villages_of, of_town())),
            ),
            three_good: q(
                "year = ?",
                vec![int(year)],
                Some((secretaries_of, of_secretaries())),
            ),
            training_sessions: q(sessions, span(), None),
            // For one town, its secretaries' attendance of any year (a
            // few hundred rows; the cycle keeps those of the sessions read):
            // with both `IN`s SQLite probed every session against every
            // secretary (1.4 s on the country's database).
            attendance: match town {
                None => q(
                    &format!(
                        "session_code IN (SELECT code FROM training_sessions WHERE {sessions})"
                    ),
                    span(),
                    None,
                ),
                Some(_) => q(secretaries_of, of_secretaries(), None),
            },
            ballots: q(
                "year < ? AND rater_group IN (?, ?)",
                vec![
                    int(year),
                    Value::String(Some(RaterGroup::PartyMembers.code().to_owned())),
                    Value::String(Some(RaterGroup::PublicReps.code().to_owned())),
                ],
                Some((secretaries_of, of_secretaries())),
            ),
            secondments: q(sessions, span(), Some((secretaries_of, of_secretaries()))),
            reserves: q(
                "post_role = ?",
                vec![secretary()],
                Some((villages_of, of_town())),
            ),
            young_cadres: q("1 = 1", Vec::new(), Some((villages_of, of_town()))),
            town_years: q("year = ?", vec![int(year)], Some(("town = ?", of_town()))),
            // The answers of the town's secretaries (any date: the one on
            // record applies).
            condition_answers: match town {
                None => q("1 = 1", Vec::new(), None),
                Some(_) => q(secretaries_of, of_secretaries(), None),
            },
        })
    }

    /// The statements of [`Store::cycle_seat_records`]: those of
    /// [`CycleQueries::new`] for the towns, villages and facts; the
    /// secretary posts held on 1 January of `year` and their people; no
    /// other rows.
    fn seats(b: crate::Backend, year: i32, town: Option<TownCode>) -> Result<Self, StoreError> {
        use touyan_records::model::{Labelled, PostRole};
        let all = Self::new(b, year, town)?;
        let on = Date::from_calendar_date(year, time::Month::January, 1)
            .map_err(|_| StoreError::Invalid(format!("{year} 不是有效年份")))?;
        let held = "role = ? AND start_on <= ? AND (end_on IS NULL OR end_on >= ?)";
        let values = || {
            vec![
                Value::String(Some(PostRole::Secretary.code().to_owned())),
                Value::TimeDate(Some(on)),
                Value::TimeDate(Some(on)),
            ]
        };
        let of_town = || {
            town.map(|t| Value::String(Some(t.as_str().to_owned())))
                .into_iter()
                .collect::<Vec<_>>()
        };
        let posts = filter(b, town, held, values(), Some((VILLAGES_OF, of_town())));
        let people = match town {
            None => filter(
                b,
                town,
                &format!("citizen_id IN (SELECT person FROM posts WHERE {held})"),
                values(),
                None,
            ),
            Some(_) => filter(
                b,
                town,
                &format!("citizen_id IN (SELECT person FROM posts WHERE {held} AND {VILLAGES_OF})"),
                [values(), of_town()].concat(),
                None,
            ),
        };
        let none = || ("1 = 0".to_owned(), Vec::new());
        Ok(CycleQueries {
            towns: all.towns,
            villages: all.villages,
            village_years: all.village_years,
            posts,
            people,
            three_good: none(),
            training_sessions: none(),
            attendance: none(),
            ballots: none(),
            secondments: none(),
            reserves: none(),
            young_cadres: none(),
            town_years: none(),
            condition_answers: none(),
        })
    }

    /// (table, columns, filter) of every statement.
    fn list(&self) -> Vec<(&'static str, &'static [Col], &Query)> {
        use touyan_records::model::{
            Attendance, Ballots, ConditionAnswer, Person, Post, Reserve, Secondment, ThreeGood,
            TownYear, TrainingSession, VillageYear, YoungCadre,
        };
        fn t<R: Record>(q: &Query) -> (&'static str, &'static [Col], &Query) {
            (R::TABLE, R::COLUMNS, q)
        }
        vec![
            t::<crate::Town>(&self.towns),
            t::<crate::Village>(&self.villages),
            t::<Person>(&self.people),
            t::<Post>(&self.posts),
            t::<VillageYear>(&self.village_years),
            t::<ThreeGood>(&self.three_good),
            t::<TrainingSession>(&self.training_sessions),
            t::<Attendance>(&self.attendance),
            t::<Ballots>(&self.ballots),
            t::<Secondment>(&self.secondments),
            t::<Reserve>(&self.reserves),
            t::<YoungCadre>(&self.young_cadres),
            t::<TownYear>(&self.town_years),
            t::<ConditionAnswer>(&self.condition_answers),
        ]
    }

    /// Runs `f` on every statement; the sum of what it returns.
    fn each(
        &self,
        mut f: impl FnMut(&'static str, &'static [Col], (&str, &[Value])) -> Result<usize, StoreError>,
    ) -> Result<usize, StoreError> {
        let mut n = 0;
        for (table, cols, q) in self.list() {
            n += f(table, cols, (&q.0, &q.1))?;
        }
        Ok(n)
    }

    /// The records, read through rusqlite: the statements shared out
    /// among the connections (one thread each, all on one snapshot; see
    /// `sqlite_bulk::with_snapshots`), the largest first.
    fn read_sqlite(
        &self,
        conns: Vec<rusqlite::Connection>,
    ) -> Result<touyan_records::model::Records, StoreError> {
        use crate::sqlite_bulk::{read_job, run_jobs};
        let mut r = touyan_records::model::Records::default();
        {
            let touyan_records::model::Records {
                towns,
                villages,
                people,
                posts,
                village_years,
                three_good,
                training_sessions,
                attendance,
                ballots,
                secondments,
                reserves,
                young_cadres,
                town_years,
                condition_answers,
                ..
            } = &mut r;
            fn j<'a, R: Record + Send>(
                q: &'a Query,
                slot: &'a mut Vec<R>,
            ) -> crate::sqlite_bulk::Job<'a> {
                read_job(&q.0, &q.1, slot)
            }
            // Largest first (Shandong: people 0.19 M rows with two
            // subqueries, secretary posts, village facts, 三好三强, …).
            run_jobs(
                conns,
                vec![
                    j(&self.people, people),
                    j(&self.posts, posts),
                    j(&self.village_years, village_years),
                    j(&self.three_good, three_good),
                    j(&self.villages, villages),
                    j(&self.ballots, ballots),
                    j(&self.young_cadres, young_cadres),
                    j(&self.reserves, reserves),
                    j(&self.attendance, attendance),
                    j(&self.town_years, town_years),
                    j(&self.training_sessions, training_sessions),
                    j(&self.towns, towns),
                    j(&self.secondments, secondments),
                    j(&self.condition_answers, condition_answers),
                ],
            )?;
        }
        Ok(r)
    }
}
