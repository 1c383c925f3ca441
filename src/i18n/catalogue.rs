//! The Fluent catalogue: `locales/zh-CN` and `locales/en`, compiled into the binary.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;

use super::Locale;

fluent_templates::static_loader! {
    static CATALOGUE = {
        locales: "./locales",
        fallback_language: "zh-CN",
        // No Unicode isolation marks around arguments: the texts go into HTML, SMS and e-mail
        // where the marks show as boxes or count against the SMS length.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Values as Fluent arguments: numbers as numbers (they choose plural forms), the rest as text.
pub fn fluent_args<'a>(
    params: impl IntoIterator<Item = (&'static str, &'a serde_json::Value)>,
) -> Vec<(&'static str, FluentValue<'static>)> {
    params
        .into_iter()
        .map(|(k, v)| {
            let value = match v {
                serde_json::Value::Number(n) => n.as_f64().unwrap_or_default().into(),
                serde_json::Value::String(s) => s.clone().into(),
                other => other.to_string().into(),
            };
            (k, value)
        })
        .collect()
}

/// The arguments of one message, by name.
pub type Args = HashMap<Cow<'static, str>, FluentValue<'static>>;

impl Locale {
    /// The message `key` in this language. A key the catalogue lacks is logged and shown as the
    /// key itself (the catalogue tests keep that from reaching users).
    pub fn t(self, key: &str) -> String {
        self.lookup(key, None)
    }

    /// The message `key` with its arguments, e.g. `("count", 3.into())`.
    pub fn t_with(self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let args: Args = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        self.lookup(key, Some(&args))
    }

    fn lookup(self, key: &str, args: Option<&Args>) -> String {
        match CATALOGUE.lookup_single_language(&self.langid(), key, args) {
            Ok(text) => text,
            Err(e) => {
                tracing::error!(key, locale = self.tag(), error = %e, "message missing from the catalogue");
                key.to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The catalogue is complete in both languages, every key is used, and every key used exists.

    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use fluent_templates::fluent_bundle::FluentResource;

    use super::*;

    /// Every message id of one language, with the file it is in.
    fn keys_of(lang: &str) -> BTreeMap<String, String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut keys = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).expect("locale directory") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "ftl") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("ftl file");
            let resource = FluentResource::try_new(text)
                .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", path.display()));
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    assert!(m.value.is_some(), "{lang}: {} has no text", m.id.name);
                    let file = path.file_name().unwrap().to_string_lossy().into_owned();
                    if let Some(first) = keys.insert(m.id.name.to_owned(), file.clone()) {
                        panic!("{lang}: {} is in both {first} and {file}", m.id.name);
                    }
                }
            }
        }
        keys
    }

    /// The text of every source file and template, where keys are named.
    fn sources() -> String {
        fn walk(dir: &Path, out: &mut String) {
            for entry in std::fs::read_dir(dir).expect("source directory") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                    out.push_str(&std::fs::read_to_string(&path).expect("source"));
                }
            }
        }
        let mut out = String::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
        out
    }

    #[test]
    fn both_languages_have_the_same_keys_in_the_same_files() {
        let zh = keys_of("zh-CN");
        let en = keys_of("en");
        assert!(!zh.is_empty());
        let only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        assert!(only_zh.is_empty(), "missing in en: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN: {only_en:?}");
        let moved: Vec<_> = zh.iter().filter(|(k, f)| en[*k] != **f).collect();
        assert!(moved.is_empty(), "in other files: {moved:?}");
    }

    #[test]
    fn every_key_is_used_and_every_used_key_exists() {
        let keys: BTreeSet<String> = keys_of("zh-CN").into_keys().collect();
        let src = sources();
        let unused: Vec<_> = keys
            .iter()
            .filter(|k| !src.contains(&format!("\"{k}\"")))
            .collect();
        assert!(unused.is_empty(), "keys nobody uses: {unused:?}");
        // Keys named in code: `t("…")` and `t_with("…"` calls.
        let mut missing = BTreeSet::new();
        for call in [".t(\"", ".t_with(\""] {
            for (i, _) in src.match_indices(call) {
                let rest = &src[i + call.len()..];
                let key = &rest[..rest.find('"').unwrap_or(0)];
                if !keys.contains(key) {
                    missing.insert(key.to_owned());
                }
            }
        }
        assert!(missing.is_empty(), "keys not in the catalogue: {missing:?}");
    }

    #[test]
    fn every_message_loads_in_both_languages() {
        for locale in [Locale::ZhCn, Locale::En] {
            for key in keys_of(locale.tag()).keys() {
                // A message with arguments, rendered without them, reports the missing ones (a
                // formatting error) but is there; a missing message is a retrieval error.
                if let Err(e) =
                    CATALOGUE.lookup_single_language::<&str>(&locale.langid(), key, None)
                {
                    let e = format!("{e:?}");
                    assert!(e.starts_with("FluentError"), "{}: {key}: {e}", locale.tag());
                }
            }
        }
        // Built, not written, so the used-keys scan does not count it.
        let unknown = ["no", "such", "key"].join("-");
        assert_eq!(Locale::En.t(&unknown), unknown);
    }
}
