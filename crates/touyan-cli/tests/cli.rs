//! The `touyan` command: `evaluate`, `policy show`, `policy check`.
//!
//! Contract (evaluate-format.md): bad input exits 2 with the JSON path on
//! stderr and nothing on stdout, whether stdout is a pipe or a file.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example_case() -> PathBuf {
    root().join("examples/case-example.json")
}

/// `touyan` run from the workspace root, without a policy from the
/// environment.
fn touyan() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_touyan"));
    c.current_dir(root()).env_remove("TOUYAN_POLICY");
    c
}

fn run(args: &[&str]) -> Output {
    touyan().args(args).output().expect("touyan runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A small valid case: one town, one eligible secretary.
fn town(code: &str, secretary: &str) -> Value {
    json!({
        "code": code, "name": "甲镇", "village_count": 10,
        "reference_salary": 4200, "young_cadre_factor": 0.8,
        "villages": [{
            "code": format!("{code}01"), "name": "一村", "stars": 5,
            "collective_income_wan": 20, "last_year_rank": 1,
            "secretary": { "id": secretary, "birth_date": "1970-01-01",
                "education": "senior_middle", "full_time_degree": false,
                "tenure_start": "2015-01-01", "three_good_three_strong": true }
        }]
    })
}

fn write_case(dir: &tempfile::TempDir, name: &str, case: &Value) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(case).unwrap()).unwrap();
    path
}

/// Bad in the head: the whole case is rejected before any town is decided.
fn bad_factor_case() -> Value {
    let mut t = town("T1", "s1");
    t["young_cadre_factor"] = json!(1.2);
    json!({ "as_of": "2025-01-01", "towns": [t] })
}

/// Bad only in the last town, after many good towns: a streaming writer has
/// already produced output when it finds the problem.
fn bad_late_case() -> Value {
    let mut towns: Vec<Value> = (0..300)
        .map(|i| town(&format!("T{i:03}"), &format!("s{i}")))
        .collect();
    let mut last = town("T999", "s999");
    last["villages"][0]["stars"] = json!(6);
    towns.push(last);
    json!({ "as_of": "2025-01-01", "towns": towns })
}

const LATE_PATH: &str = "towns[300].villages[0].stars";

// ─────────────────────────────── evaluate ────────────────────────────────

#[test]
fn example_case_exits_0_with_json_on_stdout() {
    let case = example_case();
    let out = run(&["evaluate", case.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", text(&out.stdout)));
    assert_eq!(v["policy"], json!("example-2024"));
    assert_eq!(v["towns"][0]["code"], json!("370783100"));
    assert_eq!(v["towns"][0]["included"], json!(["a1", "a2", "a3", "a5"]));

    // The command and the library agree (one contract behind every door).
    let input = std::fs::read(&case).unwrap();
    let lib = touyan_evaluate::evaluate(&input, &touyan_rules::Policy::example()).unwrap();
    let lib: Value = serde_json::from_slice(&lib).unwrap();
    assert_eq!(v, lib);
}

#[test]
fn threads_do_not_change_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut case = bad_late_case();
    case["towns"].as_array_mut().unwrap().pop();
    let path = write_case(&dir, "many.json", &case);
    let one = run(&["evaluate", path.to_str().unwrap(), "--threads", "1"]);
    let four = run(&["evaluate", path.to_str().unwrap(), "--threads", "4"]);
    assert_eq!(one.status.code(), Some(0), "{}", text(&one.stderr));
    assert_eq!(four.status.code(), Some(0), "{}", text(&four.stderr));
    assert_eq!(one.stdout, four.stdout);
    let v: Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(v["towns"].as_array().unwrap().len(), 300);
}

#[test]
fn case_from_stdin() {
    let input = std::fs::read(example_case()).unwrap();
    let mut child = touyan()
        .args(["evaluate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["towns"][0]["code"], json!("370783100"));
}

#[test]
fn bad_input_exits_2_with_the_path_on_stderr_and_nothing_on_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    for (name, case, path) in [
        (
            "factor.json",
            bad_factor_case(),
            "towns[0].young_cadre_factor",
        ),
        ("late.json", bad_late_case(), LATE_PATH),
    ] {
        let file = write_case(&dir, name, &case);
        for threads in ["1", "4"] {
            let out = run(&["evaluate", file.to_str().unwrap(), "--threads", threads]);
            assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out.stderr));
            assert!(
                text(&out.stderr).contains(path),
                "{name}: stderr names {path}: {}",
                text(&out.stderr)
            );
            assert!(
                out.stdout.is_empty(),
                "{name}: stdout must be empty, got {} bytes",
                out.stdout.len()
            );
        }
    }
}

