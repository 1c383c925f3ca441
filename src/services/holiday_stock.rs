//! Holiday stock (节前备货) for a dealer and a holiday of the group's calendar: the suggested
//! order from the same period in past years, the stored list the parts manager adjusts and
//! confirms, each line received, and the list as CSV and Excel for the manufacturer order.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::holiday::Holiday;
use crate::domain::holiday_stock::{
    check_draft, past_windows, receive as receive_rule, status_after_receipt, suggest, ListError,
    ListStatus, PartPast, Quantity, Suggestion, MAX_LINES, MAX_QUANTITY, PAST_YEARS,
};
use crate::domain::ids::HolidayId;
use crate::domain::role::Action;
use crate::error::{AppError, ErrorCode, FieldErrors, Thing};
use crate::i18n::Msg;
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::holiday_stock as repo;
use crate::services::holidays::CalendarHolidayView;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PastWindow {
    #[schema(value_type = String, format = Date)]
    pub first_day: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub last_day: NaiveDate,
    /// The dates are the same holiday's of that year in the calendar; false: the holiday's own
    /// dates a year back (the calendar does not have that year's).
    pub from_calendar: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StockLine {
    pub part_id: String,
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    /// Rescues the part held up in the past windows.
    pub held_up_rescues: i32,
    /// Expected units over the holiday (the busiest past year's rescue and service use).
    pub expected: i32,
    /// Free when suggested (on hand minus reserved).
    pub available: i32,
    pub suggested: i32,
    /// What is ordered: the suggestion until the parts manager changes it.
    pub quantity: i32,
    pub received: i32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HolidayStock {
    pub holiday: CalendarHolidayView,
    /// The past periods looked at: the same holiday one and two years back.
    pub past: Vec<PastWindow>,
    /// Whether this is the stored list (else a fresh suggestion, nothing saved yet).
    pub stored: bool,
    #[schema(value_type = String, example = "draft")]
    pub status: ListStatus,
    pub confirmed_by: Option<String>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub confirmed_at: Option<NaiveDateTime>,
    /// Ranked by rescues held up, then expected units, then part number.
    pub lines: Vec<StockLine>,
    pub may_confirm: bool,
    pub may_receive: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineChange {
    pub part_id: String,
    /// 0..=10000.
    pub quantity: i64,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustRequest {
    /// At most 500; a part not on the list is added to it.
    pub lines: Vec<LineChange>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    /// The line's part.
    pub part_id: String,
    /// Units that arrived, 0..=10000.
    pub quantity: i64,
}

fn holiday(conn: &mut AnyConnection, actor: &Identity, id: &str) -> Result<Holiday, AppError> {
    crate::repo::holidays::get(conn, actor.group_id.as_str(), id)?
        .ok_or_else(|| AppError::not_found(Thing::Holiday))
}

/// UTC `[start, end)`.
type UtcSpan = (NaiveDateTime, NaiveDateTime);

/// The UTC windows of the holiday's past periods, with their local dates: the same holiday of
/// each past year in the group's calendar, else its dates shifted back (`past_windows`).
fn windows(
    conn: &mut AnyConnection,
    group_id: &str,
    h: &Holiday,
) -> Result<Vec<(PastWindow, UtcSpan)>, AppError> {
    let offset = crate::services::rota::utc_offset();
    let year = h.first_day.year();
    let from = NaiveDate::from_ymd_opt(year - PAST_YEARS as i32, 1, 1).unwrap_or(h.first_day);
    let to = NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap_or(h.first_day);
    let most = (crate::services::holidays::MAX_PER_YEAR * PAST_YEARS as usize) as i64;
    let calendar = crate::repo::holidays::between(conn, group_id, from, to, most)?;
    Ok(past_windows(h, &calendar)
        .into_iter()
        .map(|w| {
            let shifted = Holiday {
                first_day: w.first,
                last_day: w.last,
                ..h.clone()
            };
            (
                PastWindow {
                    first_day: w.first,
                    last_day: w.last,
                    from_calendar: w.from_calendar,
                },
                shifted.window(offset),
            )
        })
        .collect())
}

/// The suggestion for the actor's dealer: two to three queries a past window, one for stock,
/// one for the parts' names.
fn compute(
    conn: &mut AnyConnection,
    actor: &Identity,
    h: &Holiday,
) -> Result<(Vec<PastWindow>, Vec<Suggestion>), AppError> {
    let mut past = Vec::new();
    let mut by_part: HashMap<String, Vec<_>> = HashMap::new();
    let dealer_id = actor.dealer_id.as_str();
    for (w, utc) in windows(conn, actor.group_id.as_str(), h)? {
        for (part, u) in repo::use_in(conn, dealer_id, utc)? {
            by_part.entry(part).or_default().push(u);
        }
        past.push(w);
    }
    let free = repo::free(conn, dealer_id)?;
    let ids: Vec<&str> = by_part.keys().map(String::as_str).collect();
    let names = repo::part_names(conn, &ids)?;
    let parts: Vec<PartPast> = by_part
        .iter()
        .map(|(id, years)| PartPast {
            part_id: id.clone(),
            part_no: names.get(id).map_or_else(|| id.clone(), |n| n.0.clone()),
            years: years.clone(),
            available: free.get(id).copied().unwrap_or(0),
        })
        .collect();
    Ok((past, suggest(&parts)))
}

fn i(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn fresh(conn: &mut AnyConnection, actor: &Identity, h: Holiday) -> Result<HolidayStock, AppError> {
    let (past, suggestion) = compute(conn, actor, &h)?;
    let ids: Vec<&str> = suggestion.iter().map(|s| s.part_id.as_str()).collect();
    let names = repo::part_names(conn, &ids)?;
    let lines = suggestion
        .into_iter()
        .map(|s| {
            let (zh, en) = names
                .get(&s.part_id)
                .map(|n| (n.1.clone(), n.2.clone()))
                .unwrap_or_default();
            StockLine {
                part_id: s.part_id,
                part_no: s.part_no,
                name_zh: zh,
                name_en: en,
                held_up_rescues: i(s.held_up_rescues),
                expected: i(s.expected),
                available: i(s.available),
                suggested: i(s.suggested),
                quantity: i(s.suggested),
                received: 0,
            }
        })
        .collect();
    Ok(HolidayStock {
        past,
        stored: false,
        status: ListStatus::Draft,
        confirmed_by: None,
        confirmed_at: None,
        lines,
        may_confirm: actor.may(Action::ConfirmHolidayStock),
        may_receive: false,
        holiday: h.into(),
    })
}

fn stored(
    conn: &mut AnyConnection,
    actor: &Identity,
    h: Holiday,
    list: repo::ListRow,
) -> Result<HolidayStock, AppError> {
    let mut lines: Vec<StockLine> = repo::lines_of(conn, &list.id)?
        .into_iter()
        .map(|l| StockLine {
            part_id: l.part_id,
            part_no: l.part_no,
            name_zh: l.name_zh,
            name_en: l.name_en,
            held_up_rescues: l.held_up,
            expected: l.expected,
            available: l.available,
            suggested: l.suggested,
            quantity: l.quantity,
            received: l.received,
        })
        .collect();
    lines.sort_by(|a, b| {
        b.held_up_rescues
            .cmp(&a.held_up_rescues)
            .then(b.expected.cmp(&a.expected))
            .then(a.part_no.cmp(&b.part_no))
    });
    Ok(HolidayStock {
        past: windows(conn, actor.group_id.as_str(), &h)?
            .into_iter()
            .map(|w| w.0)
            .collect(),
        stored: true,
        may_confirm: list.status == ListStatus::Draft && actor.may(Action::ConfirmHolidayStock),
        may_receive: list.status == ListStatus::Confirmed && actor.may(Action::ReceiveHolidayStock),
        status: list.status,
        confirmed_by: list.confirmed_by,
        confirmed_at: list.confirmed_at,
        lines,
        holiday: h.into(),
    })
}

/// A fresh suggestion from the past, whether or not a list is stored.
pub async fn suggestion(
    db: &Db,
    actor: &Identity,
    holiday_id: HolidayId,
) -> Result<HolidayStock, AppError> {
    actor.require(Action::ViewHolidayStock)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let h = holiday(conn, &actor, holiday_id.as_str())?;
        fresh(conn, &actor, h)
    })
    .await
}

/// The stored list of the dealer for the holiday, or the fresh suggestion when none is stored.
pub async fn list(
    db: &Db,
    actor: &Identity,
    holiday_id: HolidayId,
) -> Result<HolidayStock, AppError> {
    actor.require(Action::ViewHolidayStock)?;
    let actor = actor.clone();
    db.read(move |conn| {
        let h = holiday(conn, &actor, holiday_id.as_str())?;
        match repo::list_of(conn, &actor.dealer_id, &h.id)? {
            Some(l) => stored(conn, &actor, h, l),
            None => fresh(conn, &actor, h),
        }
    })
    .await
}

fn refused(e: ListError) -> AppError {
    AppError::msg(
        ErrorCode::Conflict,
        e.message_key(),
        &[("reason", e.code().into())],
    )
}

/// The stored list, written from the suggestion first if there is none.
fn list_or_new(
    conn: &mut AnyConnection,
    actor: &Identity,
    h: &Holiday,
    now: NaiveDateTime,
) -> Result<repo::ListRow, AppError> {
    if let Some(l) = repo::list_of(conn, &actor.dealer_id, &h.id)? {
        return Ok(l);
    }
    let (_, suggestion) = compute(conn, actor, h)?;
    repo::insert_list(
        conn,
        &actor.dealer_id,
        &h.id,
        &suggestion,
        actor.user()?,
        now,
    )?;
    repo::list_of(conn, &actor.dealer_id, &h.id)?
        .ok_or_else(|| AppError::internal("holiday stock list vanished"))
}

fn validate(req: &AdjustRequest) -> Result<Vec<(String, Quantity)>, AppError> {
    let mut fields = FieldErrors::new();
    if req.lines.len() > MAX_LINES {
        fields.insert(
            "lines".into(),
            Msg::with("holiday-stock-too-many-lines", &[("max", MAX_LINES.into())]),
        );
        return Err(AppError::validation(fields));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (n, l) in req.lines.iter().enumerate() {
        let part = l.part_id.trim();
        if part.is_empty() || !seen.insert(part.to_owned()) {
            fields.insert(
                format!("lines[{n}].part_id"),
                Msg::new("holiday-stock-part-repeated"),
            );
        }
        match Quantity::new(l.quantity) {
            Some(q) => out.push((part.to_owned(), q)),
            None => {
                fields.insert(
                    format!("lines[{n}].quantity"),
                    Msg::with(
                        "holiday-stock-quantity-range",
                        &[("max", MAX_QUANTITY.into())],
                    ),
                );
            }
        }
    }
    if fields.is_empty() {
        Ok(out)
    } else {
        Err(AppError::validation(fields))
    }
}

fn audit_list(
    conn: &mut AnyConnection,
    actor: &Identity,
    list_id: &str,
    action: &'static str,
    from: Option<ListStatus>,
    to: Option<ListStatus>,
    data: serde_json::Value,
) -> Result<(), AppError> {
    audit::append(
        conn,
        NewAuditEvent {
            dealer_id: Some(&actor.dealer_id),
            ticket_id: None,
            entity: "holiday_stock_list",
            entity_id: list_id,
            action,
            actor_id: actor.audit_actor(),
            from_status: from.map(ListStatus::as_str),
            to_status: to.map(ListStatus::as_str),
            comment: None,
            data: Some(data),
        },
    )?;
    Ok(())
}

/// The parts manager's quantities on the draft (stored first if it was only a suggestion); a
/// part not on it is added with its suggestion at zero.
pub async fn adjust(
    db: &Db,
    actor: &Identity,
    holiday_id: HolidayId,
    req: AdjustRequest,
) -> Result<HolidayStock, AppError> {
    actor.require(Action::ConfirmHolidayStock)?;
    let changes = validate(&req)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let now = crate::repo::now();
        let h = holiday(conn, &actor, holiday_id.as_str())?;
        let l = list_or_new(conn, &actor, &h, now)?;
        check_draft(l.status).map_err(refused)?;
        let on_list: std::collections::HashSet<String> = repo::lines_of(conn, &l.id)?
            .into_iter()
            .map(|r| r.part_id)
            .collect();
        let new: Vec<&str> = changes
            .iter()
            .filter(|c| !on_list.contains(&c.0))
            .map(|c| c.0.as_str())
            .collect();
        let known = repo::part_names(conn, &new)?;
        let mut fields = FieldErrors::new();
        for (n, (part, q)) in changes.iter().enumerate() {
            if on_list.contains(part) {
                repo::set_quantity(conn, &l.id, part, q.get())?;
            } else if let Some((no, _, _)) = known.get(part) {
                let s = Suggestion {
                    part_id: part.clone(),
                    part_no: no.clone(),
                    held_up_rescues: 0,
                    expected: 0,
                    available: 0,
                    suggested: 0,
                };
                repo::insert_line(conn, &l.id, &s, q.get())?;
            } else {
                fields.insert(
                    format!("lines[{n}].part_id"),
                    Msg::new("holiday-stock-part-unknown"),
                );
            }
        }
        if !fields.is_empty() {
            // The transaction rolls the lines written so far back.
            return Err(AppError::validation(fields));
        }
        repo::touch(conn, &l.id, now)?;
        let data: Vec<serde_json::Value> = changes
            .iter()
            .map(|(p, q)| serde_json::json!({ "part_id": p, "quantity": q.get() }))
            .collect();
        audit_list(
            conn,
            &actor,
            &l.id,
            "holiday_stock.adjusted",
            None,
            None,
            serde_json::json!({ "holiday_id": h.id, "lines": data }),
        )?;
        stored(
            conn,
            &actor,
            h,
            repo::ListRow {
                updated_at: now,
                ..l
            },
        )
    })
    .await
}

/// The parts manager confirms the draft: it is ordered and tracked until received.
pub async fn confirm(
    db: &Db,
    actor: &Identity,
    holiday_id: HolidayId,
) -> Result<HolidayStock, AppError> {
    actor.require(Action::ConfirmHolidayStock)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let now = crate::repo::now();
        let h = holiday(conn, &actor, holiday_id.as_str())?;
        let l = list_or_new(conn, &actor, &h, now)?;
        check_draft(l.status).map_err(refused)?;
        let lines = repo::lines_of(conn, &l.id)?;
        let units: i64 = lines.iter().map(|r| i64::from(r.quantity)).sum();
        repo::set_status(conn, &l.id, ListStatus::Confirmed, actor.user()?, now)?;
        audit_list(
            conn,
            &actor,
            &l.id,
            "holiday_stock.confirmed",
            Some(ListStatus::Draft),
            Some(ListStatus::Confirmed),
            serde_json::json!({ "holiday_id": h.id, "lines": lines.len(), "units": units }),
        )?;
        tracing::info!(list = %l.id, dealer = %actor.dealer_id, holiday = %h.id, units, "holiday stock list confirmed");
        let l = repo::list_of(conn, &actor.dealer_id, &h.id)?
            .ok_or_else(|| AppError::internal("confirmed list vanished"))?;
        stored(conn, &actor, h, l)
    })
    .await
}

