//! What a town's pages read of its year in one go (payments, training,
//! reserves and qualifications, young cadres): each only the rows that
//! town's page needs, so a page does not read a province's tables.

use sea_orm::Value;
use time::Date;
use touyan_records::TownCode;

use crate::sql::Params;
use crate::{Store, StoreError};

impl Store {
    /// What the month's pay of `year` needs (the payment builder of
    /// `touyan_reports::payments` and the young-cadre pay builder
    /// `reports::young`), for one town: every town (for names), the town's
    /// villages, its list entries of the year, its young cadres, the people
    /// on either and their exits, and the town's settings of the year. A
    /// page computes one town's run without reading a province's tables.
    pub async fn payroll_records(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<touyan_records::model::Records, StoreError> {
        let code = || Value::String(Some(town.as_str().to_owned()));
        // Everyone on the year's list or on one of its filed versions (a
        // month pays the version in force then), and the young cadres.
        let paid = |p: &mut Params| {
            format!(
                "(SELECT person FROM list_entries WHERE year = {} AND town = {} \
                 UNION SELECT person FROM list_filings WHERE year = {} AND town = {} \
                 UNION SELECT person FROM young_cadres WHERE village IN \
                 (SELECT code FROM villages WHERE town_code = {}))",
                p.next(),
                p.next(),
                p.next(),
                p.next(),
                p.next()
            )
        };
        let mut p = Params::new(self.backend);
        let villages = format!("town_code = {}", p.next());
        let mut p = Params::new(self.backend);
        let entries = format!("year = {} AND town = {}", p.next(), p.next());
        let mut p = Params::new(self.backend);
        let by_town = format!("town = {}", p.next());
        let mut p = Params::new(self.backend);
        let young = format!(
            "village IN (SELECT code FROM villages WHERE town_code = {})",
            p.next()
        );
        let mut p = Params::new(self.backend);
        let people = format!("citizen_id IN {}", paid(&mut p));
        let mut p = Params::new(self.backend);
        let exits = format!("person IN {}", paid(&mut p));
        let of_year = || vec![Value::Int(Some(year)), code()];
        let of_paid = || {
            vec![
                Value::Int(Some(year)),
                code(),
                Value::Int(Some(year)),
                code(),
                code(),
            ]
        };
        Ok(touyan_records::model::Records {
            towns: self.list_unordered(None).await?,
            villages: self.list_unordered(Some((&villages, vec![code()]))).await?,
            list_entries: self.list_unordered(Some((&entries, of_year()))).await?,
            young_cadres: self.list_unordered(Some((&young, vec![code()]))).await?,
            people: self.list_unordered(Some((&people, of_paid()))).await?,
            exits: self.list_unordered(Some((&exits, of_paid()))).await?,
            town_years: self.list_unordered(Some((&entries, of_year()))).await?,
            list_filings: self.list_unordered(Some((&entries, of_year()))).await?,
            young_candidates: self.list_unordered(Some((&by_town, vec![code()]))).await?,
            ..Default::default()
        })
    }
}

impl Store {
    /// What a town's training page needs for `year` (the compliance
    /// builder of `touyan_reports::training`): every town, the
    /// town's villages, its list entries of the year, the people on them,
    /// the sessions starting in the year (the city's and every town's, for
    /// the codes), their attendance by the town's listed people, and those
    /// people's admonitions.
    pub async fn training_records(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<touyan_records::model::Records, StoreError> {
        let code = || Value::String(Some(town.as_str().to_owned()));
        let listed = |p: &mut Params| {
            format!(
                "(SELECT person FROM list_entries WHERE year = {} AND town = {})",
                p.next(),
                p.next()
            )
        };
        let of_year = || vec![Value::Int(Some(year)), code()];
        let (first, next) = match (
            Date::from_calendar_date(year, time::Month::January, 1),
            Date::from_calendar_date(year + 1, time::Month::January, 1),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            _ => return Err(StoreError::Invalid(format!("{year} 不是有效年份"))),
        };
        let span = || vec![Value::TimeDate(Some(first)), Value::TimeDate(Some(next))];
        let mut p = Params::new(self.backend);
        let villages = format!("town_code = {}", p.next());
        let mut p = Params::new(self.backend);
        let entries = format!("year = {} AND town = {}", p.next(), p.next());
        let mut p = Params::new(self.backend);
        let people = format!("citizen_id IN {}", listed(&mut p));
        let mut p = Params::new(self.backend);
        let sessions = format!("start_on >= {} AND start_on < {}", p.next(), p.next());
        let mut p = Params::new(self.backend);
        let attendance = format!(
            "session_code IN (SELECT code FROM training_sessions WHERE start_on >= {} AND start_on < {}) \
             AND person IN {}",
            p.next(),
            p.next(),
            listed(&mut p)
        );
        let mut p = Params::new(self.backend);
        let admonitions = format!("person IN {}", listed(&mut p));
        let mut att_values = span();
        att_values.extend(of_year());
        Ok(touyan_records::model::Records {
            towns: self.list_unordered(None).await?,
            villages: self.list_unordered(Some((&villages, vec![code()]))).await?,
            list_entries: self.list_unordered(Some((&entries, of_year()))).await?,
            people: self.list_unordered(Some((&people, of_year()))).await?,
            training_sessions: self.list_unordered(Some((&sessions, span()))).await?,
            attendance: self.list_unordered(Some((&attendance, att_values))).await?,
            admonitions: self.list_unordered(Some((&admonitions, of_year()))).await?,
            ..Default::default()
        })
    }
}

impl Store {
    /// A town's year as the reserves, secondments, exits and
    /// qualifications pages need it: every town, the town's villages, its
    /// list entries of the year, every post, reserve and young-cadre place
    /// in its villages,
    /// the people named by any of them with their exam results and
    /// certificates, and the listed people's secondments, work logs and
    /// exits.
    pub async fn town_records(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<touyan_records::model::Records, StoreError> {
        let code = || Value::String(Some(town.as_str().to_owned()));
        let of_year = || vec![Value::Int(Some(year)), code()];
        let mut p = Params::new(self.backend);
        let villages = format!("town_code = {}", p.next());
        let in_town = |p: &mut Params| {
            format!(
                "village IN (SELECT code FROM villages WHERE town_code = {})",
                p.next()
            )
        };
        let mut p = Params::new(self.backend);
        let entries = format!("year = {} AND town = {}", p.next(), p.next());
        let mut p = Params::new(self.backend);
        let posts = in_town(&mut p);
        let mut p = Params::new(self.backend);
        let reserves = in_town(&mut p);
        let mut p = Params::new(self.backend);
        let people = format!(
            "citizen_id IN (SELECT person FROM posts WHERE {}) \
             OR citizen_id IN (SELECT person FROM reserves WHERE {})",
            in_town(&mut p),
            in_town(&mut p)
        );
        let listed = |p: &mut Params| {
            format!(
                "person IN (SELECT person FROM list_entries WHERE year = {} AND town = {})",
                p.next(),
                p.next()
            )
        };
        let mut p = Params::new(self.backend);
        let secondments = listed(&mut p);
        let mut p = Params::new(self.backend);
        let of_holders = format!(
            "person IN (SELECT person FROM posts WHERE {})",
            in_town(&mut p)
        );
        Ok(touyan_records::model::Records {
            towns: self.list_unordered(None).await?,
            villages: self.list_unordered(Some((&villages, vec![code()]))).await?,
            list_entries: self.list_unordered(Some((&entries, of_year()))).await?,
            posts: self.list_unordered(Some((&posts, vec![code()]))).await?,
            reserves: self.list_unordered(Some((&reserves, vec![code()]))).await?,
            young_cadres: self.list_unordered(Some((&reserves, vec![code()]))).await?,
            people: self
                .list_unordered(Some((&people, vec![code(), code()])))
                .await?,
            secondments: self.list_unordered(Some((&secondments, of_year()))).await?,
            work_logs: self.list_unordered(Some((&secondments, of_year()))).await?,
            exits: self.list_unordered(Some((&secondments, of_year()))).await?,
            exam_results: self
                .list_unordered(Some((&of_holders, vec![code()])))
                .await?,
            certificates: self
                .list_unordered(Some((&of_holders, vec![code()])))
                .await?,
            ..Default::default()
        })
    }
}

impl Store {
    /// What a town's young-cadre page needs for `year` (the pay builder of
    /// `touyan_reports::young`): every town, the town's villages,
    /// its young cadres and their people and exits, the town's settings of
    /// the year, and the town's list of the year with its filed versions (a
    /// young cadre on the list in force is paid as a secretary, not as a
    /// young cadre).
    pub async fn young_records(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<touyan_records::model::Records, StoreError> {
        let code = || Value::String(Some(town.as_str().to_owned()));
        let in_town = |p: &mut Params| {
            format!(
                "village IN (SELECT code FROM villages WHERE town_code = {})",
                p.next()
            )
        };
        let mut p = Params::new(self.backend);
        let villages = format!("town_code = {}", p.next());
        let mut p = Params::new(self.backend);
        let young = in_town(&mut p);
        let mut p = Params::new(self.backend);
        let people = format!(
            "citizen_id IN (SELECT person FROM young_cadres WHERE {})",
            in_town(&mut p)
        );
        let mut p = Params::new(self.backend);
        let exits = format!(
            "person IN (SELECT person FROM young_cadres WHERE {})",
            in_town(&mut p)
        );
        let mut p = Params::new(self.backend);
        let by_town = format!("town = {}", p.next());
        let mut p = Params::new(self.backend);
        let settings = format!("year = {} AND town = {}", p.next(), p.next());
        let of_year = || vec![Value::Int(Some(year)), code()];
        Ok(touyan_records::model::Records {
            towns: self.list_unordered(None).await?,
            villages: self.list_unordered(Some((&villages, vec![code()]))).await?,
            young_cadres: self.list_unordered(Some((&young, vec![code()]))).await?,
            people: self.list_unordered(Some((&people, vec![code()]))).await?,
            exits: self.list_unordered(Some((&exits, vec![code()]))).await?,
            young_candidates: self.list_unordered(Some((&by_town, vec![code()]))).await?,
            town_years: self.list_unordered(Some((&settings, of_year()))).await?,
            list_entries: self.list_unordered(Some((&settings, of_year()))).await?,
            list_filings: self.list_unordered(Some((&settings, of_year()))).await?,
            ..Default::default()
        })
    }
}

impl Store {
    /// Everything on record of one town, every year, as its exports read
    /// it: every town (names are public), its villages and what is kept
    /// by village (posts, village years, reserves, young-cadre places),
    /// the people placed in it (a post, reserve or young-cadre place in
    /// one of its villages) with everything kept by person, the training
    /// sessions it organised or its people attended, and its list entries
    /// and yearly settings. No other town's villages, people or lists are
    /// read; records kept by person carry no town, so for someone placed
    /// in another town as well (a secretary who moved) they include what
    /// is kept of them there, as the town's roster export always did.
    // One piece: one filter per record kind, each a line; a list, not a procedure.
    pub async fn town_file(
        &self,
        town: TownCode,
    ) -> Result<touyan_records::model::Records, StoreError> {
        let code = || Value::String(Some(town.as_str().to_owned()));
        let in_town = |p: &mut Params| {
            format!(
                "village IN (SELECT code FROM villages WHERE town_code = {})",
                p.next()
            )
        };
        // The people placed in the town, and their values (three codes).
        let placed = |p: &mut Params| {
            format!(
                "(SELECT person FROM posts WHERE {} \
                 UNION SELECT person FROM reserves WHERE {} \
                 UNION SELECT person FROM young_cadres WHERE {})",
                in_town(p),
                in_town(p),
                in_town(p)
            )
        };
        let three = || vec![code(), code(), code()];
        let mut p = Params::new(self.backend);
        let by_town = format!("town = {}", p.next());
        let mut p = Params::new(self.backend);
        let villages = format!("town_code = {}", p.next());
        let mut p = Params::new(self.backend);
        let by_village = in_town(&mut p);
        let mut p = Params::new(self.backend);
        let people = format!("citizen_id IN {}", placed(&mut p));
        let mut p = Params::new(self.backend);
        let by_person = format!("person IN {}", placed(&mut p));
        let mut p = Params::new(self.backend);
        let sessions = format!(
            "town = {} OR code IN (SELECT session_code FROM attendance WHERE person IN {})",
            p.next(),
            placed(&mut p)
        );
        let mut session_values = vec![code()];
        session_values.extend(three());
        let village = || Some((by_village.as_str(), vec![code()]));
        let person = || Some((by_person.as_str(), three()));
        Ok(touyan_records::model::Records {
            towns: self.list_unordered(None).await?,
            villages: self.list_unordered(Some((&villages, vec![code()]))).await?,
            people: self.list_unordered(Some((&people, three()))).await?,
            posts: self.list_unordered(village()).await?,
            village_years: self.list_unordered(village()).await?,
            reserves: self.list_unordered(village()).await?,
            young_cadres: self.list_unordered(village()).await?,
            three_good: self.list_unordered(person()).await?,
            training_sessions: self
                .list_unordered(Some((&sessions, session_values)))
                .await?,
            attendance: self.list_unordered(person()).await?,
            ballots: self.list_unordered(person()).await?,
            admonitions: self.list_unordered(person()).await?,
            exam_results: self.list_unordered(person()).await?,
            certificates: self.list_unordered(person()).await?,
            secondments: self.list_unordered(person()).await?,
            annual_plans: self.list_unordered(person()).await?,
            pay_records: self.list_unordered(person()).await?,
            exits: self.list_unordered(person()).await?,
            condition_answers: self.list_unordered(person()).await?,
            pay_parts: self.list_unordered(person()).await?,
            list_entries: self.list_unordered(Some((&by_town, vec![code()]))).await?,
            town_years: self.list_unordered(Some((&by_town, vec![code()]))).await?,
            young_candidates: self.list_unordered(Some((&by_town, vec![code()]))).await?,
            list_filings: self.list_unordered(Some((&by_town, vec![code()]))).await?,
            ..Default::default()
        })
    }
}
