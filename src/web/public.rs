//! Pages opened from an SMS or e-mail link, without signing in: the technician's job and the customer's status page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::form::Fields;
use super::session::{request_locale, Chrome};
use super::{html, redirect, PageError};
use crate::auth::links::{LinkError, Scope};
use crate::services::public;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "link_error.html", config = "src/web/askama.toml")]
struct LinkErrorPage {
    c: Chrome,
    message: String,
    expired: bool,
}

/// A clear page, not an error dump: what is wrong with the link and whom to call.
fn link_error(req: &HttpRequest, e: LinkError) -> HttpResponse {
    let locale = request_locale(req, None);
    let status = match e {
        LinkError::Expired | LinkError::Revoked => StatusCode::GONE,
        LinkError::BadSignature => StatusCode::FORBIDDEN,
        LinkError::Unknown | LinkError::WrongScope => StatusCode::NOT_FOUND,
    };
    tracing::info!(reason = ?e, "link refused");
    html(
        status,
        &LinkErrorPage {
            c: Chrome::anonymous(locale),
            message: e.msg().render(locale),
            expired: matches!(e, LinkError::Expired | LinkError::Revoked),
        },
    )
}

pub async fn job(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    job_page(&req, &state, code.into_inner(), None, StatusCode::OK).await
}

