//! What the office's tests share: a town with three villages, its
//! people, posts and list of 2025, and who acts.

#![allow(dead_code)]

use time::Date;
use time::macros::date;
use touyan_office::By;
use touyan_records::model::{ListEntry, ListStatus, Person, Post, PostRole, Town, Village};
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::Batch;
use touyan_workflow::{Actor, Role};

/// The town of the records, and another.
pub const T1: &str = "370783100";
pub const T2: &str = "370783101";

/// The tests' today.
pub const TODAY: Date = date!(2025 - 06 - 02);

/// A valid ID number from its first 17 digits (the check digit computed).
pub fn cid(first17: &str) -> CitizenId {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    CitizenId::parse(&format!("{first17}{check}")).expect("valid id")
}

pub fn town() -> TownCode {
    TownCode::parse(T1).expect("town")
}

/// 第k村 of T1.
pub fn village(k: u32) -> VillageCode {
    VillageCode::parse(&format!("3707831002{k:02}")).expect("village")
}

/// 周九: born 1960 (past the example policy's age limit), secretary of
/// 第1村 since 2015, on the filed list of 2025; a bachelor.
pub fn zhou() -> CitizenId {
    cid("37078319600101007")
}

/// 李四: born 1985, committee member of 第2村, senior middle school, not
/// listed.
pub fn li() -> CitizenId {
    cid("37078319850101003")
}

/// 赵六: born 1980, secretary of 第3村, senior middle school, on the
/// filed list of 2025.
pub fn zhao() -> CitizenId {
    cid("37078319800101005")
}

/// Someone of record nowhere in the town.
pub fn stranger() -> CitizenId {
    cid("37078319900101001")
}

/// The town's records.
pub fn records() -> Batch {
    let person = |id: CitizenId, name: &str, education| Person {
        id,
        name: name.into(),
        full_time_education: Some(education),
        in_service_education: None,
    };
    let post = |id: CitizenId, k: u32, role| Post {
        person: id,
        village: village(k),
        role,
        start: date!(2015 - 01 - 01),
        end: None,
    };
    let entry = |id: CitizenId, k: u32| ListEntry {
        town: town(),
        year: 2025,
        person: id,
        village: village(k),
        tier: 3,
        status: ListStatus::Filed,
    };
    Batch {
        towns: vec![
            Town {
                code: town(),
                name: "洛城街道".into(),
            },
            Town {
                code: TownCode::parse(T2).expect("town"),
                name: "圣城街道".into(),
            },
        ],
        villages: (1..=3)
            .map(|k| Village {
                code: village(k),
                name: format!("第{k}村村委会"),
                kind: CommitteeKind::Villagers,
            })
            .collect(),
        people: vec![
            person(zhou(), "周九", Education::Bachelor),
            person(li(), "李四", Education::SeniorMiddle),
            person(zhao(), "赵六", Education::SeniorMiddle),
        ],
        posts: vec![
            post(zhou(), 1, PostRole::Secretary),
            post(li(), 2, PostRole::CommitteeMember),
            post(zhao(), 3, PostRole::Secretary),
        ],
        list_entries: vec![entry(zhou(), 1), entry(zhao(), 3)],
        ..Batch::default()
    }
}

/// `role` of `town` (`None`: a city role).
pub fn by(role: Role, town: Option<&'static str>) -> By<'static> {
    By {
        actor: Actor { role, town },
        name: "测试",
        origin: Some("127.0.0.1"),
    }
}
