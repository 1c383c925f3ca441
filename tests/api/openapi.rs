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
