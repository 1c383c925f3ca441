//! Staff accounts: creating users, API tokens, and signing in and out of pages.

use std::time::Instant;

use chrono::Duration;

use crate::auth::throttle::{Lockout, SignInThrottle};
use crate::auth::{password, secret, Identity};
use crate::config::Settings;
use crate::db::Db;
use crate::domain::role::Role;
use crate::domain::session;
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::i18n::Msg;
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::sessions;
use crate::repo::users::{self as repo, NewUser, UserRow};

/// What `rescuedesk user add` collects.
#[derive(Debug, Clone)]
pub struct AddUser {
    pub login: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub dealer_code: String,
    pub roles: Vec<String>,
    pub password: String,
}

pub fn add_user(db: &Db, req: AddUser) -> Result<String, AppError> {
    let mut fields = FieldErrors::new();
    let login = req.login.trim().to_ascii_lowercase();
    if login.len() < 3
        || login.len() > 40
        || !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        fields.insert("login".into(), Msg::new("svc-user-login-invalid"));
    }
    let name = req.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 50 {
        fields.insert("name".into(), Msg::new("svc-user-name-invalid"));
    }
    let phone = match crate::domain::phone::PhoneNumber::parse(&req.phone) {
        Ok(p) => p.as_str().to_owned(),
        Err(e) => {
            fields.insert("phone".into(), e.msg());
            String::new()
        }
    };
    let email = req.email.trim().to_owned();
    let valid_email = email.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.')
    });
    if !valid_email || email.chars().any(char::is_whitespace) {
        fields.insert("email".into(), Msg::new("svc-user-email-invalid"));
    }
    let mut roles = Vec::new();
    for r in &req.roles {
        match Role::parse(r) {
            Some(role) if !roles.contains(&role) => roles.push(role),
            Some(_) => {}
            None => {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                fields.insert(
                    "roles".into(),
                    Msg::with(
                        "svc-user-role-unknown",
                        &[
                            ("role", r.as_str().into()),
                            ("known", known.join(", ").into()),
                        ],
                    ),
                );
            }
        }
    }
    if roles.is_empty() && !fields.contains_key("roles") {
        fields.insert("roles".into(), Msg::new("svc-user-role-required"));
    }
    if req.password.chars().count() < password::MIN_PASSWORD_CHARS {
        fields.insert(
            "password".into(),
            Msg::with(
                "svc-user-password-too-short",
                &[("min", password::MIN_PASSWORD_CHARS.into())],
            ),
        );
    }
    if !fields.is_empty() {
        return Err(AppError::validation(fields));
    }
    let password_hash = password::hash_password(&req.password)?;
    let dealer_code = req.dealer_code.trim().to_ascii_lowercase();
    db.write_blocking(|conn| {
        let dealer_id = repo::dealer_id_by_code(conn, &dealer_code)?.ok_or_else(|| {
            AppError::field(
                "dealer",
                Msg::with(
                    "svc-user-dealer-unknown",
                    &[("code", dealer_code.as_str().into())],
                ),
            )
        })?;
        let id = repo::insert_user(
            conn,
            &NewUser {
                login: login.clone(),
                name,
                phone,
                email,
                dealer_id: dealer_id.clone(),
                password_hash,
                roles: roles.clone(),
            },
        )?;
        let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        audit::append(
            conn,
            NewAuditEvent {
                dealer_id: Some(&dealer_id),
                entity: "user",
                entity_id: &id,
                action: "user.created",
                data: Some(serde_json::json!({ "login": login, "roles": roles })),
                ..Default::default()
            },
        )?;
        Ok(id)
    })
}

pub fn list_users(db: &Db) -> Result<Vec<UserRow>, AppError> {
    db.read_blocking(repo::list_users)
}

/// Issues a bearer token; only its hash is kept, so this is the one time it is shown.
pub fn create_token(db: &Db, login: &str, label: &str) -> Result<String, AppError> {
    let token = secret::new_api_token();
    let hash = secret::token_hash(&token);
    db.write_blocking(|conn| {
        let user_id =
            repo::user_id_by_login(conn, login)?.ok_or_else(|| AppError::user_not_found(login))?;
        repo::insert_token(conn, &user_id, &hash, label)?;
        audit::append(
            conn,
            NewAuditEvent {
                entity: "user",
                entity_id: &user_id,
                action: "token.created",
                data: Some(serde_json::json!({ "label": label })),
                ..Default::default()
            },
        )?;
        Ok(())
    })?;
    Ok(token)
}

/// A new page session: the cookie value (returned once, stored hashed) and its CSRF token.
pub struct NewSession {
    pub cookie_value: String,
    pub identity: Identity,
}

/// One try at the sign-in form: the login and password typed, and where it came from.
pub struct SignInAttempt {
    pub login: String,
    pub password: String,
    /// The client address that throttling counts failures against.
    pub client: String,
    /// The `User-Agent` header's bytes, kept (bounded) with the session for its owner's list.
    pub user_agent: Vec<u8>,
}

