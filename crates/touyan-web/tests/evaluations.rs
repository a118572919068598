//! The competency evaluation in the server (issue 5, item 5; issue 15,
//! item 5): opened by a town, its eligible raters declared by the operator
//! and confirmed by the reviewer, one-time anonymous voting codes within
//! them and paper counts confirmed by the reviewer, nothing shown until
//! closed, closing tallies the ballots and opens the case its rate calls
//! for, the case followed to its end. On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_records::TownCode;
use touyan_records::model::*;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

fn path() -> String {
    format!("/evaluations/2025/1/{T1}")
}

async fn act(h: &Harness, who: &(String, String), fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str())];
    pairs.extend_from_slice(fields);
    post(&path())
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

fn filed() -> Batch {
    Batch {
        list_entries: vec![ListEntry {
            town: TownCode::parse(T1).unwrap(),
            year: 2025,
            person: person_a(),
            village: touyan_records::VillageCode::parse(V1).unwrap(),
            tier: 3,
            status: ListStatus::Filed,
        }],
        ..Batch::default()
    }
}

/// Declares `party` Party members and `public` public representatives
/// for person A (as `who`), with the page's `seen` state.
async fn declare(h: &Harness, who: &(String, String), party: &str, public: &str) -> Answer {
    let key = h.person(&person_a());
    let (p, q) = (
        format!("raters_{key}_party_members"),
        format!("raters_{key}_public_reps"),
    );
    act(
        h,
        who,
        &[
            ("seen", "open"),
            ("action", "raters"),
            (&p, party),
            (&q, public),
        ],
    )
    .await
}

/// Confirms `what` (`raters` or `paper`) in `version`.
async fn confirm(h: &Harness, who: &(String, String), what: &str, version: &str) -> Answer {
    let action = format!("{what}_confirm");
    act(
        h,
        who,
        &[("seen", "open"), ("action", &action), ("version", version)],
    )
    .await
}

/// The codes in a printed page of codes.
fn codes_in(html: &str) -> Vec<String> {
    let mut out: Vec<String> = html
        .match_indices("/vote/")
        .map(|(i, _)| html[i + 6..i + 6 + 64].to_owned())
        .filter(|c| c.bytes().all(|b| b.is_ascii_hexdigit()))
        .collect();
    out.dedup();
    out
}

/// Issues codes as the operator `who` (the codes form's `fields`): the
/// answer is a redirect to the batch's page; that page and its address.
async fn issue(h: &Harness, who: &(String, String), fields: &[(&str, &str)]) -> (String, String) {
    let mut all = vec![("seen", "open"), ("action", "codes")];
    all.extend_from_slice(fields);
    let a = act(h, who, &all).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let to = a.header("location").expect("where the batch is");
    let page = get(&to).session(Some(&who.0)).send(h).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    (to, page.text())
}

async fn an_evaluation_from_codes_and_paper_to_an_exit(db: TestDb) {
    codes_and_paper_to_an_exit_case(db, true).await;
}
both_backends!(evaluation, an_evaluation_from_codes_and_paper_to_an_exit);

/// Issue 17: the same evaluation under a policy whose Article 12 exit
/// switch (`exit.on_failed_evaluation`) is off from 1 June 2025: the
/// reviewer's confirmation on 2 June records the finding, no exit, and the
/// page says why, citing the switch.
async fn a_finding_confirmed_while_the_exit_switch_is_off_records_no_exit(db: TestDb) {
    codes_and_paper_to_an_exit_case(db, false).await;
}
both_backends!(
    switch_off,
    a_finding_confirmed_while_the_exit_switch_is_off_records_no_exit
);

/// The example policy, its exit switch off from 1 June 2025.
fn no_exit_from_1_june() -> touyan_rules::Policy {
    let src = touyan_rules::policy::EXAMPLE_POLICY_TOML;
    let (head, tail) = src.split_once("[exit.on_failed_evaluation]").unwrap();
    let tail = tail.replacen(
        "values = [{ since = 2000-01-01, value = true }]",
        "values = [{ since = 2000-01-01, value = true }, { since = 2025-06-01, value = false }]",
        1,
    );
    touyan_rules::Policy::parse(&format!("{head}[exit.on_failed_evaluation]{tail}"))
        .expect("policy")
}

