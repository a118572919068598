//! Made-up parts of the listed secretaries' pay that higher-level rules
//! set (Article 13: 基本报酬、业绩考核奖励报酬和养老保险补助, paid through
//! their original channels), for the last months of the demo year: the
//! amounts and channels fixed by the ID number and the month, so the demo
//! is the same everywhere. `touyan demo` records them through the office
//! as each town's operator would.

use time::{Date, Month};
use touyan_records::CitizenId;
use touyan_records::model::{PayPart, PayPartRecord};

/// How many months, up to the demo's day, carry made-up pay parts.
pub const PAY_PART_MONTHS: usize = 2;

/// The first days of the last [`PAY_PART_MONTHS`] months up to `as_of`,
/// within its year, earliest first (January alone in January).
pub fn pay_part_months(as_of: Date) -> Vec<Date> {
    let last = u8::from(as_of.month());
    let first = last.saturating_sub(PAY_PART_MONTHS as u8 - 1).max(1);
    (first..=last)
        .filter_map(|m| Month::try_from(m).ok())
        .filter_map(|m| Date::from_calendar_date(as_of.year(), m, 1).ok())
        .collect()
}

/// A 64-bit FNV-1a hash of the ID number and `salt`.
fn hash(person: &CitizenId, salt: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in person.as_str().bytes().chain(salt.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// `person`'s three parts of the month starting `month`, recorded on
/// `recorded_on`: basic pay 2000–2600 元 by the town's finances; a
/// performance bonus 300–900 元 (by 50 元, varying by month) from the
/// town's finances or, for about a third, the village's collective
/// economy; a pension subsidy of 200, 250 or 300 元 from the town's or the
/// county's finances.
pub fn pay_parts(person: &CitizenId, month: Date, recorded_on: Date) -> Vec<PayPartRecord> {
    let who = hash(person, 0);
    let this_month = hash(person, u32::from(u8::from(month.month())));
    let yuan = |y: u64| i64::try_from(y * 100).unwrap_or(0);
    let part = |part, amount_fen, channel: &str| PayPartRecord {
        person: person.clone(),
        month,
        part,
        amount_fen,
        channel: channel.to_owned(),
        recorded_on,
    };
    vec![
        part(PayPart::Basic, yuan(2000 + 100 * (who % 7)), "镇街财政"),
        part(
            PayPart::Performance,
            yuan(300 + 50 * (this_month % 13)),
            if (who >> 16).is_multiple_of(3) {
                "村集体经济"
            } else {
                "镇街财政"
            },
        ),
        part(
            PayPart::Pension,
            yuan([200, 250, 300][((who >> 24) % 3) as usize]),
            if (who >> 32).is_multiple_of(2) {
                "镇街财政"
            } else {
                "县级财政"
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn id() -> CitizenId {
        CitizenId::with_check("37078319800101001").unwrap()
    }

    #[test]
    fn the_last_two_months_within_the_year() {
        assert_eq!(
            pay_part_months(date!(2025 - 06 - 30)),
            [date!(2025 - 05 - 01), date!(2025 - 06 - 01)]
        );
        assert_eq!(
            pay_part_months(date!(2025 - 01 - 15)),
            [date!(2025 - 01 - 01)]
        );
        assert_eq!(
            pay_part_months(date!(2025 - 12 - 01)),
            [date!(2025 - 11 - 01), date!(2025 - 12 - 01)]
        );
    }

    #[test]
    fn three_plausible_parts_the_same_every_time() {
        let on = date!(2025 - 06 - 30);
        let month = date!(2025 - 06 - 01);
        let parts = pay_parts(&id(), month, on);
        assert_eq!(parts, pay_parts(&id(), month, on));
        let of = |p| parts.iter().find(|x| x.part == p).unwrap();
        assert!((200_000..=260_000).contains(&of(PayPart::Basic).amount_fen));
        assert!((30_000..=90_000).contains(&of(PayPart::Performance).amount_fen));
        assert!([20_000, 25_000, 30_000].contains(&of(PayPart::Pension).amount_fen));
        for x in &parts {
            assert_eq!(x.amount_fen % 100, 0, "whole yuan: {x:?}");
            assert!(!x.channel.is_empty());
            assert_eq!(
                (x.person.clone(), x.month, x.recorded_on),
                (id(), month, on)
            );
        }
        // The basic pay is the person's, whatever the month.
        let may = pay_parts(&id(), date!(2025 - 05 - 01), on);
        assert_eq!(may[0].amount_fen, parts[0].amount_fen);
    }
}
