//! Page sessions (stored by the hash of their cookie, shown by their public id) and the listing
//! and revoking of a user's sessions and API tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Identity;
use crate::db::schema::{api_tokens, dealers, sessions, users};
use crate::db::AnyConnection;
use crate::error::AppError;

/// A session as sign-in writes it.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub id_hash: &'a str,
    pub user_id: &'a str,
    pub csrf_token: &'a str,
    pub now: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub user_agent: &'a str,
    pub client_ip: Option<&'a str>,
}

/// Sessions over at `now`: past their absolute end or unused since `idle_cutoff`.
macro_rules! over {
    ($now:expr, $idle_cutoff:expr) => {
        sessions::expires_at
            .le($now)
            .or(sessions::last_seen_at.le($idle_cutoff))
    };
}

/// Sessions that still let their holder in.
macro_rules! live {
    ($now:expr, $idle_cutoff:expr) => {
        sessions::expires_at
            .gt($now)
            .and(sessions::last_seen_at.gt($idle_cutoff))
    };
}

pub fn insert(
    conn: &mut AnyConnection,
    s: &NewSession<'_>,
    idle_cutoff: NaiveDateTime,
) -> Result<(), AppError> {
    // Sign-in is a natural moment to forget everyone's sessions that are over.
    diesel::delete(sessions::table.filter(over!(s.now, idle_cutoff))).execute(conn)?;
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(s.id),
            sessions::id_hash.eq(s.id_hash),
            sessions::user_id.eq(s.user_id),
            sessions::csrf_token.eq(s.csrf_token),
            sessions::created_at.eq(s.now),
            sessions::expires_at.eq(s.expires_at),
            sessions::last_seen_at.eq(s.now),
            sessions::user_agent.eq(s.user_agent),
            sessions::client_ip.eq(s.client_ip),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a page request learns of its live session besides the user.
pub struct Seen {
    pub csrf_token: String,
    pub last_seen_at: NaiveDateTime,
}

/// The user and session of a live session's cookie hash (an inactive user has none).
pub fn identity(
    conn: &mut AnyConnection,
    id_hash: &str,
    now: NaiveDateTime,
    idle_cutoff: NaiveDateTime,
) -> Result<Option<(Identity, Seen)>, AppError> {
    let row: Option<(String, String, NaiveDateTime)> = sessions::table
        .filter(sessions::id_hash.eq(id_hash))
        .filter(live!(now, idle_cutoff))
        .select((
            sessions::user_id,
            sessions::csrf_token,
            sessions::last_seen_at,
        ))
        .first(conn)
        .optional()?;
    let Some((user_id, csrf_token, last_seen_at)) = row else {
        return Ok(None);
    };
    Ok(super::users::identity(conn, &user_id)?.map(|i| {
        (
            i,
            Seen {
                csrf_token,
                last_seen_at,
            },
        )
    }))
}

/// Writes a session's last use unless another request (or node) did since `stale_before`.
pub fn stamp(
    conn: &mut AnyConnection,
    id_hash: &str,
    now: NaiveDateTime,
    stale_before: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(
        sessions::table
            .filter(sessions::id_hash.eq(id_hash))
            .filter(sessions::last_seen_at.lt(stale_before)),
    )
    .set(sessions::last_seen_at.eq(now))
    .execute(conn)?;
    Ok(())
}

pub fn delete_by_hash(conn: &mut AnyConnection, id_hash: &str) -> Result<usize, AppError> {
    Ok(diesel::delete(sessions::table.filter(sessions::id_hash.eq(id_hash))).execute(conn)?)
}

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub user_agent: String,
    pub client_ip: Option<String>,
    /// The session the request came with (its hash compared here: it never leaves the repo).
    pub current: bool,
}

/// A user's live sessions, the latest used first, at most `limit`; and how many there are.
pub fn live_of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    current_hash: Option<&str>,
    now: NaiveDateTime,
    idle_cutoff: NaiveDateTime,
    limit: i64,
) -> Result<(Vec<SessionRow>, i64), AppError> {
    type Row = (
        String,
        String,
        NaiveDateTime,
        NaiveDateTime,
        NaiveDateTime,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(live!(now, idle_cutoff))
        .order((sessions::last_seen_at.desc(), sessions::id.desc()))
        .limit(limit)
        .select((
            sessions::id,
            sessions::id_hash,
            sessions::created_at,
            sessions::last_seen_at,
            sessions::expires_at,
            sessions::user_agent,
            sessions::client_ip,
        ))
        .load(conn)?;
    let total: i64 = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(live!(now, idle_cutoff))
        .count()
        .get_result(conn)?;
    let rows = rows
        .into_iter()
        .map(
            |(id, hash, created_at, last_seen_at, expires_at, user_agent, client_ip)| SessionRow {
                current: current_hash.is_some_and(|c| crate::auth::secret::same(c, &hash)),
                id,
                created_at,
                last_seen_at,
                expires_at,
                user_agent,
                client_ip,
            },
        )
        .collect();
    Ok((rows, total))
}

/// Ends one session of a user; 0 when the user has no such session.
pub fn delete_of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    session_id: &str,
) -> Result<usize, AppError> {
    Ok(diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.eq(session_id)),
    )
    .execute(conn)?)
}

