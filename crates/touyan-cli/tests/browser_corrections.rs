//! Corrections in a real headless Chromium (issue 18, items 3 and 10): a
//! town's operator records a training session, corrects it from the
//! training page with a reason (asked first, naming the session), sees
//! the history, then withdraws it; the next page says what was done each
//! time. A leave request is corrected from the secretary's daily file,
//! then withdrawn. At 1280 and 375 px, screenshots kept under
//! `target/e2e-artifacts/`.

mod browser_kit;

use browser_kit::*;
use fantoccini::{Client, Locator};

async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn a_session_is_corrected_then_withdrawn(width: u32, height: u32) {
    let server = serve_demo();
    let base = server.url.clone();
    let b = browser(width, height).await;
    let c = &b.client;
    sign_in(c, &base, &format!("town-{HUALONG}")).await;
    c.goto(&format!("{base}/training")).await.unwrap();
    let year = value_of(c, "input[name=year]").await;
    let code = format!("E2E-FIX-{width}");
    fill(c, "#session-form input[name=code]", &code).await;
    fill(c, "#session-form input[name=title]", "更正测试培训").await;
    fill(
        c,
        "#session-form input[name=start]",
        &format!("{year}-03-02"),
    )
    .await;
    fill(c, "#session-form input[name=end]", &format!("{year}-03-03")).await;
    fill(c, "#session-form input[name=days]", "2").await;
    click(c, "#session-add").await;
    assert!(text_of(c, "#page-notice").await.contains(&code));

    // From the training page to the session's own page.
    click(
        c,
        &format!("#training-sessions a.correct[href*=\"{code}\"]"),
    )
    .await;
    let title = text_of(c, "#correction-title").await;
    assert_eq!(title, format!("培训“更正测试培训”（编号 {code}）"));
    assert!(!overflows(c).await, "the page fits {width} px");
    fill(c, "#correct-form input[name=title]", "更正后的培训").await;
    fill(c, "#correct-form input[name=days]", "1.5").await;
    fill(c, "#correct-form input[name=reason]", "名称和天数登记错误").await;
    let shot = c.screenshot().await.unwrap();
    std::fs::write(artifacts().join(format!("correction-{width}.png")), shot).unwrap();
    click_confirmed(c, "#correct-save", &[&code]).await;
    let done = text_of(c, "#page-notice").await;
    assert_eq!(
        done,
        format!("已更正：培训“更正测试培训”（编号 {code}）；原记录保留在更正记录和操作日志中")
    );
    let sessions = text_of(c, "#training-sessions").await;
    assert!(
        sessions.contains("更正后的培训") && sessions.contains("1.5"),
        "{sessions}"
    );

    // The history, then the withdrawal.
    click(
        c,
        &format!("#training-sessions a.correct[href*=\"{code}\"]"),
    )
    .await;
    let history = text_of(c, "#correction-history").await;
    assert!(history.contains("名称和天数登记错误"), "{history}");
    assert!(
        history.contains("更正测试培训"),
        "the old version is kept: {history}"
    );
    fill(c, "#withdraw-form input[name=reason]", "重复登记").await;
    click_confirmed(c, "#withdraw-save", &[&code]).await;
    let done = text_of(c, "#page-notice").await;
    assert!(done.starts_with("已撤回：培训“更正后的培训”"), "{done}");
    let sessions = c
        .find(Locator::Css("#training-sessions"))
        .await
        .map(|_| ())
        .is_ok();
    if sessions {
        assert!(!text_of(c, "#training-sessions").await.contains(&code));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_corrected_and_withdrawn_at_1280_pixels() {
    a_session_is_corrected_then_withdrawn(1280, 900).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_corrected_and_withdrawn_at_375_pixels() {
    a_session_is_corrected_then_withdrawn(375, 800).await;
}

/// The operator requests a leave for the town's first secretary, corrects
/// its last day from the leave's row, then withdraws it.
async fn a_leave_is_corrected_then_withdrawn(width: u32, height: u32) {
    let server = serve_demo();
    let base = server.url.clone();
    let b = browser(width, height).await;
    let c = &b.client;
    sign_in(c, &base, &format!("town-{HUALONG}")).await;
    c.goto(&format!("{base}/daily")).await.unwrap();
    click(c, "#daily-secretaries a[href^=\"/daily/\"]").await;
    fill(c, "#leave-form input[name=start]", "2099-03-01").await;
    fill(c, "#leave-form input[name=end]", "2099-03-02").await;
    fill(c, "#leave-form input[name=reason]", "探亲").await;
    click(c, "#leave-form button[type=submit]").await;
    assert!(text_of(c, "#page-notice").await.contains("已登记请假申请"));

    click(c, ".daily-leaves a.correct").await;
    let title = text_of(c, "#correction-title").await;
    assert!(
        title.contains("2099-03-01 至 2099-03-02 的请假（第 "),
        "{title}"
    );
    assert!(!overflows(c).await, "the page fits {width} px");
    fill(c, "#correct-form input[name=end]", "2099/3/3").await;
    fill(c, "#correct-form input[name=reason]", "结束日期登记错误").await;
    let shot = c.screenshot().await.unwrap();
    std::fs::write(
        artifacts().join(format!("correction-leave-{width}.png")),
        shot,
    )
    .unwrap();
    click_confirmed(c, "#correct-save", &["2099-03-01 至 2099-03-02 的请假"]).await;
    assert!(text_of(c, "#page-notice").await.starts_with("已更正："));
    let leaves = text_of(c, ".daily-leaves").await;
    assert!(leaves.contains("2099-03-01 至 2099-03-03"), "{leaves}");

    click(c, ".daily-leaves a.correct").await;
    assert!(
        text_of(c, "#correction-history")
            .await
            .contains("结束日期登记错误")
    );
    fill(c, "#withdraw-form input[name=reason]", "不再请假").await;
    click_confirmed(c, "#withdraw-save", &["2099-03-01 至 2099-03-03 的请假"]).await;
    assert!(text_of(c, "#page-notice").await.starts_with("已撤回："));
    // The secretary's leaves no longer list it (the table may be gone).
    if c.find(Locator::Css(".daily-leaves")).await.is_ok() {
        let leaves = text_of(c, ".daily-leaves").await;
        assert!(!leaves.contains("2099-03-01"), "{leaves}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leave_is_corrected_and_withdrawn_at_1280_pixels() {
    a_leave_is_corrected_then_withdrawn(1280, 900).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leave_is_corrected_and_withdrawn_at_375_pixels() {
    a_leave_is_corrected_then_withdrawn(375, 800).await;
}
