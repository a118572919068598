//! The people in scope: the paged list and one person's whole file; and
//! whether an ID number is on record at all.

use sea_orm::{ConnectionTrait, Statement, Value};
use touyan_records::CitizenId;
use touyan_records::model::{
    Admonition, AnnualPlan, Attendance, Ballots, Certificate, ConditionAnswer, ExamResult, Exit,
    ListEntry, PayPartRecord, PayRecord, Person, Post, Reserve, Secondment, ThreeGood,
    TrainingSession, VillageYear, WorkLog, YoungCadre,
};

use super::{Page, Paged, records, select_query};
use crate::read_pool::Row;
use crate::record::{Record, to_record};
use crate::scope::{person_in_town, person_of_town};
use crate::sql::{Params, Query, contains_pattern, renumber};
use crate::{Backend, Scoped, Store, StoreError};

/// Filters of the people list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeopleFilter {
    /// Part of the name, or the start of the ID number.
    pub q: Option<String>,
    /// Only people holding a secretary post now.
    pub secretaries_only: bool,
}

/// A row of the people list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRow {
    pub person: Person,
    /// A post held now (in the scope), as (village name, role code).
    pub current_post: Option<(String, String)>,
}

/// One person's whole file (一人一档).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonFile {
    pub person: Person,
    pub posts: Vec<Post>,
    /// Names of the villages the file mentions, by code.
    pub village_names: Vec<(String, String)>,
    /// The facts of the villages where the person held a post.
    pub village_years: Vec<VillageYear>,
    pub three_good: Vec<ThreeGood>,
    /// Sessions attended, with the session.
    pub training: Vec<(Attendance, TrainingSession)>,
    pub exams: Vec<ExamResult>,
    pub certificates: Vec<Certificate>,
    pub secondments: Vec<Secondment>,
    pub work_logs: Vec<WorkLog>,
    pub ballots: Vec<Ballots>,
    pub admonitions: Vec<Admonition>,
    pub reserves: Vec<Reserve>,
    pub young_cadres: Vec<YoungCadre>,
    pub plans: Vec<AnnualPlan>,
    /// Places on the yearly lists, with their tiers.
    pub list_entries: Vec<ListEntry>,
    pub pay: Vec<PayRecord>,
    pub exits: Vec<Exit>,
    /// The town's answers to the policy's added inclusion conditions.
    pub condition_answers: Vec<ConditionAnswer>,
    /// The parts of the pay set by higher-level rules (Article 13), by
    /// month and part.
    pub pay_parts: Vec<PayPartRecord>,
}

impl PersonFile {
    /// The name of a village the file mentions (its code if unknown).
    pub fn village_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.village_names
            .iter()
            .find(|(c, _)| c == code)
            .map_or(code, |(_, n)| n.as_str())
    }
}

/// The characters an ID number may be searched by from its start: those
/// every mask shows (`touyan_records::Mask::default().head`).
const MASK_HEAD: usize = 6;

