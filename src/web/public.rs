//! Pages opened from an SMS or e-mail link, without signing in: the technician's job and the customer's status page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use std::collections::BTreeMap;

use super::form::Fields;
use super::session::{request_locale, Chrome};
use super::{html, redirect, PageError};
use crate::auth::links::{LinkError, Scope};
use crate::services::follow_ups::{self, CustomerRating, RateRequest};
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
pub(super) fn link_error(req: &HttpRequest, e: LinkError) -> HttpResponse {
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
        super::page_ticket_id(&claims.ticket_id, locale)?,
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
    let ticket = super::page_ticket_id(&claims.ticket_id, locale)?;
    match super::actions::crew_action(&state, &me, &ticket, action, &f).await {
        Ok(_) => Ok(redirect(&format!("/j/{code}"))),
        Err(e) => {
            let status = e.code.status();
            job_page(
                &req,
                &state,
                code,
                // With what is wrong with each field (the signature, the work done).
                Some(("error", super::refusal_text(locale, &e))),
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
    /// The crew on the road: how far and when, from its phone's last position (nothing else).
    crew: Option<super::positions::CrewLine>,
    /// The rating card: `offered` (the form), `rated` (thanks and the score), or empty.
    rating: &'static str,
    rated_score: u64,
    /// The score as stars, filled up to it (★★★★☆).
    stars_shown: String,
    /// (the score as the form sends it, its words for a screen reader), 5 down to 1: the stars are laid out
    /// right to left so that CSS can fill the chosen one and those below it.
    scores: Vec<(String, String)>,
    /// What the form held, shown again with its refusal.
    typed_score: String,
    typed_comment: String,
    errors: BTreeMap<String, String>,
    /// A refused rating: (its stable error code, its message).
    alert: Option<(&'static str, String)>,
}

impl StatusPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

/// The rating form as posted, with its refusal, to show it again.
#[derive(Default)]
struct RatingForm {
    score: String,
    comment: String,
    refusal: Option<crate::error::AppError>,
}

/// What the customer is told at one step, and what the page offers with it.
#[derive(Debug, PartialEq)]
struct CustomerStep {
    /// The catalogue key of what the customer is told.
    key: &'static str,
    /// The expected arrival means something: the crew has not arrived yet.
    arrival: bool,
    share: bool,
    finished: bool,
}

/// Says what is true now: a crew that stands at the car is never "on the way", and a
/// re-plan after a mismatch happens with the crew there.
fn customer_step(v: &public::CustomerView) -> CustomerStep {
    use crate::domain::ticket::TicketStatus as S;
    let going = |key, arrival| CustomerStep {
        key,
        arrival,
        share: true,
        finished: false,
    };
    let there = |key| CustomerStep {
        key,
        arrival: false,
        share: false,
        finished: false,
    };
    let over = |key| CustomerStep {
        key,
        arrival: false,
        share: false,
        finished: true,
    };
    match v.status {
        S::Resolved | S::Closed => over("status-step-fixed"),
        S::TowedToWorkshop => over("status-step-towed"),
        S::Cancelled => over("status-step-cancelled"),
        S::OnSite => there("status-step-on-site"),
        _ if v.crew_on_site => there("status-step-crew-there-replanning"),
        S::New => going("status-step-new", false),
        S::Planning | S::Replanning => going("status-step-planning", false),
        S::AwaitingManagerReview => going("status-step-review", false),
        S::AwaitingCustomerConsent => going("status-step-consent", false),
        S::AwaitingDirector => going("status-step-director", true),
        S::Approved => going("status-step-approved", true),
        S::Dispatched => going("status-step-dispatched", true),
    }
}

pub async fn status(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    status_page(
        &req,
        &state,
        code.into_inner(),
        RatingForm::default(),
        StatusCode::OK,
    )
    .await
}

async fn status_page(
    req: &HttpRequest,
    state: &AppState,
    code: String,
    form: RatingForm,
    http_status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let locale = request_locale(req, None);
    let (claims, _) =
        match public::open_link(&state.db, &state.notifier, code.clone(), Scope::Status).await {
            Ok(found) => found,
            Err(e) => return Ok(link_error(req, e)),
        };
    let ticket = super::page_ticket_id(&claims.ticket_id, locale)?;
    let v = public::customer_view(&state.db, ticket.clone())
        .await
        .map_err(|e| PageError::App(e, locale))?;
    let step = customer_step(&v);
    let status_text = locale.t(step.key);
    let offset = chrono::Duration::hours(i64::from(state.settings.tickets.utc_offset_hours));
    let crew = match step.arrival {
        true => crate::services::positions::for_customer(&state.db, &state.settings.eta, ticket)
            .await
            .map_err(|e| PageError::App(e, locale))?
            .map(|e| {
                super::positions::crew_line(locale, &e, state.settings.tickets.utc_offset_hours)
            }),
        false => None,
    };
    // A live position gives the arrival; a stale one leaves the time the customer was told.
    let live = crew.as_ref().is_some_and(|k| !k.stale);
    let (rating, rated_score) = match v.rating {
        Some(CustomerRating::Offered) => ("offered", 0),
        Some(CustomerRating::Rated { score }) => ("rated", u64::from(score)),
        None => ("", 0),
    };
    let (errors, alert) = match &form.refusal {
        Some(e) => (
            e.fields_in(locale),
            Some((
                e.code.as_str(),
                if e.fields.is_empty() {
                    e.message_in(locale)
                } else {
                    locale.t("form-correct-marked-fields")
                },
            )),
        ),
        None => (BTreeMap::new(), None),
    };
    Ok(html(
        http_status,
        &StatusPage {
            rating,
            rated_score,
            stars_shown: (1..=5)
                .map(|i| if i <= rated_score { '★' } else { '☆' })
                .collect(),
            scores: (1..=5u8)
                .zip(SCORE_KEYS)
                .rev()
                .map(|(n, key)| {
                    let stars =
                        locale.t_with("status-rate-star-label", &[("score", u64::from(n).into())]);
                    (n.to_string(), format!("{stars} · {}", locale.t(key)))
                })
                .collect(),
            typed_score: form.score,
            typed_comment: form.comment,
            errors,
            alert,
            crew,
            c: Chrome::anonymous(locale),
            status_code: v.status.as_str(),
            parts_eta: v
                .parts_expected_at
                .map(|t| (t + offset).format("%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            arrival: v
                .expected_arrival_at
                .filter(|_| step.arrival && !live)
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

/// The words of each score, 1 to 5 (the agent's form says the same).
const SCORE_KEYS: [&str; 5] = [
    "fu-score-1",
    "fu-score-2",
    "fu-score-3",
    "fu-score-4",
    "fu-score-5",
];

/// A refused link on a JSON post from the status page: `403` with what is wrong with the link,
/// whatever it is (the location post and the rating answer alike).
fn link_refused(e: LinkError) -> crate::error::AppError {
    let m = e.msg();
    crate::error::AppError::msg(crate::error::ErrorCode::Forbidden, m.key, &m.params)
}

/// `POST /s/{code}/rating`: the customer rates the rescue once it is over. The code in the path
/// is the credential (no CSRF token: nobody is signed in, and a forged post needs the code),
/// checked before the body, as for the location. The status page's form posts
/// `application/x-www-form-urlencoded` and works without script: the page again after a
/// redirect (thanks and the score), or with the refusal and its stable code (`data-error`) at the
/// error's status; a bad link gets the link's error page. A JSON body (`{"score": 1-5,
/// "comment": …}`) is answered in JSON in the API's error format, like the location post.
pub async fn rate(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let code = code.into_inner();
    let json = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    let opened = public::open_link(&state.db, &state.notifier, code.clone(), Scope::Status).await;
    let limit = state.settings.server.body_limit_kb * 1024;
    if json {
        let answer = async {
            let (claims, _) = opened.map_err(link_refused)?;
            let body = crate::api::body::read_body(payload, limit).await?;
            let req: RateRequest = crate::api::body::parse_json(&body)?;
            follow_ups::rate_by_link(&state.db, &state.settings.follow_up, claims, req).await
        };
        return Ok(match answer.await {
            Ok(rated) => HttpResponse::Ok().json(serde_json::json!({"ok": true, "rating": rated})),
            Err(e) => actix_web::ResponseError::error_response(&e),
        });
    }
    let (claims, _) = match opened {
        Ok(found) => found,
        Err(e) => return Ok(link_error(&req, e)),
    };
    let locale = request_locale(&req, None);
    let body = crate::api::body::read_body(payload, limit)
        .await
        .map_err(|e| PageError::App(e, locale))?;
    let f = Fields::parse(&body);
    let form = RatingForm {
        score: f.get("score").to_owned(),
        comment: f.get("comment").to_owned(),
        refusal: None,
    };
    let result = match form.score.parse::<i64>() {
        Ok(score) => {
            follow_ups::rate_by_link(
                &state.db,
                &state.settings.follow_up,
                claims,
                RateRequest {
                    score,
                    comment: Some(form.comment.clone()),
                },
            )
            .await
        }
        Err(_) => Err(crate::error::AppError::field(
            "score",
            crate::i18n::Msg::new("fu-score-pick"),
        )),
    };
    match result {
        Ok(_) => Ok(redirect(&format!("/s/{code}#rating"))),
        Err(e) => {
            let status = e.code.status();
            let form = RatingForm {
                refusal: Some(e),
                ..form
            };
            status_page(&req, &state, code, form, status).await
        }
    }
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
            .map_err(link_refused)?;
    let crate::api::body::Json(position) = body?;
    let shared = public::share_location(&state.db, claims, position).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "ok": true,
        // The ticket was waiting for this position and now has it as its site.
        "location_filled": shared == public::Shared::FilledPending,
    })))
}
