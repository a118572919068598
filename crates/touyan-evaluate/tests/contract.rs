//! The JSON contract of `evaluate` (../shared/policy/evaluate-format.md):
//! the document's own example, strictness about unknown fields, and bad
//! input reported with the JSON path of the offending field.

use serde_json::{Value, json};
use touyan_evaluate::{CaseError, evaluate};
use touyan_rules::Policy;

/// The input example of evaluate-format.md, verbatim.
const DOC_INPUT: &str = r#"{
  "as_of": "2025-01-01",
  "policy": { "inclusion.collective_income_min_wan": 10 },
  "towns": [{
    "code": "370783100",
    "name": "化龙镇",
    "village_count": 53,
    "reference_salary": 4200,
    "young_cadre_factor": 0.8,
    "secondments": [
      { "id": "s1", "level": "city", "start": "2024-03-01", "end": "2024-04-01" }
    ],
    "villages": [{
      "code": "370783100201",
      "name": "东村",
      "stars": 5,
      "collective_income_wan": 30,
      "last_year_rank": 1,
      "secretary_reserves": 2,
      "secretary": {
        "id": "s1",
        "birth_date": "1988-05-01",
        "education": "bachelor",
        "full_time_degree": true,
        "tenure_start": "2022-03-01",
        "three_good_three_strong": true,
        "training": [ { "level": "city", "days": 3 }, { "level": "town", "days": 4 } ],
        "evaluation": {
          "party_members": { "competent": 40, "basically_competent": 5, "not_competent": 2 },
          "public_reps":   { "competent": 20, "basically_competent": 1, "not_competent": 0 }
        }
      },
      "young_cadres": [{
        "id": "y1", "birth_date": "1995-07-01", "education": "college",
        "full_time_degree": true, "current_pay": 3000, "score": 88.5
      }]
    }]
  }]
}"#;

/// The output example of evaluate-format.md, written out by hand, without
/// the `detail` sentences.
fn doc_output() -> Value {
    json!({
      "policy": "example-2024",
      "towns": [{
        "code": "370783100",
        "inclusion_quota": 27,
        "included": ["s1"],
        "tiers": { "s1": 3 },
        "young_cadre_cap": 15,
        "young_cadres_selected": ["y1"],
        "secondment": { "city_required": 1, "city_done": 1, "town_required": 0, "town_done": 0, "too_short": [] },
        "reserve_shortfalls": [],
        "secretaries": [{
          "id": "s1",
          "eligible": true,
          "checks": [
            { "rule": "three_good_three_strong", "article": 1, "passed": true },
            { "rule": "tenure", "article": 1, "passed": true },
            { "rule": "assessment_rank", "article": 1, "passed": true },
            { "rule": "collective_income", "article": 1, "passed": true },
            { "rule": "star_rating", "article": 13, "passed": true }
          ],
          "training": { "city_days": 3, "town_sessions": 1, "town_days": 4, "compliant": false,
                        "shortfalls": ["town_sessions", "town_days"] },
          "competency": { "rate": 0.9706, "action": "none" }
        }],
        "young_cadres": [{
          "id": "y1", "eligible": true,
          "monthly_pay": { "base": 3360, "city_subsidy": 500, "town_subsidy": 500, "total": 4360, "kept_current": false }
        }]
      }]
    })
}

fn doc() -> Value {
    serde_json::from_str(DOC_INPUT).expect("the document's example is JSON")
}

fn eval_value(input: &Value) -> Result<Value, CaseError> {
    let bytes = serde_json::to_vec(input).expect("serialise");
    eval_bytes(&bytes)
}

fn eval_bytes(input: &[u8]) -> Result<Value, CaseError> {
    evaluate(input, &Policy::example()).map(|out| {
        serde_json::from_slice(&out).unwrap_or_else(|e| {
            panic!(
                "output is not JSON ({e}): {}",
                String::from_utf8_lossy(&out)
            )
        })
    })
}

/// Equal as JSON values, numbers compared by value (3360 == 3360.0).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_u64(), y.as_u64()) {
            (Some(p), Some(q)) => p == q,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        (x, y) => x == y,
    }
}

/// Removes every `detail` key, checking that each is a non-empty string.
fn strip_details(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(d) = m.remove("detail") {
                assert!(
                    d.as_str().is_some_and(|s| !s.trim().is_empty()),
                    "detail must be a non-empty sentence, got {d}"
                );
            }
            m.values_mut().for_each(strip_details);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_details),
        _ => {}
    }
}

