//! What link holders may do without signing in: open a technician's job, follow a rescue as the customer, share a location.

use serde::{Deserialize, Serialize};

use crate::auth::links::{LinkError, Scope};
use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::ids::{DealerId, TechnicianId, TicketId, UserId};
use crate::domain::location::{Coordinates, Crs};
use crate::domain::plan::PlanStatus;
use crate::domain::system_text::SystemText;
use crate::domain::ticket::TicketStatus;
use crate::error::{AppError, ErrorCode, Thing};
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::tickets::TicketRecord;
use crate::services::common;
use crate::services::notify::Notifier;

/// The stored claims of a code, if the code matches them, is of `scope`, unrevoked and unexpired.
pub(crate) fn verified(
    conn: &mut AnyConnection,
    signer: &crate::auth::links::LinkSigner,
    code: &str,
    scope: Scope,
) -> Result<Result<crate::auth::links::Claims, LinkError>, AppError> {
    let Some((claims, revoked)) = crate::repo::links::find(conn, code)? else {
        return Ok(Err(LinkError::Unknown));
    };
    Ok(signer
        .verify(
            code,
            &claims,
            scope,
            chrono::Utc::now().timestamp(),
            revoked,
        )
        .map(|()| claims))
}

/// The ticket and person a valid link stands for.
pub async fn open_link(
    db: &Db,
    n: &Notifier,
    code: String,
    scope: Scope,
) -> Result<(crate::auth::links::Claims, DealerId), LinkError> {
    let signer = n.signer.clone();
    let found = db
        .read(move |conn| {
            let claims = match verified(conn, &signer, &code, scope)? {
                Ok(claims) => claims,
                Err(e) => return Ok(Err(e)),
            };
            let dealer = crate::repo::tickets::dealer_of(conn, &claims.ticket_id)?;
            Ok(Ok((claims, DealerId::from(dealer))))
        })
        .await;
    match found {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "link lookup failed");
            Err(LinkError::Unknown)
        }
    }
}

/// The technician behind a job link, as an actor limited to crew steps.
pub async fn link_technician(
    db: &Db,
    claims: &crate::auth::links::Claims,
    dealer_id: DealerId,
) -> Result<Identity, AppError> {
    let (technician_id, link_id) = (claims.person.clone(), claims.nonce.clone());
    db.read(move |conn| {
        let tech =
            crate::repo::staff::technicians_by_ids(conn, std::slice::from_ref(&technician_id))?
                .into_iter()
                .next()
                .ok_or_else(|| AppError::not_found(Thing::Technician))?;
        Ok(Identity::technician_link(
            &TechnicianId::from(tech.id),
            &tech.name,
            &dealer_id,
            tech.user_id.map(UserId::from),
            &link_id,
        ))
    })
    .await
}

/// What the customer sees: no internal details, only what helps them wait.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerView {
    pub number: String,
    pub status: TicketStatus,
    pub customer_name: String,
    pub plate: String,
    pub lead_name: Option<String>,
    pub lead_phone: Option<String>,
    pub expected_arrival_at: Option<chrono::NaiveDateTime>,
    /// When the last ordered part is due, if one is on its way (placed or shipped).
    pub parts_expected_at: Option<chrono::NaiveDateTime>,
    pub location_shared: bool,
    /// The crew has arrived and is still there (also while a mismatch is re-planned).
    pub crew_on_site: bool,
    /// Once the rescue reached its end: the rating form, or the score given.
    pub rating: Option<crate::services::follow_ups::CustomerRating>,
}

pub async fn customer_view(db: &Db, ticket_id: TicketId) -> Result<CustomerView, AppError> {
    db.read(move |conn| {
        let t = crate::repo::tickets::by_id(conn, &ticket_id)?;
        let plan = match crate::repo::plans::current(conn, &t.id)? {
            Some(p) if p.status == PlanStatus::Submitted => {
                Some(crate::repo::plans::lines(conn, p)?)
            }
            _ => None,
        };
        let lead = plan
            .as_ref()
            .and_then(|p| p.crew.iter().find(|c| c.lead).cloned());
        // The crew's names mean something to the customer once the plan is approved.
        let approved = plan.as_ref().is_some_and(|p| {
            crate::repo::approvals::director_approved(conn, &p.plan.id).unwrap_or(false)
        });
        Ok(CustomerView {
            number: t.number.clone(),
            status: t.status,
            customer_name: t.customer_name.clone(),
            plate: t.plate.clone(),
            lead_name: lead.as_ref().filter(|_| approved).map(|l| l.name.clone()),
            lead_phone: lead.as_ref().filter(|_| approved).map(|l| l.phone.clone()),
            expected_arrival_at: t.expected_arrival_at,
            parts_expected_at: crate::repo::sourcing_orders::for_ticket(conn, &t.id)?
                .iter()
                .filter(|o| {
                    use crate::domain::sourcing_order::OrderStatus as O;
                    matches!(o.status, O::Placed | O::Shipped)
                })
                .filter_map(|o| o.eta)
                .max(),
            location_shared: crate::repo::locations::latest(conn, &t.id)?.is_some(),
            crew_on_site: t.crew_on_site,
            rating: crate::services::follow_ups::customer_rating(conn, &t)?,
        })
    })
    .await
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShareLocation {
    pub lat: f64,
    pub lon: f64,
    pub accuracy: Option<f64>,
}

/// What the customer's phone sent: whether it became the ticket's site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shared {
    /// Stored beside a ticket whose site was known; staff decide whether to move the pin.
    Beside,
    /// The ticket was waiting for it (location pending): it is now the ticket's site.
    FilledPending,
}

