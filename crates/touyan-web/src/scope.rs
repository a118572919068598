//! What the workflow pages (issue 5) share: who is acting, which town a
//! request is about and whether the user may see it, form fields.

use touyan_records::TownCode;

use crate::state::AppState;
use touyan_office::By;
use touyan_workflow::Actor;

use crate::state::User;

/// The user as the workflows know them.
pub(crate) fn actor(user: &User) -> Actor<'_> {
    Actor {
        role: user.role,
        town: user.town.as_deref(),
    }
}

/// Who acts, for the office, reading only (no client address).
pub(crate) fn by(user: &User) -> By<'_> {
    By {
        actor: actor(user),
        name: &user.username,
        origin: None,
    }
}

/// Who acts, for the office, from `origin` (the client's address, for
/// the change log).
pub(crate) fn by_from<'a>(user: &'a User, origin: &'a str) -> By<'a> {
    By {
        origin: Some(origin),
        ..by(user)
    }
}

/// The town named in a path, when the user may see it; `None` (answered
/// as a missing page) for a bad code or another town.
pub(crate) fn town_in_scope(user: &User, town: &str) -> Option<TownCode> {
    let code = TownCode::parse(town).ok()?;
    actor(user).sees(code.as_str()).then_some(code)
}

/// The town a page is about: a town role's own, whatever was asked; for
/// the city the one asked for (`Ok(None)`: none asked). `Err(())`: a bad
/// code, or another town asked by a town role (answered as missing).
pub(crate) fn page_town(user: &User, asked: Option<&str>) -> Result<Option<TownCode>, ()> {
    let asked = asked.map(str::trim).filter(|t| !t.is_empty());
    match user.town_scope() {
        Some(own) => {
            if asked.is_some_and(|a| a != own) {
                return Err(());
            }
            TownCode::parse(&own).map(Some).map_err(|_| ())
        }
        None => asked.map(TownCode::parse).transpose().map_err(|_| ()),
    }
}

/// A form field, trimmed ("" when absent).
pub(crate) fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// The year a page or form asks for ("" or absent: this year in China);
/// `None` for anything but a year from 2000 to 2100.
pub(crate) fn year_of(st: &AppState, asked: Option<&str>) -> Option<i32> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(st.today().year()),
        Some(s) => s.parse().ok().filter(|y| (2000..=2100).contains(y)),
    }
}

/// The name of `town` among `towns` (code, name) the user sees, for a
/// page's words ("" when no town is chosen or it is not among them).
pub(crate) fn town_name(towns: &[(String, String)], town: Option<TownCode>) -> String {
    town.and_then(|t| towns.iter().find(|(c, _)| c == t.as_str()))
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

/// The codes of `towns` (code, name), in their order: the towns a city
/// overview lists (those the user sees; a code that does not parse is
/// left out).
pub(crate) fn town_codes(towns: &[(String, String)]) -> Vec<TownCode> {
    towns
        .iter()
        .filter_map(|(c, _)| TownCode::parse(c).ok())
        .collect()
}

/// The name of `town` among `towns` (its code when not there).
pub(crate) fn name_of(towns: &[(String, String)], town: TownCode) -> String {
    towns
        .iter()
        .find(|(c, _)| c == town.as_str())
        .map_or_else(|| town.as_str().to_owned(), |(_, n)| n.clone())
}
