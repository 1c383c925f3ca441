//! The parts desk's sourcing orders: propose (the recommendation or another option), review monitored
//! parts, place (holding the sister dealer's units), ship, receive or deliver to the site — each in
//! one transaction, with the stock moving exactly once — and what re-planning does to open orders:
//! a fault mismatch holds them and tells the parts desk, the revised plan carries or cancels them.

use crate::domain::ids::{DealerId, OrderId, PartId, TicketId};
use serde::{Deserialize, Deserializer};

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::role::Action;
use crate::domain::sourcing::{
    check_choice, recommend, RuleRefusal, ShippingMode, SourcingConfig, SourcingKind,
    SourcingOption,
};
use crate::domain::sourcing_order::{
    next, Destination, OrderEvent, OrderRefusal, OrderState, OrderStatus,
};
use crate::domain::system_text::SystemText;
use crate::domain::ticket::TicketStatus;
use crate::error::{AppError, ErrorCode, Thing};
use crate::i18n::Msg;
use crate::notify::templates::Message;
use crate::repo::approvals::{self, NewIssue};
use crate::repo::sourcing_orders::{self as orders, NewOrder, OrderRecord};
use crate::repo::tickets::TicketRecord;
use crate::repo::{staff, stock};
use crate::services::common::{self, current_lines};
use crate::services::notify::{self, Notifier};
use crate::services::sourcing::{facts, in_flight, line_options, Situation};
use crate::services::{request, views};

/// The field messages (catalogue keys) of a bad kind, mode or destination.
pub const KIND_MESSAGE: &str = "svc-sourcing-kind-invalid";
pub const MODE_MESSAGE: &str = "svc-shipping-mode-invalid";
pub const DESTINATION_MESSAGE: &str = "svc-destination-invalid";

fn kind<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SourcingKind>, D::Error> {
    request::optional_name(d, SourcingKind::parse, KIND_MESSAGE)
}

fn mode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ShippingMode>, D::Error> {
    request::optional_name(d, ShippingMode::parse, MODE_MESSAGE)
}

