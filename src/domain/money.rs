//! Money as whole fen (分, 1/100 yuan), the unit stored in the database, with parsing and display in yuan.

use crate::i18n::{Locale, Msg};
use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    Invalid,
    TooManyDecimals,
    Negative,
    Overflow,
}

impl MoneyError {
    /// The catalogue message saying what is wrong.
    pub fn msg(&self) -> Msg {
        match self {
            Self::Empty => Msg::new("error-money-empty"),
            Self::Invalid => Msg::new("error-money-invalid"),
            Self::TooManyDecimals => Msg::new("error-money-too-many-decimals"),
            Self::Negative => Msg::new("error-money-negative"),
            Self::Overflow => Msg::new("error-money-overflow"),
        }
    }
}

impl std::fmt::Display for MoneyError {
    /// The Chinese message, for logs and serde errors; users read [`MoneyError::msg`] in their
    /// language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(Locale::ZhCn))
    }
}

impl std::error::Error for MoneyError {}

impl MoneyError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "money_empty",
            Self::Invalid => "money_invalid",
            Self::TooManyDecimals => "money_too_many_decimals",
            Self::Negative => "money_negative",
            Self::Overflow => "money_overflow",
        }
    }
}

/// An amount in fen. Integer fen keep sums exact, unlike floating-point yuan.
/// Serialised as the plain integer number of fen.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn from_fen(fen: i64) -> Self {
        Self(fen)
    }

    pub const fn as_fen(self) -> i64 {
        self.0
    }

    /// Parses a non-negative yuan amount as typed into a price or cost field:
    /// `12`, `12.5`, `12.50`, `¥12.50`, `12.50元`.
    pub fn from_yuan_str(input: &str) -> Result<Self, MoneyError> {
        parse_yuan(input, false)
    }

    /// Like [`Fen::from_yuan_str`] but also accepts a leading `-`, for
    /// adjustments and refunds.
    pub fn from_signed_yuan_str(input: &str) -> Result<Self, MoneyError> {
        parse_yuan(input, true)
    }

    /// The amount in yuan with exactly two decimals, e.g. `12.50`, `-0.05`.
    pub fn yuan_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Fen) -> Result<Fen, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Fen)
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Fen) -> Result<Fen, MoneyError> {
        self.0
            .checked_sub(other.0)
            .map(Fen)
            .ok_or(MoneyError::Overflow)
    }

    /// Line total: unit price times quantity.
    pub fn checked_mul(self, quantity: u32) -> Result<Fen, MoneyError> {
        self.0
            .checked_mul(i64::from(quantity))
            .map(Fen)
            .ok_or(MoneyError::Overflow)
    }

    /// Sum of many amounts, e.g. the lines of a plan's cost estimate.
    pub fn checked_sum<I: IntoIterator<Item = Fen>>(amounts: I) -> Result<Fen, MoneyError> {
        amounts
            .into_iter()
            .try_fold(Fen::ZERO, |total, amount| total.checked_add(amount))
    }
}

fn parse_yuan(input: &str, allow_negative: bool) -> Result<Fen, MoneyError> {
    let mut rest = input.trim();
    if rest.is_empty() {
        return Err(MoneyError::Empty);
    }
    // Both "-¥5.00" and "¥-5.00" are written in practice.
    let mut negative = false;
    if let Some(r) = rest.strip_prefix('-') {
        negative = true;
        rest = r;
    }
    if let Some(r) = rest.strip_prefix(['¥', '￥']) {
        rest = r.trim_start();
    }
    if !negative {
        if let Some(r) = rest.strip_prefix('-') {
            negative = true;
            rest = r;
        }
    }
    if let Some(r) = rest.strip_suffix('元') {
        rest = r.trim_end();
    }
    if negative && !allow_negative {
        return Err(MoneyError::Negative);
    }

    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MoneyError::Invalid);
    }
    let fraction_fen = match fraction {
        None => 0,
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(MoneyError::Invalid)
        }
        Some(f) if f.len() > 2 => return Err(MoneyError::TooManyDecimals),
        // "12.5" means 12 yuan 50 fen, not 5 fen.
        Some(f) => {
            let value = digits_value(f)?;
            if f.len() == 1 {
                value * 10
            } else {
                value
            }
        }
    };
    let fen = digits_value(whole)?
        .checked_mul(100)
        .and_then(|w| w.checked_add(fraction_fen))
        .ok_or(MoneyError::Overflow)?;
    Ok(Fen(if negative { -fen } else { fen }))
}

