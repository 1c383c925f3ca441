//! The dispatch board (调度看板): a wall-screen page of every open ticket, most urgent first, with
//! a countdown to each promise and a map; its live part is re-read every few seconds.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::session::{Chrome, WebUser};
use super::{html, PageError};
use crate::domain::role::Action;
use crate::domain::workflow::Event;
use crate::i18n::Locale;
use crate::services::board::{self, Board, CrewState, MapPoint};
use crate::state::AppState;

/// How often the page asks for its live part again, in seconds.
pub const REFRESH_S: u32 = 5;

#[derive(Template)]
#[template(path = "board.html", config = "src/web/askama.toml")]
struct BoardPage {
    c: Chrome,
    /// The live part as drawn (the same HTML `/board/live` answers with).
    live: String,
    refresh_s: u32,
    tile_url: String,
    subdomains: String,
    attribution: String,
    max_zoom: u8,
}

/// The part of the page that is read again every few seconds: counts, the list, the markers.
#[derive(Template)]
#[template(path = "board_live.html", config = "src/web/askama.toml")]
struct Live {
    c: Chrome,
    /// The server's clock (ms since the epoch), against which the page sets its own.
    now_ms: i64,
    counts: board::BoardCounts,
    group: bool,
    rows: Vec<Row>,
    /// "500 of 612 open tickets shown", when the board was cut.
    cut: Option<String>,
    crews: Vec<CrewRow>,
    dealers: Vec<DealerRow>,
    /// Active suspensions (weather): listed, and drawn on the map under the markers.
    areas: Vec<AreaRow>,
    /// Open complaints, the oldest first; `counts.open_complaints` counts them all.
    complaints: Vec<ComplaintRow>,
    /// Rescue vehicles out or not ready, out first.
    vehicles: Vec<VehicleRow>,
}

/// A rescue vehicle on the board: plate, kind, and where it is (out on R-…) or why it may not go.
struct VehicleRow {
    plate: String,
    kind: String,
    /// `out` or `not_ready`.
    state: &'static str,
    ticket_id: Option<String>,
    ticket_number: String,
    /// The readiness in words, and the failed check's note.
    why: String,
    dealer: String,
}

struct AreaRow {
    shape: String,
    /// The circle's centre in the map's system (0, 0 for a polygon).
    lat: f64,
    lon: f64,
    radius_m: f64,
    /// The polygon's points in the map's system: `lat,lon;lat,lon…`.
    points: String,
    reason: String,
    until: String,
    area: String,
}

struct ComplaintRow {
    id: String,
    ticket_number: String,
    customer: String,
    open_for: String,
}

struct Row {
    id: String,
    number: String,
    level: i32,
    level_label: String,
    status: &'static str,
    status_label: String,
    step: String,
    holder: String,
    customer: String,
    plate: String,
    dealer: String,
    /// A sister dealer's ticket our technician is lent to: its badge ("借调·杭州…"). The row
    /// links nowhere: the ticket is that dealer's.
    lent: Option<String>,
    /// `on_time`, `warning`, `breached` or `none`: the row's colour and the marker's.
    state: &'static str,
    state_label: String,
    stage: String,
    /// The deadline in ms since the epoch; the page counts down to it.
    deadline_ms: Option<i64>,
    /// The countdown as the server saw it (the page takes over every second).
    left: String,
    paused: bool,
    map: Option<MapPoint>,
}

struct CrewRow {
    ticket_id: String,
    number: String,
    /// The crew of a sister dealer's ticket (see `Row::lent`): no link.
    lent: bool,
    on_site: bool,
    state_label: String,
    lead: String,
    members: usize,
    map: Option<MapPoint>,
    /// On the road with a shared position: stale (older than `[eta] position_stale_s`) or live.
    stale: bool,
    /// "position at 10:42" / "position stale (last 10:30)"; empty without a shared position.
    position_note: String,
}

struct DealerRow {
    name: String,
    map: MapPoint,
}

