//! Putting back what a user typed (issue 18 item 1), on the page as the
//! server rendered it: after a refusal the page comes back with the form
//! the user sent filled in as they left it, the refusal placed next to
//! the field it names, and any `<details>` around the form open; after a
//! sign-in that an expired session interrupted, the same with a notice.
//!
//! It works on the HTML (with `lol_html`, a streaming rewriter), not in
//! each page's template, so that every form of every page keeps its input
//! without each handler having to carry the values back — the tester
//! found five forms that came back blank, and a new form cannot forget.
//!
//! Which form was sent: among the page's forms that post to the path the
//! request went to, the one whose hidden fields all agree with what was
//! sent (a row's form carries its person) and whose buttons include the
//! button pressed, with the most of the sent names; none, nothing is
//! filled. Hidden fields, passwords and files are never filled.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use lol_html::html_content::{ContentType, Element};
use lol_html::{EndTagHandler, RewriteStrSettings, element, rewrite_str, text};

/// What a user sent: the path it was posted to and its fields in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Typed {
    pub path: String,
    pub pairs: Vec<(String, String)>,
}

/// Fields never kept nor put back: the session's token, and what is
/// secret (a password, a one-card account: retyped, never held) or shown
/// only masked (a whole ID number, `docs/standards.md`: typed again
/// rather than shown back in full).
pub fn secret(name: &str) -> bool {
    name == "csrf"
        || name.contains("password")
        || name == "confirm"
        || name == "account"
        || name == "id_number"
}

/// One `<form>` as the first pass saw it.
#[derive(Default, Debug)]
struct FormSeen {
    action: String,
    /// `method="post"` (a search form is never the one sent).
    posts: bool,
    hidden: Vec<(String, String)>,
    names: HashSet<String>,
    buttons: Vec<(String, String)>,
    /// (the label's text before its control, the control's name).
    labels: Vec<(String, String)>,
    /// The `<details>` (by order in the page) the form sits in.
    details: Vec<usize>,
}

#[derive(Default)]
struct Scan {
    forms: Vec<FormSeen>,
    in_form: Option<usize>,
    details_open: Vec<usize>,
    details_seen: usize,
    label: Option<(String, bool)>,
    alert: String,
}

/// The path part of a form's `action` (no query, no fragment).
fn action_path(action: &str) -> &str {
    action.split(['?', '#']).next().unwrap_or("")
}

