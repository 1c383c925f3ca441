//! What a plan can draw on: the dealer's technicians and tools, and the parts catalogue with local availability.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;

use crate::api::params::PathId;
use crate::auth::ApiUser;
use crate::domain::ids::TicketId;
use crate::domain::role::Action;
use crate::error::{AppError, ErrorBody};
use crate::services::recommend::Recommendations;
use crate::services::resources::{self, PartView, TechnicianView};
use crate::services::views::Tool;
use crate::state::AppState;

/// The dealer's active technicians with their skills.
#[utoipa::path(tag = "resources", security(("bearer" = [])),
    responses((status = 200, body = [TechnicianView]), (status = 401, body = ErrorBody)))]
#[get("/technicians")]
pub async fn technicians(
    state: web::Data<AppState>,
    user: ApiUser,
) -> Result<HttpResponse, AppError> {
    let list = resources::technicians(&state.db, &user.0).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The dealer's rescue tools and how many it owns.
#[utoipa::path(tag = "resources", security(("bearer" = [])),
    responses((status = 200, body = [Tool]), (status = 401, body = ErrorBody)))]
#[get("/tools")]
pub async fn tools(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, AppError> {
    let list = resources::tools(&state.db, &user.0).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PartQuery {
    /// Part number or name (Chinese or English), 2 to 64 characters besides `%`, `_` and the
    /// spaces around it (the pattern: two such characters, no control character).
    #[param(
        max_length = 64,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s%_\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*[^\s%_\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub q: String,
}

/// Search the parts catalogue; each hit says how many are available at the caller's dealer.
#[utoipa::path(tag = "resources", security(("bearer" = [])), params(PartQuery),
    responses((status = 200, body = [PartView]), (status = 400, body = ErrorBody)))]
#[get("/parts")]
pub async fn parts(
    state: web::Data<AppState>,
    user: ApiUser,
    q: web::Query<PartQuery>,
) -> Result<HttpResponse, AppError> {
    // Role first: the query is checked only for those who may search.
    user.0.require(Action::ViewTickets)?;
    let query = crate::domain::search::SearchTerm::parse(&q.q)
        .map_err(|e| AppError::field("q", e.msg()))?;
    let hits = resources::parts(&state.db, &user.0, query, 50).await?;
    Ok(HttpResponse::Ok().json(hits))
}

/// The technicians recommended for the ticket (workshop lead's plan editor): free and not off by
/// the duty rota, of the dealer and — when none is free or one would arrive
/// `[recommend] sister_gain_minutes` sooner — of its sister dealers, ranked by estimated arrival
/// at the customer, the skills the fault calls for, grade and today's jobs, each with the reasons
/// in the `Accept-Language` language.
#[utoipa::path(tag = "resources", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Ticket id")),
    responses(
        (status = 200, body = Recommendations),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
#[get("/tickets/{id}/recommendations")]
pub async fn recommend_technicians(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    lang: crate::api::language::Reader,
) -> Result<HttpResponse, AppError> {
    let found = crate::services::recommend::recommend(
        &state.db,
        &user.0,
        id.into_inner(),
        state.settings.recommend.clone(),
        state.settings.eta.model(),
        lang.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(found))
}