pub async fn sign_in(
    db: &Db,
    throttle: &SignInThrottle,
    settings: &Settings,
    attempt: SignInAttempt,
) -> Result<NewSession, AppError> {
    let login = attempt.login.trim().to_ascii_lowercase();
    let client = attempt.client;
    // A locked login or address is refused before any hashing: throttling also spares the CPU.
    if let Err(wait) = throttle.check(&login, &client, Instant::now()) {
        tracing::info!(%login, %client, wait_s = wait.as_secs(), "sign-in refused: locked out");
        return Err(too_many_attempts(wait, settings.tickets.utc_offset_hours));
    }
    let lookup = login.clone();
    let found = db
        .read(move |conn| repo::credentials(conn, &lookup))
        .await?;
    // Verify against a dummy hash for unknown logins: same time, no user enumeration.
    let (user_id, stored) = match found {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let ok = password::verify(attempt.password, stored).await?;
    let user_id = match (ok, user_id) {
        (true, Some(id)) => id,
        (_, user_id) => {
            tracing::info!(%login, %client, "sign-in refused");
            if let Some(lock) = throttle.failed(&login, &client, Instant::now()) {
                record_lockout(db, &login, user_id, &client, &lock).await?;
                return Err(too_many_attempts(
                    lock.retry_after,
                    settings.tickets.utc_offset_hours,
                ));
            }
            return Err(AppError::msg(
                ErrorCode::InvalidCredentials,
                "svc-sign-in-wrong",
                &[],
            ));
        }
    };
    throttle.succeeded(&login);
    let cookie_value = secret::random_token();
    let id_hash = secret::token_hash(&cookie_value);
    let csrf = secret::random_token();
    let expiry = settings.auth.session_expiry();
    let user_agent = session::bounded_user_agent(&attempt.user_agent);
    let client_ip = session::bounded_client_ip(&client);
    let identity = db
        .write(move |conn| {
            let now = crate::repo::now();
            let session_id = crate::repo::new_id();
            sessions::insert(
                conn,
                &sessions::NewSession {
                    id: &session_id,
                    id_hash: &id_hash,
                    user_id: &user_id,
                    csrf_token: &csrf,
                    now,
                    expires_at: expiry.expires_at(now),
                    user_agent: &user_agent,
                    client_ip: client_ip.as_deref(),
                },
                expiry.idle_cutoff(now),
            )?;
            audit::append(
                conn,
                NewAuditEvent {
                    entity: "user",
                    entity_id: &user_id,
                    action: "user.signed_in",
                    actor_id: Some(&user_id),
                    ..Default::default()
                },
            )?;
            repo::identity(conn, &user_id)?.ok_or_else(|| AppError::internal("user vanished"))
        })
        .await?;
    tracing::info!(login = %identity.login, "signed in");
    Ok(NewSession {
        cookie_value,
        identity,
    })
}

/// The start of a lock-out goes into the audit trail (once per lock-out, not per refused try,
/// so a flood of attempts cannot flood the table).
async fn record_lockout(
    db: &Db,
    login: &str,
    user_id: Option<String>,
    client: &str,
    lock: &Lockout,
) -> Result<(), AppError> {
    tracing::warn!(%login, %client, scope = lock.scope.as_str(), failures = lock.failures,
        lock_s = lock.retry_after.as_secs(), "sign-in locked out after repeated failures");
    let data = serde_json::json!({
        "login": login,
        "client": client,
        "scope": lock.scope.as_str(),
        "failures": lock.failures,
        "locked_s": lock.retry_after.as_secs(),
    });
    let entity_id = user_id.unwrap_or_else(|| login.to_owned());
    db.write(move |conn| {
        audit::append(
            conn,
            NewAuditEvent {
                entity: "user",
                entity_id: &entity_id,
                action: "user.sign_in_locked",
                data: Some(data),
                ..Default::default()
            },
        )
    })
    .await
}

/// 429 with `Retry-After`, and a message that says when to try again (local time and minutes).
fn too_many_attempts(wait: std::time::Duration, utc_offset_hours: i32) -> AppError {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    let at = chrono::Utc::now()
        + Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 2_000))
        + Duration::hours(i64::from(utc_offset_hours));
    let at = at.format("%H:%M");
    let at = at.to_string();
    if secs < 60 {
        AppError::msg(
            ErrorCode::TooManyAttempts,
            "svc-sign-in-locked-seconds",
            &[("at", at.into()), ("seconds", secs.into())],
        )
    } else {
        AppError::msg(
            ErrorCode::TooManyAttempts,
            "svc-sign-in-locked-minutes",
            &[("at", at.into()), ("minutes", secs.div_ceil(60).into())],
        )
    }
    .with_retry_after(secs)
}

pub async fn sign_out(db: &Db, cookie_value: &str) -> Result<(), AppError> {
    let hash = secret::token_hash(cookie_value);
    db.write(move |conn| sessions::delete_by_hash(conn, &hash).map(drop))
        .await
}

/// Who holds the live page session whose cookie hashes to `id_hash` (not past its absolute end,
/// used within the idle time), with the session's CSRF token and last use.
pub async fn session_identity(
    db: &Db,
    id_hash: String,
    expiry: session::Expiry,
) -> Result<Option<(Identity, sessions::Seen)>, AppError> {
    db.read(move |conn| {
        let now = crate::repo::now();
        sessions::identity(conn, &id_hash, now, expiry.idle_cutoff(now))
    })
    .await
}

/// Writes a session's last use (the idle expiry counts from it) unless it was written less than
/// a minute ago.
pub async fn stamp_session(db: &Db, id_hash: String) -> Result<(), AppError> {
    let now = crate::repo::now();
    let stale_before = now - session::SEEN_EVERY;
    db.write(move |conn| sessions::stamp(conn, &id_hash, now, stale_before))
        .await
}
