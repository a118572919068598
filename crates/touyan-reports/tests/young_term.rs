//! Who is paid as a young cadre in a month (Article 10): the term's end
//! (the age limit, an approved extension, an exit) and each town's cap,
//! worked by hand on one town of ten administrative villages (a cap of
//! 3) and five cadres, none with a person record (so no degree subsidy:
//! 4000 × 0.8 = 3200 yuan a month each).

use rust_decimal::Decimal;
use time::Date;
use time::macros::date;
use touyan_records::model::{
    Exit, ExitReason, ListEntry, ListStatus, Programme, Records, Town, Village, YoungCadre,
    YoungCandidate, YoungState,
};
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_reports::{young, young_month, young_on_programme, young_places};
use touyan_rules::{Params, Policy};

const TOWN: &str = "370783100";

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn id(birth: &str, seq: &str) -> CitizenId {
    CitizenId::with_check(&format!("370783{birth}{seq}")).unwrap()
}

fn village(n: u32) -> VillageCode {
    VillageCode::parse(&format!("{TOWN}{n}")).unwrap()
}

/// A: 36 on 2026-03-15. B: 36 on 2026-03-01. C: 36 on 2026-03-15,
/// extended to 2028-04-10. D: young, joined later. E: young, joined
/// last, resigned on 2026-03-10.
struct Five {
    a: CitizenId,
    b: CitizenId,
    c: CitizenId,
    dd: CitizenId,
    e: CitizenId,
}

fn five() -> Five {
    Five {
        a: id("19900315", "011"),
        b: id("19900301", "021"),
        c: id("19900315", "031"),
        dd: id("19950601", "041"),
        e: id("19950701", "051"),
    }
}

fn records(c_state: YoungState) -> Records {
    let f = five();
    let cadre = |p: &CitizenId, v: u32, start: Date| YoungCadre {
        person: p.clone(),
        village: village(v),
        programme_start: start,
        current_pay: Decimal::ZERO,
        score: d("80"),
        filed_on: Some(start),
    };
    Records {
        towns: vec![Town {
            code: TownCode::parse(TOWN).unwrap(),
            name: "甲镇".into(),
        }],
        villages: (201..=210)
            .map(|n| Village {
                code: village(n),
                name: format!("{n}村村委会"),
                kind: CommitteeKind::Villagers,
            })
            .collect(),
        young_cadres: vec![
            cadre(&f.a, 201, date!(2023 - 04 - 10)),
            cadre(&f.b, 202, date!(2023 - 04 - 10)),
            cadre(&f.c, 203, date!(2023 - 04 - 10)),
            cadre(&f.dd, 204, date!(2023 - 05 - 01)),
            cadre(&f.e, 205, date!(2024 - 01 - 01)),
        ],
        young_candidates: vec![YoungCandidate {
            person: f.c.clone(),
            year: 2023,
            town: TownCode::parse(TOWN).unwrap(),
            village: village(203),
            score: d("80"),
            current_pay: Decimal::ZERO,
            note: String::new(),
            state: c_state,
            comment: "考察通过".into(),
            extended_to: Some(date!(2028 - 04 - 10)),
        }],
        exits: vec![Exit {
            person: f.e.clone(),
            on: date!(2026 - 03 - 10),
            reason: ExitReason::Resigned,
            note: String::new(),
            programme: Programme::Young,
        }],
        ..Records::default()
    }
}

fn params(month: Date, by_days: bool) -> Params {
    let mut p = Policy::example().resolve(month).unwrap();
    p.young_last_month_by_days.value = by_days;
    p
}