fn destination<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Destination>, D::Error> {
    request::optional_name(d, Destination::parse, DESTINATION_MESSAGE)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProposeRequest {
    /// The plan line's part.
    #[schema(value_type = String)]
    pub part_id: PartId,
    /// Units to source; defaults to all that is still short.
    pub quantity: Option<i32>,
    /// `sister_transfer` or `manufacturer`; with `mode` (and `source_dealer_id` for a transfer)
    /// picks an option. Leave all three out to take the recommendation.
    #[serde(default, deserialize_with = "kind")]
    pub kind: Option<SourcingKind>,
    #[schema(value_type = Option<String>)]
    pub source_dealer_id: Option<DealerId>,
    /// `drive`, `road`, `express` or `air`.
    #[serde(default, deserialize_with = "mode")]
    pub mode: Option<ShippingMode>,
    /// `dealer` (into stock, then issued) or `site` (straight to the crew); defaults to the site
    /// once the crew has left, else the dealer.
    #[serde(default, deserialize_with = "destination")]
    pub destination: Option<Destination>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PartReviewRequest {
    /// The VIN on the ticket was checked against the vehicle.
    #[serde(default)]
    pub vin_checked: bool,
    /// The caller was checked to be the registered owner (ID card, vehicle licence).
    #[serde(default)]
    pub owner_checked: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ShipRequest {
    /// Carrier (顺丰, 德邦…) or, for a drive-over, the driver.
    pub carrier: Option<String>,
    /// Waybill number; may be empty only for a drive-over.
    pub tracking_no: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OrderCancelRequest {
    pub reason: Option<String>,
}

fn require(actor: &Identity, event: OrderEvent) -> Result<(), AppError> {
    if event.permitted(&actor.roles) {
        Ok(())
    } else {
        Err(match event {
            OrderEvent::Review => AppError::forbidden(
                "review_monitored_parts",
                "label-action-review-monitored-parts",
            ),
            _ => AppError::forbidden("work_sourcing_orders", "label-action-work-sourcing-orders"),
        })
    }
}

fn refusal(r: RuleRefusal) -> AppError {
    let code = match r {
        RuleRefusal::DangerousGoodsNoAir { .. } => ErrorCode::DangerousGoodsNoAir,
        RuleRefusal::ReviewRequired => ErrorCode::ReviewRequired,
    };
    let m = r.msg();
    AppError::msg(code, m.key, &m.params)
}

fn invalid(order: &OrderRecord, event: OrderEvent) -> AppError {
    let s = order.status;
    AppError::msg(
        ErrorCode::InvalidTransition,
        "svc-order-invalid-transition",
        &[
            ("status", s.as_str().into()),
            ("action", event.as_str().into()),
        ],
    )
    .labelled("status", s.label_key())
}

/// The order's next state by the pure rules, or the error to show.
fn step(order: &OrderRecord, event: OrderEvent, monitored: bool) -> Result<OrderState, AppError> {
    next(order.state(), event, monitored).map_err(|r| match r {
        OrderRefusal::ReviewRequired => refusal(RuleRefusal::ReviewRequired),
        OrderRefusal::NoReviewNeeded => AppError::msg(
            ErrorCode::InvalidTransition,
            "svc-order-no-review-needed",
            &[],
        ),
        OrderRefusal::Held => AppError::msg(ErrorCode::InvalidTransition, "svc-order-held", &[]),
        OrderRefusal::Invalid => invalid(order, event),
    })
}

/// Applies a step with the guard; a concurrent step on the same order loses with `stale_state`.
fn apply(conn: &mut AnyConnection, order: &OrderRecord, to: OrderState) -> Result<(), AppError> {
    apply_with(conn, order, to, None)
}

fn apply_with(
    conn: &mut AnyConnection,
    order: &OrderRecord,
    to: OrderState,
    hold_reason: Option<&str>,
) -> Result<(), AppError> {
    if orders::set_state(conn, &order.id, order.state(), to, hold_reason)? {
        Ok(())
    } else {
        Err(AppError::msg(ErrorCode::StaleState, "svc-order-stale", &[]))
    }
}

/// An order of a ticket of the actor's dealer (another dealer's order is a 404), with its ticket.
fn load(
    conn: &mut AnyConnection,
    actor: &Identity,
    order_id: &str,
) -> Result<(OrderRecord, TicketRecord), AppError> {
    let order =
        orders::get(conn, order_id)?.ok_or_else(|| AppError::not_found(Thing::SourcingOrder))?;
    let ticket = common::load(conn, actor, &order.ticket_id)
        .map_err(|_| AppError::not_found(Thing::SourcingOrder))?;
    Ok((order, ticket))
}

/// Like [`load`], but the sister dealer sending the part may also record its shipping: it holds
/// the waybill. It sees only the order and the ticket number, never the rest of the ticket.
fn load_for_shipping(
    conn: &mut AnyConnection,
    actor: &Identity,
    order_id: &str,
) -> Result<(OrderRecord, TicketRecord), AppError> {
    let order =
        orders::get(conn, order_id)?.ok_or_else(|| AppError::not_found(Thing::SourcingOrder))?;
    if order.source_dealer_id.as_deref() == Some(actor.dealer_id.as_str()) {
        let ticket = crate::repo::tickets::by_id(conn, &order.ticket_id)?;
        return Ok((order, ticket));
    }
    load(conn, actor, order_id)
}

fn part_of(conn: &mut AnyConnection, part_id: &str) -> Result<staff::Part, AppError> {
    staff::parts_by_ids(conn, &[part_id.to_owned()])?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found(Thing::Part))
}

fn note(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket: &TicketRecord,
    what: &str,
    order: &OrderRecord,
    extra: serde_json::Value,
) -> Result<(), AppError> {
    let mut data = serde_json::json!({
        "order_id": order.id, "part_id": order.part_id, "quantity": order.quantity,
        "kind": order.kind, "mode": order.mode,
    });
    if let (Some(d), serde_json::Value::Object(e)) = (data.as_object_mut(), extra) {
        d.extend(e);
    }
    common::note(conn, actor, ticket, what, None, Some(data))
}

/// Chooses an option for a short plan line: the recommendation, or the one asked for.
pub async fn propose(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    ticket_id: TicketId,
    req: ProposeRequest,
    cfg: SourcingConfig,
    road: crate::domain::eta::RoadModel,
) -> Result<views::OrderRecord, AppError> {
    require(actor, OrderEvent::Place)?;
    let (kind, mode, destination) = (req.kind, req.mode, req.destination);
    if kind.is_some() != mode.is_some() {
        return Err(AppError::field(
            if kind.is_none() { "kind" } else { "mode" },
            Msg::new("svc-sourcing-kind-and-mode"),
        ));
    }
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        let status = ticket.status;
        let lines = current_lines(conn, &ticket.id)?;
        if !status.parts_may_be_issued() || !approvals::director_approved(conn, &lines.plan.id)? {
            return Err(AppError::msg(
                ErrorCode::PlanNotApproved,
                "svc-sourcing-plan-not-approved",
                &[],
            ));
        }
        let line = lines
            .parts
            .iter()
            .find(|p| p.part_id == req.part_id)
            .ok_or_else(|| AppError::field("part_id", Msg::new("svc-sourcing-part-not-in-plan")))?;
        let issued = approvals::net_issued(conn, &ticket.id)?
            .into_iter()
            .find(|(p, _)| *p == line.part_id)
            .map_or(0, |(_, q)| q);
        let existing = orders::for_ticket(conn, &ticket.id)?;
        let short = line.quantity - line.reserved - issued - in_flight(&existing, &line.part_id);
        if short <= 0 {
            return Err(AppError::msg(
                ErrorCode::OverIssue,
                "svc-sourcing-part-covered",
                &[
                    ("name", line.name_zh.clone().into()),
                    ("part_no", line.part_no.clone().into()),
                ],
            ));
        }
        let quantity = req.quantity.unwrap_or(short);
        if !(1..=short).contains(&quantity) {
            return Err(AppError::field(
                "quantity",
                Msg::with("svc-sourcing-quantity-range", &[("short", short.into())]),
            ));
        }
        let part = facts(&part_of(conn, &line.part_id)?);
        let at = Situation::of(conn, &actor.group_id, &ticket, lines.plan.travel_km, road)?;
        let opts = line_options(conn, &actor.group_id, &ticket, &part, quantity, &at, &cfg)?;
        let chosen: SourcingOption = match (kind, mode) {
            (Some(kind), Some(mode)) => {
                // Forcing air for dangerous goods is refused whatever the list says.
                check_choice(&part, mode).map_err(refusal)?;
                opts.iter()
                    .find(|o| {
                        o.kind == kind
                            && o.mode == mode
                            && (kind == SourcingKind::Manufacturer
                                || o.source_dealer_id.as_deref() == req.source_dealer_id.as_deref())
                    })
                    .cloned()
                    .ok_or_else(|| {
                        AppError::msg(
                            ErrorCode::InsufficientStock,
                            "svc-sourcing-source-cannot-supply",
                            &[],
                        )
                    })?
            }
            _ => recommend(&opts, at.level).cloned().ok_or_else(|| {
                AppError::msg(ErrorCode::InsufficientStock, "svc-sourcing-no-option", &[])
            })?,
        };
        let destination = destination.unwrap_or(match status {
            TicketStatus::Dispatched | TicketStatus::OnSite => Destination::Site,
            _ => Destination::Dealer,
        });
        let id = orders::insert(
            conn,
            NewOrder {
                ticket_id: &ticket.id,
                plan_part_id: &line.id,
                part_id: &line.part_id,
                quantity,
                kind: chosen.kind,
                source_dealer_id: chosen.source_dealer_id.as_deref(),
                mode: chosen.mode,
                destination,
                cost_fen: chosen.cost_fen,
                eta: chosen.arrives_at,
                created_by: actor.user()?,
            },
        )?;
        let order = orders::get(conn, &id)?.ok_or_else(|| AppError::internal("order vanished"))?;
        note(conn, &actor, &ticket, "sourcing.proposed", &order, serde_json::json!({
            "source": chosen.source_name, "destination": destination.as_str(),
            "eta": chosen.arrives_at.and_utc().to_rfc3339(), "cost_fen": chosen.cost_fen,
        }))?;
        if part.monitored {
            let msg = Message::StaffPartReview {
                number: ticket.number.clone(),
                part: format!("{} {}", line.part_no, line.name_zh),
                link: format!("{}/parts", n.ticket_link(&ticket.id)),
            };
            for role in ["parts_manager", "service_director"] {
                notify::staff(conn, &ticket, role, &msg)?;
            }
        }
        tracing::info!(ticket = %ticket.number, part = %line.part_no, kind = chosen.kind.as_str(), mode = chosen.mode.as_str(), "sourcing order proposed");
        Ok(order)
    })
    .await
    .map(Into::into)
}

/// The parts manager or the director records that VIN and owner were checked for a monitored part.
pub async fn review(
    db: &Db,
    actor: &Identity,
    order_id: OrderId,
    req: PartReviewRequest,
) -> Result<views::OrderRecord, AppError> {
    require(actor, OrderEvent::Review)?;
    let mut fields = crate::error::FieldErrors::new();
    if !req.vin_checked {
        fields.insert("vin_checked".into(), Msg::new("svc-review-check-vin"));
    }
    if !req.owner_checked {
        fields.insert("owner_checked".into(), Msg::new("svc-review-check-owner"));
    }
    if !fields.is_empty() {
        return Err(AppError::validation(fields));
    }
    let actor = actor.clone();
    db.write(move |conn| {
        let (order, ticket) = load(conn, &actor, &order_id)?;
        let part = part_of(conn, &order.part_id)?;
        let to = step(&order, OrderEvent::Review, part.monitored)?;
        apply(conn, &order, to)?;
        let text = req.note.as_deref().map(str::trim).unwrap_or("");
        orders::record_review(conn, &order.id, actor.user()?, text)?;
        note(
            conn,
            &actor,
            &ticket,
            "sourcing.reviewed",
            &order,
            serde_json::json!({
                "vin_checked": true, "owner_checked": true, "note": text, "vin": ticket.vin,
            }),
        )?;
        orders::get(conn, &order.id)?.ok_or_else(|| AppError::internal("order vanished"))
    })
    .await
    .map(Into::into)
}

/// Places the order: the shipping rule and the review are checked again, a sister dealer's units are
/// held, the arrival is promised from now, and the customer is told when the part is the slower one.
pub async fn place(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    order_id: OrderId,
    cfg: SourcingConfig,
    road: crate::domain::eta::RoadModel,
) -> Result<views::OrderRecord, AppError> {
    require(actor, OrderEvent::Place)?;
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| {
        let (order, ticket) = load(conn, &actor, &order_id)?;
        let part = part_of(conn, &order.part_id)?;
        let facts = facts(&part);
        let mode = order.mode;
        check_choice(&facts, mode).map_err(refusal)?;
        let to = step(&order, OrderEvent::Place, part.monitored)?;
        let lines = current_lines(conn, &ticket.id)?;
        if !approvals::director_approved(conn, &lines.plan.id)? {
            return Err(AppError::msg(
                ErrorCode::PlanNotApproved,
                "svc-order-plan-not-approved",
                &[],
            ));
        }
        let at = Situation::of(conn, &actor.group_id, &ticket, lines.plan.travel_km, road)?;
        let opts = line_options(conn, &actor.group_id, &ticket, &facts, order.quantity, &at, &cfg)?;
        let eta = opts
            .iter()
            .find(|o| o.kind == order.kind && o.mode == mode && o.source_dealer_id == order.source_dealer_id)
            .map(|o| o.arrives_at)
            .or(order.eta)
            .unwrap_or(at.now);
        if let Some(sister) = &order.source_dealer_id {
            if !stock::reserve_exact(conn, sister, &order.part_id, order.quantity)? {
                return Err(AppError::msg(
                    ErrorCode::InsufficientStock,
                    "svc-order-sister-stock-taken",
                    &[
                        ("name", part.name_zh.clone().into()),
                        ("part_no", part.part_no.clone().into()),
                    ],
                ));
            }
        }
        apply(conn, &order, to)?;
        orders::record_placed(conn, &order.id, eta)?;
        note(conn, &actor, &ticket, "sourcing.placed", &order, serde_json::json!({
            "eta": eta.and_utc().to_rfc3339(),
        }))?;
        if eta > at.crew_arrival {
            let status_link = n.status_link(conn, &ticket.id)?;
            notify::customer(conn, &ticket, &Message::CustomerPartsDelay {
                customer_name: ticket.customer_name.clone(),
                part_name: part.name_zh.clone(),
                new_eta: n.local(eta),
                dangerous_goods: part.dangerous_goods,
                status_link,
            })?;
        }
        if let Some(sister) = &order.source_dealer_id {
            let to = crate::repo::staff::dealer_name(conn, &ticket.dealer_id)?;
            notify::staff_at(conn, &ticket, sister, "parts_desk", &Message::StaffTransferToSend {
                number: ticket.number.clone(),
                part: format!("{} {} ×{}", part.part_no, part.name_zh, order.quantity),
                to,
                site: (order.destination == Destination::Site).then(|| ticket.address.clone()),
                link: format!("{}/parts", n.public_url),
            })?;
        }
        tracing::info!(ticket = %ticket.number, part = %part.part_no, eta = %eta, "sourcing order placed");
        orders::get(conn, &order.id)?.ok_or_else(|| AppError::internal("order vanished"))
    })
    .await
    .map(Into::into)
}