fn set(v: &mut Value, pointer: &str, new: Value) {
    *v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the input")) = new;
}

fn remove(v: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    let obj = v
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {parent}"));
    assert!(obj.remove(key).is_some(), "no {pointer} in the input");
}

fn insert(v: &mut Value, pointer_to_object: &str, key: &str, new: Value) {
    let obj = v
        .pointer_mut(pointer_to_object)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {pointer_to_object}"));
    obj.insert(key.to_string(), new);
}

#[track_caller]
fn expect_err(input: &Value) -> CaseError {
    match eval_value(input) {
        Ok(out) => panic!("expected an error, got output {out}"),
        Err(e) => {
            assert!(!e.message.trim().is_empty(), "empty message for {}", e.path);
            e
        }
    }
}

#[track_caller]
fn expect_err_at(input: &Value, path: &str) -> CaseError {
    let e = expect_err(input);
    assert_eq!(e.path, path, "wrong path; message: {}", e.message);
    assert!(
        e.to_string().contains(path),
        "Display must name the path: {e}"
    );
    e
}

const V0: &str = "/towns/0/villages/0";
const S0: &str = "/towns/0/villages/0/secretary";
const Y0: &str = "/towns/0/villages/0/young_cadres/0";

// ───────────────────────── the document's example ─────────────────────────

#[test]
fn document_example_gives_the_documented_output() {
    let mut out = eval_value(&doc()).expect("the example is valid input");
    strip_details(&mut out);
    let expected = doc_output();
    assert!(
        same(&out, &expected),
        "output differs from evaluate-format.md\n  got:      {out}\n  expected: {expected}"
    );
}

#[test]
fn document_example_as_written_bytes_and_with_trailing_whitespace() {
    let a = evaluate(DOC_INPUT.as_bytes(), &Policy::example()).expect("valid");
    let b = evaluate(
        format!("{DOC_INPUT}\n\n \t\r\n").as_bytes(),
        &Policy::example(),
    )
    .expect("trailing whitespace is not garbage");
    assert_eq!(a, b, "same input, same output");
    let again = evaluate(DOC_INPUT.as_bytes(), &Policy::example()).expect("valid");
    assert_eq!(a, again, "deterministic");
}

#[test]
fn optional_parts_absent_give_null_or_nothing() {
    let mut input = doc();
    for p in [
        "/towns/0/secondments",
        "/towns/0/reference_salary",
        "/towns/0/young_cadre_factor",
        "/towns/0/village_count",
        "/towns/0/villages/0/secretary_reserves",
        "/towns/0/villages/0/secretary/training",
        "/towns/0/villages/0/secretary/evaluation",
    ] {
        remove(&mut input, p);
    }
    remove(&mut input, "/policy");
    let out = eval_value(&input).expect("valid without the optional parts");
    let town = &out["towns"][0];
    // village_count absent: 1 listed village; rank 1 of 1 is not in the first half.
    assert_eq!(town["inclusion_quota"], json!(1));
    assert_eq!(town["included"], json!([]));
    assert_eq!(town["young_cadre_cap"], json!(0));
    assert_eq!(town["reserve_shortfalls"], json!([]));
    let null_or_absent = |v: &Value, key: &str| {
        assert!(
            v.get(key).is_none_or(Value::is_null),
            "{key} should be null or absent, got {}",
            v[key]
        );
    };
    null_or_absent(town, "secondment");
    null_or_absent(&town["secretaries"][0], "training");
    null_or_absent(&town["secretaries"][0], "competency");
    null_or_absent(&town["young_cadres"][0], "monthly_pay");
    assert_eq!(town["young_cadres"][0]["eligible"], json!(true));

    // secretary and young_cadres absent too: empty lists.
    remove(&mut input, "/towns/0/villages/0/secretary");
    remove(&mut input, "/towns/0/villages/0/young_cadres");
    let out = eval_value(&input).expect("a village without people is valid");
    assert_eq!(out["towns"][0]["secretaries"], json!([]));
    assert_eq!(out["towns"][0]["young_cadres"], json!([]));
    assert_eq!(out["towns"][0]["young_cadres_selected"], json!([]));
}

#[test]
fn no_towns_gives_an_empty_list() {
    let out = eval_value(&json!({ "as_of": "2025-01-01", "towns": [] })).expect("valid");
    assert!(same(
        &out,
        &json!({ "policy": "example-2024", "towns": [] })
    ));
}

