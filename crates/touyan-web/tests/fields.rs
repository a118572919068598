//! Input that fits people (issue 18, item 5), in the server: every date
//! field is marked for the date picker of `static/fields.js` and takes the
//! import's forms; people are offered with their village and masked ID
//! number (never the whole number) in lists marked for the search box; a
//! length limit is stated on the field (`data-max`, no `maxlength` that
//! cuts a pasted text) and a text over it is refused with its length,
//! nothing written, never cut; a new person's education and the other
//! choices that state a fact about a person start empty and are refused
//! empty. On SQLite and PostgreSQL.
//!
//! The test clock's day in China is 2025-06-02.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::VillageCode;
use touyan_records::model::{ListEntry, ListStatus, Reserve, Secondment, WorkRecord};
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};
use touyan_web::pages::masked;

type Who = (String, String);

/// 张三 (A) on town 1's filed list of 2025 (the secondment form offers
/// the year's filed secretaries).
fn filed() -> Batch {
    Batch {
        list_entries: vec![ListEntry {
            town: touyan_records::TownCode::parse(T1).unwrap(),
            year: 2025,
            person: person_a(),
            village: VillageCode::parse(V1).unwrap(),
            tier: 3,
            status: ListStatus::Filed,
        }],
        ..Batch::default()
    }
}

async fn page(h: &Harness, who: &Who, path: &str) -> String {
    let a = get(path).session(Some(&who.0)).send(h).await;
    assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text());
    a.text()
}

async fn send(h: &Harness, who: &Who, path: &str, fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str())];
    pairs.extend_from_slice(fields);
    post(path).form(&pairs).session(Some(&who.0)).send(h).await
}

#[track_caller]
fn refused(a: &Answer, says: &str) {
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    assert!(a.text().contains(says), "{says} missing:\n{}", a.text());
}

/// The `<input …>` tags of a page.
fn inputs(html: &str) -> Vec<&str> {
    html.match_indices("<input ")
        .map(|(i, _)| {
            let rest = &html[i..];
            &rest[..rest.find('>').map_or(rest.len(), |j| j + 1)]
        })
        .collect()
}

/// The date fields of a page (by their names), each with whether it is
/// marked `class="date"`.
fn date_fields(html: &str) -> Vec<(String, bool)> {
    const DAYS: [&str; 10] = [
        "date",
        "start",
        "end",
        "since",
        "listed_on",
        "meeting_on",
        "notice_start",
        "notice_end",
        "from",
        "to",
    ];
    inputs(html)
        .into_iter()
        .filter(|t| !t.contains("type=\"hidden\""))
        .filter_map(|t| {
            let name = t.split("name=\"").nth(1)?.split('"').next()?;
            (DAYS.contains(&name) || name.starts_with("reflection_"))
                .then(|| (name.to_owned(), t.contains("class=\"date\"")))
        })
        .collect()
}

#[track_caller]
fn all_dates_marked(html: &str, at_least: usize, what: &str) {
    let dates = date_fields(html);
    assert!(
        dates.len() >= at_least,
        "{what}: {} date fields, expected {at_least}: {dates:?}",
        dates.len()
    );
    let unmarked: Vec<_> = dates.iter().filter(|(_, marked)| !marked).collect();
    assert!(unmarked.is_empty(), "{what}: not marked: {unmarked:?}");
    assert!(
        !html.contains("maxlength"),
        "{what}: a maxlength cuts silently"
    );
}

