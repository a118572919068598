//! A professionalized secretary's whole pay (Article 13; issue 17, item
//! 5): 报酬由基本报酬、业绩考核奖励报酬、养老保险补助、专业化补贴构成. The first
//! three are set by higher-level rules and paid through their own
//! channels (所需资金仍按原渠道解决): the town records them per person and
//! month with the channel that pays them (the person's page, a workbook's
//! 报酬构成 sheet). The fourth, the 专业化补贴, is the month's pay as the
//! pay runs compute it (`touyan_reports::month_pay`), paid by the city
//! through the one-card account ([`SUBSIDY_CHANNEL`]); it is never
//! recorded here nor computed another way.
//!
//! [`whole_pay`] is the one function that puts them together — each
//! person's month by part, and the totals per part and per channel — for
//! the one-person file ([`person_whole_pay`]: the parts and the payments
//! the runs stored) and a town's pay page ([`town_whole_pay`]: the parts
//! and the month's pay the page shows).
//!
//! Who may record is `touyan_workflow::art13_pay_parts`'s (the town's
//! operator, for the town's own people); one row per person, month and
//! part, recording again replaces it (the change log keeps the earlier
//! ones); the write is audited like every form's (`Store::apply_from`).

use std::collections::BTreeMap;

use time::Date;
use touyan_records::model::{
    CHANNEL_CHARS, Labelled, PayKind, PayPart, PayPartRecord, PayRecord, PayState, Records,
};
use touyan_records::{CitizenId, TownCode};
use touyan_storage::{PersonFile, Scope, Store};
use touyan_workflow::art13_pay_parts;

use crate::pay::TownMonth;
use crate::{By, OfficeError};

/// The channel of the 专业化补贴: the city's budget, paid monthly to the
/// one-card account (Article 13: 由市财政承担，按月通过“一卡通”发放).
pub const SUBSIDY_CHANNEL: &str = "市财政（一卡通）";

/// The largest amount a part may have, in yuan (a typing slip, not pay).
const MAX_YUAN: i64 = 10_000_000;

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

fn excerpt(text: &str) -> String {
    text.chars().take(20).collect()
}

/// A month as the form sends it (`yyyy-mm`, e.g. 2026-05): its first
/// day, or why not.
pub fn parse_month(text: &str) -> Result<Date, OfficeError> {
    let t = text.trim();
    let bad = || {
        invalid(format!(
            "月份“{}”无效，应为 yyyy-mm，如 2026-05",
            excerpt(t)
        ))
    };
    // The month's form is the reports' (`parse_month`, as the pay
    // pages read it); the years a pay part may be of are this form's.
    let month = touyan_reports::parse_month(t).ok_or_else(bad)?;
    if !(2000..=2100).contains(&month.year()) {
        return Err(bad());
    }
    Ok(month)
}

/// An amount in yuan as typed (non-negative, at most two decimals, e.g.
/// 2400, 600.5, 300.00) in fen, or why not; `what` names the part.
pub fn parse_amount(what: &str, text: &str) -> Result<i64, OfficeError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(invalid(format!("请填写{what}的金额（元）")));
    }
    if t.starts_with('-') {
        return Err(invalid(format!("{what}的金额不能为负数")));
    }
    let not_number = || invalid(format!("{what}的金额“{}”不是有效的数字", excerpt(t)));
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (t.contains('.') && frac.is_empty())
    {
        return Err(not_number());
    }
    if frac.len() > 2 {
        return Err(invalid(format!(
            "{what}的金额“{}”最多两位小数（精确到分）",
            excerpt(t)
        )));
    }
    let too_large = || invalid(format!("{what}的金额不能超过 {MAX_YUAN} 元"));
    let yuan: i64 = whole.parse().map_err(|_| too_large())?;
    if yuan > MAX_YUAN {
        return Err(too_large());
    }
    let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| not_number())?;
    Ok(yuan * 100 + cents)
}

/// A funding channel as typed (trimmed, required, at most
/// [`CHANNEL_CHARS`] characters), or why not; `what` names the part.
pub fn check_channel(what: &str, text: &str) -> Result<String, OfficeError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(invalid(format!(
            "请填写{what}的资金渠道（如 镇街财政、村集体经济）"
        )));
    }
    OfficeError::at_most(t, &format!("{what}的资金渠道"), CHANNEL_CHARS)?;
    Ok(t.to_owned())
}