/// Who is paid in `month`, and how much.
fn paid(r: &Records, month: Date, by_days: bool) -> Vec<(CitizenId, Decimal)> {
    let p = params(month, by_days);
    match young(r, &p, month, Some(d("4000")), Some(d("0.8")), None) {
        Ok(y) => y
            .rows
            .iter()
            .map(|x| (x.who.person.clone(), x.total))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn the_cap_pays_the_three_longest_on_the_programme() {
    let f = five();
    let r = records(YoungState::Extended);
    // February 2026: all five on the programme; A, B, C joined first.
    let feb = date!(2026 - 02 - 01);
    let full = d("3200");
    assert_eq!(
        paid(&r, feb, false),
        [
            (f.a.clone(), full),
            (f.b.clone(), full),
            (f.c.clone(), full)
        ]
    );
    let on = young_on_programme(&r, &params(feb, false), feb, None);
    assert_eq!(on.len(), 3);
}

#[test]
fn march_2026_b_aged_out_on_the_first_a_paid_whole_or_by_days() {
    let f = five();
    let r = records(YoungState::Extended);
    let mar = date!(2026 - 03 - 01);
    let full = d("3200");
    // B's term ended 2026-02-28: not paid. A's ends 2026-03-14: March
    // whole. D takes the third place; E (resigned on the 10th) is over
    // the cap.
    assert_eq!(
        paid(&r, mar, false),
        [
            (f.a.clone(), full),
            (f.c.clone(), full),
            (f.dd.clone(), full)
        ]
    );
    // By days: A 3200 × 14/31 = 1445.161… → 1445.16.
    assert_eq!(
        paid(&r, mar, true),
        [
            (f.a.clone(), d("1445.16")),
            (f.c.clone(), full),
            (f.dd.clone(), full)
        ]
    );
    let p = params(mar, true);
    let y = young(&r, &p, mar, Some(d("4000")), Some(d("0.8")), None).unwrap();
    assert!(
        y.rows[0].share_reason.contains("2026-03-14 期满"),
        "{}",
        y.rows[0].share_reason
    );
    assert!(y.rows[0].share_reason.contains("第十条"));
}

#[test]
fn april_2026_only_the_extended_and_the_young_are_paid() {
    let f = five();
    let apr = date!(2026 - 04 - 01);
    let full = d("3200");
    // A aged out, E resigned in March: C (extended) and D.
    let r = records(YoungState::Extended);
    assert_eq!(
        paid(&r, apr, false),
        [(f.c.clone(), full), (f.dd.clone(), full)]
    );
    // An extension only proposed does not keep C paid.
    for state in [YoungState::ExtensionProposed, YoungState::Filed] {
        let r = records(state);
        assert_eq!(paid(&r, apr, false), [(f.dd.clone(), full)], "{state:?}");
    }
}

#[test]
fn the_extension_pays_to_its_month() {
    let f = five();
    let r = records(YoungState::Extended);
    let full = d("3200");
    let apr = date!(2028 - 04 - 01);
    assert_eq!(
        paid(&r, apr, false),
        [(f.c.clone(), full), (f.dd.clone(), full)]
    );
    // Extended to 2028-04-10: 10 of 30 days, 3200 / 3 = 1066.666… → 1066.67.
    assert_eq!(
        paid(&r, apr, true),
        [(f.c.clone(), d("1066.67")), (f.dd.clone(), full)]
    );
    assert_eq!(
        paid(&r, date!(2028 - 05 - 01), true),
        [(f.dd.clone(), full)]
    );
}

#[test]
fn the_places_under_the_cap_are_those_on_the_programme_on_the_day() {
    let f = five();
    let r = records(YoungState::Extended);
    let on = |day: Date| -> Vec<CitizenId> {
        young_places(&r, &params(day, false), day, None)
            .into_iter()
            .map(|y| y.person.clone())
            .collect()
    };
    // All five the day before B's birthday.
    assert_eq!(on(date!(2026 - 02 - 28)).len(), 5);
    // B is 36 on 2026-03-01.
    assert_eq!(
        on(date!(2026 - 03 - 01)),
        [f.a.clone(), f.c.clone(), f.dd.clone(), f.e.clone()]
    );
    // E left on 2026-03-10; A is 36 on 2026-03-15.
    assert_eq!(
        on(date!(2026 - 03 - 10)),
        [f.a.clone(), f.c.clone(), f.dd.clone()]
    );
    assert_eq!(on(date!(2026 - 03 - 15)), [f.c.clone(), f.dd.clone()]);
    let r = records(YoungState::ExtensionProposed);
    assert_eq!(
        young_places(
            &r,
            &params(date!(2026 - 03 - 15), false),
            date!(2026 - 03 - 15),
            None
        )
        .len(),
        1
    );
}

/// An exit ends only the programme it leaves: a cadre who had left
/// professionalized management as a secretary (不再担任书记, before
/// joining) is still paid as a young cadre.
#[test]
fn a_secretary_exit_does_not_end_the_young_programme() {
    let f = five();
    let mut r = records(YoungState::Extended);
    r.exits = vec![Exit {
        person: f.a.clone(),
        on: date!(2025 - 06 - 30),
        reason: ExitReason::LeftOffice,
        note: String::new(),
        programme: Programme::Secretary,
    }];
    let feb = date!(2026 - 02 - 01);
    let who: Vec<CitizenId> = paid(&r, feb, false).into_iter().map(|x| x.0).collect();
    assert_eq!(who, [f.a.clone(), f.b.clone(), f.c.clone()]);
    // The same day as an exit from the programme: A is not paid, D
    // takes the place.
    r.exits[0].programme = Programme::Young;
    r.exits[0].reason = ExitReason::Resigned;
    r.exits[0].on = date!(2026 - 01 - 10);
    let who: Vec<CitizenId> = paid(&r, feb, false).into_iter().map(|x| x.0).collect();
    assert_eq!(who, [f.b.clone(), f.c.clone(), f.dd.clone()]);
}

/// A young cadre on the town's filed secretary list is paid the subsidy,
/// not the young cadre's pay (Article 10: the 优才计划 is for the "其他
/// “两委”干部"), and keeps the place under the cap: with A listed in
/// February 2026, B and C are paid and D stays over the cap of 3 (A, B
/// and C joined first). A list of another town, or one not filed, does
/// not count. A's exit from professionalized management on 2026-02-20
/// makes A a young cadre paid again from March (36 on 2026-03-15: March
/// in full).
#[test]
fn a_listed_cadre_holds_the_place_but_is_paid_as_a_secretary() {
    let f = five();
    let mut r = records(YoungState::Extended);
    let entry = |town: &str, status| ListEntry {
        town: TownCode::parse(town).unwrap(),
        year: 2026,
        person: f.a.clone(),
        village: village(201),
        tier: 2,
        status,
    };
    let feb = date!(2026 - 02 - 01);
    let full = d("3200");
    for other in [
        entry(TOWN, ListStatus::Draft),
        entry("370783101", ListStatus::Filed),
    ] {
        r.list_entries = vec![other];
        let who: Vec<CitizenId> = paid(&r, feb, false).into_iter().map(|x| x.0).collect();
        assert_eq!(who, [f.a.clone(), f.b.clone(), f.c.clone()]);
    }
    r.list_entries = vec![entry(TOWN, ListStatus::Filed)];
    assert_eq!(
        paid(&r, feb, false),
        [(f.b.clone(), full), (f.c.clone(), full)]
    );
    let m = young_month(&r, &params(feb, false), feb, None);
    let listed: Vec<&CitizenId> = m.listed.iter().map(|x| &x.cadre.person).collect();
    assert_eq!(listed, [&f.a]);
    // January 2025 has no list of its year: A paid.
    let jan25 = date!(2025 - 01 - 01);
    let who: Vec<CitizenId> = paid(&r, jan25, false).into_iter().map(|x| x.0).collect();
    assert_eq!(who, [f.a.clone(), f.b.clone(), f.c.clone()]);

    r.exits.push(Exit {
        person: f.a.clone(),
        on: date!(2026 - 02 - 20),
        reason: ExitReason::Other,
        note: "调任".into(),
        programme: Programme::Secretary,
    });
    // February is the exit's month: still a secretary (the subsidy pays it).
    assert_eq!(
        paid(&r, feb, false),
        [(f.b.clone(), full), (f.c.clone(), full)]
    );
    let mar = date!(2026 - 03 - 01);
    assert_eq!(
        paid(&r, mar, false),
        [
            (f.a.clone(), full),
            (f.c.clone(), full),
            (f.dd.clone(), full)
        ]
    );
}
