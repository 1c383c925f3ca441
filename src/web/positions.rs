//! The job page's position sharing: the crew's phone posts where it is, signed in
//! (`/jobs/{id}/position`) or by its job link (`/j/{code}/position`). Answers are JSON in the
//! API's error format, and a success says `{"ok": true}` and nothing else: the link is a
//! capability, so what it answers must not tell its holder more than a refusal would.

use actix_web::{web, HttpRequest, HttpResponse};

use super::session::WebUser;
use crate::api::body::Json;
use crate::auth::links::Scope;
use crate::error::{AppError, ErrorCode};
use crate::services::{positions, public};
use crate::state::AppState;

fn ok() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "ok": true }))
}

/// Signed in: the session and the page's CSRF token (header `X-CSRF-Token`: the body is the
/// phone's JSON, not a form).
pub async fn signed_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: Result<Json<positions::PositionReport>, AppError>,
) -> Result<HttpResponse, AppError> {
    let sent = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !crate::auth::secret::same(sent, &user.csrf) {
        return Err(AppError::msg(
            ErrorCode::CsrfFailed,
            "web-form-expired",
            &[],
        ));
    }
    let ticket = crate::api::params::page_id(&id, crate::error::Thing::Ticket)?;
    let Json(report) = body?;
    positions::report(&state.db, &state.router, &user.identity, ticket, report).await?;
    Ok(ok())
}

/// By the job link: the code in the path is the credential, checked before the body is read.
pub async fn by_link(
    state: web::Data<AppState>,
    code: web::Path<String>,
    body: Result<Json<positions::PositionReport>, AppError>,
) -> Result<HttpResponse, AppError> {
    let (claims, dealer) =
        public::open_link(&state.db, &state.notifier, code.into_inner(), Scope::Job)
            .await
            .map_err(|e| {
                let m = e.msg();
                AppError::msg(ErrorCode::Forbidden, m.key, &m.params)
            })?;
    let me = public::link_technician(&state.db, &claims, dealer).await?;
    let Json(report) = body?;
    let ticket = crate::api::params::page_id(&claims.ticket_id, crate::error::Thing::Ticket)?;
    positions::report(&state.db, &state.router, &me, ticket, report).await?;
    Ok(ok())
}

/// The crew's drive as the ticket and status pages say it (never where the crew is).
pub struct CrewLine {
    /// Staff: "The crew is 12 km away, about 15 minutes (as of 10:42)", or that it is stale.
    pub text: String,
    /// Whether the drive is routed or estimated, in words.
    pub source: String,
    pub stale: bool,
    /// The customer: "about 12 km from you".
    pub distance: String,
    /// The customer: "Expected at 10:57, 15 min left"; the same with `{n}` for the minutes, which
    /// the page's script counts down between reloads.
    pub arrival: String,
    pub arrival_template: String,
    /// The arrival in ms since the epoch, and the server's clock, for that countdown.
    pub arrival_ms: i64,
    pub now_ms: i64,
}

pub fn crew_line(
    l: crate::i18n::Locale,
    e: &positions::CrewEta,
    utc_offset_hours: i32,
) -> CrewLine {
    let offset = chrono::Duration::hours(i64::from(utc_offset_hours));
    let hm = |t: chrono::NaiveDateTime| (t + offset).format("%H:%M").to_string();
    let km = format!("{:.1}", e.km);
    let text = if e.stale {
        l.t_with("crew-eta-stale", &[("time", hm(e.fixed_at).into())])
    } else {
        l.t_with(
            "crew-eta-line",
            &[
                ("km", km.clone().into()),
                ("minutes", e.minutes_left.into()),
                ("time", hm(e.fixed_at).into()),
            ],
        )
    };
    let arrival_with = |minutes: fluent_templates::fluent_bundle::FluentValue<'static>| {
        l.t_with(
            "crew-status-arrival",
            &[("time", hm(e.arrival_at).into()), ("minutes", minutes)],
        )
    };
    CrewLine {
        text,
        source: l.t(match e.source {
            crate::domain::eta::Source::Routed => "crew-eta-routed",
            crate::domain::eta::Source::Estimated => "crew-eta-estimated",
        }),
        stale: e.stale,
        distance: l.t_with("crew-status-distance", &[("km", km.into())]),
        arrival: arrival_with(e.minutes_left.into()),
        arrival_template: arrival_with("{n}".into()),
        arrival_ms: e.arrival_at.and_utc().timestamp_millis(),
        now_ms: chrono::Utc::now().timestamp_millis(),
    }
}