pub async fn ship(
    db: &Db,
    actor: &Identity,
    order_id: OrderId,
    req: ShipRequest,
) -> Result<views::OrderRecord, AppError> {
    require(actor, OrderEvent::Ship)?;
    let carrier = req
        .carrier
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_owned();
    let tracking = req
        .tracking_no
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    if carrier.is_empty() || carrier.chars().count() > 40 {
        return Err(AppError::field(
            "carrier",
            Msg::new("svc-ship-carrier-required"),
        ));
    }
    if tracking.as_ref().is_some_and(|t| t.chars().count() > 40) {
        return Err(AppError::field(
            "tracking_no",
            Msg::new("svc-ship-tracking-too-long"),
        ));
    }
    let actor = actor.clone();
    db.write(move |conn| {
        let (order, ticket) = load_for_shipping(conn, &actor, &order_id)?;
        if tracking.is_none() && order.mode != ShippingMode::Drive {
            return Err(AppError::field(
                "tracking_no",
                Msg::new("svc-ship-tracking-required"),
            ));
        }
        let to = step(&order, OrderEvent::Ship, false)?;
        apply(conn, &order, to)?;
        orders::record_shipped(conn, &order.id, &carrier, tracking.as_deref())?;
        note(
            conn,
            &actor,
            &ticket,
            "sourcing.shipped",
            &order,
            serde_json::json!({
                "carrier": carrier, "tracking_no": tracking,
            }),
        )?;
        orders::get(conn, &order.id)?.ok_or_else(|| AppError::internal("order vanished"))
    })
    .await
    .map(Into::into)
}

