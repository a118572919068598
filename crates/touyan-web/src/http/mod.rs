//! What every handler shares to stay a thin adapter (issue 16, item 6):
//!
//! - `error.rs`: [`PageError`], the one error a page handler returns: it
//!   becomes the answer (sign-in first, refused, not found, a form gone
//!   stale) and, for an internal error, writes the detail to the server
//!   log under a request id and shows people a Chinese sentence with that
//!   id, never the internal text.
//! - `extract.rs`: the extractors [`SignedIn`] (a signed-in user allowed
//!   one action) and [`SignedForm`] (the same, with a form whose CSRF
//!   token is checked).
//! - `desk.rs`: the store handles (issue 16, item 5): [`TownDesk`], one
//!   town's records for a user who may see that town, and [`CityDesk`],
//!   every town's, which only city roles obtain. A handler has no other
//!   way to the store.
//! - `keep.rs`: the layer that gives a refused form back as it was typed,
//!   keeps a form an expired session interrupted for its user, and
//!   carries a notice of what was done to the next page ([`done`]).
//! - `requests.rs`: the outermost layer — each request's id, its time
//!   limit and its access-log line; `proxies.rs`: the client's real
//!   address behind trusted reverse proxies; `public_url.rs`: the address
//!   people open the system at.

mod desk;
mod error;
mod extract;
pub mod keep;
mod proxies;
mod public_url;
pub mod requests;

pub use desk::{CityDesk, Desk, TownDesk};
pub use error::PageError;
pub(crate) use error::{internal_text, key_file_unavailable, log_internal, logged, request_id};
pub use extract::{Act, HasCsrf, SignedForm, SignedIn, act};
pub use keep::{Interrupted, done};
pub use proxies::{ClientAddr, TrustedProxies, client_addr};
pub use public_url::PublicUrl;
pub(crate) use requests::note_user;
pub use requests::{REQUEST_ID_HEADER, Timeouts, current_id};