impl Scoped<'_> {
    /// People in scope matching `filter`, by name then ID, one page.
    pub async fn people(
        &self,
        filter: &PeopleFilter,
        page: Page,
    ) -> Result<Paged<PersonRow>, StoreError> {
        let mut q = Query::new(self.backend());
        let mut wh = vec!["1 = 1".to_owned()];
        if let Some(town) = &self.town {
            wh.push(person_in_town(&mut q, "p.citizen_id", town));
        }
        if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let a = q.bind(contains_pattern(text));
            // An ID number is found by the whole number, or by its first
            // six characters (the place code, shown in every mask). Any
            // other prefix would reveal the hidden birth date digit by
            // digit (issue 15: masks that hold).
            let id = text.to_uppercase();
            let n = id.chars().count();
            let by_id = if n == 18 {
                let b = q.bind(id);
                format!(" OR p.citizen_id = {b}")
            } else if n <= MASK_HEAD {
                let mut prefix = contains_pattern(&id);
                prefix.remove(0);
                let b = q.bind(prefix);
                format!(" OR p.citizen_id LIKE {b} ESCAPE '\\'")
            } else {
                String::new()
            };
            wh.push(format!("(p.name LIKE {a} ESCAPE '\\'{by_id})"));
        }
        // The current post shown, and the secretaries-only filter, stay
        // within the scope's villages.
        let town_of_post = |q: &mut Query| match &self.town {
            Some(t) => format!(" AND cv.town_code = {}", q.bind(t.clone())),
            None => String::new(),
        };
        if filter.secretaries_only {
            let t = town_of_post(&mut q);
            wh.push(format!(
                "EXISTS (SELECT 1 FROM posts cp JOIN villages cv ON cv.code = cp.village \
                 WHERE cp.person = p.citizen_id AND cp.role = 'secretary' \
                 AND cp.end_on IS NULL{t})"
            ));
        }
        let wh = wh.join(" AND ");
        let count = Query {
            backend: q.backend,
            sql: format!("SELECT COUNT(*) FROM people p WHERE {wh}"),
            values: q.values.clone(),
        };
        let total = count.read_count(self.store).await?;
        // The subqueries come before the WHERE clause: bind them into a
        // fresh query in textual order.
        let mut q2 = Query::new(self.backend());
        let t1 = town_of_post(&mut q2);
        let t2 = town_of_post(&mut q2);
        let post = |col: &str, t: &str| {
            format!(
                "(SELECT {col} FROM posts cp JOIN villages cv ON cv.code = cp.village \
                 WHERE cp.person = p.citizen_id AND cp.end_on IS NULL{t} \
                 ORDER BY cp.start_on DESC, cp.role LIMIT 1)"
            )
        };
        let cols: Vec<String> = Person::COLUMNS
            .iter()
            .map(|c| format!("p.{}", c.name))
            .collect();
        q2.sql = format!(
            "SELECT {}, {}, {} FROM people p WHERE ",
            cols.join(", "),
            post("cv.name", &t1),
            post("cp.role", &t2),
        );
        // Re-bind the WHERE values after the subqueries' ones.
        let offset_sql = renumber(&wh, q2.backend, q2.values.len());
        q2.sql.push_str(&offset_sql);
        q2.values.extend(q.values);
        let limit = q2.bind(i64::from(page.per_page));
        let offset = q2.bind(page.offset());
        q2.sql.push_str(&format!(
            " ORDER BY p.name, p.citizen_id LIMIT {limit} OFFSET {offset}"
        ));
        let n = Person::COLUMNS.len();
        let items = q2
            .read_all(self.store)
            .await?
            .iter()
            .map(|r| {
                let village: Option<String> = r.try_get_by_index(n)?;
                let role: Option<String> = r.try_get_by_index(n + 1)?;
                Ok(PersonRow {
                    person: to_record(r.cells(Person::COLUMNS)?)?,
                    current_post: village.zip(role),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Paged { items, total })
    }

    /// Whether a person is in scope (false for one that does not exist).
    pub async fn person_visible(&self, id: &str) -> Result<bool, StoreError> {
        let mut q = Query::new(self.backend());
        let p = q.bind(id.to_owned());
        let mut sql = format!("SELECT COUNT(*) FROM people p WHERE p.citizen_id = {p}");
        if let Some(town) = &self.town {
            let cond = person_of_town(&mut q, "p.citizen_id", town);
            sql.push_str(" AND ");
            sql.push_str(&cond);
        }
        q.sql = sql;
        Ok(q.read_count(self.store).await? > 0)
    }

    /// One person's whole file; `None` when there is no such person in
    /// scope. Every table is read in one batch (on SQLite one job of the
    /// read pool, one snapshot); the first query is the person, only when
    /// in scope, and without it the rest is not looked at.
    // One piece: one batch of statements (one read transaction) for the whole person file.
    pub async fn person(&self, id: &str) -> Result<Option<PersonFile>, StoreError> {
        let b = self.backend();
        let mut q = Query::new(b);
        let p = q.bind(id.to_owned());
        let mut filter = format!("citizen_id = {p}");
        if let Some(town) = &self.town {
            filter.push_str(" AND ");
            filter.push_str(&person_of_town(&mut q, "people.citizen_id", town));
        }
        let by_person = |sql: &str, n: usize| {
            let mut q = Query::new(b);
            let parts: Vec<String> = (0..n).map(|_| q.bind(id.to_owned())).collect();
            let mut parts = parts.into_iter();
            let mut out = String::new();
            for piece in sql.split("{p}") {
                out.push_str(piece);
                if let Some(p) = parts.next() {
                    out.push_str(&p);
                }
            }
            (q, out)
        };
        let (vq, vf) = by_person(
            "village IN (SELECT village FROM posts WHERE person = {p})",
            1,
        );
        // The names of every village the file mentions (posts, reserve and
        // young-cadre places, list places), by code.
        let (mut nq, names_filter) = by_person(
            "code IN (SELECT village FROM posts WHERE person = {p} \
             UNION SELECT village FROM reserves WHERE person = {p} \
             UNION SELECT village FROM young_cadres WHERE person = {p} \
             UNION SELECT village FROM list_entries WHERE person = {p})",
            4,
        );
        nq.sql = format!("SELECT code, name FROM villages WHERE {names_filter} ORDER BY code");
        let (sq, sf) = by_person(
            "code IN (SELECT session_code FROM attendance WHERE person = {p})",
            1,
        );
        let queries = vec![
            select_query::<Person>(q, &filter),
            of_person::<Post>(b, id),
            of_person::<Reserve>(b, id),
            of_person::<YoungCadre>(b, id),
            of_person::<ListEntry>(b, id),
            select_query::<VillageYear>(vq, &vf),
            nq,
            of_person::<Attendance>(b, id),
            select_query::<TrainingSession>(sq, &sf),
            of_person::<ThreeGood>(b, id),
            of_person::<ExamResult>(b, id),
            of_person::<Certificate>(b, id),
            of_person::<Secondment>(b, id),
            of_person::<WorkLog>(b, id),
            of_person::<Ballots>(b, id),
            of_person::<Admonition>(b, id),
            of_person::<AnnualPlan>(b, id),
            of_person::<PayRecord>(b, id),
            of_person::<Exit>(b, id),
            of_person::<ConditionAnswer>(b, id),
            of_person::<PayPartRecord>(b, id),
        ];
        let rows = self.store.read_batch(queries).await?;
        let [
            person,
            posts,
            reserves,
            young_cadres,
            list_entries,
            village_years,
            names,
            attendance,
            sessions,
            three_good,
            exams,
            certificates,
            secondments,
            work_logs,
            ballots,
            admonitions,
            plans,
            pay,
            exits,
            condition_answers,
            pay_parts,
        ] = <[Vec<Row>; 21]>::try_from(rows)
            .map_err(|_| StoreError::Database("内部错误：一人一档的查询结果数目不符".into()))?;
        let Some(person) = records::<Person>(&person)?.into_iter().next() else {
            return Ok(None);
        };
        let village_names = names
            .iter()
            .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?)))
            .collect::<Result<Vec<(String, String)>, StoreError>>()?;
        let attendance: Vec<Attendance> = records(&attendance)?;
        let sessions: Vec<TrainingSession> = records(&sessions)?;
        let mut training: Vec<(Attendance, TrainingSession)> = attendance
            .into_iter()
            .filter_map(|a| {
                let s = sessions.iter().find(|s| s.code == a.session)?.clone();
                Some((a, s))
            })
            .collect();
        training.sort_by_key(|t| t.1.start);

        Ok(Some(PersonFile {
            person,
            posts: records(&posts)?,
            village_names,
            village_years: records(&village_years)?,
            three_good: records(&three_good)?,
            training,
            exams: records(&exams)?,
            certificates: records(&certificates)?,
            secondments: records(&secondments)?,
            work_logs: records(&work_logs)?,
            ballots: records(&ballots)?,
            admonitions: records(&admonitions)?,
            reserves: records(&reserves)?,
            young_cadres: records(&young_cadres)?,
            plans: records(&plans)?,
            list_entries: records(&list_entries)?,
            pay: records(&pay)?,
            exits: records(&exits)?,
            condition_answers: records(&condition_answers)?,
            pay_parts: records(&pay_parts)?,
        }))
    }
}

/// The query for the rows of a record table whose `person` column is `id`.
fn of_person<R: Record>(backend: Backend, id: &str) -> Query {
    let mut q = Query::new(backend);
    let p = q.bind(id.to_owned());
    select_query::<R>(q, &format!("person = {p}"))
}

impl Store {
    /// Whether a person with this ID number is on record (anywhere).
    pub async fn person_known(&self, id: &CitizenId) -> Result<bool, StoreError> {
        let mut p = Params::new(self.backend);
        let sql = format!("SELECT 1 FROM people WHERE citizen_id = {}", p.next());
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                vec![Value::String(Some(id.as_str().to_owned()))],
            ))
            .await?;
        Ok(row.is_some())
    }
}
