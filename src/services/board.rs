//! The dispatch board: every open ticket of the user's dealer (the whole group for group roles)
//! and, marked, a sister dealer's ticket a technician of the dealer is lent to; most urgent
//! first, with its next promise, the step it waits on and who holds it; the counts, the crews
//! that are out and the dealers, with positions ready for the map.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::Identity;
use crate::db::Db;
use crate::domain::intake::still_open;
use crate::domain::location::{Coordinates, Crs};
use crate::domain::promise::{PromiseState, SlaConfig};
use crate::domain::role::{Action, Role};
use crate::domain::ticket::TicketStatus;
use crate::domain::workflow::{next_step, Context, Event};
use crate::error::AppError;
use crate::repo::board as repo;
use crate::repo::tickets::TicketRecord;
use crate::services::promises::{self, PromiseView};

/// The most tickets one board shows. The oldest calls are read first (nearest their promises);
/// beyond this the board says how many it left off.
pub const MAX_TICKETS: i64 = 500;

/// `GET /api/v1/board` and the `/board` page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Board {
    /// The server's time of this answer: a wall display counts down from `deadline - now`,
    /// corrected by its own clock's offset to this one.
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub now: NaiveDateTime,
    /// `group` (every dealer of the group: service directors, admins) or `dealer`.
    pub scope: BoardScope,
    pub counts: BoardCounts,
    /// Open tickets, most urgent first: breached, then warning, then the least time left; those
    /// without a promise last.
    pub tickets: Vec<BoardTicket>,
    /// More tickets are open than `tickets` holds (at most 500, the oldest calls); `counts.open`
    /// and `counts.crews_out` count them all, `warning` and `breached` the ones shown.
    pub truncated: bool,
    /// Crews on the road (departed) or on site.
    pub crews: Vec<BoardCrew>,
    pub dealers: Vec<BoardDealer>,
    /// The system every `map` point is in: the one the map's tiles are drawn in (`[map] crs`).
    #[schema(value_type = String, example = "gcj02")]
    pub map_crs: Crs,
    /// The board's dealers' suspensions active now (weather): areas the map draws under the
    /// markers (`map_centre` / `map_points`), the earliest end first.
    pub suspensions: Vec<crate::services::suspensions::SuspensionView>,
    /// The open complaints of the board's dealers, the oldest first (at most 20; `counts.
    /// open_complaints` counts them all).
    pub complaints: Vec<BoardComplaint>,
    /// The board's dealers' rescue vehicles that are out on a rescue or not ready to go (out
    /// first); `counts.vehicles_ready` counts the ones ready at home.
    pub vehicles: Vec<crate::services::fleet::BoardVehicle>,
}

/// The most open complaints the board lists.
pub const MAX_COMPLAINTS: i64 = 20;

