//! Secondments and reserves in the server (issue 5, item 3): quotas,
//! coverage and appointments, each with its rule's sentence. On SQLite and
//! PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

/// Listed reserve of V1, appointed its secretary in May 2025.
fn person_d() -> touyan_records::CitizenId {
    cid("37078319880808004")
}

fn records() -> Batch {
    let v1 = VillageCode::parse(V1).unwrap();
    Batch {
        people: vec![Person {
            id: person_d(),
            name: "赵六".into(),
            full_time_education: Some(Education::Bachelor),
            in_service_education: None,
        }],
        posts: vec![Post {
            person: person_d(),
            village: v1,
            role: PostRole::Secretary,
            start: date!(2025 - 05 - 01),
            end: None,
        }],
        reserves: vec![Reserve {
            person: person_d(),
            village: v1,
            post: PostRole::Secretary,
            listed_on: date!(2024 - 08 - 01),
            removed_on: None,
        }],
        list_entries: vec![ListEntry {
            town: TownCode::parse(T1).unwrap(),
            year: 2025,
            person: person_a(),
            village: v1,
            tier: 3,
            status: ListStatus::Filed,
        }],
        secondments: vec![
            Secondment {
                person: person_a(),
                level: SecondmentLevel::City,
                host_unit: "市农业农村局".into(),
                start: date!(2025 - 03 - 01),
                end: date!(2025 - 04 - 15),
                appraisal: Some("表现良好".into()),
            },
            Secondment {
                // Seconded twice: counted once (people, not secondments).
                person: person_a(),
                level: SecondmentLevel::City,
                host_unit: "市供销社".into(),
                start: date!(2025 - 06 - 01),
                end: date!(2025 - 07 - 15),
                appraisal: None,
            },
        ],
        work_logs: vec![WorkLog {
            person: person_a(),
            secondment_start: date!(2025 - 03 - 01),
            on: date!(2025 - 03 - 05),
            text: "调研合作社".into(),
        }],
        ..Batch::default()
    }
}

async fn quotas_coverage_and_appointments(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let op2 = sign_in(&h, "op2").await;
    let admin = sign_in(&h, "admin").await;
    let page = get("/reserves?year=2025")
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for want in [
        "市农业农村局",
        "市供销社",
        "到市直涉农单位挂职 1 人，应不少于 1 人",
        "1 条",
        "赵六",
        "新任书记 2024-08-01 列入后备，任职时培养不满 1 年，须说明理由",
        "第九条",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    // V1 has one reserve for secretary against a minimum of 2.
    assert!(html.contains("class=\"flag\""), "a shortfall is flagged");
    // Another town sees its own (no list in 2025): no secondment of town 1.
    let other = get("/reserves?year=2025")
        .session(Some(&op2.0))
        .send(&h)
        .await
        .text();
    assert!(!other.contains("市农业农村局"));
    // The city picks a town.
    let city = get("/reserves?year=2025")
        .session(Some(&admin.0))
        .send(&h)
        .await
        .text();
    // No town chosen: the city's overview, a row per town (tests/city_overviews.rs).
    assert!(
        city.contains("id=\"reserves-city\"") && city.contains(T1),
        "{city}"
    );
    let city = get(&format!("/reserves?year=2025&town={T1}"))
        .session(Some(&admin.0))
        .send(&h)
        .await
        .text();
    assert!(city.contains("市农业农村局"));
    db.finish().await;
}
both_backends!(reserves, quotas_coverage_and_appointments);

async fn rsv(h: &Harness, who: &(String, String), town: &str, fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str()), ("year", "2025"), ("town", town)];
    pairs.extend_from_slice(fields);
    post("/reserves")
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

async fn page(h: &Harness, who: &(String, String)) -> String {
    let a = get("/reserves?year=2025")
        .session(Some(&who.0))
        .send(h)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    a.text()
}

#[track_caller]
fn expect(a: &Answer, status: StatusCode, text: &str) {
    assert_eq!(a.status, status, "{}", a.text());
    assert!(a.text().contains(text), "{text} missing:\n{}", a.text());
}

