//! The duty rota's use cases: a dealer's week (people × days), setting and clearing a shift, and
//! who is on duty now — for escalations, staff messages and dispatch. The rules are
//! `domain::rota`; this module loads the rows and asks them.
//!
//! Who may: the workshop lead and the service manager edit their own dealer's rota; the service
//! director and the admin view it, and (group roles) every dealer's of the group. The director
//! does not edit: the rota is run by each dealer's desk, who know who is in, and the director is
//! one of those it names for escalations.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI32, Ordering};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::ids::DealerId;
use crate::domain::role::{Action, Role};
use crate::domain::rota::{
    self as rules, check_date_near, duty_at, entries_of_day, local_time, monday_of, week_label,
    Duty, RotaError, Shift, ShiftKind, Slot, Span,
};
use crate::error::{AppError, ErrorCode, FieldErrors, Thing};
use crate::i18n::Msg;
use crate::repo::rota::{self as repo, Person, ShiftRow};
use crate::repo::staff::{self, Contact};

/// The dealers' wall clock, hours east of UTC (`[tickets] utc_offset_hours`), for the rota reads
/// that have no settings at hand (staff messages): set once when the server starts.
static UTC_OFFSET_HOURS: AtomicI32 = AtomicI32::new(8);

pub fn set_utc_offset(hours: i32) {
    UTC_OFFSET_HOURS.store(hours, Ordering::Relaxed);
}

pub fn utc_offset() -> i32 {
    UTC_OFFSET_HOURS.load(Ordering::Relaxed)
}

/// The longest text a request field takes (a person key, a date, a time).
const MAX_FIELD: usize = 80;

/// A shift as the API and the page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ShiftView {
    /// `HH:MM`, the dealer's local time.
    #[schema(example = "20:00")]
    pub start: String,
    /// `HH:MM` (`24:00` for midnight); at or before `start`: the next day.
    #[schema(example = "08:00")]
    pub end: String,
    pub kind: ShiftKind,
    /// Runs past midnight into the next day.
    pub crosses_midnight: bool,
    /// From a date (a holiday or a change), not the weekly pattern.
    pub dated: bool,
}

