//! The store handles a handler may hold (issue 16, item 5; lldap's
//! capability handles). [`AppState`](crate::state::AppState) hands out
//! only these (and the scoped reader, `touyan_storage::Scoped`):
//!
//! - a [`TownDesk`], for a user allowed an action and a town the user
//!   sees (a town role its own town, a city role any): every read and
//!   write through it is about [`TownDesk::town`];
//! - a [`CityDesk`], for a user allowed an action whose role is a city
//!   role: reads across towns. A town role cannot obtain one.
//!
//! `crates/touyan-web/tests/scope_handles.rs` keeps it so: no web module
//! but `state.rs` reaches the store otherwise.

use touyan_records::TownCode;
use touyan_storage::Store;

/// One town's records, for a user who may see that town.
#[derive(Clone, Copy)]
pub struct TownDesk<'a> {
    store: &'a Store,
    town: TownCode,
}

impl<'a> TownDesk<'a> {
    /// Made by `AppState::town_desk` only, after the scope check.
    pub(crate) fn checked(store: &'a Store, town: TownCode) -> TownDesk<'a> {
        TownDesk { store, town }
    }

    /// The town this desk is for.
    pub fn town(&self) -> &TownCode {
        &self.town
    }

    /// The store, for calls about [`TownDesk::town`] (pass it as the
    /// town: the desk is what says the user may see it).
    pub(crate) fn store(&self) -> &'a Store {
        self.store
    }
}

/// Every town's records, for a city role.
#[derive(Clone, Copy)]
pub struct CityDesk<'a> {
    store: &'a Store,
}

impl<'a> CityDesk<'a> {
    /// Made by `AppState::city_desk` only, after the role check.
    pub(crate) fn checked(store: &'a Store) -> CityDesk<'a> {
        CityDesk { store }
    }

    /// The store, for reads across towns.
    pub(crate) fn store(&self) -> &'a Store {
        self.store
    }
}

/// The desk of a user's whole scope: a town role's own town, or the
/// city for a city role.
pub enum Desk<'a> {
    Town(TownDesk<'a>),
    City(CityDesk<'a>),
}

impl<'a> Desk<'a> {
    /// The store, for calls within [`Desk::town`] (every town for the
    /// city).
    pub(crate) fn store(&self) -> &'a Store {
        match self {
            Desk::Town(d) => d.store(),
            Desk::City(d) => d.store(),
        }
    }

    /// The town of a town role's desk; `None` for the city.
    pub fn town(&self) -> Option<&TownCode> {
        match self {
            Desk::Town(d) => Some(d.town()),
            Desk::City(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use time::macros::datetime;
    use touyan_records::TownCode;
    use touyan_storage::Store;

    use crate::http::{Desk, PageError};
    use crate::roles::{Action, Role};
    use crate::state::{AppState, Config, ManualClock, User};

    const A: &str = "370783100";
    const B: &str = "370783200";

    fn user(role: Role, town: Option<&str>) -> User {
        User {
            username: "u".into(),
            display_name: "u".into(),
            role,
            town: town.map(str::to_owned),
            csrf: String::new(),
            token_hash: String::new(),
            idle_seconds: 1800,
        }
    }

    async fn state() -> AppState {
        let store = Store::open("sqlite::memory:").await.expect("store");
        let clock = Arc::new(ManualClock::new(datetime!(2026-03-01 08:00)));
        AppState::open(store, clock, Config::default())
            .await
            .expect("state")
    }

    fn code(t: &str) -> TownCode {
        TownCode::parse(t).expect("town code")
    }

    fn what(r: Result<impl Sized, PageError>) -> &'static str {
        match r {
            Ok(_) => "ok",
            Err(PageError::Forbidden) => "403",
            Err(PageError::NotFound) => "404",
            Err(_) => "other",
        }
    }

    #[tokio::test]
    async fn a_town_role_gets_its_own_town_and_nothing_else() {
        let st = state().await;
        let op = user(Role::TownOperator, Some(A));
        let own = st
            .town_desk(&op, Action::Lists, &code(A))
            .expect("own town");
        assert_eq!(own.town().as_str(), A);
        assert_eq!(what(st.town_desk(&op, Action::Lists, &code(B))), "404");
        assert_eq!(what(st.city_desk(&op, Action::Lists)), "403");
        assert!(matches!(st.desk(&op, Action::Lists), Ok(Desk::Town(d)) if d.town().as_str() == A));
        assert_eq!(what(st.desk_of(&op, Action::Lists, None)), "403");
        assert_eq!(what(st.desk_of(&op, Action::Lists, Some(&code(B)))), "404");
        // An action the role may not do: refused before the town.
        assert_eq!(what(st.town_desk(&op, Action::Audit, &code(A))), "403");
    }

    #[tokio::test]
    async fn a_town_role_without_a_town_gets_no_desk() {
        let st = state().await;
        let op = user(Role::TownReviewer, None);
        assert_eq!(what(st.desk(&op, Action::Lists)), "404");
        assert_eq!(what(st.town_desk(&op, Action::Lists, &code(A))), "404");
        assert_eq!(what(st.city_desk(&op, Action::Lists)), "403");
    }

    #[tokio::test]
    async fn city_roles_get_any_town_and_the_city() {
        let st = state().await;
        let admin = user(Role::CityAdmin, None);
        for t in [A, B] {
            assert_eq!(what(st.town_desk(&admin, Action::Lists, &code(t))), "ok");
        }
        assert!(matches!(st.desk(&admin, Action::Lists), Ok(Desk::City(_))));
        let fin = user(Role::Finance, None);
        assert_eq!(what(st.city_desk(&fin, Action::Pay)), "ok");
        // Finance sees no lists: no desk for them, of any kind.
        assert_eq!(what(st.city_desk(&fin, Action::Lists)), "403");
        assert_eq!(what(st.town_desk(&fin, Action::Lists, &code(A))), "403");
    }
}
