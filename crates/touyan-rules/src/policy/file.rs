//! The policy file format, parsed from a string with every problem reported
//! with its line (for `touyan policy check`).
//!
//! ```toml
//! [meta]
//! id = "example-2024"
//! title = "…"
//!
//! [inclusion.quota_ratio]           # section.name, as in the catalogue
//! article = 1                       # 第几条
//! clause = "第二款"                  # optional
//! unit = "比例"
//! note = "…"
//! inferred = false                  # optional: implements missing text
//! values = [
//!   { since = 2000-01-01, value = "1/2" },
//!   { since = 2030-01-01, repealed = true },   # no value in force from then
//! ]
//!
//! [[conditions]]                    # optional extra yes/no conditions (Art. 1)
//! id = "no_disciplinary_record"
//! label = "无党纪政务处分"
//! article = 1
//! since = 2025-01-01
//! ```

use std::fmt;

use time::{Date, Month};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Dated, Entry, ExtraCondition, Policy, Raw, catalog};

/// One problem in a policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line.
    pub line: u32,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第 {} 行：{}", self.line, self.message)
    }
}

struct Lines(Vec<usize>);

impl Lines {
    fn new(src: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }
    fn of(&self, offset: usize) -> u32 {
        self.0.partition_point(|&s| s <= offset) as u32
    }
}

struct Ctx {
    lines: Lines,
    problems: Vec<Problem>,
}

impl Ctx {
    fn at<T>(&mut self, s: &Spanned<T>, message: impl Into<String>) {
        let line = self.lines.of(s.span().start);
        self.problems.push(Problem {
            line,
            message: message.into(),
        });
    }
    fn line<T>(&self, s: &Spanned<T>) -> u32 {
        self.lines.of(s.span().start)
    }
}

fn toml_date(v: &Spanned<DeValue<'_>>) -> Option<Date> {
    let DeValue::Datetime(dt) = v.get_ref() else {
        return None;
    };
    if dt.time.is_some() || dt.offset.is_some() {
        return None;
    }
    let d = dt.date?;
    Date::from_calendar_date(i32::from(d.year), Month::try_from(d.month).ok()?, d.day).ok()
}

fn text<'a>(v: &'a Spanned<DeValue<'_>>) -> Option<&'a str> {
    match v.get_ref() {
        DeValue::String(s) => Some(s.as_ref()),
        _ => None,
    }
}

fn raw<'a>(v: &'a DeValue<'_>) -> Option<Raw<'a>> {
    match v {
        DeValue::String(s) => Some(Raw::Text(s.as_ref())),
        DeValue::Integer(i) if i.radix() == 10 => Some(Raw::Number(i.as_str())),
        DeValue::Float(f) => Some(Raw::Number(f.as_str())),
        DeValue::Boolean(b) => Some(Raw::Bool(*b)),
        _ => None,
    }
}

fn article(ctx: &mut Ctx, v: &Spanned<DeValue<'_>>) -> Option<u8> {
    match v.get_ref() {
        DeValue::Integer(i) => match i.as_str().parse::<u8>() {
            Ok(n) if (1..=99).contains(&n) => Some(n),
            _ => {
                ctx.at(v, "article 应为条号（1 至 99）");
                None
            }
        },
        _ => {
            ctx.at(v, "article 应为条号（整数）");
            None
        }
    }
}

