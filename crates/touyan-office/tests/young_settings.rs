//! A town's yearly settings of the young cadres' pay (镇街年度设置,
//! Article 10), recorded by its operator: the salary and a factor within
//! the example policy's band of 0.6 to 1.0 (both ends allowed), refused
//! outside it, for another role or another town, and on bad numbers;
//! a second record replaces the first. On SQLite and PostgreSQL.

mod common;

use common::*;
use rust_decimal::Decimal;
use touyan_office::OfficeError;
use touyan_office::young_settings::{self, SettingsAsk};
use touyan_records::model::TownYear;
use touyan_rules::Policy;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;
use touyan_workflow::Role;

fn ask(salary: &str, factor: &str) -> SettingsAsk {
    SettingsAsk {
        year: 2025,
        reference_salary: salary.into(),
        factor: factor.into(),
    }
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

async fn a_town_sets_its_young_cadres_pay(db: TestDb) {
    let store = db.open().await;
    store.apply("测试", &records()).await.unwrap();
    let policy = Policy::example();
    let op = by(Role::TownOperator, Some(T1));
    let record = |who, a: SettingsAsk| {
        let store = store.clone();
        let policy = policy.clone();
        async move { young_settings::record(&store, &who, town(), &policy, &a).await }
    };
    // Who: the reviewer and the city may not; another town's operator
    // does not find the town.
    for who in [by(Role::TownReviewer, Some(T1)), by(Role::CityAdmin, None)] {
        assert!(
            matches!(record(who, ask("4200", "0.8")).await, Err(OfficeError::Forbidden(m)) if m.contains("第十条"))
        );
    }
    assert!(matches!(
        record(by(Role::TownOperator, Some(T2)), ask("4200", "0.8")).await,
        Err(OfficeError::NotFound)
    ));
    // What: the band's ends are in, just outside them is not.
    for (factor, wanted) in [
        ("0.59", "不在 0.6–1 倍之内"),
        ("1.01", "不在 0.6–1 倍之内"),
        ("0.805", "最多两位小数"),
        ("八成", "不是系数"),
    ] {
        match record(op, ask("4200", factor)).await {
            Err(OfficeError::Invalid(m)) => assert!(m.contains(wanted), "{factor}: {m}"),
            other => panic!("{factor}: {other:?}"),
        }
    }
    for (salary, wanted) in [
        ("0", "应大于 0"),
        ("4200.555", "最多两位小数"),
        ("四千", "不是金额"),
    ] {
        match record(op, ask(salary, "0.8")).await {
            Err(OfficeError::Invalid(m)) => assert!(m.contains(wanted), "{salary}: {m}"),
            other => panic!("{salary}: {other:?}"),
        }
    }
    assert!(
        store.list::<TownYear>().await.unwrap().is_empty(),
        "nothing written on a refusal"
    );

    let row = record(op, ask("4200", "0.6")).await.unwrap();
    assert_eq!(
        (row.reference_salary, row.young_cadre_factor),
        (d("4200"), d("0.6"))
    );
    // Corrected: the row replaced, the upper end of the band.
    record(op, ask(" 4350.50 ", "1.0")).await.unwrap();
    let rows = store.list::<TownYear>().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].reference_salary, rows[0].young_cadre_factor),
        (d("4350.50"), d("1"))
    );
    let on = young_settings::on_record(&store, town(), 2025)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(young_settings::yuan(on.reference_salary), "4350.50");
    assert!(
        young_settings::on_record(&store, town(), 2026)
            .await
            .unwrap()
            .is_none()
    );
    assert!(young_settings::may(&op, town()));
    assert!(!young_settings::may(
        &by(Role::TownReviewer, Some(T1)),
        town()
    ));
    db.finish().await;
}
both_backends!(young_settings_recorded, a_town_sets_its_young_cadres_pay);
