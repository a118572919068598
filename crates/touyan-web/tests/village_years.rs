//! The year start explained in the server (issue 18, item 8): a village's
//! yearly facts (村年度情况) recorded and corrected on the village's page
//! by the town's operator and the city's administrator, checked as the
//! workbook's sheet is (a refused form keeps what was typed, each problem
//! beside its field); the town's reviewer refused, another town's village
//! missing. The list page and the city's overview say who the year's
//! proposal leaves out for want of those facts, with a link to the form.
//! On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_storage::testing::TestDb;
use touyan_storage::{Action, both_backends};

/// The form's fields: 年度, 党组织星级, 集体经济收入（万元）, 综合考核得分,
/// 综合考核名次 (the 村年度情况 sheet's columns 1–5).
fn facts<'a>(
    csrf: &'a str,
    year: &'a str,
    stars: &'a str,
    income: &'a str,
    score: &'a str,
    rank: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("c1", year),
        ("c2", stars),
        ("c3", income),
        ("c4", score),
        ("c5", rank),
    ]
}

async fn logged(h: &Harness) -> Vec<touyan_storage::Change> {
    h.store.changes(Some("village_years")).await.unwrap()
}

fn has(html: &str, wants: &[&str]) {
    for want in wants {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
}

/// By hand: the form opens empty (a year asked for, as the list page's
/// link asks it, fills the year). Bad values are refused in the import's
/// words beside their fields, every value kept; good ones are saved, and
/// saved again with other values they correct the year's row (the change
/// log keeps the old one; the row's 更正 opens the form with its values);
/// the same again changes nothing.
async fn the_operator_records_and_corrects(db: TestDb) {
    let h = harness(&db, true).await;
    let page = format!("/villages/{V1}");
    let to = format!("/villages/{V1}/years");
    let (op, csrf) = sign_in(&h, "op1").await;
    let html = get(&page).session(Some(&op)).send(&h).await.text();
    has(
        &html,
        &[
            "id=\"village-year-form\"",
            "name=\"c1\" id=\"c1\" value=\"\"",
            "name=\"c2\" id=\"c2\" value=\"\"",
            "整数，0–5；未评星填 0",
            "非负数，最多 2 位小数",
            "党组织星级（必填）",
        ],
    );
    let asked = get(&format!("{page}?year=2024"))
        .session(Some(&op))
        .send(&h)
        .await
        .text();
    has(
        &asked,
        &[
            "name=\"c1\" id=\"c1\" value=\"2024\"",
            "name=\"c2\" id=\"c2\" value=\"\"",
        ],
    );
    assert!(!asked.contains("village-year-correcting"));

    let bad = post(&to)
        .form(&facts(&csrf, "2024", "6", "12.345", "", "abc"))
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    has(
        &bad.text(),
        &[
            "id=\"village-year-error\">未保存，请更正以下 3 处：党组织星级：6 超出范围 0–5；集体经济收入（万元）：“12.345”最多 2 位小数；综合考核名次：“abc”不是整数</p>",
            "<span class=\"error\" id=\"c2-error\">6 超出范围 0–5</span>",
            "<span class=\"error\" id=\"c3-error\">“12.345”最多 2 位小数</span>",
            "<span class=\"error\" id=\"c5-error\">“abc”不是整数</span>",
            "name=\"c1\" id=\"c1\" value=\"2024\"",
            "name=\"c2\" id=\"c2\" value=\"6\"",
            "name=\"c3\" id=\"c3\" value=\"12.345\"",
            "name=\"c5\" id=\"c5\" value=\"abc\"",
        ],
    );
    assert!(!bad.text().contains("c4-error"));
    let blank = post(&to)
        .form(&facts(&csrf, "2024", "", "", "", ""))
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    has(
        &blank.text(),
        &["“党组织星级”必须填写", "“集体经济收入（万元）”必须填写"],
    );
    assert!(logged(&h).await.is_empty());

    let saved = post(&to)
        .form(&facts(&csrf, "2024", "4", "30.5", "88", "1"))
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let back = saved.header("location").unwrap();
    assert_eq!(
        back,
        format!("/villages/{V1}?saved=2024&how=new#village-years")
    );
    let html = get(&back).session(Some(&op)).send(&h).await.text();
    has(
        &html,
        &[
            "已保存 2024 年村情。",
            &format!("<a href=\"/lists/2025/{T1}\">2025 年度名单"),
            "<tr><td>2024</td><td>4</td><td>30.5</td><td>88</td><td>1</td>",
            &format!("/villages/{V1}?year=2024#village-year-form\">更正</a>"),
        ],
    );
    let log = logged(&h).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].actor.as_str(), log[0].action),
        ("op1", Action::Insert)
    );

    // The correction: five stars, no rank; the change log keeps the four.
    let fixed = post(&to)
        .form(&facts(&csrf, "2024", "5", "30.5", "88", ""))
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(
        fixed.header("location").unwrap(),
        format!("/villages/{V1}?saved=2024&how=corrected#village-years")
    );
    let log = logged(&h).await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].action, Action::Update);
    assert!(log[1].before.as_deref().unwrap().contains("\"stars\":4"));
    assert!(log[1].after.as_deref().unwrap().contains("\"stars\":5"));
    let html = get(&format!("{page}?year=2024"))
        .session(Some(&op))
        .send(&h)
        .await
        .text();
    has(
        &html,
        &[
            "<tr><td>2024</td><td>5</td><td>30.5</td><td>88</td><td>未排名</td>",
            "正在更正 2024 年的记录",
            "name=\"c2\" id=\"c2\" value=\"5\"",
            "name=\"c3\" id=\"c3\" value=\"30.5\"",
            "name=\"c5\" id=\"c5\" value=\"\"",
        ],
    );
    let same = post(&to)
        .form(&facts(&csrf, "2024", "5", "30.50", "88.0", ""))
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(
        same.header("location").unwrap(),
        format!("/villages/{V1}?saved=2024&how=same#village-years")
    );
    assert_eq!(logged(&h).await.len(), 2);
    db.finish().await;
}