pub(super) fn parse(src: &str) -> Result<Policy, Vec<Problem>> {
    let mut ctx = Ctx {
        lines: Lines::new(src),
        problems: Vec::new(),
    };
    let (doc, errors) = DeTable::parse_recoverable(src);
    for e in errors {
        let line = e.span().map_or(1, |s| ctx.lines.of(s.start));
        ctx.problems.push(Problem {
            line,
            message: format!("TOML 语法错误：{}", e.message()),
        });
    }

    let mut id = None;
    let mut title = String::new();
    let mut entries: Vec<Entry> = Vec::new();
    // Parameters present in the file, valid or not (an invalid one has been
    // reported already and is not "missing" as well).
    let mut present: Vec<&'static str> = Vec::new();
    let mut conditions = Vec::new();

    for (key, value) in doc.get_ref().iter() {
        match key.get_ref().as_ref() {
            "meta" => {
                let DeValue::Table(t) = value.get_ref() else {
                    ctx.at(key, "meta 应为表");
                    continue;
                };
                for (k, v) in t.iter() {
                    match (k.get_ref().as_ref(), text(v)) {
                        ("id", Some(s)) if !s.trim().is_empty() => id = Some(s.to_string()),
                        ("title", Some(s)) => title = s.to_string(),
                        ("source", Some(_)) => {}
                        ("id" | "title" | "source", _) => {
                            ctx.at(v, format!("meta.{} 应为非空文字", k.get_ref()))
                        }
                        (other, _) => ctx.at(k, format!("meta 中有未知的键 {other}")),
                    }
                }
            }
            "conditions" => parse_conditions(&mut ctx, value, &mut conditions),
            section => {
                let DeValue::Table(t) = value.get_ref() else {
                    ctx.at(key, format!("{section} 应为参数所在的节（表）"));
                    continue;
                };
                for (name, body) in t.iter() {
                    let full = format!("{section}.{}", name.get_ref());
                    let Some(spec) = catalog::spec(&full) else {
                        ctx.at(name, format!("没有名为 {full} 的政策参数"));
                        continue;
                    };
                    present.push(spec.name);
                    if let Some(e) = parse_entry(&mut ctx, spec, name, body) {
                        entries.push(e);
                    }
                }
            }
        }
    }

    if id.is_none() {
        ctx.problems.push(Problem {
            line: 1,
            message: "缺少 [meta] 中的 id（政策标识，如 example-2024）".into(),
        });
    }
    // The last line that holds text (a final newline starts no new line).
    let last = ctx.lines.of(src.trim_end().len().saturating_sub(1)).max(1);
    for spec in catalog::CATALOG {
        if !present.contains(&spec.name) {
            ctx.problems.push(Problem {
                line: last,
                message: format!("缺少参数 {}（{}）", spec.name, spec.kind.zh()),
            });
        }
    }

    if ctx.problems.is_empty() {
        // Keep catalogue order so that every listing reads the same way.
        entries.sort_by_key(|e| catalog::CATALOG.iter().position(|s| s.name == e.spec.name));
        Ok(Policy {
            id: id.unwrap_or_default(),
            title,
            entries,
            conditions,
            overrides: Vec::new(),
        })
    } else {
        ctx.problems.sort_by_key(|p| p.line);
        Err(ctx.problems)
    }
}

fn parse_entry(
    ctx: &mut Ctx,
    spec: &'static catalog::ParamSpec,
    name: &Spanned<std::borrow::Cow<'_, str>>,
    body: &Spanned<DeValue<'_>>,
) -> Option<Entry> {
    let DeValue::Table(t) = body.get_ref() else {
        ctx.at(
            name,
            format!("{} 应为表（含 article、unit、note、values）", spec.name),
        );
        return None;
    };
    let mut art = None;
    let (mut clause, mut unit, mut note) = (String::new(), None, None);
    let mut inferred = false;
    let mut values = None;
    for (k, v) in t.iter() {
        match k.get_ref().as_ref() {
            "article" => art = article(ctx, v),
            "clause" => match text(v) {
                Some(s) => clause = s.to_string(),
                None => ctx.at(v, "clause 应为文字（如 第二款）"),
            },
            "unit" => match text(v) {
                Some(s) => unit = Some(s.to_string()),
                None => ctx.at(v, "unit 应为文字"),
            },
            "note" => match text(v) {
                Some(s) => note = Some(s.to_string()),
                None => ctx.at(v, "note 应为文字"),
            },
            "inferred" => match v.get_ref() {
                DeValue::Boolean(b) => inferred = *b,
                _ => ctx.at(v, "inferred 应为 true 或 false"),
            },
            "values" => values = Some(parse_values(ctx, spec, v)),
            other => ctx.at(k, format!("{} 中有未知的键 {other}", spec.name)),
        }
    }
    let line = ctx.line(name);
    let mut complete = true;
    for (field, present) in [
        ("article", art.is_some()),
        ("unit", unit.is_some()),
        ("note", note.is_some()),
        (
            "values",
            values.as_ref().is_some_and(|v: &Vec<Dated>| !v.is_empty()),
        ),
    ] {
        if !present {
            complete = false;
            // A present but invalid field has been reported already.
            if !t.iter().any(|(k, _)| k.get_ref().as_ref() == field) {
                ctx.problems.push(Problem {
                    line,
                    message: format!("{} 缺少 {field}", spec.name),
                });
            }
        }
    }
    complete.then(|| Entry {
        spec,
        article: art.unwrap_or(0),
        clause,
        unit: unit.unwrap_or_default(),
        note: note.unwrap_or_default(),
        inferred,
        values: values.unwrap_or_default(),
        line,
    })
}

