//! Exact numbers: ratios as integer fractions, money as `rust_decimal::Decimal`.
//!
//! The measures speak in fractions ("1/2 位次", "各占1/3", "50%", "30%",
//! "90%"), so ratios are kept as `num/den` pairs of integers and compared by
//! cross-multiplication: a competency rate of 0.89996 is below 0.9 even though
//! it prints as 0.9000. Nothing here uses binary floating point.
//!
//! A small hand-written type instead of a big-rational crate: every ratio in
//! the measures is a small non-negative fraction and every base is a count of
//! villages, people or ballots, so `u64` parts with `u128` products cannot
//! overflow and stay allocation-free on the hot path.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// A non-negative exact fraction `num / den` with `den > 0`, kept reduced.
#[derive(Clone, Copy, Debug)]
pub struct Ratio {
    num: u64,
    den: u64,
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Ratio {
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num / den`, reduced. `None` when `den` is zero.
    pub fn new(num: u64, den: u64) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        Some(Ratio {
            num: num / g,
            den: den / g,
        })
    }

    pub fn num(self) -> u64 {
        self.num
    }

    pub fn den(self) -> u64 {
        self.den
    }

    /// `self × n`, rounded to an integer with `mode`.
    pub fn of(self, n: u64, mode: Rounding) -> u64 {
        let p = u128::from(self.num) * u128::from(n);
        let d = u128::from(self.den);
        let q = match mode {
            Rounding::Floor => p / d,
            Rounding::Ceil => p.div_ceil(d),
            Rounding::HalfUp => (2 * p + d) / (2 * d),
        };
        u64::try_from(q).unwrap_or(u64::MAX)
    }

    /// Compares `k / n` with this ratio exactly (`n > 0`).
    pub fn cmp_fraction(self, k: u64, n: u64) -> Ordering {
        (u128::from(k) * u128::from(self.den)).cmp(&(u128::from(self.num) * u128::from(n)))
    }

    /// The value rounded half up to `places` decimals, as a `Decimal`.
    pub fn to_decimal(self, places: u32) -> Decimal {
        let scale = 10u128.pow(places);
        let p = u128::from(self.num) * scale;
        let d = u128::from(self.den);
        let q = (2 * p + d) / (2 * d);
        Decimal::from_i128_with_scale(i128::try_from(q).unwrap_or(i128::MAX), places).normalize()
    }

    /// From a `Decimal`, exactly (`0.2` becomes 1/5). `None` if negative.
    pub fn from_decimal(d: Decimal) -> Option<Ratio> {
        if d.is_sign_negative() && !d.is_zero() {
            return None;
        }
        let m = u64::try_from(d.mantissa()).ok()?;
        Ratio::new(m, 10u64.checked_pow(d.scale())?)
    }
}

impl PartialEq for Ratio {
    fn eq(&self, other: &Ratio) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ratio {}
impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Ratio) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ratio {
    fn cmp(&self, other: &Ratio) -> Ordering {
        (u128::from(self.num) * u128::from(other.den))
            .cmp(&(u128::from(other.num) * u128::from(self.den)))
    }
}

impl Ratio {
    /// Always as a fraction: `1/2`, `1/3`.
    pub fn as_fraction(self) -> String {
        format!("{}/{}", self.num, self.den)
    }
}

impl fmt::Display for Ratio {
    /// `1/3` stays a fraction; a ratio with a finite decimal form prints as
    /// a percentage (`50%`, `20%`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.den;
        while d.is_multiple_of(2) {
            d /= 2;
        }
        while d.is_multiple_of(5) {
            d /= 5;
        }
        if d == 1 {
            write!(
                f,
                "{}%",
                (self.to_decimal(6) * Decimal::ONE_HUNDRED).normalize()
            )
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

impl FromStr for Ratio {
    type Err = String;
    /// Accepts `1/3`, `0.5` and `50%`.
    fn from_str(s: &str) -> Result<Ratio, String> {
        let s = s.trim();
        let bad = || format!("“{s}”不是比例（应写作 1/3、0.5 或 50%）");
        if let Some((a, b)) = s.split_once('/') {
            let a: u64 = a.trim().parse().map_err(|_| bad())?;
            let b: u64 = b.trim().parse().map_err(|_| bad())?;
            return Ratio::new(a, b).ok_or_else(bad);
        }
        if let Some(p) = s.strip_suffix('%') {
            let d = Decimal::from_str(p.trim()).map_err(|_| bad())?;
            return Ratio::from_decimal(d / Decimal::ONE_HUNDRED).ok_or_else(bad);
        }
        let d = Decimal::from_str(s).map_err(|_| bad())?;
        Ratio::from_decimal(d).ok_or_else(bad)
    }
}

/// How a figure is rounded to a whole number. A reading switch of the
/// interpretation register (SPEC.md): a target rounds half up, a cap floors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    HalfUp,
    Floor,
    Ceil,
}

impl Rounding {
    pub const NAMES: &'static [&'static str] = &["half_up", "floor", "ceil"];

    pub fn parse(s: &str) -> Option<Rounding> {
        match s {
            "half_up" => Some(Rounding::HalfUp),
            "floor" => Some(Rounding::Floor),
            "ceil" => Some(Rounding::Ceil),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rounding::HalfUp => "half_up",
            Rounding::Floor => "floor",
            Rounding::Ceil => "ceil",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Rounding::HalfUp => "四舍五入",
            Rounding::Floor => "向下取整",
            Rounding::Ceil => "向上取整",
        }
    }
}

/// Money rounded half up to the fen (分), the only rounding money ever gets.
pub fn round_fen(yuan: Decimal) -> Decimal {
    yuan.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Ratio {
        s.parse().unwrap()
    }

    #[test]
    fn parses_every_written_form() {
        assert_eq!(r("1/2"), r("0.5"));
        assert_eq!(r("50%"), r("0.50"));
        assert_eq!(r("1/3").num(), 1);
        assert_eq!(r("1/3").den(), 3);
        assert_eq!(r("0.2").den(), 5);
        assert!("x".parse::<Ratio>().is_err());
        assert!("1/0".parse::<Ratio>().is_err());
        assert!("-0.5".parse::<Ratio>().is_err());
    }

    #[test]
    fn of_rounds_by_mode() {
        // 0.5 × 53 = 26.5
        assert_eq!(r("1/2").of(53, Rounding::HalfUp), 27);
        assert_eq!(r("1/2").of(53, Rounding::Floor), 26);
        assert_eq!(r("1/2").of(53, Rounding::Ceil), 27);
        // 0.3 × 53 = 15.9
        assert_eq!(r("0.3").of(53, Rounding::Floor), 15);
        assert_eq!(r("0.3").of(53, Rounding::HalfUp), 16);
        // 0.2 × 12 = 2.4, 0.2 × 13 = 2.6
        assert_eq!(r("0.2").of(12, Rounding::HalfUp), 2);
        assert_eq!(r("0.2").of(13, Rounding::HalfUp), 3);
        assert_eq!(r("1/3").of(7, Rounding::Floor), 2);
        assert_eq!(r("1/3").of(0, Rounding::HalfUp), 0);
    }

    #[test]
    fn exact_comparison_sees_below_threshold() {
        // 89996/100000 prints as 0.9000 yet is below 0.9
        assert_eq!(r("0.9").cmp_fraction(89_996, 100_000), Ordering::Less);
        assert_eq!(r("0.9").to_decimal(4).to_string(), "0.9");
        assert_eq!(
            Ratio::new(89_996, 100_000)
                .unwrap()
                .to_decimal(4)
                .to_string(),
            "0.9"
        );
        assert_eq!(r("0.9").cmp_fraction(9, 10), Ordering::Equal);
        assert_eq!(r("0.9").cmp_fraction(91, 100), Ordering::Greater);
    }

    #[test]
    fn to_decimal_rounds_half_up() {
        assert_eq!(
            Ratio::new(66, 68).unwrap().to_decimal(4).to_string(),
            "0.9706"
        );
        // 1/8 = 0.125 → 0.13 at 2 places
        assert_eq!(Ratio::new(1, 8).unwrap().to_decimal(2).to_string(), "0.13");
        assert_eq!(
            Ratio::new(2, 3).unwrap().to_decimal(4).to_string(),
            "0.6667"
        );
    }

    #[test]
    fn display_prefers_percent_for_finite_decimals() {
        assert_eq!(r("0.5").to_string(), "50%");
        assert_eq!(r("1/3").to_string(), "1/3");
        assert_eq!(r("0.9").to_string(), "90%");
    }

    #[test]
    fn fen_rounding_is_half_up() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(round_fen(d("2808.7475")), d("2808.75"));
        assert_eq!(round_fen(d("2808.745")), d("2808.75"));
        assert_eq!(round_fen(d("2808.7449")), d("2808.74"));
        assert_eq!(round_fen(d("0.005")), d("0.01"));
    }
}
