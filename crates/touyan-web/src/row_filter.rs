//! The filter of a long town table (issue 18, item 6): the words typed
//! (a village's or a person's name, a village code) and "only the rows
//! with a problem", read from the query string so that a filtered view is
//! a plain link and works without a script. It only picks which rows a
//! page lays out; what a row's problem is comes from the office.

use serde::Deserialize;

/// The filter as asked in the query string (`q`, `only=problems`).
#[derive(Deserialize, Default, Clone, Debug)]
pub struct FilterQuery {
    q: Option<String>,
    only: Option<String>,
}

/// A table's filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowFilter {
    /// The words typed, trimmed ("" for none).
    pub text: String,
    /// Only the rows with a problem.
    pub only_problems: bool,
}

impl RowFilter {
    /// The filter of `q` and `only` (`only=problems`).
    pub fn new(q: Option<&str>, only_problems: bool) -> Self {
        Self {
            text: q.unwrap_or_default().trim().to_owned(),
            only_problems,
        }
    }

    /// The filter of a query string.
    pub fn of(q: &FilterQuery) -> Self {
        Self::new(q.q.as_deref(), q.only.as_deref() == Some("problems"))
    }

    /// Whether the filter narrows anything.
    pub fn active(&self) -> bool {
        !self.text.is_empty() || self.only_problems
    }

    /// Whether a row of these texts (village name, code, person name…),
    /// with a problem or not, is shown: every word typed is found in one
    /// of the texts.
    pub fn shows(&self, texts: &[&str], problem: bool) -> bool {
        (problem || !self.only_problems) && self.names(texts)
    }

    /// Whether every word typed is found in one of `texts` (the words
    /// alone, problems aside).
    pub fn names(&self, texts: &[&str]) -> bool {
        self.text
            .split_whitespace()
            .all(|w| texts.iter().any(|t| t.contains(w)))
    }

    /// The query string that keeps the filter on another link (`""` when
    /// it narrows nothing, else `q=…&only=problems`, URL-encoded).
    pub fn query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if !self.text.is_empty() {
            s.append_pair("q", &self.text);
        }
        if self.only_problems {
            s.append_pair("only", "problems");
        }
        s.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_problems_narrow_the_rows() {
        let none = RowFilter::new(None, false);
        assert!(!none.active());
        assert!(none.shows(&["东村村委会", "张三"], false));
        let f = RowFilter::new(Some("  东村 张 "), false);
        assert_eq!(f.text, "东村 张");
        assert!(f.active());
        assert!(f.shows(&["东村村委会", "张三"], false));
        assert!(!f.shows(&["东村村委会", "李四"], true), "every word");
        let p = RowFilter::new(Some(""), true);
        assert!(p.active());
        assert!(p.shows(&["北村"], true));
        assert!(!p.shows(&["北村"], false));
        assert!(p.names(&["北村"]), "problems aside");
        assert!(!f.names(&["东村村委会 李四"]));
        assert_eq!(p.query(), "only=problems");
        assert_eq!(
            RowFilter::new(Some("东村 a&b"), true).query(),
            "q=%E4%B8%9C%E6%9D%91+a%26b&only=problems"
        );
    }
}
