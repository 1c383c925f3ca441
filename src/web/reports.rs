//! The monthly report page (service managers, directors, admins): the period form, the figures
//! in tables, three charts drawn on the server, and the CSV and Excel downloads; it prints on A4.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::charts::{self, Series};
use super::session::{Chrome, WebUser};
use super::{html, OrPage, PageError};
use crate::domain::promise::Stage;
use crate::domain::report::Outcome;
use crate::domain::role::Action;
use crate::i18n::Locale;
use crate::services::reports::{self, Report, ReportQuery};
use crate::state::AppState;

/// A row of a figures table: the name, then its values as shown.
pub struct Line {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Template)]
#[template(path = "reports.html", config = "src/web/askama.toml")]
struct ReportPage {
    c: Chrome,
    month: String,
    group: bool,
    may_group: bool,
    /// The query string of this report, for the downloads.
    query: String,
    scope: String,
    period: String,
    /// Too many rescues: the words saying how many were counted.
    truncated: Option<String>,
    outcome_heads: Vec<String>,
    outcomes: Vec<Line>,
    stages: Vec<Line>,
    promises: Vec<Line>,
    quality: Vec<Line>,
    parts: Vec<Line>,
    sourcing: Vec<Line>,
    workload: Vec<Line>,
    charts: Vec<String>,
    error: Option<String>,
}

fn fmt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "—".into())
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// The stages' short names, for the charts' axis (the tables use the full ones).
fn stage_names(l: Locale) -> Vec<String> {
    Stage::ALL
        .iter()
        .map(|s| {
            l.t(match s {
                Stage::ResponseStarted => "rep-stage-response",
                Stage::Approved => "rep-stage-approved",
                Stage::Departed => "rep-stage-departed",
                Stage::OnSite => "rep-stage-on-site",
                Stage::Resolved => "rep-stage-resolved",
            })
        })
        .collect()
}

fn build_charts(l: Locale, r: &Report) -> Result<Vec<String>, crate::error::AppError> {
    let s = &r.summary;
    let times = charts::bars(
        &l.t("rep-chart-stages"),
        &l.t("rep-minutes"),
        &stage_names(l),
        &[
            Series {
                name: l.t("rep-median"),
                color: charts::BLUE,
                values: s
                    .stages
                    .iter()
                    .map(|t| t.median_minutes.unwrap_or(0.0))
                    .collect(),
            },
            Series {
                name: l.t("rep-p90"),
                color: charts::AMBER,
                values: s
                    .stages
                    .iter()
                    .map(|t| t.p90_minutes.unwrap_or(0.0))
                    .collect(),
            },
        ],
        None,
        &l.t("rep-chart-empty"),
    )?;
    let colors = [charts::RED, charts::AMBER, charts::BLUE];
    let kept = charts::bars(
        &l.t("rep-chart-promises"),
        &l.t("rep-kept-percent"),
        &stage_names(l),
        &(1..=3)
            .map(|level| Series {
                name: l.t_with("rep-level", &[("level", level.into())]),
                color: colors[(level - 1) as usize],
                values: Stage::ALL
                    .iter()
                    .map(|st| {
                        s.compliance
                            .iter()
                            .find(|c| c.level == level && c.stage == *st)
                            .and_then(|c| c.kept_share)
                            // Nothing due: no bar, rather than one that reads "none kept".
                            .map_or(f64::NAN, |k| k * 100.0)
                    })
                    .collect(),
            })
            .collect::<Vec<_>>(),
        Some(100.0),
        &l.t("rep-chart-empty"),
    )?;
    let scores = charts::bars(
        &l.t("rep-chart-scores"),
        &l.t("rep-answers"),
        &(1..=5).map(|n: i32| n.to_string()).collect::<Vec<_>>(),
        &[Series {
            name: l.t("rep-answered"),
            color: charts::GREY,
            values: s.scores.iter().map(|n| *n as f64).collect(),
        }],
        None,
        &l.t("rep-chart-empty"),
    )?;
    Ok(vec![times, kept, scores])
}

