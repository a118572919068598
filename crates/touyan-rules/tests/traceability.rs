//! Article traceability: every article and clause of docs/SPEC.md, the rules
//! that implement it and the tests that cover them, or why it is not
//! formalised. The table docs/TRACEABILITY.md is generated from
//! docs/clauses.toml, the rule registry and the tests of the workspace, and
//! this test fails when the checked-in table is stale, when an article of
//! SPEC.md has no entry, when a clause has neither rules nor a reason, when
//! a rule is not in the table, or when a rule has no test.
//!
//! Regenerate: `UPDATE_TRACEABILITY=1 cargo test -p touyan-rules --test traceability`.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use touyan_rules::all_rules;
use touyan_rules::decision::article_zh;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[derive(Debug)]
struct Clause {
    id: String,
    article: u8,
    text: String,
    rules: Vec<String>,
    not_formalised: Option<String>,
}

fn clauses() -> Vec<Clause> {
    let src = std::fs::read_to_string(root().join("docs/clauses.toml")).expect("docs/clauses.toml");
    let doc: toml::Table = src.parse().expect("docs/clauses.toml is valid TOML");
    let list = doc["clause"].as_array().expect("[[clause]] entries");
    list.iter()
        .map(|c| {
            let s = |k: &str| c.get(k).and_then(|v| v.as_str()).map(str::to_string);
            Clause {
                id: s("id").expect("clause id"),
                article: c["article"].as_integer().expect("article") as u8,
                text: s("text").expect("clause text"),
                rules: c
                    .get("rules")
                    .and_then(|v| v.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                not_formalised: s("not_formalised"),
            }
        })
        .collect()
}

/// Articles SPEC.md names: "**Article N.**", "Article 14 onward", and
/// Chapter 2 (articles 2–5, missing).
fn spec_articles() -> BTreeSet<u8> {
    let spec = std::fs::read_to_string(root().join("docs/SPEC.md")).expect("docs/SPEC.md");
    let mut out = BTreeSet::new();
    for part in spec.split("**Article ").skip(1) {
        let n: String = part.chars().take_while(char::is_ascii_digit).collect();
        out.insert(n.parse().expect("article number"));
    }
    if spec.contains("## Chapter 2") {
        out.insert(2);
    }
    out
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "target") {
                files(&p, ext, out);
            }
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// rule id → tests that name it (`file::test` for Rust tests, `cases/file:
/// name` for case files).
fn tests_by_rule() -> BTreeMap<String, BTreeSet<String>> {
    let ids: HashSet<&str> = all_rules().map(|r| r.id).collect();
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let root = root();
    let mut rs = Vec::new();
    files(&root.join("crates"), "rs", &mut rs);
    // This file lists ids to check the registry; it covers no rule.
    rs.retain(|p| !p.ends_with("tests/traceability.rs"));
    for path in rs {
        let src = std::fs::read_to_string(&path).unwrap_or_default();
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        // Each #[test] starts a chunk that runs to the next one.
        for chunk in src.split("#[test]").skip(1) {
            let Some(name) = chunk.split("fn ").nth(1).map(|s| {
                s.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            }) else {
                continue;
            };
            for lit in chunk.split('"').skip(1).step_by(2) {
                if ids.contains(lit) {
                    map.entry(lit.to_string())
                        .or_default()
                        .insert(format!("{rel}::{name}"));
                }
            }
        }
    }
    let mut cases = Vec::new();
    files(&root.join("tests/cases"), "json", &mut cases);
    for path in cases {
        let src = std::fs::read_to_string(&path).unwrap_or_default();
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let Ok(serde_cases) = toml_free_json_cases(&src) else {
            continue;
        };
        for (name, rules) in serde_cases {
            for r in rules {
                if ids.contains(r.as_str()) {
                    map.entry(r).or_default().insert(format!("{rel}: {name}"));
                }
            }
        }
    }
    map
}

/// Reads `[{"name": …, "rules": [...]}, …]` from a case file without a JSON
/// crate (the rules crate has none): only those two keys are needed.
fn toml_free_json_cases(src: &str) -> Result<Vec<(String, Vec<String>)>, ()> {
    let mut out = Vec::new();
    for part in src.split("\"name\"").skip(1) {
        let name = part.split('"').nth(1).ok_or(())?.to_string();
        let rules = part
            .split("\"rules\"")
            .nth(1)
            .and_then(|r| r.split('[').nth(1))
            .and_then(|r| r.split(']').next())
            .map(|list| {
                list.split('"')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        out.push((name, rules));
    }
    Ok(out)
}

fn generate(clauses: &[Clause], tests: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# 条款追溯表 Article traceability");
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "由 `crates/touyan-rules/tests/traceability.rs` 根据 `docs/clauses.toml`、规则注册表和全部测试生成，请勿手改。"
    );
    let _ = writeln!(
        s,
        "Generated from docs/clauses.toml, the rule registry and the workspace's tests; do not edit. \
         Regenerate with `UPDATE_TRACEABILITY=1 cargo test -p touyan-rules --test traceability`."
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "| 条款 | 内容 | 规则 | 测试 |");
    let _ = writeln!(s, "|---|---|---|---|");
    for c in clauses {
        let article = if c.id.starts_with("2-5") {
            "第二章（第二至五条）".to_string()
        } else {
            format!("第{}条", article_zh(c.article))
        };
        let (rules, covered) = match &c.not_formalised {
            Some(why) => (format!("不作规则化：{why}"), String::new()),
            None => {
                let rules: Vec<String> = c.rules.iter().map(|r| format!("`{r}`")).collect();
                let covered: Vec<String> = c
                    .rules
                    .iter()
                    .map(|r| {
                        let t = tests.get(r).map(|t| t.len()).unwrap_or(0);
                        let first: Vec<&str> = tests
                            .get(r)
                            .into_iter()
                            .flatten()
                            .take(3)
                            .map(String::as_str)
                            .collect();
                        format!(
                            "`{r}`：{t} 项（{}{}）",
                            first.join("；"),
                            if t > 3 { "；…" } else { "" }
                        )
                    })
                    .collect();
                (rules.join("<br>"), covered.join("<br>"))
            }
        };
        let _ = writeln!(
            s,
            "| {article} `{}` | {} | {rules} | {covered} |",
            c.id, c.text
        );
    }
    s
}

#[test]
fn every_article_is_implemented_and_tested_or_explained() {
    let clauses = clauses();
    let tests = tests_by_rule();
    let rules: HashSet<&str> = all_rules().map(|r| r.id).collect();
    let mut problems = Vec::new();

    let articles: BTreeSet<u8> = clauses.iter().map(|c| c.article).collect();
    for a in spec_articles() {
        if !articles.contains(&a) {
            problems.push(format!(
                "SPEC.md article {a} has no entry in docs/clauses.toml"
            ));
        }
    }
    let mut listed = HashSet::new();
    for c in &clauses {
        match (&c.not_formalised, c.rules.is_empty()) {
            (Some(_), false) => problems.push(format!("{}: both rules and not_formalised", c.id)),
            (None, true) => problems.push(format!(
                "{}: neither rules nor a not_formalised reason",
                c.id
            )),
            (Some(why), true) if why.trim().is_empty() => {
                problems.push(format!("{}: empty reason", c.id))
            }
            _ => {}
        }
        for r in &c.rules {
            listed.insert(r.as_str());
            if !rules.contains(r.as_str()) {
                problems.push(format!("{}: unknown rule id {r}", c.id));
            } else if tests.get(r).is_none_or(|t| t.is_empty()) {
                problems.push(format!("{}: rule {r} has no test naming it", c.id));
            }
            // Article 1's star condition is Article 13's last sentence.
            if let Some(rule) = all_rules().find(|x| x.id == r)
                && rule.article != c.article
                && !(c.id.starts_with("1.") && rule.article == 13)
            {
                problems.push(format!(
                    "{}: rule {r} is article {} not {}",
                    c.id, rule.article, c.article
                ));
            }
        }
    }
    for r in &rules {
        if !listed.contains(r) {
            problems.push(format!("rule {r} is in no clause of docs/clauses.toml"));
        }
    }
    assert!(
        problems.is_empty(),
        "traceability problems:\n{}",
        problems.join("\n")
    );

    let table = generate(&clauses, &tests);
    let path = root().join("docs/TRACEABILITY.md");
    if std::env::var_os("UPDATE_TRACEABILITY").is_some() {
        std::fs::write(&path, &table).expect("write docs/TRACEABILITY.md");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == table,
        "docs/TRACEABILITY.md is stale: run UPDATE_TRACEABILITY=1 cargo test -p touyan-rules --test traceability"
    );
}

#[test]
fn rule_ids_are_unique_and_name_their_article() {
    let mut seen = HashSet::new();
    let mut count = 0;
    for r in all_rules() {
        count += 1;
        assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
        let prefix = format!("art{:02}.", r.article);
        assert!(
            r.id.starts_with(&prefix),
            "{} is not article {}",
            r.id,
            r.article
        );
        assert!(!r.title.is_empty(), "{}", r.id);
        assert!(r.citation().starts_with('第'), "{}", r.id);
    }
    assert_eq!(count, 51); // 9 + 5 + 3 + 3 + 4 + 3 + 8 + 2 + 3 + 7 + 4
    // Inferred rules are the ones implementing missing text.
    let inferred: Vec<&str> = all_rules().filter(|r| r.inferred).map(|r| r.id).collect();
    assert_eq!(
        inferred,
        [
            "art01.extra_condition",
            "art02.duty_rota",
            "art02.work_records",
            "art02.leave_pending",
            "art02.leave_return",
            "art02.yearly_report",
            "art11.public_notice_period",
            "art14.exit_discipline",
            "art14.exit_left_office",
            "art14.exit_age",
        ]
    );
    let articles: HashSet<u8> = all_rules().map(|r| r.article).collect();
    let mut articles: Vec<u8> = articles.into_iter().collect();
    articles.sort_unstable();
    assert_eq!(articles, [1, 2, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
}
