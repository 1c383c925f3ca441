//! The OpenAPI document and the router come from one route table: every documented operation is
//! routed, every route of `src/api` is documented, and the operations stay as they were.

use serde_json::Value;

use crate::helpers::{Backend, TestApp};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub(crate) async fn served_document(app: &TestApp) -> Value {
    let res = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.json().await.unwrap()
}

/// `(method, path)` of every operation in the document.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item[method].is_object() {
                ops.push((method.to_owned(), path.clone()));
            }
        }
    }
    ops.sort();
    ops
}

/// `(method, path)` of every actix route macro (`#[get("/…")]` …) in `src/api`, under `/api/v1`.
fn routes_in_source() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut routes = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().map(str::trim) {
            for method in METHODS {
                let Some(rest) = line.strip_prefix(&format!("#[{method}(\"")) else {
                    continue;
                };
                let route = rest.split('"').next().unwrap();
                routes.push((method.to_owned(), format!("/api/v1{route}")));
            }
            // Routes added by hand would bypass the table (and the document).
            assert!(
                !line.contains(".route(") && !line.contains("web::resource("),
                "{}: a route outside the table: {line}",
                path.display()
            );
        }
    }
    routes.sort();
    routes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_route_is_documented_and_every_operation_routed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = served_document(&app).await;
    let documented = operations(&doc);
    assert_eq!(documented, routes_in_source(), "document and router differ");
    for (method, path) in &documented {
        // Path parameters filled in; no token: a routed operation answers 401, an unrouted 404.
        let url: String = path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let res = app
            .client
            .request(method.clone(), app.url(&url))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 401, "{method} {url} is routed");
    }
    // And the default answer of the scope is still a JSON 404 for what is not in the table.
    let res = app
        .client
        .get(app.url("/api/v1/no-such-endpoint"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
}

/// One line per operation: what a client relies on (id, tags, security, parameters, body,
/// answers). A change here is a change of the API.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn operations_stay_as_documented() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = served_document(&app).await;
    let mut lines = Vec::new();
    for (method, path) in operations(&doc) {
        let op = &doc["paths"][&path][&method];
        let params = op["parameters"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| {
                        format!(
                            "{}:{}",
                            p["in"].as_str().unwrap(),
                            p["name"].as_str().unwrap()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default();
        let body = op["requestBody"]["content"]
            .as_object()
            .map(|c| {
                c.iter()
                    .map(|(media, v)| {
                        let schema = v["schema"]["$ref"].as_str().unwrap_or("inline");
                        format!(
                            "{media}={}",
                            schema.trim_start_matches("#/components/schemas/")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default();
        let answers = op["responses"]
            .as_object()
            .map(|r| r.keys().cloned().collect::<Vec<_>>().join(","))
            .unwrap_or_default();
        let security = op["security"]
            .as_array()
            .map(|s| {
                s.iter()
                    .flat_map(|o| o.as_object().unwrap().keys().cloned())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default();
        let tags = op["tags"]
            .as_array()
            .map(|t| {
                t.iter()
                    .map(|t| t.as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default();
        lines.push(format!(
            "{} {path} id={} tags={tags} security={security} params=[{params}] body=[{body}] answers=[{answers}]",
            method.to_uppercase(),
            op["operationId"].as_str().unwrap_or("?"),
        ));
    }
    insta::assert_snapshot!(lines.join("\n"));
}

/// A path the API has, asked with a method it has no operation for, is `405 method_not_allowed`
/// naming the methods it has in `Allow`; a path it does not have stays `404`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("hz.agent");
    let id = "01930000-0000-7000-8000-000000000000";
    for (method, path, allow) in [
        ("TRACE", "/api/v1/tickets".to_owned(), "GET, POST"),
        ("PATCH", format!("/api/v1/tickets/{id}"), "GET"),
        ("DELETE", format!("/api/v1/tickets/{id}/plan"), "GET, PUT"),
    ] {
        let res = app
            .client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                app.url(&path),
            )
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 405, "{method} {path}");
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "method_not_allowed", "{body}");
        assert!(body["message"].as_str().unwrap().contains(method), "{body}");
    }
    let res = app
        .client
        .request(reqwest::Method::PATCH, app.url("/api/v1/no-such-endpoint"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
}

/// What the extractors answer before any handler runs is in every operation's list: 401 where a
/// token is needed, 400 where a parameter or a body is read, 404 where the path names a thing,
/// and each such answer has the error body.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_operation_lists_the_answers_its_extractors_give() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = served_document(&app).await;
    for (method, path) in operations(&doc) {
        let op = &doc["paths"][&path][&method];
        let answers = op["responses"].as_object().unwrap();
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        assert!(answers.contains_key("401"), "{method} {path}: no 401");
        if !params.is_empty() || op["requestBody"].is_object() {
            assert!(answers.contains_key("400"), "{method} {path}: no 400");
        }
        if params.iter().any(|p| p["in"] == "path") {
            assert!(answers.contains_key("404"), "{method} {path}: no 404");
        }
    }
    let unauthenticated = &doc["components"]["responses"]["Unauthenticated"];
    assert_eq!(
        unauthenticated["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorBody"
    );
}

/// A page or page size out of range is refused naming the parameter (as the ticket list does),
/// not moved into range: the document's limits are the code's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn paging_out_of_range_is_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("hz.manager");
    for (query, field) in [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
    ] {
        for path in ["/api/v1/follow-ups", "/api/v1/complaints"] {
            let (status, body) = app.get_json(&token, &format!("{path}?{query}")).await;
            assert_eq!(status, 400, "{path}?{query}: {body}");
            assert!(body["fields"][field].is_string(), "{path}?{query}: {body}");
        }
    }
    let (status, _) = app
        .get_json(&token, "/api/v1/follow-ups?per_page=100")
        .await;
    assert_eq!(status, 200);
}

/// An integer sent as a whole float (`56000.0`, as JSON Schema and many encoders have it) is
/// that integer; a fraction is still refused naming the field.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_whole_float_is_an_integer() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("hz.agent");
    let mut body = crate::helpers::intake_body();
    body["mileage_km"] = serde_json::json!(56000.0);
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["mileage_km"], 56000, "{created}");
    body["mileage_km"] = serde_json::json!(56000.5);
    let res = app.post_ticket(&token, &body).await;
    assert_eq!(res.status().as_u16(), 400);
    let refused: Value = res.json().await.unwrap();
    assert!(refused["fields"]["mileage_km"].is_string(), "{refused}");
}