// ───────────────────────────── unknown fields ─────────────────────────────

#[test]
fn unknown_fields_anywhere_are_errors() {
    let places: &[(&str, &str)] = &[
        ("", "extra"),
        ("/towns/0", "towns[0].extra"),
        ("/towns/0/secondments/0", "towns[0].secondments[0].extra"),
        (V0, "towns[0].villages[0].extra"),
        (S0, "towns[0].villages[0].secretary.extra"),
        (
            "/towns/0/villages/0/secretary/training/0",
            "towns[0].villages[0].secretary.training[0].extra",
        ),
        (
            "/towns/0/villages/0/secretary/evaluation",
            "towns[0].villages[0].secretary.evaluation.extra",
        ),
        (
            "/towns/0/villages/0/secretary/evaluation/public_reps",
            "towns[0].villages[0].secretary.evaluation.public_reps.extra",
        ),
        (Y0, "towns[0].villages[0].young_cadres[0].extra"),
    ];
    for (object, path) in places {
        let mut input = doc();
        insert(&mut input, object, "extra", json!(1));
        let e = expect_err(&input);
        assert_eq!(&e.path, path, "unknown field at {object}: {}", e.message);
        assert!(e.message.contains("extra"), "message names the field: {e}");
    }
}

#[test]
fn a_misspelt_field_is_not_ignored() {
    let mut input = doc();
    remove(&mut input, "/towns/0/young_cadre_factor");
    insert(&mut input, "/towns/0", "young_cadres_factor", json!(0.8));
    expect_err_at(&input, "towns[0].young_cadres_factor");
}

// ───────────────────────────── missing fields ─────────────────────────────

#[test]
fn missing_required_fields_name_the_field() {
    let cases: &[(&str, &str)] = &[
        ("/as_of", "as_of"),
        ("/towns", "towns"),
        ("/towns/0/code", "towns[0].code"),
        ("/towns/0/name", "towns[0].name"),
        ("/towns/0/villages", "towns[0].villages"),
        ("/towns/0/secondments/0/end", "towns[0].secondments[0].end"),
        ("/towns/0/villages/0/code", "towns[0].villages[0].code"),
        ("/towns/0/villages/0/stars", "towns[0].villages[0].stars"),
        (
            "/towns/0/villages/0/collective_income_wan",
            "towns[0].villages[0].collective_income_wan",
        ),
        (
            "/towns/0/villages/0/last_year_rank",
            "towns[0].villages[0].last_year_rank",
        ),
        (
            "/towns/0/villages/0/secretary/birth_date",
            "towns[0].villages[0].secretary.birth_date",
        ),
        (
            "/towns/0/villages/0/secretary/three_good_three_strong",
            "towns[0].villages[0].secretary.three_good_three_strong",
        ),
        (
            "/towns/0/villages/0/secretary/training/1/days",
            "towns[0].villages[0].secretary.training[1].days",
        ),
        (
            "/towns/0/villages/0/secretary/evaluation/public_reps",
            "towns[0].villages[0].secretary.evaluation.public_reps",
        ),
        (
            "/towns/0/villages/0/secretary/evaluation/party_members/not_competent",
            "towns[0].villages[0].secretary.evaluation.party_members.not_competent",
        ),
        (
            "/towns/0/villages/0/young_cadres/0/score",
            "towns[0].villages[0].young_cadres[0].score",
        ),
        (
            "/towns/0/villages/0/young_cadres/0/current_pay",
            "towns[0].villages[0].young_cadres[0].current_pay",
        ),
    ];
    for (pointer, path) in cases {
        let mut input = doc();
        remove(&mut input, pointer);
        let e = expect_err(&input);
        assert_eq!(&e.path, path, "removed {pointer}: {}", e.message);
    }
}

#[test]
fn missing_field_in_a_later_town_names_that_town() {
    let mut input = doc();
    let mut second = input["towns"][0].clone();
    set(&mut second, "/code", json!("370783101"));
    set(&mut second, "/villages/0/secretary/id", json!("s2"));
    set(&mut second, "/villages/0/young_cadres/0/id", json!("y2"));
    set(&mut second, "/secondments/0/id", json!("s2"));
    remove(&mut second, "/villages/0/code");
    input["towns"].as_array_mut().unwrap().push(second);
    expect_err_at(&input, "towns[1].villages[0].code");
}

