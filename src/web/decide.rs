//! The one-tap decision page (`/a/{code}`) a service manager or director opens from the SMS: the
//! ticket in short, the plan version the link was sent for, and one big button for the step that
//! waits on them. The code in the path is the credential; the step runs through the same use
//! case as the ticket page's, so a refusal reads the same.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::session::{request_locale, Chrome};
use super::tickets::{promise_row, PromiseRow};
use super::{html, redirect, PageError};
use crate::i18n::Locale;
use crate::services::decide::{self, Holder, Standing, Step};
use crate::services::tickets::TicketDetail;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "decide.html", config = "src/web/askama.toml")]
struct DecidePage {
    c: Chrome,
    d: TicketDetail,
    code: String,
    alert: Option<String>,
    status_code: &'static str,
    status_label: String,
    level_label: String,
    promise: Option<PromiseRow>,
    /// The step offered (`accept`, `consent`, `approve`), empty when none.
    step: &'static str,
    /// What the step asks of the holder, in words.
    step_text: String,
    button: String,
    /// Why nothing is offered, when nothing is.
    closed_text: String,
    /// The version the link was sent for.
    version: i32,
    lead: String,
    /// The arrival to tell the customer on the consent call (dealer's local time), else empty.
    arrival: String,
}

fn step_words(l: Locale, step: Step) -> (String, String) {
    match step {
        Step::Accept => (l.t("decide-accept-text"), l.t("decide-accept-button")),
        Step::Consent => (l.t("decide-consent-text"), l.t("decide-consent-button")),
        Step::Approve => (l.t("decide-approve-text"), l.t("decide-approve-button")),
    }
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    code: String,
    holder: &Holder,
    alert: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let l = request_locale(req, Some(&holder.identity));
    let v = decide::view(
        &state.db,
        &state.settings.sla,
        state.settings.eta.model(),
        holder,
    )
    .await
    .map_err(|e| PageError::App(e, l))?;
    let (step, (step_text, button), closed_text) = match v.standing {
        Standing::Open(s) => (s.as_str(), step_words(l, s), String::new()),
        Standing::Stale { current } => (
            "",
            (String::new(), String::new()),
            l.t_with(
                "decide-stale",
                &crate::i18n::fluent_args([
                    ("sent", &serde_json::Value::from(holder.plan_version)),
                    ("current", &serde_json::Value::from(current)),
                ]),
            ),
        ),
        Standing::Done => ("", (String::new(), String::new()), l.t("decide-done")),
    };
    let t = &v.detail.ticket;
    let lead = v
        .detail
        .plan
        .as_ref()
        .and_then(|p| p.crew.iter().find(|c| c.lead))
        .map(|c| format!("{} {}", c.name, c.phone))
        .unwrap_or_default();
    let level_label = super::tickets::level_label(l, t.response_level);
    let page = DecidePage {
        c: Chrome::anonymous(l),
        status_code: t.status.as_str(),
        status_label: l.t(t.status.label_key()),
        promise: t.promise.as_ref().map(|p| promise_row(state, l, p)),
        level_label,
        step,
        step_text,
        button,
        closed_text,
        version: holder.plan_version,
        lead,
        arrival: v
            .arrival
            .map(|t| super::tickets::local(state, &t))
            .unwrap_or_default(),
        alert,
        code,
        d: v.detail,
    };
    Ok(html(status, &page))
}

/// `GET /a/{code}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let code = code.into_inner();
    match decide::holder(&state.db, &state.notifier, code.clone()).await {
        Ok(holder) => render(&req, &state, code, &holder, None, StatusCode::OK).await,
        Err(e) => Ok(super::public::link_error(&req, e)),
    }
}

/// `POST /a/{code}/act/{step}`: the step, then back to the page (post/redirect/get); a refusal
/// shows on the page with the status of the error.
pub async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    step: Step,
) -> Result<HttpResponse, PageError> {
    let code = code.into_inner();
    let holder = match decide::holder(&state.db, &state.notifier, code.clone()).await {
        Ok(h) => h,
        Err(e) => return Ok(super::public::link_error(&req, e)),
    };
    let sourcing = state.settings.sourcing.clone();
    match decide::act(
        &state.db,
        &state.notifier,
        &holder,
        step,
        sourcing,
        state.settings.eta.model(),
    )
    .await
    {
        Ok(()) => Ok(redirect(&format!("/a/{code}"))),
        Err(e) => {
            let l = request_locale(&req, Some(&holder.identity));
            let status = e.code.status();
            render(&req, &state, code, &holder, Some(e.message_in(l)), status).await
        }
    }
}
