//! "My work": per role, the tickets waiting for this user's step (review queue, approval inbox, parts to issue …).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::session::{Chrome, WebUser};
use super::tickets::{local, promise_row, PromiseRow};
use super::{html, OrPage, PageError};
use crate::domain::intake::still_open;
use crate::domain::money::Fen;
use crate::domain::role::Role;
use crate::domain::ticket::TicketStatus;
use crate::services::tickets::TicketView;
use crate::services::work;
use crate::state::AppState;

pub struct Queue {
    pub id: &'static str,
    pub title: String,
    pub rows: Vec<QueueRow>,
}

pub struct QueueRow {
    pub t: TicketView,
    pub status_label: String,
    pub call_time: String,
    /// The next promise; the queue is sorted by it, the most urgent first.
    pub promise: Option<PromiseRow>,
    /// In the director's inbox: the plan waiting for the signature.
    pub approval: Option<Waiting>,
}

/// A plan in the director's inbox: which version, how much, and how long it has waited.
pub struct Waiting {
    pub version: i32,
    pub amount: String,
    pub waited: String,
}

#[derive(Template)]
#[template(path = "work.html", config = "src/web/askama.toml")]
struct WorkPage {
    c: Chrome,
    queues: Vec<Queue>,
    technician: bool,
    /// The follow-up calls to make (for those who make them), and how many there are in all.
    follow_ups: Option<(Vec<super::follow_ups::FollowUpRow>, i64)>,
    alert: Option<(&'static str, String)>,
}

#[derive(serde::Deserialize)]
pub struct Followed {
    followed: Option<String>,
}

/// Which states wait for which role, and what the queue is called.
fn queues_for(roles: &[Role]) -> Vec<(&'static str, &'static str, Vec<TicketStatus>)> {
    use TicketStatus as S;
    let mut out = Vec::new();
    for role in roles {
        match role {
            Role::CallAgent => out.push(("new", "work-queue-new", vec![S::New])),
            Role::WorkshopLead => out.push((
                "planning",
                "work-queue-planning",
                vec![S::New, S::Planning, S::Replanning],
            )),
            Role::ServiceManager => {
                out.push((
                    "review",
                    "work-queue-review",
                    vec![S::AwaitingManagerReview],
                ));
                out.push((
                    "consent",
                    "work-queue-consent",
                    vec![S::AwaitingCustomerConsent],
                ));
                out.push((
                    "close",
                    "work-queue-close",
                    vec![S::Resolved, S::TowedToWorkshop],
                ));
            }
            Role::ServiceDirector => {
                out.push(("approval", "work-queue-approval", vec![S::AwaitingDirector]))
            }
            Role::PartsDesk | Role::PartsManager => out.push((
                "parts",
                "work-queue-parts",
                TicketStatus::PARTS_PHASE.to_vec(),
            )),
            Role::Admin => out.push((
                "open",
                "work-queue-open",
                TicketStatus::ALL
                    .into_iter()
                    .filter(|s| still_open(*s))
                    .collect(),
            )),
            // The platform's catalogue admin works on no dealer's tickets.
            Role::Technician | Role::CatalogueAdmin => {}
        }
    }
    out
}

pub async fn page(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<Followed>,
) -> Result<HttpResponse, PageError> {
    let wanted = queues_for(&user.identity.roles);
    let dealer = user.identity.dealer_id.clone();
    let l = user.locale;
    let lists = work::queues(
        &state.db,
        &state.settings.sla,
        dealer,
        wanted
            .iter()
            .map(|w| work::QueueWanted {
                states: w.2.clone(),
                with_plans: w.0 == "approval",
            })
            .collect(),
    )
    .await
    .or_page(user.locale)?;
    let queues = wanted
        .into_iter()
        .zip(lists)
        .map(|((id, title, _), rows)| Queue {
            id,
            title: l.t(title),
            rows: rows
                .into_iter()
                .map(|work::QueueItem { ticket: t, plan }| {
                    let s = t.status;
                    QueueRow {
                        status_label: l.t(s.label_key()),
                        call_time: local(&state, &t.call_time),
                        promise: t.promise.as_ref().map(|p| promise_row(&state, l, p)),
                        approval: plan.map(|p| Waiting {
                            version: p.version,
                            amount: Fen::from_fen(p.total_fen).to_string(),
                            waited: super::tickets::duration_text(l, p.waited_minutes),
                        }),
                        t,
                    }
                })
                .collect(),
        })
        .collect();
    let follow_ups = super::follow_ups::queue_rows(&state, &user).await?;
    Ok(html(
        StatusCode::OK,
        &WorkPage {
            c: user.chrome(),
            queues,
            technician: user.identity.roles.contains(&Role::Technician),
            follow_ups,
            alert: q
                .followed
                .as_ref()
                .map(|_| ("ok", user.locale.t("fu-page-recorded"))),
        },
    ))
}