// ─────────────────────────────── bad values ───────────────────────────────

#[test]
fn dates_that_are_not_dates() {
    for (pointer, path, bad) in [
        ("/as_of", "as_of", "2023-02-29"),
        ("/as_of", "as_of", "2023/01/01"),
        (
            "/towns/0/villages/0/secretary/tenure_start",
            "towns[0].villages[0].secretary.tenure_start",
            "2023-02-29",
        ),
        (
            "/towns/0/villages/0/secretary/tenure_start",
            "towns[0].villages[0].secretary.tenure_start",
            "2023/01/01",
        ),
        (
            "/towns/0/villages/0/secretary/birth_date",
            "towns[0].villages[0].secretary.birth_date",
            "1988-13-01",
        ),
        (
            "/towns/0/villages/0/young_cadres/0/birth_date",
            "towns[0].villages[0].young_cadres[0].birth_date",
            "1995-7-1",
        ),
        (
            "/towns/0/secondments/0/start",
            "towns[0].secondments[0].start",
            "2024-04-31",
        ),
        (
            "/towns/0/secondments/0/end",
            "towns[0].secondments[0].end",
            "",
        ),
    ] {
        let mut input = doc();
        set(&mut input, pointer, json!(bad));
        let e = expect_err(&input);
        assert_eq!(e.path, path, "{bad:?} at {pointer}: {}", e.message);
    }
    // A leap day in a leap year is a date.
    let mut input = doc();
    set(&mut input, "/as_of", json!("2024-02-29"));
    eval_value(&input).expect("2024-02-29 is a date");
}

#[test]
fn stars_outside_the_scale() {
    let mut input = doc();
    set(&mut input, "/towns/0/villages/0/stars", json!(6));
    expect_err_at(&input, "towns[0].villages[0].stars");
    set(&mut input, "/towns/0/villages/0/stars", json!(-1));
    expect_err_at(&input, "towns[0].villages[0].stars");
    set(&mut input, "/towns/0/villages/0/stars", json!(0));
    eval_value(&input).expect("0 (not rated) is on the scale");
}

#[test]
fn factor_outside_0_6_to_1_0() {
    let mut input = doc();
    set(&mut input, "/towns/0/young_cadre_factor", json!(1.2));
    let e = expect_err_at(&input, "towns[0].young_cadre_factor");
    assert!(e.message.contains("1.2"), "message names the value: {e}");
    set(&mut input, "/towns/0/young_cadre_factor", json!(0.59));
    expect_err_at(&input, "towns[0].young_cadre_factor");
    set(&mut input, "/towns/0/young_cadre_factor", json!(1.01));
    expect_err_at(&input, "towns[0].young_cadre_factor");
    for ok in [json!(0.6), json!(1.0), json!(1)] {
        let mut input = doc();
        set(&mut input, "/towns/0/young_cadre_factor", ok.clone());
        eval_value(&input).unwrap_or_else(|e| panic!("factor {ok} is in range: {e}"));
    }
}

#[test]
fn duplicate_person_id_in_one_town() {
    // A young cadre in a second village with the secretary's id.
    let mut input = doc();
    let mut village = input["towns"][0]["villages"][0].clone();
    set(&mut village, "/code", json!("370783100202"));
    set(&mut village, "/last_year_rank", json!(2));
    remove(&mut village, "/secretary");
    set(&mut village, "/young_cadres/0/id", json!("s1"));
    input["towns"][0]["villages"]
        .as_array_mut()
        .unwrap()
        .push(village);
    let e = expect_err(&input);
    assert!(
        [
            "towns[0].villages[0].secretary.id",
            "towns[0].villages[1].young_cadres[0].id"
        ]
        .contains(&e.path.as_str()),
        "path names one of the two ids: {e}"
    );

    // Two young cadres of one village with the same id.
    let mut input = doc();
    let y = input["towns"][0]["villages"][0]["young_cadres"][0].clone();
    input["towns"][0]["villages"][0]["young_cadres"]
        .as_array_mut()
        .unwrap()
        .push(y);
    let e = expect_err(&input);
    assert!(
        [
            "towns[0].villages[0].young_cadres[0].id",
            "towns[0].villages[0].young_cadres[1].id"
        ]
        .contains(&e.path.as_str()),
        "path names one of the two ids: {e}"
    );
}

