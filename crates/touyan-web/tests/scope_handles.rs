//! Scope you cannot forget (issue 16, item 5): a web handler reaches the
//! store only through a desk — a `TownDesk` for a town the user sees, or
//! a `CityDesk` that only city roles obtain (`src/http/desk.rs`, whose
//! unit tests check who gets which) — or through the scoped reader
//! (`AppState::reader`). This test reads the crate's sources and fails on
//! any other way to the store.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn src() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(&p).expect("read"))
        })
        .collect()
}

/// What hands out the store, and the one file allowed each.
const ONLY_IN: &[(&str, &[&str])] = &[
    // The store itself lives in the state, behind the desks.
    (".0.store", &["state.rs"]),
    // The desks are made after their checks, in the state only.
    ("TownDesk::checked", &["state.rs", "http/desk.rs"]),
    ("CityDesk::checked", &["state.rs", "http/desk.rs"]),
    // The anonymous voting page: one code's vote, no user.
    ("vote_store(", &["state.rs", "evaluations/vote.rs"]),
];

#[test]
fn no_handler_reaches_the_store_but_through_a_desk() {
    let files = src();
    assert!(files.len() > 40, "the sources were found");
    let mut wrong = Vec::new();
    for (path, text) in &files {
        if text.contains("unscoped_for") {
            wrong.push(format!("{path}: unscoped_for (use a desk)"));
        }
        for (needle, allowed) in ONLY_IN {
            if text.contains(needle) && !allowed.contains(&path.as_str()) {
                wrong.push(format!("{path}: {needle}"));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn the_state_hands_out_the_store_only_to_the_voting_page() {
    let files = src();
    let (_, state) = files
        .iter()
        .find(|(p, _)| p == "state.rs")
        .expect("state.rs");
    // Every function of the state whose return type names the bare
    // store (`Store`, not `StoreError`), signatures over several lines
    // included.
    let bare: Vec<&str> = state
        .match_indices("fn ")
        .filter_map(|(i, _)| {
            let sig = &state[i..i + state[i..].find(['{', ';']).unwrap_or(0)];
            let ret = sig.split_once("->")?.1;
            let names_store = ret.match_indices("Store").any(|(j, _)| {
                !ret[j + "Store".len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            names_store.then(|| sig.split(['(', '<']).next().unwrap_or(sig))
        })
        .collect();
    assert_eq!(bare, ["fn vote_store"], "{bare:#?}");
    // And the desks' store is not for other crates.
    let (_, desk) = files
        .iter()
        .find(|(p, _)| p == "http/desk.rs")
        .expect("desk.rs");
    for l in desk.lines().filter(|l| l.contains("fn store(")) {
        assert!(l.trim_start().starts_with("pub(crate) fn store("), "{l}");
    }
}
