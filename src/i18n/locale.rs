//! The two languages: Chinese first, English a switch away.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Locale {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

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

    /// The language an `Accept-Language` header asks for: the first of Chinese or English by
    /// preference (`q`), Chinese when it names neither or is absent.
    pub fn from_accept_language(header: Option<&str>) -> Locale {
        let Some(header) = header else {
            return Locale::ZhCn;
        };
        let mut best: Option<(f32, Locale)> = None;
        // Bounded: a header is at most a few kB (actix limits it); 32 entries are plenty.
        for item in header.split(',').take(32) {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let locale = if tag == "zh" || tag.starts_with("zh-") {
                Locale::ZhCn
            } else if tag == "en" || tag.starts_with("en-") {
                Locale::En
            } else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, locale));
            }
        }
        best.map_or(Locale::ZhCn, |(_, l)| l)
    }

    /// The catalogue's name for this language.
    pub(super) fn langid(self) -> fluent_templates::LanguageIdentifier {
        match self {
            Locale::ZhCn => fluent_templates::langid!("zh-CN"),
            Locale::En => fluent_templates::langid!("en"),
        }
    }

    /// Picks the text of this language; templates carry both inline, Chinese first.
    pub fn tr<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Locale::ZhCn => zh,
            Locale::En => en,
        }
    }

    /// A catalogue name in this language; the Chinese one where no English name was given.
    pub fn name<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self.tr(zh, en) {
            "" => zh,
            n => n,
        }
    }

    /// A technician's skill or grade code in this language. The demo's tables are the one list
    /// of known codes; a code they do not know is shown as stored.
    pub fn staff_label(self, code: &str) -> &str {
        crate::demo::SKILLS
            .iter()
            .chain(crate::demo::GRADES)
            .find(|(c, _, _)| *c == code)
            .map_or(code, |(_, zh, en)| self.tr(zh, en))
    }

    /// A message template's human name (the outbox, the ticket's message list); a template
    /// this table does not know yet is shown by its stored name.
    pub fn template_label(self, template: &str) -> &str {
        const NAMES: &[(&str, &str, &str)] = &[
            (
                "technician_dispatch",
                "技师派工通知",
                "Dispatch to technician",
            ),
            (
                "customer_crew_departed",
                "救援已出发（客户）",
                "Crew departed (customer)",
            ),
            (
                "customer_parts_delay",
                "配件延误（客户）",
                "Parts delay (customer)",
            ),
            (
                "customer_resolved",
                "救援完成（客户）",
                "Rescue done (customer)",
            ),
            (
                "customer_location_request",
                "请客户发送定位",
                "Location request (customer)",
            ),
            ("plan_review", "方案待审核", "Plan to review"),
            (
                "consent_call",
                "请致电客户确认",
                "Call the customer for consent",
            ),
            ("plan_approval", "方案待审批", "Plan to approve"),
            ("plan_returned", "方案被退回", "Plan returned"),
            ("plan_rejected", "方案被驳回", "Plan rejected"),
            ("parts_to_issue", "待发放配件", "Parts to issue"),
            ("part_review", "监控件待审核", "Monitored part to review"),
            ("transfer_to_send", "待发出调拨", "Transfer to send"),
            (
                "fault_mismatch",
                "故障与方案不符",
                "Fault does not match the plan",
            ),
        ];
        NAMES
            .iter()
            .find(|(t, _, _)| *t == template)
            .map_or(template, |(_, zh, en)| self.tr(zh, en))
    }

    /// Messages from the domain are "中文 / English"; show the half in this language.
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

    #[test]
    fn accept_language_picks_the_preferred_of_the_two() {
        let pick = |h| Locale::from_accept_language(h);
        assert_eq!(pick(None), Locale::ZhCn);
        assert_eq!(pick(Some("en")), Locale::En);
        assert_eq!(pick(Some("en-US,en;q=0.9")), Locale::En);
        assert_eq!(pick(Some("fr-FR, en;q=0.5, zh-CN;q=0.8")), Locale::ZhCn);
        assert_eq!(pick(Some("de, en-GB;q=0.3")), Locale::En);
        assert_eq!(pick(Some("fr")), Locale::ZhCn);
        assert_eq!(pick(Some("en;q=0")), Locale::ZhCn);
        assert_eq!(pick(Some(";;;,,q=x")), Locale::ZhCn);
    }
}
