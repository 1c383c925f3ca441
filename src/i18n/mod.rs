//! Languages and the message catalogue, shared by pages, the API and the messages we send.
//!
//! Every user-facing text lives in `locales/<lang>/*.ftl` (Project Fluent); code names a message
//! by its key and renders it in the viewer's or recipient's [`Locale`] at the edge.

mod catalogue;
mod locale;
pub mod serde_key;

pub use catalogue::{fluent_args, Args};
pub use locale::Locale;

/// A catalogue message with its values: what the domain returns where it would otherwise write
/// prose, rendered in a language only at the edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub key: &'static str,
    /// The values, as API clients get them (stable codes, numbers).
    pub params: Vec<(&'static str, serde_json::Value)>,
    /// Params the message shows by a catalogue label instead of their code (a status code goes
    /// to API clients as `awaiting_director`, the reader sees "待总监审批"): name → label key.
    pub labels: Vec<(&'static str, &'static str)>,
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg {
            key,
            params: Vec::new(),
            labels: Vec::new(),
        }
    }

    pub fn with(key: &'static str, params: &[(&'static str, serde_json::Value)]) -> Msg {
        Msg {
            key,
            params: params.to_vec(),
            labels: Vec::new(),
        }
    }

    /// Shows the param `name` by the catalogue label `label_key` (its code stays in `params`).
    pub fn label(mut self, name: &'static str, label_key: &'static str) -> Msg {
        self.labels.retain(|(n, _)| *n != name);
        self.labels.push((name, label_key));
        self
    }

    pub fn render(&self, locale: Locale) -> String {
        let labels: Vec<(&'static str, serde_json::Value)> = self
            .labels
            .iter()
            .map(|(name, key)| (*name, locale.t(key).into()))
            .collect();
        let shown = self
            .params
            .iter()
            .filter(|(k, _)| !self.labels.iter().any(|(n, _)| n == k))
            .chain(labels.iter())
            .map(|(k, v)| (*k, v));
        locale.t_with(self.key, &fluent_args(shown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_labelled_param_reads_as_its_label_and_keeps_its_code() {
        let m = Msg::with(
            "svc-issue-not-now",
            &[("status", "awaiting_director".into())],
        )
        .label("status", "label-ticket-status-awaiting-director");
        assert_eq!(m.params, vec![("status", "awaiting_director".into())]);
        let (zh, en) = (m.render(Locale::ZhCn), m.render(Locale::En));
        assert!(!zh.contains("awaiting_director"), "{zh}");
        assert!(!en.contains("awaiting_director"), "{en}");
        assert!(
            zh.contains(&Locale::ZhCn.t("label-ticket-status-awaiting-director")),
            "{zh}"
        );
        assert!(
            en.contains(&Locale::En.t("label-ticket-status-awaiting-director")),
            "{en}"
        );
    }
}
