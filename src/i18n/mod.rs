//! Languages and the message catalogue, shared by pages, the API and the messages we send.
//!
//! Every user-facing text lives in `locales/<lang>/*.ftl` (Project Fluent); code names a message
//! by its key and renders it in the viewer's or recipient's [`Locale`] at the edge.

mod catalogue;
mod locale;

pub use catalogue::{fluent_args, Args};
pub use locale::Locale;

/// A catalogue message with its values: what the domain returns where it would otherwise write
/// prose, rendered in a language only at the edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub key: &'static str,
    pub params: Vec<(&'static str, serde_json::Value)>,
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg {
            key,
            params: Vec::new(),
        }
    }

    pub fn with(key: &'static str, params: &[(&'static str, serde_json::Value)]) -> Msg {
        Msg {
            key,
            params: params.to_vec(),
        }
    }

    pub fn render(&self, locale: Locale) -> String {
        locale.t_with(
            self.key,
            &fluent_args(self.params.iter().map(|(k, v)| (*k, v))),
        )
    }
}

/// A text for a user: a catalogue message, or (until every text is in the catalogue)
/// "中文 / English" of which the reader's half is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    Msg(Msg),
    Bilingual(String),
}

impl Text {
    pub fn render(&self, locale: Locale) -> String {
        match self {
            Text::Msg(m) => m.render(locale),
            Text::Bilingual(s) => locale.pick(s).to_owned(),
        }
    }
}

impl From<Msg> for Text {
    fn from(m: Msg) -> Self {
        Text::Msg(m)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::Bilingual(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::Bilingual(s.to_owned())
    }
}
