//! Whatever a policy file says, `Policy::parse` answers with a policy or
//! its problems, each with a line and a message, never a panic (issue 19,
//! item 9): the example policy (the checked-in seed, policy/example-2024.toml)
//! cut short anywhere, with lines dropped or repeated, with values replaced
//! by odd ones and with bytes changed. A bounded run inside `cargo test`.

use proptest::prelude::*;
use touyan_rules::Policy;
use touyan_rules::policy::EXAMPLE_POLICY_TOML;

fn check(src: &str) {
    match Policy::parse(src) {
        Ok(p) => {
            // A policy that parses answers for any day.
            let _ = p.entry("pay.tier1_monthly_yuan");
        }
        Err(problems) => {
            assert!(!problems.is_empty());
            let lines = src.lines().count() as u32 + 1;
            for p in &problems {
                assert!(!p.message.is_empty(), "{p:?}");
                assert!(p.line <= lines, "line {} of {lines}: {p:?}", p.line);
            }
        }
    }
}

#[test]
fn the_seed_parses() {
    assert!(Policy::parse(EXAMPLE_POLICY_TOML).is_ok());
}

#[test]
fn every_prefix_of_the_example() {
    let src = EXAMPLE_POLICY_TOML;
    for (cut, _) in src.char_indices().step_by(13) {
        check(&src[..cut]);
    }
}

/// Odd things a value can be replaced by.
fn odd_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("-1".to_owned()),
        Just("0".to_owned()),
        Just("1e308".to_owned()),
        Just("nan".to_owned()),
        Just("9999-99-99".to_owned()),
        Just("0000-01-01".to_owned()),
        Just("\"\"".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("true".to_owned()),
        Just("18446744073709551616".to_owned()),
        "[-0-9.a-z\"\\[\\]{}=, ]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn lines_dropped_or_repeated(ops in proptest::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 1..6)) {
        let mut lines: Vec<&str> = EXAMPLE_POLICY_TOML.lines().collect();
        for (at, repeat) in ops {
            let i = at.index(lines.len());
            if repeat {
                lines.insert(i, lines[i]);
            } else {
                lines.remove(i);
            }
        }
        check(&lines.join("\n"));
    }

    #[test]
    fn values_replaced(ops in proptest::collection::vec((any::<prop::sample::Index>(), odd_value()), 1..5)) {
        let mut src = EXAMPLE_POLICY_TOML.to_owned();
        for (at, value) in ops {
            // The value after an `=` (a date, a number, a switch…).
            let equals: Vec<usize> = src.match_indices('=').map(|(i, _)| i).collect();
            let i = equals[at.index(equals.len())] + 1;
            let end = src[i..]
                .find([',', '}', '\n'])
                .map_or(src.len(), |e| i + e);
            src.replace_range(i..end, &format!(" {value}"));
        }
        check(&src);
    }

    #[test]
    fn bytes_changed(changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut b = EXAMPLE_POLICY_TOML.as_bytes().to_vec();
        for (at, byte) in changes {
            let i = at.index(b.len());
            b[i] = byte;
        }
        check(&String::from_utf8_lossy(&b));
    }
}
