//! A user's page sessions and API tokens: listed for their owner (and the group's admins), each
//! revocable, every revoke audited. A revoked session or token is gone from the tables the
//! request extractors read, so the very next request with it is refused.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::ids::{ApiTokenId, SessionId, UserId};
use crate::domain::role::Action;
use crate::domain::session::{browser_line, Expiry};
use crate::error::{AppError, Thing};
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::sessions as repo;

/// The most sessions, and tokens, one list shows (the newest; `total` says how many there are).
pub const MAX_LISTED: i64 = 100;

/// Users per page of the group's user list.
pub const USERS_PER_PAGE: i64 = 50;

/// The highest page number asked for that is read at all (beyond it: an empty page).
pub const MAX_PAGE: u32 = 1_000;

/// A live page session. Never its cookie, nor the cookie's hash.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    /// Its public id, for revoking it.
    #[schema(value_type = String)]
    pub id: SessionId,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub signed_in_at: NaiveDateTime,
    /// The last request made with it (written at most once a minute).
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub last_seen_at: NaiveDateTime,
    /// When it ends if nobody uses it: the idle expiry or its absolute end, whichever is first.
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: NaiveDateTime,
    /// "Chrome 120 · Windows"; null when the browser sent nothing known.
    pub browser: Option<String>,
    /// The browser's `User-Agent` as stored (printable ASCII, at most 256 characters).
    pub user_agent: String,
    /// The address it signed in from, when one was known.
    pub client_ip: Option<String>,
    /// The session this request came with (a page request; never true over the API).
    pub current: bool,
}

/// A user's live sessions, the latest used first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionList {
    /// At most 100.
    pub sessions: Vec<SessionView>,
    /// How many live sessions there are.
    pub total: i64,
}

/// An API token. Never the token, nor its hash.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    #[schema(value_type = String)]
    pub id: ApiTokenId,
    pub label: String,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    /// Written at most once a minute; null: never used.
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<NaiveDateTime>,
    /// Null while the token works.
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<NaiveDateTime>,
}

/// A user's API tokens: the working ones first, then the newest.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenList {
    /// At most 100.
    pub tokens: Vec<TokenView>,
    /// How many tokens the user has, revoked ones included.
    pub total: i64,
}

/// How many sessions a "sign out everywhere" ended.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Revoked {
    pub revoked: i64,
}

/// Whose sessions: the actor's own, or (an admin) a user of the actor's group.
#[derive(Debug, Clone)]
pub enum Whose {
    Own,
    User(UserId),
}

/// The user a request acts on, once the actor may.
struct Target {
    user_id: String,
    dealer_id: String,
    login: String,
    name: String,
    dealer_name: String,
}

fn target(conn: &mut AnyConnection, actor: &Identity, whose: &Whose) -> Result<Target, AppError> {
    match whose {
        Whose::Own => Ok(Target {
            user_id: actor.user()?.to_string(),
            dealer_id: actor.dealer_id.to_string(),
            login: actor.login.clone(),
            name: actor.name.clone(),
            dealer_name: actor.dealer_name.clone(),
        }),
        Whose::User(id) => {
            // A user of another group is not there for this admin, like no user at all.
            let (login, name, dealer_id, dealer_name) =
                repo::user_of_group(conn, actor.group_id.as_str(), id.as_str())?
                    .ok_or_else(|| AppError::not_found(Thing::User))?;
            Ok(Target {
                user_id: id.to_string(),
                dealer_id,
                login,
                name,
                dealer_name,
            })
        }
    }
}

/// The role check before anything is read: one's own sessions, or the group's (admins).
fn require(actor: &Identity, whose: &Whose) -> Result<(), AppError> {
    actor.user()?;
    match whose {
        Whose::Own => actor.require(Action::ManageOwnSessions),
        Whose::User(_) => actor.require(Action::ManageGroupSessions),
    }
}

