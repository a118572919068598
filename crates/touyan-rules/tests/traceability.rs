//! Article traceability: every article and clause of docs/SPEC.md, the rules
//! that implement it, the product code that applies them and the tests that
//! call them, or why it is not formalised. The table docs/TRACEABILITY.md is
//! generated from docs/clauses.toml, the rule registry and the workspace's
//! source, and this test fails when the checked-in table is stale, when an
//! article of SPEC.md has no entry, when a clause has neither rules nor a
//! reason, when a rule is not in the table, when no function decides a
//! rule, when no test calls a rule, or when no product code applies a rule
//! that clauses.toml does not mark "not applied, because …".
//!
//! Calls are read from the source as Rust ([`trace_scan`]): a test covers a
//! rule when it calls a function that decides it; product code applies it
//! when code outside the rules crate, outside tests, outside the demo's
//! made-up records and outside `touyan policy show` calls one.
//!
//! Regenerate: `UPDATE_TRACEABILITY=1 cargo test -p touyan-rules --test traceability`.

mod trace_scan;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use touyan_rules::all_rules;
use touyan_rules::decision::article_zh;
use trace_scan::{RuleIndex, Site};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The words with which the measures hedge a clause.
const HEDGES: [&str; 2] = ["原则上", "一般"];

#[derive(Debug)]
struct Clause {
    id: String,
    article: u8,
    text: String,
    /// "原则上" or "一般" when the text hedges the clause; none: strict.
    hedge: Option<String>,
    rules: Vec<String>,
    not_formalised: Option<String>,
    /// Rule id → why no product code applies it.
    not_applied: BTreeMap<String, String>,
}

struct Register {
    clauses: Vec<Clause>,
    /// Rule id → article functions that decide it without building its
    /// `Decision` (`[decided_by]`).
    decided_by: BTreeMap<String, Vec<String>>,
}

