//! Who is calling: the signed-in user with dealer and roles, and the bearer-token extractor for the JSON API.

use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};

use crate::domain::ids::{DealerId, GroupId, TechnicianId, UserId};
use crate::domain::role::{Action, Role};
use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Identity {
    /// The staff user: the signed-in one, or the account of the technician behind a job link
    /// (audit events name it); none for a customer's link or a technician without an account.
    pub user_id: Option<UserId>,
    pub login: String,
    pub name: String,
    pub dealer_id: DealerId,
    pub dealer_name: String,
    pub group_id: GroupId,
    pub roles: Vec<Role>,
    pub locale: String,
    /// Set when a technician acts through a job link, without a sign-in.
    pub technician_id: Option<TechnicianId>,
    /// The public id of the link acted through (its nonce, never the code): audit events name it.
    pub link_id: Option<String>,
}

impl Identity {
    /// A technician holding a valid job link: may do crew steps on that ticket only.
    pub fn technician_link(
        technician_id: &TechnicianId,
        name: &str,
        dealer_id: &DealerId,
        user_id: Option<UserId>,
        link_id: &str,
    ) -> Identity {
        Identity {
            user_id,
            login: format!("link:{technician_id}"),
            name: name.to_owned(),
            dealer_id: dealer_id.clone(),
            dealer_name: String::new(),
            group_id: GroupId::default(),
            roles: vec![Role::Technician],
            locale: "zh-CN".into(),
            technician_id: Some(technician_id.clone()),
            link_id: Some(link_id.to_owned()),
        }
    }

    /// The customer holding their status link (the nonce `link_id`): no user and no role; the
    /// one thing it does is rate the rescue (`services::follow_ups::rate_by_link`), and audit
    /// events name the link.
    pub fn customer_link(dealer_id: &DealerId, link_id: &str) -> Identity {
        Identity {
            user_id: None,
            login: "link:customer".into(),
            name: String::new(),
            dealer_id: dealer_id.clone(),
            dealer_name: String::new(),
            group_id: GroupId::default(),
            roles: Vec::new(),
            locale: "zh-CN".into(),
            technician_id: None,
            link_id: Some(link_id.to_owned()),
        }
    }

    /// The user to name in audit events; none for a technician acting through a link.
    pub fn audit_actor(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// The signed-in user a step records (who reviewed, issued, approved …). A link holder has
    /// none: such a step asked through a link is refused as not signed in. The role checks
    /// already keep link holders out of these steps; this keeps an empty id out of the rows.
    pub fn user(&self) -> Result<&UserId, AppError> {
        self.user_id.as_ref().ok_or_else(AppError::unauthenticated)
    }

    /// The one role check every handler calls before acting.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if action.permitted(&self.roles) {
            Ok(())
        } else {
            tracing::info!(user = %self.login, ?action, "refused: role lacks permission");
            Err(AppError::forbidden(action.code(), action.label_key()))
        }
    }

    pub fn may(&self, action: Action) -> bool {
        action.permitted(&self.roles)
    }
}

/// Extracts the user from `Authorization: Bearer rdk_…`; the API takes nothing else,
/// so a browser's cookies can never be replayed against it (no CSRF surface).
pub struct ApiUser(pub Identity);

impl FromRequest for ApiUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal("AppState missing"))?;
            let token = token.ok_or_else(AppError::unauthenticated)?;
            let hash = super::secret::token_hash(&token);
            let lookup = hash.clone();
            // A read: a request never waits for the writer (an import may hold it for seconds).
            let found = state
                .db
                .read(move |conn| crate::repo::users::token_user(conn, &lookup))
                .await?;
            let Some((identity, last_used)) = found else {
                return Err(AppError::msg(
                    crate::error::ErrorCode::Unauthenticated,
                    "svc-token-unknown",
                    &[],
                ));
            };
            stamp_last_use(&state, hash, last_used);
            Ok(ApiUser(identity))
        })
    }
}

/// How stale a token's last-used time may get: it is written at most this often.
pub const TOKEN_STAMP_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// Tokens (and page sessions) this node has stamped lately, so that a burst of requests (while
/// the writer is busy) queues one stamp, not one per request.
#[derive(Default)]
pub struct TokenStamps(std::sync::Mutex<std::collections::HashMap<String, chrono::NaiveDateTime>>);

impl TokenStamps {
    /// True when this node should stamp the token now (and notes that it does).
    pub fn claim(&self, hash: &str, now: chrono::NaiveDateTime) -> bool {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.get(hash).is_some_and(|t| now - *t < TOKEN_STAMP_EVERY) {
            return false;
        }
        // Forget old claims now and then: there are few tokens, but keep it bounded anyway.
        if map.len() >= 1024 {
            map.retain(|_, t| now - *t < TOKEN_STAMP_EVERY);
        }
        map.insert(hash.to_owned(), now);
        true
    }
}

/// Writes the token's last use when the stored one is over a minute old, in a task of its own:
/// the answer does not wait for it.
fn stamp_last_use(
    state: &web::Data<AppState>,
    hash: String,
    last_used: Option<chrono::NaiveDateTime>,
) {
    let now = crate::repo::now();
    let stale_before = now - TOKEN_STAMP_EVERY;
    if last_used.is_some_and(|t| t >= stale_before) || !state.token_stamps.claim(&hash, now) {
        return;
    }
    let state = state.clone();
    actix_web::rt::spawn(async move {
        let result = state
            .db
            .write(move |conn| crate::repo::users::stamp_token(conn, &hash, now, stale_before))
            .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not stamp a token's last use");
        }
    });
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    let value = value.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}
