//! Moving a ticket: the role check, the pure transition, the guarded status update and the audit event — in that order, in the caller's transaction; the follow-ups come back as data.

use serde_json::Value;

use crate::auth::Identity;
use crate::db::AnyConnection;
use crate::domain::ticket::TicketStatus;
use crate::domain::workflow::{transition, Context, Event};
use crate::error::{AppError, ErrorCode};
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::tickets::{self, TicketRecord};
use crate::services::common::with_link_actor;
// Callers outside the services keep their paths; the services use `common` directly.
pub use crate::services::common::{
    is_member, load, note, require, require_crew, require_in, require_lead,
};

/// The one place a ticket's status changes. Returns the move and the effects that must follow it;
/// services call `services::transitions::advance`, which applies them.
pub fn advance(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket: &mut TicketRecord,
    event: Event,
    comment: Option<&str>,
    data: Option<Value>,
) -> Result<Moved, AppError> {
    let data = with_link_actor(actor, data);
    let ctx = context(conn, ticket)?;
    require_in(actor, event, ctx)?;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if event.needs_reason() && comment.is_none() {
        return Err(AppError::field(
            "reason",
            crate::i18n::Msg::new("svc-reason-required"),
        ));
    }
    let from = ticket.status;
    let to = transition(from, event, ctx).map_err(|e| {
        let m = e.msg();
        AppError::msg(ErrorCode::InvalidTransition, m.key, &m.params)
    })?;
    let on_site = match event {
        Event::Arrive => true,
        _ => ticket.crew_on_site,
    };
    if !tickets::set_status(conn, &ticket.id, from, to, on_site)? {
        // Someone acted on this ticket between our read and our write.
        return Err(AppError::msg(
            ErrorCode::StaleState,
            "svc-ticket-stale",
            &[],
        ));
    }
    audit::append(
        conn,
        NewAuditEvent {
            dealer_id: Some(&ticket.dealer_id),
            ticket_id: Some(&ticket.id),
            entity: "ticket",
            entity_id: &ticket.id,
            action: event.as_str(),
            actor_id: actor.audit_actor(),
            from_status: Some(from.as_str()),
            to_status: Some(to.as_str()),
            comment,
            data,
        },
    )?;
    tracing::info!(ticket = %ticket.number, user = %actor.login, from = from.as_str(), to = to.as_str(), "ticket moved");
    ticket.status = to;
    ticket.crew_on_site = on_site;
    Ok(Moved {
        from,
        to,
        effects: effects_of(event),
    })
}

/// The facts beyond its status that decide where the ticket's next move leads: where the crew
/// is, and whether its current plan carries a director's standing approval (a standard plan
/// within its ceiling).
pub fn context(conn: &mut AnyConnection, ticket: &TicketRecord) -> Result<Context, AppError> {
    let standing = crate::repo::standard_plans::of_current_plan(conn, &ticket.id)?
        .filter(|s| s.standing_approval_by.is_some());
    Ok(Context {
        standing_approval: standing.is_some(),
        agent_consent: standing.is_some_and(|s| s.agent_consent),
        ..Context::crew(ticket.crew_on_site)
    })
}

/// What must follow a transition in the same transaction. `advance` only says so;
/// `services::transitions::apply` carries it out, so this module knows nothing of stock or orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The plan was submitted: reserve its parts; orders of an earlier version follow it.
    ReservePlan,
    /// The plan went back or was replaced: give back the stock it holds.
    ReleaseStock,
    /// The rescue is over: give back the stock; open sourcing orders are cancelled or sent to the shelf.
    EndRescue,
    /// The crew found another fault: orders for the old plan stop until the revised plan decides.
    HoldOrdersForReplan,
    /// The rescue reached its end at the customer: a follow-up call is put on the agents' queue.
    OpenFollowUp,
}

/// A ticket that moved, and what must follow.
#[must_use = "its effects must be applied: services::transitions::apply"]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub from: TicketStatus,
    pub to: TicketStatus,
    /// In the order they are applied.
    pub effects: Vec<Effect>,
}

