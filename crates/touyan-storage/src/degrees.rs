//! Degree-study applications (Article 7; table `degree_enrolments`),
//! added through [`Store::record_new`].

use sea_orm::Value;
use touyan_records::model::DegreeEnrolment;
use touyan_records::{CitizenId, TownCode};

use crate::record::{Cell, Col, Kind, Reader, Record, col, int, text};
use crate::sql::Params;
use crate::{Store, StoreError};

impl Record for DegreeEnrolment {
    const TABLE: &'static str = "degree_enrolments";
    const ZH: &'static str = "学历教育报名";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("year", Kind::Int),
        col("town", Kind::Text),
        col("applied_on", Kind::Date),
        col("programme", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(self.person.as_str()),
            int(self.year),
            text(self.town.as_str()),
            Cell::Date(self.applied_on),
            text(&self.programme),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(DegreeEnrolment {
            person: r.parse(CitizenId::parse)?,
            year: r.int()?,
            town: r.parse(TownCode::parse)?,
            applied_on: r.date()?,
            programme: r.text()?,
        })
    }
}

impl Store {
    /// The town's degree-study applications of `year`, by person.
    pub async fn degree_enrolments(
        &self,
        town: TownCode,
        year: i32,
    ) -> Result<Vec<DegreeEnrolment>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!("town = {} AND year = {}", p.next(), p.next());
        let v = vec![
            Value::String(Some(town.as_str().to_owned())),
            Value::Int(Some(year)),
        ];
        crate::sql::select(&self.db, self.backend, &f, v).await
    }
}
