//! Irreversible steps ask first (issue 18, item 3): on the list, pay,
//! evaluation and exits pages every move that files, approves, returns,
//! pays, closes or records an exit carries a question (`data-confirm`,
//! asked by `static/busy.js`) naming the town and what will happen; the
//! main step forward looks primary, a step back or an end looks
//! dangerous, a plain save asks nothing. The exit form starts empty, and
//! an exit without its grounds or day is refused, naming the field. On
//! SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, Village, both_backends};

const TOWN: &str = "洛城街道";

/// Every `<button …>` opening tag of `html`.
fn buttons(html: &str) -> Vec<&str> {
    html.match_indices("<button")
        .map(|(i, _)| {
            let rest = &html[i..];
            &rest[..=rest.find('>').expect("a tag's end")]
        })
        .collect()
}

/// The opening tag of the one button whose tag contains `marker` (as
/// `id="move-file"`).
fn button<'a>(html: &'a str, marker: &str) -> &'a str {
    let found: Vec<&str> = buttons(html)
        .into_iter()
        .filter(|t| t.contains(marker))
        .collect();
    assert_eq!(found.len(), 1, "one button {marker}: {found:?}\n{html}");
    found[0]
}

/// A tag's attribute (`None`: absent).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = format!(" {name}=\"");
    let (_, rest) = tag.split_once(&start)?;
    Some(&rest[..rest.find('"').expect("a closing quote")])
}

/// Asserts the button `marker` looks `look` and asks a question with
/// each of `words`; returns the question.
fn asks<'a>(html: &'a str, marker: &str, look: &str, words: &[&str]) -> &'a str {
    let tag = button(html, marker);
    let class = attr(tag, "class").unwrap_or_else(|| panic!("{marker} has no look: {tag}"));
    assert!(
        class.split(' ').any(|c| c == look),
        "{marker} should look {look}: {tag}"
    );
    let q = attr(tag, "data-confirm").unwrap_or_else(|| panic!("{marker} asks nothing: {tag}"));
    for w in words {
        assert!(q.contains(w), "{marker} asks without {w}: {q}");
    }
    q
}

/// Asserts the button `marker` looks `look` and asks nothing (a save).
fn plain(html: &str, marker: &str, look: &str) {
    let tag = button(html, marker);
    assert_eq!(attr(tag, "class"), Some(look), "{tag}");
    assert_eq!(
        attr(tag, "data-confirm"),
        None,
        "a save asks nothing: {tag}"
    );
}

async fn page(h: &Harness, who: &(String, String), path: &str) -> String {
    let a = get(path).session(Some(&who.0)).send(h).await;
    assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text());
    a.text()
}

async fn send(h: &Harness, who: &(String, String), path: &str, fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str())];
    pairs.extend_from_slice(fields);
    post(path).form(&pairs).session(Some(&who.0)).send(h).await
}

