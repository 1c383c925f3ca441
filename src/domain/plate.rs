//! Mainland Chinese licence plates (ordinary, new-energy, trailer, learner, police), normalised for lookup.

use crate::i18n::{Locale, Msg};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, Serializer};

const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// Embassy (使), consulate (领) and Hong Kong/Macau cross-border (港/澳) plates
/// follow other numbering rules and are not registered with local dealers.
const SPECIAL: &[char] = &['使', '领', '港', '澳'];

// Small new-energy plates: D plus (since 2021) A, B, C, E mark pure electric;
// F plus G, H, J, K mark the other new-energy kinds (plug-in hybrid, fuel cell).
const SMALL_NEV_ENERGY: &[char] = &['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K'];
// Large new-energy plates only ever use D (pure electric) and F (other).
const LARGE_NEV_ENERGY: &[char] = &['D', 'F'];

// Well above the longest plate; keeps pasted junk from being copied around.
const MAX_CHARS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlateKind {
    /// Blue or yellow plate: 浙A12345.
    Ordinary,
    /// Green plate, energy letter first: 浙AD12345.
    NewEnergySmall,
    /// Yellow-green plate, energy letter last: 浙A12345D.
    NewEnergyLarge,
    /// 浙A1234挂
    Trailer,
    /// 浙A1234学
    Learner,
    /// 浙A1234警
    Police,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlateError {
    Empty,
    UnknownProvince,
    InvalidAuthority,
    SpecialUnsupported,
    Invalid,
}

impl PlateError {
    /// The catalogue message saying what is wrong.
    pub fn msg(&self) -> Msg {
        match self {
            Self::Empty => Msg::new("error-plate-empty"),
            Self::UnknownProvince => Msg::new("error-plate-unknown-province"),
            Self::InvalidAuthority => Msg::new("error-plate-invalid-authority"),
            Self::SpecialUnsupported => Msg::new("error-plate-special-unsupported"),
            Self::Invalid => Msg::new("error-plate-invalid"),
        }
    }
}

impl std::fmt::Display for PlateError {
    /// The Chinese message, for logs and serde errors; users read [`PlateError::msg`] in their
    /// language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(Locale::ZhCn))
    }
}

impl std::error::Error for PlateError {}

impl PlateError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "plate_empty",
            Self::UnknownProvince => "plate_unknown_province",
            Self::InvalidAuthority => "plate_invalid_authority",
            Self::SpecialUnsupported => "plate_special_unsupported",
            Self::Invalid => "plate_invalid",
        }
    }
}

/// A validated plate in upper case without separators, e.g. `浙A12345`, `浙AD12345`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Plate {
    normalised: String,
    province: char,
    kind: PlateKind,
}

