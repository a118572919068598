//! The parts of a secretary's pay that higher-level rules set
//! (`pay_parts`, migration m0022; Article 13): the record kind's table,
//! and the reads of a person's parts and of a town's parts in a month.
//! They are written like every record kind, through a batch.

use sea_orm::Value;
use time::Date;
use touyan_records::CitizenId;
use touyan_records::model::PayPartRecord;

use crate::reads::select;
use crate::record::{Cell, Col, Kind, Reader, Record, col, label, text};
use crate::records::{id, person};
use crate::scope::person_in_town;
use crate::sql::Query;
use crate::{Store, StoreError};

use Kind::{BigInt, Date as DateCol, Text};

impl Store {
    /// `person`'s parts on record, by month and part.
    pub async fn pay_parts_of(&self, person: &CitizenId) -> Result<Vec<PayPartRecord>, StoreError> {
        let mut q = Query::new(self.backend);
        let p = q.bind(Value::String(Some(person.as_str().to_owned())));
        select::<PayPartRecord>(self, q, &format!("person = {p}")).await
    }

    /// The parts on record for `month` (its first day) of the people of
    /// `town` (the one definition: a post, a reserve or a young-cadre
    /// place in one of its villages), by person and part.
    pub async fn town_pay_parts(
        &self,
        town: &str,
        month: Date,
    ) -> Result<Vec<PayPartRecord>, StoreError> {
        let mut q = Query::new(self.backend);
        let m = q.bind(Value::TimeDate(Some(month)));
        let of_town = person_in_town(&mut q, "person", town);
        select::<PayPartRecord>(self, q, &format!("pay_month = {m} AND {of_town}")).await
    }

    /// The names of the people [`Store::town_pay_parts`] reads (by ID
    /// number), for a page that lists them.
    pub async fn town_pay_part_names(
        &self,
        town: &str,
        month: Date,
    ) -> Result<Vec<(CitizenId, String)>, StoreError> {
        let mut q = Query::new(self.backend);
        let m = q.bind(Value::TimeDate(Some(month)));
        let of_town = person_in_town(&mut q, "person", town);
        q.sql = format!(
            "SELECT citizen_id, name FROM people WHERE citizen_id IN \
             (SELECT person FROM pay_parts WHERE pay_month = {m} AND {of_town}) \
             ORDER BY citizen_id"
        );
        q.read_all(self)
            .await?
            .iter()
            .map(|r| {
                let id: String = r.try_get_by_index(0)?;
                let name: String = r.try_get_by_index(1)?;
                let id = CitizenId::parse(&id)
                    .map_err(|_| StoreError::Database("内部错误：身份证号码无效".into()))?;
                Ok((id, name))
            })
            .collect()
    }
}

impl Record for PayPartRecord {
    const TABLE: &'static str = "pay_parts";
    const ZH: &'static str = "报酬构成";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("pay_month", DateCol),
        col("pay_part", Text),
        col("amount_fen", BigInt),
        col("fund_channel", Text),
        col("recorded_on", DateCol),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            Cell::Date(self.month),
            label(self.part),
            Cell::Int(self.amount_fen),
            text(&self.channel),
            Cell::Date(self.recorded_on),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(PayPartRecord {
            person: person(r)?,
            month: r.date()?,
            part: r.label()?,
            amount_fen: r.int()?,
            channel: r.text()?,
            recorded_on: r.date()?,
        })
    }
}
