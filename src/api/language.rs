//! Error bodies in the client's language: `Accept-Language` picks Chinese or English.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::HttpResponse;

use crate::error::AppError;
use crate::i18n::Locale;

/// An error answered as JSON carries its [`AppError`]; when the client asked for English the
/// body is drawn again in English (Chinese is what `error_response` already wrote).
pub async fn localise_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let locale = Locale::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let res = next.call(req).await?;
    if locale == Locale::ZhCn {
        return Ok(res.map_into_boxed_body());
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let error = res.response().extensions().get::<AppError>().cloned();
    match error {
        Some(e) if is_json => {
            let mut again = HttpResponse::build(res.status());
            for (name, value) in res.headers() {
                if name != header::CONTENT_LENGTH && name != header::CONTENT_TYPE {
                    again.append_header((name.clone(), value.clone()));
                }
            }
            let again = again.json(e.body_in(locale));
            Ok(res.into_response(again).map_into_boxed_body())
        }
        _ => Ok(res.map_into_boxed_body()),
    }
}