fn parse_values(
    ctx: &mut Ctx,
    spec: &'static catalog::ParamSpec,
    v: &Spanned<DeValue<'_>>,
) -> Vec<Dated> {
    let DeValue::Array(items) = v.get_ref() else {
        ctx.at(v, "values 应为数组，如 [{ since = 2024-01-01, value = 3 }]");
        return Vec::new();
    };
    let mut out: Vec<Dated> = Vec::new();
    let before = ctx.problems.len();
    if items.is_empty() {
        ctx.at(
            v,
            format!("{} 的 values 为空：至少要有一个带生效日期的值", spec.name),
        );
    }
    for item in items.iter() {
        let DeValue::Table(t) = item.get_ref() else {
            ctx.at(item, "每个值应写作 { since = 日期, value = 值 }");
            continue;
        };
        let line = ctx.line(item);
        let (mut since, mut value, mut example, mut repealed) = (None, None, false, false);
        for (k, x) in t.iter() {
            match k.get_ref().as_ref() {
                "since" => match toml_date(x) {
                    Some(d) => since = Some(d),
                    None => ctx.at(x, "since 应为日期，如 2024-01-01（不带引号）"),
                },
                "value" => match raw(x.get_ref()).map(|r| spec.kind.parse(r)) {
                    Some(Ok(val)) => value = Some(val),
                    Some(Err(msg)) => ctx.at(x, format!("{} 的值不合法：{msg}", spec.name)),
                    None => ctx.at(x, format!("{} 的值应为{}", spec.name, spec.kind.zh())),
                },
                "example" => match x.get_ref() {
                    DeValue::Boolean(b) => example = *b,
                    _ => ctx.at(x, "example 应为 true 或 false"),
                },
                "repealed" => match x.get_ref() {
                    DeValue::Boolean(b) => repealed = *b,
                    _ => ctx.at(x, "repealed 应为 true 或 false"),
                },
                other => ctx.at(
                    k,
                    format!("值中有未知的键 {other}（可用 since、value、example、repealed）"),
                ),
            }
        }
        let has = |key: &str| t.iter().any(|(k, _)| k.get_ref().as_ref() == key);
        if !has("since") {
            ctx.at(item, "缺少 since（生效日期）");
        }
        if has("value") == repealed {
            ctx.at(
                item,
                "应有 value，或写 repealed = true 表示自该日起废止，二者取其一",
            );
        }
        if let Some(since) = since {
            if let Some(prev) = out.last()
                && prev.since >= since
            {
                ctx.at(
                    item,
                    format!(
                        "生效日期 {since} 应晚于上一个值的 {}（按时间先后排列）",
                        prev.since
                    ),
                );
            }
            out.push(Dated {
                since,
                value,
                example,
                line,
            });
        }
    }
    if ctx.problems.len() > before {
        Vec::new()
    } else {
        out
    }
}

fn parse_conditions(ctx: &mut Ctx, v: &Spanned<DeValue<'_>>, out: &mut Vec<ExtraCondition>) {
    let DeValue::Array(items) = v.get_ref() else {
        ctx.at(v, "conditions 应写作 [[conditions]] 表数组");
        return;
    };
    for item in items.iter() {
        let DeValue::Table(t) = item.get_ref() else {
            ctx.at(item, "conditions 的每一项应为表");
            continue;
        };
        let line = ctx.line(item);
        let (mut id, mut label, mut art, mut since) = (None, None, None, None);
        for (k, x) in t.iter() {
            match k.get_ref().as_ref() {
                "id" => match text(x) {
                    Some(s)
                        if s.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                            && !s.is_empty() =>
                    {
                        id = Some(s.to_string())
                    }
                    _ => ctx.at(x, "id 应为小写英文字母、数字和下划线"),
                },
                "label" => match text(x) {
                    Some(s) if !s.trim().is_empty() => label = Some(s.to_string()),
                    _ => ctx.at(x, "label 应为非空文字"),
                },
                "article" => art = article(ctx, x),
                "since" => match toml_date(x) {
                    Some(d) => since = Some(d),
                    None => ctx.at(x, "since 应为日期，如 2025-01-01"),
                },
                other => ctx.at(
                    k,
                    format!("条件中有未知的键 {other}（可用 id、label、article、since）"),
                ),
            }
        }
        match (id, label, art, since) {
            (Some(id), Some(label), Some(article), Some(since)) => {
                if out.iter().any(|c: &ExtraCondition| c.id == id) {
                    ctx.at(item, format!("条件 {id} 重复"));
                }
                out.push(ExtraCondition {
                    id,
                    label,
                    article,
                    since,
                    line,
                })
            }
            _ => ctx.at(item, "条件需要 id、label、article、since 四项"),
        }
    }
}
