//! What staff type into a search box: trimmed, at least two and at most a few dozen characters,
//! so a pasted page of text can never become a LIKE pattern the database refuses or chews on.

/// Fewer characters match half the catalogue; more are not a part number or a name.
pub const MIN_CHARS: usize = 2;
pub const MAX_CHARS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SearchTermError {
    #[error("至少输入 2 个字 / At least 2 characters")]
    TooShort,
    #[error("最多 64 个字，当前 {found} 个 / At most 64 characters, got {found}")]
    TooLong { found: usize },
    #[error("含有控制字符 / Contains control characters")]
    ControlCharacter,
}

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