/// Ends every session of a user but the one whose cookie hashes to `keep`; how many ended.
pub fn delete_all_of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    keep: Option<&str>,
) -> Result<usize, AppError> {
    let mine = sessions::table.filter(sessions::user_id.eq(user_id));
    Ok(match keep {
        Some(hash) => diesel::delete(mine.filter(sessions::id_hash.ne(hash))).execute(conn)?,
        None => diesel::delete(mine).execute(conn)?,
    })
}

#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: String,
    pub label: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A user's API tokens, live ones first, then the newest; at most `limit`; and how many there are.
pub fn tokens_of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    limit: i64,
) -> Result<(Vec<TokenRow>, i64), AppError> {
    type Row = (
        String,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order((
            api_tokens::revoked_at.is_not_null().asc(),
            api_tokens::created_at.desc(),
            api_tokens::id.desc(),
        ))
        .limit(limit)
        .select((
            api_tokens::id,
            api_tokens::label,
            api_tokens::created_at,
            api_tokens::last_used_at,
            api_tokens::revoked_at,
        ))
        .load(conn)?;
    let total: i64 = api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    let rows = rows
        .into_iter()
        .map(
            |(id, label, created_at, last_used_at, revoked_at)| TokenRow {
                id,
                label,
                created_at,
                last_used_at,
                revoked_at,
            },
        )
        .collect();
    Ok((rows, total))
}

/// Whether a token of the user is (still) in the table, revoked or not.
pub fn token_exists(
    conn: &mut AnyConnection,
    user_id: &str,
    token_id: &str,
) -> Result<bool, AppError> {
    let n: i64 = api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::id.eq(token_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Revokes a live token of the user (guarded: a token already revoked stays as it was); the
/// number of tokens revoked now, 0 or 1.
pub fn revoke_token(
    conn: &mut AnyConnection,
    user_id: &str,
    token_id: &str,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    Ok(diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::id.eq(token_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)?)
}

/// A user of one of the group's dealers: (login, name, dealer id, dealer name); None for a user
/// of another group, or no such user.
pub fn user_of_group(
    conn: &mut AnyConnection,
    group_id: &str,
    user_id: &str,
) -> Result<Option<(String, String, String, String)>, AppError> {
    Ok(users::table
        .inner_join(dealers::table)
        .filter(users::id.eq(user_id))
        .filter(dealers::group_id.eq(group_id))
        .select((users::login, users::name, users::dealer_id, dealers::name))
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone)]
pub struct GroupUserRow {
    pub id: String,
    pub login: String,
    pub name: String,
    pub dealer_name: String,
    pub active: bool,
    pub live_sessions: i64,
    pub live_tokens: i64,
}

/// One page of the group's users (by dealer code, then login) with how many live sessions and
/// tokens each holds; and how many users the group has.
pub fn users_of_group(
    conn: &mut AnyConnection,
    group_id: &str,
    now: NaiveDateTime,
    idle_cutoff: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> Result<(Vec<GroupUserRow>, i64), AppError> {
    let rows: Vec<(String, String, String, String, bool)> = users::table
        .inner_join(dealers::table)
        .filter(dealers::group_id.eq(group_id))
        .order((dealers::code.asc(), users::login.asc()))
        .offset(offset)
        .limit(limit)
        .select((
            users::id,
            users::login,
            users::name,
            dealers::name,
            users::active,
        ))
        .load(conn)?;
    let total: i64 = users::table
        .inner_join(dealers::table)
        .filter(dealers::group_id.eq(group_id))
        .count()
        .get_result(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let sessions: Vec<(String, i64)> = sessions::table
        .filter(sessions::user_id.eq_any(&ids))
        .filter(live!(now, idle_cutoff))
        .group_by(sessions::user_id)
        .select((sessions::user_id, diesel::dsl::count_star()))
        .load(conn)?;
    let tokens: Vec<(String, i64)> = api_tokens::table
        .filter(api_tokens::user_id.eq_any(&ids))
        .filter(api_tokens::revoked_at.is_null())
        .group_by(api_tokens::user_id)
        .select((api_tokens::user_id, diesel::dsl::count_star()))
        .load(conn)?;
    let count =
        |of: &[(String, i64)], id: &str| of.iter().find(|(u, _)| u == id).map_or(0, |(_, n)| *n);
    let rows = rows
        .iter()
        .map(|(id, login, name, dealer_name, active)| GroupUserRow {
            live_sessions: count(&sessions, id),
            live_tokens: count(&tokens, id),
            id: id.clone(),
            login: login.clone(),
            name: name.clone(),
            dealer_name: dealer_name.clone(),
            active: *active,
        })
        .collect();
    Ok((rows, total))
}