fn strings(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn register() -> Register {
    let src = std::fs::read_to_string(root().join("docs/clauses.toml")).expect("docs/clauses.toml");
    let doc: toml::Table = src.parse().expect("docs/clauses.toml is valid TOML");
    let list = doc["clause"].as_array().expect("[[clause]] entries");
    let clauses = list
        .iter()
        .map(|c| {
            let s = |k: &str| c.get(k).and_then(|v| v.as_str()).map(str::to_string);
            Clause {
                id: s("id").expect("clause id"),
                article: c["article"].as_integer().expect("article") as u8,
                text: s("text").expect("clause text"),
                hedge: s("hedge"),
                rules: strings(c.get("rules")),
                not_formalised: s("not_formalised"),
                not_applied: c
                    .get("not_applied")
                    .and_then(|v| v.as_table())
                    .map(|t| {
                        t.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let decided_by = doc
        .get("decided_by")
        .and_then(|v| v.as_table())
        .map(|t| {
            t.iter()
                .map(|(k, v)| (k.clone(), strings(Some(v))))
                .collect()
        })
        .unwrap_or_default();
    Register {
        clauses,
        decided_by,
    }
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
            // Benchmarks are neither product nor tests.
            if p.file_name()
                .is_some_and(|n| n != "target" && n != "benches")
            {
                files(&p, ext, out);
            }
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// The article modules, and `hedges` (the exceptions to hedged clauses,
/// rule `art01.exception`): `(module, source)`.
fn article_modules() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rs = Vec::new();
    files(&root().join("crates/touyan-rules/src"), "rs", &mut rs);
    for p in rs {
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if p.parent().is_some_and(|d| d.ends_with("src"))
            && (stem.starts_with("art") || stem == "hedges")
        {
            out.push((
                stem.to_string(),
                std::fs::read_to_string(&p).expect("source"),
            ));
        }
    }
    out
}

/// Where the rules are called: rule id → (product sites, test sites), each
/// as `crate/path.rs::item`.
#[derive(Default)]
struct Calls {
    applied: BTreeMap<String, BTreeSet<String>>,
    covered: BTreeMap<String, BTreeSet<String>>,
}

fn index(reg: &Register) -> RuleIndex {
    let mut index = RuleIndex::build(&article_modules()).expect("the article modules parse");
    for (rule, fns) in &reg.decided_by {
        for f in fns {
            index
                .declare(rule, f)
                .expect("docs/clauses.toml [decided_by]");
        }
    }
    index
}

/// Sites outside the product: the demo's made-up records (touyan-demo
/// files its lists with the rules to make believable data) and `touyan
/// policy show`, which prints the policy.
fn not_product(rel: &str, item: &str) -> bool {
    rel.starts_with("touyan-demo/") || (rel == "touyan-cli/src/policy.rs" && item == "show")
}

fn calls(index: &RuleIndex) -> Calls {
    let root = root();
    let crates = root.join("crates");
    let mut rs = Vec::new();
    files(&crates, "rs", &mut rs);
    // This test and its scanner cover no rule.
    rs.retain(|p| {
        !p.ends_with("tests/traceability.rs")
            && !p.components().any(|c| c.as_os_str() == "trace_scan")
    });
    let sources: Vec<(PathBuf, String)> = rs
        .into_iter()
        .map(|p| {
            let src = std::fs::read_to_string(&p).unwrap_or_default();
            (p, src)
        })
        .collect();
    // Files of `#[cfg(test)] mod x;`.
    let mut test_files = HashSet::new();
    for (p, src) in &sources {
        let dir = match p.file_stem().and_then(|s| s.to_str()) {
            Some("mod" | "lib" | "main") => p.parent().map(Path::to_path_buf),
            Some(stem) => p.parent().map(|d| d.join(stem)),
            None => None,
        };
        for m in trace_scan::test_mods(src) {
            if let Some(dir) = &dir {
                test_files.insert(dir.join(format!("{m}.rs")));
                test_files.insert(dir.join(&m).join("mod.rs"));
            }
        }
    }
    let mut by_target: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (rule, fns) in &index.deciders {
        for f in fns {
            by_target.entry(f).or_default().push(rule);
        }
    }
    let mut out = Calls::default();
    for (p, src) in &sources {
        let rel = p.strip_prefix(&crates).unwrap_or(p).display().to_string();
        let rules_crate = rel.starts_with("touyan-rules/");
        let test = rel.contains("/tests/") || test_files.contains(p);
        let own = p
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|_| rules_crate && rel.starts_with("touyan-rules/src/art"))
            .map(str::to_string);
        let in_src = rel.starts_with("touyan-rules/src/");
        let sites: Vec<Site> = trace_scan::sites(index, src, test, own.as_deref(), in_src)
            .unwrap_or_else(|e| panic!("{rel} does not parse: {e}"));
        for s in sites {
            let at = format!("{rel}::{}", s.item);
            let map = if s.test {
                &mut out.covered
            } else if rules_crate || not_product(&rel, &s.item) {
                continue;
            } else {
                &mut out.applied
            };
            for rule in by_target.get(s.target.as_str()).into_iter().flatten() {
                map.entry(rule.to_string()).or_default().insert(at.clone());
            }
        }
    }
    out
}

fn some(list: Option<&BTreeSet<String>>, unit: &str) -> String {
    let n = list.map_or(0, BTreeSet::len);
    let first: Vec<String> = list
        .into_iter()
        .flatten()
        .take(3)
        .map(|s| format!("`{s}`"))
        .collect();
    format!(
        "{n} {unit}（{}{}）",
        first.join("；"),
        if n > 3 { "；…" } else { "" }
    )
}

fn generate(reg: &Register, index: &RuleIndex, calls: &Calls) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# 条款追溯表 Article traceability");
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "由 `crates/touyan-rules/tests/traceability.rs` 根据 `docs/clauses.toml`、规则注册表和全部源代码生成，请勿手改。"
    );
    let _ = writeln!(
        s,
        "Generated from docs/clauses.toml, the rule registry and the workspace's source; do not edit. \
         Regenerate with `UPDATE_TRACEABILITY=1 cargo test -p touyan-rules --test traceability`."
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "- 约束：条文用“原则上”“一般”的为弹性条款（`docs/clauses.toml` 的 `hedge`），其余为刚性条款。"
    );
    let _ = writeln!(
        s,
        "- 判定函数：规则模块中作出该规则判定的函数（直接构造其判定，或调用这样的函数）。"
    );
    let _ = writeln!(
        s,
        "- 应用：规则库以外的产品代码（不含测试、演示数据生成和 `touyan policy show`）中调用判定函数的位置；未应用的写明理由。"
    );
    let _ = writeln!(
        s,
        "- 测试：调用判定函数的测试（测试文件、`#[cfg(test)]` 模块）；只在注释或字符串里提到规则不算。"
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "| 条款 | 内容 | 约束 | 规则 | 判定函数 | 应用 | 测试 |");
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for c in &reg.clauses {
        let article = if c.id.starts_with("2-5") {
            "第二章（第二至五条）".to_string()
        } else {
            format!("第{}条", article_zh(c.article))
        };
        let hedge = match (&c.hedge, &c.not_formalised) {
            (Some(h), _) => h.as_str(),
            (None, Some(_)) => "—",
            (None, None) => "刚性",
        };
        let (rules, deciders, applied, covered) = match &c.not_formalised {
            Some(why) => (
                format!("不作规则化：{why}"),
                String::new(),
                String::new(),
                String::new(),
            ),
            None => {
                let mut cols = [const { Vec::new() }; 4];
                for r in &c.rules {
                    cols[0].push(format!("`{r}`"));
                    let fns: Vec<String> = index
                        .deciders
                        .get(r)
                        .into_iter()
                        .flatten()
                        .map(|f| format!("`{f}`"))
                        .collect();
                    cols[1].push(format!("`{r}`：{}", fns.join("、")));
                    cols[2].push(match c.not_applied.get(r) {
                        Some(why) => format!("`{r}`：未应用，因为{why}"),
                        None => format!("`{r}`：{}", some(calls.applied.get(r), "处")),
                    });
                    cols[3].push(format!("`{r}`：{}", some(calls.covered.get(r), "项")));
                }
                let [a, b, c2, d] = cols.map(|v| v.join("<br>"));
                (a, b, c2, d)
            }
        };
        let _ = writeln!(
            s,
            "| {article} `{}` | {} | {hedge} | {rules} | {deciders} | {applied} | {covered} |",
            c.id, c.text
        );
    }
    s
}

/// Every problem of the register against the rules and the source.
fn problems(reg: &Register, index: &RuleIndex, calls: &Calls) -> Vec<String> {
    let rules: HashSet<&str> = all_rules().map(|r| r.id).collect();
    let mut problems = Vec::new();

    let articles: BTreeSet<u8> = reg.clauses.iter().map(|c| c.article).collect();
    for a in spec_articles() {
        if !articles.contains(&a) {
            problems.push(format!(
                "SPEC.md article {a} has no entry in docs/clauses.toml"
            ));
        }
    }
    let mut listed = HashSet::new();
    for c in &reg.clauses {
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
        if let Some(h) = &c.hedge
            && !HEDGES.contains(&h.as_str())
        {
            problems.push(format!("{}: hedge {h} is not one of {HEDGES:?}", c.id));
        }
        for h in HEDGES {
            if c.text.contains(h) != (c.hedge.as_deref() == Some(h)) {
                problems.push(format!(
                    "{}: the text and `hedge` disagree on {h} (the text quotes the measures' hedge)",
                    c.id
                ));
            }
        }
        for (r, why) in &c.not_applied {
            if !c.rules.contains(r) {
                problems.push(format!("{}: not_applied names {r}, not a rule of it", c.id));
            }
            if why.trim().is_empty() {
                problems.push(format!("{}: {r} is not applied without a reason", c.id));
            }
            if let Some(at) = calls.applied.get(r) {
                problems.push(format!(
                    "{}: {r} is marked not applied but product code applies it: {at:?}",
                    c.id
                ));
            }
        }
        for r in &c.rules {
            listed.insert(r.as_str());
            if !rules.contains(r.as_str()) {
                problems.push(format!("{}: unknown rule id {r}", c.id));
                continue;
            }
            if index.deciders.get(r).is_none_or(BTreeSet::is_empty) {
                problems.push(format!(
                    "{}: no function of the rules crate decides {r}",
                    c.id
                ));
            } else if calls.covered.get(r).is_none_or(BTreeSet::is_empty) {
                problems.push(format!("{}: no test calls a function deciding {r}", c.id));
            }
            if calls.applied.get(r).is_none_or(BTreeSet::is_empty) && !c.not_applied.contains_key(r)
            {
                problems.push(format!(
                    "{}: no product code applies {r}, and clauses.toml does not say why (not_applied)",
                    c.id
                ));
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
    for r in reg.decided_by.keys() {
        if !rules.contains(r.as_str()) {
            problems.push(format!("[decided_by] names unknown rule {r}"));
        }
    }
    problems
}

#[test]
fn every_article_is_implemented_applied_and_tested_or_explained() {
    let reg = register();
    let index = index(&reg);
    let calls = calls(&index);
    let problems = problems(&reg, &index, &calls);
    assert!(
        problems.is_empty(),
        "traceability problems:\n{}",
        problems.join("\n")
    );

    let table = generate(&reg, &index, &calls);
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

/// A small article module for the scanner's own tests.
const ART: &str = r#"
use crate::decision::{Decision, Rule};
pub static TENURE: Rule = Rule { id: "art01.tenure", article: 1, clause: "", inferred: false, title: "t" };
pub static RANK: Rule = Rule { id: "art01.assessment_rank", article: 1, clause: "", inferred: false, title: "r" };
pub fn tenure(x: u32) -> Decision<bool, ()> { Decision::new(&TENURE, x > 3, ()) }
fn rank_inner(x: u32) -> Decision<bool, ()> { Decision::new(&RANK, x < 2, ()) }
pub fn rank(x: u32) -> Decision<bool, ()> { rank_inner(x) }
pub fn both(x: u32) -> bool { tenure(x).outcome && rank(x).outcome }
"#;

fn toy_index() -> RuleIndex {
    RuleIndex::build(&[("art01_inclusion".to_string(), ART.to_string())]).unwrap()
}

fn targets(src: &str, test: bool) -> Vec<(String, String, bool)> {
    trace_scan::sites(&toy_index(), src, test, None, false)
        .unwrap()
        .into_iter()
        .map(|s| (s.target, s.item, s.test))
        .collect()
}

#[test]
fn the_scanner_finds_who_decides_each_rule() {
    let index = toy_index();
    let d = |id: &str| -> Vec<&str> { index.deciders[id].iter().map(String::as_str).collect() };
    // Directly, through a private helper, and through a function calling
    // a decider.
    assert_eq!(
        d("art01.tenure"),
        ["art01_inclusion::both", "art01_inclusion::tenure"]
    );
    assert_eq!(
        d("art01.assessment_rank"),
        [
            "art01_inclusion::both",
            "art01_inclusion::rank",
            "art01_inclusion::rank_inner"
        ]
    );
}

#[test]
fn the_scanner_does_not_credit_a_mention_in_a_comment_or_string() {
    let src = r#"
use touyan_rules::art01_inclusion;
// art01_inclusion::tenure(1) is what we would call here.
/// Calls `art01_inclusion::tenure(x)` — only in a doc comment.
fn a() {
    /* art01_inclusion::tenure(2) */
    let s = "art01_inclusion::tenure(3) and art01.tenure";
    println!("{}", "tenure(4)");
    let tenure = 5; // a local named like the rule
    let _ = tenure;
    let _ = s.tenure(); // a method of the same name
}
"#;
    assert_eq!(targets(src, false), []);
    // `use` is not a call either.
    assert_eq!(
        targets(
            "use touyan_rules::art01_inclusion::tenure;\nfn b() {}",
            false
        ),
        []
    );
}

#[test]
fn the_scanner_credits_calls_however_they_are_written() {
    let src = r#"
use touyan_rules::art01_inclusion::{self as inclusion, tenure};
fn by_name() -> bool { tenure(1).outcome }
fn by_alias() -> bool { inclusion::rank(1).outcome }
fn by_full_path() -> bool { touyan_rules::art01_inclusion::both(1) }
fn as_a_value() -> Vec<bool> { [1].map(inclusion::both).to_vec() }
fn in_a_macro() { assert!(touyan_rules::art01_inclusion::tenure(9).outcome, "x"); }
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { assert!(!tenure(1).outcome); }
}
"#;
    let t = |f: &str, item: &str, test: bool| (f.to_string(), item.to_string(), test);
    assert_eq!(
        targets(src, false),
        [
            t("art01_inclusion::both", "as_a_value", false),
            t("art01_inclusion::both", "by_full_path", false),
            t("art01_inclusion::rank", "by_alias", false),
            t("art01_inclusion::tenure", "by_name", false),
            t("art01_inclusion::tenure", "in_a_macro", false),
            t("art01_inclusion::tenure", "t", true),
        ]
    );
    // A glob import; a module without `use super::*` does not see the
    // parent's imports.
    let src = r#"
use touyan_rules::art01_inclusion::*;
fn g() { let _ = rank(2); }
mod inner { fn h() { let _ = tenure(2); } }
"#;
    assert_eq!(
        targets(src, false),
        [t("art01_inclusion::rank", "g", false)]
    );
    // Another crate's module of the same name is not the rules'.
    let src = r#"
use touyan_workflow::art01_inclusion::{self as flow, tenure};
mod art01_inclusion { pub fn both(_: u32) -> bool { true } }
fn w() { let _ = flow::rank(1); let _ = tenure(1); let _ = art01_inclusion::both(1); }
"#;
    assert_eq!(targets(src, false), []);
    // A whole file of tests.
    assert_eq!(
        targets(
            "fn helper() { let _ = touyan_rules::art01_inclusion::tenure(1); }",
            true
        ),
        [t("art01_inclusion::tenure", "helper", true)]
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
    assert_eq!(count, 52); // 9 + 5 + 3 + 3 + 4 + 3 + 8 + 2 + 4 + 7 + 4, and the exception of hedged clauses
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
