//! # touyan-records: the identifiers records are kept by
//!
//! Parse, don't validate: a [`CitizenId`] cannot hold a number with a wrong
//! check digit, a [`VillageCode`] cannot hold anything but twelve digits. Pure
//! (no I/O), shared by storage, the Excel importer and exporter and the web.

pub mod citizen_id;
pub mod division;
pub mod model;
pub mod text;

pub use citizen_id::{CitizenId, IdError, Mask, Sex};
pub use division::{CodeError, CommitteeKind, TownCode, TownKind, VillageCode};
