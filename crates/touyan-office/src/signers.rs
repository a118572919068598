//! Who made a move, as pages name them: the account's display name
//! beside its user name ("张三（town-370783100）"), so a clerk reads a
//! person, and the user name still says which account. Names that are
//! no account (the command line, the demo) stay as they are.

use std::collections::HashMap;

use touyan_storage::Store;

use crate::OfficeError;

/// The display names of the accounts a page names.
#[derive(Clone, Debug, Default)]
pub struct Signers(HashMap<String, String>);

impl Signers {
    /// `username` as a page shows it.
    pub fn name(&self, username: &str) -> String {
        match self.0.get(username) {
            Some(n) if n != username => format!("{n}（{username}）"),
            _ => username.to_owned(),
        }
    }
}

/// The accounts among `usernames`, each read once.
pub async fn of(store: &Store, usernames: &[&str]) -> Result<Signers, OfficeError> {
    let mut names = HashMap::new();
    for &u in usernames {
        if names.contains_key(u) {
            continue;
        }
        if let Some(a) = store.account(u).await? {
            names.insert(u.to_owned(), a.display_name);
        }
    }
    Ok(Signers(names))
}
