//! Free text typed by staff (customer names, addresses, fault descriptions): trimmed, non-empty, bounded in characters.

use crate::i18n::{Locale, Msg};
use std::fmt;

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    Empty,
    TooLong { max: usize, found: usize },
    ControlCharacter,
    LineBreak,
}

impl TextError {
    /// The catalogue message saying what is wrong.
    pub fn msg(&self) -> Msg {
        match self {
            // Blank is missing: one word for it on the form and over the API ("必填").
            Self::Empty => Msg::new("dom-required"),
            Self::TooLong { max, found } => Msg::with(
                "error-text-too-long",
                &[("max", (*max).into()), ("found", (*found).into())],
            ),
            Self::ControlCharacter => Msg::new("error-text-invalid-char"),
            Self::LineBreak => Msg::new("error-text-line-break"),
        }
    }
}

impl std::fmt::Display for TextError {
    /// The Chinese message, for logs and serde errors; users read [`TextError::msg`] in their
    /// language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(Locale::ZhCn))
    }
}

impl std::error::Error for TextError {}

impl TextError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "text_empty",
            Self::TooLong { .. } => "text_too_long",
            Self::ControlCharacter => "text_invalid_char",
            Self::LineBreak => "text_line_break",
        }
    }
}

/// Trimmed, non-empty text of at most a caller-given number of characters.
///
/// There is no `Deserialize`: the limit depends on the field, so request
/// types deserialise a `String` and call [`NonEmptyText::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NonEmptyText(String);

impl NonEmptyText {
    /// Multi-line text such as a fault description or an address.
    /// Line breaks are normalised to `\n`; tabs are kept.
    pub fn parse(input: &str, max_chars: usize) -> Result<Self, TextError> {
        Self::build(input, max_chars, true)
    }

    /// Single-line text such as a customer name, which also ends up in SMS
    /// templates and list columns where a line break would garble the layout.
    pub fn parse_line(input: &str, max_chars: usize) -> Result<Self, TextError> {
        Self::build(input, max_chars, false)
    }

    fn build(input: &str, max_chars: usize, multi_line: bool) -> Result<Self, TextError> {
        // Zero-width characters at either end are trimmed like spaces, so text made of
        // nothing else (a name of U+200B pasted from a chat app) counts as empty.
        let text = normalise_line_breaks(
            input.trim_matches(|c: char| c.is_whitespace() || is_invisible(c)),
        );
        if text.is_empty() {
            return Err(TextError::Empty);
        }
        for c in text.chars() {
            match c {
                '\n' if !multi_line => return Err(TextError::LineBreak),
                '\n' => {}
                '\t' if multi_line => {}
                c if c.is_control() || is_bidi_control(c) => {
                    return Err(TextError::ControlCharacter)
                }
                _ => {}
            }
        }
        let found = text.chars().count();
        if found > max_chars {
            return Err(TextError::TooLong {
                max: max_chars,
                found,
            });
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Length in characters (一个汉字 counts as one), not bytes.
    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }
}

/// Browsers submit textarea line breaks as CRLF; a bare CR or a Unicode
/// line/paragraph separator is treated the same way so stored text has one form.
fn normalise_line_breaks(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\u{2028}' | '\u{2029}' => out.push('\n'),
            _ => out.push(c),
        }
    }
    out
}

/// Characters that take no room on screen: zero-width space, non-joiner and
/// joiner, word joiner, the byte-order mark, soft hyphen, Mongolian vowel
/// separator and the invisible math operators. Inside text they are kept (emoji
/// sequences need the joiner), but they are never visible content on their own.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}' | '\u{034F}'
    )
}

