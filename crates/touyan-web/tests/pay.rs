//! The monthly subsidy run in the server (issue 5, item 6): computed by
//! the town from its filed list, reviewed, approved by the city, paid by
//! finance; refused on the policy's example amounts outside a demo; the
//! payment file and the printed list. On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_records::model::*;
use touyan_records::{CitizenId, TownCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

const MONTH: &str = "2025-06";

fn path() -> String {
    format!("/pay/{MONTH}/{T1}")
}

async fn act(
    h: &Harness,
    who: &(String, String),
    seen: &str,
    action: &str,
    comment: &str,
) -> Answer {
    post(&path())
        .form(&[
            ("csrf", who.1.as_str()),
            ("seen", seen),
            ("action", action),
            ("comment", comment),
        ])
        .session(Some(&who.0))
        .send(h)
        .await
}

/// The 2025 lists: A in tier 1 (town 1), C in tier 2 (town 2).
fn filed() -> Batch {
    let e = |t: &str, p, v: &str, tier| ListEntry {
        town: TownCode::parse(t).unwrap(),
        year: 2025,
        person: p,
        village: touyan_records::VillageCode::parse(v).unwrap(),
        tier,
        status: ListStatus::Filed,
    };
    Batch {
        list_entries: vec![e(T1, person_a(), V1, 1), e(T2, person_c(), V2, 2)],
        ..Batch::default()
    }
}

async fn a_month_is_computed_reviewed_approved_and_paid(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &filed()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let admin = sign_in(&h, "admin").await;
    let fin = sign_in(&h, "fin").await;
    let op2 = sign_in(&h, "op2").await;
    let month = time::macros::date!(2025 - 06 - 01);
    let t1 = TownCode::parse(T1).unwrap();

    // The page: A in tier 1 at the example policy's 1,500 yuan.
    let page = get(&path()).session(Some(&op.0)).send(&h).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for want in ["张三", "一档", "1500.00", "尚未计算", "示例值"] {
        assert!(html.contains(want), "{want} missing");
    }
    assert!(!html.contains("王五"), "another town's people");
    assert_eq!(
        get(&format!("/pay/{MONTH}/{T2}"))
            .session(Some(&op.0))
            .send(&h)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Example amounts in a database that is not a demo: refused.
    let a = act(&h, &op, "none", "compute", "").await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("示例值"), "{}", a.text());
    assert_eq!(h.store.pay_run(month, t1).await.unwrap(), None);
    // A demo database (records written by the demo) may compute them.
    h.store
        .log_export(touyan_web::demo::DEMO_DATA_ACTOR, "demo", "演示")
        .await
        .unwrap();

    // Who may not: another town, the reviewer, the city, finance.
    assert_eq!(
        act(&h, &op2, "none", "compute", "").await.status,
        StatusCode::NOT_FOUND
    );
    for who in [&rev, &admin, &fin] {
        assert_eq!(
            act(&h, who, "none", "compute", "").await.status,
            StatusCode::FORBIDDEN
        );
    }
    let computed = act(&h, &op, "none", "compute", "").await;
    assert_eq!(computed.status, StatusCode::SEE_OTHER);
    // Said on the next page (issue 18 item 4), with the new state.
    assert_eq!(
        computed.notice().as_deref(),
        Some("已计算：洛城街道 2025 年 6 月补贴发放，现为“已计算待审核”")
    );
    let run = h.store.pay_run(month, t1).await.unwrap().unwrap();
    assert_eq!(
        (run.state, run.people, run.total_fen, run.example),
        (PayState::Computed, 1, 150_000, true)
    );
    // The move's 办理人: the person's name beside the account.
    let html = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(html.contains("<td>op1 测试（op1）</td>"), "{html}");
    let paid = h.store.town_payments(month, t1).await.unwrap();
    assert_eq!(paid.len(), 1);
    assert_eq!(
        (paid[0].person.clone(), paid[0].amount_fen, paid[0].source),
        (person_a(), 150_000, FundingSource::City)
    );

    // A recompute keeps the state: a reviewer whose page showed the run
    // before it (one move) is refused, and the run stays computed.
    let with_moves = |who: &(String, String), action: &'static str, moves: &'static str| {
        post(&path())
            .form(&[
                ("csrf", who.1.as_str()),
                ("seen", "computed"),
                ("moves", moves),
                ("action", action),
                ("comment", ""),
            ])
            .session(Some(&who.0))
    };
    assert_eq!(
        with_moves(&op, "compute", "1").send(&h).await.status,
        StatusCode::SEE_OTHER
    );
    let a = with_moves(&rev, "review", "1").send(&h).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
    assert_eq!(
        h.store.pay_run(month, t1).await.unwrap().unwrap().state,
        PayState::Computed
    );
    assert_eq!(h.store.pay_moves(month, t1).await.unwrap().len(), 2);

    // Finance cannot pay before approval; the city returns once.
    assert_eq!(
        act(&h, &fin, "computed", "pay", "").await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        act(&h, &rev, "computed", "review", "").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&h, &admin, "reviewed", "return", "").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        act(&h, &admin, "reviewed", "return", "请核对人数")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&h, &op, "returned", "compute", "").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&h, &rev, "computed", "review", "").await.status,
        StatusCode::SEE_OTHER
    );
    // A stale page is refused.
    assert_eq!(
        act(&h, &admin, "computed", "approve", "").await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        act(&h, &admin, "reviewed", "approve", "").await.status,
        StatusCode::SEE_OTHER
    );
    // Approved: locked for the town.
    assert_eq!(
        act(&h, &op, "approved", "compute", "").await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        act(&h, &fin, "approved", "pay", "").await.status,
        StatusCode::SEE_OTHER
    );
    let run = h.store.pay_run(month, t1).await.unwrap().unwrap();
    assert_eq!((run.state, run.total_fen), (PayState::Paid, 150_000));

    // The overview for finance: town 1 paid, town 2 not computed.
    let o = get(&format!("/pay?month={MONTH}"))
        .session(Some(&fin.0))
        .send(&h)
        .await;
    assert_eq!(o.status, StatusCode::OK);
    let o = o.text();
    assert!(
        o.contains("已发放") && o.contains("尚未计算") && o.contains("1500.00"),
        "{o}"
    );
    // A town is sent to its own run.
    let a = get(&format!("/pay?month={MONTH}"))
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(a.header("location").as_deref(), Some(path().as_str()));

    // The history and the printed list.
    let page = get(&path()).session(Some(&fin.0)).send(&h).await.text();
    for want in [
        "计算发放",
        "镇街审核",
        "退回镇街",
        "请核对人数",
        "市级批准",
        "确认已发放",
        "fin",
    ] {
        assert!(page.contains(want), "{want} missing from the history");
    }
    let print = get(&format!("{}/print", path()))
        .session(Some(&fin.0))
        .send(&h)
        .await;
    assert_eq!(print.status, StatusCode::OK);
    let p = print.text();
    for want in [
        "村党组织书记专业化补贴发放表（2025-06）",
        "洛城街道",
        "1500.00",
        "市财政（签字）",
        // Issue 18, item 9: print and back to the pay page.
        "data-print id=\"print-button\">打印</button>",
    ] {
        assert!(p.contains(want), "{want} missing from the printed list");
    }
    assert!(p.contains(&format!(
        "<a href=\"{}\" id=\"print-back\">返回</a>",
        path()
    )));
    // The payment file from the page's form: an .xlsx for finance.
    let file = post("/exports")
        .form(&[
            ("csrf", fin.1.as_str()),
            ("kind", "payments"),
            ("month", MONTH),
            ("town", T1),
        ])
        .session(Some(&fin.0))
        .send(&h)
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.text());
    assert!(
        file.header("content-disposition")
            .unwrap_or_default()
            .contains(".xlsx")
    );

    // Town 2 computes C's tier-2 month (1,200 yuan under the example
    // policy); then C, and A of the paid town 1, leave before June. Both
    // pages say what changed; only the run still computed may be computed
    // again.
    let t2_path = format!("/pay/{MONTH}/{T2}");
    let a = post(&t2_path)
        .form(&[
            ("csrf", op2.1.as_str()),
            ("seen", "none"),
            ("action", "compute"),
            ("comment", ""),
        ])
        .session(Some(&op2.0))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let exit = |p| Exit {
        person: p,
        on: time::macros::date!(2025 - 05 - 20),
        reason: ExitReason::Other,
        note: String::new(),
        programme: Programme::Secretary,
    };
    h.store
        .apply(
            "测试",
            &Batch {
                exits: vec![exit(person_a()), exit(person_c())],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let paid = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(
        paid.contains("在已发放之后有变化：现应发 0.00 元，已保存 1500.00 元"),
        "{paid}"
    );
    assert!(!paid.contains("请重新计算"), "{paid}");
    let computed = get(&t2_path).session(Some(&op2.0)).send(&h).await.text();
    assert!(
        computed
            .contains("在已计算待审核之后有变化：现应发 0.00 元，已保存 1200.00 元，请重新计算"),
        "{computed}"
    );
    db.finish().await;
}
both_backends!(pay_run, a_month_is_computed_reviewed_approved_and_paid);

/// Young cadres of town 1 (Article 10): 李青 (full-time bachelor, current
/// pay below the standard), 赵明 (college, not full-time, current pay above
/// it), 孙立 (not yet filed); 钱多 of town 2.
fn young() -> Batch {
    let person = |id: CitizenId, name: &str, education, full_time: bool| Person {
        id,
        name: name.into(),
        full_time_education: full_time.then_some(education),
        in_service_education: (!full_time).then_some(education),
    };
    let cadre = |p: CitizenId, v: &str, current: &str, filed| YoungCadre {
        person: p,
        village: touyan_records::VillageCode::parse(v).unwrap(),
        programme_start: time::macros::date!(2025 - 01 - 01),
        current_pay: current.parse().unwrap(),
        score: "80".parse().unwrap(),
        filed_on: filed,
    };
    let filed = Some(time::macros::date!(2025 - 02 - 01));
    Batch {
        // Town 1 with seven administrative villages: a cap of 2 young
        // cadres (Article 10: 7 × 30% = 2.1, rounded down).
        villages: (1..=6)
            .map(|n| touyan_records::model::Village {
                code: touyan_records::VillageCode::parse(&format!("{T1}21{n}")).unwrap(),
                name: format!("{n}号村村委会"),
                kind: touyan_records::CommitteeKind::Villagers,
            })
            .collect(),
        people: vec![
            person(y1(), "李青", Education::Bachelor, true),
            person(y2(), "赵明", Education::College, false),
            person(y3(), "孙立", Education::Bachelor, true),
            person(y4(), "钱多", Education::Bachelor, true),
        ],
        young_cadres: vec![
            cadre(y1(), V1, "3000", filed),
            cadre(y2(), V1, "3500", filed),
            cadre(y3(), V1, "3000", None),
            cadre(y4(), V2, "3000", filed),
        ],
        ..Batch::default()
    }
}
fn y1() -> CitizenId {
    cid("37078320000101002")
}
fn y2() -> CitizenId {
    cid("37078319990505004")
}
fn y3() -> CitizenId {
    cid("37078320010707006")
}
fn y4() -> CitizenId {
    cid("37078320000909008")
}

/// Issue 5, item 6: the run pays the young cadres too. Town 1 sets a
/// reference salary of 4,000 yuan and a factor of 0.8: the base is 3,200;
/// 李青 adds 500 + 500 (4,200); 赵明's 3,500 is above 3,200 and is kept;
/// 孙立 is not filed. With 张三's 1,500 the run is 9,200 yuan: the city
/// 2,000 (张三 1,500, 李青 500), the town 7,200 (李青 3,700, 赵明 3,500).
async fn a_run_pays_the_young_cadres(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &filed()).await.unwrap();
    h.store.apply("测试", &young()).await.unwrap();
    h.store
        .log_export(touyan_web::demo::DEMO_DATA_ACTOR, "demo", "演示")
        .await
        .unwrap();
    let op = sign_in(&h, "op1").await;
    let month = time::macros::date!(2025 - 06 - 01);
    let t1 = TownCode::parse(T1).unwrap();

    // Without the town's settings for 2025 the young cadres' pay cannot
    // be computed: said on the page, the computation refused, nothing
    // written.
    let html = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(html.contains("年轻干部报酬无法计算"), "{html}");
    assert!(html.contains("镇街年度设置"), "{html}");
    let a = act(&h, &op, "none", "compute", "").await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("未计算"), "{}", a.text());
    assert_eq!(h.store.pay_run(month, t1).await.unwrap(), None);

    let settings = Batch {
        town_years: vec![TownYear {
            town: t1,
            year: 2025,
            reference_salary: "4000".parse().unwrap(),
            young_cadre_factor: "0.8".parse().unwrap(),
        }],
        ..Batch::default()
    };
    h.store.apply("测试", &settings).await.unwrap();
    let html = get(&path()).session(Some(&op.0)).send(&h).await.text();
    for want in [
        "李青",
        "赵明",
        "3200.00",
        "4200.00",
        "3500.00",
        "按高标准执行（第十条）",
        "参照工资 4000 元 × 系数 0.8（第十条）",
        "2 人，7700.00 元",
        "9200.00 元",
        "2 人，2000.00 元",
        "2 人，7200.00 元",
    ] {
        assert!(html.contains(want), "{want} missing");
    }
    assert!(!html.contains("孙立"), "not filed, not paid");
    assert!(!html.contains("钱多"), "another town's cadre");

    assert_eq!(
        act(&h, &op, "none", "compute", "").await.status,
        StatusCode::SEE_OTHER
    );
    let run = h.store.pay_run(month, t1).await.unwrap().unwrap();
    assert_eq!((run.people, run.total_fen), (3, 920_000));
    let mut paid: Vec<(String, PayKind, FundingSource, i64)> = h
        .store
        .town_payments(month, t1)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.person.as_str().to_owned(), r.kind, r.source, r.amount_fen))
        .collect();
    paid.sort_by(|a, b| (&a.0, a.1.code(), a.2.code()).cmp(&(&b.0, b.1.code(), b.2.code())));
    let mut want = vec![
        (
            person_a().as_str().to_owned(),
            PayKind::ProfessionalSubsidy,
            FundingSource::City,
            150_000,
        ),
        (
            y1().as_str().to_owned(),
            PayKind::YoungCadreBase,
            FundingSource::Town,
            320_000,
        ),
        (
            y1().as_str().to_owned(),
            PayKind::YoungCadreSubsidy,
            FundingSource::City,
            50_000,
        ),
        (
            y1().as_str().to_owned(),
            PayKind::YoungCadreSubsidy,
            FundingSource::Town,
            50_000,
        ),
        (
            y2().as_str().to_owned(),
            PayKind::YoungCadreBase,
            FundingSource::Town,
            350_000,
        ),
    ];
    want.sort_by(|a, b| (&a.0, a.1.code(), a.2.code()).cmp(&(&b.0, b.1.code(), b.2.code())));
    assert_eq!(paid, want);

    // 赵明's pay before the programme changes: the page says the run no
    // longer matches; computing again replaces his record.
    let mut changed = young();
    changed.people.clear();
    changed.young_cadres.retain(|y| y.person == y2());
    changed.young_cadres[0].current_pay = "3000".parse().unwrap();
    h.store.apply("测试", &changed).await.unwrap();
    let html = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(
        html.contains("现应发 8900.00 元，已保存 9200.00 元"),
        "{html}"
    );
    assert_eq!(
        act(&h, &op, "computed", "compute", "").await.status,
        StatusCode::SEE_OTHER
    );
    let run = h.store.pay_run(month, t1).await.unwrap().unwrap();
    assert_eq!(run.total_fen, 890_000);
    let zhao: Vec<i64> = h
        .store
        .town_payments(month, t1)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.person == y2())
        .map(|r| r.amount_fen)
        .collect();
    assert_eq!(zhao, vec![320_000]);

    // The printed list carries both tables and the sources.
    let p = get(&format!("{}/print", path()))
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    for want in [
        "年轻干部报酬小计（2 人）",
        "7400.00",
        "本月合计 8900.00 元",
        "镇街财政 2 人 6900.00 元",
    ] {
        assert!(p.contains(want), "{want} missing from the printed list");
    }
    db.finish().await;
}
both_backends!(young_pay, a_run_pays_the_young_cadres);
