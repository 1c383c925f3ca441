//! The monthly report (per dealer, or for the group): the rescues called in a period, each read
//! as one `domain::report::Fact` (its timeline, breaches, mismatch, follow-up score and
//! complaints) in batches, a finished one's timeline from its stored row
//! (`services::report_facts`), summarised by `domain::report::summarise`; and the same figures
//! as CSV rows and an Excel workbook.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::promise::Stage;
use crate::domain::report::{summarise, Fact, OrderFact, Outcome, Summary};
use crate::domain::role::Action;
use crate::error::{AppError, Thing};
use crate::i18n::{Locale, Msg};
use crate::repo::reports as repo;
use crate::services::report_facts::{self, TicketRow, BATCH};

/// The most rescues one report reads: a bound on memory (about 0.5 KB a rescue); a group's
/// year on the national data set is some 13,000 (12,744 measured).
pub const MAX_TICKETS: i64 = 200_000;
/// The longest period, in days.
pub const MAX_DAYS: i64 = 366;

/// `GET /api/v1/reports`: a month, or a period of whole days (the dealer's local dates).
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// A month, `2026-11`; or give `from` and `to`.
    #[param(pattern = "^ *([0-9]{4}-(0[1-9]|1[0-2]))? *$")]
    pub month: Option<String>,
    /// First day, `2026-11-01`.
    #[param(pattern = "^ *([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]))? *$")]
    pub from: Option<String>,
    /// Last day, inclusive.
    #[param(pattern = "^ *([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]))? *$")]
    pub to: Option<String>,
    /// `group`: every dealer of the group (directors and admins); else the user's own dealer.
    #[param(pattern = "^ *(dealer|group)? *$")]
    pub scope: Option<String>,
}

/// The period a query names, as local dates `[first, last]`.
pub fn period(q: &ReportQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), AppError> {
    let bad = |field: &str, key: &'static str| AppError::field(field, Msg::new(key));
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (month, from, to) = (blank(&q.month), blank(&q.from), blank(&q.to));
    let (first, last) = match (&month, &from, &to) {
        (Some(m), None, None) => {
            let first = NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d")
                .map_err(|_| bad("month", "rep-month-invalid"))?;
            let next = first
                .checked_add_months(chrono::Months::new(1))
                .ok_or_else(|| bad("month", "rep-month-invalid"))?;
            (first, next - Duration::days(1))
        }
        (None, Some(f), Some(t)) => {
            let day = |s: &str, field: &str| {
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map_err(|_| bad(field, "rep-date-invalid"))
            };
            (day(f, "from")?, day(t, "to")?)
        }
        (None, None, None) => {
            // This month so far.
            let first = today.with_day0(0).unwrap_or(today);
            (first, today)
        }
        _ => return Err(bad("month", "rep-month-or-range")),
    };
    if last < first {
        return Err(bad("to", "rep-range-backwards"));
    }
    if (last - first).num_days() >= MAX_DAYS {
        return Err(AppError::field(
            "to",
            Msg::with("rep-range-too-long", &[("days", MAX_DAYS.into())]),
        ));
    }
    Ok((first, last))
}

/// What a query asks for: its days `[first, last]` (this month so far when it names none) and
/// whether for the whole group.
pub fn resolve(q: &ReportQuery) -> Result<(NaiveDate, NaiveDate, bool), AppError> {
    let today =
        crate::domain::rota::local_time(crate::repo::now(), crate::services::rota::utc_offset())
            .date();
    let (first, last) = period(q, today)?;
    let group = match q.scope.as_deref().map(str::trim) {
        None | Some("") | Some("dealer") => false,
        Some("group") => true,
        Some(_) => return Err(AppError::field("scope", Msg::new("rep-scope-invalid"))),
    };
    Ok((first, last, group))
}

/// The report as the page, the API and the CSV show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// The dealer's name, or the group's.
    pub scope: String,
    pub group: bool,
    /// Dealers the report covers.
    pub dealers: usize,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub summary: Summary,
    /// More rescues than [`MAX_TICKETS`] were called: the figures cover the first ones only.
    pub truncated: bool,
}

