//! Writes the output document of the contract. Hand-written rather than
//! derived: the field order is the contract's, numbers are exact decimals
//! (money rounded half up to the fen, `rate` to 4 decimals) and the national
//! file writes hundreds of megabytes, so sentences are rendered straight into
//! the buffer without intermediate values.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use touyan_rules::num::round_fen;

use touyan_rules::Decision;
use touyan_rules::art01_inclusion::Check;
use touyan_rules::art06_training::Shortfall;
use touyan_rules::art12_competency::Action;

use crate::town::TownResult;

/// A JSON output buffer. Text, not bytes: everything written is a `str`
/// (escapes split strings only at ASCII bytes, which are char boundaries),
/// so a caller keeping the JSON as a `String` takes it as it is, without
/// validating it again.
pub struct Json {
    pub buf: String,
}

impl Json {
    pub fn new() -> Json {
        Json {
            buf: String::with_capacity(64 * 1024),
        }
    }

    fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    /// A JSON string, escaped.
    pub fn string(&mut self, s: &str) {
        self.buf.push('"');
        let bytes = s.as_bytes();
        if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
            self.buf.push_str(s);
            self.buf.push('"');
            return;
        }
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let esc = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..=0x1f => {
                    self.buf.push_str(&s[start..i]);
                    let _ = write!(self.buf, "\\u{b:04x}");
                    start = i + 1;
                    continue;
                }
                _ => continue,
            };
            self.buf.push_str(&s[start..i]);
            self.buf.push_str(esc);
            start = i + 1;
        }
        self.buf.push_str(&s[start..]);
        self.buf.push('"');
    }

    /// A sentence rendered from a `Display` value, as a JSON string. The
    /// text is formatted straight into the buffer; in the rare case that it
    /// holds a character JSON must escape, that stretch is escaped again.
    pub fn display(&mut self, d: &dyn std::fmt::Display) {
        let start = self.buf.len();
        self.buf.push('"');
        let _ = write!(self.buf, "{d}");
        if self.buf.as_bytes()[start + 1..]
            .iter()
            .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
        {
            let text = self.buf[start + 1..].to_owned();
            self.buf.truncate(start);
            self.string(&text);
        } else {
            self.buf.push('"');
        }
    }

    fn uint(&mut self, n: u64) {
        self.raw(itoa::Buffer::new().format(n));
    }

    fn decimal(&mut self, d: Decimal) {
        // A decimal prints digits, a sign and a point: nothing to escape.
        let _ = write!(self.buf, "{}", d.normalize());
    }

    fn money(&mut self, d: Decimal) {
        self.decimal(round_fen(d));
    }

    fn bool(&mut self, b: bool) {
        self.raw(if b { "true" } else { "false" });
    }

    /// A JSON array of strings.
    fn strings<'s>(&mut self, items: impl IntoIterator<Item = &'s str>) {
        self.raw("[");
        for (n, item) in items.into_iter().enumerate() {
            if n > 0 {
                self.raw(",");
            }
            self.string(item);
        }
        self.raw("]");
    }

    fn key(&mut self, k: &str) {
        self.buf.push('"');
        self.raw(k);
        self.raw("\":");
    }
}

impl Default for Json {
    fn default() -> Json {
        Json::new()
    }
}

/// The opening of the document, up to the towns array.
pub fn head(j: &mut Json, policy_id: &str) {
    j.raw("{");
    j.key("policy");
    j.string(policy_id);
    j.raw(",");
    j.key("towns");
    j.raw("[");
}

/// The closing of the document.
pub fn tail(j: &mut Json) {
    j.raw("]}\n");
}

