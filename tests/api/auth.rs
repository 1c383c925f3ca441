//! Sign-in and roles on the API: 401 without a valid token, 403 for the wrong role, dealer isolation.

use serde_json::Value;

use crate::both;
use crate::helpers::{intake_body, Backend, TestApp, KNOWN_PLATE};

both!(health_and_readiness, health_body);
async fn health_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers().get("x-request-id").is_some(),
        "every response names its request id"
    );
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

both!(unauthenticated_calls_get_401, unauthenticated_body);
async fn unauthenticated_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app
        .client
        .post(app.url("/api/v1/tickets"))
        .json(&intake_body())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"], "unauthenticated");
    assert_eq!(
        err["message"], "请先登录",
        "Chinese unless English is asked for"
    );
    let err: Value = app
        .client
        .post(app.url("/api/v1/tickets"))
        .header("accept-language", "en")
        .json(&intake_body())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(err["message"]
        .as_str()
        .unwrap()
        .starts_with("Sign-in required"));

    for path in [
        "/api/v1/tickets",
        "/api/v1/me",
        &format!("/api/v1/vehicles/{KNOWN_PLATE}/history"),
    ] {
        let (status, err) = app.get_json("rdk_not-a-real-token", path).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(err["error"], "unauthenticated");
    }
    // A session cookie is not an API credential.
    let res = app
        .client
        .get(app.url("/api/v1/tickets"))
        .header("cookie", "rd_session=abc")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(app.count("tickets"), 0);
}

both!(roles_are_checked_on_the_server, roles_body);
async fn roles_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for login in ["hz.tech", "hz.workshop", "hz.director", "hz.parts"] {
        let res = app.post_ticket(&app.token(login), &intake_body()).await;
        assert_eq!(res.status().as_u16(), 403, "{login}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"], "forbidden");
        assert_eq!(
            err["message"], "您的角色无权执行此操作：创建救援单",
            "{login}"
        );
        assert_eq!(err["params"]["action"], "create_ticket", "{login}");
    }
    // The same refusal in English names the action in English.
    let err: Value = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(app.token("hz.tech"))
        .header("Accept-Language", "en")
        .json(&intake_body())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(err["message"], "Your role may not create rescue tickets");
    // Even an invalid body gets 403, not a validation hint.
    let res = app
        .post_ticket(&app.token("hz.tech"), &serde_json::json!({}))
        .await;
    assert_eq!(res.status().as_u16(), 403);
    for login in ["hz.agent", "hz.manager", "hz.admin"] {
        let res = app.post_ticket(&app.token(login), &intake_body()).await;
        assert_eq!(res.status().as_u16(), 201, "{login}");
    }
    let (status, _) = app
        .get_json(
            &app.token("hz.tech"),
            &format!("/api/v1/vehicles/{KNOWN_PLATE}/history"),
        )
        .await;
    assert_eq!(status, 403, "technicians do not browse customer history");
    let (status, list) = app.get_json(&app.token("hz.tech"), "/api/v1/tickets").await;
    assert_eq!(status, 200, "technicians see their dealer's tickets");
    assert_eq!(list["total"], 3);
    assert_eq!(app.count("tickets"), 3);
}

both!(dealers_see_only_their_own_tickets, isolation_body);
async fn isolation_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let hz = app.token("hz.agent");
    let nb = app.token("nb.agent");
    let t: Value = app
        .post_ticket(&hz, &intake_body())
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_str().unwrap();
    let (status, err) = app.get_json(&nb, &format!("/api/v1/tickets/{id}")).await;
    assert_eq!(status, 404, "another dealer's ticket is not revealed");
    assert_eq!(err["error"], "not_found");
    let (_, list) = app.get_json(&nb, "/api/v1/tickets").await;
    assert_eq!(list["total"], 0);
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let (_, list) = app.get_json(&hz, "/api/v1/tickets").await;
    assert_eq!(list["total"], 1);
    // Sister dealers share the group's vehicle files.
    let (status, _) = app
        .get_json(&nb, &format!("/api/v1/vehicles/{KNOWN_PLATE}/history"))
        .await;
    assert_eq!(status, 200);
    let (status, me) = app.get_json(&nb, "/api/v1/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["login"], "nb.agent");
    assert_eq!(me["dealer_id"], app.nb_dealer.as_str());
    assert_eq!(me["roles"], serde_json::json!(["call_agent"]));
}

both!(openapi_document_and_docs_page, openapi_body);
async fn openapi_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/tickets",
        "/api/v1/tickets/{id}",
        "/api/v1/vehicles/{plate}/history",
        "/api/v1/tickets/{id}/sourcing",
        "/api/v1/tickets/{id}/sourcing-orders",
        "/api/v1/sourcing-orders/{id}/review",
        "/api/v1/sourcing-orders/{id}/receive",
        "/api/v1/parts-desk/queue",
        "/api/v1/parts-desk/outgoing",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    for schema in [
        "IntakeRequest",
        "ProposeRequest",
        "PartReviewRequest",
        "ReviewRequest",
        "OrderRecord",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} in the document"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Swagger UI is vendored into the binary: it must not point at a CDN.
    let res = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("swagger-ui") && !html.contains("unpkg.com") && !html.contains("cdn."),
        "{html}"
    );
    let res = app
        .client
        .get(app.url("/api/docs/swagger-ui-bundle.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
}
