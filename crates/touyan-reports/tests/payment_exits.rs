//! Who a month's subsidy leaves out for an exit (Article 13; issue 17,
//! item 6): an exit of the list's year before the month stops the pay
//! from the month after it; an exit of an earlier year — a young cadre who
//! left the programme and is listed as a secretary this year — does not.

use time::macros::date;
use touyan_records::model::{
    Exit, ExitReason, ListEntry, ListStatus, Person, Records, Town, Village,
};
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::Policy;
use touyan_rules::people::Education;

fn cid(body: &str) -> CitizenId {
    CitizenId::with_check(body).unwrap()
}

#[test]
fn an_exit_of_an_earlier_year_does_not_stop_this_years_pay() {
    let town = TownCode::parse("370783100").unwrap();
    let v = |n: u32| VillageCode::parse(&format!("370783100{n:03}")).unwrap();
    let earlier = cid("37078319900701001");
    let this_year = cid("37078319800701002");
    let person = |id: &CitizenId| Person {
        id: id.clone(),
        name: "某".into(),
        full_time_education: Some(Education::College),
        in_service_education: None,
    };
    let entry = |id: &CitizenId, n| ListEntry {
        town,
        year: 2026,
        person: id.clone(),
        village: v(n),
        tier: 3,
        status: ListStatus::Filed,
    };
    let exit = |id: &CitizenId, on| Exit {
        person: id.clone(),
        on,
        reason: ExitReason::Other,
        note: String::new(),
    };
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
        people: vec![person(&earlier), person(&this_year)],
        list_entries: vec![entry(&earlier, 201), entry(&this_year, 202)],
        exits: vec![
            exit(&earlier, date!(2025 - 06 - 30)),
            exit(&this_year, date!(2026 - 02 - 15)),
        ],
        ..Records::default()
    };
    let p = Policy::example().resolve(date!(2026 - 01 - 01)).unwrap();
    let paid = |month| {
        let x = touyan_reports::payments(&r, &p, month, None).unwrap();
        let mut v: Vec<CitizenId> = x.rows.iter().map(|r| r.who.person.clone()).collect();
        v.sort();
        (v, x.not_paid.len())
    };
    let mut both = vec![earlier.clone(), this_year.clone()];
    both.sort();
    // February: the exit month is paid; the 2025 exit stops nothing.
    assert_eq!(paid(date!(2026 - 02 - 01)), (both, 0));
    // March: the February exit stops the pay, and the page says why.
    assert_eq!(paid(date!(2026 - 03 - 01)), (vec![earlier], 1));
}
