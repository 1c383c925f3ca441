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
    serde_path_to_error::deserialize(de).map_err(|e| {
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

/// A value of the wrong type at `path` (a body field or a query parameter); a field that refuses
/// a value with its own message (`services::request`) keeps that message.
pub(super) fn wrong_value(path: &str, inner: &dyn std::fmt::Display) -> AppError {
    let text = inner.to_string();
    let message = crate::services::request::field_message(&text)
        .unwrap_or_else(|| Msg::with("svc-body-wrong-type", &[("detail", text.clone().into())]));
    AppError::field(path, message)
}
