//! Qualification through the office (Article 7): exams, certificates
//! only once every course is passed, degree-study applications, and what
//! the page shows. On SQLite and PostgreSQL.

mod common;

use common::*;
use time::Date;
use time::macros::date;
use touyan_office::By;
use touyan_office::OfficeError;
use touyan_office::qualifications::{self as q, TownYear};
use touyan_records::CitizenId;
use touyan_records::model::{Certificate, CourseKind, DegreeEnrolment, ExamResult, Labelled};
use touyan_rules::Policy;
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};
use touyan_workflow::Role;

async fn opened(db: &TestDb) -> Store {
    let store = db.open().await;
    store.apply("测试", &records()).await.unwrap();
    store
}

async fn year(store: &Store) -> TownYear {
    q::town_year(store, 2025, town()).await.unwrap()
}

fn invalid<T: std::fmt::Debug>(r: Result<T, OfficeError>) -> String {
    match r {
        Err(OfficeError::Invalid(m)) => m,
        other => panic!("{other:?}"),
    }
}

/// 周九's certificate, issued today.
async fn certify(
    store: &Store,
    who: By<'static>,
    ty: &TownYear,
) -> Result<Certificate, OfficeError> {
    q::certificate(
        store,
        who,
        ty,
        &zhou(),
        "鲁农干证2025001".into(),
        TODAY,
        TODAY,
    )
    .await
}

/// `person`'s application on `on`.
async fn enrol(
    store: &Store,
    who: By<'static>,
    ty: &TownYear,
    person: CitizenId,
    on: Date,
) -> Result<DegreeEnrolment, OfficeError> {
    q::enrol(store, who, ty, &person, "专科学历培训班".into(), on, TODAY).await
}

async fn exams(db: TestDb) {
    let store = opened(&db).await;
    let ty = year(&store).await;
    let op = by(Role::TownOperator, Some(T1));
    let on = date!(2025 - 05 - 10);
    let exam = |who, person, on| {
        let (store, ty) = (&store, &ty);
        async move {
            q::exam(
                store,
                who,
                ty,
                &person,
                CourseKind::PartyBuilding,
                on,
                true,
                TODAY,
            )
            .await
        }
    };
    assert!(matches!(
        exam(by(Role::TownOperator, Some(T2)), zhou(), on).await,
        Err(OfficeError::NotFound)
    ));
    assert!(matches!(
        exam(by(Role::TownReviewer, Some(T1)), zhou(), on).await,
        Err(OfficeError::Forbidden(_))
    ));
    assert!(invalid(exam(op, stranger(), on).await).contains("本镇街在任"));
    let tomorrow = date!(2025 - 06 - 03);
    assert_eq!(
        invalid(exam(op, zhou(), tomorrow).await),
        "考试日期不能晚于今天（2025-06-02）"
    );
    assert!(store.list::<ExamResult>().await.unwrap().is_empty());
    let x = exam(op, zhou(), TODAY).await.unwrap();
    assert_eq!(store.list::<ExamResult>().await.unwrap(), vec![x]);
    let ty = year(&store).await;
    let again = q::exam(
        &store,
        op,
        &ty,
        &zhou(),
        CourseKind::PartyBuilding,
        TODAY,
        false,
        TODAY,
    )
    .await;
    assert!(invalid(again).contains("已经登记"));
    db.finish().await;
}

