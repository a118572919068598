//! Article 1's relaxed tenure looks at the full-time level only (issue
//! 17, items 4 and 10). A secretary aged 45 (no age relaxation) with a
//! full-time 大专 and an in-service 本科 needs 1 year of tenure
//! (`inclusion.tenure_relaxed_years`, full-time `college` or higher); one
//! whose 本科 was earned in service after a full-time 高中 needs 3
//! (`inclusion.tenure_years`). Decided on 2025-01-01; each side of each
//! threshold.

use rust_decimal::Decimal;
use serde_json::Value;
use time::Date;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::Policy;
use touyan_rules::people::Education;

/// The tenure check of a secretary born 1980-01-01 with these levels,
/// in post since `since`: (passed, detail).
fn tenure(full_time: Education, in_service: Education, since: Date) -> (bool, String) {
    let town = TownCode::parse("370783100").unwrap();
    let v = |n: u32| VillageCode::parse(&format!("370783100{n:03}")).unwrap();
    let who = CitizenId::with_check("37078319800101001").unwrap();
    let r = Records {
        towns: vec![Town {
            code: town,
            name: "测试镇".into(),
        }],
        villages: (201..=202)
            .map(|n| Village {
                code: v(n),
                name: format!("{n}村"),
                kind: CommitteeKind::Villagers,
            })
            .collect(),
        people: vec![Person {
            id: who.clone(),
            name: "甲".into(),
            full_time_education: Some(full_time),
            in_service_education: Some(in_service),
        }],
        posts: vec![Post {
            person: who.clone(),
            village: v(201),
            role: PostRole::Secretary,
            start: since,
            end: None,
        }],
        village_years: vec![VillageYear {
            village: v(201),
            year: 2024,
            stars: 5,
            collective_income_wan: Decimal::from(30),
            assessment_score: None,
            assessment_rank: Some(1),
        }],
        three_good: vec![ThreeGood {
            person: who.clone(),
            year: 2025,
            passed: true,
            note: String::new(),
        }],
        ..Records::default()
    };
    let p = touyan_cycle::run(&r, 2025, None, &Policy::example(), 1, &|_| {}).unwrap();
    let s = &p.towns[0].secretaries[0];
    assert_eq!(s.person, who);
    let json: Value = serde_json::from_str(
        &touyan_cycle::stored::contract_json(&s.reasons, who.as_str()).unwrap(),
    )
    .unwrap();
    let check = &json["checks"][1];
    assert_eq!(check["rule"], "tenure");
    (
        check["passed"].as_bool().unwrap(),
        check["detail"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn a_full_time_college_relaxes_tenure_to_one_year() {
    use Education::{Bachelor, College};
    // Exactly one year on the decision date: complete.
    let (passed, detail) = tenure(College, Bachelor, date!(2024 - 01 - 01));
    assert!(passed, "{detail}");
    assert!(detail.contains("大专以上全日制学历放宽至 1 年"), "{detail}");
    // A day short.
    let (passed, detail) = tenure(College, Bachelor, date!(2024 - 01 - 02));
    assert!(!passed, "{detail}");
    assert!(
        detail.contains("大专以上全日制学历放宽至 1 年") && detail.contains("任职年限不足"),
        "{detail}"
    );
}

#[test]
fn an_in_service_bachelor_does_not_relax_tenure() {
    use Education::{Bachelor, SeniorMiddle};
    // One year is not enough: three are needed.
    let (passed, detail) = tenure(SeniorMiddle, Bachelor, date!(2024 - 01 - 01));
    assert!(!passed, "{detail}");
    assert!(detail.contains("须连续任职 3 年"), "{detail}");
    // Exactly three years: complete; a day short: not.
    assert!(tenure(SeniorMiddle, Bachelor, date!(2022 - 01 - 01)).0);
    assert!(!tenure(SeniorMiddle, Bachelor, date!(2022 - 01 - 02)).0);
}
