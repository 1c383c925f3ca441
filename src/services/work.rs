//! Reads of the "my work" pages: the tickets waiting in given states (with the plan a director
//! is to sign), and a technician's own jobs.

use crate::db::Db;
use crate::domain::ids::{DealerId, UserId};
use crate::domain::promise::SlaConfig;
use crate::domain::ticket::TicketStatus;
use crate::error::AppError;
use crate::repo::tickets::TicketRecord;
use crate::services::promises::{self, PromiseView, Promised, Subject};
use crate::services::tickets::TicketView;

/// A plan in the director's inbox: its version and total, and how long it has waited there.
pub struct WaitingPlan {
    pub version: i32,
    pub total_fen: i64,
    pub waited_minutes: i64,
}

/// One queue to read: the states it holds, and whether each ticket's waiting plan comes along.
pub struct QueueWanted {
    pub states: Vec<crate::domain::ticket::TicketStatus>,
    pub with_plans: bool,
}

/// A ticket waiting in a queue, with its next promise, and the plan when the queue asked for it.
pub struct QueueItem {
    pub ticket: TicketView,
    pub plan: Option<WaitingPlan>,
}

impl Promised for QueueItem {
    fn subject(&self) -> Subject {
        self.ticket.subject()
    }

    fn set_promise(&mut self, promise: Option<PromiseView>) {
        self.ticket.promise = promise;
    }
}

/// The dealer's tickets of each queue, in the order asked, each queue the most urgent first
/// (`promises::by_urgency`). The promises of every queue are read at once: two queries per page.
pub async fn queues(
    db: &Db,
    sla: &SlaConfig,
    dealer_id: DealerId,
    wanted: Vec<QueueWanted>,
) -> Result<Vec<Vec<QueueItem>>, AppError> {
    let sla = sla.clone();
    db.read(move |conn| {
        let now = crate::repo::now();
        let mut items = Vec::new();
        let mut lengths = Vec::new();
        for w in &wanted {
            let rows = crate::repo::tickets::in_states(conn, &dealer_id, &w.states)?;
            lengths.push(rows.len());
            for t in rows {
                let plan = if w.with_plans {
                    waiting_plan(conn, &t, now)?
                } else {
                    None
                };
                items.push(QueueItem {
                    ticket: crate::services::tickets::view(t, None),
                    plan,
                });
            }
        }
        promises::fill(conn, &sla, &mut items, now)?;
        let mut items = items.into_iter();
        Ok(lengths
            .into_iter()
            .map(|n| {
                let mut queue: Vec<QueueItem> = items.by_ref().take(n).collect();
                promises::by_urgency(&mut queue, |i| i.ticket.promise.as_ref());
                queue
            })
            .collect())
    })
    .await
}

/// The current plan of a ticket waiting for the director, and since when it waits.
fn waiting_plan(
    conn: &mut crate::db::AnyConnection,
    t: &TicketRecord,
    now: chrono::NaiveDateTime,
) -> Result<Option<WaitingPlan>, AppError> {
    let Some(plan) = crate::repo::plans::current(conn, &t.id)? else {
        return Ok(None);
    };
    let since = crate::repo::audit::entered_status_at(
        conn,
        &t.id,
        crate::domain::ticket::TicketStatus::AwaitingDirector.as_str(),
    )?
    .unwrap_or(t.updated_at);
    Ok(Some(WaitingPlan {
        version: plan.version,
        total_fen: plan.total_fen,
        waited_minutes: (now - since).num_minutes(),
    }))
}

/// The jobs in `states` of the technician who is the user `user_id`; `false` when the user is
/// no technician on file (then there are no jobs).
pub async fn jobs_of_user(
    db: &Db,
    user_id: UserId,
    states: &'static [TicketStatus],
) -> Result<(Vec<TicketView>, bool), AppError> {
    db.read(move |conn| {
        let Some(tech) = crate::repo::staff::technician_of_user(conn, &user_id)? else {
            return Ok((Vec::new(), false));
        };
        let jobs = crate::repo::plans::jobs_of_technician(conn, &tech.id, states)?;
        Ok((
            jobs.into_iter()
                .map(|t| crate::services::tickets::view(t, None))
                .collect(),
            true,
        ))
    })
    .await
}
