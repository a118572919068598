//! What-if (模拟测算, issue 5 item 9): two proposals of one town side by
//! side — the records as they are and with changed facts or parameters —
//! and which decisions differ. Pure; nothing is stored.

use crate::{SecretaryProposal, TownProposal};

/// One secretary whose decision differs, before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed<'a> {
    pub before: Option<&'a SecretaryProposal>,
    pub after: Option<&'a SecretaryProposal>,
}

impl Changed<'_> {
    /// The village of the row.
    pub fn village(&self) -> &str {
        self.before
            .or(self.after)
            .map_or("", |s| s.village.as_str())
    }
}

/// The secretaries whose eligibility, place or tier differ between two
/// proposals of the same town (by village, in village order), and those
/// judged in only one of them.
pub fn changed<'a>(before: &'a TownProposal, after: &'a TownProposal) -> Vec<Changed<'a>> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (b, a) = (&before.secretaries, &after.secretaries);
    // Both lists are in village-code order.
    while i < b.len() || j < a.len() {
        match (b.get(i), a.get(j)) {
            (Some(x), Some(y)) if x.village == y.village => {
                if (x.eligible, x.place, x.tier) != (y.eligible, y.place, y.tier)
                    || x.person != y.person
                {
                    out.push(Changed {
                        before: Some(x),
                        after: Some(y),
                    });
                }
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.village < y.village => {
                out.push(Changed {
                    before: Some(x),
                    after: None,
                });
                i += 1;
            }
            (Some(_), Some(y)) => {
                out.push(Changed {
                    before: None,
                    after: Some(y),
                });
                j += 1;
            }
            (Some(x), None) => {
                out.push(Changed {
                    before: Some(x),
                    after: None,
                });
                i += 1;
            }
            (None, Some(y)) => {
                out.push(Changed {
                    before: None,
                    after: Some(y),
                });
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use touyan_records::{CitizenId, TownCode, VillageCode};

    fn s(v: &str, eligible: bool, tier: Option<u8>) -> SecretaryProposal {
        SecretaryProposal {
            village: VillageCode::parse(v).unwrap(),
            person: CitizenId::parse("11010519491231002X").unwrap(),
            eligible,
            place: tier.map(|_| 1),
            tier,
            reasons: String::new(),
        }
    }

    fn town(secretaries: Vec<SecretaryProposal>) -> TownProposal {
        TownProposal {
            town: TownCode::parse("370783100").unwrap(),
            name: "化龙镇".into(),
            village_count: 4,
            inclusion_quota: 2,
            young_cadre_cap: 1,
            secretaries,
            not_judged: Vec::new(),
        }
    }

    #[test]
    fn only_differences_are_listed_in_village_order() {
        let before = town(vec![
            s("370783100201", true, Some(3)),
            s("370783100202", false, None),
            s("370783100203", true, Some(2)),
            s("370783100205", true, None),
        ]);
        let after = town(vec![
            s("370783100201", true, Some(3)),
            s("370783100202", true, Some(3)),
            s("370783100203", true, Some(1)),
            s("370783100204", true, None),
        ]);
        let c = changed(&before, &after);
        let villages: Vec<&str> = c.iter().map(Changed::village).collect();
        assert_eq!(
            villages,
            [
                "370783100202",
                "370783100203",
                "370783100204",
                "370783100205"
            ]
        );
        assert!(c[2].before.is_none() && c[3].after.is_none());
        assert!(changed(&before, &before).is_empty());
    }
}
