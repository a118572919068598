//! Qualification in the server (issue 5, item 2, Article 7): cadres
//! without a certificate, courses still to pass, degree-study order. On
//! SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

async fn certificates_courses_and_degree_order(db: TestDb) {
    let h = harness(&db, true).await;
    // A (secretary of V1, college, professionalized) has passed two
    // courses and holds no certificate.
    h.store
        .apply(
            "测试",
            &Batch {
                exam_results: vec![
                    ExamResult {
                        person: person_a(),
                        course: CourseKind::PartyBuilding,
                        taken_on: date!(2024 - 05 - 01),
                        passed: true,
                    },
                    ExamResult {
                        person: person_a(),
                        course: CourseKind::CollectiveEconomy,
                        taken_on: date!(2024 - 05 - 01),
                        passed: false,
                    },
                ],
                list_entries: vec![ListEntry {
                    town: TownCode::parse(T1).unwrap(),
                    year: 2025,
                    person: person_a(),
                    village: VillageCode::parse(V1).unwrap(),
                    tier: 3,
                    status: ListStatus::Filed,
                }],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let op = sign_in(&h, "op1").await;
    let page = get("/qualifications").session(Some(&op.0)).send(&h).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for want in [
        "未持证上岗 1 人",
        "未持农村干部资格证上岗",
        "第七条",
        "尚有必修课程未考试合格：集体经济、矛盾化解、职业技能、民生服务",
        "张三（专业化书记）",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    // With a certificate: in order.
    h.store
        .apply(
            "测试",
            &Batch {
                certificates: vec![Certificate {
                    person: person_a(),
                    number: "鲁农干证2025001".into(),
                    issued_on: date!(2025 - 03 - 01),
                }],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let html = get("/qualifications?show=missing")
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(html.contains("全部持证上岗"), "{html}");
    assert!(
        !html.contains("鲁农干证2025001"),
        "only the uncertified are listed"
    );
    let html = get("/qualifications")
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(html.contains("鲁农干证2025001（2025-03-01）"));
    let op2 = sign_in(&h, "op2").await;
    assert_eq!(
        get(&format!("/qualifications?town={T1}"))
            .session(Some(&op2.0))
            .send(&h)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    db.finish().await;
}
both_backends!(qualifications, certificates_courses_and_degree_order);

const V3: &str = "370783100203";
/// A committee member of V1, junior-middle school.
const B: &str = "37078319800202012";
/// Secretary of V3, senior-middle school, on the 2025 list.
const D: &str = "37078319820303023";

fn recording_records() -> Batch {
    let v1 = VillageCode::parse(V1).unwrap();
    let v3 = VillageCode::parse(V3).unwrap();
    let person = |id: &str, name: &str, education| Person {
        id: cid(id),
        name: name.into(),
        full_time_education: None,
        in_service_education: Some(education),
    };
    let post = |id: &str, village, role| Post {
        person: cid(id),
        village,
        role,
        start: date!(2021 - 01 - 01),
        end: None,
    };
    let entry = |person, village| ListEntry {
        town: TownCode::parse(T1).unwrap(),
        year: 2025,
        person,
        village,
        tier: 3,
        status: ListStatus::Filed,
    };
    Batch {
        villages: vec![Village {
            code: v3,
            name: "北村村委会".into(),
            kind: touyan_records::CommitteeKind::classify("北村村委会"),
        }],
        people: vec![
            person(B, "李四", Education::JuniorMiddle),
            person(D, "赵六", Education::SeniorMiddle),
        ],
        posts: vec![
            post(B, v1, PostRole::CommitteeMember),
            post(D, v3, PostRole::Secretary),
        ],
        list_entries: vec![entry(person_a(), v1), entry(cid(D), v3)],
        ..Batch::default()
    }
}

async fn qual(h: &Harness, who: &(String, String), town: &str, fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str()), ("town", town)];
    pairs.extend_from_slice(fields);
    post("/qualifications")
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

#[track_caller]
fn expect(a: &Answer, status: StatusCode, text: &str) {
    assert_eq!(a.status, status, "{}", a.text());
    assert!(a.text().contains(text), "{text} missing:\n{}", a.text());
}

async fn qualification_page(h: &Harness, who: &(String, String)) -> String {
    let a = get(&format!("/qualifications?town={T1}"))
        .session(Some(&who.0))
        .send(h)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    a.text()
}

async fn exams_certificates_and_degree_applications_are_recorded(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &recording_records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;
    let admin = sign_in(&h, "admin").await;
    let a = h.person(&person_a());
    let b = h.person(&cid(B));
    let d = h.person(&cid(D));
    let c = h.person(&person_c());

    let html = qualification_page(&h, &op).await;
    assert!(
        html.contains("未持证上岗 3 人") && html.contains("id=\"exam-form\""),
        "{html}"
    );
    assert!(html.contains("尚无报名"));

    let exam = |who: &str, course: &'static str, date: &'static str, result: &'static str| {
        vec![
            ("action", "exam".to_owned()),
            ("person", who.to_owned()),
            ("course", course.to_owned()),
            ("date", date.to_owned()),
            ("result", result.to_owned()),
        ]
    };
    async fn send(h: &Harness, who: &(String, String), v: &[(&'static str, String)]) -> Answer {
        let f: Vec<(&str, &str)> = v.iter().map(|(k, x)| (*k, x.as_str())).collect();
        qual(h, who, T1, &f).await
    }
    let first = exam(&a, "party_building", "2025-05-10", "pass");
    expect(
        &send(&h, &rev, &first).await,
        StatusCode::FORBIDDEN,
        "镇街经办",
    );
    expect(
        &send(&h, &admin, &first).await,
        StatusCode::FORBIDDEN,
        "第七条",
    );
    let f: Vec<(&str, &str)> = first.iter().map(|(k, x)| (*k, x.as_str())).collect();
    assert_eq!(qual(&h, &op2, T1, &f).await.status, StatusCode::NOT_FOUND);
    for (bad, text) in [
        (exam(&a, "farming", "2025-05-10", "pass"), "请选择必修课程"),
        (
            exam(&a, "party_building", "2025-06-03", "pass"),
            "不能晚于今天",
        ),
        (
            exam(&a, "party_building", "2025/05/32", "pass"),
            "不是有效日期",
        ),
        (
            exam(&a, "party_building", "2025-05-10", ""),
            "请选择考试结果",
        ),
        (
            exam(&c, "party_building", "2025-05-10", "pass"),
            "本镇街在任",
        ),
    ] {
        expect(
            &send(&h, &op, &bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            text,
        );
    }
    assert!(
        h.store.list::<ExamResult>().await.unwrap().is_empty(),
        "nothing written"
    );
    for course in [
        "party_building",
        "collective_economy",
        "conflict_resolution",
        "vocational_skills",
    ] {
        assert_eq!(
            send(&h, &op, &exam(&a, course, "2025-05-10", "pass"))
                .await
                .status,
            StatusCode::SEE_OTHER
        );
    }
    expect(
        &send(
            &h,
            &op,
            &exam(&a, "vocational_skills", "2025-05-10", "pass"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "已经登记",
    );
    assert_eq!(
        send(
            &h,
            &op,
            &exam(&a, "livelihood_services", "2025-05-10", "fail")
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        qualification_page(&h, &op)
            .await
            .contains("尚有必修课程未考试合格：民生服务")
    );

    // A certificate: the city administrator's, only once every course is
    // passed.
    let cert = |who: &str, number: &'static str| {
        vec![
            ("action", "certificate".to_owned()),
            ("person", who.to_owned()),
            ("number", number.to_owned()),
            ("date", "2025-06-01".to_owned()),
        ]
    };
    expect(
        &send(&h, &admin, &cert(&a, "鲁农干证2025009")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "尚有必修课程未考试合格：民生服务，考试合格后方可颁发农村干部资格证（第七条）",
    );
    assert_eq!(
        send(
            &h,
            &op,
            &exam(&a, "livelihood_services", "2025-05-20", "pass")
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let html = qualification_page(&h, &admin).await;
    assert!(
        html.contains("必修课程均已考试合格，可颁发农村干部资格证"),
        "{html}"
    );
    assert_eq!(
        html.matches("登记资格证</button>").count(),
        1,
        "only A may be certified"
    );
    expect(
        &send(&h, &op, &cert(&a, "鲁农干证2025009")).await,
        StatusCode::FORBIDDEN,
        "市级管理员",
    );
    expect(
        &send(&h, &admin, &cert(&a, "")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "请填写证书编号",
    );
    assert_eq!(
        send(&h, &admin, &cert(&a, "鲁农干证2025009")).await.status,
        StatusCode::SEE_OTHER
    );
    let html = qualification_page(&h, &op).await;
    assert!(
        html.contains("未持证上岗 2 人") && html.contains("鲁农干证2025009（2025-06-01）"),
        "{html}"
    );
    expect(
        &send(&h, &admin, &cert(&a, "鲁农干证2025010")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "已持有",
    );

    // Degree study: those below college apply; the professionalized
    // secretary (赵六) is enrolled first although 李四 applied earlier.
    let enrol = |who: &str, date: &'static str| {
        vec![
            ("action", "enrol".to_owned()),
            ("person", who.to_owned()),
            ("programme", "村干部专科学历培训班".to_owned()),
            ("date", date.to_owned()),
        ]
    };
    expect(
        &send(&h, &op, &enrol(&a, "2025-03-01")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "已有大专以上学历",
    );
    expect(
        &send(&h, &rev, &enrol(&b, "2025-03-01")).await,
        StatusCode::FORBIDDEN,
        "镇街经办",
    );
    expect(
        &send(&h, &op, &enrol(&b, "2024-12-31")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "2025 年内",
    );
    assert_eq!(
        send(&h, &op, &enrol(&b, "2025-03-01")).await.status,
        StatusCode::SEE_OTHER
    );
    expect(
        &send(&h, &op, &enrol(&b, "2025-03-02")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "今年已报名",
    );
    assert_eq!(
        send(&h, &op, &enrol(&d, "2025-04-01")).await.status,
        StatusCode::SEE_OTHER
    );
    let html = qualification_page(&h, &op).await;
    let first = html
        .find("赵六（专业化书记）：村干部专科学历培训班，2025-04-01 报名")
        .expect("赵六 enrolled");
    let second = html
        .find("李四：村干部专科学历培训班，2025-03-01 报名")
        .expect("李四 enrolled");
    assert!(
        first < second,
        "professionalized secretaries first:\n{html}"
    );
    assert!(html.contains("专科学历培训班优先招收专业化党组织书记，其余按报名先后（第七条）"));
    let log = h.store.changes(Some("degree_enrolments")).await.unwrap();
    assert_eq!((log.len(), log[0].actor.as_str()), (2, "op1"));
    db.finish().await;
}
both_backends!(
    qualifications_recorded,
    exams_certificates_and_degree_applications_are_recorded
);

/// The cadres of a town narrowed by words (a village's or a cadre's name)
/// and to those without a certificate, from the query string (issue 18,
/// item 6). Town 1's cadres: 张三 and 李四 of 东村, 赵六 of 北村; 张三
/// holds a certificate.
async fn the_cadres_are_filtered_by_words_and_certificate(db: TestDb) {
    let h = harness(&db, true).await;
    let mut records = recording_records();
    records.certificates = vec![Certificate {
        person: person_a(),
        number: "鲁农干证2025001".into(),
        issued_on: date!(2025 - 03 - 01),
    }];
    h.store.apply("测试", &records).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let cadres = |html: &str| -> Vec<&'static str> {
        let table = &html[html.find("id=\"cadres\"").unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        ["张三", "李四", "赵六"]
            .into_iter()
            .filter(|n| table.contains(&format!("<td>{n}")))
            .collect()
    };
    // Degree study (below college): 李四 (东村) and 赵六 (北村).
    let degree = |html: &str| -> Vec<&'static str> {
        let Some(at) = html.find("id=\"degree\"") else {
            return Vec::new();
        };
        let table = &html[at..];
        let table = &table[..table.find("</table>").unwrap()];
        ["张三", "李四", "赵六"]
            .into_iter()
            .filter(|n| table.contains(&format!(" {n}")))
            .collect()
    };
    let whole = qualification_page(&h, &op).await;
    assert_eq!(cadres(&whole), ["张三", "李四", "赵六"]);
    assert_eq!(degree(&whole), ["李四", "赵六"]);
    assert!(!whole.contains("id=\"filter-note\""));
    for (query, shown, studying) in [
        ("&q=%E5%8C%97%E6%9D%91", vec!["赵六"], vec!["赵六"]), // 北村
        ("&q=%E4%B8%9C%E6%9D%91", vec!["张三", "李四"], vec!["李四"]), // 东村
        (
            "&q=%E4%B8%9C%E6%9D%91&show=missing",
            vec!["李四"],
            vec!["李四"],
        ), // 东村, uncertified
        ("&show=missing", vec!["李四", "赵六"], vec!["李四", "赵六"]),
        ("&q=%E6%9D%8E", vec!["李四"], vec!["李四"]), // 李
        ("&q=%E4%B8%9C%E6%9D%91+%E8%B5%B5", vec![], vec![]), // 东村 赵
    ] {
        let html = get(&format!("/qualifications?town={T1}{query}"))
            .session(Some(&op.0))
            .send(&h)
            .await
            .text();
        assert_eq!(cadres(&html), shown, "{query}");
        assert_eq!(degree(&html), studying, "{query}");
        assert!(
            html.contains(&format!("按筛选条件显示 {} / 3 人", shown.len())),
            "{query}: {html}"
        );
        assert_eq!(
            html.contains(&format!(
                "学历教育名单也只列村名、姓名相符的人员（{} / 2 人）",
                studying.len()
            )),
            query.contains("q="),
            "{query}"
        );
        assert!(
            html.contains("未持证上岗 2 人"),
            "the town's count, not the view's"
        );
        assert!(html.contains(&format!(
            "<a href=\"/qualifications?town={T1}\" id=\"filter-clear\">显示全部</a>"
        )));
    }
    db.finish().await;
}
both_backends!(
    qualifications_filtered,
    the_cadres_are_filtered_by_words_and_certificate
);
