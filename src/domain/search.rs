//! What staff type into a search box: trimmed, at least two and at most a few dozen characters,
//! so a pasted page of text can never become a LIKE pattern the database refuses or chews on.

use crate::i18n::{Locale, Msg};
/// Fewer characters match half the catalogue; more are not a part number or a name.
pub const MIN_CHARS: usize = 2;
pub const MAX_CHARS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchTermError {
    TooShort,
    TooLong { found: usize },
    ControlCharacter,
}

impl SearchTermError {
    /// The catalogue message saying what is wrong.
    pub fn msg(&self) -> Msg {
        match self {
            Self::TooShort => Msg::new("error-search-term-too-short"),
            Self::TooLong { found } => {
                Msg::with("error-search-term-too-long", &[("found", (*found).into())])
            }
            Self::ControlCharacter => Msg::new("error-search-term-control-character"),
        }
    }
}

impl std::fmt::Display for SearchTermError {
    /// The Chinese message, for logs and serde errors; users read [`SearchTermError::msg`] in their
    /// language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(Locale::ZhCn))
    }
}

impl std::error::Error for SearchTermError {}

/// A checked search term; `%` and `_` are dropped so the term matches itself, not a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerm(String);

impl SearchTerm {
    pub fn parse(input: &str) -> Result<SearchTerm, SearchTermError> {
        let t = input.trim();
        // Counted before anything else is done with it: the length decides the cost.
        let found = t.chars().count();
        if found > MAX_CHARS {
            return Err(SearchTermError::TooLong { found });
        }
        if t.chars().any(char::is_control) {
            return Err(SearchTermError::ControlCharacter);
        }
        let cleaned: String = t.chars().filter(|c| !matches!(c, '%' | '_')).collect();
        if cleaned.chars().count() < MIN_CHARS {
            return Err(SearchTermError::TooShort);
        }
        Ok(SearchTerm(cleaned))
    }

    /// The `LIKE` pattern for a substring match.
    pub fn like_pattern(&self) -> String {
        format!("%{}%", self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_cleaning() {
        assert_eq!(SearchTerm::parse("  蓄电池 ").unwrap().as_str(), "蓄电池");
        assert_eq!(
            SearchTerm::parse("a").unwrap_err(),
            SearchTermError::TooShort
        );
        assert_eq!(
            SearchTerm::parse("%_").unwrap_err(),
            SearchTermError::TooShort
        );
        assert_eq!(
            SearchTerm::parse("50%off").unwrap().like_pattern(),
            "%50off%"
        );
        assert_eq!(
            SearchTerm::parse(&"电".repeat(64))
                .unwrap()
                .as_str()
                .chars()
                .count(),
            64
        );
        assert_eq!(
            SearchTerm::parse(&"x".repeat(50_000)).unwrap_err(),
            SearchTermError::TooLong { found: 50_000 }
        );
        assert_eq!(
            SearchTerm::parse("ab\u{0}cd").unwrap_err(),
            SearchTermError::ControlCharacter
        );
    }
}
