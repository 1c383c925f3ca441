//! Request fields that name one of a fixed set (a decision, a shipping mode): read into the
//! enum while the body is parsed, so a bad name is a `validation_failed` error on that field,
//! with the field's own message, before any service runs.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};

use crate::error::AppError;
use crate::i18n::serde_key::{error as invalid, error_with_value as invalid_value};
use crate::i18n::Msg;

/// Every key a name field may name: a serde error is text, and a catalogue message needs its key
/// as a `&'static str`, so the key read back from the error is looked up here.
const FIELD_KEYS: [&str; 14] = [
    UNKNOWN_STATUS_MESSAGE,
    RFC3339_MESSAGE,
    crate::domain::intake::CALL_TIME_MESSAGE,
    crate::domain::intake::CRS_MESSAGE,
    crate::services::outbox::STATUS_MESSAGE,
    crate::services::outbox::CHANNEL_MESSAGE,
    crate::services::promises::REASON_MESSAGE,
    crate::services::sourcing_orders::KIND_MESSAGE,
    crate::services::standard_plans::KIND_MESSAGE,
    crate::services::sourcing_orders::MODE_MESSAGE,
    crate::services::sourcing_orders::DESTINATION_MESSAGE,
    crate::services::approvals::REVIEW_DECISION_MESSAGE,
    crate::services::approvals::ON_DECLINE_MESSAGE,
    crate::services::approvals::DIRECTOR_DECISION_MESSAGE,
];

/// A status filter's message: names the status given.
pub const UNKNOWN_STATUS_MESSAGE: &str = "svc-filter-unknown-status";

/// A required name: `parse` decides, `message` (a catalogue key) is the field's error.
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

/// An optional name whose message (a catalogue key) names what was given as `$value`: absent,
/// `null` or blank is `None`.
pub fn optional_name_for<'de, D, T>(
    d: D,
    parse: fn(&str) -> Option<T>,
    message: &'static str,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
{
    match given(d)? {
        None => Ok(None),
        Some(text) => parse(&text)
            .map(Some)
            .ok_or_else(|| invalid_value(message, &text)),
    }
}

/// An optional text field, trimmed: absent, `null` or blank is `None`.
fn given<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty()))
}

/// A time field's message: the API takes RFC 3339 (`2026-11-22T09:30:00+08:00`).
const RFC3339_MESSAGE: &str = "svc-time-rfc3339";

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
            .ok_or_else(|| AppError::field(field, Msg::new(RFC3339_MESSAGE))),
    }
}

/// The field's own message, when a serde error came from [`name`] or [`optional_name`].
pub fn field_message(serde_error: &str) -> Option<Msg> {
    let (key, value) = crate::i18n::serde_key::read(serde_error)?;
    let key = FIELD_KEYS.into_iter().find(|k| *k == key)?;
    Some(match value {
        Some(value) => Msg::with(key, &[("value", value.into())]),
        None => Msg::new(key),
    })
}

/// The same rule for a form value (pages build the request structs themselves).
pub fn parse_form<T>(
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    message: &'static str,
) -> Result<T, AppError> {
    parse(value).ok_or_else(|| AppError::field(field, Msg::new(message)))
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
            crate::services::sourcing_orders::MODE_MESSAGE,
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
            Some(Msg::new("svc-shipping-mode-invalid"))
        );
        let other = serde_json::from_str::<Req>(r#"{"mode": 3}"#).unwrap_err();
        assert_eq!(field_message(&other.to_string()), None);
    }
}