fn session_views(rows: Vec<repo::SessionRow>, expiry: Expiry) -> Vec<SessionView> {
    rows.into_iter()
        .filter_map(|r| {
            Some(SessionView {
                id: SessionId::parse(&r.id)?,
                signed_in_at: r.created_at,
                last_seen_at: r.last_seen_at,
                ends_at: expiry.ends_at(r.expires_at, r.last_seen_at),
                browser: browser_line(&r.user_agent),
                user_agent: r.user_agent,
                client_ip: r.client_ip,
                current: r.current,
            })
        })
        .collect()
}

fn token_views(rows: Vec<repo::TokenRow>) -> Vec<TokenView> {
    rows.into_iter()
        .filter_map(|r| {
            Some(TokenView {
                id: ApiTokenId::parse(&r.id)?,
                label: r.label,
                created_at: r.created_at,
                last_used_at: r.last_used_at,
                revoked_at: r.revoked_at,
            })
        })
        .collect()
}

fn sessions_in(
    conn: &mut AnyConnection,
    user_id: &str,
    current_hash: Option<&str>,
    expiry: Expiry,
) -> Result<SessionList, AppError> {
    let now = crate::repo::now();
    let (rows, total) = repo::live_of_user(
        conn,
        user_id,
        current_hash,
        now,
        expiry.idle_cutoff(now),
        MAX_LISTED,
    )?;
    Ok(SessionList {
        sessions: session_views(rows, expiry),
        total,
    })
}

fn tokens_in(conn: &mut AnyConnection, user_id: &str) -> Result<TokenList, AppError> {
    let (rows, total) = repo::tokens_of_user(conn, user_id, MAX_LISTED)?;
    Ok(TokenList {
        tokens: token_views(rows),
        total,
    })
}

/// A user's sessions. `current_hash`: the cookie hash of the page request, to mark its session.
pub async fn sessions(
    db: &Db,
    actor: &Identity,
    whose: Whose,
    current_hash: Option<String>,
    expiry: Expiry,
) -> Result<SessionList, AppError> {
    require(actor, &whose)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let t = target(conn, &actor, &whose)?;
        sessions_in(conn, &t.user_id, current_hash.as_deref(), expiry)
    })
    .await
}

/// A user's API tokens.
pub async fn tokens(db: &Db, actor: &Identity, whose: Whose) -> Result<TokenList, AppError> {
    require(actor, &whose)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let t = target(conn, &actor, &whose)?;
        tokens_in(conn, &t.user_id)
    })
    .await
}

/// What the account page (and an admin's page of one user) shows.
pub struct Security {
    pub login: String,
    pub name: String,
    pub dealer_name: String,
    pub sessions: SessionList,
    pub tokens: TokenList,
}

/// A user's sessions and tokens in one read.
pub async fn security(
    db: &Db,
    actor: &Identity,
    whose: Whose,
    current_hash: Option<String>,
    expiry: Expiry,
) -> Result<Security, AppError> {
    require(actor, &whose)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let t = target(conn, &actor, &whose)?;
        Ok(Security {
            sessions: sessions_in(conn, &t.user_id, current_hash.as_deref(), expiry)?,
            tokens: tokens_in(conn, &t.user_id)?,
            login: t.login,
            name: t.name,
            dealer_name: t.dealer_name,
        })
    })
    .await
}

/// Ends one session of the user; `404 session` when the user has no such session.
pub async fn revoke_session(
    db: &Db,
    actor: &Identity,
    whose: Whose,
    session: SessionId,
) -> Result<(), AppError> {
    require(actor, &whose)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let t = target(conn, &actor, &whose)?;
        if repo::delete_of_user(conn, &t.user_id, session.as_str())? == 0 {
            return Err(AppError::not_found(Thing::Session));
        }
        audit::append(
            conn,
            NewAuditEvent {
                dealer_id: Some(&t.dealer_id),
                entity: "user",
                entity_id: &t.user_id,
                action: "session.revoked",
                actor_id: actor.audit_actor(),
                data: Some(serde_json::json!({ "session_id": session.as_str() })),
                ..Default::default()
            },
        )
    })
    .await
}