/// What a recorded part must be, whoever brings it (the form or a
/// workbook row): a month's first day, an amount not below zero nor past
/// the largest, a channel given and short.
pub fn check_record(x: &PayPartRecord) -> Result<(), OfficeError> {
    let what = x.part.label();
    if x.month.day() != 1 {
        return Err(invalid(format!("月份应为该月的第一天（{}）", x.month)));
    }
    if x.amount_fen < 0 {
        return Err(invalid(format!("{what}的金额不能为负数")));
    }
    if x.amount_fen > MAX_YUAN * 100 {
        return Err(invalid(format!("{what}的金额不能超过 {MAX_YUAN} 元")));
    }
    check_channel(what, &x.channel).map(drop)
}

/// The town `by` records parts for, or why `by` may not record any.
pub fn may_record(by: &By<'_>) -> Result<TownCode, OfficeError> {
    let town = by.actor.town.unwrap_or_default();
    art13_pay_parts::may_record(&by.actor, town)?;
    TownCode::parse(town).map_err(|_| OfficeError::NotFound)
}

/// What the person's form sent: the month (`yyyy-mm`) and, for each
/// part, the amount in yuan and the channel as typed (both empty: leave
/// the part as it is).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Asked {
    pub month: String,
    pub parts: Vec<(PayPart, String, String)>,
}

impl Asked {
    /// The amount and channel sent for `part` (empty when not sent).
    pub fn of(&self, part: PayPart) -> (&str, &str) {
        self.parts
            .iter()
            .find(|(p, _, _)| *p == part)
            .map_or(("", ""), |(_, a, c)| (a.as_str(), c.as_str()))
    }
}

/// The records `asked` stands for, for `person` on `today`, or the first
/// reason it cannot be recorded: the month, then each part filled in
/// (amount and channel), at least one.
pub fn records_of(
    person: &CitizenId,
    asked: &Asked,
    today: Date,
) -> Result<Vec<PayPartRecord>, OfficeError> {
    let month = parse_month(&asked.month)?;
    let mut out = Vec::new();
    for part in PayPart::ALL {
        let (amount, channel) = asked.of(*part);
        if amount.trim().is_empty() && channel.trim().is_empty() {
            continue;
        }
        let what = part.label();
        let x = PayPartRecord {
            person: person.clone(),
            month,
            part: *part,
            amount_fen: parse_amount(what, amount)?,
            channel: check_channel(what, channel)?,
            recorded_on: today,
        };
        check_record(&x)?;
        out.push(x);
    }
    if out.is_empty() {
        return Err(invalid(
            "请至少填写一项（基本报酬、业绩考核奖励报酬或养老保险补助）的金额和资金渠道",
        ));
    }
    Ok(out)
}

/// Records `person`'s parts of a month as `by` on `today`: who may first
/// (the town's operator), then the person (one of the town's people:
/// anyone else reads as missing), then what was sent ([`records_of`]);
/// all of them in one audited write, each replacing the part on record.
/// Returns how many parts were written.
pub async fn record(
    store: &Store,
    by: &By<'_>,
    person: &CitizenId,
    asked: &Asked,
    today: Date,
) -> Result<usize, OfficeError> {
    let town = may_record(by)?;
    if store
        .scoped(&Scope::Town(town.as_str().to_owned()))
        .person(person.as_str())
        .await?
        .is_none()
    {
        return Err(OfficeError::NotFound);
    }
    let batch = Records {
        pay_parts: records_of(person, asked, today)?,
        ..Records::default()
    };
    store
        .apply_from(by.name, by.origin, &batch)
        .await
        .map_err(OfficeError::refused)?;
    Ok(batch.pay_parts.len())
}

/// A part of the whole pay: one set by higher-level rules, or the
/// 专业化补贴.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Set(PayPart),
    Subsidy,
}

impl Part {
    /// The four parts in Article 13's order.
    pub const ALL: [Part; 4] = [
        Part::Set(PayPart::Basic),
        Part::Set(PayPart::Performance),
        Part::Set(PayPart::Pension),
        Part::Subsidy,
    ];

    /// The part's place in [`Part::ALL`].
    pub fn rank(self) -> usize {
        Part::ALL
            .iter()
            .position(|p| *p == self)
            .unwrap_or(Part::ALL.len())
    }

    pub fn label(self) -> &'static str {
        match self {
            Part::Set(p) => p.label(),
            Part::Subsidy => "专业化补贴",
        }
    }
}

/// One part of a person's month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartLine {
    pub part: Part,
    pub amount_fen: i64,
    pub channel: String,
}

