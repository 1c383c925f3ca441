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

    /// A catalogue name in this language; the Chinese one where no English name was given.
    pub fn name<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Locale::En if !en.is_empty() => en,
            _ => zh,
        }
    }

    /// A message template's human name (the outbox, the ticket's message list); a template
    /// this table does not know yet is shown by its stored name.
    pub fn template_label(self, template: &str) -> String {
        // Written out, not built from the name, so the catalogue tests see every key.
        const KEYS: &[(&str, &str)] = &[
            ("technician_dispatch", "template-technician-dispatch"),
            ("customer_crew_departed", "template-customer-crew-departed"),
            ("customer_parts_delay", "template-customer-parts-delay"),
            ("customer_resolved", "template-customer-resolved"),
            (
                "customer_location_request",
                "template-customer-location-request",
            ),
            ("plan_review", "template-plan-review"),
            ("consent_call", "template-consent-call"),
            ("plan_approval", "template-plan-approval"),
            ("plan_returned", "template-plan-returned"),
            ("plan_rejected", "template-plan-rejected"),
            ("parts_to_issue", "template-parts-to-issue"),
            ("part_review", "template-part-review"),
            ("transfer_to_send", "template-transfer-to-send"),
            ("fault_mismatch", "template-fault-mismatch"),
            ("orders_held", "template-orders-held"),
            ("promise_warning", "template-promise-warning"),
            ("promise_breached", "template-promise-breached"),
            ("customer_suspension", "template-customer-suspension"),
            (
                "customer_suspension_lifted",
                "template-customer-suspension-lifted",
            ),
        ];
        KEYS.iter()
            .find(|(t, _)| *t == template)
            .map_or_else(|| template.to_owned(), |(_, key)| self.t(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fall_back_to_chinese_and_tags_parse() {
        assert_eq!(Locale::ZhCn.name("蓄电池", "Battery"), "蓄电池");
        assert_eq!(Locale::En.name("蓄电池", "Battery"), "Battery");
        assert_eq!(Locale::En.name("蓄电池", ""), "蓄电池");
        assert_eq!(Locale::parse("en"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
    }

    #[test]
    fn template_label_names_known_templates_and_shows_unknown_ones_as_stored() {
        assert_eq!(
            Locale::ZhCn.template_label("technician_dispatch"),
            "技师派工通知"
        );
        assert_eq!(
            Locale::En.template_label("technician_dispatch"),
            "Dispatch to technician"
        );
        assert_eq!(
            Locale::En.template_label("fault_mismatch"),
            "Fault does not match the plan"
        );
        assert_eq!(Locale::En.template_label("brand_new"), "brand_new");
        assert_eq!(Locale::ZhCn.template_label("brand_new"), "brand_new");
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
