//! Training through the office (Article 6): sessions, attendance,
//! admonitions and make-up study, who may record each, and the
//! compliance figures the page shows. On SQLite and PostgreSQL.

mod common;

use common::*;
use rust_decimal::Decimal;
use time::macros::date;
use touyan_office::OfficeError;
use touyan_office::training::{self as t, Attended, NewSession, TownYear};
use touyan_records::model::{
    Admonition, Attendance, Labelled, SessionForm, TrainingLevel, TrainingSession,
};
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};
use touyan_workflow::Role;

async fn opened(db: &TestDb) -> Store {
    let store = db.open().await;
    store.apply("测试", &records()).await.unwrap();
    store
}

async fn year(store: &Store) -> TownYear {
    t::town_year(store, 2025, town()).await.unwrap()
}

fn invalid<T: std::fmt::Debug>(r: Result<T, OfficeError>) -> String {
    match r {
        Err(OfficeError::Invalid(m)) => m,
        other => panic!("{other:?}"),
    }
}

fn new_session(code: &str, days: i64) -> NewSession {
    NewSession {
        code: code.into(),
        title: "镇街集中培训".into(),
        form: SessionForm::ALL[0],
        start: date!(2025 - 05 - 01),
        end: date!(2025 - 05 - 04),
        days: Decimal::from(days),
    }
}

async fn sessions(db: TestDb) {
    let store = opened(&db).await;
    let ty = year(&store).await;
    let op = by(Role::TownOperator, Some(T1));
    assert!(matches!(
        t::session(
            &store,
            by(Role::TownOperator, Some(T2)),
            &ty,
            new_session("A", 2)
        )
        .await,
        Err(OfficeError::NotFound)
    ));
    match t::session(
        &store,
        by(Role::TownReviewer, Some(T1)),
        &ty,
        new_session("A", 2),
    )
    .await
    {
        Err(OfficeError::Forbidden(m)) => assert_eq!(m, "镇街审核不能登记培训"),
        other => panic!("{other:?}"),
    }
    assert!(
        invalid(t::session(&store, op, &ty, new_session("A", 5)).await)
            .contains("不超过培训起止的 4 天")
    );
    assert!(invalid(t::session(&store, op, &ty, new_session("", 2)).await).contains("培训编号"));
    let last_year = NewSession {
        start: date!(2024 - 12 - 30),
        ..new_session("A", 2)
    };
    assert!(invalid(t::session(&store, op, &ty, last_year).await).contains("2025 年内开始"));
    assert!(store.list::<TrainingSession>().await.unwrap().is_empty());
    let s = t::session(&store, op, &ty, new_session("XL-1", 4))
        .await
        .unwrap();
    assert_eq!((s.level, s.town), (TrainingLevel::Town, Some(town())));
    let city = t::session(
        &store,
        by(Role::CityAdmin, None),
        &ty,
        new_session("SJ-1", 3),
    )
    .await
    .unwrap();
    assert_eq!((city.level, city.town), (TrainingLevel::City, None));
    assert_eq!(store.list::<TrainingSession>().await.unwrap().len(), 2);
    let ty = year(&store).await;
    assert!(
        invalid(t::session(&store, op, &ty, new_session("XL-1", 2)).await).contains("已经使用")
    );
    // The operator records the town's attendance, not the city's.
    let views = ty.sessions(&op);
    let recordable: Vec<(&str, bool)> = views
        .iter()
        .map(|v| (v.session.code.as_str(), v.recordable))
        .collect();
    assert!(recordable.contains(&("XL-1", true)) && recordable.contains(&("SJ-1", false)));
    db.finish().await;
}

async fn attendance_and_follow_ups(db: TestDb) {
    let store = opened(&db).await;
    let op = by(Role::TownOperator, Some(T1));
    let ty = year(&store).await;
    t::session(&store, op, &ty, new_session("XL-1", 4))
        .await
        .unwrap();
    let ty = year(&store).await;
    let attended = |person, poor| Attended {
        person,
        reflection_filed_on: Some(date!(2025 - 05 - 05)),
        poor_result: poor,
    };
    assert_eq!(
        invalid(t::attendance(&store, op, &ty, "XL-1", Vec::new()).await),
        "请勾选参加培训的书记"
    );
    assert_eq!(
        invalid(t::attendance(&store, op, &ty, "NONE", vec![attended(zhou(), false)]).await),
        "请选择培训"
    );
    assert!(matches!(
        t::attendance(
            &store,
            by(Role::CityAdmin, None),
            &ty,
            "XL-1",
            vec![attended(zhou(), false)]
        )
        .await,
        Err(OfficeError::Forbidden(_))
    ));
    assert_eq!(
        invalid(t::attendance(&store, op, &ty, "XL-1", vec![attended(li(), false)]).await),
        "没有找到该书记"
    );
    t::attendance(
        &store,
        op,
        &ty,
        "XL-1",
        vec![attended(zhou(), true), attended(zhao(), false)],
    )
    .await
    .unwrap();
    assert_eq!(store.list::<Attendance>().await.unwrap().len(), 2);

    // The figures are touyan-reports', one row per listed secretary.
    let ty = year(&store).await;
    let c = ty.compliance(&Policy::example()).unwrap();
    assert_eq!(c.rows.len(), 2);
    assert!(
        c.rows
            .iter()
            .any(|r| r.who.person == zhou() && r.poor_result)
    );
    let f = ty.follow_ups();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].who, "第1村村委会 周九");
    assert!(f[0].needs_admonition && !f[0].needs_make_up);

    // The make-up study waits for the admonition.
    assert_eq!(
        invalid(t::make_up(&store, op, &ty, &zhou(), TODAY, TODAY).await),
        "请先记录约谈，再记录补学"
    );
    assert!(matches!(
        t::admonition(
            &store,
            by(Role::TownOperator, Some(T2)),
            &ty,
            &zhou(),
            TODAY,
            "谈了",
            TODAY
        )
        .await,
        Err(OfficeError::NotFound)
    ));
    assert_eq!(
        invalid(
            t::admonition(
                &store,
                op,
                &ty,
                &zhou(),
                date!(2025 - 06 - 03),
                "谈了",
                TODAY
            )
            .await
        ),
        "日期不能晚于今天"
    );
    assert_eq!(
        invalid(t::admonition(&store, op, &ty, &zhou(), TODAY, "", TODAY).await),
        "请写明约谈情况"
    );
    assert!(store.list::<Admonition>().await.unwrap().is_empty());
    let held = date!(2025 - 05 - 20);
    let m = t::admonition(&store, op, &ty, &zhou(), held, "谈了", TODAY)
        .await
        .unwrap();
    assert_eq!(m.reason, "学习效果差：谈了");
    let ty = year(&store).await;
    assert!(ty.follow_ups()[0].needs_make_up);
    assert_eq!(
        invalid(t::make_up(&store, op, &ty, &zhou(), date!(2025 - 05 - 19), TODAY).await),
        "补学日期不能早于约谈日期"
    );
    // Today itself is allowed.
    t::make_up(&store, op, &ty, &zhou(), TODAY, TODAY)
        .await
        .unwrap();
    let stored = store.list::<Admonition>().await.unwrap();
    assert_eq!(
        stored
            .iter()
            .map(|m| (m.held_on, m.make_up_study_done_on))
            .collect::<Vec<_>>(),
        [(held, Some(TODAY))]
    );
    let ty = year(&store).await;
    let f = ty.follow_ups();
    assert!(!f[0].needs_admonition && !f[0].needs_make_up);
    db.finish().await;
}

both_backends!(session, sessions);
both_backends!(attendance, attendance_and_follow_ups);
