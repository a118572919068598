//! The shipped Shouguang division table is whole and consistent.

use std::collections::HashSet;

use touyan_records::{CommitteeKind, TownCode, TownKind, VillageCode};

fn rows(file: &str) -> Vec<Vec<String>> {
    let path = format!("{}/../../data/divisions/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("division table");
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn shouguang_has_15_towns_and_968_villagers_committees() {
    let towns = rows("370783-towns.csv");
    assert_eq!(towns.len(), 15);
    let mut codes = HashSet::new();
    for t in &towns {
        let code = TownCode::parse(&t[0]).expect("town code");
        assert_eq!(code.county(), "370783");
        assert!(code.kind().is_some(), "{}", t[0]);
        codes.insert(t[0].clone());
    }
    // 5 streets, 9 towns and one zone.
    let kinds: Vec<TownKind> = towns
        .iter()
        .filter_map(|t| TownCode::parse(&t[0]).ok()?.kind())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == TownKind::Street).count(), 5);
    assert_eq!(kinds.iter().filter(|k| **k == TownKind::Town).count(), 9);
    assert_eq!(kinds.iter().filter(|k| **k == TownKind::Zone).count(), 1);

    let villages = rows("370783-villages.csv");
    assert_eq!(villages.len(), 1013);
    let mut seen = HashSet::new();
    let mut villagers = 0;
    for v in &villages {
        assert_eq!(v.len(), 3, "{v:?}");
        let code = VillageCode::parse(&v[0]).expect("village code");
        assert_eq!(code.town().as_str(), v[2], "{v:?}");
        assert!(codes.contains(&v[2]), "unknown town {v:?}");
        assert!(seen.insert(v[0].clone()), "duplicate {v:?}");
        match CommitteeKind::classify(&v[1]) {
            CommitteeKind::Villagers => villagers += 1,
            CommitteeKind::Residents => {}
            other => panic!("{v:?} classified as {other:?}"),
        }
    }
    assert_eq!(villagers, 968);
}
