//! What the office refuses or fails at: a variant for code, a Chinese
//! sentence for people.

use std::fmt;

use touyan_storage::StoreError;
use touyan_workflow::Refusal;

/// Why something the office was asked to do was not done. Nothing was
/// written.
#[derive(Debug)]
pub enum OfficeError {
    /// The record is not there, or not in the actor's scope (answered
    /// alike).
    NotFound,
    /// The actor's role may not do this.
    Forbidden(String),
    /// The record's state does not allow it, or someone else changed it
    /// first.
    Conflict(String),
    /// What was asked is incomplete or breaks a rule of the measures.
    Invalid(String),
    /// The store failed (an internal error: logged, not shown in detail),
    /// or the one-card accounts' key file did (`StoreError::Key`: its
    /// detail names the file's path on the server, for the operator who
    /// holds it, not for a web user).
    Store(StoreError),
}

impl fmt::Display for OfficeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OfficeError::NotFound => f.write_str("记录不存在"),
            OfficeError::Forbidden(m) | OfficeError::Conflict(m) | OfficeError::Invalid(m) => {
                f.write_str(m)
            }
            OfficeError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for OfficeError {}

impl From<Refusal> for OfficeError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::NotFound => OfficeError::NotFound,
            Refusal::Forbidden(m) => OfficeError::Forbidden(m),
            Refusal::Conflict(m) => OfficeError::Conflict(m),
            Refusal::Invalid(m) => OfficeError::Invalid(m),
        }
    }
}

impl OfficeError {
    /// Refuses `text` longer than `max` characters, naming `what` and
    /// its length ([`touyan_records::text::too_long`]): nothing is cut to
    /// fit.
    pub fn at_most(text: &str, what: &str, max: usize) -> Result<(), OfficeError> {
        match touyan_records::text::too_long(text, what, max) {
            Some(m) => Err(OfficeError::Invalid(m)),
            None => Ok(()),
        }
    }

    /// A store's refusal of what a form sent — a value it cannot keep, a
    /// record already there, a reference to nothing — as the user's
    /// refusal; anything else as [`From<StoreError>`] maps it.
    pub(crate) fn refused(e: StoreError) -> OfficeError {
        match e {
            StoreError::Invalid(m) => OfficeError::Invalid(m),
            e @ (StoreError::Duplicate { .. }
            | StoreError::MissingReference { .. }
            | StoreError::AlreadyRecorded { .. }
            | StoreError::RecordedDiffers { .. }
            | StoreError::LimitExceeded { .. }) => OfficeError::Invalid(e.to_string()),
            e => e.into(),
        }
    }
}

impl From<StoreError> for OfficeError {
    /// A stale record as a conflict; anything else — the one-card key
    /// file's failure too — as the store's failure, which each adapter
    /// says its own way (the web without the detail, the command line in
    /// full).
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Stale => OfficeError::Conflict(e.to_string()),
            e => OfficeError::Store(e),
        }
    }
}
