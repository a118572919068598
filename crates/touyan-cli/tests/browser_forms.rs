//! Forms that never lose input, in a real headless Chromium (issue 18,
//! items 1, 4 and 10): a refused form comes back as typed with the
//! refusal beside its field; a form sent after the session expired is
//! restored after signing in again, with 登录已超时，请确认后重新提交, and
//! saved once confirmed, the next page saying what was done; the page
//! warns before the session ends. At 1280 and 375 px, screenshots kept
//! under `target/e2e-artifacts/`.

mod browser_kit;

use browser_kit::*;
use fantoccini::{Client, Locator};

/// The value of the field `css` in the page as it is now.
async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Whether `css` is on screen (the page scrolled to it).
async fn in_view(c: &Client, css: &str) -> bool {
    c.execute(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();\
         return r.top >= 0 && r.top < window.innerHeight;",
        vec![serde_json::json!(css)],
    )
    .await
    .unwrap()
    .as_bool()
    .unwrap()
}

async fn fill_session(c: &Client, code: &str, title: &str, start: &str, end: &str) {
    fill(c, "#session-form input[name=code]", code).await;
    fill(c, "#session-form input[name=title]", title).await;
    fill(c, "#session-form input[name=start]", start).await;
    fill(c, "#session-form input[name=end]", end).await;
    fill(c, "#session-form input[name=days]", "1").await;
}

async fn a_clerk_loses_nothing(width: u32, height: u32) {
    // A short idle time, so that the session expires within the test.
    let server = serve_demo_with(&["--session-idle", "20"]);
    let base = server.url.clone();
    let b = browser(width, height).await;
    let c = &b.client;
    sign_in(c, &base, &format!("town-{HUALONG}")).await;
    c.goto(&format!("{base}/training")).await.unwrap();
    let year = value_of(c, "input[name=year]").await;
    let page = c.current_url().await.unwrap().to_string();

    // Refused: the day does not exist. Everything typed comes back, the
    // refusal at the top and beside 开始.
    fill_session(
        c,
        "E2E-KEEP",
        "表单保留测试",
        &format!("{year}-02-30"),
        &format!("{year}-03-01"),
    )
    .await;
    click(c, "#session-add").await;
    let alert = text_of(c, "#training-error").await;
    assert!(alert.contains("开始日期"), "{alert}");
    assert_eq!(
        value_of(c, "#session-form input[name=code]").await,
        "E2E-KEEP"
    );
    assert_eq!(
        value_of(c, "#session-form input[name=title]").await,
        "表单保留测试"
    );
    assert_eq!(
        value_of(c, "#session-form input[name=start]").await,
        format!("{year}-02-30")
    );
    let beside = text_of(c, "#session-form .field-error").await;
    assert!(beside.contains("开始日期"), "{beside}");
    assert!(
        in_view(c, "#session-form .field-error").await,
        "scrolled to the refusal"
    );
    let shot = c.screenshot().await.unwrap();
    std::fs::write(artifacts().join(format!("form-refused-{width}.png")), shot).unwrap();

    // The page warns before the session ends (20 s: at 14 s), then says
    // it has ended.
    fill(
        c,
        "#session-form input[name=start]",
        &format!("{year}-03-01"),
    )
    .await;
    let warned = wait_for_text(c, "#session-warning", "继续使用", 20).await;
    assert!(warned.contains("超时"), "{warned}");
    let ended = wait_for_text(c, "#session-warning", "登录已超时", 15).await;
    assert!(ended.contains("重新登录"), "{ended}");

    // Sent after it ended: kept, signed in again, back on the page with
    // the values and the notice; nothing was saved on its own.
    click(c, "#session-add").await;
    let login = text_of(c, "#login-expired").await;
    assert!(login.contains("内容已保留"), "{login}");
    fill(c, "input[name=username]", &format!("town-{HUALONG}")).await;
    fill(c, "input[name=password]", PASSWORD).await;
    click(c, "form button[type=submit]").await;
    let notice = text_of(c, "#page-notice").await;
    assert_eq!(notice, "登录已超时，请确认后重新提交");
    assert_eq!(c.current_url().await.unwrap().to_string(), page);
    assert_eq!(
        value_of(c, "#session-form input[name=code]").await,
        "E2E-KEEP"
    );
    assert_eq!(
        value_of(c, "#session-form input[name=title]").await,
        "表单保留测试"
    );
    assert_eq!(
        value_of(c, "#session-form input[name=start]").await,
        format!("{year}-03-01")
    );
    assert!(
        !body_text(c).await.contains("E2E-KEEP（"),
        "not saved before it is confirmed"
    );
    let shot = c.screenshot().await.unwrap();
    std::fs::write(artifacts().join(format!("form-restored-{width}.png")), shot).unwrap();

    // Confirmed: saved, and the next page says so.
    click(c, "#session-add").await;
    let done = text_of(c, "#page-notice").await;
    assert_eq!(done, "已登记培训“表单保留测试”（E2E-KEEP）");
    assert!(text_of(c, "#training-sessions").await.contains("E2E-KEEP"));
}

/// Waits up to `seconds` for `css` to show `text`; its text then.
async fn wait_for_text(c: &Client, css: &str, text: &str, seconds: u64) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
            && t.contains(text)
        {
            return t;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} never said {text}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_and_an_expired_form_keep_their_values_at_1280_pixels() {
    a_clerk_loses_nothing(1280, 900).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_and_an_expired_form_keep_their_values_at_375_pixels() {
    a_clerk_loses_nothing(375, 800).await;
}
