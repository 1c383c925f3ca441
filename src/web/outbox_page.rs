//! The built-in outbox viewer: every SMS and e-mail, to whom, what, and how its delivery went.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::form::Fields;
use super::session::{Chrome, WebUser};
use super::tickets::local;
use super::{html, redirect, OrPage, PageError};
use crate::domain::role::Action;
use crate::services::outbox::{self, MessageView, OutboxQuery};
use crate::state::AppState;

pub struct Row {
    pub m: MessageView,
    pub created: String,
    pub next: String,
    pub sent: String,
}

#[derive(Template)]
#[template(path = "outbox.html", config = "src/web/askama.toml")]
struct OutboxPage {
    c: Chrome,
    q: OutboxQuery,
    rows: Vec<Row>,
    total: i64,
    may_retry: bool,
    prev_link: Option<String>,
    next_link: Option<String>,
}

pub async fn page(
    state: web::Data<AppState>,
    user: WebUser,
    q: Result<crate::api::params::Query<OutboxQuery>, crate::error::AppError>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::ViewOutbox)?;
    let q = q.or_page(user.locale)?.into_inner();
    let p = outbox::list(&state.db, &user.identity, state.viewer, q.clone())
        .await
        .or_page(user.locale)?;
    let link = |page: i64| {
        format!(
            "/outbox?page={page}&status={}&channel={}",
            q.status_code(),
            q.channel_code()
        )
    };
    let pages = (p.total + p.per_page - 1) / p.per_page;
    let rows = p
        .items
        .into_iter()
        .map(|m| Row {
            created: local(&state, &m.message.created_at),
            next: local(&state, &m.message.next_attempt_at),
            sent: m
                .message
                .sent_at
                .map(|t| local(&state, &t))
                .unwrap_or_default(),
            m,
        })
        .collect();
    Ok(html(
        StatusCode::OK,
        &OutboxPage {
            c: user.chrome(),
            may_retry: user.identity.may(Action::RetryMessages),
            prev_link: (p.page > 1).then(|| link(p.page - 1)),
            next_link: (p.page < pages).then(|| link(p.page + 1)),
            total: p.total,
            rows,
            q,
        },
    ))
}

pub async fn retry(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let id = crate::api::params::page_id(&id, crate::error::Thing::Message).or_page(user.locale)?;
    outbox::retry(&state.db, &user.identity, id)
        .await
        .or_page(user.locale)?;
    Ok(redirect("/outbox?status=pending"))
}
