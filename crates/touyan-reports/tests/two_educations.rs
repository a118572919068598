//! Article 10's subsidies look at the full-time level only (issue 17,
//! items 4 and 10): a young cadre with a full-time 大专 and an in-service
//! 本科 gets the city's 500 and the town's 500 yuan a month; one whose
//! 本科 was earned in service after a full-time 高中 gets neither.
//! Amounts of the example policy (`young.city_subsidy_yuan` = 500,
//! `young.town_subsidy_yuan` = 500, `young.subsidy_min_education` =
//! college, `young.subsidy_requires_full_time` = true).

use rust_decimal::Decimal;
use time::macros::date;
use touyan_records::model::{Person, Records, Town, Village, YoungCadre};
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::Policy;
use touyan_rules::people::Education;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn cid(body: &str) -> CitizenId {
    CitizenId::with_check(body).unwrap()
}

#[test]
fn a_full_time_college_and_an_in_service_bachelor_is_subsidised() {
    let town = TownCode::parse("370783100").unwrap();
    let v = |n: u32| VillageCode::parse(&format!("370783100{n:03}")).unwrap();
    let mixed = cid("37078319950701001");
    let in_service = cid("37078319950701002");
    let person = |id: &CitizenId, name: &str, full_time, in_service| Person {
        id: id.clone(),
        name: name.into(),
        full_time_education: Some(full_time),
        in_service_education: Some(in_service),
    };
    let cadre = |id: &CitizenId, village| YoungCadre {
        person: id.clone(),
        village,
        programme_start: date!(2025 - 01 - 01),
        current_pay: d("3000"),
        score: d("80"),
        filed_on: Some(date!(2025 - 01 - 10)),
    };
    let r = Records {
        towns: vec![Town {
            code: town,
            name: "测试镇".into(),
        }],
        // Ten administrative villages: a cap of 3 young cadres (Article 10).
        villages: (201..=210)
            .map(|n| Village {
                code: v(n),
                name: format!("{n}村"),
                kind: CommitteeKind::Villagers,
            })
            .collect(),
        people: vec![
            person(&mixed, "甲", Education::College, Education::Bachelor),
            person(
                &in_service,
                "乙",
                Education::SeniorMiddle,
                Education::Bachelor,
            ),
        ],
        young_cadres: vec![cadre(&mixed, v(201)), cadre(&in_service, v(202))],
        ..Records::default()
    };
    let month = date!(2025 - 03 - 01);
    let p = Policy::example().resolve(month).unwrap();
    let x = touyan_reports::young(&r, &p, month, Some(d("4200")), Some(d("0.8")), None).unwrap();
    let got: Vec<(&str, Decimal, Decimal, Decimal, Decimal)> = x
        .rows
        .iter()
        .map(|r| {
            (
                r.who.name.as_str(),
                r.base,
                r.city_subsidy,
                r.town_subsidy,
                r.total,
            )
        })
        .collect();
    // Base 4200 × 0.8 = 3360 for both; the current 3000 is below it.
    assert_eq!(
        got,
        [
            // Full-time 大专: 3360 + 500 + 500 = 4360.
            ("甲", d("3360"), d("500"), d("500"), d("4360")),
            // Full-time 高中, in-service 本科: 3360 only.
            ("乙", d("3360"), d("0"), d("0"), d("3360")),
        ]
    );
    // Both kinds are shown as they are.
    assert_eq!(
        (
            x.rows[0].full_time_education,
            x.rows[0].in_service_education
        ),
        (Some(Education::College), Some(Education::Bachelor))
    );
}
