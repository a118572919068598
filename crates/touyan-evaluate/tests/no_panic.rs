//! Whatever bytes arrive, `evaluate` answers with a result or a `CaseError`
//! naming a path, never a panic: the example case cut short anywhere, with
//! bytes changed anywhere, and numbers replaced by odd texts.

use proptest::prelude::*;
use touyan_rules::Policy;

const CASE: &str = include_str!("../../../examples/case-example.json");

fn check(bytes: &[u8]) {
    let policy = Policy::example();
    match touyan_evaluate::evaluate(bytes, &policy) {
        Ok(out) => assert!(
            serde_json::from_slice::<serde_json::Value>(&out).is_ok(),
            "output is JSON"
        ),
        Err(e) => assert!(!e.path.is_empty() && !e.message.is_empty(), "{e:?}"),
    }
    // The report too.
    if let Ok(p) = touyan_evaluate::prepare(bytes, &policy) {
        let _ =
            touyan_evaluate::with_results(&p, |towns| touyan_evaluate::explain::report(&p, towns));
    }
}

#[test]
fn every_prefix_of_the_example() {
    let b = CASE.as_bytes();
    for cut in (0..b.len()).step_by(7) {
        check(&b[..cut]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn bytes_changed_anywhere(changes in proptest::collection::vec((0usize..4000, any::<u8>()), 1..6)) {
        let mut b = CASE.as_bytes().to_vec();
        for (at, byte) in changes {
            let i = at % b.len();
            b[i] = byte;
        }
        check(&b);
    }

    #[test]
    fn numbers_replaced_by_odd_texts(
        which in 0usize..40,
        text in prop_oneof![
            Just("1e400".to_string()), Just("-0".to_string()), Just("1e-400".to_string()),
            Just("99999999999999999999999999999".to_string()), Just("4294967296".to_string()),
            Just("0.5".to_string()), Just("-1".to_string()), Just("1E2".to_string()),
            "[0-9]{1,30}(\\.[0-9]{1,30})?",
        ],
    ) {
        // Replace the which-th number of the document.
        let mut out = String::new();
        let mut n = 0;
        let mut chars = CASE.char_indices().peekable();
        let bytes = CASE.as_bytes();
        let mut in_string = false;
        while let Some((i, c)) = chars.next() {
            if c == '"' && (i == 0 || bytes[i - 1] != b'\\') {
                in_string = !in_string;
            }
            if !in_string && (c.is_ascii_digit() || c == '-') {
                let mut end = i + 1;
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_ascii_digit() || d == '.' || d == 'e' || d == 'E' || d == '-' || d == '+' {
                        end = j + 1;
                        chars.next();
                    } else {
                        break;
                    }
                }
                if n == which { out.push_str(&text) } else { out.push_str(&CASE[i..end]) }
                n += 1;
            } else {
                out.push(c);
            }
        }
        check(out.as_bytes());
    }
}