/// The units leave the sister dealer's books (they were held there since placement).
fn take_from_source(conn: &mut AnyConnection, order: &OrderRecord) -> Result<(), AppError> {
    if let Some(sister) = &order.source_dealer_id {
        if !stock::take_reserved(conn, sister, &order.part_id, order.quantity)? {
            // The hold was placed with the order; losing it means someone edited stock by hand.
            return Err(AppError::msg(
                ErrorCode::Conflict,
                "svc-order-sister-hold-gone",
                &[],
            ));
        }
    }
    Ok(())
}

/// The part arrived at the ticket's dealer: into stock, held for its plan line if the line still
/// wants it. Posted twice, the second receipt is refused and the stock moves once.
pub async fn receive(
    db: &Db,
    actor: &Identity,
    order_id: OrderId,
) -> Result<views::OrderRecord, AppError> {
    require(actor, OrderEvent::Receive)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let (order, ticket) = load(conn, &actor, &order_id)?;
        let to = step(&order, OrderEvent::Receive, false)?;
        apply(conn, &order, to)?;
        take_from_source(conn, &order)?;
        // Hold the units for the line only while that line is the current plan's.
        let line = if ticket.status.parts_may_be_issued() {
            current_lines(conn, &ticket.id)?
                .parts
                .into_iter()
                .find(|p| p.id == order.plan_part_id)
        } else {
            None
        };
        let hold = line.as_ref().map_or(0, |_| order.quantity);
        stock::put_away(conn, &ticket.dealer_id, &order.part_id, order.quantity, hold)?;
        if let Some(line) = &line {
            stock::set_line_reserved(conn, &line.id, line.reserved + hold)?;
        }
        orders::record_received(conn, &order.id, actor.user()?)?;
        note(conn, &actor, &ticket, "sourcing.received", &order, serde_json::json!({
            "held_for_plan": hold > 0,
        }))?;
        tracing::info!(ticket = %ticket.number, order = %order.id, units = order.quantity, "sourced part received");
        orders::get(conn, &order.id)?.ok_or_else(|| AppError::internal("order vanished"))
    })
    .await
    .map(Into::into)
}

