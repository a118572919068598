//! The towns' answers to the inclusion conditions a city's policy adds
//! (`condition_answers`, migration m0020): read for a list's people. They
//! are written like every record kind, through a batch.

use sea_orm::Value;
use touyan_records::CitizenId;
use touyan_records::model::ConditionAnswer;

use crate::reads::select;
use crate::sql::Query;
use crate::{Store, StoreError};

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
