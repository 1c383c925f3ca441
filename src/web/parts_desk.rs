//! The parts desk pages: the queue of rescues waiting for parts, and per ticket the ranked sources
//! for what the dealer lacks, the orders on their way, and the one form each order's next step needs.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::form::Fields;
use super::session::{Chrome, WebUser};
use super::tickets::local;
use super::{html, redirect, OrPage, PageError};
use crate::domain::money::Fen;
use crate::domain::sourcing::{ShippingMode, SourcingKind};
use crate::domain::sourcing_order::{Destination, OrderEvent, OrderStatus};
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::services::parts_desk::{self, QueueTicket};
use crate::services::request;
use crate::services::sourcing::{self, SourcingReport};
use crate::services::sourcing_orders::{
    self as orders, OrderCancelRequest, PartReviewRequest, ProposeRequest, ShipRequest,
};
use crate::services::views::OrderView;
use crate::state::AppState;

/// One sourcing order as pages show it: what, from where, how, and each step's time.
pub struct OrderRow {
    pub id: String,
    pub part_no: String,
    pub part_name: String,
    pub quantity: i32,
    pub status: &'static str,
    /// Held after a fault mismatch: the status label says so, and no step but cancelling is offered.
    pub status_label: String,
    pub held: bool,
    pub source: String,
    pub mode: String,
    pub destination: String,
    pub to_site: bool,
    pub eta: String,
    pub cost_yuan: String,
    pub carrier: String,
    pub tracking_no: String,
    pub monitored: bool,
    pub dangerous_goods: bool,
    /// (step, local time) for every step taken so far.
    pub steps: Vec<(String, String)>,
    pub may_review: bool,
    pub may_place: bool,
    pub may_ship: bool,
    pub may_receive: bool,
    pub may_deliver: bool,
    pub may_cancel: bool,
    pub drive: bool,
}

pub fn mode_label(l: Locale, mode: ShippingMode) -> String {
    l.t(mode.label_key())
}

/// Rows for a ticket's orders; the step permissions follow the pure order rules and the role table.
pub fn order_rows(
    state: &AppState,
    user: &WebUser,
    views: &[OrderView],
    crew_out: bool,
) -> Vec<OrderRow> {
    let l = user.locale;
    let roles = &user.identity.roles;
    views
        .iter()
        .map(|v| {
            let o = &v.order;
            let s = o.status;
            let st = o.state();
            let can = |e: OrderEvent| {
                e.permitted(roles)
                    && crate::domain::sourcing_order::next(st, e, v.monitored).is_ok()
            };
            let t = |x: &Option<chrono::NaiveDateTime>| x.map(|x| local(state, &x));
            let mut steps = vec![(l.t("parts-step-chosen"), local(state, &o.created_at))];
            for (label, at) in [
                (l.t("parts-step-reviewed"), t(&o.reviewed_at)),
                (l.t("parts-step-placed"), t(&o.placed_at)),
                (l.t("parts-step-shipped"), t(&o.shipped_at)),
                (
                    if s == OrderStatus::Delivered
                        || o.destination == Destination::Site && o.received_at.is_some()
                    {
                        l.t("parts-step-delivered")
                    } else {
                        l.t("parts-step-received")
                    },
                    t(&o.received_at),
                ),
                (l.t("parts-step-used"), t(&o.consumed_at)),
                (l.t("parts-step-cancelled"), t(&o.cancelled_at)),
            ] {
                if let Some(at) = at {
                    steps.push((label, at));
                }
            }
            OrderRow {
                id: o.id.clone(),
                part_no: v.part_no.clone(),
                part_name: l.name(&v.part_name_zh, &v.part_name_en).to_owned(),
                quantity: o.quantity,
                status: s.as_str(),
                status_label: st.label(l),
                held: st.held,
                // The configured manufacturer name is a word, not a brand: the kind says it in
                // the page's language.
                source: if o.kind == SourcingKind::Manufacturer {
                    l.t(o.kind.label_key())
                } else {
                    v.source_name.clone()
                },
                mode: mode_label(l, o.mode),
                destination: if o.destination == Destination::Site {
                    l.t("parts-ticket-to-the-site")
                } else {
                    l.t("parts-ticket-to-the-dealer")
                },
                to_site: o.destination == Destination::Site,
                eta: o.eta.map(|e| local(state, &e)).unwrap_or_default(),
                cost_yuan: Fen::from_fen(o.cost_fen).yuan_string(),
                carrier: o.carrier.clone().unwrap_or_default(),
                tracking_no: o.tracking_no.clone().unwrap_or_default(),
                monitored: v.monitored,
                dangerous_goods: v.dangerous_goods,
                steps,
                may_review: can(OrderEvent::Review),
                may_place: can(OrderEvent::Place),
                may_ship: can(OrderEvent::Ship),
                may_receive: can(OrderEvent::Receive),
                may_deliver: can(OrderEvent::Deliver) && crew_out,
                may_cancel: can(OrderEvent::Cancel),
                drive: o.mode == ShippingMode::Drive,
            }
        })
        .collect()
}