#[test]
fn duplicate_person_id_across_two_towns() {
    let mut input = doc();
    let mut second = input["towns"][0].clone();
    set(&mut second, "/code", json!("370783101"));
    set(&mut second, "/villages/0/young_cadres/0/id", json!("y2"));
    // The secretary keeps the id s1 of the first town's secretary.
    input["towns"].as_array_mut().unwrap().push(second);
    let e = expect_err(&input);
    assert!(
        [
            "towns[0].villages[0].secretary.id",
            "towns[1].villages[0].secretary.id"
        ]
        .contains(&e.path.as_str()),
        "path names one of the two ids: {e}"
    );

    // A young cadre in town 2 with the id of the first town's young cadre.
    let mut input = doc();
    let mut second = input["towns"][0].clone();
    set(&mut second, "/code", json!("370783101"));
    set(&mut second, "/villages/0/secretary/id", json!("s2"));
    set(&mut second, "/secondments/0/id", json!("s2"));
    input["towns"].as_array_mut().unwrap().push(second);
    let e = expect_err(&input);
    assert!(
        [
            "towns[0].villages[0].young_cadres[0].id",
            "towns[1].villages[0].young_cadres[0].id"
        ]
        .contains(&e.path.as_str()),
        "path names one of the two ids: {e}"
    );

    // Distinct ids in two towns are fine.
    let mut input = doc();
    let mut second = input["towns"][0].clone();
    set(&mut second, "/code", json!("370783101"));
    set(&mut second, "/villages/0/secretary/id", json!("s2"));
    set(&mut second, "/secondments/0/id", json!("s2"));
    set(&mut second, "/villages/0/young_cadres/0/id", json!("y2"));
    input["towns"].as_array_mut().unwrap().push(second);
    let out = eval_value(&input).expect("distinct ids");
    assert_eq!(out["towns"][1]["included"], json!(["s2"]));
}

#[test]
fn secondment_naming_no_secretary_of_its_town() {
    // An id nobody has.
    let mut input = doc();
    set(&mut input, "/towns/0/secondments/0/id", json!("nobody"));
    expect_err_at(&input, "towns[0].secondments[0].id");

    // A young cadre's id is not a secretary's.
    let mut input = doc();
    set(&mut input, "/towns/0/secondments/0/id", json!("y1"));
    expect_err_at(&input, "towns[0].secondments[0].id");

    // A secretary of another town.
    let mut input = doc();
    let mut second = input["towns"][0].clone();
    set(&mut second, "/code", json!("370783101"));
    set(&mut second, "/villages/0/secretary/id", json!("s2"));
    set(&mut second, "/villages/0/young_cadres/0/id", json!("y2"));
    set(
        &mut second,
        "/secondments",
        json!([
            { "id": "s2", "level": "town", "start": "2024-03-01", "end": "2024-04-01" },
            { "id": "s1", "level": "city", "start": "2024-03-01", "end": "2024-04-01" }
        ]),
    );
    input["towns"].as_array_mut().unwrap().push(second);
    expect_err_at(&input, "towns[1].secondments[1].id");
}

#[test]
fn last_year_rank_outside_1_to_village_count() {
    let mut input = doc();
    set(&mut input, "/towns/0/villages/0/last_year_rank", json!(0));
    expect_err_at(&input, "towns[0].villages[0].last_year_rank");
    set(&mut input, "/towns/0/villages/0/last_year_rank", json!(54));
    expect_err_at(&input, "towns[0].villages[0].last_year_rank");
    set(&mut input, "/towns/0/villages/0/last_year_rank", json!(53));
    eval_value(&input).expect("rank 53 of 53 is valid");
    // The contract requires a number: no rank (null) is refused, not
    // read as unranked (only the yearly cycle passes "not ranked").
    set(
        &mut input,
        "/towns/0/villages/0/last_year_rank",
        json!(null),
    );
    expect_err_at(&input, "towns[0].villages[0].last_year_rank");
    remove(&mut input, "/towns/0/villages/0/last_year_rank");
    expect_err_at(&input, "towns[0].villages[0].last_year_rank");

    // village_count absent: the one listed village; rank 2 is out of range.
    let mut input = doc();
    remove(&mut input, "/towns/0/village_count");
    set(&mut input, "/towns/0/villages/0/last_year_rank", json!(2));
    expect_err_at(&input, "towns[0].villages[0].last_year_rank");
}