fn scan(html: &str) -> Scan {
    // Rc: an end tag's handler outlives the element's (lol_html).
    let s = Rc::new(RefCell::new(Scan::default()));
    let handlers = vec![
        element!("form", |el| {
            let mut sc = s.borrow_mut();
            let f = FormSeen {
                action: el.get_attribute("action").unwrap_or_default(),
                posts: el
                    .get_attribute("method")
                    .is_some_and(|m| m.eq_ignore_ascii_case("post")),
                details: sc.details_open.clone(),
                ..FormSeen::default()
            };
            sc.forms.push(f);
            sc.in_form = Some(sc.forms.len() - 1);
            if let Some(h) = el.end_tag_handlers() {
                let s = Rc::clone(&s);
                let end: EndTagHandler<'static> = Box::new(move |_| {
                    s.borrow_mut().in_form = None;
                    Ok(())
                });
                h.push(end);
            }
            Ok(())
        }),
        element!("details", |el| {
            let mut sc = s.borrow_mut();
            let i = sc.details_seen;
            sc.details_seen += 1;
            sc.details_open.push(i);
            if let Some(h) = el.end_tag_handlers() {
                let s = Rc::clone(&s);
                let end: EndTagHandler<'static> = Box::new(move |_| {
                    s.borrow_mut().details_open.pop();
                    Ok(())
                });
                h.push(end);
            }
            Ok(())
        }),
        element!("label", |el| {
            s.borrow_mut().label = Some((String::new(), false));
            if let Some(h) = el.end_tag_handlers() {
                let s = Rc::clone(&s);
                let end: EndTagHandler<'static> = Box::new(move |_| {
                    s.borrow_mut().label = None;
                    Ok(())
                });
                h.push(end);
            }
            Ok(())
        }),
        text!("label", |t| {
            if let Some((text, false)) = s.borrow_mut().label.as_mut() {
                text.push_str(t.as_str());
            }
            Ok(())
        }),
        text!("[role=alert]", |t| {
            // Text as the page has it: entities still written.
            s.borrow_mut().alert.push_str(&unescape(t.as_str()));
            Ok(())
        }),
        element!("input, select, textarea, button", |el| {
            let mut sc = s.borrow_mut();
            let Some(i) = sc.in_form else { return Ok(()) };
            let Some(name) = el.get_attribute("name") else {
                return Ok(());
            };
            let kind = el.get_attribute("type").unwrap_or_default();
            let value = unescape(&el.get_attribute("value").unwrap_or_default());
            let tag = el.tag_name();
            let label = match sc.label.as_mut() {
                Some((text, taken @ false)) => {
                    *taken = true;
                    Some(text.trim().to_owned())
                }
                _ => None,
            };
            let f = &mut sc.forms[i];
            if tag == "button" || kind == "submit" {
                f.buttons.push((name.clone(), value));
            } else if kind == "hidden" {
                f.hidden.push((name.clone(), value));
            }
            if let Some(l) = label.filter(|l| !l.is_empty()) {
                f.labels.push((l, name.clone()));
            }
            f.names.insert(name);
            Ok(())
        }),
    ];
    let settings = RewriteStrSettings {
        element_content_handlers: handlers,
        ..RewriteStrSettings::new()
    };
    // A page this server rendered always parses; one that does not is
    // left as it is (nothing found, nothing filled).
    let _ = rewrite_str(html, settings);
    s.take()
}

/// The form `typed` came from: see the module's comment.
fn sent_from(forms: &[FormSeen], typed: &Typed) -> Option<usize> {
    let sent: HashMap<&str, Vec<&str>> =
        typed.pairs.iter().fold(HashMap::new(), |mut m, (k, v)| {
            m.entry(k.as_str()).or_default().push(v.as_str());
            m
        });
    let mut best: Option<(usize, usize)> = None;
    for (i, f) in forms.iter().enumerate() {
        if !f.posts || action_path(&f.action) != typed.path {
            continue;
        }
        // What the page saw (`seen`, `version`, `moves`) may have moved
        // on since (a 409): it says nothing of which form was sent.
        let hidden_agree = f.hidden.iter().all(|(k, v)| {
            matches!(k.as_str(), "csrf" | "seen" | "version" | "moves")
                || sent
                    .get(k.as_str())
                    .is_none_or(|vs| vs.contains(&v.as_str()))
        });
        let pressed_here = sent.iter().all(|(k, vs)| {
            let here: Vec<&str> = f
                .buttons
                .iter()
                .filter(|(b, _)| b == k)
                .map(|(_, v)| v.as_str())
                .collect();
            here.is_empty() || vs.iter().any(|v| here.contains(v))
        });
        if !hidden_agree || !pressed_here {
            continue;
        }
        let score = sent.keys().filter(|k| f.names.contains(**k)).count();
        if score > 0 && best.is_none_or(|(_, b)| score > b) {
            best = Some((i, score));
        }
    }
    best.map(|(i, _)| i)
}

/// The name of the field a refusal is about: the form's label whose text
/// the refusal quotes (the longest such, so 开始日期 wins over 日期).
fn field_named<'a>(form: &'a FormSeen, refusal: &str) -> Option<&'a str> {
    form.labels
        .iter()
        .filter(|(text, _)| refusal.contains(text.as_str()))
        .max_by_key(|(text, _)| text.chars().count())
        .map(|(_, name)| name.as_str())
}

