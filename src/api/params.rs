//! Typed path and query parameters: a malformed id or a bad query value is a `validation_failed`
//! error naming the parameter, from the extractor, before any service runs (actix's own
//! `Path` / `Query` errors name no field).

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::domain::ids;
use crate::error::{AppError, Thing};
use crate::i18n::Msg;

/// A route's one id segment (`/tickets/{id}/…`), checked for the shape of its id type.
pub struct PathId<T>(pub T);

impl<T> PathId<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: ids::Id + 'static> FromRequest for PathId<T> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let segment = req.match_info().iter().next();
        ready(match segment {
            Some((_, value)) if T::parse(value).is_some() => {
                Ok(PathId(T::parse(value).expect("checked")))
            }
            Some((name, _)) => Err(AppError::field(name, Msg::new("request-id-malformed"))),
            None => Err(AppError::internal("PathId on a route without a parameter")),
        })
    }
}

/// A page's id segment (or an id a link carries) as its type. A page answers a malformed id with
/// the same `404` as an id that names nothing: to a browser both are a page that is not there
/// (the API answers `400` naming the segment, [`PathId`]).
pub fn page_id<T: ids::Id>(segment: &str, thing: Thing) -> Result<T, AppError> {
    T::parse(segment).ok_or_else(|| AppError::not_found(thing))
}

/// The query string, read with the field's path on error (`serde_path_to_error`); a value a
/// field refuses with its own message (`services::request`) keeps that message.
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Query<T> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(Query))
    }
}

/// Reads a query string into `T`, naming the parameter whose value is wrong.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path.is_empty() || path == "." {
            super::bad_query(inner)
        } else {
            super::body::wrong_value(&path, &inner)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket::TicketStatus;

    #[derive(Debug, serde::Deserialize)]
    struct Q {
        status: Option<TicketStatus>,
        page: Option<i64>,
    }

    #[test]
    fn a_bad_query_value_names_its_parameter() {
        let q: Q = parse_query("status=on_site&page=2").unwrap();
        assert_eq!((q.status, q.page), (Some(TicketStatus::OnSite), Some(2)));
        let e = parse_query::<Q>("status=done").unwrap_err();
        assert!(e.fields.contains_key("status"), "{e:?}");
        let e = parse_query::<Q>("page=abc").unwrap_err();
        assert!(e.fields.contains_key("page"), "{e:?}");
    }
}