/// Browser geolocation is GPS, i.e. WGS-84. Always stored as a share; a ticket
/// registered without coordinates (location pending) takes it as its site.
pub async fn share_location(
    db: &Db,
    claims: crate::auth::links::Claims,
    req: ShareLocation,
) -> Result<Shared, AppError> {
    let (ticket_id, link_id) = (claims.ticket_id, claims.nonce);
    let point = Coordinates::parse(req.lat, req.lon, Crs::Wgs84)
        .map_err(|e| AppError::field("location", e.msg()))?;
    let accuracy = req.accuracy.filter(|a| a.is_finite() && *a >= 0.0);
    db.write(move |conn| {
        crate::repo::locations::insert(conn, &ticket_id, point.lat(), point.lon(), accuracy)?;
        let dealer = crate::repo::tickets::dealer_of(conn, &ticket_id)?;
        audit::append(conn, NewAuditEvent {
            dealer_id: Some(&dealer),
            ticket_id: Some(&ticket_id),
            entity: "ticket",
            entity_id: &ticket_id,
            action: "customer.location_shared",
            data: Some(serde_json::json!({ "lat": point.lat(), "lon": point.lon(), "accuracy_m": accuracy, "via": "link", "link_id": link_id })),
            ..Default::default()
        })?;
        // The guarded update fills only a pending ticket, once, even if two shares race.
        if !crate::repo::tickets::fill_pending_location(conn, &ticket_id, point.lat(), point.lon())? {
            return Ok(Shared::Beside);
        }
        audit::append(conn, NewAuditEvent {
            dealer_id: Some(&dealer),
            ticket_id: Some(&ticket_id),
            entity: "ticket",
            entity_id: &ticket_id,
            action: "ticket.location_filled",
            comment: Some(&SystemText::CustomerPhonePosition.stored()),
            data: Some(serde_json::json!({
                "source": "customer_share",
                "via": "link",
                "link_id": link_id,
                "lat": point.lat(),
                "lon": point.lon(),
                "accuracy_m": accuracy,
            })),
            ..Default::default()
        })?;
        tracing::info!(ticket = %ticket_id, "pending location filled from the customer's phone");
        Ok(Shared::FilledPending)
    })
    .await
}

/// The intake desk texts a caller who cannot say where they are a link to share their location.
pub async fn request_location(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    ticket_id: TicketId,
) -> Result<(), AppError> {
    actor.require(crate::domain::role::Action::CreateTicket)?;
    let (actor, n) = (actor.clone(), n.clone());
    db.write(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        send_location_request(conn, &n, &actor, &ticket)
    })
    .await
}

/// The location-request SMS with the customer's status link, written to the outbox
/// in the caller's transaction (intake sends it in the one that opens the ticket).
pub fn send_location_request(
    conn: &mut AnyConnection,
    n: &Notifier,
    actor: &Identity,
    ticket: &TicketRecord,
) -> Result<(), AppError> {
    if crate::domain::phone::PhoneNumber::parse(&ticket.phone).map(|p| p.is_mobile()) != Ok(true) {
        return Err(AppError::msg(
            ErrorCode::Conflict,
            "svc-caller-not-mobile",
            &[],
        ));
    }
    let link = n.status_link(conn, &ticket.id)?;
    crate::services::notify::customer(
        conn,
        ticket,
        &crate::notify::templates::Message::CustomerLocationRequest {
            customer_name: ticket.customer_name.clone(),
            link,
        },
    )?;
    common::note(
        conn,
        actor,
        ticket,
        "customer.location_requested",
        None,
        None,
    )
}
