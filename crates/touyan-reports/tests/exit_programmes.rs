//! A month's subsidies stop only for exits from professionalized
//! management (Articles 12 to 14): a young cadre who left the programme
//! of Article 10 (达到年龄上限, a ground of both) and was later listed as a
//! secretary is paid; a listed secretary's exit before the month still
//! stops the subsidy. Worked by hand on one town's filed list of 2025
//! (tier 3 each: the example policy's 900 yuan).

use rust_decimal::Decimal;
use time::macros::date;
use touyan_records::model::{
    Exit, ExitReason, ListEntry, ListStatus, Programme, Records, Town, Village, YoungCadre,
};
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_reports::payments;
use touyan_rules::Policy;

const TOWN: &str = "370783100";

fn village(n: u32) -> VillageCode {
    VillageCode::parse(&format!("{TOWN}{n}")).unwrap()
}

fn id(birth: &str, seq: &str) -> CitizenId {
    CitizenId::with_check(&format!("370783{birth}{seq}")).unwrap()
}

#[test]
fn only_an_exit_from_the_list_stops_the_subsidy() {
    // Y: a young cadre from 2019, left the programme at the age limit on
    // 2024-12-31, listed as secretary of 201 in 2025. S: secretary of
    // 202, listed, left on 2025-02-15 (其他).
    let y = id("19881231", "011");
    let s = id("19700101", "021");
    let town = TownCode::parse(TOWN).unwrap();
    let entry = |p: &CitizenId, v: u32| ListEntry {
        town,
        year: 2025,
        person: p.clone(),
        village: village(v),
        tier: 3,
        status: ListStatus::Filed,
    };
    let exit = |p: &CitizenId, on, reason, programme| Exit {
        person: p.clone(),
        on,
        reason,
        note: String::new(),
        programme,
    };
    let r = Records {
        towns: vec![Town {
            code: town,
            name: "甲镇".into(),
        }],
        villages: (201..=202)
            .map(|n| Village {
                code: village(n),
                name: format!("{n}村村委会"),
                kind: CommitteeKind::Villagers,
            })
            .collect(),
        young_cadres: vec![YoungCadre {
            person: y.clone(),
            village: village(201),
            programme_start: date!(2019 - 04 - 10),
            current_pay: Decimal::ZERO,
            score: Decimal::new(80, 0),
            filed_on: Some(date!(2019 - 04 - 10)),
        }],
        list_entries: vec![entry(&y, 201), entry(&s, 202)],
        exits: vec![
            exit(&y, date!(2024 - 12 - 31), ExitReason::Age, Programme::Young),
            exit(
                &s,
                date!(2025 - 02 - 15),
                ExitReason::Other,
                Programme::Secretary,
            ),
        ],
        ..Records::default()
    };
    let month = date!(2025 - 03 - 01);
    let p = Policy::example().resolve(month).unwrap();
    let x = payments(&r, &p, month, None).unwrap();
    let paid: Vec<(&CitizenId, Decimal)> =
        x.rows.iter().map(|r| (&r.who.person, r.amount)).collect();
    assert_eq!(paid, [(&y, Decimal::new(900, 0))]);
    assert_eq!(x.total, Decimal::new(900, 0));
    let not_paid: Vec<&CitizenId> = x.not_paid.iter().map(|n| &n.who.person).collect();
    assert_eq!(not_paid, [&s]);
    // February: S's exit is dated within the month, so February is paid.
    let feb = date!(2025 - 02 - 01);
    let x = payments(&r, &Policy::example().resolve(feb).unwrap(), feb, None).unwrap();
    assert_eq!(x.rows.len(), 2);
    assert_eq!(x.total, Decimal::new(1800, 0));
}