/// The part reached the crew at the rescue site: it counts as issued to the rescue lead.
pub async fn deliver(
    db: &Db,
    actor: &Identity,
    order_id: OrderId,
) -> Result<views::OrderRecord, AppError> {
    require(actor, OrderEvent::Deliver)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let (order, ticket) = load(conn, &actor, &order_id)?;
        let status = ticket.status;
        if !matches!(status, TicketStatus::Dispatched | TicketStatus::OnSite) {
            return Err(AppError::msg(
                ErrorCode::InvalidTransition,
                "svc-order-crew-not-out",
                &[],
            ));
        }
        let to = step(&order, OrderEvent::Deliver, false)?;
        apply(conn, &order, to)?;
        take_from_source(conn, &order)?;
        let lines = current_lines(conn, &ticket.id)?;
        let lead = lines
            .crew
            .iter()
            .find(|c| c.lead)
            .map(|c| c.technician_id.clone());
        approvals::insert_issue(
            conn,
            NewIssue {
                ticket_id: &ticket.id,
                plan_id: &lines.plan.id,
                part_id: &order.part_id,
                dealer_id: &ticket.dealer_id,
                quantity: order.quantity,
                issued_by: actor.user()?,
                received_by: lead.as_deref(),
            },
        )?;
        orders::record_received(conn, &order.id, actor.user()?)?;
        note(
            conn,
            &actor,
            &ticket,
            "sourcing.delivered",
            &order,
            serde_json::json!({
                "received_by": lead,
            }),
        )?;
        orders::get(conn, &order.id)?.ok_or_else(|| AppError::internal("order vanished"))
    })
    .await
    .map(Into::into)
}

