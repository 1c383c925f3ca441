//! The rescue itself over the API: plan, approval chain, parts issue, the crew's steps and the timeline.

use actix_web::{get, post, put, web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::body::{Json, OptionalJson};
use super::params::PathId;
use crate::auth::ApiUser;
use crate::domain::ids::TicketId;
use crate::domain::plan::PlanRequest;
use crate::error::{AppError, ErrorBody};
use crate::services::approvals::{ConsentRequest, DecisionRequest, ReviewRequest, ToldValues};
use crate::services::parts_issue::IssueRequest;
use crate::services::plans::{PlanResponse, PlanView};
use crate::services::site::{DepartRequest, ReasonRequest, ResolveRequest};
use crate::services::timeline::Stage;
use crate::services::views::Localise;
use crate::services::{approvals, parts_issue, plans, site, workflow};
use crate::state::AppState;

pub(super) fn done() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "ok": true }))
}

/// The current plan and the list of its versions.
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), responses((status = 200, body = PlanResponse), (status = 404, body = ErrorBody)))]
#[get("/tickets/{id}/plan")]
pub async fn get_plan(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
) -> Result<HttpResponse, AppError> {
    let res = plans::current(&state.db, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(res))
}

/// Save the plan (workshop lead). A draft changes in place; a submitted plan gets a new version,
/// which voids the earlier consent and approvals. Costs are computed by the server. A technician
/// out on another ticket (dispatched, on site) is refused `technician_busy` unless `overrides`
/// names them with a reason (audited). The rescue vehicle (`vehicle_id`) must be one of the
/// dealer's, a tow truck or flatbed when `tow`; one whose check failed or is overdue, or that is
/// out on another rescue, is refused `vehicle_unavailable` unless `vehicle_override` says why.
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = PlanRequest,
    responses((status = 200, body = PlanView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "technician_busy, vehicle_unavailable, invalid_transition, location_pending", body = ErrorBody)))]