async fn the_lists_moves_ask_naming_the_town(db: TestDb) {
    let h = harness(&db, true).await;
    seed_proposals(&h.store).await;
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let admin = sign_in(&h, "admin").await;
    let path = format!("/lists/2025/{T1}");
    let list = format!("{TOWN} 2025 年名单");

    let html = page(&h, &op, &path).await;
    plain(&html, "id=\"move-save\"", "primary");
    let moved = send(&h, &op, &path, &[("seen", "none"), ("action", "save")]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
    let html = page(&h, &op, &path).await;
    asks(&html, "id=\"move-confirm\"", "primary", &[&list, "审核"]);
    asks(
        &html,
        "id=\"move-reset\"",
        "secondary",
        &[&list, "测算结果", "偏离理由将被替换"],
    );
    let moved = send(&h, &op, &path, &[("seen", "draft"), ("action", "confirm")]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());

    let html = page(&h, &rev, &path).await;
    asks(&html, "id=\"move-send_back\"", "danger", &[&list, "退回"]);
    asks(
        &html,
        "id=\"move-submit\"",
        "primary",
        &[&list, "第 1 版", "报送"],
    );
    let moved = send(
        &h,
        &rev,
        &path,
        &[("seen", "confirmed"), ("action", "submit")],
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());

    let html = page(&h, &admin, &path).await;
    asks(
        &html,
        "id=\"move-file\"",
        "primary",
        &[&list, "第 1 版", "备案"],
    );
    asks(&html, "id=\"move-return\"", "danger", &[&list, "退回镇街"]);
    // Every move on the page asks; every button of the page (the
    // header's aside) has its look.
    let main = &html[html.find("<main").expect("the page's content")..];
    for tag in buttons(main) {
        assert!(
            attr(tag, "class").is_some(),
            "a button without a look: {tag}"
        );
        if tag.contains("id=\"move-") {
            assert!(attr(tag, "data-confirm").is_some(), "{tag}");
        }
    }
    db.finish().await;
}
both_backends!(lists, the_lists_moves_ask_naming_the_town);

/// The 2025 list of town 1: A in tier 1.
fn filed() -> Batch {
    Batch {
        list_entries: vec![ListEntry {
            town: TownCode::parse(T1).unwrap(),
            year: 2025,
            person: person_a(),
            village: VillageCode::parse(V1).unwrap(),
            tier: 1,
            status: ListStatus::Filed,
        }],
        ..Batch::default()
    }
}

async fn the_pay_moves_ask_naming_the_town_month_and_sum(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &filed()).await.unwrap();
    // A demo database may compute the example amounts.
    h.store
        .log_export(touyan_web::demo::DEMO_DATA_ACTOR, "demo", "演示")
        .await
        .unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let admin = sign_in(&h, "admin").await;
    let fin = sign_in(&h, "fin").await;
    let path = format!("/pay/2025-06/{T1}");
    let run = format!("{TOWN} 2025-06 补贴发放");
    let step = |who: &(String, String), seen: &'static str, action: &'static str| {
        let (h, who, path) = (&h, who.clone(), path.clone());
        async move {
            let a = send(h, &who, &path, &[("seen", seen), ("action", action)]).await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{action}: {}", a.text());
        }
    };

    // Tier 1 at the example policy's 1,500 yuan.
    let html = page(&h, &op, &path).await;
    asks(
        &html,
        "id=\"pay-compute\"",
        "primary",
        &[&run, "1500.00 元"],
    );
    plain(&html, "id=\"pay-file\"", "secondary");
    step(&op, "none", "compute").await;
    let html = page(&h, &rev, &path).await;
    asks(
        &html,
        "id=\"pay-review\"",
        "primary",
        &[&run, "1 人，1500.00 元", "审核通过"],
    );
    step(&rev, "computed", "review").await;
    let html = page(&h, &admin, &path).await;
    asks(
        &html,
        "id=\"pay-approve\"",
        "primary",
        &[&run, "1 人，1500.00 元", "批准"],
    );
    asks(&html, "id=\"pay-return\"", "danger", &[&run, "退回镇街"]);
    step(&admin, "reviewed", "approve").await;
    let html = page(&h, &fin, &path).await;
    asks(
        &html,
        "id=\"pay-pay\"",
        "primary",
        &[&run, "1 人，1500.00 元", "已经发放", "不能撤回"],
    );
    db.finish().await;
}
both_backends!(pay, the_pay_moves_ask_naming_the_town_month_and_sum);