/// One town object.
pub fn town(j: &mut Json, r: &TownResult<'_>) {
    j.raw("{");
    j.key("code");
    j.string(&r.town.code);
    j.raw(",");
    j.key("inclusion_quota");
    j.uint(u64::from(r.quota.outcome));
    j.raw(",");
    j.key("included");
    j.strings(r.included.iter().map(|&s| r.secretary_id(s)));
    j.raw(",");
    j.key("tiers");
    j.raw("{");
    for (n, (&s, tier)) in r.included.iter().zip(&r.tiers).enumerate() {
        if n > 0 {
            j.raw(",");
        }
        j.string(r.secretary_id(s));
        j.raw(":");
        j.uint(u64::from(tier.outcome));
    }
    j.raw("},");
    j.key("young_cadre_cap");
    j.uint(u64::from(r.young_cap.outcome));
    j.raw(",");
    j.key("young_cadres_selected");
    j.strings(r.young_selected.iter().map(|&y| r.young_id(y)));
    j.raw(",");
    j.key("secondment");
    match &r.secondment {
        None => j.raw("null"),
        Some(s) => {
            j.raw("{");
            j.key("city_required");
            j.uint(u64::from(s.city_required.outcome));
            j.raw(",");
            j.key("city_done");
            j.uint(u64::from(s.city_done));
            j.raw(",");
            j.key("town_required");
            j.uint(u64::from(s.town_required.outcome));
            j.raw(",");
            j.key("town_done");
            j.uint(u64::from(s.town_done));
            j.raw(",");
            j.key("too_short");
            let list = r.town.secondments.as_deref().unwrap_or_default();
            j.strings(
                list.iter()
                    .zip(&s.lengths)
                    .filter(|(_, d)| !d.outcome)
                    .map(|(s, _)| &*s.id),
            );
            j.raw("}");
        }
    }
    j.raw(",");
    j.key("reserve_shortfalls");
    j.strings(
        r.reserve_shortfalls
            .iter()
            .map(|(v, _)| &*r.town.villages[*v].code),
    );
    j.raw(",");
    j.key("secretaries");
    j.raw("[");
    for (n, s) in r.secretaries.iter().enumerate() {
        if n > 0 {
            j.raw(",");
        }
        secretary(j, r, n, s);
    }
    j.raw("],");
    j.key("young_cadres");
    j.raw("[");
    for (n, y) in r.young.iter().enumerate() {
        if n > 0 {
            j.raw(",");
        }
        j.raw("{");
        j.key("id");
        j.string(r.young_id(n));
        j.raw(",");
        j.key("eligible");
        j.bool(y.eligible.outcome);
        j.raw(",");
        j.key("monthly_pay");
        match &y.pay {
            None => j.raw("null"),
            Some(p) => {
                let p = p.outcome;
                j.raw("{");
                j.key("base");
                j.money(p.base);
                j.raw(",");
                j.key("city_subsidy");
                j.money(p.city_subsidy);
                j.raw(",");
                j.key("town_subsidy");
                j.money(p.town_subsidy);
                j.raw(",");
                j.key("total");
                j.money(p.total);
                j.raw(",");
                j.key("kept_current");
                j.bool(p.kept_current);
                j.raw("}");
            }
        }
        j.raw("}");
    }
    j.raw("]}");
}

/// One secretary object of the contract (`towns[].secretaries[n]`), as the
/// whole document writes it.
pub fn secretary(j: &mut Json, r: &TownResult<'_>, n: usize, s: &crate::town::SecretaryResult) {
    secretary_out(j, &secretary_view(r.secretary_id(n), s));
}

/// What the secretary object of secretary `id` says, from its decisions.
pub fn secretary_view<'a>(id: &'a str, s: &'a crate::town::SecretaryResult) -> SecretaryOut<'a> {
    SecretaryOut {
        id,
        checks: &s.eligibility.checks,
        conditions: &s.conditions,
        training: s.training.as_ref().map(|t| TrainingOut {
            city_days: t.outcome.city_days,
            town_sessions: t.outcome.town_sessions,
            town_days: t.outcome.town_days,
            shortfalls: &t.outcome.shortfalls,
        }),
        competency: s.competency.as_ref().map(|c| CompetencyOut {
            rate: c.outcome.rate.to_decimal(4),
            action: c.outcome.action,
        }),
    }
}

/// What a secretary object of the contract says: written from the
/// decisions by [`secretary`], and from a stored proposal's reasons by
/// `touyan-cycle` (which keeps the reasons typed and compact, and renders
/// the contract's JSON through this same writer, so that both say the same
/// word for word).
pub struct SecretaryOut<'a> {
    /// The contract's `id`.
    pub id: &'a str,
    /// The inclusion checks of Articles 1 and 13, in the contract's order;
    /// `eligible` is whether all of them passed.
    pub checks: &'a [Check],
    /// The conditions the policy adds, in force on the day (in the file's
    /// order): the condition's id and article, and its decision. Written
    /// after the five checks as `condition.<id>`; `eligible` needs them to
    /// pass too.
    pub conditions: &'a [(String, u8, Decision<bool, String>)],
    pub training: Option<TrainingOut<'a>>,
    pub competency: Option<CompetencyOut>,
}