pub async fn cancel(
    db: &Db,
    actor: &Identity,
    order_id: OrderId,
    req: OrderCancelRequest,
) -> Result<views::OrderRecord, AppError> {
    require(actor, OrderEvent::Cancel)?;
    let reason = req
        .reason
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_owned();
    if reason.is_empty() {
        return Err(AppError::field("reason", Msg::new("svc-reason-required")));
    }
    let actor = actor.clone();
    db.write(move |conn| {
        let (order, ticket) = load(conn, &actor, &order_id)?;
        cancel_in(conn, &order, &reason)?;
        note(
            conn,
            &actor,
            &ticket,
            "sourcing.cancelled",
            &order,
            serde_json::json!({ "reason": reason }),
        )?;
        orders::get(conn, &order.id)?.ok_or_else(|| AppError::internal("order vanished"))
    })
    .await
    .map(Into::into)
}

fn cancel_in(conn: &mut AnyConnection, order: &OrderRecord, reason: &str) -> Result<(), AppError> {
    let to = step(order, OrderEvent::Cancel, false)?;
    apply(conn, order, to)?;
    if let (OrderStatus::Placed, Some(sister)) = (order.status, &order.source_dealer_id) {
        stock::release(conn, sister, &order.part_id, order.quantity)?;
    }
    orders::record_cancelled(conn, &order.id, reason)
}