#[test]
fn money_with_more_than_two_decimals() {
    for (pointer, path, bad) in [
        (
            "/towns/0/reference_salary",
            "towns[0].reference_salary",
            4200.125,
        ),
        (
            "/towns/0/villages/0/young_cadres/0/current_pay",
            "towns[0].villages[0].young_cadres[0].current_pay",
            3000.001,
        ),
        (
            "/towns/0/villages/0/collective_income_wan",
            "towns[0].villages[0].collective_income_wan",
            30.005,
        ),
    ] {
        let mut input = doc();
        set(&mut input, pointer, json!(bad));
        let e = expect_err(&input);
        assert_eq!(e.path, path, "{bad} at {pointer}: {}", e.message);
    }
    // Two decimals are fine.
    let mut input = doc();
    set(&mut input, "/towns/0/reference_salary", json!(4200.12));
    set(
        &mut input,
        "/towns/0/villages/0/young_cadres/0/current_pay",
        json!(3000.01),
    );
    set(
        &mut input,
        "/towns/0/villages/0/collective_income_wan",
        json!(30.99),
    );
    eval_value(&input).expect("two decimals are allowed");
}

#[test]
fn other_values_of_the_wrong_kind() {
    for (pointer, path, bad) in [
        (
            "/towns/0/villages/0/secretary/education",
            "towns[0].villages[0].secretary.education",
            json!("phd"),
        ),
        (
            "/towns/0/secondments/0/level",
            "towns[0].secondments[0].level",
            json!("province"),
        ),
        (
            "/towns/0/villages/0/secretary/training/0/days",
            "towns[0].villages[0].secretary.training[0].days",
            json!(0.3),
        ),
        (
            "/towns/0/villages/0/young_cadres/0/current_pay",
            "towns[0].villages[0].young_cadres[0].current_pay",
            json!(-1),
        ),
        (
            "/towns/0/villages/0/young_cadres/0/score",
            "towns[0].villages[0].young_cadres[0].score",
            json!("88.5"),
        ),
        (
            "/towns/0/villages/0/secretary/full_time_degree",
            "towns[0].villages[0].secretary.full_time_degree",
            json!("yes"),
        ),
        (
            "/towns/0/village_count",
            "towns[0].village_count",
            json!(-3),
        ),
        ("/as_of", "as_of", json!(20250101)),
    ] {
        let mut input = doc();
        set(&mut input, pointer, bad.clone());
        let e = expect_err(&input);
        assert_eq!(e.path, path, "{bad} at {pointer}: {}", e.message);
    }
}

// ───────────────────────────── policy overrides ───────────────────────────

#[test]
fn unknown_policy_parameter() {
    let mut input = doc();
    set(
        &mut input,
        "/policy",
        json!({ "inclusion.no_such_parameter": 1 }),
    );
    let e = expect_err(&input);
    assert!(
        e.path.starts_with("policy") && e.path.contains("inclusion.no_such_parameter"),
        "path names the parameter: {e}"
    );
}

#[test]
fn policy_override_of_the_wrong_type() {
    for (name, bad) in [
        ("inclusion.collective_income_min_wan", json!("ten")),
        ("inclusion.collective_income_min_wan", json!(true)),
        ("inclusion.collective_income_min_wan", json!(-1)),
        ("inclusion.collective_income_min_wan", json!([10])),
        ("inclusion.tenure_years", json!(2.5)),
        ("young.keep_higher_pay", json!(1)),
        ("inclusion.quota_rounding", json!("sideways")),
    ] {
        let mut input = doc();
        set(&mut input, "/policy", json!({ name: bad }));
        let e = expect_err(&input);
        assert!(
            e.path.starts_with("policy") && e.path.contains(name),
            "{name} = {bad}: path names the parameter: {e}"
        );
    }
    let mut input = doc();
    set(&mut input, "/policy", json!("not an object"));
    let e = expect_err(&input);
    assert!(e.path.starts_with("policy"), "{e}");
}