/// The town's reviewer sees the facts without a form and is refused by
/// name (with what was typed written nowhere); another town's operator
/// finds no such village, nor does anyone a village that does not exist;
/// the city's administrator records any town's; without the token
/// nothing is written.
async fn who_may_record(db: TestDb) {
    let h = harness(&db, true).await;
    let to = format!("/villages/{V1}/years");
    let (rev, rev_csrf) = sign_in(&h, "rev1").await;
    let html = get(&format!("/villages/{V1}"))
        .session(Some(&rev))
        .send(&h)
        .await
        .text();
    assert!(!html.contains("village-year-form"), "{html}");
    has(&html, &["村年度情况由市级管理员或本镇街经办登记"]);
    let as_rev = post(&to)
        .form(&facts(&rev_csrf, "2024", "4", "30", "", ""))
        .session(Some(&rev))
        .send(&h)
        .await;
    assert_eq!(as_rev.status, StatusCode::FORBIDDEN);
    has(
        &as_rev.text(),
        &[
            "村年度情况（星级、集体经济收入、综合考核）由市级管理员或本镇街经办登记（第一条、第十三条），镇街审核不能登记",
        ],
    );
    let (op2, op2_csrf) = sign_in(&h, "op2").await;
    let other = get(&format!("/villages/{V1}"))
        .session(Some(&op2))
        .send(&h)
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let as_op2 = post(&to)
        .form(&facts(&op2_csrf, "2024", "4", "30", "", ""))
        .session(Some(&op2))
        .send(&h)
        .await;
    assert_eq!(as_op2.status, StatusCode::NOT_FOUND);
    let (op, csrf) = sign_in(&h, "op1").await;
    let nowhere = post(&format!("/villages/{V_MISSING}/years"))
        .form(&facts(&csrf, "2024", "4", "30", "", ""))
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    let no_token = post(&to)
        .form(&facts("", "2024", "4", "30", "", "")[1..])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert!(logged(&h).await.is_empty());
    let (admin, admin_csrf) = sign_in(&h, "admin").await;
    let as_admin = post(&format!("/villages/{V2}/years"))
        .form(&facts(&admin_csrf, "2024", "3", "12", "", "2"))
        .session(Some(&admin))
        .send(&h)
        .await;
    assert_eq!(
        as_admin.status,
        StatusCode::SEE_OTHER,
        "{}",
        as_admin.text()
    );
    let log = logged(&h).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor, "admin");
    assert_eq!(log[0].key, format!("{V2}/2024"));
    db.finish().await;
}

