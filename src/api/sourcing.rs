//! Sourcing orders and the parts desk queue over the API: propose, review, place, ship, receive,
//! deliver, cancel — each step a POST on the order.

use actix_web::{get, post, web, HttpResponse};

use super::language::Reader;
use super::params::PathId;
use crate::auth::ApiUser;
use crate::domain::ids::{OrderId, TicketId};
use crate::error::{AppError, ErrorBody};
use crate::services::parts_desk::{self, QueueTicket};
use crate::services::sourcing_orders::{
    self as orders, OrderCancelRequest, PartReviewRequest, ProposeRequest, ShipRequest,
};
use crate::services::views::{Localise, OrderRecord, OutgoingTransfer};
use crate::state::AppState;

use super::body::OptionalJson;

/// Approved rescues waiting for parts: local, on the way, unsourced, what holds each up, and
/// each one's next promise.
#[utoipa::path(tag = "parts", security(("bearer" = [])),
    responses((status = 200, body = Vec<QueueTicket>), (status = 403, body = ErrorBody)))]
#[get("/parts-desk/queue")]
pub async fn queue(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(
        parts_desk::queue(
            &state.db,
            &state.settings.sla,
            state.settings.eta.model(),
            &user.0,
        )
        .await?,
    ))
}

/// Sister transfers other dealers placed with your dealer: units held on your shelf, to be sent
/// (record the shipping with `POST /api/v1/sourcing-orders/{id}/ship`).
#[utoipa::path(tag = "parts", security(("bearer" = [])),
    responses((status = 200, body = Vec<OutgoingTransfer>), (status = 403, body = ErrorBody)))]
#[get("/parts-desk/outgoing")]
pub async fn outgoing(
    state: web::Data<AppState>,
    user: ApiUser,
    lang: Reader,
) -> Result<HttpResponse, AppError> {
    let list = parts_desk::outgoing(&state.db, &user.0).await?;
    Ok(HttpResponse::Ok().json(list.localised(lang.0)))
}

/// Chooses a source for a short plan line: the recommendation when `kind`/`mode` are left out,
/// else the named option. Air for dangerous goods is refused with `dangerous_goods_no_air`.
#[utoipa::path(tag = "parts", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = ProposeRequest,
    responses((status = 201, body = OrderRecord), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/tickets/{id}/sourcing-orders")]
pub async fn propose(
    state: web::Data<AppState>,
    user: ApiUser,
    lang: Reader,
    id: PathId<TicketId>,
    body: Result<OptionalJson<ProposeRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let OptionalJson(req) = body?;
    let order = orders::propose(
        &state.db,
        &state.notifier,
        &user.0,
        id.into_inner(),
        req,
        state.settings.sourcing.clone(),
        state.settings.eta.model(),
    )
    .await?;
    Ok(HttpResponse::Created().json(order.localised(lang.0)))
}

/// Records the review of a monitored part (VIN and owner checked); parts manager or director.
#[utoipa::path(tag = "parts", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = PartReviewRequest,
    responses((status = 200, body = OrderRecord), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/sourcing-orders/{id}/review")]
pub async fn review(
    state: web::Data<AppState>,
    user: ApiUser,
    lang: Reader,
    id: PathId<OrderId>,
    body: Result<OptionalJson<PartReviewRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let OptionalJson(req) = body?;
    Ok(HttpResponse::Ok().json(
        orders::review(&state.db, &user.0, id.into_inner(), req)
            .await?
            .localised(lang.0),
    ))
}

/// Places the order: holds the sister dealer's units; a monitored part must be reviewed first
/// (`monitored_part_review_required`). Tells the customer when the part arrives after the crew.
#[utoipa::path(tag = "parts", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")),
    responses((status = 200, body = OrderRecord), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sourcing-orders/{id}/place")]
pub async fn place(
    state: web::Data<AppState>,
    user: ApiUser,
    lang: Reader,
    id: PathId<OrderId>,
) -> Result<HttpResponse, AppError> {
    let order = orders::place(
        &state.db,
        &state.notifier,
        &user.0,
        id.into_inner(),
        state.settings.sourcing.clone(),
        state.settings.eta.model(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(order.localised(lang.0)))
}

/// The part left the source: carrier (or driver) and tracking number.
#[utoipa::path(tag = "parts", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = ShipRequest,
    responses((status = 200, body = OrderRecord), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/sourcing-orders/{id}/ship")]
pub async fn ship(
    state: web::Data<AppState>,
    user: ApiUser,
    lang: Reader,
    id: PathId<OrderId>,
    body: Result<OptionalJson<ShipRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let OptionalJson(req) = body?;
    Ok(HttpResponse::Ok().json(
        orders::ship(&state.db, &user.0, id.into_inner(), req)
            .await?
            .localised(lang.0),
    ))
}

/// The part arrived at the dealer: stock moves from the source once; a second receipt is a 409.
#[utoipa::path(tag = "parts", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")),
    responses((status = 200, body = OrderRecord), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/sourcing-orders/{id}/receive")]
pub async fn receive(
    state: web::Data<AppState>,
    user: ApiUser,
    lang: Reader,
    id: PathId<OrderId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(
        orders::receive(&state.db, &user.0, id.into_inner())
            .await?
            .localised(lang.0),
    ))
}

/// The part reached the crew on site: it counts as issued to the rescue lead.
#[utoipa::path(tag = "parts", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")),
    responses((status = 200, body = OrderRecord), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/sourcing-orders/{id}/deliver")]
pub async fn deliver(
    state: web::Data<AppState>,
    user: ApiUser,
    lang: Reader,
    id: PathId<OrderId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(
        orders::deliver(&state.db, &user.0, id.into_inner())
            .await?
            .localised(lang.0),
    ))
}

/// Cancels an order that has not left the source (a reason is required); held units are released.
#[utoipa::path(tag = "parts", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")), request_body = OrderCancelRequest,
    responses((status = 200, body = OrderRecord), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/sourcing-orders/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    user: ApiUser,
    lang: Reader,
    id: PathId<OrderId>,
    body: Result<OptionalJson<OrderCancelRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let OptionalJson(req) = body?;
    Ok(HttpResponse::Ok().json(
        orders::cancel(&state.db, &user.0, id.into_inner(), req)
            .await?
            .localised(lang.0),
    ))
}
