//! The monthly picture, computed from one fact row per rescue: tickets by response level and
//! outcome, how long each stage took (median, 90th percentile), how often each promise was kept,
//! the mismatch rate, satisfaction and complaints. Pure: the rows come from `services::reports`.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::promise::Stage;
use super::sourcing::{ShippingMode, SourcingKind};

/// How a rescue ended (or that it has not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    ResolvedOnSite,
    Towed,
    Cancelled,
    Open,
}

text_names!(Outcome {
    ResolvedOnSite => "resolved_on_site",
    Towed => "towed",
    Cancelled => "cancelled",
    Open => "open",
});

impl Outcome {
    pub fn label_key(self) -> &'static str {
        match self {
            Outcome::ResolvedOnSite => "rep-outcome-resolved",
            Outcome::Towed => "rep-outcome-towed",
            Outcome::Cancelled => "rep-outcome-cancelled",
            Outcome::Open => "rep-outcome-open",
        }
    }
}

/// What the report needs of one rescue.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub level: i32,
    pub outcome: Outcome,
    pub call_time: NaiveDateTime,
    /// When each stage was reached (the timeline's milestones in force), in stage order.
    pub reached: Vec<(Stage, NaiveDateTime)>,
    /// Stages whose promise was broken (a breach recorded by the timer).
    pub breached: Vec<Stage>,
    /// The crew found another fault on site.
    pub mismatch: bool,
    /// The follow-up call's score, when the customer answered.
    pub score: Option<i32>,
    pub complaints: i64,
    /// What the plan of record (the last one submitted) cost, in fen.
    pub cost_fen: Option<i64>,
    /// The technicians of that plan's crew (ids).
    pub crew: Vec<String>,
    /// The parts the dealer lacked, each sourcing order not cancelled.
    pub orders: Vec<OrderFact>,
}

/// A part the dealer did not have, sourced for the rescue.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFact {
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: SourcingKind,
    pub mode: ShippingMode,
    pub quantity: i32,
    pub cost_fen: i64,
    /// From ordering to the part's arrival, when it arrived.
    pub lead_minutes: Option<f64>,
}

/// A part that had to be sourced: how often, how many, for how many rescues.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MissingPart {
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    pub orders: usize,
    pub quantity: i64,
}

/// One way parts came: orders, what they cost, and how long they took to arrive.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SourcingMix {
    pub kind: SourcingKind,
    pub mode: ShippingMode,
    pub orders: usize,
    pub cost_fen: i64,
    pub median_lead_minutes: Option<f64>,
}

/// A technician's rescues in the period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Workload {
    pub technician_id: String,
    /// Filled in by the service.
    pub name: String,
    pub rescues: usize,
}

/// Median and 90th percentile of a stage, in minutes from the stage before (the call for the
/// first), over the rescues that reached it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StageTimes {
    pub stage: Stage,
    pub count: usize,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

/// How often a promise (level × stage) was kept, over the rescues the promise applied to: those
/// that reached the stage, or that were breached on it without reaching it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Compliance {
    pub level: i32,
    pub stage: Stage,
    pub due: usize,
    pub breached: usize,
    /// Share kept, 0 to 1; none when nothing was due.
    pub kept_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LevelOutcomes {
    pub level: i32,
    pub total: usize,
    pub resolved_on_site: usize,
    pub towed: usize,
    pub cancelled: usize,
    pub open: usize,
}

/// The month's figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub tickets: usize,
    pub by_level: Vec<LevelOutcomes>,
    pub stages: Vec<StageTimes>,
    pub compliance: Vec<Compliance>,
    pub breaches: usize,
    pub mismatches: usize,
    /// Mismatches over the rescues that reached the site; none when none did.
    pub mismatch_rate: Option<f64>,
    /// Answered follow-up calls and their mean score.
    pub answered_calls: usize,
    pub mean_score: Option<f64>,
    /// Answers per score 1..=5.
    pub scores: [usize; 5],
    pub complaints: i64,
    /// The parts sourced most often first (at most [`MAX_MISSING_PARTS`]).
    pub missing_parts: Vec<MissingPart>,
    /// Per kind and mode, as they stand in [`SourcingKind`] and [`ShippingMode`] order.
    pub sourcing: Vec<SourcingMix>,
    /// Rescues with a plan of record, what they cost together, and the mean.
    pub costed: usize,
    pub cost_fen: i64,
    pub mean_cost_fen: Option<i64>,
    /// The busiest technicians first.
    pub workload: Vec<Workload>,
}

