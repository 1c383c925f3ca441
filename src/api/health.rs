//! Liveness, readiness and "who am I".

use actix_web::{get, web, HttpResponse};
use serde::Serialize;

use crate::auth::ApiUser;
use crate::state::AppState;

/// Alive: the process answers HTTP.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// Ready: the database answers a query.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match crate::services::health::database_ready(&state.db).await {
        Ok(()) => {
            HttpResponse::Ok().json(serde_json::json!({ "status": "ready", "database": "ok" }))
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness probe failed");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({ "status": "unavailable", "database": e.code.as_str() }))
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    login: String,
    name: String,
    dealer_id: String,
    dealer_name: String,
    roles: Vec<String>,
}

/// The signed-in user behind the token.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
#[get("/me")]
pub async fn me(user: ApiUser) -> HttpResponse {
    let i = user.0;
    HttpResponse::Ok().json(Me {
        login: i.login,
        name: i.name,
        dealer_id: i.dealer_id.into(),
        dealer_name: i.dealer_name,
        roles: i.roles.iter().map(|r| r.as_str().to_owned()).collect(),
    })
}
