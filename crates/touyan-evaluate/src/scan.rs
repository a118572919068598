//! A structural scanner for the top level of the case document.
//!
//! The national case is hundreds of megabytes, nearly all of it the `towns`
//! array. Instead of building a value for the whole document, the scanner
//! walks the top-level object, hands the small head values (`as_of`,
//! `policy`) to `serde_json`, and finds where each town starts and ends, so
//! that towns can be parsed and decided in parallel. It only has to be right
//! about strings and brackets: every town slice and head value is then fully
//! parsed (and so validated) by `serde_json`.

use memchr::memchr2;

use crate::error::CaseError;

/// The top level of a case: raw slices of its fields.
pub struct TopLevel<'a> {
    pub as_of: Option<&'a [u8]>,
    pub policy: Option<&'a [u8]>,
    pub towns: Option<Vec<&'a [u8]>>,
}

struct Scanner<'a> {
    b: &'a [u8],
    pos: usize,
}

fn line_col(b: &[u8], pos: usize) -> (usize, usize) {
    let before = &b[..pos.min(b.len())];
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let col = pos
        - before
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    (line, col)
}

impl<'a> Scanner<'a> {
    fn error(&self, what: &str) -> CaseError {
        let (line, col) = line_col(self.b, self.pos);
        CaseError::new(
            ".",
            format!(
                "not valid JSON: {what} at line {line} column {col}（JSON 格式错误：第 {line} 行第 {col} 列）"
            ),
        )
    }

    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.pos) {
            if matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), CaseError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else if self.peek().is_none() {
            Err(self.error(&format!("EOF while expecting {what}")))
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    /// From an opening quote, to just past the closing one.
    fn string(&mut self) -> Result<(), CaseError> {
        self.pos += 1;
        loop {
            match memchr2(b'"', b'\\', &self.b[self.pos..]) {
                None => {
                    self.pos = self.b.len();
                    return Err(self.error("EOF while parsing a string"));
                }
                Some(i) if self.b[self.pos + i] == b'"' => {
                    self.pos += i + 1;
                    return Ok(());
                }
                // A backslash escapes the next byte (if there is one).
                Some(i) => self.pos = (self.pos + i + 2).min(self.b.len()),
            }
        }
    }

    /// Skips one value; returns its slice.
    fn value(&mut self) -> Result<&'a [u8], CaseError> {
        let start = self.pos;
        match self.peek() {
            None => return Err(self.error("EOF while parsing a value")),
            Some(b'"') => self.string()?,
            Some(open @ (b'{' | b'[')) => {
                // Brackets of the other kind are balanced inside a valid
                // value, so counting this kind (outside strings) finds the
                // end. A plain byte loop: in JSON a quote comes every few
                // bytes, too often for vector searches to pay off.
                let close = if open == b'{' { b'}' } else { b']' };
                let b = self.b;
                let mut i = self.pos;
                let mut depth = 0usize;
                let mut in_string = false;
                let end = loop {
                    let Some(&c) = b.get(i) else {
                        self.pos = b.len();
                        return Err(self.error("EOF while parsing a value"));
                    };
                    i += 1;
                    if in_string {
                        if c == b'"' {
                            in_string = false;
                        } else if c == b'\\' {
                            i += 1;
                        }
                    } else if c == b'"' {
                        in_string = true;
                    } else if c == open {
                        depth += 1;
                    } else if c == close {
                        depth -= 1;
                        if depth == 0 {
                            break i;
                        }
                    }
                };
                self.pos = end;
            }
            Some(_) => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(self.error("expected a value"));
                }
            }
        }
        Ok(&self.b[start..self.pos])
    }

    fn array(
        &mut self,
        on_item: &mut dyn FnMut(usize, &'a [u8]),
    ) -> Result<Vec<&'a [u8]>, CaseError> {
        let mut items = Vec::new();
        self.expect(b'[', "`[`")?;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(items);
        }
        loop {
            self.ws();
            let item = self.value()?;
            on_item(items.len(), item);
            items.push(item);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(items);
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }
}

/// Splits the document into its top-level fields. Unknown and repeated
/// fields are errors, as the contract asks.
pub fn top_level(b: &[u8]) -> Result<TopLevel<'_>, CaseError> {
    top_level_with(b, &mut |_| {}, &mut |_, _| {})
}

/// What the scanner has seen when the towns array begins.
pub struct Head<'a> {
    pub as_of: Option<&'a [u8]>,
    pub policy: Option<&'a [u8]>,
}

/// As [`top_level`], telling `towns_begin` what head fields came before the
/// towns and `on_town` each town as soon as its end is found, so that towns
/// can be decided while the rest of the document is still being scanned.
pub fn top_level_with<'a>(
    b: &'a [u8],
    towns_begin: &mut dyn FnMut(Head<'a>),
    on_town: &mut dyn FnMut(usize, &'a [u8]),
) -> Result<TopLevel<'a>, CaseError> {
    let mut s = Scanner { b, pos: 0 };
    let mut top = TopLevel {
        as_of: None,
        policy: None,
        towns: None,
    };
    s.ws();
    if b.starts_with(b"\xEF\xBB\xBF") {
        s.pos = 3;
        s.ws();
    }
    match s.peek() {
        Some(b'{') => s.pos += 1,
        None => return Err(s.error("EOF while parsing a value")),
        Some(_) => {
            return Err(CaseError::new(
                ".",
                "invalid type: expected an object with as_of and towns（案例应为 JSON 对象）",
            ));
        }
    }
    s.ws();
    if s.peek() == Some(b'}') {
        s.pos += 1;
    } else {
        loop {
            s.ws();
            if s.peek() != Some(b'"') {
                return Err(s.error("expected a field name"));
            }
            let key_slice = s.value()?;
            let key: String =
                serde_json::from_slice(key_slice).map_err(|_| s.error("invalid field name"))?;
            s.ws();
            s.expect(b':', "`:`")?;
            s.ws();
            let slot_is_set = match key.as_str() {
                "as_of" => top.as_of.is_some(),
                "policy" => top.policy.is_some(),
                "towns" => top.towns.is_some(),
                _ => {
                    return Err(CaseError::new(
                        key.clone(),
                        format!("unknown field `{key}`（未知字段 {key}，合同不允许多余字段）"),
                    ));
                }
            };
            if slot_is_set {
                return Err(CaseError::new(
                    key.clone(),
                    format!("duplicate field `{key}`（字段 {key} 重复）"),
                ));
            }
            match key.as_str() {
                "as_of" => top.as_of = Some(s.value()?),
                "policy" => top.policy = Some(s.value()?),
                _ => {
                    if s.peek() != Some(b'[') {
                        let v = s.value()?;
                        let found = String::from_utf8_lossy(&v[..v.len().min(20)]).into_owned();
                        return Err(CaseError::new(
                            "towns",
                            format!("invalid type: {found:?}, expected an array（towns 应为数组）"),
                        ));
                    }
                    towns_begin(Head {
                        as_of: top.as_of,
                        policy: top.policy,
                    });
                    top.towns = Some(s.array(on_town)?);
                }
            }
            s.ws();
            match s.peek() {
                Some(b',') => s.pos += 1,
                Some(b'}') => {
                    s.pos += 1;
                    break;
                }
                _ => return Err(s.error("expected `,` or `}`")),
            }
        }
    }
    s.ws();
    if s.pos < b.len() {
        return Err(s.error("trailing characters after the document"));
    }
    Ok(top)
}