/// V3 of town 1 and its secretary since 2025-05-01 (孟十), not from the
/// reserves; A on town 1's filed list of 2025.
fn recording_records() -> Batch {
    let v3 = VillageCode::parse(V3).unwrap();
    Batch {
        villages: vec![Village {
            code: v3,
            name: "北村村委会".into(),
            kind: touyan_records::CommitteeKind::classify("北村村委会"),
        }],
        people: vec![Person {
            id: person_x(),
            name: "孟十".into(),
            full_time_education: None,
            in_service_education: Some(Education::SeniorMiddle),
        }],
        posts: vec![Post {
            person: person_x(),
            village: v3,
            role: PostRole::Secretary,
            start: date!(2025 - 05 - 01),
            end: None,
        }],
        list_entries: vec![ListEntry {
            town: TownCode::parse(T1).unwrap(),
            year: 2025,
            person: person_a(),
            village: VillageCode::parse(V1).unwrap(),
            tier: 3,
            status: ListStatus::Filed,
        }],
        ..Batch::default()
    }
}

const V3: &str = "370783100203";

fn person_x() -> touyan_records::CitizenId {
    cid("37078319850505008")
}

async fn a_town_records_secondments_reserves_and_its_report(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &recording_records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;
    let admin = sign_in(&h, "admin").await;
    let a = h.person(&person_a());
    let x = h.person(&person_x());

    let html = page(&h, &op).await;
    for want in [
        "到市直涉农单位挂职 0 人，应不少于 1 人，未达到",
        "本年度尚无挂职记录",
        "储备书记后备力量 0 名，低于 2 名，缺 2 名",
        "新任书记不在后备干部库中，须说明理由",
        "2025 年度后备力量培养情况报告尚未提交",
        "id=\"secondment-form\"",
        "id=\"reserve-form\"",
        "id=\"reserve-new-form\"",
        // Two kinds of education, both asked, no default (无 is chosen).
        "<select name=\"full_time_education\" required><option value=\"\">请选择</option>",
        "<select name=\"in_service_education\" required><option value=\"\">请选择</option><option value=\"none\">无</option>",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    assert!(
        !html.contains("id=\"report-form\""),
        "the report is the reviewer's"
    );
    assert!(page(&h, &rev).await.contains("id=\"report-form\""));

    // Secondments: the town's operator only; a listed secretary; dates.
    let march = [
        ("action", "secondment"),
        ("person", a.as_str()),
        ("level", "city"),
        ("host", "市农业农村局"),
        ("start", "2025-03-01"),
        ("end", "2025-03-31"),
    ];
    expect(
        &rsv(&h, &rev, T1, &march).await,
        StatusCode::FORBIDDEN,
        "镇街经办",
    );
    expect(
        &rsv(&h, &admin, T1, &march).await,
        StatusCode::FORBIDDEN,
        "第八条",
    );
    assert_eq!(
        rsv(&h, &op2, T1, &march).await.status,
        StatusCode::NOT_FOUND
    );
    let mut bad = march;
    bad[4] = ("start", "2025-02-30");
    expect(
        &rsv(&h, &op, T1, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "不是有效日期",
    );
    let mut bad = march;
    bad[5] = ("end", "2025-02-28");
    expect(
        &rsv(&h, &op, T1, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "不能早于开始日期",
    );
    let mut bad = march;
    bad[1] = ("person", x.as_str());
    expect(
        &rsv(&h, &op, T1, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "已备案名单",
    );
    let mut bad = march;
    bad[2] = ("level", "province");
    expect(
        &rsv(&h, &op, T1, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "请选择挂职层级",
    );
    assert!(
        h.store.list::<Secondment>().await.unwrap().is_empty(),
        "nothing written"
    );
    assert_eq!(rsv(&h, &op, T1, &march).await.status, StatusCode::SEE_OTHER);
    let log = h.store.changes(Some("secondments")).await.unwrap();
    assert_eq!((log.len(), log[0].actor.as_str()), (1, "op1"));
    // 03-01 to 03-31 is a day short of a month: it does not count.
    let html = page(&h, &op).await;
    assert!(
        html.contains("到市直涉农单位挂职 0 人，应不少于 1 人，未达到"),
        "{html}"
    );
    assert!(html.contains("不足 1 个月，不计入挂职人数"), "{html}");
    let overlap = [
        ("action", "secondment"),
        ("person", a.as_str()),
        ("level", "city"),
        ("host", "市水利局"),
        ("start", "2025-03-31"),
        ("end", "2025-04-30"),
    ];
    expect(
        &rsv(&h, &op, T1, &overlap).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "时间重叠",
    );
    // 04-01 to 05-01 is exactly one month: it counts.
    let april = [
        ("action", "secondment"),
        ("person", a.as_str()),
        ("level", "city"),
        ("host", "市水利局"),
        ("start", "2025-04-01"),
        ("end", "2025-05-01"),
    ];
    assert_eq!(rsv(&h, &op, T1, &april).await.status, StatusCode::SEE_OTHER);
    let june = [
        ("action", "secondment"),
        ("person", a.as_str()),
        ("level", "town"),
        ("host", "镇农业综合服务中心"),
        ("start", "2025-06-01"),
        ("end", "2025-07-31"),
    ];
    assert_eq!(rsv(&h, &op, T1, &june).await.status, StatusCode::SEE_OTHER);
    let html = page(&h, &op).await;
    assert!(
        html.contains("到市直涉农单位挂职 1 人，应不少于 1 人（"),
        "{html}"
    );
    assert!(html.contains("到镇街涉农部门挂职 1 人"), "{html}");
    assert_eq!(html.matches("日志或鉴定不全").count(), 3, "{html}");

    // A work-log entry within the April secondment, once a day.
    let log = |date: &'static str| {
        [
            ("action", "worklog"),
            ("person", a.as_str()),
            ("start", "2025-04-01"),
            ("date", date),
            ("text", "调研合作社"),
        ]
    };
    expect(
        &rsv(&h, &op, T1, &log("2025-03-15")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "挂职期间",
    );
    assert_eq!(
        rsv(&h, &op, T1, &log("2025-04-10")).await.status,
        StatusCode::SEE_OTHER
    );
    expect(
        &rsv(&h, &op, T1, &log("2025-04-10")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "已经登记",
    );
    // The appraisal: after the end only, once.
    let appraise = |start: &'static str| {
        [
            ("action", "appraisal"),
            ("person", a.as_str()),
            ("start", start),
            ("text", "工作扎实，表现良好"),
        ]
    };
    expect(
        &rsv(&h, &op, T1, &appraise("2025-06-01")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "挂职结束（2025-07-31）后，由挂职单位作出书面鉴定（第八条）",
    );
    assert_eq!(
        rsv(&h, &op, T1, &appraise("2025-04-01")).await.status,
        StatusCode::SEE_OTHER
    );
    expect(
        &rsv(&h, &op, T1, &appraise("2025-04-01")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "已有书面鉴定",
    );
    let html = page(&h, &op).await;
    assert_eq!(html.matches("日志或鉴定不全").count(), 2, "{html}");
    assert!(html.contains("工作扎实，表现良好") && html.contains("最近：2025-04-10：调研合作社"));

    // Reserves for secretary of V1 (A's professionalized village): two new
    // people, by ID number.
    fn new_person<'a>(
        id: &'a str,
        name: &'a str,
        village: &'a str,
    ) -> [(&'static str, &'a str); 9] {
        [
            ("action", "reserve"),
            ("village", village),
            ("post", "secretary"),
            ("person", ""),
            ("id_number", id),
            ("name", name),
            ("full_time_education", "college"),
            ("in_service_education", "bachelor"),
            ("listed_on", "2025-05-01"),
        ]
    }
    let sun = cid("37078319920303006");
    let zhou = cid("37078319930404007");
    for (village, text) in [(V_MISSING, "本镇街的村"), (V2, "本镇街的村")] {
        expect(
            &rsv(&h, &op, T1, &new_person(sun.as_str(), "孙八", village)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            text,
        );
    }
    // 孙八's number with a wrong check character.
    let wrong = if sun.as_str().ends_with('1') {
        '2'
    } else {
        '1'
    };
    let bad_id = format!("{}{wrong}", &sun.as_str()[..17]);
    let a_bad = rsv(&h, &op, T1, &new_person(&bad_id, "孙八", V1)).await;
    expect(&a_bad, StatusCode::UNPROCESSABLE_ENTITY, "校验位");
    assert!(
        !a_bad.text().contains(&bad_id),
        "the typed ID is not shown back"
    );
    // The rest of what was typed is (issue 18 item 1).
    assert!(a_bad.text().contains(r#"value="孙八""#), "{}", a_bad.text());
    let c = person_c();
    expect(
        &rsv(&h, &op, T1, &new_person(c.as_str(), "王五", V1)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "不能由本镇街新登记",
    );
    // The probe is audited, the number masked (issue 15).
    let probes: Vec<_> = h
        .store
        .changes(Some("people"))
        .await
        .unwrap()
        .into_iter()
        .filter(|x| x.action == touyan_storage::Action::Refused)
        .collect();
    assert_eq!(probes.len(), 1);
    assert!(probes[0].key.contains(&touyan_web::pages::masked(&c)));
    assert!(!probes[0].key.contains(c.as_str()));
    let mut future = new_person(sun.as_str(), "孙八", V1);
    future[8] = ("listed_on", "2025-06-03");
    expect(
        &rsv(&h, &op, T1, &future).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "不能晚于今天",
    );
    expect(
        &rsv(&h, &rev, T1, &new_person(sun.as_str(), "孙八", V1)).await,
        StatusCode::FORBIDDEN,
        "后备干部由镇街经办登记",
    );
    assert!(
        h.store.list::<Reserve>().await.unwrap().is_empty(),
        "nothing written"
    );
    assert!(!h.store.person_known(&sun).await.unwrap());
    // A new person's full-time level is asked, never taken as 无学历;
    // the in-service one may be none.
    let mut unasked = new_person(sun.as_str(), "孙八", V1);
    unasked[6] = ("full_time_education", "");
    expect(
        &rsv(&h, &op, T1, &unasked).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "请选择新人员的全日制学历",
    );
    let mut unknown = new_person(sun.as_str(), "孙八", V1);
    unknown[7] = ("in_service_education", "phd");
    expect(
        &rsv(&h, &op, T1, &unknown).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "请选择在职学历",
    );
    assert!(!h.store.person_known(&sun).await.unwrap());
    assert_eq!(
        rsv(&h, &op, T1, &new_person(sun.as_str(), "孙八", V1))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let recorded = h.store.list::<Person>().await.unwrap();
    let sun_person = recorded.iter().find(|p| p.id == sun).unwrap();
    assert_eq!(
        (
            sun_person.full_time_education,
            sun_person.in_service_education
        ),
        (Some(Education::College), Some(Education::Bachelor))
    );
    let html = page(&h, &op).await;
    assert!(
        html.contains("储备书记后备力量 1 名，低于 2 名，缺 1 名"),
        "{html}"
    );
    // The same again: already a reserve of the post.
    expect(
        &rsv(&h, &op, T1, &new_person(sun.as_str(), "孙八", V1)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "已是东村村委会村党组织书记的后备",
    );
    assert_eq!(
        rsv(&h, &op, T1, &new_person(zhou.as_str(), "周九", V1))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let html = page(&h, &op).await;
    assert!(
        html.contains("储备书记后备力量 2 名，不低于 2 名"),
        "{html}"
    );
    assert!(html.contains("孙八、周九"), "{html}");
    // The new people are the town's now: town 1 sees 孙八, town 2 does not.
    let sun_ref = h.person(&sun);
    let file = get(&format!("/people/{sun_ref}"))
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(file.status, StatusCode::OK);
    // Both kinds of education in the one-person file and its API.
    let text = file.text();
    assert!(
        text.contains("<dt>全日制学历</dt><dd>大专</dd><dt>在职学历</dt><dd>大学本科</dd>"),
        "{text}"
    );
    let j = get(&format!("/api/v1/people/{sun_ref}"))
        .session(Some(&op.0))
        .send(&h)
        .await
        .json();
    assert_eq!(
        (
            &j["education"],
            &j["full_time_education"],
            &j["in_service_education"]
        ),
        (
            &serde_json::json!("bachelor"),
            &serde_json::json!("college"),
            &serde_json::json!("bachelor")
        )
    );
    assert_eq!(
        get(&format!("/people/{sun_ref}"))
            .session(Some(&op2.0))
            .send(&h)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // 周九 leaves the pool today: back to one.
    let zhou_ref = h.person(&zhou);
    let out = [
        ("action", "unreserve"),
        ("person", zhou_ref.as_str()),
        ("village", V1),
        ("post", "secretary"),
        ("listed_on", "2025-05-01"),
        ("date", "2025-06-02"),
    ];
    assert_eq!(rsv(&h, &op, T1, &out).await.status, StatusCode::SEE_OTHER);
    assert!(
        page(&h, &op)
            .await
            .contains("储备书记后备力量 1 名，低于 2 名，缺 1 名")
    );

    // 孟十, secretary of V3 since 2025-05-01: listed as its reserve on
    // that day is refused; a day short of a year before is listed, but
    // not long enough; a full year before is.
    let listed = |on: &'static str| {
        [
            ("action", "reserve"),
            ("village", V3),
            ("post", "secretary"),
            ("person", x.as_str()),
            ("id_number", ""),
            ("listed_on", on),
        ]
    };
    expect(
        &rsv(&h, &op, T1, &listed("2025-05-01")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "应早于任职日期",
    );
    assert_eq!(
        rsv(&h, &op, T1, &listed("2024-05-02")).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        page(&h, &op)
            .await
            .contains("新任书记 2024-05-02 列入后备，任职时培养不满 1 年，须说明理由")
    );
    let out = [
        ("action", "unreserve"),
        ("person", x.as_str()),
        ("village", V3),
        ("post", "secretary"),
        ("listed_on", "2024-05-02"),
        ("date", "2025-06-02"),
    ];
    assert_eq!(rsv(&h, &op, T1, &out).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        rsv(&h, &op, T1, &listed("2024-05-01")).await.status,
        StatusCode::SEE_OTHER
    );
    let html = page(&h, &op).await;
    assert!(
        html.contains("新任书记 2024-05-01 列入后备，任职时培养已满 1 年"),
        "{html}"
    );

    // The yearly report: the reviewer, once.
    let report = |summary: &'static str| {
        [
            ("action", "report"),
            ("date", "2025-06-02"),
            ("summary", summary),
        ]
    };
    expect(
        &rsv(&h, &op, T1, &report("培养情况")).await,
        StatusCode::FORBIDDEN,
        "镇街审核",
    );
    expect(
        &rsv(&h, &rev, T1, &report("")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "请填写报告内容",
    );
    assert_eq!(
        rsv(&h, &rev, T1, &report("集中培训两次，压担锻炼四人"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    expect(
        &rsv(&h, &rev, T1, &report("再报一次")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "已于 2025-06-02 提交",
    );
    let html = page(&h, &rev).await;
    assert!(
        html.contains(
            "2025 年度后备力量培养情况报告已于 2025-06-02 提交：集中培训两次，压担锻炼四人"
        )
    );
    assert!(!html.contains("id=\"report-form\""));
    // The city reads town 1's page with all of it.
    let city = get(&format!("/reserves?year=2025&town={T1}"))
        .session(Some(&admin.0))
        .send(&h)
        .await
        .text();
    assert!(
        city.contains("孙八") && city.contains("市水利局") && !city.contains("id=\"reserve-form\"")
    );
    // A form without a valid CSRF token writes nothing.
    let stale = post("/reserves")
        .form(&[
            ("csrf", "x"),
            ("year", "2025"),
            ("town", T1),
            ("action", "report"),
        ])
        .session(Some(&rev.0))
        .send(&h)
        .await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    db.finish().await;
}
both_backends!(
    reserves_recorded,
    a_town_records_secondments_reserves_and_its_report
);
