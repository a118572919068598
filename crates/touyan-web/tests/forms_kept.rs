//! Forms that never lose input, and success said plainly (issue 18 items
//! 1 and 4): a refused form comes back as typed with the refusal by its
//! field; a form posted after the session expired is kept for its user
//! and restored after sign-in with "登录已超时，请确认后重新提交"; a page
//! asked for while signed out is returned to; the session can be extended
//! before it expires; what was done is said on the next page. On SQLite
//! and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use time::Duration;
use touyan_records::model::{Person, Post, PostRole};
use touyan_records::{CommitteeKind, VillageCode};
use touyan_storage::Village;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

const HOST: &str = "touyan.test";

/// Signs in through the sign-in form; the session token.
async fn web_sign_in(h: &Harness, who: &str, cookies: &str, next: &str) -> Answer {
    let mut pairs = vec![("username", who), ("password", PASSWORD)];
    if !next.is_empty() {
        pairs.push(("next", next));
    }
    let mut call = post("/login").form(&pairs);
    if !cookies.is_empty() {
        call = call.header("cookie", cookies);
    }
    call.send(h).await
}

fn cookie_of(a: &Answer, name: &str) -> Option<String> {
    a.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

fn training_form<'a>(csrf: &'a str, start: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("year", "2025"),
        ("town", T1),
        ("action", "session"),
        ("code", "XL-2025-09"),
        ("title", "乡村振兴专题培训班"),
        ("form", "centralised"),
        ("start", start),
        ("end", "2025-03-04"),
        ("days", "4"),
    ]
}

