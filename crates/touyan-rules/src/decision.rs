//! What every rule returns: an outcome with the rule, the article it applies,
//! the parameters it used (with the dates they took effect) and a reason that
//! renders as a Chinese sentence.
//!
//! Reasons are typed values that implement `Display`, rendered only when a
//! person or a file needs the sentence, so that deciding for a whole country
//! allocates nothing per check.

use std::fmt;

use arrayvec::ArrayVec;
use time::Date;

/// Where a rule comes from in the measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, never reused; `art01.tenure`, `art12.competency`, ….
    pub id: &'static str,
    /// Article number (第几条); for inferred rules the article the missing
    /// text most probably held (see SPEC.md).
    pub article: u8,
    /// Clause within the article (款/项), in Chinese, or "" for the whole article.
    pub clause: &'static str,
    /// The rule implements a part of the measures that is missing from the
    /// source text; it is our inference and switchable in the policy.
    pub inferred: bool,
    /// A short Chinese title.
    pub title: &'static str,
}

impl Rule {
    /// "第一条第二款" or "第十四条（原文缺失，推定）". Chapter 2
    /// (Articles 2–5) is missing as a whole, so its rules cite the chapter:
    /// "第二章（原文缺失，推定）".
    pub fn citation(&self) -> String {
        let mut s = if (2..=5).contains(&self.article) {
            format!("第二章{}", self.clause)
        } else {
            format!("第{}条{}", article_zh(self.article), self.clause)
        };
        if self.inferred {
            s.push_str("（原文缺失，推定）");
        }
        s
    }
}

/// 1 → "一", 12 → "十二", 14 → "十四".
pub fn article_zh(n: u8) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        _ => {
            let tail = if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            };
            format!("{}十{}", D[(n / 10) as usize], tail)
        }
    }
}

/// Where a parameter's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The policy file, an official value.
    Policy,
    /// The policy file, an example value standing in for a redacted amount.
    Example,
    /// Overridden for one computation (what-if, `policy` of a case).
    Override,
}

/// One parameter a decision used: which one (by its place in the
/// catalogue, so that a decision stays small), since when, and from where.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ParamUse {
    param: u16,
    /// The day the value took effect (for an override, the decision date).
    pub since: Date,
    pub origin: Origin,
}

impl ParamUse {
    /// `None` for a name that is not in the catalogue.
    pub fn new(name: &str, since: Date, origin: Origin) -> Option<ParamUse> {
        let param = crate::policy::CATALOG.iter().position(|s| s.name == name)?;
        Some(ParamUse {
            param: u16::try_from(param).ok()?,
            since,
            origin,
        })
    }

    /// The parameter's dotted name.
    pub fn name(&self) -> &'static str {
        crate::policy::CATALOG[usize::from(self.param)].name
    }
}

impl fmt::Debug for ParamUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParamUse")
            .field("name", &self.name())
            .field("since", &self.since)
            .field("origin", &self.origin)
            .finish()
    }
}

/// The parameters a decision used, inline (no allocation).
pub type ParamsUsed = ArrayVec<ParamUse, 8>;

/// A decision: outcome, rule, parameters used, and a reason for people.
#[derive(Clone, Debug)]
pub struct Decision<T, R> {
    pub outcome: T,
    pub rule: &'static Rule,
    pub params: ParamsUsed,
    pub reason: R,
}

impl<T, R: fmt::Display> Decision<T, R> {
    pub fn new(rule: &'static Rule, outcome: T, reason: R) -> Self {
        Decision {
            outcome,
            rule,
            params: ParamsUsed::new(),
            reason,
        }
    }

    /// Records that the decision used these parameters. A rule names each
    /// parameter once (checked in debug builds).
    ///
    /// # Panics
    /// When a decision would cite more than [`ParamsUsed`] holds: a rule
    /// that uses more parameters needs a bigger list, never a silent cut
    /// (the rules' tests exercise every rule, so this cannot reach users).
    pub fn using(mut self, uses: &[ParamUse]) -> Self {
        for u in uses {
            debug_assert!(
                !self.params.iter().any(|p| p.param == u.param),
                "{} cites {} twice",
                self.rule.id,
                u.name()
            );
            self.params.push(*u);
        }
        self
    }

    /// The Chinese sentence for people.
    pub fn sentence(&self) -> String {
        self.reason.to_string()
    }

    /// Whether any parameter used is an example value (not official).
    pub fn uses_example_values(&self) -> bool {
        self.params.iter().any(|p| p.origin == Origin::Example)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_two_is_cited_as_the_chapter() {
        let r = |article, inferred| Rule {
            id: "x",
            article,
            clause: "",
            inferred,
            title: "x",
        };
        assert_eq!(r(2, true).citation(), "第二章（原文缺失，推定）");
        assert_eq!(r(5, false).citation(), "第二章");
        assert_eq!(r(1, false).citation(), "第一条");
        assert_eq!(r(6, false).citation(), "第六条");
        assert_eq!(r(14, true).citation(), "第十四条（原文缺失，推定）");
    }

    #[test]
    fn article_numbers_in_chinese() {
        assert_eq!(article_zh(1), "一");
        assert_eq!(article_zh(10), "十");
        assert_eq!(article_zh(12), "十二");
        assert_eq!(article_zh(20), "二十");
        assert_eq!(article_zh(23), "二十三");
    }
}
