//! A long town list made workable (issue 18, item 6): each row's problems
//! under the row, a summary with links at the top, the checks' reasons
//! folded under the decision, the list's moves in one bar at the end of
//! its form, and a filter (words, only the rows with a problem) that
//! narrows the rows shown but never what the list's moves send. On
//! SQLite and PostgreSQL.

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::model::{Person, Post, PostRole};
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, CycleSecretary, CycleTown, Village, both_backends};

/// Two more villages of town 1: 西村 (孙七, not eligible: tenure) and
/// 北岭 (周八, eligible, proposed second).
const V4: &str = "370783100204";
const V5: &str = "370783100205";

fn sun() -> CitizenId {
    cid("37078319750101041")
}

fn zhou() -> CitizenId {
    cid("37078319780202052")
}

/// Town 1's 2025 proposal of three rows: 张三 (V1, place 1, tier 3),
/// 孙七 (V4, failed the tenure check, not proposed), 周八 (V5, place 2,
/// tier 3). The run counted two villages: a quota of one (2 × 50%).
async fn seed_three_rows(h: &Harness) {
    let village = |code: &str, name: &str| Village {
        code: VillageCode::parse(code).unwrap(),
        name: name.into(),
        kind: CommitteeKind::classify(name),
    };
    let person = |id: CitizenId, name: &str| Person {
        id,
        name: name.into(),
        full_time_education: None,
        in_service_education: None,
    };
    let post = |p: CitizenId, v: &str| Post {
        person: p,
        village: VillageCode::parse(v).unwrap(),
        role: PostRole::Secretary,
        start: date!(2021 - 01 - 01),
        end: None,
    };
    let batch = Batch {
        villages: vec![village(V4, "西村村委会"), village(V5, "北岭村委会")],
        people: vec![person(sun(), "孙七"), person(zhou(), "周八")],
        posts: vec![post(sun(), V4), post(zhou(), V5)],
        ..Batch::default()
    };
    h.store.apply("测试", &batch).await.unwrap();
    let checks = |tenure: bool| {
        format!(
            r#"{{"id":"s","eligible":{tenure},"checks":[{{"rule":"three_good_three_strong","article":1,"passed":true,"detail":"镇街认定符合"}},{{"rule":"tenure","article":1,"passed":{tenure},"detail":"连续任职 4 年 5 个月"}},{{"rule":"star_rating","article":13,"passed":true,"detail":"四星级"}}],"training":null,"competency":null}}"#
        )
    };
    let t1 = TownCode::parse(T1).unwrap();
    let town = CycleTown {
        year: 2025,
        town: t1,
        as_of: date!(2025 - 01 - 01),
        policy_id: touyan_rules::Policy::example().id,
        village_count: 2,
        inclusion_quota: 1,
        young_cadre_cap: 0,
        secretaries: 3,
        eligible: 2,
        included: 2,
        tiers: [0, 0, 2],
    };
    let sec = |v: &str, person: CitizenId, eligible: bool, place: Option<u32>| CycleSecretary {
        year: 2025,
        village: VillageCode::parse(v).unwrap(),
        town: t1,
        person,
        eligible,
        place,
        tier: place.map(|_| 3),
        checks_json: checks(eligible),
    };
    h.store
        .replace_cycle(
            "测算",
            2025,
            Some(t1),
            &[town],
            &[
                sec(V1, person_a(), true, Some(1)),
                sec(V4, sun(), false, None),
                sec(V5, zhou(), true, Some(2)),
            ],
            &mut |_| {},
        )
        .await
        .unwrap();
}

fn page_of(query: &str) -> String {
    format!("/lists/2025/{T1}{query}")
}

/// The row of `village` as laid out: from its `<tr id="row-…">` to the
/// next row of a person or the table's end ("" when not shown).
fn row<'a>(html: &'a str, village: &str) -> &'a str {
    let Some(start) = html.find(&format!("<tr id=\"row-{village}\"")) else {
        return "";
    };
    let rest = &html[start + 1..];
    let end = [rest.find("<tr id=\"row-"), rest.find("</tbody>")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    &html[start..=start + end]
}