async fn job_page(
    req: &HttpRequest,
    state: &AppState,
    code: String,
    alert: Option<(&'static str, String)>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let locale = request_locale(req, None);
    let (claims, dealer) =
        match public::open_link(&state.db, &state.notifier, code.clone(), Scope::Job).await {
            Ok(found) => found,
            Err(e) => return Ok(link_error(req, e)),
        };
    let me = public::link_technician(&state.db, &claims, dealer)
        .await
        .map_err(|e| PageError::App(e, locale))?;
    super::jobs::render_for(
        state,
        &me,
        Chrome::anonymous(locale),
        locale,
        claims.ticket_id,
        format!("/j/{code}/act"),
        alert,
        status,
    )
    .await
}

/// A crew step from the link; the code in the path is the credential.
pub async fn job_act(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    body: web::Bytes,
    action: super::actions::CrewAction,
) -> Result<HttpResponse, PageError> {
    let code = code.into_inner();
    let locale = request_locale(&req, None);
    let (claims, dealer) =
        match public::open_link(&state.db, &state.notifier, code.clone(), Scope::Job).await {
            Ok(found) => found,
            Err(e) => return Ok(link_error(&req, e)),
        };
    let me = public::link_technician(&state.db, &claims, dealer)
        .await
        .map_err(|e| PageError::App(e, locale))?;
    let f = Fields::parse(&body);
    match super::actions::crew_action(&state, &me, &claims.ticket_id, action, &f, locale).await {
        Ok(_) => Ok(redirect(&format!("/j/{code}"))),
        Err(e) => {
            let status = e.code.status();
            job_page(
                &req,
                &state,
                code,
                Some(("error", e.message_in(locale))),
                status,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "status.html", config = "src/web/askama.toml")]
struct StatusPage {
    c: Chrome,
    v: public::CustomerView,
    code: String,
    status_code: &'static str,
    status_text: String,
    arrival: String,
    /// When the part the repair waits for is due (dealer's local time).
    parts_eta: String,
    parts_eta_shown: bool,
    /// The "send my location" button: only while the crew is still looking for the car.
    share: bool,
    /// The page reloads itself while the rescue goes on, and stops once it is over.
    refresh: bool,
}

/// What the customer is told at one step, and what the page offers with it.
#[derive(Debug, PartialEq)]
struct CustomerStep {
    zh: &'static str,
    en: &'static str,
    /// The expected arrival means something: the crew has not arrived yet.
    arrival: bool,
    share: bool,
    finished: bool,
}

/// Says what is true now: a crew that stands at the car is never "on the way", and a
/// re-plan after a mismatch happens with the crew there.
fn customer_step(v: &public::CustomerView) -> CustomerStep {
    use crate::domain::ticket::TicketStatus as S;
    let going = |zh, en, arrival| CustomerStep {
        zh,
        en,
        arrival,
        share: true,
        finished: false,
    };
    let there = |zh, en| CustomerStep {
        zh,
        en,
        arrival: false,
        share: false,
        finished: false,
    };
    let over = |zh, en| CustomerStep {
        zh,
        en,
        arrival: false,
        share: false,
        finished: true,
    };
    match v.status {
        S::Resolved | S::Closed => over(
            "故障已排除，救援完成，感谢您的耐心",
            "Fixed: the rescue is done. Thank you for your patience",
        ),
        S::TowedToWorkshop => over(
            "车辆已拖回维修站，维修站将与您联系",
            "Your car has been towed to the workshop; the workshop will contact you",
        ),
        S::Cancelled => over("此次救援已取消", "This rescue was cancelled"),
        S::OnSite => there(
            "救援人员已到达，正在为您处理",
            "The crew is with you and working on your car",
        ),
        _ if v.crew_on_site => there(
            "救援人员在您身边，现场情况与预判不同，正在准备修订后的方案",
            "The crew is with you; the fault differs from what we expected and a revised plan is being prepared",
        ),
        S::New => going(
            "我们已收到您的求助，正在安排",
            "We have your call and are arranging help",
            false,
        ),
        S::Planning | S::Replanning => going(
            "技术人员正在为您制定救援方案",
            "A technician is preparing your rescue plan",
            false,
        ),
        S::AwaitingManagerReview => going(
            "救援方案正在审核",
            "Your rescue plan is being checked",
            false,
        ),
        S::AwaitingCustomerConsent => going(
            "我们将致电您确认救援方案和费用",
            "We will call you to confirm the plan and its cost",
            false,
        ),
        S::AwaitingDirector => going(
            "您已同意方案，正在等待最终批准",
            "You agreed to the plan; it is waiting for final approval",
            true,
        ),
        S::Approved => going(
            "救援方案已批准，救援人员正在准备出发",
            "The rescue is approved; the crew is getting ready to leave",
            true,
        ),
        S::Dispatched => going(
            "救援人员已出发，正在赶往您的位置",
            "The crew is on the way to you",
            true,
        ),
    }
}

pub async fn status(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let code = code.into_inner();
    let locale = request_locale(&req, None);
    let (claims, _) =
        match public::open_link(&state.db, &state.notifier, code.clone(), Scope::Status).await {
            Ok(found) => found,
            Err(e) => return Ok(link_error(&req, e)),
        };
    let v = public::customer_view(&state.db, claims.ticket_id)
        .await
        .map_err(|e| PageError::App(e, locale))?;
    let step = customer_step(&v);
    let status_text = locale.tr(step.zh, step.en).to_owned();
    let offset = chrono::Duration::hours(i64::from(state.settings.tickets.utc_offset_hours));
    Ok(html(
        StatusCode::OK,
        &StatusPage {
            c: Chrome::anonymous(locale),
            status_code: v.status.as_str(),
            parts_eta: v
                .parts_expected_at
                .map(|t| (t + offset).format("%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            arrival: v
                .expected_arrival_at
                .filter(|_| step.arrival)
                .map(|t| (t + offset).format("%H:%M").to_string())
                .unwrap_or_default(),
            parts_eta_shown: !step.finished,
            share: step.share,
            refresh: !step.finished,
            status_text,
            code,
            v,
        },
    ))
}

/// The customer's phone posts its position (browser geolocation, WGS-84). Every
/// answer is JSON in the API's error format: the body is read by the API's extractor, not
/// actix's `Json`, whose refusals are plain text; the link is checked before the body.
pub async fn share_location(
    _req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    body: Result<crate::api::body::Json<public::ShareLocation>, crate::error::AppError>,
) -> Result<HttpResponse, crate::error::AppError> {
    let (claims, _) =
        public::open_link(&state.db, &state.notifier, code.into_inner(), Scope::Status)
            .await
            .map_err(|e| {
                let m = e.msg();
                crate::error::AppError::msg(crate::error::ErrorCode::Forbidden, m.key, &m.params)
            })?;
    let crate::api::body::Json(position) = body?;
    let shared = public::share_location(&state.db, claims, position).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "ok": true,
        // The ticket was waiting for this position and now has it as its site.
        "location_filled": shared == public::Shared::FilledPending,
    })))
}
