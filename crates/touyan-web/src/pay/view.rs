//! A town's run as the pages read it: the office's month
//! (`touyan_office::pay::town_month`) with the town's name, opened from a
//! path's month and town within the user's scope.

use time::Date;
use touyan_office::OfficeError;
use touyan_office::pay::{self as office_pay, TownMonth};
use touyan_office::pay_parts::{self, WholePay};
use touyan_records::TownCode;
use touyan_reports as reports;

use crate::http::{PageError, TownDesk};
use crate::roles::Action;
use crate::state::{AppState, User};

/// A town's month as the office gives it, with the town's name.
pub(super) struct View {
    pub(super) town_name: String,
    pub(super) tm: TownMonth,
    /// The month's whole pay of the town's people by part and channel
    /// (Article 13), and why the subsidies cannot be computed, if so.
    pub(super) whole: (WholePay, Option<String>),
    /// Who made the run's moves, by name.
    pub(super) signers: touyan_office::signers::Signers,
}

async fn load(
    st: &AppState,
    user: &User,
    desk: &TownDesk<'_>,
    month: Date,
) -> Result<Option<View>, PageError> {
    let towns = st.reader(user).towns().await?;
    let Some((_, town_name)) = towns.into_iter().find(|(c, _)| c == desk.town().as_str()) else {
        return Ok(None);
    };
    let tm = match office_pay::town_month(desk.store(), st.policy(), month, *desk.town()).await {
        Ok(tm) => tm,
        Err(OfficeError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(PageError::Internal(e.to_string())),
    };
    let whole = match pay_parts::town_whole_pay(desk.store(), &tm).await {
        Ok(w) => w,
        Err(OfficeError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(PageError::Internal(e.to_string())),
    };
    let by: Vec<&str> = tm.moves.iter().map(|m| m.by.as_str()).collect();
    let signers = touyan_office::signers::of(desk.store(), &by)
        .await
        .map_err(|e| match e {
            OfficeError::Store(e) => PageError::from(e),
            e => PageError::Internal(e.to_string()),
        })?;
    Ok(Some(View {
        town_name,
        tm,
        whole,
        signers,
    }))
}

/// Parses a path's month and town, checks scope, and loads the run.
pub(super) async fn open_run<'s>(
    st: &'s AppState,
    user: &User,
    month: &str,
    town: &str,
) -> Result<(TownDesk<'s>, View), PageError> {
    let town = TownCode::parse(town).map_err(|_| PageError::NotFound)?;
    let desk = st.town_desk(user, Action::Pay, &town)?;
    let month = reports::parse_month(month).ok_or(PageError::NotFound)?;
    let v = load(st, user, &desk, month)
        .await?
        .ok_or(PageError::NotFound)?;
    Ok((desk, v))
}