/// The crew found another fault than the plan's: every order not yet on the road is held (placing
/// and sending are refused) until the revised plan is submitted. Called from the transition, so any
/// way the mismatch is reported holds them. Returns what happened, for the audit.
pub fn hold_for_replan(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
) -> Result<Option<serde_json::Value>, AppError> {
    let mut held = Vec::new();
    // Why an order is held, stored with the hold.
    let why = SystemText::MismatchHold.stored();
    for o in orders::for_ticket(conn, &ticket.id)? {
        // Shipped parts arrive anyway; finished and already held orders have nothing to stop.
        let Ok(to) = next(o.state(), OrderEvent::Hold, false) else {
            continue;
        };
        apply_with(conn, &o, to, Some(&why))?;
        held.push(o.id);
    }
    if held.is_empty() {
        return Ok(None);
    }
    tracing::info!(ticket = %ticket.number, orders = held.len(), "sourcing orders held after a fault mismatch");
    Ok(Some(serde_json::json!({ "orders_held": held })))
}

/// Texts the ticket's parts desk and parts manager what is held (and each sister dealer whose
/// placed transfer must not leave yet), in the mismatch's transaction. Nothing held, no text.
pub fn tell_of_hold(
    conn: &mut AnyConnection,
    n: &Notifier,
    ticket: &TicketRecord,
    found: &str,
) -> Result<(), AppError> {
    let held: Vec<_> = orders::views_for_ticket(conn, &ticket.id)?
        .into_iter()
        .filter(|v| v.order.held())
        .collect();
    if held.is_empty() {
        return Ok(());
    }
    let part =
        |v: &orders::OrderView| format!("{} {} ×{}", v.part_no, v.part_name_zh, v.order.quantity);
    let msg = Message::StaffOrdersHeld {
        number: ticket.number.clone(),
        parts: held.iter().map(part).collect::<Vec<_>>().join("、"),
        found: found.to_owned(),
        link: format!("{}/parts", n.ticket_link(&ticket.id)),
    };
    for role in ["parts_desk", "parts_manager"] {
        notify::staff(conn, ticket, role, &msg)?;
    }
    // A sister dealer has these on its list to send: tell it to wait, once per dealer.
    let mut sisters: Vec<&str> = held
        .iter()
        .filter(|v| v.order.status == OrderStatus::Placed)
        .filter_map(|v| v.order.source_dealer_id.as_deref())
        .collect();
    sisters.sort_unstable();
    sisters.dedup();
    for sister in sisters {
        let theirs: Vec<String> = held
            .iter()
            .filter(|v| {
                v.order.status == OrderStatus::Placed
                    && v.order.source_dealer_id.as_deref() == Some(sister)
            })
            .map(part)
            .collect();
        notify::staff_at(
            conn,
            ticket,
            sister,
            "parts_desk",
            &Message::StaffOrdersHeld {
                number: ticket.number.clone(),
                parts: theirs.join("、"),
                found: found.to_owned(),
                link: format!("{}/parts", n.public_url),
            },
        )?;
    }
    Ok(())
}

