//! Young cadres in the server (issue 5, item 4): the cap, the age limit
//! and the extension, the pay from the town's reference salary and factor
//! with "keeps the higher pay". On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

fn records() -> Batch {
    let v1 = VillageCode::parse(V1).unwrap();
    let young = |id: &str, name: &str, pay: &str| {
        (
            Person {
                id: cid(id),
                name: name.into(),
                full_time_education: Some(Education::Bachelor),
                in_service_education: None,
            },
            YoungCadre {
                person: cid(id),
                village: v1,
                programme_start: date!(2024 - 07 - 01),
                current_pay: pay.parse().unwrap(),
                score: "90".parse().unwrap(),
                filed_on: Some(date!(2024 - 07 - 15)),
            },
        )
    };
    // 26 on the test's today (2025-06-02); and 37, past the limit.
    let (p1, y1) = young("37078319990505004", "赵六", "3000");
    let (p2, y2) = young("37078319880101005", "钱七", "5000");
    // 赵六 is a secretary reserve since 2025-01-10; 钱七 was one until
    // the test's today (removed that day: no longer).
    let reserve = |id: &str, listed_on, removed_on| Reserve {
        person: cid(id),
        village: v1,
        post: PostRole::Secretary,
        listed_on,
        removed_on,
    };
    // Town 1 with V1 and three more villages: a cap of 1 (4 × 30%).
    let villages = (2..=4)
        .map(|k| Village {
            code: VillageCode::parse(&format!("3707831002{k:02}")).unwrap(),
            name: format!("第{k}村村委会"),
            kind: touyan_records::CommitteeKind::Villagers,
        })
        .collect();
    Batch {
        villages,
        people: vec![p1, p2],
        young_cadres: vec![y1, y2],
        reserves: vec![
            reserve("37078319990505004", date!(2025 - 01 - 10), None),
            reserve(
                "37078319880101005",
                date!(2024 - 01 - 01),
                Some(date!(2025 - 06 - 02)),
            ),
        ],
        town_years: vec![TownYear {
            town: TownCode::parse(T1).unwrap(),
            year: 2025,
            reference_salary: "4000".parse().unwrap(),
            young_cadre_factor: "0.8".parse().unwrap(),
        }],
        ..Batch::default()
    }
}

