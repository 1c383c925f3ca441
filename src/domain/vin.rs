//! Vehicle identification numbers (ISO 3779 / GB 16735), checked with the position-9 check digit.

use crate::i18n::{Locale, Msg};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, Serializer};

const VIN_LEN: usize = 17;
const CHECK_POSITION: usize = 9;
const WEIGHTS: [u32; VIN_LEN] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VinError {
    Length { found: usize },
    InvalidCharacter { position: usize, found: char },
    CheckDigit { expected: char, found: char },
}

impl VinError {
    /// The catalogue message saying what is wrong.
    pub fn msg(&self) -> Msg {
        match self {
            Self::Length { found } => {
                Msg::with("error-vin-invalid-length", &[("found", (*found).into())])
            }
            Self::InvalidCharacter { position, found } => Msg::with(
                "error-vin-invalid-char",
                &[
                    ("position", (*position).into()),
                    ("found", found.to_string().into()),
                ],
            ),
            Self::CheckDigit { expected, found } => Msg::with(
                "error-vin-check-digit",
                &[
                    ("expected", expected.to_string().into()),
                    ("found", found.to_string().into()),
                ],
            ),
        }
    }
}

impl std::fmt::Display for VinError {
    /// The Chinese message, for logs and serde errors; users read [`VinError::msg`] in their
    /// language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(Locale::ZhCn))
    }
}

impl std::error::Error for VinError {}

impl VinError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Length { .. } => "vin_invalid_length",
            Self::InvalidCharacter { .. } => "vin_invalid_char",
            Self::CheckDigit { .. } => "vin_check_digit",
        }
    }
}

/// A validated 17-character VIN in upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct Vin(String);

impl Vin {
    pub fn parse(input: &str) -> Result<Self, VinError> {
        let trimmed = input.trim();
        let found = trimmed.chars().count();
        if found != VIN_LEN {
            return Err(VinError::Length { found });
        }
        let vin = trimmed.to_ascii_uppercase();
        for (index, c) in vin.chars().enumerate() {
            if transliterate(c).is_none() {
                return Err(VinError::InvalidCharacter {
                    position: index + 1,
                    found: c,
                });
            }
        }
        let expected = check_digit(&vin);
        let found = vin.chars().nth(CHECK_POSITION - 1).unwrap_or_default();
        if found != expected {
            return Err(VinError::CheckDigit { expected, found });
        }
        Ok(Self(vin))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// World manufacturer identifier: the first three characters (e.g. `LSV`
    /// for SAIC Volkswagen); an `L` first means the vehicle was made in China.
    pub fn wmi(&self) -> &str {
        self.0.get(..3).unwrap_or_default()
    }
}

/// ISO 3779 value of a VIN character; `None` for characters a VIN never contains.
fn transliterate(c: char) -> Option<u32> {
    Some(match c {
        '0'..='9' => u32::from(c) - u32::from('0'),
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Y' => 8,
        'R' | 'Z' => 9,
        _ => return None,
    })
}

/// The check digit the other 16 characters call for: `0`–`9`, or `X` for 10.
/// Position 9 has weight 0, so its own value does not matter.
fn check_digit(vin: &str) -> char {
    let sum: u32 = vin
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| transliterate(c).unwrap_or(0) * w)
        .sum();
    match sum % 11 {
        10 => 'X',
        n => char::from_digit(n, 10).unwrap_or('X'),
    }
}

