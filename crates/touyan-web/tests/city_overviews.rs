//! The city's overviews (issue 18): a city role opening 培训, 资格与学历,
//! 后备, 优才, 退出 or 模拟测算 with no town chosen sees one row per town
//! with the page's figures — hand-counted below from the records this
//! test adds to the two towns of the common seed — and a link to the
//! town's page; a town role still sees its own town only, never another
//! town's row. On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::upload::table_rows;
use common::*;
use rust_decimal::Decimal;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{TownCode, VillageCode};
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

/// 洛城街道 (T1): 张三's list of 2025 filed, a town session he attended
/// with a poor result (not admonished), an exit of his in May. 圣城街道
/// (T2): no list; 王五 holds a certificate. A city session for both.
fn records() -> Batch {
    let t1 = TownCode::parse(T1).unwrap();
    let session = |code: &str, level, town, start| TrainingSession {
        code: code.into(),
        title: format!("{code} 培训班"),
        level,
        form: SessionForm::ALL[0],
        town,
        start,
        end: start,
        days: Decimal::ONE,
    };
    Batch {
        list_entries: vec![ListEntry {
            town: t1,
            year: 2025,
            person: person_a(),
            village: VillageCode::parse(V1).unwrap(),
            tier: 3,
            status: ListStatus::Filed,
        }],
        training_sessions: vec![
            session("SJ-1", TrainingLevel::City, None, date!(2025 - 03 - 03)),
            session("LC-1", TrainingLevel::Town, Some(t1), date!(2025 - 04 - 01)),
        ],
        attendance: vec![Attendance {
            session: "LC-1".into(),
            person: person_a(),
            reflection_filed_on: None,
            poor_result: true,
        }],
        certificates: vec![Certificate {
            person: person_c(),
            number: "ZS-9".into(),
            issued_on: date!(2024 - 01 - 05),
        }],
        exits: vec![Exit {
            person: person_a(),
            on: date!(2025 - 05 - 06),
            programme: Programme::Secretary,
            reason: ExitReason::Other,
            note: "调任".into(),
        }],
        ..Batch::default()
    }
}

/// The link a row's first cell holds, and the town's name.
fn link(page: &str, query: &str, town: &str, name: &str) -> String {
    format!("<a href=\"/{page}?{query}town={town}\">{name}</a>")
}

async fn city_roles_see_every_town_and_town_roles_their_own(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &records()).await.unwrap();
    let admin = sign_in(&h, "admin").await;
    let page = |path: &'static str, who: String| {
        let h = &h;
        async move {
            let a = get(path).session(Some(&who)).send(h).await;
            assert_eq!(a.status, StatusCode::OK, "{path}");
            a.text()
        }
    };
    let rows = |html: &str| table_rows(html, "city-overview");
    let y = "year=2025&amp;";
    // Towns in code order: 圣城街道 (T2, 370783001), then 洛城街道 (T1).
    // 培训: listed, met, not met, town sessions, to admonish, to make up.
    let html = page("/training", admin.0.clone()).await;
    assert!(html.contains("本年度市级培训 1 期"), "{html}");
    assert_eq!(
        rows(&html),
        [
            vec![
                link("training", y, T2, "圣城街道"),
                "0".into(),
                "名单未备案".into(),
                "0".into(),
                "0".into(),
                "0".into(),
                "0".into()
            ],
            vec![
                link("training", y, T1, "洛城街道"),
                "1".into(),
                "0".into(),
                "<b class=\"flag\">1</b>".into(),
                "1".into(),
                "<b class=\"flag\">1</b>".into(),
                "0".into()
            ],
        ]
    );
    // 资格与学历: cadres, secretaries, certified, without, certifiable,
    // applications.
    let html = page("/qualifications", admin.0.clone()).await;
    assert_eq!(
        rows(&html),
        [
            vec![
                link("qualifications", "", T2, "圣城街道"),
                "1".into(),
                "1".into(),
                "1".into(),
                "0".into(),
                "0".into(),
                "0".into()
            ],
            vec![
                link("qualifications", "", T1, "洛城街道"),
                "1".into(),
                "1".into(),
                "0".into(),
                "<b class=\"flag\">1</b>".into(),
                "0".into(),
                "0".into()
            ],
        ]
    );
    // 后备: the filed list's villages, those short (two needed, none
    // listed), reserves lacking, other posts short, reserves, report.
    let html = page("/reserves", admin.0.clone()).await;
    let flag = |x: &str| format!("<b class=\"flag\">{x}</b>");
    assert_eq!(
        rows(&html),
        [
            vec![
                link("reserves", y, T2, "圣城街道"),
                "名单未备案".into(),
                "0".into(),
                "0".into(),
                "0".into(),
                "0".into(),
                flag("未提交")
            ],
            vec![
                link("reserves", y, T1, "洛城街道"),
                "1".into(),
                flag("1"),
                "2".into(),
                "0".into(),
                "0".into(),
                flag("未提交")
            ],
        ]
    );
    // 退出: listed, exits of the year, by reason, pending.
    let html = page("/exits", admin.0.clone()).await;
    assert_eq!(
        rows(&html),
        [
            vec![
                link("exits", y, T2, "圣城街道"),
                "无名单".into(),
                "0".into(),
                "".into(),
                "0".into()
            ],
            vec![
                link("exits", y, T1, "洛城街道"),
                "1".into(),
                "1".into(),
                "其他 1".into(),
                "0".into()
            ],
        ]
    );
    // 优才: one administrative village each, a cap of 0 (30% of 1,
    // rounded down), nobody on the programme.
    let html = page("/young", admin.0.clone()).await;
    let m = "month=2025-06&amp;";
    let zeros = |l: String| {
        let mut v = vec![l, "1".to_owned()];
        v.extend(std::iter::repeat_n("0".to_owned(), 7));
        v
    };
    assert_eq!(
        rows(&html),
        [
            zeros(link("young", m, T2, "圣城街道")),
            zeros(link("young", m, T1, "洛城街道"))
        ]
    );
    // 模拟测算: town by town; each town's villages, secretaries, and those
    // without 2024's village facts (none recorded).
    let html = page("/whatif", admin.0.clone()).await;
    assert!(html.contains("不能全市一次测算"), "{html}");
    assert_eq!(
        rows(&html),
        [
            vec![
                link("whatif", y, T2, "圣城街道"),
                "1".into(),
                "1".into(),
                flag("1")
            ],
            vec![
                link("whatif", y, T1, "洛城街道"),
                "1".into(),
                "1".into(),
                flag("1")
            ],
        ]
    );
    // The city's viewer sees the same overview.
    let viewer = sign_in(&h, "viewer").await;
    let html = page("/exits", viewer.0.clone()).await;
    assert_eq!(rows(&html).len(), 2);

    // A town role: its own town's page, no overview, no other town.
    let op = sign_in(&h, "op1").await;
    for path in [
        "/training",
        "/qualifications",
        "/reserves",
        "/young",
        "/exits",
        "/whatif",
    ] {
        let html = page(path, op.0.clone()).await;
        assert!(!html.contains("city-overview"), "{path}: {html}");
        assert!(
            !html.contains("圣城街道") && !html.contains(T2),
            "{path}: {html}"
        );
    }
    let html = page("/exits", op.0.clone()).await;
    assert!(html.contains("东村村委会 张三"), "{html}");
    // Another town asked for: missing, as before.
    let other = get(&format!("/reserves?town={T2}"))
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

both_backends!(
    overviews,
    city_roles_see_every_town_and_town_roles_their_own
);
