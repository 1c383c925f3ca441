//! The crew's photos over the API: add one (JSON, the image in base64), list a ticket's, fetch one
//! photo's bytes and the customer's signature.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::params::{page_id, PathId};
use crate::auth::ApiUser;
use crate::domain::ids::{PhotoId, TicketId};
use crate::domain::photo::PhotoKind;
use crate::error::{AppError, ErrorBody, Thing};
use crate::i18n::Msg;
use crate::services::photos::{self, PhotoView};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PhotoRequest {
    pub kind: PhotoKind,
    /// The image (JPEG, PNG or WebP, told by its first bytes), base64; at most `[photos] max_bytes`
    /// once decoded. The pattern: base64 that starts with the bytes of one of them.
    #[schema(
        pattern = "^(/9j/([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)|(iVBORw0KGg[o-r][A-Za-z0-9+/]|UklGR[g-v][A-Za-z0-9+/]{4}[BFJNRVZdhlptx159]XRUJQ)([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$"
    )]
    pub image_base64: String,
}

/// Add a photo (the ticket's crew, while they are out): the fault on arrival, the repair, the parts used.
#[utoipa::path(tag = "crew", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = PhotoRequest,
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
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")),
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

/// An image answer: its stored type, never sniffed, shown inline, kept privately for an hour
/// (a photo never changes). The pages answer with it too.
pub(crate) fn image_response(content_type: String, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
        .body(bytes)
}

/// One photo's bytes (`image/jpeg`, `image/png` or `image/webp`), for those who may see the
/// ticket's photos.
#[utoipa::path(tag = "crew", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Ticket id"), ("photo_id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Photo id (from the list)")),
    responses((status = 200, description = "The image", content_type = "image/*"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/tickets/{id}/photos/{photo_id}")]
pub async fn get_photo(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, photo) = path.into_inner();
    let id = page_id::<TicketId>(&id, Thing::Ticket)?;
    let photo = page_id::<PhotoId>(&photo, Thing::Record)?;
    let (ct, bytes) = photos::image(&state.db, &user.0, id, photo).await?;
    Ok(image_response(ct, bytes))
}

/// The customer's signature on the resolution (PNG).
#[utoipa::path(tag = "crew", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Ticket id")),
    responses((status = 200, description = "The signature", content_type = "image/png"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/tickets/{id}/signature")]
pub async fn get_signature(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
) -> Result<HttpResponse, AppError> {
    let png = photos::signature_image(&state.db, &user.0, id.into_inner()).await?;
    Ok(image_response("image/png".into(), png))
}
