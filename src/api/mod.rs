//! The JSON API under /api/v1, its error handlers and the OpenAPI document.

pub mod account;
pub mod board;
pub mod body;
pub mod document;
pub mod fleet;
pub mod follow_ups;
pub mod health;
pub mod holiday_stock;
pub mod holidays;
pub mod imports;
pub mod language;
pub mod outbox;
pub mod params;
pub mod photos;
pub mod promises;
pub mod reports;
pub mod rescue;
pub mod resources;
pub mod rota;
pub mod sourcing;
pub mod standard_plans;
pub mod suspensions;
pub mod tickets;
pub mod vehicles;

use actix_web::web;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{AppError, ErrorCode};

/// What the document says besides its operations, which [`configure`] adds as it routes them.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "RescueDesk API",
        description = "Roadside-rescue dispatch for car dealer groups. Authenticate with `Authorization: Bearer rdk_…` (from `rescuedesk token create --user LOGIN`). Errors are `{\"error\": code, \"message\": text, \"fields\": {…}}`."
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth),
    tags((name = "tickets", description = "Rescue tickets (紧急救援单)"), (name = "vehicles", description = "Vehicle service history"), (name = "rescue", description = "Plan, approval chain and parts issue"), (name = "crew", description = "The technicians' steps"), (name = "resources", description = "Technicians, tools and parts a plan draws on"), (name = "outbox", description = "Messages: SMS and e-mail"), (name = "parts", description = "Parts desk: sourcing orders (sister-dealer transfers, manufacturer emergency orders) and the queue"), (name = "rota", description = "Duty rota (值班表): weekly patterns, holiday shifts, on call"), (name = "follow-up", description = "After the job: follow-up calls (回访) and complaints"), (name = "reports", description = "The monthly report"), (name = "fleet", description = "Rescue vehicles (救援车辆) and their readiness checks"), (name = "holiday-stock", description = "Holiday stock (节前备货): the order suggested from past years, adjusted, confirmed and received"), (name = "account", description = "Page sessions and API tokens: one's own, and (admins) those of the group's users"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Query parameters that do not read, where no one parameter is to blame.
pub(crate) fn bad_query(err: impl std::fmt::Display) -> AppError {
    AppError::msg(
        ErrorCode::ValidationFailed,
        "svc-bad-query",
        &[("detail", err.to_string().into())],
    )
}

/// The one route table of the API: each handler is registered here once, and the OpenAPI document
/// is collected from the same calls (path and method from the handler's route macro), so the
/// document and the router cannot drift.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/v1")
            .wrap(actix_web::middleware::from_fn(json_bodies_only))
            .app_data(web::QueryConfig::default().error_handler(|err, _| bad_query(err).into()))
            .app_data(web::PathConfig::default().error_handler(|err, _| {
                AppError::msg(
                    ErrorCode::ValidationFailed,
                    "svc-bad-path",
                    &[("detail", err.to_string().into())],
                )
                .into()
            }))
            .service(tickets::create_ticket)
            .service(tickets::list_tickets)
            .service(tickets::get_ticket)
            .service(vehicles::vehicle_history)
            .service(health::me)
            .service(account::my_sessions)
            .service(account::end_my_sessions)
            .service(account::end_my_session)
            .service(account::my_tokens)
            .service(account::revoke_my_token)
            .service(account::group_users)
            .service(account::user_sessions)
            .service(account::end_user_sessions)
            .service(account::end_user_session)
            .service(account::user_tokens)
            .service(account::revoke_user_token)
            .service(rescue::get_plan)
            .service(rescue::save_plan)
            .service(rescue::submit_plan)
            .service(rescue::review)
            .service(rescue::consent)
            .service(rescue::approval)
            .service(rescue::issue_parts)
            .service(rescue::acknowledge)
            .service(rescue::depart)
            .service(rescue::arrive)
            .service(rescue::mismatch)
            .service(rescue::resolve)
            .service(photos::add_photo)
            .service(photos::list_photos)
            .service(photos::get_photo)
            .service(photos::get_signature)
            .service(rescue::tow)
            .service(rescue::cancel)
            .service(rescue::close)
            .service(rescue::timeline)
            .service(rescue::sourcing)
            .service(sourcing::queue)
            .service(sourcing::outgoing)
            .service(sourcing::propose)
            .service(sourcing::review)
            .service(sourcing::place)
            .service(sourcing::ship)
            .service(sourcing::receive)
            .service(sourcing::deliver)
            .service(sourcing::cancel)
            .service(resources::technicians)
            .service(resources::tools)
            .service(resources::parts)
            .service(resources::recommend_technicians)
            .service(follow_ups::list_follow_ups)
            .service(follow_ups::get_follow_up)
            .service(follow_ups::answer_follow_up)
            .service(follow_ups::follow_up_no_answer)
            .service(follow_ups::list_complaints)
            .service(follow_ups::get_complaint)
            .service(follow_ups::add_complaint_step)
            .service(follow_ups::close_complaint)
            .service(reports::get_report)
            .service(reports::get_report_csv)
            .service(reports::get_report_xlsx)
            .service(outbox::list)
            .service(outbox::retry)
            .service(imports::import)
            .service(promises::pause_clock)
            .service(promises::resume_clock)
            .service(board::get_board)
            .service(standard_plans::list_standard_plans)
            .service(standard_plans::get_standard_plan)
            .service(standard_plans::create_standard_plan)
            .service(standard_plans::update_standard_plan)
            .service(standard_plans::apply_standard_plan)
            .service(rota::get_week)
            .service(rota::put_shift)
            .service(rota::delete_shift)
            .service(rota::put_holiday)
            .service(rota::delete_holiday)
            .service(suspensions::list_suspensions)
            .service(suspensions::declare_suspension)
            .service(suspensions::lift_suspension)
            .service(fleet::list_vehicles)
            .service(fleet::register_vehicle)
            .service(fleet::check_vehicle)
            .service(fleet::vehicle_checks)
            .service(holidays::list_holidays)
            .service(holidays::add_holiday)
            .service(holidays::get_holiday)
            .service(holidays::replace_holiday)
            .service(holidays::remove_holiday)
            .service(holiday_stock::get_holiday_stock_suggestion)
            .service(holiday_stock::holiday_stock_csv)
            .service(holiday_stock::holiday_stock_xlsx)
            .service(holiday_stock::get_holiday_stock)
            .service(holiday_stock::adjust_holiday_stock)
            .service(holiday_stock::confirm_holiday_stock)
            .service(holiday_stock::receive_holiday_stock)
            .default_service(web::to(document::no_route)),
    );
}