async fn the_evaluations_moves_ask_naming_the_town_and_half(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &filed()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let path = format!("/evaluations/2025/1/{T1}");
    let evaluation = format!("{TOWN} 2025 年上半年胜任度评价");

    let html = page(&h, &op, &path).await;
    asks(&html, "id=\"eval-open\"", "primary", &["开始", &evaluation]);
    let a = send(&h, &op, &path, &[("seen", "none"), ("action", "open")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let html = page(&h, &op, &path).await;
    plain(&html, "id=\"eval-raters\"", "primary");
    let key = h.person(&person_a());
    let (p, q) = (
        format!("raters_{key}_party_members"),
        format!("raters_{key}_public_reps"),
    );
    let fields = [
        ("seen", "open"),
        ("action", "raters"),
        (p.as_str(), "3"),
        (q.as_str(), "10"),
    ];
    let a = send(&h, &op, &path, &fields).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());

    let html = page(&h, &rev, &path).await;
    asks(
        &html,
        "id=\"eval-raters_confirm\"",
        "primary",
        &[&evaluation, "评价人数", "第 1 次录入，录入人 op1"],
    );
    asks(
        &html,
        "id=\"eval-close\"",
        "primary",
        &["结束", &evaluation, "不能再投票"],
    );
    let a = send(
        &h,
        &rev,
        &path,
        &[
            ("seen", "open"),
            ("action", "raters_confirm"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    // A new batch of codes names how many it prints, as typed.
    let html = page(&h, &op, &path).await;
    plain(&html, "id=\"eval-paper\"", "primary");
    asks(
        &html,
        "id=\"eval-codes\"",
        "primary",
        &[
            &evaluation,
            "党员 {codes_party_members} 个",
            "群众代表 {codes_public_reps} 个",
        ],
    );
    db.finish().await;
}
both_backends!(
    evaluations,
    the_evaluations_moves_ask_naming_the_town_and_half
);

const V3: &str = "370783100203";

/// 周九, born 1960: past the example policy's age limit, on town 1's
/// filed 2025 list with A.
fn exit_records() -> Batch {
    let e = cid("37078319600101007");
    let entry = |p, v: &str| ListEntry {
        town: TownCode::parse(T1).unwrap(),
        year: 2025,
        person: p,
        village: VillageCode::parse(v).unwrap(),
        tier: 3,
        status: ListStatus::Filed,
    };
    Batch {
        villages: vec![Village {
            code: VillageCode::parse(V3).unwrap(),
            name: "北村村委会".into(),
            kind: CommitteeKind::Villagers,
        }],
        people: vec![Person {
            id: e.clone(),
            name: "周九".into(),
            full_time_education: None,
            in_service_education: Some(Education::SeniorMiddle),
        }],
        posts: vec![Post {
            person: e.clone(),
            village: VillageCode::parse(V3).unwrap(),
            role: PostRole::Secretary,
            start: date!(2015 - 01 - 01),
            end: None,
        }],
        list_entries: vec![entry(person_a(), V1), entry(e, V3)],
        ..Batch::default()
    }
}

async fn an_exit_starts_empty_asks_and_is_refused_without_grounds_or_day(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &exit_records()).await.unwrap();
    let rev = sign_in(&h, "rev1").await;
    let html = page(&h, &rev, "/exits?year=2025").await;
    let table = &html[html.find("id=\"exits\"").expect("the table")..];
    let forms: Vec<&str> = table
        .split("<form method=\"post\" action=\"/exits\">")
        .skip(1)
        .map(|f| &f[..f.find("</form>").expect("a form's end")])
        .collect();
    assert_eq!(forms.len(), 2, "one form per listed secretary: {table}");
    for f in &forms {
        // No grounds chosen, no day: the first option is the empty one
        // and the only one selected; the day is blank.
        let select = &f[f.find("<select name=\"reason\"").expect("the grounds")..];
        let first = &select[select.find("<option").unwrap()..];
        assert!(
            first.starts_with("<option value=\"\" selected>请选择退出原因</option>"),
            "{select}"
        );
        assert_eq!(select.matches(" selected").count(), 1, "{select}");
        let date = &f[f.find("<input name=\"date\"").expect("the day")..];
        let date = &date[..date.find('>').unwrap()];
        assert!(!date.contains("value="), "a day is prefilled: {date}");
        assert!(!f.contains("2025-06-02"), "today is prefilled: {f}");
    }
    let zhou = forms
        .iter()
        .find(|f| f.contains("周九"))
        .expect("周九's form");
    asks(
        zhou,
        "class=\"danger\"",
        "danger",
        &[
            "周九",
            TOWN,
            "2025 年专业化管理",
            "{reason}",
            "{date}",
            // Withdrawn only with a reason, before the pay relying on it
            // is approved (the corrections page).
            "写明原因更正或撤回",
        ],
    );

    let e = h.person(&cid("37078319600101007"));
    let exit = |reason: &'static str, day: &'static str| {
        let (h, rev, e) = (&h, rev.clone(), e.clone());
        async move {
            let fields = [
                ("year", "2025"),
                ("town", T1),
                ("person", e.as_str()),
                ("reason", reason),
                ("date", day),
                ("note", ""),
            ];
            send(h, &rev, "/exits", &fields).await
        }
    };
    for (reason, day, said) in [
        ("", "2025-06-01", "请选择退出原因"),
        ("", "", "请选择退出原因"),
        ("age", "", "请填写退出日期"),
    ] {
        let a = exit(reason, day).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{reason} {day}");
        assert!(a.text().contains(said), "{said} missing: {}", a.text());
    }
    assert!(h.store.list::<Exit>().await.unwrap().is_empty());
    let a = exit("age", "2025-06-01").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(h.store.list::<Exit>().await.unwrap().len(), 1);
    db.finish().await;
}
both_backends!(
    exits,
    an_exit_starts_empty_asks_and_is_refused_without_grounds_or_day
);