fn page(
    user: &WebUser,
    q: &ReportQuery,
    r: Option<&Report>,
    error: Option<String>,
) -> Result<ReportPage, crate::error::AppError> {
    let l = user.locale;
    let month = q.month.clone().unwrap_or_else(|| {
        r.map(|r| r.first_day.format("%Y-%m").to_string())
            .unwrap_or_default()
    });
    // The scope asked for, also when the period was refused (the form keeps it).
    let group = r.map_or(q.scope.as_deref().map(str::trim) == Some("group"), |r| {
        r.group
    });
    let mut p = ReportPage {
        c: user.chrome(),
        group,
        may_group: user.identity.may(Action::ViewGroupBoard),
        query: format!(
            "month={}&scope={}",
            month,
            if group { "group" } else { "dealer" }
        ),
        month,
        scope: String::new(),
        period: String::new(),
        truncated: None,
        outcome_heads: std::iter::once(l.t("rep-total"))
            .chain(Outcome::ALL.iter().map(|o| l.t(o.label_key())))
            .collect(),
        outcomes: Vec::new(),
        stages: Vec::new(),
        promises: Vec::new(),
        quality: Vec::new(),
        parts: Vec::new(),
        sourcing: Vec::new(),
        workload: Vec::new(),
        charts: Vec::new(),
        error,
    };
    let Some(r) = r else { return Ok(p) };
    let s = &r.summary;
    p.scope = if r.group {
        l.t_with(
            "rep-scope-group-title",
            &[
                ("group", r.scope.clone().into()),
                ("dealers", r.dealers.into()),
            ],
        )
    } else {
        r.scope.clone()
    };
    p.period = format!("{} – {}", r.first_day, r.last_day);
    p.truncated = r
        .truncated
        .then(|| l.t_with("rep-truncated", &[("max", reports::MAX_TICKETS.into())]));
    p.outcomes = s
        .by_level
        .iter()
        .map(|lv| Line {
            name: l.t_with("rep-level", &[("level", lv.level.into())]),
            values: [
                lv.total,
                lv.resolved_on_site,
                lv.towed,
                lv.cancelled,
                lv.open,
            ]
            .iter()
            .map(ToString::to_string)
            .collect(),
        })
        .collect();
    p.stages = s
        .stages
        .iter()
        .map(|t| Line {
            name: l.t(t.stage.label_key()),
            values: vec![
                t.count.to_string(),
                fmt(t.median_minutes),
                fmt(t.p90_minutes),
            ],
        })
        .collect();
    p.promises = s
        .compliance
        .iter()
        .map(|c| Line {
            name: format!(
                "{} · {}",
                l.t_with("rep-level", &[("level", c.level.into())]),
                l.t(c.stage.label_key())
            ),
            values: vec![c.due.to_string(), c.breached.to_string(), pct(c.kept_share)],
        })
        .collect();
    p.quality = vec![
        (l.t("rep-tickets"), s.tickets.to_string()),
        (l.t("rep-breaches"), s.breaches.to_string()),
        (l.t("rep-mismatches"), s.mismatches.to_string()),
        (l.t("rep-mismatch-rate"), pct(s.mismatch_rate)),
        (l.t("rep-answered"), s.answered_calls.to_string()),
        (
            l.t("rep-mean-score"),
            s.mean_score
                .map_or_else(|| "—".into(), |m| format!("{m:.2}")),
        ),
        (l.t("rep-complaints"), s.complaints.to_string()),
    ]
    .into_iter()
    .map(|(name, v)| Line {
        name,
        values: vec![v],
    })
    .collect();
    p.parts = s
        .missing_parts
        .iter()
        .map(|m| Line {
            name: format!("{} {}", m.part_no, l.name(&m.name_zh, &m.name_en)),
            values: vec![m.orders.to_string(), m.quantity.to_string()],
        })
        .collect();
    p.sourcing = s
        .sourcing
        .iter()
        .map(|m| Line {
            name: format!("{} · {}", l.t(m.kind.label_key()), l.t(m.mode.label_key())),
            values: vec![
                m.orders.to_string(),
                crate::domain::money::Fen::from_fen(m.cost_fen).to_string(),
                fmt(m.median_lead_minutes),
            ],
        })
        .collect();
    p.workload = s
        .workload
        .iter()
        .map(|w| Line {
            name: w.name.clone(),
            values: vec![w.rescues.to_string()],
        })
        .collect();
    p.quality.push(Line {
        name: l.t("rep-mean-cost"),
        values: vec![s.mean_cost_fen.map_or_else(
            || "—".into(),
            |f| crate::domain::money::Fen::from_fen(f).to_string(),
        )],
    });
    p.charts = build_charts(l, r)?;
    Ok(p)
}

/// `GET /reports?month=2026-11&scope=group`.
pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    user.require(Action::ViewReports)?;
    let q = q.into_inner();
    let result = match reports::resolve(&q) {
        Ok((first, last, group)) => {
            reports::report(&state.db, &user.identity, first, last, group).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(html(
            StatusCode::OK,
            &page(&user, &q, Some(&r), None).or_page(l)?,
        )),
        Err(e) if e.code == crate::error::ErrorCode::ValidationFailed => {
            let words = e
                .fields
                .values()
                .map(|m| m.render(l))
                .collect::<Vec<_>>()
                .join(" ");
            let p = page(&user, &q, None, Some(words)).or_page(l)?;
            Ok(html(StatusCode::BAD_REQUEST, &p))
        }
        Err(e) => Err(PageError::App(e, l)),
    }
}

/// `GET /reports/csv` and `/reports/xlsx` for the signed-in page's downloads.
pub async fn download(
    state: web::Data<AppState>,
    user: WebUser,
    kind: web::Path<String>,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, PageError> {
    let l = user.locale;
    user.require(Action::ViewReports)?;
    let (first, last, group) = reports::resolve(&q).or_page(l)?;
    let r = reports::report(&state.db, &user.identity, first, last, group)
        .await
        .or_page(l)?;
    match kind.as_str() {
        "xlsx" => Ok(crate::api::reports::xlsx_response(
            &r,
            reports::xlsx(&r, l).or_page(l)?,
        )),
        _ => crate::api::reports::csv_response(&r, l).or_page(l),
    }
}
