//! The parallel pipeline of `run_input` (used for cases of a megabyte or
//! more) must give byte for byte what one thread gives, and the same error
//! for bad input, whatever the order of the top-level fields.

use touyan_evaluate::{RunError, run_input};
use touyan_rules::Policy;

/// A town of 40 villages with secretaries and young cadres, varied by `t`.
fn town(t: usize) -> String {
    let villages: Vec<String> = (1..=40)
        .map(|v| {
            format!(
                r#"{{"code": "T{t:05}V{v:02}", "name": "村{v}", "stars": {stars}, "collective_income_wan": {income},
                 "last_year_rank": {v}, "secretary_reserves": {res},
                 "secretary": {{"id": "s{t}-{v}", "birth_date": "19{yy}-0{m}-1{d}", "education": "{edu}",
                   "full_time_degree": {ft}, "tenure_start": "20{ty}-0{m}-2{d}", "three_good_three_strong": {good},
                   "training": [{{"level": "city", "days": {cd}}}, {{"level": "town", "days": 4}}, {{"level": "town", "days": 3.5}}],
                   "evaluation": {{"party_members": {{"competent": {c}, "basically_competent": 3, "not_competent": {n}}},
                                  "public_reps": {{"competent": 10, "basically_competent": 1, "not_competent": 1}}}}}},
                 "young_cadres": [{{"id": "y{t}-{v}", "birth_date": "199{yd}-03-0{d}", "education": "bachelor",
                   "full_time_degree": true, "current_pay": {pay}, "score": {score}}}]}}"#,
                stars = 2 + (t + v) % 4,
                income = ["3", "8.5", "10", "12.25", "30"][(t * 7 + v) % 5],
                res = (t + v) % 3,
                yy = 60 + (t + v) % 35,
                m = 1 + v % 9,
                d = 1 + v % 8,
                edu = ["senior_middle", "college", "bachelor"][(t + v) % 3],
                ft = (t + v).is_multiple_of(2),
                ty = 10 + (t * 3 + v) % 15,
                good = !(t + v).is_multiple_of(10),
                cd = [0.5, 3.0, 2.0][(t + v) % 3],
                c = 20 + (t * v) % 30,
                n = (t + v) % 9,
                yd = (t + v) % 10,
                pay = [0.0, 2500.0, 4000.5][(t + v) % 3],
                score = 60 + (t * v) % 37,
            )
        })
        .collect();
    format!(
        r#"{{"code": "T{t:05}", "name": "镇{t}", "reference_salary": 4321.15, "young_cadre_factor": 0.65,
           "secondments": [{{"id": "s{t}-1", "level": "city", "start": "2024-01-31", "end": "2024-02-29"}}],
           "villages": [{}]}}"#,
        villages.join(",")
    )
}

fn towns(n: usize) -> String {
    (0..n).map(town).collect::<Vec<_>>().join(",")
}

fn run(input: &str, threads: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match run_input(input.as_bytes(), &Policy::example(), threads, &mut out) {
        Ok(()) => Ok(out),
        Err(RunError::Case(e)) => Err(e.to_string()),
        Err(RunError::Io(e)) => panic!("{e}"),
    }
}

fn big(head_first: bool, policy: &str) -> String {
    let towns = towns(120);
    if head_first {
        format!(r#"{{"as_of": "2025-01-01", {policy} "towns": [{towns}]}}"#)
    } else {
        format!(r#"{{"towns": [{towns}], {policy} "as_of": "2025-01-01"}}"#)
    }
}

#[test]
fn the_input_is_big_enough_to_take_the_parallel_path() {
    assert!(big(true, "").len() > 1 << 20, "{}", big(true, "").len());
}

#[test]
fn parallel_output_is_byte_for_byte_the_sequential_output() {
    for input in [
        big(true, ""),
        big(false, ""),
        big(
            true,
            r#""policy": {"inclusion.collective_income_min_wan": 12},"#,
        ),
    ] {
        let one = run(&input, 1).expect("valid");
        for threads in [2, 3, 8] {
            assert!(
                run(&input, threads).expect("valid") == one,
                "threads {threads}"
            );
        }
    }
}

#[test]
fn a_policy_after_the_towns_is_honoured() {
    // Workers start before the scanner has seen `policy`; their work must
    // be thrown away and the case decided with the override.
    let towns = towns(120);
    let late = format!(
        r#"{{"as_of": "2025-01-01", "towns": [{towns}], "policy": {{"inclusion.collective_income_min_wan": 50}}}}"#
    );
    let early = format!(
        r#"{{"as_of": "2025-01-01", "policy": {{"inclusion.collective_income_min_wan": 50}}, "towns": [{towns}]}}"#
    );
    let plain = format!(r#"{{"as_of": "2025-01-01", "towns": [{towns}]}}"#);
    let late_out = run(&late, 2).expect("valid");
    assert!(late_out == run(&early, 1).expect("valid"));
    assert!(
        late_out != run(&plain, 2).expect("valid"),
        "the override must change the result"
    );
}

#[test]
fn the_first_bad_town_in_input_order_is_reported() {
    let mut input = big(true, "");
    // Break towns 37 and 90; town 37 comes first.
    input = input.replacen(
        r#""code": "T00037V05", "name": "村5", "stars": "#,
        r#""code": "T00037V05", "name": "村5", "stars": 9, "x": "#,
        1,
    );
    input = input.replacen(
        r#""id": "s90-1", "level": "city""#,
        r#""id": "nobody", "level": "city""#,
        1,
    );
    let seq = run(&input, 1).expect_err("bad input");
    assert!(seq.starts_with("towns[37].villages[4]"), "{seq}");
    for threads in [2, 4] {
        assert_eq!(run(&input, threads).expect_err("bad input"), seq);
    }
}

#[test]
fn a_syntax_error_after_the_towns_wins_over_town_errors() {
    // The document is read to its end before anything is decided, as on
    // one thread: a broken end is reported even though town 3 is bad too.
    let input = big(true, "").replacen(r#""stars": 2"#, r#""stars": 6"#, 1) + " garbage";
    let seq = run(&input, 1).expect_err("bad input");
    assert!(seq.contains("trailing characters"), "{seq}");
    assert_eq!(run(&input, 2).expect_err("bad input"), seq);
}

#[test]
fn duplicate_people_across_towns_are_found_in_parallel_too() {
    let input = big(true, "").replacen(r#""id": "y100-7""#, r#""id": "s3-2""#, 1);
    let seq = run(&input, 1).expect_err("duplicate id");
    assert!(
        seq.starts_with("towns[100].villages[6].young_cadres[0].id"),
        "{seq}"
    );
    assert!(seq.contains("towns[3].villages[1].secretary.id"), "{seq}");
    assert_eq!(run(&input, 2).expect_err("duplicate id"), seq);
}