/// The town's choices the list's form sends, by field name: a select's
/// chosen option, else a field's value.
fn posted(html: &str) -> BTreeMap<String, String> {
    let form = &html[html.find("id=\"list-form\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    let mut out = BTreeMap::new();
    let mut at = 0;
    while let Some(i) = form[at..].find(" name=\"") {
        let name_start = at + i + " name=\"".len();
        let name_end = name_start + form[name_start..].find('"').unwrap();
        let name = &form[name_start..name_end];
        at = name_end;
        if !(name.starts_with("tier_") || name.starts_with("reason_")) {
            continue;
        }
        let tag_start = form[..name_start].rfind('<').unwrap();
        let value = if form[tag_start..].starts_with("<select") {
            let select = &form[name_end..name_end + form[name_end..].find("</select>").unwrap()];
            let chosen = select.find(" selected>").unwrap();
            let v = &select[..chosen];
            let v = &v[v.rfind("value=\"").unwrap() + "value=\"".len()..];
            v[..v.find('"').unwrap()].to_owned()
        } else {
            let tag = &form[name_end..name_end + form[name_end..].find('>').unwrap()];
            let v = &tag[tag.find("value=\"").unwrap() + "value=\"".len()..];
            v[..v.find('"').unwrap()].to_owned()
        };
        assert!(
            out.insert(name.to_owned(), value).is_none(),
            "{name} sent twice"
        );
    }
    out
}

async fn problems_stand_by_their_rows_and_the_filter_narrows_only_the_view(db: TestDb) {
    let h = harness(&db, true).await;
    seed_three_rows(&h).await;
    let op = sign_in(&h, "op1").await;
    // The operator lists 孙七 (not eligible) with a reason and leaves 周八
    // out without one: two rows with a problem, and two listed over a
    // quota of one, a problem of the list as a whole.
    let (tier4, reason4) = (format!("tier_{V4}"), format!("reason_{V4}"));
    let (tier5, reason5) = (format!("tier_{V5}"), format!("reason_{V5}"));
    let saved = post(&page_of(""))
        .form(&[
            ("csrf", op.1.as_str()),
            ("seen", "none"),
            ("action", "save"),
            (&tier4, "3"),
            (&reason4, "确有需要"),
            (&tier5, ""),
            (&reason5, ""),
        ])
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let get_page = |query: &str| get(&page_of(query)).session(Some(&op.0)).send(&h);
    let all = get_page("").await;
    assert_eq!(all.status, StatusCode::OK);
    let html = all.text();
    let sun_problem =
        "西村村委会 孙七：不符合纳入条件（连续任职年限），不能列入名单（第一条第二款）";
    let zhou_problem =
        "北岭村委会 周八：测算列入三档，镇街拟不列入，与测算结果不同，须写明理由（第一条第二款）";
    let over = "名单 2 人，超过纳入名额 1 名（多 1 人），不能确定";

    // Each person's problem in their row, and only there.
    assert!(row(&html, V4).contains(sun_problem), "{html}");
    assert!(row(&html, V4).contains("本行问题（1 处）"));
    assert!(row(&html, V5).contains(zhou_problem), "{html}");
    assert!(!row(&html, V1).contains("本行问题"), "{}", row(&html, V1));
    assert_eq!(html.matches(sun_problem).count(), 1);
    assert_eq!(html.matches(zhou_problem).count(), 1);
    // The top: how many, the list's own problem, links to the rows.
    let top =
        &html[html.find("id=\"list-findings\"").unwrap()..html.find("id=\"list-form\"").unwrap()];
    assert!(top.contains("需要处理（3 处）"), "{top}");
    assert!(top.contains(over), "{top}");
    assert!(
        top.contains(&format!(
            "2 行有问题</b>（问题写在该行下方）：<a href=\"#row-{V4}\">西村村委会 孙七</a>、<a href=\"#row-{V5}\">北岭村委会 周八</a>"
        )),
        "{top}"
    );
    assert!(!top.contains(sun_problem) && !top.contains(zhou_problem));
    assert_eq!(html.matches(over).count(), 1, "the list's problem once");

    // The checks' reasons folded under the decision.
    assert!(
        row(&html, V1).contains(
            "<details class=\"reasons\"><summary>符合 <span class=\"hint\">理由</span></summary>"
        ),
        "{}",
        row(&html, V1)
    );
    let sun_row = row(&html, V4);
    assert!(
        sun_row.contains("<summary><b class=\"flag\">不符合</b>：连续任职年限 <span class=\"hint\">理由</span></summary>"),
        "{sun_row}"
    );
    let folded = &sun_row[sun_row.find("<details").unwrap()..sun_row.find("</details>").unwrap()];
    assert!(folded.contains("连续任职 4 年 5 个月") && folded.contains("四星级"));

    // The moves in one bar at the end of the list's form, with their
    // questions.
    let form = &html[html.find("id=\"list-form\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    let bar = &form[form.find("id=\"list-actions\"").unwrap()..];
    assert!(form.contains("class=\"card moves sticky-moves\" id=\"list-actions\""));
    for b in ["move-save", "move-confirm", "move-reset"] {
        assert!(bar.contains(&format!("id=\"{b}\"")), "{b} missing: {bar}");
    }
    assert!(bar.contains("data-confirm=\"确认洛城街道 2025 年名单并交镇街审核？"));
    assert!(!html.contains("id=\"filter-note\""), "nothing filtered");
    let whole = posted(&html);
    assert_eq!(
        whole,
        BTreeMap::from([
            (format!("tier_{V1}"), "3".to_owned()),
            (format!("reason_{V1}"), String::new()),
            (tier4.clone(), "3".to_owned()),
            (reason4.clone(), "确有需要".to_owned()),
            (tier5.clone(), String::new()),
            (reason5.clone(), String::new()),
        ])
    );

    // Only the rows with a problem: 孙七 and 周八; 张三's choice still
    // sent as it stands, the moves the same, the filter said.
    let only = get_page("?only=problems").await.text();
    assert!(row(&only, V1).is_empty() && !row(&only, V4).is_empty() && !row(&only, V5).is_empty());
    assert!(only.contains("当前显示 2 / 3 行。"), "{only}");
    assert_eq!(
        posted(&only),
        whole,
        "the filter never changes what is sent"
    );
    assert!(only.contains(&format!(
        "<input type=\"hidden\" name=\"tier_{V1}\" value=\"3\"><input type=\"hidden\" name=\"reason_{V1}\" value=\"\">"
    )));
    for b in ["move-save", "move-confirm", "move-reset"] {
        assert!(only.contains(&format!("id=\"{b}\"")), "{b} missing");
    }
    assert!(only.contains("<input type=\"hidden\" name=\"only\" value=\"problems\">"));
    assert!(only.contains("href=\"/lists/2025/370783100\" id=\"filter-clear\">显示全部</a>"));

    // Words: a person's name, a village's name, a village code, with or
    // without problems; each hand-counted from the three rows.
    for (query, shown) in [
        ("?q=%E5%AD%99", vec![V4]),          // 孙
        ("?q=%E5%8C%97%E5%B2%AD", vec![V5]), // 北岭
        (&format!("?q={V5}") as &str, vec![V5]),
        ("?q=%E6%9D%91%E5%A7%94%E4%BC%9A", vec![V1, V4, V5]), // 村委会
        ("?q=%E5%BC%A0%E4%B8%89&only=problems", vec![]),      // 张三
        ("?q=%E8%A5%BF%E6%9D%91+%E5%AD%99%E4%B8%83", vec![V4]), // 西村 孙七
    ] {
        let page = get_page(query).await.text();
        for v in [V1, V4, V5] {
            assert_eq!(
                !row(&page, v).is_empty(),
                shown.contains(&v),
                "{query}: {v}"
            );
        }
        assert!(
            page.contains(&format!("当前显示 {} / 3 行", shown.len())),
            "{query}"
        );
        assert_eq!(posted(&page), whole, "{query}: the same list sent");
    }
    // A row the filter hides is linked on the whole list.
    let none = get_page("?q=%E5%BC%A0%E4%B8%89&only=problems").await.text();
    assert!(none.contains("没有符合筛选条件的行"));
    assert!(none.contains(&format!(
        "<a href=\"/lists/2025/{T1}#row-{V4}\">西村村委会 孙七</a>"
    )));

    // A save from the filtered view sends the whole list and returns to
    // the view: 周八 back in tier 3, 张三 kept, one row's problem left.
    let mut fields: Vec<(String, String)> = posted(&only).into_iter().collect();
    for (k, v) in &mut fields {
        if *k == tier5 {
            *v = "3".to_owned();
        }
    }
    let mut form: Vec<(&str, &str)> = vec![
        ("csrf", op.1.as_str()),
        ("seen", "draft"),
        ("action", "save"),
        ("only", "problems"),
    ];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let saved = post(&page_of(""))
        .form(&form)
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert_eq!(
        saved.header("location").as_deref(),
        Some(page_of("?only=problems").as_str())
    );
    let after = get_page("?only=problems").await.text();
    assert!(
        row(&after, V5).is_empty() && !row(&after, V4).is_empty(),
        "{after}"
    );
    assert!(after.contains("当前显示 1 / 3 行"));
    let drafts = h
        .store
        .list_drafts(2025, TownCode::parse(T1).unwrap())
        .await
        .unwrap();
    let tiers: BTreeMap<String, Option<u8>> = drafts
        .iter()
        .map(|d| (d.village.as_str().to_owned(), d.tier))
        .collect();
    assert_eq!(
        tiers,
        BTreeMap::from([
            (V1.to_owned(), Some(3)),
            (V4.to_owned(), Some(3)),
            (V5.to_owned(), Some(3)),
        ])
    );
    db.finish().await;
}
both_backends!(
    rows,
    problems_stand_by_their_rows_and_the_filter_narrows_only_the_view
);