async fn fields_state_their_forms_people_and_limits(db: TestDb) {
    let h = harness(&db, true).await;
    seed_proposals(&h.store).await;
    h.store.apply("测试", &filed()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let aud = sign_in(&h, "aud").await;
    let a = person_a();
    // 张三 as a list offers him: village, name, masked number.
    let offered = format!("东村村委会 张三 {}", masked(&a));
    assert_eq!(offered, "东村村委会 张三 370783********0011");

    // The reserves page: its six date fields (worklog and unreserve rows
    // need records), the secretary and the person lists searchable and
    // empty at first, the limits stated.
    let html = page(&h, &op, "/reserves?year=2025").await;
    all_dates_marked(&html, 4, "reserves");
    for want in [
        "<label>书记<select name=\"person\" required data-search><option value=\"\">请选择</option>",
        "<label>本镇街人员<select name=\"person\" required data-search><option value=\"\">请选择</option>",
        &format!(">{offered}</option>"),
        "<select name=\"level\" required><option value=\"\">请选择</option>",
        "<select name=\"village\" required><option value=\"\">请选择</option>",
        "<select name=\"post\" required><option value=\"\">请选择</option>",
        // Neither education is asserted: both start empty, 无 is chosen.
        "<select name=\"full_time_education\" required><option value=\"\">请选择</option><option value=\"none\">无学历</option>",
        "<select name=\"in_service_education\" required><option value=\"\">请选择</option><option value=\"none\">无</option><option value=\"primary\">小学</option>",
        "<input name=\"name\" data-max=\"30\"",
        "<input name=\"host\" data-max=\"100\"",
        "<input name=\"id_number\" size=\"18\"",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    assert!(!html.contains(a.as_str()), "never the whole number");
    let html = page(&h, &rev, "/reserves?year=2025").await;
    assert!(html.contains("<textarea name=\"summary\" data-max=\"2000\""));
    all_dates_marked(&html, 1, "reserves (reviewer)");

    // Daily management: seven forms with a searchable secretary each, the
    // outcome, level and kind asked.
    let html = page(&h, &op, "/daily").await;
    all_dates_marked(&html, 8, "daily");
    assert_eq!(
        html.matches(
            "<select name=\"person\" required data-search><option value=\"\">请选择</option>"
        )
        .count(),
        7,
        "{html}"
    );
    assert_eq!(html.matches(&format!(">{offered}</option>")).count(), 7);
    for want in [
        "<select name=\"outcome\" required><option value=\"\">请选择</option>",
        "<select name=\"level\" required><option value=\"\">请选择</option>",
        "<select name=\"kind\" required><option value=\"\">请选择</option>",
        "<input name=\"text\" data-max=\"500\"",
    ] {
        assert!(html.contains(want), "{want} missing");
    }
    assert!(!html.contains(a.as_str()));
    // A person's own page offers them alone, chosen (no search box).
    let own = page(&h, &op, &format!("/daily/{}", h.person(&a))).await;
    assert!(own.contains("<select name=\"person\" required><option value=\""));
    assert!(!own.contains("data-search"));

    // Qualifications: the cadre searchable; the course and the result
    // asked (合格 is not assumed).
    let html = page(&h, &op, &format!("/qualifications?town={T1}")).await;
    all_dates_marked(&html, 1, "qualifications");
    for want in [
        "<select name=\"person\" required data-search><option value=\"\">请选择</option>",
        &format!(">{offered}</option>"),
        "<select name=\"course\" required><option value=\"\">请选择</option>",
        "<select name=\"result\" required><option value=\"\">请选择</option><option value=\"pass\">合格</option>",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }

    // Training, the plan, the list, the policy and the audit pages.
    let html = page(&h, &op, "/training?year=2025").await;
    all_dates_marked(&html, 2, "training");
    let plan = format!("/plans/2025/{}", h.person(&a));
    let html = page(&h, &op, &plan).await;
    assert!(
        html.contains("（不超过 5000 字）<textarea name=\"content\" rows=\"12\" data-max=\"5000\"")
    );
    all_dates_marked(&html, 0, "plan");
    let html = page(&h, &op, &format!("/lists/2025/{T1}")).await;
    assert!(!html.contains("maxlength"), "list");
    all_dates_marked(&page(&h, &op, "/policy").await, 1, "policy");
    // The audit takes the import's forms of a date.
    let html = page(&h, &aud, "/audit?from=2025%E5%B9%B46%E6%9C%881%E6%97%A5").await;
    all_dates_marked(&html, 2, "audit");
    assert!(!html.contains("不是有效日期"), "2025年6月1日 is a date");
    let html = page(&h, &aud, "/audit?from=2025-13-01").await;
    assert!(html.contains(&format!(
        "起始日 2025-13-01 不是有效日期（可填 {}），已忽略",
        touyan_records::text::DAY_FORMS
    )));

    // The script that adds the pickers, search boxes and counters, with
    // the server's own list of the date forms.
    let js = get("/static/fields.js").send(&h).await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(
        js.header("content-type").as_deref(),
        Some("text/javascript; charset=utf-8")
    );
    assert!(js.text().contains(&format!(
        "var DAY_FORMS = '{}';",
        touyan_records::text::DAY_FORMS
    )));
    assert!(
        page(&h, &op, "/")
            .await
            .contains("<script src=\"/static/fields.js\"></script>"),
        "every page loads it"
    );
    db.finish().await;
}
both_backends!(stated, fields_state_their_forms_people_and_limits);

async fn long_texts_and_unmade_choices_are_refused(db: TestDb) {
    let h = harness(&db, true).await;
    seed_proposals(&h.store).await;
    h.store.apply("测试", &filed()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let a = h.person(&person_a());

    // A new reserve: a name of 31 characters is refused with its length,
    // not cut to 30; nothing is written.
    let sun = cid("37078319920303006");
    let name31 = "欧".repeat(31);
    let new_person = |name: &'static str, full_time: &'static str, in_service: &'static str| {
        [
            ("year", "2025"),
            ("town", T1),
            ("action", "reserve"),
            ("village", V1),
            ("post", "secretary"),
            ("person", ""),
            ("id_number", sun.as_str()),
            ("name", name),
            ("full_time_education", full_time),
            ("in_service_education", in_service),
            ("listed_on", "2025年5月1日"),
        ]
    };
    let name31: &'static str = name31.leak();
    refused(
        &send(&h, &op, "/reserves", &new_person(name31, "college", "none")).await,
        "新人员的姓名不能超过 30 字（现有 31 字）",
    );
    // Neither education is taken when none is chosen.
    refused(
        &send(&h, &op, "/reserves", &new_person("孙八", "college", "")).await,
        "请选择新人员的在职学历（没有在职学历的选“无”）",
    );
    refused(
        &send(&h, &op, "/reserves", &new_person("孙八", "", "none")).await,
        "请选择新人员的全日制学历",
    );
    assert!(!h.store.person_known(&sun).await.unwrap());
    assert!(h.store.list::<Reserve>().await.unwrap().is_empty());
    // 30 characters are kept whole; 无 in service is none, the listing
    // day typed as 2025年5月1日.
    let name30: &'static str = "欧".repeat(30).leak();
    let a_ok = send(&h, &op, "/reserves", &new_person(name30, "college", "none")).await;
    assert_eq!(a_ok.status, StatusCode::SEE_OTHER, "{}", a_ok.text());
    let people: Vec<touyan_records::model::Person> = h.store.list().await.unwrap();
    let sun_person = people.iter().find(|p| p.id == sun).unwrap();
    assert_eq!(sun_person.name, name30);
    assert_eq!(
        (
            sun_person.full_time_education,
            sun_person.in_service_education
        ),
        (Some(touyan_rules::people::Education::College), None)
    );
    let reserves = h.store.list::<Reserve>().await.unwrap();
    assert_eq!(reserves.len(), 1);
    assert_eq!(reserves[0].listed_on, date!(2025 - 05 - 01));

    // A secondment's host unit of 101 characters; an empty level.
    let host101: &'static str = "局".repeat(101).leak();
    let secondment = |level: &'static str, host: &'static str| {
        [
            ("year", "2025"),
            ("town", T1),
            ("action", "secondment"),
            ("person", a.as_str()),
            ("level", level),
            ("host", host),
            ("start", "2025/3/1"),
            ("end", "20250430"),
        ]
    };
    refused(
        &send(&h, &op, "/reserves", &secondment("city", host101)).await,
        "挂职单位不能超过 100 字（现有 101 字）",
    );
    refused(
        &send(&h, &op, "/reserves", &secondment("", "市农业农村局")).await,
        "请选择挂职层级",
    );
    assert!(h.store.list::<Secondment>().await.unwrap().is_empty());

    // Daily: a work record of 501 characters; no secretary chosen.
    let text501: &'static str = "访".repeat(501).leak();
    let work = |person: &'static str, text: &'static str| {
        [
            ("town", T1),
            ("what", "work"),
            ("person", person),
            ("date", "2025.6.1"),
            ("text", text),
        ]
    };
    let me: &'static str = a.clone().leak();
    refused(
        &send(&h, &op, "/daily", &work(me, text501)).await,
        "工作纪实内容不能超过 500 字（现有 501 字）",
    );
    refused(
        &send(&h, &op, "/daily", &work("", "走访")).await,
        "请选择书记",
    );
    assert!(h.store.list::<WorkRecord>().await.unwrap().is_empty());

    // An exam's result is asked, never taken as passed.
    let exam = [
        ("town", T1),
        ("action", "exam"),
        ("person", me),
        ("course", "party_building"),
        ("date", "2025-05-10"),
        ("result", ""),
    ];
    refused(
        &send(&h, &op, "/qualifications", &exam).await,
        "请选择考试结果",
    );

    // A plan of 5001 characters: refused with its length, shown back
    // whole to be shortened, nothing written; 5000 are kept whole.
    let plan = format!("/plans/2025/{a}");
    let long = "计".repeat(5001);
    let a_long = send(
        &h,
        &op,
        &plan,
        &[("seen", "none"), ("action", "save"), ("content", &long)],
    )
    .await;
    refused(&a_long, "年度计划不能超过 5000 字（现有 5001 字）");
    assert!(a_long.text().contains(&format!(">{long}</textarea>")));
    assert!(
        h.store
            .plan_review(2025, &person_a())
            .await
            .unwrap()
            .is_none()
    );
    let just = "计".repeat(5000);
    let saved = send(
        &h,
        &op,
        &plan,
        &[("seen", "none"), ("action", "save"), ("content", &just)],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let stored = h
        .store
        .plan_review(2025, &person_a())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.content, just);
    // The reviewer's meeting day is a date field.
    let rev = sign_in(&h, "rev1").await;
    let html = page(&h, &rev, &plan).await;
    assert!(
        html.contains(
            "<input name=\"meeting_on\" value=\"2025-06-02\" size=\"10\" class=\"date\">"
        ),
        "{html}"
    );
    all_dates_marked(&html, 1, "plan (reviewer)");
    db.finish().await;
}
both_backends!(refused_whole, long_texts_and_unmade_choices_are_refused);
