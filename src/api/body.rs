//! The JSON body of an API request: read within the body limit and parsed with our error codes
//! (actix's own `Json` answers in plain text), one extractor instead of the same lines in each handler.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{AppError, ErrorCode};
use crate::i18n::Msg;
use crate::state::AppState;

/// A JSON body, required. Handlers that must refuse a caller (token, role, link) before they say
/// anything about the body take it as `Result<Json<T>, AppError>` and apply `?` after that check:
/// extractors run side by side, and a bad body must not answer before a bad token.
pub struct Json<T>(pub T);

/// A JSON body whose fields are all optional: an empty (or blank) body is `T::default()`.
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let read = read_request_body(req, payload);
        Box::pin(async move { parse_json(&read.await?).map(Json) })
    }
}

impl<T: DeserializeOwned + Default + 'static> FromRequest for OptionalJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let read = read_request_body(req, payload);
        Box::pin(async move {
            let bytes = read.await?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(OptionalJson(T::default()));
            }
            parse_json(&bytes).map(OptionalJson)
        })
    }
}

/// The body up to `server.body_limit_kb`.
fn read_request_body(
    req: &HttpRequest,
    payload: &mut Payload,
) -> impl std::future::Future<Output = Result<web::Bytes, AppError>> + 'static {
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.settings.server.body_limit_kb * 1024);
    // Takes the payload now; the future only hands it over.
    let payload = web::Payload::from_request(req, payload);
    async move {
        let limit = limit.ok_or_else(|| AppError::internal("AppState missing"))?;
        let payload = payload
            .await
            .map_err(|e| AppError::internal(format!("payload: {e}")))?;
        read_body(payload, limit).await
    }
}

/// Reads a request body up to `limit` bytes, with our error codes (actix's own are plain text).
pub async fn read_body(payload: web::Payload, limit: usize) -> Result<web::Bytes, AppError> {
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(AppError::msg(
            ErrorCode::InvalidJson,
            "svc-body-unreadable",
            &[("detail", e.to_string().into())],
        )),
        Err(_) => Err(AppError::msg(
            ErrorCode::PayloadTooLarge,
            "svc-body-too-large",
            &[("max_kib", (limit / 1024).into())],
        )),
    }
}

/// Reads a JSON body, naming the exact path of a value of the wrong type.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    if body.is_empty() {
        return Err(AppError::msg(ErrorCode::InvalidJson, "svc-body-empty", &[]));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    let first = serde_path_to_error::deserialize(de);
    // JSON has one number type: `17795.0` is the integer 17795 to JSON Schema and to most
    // clients' encoders. Read straight from the bytes first (duplicate keys stay refused); only a
    // float where an integer is wanted is read again with whole floats made integers.
    let result = match first {
        Err(e)
            if e.inner()
                .to_string()
                .starts_with("invalid type: floating point") =>
        {
            match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(mut value) => {
                    whole_floats_to_integers(&mut value);
                    serde_path_to_error::deserialize(value).or(Err(e))
                }
                Err(_) => Err(e),
            }
        }
        other => other,
    };
    result.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() && path != "." {
            wrong_value(&path, &inner)
        } else {
            AppError::msg(
                ErrorCode::InvalidJson,
                "svc-body-malformed-json",
                &[("detail", inner.to_string().into())],
            )
        }
    })
}

/// Every float without a fraction, within the range of `i64`, becomes that integer.
fn whole_floats_to_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // 2^63 is exactly representable; anything from it up does not fit.
            if f.fract() == 0.0
                && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_floats_to_integers),
        Value::Object(map) => map.values_mut().for_each(whole_floats_to_integers),
        _ => {}
    }
}

/// A value of the wrong type at `path` (a body field or a query parameter); a field that refuses
/// a value with its own message (`services::request`) keeps that message.
pub(super) fn wrong_value(path: &str, inner: &dyn std::fmt::Display) -> AppError {
    let text = inner.to_string();
    let message = crate::services::request::field_message(&text)
        .unwrap_or_else(|| Msg::with("svc-body-wrong-type", &[("detail", text.clone().into())]));
    AppError::field(path, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Body {
        km: i64,
        n: Option<u32>,
        lat: f64,
    }

    #[test]
    fn a_whole_float_reads_as_an_integer_and_a_fraction_does_not() {
        let b: Body = parse_json(br#"{"km": 17795.0, "n": 3.0, "lat": 30.0}"#).unwrap();
        assert_eq!((b.km, b.n, b.lat), (17795, Some(3), 30.0));
        let e = parse_json::<Body>(br#"{"km": 17795.5, "lat": 1}"#).unwrap_err();
        assert!(e.fields.contains_key("km"), "{e:?}");
        let e = parse_json::<Body>(br#"{"km": 1e300, "lat": 1}"#).unwrap_err();
        assert!(e.fields.contains_key("km"), "{e:?}");
        let e = parse_json::<Body>(br#"{"km": 1, "km": 2.0, "lat": 1}"#).unwrap_err();
        assert!(format!("{e:?}").contains("duplicate"), "{e:?}");
    }
}