#[test]
fn policy_overrides_change_results_and_do_not_leak() {
    let mut input = doc();
    set(
        &mut input,
        "/policy",
        json!({ "inclusion.collective_income_min_wan": 30.01 }),
    );
    let out = eval_value(&input).expect("valid");
    assert_eq!(out["towns"][0]["included"], json!([]));
    assert_eq!(
        out["towns"][0]["secretaries"][0]["checks"][3]["passed"],
        json!(false)
    );
    // The same policy value is not kept for the next call.
    let out = eval_value(&doc()).expect("valid");
    assert_eq!(out["towns"][0]["included"], json!(["s1"]));
    // Without the policy key at all: the shipped value 10.
    let mut input = doc();
    remove(&mut input, "/policy");
    let out = eval_value(&input).expect("valid");
    assert_eq!(out["towns"][0]["included"], json!(["s1"]));
}

// ───────────────────────────── not JSON at all ────────────────────────────

#[test]
fn invalid_json() {
    for bad in [
        &b""[..],
        b"{",
        br#"{"as_of": "2025-01-01", "towns": [}"#,
        br#"{"as_of": "2025-01-01", "towns": [],}"#,
        b"[]",
        b"null",
        b"\xff\xfe",
    ] {
        let r = evaluate(bad, &Policy::example());
        assert!(
            r.is_err(),
            "{:?} must be rejected",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn trailing_garbage() {
    for tail in [
        "x",
        "}",
        "{}",
        " {\"as_of\": \"2025-01-01\", \"towns\": []}",
        "\n,",
    ] {
        let input = format!("{DOC_INPUT}{tail}");
        let r = evaluate(input.as_bytes(), &Policy::example());
        assert!(r.is_err(), "trailing {tail:?} must be rejected");
    }
}

// ──────────────────── exact decimals, not binary floats ────────────────────

/// The document's input with one number replaced by the exact text `text`.
fn doc_with_number(field: &str, old: &str, text: &str) -> String {
    let from = format!("\"{field}\": {old}");
    assert!(DOC_INPUT.contains(&from), "{from} not in the example");
    DOC_INPUT.replacen(&from, &format!("\"{field}\": {text}"), 1)
}

#[test]
fn money_with_many_decimals_is_not_rounded_into_range() {
    // 19 decimals: more than 2, whatever a binary float would make of it.
    for (field, old, text, path) in [
        (
            "collective_income_wan",
            "30",
            "9.9999999999999999999",
            "towns[0].villages[0].collective_income_wan",
        ),
        (
            "reference_salary",
            "4200",
            "4200.0000000000000001",
            "towns[0].reference_salary",
        ),
    ] {
        let input = doc_with_number(field, old, text);
        match evaluate(input.as_bytes(), &Policy::example()) {
            Err(e) => assert_eq!(e.path, path, "{text}: {e}"),
            Ok(out) => panic!(
                "{field} = {text} has more than 2 decimals but was accepted: {}",
                String::from_utf8_lossy(&out)
            ),
        }
    }
}

#[test]
fn scores_are_compared_exactly() {
    // Two young cadres, cap 1 (village_count 4): 88.50000000000000001 is
    // higher than 88.5 although both read as the same binary float; the
    // tie-break by id would pick "a" instead.
    let input = r#"{"as_of": "2025-01-01", "towns": [{"code": "T1", "name": "甲镇", "village_count": 4,
      "villages": [{"code": "V01", "name": "一村", "stars": 5, "collective_income_wan": 20, "last_year_rank": 1,
        "young_cadres": [
          {"id": "a", "birth_date": "1995-07-01", "education": "college", "full_time_degree": true, "current_pay": 0, "score": 88.5},
          {"id": "b", "birth_date": "1995-07-01", "education": "college", "full_time_degree": true, "current_pay": 0, "score": 88.50000000000000001}
        ]}]}]}"#;
    let out: Value =
        serde_json::from_slice(&evaluate(input.as_bytes(), &Policy::example()).expect("valid"))
            .expect("JSON");
    assert_eq!(out["towns"][0]["young_cadres_selected"], json!(["b"]));
}

#[test]
fn factor_just_below_the_range_is_an_error() {
    let input = doc_with_number("young_cadre_factor", "0.8", "0.59999999999999999999");
    match evaluate(input.as_bytes(), &Policy::example()) {
        Err(e) => assert_eq!(e.path, "towns[0].young_cadre_factor", "{e}"),
        Ok(_) => panic!("factor 0.59999999999999999999 < 0.6 was accepted"),
    }
}

// ───────────────── found in review: never a panic, never a rounding ─────────────────

