//! A town's secretaries on `/plans`: each plan's state and stage, the
//! missing ones flagged, and those with a plan who are no longer on the
//! town's roster.

use touyan_office::plans as office;
use touyan_records::TownCode;
use touyan_storage::Store;

use super::overview::OverviewPage;
use super::{OFF_ROSTER, by, source_zh};
use crate::http::PageError;
use crate::pages::{Chrome, masked};
use crate::state::{AppState, User};

/// One secretary of a town, with their plan's state.
pub struct PersonLine {
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub href: String,
    pub source: &'static str,
    pub state: &'static str,
    pub stage: String,
    pub missing: bool,
}

/// Fills `page` with `town`'s (named `name`) secretaries of the page's
/// year; `store` is the town's desk's.
pub(super) async fn fill(
    st: &AppState,
    user: &User,
    store: &Store,
    page: &mut OverviewPage,
    town: TownCode,
    name: String,
) -> Result<(), PageError> {
    let year = page.year;
    let lines = office::town(store, &by(user), st.policy(), st.today(), year, town).await?;
    page.chrome = Chrome::new(
        &format!("{name} {year} 年度工作目标和计划"),
        Some(user),
        "/plans",
    );
    page.town = Some((town.as_str().to_owned(), name));
    page.missing = lines.iter().filter(|l| l.missing()).count();
    page.people = lines
        .into_iter()
        .map(|l| PersonLine {
            person_id: masked(&l.person),
            href: format!("/plans/{year}/{}", st.person_ref(&l.person)),
            source: l.roster.map_or(OFF_ROSTER, source_zh),
            state: office::state_label(l.state),
            missing: l.missing(),
            village_name: l.village_name,
            name: l.name,
            stage: l.stage,
        })
        .collect();
    Ok(())
}
