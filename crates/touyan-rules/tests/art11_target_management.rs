//! Article 11: the year's plan (review, public notice, filing) and the
//! inferred minimum notice period (5 days, both ends counted).

mod common;

use common::*;
use time::macros::date;
use touyan_rules::art11_target_management::{self, PlanRecord, PlanStage};
use touyan_rules::policy::Raw;

#[test]
fn a_notice_of_five_days_counting_both_ends_is_enough() {
    let p = params();
    let d =
        art11_target_management::notice_period(&p, date!(2025 - 01 - 01), date!(2025 - 01 - 05));
    assert!(d.outcome);
    assert_rule(d.rule, "art11.public_notice_period", 11);
    assert!(d.rule.inferred);
    assert_used_policy(&d.params, "plan.public_notice_min_days");
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("共 5 天"), "{text}");
    let d =
        art11_target_management::notice_period(&p, date!(2025 - 01 - 01), date!(2025 - 01 - 04));
    assert!(!d.outcome);
    assert!(d.sentence().contains("共 4 天"));
    assert!(d.sentence().contains("少于 5 天"));
    // Across a month end: 2025-01-29..2025-02-02 is 5 days.
    assert!(
        art11_target_management::notice_period(&p, date!(2025 - 01 - 29), date!(2025 - 02 - 02))
            .outcome
    );
    // An end before the start.
    assert!(
        !art11_target_management::notice_period(&p, date!(2025 - 01 - 05), date!(2025 - 01 - 01))
            .outcome
    );
    let p = params_with(&[("plan.public_notice_min_days", Raw::Number("7"))]);
    assert!(
        !art11_target_management::notice_period(&p, date!(2025 - 01 - 01), date!(2025 - 01 - 05))
            .outcome
    );
}

fn stage(r: PlanRecord) -> PlanStage {
    art11_target_management::plan_stage(&params(), &r).outcome
}

#[test]
fn the_plan_moves_through_review_notice_and_filing_in_order() {
    let reviewed = Some(date!(2024 - 12 - 31));
    let notice = Some((date!(2025 - 01 - 01), date!(2025 - 01 - 05)));
    assert_eq!(stage(PlanRecord::default()), PlanStage::Drafting);
    assert_eq!(
        stage(PlanRecord {
            reviewed_on: reviewed,
            ..Default::default()
        }),
        PlanStage::Reviewed
    );
    assert_eq!(
        stage(PlanRecord {
            reviewed_on: reviewed,
            notice,
            filed_on: None
        }),
        PlanStage::Noticed
    );
    assert_eq!(
        stage(PlanRecord {
            reviewed_on: reviewed,
            notice,
            filed_on: Some(date!(2025 - 01 - 05))
        }),
        PlanStage::Filed
    );
    // Filed before the notice ended: still only noticed.
    assert_eq!(
        stage(PlanRecord {
            reviewed_on: reviewed,
            notice,
            filed_on: Some(date!(2025 - 01 - 04))
        }),
        PlanStage::Noticed
    );
    // A 4-day notice does not complete the step.
    assert_eq!(
        stage(PlanRecord {
            reviewed_on: reviewed,
            notice: Some((date!(2025 - 01 - 01), date!(2025 - 01 - 04))),
            filed_on: Some(date!(2025 - 01 - 10))
        }),
        PlanStage::Reviewed
    );
    // A notice started before the review is void.
    assert_eq!(
        stage(PlanRecord {
            reviewed_on: Some(date!(2025 - 01 - 02)),
            notice,
            filed_on: Some(date!(2025 - 01 - 10))
        }),
        PlanStage::Reviewed
    );
    // A notice on the review day is fine.
    assert_eq!(
        stage(PlanRecord {
            reviewed_on: Some(date!(2025 - 01 - 01)),
            notice,
            filed_on: None
        }),
        PlanStage::Noticed
    );
    // Without a review nothing counts.
    assert_eq!(
        stage(PlanRecord {
            reviewed_on: None,
            notice,
            filed_on: Some(date!(2025 - 01 - 10))
        }),
        PlanStage::Drafting
    );
}

#[test]
fn plan_stage_sentences() {
    let p = params();
    let d = art11_target_management::plan_stage(&p, &PlanRecord::default());
    assert_rule(d.rule, "art11.plan_stage", 11);
    assert!(!d.rule.inferred);
    assert_chinese(&d.sentence());
    let d = art11_target_management::plan_stage(
        &p,
        &PlanRecord {
            reviewed_on: Some(date!(2024 - 12 - 31)),
            notice: Some((date!(2025 - 01 - 01), date!(2025 - 01 - 05))),
            filed_on: Some(date!(2025 - 01 - 06)),
        },
    );
    assert_eq!(d.outcome, PlanStage::Filed);
    let text = d.sentence();
    assert!(text.contains("2025-01-06"), "{text}");
    assert!(text.contains("备案"), "{text}");
    let d = art11_target_management::plan_stage(
        &p,
        &PlanRecord {
            reviewed_on: Some(date!(2025 - 01 - 02)),
            notice: Some((date!(2025 - 01 - 01), date!(2025 - 01 - 05))),
            filed_on: None,
        },
    );
    assert!(d.sentence().contains("无效"), "{}", d.sentence());
    assert!(PlanStage::Drafting < PlanStage::Filed);
}
