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

/// A village of town 1 whose name sorts after 东村 (甲 after 东).
const V_LONG: &str = "370783100210";

/// Town 1 with 61 cadres: 张三 (东村, certified) and 人员01…人员60 of 甲村
/// (committee members, junior-middle school, so all 60 may apply to
/// degree study; 人员01…人员05 certified). The page's order is the
/// village's name, then the ID number: 张三, then 人员01…人员60.
fn long_town() -> Batch {
    let v = VillageCode::parse(V_LONG).unwrap();
    let id = |n: usize| cid(&format!("37078319900101{n:03}"));
    let certificate = |person, n: usize| Certificate {
        person,
        number: format!("鲁农干证2025{n:03}"),
        issued_on: date!(2025 - 03 - 01),
    };
    let mut b = Batch {
        villages: vec![Village {
            code: v,
            name: "甲村村委会".into(),
            kind: touyan_records::CommitteeKind::classify("甲村村委会"),
        }],
        certificates: vec![certificate(person_a(), 0)],
        ..Batch::default()
    };
    for n in 1..=60 {
        b.people.push(Person {
            id: id(n),
            name: format!("人员{n:02}"),
            full_time_education: None,
            in_service_education: Some(Education::JuniorMiddle),
        });
        b.posts.push(Post {
            person: id(n),
            village: v,
            role: PostRole::CommitteeMember,
            start: date!(2021 - 01 - 01),
            end: None,
        });
        if n <= 5 {
            b.certificates.push(certificate(id(n), n));
        }
    }
    b
}

/// 人员a…人员b.
fn staff(a: usize, b: usize) -> Vec<String> {
    (a..=b).map(|n| format!("人员{n:02}")).collect()
}

/// The names in the rows of table `id`, in order (the cadres' table has
/// the village, then the name; the degree table "village name").
fn names_in(html: &str, id: &str) -> Vec<String> {
    let Some(at) = html.find(&format!("id=\"{id}\"")) else {
        return Vec::new();
    };
    let table = &html[at..];
    let table = &table[..table.find("</table>").unwrap()];
    table
        .split("<tr><td>")
        .skip(1)
        .map(|row| {
            let cell = if id == "cadres" {
                &row[row.find("</td><td>").unwrap() + 9..]
            } else {
                row
            };
            let cell = &cell[..cell.find(['<', '（']).unwrap()];
            cell.rsplit(' ').next().unwrap().to_owned()
        })
        .collect()
}