/// Units of one line arrived; the list is received when every line has its quantity.
pub async fn receive(
    db: &Db,
    actor: &Identity,
    holiday_id: HolidayId,
    req: ReceiptRequest,
) -> Result<HolidayStock, AppError> {
    actor.require(Action::ReceiveHolidayStock)?;
    let got = Quantity::new(req.quantity).ok_or_else(|| {
        AppError::field(
            "quantity",
            Msg::with(
                "holiday-stock-quantity-range",
                &[("max", MAX_QUANTITY.into())],
            ),
        )
    })?;
    let part_id = req.part_id.trim().to_owned();
    let actor = actor.clone();
    db.write(move |conn| {
        let now = crate::repo::now();
        let h = holiday(conn, &actor, holiday_id.as_str())?;
        let l = repo::list_of(conn, &actor.dealer_id, &h.id)?
            .ok_or_else(|| refused(ListError::NotConfirmed))?;
        let lines = repo::lines_of(conn, &l.id)?;
        let line = lines
            .iter()
            .find(|r| r.part_id == part_id)
            .ok_or_else(|| AppError::not_found(Thing::Part))?;
        let received = receive_rule(l.status, line.quantity, line.received, got).map_err(refused)?;
        repo::set_received(conn, &l.id, &part_id, received, now)?;
        let after: Vec<(i32, i32)> = lines
            .iter()
            .map(|r| {
                let got = if r.part_id == part_id { received } else { r.received };
                (r.quantity, got)
            })
            .collect();
        let status = status_after_receipt(&after);
        if status != l.status {
            repo::set_status(conn, &l.id, status, actor.user()?, now)?;
        }
        audit_list(
            conn,
            &actor,
            &l.id,
            "holiday_stock.received",
            Some(l.status),
            Some(status),
            serde_json::json!({ "holiday_id": h.id, "part_id": part_id, "quantity": got.get(), "received": received }),
        )?;
        let l = repo::list_of(conn, &actor.dealer_id, &h.id)?
            .ok_or_else(|| AppError::internal("received list vanished"))?;
        stored(conn, &actor, h, l)
    })
    .await
}
