//! The demo accounts: `city` (city administrator), `finance` (finance),
//! and for every town `town-<town code>` (town operator) and
//! `review-<town code>` (town reviewer), all with the password
//! [`DEMO_PASSWORD`](crate::auth::DEMO_PASSWORD). `touyan demo` calls
//! [`create_demo_accounts`]; `touyan serve` calls
//! [`demo_accounts_present`] to print them.

use time::{OffsetDateTime, PrimitiveDateTime};
use touyan_storage::{NewAccount, Store, StoreError, Town};

use crate::auth::{DEMO_PASSWORD, hash_password, verify_password};
use crate::roles::Role;

/// Who writes the demo's records (`touyan demo`): a database with entries
/// by this actor is a demo (example pay amounts are then allowed).
pub use touyan_office::DEMO_DATA_ACTOR;

/// The demo city administrator's user name.
pub const DEMO_CITY: &str = "city";

/// A demo account as printed for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    /// The town's name, for a town account.
    pub town: Option<String>,
}

/// The user name of a town's demo account (its operator).
pub fn town_username(code: &str) -> String {
    format!("town-{code}")
}

/// The user name of a town's demo reviewer.
pub fn reviewer_username(code: &str) -> String {
    format!("review-{code}")
}

/// The demo finance account's user name.
pub const DEMO_FINANCE: &str = "finance";

/// Whether a user name is one the demo makes.
pub fn is_demo_username(name: &str) -> bool {
    name == DEMO_CITY
        || name == DEMO_FINANCE
        || name.starts_with("town-")
        || name.starts_with("review-")
}

/// Creates the demo accounts that are not there yet (one transaction,
/// change log entries by `actor`), every one with the password
/// `Demo@2025`. The password is hashed once and the hash shared: the
/// password is public anyway, and a province has thousands of towns.
/// Returns every demo account (created now or before), city first.
pub async fn create_demo_accounts(
    store: &Store,
    actor: &str,
) -> Result<Vec<DemoAccount>, StoreError> {
    let towns: Vec<Town> = store.list().await?;
    let hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
        .await
        .map_err(|e| StoreError::Internal(format!("密码处理失败：{e}")))?
        .map_err(StoreError::Internal)?;
    let mut all = vec![DemoAccount {
        username: DEMO_CITY.to_owned(),
        role: Role::CityAdmin,
        town: None,
    }];
    let mut new = Vec::new();
    let existing: std::collections::HashSet<String> = store
        .accounts()
        .await?
        .into_iter()
        .map(|a| a.username)
        .collect();
    if !existing.contains(DEMO_CITY) {
        new.push(NewAccount {
            username: DEMO_CITY.to_owned(),
            display_name: "市级管理员（演示）".to_owned(),
            role: Role::CityAdmin.code().to_owned(),
            town: None,
            password_hash: hash.clone(),
        });
    }
    all.push(DemoAccount {
        username: DEMO_FINANCE.to_owned(),
        role: Role::Finance,
        town: None,
    });
    if !existing.contains(DEMO_FINANCE) {
        new.push(NewAccount {
            username: DEMO_FINANCE.to_owned(),
            display_name: "市财政（演示）".to_owned(),
            role: Role::Finance.code().to_owned(),
            town: None,
            password_hash: hash.clone(),
        });
    }
    for t in &towns {
        for (username, role, what) in [
            (town_username(t.code.as_str()), Role::TownOperator, "经办"),
            (
                reviewer_username(t.code.as_str()),
                Role::TownReviewer,
                "审核",
            ),
        ] {
            all.push(DemoAccount {
                username: username.clone(),
                role,
                town: Some(t.name.clone()),
            });
            if !existing.contains(&username) {
                new.push(NewAccount {
                    username,
                    display_name: format!("{}{what}（演示）", t.name),
                    role: role.code().to_owned(),
                    town: Some(t.code.as_str().to_owned()),
                    password_hash: hash.clone(),
                });
            }
        }
    }
    if !new.is_empty() {
        let now = OffsetDateTime::now_utc();
        store
            .create_accounts(
                actor,
                None,
                &new,
                PrimitiveDateTime::new(now.date(), now.time()),
            )
            .await?;
    }
    Ok(all)
}

/// The demo accounts, when the database has them with the demo password
/// still set on `city` (`None` otherwise: a real installation).
pub async fn demo_accounts_present(store: &Store) -> Result<Option<Vec<DemoAccount>>, StoreError> {
    let Some(city) = store.account(DEMO_CITY).await? else {
        return Ok(None);
    };
    let hash = city.password_hash.clone();
    let demo = tokio::task::spawn_blocking(move || verify_password(DEMO_PASSWORD, &hash))
        .await
        .unwrap_or(false);
    if !demo {
        return Ok(None);
    }
    let towns: Vec<Town> = store.list().await?;
    let mut out = vec![DemoAccount {
        username: DEMO_CITY.to_owned(),
        role: Role::CityAdmin,
        town: None,
    }];
    // In the order `create_demo_accounts` gives them.
    let accounts: std::collections::HashMap<String, Role> = store
        .accounts()
        .await?
        .into_iter()
        .filter_map(|a| Some((a.username.clone(), Role::from_code(&a.role)?)))
        .collect();
    if let Some(&role) = accounts.get(DEMO_FINANCE) {
        out.push(DemoAccount {
            username: DEMO_FINANCE.to_owned(),
            role,
            town: None,
        });
    }
    for t in &towns {
        for username in [
            town_username(t.code.as_str()),
            reviewer_username(t.code.as_str()),
        ] {
            if let Some(&role) = accounts.get(&username) {
                out.push(DemoAccount {
                    username,
                    role,
                    town: Some(t.name.clone()),
                });
            }
        }
    }
    Ok(Some(out))
}