/// How many parts the report lists.
pub const MAX_MISSING_PARTS: usize = 20;

/// The `p`-th percentile (0–100) of sorted values, by linear interpolation between the closest
/// ranks (the method spreadsheets call PERCENTILE.INC).
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    match sorted.len() {
        0 => None,
        1 => Some(sorted[0]),
        n => {
            let rank = (p / 100.0).clamp(0.0, 1.0) * (n - 1) as f64;
            let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
            Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64))
        }
    }
}

fn minutes(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    (to - from).num_seconds() as f64 / 60.0
}

/// The figures of these rescues. Levels are those present in the facts, 1 to 3 always listed.
pub fn summarise(facts: &[Fact]) -> Summary {
    let mut levels: BTreeMap<i32, LevelOutcomes> = (1..=3)
        .map(|l| {
            (
                l,
                LevelOutcomes {
                    level: l,
                    total: 0,
                    resolved_on_site: 0,
                    towed: 0,
                    cancelled: 0,
                    open: 0,
                },
            )
        })
        .collect();
    let mut durations: BTreeMap<Stage, Vec<f64>> = BTreeMap::new();
    let mut due: BTreeMap<(i32, Stage), (usize, usize)> = BTreeMap::new();
    let (mut mismatches, mut on_site, mut breaches, mut complaints) = (0, 0, 0, 0);
    let mut scores = [0usize; 5];
    let (mut costed, mut cost) = (0usize, 0i64);
    let mut crews: BTreeMap<String, usize> = BTreeMap::new();
    let mut missing: BTreeMap<String, MissingPart> = BTreeMap::new();
    let mut mix: BTreeMap<(SourcingKind, ShippingMode), (usize, i64, Vec<f64>)> = BTreeMap::new();
    for f in facts {
        let l = levels.entry(f.level).or_insert(LevelOutcomes {
            level: f.level,
            total: 0,
            resolved_on_site: 0,
            towed: 0,
            cancelled: 0,
            open: 0,
        });
        l.total += 1;
        match f.outcome {
            Outcome::ResolvedOnSite => l.resolved_on_site += 1,
            Outcome::Towed => l.towed += 1,
            Outcome::Cancelled => l.cancelled += 1,
            Outcome::Open => l.open += 1,
        }
        let mut from = f.call_time;
        for (stage, at) in &f.reached {
            durations
                .entry(*stage)
                .or_default()
                .push(minutes(from, *at));
            from = *at;
        }
        for &stage in Stage::ALL {
            let reached = f.reached.iter().any(|(s, _)| *s == stage);
            let broke = f.breached.contains(&stage);
            if reached || broke {
                let e = due.entry((f.level, stage)).or_default();
                e.0 += 1;
                e.1 += usize::from(broke);
            }
        }
        breaches += f.breached.len();
        if f.reached.iter().any(|(s, _)| *s == Stage::OnSite) {
            on_site += 1;
        }
        mismatches += usize::from(f.mismatch);
        if let Some(s) = f.score.and_then(|s| usize::try_from(s).ok()) {
            if (1..=5).contains(&s) {
                scores[s - 1] += 1;
            }
        }
        complaints += f.complaints;
        if let Some(c) = f.cost_fen {
            costed += 1;
            cost += c;
        }
        for t in &f.crew {
            *crews.entry(t.clone()).or_default() += 1;
        }
        for o in &f.orders {
            let m = missing
                .entry(o.part_no.clone())
                .or_insert_with(|| MissingPart {
                    part_no: o.part_no.clone(),
                    name_zh: o.name_zh.clone(),
                    name_en: o.name_en.clone(),
                    orders: 0,
                    quantity: 0,
                });
            m.orders += 1;
            m.quantity += i64::from(o.quantity);
            let e = mix.entry((o.kind, o.mode)).or_default();
            e.0 += 1;
            e.1 += o.cost_fen;
            if let Some(l) = o.lead_minutes {
                e.2.push(l);
            }
        }
    }
    let mut missing: Vec<MissingPart> = missing.into_values().collect();
    missing.sort_by(|a, b| b.orders.cmp(&a.orders).then(a.part_no.cmp(&b.part_no)));
    missing.truncate(MAX_MISSING_PARTS);
    let mut workload: Vec<Workload> = crews
        .into_iter()
        .map(|(technician_id, rescues)| Workload {
            technician_id,
            name: String::new(),
            rescues,
        })
        .collect();
    workload.sort_by(|a, b| {
        b.rescues
            .cmp(&a.rescues)
            .then(a.technician_id.cmp(&b.technician_id))
    });
    let answered: usize = scores.iter().sum();
    let score_sum: usize = scores.iter().enumerate().map(|(i, n)| (i + 1) * n).sum();
    Summary {
        tickets: facts.len(),
        by_level: levels.into_values().collect(),
        stages: Stage::ALL
            .iter()
            .map(|s| {
                let mut d = durations.remove(s).unwrap_or_default();
                d.sort_by(f64::total_cmp);
                StageTimes {
                    stage: *s,
                    count: d.len(),
                    median_minutes: percentile(&d, 50.0),
                    p90_minutes: percentile(&d, 90.0),
                }
            })
            .collect(),
        compliance: due
            .into_iter()
            .map(|((level, stage), (n, broke))| Compliance {
                level,
                stage,
                due: n,
                breached: broke,
                kept_share: (n > 0).then(|| (n - broke) as f64 / n as f64),
            })
            .collect(),
        breaches,
        mismatches,
        mismatch_rate: (on_site > 0).then(|| mismatches as f64 / on_site as f64),
        answered_calls: answered,
        mean_score: (answered > 0).then(|| score_sum as f64 / answered as f64),
        scores,
        complaints,
        missing_parts: missing,
        sourcing: mix
            .into_iter()
            .map(|((kind, mode), (orders, cost_fen, mut leads))| {
                leads.sort_by(f64::total_cmp);
                SourcingMix {
                    kind,
                    mode,
                    orders,
                    cost_fen,
                    median_lead_minutes: percentile(&leads, 50.0),
                }
            })
            .collect(),
        costed,
        cost_fen: cost,
        mean_cost_fen: (costed > 0).then(|| cost / costed as i64),
        workload,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_names_round_trip() {
        crate::domain::assert_names_round_trip(Outcome::ALL, Outcome::as_str, Outcome::parse);
    }

    fn at(m: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 3)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            + chrono::Duration::minutes(m)
    }

    /// A rescue called at `call` (minutes), reaching the stages at the given minutes.
    fn fact(level: i32, outcome: Outcome, call: i64, reached: &[i64]) -> Fact {
        Fact {
            level,
            outcome,
            call_time: at(call),
            reached: Stage::ALL
                .iter()
                .zip(reached)
                .map(|(s, m)| (*s, at(*m)))
                .collect(),
            breached: Vec::new(),
            mismatch: false,
            score: None,
            complaints: 0,
            cost_fen: None,
            crew: Vec::new(),
            orders: Vec::new(),
        }
    }

    fn order(
        part: &str,
        kind: SourcingKind,
        mode: ShippingMode,
        cost: i64,
        lead: Option<f64>,
    ) -> OrderFact {
        OrderFact {
            part_no: part.into(),
            name_zh: format!("{part} 中文"),
            name_en: part.into(),
            kind,
            mode,
            quantity: 1,
            cost_fen: cost,
            lead_minutes: lead,
        }
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let v = [10.0, 20.0, 30.0, 40.0];
        assert_eq!(percentile(&v, 50.0), Some(25.0));
        assert_eq!(percentile(&v, 90.0), Some(37.0));
        assert_eq!(percentile(&[7.0], 90.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    /// A hand-built month of four rescues with a known answer.
    #[test]
    fn a_hand_built_month() {
        let mut a = fact(1, Outcome::ResolvedOnSite, 0, &[10, 30, 40, 70, 130]);
        a.score = Some(5);
        let mut b = fact(1, Outcome::Towed, 0, &[20, 50, 60, 100]);
        b.breached = vec![Stage::OnSite];
        b.mismatch = true;
        b.score = Some(2);
        b.complaints = 1;
        let mut c = fact(2, Outcome::ResolvedOnSite, 0, &[30, 90, 100, 160, 220]);
        c.score = Some(4);
        let mut d = fact(3, Outcome::Cancelled, 0, &[]);
        d.breached = vec![Stage::ResponseStarted];
        a.cost_fen = Some(30_000);
        a.crew = vec!["t1".into(), "t2".into()];
        a.orders = vec![order(
            "BAT",
            SourcingKind::SisterTransfer,
            ShippingMode::Drive,
            5_000,
            Some(60.0),
        )];
        b.cost_fen = Some(90_000);
        b.crew = vec!["t1".into()];
        b.orders = vec![
            order(
                "BAT",
                SourcingKind::SisterTransfer,
                ShippingMode::Drive,
                7_000,
                Some(100.0),
            ),
            order(
                "KEY",
                SourcingKind::Manufacturer,
                ShippingMode::Express,
                20_000,
                None,
            ),
        ];
        let s = summarise(&[a, b, c, d]);
        // Parts sourced: the battery twice, the key once.
        assert_eq!(
            s.missing_parts
                .iter()
                .map(|m| (m.part_no.as_str(), m.orders))
                .collect::<Vec<_>>(),
            [("BAT", 2), ("KEY", 1)]
        );
        assert_eq!(s.sourcing.len(), 2);
        let drive = &s.sourcing[0];
        assert_eq!(
            (
                drive.kind,
                drive.mode,
                drive.orders,
                drive.cost_fen,
                drive.median_lead_minutes
            ),
            (
                SourcingKind::SisterTransfer,
                ShippingMode::Drive,
                2,
                12_000,
                Some(80.0)
            )
        );
        assert_eq!(s.sourcing[1].median_lead_minutes, None, "not arrived");
        assert_eq!(
            (s.costed, s.cost_fen, s.mean_cost_fen),
            (2, 120_000, Some(60_000))
        );
        assert_eq!(
            s.workload
                .iter()
                .map(|w| (w.technician_id.as_str(), w.rescues))
                .collect::<Vec<_>>(),
            [("t1", 2), ("t2", 1)]
        );

        assert_eq!(s.tickets, 4);
        assert_eq!(
            s.by_level[0],
            LevelOutcomes {
                level: 1,
                total: 2,
                resolved_on_site: 1,
                towed: 1,
                cancelled: 0,
                open: 0
            }
        );
        assert_eq!((s.by_level[2].total, s.by_level[2].cancelled), (1, 1));
        // Call → plan submitted: 10, 20, 30 minutes.
        let first = s.stages[0];
        assert_eq!((first.count, first.median_minutes), (3, Some(20.0)));
        assert_eq!(first.p90_minutes, Some(28.0));
        // Departed → on site: 30, 40, 60.
        let on_site = s.stages[3];
        assert_eq!((on_site.count, on_site.median_minutes), (3, Some(40.0)));
        // Resolved: 60 (a) and 60 (c); b was towed before.
        assert_eq!(
            (s.stages[4].count, s.stages[4].median_minutes),
            (2, Some(60.0))
        );
        // Level 1 on site: due twice, broken once; level 3's response broken without being reached.
        let kept = |level, stage| {
            s.compliance
                .iter()
                .find(|c| c.level == level && c.stage == stage)
                .copied()
        };
        let l1 = kept(1, Stage::OnSite).unwrap();
        assert_eq!((l1.due, l1.breached, l1.kept_share), (2, 1, Some(0.5)));
        let l3 = kept(3, Stage::ResponseStarted).unwrap();
        assert_eq!((l3.due, l3.breached, l3.kept_share), (1, 1, Some(0.0)));
        assert!(kept(3, Stage::Approved).is_none(), "nothing due");
        assert_eq!(s.breaches, 2);
        // One mismatch among the three that reached the site.
        assert_eq!(s.mismatches, 1);
        assert!((s.mismatch_rate.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.answered_calls, 3);
        assert_eq!(s.scores, [0, 1, 0, 1, 1]);
        assert!((s.mean_score.unwrap() - 11.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.complaints, 1);
    }

    #[test]
    fn an_empty_month_has_no_figures_to_divide() {
        let s = summarise(&[]);
        assert_eq!(s.tickets, 0);
        assert_eq!(s.by_level.len(), 3);
        assert!(s.stages.iter().all(|t| t.median_minutes.is_none()));
        assert!(s.compliance.is_empty());
        assert_eq!((s.mismatch_rate, s.mean_score), (None, None));
        assert!(s.missing_parts.is_empty() && s.sourcing.is_empty() && s.workload.is_empty());
        assert_eq!((s.costed, s.mean_cost_fen), (0, None));
    }
}
