//! Article 7: required courses, certificates, degree-class priority.

mod common;

use common::*;
use touyan_rules::art07_qualification::{self, Course};
use touyan_rules::policy::Raw;

#[test]
fn the_five_required_courses() {
    let d = art07_qualification::courses_missing(&[]);
    assert_eq!(d.outcome.len(), 5);
    assert_rule(d.rule, "art07.required_courses", 7);
    let text = d.sentence();
    assert_eq!(
        text,
        "尚有必修课程未考试合格：农村党建、集体经济、矛盾化解、职业技能、民生服务"
    );
    let d = art07_qualification::courses_missing(&[
        Course::LivelihoodServices,
        Course::PartyBuilding,
        Course::VocationalSkills,
    ]);
    assert_eq!(
        d.outcome,
        [Course::CollectiveEconomy, Course::ConflictResolution]
    );
    let d = art07_qualification::courses_missing(&Course::REQUIRED);
    assert!(d.outcome.is_empty());
    assert!(d.sentence().contains("资格证"));
}

#[test]
fn working_without_a_certificate_is_flagged() {
    let p = params();
    let d = art07_qualification::certificate(&p, false);
    assert!(!d.outcome);
    assert_rule(d.rule, "art07.certificate", 7);
    assert_used_policy(&d.params, "qualification.certificate_required");
    assert_chinese(&d.sentence());
    assert!(art07_qualification::certificate(&p, true).outcome);
    let p = params_with(&[("qualification.certificate_required", Raw::Bool(false))]);
    assert!(art07_qualification::certificate(&p, false).outcome);
}

#[test]
fn professionalized_secretaries_enrol_first_otherwise_in_order() {
    let p = params();
    let d = art07_qualification::degree_enrolment_order(&p, &[false, true, false, true, true]);
    assert_eq!(d.outcome, [1, 3, 4, 0, 2]);
    assert_rule(d.rule, "art07.degree_priority", 7);
    assert_chinese(&d.sentence());
    let p = params_with(&[("qualification.degree_priority", Raw::Bool(false))]);
    let d = art07_qualification::degree_enrolment_order(&p, &[false, true, false, true, true]);
    assert_eq!(d.outcome, [0, 1, 2, 3, 4]);
}
