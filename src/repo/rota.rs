//! The duty rota's rows: shifts (weekly and dated) of technicians and staff, the dealers'
//! holiday days, and the people a dealer's rota lists.

use diesel::prelude::*;

use crate::db::schema::{dealers, rota_holidays, rota_shifts, technicians, user_roles, users};
use crate::db::AnyConnection;
use crate::error::AppError;

/// Whose shift: a technician (crews) or a staff user (desk roles).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Person {
    Technician(String),
    User(String),
}

impl Person {
    /// `technician:<id>` / `user:<id>`: how the API and the page name a person.
    pub fn key(&self) -> String {
        match self {
            Person::Technician(id) => format!("technician:{id}"),
            Person::User(id) => format!("user:{id}"),
        }
    }

    pub fn parse(key: &str) -> Option<Person> {
        let (kind, id) = key.trim().split_once(':')?;
        let ok = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_graphic());
        match kind {
            "technician" if ok => Some(Person::Technician(id.to_owned())),
            "user" if ok => Some(Person::User(id.to_owned())),
            _ => None,
        }
    }

    fn columns(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Person::Technician(id) => (Some(id.as_str()), None),
            Person::User(id) => (None, Some(id.as_str())),
        }
    }
}

/// One stored rota entry.
#[derive(Debug, Clone, Queryable)]
pub struct ShiftRow {
    pub id: String,
    pub dealer_id: String,
    pub technician_id: Option<String>,
    pub user_id: Option<String>,
    pub weekday: Option<i32>,
    pub on_date: Option<String>,
    pub start_min: i32,
    pub end_min: i32,
    pub kind: String,
}

impl ShiftRow {
    pub fn person(&self) -> Person {
        match (&self.technician_id, &self.user_id) {
            (Some(t), _) => Person::Technician(t.clone()),
            (None, Some(u)) => Person::User(u.clone()),
            (None, None) => Person::User(String::new()),
        }
    }
}

const SHIFT: (
    rota_shifts::id,
    rota_shifts::dealer_id,
    rota_shifts::technician_id,
    rota_shifts::user_id,
    rota_shifts::weekday,
    rota_shifts::on_date,
    rota_shifts::start_min,
    rota_shifts::end_min,
    rota_shifts::kind,
) = (
    rota_shifts::id,
    rota_shifts::dealer_id,
    rota_shifts::technician_id,
    rota_shifts::user_id,
    rota_shifts::weekday,
    rota_shifts::on_date,
    rota_shifts::start_min,
    rota_shifts::end_min,
    rota_shifts::kind,
);

/// The weekly entries of these dealers and their dated ones from `from` to `to` (local dates,
/// `YYYY-MM-DD`, both included; text order is date order).
pub fn shifts_between(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    from: &str,
    to: &str,
) -> Result<Vec<ShiftRow>, AppError> {
    Ok(rota_shifts::table
        .filter(rota_shifts::dealer_id.eq_any(dealer_ids))
        .filter(
            rota_shifts::weekday.is_not_null().or(rota_shifts::on_date
                .ge(from.to_owned())
                .and(rota_shifts::on_date.le(to.to_owned()))),
        )
        .order((rota_shifts::weekday.asc(), rota_shifts::on_date.asc()))
        .select(SHIFT)
        .load(conn)?)
}

/// Which people of these have any rota entry at all (the rota restricts only them).
pub fn rostered(conn: &mut AnyConnection, dealer_ids: &[String]) -> Result<Vec<Person>, AppError> {
    let rows: Vec<(Option<String>, Option<String>)> = rota_shifts::table
        .filter(rota_shifts::dealer_id.eq_any(dealer_ids))
        .select((rota_shifts::technician_id, rota_shifts::user_id))
        .distinct()
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| match r {
            (Some(t), _) => Some(Person::Technician(t)),
            (None, Some(u)) => Some(Person::User(u)),
            _ => None,
        })
        .collect())
}

/// A new entry; `weekday` 1–7 or `on_date`, never both.
pub struct NewShift<'a> {
    pub dealer_id: &'a str,
    pub person: &'a Person,
    pub weekday: Option<i32>,
    pub on_date: Option<&'a str>,
    pub start_min: i32,
    pub end_min: i32,
    pub kind: &'a str,
}

/// The ids of the entry (at most one) in a person's slot.
fn slot_ids(
    conn: &mut AnyConnection,
    person: &Person,
    weekday: Option<i32>,
    on_date: Option<&str>,
) -> Result<Vec<String>, AppError> {
    let mut q = rota_shifts::table
        .select(rota_shifts::id)
        .into_boxed::<crate::db::MultiBackend>();
    q = match person {
        Person::Technician(id) => q.filter(rota_shifts::technician_id.eq(id.clone())),
        Person::User(id) => q.filter(rota_shifts::user_id.eq(id.clone())),
    };
    q = match (weekday, on_date) {
        (Some(w), _) => q.filter(rota_shifts::weekday.eq(w)),
        (None, d) => q.filter(rota_shifts::on_date.eq(d.unwrap_or_default().to_owned())),
    };
    Ok(q.load(conn)?)
}

