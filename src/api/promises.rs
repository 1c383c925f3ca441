//! The promise clock over the API: pausing and resuming a ticket's clock while the rescue waits
//! on the customer. The promise itself travels in the ticket views (`promise`).

use actix_web::{post, web, HttpResponse};

use super::body::Json;
use super::params::PathId;
use crate::auth::ApiUser;
use crate::domain::ids::TicketId;
use crate::domain::role::Action;
use crate::error::{AppError, ErrorBody};
use crate::services::promises::{self, ClockView, PauseRequest};
use crate::state::AppState;

/// Pause the ticket's clock (service manager, call-centre agent): the rescue waits on the
/// customer, and the time paused does not count against any promise. The reason is a code
/// (`consent_call_unanswered`, `customer_asked_to_wait`, `customer_unreachable`, `other` with a
/// note). One open pause at a time (`409 clock_already_paused`); `409 pause_disabled` when the
/// configuration does not allow pausing; `409 invalid_transition` when the rescue is over.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Ticket id")), request_body = PauseRequest,
    responses(
        (status = 200, description = "Paused; the promise with the clock standing still", body = ClockView),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "clock_already_paused, pause_disabled or invalid_transition", body = ErrorBody),
    ))]
#[post("/tickets/{id}/pause")]
pub async fn pause_clock(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    body: Result<Json<PauseRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    // Refused before the body is looked at.
    user.0.require(Action::PauseClock)?;
    let Json(request) = body?;
    let clock = promises::pause(
        &state.db,
        &state.settings.sla,
        &user.0,
        id.into_inner(),
        request,
    )
    .await?;
    Ok(HttpResponse::Ok().json(clock))
}

/// Start the ticket's clock again (`409 clock_not_paused` when it runs).
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Ticket id")),
    responses(
        (status = 200, description = "Resumed; the promise with its deadline moved back", body = ClockView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "clock_not_paused", body = ErrorBody),
    ))]
#[post("/tickets/{id}/resume")]
pub async fn resume_clock(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
) -> Result<HttpResponse, AppError> {
    let clock = promises::resume(&state.db, &state.settings.sla, &user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(clock))
}