/// The cadres' and the degree-study tables are paged, 50 rows a page
/// (issue 18, item 6): the page's rows in the page's order, the filter
/// kept on the page links, a page out of range shown as the first or the
/// last, the counts line and the figures over every row; the forms post
/// back the view they were on.
async fn the_long_tables_are_paged_with_their_filter(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &long_town()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let at = |query: String| {
        let op = op.0.clone();
        let h = &h;
        async move {
            let a = get(&format!("/qualifications?town={T1}{query}"))
                .session(Some(&op))
                .send(h)
                .await;
            assert_eq!(a.status, StatusCode::OK, "{query}");
            a.text()
        }
    };
    let mut first_page = vec!["张三".to_owned()];
    first_page.extend(staff(1, 49));
    // (query, the cadres shown, the counts line, the degree rows shown,
    // the degree counts line)
    type Case = (
        &'static str,
        Vec<String>,
        &'static str,
        Vec<String>,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            "",
            first_page.clone(),
            "第 1 页，共 2 页（共 61 人）",
            staff(1, 50),
            "第 1 页，共 2 页（共 60 人）",
        ),
        (
            "&page=2",
            staff(50, 60),
            "第 2 页，共 2 页（共 61 人）",
            staff(1, 50),
            "第 1 页，共 2 页（共 60 人）",
        ),
        // Out of range: the last page; not a number or 0: the first.
        (
            "&page=999",
            staff(50, 60),
            "第 2 页，共 2 页（共 61 人）",
            staff(1, 50),
            "第 1 页，共 2 页（共 60 人）",
        ),
        (
            "&page=0",
            first_page.clone(),
            "第 1 页，共 2 页（共 61 人）",
            staff(1, 50),
            "第 1 页，共 2 页（共 60 人）",
        ),
        (
            "&page=abc&dpage=abc",
            first_page.clone(),
            "第 1 页，共 2 页（共 61 人）",
            staff(1, 50),
            "第 1 页，共 2 页（共 60 人）",
        ),
        // Only the uncertified: 人员06…人员60.
        (
            "&show=missing",
            staff(6, 55),
            "第 1 页，共 2 页（共 55 人）",
            staff(1, 50),
            "第 1 页，共 2 页（共 60 人）",
        ),
        (
            "&show=missing&page=2&dpage=2",
            staff(56, 60),
            "第 2 页，共 2 页（共 55 人）",
            staff(51, 60),
            "第 2 页，共 2 页（共 60 人）",
        ),
        // Words and pages: 甲村's 60, then the uncertified of them.
        (
            "&q=%E7%94%B2%E6%9D%91&page=2",
            staff(51, 60),
            "第 2 页，共 2 页（共 60 人）",
            staff(1, 50),
            "第 1 页，共 2 页（共 60 人）",
        ),
        (
            "&q=%E7%94%B2%E6%9D%91&show=missing&page=2",
            staff(56, 60),
            "第 2 页，共 2 页（共 55 人）",
            staff(1, 50),
            "第 1 页，共 2 页（共 60 人）",
        ),
        // One page: page 2 asked is the only page.
        (
            "&q=%E4%BA%BA%E5%91%9803&page=2&dpage=9",
            staff(3, 3),
            "第 1 页，共 1 页（共 1 人）",
            staff(3, 3),
            "第 1 页，共 1 页（共 1 人）",
        ),
    ];
    for (query, cadres, line, degree, degree_line) in cases {
        let html = at(query.to_owned()).await;
        assert_eq!(names_in(&html, "cadres"), cadres, "{query}");
        assert_eq!(names_in(&html, "degree"), degree, "{query}");
        assert!(html.contains(line), "{query}: {line}\n{html}");
        assert!(html.contains(degree_line), "{query}: {degree_line}");
        // The figures count the town, not the page.
        assert!(html.contains("未持证上岗 55 人"), "{query}");
    }
    let filtered = at("&q=%E7%94%B2%E6%9D%91&show=missing&page=2".into()).await;
    assert!(filtered.contains("按筛选条件显示 55 / 61 人"), "{filtered}");
    assert!(filtered.contains("学历教育名单也只列村名、姓名相符的人员（60 / 60 人）"));

    // The page links keep the town, the words, the filter and the other
    // table's page (askama writes `&` as `&#38;` in attributes).
    let html = at("&q=%E7%94%B2%E6%9D%91&show=missing&dpage=2".into())
        .await
        .replace("&#38;", "&");
    let link = |rest: &str| {
        format!("href=\"/qualifications?town={T1}&q=%E7%94%B2%E6%9D%91&show=missing&{rest}\"")
    };
    assert!(html.contains(&link("dpage=2&page=2")), "{html}");
    assert!(html.contains(&link("dpage=1#degree-part")), "{html}");
    let html = at("&page=2".into()).await.replace("&#38;", "&");
    assert!(html.contains(&format!("href=\"/qualifications?town={T1}&page=1\"")));
    assert!(html.contains(&format!(
        "href=\"/qualifications?town={T1}&page=2&dpage=2#degree-part\""
    )));

    // The exam form offers every cadre the filter shows, not only the
    // page's; each form posts back its view.
    let options = |html: &str| {
        let form = &html[html.find("id=\"exam-form\"").unwrap()..];
        form[..form.find("</select>").unwrap()]
            .matches("<option value=\"")
            .count()
            - 1
    };
    assert_eq!(options(&html), 61);
    assert_eq!(options(&filtered), 55);
    assert!(
        filtered
            .replace("&#38;", "&")
            .contains("name=\"view\" value=\"q=%E7%94%B2%E6%9D%91&show=missing&page=2\"")
    );
    let p60 = h.person(&cid("37078319900101060"));
    let view = "q=%E7%94%B2%E6%9D%91&show=missing&page=2";
    let enrol = |date: &'static str| {
        vec![
            ("action", "enrol"),
            ("person", p60.as_str()),
            ("programme", "村干部专科学历培训班"),
            ("date", date),
            ("view", view),
        ]
    };
    let a = qual(&h, &op, T1, &enrol("2025-03-01")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(
        a.header("location").as_deref(),
        Some(&*format!("/qualifications?town={T1}&{view}")),
        "back to the page the form was on"
    );
    // A refusal shows the same view with the reason.
    let a = qual(&h, &op, T1, &enrol("2025-03-02")).await;
    expect(&a, StatusCode::UNPROCESSABLE_ENTITY, "今年已报名");
    assert_eq!(names_in(&a.text(), "cadres"), staff(56, 60));
    assert!(a.text().contains("第 2 页，共 2 页（共 55 人）"));
    // A view that is not one is the first page, unfiltered.
    let mut bad = enrol("2025-03-02");
    bad[4].1 = "page=-1&q=%E7%94%B2%00&show=x&dpage=";
    let a = qual(&h, &op, T1, &bad).await;
    expect(&a, StatusCode::UNPROCESSABLE_ENTITY, "今年已报名");
    assert!(a.text().contains("第 1 页，共 2 页（共 61 人）"));
    db.finish().await;
}
both_backends!(
    qualifications_paged,
    the_long_tables_are_paged_with_their_filter
);
