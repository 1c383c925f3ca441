//! What a plan can draw on: the dealer's technicians and tools, and the parts catalogue with local availability.

use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::ApiUser;
use crate::domain::role::Action;
use crate::error::{AppError, ErrorBody};
use crate::repo::staff::{self, Part, Technician, Tool};
use crate::startup::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct TechnicianView {
    #[serde(flatten)]
    pub technician: Technician,
    pub skills: Vec<String>,
}

/// The dealer's active technicians with their skills.
#[utoipa::path(tag = "resources", security(("bearer" = [])),
    responses((status = 200, body = [TechnicianView]), (status = 401, body = ErrorBody)))]
#[get("/technicians")]
pub async fn technicians(
    state: web::Data<AppState>,
    user: ApiUser,
) -> Result<HttpResponse, AppError> {
    user.0.require(Action::ViewTickets)?;
    let dealer = user.0.dealer_id.clone();
    let list = state
        .db
        .read(move |conn| {
            let techs = staff::technicians_of(conn, &dealer)?;
            let ids: Vec<String> = techs.iter().map(|t| t.id.clone()).collect();
            let skills = staff::skills_of(conn, &ids)?;
            Ok(techs
                .into_iter()
                .map(|t| TechnicianView {
                    skills: skills
                        .iter()
                        .filter(|(id, _)| *id == t.id)
                        .map(|(_, s)| s.clone())
                        .collect(),
                    technician: t,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The dealer's rescue tools and how many it owns.
#[utoipa::path(tag = "resources", security(("bearer" = [])),
    responses((status = 200, body = [Tool]), (status = 401, body = ErrorBody)))]
#[get("/tools")]
pub async fn tools(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, AppError> {
    user.0.require(Action::ViewTickets)?;
    let dealer = user.0.dealer_id.clone();
    let list = state
        .db
        .read(move |conn| staff::tools_of(conn, &dealer))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PartQuery {
    /// Part number or name (Chinese or English), 2 to 64 characters.
    pub q: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PartView {
    #[serde(flatten)]
    pub part: Part,
    /// On hand − reserved at the caller's dealer.
    pub available_here: i32,
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
    user.0.require(Action::ViewTickets)?;
    let query = crate::domain::search::SearchTerm::parse(&q.q)
        .map_err(|e| AppError::field("q", e.to_string()))?;
    let dealer = user.0.dealer_id.clone();
    let hits = state
        .db
        .read(move |conn| staff::search_parts(conn, &dealer, &query, 50))
        .await?;
    Ok(HttpResponse::Ok().json(
        hits.into_iter()
            .map(|(part, available_here)| PartView {
                part,
                available_here,
            })
            .collect::<Vec<_>>(),
    ))
}
