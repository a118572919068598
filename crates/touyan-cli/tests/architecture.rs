//! The invariants ARCHITECTURE.md states, checked against the code: the
//! crate edges are those its table allows (read from `cargo metadata`),
//! and the pure crates do no I/O.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the workspace root")
        .to_path_buf()
}

/// Crate → the crates it may depend on, from ARCHITECTURE.md's table
/// (rows `| `touyan-x` | layer | `touyan-a`, `touyan-b` |`).
fn allowed(doc: &str) -> BTreeMap<String, BTreeSet<String>> {
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .filter(|s| s.starts_with("touyan-"))
            .map(str::to_owned)
            .collect()
    };
    doc.lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            // "", crate, layer, deps, ""
            if cells.len() != 5 {
                return None;
            }
            let krate = names(cells[1]).into_iter().next()?;
            if !cells[1].starts_with('`') {
                return None;
            }
            Some((krate, names(cells[3])))
        })
        .collect()
}

/// Crate → our crates among its normal dependencies, from `cargo
/// metadata`.
fn actual() -> BTreeMap<String, BTreeSet<String>> {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let ours: BTreeSet<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    packages
        .iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            let deps = p["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["kind"].is_null() || d["kind"] == "build")
                .filter_map(|d| d["name"].as_str())
                .filter(|n| ours.contains(*n) && *n != name)
                .map(str::to_owned)
                .collect();
            (name, deps)
        })
        .collect()
}

#[test]
fn crate_edges_are_those_in_architecture_md() {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let allowed = allowed(&doc);
    let actual = actual();
    assert!(actual.len() >= 12, "{actual:?}");
    let mut wrong = Vec::new();
    for (krate, deps) in &actual {
        match allowed.get(krate) {
            None => wrong.push(format!("{krate} is not in ARCHITECTURE.md's table")),
            Some(ok) => {
                for d in deps.difference(ok) {
                    wrong.push(format!("{krate} → {d} is not allowed"));
                }
            }
        }
    }
    for krate in allowed.keys() {
        if !actual.contains_key(krate) {
            wrong.push(format!("{krate} is in the table but not a workspace crate"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_table_reader_reads_rows_and_only_rows() {
    let doc = "| crate | layer | may depend on |\n|---|---|---|\n\
               | `touyan-a` | x | `touyan-b`, `touyan-c` |\n| `touyan-b` | y | — |\n\
               text with | pipes | but | not | a row\n";
    let a = allowed(doc);
    assert_eq!(a.len(), 2);
    assert_eq!(
        a["touyan-a"],
        BTreeSet::from(["touyan-b".to_owned(), "touyan-c".to_owned()])
    );
    assert!(a["touyan-b"].is_empty());
}

/// What a pure crate's source must not name: files, the network, the
/// environment, the clock, a database or an async runtime.
const IO: [&str; 10] = [
    "std::fs",
    "std::net",
    "std::env",
    "std::process",
    "SystemTime",
    "Instant::now",
    "OffsetDateTime::now",
    "tokio",
    "sea_orm",
    "File::open",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("a source folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn pure_crates_do_no_io() {
    let mut found = Vec::new();
    for krate in [
        "touyan-rules",
        "touyan-records",
        "touyan-evaluate",
        "touyan-cycle",
        "touyan-workflow",
        "touyan-reports",
        "touyan-demo",
    ] {
        let mut files = Vec::new();
        sources(&root().join("crates").join(krate).join("src"), &mut files);
        assert!(!files.is_empty(), "{krate}");
        for f in files {
            let text = std::fs::read_to_string(&f).expect("source");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for word in IO {
                    if code.contains(word) {
                        found.push(format!("{}:{}: {word}", f.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
