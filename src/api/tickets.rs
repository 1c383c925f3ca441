//! Rescue-ticket endpoints: intake, list, detail.

use actix_web::{get, post, web, HttpRequest, HttpResponse};

use super::body::Json;
use super::params::{PathId, Query};
use crate::auth::ApiUser;
use crate::domain::ids::TicketId;
use crate::domain::intake::IntakeRequest;
use crate::error::AppError;
use crate::services::tickets::{self, CreatedTicket, TicketDetail, TicketPage, TicketQuery};
use crate::state::AppState;

/// Open a rescue ticket from a breakdown call.
///
/// Send `Idempotency-Key` to make retries safe: a retried request with the same
/// key and body returns the first ticket (header `Idempotent-Replayed: true`).
///
/// A caller who cannot say where they are: send `location_pending: true` with the
/// address and no coordinates. The ticket opens with `location_pending: true`, the
/// caller's mobile gets an SMS with the status link, and the position their phone
/// sends fills the coordinates. Until then, plan submission and sourcing answer
/// `409 location_pending`. `warnings` name what to check with the caller (an open
/// ticket for the plate, a mileage below the last visit's); they never refuse.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    request_body = IntakeRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries return the same ticket")),
    responses(
        (status = 201, description = "Ticket opened (or replayed)", body = CreatedTicket),
        (status = 400, description = "validation_failed with per-field messages", body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody),
        (status = 403, description = "Role may not take calls", body = crate::error::ErrorBody),
        (status = 422, description = "idempotency_key_reused", body = crate::error::ErrorBody),
    ))]
#[post("/tickets")]
pub async fn create_ticket(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    body: Result<Json<IntakeRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let key = match req.headers().get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .map_err(|_| {
                    AppError::field(
                        "Idempotency-Key",
                        crate::i18n::Msg::new("svc-idempotency-key-not-ascii"),
                    )
                })?
                .trim()
                .to_owned(),
        ),
    };
    // Role first: a technician learns nothing from validation messages.
    user.0.require(crate::domain::role::Action::CreateTicket)?;
    let Json(request) = body?;
    let mut created = tickets::create(
        &state.db,
        &state.notifier,
        &user.0,
        request,
        key,
        &state.numbering,
    )
    .await?;
    let one = std::slice::from_mut(&mut created.ticket);
    crate::services::promises::attach(&state.db, &state.settings.sla, one).await?;
    let mut response = HttpResponse::Created();
    response.insert_header(("Location", format!("/api/v1/tickets/{}", created.ticket.id)));
    if created.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    let locale = crate::i18n::Locale::from_accept_language(
        req.headers()
            .get("accept-language")
            .and_then(|v| v.to_str().ok()),
    );
    Ok(response.json(CreatedTicket {
        ticket: created.ticket,
        warnings: created
            .warnings
            .into_iter()
            .map(|w| w.in_locale(locale))
            .collect(),
    }))
}

/// List the dealer's tickets, newest call first.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(TicketQuery),
    responses((status = 200, body = TicketPage), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody)))]
#[get("/tickets")]
pub async fn list_tickets(
    state: web::Data<AppState>,
    user: ApiUser,
    query: Query<TicketQuery>,
) -> Result<HttpResponse, AppError> {
    let (filter, page, per_page) = query.parse(
        state.numbering.utc_offset_hours,
        i64::from(state.settings.ui.page_size),
    )?;
    let page = crate::services::promises::list(
        &state.db,
        &state.settings.sla,
        &user.0,
        filter,
        page,
        per_page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One ticket with the vehicle's recent service history and the audit trail.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Ticket id")),
    responses((status = 200, body = TicketDetail), (status = 404, body = crate::error::ErrorBody)))]
#[get("/tickets/{id}")]
pub async fn get_ticket(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<TicketId>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let detail =
        crate::services::promises::detail(&state.db, &state.settings.sla, &user.0, id.into_inner())
            .await?;
    Ok(HttpResponse::Ok().json(crate::services::views::Localise::localised(detail, lang.0)))
}
