//! The parts desk queue: approved rescues still waiting for parts — what is local, what is on its
//! way, what nobody has found yet, and what holds each ticket up.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::Identity;
use crate::db::Db;
use crate::domain::eta::RoadModel;
use crate::domain::promise::SlaConfig;
use crate::domain::sourcing::earliest_fix;
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::repo::sourcing_orders;
use crate::repo::tickets;
use crate::services::promises::{PromiseView, Promised, Subject};
use crate::services::sourcing::in_flight;
use crate::services::sourcing_orders::require_view;
use crate::services::views;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueTicket {
    pub ticket_id: String,
    pub number: String,
    pub status: TicketStatus,
    pub plate: String,
    pub response_level: i32,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub call_time: NaiveDateTime,
    /// The next promise to the customer (`services::promises`); null when the rescue is over.
    pub promise: Option<PromiseView>,
    pub plan_version: i32,
    pub lines: Vec<QueueLine>,
    /// Lines with units nobody has found yet: the desk must choose a source.
    pub unsourced: i32,
    /// Lines with units reserved here and not yet issued: ready to hand out.
    pub to_issue: i32,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub crew_arrival: Option<NaiveDateTime>,
    /// The latest arrival among parts on their way, if later than the crew.
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub parts_ready_at: Option<NaiveDateTime>,
    /// The part number that holds the repair up (on its way and later than the crew, or unsourced).
    pub held_up_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueLine {
    pub part_id: String,
    pub part_no: String,
    pub name_zh: String,
    /// The English name; empty where the catalogue gives none.
    pub name_en: String,
    pub quantity: i32,
    pub issued: i32,
    /// Reserved here, waiting to be issued.
    pub reserved_here: i32,
    pub on_the_way: i32,
    /// Of those on the way: units on orders held after a fault mismatch, until the revised plan decides.
    pub held: i32,
    pub unsourced: i32,
}

impl Promised for QueueTicket {
    fn subject(&self) -> Subject {
        Subject {
            id: self.ticket_id.clone(),
            status: self.status,
            call_time: self.call_time,
            response_level: self.response_level,
        }
    }

    fn set_promise(&mut self, promise: Option<PromiseView>) {
        self.promise = promise;
    }
}

/// Approved, dispatched and on-site tickets of the actor's dealer whose parts are not all issued,
/// and any ticket with an order still on its way, each with its next promise: those with a part
/// nobody has found yet first (the desk's move), then the most urgent promise, then the ones held
/// up longest.
pub async fn queue(
    db: &Db,
    sla: &SlaConfig,
    road: RoadModel,
    actor: &Identity,
) -> Result<Vec<QueueTicket>, AppError> {
    require_view(actor)?;
    let dealer = actor.dealer_id.clone();
    let sla = sla.clone();
    db.read(move |conn| {
        // The tickets in the parts phase are loaded once; tickets in other states with an order
        // still on its way (e.g. re-planning) are added by id.
        let mut queued = tickets::in_states(conn, &dealer, &TicketStatus::PARTS_PHASE)?;
        for id in sourcing_orders::open_ticket_ids(conn, &dealer)? {
            if !queued.iter().any(|t| t.id == id) {
                queued.push(tickets::by_id(conn, &id)?);
            }
        }
        let now = crate::repo::now();
        let mut out = Vec::new();
        for ticket in queued {
            let id = ticket.id.clone();
            let Some(plan) = crate::repo::plans::current(conn, &id)? else {
                continue;
            };
            let version = plan.version;
            let travel_km = plan.travel_km;
            let lines = crate::repo::plans::lines(conn, plan)?;
            let issued = crate::repo::approvals::net_issued(conn, &id)?;
            let orders = sourcing_orders::for_ticket(conn, &id)?;
            let mut rows = Vec::new();
            let mut arrivals = Vec::new();
            let mut unsourced_part = None;
            for l in &lines.parts {
                let issued = issued
                    .iter()
                    .find(|(p, _)| *p == l.part_id)
                    .map_or(0, |(_, q)| *q);
                let coming = in_flight(&orders, &l.part_id);
                let unsourced = (l.quantity - issued - l.reserved - coming).max(0);
                if unsourced > 0 && unsourced_part.is_none() {
                    unsourced_part = Some(l.part_no.clone());
                }
                for o in orders
                    .iter()
                    .filter(|o| o.part_id == l.part_id && o.status.in_flight())
                {
                    if let Some(eta) = o.eta {
                        arrivals.push((l.part_no.clone(), eta));
                    }
                }
                rows.push(QueueLine {
                    part_id: l.part_id.clone(),
                    part_no: l.part_no.clone(),
                    name_zh: l.name_zh.clone(),
                    name_en: l.name_en.clone(),
                    quantity: l.quantity,
                    issued,
                    reserved_here: l.reserved,
                    on_the_way: coming,
                    held: orders
                        .iter()
                        .filter(|o| o.part_id == l.part_id && o.held())
                        .map(|o| o.quantity)
                        .sum(),
                    unsourced,
                });
            }
            let waiting = rows.iter().any(|r| r.issued < r.quantity)
                || orders.iter().any(|o| o.status.in_flight());
            if !waiting {
                continue;
            }
            let crew = ticket
                .expected_arrival_at
                .unwrap_or_else(|| road.default_arrival(now, travel_km));
            let (fix_at, by) = earliest_fix(crew, &arrivals);
            out.push(QueueTicket {
                ticket_id: ticket.id.clone(),
                number: ticket.number.clone(),
                status: ticket.status,
                plate: ticket.plate.clone(),
                response_level: ticket.response_level,
                call_time: ticket.call_time,
                promise: None,
                plan_version: version,
                unsourced: rows.iter().filter(|r| r.unsourced > 0).count() as i32,
                to_issue: rows.iter().filter(|r| r.reserved_here > 0).count() as i32,
                lines: rows,
                crew_arrival: ticket.expected_arrival_at,
                parts_ready_at: by.is_some().then_some(fix_at),
                // A part nobody has found yet holds the ticket up more than any known arrival.
                held_up_by: unsourced_part.or(by),
            });
        }
        crate::services::promises::fill(conn, &sla, &mut out, now)?;
        // Unsourced first, then the most urgent promise, then the latest parts, then the oldest
        // call (the list came in call order).
        let urgency = |q: &QueueTicket| crate::services::promises::urgency_of(q.promise.as_ref());
        out.sort_by(|a, b| {
            (b.unsourced > 0)
                .cmp(&(a.unsourced > 0))
                .then_with(|| urgency(a).cmp(&urgency(b)))
                .then_with(|| b.parts_ready_at.cmp(&a.parts_ready_at))
        });
        Ok(out)
    })
    .await
}

/// Sister transfers other dealers of the group placed with the actor's dealer, waiting to be sent.
pub async fn outgoing(db: &Db, actor: &Identity) -> Result<Vec<views::OutgoingTransfer>, AppError> {
    require_view(actor)?;
    let dealer = actor.dealer_id.clone();
    let outgoing = db
        .read(move |conn| sourcing_orders::outgoing(conn, &dealer))
        .await?;
    Ok(outgoing.into_iter().map(Into::into).collect())
}
