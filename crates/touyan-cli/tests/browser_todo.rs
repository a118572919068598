//! The to-do list in a real headless Chromium (issue 18, items 2 and
//! 10): a month's pay runs through the town's operator, its reviewer, the
//! city and finance, each finding the step on their own `/todo` and
//! doing it where the item leads; and every item each of them is shown
//! leads to a page of its kind that offers a form to act. At 1280 and
//! 375 px, with a screenshot of each list kept under
//! `target/e2e-artifacts/`.

mod browser_kit;

use browser_kit::*;
use fantoccini::Client;

/// Each item of the list now shown: its link and its row's text.
async fn items(c: &Client) -> Vec<(String, String)> {
    let v = c
        .execute(
            "return [...document.querySelectorAll('table.todo tbody tr')]\
             .filter(r => r.querySelector('a'))\
             .map(r => [r.querySelector('a').getAttribute('href'), r.innerText]);",
            vec![],
        )
        .await
        .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// How many forms that post a step the page offers.
async fn forms_to_act(c: &Client) -> u64 {
    c.execute(
        "return [...document.querySelectorAll('form[method=post]')]\
         .filter(f => (f.getAttribute('action') || '').indexOf('/logout') < 0 && f.querySelector('button, input[type=submit]'))\
         .length;",
        vec![],
    )
    .await
    .unwrap()
    .as_u64()
    .unwrap()
}

/// Follows every item of `who`'s list now shown: each lands on its page,
/// which offers a form to act. How many were followed.
async fn follow_all(c: &Client, base: &str, who: &str) -> usize {
    c.goto(&format!("{base}/todo")).await.unwrap();
    let mut seen: Vec<String> = Vec::new();
    for (href, what) in items(c).await {
        if seen.contains(&href) {
            continue;
        }
        seen.push(href.clone());
        c.goto(&format!("{base}{href}")).await.unwrap();
        let body = body_text(c).await;
        assert!(
            !body.contains("没有权限") && !body.contains("找不到"),
            "{who}: {what} → {href}: {body}"
        );
        let path = href.split('?').next().unwrap_or(&href).to_owned();
        let now = c.current_url().await.unwrap();
        assert!(
            now.path().starts_with(&path),
            "{who}: {what} → {href} landed on {now}"
        );
        assert!(
            forms_to_act(c).await > 0,
            "{who}: {what} → {href} offers no form to act"
        );
    }
    seen.len()
}

async fn every_item_leads_to_its_step(width: u32, height: u32) {
    let server = serve_demo();
    let base = server.url.clone();
    let b = browser(width, height).await;
    let c = &b.client;
    let town = format!("town-{HUALONG}");
    let review = format!("review-{HUALONG}");
    // The month's pay, step by step, each found on the to-do list.
    let steps = [
        (town.as_str(), "#pay-compute", "计算"),
        (review.as_str(), "#pay-review", "审核通过"),
        ("city", "#pay-approve", "批准"),
        ("finance", "#pay-pay", "已经发放"),
    ];
    let mut followed = 0;
    let mut month = String::new();
    for (who, button, asked) in steps {
        sign_in(c, &base, who).await;
        c.goto(&format!("{base}/todo")).await.unwrap();
        let shot = c.screenshot().await.unwrap();
        std::fs::write(artifacts().join(format!("todo-{who}-{width}.png")), shot).unwrap();
        assert!(!overflows(c).await, "{who}'s to-do list fits {width} px");
        // Every item shown leads to its page; then back to the list.
        followed += follow_all(c, &base, who).await;
        c.goto(&format!("{base}/todo")).await.unwrap();
        let pay = items(c)
            .await
            .into_iter()
            .find(|(_, what)| what.contains("化龙镇") && what.contains("发放"))
            .unwrap_or_else(|| panic!("{who}: no pay run of 化龙镇 waiting"));
        if month.is_empty() {
            // "2026 年 11 月发放：尚未计算" → "2026 年 11 月".
            let what = &pay.1;
            let end = what.find("月").map_or(0, |i| i + "月".len());
            let start = what.find(char::is_numeric).unwrap_or(0);
            month = what[start..end].to_owned();
        }
        assert!(pay.1.contains(&month), "{who}: {} is another month", pay.1);
        c.goto(&format!("{base}{}", pay.0)).await.unwrap();
        click_confirmed(c, button, &["化龙镇", asked]).await;
        assert!(
            text_of(c, "#page-notice").await.contains("化龙镇"),
            "{who}: the step is said done"
        );
        // Signed out: the next account signs in afresh.
        c.delete_all_cookies().await.unwrap();
    }
    // Paid: nobody waits on it any more.
    sign_in(c, &base, "finance").await;
    c.goto(&format!("{base}/todo")).await.unwrap();
    assert!(
        !items(c)
            .await
            .iter()
            .any(|(_, w)| w.contains("化龙镇") && w.contains(&month)),
        "the paid month is off the list"
    );
    assert!(!month.is_empty() && followed >= 4, "{month}: {followed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_to_do_item_leads_to_its_step_at_1280_pixels() {
    every_item_leads_to_its_step(1280, 900).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_to_do_item_leads_to_its_step_at_375_pixels() {
    every_item_leads_to_its_step(375, 800).await;
}
