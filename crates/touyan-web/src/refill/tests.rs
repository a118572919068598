use super::*;

fn typed(path: &str, pairs: &[(&str, &str)]) -> Typed {
    Typed {
        path: path.to_owned(),
        pairs: pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

/// A page like the training page: a filter form (GET), the new-session
/// form, and two rows' follow-up forms that differ by their hidden person.
const PAGE: &str = r#"<main><div id="notices"></div>
<p class="error" role="alert">开始日期“2026-13-01”不是有效日期</p>
<form method="get" action="/training"><input name="year" value="2026"></form>
<form method="post" action="/training" id="session-form">
<input type="hidden" name="csrf" value="T"><input type="hidden" name="town" value="370783100">
<label>编号<input name="code" maxlength="40"></label>
<label>形式<select name="form"><option value="a" selected>集中</option><option value="b">网络</option></select></label>
<label>开始<input name="start"></label><label>开始日期<input name="start2"></label>
<label>备注<textarea name="note">old</textarea></label>
<label><input type="checkbox" name="online" value="1" checked>线上</label>
<label>密码<input type="password" name="password"></label>
<button type="submit" name="action" value="session">登记培训</button>
</form>
<details><summary>约谈</summary>
<form method="post" action="/training"><input type="hidden" name="person" value="P1"><label>日期<input name="date" value="2026-12-07"></label><button name="action" value="admonition">记录约谈</button></form>
<form method="post" action="/training"><input type="hidden" name="person" value="P2"><label>日期<input name="date" value="2026-12-07"></label><button name="action" value="admonition">记录约谈</button></form>
</details></main>"#;

#[test]
fn the_sent_form_comes_back_as_typed() {
    let t = typed(
        "/training",
        &[
            ("csrf", "T"),
            ("town", "370783100"),
            ("code", "A\"<1>"),
            ("form", "b"),
            ("start", "2026-13-01"),
            ("note", "第一行\n<b>x</b>"),
            ("password", "Secret#1"),
            ("action", "session"),
        ],
    );
    let out = refill(PAGE, &t, None);
    assert!(
        out.contains(
            r#"<form method="post" action="/training" id="session-form" data-refilled="">"#
        ),
        "{out}"
    );
    // Typed text stays text: the quote that would end the value is
    // escaped (a `<` inside a quoted value is text in HTML).
    assert!(
        out.contains(r#"name="code" maxlength="40" value="A&quot;<1>""#),
        "{out}"
    );
    assert!(
        out.contains(
            r#"<option value="a">集中</option><option value="b" selected="">网络</option>"#
        ),
        "{out}"
    );
    assert!(out.contains(r#"name="start" value="2026-13-01""#), "{out}");
    assert!(
        out.contains("<textarea name=\"note\">第一行\n&lt;b&gt;x&lt;/b&gt;</textarea>"),
        "{out}"
    );
    // Not sent: the box was unticked.
    assert!(
        out.contains(r#"<input type="checkbox" name="online" value="1">"#),
        "{out}"
    );
    // A password is never put back; the hidden town stays as rendered.
    assert!(!out.contains("Secret#1"), "{out}");
    assert!(out.contains(r#"name="town" value="370783100""#));
    // The GET filter and the rows' forms are untouched.
    assert!(out.contains(r#"<input name="year" value="2026">"#));
    assert_eq!(out.matches("data-refilled").count(), 1);
}

#[test]
fn the_refusal_sits_by_the_field_it_names_longest_label_first() {
    let t = typed(
        "/training",
        &[("start2", "x"), ("start", "y"), ("action", "session")],
    );
    let out = refill(PAGE, &t, None);
    // 开始日期 (4 characters) wins over 开始 (2): the message quotes both.
    let at = out.find(r#"name="start2""#).unwrap();
    let flag = out.find("field-error").unwrap();
    assert!(flag > at, "{out}");
    assert_eq!(out.matches("field-error").count(), 1);
    assert!(out[at..].starts_with(r#"name="start2" value="x" aria-invalid="true"><span class="field-error" role="note">开始日期“2026-13-01”不是有效日期</span>"#), "{out}");
}

#[test]
fn a_rows_form_is_found_by_its_hidden_person_and_its_panel_opened() {
    let t = typed(
        "/training",
        &[
            ("person", "P2"),
            ("date", "2026年12月1日"),
            ("action", "admonition"),
        ],
    );
    let out = refill(PAGE, &t, None);
    assert!(out.contains("<details open=\"\">"), "{out}");
    // (The page's refusal quotes 日期, so it is placed by this field.)
    assert!(out.contains(r#"value="P2"><label>日期<input name="date" value="2026年12月1日" aria-invalid="true"><span class="field-error""#), "{out}");
    assert!(
        out.contains(r#"value="P1"><label>日期<input name="date" value="2026-12-07">"#),
        "{out}"
    );
}

#[test]
fn nothing_is_filled_when_no_form_matches() {
    // Another path; a button no form has; a hidden value no form has.
    for t in [
        typed("/reserves", &[("code", "X"), ("action", "session")]),
        typed("/training", &[("code", "X"), ("action", "delete")]),
        typed("/training", &[("person", "P9"), ("date", "x")]),
        typed("/training", &[("unknown", "x")]),
    ] {
        let out = refill(PAGE, &t, None);
        assert_eq!(out, PAGE, "{t:?}");
    }
}

#[test]
fn a_notice_goes_in_the_notices_box_escaped() {
    let n = Notice {
        kind: NoticeKind::Done,
        text: "已报送化龙镇 2026 年名单<script>".into(),
    };
    let out = with_notice(PAGE, Some(&n));
    assert!(out.contains(r#"<div id="notices"><p class="success" role="status" id="page-notice">已报送化龙镇 2026 年名单&lt;script&gt;</p></div>"#), "{out}");
    // A page without the box is unchanged.
    assert_eq!(with_notice("<p>x</p>", Some(&n)), "<p>x</p>");
    let t = typed("/training", &[("code", "Z"), ("action", "session")]);
    let a = Notice {
        kind: NoticeKind::Attention,
        text: "登录已超时，请确认后重新提交".into(),
    };
    let out = refill(PAGE, &t, Some(&a));
    assert!(out.contains(r#"role="alert" id="page-notice">登录已超时，请确认后重新提交"#));
    // Said by the form too: the page may be long.
    assert!(out.contains(r#"<p class="notice attention" role="note">登录已超时，请确认后重新提交</p><form method="post" action="/training" id="session-form" data-refilled="">"#), "{out}");
    assert!(out.contains(r#"name="code" maxlength="40" value="Z""#));
}

#[test]
fn secrets_are_named() {
    for n in [
        "csrf",
        "password",
        "new_password",
        "confirm",
        "account",
        "id_number",
    ] {
        assert!(secret(n), "{n}");
    }
    for n in ["name", "code", "accounting_note"] {
        assert!(!secret(n), "{n}");
    }
}

#[test]
fn entities_are_read_once_and_typed_ampersands_kept() {
    // As askama writes them: a hidden value and an option with `&`, a
    // refusal quoting what was typed, and the page's pin `seen`.
    let page = r#"<p class="error" role="alert">名称“A&#38;B”已登记</p>
<form method="post" action="/x"><input type="hidden" name="who" value="a&#38;b"><input type="hidden" name="seen" value="draft">
<label>名称<input name="title"></label><select name="k"><option value="x&#38;y">甲</option><option value="z">乙</option></select></form>"#;
    let t = typed(
        "/x",
        &[
            ("who", "a&b"),
            ("seen", "confirmed"),
            ("title", "a&lt;b"),
            ("k", "x&y"),
        ],
    );
    let out = refill(page, &t, None);
    // Found though the page's pin moved on (a 409 shows the new state).
    assert!(out.contains("data-refilled"), "{out}");
    assert!(out.contains(r#"name="title" value="a&amp;lt;b""#), "{out}");
    assert!(
        out.contains(r#"<option value="x&#38;y" selected="">甲</option>"#),
        "{out}"
    );
    // The refusal by the field, written once: 名称“A&amp;B”.
    assert!(
        out.contains(r#"<span class="field-error" role="note">名称“A&amp;B”已登记</span>"#),
        "{out}"
    );
    assert_eq!(
        unescape("a&lt;b&gt;&quot;&#39;&#38;&amp;lt;"),
        "a<b>\"'&&lt;"
    );
}
