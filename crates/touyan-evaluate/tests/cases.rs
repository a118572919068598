//! OpenFisca-style case files: every `tests/cases/*.json` at the repository
//! root is a JSON array of cases
//!
//! ```json
//! { "name": "...", "rules": ["art01.tenure"], "input": { ... }, "expected": { ... } }
//! ```
//!
//! `input` is a whole `evaluate` document; `expected` is a partial output:
//! objects are compared on the keys listed only (recursively), arrays must
//! have the same length and match element-wise, numbers are compared
//! numerically. An expected `null` also accepts an absent key (the contract
//! says "absent (or null)"). Every rule id listed must exist in
//! `touyan_rules::all_rules()`. All failures are reported together.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use touyan_rules::Policy;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    rules: Vec<String>,
    /// Kept as written, so that numbers reach `evaluate` exactly as the
    /// author typed them.
    input: Box<RawValue>,
    expected: Value,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases")
}

fn describe(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        let cut: String = s.chars().take(120).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Collects every mismatch between `expected` (partial) and `actual`.
fn partial_match(expected: &Value, actual: Option<&Value>, path: &str, out: &mut Vec<String>) {
    let Some(actual) = actual else {
        if !expected.is_null() {
            out.push(format!("{path}: missing, expected {}", describe(expected)));
        }
        return;
    };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                partial_match(ev, a.get(k), &p, out);
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!(
                    "{path}: expected {} elements {}, got {} elements {}",
                    e.len(),
                    describe(expected),
                    a.len(),
                    describe(actual)
                ));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                partial_match(ev, Some(av), &format!("{path}[{i}]"), out);
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            if !numbers_equal(e, a) {
                out.push(format!("{path}: expected {e}, got {a}"));
            }
        }
        (e, a) => {
            if e != a {
                out.push(format!(
                    "{path}: expected {}, got {}",
                    describe(e),
                    describe(a)
                ));
            }
        }
    }
}

/// Runs one case; `Err` lists what went wrong.
fn run_case(case: &Case, known: &BTreeSet<&str>, policy: &Policy) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    if case.rules.is_empty() {
        problems.push("\"rules\" is empty: name the rule ids the case covers".to_string());
    }
    for r in &case.rules {
        if !known.contains(r.as_str()) {
            problems.push(format!("rule id {r:?} is not in touyan_rules::all_rules()"));
        }
    }
    if !case.expected.is_object() {
        problems.push("\"expected\" must be an object".to_string());
    }
    match touyan_evaluate::evaluate(case.input.get().as_bytes(), policy) {
        Err(e) => problems.push(format!("evaluate failed: {}: {}", e.path, e.message)),
        Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Err(e) => problems.push(format!("output is not valid JSON: {e}")),
            Ok(actual) => partial_match(&case.expected, Some(&actual), "", &mut problems),
        },
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[test]
fn case_files() {
    let dir = cases_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();

    let known: BTreeSet<&str> = touyan_rules::all_rules().map(|r| r.id).collect();
    let policy = Policy::example();
    let mut total = 0;
    let mut failures = String::new();
    let mut failed = 0;
    for file in &files {
        let shown = file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                failed += 1;
                let _ = writeln!(failures, "{shown}: cannot read: {e}");
                continue;
            }
        };
        let cases: Vec<Case> = match serde_json::from_str(&text) {
            Ok(c) => c,
            Err(e) => {
                failed += 1;
                let _ = writeln!(failures, "{shown}: not an array of cases: {e}");
                continue;
            }
        };
        if cases.is_empty() {
            failed += 1;
            let _ = writeln!(failures, "{shown}: no cases");
        }
        let mut names = BTreeSet::new();
        for case in &cases {
            total += 1;
            let mut result = run_case(case, &known, &policy);
            if !names.insert(case.name.as_str()) {
                let dup = format!("duplicate case name {:?} in this file", case.name);
                result = Err(match result {
                    Ok(()) => vec![dup],
                    Err(mut v) => {
                        v.push(dup);
                        v
                    }
                });
            }
            if let Err(problems) = result {
                failed += 1;
                let _ = writeln!(failures, "{shown} :: {}", case.name);
                for p in problems {
                    let _ = writeln!(failures, "    {p}");
                }
            }
        }
    }
    assert!(
        total > 0,
        "no cases found in {} (expected tests/cases/*.json)",
        dir.display()
    );
    assert!(failed == 0, "{failed} of {total} cases failed:\n{failures}");
    eprintln!("{total} cases in {} files passed", files.len());
}

/// The matcher itself: partial objects, exact-length arrays, numbers by value.
#[test]
fn partial_match_semantics() {
    let actual: Value = serde_json::json!({
        "a": 1.0, "b": [1, {"x": 1, "y": 2}], "c": null, "d": "t"
    });
    let check = |expected: Value| {
        let mut out = Vec::new();
        partial_match(&expected, Some(&actual), "", &mut out);
        out
    };
    assert!(check(serde_json::json!({"a": 1})).is_empty());
    assert!(check(serde_json::json!({"b": [1, {"y": 2}]})).is_empty());
    assert!(check(serde_json::json!({"c": null, "e": null})).is_empty());
    assert_eq!(check(serde_json::json!({"b": [1]})).len(), 1);
    assert_eq!(check(serde_json::json!({"b": [1, {"y": 3}]})).len(), 1);
    assert_eq!(
        check(serde_json::json!({"d": "u", "a": 2, "f": 0})).len(),
        3
    );
    assert_eq!(check(serde_json::json!({"c": 0})).len(), 1);
}
