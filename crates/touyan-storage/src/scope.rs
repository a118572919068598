//! Whose records a reader may see. Every read of records for a user goes
//! through [`Scoped`], which can only be had from [`Store::scoped`] with a
//! [`Scope`]: the whole city, or one town. A village is in a town's scope
//! when its `town_code` is the town. A person is in a town's scope when they
//! hold or held a post, a reserve place or a young-cadre place in one of the
//! town's villages — that definition is written once, in [`TOWN_LINKS`] (as
//! a list condition, [`person_in_town`], and as a probe for one person,
//! [`person_of_town`]), and every scoped query about people uses it. A
//! record outside the scope reads exactly like a record that does not exist
//! (`None`). The reads themselves are in `reads/`.

use crate::sql::Query;
use crate::{Backend, Store};

/// Whose records a reader may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every town.
    City,
    /// One town (its 9-digit code).
    Town(String),
}

/// Reads limited to one [`Scope`]. Obtained from [`Store::scoped`].
pub struct Scoped<'s> {
    pub(crate) store: &'s Store,
    pub(crate) town: Option<String>,
}

impl Store {
    /// A reader of what `scope` may see.
    pub fn scoped(&self, scope: &Scope) -> Scoped<'_> {
        Scoped {
            store: self,
            town: match scope {
                Scope::City => None,
                Scope::Town(t) => Some(t.clone()),
            },
        }
    }
}

impl Scoped<'_> {
    /// The town of a town scope.
    pub fn town(&self) -> Option<&str> {
        self.town.as_deref()
    }

    pub(crate) fn backend(&self) -> Backend {
        self.store.backend
    }
}

/// The record tables that tie a person to a village, and so to its town:
/// a post, a reserve place or a young-cadre place, held now or before.
const TOWN_LINKS: [&str; 3] = ["posts", "reserves", "young_cadres"];

/// The one definition of "person `person_col` belongs to town `town`": they
/// hold or held a post, a reserve place or a young-cadre place in one of the
/// town's villages ([`TOWN_LINKS`]). This form (`IN` the town's people)
/// suits lists; [`person_of_town`] says the same for one known person.
/// Binds the town once per link table.
pub(crate) fn person_in_town(q: &mut Query, person_col: &str, town: &str) -> String {
    let parts: Vec<String> = TOWN_LINKS
        .iter()
        .enumerate()
        .map(|(i, table)| {
            let t = q.bind(town.to_owned());
            format!(
                "SELECT l{i}.person FROM {table} l{i} JOIN villages lv{i} \
                 ON lv{i}.code = l{i}.village WHERE lv{i}.town_code = {t}"
            )
        })
        .collect();
    format!("{person_col} IN ({})", parts.join(" UNION "))
}

/// [`person_in_town`] for one person: the same links, probed from the
/// person (`EXISTS`), so a town's people are not gathered to check one of
/// them (the one-person file). Binds the town once per link table.
pub(crate) fn person_of_town(q: &mut Query, person_col: &str, town: &str) -> String {
    let parts: Vec<String> = TOWN_LINKS
        .iter()
        .enumerate()
        .map(|(i, table)| {
            let t = q.bind(town.to_owned());
            format!(
                "EXISTS (SELECT 1 FROM {table} l{i} JOIN villages lv{i} \
                 ON lv{i}.code = l{i}.village \
                 WHERE l{i}.person = {person_col} AND lv{i}.town_code = {t})"
            )
        })
        .collect();
    format!("({})", parts.join(" OR "))
}
