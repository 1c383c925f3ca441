//! Users, roles and API tokens (page sessions: `repo::sessions`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Identity;
use crate::db::schema::{api_tokens, dealers, user_roles, users};
use crate::db::AnyConnection;
use crate::domain::role::Role;
use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub dealer_id: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone)]
pub struct UserRow {
    pub login: String,
    pub name: String,
    pub dealer_code: String,
    pub dealer_name: String,
    pub roles: Vec<String>,
    pub active: bool,
}

pub fn insert_user(conn: &mut AnyConnection, user: &NewUser) -> Result<String, AppError> {
    let id = super::new_id();
    let taken: i64 = users::table
        .filter(users::login.eq(&user.login))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(AppError::field(
            "login",
            crate::i18n::Msg::new("svc-user-login-taken"),
        ));
    }
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::login.eq(&user.login),
            users::name.eq(&user.name),
            users::phone.eq(&user.phone),
            users::email.eq(&user.email),
            users::dealer_id.eq(&user.dealer_id),
            users::password_hash.eq(&user.password_hash),
            users::locale.eq("zh-CN"),
            users::active.eq(true),
            users::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    for role in &user.roles {
        diesel::insert_into(user_roles::table)
            .values((
                user_roles::user_id.eq(&id),
                user_roles::role.eq(role.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

pub fn list_users(conn: &mut AnyConnection) -> Result<Vec<UserRow>, AppError> {
    let rows: Vec<(String, String, String, String, String, bool)> = users::table
        .inner_join(dealers::table)
        .select((
            users::id,
            users::login,
            users::name,
            dealers::code,
            dealers::name,
            users::active,
        ))
        .order((dealers::code.asc(), users::login.asc()))
        .load(conn)?;
    let roles: Vec<(String, String)> = user_roles::table
        .select((user_roles::user_id, user_roles::role))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, login, name, dealer_code, dealer_name, active)| UserRow {
                roles: roles
                    .iter()
                    .filter(|(u, _)| *u == id)
                    .map(|(_, r)| r.clone())
                    .collect(),
                login,
                name,
                dealer_code,
                dealer_name,
                active,
            },
        )
        .collect())
}

/// (user id, password hash) of an active user.
pub fn credentials(
    conn: &mut AnyConnection,
    login: &str,
) -> Result<Option<(String, String)>, AppError> {
    Ok(users::table
        .filter(users::login.eq(login))
        .filter(users::active.eq(true))
        .select((users::id, users::password_hash))
        .first(conn)
        .optional()?)
}

pub fn user_id_by_login(conn: &mut AnyConnection, login: &str) -> Result<Option<String>, AppError> {
    Ok(users::table
        .filter(users::login.eq(login))
        .select(users::id)
        .first(conn)
        .optional()?)
}

pub fn identity(conn: &mut AnyConnection, user_id: &str) -> Result<Option<Identity>, AppError> {
    let row: Option<(String, String, String, String, String, String, String)> = users::table
        .inner_join(dealers::table)
        .filter(users::id.eq(user_id))
        .filter(users::active.eq(true))
        .select((
            users::id,
            users::login,
            users::name,
            users::dealer_id,
            dealers::name,
            dealers::group_id,
            users::locale,
        ))
        .first(conn)
        .optional()?;
    let Some((user_id, login, name, dealer_id, dealer_name, group_id, locale)) = row else {
        return Ok(None);
    };
    let roles: Vec<String> = user_roles::table
        .filter(user_roles::user_id.eq(&user_id))
        .select(user_roles::role)
        .load(conn)?;
    Ok(Some(Identity {
        user_id: Some(user_id.into()),
        login,
        name,
        dealer_id: dealer_id.into(),
        dealer_name,
        group_id: group_id.into(),
        roles: roles.iter().filter_map(|r| Role::parse(r)).collect(),
        locale,
        technician_id: None,
        link_id: None,
    }))
}

pub fn insert_token(
    conn: &mut AnyConnection,
    user_id: &str,
    token_hash: &str,
    label: &str,
) -> Result<(), AppError> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(super::new_id()),
            api_tokens::user_id.eq(user_id),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::label.eq(label),
            api_tokens::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A live token's user and when it was last used (None: never). Reads only: the caller stamps
/// the use separately, at most once a minute (see `stamp_token`).
pub fn token_user(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<(Identity, Option<NaiveDateTime>)>, AppError> {
    let row: Option<(String, Option<NaiveDateTime>)> = api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::user_id, api_tokens::last_used_at))
        .first(conn)
        .optional()?;
    let Some((user_id, last_used)) = row else {
        return Ok(None);
    };
    Ok(identity(conn, &user_id)?.map(|i| (i, last_used)))
}

/// Stamps a token's last use unless it was stamped since `stale_before` (another node, or an
/// earlier request, may have done it meanwhile): one write a minute per token at most.
pub fn stamp_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
    stale_before: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::token_hash.eq(token_hash))
            .filter(
                api_tokens::last_used_at
                    .is_null()
                    .or(api_tokens::last_used_at.lt(stale_before)),
            ),
    )
    .set(api_tokens::last_used_at.eq(now))
    .execute(conn)?;
    Ok(())
}

pub fn set_locale(conn: &mut AnyConnection, user_id: &str, locale: &str) -> Result<(), AppError> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set(users::locale.eq(locale))
        .execute(conn)?;
    Ok(())
}

/// Dealer id by its short code (`hz`), for the CLI.
/// The name of a dealer group.
pub fn group_name(conn: &mut AnyConnection, group_id: &str) -> Result<String, AppError> {
    use crate::db::schema::dealer_groups;
    Ok(dealer_groups::table
        .find(group_id)
        .select(dealer_groups::name)
        .first(conn)?)
}

pub fn dealer_id_by_code(conn: &mut AnyConnection, code: &str) -> Result<Option<String>, AppError> {
    Ok(dealers::table
        .filter(dealers::code.eq(code))
        .select(dealers::id)
        .first(conn)
        .optional()?)
}
