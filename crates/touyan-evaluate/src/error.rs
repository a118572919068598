//! Input errors, each naming the JSON path of the offending field.

use std::fmt;

/// Bad input: the command exits with status 2 (HTTP 422) and prints this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseError {
    /// JSON path, e.g. `towns[0].young_cadre_factor` (`.` for the document).
    pub path: String,
    pub message: String,
}

impl CaseError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> CaseError {
        CaseError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for CaseError {}

/// Joins a path prefix (`towns[3]`) and a path inside it (`villages[0].code`).
pub(crate) fn join(prefix: &str, inner: &str) -> String {
    match (prefix, inner) {
        ("", i) | (".", i) => i.to_string(),
        (p, "" | ".") => p.to_string(),
        (p, i) if i.starts_with('[') => format!("{p}{i}"),
        (p, i) => format!("{p}.{i}"),
    }
}

/// Turns a `serde_path_to_error` error into a `CaseError` under `prefix`.
pub(crate) fn from_serde(
    prefix: &str,
    e: serde_path_to_error::Error<serde_json::Error>,
) -> CaseError {
    let path = join(prefix, &e.path().to_string());
    let inner = e.into_inner();
    let syntax = inner.is_syntax() || inner.is_eof();
    let mut msg = inner.to_string();
    if !syntax && let Some(i) = msg.rfind(" at line ") {
        msg.truncate(i);
    }
    // serde names a missing field at its parent; name the field itself.
    if let Some(field) = msg
        .strip_prefix("missing field `")
        .and_then(|s| s.strip_suffix('`'))
    {
        let field = field.to_string();
        return CaseError::new(
            join(&path, &field),
            format!("missing field（缺少必填字段 {field}）"),
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown field `")
        && let Some((field, _)) = rest.split_once('`')
    {
        let field = field.to_string();
        // The path already ends with the unknown field.
        return CaseError::new(
            path,
            format!("unknown field `{field}`（未知字段 {field}，合同不允许多余字段）"),
        );
    }
    if let Some(field) = msg
        .strip_prefix("duplicate field `")
        .and_then(|s| s.strip_suffix('`'))
    {
        let field = field.to_string();
        return CaseError::new(
            join(&path, &field),
            format!("duplicate field（字段 {field} 重复）"),
        );
    }
    if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        msg.push_str("（类型或取值不对）");
    } else if syntax {
        msg = format!("not valid JSON: {msg}（JSON 格式错误）");
    }
    CaseError::new(path, msg)
}