/// A person's whole pay of a month, by part (Article 13's order; a part
/// not recorded or not paid is absent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonMonth {
    pub person: CitizenId,
    pub name: String,
    /// The month's first day.
    pub month: Date,
    pub lines: Vec<PartLine>,
    pub total_fen: i64,
}

impl PersonMonth {
    /// The line of `part`, if any.
    pub fn line(&self, part: Part) -> Option<&PartLine> {
        self.lines.iter().find(|l| l.part == part)
    }
}

/// A total: what it is of, how many people, how much.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Total {
    pub label: String,
    pub people: u32,
    pub fen: i64,
}

/// People's whole pay by month and part, with the totals per part (all
/// four, in Article 13's order) and per channel (by the channel's name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WholePay {
    /// By month, then as the subsidies came (the pay page's order), then
    /// by ID number.
    pub rows: Vec<PersonMonth>,
    pub by_part: Vec<Total>,
    pub by_channel: Vec<Total>,
    pub total_fen: i64,
}

/// The one way the whole pay is put together: `parts` as recorded, the
/// 专业化补贴 of `payments` (the month's pay records; other kinds, a
/// young cadre's pay, are left out) through [`SUBSIDY_CHANNEL`], each
/// person named by `name`.
pub fn whole_pay(
    parts: &[PayPartRecord],
    payments: &[PayRecord],
    name: impl Fn(&CitizenId) -> String,
) -> WholePay {
    // (month, person) in the order they come, and each one's lines.
    let mut order: Vec<(Date, CitizenId)> = Vec::new();
    let mut lines: BTreeMap<(Date, CitizenId), Vec<PartLine>> = BTreeMap::new();
    let mut add = |month: Date, person: &CitizenId, line: PartLine| {
        let key = (month, person.clone());
        let at = lines.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Vec::new()
        });
        match at.iter_mut().find(|l| l.part == line.part) {
            Some(l) => l.amount_fen += line.amount_fen,
            None => at.push(line),
        }
    };
    for p in payments
        .iter()
        .filter(|p| p.kind == PayKind::ProfessionalSubsidy)
    {
        add(
            p.month,
            &p.person,
            PartLine {
                part: Part::Subsidy,
                amount_fen: p.amount_fen,
                channel: SUBSIDY_CHANNEL.to_owned(),
            },
        );
    }
    let mut sorted: Vec<&PayPartRecord> = parts.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.person, a.month, a.part.code()).cmp(&(&b.person, b.month, b.part.code()))
    });
    for x in sorted {
        add(
            x.month,
            &x.person,
            PartLine {
                part: Part::Set(x.part),
                amount_fen: x.amount_fen,
                channel: x.channel.clone(),
            },
        );
    }
    // Stable: within a month, the order they came in.
    order.sort_by_key(|(m, _)| *m);
    let rows: Vec<PersonMonth> = order
        .into_iter()
        .map(|key| {
            let mut l = lines.remove(&key).unwrap_or_default();
            l.sort_by_key(|x| x.part.rank());
            PersonMonth {
                name: name(&key.1),
                total_fen: l.iter().map(|x| x.amount_fen).sum(),
                person: key.1,
                month: key.0,
                lines: l,
            }
        })
        .collect();
    let total = |label: String, of: &dyn Fn(&PartLine) -> bool| {
        let mut people: Vec<&CitizenId> = Vec::new();
        let mut fen = 0;
        for r in &rows {
            let mine: Vec<&PartLine> = r.lines.iter().filter(|l| of(l)).collect();
            if !mine.is_empty() {
                people.push(&r.person);
                fen += mine.iter().map(|l| l.amount_fen).sum::<i64>();
            }
        }
        people.sort_unstable();
        people.dedup();
        Total {
            label,
            people: u32::try_from(people.len()).unwrap_or(u32::MAX),
            fen,
        }
    };
    let by_part = Part::ALL
        .iter()
        .map(|p| total(p.label().to_owned(), &|l: &PartLine| l.part == *p))
        .collect();
    let mut channels: Vec<&str> = rows
        .iter()
        .flat_map(|r| r.lines.iter().map(|l| l.channel.as_str()))
        .collect();
    channels.sort_unstable();
    channels.dedup();
    let by_channel = channels
        .iter()
        .map(|c| total((*c).to_owned(), &|l: &PartLine| l.channel == *c))
        .collect();
    WholePay {
        total_fen: rows.iter().map(|r| r.total_fen).sum(),
        rows,
        by_part,
        by_channel,
    }
}

