//! The towns' answers to the inclusion conditions a city's policy adds
//! (`condition_answers`, migration m0020): the record kind's table, and
//! the read of a list's people's answers. They are written like every
//! record kind, through a batch.

use sea_orm::Value;
use touyan_records::CitizenId;
use touyan_records::model::ConditionAnswer;

use crate::reads::select;
use crate::record::{Cell, Col, Kind, Reader, Record, col, text};
use crate::records::{id, person};
use crate::sql::Query;
use crate::{Store, StoreError};

use Kind::{Bool, Date, Text};

impl Store {
    /// The answers on record for `ids` (in key order: person, condition).
    pub async fn condition_answers_of(
        &self,
        ids: &[&CitizenId],
    ) -> Result<Vec<ConditionAnswer>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let mut q = Query::new(self.backend);
            let marks: Vec<String> = chunk
                .iter()
                .map(|id| q.bind(Value::String(Some(id.as_str().to_owned()))))
                .collect();
            let filter = format!("person IN ({})", marks.join(", "));
            out.extend(select::<ConditionAnswer>(self, q, &filter).await?);
        }
        Ok(out)
    }
}

impl Record for ConditionAnswer {
    const TABLE: &'static str = "condition_answers";
    const ZH: &'static str = "增设纳入条件的回答";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("condition_id", Text),
        col("answer", Bool),
        col("recorded_on", Date),
        col("note", Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            text(&self.condition),
            Cell::Bool(self.answer),
            Cell::Date(self.recorded_on),
            text(&self.note),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(ConditionAnswer {
            person: person(r)?,
            condition: r.text()?,
            answer: r.bool()?,
            recorded_on: r.date()?,
            note: r.text()?,
        })
    }
}
