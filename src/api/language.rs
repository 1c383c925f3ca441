//! The client's language: `Accept-Language` picks Chinese or English, for error bodies and for
//! the texts the system stored that a view carries.

use std::future::{ready, Ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, HttpResponse};

use crate::error::AppError;
use crate::i18n::Locale;

fn locale_of(headers: &HeaderMap) -> Locale {
    Locale::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// The language the client reads (Chinese unless `Accept-Language` prefers English): a handler
/// answering with a view that carries stored system texts draws them in it
/// (`services::views::Localise`).
pub struct Reader(pub Locale);

impl FromRequest for Reader {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Reader(locale_of(req.headers()))))
    }
}

/// An error answered as JSON carries its [`AppError`]; when the client asked for English the
/// body is drawn again in English (Chinese is what `error_response` already wrote).
pub async fn localise_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let locale = locale_of(req.headers());
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