/// The one-person file's whole pay: every month with a part recorded or
/// a subsidy stored by a pay run (the payments the runs stored, as the
/// file's 报酬发放 shows them).
pub fn person_whole_pay(f: &PersonFile) -> WholePay {
    let name = f.person.name.clone();
    whole_pay(&f.pay_parts, &f.pay, |_| name.clone())
}

/// A town's month on its pay page: the parts recorded for the town's
/// people in the month and the 专业化补贴 of the month's pay as the page
/// shows it (`TownMonth::pay`, from `touyan_reports::month_pay`; once the
/// city approved the run, what the run stored), and why the subsidies
/// cannot be computed, if so.
pub async fn town_whole_pay(
    store: &Store,
    tm: &TownMonth,
) -> Result<(WholePay, Option<String>), OfficeError> {
    let parts = store.town_pay_parts(tm.town.as_str(), tm.month).await?;
    let mut names: Vec<(CitizenId, String)> = store
        .town_pay_part_names(tm.town.as_str(), tm.month)
        .await?;
    if let Ok(x) = &tm.pay.subsidies {
        names.extend(
            x.rows
                .iter()
                .map(|r| (r.who.person.clone(), r.who.name.clone())),
        );
    }
    // An approved or paid run is locked: its page shows what was
    // approved (what the one-card file pays), not a new computation.
    let locked = matches!(tm.current(), Some(PayState::Approved | PayState::Paid));
    let (payments, problem) = if locked {
        names.extend(
            tm.stored
                .iter()
                .map(|r| (r.person.clone(), tm.paid_person(&r.person).1)),
        );
        (tm.stored.clone(), None)
    } else {
        match tm.pay.town_records(tm.town) {
            Ok(r) => (r.to_vec(), None),
            Err(e) => (Vec::new(), Some(e.0)),
        }
    };
    let name = |id: &CitizenId| {
        names
            .iter()
            .find(|(p, _)| p == id)
            .map_or_else(String::new, |(_, n)| n.clone())
    };
    Ok((whole_pay(&parts, &payments, name), problem))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_read_as_yyyy_mm_only() {
        assert_eq!(parse_month("2026-05").unwrap(), date!(2026 - 05 - 01));
        assert_eq!(parse_month(" 2026-5 ").unwrap(), date!(2026 - 05 - 01));
        for bad in [
            "",
            "2026",
            "2026-13",
            "2026-00",
            "26-05",
            "2026/05",
            "2026-05-01",
            "１９９９-05",
            "1999-05",
        ] {
            let e = parse_month(bad).unwrap_err().to_string();
            assert!(e.starts_with("月份“"), "{bad}: {e}");
        }
    }

    #[test]
    fn amounts_are_yuan_to_the_fen_not_below_zero() {
        assert_eq!(parse_amount("基本报酬", "2400").unwrap(), 240_000);
        assert_eq!(parse_amount("基本报酬", "600.5").unwrap(), 60_050);
        assert_eq!(parse_amount("基本报酬", " 300.00 ").unwrap(), 30_000);
        assert_eq!(parse_amount("基本报酬", "0").unwrap(), 0);
        let e = |t: &str| parse_amount("养老保险补助", t).unwrap_err().to_string();
        assert_eq!(e("-1"), "养老保险补助的金额不能为负数");
        assert_eq!(
            e("1.005"),
            "养老保险补助的金额“1.005”最多两位小数（精确到分）"
        );
        assert_eq!(e("abc"), "养老保险补助的金额“abc”不是有效的数字");
        assert_eq!(e("1."), "养老保险补助的金额“1.”不是有效的数字");
        assert_eq!(e(".5"), "养老保险补助的金额“.5”不是有效的数字");
        assert_eq!(e("1e3"), "养老保险补助的金额“1e3”不是有效的数字");
        assert_eq!(e(""), "请填写养老保险补助的金额（元）");
        assert_eq!(e("10000001"), "养老保险补助的金额不能超过 10000000 元");
        assert_eq!(
            check_channel("基本报酬", "  ").unwrap_err().to_string(),
            "请填写基本报酬的资金渠道（如 镇街财政、村集体经济）"
        );
        assert_eq!(
            check_channel("基本报酬", &"财".repeat(31))
                .unwrap_err()
                .to_string(),
            "基本报酬的资金渠道不能超过 30 字（现有 31 字）"
        );
        assert_eq!(
            check_channel("基本报酬", &"财".repeat(30))
                .unwrap()
                .chars()
                .count(),
            30
        );
    }
}
