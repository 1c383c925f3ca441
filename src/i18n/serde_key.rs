//! A serde error that carries a catalogue key: a request field that refuses a value says why in
//! the catalogue's words (the domain's and the services' deserialisers write it, the API's
//! extractors read it back, `services::request::field_message`). serde errors are text, so the
//! key travels bracketed by a control character no JSON string or query value keeps.

/// Brackets the key (and the value given) inside the error text; serde_json adds the position
/// after it.
const MARK: char = '\u{1f}';

/// The refusal of a field, as a serde error naming the catalogue key `key`.
pub fn error<E: serde::de::Error>(key: &str) -> E {
    E::custom(format!("{MARK}{key}{MARK}"))
}

/// The same, with the value that was given (the message shows it as `$value`).
pub fn error_with_value<E: serde::de::Error>(key: &str, value: &str) -> E {
    // The value is bounded so a long bad value cannot grow the error.
    let value: String = value.chars().filter(|c| *c != MARK).take(64).collect();
    E::custom(format!("{MARK}{key}{MARK}{value}{MARK}"))
}

/// The key and the value given, when the error text came from [`error`] or
/// [`error_with_value`].
pub fn read(serde_error: &str) -> Option<(&str, Option<&str>)> {
    let start = serde_error.find(MARK)? + MARK.len_utf8();
    let len = serde_error[start..].find(MARK)?;
    let key = &serde_error[start..start + len];
    let rest = &serde_error[start + len + MARK.len_utf8()..];
    Some((key, rest.find(MARK).map(|end| &rest[..end])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_and_the_value_come_back() {
        let e: serde_json::Error = error("svc-time-rfc3339");
        assert_eq!(read(&e.to_string()), Some(("svc-time-rfc3339", None)));
        let e: serde_json::Error = error_with_value("svc-filter-unknown-status", "done");
        assert_eq!(
            read(&e.to_string()),
            Some(("svc-filter-unknown-status", Some("done")))
        );
        assert_eq!(read("invalid type: integer"), None);
    }
}
