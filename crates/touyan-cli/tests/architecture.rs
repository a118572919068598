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
const IO: [&str; 20] = [
    "std::fs",
    "std::net",
    "std::env",
    "std::process",
    "std::{fs",
    "std::{net",
    "std::{env",
    "SystemTime",
    "Instant::now",
    "OffsetDateTime::now",
    "Utc::now",
    "tokio",
    "sea_orm",
    "sqlx",
    "rusqlite",
    "reqwest",
    "File::open",
    "println!",
    "eprintln!",
    "stdin()",
];

/// The pure crates (ARCHITECTURE.md, invariant 1).
const PURE: [&str; 7] = [
    "touyan-rules",
    "touyan-records",
    "touyan-evaluate",
    "touyan-cycle",
    "touyan-workflow",
    "touyan-reports",
    "touyan-demo",
];

/// Crates that do I/O: a pure crate depends on none of them.
const IO_CRATES: [&str; 9] = [
    "tokio",
    "sqlx",
    "sea-orm",
    "rusqlite",
    "reqwest",
    "axum",
    "calamine",
    "rust_xlsxwriter",
    "memmap2",
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
    for krate in PURE {
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

#[test]
fn pure_crates_depend_on_no_io_crate() {
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
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut found = Vec::new();
    for p in meta["packages"].as_array().expect("packages") {
        let name = p["name"].as_str().unwrap_or_default();
        if !PURE.contains(&name) {
            continue;
        }
        for d in p["dependencies"].as_array().into_iter().flatten() {
            let dep = d["name"].as_str().unwrap_or_default();
            if d["kind"].is_null() && IO_CRATES.contains(&dep) {
                found.push(format!("{name} → {dep}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Storage writes whose decisions have moved into touyan-office: the
/// adapters (web, command line) must go through the office for them.
const OFFICE_WRITES: [&str; 26] = [
    ".compute_pay(",
    ".move_pay(",
    ".move_young(",
    // A yearly plan's move (touyan_office::plans::make_move).
    ".move_plan(",
    // The evaluation: opening, raters and paper counts and their
    // confirmation, codes (and a batch issued again), a vote, closing.
    ".open_evaluation(",
    ".declare_raters(",
    ".save_paper_counts(",
    ".confirm_signoff(",
    ".issue_codes(",
    ".replace_codes(",
    ".vote(",
    ".close_evaluation(",
    ".end_case(",
    ".replace_cycle(",
    // A list's review, and the exceptions to its hedged clauses.
    ".move_list(",
    ".move_exception(",
    // A workbook's rows (the page's import; the command line's load).
    ".apply_import(",
    // The recording forms' writes: reserves, training, qualification and
    // exits.
    ".record_form(",
    ".record_new(",
    ".apply_from(",
    // The daily pages' writes: a record added, a leave request moved.
    ".add_daily(",
    ".move_leave(",
    // The one-card accounts: recorded, opened in full for the file, the
    // key made and rotated (touyan_office::one_card).
    ".record_one_card_account(",
    ".one_card_accounts(",
    ".keys_for_recording(",
    ".rotate_one_card_key(",
];

/// (file, call) the adapters may still make, each with its reason.
const OFFICE_WRITES_ALLOWED: [(&str, &str); 1] = [
    // `touyan demo` stores the made-up year's proposals as it generated
    // them (the demo decides them with the rules crate itself).
    ("crates/touyan-cli/src/demo.rs", ".replace_cycle("),
];

#[test]
fn adapters_make_the_offices_writes_only_through_the_office() {
    let mut found = Vec::new();
    for krate in ["touyan-web", "touyan-cli"] {
        let mut files = Vec::new();
        sources(&root().join("crates").join(krate).join("src"), &mut files);
        for f in files {
            let rel = f
                .strip_prefix(root())
                .unwrap_or(&f)
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&f).expect("source");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for call in OFFICE_WRITES {
                    if code.contains(call) && !OFFICE_WRITES_ALLOWED.contains(&(rel.as_str(), call))
                    {
                        found.push(format!("{rel}:{}: {call}", n + 1));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The items of an article's module the adapters may name: labels and
/// the types a form's field is read into, never a decision.
const ARTICLE_ITEMS_ALLOWED: [(&str, &str); 2] = [
    // A tier's numeral ("一", "二", "三") in a page's or workbook's text.
    ("art13_pay", "tier_zh"),
    // The competency outcome (none, interview, exit) a result sheet labels.
    ("art12_competency", "Action"),
];

/// Ways to name the rules' or workflows' crate that would hide an article
/// module from [`article_paths`]: an alias of the crate, a glob, `self`.
const CRATE_ALIASES: [&str; 6] = [
    "touyan_rules as ",
    "touyan_workflow as ",
    "touyan_rules::*",
    "touyan_workflow::*",
    "touyan_rules::{self",
    "touyan_workflow::{self",
];

/// The article modules (`art…`) of the rules and workflow crates that
/// `text` names, each with the item named in it (`None`: the module
/// itself, with which any of its decisions could be called).
fn article_paths(text: &str) -> Vec<(String, Option<String>)> {
    fn ident(s: &str) -> (&str, &str) {
        let end = s
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        s.split_at(end)
    }
    /// `s` up to the `}` that closes the group it starts in.
    fn group(s: &str) -> &str {
        let mut depth = 0;
        for (i, c) in s.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => return &s[..i],
                '}' => depth -= 1,
                _ => {}
            }
        }
        s
    }
    /// The top-level items of a `{…}` group's inside.
    fn items(inside: &str) -> Vec<&str> {
        let (mut out, mut depth, mut start) = (Vec::new(), 0, 0);
        for (i, c) in inside.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(inside[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.push(inside[start..].trim());
        out.into_iter().filter(|x| !x.is_empty()).collect()
    }
    /// `rest` starts right after `crate::`.
    fn under(rest: &str, out: &mut Vec<(String, Option<String>)>) {
        if let Some(inside) = rest.strip_prefix('{') {
            for item in items(group(inside)) {
                under(item, out);
            }
            return;
        }
        let (module, after) = ident(rest);
        if !module.starts_with("art") {
            return;
        }
        let Some(after) = after.strip_prefix("::") else {
            out.push((module.to_owned(), None));
            return;
        };
        let named: Vec<&str> = match after.strip_prefix('{') {
            Some(inside) => items(group(inside)),
            None => vec![after],
        };
        for n in named {
            let (item, _) = ident(n);
            out.push((module.to_owned(), (item != "self").then(|| item.to_owned())));
        }
    }
    let mut out = Vec::new();
    for krate in ["touyan_rules::", "touyan_workflow::"] {
        for (i, _) in text.match_indices(krate) {
            under(&text[i + krate.len()..], &mut out);
        }
    }
    out
}

#[test]
fn article_paths_are_read() {
    let got = |t: &str| article_paths(t);
    assert_eq!(
        got("use touyan_rules::art13_pay;"),
        [("art13_pay".into(), None)]
    );
    assert_eq!(
        got("use touyan_rules::art13_pay::tier_zh;"),
        [("art13_pay".into(), Some("tier_zh".into()))]
    );
    assert_eq!(
        got("use touyan_workflow::art12_evaluation::{self as flow, Room};"),
        [
            ("art12_evaluation".into(), None),
            ("art12_evaluation".into(), Some("Room".into()))
        ]
    );
    assert_eq!(
        got("use touyan_rules::{Params, art01_inclusion, art09_reserves::f};"),
        [
            ("art01_inclusion".into(), None),
            ("art09_reserves".into(), Some("f".into()))
        ]
    );
    assert_eq!(
        got("x = touyan_rules::art09_reserves::g(p)"),
        [("art09_reserves".into(), Some("g".into()))]
    );
    assert!(got("use touyan_rules::calendar::parse_iso_date;").is_empty());
}

#[test]
fn adapters_call_no_articles_decision() {
    let mut found = Vec::new();
    for krate in ["touyan-web", "touyan-cli", "touyan-excel"] {
        let mut files = Vec::new();
        sources(&root().join("crates").join(krate).join("src"), &mut files);
        for f in files {
            let rel = f
                .strip_prefix(root())
                .unwrap_or(&f)
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&f).expect("source");
            // The code without its comments, as one text (a `use` group
            // may span lines). A line comment starts at `//` not inside a
            // string's `://`.
            let code: String = text
                .lines()
                .map(|l| {
                    let cut = l
                        .match_indices("//")
                        .find(|(i, _)| !l[..*i].ends_with(':'))
                        .map_or(l.len(), |(i, _)| i);
                    &l[..cut]
                })
                .collect::<Vec<_>>()
                .join("\n");
            for alias in CRATE_ALIASES {
                if code.contains(alias) {
                    found.push(format!("{rel}: `{alias}` hides the article modules named"));
                }
            }
            for (module, item) in article_paths(&code) {
                let allowed = item
                    .as_deref()
                    .is_some_and(|i| ARTICLE_ITEMS_ALLOWED.contains(&(module.as_str(), i)));
                if !allowed {
                    found.push(format!(
                        "{rel}: {module}::{}",
                        item.as_deref().unwrap_or("(the module)")
                    ));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Every source file under `crates/*/src`.
fn all_sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(root().join("crates"))
        .expect("crates")
        .flatten()
    {
        let src = e.path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    files
}

/// The longest a source file may be (ARCHITECTURE.md, invariant 6).
const MAX_FILE_LINES: usize = 800;

/// The longest a function may be without a comment (right above it)
/// saying why it is one piece: `// One piece: …`.
const MAX_FN_LINES: usize = 120;

#[test]
fn source_files_are_split_by_what_they_own() {
    let files = all_sources();
    assert!(files.len() > 100, "{}", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).ok()?.lines().count();
            (n > MAX_FILE_LINES).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}

/// The functions of `text` longer than `MAX_FN_LINES` without a "One
/// piece" comment above them: (line, first line). A function ends at the
/// first line that is its own indentation and `}`; macro bodies (`$`) are
/// not functions.
fn long_functions(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let rest = trimmed
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub(super) ")
            .trim_start_matches("pub ")
            .trim_start_matches("const ")
            .trim_start_matches("async ");
        let one_line = line.contains('{') && line.matches('{').count() == line.matches('}').count();
        if rest.starts_with("fn ")
            && !line.contains('$')
            && !line.trim_end().ends_with(';')
            && !one_line
        {
            let close = format!("{indent}}}");
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].trim_end() == close)
                .unwrap_or(lines.len() - 1);
            if end - i + 1 > MAX_FN_LINES {
                let above = lines[..i]
                    .iter()
                    .rev()
                    .take_while(|l| {
                        let t = l.trim_start();
                        t.starts_with("//") || t.starts_with("#[")
                    })
                    .any(|l| l.to_lowercase().contains("one piece"));
                if !above {
                    found.push((i + 1, line.trim().to_owned()));
                }
            }
            i = end;
        }
        i += 1;
    }
    found
}

#[test]
fn a_long_function_says_why_it_is_one_piece() {
    let mut found = Vec::new();
    for f in all_sources() {
        let text = std::fs::read_to_string(&f).expect("source");
        for (n, head) in long_functions(&text) {
            found.push(format!("{}:{n}: {head}", f.display()));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_function_reader_measures_and_reads_the_comment() {
    let body = "    x();\n".repeat(MAX_FN_LINES);
    let long = format!("fn a() {{\n{body}}}\n");
    assert_eq!(long_functions(&long), [(1, "fn a() {".to_owned())]);
    let said = format!("/// Doc.\n// One piece: a table.\n#[test]\n{long}");
    assert!(long_functions(&said).is_empty());
    let short = format!("fn b() {{\n{}}}\n", "    x();\n".repeat(MAX_FN_LINES - 2));
    assert!(long_functions(&short).is_empty());
    let nested = format!("impl X {{\n    pub async fn c() {{\n{body}    }}\n}}\n");
    assert_eq!(long_functions(&nested).len(), 1);
    // A one-line function does not swallow the long one after it.
    let after = format!("fn one() -> u8 {{ 1 }}\n{long}");
    assert_eq!(long_functions(&after), [(2, "fn a() {".to_owned())]);
}