/// Text as written in HTML made plain: the entities this server's
/// templates (askama) and [`escape`] write decoded. (A chunk cut inside
/// an entity is left as it is: the page's own short sentences are not.)
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// A value for `lol_html`'s `set_attribute`, which escapes only `"`: a
/// typed `&` stays a `&` (else `a&lt;b` would come back as `a<b`).
fn attribute(v: &str) -> String {
    v.replace('&', "&amp;")
}

/// Text made safe inside HTML text or a double-quoted attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Default)]
struct Fill {
    form_seen: usize,
    in_target: bool,
    details_seen: usize,
    used: HashMap<String, usize>,
    select: Option<Vec<String>>,
    flagged: bool,
}

/// What the second pass puts back, and where the refusal goes.
struct Sent<'a> {
    values: HashMap<&'a str, Vec<&'a str>>,
    /// The name of the field the refusal concerns.
    flag: Option<String>,
    refusal: String,
}

type Outcome = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// One control of the form sent: its value put back as sent (a select's
/// chosen options are marked by [`Fill::select`] as they come), and the
/// refusal placed after it when it is the field the refusal names.
fn put(el: &mut Element, f: &mut Fill, sent: &Sent<'_>) -> Outcome {
    let values = &sent.values;
    let Some(name) = el.get_attribute("name") else {
        return Ok(());
    };
    if secret(&name) {
        return Ok(());
    }
    let tag = el.tag_name();
    let kind = el.get_attribute("type").unwrap_or_default();
    let Some(typed) = values.get(name.as_str()) else {
        if tag == "select" {
            f.select = None;
        }
        // A checkbox left unticked is not sent: unticked it stays.
        if kind == "checkbox" && !values.is_empty() {
            el.remove_attribute("checked");
        }
        return Ok(());
    };
    match (tag.as_str(), kind.as_str()) {
        ("input", "hidden" | "submit" | "button" | "reset" | "image" | "file" | "password") => {}
        ("button", _) => {}
        ("input", "checkbox" | "radio") => {
            let v = unescape(&el.get_attribute("value").unwrap_or_else(|| "on".into()));
            if typed.contains(&v.as_str()) {
                el.set_attribute("checked", "")?;
            } else {
                el.remove_attribute("checked");
            }
        }
        ("select", _) => {
            let k = f.used.entry(name.clone()).or_default();
            let chosen = if el.has_attribute("multiple") {
                typed.iter().map(|s| (*s).to_owned()).collect()
            } else {
                typed
                    .get(*k)
                    .map(|s| vec![(*s).to_owned()])
                    .unwrap_or_default()
            };
            *k += 1;
            f.select = Some(chosen);
        }
        (tag, _) => {
            let k = f.used.entry(name.clone()).or_default();
            if let Some(v) = typed.get(*k) {
                if tag == "textarea" {
                    el.set_inner_content(v, ContentType::Text);
                } else {
                    el.set_attribute("value", &attribute(v))?;
                }
            }
            *k += 1;
        }
    }
    if !f.flagged && sent.flag.as_deref() == Some(name.as_str()) {
        f.flagged = true;
        el.set_attribute("aria-invalid", "true")?;
        el.after(
            &format!(
                "<span class=\"field-error\" role=\"note\">{}</span>",
                escape(&sent.refusal)
            ),
            ContentType::Html,
        );
    }
    Ok(())
}