/// Bodies the API reads are JSON, except the CSV of an import: anything else is refused with
/// 415 before a handler runs, so a form post or a text/plain body never passes for JSON.
async fn json_bodies_only(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    use actix_web::http::header;
    let has_body = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim() != "0")
        .unwrap_or_else(|| req.headers().contains_key(header::TRANSFER_ENCODING));
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    let csv_allowed = req.path().starts_with("/api/v1/imports/");
    let accepted = match media.as_deref() {
        Some("text/csv") => csv_allowed,
        Some("application/json") => !csv_allowed,
        Some(m) => !csv_allowed && m.starts_with("application/") && m.ends_with("+json"),
        None => false,
    };
    if has_body && !accepted {
        let expected = if csv_allowed {
            "text/csv"
        } else {
            "application/json"
        };
        let e = match media.as_deref() {
            Some(got) => AppError::msg(
                ErrorCode::UnsupportedMediaType,
                "svc-body-media-type",
                &[("expected", expected.into()), ("got", got.into())],
            ),
            None => AppError::msg(
                ErrorCode::UnsupportedMediaType,
                "svc-body-media-type-missing",
                &[("expected", expected.into())],
            ),
        };
        let res = actix_web::ResponseError::error_response(&e);
        return Ok(req.into_response(res));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
