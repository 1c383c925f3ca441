//! Sourcing orders: one row per part line being fetched from a sister dealer or the manufacturer.
//! Status changes are guarded updates (`WHERE status = expected` and the hold as expected), so a
//! step posted twice counts once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{dealers, parts, sourcing_orders};
use crate::db::AnyConnection;
use crate::domain::sourcing::{ShippingMode, SourcingKind};
use crate::domain::sourcing_order::{Destination, OrderState, OrderStatus};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sourcing_orders)]
pub struct OrderRecord {
    pub id: String,
    pub ticket_id: String,
    pub plan_part_id: String,
    pub part_id: String,
    pub quantity: i32,
    /// `sister_transfer` or `manufacturer`.
    pub kind: SourcingKind,
    pub source_dealer_id: Option<String>,
    /// `drive`, `road`, `express` or `air`.
    pub mode: ShippingMode,
    pub status: OrderStatus,
    pub destination: Destination,
    pub cost_fen: i64,
    pub eta: Option<NaiveDateTime>,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub review_note: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub placed_at: Option<NaiveDateTime>,
    pub shipped_at: Option<NaiveDateTime>,
    pub received_at: Option<NaiveDateTime>,
    pub received_by: Option<String>,
    pub consumed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    /// Set while the order is on hold: the crew found another fault than the plan's, and the
    /// revised plan decides whether the part is still wanted. Nothing is placed or sent meanwhile.
    pub held_at: Option<NaiveDateTime>,
    pub hold_reason: Option<String>,
}

impl OrderRecord {
    pub fn held(&self) -> bool {
        self.held_at.is_some()
    }

    /// What the order rules act on.
    pub fn state(&self) -> OrderState {
        OrderState::new(self.status, self.held())
    }
}

/// An order with the names a page shows next to it.
#[derive(Debug, Clone)]
pub struct OrderView {
    pub order: OrderRecord,
    pub part_no: String,
    pub part_name_zh: String,
    /// The English name; empty where the catalogue gives none.
    pub part_name_en: String,
    pub dangerous_goods: bool,
    pub monitored: bool,
    /// The sister dealer's name, or empty for a manufacturer order.
    pub source_name: String,
}

pub struct NewOrder<'a> {
    pub ticket_id: &'a str,
    pub plan_part_id: &'a str,
    pub part_id: &'a str,
    pub quantity: i32,
    pub kind: SourcingKind,
    pub source_dealer_id: Option<&'a str>,
    pub mode: ShippingMode,
    pub destination: Destination,
    pub cost_fen: i64,
    pub eta: NaiveDateTime,
    pub created_by: &'a str,
}

