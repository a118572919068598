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
#[derive(Clone)]
pub struct TownDesk<'a> {
    store: &'a Store,
    town: TownCode,
}

impl<'a> TownDesk<'a> {
    /// Made by `AppState::town_desk` (and [`CityDesk::town`]) only,
    /// after the scope check.
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

    /// One town's desk (the city sees every town).
    pub(crate) fn town(&self, town: TownCode) -> TownDesk<'a> {
        TownDesk::checked(self.store, town)
    }
}