/// The page with the form `typed` came from filled in as it was sent,
/// the refusal (if the page shows one) beside the field it names, the
/// `<details>` around the form open, and `notice` (if any) at the top.
/// A page without such a form is returned with only the notice added.
pub fn refill(html: &str, typed: &Typed, notice: Option<&Notice>) -> String {
    let seen = scan(html);
    let Some(target) = sent_from(&seen.forms, typed) else {
        return with_notice(html, notice);
    };
    let form = &seen.forms[target];
    let refusal = seen.alert.trim().to_owned();
    let flag = field_named(form, &refusal).map(str::to_owned);
    let open: HashSet<usize> = form.details.iter().copied().collect();
    let values: HashMap<&str, Vec<&str>> =
        typed
            .pairs
            .iter()
            .filter(|(k, _)| !secret(k))
            .fold(HashMap::new(), |mut m, (k, v)| {
                m.entry(k.as_str()).or_default().push(v.as_str());
                m
            });
    let sent = Sent {
        values,
        flag,
        refusal,
    };
    let st = Rc::new(RefCell::new(Fill::default()));
    let fill_one = |el: &mut Element| -> Outcome {
        let mut f = st.borrow_mut();
        if !f.in_target {
            return Ok(());
        }
        put(el, &mut f, &sent)
    };
    let handlers = vec![
        element!("form", |el| {
            let mut f = st.borrow_mut();
            f.in_target = f.form_seen == target;
            f.form_seen += 1;
            if f.in_target {
                el.set_attribute("data-refilled", "")?;
                // A long page: what a restored form needs said, said by it
                // too (the page scrolls to it, `busy.js`).
                if let Some(n) = notice.filter(|n| n.kind == NoticeKind::Attention) {
                    el.before(
                        &format!(
                            "<p class=\"notice attention\" role=\"note\">{}</p>",
                            escape(&n.text)
                        ),
                        ContentType::Html,
                    );
                }
                if let Some(h) = el.end_tag_handlers() {
                    let st = Rc::clone(&st);
                    let end: EndTagHandler<'static> = Box::new(move |_| {
                        st.borrow_mut().in_target = false;
                        Ok(())
                    });
                    h.push(end);
                }
            }
            Ok(())
        }),
        element!("details", |el| {
            let mut f = st.borrow_mut();
            if open.contains(&f.details_seen) {
                el.set_attribute("open", "")?;
            }
            f.details_seen += 1;
            Ok(())
        }),
        element!("input, select, textarea, button", fill_one),
        element!("option", |el| {
            let f = st.borrow();
            if !f.in_target {
                return Ok(());
            }
            if let (Some(chosen), Some(v)) = (f.select.as_ref(), el.get_attribute("value")) {
                if chosen.contains(&unescape(&v)) {
                    el.set_attribute("selected", "")?;
                } else {
                    el.remove_attribute("selected");
                }
            }
            Ok(())
        }),
    ];
    let settings = RewriteStrSettings {
        element_content_handlers: handlers,
        ..RewriteStrSettings::new()
    };
    let filled = rewrite_str(html, settings).unwrap_or_else(|_| html.to_owned());
    with_notice(&filled, notice)
}

/// A message placed at the top of a page (in `#notices`, which every
/// page has, `base.html`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    /// What was just done ("已报送……").
    Done,
    /// Something the user must look at (a restored form).
    Attention,
}

/// The page with `notice` in its `#notices` box.
pub fn with_notice(html: &str, notice: Option<&Notice>) -> String {
    let Some(n) = notice else {
        return html.to_owned();
    };
    let (class, role) = match n.kind {
        NoticeKind::Done => ("success", "status"),
        NoticeKind::Attention => ("notice attention", "alert"),
    };
    let piece = format!(
        "<p class=\"{class}\" role=\"{role}\" id=\"page-notice\">{}</p>",
        escape(&n.text)
    );
    with_piece(html, &piece)
}

/// The page with `piece` (HTML this server made) in its `#notices` box.
pub fn with_piece(html: &str, piece: &str) -> String {
    let handlers = vec![element!("#notices", |el| {
        el.append(piece, ContentType::Html);
        Ok(())
    })];
    let settings = RewriteStrSettings {
        element_content_handlers: handlers,
        ..RewriteStrSettings::new()
    };
    rewrite_str(html, settings).unwrap_or_else(|_| html.to_owned())
}

#[cfg(test)]
mod tests;
