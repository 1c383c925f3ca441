//! Standard rescue plans (标准救援方案) over the API: the director defines them, the workshop lead applies one to a ticket.

use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;

use super::body::Json;
use super::params::{PathId, Query};
use crate::auth::ApiUser;
use crate::domain::ids::{StandardPlanId, TicketId};
use crate::domain::role::Action;
use crate::error::{AppError, ErrorBody};
use crate::services::standard_plans::{
    self, Applied, ApplyRequest, StandardPlanRequest, StandardPlanView,
};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only those a lead may apply now.
    #[serde(default)]
    pub active: bool,
}

/// The dealer's standard plans, active first (agent, workshop lead, service manager, director).
#[utoipa::path(tag = "rescue", security(("bearer" = [])), params(ListQuery),
    responses(
        (status = 200, body = Vec<StandardPlanView>),
        (status = 403, body = ErrorBody),
    ))]
#[get("/standard-plans")]
pub async fn list_standard_plans(
    state: web::Data<AppState>,
    user: ApiUser,
    q: Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let list = standard_plans::list(&state.db, &user.0, q.into_inner().active).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Standard plan id")),
    responses(
        (status = 200, body = StandardPlanView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
#[get("/standard-plans/{id}")]
pub async fn get_standard_plan(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<StandardPlanId>,
) -> Result<HttpResponse, AppError> {
    let plan = standard_plans::get(&state.db, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(plan))
}

/// Define a standard plan (service director). Saving it is the director's standing approval
/// for every plan made from it within its price ceiling.
#[utoipa::path(tag = "rescue", security(("bearer" = [])), request_body = StandardPlanRequest,
    responses(
        (status = 201, body = StandardPlanView),
        (status = 400, description = "validation_failed: the fields named", body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
#[post("/standard-plans")]
pub async fn create_standard_plan(
    state: web::Data<AppState>,
    user: ApiUser,
    body: Result<Json<StandardPlanRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    user.0.require(Action::ManageStandardPlans)?;
    let Json(req) = body?;
    let plan = standard_plans::create(&state.db, &user.0, req).await?;
    Ok(HttpResponse::Created().json(plan))
}

/// Change a standard plan (service director): a new version, now with this director's standing
/// approval. Give `version` to refuse the change when someone saved it meanwhile
/// (`409 stale_state`).
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Standard plan id")),
    request_body = StandardPlanRequest,
    responses(
        (status = 200, body = StandardPlanView),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "stale_state", body = ErrorBody),
    ))]
#[put("/standard-plans/{id}")]
pub async fn update_standard_plan(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<StandardPlanId>,
    body: Result<Json<StandardPlanRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    user.0.require(Action::ManageStandardPlans)?;
    let Json(req) = body?;
    let plan = standard_plans::update(&state.db, &user.0, id.into_inner(), req).await?;
    Ok(HttpResponse::Ok().json(plan))
}

/// Apply a standard plan to the ticket (workshop lead) with the crew picked: the plan is made and
/// submitted at once. `path` says where it went: `standing` (within the ceiling: it waits only for
/// the customer's consent, then the crew is dispatched) or `normal_chain` (over the ceiling: the
/// service manager reviews it as any other).
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Ticket id")), request_body = ApplyRequest,
    responses(
        (status = 200, body = Applied),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "invalid_transition, location_pending or stale_state", body = ErrorBody),
    ))]
#[post("/tickets/{id}/standard-plan")]
pub async fn apply_standard_plan(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<Json<ApplyRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    user.0.require(Action::ViewStandardPlans)?;
    let Json(req) = body?;
    let applied = standard_plans::apply(
        &state.db,
        &state.notifier,
        &user.0,
        id.into_inner(),
        req,
        &state.settings.pricing,
        state.settings.eta.model(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(applied))
}