async fn certificates_once_every_course_is_passed(db: TestDb) {
    let store = opened(&db).await;
    let op = by(Role::TownOperator, Some(T1));
    let admin = by(Role::CityAdmin, None);
    let on = date!(2025 - 05 - 10);
    let certify = |who, ty| certify(&store, who, ty);
    for course in &CourseKind::ALL[..4] {
        let ty = year(&store).await;
        q::exam(&store, op, &ty, &zhou(), *course, on, true, TODAY)
            .await
            .unwrap();
    }
    let ty = year(&store).await;
    let m = invalid(certify(admin, &ty).await);
    assert!(
        m.contains("尚有必修课程未考试合格") && m.contains("第七条"),
        "{m}"
    );
    let last = CourseKind::ALL[4];
    q::exam(&store, op, &ty, &zhou(), last, on, true, TODAY)
        .await
        .unwrap();
    let ty = year(&store).await;
    let params = Policy::example().resolve(TODAY).unwrap();
    let v = ty.view(&params, TODAY);
    let zhou_line = v.cadres.iter().find(|c| *c.cadre.person == zhou()).unwrap();
    assert!(zhou_line.certifiable && !zhou_line.certified);
    assert_eq!(v.without, 3);
    assert!(matches!(
        certify(op, &ty).await,
        Err(OfficeError::Forbidden(_))
    ));
    assert!(matches!(
        certify(by(Role::CityViewer, None), &ty).await,
        Err(OfficeError::Forbidden(_))
    ));
    let late = q::certificate(
        &store,
        admin,
        &ty,
        &zhou(),
        "鲁农干证2025001".into(),
        date!(2025 - 06 - 03),
        TODAY,
    )
    .await;
    assert!(invalid(late).contains("不能晚于今天"));
    let c = certify(admin, &ty).await.unwrap();
    assert_eq!(store.list::<Certificate>().await.unwrap(), vec![c]);
    let ty = year(&store).await;
    assert!(invalid(certify(admin, &ty).await).contains("已持有农村干部资格证"));
    let v = ty.view(&params, TODAY);
    assert_eq!(v.without, 2);
    db.finish().await;
}

async fn degree_study_applications(db: TestDb) {
    let store = opened(&db).await;
    let op = by(Role::TownOperator, Some(T1));
    let enrol = |who, ty, person, on| enrol(&store, who, ty, person, on);
    let ty = year(&store).await;
    assert!(matches!(
        enrol(by(Role::TownOperator, Some(T2)), &ty, li(), TODAY).await,
        Err(OfficeError::NotFound)
    ));
    assert!(matches!(
        enrol(by(Role::TownReviewer, Some(T1)), &ty, li(), TODAY).await,
        Err(OfficeError::Forbidden(_))
    ));
    assert!(invalid(enrol(op, &ty, zhou(), TODAY).await).contains("已有大专以上学历"));
    assert!(invalid(enrol(op, &ty, li(), date!(2024 - 12 - 31)).await).contains("2025 年内"));
    assert!(invalid(enrol(op, &ty, li(), date!(2025 - 06 - 03)).await).contains("不能晚于今天"));
    enrol(op, &ty, li(), date!(2025 - 03 - 01)).await.unwrap();
    let ty = year(&store).await;
    assert!(invalid(enrol(op, &ty, li(), TODAY).await).contains("今年已报名"));
    enrol(op, &ty, zhao(), TODAY).await.unwrap();
    assert_eq!(store.list::<DegreeEnrolment>().await.unwrap().len(), 2);
    // The professionalized secretary (赵六) is enrolled first although
    // 李四 applied earlier.
    let ty = year(&store).await;
    let params = Policy::example().resolve(TODAY).unwrap();
    let v = ty.view(&params, TODAY);
    let order: Vec<(&str, bool)> = v
        .enrolment
        .iter()
        .map(|e| (e.name.unwrap_or_default(), e.professionalized))
        .collect();
    assert_eq!(order, [("赵六", true), ("李四", false)]);
    assert!(
        v.enrolment_reason.contains("第七条"),
        "{}",
        v.enrolment_reason
    );
    let degree: Vec<&str> = v.degree.iter().map(|d| d.who.as_str()).collect();
    assert_eq!(degree, ["第2村村委会 李四", "第3村村委会 赵六"]);
    assert_eq!(v.degree[0].education, Education::SeniorMiddle);
    assert_eq!(v.degree[0].applied_on, Some(date!(2025 - 03 - 01)));
    db.finish().await;
}

both_backends!(exam, exams);
both_backends!(certificate, certificates_once_every_course_is_passed);
both_backends!(enrol, degree_study_applications);