/// `-01:02:03` style: hours may pass 99; the sign says late.
fn countdown(seconds_left: i64) -> String {
    let s = seconds_left.unsigned_abs();
    let text = format!("{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60);
    if seconds_left < 0 {
        format!("-{text}")
    } else {
        text
    }
}

/// The catalogue key of a step the board says a ticket waits on.
fn step_key(event: &str) -> Option<&'static str> {
    let event = Event::ALL.into_iter().find(|e| e.as_str() == event)?;
    Some(match event {
        Event::StartPlanning => "board-step-start-planning",
        Event::SubmitPlan => "board-step-submit-plan",
        Event::ManagerAccept => "board-step-manager-review",
        Event::CustomerAgree => "board-step-customer-consent",
        Event::DirectorApprove => "board-step-director-approval",
        Event::Depart => "board-step-depart",
        Event::Arrive => "board-step-arrive",
        Event::Resolve => "board-step-resolve",
        Event::Close => "board-step-close",
        _ => return None,
    })
}

fn live(c: Chrome, b: Board, utc_offset_hours: i32) -> Live {
    let l: Locale = c.locale;
    let offset = chrono::Duration::hours(i64::from(utc_offset_hours));
    let shown = b.tickets.len();
    let lent: std::collections::HashSet<String> = b
        .tickets
        .iter()
        .filter(|t| t.lent)
        .map(|t| t.id.clone())
        .collect();
    let rows = b
        .tickets
        .into_iter()
        .map(|t| {
            let (state, state_label) = match t.promise.map(|p| p.state) {
                Some(s) => (s.as_str(), l.t(s.label_key())),
                None => ("none", l.t("board-no-promise")),
            };
            Row {
                number: t.number,
                level: t.response_level,
                level_label: super::tickets::level_label(l, t.response_level),
                status: t.status.as_str(),
                status_label: l.t(t.status.label_key()),
                step: t
                    .next_step
                    .as_deref()
                    .and_then(step_key)
                    .map(|k| l.t(k))
                    .unwrap_or_default(),
                holder: t.holder.map(|r| l.t(r.label_key())).unwrap_or_default(),
                customer: t.customer,
                plate: t.plate,
                lent: t.lent.then(|| {
                    l.t_with(
                        "sister-board-lent",
                        &[("dealer", t.dealer_name.clone().into())],
                    )
                }),
                dealer: t.dealer_name,
                state,
                state_label,
                stage: t
                    .promise
                    .map(|p| l.t(p.stage.label_key()))
                    .unwrap_or_default(),
                deadline_ms: t.promise.map(|p| p.deadline.and_utc().timestamp_millis()),
                left: t
                    .promise
                    .map(|p| countdown(p.seconds_left))
                    .unwrap_or_default(),
                paused: t.promise.is_some_and(|p| p.paused),
                map: t.map,
                id: t.id,
            }
        })
        .collect();
    let cut = b.truncated.then(|| {
        l.t_with(
            "board-cut",
            &[
                ("shown", (shown as i64).into()),
                ("open", b.counts.open.into()),
            ],
        )
    });
    Live {
        now_ms: b.now.and_utc().timestamp_millis(),
        counts: b.counts,
        group: b.scope == board::BoardScope::Group,
        rows,
        cut,
        crews: b
            .crews
            .into_iter()
            .map(|k| CrewRow {
                on_site: k.state == CrewState::OnSite,
                state_label: l.t(match k.state {
                    CrewState::OnSite => "board-crew-on-site",
                    CrewState::Departed => "board-crew-departed",
                }),
                lead: k.lead.unwrap_or_default(),
                members: k.members,
                map: k.map,
                stale: k.position.is_some_and(|p| p.stale),
                position_note: k
                    .position
                    .map(|p| {
                        let time = (p.fixed_at + offset).format("%H:%M").to_string();
                        let key = if p.stale {
                            "crew-board-position-stale"
                        } else {
                            "crew-board-position-at"
                        };
                        l.t_with(key, &[("time", time.into())])
                    })
                    .unwrap_or_default(),
                lent: lent.contains(&k.ticket_id),
                ticket_id: k.ticket_id,
                number: k.ticket_number,
            })
            .collect(),
        areas: b
            .suspensions
            .into_iter()
            .map(|s| {
                let centre = s.map_centre;
                AreaRow {
                    area: match s.radius_km {
                        Some(km) if s.shape == "circle" => {
                            l.t_with("susp-area-circle", &[("km", km.into())])
                        }
                        _ => l.t_with(
                            "susp-area-polygon",
                            &[("count", (s.map_points.len() as i64).into())],
                        ),
                    },
                    lat: centre.map_or(0.0, |c| c.lat),
                    lon: centre.map_or(0.0, |c| c.lon),
                    radius_m: s.radius_km.unwrap_or_default() * 1000.0,
                    points: s
                        .map_points
                        .iter()
                        .map(|p| format!("{},{}", p.lat, p.lon))
                        .collect::<Vec<_>>()
                        .join(";"),
                    until: (s.ends_at + offset).format("%m-%d %H:%M").to_string(),
                    reason: s.reason,
                    shape: s.shape,
                }
            })
            .collect(),
        vehicles: b
            .vehicles
            .iter()
            .map(|v| VehicleRow {
                plate: v.plate.clone(),
                kind: l.t(v.kind.label_key()),
                state: if v.ticket_id.is_some() {
                    "out"
                } else {
                    "not_ready"
                },
                ticket_id: v.ticket_id.clone(),
                ticket_number: v.ticket_number.clone().unwrap_or_default(),
                why: match &v.note {
                    Some(note) => format!(
                        "{}{}{}",
                        l.t(v.readiness.label_key()),
                        l.t("punct-colon"),
                        note
                    ),
                    None => l.t(v.readiness.label_key()),
                },
                dealer: b
                    .dealers
                    .iter()
                    .find(|d| d.id == v.dealer_id)
                    .map(|d| d.name.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        complaints: b
            .complaints
            .into_iter()
            .map(|k| ComplaintRow {
                open_for: super::tickets::duration_text(l, k.open_minutes),
                id: k.id,
                ticket_number: k.ticket_number,
                customer: k.customer,
            })
            .collect(),
        dealers: b
            .dealers
            .into_iter()
            .map(|d| DealerRow {
                name: d.name,
                map: d.map,
            })
            .collect(),
        c,
    }
}

async fn read(state: &AppState, user: &WebUser) -> Result<Live, PageError> {
    user.require(Action::ViewBoard)?;
    let b = board::board(
        &state.db,
        &state.settings.sla,
        state.settings.map.crs,
        state.settings.eta.position_stale_s,
        &user.identity,
    )
    .await
    .map_err(|e| PageError::App(e, user.locale))?;
    Ok(live(
        user.chrome(),
        b,
        state.settings.tickets.utc_offset_hours,
    ))
}

/// `GET /board`: the whole page with the map.
pub async fn page(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    let live = read(&state, &user).await?;
    let live = live.render().map_err(|e| {
        PageError::App(
            crate::error::AppError::internal(format!("template: {e}")),
            user.locale,
        )
    })?;
    let map = &state.settings.map;
    let page = BoardPage {
        c: user.chrome(),
        live,
        refresh_s: REFRESH_S,
        tile_url: map.tile_url.clone(),
        subdomains: map.subdomains.clone(),
        attribution: map.attribution.clone(),
        max_zoom: map.max_zoom,
    };
    Ok(html(StatusCode::OK, &page))
}

/// `GET /board/live`: counts, list and markers, which the page swaps in every few seconds.
pub async fn live_part(
    state: web::Data<AppState>,
    user: WebUser,
) -> Result<HttpResponse, PageError> {
    let live = read(&state, &user).await?;
    Ok(html(StatusCode::OK, &live))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_countdown_shows_hours_minutes_seconds() {
        assert_eq!(countdown(0), "00:00:00");
        assert_eq!(countdown(3723), "01:02:03");
        assert_eq!(countdown(-61), "-00:01:01");
        assert_eq!(countdown(100 * 3600), "100:00:00");
    }

    #[test]
    fn every_main_line_step_has_words() {
        for e in Event::ALL {
            let main = crate::domain::ticket::TicketStatus::ALL
                .into_iter()
                .any(|s| {
                    crate::domain::workflow::next_step(
                        s,
                        crate::domain::workflow::Context::default(),
                    ) == Some(e)
                });
            assert_eq!(step_key(e.as_str()).is_some(), main, "{e:?}");
        }
    }
}