/// Ends every session of the user but the one whose cookie hashes to `keep` (the page's own,
/// for "sign out everywhere else"); how many ended. Audited even when none did: the user asked.
pub async fn revoke_sessions(
    db: &Db,
    actor: &Identity,
    whose: Whose,
    keep: Option<String>,
) -> Result<Revoked, AppError> {
    require(actor, &whose)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let t = target(conn, &actor, &whose)?;
        let n = repo::delete_all_of_user(conn, &t.user_id, keep.as_deref())?;
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        audit::append(
            conn,
            NewAuditEvent {
                dealer_id: Some(&t.dealer_id),
                entity: "user",
                entity_id: &t.user_id,
                action: "session.revoked_all",
                actor_id: actor.audit_actor(),
                data: Some(serde_json::json!({ "revoked": n, "kept_current": keep.is_some() })),
                ..Default::default()
            },
        )?;
        Ok(Revoked { revoked: n })
    })
    .await
}

/// Revokes an API token of the user; `404 api_token` when the user has no such token. Revoking
/// one already revoked changes nothing and succeeds (a retried request).
pub async fn revoke_token(
    db: &Db,
    actor: &Identity,
    whose: Whose,
    token: ApiTokenId,
) -> Result<(), AppError> {
    require(actor, &whose)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let t = target(conn, &actor, &whose)?;
        let now = crate::repo::now();
        if repo::revoke_token(conn, &t.user_id, token.as_str(), now)? == 0 {
            return if repo::token_exists(conn, &t.user_id, token.as_str())? {
                Ok(())
            } else {
                Err(AppError::not_found(Thing::ApiToken))
            };
        }
        audit::append(
            conn,
            NewAuditEvent {
                dealer_id: Some(&t.dealer_id),
                entity: "user",
                entity_id: &t.user_id,
                action: "token.revoked",
                actor_id: actor.audit_actor(),
                data: Some(serde_json::json!({ "token_id": token.as_str() })),
                ..Default::default()
            },
        )
    })
    .await
}

/// A user of the group as the admin's list shows them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroupUserView {
    pub id: String,
    pub login: String,
    pub name: String,
    pub dealer_name: String,
    pub active: bool,
    /// Live page sessions.
    pub sessions: i64,
    /// Tokens not revoked.
    pub tokens: i64,
}

/// One page of the group's users.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroupUsers {
    pub users: Vec<GroupUserView>,
    pub page: u32,
    pub per_page: i64,
    /// How many users the group has.
    pub total: i64,
}

/// The admin's list of the group's users with their live sessions and tokens, 50 a page.
pub async fn group_users(
    db: &Db,
    actor: &Identity,
    page: u32,
    expiry: Expiry,
) -> Result<GroupUsers, AppError> {
    actor.require(Action::ManageGroupSessions)?;
    let group = actor.group_id.to_string();
    let page = page.clamp(1, MAX_PAGE);
    db.read(move |conn| {
        let now = crate::repo::now();
        let offset = (i64::from(page) - 1) * USERS_PER_PAGE;
        let (rows, total) = repo::users_of_group(
            conn,
            &group,
            now,
            expiry.idle_cutoff(now),
            offset,
            USERS_PER_PAGE,
        )?;
        Ok(GroupUsers {
            users: rows
                .into_iter()
                .map(|r| GroupUserView {
                    id: r.id,
                    login: r.login,
                    name: r.name,
                    dealer_name: r.dealer_name,
                    active: r.active,
                    sessions: r.live_sessions,
                    tokens: r.live_tokens,
                })
                .collect(),
            page,
            per_page: USERS_PER_PAGE,
            total,
        })
    })
    .await
}

/// A user id from a path: the shape of the ids users are given (at most 64 letters, digits,
/// `-` and `_`), else `404 user`, like an id that names no user of the group.
pub fn user_id(segment: &str) -> Result<UserId, AppError> {
    let ok = (1..=64).contains(&segment.len())
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    ok.then(|| UserId::from(segment))
        .ok_or_else(|| AppError::not_found(Thing::User))
}