async fn a_refused_form_comes_back_as_typed(db: TestDb) {
    let h = harness(&db, true).await;
    let op = sign_in(&h, "op1").await;
    let a = post("/training")
        .form(&training_form(&op.1, "2025-02-30"))
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    let html = a.text();
    // The summary at the top, and the same sentence by the field.
    assert!(
        html.contains(r#"role="alert" id="training-error">开始日期"#),
        "{html}"
    );
    assert!(
        html.contains(r#"id="session-form" data-refilled="""#),
        "{html}"
    );
    for typed in [
        r#"name="code" data-max="40" required value="XL-2025-09""#,
        r#"value="乡村振兴专题培训班""#,
        r#"name="end" placeholder="如 2026-11-02" size="10" class="date" required value="2025-03-04""#,
        r#"value="4""#,
    ] {
        assert!(html.contains(typed), "{typed}: {html}");
    }
    let at = html.find(r#"value="2025-02-30" aria-invalid="true"><span class="field-error""#);
    assert!(at.is_some(), "{html}");
    // Nothing was recorded.
    let page = get(&format!("/training?year=2025&town={T1}"))
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(!page.contains("XL-2025-09"), "{page}");
}

both_backends!(refused, a_refused_form_comes_back_as_typed);

async fn success_is_said_on_the_next_page(db: TestDb) {
    let h = harness(&db, true).await;
    let op = sign_in(&h, "op1").await;
    let a = post("/training")
        .form(&training_form(&op.1, "2025-03-01"))
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let to = a.header("location").unwrap();
    assert_eq!(to, format!("/training?year=2025&town={T1}"));
    let notice = cookie_of(&a, "touyan_notice").expect("a notice");
    assert!(
        a.header("x-touyan-notice").is_none(),
        "the header stays inside"
    );
    let page = get(&to)
        .session(Some(&op.0))
        .header("cookie", &format!("touyan_notice={notice}"))
        .send(&h)
        .await;
    let html = page.text();
    assert!(
        html.contains(r#"<p class="success" role="status" id="page-notice">已登记培训“乡村振兴专题培训班”（XL-2025-09）</p>"#),
        "{html}"
    );
    // Said once: the cookie is cleared with the page that says it.
    assert_eq!(cookie_of(&page, "touyan_notice").as_deref(), Some(""));
    // And the page shows the new state.
    assert!(html.contains("XL-2025-09"));
    // A refusal says nothing of success.
    let again = post("/training")
        .form(&training_form(&op.1, "2025-03-01"))
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert!(again.status.is_client_error(), "{}", again.text());
    assert_eq!(cookie_of(&again, "touyan_notice"), None);
}

both_backends!(success, success_is_said_on_the_next_page);

async fn an_expired_sessions_form_is_restored_after_sign_in(db: TestDb) {
    let h = harness(&db, true).await;
    let first = web_sign_in(&h, "op1", "", "").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let token = first.session().expect("signed in");
    let csrf = touyan_web::auth::csrf_token(&token);
    let page = format!("/training?year=2025&town={T1}");
    h.clock.advance(Duration::minutes(31));
    let mut form = training_form(&csrf, "2025-03-01");
    form.push(("note_password", "never kept"));
    let a = post("/training")
        .form(&form)
        .session(Some(&token))
        .header("host", HOST)
        .header("referer", &format!("http://{HOST}{page}"))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.header("location").as_deref(), Some("/login?expired=1"));
    let resume = cookie_of(&a, "touyan_resume").expect("kept");
    assert_eq!(h.state.interrupted().len(), 1);
    let login = get("/login?expired=1").send(&h).await.text();
    assert!(login.contains("登录已超时（30 分钟无操作）"), "{login}");

    // Someone else signing in on this browser does not get it.
    let other = web_sign_in(&h, "op2", &format!("touyan_resume={resume}"), "").await;
    assert_eq!(other.header("location").as_deref(), Some("/"));
    assert_eq!(cookie_of(&other, "touyan_resume").as_deref(), Some(""));
    assert!(h.state.interrupted().is_empty());

    // Posted again, kept again; now its owner signs in.
    let a = post("/training")
        .form(&form)
        .session(Some(&token))
        .header("host", HOST)
        .header("referer", &format!("http://{HOST}{page}"))
        .send(&h)
        .await;
    let resume = cookie_of(&a, "touyan_resume").expect("kept");
    let back = web_sign_in(&h, "op1", &format!("touyan_resume={resume}"), "").await;
    assert_eq!(back.header("location").as_deref(), Some(page.as_str()));
    let token = back.session().expect("signed in");
    let restored = get(&page)
        .session(Some(&token))
        .header("cookie", &format!("touyan_resume={resume}"))
        .send(&h)
        .await;
    assert_eq!(restored.status, StatusCode::OK);
    let html = restored.text();
    assert!(
        html.contains(r#"role="alert" id="page-notice">登录已超时，请确认后重新提交</p>"#),
        "{html}"
    );
    assert!(html.contains(r#"value="乡村振兴专题培训班""#), "{html}");
    assert!(html.contains(r#"value="2025-03-01""#), "{html}");
    assert!(!html.contains("never kept"));
    // Nothing was sent on its own: the session is not on record.
    assert!(
        !html.contains("<td class=\"mono\">XL-2025-09</td>"),
        "{html}"
    );
    // Given once.
    assert!(h.state.interrupted().is_empty());
    let again = get(&page)
        .session(Some(&token))
        .header("cookie", &format!("touyan_resume={resume}"))
        .send(&h)
        .await
        .text();
    assert!(!again.contains("page-notice"));

    // A form posted without any session is not kept (no one to give it to).
    let anon = post("/training").form(&form).send(&h).await;
    assert_eq!(anon.header("location").as_deref(), Some("/login"));
    assert_eq!(cookie_of(&anon, "touyan_resume"), None);
}

both_backends!(expired, an_expired_sessions_form_is_restored_after_sign_in);

async fn the_page_asked_for_signed_out_is_returned_to(db: TestDb) {
    let h = harness(&db, true).await;
    let page = format!("/training?year=2025&town={T1}");
    let a = get(&page).send(&h).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let to = a.header("location").unwrap();
    assert_eq!(
        to,
        format!("/login?next=%2Ftraining%3Fyear%3D2025%26town%3D{T1}")
    );
    let form = get(&to).send(&h).await.text();
    assert!(
        form.contains(&format!(
            r#"name="next" value="/training?year=2025&#38;town={T1}""#
        )),
        "{form}"
    );
    let back = web_sign_in(&h, "op1", "", &page).await;
    assert_eq!(back.header("location").as_deref(), Some(page.as_str()));
    // Never somewhere else.
    for bad in ["//evil.example/", "https://evil.example/", "/logout"] {
        let a = web_sign_in(&h, "op1", "", bad).await;
        assert_eq!(a.header("location").as_deref(), Some("/"), "{bad}");
    }
}

both_backends!(returned, the_page_asked_for_signed_out_is_returned_to);

async fn a_session_is_extended_before_it_expires(db: TestDb) {
    let h = harness(&db, true).await;
    let op = sign_in(&h, "op1").await;
    let page = get("/").session(Some(&op.0)).send(&h).await.text();
    assert!(page.contains(r#"data-idle="1800""#), "{page}");
    assert!(page.contains(&format!(r#"<meta name="csrf-token" content="{}">"#, op.1)));
    assert!(page.contains(r#"<script src="/static/session.js"></script>"#));
    h.clock.advance(Duration::minutes(26));
    let no_token = post("/session").session(Some(&op.0)).send(&h).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    // (That refused call was a use too: 26 minutes on, it counts.)
    h.clock.advance(Duration::minutes(26));
    let ok = post("/session")
        .session(Some(&op.0))
        .header("x-csrf-token", &op.1)
        .send(&h)
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT);
    h.clock.advance(Duration::minutes(29));
    let still = get("/").session(Some(&op.0)).send(&h).await;
    assert_eq!(still.status, StatusCode::OK, "extended: still signed in");
    h.clock.advance(Duration::minutes(31));
    let gone = post("/session")
        .session(Some(&op.0))
        .header("x-csrf-token", &op.1)
        .send(&h)
        .await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
    let js = get("/static/session.js").send(&h).await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.text().contains("继续使用"));
    // A signed-out page has no timer.
    let login = get("/login").send(&h).await.text();
    assert!(!login.contains("data-idle") && !login.contains("session.js"));
}

both_backends!(extended, a_session_is_extended_before_it_expires);

/// The tester's case: on 日常管理 a refused record came back with the
/// panel folded and the person list reset to the first secretary.
async fn a_refused_daily_record_keeps_its_person_and_panel(db: TestDb) {
    let h = harness(&db, true).await;
    // A second village and secretary in town 1, listed after 张三.
    let li = cid("37078319800202002");
    let second = touyan_storage::Batch {
        villages: vec![Village {
            code: VillageCode::parse("370783100202").unwrap(),
            name: "西村村委会".into(),
            kind: CommitteeKind::classify("西村村委会"),
        }],
        people: vec![Person {
            id: li.clone(),
            name: "李四".into(),
            full_time_education: None,
            in_service_education: None,
        }],
        posts: vec![Post {
            person: li.clone(),
            village: VillageCode::parse("370783100202").unwrap(),
            role: PostRole::Secretary,
            start: time::macros::date!(2021 - 01 - 01),
            end: None,
        }],
        ..touyan_storage::Batch::default()
    };
    h.store.apply("测试", &second).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let page = get(&format!("/daily?town={T1}"))
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    let picked = h.person(&li);
    let first = h.person(&person_a());
    assert!(page.contains(&picked) && page.contains(&first), "{page}");
    let a = post("/daily")
        .form(&[
            ("csrf", op.1.as_str()),
            ("what", "leave"),
            ("town", T1),
            ("back", "town"),
            ("person", picked.as_str()),
            ("start", "2025-06-10"),
            ("end", "2025-06-01"),
            ("reason", "探亲"),
        ])
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert!(a.status.is_client_error(), "{}", a.text());
    let html = a.text();
    assert!(
        html.contains(r#"<details id="daily-add" open="">"#),
        "{html}"
    );
    let form = &html[html.find(r#"id="leave-form""#).unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(
        form.contains(&format!(r#"<option value="{picked}" selected="">"#)),
        "{form}"
    );
    assert!(
        !form.contains(&format!(r#"<option value="{first}" selected"#)),
        "{form}"
    );
    assert!(
        form.contains(r#"value="探亲""#) && form.contains(r#"value="2025-06-01""#),
        "{form}"
    );
    // The other forms are as the page made them.
    let rota = &html[html.find(r#"id="rota-form""#).unwrap()..];
    let rota = &rota[..rota.find("</form>").unwrap()];
    assert!(!rota.contains("selected"), "{rota}");
}

both_backends!(daily, a_refused_daily_record_keeps_its_person_and_panel);

/// A page left open across a new sign-in (in another tab) carries the
/// old session's token: its form is refused as every such form is, but
/// kept, the refusal linking back to its page, restored there. A form
/// with no token at all is no page's: refused, nothing kept.
async fn a_page_older_than_the_sign_in_gives_its_form_back(db: TestDb) {
    let h = harness(&db, true).await;
    let old = web_sign_in(&h, "op1", "", "").await.session().unwrap();
    let old_csrf = touyan_web::auth::csrf_token(&old);
    let new = web_sign_in(&h, "op1", "", "").await.session().unwrap();
    let page = format!("/training?year=2025&town={T1}");
    let a = post("/training")
        .form(&training_form(&old_csrf, "2025-03-01"))
        .session(Some(&new))
        .header("host", HOST)
        .header("referer", &format!("http://{HOST}{page}"))
        .send(&h)
        .await;
    // Refused as every such form is (403), with the way back.
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text());
    assert!(
        a.text().contains(&format!(
            r#"您填写的内容已保留：<a href="/training?year=2025&amp;town={T1}">返回原页面</a>"#
        )),
        "{}",
        a.text()
    );
    let resume = cookie_of(&a, "touyan_resume").expect("kept");
    let html = get(&page)
        .session(Some(&new))
        .header("cookie", &format!("touyan_resume={resume}"))
        .send(&h)
        .await
        .text();
    assert!(
        html.contains("页面已过期（其间曾重新登录），您填写的内容已保留，请确认后重新提交"),
        "{html}"
    );
    assert!(html.contains(r#"value="乡村振兴专题培训班""#), "{html}");
    // Nothing was recorded; signed out, the same form is refused plainly.
    assert!(!html.contains("<td class=\"mono\">XL-2025-09</td>"));
    let anon = post("/training")
        .form(&training_form(&old_csrf, "2025-03-01"))
        .send(&h)
        .await;
    assert_eq!(anon.header("location").as_deref(), Some("/login"));
}

both_backends!(stale, a_page_older_than_the_sign_in_gives_its_form_back);

/// One user's expired forms cannot crowd out others': the browser's kept
/// form is replaced, and a user keeps at most two.
async fn kept_forms_are_bounded_per_user(db: TestDb) {
    let h = harness(&db, true).await;
    let token = web_sign_in(&h, "op1", "", "").await.session().unwrap();
    let csrf = touyan_web::auth::csrf_token(&token);
    h.clock.advance(Duration::minutes(31));
    let send = |cookie: Option<String>| {
        let mut c = post("/training")
            .form(&training_form(&csrf, "2025-03-01"))
            .session(Some(&token));
        if let Some(r) = cookie {
            c = c.header("cookie", &format!("touyan_resume={r}"));
        }
        c
    };
    let mut last = cookie_of(&send(None).send(&h).await, "touyan_resume");
    for _ in 0..5 {
        last = cookie_of(&send(last).send(&h).await, "touyan_resume");
        assert_eq!(h.state.interrupted().len(), 1, "replaced, not added");
    }
    for _ in 0..5 {
        send(None).send(&h).await;
    }
    assert_eq!(
        h.state.interrupted().len(),
        touyan_web::http::keep::KEPT_PER_USER
    );
}

both_backends!(bounded, kept_forms_are_bounded_per_user);
