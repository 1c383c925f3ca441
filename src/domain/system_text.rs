//! Texts the system writes into rows that a page shows later (a hold or cancel reason, a timeline
//! note, why an approval was voided): stored as a stable code, rendered in the reader's language
//! when shown. A person's own words are stored, and shown, as typed.

use crate::i18n::{Locale, Msg};

/// Marks a stored system text; nobody types it (and a typed text that happens to start with it
/// but names no known code is shown as typed).
const PREFIX: &str = "sys:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemText {
    /// A sourcing order held because the fault on site differs from the plan.
    MismatchHold,
    /// An open sourcing order cancelled because the rescue ended.
    RescueOver,
    /// An open sourcing order cancelled because the revised plan no longer needs the part.
    NoLongerInPlan,
    /// The plan changed while in the approval chain (the ticket's timeline).
    PlanRevised { version: i32 },
    /// Approvals voided by a newer plan version.
    SupersededBy { version: i32 },
    /// The customer declined the plan without a note.
    CustomerDeclined,
    /// The breakdown position came from the customer's phone.
    CustomerPhonePosition,
    /// The director's standing approval of a standard plan stood in for the director's step.
    StandingApproval,
    /// A complaint opened by the customer's low score on their status link, without their words.
    CustomerLinkScore { score: u8 },
}

impl SystemText {
    /// What goes into the row, e.g. `sys:mismatch_hold` or `sys:plan_revised:3`.
    pub fn stored(self) -> String {
        match self {
            SystemText::MismatchHold => format!("{PREFIX}mismatch_hold"),
            SystemText::RescueOver => format!("{PREFIX}rescue_over"),
            SystemText::NoLongerInPlan => format!("{PREFIX}no_longer_in_plan"),
            SystemText::PlanRevised { version } => format!("{PREFIX}plan_revised:{version}"),
            SystemText::SupersededBy { version } => format!("{PREFIX}superseded_by:{version}"),
            SystemText::CustomerDeclined => format!("{PREFIX}customer_declined"),
            SystemText::CustomerPhonePosition => format!("{PREFIX}customer_phone_position"),
            SystemText::StandingApproval => format!("{PREFIX}standing_approval"),
            SystemText::CustomerLinkScore { score } => {
                format!("{PREFIX}customer_link_score:{score}")
            }
        }
    }

    /// The stable code API clients get next to the rendered text: the stored value without its
    /// marker, e.g. `mismatch_hold` or `plan_revised:3`.
    pub fn code(self) -> String {
        self.stored()[PREFIX.len()..].to_owned()
    }

    /// The system text a stored value names, if it names one.
    pub fn parse(stored: &str) -> Option<SystemText> {
        let code = stored.strip_prefix(PREFIX)?;
        let (name, arg) = match code.split_once(':') {
            Some((name, arg)) => (name, Some(arg)),
            None => (code, None),
        };
        let version = || arg.and_then(|a| a.parse::<i32>().ok());
        Some(match (name, arg) {
            ("mismatch_hold", None) => SystemText::MismatchHold,
            ("rescue_over", None) => SystemText::RescueOver,
            ("no_longer_in_plan", None) => SystemText::NoLongerInPlan,
            ("plan_revised", Some(_)) => SystemText::PlanRevised {
                version: version()?,
            },
            ("superseded_by", Some(_)) => SystemText::SupersededBy {
                version: version()?,
            },
            ("customer_declined", None) => SystemText::CustomerDeclined,
            ("customer_phone_position", None) => SystemText::CustomerPhonePosition,
            ("standing_approval", None) => SystemText::StandingApproval,
            ("customer_link_score", Some(a)) => SystemText::CustomerLinkScore {
                score: a.parse().ok()?,
            },
            _ => return None,
        })
    }

    pub fn msg(self) -> Msg {
        match self {
            SystemText::MismatchHold => Msg::new("dom-stored-mismatch-hold"),
            SystemText::RescueOver => Msg::new("dom-stored-rescue-over"),
            SystemText::NoLongerInPlan => Msg::new("dom-stored-no-longer-in-plan"),
            SystemText::PlanRevised { version } => {
                Msg::with("dom-stored-plan-revised", &[("version", version.into())])
            }
            SystemText::SupersededBy { version } => {
                Msg::with("dom-stored-superseded-by", &[("version", version.into())])
            }
            SystemText::CustomerDeclined => Msg::new("dom-stored-customer-declined"),
            SystemText::CustomerPhonePosition => Msg::new("dom-stored-customer-phone-position"),
            SystemText::StandingApproval => Msg::new("dom-stored-standing-approval"),
            SystemText::CustomerLinkScore { score } => {
                Msg::with("dom-stored-customer-link-score", &[("score", score.into())])
            }
        }
    }
}

/// The code of a stored text the system wrote; `None` for a person's own words.
pub fn code(stored: &str) -> Option<String> {
    SystemText::parse(stored).map(SystemText::code)
}

/// A stored text as a reader in `locale` sees it: a system text in that language, anything
/// else (a person's own words) as stored.
pub fn render(stored: &str, locale: Locale) -> String {
    match SystemText::parse(stored) {
        Some(t) => t.msg().render(locale),
        None => stored.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_round_trips_and_renders_in_each_language() {
        for t in [
            SystemText::MismatchHold,
            SystemText::RescueOver,
            SystemText::NoLongerInPlan,
            SystemText::PlanRevised { version: 3 },
            SystemText::SupersededBy { version: 12 },
            SystemText::CustomerDeclined,
            SystemText::CustomerPhonePosition,
            SystemText::StandingApproval,
            SystemText::CustomerLinkScore { score: 2 },
        ] {
            assert_eq!(SystemText::parse(&t.stored()), Some(t));
            assert_eq!(code(&t.stored()), Some(t.code()));
            assert!(!t.code().starts_with(PREFIX), "{}", t.code());
            let (zh, en) = (
                render(&t.stored(), Locale::ZhCn),
                render(&t.stored(), Locale::En),
            );
            assert!(
                !zh.starts_with(PREFIX) && !en.starts_with(PREFIX),
                "{zh} {en}"
            );
            assert_ne!(zh, en);
        }
        assert_eq!(
            render("sys:plan_revised:3", Locale::En),
            "plan revised to v3"
        );
        assert_eq!(render("sys:rescue_over", Locale::ZhCn), "救援已结束");
        assert_eq!(
            render("sys:customer_link_score:2", Locale::ZhCn),
            "客户通过短信链接打了 2 分"
        );
    }

    #[test]
    fn a_persons_words_are_shown_as_typed() {
        for typed in [
            "客户已自行解决",
            "sys:",
            "sys:unknown",
            "sys:plan_revised:x",
            "sys:customer_link_score:x",
            "",
        ] {
            assert_eq!(render(typed, Locale::En), typed);
            assert_eq!(code(typed), None);
        }
    }
}