impl fmt::Display for Vin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Vin {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for Vin {
    type Err = VinError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Vin {
    type Error = VinError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl Serialize for Vin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a valid VIN from one whose position 9 is a placeholder, using
    /// an independent straightforward implementation of the ISO 3779 rule.
    fn with_check_digit(template: &str) -> String {
        const TABLE: &str = "0123456789.ABCDEFGH..JKLMN.P.R..STUVWXYZ";
        let values: Vec<u32> = template
            .chars()
            .map(|c| {
                let i = TABLE.find(c).unwrap() as u32;
                if i < 10 {
                    i
                } else {
                    // A–I = 1–9, J–R = 1–9, S–Z = 2–9.
                    (i - 10) % 10
                }
            })
            .collect();
        let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let check = match sum % 11 {
            10 => 'X',
            n => char::from_digit(n, 10).unwrap(),
        };
        let mut chars: Vec<char> = template.chars().collect();
        chars[8] = check;
        chars.into_iter().collect()
    }

    #[test]
    fn helper_agrees_with_the_table_for_every_letter() {
        for c in "0123456789ABCDEFGHJKLMNPRSTUVWXYZ".chars() {
            let template = format!("{c}{c}{c}{c}{c}{c}{c}{c}0{c}{c}{c}{c}{c}{c}{c}{c}");
            let sum: u32 = WEIGHTS.iter().sum::<u32>() * transliterate(c).unwrap();
            let want = match sum % 11 {
                10 => 'X',
                n => char::from_digit(n, 10).unwrap(),
            };
            assert_eq!(
                with_check_digit(&template).chars().nth(8),
                Some(want),
                "{c}"
            );
        }
    }

    #[test]
    fn accepts_known_valid_vins() {
        // Published examples with a correct check digit.
        for vin in [
            "1M8GDM9AXKP042788",
            "11111111111111111",
            "5GZCZ43D13S812715",
        ] {
            assert_eq!(Vin::parse(vin).map(|v| v.to_string()), Ok(vin.to_owned()));
        }
    }

    #[test]
    fn accepts_chinese_vins_with_their_check_digit() {
        for template in [
            "LSVAU2180N2183294",
            "LFV2A21K0A3012345",
            "LGBH52E0XMY123456",
            "LVSHCAMB0CE123456",
        ] {
            let vin = with_check_digit(template);
            let parsed = Vin::parse(&vin).unwrap_or_else(|e| panic!("{vin}: {e}"));
            assert_eq!(parsed.as_str(), vin);
            assert_eq!(parsed.wmi(), &vin[..3]);
        }
    }

    #[test]
    fn normalises_case_and_surrounding_space() {
        let v = Vin::parse("  1m8gdm9axkp042788\n").unwrap();
        assert_eq!(v.as_str(), "1M8GDM9AXKP042788");
        assert_eq!(v.wmi(), "1M8");
    }

    #[test]
    fn wrong_length() {
        assert_eq!(Vin::parse(""), Err(VinError::Length { found: 0 }));
        assert_eq!(
            Vin::parse("1M8GDM9AXKP04278"),
            Err(VinError::Length { found: 16 })
        );
        assert_eq!(
            Vin::parse("1M8GDM9AXKP0427888"),
            Err(VinError::Length { found: 18 })
        );
        assert_eq!(
            Vin::parse("1M8GDM9A XKP042788"),
            Err(VinError::Length { found: 18 })
        );
    }

    #[test]
    fn bad_characters_name_the_position() {
        assert_eq!(
            Vin::parse("1M8GDM9AXKP04278O"),
            Err(VinError::InvalidCharacter {
                position: 17,
                found: 'O'
            })
        );
        assert_eq!(
            Vin::parse("IM8GDM9AXKP042788"),
            Err(VinError::InvalidCharacter {
                position: 1,
                found: 'I'
            })
        );
        assert_eq!(
            Vin::parse("1M8GDM9AXKQ042788"),
            Err(VinError::InvalidCharacter {
                position: 11,
                found: 'Q'
            })
        );
        assert_eq!(
            Vin::parse("1M8GDM9AXKP04278-"),
            Err(VinError::InvalidCharacter {
                position: 17,
                found: '-'
            })
        );
    }

    #[test]
    fn wrong_check_digit_says_what_was_expected() {
        let err = Vin::parse("1M8GDM9A1KP042788").unwrap_err();
        assert_eq!(
            err,
            VinError::CheckDigit {
                expected: 'X',
                found: '1'
            }
        );
        assert_eq!(err.code(), "vin_check_digit");
        assert!(err.to_string().contains("应为X"));
        assert!(err.msg().render(Locale::En).contains("should be X"));
        // A one-character typo elsewhere is caught too.
        assert!(matches!(
            Vin::parse("1M8GDM9AXKP042789"),
            Err(VinError::CheckDigit { .. })
        ));
        let chinese = with_check_digit("LSVAU2180N2183294");
        let typo = chinese.replacen("LSV", "LSW", 1);
        assert!(matches!(
            Vin::parse(&typo),
            Err(VinError::CheckDigit { .. })
        ));
    }

    #[test]
    fn odd_input_never_panics() {
        let long = "A".repeat(100_000);
        for input in [
            "😀",
            "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
            "车架号车架号车架号车架号车架号车架",
            "ＬＳＶＡＵ２１８０Ｎ２１８３２９４",
            "LSVAU2180N218329ß",
            "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}",
            long.as_str(),
        ] {
            assert!(Vin::parse(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn serde_uses_the_string() {
        let v = Vin::parse("1M8GDM9AXKP042788").unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"1M8GDM9AXKP042788\"");
        let back: Vin = serde_json::from_str("\"1m8gdm9axkp042788\"").unwrap();
        assert_eq!(back, v);
        assert!(serde_json::from_str::<Vin>("\"1M8GDM9A1KP042788\"").is_err());
    }

    #[test]
    fn error_codes_and_messages() {
        let errors = [
            VinError::Length { found: 3 },
            VinError::InvalidCharacter {
                position: 2,
                found: 'I',
            },
            VinError::CheckDigit {
                expected: '7',
                found: '3',
            },
        ];
        let codes: Vec<_> = errors.iter().map(VinError::code).collect();
        assert_eq!(
            codes,
            ["vin_invalid_length", "vin_invalid_char", "vin_check_digit"]
        );
        for e in errors {
            // The Chinese message alone (for logs); English comes from the catalogue.
            assert_eq!(e.to_string(), e.msg().render(Locale::ZhCn));
            assert_ne!(e.msg().render(Locale::En), e.to_string());
        }
    }
}
