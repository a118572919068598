//! What the contract gained in 2026-12 (../shared/policy/evaluate-format.md,
//! each change marked there): `full_time_education` beside `education`,
//! the policy's added `conditions` answered per secretary, and secondments
//! counted by person. Expectations worked by hand from the format's
//! semantics, on `as_of` 2025-01-01.

use serde_json::{Value, json};
use touyan_evaluate::{CaseError, evaluate};
use touyan_rules::Policy;
use touyan_rules::policy::EXAMPLE_POLICY_TOML;

/// One town of two villages; its one secretary is 45 on `as_of` (no age
/// relaxation) with two years of tenure: tenure passes only when relaxed
/// to one year by a full-time college degree. Every other check passes
/// (five stars, 30 万元 ≥ 10, rank 1 of 2: 2 × 1 ≤ 2, judged 三好三强).
fn case(secretary: Value) -> Value {
    let mut s = json!({
        "id": "s1",
        "birth_date": "1980-01-01",
        "education": "bachelor",
        "full_time_degree": false,
        "tenure_start": "2023-01-01",
        "three_good_three_strong": true
    });
    for (k, v) in secretary.as_object().expect("an object") {
        s[k] = v.clone();
    }
    json!({
        "as_of": "2025-01-01",
        "policy": { "inclusion.collective_income_min_wan": 10 },
        "towns": [{
            "code": "370783100",
            "name": "化龙镇",
            "village_count": 2,
            "villages": [{
                "code": "370783100201",
                "name": "东村",
                "stars": 5,
                "collective_income_wan": 30,
                "last_year_rank": 1,
                "secretary": s
            }]
        }]
    })
}

fn run(input: &Value, policy: &Policy) -> Result<Value, CaseError> {
    let bytes = serde_json::to_vec(input).expect("serialise");
    evaluate(&bytes, policy).map(|out| serde_json::from_slice(&out).expect("JSON out"))
}

fn secretary(out: &Value) -> &Value {
    &out["towns"][0]["secretaries"][0]
}

fn tenure_passed(secretary_fields: Value) -> bool {
    let out = run(&case(secretary_fields), &Policy::example()).expect("decided");
    let s = secretary(&out);
    assert_eq!(s["checks"][1]["rule"], "tenure");
    let passed = s["checks"][1]["passed"].as_bool().expect("passed");
    // Every other check passes, so eligibility is the tenure's.
    assert_eq!(s["eligible"].as_bool(), Some(passed));
    passed
}

#[test]
fn the_full_time_level_decides_the_relaxation_when_given() {
    // The old reading: an in-service 本科 (full_time_degree false) does not
    // relax tenure; 2 years < 3.
    assert!(!tenure_passed(json!({})));
    // A full-time 大专 beside the in-service 本科: relaxed to 1 year.
    assert!(tenure_passed(json!({ "full_time_education": "college" })));
    // Exactly the minimum level counts; one below does not, whatever the
    // flag says.
    assert!(!tenure_passed(
        json!({ "full_time_education": "senior_middle", "full_time_degree": true })
    ));
    // Without the new field the flag still holds.
    assert!(tenure_passed(json!({ "full_time_degree": true })));
}

/// A young cadre of the town (reference salary 4,200 × 0.8 = 3,360 base;
/// current pay 3,000 below it).
fn young_pay(young_fields: Value) -> Value {
    let mut input = case(json!({}));
    let mut y = json!({
        "id": "y1", "birth_date": "1995-07-01", "education": "bachelor",
        "full_time_degree": false, "current_pay": 3000, "score": 88.5
    });
    for (k, v) in young_fields.as_object().expect("an object") {
        y[k] = v.clone();
    }
    input["towns"][0]["reference_salary"] = json!(4200);
    input["towns"][0]["young_cadre_factor"] = json!(0.8);
    input["towns"][0]["villages"][0]["young_cadres"] = json!([y]);
    let out = run(&input, &Policy::example()).expect("decided");
    out["towns"][0]["young_cadres"][0]["monthly_pay"].clone()
}

#[test]
fn young_cadres_subsidies_follow_the_full_time_level() {
    // In-service 本科 only: no subsidies, 3,360.
    let none = young_pay(json!({}));
    assert_eq!(none["city_subsidy"], json!(0));
    assert_eq!(none["total"], json!(3360));
    // A full-time 大专: 500 + 500, 4,360.
    let both = young_pay(json!({ "full_time_education": "college" }));
    assert_eq!(both["city_subsidy"], json!(500));
    assert_eq!(both["town_subsidy"], json!(500));
    assert_eq!(both["total"], json!(4360));
    // The flag says full-time, the full-time level says 高中: none.
    let flag =
        young_pay(json!({ "full_time_degree": true, "full_time_education": "senior_middle" }));
    assert_eq!(flag["total"], json!(3360));
}