/// Bidirectional overrides and isolates can make a name or plate display
/// reversed on staff pages and in SMS, so they are rejected like control characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for NonEmptyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for NonEmptyText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for NonEmptyText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_chinese_text() {
        let t = NonEmptyText::parse("  张三  ", 10).unwrap();
        assert_eq!(t.as_str(), "张三");
        assert_eq!(t.char_count(), 2);
        assert_eq!(t.to_string(), "张三");
        let t = NonEmptyText::parse("\u{3000}浙江省杭州市西湖区文三路 100 号\u{3000}", 50).unwrap();
        assert_eq!(t.as_str(), "浙江省杭州市西湖区文三路 100 号");
        assert_eq!(
            NonEmptyText::parse("车😀 Müller", 9).unwrap().char_count(),
            9
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        let eleven = "发动机无法启动故障灯亮";
        assert_eq!(eleven.chars().count(), 11);
        assert!(NonEmptyText::parse(eleven, 11).is_ok());
        assert_eq!(
            NonEmptyText::parse(eleven, 10),
            Err(TextError::TooLong { max: 10, found: 11 })
        );
        assert_eq!(
            NonEmptyText::parse("abc", 0),
            Err(TextError::TooLong { max: 0, found: 3 })
        );
        // Surrounding space does not count against the limit.
        assert!(NonEmptyText::parse("   abc   ", 3).is_ok());
    }

    #[test]
    fn rejects_empty() {
        for input in [
            "",
            "   ",
            "\n\t \r\n",
            "\u{3000}",
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}\u{FEFF}\u{2060}",
            " \u{200B} \u{3000}\u{FEFF}\n",
            "\u{00AD}\u{034F}",
        ] {
            assert_eq!(
                NonEmptyText::parse(input, 10),
                Err(TextError::Empty),
                "{input:?}"
            );
            assert_eq!(
                NonEmptyText::parse_line(input, 10),
                Err(TextError::Empty),
                "{input:?}"
            );
        }
    }

    #[test]
    fn multi_line_keeps_newlines_and_tabs_and_normalises_crlf() {
        let t = NonEmptyText::parse("第一行\r\n第二行\r第三行\u{2028}第四行\n\t缩进", 100).unwrap();
        assert_eq!(t.as_str(), "第一行\n第二行\n第三行\n第四行\n\t缩进");
    }

    #[test]
    fn single_line_rejects_breaks_and_tabs() {
        assert_eq!(
            NonEmptyText::parse_line("张\n三", 10),
            Err(TextError::LineBreak)
        );
        assert_eq!(
            NonEmptyText::parse_line("张\r\n三", 10),
            Err(TextError::LineBreak)
        );
        assert_eq!(
            NonEmptyText::parse_line("张\t三", 10),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(
            NonEmptyText::parse_line(" 张三\n", 10).unwrap().as_str(),
            "张三"
        );
    }

    #[test]
    fn rejects_control_characters() {
        for input in [
            "a\u{0}b",
            "a\u{7}b",
            "a\u{1b}[31mb",
            "a\u{7f}b",
            "a\u{85}b",
            "a\u{202e}b",
            "a\u{2066}b",
        ] {
            assert_eq!(
                NonEmptyText::parse(input, 100),
                Err(TextError::ControlCharacter),
                "{input:?}"
            );
            assert_eq!(
                NonEmptyText::parse_line(input, 100),
                Err(TextError::ControlCharacter),
                "{input:?}"
            );
        }
        // Zero-width joiners are part of ordinary emoji sequences and stay allowed.
        assert!(NonEmptyText::parse("👨\u{200d}🔧 技师", 10).is_ok());
        // At the ends they are trimmed like spaces.
        assert_eq!(
            NonEmptyText::parse_line("\u{FEFF}\u{200B}张三\u{2060}", 10)
                .unwrap()
                .as_str(),
            "张三"
        );
    }

    #[test]
    fn odd_input_never_panics() {
        let long = "长".repeat(100_000);
        assert_eq!(
            NonEmptyText::parse(&long, 500),
            Err(TextError::TooLong {
                max: 500,
                found: 100_000
            })
        );
        let crs = "\r".repeat(1_000) + "x";
        assert_eq!(NonEmptyText::parse(&crs, 10).unwrap().as_str(), "x");
        for input in [
            "😀",
            "Ω≈ç√∫",
            "مرحبا 你好 Привет",
            "\u{fffd}",
            "a\r",
            "\r\n\r\nb\r\n",
        ] {
            assert!(NonEmptyText::parse(input, 1_000).is_ok(), "{input:?}");
        }
    }

    #[test]
    fn serialises_as_a_string() {
        let t = NonEmptyText::parse("李四", 10).unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"李四\"");
        assert_eq!(t.clone().into_string(), "李四");
    }

    #[test]
    fn error_codes_and_messages() {
        let errors = [
            TextError::Empty,
            TextError::TooLong { max: 5, found: 6 },
            TextError::ControlCharacter,
            TextError::LineBreak,
        ];
        let codes: Vec<_> = errors.iter().map(TextError::code).collect();
        assert_eq!(
            codes,
            [
                "text_empty",
                "text_too_long",
                "text_invalid_char",
                "text_line_break"
            ]
        );
        assert_eq!(
            TextError::TooLong { max: 5, found: 6 }.to_string(),
            "内容过长：最多5个字，当前6个字"
        );
        assert_eq!(
            TextError::TooLong { max: 5, found: 6 }
                .msg()
                .render(Locale::En),
            "Too long: at most 5 characters, got 6"
        );
    }
}