/// The facts of these tickets, a batch at a time: what a finished rescue keeps from its stored
/// row (`services::report_facts`), what an open one (or a finished one without a row yet) has so
/// far from its events; what changes after the end (breaches, the follow-up's score,
/// complaints, sourcing orders, the crew's names) read live.
fn facts(
    conn: &mut AnyConnection,
    rows: &[TicketRow],
    now: NaiveDateTime,
) -> Result<Vec<Fact>, AppError> {
    let mut out = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH) {
        let ids: Vec<&str> = batch.iter().map(|r| r.0.as_str()).collect();
        let mut fixed = report_facts::stored(conn, batch)?;
        let live: Vec<&TicketRow> = batch.iter().filter(|r| !fixed.contains_key(&r.0)).collect();
        if !live.is_empty() {
            fixed.extend(report_facts::compute(conn, &live, now)?);
        }
        let mut breaches: HashMap<String, Vec<Stage>> = HashMap::new();
        for (t, s) in repo::breaches(conn, &ids)? {
            if let Some(stage) = Stage::parse(&s) {
                breaches.entry(t).or_default().push(stage);
            }
        }
        let scores: HashMap<String, Option<i32>> = repo::scores(conn, &ids)?.into_iter().collect();
        let mut complaints: HashMap<String, i64> = HashMap::new();
        for t in repo::complaints(conn, &ids)? {
            *complaints.entry(t).or_default() += 1;
        }
        let plan_ids: Vec<&str> = fixed
            .values()
            .filter_map(|f| f.plan_id.as_deref())
            .collect();
        let mut crews: HashMap<String, Vec<String>> = HashMap::new();
        for (plan, tech) in repo::crews(conn, &plan_ids)? {
            crews.entry(plan).or_default().push(tech);
        }
        let mut orders: HashMap<String, Vec<OrderFact>> = HashMap::new();
        for o in repo::orders(conn, &ids)? {
            let lead = o
                .received_at
                .map(|r| (r - o.placed_at.unwrap_or(o.created_at)).num_seconds() as f64 / 60.0);
            orders.entry(o.ticket_id).or_default().push(OrderFact {
                part_no: o.part_no,
                name_zh: o.name_zh,
                name_en: o.name_en,
                kind: o.kind,
                mode: o.mode,
                quantity: o.quantity,
                cost_fen: o.cost_fen,
                lead_minutes: lead,
            });
        }
        for (id, level, _, call_time) in batch {
            let f = fixed
                .remove(id)
                .ok_or_else(|| AppError::internal(format!("report: no facts for {id}")))?;
            out.push(Fact {
                level: *level,
                outcome: f.outcome,
                call_time: *call_time,
                reached: f.reached,
                breached: breaches.remove(id).unwrap_or_default(),
                mismatch: f.mismatch,
                score: scores.get(id).copied().flatten(),
                complaints: complaints.get(id).copied().unwrap_or(0),
                cost_fen: f.cost_fen,
                crew: f
                    .plan_id
                    .as_ref()
                    .and_then(|p| crews.remove(p))
                    .unwrap_or_default(),
                orders: orders.remove(id).unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// The report for the actor's dealer (or, `group`, the group's dealers) over local days
/// `[first, last]`.
pub async fn report(
    db: &Db,
    actor: &Identity,
    first: NaiveDate,
    last: NaiveDate,
    group: bool,
) -> Result<Report, AppError> {
    actor.require(Action::ViewReports)?;
    if group {
        actor.require(Action::ViewGroupBoard)?;
    }
    let actor = actor.clone();
    db.read(move |conn| {
        let offset = Duration::hours(crate::services::rota::utc_offset().into());
        let from = first.and_time(chrono::NaiveTime::MIN) - offset;
        let to = (last + Duration::days(1)).and_time(chrono::NaiveTime::MIN) - offset;
        let (dealers, scope) = if group {
            let ds = crate::repo::rota::group_dealers(conn, &actor.group_id)?;
            let name = crate::repo::users::group_name(conn, &actor.group_id)?;
            (ds.into_iter().map(|d| d.0).collect::<Vec<_>>(), name)
        } else {
            (vec![actor.dealer_id.to_string()], actor.dealer_name.clone())
        };
        if dealers.is_empty() {
            return Err(AppError::not_found(Thing::Dealer));
        }
        let rows = repo::tickets_called(conn, &dealers, from, to, MAX_TICKETS + 1)?;
        let truncated = rows.len() as i64 > MAX_TICKETS;
        let rows = &rows[..rows.len().min(MAX_TICKETS as usize)];
        let facts = facts(conn, rows, crate::repo::now())?;
        let mut summary = summarise(&facts);
        let ids: Vec<String> = summary
            .workload
            .iter()
            .map(|w| w.technician_id.clone())
            .collect();
        let names = crate::repo::staff::technicians_by_ids(conn, &ids)?;
        for w in &mut summary.workload {
            if let Some(t) = names.iter().find(|t| t.id == w.technician_id) {
                w.name = t.name.clone();
            }
        }
        Ok(Report {
            scope,
            group,
            dealers: dealers.len(),
            first_day: first,
            last_day: last,
            summary,
            truncated,
        })
    })
    .await
}

/// The report as CSV rows `section,level,stage,measure,value`, one figure per row (what a
/// spreadsheet pivots), headers in `l`.
pub fn csv(r: &Report, l: Locale) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| AppError::internal(format!("report csv: {e}"));
    w.write_record([
        l.t("rep-csv-section"),
        l.t("rep-csv-level"),
        l.t("rep-csv-stage"),
        l.t("rep-csv-measure"),
        l.t("rep-csv-value"),
    ])
    .map_err(err)?;
    let mut row = |section: &str, level: String, stage: String, measure: &str, value: String| {
        w.write_record([section, &level, &stage, measure, &value])
    };
    let s = &r.summary;
    let num = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
    row(
        "tickets",
        String::new(),
        String::new(),
        "count",
        s.tickets.to_string(),
    )
    .map_err(err)?;
    for lv in &s.by_level {
        for (m, v) in [
            ("total", lv.total),
            (Outcome::ResolvedOnSite.as_str(), lv.resolved_on_site),
            (Outcome::Towed.as_str(), lv.towed),
            (Outcome::Cancelled.as_str(), lv.cancelled),
            (Outcome::Open.as_str(), lv.open),
        ] {
            row(
                "outcomes",
                lv.level.to_string(),
                String::new(),
                m,
                v.to_string(),
            )
            .map_err(err)?;
        }
    }
    for st in &s.stages {
        let stage = st.stage.as_str().to_owned();
        row(
            "stage_minutes",
            String::new(),
            stage.clone(),
            "count",
            st.count.to_string(),
        )
        .map_err(err)?;
        row(
            "stage_minutes",
            String::new(),
            stage.clone(),
            "median",
            num(st.median_minutes),
        )
        .map_err(err)?;
        row(
            "stage_minutes",
            String::new(),
            stage,
            "p90",
            num(st.p90_minutes),
        )
        .map_err(err)?;
    }
    for c in &s.compliance {
        let (level, stage) = (c.level.to_string(), c.stage.as_str().to_owned());
        row(
            "promises",
            level.clone(),
            stage.clone(),
            "due",
            c.due.to_string(),
        )
        .map_err(err)?;
        row(
            "promises",
            level.clone(),
            stage.clone(),
            "breached",
            c.breached.to_string(),
        )
        .map_err(err)?;
        row(
            "promises",
            level,
            stage,
            "kept_share",
            c.kept_share.map(|v| format!("{v:.3}")).unwrap_or_default(),
        )
        .map_err(err)?;
    }
    for (m, v) in [
        ("breaches", s.breaches.to_string()),
        ("mismatches", s.mismatches.to_string()),
        (
            "mismatch_rate",
            s.mismatch_rate
                .map(|v| format!("{v:.3}"))
                .unwrap_or_default(),
        ),
        ("answered_calls", s.answered_calls.to_string()),
        ("mean_score", num(s.mean_score)),
        ("complaints", s.complaints.to_string()),
    ] {
        row("quality", String::new(), String::new(), m, v).map_err(err)?;
    }
    let yuan = |fen: i64| format!("{:.2}", fen as f64 / 100.0);
    for m in &s.missing_parts {
        row(
            "missing_parts",
            String::new(),
            m.part_no.clone(),
            "orders",
            m.orders.to_string(),
        )
        .map_err(err)?;
        row(
            "missing_parts",
            String::new(),
            m.part_no.clone(),
            "quantity",
            m.quantity.to_string(),
        )
        .map_err(err)?;
    }
    for m in &s.sourcing {
        let way = format!("{}:{}", m.kind.as_str(), m.mode.as_str());
        row(
            "sourcing",
            String::new(),
            way.clone(),
            "orders",
            m.orders.to_string(),
        )
        .map_err(err)?;
        row(
            "sourcing",
            String::new(),
            way.clone(),
            "cost_yuan",
            yuan(m.cost_fen),
        )
        .map_err(err)?;
        row(
            "sourcing",
            String::new(),
            way,
            "median_lead_minutes",
            num(m.median_lead_minutes),
        )
        .map_err(err)?;
    }
    row(
        "cost",
        String::new(),
        String::new(),
        "rescues",
        s.costed.to_string(),
    )
    .map_err(err)?;
    row(
        "cost",
        String::new(),
        String::new(),
        "total_yuan",
        yuan(s.cost_fen),
    )
    .map_err(err)?;
    row(
        "cost",
        String::new(),
        String::new(),
        "mean_yuan",
        s.mean_cost_fen.map(yuan).unwrap_or_default(),
    )
    .map_err(err)?;
    for w in &s.workload {
        row(
            "workload",
            String::new(),
            w.name.clone(),
            "rescues",
            w.rescues.to_string(),
        )
        .map_err(err)?;
    }
    for (i, n) in s.scores.iter().enumerate() {
        row(
            "scores",
            String::new(),
            (i + 1).to_string(),
            "answers",
            n.to_string(),
        )
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::internal(format!("report csv: {e}")))
}

/// The report as an Excel workbook: a sheet each for the outcomes, the stage times, the
/// promises and the quality figures, headers in `l`.
pub fn xlsx(r: &Report, l: Locale) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::internal(format!("report xlsx: {e}"));
    let s = &r.summary;
    let bold = Format::new().set_bold();
    let mut wb = Workbook::new();

    let ws = wb.add_worksheet();
    ws.set_name(l.t("rep-sheet-outcomes")).map_err(err)?;
    ws.write_string_with_format(0, 0, l.t("rep-csv-level"), &bold)
        .map_err(err)?;
    ws.write_string_with_format(0, 1, l.t("rep-total"), &bold)
        .map_err(err)?;
    for (c, o) in Outcome::ALL.iter().enumerate() {
        ws.write_string_with_format(0, c as u16 + 2, l.t(o.label_key()), &bold)
            .map_err(err)?;
    }
    for (i, lv) in s.by_level.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number(row, 0, f64::from(lv.level)).map_err(err)?;
        for (c, v) in [
            lv.total,
            lv.resolved_on_site,
            lv.towed,
            lv.cancelled,
            lv.open,
        ]
        .iter()
        .enumerate()
        {
            ws.write_number(row, c as u16 + 1, *v as f64).map_err(err)?;
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name(l.t("rep-sheet-stages")).map_err(err)?;
    for (c, key) in ["rep-csv-stage", "rep-count", "rep-median", "rep-p90"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, l.t(key), &bold)
            .map_err(err)?;
    }
    for (i, st) in s.stages.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, l.t(st.stage.label_key()))
            .map_err(err)?;
        ws.write_number(row, 1, st.count as f64).map_err(err)?;
        if let Some(m) = st.median_minutes {
            ws.write_number(row, 2, m).map_err(err)?;
        }
        if let Some(p) = st.p90_minutes {
            ws.write_number(row, 3, p).map_err(err)?;
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name(l.t("rep-sheet-promises")).map_err(err)?;
    for (c, key) in [
        "rep-csv-level",
        "rep-csv-stage",
        "rep-due",
        "rep-breached",
        "rep-kept",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(0, c as u16, l.t(key), &bold)
            .map_err(err)?;
    }
    let share = Format::new().set_num_format("0.0%");
    for (i, c) in s.compliance.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number(row, 0, f64::from(c.level)).map_err(err)?;
        ws.write_string(row, 1, l.t(c.stage.label_key()))
            .map_err(err)?;
        ws.write_number(row, 2, c.due as f64).map_err(err)?;
        ws.write_number(row, 3, c.breached as f64).map_err(err)?;
        if let Some(k) = c.kept_share {
            ws.write_number_with_format(row, 4, k, &share)
                .map_err(err)?;
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name(l.t("rep-sheet-quality")).map_err(err)?;
    let rows: Vec<(String, Option<f64>)> = vec![
        (l.t("rep-tickets"), Some(s.tickets as f64)),
        (l.t("rep-breaches"), Some(s.breaches as f64)),
        (l.t("rep-mismatches"), Some(s.mismatches as f64)),
        (l.t("rep-mismatch-rate"), s.mismatch_rate),
        (l.t("rep-answered"), Some(s.answered_calls as f64)),
        (l.t("rep-mean-score"), s.mean_score),
        (l.t("rep-complaints"), Some(s.complaints as f64)),
    ];
    for (i, (name, v)) in rows.iter().enumerate() {
        ws.write_string(i as u32, 0, name).map_err(err)?;
        if let Some(v) = v {
            ws.write_number(i as u32, 1, *v).map_err(err)?;
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name(l.t("rep-sheet-parts")).map_err(err)?;
    let mut row = 0u32;
    for (c, key) in ["rep-part", "rep-orders", "rep-quantity"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(row, c as u16, l.t(key), &bold)
            .map_err(err)?;
    }
    for m in &s.missing_parts {
        row += 1;
        ws.write_string(
            row,
            0,
            format!("{} {}", m.part_no, l.name(&m.name_zh, &m.name_en)),
        )
        .map_err(err)?;
        ws.write_number(row, 1, m.orders as f64).map_err(err)?;
        ws.write_number(row, 2, m.quantity as f64).map_err(err)?;
    }
    row += 2;
    for (c, key) in ["rep-way", "rep-orders", "rep-cost-yuan", "rep-lead"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(row, c as u16, l.t(key), &bold)
            .map_err(err)?;
    }
    for m in &s.sourcing {
        row += 1;
        ws.write_string(
            row,
            0,
            format!("{} · {}", l.t(m.kind.label_key()), l.t(m.mode.label_key())),
        )
        .map_err(err)?;
        ws.write_number(row, 1, m.orders as f64).map_err(err)?;
        ws.write_number(row, 2, m.cost_fen as f64 / 100.0)
            .map_err(err)?;
        if let Some(v) = m.median_lead_minutes {
            ws.write_number(row, 3, v).map_err(err)?;
        }
    }
    row += 2;
    ws.write_string_with_format(row, 0, l.t("rep-mean-cost"), &bold)
        .map_err(err)?;
    if let Some(m) = s.mean_cost_fen {
        ws.write_number(row, 1, m as f64 / 100.0).map_err(err)?;
    }
    row += 2;
    for (c, key) in ["rep-technician", "rep-count"].iter().enumerate() {
        ws.write_string_with_format(row, c as u16, l.t(key), &bold)
            .map_err(err)?;
    }
    for w in &s.workload {
        row += 1;
        ws.write_string(row, 0, &w.name).map_err(err)?;
        ws.write_number(row, 1, w.rescues as f64).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}
