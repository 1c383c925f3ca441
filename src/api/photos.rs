//! The crew's photos over the API: add one (JSON, the image in base64) and list a ticket's.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::params::PathId;
use crate::auth::ApiUser;
use crate::domain::ids::TicketId;
use crate::domain::photo::PhotoKind;
use crate::error::{AppError, ErrorBody};
use crate::i18n::Msg;
use crate::services::photos::{self, PhotoView};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PhotoRequest {
    pub kind: PhotoKind,
    /// The image (JPEG, PNG or WebP, told by its first bytes), base64; at most `[photos] max_bytes`
    /// once decoded.
    pub image_base64: String,
}

/// Add a photo (the ticket's crew, while they are out): the fault on arrival, the repair, the parts used.
#[utoipa::path(tag = "crew", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = PhotoRequest,
    responses((status = 201, body = PhotoView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "photo_limit_reached, invalid_transition", body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, description = "unsupported_image", body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/tickets/{id}/photos")]
pub async fn add_photo(
    _req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    use base64::Engine;
    let max = state.settings.photos.max_bytes;
    // Base64 is 4/3 of the bytes, plus the JSON around it.
    let body = super::body::read_body(payload, max / 3 * 4 + 4 + 1024)
        .await
        .map_err(|e| match e.code {
            crate::error::ErrorCode::PayloadTooLarge => photos::too_large(max),
            _ => e,
        })?;
    let req: PhotoRequest = super::body::parse_json(&body)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(req.image_base64.trim())
        .map_err(|_| AppError::field("image_base64", Msg::new("phone-photo-not-an-image")))?;
    let photo = photos::add(
        &state.db,
        &state.settings.photos,
        &user.0,
        id.into_inner(),
        req.kind,
        bytes,
    )
    .await?;
    Ok(HttpResponse::Created().json(photo))
}

/// A ticket's photos (without their bytes), for staff of the dealer and the crew.
#[utoipa::path(tag = "crew", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<PhotoView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/tickets/{id}/photos")]
pub async fn list_photos(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
) -> Result<HttpResponse, AppError> {
    let p = photos::of_ticket(&state.db, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(p.photos))
}