pub fn insert(conn: &mut AnyConnection, o: NewOrder<'_>) -> Result<String, AppError> {
    let id = super::new_id();
    let now = super::now();
    diesel::insert_into(sourcing_orders::table)
        .values((
            sourcing_orders::id.eq(&id),
            sourcing_orders::ticket_id.eq(o.ticket_id),
            sourcing_orders::plan_part_id.eq(o.plan_part_id),
            sourcing_orders::part_id.eq(o.part_id),
            sourcing_orders::quantity.eq(o.quantity),
            sourcing_orders::kind.eq(o.kind),
            sourcing_orders::source_dealer_id.eq(o.source_dealer_id),
            sourcing_orders::mode.eq(o.mode),
            sourcing_orders::status.eq(OrderStatus::Proposed),
            sourcing_orders::destination.eq(o.destination),
            sourcing_orders::cost_fen.eq(o.cost_fen),
            sourcing_orders::eta.eq(Some(o.eta)),
            sourcing_orders::created_by.eq(o.created_by),
            sourcing_orders::created_at.eq(now),
            sourcing_orders::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<OrderRecord>, AppError> {
    Ok(sourcing_orders::table
        .filter(sourcing_orders::id.eq(id))
        .select(OrderRecord::as_select())
        .first(conn)
        .optional()?)
}

pub fn for_ticket(conn: &mut AnyConnection, ticket_id: &str) -> Result<Vec<OrderRecord>, AppError> {
    Ok(sourcing_orders::table
        .filter(sourcing_orders::ticket_id.eq(ticket_id))
        .order(sourcing_orders::created_at.asc())
        .select(OrderRecord::as_select())
        .load(conn)?)
}

/// An order, its part's number, Chinese and English name, its safety flags, the source's name.
type ViewRow = (
    OrderRecord,
    String,
    String,
    String,
    bool,
    bool,
    Option<String>,
);

/// A ticket's orders with part and source names, oldest first.
pub fn views_for_ticket(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Vec<OrderView>, AppError> {
    let rows: Vec<ViewRow> = sourcing_orders::table
        .inner_join(parts::table)
        .left_join(dealers::table)
        .filter(sourcing_orders::ticket_id.eq(ticket_id))
        .order(sourcing_orders::created_at.asc())
        .select((
            OrderRecord::as_select(),
            parts::part_no,
            parts::name_zh,
            parts::name_en,
            parts::dangerous_goods,
            parts::monitored,
            dealers::name.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(order, part_no, part_name_zh, part_name_en, dg, monitored, source)| OrderView {
                order,
                part_no,
                part_name_zh,
                part_name_en,
                dangerous_goods: dg,
                monitored,
                source_name: source.unwrap_or_default(),
            },
        )
        .collect())
}

/// Moves an order from `from` to `to` if nobody moved it first; false when the guard failed.
/// Taking a hold stamps it with `hold_reason`; any state without a hold clears it.
pub fn set_state(
    conn: &mut AnyConnection,
    id: &str,
    from: OrderState,
    to: OrderState,
    hold_reason: Option<&str>,
) -> Result<bool, AppError> {
    let now = super::now();
    let (held_at, reason) = if to.held {
        (Some(now), hold_reason)
    } else {
        (None, None)
    };
    let row = sourcing_orders::table
        .filter(sourcing_orders::id.eq(id))
        .filter(sourcing_orders::status.eq(from.status));
    let changes = (
        sourcing_orders::status.eq(to.status),
        sourcing_orders::held_at.eq(held_at),
        sourcing_orders::hold_reason.eq(reason),
        sourcing_orders::updated_at.eq(now),
    );
    let n = if from.held {
        diesel::update(row.filter(sourcing_orders::held_at.is_not_null()))
            .set(changes)
            .execute(conn)?
    } else {
        diesel::update(row.filter(sourcing_orders::held_at.is_null()))
            .set(changes)
            .execute(conn)?
    };
    Ok(n == 1)
}

pub fn record_review(
    conn: &mut AnyConnection,
    id: &str,
    by: &str,
    note: &str,
) -> Result<(), AppError> {
    diesel::update(sourcing_orders::table.filter(sourcing_orders::id.eq(id)))
        .set((
            sourcing_orders::reviewed_by.eq(by),
            sourcing_orders::reviewed_at.eq(super::now()),
            sourcing_orders::review_note.eq(note),
        ))
        .execute(conn)?;
    Ok(())
}

/// At placement the arrival is promised again from the current time.
pub fn record_placed(
    conn: &mut AnyConnection,
    id: &str,
    eta: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(sourcing_orders::table.filter(sourcing_orders::id.eq(id)))
        .set((
            sourcing_orders::placed_at.eq(super::now()),
            sourcing_orders::eta.eq(eta),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn record_shipped(
    conn: &mut AnyConnection,
    id: &str,
    carrier: &str,
    tracking_no: Option<&str>,
) -> Result<(), AppError> {
    diesel::update(sourcing_orders::table.filter(sourcing_orders::id.eq(id)))
        .set((
            sourcing_orders::shipped_at.eq(super::now()),
            sourcing_orders::carrier.eq(carrier),
            sourcing_orders::tracking_no.eq(tracking_no),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn record_received(conn: &mut AnyConnection, id: &str, by: &str) -> Result<(), AppError> {
    diesel::update(sourcing_orders::table.filter(sourcing_orders::id.eq(id)))
        .set((
            sourcing_orders::received_at.eq(super::now()),
            sourcing_orders::received_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn record_consumed(conn: &mut AnyConnection, id: &str) -> Result<(), AppError> {
    diesel::update(sourcing_orders::table.filter(sourcing_orders::id.eq(id)))
        .set(sourcing_orders::consumed_at.eq(super::now()))
        .execute(conn)?;
    Ok(())
}

pub fn record_cancelled(conn: &mut AnyConnection, id: &str, reason: &str) -> Result<(), AppError> {
    diesel::update(sourcing_orders::table.filter(sourcing_orders::id.eq(id)))
        .set((
            sourcing_orders::cancelled_at.eq(super::now()),
            sourcing_orders::cancel_reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// Points an order at another plan line (re-planning kept the part) or sends it to the shelf.
pub fn redirect(
    conn: &mut AnyConnection,
    id: &str,
    plan_part_id: &str,
    destination: Destination,
) -> Result<(), AppError> {
    diesel::update(sourcing_orders::table.filter(sourcing_orders::id.eq(id)))
        .set((
            sourcing_orders::plan_part_id.eq(plan_part_id),
            sourcing_orders::destination.eq(destination),
            sourcing_orders::updated_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Tickets of a dealer with orders not finished yet (the parts desk queue's second half).
pub fn open_ticket_ids(conn: &mut AnyConnection, dealer_id: &str) -> Result<Vec<String>, AppError> {
    use crate::db::schema::tickets;
    Ok(sourcing_orders::table
        .inner_join(tickets::table)
        .filter(tickets::dealer_id.eq(dealer_id))
        .filter(sourcing_orders::status.eq_any(OrderStatus::IN_FLIGHT))
        .select(sourcing_orders::ticket_id)
        .distinct()
        .load(conn)?)
}

/// A placed sister transfer another dealer asked this dealer to send.
#[derive(Debug, Clone)]
pub struct OutgoingTransfer {
    pub order: OrderRecord,
    pub part_no: String,
    pub part_name_zh: String,
    /// The English name; empty where the catalogue gives none.
    pub part_name_en: String,
    pub dangerous_goods: bool,
    /// The requesting ticket's number, to write on the parcel.
    pub ticket_number: String,
    /// The dealer the part goes to (or whose rescue site it goes to).
    pub to_dealer: String,
    pub to_address: String,
}

/// An order, its part's number and names, dangerous goods, the ticket number, dealer and site.
type OutgoingRow = (
    OrderRecord,
    String,
    String,
    String,
    bool,
    String,
    String,
    String,
);

/// Transfers this dealer has to send: placed (units held on its shelf), not yet shipped.
pub fn outgoing(
    conn: &mut AnyConnection,
    dealer_id: &str,
) -> Result<Vec<OutgoingTransfer>, AppError> {
    use crate::db::schema::tickets;
    let rows: Vec<OutgoingRow> = sourcing_orders::table
        .inner_join(parts::table)
        .inner_join(tickets::table.inner_join(dealers::table))
        .filter(sourcing_orders::source_dealer_id.eq(dealer_id))
        .filter(sourcing_orders::status.eq(OrderStatus::Placed))
        .order(sourcing_orders::placed_at.asc())
        .select((
            OrderRecord::as_select(),
            parts::part_no,
            parts::name_zh,
            parts::name_en,
            parts::dangerous_goods,
            tickets::number,
            dealers::name,
            tickets::address,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(order, part_no, part_name_zh, part_name_en, dg, number, to_dealer, site)| {
                let to_address = if order.destination == Destination::Site {
                    site
                } else {
                    String::new()
                };
                OutgoingTransfer {
                    order,
                    part_no,
                    part_name_zh,
                    part_name_en,
                    dangerous_goods: dg,
                    ticket_number: number,
                    to_dealer,
                    to_address,
                }
            },
        )
        .collect())
}
