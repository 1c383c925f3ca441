//! The answers every operation shares, added to the document once it is collected, and the
//! `405` the scope gives a known path asked with a method it has no operation for.
//!
//! The extractors and middleware answer these before any handler runs (`ApiUser`: 401;
//! `PathId` / `Query` / `Json`: 400; `json_bodies_only`: 415; a role check: 403), so each
//! handler's own list says only what its use case adds, and no operation can forget one.

use actix_web::http::{header, Method};
use actix_web::{HttpRequest, HttpResponse};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

use crate::error::{AppError, ErrorCode, Thing};

/// Shared answers: (status, name in `components.responses`, description).
const SHARED: [(&str, &str, &str); 6] = [
    ("400", "BadRequest", "validation_failed (per-field messages in `fields`) or invalid_json: a path id, query parameter or body that does not read"),
    ("401", "Unauthenticated", "unauthenticated: no valid `Authorization: Bearer` token"),
    ("403", "Forbidden", "forbidden: the caller's role may not do this, or the thing is another dealer's"),
    ("404", "NotFound", "not_found: no such thing (or not the caller's dealer's)"),
    ("409", "Conflict", "The thing is not in a state that allows this (invalid_transition, stale_state, …)"),
    ("415", "UnsupportedMediaType", "unsupported_media_type: the body is not JSON (CSV for imports)"),
];

/// Adds to every operation the shared answers that apply to it, where its own list has none
/// for that status: 401 and 403 where a token is required (not `GET /me`, which any signed-in
/// user may read), 400 where a parameter or a body is read, 404 where the path names a thing,
/// 409 where a request changes a named thing, 415 where a body is read.
pub fn complete(mut doc: OpenApi) -> OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    for (_, name, description) in SHARED {
        let body = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build();
        components.responses.insert(
            name.to_owned(),
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", body)
                    .build(),
            ),
        );
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in operations_mut(item) {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let params = op.parameters.as_deref().unwrap_or_default();
            let in_path = params
                .iter()
                .any(|p| matches!(p.parameter_in, ParameterIn::Path));
            let has_body = op.request_body.is_some();
            let mutating = method != Method::GET;
            let wanted = [
                ("400", !params.is_empty() || has_body),
                ("401", secured),
                ("403", secured && path != "/api/v1/me"),
                ("404", in_path),
                ("409", in_path && mutating),
                ("415", has_body),
            ];
            for (status, applies) in wanted {
                if !applies || op.responses.responses.contains_key(status) {
                    continue;
                }
                let name = SHARED.iter().find(|s| s.0 == status).expect("shared").1;
                op.responses
                    .responses
                    .insert(status.to_owned(), RefOr::Ref(Ref::from_response_name(name)));
            }
        }
    }
    with_today(with_error_bodies(doc), crate::services::holidays::today())
}

/// A handler's own body for a 4xx (the import's `ImportRejected`) is not the only one that
/// status can carry: the extractors answer with [`crate::error::ErrorBody`] before it runs (a
/// query that does not read is a `400` without a report). Such answers are `anyOf` the two.
fn with_error_bodies(mut doc: OpenApi) -> OpenApi {
    let error_body = Ref::from_schema_name("ErrorBody");
    for item in doc.paths.paths.values_mut() {
        for (_, op) in operations_mut(item) {
            for (status, response) in op.responses.responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                if !status.starts_with('4') {
                    continue;
                }
                let Some(content) = response.content.get_mut("application/json") else {
                    continue;
                };
                let Some(RefOr::Ref(own)) = content.schema.as_ref() else {
                    continue;
                };
                if own.ref_location == error_body.ref_location {
                    continue;
                }
                let any = utoipa::openapi::schema::AnyOfBuilder::new()
                    .item(own.clone())
                    .item(error_body.clone())
                    .build();
                content.schema = Some(RefOr::T(utoipa::openapi::Schema::AnyOf(any)));
            }
        }
    }
    doc
}

/// Free text the services read as `NonEmptyText` (trimmed, not blank, no control or bidi
/// characters, at most so many characters): (schema, property, multi-line, most characters).
const TEXT_FIELDS: [(&str, &str, bool, usize); 3] = [
    (
        "StepRequest",
        "note",
        true,
        crate::domain::follow_up::MAX_NOTE_CHARS,
    ),
    (
        "CloseRequest",
        "note",
        true,
        crate::domain::follow_up::MAX_NOTE_CHARS,
    ),
    (
        "VehicleRequest",
        "base",
        false,
        crate::domain::fleet::MAX_BASE_CHARS,
    ),
];