async fn cap_age_and_pay(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let page = get("/young?month=2025-06")
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    // 4000 × 0.8 = 3200, plus 500 + 500 for a full-time graduate = 4200.
    // 钱七 is past the age limit with no extension: not paid, and why.
    for want in [
        "赵六",
        "钱七",
        "3200.00",
        "4200.00",
        "500.00 + 500.00",
        "本月合计 4200.00 元",
        "今日在册 1 人",
        "第十条",
        "2024-01-01 满 36 周岁，超过年龄上限，在册至 2023-12-31；期满次月起停发（第十条）",
        "尚未登记退出（达到年龄上限）",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    assert!(!html.contains("超过上限"), "{html}");
    assert!(
        html.contains("若综合考核优秀"),
        "the extension case is shown"
    );
    // Their place in the secretaries' reserve pool (Article 10).
    assert!(
        html.contains("2025-01-10 起列入村党组织书记后备干部库，调整书记时优先推荐"),
        "{html}"
    );
    assert_eq!(
        html.matches("未列入村党组织书记后备干部库").count(),
        1,
        "钱七's listing ended today"
    );
    assert!(!html.contains("37078319990505004"), "masked");
    // On the reserves page, 赵六 is marked as a young cadre (Article 10).
    let reserves = get("/reserves?year=2025")
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(
        reserves.contains("赵六（优才计划年轻干部，第十条）"),
        "{reserves}"
    );
    let op2 = sign_in(&h, "op2").await;
    let other = get("/young?month=2025-06")
        .session(Some(&op2.0))
        .send(&h)
        .await
        .text();
    assert!(!other.contains("赵六"), "another town's cadres");
    assert_eq!(
        get("/young?month=2025-13")
            .session(Some(&op.0))
            .send(&h)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    db.finish().await;
}
both_backends!(young, cap_age_and_pay);

/// Town 1 with ten villagers' committees (a cap of 3 by 30%, rounded
/// down): V1 and nine more; four young committee members (P1–P4), one aged
/// 36, a young secretary, and 钱七 on the programme by import — filed,
/// aged 36 on the test's today, since 2023-07-01.
fn selection_records() -> Batch {
    let t = TownCode::parse(T1).unwrap();
    let village = |k: u32| VillageCode::parse(&format!("3707831002{k:02}")).unwrap();
    let villages: Vec<Village> = (2..=10)
        .map(|k| Village {
            code: village(k),
            name: format!("第{k}村村委会"),
            kind: touyan_records::CommitteeKind::classify("第二村村委会"),
        })
        .collect();
    let person = |id: &str, name: &str| Person {
        id: cid(id),
        name: name.into(),
        full_time_education: Some(Education::Bachelor),
        in_service_education: None,
    };
    let post = |id: &str, k: u32, role: PostRole| Post {
        person: cid(id),
        village: village(k),
        role,
        start: date!(2021 - 01 - 01),
        end: None,
    };
    Batch {
        villages,
        people: vec![
            person(P1, "一号"),
            person(P2, "二号"),
            person(P3, "三号"),
            person(P4, "四号"),
            person(OLD, "老五"),
            person(SEC, "书记六"),
            person(Q, "钱七"),
        ],
        posts: vec![
            post(P1, 2, PostRole::CommitteeMember),
            post(P2, 3, PostRole::CommitteeMember),
            post(P3, 4, PostRole::CommitteeDeputyDirector),
            post(P4, 5, PostRole::CommitteeMember),
            post(OLD, 6, PostRole::CommitteeMember),
            post(SEC, 7, PostRole::Secretary),
            post(Q, 8, PostRole::CommitteeMember),
        ],
        young_cadres: vec![YoungCadre {
            person: cid(Q),
            village: village(8),
            programme_start: date!(2023 - 07 - 01),
            current_pay: "3000".parse().unwrap(),
            score: "90".parse().unwrap(),
            filed_on: Some(date!(2023 - 07 - 15)),
        }],
        town_years: vec![TownYear {
            town: t,
            year: 2025,
            reference_salary: "4000".parse().unwrap(),
            young_cadre_factor: "0.8".parse().unwrap(),
        }],
        ..Batch::default()
    }
}

const P1: &str = "37078319950301011";
const P2: &str = "37078319960401021";
const P3: &str = "37078319970501031";
const P4: &str = "37078319980601041";
/// 36 on 2025-06-02.
const OLD: &str = "37078319890101051";
const SEC: &str = "37078319950707061";
/// 36 on 2025-06-02, on the programme since 2023-07-01.
const Q: &str = "37078319890110071";

async fn yng(h: &Harness, who: &(String, String), town: &str, fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![
        ("csrf", who.1.as_str()),
        ("month", "2025-06"),
        ("town", town),
    ];
    pairs.extend_from_slice(fields);
    post("/young")
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

async fn young_page(h: &Harness, who: &(String, String)) -> String {
    let a = get("/young?month=2025-06")
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

async fn candidates_are_scored_selected_within_the_cap_filed_and_extended(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &selection_records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;
    let admin = sign_in(&h, "admin").await;
    let viewer = sign_in(&h, "viewer").await;
    let r = |id: &str| h.person(&cid(id));
    let (r1, r2, r3, r4, rold, rsec, rq) = (r(P1), r(P2), r(P3), r(P4), r(OLD), r(SEC), r(Q));

    let html = young_page(&h, &op).await;
    for want in [
        // 钱七 is 36 with no extension: she holds no place, is not paid.
        "今日在册 0 人（已退出、超龄未延长或延长期满的不计）；行政村 10 个",
        "至多 3 名（第十条）",
        "2025-01-10 满 36 周岁，超过年龄上限，在册至 2025-01-09",
        "id=\"score-form\"",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    // Those who may be scored: the four young committee members only.
    let form = &html[html.find("id=\"score-form\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    for (key, listed) in [
        (&r1, true),
        (&r4, true),
        (&rold, false),
        (&rsec, false),
        (&rq, false),
    ] {
        assert_eq!(
            form.contains(&format!("<option value=\"{key}\">")),
            listed,
            "{key}"
        );
    }

    // Scoring: the town's operator, within the age limit, not a secretary.
    let score = |key: &str, score: &'static str, pay: &'static str| {
        vec![
            ("action", "score".to_owned()),
            ("person", key.to_owned()),
            ("score", score.to_owned()),
            ("current_pay", pay.to_owned()),
            ("note", "学历高，实绩突出".to_owned()),
        ]
    };
    let pairs = |v: &[(&'static str, String)]| -> Vec<(&'static str, String)> { v.to_vec() };
    async fn send(
        h: &Harness,
        who: &(String, String),
        town: &str,
        v: &[(&'static str, String)],
    ) -> Answer {
        let f: Vec<(&str, &str)> = v.iter().map(|(k, x)| (*k, x.as_str())).collect();
        yng(h, who, town, &f).await
    }
    expect(
        &send(&h, &rev, T1, &score(&r1, "90", "6000")).await,
        StatusCode::FORBIDDEN,
        "镇街经办",
    );
    expect(
        &send(&h, &viewer, T1, &score(&r1, "90", "6000")).await,
        StatusCode::FORBIDDEN,
        "第十条",
    );
    assert_eq!(
        send(&h, &op2, T1, &score(&r1, "90", "6000")).await.status,
        StatusCode::NOT_FOUND
    );
    expect(
        &send(&h, &op, T1, &score(&rold, "90", "3000")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "36 周岁，超过 35 岁，不能列为年轻干部候选人（第十条）",
    );
    expect(
        &send(&h, &op, T1, &score(&rsec, "90", "3000")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "书记除外",
    );
    expect(
        &send(&h, &op, T1, &score(&r1, "100.5", "3000")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "0 至 100",
    );
    expect(
        &send(&h, &op, T1, &score(&r1, "90.125", "3000")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "两位小数",
    );
    expect(
        &send(&h, &op, T1, &score(&r1, "90", "很多")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "不是数字",
    );
    assert!(
        h.store
            .young_candidates(TownCode::parse(T1).unwrap())
            .await
            .unwrap()
            .is_empty()
    );
    for (key, s, pay) in [
        (&r1, "90", "6000"),
        (&r2, "85", "3000"),
        (&r3, "80", "3000"),
        (&r4, "70", "3000"),
    ] {
        assert_eq!(
            send(&h, &op, T1, &pairs(&score(key, s, pay))).await.status,
            StatusCode::SEE_OTHER
        );
    }
    // 钱七 aged out: all 3 places are free, taken by score.
    let html = young_page(&h, &rev).await;
    assert!(!html.contains("本月合计"), "nobody paid yet");
    for want in [
        "尚余名额 3 名；符合年龄条件 4 人，按综合得分从高到低（同分的，评分录入日期在前者优先；同日的，按村代码；同村的，按录入先后）确定 3 人，上限 3 人（第十条）",
        "第 1 名，在名额内",
        "第 2 名，在名额内",
        "第 3 名，在名额内",
        "第 4 名，超出尚余名额",
        // 一号 was paid 6000, above 4000 × 0.8 + 500 + 500.
        "现报酬高于上述标准，按高标准执行，月报酬 6000 元",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }

    // Selecting: the reviewer; the third place is the cap, a fourth is
    // refused with the article.
    let mv = |key: &str, kind: &'static str, seen: &'static str, comment: &'static str| {
        vec![
            ("action", "move".to_owned()),
            ("person", key.to_owned()),
            ("kind", kind.to_owned()),
            ("seen", seen.to_owned()),
            ("comment", comment.to_owned()),
        ]
    };
    expect(
        &send(&h, &op, T1, &mv(&r1, "select", "candidate", "")).await,
        StatusCode::FORBIDDEN,
        "镇街审核",
    );
    assert_eq!(
        send(&h, &rev, T1, &mv(&r1, "select", "candidate", ""))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // A second click on the page seen before: refused as stale.
    expect(
        &send(&h, &rev, T1, &mv(&r1, "select", "candidate", "")).await,
        StatusCode::CONFLICT,
        "请刷新页面",
    );
    assert_eq!(
        send(&h, &rev, T1, &mv(&r2, "select", "candidate", ""))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        send(&h, &rev, T1, &mv(&r3, "select", "candidate", ""))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(young_page(&h, &op).await.contains("今日在册 3 人"));
    expect(
        &send(&h, &rev, T1, &mv(&r4, "select", "candidate", "")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "已确定和备案 3 人，再确定 1 人将超过上限：行政村 10 个",
    );
    expect(
        &send(&h, &rev, T1, &mv(&r4, "select", "candidate", "")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "（第十条）",
    );
    assert_eq!(
        h.store.list::<YoungCadre>().await.unwrap().len(),
        4,
        "nothing written: 钱七's row and three selected"
    );

    // The city returns 二号 (with its reason) and files 一号.
    expect(
        &send(&h, &admin, T1, &mv(&r2, "return", "selected", "")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "须写明意见",
    );
    expect(
        &send(&h, &rev, T1, &mv(&r2, "file", "selected", "")).await,
        StatusCode::FORBIDDEN,
        "市级管理员",
    );
    assert_eq!(
        send(
            &h,
            &admin,
            T1,
            &mv(&r2, "return", "selected", "村庄排名靠后，请重新评定")
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let html = young_page(&h, &op).await;
    assert!(
        html.contains("今日在册 2 人") && html.contains("村庄排名靠后，请重新评定"),
        "{html}"
    );
    // A place is free again: 四号 is selected.
    assert_eq!(
        send(&h, &rev, T1, &mv(&r4, "select", "candidate", ""))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Before filing, 一号 is not paid; filed, 一号 keeps the 6000.
    let html = young_page(&h, &op).await;
    assert!(
        !html.contains("保留原较高报酬") && !html.contains("本月合计"),
        "{html}"
    );
    assert_eq!(
        send(&h, &admin, T1, &mv(&r1, "file", "selected", ""))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let html = young_page(&h, &op).await;
    for want in ["保留原较高报酬", "6000.00", "本月合计 6000.00 元", "已备案"] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    let filed = h
        .store
        .list::<YoungCadre>()
        .await
        .unwrap()
        .into_iter()
        .find(|y| y.person == cid(P1))
        .unwrap();
    assert_eq!(
        (filed.programme_start, filed.filed_on, filed.current_pay),
        (
            date!(2025 - 06 - 02),
            Some(date!(2025 - 06 - 02)),
            "6000".parse().unwrap()
        )
    );

    // The extension case: 钱七 (on the programme by import, filed) is 36.
    let html = young_page(&h, &rev).await;
    assert!(
        html.contains("若综合考核优秀：因年龄退出时享受待遇不满 5 年"),
        "{html}"
    );
    expect(
        &send(
            &h,
            &rev,
            T1,
            &mv(&r1, "propose_extension", "filed", "考察通过"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "未因年龄退出，无需延长",
    );
    expect(
        &send(
            &h,
            &rev,
            T1,
            &mv(&rq, "propose_extension", "filed", "考察通过"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "综合考核未达优秀",
    );
    let mut excellent = mv(&rq, "propose_extension", "filed", "");
    excellent.push(("excellent", "1".to_owned()));
    expect(
        &send(&h, &rev, T1, &excellent).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "须写明镇街考察意见",
    );
    let mut excellent = mv(
        &rq,
        "propose_extension",
        "filed",
        "年度考核优秀，镇街考察通过",
    );
    excellent.push(("excellent", "1".to_owned()));
    assert_eq!(
        send(&h, &rev, T1, &excellent).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        young_page(&h, &op)
            .await
            .contains("镇街已提请延长至 2028-07-01，待市级审核")
    );
    // The extension brings 钱七 back onto the programme: with the three
    // places of the cap taken (一号 filed, 三号 and 四号 selected) the city
    // cannot approve it until one is free.
    expect(
        &send(
            &h,
            &admin,
            T1,
            &mv(&rq, "extend", "extension_proposed", "市级考察通过"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "已确定和备案 3 人，再延长 1 人将超过上限",
    );
    assert_eq!(
        send(
            &h,
            &rev,
            T1,
            &mv(&r4, "deselect", "selected", "让出名额给延长的钱七")
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        send(
            &h,
            &admin,
            T1,
            &mv(&rq, "extend", "extension_proposed", "市级考察通过")
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    // Extended, 钱七 holds a place again, within the cap, and is paid
    // again: the two filed, 钱七 first, 6000 + 4200.
    let html = young_page(&h, &op).await;
    for want in [
        "经市镇考察通过，已延长至 2028-07-01（第十条）",
        "已延长至 2028-07-01，延长期满停发",
        "本月合计 10200.00 元",
        "今日在册 3 人",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    assert!(!html.contains("超过上限"), "{html}");
    // The history of the moves, with who made them.
    for want in [
        "录入评分",
        "确定人选",
        "退回镇街",
        "备案",
        "提请延长",
        "批准延长",
        "rev1",
        "admin",
    ] {
        assert!(html.contains(want), "{want} missing");
    }
    assert!(
        !h.store
            .changes(Some("young_candidates"))
            .await
            .unwrap()
            .is_empty()
    );
    // Another town sees none of it.
    let other = young_page(&h, &op2).await;
    assert!(!other.contains("一号") && !other.contains("钱七"));
    db.finish().await;
}
both_backends!(
    young_selection,
    candidates_are_scored_selected_within_the_cap_filed_and_extended
);

/// Four young committee members scored 90 each: 甲 and 乙 in 第9村, 丙
/// and 丁 in 第10村. 乙 (the higher ID number) is scored before 甲, 丙
/// (the lower) before 丁.
const JIA: &str = "37078319950101091";
const YI: &str = "37078319950101099";
const BING: &str = "37078319950101101";
const DING: &str = "37078319950101109";

/// The rank shown in `name`'s row.
fn rank_of<'a>(html: &'a str, name: &str) -> &'a str {
    let row = &html[html
        .find(&format!("<td>{name}<br>"))
        .unwrap_or_else(|| panic!("{name} missing:\n{html}"))..];
    let from = row.find("第 ").expect("a rank");
    let row = &row[from..];
    &row[..row
        .find("</td>")
        .unwrap()
        .min(row.find("<br>").unwrap_or(usize::MAX))]
}

/// Equal scores are ranked by a rule a clerk can read — the day the
/// score was recorded, the village code, the order of recording — not by
/// the page's person key: with the ID numbers in either order, the one
/// scored first ranks first.
async fn equal_scores_rank_by_the_earlier_application(db: TestDb) {
    let h = harness(&db, true).await;
    let mut batch = selection_records();
    let village = |k: u32| VillageCode::parse(&format!("3707831002{k:02}")).unwrap();
    for (id, name, k) in [
        (JIA, "甲", 9),
        (YI, "乙", 9),
        (BING, "丙", 10),
        (DING, "丁", 10),
    ] {
        batch.people.push(Person {
            id: cid(id),
            name: name.into(),
            full_time_education: Some(Education::Bachelor),
            in_service_education: None,
        });
        batch.posts.push(Post {
            person: cid(id),
            village: village(k),
            role: PostRole::CommitteeMember,
            start: date!(2021 - 01 - 01),
            end: None,
        });
    }
    h.store.apply("测试", &batch).await.unwrap();
    let op = sign_in(&h, "op1").await;
    for id in [YI, JIA, BING, DING] {
        let key = h.person(&cid(id));
        let a = yng(
            &h,
            &op,
            T1,
            &[
                ("action", "score"),
                ("person", &key),
                ("score", "90"),
                ("current_pay", "3000"),
                ("note", ""),
            ],
        )
        .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    }
    let html = young_page(&h, &op).await;
    // 钱七 aged out with no extension: all 3 places are free.
    assert!(html.contains("尚余名额 3 名；符合年龄条件 4 人"), "{html}");
    assert_eq!(rank_of(&html, "乙"), "第 1 名，在名额内");
    assert_eq!(
        rank_of(&html, "甲"),
        "第 2 名，在名额内（与上一名同分、同日录入且同村，录入在后）"
    );
    assert_eq!(
        rank_of(&html, "丙"),
        "第 3 名，在名额内（与上一名同分且同日录入，村代码在后）"
    );
    assert_eq!(
        rank_of(&html, "丁"),
        "第 4 名，超出尚余名额（与上一名同分、同日录入且同村，录入在后）"
    );
    db.finish().await;
}
both_backends!(young_ties, equal_scores_rank_by_the_earlier_application);

/// The town's operator records a young cadre's exit on the page (Article
/// 10): 赵六 resigns on 2025-06-01; June is still paid, July is not and
/// says why; the reviewer has no form and is refused.
async fn an_exit_is_recorded_on_the_page(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let key = h.person(&cid("37078319990505004"));
    let exit = |reason: &'static str, date: &'static str, note: &'static str| {
        let key = key.clone();
        vec![
            ("action", "exit"),
            ("reason", reason),
            ("date", date),
            ("note", note),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .chain([("person", key)])
        .collect::<Vec<_>>()
    };
    let send = |who: &(String, String), v: Vec<(&'static str, String)>| {
        let (h, who) = (&h, who.clone());
        async move {
            let f: Vec<(&str, &str)> = v.iter().map(|(k, x)| (*k, x.as_str())).collect();
            yng(h, &who, T1, &f).await
        }
    };
    // Issue 18, item 3: nobody, no grounds and no day are chosen at
    // first, and the button asks, naming what is chosen.
    let html = young_page(&h, &op).await;
    let form = &html[html.find("id=\"young-exit-form\"").expect("the form")..];
    let form = &form[..form.find("</form>").unwrap()];
    for select in ["person", "reason"] {
        let at = &form[form.find(&format!("<select name=\"{select}\"")).unwrap()..];
        let at = &at[..at.find("</select>").unwrap()];
        // The empty 请选择 first, nothing else chosen (so it is what shows).
        assert!(
            at.contains("><option value=\"\">请选择</option><option value=\""),
            "{at}"
        );
        assert_eq!(at.matches(" selected").count(), 0, "{at}");
    }
    let date = &form[form.find("<input name=\"date\"").unwrap()..];
    assert!(
        !date[..date.find('>').unwrap()].contains("value="),
        "{date}"
    );
    assert!(
        form.contains("class=\"danger\" data-confirm=\"确认登记年轻干部{person}退出优才计划（退出原因：{reason}，退出日期：{date}）？"),
        "{form}"
    );
    expect(
        &send(&op, exit("", "2025-06-01", "")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "请选择退出原因",
    );
    expect(
        &send(&op, exit("resigned", "", "")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "退出日期应为有效日期",
    );
    assert!(young_page(&h, &op).await.contains("id=\"young-exit-form\""));
    assert!(
        !young_page(&h, &rev)
            .await
            .contains("id=\"young-exit-form\"")
    );
    expect(
        &send(&rev, exit("resigned", "2025-06-01", "")).await,
        StatusCode::FORBIDDEN,
        "年轻干部退出由镇街经办登记（第十条）",
    );
    expect(
        &send(&op, exit("other", "2025-06-01", "")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "“其他”原因须写明情况",
    );
    expect(
        &send(&op, exit("age", "2025-06-01", "")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "未超过年龄上限",
    );
    expect(
        &send(&op, exit("resigned", "2025-6-31", "")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "退出日期应为有效日期",
    );
    assert!(h.store.list::<Exit>().await.unwrap().is_empty());
    assert_eq!(
        // Typed as a clerk types it (the import's forms are taken).
        send(&op, exit("resigned", "2025年6月1日", "考取公务员"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let html = young_page(&h, &op).await;
    for want in ["本人辞职", "考取公务员", "本月合计 4200.00 元"] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    // 赵六 is no longer offered for an exit; 钱七 still is.
    let form = &html[html.find("id=\"young-exit-form\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(
        !form.contains(&format!("<option value=\"{key}\">")),
        "{form}"
    );
    assert!(form.contains("钱七"), "{form}");
    let july = get("/young?month=2025-07")
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(
        july.contains("2025-06-01 退出（本人辞职），次月起不再发放（第十条）"),
        "{july}"
    );
    assert!(!july.contains("本月合计"), "{july}");

    // Recorded by mistake: the operator withdraws it from its row (the
    // reviewer is not offered it), with a reason; corrected only by
    // recording it again. Once June's pay is approved it stands.
    let page_of = format!(
        "/corrections?town={T1}&year=2025&kind=exit&person={key}&on=2025-06-01&programme=young"
    );
    assert!(html.contains(&page_of.replace('&', "&#38;")), "{html}");
    assert!(
        !young_page(&h, &rev)
            .await
            .contains(&page_of.replace('&', "&#38;"))
    );
    let shown = get(&page_of).session(Some(&op.0)).send(&h).await;
    assert_eq!(shown.status, StatusCode::OK);
    let text = shown.text();
    assert!(
        text.contains("赵六 退出优才计划（2025-06-01，本人辞职）"),
        "{text}"
    );
    assert!(!text.contains("id=\"correct-form\"") && text.contains("id=\"withdraw-form\""));
    let withdraw = |who: &(String, String), action: &'static str| {
        let f = vec![
            ("csrf", who.1.clone()),
            ("key_town", T1.to_owned()),
            ("key_year", "2025".to_owned()),
            ("key_kind", "exit".to_owned()),
            ("key_person", key.clone()),
            ("key_on", "2025-06-01".to_owned()),
            ("key_programme", "young".to_owned()),
            ("seen", "0".to_owned()),
            ("action", action.to_owned()),
            ("reason", "误登记".to_owned()),
            ("ground", "discipline".to_owned()),
        ];
        let (h, who) = (&h, who.clone());
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, x)| (*k, x.as_str())).collect();
            post("/corrections")
                .form(&f)
                .session(Some(&who.0))
                .send(h)
                .await
        }
    };
    assert_eq!(
        withdraw(&rev, "withdraw").await.status,
        StatusCode::FORBIDDEN
    );
    expect(
        &withdraw(&op, "correct").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "年轻干部退出只能撤回",
    );
    // May's approved run came before the exit and does not hold it; June's
    // paid one does.
    let run = |m: time::Date, state| PayRun {
        month: m,
        town: TownCode::parse(T1).unwrap(),
        state,
        people: 1,
        total_fen: 420_000,
        example: false,
        comment: String::new(),
    };
    h.store
        .insert(
            "测试",
            &[
                run(date!(2025 - 05 - 01), PayState::Approved),
                run(date!(2025 - 06 - 01), PayState::Paid),
            ],
        )
        .await
        .unwrap();
    expect(
        &withdraw(&op, "withdraw").await,
        StatusCode::CONFLICT,
        "2025 年 6 月的补贴发放已发放，发放名单依据了这次退出（第十条、第十三条），不能再撤回",
    );
    h.store
        .upsert("测试", &[run(date!(2025 - 06 - 01), PayState::Computed)])
        .await
        .unwrap();
    // 孙八 joined on the place the exit freed: back, the town would be
    // over its cap of 1 (Article 10).
    let sun = YoungCadre {
        person: cid("37078320000202006"),
        village: VillageCode::parse("370783100202").unwrap(),
        programme_start: date!(2025 - 06 - 02),
        current_pay: "3000".parse().unwrap(),
        score: "88".parse().unwrap(),
        filed_on: None,
    };
    h.store
        .apply(
            "测试",
            &Batch {
                people: vec![Person {
                    id: sun.person.clone(),
                    name: "孙八".into(),
                    full_time_education: Some(Education::Bachelor),
                    in_service_education: None,
                }],
                young_cadres: vec![sun.clone()],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    expect(
        &withdraw(&op, "withdraw").await,
        StatusCode::CONFLICT,
        "2025-06-01 退出后，孙八 已于 2025-06-02 进入优才计划；撤回这次退出可能超过本镇街人数上限（第十条），不能撤回",
    );
    let mut tx = h.store.begin("测试").await.unwrap();
    tx.delete(&[sun]).await.unwrap();
    tx.commit().await.unwrap();
    let a = withdraw(&op, "withdraw").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(a.header("location"), Some(format!("/young?town={T1}")));
    assert!(h.store.list::<Exit>().await.unwrap().is_empty());
    db.finish().await;
}
both_backends!(young_exit, an_exit_is_recorded_on_the_page);

/// The town's yearly settings of the pay (镇街年度设置, Article 10) on the
/// page: the operator's form, a refused factor kept as typed next to the
/// reason, the recorded values shown again for correction; the reviewer
/// sees no form, another town's operator does not find the town.
async fn the_town_records_its_pay_settings(db: TestDb) {
    let h = harness(&db, true).await;
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;
    let page = young_page(&h, &op).await;
    assert!(page.contains("id=\"young-settings-form\""), "{page}");
    assert!(page.contains("尚未登记，本年度年轻干部报酬无法计算"));
    let rev_page = young_page(&h, &rev).await;
    assert!(!rev_page.contains("id=\"young-settings-form\""));
    assert!(rev_page.contains("尚未由镇街经办登记"));
    let settings = |salary: &'static str, factor: &'static str| {
        [
            ("action", "settings"),
            ("reference_salary", salary),
            ("factor", factor),
        ]
    };
    expect(
        &yng(&h, &rev, T1, &settings("4200", "0.8")).await,
        StatusCode::FORBIDDEN,
        "镇街经办",
    );
    assert_eq!(
        yng(&h, &op2, T1, &settings("4200", "0.8")).await.status,
        StatusCode::NOT_FOUND
    );
    let a = yng(&h, &op, T1, &settings("4200", "0.55")).await;
    expect(&a, StatusCode::UNPROCESSABLE_ENTITY, "不在 0.6–1 倍之内");
    let html = a.text();
    assert!(html.contains("value=\"4200\""), "the salary kept");
    assert!(html.contains("value=\"0.55\""), "the factor kept");
    assert!(h.store.list::<TownYear>().await.unwrap().is_empty());
    assert_eq!(
        yng(&h, &op, T1, &settings("4200", "0.8")).await.status,
        StatusCode::SEE_OTHER
    );
    let page = young_page(&h, &op).await;
    assert!(
        page.contains("value=\"4200.00\"") && page.contains("value=\"0.8\""),
        "{page}"
    );
    assert!(page.contains(">更正</button>"));
    assert!(!page.contains("尚未登记，本年度年轻干部报酬无法计算"));
    db.finish().await;
}
both_backends!(young_settings_form, the_town_records_its_pay_settings);

/// A filing made by mistake is taken back by the city, with a reason:
/// the cadre returns to the town off the programme and unpaid, the
/// secretary-reserve listing the filing made is withdrawn with it, and
/// the move and its reason stay in the history. A filing a pay run
/// approved after it relied on stands (Articles 10 and 13).
async fn a_filing_is_taken_back_unless_pay_relied_on_it(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &selection_records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let admin = sign_in(&h, "admin").await;
    let (r1, rq) = (h.person(&cid(P1)), h.person(&cid(Q)));
    let step = |key: &str, action: &'static str, kind: &'static str, seen: &'static str| {
        vec![
            ("action", action.to_owned()),
            ("person", key.to_owned()),
            ("kind", kind.to_owned()),
            ("seen", seen.to_owned()),
            ("score", "90".to_owned()),
            ("current_pay", "3000".to_owned()),
            ("note", String::new()),
            ("comment", String::new()),
        ]
    };
    async fn go(h: &Harness, who: &(String, String), v: &[(&'static str, String)]) -> Answer {
        let f: Vec<(&str, &str)> = v.iter().map(|(k, x)| (*k, x.as_str())).collect();
        yng(h, who, T1, &f).await
    }
    let ok = |a: Answer| assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    ok(go(&h, &op, &step(&r1, "score", "score", "")).await);
    ok(go(&h, &rev, &step(&r1, "move", "select", "candidate")).await);
    ok(go(&h, &admin, &step(&r1, "move", "file", "selected")).await);
    async fn pool(h: &Harness, p: &str) -> usize {
        let p = cid(p);
        let all: Vec<Reserve> = h.store.list().await.unwrap();
        all.iter().filter(|r| r.person == p).count()
    }
    assert_eq!(pool(&h, P1).await, 1, "the filing listed 一号 in the pool");

    // The city is offered it, with a danger look; the reason is required;
    // the town cannot.
    let html = get(&format!("/young?month=2025-06&town={T1}"))
        .session(Some(&admin.0))
        .send(&h)
        .await
        .text();
    assert!(html.contains("value=\"unfile\""), "{html}");
    assert!(
        html.contains("撤销第2村村委会 一号的年轻干部备案？"),
        "{html}"
    );
    let mut unfile = step(&r1, "move", "unfile", "filed");
    expect(
        &go(&h, &admin, &unfile).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "须写明撤销备案的原因",
    );
    unfile[7].1 = "评分材料有误，误报备案".into();
    expect(
        &go(&h, &rev, &unfile).await,
        StatusCode::FORBIDDEN,
        "市级管理员",
    );
    ok(go(&h, &admin, &unfile).await);
    let cadres: Vec<YoungCadre> = h.store.list().await.unwrap();
    assert!(cadres.iter().all(|y| y.person != cid(P1)), "{cadres:?}");
    assert_eq!(
        pool(&h, P1).await,
        0,
        "the pool listing went with the filing"
    );
    let candidates: Vec<YoungCandidate> = h.store.list().await.unwrap();
    let c = candidates.iter().find(|c| c.person == cid(P1)).unwrap();
    assert_eq!(
        (c.state, c.comment.as_str()),
        (YoungState::Returned, "评分材料有误，误报备案")
    );
    let html = young_page(&h, &op).await;
    assert!(
        html.contains("撤销备案") && html.contains("评分材料有误，误报备案"),
        "{html}"
    );
    // Sent again: no longer filed, nothing written.
    expect(&go(&h, &admin, &unfile).await, StatusCode::CONFLICT, "退回");

    // 钱七, filed by import since 2023-07: a pay run approved for May
    // 2025 paid her, so her filing stands.
    h.store
        .insert(
            "测试",
            &[PayRun {
                month: date!(2025 - 05 - 01),
                town: TownCode::parse(T1).unwrap(),
                state: PayState::Approved,
                people: 1,
                total_fen: 300_000,
                example: false,
                comment: String::new(),
            }],
        )
        .await
        .unwrap();
    let mut q = step(&rq, "move", "unfile", "filed");
    q[7].1 = "误报".into();
    expect(
        &go(&h, &admin, &q).await,
        StatusCode::CONFLICT,
        "2025 年 5 月的补贴发放已批准待发放，发放名单依据了这次备案（第十条、第十三条），不能撤销备案",
    );
    assert!(
        h.store
            .list::<YoungCadre>()
            .await
            .unwrap()
            .iter()
            .any(|y| y.person == cid(Q))
    );
}

both_backends!(young_unfile, a_filing_is_taken_back_unless_pay_relied_on_it);
