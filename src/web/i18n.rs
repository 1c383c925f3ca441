//! Page language: Chinese first, English a switch away (cookie `rd_lang`).

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Locale {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

pub const LANG_COOKIE: &str = "rd_lang";

impl Locale {
    pub fn parse(s: &str) -> Option<Locale> {
        match s {
            "zh-CN" | "zh" | "zh-cn" => Some(Locale::ZhCn),
            "en" | "en-US" | "en-GB" => Some(Locale::En),
            _ => None,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Picks the text of this language; templates carry both inline, Chinese first.
    pub fn tr<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Locale::ZhCn => zh,
            Locale::En => en,
        }
    }

    /// Messages from the domain are "中文 / English"; show the half in this language.
    /// A technician's skill or grade code in this language. The demo's tables are the one list
    /// of known codes; a code they do not know is shown as stored.
    pub fn staff_label(self, code: &str) -> &str {
        crate::demo::SKILLS
            .iter()
            .chain(crate::demo::GRADES)
            .find(|(c, _, _)| *c == code)
            .map_or(code, |(_, zh, en)| self.tr(zh, en))
    }

    pub fn pick(self, bilingual: &str) -> &str {
        match bilingual.split_once(" / ") {
            Some((zh, en)) => self.tr(zh.trim(), en.trim()),
            None => bilingual,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_splits_bilingual_messages() {
        assert_eq!(Locale::ZhCn.pick("必填 / Required"), "必填");
        assert_eq!(Locale::En.pick("必填 / Required"), "Required");
        assert_eq!(Locale::En.pick("only one"), "only one");
        assert_eq!(Locale::parse("en"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
    }
}