impl ShiftView {
    fn of(s: &Shift) -> ShiftView {
        ShiftView {
            start: s.span.start_text(),
            end: s.span.end_text(),
            kind: s.kind,
            crosses_midnight: s.span.crosses_midnight() && s.kind != ShiftKind::Off,
            dated: s.slot.is_dated(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RotaDealer {
    pub id: String,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RotaHoliday {
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RotaDay {
    /// `YYYY-MM-DD`, the dealer's local date.
    pub date: String,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    /// Today at the dealer.
    pub today: bool,
    /// A holiday of the dealer: only dated shifts count on it.
    pub holiday: Option<RotaHoliday>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RotaCell {
    pub date: String,
    /// What counts on the day: the dated entry, else the weekly one (none on a holiday).
    pub shift: Option<ShiftView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RotaPerson {
    /// `technician:<id>` or `user:<id>`: what `PUT /rota/shifts` names.
    pub person: String,
    pub name: String,
    /// The sign-in, empty for a technician without one.
    pub login: String,
    /// `technician` (crews) or `staff` (desk).
    pub group: String,
    /// Stored role names, e.g. `service_manager`.
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<Role>,
    /// Monday … Sunday of the week.
    pub days: Vec<RotaCell>,
    /// The weekly pattern, Monday … Sunday.
    pub weekly: Vec<Option<ShiftView>>,
    /// Where they stand now (for this week only, else `null`).
    pub now: Option<Duty>,
}

/// `GET /api/v1/rota` and the `/rota` page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RotaWeek {
    pub dealer: RotaDealer,
    /// `2026-W49`.
    pub week: String,
    pub prev_week: String,
    pub next_week: String,
    pub days: Vec<RotaDay>,
    /// Technicians first, then staff, each by name.
    pub people: Vec<RotaPerson>,
    /// The viewer may change this dealer's rota.
    pub may_edit: bool,
    /// The dealers the viewer may open (their own; the whole group for group roles).
    pub dealers: Vec<RotaDealer>,
}

fn to_shift(row: &ShiftRow) -> Option<Shift> {
    let slot = match (row.weekday, row.on_date.as_deref()) {
        (Some(w), _) => Slot::Weekly(rules::weekday_of(i64::from(w)).ok()?),
        (None, Some(d)) => Slot::Dated(rules::parse_date(d).ok()?),
        _ => return None,
    };
    let span = Span::new(
        u16::try_from(row.start_min).ok()?,
        u16::try_from(row.end_min).ok()?,
    )
    .ok()?;
    let kind = ShiftKind::parse(&row.kind)?;
    Some(Shift { slot, span, kind })
}

/// Rows grouped per person, as domain shifts (a row the rules cannot read is logged, skipped).
fn by_person(rows: &[ShiftRow]) -> HashMap<Person, Vec<Shift>> {
    let mut out: HashMap<Person, Vec<Shift>> = HashMap::new();
    for r in rows {
        match to_shift(r) {
            Some(s) => out.entry(r.person()).or_default().push(s),
            None => tracing::error!(shift = %r.id, "unreadable rota row skipped"),
        }
    }
    out
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The rota of these dealers around `local` (the day before and the day itself).
struct Around {
    shifts: HashMap<Person, Vec<Shift>>,
    holidays: HashMap<String, Vec<NaiveDate>>,
    dealer_of: HashMap<Person, String>,
}

fn around(
    conn: &mut AnyConnection,
    dealer_ids: &[String],
    local: NaiveDateTime,
) -> Result<Around, AppError> {
    let (from, to) = (
        date_text(local.date() - Duration::days(1)),
        date_text(local.date()),
    );
    let rows = repo::shifts_between(conn, dealer_ids, &from, &to)?;
    let mut dealer_of = HashMap::new();
    for r in &rows {
        dealer_of.insert(r.person(), r.dealer_id.clone());
    }
    let mut holidays: HashMap<String, Vec<NaiveDate>> = HashMap::new();
    for (dealer, date, _, _) in repo::holidays_between(conn, dealer_ids, &from, &to)? {
        if let Ok(d) = rules::parse_date(&date) {
            holidays.entry(dealer).or_default().push(d);
        }
    }
    // Someone whose only entries are dated on other days is still on the rota.
    for p in repo::rostered(conn, dealer_ids)? {
        dealer_of.entry(p).or_default();
    }
    Ok(Around {
        shifts: by_person(&rows),
        holidays,
        dealer_of,
    })
}

impl Around {
    fn duty(&self, person: &Person, dealer_id: &str, local: NaiveDateTime) -> Duty {
        if !self.dealer_of.contains_key(person) {
            return Duty::NotRostered;
        }
        let Some(shifts) = self.shifts.get(person).filter(|s| !s.is_empty()) else {
            // On the rota, but with nothing near this day: off.
            return Duty::Off;
        };
        let holidays = self.holidays.get(dealer_id).map_or(&[][..], Vec::as_slice);
        duty_at(shifts, holidays, local).0
    }
}

/// Whom an on-duty question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Staff of the dealer holding the role.
    Role(Role),
    /// The dealer's active technicians.
    Technicians,
}

/// Where each person `who` names at the dealer stands at `at` (stored UTC).
pub fn on_duty(
    conn: &mut AnyConnection,
    dealer_id: &str,
    who: Who,
    at: NaiveDateTime,
) -> Result<Vec<(Person, Duty)>, AppError> {
    let people: Vec<Person> = match who {
        Who::Role(role) => staff::contacts_with_role(conn, dealer_id, role.as_str())?
            .into_iter()
            .map(|c| Person::User(c.user_id))
            .collect(),
        Who::Technicians => staff::technicians_of(conn, dealer_id)?
            .into_iter()
            .map(|t| Person::Technician(t.id))
            .collect(),
    };
    let local = local_time(at, utc_offset());
    let rota = around(conn, &[dealer_id.to_owned()], local)?;
    Ok(people
        .into_iter()
        .map(|p| {
            let d = rota.duty(&p, dealer_id, local);
            (p, d)
        })
        .collect())
}

/// Where each of these technicians stands at `at`: one the rota has off may not be sent out;
/// on call may (and is marked); one not on the rota is not restricted by it. Each is read on
/// the rota of their own dealer, which keeps it (a technician a sister dealer lends to a crew of
/// `dealer_id` is on the sister's rota, with the sister's holidays); `dealer_id`'s for an id
/// not on file.
pub fn dispatchable(
    conn: &mut AnyConnection,
    dealer_id: &str,
    technician_ids: &[String],
    at: NaiveDateTime,
) -> Result<HashMap<String, Duty>, AppError> {
    let local = local_time(at, utc_offset());
    let mut dealer_of: HashMap<String, String> = staff::technicians_by_ids(conn, technician_ids)?
        .into_iter()
        .map(|t| (t.id, t.dealer_id))
        .collect();
    let mut dealers: Vec<String> = technician_ids
        .iter()
        .map(|id| {
            dealer_of
                .entry(id.clone())
                .or_insert_with(|| dealer_id.to_owned())
                .clone()
        })
        .collect();
    dealers.sort_unstable();
    dealers.dedup();
    let mut out = HashMap::new();
    // One dealer's rota at a time: a person's entries at another dealer never count.
    for dealer in &dealers {
        let rota = around(conn, std::slice::from_ref(dealer), local)?;
        for id in technician_ids
            .iter()
            .filter(|id| dealer_of.get(*id) == Some(dealer))
        {
            let d = rota.duty(&Person::Technician(id.clone()), dealer, local);
            out.insert(id.clone(), d);
        }
    }
    Ok(out)
}

/// Refuses a crew with a technician the rota has off at `at` (`409 technician_off_duty`, each
/// such crew entry named as `crew[i].technician_id`): each on their own dealer's rota
/// ([`dispatchable`]), a lent technician on the sister's.
pub fn refuse_off_duty(
    conn: &mut AnyConnection,
    dealer_id: &str,
    crew: &[String],
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let duty = dispatchable(conn, dealer_id, crew, at)?;
    let mut fields = FieldErrors::new();
    for (i, id) in crew.iter().enumerate() {
        if duty.get(id) == Some(&Duty::Off) {
            fields.insert(
                format!("crew[{i}].technician_id"),
                Msg::new("rota-crew-member-off-duty"),
            );
        }
    }
    if fields.is_empty() {
        return Ok(());
    }
    let n = fields.len();
    Err(AppError {
        fields,
        ..AppError::msg(
            ErrorCode::TechnicianOffDuty,
            "rota-crew-off-duty",
            &[("count", n.into())],
        )
    })
}

/// The dealer's staff holding any of `roles` whom the rota lets be told at `at` (on duty, on
/// call, or not on the rota); when that is nobody, those holding `fallback` who may be told, and
/// when that is nobody too, everyone holding `fallback`. The one rule for escalations and staff
/// messages.
pub fn reachable_staff(
    conn: &mut AnyConnection,
    dealer_id: &str,
    roles: &[Role],
    fallback: &[Role],
    at: NaiveDateTime,
) -> Result<Vec<Contact>, AppError> {
    let local = local_time(at, utc_offset());
    let rota = around(conn, &[dealer_id.to_owned()], local)?;
    let holders = |conn: &mut AnyConnection, roles: &[Role]| -> Result<Vec<Contact>, AppError> {
        let mut out: Vec<Contact> = Vec::new();
        for r in roles {
            for c in staff::contacts_with_role(conn, dealer_id, r.as_str())? {
                if !out.iter().any(|o| o.user_id == c.user_id) {
                    out.push(c);
                }
            }
        }
        Ok(out)
    };
    let reachable = |all: &[Contact]| -> Vec<Contact> {
        all.iter()
            .filter(|c| {
                rota.duty(&Person::User(c.user_id.clone()), dealer_id, local)
                    .reachable()
            })
            .cloned()
            .collect()
    };
    let named = reachable(&holders(conn, roles)?);
    if !named.is_empty() {
        return Ok(named);
    }
    let all = holders(conn, fallback)?;
    let on = reachable(&all);
    Ok(if on.is_empty() { all } else { on })
}

/// The group's duty manager at `at`: the service managers and directors of any dealer of the
/// group whom the rota has on duty or on call (only a rota names a duty manager; not being on it
/// does not make one). Empty when the rota names nobody.
pub fn group_duty_managers(
    conn: &mut AnyConnection,
    group_id: &str,
    at: NaiveDateTime,
) -> Result<Vec<Contact>, AppError> {
    let local = local_time(at, utc_offset());
    let dealers: Vec<String> = repo::group_dealers(conn, group_id)?
        .into_iter()
        .map(|d| d.0)
        .collect();
    let rota = around(conn, &dealers, local)?;
    let mut out: Vec<Contact> = Vec::new();
    for d in &dealers {
        for role in [Role::ServiceManager, Role::ServiceDirector] {
            for c in staff::contacts_with_role(conn, d, role.as_str())? {
                let on = rota
                    .duty(&Person::User(c.user_id.clone()), d, local)
                    .rostered_on();
                if on && !out.iter().any(|o| o.user_id == c.user_id) {
                    out.push(c);
                }
            }
        }
    }
    Ok(out)
}

/// The dealer a viewer asks for, checked: their own, or (group roles) one of their group.
pub(crate) fn dealer_for(
    conn: &mut AnyConnection,
    actor: &Identity,
    dealer: Option<&DealerId>,
) -> Result<RotaDealer, AppError> {
    // An empty choice (the page's "own dealer" option) is the caller's own dealer.
    let id = dealer
        .map(|d| d.trim())
        .filter(|d| !d.is_empty())
        .unwrap_or(actor.dealer_id.as_str());
    if actor.dealer_id != *id {
        actor.require(Action::ViewGroupRota)?;
    }
    match repo::dealer(conn, id)? {
        Some((id, group, code, name)) if group == actor.group_id || id == actor.dealer_id => {
            Ok(RotaDealer { id, code, name })
        }
        _ => Err(AppError::not_found(Thing::Dealer)),
    }
}

fn rota_error(field: &str, e: RotaError) -> AppError {
    AppError::field(field, e.msg())
}

/// A week of a dealer's rota. `week` is `2026-W49` or a date in it (default: this week).
pub async fn week(
    db: &Db,
    actor: &Identity,
    dealer: Option<DealerId>,
    week: Option<String>,
    now: NaiveDateTime,
) -> Result<RotaWeek, AppError> {
    actor.require(Action::ViewRota)?;
    let local_now = local_time(now, utc_offset());
    let monday = match week.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) if w.len() <= MAX_FIELD => {
            rules::parse_week(w).map_err(|e| rota_error("week", e))?
        }
        Some(w) => {
            return Err(rota_error(
                "week",
                RotaError::WeekInvalid {
                    value: w.chars().take(20).collect(),
                },
            ))
        }
        None => monday_of(local_now.date()),
    };
    let actor = actor.clone();
    db.read(move |conn| {
        let dealer = dealer_for(conn, &actor, dealer.as_ref())?;
        let dealers = if actor.may(Action::ViewGroupRota) {
            repo::group_dealers(conn, &actor.group_id)?
                .into_iter()
                .map(|(id, code, name)| RotaDealer { id, code, name })
                .collect()
        } else {
            vec![dealer.clone()]
        };
        let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
        let ids = [dealer.id.clone()];
        let (from, to) = (date_text(monday - Duration::days(1)), date_text(days[6]));
        let rows = repo::shifts_between(conn, &ids, &from, &to)?;
        let shifts = by_person(&rows);
        let holidays = repo::holidays_between(conn, &ids, &from, &to)?;
        let holiday_dates: Vec<NaiveDate> = holidays
            .iter()
            .filter_map(|h| rules::parse_date(&h.1).ok())
            .collect();
        let this_week = monday_of(local_now.date()) == monday;
        let rota = if this_week {
            Some(around(conn, &ids, local_now)?)
        } else {
            None
        };
        let none = Vec::new();
        let people = repo::members(conn, &dealer.id)?
            .into_iter()
            .map(|m| {
                let mine = shifts.get(&m.person).unwrap_or(&none);
                let weekly = (0..7)
                    .map(|i| {
                        mine.iter()
                            .find(|s| s.slot == Slot::Weekly(days[i].weekday()))
                            .map(ShiftView::of)
                    })
                    .collect();
                let cells = days
                    .iter()
                    .map(|d| RotaCell {
                        date: date_text(*d),
                        shift: entries_of_day(mine, &holiday_dates, *d)
                            .first()
                            .map(|s| ShiftView::of(s)),
                    })
                    .collect();
                let technician = matches!(m.person, Person::Technician(_));
                RotaPerson {
                    person: m.person.key(),
                    now: rota
                        .as_ref()
                        .map(|r| r.duty(&m.person, &dealer.id, local_now)),
                    name: m.name,
                    login: m.login,
                    group: if technician { "technician" } else { "staff" }.to_owned(),
                    roles: if technician {
                        vec![Role::Technician]
                    } else {
                        m.roles.iter().filter_map(|r| Role::parse(r)).collect()
                    },
                    days: cells,
                    weekly,
                }
            })
            .collect();
        Ok(RotaWeek {
            may_edit: actor.may(Action::EditRota) && dealer.id == actor.dealer_id,
            week: week_label(monday),
            prev_week: week_label(monday - Duration::days(7)),
            next_week: week_label(monday + Duration::days(7)),
            days: days
                .iter()
                .map(|d| RotaDay {
                    date: date_text(*d),
                    weekday: d.weekday().number_from_monday(),
                    today: *d == local_now.date(),
                    holiday: holidays
                        .iter()
                        .find(|h| h.1 == date_text(*d))
                        .map(|h| RotaHoliday {
                            name_zh: h.2.clone(),
                            name_en: h.3.clone(),
                        }),
                })
                .collect(),
            people,
            dealer,
            dealers,
        })
    })
    .await
}

/// `PUT /api/v1/rota/shifts`: a person's shift on a weekday (the weekly pattern) or on a date.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SetShiftRequest {
    /// `technician:<id>` or `user:<id>` (as the week lists them).
    #[schema(max_length = 80, pattern = "^ *(technician|user):[!-~]{1,64} *$")]
    pub person: String,
    /// 1 = Monday … 7 = Sunday; or `date`, not both.
    pub weekday: Option<i64>,
    /// `YYYY-MM-DD` (within two years of today); or `weekday`.
    pub date: Option<String>,
    /// `HH:MM`, local time; not needed for `off`.
    pub start: Option<String>,
    /// `HH:MM` (`24:00` or `00:00` for midnight); at or before `start`: the next day.
    pub end: Option<String>,
    /// `on_duty` (值班), `on_call` (备班), or `off` (a day off, on a date only).
    pub kind: String,
}

/// `DELETE /api/v1/rota/shifts`: the slot to clear.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClearShiftQuery {
    #[param(max_length = 80, pattern = "^ *(technician|user):[!-~]{1,64} *$")]
    pub person: String,
    pub weekday: Option<i64>,
    pub date: Option<String>,
}

/// A shift as it was stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RotaEntry {
    pub person: String,
    pub weekday: Option<u32>,
    pub date: Option<String>,
    pub shift: ShiftView,
}

fn bounded<'a>(field: &str, v: &'a str) -> Result<&'a str, AppError> {
    if v.chars().count() > MAX_FIELD {
        Err(AppError::field(
            field,
            Msg::with("rota-error-too-long", &[("max", MAX_FIELD.into())]),
        ))
    } else {
        Ok(v)
    }
}