/// After the ticket's plan changed or the rescue ended: orders for parts the current plan still
/// needs follow it to the new line (a hold from a mismatch ends: the plan has decided); the rest
/// are cancelled if nothing has left the source yet (held or not; a sister dealer's units are
/// released), or sent to the dealer's shelf if they are already on the road. Returns what
/// happened, for the audit.
pub fn follow_plan(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    rescue_over: bool,
) -> Result<Option<serde_json::Value>, AppError> {
    let open: Vec<OrderRecord> = orders::for_ticket(conn, &ticket.id)?
        .into_iter()
        .filter(|o| o.status.in_flight())
        .collect();
    if open.is_empty() {
        return Ok(None);
    }
    let lines = if rescue_over {
        Vec::new()
    } else {
        crate::repo::plans::current(conn, &ticket.id)?
            .map(|p| crate::repo::plans::lines(conn, p))
            .transpose()?
            .map(|l| l.parts)
            .unwrap_or_default()
    };
    let (mut kept, mut released, mut cancelled, mut to_shelf) = (0, 0, 0, 0);
    for o in &open {
        if let Some(line) = lines.iter().find(|l| l.part_id == o.part_id) {
            if o.held() {
                let to = step(o, OrderEvent::Release, false)?;
                apply(conn, o, to)?;
                released += 1;
            }
            if line.id != o.plan_part_id {
                orders::redirect(conn, &o.id, &line.id, o.destination)?;
            }
            kept += 1;
        } else if o.status.cancellable() {
            let why = if rescue_over {
                SystemText::RescueOver
            } else {
                SystemText::NoLongerInPlan
            };
            cancel_in(conn, o, &why.stored())?;
            cancelled += 1;
        } else {
            // Already on the road: it lands on the dealer's shelf as ordinary stock.
            orders::redirect(conn, &o.id, &o.plan_part_id, Destination::Dealer)?;
            to_shelf += 1;
        }
    }
    let mut out = serde_json::json!({
        "orders_kept": kept, "orders_cancelled": cancelled, "orders_to_shelf": to_shelf,
    });
    if released > 0 {
        out["orders_released"] = released.into();
    }
    Ok(Some(out))
}

/// At resolve: orders whose parts were fitted are consumed, as far as the used quantities go.
pub fn consume_used(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    used: &[(String, i32)],
) -> Result<i32, AppError> {
    let mut left: Vec<(String, i32)> = used.to_vec();
    let mut consumed = 0;
    for o in orders::for_ticket(conn, &ticket.id)? {
        if !matches!(o.status, OrderStatus::Received | OrderStatus::Delivered) {
            continue;
        }
        let Some((_, fitted)) = left
            .iter_mut()
            .find(|(p, q)| *p == o.part_id && *q >= o.quantity)
        else {
            continue;
        };
        *fitted -= o.quantity;
        let to = step(&o, OrderEvent::Consume, false)?;
        apply(conn, &o, to)?;
        orders::record_consumed(conn, &o.id)?;
        consumed += 1;
    }
    Ok(consumed)
}

/// Who may see the parts desk: planners, approvers and parts staff (`Action::ViewPartsDesk`).
pub fn require_view(actor: &Identity) -> Result<(), AppError> {
    actor.require(Action::ViewPartsDesk)
}