/// An open complaint on the board.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardComplaint {
    pub id: String,
    pub ticket_id: String,
    #[schema(example = "RS-20261122-0007")]
    pub ticket_number: String,
    /// As a wall may show it (`王**`).
    pub customer: String,
    pub dealer_id: String,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub opened_at: NaiveDateTime,
    /// Minutes since it was opened.
    pub open_minutes: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardScope {
    Dealer,
    Group,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BoardCounts {
    pub open: i64,
    pub warning: i64,
    pub breached: i64,
    /// Tickets whose crew has departed or is on site.
    pub crews_out: i64,
    /// Complaints of the board's dealers not yet closed as satisfied (未结投诉).
    pub open_complaints: i64,
    /// Rescue vehicles ready at home, out on a rescue, and not ready (check failed, overdue or
    /// never made).
    pub vehicles_ready: i64,
    pub vehicles_out: i64,
    pub vehicles_not_ready: i64,
}

/// A point for the map, in [`Board::map_crs`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MapPoint {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardTicket {
    pub id: String,
    #[schema(example = "RS-20261122-0007")]
    pub number: String,
    pub response_level: i32,
    pub status: TicketStatus,
    /// The step the rescue waits on, as its audit action (`plan.submitted`, `crew.departed` …).
    pub next_step: Option<String>,
    /// The role whose turn it is (`workshop_lead`, `service_manager`, `technician` …).
    #[schema(value_type = Option<String>, example = "service_director")]
    pub holder: Option<Role>,
    /// The customer's name as a wall may show it: the first character, the rest starred.
    #[schema(example = "王**")]
    pub customer: String,
    pub plate: String,
    /// The ticket's dealer: a sister dealer's for a `lent` ticket.
    pub dealer_id: String,
    pub dealer_name: String,
    /// Another dealer's ticket (a sister dealer of the group), on this dealer's board because one
    /// of its technicians is on the crew of the current plan; `dealer_name` names whose it is. The
    /// ticket itself stays that dealer's: here only the crew's technician may open it.
    pub lent: bool,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub call_time: NaiveDateTime,
    pub address: String,
    /// WGS-84 as stored; null while the location is pending.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Where the map draws it (in `map_crs`); null while the location is pending.
    pub map: Option<MapPoint>,
    pub crew_on_site: bool,
    pub promise: Option<PromiseView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardCrew {
    pub ticket_id: String,
    pub ticket_number: String,
    /// `departed` (on the road) or `on_site`.
    pub state: CrewState,
    /// The rescue lead of the live plan.
    pub lead: Option<String>,
    pub members: usize,
    /// Where the crew was last known (WGS-84): on site the breakdown site; on the road the last
    /// position a crew member's phone shared (null while none has).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub map: Option<MapPoint>,
    /// On the road: the phone's last position as a drive to the site (distance, arrival, whether
    /// it is stale: older than `[eta] position_stale_s`); null on site or without a position.
    pub position: Option<crate::services::positions::CrewEta>,
    /// The arrival time the customer was told.
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expected_arrival_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CrewState {
    Departed,
    OnSite,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardDealer {
    pub id: String,
    pub name: String,
    pub city: String,
    /// WGS-84 as stored.
    pub lat: f64,
    pub lon: f64,
    pub map: MapPoint,
}

/// The board of `actor`: one read transaction, a fixed number of queries.
pub async fn board(
    db: &Db,
    sla: &SlaConfig,
    map_crs: Crs,
    position_stale_s: u64,
    actor: &Identity,
) -> Result<Board, AppError> {
    actor.require(Action::ViewBoard)?;
    let scope = if actor.may(Action::ViewGroupBoard) {
        BoardScope::Group
    } else {
        BoardScope::Dealer
    };
    let (sla, actor) = (sla.clone(), actor.clone());
    db.read(move |conn| {
        repo::snapshot(conn, |conn| {
            let now = crate::repo::now();
            let group = (scope == BoardScope::Group).then_some(actor.group_id.as_str());
            let dealers = repo::dealers(conn, group, &actor.dealer_id)?;
            let ids: Vec<String> = dealers.iter().map(|d| d.id.clone()).collect();
            let open: Vec<TicketStatus> = TicketStatus::ALL
                .into_iter()
                .filter(|s| still_open(*s))
                .collect();
            let mut counts = BoardCounts::default();
            for (status, on_site, n) in repo::counts(conn, &ids, &open)? {
                counts.open += n;
                if crew_out(status, on_site) {
                    counts.crews_out += n;
                }
            }
            let mut rows = repo::open_tickets(conn, &ids, &open, MAX_TICKETS)?;
            let truncated = counts.open > rows.len() as i64;
            // A sister dealer's tickets our technicians are lent to (a group board has every
            // dealer of the group already: none is lent to it, and none shows twice).
            let lent = match scope {
                BoardScope::Dealer => {
                    repo::lent_tickets(conn, &actor.group_id, &ids, &open, MAX_TICKETS)?
                }
                BoardScope::Group => Vec::new(),
            };
            let mut lent_to: HashMap<String, String> = HashMap::new();
            for (t, dealer_name) in lent {
                counts.open += 1;
                if crew_out(t.status, t.crew_on_site) {
                    counts.crews_out += 1;
                }
                lent_to.insert(t.id.clone(), dealer_name);
                rows.push(t);
            }
            let mut views: Vec<_> = rows
                .iter()
                .map(|r| crate::services::tickets::view(r.clone(), None))
                .collect();
            promises::fill(conn, &sla, &mut views, now)?;
            let promise_of: HashMap<String, PromiseView> = views
                .into_iter()
                .filter_map(|v| Some((v.id, v.promise?)))
                .collect();
            let out: Vec<&TicketRecord> = rows
                .iter()
                .filter(|t| crew_out(t.status, t.crew_on_site))
                .collect();
            let out_ids: Vec<&str> = out.iter().map(|t| t.id.as_str()).collect();
            let mut crew_of: HashMap<String, (Option<String>, usize)> = HashMap::new();
            for (ticket, name, lead) in repo::crews(conn, &out_ids)? {
                let entry = crew_of.entry(ticket).or_default();
                entry.1 += 1;
                if lead && entry.0.is_none() {
                    entry.0 = Some(name);
                }
            }
            // The phones of crews on the road (one position per ticket: the freshest member's).
            let road_ids: Vec<&str> = out
                .iter()
                .filter(|t| crate::services::positions::on_the_road(t.status, t.crew_on_site))
                .map(|t| t.id.as_str())
                .collect();
            let mut phone_of: HashMap<String, crate::repo::positions::PositionRecord> =
                crate::repo::positions::latest_for(conn, &road_ids)?
                    .into_iter()
                    .map(|p| (p.ticket_id.clone(), p))
                    .collect();
            let names: HashMap<&str, &str> = dealers
                .iter()
                .map(|d| (d.id.as_str(), d.name.as_str()))
                .collect();
            let mut tickets: Vec<BoardTicket> = rows
                .iter()
                .map(|t| BoardTicket {
                    id: t.id.clone(),
                    number: t.number.clone(),
                    response_level: t.response_level,
                    status: t.status,
                    next_step: step_of(t).map(|e| e.as_str().to_owned()),
                    holder: step_of(t).map(Event::holder),
                    customer: short_name(&t.customer_name),
                    plate: t.plate.clone(),
                    dealer_id: t.dealer_id.clone(),
                    dealer_name: lent_to
                        .get(&t.id)
                        .map(String::as_str)
                        .or_else(|| names.get(t.dealer_id.as_str()).copied())
                        .unwrap_or_default()
                        .to_owned(),
                    lent: lent_to.contains_key(&t.id),
                    call_time: t.call_time,
                    address: t.address.clone(),
                    lat: t.lat,
                    lon: t.lon,
                    map: site(t).map(|c| point(&c, map_crs)),
                    crew_on_site: t.crew_on_site,
                    promise: promise_of.get(&t.id).copied(),
                })
                .collect();
            // The repo reads the oldest call first; the stable sort keeps that within ties.
            crate::services::promises::by_urgency(&mut tickets, |t| t.promise.as_ref());
            for t in &tickets {
                match t.promise.map(|p| p.state) {
                    Some(PromiseState::Breached) => counts.breached += 1,
                    Some(PromiseState::Warning) => counts.warning += 1,
                    _ => {}
                }
            }
            let crews = out
                .iter()
                .map(|t| {
                    let on_site = t.crew_on_site || t.status == TicketStatus::OnSite;
                    let phone = (!on_site).then(|| phone_of.remove(&t.id)).flatten();
                    let at = if on_site {
                        site(t)
                    } else {
                        phone
                            .as_ref()
                            .and_then(|p| Coordinates::parse(p.lat, p.lon, Crs::Wgs84).ok())
                    };
                    let (lead, members) = crew_of.remove(&t.id).unwrap_or_default();
                    BoardCrew {
                        ticket_id: t.id.clone(),
                        ticket_number: t.number.clone(),
                        state: if on_site {
                            CrewState::OnSite
                        } else {
                            CrewState::Departed
                        },
                        lead,
                        members,
                        lat: at.map(|c| c.lat()),
                        lon: at.map(|c| c.lon()),
                        map: at.map(|c| point(&c, map_crs)),
                        position: phone
                            .as_ref()
                            .map(|p| crate::services::positions::eta_of(p, now, position_stale_s)),
                        expected_arrival_at: t.expected_arrival_at,
                    }
                })
                .collect();
            let dealers = dealers
                .into_iter()
                .map(|d| {
                    let map = Coordinates::parse(d.lat, d.lon, Crs::Wgs84)
                        .map(|c| point(&c, map_crs))
                        .unwrap_or(MapPoint {
                            lat: d.lat,
                            lon: d.lon,
                        });
                    BoardDealer {
                        id: d.id,
                        name: d.name,
                        city: d.city,
                        lat: d.lat,
                        lon: d.lon,
                        map,
                    }
                })
                .collect();
            let suspensions = crate::services::suspensions::active_views(conn, &ids, map_crs)?;
            let (open_complaints, open_total) = crate::repo::follow_ups::complaints_of(
                conn,
                &ids,
                crate::domain::follow_up::ComplaintStatus::Open,
                MAX_COMPLAINTS,
                0,
            )?;
            counts.open_complaints = open_total;
            let complaints = open_complaints
                .into_iter()
                .map(|(c, t)| BoardComplaint {
                    open_minutes: (now - c.opened_at).num_minutes().max(0),
                    id: c.id,
                    ticket_id: t.id,
                    ticket_number: t.number,
                    customer: short_name(&t.customer_name),
                    dealer_id: c.dealer_id,
                    opened_at: c.opened_at,
                })
                .collect();
            let (vehicles, ready_home) = crate::services::fleet::for_board(conn, &ids, now)?;
            counts.vehicles_ready = ready_home as i64;
            counts.vehicles_out = vehicles.iter().filter(|v| v.ticket_id.is_some()).count() as i64;
            counts.vehicles_not_ready = vehicles.len() as i64 - counts.vehicles_out;
            Ok(Board {
                vehicles,
                now,
                scope,
                counts,
                tickets,
                truncated,
                crews,
                dealers,
                map_crs,
                suspensions,
                complaints,
            })
        })
    })
    .await
}

/// The crew has left or is at the site (also while a revised plan is approved there).
fn crew_out(status: TicketStatus, crew_on_site: bool) -> bool {
    status == TicketStatus::Dispatched || status == TicketStatus::OnSite || crew_on_site
}

fn step_of(t: &TicketRecord) -> Option<Event> {
    next_step(t.status, Context::crew(t.crew_on_site))
}

/// The breakdown site, when known and valid.
fn site(t: &TicketRecord) -> Option<Coordinates> {
    t.site().ok()
}

fn point(c: &Coordinates, crs: Crs) -> MapPoint {
    let (lat, lon) = c.to_crs(crs);
    MapPoint { lat, lon }
}

/// A name a wall screen in a busy office may show: the first character (the family name of a
/// Chinese name), the rest as stars.
fn short_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let rest = chars.filter(|c| !c.is_whitespace()).count().min(3);
    std::iter::once(first)
        .chain(std::iter::repeat_n('*', rest))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_first_character() {
        assert_eq!(short_name("王建国"), "王**");
        assert_eq!(short_name("李娜"), "李*");
        assert_eq!(short_name("欧阳"), "欧*");
        assert_eq!(short_name("John Smith"), "J***");
        assert_eq!(short_name(" "), "");
    }

    #[test]
    fn crews_are_out_from_departure_until_the_site_is_left() {
        assert!(crew_out(TicketStatus::Dispatched, false));
        assert!(crew_out(TicketStatus::OnSite, true));
        assert!(crew_out(TicketStatus::Replanning, true));
        assert!(!crew_out(TicketStatus::Approved, false));
        assert!(!crew_out(TicketStatus::Replanning, false));
    }
}