impl Plate {
    pub fn parse(input: &str) -> Result<Self, PlateError> {
        let chars = normalise(input)?;
        if chars.is_empty() {
            return Err(PlateError::Empty);
        }
        // Checked first: 使 plates start with 使, which would otherwise read as an unknown province.
        if chars.iter().any(|c| SPECIAL.contains(c)) {
            return Err(PlateError::SpecialUnsupported);
        }
        let (province, authority, serial) = match chars.as_slice() {
            [p, a, rest @ ..] => (*p, *a, rest),
            [_] => return Err(PlateError::Invalid),
            [] => return Err(PlateError::Empty),
        };
        if !PROVINCES.contains(province) {
            return Err(PlateError::UnknownProvince);
        }
        if !is_serial_letter(authority) {
            return Err(PlateError::InvalidAuthority);
        }
        let kind = classify(serial).ok_or(PlateError::Invalid)?;
        Ok(Self {
            normalised: chars.iter().collect(),
            province,
            kind,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.normalised
    }

    /// The province abbreviation, e.g. '浙'.
    pub fn province(&self) -> char {
        self.province
    }

    pub fn kind(&self) -> PlateKind {
        self.kind
    }

    pub fn is_new_energy(&self) -> bool {
        matches!(
            self.kind,
            PlateKind::NewEnergySmall | PlateKind::NewEnergyLarge
        )
    }
}

/// Drops separators, folds full-width ASCII and lower case; Chinese characters pass through.
fn normalise(input: &str) -> Result<Vec<char>, PlateError> {
    let mut out = Vec::new();
    for c in input.chars() {
        if c.is_whitespace() || matches!(c, '.' | '·' | '•' | '・' | '．' | '-' | '－' | '_')
        {
            continue;
        }
        let c = match c {
            '！'..='～' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        out.push(c.to_ascii_uppercase());
        if out.len() > MAX_CHARS {
            return Err(PlateError::Invalid);
        }
    }
    Ok(out)
}

/// Letters I and O are never issued because they read as 1 and 0.
fn is_serial_letter(c: char) -> bool {
    c.is_ascii_uppercase() && c != 'I' && c != 'O'
}

fn is_serial_char(c: char) -> bool {
    c.is_ascii_digit() || is_serial_letter(c)
}

fn classify(serial: &[char]) -> Option<PlateKind> {
    match serial {
        [body @ .., suffix] if serial.len() == 5 && !is_serial_char(*suffix) => {
            let kind = match suffix {
                '挂' => PlateKind::Trailer,
                '学' => PlateKind::Learner,
                '警' => PlateKind::Police,
                _ => return None,
            };
            body.iter().all(|c| is_serial_char(*c)).then_some(kind)
        }
        [_, _, _, _, _] => serial
            .iter()
            .all(|c| is_serial_char(*c))
            .then_some(PlateKind::Ordinary),
        [energy, second, digits @ ..] if serial.len() == 6 && SMALL_NEV_ENERGY.contains(energy) => {
            (is_serial_char(*second) && digits.iter().all(char::is_ascii_digit))
                .then_some(PlateKind::NewEnergySmall)
        }
        [digits @ .., energy] if serial.len() == 6 && LARGE_NEV_ENERGY.contains(energy) => digits
            .iter()
            .all(char::is_ascii_digit)
            .then_some(PlateKind::NewEnergyLarge),
        _ => None,
    }
}

impl fmt::Display for Plate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalised)
    }
}

impl AsRef<str> for Plate {
    fn as_ref(&self) -> &str {
        &self.normalised
    }
}

impl FromStr for Plate {
    type Err = PlateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Plate {
    type Error = PlateError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl Serialize for Plate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.normalised)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> Plate {
        Plate::parse(input).unwrap_or_else(|e| panic!("{input:?} rejected: {e}"))
    }

    fn err(input: &str) -> PlateError {
        match Plate::parse(input) {
            Ok(p) => panic!("{input:?} accepted as {p}"),
            Err(e) => e,
        }
    }

    #[test]
    fn ordinary_plates() {
        for (input, want) in [
            ("浙A12345", "浙A12345"),
            ("浙AB123C", "浙AB123C"),
            ("浙a·12345", "浙A12345"),
            ("浙A 12345", "浙A12345"),
            ("浙A.12345", "浙A12345"),
            (" 京N-8A8Z8 ", "京N8A8Z8"),
            ("粤Ｂ１２３４５", "粤B12345"),
            ("沪ｋ　ab123", "沪KAB123"),
            ("琼A00001", "琼A00001"),
        ] {
            let p = ok(input);
            assert_eq!(p.as_str(), want, "{input}");
            assert_eq!(p.kind(), PlateKind::Ordinary);
            assert!(!p.is_new_energy());
        }
        assert_eq!(ok("粤B12345").province(), '粤');
        for province in PROVINCES.chars() {
            assert_eq!(ok(&format!("{province}A12345")).province(), province);
        }
    }

    #[test]
    fn new_energy_plates() {
        for (input, want, kind) in [
            ("浙AD12345", "浙AD12345", PlateKind::NewEnergySmall),
            ("浙AF12345", "浙AF12345", PlateKind::NewEnergySmall),
            ("浙ADA1234", "浙ADA1234", PlateKind::NewEnergySmall),
            ("粤B·DF1234", "粤BDF1234", PlateKind::NewEnergySmall),
            ("粤BA12345", "粤BA12345", PlateKind::NewEnergySmall),
            ("粤BK12345", "粤BK12345", PlateKind::NewEnergySmall),
            ("浙a d 12345", "浙AD12345", PlateKind::NewEnergySmall),
            ("浙A12345D", "浙A12345D", PlateKind::NewEnergyLarge),
            ("浙A12345F", "浙A12345F", PlateKind::NewEnergyLarge),
        ] {
            let p = ok(input);
            assert_eq!(p.as_str(), want, "{input}");
            assert_eq!(p.kind(), kind, "{input}");
            assert!(p.is_new_energy());
        }
    }