#[test]
fn other_bad_inputs_exit_2_with_nothing_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, b"{\"as_of\": \"2025-01-01\", \"towns\": []} x").unwrap();
    let not_json = dir.path().join("not.json");
    std::fs::write(&not_json, b"{\"as_of\": ").unwrap();
    let dup = write_case(
        &dir,
        "dup.json",
        &json!({ "as_of": "2025-01-01", "towns": [town("T1", "s1"), town("T2", "s1")] }),
    );
    let date = write_case(
        &dir,
        "date.json",
        &json!({ "as_of": "2023-02-29", "towns": [town("T1", "s1")] }),
    );
    for (file, needle) in [
        (&garbage, None),
        (&not_json, None),
        (&dup, Some(".secretary.id")),
        (&date, Some("as_of")),
    ] {
        for explain in [false, true] {
            let mut args = vec!["evaluate", file.to_str().unwrap()];
            if explain {
                args.push("--explain");
            }
            let out = run(&args);
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{}: {err}", file.display());
            assert!(
                out.stdout.is_empty(),
                "{}: stdout not empty",
                file.display()
            );
            assert!(!err.trim().is_empty(), "{}: a message", file.display());
            if let Some(n) = needle {
                assert!(
                    err.contains(n),
                    "{}: stderr names {n}: {err}",
                    file.display()
                );
            }
        }
    }
}

/// Runs `touyan evaluate case` with stdout going to `file`.
fn run_into(case: &Path, file: File) -> Output {
    touyan()
        .args(["evaluate", case.to_str().unwrap()])
        .stdout(Stdio::from(file))
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// A temp file holding "previous\n", opened for appending; `written_through`
/// says whether "previous\n" was written through this same handle (its
/// offset is then at the end) or beforehand (offset still 0).
fn append_file(dir: &tempfile::TempDir, name: &str, written_through: bool) -> (PathBuf, File) {
    let path = dir.path().join(name);
    if written_through {
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"previous\n").unwrap();
        (path, f)
    } else {
        std::fs::write(&path, b"previous\n").unwrap();
        let f = OpenOptions::new().append(true).open(&path).unwrap();
        (path, f)
    }
}

fn check_file_untouched(case: &Value, path_on_stderr: &str, written_through: bool) {
    let dir = tempfile::tempdir().unwrap();
    let case_path = write_case(&dir, "case.json", case);
    let (out_path, file) = append_file(&dir, "out.txt", written_through);
    let out = run_into(&case_path, file);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(path_on_stderr),
        "stderr names {path_on_stderr}: {}",
        text(&out.stderr)
    );
    let after = std::fs::read(&out_path).unwrap();
    assert_eq!(
        text(&after),
        "previous\n",
        "the file given as stdout must be left exactly as it was"
    );
}

/// Bad before any town is read: `as_of` is not a date.
fn bad_head_case() -> Value {
    json!({ "as_of": "2023-02-29", "towns": [town("T1", "s1")] })
}

#[test]
fn bad_input_leaves_an_appended_file_stdout_untouched() {
    check_file_untouched(&bad_head_case(), "as_of", true);
    check_file_untouched(&bad_factor_case(), "towns[0].young_cadre_factor", true);
    check_file_untouched(&bad_late_case(), LATE_PATH, true);
}

#[test]
fn bad_head_leaves_a_freshly_opened_append_file_untouched() {
    check_file_untouched(&bad_head_case(), "as_of", false);
}

#[test]
fn bad_town_leaves_a_freshly_opened_append_file_untouched() {
    check_file_untouched(&bad_factor_case(), "towns[0].young_cadre_factor", false);
    check_file_untouched(&bad_late_case(), LATE_PATH, false);
}

#[test]
fn good_input_appends_to_a_file_stdout() {
    let dir = tempfile::tempdir().unwrap();
    for written_through in [true, false] {
        let (out_path, file) =
            append_file(&dir, &format!("ok-{written_through}.txt"), written_through);
        let out = run_into(&example_case(), file);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let after = text(&std::fs::read(&out_path).unwrap());
        let json = after
            .strip_prefix("previous\n")
            .unwrap_or_else(|| panic!("previous content kept at the start: {after:.80}"));
        let v: Value = serde_json::from_str(json).expect("the appended output is JSON");
        assert_eq!(v["policy"], json!("example-2024"));
    }
}

