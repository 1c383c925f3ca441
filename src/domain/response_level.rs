//! Response levels (响应级别) of a rescue ticket; the time each one promises is configuration (`[sla]`, `domain::promise`).

use crate::i18n::{Locale, Msg};
use serde::{Deserialize, Serialize};

/// 一级 / 二级 / 三级. Lower numbers are more urgent, so the derived ordering
/// sorts the most urgent first. Serialised as the integer 1, 2 or 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i32")]
pub enum ResponseLevel {
    /// 一级（重大）
    Major = 1,
    /// 二级（严重）
    Serious = 2,
    /// 三级（一般）
    General = 3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseLevelError {
    Unknown(i64),
}

impl ResponseLevelError {
    /// The catalogue message saying what is wrong.
    pub fn msg(&self) -> Msg {
        match self {
            Self::Unknown(_) => Msg::new("error-response-level-invalid"),
        }
    }
}

impl std::fmt::Display for ResponseLevelError {
    /// The Chinese message, for logs and serde errors; users read [`ResponseLevelError::msg`] in their
    /// language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(Locale::ZhCn))
    }
}

impl std::error::Error for ResponseLevelError {}

impl ResponseLevelError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unknown(_) => "response_level_invalid",
        }
    }
}

impl ResponseLevel {
    pub const ALL: [ResponseLevel; 3] = [Self::Major, Self::Serious, Self::General];

    pub fn as_i32(self) -> i32 {
        self as i32
    }

    /// The catalogue key of this level's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Major => "label-response-level-major",
            Self::Serious => "label-response-level-serious",
            Self::General => "label-response-level-general",
        }
    }
}

impl TryFrom<i64> for ResponseLevel {
    type Error = ResponseLevelError;

    fn try_from(value: i64) -> Result<Self, Self::Error> {
        match value {
            1 => Ok(Self::Major),
            2 => Ok(Self::Serious),
            3 => Ok(Self::General),
            other => Err(ResponseLevelError::Unknown(other)),
        }
    }
}

impl From<ResponseLevel> for i32 {
    fn from(level: ResponseLevel) -> Self {
        level.as_i32()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_from_and_to_integers() {
        for (n, level) in [
            (1, ResponseLevel::Major),
            (2, ResponseLevel::Serious),
            (3, ResponseLevel::General),
        ] {
            assert_eq!(ResponseLevel::try_from(n), Ok(level));
            assert_eq!(i64::from(level.as_i32()), n);
        }
        for n in [0, 4, -1, i64::MIN, i64::MAX] {
            assert_eq!(
                ResponseLevel::try_from(n),
                Err(ResponseLevelError::Unknown(n))
            );
        }
    }

    #[test]
    fn labels() {
        use crate::i18n::Locale;
        let zh = |r: ResponseLevel| Locale::ZhCn.t(r.label_key());
        assert_eq!(zh(ResponseLevel::Major), "一级（重大）");
        assert_eq!(zh(ResponseLevel::Serious), "二级（严重）");
        assert_eq!(zh(ResponseLevel::General), "三级（一般）");
        assert_eq!(
            Locale::En.t(ResponseLevel::Serious.label_key()),
            "Level 2 (serious)"
        );
    }

    #[test]
    fn levels_sort_most_urgent_first() {
        // The time each level promises is configuration (`[sla]`, `domain::promise`).
        let mut sorted = [
            ResponseLevel::General,
            ResponseLevel::Major,
            ResponseLevel::Serious,
        ];
        sorted.sort();
        assert_eq!(sorted, ResponseLevel::ALL);
    }

    #[test]
    fn serde_as_integer() {
        assert_eq!(serde_json::to_string(&ResponseLevel::Serious).unwrap(), "2");
        assert_eq!(
            serde_json::from_str::<ResponseLevel>("1").unwrap(),
            ResponseLevel::Major
        );
        assert!(serde_json::from_str::<ResponseLevel>("4").is_err());
        assert!(serde_json::from_str::<ResponseLevel>("\"major\"").is_err());
        assert!(serde_json::from_str::<ResponseLevel>("1.5").is_err());
    }

    #[test]
    fn error_code_and_message() {
        let e = ResponseLevelError::Unknown(7);
        assert_eq!(e.code(), "response_level_invalid");
        assert_eq!(e.to_string(), "响应级别应为 1、2 或 3");
        assert_eq!(
            e.msg().render(Locale::En),
            "Response level must be 1, 2 or 3"
        );
    }
}