/// The entry of a person's slot, if there is one.
pub fn at_slot(
    conn: &mut AnyConnection,
    person: &Person,
    weekday: Option<i32>,
    on_date: Option<&str>,
) -> Result<Option<ShiftRow>, AppError> {
    let ids = slot_ids(conn, person, weekday, on_date)?;
    Ok(rota_shifts::table
        .filter(rota_shifts::id.eq_any(ids))
        .select(SHIFT)
        .first(conn)
        .optional()?)
}

/// Puts the entry in its slot, replacing what was there (one entry per person and slot).
pub fn set(conn: &mut AnyConnection, s: &NewShift) -> Result<String, AppError> {
    let old = slot_ids(conn, s.person, s.weekday, s.on_date)?;
    diesel::delete(rota_shifts::table.filter(rota_shifts::id.eq_any(old))).execute(conn)?;
    let id = super::new_id();
    let (technician, user) = s.person.columns();
    diesel::insert_into(rota_shifts::table)
        .values((
            rota_shifts::id.eq(&id),
            rota_shifts::dealer_id.eq(s.dealer_id),
            rota_shifts::technician_id.eq(technician),
            rota_shifts::user_id.eq(user),
            rota_shifts::weekday.eq(s.weekday),
            rota_shifts::on_date.eq(s.on_date),
            rota_shifts::start_min.eq(s.start_min),
            rota_shifts::end_min.eq(s.end_min),
            rota_shifts::kind.eq(s.kind),
            rota_shifts::updated_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Removes the entry of a person's slot; whether there was one.
pub fn clear(
    conn: &mut AnyConnection,
    person: &Person,
    weekday: Option<i32>,
    on_date: Option<&str>,
) -> Result<bool, AppError> {
    let old = slot_ids(conn, person, weekday, on_date)?;
    let n = diesel::delete(rota_shifts::table.filter(rota_shifts::id.eq_any(old))).execute(conn)?;
    Ok(n > 0)
}

/// A dealer's holiday days from `from` to `to`: (date, Chinese name, English name).
pub fn holidays_between(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    from: &str,
    to: &str,
) -> Result<Vec<(String, String, String, String)>, AppError> {
    Ok(rota_holidays::table
        .filter(rota_holidays::dealer_id.eq_any(dealer_ids))
        .filter(rota_holidays::on_date.ge(from.to_owned()))
        .filter(rota_holidays::on_date.le(to.to_owned()))
        .order(rota_holidays::on_date.asc())
        .select((
            rota_holidays::dealer_id,
            rota_holidays::on_date,
            rota_holidays::name_zh,
            rota_holidays::name_en,
        ))
        .load(conn)?)
}

/// Marks (or renames) a holiday day of the dealer.
pub fn set_holiday(
    conn: &mut AnyConnection,
    dealer_id: &str,
    on_date: &str,
    name_zh: &str,
    name_en: &str,
) -> Result<(), AppError> {
    // One statement, not delete-then-insert: two desks setting the same day at once (PostgreSQL
    // runs them side by side) would both insert, and the second fail on the key with a 500.
    let row = (
        rota_holidays::dealer_id.eq(dealer_id),
        rota_holidays::on_date.eq(on_date),
        rota_holidays::name_zh.eq(name_zh),
        rota_holidays::name_en.eq(name_en),
    );
    let names = (
        rota_holidays::name_zh.eq(name_zh),
        rota_holidays::name_en.eq(name_en),
    );
    let key = (rota_holidays::dealer_id, rota_holidays::on_date);
    match conn {
        AnyConnection::Sqlite(c) => diesel::insert_into(rota_holidays::table)
            .values(row)
            .on_conflict(key)
            .do_update()
            .set(names)
            .execute(c)?,
        AnyConnection::Postgresql(c) => diesel::insert_into(rota_holidays::table)
            .values(row)
            .on_conflict(key)
            .do_update()
            .set(names)
            .execute(c)?,
    };
    Ok(())
}

/// Makes the day an ordinary one again; whether it was a holiday.
pub fn clear_holiday(
    conn: &mut AnyConnection,
    dealer_id: &str,
    on_date: &str,
) -> Result<bool, AppError> {
    let n = diesel::delete(
        rota_holidays::table
            .filter(rota_holidays::dealer_id.eq(dealer_id))
            .filter(rota_holidays::on_date.eq(on_date)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

/// A dealer: (id, group id, code, name).
pub fn dealer(
    conn: &mut AnyConnection,
    dealer_id: &str,
) -> Result<Option<(String, String, String, String)>, AppError> {
    Ok(dealers::table
        .filter(dealers::id.eq(dealer_id))
        .select((dealers::id, dealers::group_id, dealers::code, dealers::name))
        .first(conn)
        .optional()?)
}

/// The dealers of a group, by code: (id, code, name).
pub fn group_dealers(
    conn: &mut AnyConnection,
    group_id: &str,
) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(dealers::table
        .filter(dealers::group_id.eq(group_id))
        .order(dealers::code.asc())
        .select((dealers::id, dealers::code, dealers::name))
        .load(conn)?)
}

/// Someone on a dealer's rota, as the grid lists them.
#[derive(Debug, Clone)]
pub struct Member {
    pub person: Person,
    pub name: String,
    /// The sign-in, when they have one.
    pub login: String,
    /// Stored role names (staff); `technician` for the crews.
    pub roles: Vec<String>,
}

/// The active technicians and staff (every active user who is not a technician's sign-in) of a
/// dealer, technicians first, each by name.
pub fn members(conn: &mut AnyConnection, dealer_id: &str) -> Result<Vec<Member>, AppError> {
    let techs: Vec<(String, String, Option<String>)> = technicians::table
        .filter(technicians::dealer_id.eq(dealer_id))
        .filter(technicians::active.eq(true))
        .order((technicians::name.asc(), technicians::id.asc()))
        .select((technicians::id, technicians::name, technicians::user_id))
        .load(conn)?;
    let tech_users: Vec<String> = techs.iter().filter_map(|t| t.2.clone()).collect();
    let logins: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(&tech_users))
        .select((users::id, users::login))
        .load(conn)?;
    let staff: Vec<(String, String, String, String)> = users::table
        .inner_join(user_roles::table)
        .filter(users::dealer_id.eq(dealer_id))
        .filter(users::active.eq(true))
        .filter(users::id.ne_all(&tech_users))
        .filter(user_roles::role.ne("catalogue_admin"))
        .order((users::name.asc(), users::id.asc(), user_roles::role.asc()))
        .select((users::id, users::name, users::login, user_roles::role))
        .load(conn)?;
    let mut out: Vec<Member> = techs
        .into_iter()
        .map(|(id, name, user)| Member {
            login: user
                .and_then(|u| logins.iter().find(|(i, _)| *i == u).map(|(_, l)| l.clone()))
                .unwrap_or_default(),
            person: Person::Technician(id),
            name,
            roles: vec!["technician".to_owned()],
        })
        .collect();
    for (id, name, login, role) in staff {
        match out.last_mut() {
            Some(m) if m.person == Person::User(id.clone()) => m.roles.push(role),
            _ => out.push(Member {
                person: Person::User(id),
                name,
                login,
                roles: vec![role],
            }),
        }
    }
    Ok(out)
}

/// The dealer a person belongs to, if they are an active one.
pub fn dealer_of(conn: &mut AnyConnection, person: &Person) -> Result<Option<String>, AppError> {
    Ok(match person {
        Person::Technician(id) => technicians::table
            .filter(technicians::id.eq(id))
            .filter(technicians::active.eq(true))
            .select(technicians::dealer_id)
            .first(conn)
            .optional()?,
        Person::User(id) => users::table
            .filter(users::id.eq(id))
            .filter(users::active.eq(true))
            .select(users::dealer_id)
            .first(conn)
            .optional()?,
    })
}

/// People of a dealer by sign-in or, for technicians without one, by mobile number: what a rota
/// file's 工号 / login column names. (key → person)
pub fn people_by_handle(
    conn: &mut AnyConnection,
    dealer_id: &str,
) -> Result<Vec<(String, Person)>, AppError> {
    let mut out = Vec::new();
    let techs: Vec<(String, String, Option<String>)> = technicians::table
        .filter(technicians::dealer_id.eq(dealer_id))
        .filter(technicians::active.eq(true))
        .select((technicians::id, technicians::phone, technicians::user_id))
        .load(conn)?;
    let tech_users: Vec<String> = techs.iter().filter_map(|t| t.2.clone()).collect();
    let logins: Vec<(String, String)> = users::table
        .filter(users::dealer_id.eq(dealer_id))
        .filter(users::active.eq(true))
        .select((users::id, users::login))
        .load(conn)?;
    for (id, phone, user) in &techs {
        out.push((phone.clone(), Person::Technician(id.clone())));
        if let Some(u) = user {
            if let Some((_, login)) = logins.iter().find(|(i, _)| i == u) {
                out.push((login.clone(), Person::Technician(id.clone())));
            }
        }
    }
    for (id, login) in logins {
        if !tech_users.contains(&id) {
            out.push((login, Person::User(id)));
        }
    }
    Ok(out)
}
