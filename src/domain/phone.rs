//! Mainland China phone numbers (mobile, landline, 400/800) as a dealer's call centre receives them.

use crate::i18n::{Locale, Msg};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, Serializer};

/// What kind of line a number reaches; only mobiles can receive SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhoneKind {
    Mobile,
    Landline,
    /// 400/800 service numbers: callable, but not SMS-capable.
    Service,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    InvalidCharacter,
    Extension,
    NotMainland,
    MissingAreaCode,
    Invalid,
}

impl PhoneError {
    /// The catalogue message saying what is wrong.
    pub fn msg(&self) -> Msg {
        match self {
            Self::Empty => Msg::new("error-phone-empty"),
            Self::InvalidCharacter => Msg::new("error-phone-invalid-char"),
            Self::Extension => Msg::new("error-phone-extension"),
            Self::NotMainland => Msg::new("error-phone-not-mainland"),
            Self::MissingAreaCode => Msg::new("error-phone-missing-area-code"),
            Self::Invalid => Msg::new("error-phone-invalid"),
        }
    }
}

impl std::fmt::Display for PhoneError {
    /// The Chinese message, for logs and serde errors; users read [`PhoneError::msg`] in their
    /// language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(Locale::ZhCn))
    }
}

impl std::error::Error for PhoneError {}

impl PhoneError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "phone_empty",
            Self::InvalidCharacter => "phone_invalid_char",
            Self::Extension => "phone_extension",
            Self::NotMainland => "phone_not_mainland",
            Self::MissingAreaCode => "phone_missing_area_code",
            Self::Invalid => "phone_invalid",
        }
    }
}

/// A validated phone number, stored in its normalised form:
/// mobile `13812345678`, landline `0571-88889999`, service `400-123-4567`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct PhoneNumber {
    normalised: String,
    kind: PhoneKind,
}

// Longer than any real number plus country code; stops pasted junk early.
const MAX_DIGITS: usize = 20;

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let (digits, plus) = clean(input)?;
        if digits.is_empty() {
            return Err(if plus {
                PhoneError::Invalid
            } else {
                PhoneError::Empty
            });
        }
        let explicit_country_code = plus || digits.starts_with("0086");
        let national = if plus {
            digits.strip_prefix("86").ok_or(PhoneError::NotMainland)?
        } else if let Some(rest) = digits.strip_prefix("0086") {
            rest
        } else if digits.starts_with("00") {
            // 00 is the international dialling prefix; area codes never start with it.
            return Err(PhoneError::NotMainland);
        } else {
            // A bare 86 is only taken as the country code when what follows is
            // unmistakably a mobile; otherwise it could be the start of anything.
            match digits.strip_prefix("86") {
                Some(rest) if is_mobile(rest) => rest,
                _ => digits.as_str(),
            }
        };
        classify(national, explicit_country_code)
    }

    pub fn as_str(&self) -> &str {
        &self.normalised
    }

    pub fn kind(&self) -> PhoneKind {
        self.kind
    }

    /// SMS can only be delivered to mobiles.
    pub fn is_mobile(&self) -> bool {
        self.kind == PhoneKind::Mobile
    }

    /// The number without separators, as dialled from inside mainland China.
    pub fn digits(&self) -> String {
        self.normalised
            .chars()
            .filter(char::is_ascii_digit)
            .collect()
    }
}

/// Strips the separators people type and returns the digits and whether a
/// leading `+` was present.
fn clean(input: &str) -> Result<(String, bool), PhoneError> {
    let mut digits = String::new();
    let mut plus = false;
    for c in input.trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            // Full-width digits arrive from Chinese IMEs and copied documents.
            '０'..='９' => {
                let offset = u32::from(c) - u32::from('０');
                digits.push(char::from_digit(offset, 10).ok_or(PhoneError::InvalidCharacter)?);
            }
            '+' | '＋' if digits.is_empty() && !plus => plus = true,
            ' ' | '\u{3000}' | '\u{a0}' | '\t' | '-' | '－' | '–' | '—' | '(' | ')' | '（'
            | '）' => {}
            '转' | '#' | 'x' | 'X' | 'e' | 'E' => return Err(PhoneError::Extension),
            _ => return Err(PhoneError::InvalidCharacter),
        }
        if digits.len() > MAX_DIGITS {
            return Err(PhoneError::Invalid);
        }
    }
    Ok((digits, plus))
}