#[test]
fn a_document_cut_inside_a_string_escape_is_an_error_not_a_panic() {
    for text in [
        r#"{"as_of":"\"#,
        r#"{"towns":[{"code":"\"#,
        r#"{"as_of":"2025-01-01","towns":["\"#,
    ] {
        let e = evaluate(text.as_bytes(), &Policy::example()).expect_err(text);
        assert!(e.message.contains("JSON"), "{text}: {e}");
    }
}

#[test]
fn absurd_magnitudes_are_refused_with_their_path() {
    for (field, old, text, path) in [
        (
            "days",
            "3",
            "40000000000000000000000000000",
            "towns[0].villages[0].secretary.training[0].days",
        ),
        (
            "days",
            "3",
            "367",
            "towns[0].villages[0].secretary.training[0].days",
        ),
        (
            "reference_salary",
            "4200",
            "79228162514264337593543950335",
            "towns[0].reference_salary",
        ),
        (
            "current_pay",
            "3000",
            "1000000000000.01",
            "towns[0].villages[0].young_cadres[0].current_pay",
        ),
    ] {
        let input = doc_with_number(field, old, text);
        match evaluate(input.as_bytes(), &Policy::example()) {
            Err(e) => assert_eq!(e.path, path, "{text}: {e}"),
            Ok(_) => panic!("{field} = {text} was accepted"),
        }
    }
    // A year's training (366 days) is still a training.
    let input = doc_with_number("days", "3", "366");
    evaluate(input.as_bytes(), &Policy::example()).expect("366 days is accepted");
}

#[test]
fn numbers_beyond_exact_decimal_precision_are_refused_not_rounded() {
    // 30 and 29 significant digits: a Decimal would round them to 10, 1 and 0.6.
    for (field, old, text, path) in [
        (
            "collective_income_wan",
            "30",
            "9.999999999999999999999999999999",
            "towns[0].villages[0].collective_income_wan",
        ),
        (
            "young_cadre_factor",
            "0.8",
            "1.00000000000000000000000000001",
            "towns[0].young_cadre_factor",
        ),
        (
            "young_cadre_factor",
            "0.8",
            "0.59999999999999999999999999999",
            "towns[0].young_cadre_factor",
        ),
    ] {
        let input = doc_with_number(field, old, text);
        match evaluate(input.as_bytes(), &Policy::example()) {
            Err(e) => assert_eq!(e.path, path, "{text}: {e}"),
            Ok(_) => panic!("{field} = {text} was accepted"),
        }
    }
}

#[test]
fn whole_numbers_may_be_written_as_decimals_but_not_as_fractions() {
    let mut input = doc();
    set(&mut input, &format!("{V0}/stars"), json!(5.0));
    set(&mut input, "/towns/0/village_count", json!(53.0));
    let out = eval_value(&input).expect("5.0 stars are five stars");
    assert_eq!(out["towns"][0]["inclusion_quota"], json!(27));
    let text = doc_with_number("stars", "5", "5e0");
    evaluate(text.as_bytes(), &Policy::example()).expect("5e0 stars are five stars");
    set(&mut input, &format!("{V0}/stars"), json!(4.5));
    expect_err_at(&input, "towns[0].villages[0].stars");
    let mut input = doc();
    set(&mut input, &format!("{V0}/last_year_rank"), json!(-1));
    expect_err_at(&input, "towns[0].villages[0].last_year_rank");
}

#[test]
fn periods_that_would_end_after_the_calendar_are_not_complete() {
    // 9999-06-01 + 3 years and 9999-12-01 + 1 month lie beyond 9999-12-31.
    let mut input = doc();
    set(&mut input, "/as_of", json!("9999-12-31"));
    set(
        &mut input,
        &format!("{S0}/tenure_start"),
        json!("9999-06-01"),
    );
    set(&mut input, &format!("{S0}/full_time_degree"), json!(false));
    set(&mut input, &format!("{S0}/birth_date"), json!("1950-01-01"));
    set(
        &mut input,
        "/towns/0/secondments/0/start",
        json!("9999-12-01"),
    );
    set(
        &mut input,
        "/towns/0/secondments/0/end",
        json!("9999-12-02"),
    );
    let out = eval_value(&input).expect("valid");
    let town = &out["towns"][0];
    assert_eq!(town["secretaries"][0]["checks"][1]["rule"], json!("tenure"));
    assert_eq!(town["secretaries"][0]["checks"][1]["passed"], json!(false));
    assert_eq!(town["secondment"]["city_done"], json!(0));
    assert_eq!(town["secondment"]["too_short"], json!(["s1"]));
}