/// Stock follows the plan: reserved on submission, released when it goes back or ends.
fn effects_of(event: Event) -> Vec<Effect> {
    match event {
        Event::SubmitPlan => vec![Effect::ReservePlan],
        Event::ManagerReturn
        | Event::CustomerDeclineReplan
        | Event::CustomerDeclineCancel
        | Event::DirectorReject
        | Event::RevisePlan => vec![Effect::ReleaseStock],
        Event::ReportMismatch => vec![Effect::ReleaseStock, Effect::HoldOrdersForReplan],
        // A rescue that got to the customer is called back (回访); a cancelled one is not.
        Event::Resolve | Event::TowToWorkshop => vec![Effect::EndRescue, Effect::OpenFollowUp],
        Event::Cancel => vec![Effect::EndRescue],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, SqliteConnection};
    use diesel_migrations::MigrationHarness;

    use super::*;
    use crate::demo::{generate, load, DemoOptions};
    use crate::domain::role::Role;

    /// The demo group in an in-memory database, and one of its users.
    fn demo_db() -> (AnyConnection, crate::demo::User) {
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        conn.batch_execute("PRAGMA foreign_keys = ON;").unwrap();
        conn.run_pending_migrations(crate::db::SQLITE_MIGRATIONS)
            .expect("migrations");
        let mut conn = AnyConnection::Sqlite(conn);
        let data = generate(&DemoOptions {
            seed: 42,
            scale: 1,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            shape: Default::default(),
        });
        conn.transaction::<_, AppError, _>(|c| load(c, &data, "$argon2id$v=19$test"))
            .unwrap();
        (conn, data.users[0].clone())
    }

    fn ticket(
        conn: &mut AnyConnection,
        user: &crate::demo::User,
        status: TicketStatus,
        crew_on_site: bool,
    ) -> TicketRecord {
        let now = crate::repo::now();
        let record = TicketRecord {
            id: uuid::Uuid::now_v7().to_string(),
            dealer_id: user.dealer_id.clone(),
            number: format!("RS-20261123-{}", status.as_str()),
            status,
            call_time: now,
            customer_name: "Li".into(),
            phone: "13800138000".into(),
            address: "Hangzhou".into(),
            lat: Some(30.27),
            lon: Some(120.15),
            source_crs: "wgs84".into(),
            plate: "浙A12345".into(),
            model: "Model".into(),
            vin: None,
            mileage_km: 1000,
            fault: "flat tyre".into(),
            repaired_elsewhere: false,
            repaired_elsewhere_note: None,
            response_level: 1,
            vehicle_id: None,
            customer_id: None,
            created_by: user.id.clone(),
            idempotency_key: None,
            request_hash: None,
            cancel_reason: None,
            expected_arrival_at: None,
            created_at: now,
            updated_at: now,
            crew_on_site,
            location_pending: false,
        };
        tickets::insert(conn, &record).unwrap();
        record
    }

    fn actor(user: &crate::demo::User, role: Role) -> Identity {
        Identity {
            user_id: Some(user.id.as_str().into()),
            login: user.login.clone(),
            name: user.name.clone(),
            dealer_id: user.dealer_id.as_str().into(),
            dealer_name: String::new(),
            group_id: Default::default(),
            roles: vec![role],
            locale: "zh-CN".into(),
            technician_id: None,
            link_id: None,
        }
    }

    /// Moves a fresh ticket in `from` by `event`, as a user with `role`.
    fn move_one(
        from: TicketStatus,
        crew_on_site: bool,
        role: Role,
        event: Event,
    ) -> (Moved, TicketRecord) {
        let (mut conn, user) = demo_db();
        let mut t = ticket(&mut conn, &user, from, crew_on_site);
        let moved = advance(
            &mut conn,
            &actor(&user, role),
            &mut t,
            event,
            Some("why"),
            None,
        );
        (moved.unwrap(), t)
    }

    #[test]
    fn a_mismatch_releases_stock_and_holds_orders_for_the_new_plan() {
        let (moved, t) = move_one(
            TicketStatus::OnSite,
            true,
            Role::Technician,
            Event::ReportMismatch,
        );
        assert_eq!(
            moved,
            Moved {
                from: TicketStatus::OnSite,
                to: TicketStatus::Replanning,
                effects: vec![Effect::ReleaseStock, Effect::HoldOrdersForReplan],
            }
        );
        assert_eq!(t.status, TicketStatus::Replanning);
    }

    #[test]
    fn a_cancel_ends_the_rescue() {
        let (moved, t) = move_one(
            TicketStatus::Approved,
            false,
            Role::CallAgent,
            Event::Cancel,
        );
        assert_eq!(moved.to, TicketStatus::Cancelled);
        assert_eq!(moved.effects, vec![Effect::EndRescue]);
        assert_eq!(t.status, TicketStatus::Cancelled);
    }

    #[test]
    fn a_rescue_ended_at_the_customer_is_called_back_and_a_cancelled_one_is_not() {
        for e in [Event::Resolve, Event::TowToWorkshop] {
            assert_eq!(
                effects_of(e),
                [Effect::EndRescue, Effect::OpenFollowUp],
                "{e:?}"
            );
        }
        assert!(!effects_of(Event::Cancel).contains(&Effect::OpenFollowUp));
    }
}