fn person_of(key: &str) -> Result<Person, AppError> {
    Person::parse(bounded("person", key)?)
        .ok_or_else(|| AppError::field("person", Msg::new("rota-error-person-invalid")))
}

fn slot_of(weekday: Option<i64>, date: Option<&str>, today: NaiveDate) -> Result<Slot, AppError> {
    let date = match date {
        Some(d) => Some(bounded("date", d)?),
        None => None,
    };
    let slot = Slot::from_parts(weekday, date).map_err(|e| match e {
        RotaError::WeekdayInvalid { .. } => rota_error("weekday", e),
        RotaError::DateInvalid { .. } => rota_error("date", e),
        e => rota_error("weekday", e),
    })?;
    if let Slot::Dated(d) = slot {
        check_date_near(d, today).map_err(|e| rota_error("date", e))?;
    }
    Ok(slot)
}

/// A checked shift from the request's texts (also the CSV import's).
pub fn shift_of(
    slot: Slot,
    start: Option<&str>,
    end: Option<&str>,
    kind: &str,
) -> Result<Shift, AppError> {
    let kind = ShiftKind::parse_cell(bounded("kind", kind)?)
        .ok_or_else(|| AppError::field("kind", Msg::new("rota-error-kind-invalid")))?;
    let span = if kind == ShiftKind::Off {
        Span::whole_day()
    } else {
        let s = rules::parse_clock(bounded("start", start.unwrap_or_default())?, false)
            .map_err(|e| rota_error("start", e))?;
        let e = match rules::parse_clock(bounded("end", end.unwrap_or_default())?, true)
            .map_err(|e| rota_error("end", e))?
        {
            0 => rules::DAY_MINUTES,
            e => e,
        };
        Span::new(s, e).map_err(|e| rota_error("end", e))?
    };
    Shift::new(slot, span, kind).map_err(|e| rota_error("kind", e))
}