pub struct QueueRow {
    pub q: QueueTicket,
    pub status_label: String,
    pub ready: String,
    pub promise: Option<super::tickets::PromiseRow>,
}

pub struct OutgoingRow {
    pub t: crate::services::views::OutgoingTransfer,
    pub mode: String,
    pub placed: String,
    pub eta: String,
    pub drive: bool,
    /// Held after the requesting rescue's fault mismatch: not to be sent until its plan decides.
    pub held: bool,
}

#[derive(Template)]
#[template(path = "parts_queue.html", config = "src/web/askama.toml")]
struct QueuePage {
    c: Chrome,
    rows: Vec<QueueRow>,
    outgoing: Vec<OutgoingRow>,
    may_ship: bool,
    alert: Option<(&'static str, String)>,
}

pub async fn queue(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    render_queue(&state, &user, None, StatusCode::OK).await
}

async fn render_queue(
    state: &AppState,
    user: &WebUser,
    alert: Option<(&'static str, String)>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    let rows = parts_desk::queue(
        &state.db,
        &state.settings.sla,
        state.settings.eta.model(),
        &user.identity,
    )
    .await
    .or_page(l)?
    .into_iter()
    .map(|q| QueueRow {
        status_label: l.t(q.status.label_key()),
        promise: q
            .promise
            .as_ref()
            .map(|p| super::tickets::promise_row(state, l, p)),
        ready: q
            .parts_ready_at
            .map(|t| local(state, &t))
            .unwrap_or_default(),
        q,
    })
    .collect();
    let outgoing = parts_desk::outgoing(&state.db, &user.identity)
        .await
        .or_page(l)?
        .into_iter()
        .map(|t| OutgoingRow {
            mode: mode_label(l, t.order.mode),
            placed: t
                .order
                .placed_at
                .map(|p| local(state, &p))
                .unwrap_or_default(),
            eta: t.order.eta.map(|e| local(state, &e)).unwrap_or_default(),
            drive: t.order.mode == ShippingMode::Drive,
            held: t.order.held(),
            t,
        })
        .collect();
    Ok(html(
        status,
        &QueuePage {
            c: user.chrome(),
            rows,
            outgoing,
            may_ship: OrderEvent::Ship.permitted(&user.identity.roles),
            alert,
        },
    ))
}

/// The sending dealer records the shipping of a transfer from the queue page.
pub async fn ship_outgoing(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let l = user.locale;
    let req = ShipRequest {
        carrier: opt(&f, "carrier"),
        tracking_no: opt(&f, "tracking_no"),
    };
    // A malformed order id is refused like an unknown order.
    let shipped = match crate::api::params::page_id(&id, crate::error::Thing::SourcingOrder) {
        Ok(id) => orders::ship(&state.db, &user.identity, id, req).await,
        Err(e) => Err(e),
    };
    match shipped {
        Ok(_) => Ok(redirect("/parts")),
        Err(e) => {
            let status = e.code.status();
            let message = super::refusal_text(l, &e);
            render_queue(&state, &user, Some(("error", message)), status).await
        }
    }
}

/// One option as the page lists it.
pub struct OptionRow {
    pub kind: &'static str,
    pub source_dealer_id: String,
    pub mode: &'static str,
    pub source: String,
    pub mode_label: String,
    pub distance: String,
    pub arrives: String,
    pub fix: String,
    pub cost_yuan: String,
    pub allowed: bool,
    pub refusal: String,
    pub needs_review: bool,
    pub recommended: bool,
    /// How holidays make it later ("春节停运，节后另需 60 小时"); empty when they do not.
    pub holiday: String,
}

pub struct LineRow {
    pub part_id: String,
    pub part_no: String,
    pub name: String,
    pub quantity: i32,
    pub covered_here: i32,
    pub on_the_way: i32,
    pub short: i32,
    pub dangerous_goods: bool,
    pub monitored: bool,
    pub sentence: String,
    pub options: Vec<OptionRow>,
}

#[derive(Template)]
#[template(path = "parts_ticket.html", config = "src/web/askama.toml")]
struct TicketPartsPage {
    c: Chrome,
    ticket_id: String,
    number: String,
    status_label: String,
    crew_out: bool,
    crew_arrival: String,
    earliest_fix: String,
    held_up_by: String,
    lines: Vec<LineRow>,
    orders: Vec<OrderRow>,
    may_order: bool,
    alert: Option<(&'static str, String)>,
    /// The holidays that slow a listed option, each a line with its effects.
    holidays: Vec<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = super::page_ticket_id(&id, user.locale)?;
    render(&state, &user, id, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    user: &WebUser,
    id: crate::domain::ids::TicketId,
    alert: Option<(&'static str, String)>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    let detail = crate::services::tickets::detail(&state.db, &user.identity, id.clone())
        .await
        .or_page(l)?;
    let report: SourcingReport = match detail.plan {
        Some(_) => sourcing::report(
            &state.db,
            &user.identity,
            id.clone(),
            state.settings.sourcing.clone(),
            state.settings.eta.model(),
        )
        .await
        .or_page(l)?,
        None => {
            return Err(PageError::App(
                AppError::msg(
                    crate::error::ErrorCode::InvalidTransition,
                    "parts-ticket-no-plan-yet",
                    &[],
                ),
                l,
            ))
        }
    };
    let t = &detail.ticket;
    let crew_out = matches!(t.status, TicketStatus::Dispatched | TicketStatus::OnSite);
    let lines = report
        .lines
        .iter()
        .map(|line| LineRow {
            part_id: line.part_id.clone(),
            part_no: line.part_no.clone(),
            name: l.name(&line.name_zh, &line.name_en).to_owned(),
            quantity: line.quantity,
            covered_here: line.covered_here,
            on_the_way: line.on_the_way,
            short: line.short,
            dangerous_goods: line.dangerous_goods,
            monitored: line.monitored,
            // In the viewer's language (the API's report gives the Chinese one, for the call).
            sentence: line
                .options
                .iter()
                .find_map(|o| o.refusal.as_ref())
                .map(|r| r.customer_sentence().render(l))
                .unwrap_or_default(),
            options: line
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| OptionRow {
                    kind: o.kind.as_str(),
                    source_dealer_id: o.source_dealer_id.clone().unwrap_or_default(),
                    mode: o.mode.as_str(),
                    source: if o.kind == SourcingKind::Manufacturer {
                        l.t(o.kind.label_key())
                    } else {
                        o.source_name.clone()
                    },
                    mode_label: l.t(o.mode.label_key()),
                    distance: o
                        .distance_km
                        .map(|d| format!("{d:.0} km"))
                        .unwrap_or_default(),
                    arrives: local(state, &o.arrives_at),
                    fix: local(state, &o.fix_at),
                    cost_yuan: Fen::from_fen(o.cost_fen).yuan_string(),
                    allowed: o.allowed,
                    refusal: o
                        .refusal
                        .as_ref()
                        .map(|r| r.msg().render(l))
                        .unwrap_or_default(),
                    needs_review: o.needs_review,
                    recommended: line.recommended == Some(i),
                    holiday: super::holidays::option_note(l, &o.holidays),
                })
                .collect(),
        })
        .collect();
    let page = TicketPartsPage {
        c: user.chrome(),
        ticket_id: t.id.clone(),
        number: t.number.clone(),
        status_label: l.t(t.status.label_key()),
        crew_out,
        crew_arrival: local(state, &report.crew_arrival),
        earliest_fix: local(state, &report.earliest_fix_at),
        held_up_by: report.held_up_by.clone().unwrap_or_default(),
        lines,
        orders: order_rows(state, user, &report.orders, crew_out),
        may_order: OrderEvent::Place.permitted(&user.identity.roles),
        alert,
        holidays: report
            .holidays
            .iter()
            .map(|h| super::holidays::banner(l, h))
            .collect(),
    };
    Ok(html(status, &page))
}

fn opt(f: &Fields, name: &str) -> Option<String> {
    Some(f.get(name).trim().to_owned()).filter(|s| !s.is_empty())
}

/// An optional form value naming one of a fixed set, checked as the JSON body is.
fn opt_name<T>(
    f: &Fields,
    name: &str,
    parse: fn(&str) -> Option<T>,
    message: &'static str,
) -> Result<Option<T>, AppError> {
    opt(f, name)
        .map(|v| request::parse_form(name, &v, parse, message))
        .transpose()
}

/// The parts desk's form posts, each routed at its own URL `/tickets/{id}/parts/act/{name}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartsAction {
    Propose,
    Review,
    Place,
    Ship,
    Receive,
    Deliver,
    Cancel,
}

impl PartsAction {
    /// Every step with the last segment of its URL.
    pub const ALL: [(&'static str, PartsAction); 7] = [
        ("propose", PartsAction::Propose),
        ("review", PartsAction::Review),
        ("place", PartsAction::Place),
        ("ship", PartsAction::Ship),
        ("receive", PartsAction::Receive),
        ("deliver", PartsAction::Deliver),
        ("cancel", PartsAction::Cancel),
    ];
}

/// Form posts: `propose` for the ticket, the rest on the order named by `order_id`.
pub async fn act(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    body: web::Bytes,
    action: PartsAction,
) -> Result<HttpResponse, PageError> {
    let f = Fields::parse(&body);
    user.check_csrf(f.get("csrf"))?;
    let id = super::page_ticket_id(&id, user.locale)?;
    let (db, me, l) = (&state.db, &user.identity, user.locale);
    // What was done shows in the page the redirect leads to; a refusal is said here (a malformed
    // order id as the unknown order it is).
    let order_id =
        || crate::api::params::page_id(f.get("order_id"), crate::error::Thing::SourcingOrder);
    let cfg = state.settings.sourcing.clone();
    let result: Result<(), AppError> = async {
        match action {
            PartsAction::Propose => {
                orders::propose(
                    db,
                    &state.notifier,
                    me,
                    id.clone(),
                    ProposeRequest {
                        part_id: f.get("part_id").into(),
                        quantity: None,
                        kind: opt_name(&f, "kind", SourcingKind::parse, orders::KIND_MESSAGE)?,
                        source_dealer_id: opt(&f, "source_dealer_id").map(Into::into),
                        mode: opt_name(&f, "mode", ShippingMode::parse, orders::MODE_MESSAGE)?,
                        destination: opt_name(
                            &f,
                            "destination",
                            Destination::parse,
                            orders::DESTINATION_MESSAGE,
                        )?,
                    },
                    cfg,
                    state.settings.eta.model(),
                )
                .await?;
                Ok(())
            }
            PartsAction::Review => {
                orders::review(
                    db,
                    me,
                    order_id()?,
                    PartReviewRequest {
                        vin_checked: f.get("vin_checked") == "on",
                        owner_checked: f.get("owner_checked") == "on",
                        note: opt(&f, "note"),
                    },
                )
                .await?;
                Ok(())
            }
            PartsAction::Place => {
                orders::place(
                    db,
                    &state.notifier,
                    me,
                    order_id()?,
                    cfg,
                    state.settings.eta.model(),
                )
                .await?;
                Ok(())
            }
            PartsAction::Ship => {
                orders::ship(
                    db,
                    me,
                    order_id()?,
                    ShipRequest {
                        carrier: opt(&f, "carrier"),
                        tracking_no: opt(&f, "tracking_no"),
                    },
                )
                .await?;
                Ok(())
            }
            PartsAction::Receive => {
                orders::receive(db, me, order_id()?).await?;
                Ok(())
            }
            PartsAction::Deliver => {
                orders::deliver(db, me, order_id()?).await?;
                Ok(())
            }
            PartsAction::Cancel => {
                orders::cancel(
                    db,
                    me,
                    order_id()?,
                    OrderCancelRequest {
                        reason: opt(&f, "reason"),
                    },
                )
                .await?;
                Ok(())
            }
        }
    }
    .await;
    match result {
        Ok(_) => Ok(redirect(&format!("/tickets/{id}/parts"))),
        Err(e) => {
            let status = e.code.status();
            let message = super::refusal_text(l, &e);
            render(&state, &user, id, Some(("error", message)), status).await
        }
    }
}
