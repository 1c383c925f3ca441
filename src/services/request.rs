//! Request fields that name one of a fixed set (a decision, a shipping mode): read into the
//! enum while the body is parsed, so a bad name is a `validation_failed` error on that field,
//! with the field's own message, before any service runs.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};

use crate::error::AppError;

/// Brackets a field's own message inside a serde error, which `api::parse_json` takes out as it
/// is (serde_json adds the position after it, and the message must reach the client unchanged).
const MARK: char = '\u{1f}';

fn invalid<E: serde::de::Error>(message: &str) -> E {
    E::custom(format!("{MARK}{message}{MARK}"))
}

/// A required name: `parse` decides, `message` is the field's error.
pub fn name<'de, D, T>(
    d: D,
    parse: fn(&str) -> Option<T>,
    message: &'static str,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let text = String::deserialize(d)?;
    parse(&text).ok_or_else(|| invalid(message))
}

/// An optional name: absent or `null` is `None`.
pub fn optional_name<'de, D, T>(
    d: D,
    parse: fn(&str) -> Option<T>,
    message: &'static str,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
{
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => parse(&text).map(Some).ok_or_else(|| invalid(message)),
    }
}

/// An optional name whose message names what was given: absent, `null` or blank is `None`.
pub fn optional_name_for<'de, D, T>(
    d: D,
    parse: fn(&str) -> Option<T>,
    message: fn(&str) -> String,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
{
    match given(d)? {
        None => Ok(None),
        Some(text) => parse(&text)
            .map(Some)
            .ok_or_else(|| invalid(&message(&text))),
    }
}

/// An optional text field, trimmed: absent, `null` or blank is `None`.
fn given<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty()))
}

/// A time field's message: the API takes RFC 3339 (`2026-11-22T09:30:00+08:00`).
const RFC3339_MESSAGE: &str = "时间格式应为 RFC 3339 / Use RFC 3339";

fn rfc3339(text: &str) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc).naive_utc())
}

/// An optional RFC 3339 time, read as UTC: absent, `null` or blank is `None`.
pub fn optional_time<'de, D>(d: D) -> Result<Option<NaiveDateTime>, D::Error>
where
    D: Deserializer<'de>,
{
    match given(d)? {
        None => Ok(None),
        Some(text) => rfc3339(&text)
            .map(Some)
            .ok_or_else(|| invalid(RFC3339_MESSAGE)),
    }
}

/// The same rule for a time a page has turned into RFC 3339 (`None`: the field was left empty).
pub fn parse_form_time(
    field: &str,
    value: Option<String>,
) -> Result<Option<NaiveDateTime>, AppError> {
    match value.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) => rfc3339(text)
            .map(Some)
            .ok_or_else(|| AppError::field(field, RFC3339_MESSAGE)),
    }
}

/// The field's own message, when a serde error came from [`name`] or [`optional_name`].
pub fn field_message(serde_error: &str) -> Option<&str> {
    let start = serde_error.find(MARK)? + MARK.len_utf8();
    let len = serde_error[start..].find(MARK)?;
    Some(&serde_error[start..start + len])
}

/// The same rule for a form value (pages build the request structs themselves).
pub fn parse_form<T>(
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    message: &'static str,
) -> Result<T, AppError> {
    parse(value).ok_or_else(|| AppError::field(field, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sourcing::ShippingMode;

    #[derive(Debug, Deserialize)]
    struct Req {
        #[serde(default, deserialize_with = "mode")]
        mode: Option<ShippingMode>,
    }

    fn mode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ShippingMode>, D::Error> {
        optional_name(
            d,
            ShippingMode::parse,
            "应为 … / Use drive, road, express or air",
        )
    }

    #[test]
    fn a_bad_name_carries_the_fields_message() {
        let ok: Req = serde_json::from_str(r#"{"mode": "air"}"#).unwrap();
        assert_eq!(ok.mode, Some(ShippingMode::Air));
        let none: Req = serde_json::from_str(r#"{"mode": null}"#).unwrap();
        assert_eq!(none.mode, None);
        let absent: Req = serde_json::from_str("{}").unwrap();
        assert_eq!(absent.mode, None);
        let err = serde_json::from_str::<Req>(r#"{"mode": "boat"}"#).unwrap_err();
        assert!(err.is_data());
        assert_eq!(
            field_message(&err.to_string()),
            Some("应为 … / Use drive, road, express or air")
        );
        let other = serde_json::from_str::<Req>(r#"{"mode": 3}"#).unwrap_err();
        assert_eq!(field_message(&other.to_string()), None);
    }
}
