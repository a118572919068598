//! `GET /pay/{month}/{town}/one-card`: a town's one-card (一卡通)
//! payment file of a month, for finance and the city once the city has
//! approved the run (issue 17, items 5 and 6). Who may, the run's state,
//! the accounts opened with the key file and the log entry written before
//! the file is handed out are `touyan_office::one_card::file`'s; this
//! module lays the workbook out and sends it. The run's page says
//! whether the file may be taken and who has no account yet
//! ([`status`]).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use touyan_excel::reports as layout;
use touyan_office::OfficeError;
use touyan_office::one_card as office;
use touyan_storage::StoreError;

use super::month_text;
use super::town::page;
use super::view::{View, open_run};
use crate::http::{PageError, SignedIn, act, key_file_unavailable};
use crate::imports::{XLSX, attachment};
use crate::pages::{not_found_page, render};
use crate::scope::by_from;
use crate::state::{AppState, Failure, User};

/// The one-card file's part of a run's page.
pub struct OneCardStatus {
    /// Where the file is taken, when the user may take it now.
    pub href: Option<String>,
    /// Why the user may not (shown to finance and the city only).
    pub why_not: Option<String>,
    /// "张三（东村）" of each person paid without an account.
    pub missing: Vec<String>,
    pub paid: usize,
}

/// Where `v`'s month stands for its one-card file, for `user`.
pub(super) async fn status(
    st: &AppState,
    user: &User,
    origin: &str,
    v: &View,
) -> Result<OneCardStatus, PageError> {
    let desk = st.town_desk(user, crate::roles::Action::Pay, &v.tm.town)?;
    let by = by_from(user, origin);
    let r = office::readiness(desk.store(), &by, &v.tm).await?;
    Ok(OneCardStatus {
        href: r.may_take.is_ok().then(|| {
            format!(
                "/pay/{}/{}/one-card",
                month_text(v.tm.month),
                v.tm.town.as_str()
            )
        }),
        why_not: r.may_take.err().filter(|_| r.takes_files),
        missing: r
            .missing
            .into_iter()
            .map(|(village, name)| format!("{name}（{village}）"))
            .collect(),
        paid: r.paid,
    })
}

pub async fn one_card_file(
    State(st): State<AppState>,
    SignedIn { user, origin, .. }: SignedIn<act::Pay>,
    Path((month, town)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (desk, v) = open_run(&st, &user, &month, &town).await?;
    let by = by_from(&user, &origin);
    let made = office::file(desk.store(), st.key_file(), &by, &v.tm).await;
    let file = match made {
        Ok(f) => f,
        Err(OfficeError::Store(StoreError::Key(detail))) => {
            // The key file's path is the server's: logged, not shown.
            let mut p = page(&user, v, Some(key_file_unavailable(&detail)));
            p.one_card = None;
            return Ok(render(&p, StatusCode::SERVICE_UNAVAILABLE));
        }
        Err(OfficeError::Store(e)) => return Err(e.into()),
        Err(OfficeError::NotFound) => return Ok(not_found_page()),
        Err(e) => {
            let status = match e {
                OfficeError::Forbidden(_) => StatusCode::FORBIDDEN,
                OfficeError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::CONFLICT,
            };
            let mut p = page(&user, v, Some(e.to_string()));
            p.one_card = None;
            return Ok(render(&p, status));
        }
    };
    let report = layout::one_card_report(&file, st.today());
    // Made in memory: full ID numbers and accounts never touch the
    // server's disk in the clear.
    let bytes = tokio::task::spawn_blocking(move || layout::report_bytes(&report))
        .await
        .map_err(|e| Failure::Internal(format!("生成一卡通发放文件失败：{e}")))?
        .map_err(|e| Failure::Internal(format!("生成一卡通发放文件失败：{e}")))?;
    Ok(attachment(bytes, &file.file_name, XLSX))
}