#[test]
fn two_secondments_of_one_person_count_once() {
    let mut input = case(json!({ "full_time_degree": true }));
    input["towns"][0]["secondments"] = json!([
        // One month exactly, and six weeks: both count, one person.
        { "id": "s1", "level": "city", "start": "2024-03-01", "end": "2024-04-01" },
        { "id": "s1", "level": "city", "start": "2024-06-01", "end": "2024-07-15" },
        // A day short of a month: listed as too short, not counted.
        { "id": "s1", "level": "town", "start": "2024-09-01", "end": "2024-09-30" }
    ]);
    let out = run(&input, &Policy::example()).expect("decided");
    let s = &out["towns"][0]["secondment"];
    assert_eq!(s["city_done"], json!(1));
    assert_eq!(s["town_done"], json!(0));
    // One included secretary × 0.2 = 0.2, half up: 0.
    assert_eq!(s["town_required"], json!(0));
    assert_eq!(s["too_short"], json!(["s1"]));
}

/// The example policy with one condition added from 2025-01-01.
fn with_condition() -> Policy {
    let src = format!(
        "{EXAMPLE_POLICY_TOML}\n[[conditions]]\nid = \"no_sanction\"\nlabel = \"无党纪政务处分\"\narticle = 1\nsince = 2025-01-01\n"
    );
    Policy::parse(&src).expect("a policy with a condition")
}

#[test]
fn an_added_condition_is_a_sixth_check() {
    let policy = with_condition();
    let answered = |fields: Value| {
        let out = run(&case(fields), &policy).expect("decided");
        secretary(&out).clone()
    };
    // Answered yes, on the day it takes effect: six checks, eligible.
    let yes = answered(json!({ "full_time_degree": true, "conditions": { "no_sanction": true } }));
    let checks = yes["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 6);
    assert_eq!(checks[5]["rule"], "condition.no_sanction");
    assert_eq!(checks[5]["article"], json!(1));
    assert_eq!(checks[5]["passed"], json!(true));
    assert_eq!(yes["eligible"], json!(true));
    // Answered no: not eligible, not included.
    let no = answered(json!({ "full_time_degree": true, "conditions": { "no_sanction": false } }));
    assert_eq!(no["checks"][5]["passed"], json!(false));
    assert_eq!(no["eligible"], json!(false));
    let out = run(
        &case(json!({ "full_time_degree": true, "conditions": { "no_sanction": false } })),
        &policy,
    )
    .expect("decided");
    assert_eq!(out["towns"][0]["included"], json!([]));
    // Not answered: fails, and the detail says it is not recorded.
    let missing = answered(json!({ "full_time_degree": true }));
    assert_eq!(missing["checks"][5]["passed"], json!(false));
    let detail = missing["checks"][5]["detail"].as_str().expect("detail");
    assert!(detail.contains("未记录"), "{detail}");
    assert_eq!(missing["eligible"], json!(false));
}

#[test]
fn a_condition_not_yet_in_force_is_neither_checked_nor_answerable() {
    let policy = with_condition();
    let mut input = case(json!({ "full_time_degree": true }));
    input["as_of"] = json!("2024-12-31");
    // Tenure from 2023-01-01 to 2024-12-31 is one full year and more.
    let out = run(&input, &policy).expect("decided");
    assert_eq!(secretary(&out)["checks"].as_array().map(Vec::len), Some(5));
    assert_eq!(secretary(&out)["eligible"], json!(true));
    // An answer naming it is bad input; so is one naming no condition.
    for id in ["no_sanction", "nothing"] {
        let mut bad = input.clone();
        bad["towns"][0]["villages"][0]["secretary"]["conditions"] = json!({ id: true });
        let e = run(&bad, &policy).expect_err("an answer to no condition in force");
        assert_eq!(
            e.path,
            format!("towns[0].villages[0].secretary.conditions.{id}")
        );
    }
    // With the shipped policy (no conditions) any answer is bad input.
    let mut bad = case(json!({ "conditions": { "no_sanction": true } }));
    bad["as_of"] = json!("2025-01-01");
    assert!(run(&bad, &Policy::example()).is_err());
}