/// The stored columns of a slot: (weekday 1–7, date).
pub(crate) fn slot_columns(slot: Slot) -> (Option<i32>, Option<String>) {
    match slot {
        Slot::Weekly(w) => (Some(w.number_from_monday() as i32), None),
        Slot::Dated(d) => (None, Some(date_text(d))),
    }
}

/// The person, if they are of the actor's dealer (else `404`, as for someone who is not there).
fn own_person(conn: &mut AnyConnection, actor: &Identity, p: &Person) -> Result<(), AppError> {
    match repo::dealer_of(conn, p)? {
        Some(d) if d == actor.dealer_id => Ok(()),
        _ => Err(AppError::not_found(match p {
            Person::Technician(_) => Thing::Technician,
            Person::User(_) => Thing::User,
        })),
    }
}

/// Stores one shift of a person of `dealer_id` in its slot (replacing what it held), in the
/// caller's transaction: for the page, the API and the import.
pub(crate) fn store(
    conn: &mut AnyConnection,
    dealer_id: &str,
    person: &Person,
    shift: &Shift,
) -> Result<(), AppError> {
    let (weekday, on_date) = slot_columns(shift.slot);
    repo::set(
        conn,
        &repo::NewShift {
            dealer_id,
            person,
            weekday,
            on_date: on_date.as_deref(),
            start_min: i32::from(shift.span.start()),
            end_min: i32::from(shift.span.end()),
            kind: shift.kind.as_str(),
        },
    )?;
    Ok(())
}