/// By hand: the 2025 list is decided from the facts of 2024, of which
/// neither village has any. Before a proposal, town 1's page says 张三
/// (东村村委会) will be left out and links to V1's form for 2024; the
/// city's overview counts one in each town. The operator's proposal
/// leaves 张三 out and the list page says so; once V1's 2024 is recorded
/// it says the proposal predates the record and offers the re-run; the
/// re-run puts 张三 on the list and the page has nobody left out.
async fn the_list_page_says_who_is_left_out(db: TestDb) {
    let h = harness(&db, true).await;
    let list = format!("/lists/2025/{T1}");
    let (op, csrf) = sign_in(&h, "op1").await;
    let missing =
        "东村村委会 张三：缺少 2024 年村情（星级、集体经济收入、综合考核名次），不参与测算";
    let form_link =
        format!("<a href=\"/villages/{V1}?year=2024#village-year-form\">登记 2024 年村情</a>");
    let none = get(&list).session(Some(&op)).send(&h).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    has(&none.text(), &["id=\"list-unjudged\"", missing, &form_link]);

    let (admin, _) = sign_in(&h, "admin").await;
    let overview = get("/lists?year=2025")
        .session(Some(&admin))
        .send(&h)
        .await
        .text();
    has(
        &overview,
        &[
            "2 个镇街区共 2 名书记缺少 2024 年村情",
            &format!("<a href=\"/lists/2025/{T1}#list-unjudged\">1 人缺少 2024 年村情</a>"),
            &format!("<a href=\"/lists/2025/{T2}#list-unjudged\">1 人缺少 2024 年村情</a>"),
        ],
    );

    let run = post("/lists/propose")
        .form(&[("csrf", csrf.as_str()), ("year", "2025")])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(run.status, StatusCode::SEE_OTHER, "{}", run.text());
    let html = get(&list).session(Some(&op)).send(&h).await.text();
    has(
        &html,
        &["1 名书记不在本年度建议名单上", missing, &form_link],
    );
    assert!(
        !html.contains("<a href=\"/people/"),
        "nobody on the list:\n{html}"
    );
    // The reviewer is told who records the facts.
    let (rev, _) = sign_in(&h, "rev1").await;
    let html = get(&list).session(Some(&rev)).send(&h).await.text();
    has(
        &html,
        &[
            missing,
            "查看村情（由本镇街经办或市级管理员登记 2024 年村情）",
        ],
    );

    let saved = post(&format!("/villages/{V1}/years"))
        .form(&facts(&csrf, "2024", "5", "80", "", "1"))
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let html = get(&list).session(Some(&op)).send(&h).await.text();
    has(
        &html,
        &[
            "东村村委会 张三：测算后记录有变化（如补录村情、任职），重新测算建议名单后参与测算",
            "<a href=\"#propose-form\">重新测算建议名单</a>",
        ],
    );
    assert!(!html.contains(missing));
    let overview = get("/lists?year=2025")
        .session(Some(&admin))
        .send(&h)
        .await
        .text();
    has(&overview, &["1 个镇街区共 1 名书记缺少 2024 年村情"]);

    let run = post("/lists/propose")
        .form(&[("csrf", csrf.as_str()), ("year", "2025"), ("town", T1)])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(run.status, StatusCode::SEE_OTHER, "{}", run.text());
    let html = get(&list).session(Some(&op)).send(&h).await.text();
    assert!(!html.contains("list-unjudged"), "{html}");
    has(
        &html,
        &[&format!(
            "<a href=\"/people/{}\">张三</a>",
            h.person(&person_a())
        )],
    );
    db.finish().await;
}

both_backends!(records, the_operator_records_and_corrects);
both_backends!(who, who_may_record);
both_backends!(list_page, the_list_page_says_who_is_left_out);