#[put("/tickets/{id}/plan")]
pub async fn save_plan(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<Json<PlanRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    workflow::require(&user.0, crate::domain::workflow::Event::StartPlanning)?;
    let Json(req) = body?;
    let plan = plans::save(
        &state.db,
        &user.0,
        id.into_inner(),
        req,
        &state.settings.pricing,
        state.settings.eta.model(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(plan))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SubmitRequest {
    /// The draft version being submitted.
    pub version: i32,
}

/// Submit the current draft to the service manager; it is frozen from then on.
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = SubmitRequest,
    responses((status = 200, body = PlanView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/tickets/{id}/plan/submit")]
pub async fn submit_plan(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<Json<SubmitRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    workflow::require(&user.0, crate::domain::workflow::Event::SubmitPlan)?;
    let Json(req) = body?;
    let plan = plans::submit(
        &state.db,
        &state.notifier,
        &user.0,
        id.into_inner(),
        req.version,
    )
    .await?;
    Ok(HttpResponse::Ok().json(plan))
}

/// Service manager review: accept, or return to the workshop lead with a reason.
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = ReviewRequest,
    responses((status = 200), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/tickets/{id}/review")]
pub async fn review(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<Json<ReviewRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    approvals::review(&state.db, &state.notifier, &user.0, id.into_inner(), req).await?;
    Ok(done())
}

/// The customer's consent after the service manager's call; stores exactly what was told.
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = ConsentRequest,
    responses((status = 200, body = ToldValues), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/tickets/{id}/consent")]
pub async fn consent(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<Json<ConsentRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    let told = approvals::consent(
        &state.db,
        &state.notifier,
        &user.0,
        id.into_inner(),
        req,
        state.settings.sourcing.clone(),
        state.settings.eta.model(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(told))
}

/// The service director approves (or rejects, with a reason) a named plan version.
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = DecisionRequest,
    responses((status = 200), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/tickets/{id}/approval")]
pub async fn approval(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<Json<DecisionRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    approvals::decide(&state.db, &state.notifier, &user.0, id.into_inner(), req).await?;
    Ok(done())
}

/// Issue parts (领料) against the current director-approved plan; stock drops atomically.
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = IssueRequest,
    responses((status = 200), (status = 403, body = ErrorBody), (status = 409, description = "plan_not_approved, insufficient_stock, over_issue", body = ErrorBody)))]
#[post("/tickets/{id}/parts-issues")]
pub async fn issue_parts(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<Json<IssueRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    parts_issue::issue(&state.db, &user.0, id.into_inner(), req).await?;
    Ok(done())
}

/// A crew member acknowledges the job.
#[utoipa::path(tag = "crew", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), responses((status = 200), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/tickets/{id}/acknowledge")]
pub async fn acknowledge(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
) -> Result<HttpResponse, AppError> {
    site::acknowledge(&state.db, &user.0, id.into_inner()).await?;
    Ok(done())
}

/// The crew departs (rescue lead or service manager); records the expected arrival. Refused
/// `technician_busy` when one of the crew is out elsewhere, `vehicle_unavailable` when the plan's
/// vehicle failed a check since (or is out) and the plan gave no reason for it.
#[utoipa::path(tag = "crew", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = DepartRequest,
    responses((status = 200), (status = 403, body = ErrorBody), (status = 409, description = "technician_busy, vehicle_unavailable, invalid_transition", body = ErrorBody)))]
#[post("/tickets/{id}/depart")]
pub async fn depart(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<OptionalJson<DepartRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let OptionalJson(req) = body?;
    site::depart(
        &state.db,
        &state.notifier,
        &user.0,
        id.into_inner(),
        req,
        state.settings.eta.model(),
    )
    .await?;
    Ok(done())
}

#[utoipa::path(tag = "crew", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), responses((status = 200), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/tickets/{id}/arrive")]
pub async fn arrive(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
) -> Result<HttpResponse, AppError> {
    site::arrive(&state.db, &user.0, id.into_inner()).await?;
    Ok(done())
}

/// The fault on site does not match the plan: re-planning starts, the crew stays.
#[utoipa::path(tag = "crew", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = ReasonRequest,
    responses((status = 200), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/tickets/{id}/mismatch")]
pub async fn mismatch(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<OptionalJson<ReasonRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let OptionalJson(req) = body?;
    site::mismatch(&state.db, &state.notifier, &user.0, id.into_inner(), req).await?;
    Ok(done())
}

/// Resolved on site: parts actually used; the rest of what was issued goes back to stock.
#[utoipa::path(tag = "crew", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = ResolveRequest,
    responses((status = 200), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/tickets/{id}/resolve")]
pub async fn resolve(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<OptionalJson<ResolveRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let OptionalJson(req) = body?;
    site::resolve(&state.db, &state.notifier, &user.0, id.into_inner(), req).await?;
    Ok(done())
}

/// The car goes to the workshop on the tow truck.
#[utoipa::path(tag = "crew", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = ReasonRequest,
    responses((status = 200), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/tickets/{id}/tow")]
pub async fn tow(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<OptionalJson<ReasonRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let OptionalJson(req) = body?;
    site::tow(&state.db, &user.0, id.into_inner(), req).await?;
    Ok(done())
}

/// Cancel, with a reason, any time before the crew departs.
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = ReasonRequest,
    responses((status = 200), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/tickets/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<OptionalJson<ReasonRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let OptionalJson(req) = body?;
    site::cancel(&state.db, &user.0, id.into_inner(), req).await?;
    Ok(done())
}

#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), responses((status = 200), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/tickets/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
) -> Result<HttpResponse, AppError> {
    site::close(&state.db, &user.0, id.into_inner()).await?;
    Ok(done())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TimelineResponse {
    pub stages: Vec<Stage>,
    pub events: Vec<crate::services::tickets::AuditView>,
}

/// Every transition with actor, time, from, to and comment, and how long each stage took.
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), responses((status = 200, body = TimelineResponse), (status = 404, body = ErrorBody)))]
#[get("/tickets/{id}/timeline")]
pub async fn timeline(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let detail = crate::services::tickets::detail(&state.db, &user.0, id.into_inner())
        .await?
        .localised(lang.0);
    Ok(HttpResponse::Ok().json(TimelineResponse {
        stages: detail.stages,
        events: detail.audit,
    }))
}

/// Where the parts the dealer lacks can come from: ranked options per short line (sister dealers by
/// drive-over, express or air; manufacturer emergency orders), the recommendation for the ticket's
/// response level, shipping rules applied, and the earliest time the car can be fixed.
#[utoipa::path(tag = "rescue", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), responses((status = 200, body = crate::services::sourcing::SourcingReport), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "invalid_transition: the ticket has no plan yet; location_pending", body = ErrorBody)))]
#[get("/tickets/{id}/sourcing")]
pub async fn sourcing(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let report = crate::services::sourcing::report(
        &state.db,
        &user.0,
        id.into_inner(),
        state.settings.sourcing.clone(),
        state.settings.eta.model(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(report.localised(lang.0)))
}