/// From opening to the exit case the rate opens, and its confirmation on
/// 2 June 2025, under the example policy (`exits`) or
/// [`no_exit_from_1_june`].
async fn codes_and_paper_to_an_exit_case(db: TestDb, exits: bool) {
    let h = if exits {
        harness(&db, true).await
    } else {
        let config = touyan_web::Config {
            policy: no_exit_from_1_june(),
            ..touyan_web::Config::default()
        };
        harness_with(&db, true, config).await
    };
    h.store.apply("测试", &filed()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;
    let viewer = sign_in(&h, "viewer").await;
    let t1 = TownCode::parse(T1).unwrap();

    let page = get(&path()).session(Some(&op.0)).send(&h).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("尚未开始") && page.text().contains("张三"));
    assert_eq!(
        get(&path()).session(Some(&op2.0)).send(&h).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        act(&h, &rev, &[("seen", "none"), ("action", "open")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(&h, &viewer, &[("seen", "none"), ("action", "open")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(&h, &op, &[("seen", "none"), ("action", "open")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // No code before the raters are declared and confirmed.
    let a = act(
        &h,
        &op,
        &[
            ("seen", "open"),
            ("action", "codes"),
            ("codes_party_members", "3"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.text().contains("尚未申报评价人数"), "{}", a.text());
    // The operator declares 3 Party members and 10 public
    // representatives; only the reviewer confirms.
    assert_eq!(
        declare(&h, &rev, "3", "10").await.status,
        StatusCode::FORBIDDEN
    );
    let a = declare(&h, &op, "3", "10").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let page = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(page.contains("待审核确认") && page.contains("录入人 op1"));
    assert!(!page.contains("id=\"eval-raters_confirm\""));
    assert!(
        !page.contains("id=\"codes-form\""),
        "no codes while unconfirmed"
    );
    let a = act(
        &h,
        &op,
        &[
            ("seen", "open"),
            ("action", "codes"),
            ("codes_party_members", "1"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.text().contains("尚待镇街审核确认"), "{}", a.text());
    assert_eq!(
        confirm(&h, &op, "raters", "1").await.status,
        StatusCode::FORBIDDEN
    );
    let page = get(&path()).session(Some(&rev.0)).send(&h).await.text();
    assert!(page.contains("id=\"eval-raters_confirm\""));
    assert!(
        !page.contains("id=\"eval-raters\""),
        "the reviewer declares nothing"
    );
    assert_eq!(
        confirm(&h, &rev, "raters", "2").await.status,
        StatusCode::CONFLICT,
        "a version the reviewer did not see"
    );
    assert_eq!(
        confirm(&h, &rev, "raters", "1").await.status,
        StatusCode::SEE_OTHER
    );
    let page = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(
        page.contains("录入人 op1 测试（op1），确认人 rev1 测试（rev1）"),
        "{page}"
    );

    // Three codes for Party members, printed with their QR codes on the
    // batch's page.
    let (batch, html) = issue(
        &h,
        &op,
        &[("codes_party_members", "3"), ("codes_public_reps", "0")],
    )
    .await;
    assert_eq!(batch, format!("{}/codes/1", path()));
    assert!(html.contains("<svg"), "QR codes");
    let codes = codes_in(&html);
    assert_eq!(codes.len(), 3, "{codes:?}");
    let a = act(
        &h,
        &op,
        &[
            ("seen", "open"),
            ("action", "codes"),
            ("codes_party_members", "201"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A fourth code for 3 Party members: refused, citing Article 12.
    let a = act(
        &h,
        &op,
        &[
            ("seen", "open"),
            ("action", "codes"),
            ("codes_party_members", "1"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.text().contains(
            "东村村委会 张三的党员评价人数经镇街审核确认为 3 人，已发投票码 3 个、已录纸质票 0 张，不能再发 1 个"
        ) && a.text().contains("（第十二条）"),
        "{}",
        a.text()
    );
    assert_eq!(h.store.code_counts(2025, 1, t1).await.unwrap()[0].issued, 3);
    // The batch: who, when, which group, how many.
    let page = get(&path()).session(Some(&rev.0)).send(&h).await.text();
    let batches = &page[page.find("id=\"eval-batches\"").expect("the batches")..];
    assert!(
        batches.contains(&format!(
            "<td><a href=\"{}/codes/1\">1</a></td><td>op1 测试（op1）</td><td>",
            path()
        )) && batches.contains("</td><td>党员</td><td>1</td><td>3</td><td>0</td></tr></tbody>"),
        "{batches}"
    );

    // Voting needs no account; a code votes once.
    let v = get(&format!("/vote/{}", codes[0])).send(&h).await;
    assert_eq!(v.status, StatusCode::OK);
    assert!(v.text().contains("东村村委会 张三") && v.text().contains("党员"));
    assert!(!v.text().contains(person_a().as_str()));
    for (code, choice) in [
        (&codes[0], "competent"),
        (&codes[1], "not_competent"),
        (&codes[2], "not_competent"),
    ] {
        let a = post(&format!("/vote/{code}"))
            .form(&[("choice", choice)])
            .send(&h)
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
        assert!(a.text().contains("投票成功"));
    }
    let again = post(&format!("/vote/{}", codes[0]))
        .form(&[("choice", "competent")])
        .send(&h)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(
        get(&format!("/vote/{}", codes[0])).send(&h).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&format!("/vote/{}", "0".repeat(64)))
            .send(&h)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get("/vote/short").send(&h).await.status,
        StatusCode::NOT_FOUND
    );

    // Paper ballots of public representatives: 5 / 1 / 1.
    let key = h.person(&person_a());
    let f = |g: &str, i: u8| format!("paper_{key}_{g}_{i}");
    let (c, b, n) = (
        f("public_reps", 0),
        f("public_reps", 1),
        f("public_reps", 2),
    );
    let bad = act(&h, &op, &[("seen", "open"), ("action", "paper"), (&c, "x")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // 11 ballots of 10 public representatives: refused.
    let bad = act(
        &h,
        &op,
        &[
            ("seen", "open"),
            ("action", "paper"),
            (&c, "9"),
            (&b, "1"),
            (&n, "1"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .contains("群众代表纸质票 11 张加已发投票码 0 个超过了经镇街审核确认的评价人数 10 人"),
        "{}",
        bad.text()
    );
    let a = act(
        &h,
        &op,
        &[
            ("seen", "open"),
            ("action", "paper"),
            (&c, "5"),
            (&b, "1"),
            (&n, "1"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());

    // Nothing of the votes is shown while open.
    let page = get(&path()).session(Some(&rev.0)).send(&h).await.text();
    assert!(!page.contains("结果：胜任"), "results before closing");
    assert!(!page.contains("胜任率 "), "a rate before closing");
    assert!(page.contains("（评价结束后显示）"));

    // The paper counts await the reviewer: closing now is refused, and
    // the operator cannot confirm them.
    assert!(page.contains("id=\"eval-paper_confirm\""));
    let a = act(&h, &rev, &[("seen", "open"), ("action", "close")]).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(
        a.text().contains("未经确认的纸质票不计入评价结果"),
        "{}",
        a.text()
    );
    assert_eq!(
        confirm(&h, &op, "paper", "1").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        confirm(&h, &rev, "paper", "1").await.status,
        StatusCode::SEE_OTHER
    );

    // Closing: 1 + 5 + 1 passing of 3 + 7 = 10 ballots: 70%, below 80%: an
    // exit case.
    assert_eq!(
        act(&h, &op, &[("seen", "open"), ("action", "close")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(&h, &rev, &[("seen", "open"), ("action", "close")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(page.contains("胜任率 70%"), "{page}");
    assert!(page.contains("1 / 0 / 2") && page.contains("5 / 1 / 1"));
    assert!(page.contains("退出专业化管理") && page.contains("待办理"));
    // Issue 18, item 3: the reviewer's 确认退出 looks dangerous and asks
    // first, naming the secretary and the day the form sends.
    let page = get(&path()).session(Some(&rev.0)).send(&h).await.text();
    let tag = page
        .split("<button")
        .map(|t| &t[..t.find('>').unwrap_or(t.len())])
        .find(|t| t.contains("value=\"case_confirm\""))
        .expect("确认退出");
    assert!(
        tag.contains("class=\"case-confirm danger\"")
            && tag.contains("data-confirm=\"确认东村村委会 张三确实不能胜任岗位（认定日期 {date}）？确认后不能撤回"),
        "{tag}"
    );
    let ballots: Vec<Ballots> = h.store.list().await.unwrap();
    assert_eq!(ballots.len(), 2);
    // The open case is on the dashboard until it is ended.
    let open = "洛城街道：胜任度评价开启的约谈或退出事项 1 项待办理（第十二条）";
    let dash = get("/").session(Some(&op.0)).send(&h).await.text();
    assert!(dash.contains(open), "{dash}");
    // Closed: no more votes or counts.
    assert_eq!(
        act(
            &h,
            &op,
            &[("seen", "closed"), ("action", "paper"), (&c, "9")]
        )
        .await
        .status,
        StatusCode::CONFLICT
    );

    // The exit: the operator cannot confirm it; dismissing needs a reason;
    // the reviewer confirms, and the exit is recorded.
    let a = act(&h, &op, &[("action", "case_confirm"), ("person", &key)]).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = act(
        &h,
        &rev,
        &[("action", "case_dismiss"), ("person", &key), ("note", "")],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let a = act(
        &h,
        &rev,
        &[
            ("action", "case_confirm"),
            ("person", &key),
            ("date", "2025-06-02"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let recorded: Vec<Exit> = h.store.list().await.unwrap();
    // The case's state as the page and the printed sheet say it: an exit
    // only when one was written.
    let no_exit = "已确认不能胜任（本市政策不据此退出）";
    let page = get(&path()).session(Some(&op.0)).send(&h).await.text();
    let sheet = get(&format!("{}/print", path()))
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    for text in [&page, &sheet] {
        assert_eq!(text.contains("已确认退出"), exits, "{text}");
        assert_eq!(text.contains(no_exit), !exits, "{text}");
    }
    if exits {
        assert_eq!(recorded.len(), 1);
        assert_eq!(
            (recorded[0].person.clone(), recorded[0].reason),
            (person_a(), ExitReason::FailedEvaluation)
        );
    } else {
        assert!(recorded.is_empty(), "{recorded:?}");
        let page = get(&path()).session(Some(&op.0)).send(&h).await.text();
        assert!(
            page.contains("确认之日（2025-06-02）适用的政策参数 exit.on_failed_evaluation（2025-06-01 起）为“否”：只记录确实不能胜任的认定，不记录退出专业化管理（第十二条）"),
            "{page}"
        );
    }
    assert!(h.store.open_cases(Some(T1)).await.unwrap().is_empty());
    let dash = get("/").session(Some(&op.0)).send(&h).await.text();
    assert!(
        !dash.contains("待办理（第十二条）"),
        "ended cases leave the dashboard"
    );
    let e = h.store.evaluation(2025, 1, t1).await.unwrap().unwrap();
    assert_eq!(e.state, EvalState::Closed);
    db.finish().await;
}

/// The cells of the printed sheet's rows, text only, joined by `|`, one
/// string per table row (each secretary's rows are a body of their own).
fn sheet_rows(html: &str) -> Vec<String> {
    let start = html.find("<tbody").expect("a table body");
    let end = html.rfind("</tbody>").expect("its end");
    html[start..end]
        .split("</tr>")
        .filter(|r| r.contains("<td"))
        .map(|row| {
            let mut cells = Vec::new();
            for cell in row.split("<td").skip(1) {
                let inner = &cell[cell.find('>').map_or(0, |i| i + 1)..];
                let inner = &inner[..inner.find("</td>").unwrap_or(inner.len())];
                // The first line of a cell (the rate's sentence follows a
                // line break).
                let first = inner.split("<br>").next().unwrap_or("");
                cells.push(first.trim().to_owned());
            }
            cells.join("|")
        })
        .collect()
}

async fn the_result_sheet_prints_the_stored_closed_evaluation(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &filed()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;
    let sheet = format!("{}/print", path());

    // Not before the evaluation is closed: not started, then open.
    let a = get(&sheet).session(Some(&op.0)).send(&h).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.text().contains("尚未开始") && a.text().contains("结束评价后才能打印评价结果表"));
    assert_eq!(
        act(&h, &op, &[("seen", "none"), ("action", "open")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        declare(&h, &op, "10", "10").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        confirm(&h, &rev, "raters", "1").await.status,
        StatusCode::SEE_OTHER
    );
    let key = h.person(&person_a());
    let mut fields = vec![
        ("seen".to_owned(), "open".to_owned()),
        ("action".into(), "paper".into()),
    ];
    // Party members 8 / 1 / 1, public representatives 6 / 2 / 2,
    // village-liaison cadres 3 / 0 / 0, the town committee 1 / 0 / 0.
    for (group, counts) in [
        ("party_members", [8, 1, 1]),
        ("public_reps", [6, 2, 2]),
        ("liaison_cadres", [3, 0, 0]),
        ("town_committee", [1, 0, 0]),
    ] {
        for (i, n) in counts.iter().enumerate() {
            fields.push((format!("paper_{key}_{group}_{i}"), n.to_string()));
        }
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let a = act(&h, &op, &pairs).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let a = get(&sheet).session(Some(&rev.0)).send(&h).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.text().contains("当前状态为“评价进行中”"), "{}", a.text());
    let page = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(
        !page.contains("id=\"eval-print\""),
        "no link before closing"
    );

    // Confirmed, then closed on 2 June 2025.
    assert_eq!(
        confirm(&h, &rev, "paper", "1").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&h, &rev, &[("seen", "open"), ("action", "close")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(page.contains("id=\"eval-print\""), "the link once closed");
    assert_eq!(
        get(&sheet).session(Some(&op2.0)).send(&h).await.status,
        StatusCode::NOT_FOUND,
        "another town's sheet"
    );
    let a = get(&sheet).session(Some(&op.0)).send(&h).await;
    assert_eq!(a.status, StatusCode::OK);
    let html = a.text();
    for want in [
        "村党组织书记胜任度评价结果表（2025 年上半年）",
        "评价单位（盖章）：洛城街道党(工)委",
        "评价结束日：2025-06-02",
        "打印日期：2025-06-02",
        "负责人（签字）",
        "达不到 90% 的由镇街党(工)委约谈，达不到 80% 且确实不能胜任的退出专业化管理",
        // (8 + 1) + (6 + 2) = 17 passing of 10 + 10 = 20: 85%, below 90%.
        "党员和群众代表 20 票中胜任（含基本胜任）17 票，胜任率 85%，达不到 90%，由镇街党(工)委约谈（第十二条）",
    ] {
        assert!(html.contains(want), "{want} missing: {html}");
    }
    assert!(!html.contains(person_a().as_str()), "ID numbers are masked");
    // Issue 18, item 9: 打印 and 返回 to the evaluation; each secretary's
    // rows one body kept on a page, the village's name on one line.
    assert!(html.contains("data-print id=\"print-button\">打印</button>"));
    assert!(html.contains(&format!(
        "<a href=\"{}\" id=\"print-back\">返回</a>",
        path()
    )));
    assert!(html.contains("<tbody class=\"sheet-group\"><tr>"));
    assert!(html.contains("<td rowspan=\"4\" class=\"nowrap sheet-village\">东村村委会</td>"));
    let masked = person_a().masked(touyan_records::Mask::default());
    assert_eq!(
        sheet_rows(&html),
        [
            format!("1|东村村委会|张三|{masked}|党员|8|1|1|10|85%|约谈（待办理）"),
            "群众代表|6|2|2|10".to_owned(),
            "包村干部|3|0|0|3".to_owned(),
            "镇街党(工)委|1|0|0|1".to_owned(),
        ]
    );
    // The stored ballots are what the sheet shows.
    let ballots: Vec<Ballots> = h.store.list().await.unwrap();
    assert_eq!(ballots.len(), 4);
    db.finish().await;
}
both_backends!(
    result_sheet,
    the_result_sheet_prints_the_stored_closed_evaluation
);

/// The reviewer cannot confirm numbers entered under their own user name
/// (an account whose role changed in between): no button, and the move is
/// refused.
async fn who_entered_cannot_confirm(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &filed()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let t1 = TownCode::parse(T1).unwrap();
    assert_eq!(
        act(&h, &op, &[("seen", "none"), ("action", "open")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    h.store
        .declare_raters(
            "rev1",
            None,
            2025,
            1,
            t1,
            &[RaterCount {
                year: 2025,
                half: 1,
                person: person_a(),
                group: RaterGroup::PartyMembers,
                town: t1,
                eligible: 5,
            }],
        )
        .await
        .unwrap();
    let page = get(&path()).session(Some(&rev.0)).send(&h).await.text();
    assert!(page.contains("录入人 rev1"), "{page}");
    assert!(!page.contains("id=\"eval-raters_confirm\""));
    let a = confirm(&h, &rev, "raters", "1").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(
        a.text()
            .contains("评价人数由 rev1 本人录入，录入人不能自己确认"),
        "{}",
        a.text()
    );
    let s = h.store.eval_signoffs(2025, 1, t1).await.unwrap();
    assert_eq!(s[0].state, SignState::Entered);
    db.finish().await;
}
both_backends!(own_entry, who_entered_cannot_confirm);

/// Issue 18, item 9: issuing codes answers with the batch's page, and
/// reloading it shows the same codes without issuing another batch, for
/// the operator who issued them and while they are kept (two hours);
/// anyone else, or later, is told when the batch was issued and how its
/// codes stand. Issuing it again is its own move: refused until
/// confirmed, then the unused codes are voided and as many new ones
/// issued as a new batch, the used code keeping its vote.
async fn a_reload_shows_the_same_codes_and_issuing_again_is_confirmed(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &filed()).await.unwrap();
    let t1 = TownCode::parse(T1).unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;
    assert_eq!(
        act(&h, &op, &[("seen", "none"), ("action", "open")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        declare(&h, &op, "3", "0").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        confirm(&h, &rev, "raters", "1").await.status,
        StatusCode::SEE_OTHER
    );

    let (batch, first) = issue(&h, &op, &[("codes_party_members", "2")]).await;
    assert_eq!(batch, format!("{}/codes/1", path()));
    let codes = codes_in(&first);
    assert_eq!(codes.len(), 2, "{first}");
    assert!(
        first.contains("第 1 批") && first.contains("由 op1 测试（op1） 生成"),
        "{first}"
    );
    assert!(first.contains("id=\"print-button\"") && first.contains("id=\"print-back\""));
    // Reloaded twice: the same codes, and still one batch of two.
    for _ in 0..2 {
        let again = get(&batch).session(Some(&op.0)).send(&h).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(codes_in(&again.text()), codes);
    }
    assert_eq!(h.store.code_batches(2025, 1, t1).await.unwrap().len(), 1);
    assert_eq!(h.store.code_counts(2025, 1, t1).await.unwrap()[0].issued, 2);
    // Not the reviewer's to see (nor to issue again); another town's
    // operator and a batch that does not exist: missing.
    let seen = get(&batch).session(Some(&rev.0)).send(&h).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(codes_in(&seen.text()).is_empty(), "{}", seen.text());
    assert!(
        seen.text().contains("已投票 0 个，尚未使用 2 个"),
        "{}",
        seen.text()
    );
    assert!(!seen.text().contains("id=\"reissue-form\""));
    for (who, page) in [
        (&op2, batch.clone()),
        (&op, format!("{}/codes/2", path())),
        (&op, format!("{}/codes/x", path())),
    ] {
        assert_eq!(
            get(&page).session(Some(&who.0)).send(&h).await.status,
            StatusCode::NOT_FOUND,
            "{page}"
        );
    }

    // One code votes; two hours later the codes are no longer shown.
    let voted = post(&format!("/vote/{}", codes[0]))
        .form(&[("choice", "competent")])
        .send(&h)
        .await;
    assert_eq!(voted.status, StatusCode::OK);
    h.clock.advance(time::Duration::minutes(121));
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let later = get(&batch).session(Some(&op.0)).send(&h).await.text();
    assert!(codes_in(&later).is_empty(), "{later}");
    assert!(
        later.contains("已投票 1 个，尚未使用 1 个") && later.contains("不能再显示这一批投票码"),
        "{later}"
    );
    assert!(later.contains("id=\"reissue-form\""), "{later}");

    // Issuing it again: refused unless confirmed, nothing written.
    let again = |confirm: &'static str| {
        let op = op.clone();
        let h = &h;
        async move {
            act(
                h,
                &op,
                &[
                    ("seen", "open"),
                    ("action", "codes_again"),
                    ("batch", "1"),
                    ("confirm", confirm),
                ],
            )
            .await
        }
    };
    let before = h.store.changes(Some("vote_tokens")).await.unwrap().len();
    let refused = again("").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("重新生成将作废第 1 批中尚未使用的 1 个投票码"),
        "{}",
        refused.text()
    );
    assert_eq!(
        h.store.changes(Some("vote_tokens")).await.unwrap().len(),
        before
    );
    assert_eq!(
        act(
            &h,
            &rev,
            &[
                ("seen", "open"),
                ("action", "codes_again"),
                ("batch", "1"),
                ("confirm", "1"),
            ],
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // Confirmed: batch 2, one new code for the unused one, which no
    // longer votes; the used one's vote stays, the room is unchanged.
    let done = again("1").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    let to = done.header("location").unwrap();
    assert_eq!(to, format!("{}/codes/2", path()));
    let new = codes_in(&get(&to).session(Some(&op.0)).send(&h).await.text());
    assert_eq!(new.len(), 1);
    assert!(!codes.contains(&new[0]));
    // Batch 1's slips are never shown again, not even to who issued them
    // (its unused code is void).
    let first = get(&format!("{}/codes/1", path()))
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(codes.iter().all(|c| !first.contains(c.as_str())), "{first}");
    let old = get(&format!("/vote/{}", codes[1])).send(&h).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    assert!(old.text().contains("投票码无效"), "{}", old.text());
    let voted = post(&format!("/vote/{}", new[0]))
        .form(&[("choice", "competent")])
        .send(&h)
        .await;
    assert_eq!(voted.status, StatusCode::OK, "{}", voted.text());
    let counts = h.store.code_counts(2025, 1, t1).await.unwrap();
    assert_eq!((counts[0].issued, counts[0].used), (2, 2));
    let deleted: Vec<_> = h
        .store
        .changes(Some("vote_tokens"))
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.action == touyan_storage::Action::Delete)
        .collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].actor, "op1");
    // The town's page: batch 2, and batch 1's voided code.
    let page = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(
        page.contains("</td><td>党员</td><td>1</td><td>2</td><td>1</td></tr>"),
        "{page}"
    );
    assert!(page.contains(&format!("<a href=\"{}/codes/2\">2</a>", path())));
    // Batch 1 has nothing left to issue again.
    let none = again("1").await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        none.text().contains("第 1 批投票码都已投票或已作废"),
        "{}",
        none.text()
    );
    // A batch besides those issued: only when the form says so.
    let more = act(
        &h,
        &op,
        &[
            ("seen", "open"),
            ("action", "codes"),
            ("codes_party_members", "1"),
        ],
    )
    .await;
    assert_eq!(more.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        more.text()
            .contains("已生成 2 批投票码；再次生成将另发一批新的投票码"),
        "{}",
        more.text()
    );
    assert_eq!(h.store.code_batches(2025, 1, t1).await.unwrap().len(), 2);
    let (third, _) = issue(&h, &op, &[("codes_party_members", "1"), ("confirm", "1")]).await;
    assert_eq!(third, format!("{}/codes/3", path()));
    db.finish().await;
}
both_backends!(
    code_batches,
    a_reload_shows_the_same_codes_and_issuing_again_is_confirmed
);

/// Issue 19, item 5: behind a reverse proxy the voting codes point at the
/// configured public address, not at the `Host` the proxy forwarded.
#[tokio::test]
async fn the_codes_point_at_the_public_address() {
    let db = TestDb::sqlite();
    let config = touyan_web::Config {
        public_url: Some("https://touyan.example.gov.cn".parse().unwrap()),
        ..touyan_web::Config::default()
    };
    let h = harness_with(&db, true, config).await;
    h.store.apply("测试", &filed()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    assert_eq!(
        act(&h, &op, &[("seen", "none"), ("action", "open")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        declare(&h, &op, "1", "0").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        confirm(&h, &rev, "raters", "1").await.status,
        StatusCode::SEE_OTHER
    );
    let (_, html) = issue(&h, &op, &[("codes_party_members", "1")]).await;
    let code = codes_in(&html).pop().expect("a code");
    assert!(
        html.contains(&format!("https://touyan.example.gov.cn/vote/{code}")),
        "{html}"
    );
    assert!(!html.contains("127.0.0.1"), "{html}");
}