    #[test]
    fn trailer_learner_police() {
        assert_eq!(ok("浙A1234挂").kind(), PlateKind::Trailer);
        assert_eq!(ok("浙A·123B学").kind(), PlateKind::Learner);
        assert_eq!(ok("浙A1234警").kind(), PlateKind::Police);
        assert_eq!(ok("浙a1234警").as_str(), "浙A1234警");
        assert!(!ok("浙A1234挂").is_new_energy());
    }

    #[test]
    fn special_plates_get_their_own_error() {
        for input in [
            "使014123",
            "123456使",
            "沪A1234领",
            "粤Z1234港",
            "粤Z1234澳",
        ] {
            assert_eq!(err(input), PlateError::SpecialUnsupported, "{input}");
        }
    }

    #[test]
    fn rejects_malformed_plates() {
        assert_eq!(err(""), PlateError::Empty);
        assert_eq!(err(" · "), PlateError::Empty);
        assert_eq!(err("浙"), PlateError::Invalid);
        assert_eq!(err("AA12345"), PlateError::UnknownProvince);
        assert_eq!(err("台A12345"), PlateError::UnknownProvince);
        assert_eq!(err("浙112345"), PlateError::InvalidAuthority);
        assert_eq!(err("浙I12345"), PlateError::InvalidAuthority);
        assert_eq!(err("浙O12345"), PlateError::InvalidAuthority);
        assert_eq!(err("浙浙12345"), PlateError::InvalidAuthority);
        assert_eq!(err("浙A1234"), PlateError::Invalid); // too short
        assert_eq!(err("浙A1234567"), PlateError::Invalid); // too long
        assert_eq!(err("浙A1I345"), PlateError::Invalid); // I in serial
        assert_eq!(err("浙A1O345"), PlateError::Invalid); // O in serial
        assert_eq!(err("浙AL12345"), PlateError::Invalid); // L is not an energy letter
        assert_eq!(err("浙AD1234A"), PlateError::Invalid); // last four must be digits
        assert_eq!(err("浙AD12O45"), PlateError::Invalid);
        assert_eq!(err("浙A1234AD"), PlateError::Invalid); // large NEV: five digits first
        assert_eq!(err("浙A12345A"), PlateError::Invalid); // large NEV: only D/F
        assert_eq!(err("浙A12345G"), PlateError::Invalid);
        assert_eq!(err("浙A1234军"), PlateError::Invalid);
        assert_eq!(err("浙A123挂4"), PlateError::Invalid);
        assert_eq!(err("浙A12345挂"), PlateError::Invalid);
    }

    #[test]
    fn odd_input_never_panics() {
        let long = "浙A12345".repeat(2_000);
        let emoji = "😀".repeat(5_000);
        for input in [
            "😀",
            "浙😀12345",
            "浙A😀2345",
            "浙A1234😀",
            "\u{0}\u{0}",
            "浙Aабвгд",
            "浙A١٢٣٤٥",
            "ÅÅÅÅÅÅÅ",
            long.as_str(),
            emoji.as_str(),
        ] {
            assert!(Plate::parse(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn serde_uses_the_normalised_string() {
        let p = ok("浙a·d12345");
        assert_eq!(serde_json::to_string(&p).ok(), Some("\"浙AD12345\"".into()));
        let back: Plate = serde_json::from_str("\"浙A 12345\"").unwrap();
        assert_eq!(back, ok("浙A12345"));
        assert!(serde_json::from_str::<Plate>("\"浙I12345\"").is_err());
        assert_eq!(
            serde_json::to_string(&PlateKind::NewEnergySmall).ok(),
            Some("\"new_energy_small\"".into())
        );
        assert_eq!(
            "浙A12345".parse::<Plate>().map(|p| p.to_string()),
            Ok("浙A12345".into())
        );
    }

    #[test]
    fn error_codes_and_messages() {
        for e in [
            PlateError::Empty,
            PlateError::UnknownProvince,
            PlateError::InvalidAuthority,
            PlateError::SpecialUnsupported,
            PlateError::Invalid,
        ] {
            assert!(e.code().starts_with("plate_"));
            // The Chinese message alone (for logs); English comes from the catalogue.
            assert_eq!(e.to_string(), e.msg().render(Locale::ZhCn));
            assert_ne!(e.msg().render(Locale::En), e.to_string());
        }
        assert_eq!(
            PlateError::SpecialUnsupported.code(),
            "plate_special_unsupported"
        );
    }
}