/// `NonEmptyText` as a pattern: characters it refuses nowhere, and one it does not trim away
/// (whitespace and the invisible characters of `domain::text`).
fn text_pattern(multi_line: bool) -> String {
    let refused = if multi_line {
        r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
    } else {
        r"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    };
    let trimmed = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u200b-\u200d\u2060-\u2064\ufeff\u00ad\u180e\u034f";
    format!("^[^{refused}]*[^{refused}{trimmed}][^{refused}]*$")
}

/// Limits that depend on the day the server started: the holiday calendar's years (two either
/// side of this one) and rota dates (within two years of today: a date of last, this or next
/// year always is). A server running over New Year keeps last year's limits until restarted.
fn with_today(doc: OpenApi, today: chrono::NaiveDate) -> OpenApi {
    use chrono::Datelike;
    use serde_json::{json, Value};
    let mut v = serde_json::to_value(&doc).expect("the document is JSON");
    let year = today.year();
    let rota_date = format!(
        "^({}|{}|{})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$",
        year - 1,
        year,
        year + 1
    );
    let set = |v: &mut Value, pointer: &str, limits: Value| {
        if let (Some(Value::Object(schema)), Value::Object(limits)) =
            (v.pointer_mut(pointer), limits)
        {
            schema.extend(limits);
        }
    };
    let param = |v: &Value, path: &str, method: &str, name: &str| -> Option<String> {
        let params = v["paths"][path][method]["parameters"].as_array()?;
        let i = params.iter().position(|p| p["name"] == name)?;
        Some(format!(
            "/paths/{}/{method}/parameters/{i}/schema",
            path.replace('~', "~0").replace('/', "~1")
        ))
    };
    if let Some(p) = param(&v, "/api/v1/holidays", "get", "year") {
        set(
            &mut v,
            &p,
            json!({"minimum": year - 2, "maximum": year + 2}),
        );
    }
    for (path, method, name) in [
        ("/api/v1/rota/holidays/{date}", "put", "date"),
        ("/api/v1/rota/holidays/{date}", "delete", "date"),
        ("/api/v1/rota/shifts", "delete", "date"),
    ] {
        if let Some(p) = param(&v, path, method, name) {
            set(&mut v, &p, json!({ "pattern": rota_date }));
        }
    }
    set(
        &mut v,
        "/components/schemas/SetShiftRequest/properties/date",
        json!({ "pattern": rota_date }),
    );
    for (schema, property, multi_line, max) in TEXT_FIELDS {
        set(
            &mut v,
            &format!("/components/schemas/{schema}/properties/{property}"),
            json!({"pattern": text_pattern(multi_line), "maxLength": max}),
        );
    }
    serde_json::from_value(v).expect("the document reads back")
}

fn operations_mut(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = (Method, &mut Operation)> {
    [
        (Method::GET, item.get.as_mut()),
        (Method::PUT, item.put.as_mut()),
        (Method::POST, item.post.as_mut()),
        (Method::DELETE, item.delete.as_mut()),
        (Method::PATCH, item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
}

/// The document's paths and the methods each has: what the scope's default answer consults.
pub struct Routes(Vec<(actix_web::dev::ResourceDef, Vec<Method>)>);

impl Routes {
    pub fn of(doc: &OpenApi) -> Routes {
        let mut routes = Vec::new();
        for (path, item) in doc.paths.paths.iter() {
            let mut item = item.clone();
            let methods: Vec<Method> = operations_mut(&mut item).map(|(m, _)| m).collect();
            routes.push((actix_web::dev::ResourceDef::new(path.as_str()), methods));
        }
        Routes(routes)
    }

    /// The methods a known path has, `None` for a path the API does not have.
    fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let mut found: Option<Vec<Method>> = None;
        for (def, methods) in &self.0 {
            if def.is_match(path) {
                found
                    .get_or_insert_with(Vec::new)
                    .extend(methods.iter().cloned());
            }
        }
        found
    }
}

/// The scope's default service: a path the API has, with a method it has no operation for, is
/// `405 method_not_allowed` with `Allow`; anything else `404 not_found`.
pub async fn no_route(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let allowed = req
        .app_data::<actix_web::web::Data<Routes>>()
        .and_then(|r| r.allowed(req.path()));
    let Some(mut allowed) = allowed else {
        return Err(AppError::not_found(Thing::Endpoint));
    };
    allowed.sort_by_key(|m| m.to_string());
    allowed.dedup();
    let list = allowed
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let err = AppError::msg(
        ErrorCode::MethodNotAllowed,
        "svc-method-not-allowed",
        &[
            ("method", req.method().as_str().into()),
            ("allowed", list.clone().into()),
        ],
    );
    let mut res = actix_web::ResponseError::error_response(&err);
    res.headers_mut().insert(
        header::ALLOW,
        header::HeaderValue::from_str(&list).expect("method names are ASCII"),
    );
    Ok(res)
}