/// `training` of a secretary object (Article 6).
pub struct TrainingOut<'a> {
    pub city_days: Decimal,
    pub town_sessions: u32,
    pub town_days: Decimal,
    /// Failed items, in the contract's order; none: compliant.
    pub shortfalls: &'a [Shortfall],
}

/// `competency` of a secretary object (Article 12).
pub struct CompetencyOut {
    /// The rate as written: rounded to 4 decimals.
    pub rate: Decimal,
    pub action: Action,
}

/// Writes one secretary object of the contract.
pub fn secretary_out(j: &mut Json, s: &SecretaryOut<'_>) {
    j.raw("{");
    j.key("id");
    j.string(s.id);
    j.raw(",");
    j.key("eligible");
    j.bool(s.checks.iter().all(|c| c.outcome) && s.conditions.iter().all(|(_, _, d)| d.outcome));
    j.raw(",");
    j.key("checks");
    j.raw("[");
    for (k, c) in s.checks.iter().enumerate() {
        if k > 0 {
            j.raw(",");
        }
        j.raw("{");
        j.key("rule");
        j.string(short_name(c.rule.id));
        j.raw(",");
        j.key("article");
        j.uint(u64::from(c.rule.article));
        j.raw(",");
        j.key("passed");
        j.bool(c.outcome);
        j.raw(",");
        j.key("detail");
        j.display(&c.reason);
        j.raw("}");
    }
    for (id, article, d) in s.conditions {
        j.raw(",{");
        j.key("rule");
        j.string(&format!("condition.{id}"));
        j.raw(",");
        j.key("article");
        j.uint(u64::from(*article));
        j.raw(",");
        j.key("passed");
        j.bool(d.outcome);
        j.raw(",");
        j.key("detail");
        j.display(&d.reason);
        j.raw("}");
    }
    j.raw("],");
    j.key("training");
    match &s.training {
        None => j.raw("null"),
        Some(t) => {
            j.raw("{");
            j.key("city_days");
            j.decimal(t.city_days);
            j.raw(",");
            j.key("town_sessions");
            j.uint(u64::from(t.town_sessions));
            j.raw(",");
            j.key("town_days");
            j.decimal(t.town_days);
            j.raw(",");
            j.key("compliant");
            j.bool(t.shortfalls.is_empty());
            j.raw(",");
            j.key("shortfalls");
            j.strings(t.shortfalls.iter().map(|sf| sf.name()));
            j.raw("}");
        }
    }
    j.raw(",");
    j.key("competency");
    match &s.competency {
        None => j.raw("null"),
        Some(c) => {
            j.raw("{");
            j.key("rate");
            j.decimal(c.rate);
            j.raw(",");
            j.key("action");
            j.string(c.action.name());
            j.raw("}");
        }
    }
    j.raw("}");
}

/// The contract's rule name: the stable id without its article prefix
/// (`art01.tenure` → `tenure`).
pub fn short_name(id: &str) -> &str {
    id.split_once('.').map_or(id, |(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn strings_are_escaped_around_multibyte_text() {
        let mut j = Json::new();
        j.string("村\"委\\会\n第\t1\u{1}组");
        assert_eq!(j.buf, r#""村\"委\\会\n第\t1\u0001组""#);
        // The result is JSON that reads back as the same text.
        let back: String = serde_json::from_str(&j.buf).expect("valid JSON");
        assert_eq!(back, "村\"委\\会\n第\t1\u{1}组");
    }

    #[test]
    fn a_displayed_sentence_needing_escapes_is_escaped() {
        let mut j = Json::new();
        j.display(&"任职满 3 年");
        j.buf.push(',');
        j.display(&"引号\"在内");
        assert_eq!(j.buf, r#""任职满 3 年","引号\"在内""#);
    }
}