fn classify(national: &str, explicit_country_code: bool) -> Result<PhoneNumber, PhoneError> {
    if is_mobile(national) {
        return Ok(PhoneNumber {
            normalised: national.to_owned(),
            kind: PhoneKind::Mobile,
        });
    }
    if national.len() == 10 && (national.starts_with("400") || national.starts_with("800")) {
        return Ok(PhoneNumber {
            normalised: format!("{}-{}-{}", &national[..3], &national[3..6], &national[6..]),
            kind: PhoneKind::Service,
        });
    }
    if national.starts_with('0') {
        return landline(national);
    }
    if explicit_country_code {
        // After +86 the trunk 0 of the area code is dropped: +86 571 8888 9999.
        return landline(&format!("0{national}"));
    }
    if matches!(national.len(), 7 | 8) && !national.starts_with(['0', '1']) {
        return Err(PhoneError::MissingAreaCode);
    }
    Err(PhoneError::Invalid)
}

fn is_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

fn landline(digits: &str) -> Result<PhoneNumber, PhoneError> {
    // Beijing (010) and the 02x cities have two-digit area codes; all the
    // others have three, so the split is never ambiguous.
    let area_len = match digits.as_bytes() {
        [b'0', b'1', b'0', ..] | [b'0', b'2', ..] => 3,
        [b'0', b'3'..=b'9', ..] => 4,
        _ => return Err(PhoneError::Invalid),
    };
    let (area, local) = digits
        .split_at_checked(area_len)
        .ok_or(PhoneError::Invalid)?;
    if !matches!(local.len(), 7 | 8) || local.starts_with(['0', '1']) {
        return Err(PhoneError::Invalid);
    }
    Ok(PhoneNumber {
        normalised: format!("{area}-{local}"),
        kind: PhoneKind::Landline,
    })
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalised)
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.normalised
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl Serialize for PhoneNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.normalised)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> PhoneNumber {
        PhoneNumber::parse(input).unwrap_or_else(|e| panic!("{input:?} rejected: {e}"))
    }

    fn err(input: &str) -> PhoneError {
        match PhoneNumber::parse(input) {
            Ok(p) => panic!("{input:?} accepted as {p}"),
            Err(e) => e,
        }
    }

    #[test]
    fn mobiles_in_the_forms_callers_give_them() {
        for input in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "(138)12345678",
            "+86 138 1234 5678",
            "+86-13812345678",
            "008613812345678",
            "8613812345678",
            "１３８１２３４５６７８",
            "＋86 13812345678",
        ] {
            let p = ok(input);
            assert_eq!(p.as_str(), "13812345678", "{input}");
            assert_eq!(p.kind(), PhoneKind::Mobile);
            assert!(p.is_mobile());
        }
        for prefix in 3..=9 {
            assert!(ok(&format!("1{prefix}912345678")).is_mobile());
        }
    }

    #[test]
    fn landlines_normalise_with_a_dash_after_the_area_code() {
        for (input, want) in [
            ("0571-88889999", "0571-88889999"),
            ("057188889999", "0571-88889999"),
            ("(0571) 8888 9999", "0571-88889999"),
            ("（0571）88889999", "0571-88889999"),
            ("0574-8765432", "0574-8765432"),
            ("010-65529988", "010-65529988"),
            ("01065529988", "010-65529988"),
            ("021 6321 1234", "021-63211234"),
            ("020-83331234", "020-83331234"),
            ("+86 571 8888 9999", "0571-88889999"),
            ("+86 10 6552 9988", "010-65529988"),
            ("+86 (0)21 6321 1234", "021-63211234"),
            ("0086 0571 88889999", "0571-88889999"),
        ] {
            let p = ok(input);
            assert_eq!(p.as_str(), want, "{input}");
            assert_eq!(p.kind(), PhoneKind::Landline);
            assert!(!p.is_mobile());
        }
    }

    #[test]
    fn service_numbers() {
        for (input, want) in [
            ("400-123-4567", "400-123-4567"),
            ("4001234567", "400-123-4567"),
            ("400 1234 567", "400-123-4567"),
            ("800-810-8888", "800-810-8888"),
        ] {
            let p = ok(input);
            assert_eq!(p.as_str(), want);
            assert_eq!(p.kind(), PhoneKind::Service);
            assert!(!p.is_mobile());
        }
    }

    #[test]
    fn rejects_bad_numbers_with_specific_errors() {
        assert_eq!(err(""), PhoneError::Empty);
        assert_eq!(err("   "), PhoneError::Empty);
        assert_eq!(err("- ( )"), PhoneError::Empty);
        assert_eq!(err("+"), PhoneError::Invalid);
        assert_eq!(err("1381234567"), PhoneError::Invalid); // 10 digits
        assert_eq!(err("138123456789"), PhoneError::Invalid); // 12 digits
        assert_eq!(err("12812345678"), PhoneError::Invalid); // 12x is not a mobile prefix
        assert_eq!(err("10812345678"), PhoneError::Invalid);
        assert_eq!(err("88889999"), PhoneError::MissingAreaCode);
        assert_eq!(err("8888999"), PhoneError::MissingAreaCode);
        assert_eq!(err("0571-08889999"), PhoneError::Invalid); // local starts with 0
        assert_eq!(err("0571-18889999"), PhoneError::Invalid); // local starts with 1
        assert_eq!(err("0571-888899"), PhoneError::Invalid); // local too short
        assert_eq!(err("0571-888899999"), PhoneError::Invalid); // local too long
        assert_eq!(err("0123-8888999"), PhoneError::Invalid); // no 01x area besides 010
        assert_eq!(err("0571-88889999-123"), PhoneError::Invalid);
        assert_eq!(err("0571-88889999转123"), PhoneError::Extension);
        assert_eq!(err("0571-88889999 ext 12"), PhoneError::Extension);
        assert_eq!(err("+852 9123 4567"), PhoneError::NotMainland);
        assert_eq!(err("+1 415 555 0100"), PhoneError::NotMainland);
        assert_eq!(err("00852 9123 4567"), PhoneError::NotMainland);
        assert_eq!(err("138abc45678"), PhoneError::InvalidCharacter);
        assert_eq!(err("138+12345678"), PhoneError::InvalidCharacter);
        assert_eq!(err("4001234"), PhoneError::MissingAreaCode);
        assert_eq!(err("400-123-456"), PhoneError::Invalid);
    }

    #[test]
    fn odd_input_never_panics() {
        let long = "1".repeat(10_000);
        let long_mixed = "电话😀".repeat(5_000);
        for input in [
            "😀",
            "13812345678😀",
            "电话13812345678",
            "Ｔｅｌ",
            "\u{0}",
            "+",
            "++86",
            "0",
            "00",
            "0086",
            "86",
            "+86",
            long.as_str(),
            long_mixed.as_str(),
            "١٣٨١٢٣٤٥٦٧٨",
        ] {
            assert!(PhoneNumber::parse(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn serde_uses_the_normalised_string() {
        let p = ok("+86 138-1234-5678");
        assert_eq!(
            serde_json::to_string(&p).ok(),
            Some("\"13812345678\"".into())
        );
        let back: PhoneNumber = serde_json::from_str("\"0571 8888 9999\"").unwrap();
        assert_eq!(back.as_str(), "0571-88889999");
        assert!(serde_json::from_str::<PhoneNumber>("\"12345\"").is_err());
        assert_eq!(
            serde_json::to_string(&PhoneKind::Service).ok(),
            Some("\"service\"".into())
        );
    }

    #[test]
    fn accessors() {
        let p = ok("0571-88889999");
        assert_eq!(p.to_string(), "0571-88889999");
        assert_eq!(p.digits(), "057188889999");
        assert_eq!(ok("400-123-4567").digits(), "4001234567");
        assert_eq!("13812345678".parse::<PhoneNumber>(), Ok(ok("13812345678")));
    }

    #[test]
    fn error_codes_and_messages() {
        assert_eq!(PhoneError::Invalid.code(), "phone_invalid");
        assert_eq!(
            PhoneError::Invalid.to_string(),
            "请输入11位手机号或带区号的固话"
        );
        assert_eq!(
            PhoneError::Invalid.msg().render(Locale::En),
            "Enter an 11-digit mobile number or a landline with area code"
        );
        for e in [
            PhoneError::Empty,
            PhoneError::InvalidCharacter,
            PhoneError::Extension,
            PhoneError::NotMainland,
            PhoneError::MissingAreaCode,
            PhoneError::Invalid,
        ] {
            assert!(e.code().starts_with("phone_"));
            // The Chinese message alone (for logs); English comes from the catalogue.
            assert_eq!(e.to_string(), e.msg().render(Locale::ZhCn));
            assert_ne!(e.msg().render(Locale::En), e.to_string());
        }
    }
}