/// Writes one shift in the caller's transaction, with its audit event.
pub fn put_shift(
    conn: &mut AnyConnection,
    actor: &Identity,
    person: &Person,
    shift: &Shift,
) -> Result<RotaEntry, AppError> {
    store(conn, &actor.dealer_id, person, shift)?;
    let (weekday, date) = slot_columns(shift.slot);
    let entry = RotaEntry {
        person: person.key(),
        weekday: weekday.map(|w| w as u32),
        date,
        shift: ShiftView::of(shift),
    };
    audit(conn, actor, "rota.shift_set", &entry.person, &entry)?;
    Ok(entry)
}

fn audit(
    conn: &mut AnyConnection,
    actor: &Identity,
    action: &str,
    person: &str,
    data: &impl Serialize,
) -> Result<(), AppError> {
    crate::repo::audit::append(
        conn,
        crate::repo::audit::NewAuditEvent {
            dealer_id: Some(&actor.dealer_id),
            entity: "rota",
            entity_id: person,
            action,
            actor_id: actor.audit_actor(),
            data: serde_json::to_value(data).ok(),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Sets a shift of someone of the actor's own dealer (workshop lead, service manager).
pub async fn set_shift(
    db: &Db,
    actor: &Identity,
    req: SetShiftRequest,
    now: NaiveDateTime,
) -> Result<RotaEntry, AppError> {
    actor.require(Action::EditRota)?;
    let today = local_time(now, utc_offset()).date();
    let person = person_of(&req.person)?;
    let slot = slot_of(req.weekday, req.date.as_deref(), today)?;
    let shift = shift_of(slot, req.start.as_deref(), req.end.as_deref(), &req.kind)?;
    let actor = actor.clone();
    db.write(move |conn| {
        own_person(conn, &actor, &person)?;
        put_shift(conn, &actor, &person, &shift)
    })
    .await
}

/// Clears a person's weekday or date: back to the weekly pattern (a date), or no shift that
/// weekday. Clearing an empty slot changes nothing and is not an error.
pub async fn clear_shift(
    db: &Db,
    actor: &Identity,
    q: ClearShiftQuery,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    actor.require(Action::EditRota)?;
    let today = local_time(now, utc_offset()).date();
    let person = person_of(&q.person)?;
    let slot = slot_of(q.weekday, q.date.as_deref(), today)?;
    let actor = actor.clone();
    db.write(move |conn| {
        own_person(conn, &actor, &person)?;
        let (weekday, on_date) = slot_columns(slot);
        if repo::clear(conn, &person, weekday, on_date.as_deref())? {
            let data = serde_json::json!({ "weekday": weekday, "date": on_date });
            audit(conn, &actor, "rota.shift_cleared", &person.key(), &data)?;
        }
        Ok(())
    })
    .await
}

/// `PUT /api/v1/rota/holidays/{date}`: a holiday day of the caller's dealer (the Spring Festival):
/// on it only dated shifts count, so whoever has none that day is off.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct HolidayRequest {
    /// The name in Chinese, e.g. 除夕 (1–40 characters).
    pub name_zh: String,
    /// The name in English (empty: the Chinese one is shown).
    #[serde(default)]
    pub name_en: String,
}

/// The holiday as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HolidayView {
    pub date: String,
    pub name_zh: String,
    pub name_en: String,
}

const MAX_HOLIDAY_NAME: usize = 40;

fn holiday_name(field: &str, v: &str, required: bool) -> Result<String, AppError> {
    let v = v.trim();
    if required && v.is_empty() {
        return Err(AppError::field(field, Msg::new("rota-error-holiday-name")));
    }
    if v.chars().count() > MAX_HOLIDAY_NAME || v.chars().any(char::is_control) {
        return Err(AppError::field(
            field,
            Msg::with("rota-error-too-long", &[("max", MAX_HOLIDAY_NAME.into())]),
        ));
    }
    Ok(v.to_owned())
}

fn holiday_date(date: &str, now: NaiveDateTime) -> Result<NaiveDate, AppError> {
    let d = rules::parse_date(bounded("date", date)?).map_err(|e| rota_error("date", e))?;
    check_date_near(d, local_time(now, utc_offset()).date()).map_err(|e| rota_error("date", e))?;
    Ok(d)
}

/// Marks a day of the caller's own dealer as a holiday (workshop lead, service manager).
pub async fn set_holiday(
    db: &Db,
    actor: &Identity,
    date: &str,
    req: HolidayRequest,
    now: NaiveDateTime,
) -> Result<HolidayView, AppError> {
    actor.require(Action::EditRota)?;
    let view = HolidayView {
        date: date_text(holiday_date(date, now)?),
        name_zh: holiday_name("name_zh", &req.name_zh, true)?,
        name_en: holiday_name("name_en", &req.name_en, false)?,
    };
    let actor = actor.clone();
    db.write(move |conn| {
        repo::set_holiday(
            conn,
            &actor.dealer_id,
            &view.date,
            &view.name_zh,
            &view.name_en,
        )?;
        audit(conn, &actor, "rota.holiday_set", &view.date, &view)?;
        Ok(view)
    })
    .await
}

/// Makes a day of the caller's own dealer an ordinary one again (not an error when it was).
pub async fn clear_holiday(
    db: &Db,
    actor: &Identity,
    date: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    actor.require(Action::EditRota)?;
    let date = date_text(holiday_date(date, now)?);
    let actor = actor.clone();
    db.write(move |conn| {
        if repo::clear_holiday(conn, &actor.dealer_id, &date)? {
            audit(conn, &actor, "rota.holiday_cleared", &date, &date)?;
        }
        Ok(())
    })
    .await
}

/// Who works each of `days` at the dealer (on duty or on call at some time of it): the
/// technicians' and the managers' (service manager, director) names, for the holiday
/// readiness page.
pub(crate) struct DayCover {
    pub date: NaiveDate,
    pub technicians: Vec<String>,
    pub managers: Vec<String>,
}

pub(crate) fn coverage(
    conn: &mut AnyConnection,
    dealer_id: &str,
    days: &[NaiveDate],
) -> Result<Vec<DayCover>, AppError> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(Vec::new());
    };
    let ids = [dealer_id.to_owned()];
    let rows = repo::shifts_between(conn, &ids, &date_text(*first), &date_text(*last))?;
    let shifts = by_person(&rows);
    let rota_holidays: Vec<NaiveDate> =
        repo::holidays_between(conn, &ids, &date_text(*first), &date_text(*last))?
            .iter()
            .filter_map(|h| rules::parse_date(&h.1).ok())
            .collect();
    let members = repo::members(conn, dealer_id)?;
    let none = Vec::new();
    Ok(days
        .iter()
        .map(|&d| {
            let working = |m: &&repo::Member| {
                crate::domain::readiness::works_on(
                    shifts.get(&m.person).unwrap_or(&none),
                    &rota_holidays,
                    d,
                )
            };
            DayCover {
                date: d,
                technicians: members
                    .iter()
                    .filter(|m| matches!(m.person, Person::Technician(_)))
                    .filter(working)
                    .map(|m| m.name.clone())
                    .collect(),
                managers: members
                    .iter()
                    .filter(|m| {
                        m.roles.iter().any(|r| {
                            r == Role::ServiceManager.as_str()
                                || r == Role::ServiceDirector.as_str()
                        })
                    })
                    .filter(working)
                    .map(|m| m.name.clone())
                    .collect(),
            }
        })
        .collect())
}
