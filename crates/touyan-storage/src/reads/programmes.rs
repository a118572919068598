//! What people were on: the secretaries' yearly lists (entries and filed
//! versions) and the young cadres' programme. The import reads it to
//! tell which programme an exit leaves when its workbook row does not
//! say (`touyan_office::import`).

use sea_orm::Value;
use touyan_records::CitizenId;
use touyan_records::model::{ListEntry, ListFiling, Records, YoungCadre};

use super::select;
use crate::record::Record;
use crate::sql::Query;
use crate::{Store, StoreError};

impl Store {
    /// The list entries, the filed versions of lists and the young-cadre
    /// rows on record of `ids` (the other kinds left empty).
    pub async fn programmes_of(&self, ids: &[&CitizenId]) -> Result<Records, StoreError> {
        let mut r = Records::default();
        for chunk in ids.chunks(500) {
            r.list_entries
                .extend(of_people::<ListEntry>(self, chunk).await?);
            r.list_filings
                .extend(of_people::<ListFiling>(self, chunk).await?);
            r.young_cadres
                .extend(of_people::<YoungCadre>(self, chunk).await?);
        }
        Ok(r)
    }
}

/// The rows of `R`'s table (one with a `person` column) of `ids`.
async fn of_people<R: Record>(store: &Store, ids: &[&CitizenId]) -> Result<Vec<R>, StoreError> {
    let mut q = Query::new(store.backend);
    let marks: Vec<String> = ids
        .iter()
        .map(|id| q.bind(Value::String(Some(id.as_str().to_owned()))))
        .collect();
    select::<R>(store, q, &format!("person IN ({})", marks.join(", "))).await
}
