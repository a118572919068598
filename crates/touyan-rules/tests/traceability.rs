//! The rule table: every rule has a unique id naming its article.

use std::collections::HashSet;

use touyan_rules::all_rules;

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
    assert_eq!(count, 39); // 7 + 3 + 3 + 4 + 3 + 6 + 2 + 2 + 5 + 4
    // Inferred rules are the ones implementing missing text.
    let inferred: Vec<&str> = all_rules().filter(|r| r.inferred).map(|r| r.id).collect();
    assert_eq!(
        inferred,
        [
            "art01.extra_condition",
            "art11.public_notice_period",
            "art14.exit_failed_evaluation",
            "art14.exit_discipline",
            "art14.exit_left_office",
            "art14.exit_age",
        ]
    );
    let articles: HashSet<u8> = all_rules().map(|r| r.article).collect();
    let mut articles: Vec<u8> = articles.into_iter().collect();
    articles.sort_unstable();
    assert_eq!(articles, [1, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
}