/// Value of a non-empty run of ASCII digits, without overflowing.
fn digits_value(digits: &str) -> Result<i64, MoneyError> {
    digits.bytes().try_fold(0_i64, |acc, b| {
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or(MoneyError::Overflow)
    })
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_yuan_amounts() {
        for (input, fen) in [
            ("12.50", 1250),
            ("12.5", 1250),
            ("12", 1200),
            ("0.05", 5),
            ("0", 0),
            ("007.10", 710),
            (" 1234.56 ", 123_456),
            ("¥12.50", 1250),
            ("￥ 12.50", 1250),
            ("12.50元", 1250),
            ("12.50 元", 1250),
            ("92233720368547758.07", i64::MAX),
        ] {
            assert_eq!(Fen::from_yuan_str(input), Ok(Fen::from_fen(fen)), "{input}");
        }
    }

    #[test]
    fn rejects_bad_amounts() {
        use MoneyError::*;
        for (input, want) in [
            ("", Empty),
            ("   ", Empty),
            ("12.505", TooManyDecimals),
            ("12.500", TooManyDecimals),
            ("-12.50", Negative),
            ("¥-1", Negative),
            ("-0", Negative),
            ("12.", Invalid),
            (".5", Invalid),
            ("1,234.50", Invalid),
            ("1 234", Invalid),
            ("+5", Invalid),
            ("12.5a", Invalid),
            ("1e3", Invalid),
            ("NaN", Invalid),
            ("¥", Invalid),
            ("元", Invalid),
            ("--5", Negative),
            ("1.2.3", Invalid),
            ("１２", Invalid),
            ("92233720368547758.08", Overflow),
            ("99999999999999999999999", Overflow),
        ] {
            assert_eq!(Fen::from_yuan_str(input), Err(want), "{input}");
        }
    }

    #[test]
    fn signed_parsing_accepts_negatives() {
        assert_eq!(
            Fen::from_signed_yuan_str("-12.50"),
            Ok(Fen::from_fen(-1250))
        );
        assert_eq!(Fen::from_signed_yuan_str("-¥0.05"), Ok(Fen::from_fen(-5)));
        assert_eq!(Fen::from_signed_yuan_str("¥-3"), Ok(Fen::from_fen(-300)));
        assert_eq!(Fen::from_signed_yuan_str("3"), Ok(Fen::from_fen(300)));
        assert_eq!(Fen::from_signed_yuan_str("--3"), Err(MoneyError::Invalid));
        assert_eq!(
            Fen::from_signed_yuan_str("-1.234"),
            Err(MoneyError::TooManyDecimals)
        );
    }

    #[test]
    fn display_and_yuan_string() {
        assert_eq!(Fen::from_fen(1250).to_string(), "¥12.50");
        assert_eq!(Fen::from_fen(5).to_string(), "¥0.05");
        assert_eq!(Fen::ZERO.to_string(), "¥0.00");
        assert_eq!(Fen::from_fen(-1250).to_string(), "-¥12.50");
        assert_eq!(Fen::from_fen(1250).yuan_string(), "12.50");
        assert_eq!(Fen::from_fen(-5).yuan_string(), "-0.05");
        assert_eq!(Fen::from_fen(123_456_789).yuan_string(), "1234567.89");
        assert_eq!(
            Fen::from_fen(i64::MIN).yuan_string(),
            "-92233720368547758.08"
        );
        assert_eq!(Fen::from_fen(i64::MAX).to_string(), "¥92233720368547758.07");
    }

    #[test]
    fn round_trips_through_yuan_string() {
        for fen in [0, 1, 9, 10, 99, 100, 101, 1250, 999_999, i64::MAX] {
            let f = Fen::from_fen(fen);
            assert_eq!(Fen::from_yuan_str(&f.yuan_string()), Ok(f));
            assert_eq!(
                Fen::from_signed_yuan_str(&Fen::from_fen(-fen).yuan_string()),
                Ok(Fen::from_fen(-fen))
            );
        }
    }

    #[test]
    fn checked_arithmetic() {
        let price = Fen::from_fen(1250);
        assert_eq!(price.checked_mul(3), Ok(Fen::from_fen(3750)));
        assert_eq!(price.checked_mul(0), Ok(Fen::ZERO));
        assert_eq!(
            price.checked_add(Fen::from_fen(50)),
            Ok(Fen::from_fen(1300))
        );
        assert_eq!(
            price.checked_sub(Fen::from_fen(1300)),
            Ok(Fen::from_fen(-50))
        );
        assert!(Fen::from_fen(-50).is_negative());
        assert!(!Fen::ZERO.is_negative());
        assert_eq!(
            Fen::from_fen(i64::MAX).checked_add(Fen::from_fen(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Fen::from_fen(i64::MIN).checked_sub(Fen::from_fen(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Fen::from_fen(i64::MAX / 2 + 1).checked_mul(2),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Fen::checked_sum([Fen::from_fen(100), Fen::from_fen(250), Fen::from_fen(5)]),
            Ok(Fen::from_fen(355))
        );
        assert_eq!(Fen::checked_sum([]), Ok(Fen::ZERO));
        assert_eq!(
            Fen::checked_sum([Fen::from_fen(i64::MAX), Fen::from_fen(1)]),
            Err(MoneyError::Overflow)
        );
        assert!(Fen::from_fen(1) < Fen::from_fen(2));
    }

    #[test]
    fn serde_as_integer_fen() {
        assert_eq!(serde_json::to_string(&Fen::from_fen(1250)).unwrap(), "1250");
        assert_eq!(
            serde_json::from_str::<Fen>("-5").unwrap(),
            Fen::from_fen(-5)
        );
        assert!(serde_json::from_str::<Fen>("12.5").is_err());
        assert!(serde_json::from_str::<Fen>("\"12.50\"").is_err());
    }

    #[test]
    fn odd_input_never_panics() {
        let long = "9".repeat(100_000);
        let long_fraction = format!("1.{}", "0".repeat(100_000));
        for input in [
            "😀",
            "¥😀",
            "12.😀",
            "😀.5",
            "十二元",
            "12.5０",
            "٣",
            long.as_str(),
            long_fraction.as_str(),
        ] {
            assert!(Fen::from_yuan_str(input).is_err(), "{input:?}");
            assert!(Fen::from_signed_yuan_str(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn error_codes_and_messages() {
        for e in [
            MoneyError::Empty,
            MoneyError::Invalid,
            MoneyError::TooManyDecimals,
            MoneyError::Negative,
            MoneyError::Overflow,
        ] {
            assert!(e.code().starts_with("money_"));
            // The Chinese message alone (for logs); English comes from the catalogue.
            assert_eq!(e.to_string(), e.msg().render(Locale::ZhCn));
            assert_ne!(e.msg().render(Locale::En), e.to_string());
        }
    }
}