#[test]
fn bad_input_with_a_truncated_file_stdout_leaves_it_empty() {
    let dir = tempfile::tempdir().unwrap();
    let case_path = write_case(&dir, "late.json", &bad_late_case());
    let out_path = dir.path().join("out.json");
    let mut file = File::create(&out_path).unwrap();
    file.seek(SeekFrom::Start(0)).unwrap();
    let out = run_into(&case_path, file);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&out_path).unwrap(), b"");
}

#[test]
fn explain_prints_a_chinese_report() {
    let out = run(&["evaluate", example_case().to_str().unwrap(), "--explain"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("第一条"), "report cites 第一条: {s:.300}");
    assert!(
        serde_json::from_str::<Value>(&s).is_err(),
        "--explain prints text, not JSON"
    );
}

#[test]
fn missing_case_file_exits_2_with_a_chinese_message() {
    let out = run(&["evaluate", "no/such/case.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(has_chinese(&err), "Chinese message: {err}");
    assert!(err.contains("no/such/case.json"), "names the file: {err}");
}

// ──────────────────────────────── policy ─────────────────────────────────

#[test]
fn policy_show_lists_parameters_and_marks_examples() {
    let out = run(&["policy", "show", "--date", "2025-01-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(
        s.contains("inclusion.collective_income_min_wan"),
        "{s:.300}"
    );
    assert!(s.contains("示例"), "example values are marked: {s:.300}");
    assert!(s.contains("example-2024"));
}

#[test]
fn policy_show_with_a_bad_date_fails() {
    let out = run(&["policy", "show", "--date", "2025-02-30"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(has_chinese(&text(&out.stderr)));
}

#[test]
fn policy_check_accepts_the_shipped_file() {
    let out = run(&["policy", "check", "policy/example-2024.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("example-2024"));
}

/// Replaces the first `values` line after `section`; returns its 1-based line.
fn break_value(src: &mut [String], section: &str, new_values: &str) -> usize {
    let start = src
        .iter()
        .position(|l| l.trim() == section)
        .unwrap_or_else(|| panic!("{section} in the shipped policy"));
    let i = (start..src.len())
        .find(|&i| src[i].starts_with("values"))
        .expect("values line");
    src[i] = new_values.to_string();
    i + 1
}

#[test]
fn policy_check_reports_every_problem_with_its_line() {
    let shipped = std::fs::read_to_string(root().join("policy/example-2024.toml")).unwrap();
    let mut lines: Vec<String> = shipped.lines().map(str::to_string).collect();
    let a = break_value(
        &mut lines,
        "[inclusion.tenure_years]",
        r#"values = [{ since = 2000-01-01, value = "three" }]"#,
    );
    let b = break_value(
        &mut lines,
        "[training.city_min_days]",
        "values = [{ since = 2000-01-01, value = -3 }]",
    );
    assert!(a < b);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();

    let out = run(&["policy", "check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    for line in [a, b] {
        assert!(
            err.contains(&format!(":{line}:")),
            "stderr names line {line}: {err}"
        );
    }
    // The lines named are the broken ones, not neighbours.
    assert!(!err.contains(&format!(":{}:", a - 1)) && !err.contains(&format!(":{}:", a + 1)));

    // The same file given to evaluate: not usable, nothing on stdout.
    let out = run(&[
        "evaluate",
        example_case().to_str().unwrap(),
        "--policy",
        path.to_str().unwrap(),
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn policy_check_of_a_missing_file_fails_in_chinese() {
    let out = run(&["policy", "check", "no/such/policy.toml"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(has_chinese(&text(&out.stderr)));
}

#[test]
fn evaluate_with_the_shipped_policy_file_matches_the_builtin() {
    let a = run(&["evaluate", example_case().to_str().unwrap()]);
    let b = run(&[
        "evaluate",
        example_case().to_str().unwrap(),
        "--policy",
        "policy/example-2024.toml",
    ]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(b.status.code(), Some(0), "{}", text(&b.stderr));
    assert_eq!(a.stdout, b.stdout);
}
